//! JSON output: the contract's object of `estimates`, `ingest` and, for trends, `comparisons` and `tests`.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ingest::IngestSummary;
use crate::pipeline::Analysis;
use crate::stats::Estimate;
use crate::stats::calibrate::WaveReport;
use crate::trend::{Comparison, TestRecord};

#[derive(Serialize)]
struct Results<'a> {
    tool: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    estimates: &'a [Estimate],
    ingest: &'a IngestSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparisons: Option<&'a [Comparison]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tests: Option<Vec<&'a TestRecord>>,
    /// What weighting to population margins did, per study and wave (only when weighted).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    weighting: &'a [WaveReport],
    /// Pairs of segments per wave and category (only with `--by`).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    segment_tests: &'a [crate::stats::segments::SegmentTest],
    /// Who ranks first, per study, wave and segment.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    ranks: &'a [crate::stats::ranks::Rank],
    warnings: &'a [String],
}

/// Pretty JSON with a trailing newline; `with_trend` adds comparisons and tests.
pub fn results(analysis: &Analysis, title: Option<&str>, with_trend: bool) -> Result<String> {
    let results = Results {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        title,
        estimates: &analysis.estimates,
        ingest: &analysis.summary,
        comparisons: with_trend.then_some(analysis.trend.comparisons.as_slice()),
        tests: tests(analysis, with_trend),
        weighting: &analysis.weighting,
        segment_tests: &analysis.segment_tests,
        ranks: &analysis.ranks,
        warnings: &analysis.warnings,
    };
    let mut text = serde_json::to_string_pretty(&results).map_err(|e| Error::Invalid(format!("writing json: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Every test for a trend; for shares only the tests within a wave (department x segment), when
/// there are any.
fn tests(analysis: &Analysis, with_trend: bool) -> Option<Vec<&TestRecord>> {
    if with_trend {
        return Some(analysis.trend.tests.iter().collect());
    }
    let within: Vec<&TestRecord> = analysis.trend.tests.iter().filter(|t| t.wave.is_some()).collect();
    (!within.is_empty()).then_some(within)
}
