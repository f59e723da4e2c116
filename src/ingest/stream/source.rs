//! Cuts a file's text into blocks of whole records, reading ahead while a record is longer than a
//! block. A record with a cell over the careful reader's cell limit is an error at its line as
//! soon as the cell is known to be too long: the rest of the cell is counted, not kept, so a quote
//! left open over hundreds of megabytes costs no more memory than a block.

use std::borrow::Cow;
use std::sync::atomic::Ordering;

use super::block::{Block, Refusal};
use super::bounds;
use super::plan::Plan;
use super::text::{Census, Coding, Text};
use crate::error::{Error, Result};
use crate::ingest::{BYTES_READ, InputSpec, sniff};

/// A record is never longer than this (it would be a row of thousands of full cells).
const MAX_RECORD_BYTES: usize = sniff::MAX_FILE_BYTES;

/// Cuts the text into blocks of whole records.
pub struct Source {
    text: Text,
    coding: Coding,
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
    spare: Vec<(Vec<u8>, String)>,
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
            coding: plan.coding,
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

    pub fn recycle(&mut self, block: Block) {
        let (mut bytes, mut text) = (block.bytes, block.text);
        bytes.clear();
        text.clear();
        self.spare.push((bytes, text));
    }

    /// Whether broken bytes were decoded to U+FFFD so far.
    pub fn replaced(&self) -> bool {
        self.text.replaced
    }

    pub fn next(&mut self) -> std::result::Result<Option<Block>, Stop> {
        let (mut bytes, text) = self.spare.pop().unwrap_or_default();
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
            // A record longer than what was read: read on, twice as much each time (each read
            // rescans the buffer), unless one of its cells is already too long.
            if end == 0 && !self.done {
                if bytes.len() > sniff::MAX_CELL_BYTES {
                    self.long_record(&bytes)?;
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
                text,
            };
            self.index += 1;
            return Ok(Some(block));
        }
    }

    /// The first cell over the limit in `pending` (the start of one record, no record end in it)
    /// is the careful reader's error at the record's line, once the rest of the cell is counted;
    /// `Ok` while every cell so far is within the limit.
    fn long_record(&mut self, pending: &[u8]) -> std::result::Result<(), Stop> {
        // csv skips the line breaks before a record: the record starts on the line after them.
        let line = pending
            .iter()
            .take_while(|b| matches!(b, b'\n' | b'\r'))
            .filter(|b| **b == b'\n')
            .count() as u64;
        // The careful reader measures decoded cells.
        let mut decoding = Decoding(self.coding.raw_decoder());
        let text = decoding.text(pending, false);
        let mut cells = Cells::new(self.delimiter);
        let reason = match cells.over_limit(&text) {
            Some((column, read, ended)) => {
                let open = !ended && !cells.finish_cell(&text[read..], false);
                let length = self.rest_of_cell(&mut cells, &mut decoding, pending, open)?;
                format!(
                    "column {}: a cell of {length} bytes is larger than the {} byte limit (an unclosed quote?)",
                    column + 1,
                    sniff::MAX_CELL_BYTES
                )
            }
            None if pending.len() > MAX_RECORD_BYTES => {
                format!("a record longer than {MAX_RECORD_BYTES} bytes (no row of a survey is that long)")
            }
            None => return Ok(()),
        };
        Err((self.index, Refusal::Fatal { line, reason }))
    }

    /// The length of the cell `cells` is in (still `open`, or ended) after `pending`: the rest of
    /// the cell is read from the file, measured and dropped. In a file taken for UTF-8 the rest of
    /// the file is checked too (the blocks before check themselves): bytes that are not UTF-8
    /// would decode the whole file otherwise, and that may change which cell is too long.
    fn rest_of_cell(
        &mut self,
        cells: &mut Cells,
        decoding: &mut Decoding,
        pending: &[u8],
        mut open: bool,
    ) -> std::result::Result<usize, Stop> {
        let mut census = (self.coding == Coding::Utf8).then(Census::default);
        let mut raw = if census.is_some() { pending.to_vec() } else { Vec::new() };
        loop {
            let counted = census.as_mut().map_or(raw.len(), |c| c.count(&raw, self.done));
            raw.drain(..counted);
            if self.done || (!open && census.is_none()) {
                break;
            }
            let kept = raw.len();
            let before = self.text.read;
            let more = self.text.fill(&mut raw, self.size);
            BYTES_READ.fetch_add(self.text.read - before, Ordering::Relaxed);
            self.done = !more.map_err(|_| (self.index, Refusal::NotPlain))?;
            if open {
                let text = decoding.text(&raw[kept..], self.done);
                open = !cells.finish_cell(&text, false);
            }
        }
        if open {
            cells.finish_cell(&[], true);
        }
        match census.is_some_and(|c| c.verdict() != Coding::Utf8) {
            true => Err((self.index, Refusal::NotUtf8)),
            false => Ok(cells.length),
        }
    }
}

/// A raw-cut coding's bytes as text, a piece at a time (UTF-8 and UTF-16 text is as it is).
struct Decoding(Option<encoding_rs::Decoder>);

impl Decoding {
    fn text<'a>(&mut self, bytes: &'a [u8], last: bool) -> Cow<'a, [u8]> {
        let Some(decoder) = &mut self.0 else {
            return Cow::Borrowed(bytes);
        };
        let mut out = vec![
            0;
            decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(3 * bytes.len() + 16)
        ];
        let (_, _, written, _) = decoder.decode_to_utf8(bytes, &mut out, last);
        out.truncate(written);
        Cow::Owned(out)
    }
}

/// The cells of one record as csv reads them (csv-core, the careful reader's parser), measured
/// without being kept.
struct Cells {
    core: csv_core::Reader,
    scratch: Vec<u8>,
    column: usize,
    /// Bytes of the current cell so far (quotes unescaped, as csv hands the cell over).
    length: usize,
}

/// The first cell over the limit: its column, how many bytes were read when it was found, and
/// whether the cell had ended there.
type Found = (usize, usize, bool);

impl Cells {
    fn new(delimiter: u8) -> Cells {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // csv drops a byte order mark at the start of its input only; this input is not the start.
        let _ = core.read_field(b"\n", &mut []);
        Cells {
            core,
            scratch: vec![0; 64 << 10],
            column: 0,
            length: 0,
        }
    }

    /// The first cell of `bytes` (the start of a record) longer than the limit.
    fn over_limit(&mut self, bytes: &[u8]) -> Option<Found> {
        use csv_core::ReadFieldResult::{Field, OutputFull};
        let mut at = 0;
        // An empty input would tell csv-core that the text ends.
        while at < bytes.len() {
            let (result, read, written) = self.core.read_field(&bytes[at..], &mut self.scratch);
            at += read;
            self.length += written;
            let ended = matches!(result, Field { .. });
            if self.length > sniff::MAX_CELL_BYTES {
                return Some((self.column, at, ended));
            }
            match result {
                OutputFull => {}
                Field { record_end: false } => {
                    self.column += 1;
                    self.length = 0;
                }
                _ => return None,
            }
        }
        None
    }

    /// Reads on in the current cell; true once it ended (`last`: the text ends after `bytes`).
    fn finish_cell(&mut self, bytes: &[u8], last: bool) -> bool {
        use csv_core::ReadFieldResult::{InputEmpty, OutputFull};
        let mut at = 0;
        loop {
            let input = &bytes[at..];
            if input.is_empty() && !last {
                return false;
            }
            let (result, read, written) = self.core.read_field(input, &mut self.scratch);
            at += read;
            self.length += written;
            match result {
                OutputFull => {}
                InputEmpty if !input.is_empty() => {}
                _ => return true,
            }
        }
    }
}
