//! Survey designs: weights, strata, primary sampling units and fpc, and the Taylor-linearised variance of
//! ratio estimators computed from PSU totals exactly as R survey's `svyrecvar` does with `nest = TRUE`.

use std::fmt;
use std::str::FromStr;

use crate::dd::Dd;
use crate::error::{Error, Result};

/// Which design columns a study's inputs name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DesignSpec {
    pub weights: bool,
    pub strata: bool,
    pub clusters: bool,
    pub fpc: bool,
    /// How the waves relate: independent samples, or one panel of shared strata and PSUs.
    pub waves: Waves,
}

impl DesignSpec {
    /// Anything beyond an unweighted simple random sample.
    pub fn is_design(&self) -> bool {
        self.weights || self.strata || self.clusters || self.fpc
    }

    /// Short description for outputs: `srs`, or the design parts joined by `+`.
    pub fn describe(&self) -> String {
        let parts: Vec<&str> = [
            (self.weights, "weights"),
            (self.strata, "strata"),
            (self.clusters, "psu"),
            (self.fpc, "fpc"),
            (self.waves == Waves::Shared, "shared-waves"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect();
        if parts.is_empty() {
            "srs".to_string()
        } else {
            parts.join("+")
        }
    }

    /// Unites the columns of several inputs of one study.
    pub fn union(self, other: DesignSpec) -> DesignSpec {
        DesignSpec {
            weights: self.weights || other.weights,
            strata: self.strata || other.strata,
            clusters: self.clusters || other.clusters,
            fpc: self.fpc || other.fpc,
            waves: self.waves.max(other.waves),
        }
    }
}

/// How the waves of a study relate (`--waves`, `waves` of a config input).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Waves {
    /// Each wave is its own sample: strata are nested in waves, and the waves' estimates are
    /// independent.
    #[default]
    Independent,
    /// One panel: the same strata and PSUs (companies asked every year) in every wave, which are
    /// domains of one design, so the waves' estimates are correlated.
    Shared,
}

impl Waves {
    pub fn is_independent(&self) -> bool {
        *self == Waves::Independent
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Waves::Independent => "independent",
            Waves::Shared => "shared",
        }
    }
}

impl fmt::Display for Waves {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Waves {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "independent" => Ok(Waves::Independent),
            "shared" => Ok(Waves::Shared),
            _ => Err(format!("unknown wave design `{s}`; valid: independent, shared")),
        }
    }
}

/// What to do with a stratum that has a single PSU (R's `options(survey.lonely.psu)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LonelyPsu {
    /// An error, as R's default "fail".
    #[default]
    Fail,
    /// Centre the lonely PSU at the overall mean instead of its stratum mean, as R's "adjust".
    Adjust,
}

impl LonelyPsu {
    pub fn as_str(self) -> &'static str {
        match self {
            LonelyPsu::Fail => "fail",
            LonelyPsu::Adjust => "adjust",
        }
    }
}

impl fmt::Display for LonelyPsu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LonelyPsu {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fail" => Ok(LonelyPsu::Fail),
            "adjust" => Ok(LonelyPsu::Adjust),
            _ => Err(format!("unknown lonely-PSU rule `{s}`; valid rules: fail, adjust")),
        }
    }
}

/// The full-sample design of one stratum: its PSU count and, with an fpc, its population of PSUs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratumDesign {
    pub psus: f64,
    pub population: Option<f64>,
}

/// Sums over the PSUs of one stratum within a domain, of the PSU totals W_i (weights) and
/// Y_i (weights of respondents with y = 1): every influence function here is linear in them.
///
/// `w` and `y` are the point totals; `zw`, `zy` and the second moments are of the totals the
/// variance is linearised in: the same W_i and Y_i, or under calibration their residuals from the
/// calibration regression (`domains::calibrated`), so one variance formula serves both.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub w: f64,
    pub y: f64,
    pub zw: f64,
    pub zy: f64,
    /// The second moments, each with the low part f64 rounds away (`crate::dd`).
    pub ww: f64,
    pub yy: f64,
    pub yw: f64,
    pub ww_lo: f64,
    pub yy_lo: f64,
    pub yw_lo: f64,
}

/// A linear form z_i = a·Y_i + b·W_i of a PSU's totals.
pub type Form = (f64, f64);

impl Moments {
    /// Σ u_i v_i over the PSUs, in double-double: the terms cancel to a small difference.
    fn cross(&self, u: Form, v: Form) -> Dd {
        let yy = Dd::prod(u.0, v.0).mul(Dd::new(self.yy, self.yy_lo));
        let yw = Dd::prod(u.0, v.1)
            .add(Dd::prod(u.1, v.0))
            .mul(Dd::new(self.yw, self.yw_lo));
        let ww = Dd::prod(u.1, v.1).mul(Dd::new(self.ww, self.ww_lo));
        yy.add(yw).add(ww)
    }

    fn total(&self, u: Form) -> Dd {
        Dd::prod(u.0, self.zy).add(Dd::prod(u.1, self.zw))
    }
}

/// One stratum present in a domain.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    /// `stratum` (wave N) for messages.
    pub label: String,
    pub design: StratumDesign,
    pub moments: Moments,
}

/// The stratum's contribution to cov(u, v), as `survey:::onestrat`: (1 - f) n/(n-1) times the centred
/// cross-products of PSU totals, where PSUs outside the domain count as zeros (subsetting keeps the design).
pub fn stratum_cov(stratum: &Stratum, u: Form, v: Form, lonely: LonelyPsu) -> Result<f64> {
    let n = stratum.design.psus;
    let f = stratum.design.population.map_or(1.0, |pop| (pop - n) / pop);
    // A self-representing stratum (every PSU sampled) adds no variance, lonely or not.
    if f < 1e-7 {
        return Ok(0.0);
    }
    let m = &stratum.moments;
    if n > 1.0 {
        let centred = m.cross(u, v).sub(m.total(u).mul(m.total(v)).div(n));
        return Ok(f * n / (n - 1.0) * centred.value());
    }
    match lonely {
        LonelyPsu::Adjust => Ok(f * m.cross(u, v).value()),
        LonelyPsu::Fail => Err(Error::Invalid(format!(
            "stratum {} has only one PSU, so its variance is not defined; pass --lonely-psu adjust \
             (R's options(survey.lonely.psu = \"adjust\")) or merge it with a neighbouring stratum",
            stratum.label
        ))),
    }
}

/// Linearised variance of the ratio Y/W over the strata of a domain (R's `svymean` of a 0/1 variable).
pub fn ratio_variance(strata: &[Stratum], lonely: LonelyPsu) -> Result<f64> {
    let w: f64 = strata.iter().map(|s| s.moments.w).sum();
    let y: f64 = strata.iter().map(|s| s.moments.y).sum();
    if w <= 0.0 {
        return Ok(0.0);
    }
    let form = (1.0 / w, -(y / w) / w);
    let (mut variance, mut magnitude) = (0.0, 0.0);
    for stratum in strata {
        variance += stratum_cov(stratum, form, form, lonely)?;
        let m = &stratum.moments;
        magnitude += form.0 * form.0 * m.yy + 2.0 * (form.0 * form.1).abs() * m.yw + form.1 * form.1 * m.ww;
    }
    // The sums of squares cancel when every PSU has the same share: what is left is rounding, and a
    // variance of rounding noise would turn "no variance" into an absurd effective sample size.
    // The moments are double-double (rounding near 1e-30 of `magnitude`), so a real variance far
    // below f64's reach (one weight 1e7 times the others) is kept.
    if variance <= 1e-24 * magnitude {
        return Ok(0.0);
    }
    Ok(variance)
}

/// Design effect as `svymean(..., deff = TRUE)`: against simple random sampling without replacement
/// of n from a population of W (the weight total). None where R gives NA or Inf (W <= n, n < 2, p in {0, 1}).
pub fn design_effect(share: f64, variance: f64, n: f64, weight_total: f64) -> Option<f64> {
    if n < 2.0 || weight_total <= n {
        return None;
    }
    let srs = share * (1.0 - share) * n / (n - 1.0) * (weight_total - n) / (weight_total * n);
    (srs > 0.0).then(|| variance / srs)
}

/// Turns an fpc column into population PSU counts per stratum, as R's `as.fpc`: values all at most 1
/// are sampling fractions, otherwise population sizes; it must be constant within a stratum and no
/// smaller than the sample.
pub fn population(label: &str, psus: f64, fpc: (f64, f64), fractions: bool) -> Result<f64> {
    let (low, high) = fpc;
    if low != high {
        return Err(Error::Invalid(format!(
            "the fpc is not constant within stratum {label} (from {low} to {high})"
        )));
    }
    let population = if fractions { psus / low } else { low };
    if population < psus {
        return Err(Error::Invalid(format!(
            "the fpc of stratum {label} ({low}) implies more than 100 % sampling of its {psus} PSUs"
        )));
    }
    Ok(population)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stratum(psus: f64, population: Option<f64>, totals: &[(f64, f64)]) -> Stratum {
        let mut m = Moments::default();
        for &(y, w) in totals {
            m.y += y;
            m.w += w;
            m.zy += y;
            m.zw += w;
            m.yy += y * y;
            m.yw += y * w;
            m.ww += w * w;
        }
        Stratum {
            label: "s".into(),
            design: StratumDesign { psus, population },
            moments: m,
        }
    }

    /// The textbook formula, written out over PSU totals, for comparison.
    /// (PSUs, population, PSU totals (Y_i, W_i)) per stratum.
    type Layout = [(f64, Option<f64>, Vec<(f64, f64)>)];

    fn by_hand(strata: &Layout) -> f64 {
        let w: f64 = strata.iter().flat_map(|s| s.2.iter().map(|t| t.1)).sum();
        let y: f64 = strata.iter().flat_map(|s| s.2.iter().map(|t| t.0)).sum();
        let p = y / w;
        let mut v = 0.0;
        for (n, pop, totals) in strata {
            let mut z: Vec<f64> = totals.iter().map(|(yi, wi)| (yi - p * wi) / w).collect();
            z.resize(*n as usize, 0.0);
            let mean = z.iter().sum::<f64>() / n;
            let f = pop.map_or(1.0, |pop| (pop - n) / pop);
            v += f * n / (n - 1.0) * z.iter().map(|zi| (zi - mean).powi(2)).sum::<f64>();
        }
        v
    }

    #[test]
    fn ratio_variance_matches_the_psu_total_formula() {
        let layout = vec![
            (3.0, None, vec![(2.0, 5.0), (1.0, 4.0), (3.5, 6.0)]),
            (4.0, Some(10.0), vec![(0.0, 2.0), (2.0, 2.5)]),
        ];
        let strata: Vec<Stratum> = layout.iter().map(|(n, pop, t)| stratum(*n, *pop, t)).collect();
        let got = ratio_variance(&strata, LonelyPsu::Fail).unwrap_or(f64::NAN);
        let want = by_hand(&layout);
        assert!(
            (got - want).abs() < 1e-15 * want.max(1.0) && want > 0.0,
            "{got} vs {want}"
        );
    }

    #[test]
    fn lonely_psu_fails_by_default_and_adjusts_on_request() {
        let strata = vec![
            stratum(1.0, None, &[(1.0, 3.0)]),
            stratum(2.0, None, &[(0.0, 1.0), (2.0, 2.0)]),
        ];
        let err = ratio_variance(&strata, LonelyPsu::Fail)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("only one PSU") && err.contains("--lonely-psu adjust"),
            "{err}"
        );
        // adjust: the lonely PSU's total is squared without centring.
        let (w, p): (f64, f64) = (6.0, 3.0 / 6.0);
        let z = (1.0 - p * 3.0) / w;
        let (z1, z2) = ((0.0 - p * 1.0) / w, (2.0 - p * 2.0) / w);
        let m = (z1 + z2) / 2.0;
        let rest = 2.0 * ((z1 - m).powi(2) + (z2 - m).powi(2));
        let got = ratio_variance(&strata, LonelyPsu::Adjust).unwrap_or(f64::NAN);
        assert!((got - (z * z + rest)).abs() < 1e-15, "{got}");
    }

    #[test]
    fn a_fully_sampled_stratum_adds_nothing() {
        let s = stratum(2.0, Some(2.0), &[(1.0, 2.0), (0.0, 3.0)]);
        assert_eq!(ratio_variance(&[s], LonelyPsu::Fail).unwrap_or(f64::NAN), 0.0);
    }

    #[test]
    fn fpc_as_fraction_or_population() {
        assert_eq!(population("a", 5.0, (0.25, 0.25), true).unwrap_or(0.0), 20.0);
        assert_eq!(population("a", 5.0, (40.0, 40.0), false).unwrap_or(0.0), 40.0);
        assert!(population("a", 5.0, (40.0, 41.0), false).is_err());
        assert!(population("a", 5.0, (4.0, 4.0), false).is_err());
    }

    #[test]
    fn design_effect_is_none_where_r_gives_na() {
        assert_eq!(design_effect(0.5, 0.01, 10.0, 10.0), None);
        assert_eq!(design_effect(0.0, 0.0, 10.0, 100.0), None);
        let d = design_effect(0.5, 0.01, 10.0, 100.0).unwrap_or(f64::NAN);
        let srs = 0.25 * 10.0 / 9.0 * 90.0 / 1000.0;
        assert!((d - 0.01 / srs).abs() < 1e-12);
        assert_eq!(LonelyPsu::from_str("Adjust"), Ok(LonelyPsu::Adjust));
        assert!(LonelyPsu::from_str("certainty").is_err());
    }
}
