//! `deptshare run`: the whole pipeline on a study config, every output written at once.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

use crate::cli::{RunArgs, WeightingArgs};
use crate::config::Study;
use crate::figures::study_charts;
use crate::pipeline::{self, Analysis};
use crate::report::doc::ReportInput;
use crate::report::publish::publish;
use crate::report::{OutputFile, csv, json, manifest, markdown, parquet, report_files};
use crate::reproduce::{self, Check};
use crate::stats::EstimateSettings;

use super::Outcome;

/// A study read and analysed, with its published checks and input hashes.
pub struct Prepared {
    pub study: Study,
    pub analysis: Analysis,
    pub checks: Vec<Check>,
    pub hashes: BTreeMap<String, String>,
}

/// Loads a config and runs the data stages on it; `--calibrate` (of `report`) weights every
/// study with respondent rows in place of the config's `[weighting]`; `rejects_at` is where stderr
/// says every reject is.
pub fn prepare(
    config: &Path,
    weighting: Option<&WeightingArgs>,
    rejects_at: super::RejectsAt,
) -> anyhow::Result<Prepared> {
    let mut study = Study::load(config)?;
    if let Some(args) = weighting.filter(|w| w.calibrate.is_some()) {
        let ids: Vec<String> = study
            .raw
            .inputs
            .iter()
            .filter(|i| i.format != crate::ingest::InputFormat::Aggregate)
            .map(|i| i.study.clone())
            .collect();
        study.weighting = super::weighting(args, &ids)?;
        if study.raw.estimation.ci.is_none() {
            study.method = crate::stats::CiMethod::Logit;
        }
    }
    let settings = EstimateSettings {
        base: study.base,
        method: study.method,
        level: study.raw.estimation.level,
        groups: study.groups.clone(),
        lonely_psu: study.lonely_psu,
        declared: study.taxonomy.declared_ids().to_vec(),
        weighting: study.weighting.clone(),
        segments: crate::stats::segments::SegmentSettings {
            adjust: study.raw.estimation.adjust,
            sig_level: study.raw.estimation.sig_level,
        },
        shown: crate::stats::Shown::ALL,
    };
    let specs = study.input_specs();
    let paths: Vec<&Path> = specs.iter().map(|s| s.path.as_path()).collect();
    let analysis = super::progress::while_reading(&paths, || pipeline::analyze(&specs, &study.taxonomy, &settings))?;
    super::print_notes(&analysis, rejects_at);
    let published: Vec<&Path> = study.raw.published.iter().map(|p| p.path.as_path()).collect();
    let checks = reproduce::check(&reproduce::load(&published)?, &analysis.estimates);
    let read: Vec<&Path> = study
        .raw
        .inputs
        .iter()
        .map(|i| i.path.as_path())
        .chain(published.iter().copied())
        .chain(study.weighting.values().next().map(|w| Path::new(&w.targets.source)))
        .collect();
    let hashes = manifest::input_hashes(&study.file, &read)?;
    let (analysis, checks, hashes) = as_written(&study, analysis, checks, hashes);
    Ok(Prepared {
        study,
        analysis,
        checks,
        hashes,
    })
}

/// The outputs' file names as the config writes them (relative to its folder), not as resolved
/// from the working folder: the same run from elsewhere gives the same bytes (issue 13, item 19).
fn as_written(
    study: &Study,
    mut analysis: Analysis,
    mut checks: Vec<Check>,
    hashes: BTreeMap<String, String>,
) -> (Analysis, Vec<Check>, BTreeMap<String, String>) {
    let names = study.path_names();
    let rename = |text: &str| {
        names.iter().fold(text.to_string(), |text, (full, written)| {
            text.replace(full.as_str(), written)
        })
    };
    for reject in &mut analysis.rejects {
        reject.file = study.relative(Path::new(&reject.file)).display().to_string();
    }
    analysis.rejects.sort();
    for warning in &mut analysis.warnings {
        *warning = rename(warning);
    }
    for check in &mut checks {
        check.file = study.relative(&check.file);
    }
    let hashes = hashes
        .into_iter()
        .map(|(path, hash)| {
            (
                study.relative(Path::new(&path)).to_string_lossy().replace('\\', "/"),
                hash,
            )
        })
        .collect();
    (analysis, checks, hashes)
}

/// Charts plus the report, for `run` and `report`.
pub fn charts_and_report(prepared: &Prepared, wave: Option<i32>) -> anyhow::Result<Vec<OutputFile>> {
    let mut files = study_charts(&prepared.study, &prepared.analysis)?;
    let input = ReportInput {
        study: &prepared.study,
        analysis: &prepared.analysis,
        checks: &prepared.checks,
        charts: &files,
        wave,
        hashes: &prepared.hashes,
    };
    let report = report_files(&input)?;
    files.extend(report);
    Ok(files)
}

pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let rejects = args.out.join("rejects.csv");
    let prepared = prepare(&args.config, None, super::RejectsAt::File(&rejects))?;
    let (study, analysis, checks) = (&prepared.study, &prepared.analysis, &prepared.checks);
    let mut files = charts_and_report(&prepared, None)?;
    files.push(OutputFile::new(
        "results.json",
        json::results(analysis, Some(&study.raw.title), true)?,
    ));
    files.push(OutputFile::new("estimates.csv", csv::estimates(&analysis.estimates)?));
    files.push(OutputFile::new(
        "estimates.parquet",
        parquet::estimates(&analysis.estimates)?,
    ));
    files.push(OutputFile::new(
        "comparisons.csv",
        csv::comparisons(&analysis.trend.comparisons)?,
    ));
    files.push(OutputFile::new("tests.csv", csv::tests(&analysis.trend.tests)?));
    files.push(OutputFile::new("rejects.csv", csv::rejects(&analysis.rejects)?));
    files.push(OutputFile::new(
        "reproduce.json",
        serde_json::to_string_pretty(checks)? + "\n",
    ));
    let written: Vec<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let manifest_text = manifest::render(
        &study.relative(&study.file),
        &study.as_written(),
        prepared.hashes.clone(),
        &written,
    )?;
    let mut keep = written.clone();
    keep.push(Path::new("manifest.json"));
    // Charts of a study that left the config, say: what the last run wrote and this one does not.
    let stale = manifest::stale_outputs(&args.out, &keep);
    files.push(OutputFile::new("manifest.json", manifest_text));
    publish(&args.out, &files, &stale).with_context(|| format!("writing outputs to {}", args.out.display()))?;

    for id in study.study_ids() {
        println!("{}", markdown::headline(study, analysis, id));
    }
    let missed = reproduce::failures(checks);
    println!(
        "published figures reproduced: {} of {}",
        checks.len() - missed.len(),
        checks.len()
    );
    eprintln!("wrote {} files to {}", files.len(), args.out.display());
    super::reproduce::print_misses(&missed);
    // The outputs are written either way; a missed figure still fails the run, as the contract says.
    Ok(if missed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
