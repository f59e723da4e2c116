//! What the large-file path needs to know before it reads a file: whether it applies (generic
//! UTF-8 CSV above the size threshold), its delimiter, header and where the data starts, and which
//! columns to read, resolved with the careful reader's rules (`--*-col` names, wave/respondent
//! defaults, department detected from the first 1000 rows).

use std::io::Read;
use std::path::Path;

use super::super::generic::Columns;
use super::super::{InputFormat, InputSpec, sniff};
use crate::error::Result;
use crate::taxonomy::Taxonomy;

/// Bytes read to decide and to detect columns; enough for the 1000 rows detection looks at.
const HEAD_BYTES: usize = 4 << 20;

/// Rows the careful reader scores a department column on.
const DETECT_ROWS: usize = 1000;

/// Column positions (in the header) and how the file is read.
pub struct Plan {
    pub delimiter: u8,
    pub encoding: &'static str,
    pub raw_headers: Vec<String>,
    /// The columns read, resolved as the careful reader resolves them.
    pub columns: Columns,
    pub notes: Vec<String>,
    /// Byte offset of the first data record (after the byte order mark and the header).
    pub data_start: u64,
    /// The line the data starts on.
    pub data_line: u64,
}

impl Plan {
    /// `None` when the fast path does not apply; errors are those the careful reader gives for the same file.
    pub fn make(spec: &InputSpec, taxonomy: &Taxonomy, min_bytes: u64) -> Result<Option<Plan>> {
        if !matches!(spec.format, InputFormat::Auto | InputFormat::Generic) {
            return Ok(None);
        }
        let Ok(len) = std::fs::metadata(&spec.path).map(|m| m.len()) else {
            return Ok(None);
        };
        if len < min_bytes || len == 0 {
            return Ok(None);
        }
        let Some(head) = read_head(&spec.path) else {
            return Ok(None);
        };
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let whole = head.len() as u64 == len;
        let Some(text) = utf8_head(&head[if bom { 3 } else { 0 }..], whole) else {
            return Ok(None);
        };
        // Comment or blank lines before the header, a second byte order mark, and carriage returns
        // that are not part of CRLF (csv ends records there) are the careful reader's.
        let first = text.lines().next().unwrap_or("").trim();
        // (A head cut between a CR and its LF ends in a CR that is not odd.)
        let cut = if whole {
            text
        } else {
            text.strip_suffix('\r').unwrap_or(text)
        };
        let odd = text.starts_with('\u{feff}') || !super::block::only_crlf(cut.as_bytes());
        if first.is_empty() || first.starts_with('#') || odd || sniff::binary_line(text).is_some() {
            return Ok(None);
        }
        let delimiter = sniff::delimiter(text);
        if spec.format == InputFormat::Auto && sniff::detect(text, delimiter) != InputFormat::Generic {
            return Ok(None);
        }
        let Some((raw_headers, sample)) = head_records(text, delimiter, whole) else {
            return Ok(None);
        };
        // No data in the head: the careful reader says what is wrong (no rows, only blank ones).
        if sample.iter().all(|row| row.iter().all(String::is_empty)) {
            return Ok(None);
        }
        let encoding = if bom { "utf-8 (bom)" } else { "utf-8" };
        let Some(header_end) = super::bounds::first_record_end(text.as_bytes(), delimiter) else {
            return Ok(None);
        };
        let data_line = 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..header_end]).count() as u64;
        let start = (header_end + if bom { 3 } else { 0 }) as u64;
        Plan::resolve(
            spec,
            taxonomy,
            raw_headers,
            &sample,
            (delimiter, encoding, start, data_line),
        )
    }

    fn resolve(
        spec: &InputSpec,
        taxonomy: &Taxonomy,
        raw_headers: Vec<String>,
        sample: &[Vec<String>],
        (delimiter, encoding, data_start, data_line): (u8, &'static str, u64, u64),
    ) -> Result<Option<Plan>> {
        let headers: Vec<String> = raw_headers.iter().map(|h| h.trim().to_string()).collect();
        let mut notes = Vec::new();
        let cells = |i: usize| sample.iter().map(move |r| r.get(i).map_or("", String::as_str));
        let columns = Columns::resolve(spec, &headers, taxonomy, &mut notes, cells, delimiter)?;
        Ok(Some(Plan {
            delimiter,
            encoding,
            raw_headers,
            columns,
            notes,
            data_start,
            data_line,
        }))
    }
}

fn read_head(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    file.take(HEAD_BYTES as u64).read_to_end(&mut head).ok()?;
    Some(head)
}

/// The head as text when it is UTF-8 (a character cut at the end of a partial head is dropped).
fn utf8_head(bytes: &[u8], whole: bool) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) if !whole && e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

/// Raw header cells and the first non-blank records (trimmed) of the head; `None` when the header
/// is unusable for projection by name (empty or repeated names) or the head holds too few complete
/// rows to detect the department column as the careful reader would.
fn head_records(text: &str, delimiter: u8, whole: bool) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let raw: Vec<String> = reader.headers().ok()?.iter().map(str::to_string).collect();
    let mut names: Vec<&str> = raw.iter().map(String::as_str).collect();
    names.sort_unstable();
    if names.iter().any(|n| n.is_empty()) || names.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let mut sample = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        sample.push(record.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>());
        if sample.len() > DETECT_ROWS {
            break;
        }
    }
    // The last record of a partial head may be cut; without more than DETECT_ROWS complete
    // records the sample could differ from the careful reader's.
    if !whole && sample.len() <= DETECT_ROWS {
        return None;
    }
    sample.truncate(DETECT_ROWS);
    Some((raw, sample))
}
