//! The estimates, comparisons and tests sheets: the columns of the CSVs, typed.

use super::{Cell, Sheet, Style};
use crate::stats::Estimate;
use crate::trend::{Comparison, TestRecord};

/// The letters a share is significantly higher than, as the report prints them (`BC`).
pub fn letters(e: &Estimate) -> Cell {
    Cell::text(e.higher_than.as_deref().map(<[String]>::concat).unwrap_or_default())
}

/// Every estimate, in the columns of estimates.csv, then its base and segment letters.
pub fn estimates(rows: &[Estimate]) -> Sheet {
    let mut sheet = Sheet::new(
        "estimates",
        &[
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
            "base",
            "letter",
            "higher_than",
        ],
    );
    sheet.rows = rows
        .iter()
        .map(|e| {
            vec![
                Cell::text(e.study.as_str()),
                Cell::int(e.wave),
                Cell::opt_text(e.segment.as_deref()),
                Cell::text(e.category.as_str()),
                Cell::text(e.kind.as_str()),
                Cell::text(e.choice.as_str()),
                Cell::count(e.n),
                Cell::count(e.count),
                Cell::number(e.share, Style::Percent),
                Cell::opt(e.se, Style::Se),
                Cell::opt(e.ci_low, Style::Percent),
                Cell::opt(e.ci_high, Style::Percent),
                Cell::opt(e.deff, Style::Decimal3),
                Cell::text(e.method.as_str()),
                Cell::number(e.level, Style::Level),
                Cell::opt(e.n_weighted, Style::Decimal2),
                Cell::opt(e.count_weighted, Style::Decimal2),
                Cell::opt(e.n_effective, Style::Decimal2),
                Cell::opt(e.df, Style::General),
                Cell::text(e.design.as_str()),
                Cell::text(e.base.as_str()),
                Cell::opt_text(e.letter.as_deref()),
                letters(e),
            ]
        })
        .collect();
    sheet
}

/// Wave-to-wave changes, in the columns of comparisons.csv.
pub fn comparisons(rows: &[Comparison]) -> Sheet {
    let mut sheet = Sheet::new(
        "comparisons",
        &[
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
        ],
    );
    sheet.rows = rows
        .iter()
        .map(|c| {
            vec![
                Cell::text(c.study.as_str()),
                Cell::text(c.category.as_str()),
                Cell::text(c.kind.as_str()),
                Cell::int(c.from_wave),
                Cell::int(c.to_wave),
                Cell::number(c.from_share, Style::Percent),
                Cell::number(c.to_share, Style::Percent),
                Cell::number(c.diff, Style::Change),
                Cell::number(c.se, Style::Se),
                Cell::opt(c.ci_low, Style::Change),
                Cell::opt(c.ci_high, Style::Change),
                Cell::opt(c.p_value, Style::P),
                Cell::opt(c.p_adjusted, Style::P),
                Cell::text(c.method.as_str()),
            ]
        })
        .collect();
    sheet
}

/// Tests across waves and within a wave (by segment); the category is empty for a test over
/// every department at once, as it is null in results.json.
pub fn tests(rows: &[TestRecord]) -> Sheet {
    let mut sheet = Sheet::new(
        "tests",
        &[
            "study",
            "wave",
            "by",
            "from_wave",
            "to_wave",
            "category",
            "kind",
            "name",
            "statistic",
            "df",
            "ddf",
            "p_value",
            "p_adjusted",
        ],
    );
    sheet.rows = rows
        .iter()
        .map(|t| {
            vec![
                Cell::text(t.study.as_str()),
                t.wave.map_or(Cell::Empty, Cell::int),
                Cell::opt_text(t.by.as_deref()),
                t.from_wave.map_or(Cell::Empty, Cell::int),
                t.to_wave.map_or(Cell::Empty, Cell::int),
                Cell::text(t.category.as_str()),
                Cell::text(t.kind.as_str()),
                Cell::text(t.name.as_str()),
                Cell::number(t.statistic, Style::Decimal3),
                Cell::opt(t.df, Style::General),
                Cell::opt(t.ddf, Style::General),
                Cell::number(t.p_value, Style::P),
                Cell::number(t.p_adjusted, Style::P),
            ]
        })
        .collect();
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Kind;

    #[test]
    fn an_estimate_row_is_typed_with_nulls_empty() {
        let e = Estimate {
            study: "s".into(),
            wave: 2020,
            segment: Some("large".into()),
            category: "marketing".into(),
            kind: Kind::Department,
            n: Some(40),
            share: 0.35,
            level: 0.95,
            letter: Some("B".into()),
            higher_than: Some(vec!["A".into(), "C".into()]),
            ..Default::default()
        };
        let sheet = estimates(std::slice::from_ref(&e));
        let row = &sheet.rows[0];
        assert_eq!(row.len(), sheet.header.len());
        let at = |name: &str| &row[sheet.header.iter().position(|h| h == name).unwrap()];
        assert_eq!(at("n"), &Cell::Number(40.0, Style::Integer));
        assert_eq!(at("share"), &Cell::Number(0.35, Style::Percent));
        assert_eq!(at("se"), &Cell::Empty);
        assert_eq!(at("higher_than"), &Cell::Text("AC".into()));
        assert_eq!(at("letter"), &Cell::Text("B".into()));
        let none = Estimate {
            higher_than: Some(vec![]),
            ..e
        };
        assert_eq!(letters(&none), Cell::Empty);
    }
}
