//! Every chart `deptshare run` draws for a study config: each kind that applies, SVG, PNG and alt text per language.

use std::collections::BTreeSet;

use super::change::change_waves;
use super::{StudyText, bar_chart, change_chart, published_chart, segments_chart, stacked_chart, trend_chart};
use crate::chart::{Chart, Lang, Style, describe, render_png, render_svg};
use crate::config::Study;
use crate::ingest::Choice;
use crate::pipeline::Analysis;
use crate::report::OutputFile;
use crate::stats::Estimate;

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

/// `stem.svg`, `stem.png` and `stem.alt.txt` of one chart.
pub fn chart_files(stem: &str, chart: &Chart, style: &Style) -> anyhow::Result<Vec<OutputFile>> {
    Ok(vec![
        OutputFile::new(format!("{stem}.svg"), render_svg(chart, style)?.into_bytes()),
        OutputFile::new(format!("{stem}.png"), render_png(chart, style)?),
        OutputFile::new(
            format!("{stem}.alt.txt"),
            format!("{}\n{}\n", chart.title(), describe(chart, style.lang)),
        ),
    ])
}

/// The charts of one study in one language, each with its file-name kind.
fn one_study(study: &Study, analysis: &Analysis, id: &str, text: &StudyText, lang: Lang) -> Vec<(&'static str, Chart)> {
    let group = study.groups.first();
    let tax = &study.taxonomy;
    let all: Vec<&Estimate> = analysis
        .estimates
        .iter()
        .filter(|e| e.study == id && e.segment.is_none())
        .collect();
    let waves: BTreeSet<i32> = all.iter().map(|e| e.wave).collect();
    let latest: Vec<&Estimate> = analysis
        .latest(id)
        .into_iter()
        .filter(|e| e.segment.is_none())
        .collect();
    let mut charts = Vec::new();
    charts.extend(bar_chart(&latest, text, group, tax, lang).map(|c| ("bar", Chart::Bar(c))));
    if waves.len() >= 2 {
        charts.extend(trend_chart(&all, text, group, None, tax, lang).map(|c| ("trend", Chart::Trend(c))));
        if analysis.choices.get(id) == Some(&Choice::Single) {
            charts.extend(stacked_chart(&all, text, group, tax, lang).map(|c| ("stacked", Chart::Stacked(c))));
        }
        if let Ok(pair) = change_waves(&all, None, None) {
            charts.extend(change_chart(&all, text, group, pair, tax, lang).map(|c| ("change", Chart::Change(c))));
        }
    }
    let last = waves.last().copied();
    let segments: Vec<&Estimate> = analysis
        .estimates
        .iter()
        .filter(|e| e.study == id && e.segment.is_some() && Some(e.wave) == last)
        .collect();
    let by = study.input_for(id).and_then(|i| i.by.clone()).unwrap_or_default();
    if !segments.is_empty() {
        charts.extend(segments_chart(&segments, text, group, &by, tax, lang).map(|c| ("segments", Chart::Panels(c))));
    }
    charts
}

/// Each kind of chart that applies to each study (bar; with two waves or more trend, change and,
/// for single choice, stacked; segments when estimated by segment), and the published figures of
/// the config side by side; SVG, PNG and alt text per language.
pub fn study_charts(study: &Study, analysis: &Analysis) -> anyhow::Result<Vec<OutputFile>> {
    let base = chart_style(study)?;
    let mut files = Vec::new();
    let mut published = Vec::new();
    for p in &study.raw.published {
        published.extend(crate::ingest::aggregate::read_published(&p.path)?);
    }
    let published_names = study
        .raw
        .published
        .iter()
        .filter_map(|p| p.path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(", ");
    for lang_name in &study.raw.charts.langs {
        let lang: Lang = lang_name
            .parse()
            .map_err(|e| anyhow::anyhow!("{}: [charts] langs: {e}", study.file.display()))?;
        let style = Style { lang, ..base.clone() };
        for id in analysis.studies() {
            let input = study.input_for(id);
            let text = StudyText {
                title: input.map_or(id.to_string(), |i| i.title_in(lang_name).to_string()),
                question: input.map_or(String::new(), |i| i.question_in(lang_name).to_string()),
                source: input.map_or(String::new(), |i| i.source.clone()),
                hide_source: false,
            };
            // Ids are checked where they are read; this is the one place one becomes a file name.
            let stem = crate::study_id::file_stem(id).map_err(|e| anyhow::anyhow!("{}: {e}", study.file.display()))?;
            for (kind, chart) in one_study(study, analysis, id, &text, lang) {
                files.extend(chart_files(
                    &format!("charts/{stem}-{kind}.{lang_name}"),
                    &chart,
                    &style,
                )?);
            }
        }
        let group = study.groups.first();
        if let Some(chart) = published_chart(&published, &published_names, group, &study.taxonomy, lang, false) {
            files.extend(chart_files(
                &format!("charts/published.{lang_name}"),
                &Chart::Panels(chart),
                &style,
            )?);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
