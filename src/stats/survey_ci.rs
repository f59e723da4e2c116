//! Intervals for a share estimated under weights or a complex design: R survey's `svyciprop` logit and
//! beta (Korn-Graubard) methods, and the binomial methods on the effective sample size.

use super::proportion::{CiMethod, Interval, beta_quantile, finish, interval};

/// A design-based share with what its interval needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DesignPoint {
    /// The (weighted) share, in [0, 1].
    pub share: f64,
    /// Its linearised variance.
    pub variance: f64,
    /// Respondents in the base (rows of the domain, R's `nrow(design)`).
    pub n: f64,
    /// Design degrees of freedom: PSUs minus strata of the domain (R's `degf(design)`).
    pub df: f64,
}

impl DesignPoint {
    /// Kish's effective sample size p(1-p)/var. Without design variance (a share of 0 or 1) the
    /// base itself stands in, so every interval stays defined at 0 % and 100 %.
    pub fn n_effective(&self) -> f64 {
        let p = self.share;
        if self.variance > 0.0 && p > 0.0 && p < 1.0 {
            p * (1.0 - p) / self.variance
        } else {
            self.n
        }
    }

    fn has_variance(&self) -> bool {
        self.variance > 0.0 && self.share > 0.0 && self.share < 1.0
    }
}

/// The interval of `method` for a design-based share; None for invalid input, or for logit and
/// Korn-Graubard when the design leaves no degrees of freedom (R gives NaN there).
///
/// Logit and Korn-Graubard follow `svyciprop`; without design variance (share 0 or 1) both fall back
/// to Clopper-Pearson on the base, which is Korn-Graubard with the base as effective n. The other
/// methods use the effective sample size in place of n, so Wald becomes p ± z·se.
pub fn design_interval(method: CiMethod, point: &DesignPoint, level: f64) -> Option<Interval> {
    let DesignPoint {
        share: p,
        variance,
        n,
        df,
    } = *point;
    let valid = [p, variance, n, df, level].iter().all(|v| v.is_finite());
    if !valid || !(0.0..=1.0).contains(&p) || variance < 0.0 || n <= 0.0 || level <= 0.0 || level >= 1.0 {
        return None;
    }
    match method {
        // R gives NaN without design degrees of freedom, variance or not: no interval either.
        CiMethod::Logit | CiMethod::KornGraubard if df < 1.0 => None,
        CiMethod::Logit | CiMethod::KornGraubard if !point.has_variance() => {
            interval(CiMethod::ClopperPearson, p * n, n, level)
        }
        CiMethod::Logit => logit(point, level),
        CiMethod::KornGraubard => korn_graubard(point, level),
        other => {
            let n_eff = point.n_effective();
            // Below one effective respondent Jeffreys' equal tails can leave out the share itself.
            interval(other, (p * n_eff).min(n_eff), n_eff, level).map(|ci| Interval {
                low: ci.low.min(p),
                high: ci.high.max(p),
            })
        }
    }
}

/// What `Estimate::method` says for `method` at this point: logit and Korn-Graubard name their
/// Clopper-Pearson fall-back at a share of 0 or 1, where the design has no variance.
pub fn method_label(method: CiMethod, point: &DesignPoint) -> String {
    match method {
        CiMethod::Logit | CiMethod::KornGraubard if point.df >= 1.0 && !point.has_variance() => {
            format!("clopper-pearson ({} fallback)", method.as_str())
        }
        other => other.as_str().to_string(),
    }
}

/// Logit and Korn-Graubard for x of n unweighted respondents: R's answer for
/// `svydesign(ids = ~1)`, whose variance is p(1-p)/(n-1) with n-1 degrees of freedom.
pub fn unweighted(method: CiMethod, x: f64, n: f64, level: f64) -> Option<Interval> {
    let inputs_ok = x.is_finite() && n.is_finite() && level.is_finite();
    if !inputs_ok || n <= 0.0 || x < 0.0 || x > n || level <= 0.0 || level >= 1.0 {
        return None;
    }
    let p = x / n;
    let variance = if n > 1.0 { p * (1.0 - p) / (n - 1.0) } else { 0.0 };
    let ci = design_interval(
        method,
        &DesignPoint {
            share: p,
            variance,
            n,
            df: n - 1.0,
        },
        level,
    )?;
    finish(ci.low, ci.high, x, n)
}

fn logit(point: &DesignPoint, level: f64) -> Option<Interval> {
    let p = point.share;
    let t = t_quantile(level, point.df)?;
    let eta = (p / (1.0 - p)).ln();
    let se = point.variance.sqrt() / (p * (1.0 - p));
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    Some(Interval {
        low: expit(eta - t * se),
        high: expit(eta + t * se),
    })
}

/// `svyciprop(method = "beta")`: the effective n is scaled by (t_{n-1} / t_df)^2 before the
/// Clopper-Pearson style Beta quantiles.
fn korn_graubard(point: &DesignPoint, level: f64) -> Option<Interval> {
    let p = point.share;
    let ratio = t_quantile(level, point.n - 1.0)? / t_quantile(level, point.df)?;
    let n_eff = point.n_effective() * ratio * ratio;
    let alpha = 1.0 - level;
    Some(Interval {
        low: beta_quantile(n_eff * p, n_eff * (1.0 - p) + 1.0, alpha / 2.0),
        high: beta_quantile(n_eff * p + 1.0, n_eff * (1.0 - p), 1.0 - alpha / 2.0),
    })
}

/// Two-sided Student t quantile t_{1-(1-level)/2, df}, through P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2)
/// so it shares the accurate Beta quantile; None when df < 1 or level is not in (0, 1).
pub fn t_quantile(level: f64, df: f64) -> Option<f64> {
    if !(df.is_finite() && df >= 1.0 && level > 0.0 && level < 1.0) {
        return None;
    }
    let x = beta_quantile(df / 2.0, 0.5, 1.0 - level);
    let t = (df * (1.0 - x) / x).sqrt();
    t.is_finite().then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(got: f64, want: f64, tol: f64) -> bool {
        (got - want).abs() <= tol * want.abs().max(1.0)
    }

    #[test]
    fn t_quantiles_match_r_qt() {
        // R 4.2.2: qt(0.975, c(14, 1, 100)), qt(0.95, 3.5)
        for (level, df, want) in [
            (0.95, 14.0, 2.144_786_687_917_804),
            (0.95, 1.0, 12.706204736174694),
            (0.95, 100.0, 1.9839715185235516),
            (0.9, 3.5, 2.222_433_493_649_601),
        ] {
            let got = t_quantile(level, df).unwrap_or(f64::NAN);
            assert!(close(got, want, 1e-12), "qt df {df}: {got} vs {want}");
        }
        assert_eq!(t_quantile(0.95, 0.0), None);
        assert_eq!(t_quantile(1.0, 5.0), None);
    }

    #[test]
    fn apiclus1_svyciprop_known_answers() {
        // reference-values.md: svyciprop(~I(ell==0), dclus1), df 14, estimate 0.0218579;
        // logit (0.0023047, 0.1777478), beta (0.0002161, 0.1375078). The variance is not published,
        // so it is recovered from the logit interval and then must reproduce the beta one.
        let p: f64 = 0.0218579;
        let t = t_quantile(0.95, 14.0).unwrap_or(f64::NAN);
        let logit = |x: f64| (x / (1.0 - x)).ln();
        let se_eta = (logit(0.1777478) - logit(0.0023047)) / (2.0 * t);
        let variance = (se_eta * p * (1.0 - p)).powi(2);
        let point = DesignPoint {
            share: p,
            variance,
            n: 183.0,
            df: 14.0,
        };
        let ci = design_interval(CiMethod::Logit, &point, 0.95).unwrap_or(Interval { low: 0.0, high: 0.0 });
        assert!(
            close(ci.low, 0.0023047, 2e-4) && close(ci.high, 0.1777478, 2e-4),
            "{ci:?}"
        );
        let ci = design_interval(CiMethod::KornGraubard, &point, 0.95).unwrap_or(Interval { low: 0.0, high: 0.0 });
        assert!(
            (ci.low - 0.0002161).abs() < 2e-6 && (ci.high - 0.1375078).abs() < 2e-5,
            "{ci:?}"
        );
    }

    #[test]
    fn edges_are_defined_for_every_method() {
        for method in CiMethod::ALL {
            for (share, variance) in [(0.0, 0.0), (1.0, 0.0), (0.3, 0.0)] {
                let point = DesignPoint {
                    share,
                    variance,
                    n: 40.0,
                    df: 7.0,
                };
                let ci = design_interval(method, &point, 0.95);
                let ci = ci.unwrap_or_else(|| panic!("{method} at {share}: no interval"));
                assert!(ci.low <= share && share <= ci.high, "{method} {share}: {ci:?}");
                assert!(ci.low >= 0.0 && ci.high <= 1.0);
            }
        }
    }

    #[test]
    fn no_degrees_of_freedom_means_no_t_interval() {
        let point = DesignPoint {
            share: 0.4,
            variance: 0.01,
            n: 30.0,
            df: 0.0,
        };
        assert_eq!(design_interval(CiMethod::Logit, &point, 0.95), None);
        assert!(design_interval(CiMethod::Wilson, &point, 0.95).is_some());
    }

    #[test]
    fn wald_on_the_effective_n_is_p_plus_minus_z_se() {
        let point = DesignPoint {
            share: 0.3,
            variance: 0.0025,
            n: 200.0,
            df: 20.0,
        };
        let ci = design_interval(CiMethod::Wald, &point, 0.95).unwrap_or(Interval { low: 0.0, high: 0.0 });
        let half = super::super::proportion::z_value(0.95) * 0.05;
        assert!(
            close(ci.low, 0.3 - half, 1e-12) && close(ci.high, 0.3 + half, 1e-12),
            "{ci:?}"
        );
    }

    proptest! {
        #[test]
        fn design_intervals_hold_the_share_inside_the_unit_interval(
            share in 0.0f64..=1.0,
            variance in 0.0f64..0.05,
            n in 2.0f64..5000.0,
            df in 1.0f64..200.0,
            level in prop::sample::select(vec![0.8, 0.9, 0.95, 0.99]),
            method in prop::sample::select(CiMethod::ALL.to_vec()),
        ) {
            let point = DesignPoint { share, variance, n, df };
            let ci = design_interval(method, &point, level).ok_or_else(|| TestCaseError::fail("no interval"))?;
            prop_assert!(ci.low >= 0.0 && ci.high <= 1.0, "{:?}", ci);
            prop_assert!(ci.low <= share + 1e-12 && ci.high >= share - 1e-12, "{:?} vs {}", ci, share);
        }
    }
}
