//! Spreadsheets and SPSS files (issue 12, item 4). The fixtures and the counts expected here come
//! from tests/data/binary/make_fixtures.py, which read them back with openpyxl and pyreadstat.

use serde_json::Value;

use crate::*;

fn binary(name: &str) -> String {
    fixture(&format!("binary/{name}"))
}

/// `shares --format json`; asserts success and the row account identity.
fn shares_json(name: &str, extra: &[&str]) -> Value {
    let file = binary(name);
    let mut args = vec!["shares", file.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = deptshare(&args);
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let results = json(&out);
    let ingest = &results["ingest"];
    assert_eq!(
        ingest["rows_read"].as_u64().unwrap(),
        ingest["rows_accepted"].as_u64().unwrap() + ingest["rows_rejected"].as_u64().unwrap(),
        "{name}: {ingest}"
    );
    results
}

/// (category, count) of one wave, each with base `n`.
fn assert_counts(results: &Value, wave: i64, n: u64, expected: &[(&str, u64)]) {
    for (category, count) in expected {
        let e = estimate(results, wave, category);
        assert_eq!(e["n"], n, "{wave} {category}: base");
        assert_eq!(e["count"], *count, "{wave} {category}: count");
    }
}

fn ingest(results: &Value) -> (u64, u64, u64, u64) {
    let i = &results["ingest"];
    let n = |k: &str| i[k].as_u64().unwrap();
    (n("rows_read"), n("rows_accepted"), n("rows_rejected"), n("no_answer"))
}

#[test]
fn a_google_sheets_workbook_reads_its_first_sheet_with_datetime_cells_ragged_and_empty_rows() {
    let results = shares_json("forms.xlsx", &[]);
    // 7 respondents; the empty row 6 is no respondent; the last one answered nothing.
    assert_eq!(ingest(&results), (7, 7, 0, 1));
    // The wave is each Timestamp cell's year (real datetime cells).
    assert_counts(&results, 2023, 2, &[("marketing", 1), ("pr", 1)]);
    // `Public\nRelations` (a line break inside the cell) is PR; `Vertrieb` is sales.
    assert_counts(&results, 2024, 4, &[("marketing", 2), ("pr", 1), ("sales", 1)]);
}

#[test]
fn numbers_read_as_a_csv_holds_them_and_lines_are_spreadsheet_rows() {
    // Company size 50.0 is the segment `50`, 10.5 stays 10.5.
    let results = shares_json("forms.xlsx", &["--by", "Company size"]);
    let segments: std::collections::BTreeSet<String> = results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["segment"].as_str().map(str::to_string))
        .collect();
    for s in ["50", "250", "10", "10.5"] {
        assert!(segments.contains(s), "{s} in {segments:?}");
    }
    assert!(!segments.contains("50.0"), "{segments:?}");
    // Row 8 (after the empty row 6) is the first without a company size.
    let file = binary("forms.xlsx");
    let out = deptshare(&["shares", &file, "--weight-col", "Company size", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("forms.xlsx:8: rejected row (--strict): missing weight"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets() {
    // Whole-number floats (2024.0) are the wave 2024.
    let results = shares_json("forms.xlsx", &["--sheet", "generic"]);
    assert_eq!(ingest(&results), (4, 4, 0, 0));
    assert_counts(&results, 2024, 3, &[("hr", 2), ("it", 1)]);
    assert_counts(&results, 2025, 1, &[("sales", 1)]);
    let file = binary("forms.xlsx");
    let out = deptshare(&["shares", &file, "--sheet", "Answers"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("forms.xlsx: no sheet `Answers`; sheets are: `Form Responses 1`, `Generic`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_qualtrics_export_saved_as_xlsx_is_read_as_qualtrics() {
    let results = shares_json("qualtrics.xlsx", &["--dept-col", "Q1"]);
    // 6 rows: R_3 unfinished (Finished = 0), the second R_4 a duplicate: both rejected, both listed.
    assert_eq!(ingest(&results), (6, 4, 2, 0));
    assert_eq!(results["ingest"]["incomplete"], 1);
    assert_counts(&results, 2024, 4, &[("marketing", 3), ("pr", 1)]);
    let multi = shares_json("qualtrics.xlsx", &["--dept-col", "Q2", "--multi"]);
    assert_counts(&multi, 2024, 4, &[("marketing", 2), ("pr", 2), ("sales", 2)]);
    let file = binary("qualtrics.xlsx");
    let out = deptshare(&["shares", &file, "--dept-col", "Q1", "--strict"]);
    assert!(
        stderr(&out).contains("qualtrics.xlsx:8: rejected row (--strict): duplicate respondent `R_4`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn spss_value_labels_user_missing_and_finished_in_every_compression() {
    for name in ["survey.sav", "survey-bytecode.sav", "survey.zsav"] {
        let results = shares_json(name, &["--dept-col", "Q1"]);
        // 8 cases: one unfinished; Q1 = 9 (user-missing "Don't know") and system-missing are no answer.
        assert_eq!(ingest(&results), (8, 7, 1, 2), "{name}");
        assert_eq!(results["ingest"]["incomplete"], 1, "{name}");
        // Waves from the StartDate datetime variable; labels Öffentlichkeitsarbeit and Vertrieb.
        assert_counts(&results, 2024, 3, &[("marketing", 1), ("pr", 1), ("sales", 1)]);
        assert_counts(&results, 2025, 2, &[("marketing", 1), ("pr", 1)]);
    }
}

#[test]
fn spss_weights_keep_their_values_and_a_variable_is_found_by_its_label() {
    let results = shares_json(
        "survey.sav",
        &[
            "--dept-col",
            "Which department leads your social media?",
            "--weight-col",
            "weight",
        ],
    );
    let weighted = |wave: i64, category: &str| estimate(&results, wave, category)["count_weighted"].as_f64().unwrap();
    assert_eq!(weighted(2024, "marketing"), 1.0);
    assert_eq!(weighted(2024, "pr"), 2.0);
    assert_eq!(weighted(2024, "sales"), 1.5);
    assert_eq!(weighted(2025, "pr"), 0.5);
}

#[test]
fn an_spss_dichotomy_group_is_one_multiple_choice_question() {
    for name in ["survey.sav", "survey.zsav"] {
        let results = shares_json(name, &["--dept-col", "Q2", "--multi"]);
        // R_5 and R_7 ticked nothing: no answer.
        assert_eq!(ingest(&results), (8, 7, 1, 2), "{name}");
        assert_counts(&results, 2024, 3, &[("marketing", 2), ("pr", 2), ("sales", 1)]);
        assert_counts(&results, 2025, 2, &[("marketing", 1), ("pr", 2), ("sales", 1)]);
    }
    let file = binary("survey.sav");
    let out = deptshare(&["shares", &file, "--dept-col", "Q2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("pass --multi"), "{}", stderr(&out));
}

#[test]
fn spss_labels_of_long_strings_and_the_case_number_as_line() {
    let results = shares_json(
        "long-labels.sav",
        &[
            "--dept-col",
            "dept_code",
            "--wave-col",
            "year",
            "--alias",
            "dept-unknown-x=other",
        ],
    );
    assert_counts(&results, 2024, 4, &[("marketing", 2), ("pr", 1), ("other", 1)]);
    let file = binary("long-labels.sav");
    let out = deptshare(&["shares", &file, "--dept-col", "dept_code", "--wave-col", "year"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("long-labels.sav:4: unknown department `dept-unknown-x`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inspect_names_the_file_type() {
    let out = deptshare(&["inspect", &binary("survey.sav")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("file type: spss system file (uncompressed, 8 variables, 8 cases"),
        "{text}"
    );
    assert!(text.contains("format: spss (detected)"), "{text}");
    assert!(text.contains("Q2 [3 columns]: Which departments take part?"), "{text}");
    assert!(text.contains("Öffentlichkeitsarbeit -> pr"), "{text}");
    let out = deptshare(&["inspect", &binary("forms.xlsx"), "--sheet", "Generic"]);
    let text = stdout(&out);
    assert!(
        text.contains("file type: excel (xlsx) workbook, sheet `Generic` of 2"),
        "{text}"
    );
    assert!(text.contains("--sheet Generic"), "{text}");
    let out = deptshare(&["inspect", &binary("qualtrics.xlsx")]);
    assert!(
        stdout(&out).contains("format: qualtrics (detected)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn truncated_and_encrypted_files_are_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("survey.sav", 700, "truncated SPSS file"),
        ("survey.sav", 1700, "truncated SPSS file"),
        ("survey-bytecode.sav", 1500, "truncated SPSS file"),
        ("survey.zsav", 1400, "truncated SPSS file"),
        ("survey.zsav", 1000, "SPSS file"),
        ("forms.xlsx", 3000, "not a readable workbook"),
    ];
    for (name, keep, message) in cases {
        let bytes = std::fs::read(binary(name)).unwrap();
        let cut = dir.path().join(format!("cut-{keep}-{name}"));
        std::fs::write(&cut, &bytes[..keep.min(bytes.len() - 1)]).unwrap();
        let path = cut.display().to_string();
        for command in ["shares", "inspect"] {
            let out = deptshare(&[command, &path]);
            assert_eq!(out.status.code(), Some(1), "{name} {keep}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(err.contains(&path) && err.contains(message), "{name} {keep}: {err}");
        }
    }
    let csv = fixture("multi.csv");
    let out = deptshare(&["shares", &csv, "--format-in", "spss"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("multi.csv: not an SPSS system file"),
        "{}",
        stderr(&out)
    );
    let out = deptshare(&["shares", &binary("encrypted.xlsx")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("encrypted.xlsx: the workbook is password-protected"),
        "{}",
        stderr(&out)
    );
}
