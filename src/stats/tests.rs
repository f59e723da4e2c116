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
mod unit_tests {
    use super::*;
    use proptest::prelude::*;

    const SMOKERS: [f64; 4] = [83.0, 90.0, 129.0, 70.0];
    const PATIENTS: [f64; 4] = [86.0, 93.0, 136.0, 82.0];

    fn close(got: f64, want: f64, tol: f64) -> bool {
        (got - want).abs() <= tol
    }

    fn result(r: Option<TestResult>) -> TestResult {
        r.unwrap_or(TestResult {
            statistic: f64::NAN,
            df: None,
            p_value: f64::NAN,
        })
    }

    #[test]
    fn two_proportion_z_is_signed_for_p2_minus_p1() {
        // Reference (p1 - p2 convention): z = -1.4078304151258787 for 5/83 vs 12/99.
        let r = result(two_proportion_z(5.0, 83.0, 12.0, 99.0));
        assert!(close(r.statistic.abs(), 1.4078304151258787, 1e-12), "{r:?}");
        assert!(r.statistic > 0.0, "p2 > p1 must give a positive z: {r:?}");
        assert!(close(r.p_value, 0.15918129181156992, 1e-12), "{r:?}");
        assert_eq!(r.df, None);
        let swapped = result(two_proportion_z(12.0, 99.0, 5.0, 83.0));
        assert!(close(swapped.statistic, -r.statistic, 1e-15));
    }

    #[test]
    fn two_proportion_z_rejects_degenerate_input() {
        assert_eq!(two_proportion_z(0.0, 0.0, 3.0, 10.0), None);
        assert_eq!(two_proportion_z(0.0, 10.0, 0.0, 20.0), None);
        assert_eq!(two_proportion_z(10.0, 10.0, 20.0, 20.0), None);
        assert_eq!(two_proportion_z(11.0, 10.0, 2.0, 20.0), None);
        assert_eq!(two_proportion_z(f64::NAN, 10.0, 2.0, 20.0), None);
    }

    #[test]
    fn newcombe_matches_the_1998_paper_example() {
        // Newcombe (1998), 56/70 vs 48/80, method 10: 0.0524 to 0.3339 for the difference 0.2.
        let ci = newcombe_difference(48.0, 80.0, 56.0, 70.0, 0.95);
        let ci = ci.unwrap_or(Interval {
            low: f64::NAN,
            high: f64::NAN,
        });
        assert!(close(ci.low, 0.0524, 5e-5) && close(ci.high, 0.3339, 5e-5), "{ci:?}");
        let flipped = newcombe_difference(56.0, 70.0, 48.0, 80.0, 0.95);
        let flipped = flipped.unwrap_or(Interval {
            low: f64::NAN,
            high: f64::NAN,
        });
        assert!(close(flipped.low, -ci.high, 1e-15) && close(flipped.high, -ci.low, 1e-15));
        assert_eq!(newcombe_difference(1.0, 0.0, 2.0, 5.0, 0.95), None);
    }

    #[test]
    fn chi_square_matches_r_prop_test_smokers() {
        let r = result(chi_square_homogeneity(&SMOKERS, &PATIENTS));
        assert!(close(r.statistic, 12.6004, 1e-4), "{r:?}");
        assert_eq!(r.df, Some(3.0));
        assert!(close(r.p_value, 0.005585, 1e-6), "{r:?}");
    }

    #[test]
    fn chi_square_with_two_groups_is_the_squared_z() {
        let z = result(two_proportion_z(5.0, 83.0, 12.0, 99.0));
        let chi = result(chi_square_homogeneity(&[5.0, 12.0], &[83.0, 99.0]));
        assert!(close(chi.statistic, z.statistic * z.statistic, 1e-12));
        assert!(close(chi.p_value, z.p_value, 1e-12));
    }

    #[test]
    fn chi_square_skips_empty_groups_and_rejects_degenerate_tables() {
        let with_empty = result(chi_square_homogeneity(&[5.0, 0.0, 12.0], &[83.0, 0.0, 99.0]));
        assert_eq!(with_empty.df, Some(1.0));
        assert_eq!(chi_square_homogeneity(&[5.0, 0.0], &[83.0, 0.0]), None);
        assert_eq!(chi_square_homogeneity(&[0.0, 0.0], &[8.0, 9.0]), None);
        assert_eq!(chi_square_homogeneity(&[8.0, 9.0], &[8.0, 9.0]), None);
        assert_eq!(chi_square_homogeneity(&[1.0, 2.0], &[8.0]), None);
        assert_eq!(chi_square_homogeneity(&[], &[]), None);
    }

    #[test]
    fn cochran_armitage_matches_r_prop_trend_test() {
        let linear = result(cochran_armitage(&SMOKERS, &PATIENTS, &[1.0, 2.0, 3.0, 4.0]));
        assert!(close(linear.statistic, 8.2249, 1e-4), "{linear:?}");
        assert!(close(linear.p_value, 0.004132, 1e-6), "{linear:?}");
        assert_eq!(linear.df, Some(1.0));
        let last = result(cochran_armitage(&SMOKERS, &PATIENTS, &[0.0, 0.0, 0.0, 1.0]));
        assert!(close(last.statistic, 12.1731, 1e-4), "{last:?}");
        assert!(close(last.p_value, 0.0004848, 1e-7), "{last:?}");
    }

    #[test]
    fn cochran_armitage_rejects_constant_scores_and_bad_shapes() {
        assert_eq!(cochran_armitage(&SMOKERS, &PATIENTS, &[2.0; 4]), None);
        assert_eq!(cochran_armitage(&SMOKERS, &PATIENTS, &[1.0, 2.0]), None);
        let only_one_scored_group = cochran_armitage(&[1.0, 0.0, 3.0], &[5.0, 0.0, 6.0], &[1.0, 2.0, 1.0]);
        assert_eq!(only_one_scored_group, None);
        let shifted = result(cochran_armitage(
            &SMOKERS,
            &PATIENTS,
            &[1e6, 1e6 + 1.0, 1e6 + 2.0, 1e6 + 3.0],
        ));
        assert!(close(shifted.statistic, 8.2249, 1e-4), "{shifted:?}");
    }

    #[test]
    fn binomial_test_matches_r_binom_test() {
        let p = binomial_test(51, 235, 1.0 / 6.0).unwrap_or(f64::NAN);
        assert!(close(p, 0.0437479701823997, 1e-12), "{p}");
        // R: binom.test(682, 925, p = 0.75) gives p-value = 0.3825.
        let p = binomial_test(682, 925, 0.75).unwrap_or(f64::NAN);
        assert!(close(p, 0.3825, 5e-5), "{p}");
        let p = binomial_test(2, 10, 0.5).unwrap_or(f64::NAN);
        assert!(close(p, 0.109375, 1e-12), "{p}");
    }

    #[test]
    fn binomial_test_edges() {
        assert_eq!(binomial_test(5, 10, 0.5), Some(1.0));
        assert_eq!(binomial_test(0, 0, 0.5), None);
        assert_eq!(binomial_test(11, 10, 0.5), None);
        assert_eq!(binomial_test(1, 10, 1.5), None);
        assert_eq!(binomial_test(1, 10, f64::NAN), None);
        assert_eq!(binomial_test(0, 10, 0.0), Some(1.0));
        assert_eq!(binomial_test(1, 10, 0.0), Some(0.0));
        assert_eq!(binomial_test(10, 10, 1.0), Some(1.0));
    }

    #[test]
    fn holm_matches_r_p_adjust() {
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (got, want) in adjusted.iter().zip(want) {
            assert!(close(*got, want, 1e-15), "{adjusted:?}");
        }
    }

    #[test]
    fn holm_leaves_nan_alone_and_does_not_count_it() {
        let adjusted = holm(&[0.01, f64::NAN, 0.04, 0.5]);
        assert!(adjusted[1].is_nan());
        assert!(close(adjusted[0], 0.03, 1e-15) && close(adjusted[2], 0.08, 1e-15));
        assert!(close(adjusted[3], 0.5, 1e-15));
        assert!(holm(&[]).is_empty());
    }

    /// R's binom.test written out literally (scan every outcome), to check the binary searches.
    fn binomial_test_by_scan(x: u64, n: u64, p0: f64) -> Option<f64> {
        let dist = Binomial::new(p0, n).ok()?;
        let m = n as f64 * p0;
        let d = dist.pmf(x) * (1.0 + 1e-7);
        if x as f64 == m {
            return Some(1.0);
        }
        let p = if (x as f64) < m {
            let y = (m.ceil() as u64..=n).filter(|&i| dist.pmf(i) <= d).count() as u64;
            dist.cdf(x) + if y == 0 { 0.0 } else { dist.sf(n - y) }
        } else {
            let y = (0..=m.floor() as u64).filter(|&i| dist.pmf(i) <= d).count() as u64;
            (if y == 0 { 0.0 } else { dist.cdf(y - 1) }) + dist.sf(x - 1)
        };
        Some(p.min(1.0))
    }

    proptest! {
        #[test]
        fn holm_is_bounded_by_raw_and_one(raw in prop::collection::vec(0.0f64..=1.0, 0..30)) {
            let adjusted = holm(&raw);
            prop_assert_eq!(adjusted.len(), raw.len());
            for (a, p) in adjusted.iter().zip(&raw) {
                prop_assert!(*a >= *p && *a <= 1.0, "raw {} adjusted {}", p, a);
            }
        }

        #[test]
        fn holm_preserves_the_order_of_raw_p_values(raw in prop::collection::vec(0.0f64..=1.0, 0..30)) {
            let adjusted = holm(&raw);
            for i in 0..raw.len() {
                for j in 0..raw.len() {
                    if raw[i] < raw[j] {
                        prop_assert!(adjusted[i] <= adjusted[j]);
                    }
                }
            }
        }

        #[test]
        fn newcombe_contains_the_difference(
            (n1, x1) in (1u32..=2_000).prop_flat_map(|n| (Just(n), 0..=n)),
            (n2, x2) in (1u32..=2_000).prop_flat_map(|n| (Just(n), 0..=n)),
            level in prop::sample::select(vec![0.8, 0.9, 0.95, 0.99]),
        ) {
            let (x1, n1, x2, n2) = (f64::from(x1), f64::from(n1), f64::from(x2), f64::from(n2));
            let ci = newcombe_difference(x1, n1, x2, n2, level)
                .ok_or_else(|| TestCaseError::fail("no interval"))?;
            let diff = x2 / n2 - x1 / n1;
            prop_assert!(ci.low >= -1.0 && ci.high <= 1.0, "{:?}", ci);
            prop_assert!(ci.low <= diff + 1e-12 && ci.high >= diff - 1e-12, "{:?} vs {}", ci, diff);
        }

        #[test]
        fn binomial_test_agrees_with_a_full_scan(
            (n, x) in (1u64..=300).prop_flat_map(|n| (Just(n), 0..=n)),
            p0 in 0.01f64..0.99,
        ) {
            let fast = binomial_test(x, n, p0);
            let slow = binomial_test_by_scan(x, n, p0);
            prop_assert_eq!(fast, slow);
            let p = fast.unwrap_or(f64::NAN);
            prop_assert!((0.0..=1.0).contains(&p), "p = {}", p);
        }

        #[test]
        fn z_test_p_value_is_a_probability(
            (n1, x1) in (1u32..=500).prop_flat_map(|n| (Just(n), 0..=n)),
            (n2, x2) in (1u32..=500).prop_flat_map(|n| (Just(n), 0..=n)),
        ) {
            let r = two_proportion_z(f64::from(x1), f64::from(n1), f64::from(x2), f64::from(n2));
            if let Some(r) = r {
                prop_assert!(r.p_value > 0.0 && r.p_value <= 1.0 && r.statistic.is_finite());
            } else {
                prop_assert!(x1 + x2 == 0 || x1 + x2 == n1 + n2);
            }
        }
    }
}
