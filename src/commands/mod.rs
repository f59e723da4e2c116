//! One small file per subcommand: each turns parsed arguments into settings and wires the stages.

pub mod chart;
pub mod inspect;
pub mod progress;
pub mod reconstruct;
pub mod report;
pub mod reproduce;
pub mod run;
pub mod shares;

use std::collections::BTreeMap;
use std::process::ExitCode;

use crate::cli::{Cli, Command, InputArgs, TaxonomyArgs};
use crate::ingest::{Choice, InputSpec};
use crate::stats::{EstimateSettings, groups_from_args};
use crate::taxonomy::Taxonomy;

/// What a command reports back to `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The command ran but found a failure it must report with exit code 1 (a missed figure).
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failed => ExitCode::from(1),
        }
    }
}

/// A usage problem found after parsing (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn dispatch(cli: Cli) -> anyhow::Result<Outcome> {
    progress::set_quiet(cli.quiet);
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Shares(args) => shares::shares(&args, false),
        Command::Trend(args) => shares::shares(&args, true),
        Command::Chart(args) => chart::chart(&args),
        Command::Reproduce(args) => reproduce::reproduce(&args),
        Command::Inspect(args) => inspect::inspect(&args),
        Command::Reconstruct(args) => reconstruct::reconstruct(&args),
        Command::Report(args) => report::report(&args),
    }
}

/// Input specs, estimation settings and the taxonomy from the shared input options.
pub fn input_settings(args: &InputArgs) -> anyhow::Result<(Vec<InputSpec>, EstimateSettings, Taxonomy)> {
    let taxonomy = taxonomy(&args.taxonomy)?;
    let specs = args
        .files
        .iter()
        .map(|path| InputSpec {
            path: path.clone(),
            format: args.format_in.into(),
            study: args.study.clone(),
            dept_col: args.dept_col.clone(),
            wave_col: args.wave_col.clone(),
            wave: args.wave,
            respondent_col: args.respondent_col.clone(),
            choice: if args.multi { Choice::Multi } else { Choice::Single },
            multi_sep: args.multi_sep.clone(),
            weight_col: args.weight_col.clone(),
            strata_col: args.strata_col.clone(),
            psu_col: args.psu_col.clone(),
            fpc_col: args.fpc_col.clone(),
            waves: args.waves,
            decimal: args.decimal,
            by_col: args.by.clone(),
            calibration_cols: Vec::new(),
            include_incomplete: args.include_incomplete,
            strict: args.strict,
            sheet: args.sheet.clone(),
        })
        .collect();
    // Groups are checked against the taxonomy the labels are read with; the default
    // communications group needs marketing and pr (`builtin = false` may have neither).
    let mut groups = groups_from_args(&args.groups, &taxonomy).map_err(|e| UsageError(format!("--group: {e}")))?;
    groups.retain(|g| g.check(&taxonomy).is_ok());
    Ok((
        specs,
        EstimateSettings {
            base: args.base,
            method: args.ci.unwrap_or(default_method(args)),
            lonely_psu: args.lonely_psu,
            level: args.level,
            groups,
            declared: taxonomy.declared_ids().to_vec(),
            weighting: weighting(&args.weighting, std::slice::from_ref(&args.study))?,
            segments: crate::stats::segments::SegmentSettings {
                adjust: args.adjust,
                sig_level: args.sig_level,
            },
            shown: crate::stats::Shown::ALL,
        },
        taxonomy,
    ))
}

/// `--calibrate FILE` (with `--calibration`, `--bounds`) for each of `studies`.
pub fn weighting(
    args: &crate::cli::WeightingArgs,
    studies: &[String],
) -> anyhow::Result<BTreeMap<String, crate::stats::calibrate::Weighting>> {
    let Some(file) = &args.calibrate else {
        return Ok(BTreeMap::new());
    };
    let targets = crate::weighting::read_targets(file)?;
    let method = args.calibration.unwrap_or_default();
    let mut weighting = crate::stats::calibrate::Weighting::new(targets, method);
    weighting.bounds = args.bounds.map(|b| (b.0, b.1));
    weighting
        .check()
        .map_err(|reason| UsageError(format!("--calibrate {}: {reason}", file.display())))?;
    Ok(studies.iter().map(|s| (s.clone(), weighting.clone())).collect())
}

/// The built-in taxonomy, with a `--taxonomy FILE` table and then every `--alias LABEL=ID` on top.
pub fn taxonomy(args: &TaxonomyArgs) -> anyhow::Result<Taxonomy> {
    let mut taxonomy = match &args.taxonomy {
        Some(file) => crate::config::TaxonomyOverrides::read(file)?
            .build()
            .map_err(|reason| crate::error::Error::Config {
                path: file.clone(),
                reason,
            })?,
        None => Taxonomy::builtin(),
    };
    for text in &args.aliases {
        let (label, id) = text
            .rsplit_once('=')
            .filter(|(label, id)| !label.trim().is_empty() && !id.trim().is_empty())
            .ok_or_else(|| {
                UsageError(format!(
                    "--alias `{text}`: write LABEL=ID, e.g. --alias \"Vertrieb=sales\""
                ))
            })?;
        taxonomy
            .add_alias(label.trim(), id.trim())
            .map_err(|e| UsageError(format!("--alias: {e}")))?;
    }
    Ok(taxonomy)
}

/// Wilson without weights or design, logit (R's svyciprop default) with them.
fn default_method(args: &InputArgs) -> crate::stats::CiMethod {
    let design = [&args.weight_col, &args.strata_col, &args.psu_col, &args.fpc_col];
    if design.iter().any(|c| c.is_some()) || args.weighting.calibrate.is_some() {
        crate::stats::CiMethod::Logit
    } else {
        crate::stats::CiMethod::Wilson
    }
}

/// Where every rejected row can be read, said after the first few.
#[derive(Debug, Clone, Copy)]
pub enum RejectsAt<'a> {
    /// A rejects.csv this command writes.
    File(&'a std::path::Path),
    /// `--rejects FILE` was not given.
    Flag,
    /// A command that writes none (`reproduce`).
    Run,
}

/// Rejected rows shown on stderr before saying where the rest are.
const REJECTS_SHOWN: usize = 5;

/// Prints what was detected, the row account, and the first rejects (with where the rest are) on stderr.
pub fn print_notes(analysis: &crate::pipeline::Analysis, rejects_at: RejectsAt) {
    for note in analysis.notes() {
        eprintln!("{note}");
    }
    for warning in &analysis.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!("{}", analysis.summary_line());
    let rejects = &analysis.rejects;
    for r in rejects.iter().take(REJECTS_SHOWN) {
        eprintln!("  rejected {}:{}: {}", r.file, r.line, r.reason);
    }
    let n = rejects.len();
    let rest = match rejects_at {
        RejectsAt::File(path) => format!("all {n} are in {}", path.display()),
        RejectsAt::Flag => format!("--rejects FILE writes all {n} to a CSV"),
        RejectsAt::Run => format!("`deptshare run` writes all {n} to rejects.csv"),
    };
    match n {
        0 => {}
        n if n > REJECTS_SHOWN => eprintln!("  ... and {} more; {rest}", n - REJECTS_SHOWN),
        _ => eprintln!("  ({rest})"),
    }
}

/// Writes every rejected row to `--rejects FILE` (a CSV as `run` writes), atomically.
pub fn write_rejects(path: Option<&std::path::Path>, analysis: &crate::pipeline::Analysis) -> anyhow::Result<()> {
    let Some(path) = path else { return Ok(()) };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| UsageError(format!("--rejects {}: not a file name", path.display())))?;
    let csv = crate::report::csv::rejects(&analysis.rejects)?;
    crate::report::write_atomic(folder, &[crate::report::OutputFile::new(name, csv)])?;
    Ok(())
}
