//! Tables for people: aligned text for a terminal, or Markdown, from the same rows.

use super::{interval_text, percent};
use crate::stats::{Estimate, Kind};
use crate::trend::{Comparison, TestRecord};

/// Text layout of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Text,
    Markdown,
}

/// A table for people: a header and rows of cells, rendered as text, Markdown or HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str], rows: Vec<Vec<String>>) -> Self {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }

    pub fn render(&self, layout: Layout) -> String {
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        render(layout, &header, &self.rows)
    }
}

/// Renders header and rows; numbers are right-aligned in text layout. In Markdown a `|` inside a
/// cell (a label such as `IT | Digital`) is escaped, or it would end the cell and shift the row.
pub fn render(layout: Layout, header: &[&str], rows: &[Vec<String>]) -> String {
    let barred = rows.iter().flatten().any(|c| c.contains('|')) || header.iter().any(|h| h.contains('|'));
    if layout == Layout::Markdown && barred {
        let escape = |c: &str| c.replace('|', "\\|");
        let header: Vec<String> = header.iter().map(|h| escape(h)).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| escape(c)).collect()).collect();
        return render_plain(layout, &header, &rows);
    }
    render_plain(layout, header, rows)
}

fn render_plain(layout: Layout, header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| match layout {
        Layout::Markdown => format!("| {} |\n", cells.join(" | ")),
        Layout::Text => format!("{}\n", cells.join("  ").trim_end()),
    };
    let pad = |i: usize, cell: &str| {
        let fill = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
        if i > 2 && layout == Layout::Text {
            format!("{fill}{cell}")
        } else {
            format!("{cell}{fill}")
        }
    };
    let mut out = line(header.iter().enumerate().map(|(i, h)| pad(i, h)).collect());
    out.push_str(&match layout {
        Layout::Markdown => line(widths.iter().map(|w| "-".repeat((*w).max(3))).collect()),
        Layout::Text => line(widths.iter().map(|w| "-".repeat(*w)).collect()),
    });
    for row in rows {
        out.push_str(&line(row.iter().enumerate().map(|(i, c)| pad(i, c)).collect()));
    }
    out
}

pub fn estimates(layout: Layout, estimates: &[Estimate]) -> String {
    estimates_table(estimates).render(layout)
}

pub fn estimates_table(estimates: &[Estimate]) -> Table {
    let level = estimates.first().map_or(0.95, |e| e.level);
    let ci_header = format!("{} interval", super::level_text(level));
    // Segment and design columns appear only when some estimate has them, so plain tables stay narrow.
    let segments = estimates.iter().any(|e| e.segment.is_some());
    let design = estimates.iter().any(|e| e.is_design_based());
    let mut header = vec!["study", "wave"];
    header.extend(segments.then_some("segment"));
    header.extend([
        "category",
        "share",
        ci_header.as_str(),
        "count",
        "n",
        "choice",
        "method",
    ]);
    header.extend(if design { vec!["design", "df", "deff"] } else { vec![] });
    let rows: Vec<Vec<String>> = estimates
        .iter()
        .map(|e| {
            let name = match e.kind {
                Kind::Department => e.category.clone(),
                Kind::Group => format!("{} (group)", e.category),
            };
            let mut row = vec![e.study.clone(), e.wave.to_string()];
            row.extend(segments.then(|| segment_cell(e)));
            row.extend([
                name,
                share_cell(e),
                interval_text(e.ci_low, e.ci_high),
                e.count.map_or_else(|| "-".into(), |c| c.to_string()),
                e.n.map_or_else(|| "-".into(), |n| n.to_string()),
                e.choice.as_str().to_string(),
                e.method.clone(),
            ]);
            if design {
                row.push(e.design.clone());
                row.push(e.df.map_or_else(|| "-".into(), |d| format!("{d}")));
                row.push(e.deff.map_or_else(|| "-".into(), |d| format!("{d:.2}")));
            }
            row
        })
        .collect();
    Table::new(&header, rows)
}

/// A segment with its column letter, as tabulation tools head their columns: `large (A)`.
pub fn segment_cell(e: &Estimate) -> String {
    match (&e.segment, &e.letter) {
        (Some(s), Some(l)) => format!("{s} ({l})"),
        (Some(s), None) => s.clone(),
        (None, _) => "all".into(),
    }
}

/// A share with the letters of the segments it is significantly higher than: `35.0% BC`.
pub fn share_cell(e: &Estimate) -> String {
    match e.higher_than.as_deref() {
        Some(letters) if !letters.is_empty() => format!("{} {}", percent(e.share), letters.concat()),
        _ => percent(e.share),
    }
}

/// One wave's shares as a crosstab: a row per category (groups last), a column for all
/// respondents and one per segment headed with its letter, each share with the letters of the
/// segments it is significantly higher than. Estimates in display order.
pub fn crosstab(estimates: &[Estimate]) -> Table {
    let mut segments: Vec<&Estimate> = Vec::new();
    for e in estimates.iter().filter(|e| e.segment.is_some()) {
        if !segments.iter().any(|s| s.segment == e.segment) {
            segments.push(e);
        }
    }
    segments.sort_by(|a, b| {
        crate::stats::segments::natural(a.segment.as_deref().unwrap_or(""))
            .cmp(&crate::stats::segments::natural(b.segment.as_deref().unwrap_or("")))
    });
    let mut header = vec!["category".to_string(), "all".to_string()];
    header.extend(segments.iter().map(|e| segment_cell(e)));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for overall in estimates.iter().filter(|e| e.segment.is_none()) {
        let name = match overall.kind {
            Kind::Department => overall.category.clone(),
            Kind::Group => format!("{} (group)", overall.category),
        };
        let mut row = vec![name, percent(overall.share)];
        for s in &segments {
            let cell = estimates
                .iter()
                .find(|e| e.segment == s.segment && e.category == overall.category && e.kind == overall.kind)
                .map_or_else(|| "-".to_string(), share_cell);
            row.push(cell);
        }
        rows.push(row);
    }
    let mut n = vec!["n".to_string(), overall_n(estimates, None)];
    n.extend(segments.iter().map(|s| overall_n(estimates, s.segment.as_deref())));
    rows.push(n);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    Table::new(&header, rows)
}

fn overall_n(estimates: &[Estimate], segment: Option<&str>) -> String {
    estimates
        .iter()
        .find(|e| e.segment.as_deref() == segment)
        .and_then(|e| e.n)
        .map_or_else(|| "-".to_string(), |n| n.to_string())
}

/// What the letters mean, for under a table with segments.
pub fn letters_note(
    estimates: &[Estimate],
    tests: &[crate::stats::segments::SegmentTest],
    sig_level: f64,
) -> Option<String> {
    if !estimates.iter().any(|e| e.letter.is_some()) {
        return None;
    }
    let adjust = tests.first().map_or("none", |t| t.adjustment.as_str());
    Some(format!(
        "segment letters: a share followed by letters is significantly higher than the share of the segments \
         with those letters in the same wave (design-based t-test, p < {sig_level}, adjustment {adjust})"
    ))
}

pub fn comparisons(layout: Layout, comparisons: &[Comparison]) -> String {
    comparisons_table(comparisons).render(layout)
}

pub fn comparisons_table(comparisons: &[Comparison]) -> Table {
    let header = [
        "study",
        "category",
        "waves",
        "from",
        "to",
        "change (pp)",
        "interval (pp)",
        "p",
        "p (Holm)",
    ];
    let pp = |x: f64| format!("{:+.1}", x * 100.0);
    let rows: Vec<Vec<String>> = comparisons
        .iter()
        .map(|c| {
            vec![
                c.study.clone(),
                c.category.clone(),
                format!("{}→{}", c.from_wave, c.to_wave),
                percent(c.from_share),
                percent(c.to_share),
                pp(c.diff),
                match (c.ci_low, c.ci_high) {
                    (Some(l), Some(h)) => format!("{} to {}", pp(l), pp(h)),
                    _ => "-".into(),
                },
                c.p_value.map_or_else(|| "-".into(), p_text),
                c.p_adjusted.map_or_else(|| "-".into(), p_text),
            ]
        })
        .collect();
    Table::new(&header, rows)
}

pub fn tests(layout: Layout, tests: &[TestRecord]) -> String {
    tests_table(tests).render(layout)
}

pub fn tests_table(tests: &[TestRecord]) -> Table {
    let header = ["study", "category", "test", "statistic", "df", "p", "p (Holm)"];
    let rows: Vec<Vec<String>> = tests
        .iter()
        .map(|t| {
            // A test within one wave is over every department by the segment column.
            let category = match (t.wave, &t.by) {
                (Some(wave), Some(by)) => format!("departments x {by}, {wave}"),
                (Some(wave), None) => format!("departments x segment, {wave}"),
                (None, _) if t.category.is_empty() => match (t.from_wave, t.to_wave) {
                    (Some(from), Some(to)) => format!("departments x wave, {from}-{to}"),
                    _ => "departments x wave".to_string(),
                },
                _ => t.category.clone(),
            };
            vec![
                t.study.clone(),
                category,
                t.name.clone(),
                format!("{:.3}", t.statistic),
                match (t.df, t.ddf) {
                    (Some(d), Some(dd)) => format!("{d:.3}, {dd:.3}"),
                    (Some(d), None) => format!("{d}"),
                    _ => "-".into(),
                },
                p_text(t.p_value),
                p_text(t.p_adjusted),
            ]
        })
        .collect();
    Table::new(&header, rows)
}

/// p-values for people: three significant decimals, "<0.001" below.
pub fn p_text(p: f64) -> String {
    if p < 0.001 { "<0.001".into() } else { format!("{p:.3}") }
}

/// What weighting to the population did: one row per study and wave, then each margin's target
/// and what the calibrated weights give.
pub fn weighting(layout: Layout, reports: &[crate::stats::calibrate::WaveReport]) -> String {
    let (summary, margins) = weighting_tables(reports);
    format!("{}\n{}", summary.render(layout), margins.render(layout))
}

/// The two tables of `weighting`: the weights per study and wave, and the margins.
pub fn weighting_tables(reports: &[crate::stats::calibrate::WaveReport]) -> (Table, Table) {
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            vec![
                r.study.clone(),
                r.wave.to_string(),
                r.method.to_string(),
                r.iterations.to_string(),
                format!("{:.1}", r.kish_n_effective),
                format!("{:.2}", r.kish_efficiency),
                format!("{:.3} to {:.3}", r.ratio_min, r.ratio_max),
                format!("{:.4} to {:.4}", r.min, r.max),
            ]
        })
        .collect();
    let header = [
        "study",
        "wave",
        "method",
        "iterations",
        "effective n",
        "efficiency",
        "weight ratio",
        "weights",
    ];
    let margins: Vec<Vec<String>> = reports
        .iter()
        .flat_map(|r| {
            r.margins.iter().map(|m| {
                vec![
                    r.study.clone(),
                    r.wave.to_string(),
                    m.variable.clone(),
                    m.level.clone(),
                    percent(m.target),
                    percent(m.achieved),
                ]
            })
        })
        .collect();
    let margin_header = ["study", "wave", "variable", "level", "target", "achieved"];
    (Table::new(&header, rows), Table::new(&margin_header, margins))
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn a_bar_in_a_markdown_cell_is_escaped() {
        let rows = vec![vec!["IT | Digital".to_string(), "5".to_string()]];
        let out = render(Layout::Markdown, &["label", "n"], &rows);
        let last = out.lines().last().unwrap_or_default();
        assert_eq!(last, "| IT \\| Digital | 5 |");
        // Unescaped bars are only the four that separate the cells.
        assert_eq!(last.replace("\\|", "").matches('|').count(), 3);
        assert!(render(Layout::Text, &["label"], &[vec!["a|b".to_string()]]).contains("a|b"));
    }
}
