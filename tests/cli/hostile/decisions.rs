//! Issue 13, item 20: inputs that are arguably fine, each decided and said out loud: a header
//! naming a used column twice, a Qualtrics `Finished` that is neither 1/True nor 0/False, waves
//! that are no year (`0`, `-2024`) or look like a two-digit one (`24`), and a count table without n.

use crate::*;

fn shares(file: &str, extra: &[&str]) -> std::process::Output {
    let file = fixture(&format!("hostile/{file}"));
    let mut args = vec!["shares", file.as_str(), "--format", "json"];
    args.extend(extra);
    deptshare(&args)
}

#[test]
fn a_header_naming_a_used_column_twice_is_refused() {
    for extra in [&[][..], &["--dept-col", "department"][..]] {
        let out = shares("duplicate-header.csv", extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", stdout(&out));
        let message = stderr(&out);
        assert!(message.contains("duplicate-header.csv"), "{message}");
        assert!(
            message.contains("`department` is the name of columns 3 and 4"),
            "{message}"
        );
    }
    // A repeated name the tool does not read is no problem, nor are blank names (continuation
    // columns of a SurveyMonkey export read as a plain CSV), one of which may hold the departments.
    for file in ["duplicate-unused-header.csv", "blank-header-names.csv"] {
        let out = shares(file, &[]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        assert_eq!(json(&out)["ingest"]["rows_accepted"], 2, "{file}");
    }
}

#[test]
fn a_finished_flag_that_says_neither_counts_as_unfinished() {
    // R_1 (1) and R_2 (True) finished; R_3 (0), R_4 (maybe) and R_5 (empty) did not.
    let out = shares("qualtrics-finished-maybe.csv", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(results["ingest"]["rows_accepted"], 2);
    assert_eq!(results["ingest"]["incomplete"], 3);
    assert_eq!(estimate(&results, 2024, "marketing")["n"], 2);
    assert!(
        stderr(&out).contains(":8: incomplete response (Finished is not 1/True)"),
        "{}",
        stderr(&out)
    );
    let kept = shares("qualtrics-finished-maybe.csv", &["--include-incomplete"]);
    assert_eq!(json(&kept)["ingest"]["rows_accepted"], 5);
}

#[test]
fn waves_below_one_are_rejected_and_two_digit_ones_are_warned_about() {
    let out = shares("odd-waves.csv", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(results["ingest"]["rows_rejected"], 2);
    let message = stderr(&out);
    assert!(
        message.contains("odd-waves.csv:4: wave `0` is not a year or wave number"),
        "{message}"
    );
    assert!(message.contains("odd-waves.csv:5: wave `-2024`"), "{message}");
    assert!(message.contains("waves 24 and 2023"), "{message}");
    assert_eq!(estimate(&results, 24, "marketing")["n"], 2);
    for wave in ["0", "-2024"] {
        let out = deptshare(&["shares", &fixture("hostile/two-depts.csv"), "--wave", wave]);
        assert_eq!(out.status.code(), Some(2), "--wave {wave}: {}", stderr(&out));
    }
}

#[test]
fn a_count_table_without_n_says_its_n_is_inferred() {
    let out = shares("counts-without-n.csv", &["--format-in", "aggregate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    // n = 30 + 20 + 50.
    let marketing = estimate(&results, 2024, "marketing");
    assert_eq!(marketing["n"], 100);
    close(&marketing["share"], 0.3, 1e-12);
    let warning = "counts-without-n.csv: wave 2024 publishes no n: n = 100 is inferred";
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    let warnings = results["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w.as_str().unwrap().contains(warning)),
        "{warnings:?}"
    );
}
