//! `deptshare run`: the whole pipeline on a study config, every output written at once.

use anyhow::Context;

use crate::cli::RunArgs;
use crate::config::Study;
use crate::figures::study_charts;
use crate::pipeline;
use crate::report::{OutputFile, csv, json, manifest, markdown, write_atomic};
use crate::reproduce;
use crate::stats::EstimateSettings;

use super::Outcome;

pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let study = Study::load(&args.config)?;
    let settings = EstimateSettings {
        method: study.method,
        level: study.raw.estimation.level,
        groups: study.groups.clone(),
    };
    let analysis = pipeline::analyze(&study.input_specs(), &study.taxonomy, &settings)?;
    super::print_notes(&analysis);
    let published: Vec<_> = study.raw.published.iter().map(|p| p.path.as_path()).collect();
    let checks = reproduce::check(&reproduce::load(&published)?, &analysis.estimates);

    let mut files = study_charts(&study, &analysis)?;
    let chart_names: Vec<String> = files
        .iter()
        .map(|f| f.path.to_string_lossy().replace('\\', "/"))
        .collect();
    files.push(OutputFile::new(
        "report.md",
        markdown::render(&study, &analysis, &checks, &chart_names),
    ));
    files.push(OutputFile::new(
        "results.json",
        json::results(&analysis, Some(&study.raw.title), true)?,
    ));
    files.push(OutputFile::new("estimates.csv", csv::estimates(&analysis.estimates)?));
    files.push(OutputFile::new(
        "comparisons.csv",
        csv::comparisons(&analysis.trend.comparisons)?,
    ));
    files.push(OutputFile::new("tests.csv", csv::tests(&analysis.trend.tests)?));
    files.push(OutputFile::new("rejects.csv", csv::rejects(&analysis.rejects)?));
    files.push(OutputFile::new(
        "reproduce.json",
        serde_json::to_string_pretty(&checks)? + "\n",
    ));
    let inputs: Vec<_> = study
        .raw
        .inputs
        .iter()
        .map(|i| i.path.as_path())
        .chain(published.iter().copied())
        .collect();
    files.push(OutputFile::new(
        "manifest.json",
        manifest::render(&study.file, &study.raw, &inputs)?,
    ));
    write_atomic(&args.out, &files).with_context(|| format!("writing outputs to {}", args.out.display()))?;

    for id in analysis.studies() {
        println!("{}", markdown::headline(&study, &analysis, id));
    }
    let missed = reproduce::failures(&checks).len();
    println!(
        "published figures reproduced: {} of {}",
        checks.len() - missed,
        checks.len()
    );
    eprintln!("wrote {} files to {}", files.len(), args.out.display());
    Ok(Outcome::Success)
}
