//! The text alternative of a chart: what it shows, read out in a sentence or two, in the chart's language.

use super::format::percent_auto;
use super::theme::Lang;
use super::{BarChart, ChangeChart, Chart, PanelChart, StackedChart, TrendChart};

/// A sentence or two that read the chart out (for `<desc>` and the `.alt.txt` beside a PNG).
pub fn describe(chart: &Chart, lang: Lang) -> String {
    match chart {
        Chart::Bar(c) => bar(c, lang),
        Chart::Trend(c) => trend(c, lang),
        Chart::Stacked(c) => stacked(c, lang),
        Chart::Change(c) => change(c, lang),
        Chart::Panels(c) => panels(c, lang),
    }
}

/// "a, b and c" / "a, b und c".
fn list(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.pick("and", "und")),
    }
}

/// Labels with shares, largest first.
fn shares<'a>(items: impl Iterator<Item = (&'a str, f64)>, lang: Lang) -> String {
    let mut items: Vec<(&str, f64)> = items.collect();
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let parts: Vec<String> = items
        .iter()
        .map(|(label, share)| format!("{label} {}", percent_auto(*share, lang)))
        .collect();
    list(&parts, lang)
}

fn bar(c: &BarChart, lang: Lang) -> String {
    let mut text = format!(
        "{} {}.",
        lang.pick("Bar chart.", "Balkendiagramm."),
        shares(c.bars.iter().map(|b| (b.label.as_str(), b.share)), lang)
    );
    if let Some(note) = c.group_note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!(" {note}."));
    }
    text
}

fn trend(c: &TrendChart, lang: Lang) -> String {
    let waves: Vec<i32> = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.wave)).collect();
    let (Some(first), Some(last)) = (waves.iter().min(), waves.iter().max()) else {
        return lang
            .pick("Line chart without data.", "Liniendiagramm ohne Daten.")
            .into();
    };
    let lines: Vec<String> = c
        .series
        .iter()
        .filter_map(|s| {
            let a = s.points.iter().min_by_key(|p| p.wave)?;
            let b = s.points.iter().max_by_key(|p| p.wave)?;
            Some(format!(
                "{} {} ({}) {} {} ({})",
                s.label,
                percent_auto(a.share, lang),
                a.wave,
                lang.pick("to", "auf"),
                percent_auto(b.share, lang),
                b.wave
            ))
        })
        .collect();
    format!(
        "{} {first}–{last}: {}.",
        lang.pick("Line chart of shares", "Liniendiagramm der Anteile"),
        list(&lines, lang)
    )
}

fn stacked(c: &StackedChart, lang: Lang) -> String {
    let Some(last) = c.columns.iter().max_by_key(|col| col.wave) else {
        return lang
            .pick("Stacked bars without data.", "Gestapelte Balken ohne Daten.")
            .into();
    };
    let first = c.columns.iter().map(|col| col.wave).min().unwrap_or(last.wave);
    let parts = c
        .categories
        .iter()
        .zip(&last.shares)
        .map(|(cat, share)| (cat.label.as_str(), *share));
    format!(
        "{} {first}–{}. {} {}: {}.",
        lang.pick("100 % stacked bars per wave,", "Gestapelte Balken (100 %) je Welle,"),
        last.wave,
        lang.pick("In", "Im Jahr"),
        last.wave,
        shares(parts, lang)
    )
}

fn change(c: &ChangeChart, lang: Lang) -> String {
    let rows: Vec<String> = c
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {} → {} ({}{})",
                r.label,
                percent_auto(r.from, lang),
                percent_auto(r.to, lang),
                lang.points(r.to - r.from),
                if r.significant { ", *" } else { "" }
            )
        })
        .collect();
    format!(
        "{} {} {} {}: {}. * {}.",
        lang.pick("Change from", "Veränderung von"),
        c.from_wave,
        lang.pick("to", "zu"),
        c.to_wave,
        list(&rows, lang),
        c.significance_note
    )
}

fn panels(c: &PanelChart, lang: Lang) -> String {
    let parts: Vec<String> = c
        .panels
        .iter()
        .map(|p| {
            let mut text = format!(
                "{}: {}",
                p.title,
                shares(p.bars.iter().map(|b| (b.label.as_str(), b.share)), lang)
            );
            if let Some(note) = p.note.as_deref().filter(|n| !n.trim().is_empty()) {
                text.push_str(&format!(" ({note})"));
            }
            text
        })
        .collect();
    format!(
        "{} {}.",
        lang.pick("Bar charts side by side.", "Balkendiagramme nebeneinander."),
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn bar_reads_out_largest_first() {
        let text = describe(&Chart::Bar(econsultancy()), Lang::En);
        assert_eq!(
            text,
            "Bar chart. Marketing 35%, PR 21%, Cross-functional team 19%, Other 16%, \
             Customer service 5% and R&D <x> 4%. Marketing + PR = 56%."
        );
        let de = describe(&Chart::Bar(german_nine()), Lang::De);
        assert!(
            de.starts_with("Balkendiagramm. Marketing 35\u{202F}%, PR 21\u{202F}%"),
            "{de}"
        );
        assert!(de.contains(" und "), "{de}");
    }

    #[test]
    fn every_kind_has_a_sentence() {
        for chart in all_kinds() {
            for lang in [Lang::En, Lang::De] {
                let text = describe(&chart, lang);
                assert!(text.ends_with('.'), "{text}");
                assert!(text.len() > 30, "{text}");
            }
        }
        let text = describe(&Chart::Change(change_chart()), Lang::En);
        assert!(text.contains("PR 20% → 28% (+8 pp, *)"), "{text}");
    }

    #[test]
    fn lists_join_with_and() {
        let items = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(list(&items, Lang::En), "a, b and c");
        assert_eq!(list(&items[..1], Lang::De), "a");
        assert_eq!(list(&[], Lang::De), "");
    }
}
