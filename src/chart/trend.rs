//! Trend chart: shares over survey waves, one line per series with interval bands and labels at the right end.

use plotters::prelude::*;

use super::canvas::{Align, Canvas, Font, spread};
use super::format::{percent_auto, share_ticks, wave_step};
use super::palette::Palette;
use super::theme::Lang;
use super::{ChartError, TrendChart, check_finite, clamp_interval, clamp_share};

/// (wave, share, interval) of one drawn point.
type Point = (i32, f64, Option<(f64, f64)>);

/// A series ready to draw: points sorted by wave, values clamped.
struct Line {
    label: String,
    color: RGBColor,
    dash: Option<(f64, f64)>,
    highlight: bool,
    points: Vec<Point>,
}

pub(super) fn validate(chart: &TrendChart) -> Result<(), ChartError> {
    if chart.series.iter().all(|s| s.points.is_empty()) {
        return Err(ChartError::Empty { what: "trend points" });
    }
    for s in &chart.series {
        for p in &s.points {
            check_finite(&format!("{} wave {}", s.label, p.wave), p.share, p.interval)?;
        }
    }
    Ok(())
}

/// Lines in the chart's order; colours (and print dashes) counted over the drawn series.
fn lines(chart: &TrendChart, palette: &Palette, s: f64) -> Vec<Line> {
    let drawn: Vec<_> = chart.series.iter().filter(|s| !s.points.is_empty()).collect();
    let highlights: Vec<bool> = drawn.iter().map(|s| s.highlight).collect();
    let colors = palette.item_colors(&highlights);
    let mut out = Vec::with_capacity(drawn.len());
    for (i, series) in drawn.into_iter().enumerate() {
        let mut points: Vec<_> = series
            .points
            .iter()
            .map(|p| (p.wave, clamp_share(p.share), clamp_interval(p.interval)))
            .collect();
        points.sort_by_key(|p| p.0);
        out.push(Line {
            label: series.label.clone(),
            color: palette.stroke(colors[i]),
            dash: palette.dash(i).map(|(on, off)| (on * s, off * s)),
            highlight: series.highlight,
            points,
        });
    }
    out
}

pub(super) fn draw<DB: DrawingBackend>(cv: &Canvas<'_, DB>, chart: &TrendChart, lang: Lang) -> Result<(), ChartError> {
    validate(chart)?;
    let pal = cv.pal;
    let s = cv.s;
    let lines = lines(chart, &pal, s);
    let m = cv.margin();

    cv.fill_background()?;
    let header_bottom = cv.header(&chart.title, &chart.subtitle)?;
    let footer_top = cv.footer(&chart.source)?;

    let tick_font = Font::regular(26.0 * s);
    let axis_baseline = header_bottom + 30.0 * s + tick_font.ascent();
    let plot_top = axis_baseline + 30.0 * s;
    let plot_bottom = footer_top - 36.0 * s - tick_font.line_height() - 16.0 * s;
    let plot_h = (plot_bottom - plot_top).max(1.0);

    // Share axis.
    let max_hi = lines
        .iter()
        .flat_map(|l| l.points.iter())
        .map(|&(_, v, iv)| iv.map_or(v, |(_, hi)| hi.max(v)))
        .fold(0.0, f64::max);
    let k_guess = plot_h / max_hi.max(0.01);
    let ticks = share_ticks(max_hi, 6, |step| step * k_guess >= tick_font.line_height() * 1.8);
    let y_max = ticks.last().copied().unwrap_or(1.0).max(0.01);
    let yp = |v: f64| plot_bottom - v / y_max * plot_h;
    let mut tick_w: f64 = 0.0;
    for &t in &ticks {
        tick_w = tick_w.max(cv.text_width(&percent_auto(t, lang), tick_font)?);
    }
    let x0 = m + tick_w + 18.0 * s;

    // Right-hand labels: font shrinks when many series share the height.
    let label_size = (28.0 * s).min(plot_h / (lines.len() as f64 * 1.25)).max(1.0);
    let label_gap = 22.0 * s;
    let max_label_w = 0.3 * cv.w;
    let mut labels = Vec::with_capacity(lines.len());
    let mut label_col_w: f64 = 0.0;
    for l in &lines {
        let font = Font {
            size: label_size,
            bold: l.highlight,
        };
        let text = cv.fit(&l.label, font, max_label_w)?;
        label_col_w = label_col_w.max(cv.text_width(&text, font)?);
        labels.push((text, font));
    }
    let x1 = cv.w - m - label_col_w - label_gap;
    let plot_w = (x1 - x0).max(1.0);

    // Wave axis.
    let w_min = lines
        .iter()
        .filter_map(|l| l.points.first())
        .map(|p| p.0)
        .min()
        .unwrap_or(0);
    let w_max = lines
        .iter()
        .filter_map(|l| l.points.last())
        .map(|p| p.0)
        .max()
        .unwrap_or(0);
    let pad = 28.0 * s;
    let span = (i64::from(w_max) - i64::from(w_min)) as f64;
    let xp = |w: i32| {
        if span <= 0.0 {
            x0 + plot_w / 2.0
        } else {
            x0 + pad + (f64::from(w) - f64::from(w_min)) / span * (plot_w - 2.0 * pad).max(0.0)
        }
    };
    let per_wave = if span <= 0.0 {
        plot_w
    } else {
        (plot_w - 2.0 * pad) / span
    };
    let widest_wave = cv
        .text_width(&w_min.to_string(), tick_font)?
        .max(cv.text_width(&w_max.to_string(), tick_font)?);
    let step = wave_step(|st| st as f64 * per_wave >= widest_wave * 1.5);

    // Grid and axes.
    for &t in &ticks {
        let color = if t == 0.0 { pal.axis } else { pal.grid };
        cv.line(&[(x0, yp(t)), (x1, yp(t))], color.to_rgba(), 2.0 * s)?;
        cv.text(
            &percent_auto(t, lang),
            (x0 - 14.0 * s, yp(t) + tick_font.cap_height() / 2.0),
            tick_font,
            pal.muted.to_rgba(),
            Align::Right,
        )?;
    }
    cv.text(
        lang.share_axis_title(),
        (m, axis_baseline),
        tick_font,
        pal.muted.to_rgba(),
        Align::Left,
    )?;
    let first_tick = i64::from(w_min) + (-i64::from(w_min)).rem_euclid(step);
    let mut w = first_tick;
    while w <= i64::from(w_max) {
        if let Ok(wave) = i32::try_from(w) {
            let x = xp(wave);
            cv.line(
                &[(x, plot_bottom), (x, plot_bottom + 10.0 * s)],
                pal.axis.to_rgba(),
                2.0 * s,
            )?;
            cv.text(
                &wave.to_string(),
                (x, plot_bottom + 16.0 * s + tick_font.ascent()),
                tick_font,
                pal.muted.to_rgba(),
                Align::Center,
            )?;
        }
        w += step;
    }

    // Non-highlighted series first so highlighted ones are on top.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| (lines[i].highlight, i));

    // Interval bands over runs of consecutive points that have an interval.
    // With many series, bands only for the highlighted ones (if any), or the picture turns to mud.
    let any_highlight = lines.iter().any(|l| l.highlight);
    let band_for = |l: &Line| lines.len() <= 3 || !any_highlight || l.highlight;
    for &i in &order {
        let l = &lines[i];
        if !band_for(l) {
            continue;
        }
        let alpha = if l.highlight { 0.2 } else { 0.12 };
        let color = l.color.mix(alpha);
        let mut run: Vec<(f64, f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64, f64)>| -> Result<(), ChartError> {
            if run.len() == 1 {
                let (x, lo, hi) = run[0];
                cv.line(&[(x, lo), (x, hi)], color, 6.0 * s)?;
            } else if run.len() > 1 {
                let mut poly: Vec<(f64, f64)> = run.iter().map(|&(x, _, hi)| (x, hi)).collect();
                poly.extend(run.iter().rev().map(|&(x, lo, _)| (x, lo)));
                cv.polygon(&poly, color)?;
            }
            run.clear();
            Ok(())
        };
        for &(wave, _, iv) in &l.points {
            match iv {
                Some((lo, hi)) => run.push((xp(wave), yp(lo), yp(hi))),
                None => flush(&mut run)?,
            }
        }
        flush(&mut run)?;
    }

    // Lines and markers.
    for &i in &order {
        let l = &lines[i];
        let (width, radius) = if l.highlight {
            (6.0 * s, 8.5 * s)
        } else {
            (3.0 * s, 6.0 * s)
        };
        let pts: Vec<(f64, f64)> = l.points.iter().map(|&(w, v, _)| (xp(w), yp(v))).collect();
        cv.dashed(&pts, l.color.to_rgba(), width, l.dash)?;
        // Many waves: markers only at the ends, or they crowd the line.
        let crowded = pts.len() > 12;
        for (j, &p) in pts.iter().enumerate() {
            if crowded && j != 0 && j + 1 != pts.len() {
                continue;
            }
            cv.circle(p, radius + 2.0 * s, pal.bg.to_rgba())?;
            cv.circle(p, radius, l.color.to_rgba())?;
        }
    }

    // Labels at the right, nudged apart.
    let ends: Vec<(f64, f64)> = lines
        .iter()
        .map(|l| l.points.last().map_or((x1, plot_bottom), |&(w, v, _)| (xp(w), yp(v))))
        .collect();
    let mut by_y: Vec<usize> = (0..lines.len()).collect();
    by_y.sort_by(|&a, &b| ends[a].1.total_cmp(&ends[b].1).then(a.cmp(&b)));
    let mut ys: Vec<f64> = by_y.iter().map(|&i| ends[i].1).collect();
    let gap = label_size * 1.2;
    spread(&mut ys, gap, plot_top, plot_bottom);
    let label_x = x1 + label_gap;
    for (slot, &i) in by_y.iter().enumerate() {
        let (text, font) = &labels[i];
        let (ex, ey) = ends[i];
        let y = ys[slot];
        let start = ex + 14.0 * s;
        if label_x - 6.0 * s > start {
            cv.line(
                &[(start, ey), (label_x - 6.0 * s, y)],
                lines[i].color.mix(0.6),
                (2.0 * s).max(1.0),
            )?;
        }
        let color = pal.readable(lines[i].color);
        cv.text(
            text,
            (label_x, y + font.cap_height() / 2.0),
            *font,
            color.to_rgba(),
            Align::Left,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::*;
    use super::*;

    #[test]
    fn svg_contains_labels_and_is_deterministic() {
        let chart = Chart::Trend(trend_chart(9, 8));
        let st = Style::default();
        let svg = render_svg(&chart, &st).expect("svg");
        assert_wellformed(&svg);
        assert!(svg.contains("Social media ownership over time"));
        for label in SERIES_LABELS {
            assert!(svg.contains(label), "missing {label}");
        }
        for wave in 2010..2018 {
            assert!(svg.contains(&format!(">\n{wave}\n<")), "missing wave {wave}");
        }
        assert_eq!(svg, render_svg(&chart, &st).expect("svg"));
    }

    #[test]
    fn png_decodes_with_text() {
        let chart = Chart::Trend(trend_chart(2, 20));
        let st = Style {
            theme: Theme::Dark,
            lang: Lang::De,
            size: Size {
                width: 1280,
                height: 720,
            },
        };
        let png = render_png(&chart, &st).expect("png");
        let (w, h, rgb) = decode_png(&png);
        assert_eq!((w, h), (1280, 720));
        assert!(distinct_colors(&rgb, w, 20, 75) > 5);
    }

    #[test]
    fn empty_and_edge_cases() {
        let mut c = trend_chart(0, 0);
        assert!(matches!(
            render_svg(&Chart::Trend(c.clone()), &Style::default()),
            Err(ChartError::Empty { .. })
        ));
        c.series.push(TrendSeries {
            label: "none".into(),
            points: vec![],
            highlight: false,
        });
        assert!(matches!(
            render_png(&Chart::Trend(c.clone()), &Style::default()),
            Err(ChartError::Empty { .. })
        ));
        c.series.push(TrendSeries {
            label: "edges".into(),
            points: vec![
                TrendPoint {
                    wave: i32::MAX,
                    share: 1.0,
                    interval: Some((1.0, 1.0)),
                },
                TrendPoint {
                    wave: i32::MIN,
                    share: 0.0,
                    interval: Some((0.0, 0.0)),
                },
                TrendPoint {
                    wave: 0,
                    share: 0.5,
                    interval: None,
                },
            ],
            highlight: true,
        });
        c.series.push(TrendSeries {
            label: "single".into(),
            points: vec![TrendPoint {
                wave: 3,
                share: 0.0,
                interval: Some((0.0, 0.2)),
            }],
            highlight: false,
        });
        let chart = Chart::Trend(c);
        for size in [
            Size { width: 1, height: 1 },
            Size {
                width: 4000,
                height: 200,
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
        let one = TrendChart {
            series: vec![TrendSeries {
                label: "one".into(),
                points: vec![TrendPoint {
                    wave: 1,
                    share: 0.3,
                    interval: None,
                }],
                highlight: false,
            }],
            ..trend_chart(0, 0)
        };
        assert!(render_png(&Chart::Trend(one), &Style::default()).is_ok());
    }
}
