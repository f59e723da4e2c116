//! Property tests: no bytes make detection or any reader panic, and the row account always holds.

use proptest::prelude::*;

use super::{Choice, InputFormat, InputSpec, inspect, read_bytes, sniff};
use crate::taxonomy::Taxonomy;

const FORMATS: [InputFormat; 8] = [
    InputFormat::Auto,
    InputFormat::Generic,
    InputFormat::Qualtrics,
    InputFormat::Surveymonkey,
    InputFormat::Limesurvey,
    InputFormat::GoogleForms,
    InputFormat::Typeform,
    InputFormat::Surveygizmo,
];

/// Reads `bytes` every way there is; panics only when an invariant breaks.
fn read_every_way(bytes: &[u8]) {
    let taxonomy = Taxonomy::builtin();
    let decoded = sniff::decode(bytes);
    let _ = sniff::detect(&decoded.text, sniff::delimiter(&decoded.text));
    for format in FORMATS {
        for (choice, include_incomplete) in [(Choice::Single, false), (Choice::Multi, true)] {
            let mut spec = InputSpec::new("prop.csv");
            spec.format = format;
            spec.choice = choice;
            spec.include_incomplete = include_incomplete;
            if let Ok(input) = read_bytes(&spec, bytes, &taxonomy) {
                let s = input.summary;
                assert_eq!(s.rows_read, s.rows_accepted + s.rows_rejected);
                assert_eq!(input.answers.len() as u64, s.rows_accepted);
                assert_eq!(input.rejects.len() as u64, s.rows_rejected);
            }
        }
        let mut spec = InputSpec::new("prop.csv");
        spec.format = format;
        let _ = inspect::describe_bytes(&spec, bytes, &taxonomy);
    }
}

/// Pieces real exports are made of, so that generated files get past the header checks.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "StartDate",
        "Finished",
        "ResponseId",
        "Q3_1",
        "Q3_2_TEXT",
        "{\"ImportId\":\"QID3\"}",
        "{'ImportId': 'QID2'}",
        "V1",
        "ResponseID",
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "Response",
        "Other (please specify)",
        "id",
        "submitdate",
        "lastpage",
        "SM1[SQ001]",
        "SM1_SQ002",
        "Q1. Wer? [Marketing]",
        "Timestamp",
        "year",
        "Marketing",
        "PR, Kommunikation",
        "Öffentlichkeitsarbeit",
        "1,2,3",
        "Y",
        "Yes",
        "No",
        "0",
        "1",
        "True",
        "2021",
        "5/1/2024 9:14:02",
        "-99",
        "",
        " - Selected Choice - ",
        ",",
        ";",
        "\t",
        "\"",
        "\n",
        "\r\n",
        "[",
        "]",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        read_every_way(&bytes);
    }

    #[test]
    fn export_shaped_text_never_panics(pieces in prop::collection::vec(piece(), 0..120), bom in any::<bool>()) {
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend(pieces.concat().into_bytes());
        read_every_way(&bytes);
    }
}
