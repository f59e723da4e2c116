//! Issue 13, items 14 and 15: what the tool writes stays readable whatever the input holds: the
//! CSV of `reconstruct` (quoted, formulas neutralised) and SVG charts (well-formed XML).

use crate::*;

#[test]
fn reconstruct_writes_a_csv_that_reads_back_whatever_the_table_is_called() {
    let work = tempfile::tempdir().unwrap();
    // A file name holding a line break, a comma, a quote and a formula.
    let table = work.path().join("=HYPERLINK(\"x\"),a\n=1+1,b.csv");
    std::fs::copy(fixture("hostile/reconstruct-table.csv"), &table).unwrap();
    let rows = work.path().join("rows.csv");
    let out = deptshare(&["reconstruct", table.to_str().unwrap(), "--out", rows.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&rows).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["respondent", "study", "wave", "department"],
        "{text}"
    );
    // 60 % and 40 % of 5: three Marketing rows, two PR rows.
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let departments: Vec<&str> = records.iter().map(|r| &r[3]).collect();
    assert_eq!(
        departments,
        ["Marketing", "Marketing", "Marketing", "PR", "PR"],
        "{text}"
    );
    for line in text.lines() {
        assert!(
            line.starts_with('#') || line.starts_with("respondent") || line.starts_with("small-"),
            "{line:?} in {text}"
        );
    }
}
