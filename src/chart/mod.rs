//! Chart rendering: bar, trend, stacked, change (dumbbell) and small-multiple charts, as SVG or PNG, from one drawing path.
//!
//! Both backends are drawn by the same generic functions (over `plotters::prelude::DrawingBackend`).
//! Text uses the embedded DejaVu Sans fonts, so PNGs render identically on machines without
//! system fonts. Output is deterministic. Every chart also reads itself out in words
//! ([`describe`]): the SVG carries that as `<title>`/`<desc>`, callers write it beside a PNG.

mod bar;
mod canvas;
mod change;
mod describe;
mod format;
mod note;
mod palette;
mod panels;
mod spec;
mod stacked;
mod theme;
mod trend;

use plotters::backend::{BitMapBackend, RGBPixel};
use plotters::coord::Shift;
use plotters::prelude::*;

use canvas::{Canvas, Flavor};
pub use describe::describe;
pub use format::format_percent;
use palette::Palette;
pub use spec::*;
use theme::ensure_fonts;
pub use theme::{Lang, Size, Style, Theme};

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("nothing to draw: the chart has no {what}")]
    Empty { what: &'static str },
    #[error("invalid chart data: {0}")]
    InvalidData(String),
    #[error("invalid size {0}")]
    InvalidSize(String),
    #[error("{input:?} is not a valid {what}")]
    Parse { what: &'static str, input: String },
    #[error("font error: {0}")]
    Font(String),
    #[error("drawing failed: {0}")]
    Backend(String),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// Checks the data, then draws `chart` on `area`.
fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    flavor: Flavor,
    chart: &Chart,
    style: &Style,
) -> Result<(), ChartError> {
    ensure_fonts()?;
    let canvas = Canvas::new(area, flavor, Palette::for_theme(style.theme));
    match chart {
        Chart::Bar(c) => bar::draw(&canvas, c, style.lang),
        Chart::Trend(c) => trend::draw(&canvas, c, style.lang),
        Chart::Stacked(c) => stacked::draw(&canvas, c, style.lang),
        Chart::Change(c) => change::draw(&canvas, c, style.lang),
        Chart::Panels(c) => panels::draw(&canvas, c, style.lang),
    }
}

/// Rejects charts that cannot be drawn before any backend is created.
fn validate(chart: &Chart) -> Result<(), ChartError> {
    match chart {
        Chart::Bar(c) => bar::validate(c),
        Chart::Trend(c) => trend::validate(c),
        Chart::Stacked(c) => stacked::validate(c),
        Chart::Change(c) => change::validate(c),
        Chart::Panels(c) => panels::validate(c),
    }
}

/// Renders `chart` as an SVG document of `style.size`, with `<title>` and `<desc>` (the text alternative).
pub fn render_svg(chart: &Chart, style: &Style) -> Result<String, ChartError> {
    let size = style.size.validate()?;
    validate(chart)?;
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (size.width, size.height)).into_drawing_area();
        draw(&area, Flavor::Svg, chart, style)?;
        area.present().map_err(|e| ChartError::Backend(e.to_string()))?;
    }
    let alt = format!(
        "\n<title>{}</title>\n<desc>{}</desc>",
        xml_escape(chart.title()),
        xml_escape(&describe(chart, style.lang))
    );
    let Some(end) = out.find('>') else {
        return Err(ChartError::Backend("the SVG backend wrote no <svg> element".into()));
    };
    out.insert_str(end + 1, &alt);
    Ok(xml_chars(out))
}

/// The SVG with every character XML 1.0 does not allow replaced (C0 controls other than tab and
/// line breaks, U+FFFE, U+FFFF: one in a title or label made the file unreadable to XML
/// parsers): a vertical tab or form feed by a space, any other by U+FFFD.
fn xml_chars(svg: String) -> String {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if svg.chars().all(allowed) {
        return svg;
    }
    svg.chars()
        .map(|c| match c {
            c if allowed(c) => c,
            '\u{b}' | '\u{c}' => ' ',
            _ => '\u{FFFD}',
        })
        .collect()
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `chart` as 8-bit RGB PNG bytes of exactly `style.size`.
pub fn render_png(chart: &Chart, style: &Style) -> Result<Vec<u8>, ChartError> {
    let size = style.size.validate()?;
    validate(chart)?;
    let (w, h) = (size.width, size.height);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut pixels, (w, h))
            .map_err(|e| ChartError::Backend(e.to_string()))?;
        let area = backend.into_drawing_area();
        draw(&area, Flavor::Bitmap, chart, style)?;
        area.present().map_err(|e| ChartError::Backend(e.to_string()))?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| ChartError::Encode(e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| ChartError::Encode(e.to_string()))?;
        writer.finish().map_err(|e| ChartError::Encode(e.to_string()))?;
    }
    Ok(png_bytes)
}

/// Clamps a share into 0..=1 for drawing.
pub(crate) fn clamp_share(v: f64) -> f64 {
    v.clamp(0.0, 1.0)
}

/// Ordered, clamped interval.
pub(crate) fn clamp_interval(iv: Option<(f64, f64)>) -> Option<(f64, f64)> {
    iv.map(|(a, b)| {
        let (a, b) = (clamp_share(a), clamp_share(b));
        (a.min(b), a.max(b))
    })
}

/// Rejects NaN and infinite values.
pub(crate) fn check_finite(what: &str, share: f64, iv: Option<(f64, f64)>) -> Result<(), ChartError> {
    let ok = share.is_finite() && iv.is_none_or(|(a, b)| a.is_finite() && b.is_finite());
    if ok {
        Ok(())
    } else {
        Err(ChartError::InvalidData(format!(
            "{what}: share or interval is not a finite number"
        )))
    }
}

#[cfg(test)]
pub(crate) mod test_util;

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    #[test]
    fn svg_and_png_for_every_style() {
        for theme in Theme::ALL {
            for lang in [Lang::En, Lang::De] {
                let style = Style {
                    theme,
                    lang,
                    size: Size {
                        width: 640,
                        height: 360,
                    },
                };
                for chart in all_kinds() {
                    let svg = render_svg(&chart, &style).expect("svg");
                    assert_wellformed(&svg);
                    let png = render_png(&chart, &style).expect("png");
                    let (w, h, _) = decode_png(&png);
                    assert_eq!((w, h), (640, 360));
                }
            }
        }
    }

    #[test]
    fn invalid_size_is_an_error() {
        let style = Style {
            size: Size { width: 0, height: 100 },
            ..Style::default()
        };
        let chart = Chart::Bar(econsultancy());
        assert!(matches!(render_svg(&chart, &style), Err(ChartError::InvalidSize(_))));
        assert!(matches!(render_png(&chart, &style), Err(ChartError::InvalidSize(_))));
    }

    #[test]
    fn nan_is_an_error() {
        let mut c = econsultancy();
        c.bars[0].share = f64::NAN;
        let chart = Chart::Bar(c);
        assert!(matches!(
            render_svg(&chart, &Style::default()),
            Err(ChartError::InvalidData(_))
        ));
    }

    #[test]
    fn svg_has_title_and_desc() {
        let svg = render_svg(&Chart::Bar(econsultancy()), &Style::default()).expect("svg");
        assert_wellformed(&svg);
        assert!(
            svg.contains("<title>Who drives social media?</title>"),
            "{}",
            &svg[..300]
        );
        assert!(svg.contains("<desc>Bar chart."), "{}", &svg[..600]);
        assert!(svg.contains("R&amp;D &lt;x&gt; 4%"));
    }

    #[test]
    fn svg_font_family_has_fallbacks() {
        let svg = render_svg(&Chart::Bar(econsultancy()), &Style::default()).expect("svg");
        assert!(svg.contains("font-family=\"DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif\""));
    }
}
