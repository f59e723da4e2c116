//! Blocks merged in file order as they finish, into the whole file's tally, rejects and keys;
//! then the file's duplicate keys decided and the `RawInput` made.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::block::{BlockOut, Refusal};
use super::deferred::Deferred;
use super::plan::Plan;
use super::{MIN_BYTES_VAR, NOTE, key_hash};
use crate::error::{Error, Result};
use crate::ingest::{InputSpec, RawInput};
use crate::tally::{Respondent, Tally};
use crate::taxonomy::Taxonomy;

/// Blocks merged in file order as they finish.
pub struct Merger {
    pub next: usize,
    pub pending: BTreeMap<usize, BlockOut>,
    pub total: Total,
    pub refused: Option<(usize, Refusal)>,
}

impl Merger {
    pub fn starting_at(line: u64) -> Merger {
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

    pub fn add(&mut self, index: usize, out: BlockOut) {
        self.pending.insert(index, out);
        while let Some(out) = self.pending.remove(&self.next) {
            self.total.absorb(out);
            self.next += 1;
        }
    }

    /// Keeps the refusal that decides: handing the file on, then decoding it otherwise (either
    /// may change what the file's first problem is), then the earliest block's error (a
    /// file-level error names the first bad line).
    pub fn refuse(&mut self, index: usize, refusal: Refusal) {
        let rank = |refusal: &Refusal| match refusal {
            Refusal::NotPlain => 0,
            Refusal::NotUtf8 => 1,
            Refusal::Fatal { .. } => 2,
        };
        let earlier = match &self.refused {
            None => true,
            Some((at, kept)) => (rank(&refusal), index) < (rank(kept), *at),
        };
        if earlier {
            self.refused = Some((index, refusal));
        }
    }
}

/// The whole file so far.
#[derive(Default)]
pub struct Total {
    tally: Tally,
    rejects: Vec<(u64, u64, String)>,
    records: u64,
    blank_records: u64,
    accepted: u64,
    no_answer: u64,
    unknown: BTreeMap<String, u64>,
    /// Respondent key hashes, one list per block in file order (moved, not copied: the merge is
    /// the serial part of a read). Bucketed by top byte only when a search is needed.
    hashes: Vec<Vec<u64>>,
    rejected_hashes: Vec<u64>,
    /// Every block's ids rose within each wave; the ranges per wave of each block.
    rising: bool,
    ranges: BTreeMap<i32, Vec<(u64, u64)>>,
    blocks: usize,
    deferred: Vec<Deferred>,
    /// The keys of the deferred rows that were accepted, in file order.
    pub decided: Vec<(i32, String)>,
    /// The file line of the next block's first byte.
    pub line: u64,
    /// A block read without the lossy rules holds U+FFFD (`BlockOut::fffd`).
    pub fffd: bool,
    /// Bytes of the file in the blocks so far (`BlockOut::raw_len`).
    pub raw_bytes: u64,
}

impl Total {
    pub fn absorb(&mut self, mut out: BlockOut) {
        out.shift_lines(self.line, self.records);
        self.line += out.newlines;
        self.rising = (self.blocks == 0 || self.rising) && out.rising.holds;
        self.blocks += 1;
        self.fffd |= out.fffd;
        self.raw_bytes += out.raw_len;
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
        self.hashes.push(out.hashes);
        self.rejected_hashes.extend(out.rejected_hashes);
        self.deferred.extend(out.deferred);
    }

    /// Respondent key hashes seen more than once, or `None` when every key is distinct. Rising
    /// ids whose blocks do not overlap need no search.
    pub fn repeated_keys(&mut self) -> Result<Option<HashSet<u64>>> {
        let disjoint = self.rising
            && self.ranges.values_mut().all(|ranges| {
                ranges.sort_unstable();
                ranges.windows(2).all(|w| w[0].1 < w[1].0)
            });
        if disjoint {
            return Ok(None);
        }
        // 256 short runs by top byte sort faster than one long one, and in parallel.
        // Each block's list is freed as it is bucketed; the buckets are the file's lists after.
        let mut buckets = vec![Vec::new(); 256];
        for block in std::mem::take(&mut self.hashes) {
            for hash in block {
                buckets[(hash >> 56) as usize].push(hash);
            }
        }
        self.hashes = buckets;
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
    /// A row accepted so whose key is in `prior` (an earlier file of the study) is rejected, naming
    /// that file, as the pipeline rejects a careful reader's row.
    pub fn decide_deferred(&mut self, prior: Option<&super::Prior>) {
        let mut deferred = std::mem::take(&mut self.deferred);
        deferred.sort_by_key(|d| d.record);
        let mut seen = BTreeSet::new();
        for row in deferred {
            let hash = key_hash(row.wave, &row.respondent);
            if !seen.insert((row.wave, row.respondent.clone())) {
                let reason = crate::ingest::rules::duplicate(row.wave, &row.respondent);
                self.rejects.push((row.record, row.line, reason));
                self.rejected_hashes.push(hash);
                continue;
            }
            match row.row {
                Err(reason) => {
                    self.rejects.push((row.record, row.line, reason));
                    self.rejected_hashes.push(hash);
                }
                Ok(_) if let Some(first) = prior.and_then(|p| p.get(&(row.wave, row.respondent.clone()))) => {
                    let reason = format!(
                        "respondent `{}` in wave {} is already in {first}",
                        row.respondent, row.wave
                    );
                    self.rejects.push((row.record, row.line, reason));
                    self.rejected_hashes.push(hash);
                }
                Ok(a) => {
                    self.decided.push((row.wave, row.respondent.clone()));
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
                        calibration: a.calibration.as_deref(),
                    });
                }
            }
        }
    }

    pub fn finish(mut self, spec: &InputSpec, taxonomy: &Taxonomy, plan: &Plan) -> Result<RawInput> {
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
        self.rejects.sort_by_key(|(record, _, _)| *record);
        for (_, line, reason) in self.rejects {
            input.reject(line, reason);
        }
        input.summary.rows_read += self.accepted;
        input.summary.rows_accepted += self.accepted;
        input.summary.no_answer += self.no_answer;
        crate::ingest::check_strict(spec, &input)?;
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
