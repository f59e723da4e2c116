//! `--waves shared`: waves that share strata and PSUs (a panel of companies asked every year) are
//! one design with the waves as domains, against R survey (tests/data/panel/reference.R and
//! reference.json: svyratio with covmat = TRUE, svycontrast, svychisq on the whole design; plain,
//! with fpc, and post-stratified in each wave).

use std::path::Path;

use serde_json::Value;

use super::{deptshare, fixture, json, root, stderr};

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("tests/data/panel/reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn of_case(part: &str, case: &str) -> Vec<Value> {
    reference()[part]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["case"] == case)
        .cloned()
        .collect()
}

/// `command` on the panel fixture under its design (`extra` added), as JSON.
fn panel(command: &str, extra: &[&str]) -> Value {
    let data = fixture("panel/respondents.csv");
    let mut args = vec![
        command,
        data.as_str(),
        "--dept-col",
        "department",
        "--wave-col",
        "year",
        "--weight-col",
        "weight",
        "--strata-col",
        "stratum",
        "--psu-col",
        "company",
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn check(what: &str, got: &Value, expected: &Value, tolerance: f64) {
    let (g, e) = (number(got), number(expected));
    assert!((g - e).abs() <= tolerance, "{what}: {g} != {e} (R)");
}

fn find<'a>(rows: &'a Value, what: &str, matches: impl Fn(&Value) -> bool) -> &'a Value {
    let found: Vec<&Value> = rows.as_array().unwrap().iter().filter(|r| matches(r)).collect();
    assert_eq!(found.len(), 1, "{what}: {found:?}");
    found[0]
}

fn against_r(case: &str, extra: &[&str]) {
    let mut args = vec!["--waves", "shared"];
    args.extend(extra);
    let trend = panel("trend", &args);
    let estimates = of_case("estimates", case);
    assert_eq!(estimates.len(), 18, "3 waves x 6 categories");
    for r in &estimates {
        let what = format!("{case} {} {}", r["wave"], r["category"]);
        let e = find(&trend["estimates"], &what, |e| {
            e["wave"] == r["wave"] && e["category"] == r["category"] && e["segment"].is_null()
        });
        check(&format!("{what} share"), &e["share"], &r["share"], 1e-12);
        check(&format!("{what} se"), &e["se"], &r["se"], 1e-12);
        check(&format!("{what} df"), &e["df"], &r["df"], 0.0);
        assert!(e["design"].as_str().unwrap().contains("shared-waves"), "{e}");
    }
    let comparisons = of_case("comparisons", case);
    assert_eq!(comparisons.len(), 12, "2 pairs x 6 categories");
    assert_eq!(trend["comparisons"].as_array().unwrap().len(), 12);
    for r in &comparisons {
        let what = format!("{case} {} {}-{}", r["category"], r["from_wave"], r["to_wave"]);
        let c = find(&trend["comparisons"], &what, |c| {
            c["category"] == r["category"] && c["from_wave"] == r["from_wave"] && c["to_wave"] == r["to_wave"]
        });
        check(&format!("{what} diff"), &c["diff"], &r["diff"], 1e-12);
        check(&format!("{what} se"), &c["se"], &r["se"], 1e-12);
        assert!(c["method"].as_str().unwrap().contains("covariance"), "{c}");
        // The normal interval and z-test of svycontrast's estimate and SE.
        let z = number(&r["diff"]) / number(&r["se"]);
        let p = 2.0 * (1.0 - statrs_normal_cdf(z.abs()));
        check(&format!("{what} p"), &c["p_value"], &Value::from(p), 1e-9);
    }
    let tests = of_case("tests", case);
    assert_eq!(
        tests.len(),
        9,
        "6 categories, all departments over all waves and 2 pairs"
    );
    for r in &tests {
        let what = format!(
            "{case} {} {} {}-{}",
            r["name"], r["category"], r["from_wave"], r["to_wave"]
        );
        let t = find(&trend["tests"], &what, |t| {
            t["name"] == "rao-scott homogeneity"
                && t["category"] == r["category"]
                && t.get("from_wave").unwrap_or(&Value::Null) == &r["from_wave"]
                && t.get("to_wave").unwrap_or(&Value::Null) == &r["to_wave"]
        });
        check(&format!("{what} F"), &t["statistic"], &r["statistic"], 1e-10);
        check(&format!("{what} df"), &t["df"], &r["df"], 1e-10);
        check(&format!("{what} ddf"), &t["ddf"], &r["ddf"], 1e-9);
        check(&format!("{what} p"), &t["p_value"], &r["p_value"], 1e-10);
    }
}

/// The standard normal distribution function (erfc form), independent of the code under test.
fn statrs_normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

#[test]
fn shared_waves_agree_with_r_on_a_panel() {
    against_r("design", &[]);
}

#[test]
fn shared_waves_with_an_fpc_agree_with_r() {
    against_r("fpc", &["--fpc-col", "fpc"]);
}

#[test]
fn shared_waves_post_stratified_in_each_wave_agree_with_r() {
    let targets = fixture("panel/size.csv");
    against_r(
        "poststratify",
        &["--calibrate", &targets, "--calibration", "poststratify"],
    );
}

#[test]
fn the_independent_formula_overstates_the_se_of_a_panel_change() {
    let shared = panel("trend", &["--waves", "shared"]);
    let independent = panel("trend", &[]);
    let se = |trend: &Value| {
        let c = find(&trend["comparisons"], "marketing 2023-2024", |c| {
            c["category"] == "marketing" && c["from_wave"] == 2023
        });
        (number(&c["se"]), c["method"].as_str().unwrap().to_string())
    };
    let ((shared_se, shared_method), (independent_se, independent_method)) = (se(&shared), se(&independent));
    assert!(independent_method.contains("independent"), "{independent_method}");
    assert!(shared_method.contains("sharing PSUs"), "{shared_method}");
    // R: 0.0637 with the covariance; the waves' own SEs added as if independent give 0.0845.
    assert!((shared_se - 0.063_673_230_577_734_5).abs() < 1e-12, "{shared_se}");
    assert!(independent_se > 1.25 * shared_se, "{independent_se} vs {shared_se}");
    // Independent waves get the tests over all departments per pair of waves too.
    let pairs = independent["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["category"].is_null() && t.get("from_wave").is_some())
        .count();
    assert_eq!(pairs, 2);
}

#[test]
fn shared_waves_need_the_psu_column() {
    let data = fixture("panel/respondents.csv");
    let out = deptshare(&[
        "trend",
        &data,
        "--dept-col",
        "department",
        "--weight-col",
        "weight",
        "--waves",
        "shared",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--psu-col"), "{}", stderr(&out));
}

fn config(dir: &Path, inputs: &str) -> String {
    let data = fixture("panel/respondents.csv");
    let input = |waves: &str| {
        format!(
            "[[inputs]]\nstudy = \"panel\"\ntitle = \"Panel\"\npath = \"{data}\"\nchoice = \"single\"\n\
             wave_col = \"year\"\ndept_col = \"department\"\nweight_col = \"weight\"\nstrata_col = \"stratum\"\n\
             psu_col = \"company\"\n{waves}\n"
        )
    };
    let text = format!(
        "title = \"Panel\"\n\n{}",
        inputs.split('|').map(input).collect::<Vec<_>>().join("\n")
    );
    let path = dir.join("study.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_study_config_declares_a_panel() {
    let dir = tempfile::tempdir().unwrap();
    let study = config(dir.path(), "waves = \"shared\"");
    let out_dir = dir.path().join("out");
    let out = deptshare(&["run", "--config", &study, "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results: Value = serde_json::from_str(&std::fs::read_to_string(out_dir.join("results.json")).unwrap()).unwrap();
    for r in of_case("comparisons", "design") {
        let what = format!("{} {}-{}", r["category"], r["from_wave"], r["to_wave"]);
        let c = find(&results["comparisons"], &what, |c| {
            c["category"] == r["category"] && c["from_wave"] == r["from_wave"]
        });
        check(&format!("{what} se"), &c["se"], &r["se"], 1e-12);
    }
    // A misspelt value names its line; shared without psu_col and a study whose inputs disagree
    // are refused.
    let bad = config(dir.path(), "waves = \"sharde\"");
    let out = deptshare(&["run", "--config", &bad, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 13"), "{}", stderr(&out));
    let mixed = config(dir.path(), "waves = \"shared\"|");
    let out = deptshare(&["run", "--config", &mixed, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("waves"), "{}", stderr(&out));
}
