//! `deptshare chart KIND FILE... --out PATH`: one chart from files given on the command line.

use anyhow::Context;

use crate::chart::{Chart, Style, render_png, render_svg};
use crate::cli::{ChartArgs, ChartKind};
use crate::figures::{StudyText, bar_chart, trend_chart};
use crate::pipeline;
use crate::report::{OutputFile, write_atomic};
use crate::stats::Kind;
use crate::taxonomy::Taxonomy;

use super::{Outcome, UsageError, input_settings, print_notes};

pub fn chart(args: &ChartArgs) -> anyhow::Result<Outcome> {
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let png = match extension.as_deref() {
        Some("svg") => false,
        Some("png") => true,
        _ => {
            return Err(UsageError(format!(
                "--out {}: the file must end in .svg or .png",
                args.out.display()
            ))
            .into());
        }
    };
    let style = Style {
        theme: args.theme.parse().map_err(|e| UsageError(format!("--theme: {e}")))?,
        lang: args.lang.parse().map_err(|e| UsageError(format!("--lang: {e}")))?,
        size: args.size.parse().map_err(|e| UsageError(format!("--size: {e}")))?,
    };
    let (specs, settings) = input_settings(&args.input)?;
    let taxonomy = Taxonomy::builtin();
    let analysis = pipeline::analyze(&specs, &taxonomy, &settings)?;
    print_notes(&analysis);
    let text = StudyText {
        title: args.title.clone().unwrap_or_else(|| args.input.study.clone()),
        question: String::new(),
        source: args
            .input
            .files
            .iter()
            // File names only: the same data gives the same chart wherever it sits.
            .map(|f| {
                f.file_name()
                    .map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned())
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let group = settings.groups.first();
    let chart = match args.kind {
        ChartKind::Bar => {
            let wave = args
                .chart_wave
                .or_else(|| analysis.estimates.iter().map(|e| e.wave).max());
            let rows: Vec<_> = analysis.estimates.iter().filter(|e| Some(e.wave) == wave).collect();
            anyhow::ensure!(
                !rows.is_empty(),
                "no estimates for wave {}",
                wave.map_or("-".into(), |w| w.to_string())
            );
            bar_chart(&rows, &text, group, &taxonomy, style.lang).map(Chart::Bar)
        }
        ChartKind::Trend => {
            let rows: Vec<_> = analysis
                .estimates
                .iter()
                .filter(|e| e.kind == Kind::Department || Some(&e.category) == group.map(|g| &g.name))
                .collect();
            trend_chart(&rows, &text, group, &taxonomy, style.lang).map(Chart::Trend)
        }
    }
    .context("no estimates to draw")?;
    let bytes = if png {
        render_png(&chart, &style)?
    } else {
        render_svg(&chart, &style)?.into_bytes()
    };
    let folder = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = args.out.file_name().context("--out has no file name")?;
    write_atomic(folder, &[OutputFile::new(name, bytes)])?;
    eprintln!("wrote {}", args.out.display());
    Ok(Outcome::Success)
}
