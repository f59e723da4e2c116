//! The block reader: a plain respondent-level CSV read in blocks of whole records, in parallel,
//! each block reduced to a tally (weight sums per wave, stratum, PSU and category set) with the
//! row rules of `ingest::rules`, rejects and line numbers. Memory grows only by an 8-byte key hash
//! per row (for the duplicate checks); blocks are merged in file order as they finish, so results
//! do not depend on the threads.
//!
//! Used for every generic CSV (at least `min_bytes()` long, 0 unless set) in any encoding the
//! careful reader reads (`text`: UTF-8, with broken bytes too, Windows-1252, UTF-16), with `#`
//! comment lines before the header, stray quotes and lone carriage returns, read as the careful
//! reader reads them; survey-tool exports, headers it cannot project (blank or repeated names) and
//! files whose first 64 MiB hold fewer than 1000 rows go to the careful reader in `generic`.

mod block;
mod bounds;
mod deferred;
mod merge;
mod pass;
mod plan;
mod source;
mod text;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use super::{InputSpec, RawInput};
use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;
use merge::Total;
use plan::Plan;

pub use bounds::ends_quoted;
pub use deferred::resolve;

/// The hash of a respondent key (wave and trimmed id) that the large-file path keeps per row, so
/// that ids repeated across files can be found without keeping the ids.
pub fn key_hash(wave: i32, respondent: &str) -> u64 {
    use std::hash::BuildHasher;
    block::IdHasher::with_seed(block::ID_SEED).hash_one((wave, respondent))
}

/// Environment variable setting the smallest file (in bytes) read by this path; `never` turns it off.
/// Read only here; tests set it to 0 to force the path on small fixtures.
pub const MIN_BYTES_VAR: &str = "DEPTSHARE_FAST_PATH_MIN_BYTES";

/// Environment variable setting the block size in bytes (tests cut fixtures into many blocks).
pub const BLOCK_BYTES_VAR: &str = "DEPTSHARE_BLOCK_BYTES";

/// Every plain CSV takes this path, whatever its size (`MIN_BYTES_VAR` = `never` sends them all
/// to the careful reader, which the differential tests compare it with).
pub const DEFAULT_MIN_BYTES: u64 = 0;

/// Blocks of at most 8 MiB: large enough that per-block work (names, labels, merging) is noise,
/// small enough that a block per thread in flight stays far below the file's size.
pub const DEFAULT_BLOCK_BYTES: usize = 8 << 20;

/// Blocks of at least 512 KiB (unless `BLOCK_BYTES_VAR` says otherwise): below that a block's
/// own names, label lookups and merge start to show.
pub const MIN_BLOCK_BYTES: usize = 512 << 10;

/// What the note on stderr says when a file is read here.
pub const NOTE: &str = "read by the large-file path";

/// The threshold: `MIN_BYTES_VAR` when it is a number (or `never`), else `DEFAULT_MIN_BYTES`.
pub fn min_bytes() -> u64 {
    match std::env::var(MIN_BYTES_VAR) {
        Ok(v) if v.trim().eq_ignore_ascii_case("never") => u64::MAX,
        Ok(v) => v.trim().parse().unwrap_or(DEFAULT_MIN_BYTES),
        Err(_) => DEFAULT_MIN_BYTES,
    }
}

/// Blocks a file is cut into when that keeps them between `MIN_BLOCK_BYTES` and
/// `DEFAULT_BLOCK_BYTES`: a survey of 100,000 rows (4-5 MB) is then read by every core, not by
/// one thread in a single block. A count per file, not per thread, so the sums (added block by
/// block) come out the same on any machine.
const BLOCKS_PER_FILE: u64 = 8;

/// The block size for the file `spec` names: `BLOCK_BYTES_VAR` when set, else `BLOCKS_PER_FILE`
/// blocks, kept between `MIN_BLOCK_BYTES` and `DEFAULT_BLOCK_BYTES` (a file whose size cannot be
/// read gets the smallest; the reader then says why it cannot be read).
fn block_bytes(spec: &InputSpec) -> usize {
    std::env::var(BLOCK_BYTES_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| sized_blocks(std::fs::metadata(&spec.path).map_or(0, |m| m.len())))
}

/// `BLOCKS_PER_FILE` blocks for a file of `len` bytes, kept between `MIN_BLOCK_BYTES` and
/// `DEFAULT_BLOCK_BYTES`.
fn sized_blocks(len: u64) -> usize {
    (len / BLOCKS_PER_FILE).clamp(MIN_BLOCK_BYTES as u64, DEFAULT_BLOCK_BYTES as u64) as usize
}

/// Reads `spec.path` here when this path applies; `None` sends it to the careful reader.
/// The input's respondents are in `RawInput::tally` (its `answers` stay empty).
pub fn try_read(spec: &InputSpec, taxonomy: &Taxonomy) -> Result<Option<RawInput>> {
    read_with(spec, taxonomy, min_bytes(), block_bytes(spec))
}

/// `try_read` with the threshold and block size given (tests read small files in tiny blocks).
pub fn read_with(
    spec: &InputSpec,
    taxonomy: &Taxonomy,
    min_bytes: u64,
    block_bytes: usize,
) -> Result<Option<RawInput>> {
    let Some(mut plan) = Plan::make(spec, taxonomy, min_bytes, None)? else {
        return Ok(None);
    };
    // The progress bar counts this file once, whether it is read twice or handed on.
    let before = super::BYTES_READ.load(Ordering::Relaxed);
    let rewind = || super::BYTES_READ.store(before, Ordering::Relaxed);
    let Some(mut total) = pass::settled(spec, taxonomy, &mut plan, None, block_bytes)? else {
        rewind();
        return Ok(None);
    };
    let failed = |e: Error| Error::Invalid(format!("{}: {e}", spec.path.display()));
    if let Some(suspects) = total.repeated_keys().map_err(failed)? {
        // A respondent key repeats (or two keys share a hash): read again, deciding those rows in
        // file order as the careful reader does. Rare, so the second pass is not optimised.
        rewind();
        let Some(again) = pass::settled(spec, taxonomy, &mut plan, Some(&suspects), block_bytes)? else {
            rewind();
            return Ok(None);
        };
        total = again;
        total.decide_deferred(None);
    }
    total.finish(spec, taxonomy, &plan).map(Some)
}

/// Respondents of earlier files of a study: wave and id, and the file that has them.
pub type Prior = HashMap<(i32, String), String>;

/// Reads a file this path read before again, deciding the rows whose key hash is in `candidates`
/// by name: one whose key is in `prior` is a rejected row naming the earlier file, as the careful
/// reader's rows are. Respondent keys shared with earlier files are rare, so this costs a pass or
/// two only when a file has them.
pub fn reread(spec: &InputSpec, taxonomy: &Taxonomy, candidates: &HashSet<u64>, prior: &Prior) -> Result<RawInput> {
    let (total, plan) = decided(spec, taxonomy, candidates, Some(prior))?;
    total.finish(spec, taxonomy, &plan)
}

/// The respondent keys (wave, id) of a file this path read whose hashes are in `candidates`: the
/// first valid row of each key, as the file's own duplicate rule decides.
pub fn exact_keys(spec: &InputSpec, taxonomy: &Taxonomy, candidates: &HashSet<u64>) -> Result<Vec<(i32, String)>> {
    let (total, _) = decided(spec, taxonomy, candidates, None)?;
    let mut keys = total.decided;
    keys.retain(|(wave, id)| candidates.contains(&key_hash(*wave, id)));
    Ok(keys)
}

/// A pass deferring the rows of `candidates` and of any key the file repeats, decided in file order.
fn decided(
    spec: &InputSpec,
    taxonomy: &Taxonomy,
    candidates: &HashSet<u64>,
    prior: Option<&Prior>,
) -> Result<(Total, Plan)> {
    let lost = || {
        Error::Invalid(format!(
            "{}: the file could not be read again (did it change?)",
            spec.path.display()
        ))
    };
    let mut plan = Plan::make(spec, taxonomy, 0, None)?.ok_or_else(lost)?;
    let before = super::BYTES_READ.load(Ordering::Relaxed);
    let mut read = |suspects: &HashSet<u64>| -> Result<Total> {
        pass::settled(spec, taxonomy, &mut plan, Some(suspects), block_bytes(spec))?.ok_or_else(lost)
    };
    let mut total = read(candidates)?;
    let failed = |e: Error| Error::Invalid(format!("{}: {e}", spec.path.display()));
    if let Some(own) = total.repeated_keys().map_err(failed)?
        && !own.is_subset(candidates)
    {
        let all: HashSet<u64> = candidates.union(&own).copied().collect();
        total = read(&all)?;
    }
    super::BYTES_READ.store(before, Ordering::Relaxed);
    total.decide_deferred(prior);
    Ok((total, plan))
}

#[cfg(test)]
mod tests;
