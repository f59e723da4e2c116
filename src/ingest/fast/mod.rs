//! The large-file reader: plain respondent-level UTF-8 CSVs read by polars' multithreaded CSV
//! reader instead of row by row, with the careful reader's rules, rejects and line numbers.
//!
//! Used when the format is generic, the file is UTF-8 and at least `min_bytes()` long; anything
//! else (or anything polars cannot read) goes to the careful reader in `generic`.

mod lines;
mod plan;
mod rows;

use std::path::Path;

use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, SerReader};

use super::{InputSpec, RawInput};
use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;

/// Environment variable setting the smallest file (in bytes) read by the fast path; `never` turns it off.
/// Read only here; tests set it to 0 to force the fast path on small fixtures.
pub const MIN_BYTES_VAR: &str = "DEPTSHARE_FAST_PATH_MIN_BYTES";

/// Files from 16 MiB (about 350,000 rows) take the fast path. Below that the careful reader costs
/// well under a second; above it the careful reader's per-row strings dominate time and memory.
/// The tests run both paths on the same fixtures (forcing this one with `MIN_BYTES_VAR=0`).
pub const DEFAULT_MIN_BYTES: u64 = 16 << 20;

/// The threshold: `MIN_BYTES_VAR` when it is a number (or `never`), else `DEFAULT_MIN_BYTES`.
pub fn min_bytes() -> u64 {
    match std::env::var(MIN_BYTES_VAR) {
        Ok(v) if v.trim().eq_ignore_ascii_case("never") => u64::MAX,
        Ok(v) => v.trim().parse().unwrap_or(DEFAULT_MIN_BYTES),
        Err(_) => DEFAULT_MIN_BYTES,
    }
}

/// Reads `spec.path` by the fast path when it applies; `None` sends it to the careful reader.
/// `file` keys respondent ids (`file:id`) as `responses::build` does for the careful reader.
pub fn try_read(spec: &InputSpec, taxonomy: &Taxonomy, file: usize) -> Result<Option<RawInput>> {
    let Some(plan) = plan::Plan::make(spec, taxonomy, min_bytes())? else {
        return Ok(None);
    };
    let Some(frame) = scan(&spec.path, &plan) else {
        return Ok(None);
    };
    rows::read(spec, taxonomy, &plan, &frame, file).map(Some)
}

/// The needed columns as strings, in file order; `None` when polars cannot read the file
/// (the careful reader then reports the problem with its line).
fn scan(path: &Path, plan: &plan::Plan) -> Option<DataFrame> {
    let names: Vec<PlSmallStr> = plan
        .projected()
        .iter()
        .map(|i| plan.raw_headers[*i].as_str().into())
        .collect();
    let mut frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_columns(Some(names.into()))
        .map_parse_options(|p| p.with_separator(plan.delimiter).with_truncate_ragged_lines(false))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|reader| reader.finish())
        .ok()?;
    // The row rules read cells by row number, and a lookup in a column of many chunks searches
    // them; one chunk per column (rechunked one column at a time to bound the extra memory).
    frame.rechunk_mut();
    (frame.width() == plan.projected().len()).then_some(frame)
}

/// A polars failure while building the frame, which should not happen on frames built here.
fn polars_error(path: &Path, e: PolarsError) -> Error {
    Error::Invalid(format!("{}: reading the file with polars: {e}", path.display()))
}
