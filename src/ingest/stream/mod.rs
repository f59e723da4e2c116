//! The large-file reader: a plain respondent-level UTF-8 CSV read in blocks of whole records, in
//! parallel, each block reduced to a tally (weight sums per wave, stratum, PSU and category set)
//! with the careful reader's row rules, rejects and line numbers. Memory does not grow with the
//! rows: blocks are merged in file order as they finish, so results do not depend on the threads.
//!
//! Used when the format is generic, the file is UTF-8 and at least `min_bytes()` long; anything
//! else (or anything the splitter cannot follow) goes to the careful reader in `generic`.

mod block;
mod bounds;
mod plan;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{InputSpec, RawInput};
use crate::error::{Error, Result};
use crate::stats::tally::{Respondent, Tally};
use crate::taxonomy::Taxonomy;
use block::{Block, BlockOut, Context, Deferred, Refusal};
use plan::Plan;

pub use block::resolve;

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

/// Files from 16 MiB (about 350,000 rows) take this path. Below that the careful reader costs
/// well under a second and keeps every answer for the cross-file checks.
pub const DEFAULT_MIN_BYTES: u64 = 16 << 20;

/// Blocks of 8 MiB: large enough that per-block work (names, labels, merging) is noise, small
/// enough that a block per thread in flight stays far below the file's size.
pub const DEFAULT_BLOCK_BYTES: usize = 8 << 20;

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

fn block_bytes() -> usize {
    std::env::var(BLOCK_BYTES_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_BLOCK_BYTES)
}

/// Reads `spec.path` here when this path applies; `None` sends it to the careful reader.
/// The input's respondents are in `RawInput::tally` (its `answers` stay empty).
pub fn try_read(spec: &InputSpec, taxonomy: &Taxonomy) -> Result<Option<RawInput>> {
    read_with(spec, taxonomy, min_bytes(), block_bytes())
}

/// `try_read` with the threshold and block size given (tests read small files in tiny blocks).
pub fn read_with(
    spec: &InputSpec,
    taxonomy: &Taxonomy,
    min_bytes: u64,
    block_bytes: usize,
) -> Result<Option<RawInput>> {
    let Some(plan) = Plan::make(spec, taxonomy, min_bytes)? else {
        return Ok(None);
    };
    let mut ctx = Context {
        spec,
        taxonomy,
        plan: &plan,
        suspects: None,
    };
    let Some(mut total) = pass(&ctx, block_bytes)? else {
        return Ok(None);
    };
    if let Some(suspects) = total.repeated_keys()? {
        // A respondent key repeats (or two keys share a hash): read again, deciding those rows in
        // file order as the careful reader does. Rare, so the second pass is not optimised.
        ctx.suspects = Some(&suspects);
        let Some(again) = pass(&ctx, block_bytes)? else {
            return Ok(None);
        };
        total = again;
        total.decide_deferred();
    }
    total.finish(spec, taxonomy, &plan).map(Some)
}

/// One parallel pass over the file's blocks; `None` when a block refuses (the careful reader then reads the file).
fn pass(ctx: &Context, block_bytes: usize) -> Result<Option<Total>> {
    let source = Mutex::new(Source::open(ctx.spec, ctx.plan, block_bytes)?);
    let merged = Mutex::new(Merger::starting_at(ctx.plan.data_line));
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let next = source.lock().map(|mut s| s.next());
                    let block = match next {
                        Ok(Ok(Some(block))) => block,
                        Ok(Ok(None)) => break,
                        Ok(Err(refusal)) => {
                            stop.store(true, Ordering::Relaxed);
                            if let Ok(mut m) = merged.lock() {
                                m.refuse(usize::MAX, refusal);
                            }
                            break;
                        }
                        Err(_) => break,
                    };
                    let out = block::read(ctx, &block);
                    if let Ok(mut s) = source.lock() {
                        s.recycle(block.bytes);
                    }
                    let Ok(mut m) = merged.lock() else { break };
                    match out {
                        Ok(out) => m.add(block.index, out),
                        // An error is final only once the whole file is known to be read here:
                        // a later block may still send the file to the careful reader.
                        Err(refusal) => {
                            if matches!(refusal, Refusal::NotPlain) {
                                stop.store(true, Ordering::Relaxed);
                            }
                            m.refuse(block.index, refusal);
                        }
                    }
                }
            });
        }
    });
    let merged = merged
        .into_inner()
        .map_err(|_| Error::Invalid("a reader thread panicked".into()))?;
    match merged.refused {
        // Every block before the refusing one was handed out before it and merged: its first line is known.
        Some((index, Refusal::Fatal { line, reason })) if index == merged.next => Err(Error::Parse {
            path: ctx.spec.path.clone(),
            line: merged.total.line + line,
            reason,
        }),
        Some((_, Refusal::Fatal { reason, .. })) => Err(Error::Invalid(format!(
            "{}: {reason} (line not known)",
            ctx.spec.path.display()
        ))),
        Some((_, Refusal::NotPlain)) => Ok(None),
        None if !merged.pending.is_empty() => Err(Error::Invalid("a block of the file was not read".into())),
        None => Ok(Some(merged.total)),
    }
}

/// Cuts the file into blocks of whole records.
struct Source {
    file: std::fs::File,
    delimiter: u8,
    carry: Vec<u8>,
    index: usize,
    size: usize,
    done: bool,
    /// Buffers of blocks already read, for the next blocks (no fresh pages per block).
    spare: Vec<Vec<u8>>,
}

impl Source {
    fn open(spec: &InputSpec, plan: &Plan, size: usize) -> Result<Source> {
        use std::io::{Seek, SeekFrom};
        let io = |e: std::io::Error| Error::Io {
            path: spec.path.clone(),
            source: e,
        };
        let mut file = std::fs::File::open(&spec.path).map_err(io)?;
        file.seek(SeekFrom::Start(plan.data_start)).map_err(io)?;
        Ok(Source {
            file,
            delimiter: plan.delimiter,
            carry: Vec::new(),
            index: 0,
            size,
            done: false,
            spare: Vec::new(),
        })
    }

    fn recycle(&mut self, mut bytes: Vec<u8>) {
        bytes.clear();
        self.spare.push(bytes);
    }

    fn next(&mut self) -> std::result::Result<Option<Block>, Refusal> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.append(&mut self.carry);
        let mut size = self.size;
        loop {
            if !self.done {
                let want = bytes.len() + size;
                let mut chunk = (&mut self.file).take(size as u64);
                bytes.reserve(size);
                let read = chunk.read_to_end(&mut bytes).map_err(|_| Refusal::NotPlain)?;
                super::BYTES_READ.fetch_add(read as u64, Ordering::Relaxed);
                self.done = read == 0 || bytes.len() < want;
            }
            if bytes.is_empty() {
                return Ok(None);
            }
            let end = if self.done {
                bytes.len()
            } else {
                bounds::last_record_end(&bytes, self.delimiter).map_err(|_| Refusal::NotPlain)?
            };
            // A record longer than a block: read on, twice as much each time (each read rescans
            // the buffer). One longer than the careful reader's whole-file limit is its problem.
            if end == 0 && !self.done {
                if bytes.len() > super::sniff::MAX_FILE_BYTES {
                    return Err(Refusal::NotPlain);
                }
                size = size.saturating_mul(2);
                continue;
            }
            self.carry.extend_from_slice(&bytes[end..]);
            bytes.truncate(end);
            let block = Block {
                index: self.index,
                bytes,
            };
            self.index += 1;
            return Ok(Some(block));
        }
    }
}

/// Blocks merged in file order as they finish.
struct Merger {
    next: usize,
    pending: BTreeMap<usize, BlockOut>,
    total: Total,
    refused: Option<(usize, Refusal)>,
}

impl Merger {
    fn starting_at(line: u64) -> Merger {
        Merger {
            next: 0,
            pending: BTreeMap::new(),
            total: Total {
                line,
                ..Total::default()
            },
            refused: None,
        }
    }

    fn add(&mut self, index: usize, out: BlockOut) {
        self.pending.insert(index, out);
        while let Some(out) = self.pending.remove(&self.next) {
            self.total.absorb(out);
            self.next += 1;
        }
    }

    /// Keeps the refusal of the earliest block (a file-level error names the first bad line).
    fn refuse(&mut self, index: usize, refusal: Refusal) {
        let earlier = match (&self.refused, &refusal) {
            (None, _) => true,
            // Falling back to the careful reader wins over an error: it reports the file's first problem.
            (Some((_, Refusal::Fatal { .. })), Refusal::NotPlain) => true,
            (Some((_, Refusal::NotPlain)), Refusal::Fatal { .. }) => false,
            (Some((at, _)), _) => index < *at,
        };
        if earlier {
            self.refused = Some((index, refusal));
        }
    }
}

/// The whole file so far.
#[derive(Default)]
struct Total {
    tally: Tally,
    rejects: Vec<(u64, String)>,
    records: u64,
    blank_records: u64,
    accepted: u64,
    no_answer: u64,
    unknown: BTreeMap<String, u64>,
    /// Respondent key hashes by their top byte: 256 short runs sort faster than one long one, and in parallel.
    hashes: Vec<Vec<u64>>,
    rejected_hashes: Vec<u64>,
    /// Every block's ids rose within each wave; the ranges per wave of each block.
    rising: bool,
    ranges: BTreeMap<i32, Vec<(u64, u64)>>,
    blocks: usize,
    deferred: Vec<Deferred>,
    /// The file line of the next block's first byte.
    line: u64,
}

impl Total {
    fn absorb(&mut self, mut out: BlockOut) {
        out.shift_lines(self.line);
        self.line += out.newlines;
        self.rising = (self.blocks == 0 || self.rising) && out.rising.holds;
        self.blocks += 1;
        self.tally.merge(&out.tally);
        self.rejects.extend(out.rejects);
        self.records += out.records;
        self.blank_records += out.blank_records;
        self.accepted += out.accepted;
        self.no_answer += out.no_answer;
        for (label, line) in out.unknown {
            self.unknown.entry(label).or_insert(line);
        }
        if self.rising {
            for (wave, range) in out.rising.ranges {
                self.ranges.entry(wave).or_default().push(range);
            }
        }
        if self.hashes.is_empty() {
            self.hashes = vec![Vec::new(); 256];
        }
        for hash in out.hashes {
            self.hashes[(hash >> 56) as usize].push(hash);
        }
        self.rejected_hashes.extend(out.rejected_hashes);
        self.deferred.extend(out.deferred);
    }

    /// Respondent key hashes seen more than once, or `None` when every key is distinct. Rising
    /// ids whose blocks do not overlap need no search.
    fn repeated_keys(&mut self) -> Result<Option<HashSet<u64>>> {
        let disjoint = self.rising
            && self.ranges.values_mut().all(|ranges| {
                ranges.sort_unstable();
                ranges.windows(2).all(|w| w[0].1 < w[1].0)
            });
        if disjoint {
            return Ok(None);
        }
        let buckets = &mut self.hashes;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let share = buckets.len().div_ceil(threads).max(1);
        let repeated = std::thread::scope(|scope| {
            let workers: Vec<_> = buckets
                .chunks_mut(share)
                .map(|part| {
                    scope.spawn(move || {
                        let mut repeated = Vec::new();
                        for bucket in part {
                            bucket.sort_unstable();
                            repeated.extend(bucket.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]));
                        }
                        repeated
                    })
                })
                .collect();
            // A worker that panicked (it only sorts) fails the run: a repeat must not go unseen.
            let mut repeated = HashSet::new();
            for worker in workers {
                repeated.extend(
                    worker
                        .join()
                        .map_err(|_| Error::Invalid("the duplicate check failed".into()))?,
                );
            }
            Ok::<_, Error>(repeated)
        })?;
        Ok((!repeated.is_empty()).then_some(repeated))
    }

    /// The rows whose keys repeat, in file order: the first of each key counts, later ones are
    /// duplicates (as the careful reader decides; a first row rejected for its weight still takes the id).
    fn decide_deferred(&mut self) {
        let mut deferred = std::mem::take(&mut self.deferred);
        deferred.sort_by_key(|d| d.line);
        let mut seen = BTreeSet::new();
        for row in deferred {
            let hash = key_hash(row.wave, &row.respondent);
            if !seen.insert((row.wave, row.respondent.clone())) {
                let reason = format!("duplicate respondent `{}` in wave {}", row.respondent, row.wave);
                self.rejects.push((row.line, reason));
                self.rejected_hashes.push(hash);
                continue;
            }
            match row.row {
                Err(reason) => {
                    self.rejects.push((row.line, reason));
                    self.rejected_hashes.push(hash);
                }
                Ok(a) => {
                    self.accepted += 1;
                    self.no_answer += u64::from(a.set.is_empty() && a.unknown.is_empty());
                    for label in a.unknown {
                        let first = self.unknown.entry(label).or_insert(row.line);
                        *first = (*first).min(row.line);
                    }
                    let set: Vec<&str> = a.set.iter().map(String::as_str).collect();
                    self.tally.add_respondent(&Respondent {
                        wave: row.wave,
                        segment: a.segment.as_deref(),
                        stratum: a.stratum.as_deref(),
                        psu: a.psu.as_deref(),
                        set: &set,
                        weight: a.weight,
                        fpc: a.fpc,
                    });
                }
            }
        }
    }

    fn finish(mut self, spec: &InputSpec, taxonomy: &Taxonomy, plan: &Plan) -> Result<RawInput> {
        let path = spec.path.as_path();
        if self.records == self.blank_records {
            return Err(Error::HeaderOnly {
                path: path.to_path_buf(),
            });
        }
        let mut input = RawInput::new(spec);
        input.notes.push(format!(
            "{}: {}, delimiter `{}`, {} data rows",
            path.display(),
            plan.encoding,
            (plan.delimiter as char).escape_default(),
            self.records
        ));
        input.notes.extend(plan.notes.iter().cloned());
        input.notes.push(format!(
            "{}: {NOTE} (blocks read in parallel; threshold {MIN_BYTES_VAR})",
            path.display()
        ));
        self.rejects.sort_by_key(|(line, _)| *line);
        for (line, reason) in self.rejects {
            input.reject(line, reason);
        }
        input.summary.rows_read += self.accepted;
        input.summary.rows_accepted += self.accepted;
        input.summary.no_answer += self.no_answer;
        super::check_strict(spec, &input)?;
        let mut unknown: Vec<(String, u64)> = self.unknown.into_iter().collect();
        unknown.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        if let Some(((label, line), rest)) = unknown.split_first() {
            let rest: Vec<(String, Option<u64>)> = rest.iter().map(|(l, n)| (l.clone(), Some(*n))).collect();
            return Err(crate::responses::unknown_label(spec, taxonomy, label, *line, rest));
        }
        input.tally = Some(self.tally);
        input.key_hashes = self.hashes;
        input.rejected_key_hashes = self.rejected_hashes;
        Ok(input)
    }
}

#[cfg(test)]
mod tests;
