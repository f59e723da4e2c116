//! Any bytes as a study config (TOML) through `Study::load`, and as a published table through the
//! aggregate reader (`read_published_with`, each decimal mark, and `aggregate::read` to estimates).
//! Errors are fine and must name the file; panics are not; an estimate read from a table never
//! holds a share outside [0, 1] or a NaN (issue 13, item 6).
#![no_main]

use deptshare_fuzz::aggregate;
use deptshare_fuzz::config::Study;
use deptshare_fuzz::ingest::aggregate::read_published_with;
use deptshare_fuzz::ingest::rules::Decimal;
use deptshare_fuzz::ingest::{InputFormat, InputSpec};
use deptshare_fuzz::stats::{Base, CiMethod, EstimateSettings, Group, LonelyPsu};
use deptshare_fuzz::taxonomy::Taxonomy;
use libfuzzer_sys::fuzz_target;

fn check_estimates(input: &aggregate::AggregateInput) {
    for e in &input.estimates {
        assert!((0.0..=1.0).contains(&e.share), "share {} of {e:?}", e.share);
        for bound in [e.se, e.ci_low, e.ci_high].into_iter().flatten() {
            assert!(bound.is_finite(), "{e:?}");
        }
        if let (Some(low), Some(high)) = (e.ci_low, e.ci_high) {
            assert!((0.0..=1.0).contains(&low) && low <= high && high <= 1.0, "{e:?}");
        }
    }
    let s = &input.summary;
    assert_eq!(s.rows_read, s.rows_accepted + s.rows_rejected, "{s:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, body)) = data.split_first() else { return };
    let dir = std::env::temp_dir().join(format!("deptshare-fuzz-config-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    // The config may name this table as an input or a published table.
    let table = dir.join("table.csv");
    let config = dir.join("study.toml");
    if std::fs::write(&table, body).is_err() || std::fs::write(&config, body).is_err() {
        return;
    }
    if let Err(e) = Study::load(&config) {
        assert!(e.to_string().contains("study.toml"), "{e}");
    }
    let decimal = [None, Some(Decimal::Point), Some(Decimal::Comma)][usize::from(control % 3)];
    let _ = read_published_with(&table, decimal);
    let mut spec = InputSpec::new(&table);
    spec.format = InputFormat::Aggregate;
    spec.decimal = decimal;
    let methods = CiMethod::ALL;
    let settings = EstimateSettings {
        method: methods[usize::from(control / 3) % methods.len()],
        base: Base::Answered,
        level: 0.95,
        groups: vec![Group::communications()],
        lonely_psu: LonelyPsu::Fail,
        declared: Vec::new(),
        weighting: Default::default(),
        segments: Default::default(),
    };
    match aggregate::read(&spec, &Taxonomy::builtin(), &settings) {
        Ok(input) => check_estimates(&input),
        Err(e) => assert!(e.to_string().contains("table.csv"), "{e}"),
    }
});
