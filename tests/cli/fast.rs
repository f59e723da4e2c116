//! The large-file path (`src/ingest/stream`), forced on small fixtures with
//! DEPTSHARE_FAST_PATH_MIN_BYTES=0, gives what the careful reader gives: the same estimates (to
//! 1e-12), the same rejects at the same lines, the same errors. DEPTSHARE_BLOCK_BYTES cuts the
//! fixtures into blocks of a few bytes, so records, quotes and duplicate keys straddle blocks.

mod coded;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::{estimate, fixture, json, root, stderr};

const NOTE: &str = "read by the large-file path";
const MIN_BYTES_VAR: &str = "DEPTSHARE_FAST_PATH_MIN_BYTES";
const BLOCK_BYTES_VAR: &str = "DEPTSHARE_BLOCK_BYTES";

/// Which reader a run uses.
#[derive(Clone, Copy, Debug)]
enum Reader {
    /// The large-file path turned off.
    Careful,
    /// The large-file path forced with its default block size: a fixture is one block.
    Whole,
    /// The large-file path forced, cutting the file into blocks of about this many bytes.
    Blocks(usize),
}

/// The large-file path as it runs on real files (one block here), and in tiny blocks: every
/// record its own block, and blocks that end inside records, quotes and line breaks.
const FAST: [Reader; 3] = [Reader::Whole, Reader::Blocks(1), Reader::Blocks(64)];

impl Reader {
    fn command(self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_deptshare"));
        command.args(args).current_dir(root()).env_remove(BLOCK_BYTES_VAR);
        match self {
            Reader::Careful => command.env(MIN_BYTES_VAR, "never"),
            Reader::Whole => command.env(MIN_BYTES_VAR, "0"),
            Reader::Blocks(n) => command.env(MIN_BYTES_VAR, "0").env(BLOCK_BYTES_VAR, n.to_string()),
        };
        command
    }

    fn run(self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }
}

/// Equal JSON, numbers to 1e-12 (sums taken block by block round differently in the last bits).
fn same(a: &Value, b: &Value, at: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{at}: {x} != {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            x.iter()
                .zip(y)
                .enumerate()
                .for_each(|(i, (x, y))| same(x, y, &format!("{at}[{i}]")));
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>(), "{at}: keys");
            x.iter().for_each(|(k, v)| same(v, &y[k], &format!("{at}.{k}")));
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// The careful reader and the large-file path (which must read the file) agree on `args`.
fn both_paths(args: &[&str]) -> Value {
    agree(args, &FAST, true)
}

/// Runs `args` with the careful reader and with each of `readers`: every run succeeds, the note
/// is there exactly when `taken`, and the JSON equals the careful reader's. Returns the careful JSON.
fn agree(args: &[&str], readers: &[Reader], taken: bool) -> Value {
    let careful = Reader::Careful.run(args);
    assert!(careful.status.success(), "{}", stderr(&careful));
    assert!(!stderr(&careful).contains(NOTE));
    let expected = json(&careful);
    for reader in readers {
        let out = reader.run(args);
        assert!(out.status.success(), "{reader:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).contains(NOTE), taken, "{reader:?}: {}", stderr(&out));
        same(&expected, &json(&out), &format!("{reader:?} $"));
    }
    expected
}

/// The last line of stderr: the error, naming file and line.
fn last_line(out: &Output) -> String {
    stderr(out).lines().last().unwrap_or_default().to_string()
}

/// Runs `args`, which must fail, with the careful reader and each of `readers`: the same error.
fn same_error(args: &[&str], readers: &[Reader]) -> String {
    let careful = Reader::Careful.run(args);
    assert!(!careful.status.success(), "{}", stderr(&careful));
    let expected = last_line(&careful);
    for reader in readers {
        let out = reader.run(args);
        assert!(!out.status.success(), "{reader:?}: {}", stderr(&out));
        assert_eq!(last_line(&out), expected, "{reader:?}");
    }
    expected
}

/// A reject as `run` lists it in rejects.csv.
type Reject = (u64, String);

/// The rejects.csv of `run` on `file` with `options` (TOML lines of the input), and whether the
/// large-file path read it. Charts are off (`langs = []`) to keep the run fast.
fn rejects_of(reader: Reader, file: &str, options: &str) -> (Vec<Reject>, bool) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("study.toml");
    let study = format!(
        "title = \"t\"\n[estimation]\nlonely_psu = \"adjust\"\n[charts]\nlangs = []\n\
         [[inputs]]\nstudy = \"s\"\ntitle = \"s\"\npath = \"{file}\"\n{options}\n"
    );
    std::fs::write(&config, study).unwrap();
    let out_dir = dir.path().join("out");
    let out = reader.run(&[
        "run",
        "--quiet",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{reader:?}: {}", stderr(&out));
    let text = std::fs::read_to_string(out_dir.join("rejects.csv")).unwrap();
    let rejects = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[0], file);
            (r[1].parse().unwrap(), r[2].to_string())
        })
        .collect();
    (rejects, stderr(&out).contains(NOTE))
}

/// The rejects of `file` by the careful reader and by each of `readers` (the large-file path
/// reading it exactly when `taken`) are the same; returns them.
fn same_rejects(file: &str, options: &str, readers: &[Reader], taken: bool) -> Vec<Reject> {
    let (expected, careful_taken) = rejects_of(Reader::Careful, file, options);
    assert!(!careful_taken);
    for reader in readers {
        let (rejects, fast_taken) = rejects_of(*reader, file, options);
        assert_eq!(fast_taken, taken, "{reader:?}");
        assert_eq!(rejects, expected, "{reader:?}");
    }
    expected
}

fn rejects(list: &[(u64, &str)]) -> Vec<Reject> {
    list.iter().map(|(line, reason)| (*line, reason.to_string())).collect()
}

fn count(value: &Value) -> u64 {
    value.as_u64().unwrap_or_else(|| panic!("{value} is not a count"))
}

#[test]
fn bad_rows_agree() {
    // A bad wave, a row with more fields than the header and a duplicate: the large-file path
    // reads the file (the old polars reader could not) and rejects the same rows.
    let file = fixture("bad-rows.csv");
    let out = both_paths(&["shares", &file, "--format", "json"]);
    assert_eq!(out["ingest"]["rows_rejected"], 3);
    let expected = rejects(&[
        (3, "wave `twenty` is not a whole number"),
        (4, "ragged row: 4 fields where the header has 3"),
        (5, "duplicate respondent `1` in wave 2020"),
    ]);
    assert_eq!(same_rejects(&file, "", &FAST, true), expected);
}

#[test]
fn multi_choice_agrees() {
    let out = both_paths(&["shares", &fixture("multi.csv"), "--multi", "--format", "json"]);
    assert_eq!(out["ingest"]["no_answer"], 1);
}

#[test]
fn multi_choice_with_no_answers_in_the_base_agrees_in_tiny_blocks() {
    let file = fixture("multi.csv");
    let [answered, all] = ["answered", "all"].map(|base| {
        let out = both_paths(&["shares", &file, "--multi", "--base", base, "--format", "json"]);
        let estimates = out["estimates"].as_array().unwrap();
        assert!(estimates.iter().all(|e| e["base"] == base && e["choice"] == "multi"));
        out
    });
    // The respondent without an answer enlarges the base of wave 2021 under --base all.
    assert_eq!(
        count(&all["estimates"][0]["n"]),
        count(&answered["estimates"][0]["n"]) + 1
    );
}

#[test]
fn semicolon_file_with_multi_choice_cells_and_decimal_commas_agrees() {
    // BOM, CRLF, `;` between fields and between labels (so those cells are quoted), weights
    // with decimal commas, a quoted label ending in a line break, no-answers.
    let file = fixture("fast/semicolon-multi.csv");
    for base in ["answered", "all"] {
        let args = [
            "shares",
            &file,
            "--multi",
            "--weight-col",
            "gewicht",
            "--base",
            base,
            "--format",
            "json",
        ];
        let out = both_paths(&args);
        assert_eq!(out["ingest"]["rows_accepted"], 7);
        assert_eq!(out["ingest"]["no_answer"], 2);
    }
}

#[test]
fn design_agrees() {
    let file = fixture("design/single.csv");
    let args = [
        "shares",
        &file,
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
        "--format",
        "json",
    ];
    let out = both_paths(&args);
    assert!(out["estimates"][0]["se"].is_number());
}

/// The design options of `design.rs`'s `chunked_input_gives_the_whole_run_to_1e_12`.
/// The design fixtures' wave and department columns (`design::FULL` adds every design column).
const COLUMNS: [&str; 4] = ["--wave-col", "year", "--dept-col", "department"];

/// Issue 7: a file read in blocks gives the estimates of the file read whole, to 1e-12, with
/// weights, strata, PSUs, fpc and segments (and the careful reader's, too).
#[test]
fn chunked_and_whole_runs_agree_to_1e_12() {
    for (name, multi) in [("design/single.csv", false), ("design/multi.csv", true)] {
        let file = fixture(name);
        let mut args: Vec<&str> = vec!["shares", &file];
        args.extend(COLUMNS);
        args.extend(crate::design::FULL);
        args.extend(["--format", "json"]);
        if multi {
            args.push("--multi");
        }
        let whole = Reader::Whole.run(&args);
        assert!(whole.status.success(), "{}", stderr(&whole));
        assert!(stderr(&whole).contains(NOTE));
        let whole = json(&whole);
        let estimates = whole["estimates"].as_array().unwrap();
        // Design-based estimates by segment: standard errors, design effects and t df.
        assert!(estimates.iter().any(|e| e["segment"] == "small"), "{name}");
        assert!(estimates.iter().any(|e| e["segment"] == "large"), "{name}");
        assert!(
            estimates.iter().all(|e| e["df"].is_number() && e["se"].is_number()),
            "{name}"
        );
        assert!(estimates.iter().any(|e| e["deff"].as_f64().unwrap() != 1.0), "{name}");
        for reader in [Reader::Blocks(1), Reader::Blocks(64), Reader::Blocks(1000)] {
            let chunked = reader.run(&args);
            assert!(chunked.status.success(), "{reader:?}: {}", stderr(&chunked));
            assert!(stderr(&chunked).contains(NOTE), "{reader:?}");
            same(&whole, &json(&chunked), &format!("{name} {reader:?} $"));
        }
        same(&whole, &json(&Reader::Careful.run(&args)), &format!("{name} careful $"));
    }
}

#[test]
fn design_cells_are_rejected_as_the_careful_reader_rejects_them() {
    // Empty stratum and PSU, a zero fpc, bad and missing weights, decimal-comma weights, an
    // empty segment, a no-answer, duplicates (one with a bad weight: a duplicate all the same).
    let file = fixture("fast/design-rows.csv");
    let mut args: Vec<&str> = vec!["shares", &file];
    args.extend(COLUMNS);
    args.extend(crate::design::FULL);
    args.extend(["--lonely-psu", "adjust", "--format", "json"]);
    let out = agree(&args, &FAST, true);
    assert!(
        out["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["segment"] == "(missing)")
    );
    args.extend(["--base", "all"]);
    agree(&args, &FAST, true);
    let options = "wave_col = \"year\"\ndept_col = \"department\"\nweight_col = \"weight\"\n\
                   strata_col = \"region\"\npsu_col = \"psu\"\nfpc_col = \"fpc\"\nby = \"size\"";
    let expected = rejects(&[
        (5, "empty stratum"),
        (6, "empty psu"),
        (7, "fpc `0` is not a positive number"),
        (8, "weight `-1` is not above zero"),
        (9, "missing weight"),
        (14, "duplicate respondent `2` in wave 2023"),
        (19, "duplicate respondent `13` in wave 2024"),
    ]);
    assert_eq!(same_rejects(&file, options, &FAST, true), expected);
}

#[test]
fn awkward_rows_agree() {
    // Empty lines, a row of blank cells, a short row, a quoted newline, duplicates, a bad wave.
    let out = both_paths(&["shares", &fixture("fast/awkward.csv"), "--format", "json"]);
    let ingest = &out["ingest"];
    let read = ingest["rows_read"].as_u64().unwrap();
    assert_eq!(
        read,
        ingest["rows_accepted"].as_u64().unwrap() + ingest["rows_rejected"].as_u64().unwrap()
    );
    assert_eq!(ingest["rows_rejected"], 5);
}

#[test]
fn reject_lines_agree() {
    // --strict names the first rejected row's line: the blank-cell row on line 5.
    let file = fixture("fast/awkward.csv");
    let line = same_error(&["shares", &file, "--strict"], &FAST);
    assert!(line.contains("awkward.csv:5:"), "{line}");
}

/// Every block size from one byte up cuts `quoted-crlf-bom.csv` somewhere else: inside quoted
/// line breaks, between CR and LF, inside escaped quotes, on blank lines.
#[test]
fn quoted_fields_crlf_and_bom_agree_wherever_blocks_are_cut() {
    let file = fixture("fast/quoted-crlf-bom.csv");
    let args = ["shares", &file, "--format", "json"];
    let readers: Vec<Reader> = std::iter::once(Reader::Whole)
        .chain((1..=48).map(Reader::Blocks))
        .chain([Reader::Blocks(64), Reader::Blocks(100), Reader::Blocks(200)])
        .collect();
    let out = agree(&args, &readers, true);
    let ingest = &out["ingest"];
    assert_eq!(count(&ingest["rows_read"]), 16);
    assert_eq!(count(&ingest["rows_rejected"]), 6);
    assert_eq!(count(&ingest["no_answer"]), 1);
    // `"Sales\r\n"` and ` PR ` are trimmed to known labels: 2020 has 4 answers, 2021 has 5.
    let n = |wave: i64| {
        let e = out["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["wave"] == wave)
            .unwrap();
        count(&e["n"])
    };
    assert_eq!((n(2020), n(2021)), (4, 5));
}

#[test]
fn quoted_fields_crlf_and_bom_rejects_are_at_the_careful_lines() {
    let file = fixture("fast/quoted-crlf-bom.csv");
    let readers = [Reader::Whole, Reader::Blocks(1), Reader::Blocks(13), Reader::Blocks(64)];
    let expected = rejects(&[
        (7, "empty row (every cell is blank)"),
        (8, "ragged row: 3 fields where the header has 4"),
        (9, "ragged row: 5 fields where the header has 4"),
        (13, "wave `twenty` is not a whole number"),
        (14, "empty respondent id"),
        (27, "empty row (every cell is blank)"),
    ]);
    assert_eq!(same_rejects(&file, "", &readers, true), expected);
    let line = same_error(&["shares", &file, "--strict"], &readers);
    assert!(
        line.contains("quoted-crlf-bom.csv:7: rejected row (--strict): empty row"),
        "{line}"
    );
}

#[test]
fn duplicates_in_one_block_and_across_blocks_are_rejected_in_file_order() {
    // Respondent 2 twice in a row; 1 again ten lines later; the same ids in wave 2021 (a panel,
    // not duplicates); 2 in 2021 and 7 in 2020 first with a bad weight (rejected for it, and the
    // second as a duplicate); 5 first in a quoted multi-line record.
    let file = fixture("fast/duplicates.csv");
    let args = ["shares", &file, "--weight-col", "weight", "--format", "json"];
    let readers = [Reader::Whole, Reader::Blocks(1), Reader::Blocks(40), Reader::Blocks(64)];
    let out = agree(&args, &readers, true);
    assert_eq!(out["ingest"]["rows_accepted"], 11);
    let expected = rejects(&[
        (4, "duplicate respondent `2` in wave 2020"),
        (7, "weight `0` is not above zero"),
        (8, "duplicate respondent `2` in wave 2021"),
        (13, "duplicate respondent `1` in wave 2020"),
        (14, "weight `x` is not a number"),
        (16, "duplicate respondent `7` in wave 2020"),
        (19, "duplicate respondent `3` in wave 2021"),
        (21, "duplicate respondent `5` in wave 2020"),
    ]);
    assert_eq!(same_rejects(&file, "weight_col = \"weight\"", &readers, true), expected);
}

#[test]
fn rising_numeric_ids_with_a_late_duplicate_agree() {
    // Ids rise within each wave of most blocks (the shortcut that skips the key search) but a
    // later block repeats an early id in each wave; the same ids in 2021 are a panel.
    let file = fixture("fast/rising-ids.csv");
    let readers = [Reader::Whole, Reader::Blocks(1), Reader::Blocks(30), Reader::Blocks(64)];
    let out = agree(&["shares", &file, "--format", "json"], &readers, true);
    assert_eq!(out["ingest"]["rows_accepted"], 37);
    let expected = rejects(&[
        (32, "duplicate respondent `5` in wave 2020"),
        (38, "duplicate respondent `10` in wave 2021"),
        (41, "duplicate respondent `26` in wave 2020"),
    ]);
    assert_eq!(same_rejects(&file, "", &readers, true), expected);
}

#[test]
fn string_ids_that_do_not_rise_agree() {
    // `r10` before `r2`; `r3`, `r03` and ` r3` (the same id once trimmed); `007`, `7` and `07`
    // are three ids; `r2` and `r10` in 2021 are a panel.
    let file = fixture("fast/string-ids.csv");
    let out = both_paths(&["shares", &file, "--format", "json"]);
    assert_eq!(out["ingest"]["rows_accepted"], 13);
    let expected = rejects(&[
        (5, "duplicate respondent `r10` in wave 2020"),
        (8, "duplicate respondent `r2` in wave 2020"),
        (11, "duplicate respondent `r3` in wave 2020"),
        (17, "duplicate respondent `7` in wave 2020"),
    ]);
    assert_eq!(same_rejects(&file, "", &FAST, true), expected);
}

#[test]
fn without_a_respondent_column_rows_are_never_duplicates() {
    // Ids are line numbers: identical rows all count.
    let file = fixture("fast/no-respondent.csv");
    let out = both_paths(&["shares", &file, "--format", "json"]);
    assert_eq!(out["ingest"]["rows_accepted"], 6);
    let expected = rejects(&[
        (8, "empty row (every cell is blank)"),
        (9, "ragged row: 3 fields where the header has 2"),
        (10, "wave `w` is not a whole number"),
    ]);
    assert_eq!(same_rejects(&file, "", &FAST, true), expected);
}

#[test]
fn a_fixed_wave_agrees() {
    let file = fixture("fast/no-wave.csv");
    let out = both_paths(&["shares", &file, "--wave", "2022", "--format", "json"]);
    let estimates = out["estimates"].as_array().unwrap();
    assert!(!estimates.is_empty() && estimates.iter().all(|e| e["wave"] == 2022));
    assert_eq!(out["ingest"]["rows_accepted"], 5);
    let expected = rejects(&[
        (4, "duplicate respondent `1` in wave 2022"),
        (9, "empty respondent id"),
        (10, "ragged row: 3 fields where the header has 2"),
    ]);
    assert_eq!(same_rejects(&file, "wave = 2022", &FAST, true), expected);
}

#[test]
fn irregular_quoting_is_read_as_csv_reads_it() {
    // `5" screen` keeps its quote, `"quoted"after` is `quotedafter` (csv's reading): the block
    // reader cuts the file wherever blocks end and reads what the careful reader reads.
    let file = fixture("fast/irregular-quotes.csv");
    let args = ["shares", &file, "--format", "json"];
    let out = agree(
        &args,
        &[Reader::Whole, Reader::Blocks(1), Reader::Blocks(20), Reader::Blocks(64)],
        true,
    );
    assert_eq!(out["ingest"]["rows_accepted"], 8);
}

#[test]
fn cp1252_bytes_are_decoded_by_the_block_reader() {
    let file = fixture("fast/cp1252.csv");
    let out = agree(&["shares", &file, "--format", "json"], &FAST, true);
    // Öffentlichkeitsarbeit and Geschäftsführung were decoded: every row but two is accepted.
    assert_eq!(out["ingest"]["rows_accepted"], 5);
    let expected = rejects(&[
        (5, "duplicate respondent `3` in wave 2020"),
        (8, "wave `x` is not a whole number"),
    ]);
    assert_eq!(same_rejects(&file, "", &FAST, true), expected);
}

/// A file larger than the 4 MiB head the large-file path checks before it reads: rows with a
/// 200-byte note, then `tail` (bytes) at the end.
fn past_the_head(dir: &Path, tail: &[u8]) -> String {
    let labels = [
        "Marketing",
        "PR",
        "Sales",
        "HR",
        "Customer Service",
        "Öffentlichkeitsarbeit",
    ];
    let note = "n".repeat(200);
    let mut text = String::from("respondent,year,note,department\n");
    let mut id = 0;
    while text.len() < (4 << 20) + 100_000 {
        id += 1;
        text.push_str(&format!("{id},{},{note},{}\n", 2020 + id % 3, labels[id % 6]));
    }
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(tail);
    let path = dir.join("large.csv");
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn invalid_utf8_past_the_head_is_decoded_as_the_careful_reader_decodes_it() {
    // The head is UTF-8, so only the block holding the cp1252 bytes finds out: the whole file's
    // bytes then decide (UTF-8 with a replacement, as for the careful reader) and it is read again.
    let dir = tempfile::tempdir().unwrap();
    let file = past_the_head(dir.path(), b"99999999,2021,x,Gesch\xe4ftsf\xfchrung\n");
    let readers = [Reader::Whole, Reader::Blocks(1 << 20)];
    let out = agree(&["shares", &file, "--format", "json"], &readers, true);
    assert_eq!(out["ingest"]["rows_rejected"], 1);
    let rejects = same_rejects(&file, "", &readers, true);
    let reason = "invalid bytes in column `department` (not valid text)";
    assert_eq!(rejects.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(), [reason]);
}

#[test]
fn a_character_cut_at_the_end_of_the_head_is_read() {
    // `Ö` (two bytes) starts on the last byte of the 4 MiB head.
    let dir = tempfile::tempdir().unwrap();
    let head = 4usize << 20;
    let probe = past_the_head(dir.path(), b"");
    let text = std::fs::read_to_string(&probe).unwrap();
    let cut = text[..head - 300].rfind('\n').unwrap() + 1;
    let prefix = "999999,2021,";
    let pad = "m".repeat(head - 1 - cut - prefix.len());
    let row = format!("{prefix}{pad}Ö,Öffentlichkeitsarbeit\n");
    let bytes = format!("{}{row}{}", &text[..cut], &text[cut..]);
    assert_eq!(&bytes.as_bytes()[head - 1..head + 1], "Ö".as_bytes());
    let path = dir.path().join("cut.csv");
    std::fs::write(&path, bytes).unwrap();
    let file = path.display().to_string();
    let out = agree(
        &["shares", &file, "--format", "json"],
        &[Reader::Whole, Reader::Blocks(1 << 20)],
        true,
    );
    assert_eq!(out["ingest"]["rows_rejected"], 0);
}

#[test]
fn unknown_label_line_agrees() {
    for name in ["unknown-label.csv", "blank-lines.csv"] {
        let line = same_error(&["shares", &fixture(name)], &FAST);
        assert!(line.contains("unknown department"), "{line}");
    }
}

#[test]
fn the_first_unknown_label_in_a_later_block_is_named_at_the_careful_line() {
    // Unknown labels on lines 26 and 31 (and 26's again on 36); a duplicate row and a ragged
    // row with unknown labels earlier are rejected, so their labels do not count.
    let file = fixture("fast/unknown-late.csv");
    let readers = [
        Reader::Whole,
        Reader::Blocks(1),
        Reader::Blocks(64),
        Reader::Blocks(200),
    ];
    for choice in [&[][..], &["--multi"][..]] {
        let mut args = vec!["shares", file.as_str()];
        args.extend(choice);
        let line = same_error(&args, &readers);
        assert!(
            line.contains("unknown-late.csv:26: unknown department `Marketng`") && line.contains("`Salez` (line 31)"),
            "{line}"
        );
    }
}

#[test]
fn an_unknown_label_of_a_repeated_respondent_is_named_at_its_first_line() {
    // Respondent 9 first (line 10, accepted) with the unknown `Www`, again on line 40 (a
    // duplicate, its label `Vvv` ignored); `Www` again on 30, `Yyy` on 20, `Vvv` on 41.
    let file = fixture("fast/unknown-duplicate.csv");
    let readers = [
        Reader::Whole,
        Reader::Blocks(1),
        Reader::Blocks(64),
        Reader::Blocks(200),
    ];
    let line = same_error(&["shares", &file], &readers);
    assert!(
        line.contains("unknown-duplicate.csv:10: unknown department `Www`")
            && line.contains("`Yyy` (line 20), `Vvv` (line 41)"),
        "{line}"
    );
}

#[test]
fn unknown_labels_of_multi_choice_cells_agree() {
    // One cell with two unknown labels around a known one; a single-choice cell naming two departments.
    let file = fixture("fast/unknown-multi.csv");
    let readers = [Reader::Whole, Reader::Blocks(1), Reader::Blocks(64)];
    let single = same_error(&["shares", &file], &readers);
    assert!(
        single.contains("unknown-multi.csv:21: unknown department `Zeta;Marketing;Alpha`"),
        "{single}"
    );
    let multi = same_error(&["shares", &file, "--multi"], &readers);
    assert!(
        multi.contains("unknown-multi.csv:21: unknown department `Alpha`"),
        "{multi}"
    );
}

/// Ten rows, then `row` on line 12, then a row with an unknown label (never reached).
fn with_row_on_line_12(dir: &Path, name: &str, row: &str) -> String {
    let mut text = String::from("respondent,year,note,department\n");
    for id in 1..=10 {
        text.push_str(&format!("{id},2020,ok,Marketing\n"));
    }
    text.push_str(row);
    text.push_str("\n12,2020,ok,Salez\n");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_cell_over_64_kib_is_the_careful_error_at_the_careful_line() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat((64 << 10) + 1);
    let readers = [Reader::Whole, Reader::Blocks(64), Reader::Blocks(1000)];
    let plain = with_row_on_line_12(dir.path(), "plain.csv", &format!("11,2020,{big},PR"));
    let line = same_error(&["shares", &plain], &readers);
    assert!(
        line.contains("plain.csv:12: column 3: a cell of 65537 bytes is larger than the 65536 byte limit"),
        "{line}"
    );
    // A quoted cell with line breaks: the line its record starts on.
    let quoted = with_row_on_line_12(dir.path(), "quoted.csv", &format!("11,2020,\"a\n\"\"b\"\"\n{big}\",PR"));
    let line = same_error(&["shares", &quoted], &readers);
    assert!(line.contains("quoted.csv:12: column 3: a cell of"), "{line}");
}

#[test]
fn a_quote_left_open_to_the_end_is_the_careful_error() {
    // The quote opened on line 12 swallows the rest of the file into one cell over the limit.
    let dir = tempfile::tempdir().unwrap();
    let rest: String = (13..3000)
        .map(|id| format!("{id},2020,filler text,Marketing\n"))
        .collect();
    let file = with_row_on_line_12(dir.path(), "open.csv", &format!("11,2020,\"open,PR\n{rest}"));
    let line = same_error(&["shares", &file], &[Reader::Whole, Reader::Blocks(4096)]);
    assert!(
        line.contains("larger than the 65536 byte limit (an unclosed quote?)"),
        "{line}"
    );
}

#[test]
fn a_row_whose_quote_stays_open_to_the_end_is_rejected_at_its_own_line() {
    // Line 4 opens a quote that the file's last line break does not close: the row (a bad wave)
    // starts on line 4, whichever reader reads it and however the file is cut.
    let file = fixture("fast/open-quote-at-end.csv");
    let line = same_error(&["shares", &file, "--strict"], &FAST);
    assert!(
        line.contains("open-quote-at-end.csv:4: rejected row (--strict): wave `twenty`"),
        "{line}"
    );
}

#[test]
fn a_cell_at_the_limit_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_row_on_line_12(dir.path(), "limit.csv", &format!("11,2020,{},PR", "y".repeat(64 << 10)));
    let text = std::fs::read_to_string(&file).unwrap().replace("Salez", "Sales");
    std::fs::write(&file, text).unwrap();
    let out = agree(
        &["shares", &file, "--format", "json"],
        &[Reader::Whole, Reader::Blocks(1000)],
        true,
    );
    assert_eq!(out["ingest"]["rows_accepted"], 12);
}

#[test]
fn a_file_without_data_rows_is_the_careful_error() {
    // The careful reader says the file has no data rows before it looks for a department column.
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank-rows.csv");
    std::fs::write(&blank, "respondent,year,department\n,,\n\n , ,\n").unwrap();
    let blank = blank.display().to_string();
    for file in [fixture("header-only.csv"), blank] {
        let line = same_error(&["shares", &file], &FAST);
        assert!(line.contains("the file has a header but no data rows"), "{line}");
    }
}

/// How a test file is laid out: plainly, with a `#` comment line before the header (the block
/// reader skips it as the careful reader does), or with a blank-named last column (a header the
/// block reader cannot project by name: the careful reader reads the file).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    Plain,
    Comment,
    BlankColumn,
}

impl Layout {
    /// The file's text: `header` and `rows` (each line ending in `\n`) in this layout.
    fn text(self, header: &str, rows: &str) -> String {
        match self {
            Layout::Plain => format!("{header}{rows}"),
            Layout::Comment => format!("# exported by hand\n{header}{rows}"),
            Layout::BlankColumn => format!("{header}{rows}").replace('\n', ",\n"),
        }
    }

    /// Lines before the header.
    fn offset(self) -> u64 {
        u64::from(self == Layout::Comment)
    }
}

#[test]
fn a_respondent_repeated_across_files_is_rejected_whichever_reader_reads_them() {
    // The later row is rejected, naming the earlier file, whether the block reader or the
    // careful reader read either file. By hand: wave 2024 has respondents 1, 2 and 3 (2 again in
    // the later file is the reject), so marketing is 1 of 3; wave 2023 has respondent 4 alone.
    let dir = tempfile::tempdir().unwrap();
    let header = "respondent,wave,department\n";
    let rows_a = "1,2024,Marketing\n2,2024,PR\n";
    let rows_b = "3,2024,PR\n2,2024,Marketing\n4,2023,PR\n";
    let layouts = [Layout::Plain, Layout::Comment, Layout::BlankColumn];
    for (layout_a, layout_b) in layouts.iter().flat_map(|a| layouts.iter().map(move |b| (*a, *b))) {
        let first = temp_csv(&dir, "first.csv", layout_a.text(header, rows_a).as_bytes());
        let second = temp_csv(&dir, "second.csv", layout_b.text(header, rows_b).as_bytes());
        let args = ["shares", first.as_str(), second.as_str(), "--format", "json"];
        for reader in [Reader::Careful, Reader::Whole, Reader::Blocks(8)] {
            let at = format!("{layout_a:?} {layout_b:?} {reader:?}");
            let out = reader.run(&args);
            assert!(out.status.success(), "{at}: {}", stderr(&out));
            let results = json(&out);
            assert_eq!(results["ingest"]["rows_read"], 5, "{at}");
            assert_eq!(results["ingest"]["rows_rejected"], 1, "{at}");
            let marketing = estimate(&results, 2024, "marketing");
            assert_eq!(
                (marketing["n"].as_u64(), marketing["count"].as_u64()),
                (Some(3), Some(1)),
                "{at}"
            );
            assert_eq!(estimate(&results, 2023, "pr")["n"], 1, "{at}");
            let strict = reader.run(&[&args[..], &["--strict"]].concat());
            assert!(!strict.status.success(), "{at}");
            let message = last_line(&strict);
            let line = 3 + layout_b.offset();
            assert!(message.contains(&format!("second.csv:{line}:")), "{at}: {message}");
            assert!(
                message.contains("respondent `2` in wave 2024 is already in"),
                "{at}: {message}"
            );
            assert!(message.contains("first.csv"), "{at}: {message}");
        }
    }
    // Ids that repeat only in another wave are a panel, not a repeat.
    let first = temp_csv(&dir, "first.csv", format!("{header}{rows_a}").as_bytes());
    let second = temp_csv(
        &dir,
        "second.csv",
        format!("{header}3,2024,PR\n2,2023,Marketing\n").as_bytes(),
    );
    let panel = Reader::Blocks(8).run(&["shares", first.as_str(), second.as_str(), "--format", "json"]);
    assert!(panel.status.success(), "{}", stderr(&panel));
    assert_eq!(json(&panel)["ingest"]["rows_rejected"], 0);
}

#[test]
fn a_respondent_in_three_files_is_rejected_naming_the_first() {
    // Respondent 7 is in all three files; the middle one is read by the careful reader. Both later
    // rows are rejected naming a.csv, and only the shared key costs a second look.
    let dir = tempfile::tempdir().unwrap();
    let a = temp_csv(&dir, "a.csv", b"id,year,dept\n7,2024,PR\n8,2024,PR\n");
    let b = Layout::BlankColumn.text("id,year,dept\n", "9,2024,HR\n7,2024,Sales\n");
    let b = temp_csv(&dir, "b.csv", b.as_bytes());
    let c = temp_csv(&dir, "c.csv", b"id,year,dept\n7,2024,IT\n10,2024,Marketing\n");
    for reader in [Reader::Careful, Reader::Whole, Reader::Blocks(1)] {
        let out = reader.run(&["shares", a.as_str(), b.as_str(), c.as_str(), "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let results = json(&out);
        assert_eq!(results["ingest"]["rows_rejected"], 2);
        assert_eq!(estimate(&results, 2024, "pr")["n"], 4);
        assert_eq!(estimate(&results, 2024, "pr")["count"], 2);
        let categories: Vec<&str> = results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["category"].as_str().unwrap())
            .collect();
        assert!(
            !categories.contains(&"sales") && !categories.contains(&"it"),
            "{categories:?}"
        );
    }
}

/// Writes `bytes` as a CSV in a temporary folder.
fn temp_csv(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn carriage_returns_outside_crlf_and_stray_byte_order_marks_are_read_as_the_careful_reader_reads_them() {
    // csv ends a record at a lone CR (the line is the line its LF ends); csv drops a BOM at the
    // start of its input, not one in the middle (found by review). The block reader reads them so.
    let dir = tempfile::tempdir().unwrap();
    let files: [&[u8]; 4] = [
        b"year,dept\r2024,PR\n2024,IT\n2024,Marketing\n",
        b"year,dept\n2024,PR\r2024,IT\n2024,Sales\n",
        b"\xEF\xBB\xBF\xEF\xBB\xBF\nyear,dept\n2024,PR\n2024,IT\n",
        b"year,dept\n2024,PR\n\xEF\xBB\xBF2024,\"IT\"\n2024,PR\n",
    ];
    for (i, bytes) in files.iter().enumerate() {
        let file = temp_csv(&dir, &format!("odd-{i}.csv"), bytes);
        let args = ["shares", file.as_str(), "--format", "json"];
        for block in [Reader::Whole, Reader::Blocks(5), Reader::Blocks(10)] {
            let (careful, out) = (Reader::Careful.run(&args), block.run(&args));
            assert_eq!(
                careful.status.success(),
                out.status.success(),
                "file {i} {block:?}: {}",
                stderr(&out)
            );
            if careful.status.success() {
                assert!(stderr(&out).contains(NOTE), "file {i} {block:?}");
                same(&json(&careful), &json(&out), &format!("file {i} {block:?}"));
            } else {
                assert_eq!(last_line(&careful), last_line(&out), "file {i} {block:?}");
            }
        }
    }
}

#[test]
fn a_rejected_row_is_not_a_respondent_repeated_across_files() {
    // Id 5 in the first file is rejected for its weight: the valid id 5 in the second file is no
    // repeat (the careful reader accepts it), so the streamed run must not stop.
    let dir = tempfile::tempdir().unwrap();
    let header = "respondent,wave,department,weight\n";
    let first = temp_csv(&dir, "a.csv", format!("{header}1,2024,PR,1\n5,2024,PR,0\n").as_bytes());
    let second = temp_csv(
        &dir,
        "b.csv",
        format!("{header}5,2024,Marketing,2\n6,2024,PR,1\n").as_bytes(),
    );
    let args = [
        "shares",
        first.as_str(),
        second.as_str(),
        "--weight-col",
        "weight",
        "--format",
        "json",
    ];
    agree(&args, &[Reader::Whole, Reader::Blocks(16)], true);
}

#[test]
fn an_fpc_error_names_the_stratum_the_careful_reader_names() {
    let dir = tempfile::tempdir().unwrap();
    let text = "year,dept,w,fpc\n2021,PR,1,100\n2021,IT,1,50\n2020,PR,1,100\n2020,IT,1,50\n";
    let file = temp_csv(&dir, "fpc.csv", text.as_bytes());
    let args = ["shares", file.as_str(), "--weight-col", "w", "--fpc-col", "fpc"];
    let error = same_error(&args, &FAST);
    assert!(error.contains("wave 2021"), "{error}");
}

#[test]
fn strict_stops_on_a_respondent_repeated_across_files_and_estimate_errors_name_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let header = "respondent,wave,department,weight\n";
    let first = temp_csv(&dir, "a.csv", format!("{header}1,2024,PR,1\n2,2024,PR,1\n").as_bytes());
    let second = temp_csv(
        &dir,
        "b.csv",
        format!("{header}2,2024,Marketing,2\n3,2024,PR,1\n").as_bytes(),
    );
    let strict = Reader::Careful.run(&["shares", first.as_str(), second.as_str(), "--strict"]);
    assert!(!strict.status.success());
    assert!(
        last_line(&strict).contains("b.csv:2: rejected row (--strict)"),
        "{}",
        last_line(&strict)
    );
    // One PSU per stratum without --lonely-psu adjust: the error names the study's file.
    let text = "respondent,wave,department,weight,stratum\n1,2024,PR,1,s1\n2,2024,HR,3,s2\n";
    let lonely = temp_csv(&dir, "c.csv", text.as_bytes());
    let args = [
        "shares",
        lonely.as_str(),
        "--weight-col",
        "weight",
        "--strata-col",
        "stratum",
    ];
    let error = same_error(&args, &FAST);
    assert!(error.contains("c.csv: stratum"), "{error}");
}

#[test]
fn decimal_marks_are_decided_as_the_careful_reader_decides_them() {
    // Issue 13, item 9: a file settled by its numbers, and one whose `1,500` stays open (a reject).
    for (file, column) in [("german-thousands.csv", "gewicht"), ("ambiguous-weights.csv", "weight")] {
        let file = fixture(&format!("hostile/{file}"));
        let args = ["shares", &file, "--weight-col", column, "--format", "json"];
        both_paths(&args);
    }
}
