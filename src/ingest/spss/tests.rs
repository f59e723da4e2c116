//! The SPSS reader on the committed fixtures, cut and damaged byte by byte.

use super::sav::{Value, parse};
use super::texts::{mr_set, mr_sets};

const FIXTURES: [&[u8]; 3] = [
    include_bytes!("../../../tests/data/binary/survey.sav"),
    include_bytes!("../../../tests/data/binary/survey-bytecode.sav"),
    include_bytes!("../../../tests/data/binary/survey.zsav"),
];

#[test]
fn every_cut_and_every_damaged_byte_is_an_error_or_a_reading_never_a_panic() {
    for bytes in FIXTURES {
        let whole = parse(bytes).unwrap();
        assert_eq!((whole.variables.len(), whole.cases.len()), (8, 8));
        // A cut is an error unless it only drops the end-of-data code after the last case.
        for cut in 0..bytes.len() {
            if let Ok(read) = parse(&bytes[..cut]) {
                assert_eq!(read.cases, whole.cases, "cut at {cut}");
            }
        }
        let mut damaged = bytes.to_vec();
        for at in 0..damaged.len() {
            for value in [0x00, 0x7f, 0xff] {
                let old = std::mem::replace(&mut damaged[at], value);
                let _ = parse(&damaged);
                damaged[at] = old;
            }
        }
    }
}

#[test]
fn values_labels_and_missing_values_as_written() {
    let sav = parse(FIXTURES[1]).unwrap();
    let q1 = sav.variables.iter().find(|v| v.name == "Q1").unwrap();
    assert_eq!(q1.label.as_deref(), Some("Which department leads\nyour social media?"));
    assert_eq!(q1.label_of(&Value::Number(Some(2.0))), Some("Öffentlichkeitsarbeit"));
    assert!(q1.missing.contains(&Value::Number(Some(9.0))));
    assert!(!q1.missing.contains(&Value::Number(Some(1.0))));
    let id = sav.variables.iter().position(|v| v.name == "ResponseId").unwrap();
    assert_eq!(sav.cases[7][id], Value::Text("R_8".into()));
    assert_eq!(sav.compression, "bytecode-compressed");
}

#[test]
fn multiple_response_set_definitions() {
    let sets = mr_sets("$mrset=D1 1 24 My multiple response set bool1 bool2\n$c=C 5 Items a b c\n");
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].name, "mrset");
    assert_eq!(sets[0].counted.as_deref(), Some("1"));
    assert_eq!(sets[0].label, "My multiple response set");
    assert_eq!(sets[0].variables, vec!["bool1", "bool2"]);
    assert_eq!((sets[1].counted.as_deref(), sets[1].variables.len()), (None, 3));
    assert_eq!(
        mr_set("$e=E 11 1 1 0  x y").map(|s| s.variables),
        Some(vec!["x".into(), "y".into()])
    );
}

/// A file with a category set `$cat` over c1, c2 and a dichotomy set `$dich` (counted value 1)
/// over d1, d2, built in memory (pyreadstat cannot write multiple-response sets).
fn with_sets() -> super::sav::Sav {
    let var = |name: &str, width: usize, label: &str, slot: usize| super::sav::Variable {
        short_name: name.to_uppercase(),
        name: name.into(),
        label: Some(label.into()),
        width,
        format: if width == 0 { 5 } else { 1 },
        missing: Default::default(),
        value_labels: Vec::new(),
        segments: vec![(slot, width.max(8))],
    };
    let text = |t: &str| Value::Text(t.into());
    let num = |x: f64| Value::Number(Some(x));
    let set = |name: &str, counted: Option<&str>, vars: &[&str]| super::sav::MrSet {
        name: name.into(),
        label: format!("{name} question"),
        counted: counted.map(str::to_string),
        variables: vars.iter().map(|v| v.to_uppercase()).collect(),
    };
    super::sav::Sav {
        product: "test".into(),
        encoding: encoding_rs::UTF_8,
        compression: "uncompressed",
        variables: vec![
            var("c1", 8, "First choice", 0),
            var("c2", 8, "Second choice", 1),
            var("d1", 0, "Who? - Marketing", 2),
            var("d2", 0, "Who? - PR", 3),
        ],
        mr_sets: vec![set("cat", None, &["c1", "c2"]), set("dich", Some("1"), &["d1", "d2"])],
        cases: vec![
            vec![text("HR"), text("IT"), num(1.0), num(0.0)],
            vec![text("Sales"), text(""), num(1.0), num(1.0)],
        ],
    }
}

#[test]
fn multiple_response_sets_are_one_question_each() {
    let survey = super::survey(&crate::ingest::InputSpec::new("sets.sav"), &with_sets());
    let codes: Vec<&str> = survey.questions.iter().map(|q| q.code.as_str()).collect();
    assert_eq!(codes, vec!["cat", "dich"]);
    let options = |i: usize| {
        survey.questions[i]
            .parts
            .iter()
            .map(|p| p.option.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(options(0), vec![None, None]);
    assert_eq!(options(1), vec![Some("Marketing".to_string()), Some("PR".to_string())]);
    let rows: Vec<Vec<&str>> = survey.records.iter().map(|(_, r)| r.iter().collect()).collect();
    assert_eq!(rows, vec![vec!["HR", "IT", "1", "0"], vec!["Sales", "", "1", "1"]]);
    assert_eq!(survey.records[1].0, 2);
}
