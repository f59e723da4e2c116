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

/// The segment of a respondent whose `--by` cell is empty: the respondent still counts overall.
pub const MISSING_SEGMENT: &str = "(missing)";

/// The reason a row of blank cells is rejected (readers count those rows apart).
pub const BLANK_ROW: &str = "empty row (every cell is blank)";

/// Weights above this are refused: squared and summed over millions of respondents they would
/// overflow to infinity and turn every standard error into NaN. No survey weights a respondent as
/// 1e100 people.
pub const MAX_WEIGHT: f64 = 1e100;

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
    /// Column names, kept only when the text was decoded with replacement characters: a cell
    /// holding one rejects its row.
    pub lossy: Option<Vec<String>>,
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
        let weight = self.weight.map_or(Ok(1.0), |i| parse_weight(cell(i)))?;
        let nonempty = |i: Option<usize>, what: &str| match i.map(cell) {
            Some("") => Err(format!("empty {what}")),
            text => Ok(text),
        };
        let stratum = nonempty(self.stratum, "stratum")?;
        let psu = nonempty(self.psu, "psu")?;
        let fpc = self.fpc.map(|i| parse_fpc(cell(i))).transpose()?;
        let segment = self.segment.map(|i| match cell(i) {
            "" => MISSING_SEGMENT,
            text => text,
        });
        Ok(Row {
            wave,
            respondent,
            weight,
            stratum,
            psu,
            fpc,
            segment,
        })
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

pub fn parse_wave(text: &str) -> Result<i32, String> {
    text.parse::<i32>()
        .map_err(|_| format!("wave `{text}` is not a whole number"))
}

/// A usable survey weight: finite, above zero and at most `MAX_WEIGHT` (a decimal comma is accepted).
pub fn parse_weight(text: &str) -> Result<f64, String> {
    match parse_decimal(text) {
        Some(w) if w.is_finite() && w > MAX_WEIGHT => {
            Err(format!("weight `{}` is larger than {MAX_WEIGHT:e}", text.trim()))
        }
        Some(w) if w.is_finite() && w > 0.0 => Ok(w),
        Some(w) => Err(format!("weight `{w}` is not above zero")),
        None if text.is_empty() => Err("missing weight".to_string()),
        None => Err(format!("weight `{text}` is not a number")),
    }
}

/// A finite population correction: a population size (>= 1) or a sampling fraction in (0, 1].
pub fn parse_fpc(text: &str) -> Result<f64, String> {
    match parse_decimal(text) {
        Some(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!("fpc `{text}` is not a positive number")),
    }
}

/// Parses `1.5` or German `1,5`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    text.parse::<f64>().ok().or_else(|| {
        if text.contains('.') {
            None
        } else {
            text.replacen(',', ".", 1).parse().ok()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// id, wave, weight, stratum, psu, fpc, size, department.
    fn rules() -> Rules {
        Rules {
            width: 8,
            wave: Wave::Column(1),
            respondent: Some(0),
            weight: Some(2),
            stratum: Some(3),
            psu: Some(4),
            fpc: Some(5),
            segment: Some(6),
            lossy: None,
        }
    }

    fn check(rules: &Rules, row: &str, keys: &mut BTreeSet<(i32, String)>) -> Result<String, String> {
        let cells: Vec<&str> = row.split(',').collect();
        rules.row(&cells, keys).map(|r| format!("{r:?}"))
    }

    #[test]
    fn each_rule_gives_its_reason() {
        let rules = rules();
        let mut keys = BTreeSet::new();
        let cases = [
            (" , ,,,,,,", BLANK_ROW.to_string()),
            ("1,2020,1", "ragged row: 3 fields where the header has 8".to_string()),
            ("1,x,1,s,p,10,big,PR", "wave `x` is not a whole number".to_string()),
            (" ,2020,1,s,p,10,big,PR", "empty respondent id".to_string()),
            ("1,2020,0,s,p,10,big,PR", "weight `0` is not above zero".to_string()),
            // The row above took id 1 before its weight was refused.
            (
                "1,2020,1,s,p,10,big,PR",
                "duplicate respondent `1` in wave 2020".to_string(),
            ),
            ("2,2020,-1,s,p,10,big,PR", "weight `-1` is not above zero".to_string()),
            ("3,2020,abc,s,p,10,big,PR", "weight `abc` is not a number".to_string()),
            ("4,2020,,s,p,10,big,PR", "missing weight".to_string()),
            ("5,2020,1, ,p,10,big,PR", "empty stratum".to_string()),
            ("6,2020,1,s,,10,big,PR", "empty psu".to_string()),
            ("7,2020,1,s,p,0,big,PR", "fpc `0` is not a positive number".to_string()),
        ];
        for (row, reason) in cases {
            assert_eq!(check(&rules, row, &mut keys), Err(reason), "{row}");
        }
        // The same id in another wave is another respondent.
        assert!(check(&rules, "1,2021,1,s,p,10,big,PR", &mut keys).is_ok());
    }

    #[test]
    fn the_first_failing_rule_in_the_fixed_order_names_the_row() {
        let rules = rules();
        let mut keys = BTreeSet::new();
        // Bad wave and empty id: the wave is checked first.
        assert_eq!(
            check(&rules, ",x,0,,,0,,", &mut keys),
            Err("wave `x` is not a whole number".to_string())
        );
        // Bad weight, empty stratum and psu, bad fpc: the weight.
        assert_eq!(
            check(&rules, "9,2020,0,,,0,,", &mut keys),
            Err("weight `0` is not above zero".to_string())
        );
        // Empty stratum and psu: the stratum.
        assert_eq!(
            check(&rules, "10,2020,1,,,0,,", &mut keys),
            Err("empty stratum".to_string())
        );
    }

    #[test]
    fn an_accepted_row_borrows_trimmed_cells_and_an_empty_segment_is_missing() {
        let rules = rules();
        let cells = [" r1 ", " 2020", "1,5", " s1", "p1 ", "100", "  ", "Marketing"];
        let row = rules.row(&cells, &mut BTreeSet::new()).unwrap();
        assert_eq!(
            row,
            Row {
                wave: 2020,
                respondent: Some("r1"),
                weight: 1.5,
                stratum: Some("s1"),
                psu: Some("p1"),
                fpc: Some(100.0),
                segment: Some(MISSING_SEGMENT),
            }
        );
        let answer = row.answer(7, vec!["Marketing".into()]);
        assert_eq!(
            (answer.respondent.as_str(), answer.segment.as_deref()),
            ("r1", Some("(missing)"))
        );
    }

    #[test]
    fn without_id_column_rows_are_named_by_line_and_never_duplicates() {
        let rules = Rules {
            width: 2,
            wave: Wave::Fixed(2022),
            respondent: None,
            weight: None,
            stratum: None,
            psu: None,
            fpc: None,
            segment: None,
            lossy: None,
        };
        let mut keys = BTreeSet::new();
        for line in [2, 3] {
            let row = rules.row(&["a", "PR"], &mut keys).unwrap();
            assert_eq!((row.wave, row.weight, row.respondent), (2022, 1.0, None));
            assert_eq!(row.answer(line, Vec::new()).respondent, format!("line-{line}"));
        }
        assert!(keys.is_empty());
    }

    #[test]
    fn dates_and_invalid_bytes() {
        let rules = Rules {
            width: 2,
            wave: Wave::Date(0),
            respondent: None,
            weight: None,
            stratum: None,
            psu: None,
            fpc: None,
            segment: None,
            lossy: Some(vec!["Date".into(), "Q2".into()]),
        };
        let mut keys = BTreeSet::new();
        assert_eq!(rules.row(&["5/1/2024 9:00", "PR"], &mut keys).unwrap().wave, 2024);
        assert_eq!(
            rules.row(&["soon", "PR"], &mut keys),
            Err("no year in date `soon`".to_string())
        );
        // Invalid bytes come before the wave.
        assert_eq!(
            rules.row(&["soon", "P\u{FFFD}"], &mut keys),
            Err("invalid bytes in column `Q2` (not valid text)".to_string())
        );
    }

    #[test]
    fn absurd_weights_are_refused_not_overflowed() {
        assert_eq!(parse_weight("1e100"), Ok(1e100));
        assert_eq!(
            parse_weight("1e300"),
            Err("weight `1e300` is larger than 1e100".to_string())
        );
        assert_eq!(parse_weight("0"), Err("weight `0` is not above zero".to_string()));
        assert!(parse_weight("inf").is_err());
    }

    #[test]
    fn fast_trim_is_str_trim() {
        for cell in ["", " ", "a", " a", "a ", "\ta\n", "é ", " é", "\u{a0}x\u{a0}", "a b"] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }

    /// The plain CSV and the Qualtrics export of `tests/data/rows` hold the same data rows (the
    /// export two lines further down): the two careful readers give the same answers and rejects.
    #[test]
    fn plain_csv_and_a_survey_export_keep_the_same_respondents() {
        use crate::ingest::{InputSpec, RawInput, read_bytes};
        let read = |name: &str, text: &str| -> RawInput {
            let mut spec = InputSpec::new(name);
            spec.weight_col = Some("weight".into());
            spec.strata_col = Some("region".into());
            spec.psu_col = Some("psu".into());
            spec.fpc_col = Some("fpc".into());
            spec.by_col = Some("size".into());
            read_bytes(&spec, text.as_bytes(), &crate::taxonomy::Taxonomy::builtin()).unwrap()
        };
        let csv = read("awkward.csv", include_str!("../../tests/data/rows/awkward.csv"));
        let export = read(
            "awkward-qualtrics.csv",
            include_str!("../../tests/data/rows/awkward-qualtrics.csv"),
        );
        assert_eq!(export.spec.path, std::path::Path::new("awkward-qualtrics.csv"));
        assert_eq!(csv.summary, export.summary);
        assert_eq!((csv.summary.rows_accepted, csv.summary.rows_rejected), (9, 12));
        let moved: Vec<_> = csv
            .answers
            .iter()
            .map(|a| crate::ingest::RawAnswer {
                line: a.line + 2,
                ..a.clone()
            })
            .collect();
        assert_eq!(moved, export.answers);
        let reasons = |input: &RawInput, offset: u64| -> Vec<(u64, String)> {
            input
                .rejects
                .iter()
                .map(|r| (r.line + offset, r.reason.clone()))
                .collect()
        };
        assert_eq!(reasons(&csv, 2), reasons(&export, 0));
        let r12 = csv.answers.iter().find(|a| a.respondent == "R_12").unwrap();
        assert_eq!((r12.line, r12.segment.as_deref()), (15, Some(MISSING_SEGMENT)));
        let r13 = csv.answers.iter().find(|a| a.respondent == "R_13").unwrap();
        assert!(r13.labels.is_empty());
    }
}
