//! Dumbbell chart of the change between two waves: a hollow dot for the earlier share, a filled one for the later, significant changes marked.

use plotters::prelude::*;

use super::canvas::{Align, Canvas, Font};
use super::format::{percent_auto, share_ticks};
use super::theme::Lang;
use super::{ChangeChart, ChartError, check_finite, clamp_share};

pub(super) fn validate(chart: &ChangeChart) -> Result<(), ChartError> {
    if chart.rows.is_empty() {
        return Err(ChartError::Empty { what: "changes" });
    }
    for r in &chart.rows {
        check_finite(&r.label, r.from, None)?;
        check_finite(&r.label, r.to, None)?;
    }
    Ok(())
}

/// The legend line under the header: hollow dot = from, filled dot = to, star = significant.
fn legend<DB: DrawingBackend>(cv: &Canvas<'_, DB>, chart: &ChangeChart, y: f64) -> Result<(), ChartError> {
    let (s, pal) = (cv.s, cv.pal);
    let font = Font::regular(26.0 * s);
    let r = 10.0 * s;
    let mut x = cv.margin() + r;
    let cy = y - font.cap_height() / 2.0;
    cv.circle((x, cy), r, pal.bg.to_rgba())?;
    cv.ring((x, cy), r, pal.text.to_rgba(), 3.0 * s)?;
    x += r + 10.0 * s;
    let from = chart.from_wave.to_string();
    cv.text(&from, (x, y), font, pal.text.to_rgba(), Align::Left)?;
    x += cv.text_width(&from, font)? + 40.0 * s + r;
    cv.circle((x, cy), r, pal.text.to_rgba())?;
    x += r + 10.0 * s;
    let to = chart.to_wave.to_string();
    cv.text(&to, (x, y), font, pal.text.to_rgba(), Align::Left)?;
    x += cv.text_width(&to, font)? + 40.0 * s;
    let note = cv.fit(
        &format!("* {}", chart.significance_note),
        font,
        (cv.w - cv.margin() - x).max(1.0),
    )?;
    cv.text(&note, (x, y), font, pal.muted.to_rgba(), Align::Left)
}

pub(super) fn draw<DB: DrawingBackend>(cv: &Canvas<'_, DB>, chart: &ChangeChart, lang: Lang) -> Result<(), ChartError> {
    validate(chart)?;
    let (s, m, pal) = (cv.s, cv.margin(), cv.pal);
    cv.fill_background()?;
    let header_bottom = cv.header(&chart.title, &chart.subtitle)?;
    let legend_y = header_bottom + 30.0 * s + Font::regular(26.0 * s).ascent();
    legend(cv, chart, legend_y)?;
    let plot_top = legend_y + 30.0 * s;
    let footer_top = cv.footer(&chart.source)?;
    let tick_font = Font::regular(26.0 * s);
    let plot_bottom = footer_top - 36.0 * s - 2.0 * tick_font.line_height() - 22.0 * s;
    let plot_h = (plot_bottom - plot_top).max(1.0);
    let row_h = plot_h / chart.rows.len() as f64;
    let label_size = (30.0 * s).min(row_h * 0.6).max(1.0);

    let mut label_w: f64 = 0.0;
    let mut labels = Vec::with_capacity(chart.rows.len());
    for r in &chart.rows {
        let font = Font {
            size: label_size,
            bold: r.highlight || r.significant,
        };
        let text = cv.fit(&r.label, font, 0.32 * cv.w)?;
        label_w = label_w.max(cv.text_width(&text, font)?);
        labels.push((text, font));
    }
    let x0 = m + label_w + 30.0 * s;
    let mut diff_w: f64 = 0.0;
    for r in &chart.rows {
        let font = Font::bold(label_size);
        diff_w = diff_w.max(cv.text_width(&format!("{} *", lang.points(r.to - r.from)), font)?);
    }
    let x1 = cv.w - m - diff_w - 30.0 * s;
    let max = chart
        .rows
        .iter()
        .map(|r| clamp_share(r.from).max(clamp_share(r.to)))
        .fold(0.0, f64::max);
    let whole = cv.text_width(&percent_auto(1.0, lang), tick_font)?;
    let ticks = share_ticks(max, 8, |step| step * (x1 - x0) / max.max(0.01) >= whole * 1.6);
    let x_max = ticks.last().copied().unwrap_or(1.0).max(0.01);
    let xp = |v: f64| x0 + clamp_share(v) / x_max * (x1 - x0).max(1.0);

    for &t in &ticks {
        cv.line(&[(xp(t), plot_top), (xp(t), plot_bottom)], pal.grid.to_rgba(), 2.0 * s)?;
        let baseline = plot_bottom + 14.0 * s + tick_font.ascent();
        cv.text(
            &percent_auto(t, lang),
            (xp(t), baseline),
            tick_font,
            pal.muted.to_rgba(),
            Align::Center,
        )?;
    }
    let title_baseline = plot_bottom + 22.0 * s + tick_font.ascent() + tick_font.line_height();
    let muted = pal.muted.to_rgba();
    cv.text(
        lang.share_axis_title(),
        (xp(x_max / 2.0), title_baseline),
        tick_font,
        muted,
        Align::Center,
    )?;

    let r = (12.0 * s).min(row_h * 0.28).max(1.0);
    for (i, row) in chart.rows.iter().enumerate() {
        let cy = plot_top + (i as f64 + 0.5) * row_h;
        let color = if row.highlight { pal.accent } else { pal.text };
        let bar = if row.highlight {
            pal.accent.mix(0.45)
        } else {
            pal.neutral.to_rgba()
        };
        cv.line(&[(xp(row.from), cy), (xp(row.to), cy)], bar, (6.0 * s).max(1.0))?;
        cv.circle((xp(row.from), cy), r, pal.bg.to_rgba())?;
        cv.ring((xp(row.from), cy), r, color.to_rgba(), (3.0 * s).max(1.0))?;
        cv.circle((xp(row.to), cy), r, color.to_rgba())?;
        let (text, font) = &labels[i];
        let baseline = cy + font.cap_height() / 2.0;
        cv.text(text, (x0 - 20.0 * s, baseline), *font, pal.text.to_rgba(), Align::Right)?;
        let mark = if row.significant { " *" } else { "" };
        let diff = format!("{}{mark}", lang.points(row.to - row.from));
        let diff_font = Font {
            size: label_size,
            bold: row.significant,
        };
        let diff_color = if row.significant { pal.text } else { pal.muted };
        let x = xp(row.from.max(row.to)) + r + 14.0 * s;
        cv.text(&diff, (x, baseline), diff_font, diff_color.to_rgba(), Align::Left)?;
    }
    cv.line(&[(x0, plot_top), (x0, plot_bottom)], pal.axis.to_rgba(), 2.0 * s)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::*;

    #[test]
    fn svg_marks_significant_changes() {
        let chart = Chart::Change(change_chart());
        let svg = render_svg(&chart, &Style::default()).expect("svg");
        assert_wellformed(&svg);
        assert!(svg.contains(">\n+8 pp *\n<"), "PR's rise is marked");
        assert!(svg.contains(">\n\u{2212}5 pp\n<"), "marketing's fall is not marked");
        assert!(svg.contains("* significant at 5 % after Holm adjustment"));
        let de = render_svg(
            &chart,
            &Style {
                lang: Lang::De,
                ..Style::default()
            },
        )
        .expect("svg");
        assert!(de.contains("+8\u{A0}Pp. *"));
        assert_eq!(svg, render_svg(&chart, &Style::default()).expect("svg"));
    }

    #[test]
    fn empty_and_nan_are_errors() {
        let mut c = change_chart();
        c.rows[0].to = f64::INFINITY;
        assert!(matches!(
            render_svg(&Chart::Change(c.clone()), &Style::default()),
            Err(ChartError::InvalidData(_))
        ));
        c.rows.clear();
        assert!(matches!(
            render_png(&Chart::Change(c), &Style::default()),
            Err(ChartError::Empty { .. })
        ));
    }

    #[test]
    fn extreme_values_draw() {
        let mut c = change_chart();
        c.rows[0].from = 0.0;
        c.rows[0].to = 1.0;
        c.rows[1].from = -0.5;
        for size in [Size { width: 1, height: 1 }, Size::default()] {
            let st = Style {
                size,
                ..Style::default()
            };
            assert!(render_png(&Chart::Change(c.clone()), &st).is_ok());
        }
    }
}
