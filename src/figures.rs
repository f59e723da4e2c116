//! Estimates to chart specs: which bars, lines and panels, in which words, for one study and language.

mod change;
mod panels;
mod study;
mod trend;

use crate::chart::{Bar, BarChart, Lang, format_percent};
use crate::stats::{Estimate, Group, Kind};
use crate::taxonomy::Taxonomy;

pub use change::{change_chart, change_waves, stacked_chart};
pub use panels::{published_chart, segments_chart};
pub use study::study_charts;
pub use trend::{TOP_LINES, trend_chart};

/// The words around a chart that come from the study rather than the numbers.
#[derive(Debug, Clone, Default)]
pub struct StudyText {
    pub title: String,
    pub question: String,
    pub source: String,
    /// Leave the source line off the chart (`--no-source`).
    pub hide_source: bool,
}

pub(crate) fn lang_id(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::De => "de",
    }
}

/// "Marketing + PR" in the chart's language.
pub fn group_label(group: &Group, taxonomy: &Taxonomy, lang: Lang) -> String {
    group
        .members
        .iter()
        .map(|m| taxonomy.display(m, lang_id(lang)))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// "Marketing + PR = 56 %" from the group's estimate among `rows`.
fn group_note(rows: &[&Estimate], group: Option<&Group>, taxonomy: &Taxonomy, lang: Lang) -> Option<String> {
    let g = group?;
    let estimate = rows.iter().find(|e| e.kind == Kind::Group && e.category == g.name)?;
    Some(format!(
        "{} = {}",
        group_label(g, taxonomy, lang),
        format_percent(estimate.share, 0, lang)
    ))
}

/// Department bars of `rows`, the group's members highlighted.
fn department_bars(rows: &[&Estimate], group: Option<&Group>, taxonomy: &Taxonomy, lang: Lang) -> Vec<Bar> {
    rows.iter()
        .filter(|e| e.kind == Kind::Department)
        .map(|e| Bar {
            label: taxonomy.display(&e.category, lang_id(lang)).to_string(),
            share: e.share,
            interval: e.ci_low.zip(e.ci_high),
            highlight: is_member(group, &e.category),
        })
        .collect()
}

fn is_member(group: Option<&Group>, id: &str) -> bool {
    group.is_some_and(|g| g.members.iter().any(|m| m == id))
}

/// Bar chart of one wave of one study: departments as bars, the first group's members highlighted.
pub fn bar_chart(
    wave: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<BarChart> {
    let first = wave.first()?;
    Some(BarChart {
        title: title(text, lang, &first.wave.to_string()),
        subtitle: subtitle(text, lang),
        source: source_line(text, first, lang),
        bars: department_bars(wave, group, taxonomy, lang),
        group_note: group_note(wave, group, taxonomy, lang),
    })
}

/// "Which department drives social media? Study, 2010".
pub(crate) fn title(text: &StudyText, lang: Lang, when: &str) -> String {
    let lead = lang.pick(
        "Which department drives social media?",
        "Welche Abteilung treibt Social Media?",
    );
    format!("{lead} {}, {when}", text.title)
}

pub(crate) fn subtitle(text: &StudyText, lang: Lang) -> String {
    match (text.question.is_empty(), lang) {
        (false, _) => text.question.clone(),
        (true, Lang::En) => "Share of respondents naming each department".into(),
        (true, Lang::De) => "Anteil der Befragten je Abteilung".into(),
    }
}

/// "Source: …; wave 2010, n = 100; single choice; 95% wilson intervals", or nothing with `--no-source`.
pub(crate) fn source_line(text: &StudyText, e: &Estimate, lang: Lang) -> String {
    if text.hide_source {
        return String::new();
    }
    let n = e.n.map_or_else(
        || lang.pick("n unknown", "n unbekannt").to_string(),
        |n| format!("n = {n}"),
    );
    let level = format_percent(e.level, 0, lang);
    let intervals = if e.ci_low.is_none() {
        lang.pick(
            "no intervals (n not published)",
            "keine Intervalle (n nicht veröffentlicht)",
        )
        .to_string()
    } else {
        match lang {
            Lang::En => format!("{level} {} intervals", e.method),
            Lang::De => format!("{level}-Intervalle ({})", e.method),
        }
    };
    let choice = match (e.choice.as_str(), lang) {
        ("multi", Lang::En) => "multiple choice",
        ("multi", Lang::De) => "Mehrfachauswahl",
        (_, Lang::En) => "single choice",
        (_, Lang::De) => "Einfachauswahl",
    };
    match lang {
        Lang::En => format!(
            "Source: {}; wave {}, {n}; {choice}; {intervals}; deptshare",
            text.source, e.wave
        ),
        Lang::De => format!(
            "Quelle: {}; Welle {}, {n}; {choice}; {intervals}; deptshare",
            text.source, e.wave
        ),
    }
}

#[cfg(test)]
pub(crate) mod test_rows;

#[cfg(test)]
mod tests {
    use super::test_rows::*;
    use super::*;

    #[test]
    fn bar_marks_the_group_and_says_where_the_numbers_come_from() {
        let rows = study_rows(&[2010], 9);
        let refs: Vec<&Estimate> = rows.iter().collect();
        let tax = Taxonomy::builtin();
        let g = Group::communications();
        let chart = bar_chart(&refs, &text(), Some(&g), &tax, Lang::De).unwrap();
        assert_eq!(chart.bars.len(), 9);
        assert!(
            chart
                .bars
                .iter()
                .any(|b| b.label == "PR / Öffentlichkeitsarbeit" && b.highlight)
        );
        assert!(chart.bars.iter().any(|b| b.label == "Vertrieb" && !b.highlight));
        let note = chart.group_note.unwrap();
        assert!(note.starts_with("Marketing + PR / Öffentlichkeitsarbeit = "), "{note}");
        assert!(
            chart.source.contains("Welle 2010, n = 400; Einfachauswahl"),
            "{}",
            chart.source
        );
        let hidden = StudyText {
            hide_source: true,
            ..text()
        };
        assert_eq!(bar_chart(&refs, &hidden, Some(&g), &tax, Lang::En).unwrap().source, "");
    }
}
