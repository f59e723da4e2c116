//! `report.xlsx`: the estimates, the crosstabs with segment letters, the comparisons and the tests
//! as typed cells, one sheet each, and a `notes` sheet with the sources and the method.
//!
//! Sheets are built as plain rows of [`Cell`]s (pure, tested without a workbook) and written in
//! one place. Text is only ever written with `write_string`, so a label such as `=SUM(A1)` stays
//! text and never becomes a formula. The bytes repeat: rust_xlsxwriter stamps every zip entry
//! 1980-01-01 00:00, and the creation date in the document properties is fixed here, so neither
//! the clock nor the time zone reaches the file.

mod crosstab;
mod notes;
mod tables;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::doc::ReportInput;
use crate::error::{Error, Result};

/// One cell of a sheet; `Empty` is a null (an empty cell, as null in results.json).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64, Style),
}

/// How a number shows; the value stored is always the full f64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Counts, n and waves: `0`.
    Integer,
    /// Shares and interval bounds (fractions): `0.0%`.
    Percent,
    /// Differences of shares: `+0.0%`, so a change reads as percentage points.
    Change,
    /// Standard errors of shares: `0.0000`.
    Se,
    /// p-values: `0.0000`, and `0.00E+00` below 0.0001 so a tiny p is not shown as 0.
    P,
    /// Test statistics, design effects: `0.000`.
    Decimal3,
    /// Weighted counts, effective n: `0.00`.
    Decimal2,
    /// Confidence and significance levels: `95.0%`, `99.99%`.
    Level,
    /// Degrees of freedom, as Excel's General.
    General,
}

impl Style {
    const ALL: [Style; 9] = [
        Style::Integer,
        Style::Percent,
        Style::Change,
        Style::Se,
        Style::P,
        Style::Decimal3,
        Style::Decimal2,
        Style::Level,
        Style::General,
    ];

    /// Excel's number format; None for General, the default.
    fn num_format(self) -> Option<&'static str> {
        Some(match self {
            Style::Integer => "0",
            Style::Percent => "0.0%",
            Style::Change => "+0.0%;-0.0%;0.0%",
            Style::Se => "0.0000",
            Style::P => "[<0.0001]0.00E+00;0.0000",
            Style::Decimal3 => "0.000",
            Style::Decimal2 => "0.00",
            Style::Level => "0.0###%",
            Style::General => return None,
        })
    }

    fn index(self) -> usize {
        Style::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

impl Cell {
    /// Text, or an empty cell for an empty string.
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() { Cell::Empty } else { Cell::Text(text) }
    }

    pub fn opt_text(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, Cell::text)
    }

    /// A number; NaN and infinities (which Excel cannot hold) are empty, as JSON's null.
    pub fn number(value: f64, style: Style) -> Cell {
        if value.is_finite() {
            Cell::Number(value, style)
        } else {
            Cell::Empty
        }
    }

    pub fn opt(value: Option<f64>, style: Style) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::number(v, style))
    }

    /// A count or n, when there is one.
    pub fn count(value: Option<u64>) -> Cell {
        // Counts of respondents are far below 2^53, where f64 would round them.
        value.map_or(Cell::Empty, |v| Cell::number(v as f64, Style::Integer))
    }

    pub fn int(value: i32) -> Cell {
        Cell::number(f64::from(value), Style::Integer)
    }
}

/// One sheet: a header row (frozen, with a filter) and the rows under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &'static str, header: &[&str]) -> Sheet {
        Sheet {
            name,
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// The sheets of the workbook, in order.
pub fn sheets(input: &ReportInput) -> Vec<Sheet> {
    let analysis = input.analysis;
    vec![
        tables::estimates(&analysis.estimates),
        crosstab::sheet(input),
        tables::comparisons(&analysis.trend.comparisons),
        tables::tests(&analysis.trend.tests),
        notes::sheet(input),
    ]
}

/// The bytes of `report.xlsx`.
pub fn render(input: &ReportInput) -> Result<Vec<u8>> {
    write(&sheets(input), &input.study.raw.title).map_err(|e| Error::Invalid(format!("writing report.xlsx: {e}")))
}

/// Excel's limit on the characters of a cell (UTF-16 units); longer text is cut there rather than
/// refused, as a long config text is no reason to fail the run.
const MAX_CELL: usize = 32_767;

fn clip(text: &str) -> &str {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL {
            return &text[..at];
        }
    }
    text
}

fn write(sheets: &[Sheet], title: &str) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed date (the zip entries' own 1980-01-01), so reruns give the same bytes anywhere.
    let created = ExcelDateTime::from_ymd(1980, 1, 1)?;
    let properties = DocProperties::new()
        .set_title(clip(title))
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let formats: Vec<Format> = Style::ALL
        .iter()
        .map(|s| {
            s.num_format()
                .map_or_else(Format::new, |f| Format::new().set_num_format(f))
        })
        .collect();
    for sheet in sheets {
        workbook.push_worksheet(worksheet(sheet, &header, &formats)?);
    }
    workbook.save_to_buffer()
}

fn worksheet(sheet: &Sheet, header: &Format, formats: &[Format]) -> std::result::Result<Worksheet, XlsxError> {
    let mut worksheet = Worksheet::new();
    worksheet.set_name(sheet.name)?;
    for (col, name) in (0u16..).zip(&sheet.header) {
        worksheet.write_string_with_format(0, col, clip(name), header)?;
    }
    for (row, cells) in (1u32..).zip(&sheet.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    worksheet.write_string(row, col, clip(text))?;
                }
                Cell::Number(value, style) => {
                    let format = &formats[style.index()];
                    worksheet.write_number_with_format(row, col, *value, format)?;
                }
            }
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(sheet.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    if let Some(last_col) = sheet.header.len().checked_sub(1) {
        let last_col = u16::try_from(last_col).map_err(|_| XlsxError::RowColumnLimitError)?;
        worksheet.autofilter(0, 0, last_row, last_col)?;
    }
    for (col, width) in (0u16..).zip(widths(sheet)) {
        worksheet.set_column_width(col, width)?;
    }
    Ok(worksheet)
}

/// Column widths in characters: the longest header or text in the column (numbers take about
/// ten), within 6 to 60 so that a long note wraps the view rather than the sheet.
fn widths(sheet: &Sheet) -> Vec<f64> {
    (0..sheet.header.len())
        .map(|col| {
            let cells = sheet.rows.iter().filter_map(|r| r.get(col)).map(|cell| match cell {
                Cell::Empty => 0,
                Cell::Text(text) => text.chars().count(),
                Cell::Number(..) => 10,
            });
            let longest = cells.chain([sheet.header[col].chars().count()]).max().unwrap_or(0);
            // Bold header text and the filter button need a little more room.
            (longest + 3).clamp(6, 60) as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_non_finite_numbers_are_empty_cells() {
        assert_eq!(Cell::opt(None, Style::Se), Cell::Empty);
        assert_eq!(Cell::number(f64::NAN, Style::P), Cell::Empty);
        assert_eq!(Cell::number(f64::INFINITY, Style::P), Cell::Empty);
        assert_eq!(Cell::text(""), Cell::Empty);
        assert_eq!(Cell::count(Some(100)), Cell::Number(100.0, Style::Integer));
    }

    #[test]
    fn long_text_is_cut_at_excels_limit_on_a_character_boundary() {
        let long = "é".repeat(MAX_CELL + 5);
        assert_eq!(clip(&long).chars().count(), MAX_CELL);
        // A character outside the BMP takes two UTF-16 units.
        let emoji = "😀".repeat(MAX_CELL);
        assert_eq!(clip(&emoji).chars().count(), MAX_CELL / 2);
        assert_eq!(clip("Marketing"), "Marketing");
    }

    #[test]
    fn the_same_sheets_give_the_same_bytes_and_formulas_stay_text() {
        let mut sheet = Sheet::new("estimates", &["category", "share"]);
        sheet
            .rows
            .push(vec![Cell::text("=SUM(A1)"), Cell::number(0.35, Style::Percent)]);
        sheet.rows.push(vec![Cell::text("@cmd"), Cell::Empty]);
        let first = write(std::slice::from_ref(&sheet), "t").unwrap();
        assert_eq!(&first[..2], b"PK");
        assert_eq!(first, write(&[sheet], "t").unwrap());
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(first)).unwrap();
        let formulas = calamine::Reader::worksheet_formula(&mut book, "estimates").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula cells");
        let range = calamine::Reader::worksheet_range(&mut book, "estimates").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("=SUM(A1)".into()))
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(0.35)));
        assert_eq!(range.get_value((2, 0)), Some(&calamine::Data::String("@cmd".into())));
    }

    #[test]
    fn widths_follow_the_longest_text_within_bounds() {
        let mut sheet = Sheet::new("notes", &["a", "value"]);
        sheet
            .rows
            .push(vec![Cell::text("x".repeat(200)), Cell::number(1.0, Style::General)]);
        assert_eq!(widths(&sheet), vec![60.0, 13.0]);
    }
}
