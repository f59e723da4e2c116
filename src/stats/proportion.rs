//! Confidence intervals for a single binomial proportion (Wilson, Clopper-Pearson, Agresti-Coull, Jeffreys, Wald;
//! logit and Korn-Graubard through `survey_ci` as for a simple random sample).

use std::fmt;
use std::str::FromStr;

use statrs::distribution::{ContinuousCDF, Normal};
use statrs::function::beta::{beta_reg, ln_beta};

/// Which construction to use for a proportion's confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CiMethod {
    Wilson,
    ClopperPearson,
    AgrestiCoull,
    Jeffreys,
    Wald,
    Logit,
    KornGraubard,
}

impl CiMethod {
    pub const ALL: [CiMethod; 7] = [
        CiMethod::Wilson,
        CiMethod::ClopperPearson,
        CiMethod::AgrestiCoull,
        CiMethod::Jeffreys,
        CiMethod::Wald,
        CiMethod::Logit,
        CiMethod::KornGraubard,
    ];

    /// Stable name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CiMethod::Wilson => "wilson",
            CiMethod::ClopperPearson => "clopper-pearson",
            CiMethod::AgrestiCoull => "agresti-coull",
            CiMethod::Jeffreys => "jeffreys",
            CiMethod::Wald => "wald",
            CiMethod::Logit => "logit",
            CiMethod::KornGraubard => "korn-graubard",
        }
    }

    /// One line for `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            CiMethod::Wilson => {
                "score interval; good coverage at small n (default without weights; on the effective n with them)"
            }
            CiMethod::ClopperPearson => "exact binomial interval; conservative, never under-covers",
            CiMethod::AgrestiCoull => "adjusted Wald (add z^2/2 successes and failures); simple and close to Wilson",
            CiMethod::Jeffreys => {
                "Bayesian interval with Beta(1/2, 1/2) prior, equal tails, except that the bound is 0 at \
                 x = 0 and 1 at x = n (Brown, Cai and DasGupta); good coverage"
            }
            CiMethod::Wald => "normal approximation p ± z·SE; textbook only, poor coverage near 0 or 1",
            CiMethod::Logit => {
                "R svyciprop(method=\"logit\"): Wald on the log-odds, t with design df (default with weights); at a \
                 share of 0 or 1 (no variance) Clopper-Pearson on n, named `clopper-pearson (logit fallback)`; \
                 none with 0 design df"
            }
            CiMethod::KornGraubard => {
                "R svyciprop(method=\"beta\"): Clopper-Pearson on the df-adjusted effective n; at a share of 0 \
                 or 1 Clopper-Pearson on n, named `clopper-pearson (korn-graubard fallback)`; none with 0 design df"
            }
        }
    }
}

impl fmt::Display for CiMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CiMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        CiMethod::ALL.into_iter().find(|m| m.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = CiMethod::ALL.iter().map(|m| m.as_str()).collect();
            format!("unknown interval method '{s}'; valid methods: {}", names.join(", "))
        })
    }
}

/// A closed interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Two-sided interval for x successes out of n at confidence `level` (e.g. 0.95).
/// x and n are f64 so weighted/effective counts can be passed later; None when n <= 0, x < 0, x > n,
/// level not in (0,1), or anything non-finite. Bounds are clamped to [0, 1]; at x=0 low is exactly 0,
/// at x=n high is exactly 1 (Clopper-Pearson and Jeffreys handle the edges by definition: CP 0/1 gives (0, 0.975)).
pub fn interval(method: CiMethod, x: f64, n: f64, level: f64) -> Option<Interval> {
    let inputs_ok = x.is_finite() && n.is_finite() && level.is_finite();
    if !inputs_ok || n <= 0.0 || x < 0.0 || x > n || level <= 0.0 || level >= 1.0 {
        return None;
    }
    let alpha = 1.0 - level;
    let (low, high) = match method {
        CiMethod::Wilson => wilson(x, n, z_value(level)),
        CiMethod::ClopperPearson => clopper_pearson(x, n, alpha),
        CiMethod::AgrestiCoull => agresti_coull(x, n, z_value(level)),
        CiMethod::Jeffreys => jeffreys(x, n, alpha),
        CiMethod::Wald => wald(x, n, z_value(level)),
        CiMethod::Logit | CiMethod::KornGraubard => return super::survey_ci::unweighted(method, x, n, level),
    };
    finish(low, high, x, n)
}

/// Standard normal quantile z_{1-(1-level)/2}. NaN when `level` is not in (0, 1).
pub fn z_value(level: f64) -> f64 {
    if !(level > 0.0 && level < 1.0) {
        return f64::NAN;
    }
    Normal::standard().inverse_cdf(1.0 - (1.0 - level) / 2.0)
}

/// Clamps to [0, 1] and pins the edges, so callers can rely on the documented guarantees
/// whatever rounding the individual formulas produce.
pub(crate) fn finish(low: f64, high: f64, x: f64, n: f64) -> Option<Interval> {
    if low.is_nan() || high.is_nan() {
        return None;
    }
    let low = if x == 0.0 { 0.0 } else { low.clamp(0.0, 1.0) };
    let high = if x == n { 1.0 } else { high.clamp(0.0, 1.0) };
    Some(Interval { low, high })
}

fn wilson(x: f64, n: f64, z: f64) -> (f64, f64) {
    let p = x / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    (centre - half, centre + half)
}

fn agresti_coull(x: f64, n: f64, z: f64) -> (f64, f64) {
    let n_tilde = n + z * z;
    let p_tilde = (x + z * z / 2.0) / n_tilde;
    let half = z * (p_tilde * (1.0 - p_tilde) / n_tilde).sqrt();
    (p_tilde - half, p_tilde + half)
}

fn wald(x: f64, n: f64, z: f64) -> (f64, f64) {
    let p = x / n;
    let half = z * (p * (1.0 - p) / n).sqrt();
    (p - half, p + half)
}

fn clopper_pearson(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    // The Beta shapes degenerate at the edges, where the exact bounds are 0 and 1 by definition.
    let low = if x > 0.0 {
        beta_quantile(x, n - x + 1.0, alpha / 2.0)
    } else {
        0.0
    };
    let high = if x < n {
        beta_quantile(x + 1.0, n - x, 1.0 - alpha / 2.0)
    } else {
        1.0
    };
    (low, high)
}

fn jeffreys(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    let (a, b) = (x + 0.5, n - x + 0.5);
    let low = if x > 0.0 { beta_quantile(a, b, alpha / 2.0) } else { 0.0 };
    let high = if x < n {
        beta_quantile(a, b, 1.0 - alpha / 2.0)
    } else {
        1.0
    };
    (low, high)
}

/// Quantile of Beta(a, b) at `prob`, by safeguarded Newton iteration on the regularized
/// incomplete beta function.
///
/// statrs' own `inv_beta_reg` (AS 109) is accurate for the textbook cases, but its inner step-halving
/// loop never terminates if the function value turns NaN, and it has no bracket. Keeping a bracket
/// and falling back to bisection makes this bounded in time and always inside (0, 1); Newton steps
/// give full double precision in a handful of iterations when they behave.
pub(crate) fn beta_quantile(a: f64, b: f64, prob: f64) -> f64 {
    if prob <= 0.0 {
        return 0.0;
    }
    if prob >= 1.0 {
        return 1.0;
    }
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let mut p = a / (a + b);
    for _ in 0..400 {
        let f = beta_reg(a, b, p) - prob;
        if f == 0.0 {
            return p;
        }
        if f < 0.0 {
            lo = p;
        } else {
            hi = p;
        }
        if hi - lo <= 4.0 * f64::EPSILON * hi {
            return p;
        }
        let next = newton_or_bisect(p, f, a, b, ln_b, lo, hi);
        if (next - p).abs() <= 4.0 * f64::EPSILON * p {
            return next;
        }
        p = next;
    }
    p
}

fn newton_or_bisect(p: f64, f: f64, a: f64, b: f64, ln_b: f64, lo: f64, hi: f64) -> f64 {
    let density = ((a - 1.0) * p.ln() + (b - 1.0) * (-p).ln_1p() - ln_b).exp();
    let step = p - f / density;
    if step.is_finite() && step > lo && step < hi {
        step
    } else {
        midpoint(lo, hi)
    }
}

/// Bisection that still makes progress when the root sits many orders of magnitude below the
/// upper end (tiny Clopper-Pearson bounds at large n): halve on the log scale once the bracket is wide.
fn midpoint(lo: f64, hi: f64) -> f64 {
    if lo > 0.0 && hi / lo > 1e3 {
        (lo * hi).sqrt()
    } else if lo == 0.0 && hi > 1e-300 {
        hi / 8.0
    } else {
        lo + (hi - lo) / 2.0
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;
    use proptest::prelude::*;

    fn close(got: f64, want: f64, tol: f64) -> bool {
        (got - want).abs() <= tol
    }

    fn check(method: CiMethod, x: f64, n: f64, low: f64, high: f64) {
        let ci = interval(method, x, n, 0.95);
        let Some(ci) = ci else {
            panic!("{method} {x}/{n}: no interval");
        };
        assert!(
            close(ci.low, low, 1e-9) && close(ci.high, high, 1e-9),
            "{method} {x}/{n}: got ({:.17}, {:.17}), want ({low}, {high})",
            ci.low,
            ci.high
        );
    }

    #[test]
    fn known_answers_match_reference_implementations() {
        use CiMethod::*;
        let cases: [(CiMethod, f64, f64, f64, f64); 14] = [
            (Wilson, 19.0, 38.0, 0.348499283643951, 0.651500716356049),
            (AgrestiCoull, 18.0, 20.0, 0.6867561125596077, 0.984343760998137),
            (ClopperPearson, 18.0, 20.0, 0.6830172859809176, 0.9876514728297052),
            (Wilson, 18.0, 20.0, 0.6989663547715128, 0.972133518786232),
            (Jeffreys, 18.0, 20.0, 0.716146742695748, 0.97862751197755),
            (AgrestiCoull, 4.0, 20.0, 0.0749115102767071, 0.4217635845549845),
            (ClopperPearson, 4.0, 20.0, 0.05733399705003284, 0.436614002996668),
            (Wilson, 4.0, 20.0, 0.0806576625797981, 0.4160174322518935),
            (Jeffreys, 4.0, 20.0, 0.07152005247873425, 0.4082257625169254),
            (AgrestiCoull, 4.0, 200.0, 0.005991954548218395, 0.0520995587739575),
            (ClopperPearson, 4.0, 200.0, 0.005475565879556443, 0.05041360908989634),
            (Wilson, 4.0, 200.0, 0.00780442641634947, 0.05028708690582643),
            (Jeffreys, 4.0, 200.0, 0.00678759879519299, 0.0468465669668423),
            (ClopperPearson, 0.0, 1.0, 0.0, 0.975),
        ];
        for (method, x, n, low, high) in cases {
            check(method, x, n, low, high);
        }
    }

    #[test]
    fn clopper_pearson_matches_binom_test_example() {
        check(
            CiMethod::ClopperPearson,
            51.0,
            235.0,
            0.1660633298083073,
            0.2752683640289254,
        );
    }

    #[test]
    fn wald_is_the_plain_normal_approximation() {
        let z = z_value(0.95);
        let half = z * (0.2_f64 * 0.8 / 100.0).sqrt();
        check(CiMethod::Wald, 20.0, 100.0, 0.2 - half, 0.2 + half);
    }

    #[test]
    fn z_value_matches_the_familiar_constants() {
        assert!(close(z_value(0.95), 1.959963984540054, 1e-12));
        assert!(close(z_value(0.99), 2.5758293035489004, 1e-12));
        assert!(close(z_value(0.8), 1.2815515655446004, 1e-12));
        assert!(z_value(1.0).is_nan() && z_value(0.0).is_nan() && z_value(f64::NAN).is_nan());
    }

    #[test]
    fn edges_are_exact_for_every_method() {
        for method in CiMethod::ALL {
            for n in [1.0, 7.0, 250.0] {
                let zero = interval(method, 0.0, n, 0.95);
                let all = interval(method, n, n, 0.95);
                // One respondent leaves the t-based methods no degrees of freedom: R gives NaN.
                if n == 1.0 && matches!(method, CiMethod::Logit | CiMethod::KornGraubard) {
                    assert_eq!((zero, all), (None, None), "{method} n = 1");
                    continue;
                }
                assert_eq!(zero.map(|ci| ci.low), Some(0.0), "{method} 0/{n}");
                assert_eq!(all.map(|ci| ci.high), Some(1.0), "{method} {n}/{n}");
            }
        }
    }

    #[test]
    fn invalid_inputs_give_none() {
        let bad = [
            (1.0, 0.0, 0.95),
            (-1.0, 10.0, 0.95),
            (11.0, 10.0, 0.95),
            (1.0, 10.0, 0.0),
            (1.0, 10.0, 1.0),
            (f64::NAN, 10.0, 0.95),
            (1.0, f64::INFINITY, 0.95),
            (1.0, 10.0, f64::NAN),
        ];
        for method in CiMethod::ALL {
            for (x, n, level) in bad {
                assert_eq!(interval(method, x, n, level), None, "{method} {x}/{n} @ {level}");
            }
        }
    }

    #[test]
    fn weighted_counts_are_accepted() {
        for method in CiMethod::ALL {
            let ci = interval(method, 3.7, 12.25, 0.9);
            assert!(
                ci.is_some_and(|ci| ci.low < 3.7 / 12.25 && ci.high > 3.7 / 12.25),
                "{method}"
            );
        }
    }

    #[test]
    fn names_round_trip_and_errors_list_valid_names() {
        for method in CiMethod::ALL {
            assert_eq!(method.as_str().parse::<CiMethod>(), Ok(method));
            assert_eq!(method.to_string(), method.as_str());
            assert!(!method.describe().is_empty());
        }
        let err = "exact".parse::<CiMethod>().err().unwrap_or_default();
        for method in CiMethod::ALL {
            assert!(err.contains(method.as_str()), "{err}");
        }
    }

    #[test]
    fn beta_quantile_inverts_beta_reg_for_extreme_shapes() {
        for (a, b, prob) in [
            (1.0, 10_000.0, 0.025),
            (10_000.0, 1.0, 0.975),
            (0.5, 9_999.5, 0.975),
            (5_000.0, 5_001.0, 0.025),
            (1e-3, 3.0, 0.5),
        ] {
            let q = beta_quantile(a, b, prob);
            let back = beta_reg(a, b, q);
            assert!((back - prob).abs() < 1e-10, "Beta({a}, {b}) at {prob}: q={q}, I={back}");
        }
    }

    proptest! {
        #[test]
        fn intervals_contain_the_estimate(
            (n, x) in (0u32..=10_000).prop_flat_map(|n| (Just(n), 0..=n)),
            level in prop::sample::select(vec![0.8, 0.9, 0.95, 0.99]),
            method in prop::sample::select(CiMethod::ALL.to_vec()),
        ) {
            let (x, n) = (f64::from(x), f64::from(n));
            let ci = interval(method, x, n, level);
            // The t-based methods have no interval at n = 1: their df n - 1 is 0 (R gives NaN).
            let t_based = matches!(method, CiMethod::Logit | CiMethod::KornGraubard);
            if n == 0.0 || (n == 1.0 && t_based) {
                prop_assert!(ci.is_none());
            } else {
                let ci = ci.ok_or_else(|| TestCaseError::fail("no interval"))?;
                let p = x / n;
                prop_assert!(!ci.low.is_nan() && !ci.high.is_nan());
                prop_assert!(ci.low >= 0.0 && ci.high <= 1.0);
                prop_assert!(ci.low <= p + 1e-12, "low {} > p {}", ci.low, p);
                prop_assert!(ci.high >= p - 1e-12, "high {} < p {}", ci.high, p);
            }
        }
    }
}
