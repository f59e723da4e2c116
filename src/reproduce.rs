//! The reproduce stage: every published figure against the share computed from the data.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::ingest::aggregate::{Bound, PublishedFigure, read_published};
use crate::report::table::{Layout, Table};
use crate::stats::Estimate;

/// Outcome of one published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Reproduced,
    Missed,
    /// The data hold no estimate for this study, wave and category.
    NoEstimate,
}

/// One published figure checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub file: PathBuf,
    pub line: u64,
    pub study: String,
    pub wave: i32,
    pub category: String,
    /// The published figure as a fraction (0.35 for "35 %"), like every share in JSON.
    pub published_share: f64,
    pub bound: Bound,
    pub computed_share: Option<f64>,
    pub status: Status,
    pub source: String,
}

/// Reads the published tables.
pub fn load(paths: &[&Path]) -> Result<Vec<(PathBuf, Vec<PublishedFigure>)>> {
    paths
        .iter()
        .map(|p| Ok((p.to_path_buf(), read_published(p)?)))
        .collect()
}

/// Checks every figure against the whole-sample estimate of the same study, wave and category.
pub fn check(tables: &[(PathBuf, Vec<PublishedFigure>)], estimates: &[Estimate]) -> Vec<Check> {
    let mut checks = Vec::new();
    for (file, figures) in tables {
        for figure in figures {
            let computed = computed_share(estimates, figure);
            let status = match computed {
                None => Status::NoEstimate,
                Some(share) if figure.matches(share) => Status::Reproduced,
                Some(_) => Status::Missed,
            };
            checks.push(Check {
                file: file.clone(),
                line: figure.line,
                study: figure.study.clone(),
                wave: figure.wave,
                category: figure.category.clone(),
                published_share: figure.percent / 100.0,
                bound: figure.bound,
                computed_share: computed,
                status,
                source: figure.source.clone(),
            });
        }
    }
    checks
}

/// The whole-sample share of the figure's study, wave and category; a department nobody named
/// in a wave that has respondents is 0 %, not missing.
fn computed_share(estimates: &[Estimate], figure: &PublishedFigure) -> Option<f64> {
    let wave: Vec<&Estimate> = estimates
        .iter()
        .filter(|e| e.segment.is_none() && e.study == figure.study && e.wave == figure.wave)
        .collect();
    match wave.iter().find(|e| e.category == figure.category) {
        Some(e) => Some(e.share),
        None if wave.iter().any(|e| e.n.is_some()) => Some(0.0),
        None => None,
    }
}

/// The checks that failed (missed or without an estimate).
pub fn failures(checks: &[Check]) -> Vec<&Check> {
    checks.iter().filter(|c| c.status != Status::Reproduced).collect()
}

/// A published share back as the percent it was printed as (0.405 -> 40.5).
pub fn percent_of(share: f64) -> f64 {
    (share * 100.0 * 1e6).round() / 1e6
}

/// A table of every check for people.
pub fn table(layout: Layout, checks: &[Check]) -> String {
    checks_table(checks).render(layout)
}

/// The rows of that table.
pub fn checks_table(checks: &[Check]) -> Table {
    let header = ["study", "wave", "category", "published", "computed", "result"];
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            let published = match c.bound {
                Bound::Exact => format!("{}%", percent_of(c.published_share)),
                Bound::AtLeast => format!("≥ {}%", percent_of(c.published_share)),
            };
            vec![
                c.study.clone(),
                c.wave.to_string(),
                c.category.clone(),
                published,
                c.computed_share
                    .map_or_else(|| "-".into(), |s| format!("{:.1}%", s * 100.0)),
                match c.status {
                    Status::Reproduced => "reproduced".into(),
                    Status::Missed => format!("MISSED ({}:{})", c.file.display(), c.line),
                    Status::NoEstimate => format!("NO ESTIMATE ({}:{})", c.file.display(), c.line),
                },
            ]
        })
        .collect();
    Table::new(&header, rows)
}
