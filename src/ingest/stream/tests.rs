//! The large-file path against the careful reader on generated files full of awkward rows, read in
//! blocks of a few bytes: same row account, same rejects at the same lines, same errors, and the
//! same domain sums (to rounding) as a tally of the careful reader's answers.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::read_with;
use crate::ingest::{Choice, InputSpec, RawInput, read_bytes};
use crate::responses;
use crate::stats::Group;
use crate::stats::domains::{Request, StudySums, study_sums};
use crate::tally::Tally;
use crate::taxonomy::Taxonomy;

const HEADER: [&str; 7] = ["id", "wave", "department", "weight", "stratum", "psu", "size"];

fn cell(column: usize) -> impl Strategy<Value = String> {
    let choices: &[&str] = match column {
        0 => &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "r2", " 3", ""],
        1 => &["2021", "2022", " 2023 ", "x", ""],
        2 => &[
            "Marketing",
            "PR",
            "Vertrieb",
            "HR",
            "",
            "Marketing;PR",
            "\"Sales, EMEA\"",
            "\"PR\"",
            "Marketingabteilung",
            "Öffentlichkeitsarbeit",
        ],
        3 => &["1", "2.5", "0", "-1", "", "abc", "\"1,5\"", "3"],
        4 => &["s1", "s2", "s1", ""],
        5 => &["p1", "p2", "p3", "p1"],
        // Stray quotes, a lone CR, a byte order mark inside the file: as csv reads them.
        _ => &[
            "small",
            "big",
            "",
            "\"big\nco\"",
            "\"say \"\"hi\"\"\"",
            "5\" x",
            "\"q\"after",
            "a\rb",
            "\u{feff}big",
            "Größe",
        ],
    };
    prop::sample::select(choices.to_vec()).prop_map(str::to_string)
}

/// A data line: a normal row, a ragged one, a blank line or a row of blank cells.
fn line() -> impl Strategy<Value = String> {
    let row = (0..HEADER.len()).map(cell).collect::<Vec<_>>();
    (row, 0..20u8).prop_map(|(cells, shape)| match shape {
        0 => String::new(),
        1 => ",,,,,,".to_string(),
        2 => cells[..5].join(","),
        3 => format!("{},extra", cells.join(",")),
        _ => cells.join(","),
    })
}

fn spec(path: &std::path::Path, choice: Choice) -> InputSpec {
    let mut spec = InputSpec::new(path);
    spec.study = "s".into();
    spec.choice = choice;
    spec.respondent_col = Some("id".into());
    spec.wave_col = Some("wave".into());
    spec.dept_col = Some("department".into());
    spec.weight_col = Some("weight".into());
    spec.strata_col = Some("stratum".into());
    spec.psu_col = Some("psu".into());
    spec.by_col = Some("size".into());
    spec
}

/// The careful reader's answers as a tally, with the label checks the pipeline makes.
fn careful(spec: &InputSpec, bytes: &[u8], taxonomy: &Taxonomy) -> Result<(RawInput, Tally), String> {
    let input = read_bytes(spec, bytes, taxonomy).map_err(|e| e.to_string())?;
    let mut tally = Tally::default();
    responses::tally(&input, taxonomy, &mut tally).map_err(|e| e.to_string())?;
    Ok((input, tally))
}

fn sums(tally: &Tally, multi: bool, base_all: bool) -> Result<StudySums, String> {
    let groups = [Group::communications()];
    let request = Request {
        study: "s",
        multi,
        clustered: true,
        design: true,
        segments: true,
        groups: &groups,
        base_all,
        waves: crate::stats::Waves::Independent,
    };
    study_sums(tally, &request).map_err(|e| e.to_string())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Every number of two `StudySums` equal to rounding, and the same keys.
fn same_sums(a: &StudySums, b: &StudySums) -> Result<(), String> {
    let keys = |m: &BTreeMap<_, _>| m.keys().cloned().collect::<Vec<_>>();
    if keys(&a.design) != keys(&b.design) || a.domains.keys().ne(b.domains.keys()) {
        return Err(format!("keys differ:\n{a:?}\n{b:?}"));
    }
    for (k, x) in &a.design {
        let y = &b.design[k];
        if !close(x.psus, y.psus) || x.population.is_some() != y.population.is_some() {
            return Err(format!("design {k:?}: {x:?} vs {y:?}"));
        }
    }
    for (domain, x) in &a.domains {
        let y = &b.domains[domain];
        if x.strata.keys().ne(y.strata.keys()) || x.categories.keys().ne(y.categories.keys()) {
            return Err(format!("{domain:?}: keys differ\n{x:?}\n{y:?}"));
        }
        for (s, p) in &x.strata {
            let q = &y.strata[s];
            let pairs = [
                (p.w, q.w),
                (p.ww, q.ww),
                (p.respondents, q.respondents),
                (p.psus, q.psus),
            ];
            if !pairs.iter().all(|(a, b)| close(*a, *b)) {
                return Err(format!("{domain:?} stratum {s}: {p:?} vs {q:?}"));
            }
        }
        for (c, by) in &x.categories {
            for (s, p) in by {
                let q = y.categories[c].get(s).copied().unwrap_or_default();
                let pairs = [(p.y, q.y), (p.yy, q.yy), (p.yw, q.yw), (p.count, q.count)];
                if !pairs.iter().all(|(a, b)| close(*a, *b)) {
                    return Err(format!("{domain:?} {c:?} {s}: {p:?} vs {q:?}"));
                }
            }
        }
    }
    Ok(())
}

/// How a generated file's text becomes bytes.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Utf8,
    /// Windows-1252 (German Excel); characters it lacks are left out.
    Windows1252,
    Utf16Le,
    Utf16Be,
    /// UTF-8 with a byte 0xFF after the `n`th line feed.
    BadByte(usize),
    /// A `#` comment line and a blank line before the header.
    Comment,
}

fn bytes_of(text: &str, shape: Shape) -> Vec<u8> {
    match shape {
        Shape::Utf8 => text.as_bytes().to_vec(),
        Shape::Windows1252 => text
            .chars()
            .filter_map(|c| u8::try_from(u32::from(c)).ok().filter(|b| !(0x80..0xA0).contains(b)))
            .collect(),
        Shape::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Shape::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        Shape::BadByte(n) => {
            let mut bytes = text.as_bytes().to_vec();
            let at = memchr::memchr_iter(b'\n', &bytes).nth(n).map_or(bytes.len(), |i| i + 1);
            bytes.insert(at, 0xFF);
            bytes
        }
        Shape::Comment => format!("# export\n\n{text}").into_bytes(),
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Utf8),
        Just(Shape::Windows1252),
        Just(Shape::Utf16Le),
        Just(Shape::Utf16Be),
        (0usize..40).prop_map(Shape::BadByte),
        Just(Shape::Comment),
    ]
}

/// Reads `text` both ways and compares; `Ok(false)` when the large-file path declined the file.
fn compare(text: &str, choice: Choice, block: usize) -> Result<bool, String> {
    compare_bytes(text.as_bytes(), choice, block)
}

/// `compare` for the bytes of a file.
fn compare_bytes(bytes: &[u8], choice: Choice, block: usize) -> Result<bool, String> {
    let taxonomy = Taxonomy::builtin();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("rows.csv");
    std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    let spec = spec(&path, choice);
    let careful = careful(&spec, bytes, &taxonomy);
    let stream = match read_with(&spec, &taxonomy, 0, block) {
        Ok(None) => return Ok(false),
        Ok(Some(input)) => Ok(input),
        Err(e) => Err(e.to_string()),
    };
    let ((input, tally), streamed) = match (careful, stream) {
        (Err(a), Err(b)) if a == b => return Ok(true),
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let (a, b) = (a.map(|(i, _)| i.summary), b.map(|i| i.summary));
            return Err(format!("careful {a:?}\nstream {b:?}"));
        }
    };
    if input.summary != streamed.summary || input.rejects != streamed.rejects {
        return Err(format!(
            "careful {:?} {:?}\nstream {:?} {:?}",
            input.summary, input.rejects, streamed.summary, streamed.rejects
        ));
    }
    let streamed = streamed.tally.ok_or("no tally")?;
    for base_all in [false, true] {
        let multi = choice == Choice::Multi;
        match (sums(&tally, multi, base_all), sums(&streamed, multi, base_all)) {
            (Ok(a), Ok(b)) => same_sums(&a, &b)?,
            (Err(a), Err(b)) if a == b => {}
            (a, b) => return Err(format!("sums: {a:?}\n{b:?}")),
        }
    }
    Ok(true)
}

proptest! {
    // STREAM_CASES=N searches longer (e.g. 5000 before a release).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("STREAM_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
    ))]

    #[test]
    fn tiny_blocks_read_what_the_careful_reader_reads(
        lines in prop::collection::vec(line(), 1..40),
        crlf in any::<bool>(),
        multi in any::<bool>(),
        block in 1usize..120,
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let text = format!("{}{end}{}{end}", HEADER.join(","), lines.join(end));
        let choice = if multi { Choice::Multi } else { Choice::Single };
        let result = compare(&text, choice, block);
        prop_assert!(result.is_ok(), "{}\n--- file:\n{text}", result.err().unwrap_or_default());
    }

    /// The same rows in other encodings, with a broken byte, or after a comment line: read by
    /// the block reader (never declined) as the careful reader reads them.
    #[test]
    fn every_shape_is_read_as_the_careful_reader_reads_it(
        lines in prop::collection::vec(line(), 1..30),
        crlf in any::<bool>(),
        shape in shape(),
        block in 1usize..80,
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let text = format!("{}{end}{}{end}", HEADER.join(","), lines.join(end));
        let bytes = bytes_of(&text, shape);
        let result = compare_bytes(&bytes, Choice::Single, block);
        let shown = String::from_utf8_lossy(&bytes);
        prop_assert!(result.is_ok(), "{:?} {}\n--- file:\n{:?}", shape, result.err().unwrap_or_default(), shown);
        // Declined only where the careful reader finds no data rows (and says so).
        if result == Ok(false) {
            let spec = spec(std::path::Path::new("rows.csv"), Choice::Single);
            let careful = read_bytes(&spec, &bytes, &Taxonomy::builtin());
            prop_assert!(careful.is_err(), "{:?}: declined\n--- file:\n{:?}", shape, shown);
        }
    }
}

#[test]
fn a_known_file_is_read_here_in_one_block_and_in_many() {
    let text = "id,wave,department,weight,stratum,psu,size\n\
                1,2021,Marketing,1.5,s1,p1,small\n\
                2,2021,PR,2,s1,p2,big\n\
                \n\
                3,2021,\"Vertrieb\",1,s2,p3,\"big\nco\"\n\
                3,2021,PR,1,s2,p3,small\n\
                4,x,PR,1,s2,p3,small\n";
    for block in [1, 7, 64, 1 << 20] {
        assert_eq!(compare(text, Choice::Single, block), Ok(true), "block {block}");
    }
}

proptest! {
    /// The word-at-a-time search finds exactly the bytes a byte loop finds, at every length and
    /// alignment, for any delimiter (high bytes included: the zero-byte test has no false hits).
    #[test]
    fn separators_are_the_delimiters_and_line_feeds_a_byte_loop_finds(
        bytes in prop::collection::vec(prop_oneof![Just(b','), Just(b'\n'), Just(b'\r'), Just(0u8), Just(0x80u8), any::<u8>()], 0..80),
        delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), Just(0u8), Just(0xffu8), any::<u8>()],
    ) {
        let found: Vec<usize> = super::block::Separators::new(&bytes, delimiter).collect();
        let expected: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == delimiter || bytes[i] == b'\n').collect();
        prop_assert_eq!(found, expected);
    }
}

#[test]
fn a_survey_of_a_few_megabytes_is_cut_into_blocks_for_every_core() {
    use super::{DEFAULT_BLOCK_BYTES, MIN_BLOCK_BYTES, sized_blocks};
    // 100,000 rows of the benchmark (4.6 MB): blocks of an eighth, not one block.
    assert_eq!(sized_blocks(4_601_050), 4_601_050 / 8);
    // A small file stays one block; a large one is read in blocks of 8 MiB.
    assert_eq!(sized_blocks(40_000), MIN_BLOCK_BYTES);
    assert_eq!(sized_blocks(480_065_515), DEFAULT_BLOCK_BYTES);
}
