//! The walking skeleton end to end: run, shares, trend, chart, reproduce and their errors.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::*;

#[test]
fn run_prints_the_headline_and_writes_every_output() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = deptshare(&["run", "--out", out_dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Marketing 35.0%"), "{text}");
    assert!(text.contains("PR 21.0%"), "{text}");
    assert!(text.contains("communications (Marketing + PR) 56.0%"), "{text}");
    assert!(text.contains("published figures reproduced: 17 of 17"), "{text}");
    for file in [
        "report.md",
        "report.xlsx",
        "results.json",
        "estimates.csv",
        "comparisons.csv",
        "tests.csv",
        "rejects.csv",
        "manifest.json",
        "charts/econsultancy-bar.en.svg",
        "charts/econsultancy-bar.de.png",
        "charts/demo-tracker-trend.en.svg",
    ] {
        assert!(out_dir.path().join(file).is_file(), "{file} missing");
    }
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out_dir.path().join("manifest.json")).unwrap()).unwrap();
    let hashes = manifest["inputs"].as_object().unwrap();
    assert!(
        hashes
            .keys()
            .any(|k| k.ends_with("econsultancy-2010-reconstructed.csv"))
    );
    assert!(hashes.values().all(|h| h.as_str().unwrap().len() == 64));
}

#[test]
fn run_is_byte_identical_on_a_rerun_and_matches_the_committed_charts() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        let out = deptshare(&["run", "--out", dir.path().to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let mut files = Vec::new();
    collect_files(a.path(), a.path(), &mut files);
    assert!(files.len() >= 20, "{files:?}");
    for file in &files {
        let first = std::fs::read(a.path().join(file)).unwrap();
        assert!(
            first == std::fs::read(b.path().join(file)).unwrap(),
            "{} differs between runs",
            file.display()
        );
        if let Ok(chart) = file.strip_prefix("charts") {
            golden(&root().join("charts").join(chart), &first);
        } else if ["report.md", "results.json", "estimates.csv", "comparisons.csv"].contains(&file.to_str().unwrap()) {
            // Wording and numbers of the report are pinned too, not only the pictures.
            golden(&root().join("tests/data/golden/run").join(file), &first);
        }
    }
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(base, &path, out);
        } else {
            out.push(path.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

#[test]
fn wilson_interval_for_19_of_38() {
    let out = deptshare(&["shares", &fixture("wilson-19-of-38.csv"), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let marketing = estimate(&results, 2020, "marketing");
    close(&marketing["share"], 0.5, 1e-15);
    close(&marketing["ci_low"], 0.348499283643951, 1e-9);
    close(&marketing["ci_high"], 0.651500716356049, 1e-9);
    assert_eq!(marketing["method"], "wilson");
    assert_eq!(results["ingest"]["rows_read"], 38);
    assert!(stderr(&out).contains("using column `department`"), "{}", stderr(&out));
}

#[test]
fn clopper_pearson_and_level_are_honoured() {
    let file = fixture("wilson-19-of-38.csv");
    let out = deptshare(&[
        "shares",
        &file,
        "--ci",
        "clopper-pearson",
        "--level",
        "0.9",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let marketing = estimate(&json(&out), 2020, "marketing").clone();
    assert_eq!(marketing["method"], "clopper-pearson");
    assert_eq!(marketing["level"], 0.9);
    let wilson = estimate(
        &json(&deptshare(&["shares", &file, "--format", "json"])),
        2020,
        "marketing",
    )
    .clone();
    assert!(
        marketing["ci_low"].as_f64() > wilson["ci_low"].as_f64(),
        "a 90 % interval is narrower"
    );
}

#[test]
fn multiple_choice_groups_are_unions_not_sums() {
    let out = deptshare(&["shares", &fixture("multi.csv"), "--multi", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let share = |wave, category| estimate(&results, wave, category)["share"].as_f64().unwrap();
    assert_eq!(
        estimate(&results, 2021, "marketing")["n"],
        4,
        "the no-answer respondent is not in the base"
    );
    assert_eq!(share(2021, "marketing"), 0.5);
    assert_eq!(share(2021, "pr"), 0.5);
    assert_eq!(share(2021, "communications"), 0.75);
    assert!(share(2021, "marketing") + share(2021, "pr") != share(2021, "communications"));
    assert_eq!(estimate(&results, 2021, "communications")["kind"], "group");
    assert_eq!(estimate(&results, 2021, "communications")["choice"], "multi");
    assert_eq!(results["ingest"]["no_answer"], 1);
    golden(&root().join("tests/data/golden/shares-multi.json"), &out.stdout);
}

#[test]
fn base_all_puts_no_answers_into_the_base() {
    let out = deptshare(&[
        "shares",
        &fixture("multi.csv"),
        "--multi",
        "--base",
        "all",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let marketing = estimate(&results, 2021, "marketing");
    assert_eq!(
        (marketing["n"].as_u64(), marketing["share"].as_f64()),
        (Some(5), Some(0.4))
    );
    assert_eq!(marketing["base"], "all");
    assert_eq!(estimate(&results, 2021, "communications")["share"], 0.6);
}

#[test]
fn single_choice_groups_are_sums_and_german_excel_files_read() {
    let out = deptshare(&["shares", &fixture("german-semicolon-bom-crlf.csv"), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let share = |category| estimate(&results, 2021, category)["share"].as_f64().unwrap();
    assert_eq!(share("marketing"), 0.5);
    assert_eq!(share("pr"), 0.25);
    assert_eq!(share("executive"), 0.25);
    assert_eq!(share("communications"), share("marketing") + share("pr"));
}

#[test]
fn output_formats() {
    let file = fixture("multi.csv");
    let table = stdout(&deptshare(&["shares", &file, "--multi"]));
    assert!(
        table.contains("communications (group)") && table.contains("50.0%"),
        "{table}"
    );
    let csv = stdout(&deptshare(&["shares", &file, "--multi", "--format", "csv"]));
    assert!(
        csv.starts_with("study,wave,segment,category,kind,choice,n,count,share,"),
        "{csv}"
    );
    let markdown = stdout(&deptshare(&["shares", &file, "--multi", "--format", "markdown"]));
    assert!(markdown.lines().nth(1).unwrap().starts_with("| ---"), "{markdown}");
}

#[test]
fn trend_compares_consecutive_waves_with_holm() {
    let out = deptshare(&["trend", "data/surveys/demo-tracker.csv", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let comparisons = results["comparisons"].as_array().unwrap();
    let marketing: Vec<&Value> = comparisons.iter().filter(|c| c["category"] == "marketing").collect();
    assert_eq!(marketing.len(), 6, "7 waves give 6 consecutive pairs");
    for c in comparisons {
        let (p, adjusted) = (c["p_value"].as_f64().unwrap(), c["p_adjusted"].as_f64().unwrap());
        assert!(adjusted >= p && adjusted <= 1.0);
        assert!(c["ci_low"].as_f64().unwrap() <= c["diff"].as_f64().unwrap());
        assert!(c["diff"].as_f64().unwrap() <= c["ci_high"].as_f64().unwrap());
    }
    let tests = results["tests"].as_array().unwrap();
    assert!(
        tests
            .iter()
            .any(|t| t["name"] == "chi-square homogeneity" && t["category"] == "marketing" && t["df"] == 6.0)
    );
}

#[test]
fn a_wrong_label_names_file_line_and_suggestion() {
    let file = fixture("unknown-label.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "department"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&format!("{file}:3: unknown department `Marketng`")),
        "{message}"
    );
    assert!(message.contains("did you mean `Marketing`?"), "{message}");
}

#[test]
fn a_fixed_wave_on_a_file_with_a_year_column_is_refused() {
    let out = deptshare(&["shares", "data/surveys/demo-tracker.csv", "--wave", "2024"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("data/surveys/demo-tracker.csv: the file has a wave column `year`"),
        "{message}"
    );
    assert!(message.contains("use --wave-col year"), "{message}");
}

#[test]
fn rows_starting_with_a_hash_and_blank_rows_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("loss.csv");
    std::fs::write(
        &file,
        "# comment\nrespondent,year,department\n1,2020,Marketing\n#2,2020,PR\n,,\n3,2020,HR\n",
    )
    .unwrap();
    let out = deptshare(&["shares", file.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(results["ingest"]["rows_read"], 4);
    assert_eq!(results["ingest"]["rows_rejected"], 1);
    assert_eq!(estimate(&results, 2020, "pr")["count"], 1, "respondent `#2` is data");
}

#[test]
fn a_wave_without_any_answer_is_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("noans.csv");
    std::fs::write(
        &file,
        "respondent,year,department\n1,2020,Marketing\n2,2021,\n3,2021,\n",
    )
    .unwrap();
    let out = deptshare(&[
        "shares",
        file.to_str().unwrap(),
        "--dept-col",
        "department",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let warning = "study `survey` wave 2021: none of its 2 respondents answered the question";
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    assert!(json(&out)["warnings"][0].as_str().unwrap().contains(warning));
}

#[test]
fn a_respondent_in_two_files_of_one_study_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&a, "respondent,year,department\n1,2020,Marketing\n2,2020,PR\n").unwrap();
    std::fs::write(&b, "respondent,year,department\n3,2020,HR\n1,2020,Sales\n").unwrap();
    let out = deptshare(&["shares", a.to_str().unwrap(), b.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(results["ingest"]["rows_rejected"], 1);
    assert_eq!(estimate(&results, 2020, "marketing")["n"], 3);
    assert!(
        results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["category"] != "sales")
    );
}

#[test]
fn a_rerun_removes_what_it_no_longer_writes_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    assert!(deptshare(&["run", "--out", out]).status.success());
    let manifest_path = dir.path().join("manifest.json");
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    assert!(
        manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "charts/econsultancy-bar.en.svg")
    );
    // As if an earlier config had a study that is gone now, and the user keeps notes beside the outputs.
    manifest["outputs"]
        .as_array_mut()
        .unwrap()
        .push("charts/gone-bar.en.svg".into());
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    std::fs::write(dir.path().join("charts/gone-bar.en.svg"), "<svg/>").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    assert!(deptshare(&["run", "--out", out]).status.success());
    assert!(!dir.path().join("charts/gone-bar.en.svg").exists());
    assert!(dir.path().join("notes.txt").exists());
}

#[test]
fn line_numbers_count_comments_and_blank_lines() {
    let file = fixture("blank-lines.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "department"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{file}:6: unknown department `Marketng`")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn several_labels_in_a_single_choice_cell_suggest_multi() {
    let file = fixture("multi.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "departments"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&format!("{file}:2: `Marketing;PR` names several departments")),
        "{message}"
    );
    assert!(message.contains("--multi --multi-sep ';'"), "{message}");
}

#[test]
fn a_missing_department_column_names_the_file_and_the_columns() {
    let file = fixture("unknown-label.csv");
    let out = deptshare(&["shares", &file, "--dept-col", "abteilung"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains(&file) && message.contains("no column `abteilung`"),
        "{message}"
    );
    assert!(message.contains("respondent, year, department"), "{message}");

    let out = deptshare(&["shares", &fixture("no-department.csv")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no column holds department labels; pass --dept-col"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn empty_and_header_only_files_are_errors() {
    for (name, expected) in [
        ("empty.csv", "the file is empty"),
        ("header-only.csv", "the file has a header but no data rows"),
    ] {
        let file = fixture(name);
        let out = deptshare(&["shares", &file, "--wave", "2020"]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            stderr(&out).contains(&format!("{file}: {expected}")),
            "{}",
            stderr(&out)
        );
    }
    let out = deptshare(&["shares", &fixture("does-not-exist.csv")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does-not-exist.csv"), "{}", stderr(&out));
}

#[test]
fn bad_rows_are_rejected_and_counted_never_dropped() {
    let out = deptshare(&["shares", &fixture("bad-rows.csv"), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ingest = &json(&out)["ingest"];
    assert_eq!(ingest["rows_read"], 5);
    assert_eq!(ingest["rows_accepted"], 2);
    assert_eq!(ingest["rows_rejected"], 3);
    assert!(
        stderr(&out).contains("rows read 5, accepted 2, rejected 3"),
        "{}",
        stderr(&out)
    );

    let out_dir = tempfile::tempdir().unwrap();
    let config = out_dir.path().join("study.toml");
    std::fs::write(
        &config,
        format!(
            "title = \"t\"\n[[inputs]]\nstudy = \"s\"\ntitle = \"s\"\npath = \"{}\"\n",
            fixture("bad-rows.csv")
        ),
    )
    .unwrap();
    let out = deptshare(&[
        "run",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out_dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rejects = std::fs::read_to_string(out_dir.path().join("rejects.csv")).unwrap();
    assert!(
        rejects.contains("bad-rows.csv,3,wave `twenty` is not a whole number"),
        "{rejects}"
    );
    assert!(
        rejects.contains("bad-rows.csv,4,ragged row: 4 fields where the header has 3"),
        "{rejects}"
    );
    assert!(
        rejects.contains("bad-rows.csv,5,duplicate respondent `1` in wave 2020"),
        "{rejects}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let file = fixture("multi.csv");
    for args in [
        vec!["shares", file.as_str(), "--ci", "nope"],
        vec!["shares", file.as_str(), "--level", "95"],
        vec!["shares", file.as_str(), "--group", "broken"],
        vec!["frobnicate"],
    ] {
        let out = deptshare(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn reproduce_passes_on_the_bundled_study_and_names_a_miss() {
    let out = deptshare(&["reproduce"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("reproduced"), "{}", stdout(&out));

    let dir = tempfile::tempdir().unwrap();
    let published = std::fs::read_to_string(root().join("data/published/econsultancy-2010.csv")).unwrap();
    let wrong = published.replace(
        "econsultancy,2010,pr,PR or communications team,21,",
        "econsultancy,2010,pr,PR or communications team,22,",
    );
    assert_ne!(wrong, published);
    std::fs::write(dir.path().join("published.csv"), wrong).unwrap();
    let config = std::fs::read_to_string(root().join("data/study.toml"))
        .unwrap()
        .replace(
            "path = \"surveys/",
            &format!("path = \"{}/data/surveys/", root().display()),
        )
        .replace("path = \"published/econsultancy-2010.csv\"", "path = \"published.csv\"")
        .replace(
            "path = \"published/",
            &format!("path = \"{}/data/published/", root().display()),
        )
        .replace(
            "targets = \"targets/",
            &format!("targets = \"{}/data/targets/", root().display()),
        );
    std::fs::write(dir.path().join("study.toml"), config).unwrap();
    let out = deptshare(&["reproduce", "--config", dir.path().join("study.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("not reproduced: econsultancy 2010 pr published 22%"),
        "{message}"
    );
    assert!(message.contains("published.csv:"), "{message}");
    assert!(stdout(&out).contains("MISSED"), "{}", stdout(&out));

    // `run` writes its outputs and still fails on a missed figure.
    let out_dir = dir.path().join("out");
    let config = dir.path().join("study.toml");
    let out = deptshare(&[
        "run",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not reproduced: econsultancy 2010 pr published 22%"),
        "{}",
        stderr(&out)
    );
    assert!(out_dir.join("report.html").is_file());
}

#[test]
fn chart_command_writes_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("bar.svg");
    let out = deptshare(&[
        "chart",
        "bar",
        &fixture("multi.csv"),
        "--multi",
        "--out",
        svg.to_str().unwrap(),
        "--title",
        "Fixture",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read(&svg).unwrap();
    golden(&root().join("tests/data/golden/bar-multi.svg"), &text);
    let png = dir.path().join("trend.png");
    let out = deptshare(&[
        "chart",
        "trend",
        &fixture("multi.csv"),
        "--multi",
        "--out",
        png.to_str().unwrap(),
        "--lang",
        "de",
        "--size",
        "800x450",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    let out = deptshare(&["chart", "bar", &fixture("multi.csv"), "--out", "x.pdf"]);
    assert_eq!(out.status.code(), Some(2));
}
