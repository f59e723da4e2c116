//! Cuts a file's text into blocks of whole records, reading ahead while a record is longer than a
//! block.

use std::sync::atomic::Ordering;

use super::block::{Block, Refusal};
use super::bounds;
use super::plan::Plan;
use super::text::{Coding, Text};
use crate::error::{Error, Result};
use crate::ingest::{BYTES_READ, InputSpec, sniff};

/// Cuts the text into blocks of whole records.
pub struct Source {
    text: Text,
    delimiter: u8,
    /// Blocks are read with the lossy rules from the start.
    lossy: bool,
    /// U+FFFD may stand for broken bytes in a block read before they were met (UTF-16 only).
    check_fffd: bool,
    carry: Vec<u8>,
    index: usize,
    size: usize,
    done: bool,
    /// Buffers of blocks already read, for the next blocks (no fresh pages per block).
    spare: Vec<Vec<u8>>,
}

/// Why the source stopped: the index of the block it would have made, and the refusal.
pub type Stop = (usize, Refusal);

impl Source {
    /// The blocks of `spec.path` from `start`: an offset (where the plan's `data_start` is one)
    /// and the index of the block there.
    pub fn open(spec: &InputSpec, plan: &Plan, size: usize, start: (u64, usize)) -> Result<Source> {
        let text = Text::open(&spec.path, plan.coding, plan.bom, start.0).map_err(|e| Error::Io {
            path: spec.path.clone(),
            source: e,
        })?;
        Ok(Source {
            text,
            delimiter: plan.delimiter,
            lossy: plan.lossy,
            check_fffd: matches!(plan.coding, Coding::Utf16Le | Coding::Utf16Be),
            carry: Vec::new(),
            index: start.1,
            size,
            done: false,
            spare: Vec::new(),
        })
    }

    pub fn recycle(&mut self, mut bytes: Vec<u8>) {
        bytes.clear();
        self.spare.push(bytes);
    }

    /// Whether broken bytes were decoded to U+FFFD so far.
    pub fn replaced(&self) -> bool {
        self.text.replaced
    }

    pub fn next(&mut self) -> std::result::Result<Option<Block>, Stop> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.append(&mut self.carry);
        let mut size = self.size;
        loop {
            if !self.done {
                let before = self.text.read;
                let more = self.text.fill(&mut bytes, size);
                BYTES_READ.fetch_add(self.text.read - before, Ordering::Relaxed);
                self.done = !more.map_err(|_| (self.index, Refusal::NotPlain))?;
            }
            if bytes.is_empty() {
                return Ok(None);
            }
            let end = if self.done {
                bytes.len()
            } else {
                bounds::last_record_end(&bytes, self.delimiter)
            };
            // A record longer than a block: read on, twice as much each time (each read rescans
            // the buffer). One longer than the careful reader's whole-file limit is its problem.
            if end == 0 && !self.done {
                if bytes.len() > sniff::MAX_FILE_BYTES {
                    return Err((self.index, Refusal::NotPlain));
                }
                size = size.saturating_mul(2);
                continue;
            }
            self.carry.extend_from_slice(&bytes[end..]);
            bytes.truncate(end);
            let lossy = self.lossy || self.text.replaced;
            let block = Block {
                index: self.index,
                lossy,
                check_fffd: self.check_fffd && !lossy,
                bytes,
            };
            self.index += 1;
            return Ok(Some(block));
        }
    }
}
