//! Exports as the survey tools write them (issue 12, item 3): SurveyMonkey with `RespondentID`
//! and write-in columns, Typeform's `#` column and empty Submit Date, Qualtrics legacy
//! `Question-Option` labels, LimeSurvey "code. text" headings, SurveyGizmo `Status = Partial`.
//! Expected counts come from tests/data/exports/expected.py (Python's csv module), not the reader.

use serde_json::Value;

use crate::*;

fn exports(name: &str) -> String {
    fixture(&format!("exports/{name}"))
}

/// `shares --format json` on a fixture: asserts success, the row account and its counts
/// (rows_read, incomplete, no_answer), and returns the results with stderr.
fn read(name: &str, extra: &[&str], counts: (u64, u64, u64)) -> (Value, String) {
    let (results, err) = shares_json_of(&exports(name), extra);
    let n = |field: &str| results["ingest"][field].as_u64().unwrap();
    assert_eq!(
        (n("rows_read"), n("incomplete"), n("no_answer")),
        counts,
        "{name}: {}",
        results["ingest"]
    );
    (results, err)
}

/// Asserts the base and each category's count (share = count / base) in one wave.
fn assert_counts(results: &Value, wave: i64, base: u64, counts: &[(&str, u64)]) {
    let shares: Vec<(&str, f64)> = counts.iter().map(|(c, k)| (*c, *k as f64 / base as f64)).collect();
    crate::formats::assert_shares(results, wave, base, &shares);
}

#[test]
fn surveymonkey_respondentid_export_second_row_is_a_header_and_write_ins_are_free_text() {
    let question = "Which teams run your social media accounts?";
    let (results, err) = read(
        "surveymonkey-respondentid.csv",
        &["--dept-col", question, "--multi"],
        (8, 0, 2),
    );
    assert!(err.contains("surveymonkey export"), "{err}");
    assert!(err.contains("2 header row(s)"), "{err}");
    assert_eq!(results["ingest"]["rows_rejected"], 0, "the option row is no respondent");
    // 1004 only wrote in "Other (please specify)": no answer, not a tick; StartDate 5/2/24 is 2024.
    assert_counts(
        &results,
        2024,
        6,
        &[("marketing", 4), ("pr", 4), ("sales", 3), ("communications", 6)],
    );
    assert!(
        results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["category"] != "other"),
        "{results}"
    );
    // The same question by one of its columns' second-row text.
    let (by_option, _) = read(
        "surveymonkey-respondentid.csv",
        &["--dept-col", "Public Relations", "--multi"],
        (8, 0, 2),
    );
    assert_eq!(by_option["estimates"], results["estimates"]);
}

#[test]
fn surveymonkey_single_choice_with_its_other_write_in_column() {
    let (results, _) = read(
        "surveymonkey-respondentid.csv",
        &["--dept-col", "Who leads social media?"],
        (8, 0, 1),
    );
    // "Social team" written beside the `Response` column is never a second answer.
    assert_eq!(results["ingest"]["rows_rejected"], 0);
    assert_counts(
        &results,
        2024,
        7,
        &[("marketing", 3), ("pr", 2), ("sales", 1), ("other", 1)],
    );
}

#[test]
fn a_matrix_row_named_only_in_the_second_header_row_is_read_alone() {
    // "Which department runs each channel?" has one column per channel, each cell a department.
    let (linkedin, _) = read("surveymonkey-respondentid.csv", &["--dept-col", "LinkedIn"], (8, 0, 2));
    assert_counts(&linkedin, 2024, 6, &[("marketing", 1), ("pr", 3), ("sales", 2)]);
    let (facebook, _) = read("surveymonkey-respondentid.csv", &["--dept-col", "Facebook"], (8, 0, 2));
    assert_counts(
        &facebook,
        2024,
        6,
        &[("marketing", 4), ("pr", 1), ("customer_service", 1)],
    );
    // The whole matrix is no checkbox question: reading it so is refused without --multi.
    let file = exports("surveymonkey-respondentid.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "Which department runs each channel?"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn typeform_hash_column_is_the_header_and_an_empty_submit_date_is_unfinished() {
    let (results, err) = read(
        "typeform.csv",
        &["--dept-col", "Which department runs your company's social media?"],
        (7, 2, 1),
    );
    assert!(err.contains("typeform export"), "{err}");
    assert!(err.contains("2 of the rejected rows are unfinished responses"), "{err}");
    assert_counts(
        &results,
        2024,
        4,
        &[("marketing", 2), ("pr", 1), ("customer_service", 1)],
    );

    // The option columns are one checkbox question; "Other" holds write-ins and counts for nobody.
    let (multi, _) = read("typeform.csv", &["--dept-col", "Marketing", "--multi"], (7, 2, 1));
    assert_counts(&multi, 2024, 4, &[("marketing", 2), ("pr", 3), ("customer_service", 2)]);
    let (kept, _) = read(
        "typeform.csv",
        &["--dept-col", "PR", "--multi", "--include-incomplete"],
        (7, 0, 1),
    );
    assert_counts(&kept, 2024, 6, &[("marketing", 3), ("pr", 4), ("customer_service", 3)]);
}

#[test]
fn respondent_col_is_honoured_for_survey_tool_exports() {
    let file = exports("typeform.csv");
    let rejects = run_rejects(&format!(
        "choice = \"multi\"\ndept_col = \"Marketing\"\nrespondent_col = \"Network ID\"\npath = \"{file}\""
    ));
    // Row 6 (line 6) repeats row 2's Network ID `n1`; by the `#` token both are distinct.
    assert!(
        rejects.contains(&format!("{file},6,duplicate respondent `n1` in wave 2024")),
        "{rejects}"
    );
    assert_eq!(rejects.lines().count(), 1 + 3, "{rejects}");
    let (results, _) = read(
        "typeform.csv",
        &["--dept-col", "Marketing", "--multi", "--respondent-col", "Network ID"],
        (7, 2, 0),
    );
    assert_eq!(results["ingest"]["rows_rejected"], 3);
    let missing = deptshare(&[
        "shares",
        &file,
        "--dept-col",
        "Marketing",
        "--multi",
        "--respondent-col",
        "Token",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("Token"), "{}", stderr(&missing));
}

#[test]
fn qualtrics_legacy_dash_labels_split_into_question_and_option() {
    let (results, err) = read("qualtrics-legacy-dash.csv", &["--dept-col", "Q2", "--multi"], (6, 1, 1));
    assert!(err.contains("qualtrics export, utf-8 (bom)"), "{err}");
    assert_counts(
        &results,
        2016,
        4,
        &[
            ("marketing", 3),
            ("pr", 2),
            ("customer_service", 1),
            ("sales", 1),
            ("communications", 4),
        ],
    );
    // Detected without --dept-col, by the options the labels name.
    let (auto, _) = read("qualtrics-legacy-dash.csv", &["--multi"], (6, 1, 1));
    assert_eq!(auto["estimates"], results["estimates"]);
    let out = deptshare(&["inspect", &exports("qualtrics-legacy-dash.csv")]);
    let text = stdout(&out);
    for expected in [
        "Q2 [4 columns]: Wer betreut Social Media?",
        "    PR-Abteilung: 2",
        "    Vertrieb: 2",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn limesurvey_code_dot_text_headings_are_detected_and_unfinished_left_out() {
    let (results, err) = read("limesurvey-code-text.csv", &["--dept-col", "Dept"], (6, 2, 0));
    assert!(err.contains("limesurvey export"), "{err}");
    assert_counts(&results, 2024, 4, &[("marketing", 2), ("pr", 1), ("sales", 1)]);
    // `SM[other]` is a write-in: 4 wrote "Agentur" and ticked nothing.
    let (multi, _) = read("limesurvey-code-text.csv", &["--dept-col", "SM", "--multi"], (6, 2, 1));
    assert_counts(&multi, 2024, 3, &[("marketing", 3), ("pr", 1)]);
    // By the heading's full text too.
    let (by_text, _) = read(
        "limesurvey-code-text.csv",
        &["--dept-col", "Dept. Welche Abteilung betreut Social Media?"],
        (6, 2, 0),
    );
    assert_eq!(by_text["estimates"], results["estimates"]);
}

#[test]
fn surveygizmo_partial_responses_are_unfinished_and_write_ins_free_text() {
    let question = "Which department manages your social media?";
    let (results, err) = read("surveygizmo.csv", &["--dept-col", question], (6, 2, 0));
    assert!(err.contains("surveygizmo export"), "{err}");
    assert_counts(&results, 2023, 4, &[("marketing", 2), ("pr", 1), ("other", 1)]);
    let (joined, _) = read(
        "surveygizmo.csv",
        &["--dept-col", "Which teams post content?", "--multi"],
        (6, 2, 1),
    );
    assert_counts(
        &joined,
        2023,
        3,
        &[("marketing", 1), ("pr", 2), ("sales", 1), ("customer_service", 1)],
    );
    let out = deptshare(&["inspect", &exports("surveygizmo.csv")]);
    let text = stdout(&out);
    for expected in [
        "format: surveygizmo (detected)",
        "unfinished responses: 2 (Status is Partial",
        "write-in columns (free text, never counted as answers):",
        "  Other - Write In:Which department manages your social media?: ",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn a_non_breaking_space_in_a_header_does_not_stop_a_typed_column_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nbsp.csv");
    std::fs::write(
        &file,
        "year,Which\u{a0}team runs it?\n2024,Marketing\n2024,PR\n2024,PR\n",
    )
    .unwrap();
    let (results, _) = shares_json_of(file.to_str().unwrap(), &["--dept-col", "Which team runs it?"]);
    assert_counts(&results, 2024, 3, &[("marketing", 1), ("pr", 2)]);
    let gizmo = dir.path().join("gizmo.csv");
    let text = "Time Started,Date Submitted,Status,Who\u{a0}posts?,Jahr\n\
                2023-01-01,2023-01-01,Complete,Marketing,2023\n2023-01-01,,Partial,PR,2023\n";
    std::fs::write(&gizmo, text).unwrap();
    let (results, _) = shares_json_of(
        gizmo.to_str().unwrap(),
        &["--dept-col", "Who posts?", "--wave-col", "jahr"],
    );
    assert_counts(&results, 2023, 1, &[("marketing", 1)]);
    assert_eq!(results["ingest"]["incomplete"], 1);
}

#[test]
fn a_header_starting_with_a_hash_column_is_not_a_comment() {
    let (results, _) = read("hash-header.csv", &[], (3, 0, 0));
    assert_counts(&results, 2024, 3, &[("marketing", 2), ("pr", 1)]);
}

#[test]
fn inspect_lists_every_question_with_its_options_and_write_ins() {
    let out = deptshare(&["inspect", &exports("surveymonkey-respondentid.csv")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "format: surveymonkey (detected)",
        "header rows: 2",
        "data rows: 8",
        "Which teams run your social media accounts? [3 columns]",
        "    Marketing: 4\n    Public Relations: 4\n    Vertrieb: 3\n",
        "  Who leads social media?\n    Marketing: 3\n    Public Relations: 2\n",
        "write-in columns (free text, never counted as answers):",
        "(2 filled)",
        "(1 filled)",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}
