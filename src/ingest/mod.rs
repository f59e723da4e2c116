//! Reading survey files into respondent rows, with every rejected row accounted for.

pub mod aggregate;
pub mod generic;
pub mod sniff;

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Choice kind of the department question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    /// One department per respondent: shares sum to 100 %.
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
        }
    }
}

/// Reads one respondent-level file in the format the spec names (or the detected one).
pub fn read(spec: &InputSpec, taxonomy: &crate::taxonomy::Taxonomy) -> Result<RawInput> {
    match spec.format {
        InputFormat::Auto | InputFormat::Generic => generic::read(spec, taxonomy),
        other => Err(Error::Invalid(format!(
            "{}: the {} reader is not written yet; export the data as a plain CSV with one row per respondent",
            spec.path.display(),
            other.as_str()
        ))),
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
    /// Segment column (`--by`), e.g. company size.
    pub by_col: Option<String>,
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
            by_col: None,
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
}

/// A data row that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// Row accounting: `rows_read = rows_accepted + rows_rejected`; no-answer rows are accepted but not in the base.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub no_answer: u64,
}

impl IngestSummary {
    pub fn add(&mut self, other: &IngestSummary) {
        self.rows_read += other.rows_read;
        self.rows_accepted += other.rows_accepted;
        self.rows_rejected += other.rows_rejected;
        self.no_answer += other.no_answer;
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
}

/// Reads a whole file, refusing what cannot be a survey export before decoding it.
pub fn read_text(path: &Path) -> Result<sniff::Decoded> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > sniff::MAX_FILE_BYTES as u64 {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            reason: format!(
                "file of {len} bytes is larger than the {} byte limit",
                sniff::MAX_FILE_BYTES
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(sniff::decode(&bytes))
}
