//! Unit tests of `bar`.

use super::super::test_util::*;
use super::super::*;
use super::*;

fn style(theme: Theme, lang: Lang) -> Style {
    Style {
        theme,
        lang,
        size: Size::default(),
    }
}

#[test]
fn sorts_descending_stable_ties_by_label() {
    let mut c = econsultancy();
    c.bars.push(bar("Aaa", 0.19, false));
    let rows = sorted_rows(&c);
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Marketing",
            "PR",
            "Aaa",
            "Cross-functional team",
            "Other",
            "Customer service",
            "R&D <x>"
        ]
    );
}

#[test]
fn group_members_stay_adjacent_placed_by_their_total() {
    let mut c = econsultancy();
    // Between Marketing (35 %) and PR (21 %), as Not reported is in the Econsultancy table.
    c.bars.push(bar("Not reported", 0.25, false));
    c.bars.push(bar("Everyone", 0.6, false));
    let rows = sorted_rows(&c);
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Everyone",
            "Marketing",
            "PR",
            "Not reported",
            "Cross-functional team",
            "Other",
            "Customer service",
            "R&D <x>"
        ]
    );
    // A small group sits where its total puts it, its members in order of share.
    let small = BarChart {
        bars: vec![
            bar("a", 0.5, false),
            bar("b", 0.02, true),
            bar("c", 0.3, false),
            bar("d", 0.1, true),
            bar("e", 0.05, false),
        ],
        ..c
    };
    let labels: Vec<String> = sorted_rows(&small).into_iter().map(|r| r.label).collect();
    assert_eq!(labels, ["a", "c", "d", "b", "e"]);
}

#[test]
fn svg_has_texts_escaped_and_is_deterministic() {
    let chart = Chart::Bar(econsultancy());
    let st = style(Theme::Light, Lang::En);
    let svg = render_svg(&chart, &st).expect("svg");
    assert_wellformed(&svg);
    assert!(svg.contains("Who drives social media?"));
    for label in ["PR", "Customer service", "Marketing", "Cross-functional team", "Other"] {
        assert!(svg.contains(label), "missing {label}");
    }
    assert!(svg.contains("R&amp;D &lt;x&gt;"), "label not escaped");
    for value in ["35%", "21%", "19%", "16%", "5%", "4%", "Marketing + PR = 56%"] {
        assert!(svg.contains(&format!(">\n{value}\n<")), "missing value {value}");
    }
    assert!(svg.contains("Share of respondents"));
    assert!(svg.contains("Source: Econsultancy 2010"));
    assert_eq!(svg, render_svg(&chart, &st).expect("svg"));
}

#[test]
fn german_svg_uses_german_numbers() {
    let chart = Chart::Bar(german_nine());
    let svg = render_svg(&chart, &style(Theme::Dark, Lang::De)).expect("svg");
    assert_wellformed(&svg);
    assert!(svg.contains("Anteil der Befragten"));
    assert!(svg.contains("5,5\u{202F}%"));
    assert!(svg.contains("Bereichsübergreifendes Team"));
    assert!(svg.contains("Unternehmenskommunikation"));
}

#[test]
fn png_size_and_text_drawn() {
    for theme in [Theme::Light, Theme::Dark] {
        let chart = Chart::Bar(german_nine());
        let png = render_png(&chart, &style(theme, Lang::De)).expect("png");
        let (w, h, rgb) = decode_png(&png);
        assert_eq!((w, h), (1920, 1080));
        // Title region: more than background and one text colour (anti-aliased glyphs).
        assert!(distinct_colors(&rgb, w, 30, 110) > 5);
        assert_eq!(png, render_png(&chart, &style(theme, Lang::De)).expect("png"));
    }
}

#[test]
fn empty_is_error() {
    let mut c = econsultancy();
    c.bars.clear();
    let chart = Chart::Bar(c);
    assert!(matches!(
        render_svg(&chart, &Style::default()),
        Err(ChartError::Empty { .. })
    ));
    assert!(matches!(
        render_png(&chart, &Style::default()),
        Err(ChartError::Empty { .. })
    ));
}

#[test]
fn edge_values_do_not_panic() {
    let c = BarChart {
        title: String::new(),
        subtitle: String::new(),
        source: String::new(),
        bars: vec![
            Bar {
                label: "all".into(),
                share: 1.0,
                interval: Some((0.9, 1.0)),
                highlight: true,
            },
            Bar {
                label: "none".into(),
                share: 0.0,
                interval: Some((0.0, 0.0)),
                highlight: false,
            },
            Bar {
                label: "odd".into(),
                share: 1.5,
                interval: Some((1.2, -0.3)),
                highlight: false,
            },
            Bar {
                label: "".into(),
                share: -0.1,
                interval: None,
                highlight: true,
            },
        ],
        group_note: Some(String::new()),
    };
    let chart = Chart::Bar(c.clone());
    for size in [
        Size { width: 1, height: 1 },
        Size {
            width: 300,
            height: 8000,
        },
        Size::default(),
    ] {
        let st = Style {
            size,
            ..Style::default()
        };
        assert!(render_svg(&chart, &st).is_ok());
        assert!(render_png(&chart, &st).is_ok());
    }
    let zeros = BarChart {
        bars: vec![Bar {
            label: "z".into(),
            share: 0.0,
            interval: None,
            highlight: false,
        }],
        group_note: Some("only note".into()),
        ..c
    };
    assert!(render_png(&Chart::Bar(zeros), &Style::default()).is_ok());
}
