//! Hostile inputs (issue 13): files outside the output folder, deleted user files, outputs left
//! half-written, respondents lost to a guessed header row. Each case is a fixture under
//! `tests/data/hostile/`.

mod account;
mod decimal;
mod decisions;
mod outputs;
mod usage;

use std::path::Path;

use crate::*;

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

/// A run of `config` (a fixture) into `work/a/b/c/out`, deep enough for `../../..` to land inside `work`.
fn run_deep(config: &str) -> (tempfile::TempDir, std::process::Output) {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("a/b/c/out");
    let output = deptshare_in(
        work.path(),
        &["run", "--config", &fixture(config), "--out", out.to_str().unwrap()],
    );
    (work, output)
}

#[test]
fn a_study_id_that_climbs_out_of_the_output_folder_is_refused_with_its_line() {
    let (work, out) = run_deep("hostile/traversal/study.toml");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("study.toml"), "{message}");
    assert!(message.contains("line 8"), "{message}");
    assert!(message.contains("../../../escaped"), "{message}");
    assert_eq!(files_under(work.path()), Vec::<String>::new(), "nothing may be written");
}

#[test]
fn a_study_column_that_climbs_out_is_refused_naming_the_file_and_line() {
    let (work, out) = run_deep("hostile/traversal/published-input.toml");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("traversal-published.csv:4"), "{message}");
    assert!(message.contains("../../escaped"), "{message}");
    assert_eq!(files_under(work.path()), Vec::<String>::new(), "nothing may be written");
    let shares = deptshare(&[
        "shares",
        &fixture("hostile/traversal-published.csv"),
        "--format-in",
        "aggregate",
    ]);
    assert_eq!(shares.status.code(), Some(1));
    assert!(
        stderr(&shares).contains("traversal-published.csv:4"),
        "{}",
        stderr(&shares)
    );
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

fn run_into(config: &str, out: &Path) -> std::process::Output {
    deptshare(&["run", "--config", &fixture(config), "--out", out.to_str().unwrap()])
}

/// Files of the user's own in an output folder, and one beside it.
fn user_files(work: &Path) -> Vec<(&'static str, &'static str)> {
    let files = [
        ("out/thesis.docx", "my thesis"),
        ("out/notes/plan.txt", "my plan"),
        ("out/charts/thesis.docx", "a copy"),
        ("out/charts/x-bar.en.docx", "another"),
        ("out/report.md.bak", "old report"),
        ("outside.txt", "not yours"),
    ];
    for (name, text) in files {
        let path = work.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    files.to_vec()
}

#[test]
fn a_foreign_or_forged_manifest_deletes_no_file_of_the_user() {
    for manifest in ["hostile/foreign-manifest.json", "hostile/forged-manifest.json"] {
        let work = tempfile::tempdir().unwrap();
        let files = user_files(work.path());
        let out = work.path().join("out");
        std::fs::copy(fixture(manifest), out.join("manifest.json")).unwrap();
        let run = run_into("hostile/small-a.toml", &out);
        assert!(run.status.success(), "{}", stderr(&run));
        for (name, text) in files {
            let kept = std::fs::read_to_string(work.path().join(name));
            assert_eq!(kept.ok().as_deref(), Some(text), "{manifest} removed {name}");
        }
    }
}

#[test]
fn duplicate_chart_languages_are_refused_before_anything_is_written() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let run = run_into("hostile/duplicate-langs.toml", &out);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let message = stderr(&run);
    assert!(message.contains("duplicate-langs.toml"), "{message}");
    assert!(message.contains("langs") && message.contains("`en`"), "{message}");
    assert_eq!(files_under(work.path()), Vec::<String>::new());
}

#[test]
fn a_run_that_fails_while_writing_leaves_the_previous_outputs_whole() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    assert!(run_into("hostile/small-a.toml", &out).status.success());
    // Something in the way of one output: a folder where tests.csv goes.
    std::fs::remove_file(out.join("tests.csv")).unwrap();
    std::fs::create_dir(out.join("tests.csv")).unwrap();
    std::fs::write(out.join("tests.csv/keep.txt"), "mine").unwrap();
    let before = snapshot(work.path());
    let run = run_into("hostile/small-b.toml", &out);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("tests.csv"), "{}", stderr(&run));
    assert!(
        snapshot(work.path()) == before,
        "the old outputs changed or temporary files were left"
    );
}

#[test]
fn a_rerun_swaps_the_whole_set_and_cleans_staging_a_killed_run_left() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    // What a run killed while writing leaves beside the folder (no process has this id).
    let stale = work.path().join(".out.deptshare-staging-4000000000");
    std::fs::create_dir_all(stale.join("new/charts")).unwrap();
    std::fs::write(stale.join("new/report.md"), "half").unwrap();
    assert!(run_into("hostile/small-a.toml", &out).status.success());
    let first = snapshot(&out);
    let b = run_into("hostile/small-b.toml", &out);
    assert!(b.status.success(), "{}", stderr(&b));
    assert_ne!(snapshot(&out), first);
    assert_eq!(
        files_under(work.path())
            .iter()
            .filter(|f| !f.starts_with("out/"))
            .count(),
        0
    );
    assert!(!stale.exists());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("Small study (b)"), "{report}");
}

#[test]
fn a_tool_export_without_its_extra_header_rows_loses_no_respondent() {
    for file in ["qualtrics-header-only-tags.csv", "surveymonkey-one-header.csv"] {
        let out = deptshare(&["shares", &fixture(&format!("hostile/{file}")), "--format", "json"]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let results = json(&out);
        assert_eq!(results["ingest"]["rows_read"], 3, "{file}");
        assert_eq!(results["ingest"]["rows_accepted"], 3, "{file}");
        let marketing = estimate(&results, 2022 + i64::from(file.starts_with('q')), "marketing");
        assert_eq!(marketing["n"], 3, "{file}");
        assert_eq!(marketing["count"], 2, "{file}");
    }
}

#[test]
fn a_level_outside_half_to_one_is_refused_not_a_panic() {
    let file = fixture("hostile/two-depts.csv");
    for level in ["1e-17", "0.3", "1", "NaN"] {
        let out = deptshare(&["shares", &file, "--ci", "korn-graubard", "--level", level]);
        assert_eq!(out.status.code(), Some(2), "{level}: {}", stderr(&out));
        assert!(stderr(&out).contains("--level"), "{}", stderr(&out));
    }
    let help = stdout(&deptshare(&["shares", "--help"]));
    assert!(help.contains("at least 0.5 and below 1"), "{help}");
    let work = tempfile::tempdir().unwrap();
    let run = run_into("hostile/tiny-level.toml", &work.path().join("out"));
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("tiny-level.toml: estimation.level 1e-17 is not at least 0.5"),
        "{}",
        stderr(&run)
    );
}

/// Issue 13, item 12: `inspect` split every record once per question (10,000 columns x 100 rows:
/// over two minutes in a debug build, 8 s after). A wide file is described, its department
/// column found; the time is not asserted (benchmarks measure speed, tests what comes out).
#[test]
fn inspect_describes_a_file_of_thousands_of_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("respondent,year,department");
    for i in 0..3000 {
        text.push_str(&format!(",q{i}"));
    }
    text.push('\n');
    for r in 0..60 {
        text.push_str(&format!("r{r},2024,{}", ["Marketing", "PR", "Sales"][r % 3]));
        for i in 0..3000 {
            text.push_str(&format!(",{}", (r + i) % 5 + 1));
        }
        text.push('\n');
    }
    std::fs::write(dir.path().join("wide.csv"), text).unwrap();
    let out = super::deptshare_in(dir.path(), &["inspect", "wide.csv"]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    let report = super::stdout(&out);
    assert!(
        report.contains("questions (3003)"),
        "{}",
        &report[..report.len().min(2000)]
    );
    assert!(
        report.contains("department question candidate: department"),
        "{}",
        &report[report.len().saturating_sub(2000)..]
    );
}

/// Weights written with three decimals in a comma-delimited file (238.506) read as decimal points:
/// no unquoted cell there holds a comma, so a thousands point is impossible. Found when the
/// benchmark file (bench/generate.py) had every row rejected as an unsettled decimal mark.
#[test]
fn three_decimal_weights_in_a_comma_file_are_decimal_points() {
    let dir = tempfile::tempdir().unwrap();
    let text = "respondent,wave,department,weight\n1,2024,Marketing,238.506\n2,2024,PR,91.645\n3,2024,PR,304.451\n";
    std::fs::write(dir.path().join("w.csv"), text).unwrap();
    for env in ["0", "never"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_deptshare"))
            .args(["shares", "w.csv", "--weight-col", "weight", "--format", "json"])
            .env("DEPTSHARE_FAST_PATH_MIN_BYTES", env)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", super::stderr(&out));
        let results = super::json(&out);
        assert_eq!(results["ingest"]["rows_accepted"], 3, "{env}: {}", super::stderr(&out));
        // By hand: marketing 238.506 / (238.506 + 91.645 + 304.451).
        let share = super::estimate(&results, 2024, "marketing")["share"].as_f64().unwrap();
        assert!((share - 238.506 / 634.602).abs() < 1e-12, "{share}");
    }
}
