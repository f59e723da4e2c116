//! `deptshare report`: the yearly report (`report.html`, `report.md`, `report.xlsx`) and its charts
//! for one wave.

use anyhow::Context;

use crate::cli::ReportArgs;
use crate::report::publish::publish;
use crate::report::{OutputFile, csv, manifest};

use super::Outcome;
use super::run::{charts_and_report, prepare};

pub fn report(args: &ReportArgs) -> anyhow::Result<Outcome> {
    let rejects = args.out.join("rejects.csv");
    let prepared = prepare(&args.config, Some(&args.weighting), super::RejectsAt::File(&rejects))?;
    if let Some(wave) = args.wave
        && !prepared.analysis.estimates.iter().any(|e| e.wave == wave)
    {
        anyhow::bail!("{}: no study has wave {wave}", args.config.display());
    }
    let mut files = charts_and_report(&prepared, args.wave)?;
    // The report links these two; they belong beside it.
    files.push(OutputFile::new(
        "rejects.csv",
        csv::rejects(&prepared.analysis.rejects)?,
    ));
    let study = &prepared.study;
    let written: Vec<&std::path::Path> = files.iter().map(|f| f.path.as_path()).collect();
    let text = manifest::render(&study.file, &study.raw, prepared.hashes.clone(), &written)?;
    files.push(OutputFile::new("manifest.json", text));
    // Nothing is removed: `run`'s other outputs may share the folder.
    publish(&args.out, &files, &[]).with_context(|| format!("writing the report to {}", args.out.display()))?;
    eprintln!(
        "wrote {}, {} and {}",
        args.out.join("report.html").display(),
        args.out.join("report.md").display(),
        args.out.join("report.xlsx").display()
    );
    Ok(Outcome::Success)
}
