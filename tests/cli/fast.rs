//! The large-file path (`src/ingest/fast`), forced on small fixtures with
//! DEPTSHARE_FAST_PATH_MIN_BYTES=0, gives what the careful reader gives.

use std::process::{Command, Output};

use serde_json::Value;

use crate::{fixture, json, root, stderr};

const NOTE: &str = "read by the large-file path";

fn run(args: &[&str], fast: bool) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deptshare"))
        .args(args)
        .current_dir(root())
        .env("DEPTSHARE_FAST_PATH_MIN_BYTES", if fast { "0" } else { "never" })
        .output()
        .expect("the binary runs")
}

/// Equal JSON, numbers to 1e-12 (polars' parallel sums vary in the last bit from run to run).
fn same(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{at}: {x} != {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            x.iter()
                .zip(y)
                .enumerate()
                .for_each(|(i, (x, y))| same(x, y, &format!("{at}[{i}]")));
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}: keys");
            x.iter().for_each(|(k, v)| same(v, &y[k], &format!("{at}.{k}")));
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

fn both_paths(args: &[&str]) -> Value {
    compare(args, true)
}

/// Runs `args` with the fast path off and forced; `taken` says whether it must have read the file.
fn compare(args: &[&str], taken: bool) -> Value {
    let careful = run(args, false);
    let fast = run(args, true);
    assert!(careful.status.success(), "{}", stderr(&careful));
    assert!(fast.status.success(), "{}", stderr(&fast));
    assert!(!stderr(&careful).contains(NOTE));
    assert_eq!(stderr(&fast).contains(NOTE), taken, "{}", stderr(&fast));
    let (careful, fast) = (json(&careful), json(&fast));
    same(&careful, &fast, "$");
    fast
}

#[test]
fn bad_rows_agree() {
    // A row with more fields than the header makes polars fail: the careful reader reads the file.
    let out = compare(&["shares", &fixture("bad-rows.csv"), "--format", "json"], false);
    assert!(out["ingest"]["rows_rejected"].as_u64().unwrap() > 0);
}

#[test]
fn multi_choice_agrees() {
    both_paths(&["shares", &fixture("multi.csv"), "--multi", "--format", "json"]);
}

#[test]
fn design_agrees() {
    let file = fixture("design/single.csv");
    let args = [
        "shares",
        &file,
        "--wave-col",
        "year",
        "--dept-col",
        "department",
        "--weight-col",
        "weight",
        "--strata-col",
        "region",
        "--psu-col",
        "psu",
        "--format",
        "json",
    ];
    let out = both_paths(&args);
    assert!(out["estimates"][0]["se"].is_number());
}

#[test]
fn awkward_rows_agree() {
    // Empty lines, a row of blank cells, a short row, a quoted newline, duplicates, a bad wave.
    let out = both_paths(&["shares", &fixture("fast/awkward.csv"), "--format", "json"]);
    let ingest = &out["ingest"];
    let read = ingest["rows_read"].as_u64().unwrap();
    assert_eq!(
        read,
        ingest["rows_accepted"].as_u64().unwrap() + ingest["rows_rejected"].as_u64().unwrap()
    );
    assert_eq!(ingest["rows_rejected"], 5);
}

#[test]
fn reject_lines_agree() {
    // --strict names the first rejected row's line: the blank-cell row on line 5.
    let file = fixture("fast/awkward.csv");
    let args = ["shares", &file, "--strict"];
    let (careful, fast) = (run(&args, false), run(&args, true));
    assert!(!fast.status.success());
    assert_eq!(stderr(&careful).lines().last(), stderr(&fast).lines().last());
    assert!(stderr(&fast).contains("awkward.csv:5:"), "{}", stderr(&fast));
}

#[test]
fn unknown_label_line_agrees() {
    for name in ["unknown-label.csv", "blank-lines.csv"] {
        let args = ["shares", &fixture(name)];
        let (careful, fast) = (run(&args, false), run(&args, true));
        assert!(!fast.status.success());
        let last = |o: &Output| stderr(o).lines().last().unwrap_or_default().to_string();
        assert!(last(&fast).contains("unknown department"), "{}", last(&fast));
        assert_eq!(last(&careful), last(&fast));
    }
}
