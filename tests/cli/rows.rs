//! One set of row rules (`src/ingest/rules.rs`): the same awkward rows give the same respondents,
//! the same rejects (line and reason) and the same counts whether a plain CSV is read by the
//! careful reader or by the large-file path cut into blocks, or the rows come in a Qualtrics export.
//! The expected values are worked out by hand from the fixtures, not taken from a run.
//! `shapes` does the same for encodings, comment lines, stray quotes and carriage returns.

mod shapes;

use std::process::{Command, Output};

use serde_json::Value;

use crate::{fixture, json, root, stderr};

const MIN_BYTES_VAR: &str = "DEPTSHARE_FAST_PATH_MIN_BYTES";
const BLOCK_BYTES_VAR: &str = "DEPTSHARE_BLOCK_BYTES";
const NOTE: &str = "read by the large-file path";

/// The design columns both fixtures share, as `shares` flags.
const DESIGN: [&str; 12] = [
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
    "--lonely-psu",
    "adjust",
];

/// The same, as the TOML lines of a study input.
const DESIGN_TOML: &str = "weight_col = \"weight\"\nstrata_col = \"region\"\npsu_col = \"psu\"\n\
                           fpc_col = \"fpc\"\nby = \"size\"";

/// How a run reads its file: the large-file path off, or forced in blocks of about `n` bytes
/// (`None`: its default size, the fixture in one block).
#[derive(Clone, Copy, Debug)]
enum Reader {
    Careful,
    Blocks(Option<usize>),
}

const READERS: [Reader; 5] = [
    Reader::Careful,
    Reader::Blocks(None),
    Reader::Blocks(Some(1)),
    Reader::Blocks(Some(7)),
    Reader::Blocks(Some(64)),
];

fn run(reader: Reader, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deptshare"));
    command.args(args).current_dir(root()).env_remove(BLOCK_BYTES_VAR);
    match reader {
        Reader::Careful => command.env(MIN_BYTES_VAR, "never"),
        Reader::Blocks(None) => command.env(MIN_BYTES_VAR, "0"),
        Reader::Blocks(Some(n)) => command.env(MIN_BYTES_VAR, "0").env(BLOCK_BYTES_VAR, n.to_string()),
    };
    command.output().expect("the binary runs")
}

/// `shares --format json` of `file`, and whether the large-file path read it.
fn shares(reader: Reader, file: &str) -> (Value, bool) {
    let mut args = vec!["shares", file];
    args.extend(DESIGN);
    args.extend(["--format", "json"]);
    let out = run(reader, &args);
    assert!(out.status.success(), "{reader:?} {file}: {}", stderr(&out));
    (json(&out), stderr(&out).contains(NOTE))
}

/// The rejects.csv `run` writes for `file`: (line, reason).
fn rejects(reader: Reader, file: &str) -> Vec<(u64, String)> {
    rejects_with(reader, file, DESIGN_TOML)
}

/// The rejects.csv `run` writes for `file` read with `options` (TOML lines of the input).
fn rejects_with(reader: Reader, file: &str, options: &str) -> Vec<(u64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("study.toml");
    let study = format!(
        "title = \"t\"\n[estimation]\nlonely_psu = \"adjust\"\n[charts]\nlangs = []\n\
         [[inputs]]\nstudy = \"s\"\ntitle = \"s\"\npath = \"{file}\"\n{options}\n"
    );
    std::fs::write(&config, study).unwrap();
    let out_dir = dir.path().join("out");
    let config = config.to_str().unwrap();
    let out = run(
        reader,
        &["run", "--quiet", "--config", config, "--out", out_dir.to_str().unwrap()],
    );
    assert!(out.status.success(), "{reader:?} {file}: {}", stderr(&out));
    let text = std::fs::read_to_string(out_dir.join("rejects.csv")).unwrap();
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[0], file);
            (r[1].parse().unwrap(), r[2].to_string())
        })
        .collect()
}

/// The rejects of `tests/data/rows/awkward.csv`, by line (the header is line 1). The Qualtrics
/// export holds the same data rows under three header rows: two lines further down.
const AWKWARD_REJECTS: [(u64, &str); 12] = [
    (4, "ragged row: 8 fields where the header has 9"),
    (5, "wave `20x3` is not a whole number"),
    (6, "empty respondent id"),
    (7, "duplicate respondent `R_1` in wave 2023"),
    (8, "weight `abc` is not a number"),
    (9, "weight `0` is not above zero"),
    (10, "weight `-1` is not above zero"),
    (11, "missing weight"),
    (12, "empty stratum"),
    (13, "empty psu"),
    (14, "fpc `x` is not a positive number"),
    // R_6 took its id on line 9 although its weight was refused there.
    (17, "duplicate respondent `R_6` in wave 2023"),
];

fn expected_rejects(offset: u64) -> Vec<(u64, String)> {
    AWKWARD_REJECTS
        .iter()
        .map(|(line, reason)| (line + offset, reason.to_string()))
        .collect()
}

fn estimate<'a>(out: &'a Value, wave: i64, segment: Option<&str>, category: &str) -> &'a Value {
    let segment = segment.map_or(Value::Null, |s| Value::String(s.to_string()));
    out["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["wave"] == wave && e["segment"] == segment && e["category"] == category)
        .unwrap_or_else(|| panic!("no estimate {wave} {segment} {category}"))
}

/// The respondents the rules keep (lines 2, 3, 15, 16, 18 to 22), worked out by hand.
fn check_respondents(out: &Value, at: &str) {
    let ingest = &out["ingest"];
    let counts = ["rows_read", "rows_accepted", "rows_rejected", "no_answer", "incomplete"].map(|k| &ingest[k]);
    assert_eq!(counts, [21, 9, 12, 1, 0].map(Value::from).each_ref(), "{at}");
    // 2023 answered: R_1 Marketing 1.5, R_2 PR 2, R_12 Sales 1, R_14 PR 1 (R_13 gave no answer).
    // 2024: R_15 Sales 0.5 (decimal comma), R_1 Marketing 1 (a panel, not a duplicate), R_16 PR 2,
    // R_17 Marketing 1.
    #[allow(clippy::type_complexity)] // one row of expected numbers per case
    let cases: [(i64, Option<&str>, &str, u64, f64, u64, f64); 7] = [
        (2023, None, "marketing", 4, 5.5, 1, 1.5 / 5.5),
        (2023, None, "pr", 4, 5.5, 2, 3.0 / 5.5),
        (2023, None, "communications", 4, 5.5, 3, 4.5 / 5.5),
        // R_12's empty size cell: kept, in the segment `(missing)`.
        (2023, Some("(missing)"), "sales", 1, 1.0, 1, 1.0),
        (2023, Some("small"), "pr", 2, 3.0, 2, 1.0),
        (2024, None, "marketing", 4, 4.5, 2, 2.0 / 4.5),
        (2024, Some("large"), "pr", 2, 2.5, 1, 0.8),
    ];
    for (wave, segment, category, n, n_weighted, count, share) in cases {
        let e = estimate(out, wave, segment, category);
        let what = format!("{at}: {wave} {segment:?} {category}");
        assert_eq!((&e["n"], &e["count"]), (&Value::from(n), &Value::from(count)), "{what}");
        crate::close(&e["n_weighted"], n_weighted, 1e-12);
        crate::close(&e["share"], share, 1e-12);
    }
    let segments: std::collections::BTreeSet<String> = out["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["segment"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        segments,
        ["(missing)", "large", "small"].map(String::from).into(),
        "{at}"
    );
}

/// Equal JSON, numbers to 1e-12 (block sums round differently in the last bits).
fn same(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{at}: {x} != {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                same(x, y, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}: keys");
            x.iter().for_each(|(k, v)| same(v, &y[k], &format!("{at}.{k}")));
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[test]
fn awkward_rows_give_the_same_respondents_in_every_reader() {
    let csv = fixture("rows/awkward.csv");
    let qualtrics = fixture("rows/awkward-qualtrics.csv");
    let (expected, _) = shares(Reader::Careful, &csv);
    check_respondents(&expected, "careful");
    for reader in READERS {
        let (out, fast) = shares(reader, &csv);
        assert_eq!(fast, matches!(reader, Reader::Blocks(_)), "{reader:?}");
        check_respondents(&out, &format!("{reader:?}"));
        same(
            &expected["estimates"],
            &out["estimates"],
            &format!("{reader:?} estimates"),
        );
        // A survey-tool export is always read by the careful reader.
        let (out, fast) = shares(reader, &qualtrics);
        assert!(!fast, "{reader:?} qualtrics");
        check_respondents(&out, &format!("{reader:?} qualtrics"));
        same(
            &expected["estimates"],
            &out["estimates"],
            &format!("{reader:?} qualtrics estimates"),
        );
    }
}

#[test]
fn awkward_rows_are_rejected_at_the_same_lines_for_the_same_reasons() {
    let csv = fixture("rows/awkward.csv");
    let qualtrics = fixture("rows/awkward-qualtrics.csv");
    for reader in [Reader::Careful, Reader::Blocks(None), Reader::Blocks(Some(1))] {
        assert_eq!(rejects(reader, &csv), expected_rejects(0), "{reader:?}");
    }
    assert_eq!(rejects(Reader::Careful, &qualtrics), expected_rejects(2), "qualtrics");
}

#[test]
fn strict_names_the_first_rejected_row_in_every_reader() {
    let csv = fixture("rows/awkward.csv");
    let qualtrics = fixture("rows/awkward-qualtrics.csv");
    let cases = [
        (Reader::Careful, &csv, 4),
        (Reader::Blocks(Some(7)), &csv, 4),
        (Reader::Careful, &qualtrics, 6),
    ];
    for (reader, file, line) in cases {
        let mut args = vec!["shares", file.as_str(), "--strict"];
        args.extend(DESIGN);
        let out = run(reader, &args);
        assert_eq!(out.status.code(), Some(1), "{reader:?} {file}");
        let expected = format!("{file}:{line}: rejected row (--strict): ragged row: 8 fields where the header has 9");
        assert!(stderr(&out).contains(&expected), "{reader:?}: {}", stderr(&out));
    }
}
