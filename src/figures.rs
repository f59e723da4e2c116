//! Estimates to chart specs: which bars and lines, in which words, for one study and language.

use crate::chart::{Bar, BarChart, Chart, Lang, Style, TrendChart, TrendPoint, TrendSeries, format_percent};
use crate::chart::{render_png, render_svg};
use crate::config::Study;
use crate::pipeline::Analysis;
use crate::report::OutputFile;
use crate::stats::{Estimate, Group, Kind};
use crate::taxonomy::Taxonomy;

/// The words around a chart that come from the study rather than the numbers.
#[derive(Debug, Clone, Default)]
pub struct StudyText {
    pub title: String,
    pub question: String,
    pub source: String,
}

fn lang_id(lang: Lang) -> &'static str {
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

/// Bar chart of one wave of one study: departments as bars, the first group's members highlighted.
pub fn bar_chart(
    wave: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<BarChart> {
    let first = wave.first()?;
    let member = |id: &str| group.is_some_and(|g| g.members.iter().any(|m| m == id));
    let bars = wave
        .iter()
        .filter(|e| e.kind == Kind::Department)
        .map(|e| Bar {
            label: taxonomy.display(&e.category, lang_id(lang)).to_string(),
            share: e.share,
            interval: e.ci_low.zip(e.ci_high),
            highlight: member(&e.category),
        })
        .collect();
    let group_note = group.and_then(|g| {
        let estimate = wave.iter().find(|e| e.kind == Kind::Group && e.category == g.name)?;
        Some(format!(
            "{} = {}",
            group_label(g, taxonomy, lang),
            format_percent(estimate.share, 0, lang)
        ))
    });
    Some(BarChart {
        title: title(text, lang, Some(first.wave)),
        subtitle: subtitle(text, lang),
        source: source_line(text, first, lang),
        bars,
        group_note,
    })
}

/// Trend chart of one study: a line per department and one for the first group.
pub fn trend_chart(
    study: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<TrendChart> {
    let last = study.iter().max_by_key(|e| e.wave)?;
    let mut series: Vec<TrendSeries> = Vec::new();
    for e in study {
        let (label, highlight) = match e.kind {
            Kind::Department => (
                taxonomy.display(&e.category, lang_id(lang)).to_string(),
                group.is_some_and(|g| g.members.contains(&e.category)),
            ),
            Kind::Group if group.is_some_and(|g| g.name == e.category) => {
                (group.map(|g| group_label(g, taxonomy, lang)).unwrap_or_default(), true)
            }
            Kind::Group => continue,
        };
        let point = TrendPoint {
            wave: e.wave,
            share: e.share,
            interval: e.ci_low.zip(e.ci_high),
        };
        match series.iter_mut().find(|s| s.label == label) {
            Some(s) => s.points.push(point),
            None => series.push(TrendSeries {
                label,
                points: vec![point],
                highlight,
            }),
        }
    }
    for s in &mut series {
        s.points.sort_by_key(|p| p.wave);
    }
    Some(TrendChart {
        title: title(text, lang, None),
        subtitle: subtitle(text, lang),
        source: source_line(text, last, lang),
        series,
    })
}

fn title(text: &StudyText, lang: Lang, wave: Option<i32>) -> String {
    let lead = match lang {
        Lang::En => "Which department drives social media?",
        Lang::De => "Welche Abteilung treibt Social Media?",
    };
    match wave {
        Some(w) => format!("{lead} ({}, {w})", text.title),
        None => format!("{lead} ({})", text.title),
    }
}

fn subtitle(text: &StudyText, lang: Lang) -> String {
    match (text.question.is_empty(), lang) {
        (false, _) => text.question.clone(),
        (true, Lang::En) => "Share of companies naming each department".into(),
        (true, Lang::De) => "Anteil der Unternehmen je Abteilung".into(),
    }
}

fn source_line(text: &StudyText, e: &Estimate, lang: Lang) -> String {
    let n = e.n.map_or_else(|| "n unknown".to_string(), |n| format!("n = {n}"));
    let level = format_percent(e.level, 0, lang);
    match lang {
        Lang::En => format!(
            "Source: {}; wave {}, {n}; {level} {} intervals; deptshare",
            text.source, e.wave, e.method
        ),
        Lang::De => format!(
            "Quelle: {}; Welle {}, {n}; {level}-Intervalle ({}); deptshare",
            text.source, e.wave, e.method
        ),
    }
}

fn chart_style(study: &Study) -> anyhow::Result<Style> {
    let config = |what: &str, e: String| anyhow::anyhow!("{}: [charts] {what}: {e}", study.file.display());
    Ok(Style {
        theme: study
            .raw
            .charts
            .theme
            .parse()
            .map_err(|e| config("theme", format!("{e}")))?,
        lang: Lang::En,
        size: study
            .raw
            .charts
            .size
            .parse()
            .map_err(|e| config("size", format!("{e}")))?,
    })
}

/// Bar chart of each study's latest wave and, with two or more waves, its trend; SVG and PNG per language.
pub fn study_charts(study: &Study, analysis: &Analysis) -> anyhow::Result<Vec<OutputFile>> {
    let base = chart_style(study)?;
    let group = study.groups.first();
    let mut files = Vec::new();
    for id in analysis.studies() {
        let input = study.input_for(id);
        let text = StudyText {
            title: input.map_or(id.to_string(), |i| i.title.clone()),
            question: input.map_or(String::new(), |i| i.question.clone()),
            source: input.map_or(String::new(), |i| i.source.clone()),
        };
        let all: Vec<_> = analysis
            .estimates
            .iter()
            .filter(|e| e.study == id && e.segment.is_none())
            .collect();
        let waves: std::collections::BTreeSet<i32> = all.iter().map(|e| e.wave).collect();
        for lang_name in &study.raw.charts.langs {
            let lang: Lang = lang_name
                .parse()
                .map_err(|e| anyhow::anyhow!("{}: [charts] langs: {e}", study.file.display()))?;
            let style = Style { lang, ..base.clone() };
            let mut charts = Vec::new();
            charts.extend(
                bar_chart(&analysis.latest(id), &text, group, &study.taxonomy, lang).map(|c| ("bar", Chart::Bar(c))),
            );
            if waves.len() >= 2 {
                let lines: Vec<_> = all
                    .iter()
                    .copied()
                    .filter(|e| e.kind == Kind::Department || Some(&e.category) == group.map(|g| &g.name))
                    .collect();
                charts.extend(
                    trend_chart(&lines, &text, group, &study.taxonomy, lang).map(|c| ("trend", Chart::Trend(c))),
                );
            }
            for (kind, chart) in charts {
                let stem = format!("charts/{id}-{kind}.{lang_name}");
                files.push(OutputFile::new(
                    format!("{stem}.svg"),
                    render_svg(&chart, &style)?.into_bytes(),
                ));
                files.push(OutputFile::new(format!("{stem}.png"), render_png(&chart, &style)?));
            }
        }
    }
    Ok(files)
}
