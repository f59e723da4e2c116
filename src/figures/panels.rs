//! Small-multiple charts: one panel per segment of a wave, or per published study and year.

use std::collections::BTreeMap;

use super::{StudyText, department_bars, group_label, group_note, is_member, lang_id, source_line, subtitle};
use crate::chart::{Bar, Lang, Panel, PanelChart, format_percent};
use crate::ingest::aggregate::PublishedFigure;
use crate::stats::proportion::{CiMethod, interval};
use crate::stats::{Estimate, Group, Kind};
use crate::taxonomy::Taxonomy;

/// Small multiples of one wave by segment (`rows` are the estimates with `segment: Some(_)`),
/// departments in one order in every panel (by their mean share), the group's share under each title.
pub fn segments_chart(
    rows: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    by: &str,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<PanelChart> {
    let mut segments: BTreeMap<&str, Vec<&Estimate>> = BTreeMap::new();
    for e in rows {
        if let Some(segment) = e.segment.as_deref() {
            segments.entry(segment).or_default().push(e);
        }
    }
    let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
    for e in rows.iter().filter(|e| e.kind == Kind::Department) {
        *totals.entry(&e.category).or_default() += e.share;
    }
    let mut order: Vec<(&str, f64)> = totals.into_iter().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let rank = |label: &str| {
        order
            .iter()
            .position(|(id, _)| taxonomy.display(id, lang_id(lang)) == label)
    };
    let panels = segments
        .iter()
        .map(|(segment, estimates)| {
            let mut bars = department_bars(estimates, group, taxonomy, lang);
            bars.sort_by_key(|b| rank(&b.label));
            let n = estimates
                .first()
                .and_then(|e| e.n)
                .map_or(String::new(), |n| format!(" (n = {n})"));
            Panel {
                title: format!("{segment}{n}"),
                bars,
                note: group_note(estimates, group, taxonomy, lang),
            }
        })
        .collect();
    let first = rows.iter().max_by_key(|e| e.n)?;
    let source = source_line(text, first, lang);
    let lead = lang.pick(
        "Which department drives social media, by",
        "Welche Abteilung treibt Social Media, nach",
    );
    Some(PanelChart {
        title: format!("{lead} {by}? {}, {}", text.title, first.wave),
        subtitle: subtitle(text, lang),
        // The n of the source line is per panel here; the panel titles carry it.
        source: source.replace(&format!(", n = {}", first.n.unwrap_or(0)), ""),
        panels,
        keep_order: true,
    })
}

/// "creative-group" -> "Creative Group"; a trailing "-2017" that repeats the year is dropped.
fn study_name(study: &str, wave: i32) -> String {
    let study = study.strip_suffix(&format!("-{wave}")).unwrap_or(study);
    study
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One panel of published figures: the first figure of each category, Wilson intervals where n is known.
fn published_panel(
    figures: &[&PublishedFigure],
    group: Option<&Group>,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<Panel> {
    let first = figures.first()?;
    let is_group = |id: &str| group.is_some_and(|g| g.name == id);
    let members_listed = figures.iter().any(|f| is_member(group, &f.category));
    let mut seen: Vec<&str> = Vec::new();
    let mut bars = Vec::new();
    let mut note = None;
    for f in figures {
        if seen.contains(&f.category.as_str()) {
            continue;
        }
        seen.push(&f.category);
        let share = f.percent / 100.0;
        if let Some(g) = group.filter(|_| members_listed && is_group(&f.category)) {
            note = Some(format!(
                "{} = {}",
                group_label(g, taxonomy, lang),
                format_percent(share, 0, lang)
            ));
            continue;
        }
        let label = match group.filter(|_| is_group(&f.category)) {
            Some(g) => group_label(g, taxonomy, lang),
            None if taxonomy.category(&f.category).is_some() => {
                taxonomy.display(&f.category, lang_id(lang)).to_string()
            }
            None => f.label.clone(),
        };
        let interval =
            f.n.and_then(|n| interval(CiMethod::Wilson, share * n as f64, n as f64, 0.95));
        bars.push(Bar {
            label,
            share,
            interval: interval.map(|iv| (iv.low, iv.high)),
            highlight: is_group(&f.category) || is_member(group, &f.category),
        });
    }
    let n = first.n.map_or(String::new(), |n| format!(" (n = {n})"));
    Some(Panel {
        title: format!("{} {}{n}", study_name(&first.study, first.wave), first.wave),
        bars,
        note,
    })
}

/// Published figures of several studies and years side by side, one panel per study and year.
pub fn published_chart(
    figures: &[PublishedFigure],
    files: &str,
    group: Option<&Group>,
    taxonomy: &Taxonomy,
    lang: Lang,
    hide_source: bool,
) -> Option<PanelChart> {
    let mut by_panel: BTreeMap<(i32, &str), Vec<&PublishedFigure>> = BTreeMap::new();
    for f in figures {
        by_panel.entry((f.wave, &f.study)).or_default().push(f);
    }
    let panels: Vec<Panel> = by_panel
        .values()
        .filter_map(|fs| published_panel(fs, group, taxonomy, lang))
        .collect();
    if panels.is_empty() {
        return None;
    }
    let source = match lang {
        Lang::En => format!(
            "Source: published figures ({files}); whiskers are 95% Wilson intervals where the study gives n, none where it does not; deptshare"
        ),
        Lang::De => format!(
            "Quelle: veröffentlichte Zahlen ({files}); Fehlerbalken sind 95-%-Wilson-Intervalle, wo die Studie n nennt, sonst keine; deptshare"
        ),
    };
    Some(PanelChart {
        title: lang
            .pick("Published figures side by side", "Veröffentlichte Zahlen im Vergleich")
            .to_string(),
        subtitle: lang
            .pick(
                "Which department drives social media, as each study reported it",
                "Welche Abteilung treibt Social Media, wie die Studien es berichten",
            )
            .to_string(),
        source: if hide_source { String::new() } else { source },
        panels,
        keep_order: false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::*;
    use crate::ingest::aggregate::Bound;

    fn figure(study: &str, wave: i32, category: &str, percent: f64, n: Option<u64>) -> PublishedFigure {
        PublishedFigure {
            line: 2,
            study: study.into(),
            wave,
            category: category.into(),
            label: format!("{category} as printed"),
            percent,
            decimals: 0,
            n,
            count: None,
            n_inferred: false,
            bound: Bound::Exact,
            source: String::new(),
            choice: None,
            question: String::new(),
        }
    }

    #[test]
    fn published_panels_note_the_group_and_draw_intervals_only_with_n() {
        let figures = vec![
            figure("econsultancy", 2010, "marketing", 35.0, None),
            figure("econsultancy", 2010, "marketing", 35.0, None),
            figure("econsultancy", 2010, "pr", 21.0, None),
            figure("econsultancy", 2010, "communications", 56.0, None),
            figure("bitkom", 2013, "communications", 47.0, None),
            figure("bitkom", 2013, "outside_agency", 24.0, None),
            figure("ipressroom", 2009, "pr", 51.0, Some(278)),
        ];
        let g = Group::communications();
        let chart = published_chart(&figures, "a.csv", Some(&g), &Taxonomy::builtin(), Lang::En, false).unwrap();
        let titles: Vec<&str> = chart.panels.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Ipressroom 2009 (n = 278)", "Econsultancy 2010", "Bitkom 2013"]
        );
        assert!(chart.panels[0].bars[0].interval.is_some());
        let econ = &chart.panels[1];
        assert_eq!(
            econ.bars.len(),
            2,
            "duplicate marketing dropped, group becomes the note"
        );
        assert!(econ.bars.iter().all(|b| b.interval.is_none()));
        assert_eq!(econ.note.as_deref(), Some("Marketing + PR = 56%"));
        let bitkom = &chart.panels[2];
        assert!(bitkom.bars.iter().any(|b| b.label == "Marketing + PR" && b.highlight));
        assert!(bitkom.bars.iter().any(|b| b.label == "outside_agency as printed"));
        assert_eq!(study_name("bitkom-2017", 2017), "Bitkom");
        assert!(published_chart(&[], "", None, &Taxonomy::builtin(), Lang::De, true).is_none());
    }

    #[test]
    fn segments_share_one_order_and_note_the_group() {
        let mut rows = rows_for(&[2020], Some("small"), 9);
        rows.extend(rows_for(&[2020], Some("large firms"), 9));
        let refs: Vec<&Estimate> = rows.iter().collect();
        let g = Group::communications();
        let chart = segments_chart(&refs, &text(), Some(&g), "size", &Taxonomy::builtin(), Lang::De).unwrap();
        assert_eq!(chart.panels.len(), 2);
        assert_eq!(chart.panels[0].title, "large firms (n = 400)");
        let first: Vec<&str> = chart.panels[0].bars.iter().map(|b| b.label.as_str()).collect();
        let second: Vec<&str> = chart.panels[1].bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(first, second);
        assert!(
            chart.panels[1]
                .note
                .as_deref()
                .unwrap()
                .starts_with("Marketing + PR / Öffentlichkeitsarbeit = ")
        );
        assert!(chart.title.contains("nach size?"), "{}", chart.title);
        assert!(!chart.source.contains("n = 400"), "{}", chart.source);
    }
}
