//! Hostile inputs (issue 13): files outside the output folder, deleted user files, outputs left
//! half-written, respondents lost to a guessed header row. Each case is a fixture under
//! `tests/data/hostile/`.

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
