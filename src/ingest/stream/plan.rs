//! What the block reader needs to know before it reads a file: whether it applies (a generic CSV
//! above the size threshold), how its bytes become text (`text::Coding`), its delimiter, header
//! and where the data starts (after any `#` comment lines), and which columns to read, resolved
//! with the careful reader's rules (`--*-col` names, wave/respondent defaults, department
//! detected from the first 1000 rows).

use std::io::Read;
use std::path::Path;

use super::super::generic::Columns;
use super::super::rules::Rules;
use super::super::{InputFormat, InputSpec, sniff};
use super::text::{self, Coding};
use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;

/// Bytes read to decide and to detect columns: enough for the 1000 rows detection looks at in
/// most files; a file with longer rows is read further, up to `MAX_HEAD_BYTES`.
const HEAD_BYTES: usize = 4 << 20;
const MAX_HEAD_BYTES: usize = 64 << 20;

/// Rows the careful reader scores a department column on.
const DETECT_ROWS: usize = 1000;

/// Column positions (in the header) and how the file is read.
pub struct Plan {
    pub delimiter: u8,
    pub coding: Coding,
    /// Length of the byte order mark: the text starts after it.
    pub bom: u64,
    pub encoding: &'static str,
    pub raw_headers: Vec<String>,
    /// The columns read, resolved as the careful reader resolves them.
    pub columns: Columns,
    /// `columns.rules` with the check of decoded text on: a cell holding U+FFFD rejects its row.
    pub lossy_rules: Rules,
    /// Every block is read with `lossy_rules`: the file is known to have broken sequences.
    pub lossy: bool,
    pub notes: Vec<String>,
    /// Where the first data record starts (after the header and any comment lines): a byte
    /// offset after the byte order mark for a raw-cut coding, an offset in the text for UTF-16.
    pub data_start: u64,
    /// The line the data starts on.
    pub data_line: u64,
    /// Bytes of the file (after the byte order mark) the plan was made from.
    pub head_bytes: u64,
}

/// The start of a file as text.
struct Head {
    /// The head's bytes after the byte order mark, when they are not its text.
    raw: Option<Vec<u8>>,
    /// How many bytes those are.
    raw_len: u64,
    text: String,
    /// The head is the whole file.
    whole: bool,
    coding: Coding,
    bom: u64,
}

impl Head {
    /// The first `size` bytes of the file of `len` bytes at `path` as text, decoded as `coding`
    /// says or, without it, as the file's bytes say (the whole file is counted when the head is not
    /// UTF-8); `None` when it cannot be read.
    fn read(path: &Path, len: u64, size: usize, coding: Option<Coding>) -> Option<Head> {
        let mut head = Vec::with_capacity(size);
        std::fs::File::open(path)
            .ok()?
            .take(size as u64)
            .read_to_end(&mut head)
            .ok()?;
        let whole = head.len() as u64 == len;
        let (named, bom) = Coding::of_bom(&head);
        let body = &head[bom as usize..];
        let coding = match coding.or(named) {
            Some(coding) => coding,
            None if utf8_head(body, whole) => Coding::Utf8,
            None if whole => {
                let mut census = text::Census::default();
                census.count(body, true);
                census.verdict()
            }
            None => text::census(path, bom).ok()?.verdict(),
        };
        let (text, raw) = match coding {
            // The bytes are the text (but for a character cut at the end).
            Coding::Utf8 => {
                head.drain(..bom as usize);
                let valid = std::str::from_utf8(&head).map_or_else(|e| e.valid_up_to(), str::len);
                let raw_len = head.len();
                head.truncate(valid);
                (String::from_utf8(head).ok()?, (None, raw_len))
            }
            coding => {
                let text = coding.decode_head(body, whole);
                head.drain(..bom as usize);
                let raw_len = head.len();
                (text, (Some(head), raw_len))
            }
        };
        Some(Head {
            raw: raw.0,
            raw_len: raw.1 as u64,
            text,
            whole,
            coding,
            bom,
        })
    }
}

/// What a head says about the file.
enum Fit {
    Plan(Box<Plan>),
    /// The header and 1000 rows do not fit in the head: a longer head may tell.
    ShortHead,
    /// For the careful reader.
    Careful,
}

impl Plan {
    /// `None` when the block reader does not apply; errors are those the careful reader gives for
    /// the same file. `coding` overrides what the head of the file suggests (once the whole
    /// file's bytes have decided).
    pub fn make(spec: &InputSpec, taxonomy: &Taxonomy, min_bytes: u64, coding: Option<Coding>) -> Result<Option<Plan>> {
        if !matches!(spec.format, InputFormat::Auto | InputFormat::Generic) {
            return Ok(None);
        }
        let Ok(len) = std::fs::metadata(&spec.path).map(|m| m.len()) else {
            return Ok(None);
        };
        if len < min_bytes || len == 0 {
            return Ok(None);
        }
        let (mut size, mut coding) = (HEAD_BYTES, coding);
        loop {
            let Some(head) = Head::read(&spec.path, len, size, coding) else {
                return Ok(None);
            };
            match Plan::fit(spec, taxonomy, &head, len)? {
                Fit::Plan(plan) => return Ok(Some(*plan)),
                Fit::ShortHead if size < MAX_HEAD_BYTES => {
                    (size, coding) = (size * 4, Some(head.coding));
                }
                Fit::ShortHead | Fit::Careful => return Ok(None),
            }
        }
    }

    /// The plan the head gives, if it gives one.
    fn fit(spec: &InputSpec, taxonomy: &Taxonomy, head: &Head, len: u64) -> Result<Fit> {
        let text = head.text.as_str();
        if let Some(line) = sniff::binary_line(text) {
            // The careful reader refuses it too, but a file over its size limit for its size.
            return match len > sniff::MAX_FILE_BYTES as u64 {
                true => Err(Error::NotText {
                    path: spec.path.clone(),
                    line,
                }),
                false => Ok(Fit::Careful),
            };
        }
        let delimiter = sniff::delimiter(text);
        if spec.format == InputFormat::Auto && sniff::detect(text, delimiter) != InputFormat::Generic {
            return Ok(Fit::Careful);
        }
        // The text as the careful reader parses it: `#` comment and blank lines before the header
        // emptied, their line breaks kept (`kept` bytes in place of `comments`).
        let comments = sniff::leading_comments_end(text);
        let blanked = sniff::blank_leading_comments(text);
        let kept = blanked.len() + comments - text.len();
        let (raw_headers, sample) = match head_records(&blanked, delimiter, head.whole) {
            Records::Read(headers, sample) => (headers, sample),
            Records::TooFew => return Ok(Fit::ShortHead),
            Records::Unusable => return Ok(Fit::Careful),
        };
        // No data in the head: the careful reader says what is wrong (no rows, only blank ones).
        if sample.iter().all(|row| row.iter().all(String::is_empty)) {
            return Ok(Fit::Careful);
        }
        let Some(header_end) = super::bounds::first_record_end(blanked.as_bytes(), delimiter) else {
            return Ok(Fit::Careful);
        };
        let mut plan = Plan::resolve(spec, taxonomy, raw_headers, &sample, delimiter)?;
        plan.coding = head.coding;
        plan.bom = head.bom;
        plan.encoding = head.coding.name(head.bom > 0);
        plan.lossy = head.coding == Coding::Utf8Lossy;
        let start = header_end + comments - kept;
        plan.data_start = match head.coding.cut_raw() {
            true => head
                .raw
                .as_ref()
                .map_or(start, |raw| Coding::raw_offset(raw, text, start)),
            false => start,
        } as u64;
        plan.head_bytes = head.raw_len;
        plan.data_line = 1 + memchr::memchr_iter(b'\n', &blanked.as_bytes()[..header_end]).count() as u64;
        Ok(Fit::Plan(Box::new(plan)))
    }

    fn resolve(
        spec: &InputSpec,
        taxonomy: &Taxonomy,
        raw_headers: Vec<String>,
        sample: &[Vec<String>],
        delimiter: u8,
    ) -> Result<Plan> {
        let headers: Vec<String> = raw_headers.iter().map(|h| h.trim().to_string()).collect();
        let mut notes = Vec::new();
        let cells = |i: usize| sample.iter().map(move |r| r.get(i).map_or("", String::as_str));
        let columns = Columns::resolve(spec, &headers, taxonomy, &mut notes, cells, delimiter)?;
        let mut lossy_rules = columns.rules.clone();
        lossy_rules.lossy = Some(headers);
        Ok(Plan {
            delimiter,
            coding: Coding::Utf8,
            bom: 0,
            encoding: "utf-8",
            raw_headers,
            columns,
            lossy_rules,
            lossy: false,
            notes,
            data_start: 0,
            data_line: 1,
            head_bytes: 0,
        })
    }
}

/// Whether the head is UTF-8 (a character cut at the end of a partial head does not count).
fn utf8_head(bytes: &[u8], whole: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => !whole && e.error_len().is_none(),
    }
}

/// The header and sample rows of a head.
enum Records {
    /// Raw header cells and the first records (trimmed), at most `DETECT_ROWS`.
    Read(Vec<String>, Vec<Vec<String>>),
    /// The head holds too few complete rows to detect the department column as the careful
    /// reader would (its last record may be cut).
    TooFew,
    /// The header cannot be projected by name (empty or repeated names).
    Unusable,
}

fn head_records(text: &str, delimiter: u8, whole: bool) -> Records {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let Ok(header) = reader.headers() else {
        return Records::Unusable;
    };
    let raw: Vec<String> = header.iter().map(str::to_string).collect();
    let mut names: Vec<&str> = raw.iter().map(String::as_str).collect();
    names.sort_unstable();
    if names.iter().any(|n| n.is_empty()) || names.windows(2).any(|w| w[0] == w[1]) {
        return Records::Unusable;
    }
    let mut sample = Vec::new();
    for record in reader.records() {
        let Ok(record) = record else {
            return Records::Unusable;
        };
        sample.push(record.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>());
        if sample.len() > DETECT_ROWS {
            break;
        }
    }
    if !whole && sample.len() <= DETECT_ROWS {
        return Records::TooFew;
    }
    sample.truncate(DETECT_ROWS);
    Records::Read(raw, sample)
}
