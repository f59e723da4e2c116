//! Test helpers: sample charts, a small XML well-formedness check and PNG decoding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

pub fn bar(label: &str, share: f64, highlight: bool) -> Bar {
    let half = 1.96 * (share * (1.0 - share) / 100.0).sqrt();
    Bar {
        label: label.to_string(),
        share,
        interval: Some(((share - half).max(0.0), (share + half).min(1.0))),
        highlight,
    }
}

/// The Econsultancy 2010 split (reconstructed), in scrambled order.
pub fn econsultancy() -> BarChart {
    BarChart {
        title: "Who drives social media?".to_string(),
        subtitle: "Which department is primarily responsible for social media?".to_string(),
        source: "Source: Econsultancy 2010 (reconstructed), n = 100, 95 % Wilson intervals".to_string(),
        bars: vec![
            bar("PR", 0.21, true),
            bar("Customer service", 0.05, false),
            bar("Marketing", 0.35, true),
            bar("Cross-functional team", 0.19, false),
            bar("R&D <x>", 0.04, false),
            bar("Other", 0.16, false),
        ],
        group_note: Some("Marketing + PR = 56%".to_string()),
    }
}

/// Nine German categories including long labels.
pub fn german_nine() -> BarChart {
    BarChart {
        title: "Wer verantwortet Social Media?".to_string(),
        subtitle: "Welche Abteilung ist in Ihrem Unternehmen hauptverantwortlich für Social Media?".to_string(),
        source: "Quelle: Econsultancy 2010 (rekonstruiert), n = 100, 95-%-Wilson-Intervalle".to_string(),
        bars: vec![
            bar("Marketing", 0.35, true),
            bar("PR", 0.21, true),
            bar("Bereichsübergreifendes Team", 0.19, false),
            bar("Unternehmenskommunikation", 0.08, false),
            bar("Kundenservice", 0.055, false),
            bar("Vertrieb", 0.04, false),
            bar("IT", 0.03, false),
            bar("Geschäftsführung", 0.02, false),
            bar("Sonstige", 0.025, false),
        ],
        group_note: Some("Marketing + PR = 56\u{202F}%".to_string()),
    }
}

pub const SERIES_LABELS: [&str; 9] = [
    "Marketing",
    "PR",
    "Bereichsübergreifendes Team",
    "Unternehmenskommunikation",
    "Customer service",
    "Sales",
    "IT",
    "Management",
    "Other",
];

/// `n` series over `waves` waves starting in 2010, deterministic pseudo-data.
pub fn trend_chart(n: usize, waves: i32) -> TrendChart {
    let series = (0..n)
        .map(|i| {
            let base = [0.30, 0.20, 0.18, 0.10, 0.06, 0.05, 0.04, 0.03, 0.03][i % 9];
            let points = (0..waves)
                .map(|k| {
                    let drift = ((k as f64 * 0.7 + i as f64).sin()) * 0.02 + k as f64 * 0.004 * (i as f64 - 2.0);
                    let share = (base + drift).clamp(0.0, 1.0);
                    let half = 1.96 * (share * (1.0 - share) / 150.0).sqrt();
                    TrendPoint {
                        wave: 2010 + k,
                        share,
                        interval: Some(((share - half).max(0.0), (share + half).min(1.0))),
                    }
                })
                .collect();
            TrendSeries {
                label: SERIES_LABELS[i % 9].to_string(),
                points,
                highlight: i < 2,
            }
        })
        .collect();
    TrendChart {
        title: "Social media ownership over time".to_string(),
        subtitle: "Which department is primarily responsible for social media?".to_string(),
        source: "Source: deptshare synthetic waves, n = 150 per wave, 95 % Wilson intervals".to_string(),
        series,
    }
}

/// `waves` waves of nine single-choice categories (shares sum to 1 in each wave).
pub fn stacked_chart(waves: i32) -> StackedChart {
    let trend = trend_chart(9, waves);
    let categories = trend
        .series
        .iter()
        .map(|s| StackCategory {
            label: s.label.clone(),
            highlight: s.highlight,
        })
        .collect();
    let columns = (0..waves as usize)
        .map(|k| {
            let raw: Vec<f64> = trend.series.iter().map(|s| s.points[k].share).collect();
            let total: f64 = raw.iter().sum();
            StackColumn {
                wave: 2010 + k as i32,
                shares: raw.iter().map(|v| v / total).collect(),
            }
        })
        .collect();
    StackedChart {
        title: "Social media ownership, all departments".into(),
        subtitle: trend.subtitle,
        source: trend.source,
        categories,
        columns,
        group_label: Some("Marketing + PR".into()),
    }
}

/// Nine categories between 2018 and 2019, PR's rise significant.
pub fn change_chart() -> ChangeChart {
    let rows = [
        ("Marketing", 0.36, 0.31, false, true),
        ("PR", 0.20, 0.28, true, true),
        ("Bereichsübergreifendes Team", 0.15, 0.17, false, false),
        ("Unternehmenskommunikation", 0.09, 0.04, true, false),
        ("Customer service", 0.06, 0.06, false, false),
        ("Sales", 0.05, 0.055, false, false),
        ("IT", 0.03, 0.04, false, false),
        ("Management", 0.03, 0.02, false, false),
        ("Other", 0.03, 0.025, false, false),
    ];
    ChangeChart {
        title: "What changed from 2018 to 2019".into(),
        subtitle: "Which department is primarily responsible for social media?".into(),
        source: "Source: deptshare synthetic waves, n = 400 per wave".into(),
        from_wave: 2018,
        to_wave: 2019,
        rows: rows
            .iter()
            .map(|&(label, from, to, significant, highlight)| ChangeRow {
                label: label.into(),
                from,
                to,
                significant,
                highlight,
            })
            .collect(),
        significance_note: "significant at 5 % after Holm adjustment".into(),
    }
}

/// `n` panels of the nine German categories, shares shifted per panel.
pub fn panel_chart(n: usize) -> PanelChart {
    let base = german_nine();
    let panels = (0..n)
        .map(|i| Panel {
            title: [
                "Kleine Unternehmen (< 50)",
                "Mittlere Unternehmen",
                "Großunternehmen",
                "Öffentlicher Dienst",
            ][i % 4]
                .to_string(),
            bars: base
                .bars
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    bar(
                        &b.label,
                        (b.share + 0.01 * ((i * 3 + j) % 5) as f64).min(1.0),
                        b.highlight,
                    )
                })
                .collect(),
            note: Some(format!("Marketing + PR = {}\u{202F}%", 56 + i)),
        })
        .collect();
    PanelChart {
        title: "Wer verantwortet Social Media, nach Unternehmensgröße".into(),
        subtitle: base.subtitle,
        source: base.source,
        panels,
        keep_order: false,
    }
}

/// One chart of every kind.
pub fn all_kinds() -> Vec<Chart> {
    vec![
        Chart::Bar(econsultancy()),
        Chart::Trend(trend_chart(3, 4)),
        Chart::Stacked(stacked_chart(5)),
        Chart::Change(change_chart()),
        Chart::Panels(panel_chart(3)),
    ]
}

/// Start with `<svg`, only known entities, every opened element closed in order.
pub fn assert_wellformed(svg: &str) {
    assert!(svg.starts_with("<svg"), "does not start with <svg");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        check_entities(text);
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "'<' inside tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "mismatched close");
        } else if !tag.starts_with('?') && !tag.starts_with('!') && !tag.ends_with('/') {
            let name = tag.split_whitespace().next().expect("tag name");
            stack.push(name.to_string());
        }
        check_entities(tag);
        rest = &rest[end + 1..];
    }
    check_entities(rest);
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

fn check_entities(s: &str) {
    for (i, _) in s.match_indices('&') {
        let ent = &s[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| ent.starts_with(e)),
            "raw '&' in {s}"
        );
    }
}

/// (width, height, RGB bytes) of a PNG.
pub fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Number of distinct colours in the rows `y0..y1` of an RGB image `w` wide.
pub fn distinct_colors(rgb: &[u8], w: u32, y0: u32, y1: u32) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    let row = w as usize * 3;
    for px in rgb[y0 as usize * row..y1 as usize * row].chunks_exact(3) {
        seen.insert((px[0], px[1], px[2]));
    }
    seen.len()
}
