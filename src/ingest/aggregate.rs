//! Published tables: one figure a row, `wave, category` and a `percent`, `share` or `count`, with
//! optional `study, n, bound, label, source, choice, question`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::rules::numbers::{Decimal, Numbers, Unread, ambiguous};
use super::{Choice, read_text, sniff};
use crate::error::{Error, Result};

/// How a published figure constrains the computed share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// "35 %": the computed share must round to the published whole (or stated decimal) percent.
    Exact,
    /// "more than 35 %": the computed share, rounded the same way, must be at least the figure.
    AtLeast,
}

/// The default group's name (`stats::group::COMMUNICATIONS`, which a test keeps equal; ingest sits
/// below stats and does not reach up for it).
pub const DEFAULT_GROUP: &str = "communications";

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedFigure {
    pub line: u64,
    /// Empty when the table has no `study` column.
    pub study: String,
    pub wave: i32,
    pub category: String,
    pub label: String,
    /// Published percent as printed (35, 40.5), or derived from a count.
    pub percent: f64,
    /// Decimals printed in the source; the tolerance is half a unit of the last one.
    pub decimals: u32,
    pub n: Option<u64>,
    /// Respondents, when the table gives counts rather than percents.
    pub count: Option<u64>,
    /// The table gives no n for this count: n is the sum of the wave's department counts.
    pub n_inferred: bool,
    pub bound: Bound,
    pub source: String,
    pub choice: Option<Choice>,
    pub question: String,
}

/// The columns of one table, by position.
struct Layout {
    study: Option<usize>,
    wave: usize,
    category: usize,
    value: Value,
    n: Option<usize>,
    bound: Option<usize>,
    label: Option<usize>,
    source: Option<usize>,
    choice: Option<usize>,
    question: Option<usize>,
    /// The table's decimal mark, decided from its figure and n cells.
    numbers: Numbers,
}

/// Which column carries the figure.
#[derive(Clone, Copy)]
enum Value {
    Percent(usize),
    Share(usize),
    Count(usize),
}

impl Value {
    fn column(self) -> usize {
        match self {
            Value::Percent(i) | Value::Share(i) | Value::Count(i) => i,
        }
    }
}

/// Reads a published table; every malformed row is an error naming its line.
pub fn read_published(path: &Path) -> Result<Vec<PublishedFigure>> {
    read_published_with(path, None)
}

/// `read_published` with the decimal mark given (`--decimal`) or, when `None`, decided from the
/// table's figures: a cell the table does not settle (`1,500`) is an error naming its line.
pub fn read_published_with(path: &Path, decimal: Option<Decimal>) -> Result<Vec<PublishedFigure>> {
    let decoded = read_text(path)?;
    let text = sniff::blank_leading_comments(&decoded.text);
    let delimiter = sniff::delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let parse = |line: u64, reason: String| Error::Parse {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| parse(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut layout = Layout::find(path, &headers)?;
    let mut records = Vec::new();
    let mut lines = sniff::LineCounter::new(&text, delimiter);
    let mut iter = reader.records();
    while let Some(record) = iter.next() {
        let record = record.map_err(|e| parse(e.position().map_or(1, csv::Position::line), e.to_string()))?;
        let line = lines.record_line(iter.reader().position().byte(), &record);
        if !record.iter().all(|c| c.trim().is_empty()) {
            records.push((line, record));
        }
    }
    let numeric = [Some(layout.value.column()), layout.n];
    let cells = records
        .iter()
        .flat_map(|(_, r)| numeric.iter().flatten().filter_map(|&i| r.get(i)));
    layout.numbers = Numbers::decide(decimal, cells, delimiter);
    let mut figures = Vec::new();
    for (line, record) in &records {
        figures.push(layout.figure(record, *line).map_err(|reason| parse(*line, reason))?);
    }
    if figures.is_empty() {
        return Err(Error::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    complete_counts(&mut figures, &[DEFAULT_GROUP]).map_err(|(line, reason)| parse(line, reason))?;
    Ok(figures)
}

impl Layout {
    fn find(path: &Path, headers: &[String]) -> Result<Layout> {
        let column = |name: &str| headers.iter().position(|h| h == name);
        let required = |name: &str| {
            column(name).ok_or_else(|| Error::MissingColumn {
                path: path.to_path_buf(),
                column: name.to_string(),
                available: headers.to_vec(),
            })
        };
        let value = match (column("percent"), column("share"), column("count")) {
            (Some(i), _, _) => Value::Percent(i),
            (None, Some(i), _) => Value::Share(i),
            (None, None, Some(i)) => Value::Count(i),
            _ => {
                return Err(required("percent")
                    .err()
                    .unwrap_or(Error::Invalid("no percent column".into())));
            }
        };
        Ok(Layout {
            study: column("study"),
            wave: required("wave")?,
            category: required("category")?,
            value,
            n: column("n"),
            bound: column("bound"),
            label: column("label"),
            source: column("source"),
            choice: column("choice"),
            question: column("question"),
            numbers: Numbers::default(),
        })
    }

    fn figure(&self, record: &csv::StringRecord, line: u64) -> std::result::Result<PublishedFigure, String> {
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim().to_string();
        let wave_text = cell(Some(self.wave));
        let (percent, decimals, count) = match self.value {
            Value::Percent(i) => parse_percent(&cell(Some(i)), 1.0, &self.numbers)?,
            Value::Share(i) => parse_percent(&cell(Some(i)), 100.0, &self.numbers)?,
            Value::Count(i) => {
                let text = cell(Some(i));
                let count = parse_whole("count", &text, &self.numbers)?
                    .ok_or_else(|| format!("count `{text}` is not a whole number"))?;
                (f64::NAN, 0, Some(count))
            }
        };
        let study = cell(self.study);
        if !study.is_empty() {
            crate::study_id::check(&study)?;
        }
        Ok(PublishedFigure {
            line,
            study,
            wave: super::rules::parse_wave(&wave_text)?,
            category: cell(Some(self.category)),
            label: cell(self.label),
            percent,
            decimals,
            n: parse_n(&cell(self.n), &self.numbers)?,
            count,
            n_inferred: false,
            bound: parse_bound(&cell(self.bound))?,
            source: cell(self.source),
            choice: parse_choice(&cell(self.choice))?,
            question: cell(self.question),
        })
    }
}

/// Count tables: n is the wave's total of its department rows unless given (a group row such as
/// `communications` counts respondents already counted), and the percent follows from it. A count
/// above its n cannot be a share: an error naming its line.
fn complete_counts(figures: &mut [PublishedFigure], groups: &[&str]) -> std::result::Result<(), (u64, String)> {
    let mut totals: BTreeMap<(String, i32), u64> = BTreeMap::new();
    for f in figures.iter().filter(|f| !groups.contains(&f.category.as_str())) {
        if let Some(count) = f.count {
            *totals.entry((f.study.clone(), f.wave)).or_default() += count;
        }
    }
    for f in figures.iter_mut() {
        if let Some(count) = f.count {
            f.n_inferred = f.n.is_none();
            let n =
                *f.n.get_or_insert(totals.get(&(f.study.clone(), f.wave)).copied().unwrap_or(0));
            if count > n {
                return Err((
                    f.line,
                    format!("count {count} is more than n = {n}: a share cannot be above 100 %"),
                ));
            }
            f.percent = if n == 0 { 0.0 } else { count as f64 / n as f64 * 100.0 };
            f.decimals = 1;
        }
    }
    Ok(())
}

fn parse_percent(text: &str, scale: f64, numbers: &Numbers) -> std::result::Result<(f64, u32, Option<u64>), String> {
    let what = if scale == 1.0 { "percent" } else { "share" };
    let range = if scale == 1.0 { "0 and 100" } else { "0 and 1" };
    let reading = match numbers.read(text) {
        Ok(r) => Some(r),
        Err(Unread::NotANumber) => None,
        Err(Unread::Ambiguous { comma, point }) => return Err(ambiguous(what, text, comma, point)),
    };
    let value = reading
        .map(|r| r.value * scale)
        .filter(|v| (0.0..=100.0).contains(v))
        .ok_or_else(|| format!("{what} `{text}` is not a number between {range}"))?;
    let mark = reading.map_or('.', |r| if r.decimal == Decimal::Comma { ',' } else { '.' });
    let decimals = text.split_once(mark).map_or(0, |(_, d)| d.len() as u32);
    let decimals = if scale == 1.0 {
        decimals
    } else {
        decimals.saturating_sub(2)
    };
    Ok((value, decimals, None))
}

/// A whole number as printed (`1500`, or `1.500` / `1,500` where the table's mark makes it one).
fn parse_whole(what: &str, text: &str, numbers: &Numbers) -> std::result::Result<Option<u64>, String> {
    if let Ok(n) = text.parse::<u64>() {
        return Ok(Some(n));
    }
    let whole = |v: f64| v.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&v);
    Ok(numbers.value(what, text)?.filter(|v| whole(*v)).map(|v| v as u64))
}

fn parse_n(text: &str, numbers: &Numbers) -> std::result::Result<Option<u64>, String> {
    match text {
        "" => Ok(None),
        _ => match parse_whole("n", text, numbers)? {
            Some(0) | None => Err(format!("n `{text}` is not a whole number above zero")),
            Some(n) => Ok(Some(n)),
        },
    }
}

fn parse_bound(text: &str) -> std::result::Result<Bound, String> {
    match text {
        "" | "exact" => Ok(Bound::Exact),
        "at_least" => Ok(Bound::AtLeast),
        other => Err(format!("bound `{other}` is not `exact` or `at_least`")),
    }
}

fn parse_choice(text: &str) -> std::result::Result<Option<Choice>, String> {
    match text {
        "" => Ok(None),
        "single" => Ok(Some(Choice::Single)),
        "multi" | "multiple" => Ok(Some(Choice::Multi)),
        other => Err(format!("choice `{other}` is not `single` or `multi`")),
    }
}

impl PublishedFigure {
    /// Whether a computed share (a fraction) reproduces this figure under its bound.
    pub fn matches(&self, share: f64) -> bool {
        let scale = 10f64.powi(self.decimals as i32);
        // Snap away float noise first: 29/200 * 100 is 14.499999999999998, which is 14.5 and rounds to 15.
        let snap = |x: f64| ((x * 1e9).round() / 1e9).round();
        let computed = snap(share * 100.0 * scale) / scale;
        let published = snap(self.percent * scale) / scale;
        match self.bound {
            Bound::Exact => computed == published,
            Bound::AtLeast => computed >= published,
        }
    }

    /// The whole number of respondents out of `n` that gives the published percent, if any does.
    pub fn consistent_count(&self) -> Option<u64> {
        if let Some(count) = self.count {
            return Some(count);
        }
        let n = self.n?;
        let centre = (self.percent / 100.0 * n as f64).round() as u64;
        // The nearest whole count first; a neighbour may also round to the published figure.
        [centre, centre.saturating_sub(1), centre + 1]
            .into_iter()
            .find(|&x| x <= n && self.matches(x as f64 / n as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(percent: f64, decimals: u32, bound: Bound) -> PublishedFigure {
        PublishedFigure {
            line: 2,
            study: "s".into(),
            wave: 2010,
            category: "marketing".into(),
            label: String::new(),
            percent,
            decimals,
            n: None,
            count: None,
            n_inferred: false,
            bound,
            source: String::new(),
            choice: None,
            question: String::new(),
        }
    }

    #[test]
    fn whole_percent_matches_what_rounds_to_it() {
        let f = figure(35.0, 0, Bound::Exact);
        assert!(f.matches(0.35));
        assert!(f.matches(0.3549));
        assert!(f.matches(0.345));
        assert!(!f.matches(0.3551));
        assert!(!f.matches(0.344));
    }

    #[test]
    fn halves_round_up_despite_float_noise() {
        let f = figure(15.0, 0, Bound::Exact);
        assert!(f.matches(29.0 / 200.0));
        assert!(figure(13.0, 0, Bound::Exact).matches(1.0 / 8.0 + 0.005));
        assert!(figure(17.5, 1, Bound::Exact).matches(7.0 / 40.0));
        assert!(!figure(14.0, 0, Bound::Exact).matches(29.0 / 200.0));
    }

    #[test]
    fn decimals_and_lower_bounds() {
        assert!(figure(40.5, 1, Bound::Exact).matches(0.405));
        assert!(!figure(40.5, 1, Bound::Exact).matches(0.41));
        assert!(figure(35.0, 0, Bound::AtLeast).matches(0.40));
        assert!(!figure(35.0, 0, Bound::AtLeast).matches(0.33));
    }

    #[test]
    fn no_whole_count_of_278_gives_40_5_percent() {
        let mut f = figure(40.5, 1, Bound::Exact);
        f.n = Some(278);
        assert_eq!(f.consistent_count(), None);
        f.percent = 51.0;
        f.decimals = 0;
        assert_eq!(f.consistent_count(), Some(142));
        f.n = None;
        assert_eq!(f.consistent_count(), None);
    }
}
