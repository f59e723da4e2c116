//! `deptshare chart`: every kind as golden SVG in each theme, PNG size and text, alt text, and the kinds' errors.

use std::path::Path;

use crate::*;

const TRACKER: &str = "charts/tracker.csv";
const PUBLISHED: &str = "charts/published.csv";

/// Runs `deptshare chart KIND FILE --out DIR/NAME ARGS...`; returns the written bytes and the alt text.
fn draw(dir: &Path, name: &str, kind: &str, file: &str, args: &[&str]) -> (Vec<u8>, String) {
    let out_path = dir.join(name);
    let fixture = fixture(file);
    let mut all = vec!["chart", kind, fixture.as_str(), "--out", out_path.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = deptshare(&all);
    assert!(out.status.success(), "{kind} {args:?}: {}", stderr(&out));
    let alt = std::fs::read_to_string(out_path.with_extension("alt.txt")).unwrap();
    (std::fs::read(&out_path).unwrap(), alt)
}

/// (kind, extra args) of every kind the tracker fixture can draw, plus published.
fn kinds() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        ("bar", TRACKER, vec!["--title", "Tracker"]),
        ("trend", TRACKER, vec!["--title", "Tracker"]),
        ("stacked", TRACKER, vec!["--title", "Tracker"]),
        ("change", TRACKER, vec!["--title", "Tracker", "--from", "2022"]),
        ("published", PUBLISHED, vec![]),
        (
            "segments",
            "design/single.csv",
            vec!["--title", "Segments", "--by", "size", "--wave-col", "year"],
        ),
    ]
}

#[test]
fn every_kind_matches_its_golden_svg_in_every_theme() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, file, args) in kinds() {
        for (theme, lang) in [("light", "en"), ("dark", "de"), ("print", "en")] {
            let mut all = args.clone();
            all.extend(["--theme", theme, "--lang", lang, "--size", "1280x720"]);
            let name = format!("{kind}-{theme}.svg");
            let (svg, alt) = draw(dir.path(), &name, kind, file, &all);
            let text = String::from_utf8(svg.clone()).unwrap();
            assert!(text.contains("<title>") && text.contains("<desc>"), "{name}");
            assert!(alt.lines().count() == 2 && alt.ends_with(".\n"), "{name}: {alt}");
            let again = draw(dir.path(), &name, kind, file, &all).0;
            assert!(svg == again, "{name} differs on a rerun");
            golden(&root().join("tests/data/golden/charts").join(&name), &svg);
        }
    }
}

/// Distinct colours in rows `y0..y1` of an RGB8 PNG, and its size.
fn png_rows(bytes: &[u8], y0: usize, y1: usize) -> (u32, u32, usize) {
    let mut reader = png::Decoder::new(bytes).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let row = info.width as usize * 3;
    let colors: std::collections::BTreeSet<&[u8]> = buf[y0 * row..y1 * row].chunks_exact(3).collect();
    (info.width, info.height, colors.len())
}

#[test]
fn png_has_the_size_asked_for_and_text_in_the_title_band() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, file, args) in kinds() {
        let mut all = args.clone();
        all.extend(["--size", "1280x720", "--lang", "de"]);
        let (png, alt) = draw(dir.path(), &format!("{kind}.png"), kind, file, &all);
        let (w, h, title_colors) = png_rows(&png, 20, 70);
        assert_eq!((w, h), (1280, 720), "{kind}");
        // Glyph edges are anti-aliased: text gives many shades, an empty band one.
        assert!(title_colors > 5, "{kind}: no text drawn in the title band");
        assert!(alt.contains('%'), "{kind}: {alt}");
    }
    let (png, _) = draw(dir.path(), "default.png", "bar", TRACKER, &[]);
    assert_eq!(png_rows(&png, 0, 1).0, 1920, "default size is 1920x1080");
}

#[test]
fn alt_text_and_svg_desc_read_the_chart_out() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, alt) = draw(
        dir.path(),
        "bar.svg",
        "bar",
        TRACKER,
        &["--lang", "de", "--title", "Tracker"],
    );
    let svg = String::from_utf8(svg).unwrap();
    assert!(
        alt.starts_with("Welche Abteilung treibt Social Media? Tracker, 2024\n"),
        "{alt}"
    );
    assert!(alt.contains("PR / Öffentlichkeitsarbeit 29,3\u{202F}%"), "{alt}");
    assert!(
        alt.contains("Marketing + PR / Öffentlichkeitsarbeit = 55\u{202F}%"),
        "{alt}"
    );
    assert!(
        svg.contains(&format!("<desc>{}</desc>", alt.lines().nth(1).unwrap())),
        "desc = alt text"
    );
}

#[test]
fn source_line_can_be_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let (with, _) = draw(dir.path(), "a.svg", "bar", TRACKER, &[]);
    let (without, _) = draw(dir.path(), "b.svg", "bar", TRACKER, &["--no-source"]);
    let (with, without) = (String::from_utf8(with).unwrap(), String::from_utf8(without).unwrap());
    assert!(with.contains("Source: tracker.csv; wave 2024, n = 150; single choice; 95% wilson intervals"));
    assert!(!without.contains("Source:"));
}

#[test]
fn trend_draws_the_categories_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, alt) = draw(dir.path(), "t.svg", "trend", TRACKER, &["--categories", "hr,it"]);
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.contains(">\nHR\n<") && svg.contains(">\nIT\n<"));
    assert!(!svg.contains(">\nMarketing\n<"));
    assert!(alt.contains("HR 4% (2022) to 3.3% (2024)"), "{alt}");
}

#[test]
fn change_marks_the_significant_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, alt) = draw(
        dir.path(),
        "c.svg",
        "change",
        TRACKER,
        &["--from", "2022", "--to", "2024"],
    );
    let svg = String::from_utf8(svg).unwrap();
    // PR 20 -> 44 of 150 survives Holm; IT 8 -> 8 does not.
    assert!(svg.contains(">\n+16 pp *\n<"), "PR's rise is marked");
    assert!(svg.contains(">\n±0 pp\n<"), "IT unchanged, unmarked");
    assert!(alt.contains("after Holm adjustment"), "{alt}");
}

#[test]
fn kinds_that_cannot_be_drawn_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("x.svg");
    let out_path = out_file.to_str().unwrap();
    let out = deptshare(&["chart", "stacked", &fixture("multi.csv"), "--multi", "--out", out_path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("stacked bars need a single-choice question"),
        "{}",
        stderr(&out)
    );
    let tracker = fixture(TRACKER);
    let out = deptshare(&["chart", "change", &tracker, "--from", "2019", "--out", out_path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no estimates for wave 2019 (waves: 2022, 2023, 2024)"),
        "{}",
        stderr(&out)
    );
    let out = deptshare(&["chart", "bar", &tracker, "--chart-wave", "2030", "--out", out_path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no estimates for wave 2030"), "{}", stderr(&out));
    let out = deptshare(&["chart", "segments", &tracker, "--out", out_path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--by"), "{}", stderr(&out));
    let out = deptshare(&["chart", "bar", &tracker, "--theme", "neon", "--out", out_path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out_file.exists(), "nothing written on an error");
}

#[test]
fn a_given_group_is_the_one_the_chart_marks() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--multi", "--group", "comms=marketing,pr,customer_service"];
    let (svg, _) = draw(dir.path(), "group.svg", "bar", "multi.csv", &args);
    let text = String::from_utf8(svg).unwrap();
    assert!(
        text.contains("Marketing + PR + Customer service = 67%"),
        "the --group is marked"
    );
    assert!(!text.contains("Marketing + PR = "), "not the default group");
}
