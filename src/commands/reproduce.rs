//! `deptshare reproduce`: exit 1 when a published figure no longer comes out of the data.

use crate::cli::{ReproduceArgs, ReproduceFormat};
use crate::report::table::Layout;
use crate::reproduce::{self, failures};

use super::Outcome;

pub fn reproduce(args: &ReproduceArgs) -> anyhow::Result<Outcome> {
    let checks = super::run::prepare(&args.config, None, super::RejectsAt::Run)?.checks;
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
    print_misses(&failed);
    Ok(if failed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

/// One stderr line per published figure that did not come out of the data.
pub fn print_misses(failed: &[&reproduce::Check]) {
    for check in failed {
        let computed = check
            .computed_share
            .map_or_else(|| "nothing".to_string(), |s| format!("{:.2}%", s * 100.0));
        eprintln!(
            "not reproduced: {} {} {} published {}% ({}:{}), computed {computed}",
            check.study,
            check.wave,
            check.category,
            reproduce::percent_of(check.published_share),
            check.file.display(),
            check.line,
        );
    }
}
