//! Weighted and complex-design estimates against R survey's answers for the same data
//! (tests/data/design/make-fixtures.R writes both the data and R's output).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{deptshare, fixture, json, stderr};

type Row = BTreeMap<String, String>;

fn r_rows(name: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(fixture(&format!("design/{name}"))).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn number(row: &Row, key: &str) -> Option<f64> {
    row[key].parse::<f64>().ok().filter(|v| v.is_finite())
}

fn run(file: &str, extra: &[&str]) -> Value {
    let path = fixture(&format!("design/{file}"));
    let mut args = vec!["trend", path.as_str(), "--dept-col", "department", "--format", "json"];
    args.extend(extra);
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
}

fn find<'a>(results: &'a Value, row: &Row) -> &'a Value {
    let segment = if row["segment"].is_empty() {
        Value::Null
    } else {
        Value::String(row["segment"].clone())
    };
    results["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["wave"].as_i64() == row["wave"].parse::<i64>().ok()
                && e["category"] == row["category"].as_str()
                && e["segment"] == segment
        })
        .unwrap_or_else(|| panic!("no estimate for {row:?}"))
}

fn assert_close(what: &str, got: &Value, want: f64, relative: bool, tol: f64) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{what}: {got} is not a number"));
    let scale = if relative {
        want.abs().max(f64::MIN_POSITIVE)
    } else {
        1.0
    };
    assert!((got - want).abs() <= tol * scale, "{what}: got {got}, R says {want}");
}

/// Shares to 1e-9 relative; standard errors, design effects and intervals to 1e-6.
fn check_estimates(results_logit: &Value, results_beta: &Value, fixture_name: &str) {
    let rows = r_rows(fixture_name);
    assert!(!rows.is_empty());
    for row in &rows {
        let e = find(results_logit, row);
        let what = format!("{fixture_name} {} {} {}", row["wave"], row["segment"], row["category"]);
        assert_eq!(e["n"].to_string(), row["n"], "{what}: n");
        assert_close(
            &format!("{what} share"),
            &e["share"],
            number(row, "share").unwrap(),
            true,
            1e-9,
        );
        assert_close(&format!("{what} se"), &e["se"], number(row, "se").unwrap(), false, 1e-6);
        assert_close(&format!("{what} df"), &e["df"], number(row, "df").unwrap(), false, 0.0);
        if let Some(deff) = number(row, "deff") {
            assert_close(&format!("{what} deff"), &e["deff"], deff, false, 1e-6);
        }
        if let (Some(low), Some(high)) = (number(row, "logit_low"), number(row, "logit_high")) {
            assert_close(&format!("{what} logit low"), &e["ci_low"], low, false, 1e-6);
            assert_close(&format!("{what} logit high"), &e["ci_high"], high, false, 1e-6);
        }
        let b = find(results_beta, row);
        if let (Some(low), Some(high)) = (number(row, "beta_low"), number(row, "beta_high")) {
            assert_close(&format!("{what} beta low"), &b["ci_low"], low, false, 1e-6);
            assert_close(&format!("{what} beta high"), &b["ci_high"], high, false, 1e-6);
        }
    }
}

/// svycontrast differences and svychisq Rao-Scott F tests.
fn check_trend(results: &Value, fixture_name: &str) {
    for row in r_rows(fixture_name) {
        let category = row["category"].as_str();
        let c = results["comparisons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == category)
            .unwrap_or_else(|| panic!("no comparison for {category}"));
        assert_close(
            &format!("{category} diff"),
            &c["diff"],
            number(&row, "diff").unwrap(),
            false,
            1e-9,
        );
        assert_close(
            &format!("{category} diff se"),
            &c["se"],
            number(&row, "diff_se").unwrap(),
            false,
            1e-6,
        );
        check_rao_scott(results, &row);
    }
}

fn check_rao_scott(results: &Value, row: &Row) {
    let category = row["category"].as_str();
    let t = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["category"] == category && t["name"] == "rao-scott homogeneity")
        .unwrap_or_else(|| panic!("no Rao-Scott test for {category}"));
    for (key, r_key) in [
        ("statistic", "f"),
        ("df", "ndf"),
        ("ddf", "ddf"),
        ("p_value", "p_value"),
    ] {
        assert_close(
            &format!("{category} {key}"),
            &t[key],
            number(row, r_key).unwrap(),
            false,
            1e-6,
        );
    }
}

#[test]
fn rao_scott_across_three_waves_agrees_with_r() {
    let results = run("three-waves.csv", &FULL[..8]);
    let rows = r_rows("r-three-waves-chisq.csv");
    assert!(
        rows.iter().all(|r| number(r, "ndf").unwrap() > 1.5),
        "a fractional df is what this checks"
    );
    for row in &rows {
        check_rao_scott(&results, row);
    }
    let names: Vec<&str> = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    // Under a design the count-based tests are not valid: Rao-Scott alone (issue 15).
    assert!(
        names.iter().all(|n| *n == "rao-scott homogeneity") && !names.is_empty(),
        "{names:?}"
    );
}

/// Every design column of the design fixtures, and segments.
pub const FULL: [&str; 10] = [
    "--weight-col",
    "weight",
    "--strata-col",
    "region",
    "--psu-col",
    "psu",
    "--fpc-col",
    "fpc",
    "--by",
    "size",
];

#[test]
fn stratified_cluster_design_with_fpc_and_segments_agrees_with_r() {
    let logit = run("single.csv", &FULL);
    let mut beta_args = FULL.to_vec();
    beta_args.extend(["--ci", "korn-graubard"]);
    let beta = run("single.csv", &beta_args);
    check_estimates(&logit, &beta, "r-single-full.csv");
    check_trend(&logit, "r-single-full-trend.csv");
    let e = &logit["estimates"][0];
    assert_eq!(e["method"], "logit", "logit is the default with a design");
    assert_eq!(e["design"], "weights+strata+psu+fpc");
}

#[test]
fn weights_without_design_agree_with_r() {
    let logit = run("single.csv", &["--weight-col", "weight"]);
    let beta = run("single.csv", &["--weight-col", "weight", "--ci", "korn-graubard"]);
    check_estimates(&logit, &beta, "r-single-weights.csv");
}

#[test]
fn multiple_choice_categories_and_unions_agree_with_r() {
    let args = [
        "--multi",
        "--weight-col",
        "weight",
        "--strata-col",
        "region",
        "--psu-col",
        "psu",
    ];
    let logit = run("multi.csv", &args);
    let mut beta_args = args.to_vec();
    beta_args.extend(["--ci", "korn-graubard"]);
    check_estimates(&logit, &run("multi.csv", &beta_args), "r-multi.csv");
    check_trend(&logit, "r-multi-trend.csv");
}

#[test]
fn lonely_psu_fails_like_r_unless_adjusted() {
    let path = fixture("design/lonely.csv");
    let args = [
        "shares",
        path.as_str(),
        "--dept-col",
        "department",
        "--wave-col",
        "year",
        "--weight-col",
        "weight",
        "--strata-col",
        "region",
        "--psu-col",
        "psu",
    ];
    let out = deptshare(&args);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("stratum `west` (wave 2024) has only one PSU"),
        "{message}"
    );
    assert!(message.contains("--lonely-psu adjust"), "{message}");
    let adjusted = run(
        "lonely.csv",
        &args[4..]
            .iter()
            .copied()
            .chain(["--lonely-psu", "adjust"])
            .collect::<Vec<_>>(),
    );
    let beta = run(
        "lonely.csv",
        &args[4..]
            .iter()
            .copied()
            .chain(["--lonely-psu", "adjust", "--ci", "korn-graubard"])
            .collect::<Vec<_>>(),
    );
    check_estimates(&adjusted, &beta, "r-lonely-adjust.csv");
}

#[test]
fn csv_and_table_outputs_carry_method_base_and_df() {
    let path = fixture("design/single.csv");
    let mut args = vec!["shares", path.as_str(), "--dept-col", "department", "--format", "csv"];
    args.extend(FULL);
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let header = text.lines().next().unwrap();
    for column in ["n", "method", "df", "n_effective", "count_weighted", "design"] {
        assert!(header.split(',').any(|h| h == column), "{header}");
    }
    assert!(text.lines().nth(1).unwrap().contains(",logit,"), "{text}");
    args.retain(|a| *a != "csv" && *a != "--format");
    let table = String::from_utf8_lossy(&deptshare(&args).stdout).into_owned();
    let first = table.lines().next().unwrap();
    for column in ["segment", "n", "method", "design", "df", "deff"] {
        assert!(first.split_whitespace().any(|h| h == column), "{first}");
    }
}

#[test]
fn help_explains_every_interval_method() {
    let out = deptshare(&["shares", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    for method in [
        "wilson",
        "clopper-pearson",
        "agresti-coull",
        "jeffreys",
        "wald",
        "logit",
        "korn-graubard",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(method)),
            "{method} missing:\n{help}"
        );
    }
    assert!(help.contains("--lonely-psu"), "{help}");
}

/// A panel reuses respondent ids across waves: under a design every wave keeps all its respondents.
#[test]
fn multiple_choice_under_weights_keeps_reused_ids_apart_by_wave() {
    let out = deptshare(&[
        "shares",
        &fixture("design/panel-ids.csv"),
        "--multi",
        "--wave-col",
        "year",
        "--dept-col",
        "department",
        "--weight-col",
        "weight",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    for wave in [2023, 2024] {
        assert_eq!(crate::estimate(&results, wave, "communications")["n"], 4, "wave {wave}");
    }
    // 2024: weights 1 (HR), 3 (Marketing;PR), 1, 1 -> the union of Marketing and PR weighs 5 of 6.
    crate::close(
        &crate::estimate(&results, 2024, "communications")["share"],
        5.0 / 6.0,
        1e-12,
    );
    crate::close(
        &crate::estimate(&results, 2023, "communications")["share"],
        4.0 / 5.0,
        1e-12,
    );
}

/// The same input gives the same bytes: float sums under a design add up in one order.
#[test]
fn design_output_is_byte_identical_on_reruns() {
    let file = fixture("design/multi.csv");
    let args = [
        "shares",
        &file,
        "--multi",
        "--wave-col",
        "year",
        "--dept-col",
        "department",
        "--weight-col",
        "weight",
        "--strata-col",
        "region",
        "--psu-col",
        "psu",
        "--by",
        "size",
        "--format",
        "json",
    ];
    let first = deptshare(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    for _ in 0..3 {
        assert!(
            deptshare(&args).stdout == first.stdout,
            "a rerun printed different numbers"
        );
    }
}

/// The same respondents read as one file or as chunk files of one study give the same estimates
/// (issue 7: results computed in chunks equal the whole run).
#[test]
fn chunked_input_gives_the_whole_run_to_1e_12() {
    let text = std::fs::read_to_string(crate::root().join("tests/data/design/single.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let dir = tempfile::tempdir().unwrap();
    let chunks: Vec<String> = rows
        .chunks(rows.len().div_ceil(3))
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.path().join(format!("chunk-{i}.csv"));
            std::fs::write(&path, format!("{header}\n{}\n", chunk.join("\n"))).unwrap();
            path.display().to_string()
        })
        .collect();
    let options: Vec<&str> = ["--wave-col", "year", "--dept-col", "department"]
        .into_iter()
        .chain(FULL)
        .chain(["--format", "json"])
        .collect();
    let whole_file = fixture("design/single.csv");
    let whole: Vec<&str> = ["shares", whole_file.as_str()]
        .into_iter()
        .chain(options.iter().copied())
        .collect();
    let parts: Vec<&str> = ["shares"]
        .into_iter()
        .chain(chunks.iter().map(String::as_str))
        .chain(options.iter().copied())
        .collect();
    let (a, b) = (json(&deptshare(&whole)), json(&deptshare(&parts)));
    let (a, b) = (a["estimates"].as_array().unwrap(), b["estimates"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(
            (&x["wave"], &x["segment"], &x["category"]),
            (&y["wave"], &y["segment"], &y["category"])
        );
        for field in ["share", "se", "ci_low", "ci_high", "deff"] {
            match (x[field].as_f64(), y[field].as_f64()) {
                (Some(p), Some(q)) => assert!((p - q).abs() <= 1e-12, "{field}: {p} vs {q}"),
                (p, q) => assert_eq!(p, q, "{field}"),
            }
        }
    }
}

/// Issue 15, edge cases against R: at a share of 0 the t-based methods fall back to
/// Clopper-Pearson on n and say so in `method`; with no design degrees of freedom (one
/// respondent) there is no interval, as R's svyciprop gives NaN.
#[test]
fn t_based_fallbacks_are_named_and_zero_df_has_no_interval() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("respondent,year,weight,department\n");
    for i in 0..10 {
        text.push_str(&format!(
            "r{i},2024,{},{}\n",
            1.0 + f64::from(i) / 10.0,
            if i < 4 { "PR" } else { "Marketing" }
        ));
    }
    text.push_str("s1,2025,2.0,PR\n");
    std::fs::write(dir.path().join("w.csv"), text).unwrap();
    let out = super::deptshare_in(
        dir.path(),
        &[
            "shares",
            "w.csv",
            "--weight-col",
            "weight",
            "--ci",
            "logit",
            "--group",
            "people=hr",
            "--lonely-psu",
            "adjust",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let results = super::json(&out);
    // hr: nobody named it (0 of 10): Clopper-Pearson's upper bound 1 - 0.025^(1/10) on n = 10.
    let people = super::estimate(&results, 2024, "people");
    assert_eq!(people["method"], "clopper-pearson (logit fallback)", "{people}");
    let upper = 1.0 - 0.025f64.powf(0.1);
    assert!((people["ci_high"].as_f64().unwrap() - upper).abs() < 1e-12, "{people}");
    assert_eq!(people["ci_low"], 0.0);
    let pr = super::estimate(&results, 2024, "pr");
    assert_eq!(pr["method"], "logit");
    // 2025: one respondent, df = 0: no interval at all.
    let one = super::estimate(&results, 2025, "pr");
    assert!(one["ci_low"].is_null() && one["ci_high"].is_null(), "{one}");
    assert_eq!(one["df"], 0.0);
}
