//! The report stage: pure renderers to bytes, and one place that writes files atomically.

pub mod csv;
pub mod doc;
pub mod html;
pub mod json;
pub mod manifest;
pub mod markdown;
pub mod parquet;
pub mod publish;
pub mod table;
pub mod xlsx;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One output file: a path relative to the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Writes a few files (a chart and its alt text, say) each to a temporary name inside `dir`, then
/// renames them; a failure removes the temporary files. Each file is replaced whole, the set is
/// not: `publish::publish` swaps a whole output folder.
pub fn write_atomic(dir: &Path, files: &[OutputFile]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    let result = stage_and_rename(dir, files, &mut staged);
    if result.is_err() {
        for (temp, _) in &staged {
            let _ = std::fs::remove_file(temp);
        }
    }
    result
}

fn stage_and_rename(dir: &Path, files: &[OutputFile], staged: &mut Vec<(PathBuf, PathBuf)>) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    for file in files {
        let target = dir.join(&file.path);
        let folder = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder).map_err(io(folder))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = folder.join(format!(".{name}.tmp-{}", std::process::id()));
        // Listed before it is written, so a half-written temporary file is removed too.
        staged.push((temp.clone(), target));
        std::fs::write(&temp, &file.bytes).map_err(io(&temp))?;
    }
    for (temp, target) in staged.iter() {
        std::fs::rename(temp, target).map_err(io(target))?;
    }
    Ok(())
}

/// `report.md` and `report.html` from one document, and `report.xlsx` from the same numbers.
pub fn report_files(input: &doc::ReportInput) -> Result<Vec<OutputFile>> {
    let document = doc::build(input);
    Ok(vec![
        OutputFile::new("report.md", markdown::render(&document)),
        OutputFile::new("report.html", html::render(&document)),
        OutputFile::new("report.xlsx", xlsx::render(input)?),
    ])
}

/// A confidence level as people write it: 0.95 -> "95%", 0.995 -> "99.5%", 0.999999 -> "99.9999%".
pub fn level_text(level: f64) -> String {
    let text = format!("{:.4}", level * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Whether a human-facing percent format is wanted.
pub fn percent(share: f64) -> String {
    crate::chart::format_percent(share, 1, crate::chart::Lang::En)
}

/// Percent of an optional interval, or "n/a" with the reason it is missing.
pub fn interval_text(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{} – {}", percent(l), percent(h)),
        _ => "no interval (n unknown)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_keep_their_digits() {
        assert_eq!(level_text(0.95), "95%");
        assert_eq!(level_text(0.995), "99.5%");
        assert_eq!(level_text(0.999999), "99.9999%");
        assert_eq!(level_text(0.975), "97.5%");
    }
}
