//! Small multiples: one compact bar chart per panel (segment or published study), all on one share scale.

use plotters::prelude::*;

use super::canvas::{Align, Canvas, Font};
use super::format::percent_auto;
use super::theme::Lang;
use super::{Bar, ChartError, Panel, PanelChart, check_finite, clamp_interval, clamp_share};

pub(super) fn validate(chart: &PanelChart) -> Result<(), ChartError> {
    if chart.panels.iter().all(|p| p.bars.is_empty()) {
        return Err(ChartError::Empty {
            what: "panels with bars",
        });
    }
    for p in &chart.panels {
        for b in &p.bars {
            check_finite(&format!("{}: {}", p.title, b.label), b.share, b.interval)?;
        }
    }
    Ok(())
}

/// (columns, rows) of the grid for `n` panels on a wide slide.
fn grid(n: usize) -> (usize, usize) {
    let cols = match n {
        0..=3 => n.max(1),
        4 => 2,
        5..=6 => 3,
        _ => 4,
    };
    (cols, n.div_ceil(cols).max(1))
}

/// Bars clamped, sorted by share unless the chart keeps its order.
fn rows(panel: &Panel, keep_order: bool) -> Vec<Bar> {
    let mut bars: Vec<Bar> = panel
        .bars
        .iter()
        .map(|b| Bar {
            share: clamp_share(b.share),
            interval: clamp_interval(b.interval),
            ..b.clone()
        })
        .collect();
    if !keep_order {
        bars.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.label.cmp(&b.label)));
    }
    bars
}

fn end(b: &Bar) -> f64 {
    b.interval.map_or(b.share, |(_, hi)| hi.max(b.share))
}

/// Placement of one panel.
struct Cell {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

pub(super) fn draw<DB: DrawingBackend>(cv: &Canvas<'_, DB>, chart: &PanelChart, lang: Lang) -> Result<(), ChartError> {
    validate(chart)?;
    let (s, m) = (cv.s, cv.margin());
    cv.fill_background()?;
    let top = cv.header(&chart.title, &chart.subtitle)? + 30.0 * s;
    let bottom = cv.footer(&chart.source)? - 30.0 * s;
    let panels: Vec<&Panel> = chart.panels.iter().filter(|p| !p.bars.is_empty()).collect();
    let (cols, nrows) = grid(panels.len());
    let (gap_x, gap_y) = (60.0 * s, 36.0 * s);
    let cell_w = ((cv.w - 2.0 * m - gap_x * (cols - 1) as f64) / cols as f64).max(1.0);
    let cell_h = ((bottom - top - gap_y * (nrows - 1) as f64) / nrows as f64).max(1.0);
    let most_bars = panels.iter().map(|p| p.bars.len()).max().unwrap_or(1) as f64;
    let title_font = Font::bold((30.0 * s).min(cell_h / 8.0).max(1.0));
    let any_note = panels
        .iter()
        .any(|p| p.note.as_deref().is_some_and(|n| !n.trim().is_empty()));
    let head = title_font.line_height() * if any_note { 2.0 } else { 1.0 } + 10.0 * s;
    let row_h = ((cell_h - head) / most_bars).max(1.0);
    let font_size = (26.0 * s).min(row_h * 0.62).max(1.0);

    // One label column and one scale for all panels, so bars compare across panels.
    let label_max = 0.5 * cell_w;
    let mut label_w: f64 = 0.0;
    let mut value_w: f64 = 0.0;
    for b in panels.iter().flat_map(|p| p.bars.iter()) {
        let font = Font {
            size: font_size,
            bold: b.highlight,
        };
        label_w = label_w.max(cv.text_width(&b.label, font)?.min(label_max));
        value_w = value_w.max(cv.text_width(&percent_auto(clamp_share(b.share), lang), font)?);
    }
    let max_end = panels
        .iter()
        .flat_map(|p| rows(p, true))
        .map(|b| end(&b))
        .fold(0.0, f64::max)
        .max(0.01);
    let plot_w = (cell_w - label_w - 16.0 * s - value_w - 14.0 * s).max(1.0);
    let k = plot_w / max_end;

    for (i, panel) in panels.iter().enumerate() {
        let cell = Cell {
            x: m + (i % cols) as f64 * (cell_w + gap_x),
            y: top + (i / cols) as f64 * (cell_h + gap_y),
            w: cell_w,
            h: cell_h,
        };
        let layout = PanelLayout {
            title_font,
            head,
            row_h,
            font_size,
            label_w,
            k,
        };
        draw_panel(cv, panel, chart.keep_order, &cell, &layout, lang)?;
    }
    Ok(())
}

/// Sizes shared by every panel.
struct PanelLayout {
    title_font: Font,
    head: f64,
    row_h: f64,
    font_size: f64,
    label_w: f64,
    /// Pixels per unit share.
    k: f64,
}

fn draw_panel<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    panel: &Panel,
    keep_order: bool,
    cell: &Cell,
    l: &PanelLayout,
    lang: Lang,
) -> Result<(), ChartError> {
    let (s, pal) = (cv.s, cv.pal);
    // A long title shrinks (down to 70 %) before it is shortened.
    let wide = cv.text_width(&panel.title, l.title_font)?;
    let shrink = (cell.w / wide.max(1.0)).clamp(0.7, 1.0);
    let title_font = Font::bold(l.title_font.size * shrink);
    let title = cv.fit(&panel.title, title_font, cell.w)?;
    let mut y = cell.y + l.title_font.ascent();
    cv.text(&title, (cell.x, y), title_font, pal.text.to_rgba(), Align::Left)?;
    if let Some(note) = panel.note.as_deref().filter(|n| !n.trim().is_empty()) {
        y += l.title_font.line_height();
        let font = Font::bold(l.title_font.size * 0.9);
        let note = cv.fit(note, font, cell.w)?;
        cv.text(
            &note,
            (cell.x, y),
            font,
            pal.readable(pal.accent).to_rgba(),
            Align::Left,
        )?;
    }
    let top = cell.y + l.head;
    let x0 = cell.x + l.label_w + 16.0 * s;
    let bar_h = (l.row_h * 0.66).min(60.0 * s);
    let bottom = top + l.row_h * panel.bars.len() as f64;
    for (j, b) in rows(panel, keep_order).iter().enumerate() {
        let cy = top + (j as f64 + 0.5) * l.row_h;
        let font = Font {
            size: l.font_size,
            bold: b.highlight,
        };
        let label = cv.fit(&b.label, font, l.label_w)?;
        let baseline = cy + font.cap_height() / 2.0;
        cv.text(
            &label,
            (x0 - 12.0 * s, baseline),
            font,
            pal.text.to_rgba(),
            Align::Right,
        )?;
        let color = if b.highlight { pal.accent } else { pal.neutral };
        if b.share * l.k >= 0.5 {
            cv.rect(
                (x0, cy - bar_h / 2.0),
                (x0 + b.share * l.k, cy + bar_h / 2.0),
                color.to_rgba(),
            )?;
        }
        if let Some((lo, hi)) = b.interval {
            let lw = (2.5 * s).max(1.0);
            let cap = bar_h * 0.25;
            let wc = pal.whisker.to_rgba();
            let (xl, xh) = (x0 + lo * l.k, x0 + hi * l.k);
            cv.line(&[(xl, cy), (xh, cy)], wc, lw)?;
            cv.line(&[(xl, cy - cap), (xl, cy + cap)], wc, lw)?;
            cv.line(&[(xh, cy - cap), (xh, cy + cap)], wc, lw)?;
        }
        let text = percent_auto(b.share, lang);
        cv.text(
            &text,
            (x0 + end(b) * l.k + 10.0 * s, baseline),
            font,
            pal.text.to_rgba(),
            Align::Left,
        )?;
    }
    cv.line(
        &[(x0, top), (x0, bottom.min(cell.y + cell.h))],
        pal.axis.to_rgba(),
        2.0 * s,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::*;
    use super::*;

    #[test]
    fn grid_fits_every_panel() {
        for n in 1..=16 {
            let (c, r) = grid(n);
            assert!(c * r >= n && c * (r - 1) < n, "{n}: {c}x{r}");
        }
        assert_eq!(grid(4), (2, 2));
        assert_eq!(grid(12), (4, 3));
    }

    #[test]
    fn svg_has_every_panel_and_note() {
        let chart = Chart::Panels(panel_chart(4));
        let svg = render_svg(
            &chart,
            &Style {
                lang: Lang::De,
                ..Style::default()
            },
        )
        .expect("svg");
        assert_wellformed(&svg);
        for title in [
            "Kleine Unternehmen (&lt; 50)",
            "Mittlere Unternehmen",
            "Großunternehmen",
            "Öffentlicher Dienst",
        ] {
            assert!(svg.contains(title), "missing {title}");
        }
        assert!(svg.contains("Marketing + PR = 59\u{202F}%"));
        assert!(svg.contains("Bereichsübergreifendes Team"));
    }

    #[test]
    fn empty_panels_are_an_error_and_odd_data_draws() {
        let mut c = panel_chart(2);
        for p in &mut c.panels {
            p.bars.clear();
        }
        assert!(matches!(
            render_svg(&Chart::Panels(c.clone()), &Style::default()),
            Err(ChartError::Empty { .. })
        ));
        c.panels[0].bars.push(bar("x", 1.0, true));
        c.panels[1].bars.push(Bar {
            label: "y".into(),
            share: 1.7,
            interval: Some((2.0, -1.0)),
            highlight: false,
        });
        for size in [Size { width: 1, height: 1 }, Size::default()] {
            let st = Style {
                size,
                ..Style::default()
            };
            assert!(render_png(&Chart::Panels(c.clone()), &st).is_ok());
        }
    }
}
