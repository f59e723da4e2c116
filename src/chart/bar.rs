//! Horizontal share bar chart: sorted bars, interval whiskers, value labels and a bracketed group note.

use plotters::prelude::*;

use super::canvas::{Align, Canvas, Font};
use super::format::{percent_auto, share_ticks};
use super::note::GroupNote;
use super::theme::Lang;
use super::{BarChart, ChartError, check_finite, clamp_interval, clamp_share};

/// A bar ready to draw.
#[derive(Debug, Clone)]
struct Row {
    label: String,
    share: f64,
    interval: Option<(f64, f64)>,
    highlight: bool,
}

impl Row {
    /// Right end of bar or whisker.
    fn end(&self) -> f64 {
        self.interval.map_or(self.share, |(_, hi)| hi.max(self.share))
    }
}

pub(super) fn validate(chart: &BarChart) -> Result<(), ChartError> {
    if chart.bars.is_empty() {
        return Err(ChartError::Empty { what: "bars" });
    }
    for b in &chart.bars {
        check_finite(&b.label, b.share, b.interval)?;
    }
    Ok(())
}

/// Bars sorted by share descending (ties by label), except that the highlighted bars (the marked
/// group's members) stay together, so the group bracket spans members only: they form one block,
/// members inside by share, placed among the other bars by the members' total share.
fn sorted_rows(chart: &BarChart) -> Vec<Row> {
    let by_share = |a: &Row, b: &Row| b.share.total_cmp(&a.share).then_with(|| a.label.cmp(&b.label));
    let (mut members, mut others): (Vec<Row>, Vec<Row>) = chart
        .bars
        .iter()
        .map(|b| Row {
            label: b.label.clone(),
            share: clamp_share(b.share),
            interval: clamp_interval(b.interval),
            highlight: b.highlight,
        })
        .partition(|r| r.highlight);
    members.sort_by(by_share);
    others.sort_by(by_share);
    let total: f64 = members.iter().map(|r| r.share).sum();
    let at = others.partition_point(|r| r.share >= total);
    others.splice(at..at, members);
    others
}

pub(super) fn draw<DB: DrawingBackend>(cv: &Canvas<'_, DB>, chart: &BarChart, lang: Lang) -> Result<(), ChartError> {
    validate(chart)?;
    let rows = sorted_rows(chart);
    let s = cv.s;
    let m = cv.margin();
    let pal = cv.pal;

    cv.fill_background()?;
    let plot_top = cv.header(&chart.title, &chart.subtitle)? + 40.0 * s;
    let footer_top = cv.footer(&chart.source)?;

    let tick_font = Font::regular(26.0 * s);
    let axis_font = Font::regular(26.0 * s);
    let tick_baseline_gap = 14.0 * s + tick_font.ascent();
    let axis_title_gap = tick_font.line_height() + 8.0 * s;
    let plot_bottom = footer_top - 36.0 * s - axis_title_gap - tick_baseline_gap;
    let plot_h = (plot_bottom - plot_top).max(1.0);

    let n = rows.len() as f64;
    let row_h = plot_h / n;
    let bar_h = (row_h * 0.62).min(84.0 * s);
    let label_size = (30.0 * s).min(row_h * 0.55).max(1.0);

    // Row labels: wrap long ones onto two lines when the row is tall enough.
    let max_label_w = 0.34 * cv.w;
    let label_lines_max = if row_h >= 2.5 * label_size { 2 } else { 1 };
    let mut labels: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    let mut label_col_w: f64 = 0.0;
    for r in &rows {
        let font = Font {
            size: label_size,
            bold: r.highlight,
        };
        let lines = if cv.text_width(&r.label, font)? <= max_label_w {
            vec![r.label.clone()]
        } else {
            cv.wrap(&r.label, font, max_label_w, label_lines_max)?
        };
        for line in &lines {
            label_col_w = label_col_w.max(cv.text_width(line, font)?);
        }
        labels.push(lines);
    }
    let x0 = m + label_col_w + 22.0 * s;

    // Group note column at the right.
    let note = GroupNote::layout(cv, chart.group_note.as_deref())?;
    let x1 = cv.w - m - note.as_ref().map_or(0.0, GroupNote::column_width);
    let plot_w = (x1 - x0).max(1.0);

    // Value labels, and a scale at which every label fits right of its bar or whisker.
    let value_gap = 14.0 * s;
    let mut values = Vec::with_capacity(rows.len());
    let mut k_fit = f64::INFINITY;
    for r in &rows {
        let font = Font {
            size: label_size,
            bold: r.highlight,
        };
        let text = percent_auto(r.share, lang);
        let w = cv.text_width(&text, font)?;
        if r.end() > 0.0 {
            k_fit = k_fit.min((plot_w - value_gap - w) / r.end());
        }
        values.push((text, font));
    }
    let max_end = rows.iter().map(Row::end).fold(0.0, f64::max);
    let whole_tick = cv.text_width(&percent_auto(1.0, lang), tick_font)?;
    let half_tick = cv.text_width(&percent_auto(0.875, lang), tick_font)?;
    let k_guess = k_fit.min(plot_w / max_end.max(0.01));
    let ticks = share_ticks(max_end, 6, |step| {
        let widest = if step < 0.05 { half_tick } else { whole_tick };
        step * k_guess >= widest * 1.4
    });
    let x_max = ticks.last().copied().unwrap_or(1.0).max(0.01);
    let k = k_fit.min(plot_w / x_max).max(0.3 * plot_w / x_max);
    let xp = |v: f64| x0 + v * k;

    // Grid, zero line, tick labels, axis title.
    for &t in &ticks {
        cv.line(
            &[(xp(t), plot_top - 6.0 * s), (xp(t), plot_bottom)],
            pal.grid.to_rgba(),
            2.0 * s,
        )?;
        cv.text(
            &percent_auto(t, lang),
            (xp(t), plot_bottom + tick_baseline_gap),
            tick_font,
            pal.muted.to_rgba(),
            Align::Center,
        )?;
    }
    cv.text(
        lang.share_axis_title(),
        (xp(x_max / 2.0), plot_bottom + tick_baseline_gap + axis_title_gap),
        axis_font,
        pal.muted.to_rgba(),
        Align::Center,
    )?;

    // Bars, whiskers, value labels, row labels.
    let centre = |i: usize| plot_top + (i as f64 + 0.5) * row_h;
    for (i, r) in rows.iter().enumerate() {
        let cy = centre(i);
        let color = if r.highlight { pal.accent } else { pal.neutral };
        if r.share * k >= 0.5 {
            cv.rect((x0, cy - bar_h / 2.0), (xp(r.share), cy + bar_h / 2.0), color.to_rgba())?;
        }
        if let Some((lo, hi)) = r.interval {
            let cap = bar_h * 0.22;
            let wc = pal.whisker.to_rgba();
            let lw = (3.0 * s).max(1.0);
            cv.line(&[(xp(lo), cy), (xp(hi), cy)], wc, lw)?;
            cv.line(&[(xp(lo), cy - cap), (xp(lo), cy + cap)], wc, lw)?;
            cv.line(&[(xp(hi), cy - cap), (xp(hi), cy + cap)], wc, lw)?;
        }
        let (text, font) = &values[i];
        cv.text(
            text,
            (xp(r.end()) + value_gap, cy + font.cap_height() / 2.0),
            *font,
            pal.text.to_rgba(),
            Align::Left,
        )?;
        let font = Font {
            size: label_size,
            bold: r.highlight,
        };
        let lines = &labels[i];
        let first = cy + font.cap_height() / 2.0 - (lines.len() as f64 - 1.0) * font.line_height() / 2.0;
        for (j, line) in lines.iter().enumerate() {
            cv.text(
                line,
                (x0 - 20.0 * s, first + j as f64 * font.line_height()),
                font,
                pal.text.to_rgba(),
                Align::Right,
            )?;
        }
    }
    // Zero line on top of the bars' left edges.
    cv.line(
        &[(x0, plot_top - 6.0 * s), (x0, plot_bottom)],
        pal.axis.to_rgba(),
        2.0 * s,
    )?;

    if let Some(note) = &note {
        let spans: Vec<(f64, f64)> = (0..rows.len())
            .filter(|&i| rows[i].highlight)
            .map(|i| (centre(i) - bar_h / 2.0, centre(i) + bar_h / 2.0))
            .collect();
        note.draw(cv, x1, &spans, (plot_top, plot_bottom))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
