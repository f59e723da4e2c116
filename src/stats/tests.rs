//! Significance tests on proportions: two-sample z, Newcombe difference interval, chi-square
//! homogeneity, Cochran-Armitage trend, exact binomial test and Holm adjustment.

use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, Discrete, DiscreteCDF};

use super::proportion::{CiMethod, Interval, interval};

/// Outcome of a significance test. `df` is None for tests with a normal reference distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    pub statistic: f64,
    pub df: Option<f64>,
    pub p_value: f64,
}

/// Two-proportion z-test (pooled SE, no continuity correction), statistic = z for p2 - p1, two-sided p.
/// None when a base is 0 or the pooled proportion is 0 or 1 (no variance). df = None.
pub fn two_proportion_z(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<TestResult> {
    if !valid_count(x1, n1) || !valid_count(x2, n2) || n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let pooled = (x1 + x2) / (n1 + n2);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if variance <= 0.0 {
        return None;
    }
    let z = (x2 / n2 - x1 / n1) / variance.sqrt();
    Some(TestResult {
        statistic: z,
        df: None,
        p_value: two_sided_normal_p(z),
    })
}

/// Newcombe's hybrid score interval (method 10, Wilson-based) for the difference p2 - p1. None when a base is 0.
pub fn newcombe_difference(x1: f64, n1: f64, x2: f64, n2: f64, level: f64) -> Option<Interval> {
    let w1 = interval(CiMethod::Wilson, x1, n1, level)?;
    let w2 = interval(CiMethod::Wilson, x2, n2, level)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let diff = p2 - p1;
    // Each side borrows the Wilson half-widths that push the difference in that direction.
    let below = (p2 - w2.low).hypot(w1.high - p1);
    let above = (w2.high - p2).hypot(p1 - w1.low);
    Some(Interval {
        low: (diff - below).max(-1.0),
        high: (diff + above).min(1.0),
    })
}

/// Pearson chi-square test of homogeneity of k proportions (2 x k table: successes vs failures per group),
/// df = k-1. None with fewer than 2 groups with n>0, or when the overall proportion is 0 or 1.
pub fn chi_square_homogeneity(successes: &[f64], totals: &[f64]) -> Option<TestResult> {
    let groups = used_groups(successes, totals, None)?;
    let pooled = pooled_proportion(&groups)?;
    let statistic: f64 = groups
        .iter()
        .map(|g| {
            let expected = g.n * pooled;
            (g.x - expected).powi(2) / (expected * (1.0 - pooled))
        })
        .sum();
    chi_square_result(statistic, groups.len() as f64 - 1.0)
}

/// Cochran-Armitage test for trend in proportions, as R prop.trend.test (df 1). None as above or when scores are constant.
pub fn cochran_armitage(successes: &[f64], totals: &[f64], scores: &[f64]) -> Option<TestResult> {
    let groups = used_groups(successes, totals, Some(scores))?;
    let pooled = pooled_proportion(&groups)?;
    let total_n: f64 = groups.iter().map(|g| g.n).sum();
    let mean_score = groups.iter().map(|g| g.n * g.score).sum::<f64>() / total_n;
    let spread: f64 = groups.iter().map(|g| g.n * (g.score - mean_score).powi(2)).sum();
    // Exact equality, not a tolerance: constant scores can leave a rounding-sized spread that would
    // otherwise divide into an enormous statistic, while any genuinely distinct scores are a valid trend.
    let constant = groups.iter().all(|g| g.score == groups[0].score);
    if constant || spread <= 0.0 {
        return None;
    }
    let trend: f64 = groups.iter().map(|g| g.x * (g.score - mean_score)).sum();
    let statistic = trend * trend / (pooled * (1.0 - pooled) * spread);
    chi_square_result(statistic, 1.0)
}

/// Exact two-sided binomial test p-value, as R binom.test (sum of probabilities <= P(X=x), with R's relative tolerance 1+1e-7).
pub fn binomial_test(x: u64, n: u64, p0: f64) -> Option<f64> {
    if n == 0 || x > n || !(0.0..=1.0).contains(&p0) {
        return None;
    }
    // statrs treats p within ulps of 1 as exactly 1; a degenerate null is decided directly.
    if p0 == 0.0 || p0 == 1.0 {
        let only_outcome = if p0 == 0.0 { 0 } else { n };
        return Some(if x == only_outcome { 1.0 } else { 0.0 });
    }
    let dist = Binomial::new(p0, n).ok()?;
    let mean = n as f64 * p0;
    let x_f = x as f64;
    if x_f == mean {
        return Some(1.0);
    }
    let threshold = dist.pmf(x) * (1.0 + 1e-7);
    let p = if x_f < mean {
        let first = first_at_most(&dist, mean.ceil() as u64, n, threshold);
        dist.cdf(x) + first.map_or(0.0, |k| dist.sf(k - 1))
    } else {
        let after = last_at_most(&dist, 0, mean.floor() as u64, threshold);
        after.map_or(0.0, |k| dist.cdf(k)) + dist.sf(x - 1)
    };
    Some(p.min(1.0))
}

/// Holm step-down adjusted p-values, same order as input, monotone, capped at 1 (R p.adjust(method="holm")). NaN inputs stay NaN and are not counted in m.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len()).filter(|&i| !p_values[i].is_nan()).collect();
    // Stable sort keeps ties in input order, as R's order() does.
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p_values.len()];
    let mut running_max = f64::NEG_INFINITY;
    for (rank, &i) in order.iter().enumerate() {
        let scaled = (m - rank) as f64 * p_values[i];
        running_max = running_max.max(scaled);
        adjusted[i] = running_max.min(1.0);
    }
    adjusted
}

/// Benjamini-Hochberg adjusted p-values (R's p.adjust(method = "BH")), same order as input; NaN
/// inputs stay NaN and are not counted.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len()).filter(|&i| !p_values[i].is_nan()).collect();
    order.sort_by(|&a, &b| p_values[b].total_cmp(&p_values[a]));
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p_values.len()];
    let mut running_min = f64::INFINITY;
    for (k, &i) in order.iter().enumerate() {
        let rank = m - k;
        running_min = running_min.min(m as f64 / rank as f64 * p_values[i]);
        adjusted[i] = running_min.min(1.0);
    }
    adjusted
}

/// One group of a 2 x k table after dropping empty groups.
#[derive(Debug, Clone, Copy)]
struct Group {
    x: f64,
    n: f64,
    score: f64,
}

fn valid_count(x: f64, n: f64) -> bool {
    x.is_finite() && n.is_finite() && x >= 0.0 && n >= 0.0 && x <= n
}

/// Groups with a positive base; empty groups carry no information, so they are skipped rather
/// than rejected. None on mismatched lengths, invalid counts or fewer than two usable groups.
fn used_groups(successes: &[f64], totals: &[f64], scores: Option<&[f64]>) -> Option<Vec<Group>> {
    if successes.len() != totals.len() || scores.is_some_and(|s| s.len() != totals.len()) {
        return None;
    }
    let mut groups = Vec::with_capacity(totals.len());
    for (i, (&x, &n)) in successes.iter().zip(totals).enumerate() {
        let score = scores.map_or(0.0, |s| s[i]);
        if !valid_count(x, n) || !score.is_finite() {
            return None;
        }
        if n > 0.0 {
            groups.push(Group { x, n, score });
        }
    }
    (groups.len() >= 2).then_some(groups)
}

/// Overall proportion, None when it leaves no variance to test against.
fn pooled_proportion(groups: &[Group]) -> Option<f64> {
    let x: f64 = groups.iter().map(|g| g.x).sum();
    let n: f64 = groups.iter().map(|g| g.n).sum();
    let p = x / n;
    (p > 0.0 && p < 1.0).then_some(p)
}

fn chi_square_result(statistic: f64, df: f64) -> Option<TestResult> {
    let dist = ChiSquared::new(df).ok()?;
    statistic.is_finite().then(|| TestResult {
        statistic,
        df: Some(df),
        p_value: dist.sf(statistic),
    })
}

/// Two-sided normal p-value computed as the chi-square(1) upper tail of z^2: statrs' erfc (behind
/// `Normal::cdf`) is only good to about 1e-10 relative, while the incomplete gamma behind
/// `ChiSquared::sf` is accurate to near machine precision.
pub fn two_sided_normal_p(z: f64) -> f64 {
    match ChiSquared::new(1.0) {
        Ok(dist) => dist.sf(z * z).min(1.0),
        Err(_) => f64::NAN,
    }
}

/// Smallest k in [from, to] with pmf(k) <= threshold. The pmf is non-increasing above the mean,
/// so a binary search replaces R's scan over every outcome.
fn first_at_most(dist: &Binomial, from: u64, to: u64, threshold: f64) -> Option<u64> {
    let (mut lo, mut hi) = (from, to.checked_add(1)?);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if dist.pmf(mid) <= threshold {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    (lo <= to).then_some(lo)
}

/// Largest k in [from, to] with pmf(k) <= threshold; the pmf is non-decreasing below the mean.
fn last_at_most(dist: &Binomial, from: u64, to: u64, threshold: f64) -> Option<u64> {
    let (mut lo, mut hi) = (from, to.checked_add(1)?);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if dist.pmf(mid) <= threshold {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    (lo > from).then(|| lo - 1)
}

#[cfg(test)]
mod unit_tests;
