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

/// Characters XML 1.0 allows (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Python's XML parser (expat) on `file`: `None` when it parses, else its complaint.
fn python_xml_error(file: &std::path::Path) -> Option<String> {
    let python = std::env::var("DEPTSHARE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let out = std::process::Command::new(python)
        .args(["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])"])
        .arg(file)
        .output()
        .expect("python runs (set DEPTSHARE_PYTHON)");
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn control_characters_in_a_label_or_title_leave_the_svg_well_formed() {
    let work = tempfile::tempdir().unwrap();
    for kind in ["bar", "trend", "stacked"] {
        let svg = work.path().join(format!("{kind}.svg"));
        let out = deptshare(&[
            "chart",
            kind,
            &fixture("hostile/control-chars.csv"),
            "--taxonomy",
            &fixture("hostile/control-chars-taxonomy.toml"),
            "--title",
            "Who\u{c}leads\u{FFFE}\u{FFFF}\u{1}",
            "--question",
            "Which\u{b}team?",
            "--lang",
            if kind == "trend" { "de" } else { "en" },
            "--out",
            svg.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let text = std::fs::read_to_string(&svg).unwrap();
        let bad: Vec<char> = text.chars().filter(|c| !xml_char(*c)).collect();
        assert!(bad.is_empty(), "{kind}: characters XML does not allow: {bad:?}");
        assert!(text.contains("Social") && text.contains("Who"), "{kind}: {text}");
        assert_eq!(python_xml_error(&svg), None, "{kind}");
    }
}
