//! Issue 13, item 18: what stderr says about the rows read is true under `--base all`, for a wave
//! nobody answered, and for rejects (the first few shown with file, line and reason, and where
//! the rest are).

use crate::*;

fn shares(file: &str, extra: &[&str]) -> std::process::Output {
    let file = fixture(&format!("hostile/{file}"));
    let mut args = vec!["shares", file.as_str(), "--dept-col", "department", "--format", "json"];
    args.extend(extra);
    let out = deptshare(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

#[test]
fn under_base_all_the_no_answers_are_said_to_be_in_the_base() {
    let answered = shares("unanswered-wave.csv", &[]);
    assert!(
        stderr(&answered).contains("no answer 2 (not in the base)"),
        "{}",
        stderr(&answered)
    );
    let all = shares("unanswered-wave.csv", &["--base", "all"]);
    let message = stderr(&all);
    assert!(!message.contains("not in the base"), "{message}");
    assert!(message.contains("no answer 2 (in the base: --base all)"), "{message}");
}

#[test]
fn a_wave_nobody_answered_has_no_shares_and_no_group_share_under_either_base() {
    for base in ["answered", "all"] {
        let out = shares("unanswered-wave.csv", &["--base", base]);
        let results = json(&out);
        let in_2024: Vec<_> = results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["wave"] == 2024)
            .collect();
        assert!(in_2024.is_empty(), "{base}: {in_2024:?}");
        // 2023 is whole: marketing, pr, sales and the group.
        assert_eq!(estimate(&results, 2023, "communications")["share"], 2.0 / 3.0, "{base}");
        let message = stderr(&out);
        assert!(
            message.contains("wave 2024: none of its 2 respondents answered the question, so it has no shares"),
            "{base}: {message}"
        );
    }
}

#[test]
fn the_first_rejects_are_shown_and_the_rest_are_in_the_file_named() {
    // Lines 3, 5, 6, 7, 8, 9 and 10 are rejected (wave, wave, wave, ragged, empty id, duplicate, wave).
    let out = shares("many-rejects.csv", &[]);
    assert_eq!(json(&out)["ingest"]["rows_rejected"], 7);
    let message = stderr(&out);
    assert!(
        message.contains("many-rejects.csv:3: wave `20x4` is not a whole number"),
        "{message}"
    );
    assert!(message.contains("many-rejects.csv:8: empty respondent id"), "{message}");
    assert!(
        !message.contains("many-rejects.csv:9:"),
        "only the first five: {message}"
    );
    assert!(message.contains("and 2 more"), "{message}");
    assert!(message.contains("--rejects FILE"), "{message}");
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("rejects.csv");
    let out = shares("many-rejects.csv", &["--rejects", file.to_str().unwrap()]);
    assert!(
        stderr(&out).contains(&format!("all 7 are in {}", file.display())),
        "{}",
        stderr(&out)
    );
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let lines: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert_eq!(lines, ["3", "5", "6", "7", "8", "9", "10"]);
}

/// Every file under `dir` with its bytes, by name.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    super::snapshot(dir).into_iter().collect()
}

#[test]
fn a_run_from_another_folder_writes_the_same_bytes() {
    let work = tempfile::tempdir().unwrap();
    let config = fixture("hostile/paths.toml");
    let runs = [
        (root(), "tests/data/hostile/paths.toml".to_string(), "a"),
        (root().join("tests/data/hostile"), "paths.toml".to_string(), "b"),
        (work.path().to_path_buf(), config.clone(), "c"),
    ];
    let mut outputs = Vec::new();
    for (cwd, config, name) in &runs {
        let out = work.path().join(name);
        let run = deptshare_in(cwd, &["run", "--config", config, "--out", out.to_str().unwrap()]);
        assert!(run.status.success(), "{name}: {}", stderr(&run));
        outputs.push(tree(&out));
    }
    let rejects = String::from_utf8(outputs[0]["rejects.csv"].clone()).unwrap();
    assert!(rejects.contains("\nmany-rejects.csv,3,"), "{rejects}");
    let manifest = String::from_utf8(outputs[0]["manifest.json"].clone()).unwrap();
    assert!(!manifest.contains("tests/data"), "{manifest}");
    for (i, other) in outputs.iter().enumerate().skip(1) {
        for (file, bytes) in &outputs[0] {
            assert!(
                other.get(file) == Some(bytes),
                "{file} differs between run a and run {}:\n{}\n---\n{}",
                runs[i].2,
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(other.get(file).map_or(&[][..], |b| &b[..]))
            );
        }
        assert_eq!(other.len(), outputs[0].len());
    }
}
