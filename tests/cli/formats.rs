//! Survey-tool exports read as they come (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms,
//! European Excel), `inspect`, and every class of bad input: an error or a reject, never a loss.

use serde_json::Value;

use crate::*;

fn formats(name: &str) -> String {
    fixture(&format!("formats/{name}"))
}

/// `shares --format json` on a fixture; asserts success and the row account identity.
fn shares_json(name: &str, extra: &[&str]) -> (Value, String) {
    shares_json_of(&formats(name), extra)
}

/// Asserts n (base) and the shares of one wave.
pub(crate) fn assert_shares(results: &Value, wave: i64, n: u64, expected: &[(&str, f64)]) {
    for (category, share) in expected {
        let e = estimate(results, wave, category);
        assert_eq!(e["n"], n, "{category}: base");
        close(&e["share"], *share, 1e-12);
    }
}

#[test]
fn qualtrics_broken_out_multi_choice_leaves_unfinished_responses_out() {
    let (results, err) = shares_json("qualtrics-multi.csv", &["--multi"]);
    assert!(err.contains("qualtrics export"), "{err}");
    assert!(err.contains("using question `Q3`"), "{err}");
    assert!(err.contains("taking each row's year from `StartDate`"), "{err}");
    assert!(err.contains("1 of the rejected rows are unfinished responses"), "{err}");
    let ingest = &results["ingest"];
    assert_eq!(
        (ingest["rows_read"].as_u64(), ingest["rows_accepted"].as_u64()),
        (Some(7), Some(6))
    );
    assert_eq!(
        (ingest["incomplete"].as_u64(), ingest["no_answer"].as_u64()),
        (Some(1), Some(1))
    );
    // "PR, Kommunikation" is one option; "Sonstige (bitte angeben)" is Other; Q3_4_TEXT is free text.
    assert_shares(
        &results,
        2023,
        5,
        &[
            ("marketing", 0.6),
            ("pr", 0.4),
            ("sales", 0.4),
            ("other", 0.2),
            ("communications", 0.8),
        ],
    );

    let (results, _) = shares_json(
        "qualtrics-multi.csv",
        &["--multi", "--include-incomplete", "--dept-col", "Q3"],
    );
    assert_eq!(results["ingest"]["incomplete"], 0);
    assert_shares(&results, 2023, 6, &[("marketing", 4.0 / 6.0), ("pr", 2.0 / 6.0)]);
}

#[test]
fn qualtrics_checkbox_question_without_multi_is_an_error_that_says_so() {
    let file = formats("qualtrics-multi.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "Q3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{file}: `Q3` is a multiple-choice question")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn qualtrics_legacy_two_rows_with_bom_and_crlf() {
    let (results, err) = shares_json("qualtrics-legacy.csv", &["--dept-col", "Q1"]);
    assert!(err.contains("qualtrics export, utf-8 (bom)"), "{err}");
    assert!(err.contains("2 header row(s)"), "{err}");
    assert_eq!(results["ingest"]["incomplete"], 1);
    assert_shares(
        &results,
        2014,
        4,
        &[
            ("marketing", 0.5),
            ("pr", 0.25),
            ("executive", 0.25),
            ("communications", 0.75),
        ],
    );
}

#[test]
fn qualtrics_2016_dict_row_choice_text_joined_in_one_cell() {
    let (results, _) = shares_json("qualtrics-2016-joined.csv", &["--multi"]);
    assert_eq!(results["ingest"]["incomplete"], 1, "Finished = False is left out");
    assert_shares(
        &results,
        2016,
        4,
        &[
            ("marketing", 0.5),
            ("pr", 0.5),
            ("sales", 0.25),
            ("customer_service", 0.25),
            ("communications", 0.75),
        ],
    );
    // Question text works as --dept-col too.
    let (by_text, _) = shares_json(
        "qualtrics-2016-joined.csv",
        &[
            "--multi",
            "--dept-col",
            "Which departments run social media? (select all)",
        ],
    );
    assert_eq!(by_text["estimates"], results["estimates"]);
}

#[test]
fn a_comma_joined_numeric_cell_is_three_codes_not_a_number() {
    let file = formats("qualtrics-numeric-joined.csv");
    let out = deptshare(&["shares", &file, "--multi", "--dept-col", "Q2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{file}:4: unknown department `1`")), "{err}");
    assert!(err.contains("also unknown: `2` (line 4), `3` (line 4)"), "{err}");
}

#[test]
fn surveymonkey_checkbox_columns_crlf_and_newlines_in_quotes() {
    let (results, err) = shares_json("surveymonkey.csv", &["--multi"]);
    assert!(err.contains("surveymonkey export"), "{err}");
    assert_eq!(
        results["ingest"]["rows_read"], 5,
        "the quoted newline does not split a row"
    );
    // 104 only wrote in the "Other (please specify)" column: a write-in (free text), not a tick
    // (issue 12), so 104 and 105 are no answer and the base is 101-103.
    assert_eq!(results["ingest"]["no_answer"], 2);
    assert_shares(
        &results,
        2022,
        3,
        &[
            ("marketing", 2.0 / 3.0),
            ("pr", 1.0 / 3.0),
            ("customer_service", 1.0 / 3.0),
            ("communications", 2.0 / 3.0),
        ],
    );
    let (by_text, _) = shares_json(
        "surveymonkey.csv",
        &["--multi", "--dept-col", "Which team runs your social media accounts?"],
    );
    assert_eq!(by_text["estimates"], results["estimates"]);
}

#[test]
fn limesurvey_code_and_text_headings_yes_no_and_incomplete() {
    let (results, err) = shares_json("limesurvey.csv", &["--multi", "--dept-col", "SM1"]);
    assert!(err.contains("limesurvey export, utf-8 (bom), delimiter `;`"), "{err}");
    let ingest = &results["ingest"];
    assert_eq!(
        (ingest["rows_read"].as_u64(), ingest["incomplete"].as_u64()),
        (Some(5), Some(1))
    );
    assert_shares(
        &results,
        2021,
        4,
        &[
            ("marketing", 0.5),
            ("pr", 0.5),
            ("sales", 0.25),
            ("executive", 0.25),
            ("communications", 0.75),
        ],
    );
    let (auto, _) = shares_json("limesurvey.csv", &["--multi"]);
    assert_eq!(auto["estimates"], results["estimates"]);
}

#[test]
fn limesurvey_resaved_by_german_excel_in_windows_1252() {
    let (results, err) = shares_json("limesurvey-excel-cp1252.csv", &[]);
    assert!(err.contains("windows-1252"), "{err}");
    assert_eq!(results["ingest"]["incomplete"], 1);
    assert_shares(
        &results,
        2020,
        4,
        &[("marketing", 0.5), ("pr", 0.25), ("executive", 0.25)],
    );
}

#[test]
fn google_forms_split_against_known_options_first() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("study.toml");
    std::fs::write(
        &config,
        format!(
            "title = \"t\"\n[taxonomy.aliases]\n\"Vertrieb, Kundenservice & Support\" = \"sales\"\n\
             [[inputs]]\nstudy = \"forms\"\ntitle = \"forms\"\nchoice = \"multi\"\npath = \"{}\"\n",
            formats("google-forms.csv")
        ),
    )
    .unwrap();
    let out = deptshare(&[
        "run",
        "--config",
        config.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("google-forms export"), "{}", stderr(&out));
    let results: Value = serde_json::from_slice(&std::fs::read(dir.path().join("results.json")).unwrap()).unwrap();
    assert_shares(
        &results,
        2024,
        4,
        &[
            ("marketing", 0.5),
            ("sales", 0.5),
            ("pr", 0.25),
            ("executive", 0.25),
            ("communications", 0.5),
        ],
    );
    // Without the option known, the comma splits it; "Kundenservice & Support" is one department
    // (both parts name customer service), so the two halves are two departments.
    let (results, _) = shares_json("google-forms.csv", &["--multi"]);
    assert_shares(
        &results,
        2024,
        4,
        &[
            ("marketing", 0.5),
            ("sales", 0.5),
            ("customer_service", 0.5),
            ("pr", 0.25),
        ],
    );
}

#[test]
fn european_excel_utf16_and_windows_1252() {
    let (results, err) = shares_json("excel-utf16.csv", &[]);
    assert!(err.contains("utf-16le"), "{err}");
    assert_shares(
        &results,
        2019,
        4,
        &[("marketing", 0.5), ("pr", 0.25), ("customer_service", 0.25)],
    );
    let (results, err) = shares_json("excel-cp1252.csv", &[]);
    assert!(err.contains("windows-1252, delimiter `;`"), "{err}");
    assert_shares(
        &results,
        2018,
        4,
        &[("executive", 0.5), ("pr", 0.25), ("customer_service", 0.25)],
    );
}

#[test]
fn inspect_names_format_questions_labels_and_the_command() {
    let file = formats("qualtrics-multi.csv");
    let out = deptshare(&["inspect", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "format: qualtrics (detected)",
        "encoding: utf-8",
        "delimiter: `,`",
        "header rows: 3",
        "unfinished responses: 1",
        "Q3 [4 columns]: Wer betreut Social Media in Ihrem Unternehmen?",
        "department question candidate: Q3 (multiple choice, 100% known labels)",
        "PR, Kommunikation -> pr",
        "Sonstige (bitte angeben) -> other",
        "--dept-col Q3 --multi",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let out = deptshare(&["inspect", &fixture("unknown-label.csv")]);
    let text = stdout(&out);
    assert!(
        text.contains("Marketng -> unknown, did you mean `Marketing`?"),
        "{text}"
    );
    assert!(text.contains("format: generic"), "{text}");
}

/// Writes `bytes` to a temporary file and runs `shares` on it with `extra`.
fn run_on(bytes: &[u8], extra: &[&str]) -> (tempfile::TempDir, String, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.csv");
    std::fs::write(&file, bytes).unwrap();
    let name = file.display().to_string();
    let mut args = vec!["shares", name.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = deptshare(&args);
    (dir, name, out)
}

const FORMS_HEAD: &str = "Timestamp,Jahr,Welche Abteilung?\n";

#[test]
fn row_level_problems_are_rejects_with_file_and_line_and_strict_makes_them_errors() {
    let mut bytes = FORMS_HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"5/1/2024 9:00:00,2024,Marketing\n");
    bytes.extend_from_slice(b"5/1/2024 9:01:00,zwanzig,Marketing\n");
    bytes.extend_from_slice(b"5/1/2024 9:02:00,2024\n");
    bytes.extend_from_slice("5/1/2024 9:03:00,2024,Vertrieb\n".as_bytes());
    bytes.extend_from_slice(b"5/1/2024 9:04:00,2024,Market\xffing\n");
    bytes.extend_from_slice("5/1/2024 9:05:00,2024,Öffentlichkeitsarbeit\n".as_bytes());
    let (_dir, name, out) = run_on(&bytes, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ingest = &json(&out)["ingest"];
    assert_eq!(ingest["rows_read"], 6);
    assert_eq!(ingest["rows_accepted"], 3);
    assert_eq!(ingest["rows_rejected"], 3);
    assert!(
        stderr(&out).contains("rows read 6, accepted 3, rejected 3"),
        "{}",
        stderr(&out)
    );

    let (_dir, name2, out) = run_on(&bytes, &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "{name2}:3: rejected row (--strict): wave `zwanzig` is not a whole number"
        )),
        "{}",
        stderr(&out)
    );
    assert!(!name.is_empty());
}

#[test]
fn rejects_csv_lists_ragged_duplicate_invalid_bytes_and_unfinished_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.csv");
    let mut text = std::fs::read(formats("qualtrics-2016-joined.csv")).unwrap();
    text.extend_from_slice(b"2016-05-02 10:00:00,x,IP Address,100,True,R_1,Marketing\n");
    text.extend_from_slice(b"2016-05-02 10:00:00,x,IP Address,100,True\n");
    text.extend_from_slice("2016-05-02 10:00:00,x,IP Address,100,True,R_9,Öffentlichkeitsarbeit\n".as_bytes());
    text.extend_from_slice(b"2016-05-02 10:00:00,x,IP Address,100,True,R_10,Market\xffing\n");
    std::fs::write(&file, &text).unwrap();
    let config = dir.path().join("study.toml");
    std::fs::write(
        &config,
        format!(
            "title = \"t\"\n[[inputs]]\nstudy = \"s\"\ntitle = \"s\"\nchoice = \"multi\"\npath = \"{}\"\n",
            file.display()
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = deptshare(&[
        "run",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rejects = std::fs::read_to_string(out_dir.join("rejects.csv")).unwrap();
    // Named as from the config's folder, where both are.
    let name = "export.csv";
    for expected in [
        format!("{name},8,\"incomplete response (Finished is not 1/True); left out of the base"),
        format!("{name},9,duplicate respondent `R_1` in wave 2016"),
        format!("{name},10,ragged row: 5 fields where the header has 7"),
        format!("{name},12,invalid bytes in column `Q2`"),
    ] {
        assert!(rejects.contains(&expected), "{expected}: {rejects}");
    }
    assert_eq!(rejects.lines().count(), 1 + 4, "{rejects}");
}

#[test]
fn file_level_problems_are_errors_naming_file_and_line() {
    let qualtrics_header = std::fs::read_to_string(formats("qualtrics-2016-joined.csv"))
        .unwrap()
        .lines()
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    let mut binary = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    binary.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    let huge = format!("{FORMS_HEAD}5/1/2024 9:00:00,2024,\"{}\"\n", "x".repeat(5 << 20));
    let cases: Vec<(Vec<u8>, Vec<&str>, String)> = vec![
        (b"\xEF\xBB\xBF \r\n".to_vec(), vec![], ": the file is empty".into()),
        (
            qualtrics_header.into_bytes(),
            vec![],
            ": the file has a header but no data rows".into(),
        ),
        (binary, vec![], ":1: not a CSV text file (binary data)".into()),
        (
            huge.into_bytes(),
            vec![],
            ":2: column 3: a cell of 5242880 bytes is larger than".into(),
        ),
        (
            std::fs::read(formats("surveymonkey.csv")).unwrap(),
            vec!["--multi", "--dept-col", "Q9"],
            ": no column `Q9`".into(),
        ),
        (
            format!("{FORMS_HEAD}5/1/2024 9:00:00,2024,Marketng\n").into_bytes(),
            vec!["--dept-col", "Welche Abteilung?"],
            ":2: unknown department `Marketng`; did you mean `Marketing`?".into(),
        ),
    ];
    for (bytes, extra, expected) in cases {
        let (_dir, name, out) = run_on(&bytes, &extra);
        assert_eq!(out.status.code(), Some(1), "{expected}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains(&format!("{name}{expected}")),
            "{expected}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn inspect_skips_comment_lines_before_the_header_as_the_readers_do() {
    // The bundled surveys open with `#` provenance lines: inspect took one for the header.
    let out = deptshare(&["inspect", "data/surveys/demo-tracker.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "data rows: 2674",
        "questions (4):",
        "department question candidate: department (single choice, 100% known labels)",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let shares = deptshare(&["shares", "data/surveys/demo-tracker.csv", "--format", "json"]);
    assert_eq!(crate::json(&shares)["ingest"]["rows_read"], 2674);
}
