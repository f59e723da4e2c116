//! Reading survey files into respondent rows, with every rejected row accounted for.

pub mod aggregate;
pub mod answers;
pub mod binary;
// Parquet needs polars' arrow crates, which the fuzz build leaves out.
#[cfg(not(fuzzing))]
pub mod columnar;
// The fuzz crate (fuzz/) compiles ingest, the tally and the label checks from these sources
// without polars or the estimate stage.
pub mod generic;
pub mod google_forms;
pub mod inspect;
pub mod limesurvey;
#[cfg(test)]
mod prop;
pub mod qualtrics;
pub mod repeats;
pub mod rules;
pub mod sheet;
pub mod sniff;
pub mod spss;
pub mod stream;
pub mod survey;
pub mod surveygizmo;
pub mod surveymonkey;
pub mod typeform;

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Choice kind of the department question.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    /// One department per respondent: shares sum to 100 %.
    #[default]
    Single,
    /// Several departments per respondent: a group share is the share naming at least one member.
    Multi,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Single => "single",
            Choice::Multi => "multi",
        }
    }
}

/// The shape of an input file; `Auto` detects it from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    Auto,
    /// Respondent-level CSV, one row per respondent.
    Generic,
    /// A published table (`wave, category, share|percent[, n]`); read by `pipeline`, not here.
    Aggregate,
    Qualtrics,
    Surveymonkey,
    Limesurvey,
    GoogleForms,
    Typeform,
    /// SurveyGizmo, now Alchemer.
    #[serde(alias = "alchemer")]
    Surveygizmo,
    /// An SPSS system file (.sav, .zsav): detected from its bytes, this only insists on it.
    Spss,
}

impl InputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Generic => "generic",
            InputFormat::Aggregate => "aggregate",
            InputFormat::Qualtrics => "qualtrics",
            InputFormat::Surveymonkey => "surveymonkey",
            InputFormat::Limesurvey => "limesurvey",
            InputFormat::GoogleForms => "google-forms",
            InputFormat::Typeform => "typeform",
            InputFormat::Surveygizmo => "surveygizmo",
            InputFormat::Spss => "spss",
        }
    }
}

/// Bytes of input files read so far by this process: a progress bar polls it (`commands::progress`).
/// The large-file path adds each block as it is read, the careful reader a file once it is read.
pub static BYTES_READ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Reads one respondent-level file in the format the spec names (or the detected one);
/// with `spec.strict` a rejected row (other than an excluded unfinished response) is an error.
pub fn read(spec: &InputSpec, taxonomy: &crate::taxonomy::Taxonomy) -> Result<RawInput> {
    if let Some(loaded) = binary::load(spec)? {
        let input = match loaded {
            binary::Loaded::Spss(survey, _) => answers::read(spec, &survey, taxonomy)?,
            binary::Loaded::Sheet(decoded, _) => read_decoded(spec, &decoded, taxonomy)?,
        };
        check_strict(spec, &input)?;
        return Ok(input);
    }
    if let Some(input) = stream::try_read(spec, taxonomy)? {
        return Ok(input);
    }
    let decoded = read_text(&spec.path)?;
    let input = read_decoded(spec, &decoded, taxonomy)?;
    let len = std::fs::metadata(&spec.path).map_or(0, |m| m.len());
    BYTES_READ.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
    check_strict(spec, &input)?;
    Ok(input)
}

/// Under `spec.strict` the first rejected row (other than an excluded unfinished response) is an error.
pub(crate) fn check_strict(spec: &InputSpec, input: &RawInput) -> Result<()> {
    match input.rejects.iter().find(|r| !r.reason.starts_with(INCOMPLETE)) {
        Some(reject) if spec.strict => Err(Error::Strict {
            path: spec.path.clone(),
            line: reject.line,
            reason: reject.reason.clone(),
        }),
        _ => Ok(()),
    }
}

/// Reads a file's bytes as `read` would after loading them (for tests and the fuzz target).
pub fn read_bytes(spec: &InputSpec, bytes: &[u8], taxonomy: &crate::taxonomy::Taxonomy) -> Result<RawInput> {
    let decoded = decode_checked(&spec.path, bytes)?;
    read_decoded(spec, &decoded, taxonomy)
}

/// The format `spec` asks for, detected from the text when it says `auto`.
pub fn format_of(spec: &InputSpec, decoded: &sniff::Decoded) -> (InputFormat, u8) {
    let delimiter = sniff::delimiter(&decoded.text);
    match spec.format {
        InputFormat::Auto => (sniff::detect(&decoded.text, delimiter), delimiter),
        format => (format, delimiter),
    }
}

/// Parses a survey-tool export into its columns and questions; `None` for generic and aggregate files.
pub fn parse_survey(spec: &InputSpec, decoded: &sniff::Decoded) -> Result<Option<survey::Survey>> {
    let path = spec.path.as_path();
    Ok(Some(match format_of(spec, decoded) {
        (InputFormat::Qualtrics, d) => qualtrics::parse(path, decoded, d)?,
        (InputFormat::Surveymonkey, d) => surveymonkey::parse(path, decoded, d)?,
        (InputFormat::Limesurvey, d) => limesurvey::parse(path, decoded, d)?,
        (InputFormat::GoogleForms, d) => google_forms::parse(path, decoded, d)?,
        (InputFormat::Typeform, d) => typeform::parse(path, decoded, d)?,
        (InputFormat::Surveygizmo, d) => surveygizmo::parse(path, decoded, d)?,
        _ => return Ok(None),
    }))
}

fn read_decoded(spec: &InputSpec, decoded: &sniff::Decoded, taxonomy: &crate::taxonomy::Taxonomy) -> Result<RawInput> {
    match (format_of(spec, decoded).0, parse_survey(spec, decoded)?) {
        (_, Some(survey)) => answers::read(spec, &survey, taxonomy),
        (InputFormat::Aggregate, None) => Err(Error::Invalid(format!(
            "{}: a published table is not respondent data; it is read as an aggregate input",
            spec.path.display()
        ))),
        (_, None) => generic::read_decoded(spec, decoded, taxonomy),
    }
}

/// What to read from one respondent-level file and how.
#[derive(Debug, Clone)]
pub struct InputSpec {
    pub path: PathBuf,
    pub format: InputFormat,
    pub study: String,
    pub dept_col: Option<String>,
    pub wave_col: Option<String>,
    pub wave: Option<i32>,
    pub respondent_col: Option<String>,
    pub choice: Choice,
    pub multi_sep: String,
    /// Survey weight column; rows with a missing, zero, negative or non-numeric weight are rejected.
    pub weight_col: Option<String>,
    /// Design columns: strata, primary sampling units, finite population correction.
    pub strata_col: Option<String>,
    pub psu_col: Option<String>,
    pub fpc_col: Option<String>,
    /// Independent waves, or one panel (`--waves shared`).
    pub waves: crate::stats::Waves,
    /// The decimal mark of the file's numbers (`--decimal`); decided from the file when `None`.
    pub decimal: Option<rules::Decimal>,
    /// Segment column (`--by`), e.g. company size.
    pub by_col: Option<String>,
    /// Weighting variables (the targets' variables), read per respondent for calibration.
    pub calibration_cols: Vec<String>,
    /// Keep unfinished responses (Qualtrics Finished = 0, LimeSurvey empty submitdate) in the base.
    pub include_incomplete: bool,
    /// Any rejected row is an error naming its file and line.
    pub strict: bool,
    /// The sheet of a spreadsheet to read (default: the first).
    pub sheet: Option<String>,
}

impl InputSpec {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        InputSpec {
            path: path.into(),
            format: InputFormat::Auto,
            study: String::new(),
            dept_col: None,
            wave_col: None,
            wave: None,
            respondent_col: None,
            choice: Choice::Single,
            multi_sep: ";".to_string(),
            weight_col: None,
            strata_col: None,
            psu_col: None,
            fpc_col: None,
            waves: crate::stats::Waves::Independent,
            decimal: None,
            by_col: None,
            calibration_cols: Vec::new(),
            include_incomplete: false,
            strict: false,
            sheet: None,
        }
    }
}

/// One respondent's answer as found in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawAnswer {
    pub line: u64,
    pub respondent: String,
    pub wave: i32,
    /// Raw department labels; empty when the respondent gave no answer.
    pub labels: Vec<String>,
    /// Survey weight; 1.0 without a weight column.
    pub weight: f64,
    pub stratum: Option<String>,
    pub psu: Option<String>,
    pub fpc: Option<f64>,
    pub segment: Option<String>,
    /// The calibration cell (`tally::cal_name` of the weighting variables' levels).
    pub calibration: Option<String>,
}

/// A data row that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// Row accounting: `rows_read = rows_accepted + rows_rejected`. No-answer rows are accepted but
/// not in the base; `incomplete` rows (unfinished responses left out by default) are counted among
/// the rejected, so that every unused row is listed in rejects.csv.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub no_answer: u64,
    pub incomplete: u64,
}

impl IngestSummary {
    pub fn add(&mut self, other: &IngestSummary) {
        self.rows_read += other.rows_read;
        self.rows_accepted += other.rows_accepted;
        self.rows_rejected += other.rows_rejected;
        self.no_answer += other.no_answer;
        self.incomplete += other.incomplete;
    }
}

/// Everything read from one file.
#[derive(Debug, Clone)]
pub struct RawInput {
    pub spec: InputSpec,
    pub answers: Vec<RawAnswer>,
    pub rejects: Vec<Reject>,
    pub summary: IngestSummary,
    /// What was detected (column choices, encoding), for stderr.
    pub notes: Vec<String>,
    /// The respondents of a file read by the large-file path (its `answers` are then empty).
    pub tally: Option<crate::tally::Tally>,
    /// With `tally`: a hash of every row's respondent key (`stream::key_hash`), for the check of
    /// respondents repeated across files, and those of the rows rejected after it was taken.
    pub key_hashes: Vec<Vec<u64>>,
    pub rejected_key_hashes: Vec<u64>,
}

/// How the reason of an excluded unfinished response starts in rejects.csv.
pub const INCOMPLETE: &str = "incomplete response";

impl RawInput {
    pub fn new(spec: &InputSpec) -> Self {
        RawInput {
            spec: spec.clone(),
            answers: Vec::new(),
            rejects: Vec::new(),
            summary: IngestSummary::default(),
            notes: Vec::new(),
            tally: None,
            key_hashes: Vec::new(),
            rejected_key_hashes: Vec::new(),
        }
    }

    pub fn accept(&mut self, answer: RawAnswer) {
        self.summary.rows_read += 1;
        self.summary.rows_accepted += 1;
        self.summary.no_answer += u64::from(answer.labels.is_empty());
        self.answers.push(answer);
    }

    pub fn reject(&mut self, line: u64, reason: String) {
        self.summary.rows_read += 1;
        self.summary.rows_rejected += 1;
        self.rejects.push(Reject {
            file: self.spec.path.display().to_string(),
            line,
            reason,
        });
    }

    /// An unfinished response, left out of the base unless `--include-incomplete`.
    pub fn exclude_incomplete(&mut self, line: u64, why: &str) {
        self.summary.incomplete += 1;
        self.reject(
            line,
            format!("{INCOMPLETE} ({why}); left out of the base, --include-incomplete keeps it"),
        );
    }
}

/// Reads a whole file, refusing what cannot be a survey export before decoding it.
pub fn read_text(path: &Path) -> Result<sniff::Decoded> {
    let bytes = binary::bytes(path)?;
    if binary::kind(&bytes) == Some(binary::Kind::Sheet) {
        return sheet::read(path, &bytes, None).map(|(decoded, _)| decoded);
    }
    decode_checked(path, &bytes)
}

/// Decodes bytes, refusing an empty file and one that is not text at all.
pub fn decode_checked(path: &Path, bytes: &[u8]) -> Result<sniff::Decoded> {
    if bytes.len() > sniff::MAX_FILE_BYTES {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            reason: format!(
                "file of {} bytes is larger than the {} byte limit",
                bytes.len(),
                sniff::MAX_FILE_BYTES
            ),
        });
    }
    let decoded = sniff::decode(bytes);
    if decoded.text.chars().all(|c| c.is_whitespace() || c == '\u{feff}') {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if let Some(line) = sniff::binary_line(&decoded.text) {
        return Err(Error::NotText {
            path: path.to_path_buf(),
            line,
        });
    }
    Ok(decoded)
}
