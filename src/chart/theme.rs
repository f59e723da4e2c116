//! Chart style options (theme, language, size), the Okabe-Ito palettes and the embedded DejaVu fonts.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor};

use super::ChartError;

/// Colour theme of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl FromStr for Theme {
    type Err = ChartError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            _ => Err(ChartError::Parse {
                what: "theme (expected \"light\" or \"dark\")",
                input: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Language of the text the renderer writes itself (axis title, number format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// Title of the share axis.
    pub fn share_axis_title(self) -> &'static str {
        match self {
            Lang::En => "Share of respondents",
            Lang::De => "Anteil der Befragten",
        }
    }
}

impl FromStr for Lang {
    type Err = ChartError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "de" => Ok(Lang::De),
            _ => Err(ChartError::Parse {
                what: "language (expected \"en\" or \"de\")",
                input: s.to_string(),
            }),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Output size in pixels (SVG user units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    /// Largest accepted width or height.
    pub const MAX: u32 = 8000;

    /// Checks 1..=8000 in both directions.
    pub fn validate(self) -> Result<Self, ChartError> {
        let ok = |v: u32| (1..=Self::MAX).contains(&v);
        if ok(self.width) && ok(self.height) {
            Ok(self)
        } else {
            Err(ChartError::InvalidSize(format!(
                "{}x{}: width and height must be between 1 and {}",
                self.width,
                self.height,
                Self::MAX
            )))
        }
    }
}

impl Default for Size {
    fn default() -> Self {
        Size {
            width: 1920,
            height: 1080,
        }
    }
}

impl FromStr for Size {
    type Err = ChartError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ChartError::InvalidSize(format!("{s:?}: expected WIDTHxHEIGHT, e.g. 1920x1080"));
        let t = s.trim();
        let (w, h) = t.split_once(['x', 'X', '×']).ok_or_else(bad)?;
        let width: u32 = w.trim().parse().map_err(|_| bad())?;
        let height: u32 = h.trim().parse().map_err(|_| bad())?;
        Size { width, height }.validate()
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// Everything about how a chart looks that is not its data.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub theme: Theme,
    pub lang: Lang,
    pub size: Size,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            theme: Theme::Light,
            lang: Lang::En,
            size: Size::default(),
        }
    }
}

/// Colours of one theme. Data colours are Okabe-Ito (colour-blind safe).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    pub bg: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    pub accent: RGBColor,
    pub neutral: RGBColor,
    pub whisker: RGBColor,
    /// Line colours for trend series, in order of use.
    pub series: [RGBColor; 9],
}

const OI_ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const OI_SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const OI_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const OI_YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
const OI_BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const OI_VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const OI_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const OI_GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

impl Palette {
    pub fn for_theme(theme: Theme) -> Palette {
        match theme {
            Theme::Light => Palette {
                bg: RGBColor(0xFF, 0xFF, 0xFF),
                text: RGBColor(0x11, 0x18, 0x27),
                muted: RGBColor(0x4B, 0x55, 0x63),
                grid: RGBColor(0xE5, 0xE7, 0xEB),
                axis: RGBColor(0x9C, 0xA3, 0xAF),
                accent: OI_BLUE,
                neutral: RGBColor(0xB4, 0xBB, 0xC5),
                whisker: RGBColor(0x11, 0x18, 0x27),
                series: [
                    OI_BLUE,
                    OI_ORANGE,
                    OI_GREEN,
                    OI_VERMILLION,
                    OI_PURPLE,
                    OI_SKY,
                    RGBColor(0x00, 0x00, 0x00),
                    RGBColor(0x80, 0x80, 0x80),
                    // Okabe-Ito yellow, darkened so it stays readable on white.
                    RGBColor(0xB8, 0xA6, 0x00),
                ],
            },
            Theme::Dark => Palette {
                bg: RGBColor(0x11, 0x18, 0x27),
                text: RGBColor(0xF3, 0xF4, 0xF6),
                muted: RGBColor(0xA8, 0xB0, 0xBD),
                grid: RGBColor(0x27, 0x30, 0x40),
                axis: RGBColor(0x4B, 0x55, 0x63),
                accent: OI_SKY,
                neutral: RGBColor(0x5B, 0x64, 0x72),
                whisker: RGBColor(0xF3, 0xF4, 0xF6),
                series: [
                    OI_SKY,
                    OI_ORANGE,
                    OI_GREEN,
                    OI_VERMILLION,
                    OI_PURPLE,
                    OI_YELLOW,
                    RGBColor(0xF3, 0xF4, 0xF6),
                    OI_GREY,
                    // Okabe-Ito has eight colours; a tan that stays apart from sky blue.
                    RGBColor(0xC8, 0xA2, 0x7A),
                ],
            },
        }
    }

    /// Colour of the `i`-th series (cycles after nine).
    pub fn series_color(&self, i: usize) -> RGBColor {
        self.series[i % self.series.len()]
    }

    /// `c` darkened towards the text colour on light backgrounds so that text in it is
    /// readable (sky blue, yellow and grey are too pale on white); unchanged when dark.
    pub fn readable(&self, c: RGBColor) -> RGBColor {
        if self.bg.0 < 0x80 {
            return c;
        }
        let mix = |a: u8, b: u8| ((f64::from(a) * 0.72 + f64::from(b) * 0.28).round()) as u8;
        RGBColor(mix(c.0, self.text.0), mix(c.1, self.text.1), mix(c.2, self.text.2))
    }
}

/// Font family name under which the embedded fonts are registered with plotters.
///
/// The ab_glyph backend only looks the name up; the SVG backend writes it verbatim
/// into `font-family`, so it doubles as a CSS fallback list.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf"));
static DEJAVU_SANS_BOLD: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans-Bold.ttf"));

/// ab_glyph scales a font so that ascent − descent equals the requested size; for DejaVu
/// Sans that is (1901 + 483) / 2048 em. The SVG backend writes `font-size = size / 1.24`.
/// Multiplying SVG sizes by this factor makes both backends draw the same em size.
pub(crate) const SVG_SIZE_FACTOR: f64 = 1.24 * 2048.0 / 2384.0;

/// Registers the embedded fonts with plotters exactly once.
pub(crate) fn ensure_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let regular = plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS);
        let bold = plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, DEJAVU_SANS_BOLD);
        regular.is_ok() && bold.is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font("embedded DejaVu Sans could not be loaded".to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_parses() {
        assert_eq!(
            "1920x1080".parse::<Size>().ok(),
            Some(Size {
                width: 1920,
                height: 1080
            })
        );
        assert_eq!(
            " 800X600 ".parse::<Size>().ok(),
            Some(Size {
                width: 800,
                height: 600
            })
        );
        assert_eq!(Size::default().to_string(), "1920x1080");
    }

    #[test]
    fn size_rejects_bad_input() {
        for bad in [
            "",
            "1920",
            "0x1080",
            "1920x0",
            "8001x100",
            "100x8001",
            "axb",
            "-1x5",
            "1920x1080x3",
            "x",
        ] {
            assert!(
                matches!(bad.parse::<Size>(), Err(ChartError::InvalidSize(_))),
                "{bad:?} should be rejected"
            );
        }
        assert!("8000x8000".parse::<Size>().is_ok());
    }

    #[test]
    fn theme_and_lang_round_trip() {
        for t in [Theme::Light, Theme::Dark] {
            assert_eq!(t.as_str().parse::<Theme>().ok(), Some(t));
        }
        for l in [Lang::En, Lang::De] {
            assert_eq!(l.as_str().parse::<Lang>().ok(), Some(l));
        }
        assert!("blue".parse::<Theme>().is_err());
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!("Dark".parse::<Theme>().ok(), Some(Theme::Dark));
    }

    #[test]
    fn fonts_register() {
        assert!(ensure_fonts().is_ok());
        assert!(ensure_fonts().is_ok());
    }
}
