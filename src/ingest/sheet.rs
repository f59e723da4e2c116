//! Spreadsheets (.xlsx, .xlsm, .xls, .ods) through calamine: one sheet becomes the CSV text its
//! cells would be saved as, so every reader and row rule applies unchanged. A row keeps its
//! spreadsheet row number as its line number (line breaks inside a cell become spaces, and an
//! empty row is a blank line); whole numbers read `1`, not `1.0`; date cells become ISO dates.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, Sheets, Xls, Xlsx, open_workbook_from_rs};

use super::sniff::Decoded;
use crate::error::{Error, Result};

/// The sheet a spec names (or the first) as CSV text, and a line describing where it came from.
pub fn read(path: &Path, bytes: &[u8], sheet: Option<&str>) -> Result<(Decoded, String)> {
    let fail = |reason: String| Error::Binary {
        path: path.to_path_buf(),
        reason,
    };
    let (mut book, kind) = open(path, bytes).map_err(fail)?;
    let names = book.sheet_names();
    let name = choose(&names, sheet).map_err(fail)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| fail(format!("sheet `{name}` cannot be read: {e}")))?;
    if range.is_empty() {
        return Err(fail(format!("sheet `{name}` is empty (sheets: {})", list(&names))));
    }
    let text = csv_text(&range).map_err(fail)?;
    let about = format!("{kind} workbook, sheet `{name}` of {}", names.len());
    Ok((
        Decoded {
            text,
            encoding: kind,
            lossy: false,
        },
        about,
    ))
}

type Opened<'a> = (Sheets<Cursor<&'a [u8]>>, &'static str);

const PASSWORD: &str = "the workbook is password-protected (encrypted); save a copy without a password";

/// Opens the workbook by what its bytes are: an OLE file is .xls (or an encrypted .xlsx), a zip
/// archive is .xlsx or OpenDocument.
fn open<'a>(path: &Path, bytes: &'a [u8]) -> std::result::Result<Opened<'a>, String> {
    let xlsx = || open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map(|b| (Sheets::Xlsx(b), "excel (xlsx)"));
    let ods = || open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map(|b| (Sheets::Ods(b), "opendocument (ods)"));
    let why = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        if text.to_lowercase().contains("password") {
            PASSWORD.to_string()
        } else {
            format!("not a readable workbook ({text})")
        }
    };
    if bytes.starts_with(super::binary::OLE_MAGIC) {
        // An encrypted .xlsx is an OLE file holding an `EncryptedPackage` stream.
        let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        if bytes.windows(name.len()).any(|w| w == name) {
            return Err(PASSWORD.to_string());
        }
        return match open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes)) {
            Ok(book) => Ok((Sheets::Xls(book), "excel (xls)")),
            Err(xls) => Err(why(&xls)),
        };
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ods")) {
        return ods().map_err(|e| why(&e));
    }
    xlsx().or_else(|e| ods().map_err(|_| why(&e)))
}

/// The sheet asked for (exact name, else ignoring case and surrounding spaces), or the first.
fn choose(names: &[String], wanted: Option<&str>) -> std::result::Result<String, String> {
    let Some(wanted) = wanted else {
        return names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheets".to_string());
    };
    names
        .iter()
        .find(|n| *n == wanted)
        .or_else(|| names.iter().find(|n| n.trim().eq_ignore_ascii_case(wanted.trim())))
        .cloned()
        .ok_or_else(|| format!("no sheet `{wanted}`; sheets are: {}", list(names)))
}

fn list(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Each spreadsheet row on its own line, rows above the first used one as blank lines.
fn csv_text(range: &Range<Data>) -> std::result::Result<String, String> {
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut out = "\n".repeat(first_row).into_bytes();
    for row in range.rows() {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            out.push(b'\n');
            continue;
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer
            .write_record(row.iter().map(cell_text))
            .map_err(|e| e.to_string())?;
        out.extend(writer.into_inner().map_err(|e| e.to_string())?);
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// A cell as the text a CSV export would hold.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace("\r\n", " ").replace(['\n', '\r'], " "),
        Data::Int(i) => i.to_string(),
        Data::Float(x) => super::spss::whole_or_decimal(*x),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => {
            let seconds = (dt.as_f64() * 86400.0).round() as i64;
            format!("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            match (h, mi, s, ms) {
                (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
                (_, _, _, 0) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03}"),
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_a_csv_export_holds_them() {
        let date = |value, kind| Data::DateTime(ExcelDateTime::new(value, kind, false));
        // Excel serial 45292 is 2024-01-01; .5 is noon; 1.25 days is 30 hours.
        assert_eq!(cell_text(&date(45292.0, ExcelDateTimeType::DateTime)), "2024-01-01");
        assert_eq!(
            cell_text(&date(45292.5, ExcelDateTimeType::DateTime)),
            "2024-01-01 12:00:00"
        );
        assert_eq!(cell_text(&date(1.25, ExcelDateTimeType::TimeDelta)), "30:00:00");
        assert_eq!(cell_text(&Data::Float(2018.0)), "2018");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert_eq!(cell_text(&Data::Float(-0.25)), "-0.25");
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), "0.3");
        assert_eq!(cell_text(&Data::Float(1e20)), "100000000000000000000");
        assert_eq!(cell_text(&Data::Float(2.5e-7)), "0.00000025");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(
            cell_text(&Data::String("Public\r\nRelations\nTeam".into())),
            "Public Relations Team"
        );
        assert_eq!(cell_text(&Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(cell_text(&Data::Empty), "");
    }

    #[test]
    fn sheets_are_found_by_name_ignoring_case_and_spaces() {
        let names = vec!["Wellbeing ".to_string(), "Other".to_string()];
        assert_eq!(choose(&names, None).unwrap(), "Wellbeing ");
        assert_eq!(choose(&names, Some("wellbeing")).unwrap(), "Wellbeing ");
        assert_eq!(
            choose(&names, Some("x")).unwrap_err(),
            "no sheet `x`; sheets are: `Wellbeing `, `Other`"
        );
    }
}
