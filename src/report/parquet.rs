//! `estimates.parquet`: the rows and columns of `estimates.csv`, typed, for dataframe users.
//!
//! Written with `polars-parquet`'s arrow writer rather than polars' `parquet` feature, which would
//! pull in the streaming engine, the cloud stack and C compression libraries (see DESIGN.md,
//! "Build cost"). Pages are uncompressed and plainly encoded: the file is small, and plain pages
//! need no hashing, so the same estimates always give the same bytes.

use polars::prelude::{Column, CompatLevel, DataFrame, PolarsError, SchemaExt};
use polars_parquet::write::{
    CompressionOptions, Encoding, FileWriter, RowGroupIterator, StatisticsOptions, Version, WriteOptions,
    get_dtype_encoding,
};

use crate::error::{Error, Result};
use crate::stats::Estimate;

/// The Parquet bytes of `rows`, in the order and with the column names of `estimates.csv`.
pub fn estimates(rows: &[Estimate]) -> Result<Vec<u8>> {
    let frame = estimates_frame(rows).map_err(parquet_error)?;
    write_frame(&frame).map_err(parquet_error)
}

/// One typed column per CSV column: ids and labels as strings, wave as Int32, counts as UInt64,
/// shares, bounds and design figures as Float64 fractions; a missing value is null, never NaN.
fn estimates_frame(rows: &[Estimate]) -> std::result::Result<DataFrame, PolarsError> {
    let text = |name: &str, get: fn(&Estimate) -> Option<String>| {
        Column::new(name.into(), rows.iter().map(get).collect::<Vec<_>>())
    };
    let float = |name: &str, get: fn(&Estimate) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(get).collect::<Vec<_>>())
    };
    let count = |name: &str, get: fn(&Estimate) -> Option<u64>| {
        Column::new(name.into(), rows.iter().map(get).collect::<Vec<_>>())
    };
    let columns = vec![
        text("study", |e| Some(e.study.clone())),
        Column::new("wave".into(), rows.iter().map(|e| e.wave).collect::<Vec<i32>>()),
        text("segment", |e| e.segment.clone()),
        text("category", |e| Some(e.category.clone())),
        text("kind", |e| Some(e.kind.as_str().to_string())),
        text("choice", |e| Some(e.choice.as_str().to_string())),
        count("n", |e| e.n),
        count("count", |e| e.count),
        float("share", |e| Some(e.share)),
        float("se", |e| e.se),
        float("ci_low", |e| e.ci_low),
        float("ci_high", |e| e.ci_high),
        float("deff", |e| e.deff),
        text("method", |e| Some(e.method.clone())),
        float("level", |e| Some(e.level)),
        float("n_weighted", |e| e.n_weighted),
        float("count_weighted", |e| e.count_weighted),
        float("n_effective", |e| e.n_effective),
        float("df", |e| e.df),
        text("design", |e| Some(e.design.clone())),
    ];
    DataFrame::new(rows.len(), columns)
}

/// Version-1 pages as polars writes them, statistics included.
fn write_frame(frame: &DataFrame) -> std::result::Result<Vec<u8>, PolarsError> {
    let schema = frame.schema().to_arrow(CompatLevel::newest());
    let options = WriteOptions {
        statistics: StatisticsOptions::default(),
        version: Version::V1,
        compression: CompressionOptions::Uncompressed,
        data_page_size: None,
    };
    let encodings = schema
        .iter_values()
        .map(|field| plain(get_dtype_encoding(&field.dtype)))
        .collect();
    // A row group per chunk (the frame is built in one), each with its own row count.
    let batches: Vec<_> = frame.iter_chunks(CompatLevel::newest(), false).collect();
    let heights: Vec<u64> = batches.iter().map(|batch| batch.height() as u64).collect();
    let row_groups = RowGroupIterator::try_new(batches.into_iter().map(Ok), &schema, options, encodings)?;
    let mut writer = FileWriter::try_new(Vec::new(), schema, options)?;
    for (group, height) in row_groups.zip(heights) {
        writer.write(height, group?)?;
    }
    writer.end(None)?;
    Ok(writer.into_inner())
}

/// Plain encoding for every leaf: dictionary pages would depend on a cardinality estimate.
fn plain(leaves: Vec<Encoding>) -> Vec<Encoding> {
    leaves.into_iter().map(|_| Encoding::Plain).collect()
}

fn parquet_error(error: PolarsError) -> Error {
    Error::Invalid(format!("writing estimates.parquet: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Choice;
    use crate::stats::Kind;

    fn estimate(category: &str, n: Option<u64>, ci: Option<(f64, f64)>) -> Estimate {
        Estimate {
            study: "s".into(),
            wave: 2010,
            category: category.into(),
            kind: Kind::Department,
            choice: Choice::Single,
            n,
            count: n.map(|n| n / 2),
            share: 0.35,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            method: "wilson".into(),
            design: "srs".into(),
            level: 0.95,
            ..Default::default()
        }
    }

    #[test]
    fn the_frame_is_typed_and_keeps_nulls() {
        let rows = [
            estimate("marketing", Some(100), Some((0.26, 0.45))),
            estimate("pr", None, None),
        ];
        let frame = estimates_frame(&rows).unwrap();
        assert_eq!(frame.width(), 20);
        let dtype = |name: &str| frame.column(name).unwrap().dtype().to_string();
        assert_eq!(dtype("wave"), "i32");
        assert_eq!(dtype("n"), "u64");
        assert_eq!(dtype("share"), "f64");
        assert_eq!(dtype("segment"), "str");
        assert_eq!(frame.column("ci_low").unwrap().null_count(), 1);
        assert_eq!(frame.column("segment").unwrap().null_count(), 2);
        assert_eq!(frame.column("n").unwrap().u64().unwrap().get(0), Some(100));
    }

    #[test]
    fn bytes_are_parquet_and_repeatable() {
        let rows = [estimate("marketing", Some(100), Some((0.26, 0.45)))];
        let first = estimates(&rows).unwrap();
        assert_eq!(&first[..4], b"PAR1");
        assert_eq!(&first[first.len() - 4..], b"PAR1");
        assert_eq!(first, estimates(&rows).unwrap());
        let empty = estimates(&[]).unwrap();
        assert_eq!(&empty[..4], b"PAR1");
    }
}
