//! Published tables: `study, wave, category, percent|share[, n, bound, label, source]`, one figure a row.

use std::path::Path;

use serde::Serialize;

use super::{read_text, sniff};
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

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedFigure {
    pub line: u64,
    pub study: String,
    pub wave: i32,
    pub category: String,
    pub label: String,
    /// Published percent as printed (35, 40.5).
    pub percent: f64,
    /// Decimals printed in the source; the tolerance is half a unit of the last one.
    pub decimals: u32,
    pub n: Option<u64>,
    pub bound: Bound,
    pub source: String,
}

/// Reads a published table; every malformed row is an error naming its line.
pub fn read_published(path: &Path) -> Result<Vec<PublishedFigure>> {
    let decoded = read_text(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff::delimiter(&decoded.text))
        .comment(Some(b'#'))
        .from_reader(decoded.text.as_bytes());
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
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| Error::MissingColumn {
            path: path.to_path_buf(),
            column: name.to_string(),
            available: headers.clone(),
        })
    };
    let (study, wave, category, percent) = (
        required("study")?,
        required("wave")?,
        required("category")?,
        required("percent")?,
    );
    let mut figures = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| parse(e.position().map_or(1, csv::Position::line), e.to_string()))?;
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim().to_string();
        let percent_text = cell(Some(percent));
        let figure = PublishedFigure {
            line,
            study: cell(Some(study)),
            wave: cell(Some(wave))
                .parse()
                .map_err(|_| parse(line, format!("wave `{}` is not a whole number", cell(Some(wave)))))?,
            category: cell(Some(category)),
            label: cell(column("label")),
            percent: parse_percent(&percent_text).ok_or_else(|| {
                parse(
                    line,
                    format!("percent `{percent_text}` is not a number between 0 and 100"),
                )
            })?,
            decimals: percent_text.split(['.', ',']).nth(1).map_or(0, |d| d.len() as u32),
            n: parse_n(&cell(column("n"))).map_err(|reason| parse(line, reason))?,
            bound: parse_bound(&cell(column("bound"))).map_err(|reason| parse(line, reason))?,
            source: cell(column("source")),
        };
        figures.push(figure);
    }
    Ok(figures)
}

fn parse_percent(text: &str) -> Option<f64> {
    let value: f64 = text.replace(',', ".").parse().ok()?;
    (0.0..=100.0).contains(&value).then_some(value)
}

fn parse_n(text: &str) -> std::result::Result<Option<u64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| format!("n `{text}` is not a whole number"))
}

fn parse_bound(text: &str) -> std::result::Result<Bound, String> {
    match text {
        "" | "exact" => Ok(Bound::Exact),
        "at_least" => Ok(Bound::AtLeast),
        other => Err(format!("bound `{other}` is not `exact` or `at_least`")),
    }
}

impl PublishedFigure {
    /// Whether a computed share (a fraction) reproduces this figure under its bound.
    pub fn matches(&self, share: f64) -> bool {
        let scale = 10f64.powi(self.decimals as i32);
        let computed = (share * 100.0 * scale).round() / scale;
        let published = (self.percent * scale).round() / scale;
        match self.bound {
            Bound::Exact => computed == published,
            Bound::AtLeast => computed >= published,
        }
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
            bound,
            source: String::new(),
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
    fn decimals_and_lower_bounds() {
        assert!(figure(40.5, 1, Bound::Exact).matches(0.405));
        assert!(!figure(40.5, 1, Bound::Exact).matches(0.41));
        assert!(figure(35.0, 0, Bound::AtLeast).matches(0.40));
        assert!(!figure(35.0, 0, Bound::AtLeast).matches(0.33));
    }
}
