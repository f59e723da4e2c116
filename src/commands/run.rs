//! `deptshare run`: the whole pipeline on a study config, every output written at once.

use anyhow::Context;

use crate::chart::{Chart, Lang, Style, render_png, render_svg};
use crate::cli::RunArgs;
use crate::config::Study;
use crate::figures::{StudyText, bar_chart, trend_chart};
use crate::pipeline::{self, Analysis};
use crate::report::{OutputFile, csv, json, manifest, markdown, write_atomic};
use crate::reproduce;
use crate::stats::{EstimateSettings, Kind};

use super::Outcome;

pub fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let study = Study::load(&args.config)?;
    let style_base = chart_style(&study)?;
    let settings = EstimateSettings {
        method: study.method,
        level: study.raw.estimation.level,
        groups: study.groups.clone(),
    };
    let analysis = pipeline::analyze(&study.input_specs(), &study.taxonomy, &settings)?;
    super::print_notes(&analysis);
    let published: Vec<_> = study.raw.published.iter().map(|p| p.path.as_path()).collect();
    let checks = reproduce::check(&reproduce::load(&published)?, &analysis.estimates);

    let mut files = chart_files(&study, &analysis, &style_base)?;
    let chart_names: Vec<String> = files
        .iter()
        .map(|f| f.path.to_string_lossy().replace('\\', "/"))
        .collect();
    files.push(OutputFile::new(
        "report.md",
        markdown::render(&study, &analysis, &checks, &chart_names),
    ));
    files.push(OutputFile::new(
        "results.json",
        json::results(&analysis, Some(&study.raw.title), true)?,
    ));
    files.push(OutputFile::new("estimates.csv", csv::estimates(&analysis.estimates)?));
    files.push(OutputFile::new(
        "comparisons.csv",
        csv::comparisons(&analysis.trend.comparisons)?,
    ));
    files.push(OutputFile::new("tests.csv", csv::tests(&analysis.trend.tests)?));
    files.push(OutputFile::new("rejects.csv", csv::rejects(&analysis.rejects)?));
    files.push(OutputFile::new(
        "reproduce.json",
        serde_json::to_string_pretty(&checks)? + "\n",
    ));
    let inputs: Vec<_> = study
        .raw
        .inputs
        .iter()
        .map(|i| i.path.as_path())
        .chain(published.iter().copied())
        .collect();
    files.push(OutputFile::new(
        "manifest.json",
        manifest::render(&study.file, &study.raw, &inputs)?,
    ));
    write_atomic(&args.out, &files).with_context(|| format!("writing outputs to {}", args.out.display()))?;

    for id in analysis.studies() {
        println!("{}", markdown::headline(&study, &analysis, id));
    }
    let missed = reproduce::failures(&checks).len();
    println!(
        "published figures reproduced: {} of {}",
        checks.len() - missed,
        checks.len()
    );
    eprintln!("wrote {} files to {}", files.len(), args.out.display());
    Ok(Outcome::Success)
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
fn chart_files(study: &Study, analysis: &Analysis, base: &Style) -> anyhow::Result<Vec<OutputFile>> {
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
