//! Weighting to population margins: post-stratification, raking, linear (GREG) and bounded logit
//! calibration, each wave on its own, as R survey's `postStratify` and `calibrate` compute them.
//!
//! Calibration works on the tally's calibration cells (a respondent's levels of the weighting
//! variables): the auxiliary vector x of a respondent is a function of its cell, so the g-weight
//! g = 1 + F(x'λ) is one number per cell and the calibrated weight is g·w. The variance follows R's
//! calibration-adjusted linearisation (`svyrecvar` with a `greg_calibration`): each influence value
//! is replaced by g·w·e, e the residual of the domain's estimating variable regressed on x with the
//! design weights; `domains::calibrated_sums` turns that into the PSU moments `design` works from.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::tally::{NO_CAL, Tally, cal_levels};

/// How the weights are fitted to the targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// One variable's cells (or several crossed, `size:sector`): g = target / sample total per cell.
    Poststratify,
    /// Iterative proportional fitting over several margins (R's `calibrate(calfun = "raking")`).
    #[default]
    Rake,
    /// Linear calibration, GREG (R's `calfun = "linear"`): g can fall below zero, which is refused.
    Linear,
    /// Bounded logit calibration (R's `calfun = "logit"`): g stays within `--bounds LOW,HIGH`.
    Logit,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::Poststratify, Method::Rake, Method::Linear, Method::Logit];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Poststratify => "poststratify",
            Method::Rake => "rake",
            Method::Linear => "linear",
            Method::Logit => "logit",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Method::ALL.into_iter().find(|m| m.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
            format!("unknown calibration method `{s}`; valid methods: {}", names.join(", "))
        })
    }
}

/// One margin of the targets: a variable (or a crossing `a:b`) and its levels' targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    /// As the targets file writes it (`size`, or `size:sector`).
    pub variable: String,
    /// Positions of its columns in `Targets::columns`.
    pub columns: Vec<usize>,
    /// The wave these targets are for; `None` for every wave without targets of its own.
    pub wave: Option<i32>,
    /// Levels (crossed levels joined by `:`) with their targets, in the file's order, and the
    /// line each came from.
    pub levels: Vec<(String, f64, u64)>,
    /// Population counts rather than shares.
    pub counts: bool,
}

/// Population margins to weight each wave to.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// The targets file, for messages.
    pub source: String,
    /// The data columns the margins name, in the order a calibration cell lists their levels.
    pub columns: Vec<String>,
    pub margins: Vec<Margin>,
}

/// What to fit and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighting {
    pub targets: Targets,
    pub method: Method,
    /// Bounds on g = new weight / design weight (required by logit, optional otherwise).
    pub bounds: Option<(f64, f64)>,
    pub max_iter: usize,
    /// Convergence: every |target - achieved| / (1 + |target|) below this (R's `epsilon`).
    pub epsilon: f64,
}

/// Defaults as R's `calibrate`, with a tighter tolerance (Newton steps are cheap on cells).
pub const DEFAULT_MAX_ITER: usize = 50;
pub const DEFAULT_EPSILON: f64 = 1e-10;

impl Weighting {
    pub fn new(targets: Targets, method: Method) -> Weighting {
        Weighting {
            targets,
            method,
            bounds: None,
            max_iter: DEFAULT_MAX_ITER,
            epsilon: DEFAULT_EPSILON,
        }
    }

    /// The settings that cannot work whatever the data: refused before anything is read. The
    /// reason is the caller's to place (a flag, or the config's `[weighting]`).
    pub fn check(&self) -> std::result::Result<(), String> {
        let bad = |reason: String| Err(reason);
        if self.method == Method::Poststratify {
            let variables: std::collections::BTreeSet<&str> =
                self.targets.margins.iter().map(|m| m.variable.as_str()).collect();
            if variables.len() != 1 {
                return bad(format!(
                    "poststratify weights to one variable's cells ({} given: {}); cross them as `a:b` \
                     in one variable, or use --calibration rake for several margins",
                    variables.len(),
                    variables.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        match (self.method, self.bounds) {
            (Method::Logit, None) => {
                return bad("logit calibration needs bounds on the weight ratio: --bounds LOW,HIGH \
                            (bounds = [LOW, HIGH] under [weighting]), e.g. 0.3,3"
                    .to_string());
            }
            (Method::Poststratify, Some(_)) => {
                return bad("poststratify takes no bounds (its ratios are fixed by the cells); \
                            use --calibration logit to bound them"
                    .to_string());
            }
            (_, Some((low, high))) if !((0.0..1.0).contains(&low) && high.is_finite() && high > 1.0) => {
                return bad(format!(
                    "bounds {low},{high} must hold 1 inside them: 0 <= LOW < 1 < HIGH"
                ));
            }
            _ => {}
        }
        if self.max_iter == 0 || !(self.epsilon > 0.0 && self.epsilon < 1.0) {
            return bad(format!(
                "max_iter {} must be at least 1 and epsilon {} in (0, 1)",
                self.max_iter, self.epsilon
            ));
        }
        Ok(())
    }
}

/// What the weights did in one wave: the `weighting` object of the JSON outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaveReport {
    pub study: String,
    pub wave: i32,
    pub method: Method,
    pub iterations: usize,
    pub converged: bool,
    /// Smallest, largest and total calibrated weight over the wave's respondents.
    pub min: f64,
    pub max: f64,
    pub sum: f64,
    /// Kish's effective sample size (Σw)²/Σw² and its ratio to the respondents.
    pub kish_n_effective: f64,
    pub kish_efficiency: f64,
    pub respondents: u64,
    /// Smallest and largest g = calibrated weight / design weight.
    pub ratio_min: f64,
    pub ratio_max: f64,
    pub margins: Vec<MarginReport>,
    pub warnings: Vec<String>,
}

/// One level of one margin: the target and what the calibrated weights give, as shares and totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginReport {
    pub variable: String,
    pub level: String,
    pub target: f64,
    pub achieved: f64,
    pub target_total: f64,
    pub achieved_total: f64,
}

/// Efficiency below this, or a ratio g above `RATIO_WARNING` (or below its inverse), is warned about.
pub const EFFICIENCY_WARNING: f64 = 0.5;
pub const RATIO_WARNING: f64 = 10.0;

/// One wave's fitted calibration: g per calibration cell, and the regression the variance needs.
#[derive(Debug, Clone)]
pub struct Fit {
    /// g by calibration code (1 for codes not in the wave).
    pub g: Vec<f64>,
    /// The auxiliary vector x of each calibration code (empty for codes not in the wave).
    x: Vec<Vec<f64>>,
    /// (Σ_k B_k x_k x_k')⁻¹ with B_k the design weight total of cell k.
    inverse: Vec<Vec<f64>>,
    pub report: WaveReport,
}

impl Fit {
    /// The fitted values x_k'β of the design-weighted regression of a variable on x, given the
    /// variable's design-weighted totals per calibration cell (`totals[k] = Σ_{i in k} w_i r_i`).
    pub fn fitted(&self, totals: &[f64]) -> Vec<f64> {
        let p = self.inverse.len();
        let mut xr = vec![0.0; p];
        for (x, r) in self.x.iter().zip(totals) {
            for (j, xj) in x.iter().enumerate() {
                xr[j] += xj * r;
            }
        }
        let beta: Vec<f64> = self
            .inverse
            .iter()
            .map(|row| row.iter().zip(&xr).map(|(a, b)| a * b).sum())
            .collect();
        self.x
            .iter()
            .map(|x| x.iter().zip(&beta).map(|(a, b)| a * b).sum())
            .collect()
    }
}

/// Calibrates every wave of a study's tally to the targets.
pub fn fit(study: &str, tally: &Tally, weighting: &Weighting) -> Result<BTreeMap<i32, Fit>> {
    let cals = tally.cals.len();
    // Design weight totals, Σw² and respondents per wave and calibration cell, over every
    // respondent accepted (answered or not: the sample is weighted, the question's base is a domain).
    let mut cells: BTreeMap<i32, Vec<(f64, f64, u64)>> = BTreeMap::new();
    for (key, cell) in tally.cells() {
        if key.cal == NO_CAL {
            return Err(Error::Invalid(format!(
                "study `{study}`: respondents without weighting variables in a weighted study \
                 (every input of a study needs the columns of {})",
                weighting.targets.source
            )));
        }
        let wave = cells.entry(key.wave).or_insert_with(|| vec![(0.0, 0.0, 0); cals]);
        let slot = &mut wave[key.cal as usize];
        slot.0 += cell.w;
        slot.1 += cell.ww + cell.ww_lo;
        slot.2 += cell.n;
    }
    if let Some(m) = weighting
        .targets
        .margins
        .iter()
        .find(|m| m.wave.is_some_and(|w| !cells.contains_key(&w)))
    {
        let (wave, line) = (m.wave.unwrap_or_default(), m.levels.first().map_or(1, |l| l.2));
        return Err(Error::Invalid(format!(
            "{}: line {line}: targets for wave {wave}, which study `{study}` does not have (its waves: {})",
            weighting.targets.source,
            cells.keys().map(|w| w.to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut fits = BTreeMap::new();
    for (wave, totals) in cells {
        let fit = Wave {
            study,
            wave,
            tally,
            weighting,
            totals: &totals,
        }
        .fit()?;
        fits.insert(wave, fit);
    }
    Ok(fits)
}

/// One wave being calibrated.
struct Wave<'a> {
    study: &'a str,
    wave: i32,
    tally: &'a Tally,
    weighting: &'a Weighting,
    /// (Σw, Σw², n) per calibration code.
    totals: &'a [(f64, f64, u64)],
}

/// A margin as used in one wave: each level's target total and each cell's level index.
struct Used<'a> {
    margin: &'a Margin,
    /// The levels that constrain the weights (level, target, line).
    levels: Vec<(String, f64, u64)>,
    totals: Vec<f64>,
    level_of: Vec<Option<usize>>,
}

impl Wave<'_> {
    fn source(&self) -> &str {
        &self.weighting.targets.source
    }

    fn error(&self, reason: String) -> Error {
        Error::Invalid(format!("{}: {reason}", self.source()))
    }

    fn fit(&self) -> Result<Fit> {
        let present: Vec<usize> = (0..self.totals.len()).filter(|k| self.totals[*k].2 > 0).collect();
        let margins = self.margins()?;
        let population: f64 = self.population(&margins)?;
        // x: intercept, then one column per level but each margin's first (R's treatment contrasts).
        let p = 1 + margins.iter().map(|m| m.totals.len() - 1).sum::<usize>();
        let mut x = vec![Vec::new(); self.totals.len()];
        for &k in &present {
            let mut row = vec![0.0; p];
            row[0] = 1.0;
            let mut at = 1;
            for m in &margins {
                if let Some(level) = m.level_of[k]
                    && level > 0
                {
                    row[at + level - 1] = 1.0;
                }
                at += m.totals.len() - 1;
            }
            x[k] = row;
        }
        let mut target = vec![0.0; p];
        target[0] = population;
        let mut at = 1;
        for m in &margins {
            target[at..at + m.totals.len() - 1].copy_from_slice(&m.totals[1..]);
            at += m.totals.len() - 1;
        }
        let b: Vec<f64> = self.totals.iter().map(|t| t.0).collect();
        let (g, iterations, converged) = match self.weighting.method {
            Method::Poststratify => (self.poststratify(&margins[0], &b), 1, true),
            method => self.newton(method, &present, &x, &b, &target)?,
        };
        let cross = weighted_cross(&present, &x, &b, p);
        let inverse = invert(&cross)
            .ok_or_else(|| self.error(format!("the margins of wave {} are collinear in the sample", self.wave)))?;
        let report = self.report(&margins, &g, iterations, converged)?;
        let mut g_all = vec![1.0; self.totals.len()];
        for &k in &present {
            g_all[k] = g[k];
        }
        Ok(Fit {
            g: g_all,
            x,
            inverse,
            report,
        })
    }

    /// The margins for this wave (its own targets where given, else those for every wave),
    /// with every cell's level checked against them.
    fn margins(&self) -> Result<Vec<Used<'_>>> {
        let all = &self.weighting.targets.margins;
        let mut used: Vec<Used> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for margin in all {
            if seen.contains(&margin.variable.as_str()) {
                continue;
            }
            let own = all
                .iter()
                .find(|m| m.variable == margin.variable && m.wave == Some(self.wave));
            let any = all.iter().find(|m| m.variable == margin.variable && m.wave.is_none());
            let Some(chosen) = own.or(any) else {
                return Err(self.error(format!(
                    "no targets for `{}` in wave {} (the file gives them for other waves only)",
                    margin.variable, self.wave
                )));
            };
            seen.push(&margin.variable);
            used.push(self.used(chosen)?);
        }
        Ok(used)
    }

    fn used<'m>(&self, margin: &'m Margin) -> Result<Used<'m>> {
        let mut level_of = vec![None; self.totals.len()];
        let mut sample = vec![0.0; margin.levels.len()];
        for (k, total) in self.totals.iter().enumerate() {
            if total.2 == 0 {
                continue;
            }
            let levels = cal_levels(self.tally.cals.name(k as u32));
            let level: Vec<&str> = margin
                .columns
                .iter()
                .map(|c| levels.get(*c).copied().unwrap_or(""))
                .collect();
            let level = level.join(":");
            let Some(at) = margin.levels.iter().position(|(l, _, _)| *l == level) else {
                let known: Vec<&str> = margin.levels.iter().map(|(l, _, _)| l.as_str()).collect();
                return Err(self.error(format!(
                    "`{}` = `{level}` (wave {}, {} respondents) has no target; the targets name {}",
                    margin.variable,
                    self.wave,
                    total.2,
                    known.join(", ")
                )));
            };
            level_of[k] = Some(at);
            sample[at] += total.0;
        }
        for ((level, target, line), sample) in margin.levels.iter().zip(&sample) {
            if *sample <= 0.0 && *target > 0.0 {
                return Err(self.error(format!(
                    "line {line}: no respondents in `{}` = `{level}` in wave {} (target {target}): \
                     the cell cannot be weighted up; merge it with a neighbour",
                    margin.variable, self.wave
                )));
            }
            if *sample > 0.0 && *target == 0.0 {
                return Err(self.error(format!(
                    "line {line}: `{}` = `{level}` has respondents in wave {} but a target of 0",
                    margin.variable, self.wave
                )));
            }
        }
        // A level with a target of 0 and no respondents constrains nothing (R drops it too).
        let kept: Vec<usize> = (0..margin.levels.len())
            .filter(|&i| !(margin.levels[i].1 == 0.0 && sample[i] <= 0.0))
            .collect();
        let level_of = level_of
            .into_iter()
            .map(|l| l.and_then(|l| kept.iter().position(|&k| k == l)))
            .collect();
        // Shares are scaled to the wave's design weight total; counts are totals already.
        let scale = if margin.counts {
            1.0
        } else {
            self.totals.iter().map(|t| t.0).sum()
        };
        Ok(Used {
            margin,
            levels: kept.iter().map(|&i| margin.levels[i].clone()).collect(),
            totals: kept.iter().map(|&i| margin.levels[i].1 * scale).collect(),
            level_of,
        })
    }

    /// The population total: the wave's design weight total (targets as shares) or the counts,
    /// which must agree across margins.
    fn population(&self, margins: &[Used]) -> Result<f64> {
        let mut counted: Option<(f64, &str)> = None;
        for m in margins {
            let total: f64 = m.totals.iter().sum();
            match counted {
                Some((first, name)) if (total - first).abs() > 1e-9 * first.abs().max(1.0) => {
                    return Err(self.error(format!(
                        "the counts of `{}` sum to {total} but those of `{name}` to {first} in wave {}",
                        m.margin.variable, self.wave
                    )));
                }
                None => counted = Some((total, &m.margin.variable)),
                _ => {}
            }
        }
        Ok(counted.map_or(0.0, |(total, _)| total))
    }

    fn poststratify(&self, margin: &Used, b: &[f64]) -> Vec<f64> {
        let mut sample = vec![0.0; margin.totals.len()];
        for (k, level) in margin.level_of.iter().enumerate() {
            if let Some(level) = level {
                sample[*level] += b[k];
            }
        }
        margin
            .level_of
            .iter()
            .map(|level| level.map_or(1.0, |l| margin.totals[l] / sample[l]))
            .collect()
    }

    /// Newton's method on the calibration equations Σ_k B_k g_k x_k = target, as R's `grake`.
    fn newton(
        &self,
        method: Method,
        present: &[usize],
        x: &[Vec<f64>],
        b: &[f64],
        target: &[f64],
    ) -> Result<(Vec<f64>, usize, bool)> {
        let calfun = Calfun {
            method,
            bounds: self.weighting.bounds,
        };
        let newton = Newton {
            calfun: &calfun,
            present,
            x,
            b,
            target,
        };
        let mut eta = vec![0.0; target.len()];
        let mut iterations = 0;
        loop {
            iterations += 1;
            let Some((next, mut worst)) = newton.step(&eta) else {
                return Err(self.error(match self.weighting.bounds {
                    Some((low, high)) => format!(
                        "{method} calibration of wave {}: every respondent of a level is held at a bound, so no \
                         weights within them meet the targets: the bounds {low},{high} may be too narrow; widen them",
                        self.wave
                    ),
                    None => format!(
                        "the margins of wave {} are redundant or collinear (the same variable twice, or a crossing \
                         beside one of its own margins): drop the repeated margin",
                        self.wave
                    ),
                }));
            };
            eta = next;
            if worst < self.weighting.epsilon {
                // Newton's steps converge quadratically: a step or two more reach rounding level.
                for _ in 0..2 {
                    match newton.step(&eta) {
                        Some((next, better)) if better < worst => (eta, worst) = (next, better),
                        _ => break,
                    }
                }
                let g: Vec<f64> = (0..x.len())
                    .map(|k| {
                        if x[k].is_empty() {
                            1.0
                        } else {
                            calfun.g(newton.u(k, &eta))
                        }
                    })
                    .collect();
                return self.checked(method, g, iterations);
            }
            if iterations >= self.weighting.max_iter || !worst.is_finite() {
                let hint = match self.weighting.bounds {
                    Some((low, high)) => {
                        format!("; the bounds {low},{high} may be too narrow for these targets: widen them")
                    }
                    None => "; raise max_iter (under [weighting]) or check the targets".to_string(),
                };
                return Err(self.error(format!(
                    "{method} calibration of wave {} did not converge in {iterations} iterations: \
                     the worst margin is still off by {worst:.3e} of its target{hint}",
                    self.wave
                )));
            }
        }
    }

    /// g must be a positive, finite ratio: linear calibration can give zero or negative weights.
    fn checked(&self, method: Method, g: Vec<f64>, iterations: usize) -> Result<(Vec<f64>, usize, bool)> {
        if let Some((k, bad)) = g.iter().enumerate().find(|(_, g)| !(g.is_finite() && **g > 0.0)) {
            let cell = cal_levels(self.tally.cals.name(k as u32)).join(", ");
            return Err(self.error(format!(
                "{method} calibration of wave {} gives the cell ({cell}) a weight ratio of {bad:.4}: \
                 weights at or below zero; use --calibration logit --bounds LOW,HIGH or rake",
                self.wave
            )));
        }
        Ok((g, iterations, true))
    }

    fn report(&self, margins: &[Used], g: &[f64], iterations: usize, converged: bool) -> Result<WaveReport> {
        let (mut sum, mut squares, mut n) = (0.0, 0.0, 0u64);
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut ratio_min, mut ratio_max) = (f64::INFINITY, f64::NEG_INFINITY);
        for (k, t) in self.totals.iter().enumerate() {
            if t.2 == 0 {
                continue;
            }
            sum += g[k] * t.0;
            squares += g[k] * g[k] * t.1;
            n += t.2;
            if let Some((low, high)) = self.tally.weight_range(self.wave, k as u32) {
                min = min.min(g[k] * low);
                max = max.max(g[k] * high);
            }
            ratio_min = ratio_min.min(g[k]);
            ratio_max = ratio_max.max(g[k]);
        }
        let kish = if squares > 0.0 { sum * sum / squares } else { 0.0 };
        let efficiency = if n > 0 { kish / n as f64 } else { 0.0 };
        let mut out = Vec::new();
        for m in margins {
            let target_sum: f64 = m.totals.iter().sum::<f64>();
            let mut achieved = vec![0.0; m.totals.len()];
            for (k, level) in m.level_of.iter().enumerate() {
                if let Some(level) = level {
                    achieved[*level] += g[k] * self.totals[k].0;
                }
            }
            for ((level, _, _), (target_total, got)) in m.levels.iter().zip(m.totals.iter().zip(&achieved)) {
                let target_total = *target_total;
                out.push(MarginReport {
                    variable: m.margin.variable.clone(),
                    level: level.clone(),
                    target: target_total / target_sum,
                    achieved: got / sum,
                    target_total,
                    achieved_total: *got,
                });
            }
        }
        let mut warnings = Vec::new();
        if efficiency < EFFICIENCY_WARNING {
            warnings.push(format!(
                "wave {}: the weights keep {:.0} % of the sample's information (Kish efficiency {efficiency:.2}, \
                 effective n {kish:.0} of {n}): the targets are far from the sample",
                self.wave,
                efficiency * 100.0
            ));
        }
        if ratio_max > RATIO_WARNING || ratio_min < 1.0 / RATIO_WARNING {
            warnings.push(format!(
                "wave {}: weighting multiplies some design weights by {ratio_min:.2} to {ratio_max:.2} \
                 (beyond 1/{RATIO_WARNING} to {RATIO_WARNING}): a few respondents stand for many; \
                 consider --calibration logit with --bounds",
                self.wave
            ));
        }
        if !(sum.is_finite() && kish.is_finite()) {
            return Err(self.error(format!("the calibrated weights of wave {} are not finite", self.wave)));
        }
        Ok(WaveReport {
            study: self.study.to_string(),
            wave: self.wave,
            method: self.weighting.method,
            iterations,
            converged,
            min,
            max,
            sum,
            kish_n_effective: kish,
            kish_efficiency: efficiency,
            respondents: n,
            ratio_min,
            ratio_max,
            margins: out,
            warnings,
        })
    }
}

/// The calibration equations Σ_k B_k g_k x_k = target of one wave, solved for η (g = 1 + F(x'η)).
struct Newton<'a> {
    calfun: &'a Calfun,
    present: &'a [usize],
    x: &'a [Vec<f64>],
    b: &'a [f64],
    target: &'a [f64],
}

impl Newton<'_> {
    fn u(&self, k: usize, eta: &[f64]) -> f64 {
        self.x[k].iter().zip(eta).map(|(a, e)| a * e).sum()
    }

    /// One step from η, as R's `grake`, and the worst |misfit| / (1 + |target|) after it; None
    /// when the equations are singular there (margins that repeat each other).
    fn step(&self, eta: &[f64]) -> Option<(Vec<f64>, f64)> {
        let (x, b, p) = (self.x, self.b, self.target.len());
        let mut t = vec![vec![0.0; p]; p];
        for &k in self.present {
            let d = self.calfun.derivative(self.u(k, eta));
            for i in 0..p {
                for j in 0..p {
                    t[i][j] += b[k] * d * x[k][i] * x[k][j];
                }
            }
        }
        let mut misfit = vec![0.0; p];
        achieved_misfit(&mut misfit, self.present, x, b, self.target, |k| {
            self.calfun.g(self.u(k, eta))
        });
        let step = solve(&t, &misfit)?;
        let mut next: Vec<f64> = eta.iter().zip(&step).map(|(e, s)| e + s).collect();
        // Halve a step that leaves the function's domain (R's step halving).
        let mut halvings = 0;
        while self.present.iter().any(|&k| {
            let v = self.u(k, &next);
            !(self.calfun.g(v).is_finite() && self.calfun.derivative(v).is_finite())
        }) && halvings < 60
        {
            halvings += 1;
            for (n, (e, s)) in next.iter_mut().zip(eta.iter().zip(&step)) {
                *n = e + s / f64::powi(2.0, halvings);
            }
        }
        achieved_misfit(&mut misfit, self.present, x, b, self.target, |k| {
            self.calfun.g(self.u(k, &next))
        });
        let worst = misfit
            .iter()
            .zip(self.target)
            .map(|(m, t)| m.abs() / (1.0 + t.abs()))
            .fold(0.0, f64::max);
        Some((next, worst))
    }
}

/// `target - Σ_k B_k g_k x_k` into `misfit`.
fn achieved_misfit(
    misfit: &mut [f64],
    present: &[usize],
    x: &[Vec<f64>],
    b: &[f64],
    target: &[f64],
    g: impl Fn(usize) -> f64,
) {
    misfit.copy_from_slice(target);
    for &k in present {
        let gk = g(k);
        for (m, xj) in misfit.iter_mut().zip(&x[k]) {
            *m -= b[k] * gk * xj;
        }
    }
}

/// Σ_k B_k x_k x_k'.
fn weighted_cross(present: &[usize], x: &[Vec<f64>], b: &[f64], p: usize) -> Vec<Vec<f64>> {
    let mut m = vec![vec![0.0; p]; p];
    for &k in present {
        for i in 0..p {
            for j in 0..p {
                m[i][j] += b[k] * x[k][i] * x[k][j];
            }
        }
    }
    m
}

/// The calibration functions of R survey: g = 1 + F(u) and dF/du, with optional bounds on g.
struct Calfun {
    method: Method,
    bounds: Option<(f64, f64)>,
}

impl Calfun {
    fn g(&self, u: f64) -> f64 {
        let (low, high) = self.bounds.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        match self.method {
            Method::Linear | Method::Poststratify => (1.0 + u).clamp(low, high),
            Method::Rake => u.exp().clamp(low, high),
            Method::Logit => {
                let a = (high - low) / ((high - 1.0) * (1.0 - low));
                let e = (a * u).exp();
                if e.is_infinite() {
                    return high;
                }
                (low * (high - 1.0) + high * (1.0 - low) * e) / (high - 1.0 + (1.0 - low) * e)
            }
        }
    }

    fn derivative(&self, u: f64) -> f64 {
        let (low, high) = self.bounds.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let inside = u < high - 1.0 && u > low - 1.0;
        match self.method {
            Method::Linear | Method::Poststratify => f64::from(u8::from(inside)),
            // Raking's bounds hold g = exp(u) itself (R's `cal.raking` tests u against them as if
            // g were 1 + u, which fails any fit needing a ratio below e^-1 whatever the bound).
            Method::Rake => {
                let g = u.exp();
                if g > low && g < high { g } else { 0.0 }
            }
            Method::Logit => {
                let a = (high - low) / ((high - 1.0) * (1.0 - low));
                let e = (a * u).exp();
                if e.is_infinite() {
                    return 0.0;
                }
                let d = high - 1.0 + (1.0 - low) * e;
                high * (1.0 - low) * e * a / d
                    - (low * (high - 1.0) + high * (1.0 - low) * e) * ((1.0 - low) * e * a) / (d * d)
            }
        }
    }
}

/// The inverse of a small symmetric positive definite matrix by Gauss-Jordan with partial
/// pivoting; `None` when it is singular.
#[allow(clippy::needless_range_loop)] // row operations read clearest by index
pub fn invert(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = m.len();
    let scale = m.iter().flatten().fold(0.0f64, |a, b| a.max(b.abs()));
    let mut a: Vec<Vec<f64>> = m
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..p).map(|j| f64::from(u8::from(i == j))));
            r
        })
        .collect();
    for col in 0..p {
        let pivot = (col..p).max_by(|x, y| a[*x][col].abs().total_cmp(&a[*y][col].abs()))?;
        if a[pivot][col].abs() <= 1e-13 * scale.max(f64::MIN_POSITIVE) {
            return None;
        }
        a.swap(col, pivot);
        let lead = a[col][col];
        for v in a[col].iter_mut() {
            *v /= lead;
        }
        for row in 0..p {
            if row != col {
                let factor = a[row][col];
                if factor != 0.0 {
                    for j in 0..2 * p {
                        a[row][j] -= factor * a[col][j];
                    }
                }
            }
        }
    }
    Some(a.into_iter().map(|r| r[p..].to_vec()).collect())
}

/// T⁻¹ m; None when T is singular.
fn solve(t: &[Vec<f64>], m: &[f64]) -> Option<Vec<f64>> {
    let inv = invert(t)?;
    Some(
        inv.iter()
            .map(|row| row.iter().zip(m).map(|(a, b)| a * b).sum())
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::type_complexity, clippy::needless_range_loop)]
mod tests {
    use super::*;

    #[test]
    fn calibration_functions_are_r_surveys() {
        let rake = Calfun {
            method: Method::Rake,
            bounds: None,
        };
        assert_eq!(rake.g(0.0), 1.0);
        assert!((rake.g(0.5) - 0.5f64.exp()).abs() < 1e-15);
        let logit = Calfun {
            method: Method::Logit,
            bounds: Some((0.5, 2.0)),
        };
        // g(0) = 1, and g stays in (L, U) far out.
        assert!((logit.g(0.0) - 1.0).abs() < 1e-15);
        assert!(logit.g(50.0) <= 2.0 && logit.g(50.0) > 1.99);
        assert!(logit.g(-50.0) >= 0.5 && logit.g(-50.0) < 0.51);
        // The derivative is the slope of g (central difference).
        for u in [-0.7, -0.1, 0.0, 0.3, 1.2] {
            let h = 1e-6;
            let slope = (logit.g(u + h) - logit.g(u - h)) / (2.0 * h);
            assert!(
                (slope - logit.derivative(u)).abs() < 1e-7,
                "{u}: {slope} vs {}",
                logit.derivative(u)
            );
        }
    }

    fn tally(people: &[(&str, f64)]) -> Tally {
        let mut tally = Tally::default();
        for (cell, weight) in people {
            tally.add_respondent(&crate::tally::Respondent {
                wave: 2024,
                segment: None,
                stratum: None,
                psu: None,
                set: &["pr"],
                weight: *weight,
                fpc: None,
                calibration: Some(cell),
            });
        }
        tally
    }

    fn targets(margins: &[(&str, Vec<usize>, &[(&str, f64)])], columns: &[&str]) -> Targets {
        Targets {
            source: "t.csv".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            margins: margins
                .iter()
                .map(|(name, cols, levels)| Margin {
                    variable: name.to_string(),
                    columns: cols.clone(),
                    wave: None,
                    levels: levels.iter().map(|(l, t)| (l.to_string(), *t, 2)).collect(),
                    counts: false,
                })
                .collect(),
        }
    }

    #[test]
    fn poststratification_by_hand() {
        // small: weights 1, 1, 2 (B = 4); large: 1 (B = 1); N = 5, half each: g = 2.5/4 and 2.5/1.
        let t = tally(&[("small", 1.0), ("small", 1.0), ("small", 2.0), ("large", 1.0)]);
        let size = targets(&[("size", vec![0], &[("small", 0.5), ("large", 0.5)])], &["size"]);
        for method in [Method::Poststratify, Method::Rake, Method::Linear] {
            let fits = fit("s", &t, &Weighting::new(size.clone(), method)).unwrap_or_default();
            let f = &fits[&2024];
            let g = |name: &str| f.g[t.cals.index(name).unwrap_or(0) as usize];
            assert!((g("small") - 0.625).abs() < 1e-12, "{method}: {}", g("small"));
            assert!((g("large") - 2.5).abs() < 1e-12, "{method}: {}", g("large"));
            let r = &f.report;
            // Kish: (Σw)² / Σw² = 25 / (0.625² (1 + 1 + 4) + 2.5²).
            let kish = 25.0 / (0.625f64.powi(2) * 6.0 + 6.25);
            assert!((r.kish_n_effective - kish).abs() < 1e-12 && (r.kish_efficiency - kish / 4.0).abs() < 1e-12);
            assert_eq!((r.min, r.max, r.sum), (0.625, 2.5, 5.0));
        }
    }

    #[test]
    fn linear_weights_below_zero_are_refused_where_raking_holds() {
        // Four crossed cells of two margins, the sample far from the targets of b.
        let people: Vec<(&str, f64)> = [
            ("a1\u{1f}b1", 10.0),
            ("a1\u{1f}b2", 1.0),
            ("a2\u{1f}b1", 1.0),
            ("a2\u{1f}b2", 10.0),
        ]
        .into_iter()
        .collect();
        let t = tally(&people);
        let margins = targets(
            &[
                ("a", vec![0], &[("a1", 0.5), ("a2", 0.5)]),
                ("b", vec![1], &[("b1", 0.97), ("b2", 0.03)]),
            ],
            &["a", "b"],
        );
        let linear = fit("s", &t, &Weighting::new(margins.clone(), Method::Linear))
            .err()
            .map(|e| e.to_string());
        assert!(
            linear
                .as_deref()
                .is_some_and(|e| e.contains("at or below zero") && e.starts_with("t.csv")),
            "{linear:?}"
        );
        let rake = fit("s", &t, &Weighting::new(margins, Method::Rake)).unwrap_or_default();
        assert!(rake[&2024].g.iter().all(|g| *g > 0.0));
    }

    #[test]
    fn inverse_of_a_small_matrix() {
        let m = vec![vec![4.0, 1.0, 0.5], vec![1.0, 3.0, 0.2], vec![0.5, 0.2, 2.0]];
        let inv = invert(&m).unwrap_or_default();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| m[i][k] * inv[k][j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-14);
            }
        }
        assert!(invert(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }
}
