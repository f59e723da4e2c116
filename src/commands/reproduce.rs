//! `deptshare reproduce`: exit 1 when a published figure no longer comes out of the data.

use crate::cli::{ReproduceArgs, ReproduceFormat};
use crate::config::Study;
use crate::pipeline;
use crate::report::table::Layout;
use crate::reproduce::{self, failures};
use crate::stats::EstimateSettings;

use super::Outcome;

pub fn reproduce(args: &ReproduceArgs) -> anyhow::Result<Outcome> {
    let study = Study::load(&args.config)?;
    let settings = EstimateSettings {
        method: study.method,
        level: study.raw.estimation.level,
        groups: study.groups.clone(),
    };
    let analysis = pipeline::analyze(&study.input_specs(), &study.taxonomy, &settings)?;
    let paths: Vec<_> = study.raw.published.iter().map(|p| p.path.as_path()).collect();
    let checks = reproduce::check(&reproduce::load(&paths)?, &analysis.estimates);
    match args.format {
        ReproduceFormat::Table => print!("{}", reproduce::table(Layout::Text, &checks)),
        ReproduceFormat::Json => println!("{}", serde_json::to_string_pretty(&checks)?),
    }
    let failed = failures(&checks);
    if checks.is_empty() {
        eprintln!(
            "{}: no published figures to check ([[published]] is empty)",
            args.config.display()
        );
        return Ok(Outcome::Failed);
    }
    for check in &failed {
        eprintln!(
            "not reproduced: {} {} {} published {}% ({}:{}), computed {}",
            check.study,
            check.wave,
            check.category,
            check.published_percent,
            check.file.display(),
            check.line,
            check
                .computed_share
                .map_or_else(|| "nothing".to_string(), |s| format!("{:.2}%", s * 100.0))
        );
    }
    eprintln!(
        "{} of {} published figures reproduced",
        checks.len() - failed.len(),
        checks.len()
    );
    Ok(if failed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
