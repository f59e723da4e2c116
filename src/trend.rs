//! The compare stage: wave-to-wave differences, tests across waves, Holm adjustment.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::stats::estimate::WaveDifference;
use crate::stats::proportion::z_value;
use crate::stats::tests::{
    chi_square_homogeneity, cochran_armitage, holm, newcombe_difference, two_proportion_z, two_sided_normal_p,
};
use crate::stats::{Estimate, Kind, WaveTest};

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
    /// Empty (null in JSON) for a test over every department at once.
    #[serde(serialize_with = "empty_as_null")]
    pub category: String,
    pub kind: Kind,
    pub statistic: f64,
    pub df: Option<f64>,
    /// Denominator degrees of freedom of an F statistic (Rao-Scott).
    pub ddf: Option<f64>,
    pub p_value: f64,
    pub p_adjusted: f64,
    /// A test within one wave (Rao-Scott independence of department and segment): its wave and
    /// segment column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// A test of department x wave over two consecutive waves: the pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_wave: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_wave: Option<i32>,
}

/// The name of the Rao-Scott test of department x segment within a wave.
pub const RAO_SCOTT_INDEPENDENCE: &str = "rao-scott independence";

/// The Rao-Scott test of department x wave over every department at once (`category` null).
pub const RAO_SCOTT_HOMOGENEITY_ALL: &str = "rao-scott homogeneity";

/// Everything the compare stage produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trend {
    pub comparisons: Vec<Comparison>,
    pub tests: Vec<TestRecord>,
}

/// One wave of one category: counts for the unweighted tests, share and standard error for the design ones.
#[derive(Debug, Clone, Copy)]
struct WavePoint {
    wave: i32,
    count: f64,
    n: f64,
    share: f64,
    se: f64,
    design: bool,
}

const DIFF_METHOD: &str = "newcombe-hybrid-score; two-proportion z-test; holm";
const DESIGN_DIFF_METHOD: &str = "design-based difference of independent waves (svycontrast); z-test; holm";
const PANEL_DIFF_METHOD: &str =
    "design-based difference of waves sharing PSUs, with their covariance (svycontrast); z-test; holm";
const RAO_SCOTT: &str = "rao-scott homogeneity";

/// `compare_with` without design-based tests across waves.
pub fn compare(estimates: &[Estimate], level: f64) -> Trend {
    compare_with(estimates, &[], &[], level)
}

/// Compares consecutive waves of each study; estimates without counts (published shares) are skipped.
/// Design-based estimates are compared with their design standard errors (waves are independent
/// samples) and tested with the Rao-Scott tests in `wave_tests`, next to the unweighted chi-square.
///
/// Waves that share PSUs (a panel) are compared with the SE of the change from the covariance of
/// the two waves' estimates (`differences`).
///
/// Holm's family is every comparison of one study and wave pair (departments and groups together),
/// and for the tests every category of one study and test.
pub fn compare_with(
    estimates: &[Estimate],
    wave_tests: &[WaveTest],
    differences: &[WaveDifference],
    level: f64,
) -> Trend {
    let mut series: BTreeMap<(&str, Kind, &str), Vec<WavePoint>> = BTreeMap::new();
    for e in estimates.iter().filter(|e| e.segment.is_none()) {
        if let (Some(n), Some(count)) = (e.n, e.count) {
            series
                .entry((&e.study, e.kind, &e.category))
                .or_default()
                .push(WavePoint {
                    wave: e.wave,
                    count: count as f64,
                    n: n as f64,
                    share: e.share,
                    se: e.se.unwrap_or(f64::NAN),
                    design: e.is_design_based(),
                });
        }
    }
    let mut trend = Trend::default();
    for t in wave_tests {
        trend.tests.push(TestRecord {
            name: RAO_SCOTT.to_string(),
            study: t.study.clone(),
            category: t.category.clone(),
            kind: t.kind,
            statistic: t.result.f,
            df: Some(t.result.ndf),
            ddf: Some(t.result.ddf),
            p_value: t.result.p_value,
            p_adjusted: t.result.p_value,
            wave: None,
            by: None,
            from_wave: None,
            to_wave: None,
        });
    }
    for ((study, kind, category), points) in &mut series {
        points.sort_by_key(|p| p.wave);
        for pair in points.windows(2) {
            let mut comparison = difference(study, *kind, category, pair[0], pair[1], level);
            let shared = differences.iter().find(|d| {
                (d.study.as_str(), d.kind, d.category.as_str(), d.from_wave, d.to_wave)
                    == (*study, *kind, *category, pair[0].wave, pair[1].wave)
            });
            if let Some(shared) = shared {
                design_difference(&mut comparison, shared.se, level);
                comparison.method = PANEL_DIFF_METHOD.to_string();
            }
            trend.comparisons.push(comparison);
        }
        trend.tests.extend(across_waves(study, *kind, category, points));
    }
    adjust_comparisons(&mut trend.comparisons);
    adjust_tests(&mut trend.tests);
    trend
}

fn difference(study: &str, kind: Kind, category: &str, from: WavePoint, to: WavePoint, level: f64) -> Comparison {
    let mut comparison = Comparison {
        study: study.to_string(),
        category: category.to_string(),
        kind,
        from_wave: from.wave,
        to_wave: to.wave,
        from_share: from.share,
        to_share: to.share,
        diff: to.share - from.share,
        se: f64::NAN,
        ci_low: None,
        ci_high: None,
        p_value: None,
        p_adjusted: None,
        method: DIFF_METHOD.to_string(),
    };
    if from.design || to.design {
        design_difference(&mut comparison, from.se.hypot(to.se), level);
        return comparison;
    }
    let (p1, p2) = (from.count / from.n, to.count / to.n);
    let ci = newcombe_difference(from.count, from.n, to.count, to.n, level);
    comparison.se = (p1 * (1.0 - p1) / from.n + p2 * (1.0 - p2) / to.n).sqrt();
    comparison.ci_low = ci.map(|c| c.low);
    comparison.ci_high = ci.map(|c| c.high);
    comparison.p_value = two_proportion_z(from.count, from.n, to.count, to.n).map(|t| t.p_value);
    comparison
}

/// Independent waves: var(p2 - p1) = var(p1) + var(p2), normal interval as `confint(svycontrast(...))`
/// and a Wald z-test; no interval or p-value when neither wave has design variance.
fn design_difference(c: &mut Comparison, se: f64, level: f64) {
    c.method = DESIGN_DIFF_METHOD.to_string();
    c.se = se;
    if !(se.is_finite() && se > 0.0) {
        return;
    }
    let half = z_value(level) * se;
    c.ci_low = Some((c.diff - half).max(-1.0));
    c.ci_high = Some((c.diff + half).min(1.0));
    c.p_value = Some(two_sided_normal_p(c.diff / se));
}

fn across_waves(study: &str, kind: Kind, category: &str, points: &[WavePoint]) -> Vec<TestRecord> {
    let successes: Vec<f64> = points.iter().map(|p| p.count).collect();
    let totals: Vec<f64> = points.iter().map(|p| p.n).collect();
    let scores: Vec<f64> = points.iter().map(|p| f64::from(p.wave)).collect();
    let design = points.iter().any(|p| p.design);
    let record = |name: &str, t: crate::stats::tests::TestResult| TestRecord {
        name: name.to_string(),
        study: study.to_string(),
        category: category.to_string(),
        kind,
        statistic: t.statistic,
        df: t.df,
        ddf: None,
        p_value: t.p_value,
        p_adjusted: t.p_value,
        wave: None,
        by: None,
        from_wave: None,
        to_wave: None,
    };
    let mut out = Vec::new();
    // The count-based tests assume independent unweighted respondents: under weights or a design
    // they are not valid, and the Rao-Scott test (from the design) takes their place.
    if points.len() >= 2 && !design {
        out.extend(chi_square_homogeneity(&successes, &totals).map(|t| record("chi-square homogeneity", t)));
    }
    if points.len() >= 3 && !design {
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

/// An empty string as JSON null.
fn empty_as_null<S: serde::Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    match text.is_empty() {
        true => serializer.serialize_none(),
        false => serializer.serialize_str(text),
    }
}
