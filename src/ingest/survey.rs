//! The parsed shape every survey-tool reader produces (columns with their header texts, questions,
//! metadata columns), and the header-row splitting they share.

use std::path::Path;

use csv::StringRecord;

use super::{InputFormat, sniff};
use crate::error::{Error, Result};
use crate::taxonomy::normalize;

/// Data rows with their 1-based line numbers.
pub type Records = Vec<(u64, StringRecord)>;

/// One column of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Export tag or heading (first header row): what `--dept-col` usually names.
    pub name: String,
    /// Question text (a later header row, or the heading's own text).
    pub text: String,
}

impl Column {
    /// True when `name` is this column's tag or heading, its second-row text, or both joined.
    pub fn answers_to(&self, name: &str) -> bool {
        let wanted = normalize(name);
        let same = |text: &str| !wanted.is_empty() && normalize(text) == wanted;
        self.name.eq_ignore_ascii_case(name)
            || same(&self.name)
            || same(&self.text)
            || same(&format!("{} {}", self.name, self.text))
    }

    /// Columns named by a single header row, the name doubling as the question text.
    pub fn from_header(header_rows: &[Vec<String>]) -> Vec<Column> {
        let first = header_rows.first().map_or(&[][..], Vec::as_slice);
        first
            .iter()
            .map(|h| Column {
                name: h.clone(),
                text: h.clone(),
            })
            .collect()
    }
}

/// A part of a question: a column whose cell holds the answer, or one option of a broken-out question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub column: usize,
    /// The option this column stands for; `None` when the cell itself holds the answer text.
    pub option: Option<String>,
}

/// One question: its code (export tag, LimeSurvey code, or heading), text and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub code: String,
    pub text: String,
    pub parts: Vec<Part>,
}

impl Question {
    /// Broken out one column per option: a checkbox question, read as multiple choice.
    pub fn is_broken_out(&self) -> bool {
        self.parts.iter().filter(|p| p.option.is_some()).count() > 1
    }

    /// The option labels the header rows name.
    pub fn options(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| p.option.as_deref())
    }

    /// True when `name` is what a user would type for this question: its code, its text, or one of
    /// its columns' tag, second-row text or both joined (`Q3 Who runs it?`, as `inspect` shows them).
    pub fn answers_to(&self, name: &str, columns: &[Column]) -> bool {
        let wanted = normalize(name);
        let same = |text: &str| !wanted.is_empty() && normalize(text) == wanted;
        self.code.eq_ignore_ascii_case(name)
            || same(&self.text)
            || self
                .parts
                .iter()
                .filter_map(|p| columns.get(p.column))
                .any(|c| c.answers_to(name))
    }
}

/// How an export marks a response as unfinished.
#[derive(Debug, Clone, Copy)]
pub struct Completion {
    pub column: usize,
    /// True when the cell marks the response as incomplete.
    pub incomplete: fn(&str) -> bool,
    /// Why, for rejects.csv ("Finished = 0").
    pub what: &'static str,
}

impl Completion {
    /// An export that leaves a date (`submitdate`, `Submit Date`) empty on an unfinished response.
    pub fn when_empty(column: usize, what: &'static str) -> Completion {
        Completion {
            column,
            incomplete: str::is_empty,
            what,
        }
    }
}

/// A survey-tool export, parsed but not yet interpreted row by row.
#[derive(Debug, Clone)]
pub struct Survey {
    pub format: InputFormat,
    pub encoding: &'static str,
    pub lossy: bool,
    pub delimiter: u8,
    pub header_rows: usize,
    pub columns: Vec<Column>,
    pub records: Records,
    pub questions: Vec<Question>,
    pub respondent: Option<usize>,
    pub completion: Option<Completion>,
    /// Start or submit date: the wave's year when none is given.
    pub date: Option<usize>,
    /// Separator of several choices joined in one cell.
    pub joiner: &'static str,
    /// Write-in columns (an "Other (please specify)" text beside an answer column): free text,
    /// listed by `inspect`, never read as an answer.
    pub write_ins: Vec<usize>,
}

impl Survey {
    /// A survey-tool export as its reader laid it out, before the reader points out its metadata
    /// columns (respondent, date, completion), which it finds by name once the columns exist.
    /// Every tool export read here joins several choices in one cell with a comma.
    pub fn new(
        format: InputFormat,
        decoded: &sniff::Decoded,
        delimiter: u8,
        header_rows: usize,
        columns: Vec<Column>,
        questions: Vec<Question>,
        records: Records,
    ) -> Survey {
        Survey {
            format,
            encoding: decoded.encoding,
            lossy: decoded.lossy,
            delimiter,
            header_rows,
            columns,
            records,
            questions,
            respondent: None,
            completion: None,
            date: None,
            joiner: ",",
            write_ins: Vec::new(),
        }
    }

    /// Column index by tag or heading (exact, then any case, then by its text, then as `answers_to`
    /// reads names: punctuation and non-breaking spaces aside).
    pub fn find(&self, name: &str) -> Option<usize> {
        let cols = &self.columns;
        cols.iter()
            .position(|c| c.name == name)
            .or_else(|| cols.iter().position(|c| c.name.eq_ignore_ascii_case(name)))
            .or_else(|| cols.iter().position(|c| c.text.eq_ignore_ascii_case(name)))
            .or_else(|| cols.iter().position(|c| c.answers_to(name)))
    }

    /// The first column named like any of `names` (normalized).
    pub fn find_any(&self, names: &[&str]) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| names.contains(&normalize(&c.name).as_str()) || names.contains(&normalize(&c.text).as_str()))
    }

    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// Splits a file into `header_rows` header records and the data records after them; blank
/// records are skipped, an oversized cell is an error naming its line and column.
pub fn split_rows(path: &Path, text: &str, delimiter: u8, header_rows: usize) -> Result<(Vec<Vec<String>>, Records)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut headers: Vec<Vec<String>> = Vec::new();
    let mut records = Vec::new();
    // csv's own line numbers skip blank lines; counting newlines up to each record's end does not.
    let (bytes, mut counted, mut end_line) = (text.as_bytes(), 0usize, 1u64);
    let mut iter = reader.records();
    while let Some(record) = iter.next() {
        let record = record.map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: e.position().map_or(1, csv::Position::line),
            reason: e.to_string(),
        })?;
        let end = (iter.reader().position().byte() as usize).min(bytes.len());
        if end > counted {
            end_line += bytes[counted..end].iter().filter(|b| **b == b'\n').count() as u64;
            counted = end;
        }
        let inside = record
            .iter()
            .map(|c| c.bytes().filter(|b| *b == b'\n').count() as u64)
            .sum::<u64>();
        let terminated = u64::from(bytes[..end].ends_with(b"\n"));
        let line = end_line.saturating_sub(terminated + inside).max(1);
        check_cells(path, line, &record)?;
        if headers.len() < header_rows {
            headers.push(record.iter().map(|c| c.trim().to_string()).collect());
        } else if record.iter().any(|cell| !cell.trim().is_empty()) {
            records.push((line, record));
        }
    }
    if headers.len() < header_rows || headers.first().is_none_or(|h| h.iter().all(String::is_empty)) {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: headers.len() as u64 + 1,
            reason: format!("expected {header_rows} header row(s) before the data"),
        });
    }
    if records.is_empty() {
        return Err(Error::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    Ok((headers, records))
}

/// A cell over `MAX_CELL_BYTES` is a broken quote or pasted data, not an answer.
pub fn check_cells(path: &Path, line: u64, record: &StringRecord) -> Result<()> {
    match record.iter().position(|c| c.len() > sniff::MAX_CELL_BYTES) {
        Some(column) => Err(Error::Parse {
            path: path.to_path_buf(),
            line,
            reason: format!(
                "column {}: a cell of {} bytes is larger than the {} byte limit (an unclosed quote?)",
                column + 1,
                record.get(column).map_or(0, str::len),
                sniff::MAX_CELL_BYTES
            ),
        }),
        None => Ok(()),
    }
}

/// Whether column `column` looks like one option of a checkbox question: every filled cell in the
/// first thousand rows holds `option` itself (a ticked box), however many are empty.
pub fn holds_only(records: &Records, column: usize, option: &str) -> bool {
    let wanted = normalize(option);
    !wanted.is_empty()
        && records
            .iter()
            .take(1000)
            .filter_map(|(_, r)| r.get(column))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .all(|c| normalize(c) == wanted)
}

/// An "Other" option (`Other`, `Other (please specify)`, `Sonstige`), whose checkbox column holds
/// what the respondent wrote rather than the option's text.
pub fn is_other_option(option: &str) -> bool {
    let n = normalize(option);
    ["other", "sonstige", "sonstiges", "andere", "otro", "otra"]
        .iter()
        .any(|o| n == *o || n.starts_with(&format!("{o} ")))
}

/// In a question with an answer column (a cell holding the chosen option), any option column
/// beside it is a write-in ("Other (please specify)" text): taken out of the question and returned.
pub fn set_apart_write_ins(questions: &mut [Question]) -> Vec<usize> {
    let mut write_ins = Vec::new();
    for q in questions.iter_mut() {
        if q.parts.iter().any(|p| p.option.is_none()) {
            write_ins.extend(q.parts.iter().filter(|p| p.option.is_some()).map(|p| p.column));
            q.parts.retain(|p| p.option.is_none());
        }
    }
    write_ins
}

/// Header cell `i` of header row `row`, empty when the row is short.
pub fn header(headers: &[Vec<String>], row: usize, i: usize) -> String {
    headers.get(row).and_then(|r| r.get(i)).cloned().unwrap_or_default()
}

/// The year of a date cell such as `2023-05-01 10:00:00`, `5/1/2023 9:14:02` or `01.05.2023`, or
/// a two-digit year as SurveyMonkey and spreadsheets write it (`7/10/14 18:37`: 2014).
pub fn year_of(text: &str) -> Option<i32> {
    let four = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| run.parse::<i32>().ok())
        .find(|year| (1900..=2100).contains(year));
    four.or_else(|| {
        let date = text.trim().split(' ').next()?;
        let parts: Vec<&str> = date.split(['/', '.']).collect();
        let digits = |p: &&str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
        match parts.as_slice() {
            [_, _, yy] if parts.iter().all(digits) && yy.len() == 2 => yy.parse::<i32>().ok().map(|y| 2000 + y),
            _ => None,
        }
    })
}

/// An option label as the questionnaire wrote it. "Other (please specify)" stays whole: a study may
/// declare it as an option of its own, and the taxonomy reads the instruction when it does not.
pub fn clean_option(label: &str) -> String {
    label.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_dates() {
        assert_eq!(year_of("2023-05-01 10:00:00"), Some(2023));
        assert_eq!(year_of("5/1/2021 9:14:02"), Some(2021));
        assert_eq!(year_of("01.05.2019 10:00"), Some(2019));
        assert_eq!(year_of("7/10/14 18:37"), Some(2014));
        assert_eq!(year_of("3/11/20"), Some(2020));
        assert_eq!(year_of("12345"), None);
        assert_eq!(year_of("1/2"), None);
        assert_eq!(year_of("10:00"), None);
        assert_eq!(year_of(""), None);
    }

    #[test]
    fn option_texts_stay_as_written() {
        assert_eq!(clean_option(" Other (please specify)"), "Other (please specify)");
        assert_eq!(clean_option("Sonstige (bitte angeben)"), "Sonstige (bitte angeben)");
        assert_eq!(clean_option("PR (Presse)"), "PR (Presse)");
    }

    #[test]
    fn header_rows_and_oversized_cells() {
        let path = Path::new("x.csv");
        let (headers, records) = split_rows(path, "a,b\nA,B\n1,2\n\n3,4\n", b',', 2).unwrap();
        assert_eq!(headers, vec![vec!["a", "b"], vec!["A", "B"]]);
        assert_eq!(records.iter().map(|r| r.0).collect::<Vec<_>>(), vec![3, 5]);
        assert!(matches!(
            split_rows(path, "a,b\nA,B\n", b',', 2),
            Err(Error::HeaderOnly { .. })
        ));
        let big = format!("a,b\n1,{}\n", "x".repeat(sniff::MAX_CELL_BYTES + 1));
        let err = split_rows(path, &big, b',', 1).unwrap_err().to_string();
        assert!(err.starts_with("x.csv:2: column 2: a cell of"), "{err}");
    }
}
