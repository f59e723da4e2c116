//! Hand-built estimate rows for the figure tests: nine departments and the communications group per wave.
#![allow(clippy::unwrap_used)]

use super::StudyText;
use crate::ingest::Choice;
use crate::stats::proportion::{CiMethod, interval};
use crate::stats::{Estimate, Kind};

pub const IDS: [&str; 9] = [
    "marketing",
    "pr",
    "cross_functional",
    "customer_service",
    "sales",
    "it",
    "executive",
    "hr",
    "other",
];

pub fn text() -> StudyText {
    StudyText {
        title: "Tracker".into(),
        question: "Which department drives social media?".into(),
        source: "test rows".into(),
        hide_source: false,
    }
}

/// One estimate with a Wilson interval from `count` of `n`.
pub fn row(wave: i32, segment: Option<&str>, category: &str, kind: Kind, count: u64, n: u64) -> Estimate {
    let ci = interval(CiMethod::Wilson, count as f64, n as f64, 0.95).unwrap();
    Estimate {
        study: "tracker".into(),
        wave,
        segment: segment.map(str::to_string),
        category: category.into(),
        kind,
        choice: Choice::Single,
        n: Some(n),
        count: Some(count),
        share: count as f64 / n as f64,
        ci_low: Some(ci.low),
        ci_high: Some(ci.high),
        method: "wilson".into(),
        level: 0.95,
        ..Default::default()
    }
}

/// The first `ncat` departments (counts out of 400 summing to 400) and the group, per wave and segment.
pub fn rows_for(waves: &[i32], segment: Option<&str>, ncat: usize) -> Vec<Estimate> {
    let mut out = Vec::new();
    for (k, &wave) in waves.iter().enumerate() {
        let tilt = (k as u64 * 7 + segment.map_or(0, |s| s.len() as u64)).min(139);
        let mut counts: Vec<u64> = [140, 80, 60, 36, 28, 20, 16, 12, 8][..ncat].to_vec();
        counts[0] -= tilt;
        counts[1] += tilt;
        let total: u64 = counts.iter().sum();
        for (i, &c) in counts.iter().enumerate() {
            out.push(row(wave, segment, IDS[i], Kind::Department, c, total));
        }
        let group = counts[0] + counts.get(1).copied().unwrap_or(0);
        out.push(row(wave, segment, "communications", Kind::Group, group, total));
    }
    out
}

pub fn study_rows(waves: &[i32], ncat: usize) -> Vec<Estimate> {
    rows_for(waves, None, ncat)
}
