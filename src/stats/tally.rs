//! The large-file path's statistic: weight sums per wave, segment, stratum, PSU and the set of
//! categories a respondent named. Everything the estimates need (`StudySums`) follows from these
//! cells, so a file is read block by block into small tallies that merge, in constant memory.
//!
//! The tally is independent of groups and of the base: a group's total in a PSU is the sum over
//! the sets that name any member, and the base picks the sets with (or without) an answer.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::design::{StratumDesign, population};
use super::domains::{CategorySums, Domain, DomainSums, Request, StratumSums, StudySums, stratum_label};
use super::estimate::Kind;
use crate::error::Result;

/// The unit of a respondent without a PSU column: the respondent is its own PSU, so the cell
/// holds respondent moments (Σw, Σw²) directly.
pub const SELF_UNIT: u32 = u32::MAX;

/// The segment of a respondent in a file without a `--by` column.
pub const NO_SEGMENT: u32 = u32::MAX;

/// Where a respondent is counted: codes into the tally's name lists (`SELF_UNIT`, `NO_SEGMENT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub wave: i32,
    pub segment: u32,
    pub stratum: u32,
    pub unit: u32,
    pub set: u32,
}

/// Sums over the respondents of one cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    pub w: f64,
    pub ww: f64,
    pub n: u64,
}

/// A fast fixed hasher: keys are short and not attacker-chosen in a way that matters here.
type Fast = foldhash::fast::FixedState;

/// Strings by dense code, in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct Names {
    index: HashMap<String, u32, Fast>,
    names: Vec<String>,
}

impl Names {
    pub fn code(&mut self, name: &str) -> u32 {
        if let Some(code) = self.index.get(name) {
            return *code;
        }
        let code = self.names.len() as u32;
        self.index.insert(name.to_string(), code);
        self.names.push(name.to_string());
        code
    }

    pub fn name(&self, code: u32) -> &str {
        self.names.get(code as usize).map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One respondent as the tally sees it (strings, for readers that are not on the hot path).
#[derive(Debug, Clone, Copy)]
pub struct Respondent<'a> {
    pub wave: i32,
    pub segment: Option<&'a str>,
    pub stratum: Option<&'a str>,
    pub psu: Option<&'a str>,
    /// The categories named, sorted, each once; empty for no answer.
    pub set: &'a [&'a str],
    pub weight: f64,
    pub fpc: Option<f64>,
}

/// The cells of one study (or of one block of a file).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub strata: Names,
    pub units: Names,
    pub segments: Names,
    /// Category sets by code, each sorted; a set's name is its ids joined by `\u{1f}`.
    pub sets: Names,
    /// Slots by (wave, segment, stratum, unit); a slot holds a cell per set named there.
    index: HashMap<Place, usize, Fast>,
    slots: Vec<(Place, Vec<(u32, Cell)>)>,
    /// Smallest and largest fpc per wave and stratum.
    fpc: HashMap<(i32, u32), (f64, f64), Fast>,
    /// The last place added to and its slot: consecutive rows mostly share their PSU.
    last: Option<(Place, usize)>,
}

/// A key without its set.
type Place = (i32, u32, u32, u32);

/// Separates the category ids in a set's name.
const SET_SEP: char = '\u{1f}';

impl Tally {
    /// The code of a category set (sorted ids).
    pub fn set_code(&mut self, set: &[&str]) -> u32 {
        let name = set.join(&SET_SEP.to_string());
        self.sets.code(&name)
    }

    /// The categories of set `code`.
    pub fn set_members(&self, code: u32) -> Vec<&str> {
        let name = self.sets.name(code);
        if name.is_empty() {
            Vec::new()
        } else {
            name.split(SET_SEP).collect()
        }
    }

    /// The cell of `key`, made when new.
    fn cell(&mut self, key: Key) -> &mut Cell {
        let place = (key.wave, key.segment, key.stratum, key.unit);
        let slot = match self.last {
            Some((last, slot)) if last == place => slot,
            _ => {
                let next = self.slots.len();
                let slot = *self.index.entry(place).or_insert(next);
                if slot == next {
                    self.slots.push((place, Vec::new()));
                }
                self.last = Some((place, slot));
                slot
            }
        };
        // A PSU's respondents name a few sets of many: a short list, searched, not indexed.
        let cells = &mut self.slots[slot].1;
        let at = match cells.iter().position(|(set, _)| *set == key.set) {
            Some(at) => at,
            None => {
                cells.push((key.set, Cell::default()));
                cells.len() - 1
            }
        };
        &mut cells[at].1
    }

    /// Every cell, in the order their places were first seen.
    fn cells(&self) -> impl Iterator<Item = (Key, Cell)> + '_ {
        self.slots.iter().flat_map(|((wave, segment, stratum, unit), cells)| {
            cells.iter().map(|(set, cell)| {
                let key = Key {
                    wave: *wave,
                    segment: *segment,
                    stratum: *stratum,
                    unit: *unit,
                    set: *set,
                };
                (key, *cell)
            })
        })
    }

    /// Adds one respondent by codes.
    pub fn add(&mut self, key: Key, weight: f64, fpc: Option<f64>) {
        let cell = self.cell(key);
        cell.w += weight;
        cell.ww += weight * weight;
        cell.n += 1;
        if let Some(f) = fpc {
            let range = self.fpc.entry((key.wave, key.stratum)).or_insert((f, f));
            range.0 = range.0.min(f);
            range.1 = range.1.max(f);
        }
    }

    /// Adds one respondent given by strings.
    pub fn add_respondent(&mut self, r: &Respondent) {
        let key = Key {
            wave: r.wave,
            segment: r.segment.map_or(NO_SEGMENT, |s| self.segments.code(s)),
            stratum: self.strata.code(r.stratum.unwrap_or("")),
            unit: r.psu.map_or(SELF_UNIT, |p| self.units.code(p)),
            set: self.set_code(r.set),
        };
        self.add(key, r.weight, r.fpc);
    }

    /// Adds `other`'s cells after this tally's (sums add in that order).
    pub fn merge(&mut self, other: &Tally) {
        let map = |names: &mut Names, from: &Names| -> Vec<u32> { from.names.iter().map(|n| names.code(n)).collect() };
        let strata = map(&mut self.strata, &other.strata);
        let units = map(&mut self.units, &other.units);
        let segments = map(&mut self.segments, &other.segments);
        let sets = map(&mut self.sets, &other.sets);
        let recode = |codes: &[u32], code: u32| codes.get(code as usize).copied().unwrap_or(code);
        for (key, cell) in other.cells() {
            let key = Key {
                wave: key.wave,
                segment: recode(&segments, key.segment),
                stratum: recode(&strata, key.stratum),
                unit: recode(&units, key.unit),
                set: recode(&sets, key.set),
            };
            let mine = self.cell(key);
            mine.w += cell.w;
            mine.ww += cell.ww;
            mine.n += cell.n;
        }
        for (&(wave, stratum), &(low, high)) in &other.fpc {
            let range = self.fpc.entry((wave, recode(&strata, stratum))).or_insert((low, high));
            range.0 = range.0.min(low);
            range.1 = range.1.max(high);
        }
        self.last = None;
    }

    /// Respondents who answered and who did not, per wave.
    pub fn answered_by_wave(&self) -> BTreeMap<i32, (u64, u64)> {
        let mut waves: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
        for (key, cell) in self.cells() {
            let entry = waves.entry(key.wave).or_default();
            if self.sets.name(key.set).is_empty() {
                entry.1 += cell.n;
            } else {
                entry.0 += cell.n;
            }
        }
        waves
    }

    /// Whether any respondent has a segment.
    pub fn has_segments(&self) -> bool {
        self.slots.iter().any(|((_, segment, _, _), _)| *segment != NO_SEGMENT)
    }

    /// The domain sums `estimate` works from, as `domains::study_sums` computes them from a frame.
    /// Within a domain, cells are summed in the order of their stratum, PSU, set and segment names,
    /// so the float sums do not depend on the order in which rows or blocks arrived.
    pub fn study_sums(&self, request: &Request) -> Result<StudySums> {
        let mut sums = StudySums::default();
        if request.design {
            sums.design = self.full_design()?;
        }
        let categories = self.categories(request);
        let in_base: Vec<bool> = (0..self.sets.len() as u32)
            .map(|set| request.base_all || !self.sets.name(set).is_empty())
            .collect();
        let mut domains: BTreeMap<Domain, Vec<(Key, Cell)>> = BTreeMap::new();
        for cell in self.cells() {
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
                let segment = Some(self.segments.name(key.segment).to_string());
                domains
                    .entry(Domain {
                        wave: key.wave,
                        segment,
                    })
                    .or_default()
                    .push(cell);
            }
        }
        let order = Order::of(self);
        for (domain, mut cells) in domains {
            cells.sort_unstable_by_key(|(key, _)| order.key(key));
            sums.domains.insert(domain, self.domain_sums(&cells, &categories));
        }
        Ok(sums)
    }

    /// Each category named anywhere (a department) and each group, with the sets that count for it.
    fn categories(&self, request: &Request) -> Vec<((Kind, String), Vec<bool>)> {
        let sets: Vec<Vec<&str>> = (0..self.sets.len() as u32).map(|s| self.set_members(s)).collect();
        let named: BTreeSet<&str> = sets.iter().flatten().copied().collect();
        let member = |wanted: &dyn Fn(&str) -> bool| -> Vec<bool> {
            sets.iter().map(|set| set.iter().any(|c| wanted(c))).collect()
        };
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
    /// the fpc turned into a population of PSUs, as `domains::full_design`.
    fn full_design(&self) -> Result<BTreeMap<(i32, String), StratumDesign>> {
        // In order of first appearance, as the frame's group-by: an error names the first bad stratum.
        let mut order: Vec<(i32, u32)> = Vec::new();
        let mut units: HashMap<(i32, u32), (BTreeSet<u32>, u64), Fast> = HashMap::default();
        for (key, cell) in self.cells() {
            let entry = units.entry((key.wave, key.stratum)).or_insert_with(|| {
                order.push((key.wave, key.stratum));
                Default::default()
            });
            if key.unit == SELF_UNIT {
                entry.1 += cell.n;
            } else {
                entry.0.insert(key.unit);
            }
        }
        let fractions = self.fpc.values().all(|(_, high)| *high <= 1.0);
        let mut design = BTreeMap::new();
        for (wave, stratum) in order {
            let (named, own) = units.remove(&(wave, stratum)).unwrap_or_default();
            let name = self.strata.name(stratum).to_string();
            let psus = (named.len() as u64 + own) as f64;
            let population = match self.fpc.get(&(wave, stratum)) {
                Some(range) => Some(population(&stratum_label(&name, wave), psus, *range, fractions)?),
                None => None,
            };
            design.insert((wave, name), StratumDesign { psus, population });
        }
        Ok(design)
    }

    /// One domain's strata and category sums from its cells (sorted, in the base).
    fn domain_sums(&self, cells: &[(Key, Cell)], categories: &[((Kind, String), Vec<bool>)]) -> DomainSums {
        let mut out = DomainSums::default();
        let mut start = 0;
        while start < cells.len() {
            let stratum = cells[start].0.stratum;
            let end = start + cells[start..].iter().take_while(|(k, _)| k.stratum == stratum).count();
            let name = self.strata.name(stratum).to_string();
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
                strata.w += cell.w;
                strata.ww += cell.ww;
                strata.respondents += cell.n as f64;
                strata.psus += cell.n as f64;
                for ((_, sets), sums) in categories.iter().zip(by_category.iter_mut()) {
                    if sets[key.set as usize] {
                        sums.y += cell.w;
                        sums.yy += cell.ww;
                        sums.yw += cell.ww;
                        sums.count += cell.n as f64;
                    }
                }
            }
            continue;
        }
        let w: f64 = cells.iter().map(|(_, c)| c.w).sum();
        strata.w += w;
        strata.ww += w * w;
        strata.respondents += cells.iter().map(|(_, c)| c.n as f64).sum::<f64>();
        strata.psus += 1.0;
        for ((_, sets), sums) in categories.iter().zip(by_category.iter_mut()) {
            let members = cells.iter().filter(|(key, _)| sets[key.set as usize]);
            let (y, count) = members.fold((0.0, 0u64), |(y, n), (_, c)| (y + c.w, n + c.n));
            if count > 0 {
                sums.y += y;
                sums.yy += y * y;
                sums.yw += y * w;
                sums.count += count as f64;
            }
        }
    }
    (strata, by_category)
}

/// The rank of every code in its names' sort order: cells are summed in this order.
struct Order {
    strata: Vec<u32>,
    units: Vec<u32>,
    sets: Vec<u32>,
    segments: Vec<u32>,
}

impl Order {
    fn of(tally: &Tally) -> Order {
        Order {
            strata: ranks(&tally.strata),
            units: ranks(&tally.units),
            sets: ranks(&tally.sets),
            segments: ranks(&tally.segments),
        }
    }

    /// Stratum, then PSU (respondents who are their own PSU last), set and segment.
    fn key(&self, key: &Key) -> (u32, u32, u32, u32) {
        let rank = |ranks: &[u32], code: u32| ranks.get(code as usize).copied().unwrap_or(u32::MAX);
        (
            rank(&self.strata, key.stratum),
            rank(&self.units, key.unit),
            rank(&self.sets, key.set),
            rank(&self.segments, key.segment),
        )
    }
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

#[cfg(test)]
mod tests;
