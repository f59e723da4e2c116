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

/// Renders header and rows; numbers are right-aligned in text layout.
pub fn render(layout: Layout, header: &[&str], rows: &[Vec<String>]) -> String {
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
    let level = estimates.first().map_or(0.95, |e| e.level);
    let ci_header = format!("{:.0}% interval", level * 100.0);
    let header = [
        "study",
        "wave",
        "category",
        "share",
        ci_header.as_str(),
        "count",
        "n",
        "choice",
        "method",
    ];
    let rows: Vec<Vec<String>> = estimates
        .iter()
        .map(|e| {
            let name = match e.kind {
                Kind::Department => e.category.clone(),
                Kind::Group => format!("{} (group)", e.category),
            };
            vec![
                e.study.clone(),
                e.wave.to_string(),
                name,
                percent(e.share),
                interval_text(e.ci_low, e.ci_high),
                e.count.map_or_else(|| "-".into(), |c| c.to_string()),
                e.n.map_or_else(|| "-".into(), |n| n.to_string()),
                e.choice.as_str().to_string(),
                e.method.clone(),
            ]
        })
        .collect();
    render(layout, &header, &rows)
}

pub fn comparisons(layout: Layout, comparisons: &[Comparison]) -> String {
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
    render(layout, &header, &rows)
}

pub fn tests(layout: Layout, tests: &[TestRecord]) -> String {
    let header = ["study", "category", "test", "statistic", "df", "p", "p (Holm)"];
    let rows: Vec<Vec<String>> = tests
        .iter()
        .map(|t| {
            vec![
                t.study.clone(),
                t.category.clone(),
                t.name.clone(),
                format!("{:.3}", t.statistic),
                t.df.map_or_else(|| "-".into(), |d| format!("{d}")),
                p_text(t.p_value),
                p_text(t.p_adjusted),
            ]
        })
        .collect();
    render(layout, &header, &rows)
}

/// p-values for people: three significant decimals, "<0.001" below.
pub fn p_text(p: f64) -> String {
    if p < 0.001 { "<0.001".into() } else { format!("{p:.3}") }
}
