//! Domain sums for the estimates: a study's tally (`crate::tally`) reduced to a few numbers per
//! wave (and segment), stratum and category, from which `design` computes variances. Every input
//! format and file size arrives here as a tally, so each statistic is computed in one place.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::design::{StratumDesign, Waves, population};
use super::estimate::Kind;
use super::group::Group;
use crate::dd::Dd;
use crate::error::Result;
use crate::tally::{Cell, Key, NO_SEGMENT, Names, SELF_UNIT, Tally};

/// Sums over the PSUs of one stratum within a domain: weights W_i and their squares, respondents, PSUs present.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StratumSums {
    pub w: f64,
    /// Σ of the linearised W_i (`w` itself, unless calibrated: `calibrated`).
    pub zw: f64,
    /// Σ W_i², with `ww_lo` what f64 rounds away (the variances are differences of such sums).
    pub ww: f64,
    pub ww_lo: f64,
    pub respondents: f64,
    pub psus: f64,
}

/// Sums over the PSUs of one stratum within a domain for one category: Y_i, Y_i², Y_i·W_i and respondents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CategorySums {
    pub y: f64,
    /// Σ of the linearised Y_i (`y` itself, unless calibrated).
    pub zy: f64,
    /// Σ Y_i² and Σ Y_i·W_i, each with the low part f64 rounds away.
    pub yy: f64,
    pub yy_lo: f64,
    pub yw: f64,
    pub yw_lo: f64,
    pub count: f64,
}

/// A wave, or a segment within a wave.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Domain {
    pub wave: i32,
    pub segment: Option<String>,
}

/// Everything one domain contributes, keyed by stratum.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainSums {
    pub strata: BTreeMap<String, StratumSums>,
    pub categories: BTreeMap<(Kind, String), BTreeMap<String, CategorySums>>,
}

/// One study's full-sample design (per wave and stratum) and its domains.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StudySums {
    pub design: BTreeMap<(i32, String), StratumDesign>,
    pub domains: BTreeMap<Domain, DomainSums>,
    /// Weighted to population margins: every stratum of a wave carries variance to each of its
    /// domains (residuals are not zero outside a domain), and the moments are of residuals.
    pub calibrated: bool,
}

/// What to aggregate for one study.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub study: &'a str,
    pub multi: bool,
    /// PSUs are named; otherwise every respondent is its own PSU and the PSU group-by is skipped.
    pub clustered: bool,
    /// Collect the full-sample design (PSUs per stratum, fpc): not needed without a design.
    pub design: bool,
    pub segments: bool,
    pub groups: &'a [Group],
    /// No-answer respondents are in the base (`--base all`): they weigh in every denominator.
    pub base_all: bool,
    /// Independent waves, or one panel design shared by the waves.
    pub waves: Waves,
}

/// `stratum` (wave N), or just the wave when the design has no strata.
pub fn stratum_label(stratum: &str, wave: i32) -> String {
    if stratum.is_empty() {
        format!("(the whole of wave {wave})")
    } else {
        format!("`{stratum}` (wave {wave})")
    }
}

/// Strata are nested in waves (waves are independent samples) and PSUs in strata (R's `nest = TRUE`);
/// a missing stratum is one stratum per wave, a missing PSU is the respondent.
/// The domain sums `estimate` works from.
/// Within a domain, cells are summed in the order of their stratum, PSU, set and segment names,
/// so the float sums do not depend on the order in which rows or blocks arrived.
pub fn study_sums(tally: &Tally, request: &Request) -> Result<StudySums> {
    let mut sums = StudySums::default();
    if request.design {
        sums.design = full_design(tally, request.waves)?;
    }
    let categories = categories(tally, request);
    let in_base: Vec<bool> = (0..tally.sets.len() as u32)
        .map(|set| request.base_all || !tally.sets.name(set).is_empty())
        .collect();
    let mut domains: BTreeMap<Domain, Vec<(Key, Cell)>> = BTreeMap::new();
    for cell in tally.cells() {
        let (key, _) = cell;
        if !in_base[key.set as usize] {
            continue;
        }
        let whole = Domain {
            wave: key.wave,
            segment: None,
        };
        domains.entry(whole).or_default().push(cell);
        if request.segments && key.segment != NO_SEGMENT {
            let segment = Some(tally.segments.name(key.segment).to_string());
            domains
                .entry(Domain {
                    wave: key.wave,
                    segment,
                })
                .or_default()
                .push(cell);
        }
    }
    let order = Order::of(tally);
    for (domain, mut cells) in domains {
        cells.sort_unstable_by_key(|(key, _)| order.key(key));
        sums.domains.insert(domain, domain_sums(tally, &cells, &categories));
    }
    Ok(sums)
}

/// Each category named anywhere (a department) and each group, with the sets that count for it.
pub(crate) fn categories(tally: &Tally, request: &Request) -> Vec<((Kind, String), Vec<bool>)> {
    let sets: Vec<Vec<&str>> = (0..tally.sets.len() as u32).map(|s| tally.set_members(s)).collect();
    let named: BTreeSet<&str> = sets.iter().flatten().copied().collect();
    let member =
        |wanted: &dyn Fn(&str) -> bool| -> Vec<bool> { sets.iter().map(|set| set.iter().any(|c| wanted(c))).collect() };
    let mut out: Vec<((Kind, String), Vec<bool>)> = named
        .into_iter()
        .map(|c| ((Kind::Department, c.to_string()), member(&|x| x == c)))
        .collect();
    for group in request.groups {
        let members = member(&|x| group.members.iter().any(|m| m == x));
        out.push(((Kind::Group, group.name.clone()), members));
    }
    out
}

/// PSUs per wave and stratum over every respondent (answered or not, in a segment or not) and
/// the fpc turned into a population of PSUs. With shared waves a stratum's PSUs are counted over
/// every wave (a PSU is its label within the stratum, whatever the wave) and each wave's entry
/// for the stratum holds that panel design: a PSU absent from a wave is a zero total there.
pub(crate) fn full_design(tally: &Tally, waves: Waves) -> Result<BTreeMap<(i32, String), StratumDesign>> {
    // In order of first appearance: an error names the first bad stratum.
    let mut order: Vec<(i32, u32)> = Vec::new();
    let mut units: HashMap<(i32, u32), (BTreeSet<&str>, u64)> = HashMap::new();
    let mut fpc: HashMap<(i32, u32), (f64, f64)> = HashMap::new();
    let shared = waves == Waves::Shared;
    for (key, cell) in tally.cells() {
        let place = (if shared { 0 } else { key.wave }, key.stratum);
        if !units.contains_key(&place) {
            order.push(place);
        }
        let entry = units.entry(place).or_default();
        if key.unit == SELF_UNIT {
            entry.1 += cell.n;
        } else {
            entry
                .0
                .insert(tally.units.get(key.unit).map_or("", |u| u.label.as_str()));
        }
        if let Some((low, high)) = tally.fpc_range(key.wave, key.stratum) {
            let range = fpc.entry(place).or_insert((low, high));
            *range = (range.0.min(low), range.1.max(high));
        }
    }
    let fractions = tally.fpc_are_fractions();
    let mut panel = BTreeMap::new();
    for place in order {
        let (named, own) = units.remove(&place).unwrap_or_default();
        let name = tally.strata.name(place.1).to_string();
        let psus = (named.len() as u64 + own) as f64;
        let label = match shared {
            true => format!("`{name}` (shared by the waves)"),
            false => stratum_label(&name, place.0),
        };
        let population = match fpc.get(&place) {
            Some(range) => Some(population(&label, psus, *range, fractions)?),
            None => None,
        };
        panel.insert(place, StratumDesign { psus, population });
    }
    if !shared {
        return Ok(panel
            .into_iter()
            .map(|((w, s), d)| ((w, tally.strata.name(s).to_string()), d))
            .collect());
    }
    // Every wave's entry of a stratum is the panel's.
    let present: BTreeSet<(i32, u32)> = tally.cells().map(|(k, _)| (k.wave, k.stratum)).collect();
    Ok(present
        .into_iter()
        .filter_map(|(wave, stratum)| {
            let design = panel.get(&(0, stratum))?;
            Some(((wave, tally.strata.name(stratum).to_string()), *design))
        })
        .collect())
}

/// One domain's strata and category sums from its cells (sorted, in the base).
fn domain_sums(tally: &Tally, cells: &[(Key, Cell)], categories: &[((Kind, String), Vec<bool>)]) -> DomainSums {
    let mut out = DomainSums::default();
    let mut start = 0;
    while start < cells.len() {
        let stratum = cells[start].0.stratum;
        let end = start + cells[start..].iter().take_while(|(k, _)| k.stratum == stratum).count();
        let name = tally.strata.name(stratum).to_string();
        let (strata, by_category) = stratum_sums(&cells[start..end], categories);
        out.strata.insert(name.clone(), strata);
        for ((category, _), sums) in categories.iter().zip(by_category) {
            if sums.count > 0.0 {
                out.categories
                    .entry(category.clone())
                    .or_default()
                    .insert(name.clone(), sums);
            }
        }
        start = end;
    }
    out
}

/// The sums of one stratum of a domain from its cells in `Order`: each PSU's cells are adjacent
/// (a PSU with segments has its cells of several segments added up here).
fn stratum_sums(cells: &[(Key, Cell)], categories: &[((Kind, String), Vec<bool>)]) -> (StratumSums, Vec<CategorySums>) {
    let mut strata = StratumSums::default();
    let mut by_category = vec![CategorySums::default(); categories.len()];
    for cells in cells.chunk_by(|a, b| a.0.unit == b.0.unit) {
        if cells[0].0.unit == SELF_UNIT {
            // Each respondent is a PSU: W_i = w, Y_i = w or 0, so the squares are the Σw² held.
            for (key, cell) in cells {
                let ww = Dd::new(cell.ww, cell.ww_lo);
                strata.w += cell.w;
                (strata.ww, strata.ww_lo) = add(strata.ww, strata.ww_lo, ww);
                strata.respondents += cell.n as f64;
                strata.psus += cell.n as f64;
                for ((_, sets), sums) in categories.iter().zip(by_category.iter_mut()) {
                    if sets[key.set as usize] {
                        sums.y += cell.w;
                        (sums.yy, sums.yy_lo) = add(sums.yy, sums.yy_lo, ww);
                        (sums.yw, sums.yw_lo) = add(sums.yw, sums.yw_lo, ww);
                        sums.count += cell.n as f64;
                    }
                }
            }
            continue;
        }
        let w: f64 = cells.iter().map(|(_, c)| c.w).sum();
        strata.w += w;
        (strata.ww, strata.ww_lo) = add(strata.ww, strata.ww_lo, Dd::prod(w, w));
        strata.respondents += cells.iter().map(|(_, c)| c.n as f64).sum::<f64>();
        strata.psus += 1.0;
        for ((_, sets), sums) in categories.iter().zip(by_category.iter_mut()) {
            let members = cells.iter().filter(|(key, _)| sets[key.set as usize]);
            let (y, count) = members.fold((0.0, 0u64), |(y, n), (_, c)| (y + c.w, n + c.n));
            if count > 0 {
                sums.y += y;
                (sums.yy, sums.yy_lo) = add(sums.yy, sums.yy_lo, Dd::prod(y, y));
                (sums.yw, sums.yw_lo) = add(sums.yw, sums.yw_lo, Dd::prod(y, w));
                sums.count += count as f64;
            }
        }
    }
    // Without calibration the variance is linearised in the PSU totals themselves.
    strata.zw = strata.w;
    for sums in &mut by_category {
        sums.zy = sums.y;
    }
    (strata, by_category)
}

/// `hi + lo` plus `x`, as a (hi, lo) pair again.
fn add(hi: f64, lo: f64, x: Dd) -> (f64, f64) {
    let sum = Dd::new(hi, lo).add(x);
    (sum.hi, sum.lo)
}

/// The rank of every code in its names' sort order: cells are summed in this order.
pub(crate) struct Order {
    strata: Vec<u32>,
    units: Vec<u32>,
    sets: Vec<u32>,
    segments: Vec<u32>,
    cals: Vec<u32>,
}

impl Order {
    pub(crate) fn of(tally: &Tally) -> Order {
        Order {
            strata: ranks(&tally.strata),
            units: unit_ranks(tally),
            sets: ranks(&tally.sets),
            segments: ranks(&tally.segments),
            cals: ranks(&tally.cals),
        }
    }

    /// Stratum, then PSU (respondents who are their own PSU last), set, segment and calibration cell.
    pub(crate) fn key(&self, key: &Key) -> (u32, u32, u32, u32, u32) {
        let rank = |ranks: &[u32], code: u32| ranks.get(code as usize).copied().unwrap_or(u32::MAX);
        (
            rank(&self.strata, key.stratum),
            rank(&self.units, key.unit),
            rank(&self.sets, key.set),
            rank(&self.segments, key.segment),
            rank(&self.cals, key.cal),
        )
    }
}

impl Order {
    /// Per unit code, the rank of its label alone: a label's PSUs of every wave share it (under
    /// shared waves they are one PSU).
    pub(crate) fn label_ranks(&self, tally: &Tally) -> Vec<u32> {
        let mut labels: Vec<&str> = (0..tally.units.len() as u32)
            .map(|code| tally.units.get(code).map_or("", |u| u.label.as_str()))
            .collect();
        let codes = labels.clone();
        labels.sort_unstable();
        labels.dedup();
        codes
            .iter()
            .map(|label| labels.binary_search(label).map_or(u32::MAX, |rank| rank as u32))
            .collect()
    }
}

/// PSUs ranked by label (their wave and stratum are already apart in a domain's sorted cells).
fn unit_ranks(tally: &Tally) -> Vec<u32> {
    let label = |code: u32| tally.units.get(code).map_or("", |u| u.label.as_str());
    let mut order: Vec<u32> = (0..tally.units.len() as u32).collect();
    order.sort_unstable_by(|a, b| label(*a).cmp(label(*b)).then(a.cmp(b)));
    let mut ranks = vec![0; order.len()];
    for (rank, code) in order.into_iter().enumerate() {
        ranks[code as usize] = rank as u32;
    }
    ranks
}

fn ranks(names: &Names) -> Vec<u32> {
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_unstable_by(|a, b| names.name(*a).cmp(names.name(*b)));
    let mut ranks = vec![0; order.len()];
    for (rank, code) in order.into_iter().enumerate() {
        ranks[code as usize] = rank as u32;
    }
    ranks
}

mod calibrated;
pub use calibrated::calibrated_sums;

#[cfg(test)]
mod tests;
