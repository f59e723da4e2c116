//! The row rules: one record's cells, at resolved column positions, to a respondent row or the
//! reason the row is rejected. Every respondent-level reader (plain CSV, survey-tool exports and
//! the large-file blocks) calls `Rules::row`, so the checks run in one order with one wording:
//!
//! blank row, ragged row, invalid bytes, wave, respondent id, duplicate respondent (the reader's
//! `Keys`), weight, stratum, psu, fpc, segment. The department answer comes last and is the
//! reader's own (one cell, or a question's option columns): a row reaches it only when every rule
//! above passed. A format's own exclusions (an unfinished Qualtrics response) come before all of them.
//!
//! The row borrows the cells and nothing is allocated unless the row is rejected, so the
//! large-file path applies the rules to every row of a file as the careful readers do.

use std::collections::BTreeSet;

use super::RawAnswer;
use super::survey::year_of;

pub mod numbers;
pub use numbers::{Decimal, Numbers};

/// The segment of a respondent whose `--by` cell is empty: the respondent still counts overall.
pub const MISSING_SEGMENT: &str = "(missing)";

/// The reason a row of blank cells is rejected (readers count those rows apart).
pub const BLANK_ROW: &str = "empty row (every cell is blank)";

/// Weights above this are refused: squared and summed over millions of respondents they would
/// overflow to infinity and turn every standard error into NaN. No survey weights a respondent as
/// 1e100 people.
pub const MAX_WEIGHT: f64 = 1e100;

/// Positive weights below this are refused too: their squares underflow to zero, which leaves
/// every interval without a variance ("n unknown"). Weights are relative, so a file of tiny
/// weights can be rescaled; no survey has a respondent standing for 1e-100 people.
pub const MIN_WEIGHT: f64 = 1e-100;

/// The most weighting (calibration) variables a study can name.
pub const MAX_CALIBRATION_VARS: usize = 4;

/// Where each row's wave comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wave {
    /// A column of whole numbers.
    Column(usize),
    /// The year of a date column (survey-tool exports without a wave).
    Date(usize),
    /// The same wave for every row (`--wave YEAR`).
    Fixed(i32),
}

/// The column positions the rules read, resolved once per file.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Fields in the header: a row with another number is ragged.
    pub width: usize,
    pub wave: Wave,
    /// Without one, rows are named by their line and are never duplicates.
    pub respondent: Option<usize>,
    pub weight: Option<usize>,
    pub stratum: Option<usize>,
    pub psu: Option<usize>,
    pub fpc: Option<usize>,
    pub segment: Option<usize>,
    /// The weighting variables' columns (name, position), in the order of the targets file.
    pub calibration: Vec<(String, usize)>,
    /// Column names, kept only when the text was decoded with replacement characters: a cell
    /// holding one rejects its row.
    pub lossy: Option<Vec<String>>,
    /// The file's decimal mark, decided once from its weight and fpc cells (`numbers`).
    pub numbers: Numbers,
}

/// A row the rules accept, borrowing its cells (trimmed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row<'a> {
    pub wave: i32,
    /// `None` without a respondent column.
    pub respondent: Option<&'a str>,
    /// 1.0 without a weight column.
    pub weight: f64,
    pub stratum: Option<&'a str>,
    pub psu: Option<&'a str>,
    pub fpc: Option<f64>,
    /// `MISSING_SEGMENT` when the `--by` cell is empty.
    pub segment: Option<&'a str>,
    /// The levels of the weighting variables (the first `weighting` of them).
    pub calibration: [&'a str; MAX_CALIBRATION_VARS],
    pub weighting: usize,
}

impl<'a> Row<'a> {
    /// The levels of the weighting variables, when the study is weighted to margins.
    pub fn levels(&self) -> Option<&[&'a str]> {
        (self.weighting > 0).then(|| &self.calibration[..self.weighting.min(MAX_CALIBRATION_VARS)])
    }

    /// Those levels as one calibration cell name (`tally::cal_name`).
    pub fn cal_name(&self) -> Option<String> {
        self.levels().map(crate::tally::cal_name)
    }
}

/// The respondent keys (wave, id) a reader has seen. A row takes its key once its id passes,
/// before its other cells are checked: a first row rejected for its weight still takes the id.
pub trait Keys {
    /// `Err` (the reason) when the key was taken by an earlier row.
    fn take(&mut self, wave: i32, respondent: &str) -> Result<(), String>;
}

impl Keys for BTreeSet<(i32, String)> {
    fn take(&mut self, wave: i32, respondent: &str) -> Result<(), String> {
        match self.insert((wave, respondent.to_string())) {
            true => Ok(()),
            false => Err(duplicate(wave, respondent)),
        }
    }
}

/// The reason a row repeating an earlier row's key is rejected.
pub fn duplicate(wave: i32, respondent: &str) -> String {
    format!("duplicate respondent `{respondent}` in wave {wave}")
}

impl Rules {
    /// Applies the rules to one record's cells (untrimmed) in their fixed order.
    pub fn row<'a>(&self, cells: &[&'a str], keys: &mut impl Keys) -> Result<Row<'a>, String> {
        self.shape(cells)?;
        let cell = |i: usize| cells.get(i).map_or("", |c| trim(c));
        let wave = match self.wave {
            Wave::Column(i) => parse_wave(cell(i))?,
            Wave::Date(i) => year_of(cell(i)).ok_or_else(|| format!("no year in date `{}`", cell(i)))?,
            Wave::Fixed(wave) => wave,
        };
        let respondent = match self.respondent.map(cell) {
            Some("") => return Err("empty respondent id".to_string()),
            Some(id) => {
                keys.take(wave, id)?;
                Some(id)
            }
            None => None,
        };
        let weight = self.weight.map_or(Ok(1.0), |i| parse_weight(cell(i), &self.numbers))?;
        let nonempty = |i: Option<usize>, what: &str| match i.map(cell) {
            Some("") => Err(format!("empty {what}")),
            text => Ok(text),
        };
        let stratum = nonempty(self.stratum, "stratum")?;
        let psu = nonempty(self.psu, "psu")?;
        let fpc = self.fpc.map(|i| parse_fpc(cell(i), &self.numbers)).transpose()?;
        let segment = self.segment.map(|i| match cell(i) {
            "" => MISSING_SEGMENT,
            text => text,
        });
        let mut calibration = [""; MAX_CALIBRATION_VARS];
        for ((name, i), level) in self.calibration.iter().zip(calibration.iter_mut()) {
            *level = match cell(*i) {
                "" => {
                    return Err(format!(
                        "empty `{name}` (a weighting variable: the row cannot be weighted)"
                    ));
                }
                // The unit separator joins the levels of a calibration cell: in a level it would
                // move the respondent into another variable's level.
                text if text.contains('\u{1f}') => {
                    return Err(format!("`{name}` holds a control character (U+001F)"));
                }
                text => text,
            };
        }
        Ok(Row {
            wave,
            respondent,
            weight,
            stratum,
            psu,
            fpc,
            segment,
            calibration,
            weighting: self.calibration.len(),
        })
    }

    /// The rules on the whole record: not blank, as wide as the header, valid text.
    fn shape(&self, cells: &[&str]) -> Result<(), String> {
        if cells.iter().all(|c| trim(c).is_empty()) {
            return Err(BLANK_ROW.to_string());
        }
        if cells.len() != self.width {
            return Err(format!(
                "ragged row: {} fields where the header has {}",
                cells.len(),
                self.width
            ));
        }
        if let Some(names) = &self.lossy
            && let Some(i) = cells.iter().position(|c| c.contains('\u{FFFD}'))
        {
            let name = names.get(i).map_or("", String::as_str);
            return Err(format!("invalid bytes in column `{name}` (not valid text)"));
        }
        Ok(())
    }
}

impl Row<'_> {
    /// The respondent's answer as the careful readers keep it; a row without an id is named by its line.
    pub fn answer(&self, line: u64, labels: Vec<String>) -> RawAnswer {
        let owned = |text: Option<&str>| text.map(str::to_string);
        RawAnswer {
            line,
            respondent: self.respondent.map_or_else(|| format!("line-{line}"), str::to_string),
            wave: self.wave,
            labels,
            weight: self.weight,
            stratum: owned(self.stratum),
            psu: owned(self.psu),
            fpc: self.fpc,
            segment: owned(self.segment),
            calibration: self.cal_name(),
        }
    }
}

/// `str::trim`, without its character walk when the ends are plain ASCII (nearly every cell).
pub fn trim(cell: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !(*b as char).is_whitespace());
    let bytes = cell.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        cell
    } else {
        cell.trim()
    }
}

/// A wave: a year or a wave number, so 1 or more (`0` and `-2024` are typing slips, not waves).
pub fn parse_wave(text: &str) -> Result<i32, String> {
    match text.parse::<i32>() {
        Ok(wave) if wave >= 1 => Ok(wave),
        Ok(_) => Err(format!("wave `{text}` is not a year or wave number (1 or more)")),
        Err(_) => Err(format!("wave `{text}` is not a whole number")),
    }
}

/// A usable survey weight: finite, from `MIN_WEIGHT` to `MAX_WEIGHT`, read with the file's decimal mark.
pub fn parse_weight(text: &str, numbers: &Numbers) -> Result<f64, String> {
    match numbers.value("weight", text)? {
        Some(w) if w.is_finite() && w > MAX_WEIGHT => {
            Err(format!("weight `{}` is larger than {MAX_WEIGHT:e}", text.trim()))
        }
        Some(w) if w > 0.0 && w < MIN_WEIGHT => Err(format!(
            "weight `{}` is smaller than {MIN_WEIGHT:e} (its square underflows; rescale the weights)",
            text.trim()
        )),
        Some(w) if w.is_finite() && w > 0.0 => Ok(w),
        Some(w) => Err(format!("weight `{w}` is not above zero")),
        None if text.is_empty() => Err("missing weight".to_string()),
        None => Err(format!("weight `{text}` is not a number")),
    }
}

/// A finite population correction: a population size (>= 1) or a sampling fraction in (0, 1].
pub fn parse_fpc(text: &str, numbers: &Numbers) -> Result<f64, String> {
    match numbers.value("fpc", text)? {
        Some(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!("fpc `{text}` is not a positive number")),
    }
}

impl Rules {
    /// The file's decimal mark: `given`, or what the sampled weight and fpc cells (`cells(i)`
    /// gives column `i`'s) settle. Both readers decide from the same sample.
    pub fn decide_numbers<'a, I: Iterator<Item = &'a str>>(
        &mut self,
        given: Option<Decimal>,
        cells: impl Fn(usize) -> I,
        delimiter: u8,
    ) {
        let columns = [self.weight, self.fpc];
        self.numbers = Numbers::decide(given, columns.into_iter().flatten().flat_map(cells), delimiter);
    }
}

#[cfg(test)]
mod tests;
