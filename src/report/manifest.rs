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
    /// no longer writes (and nothing else in the folder).
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

/// Files an earlier run listed in `dir/manifest.json` that `keep` no longer has; only those are
/// ever removed, so files of the user's own in the output folder are safe.
pub fn stale_outputs(dir: &Path, keep: &[&Path]) -> Vec<std::path::PathBuf> {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return Vec::new();
    };
    let Ok(old) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let keep: Vec<String> = keep.iter().map(|p| portable(p)).collect();
    old["outputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter(|name| !keep.iter().any(|k| k == name) && !name.contains("..") && !name.starts_with('/'))
        .map(|name| dir.join(name))
        .collect()
}

/// Paths with `/` separators so the manifest reads the same on every system.
fn portable(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
