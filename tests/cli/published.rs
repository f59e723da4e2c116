//! Published tables that cannot be right give an error naming the file and line, never a share
//! above 1 or a NaN (issue 13, items 5 to 7). Expected values are worked out by hand in comments.

use crate::{deptshare, estimate, fixture, json, stderr};

fn table(name: &str) -> std::process::Output {
    let file = fixture(&format!("published-checks/{name}"));
    deptshare(&["shares", &file, "--format-in", "aggregate", "--format", "json"])
}

#[test]
fn a_group_row_in_a_count_table_is_not_counted_into_n() {
    // n = 35 + 21 + 19 + 25 = 100 (the communications row counts marketing and pr again).
    let out = table("count-with-group-row.csv");
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let marketing = estimate(&results, 2010, "marketing");
    assert_eq!(marketing["n"], 100);
    assert!(
        (marketing["share"].as_f64().unwrap() - 0.35).abs() < 1e-12,
        "{marketing}"
    );
    let communications = estimate(&results, 2010, "communications");
    assert!(
        (communications["share"].as_f64().unwrap() - 0.56).abs() < 1e-12,
        "{communications}"
    );
}

#[test]
fn a_count_above_n_is_an_error_naming_its_line() {
    let out = table("count-above-n.csv");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("count-above-n.csv:3") && err.contains("count 130 is more than n = 100"),
        "{err}"
    );
}

#[test]
fn single_choice_shares_over_100_percent_are_an_error_naming_the_lines() {
    let out = table("shares-over-100.csv");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("shares-over-100.csv:2") && err.contains("add up to 130.0 %"),
        "{err}"
    );
    assert!(err.contains("lines 2, 3"), "{err}");
    // Rounding can add up to a little over 100 %: 34 + 33 + 34 = 101 is fine.
    let out = table("rounded-to-101.csv");
    assert!(out.status.success(), "{}", stderr(&out));
    for e in json(&out)["estimates"].as_array().unwrap() {
        let share = e["share"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{e}");
    }
}

#[test]
fn a_category_named_like_the_default_group_is_an_error() {
    let out = deptshare(&[
        "reproduce",
        "--config",
        &fixture("published-checks/communications-category.toml"),
    ]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("communications-category.toml"), "{err}");
    assert!(err.contains("group name `communications` is a category id"), "{err}");
}

#[test]
fn the_run_headline_gives_the_overall_shares_not_every_segment() {
    // Overall: marketing 2 of 5 = 40 %, PR 40 %, HR 20 %; in the small firms marketing is 100 %,
    // which is a segment's figure, not the headline's.
    let dir = tempfile::tempdir().unwrap();
    let config = fixture("segments/study.toml");
    let out = deptshare(&["run", "--config", &config, "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = crate::stdout(&out);
    let headline: Vec<&str> = text.lines().filter(|l| l.contains("By size")).collect();
    assert!(!headline.is_empty(), "{text}");
    for line in headline {
        assert!(line.contains("Marketing 40.0%") && line.contains("PR 40.0%"), "{line}");
        assert!(line.contains("(Marketing + PR) 80.0%"), "{line}");
        assert!(!line.contains("100.0%"), "{line}");
    }
}

#[test]
fn one_weight_1e7_times_the_others_keeps_its_variance() {
    // R survey's SEs (tests/data/weights/one-heavy-weight.R): f64 moments cancelled every digit
    // here, so communications had SE 0, deff 0 and an interval from 0.91 (issue 13, item 8).
    let file = fixture("weights/one-heavy-weight.csv");
    let args = [
        "shares",
        &file,
        "--dept-col",
        "dept",
        "--wave-col",
        "year",
        "--weight-col",
        "w",
        "--strata-col",
        "s",
        "--psu-col",
        "p",
        "--format",
        "json",
    ];
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    for (category, r) in [
        ("marketing", 2.62295526782693e-06),
        ("pr", 1.11653459544412e-06),
        ("sales", 1.57267097270486e-06),
        ("communications", 1.57267097271797e-06),
    ] {
        let e = estimate(&results, 2024, category);
        let se = e["se"].as_f64().unwrap();
        assert!((se - r).abs() <= 1e-6 * r, "{category}: se {se} vs R {r}");
        assert!(e["deff"].as_f64().unwrap() > 0.0, "{e}");
        assert!(
            e["ci_low"].as_f64().unwrap() > 0.99 || category != "communications",
            "{e}"
        );
    }
}
