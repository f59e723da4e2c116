//! The shapes the block reader once left to the careful reader (issue 13, item 13): Windows-1252,
//! UTF-16 LE and BE with a byte order mark, `#` comment lines before the header, bytes that are
//! not UTF-8 in a row, stray quotes, carriage returns outside CRLF and old Mac line endings. Each
//! fixture (`tests/data/shapes`, written by its `make.py`) gives the same respondents, rejects,
//! reasons and lines whichever reader reads it, cut into blocks of 1 to 64 bytes or read whole.
//! Expectations are worked out by hand from the fixtures (and checked against Python's csv module,
//! `make.py --check`), not taken from a run.

use serde_json::Value;

use super::{NOTE, Reader, run};
use crate::{close, estimate, fixture, json, stderr};

/// Every reader, and blocks small enough to cut UTF-16 pairs, CRLFs and quoted cells.
const READERS: [Reader; 7] = [
    Reader::Careful,
    Reader::Blocks(None),
    Reader::Blocks(Some(1)),
    Reader::Blocks(Some(2)),
    Reader::Blocks(Some(3)),
    Reader::Blocks(Some(7)),
    Reader::Blocks(Some(64)),
];

/// `shares` of a fixture by `reader`, weighted, the department column named.
fn shares(reader: Reader, name: &str) -> Value {
    let file = fixture(&format!("shapes/{name}"));
    let args = [
        "shares",
        &file,
        "--weight-col",
        "weight",
        "--dept-col",
        "department",
        "--format",
        "json",
    ];
    let out = run(reader, &args);
    assert!(out.status.success(), "{reader:?} {name}: {}", stderr(&out));
    let block_reader = matches!(reader, Reader::Blocks(_));
    assert_eq!(
        stderr(&out).contains(NOTE),
        block_reader,
        "{reader:?} {name}: {}",
        stderr(&out)
    );
    json(&out)
}

/// The rejects.csv of `run` on a fixture: (line, reason).
fn rejects(reader: Reader, name: &str) -> Vec<(u64, String)> {
    let options = "weight_col = \"weight\"\ndept_col = \"department\"";
    super::rejects_with(reader, &fixture(&format!("shapes/{name}")), options)
}

/// The row account: rows read, accepted, rejected.
fn account(out: &Value) -> [u64; 3] {
    ["rows_read", "rows_accepted", "rows_rejected"].map(|k| out["ingest"][k].as_u64().unwrap())
}

/// Checks estimates: (wave, category, n, n weighted, count, share).
fn check(out: &Value, at: &str, cases: &[(i64, &str, u64, f64, u64, f64)]) {
    for &(wave, category, n, n_weighted, count, share) in cases {
        let e = estimate(out, wave, category);
        let what = format!("{at}: {wave} {category}");
        assert_eq!((e["n"].as_u64(), e["count"].as_u64()), (Some(n), Some(count)), "{what}");
        close(&e["n_weighted"], n_weighted, 1e-12);
        close(&e["share"], share, 1e-12);
    }
}

/// The rejects by line, as `make.py` lays out the rows (`offset` lines before the header).
fn lines(offset: u64, list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter()
        .map(|(line, reason)| (line + offset, reason.to_string()))
        .collect()
}

/// The five encodings of the umlauts survey, and the lines before their headers.
const UMLAUTS: [(&str, u64); 5] = [
    ("umlauts.csv", 0),
    ("umlauts-cp1252.csv", 0),
    ("umlauts-utf16le.csv", 0),
    ("umlauts-utf16be.csv", 0),
    ("umlauts-comment.csv", 3),
];

#[test]
fn umlauts_give_the_same_respondents_in_every_encoding_and_reader() {
    // 2023: respondents 1 to 4 (weights 1, 2, 1, 1): Öffentlichkeitsarbeit (pr),
    // Geschäftsführung (executive), Marketing, Bereichsübergreifendes Team (cross-functional);
    // 5 has weight `x`, 3 comes twice. 2024: 6 Vertrieb 1.5 (its note a quoted line break),
    // 7 Öffentlichkeitsarbeit 1, 8 Kundendienst 2; 9 has wave `x`.
    let cases = [
        (2023, "pr", 4, 5.0, 1, 0.2),
        (2023, "executive", 4, 5.0, 1, 0.4),
        (2023, "marketing", 4, 5.0, 1, 0.2),
        (2023, "cross_functional", 4, 5.0, 1, 0.2),
        (2024, "sales", 3, 4.5, 1, 1.5 / 4.5),
        (2024, "pr", 3, 4.5, 1, 1.0 / 4.5),
        (2024, "customer_service", 3, 4.5, 1, 2.0 / 4.5),
    ];
    for (name, _) in UMLAUTS {
        for reader in READERS {
            let out = shares(reader, name);
            let at = format!("{name} {reader:?}");
            assert_eq!(account(&out), [10, 7, 3], "{at}");
            check(&out, &at, &cases);
        }
    }
}

#[test]
fn umlauts_are_rejected_at_the_same_lines_in_every_encoding_and_reader() {
    let expected = [
        (6, "weight `x` is not a number"),
        (7, "duplicate respondent `3` in wave 2023"),
        (12, "wave `x` is not a whole number"),
    ];
    for (name, offset) in UMLAUTS {
        for reader in [
            Reader::Careful,
            Reader::Blocks(None),
            Reader::Blocks(Some(1)),
            Reader::Blocks(Some(5)),
        ] {
            assert_eq!(rejects(reader, name), lines(offset, &expected), "{name} {reader:?}");
        }
    }
}

#[test]
fn bytes_that_are_not_utf8_reject_their_rows() {
    // A UTF-8 file with umlauts and two broken bytes (`M\xFFarketing`, `caf\xE9`): read as UTF-8
    // with replacements, those two rows are rejected. 2023: respondents 1 (pr, 1), 2 (executive,
    // 2), 3 (marketing, 1); 2024: 6 (sales, 1.5), 7 (pr, 1).
    let cases = [
        (2023, "pr", 3, 4.0, 1, 0.25),
        (2023, "executive", 3, 4.0, 1, 0.5),
        (2023, "marketing", 3, 4.0, 1, 0.25),
        (2024, "sales", 2, 2.5, 1, 0.6),
        (2024, "pr", 2, 2.5, 1, 0.4),
    ];
    let expected = [
        (5, "invalid bytes in column `department` (not valid text)"),
        (6, "invalid bytes in column `note` (not valid text)"),
    ];
    for reader in READERS {
        let out = shares(reader, "bad-bytes.csv");
        assert_eq!(account(&out), [7, 5, 2], "{reader:?}");
        check(&out, &format!("{reader:?}"), &cases);
        assert_eq!(rejects(reader, "bad-bytes.csv"), lines(0, &expected), "{reader:?}");
    }
}

#[test]
fn stray_quotes_are_read_as_csv_reads_them() {
    // `a 5" screen`, `"quoted"after` and `x"y"z` keep or join their quotes (csv's reading), a quoted
    // cell spans lines 5 and 6, `1.5"` is no weight, and the last row (wave `x`, a lone quote in
    // its note) is on line 10 although the file holds an odd number of quotes.
    let cases = [
        (2023, "marketing", 4, 5.0, 2, 0.4),
        (2023, "pr", 4, 5.0, 1, 0.2),
        (2023, "sales", 4, 5.0, 1, 0.4),
        (2024, "pr", 2, 2.0, 1, 0.5),
        (2024, "sales", 2, 2.0, 1, 0.5),
    ];
    let expected = [
        (3, "weight `1.5\"` is not a number"),
        (10, "wave `x` is not a whole number"),
    ];
    for reader in READERS {
        let out = shares(reader, "stray-quotes.csv");
        assert_eq!(account(&out), [8, 6, 2], "{reader:?}");
        check(&out, &format!("{reader:?}"), &cases);
        assert_eq!(rejects(reader, "stray-quotes.csv"), lines(0, &expected), "{reader:?}");
    }
}

#[test]
fn carriage_returns_outside_crlf_end_records_as_csv_ends_them() {
    // Line 3 holds two records (a lone CR between them), both accepted; line 4's CR cuts its row
    // into two ragged records, both rejected at line 4; CRLF, CR CR LF, a CR inside quotes and a
    // lone CR ending the file are line breaks or text. 2023: 1 marketing, 2 pr, 3 sales (2), 5 pr;
    // 2024: 6 sales, 7 pr, 8 marketing.
    let cases = [
        (2023, "marketing", 4, 5.0, 1, 0.2),
        (2023, "pr", 4, 5.0, 2, 0.4),
        (2023, "sales", 4, 5.0, 1, 0.4),
        (2024, "marketing", 3, 3.0, 1, 1.0 / 3.0),
        (2024, "pr", 3, 3.0, 1, 1.0 / 3.0),
        (2024, "sales", 3, 3.0, 1, 1.0 / 3.0),
    ];
    let ragged = "ragged row: 3 fields where the header has 5";
    for reader in READERS {
        let out = shares(reader, "carriage-returns.csv");
        assert_eq!(account(&out), [9, 7, 2], "{reader:?}");
        check(&out, &format!("{reader:?}"), &cases);
        let expected = lines(0, &[(4, ragged), (4, ragged)]);
        assert_eq!(rejects(reader, "carriage-returns.csv"), expected, "{reader:?}");
    }
    // A file whose records all end in a lone CR (no line feed at all) is cut at its CRs.
    let cases = [
        (2023, "marketing", 2, 4.0, 1, 0.25),
        (2023, "pr", 2, 4.0, 1, 0.75),
        (2024, "sales", 2, 2.0, 1, 0.5),
        (2024, "pr", 2, 2.0, 1, 0.5),
    ];
    for reader in READERS {
        let out = shares(reader, "mac.csv");
        assert_eq!(account(&out), [4, 4, 0], "{reader:?}");
        check(&out, &format!("mac {reader:?}"), &cases);
    }
}

#[test]
fn strict_names_the_same_file_and_line_in_every_shape_and_reader() {
    let cases = [
        ("umlauts-utf16le.csv", 6, "weight `x` is not a number"),
        ("umlauts-comment.csv", 9, "weight `x` is not a number"),
        ("umlauts-cp1252.csv", 6, "weight `x` is not a number"),
        ("bad-bytes.csv", 5, "invalid bytes in column `department`"),
        ("stray-quotes.csv", 3, "weight `1.5\"` is not a number"),
        ("carriage-returns.csv", 4, "ragged row: 3 fields"),
    ];
    for (name, line, reason) in cases {
        let file = fixture(&format!("shapes/{name}"));
        for reader in [Reader::Careful, Reader::Blocks(None), Reader::Blocks(Some(3))] {
            let args = [
                "shares",
                &file,
                "--weight-col",
                "weight",
                "--dept-col",
                "department",
                "--strict",
            ];
            let out = run(reader, &args);
            assert_eq!(out.status.code(), Some(1), "{name} {reader:?}");
            let expected = format!("{file}:{line}: rejected row (--strict): {reason}");
            assert!(stderr(&out).contains(&expected), "{name} {reader:?}: {}", stderr(&out));
        }
    }
}
