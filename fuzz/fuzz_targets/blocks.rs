//! Any bytes as a plain CSV through the block reader, in blocks of 1 to 64 bytes, against the
//! careful reader: where both read the file they give the same respondents (tally cells), rejects
//! (line and reason) and counts; where the block reader declines, nothing is compared. Errors are
//! fine (both must then fail), panics are not.
#![no_main]

use deptshare_fuzz::ingest::{Choice, InputSpec, RawInput, read_bytes, stream};
use deptshare_fuzz::responses;
use deptshare_fuzz::tally::Tally;
use deptshare_fuzz::taxonomy::Taxonomy;
use libfuzzer_sys::fuzz_target;

/// A tally's cells by name, sorted: (wave, segment, stratum, psu, set, n, Σw bits).
fn cells(tally: &Tally) -> Vec<(i32, String, String, String, String, u64, u64)> {
    let mut out: Vec<_> = tally
        .cells()
        .map(|(k, c)| {
            let unit = tally.units.get(k.unit).map(|u| u.label.clone()).unwrap_or_default();
            let segment = if k.segment == u32::MAX { String::new() } else { tally.segments.name(k.segment).to_string() };
            (k.wave, segment, tally.strata.name(k.stratum).to_string(), unit, tally.sets.name(k.set).to_string(), c.n, c.w.to_bits())
        })
        .collect();
    out.sort();
    // Cells of one place may be split across blocks: add equal keys up.
    out.dedup_by(|b, a| {
        let same = (a.0, &a.1, &a.2, &a.3, &a.4) == (b.0, &b.1, &b.2, &b.3, &b.4);
        if same {
            a.5 += b.5;
            a.6 = (f64::from_bits(a.6) + f64::from_bits(b.6)).to_bits();
        }
        same
    });
    out
}

fn rejects(input: &RawInput) -> Vec<(u64, String)> {
    let mut out: Vec<_> = input.rejects.iter().map(|r| (r.line, r.reason.clone())).collect();
    out.sort();
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, body)) = data.split_first() else { return };
    let taxonomy = Taxonomy::builtin();
    let dir = std::env::temp_dir().join(format!("deptshare-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("blocks.csv");
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let mut spec = InputSpec::new(&path);
    spec.choice = if control & 1 == 1 { Choice::Multi } else { Choice::Single };
    // Columns named when the header has them; the readers detect the rest.
    let header = String::from_utf8_lossy(body.split(|b| *b == b'\n').next().unwrap_or(b""));
    let has = |name: &str| header.split([',', ';', '\t']).any(|c| c.trim() == name);
    for (name, slot) in [("w", &mut spec.weight_col), ("s", &mut spec.strata_col), ("p", &mut spec.psu_col), ("g", &mut spec.by_col)] {
        if has(name) && control & 2 == 2 {
            *slot = Some(name.to_string());
        }
    }
    let block_bytes = 1 + (control as usize >> 2);
    let streamed = stream::read_with(&spec, &taxonomy, 0, block_bytes);
    let careful = read_bytes(&spec, body, &taxonomy).and_then(|input| {
        let mut tally = Tally::default();
        responses::tally(&input, &taxonomy, &mut tally).map(|_| (input, tally))
    });
    match (streamed, careful) {
        (Ok(None), _) => {}
        (Ok(Some(input)), Ok((want, want_tally))) => {
            let s = input.summary;
            assert_eq!(s.rows_read, s.rows_accepted + s.rows_rejected);
            assert_eq!(s, want.summary, "summaries differ");
            assert_eq!(rejects(&input), rejects(&want), "rejects differ");
            let tally = input.tally.as_ref().expect("a streamed input has a tally");
            let (got, expected) = (cells(tally), cells(&want_tally));
            let same = got.len() == expected.len()
                && got.iter().zip(&expected).all(|(a, b)| {
                    (a.0, &a.1, &a.2, &a.3, &a.4, a.5) == (b.0, &b.1, &b.2, &b.3, &b.4, b.5)
                        && (f64::from_bits(a.6) - f64::from_bits(b.6)).abs() <= 1e-9 * f64::from_bits(b.6).abs().max(1.0)
                });
            assert!(same, "tallies differ:\n{got:?}\n{expected:?}");
        }
        (Ok(Some(input)), Err(e)) => panic!("only the block reader read it: {e}; {:?}", input.summary),
        (Err(e), Ok(_)) => panic!("only the careful reader read it: {e}"),
        (Err(_), Err(_)) => {}
    }
});
