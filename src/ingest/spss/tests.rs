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
