//! Pairwise tests between `--by` segments and their column letters, against R survey
//! (tests/data/calibration/segments.R and segments.json: svyratio with covmat + svycontrast).

use std::process::Output;

use serde_json::Value;

use super::{DESIGN, deptshare, fixture, json, root, stderr, stdout};

fn reference(case: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("tests/data/calibration/segments.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["case"] == case)
        .cloned()
        .collect()
}

/// `COMMAND calibration/respondents.csv` with its design and `extra`: asserts success.
fn command(command: &str, extra: &[&str]) -> Output {
    let data = fixture("calibration/respondents.csv");
    let mut args = vec![command, data.as_str()];
    args.extend(DESIGN);
    args.extend(extra);
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

fn shares(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    json(&command("shares", &args))
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn find<'a>(tests: &'a Value, r: &Value) -> &'a Value {
    tests
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["wave"] == r["wave"]
                && t["category"] == r["category"]
                && t["segment_a"] == r["segment_a"]
                && t["segment_b"] == r["segment_b"]
        })
        .unwrap_or_else(|| panic!("no test for {r}"))
}

fn check_against_r(results: &Value, case: &str, adjusted: &str) {
    let cases = reference(case);
    assert_eq!(cases.len(), 42, "2 waves x 7 categories x 3 pairs");
    assert_eq!(results["segment_tests"].as_array().unwrap().len(), 42);
    for r in &cases {
        let t = find(&results["segment_tests"], r);
        let what = format!(
            "{case} {} {} {}-{}",
            r["wave"], r["category"], r["segment_a"], r["segment_b"]
        );
        assert!(
            (number(&t["diff"]) - number(&r["diff"])).abs() < 1e-12,
            "{what} diff {t}"
        );
        assert!((number(&t["se"]) - number(&r["se"])).abs() < 1e-12, "{what} se {t}");
        assert!(
            (number(&t["p_value"]) - number(&r["p_value"])).abs() < 1e-10,
            "{what} p {t}"
        );
        assert!(
            (number(&t["p_adjusted"]) - number(&r[adjusted])).abs() < 1e-10,
            "{what} p adjusted {t}"
        );
        assert_eq!(number(&t["df"]), number(&r["df"]), "{what}");
    }
}

/// The letters each segment estimate must carry, from R's p-values alone.
fn check_letters(results: &Value, case: &str, adjusted: &str) {
    let cases = reference(case);
    let mut names: Vec<String> = cases
        .iter()
        .map(|r| r["segment_a"].as_str().unwrap().to_string())
        .collect();
    names.extend(cases.iter().map(|r| r["segment_b"].as_str().unwrap().to_string()));
    names.sort();
    names.dedup();
    let letter = |name: &str| ((b'A' + names.iter().position(|n| n == name).unwrap() as u8) as char).to_string();
    let mut marked = 0;
    for e in results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["segment"].is_null())
    {
        let segment = e["segment"].as_str().unwrap();
        assert_eq!(e["letter"], letter(segment).as_str(), "{e}");
        let mut want: Vec<String> = cases
            .iter()
            .filter(|r| r["wave"] == e["wave"] && r["category"] == e["category"] && number(&r[adjusted]) < 0.05)
            .filter_map(|r| {
                let diff = number(&r["diff"]);
                if r["segment_a"] == segment && diff > 0.0 {
                    Some(letter(r["segment_b"].as_str().unwrap()))
                } else if r["segment_b"] == segment && diff < 0.0 {
                    Some(letter(r["segment_a"].as_str().unwrap()))
                } else {
                    None
                }
            })
            .collect();
        want.sort();
        marked += want.len();
        let got: Vec<String> = e["higher_than"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want, "{e}");
    }
    assert!(marked > 0, "the fixture has significant differences to mark");
}

#[test]
fn segment_differences_under_the_design_agree_with_r() {
    let results = shares(&["--by", "size"]);
    check_against_r(&results, "design-size", "p_value");
    check_letters(&results, "design-size", "p_value");
    assert!(results["segment_tests"][0]["adjustment"] == "none");
    let holm = shares(&["--by", "size", "--adjust", "holm"]);
    check_against_r(&holm, "design-size", "p_holm");
    check_letters(&holm, "design-size", "p_holm");
}

#[test]
fn segment_differences_under_calibration_agree_with_r() {
    let margins = fixture("calibration/margins.csv");
    let results = shares(&["--by", "region", "--calibrate", &margins, "--adjust", "holm"]);
    check_against_r(&results, "rake-region", "p_holm");
    check_letters(&results, "rake-region", "p_holm");
}

#[test]
fn tables_print_letters_as_tabulation_tools_do() {
    let out = command("shares", &["--by", "size"]);
    let text = stdout(&out);
    // 2024 marketing: large (A) is significantly above small (C) (R: p = 0.0041).
    let line = text
        .lines()
        .find(|l| l.contains("2024") && l.contains("large (A)") && l.contains(" marketing "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("% C "), "{line}");
    assert!(text.contains("segment letters"), "{text}");
}

#[test]
fn bad_adjust_and_sig_level_are_usage_errors() {
    let data = fixture("calibration/respondents.csv");
    for extra in [["--adjust", "bonferroni"], ["--sig-level", "0.7"]] {
        let mut args = vec!["shares", data.as_str(), "--by", "size"];
        args.extend(extra);
        let out = deptshare(&args);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    }
}

#[test]
fn rank_probabilities_agree_with_a_monte_carlo_from_rs_covariance() {
    let text = std::fs::read_to_string(root().join("tests/data/calibration/ranks.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let results = shares(&["--by", "size"]);
    let ranks = results["ranks"].as_array().unwrap();
    let mut uncertain = 0;
    for r in reference.as_array().unwrap() {
        let segment = r["segment"].as_str();
        let got = ranks
            .iter()
            .find(|x| x["wave"] == r["wave"] && x["category"] == r["category"] && x["segment"].as_str() == segment)
            .unwrap_or_else(|| panic!("no rank for {r}"));
        let (p, want) = (number(&got["p_first"]), number(&r["p_first"]));
        assert!((p - want).abs() < 0.01, "{r}: {p}");
        uncertain += usize::from(want > 0.1 && want < 0.9);
        let (low, high) = (got["rank_low"].as_u64().unwrap(), got["rank_high"].as_u64().unwrap());
        assert!(1 <= low && low <= high && high <= 6, "{got}");
        if want > 0.99 {
            assert_eq!((low, high), (1, 1), "{got}");
        }
    }
    assert!(
        uncertain >= 2,
        "the fixture has a close race (small firms 2024: marketing 0.72, sales 0.28)"
    );
    // Seeded: a rerun gives the same draws.
    assert_eq!(shares(&["--by", "size"])["ranks"], results["ranks"]);
}

#[test]
fn department_by_segment_independence_agrees_with_rs_svychisq() {
    let text = std::fs::read_to_string(root().join("tests/data/calibration/independence.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let margins = fixture("calibration/margins.csv");
    for (case, extra) in [
        ("design-size", vec!["--by", "size"]),
        ("rake-region", vec!["--by", "region", "--calibrate", margins.as_str()]),
    ] {
        let results = shares(&extra);
        let tests = results["tests"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: no tests"));
        for r in reference.as_array().unwrap().iter().filter(|r| r["case"] == case) {
            let t = tests
                .iter()
                .find(|t| t["wave"] == r["wave"] && t["name"] == "rao-scott independence")
                .unwrap_or_else(|| panic!("{case}: no test for {}", r["wave"]));
            assert_eq!(t["by"], extra[1]);
            for (ours, theirs) in [
                ("statistic", "statistic"),
                ("df", "ndf"),
                ("ddf", "ddf"),
                ("p_value", "p_value"),
            ] {
                let (a, b) = (number(&t[ours]), number(&r[theirs]));
                assert!(
                    (a - b).abs() < 1e-10 * b.abs().max(1.0),
                    "{case} {} {ours}: {a} vs R {b}",
                    r["wave"]
                );
            }
        }
    }
}

#[test]
fn department_by_wave_over_all_departments_agrees_with_rs_svychisq() {
    let text = std::fs::read_to_string(root().join("tests/data/calibration/homogeneity.json")).unwrap();
    let r: Value = serde_json::from_str(&text).unwrap();
    let out = command("trend", &["--format", "json"]);
    let results = json(&out);
    let t = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "rao-scott homogeneity" && t["category"].is_null())
        .unwrap_or_else(|| panic!("no test over all departments: {}", results["tests"]));
    for (ours, theirs) in [
        ("statistic", "statistic"),
        ("df", "ndf"),
        ("ddf", "ddf"),
        ("p_value", "p_value"),
    ] {
        let (a, b) = (number(&t[ours]), number(&r[theirs]));
        assert!((a - b).abs() < 1e-10 * b.abs().max(1.0), "{ours}: {a} vs R {b}");
    }
}

/// `shares` computes only what it prints (ranks and the tests within a wave in JSON; issue 11),
/// `trend` everything: what both print is the same, to the bit.
#[test]
fn shares_computing_less_prints_what_trend_computes() {
    let run = |name: &str| json(&command(name, &["--by", "size", "--format", "json"]));
    let (shares, trend) = (run("shares"), run("trend"));
    for field in ["estimates", "ranks", "segment_tests"] {
        assert!(shares[field].as_array().is_some_and(|a| !a.is_empty()), "{field}");
        assert_eq!(shares[field], trend[field], "{field}");
    }
    let within: Vec<&Value> = trend["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !t["wave"].is_null())
        .collect();
    assert!(!within.is_empty());
    let shown: Vec<&Value> = shares["tests"].as_array().unwrap().iter().collect();
    assert_eq!(shown, within);
    // A table of shares prints the same estimates (letters included) without the ranks' draws.
    let table = command("shares", &["--by", "size"]);
    assert!(stdout(&table).contains("segment letters"), "{}", stdout(&table));
}
