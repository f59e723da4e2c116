//! Respondent-level Parquet inputs (tests/data/parquet, made by make.py with pyarrow and polars):
//! the same respondents, rejects, line numbers and estimates as the same rows saved as CSV, and
//! the counts Python computed from the rows (expected.json).

use serde_json::Value;

use super::{deptshare, fixture, root, shares_json_of, stderr};

const ARGS: &[&str] = &[
    "--dept-col",
    "department",
    "--wave-col",
    "year",
    "--weight-col",
    "weight",
    "--respondent-col",
    "respondent",
    "--by",
    "size",
];

fn without_paths(mut results: Value) -> Value {
    results["ingest"]["files"] = Value::Null;
    results
}

#[test]
fn parquet_files_read_as_their_csv_twin() {
    let (csv, _) = shares_json_of(&fixture("parquet/respondents.csv"), ARGS);
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tests/data/parquet/expected.json")).unwrap())
            .unwrap();
    for name in ["snappy", "zstd", "gzip"] {
        let file = fixture(&format!("parquet/{name}.parquet"));
        let (parquet, err) = shares_json_of(&file, ARGS);
        assert!(
            err.contains(&format!("{name}.parquet:15: missing weight")),
            "{name}: {err}"
        );
        assert!(err.contains(": parquet, "), "{name}: {err}");
        let ingest = &parquet["ingest"];
        assert_eq!(ingest["rows_read"], expected["rows"], "{name}");
        assert_eq!(ingest["rows_rejected"], expected["rejected"], "{name}");
        assert_eq!(ingest["no_answer"], expected["no_answer"], "{name}");
        for (key, count) in expected["counts"].as_object().unwrap() {
            let (wave, category) = key.split_once('/').unwrap();
            let wave: i64 = wave.parse().unwrap();
            let e = parquet["estimates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["wave"] == wave && e["category"] == category && e["segment"].is_null())
                .unwrap_or_else(|| panic!("{name}: no estimate for {key}"));
            assert_eq!(&e["count"], count, "{name} {key}");
        }
        assert_eq!(
            without_paths(parquet.clone())["estimates"],
            without_paths(csv.clone())["estimates"],
            "{name}: estimates differ from the CSV's"
        );
        assert_eq!(parquet["segment_tests"], csv["segment_tests"], "{name}");
    }
}

#[test]
fn a_damaged_parquet_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(root().join("tests/data/parquet/snappy.parquet")).unwrap();
    let path = dir.path().join("cut.parquet");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let out = deptshare(&["shares", path.to_str().unwrap(), "--dept-col", "department"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cut.parquet"), "{}", stderr(&out));
    assert!(stderr(&out).contains("Parquet"), "{}", stderr(&out));
}

#[test]
fn parquet_dates_and_timestamps_read_as_the_csv_twins_iso_text() {
    // As the CSV twin's ISO text: the same estimates, rejects and reasons with either column as
    // the wave (a plain CSV takes a wave from a year, not from a date).
    for column in ["started", "day"] {
        let args = ["--dept-col", "department", "--wave-col", column];
        let (csv, csv_err) = shares_json_of(&fixture("parquet/respondents.csv"), &args);
        for name in ["snappy", "zstd"] {
            let (parquet, err) = shares_json_of(&fixture(&format!("parquet/{name}.parquet")), &args);
            assert_eq!(parquet["estimates"], csv["estimates"], "{name} {column}");
            assert_eq!(
                parquet["ingest"]["rows_rejected"], csv["ingest"]["rows_rejected"],
                "{name} {column}"
            );
            let reasons = |text: &str| -> Vec<String> {
                text.lines()
                    .filter(|l| l.contains("rejected ") && l.contains(':'))
                    .map(|l| {
                        l.split_once(".csv")
                            .or(l.split_once(".parquet"))
                            .map_or(l, |p| p.1)
                            .to_string()
                    })
                    .collect()
            };
            assert_eq!(reasons(&err), reasons(&csv_err), "{name} {column}");
        }
    }
}
