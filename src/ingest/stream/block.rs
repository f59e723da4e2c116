//! One block of whole records: the row rules (`ingest::rules`) applied to each record, and the
//! accepted respondents added to the block's own tally. Blocks are independent (own names and
//! codes), so they are read in parallel and merged in file order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;

use super::super::rules::{self, BLANK_ROW, Keys, Row, Rules};
use super::super::{InputSpec, sniff};
use super::deferred::{Accepted, Deferred, resolve};
use super::plan::Plan;
use crate::tally::{Key, NO_CAL, NO_SEGMENT, SELF_UNIT, Tally, write_cal_name};
use crate::taxonomy::Taxonomy;

/// The hasher of respondent keys: fixed, so a run is reproducible.
pub type IdHasher = foldhash::fast::FixedState;

/// The seed of respondent key hashes (`super::key_hash`).
pub const ID_SEED: u64 = 0x5eed;

/// What every block of one file shares.
pub struct Context<'a> {
    pub spec: &'a InputSpec,
    pub taxonomy: &'a Taxonomy,
    pub plan: &'a Plan,
    /// Respondent keys seen more than once in the first pass: their rows wait for `Deferred`.
    pub suspects: Option<&'a HashSet<u64>>,
}

/// A block as read from the file: whole records of UTF-8 text. Lines found in it count from 0 at
/// its first byte; the merge, which knows the lines of the blocks before it, makes them file lines.
pub struct Block {
    pub index: usize,
    /// The file's text has broken sequences (decoded to U+FFFD): read with the lossy rules.
    pub lossy: bool,
    /// Note whether the block holds U+FFFD: broken bytes met later would make it lossy.
    pub check_fffd: bool,
    pub bytes: Vec<u8>,
    /// Room for the block's text when it has to be decoded (`text::Coding::block_text`).
    pub text: String,
}

/// Why a block cannot be read as it is.
#[derive(Debug)]
pub enum Refusal {
    /// The file cannot be read (the careful reader then says why).
    NotPlain,
    /// Bytes that are not UTF-8 in a file taken for UTF-8: the whole file's bytes decide how it
    /// is decoded, and it is read again.
    NotUtf8,
    /// A file-level error of the careful reader (a cell over the size limit) at a line of the block
    /// (counted from 0; the merge makes it a file line).
    Fatal { line: u64, reason: String },
}

/// Respondent ids that are whole numbers rising within each wave of a block: no key repeats in
/// the block, and blocks whose ranges do not overlap cannot share one either.
#[derive(Debug, Clone, Default)]
pub struct Rising {
    pub holds: bool,
    /// Smallest and largest id per wave.
    pub ranges: BTreeMap<i32, (u64, u64)>,
}

/// Everything one block found.
#[derive(Debug, Default)]
pub struct BlockOut {
    pub tally: Tally,
    /// Rejected rows: record number (in the file order of records: one line may hold two, a lone
    /// CR between them), line and reason.
    pub rejects: Vec<(u64, u64, String)>,
    /// Records, blank ones included (empty lines are no records).
    pub records: u64,
    pub blank_records: u64,
    pub accepted: u64,
    pub no_answer: u64,
    /// Unknown labels and the first line naming each.
    pub unknown: BTreeMap<String, u64>,
    pub hashes: Vec<u64>,
    /// Hashes of rows rejected after their key was taken: not respondents of the file.
    pub rejected_hashes: Vec<u64>,
    pub rising: Rising,
    pub deferred: Vec<Deferred>,
    /// Line feeds in the block.
    pub newlines: u64,
    /// The block was read without the lossy rules but holds U+FFFD (`Block::check_fffd`).
    pub fffd: bool,
    /// The block's length in the file (for a raw-cut coding).
    pub raw_len: u64,
}

impl BlockOut {
    /// Makes the block's lines and record numbers the file's, given the line its first byte is on
    /// and the records before it.
    pub fn shift_lines(&mut self, first: u64, records: u64) {
        self.rejects.iter_mut().for_each(|(record, line, _)| {
            *record += records;
            *line += first;
        });
        self.unknown.values_mut().for_each(|line| *line += first);
        self.deferred.iter_mut().for_each(|d| {
            d.record += records;
            d.line += first;
        });
    }
}

/// A department cell resolved: its set code in the block's tally, and labels not in the taxonomy.
struct Resolved {
    set: u32,
    none: bool,
    unknown: Vec<String>,
}

/// The last value of a column and its code: sorted files repeat them row after row.
#[derive(Default)]
struct Last {
    valid: bool,
    text: String,
    code: u32,
}

impl Last {
    fn code(&mut self, cell: &str, names: &mut crate::tally::Names) -> u32 {
        if !self.valid || self.text != cell {
            self.text.clear();
            self.text.push_str(cell);
            self.code = names.code(cell);
            self.valid = true;
        }
        self.code
    }
}

/// The last PSU and its code; a PSU's code also names its wave and stratum.
#[derive(Default)]
struct LastUnit {
    place: Option<(i32, u32)>,
    text: String,
    code: u32,
}

impl LastUnit {
    fn code(&mut self, wave: i32, stratum: u32, cell: &str, tally: &mut Tally) -> u32 {
        if self.place != Some((wave, stratum)) || self.text != cell {
            self.text.clear();
            self.text.push_str(cell);
            self.code = tally.unit_code(wave, stratum, cell);
            self.place = Some((wave, stratum));
        }
        self.code
    }
}

/// The last department cell and what it resolved to.
#[derive(Default)]
struct LastLabel {
    valid: bool,
    text: String,
    set: u32,
    none: bool,
    unknown: bool,
}

struct Reader<'a> {
    ctx: &'a Context<'a>,
    /// The plan's rules, or its lossy rules for a lossy block.
    rules: &'a Rules,
    width: usize,
    out: BlockOut,
    labels: HashMap<Box<str>, Resolved, IdHasher>,
    last_label: LastLabel,
    strata: Last,
    units: LastUnit,
    segments: Last,
    /// The calibration cell name of the current row (weighted studies only).
    cal_scratch: String,
    /// The last id per wave while they rise (a block holds a wave or two).
    last_id: Vec<(i32, u64)>,
    hasher: IdHasher,
    /// The key of the current row when it is one of `Context::suspects`: the row is deferred.
    suspect: Option<(i32, String)>,
}

/// Reads one block.
pub fn read(ctx: &Context, block: &mut Block) -> Result<BlockOut, Refusal> {
    let raw_len = block.bytes.len() as u64;
    let text = ctx
        .plan
        .coding
        .block_text(&block.bytes, &mut block.text)
        .ok_or(Refusal::NotUtf8)?;
    let bytes = text.as_bytes();
    // Lines split at line feeds and fields at the delimiter are csv's records unless there are
    // quotes, carriage returns outside CRLF (csv ends a record there) or a byte order mark at the
    // start (csv would drop it): then csv reads the block, as it reads the careful reader's text.
    let quoted = memchr::memchr(b'"', bytes).is_some();
    let plain = !quoted && only_crlf(bytes) && !bytes.starts_with(b"\xEF\xBB\xBF");
    let mut reader = Reader {
        ctx,
        rules: if block.lossy {
            &ctx.plan.lossy_rules
        } else {
            &ctx.plan.columns.rules
        },
        width: ctx.plan.raw_headers.len(),
        out: BlockOut {
            rising: Rising {
                holds: true,
                ranges: BTreeMap::new(),
            },
            fffd: block.check_fffd && memchr::memmem::find(bytes, "\u{FFFD}".as_bytes()).is_some(),
            raw_len,
            ..BlockOut::default()
        },
        labels: HashMap::with_hasher(IdHasher::default()),
        last_label: LastLabel::default(),
        strata: Last::default(),
        units: LastUnit::default(),
        segments: Last::default(),
        cal_scratch: String::new(),
        last_id: Vec::new(),
        hasher: IdHasher::with_seed(ID_SEED),
        suspect: None,
    };
    reader.out.newlines = if plain {
        reader.split_lines(text)?
    } else {
        reader.csv_records(text)?
    };
    if !reader.out.rising.holds {
        reader.out.rising.ranges.clear();
    }
    Ok(reader.out)
}

/// The positions of the delimiter and of line feeds in a block, in order, found a word of eight
/// bytes at a time (SWAR: no branch per byte, one per separator).
pub struct Separators<'a> {
    bytes: &'a [u8],
    delimiter: u64,
    /// Where the next word starts.
    next: usize,
    /// Where the current word starts.
    base: usize,
    /// The current word's separators not yet handed out, as the high bit of their bytes.
    found: u64,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const NEWLINES: u64 = ONES * b'\n' as u64;

impl<'a> Separators<'a> {
    pub fn new(bytes: &'a [u8], delimiter: u8) -> Separators<'a> {
        Separators {
            bytes,
            delimiter: ONES * u64::from(delimiter),
            next: 0,
            base: 0,
            found: 0,
        }
    }
}

/// The high bit of every zero byte of `x`, exactly (no borrow runs into the next byte).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

impl Iterator for Separators<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            let start = self.next;
            let rest = self.bytes.get(start..).filter(|rest| !rest.is_empty())?;
            // The last word of a block is padded; its padding is masked off.
            let (word, valid) = match rest.first_chunk::<8>() {
                Some(word) => (u64::from_le_bytes(*word), u64::MAX),
                None => {
                    let mut word = [0u8; 8];
                    word[..rest.len()].copy_from_slice(rest);
                    (u64::from_le_bytes(word), (1u64 << (8 * rest.len())) - 1)
                }
            };
            let found = (zero_bytes(word ^ self.delimiter) | zero_bytes(word ^ NEWLINES)) & valid;
            (self.base, self.next, self.found) = (start, start + 8, found);
        }
        let bit = self.found.trailing_zeros() as usize;
        self.found &= self.found - 1;
        Some(self.base + bit / 8)
    }
}

/// Every carriage return ends a CRLF line break (a lone one ends a record for csv).
pub fn only_crlf(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'))
}

impl Reader<'_> {
    /// Records of a block without quotes: one per non-empty line, fields split at the delimiter,
    /// in one pass over the bytes (`Separators` finds the delimiters and line feeds eight bytes
    /// at a time: rows are short, so a per-field search would cost more than it saves).
    fn split_lines(&mut self, text: &str) -> Result<u64, Refusal> {
        let delimiter = self.ctx.plan.delimiter;
        let bytes = text.as_bytes();
        let mut cells: Vec<&str> = Vec::with_capacity(self.width);
        let (mut line, mut line_start, mut field_start) = (0, 0, 0);
        for i in Separators::new(bytes, delimiter) {
            if bytes[i] == delimiter {
                cells.push(&text[field_start..i]);
                field_start = i + 1;
            } else {
                let end = if i > field_start && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                if end > line_start {
                    cells.push(&text[field_start..end]);
                    self.record(line, &cells)?;
                }
                cells.clear();
                line += 1;
                (line_start, field_start) = (i + 1, i + 1);
            }
        }
        if bytes.len() > line_start {
            cells.push(&text[field_start..]);
            self.record(line, &cells)?;
        }
        Ok(line)
    }

    /// Records of a block with quotes or lone carriage returns, parsed by csv as the careful
    /// reader does.
    fn csv_records(&mut self, text: &str) -> Result<u64, Refusal> {
        // csv drops a byte order mark at the start of its input, the careful reader's csv (in the
        // middle of the file) keeps it: an empty line before it keeps it here too.
        let bom = text.starts_with('\u{feff}');
        let prefixed;
        let input = if bom {
            prefixed = format!("\n{text}");
            prefixed.as_str()
        } else {
            text
        };
        let delimiter = self.ctx.plan.delimiter;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input.as_bytes());
        let mut lines = sniff::LineCounter::new(input, delimiter);
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                // Text is valid UTF-8 and csv reads any quoting: only a failing read is left.
                Err(_) => return Err(Refusal::NotPlain),
            }
            let line = lines.record_line(reader.position().byte(), &record) - 1 - u64::from(bom);
            let cells: Vec<&str> = record.iter().collect();
            self.record(line, &cells)?;
        }
        Ok(memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64)
    }

    /// One record: a cell over the size limit is an error (as for the careful reader), then the
    /// row rules; a row whose key is a suspect waits for `Deferred`, a rejected one is listed.
    fn record(&mut self, line: u64, cells: &[&str]) -> Result<(), Refusal> {
        let record = self.out.records;
        self.out.records += 1;
        if let Some(column) = cells.iter().position(|c| c.len() > sniff::MAX_CELL_BYTES) {
            return Err(Refusal::Fatal {
                line,
                reason: format!(
                    "column {}: a cell of {} bytes is larger than the {} byte limit (an unclosed quote?)",
                    column + 1,
                    cells[column].len(),
                    sniff::MAX_CELL_BYTES
                ),
            });
        }
        let ctx = self.ctx;
        let taken = self.out.hashes.len();
        let row = self.rules.row(cells, self);
        let dept = cells.get(ctx.plan.columns.dept).map_or("", |c| rules::trim(c));
        if let Some((wave, respondent)) = self.suspect.take() {
            let row = row.map(|row| Accepted::of(&row, dept, ctx.spec, ctx.taxonomy));
            self.out.deferred.push(Deferred {
                record,
                line,
                wave,
                respondent,
                row,
            });
            return Ok(());
        }
        match row {
            Ok(row) => self.add(line, &row, dept),
            Err(reason) => {
                self.out.blank_records += u64::from(reason == BLANK_ROW);
                self.out.rejects.push((record, line, reason));
                if self.out.hashes.len() > taken {
                    self.out.rejected_hashes.extend(self.out.hashes.last().copied());
                }
            }
        }
        Ok(())
    }

    /// An accepted row into the block's tally, its cells coded by the block's names.
    fn add(&mut self, line: u64, row: &Row, dept: &str) {
        let tally = &mut self.out.tally;
        let stratum = self.strata.code(row.stratum.unwrap_or(""), &mut tally.strata);
        let unit = match row.psu {
            Some(psu) => self.units.code(row.wave, stratum, psu, tally),
            None => SELF_UNIT,
        };
        let segment = match row.segment {
            Some(segment) => self.segments.code(segment, &mut tally.segments),
            None => NO_SEGMENT,
        };
        let cal = match row.levels() {
            Some(levels) => {
                write_cal_name(&mut self.cal_scratch, levels);
                tally.cals.code(&self.cal_scratch)
            }
            None => NO_CAL,
        };
        let (set, none) = self.labels(line, dept);
        self.out.accepted += 1;
        self.out.no_answer += u64::from(none);
        let key = Key {
            wave: row.wave,
            segment,
            stratum,
            unit,
            set,
            cal,
        };
        self.out.tally.add(key, row.weight, row.fpc);
    }

    /// Keeps `Rising` up to date with one more id.
    fn rise(&mut self, wave: i32, respondent: &str) {
        if !self.out.rising.holds {
            return;
        }
        let number = (respondent.len() <= 19 && respondent.bytes().all(|b| b.is_ascii_digit()))
            .then(|| respondent.parse::<u64>().ok())
            .flatten();
        let Some(number) = number else {
            self.out.rising.holds = false;
            return;
        };
        match self.last_id.iter_mut().find(|(w, _)| *w == wave) {
            Some((_, last)) if *last >= number => self.out.rising.holds = false,
            Some((_, last)) => {
                *last = number;
                if let Some(range) = self.out.rising.ranges.get_mut(&wave) {
                    range.1 = number;
                }
            }
            None => {
                self.last_id.push((wave, number));
                self.out.rising.ranges.insert(wave, (number, number));
            }
        }
    }

    /// The department cell's set code, and whether it is no answer; unknown labels are noted with the line.
    /// One map lookup per row at most (the cells of a file are a few spellings in many rows).
    fn labels(&mut self, line: u64, cell: &str) -> (u32, bool) {
        let last = &mut self.last_label;
        if !(last.valid && last.text == cell) {
            let (set, none, unknown) = match self.labels.get(cell) {
                Some(r) => (r.set, r.none, !r.unknown.is_empty()),
                None => {
                    let (set, unknown) = resolve(cell, self.ctx.spec, self.ctx.taxonomy);
                    let refs: Vec<&str> = set.iter().map(String::as_str).collect();
                    let resolved = Resolved {
                        set: self.out.tally.set_code(&refs),
                        none: set.is_empty() && unknown.is_empty(),
                        unknown,
                    };
                    let found = (resolved.set, resolved.none, !resolved.unknown.is_empty());
                    self.labels.insert(cell.into(), resolved);
                    found
                }
            };
            let last = &mut self.last_label;
            last.text.clear();
            last.text.push_str(cell);
            (last.valid, last.set, last.none, last.unknown) = (true, set, none, unknown);
        }
        if self.last_label.unknown {
            self.note_unknown(line, cell);
        }
        (self.last_label.set, self.last_label.none)
    }

    fn note_unknown(&mut self, line: u64, cell: &str) {
        for label in &self.labels[cell].unknown {
            if !self.out.unknown.contains_key(label) {
                self.out.unknown.insert(label.clone(), line);
            }
        }
    }
}

/// The block's keys: a hash per row (duplicates are found across blocks once all are read), and
/// the key itself when a first pass found its hash more than once.
impl Keys for Reader<'_> {
    fn take(&mut self, wave: i32, respondent: &str) -> Result<(), String> {
        let hash = self.hasher.hash_one((wave, respondent));
        self.rise(wave, respondent);
        self.out.hashes.push(hash);
        if self.ctx.suspects.is_some_and(|s| s.contains(&hash)) {
            self.suspect = Some((wave, respondent.to_string()));
        }
        Ok(())
    }
}
