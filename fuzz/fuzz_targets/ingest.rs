//! Any bytes through format detection, every reader (auto, generic and each survey tool, single
//! and multiple choice) and `inspect`: errors are fine, panics are not, and the row account holds.
#![no_main]

use deptshare_fuzz::ingest::{Choice, InputFormat, InputSpec, inspect, read_bytes, sniff};
use deptshare_fuzz::taxonomy::Taxonomy;
use libfuzzer_sys::fuzz_target;

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

fuzz_target!(|data: &[u8]| {
    let taxonomy = Taxonomy::builtin();
    let decoded = sniff::decode(data);
    let delimiter = sniff::delimiter(&decoded.text);
    let _ = sniff::detect(&decoded.text, delimiter);
    for format in FORMATS {
        for choice in [Choice::Single, Choice::Multi] {
            let mut spec = InputSpec::new("fuzz.csv");
            spec.format = format;
            spec.choice = choice;
            spec.include_incomplete = data.first().is_some_and(|b| b & 1 == 1);
            if let Ok(input) = read_bytes(&spec, data, &taxonomy) {
                let s = input.summary;
                assert_eq!(s.rows_read, s.rows_accepted + s.rows_rejected);
                assert_eq!(input.answers.len() as u64, s.rows_accepted);
                assert_eq!(input.rejects.len() as u64, s.rows_rejected);
            }
        }
        let mut spec = InputSpec::new("fuzz.csv");
        spec.format = format;
        let _ = inspect::describe_bytes(&spec, data, &taxonomy);
    }
});
