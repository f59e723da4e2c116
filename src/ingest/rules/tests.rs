//! The row rules one by one, and two careful readers on the same rows.

use super::*;

/// id, wave, weight, stratum, psu, fpc, size, department.
fn rules() -> Rules {
    Rules {
        width: 8,
        wave: Wave::Column(1),
        respondent: Some(0),
        weight: Some(2),
        stratum: Some(3),
        psu: Some(4),
        fpc: Some(5),
        segment: Some(6),
        calibration: Vec::new(),
        lossy: None,
        numbers: Numbers::default(),
    }
}

fn check(rules: &Rules, row: &str, keys: &mut BTreeSet<(i32, String)>) -> Result<String, String> {
    let cells: Vec<&str> = row.split(',').collect();
    rules.row(&cells, keys).map(|r| format!("{r:?}"))
}

#[test]
fn each_rule_gives_its_reason() {
    let rules = rules();
    let mut keys = BTreeSet::new();
    let cases = [
        (" , ,,,,,,", BLANK_ROW.to_string()),
        ("1,2020,1", "ragged row: 3 fields where the header has 8".to_string()),
        ("1,x,1,s,p,10,big,PR", "wave `x` is not a whole number".to_string()),
        (" ,2020,1,s,p,10,big,PR", "empty respondent id".to_string()),
        ("1,2020,0,s,p,10,big,PR", "weight `0` is not above zero".to_string()),
        // The row above took id 1 before its weight was refused.
        (
            "1,2020,1,s,p,10,big,PR",
            "duplicate respondent `1` in wave 2020".to_string(),
        ),
        ("2,2020,-1,s,p,10,big,PR", "weight `-1` is not above zero".to_string()),
        ("3,2020,abc,s,p,10,big,PR", "weight `abc` is not a number".to_string()),
        ("4,2020,,s,p,10,big,PR", "missing weight".to_string()),
        ("5,2020,1, ,p,10,big,PR", "empty stratum".to_string()),
        ("6,2020,1,s,,10,big,PR", "empty psu".to_string()),
        ("7,2020,1,s,p,0,big,PR", "fpc `0` is not a positive number".to_string()),
    ];
    for (row, reason) in cases {
        assert_eq!(check(&rules, row, &mut keys), Err(reason), "{row}");
    }
    // The same id in another wave is another respondent.
    assert!(check(&rules, "1,2021,1,s,p,10,big,PR", &mut keys).is_ok());
}

#[test]
fn the_first_failing_rule_in_the_fixed_order_names_the_row() {
    let rules = rules();
    let mut keys = BTreeSet::new();
    // Bad wave and empty id: the wave is checked first.
    assert_eq!(
        check(&rules, ",x,0,,,0,,", &mut keys),
        Err("wave `x` is not a whole number".to_string())
    );
    // Bad weight, empty stratum and psu, bad fpc: the weight.
    assert_eq!(
        check(&rules, "9,2020,0,,,0,,", &mut keys),
        Err("weight `0` is not above zero".to_string())
    );
    // Empty stratum and psu: the stratum.
    assert_eq!(
        check(&rules, "10,2020,1,,,0,,", &mut keys),
        Err("empty stratum".to_string())
    );
}

#[test]
fn an_accepted_row_borrows_trimmed_cells_and_an_empty_segment_is_missing() {
    let rules = rules();
    let cells = [" r1 ", " 2020", "1,5", " s1", "p1 ", "100", "  ", "Marketing"];
    let row = rules.row(&cells, &mut BTreeSet::new()).unwrap();
    assert_eq!(
        row,
        Row {
            wave: 2020,
            respondent: Some("r1"),
            weight: 1.5,
            stratum: Some("s1"),
            psu: Some("p1"),
            fpc: Some(100.0),
            segment: Some(MISSING_SEGMENT),
            calibration: [""; MAX_CALIBRATION_VARS],
            weighting: 0,
        }
    );
    let answer = row.answer(7, vec!["Marketing".into()]);
    assert_eq!(
        (answer.respondent.as_str(), answer.segment.as_deref()),
        ("r1", Some("(missing)"))
    );
}

#[test]
fn without_id_column_rows_are_named_by_line_and_never_duplicates() {
    let rules = Rules {
        width: 2,
        wave: Wave::Fixed(2022),
        respondent: None,
        weight: None,
        stratum: None,
        psu: None,
        fpc: None,
        segment: None,
        calibration: Vec::new(),
        lossy: None,
        numbers: Numbers::default(),
    };
    let mut keys = BTreeSet::new();
    for line in [2, 3] {
        let row = rules.row(&["a", "PR"], &mut keys).unwrap();
        assert_eq!((row.wave, row.weight, row.respondent), (2022, 1.0, None));
        assert_eq!(row.answer(line, Vec::new()).respondent, format!("line-{line}"));
    }
    assert!(keys.is_empty());
}

#[test]
fn dates_and_invalid_bytes() {
    let rules = Rules {
        width: 2,
        wave: Wave::Date(0),
        respondent: None,
        weight: None,
        stratum: None,
        psu: None,
        fpc: None,
        segment: None,
        calibration: Vec::new(),
        lossy: Some(vec!["Date".into(), "Q2".into()]),
        numbers: Numbers::default(),
    };
    let mut keys = BTreeSet::new();
    assert_eq!(rules.row(&["5/1/2024 9:00", "PR"], &mut keys).unwrap().wave, 2024);
    assert_eq!(
        rules.row(&["soon", "PR"], &mut keys),
        Err("no year in date `soon`".to_string())
    );
    // Invalid bytes come before the wave.
    assert_eq!(
        rules.row(&["soon", "P\u{FFFD}"], &mut keys),
        Err("invalid bytes in column `Q2` (not valid text)".to_string())
    );
}

#[test]
fn absurd_weights_are_refused_not_overflowed() {
    assert_eq!(parse_weight("1e100", &Numbers::default()), Ok(1e100));
    assert_eq!(
        parse_weight("1e300", &Numbers::default()),
        Err("weight `1e300` is larger than 1e100".to_string())
    );
    assert_eq!(
        parse_weight("0", &Numbers::default()),
        Err("weight `0` is not above zero".to_string())
    );
    assert!(parse_weight("inf", &Numbers::default()).is_err());
    // Squared, 1e-170 underflows to zero and every interval lost its variance.
    assert_eq!(parse_weight("1e-100", &Numbers::default()), Ok(1e-100));
    let tiny = parse_weight("1e-170", &Numbers::default()).err().unwrap_or_default();
    assert!(tiny.contains("smaller than 1e-100"), "{tiny}");
}

#[test]
fn fast_trim_is_str_trim() {
    for cell in ["", " ", "a", " a", "a ", "\ta\n", "é ", " é", "\u{a0}x\u{a0}", "a b"] {
        assert_eq!(trim(cell), cell.trim(), "{cell:?}");
    }
}

/// The plain CSV and the Qualtrics export of `tests/data/rows` hold the same data rows (the
/// export two lines further down): the two careful readers give the same answers and rejects.
#[test]
fn plain_csv_and_a_survey_export_keep_the_same_respondents() {
    use crate::ingest::{InputSpec, RawInput, read_bytes};
    let read = |name: &str, text: &str| -> RawInput {
        let mut spec = InputSpec::new(name);
        spec.weight_col = Some("weight".into());
        spec.strata_col = Some("region".into());
        spec.psu_col = Some("psu".into());
        spec.fpc_col = Some("fpc".into());
        spec.by_col = Some("size".into());
        read_bytes(&spec, text.as_bytes(), &crate::taxonomy::Taxonomy::builtin()).unwrap()
    };
    let csv = read("awkward.csv", include_str!("../../../tests/data/rows/awkward.csv"));
    let export = read(
        "awkward-qualtrics.csv",
        include_str!("../../../tests/data/rows/awkward-qualtrics.csv"),
    );
    assert_eq!(export.spec.path, std::path::Path::new("awkward-qualtrics.csv"));
    assert_eq!(csv.summary, export.summary);
    assert_eq!((csv.summary.rows_accepted, csv.summary.rows_rejected), (9, 12));
    let moved: Vec<_> = csv
        .answers
        .iter()
        .map(|a| crate::ingest::RawAnswer {
            line: a.line + 2,
            ..a.clone()
        })
        .collect();
    assert_eq!(moved, export.answers);
    let reasons = |input: &RawInput, offset: u64| -> Vec<(u64, String)> {
        input
            .rejects
            .iter()
            .map(|r| (r.line + offset, r.reason.clone()))
            .collect()
    };
    assert_eq!(reasons(&csv, 2), reasons(&export, 0));
    let r12 = csv.answers.iter().find(|a| a.respondent == "R_12").unwrap();
    assert_eq!((r12.line, r12.segment.as_deref()), (15, Some(MISSING_SEGMENT)));
    let r13 = csv.answers.iter().find(|a| a.respondent == "R_13").unwrap();
    assert!(r13.labels.is_empty());
}
