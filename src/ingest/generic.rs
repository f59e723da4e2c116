//! Respondent-level CSV: one row per respondent, the department answer in one cell.

use std::collections::BTreeSet;
use std::path::Path;

use csv::StringRecord;

use super::rules::{Rules, Wave, trim};
use super::{InputSpec, RawInput, read_text, sniff, survey};
use crate::error::{Error, Result};
use crate::taxonomy::{self, Taxonomy};

pub(super) const WAVE_COLUMNS: &[&str] = &["year", "wave", "jahr", "welle"];
pub(super) const RESPONDENT_COLUMNS: &[&str] = &[
    "respondent",
    "respondent id",
    "respondentid",
    "id",
    "responseid",
    "response id",
];

// The rules and their parsers live in `rules`; these names stay here for the code that used them.
pub use super::rules::{MAX_WEIGHT, MISSING_SEGMENT};

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
    let columns = Columns::resolve(spec, &headers, taxonomy, &mut notes, cells, delimiter)?;
    let mut input = RawInput::new(spec);
    input.notes = notes;
    let mut rules = columns.rules;
    rules.lossy = decoded.lossy.then(|| headers.clone());
    let mut seen = BTreeSet::new();
    let mut cells: Vec<&str> = Vec::with_capacity(headers.len());
    for (line, record) in &records {
        cells.clear();
        cells.extend(record.iter());
        match rules.row(&cells, &mut seen) {
            Ok(row) => input.accept(row.answer(*line, split_labels(trim(cells[columns.dept]), spec, taxonomy))),
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
    let mut lines = sniff::LineCounter::new(text, delimiter);
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

/// Column positions used for one file (both readers resolve them the same way): the department
/// cell, and the columns the row rules read.
pub(crate) struct Columns {
    pub(crate) dept: usize,
    pub(crate) rules: Rules,
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
        delimiter: u8,
    ) -> Result<Self> {
        let path = spec.path.as_path();
        let wave = match (&spec.wave_col, spec.wave) {
            (Some(name), _) => Wave::Column(find_column(path, headers, name)?),
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
                None => Wave::Fixed(year),
            },
            (None, None) => Wave::Column(find_any(headers, WAVE_COLUMNS).ok_or_else(|| Error::NoWave {
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
        let calibration = spec
            .calibration_cols
            .iter()
            .map(|name| Ok((name.clone(), find_column(path, headers, name)?)))
            .collect::<Result<Vec<_>>>()?;
        let dept = match &spec.dept_col {
            Some(name) => find_column(path, headers, name)?,
            None => {
                let wave = match wave {
                    Wave::Column(i) => Some(i),
                    Wave::Date(_) | Wave::Fixed(_) => None,
                };
                let mut skip = vec![wave, respondent, weight, stratum, psu, fpc, segment];
                skip.extend(calibration.iter().map(|(_, i)| Some(*i)));
                let (index, score) =
                    best_department_column(spec, headers, taxonomy, &skip, &cells).ok_or_else(|| {
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
        let rules = Rules {
            width: headers.len(),
            wave,
            respondent,
            weight,
            stratum,
            psu,
            fpc,
            segment,
            calibration,
            lossy: None,
            numbers: Default::default(),
        };
        let mut rules = rules;
        let used = [Some(dept), wave_column(rules.wave), rules.respondent, rules.weight];
        let used = used
            .into_iter()
            .chain([rules.stratum, rules.psu, rules.fpc, rules.segment]);
        for i in used.flatten() {
            unique_name(path, headers, i)?;
        }
        rules.decide_numbers(spec.decimal, &cells, delimiter);
        if rules.weight.is_some() || rules.fpc.is_some() {
            notes.push(format!("{}: {}", path.display(), rules.numbers.describe()));
        }
        Ok(Columns { dept, rules })
    }
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

fn wave_column(wave: Wave) -> Option<usize> {
    match wave {
        Wave::Column(i) | Wave::Date(i) => Some(i),
        Wave::Fixed(_) => None,
    }
}

/// A column the tool reads must be the only one of its name: with two, which one holds the data
/// is a guess (the first used to win silently). Empty names are no names (SurveyMonkey leaves
/// continuation columns blank): such a column is found by its values, never by name.
fn unique_name(path: &Path, headers: &[String], i: usize) -> Result<()> {
    if headers[i].is_empty() {
        return Ok(());
    }
    let same: Vec<usize> = (0..headers.len())
        .filter(|&j| headers[j].eq_ignore_ascii_case(&headers[i]))
        .collect();
    if same.len() < 2 {
        return Ok(());
    }
    let numbers: Vec<String> = same.iter().map(|j| (j + 1).to_string()).collect();
    Err(Error::Options {
        path: path.to_path_buf(),
        reason: format!(
            "`{}` is the name of columns {} in the header; rename all but one so it is clear which holds the data",
            headers[i],
            numbers.join(" and ")
        ),
    })
}

fn find_column(path: &Path, headers: &[String], name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(name)))
        // A non-breaking space or other punctuation in a header the user typed plainly.
        .or_else(|| {
            let wanted = taxonomy::normalize(name);
            headers
                .iter()
                .position(|h| !wanted.is_empty() && taxonomy::normalize(h) == wanted)
        })
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
