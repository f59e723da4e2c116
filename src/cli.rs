//! The command line (clap derive); `commands::*` turns these into validated settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::stats::CiMethod;

#[derive(Debug, Parser)]
#[command(
    name = "deptshare",
    version,
    about = "Which department drives social media? Shares, intervals, trends, charts and reproducible reports from survey data."
)]
pub struct Cli {
    /// No progress bar on stderr (it only shows on a terminal, for inputs totalling 128 MiB or more).
    #[arg(long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole pipeline on a study config and write every output.
    Run(RunArgs),
    /// Shares per wave and category (and groups), with intervals.
    Shares(SharesArgs),
    /// Wave-to-wave changes with intervals, tests and Holm-adjusted p-values.
    Trend(SharesArgs),
    /// Draw a chart (SVG or PNG by the extension of --out).
    Chart(ChartArgs),
    /// Check that the published figures still come out of the data (exit 1 when one does not).
    Reproduce(ReproduceArgs),
    /// Show what a survey export holds: format, encoding, questions, the department question and its labels.
    Inspect(InspectArgs),
    /// The yearly report (report.html, report.md and report.xlsx, with charts) for one wave, the latest by default.
    Report(ReportArgs),
    /// Respondent rows that reproduce a published single-choice table (largest-remainder counts).
    Reconstruct(ReconstructArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Study config (TOML).
    #[arg(long, default_value = "data/study.toml")]
    pub config: PathBuf,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Survey export (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms, plain CSV, .xlsx/.xls/.ods or SPSS .sav/.zsav).
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = FormatIn::Auto)]
    pub format_in: FormatIn,
    /// Sheet of a spreadsheet (.xlsx, .xls, .ods) to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub taxonomy: TaxonomyArgs,
}

/// How labels map to categories, without a study config (`shares`, `trend`, `chart`, `inspect`).
#[derive(Debug, Args)]
pub struct TaxonomyArgs {
    /// Maps a label to a category id, LABEL=ID (repeatable): --alias "Marketing & Communications=marketing".
    #[arg(long = "alias", value_name = "LABEL=ID")]
    pub aliases: Vec<String>,
    /// A TOML file whose [taxonomy] table (as in a study config) adds categories and aliases, or sets
    /// `builtin = false`; --alias comes on top.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReproduceArgs {
    /// Study config (TOML).
    #[arg(long, default_value = "data/study.toml")]
    pub config: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReproduceFormat::Table)]
    pub format: ReproduceFormat,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Study config (TOML).
    #[arg(long, default_value = "data/study.toml")]
    pub config: PathBuf,
    /// Wave to report (default: each study's latest).
    #[arg(long, value_name = "YEAR")]
    pub wave: Option<i32>,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Weighting of every study with respondent rows, in place of the config's [weighting].
    #[command(flatten)]
    pub weighting: WeightingArgs,
}

#[derive(Debug, Args)]
pub struct ReconstructArgs {
    /// Published table: wave, category, percent|share|count[, n, study].
    pub table: PathBuf,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
    /// n to assume where the table publishes none (the file header says it was assumed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub n: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReproduceFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatIn {
    /// Detect from the file.
    Auto,
    /// Respondent-level CSV, one row per respondent.
    Generic,
    /// Published table: wave, category, share|percent[, n].
    Aggregate,
    Qualtrics,
    Surveymonkey,
    Limesurvey,
    GoogleForms,
    Typeform,
    /// SurveyGizmo, now Alchemer.
    #[value(alias = "alchemer")]
    Surveygizmo,
    /// SPSS system file (.sav, .zsav); detected from the bytes anyway.
    Spss,
}

impl From<FormatIn> for crate::ingest::InputFormat {
    fn from(format: FormatIn) -> Self {
        use crate::ingest::InputFormat as F;
        match format {
            FormatIn::Auto => F::Auto,
            FormatIn::Generic => F::Generic,
            FormatIn::Aggregate => F::Aggregate,
            FormatIn::Qualtrics => F::Qualtrics,
            FormatIn::Surveymonkey => F::Surveymonkey,
            FormatIn::Limesurvey => F::Limesurvey,
            FormatIn::GoogleForms => F::GoogleForms,
            FormatIn::Typeform => F::Typeform,
            FormatIn::Surveygizmo => F::Surveygizmo,
            FormatIn::Spss => F::Spss,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned text for a terminal.
    Table,
    /// One JSON object: estimates, ingest (and comparisons, tests for trend).
    Json,
    Csv,
    Markdown,
}

/// Input options shared by `shares`, `trend` and `chart`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input files: respondent-level CSV or survey exports (comma, semicolon or tab; UTF-8, UTF-16 with
    /// BOM or Windows-1252), spreadsheets (.xlsx, .xls, .ods), SPSS files (.sav, .zsav), or published
    /// tables with --format-in aggregate.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = FormatIn::Auto)]
    pub format_in: FormatIn,
    /// Sheet of a spreadsheet (.xlsx, .xls, .ods) to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Column with the department answer (default: the column whose values best match known labels).
    #[arg(long)]
    pub dept_col: Option<String>,
    /// Column with the survey year (default: a column named year, wave, jahr or welle).
    #[arg(long, conflicts_with = "wave")]
    pub wave_col: Option<String>,
    /// Survey year (or wave number, 1 or more) for every row of the files.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pub wave: Option<i32>,
    /// Column with the respondent id (default: respondent, id or responseid when present).
    #[arg(long)]
    pub respondent_col: Option<String>,
    /// Survey weight column (weighted shares; bad weights are rejected rows).
    #[arg(long)]
    pub weight_col: Option<String>,
    /// Stratum column of a stratified design.
    #[arg(long)]
    pub strata_col: Option<String>,
    /// Primary sampling unit (cluster) column.
    #[arg(long)]
    pub psu_col: Option<String>,
    /// Finite population correction column (population size or sampling fraction per stratum);
    /// needs --weight-col.
    #[arg(long, requires = "weight_col")]
    pub fpc_col: Option<String>,
    /// `independent`: each wave is its own sample (strata nested in waves). `shared`: one panel,
    /// the same strata and PSUs (--psu-col) asked every wave, so wave differences and tests across
    /// waves carry the covariance between the waves' estimates.
    #[arg(long, default_value = "independent", value_parser = parse_waves, requires_if("shared", "psu_col"))]
    pub waves: crate::stats::Waves,
    /// Segment column: estimates per value as well as overall.
    #[arg(long)]
    pub by: Option<String>,
    /// Decimal mark of the numbers (weights, fpc, published figures), `,` or `.`: the other
    /// separates thousands. Default: decided per file from its numbers; a cell such as `1,500`
    /// that they leave open is rejected.
    #[arg(long, value_name = ", | .", value_parser = parse_decimal)]
    pub decimal: Option<crate::ingest::rules::Decimal>,
    /// Study name in the output (files given together form one study).
    #[arg(long, default_value = "survey")]
    pub study: String,
    /// Multiple choice: a cell may name several departments.
    #[arg(long)]
    pub multi: bool,
    /// Separator between labels in a multiple-choice cell.
    #[arg(long, default_value = ";", requires = "multi", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub multi_sep: String,
    /// Keep unfinished responses (Qualtrics Finished = 0, LimeSurvey without submitdate) in the base.
    #[arg(long)]
    pub include_incomplete: bool,
    /// Treat any rejected row as an error (exit 1, naming file and line).
    #[arg(long)]
    pub strict: bool,
    /// Write every rejected row (file, line, reason) to this CSV; stderr shows the first few.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Group of categories, NAME=a,b (repeatable); communications=marketing,pr is always on unless redefined.
    #[arg(long = "group", value_name = "NAME=a,b")]
    pub groups: Vec<String>,
    /// Interval method (default: wilson without weights or design, logit with them).
    #[arg(long, value_parser = parse_ci, long_help = ci_help())]
    pub ci: Option<CiMethod>,
    /// Strata with a single PSU: fail (R's default) or adjust (R's survey.lonely.psu = "adjust").
    #[arg(long, default_value = "fail", value_parser = parse_lonely_psu)]
    pub lonely_psu: crate::stats::LonelyPsu,
    /// Base of a share: `answered` (respondents who named a department) or `all` (no-answers too).
    #[arg(long, default_value = "answered", value_parser = parse_base)]
    pub base: crate::stats::Base,
    /// Confidence level, at least 0.5 and below 1.
    #[arg(long, default_value_t = 0.95, value_parser = parse_level)]
    pub level: f64,
    /// With --by: adjustment of the p-values of the segment pairs of one wave and category
    /// (none as tabulation tools do, holm, or fdr for Benjamini-Hochberg).
    #[arg(long, default_value = "none", value_parser = parse_adjust)]
    pub adjust: crate::stats::segments::Adjust,
    /// With --by: a segment is marked higher than another when the (adjusted) p-value is below this.
    #[arg(long, default_value_t = 0.05, value_parser = parse_sig_level)]
    pub sig_level: f64,
    #[command(flatten)]
    pub taxonomy: TaxonomyArgs,
    #[command(flatten)]
    pub weighting: WeightingArgs,
}

/// Weighting each wave to population margins.
#[derive(Debug, Args)]
pub struct WeightingArgs {
    /// Weight each wave to population margins: a CSV of variable,level,target (shares summing to 1 per
    /// variable) or variable,level,total (counts); a variable is a column of the data (`a:b` crosses two).
    #[arg(long, value_name = "FILE")]
    pub calibrate: Option<PathBuf>,
    /// poststratify (one variable's cells), rake (margins by iterative fitting; the default), linear
    /// (GREG) or logit (bounded, needs --bounds), as R survey's postStratify and calibrate.
    #[arg(long, value_parser = parse_calibration, requires = "calibrate", value_name = "METHOD")]
    pub calibration: Option<crate::stats::calibrate::Method>,
    /// Bounds LOW,HIGH on the ratio of calibrated to design weight (e.g. 0.3,3).
    #[arg(long, value_parser = parse_bounds, requires = "calibrate", value_name = "LOW,HIGH")]
    pub bounds: Option<Bounds>,
}

/// `--bounds LOW,HIGH`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds(pub f64, pub f64);

fn parse_calibration(text: &str) -> Result<crate::stats::calibrate::Method, String> {
    text.parse()
}

fn parse_bounds(text: &str) -> Result<Bounds, String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [low, high] => match (low.parse::<f64>(), high.parse::<f64>()) {
            (Ok(low), Ok(high)) if (0.0..1.0).contains(&low) && high.is_finite() && high > 1.0 => Ok(Bounds(low, high)),
            _ => Err(format!(
                "`{text}` is not LOW,HIGH with 0 <= LOW < 1 < HIGH, such as 0.3,3"
            )),
        },
        _ => Err(format!("`{text}` is not LOW,HIGH, such as 0.3,3")),
    }
}

#[derive(Debug, Args)]
pub struct SharesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartKind {
    /// One wave (--chart-wave, default the latest): bars sorted by share, interval whiskers, the group marked.
    Bar,
    /// Shares over waves: the group and the top departments (or --categories), interval bands.
    Trend,
    /// 100 % stacked bars per wave (single-choice questions only).
    Stacked,
    /// Dumbbell chart between two waves (--from, --to; default the last two), Holm-significant changes marked.
    Change,
    /// Small multiples of the bar chart, one per value of the --by segment column.
    Segments,
    /// Published figures (FILE... are tables like data/published/*.csv), one panel per study and year.
    Published,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[arg(value_enum)]
    pub kind: ChartKind,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output file; .svg or .png.
    #[arg(long)]
    pub out: PathBuf,
    /// Colours; print is grey-safe (dash patterns and direct labels).
    #[arg(long, default_value = "light", value_parser = ["light", "dark", "print"])]
    pub theme: String,
    /// Language of titles, axes, category names and numbers.
    #[arg(long, default_value = "en", value_parser = ["en", "de"])]
    pub lang: String,
    /// Size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1920x1080")]
    pub size: String,
    /// Title (default: from the data).
    #[arg(long)]
    pub title: Option<String>,
    /// Question text under the title (default: a description of the shares).
    #[arg(long)]
    pub question: Option<String>,
    /// Leave the source line (study, wave, n, interval method) off the chart.
    #[arg(long)]
    pub no_source: bool,
    /// Wave drawn by bar and segments (default: the latest). `--wave` is the input option that
    /// sets the survey year of every row, so the chart's wave has its own name.
    #[arg(long = "chart-wave", value_name = "YEAR")]
    pub chart_wave: Option<i32>,
    /// Categories of a trend chart, by id (the group's name allowed), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "ID,ID")]
    pub categories: Option<Vec<String>>,
    /// Earlier wave of a change chart (default: the one before --to).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Later wave of a change chart (default: the latest).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
}

fn parse_ci(text: &str) -> Result<CiMethod, String> {
    text.parse()
}

fn parse_adjust(text: &str) -> Result<crate::stats::segments::Adjust, String> {
    text.parse()
}

fn parse_sig_level(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(level) if level > 0.0 && level < 0.5 => Ok(level),
        _ => Err(format!(
            "`{text}` is not a significance level above 0 and below 0.5, such as 0.05"
        )),
    }
}

fn parse_lonely_psu(text: &str) -> Result<crate::stats::LonelyPsu, String> {
    text.parse()
}

fn parse_waves(text: &str) -> Result<crate::stats::Waves, String> {
    text.parse()
}

fn parse_decimal(text: &str) -> Result<crate::ingest::rules::Decimal, String> {
    text.parse()
}

fn parse_base(text: &str) -> Result<crate::stats::Base, String> {
    text.parse()
}

fn parse_level(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(level) if crate::config::level_in_range(level) => Ok(level),
        _ => Err(format!(
            "`{text}` is not a level of at least 0.5 and below 1, such as 0.95"
        )),
    }
}

fn ci_help() -> String {
    let mut help = String::from(
        "Interval method (default: wilson without weights or design, logit with them; under weights or a \
         design the binomial methods use the effective sample size):\n",
    );
    for method in CiMethod::ALL {
        help.push_str(&format!("  {:<16} {}\n", method.as_str(), method.describe()));
    }
    help
}
