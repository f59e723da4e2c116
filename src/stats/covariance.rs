//! The design covariance of many totals at once: the weighted counts Y_{d,c} of each category c in
//! each domain d (a segment of a wave, or a whole wave; domains of one wave or of several) and the
//! domain weights W_d. Shares
//! and their contrasts (segment differences) follow by the delta method, so a test between two
//! segments carries their covariance under the full design, as R's `svyby(..., covmat = TRUE)` and
//! `svycontrast` give it.
//!
//! Every total is linearised in its PSU totals (under calibration in the residuals of the
//! calibration regression, as `domains::calibrated`), and the covariance is R's `svyrecvar`:
//! per stratum (1 - f) n/(n-1) times the centred cross-products of the PSU totals.
//!
//! Independent waves have strata of their own (nested in the wave), so totals of two waves are
//! uncorrelated. With shared waves (a panel) a stratum and its PSUs span the waves: a PSU's totals
//! in two waves are one unit's, and their cross-products give the covariance of the waves'
//! estimates, as R's `svyby(~x, ~wave, design, svymean, covmat = TRUE)` has it.

use std::collections::{BTreeMap, BTreeSet};

use super::calibrate::Fit;
use super::design::{LonelyPsu, StratumDesign, Waves};
use super::domains::{Order, stratum_label};
use super::estimate::Kind;
use crate::error::{Error, Result};
use crate::tally::{Cell, Key, SELF_UNIT, Tally};

/// Point totals and their covariance for the domains and categories requested.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Each domain's wave and segment code (`None`: the whole wave).
    pub domains: Vec<(i32, Option<u32>)>,
    pub categories: usize,
    /// Y by domain and category, W by domain.
    pub y: Vec<Vec<f64>>,
    pub w: Vec<f64>,
    /// Covariance of the stacked totals (`index`).
    pub v: Vec<Vec<f64>>,
    /// The design degrees of freedom of the waves requested: PSUs with a respondent in the base
    /// in any of them minus their strata (R's `degf` of the subset, which counts the PSUs and
    /// strata with a weight left; the variance still counts every PSU of a stratum, as R's).
    pub df: f64,
}

impl Totals {
    /// Position of Y_{d,c} (or of W_d when `category` is None) in `v`.
    pub fn index(&self, domain: usize, category: Option<usize>) -> usize {
        domain * (self.categories + 1) + category.unwrap_or(self.categories)
    }

    /// The share of category c in domain d and its gradient in the totals (a sparse form).
    pub fn share(&self, d: usize, c: usize) -> (f64, [(usize, f64); 2]) {
        let w = self.w[d];
        if w <= 0.0 {
            return (0.0, [(0, 0.0), (0, 0.0)]);
        }
        let p = self.y[d][c] / w;
        (p, [(self.index(d, Some(c)), 1.0 / w), (self.index(d, None), -p / w)])
    }

    /// The whole-wave domain (domain 0) of each part, stacked in order. Independent waves have
    /// strata of their own, so the covariance of several waves' totals is block-diagonal: this is
    /// what `totals` gives for those waves together, to the bit, without walking the cells again.
    pub fn stack(parts: &[&Totals]) -> Totals {
        let categories = parts.first().map_or(0, |t| t.categories);
        let block = categories + 1;
        let size = parts.len() * block;
        let mut v = vec![vec![0.0; size]; size];
        for (p, part) in parts.iter().enumerate() {
            debug_assert_eq!(part.categories, categories);
            for (i, row) in part.v.iter().take(block).enumerate() {
                v[p * block + i][p * block..(p + 1) * block].copy_from_slice(&row[..block]);
            }
        }
        Totals {
            domains: parts.iter().map(|t| t.domains[0]).collect(),
            categories,
            y: parts.iter().map(|t| t.y[0].clone()).collect(),
            w: parts.iter().map(|t| t.w[0]).collect(),
            v,
            df: parts.iter().map(|t| t.df).sum(),
        }
    }

    /// a' V b for sparse forms.
    pub fn cov(&self, a: &[(usize, f64)], b: &[(usize, f64)]) -> f64 {
        a.iter()
            .map(|(i, x)| b.iter().map(|(j, y)| x * y * self.v[*i][*j]).sum::<f64>())
            .sum()
    }
}

/// What the totals are taken over.
pub struct Request<'a> {
    /// Each domain's wave and segment code; `None` is the whole wave.
    pub domains: &'a [(i32, Option<u32>)],
    /// Each category (and group) with the sets that count for it (`domains::categories`).
    pub categories: &'a [((Kind, String), Vec<bool>)],
    /// Per set: in the base of a share.
    pub in_base: &'a [bool],
    /// The calibration of each wave, when weighted to population margins.
    pub fits: Option<&'a BTreeMap<i32, Fit>>,
    pub design: &'a BTreeMap<(i32, String), StratumDesign>,
    pub lonely: LonelyPsu,
}

/// A study's cells in the order the covariance walks them, sorted once per study (every request
/// of the study then filters them): by wave, then stratum and PSU under independent waves; by
/// stratum, then PSU label, across waves under shared waves (a PSU's cells of every wave are one
/// unit's totals).
pub struct Cells<'t> {
    tally: &'t Tally,
    /// Each cell with the PSU it is grouped by (its code, or under shared waves its label's rank).
    cells: Vec<(Key, Cell, u32)>,
    shared: bool,
}

impl<'t> Cells<'t> {
    pub fn new(tally: &'t Tally, waves: Waves) -> Self {
        let order = Order::of(tally);
        let shared = waves == Waves::Shared;
        let labels = if shared { order.label_ranks(tally) } else { Vec::new() };
        let unit = |key: &Key| match shared {
            true => labels.get(key.unit as usize).copied().unwrap_or(u32::MAX),
            false => key.unit,
        };
        let mut cells: Vec<(Key, Cell, u32)> = tally.cells().map(|(key, cell)| (key, cell, unit(&key))).collect();
        match shared {
            true => cells.sort_unstable_by_key(|(key, _, unit)| (order.key(key).0, *unit, key.wave, order.key(key))),
            false => cells.sort_unstable_by_key(|(key, _, _)| (key.wave, order.key(key))),
        }
        Cells { tally, cells, shared }
    }
}

/// The totals of `request.domains` and their design covariance.
pub fn totals(prepared: &Cells, request: &Request) -> Result<Totals> {
    let (nd, nc) = (request.domains.len(), request.categories.len());
    let size = nd * (nc + 1);
    let tally = prepared.tally;
    let waves: BTreeSet<i32> = request.domains.iter().map(|(w, _)| *w).collect();
    let cells: Vec<&(Key, Cell, u32)> = prepared
        .cells
        .iter()
        .filter(|(k, _, _)| waves.contains(&k.wave))
        .collect();
    let shared = prepared.shared;
    let stats = Stats::new(tally, request, &cells);
    let mut totals = Totals {
        domains: request.domains.to_vec(),
        categories: nc,
        y: vec![vec![0.0; nc]; nd],
        w: vec![0.0; nd],
        v: vec![vec![0.0; size]; size],
        df: 0.0,
    };
    let mut value = vec![0.0; size];
    let mut factor = vec![0.0; size];
    let same_stratum =
        |a: &&(Key, Cell, u32), b: &&(Key, Cell, u32)| a.0.stratum == b.0.stratum && (shared || a.0.wave == b.0.wave);
    for stratum in cells.chunk_by(same_stratum) {
        let name = tally.strata.name(stratum[0].0.stratum).to_string();
        let Some(design) = request.design.get(&(stratum[0].0.wave, name.clone())).copied() else {
            continue;
        };
        let mut m = vec![vec![0.0; size]; size];
        let mut s = vec![0.0; size];
        let mut present = 0.0;
        for cells in stratum.chunk_by(|a, b| a.2 == b.2) {
            if cells[0].0.unit == SELF_UNIT {
                // Each respondent is a PSU: within a cell every respondent's value is the same
                // factor times its weight, so the products follow from the cell's Σw².
                for (key, cell, _) in cells.iter().copied() {
                    stats.factors(key, &mut factor);
                    let ww = cell.ww + cell.ww_lo;
                    add_outer(&mut m, &mut s, &factor, cell.w, ww);
                    stats.point(key, cell, &mut totals);
                    if request.in_base[key.set as usize] {
                        present += cell.n as f64;
                    }
                }
                continue;
            }
            // A PSU counts for the degrees of freedom when someone in it is in the base.
            if cells.iter().any(|(key, _, _)| request.in_base[key.set as usize]) {
                present += 1.0;
            }
            value.iter_mut().for_each(|v| *v = 0.0);
            for (key, cell, _) in cells.iter().copied() {
                stats.factors(key, &mut factor);
                for (v, f) in value.iter_mut().zip(&factor) {
                    *v += f * cell.w;
                }
                stats.point(key, cell, &mut totals);
            }
            add_outer(&mut m, &mut s, &value, 1.0, 1.0);
        }
        if present > 0.0 {
            totals.df += present - 1.0;
        }
        let n = design.psus;
        let f = design.population.map_or(1.0, |pop| (pop - n) / pop);
        if f < 1e-7 {
            continue;
        }
        let (scale, centre) = if n > 1.0 {
            (f * n / (n - 1.0), true)
        } else {
            match request.lonely {
                LonelyPsu::Adjust => (f, false),
                LonelyPsu::Fail => {
                    let label = match shared {
                        true => format!("`{name}` (shared by the waves)"),
                        false => stratum_label(&name, stratum[0].0.wave),
                    };
                    return Err(Error::Invalid(format!(
                        "stratum {label} has only one PSU, so its variance is not defined; pass --lonely-psu adjust"
                    )));
                }
            }
        };
        for i in 0..size {
            for j in 0..size {
                let centred = if centre { m[i][j] - s[i] * s[j] / n } else { m[i][j] };
                totals.v[i][j] += scale * centred;
            }
        }
    }
    Ok(totals)
}

/// Σ v v' · ww and Σ v · w into `m` and `s` (`v` a unit's values, or a cell's factors with its
/// Σw and Σw²).
fn add_outer(m: &mut [Vec<f64>], s: &mut [f64], v: &[f64], w: f64, ww: f64) {
    for (i, vi) in v.iter().enumerate() {
        if *vi == 0.0 {
            continue;
        }
        s[i] += vi * w;
        for (j, vj) in v.iter().enumerate() {
            m[i][j] += vi * vj * ww;
        }
    }
}

/// The linearisation of every total: a cell's respondent counts in total s with the factor
/// g_k (a_s - f_{s,k}), a_s its indicator, g and f the calibration's ratio and fitted values (1
/// and 0 without calibration).
struct Stats<'a> {
    request: &'a Request<'a>,
    /// Fitted values per total and calibration code (empty without calibration).
    fitted: Vec<Vec<f64>>,
}

impl<'a> Stats<'a> {
    fn new(tally: &Tally, request: &'a Request<'a>, cells: &[&(Key, Cell, u32)]) -> Self {
        let Some(fits) = request.fits else {
            return Stats {
                request,
                fitted: Vec::new(),
            };
        };
        let (nd, nc) = (request.domains.len(), request.categories.len());
        let cals = tally.cals.len();
        let mut by_cal = vec![vec![0.0; cals]; nd * (nc + 1)];
        for (key, cell, _) in cells.iter().copied() {
            for (d, domain) in request.domains.iter().enumerate() {
                if !member(request, key, *domain) {
                    continue;
                }
                by_cal[d * (nc + 1) + nc][key.cal as usize] += cell.w;
                for (c, (_, sets)) in request.categories.iter().enumerate() {
                    if sets[key.set as usize] {
                        by_cal[d * (nc + 1) + c][key.cal as usize] += cell.w;
                    }
                }
            }
        }
        // Each total is of one wave, and calibrated by that wave's fit.
        let fitted = by_cal
            .iter()
            .enumerate()
            .map(|(s, t)| {
                let wave = request.domains[s / (nc + 1)].0;
                fits.get(&wave).map_or_else(|| vec![0.0; cals], |fit| fit.fitted(t))
            })
            .collect();
        Stats { request, fitted }
    }

    fn g(&self, key: &Key) -> f64 {
        self.request
            .fits
            .and_then(|f| f.get(&key.wave))
            .map_or(1.0, |f| f.g[key.cal as usize])
    }

    /// The factor of every total for a respondent of `key`.
    fn factors(&self, key: &Key, out: &mut [f64]) {
        let nc = self.request.categories.len();
        let g = self.g(key);
        for (d, domain) in self.request.domains.iter().enumerate() {
            let inside = member(self.request, key, *domain);
            if key.wave != domain.0 {
                // Another wave's respondent is not in this wave's totals, nor in its calibration.
                out[d * (nc + 1)..(d + 1) * (nc + 1)].iter_mut().for_each(|f| *f = 0.0);
                continue;
            }
            for c in 0..=nc {
                let s = d * (nc + 1) + c;
                let named = inside && (c == nc || self.request.categories[c].1[key.set as usize]);
                let fitted = self.fitted.get(s).map_or(0.0, |f| f[key.cal as usize]);
                out[s] = g * (f64::from(u8::from(named)) - fitted);
            }
        }
    }

    /// Adds a cell to the point totals.
    fn point(&self, key: &Key, cell: &Cell, totals: &mut Totals) {
        let g = self.g(key);
        for (d, domain) in self.request.domains.iter().enumerate() {
            if !member(self.request, key, *domain) {
                continue;
            }
            totals.w[d] += g * cell.w;
            for (c, (_, sets)) in self.request.categories.iter().enumerate() {
                if sets[key.set as usize] {
                    totals.y[d][c] += g * cell.w;
                }
            }
        }
    }
}

/// In the base and in the domain (a segment of a wave, or the whole wave).
fn member(request: &Request, key: &Key, domain: (i32, Option<u32>)) -> bool {
    request.in_base[key.set as usize] && key.wave == domain.0 && domain.1.is_none_or(|s| key.segment == s)
}
