//! Issue 13, item 9: the decimal mark is decided once per file, and a cell that could be read
//! two ways (`1,500`: 1.5 or 1500) is rejected with its reason, never read as 1.5 on a guess.

use crate::*;

fn weighted(file: &str, extra: &[&str]) -> std::process::Output {
    let file = fixture(&format!("hostile/{file}"));
    let column = if file.contains("german") { "gewicht" } else { "weight" };
    let mut args = vec!["shares", file.as_str(), "--weight-col", column, "--format", "json"];
    args.extend(extra);
    deptshare(&args)
}

#[test]
fn a_german_file_reads_points_as_thousands() {
    // `2,5` and `1,5` settle the decimal comma, so `1.000` is a thousand: 1000 / 1004.
    let out = weighted("german-thousands.csv", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(results["ingest"]["rows_accepted"], 3);
    close(&estimate(&results, 2024, "marketing")["share"], 1000.0 / 1004.0, 1e-12);
    close(&estimate(&results, 2024, "pr")["share"], 2.5 / 1004.0, 1e-12);
    assert!(stderr(&out).contains("decimal mark `,`"), "{}", stderr(&out));
}

#[test]
fn a_point_file_reads_commas_as_thousands() {
    // `0.5` settles the decimal point, so "1,500" is fifteen hundred: 1500 / 1501.5.
    let out = weighted("comma-thousands.csv", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    close(&estimate(&results, 2024, "marketing")["share"], 1500.0 / 1501.5, 1e-12);
}

#[test]
fn an_ambiguous_weight_is_a_reject_with_its_reason() {
    let out = weighted("ambiguous-weights.csv", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(results["ingest"]["rows_rejected"], 1);
    // The rest: marketing 1 of 2 + 1 + 1.
    close(&estimate(&results, 2024, "marketing")["share"], 0.25, 1e-12);
    let strict = weighted("ambiguous-weights.csv", &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    let message = stderr(&strict);
    assert!(message.contains("ambiguous-weights.csv:2"), "{message}");
    assert!(
        message.contains("`1,500` could be 1.5 (decimal comma) or 1500"),
        "{message}"
    );
    assert!(message.contains("--decimal"), "{message}");
    // Given, the mark decides: 1.5 / 5.5 with a comma, 1500 / 1504 with a point.
    for (mark, share) in [(",", 2.5 / 5.5), (".", 1501.0 / 1504.0)] {
        let out = weighted("ambiguous-weights.csv", &["--decimal", mark]);
        assert!(out.status.success(), "{}", stderr(&out));
        close(&estimate(&json(&out), 2024, "marketing")["share"], share, 1e-12);
    }
    let bad = weighted("ambiguous-weights.csv", &["--decimal", ";"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

#[test]
fn a_config_input_gives_its_decimal_mark() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let run = deptshare(&[
        "run",
        "--config",
        &fixture("hostile/ambiguous-decimal.toml"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let marketing = results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["category"] == "marketing" && e["segment"].is_null())
        .unwrap();
    close(&marketing["share"], 2.5 / 5.5, 1e-12);
}

#[test]
fn a_published_table_decides_its_decimal_mark_too() {
    let published = |file: &str, extra: &[&str]| {
        let file = fixture(&format!("hostile/{file}"));
        let mut args = vec!["shares", file.as_str(), "--format-in", "aggregate", "--format", "json"];
        args.extend(extra);
        deptshare(&args)
    };
    // `35,5` settles the comma, so n `1.000` is a thousand.
    let german = published("german-published.csv", &[]);
    assert!(german.status.success(), "{}", stderr(&german));
    let marketing = estimate(&json(&german), 2024, "marketing").clone();
    close(&marketing["share"], 0.355, 1e-12);
    assert_eq!(marketing["n"], 1000);
    let ambiguous = published("ambiguous-published.csv", &[]);
    assert_eq!(ambiguous.status.code(), Some(1), "{}", stdout(&ambiguous));
    let message = stderr(&ambiguous);
    assert!(message.contains("ambiguous-published.csv:2"), "{message}");
    assert!(message.contains("`1,500` could be 1.5"), "{message}");
    let given = published("ambiguous-published.csv", &["--decimal", ","]);
    assert!(given.status.success(), "{}", stderr(&given));
    close(&estimate(&json(&given), 2024, "marketing")["share"], 0.015, 1e-12);
}
