//! The sufficient statistic every reader hands the estimate stage: weight sums per wave, segment,
//! stratum, PSU and the set of categories a respondent named. Estimates, tests and group shares
//! all follow from these cells (`stats::domains::study_sums`), so a file is read block by block
//! into small tallies that merge, in constant memory, and every input format ends here.
//!
//! This module sits below `ingest` and `stats` and knows neither. The tally is independent of
//! groups and of the base: a group's total in a PSU is the sum over the sets that name any member,
//! and the base picks the sets with (or without) an answer.
//!
//! Cells are addressed by dense codes, never by a hash of the whole place: a PSU's code is unique
//! to its wave and stratum (PSUs are nested in both), so a row finds its slot by indexing the
//! PSU's short list of segments, whatever order the rows come in.

use std::collections::{BTreeMap, HashMap};

use crate::dd::Dd;

/// The unit of a respondent without a PSU column: the respondent is its own PSU, so the cell
/// holds respondent moments (Σw, Σw²) directly.
pub const SELF_UNIT: u32 = u32::MAX;

/// The segment of a respondent in a file without a `--by` column.
pub const NO_SEGMENT: u32 = u32::MAX;

/// The calibration cell of a respondent when the study is not weighted to population margins.
pub const NO_CAL: u32 = u32::MAX;

/// Where a respondent is counted: codes into the tally's name lists (`SELF_UNIT`, `NO_SEGMENT`).
/// A unit code (from `Tally::unit_code`) already names its wave and stratum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub wave: i32,
    pub segment: u32,
    pub stratum: u32,
    pub unit: u32,
    pub set: u32,
    /// The respondent's calibration cell (its levels of the weighting variables), or `NO_CAL`.
    pub cal: u32,
}

/// Sums over the respondents of one cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    pub w: f64,
    /// Σw², with `ww_lo` the rounding error of that sum (the variances need it exactly).
    pub ww: f64,
    pub ww_lo: f64,
    pub n: u64,
}

impl Cell {
    /// Adds `x` to Σw² without losing what f64 addition rounds away.
    fn add_ww(&mut self, x: Dd) {
        let sum = Dd::new(self.ww, self.ww_lo).add(x);
        (self.ww, self.ww_lo) = (sum.hi, sum.lo);
    }
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

    /// The code of `name`, when it has one.
    pub fn index(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// PSUs by dense code: a label within a wave and stratum (the same label in another stratum is
/// another PSU, as R's `nest = TRUE` has it).
#[derive(Debug, Clone, Default)]
pub struct Units {
    /// Keyed by wave and stratum bytes followed by the label.
    index: HashMap<Box<[u8]>, u32, Fast>,
    units: Vec<Unit>,
    scratch: Vec<u8>,
}

/// One PSU: where it is, its label, and its slots (one per segment its respondents are in).
#[derive(Debug, Clone)]
pub struct Unit {
    pub wave: i32,
    pub stratum: u32,
    pub label: String,
    slots: Vec<(u32, u32)>,
}

impl Units {
    fn code(&mut self, wave: i32, stratum: u32, label: &str) -> u32 {
        self.scratch.clear();
        self.scratch.extend_from_slice(&wave.to_le_bytes());
        self.scratch.extend_from_slice(&stratum.to_le_bytes());
        self.scratch.extend_from_slice(label.as_bytes());
        if let Some(code) = self.index.get(self.scratch.as_slice()) {
            return *code;
        }
        let code = self.units.len() as u32;
        self.index.insert(self.scratch.as_slice().into(), code);
        self.units.push(Unit {
            wave,
            stratum,
            label: label.to_string(),
            slots: Vec::new(),
        });
        code
    }

    /// The PSU of `code`.
    pub fn get(&self, code: u32) -> Option<&Unit> {
        self.units.get(code as usize)
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
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
    /// The calibration cell's name (`cal_name` of the weighting variables' levels).
    pub calibration: Option<&'a str>,
}

/// The cells of one study (or of one block of a file).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub strata: Names,
    pub units: Units,
    pub segments: Names,
    /// Category sets by code, each sorted; a set's name is its ids joined by `\u{1f}`.
    pub sets: Names,
    /// Calibration cells by code: the levels of the weighting variables joined by `\u{1f}`.
    pub cals: Names,
    /// A slot per place (wave, segment, stratum, unit); a slot holds a cell per set (and
    /// calibration cell) named there.
    slots: Vec<(Place, SlotCells)>,
    /// Slots of respondents who are their own PSU, by wave, segment and stratum (no PSU column:
    /// a handful of places, so a map is cheap here).
    own: HashMap<(i32, u32, u32), u32, Fast>,
    /// Smallest and largest fpc per wave and stratum.
    fpc: HashMap<(i32, u32), (f64, f64), Fast>,
    /// Smallest and largest weight per wave and calibration cell (weighted studies only).
    weights: HashMap<(i32, u32), (f64, f64), Fast>,
}

/// A key without its set.
type Place = (i32, u32, u32, u32);

/// A slot's cells, by set and calibration cell codes.
type SlotCells = Vec<((u32, u32), Cell)>;

/// Separates the category ids in a set's name (and the levels in a calibration cell's name).
const SET_SEP: char = '\u{1f}';

/// The name of the calibration cell of these levels (one per weighting variable, in order).
pub fn cal_name(levels: &[&str]) -> String {
    let mut name = String::new();
    write_cal_name(&mut name, levels);
    name
}

/// `cal_name` into a buffer (cleared first), for readers that name a cell per row.
pub fn write_cal_name(name: &mut String, levels: &[&str]) {
    name.clear();
    for (i, level) in levels.iter().enumerate() {
        if i > 0 {
            name.push(SET_SEP);
        }
        name.push_str(level);
    }
}

/// The levels in a calibration cell's name.
pub fn cal_levels(name: &str) -> Vec<&str> {
    name.split(SET_SEP).collect()
}

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

    /// The code of PSU `label` in `wave` and stratum code `stratum`.
    pub fn unit_code(&mut self, wave: i32, stratum: u32, label: &str) -> u32 {
        self.units.code(wave, stratum, label)
    }

    /// The cell of `key`, made when new.
    fn cell(&mut self, key: Key) -> &mut Cell {
        let slot = self.slot((key.wave, key.segment, key.stratum, key.unit)) as usize;
        // A PSU's respondents name a few sets of many: a short list, searched, not indexed.
        let cells = &mut self.slots[slot].1;
        let at = match cells.iter().position(|(id, _)| *id == (key.set, key.cal)) {
            Some(at) => at,
            None => {
                cells.push(((key.set, key.cal), Cell::default()));
                cells.len() - 1
            }
        };
        &mut cells[at].1
    }

    /// The slot of a place: a PSU's own short list of segments, or the map of self-units.
    fn slot(&mut self, place: Place) -> u32 {
        let (wave, segment, stratum, unit) = place;
        let next = self.slots.len() as u32;
        let found = match self.units.units.get_mut(unit as usize) {
            Some(u) => match u.slots.iter().find(|(s, _)| *s == segment) {
                Some((_, slot)) => Some(*slot),
                None => {
                    debug_assert!(u.wave == wave && u.stratum == stratum, "a unit code names its place");
                    u.slots.push((segment, next));
                    None
                }
            },
            None => match self.own.get(&(wave, segment, stratum)) {
                Some(slot) => Some(*slot),
                None => {
                    self.own.insert((wave, segment, stratum), next);
                    None
                }
            },
        };
        found.unwrap_or_else(|| {
            self.slots.push((place, Vec::new()));
            next
        })
    }

    /// Every cell, in the order their places were first seen.
    pub fn cells(&self) -> impl Iterator<Item = (Key, Cell)> + '_ {
        self.slots.iter().flat_map(|((wave, segment, stratum, unit), cells)| {
            cells.iter().map(|((set, cal), cell)| {
                let key = Key {
                    wave: *wave,
                    segment: *segment,
                    stratum: *stratum,
                    unit: *unit,
                    set: *set,
                    cal: *cal,
                };
                (key, *cell)
            })
        })
    }

    /// The smallest and largest fpc seen per wave and stratum code.
    pub fn fpc_range(&self, wave: i32, stratum: u32) -> Option<(f64, f64)> {
        self.fpc.get(&(wave, stratum)).copied()
    }

    /// Whether every fpc seen is at most 1 (sampling fractions rather than population sizes).
    pub fn fpc_are_fractions(&self) -> bool {
        self.fpc.values().all(|(_, high)| *high <= 1.0)
    }

    /// The smallest and largest weight per wave and calibration cell of a weighted study.
    pub fn weight_range(&self, wave: i32, cal: u32) -> Option<(f64, f64)> {
        self.weights.get(&(wave, cal)).copied()
    }

    /// Adds one respondent by codes.
    pub fn add(&mut self, key: Key, weight: f64, fpc: Option<f64>) {
        let cell = self.cell(key);
        cell.w += weight;
        cell.add_ww(Dd::prod(weight, weight));
        cell.n += 1;
        if let Some(f) = fpc {
            widen(&mut self.fpc, (key.wave, key.stratum), (f, f));
        }
        if key.cal != NO_CAL {
            widen(&mut self.weights, (key.wave, key.cal), (weight, weight));
        }
    }

    /// Adds one respondent given by strings.
    pub fn add_respondent(&mut self, r: &Respondent) {
        let stratum = self.strata.code(r.stratum.unwrap_or(""));
        let key = Key {
            wave: r.wave,
            segment: r.segment.map_or(NO_SEGMENT, |s| self.segments.code(s)),
            stratum,
            unit: r.psu.map_or(SELF_UNIT, |p| self.unit_code(r.wave, stratum, p)),
            set: self.set_code(r.set),
            cal: r.calibration.map_or(NO_CAL, |c| self.cals.code(c)),
        };
        self.add(key, r.weight, r.fpc);
    }

    /// Adds `other`'s cells after this tally's (sums add in that order).
    pub fn merge(&mut self, other: &Tally) {
        let map = |names: &mut Names, from: &Names| -> Vec<u32> { from.names.iter().map(|n| names.code(n)).collect() };
        let strata = map(&mut self.strata, &other.strata);
        let segments = map(&mut self.segments, &other.segments);
        let sets = map(&mut self.sets, &other.sets);
        let cals = map(&mut self.cals, &other.cals);
        let recode = |codes: &[u32], code: u32| codes.get(code as usize).copied().unwrap_or(code);
        let units: Vec<u32> = other
            .units
            .units
            .iter()
            .map(|u| self.units.code(u.wave, recode(&strata, u.stratum), &u.label))
            .collect();
        for (key, cell) in other.cells() {
            let key = Key {
                wave: key.wave,
                segment: recode(&segments, key.segment),
                stratum: recode(&strata, key.stratum),
                unit: recode(&units, key.unit),
                set: recode(&sets, key.set),
                cal: recode(&cals, key.cal),
            };
            let mine = self.cell(key);
            mine.w += cell.w;
            mine.add_ww(Dd::new(cell.ww, cell.ww_lo));
            mine.n += cell.n;
        }
        for (&(wave, stratum), &range) in &other.fpc {
            widen(&mut self.fpc, (wave, recode(&strata, stratum)), range);
        }
        for (&(wave, cal), &range) in &other.weights {
            widen(&mut self.weights, (wave, recode(&cals, cal)), range);
        }
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

    /// Respondents in the tally.
    pub fn respondents(&self) -> u64 {
        self.cells().map(|(_, c)| c.n).sum()
    }
}

/// Widens the range held at `key` to take in `(low, high)`.
fn widen(ranges: &mut HashMap<(i32, u32), (f64, f64), Fast>, key: (i32, u32), (low, high): (f64, f64)) {
    let range = ranges.entry(key).or_insert((low, high));
    range.0 = range.0.min(low);
    range.1 = range.1.max(high);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person<'a>(wave: i32, stratum: &'a str, psu: Option<&'a str>, set: &'a [&'a str]) -> Respondent<'a> {
        Respondent {
            wave,
            segment: None,
            stratum: Some(stratum),
            psu,
            set,
            weight: 2.0,
            fpc: None,
            calibration: None,
        }
    }

    #[test]
    fn a_psu_label_is_another_psu_in_another_stratum_or_wave() {
        let mut tally = Tally::default();
        for (wave, stratum) in [(2023, "a"), (2023, "b"), (2024, "a"), (2023, "a")] {
            tally.add_respondent(&person(wave, stratum, Some("p1"), &["pr"]));
        }
        assert_eq!(tally.units.len(), 3);
        let cells: Vec<(i32, u64)> = tally.cells().map(|(k, c)| (k.wave, c.n)).collect();
        assert_eq!(cells, vec![(2023, 2), (2023, 1), (2024, 1)]);
    }

    #[test]
    fn interleaved_rows_land_in_the_cells_grouped_rows_do() {
        let sets: [&[&str]; 2] = [&["marketing"], &[]];
        let people: Vec<(i32, String, String, usize)> = (0..200)
            .map(|i| {
                (
                    2020 + i % 3,
                    format!("s{}", i % 4),
                    format!("p{}", i % 7),
                    (i % 2) as usize,
                )
            })
            .collect();
        let mut interleaved = Tally::default();
        for (wave, stratum, psu, set) in &people {
            interleaved.add_respondent(&person(*wave, stratum, Some(psu), sets[*set]));
        }
        let mut sorted = people.clone();
        sorted.sort();
        let mut grouped = Tally::default();
        for (wave, stratum, psu, set) in &sorted {
            grouped.add_respondent(&person(*wave, stratum, Some(psu), sets[*set]));
        }
        let cells = |t: &Tally| {
            let mut out: Vec<(i32, String, String, String, u64, u64)> = t
                .cells()
                .map(|(k, c)| {
                    let unit = t.units.get(k.unit).map(|u| u.label.clone()).unwrap_or_default();
                    let w = c.w as u64;
                    (
                        k.wave,
                        t.strata.name(k.stratum).to_string(),
                        unit,
                        t.sets.name(k.set).to_string(),
                        c.n,
                        w,
                    )
                })
                .collect();
            out.sort();
            out
        };
        assert_eq!(cells(&interleaved), cells(&grouped));
        assert_eq!(interleaved.respondents(), 200);
    }

    #[test]
    fn merging_recodes_units_by_place() {
        let mut a = Tally::default();
        a.add_respondent(&person(2023, "x", Some("p1"), &["pr"]));
        let mut b = Tally::default();
        b.add_respondent(&person(2023, "y", Some("p1"), &["pr"]));
        b.add_respondent(&person(2023, "x", Some("p1"), &["hr"]));
        a.merge(&b);
        assert_eq!(a.units.len(), 2);
        assert_eq!(a.respondents(), 3);
        assert_eq!(a.cells().count(), 3);
    }
}
