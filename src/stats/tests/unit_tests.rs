//! Unit tests of `tests`.

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

#[test]
fn benjamini_hochberg_matches_r_p_adjust() {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, NA), "BH") = 0.02 0.04 0.04 0.02 NA
    let adjusted = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005, f64::NAN]);
    for (got, want) in adjusted.iter().zip([0.02, 0.04, 0.04, 0.02]) {
        assert!(close(*got, want, 1e-15), "{adjusted:?}");
    }
    assert!(adjusted[4].is_nan());
}
