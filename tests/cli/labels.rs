//! Labels as questionnaires write them, and the taxonomy as the user declares it on the command
//! line (`--alias`, `--taxonomy FILE`), through the real binary.

use super::{close, deptshare, estimate, fixture, json, stderr, stdout};

fn labels(name: &str) -> String {
    fixture(&format!("labels/{name}"))
}

fn shares(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["shares", "--format", "json"];
    all.extend_from_slice(args);
    let out = deptshare(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
}

#[test]
fn compound_parenthesised_and_filler_labels_resolve() {
    let results = shares(&[&labels("compound.csv")]);
    for (category, count) in [
        ("marketing", 1),
        ("pr", 4),
        ("hr", 2),
        ("sales", 1),
        ("customer_service", 1),
        ("executive", 2),
        ("other", 1),
    ] {
        let e = estimate(&results, 2024, category);
        assert_eq!(e["n"], 12, "{category}");
        close(&e["share"], f64::from(count) / 12.0, 1e-12);
    }
}

#[test]
fn a_column_named_department_with_a_typo_names_the_label_and_its_line() {
    let file = labels("typo.csv");
    let out = deptshare(&["shares", &file]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&format!(
            "{file}:3: unknown department `Marketng`; did you mean `Marketing`?"
        )),
        "{message}"
    );
    assert!(!message.contains("no column holds department labels"), "{message}");
}

#[test]
fn a_label_joining_two_departments_is_refused_with_its_candidates_and_the_fix() {
    let file = labels("joined.csv");
    let out = deptshare(&["shares", &file]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&format!(
            "{file}:3: `Marketing & Communications` names several departments (marketing, pr)"
        )),
        "{message}"
    );
    assert!(
        message.contains("--alias \"Marketing & Communications=marketing\""),
        "{message}"
    );
    assert!(message.contains("--multi --multi-sep '&'"), "{message}");
    // The fix it names works.
    let results = shares(&[&file, "--alias", "Marketing & Communications=marketing"]);
    close(&estimate(&results, 2024, "marketing")["share"], 2.0 / 3.0, 1e-12);
    close(&estimate(&results, 2024, "pr")["share"], 1.0 / 3.0, 1e-12);
}

#[test]
fn a_taxonomy_file_declares_options_and_switches_the_builtin_off() {
    let taxonomy = labels("declared.toml");
    let results = shares(&[&labels("declared.csv"), "--taxonomy", &taxonomy]);
    for (category, share) in [("marketing", 0.5), ("pr", 0.25), ("not_applicable", 0.25)] {
        let e = estimate(&results, 2024, category);
        // N/A is an answer of this questionnaire: in the base, not dropped as no-answer.
        assert_eq!(e["n"], 4, "{category}");
        close(&e["share"], share, 1e-12);
    }
    // Without the file, N/A is no answer and the base shrinks.
    let results = shares(&[&labels("declared.csv")]);
    assert_eq!(estimate(&results, 2024, "marketing")["n"], 3);
    // Sales is not declared, so "Vertrieb" is unknown rather than silently sales.
    let file = labels("undeclared.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "department", "--taxonomy", &taxonomy]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{file}:3: unknown department `Vertrieb`")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn aliases_colliding_once_punctuation_is_dropped_are_an_error_naming_both() {
    let taxonomy = labels("colliding.toml");
    let out = deptshare(&["shares", &labels("joined.csv"), "--taxonomy", &taxonomy]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains(&taxonomy), "{message}");
    assert!(message.contains("`C` (lang_c) and `C++` (lang_cpp)"), "{message}");
    let out = deptshare(&[
        "shares",
        &labels("joined.csv"),
        "--alias",
        "Marketing & Communications=marketing",
        "--alias",
        "marketing &amp; communications=pr",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("are the same label"), "{}", stderr(&out));
}

#[test]
fn bad_aliases_are_usage_errors() {
    let file = labels("joined.csv");
    for (alias, expected) in [
        ("Marketing", "write LABEL=ID"),
        ("Marketing & Communications=comms", "unknown category `comms`"),
    ] {
        let out = deptshare(&["shares", &file, "--alias", alias]);
        assert_eq!(out.status.code(), Some(2), "{alias}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{alias}: {}", stderr(&out));
    }
}

#[test]
fn trend_chart_and_inspect_take_aliases_too() {
    let file = labels("joined.csv");
    let alias = "Marketing & Communications=marketing";
    let out = deptshare(&["trend", &file, "--alias", alias]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("bar.svg");
    let out = deptshare(&["chart", "bar", &file, "--alias", alias, "--out", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = deptshare(&["inspect", &file, "--alias", alias]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Marketing & Communications -> marketing"),
        "{}",
        stdout(&out)
    );
}
