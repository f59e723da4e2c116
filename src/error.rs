//! Library errors: each variant carries what a user needs to fix the input.

use std::path::PathBuf;

/// Errors the pipeline stages return; `main` maps every one of them to exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: the file has a header but no data rows", path.display())]
    HeaderOnly { path: PathBuf },
    #[error("{}:{line}: {reason}", path.display())]
    Parse { path: PathBuf, line: u64, reason: String },
    #[error("{}: no column `{column}`; columns are: {}", path.display(), available.join(", "))]
    MissingColumn {
        path: PathBuf,
        column: String,
        available: Vec<String>,
    },
    #[error("{}: {reason}", path.display())]
    NoDepartmentColumn { path: PathBuf, reason: String },
    #[error("{}: no wave: pass --wave YEAR or --wave-col NAME (no column named year, wave, jahr or welle)", path.display())]
    NoWave { path: PathBuf },
    #[error("{}:{line}: unknown department `{label}`{}{}", path.display(), suggestion_text(suggestion), others_text(others))]
    UnknownLabel {
        path: PathBuf,
        line: u64,
        label: String,
        suggestion: Option<String>,
        /// The file's other unknown labels, with their first line where known.
        others: Vec<(String, Option<u64>)>,
    },
    #[error("{}:{line}: not a CSV text file (binary data), nor a spreadsheet or SPSS file; export the survey as CSV, .xlsx or .sav", path.display())]
    NotText { path: PathBuf, line: u64 },
    #[error("{}:{line}: rejected row (--strict): {reason}", path.display())]
    Strict { path: PathBuf, line: u64, reason: String },
    /// A spreadsheet or SPSS file that cannot be read (truncated, encrypted, no such sheet).
    #[error("{}: {reason}", path.display())]
    Binary { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Question { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Config { path: PathBuf, reason: String },
    /// Options that do not fit the file (e.g. a fixed wave on a file with a wave column).
    #[error("{}: {reason}", path.display())]
    Options { path: PathBuf, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{}: {reason}", path.display())]
    Chart { path: PathBuf, reason: String },
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`? (or map it in the study config under [taxonomy.aliases])"),
        None => "; map it in the study config under [taxonomy.aliases]".to_string(),
    }
}

/// Every other unknown label of the file (up to eight), so one run shows what to map.
fn others_text(others: &[(String, Option<u64>)]) -> String {
    if others.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = others
        .iter()
        .take(8)
        .map(|(label, line)| match line {
            Some(line) => format!("`{label}` (line {line})"),
            None => format!("`{label}`"),
        })
        .collect();
    let rest = others.len().saturating_sub(8);
    let tail = if rest > 0 {
        format!(" and {rest} more")
    } else {
        String::new()
    };
    format!("; also unknown: {}{tail}", listed.join(", "))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
