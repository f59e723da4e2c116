//! CSV outputs: estimates, comparisons, tests and rejects, safe to open in a spreadsheet.

use crate::error::{Error, Result};
use crate::ingest::Reject;
use crate::stats::Estimate;
use crate::trend::{Comparison, TestRecord};

/// Prefixes `'` to a cell a spreadsheet would run as a formula.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if text.parse::<f64>().is_err() => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn write_rows(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("writing csv: {e}"));
    writer.write_record(header).map_err(err)?;
    for row in rows {
        writer.write_record(row.iter().map(|c| safe_cell(c))).map_err(err)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Invalid(format!("writing csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Invalid(format!("writing csv: {e}")))
}

pub fn estimates(rows: &[Estimate]) -> Result<String> {
    let header = [
        "study",
        "wave",
        "segment",
        "category",
        "kind",
        "choice",
        "n",
        "count",
        "share",
        "se",
        "ci_low",
        "ci_high",
        "deff",
        "method",
        "level",
        "n_weighted",
        "count_weighted",
        "n_effective",
        "df",
        "design",
    ];
    write_rows(
        &header,
        rows.iter().map(|e| {
            vec![
                e.study.clone(),
                e.wave.to_string(),
                opt(e.segment.clone()),
                e.category.clone(),
                e.kind.as_str().to_string(),
                e.choice.as_str().to_string(),
                opt(e.n),
                opt(e.count),
                e.share.to_string(),
                opt(e.se),
                opt(e.ci_low),
                opt(e.ci_high),
                opt(e.deff),
                e.method.clone(),
                e.level.to_string(),
                opt(e.n_weighted),
                opt(e.count_weighted),
                opt(e.n_effective),
                opt(e.df),
                e.design.clone(),
            ]
        }),
    )
}

pub fn comparisons(rows: &[Comparison]) -> Result<String> {
    let header = [
        "study",
        "category",
        "kind",
        "from_wave",
        "to_wave",
        "from_share",
        "to_share",
        "diff",
        "se",
        "ci_low",
        "ci_high",
        "p_value",
        "p_adjusted",
        "method",
    ];
    write_rows(
        &header,
        rows.iter().map(|c| {
            vec![
                c.study.clone(),
                c.category.clone(),
                c.kind.as_str().to_string(),
                c.from_wave.to_string(),
                c.to_wave.to_string(),
                c.from_share.to_string(),
                c.to_share.to_string(),
                c.diff.to_string(),
                c.se.to_string(),
                opt(c.ci_low),
                opt(c.ci_high),
                opt(c.p_value),
                opt(c.p_adjusted),
                c.method.clone(),
            ]
        }),
    )
}

pub fn tests(rows: &[TestRecord]) -> Result<String> {
    let header = [
        "study",
        "category",
        "kind",
        "name",
        "statistic",
        "df",
        "p_value",
        "p_adjusted",
        "ddf",
        "wave",
        "by",
        "from_wave",
        "to_wave",
    ];
    let wave = |w: Option<i32>| w.map_or_else(String::new, |w| w.to_string());
    write_rows(
        &header,
        rows.iter().map(|t| {
            vec![
                t.study.clone(),
                t.category.clone(),
                t.kind.as_str().to_string(),
                t.name.clone(),
                t.statistic.to_string(),
                opt(t.df),
                t.p_value.to_string(),
                t.p_adjusted.to_string(),
                opt(t.ddf),
                wave(t.wave),
                t.by.clone().unwrap_or_default(),
                wave(t.from_wave),
                wave(t.to_wave),
            ]
        }),
    )
}

pub fn rejects(rows: &[Reject]) -> Result<String> {
    write_rows(
        &["file", "line", "reason"],
        rows.iter()
            .map(|r| vec![r.file.clone(), r.line.to_string(), r.reason.clone()]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(safe_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("+49 30"), "'+49 30");
        assert_eq!(safe_cell("-0.05"), "-0.05");
        assert_eq!(safe_cell("Marketing"), "Marketing");
    }
}
