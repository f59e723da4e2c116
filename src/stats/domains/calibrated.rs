//! Domain sums of a study weighted to population margins (`stats::calibrate`).
//!
//! A respondent i in calibration cell k weighs g_k·w_i. Its influence on the share of category c in
//! domain d is g_k·w_i·e_i / Ŵ_d, e_i the residual of r_i = 1{i in d}(y_i - p) regressed on x with
//! the design weights (R's `svyrecvar` with a `greg_calibration`). The regression is linear in r, so
//! e_i = (a_i - c^y_k) - p (δ_i - c^d_k) with a_i = 1{in d, names c}, δ_i = 1{in d} and c^y, c^d the
//! fitted values of a and δ: a PSU's linearised totals are
//!
//! Y'_i = Σ_k g_k (A_ik - c^y_k B_ik),  W'_i = Σ_k g_k (D_ik - c^d_k B_ik),
//!
//! with A, D, B the design weight sums of the PSU's respondents in cell k who are in d and name c,
//! in d, and all of them. Respondents outside the domain have residuals too, so every stratum of
//! the wave carries variance to every domain of it.

use std::collections::{BTreeMap, BTreeSet};

use super::{CategorySums, Domain, DomainSums, Order, Request, StratumSums, StudySums, categories, full_design};
use crate::error::{Error, Result};
use crate::stats::calibrate::Fit;
use crate::stats::estimate::Kind;
use crate::tally::{Cell, Key, NO_SEGMENT, SELF_UNIT, Tally};

/// The domain sums `estimate` works from, for a study calibrated wave by wave (`fits`).
pub fn calibrated_sums(tally: &Tally, request: &Request, fits: &BTreeMap<i32, Fit>) -> Result<StudySums> {
    let mut sums = StudySums {
        design: full_design(tally, request.waves)?,
        calibrated: true,
        ..StudySums::default()
    };
    let categories = categories(tally, request);
    let in_base: Vec<bool> = (0..tally.sets.len() as u32)
        .map(|set| request.base_all || !tally.sets.name(set).is_empty())
        .collect();
    let order = Order::of(tally);
    let mut waves: BTreeMap<i32, Vec<(Key, Cell)>> = BTreeMap::new();
    for (key, cell) in tally.cells() {
        waves.entry(key.wave).or_default().push((key, cell));
    }
    for (wave, mut cells) in waves {
        cells.sort_unstable_by_key(|(key, _)| order.key(key));
        let fit = fits
            .get(&wave)
            .ok_or_else(|| Error::Invalid(format!("study `{}`: wave {wave} was not weighted", request.study)))?;
        let mut segments: BTreeSet<(String, u32)> = BTreeSet::new();
        if request.segments {
            segments.extend(
                cells
                    .iter()
                    .filter(|(k, _)| k.segment != NO_SEGMENT)
                    .map(|(k, _)| (tally.segments.name(k.segment).to_string(), k.segment)),
            );
        }
        let whole = std::iter::once((None, None));
        let parts = segments.into_iter().map(|(name, code)| (Some(name), Some(code)));
        for (name, code) in whole.chain(parts) {
            let member = |key: &Key| in_base[key.set as usize] && code.is_none_or(|c| key.segment == c);
            // A domain nobody in the base is in has no shares (as without calibration).
            if !cells.iter().any(|(k, _)| member(k)) {
                continue;
            }
            let domain = Domain { wave, segment: name };
            let d = Linearised::new(tally, &cells, &categories, fit, &member).sums(tally, &cells);
            sums.domains.insert(domain, d);
        }
    }
    Ok(sums)
}

/// One domain of a wave: its cells' membership and the fitted values of the regressions.
struct Linearised<'a, F: Fn(&Key) -> bool> {
    categories: &'a [((Kind, String), Vec<bool>)],
    g: &'a [f64],
    member: &'a F,
    /// c^d per calibration code.
    fitted_domain: Vec<f64>,
    /// c^y per category and calibration code.
    fitted: Vec<Vec<f64>>,
}

impl<'a, F: Fn(&Key) -> bool> Linearised<'a, F> {
    fn new(
        tally: &Tally,
        cells: &[(Key, Cell)],
        categories: &'a [((Kind, String), Vec<bool>)],
        fit: &'a Fit,
        member: &'a F,
    ) -> Self {
        let cals = tally.cals.len();
        let mut domain = vec![0.0; cals];
        let mut named = vec![vec![0.0; cals]; categories.len()];
        for (key, cell) in cells.iter().filter(|(k, _)| member(k)) {
            domain[key.cal as usize] += cell.w;
            for ((_, sets), totals) in categories.iter().zip(named.iter_mut()) {
                if sets[key.set as usize] {
                    totals[key.cal as usize] += cell.w;
                }
            }
        }
        Linearised {
            categories,
            g: &fit.g,
            member,
            fitted_domain: fit.fitted(&domain),
            fitted: named.iter().map(|t| fit.fitted(t)).collect(),
        }
    }

    /// Strata and category sums from the wave's cells (sorted by stratum, then PSU).
    fn sums(&self, tally: &Tally, cells: &[(Key, Cell)]) -> DomainSums {
        let mut out = DomainSums::default();
        for stratum in cells.chunk_by(|a, b| a.0.stratum == b.0.stratum) {
            let name = tally.strata.name(stratum[0].0.stratum).to_string();
            let (sums, by_category) = self.stratum(stratum);
            out.strata.insert(name.clone(), sums);
            for ((category, _), sums) in self.categories.iter().zip(by_category) {
                out.categories
                    .entry(category.clone())
                    .or_default()
                    .insert(name.clone(), sums);
            }
        }
        out
    }

    fn stratum(&self, cells: &[(Key, Cell)]) -> (StratumSums, Vec<CategorySums>) {
        let mut strata = StratumSums::default();
        let mut by_category = vec![CategorySums::default(); self.categories.len()];
        for unit in cells.chunk_by(|a, b| a.0.unit == b.0.unit) {
            if unit[0].0.unit == SELF_UNIT {
                // Every respondent is a PSU: within a cell the residual factor is one number, so
                // the squares follow from the cell's Σw².
                for (key, cell) in unit {
                    let ww = cell.ww + cell.ww_lo;
                    let inside = (self.member)(key);
                    let (k, g) = (key.cal as usize, self.g[key.cal as usize]);
                    let wd = g * (f64::from(u8::from(inside)) - self.fitted_domain[k]);
                    strata.zw += wd * cell.w;
                    strata.ww += wd * wd * ww;
                    if inside {
                        strata.w += g * cell.w;
                        strata.respondents += cell.n as f64;
                        strata.psus += cell.n as f64;
                    }
                    for (c, ((_, sets), sums)) in self.categories.iter().zip(by_category.iter_mut()).enumerate() {
                        let named = inside && sets[key.set as usize];
                        let yd = g * (f64::from(u8::from(named)) - self.fitted[c][k]);
                        sums.zy += yd * cell.w;
                        sums.yy += yd * yd * ww;
                        sums.yw += yd * wd * ww;
                        if named {
                            sums.y += g * cell.w;
                            sums.count += cell.n as f64;
                        }
                    }
                }
                continue;
            }
            let (mut w_lin, mut w, mut respondents) = (0.0, 0.0, 0u64);
            for (key, cell) in unit {
                let inside = (self.member)(key);
                let (k, g) = (key.cal as usize, self.g[key.cal as usize]);
                w_lin += g * (f64::from(u8::from(inside)) - self.fitted_domain[k]) * cell.w;
                if inside {
                    w += g * cell.w;
                    respondents += cell.n;
                }
            }
            strata.zw += w_lin;
            strata.ww += w_lin * w_lin;
            strata.w += w;
            strata.respondents += respondents as f64;
            strata.psus += f64::from(u8::from(respondents > 0));
            for (c, ((_, sets), sums)) in self.categories.iter().zip(by_category.iter_mut()).enumerate() {
                let (mut y_lin, mut y, mut count) = (0.0, 0.0, 0u64);
                for (key, cell) in unit {
                    let named = (self.member)(key) && sets[key.set as usize];
                    let (k, g) = (key.cal as usize, self.g[key.cal as usize]);
                    y_lin += g * (f64::from(u8::from(named)) - self.fitted[c][k]) * cell.w;
                    if named {
                        y += g * cell.w;
                        count += cell.n;
                    }
                }
                sums.zy += y_lin;
                sums.yy += y_lin * y_lin;
                sums.yw += y_lin * w_lin;
                sums.y += y;
                sums.count += count as f64;
            }
        }
        (strata, by_category)
    }
}
