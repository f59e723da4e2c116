//! Chart style options (theme, language, size), the Okabe-Ito palettes and the embedded DejaVu fonts.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use plotters::style::FontStyle;

use super::ChartError;

/// Colour theme of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// Grey-safe: greys only, told apart by dash patterns, marker shapes and direct labels.
    Print,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Print];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Print => "print",
        }
    }
}

impl FromStr for Theme {
    type Err = ChartError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            "print" => Ok(Theme::Print),
            _ => Err(ChartError::Parse {
                what: "theme (expected \"light\", \"dark\" or \"print\")",
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

    /// `en` or `de` text by language.
    pub(crate) fn pick(self, en: &'static str, de: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::De => de,
        }
    }

    /// Title of the share axis.
    pub fn share_axis_title(self) -> &'static str {
        self.pick("Share of respondents", "Anteil der Befragten")
    }

    /// Difference in percentage points, signed: "+5 pp" / "+5 Pp." (German "Prozentpunkte").
    pub fn points(self, diff: f64) -> String {
        let pct = (diff * 100.0).round();
        let pct = if pct == 0.0 { 0.0 } else { pct };
        let sign = if pct > 0.0 {
            "+"
        } else if pct < 0.0 {
            "\u{2212}"
        } else {
            "\u{B1}"
        };
        match self {
            Lang::En => format!("{sign}{} pp", pct.abs()),
            Lang::De => format!("{sign}{}\u{A0}Pp.", pct.abs()),
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

/// Font family name under which the embedded fonts are registered with plotters.
///
/// The ab_glyph backend only looks the name up; the SVG backend writes it verbatim
/// into `font-family`, so it doubles as a CSS fallback list.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif";

// Relative to this file, not to the crate, so the fuzz crate (which compiles it by path) finds them.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

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
        for t in Theme::ALL {
            assert_eq!(t.as_str().parse::<Theme>().ok(), Some(t));
        }
        for l in [Lang::En, Lang::De] {
            assert_eq!(l.as_str().parse::<Lang>().ok(), Some(l));
        }
        assert!("blue".parse::<Theme>().is_err());
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!("Dark".parse::<Theme>().ok(), Some(Theme::Dark));
        assert_eq!(Lang::En.points(0.054), "+5 pp");
        assert_eq!(Lang::De.points(-0.12), "\u{2212}12\u{A0}Pp.");
        assert_eq!(Lang::En.points(0.001), "\u{B1}0 pp");
    }

    #[test]
    fn fonts_register() {
        assert!(ensure_fonts().is_ok());
        assert!(ensure_fonts().is_ok());
    }
}
