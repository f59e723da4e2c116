//! The one integration test binary: runs the real `deptshare` executable in temporary folders.
//! Each area has its own module; this file holds the harness they share.
//! Golden files are rewritten only with `DEPTSHARE_UPDATE_GOLDEN=1`.

// Panicking is how a test fails.
#![allow(clippy::unwrap_used)]

mod binary;
mod charts;
mod columnar;
mod design;
mod exports;
mod fast;
mod formats;
mod groups;
mod hostile;
mod labels;
mod notebooks;
mod panel;
mod parquet;
mod published;
mod report;
mod rows;
mod segments;
mod skeleton;
mod weighting;
mod xlsx;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The design columns of `calibration/respondents.csv` (segments and weighting tests).
pub const DESIGN: [&str; 10] = [
    "--dept-col",
    "department",
    "--wave-col",
    "year",
    "--weight-col",
    "weight",
    "--strata-col",
    "stratum",
    "--psu-col",
    "psu",
];

pub fn fixture(name: &str) -> String {
    root().join("tests/data").join(name).display().to_string()
}

/// Runs the binary in `dir` with `args`.
pub fn deptshare_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deptshare"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

pub fn deptshare(args: &[&str]) -> Output {
    deptshare_in(&root(), args)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not json ({e}): {}", stdout(out)))
}

/// `shares FILE --format json EXTRA...`: asserts success and the row account identity
/// (rows_read = rows_accepted + rows_rejected); the results and stderr.
pub fn shares_json_of(file: &str, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["shares", file, "--format", "json"];
    args.extend_from_slice(extra);
    let out = deptshare(&args);
    assert!(out.status.success(), "{file}: {}", stderr(&out));
    let results = json(&out);
    let ingest = &results["ingest"];
    assert_eq!(
        ingest["rows_read"].as_u64().unwrap(),
        ingest["rows_accepted"].as_u64().unwrap() + ingest["rows_rejected"].as_u64().unwrap(),
        "{file}: {ingest}"
    );
    (results, stderr(&out))
}

/// `run` on a study of one input (`input`: the TOML lines of its `[[inputs]]` table, `path`
/// included) in a temporary folder: asserts success and gives rejects.csv.
pub fn run_rejects(input: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("study.toml");
    let toml = format!("title = \"t\"\n[[inputs]]\nstudy = \"s\"\ntitle = \"s\"\n{input}\n");
    std::fs::write(&config, toml).unwrap();
    let out_dir = dir.path().join("out");
    let out = deptshare(&[
        "run",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::read_to_string(out_dir.join("rejects.csv")).unwrap()
}

pub fn estimate<'a>(results: &'a Value, wave: i64, category: &str) -> &'a Value {
    results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["wave"] == wave && e["category"] == category)
        .unwrap_or_else(|| panic!("no estimate for {wave} {category}"))
}

pub fn close(value: &Value, expected: f64, tolerance: f64) {
    let got = value.as_f64().unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((got - expected).abs() <= tolerance, "{got} != {expected}");
}

/// Compares with a committed golden file, or rewrites it when DEPTSHARE_UPDATE_GOLDEN is set.
pub fn golden(path: &Path, actual: &[u8]) {
    if std::env::var_os("DEPTSHARE_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e} (DEPTSHARE_UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{} differs from the output; rerun with DEPTSHARE_UPDATE_GOLDEN=1 if the change is intended",
        path.display()
    );
}
