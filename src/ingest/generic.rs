//! Respondent-level CSV: one row per respondent, the department answer in one cell.

use std::collections::BTreeSet;
use std::path::Path;

use csv::StringRecord;

use super::{InputSpec, RawAnswer, RawInput, read_text, sniff, survey};
use crate::error::{Error, Result};
use crate::taxonomy::{self, Taxonomy};

pub(super) const WAVE_COLUMNS: &[&str] = &["year", "wave", "jahr", "welle"];
const RESPONDENT_COLUMNS: &[&str] = &[
    "respondent",
    "respondent id",
    "respondentid",
    "id",
    "responseid",
    "response id",
];

/// Column names that say the column holds departments, whatever its values.
const DEPARTMENT_COLUMNS: &[&str] = &[
    "department",
    "departments",
    "dept",
    "abteilung",
    "abteilungen",
    "team",
    "bereich",
    "division",
    "unit",
];

/// The segment of a respondent whose `--by` cell is empty.
pub const MISSING_SEGMENT: &str = "(missing)";

/// Reads `spec.path`; file-level problems are errors, row-level problems become rejects.
pub fn read(spec: &InputSpec, taxonomy: &Taxonomy) -> Result<RawInput> {
    read_decoded(spec, &read_text(&spec.path)?, taxonomy)
}

/// Reads the decoded text of `spec.path`.
pub fn read_decoded(spec: &InputSpec, decoded: &sniff::Decoded, taxonomy: &Taxonomy) -> Result<RawInput> {
    let path = spec.path.as_path();
    let delimiter = sniff::delimiter(&decoded.text);
    let (headers, records) = parse_records(path, &decoded.text, delimiter)?;
    let mut notes = vec![format!(
        "{}: {}, delimiter `{}`, {} data rows",
        path.display(),
        decoded.encoding,
        (delimiter as char).escape_default(),
        records.len()
    )];
    let cells = |i: usize| records.iter().take(1000).map(move |(_, r)| r.get(i).unwrap_or(""));
    let columns = Columns::resolve(spec, &headers, taxonomy, &mut notes, cells)?;
    let mut input = RawInput::new(spec);
    input.notes = notes;
    let mut seen = BTreeSet::new();
    for (line, record) in &records {
        let lossy = decoded.lossy && record.iter().any(|c| c.contains('\u{FFFD}'));
        if is_blank(record) {
            input.reject(*line, "empty row (every cell is blank)".to_string());
            continue;
        }
        match columns.answer(spec, taxonomy, *line, record, headers.len(), &mut seen) {
            Ok(_) if lossy => input.reject(*line, "invalid bytes in a cell (not valid text)".to_string()),
            Ok(answer) => input.accept(answer),
            Err(reason) => input.reject(*line, reason),
        }
    }
    Ok(input)
}

type Records = Vec<(u64, StringRecord)>;

fn parse_records(path: &Path, text: &str, delimiter: u8) -> Result<(Vec<String>, Records)> {
    let text = &*sniff::blank_leading_comments(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let parse_err = |e: csv::Error| Error::Parse {
        path: path.to_path_buf(),
        line: e.position().map_or(1, csv::Position::line),
        reason: e.to_string(),
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(parse_err)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut records = Vec::new();
    let mut lines = sniff::LineCounter::new(text);
    let mut iter = reader.records();
    while let Some(record) = iter.next() {
        let record = record.map_err(parse_err)?;
        let line = lines.record_line(iter.reader().position().byte(), &record);
        survey::check_cells(path, line, &record)?;
        // A row of empty cells stays a record: it is rejected and counted, not skipped.
        records.push((line, record));
    }
    if records.iter().all(|(_, r)| is_blank(r)) {
        return Err(Error::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    Ok((headers, records))
}

fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

/// Column positions used for one file (both readers resolve them the same way).
pub(crate) struct Columns {
    pub(crate) dept: usize,
    pub(crate) wave: Option<usize>,
    pub(crate) respondent: Option<usize>,
    pub(crate) weight: Option<usize>,
    pub(crate) stratum: Option<usize>,
    pub(crate) psu: Option<usize>,
    pub(crate) fpc: Option<usize>,
    pub(crate) segment: Option<usize>,
}

impl Columns {
    /// Named columns must exist; the wave and id columns are found by name, the department column
    /// by its values (`cells(i)` gives the sampled cells of column `i`) unless `--dept-col` names it.
    pub(crate) fn resolve<'a, I: Iterator<Item = &'a str>>(
        spec: &InputSpec,
        headers: &[String],
        taxonomy: &Taxonomy,
        notes: &mut Vec<String>,
        cells: impl Fn(usize) -> I,
    ) -> Result<Self> {
        let path = spec.path.as_path();
        let wave = match (&spec.wave_col, spec.wave) {
            (Some(name), _) => Some(find_column(path, headers, name)?),
            (None, Some(year)) => match find_any(headers, WAVE_COLUMNS) {
                // A fixed year on a file with a year column would pool every wave under one label.
                Some(i) => {
                    return Err(Error::Options {
                        path: path.to_path_buf(),
                        reason: format!(
                            "the file has a wave column `{}`, so --wave {year} would put all its waves into {year}; \
                             use --wave-col {} (and --chart-wave {year} to draw one wave)",
                            headers[i], headers[i]
                        ),
                    });
                }
                None => None,
            },
            (None, None) => Some(find_any(headers, WAVE_COLUMNS).ok_or_else(|| Error::NoWave {
                path: path.to_path_buf(),
            })?),
        };
        let respondent = match &spec.respondent_col {
            Some(name) => Some(find_column(path, headers, name)?),
            None => find_any(headers, RESPONDENT_COLUMNS),
        };
        let optional = |name: &Option<String>| name.as_ref().map(|n| find_column(path, headers, n)).transpose();
        let (weight, stratum, psu) = (
            optional(&spec.weight_col)?,
            optional(&spec.strata_col)?,
            optional(&spec.psu_col)?,
        );
        let (fpc, segment) = (optional(&spec.fpc_col)?, optional(&spec.by_col)?);
        let dept = match &spec.dept_col {
            Some(name) => find_column(path, headers, name)?,
            None => {
                let skip = [wave, respondent, weight, stratum, psu, fpc, segment];
                let (index, score) =
                    best_department_column(spec, headers, taxonomy, &skip, cells).ok_or_else(|| {
                        Error::NoDepartmentColumn {
                            path: path.to_path_buf(),
                            reason: format!(
                                "no column holds department labels; pass --dept-col NAME (columns: {})",
                                headers.join(", ")
                            ),
                        }
                    })?;
                notes.push(format!(
                    "{}: using column `{}` for departments ({:.0}% of its values are known labels; --dept-col to choose)",
                    path.display(),
                    headers[index],
                    score * 100.0
                ));
                index
            }
        };
        Ok(Columns {
            dept,
            wave,
            respondent,
            weight,
            stratum,
            psu,
            fpc,
            segment,
        })
    }

    fn answer(
        &self,
        spec: &InputSpec,
        taxonomy: &Taxonomy,
        line: u64,
        record: &StringRecord,
        width: usize,
        seen: &mut BTreeSet<(i32, String)>,
    ) -> std::result::Result<RawAnswer, String> {
        if record.len() != width {
            return Err(format!(
                "ragged row: {} fields where the header has {width}",
                record.len()
            ));
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let wave = match (self.wave, spec.wave) {
            (Some(i), _) => parse_wave(cell(i))?,
            (None, Some(w)) => w,
            (None, None) => return Err("no wave".to_string()),
        };
        let respondent = match self.respondent {
            Some(i) if !cell(i).is_empty() => cell(i).to_string(),
            Some(_) => return Err("empty respondent id".to_string()),
            None => format!("line-{line}"),
        };
        if !seen.insert((wave, respondent.clone())) {
            return Err(format!("duplicate respondent `{respondent}` in wave {wave}"));
        }
        let weight = match self.weight {
            Some(i) => parse_weight(cell(i))?,
            None => 1.0,
        };
        let text = |i: Option<usize>, what: &str| match i {
            Some(i) if cell(i).is_empty() => Err(format!("empty {what}")),
            Some(i) => Ok(Some(cell(i).to_string())),
            None => Ok(None),
        };
        let (stratum, psu, segment) = (
            text(self.stratum, "stratum")?,
            text(self.psu, "psu")?,
            // A respondent without a segment still counts overall; its segment says so.
            self.segment.map(|i| {
                if cell(i).is_empty() {
                    MISSING_SEGMENT.to_string()
                } else {
                    cell(i).to_string()
                }
            }),
        );
        let fpc = match self.fpc {
            Some(i) => Some(parse_fpc(cell(i))?),
            None => None,
        };
        let labels = split_labels(cell(self.dept), spec, taxonomy);
        Ok(RawAnswer {
            line,
            respondent,
            wave,
            labels,
            weight,
            stratum,
            psu,
            fpc,
            segment,
        })
    }
}

pub(super) fn parse_wave(text: &str) -> std::result::Result<i32, String> {
    text.parse::<i32>()
        .map_err(|_| format!("wave `{text}` is not a whole number"))
}

/// Weights above this are refused: squared and summed over millions of respondents they would
/// overflow to infinity and turn every standard error into NaN. No survey weights a respondent as
/// 1e100 people.
pub const MAX_WEIGHT: f64 = 1e100;

/// A usable survey weight: finite, above zero and at most `MAX_WEIGHT` (a decimal comma is accepted).
pub(super) fn parse_weight(text: &str) -> std::result::Result<f64, String> {
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
pub(super) fn parse_fpc(text: &str) -> std::result::Result<f64, String> {
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

/// The labels in one department cell; none when the cell means "no answer" (an option the
/// study declares, such as `N/A`, is an answer).
pub fn split_labels(cell: &str, spec: &InputSpec, taxonomy: &Taxonomy) -> Vec<String> {
    if taxonomy.is_no_answer(cell) {
        return Vec::new();
    }
    match spec.choice {
        super::Choice::Single => vec![cell.to_string()],
        super::Choice::Multi => cell
            .split(spec.multi_sep.as_str())
            .map(str::trim)
            .filter(|label| !taxonomy.is_no_answer(label))
            .map(str::to_string)
            .collect(),
    }
}

fn find_column(path: &Path, headers: &[String], name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(name)))
        .ok_or_else(|| Error::MissingColumn {
            path: path.to_path_buf(),
            column: name.to_string(),
            available: headers.to_vec(),
        })
}

fn find_any(headers: &[String], names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.contains(&taxonomy::normalize(h).as_str()))
}

/// The column whose non-empty values best resolve in the taxonomy (more than half must), else
/// one named like a department column, so a typo in a small file is reported as an unknown label;
/// `column(i)` gives the sampled cells of column `i`. Both readers detect with this.
fn best_department_column<'a, I: Iterator<Item = &'a str>>(
    spec: &InputSpec,
    headers: &[String],
    taxonomy: &Taxonomy,
    skip: &[Option<usize>],
    column: impl Fn(usize) -> I,
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    let mut named: Option<(usize, f64)> = None;
    for index in (0..headers.len()).filter(|i| !skip.contains(&Some(*i))) {
        let (mut known, mut total) = (0usize, 0usize);
        for cell in column(index) {
            for label in split_labels(cell.trim(), spec, taxonomy) {
                total += 1;
                known += usize::from(taxonomy.resolve(&label).is_some());
            }
        }
        let score = if total == 0 { 0.0 } else { known as f64 / total as f64 };
        if score > 0.5 && best.is_none_or(|(_, b)| score > b) {
            best = Some((index, score));
        }
        if named.is_none() && total > 0 && DEPARTMENT_COLUMNS.contains(&taxonomy::normalize(&headers[index]).as_str()) {
            named = Some((index, score));
        }
    }
    best.or(named)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
