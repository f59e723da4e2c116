//! Cuts a file into blocks of whole records, reading ahead while a record is longer than a block.

use std::io::Read;
use std::sync::atomic::Ordering;

use super::block::{Block, Refusal};
use super::bounds;
use super::plan::Plan;
use crate::error::{Error, Result};
use crate::ingest::{BYTES_READ, InputSpec, sniff};

/// Cuts the file into blocks of whole records.
pub struct Source {
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
    pub fn open(spec: &InputSpec, plan: &Plan, size: usize) -> Result<Source> {
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

    pub fn recycle(&mut self, mut bytes: Vec<u8>) {
        bytes.clear();
        self.spare.push(bytes);
    }

    pub fn next(&mut self) -> std::result::Result<Option<Block>, Refusal> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.append(&mut self.carry);
        let mut size = self.size;
        loop {
            if !self.done {
                let want = bytes.len() + size;
                let mut chunk = (&mut self.file).take(size as u64);
                bytes.reserve(size);
                let read = chunk.read_to_end(&mut bytes).map_err(|_| Refusal::NotPlain)?;
                BYTES_READ.fetch_add(read as u64, Ordering::Relaxed);
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
                if bytes.len() > sniff::MAX_FILE_BYTES {
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
