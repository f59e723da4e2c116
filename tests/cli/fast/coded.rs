//! Files larger than the head the block reader looks at first, whose bytes decide late how they
//! are text (issue 13, item 13): the block reader reads them as the careful reader decodes the
//! whole file, going on from the first block that was not UTF-8 where the blocks before it read
//! the same, and starting again where they do not. And cells too long for the careful reader in
//! decoded text that is longer than the file's bytes (Windows-1252, UTF-16).

use std::path::Path;

use super::{Reader, agree, same_error, same_rejects};
use crate::estimate;

/// Blocks of the default size (the first 8 MiB in one) and of 1 MiB (the first broken block
/// comes after merged ones).
const READERS: [Reader; 2] = [Reader::Whole, Reader::Blocks(1 << 20)];

/// A UTF-8 file of about 4.2 MB (past the 4 MiB head): rows with ASCII labels and a 200-byte
/// note, `early` as the second data row (line 3), then `tail` (bytes) at the end.
fn past_the_head(dir: &Path, early: &[u8], tail: &[u8]) -> String {
    let labels = ["Marketing", "PR", "Sales", "HR", "Customer Service", "IT"];
    let note = "n".repeat(200);
    let mut bytes = b"respondent,year,note,department\n1,2020,first,PR\n".to_vec();
    bytes.extend_from_slice(early);
    let mut id = 2;
    while bytes.len() < (4 << 20) + 100_000 {
        id += 1;
        let row = format!("{id},{},{note},{}\n", 2020 + id % 3, labels[id % 6]);
        bytes.extend_from_slice(row.as_bytes());
    }
    bytes.extend_from_slice(tail);
    let path = dir.join("large.csv");
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn windows_1252_after_an_ascii_head_is_read_on_from_its_first_block() {
    // Only ASCII before the tail: the blocks read as UTF-8 read the same in Windows-1252, so the
    // read goes on; `Geschäftsführung` (two cp1252 bytes) is the executive.
    let dir = tempfile::tempdir().unwrap();
    let file = past_the_head(
        dir.path(),
        b"2,2021,x,PR\n",
        b"99999999,2021,x,Gesch\xe4ftsf\xfchrung\n",
    );
    let out = agree(&["shares", &file, "--format", "json"], &READERS, true);
    assert_eq!(out["ingest"]["rows_rejected"], 0);
    assert_eq!(estimate(&out, 2021, "executive")["count"], 1);
}

#[test]
fn windows_1252_after_utf8_umlauts_is_read_again_from_the_start() {
    // `Grüße` in UTF-8 early (two multi-byte characters), five broken sequences late: the file is
    // Windows-1252 for the careful reader, so the early note reads `GrÃ¼ÃŸe` and every block
    // is read again; the rows are the same either way.
    let dir = tempfile::tempdir().unwrap();
    let early = "2,2021,Grüße,PR\n".as_bytes();
    let file = past_the_head(
        dir.path(),
        early,
        b"99999999,2021,\xe4\xf6\xfc\xdf\xc4,Gesch\xe4ftsf\xfchrung\n",
    );
    let out = agree(&["shares", &file, "--format", "json"], &READERS, true);
    assert_eq!(out["ingest"]["rows_rejected"], 0);
    assert_eq!(estimate(&out, 2021, "executive")["count"], 1);
}

#[test]
fn a_replacement_character_before_the_first_broken_block_is_rejected_as_the_careful_reader_rejects_it() {
    // A literal U+FFFD early, an umlaut and a broken byte late: UTF-8 with replacements, where the
    // careful reader rejects every cell holding U+FFFD, the early one too: read again from the start.
    let dir = tempfile::tempdir().unwrap();
    let early = "2,2021,say \u{FFFD},PR\n".as_bytes();
    let file = past_the_head(
        dir.path(),
        early,
        &[&b"99999999,2021,K"[..], "ö".as_bytes(), b"ln \xff,PR\n"].concat(),
    );
    agree(&["shares", &file, "--format", "json"], &READERS, true);
    let rejects = same_rejects(&file, "", &READERS, true);
    let reason = "invalid bytes in column `note` (not valid text)";
    assert_eq!(rejects.len(), 2, "{rejects:?}");
    assert_eq!((rejects[0].0, rejects[0].1.as_str()), (3, reason));
    assert_eq!(rejects[1].1, reason);
}

/// `rows` as a UTF-16 LE file with a byte order mark; `tail` (UTF-16 units) after them.
fn utf16(dir: &Path, name: &str, rows: &str, tail: &[u8]) -> String {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(rows.encode_utf16().flat_map(u16::to_le_bytes));
    bytes.extend_from_slice(tail);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn broken_utf16_after_a_block_holding_a_replacement_character_is_read_again_with_the_lossy_rules() {
    // Line 3 holds a literal U+FFFD; an unpaired surrogate near the end makes the file lossy for
    // the careful reader, which then rejects both rows. Blocks read before the surrogate was met
    // did not know: the block reader reads the file again.
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("respondent,year,note,department\n1,2020,a,PR\n2,2020,\u{FFFD},PR\n");
    for id in 3..20_000 {
        rows.push_str(&format!("{id},2020,some note,Marketing\n"));
    }
    rows.push_str("20000,2020,");
    // `\u{D800}` alone, then `x,PR` and a line feed.
    let tail: Vec<u8> = [0xD800u16, 'x' as u16, ',' as u16, 'P' as u16, 'R' as u16, '\n' as u16]
        .iter()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let file = utf16(dir.path(), "broken.csv", &rows, &tail);
    let readers = [Reader::Whole, Reader::Blocks(4096), Reader::Blocks(1 << 16)];
    let out = agree(&["shares", &file, "--format", "json"], &readers, true);
    assert_eq!(out["ingest"]["rows_rejected"], 2);
    let rejects = same_rejects(&file, "", &readers, true);
    let reason = "invalid bytes in column `note` (not valid text)";
    let lines: Vec<(u64, &str)> = rejects.iter().map(|(l, r)| (*l, r.as_str())).collect();
    assert_eq!(lines, [(3, reason), (20_001, reason)]);
}

#[test]
fn a_cell_over_64_kib_once_decoded_is_the_careful_error_in_every_coding() {
    // 40,000 `ä` are 40,000 bytes in Windows-1252 and 80,000 in UTF-16, 80,000 once decoded to
    // UTF-8 either way: over the limit for the careful reader, which measures decoded cells.
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("respondent,year,note,department\n");
    for id in 1..=10 {
        rows.push_str(&format!("{id},2020,ok,Marketing\n"));
    }
    rows.push_str(&format!("11,2020,{},PR\n12,2020,ok,Sales\n", "ä".repeat(40_000)));
    let cp1252: Vec<u8> = rows.chars().map(|c| if c == 'ä' { 0xE4 } else { c as u8 }).collect();
    let cp1252_path = dir.path().join("cp1252.csv");
    std::fs::write(&cp1252_path, cp1252).unwrap();
    let files = [
        cp1252_path.display().to_string(),
        utf16(dir.path(), "utf16.csv", &rows, &[]),
    ];
    let readers = [Reader::Whole, Reader::Blocks(4096), Reader::Blocks(1 << 20)];
    for file in files {
        let line = same_error(&["shares", &file], &readers);
        let expected = ":12: column 3: a cell of 80000 bytes is larger than the 65536 byte limit (an unclosed quote?)";
        assert!(line.contains(expected), "{line}");
    }
}
