//! Issue 13, item 17: settings that cannot work are refused before any work, as a usage error
//! (exit 2) on the command line and naming the file (and line, where there is one) in a config.

use crate::*;

#[test]
fn an_fpc_without_weights_and_an_empty_multi_separator_are_usage_errors() {
    let file = fixture("design/single.csv");
    let cases: [&[&str]; 2] = [&["--fpc-col", "fpc"], &["--multi", "--multi-sep", ""]];
    for extra in cases {
        let mut args = vec!["shares", file.as_str()];
        args.extend(extra);
        let out = deptshare(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(extra[extra.len() - 2]), "{}", stderr(&out));
    }
}

/// A run of a config fixture that must be refused: exit 1, nothing written, the file named.
fn refused(config: &str) -> String {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let run = deptshare(&["run", "--config", &fixture(config), "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{config}: {}", stderr(&run));
    assert!(!out.exists(), "{config}: something was written");
    let message = stderr(&run);
    let name = config.rsplit('/').next().unwrap();
    assert!(message.contains(name), "{config}: {message}");
    message
}

#[test]
fn contradictory_or_empty_config_settings_are_refused_naming_the_file() {
    let cases = [
        ("hostile/wave-and-wave-col.toml", "wave_col"),
        ("hostile/empty-multi-sep.toml", "multi_sep"),
        ("hostile/fpc-without-weight.toml", "weight_col"),
        ("hostile/duplicate-category.toml", "`social` is declared twice"),
        ("hostile/empty-category.toml", "empty category id"),
    ];
    for (config, expected) in cases {
        let message = refused(config);
        assert!(message.contains(expected), "{config}: {message}");
    }
}

#[test]
fn a_misspelt_setting_is_refused_with_its_line_and_column() {
    // The column of the value: `ci = "` and `base = "` end at 6 and 8.
    for (config, column, word) in [
        ("hostile/typo-ci.toml", 6, "wilsn"),
        ("hostile/typo-base.toml", 8, "everyone"),
    ] {
        let message = refused(config);
        assert!(
            message.contains(&format!("line 10, column {column}")),
            "{config}: {message}"
        );
        assert!(message.contains(word), "{config}: {message}");
    }
}
