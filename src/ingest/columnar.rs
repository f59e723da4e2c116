//! Respondent-level Parquet files (panel providers deliver them): each row group's columns are
//! decoded with `polars-parquet` and written as the CSV text the same rows would be saved as, so
//! every reader and row rule applies unchanged, as for spreadsheets. The header is line 1 and the
//! file's row k is line k + 1; a null is an empty cell; whole numbers read `12`, other numbers in
//! the shortest form that reads back as the same value; a line break inside a text becomes a space.
//! Snappy, gzip and zstd pages are read (lz4 is refused with its name). Dates and timestamps become
//! ISO text (UTC, whole seconds), as a spreadsheet's date cells do; a column of a type a survey
//! answer cannot be (a list, a struct) is refused naming the column.

use std::fmt::Write as _;
use std::path::Path;

use polars_arrow::array::{
    Array, BinaryViewArray, BooleanArray, DictionaryArray, PrimitiveArray, Utf8Array, Utf8ViewArray,
};
use polars_arrow::datatypes::{ArrowDataType, IntegerType, TimeUnit};
use polars_buffer::Buffer;
use polars_parquet::arrow::read::{BasicDecompressor, PageReader, column_iter_to_arrays, infer_schema, read_metadata};

use super::sniff::Decoded;
use crate::error::{Error, Result};

/// The file's rows as CSV text, and a line describing where they came from.
pub fn read(path: &Path, bytes: &[u8]) -> Result<(Decoded, String)> {
    let fail = |reason: String| Error::Binary {
        path: path.to_path_buf(),
        reason,
    };
    let metadata = read_metadata(&mut std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("not a readable Parquet file ({e})")))?;
    let schema = infer_schema(&metadata).map_err(|e| fail(format!("its schema cannot be read ({e})")))?;
    let fields: Vec<_> = schema.iter_values().cloned().collect();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<String> = fields.iter().map(|f| one_line(&f.name)).collect();
    out.write_record(&header).map_err(|e| fail(e.to_string()))?;
    for (g, group) in metadata.row_groups.iter().enumerate() {
        let mut columns: Vec<Vec<String>> = Vec::with_capacity(fields.len());
        for field in &fields {
            let name = field.name.as_str();
            let chunks: Vec<_> = group
                .columns_under_root_iter(name)
                .map(|c| c.collect())
                .unwrap_or_default();
            let mut decompressors = Vec::with_capacity(chunks.len());
            let mut types = Vec::with_capacity(chunks.len());
            for chunk in &chunks {
                let range = chunk.byte_range();
                let (start, end) = (range.start as usize, range.end as usize);
                let Some(data) = bytes.get(start..end) else {
                    return Err(fail(format!(
                        "column `{name}` of row group {} lies outside the file",
                        g + 1
                    )));
                };
                let pages = PageReader::new(
                    std::io::Cursor::new(Buffer::from(data.to_vec())),
                    chunk,
                    Vec::new(),
                    data.len() * 2 + 1024,
                );
                decompressors.push(BasicDecompressor::new(pages, Vec::new()));
                types.push(&chunk.descriptor().descriptor.primitive_type);
            }
            let (arrays, _) = column_iter_to_arrays(decompressors, types, field.clone(), None)
                .map_err(|e| fail(format!("column `{name}` of row group {} cannot be read ({e})", g + 1)))?;
            let mut cells = Vec::with_capacity(group.num_rows());
            for array in &arrays {
                texts(array.as_ref(), &mut cells).map_err(|kind| {
                    fail(format!(
                        "column `{name}` holds {kind}, not answers a survey export can hold"
                    ))
                })?;
            }
            columns.push(cells);
        }
        let rows = columns.first().map_or(group.num_rows(), Vec::len);
        if columns.iter().any(|c| c.len() != rows) {
            return Err(fail(format!("the columns of row group {} differ in length", g + 1)));
        }
        for r in 0..rows {
            out.write_record(columns.iter().map(|c| c[r].as_str()))
                .map_err(|e| fail(e.to_string()))?;
        }
    }
    let text = String::from_utf8(out.into_inner().map_err(|e| fail(e.to_string()))?)
        .map_err(|_| fail("a text column is not UTF-8".into()))?;
    let about = format!(
        "parquet, {} rows in {} row groups, {} columns",
        metadata.num_rows,
        metadata.row_groups.len(),
        fields.len()
    );
    Ok((
        Decoded {
            text,
            encoding: "parquet",
            lossy: false,
        },
        about,
    ))
}

/// Appends each value of `array` as the text of its cell; the kind of an unsupported column.
fn texts(array: &dyn Array, out: &mut Vec<String>) -> std::result::Result<(), String> {
    let any = array.as_any();
    let valid = |i: usize| array.is_valid(i);
    macro_rules! each {
        ($ty:ty, $show:expr) => {{
            let typed = any
                .downcast_ref::<$ty>()
                .ok_or_else(|| format!("{:?}", array.dtype()))?;
            for i in 0..typed.len() {
                out.push(if valid(i) { $show(typed, i) } else { String::new() });
            }
            Ok(())
        }};
    }
    match array.dtype() {
        ArrowDataType::Utf8View => each!(Utf8ViewArray, |a: &Utf8ViewArray, i| one_line(a.value(i))),
        ArrowDataType::LargeUtf8 => each!(Utf8Array<i64>, |a: &Utf8Array<i64>, i| one_line(a.value(i))),
        ArrowDataType::Utf8 => each!(Utf8Array<i32>, |a: &Utf8Array<i32>, i| one_line(a.value(i))),
        ArrowDataType::BinaryView => each!(BinaryViewArray, |a: &BinaryViewArray, i| {
            one_line(&String::from_utf8_lossy(a.value(i)))
        }),
        ArrowDataType::Boolean => each!(BooleanArray, |a: &BooleanArray, i| a.value(i).to_string()),
        ArrowDataType::Int8 => each!(PrimitiveArray<i8>, |a: &PrimitiveArray<i8>, i| a.value(i).to_string()),
        ArrowDataType::Int16 => each!(PrimitiveArray<i16>, |a: &PrimitiveArray<i16>, i| a.value(i).to_string()),
        ArrowDataType::Int32 => each!(PrimitiveArray<i32>, |a: &PrimitiveArray<i32>, i| a.value(i).to_string()),
        ArrowDataType::Int64 => each!(PrimitiveArray<i64>, |a: &PrimitiveArray<i64>, i| a.value(i).to_string()),
        ArrowDataType::UInt8 => each!(PrimitiveArray<u8>, |a: &PrimitiveArray<u8>, i| a.value(i).to_string()),
        ArrowDataType::UInt16 => each!(PrimitiveArray<u16>, |a: &PrimitiveArray<u16>, i| a.value(i).to_string()),
        ArrowDataType::UInt32 => each!(PrimitiveArray<u32>, |a: &PrimitiveArray<u32>, i| a.value(i).to_string()),
        ArrowDataType::UInt64 => each!(PrimitiveArray<u64>, |a: &PrimitiveArray<u64>, i| a.value(i).to_string()),
        ArrowDataType::Float32 => each!(PrimitiveArray<f32>, |a: &PrimitiveArray<f32>, i| number(f64::from(
            a.value(i)
        ))),
        ArrowDataType::Float64 => each!(PrimitiveArray<f64>, |a: &PrimitiveArray<f64>, i| number(a.value(i))),
        ArrowDataType::Dictionary(key, _, _) => dictionary(array, *key, out),
        // Dates and times as ISO text, as spreadsheets' date cells (a `Timestamp` column gives the wave).
        ArrowDataType::Date32 => each!(PrimitiveArray<i32>, |a: &PrimitiveArray<i32>, i| date(i64::from(
            a.value(i)
        ))),
        ArrowDataType::Date64 => each!(PrimitiveArray<i64>, |a: &PrimitiveArray<i64>, i| {
            datetime(a.value(i).div_euclid(1000))
        }),
        ArrowDataType::Timestamp(unit, _) => {
            let per_second: i64 = match unit {
                TimeUnit::Second => 1,
                TimeUnit::Millisecond => 1_000,
                TimeUnit::Microsecond => 1_000_000,
                TimeUnit::Nanosecond => 1_000_000_000,
            };
            each!(PrimitiveArray<i64>, |a: &PrimitiveArray<i64>, i| {
                let v: i64 = a.value(i);
                datetime(v.div_euclid(per_second))
            })
        }
        other => Err(format!("values of type {other:?}")),
    }
}

/// A categorical column: its codes looked up in its values.
fn dictionary(array: &dyn Array, key: IntegerType, out: &mut Vec<String>) -> std::result::Result<(), String> {
    macro_rules! keys {
        ($k:ty) => {{
            let typed = array
                .as_any()
                .downcast_ref::<DictionaryArray<$k>>()
                .ok_or_else(|| format!("{:?}", array.dtype()))?;
            let mut values = Vec::new();
            texts(typed.values().as_ref(), &mut values)?;
            for i in 0..typed.len() {
                out.push(match typed.is_valid(i) {
                    true => values
                        .get(typed.key_value(i))
                        .cloned()
                        .ok_or("a category code outside its values")?,
                    false => String::new(),
                });
            }
            Ok(())
        }};
    }
    match key {
        IntegerType::Int8 => keys!(i8),
        IntegerType::Int16 => keys!(i16),
        IntegerType::Int32 => keys!(i32),
        IntegerType::Int64 => keys!(i64),
        IntegerType::UInt8 => keys!(u8),
        IntegerType::UInt16 => keys!(u16),
        IntegerType::UInt32 => keys!(u32),
        IntegerType::UInt64 => keys!(u64),
        other => Err(format!("categories keyed by {other:?}")),
    }
}

/// A number as the shortest decimal text that reads back as the same value (`12`, `0.5`,
/// `0.0000001`); NaN and infinities as words the number rules reject with a reason.
fn number(x: f64) -> String {
    let mut text = String::new();
    let _ = write!(text, "{x}");
    text
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (the proleptic Gregorian calendar, as Arrow's).
fn date(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Seconds since 1970-01-01 00:00 UTC as `YYYY-MM-DD HH:MM:SS`.
fn datetime(seconds: i64) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    format!(
        "{} {:02}:{:02}:{:02}",
        date(days),
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// A text cell on one line (the line numbers stay the file's row numbers).
fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        text.replace("\r\n", " ").replace(['\n', '\r'], " ")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_in_the_gregorian_calendar() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(19_723), "2024-01-01");
        assert_eq!(date(19_782), "2024-02-29");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(datetime(1_704_103_200), "2024-01-01 10:00:00");
        assert_eq!(datetime(-1), "1969-12-31 23:59:59");
    }
}
