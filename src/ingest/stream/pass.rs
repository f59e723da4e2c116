//! Passes over a file's blocks: one parallel pass, and the passes that settle how the file's bytes
//! are text. A file taken for UTF-8 (its head is) that is not is decoded as its whole bytes say
//! (`text::census`); the read goes on from the first block that was not UTF-8 when the blocks
//! before it read the same in the file's coding, and starts again otherwise. A UTF-16 file whose
//! broken bytes turned up after blocks holding U+FFFD were read is read again with the lossy
//! rules from the start.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::block::{self, Context, Refusal};
use super::merge::{Merger, Total};
use super::plan::Plan;
use super::source::Source;
use super::text::{self, Coding};
use crate::error::{Error, Result};
use crate::ingest::{BYTES_READ, InputSpec};
use crate::taxonomy::Taxonomy;

/// Passes until the text is settled; `None` sends the file to the careful reader.
pub fn settled(
    spec: &InputSpec,
    taxonomy: &Taxonomy,
    plan: &mut Plan,
    suspects: Option<&HashSet<u64>>,
    block_bytes: usize,
) -> Result<Option<Total>> {
    let before = BYTES_READ.load(Ordering::Relaxed);
    let mut resume = None;
    loop {
        let ctx = Context {
            spec,
            taxonomy,
            plan,
            suspects,
        };
        let outcome = pass(&ctx, block_bytes, resume.take())?;
        if let Outcome::Read(_, late_fffd) = &outcome
            && (!late_fffd || plan.lossy)
        {
            return Ok(outcome.total());
        }
        // Read again (or handed on): the progress bar counts the file once.
        BYTES_READ.store(before, Ordering::Relaxed);
        match outcome {
            Outcome::Read(..) => plan.lossy = true,
            Outcome::Recode(stopped) if plan.coding == Coding::Utf8 => {
                let Some((recoded, go_on)) = recode(spec, taxonomy, plan, stopped)? else {
                    return Ok(None);
                };
                if let Some(merger) = &go_on {
                    BYTES_READ.store(before + merger.total.raw_bytes, Ordering::Relaxed);
                }
                (*plan, resume) = (recoded, go_on);
            }
            Outcome::Recode(_) | Outcome::Careful => return Ok(None),
        }
    }
}

/// The plan for a file taken for UTF-8 that is not, in the coding its whole bytes say, and where
/// the next pass starts: after the blocks `stopped` merged when they read the same in that coding
/// (and so does the head the plan was made from), else from the start. `None` for the careful reader.
fn recode(
    spec: &InputSpec,
    taxonomy: &Taxonomy,
    plan: &Plan,
    stopped: Option<Merger>,
) -> Result<Option<(Plan, Option<Merger>)>> {
    let Ok(census) = text::census(&spec.path, plan.bom) else {
        return Ok(None);
    };
    let coding = census.verdict();
    if coding == Coding::Utf8 {
        return Ok(None);
    }
    let Some(recoded) = Plan::make(spec, taxonomy, 0, Some(coding))? else {
        return Ok(None);
    };
    let same = |merger: &Merger| {
        let offset = plan.data_start + merger.total.raw_bytes;
        census.same_before(coding, offset.max(plan.head_bytes)) && recoded.data_start == plan.data_start
    };
    let go_on = stopped.filter(same);
    Ok(Some((recoded, go_on)))
}

/// How a pass ended.
enum Outcome {
    /// Every block read; and whether a block read without the lossy rules holds U+FFFD in a file
    /// that turned out to have broken bytes.
    Read(Total, bool),
    /// Not UTF-8: the file's bytes decide its coding. With the blocks before the first block that
    /// was not UTF-8 merged, when that block was the pass's first refusal.
    Recode(Option<Merger>),
    /// For the careful reader.
    Careful,
}

impl Outcome {
    fn total(self) -> Option<Total> {
        match self {
            Outcome::Read(total, _) => Some(total),
            Outcome::Recode(_) | Outcome::Careful => None,
        }
    }
}

/// One parallel pass over the file's blocks, from the start or from where `resume` stopped.
fn pass(ctx: &Context, block_bytes: usize, resume: Option<Merger>) -> Result<Outcome> {
    let plan = ctx.plan;
    let merger = resume.unwrap_or_else(|| Merger::starting_at(plan.data_line));
    let start = (plan.data_start + merger.total.raw_bytes, merger.next);
    let source = Mutex::new(Source::open(ctx.spec, plan, block_bytes, start)?);
    let merged = Mutex::new(merger);
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let next = source.lock().map(|mut s| s.next());
                    let mut block = match next {
                        Ok(Ok(Some(block))) => block,
                        Ok(Ok(None)) => break,
                        Ok(Err((index, refusal))) => {
                            stop.store(true, Ordering::Relaxed);
                            if let Ok(mut m) = merged.lock() {
                                m.refuse(index, refusal);
                            }
                            break;
                        }
                        Err(_) => break,
                    };
                    let out = block::read(ctx, &mut block);
                    let index = block.index;
                    if let Ok(mut s) = source.lock() {
                        s.recycle(block);
                    }
                    let Ok(mut m) = merged.lock() else { break };
                    match out {
                        Ok(out) => m.add(index, out),
                        // An error is final only once the whole file is known to be read here:
                        // a later block may still ask for the file to be decoded otherwise.
                        Err(refusal) => {
                            if !matches!(refusal, Refusal::Fatal { .. }) {
                                stop.store(true, Ordering::Relaxed);
                            }
                            m.refuse(index, refusal);
                        }
                    }
                }
            });
        }
    });
    let panicked = || Error::Invalid(format!("{}: a reader thread panicked", ctx.spec.path.display()));
    let merged = merged.into_inner().map_err(|_| panicked())?;
    let replaced = source.into_inner().map_err(|_| panicked())?.replaced();
    ended(ctx.spec, merged, replaced)
}

/// How a pass that merged `merged` ended (`replaced`: broken bytes were decoded to U+FFFD).
fn ended(spec: &InputSpec, mut merged: Merger, replaced: bool) -> Result<Outcome> {
    let path = spec.path.display();
    match merged.refused.take() {
        // Every block before the refusing one was handed out before it and merged: its first line is known.
        Some((index, Refusal::Fatal { line, reason })) if index == merged.next => Err(Error::Parse {
            path: spec.path.clone(),
            line: merged.total.line + line,
            reason,
        }),
        Some((_, Refusal::Fatal { reason, .. })) => Err(Error::Invalid(format!("{path}: {reason} (line not known)"))),
        Some((index, Refusal::NotUtf8)) => Ok(Outcome::Recode((index == merged.next).then(|| {
            merged.pending.clear();
            merged
        }))),
        Some((_, Refusal::NotPlain)) => Ok(Outcome::Careful),
        None if !merged.pending.is_empty() => Err(Error::Invalid(format!("{path}: a block of the file was not read"))),
        None => {
            let late_fffd = merged.total.fffd && replaced;
            Ok(Outcome::Read(merged.total, late_fffd))
        }
    }
}
