//! `deptshare shares` and `deptshare trend`: estimates (and comparisons) for files given on the command line.

use crate::cli::{OutputFormat, SharesArgs};
use crate::pipeline;
use crate::report::table::{self, Layout};
use crate::report::{csv, json};
use crate::stats::Shown;

use super::{Outcome, input_settings, print_notes};

pub fn shares(args: &SharesArgs, with_trend: bool) -> anyhow::Result<Outcome> {
    let (specs, mut settings, taxonomy) = input_settings(&args.input)?;
    // `trend` shows every test; `shares` in JSON its ranks and the tests within a wave, in a
    // table or CSV the estimates alone.
    let json = args.format == OutputFormat::Json;
    settings.shown = Shown {
        ranks: json,
        tests_within_waves: json || with_trend,
        tests_across_waves: with_trend,
    };
    let paths: Vec<_> = specs.iter().map(|s| s.path.as_path()).collect();
    let analysis = super::progress::while_reading(&paths, || pipeline::analyze(&specs, &taxonomy, &settings))?;
    super::write_rejects(args.input.rejects.as_deref(), &analysis)?;
    print_notes(&analysis, rejects_at(&args.input));
    let text = match (args.format, with_trend) {
        (OutputFormat::Json, _) => json::results(&analysis, None, with_trend)?,
        (OutputFormat::Csv, false) => csv::estimates(&analysis.estimates)?,
        (OutputFormat::Csv, true) => csv::comparisons(&analysis.trend.comparisons)?,
        (OutputFormat::Table, _) => human(Layout::Text, &analysis, with_trend, args.input.sig_level),
        (OutputFormat::Markdown, _) => human(Layout::Markdown, &analysis, with_trend, args.input.sig_level),
    };
    print!("{text}");
    Ok(Outcome::Success)
}

/// Where `--rejects` puts every reject, if given.
pub(super) fn rejects_at(input: &crate::cli::InputArgs) -> super::RejectsAt<'_> {
    input
        .rejects
        .as_deref()
        .map_or(super::RejectsAt::Flag, super::RejectsAt::File)
}

fn human(layout: Layout, analysis: &pipeline::Analysis, with_trend: bool, sig_level: f64) -> String {
    let weighting = match analysis.weighting.is_empty() {
        true => String::new(),
        false => format!(
            "\nweighting to the population\n{}",
            table::weighting(layout, &analysis.weighting)
        ),
    };
    if !with_trend {
        let letters = table::letters_note(&analysis.estimates, &analysis.segment_tests, sig_level)
            .map_or(String::new(), |note| format!("\n{note}\n"));
        return format!("{}{letters}{weighting}", table::estimates(layout, &analysis.estimates));
    }
    if analysis.trend.comparisons.is_empty() {
        return "no comparisons: the data hold a single wave\n".to_string();
    }
    format!(
        "{}\n{}",
        table::comparisons(layout, &analysis.trend.comparisons),
        table::tests(layout, &analysis.trend.tests)
    )
}
