//! 100 % stacked bars, one column per wave: the highlighted group at the bottom, labels at the right, the group's share in a row below.

use plotters::prelude::*;

use super::canvas::{Align, Canvas, Font, spread};
use super::format::{format_percent, percent_auto, wave_step};
use super::theme::Lang;
use super::{ChartError, StackedChart, check_finite, clamp_share};

pub(super) fn validate(chart: &StackedChart) -> Result<(), ChartError> {
    if chart.columns.is_empty() || chart.categories.is_empty() {
        return Err(ChartError::Empty {
            what: "stacked columns",
        });
    }
    for col in &chart.columns {
        if col.shares.len() != chart.categories.len() {
            return Err(ChartError::InvalidData(format!(
                "wave {} has {} shares for {} categories",
                col.wave,
                col.shares.len(),
                chart.categories.len()
            )));
        }
        for (cat, &share) in chart.categories.iter().zip(&col.shares) {
            check_finite(&format!("{} wave {}", cat.label, col.wave), share, None)?;
        }
    }
    Ok(())
}

/// Category indices bottom to top: highlighted first, each part in the given order.
fn stack_order(chart: &StackedChart) -> Vec<usize> {
    let mut order: Vec<usize> = (0..chart.categories.len()).collect();
    order.sort_by_key(|&i| (!chart.categories[i].highlight, i));
    order
}

/// Shares of one column in stack order, scaled to sum to 1 (a column of zeros stays zero).
fn column_parts(shares: &[f64], order: &[usize]) -> Vec<f64> {
    let parts: Vec<f64> = order.iter().map(|&i| clamp_share(shares[i])).collect();
    let total: f64 = parts.iter().sum();
    if total > 0.0 {
        parts.iter().map(|p| p / total).collect()
    } else {
        parts
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    chart: &StackedChart,
    lang: Lang,
) -> Result<(), ChartError> {
    validate(chart)?;
    let (s, m, pal) = (cv.s, cv.margin(), cv.pal);
    let order = stack_order(chart);
    let mut columns = chart.columns.clone();
    columns.sort_by_key(|c| c.wave);
    let highlights: Vec<bool> = order.iter().map(|&i| chart.categories[i].highlight).collect();
    let colors = pal.item_colors(&highlights);

    cv.fill_background()?;
    let plot_top = cv.header(&chart.title, &chart.subtitle)? + 36.0 * s;
    let footer_top = cv.footer(&chart.source)?;
    let tick_font = Font::regular(26.0 * s);
    let group = chart
        .group_label
        .as_deref()
        .filter(|g| !g.trim().is_empty() && highlights.contains(&true));
    let group_font = Font::bold(26.0 * s);
    let group_row = if group.is_some() {
        group_font.line_height() + 12.0 * s
    } else {
        0.0
    };
    let plot_bottom = footer_top - 30.0 * s - group_row - tick_font.line_height() - 14.0 * s;
    let plot_h = (plot_bottom - plot_top).max(1.0);
    let yp = |v: f64| plot_bottom - v * plot_h;

    let x0 = m + cv.text_width(&percent_auto(1.0, lang), tick_font)? + 18.0 * s;
    let label_size = (26.0 * s).min(plot_h / (order.len() as f64 * 1.2)).max(1.0);
    let mut labels = Vec::with_capacity(order.len());
    let mut label_w: f64 = 0.0;
    for (k, &i) in order.iter().enumerate() {
        let font = Font {
            size: label_size,
            bold: highlights[k],
        };
        let text = cv.fit(&chart.categories[i].label, font, 0.28 * cv.w)?;
        label_w = label_w.max(cv.text_width(&text, font)?);
        labels.push((text, font));
    }
    if let Some(g) = group {
        label_w = label_w.max(cv.text_width(&cv.fit(g, group_font, 0.28 * cv.w)?, group_font)?);
    }
    let x1 = cv.w - m - label_w - 40.0 * s;
    let n = columns.len() as f64;
    let slot = (x1 - x0).max(1.0) / n;
    let col_w = (slot * 0.72).min(150.0 * s);
    let cx = |j: usize| x0 + (j as f64 + 0.5) * slot;

    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        cv.line(&[(x0, yp(t)), (x1, yp(t))], pal.grid.to_rgba(), 2.0 * s)?;
        let text = percent_auto(t, lang);
        let baseline = yp(t) + tick_font.cap_height() / 2.0;
        cv.text(
            &text,
            (x0 - 12.0 * s, baseline),
            tick_font,
            pal.muted.to_rgba(),
            Align::Right,
        )?;
    }

    let value_font = Font::regular((22.0 * s).min(col_w / 3.0).max(1.0));
    // Values in every segment while they stay readable; with many waves only in the latest column.
    let values_in = |j: usize| columns.len() <= 10 || j + 1 == columns.len();
    let mut last_mids = vec![plot_bottom; order.len()];
    for (j, col) in columns.iter().enumerate() {
        let parts = column_parts(&col.shares, &order);
        let mut acc = 0.0;
        for (k, &p) in parts.iter().enumerate() {
            let (lo, hi) = (yp(acc), yp(acc + p));
            acc += p;
            last_mids[k] = (lo + hi) / 2.0;
            if lo - hi < 0.5 {
                continue;
            }
            let (l, r) = (cx(j) - col_w / 2.0, cx(j) + col_w / 2.0);
            cv.rect((l, hi), (r, lo), colors[k].to_rgba())?;
            // A hairline in the background colour keeps neighbouring segments apart in grey.
            cv.line(&[(l, hi), (r, hi)], pal.bg.to_rgba(), (1.5 * s).max(1.0))?;
            let text = format_percent(p, 0, lang);
            let fits = lo - hi >= value_font.line_height() && cv.text_width(&text, value_font)? <= col_w - 6.0 * s;
            if fits && p > 0.0 && values_in(j) {
                let baseline = (lo + hi) / 2.0 + value_font.cap_height() / 2.0;
                let color = pal.on(colors[k]).to_rgba();
                cv.text(&text, (cx(j), baseline), value_font, color, Align::Center)?;
            }
        }
    }
    cv.line(&[(x0, plot_bottom), (x1, plot_bottom)], pal.axis.to_rgba(), 2.0 * s)?;

    // Wave labels, thinned when they would collide, counted back from the latest wave (the one
    // a reader looks for first).
    let latest = columns.iter().map(|c| c.wave).max().unwrap_or(0);
    let widest = cv.text_width(&latest.to_string(), tick_font)?;
    let step = wave_step(|st| st as f64 * slot >= widest * 1.3).max(1) as usize;
    let wave_baseline = plot_bottom + 14.0 * s + tick_font.ascent();
    let last = columns.len() - 1;
    for (j, col) in columns.iter().enumerate() {
        if (last - j).is_multiple_of(step) {
            let muted = pal.muted.to_rgba();
            let at = (cx(j), wave_baseline);
            cv.text(&col.wave.to_string(), at, tick_font, muted, Align::Center)?;
        }
    }

    // The group's share of each wave, in a row under the wave labels.
    if let Some(g) = group {
        let baseline = wave_baseline + group_row;
        let count = highlights.iter().filter(|h| **h).count();
        let widest = cv.text_width(&format_percent(1.0, 0, lang), group_font)?;
        let every = wave_step(|st| st as f64 * slot >= widest * 1.2).max(1) as usize;
        let accent = pal.readable(pal.accent).to_rgba();
        for (j, col) in columns.iter().enumerate() {
            if (last - j).is_multiple_of(every) {
                let share: f64 = column_parts(&col.shares, &order)[..count].iter().sum();
                let text = format_percent(share, 0, lang);
                cv.text(&text, (cx(j), baseline), group_font, accent, Align::Center)?;
            }
        }
        let text = cv.fit(g, group_font, 0.28 * cv.w)?;
        cv.text(&text, (x1 + 40.0 * s, baseline), group_font, accent, Align::Left)?;
    }

    // Category labels at the right, next to the last column's segments.
    let mut by_y: Vec<usize> = (0..order.len()).collect();
    by_y.sort_by(|&a, &b| last_mids[a].total_cmp(&last_mids[b]).then(a.cmp(&b)));
    let mut ys: Vec<f64> = by_y.iter().map(|&k| last_mids[k]).collect();
    spread(&mut ys, label_size * 1.2, plot_top, plot_bottom);
    let label_x = x1 + 40.0 * s;
    let edge = cx(last) + col_w / 2.0;
    for (slot_i, &k) in by_y.iter().enumerate() {
        let (text, font) = &labels[k];
        let y = ys[slot_i];
        cv.line(
            &[(edge + 4.0 * s, last_mids[k]), (label_x - 8.0 * s, y)],
            pal.axis.to_rgba(),
            (2.0 * s).max(1.0),
        )?;
        cv.rect(
            (label_x - 8.0 * s - 10.0 * s, y - 5.0 * s),
            (label_x - 8.0 * s, y + 5.0 * s),
            colors[k].to_rgba(),
        )?;
        let color = if highlights[k] {
            pal.readable(colors[k])
        } else {
            pal.text
        };
        cv.text(
            text,
            (label_x + 6.0 * s, y + font.cap_height() / 2.0),
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
    fn highlighted_go_to_the_bottom_and_columns_sum_to_one() {
        let mut c = stacked_chart(3);
        c.categories.swap(0, 4);
        for col in &mut c.columns {
            col.shares.swap(0, 4);
        }
        let order = stack_order(&c);
        assert!(c.categories[order[0]].highlight && c.categories[order[1]].highlight);
        assert!(!c.categories[order[2]].highlight);
        let parts = column_parts(&[0.2, 0.2, 0.4], &[0, 1, 2]);
        assert!((parts.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(column_parts(&[0.0, 0.0], &[0, 1]), vec![0.0, 0.0]);
    }

    #[test]
    fn svg_has_labels_and_group_row() {
        let chart = Chart::Stacked(stacked_chart(20));
        let svg = render_svg(&chart, &Style::default()).expect("svg");
        assert_wellformed(&svg);
        for label in SERIES_LABELS {
            assert!(svg.contains(label), "missing {label}");
        }
        assert!(svg.contains("Marketing + PR"));
        // Wave labels count back from the latest: 2029 always, 2010 only when every wave fits.
        assert!(svg.contains(">\n2029\n<") && svg.contains(">\n2027\n<"));
        assert_eq!(svg, render_svg(&chart, &Style::default()).expect("svg"));
    }

    #[test]
    fn mismatched_shares_and_empty_are_errors() {
        let mut c = stacked_chart(2);
        c.columns[1].shares.pop();
        assert!(matches!(
            render_svg(&Chart::Stacked(c.clone()), &Style::default()),
            Err(ChartError::InvalidData(_))
        ));
        c.columns.clear();
        assert!(matches!(
            render_png(&Chart::Stacked(c), &Style::default()),
            Err(ChartError::Empty { .. })
        ));
    }

    #[test]
    fn tiny_and_zero_columns_draw() {
        let mut c = stacked_chart(1);
        c.columns[0].shares = vec![0.0; 9];
        for size in [Size { width: 1, height: 1 }, Size::default()] {
            let st = Style {
                size,
                ..Style::default()
            };
            assert!(render_png(&Chart::Stacked(c.clone()), &st).is_ok());
        }
    }
}
