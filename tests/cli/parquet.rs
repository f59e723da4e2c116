//! `estimates.parquet`: what Python polars reads back is `estimates.csv`, typed, and the bytes repeat.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::*;

/// The venv Python that scripts/test sets up (with polars), as the notebook tests use it.
fn python() -> String {
    std::env::var("DEPTSHARE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Reads a Parquet file with Python polars: its schema and its rows as JSON (NaN is refused).
const DUMP: &str = r#"
import json, sys
import polars as pl
frame = pl.read_parquet(sys.argv[1])
schema = [[name, str(dtype)] for name, dtype in frame.schema.items()]
print(json.dumps({"schema": schema, "rows": frame.rows()}, allow_nan=False))
"#;

fn read_back(parquet: &Path) -> Value {
    let run = Command::new(python())
        .args(["-c", DUMP])
        .arg(parquet)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} did not start ({e}); scripts/test sets up the notebook venv",
                python()
            )
        });
    assert!(
        run.status.success(),
        "python polars could not read {}: {}",
        parquet.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).unwrap()
}

/// The polars dtype each column must have.
const DTYPES: [(&str, &str); 20] = [
    ("study", "String"),
    ("wave", "Int32"),
    ("segment", "String"),
    ("category", "String"),
    ("kind", "String"),
    ("choice", "String"),
    ("n", "UInt64"),
    ("count", "UInt64"),
    ("share", "Float64"),
    ("se", "Float64"),
    ("ci_low", "Float64"),
    ("ci_high", "Float64"),
    ("deff", "Float64"),
    ("method", "String"),
    ("level", "Float64"),
    ("n_weighted", "Float64"),
    ("count_weighted", "Float64"),
    ("n_effective", "Float64"),
    ("df", "Float64"),
    ("design", "String"),
];

/// A CSV cell and the value Python read for it: empty is null, numbers to 1e-12, text as is.
fn same_cell(cell: &str, value: &Value) -> bool {
    match value {
        Value::Null => cell.is_empty(),
        Value::String(text) => text == cell,
        Value::Number(number) if number.is_f64() => cell
            .parse::<f64>()
            .is_ok_and(|parsed| (parsed - number.as_f64().unwrap()).abs() <= 1e-12),
        Value::Number(number) => cell.parse::<i64>().ok() == number.as_i64(),
        _ => false,
    }
}

#[test]
fn python_polars_reads_estimates_csv_back_typed() {
    let dir = tempfile::tempdir().unwrap();
    let run = deptshare(&["run", "--out", dir.path().to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let mut csv = csv::Reader::from_path(dir.path().join("estimates.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let parquet = read_back(&dir.path().join("estimates.parquet"));

    let schema: Vec<(String, String)> = parquet["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().into(), pair[1].as_str().unwrap().into()))
        .collect();
    let names: Vec<&str> = schema.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, header, "the columns of estimates.csv, in its order");
    let expected: Vec<(String, String)> = DTYPES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    assert_eq!(schema, expected);

    let rows = parquet["rows"].as_array().unwrap();
    assert!(
        records.len() > 50,
        "the bundled study has many estimates: {}",
        records.len()
    );
    assert_eq!(rows.len(), records.len());
    let mut nulls = 0;
    for (line, (record, row)) in records.iter().zip(rows).enumerate() {
        let row = row.as_array().unwrap();
        assert_eq!(row.len(), header.len());
        for ((name, cell), value) in header.iter().zip(record.iter()).zip(row) {
            assert!(
                same_cell(cell, value),
                "row {}, column {name}: csv `{cell}`, parquet {value}",
                line + 1
            );
            nulls += usize::from(value.is_null());
        }
        let share = row[8].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "shares are fractions: {share}");
    }
    // The run has rows without a segment or an interval: nulls were compared, not only numbers.
    assert!(nulls > records.len(), "{nulls} nulls");
}

#[test]
fn estimates_parquet_is_byte_identical_on_a_rerun_and_in_the_manifest() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        let out = deptshare(&["run", "--out", dir.path().to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let first = std::fs::read(a.path().join("estimates.parquet")).unwrap();
    assert!(
        first.starts_with(b"PAR1") && first.ends_with(b"PAR1"),
        "not a parquet file"
    );
    assert!(first == std::fs::read(b.path().join("estimates.parquet")).unwrap());
    let manifest: Value = serde_json::from_slice(&std::fs::read(a.path().join("manifest.json")).unwrap()).unwrap();
    assert!(
        manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "estimates.parquet"),
        "{}",
        manifest["outputs"]
    );
}
