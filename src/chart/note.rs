//! The bar chart's group note ("Marketing + PR = 56 %"): a bracket over the highlighted bars and a large label.

use plotters::prelude::*;

use super::ChartError;
use super::canvas::{Align, Canvas, Font};

/// A wrapped group note and the room it needs right of the plot.
pub(super) struct GroupNote {
    lines: Vec<String>,
    font: Font,
    text_w: f64,
    s: f64,
}

impl GroupNote {
    /// `None` when there is no (non-blank) note.
    pub fn layout<DB: DrawingBackend>(
        cv: &Canvas<'_, DB>,
        note: Option<&str>,
    ) -> Result<Option<GroupNote>, ChartError> {
        let Some(note) = note.filter(|n| !n.trim().is_empty()) else {
            return Ok(None);
        };
        let font = Font::bold(38.0 * cv.s);
        let lines = cv.wrap(note, font, 0.26 * cv.w, 3)?;
        let mut text_w: f64 = 0.0;
        for line in &lines {
            text_w = text_w.max(cv.text_width(line, font)?);
        }
        Ok(Some(GroupNote {
            lines,
            font,
            text_w,
            s: cv.s,
        }))
    }

    fn gap(&self) -> f64 {
        24.0 * self.s
    }

    fn arm(&self) -> f64 {
        22.0 * self.s
    }

    /// Width to keep free right of the plot.
    pub fn column_width(&self) -> f64 {
        self.gap() + self.arm() + 18.0 * self.s + self.text_w
    }

    /// Draws the note right of `x1`. `spans` are (top, bottom) of the highlighted bars in
    /// drawing order; with none, the note is a callout at the top of the plot band.
    pub fn draw<DB: DrawingBackend>(
        &self,
        cv: &Canvas<'_, DB>,
        x1: f64,
        spans: &[(f64, f64)],
        (plot_top, plot_bottom): (f64, f64),
    ) -> Result<(), ChartError> {
        let s = self.s;
        let lh = self.font.line_height();
        let block = (self.lines.len() as f64 - 1.0) * lh + self.font.cap_height();
        let bx = x1 + self.gap();
        let accent = cv.pal.accent.to_rgba();
        let (mid, text_x) = match (spans.first(), spans.last()) {
            (Some(&(ya, _)), Some(&(_, yb))) => {
                let tick = 14.0 * s;
                let lw = (4.0 * s).max(1.0);
                cv.line(&[(bx - tick, ya), (bx, ya), (bx, yb), (bx - tick, yb)], accent, lw)?;
                // Non-contiguous highlights: a tick at each inner highlighted bar.
                for &(t, b) in spans.iter().skip(1).take(spans.len().saturating_sub(2)) {
                    let c = (t + b) / 2.0;
                    cv.line(&[(bx - tick, c), (bx, c)], accent, lw)?;
                }
                let mid = (ya + yb) / 2.0;
                cv.line(&[(bx, mid), (bx + self.arm(), mid)], accent, lw)?;
                (mid, bx + self.arm() + 12.0 * s)
            }
            _ => (plot_top + block / 2.0, bx),
        };
        // Keep the note block inside the plot band.
        let top = (mid - block / 2.0).clamp(plot_top, (plot_bottom - block).max(plot_top));
        for (j, line) in self.lines.iter().enumerate() {
            let baseline = top + self.font.cap_height() + j as f64 * lh;
            cv.text(line, (text_x, baseline), self.font, accent, Align::Left)?;
        }
        Ok(())
    }
}
