//! `deptshare chart KIND FILE... --out PATH`: one chart from files given on the command line, and its alt text beside it.

use anyhow::{Context, bail};

use crate::chart::{Chart, Lang, Style, describe, render_png, render_svg};
use crate::cli::{ChartArgs, ChartKind};
use crate::figures::{self, StudyText};
use crate::ingest::Choice;
use crate::ingest::aggregate::read_published_with;
use crate::pipeline::{self, Analysis};
use crate::report::{OutputFile, write_atomic};
use crate::stats::{Estimate, EstimateSettings, Group};
use crate::taxonomy::Taxonomy;

use super::{Outcome, UsageError, input_settings, print_notes};

/// SVG (false) or PNG (true) by the extension of `--out`.
fn wants_png(args: &ChartArgs) -> anyhow::Result<bool> {
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("svg") => Ok(false),
        Some("png") => Ok(true),
        _ => Err(UsageError(format!(
            "--out {}: the file must end in .svg or .png",
            args.out.display()
        ))
        .into()),
    }
}

fn style(args: &ChartArgs) -> anyhow::Result<Style> {
    Ok(Style {
        theme: args.theme.parse().map_err(|e| UsageError(format!("--theme: {e}")))?,
        lang: args.lang.parse().map_err(|e| UsageError(format!("--lang: {e}")))?,
        size: args.size.parse().map_err(|e| UsageError(format!("--size: {e}")))?,
    })
}

/// Input file names without their folder: the same data gives the same chart wherever it sits.
fn file_names(args: &ChartArgs) -> String {
    args.input
        .files
        .iter()
        .map(|f| {
            f.file_name()
                .map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn chart(args: &ChartArgs) -> anyhow::Result<Outcome> {
    let png = wants_png(args)?;
    let style = style(args)?;
    let (specs, mut settings, taxonomy) = input_settings(&args.input)?;
    // A chart draws shares (and segment letters): no ranks, no tests.
    settings.shown = crate::stats::Shown::ESTIMATES;
    let chart = if args.kind == ChartKind::Published {
        let mut published = Vec::new();
        for file in &args.input.files {
            published.extend(read_published_with(file, args.input.decimal)?);
        }
        let group = marked_group(&settings.groups, &args.input.groups);
        let names = file_names(args);
        let chart = figures::published_chart(&published, &names, group, &taxonomy, style.lang, args.no_source);
        Chart::Panels(chart.context("the published tables hold no figures")?)
    } else {
        let paths: Vec<_> = specs.iter().map(|s| s.path.as_path()).collect();
        let analysis = super::progress::while_reading(&paths, || pipeline::analyze(&specs, &taxonomy, &settings))?;
        super::write_rejects(args.input.rejects.as_deref(), &analysis)?;
        print_notes(&analysis, super::shares::rejects_at(&args.input));
        from_estimates(args, &analysis, &settings, &taxonomy, &style)?
    };
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
    let alt_name = args.out.with_extension("alt.txt");
    let alt_name = alt_name.file_name().context("--out has no file name")?;
    let alt = format!("{}\n{}\n", chart.title(), describe(&chart, style.lang));
    write_atomic(folder, &[OutputFile::new(name, bytes), OutputFile::new(alt_name, alt)])?;
    eprintln!("wrote {} and {}", args.out.display(), alt_name.to_string_lossy());
    Ok(Outcome::Success)
}

/// The chart of `args.kind` from the estimates of the input files.
fn from_estimates(
    args: &ChartArgs,
    analysis: &Analysis,
    settings: &EstimateSettings,
    taxonomy: &Taxonomy,
    style: &Style,
) -> anyhow::Result<Chart> {
    let drawing = Drawing::new(args, analysis, settings, taxonomy, style.lang);
    match args.kind {
        ChartKind::Bar => drawing.bar(),
        ChartKind::Trend => drawing.trend(),
        ChartKind::Stacked => drawing.stacked(),
        ChartKind::Change => drawing.change(),
        ChartKind::Segments => drawing.segments(),
        ChartKind::Published => bail!("published charts are read from published tables"),
    }
}

/// What every estimate chart draws from, worked out once so each kind states only its own rows
/// and the message for when nothing is left to draw.
struct Drawing<'a> {
    args: &'a ChartArgs,
    analysis: &'a Analysis,
    /// Estimates over all respondents (no segment).
    overall: Vec<&'a Estimate>,
    /// The wave a one-wave chart shows: `--wave`, else the latest.
    wave: Option<i32>,
    text: StudyText,
    group: Option<&'a Group>,
    taxonomy: &'a Taxonomy,
    lang: Lang,
}

impl<'a> Drawing<'a> {
    fn new(
        args: &'a ChartArgs,
        analysis: &'a Analysis,
        settings: &'a EstimateSettings,
        taxonomy: &'a Taxonomy,
        lang: Lang,
    ) -> Drawing<'a> {
        let overall: Vec<&Estimate> = analysis.estimates.iter().filter(|e| e.segment.is_none()).collect();
        let wave = args.chart_wave.or_else(|| overall.iter().map(|e| e.wave).max());
        Drawing {
            args,
            analysis,
            overall,
            wave,
            text: study_text(args),
            group: marked_group(&settings.groups, &args.input.groups),
            taxonomy,
            lang,
        }
    }

    /// Bars of one wave; an empty wave lists the waves there are, so the user can pick one.
    fn bar(&self) -> anyhow::Result<Chart> {
        let rows: Vec<&Estimate> = self
            .overall
            .iter()
            .copied()
            .filter(|e| Some(e.wave) == self.wave)
            .collect();
        let none = || no_wave(self.wave, &self.overall);
        let chart = figures::bar_chart(&rows, &self.text, self.group, self.taxonomy, self.lang);
        Ok(Chart::Bar(chart.with_context(none)?))
    }

    /// Lines over all waves, for the group or the `--categories` asked for.
    fn trend(&self) -> anyhow::Result<Chart> {
        let wanted = self.args.categories.as_deref();
        let chart = figures::trend_chart(&self.overall, &self.text, self.group, wanted, self.taxonomy, self.lang);
        Ok(Chart::Trend(chart.context(
            "none of the --categories has estimates; use category ids such as marketing,pr",
        )?))
    }

    /// Stacked shares per wave; refused for multiple choice, whose shares do not add up to a whole bar.
    fn stacked(&self) -> anyhow::Result<Chart> {
        if self.analysis.choices.values().any(|c| *c == Choice::Multi) {
            bail!(
                "stacked bars need a single-choice question: the shares of a multiple-choice question sum to more than 100 %; draw bar or trend instead"
            );
        }
        let chart = figures::stacked_chart(&self.overall, &self.text, self.group, self.taxonomy, self.lang);
        Ok(Chart::Stacked(chart.context("no estimates to draw")?))
    }

    /// The change between two waves: `--from`/`--to`, else the latest two.
    fn change(&self) -> anyhow::Result<Chart> {
        let pair = figures::change_waves(&self.overall, self.args.from, self.args.to).map_err(anyhow::Error::msg)?;
        let chart = figures::change_chart(&self.overall, &self.text, self.group, pair, self.taxonomy, self.lang);
        Ok(Chart::Change(chart.context("no category has estimates in both waves")?))
    }

    /// One panel per segment of `--by` in the shown wave; without `--by` there are no segments.
    fn segments(&self) -> anyhow::Result<Chart> {
        let by = self
            .args
            .input
            .by
            .as_deref()
            .ok_or_else(|| UsageError("segments needs --by COLUMN".into()))?;
        let rows: Vec<&Estimate> = self
            .analysis
            .estimates
            .iter()
            .filter(|e| e.segment.is_some() && Some(e.wave) == self.wave)
            .collect();
        let chart = figures::segments_chart(&rows, &self.text, self.group, by, self.taxonomy, self.lang);
        let none = || format!("no estimates by `{by}` for wave {}", self.wave.unwrap_or(0));
        Ok(Chart::Panels(chart.with_context(none)?))
    }
}

/// Title, question and source lines of an estimate chart; the title falls back to the study name.
fn study_text(args: &ChartArgs) -> StudyText {
    StudyText {
        title: args.title.clone().unwrap_or_else(|| args.input.study.clone()),
        question: args.question.clone().unwrap_or_default(),
        source: file_names(args),
        hide_source: args.no_source,
    }
}

fn no_wave(wave: Option<i32>, rows: &[&Estimate]) -> String {
    let waves: std::collections::BTreeSet<i32> = rows.iter().map(|e| e.wave).collect();
    let listed: Vec<String> = waves.iter().map(i32::to_string).collect();
    format!(
        "no estimates for wave {} (waves: {})",
        wave.map_or("-".into(), |w| w.to_string()),
        listed.join(", ")
    )
}

/// The group a chart marks: the first one given with `--group`, else the default (communications).
fn marked_group<'a>(groups: &'a [Group], given: &[String]) -> Option<&'a Group> {
    let named = given
        .first()
        .and_then(|text| text.split_once('='))
        .map(|(name, _)| name.trim());
    named
        .and_then(|name| groups.iter().find(|g| g.name == name))
        .or_else(|| groups.first())
}
