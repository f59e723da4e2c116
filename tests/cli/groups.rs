//! `--group` and `[groups]`: members checked against the taxonomy, names unique, and a group
//! nobody named reported as 0 rather than left out.

use serde_json::Value;

use crate::*;

const NO_HR: &str = "groups/no-hr.csv";

fn shares_with(groups: &[&str]) -> std::process::Output {
    let file = fixture(NO_HR);
    let mut args = vec!["shares", file.as_str(), "--format", "json"];
    for group in groups {
        args.extend(["--group", group]);
    }
    deptshare(&args)
}

fn group_rows(results: &Value, name: &str) -> Vec<(i64, f64, i64)> {
    results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "group" && e["category"] == name)
        .map(|e| {
            (
                e["wave"].as_i64().unwrap(),
                e["share"].as_f64().unwrap(),
                e["n"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_unknown_member_is_a_usage_error_with_a_suggestion() {
    let out = shares_with(&["comms=marketing,prr"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("unknown category `prr`; did you mean `pr`?"),
        "{message}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_group_named_like_a_category_is_a_usage_error() {
    let out = shares_with(&["marketing=pr"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("group name `marketing` is a category id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_name_given_twice_is_an_error_except_communications_once() {
    let out = shares_with(&["comms=marketing", "comms=hr"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("group `comms` is given twice"),
        "{}",
        stderr(&out)
    );

    let out = shares_with(&["communications=sales"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Sales is 1 of 4 in 2020 and 1 of 2 in 2021.
    assert_eq!(
        group_rows(&json(&out), "communications"),
        [(2020, 0.25, 4), (2021, 0.5, 2)]
    );
}

#[test]
fn a_group_nobody_named_is_reported_with_share_zero() {
    let out = shares_with(&["communications=hr", "people=hr,it"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    for name in ["communications", "people"] {
        assert_eq!(group_rows(&results, name), [(2020, 0.0, 4), (2021, 0.0, 2)], "{name}");
    }
    let zero = results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["category"] == "people" && e["wave"] == 2020)
        .unwrap();
    // Still an interval: zero of four is not evidence of a zero share.
    close(&zero["ci_high"], 0.4899, 1e-3);
}

#[test]
fn a_config_group_with_an_unknown_member_names_the_config_file() {
    let out = deptshare(&["reproduce", "--config", &fixture("groups/study.toml")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("groups/study.toml: [groups]: group `comms`"),
        "{message}"
    );
    assert!(message.contains("did you mean `pr`?"), "{message}");
}
