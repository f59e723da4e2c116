//! Colours of each theme: Okabe-Ito data colours (colour-blind safe), the accent family for the highlighted group, greys for print.

use plotters::style::RGBColor;

use super::theme::Theme;

const OI_ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const OI_SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const OI_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const OI_YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
const OI_BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const OI_VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const OI_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Colours of one theme.
///
/// The highlighted group (communications by default) is always drawn in the accent family
/// (blue shades), in every kind of chart; every other category takes the `others` colours in
/// order, which leave out the blues so the group stays the one blue thing on the slide.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    pub bg: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    pub accent: RGBColor,
    /// Second shade of the accent family (the second member of the highlighted group).
    pub accent2: RGBColor,
    pub neutral: RGBColor,
    pub whisker: RGBColor,
    /// Colours of categories outside the highlighted group, in order of use.
    pub others: [RGBColor; 7],
    /// Greys only: lines are told apart by dash patterns, segments by direct labels.
    pub print: bool,
}

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
                accent2: OI_SKY,
                neutral: RGBColor(0xB4, 0xBB, 0xC5),
                whisker: RGBColor(0x11, 0x18, 0x27),
                // Okabe-Ito yellow darkened so it stays visible on white.
                others: [
                    OI_ORANGE,
                    OI_GREEN,
                    OI_VERMILLION,
                    OI_PURPLE,
                    RGBColor(0xB8, 0xA6, 0x00),
                    GREY,
                    RGBColor(0x00, 0x00, 0x00),
                ],
                print: false,
            },
            Theme::Dark => Palette {
                bg: RGBColor(0x11, 0x18, 0x27),
                text: RGBColor(0xF3, 0xF4, 0xF6),
                muted: RGBColor(0xA8, 0xB0, 0xBD),
                grid: RGBColor(0x27, 0x30, 0x40),
                axis: RGBColor(0x4B, 0x55, 0x63),
                accent: OI_SKY,
                // Okabe-Ito blue lifted so it stands out from the dark background.
                accent2: RGBColor(0x2F, 0x8F, 0xD0),
                neutral: RGBColor(0x5B, 0x64, 0x72),
                whisker: RGBColor(0xF3, 0xF4, 0xF6),
                others: [
                    OI_ORANGE,
                    OI_GREEN,
                    OI_VERMILLION,
                    OI_PURPLE,
                    OI_YELLOW,
                    GREY,
                    RGBColor(0xF3, 0xF4, 0xF6),
                ],
                print: false,
            },
            Theme::Print => Palette {
                bg: RGBColor(0xFF, 0xFF, 0xFF),
                text: RGBColor(0x00, 0x00, 0x00),
                muted: RGBColor(0x40, 0x40, 0x40),
                grid: RGBColor(0xDD, 0xDD, 0xDD),
                axis: RGBColor(0x80, 0x80, 0x80),
                accent: RGBColor(0x1A, 0x1A, 0x1A),
                accent2: RGBColor(0x6E, 0x6E, 0x6E),
                neutral: RGBColor(0xC4, 0xC4, 0xC4),
                whisker: RGBColor(0x00, 0x00, 0x00),
                // Alternating dark and light so neighbouring stack segments differ in grey.
                others: [
                    RGBColor(0xA8, 0xA8, 0xA8),
                    RGBColor(0x50, 0x50, 0x50),
                    RGBColor(0xD0, 0xD0, 0xD0),
                    RGBColor(0x7A, 0x7A, 0x7A),
                    RGBColor(0xE6, 0xE6, 0xE6),
                    RGBColor(0x38, 0x38, 0x38),
                    RGBColor(0xBA, 0xBA, 0xBA),
                ],
                print: true,
            },
        }
    }

    /// Colour of the `i`-th highlighted item (accent family) or the `i`-th other item.
    pub fn item_color(&self, highlight: bool, i: usize) -> RGBColor {
        if highlight {
            if i.is_multiple_of(2) { self.accent } else { self.accent2 }
        } else {
            self.others[i % self.others.len()]
        }
    }

    /// Colours for items in their order: highlighted ones count separately from the others.
    pub fn item_colors(&self, highlights: &[bool]) -> Vec<RGBColor> {
        let (mut hi, mut lo) = (0, 0);
        highlights
            .iter()
            .map(|&h| {
                let counter = if h { &mut hi } else { &mut lo };
                let color = self.item_color(h, *counter);
                *counter += 1;
                color
            })
            .collect()
    }

    /// Dash pattern (dash, gap) in layout units for the `i`-th line; `None` draws it solid.
    /// Only the print theme dashes; the first (highlighted) line stays solid.
    pub fn dash(&self, i: usize) -> Option<(f64, f64)> {
        const PATTERNS: [Option<(f64, f64)>; 5] = [
            None,
            Some((18.0, 10.0)),
            Some((6.0, 8.0)),
            Some((28.0, 8.0)),
            Some((12.0, 6.0)),
        ];
        if self.print { PATTERNS[i % PATTERNS.len()] } else { None }
    }

    /// `c` for a line: in print, pale greys are darkened so every line stays visible on white
    /// (the dash pattern, not the grey, tells print lines apart).
    pub fn stroke(&self, c: RGBColor) -> RGBColor {
        if self.print {
            let v = c.0.min(0x8C);
            RGBColor(v, v, v)
        } else {
            c
        }
    }

    /// Black or white, whichever reads better on `fill`.
    pub fn on(&self, fill: RGBColor) -> RGBColor {
        let luma = 0.299 * f64::from(fill.0) + 0.587 * f64::from(fill.1) + 0.114 * f64::from(fill.2);
        if luma > 150.0 {
            RGBColor(0x11, 0x18, 0x27)
        } else {
            RGBColor(0xFF, 0xFF, 0xFF)
        }
    }

    /// `c` darkened towards the text colour on light backgrounds so that text in it is
    /// readable (sky blue, yellow and grey are too pale on white); unchanged when dark.
    pub fn readable(&self, c: RGBColor) -> RGBColor {
        if self.bg.0 < 0x80 {
            return c;
        }
        if self.print {
            return self.text;
        }
        let mix = |a: u8, b: u8| ((f64::from(a) * 0.72 + f64::from(b) * 0.28).round()) as u8;
        RGBColor(mix(c.0, self.text.0), mix(c.1, self.text.1), mix(c.2, self.text.2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighted_items_are_blue_others_never_blue() {
        let p = Palette::for_theme(Theme::Light);
        let colors = p.item_colors(&[false, true, false, true]);
        assert_eq!(colors[1], p.accent);
        assert_eq!(colors[3], p.accent2);
        assert_eq!(colors[0], OI_ORANGE);
        assert_eq!(colors[2], OI_GREEN);
        for c in p.others {
            assert!(c != OI_BLUE && c != OI_SKY);
        }
    }

    #[test]
    fn print_is_grey_and_dashed() {
        let p = Palette::for_theme(Theme::Print);
        for c in p.others.iter().chain([&p.accent, &p.accent2, &p.neutral]) {
            assert!(c.0 == c.1 && c.1 == c.2, "{c:?} is not grey");
        }
        assert!(p.dash(0).is_none() && p.dash(1).is_some());
        assert!(Palette::for_theme(Theme::Light).dash(1).is_none());
        assert_eq!(p.stroke(RGBColor(0xE6, 0xE6, 0xE6)), RGBColor(0x8C, 0x8C, 0x8C));
        assert_eq!(Palette::for_theme(Theme::Light).stroke(OI_YELLOW), OI_YELLOW);
    }

    #[test]
    fn text_on_fill_contrasts() {
        let p = Palette::for_theme(Theme::Light);
        assert_eq!(p.on(RGBColor(0, 0, 0)), RGBColor(0xFF, 0xFF, 0xFF));
        assert_eq!(p.on(OI_YELLOW), RGBColor(0x11, 0x18, 0x27));
    }
}
