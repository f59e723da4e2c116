//! Backend-neutral drawing helpers: text measured and placed on a baseline, shapes, wrapping, header and footer.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartError;
use super::palette::Palette;
use super::theme::{FONT_FAMILY, SVG_SIZE_FACTOR};

/// Which backend is drawn on; the two place top-anchored text differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Svg,
    Bitmap,
}

/// A font request: logical size (ab_glyph pixels) and weight.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Font {
    pub size: f64,
    pub bold: bool,
}

impl Font {
    pub fn regular(size: f64) -> Font {
        Font { size, bold: false }
    }
    pub fn bold(size: f64) -> Font {
        Font { size, bold: true }
    }
    /// Distance from one baseline to the next.
    pub fn line_height(self) -> f64 {
        self.size * 1.2
    }
    /// Height of capital letters above the baseline (DejaVu Sans: 0.729 em).
    pub fn cap_height(self) -> f64 {
        self.size * 0.626
    }
    /// Top of the line box above the baseline.
    pub fn ascent(self) -> f64 {
        self.size * 0.8
    }
}

/// Horizontal alignment of text at its x position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    flavor: Flavor,
    pub pal: Palette,
    /// Layout scale: 1.0 at 1920x1080.
    pub s: f64,
    pub w: f64,
    pub h: f64,
}

fn backend_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Backend(e.to_string())
}

fn px(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(-1.0e6, 1.0e6) as i32
    } else {
        0
    }
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    pub fn new(area: &'a DrawingArea<DB, Shift>, flavor: Flavor, pal: Palette) -> Self {
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (f64::from(w), f64::from(h));
        let s = (h / 1080.0).min(w / 1440.0);
        Canvas {
            area,
            flavor,
            pal,
            s,
            w,
            h,
        }
    }

    fn font_desc(font: Font, size: f64) -> FontDesc<'static> {
        let style = if font.bold { FontStyle::Bold } else { FontStyle::Normal };
        FontDesc::new(FontFamily::Name(FONT_FAMILY), size.max(1.0), style)
    }

    pub fn fill_background(&self) -> Result<(), ChartError> {
        self.area.fill(&self.pal.bg).map_err(backend_err)
    }

    /// Advance width of `text` in pixels (the same on both backends).
    pub fn text_width(&self, text: &str, font: Font) -> Result<f64, ChartError> {
        if text.is_empty() {
            return Ok(0.0);
        }
        let desc = Self::font_desc(font, font.size);
        let (w, _) = self
            .area
            .estimate_text_size(text, &TextStyle::from(desc))
            .map_err(backend_err)?;
        Ok(f64::from(w))
    }

    /// Draws `text` with its baseline at `baseline`.
    pub fn text(
        &self,
        text: &str,
        (x, baseline): (f64, f64),
        font: Font,
        color: RGBAColor,
        align: Align,
    ) -> Result<(), ChartError> {
        if text.is_empty() {
            return Ok(());
        }
        let (size, top_to_baseline) = match self.flavor {
            // dy="0.76em" with em = font-size = size / 1.24
            Flavor::Svg => (font.size * SVG_SIZE_FACTOR, 0.76 * font.size * SVG_SIZE_FACTOR / 1.24),
            // ab_glyph puts the baseline half a size below the top anchor
            Flavor::Bitmap => (font.size, 0.5 * font.size),
        };
        let hpos = match align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        let style = TextStyle::from(Self::font_desc(font, size))
            .color(&color)
            .pos(Pos::new(hpos, VPos::Top));
        self.area
            .draw_text(text, &style, (px(x), px(baseline - top_to_baseline)))
            .map_err(backend_err)
    }

    pub fn rect(&self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), color: RGBAColor) -> Result<(), ChartError> {
        let r = Rectangle::new([(px(x0), px(y0)), (px(x1), px(y1))], color.filled());
        self.area.draw(&r).map_err(backend_err)
    }

    pub fn line(&self, points: &[(f64, f64)], color: RGBAColor, width: f64) -> Result<(), ChartError> {
        if points.len() < 2 {
            return Ok(());
        }
        let pts: Vec<(i32, i32)> = points.iter().map(|&(x, y)| (px(x), px(y))).collect();
        let style = ShapeStyle {
            color,
            filled: false,
            stroke_width: px(width).max(1) as u32,
        };
        self.area.draw(&PathElement::new(pts, style)).map_err(backend_err)
    }

    pub fn polygon(&self, points: &[(f64, f64)], color: RGBAColor) -> Result<(), ChartError> {
        if points.len() < 3 {
            return Ok(());
        }
        let pts: Vec<(i32, i32)> = points.iter().map(|&(x, y)| (px(x), px(y))).collect();
        self.area.draw(&Polygon::new(pts, color.filled())).map_err(backend_err)
    }

    pub fn circle(&self, (x, y): (f64, f64), r: f64, color: RGBAColor) -> Result<(), ChartError> {
        let c = Circle::new((px(x), px(y)), px(r).max(1), color.filled());
        self.area.draw(&c).map_err(backend_err)
    }

    /// A polyline, dashed when `dash` is (dash, gap) in pixels.
    pub fn dashed(
        &self,
        points: &[(f64, f64)],
        color: RGBAColor,
        width: f64,
        dash: Option<(f64, f64)>,
    ) -> Result<(), ChartError> {
        let Some((on, off)) = dash.filter(|(on, off)| *on > 0.5 && *off > 0.5) else {
            return self.line(points, color, width);
        };
        for piece in dash_pieces(points, on, off) {
            self.line(&piece, color, width)?;
        }
        Ok(())
    }

    /// A circle outline.
    pub fn ring(&self, (x, y): (f64, f64), r: f64, color: RGBAColor, width: f64) -> Result<(), ChartError> {
        let style = ShapeStyle {
            color,
            filled: false,
            stroke_width: px(width).max(1) as u32,
        };
        let c = Circle::new((px(x), px(y)), px(r).max(1), style);
        self.area.draw(&c).map_err(backend_err)
    }

    /// `text` shortened with "…" so that it fits in `max_w`.
    pub fn fit(&self, text: &str, font: Font, max_w: f64) -> Result<String, ChartError> {
        if self.text_width(text, font)? <= max_w {
            return Ok(text.to_string());
        }
        let chars: Vec<char> = text.chars().collect();
        let mut n = chars.len();
        while n > 0 {
            n -= 1;
            let candidate: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
            if self.text_width(&candidate, font)? <= max_w {
                return Ok(candidate);
            }
        }
        Ok("…".to_string())
    }

    /// Greedy word wrap into at most `max_lines` lines; the last line is ellipsized.
    pub fn wrap(&self, text: &str, font: Font, max_w: f64, max_lines: usize) -> Result<Vec<String>, ChartError> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        // No-break spaces (U+00A0, U+2007, U+202F) keep "56 %" together.
        let breakable = |c: char| c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}');
        for word in text.split(breakable).filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if current.is_empty() || self.text_width(&candidate, font)? <= max_w {
                current = candidate;
            } else {
                lines.push(std::mem::take(&mut current));
                current = word.to_string();
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        let max_lines = max_lines.max(1);
        if lines.len() > max_lines {
            let rest = lines[max_lines - 1..].join(" ");
            lines.truncate(max_lines - 1);
            lines.push(rest);
        }
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            out.push(self.fit(&line, font, max_w)?);
        }
        Ok(out)
    }

    pub fn margin(&self) -> f64 {
        56.0 * self.s
    }

    /// Title and subtitle at the top left; returns the y below them.
    pub fn header(&self, title: &str, subtitle: &str) -> Result<f64, ChartError> {
        let m = self.margin();
        let max_w = self.w - 2.0 * m;
        let title_font = Font::bold(54.0 * self.s);
        let sub_font = Font::regular(32.0 * self.s);
        let mut y = 44.0 * self.s;
        let text = self.pal.text.to_rgba();
        for line in self.wrap(title, title_font, max_w, 2)? {
            y += title_font.ascent();
            self.text(&line, (m, y), title_font, text, Align::Left)?;
            y += title_font.line_height() - title_font.ascent();
        }
        if !subtitle.trim().is_empty() {
            y += 6.0 * self.s;
            for line in self.wrap(subtitle, sub_font, max_w, 2)? {
                y += sub_font.ascent();
                self.text(&line, (m, y), sub_font, self.pal.muted.to_rgba(), Align::Left)?;
                y += sub_font.line_height() - sub_font.ascent();
            }
        }
        Ok(y)
    }

    /// Source line(s) at the bottom left; returns the y above them.
    pub fn footer(&self, source: &str) -> Result<f64, ChartError> {
        let m = self.margin();
        let font = Font::regular(24.0 * self.s);
        let bottom = self.h - 30.0 * self.s;
        if source.trim().is_empty() {
            return Ok(bottom);
        }
        let lines = self.wrap(source, font, self.w - 2.0 * m, 2)?;
        let n = lines.len() as f64;
        let mut baseline = bottom - (n - 1.0) * font.line_height();
        for line in &lines {
            self.text(line, (m, baseline), font, self.pal.muted.to_rgba(), Align::Left)?;
            baseline += font.line_height();
        }
        Ok(bottom - (n - 1.0) * font.line_height() - font.ascent())
    }
}

/// Splits a polyline into dashes `on` long with `off` gaps, the pattern running on across corners.
pub(crate) fn dash_pieces(points: &[(f64, f64)], on: f64, off: f64) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let (mut drawing, mut left) = (true, on);
    if let Some(&first) = points.first() {
        current.push(first);
    }
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let len = (x1 - x0).hypot(y1 - y0);
        let mut done = 0.0;
        while len - done >= left {
            done += left;
            let t = done / len;
            let p = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            if drawing {
                current.push(p);
                pieces.push(std::mem::take(&mut current));
            } else {
                current = vec![p];
            }
            drawing = !drawing;
            left = if drawing { on } else { off };
        }
        left -= len - done;
        if drawing {
            current.push((x1, y1));
        }
    }
    if drawing && current.len() > 1 {
        pieces.push(current);
    }
    pieces
}

/// Spreads label centres (sorted ascending) at least `gap` apart within `lo..=hi` where possible.
pub(crate) fn spread(ys: &mut [f64], gap: f64, lo: f64, hi: f64) {
    for i in 1..ys.len() {
        ys[i] = ys[i].max(ys[i - 1] + gap);
    }
    if let Some(last) = ys.last_mut() {
        *last = last.min(hi);
    }
    for i in (0..ys.len().saturating_sub(1)).rev() {
        ys[i] = ys[i].min(ys[i + 1] - gap);
    }
    if let Some(first) = ys.first_mut() {
        *first = first.max(lo);
    }
    for i in 1..ys.len() {
        ys[i] = ys[i].max(ys[i - 1] + gap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_gap() {
        let mut ys = vec![100.0, 101.0, 102.0, 500.0];
        spread(&mut ys, 30.0, 0.0, 1000.0);
        assert_eq!(ys, vec![100.0, 130.0, 160.0, 500.0]);
        let mut ys = vec![990.0, 995.0, 999.0];
        spread(&mut ys, 30.0, 0.0, 1000.0);
        assert_eq!(ys, vec![940.0, 970.0, 1000.0]);
    }

    #[test]
    fn dashes_follow_the_path() {
        let pieces = dash_pieces(&[(0.0, 0.0), (25.0, 0.0), (25.0, 10.0)], 10.0, 5.0);
        assert_eq!(pieces[0], vec![(0.0, 0.0), (10.0, 0.0)]);
        assert_eq!(pieces[1], vec![(15.0, 0.0), (25.0, 0.0)]);
        assert_eq!(pieces[2], vec![(25.0, 5.0), (25.0, 10.0)]);
        assert_eq!(pieces.len(), 3);
    }
}
