//! `manifest.json`: tool version, the study config and the SHA-256 of every input.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::StudyConfig;
use crate::error::{Error, Result};

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    config_file: String,
    config: &'a StudyConfig,
    /// Input path (as given) -> SHA-256 hex of its bytes.
    inputs: BTreeMap<String, String>,
    /// Every file the run wrote, relative to the output folder: the next run removes the ones it
    /// no longer writes (and nothing else in the folder, see `stale_outputs`).
    outputs: Vec<String>,
}

/// Hex SHA-256 of a file's bytes.
pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// Path (with `/` separators) -> SHA-256 of the config and every file the run read.
pub fn input_hashes(config_file: &Path, files: &[&Path]) -> Result<BTreeMap<String, String>> {
    let mut inputs = BTreeMap::new();
    inputs.insert(portable(config_file), sha256_file(config_file)?);
    for file in files {
        inputs.insert(portable(file), sha256_file(file)?);
    }
    Ok(inputs)
}

/// The manifest text.
pub fn render(
    config_file: &Path,
    config: &StudyConfig,
    inputs: BTreeMap<String, String>,
    outputs: &[&Path],
) -> Result<String> {
    let mut outputs: Vec<String> = outputs
        .iter()
        .map(|p| portable(p))
        .chain(["manifest.json".to_string()])
        .collect();
    outputs.sort();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        config_file: portable(config_file),
        config,
        inputs,
        outputs,
    };
    let mut text =
        serde_json::to_string_pretty(&manifest).map_err(|e| Error::Invalid(format!("writing manifest: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Files an earlier run of this tool listed in `dir/manifest.json` that `keep` no longer has. Only
/// a manifest this tool wrote counts, and only names it writes (see `is_own_output`), so a foreign
/// or forged manifest can remove no file of the user's, and nothing outside `dir`.
pub fn stale_outputs(dir: &Path, keep: &[&Path]) -> Vec<std::path::PathBuf> {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return Vec::new();
    };
    let Ok(old) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    if old["tool"] != env!("CARGO_PKG_NAME") {
        return Vec::new();
    }
    let keep: Vec<String> = keep.iter().map(|p| portable(p)).collect();
    old["outputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter(|name| !keep.iter().any(|k| k == name) && is_own_output(name))
        .map(std::path::PathBuf::from)
        .collect()
}

/// The files `run` and `report` write at the top of the output folder.
const OWN_FILES: &[&str] = &[
    "comparisons.csv",
    "estimates.csv",
    "estimates.parquet",
    "manifest.json",
    "rejects.csv",
    "report.html",
    "report.md",
    "report.xlsx",
    "reproduce.json",
    "results.json",
    "tests.csv",
];

/// Chart kinds in `charts/<study>-<kind>.<lang>.<ext>` (see `figures::study_charts`).
const CHART_KINDS: &[&str] = &["bar", "trend", "stacked", "change", "segments"];

/// Whether `name` (relative, `/` separators) is one this tool writes: a fixed output, or
/// `charts/<study>-<kind>.<lang>.svg|png|alt.txt`, `charts/published.<lang>.…`.
pub fn is_own_output(name: &str) -> bool {
    if OWN_FILES.contains(&name) {
        return true;
    }
    let Some(chart) = name.strip_prefix("charts/") else {
        return false;
    };
    let Some(stem) = [".svg", ".png", ".alt.txt"]
        .iter()
        .find_map(|ext| chart.strip_suffix(ext))
    else {
        return false;
    };
    let Some((stem, lang)) = stem.rsplit_once('.') else {
        return false;
    };
    let lang_ok = lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase());
    let stem_ok = stem == "published"
        || stem
            .rsplit_once('-')
            .is_some_and(|(study, kind)| CHART_KINDS.contains(&kind) && crate::study_id::check(study).is_ok());
    lang_ok && stem_ok
}

/// Paths with `/` separators so the manifest reads the same on every system.
fn portable(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_this_tool_writes_are_its_own() {
        for own in [
            "report.md",
            "report.xlsx",
            "manifest.json",
            "charts/econsultancy-bar.en.svg",
            "charts/demo-tracker-change.de.png",
            "charts/published.en.alt.txt",
        ] {
            assert!(is_own_output(own), "{own}");
        }
        for other in [
            "thesis.docx",
            "../report.md",
            "/etc/hostname",
            "charts/../thesis.docx",
            "charts/x-bar.en.docx",
            "charts/thesis.docx",
            "charts/../../x-bar.en.svg",
            "charts/sub/x-bar.en.svg",
            "charts/x-pie.en.svg",
            "notes/report.md",
        ] {
            assert!(!is_own_output(other), "{other}");
        }
    }

    #[test]
    fn a_manifest_of_another_tool_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let write = |text: &str| std::fs::write(dir.path().join("manifest.json"), text).unwrap();
        write(r#"{"outputs": ["report.md", "thesis.docx"]}"#);
        assert!(stale_outputs(dir.path(), &[]).is_empty());
        write(r#"{"tool": "deptshare", "outputs": ["report.md", "thesis.docx", "charts/a-bar.en.svg"]}"#);
        let stale = stale_outputs(dir.path(), &[Path::new("report.md")]);
        assert_eq!(stale, [std::path::PathBuf::from("charts/a-bar.en.svg")]);
    }
}
