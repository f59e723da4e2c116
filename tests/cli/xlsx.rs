//! `report.xlsx`: read back with calamine its cells are results.json's numbers (the workbook is a
//! second rendering of them), typed and formatted, each table's header row is frozen, text that
//! looks like a formula stays text, and the bytes repeat across runs and time zones.

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use calamine::{Data, Range, Reader, Xlsx};
use serde_json::Value;

use crate::*;

const SHEETS: [&str; 5] = ["estimates", "crosstabs", "comparisons", "tests", "notes"];

/// `run` on the bundled study into `out`, under time zone `tz` when given.
fn run_into(out: &Path, tz: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deptshare"));
    command
        .args(["run", "--out", out.to_str().unwrap()])
        .current_dir(root());
    if let Some(tz) = tz {
        command.env("TZ", tz);
    }
    let done = command.output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
}

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

/// A sheet's rows as `header -> cell` maps, header row first.
fn rows(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> (Vec<String>, Vec<Vec<Data>>) {
    let range: Range<Data> = book.worksheet_range(sheet).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{sheet} starts at A1");
    let mut all = range.rows().map(<[Data]>::to_vec);
    let header = all.next().unwrap().iter().map(|d| d.to_string()).collect();
    (header, all.collect())
}

/// A JSON value and the cell written for it: null is empty, numbers exactly, strings as text, and
/// `higher_than`'s letters as the report prints them (`BC`).
fn same(value: &Value, cell: &Data) -> bool {
    match value {
        Value::Null => *cell == Data::Empty,
        Value::Number(n) if n.is_f64() => match cell {
            // serde_json's default parser can miss by an ulp, so the cell's number is compared as
            // results.json holds it: written shortest (as results.json was) and read back alike.
            Data::Float(f) => serde_json::from_str::<Value>(&serde_json::to_string(f).unwrap()).unwrap() == *value,
            _ => false,
        },
        Value::Number(n) => *cell == Data::Float(n.as_f64().unwrap()),
        Value::String(s) if s.is_empty() => *cell == Data::Empty,
        Value::String(s) => *cell == Data::String(s.clone()),
        Value::Array(letters) => {
            let text: String = letters.iter().map(|l| l.as_str().unwrap()).collect();
            if text.is_empty() {
                *cell == Data::Empty
            } else {
                *cell == Data::String(text)
            }
        }
        _ => false,
    }
}

/// Every column of `sheet` named as a key of the JSON rows holds that key's value, row by row;
/// gives the number of cells compared.
fn sheet_equals(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, expected: &[Value]) -> usize {
    let (header, cells) = rows(book, sheet);
    assert_eq!(cells.len(), expected.len(), "{sheet}: one row per JSON entry");
    let mut compared = 0;
    for (i, (row, json)) in cells.iter().zip(expected).enumerate() {
        for (name, cell) in header.iter().zip(row) {
            let Some(value) = json.get(name.as_str()) else {
                assert!(skipped(name), "{sheet}: column {name} is not in results.json");
                continue;
            };
            assert!(
                same(value, cell),
                "{sheet} row {}, {name}: json {value}, cell {cell:?}",
                i + 2
            );
            compared += 1;
        }
    }
    compared
}

/// Columns whose key results.json leaves out when it has no value (letters without segments,
/// wave and by of a test across waves, the pair of waves of a test over all waves).
fn skipped(name: &str) -> bool {
    ["letter", "higher_than", "wave", "by", "from_wave", "to_wave"].contains(&name)
}

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn report_xlsx_holds_the_numbers_of_results_json() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path(), None);
    let results: Value = serde_json::from_slice(&std::fs::read(dir.path().join("results.json")).unwrap()).unwrap();
    let bytes = std::fs::read(dir.path().join("report.xlsx")).unwrap();
    let mut book = workbook(&bytes);
    assert_eq!(book.sheet_names(), SHEETS);

    let estimates = results["estimates"].as_array().unwrap();
    let compared = sheet_equals(&mut book, "estimates", estimates);
    assert!(compared >= estimates.len() * 20, "{compared} estimate cells");
    let comparisons = results["comparisons"].as_array().unwrap();
    assert!(sheet_equals(&mut book, "comparisons", comparisons) >= comparisons.len() * 14);
    let tests = results["tests"].as_array().unwrap();
    assert!(sheet_equals(&mut book, "tests", tests) >= tests.len() * 9);
    assert!(
        tests.iter().any(|t| t["category"].is_null()),
        "a test over all departments"
    );

    let lettered = crosstab_equals(&mut book, estimates);
    assert!(lettered > 0, "some share is higher than another segment's");
    notes_name_the_inputs_and_the_method(&mut book, dir.path());
    formats_and_frozen_headers(&bytes);
    for sheet in SHEETS {
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }
}

/// Each estimate of a wave with segments is in the crosstab's row of its study, wave and
/// category: overall under `all`, a segment's under its columns (share, letters as its
/// `higher_than`, n); gives the lettered cells seen.
fn crosstab_equals(book: &mut Xlsx<Cursor<Vec<u8>>>, estimates: &[Value]) -> usize {
    let (header, cells) = rows(book, "crosstabs");
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let segmented: Vec<(&Value, &Value)> = estimates
        .iter()
        .filter(|e| !e["segment"].is_null())
        .map(|e| (&e["study"], &e["wave"]))
        .collect();
    let in_crosstab: Vec<&Value> = estimates
        .iter()
        .filter(|e| segmented.contains(&(&e["study"], &e["wave"])))
        .collect();
    let (mut segments, mut lettered) = (0, 0);
    for e in &in_crosstab {
        let row = cells
            .iter()
            .find(|r| {
                ["study", "wave", "category", "kind"]
                    .iter()
                    .all(|key| same(&e[*key], &r[column(key)]))
            })
            .unwrap_or_else(|| panic!("no crosstab row for {e}"));
        let Some(segment) = e["segment"].as_str() else {
            assert!(same(&e["share"], &row[column("all")]), "{e}");
            assert!(same(&e["n"], &row[column("all n")]), "{e}");
            continue;
        };
        let head = format!("{segment} ({})", e["letter"].as_str().unwrap());
        assert!(same(&e["share"], &row[column(&head)]), "{head}: {e}");
        assert!(same(&e["n"], &row[column(&format!("{head} n"))]), "{head}: {e}");
        let letters = &row[column(&format!("{head} higher than"))];
        assert!(same(&e["higher_than"], letters), "{head}: {e}, cell {letters:?}");
        segments += 1;
        lettered += usize::from(*letters != Data::Empty);
    }
    assert!(segments > 100, "{segments} segment estimates");
    let overall = in_crosstab.iter().filter(|e| e["segment"].is_null()).count();
    assert_eq!(cells.len(), overall, "a row per wave and category of a segmented study");
    lettered
}

fn notes_name_the_inputs_and_the_method(book: &mut Xlsx<Cursor<Vec<u8>>>, out: &Path) {
    let (header, cells) = rows(book, "notes");
    assert_eq!(header, ["section", "name", "value"]);
    let value = |section: &str, name: &str| {
        cells
            .iter()
            .find(|r| r[0] == Data::String(section.into()) && r[1] == Data::String(name.into()))
            .map(|r| r[2].clone())
            .unwrap_or_else(|| panic!("no note {section} / {name}"))
    };
    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    for (path, hash) in manifest["inputs"].as_object().unwrap() {
        assert_eq!(value("sha-256", path), Data::String(hash.as_str().unwrap().into()));
    }
    assert_eq!(
        value("input: demo-tracker", "path"),
        Data::String("surveys/demo-tracker.csv".into())
    );
    assert_eq!(value("method", "interval"), Data::String("wilson".into()));
    assert_eq!(value("method", "level"), Data::Float(0.95));
    assert_eq!(
        value("method", "adjustment (segment letters)"),
        Data::String("none".into())
    );
    assert_eq!(
        value("weighting: demo-tracker-weighted", "method"),
        Data::String("rake".into())
    );
    let Data::String(description) = value("method", "description") else {
        panic!("the method is text");
    };
    assert!(description.contains("Newcombe"), "{description}");
}

/// The number format of `cell` (`I2`) in a sheet's XML, through styles.xml.
fn number_format(sheet: &str, styles: &str, cell: &str) -> String {
    let at = sheet
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let style: usize = attribute(&sheet[at..], "s").parse().unwrap();
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let id = attribute(xf, "numFmtId");
    let code = styles
        .split("<numFmt ")
        .skip(1)
        .find(|f| attribute(f, "numFmtId") == id)
        .map(|f| attribute(f, "formatCode"));
    code.unwrap_or(id).replace("&lt;", "<")
}

/// The value of attribute `name` of the element `xml` starts in (or after its tag name).
fn attribute(xml: &str, name: &str) -> String {
    let xml = format!(" {xml}");
    let start = xml.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    xml[start..].split('"').next().unwrap().to_string()
}

fn formats_and_frozen_headers(bytes: &[u8]) {
    let styles = zip_text(bytes, "xl/styles.xml");
    for i in 1..=SHEETS.len() {
        let sheet = zip_text(bytes, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(
            sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
            "{} has no frozen header row",
            SHEETS[i - 1]
        );
        assert!(sheet.contains("<autoFilter ref=\"A1:"), "{}", SHEETS[i - 1]);
        assert!(sheet.contains("customWidth=\"1\""), "{}", SHEETS[i - 1]);
    }
    // estimates: G is n, I share, J se, K ci_low; comparisons: H diff, L p_value.
    let estimates = zip_text(bytes, "xl/worksheets/sheet1.xml");
    for (cell, format) in [("G2", "0"), ("I2", "0.0%"), ("J2", "0.0000"), ("K2", "0.0%")] {
        assert_eq!(number_format(&estimates, &styles, cell), format, "estimates {cell}");
    }
    let comparisons = zip_text(bytes, "xl/worksheets/sheet3.xml");
    assert_eq!(number_format(&comparisons, &styles, "H2"), "+0.0%;-0.0%;0.0%");
    assert_eq!(number_format(&comparisons, &styles, "L2"), "[<0.0001]0.00E+00;0.0000");
}

#[test]
fn report_xlsx_is_byte_identical_across_runs_and_time_zones_and_in_the_manifest() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_into(a.path(), Some("UTC"));
    run_into(b.path(), Some("Pacific/Auckland"));
    let first = std::fs::read(a.path().join("report.xlsx")).unwrap();
    assert!(
        first == std::fs::read(b.path().join("report.xlsx")).unwrap(),
        "report.xlsx differs"
    );
    let mut archive = zip::ZipArchive::new(Cursor::new(first.as_slice())).unwrap();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        let time = entry.last_modified().unwrap();
        let stamp = (
            time.year(),
            time.month(),
            time.day(),
            time.hour(),
            time.minute(),
            time.second(),
        );
        assert_eq!(stamp, (1980, 1, 1, 0, 0, 0), "{:?}", entry.name());
    }
    let core = zip_text(&first, "docProps/core.xml");
    assert!(core.contains(">1980-01-01T00:00:00Z</dcterms:created>"), "{core}");
    let manifest: Value = serde_json::from_slice(&std::fs::read(a.path().join("manifest.json")).unwrap()).unwrap();
    let outputs = manifest["outputs"].as_array().unwrap();
    assert!(outputs.iter().any(|o| o == "report.xlsx"), "{outputs:?}");
    // Nothing of the swap is left beside the outputs.
    let beside: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        beside.iter().all(|n| !n.to_string_lossy().contains("staging")),
        "{beside:?}"
    );
}

#[test]
fn text_that_looks_like_a_formula_stays_text_and_report_writes_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("study.toml");
    let data = fixture("wilson-19-of-38.csv");
    let toml = format!(
        "title = \"=HYPERLINK(\\\"http://x\\\")\"\n[[inputs]]\nstudy = \"s\"\ntitle = \"+t\"\n\
         question = \"@SUM(1)\"\nsource = \"-2+3\"\npath = {data:?}\nwave_col = \"year\"\n"
    );
    std::fs::write(&config, toml).unwrap();
    let out = dir.path().join("out");
    let done = deptshare(&[
        "report",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(done.status.success(), "{}", stderr(&done));
    let bytes = std::fs::read(out.join("report.xlsx")).unwrap();
    let mut book = workbook(&bytes);
    let (_, notes) = rows(&mut book, "notes");
    let texts: Vec<&Data> = notes.iter().map(|r| &r[2]).collect();
    for text in ["=HYPERLINK(\"http://x\")", "+t", "@SUM(1)", "-2+3"] {
        assert!(
            texts.contains(&&Data::String(text.into())),
            "{text} is not a text cell: {texts:?}"
        );
    }
    for sheet in SHEETS {
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"report.xlsx\""), "{manifest}");
}
