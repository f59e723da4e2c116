//! Weighting to population margins (`--calibrate`), against R survey's `postStratify` and
//! `calibrate` on a stratified cluster sample of the project's own (tests/data/calibration: the
//! generator make.py, the R script reference.R and its output reference.json).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use super::{DESIGN, deptshare, deptshare_in, fixture, json, root, stderr, stdout};

fn reference() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("tests/data/calibration/reference.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The command line of one method as reference.R weights it (`rake-fpc`: raking under the
/// design with its fpc column).
fn method_args(case: &str) -> Vec<String> {
    let method = case.trim_end_matches("-fpc");
    let targets = if method == "poststratify" {
        "size.csv"
    } else {
        "margins.csv"
    };
    let mut args: Vec<String> = vec!["shares".into(), fixture("calibration/respondents.csv")];
    args.extend(DESIGN.iter().map(|s| s.to_string()));
    args.extend([
        "--calibrate".into(),
        fixture(&format!("calibration/{targets}")),
        "--calibration".into(),
        method.into(),
        "--format".into(),
        "json".into(),
    ]);
    if method == "logit" {
        args.extend(["--bounds".into(), "0.35,3".into()]);
    }
    if case == "rake" {
        args.extend(["--by".into(), "region".into()]);
    }
    if case == "rake-fpc" {
        args.extend(["--fpc-col".into(), "fpc".into()]);
    }
    args
}

fn run(method: &str, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deptshare"))
        .args(method_args(method))
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .unwrap()
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn ours<'a>(results: &'a Value, wave: i64, segment: Option<&str>, category: &str) -> &'a Value {
    results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["wave"] == wave && e["category"] == category && e["segment"].as_str() == segment)
        .unwrap_or_else(|| panic!("no estimate {wave} {segment:?} {category}"))
}

fn check(what: &str, got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance * want.abs().max(1.0),
        "{what}: {got} vs R {want}"
    );
}

#[test]
fn every_method_agrees_with_r_survey() {
    for case in ["poststratify", "rake", "linear", "logit", "rake-fpc"] {
        let out = run(case, &[]);
        let method = case.trim_end_matches("-fpc");
        assert!(out.status.success(), "{method}: {}", stderr(&out));
        let results = json(&out);
        let all = reference();
        let cases: Vec<&Value> = all.iter().filter(|r| r["method"] == case).collect();
        assert_eq!(cases.len(), 2, "two waves of {method}");
        for case in cases {
            let wave = case["wave"].as_i64().unwrap();
            let report = results["weighting"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["wave"] == wave)
                .unwrap_or_else(|| panic!("no weighting report for {method} {wave}"));
            assert_eq!(report["method"], method);
            assert_eq!(report["converged"], true);
            for key in ["kish_n_effective", "min", "max", "sum", "ratio_min", "ratio_max"] {
                check(
                    &format!("{method} {wave} {key}"),
                    number(&report[key]),
                    number(&case[key]),
                    1e-9,
                );
            }
            for margin in report["margins"].as_array().unwrap() {
                check(
                    "achieved margin",
                    number(&margin["achieved"]),
                    number(&margin["target"]),
                    1e-9,
                );
            }
            for e in case["estimates"].as_array().unwrap() {
                let category = e["category"].as_str().unwrap();
                let got = ours(&results, wave, None, category);
                let what = format!("{method} {wave} {category}");
                check(
                    &format!("{what} share"),
                    number(&got["share"]),
                    number(&e["share"]),
                    1e-10,
                );
                check(&format!("{what} se"), number(&got["se"]), number(&e["se"]), 1e-10);
                assert!(got["design"].as_str().unwrap().ends_with(method), "{}", got["design"]);
            }
            for e in case["segments"].as_array().into_iter().flatten() {
                let (segment, category) = (e["segment"].as_str().unwrap(), e["category"].as_str().unwrap());
                let got = ours(&results, wave, Some(segment), category);
                let what = format!("{method} {wave} {segment} {category}");
                check(
                    &format!("{what} share"),
                    number(&got["share"]),
                    number(&e["share"]),
                    1e-10,
                );
                check(&format!("{what} se"), number(&got["se"]), number(&e["se"]), 1e-10);
            }
        }
    }
}

#[test]
fn both_readers_weight_alike() {
    let fast = run("rake", &[]);
    let careful = run("rake", &[("DEPTSHARE_FAST_PATH_MIN_BYTES", "never")]);
    assert!(
        fast.status.success() && careful.status.success(),
        "{}",
        stderr(&careful)
    );
    assert!(stderr(&fast).contains("large-file path"), "{}", stderr(&fast));
    assert!(!stderr(&careful).contains("large-file path"), "{}", stderr(&careful));
    let (a, b) = (json(&fast), json(&careful));
    assert_eq!(a["weighting"], b["weighting"]);
    for (x, y) in a["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["estimates"].as_array().unwrap())
    {
        assert_eq!(x["category"], y["category"]);
        check("share", number(&x["share"]), number(&y["share"]), 1e-13);
        check("se", number(&x["se"]), number(&y["se"]), 1e-13);
    }
}

#[test]
fn a_trend_under_weighting_compares_independent_waves() {
    let mut args = method_args("rake");
    args[0] = "trend".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let r: Vec<Value> = reference().into_iter().filter(|r| r["method"] == "rake").collect();
    let se = |wave: usize| {
        r[wave]["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["category"] == "marketing")
            .map(|e| number(&e["se"]))
            .unwrap()
    };
    let change = results["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "marketing" && c["segment"].is_null())
        .unwrap();
    // Waves are independent samples weighted apart: the variance of the change is the sum.
    check(
        "se of the change",
        number(&change["se"]),
        (se(0).powi(2) + se(1).powi(2)).sqrt(),
        1e-10,
    );
}

#[test]
fn the_table_shows_what_the_weights_did() {
    let mut args = method_args("rake");
    args.truncate(args.len() - 4);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("weighting to the population"), "{text}");
    assert!(text.contains("weights+strata+psu+rake"), "{text}");
    // Wave 2025 keeps 50 % of the information: said on stderr as a warning.
    assert!(stderr(&out).contains("Kish efficiency"), "{}", stderr(&out));
}

/// Runs `shares` on the fixture with a targets file of `text` and extra flags.
fn with_targets(dir: &Path, text: &str, extra: &[&str]) -> Output {
    std::fs::write(dir.join("targets.csv"), text).unwrap();
    let data = fixture("calibration/respondents.csv");
    let mut args = vec!["shares", data.as_str()];
    args.extend(DESIGN);
    args.extend(["--calibrate", "targets.csv"]);
    args.extend(extra);
    deptshare_in(dir, &args)
}

#[test]
fn bad_targets_stop_the_run_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = "variable,level,target\nsize,small,0.62\nsize,medium,0.28\nsize,large,0.10\n";
    let cases: Vec<(String, Vec<&str>, i32, &str)> = vec![
        (
            "variable,level,target\nsize,small,0.7\nsize,medium,0.3\n".into(),
            vec![],
            1,
            "`size` = `large` (wave 2024, ",
        ),
        (
            format!("{sizes}size,huge,0.0\n")
                .replace("0.10", "0.05")
                .replace("huge,0.0", "huge,0.05"),
            vec![],
            1,
            "targets.csv: line 5: no respondents in `size` = `huge` in wave 2024",
        ),
        (
            "variable,level,target\nsize,small,0.6\nsize,medium,0.28\nsize,large,0.10\n".into(),
            vec![],
            1,
            "targets.csv:2: the shares of `size` sum to 0.98",
        ),
        (
            "variable,level,target\nemployees,few,0.5\nemployees,many,0.5\n".into(),
            vec![],
            1,
            "no column `employees`",
        ),
        (
            sizes.into(),
            vec!["--calibration", "logit"],
            2,
            "logit calibration needs bounds",
        ),
        (
            format!("{sizes}sector,industry,0.3\nsector,services,0.5\nsector,trade,0.2\n"),
            vec!["--calibration", "poststratify"],
            2,
            "poststratify weights to one variable's cells (2 given",
        ),
        (
            format!("{sizes}sector,industry,0.3\nsector,services,0.5\nsector,trade,0.2\n"),
            vec!["--calibration", "logit", "--bounds", "0.9,1.1"],
            1,
            "the bounds 0.9,1.1 may be too narrow",
        ),
        (sizes.into(), vec!["--bounds", "1.5,3"], 2, "0 <= LOW < 1 < HIGH"),
    ];
    for (text, extra, code, want) in cases {
        let out = with_targets(dir.path(), &text, &extra);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{text}\n{extra:?}\n{err}");
        assert!(err.contains(want), "{text}\n{extra:?}\nwant {want}\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        if code == 1 && !want.contains("no column") {
            assert!(err.contains("targets.csv"), "{err}");
        }
    }
}

#[test]
fn a_respondent_without_a_weighting_level_is_a_listed_reject() {
    let dir = tempfile::tempdir().unwrap();
    let data =
        "respondent,year,size,department\n1,2024,small,Marketing\n2,2024,,PR\n3,2024,large,PR\n4,2024,small,Sales\n";
    std::fs::write(dir.path().join("data.csv"), data).unwrap();
    std::fs::write(
        dir.path().join("targets.csv"),
        "variable,level,target\nsize,small,0.5\nsize,large,0.5\n",
    )
    .unwrap();
    for env in ["0", "never"] {
        let out = Command::new(env!("CARGO_BIN_EXE_deptshare"))
            .args(["shares", "data.csv", "--calibrate", "targets.csv", "--format", "json"])
            .env("DEPTSHARE_FAST_PATH_MIN_BYTES", env)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let results = json(&out);
        assert_eq!(results["ingest"]["rows_read"], 4);
        assert_eq!(results["ingest"]["rows_rejected"], 1);
        // By hand: small weighs 0.5/2·3 = 0.75 per respondent, large 0.5/1·3 = 1.5, over W = 3:
        // marketing 0.75/3, PR 1.5/3, sales 0.75/3.
        let share = |c: &str| super::estimate(&results, 2024, c)["share"].as_f64().unwrap();
        check("marketing", share("marketing"), 0.25, 1e-12);
        check("pr", share("pr"), 0.5, 1e-12);
        let text = stderr(&out);
        assert!(text.contains("data.csv") && text.contains("rejected 1"), "{text}");
    }
}

/// A study config over the calibration fixture with `weighting` as its `[weighting]` table.
fn config_in(dir: &Path, weighting: &str) -> String {
    let data = fixture("calibration/respondents.csv");
    let targets = fixture("calibration/margins.csv");
    let text = format!(
        "title = \"Weighted\"\n\n[[inputs]]\nstudy = \"panel\"\ntitle = \"Panel\"\npath = \"{data}\"\nchoice = \"single\"\n\
         wave_col = \"year\"\ndept_col = \"department\"\nweight_col = \"weight\"\nstrata_col = \"stratum\"\n\
         psu_col = \"psu\"\n\n[weighting]\ntargets = \"{targets}\"\n{weighting}"
    );
    let path = dir.join("study.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_study_config_weights_and_the_report_shows_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), "method = \"logit\"\nbounds = [0.35, 3]\n");
    let out_dir = dir.path().join("out");
    let out = deptshare(&["run", "--config", &config, "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results: Value = serde_json::from_str(&std::fs::read_to_string(out_dir.join("results.json")).unwrap()).unwrap();
    let r: Vec<Value> = reference().into_iter().filter(|r| r["method"] == "logit").collect();
    for case in &r {
        let wave = case["wave"].as_i64().unwrap();
        let marketing = case["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["category"] == "marketing")
            .unwrap();
        let got = ours(&results, wave, None, "marketing");
        check(
            "config logit share",
            number(&got["share"]),
            number(&marketing["share"]),
            1e-10,
        );
        check("config logit se", number(&got["se"]), number(&marketing["se"]), 1e-10);
    }
    assert_eq!(results["weighting"].as_array().unwrap().len(), 2);
    let report = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(report.contains("Weighted to population margins (logit"), "{report}");
    let row = |cells: &[&str]| {
        report.lines().any(|line| {
            let got: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            got == cells
        })
    };
    assert!(row(&["panel", "2025", "size", "large", "10.0%", "10.0%"]), "{report}");
    assert!(report.contains("| panel | 2024 | logit"), "{report}");
    assert!(report.contains("effective n"), "{report}");
    // The targets file is an input: hashed in the manifest.
    let manifest = std::fs::read_to_string(out_dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("margins.csv"), "{manifest}");
}

#[test]
fn no_convergence_and_unknown_studies_are_config_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), "max_iter = 1\n");
    let out = deptshare(&["shares", "--help"]);
    assert!(stdout(&out).contains("--calibrate"));
    let out = deptshare(&[
        "report",
        "--config",
        &config,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did not converge in 1 iterations"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("margins.csv"), "{}", stderr(&out));
    let config = config_in(dir.path(), "studies = [\"other\"]\n");
    let out = deptshare(&[
        "report",
        "--config",
        &config,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`other`, which has no respondent-level input"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn report_takes_calibrate_in_place_of_the_configs_weighting() {
    let dir = tempfile::tempdir().unwrap();
    // The config asks for 1 iteration (which fails); --calibrate replaces its [weighting].
    let config = config_in(dir.path(), "max_iter = 1\n");
    let size = fixture("calibration/size.csv");
    let out_dir = dir.path().join("out");
    let out = deptshare(&[
        "report",
        "--config",
        &config,
        "--out",
        out_dir.to_str().unwrap(),
        "--calibrate",
        &size,
        "--calibration",
        "poststratify",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(
        report.contains("Weighted to population margins (poststratify"),
        "{report}"
    );
}

/// Found by a hostile review of weighting, segments and ranks (each once silent).
#[test]
fn weighting_refuses_what_it_cannot_mean() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "data.csv",
        "respondent,year,size,region,department\n1,2024,small,n,Marketing\n2,2024,large,s,PR\n3,2024,small,s,Sales\n\
         4,2024,large,n,PR\n5,2024,small\u{1f}x,n,PR\n6,2025,small,n,\n7,2025,large,s,\n",
    );
    write("size.csv", "variable,level,target\nsize,small,0.5\nsize,large,0.5\n");
    write(
        "dept.csv",
        "variable,level,target\ndepartment,Marketing,0.5\ndepartment,PR,0.5\n",
    );
    write(
        "later.csv",
        "variable,level,target,wave\nsize,small,0.5,2099\nsize,large,0.5,2099\nsize,small,0.5,\nsize,large,0.5,\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["shares", "data.csv", "--dept-col", "department", "--format", "json"];
        args.extend(extra);
        deptshare_in(dir.path(), &args)
    };
    // The question's own answers as a weighting variable would fix every share at its target.
    let out = run(&["--calibrate", "dept.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("dept.csv: `department` is the department column"),
        "{}",
        stderr(&out)
    );
    // Targets for a wave the data do not have.
    let out = run(&["--calibrate", "later.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("later.csv: line 2: targets for wave 2099"),
        "{}",
        stderr(&out)
    );
    // Segments by the department column itself.
    let out = run(&["--by", "department"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The unit separator inside a level is a listed reject, never another variable's level.
    let out = run(&["--calibrate", "size.csv", "--by", "region"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(
        (
            results["ingest"]["rows_read"].as_u64(),
            results["ingest"]["rows_rejected"].as_u64()
        ),
        (Some(7), Some(1))
    );
    assert!(
        stderr(&out).contains("data.csv:6: `size` holds a control character"),
        "{}",
        stderr(&out)
    );
    // Wave 2025: nobody answered: no shares, no ranks, no segment rows.
    for key in ["estimates", "ranks", "segment_tests"] {
        assert!(
            results[key].as_array().unwrap().iter().all(|e| e["wave"] == 2024),
            "{key}: {}",
            results[key]
        );
    }
}
