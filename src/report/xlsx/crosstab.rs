//! The crosstabs sheet: a row per study, wave and category, a column group per segment (share,
//! the letters of the segments it is significantly higher than, n), as the report's crosstab.

use std::collections::BTreeSet;

use super::tables::letters;
use super::{Cell, Sheet, Style};
use crate::report::doc::ReportInput;
use crate::stats::Estimate;
use crate::stats::segments::natural;

/// A segment column group. Keyed by name and letter, so that two studies whose segments carry
/// other letters get a group each and every header names its letter truly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    key: Vec<(u8, u128, String)>,
    segment: String,
    letter: Option<String>,
}

impl Column {
    fn of(e: &Estimate) -> Option<Column> {
        let segment = e.segment.clone()?;
        Some(Column {
            key: natural(&segment),
            segment,
            letter: e.letter.clone(),
        })
    }

    /// `1-49 (A)`, as the report heads its columns.
    fn head(&self) -> String {
        match &self.letter {
            Some(letter) => format!("{} ({letter})", self.segment),
            None => self.segment.clone(),
        }
    }

    fn holds(&self, e: &Estimate) -> bool {
        e.segment.as_deref() == Some(self.segment.as_str()) && e.letter == self.letter
    }
}

/// Every wave of every study with segments, in the order of the config and of the estimates.
pub fn sheet(input: &ReportInput) -> Sheet {
    let estimates = &input.analysis.estimates;
    let columns: Vec<Column> = estimates
        .iter()
        .filter_map(Column::of)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut header: Vec<String> = ["study", "by", "wave", "category", "kind", "all", "all n"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    for column in &columns {
        let head = column.head();
        header.extend([head.clone(), format!("{head} higher than"), format!("{head} n")]);
    }
    let mut rows = Vec::new();
    for id in input.study.study_ids() {
        let by = input.study.input_for(id).and_then(|i| i.by.as_deref());
        let of_study: Vec<&Estimate> = estimates.iter().filter(|e| e.study == id).collect();
        let waves: BTreeSet<i32> = of_study
            .iter()
            .filter(|e| e.segment.is_some())
            .map(|e| e.wave)
            .collect();
        for wave in waves {
            let in_wave: Vec<&Estimate> = of_study.iter().copied().filter(|e| e.wave == wave).collect();
            for overall in in_wave.iter().filter(|e| e.segment.is_none()) {
                rows.push(row(id, by, overall, &in_wave, &columns));
            }
        }
    }
    Sheet {
        name: "crosstabs",
        header,
        rows,
    }
}

fn row(id: &str, by: Option<&str>, overall: &Estimate, in_wave: &[&Estimate], columns: &[Column]) -> Vec<Cell> {
    let mut row = vec![
        Cell::text(id),
        Cell::opt_text(by),
        Cell::int(overall.wave),
        Cell::text(overall.category.as_str()),
        Cell::text(overall.kind.as_str()),
        Cell::number(overall.share, Style::Percent),
        Cell::count(overall.n),
    ];
    for column in columns {
        let cell = in_wave
            .iter()
            .find(|e| column.holds(e) && e.category == overall.category && e.kind == overall.kind);
        match cell {
            Some(e) => row.extend([Cell::number(e.share, Style::Percent), letters(e), Cell::count(e.n)]),
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(name: &str, letter: &str) -> Estimate {
        Estimate {
            segment: Some(name.into()),
            letter: Some(letter.into()),
            ..Default::default()
        }
    }

    #[test]
    fn columns_sort_numbers_by_value_and_keep_their_letters() {
        let rows = [
            segment("250+", "C"),
            segment("1-49", "A"),
            segment("50-249", "B"),
            segment("1-49", "A"),
        ];
        let columns: Vec<String> = rows
            .iter()
            .filter_map(Column::of)
            .collect::<BTreeSet<_>>()
            .iter()
            .map(Column::head)
            .collect();
        assert_eq!(columns, ["1-49 (A)", "50-249 (B)", "250+ (C)"]);
    }
}
