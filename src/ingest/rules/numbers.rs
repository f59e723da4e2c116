//! Decimal and thousands separators, decided once per file: `1,500` is 1.5 in a file written with
//! decimal commas and 1500 in one written with decimal points, and a cell that could be either is
//! refused with its reason rather than guessed.
//!
//! A cell read the same both ways (`2`, `0.25e1`) or only one way (`2,5`, `0.5`, `1,234.5`) says
//! nothing or settles the question; one read two ways (`1,500`, `1.000`) is ambiguous. A file's
//! convention is given (`--decimal`, `decimal` in a study config) or taken from the numbers it
//! holds when they all point one way; otherwise its ambiguous cells are rejected.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The decimal mark; the other of `,` and `.` separates thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Decimal {
    #[serde(rename = ".")]
    Point,
    #[serde(rename = ",")]
    Comma,
}

impl Decimal {
    pub fn as_str(self) -> &'static str {
        match self {
            Decimal::Point => ".",
            Decimal::Comma => ",",
        }
    }

    fn marks(self) -> (u8, u8) {
        match self {
            Decimal::Point => (b'.', b','),
            Decimal::Comma => (b',', b'.'),
        }
    }
}

impl FromStr for Decimal {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "." => Ok(Decimal::Point),
            "," => Ok(Decimal::Comma),
            other => Err(format!("decimal mark `{other}` is not `,` or `.`")),
        }
    }
}

/// How one file's numbers are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers {
    /// `None` when neither the user nor the file's numbers settled it: an ambiguous cell is rejected.
    pub decimal: Option<Decimal>,
    /// Where the decision came from, for the notes and the reasons.
    pub from: Source,
}

/// Where a file's decimal mark came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Given,
    Numbers,
    /// The file's numbers are all read the same both ways, or point both ways.
    Unsettled,
}

/// A cell that gives no number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unread {
    NotANumber,
    /// Read both ways with different values: (with a decimal comma, with a decimal point).
    Ambiguous {
        comma: f64,
        point: f64,
    },
}

/// A number and the decimal mark it was read with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub value: f64,
    pub decimal: Decimal,
}

impl Default for Numbers {
    /// Nothing settled: each cell is read the only way it reads, an ambiguous one is refused.
    fn default() -> Self {
        Numbers {
            decimal: None,
            from: Source::Unsettled,
        }
    }
}

impl Numbers {
    /// The given mark, or the one the cells settle (every cell read only one way reads it that
    /// way); a file whose cells point both ways, or none, stays unsettled.
    pub fn decide<'a>(given: Option<Decimal>, cells: impl IntoIterator<Item = &'a str>, delimiter: u8) -> Numbers {
        if let Some(decimal) = given {
            return Numbers {
                decimal: Some(decimal),
                from: Source::Given,
            };
        }
        let (mut point, mut comma) = (false, false);
        for cell in cells {
            let cell = cell.trim();
            if !cell.bytes().any(|b| b == b',' || b == b'.') {
                continue;
            }
            // In a comma-delimited file a point without a comma (`238.506`) is a decimal point: a
            // file of decimal commas would write its thousands points beside quoted decimal commas.
            // Quoted cells with a comma (`"1,500"`) still need the file's other numbers to settle.
            if delimiter == b',' && !cell.contains(',') {
                point = true;
                continue;
            }
            match (read(cell, Decimal::Point), read(cell, Decimal::Comma)) {
                (Some(_), None) => point = true,
                (None, Some(_)) => comma = true,
                _ => {}
            }
        }
        match (point, comma) {
            (true, false) => Numbers {
                decimal: Some(Decimal::Point),
                from: Source::Numbers,
            },
            (false, true) => Numbers {
                decimal: Some(Decimal::Comma),
                from: Source::Numbers,
            },
            _ => Numbers::default(),
        }
    }

    /// One cell (trimmed): read with the file's mark when that reads it, else the one way it reads.
    pub fn read(&self, text: &str) -> Result<Reading, Unread> {
        let text = text.trim();
        let at = |decimal| read(text, decimal).map(|value| Reading { value, decimal });
        if let Some(decimal) = self.decimal {
            let other = match decimal {
                Decimal::Point => Decimal::Comma,
                Decimal::Comma => Decimal::Point,
            };
            return at(decimal).or_else(|| at(other)).ok_or(Unread::NotANumber);
        }
        // The common case, a cell without either mark, reads the same both ways.
        if !text.bytes().any(|b| b == b',' || b == b'.') {
            return at(Decimal::Point).ok_or(Unread::NotANumber);
        }
        match (at(Decimal::Point), at(Decimal::Comma)) {
            (Some(p), Some(c)) if p.value.to_bits() != c.value.to_bits() => Err(Unread::Ambiguous {
                comma: c.value,
                point: p.value,
            }),
            (Some(r), _) | (None, Some(r)) => Ok(r),
            (None, None) => Err(Unread::NotANumber),
        }
    }

    /// `read`'s value; the reason names the cell as `what` (`weight`, `share`).
    pub fn value(&self, what: &str, text: &str) -> Result<Option<f64>, String> {
        match self.read(text) {
            Ok(r) => Ok(Some(r.value)),
            Err(Unread::NotANumber) => Ok(None),
            Err(Unread::Ambiguous { comma, point }) => Err(ambiguous(what, text.trim(), comma, point)),
        }
    }

    /// The note a reader prints for the file.
    pub fn describe(&self) -> String {
        match (self.decimal, self.from) {
            (Some(d), Source::Given) => format!("decimal mark `{}` (given)", d.as_str()),
            (Some(d), _) => format!("decimal mark `{}` (from the file's numbers)", d.as_str()),
            (None, _) => "decimal mark not settled by the file's numbers (cells such as `1,500` are rejected; --decimal to set it)".to_string(),
        }
    }
}

/// The reason an ambiguous cell is rejected.
pub fn ambiguous(what: &str, text: &str, comma: f64, point: f64) -> String {
    format!(
        "{what} `{text}` could be {comma} (decimal comma) or {point} (decimal point): the file's numbers do not \
         settle which; pass --decimal , or --decimal . (decimal = \",\" or \".\" in a study config)"
    )
}

/// `text` with `decimal` as its decimal mark and the other mark between groups of three digits
/// (`1.234.567,5`); `None` when it is not such a number.
pub fn read(text: &str, decimal: Decimal) -> Option<f64> {
    let (mark, group) = decimal.marks();
    let bytes = text.as_bytes();
    if mark == b'.' && !bytes.contains(&group) {
        return text.parse().ok();
    }
    let (int, frac) = match bytes.iter().position(|&b| b == mark) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    if frac.is_some_and(|f| f.bytes().any(|b| b == b',' || b == b'.')) {
        return None;
    }
    let digits = int.strip_prefix(['-', '+']).unwrap_or(int);
    if digits.as_bytes().contains(&group) && !grouped(digits, group as char) {
        return None;
    }
    let mut plain = int.replace(group as char, "");
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    plain.parse().ok()
}

/// `1,234,567`: a first group of one to three digits (no leading zero), then groups of three.
fn grouped(digits: &str, group: char) -> bool {
    let mut parts = digits.split(group);
    let first = parts.next().unwrap_or("");
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    (1..=3).contains(&first.len())
        && all_digits(first)
        && !first.starts_with('0')
        && parts.all(|p| p.len() == 3 && all_digits(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mark_reads_its_own_numbers() {
        let cases = [
            ("1.5", Some(1.5), None),
            ("2,5", None, Some(2.5)),
            ("1,500", Some(1500.0), Some(1.5)),
            ("1.000", Some(1.0), Some(1000.0)),
            ("1,234.5", Some(1234.5), None),
            ("1.234,5", None, Some(1234.5)),
            ("1,234,567", Some(1234567.0), None),
            ("0,500", None, Some(0.5)),
            ("0.500", Some(0.5), None),
            ("12,34,567", None, None),
            ("-1,5", None, Some(-1.5)),
            ("1e-170", Some(1e-170), Some(1e-170)),
            ("2", Some(2.0), Some(2.0)),
            ("x", None, None),
            ("", None, None),
        ];
        for (text, point, comma) in cases {
            assert_eq!(read(text, Decimal::Point), point, "{text} with a point");
            assert_eq!(read(text, Decimal::Comma), comma, "{text} with a comma");
        }
    }

    #[test]
    fn the_file_settles_the_mark_once() {
        let german = Numbers::decide(None, ["1", "2,5", "1.000"], b';');
        assert_eq!(german.decimal, Some(Decimal::Comma));
        assert_eq!(german.read("1.000").map(|r| r.value), Ok(1000.0));
        assert_eq!(german.read("1,500").map(|r| r.value), Ok(1.5));
        let english = Numbers::decide(None, ["0.5", "1,500"], b';');
        assert_eq!(english.read("1,500").map(|r| r.value), Ok(1500.0));
        // A cell that reads one way only is read that way whatever the file's mark.
        assert_eq!(english.read("2,5").map(|r| r.value), Ok(2.5));
        for unsettled in [
            Numbers::decide(None, ["1,500", "2"], b';'),
            Numbers::decide(None, ["0.5", "2,5"], b';'),
        ] {
            assert_eq!(unsettled.decimal, None);
            assert_eq!(
                unsettled.read("1,500"),
                Err(Unread::Ambiguous {
                    comma: 1.5,
                    point: 1500.0
                })
            );
            assert_eq!(unsettled.read("0.5").map(|r| r.value), Ok(0.5));
        }
        let given = Numbers::decide(Some(Decimal::Comma), ["0.5"], b';');
        // In a comma-delimited file nothing unquoted holds a comma: three decimals are a point.
        let comma_file = Numbers::decide(None, ["238.506", "91.645"], b',');
        assert_eq!(comma_file.read("238.506").map(|r| r.value), Ok(238.506));
        assert!(Numbers::decide(None, ["238.506"], b';').read("238.506").is_err());
        assert_eq!(given.read("1,500").map(|r| r.value), Ok(1.5));
    }
}
