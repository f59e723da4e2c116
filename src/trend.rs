//! The compare stage: wave-to-wave differences, tests across waves, Holm adjustment.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::stats::tests::{chi_square_homogeneity, cochran_armitage, holm, newcombe_difference, two_proportion_z};
use crate::stats::{Estimate, Kind};

/// Difference between two consecutive waves of one category (`diff = to - from`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub study: String,
    pub category: String,
    pub kind: Kind,
    pub from_wave: i32,
    pub to_wave: i32,
    pub from_share: f64,
    pub to_share: f64,
    pub diff: f64,
    pub se: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub method: String,
}

/// A test across all waves of one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestRecord {
    pub name: String,
    pub study: String,
    pub category: String,
    pub kind: Kind,
    pub statistic: f64,
    pub df: Option<f64>,
    pub p_value: f64,
    pub p_adjusted: f64,
}

/// Everything the compare stage produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trend {
    pub comparisons: Vec<Comparison>,
    pub tests: Vec<TestRecord>,
}

/// (wave, count, base) of one category.
type WavePoint = (i32, f64, f64);

const DIFF_METHOD: &str = "newcombe-hybrid-score; two-proportion z-test; holm";

/// Compares consecutive waves of each study; estimates without counts (published shares) are skipped.
///
/// Holm's family is every comparison of one study and wave pair (departments and groups together),
/// and for the tests every category of one study and test.
pub fn compare(estimates: &[Estimate], level: f64) -> Trend {
    let mut series: BTreeMap<(&str, Kind, &str), Vec<WavePoint>> = BTreeMap::new();
    for e in estimates.iter().filter(|e| e.segment.is_none()) {
        if let (Some(n), Some(count)) = (e.n, e.count) {
            series
                .entry((&e.study, e.kind, &e.category))
                .or_default()
                .push((e.wave, count as f64, n as f64));
        }
    }
    let mut trend = Trend::default();
    for ((study, kind, category), points) in &mut series {
        points.sort_by_key(|p| p.0);
        for pair in points.windows(2) {
            trend
                .comparisons
                .push(difference(study, *kind, category, pair[0], pair[1], level));
        }
        trend.tests.extend(across_waves(study, *kind, category, points));
    }
    adjust_comparisons(&mut trend.comparisons);
    adjust_tests(&mut trend.tests);
    trend
}

fn difference(
    study: &str,
    kind: Kind,
    category: &str,
    from: (i32, f64, f64),
    to: (i32, f64, f64),
    level: f64,
) -> Comparison {
    let (p1, p2) = (from.1 / from.2, to.1 / to.2);
    let ci = newcombe_difference(from.1, from.2, to.1, to.2, level);
    Comparison {
        study: study.to_string(),
        category: category.to_string(),
        kind,
        from_wave: from.0,
        to_wave: to.0,
        from_share: p1,
        to_share: p2,
        diff: p2 - p1,
        se: (p1 * (1.0 - p1) / from.2 + p2 * (1.0 - p2) / to.2).sqrt(),
        ci_low: ci.map(|c| c.low),
        ci_high: ci.map(|c| c.high),
        p_value: two_proportion_z(from.1, from.2, to.1, to.2).map(|t| t.p_value),
        p_adjusted: None,
        method: DIFF_METHOD.to_string(),
    }
}

fn across_waves(study: &str, kind: Kind, category: &str, points: &[WavePoint]) -> Vec<TestRecord> {
    let successes: Vec<f64> = points.iter().map(|p| p.1).collect();
    let totals: Vec<f64> = points.iter().map(|p| p.2).collect();
    let scores: Vec<f64> = points.iter().map(|p| f64::from(p.0)).collect();
    let record = |name: &str, t: crate::stats::tests::TestResult| TestRecord {
        name: name.to_string(),
        study: study.to_string(),
        category: category.to_string(),
        kind,
        statistic: t.statistic,
        df: t.df,
        p_value: t.p_value,
        p_adjusted: t.p_value,
    };
    let mut out = Vec::new();
    if points.len() >= 2 {
        out.extend(chi_square_homogeneity(&successes, &totals).map(|t| record("chi-square homogeneity", t)));
    }
    if points.len() >= 3 {
        out.extend(cochran_armitage(&successes, &totals, &scores).map(|t| record("cochran-armitage trend", t)));
    }
    out
}

fn adjust_comparisons(comparisons: &mut [Comparison]) {
    let mut families: BTreeMap<(String, i32, i32), Vec<usize>> = BTreeMap::new();
    for (i, c) in comparisons.iter().enumerate() {
        families
            .entry((c.study.clone(), c.from_wave, c.to_wave))
            .or_default()
            .push(i);
    }
    for members in families.values() {
        let raw: Vec<f64> = members
            .iter()
            .map(|&i| comparisons[i].p_value.unwrap_or(f64::NAN))
            .collect();
        for (&i, adjusted) in members.iter().zip(holm(&raw)) {
            comparisons[i].p_adjusted = comparisons[i].p_value.map(|_| adjusted);
        }
    }
}

fn adjust_tests(tests: &mut [TestRecord]) {
    let mut families: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, t) in tests.iter().enumerate() {
        families.entry((t.study.clone(), t.name.clone())).or_default().push(i);
    }
    for members in families.values() {
        let raw: Vec<f64> = members.iter().map(|&i| tests[i].p_value).collect();
        for (&i, adjusted) in members.iter().zip(holm(&raw)) {
            tests[i].p_adjusted = adjusted;
        }
    }
}
