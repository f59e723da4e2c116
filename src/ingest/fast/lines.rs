//! The second, streaming pass over a file that gives exact line numbers (and field counts) for the
//! few rows that need them: rows are numbered as polars numbers them (header and `#` lines not
//! counted), lines as the careful reader counts them (blank, comment and quoted-newline lines counted).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// What the pass finds about one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowInfo {
    pub line: u64,
    pub fields: usize,
    /// Every cell is blank: the careful reader skips such rows without counting them.
    pub blank: bool,
}

/// Streams `path` once and describes the wanted rows (0-based data-row numbers).
pub fn describe(path: &Path, bom: bool, delimiter: u8, wanted: &[usize]) -> Result<BTreeMap<usize, RowInfo>> {
    let mut found = BTreeMap::new();
    let Some(&last) = wanted.iter().max() else {
        return Ok(found);
    };
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(skip_bom(File::open(path).map_err(io)?, bom).map_err(io)?);
    let mut lines = Newlines::new(skip_bom(File::open(path).map_err(io)?, bom).map_err(io)?);
    let parse_err = |e: csv::Error| Error::Parse {
        path: path.to_path_buf(),
        line: e.position().map_or(1, csv::Position::line),
        reason: e.to_string(),
    };
    reader.byte_headers().map_err(parse_err)?;
    lines.line_at(reader.position().byte()).map_err(io)?;
    lines.empties.clear();
    let mut record = csv::ByteRecord::new();
    let mut row = 0usize;
    let mut want = |row: usize, info: RowInfo| {
        if wanted.binary_search(&row).is_ok() {
            found.insert(row, info);
        }
    };
    while row <= last {
        let more = reader.read_byte_record(&mut record).map_err(parse_err)?;
        let end = if more { reader.position().byte() } else { u64::MAX };
        let end_line = lines.line_at(end).map_err(io)?;
        let inside: u64 = record
            .iter()
            .map(|c| c.iter().filter(|b| **b == b'\n').count() as u64)
            .sum();
        let start = end_line.saturating_sub(u64::from(lines.terminated()) + inside).max(1);
        // polars reads an empty line as a row of nulls; csv skips it (and the careful reader never sees it).
        for line in lines.empties.drain(..).filter(|l| !more || *l < start) {
            want(
                row,
                RowInfo {
                    line,
                    fields: 0,
                    blank: true,
                },
            );
            row += 1;
        }
        if !more {
            break;
        }
        let blank = record.iter().all(|c| String::from_utf8_lossy(c).trim().is_empty());
        want(
            row,
            RowInfo {
                line: start,
                fields: record.len(),
                blank,
            },
        );
        row += 1;
    }
    Ok(found)
}

fn skip_bom(mut file: File, bom: bool) -> std::io::Result<BufReader<File>> {
    if bom {
        let mut mark = [0u8; 3];
        file.read_exact(&mut mark)?;
    }
    Ok(BufReader::with_capacity(1 << 20, file))
}

/// Counts newlines up to byte offsets met in increasing order, as `sniff::LineCounter` does on text.
struct Newlines {
    reader: BufReader<File>,
    counted: u64,
    line: u64,
    last: Option<u8>,
    /// Lines holding nothing (or a lone `\r`) met since the list was last drained.
    empties: Vec<u64>,
    /// The current line has a byte other than `\r`.
    content: bool,
}

impl Newlines {
    fn new(reader: BufReader<File>) -> Self {
        Newlines {
            reader,
            counted: 0,
            line: 1,
            last: None,
            empties: Vec::new(),
            content: false,
        }
    }

    fn line_at(&mut self, offset: u64) -> std::io::Result<u64> {
        let mut buffer = [0u8; 64 << 10];
        while self.counted < offset {
            let want = usize::try_from(offset - self.counted)
                .unwrap_or(usize::MAX)
                .min(buffer.len());
            let got = self.reader.read(&mut buffer[..want])?;
            if got == 0 {
                break;
            }
            for &byte in &buffer[..got] {
                if byte == b'\n' {
                    if !self.content {
                        self.empties.push(self.line);
                    }
                    self.line += 1;
                    self.content = false;
                } else if byte != b'\r' {
                    self.content = true;
                }
            }
            self.last = buffer.get(got - 1).copied();
            self.counted += got as u64;
        }
        Ok(self.line)
    }

    /// The byte before the last offset asked for is a newline.
    fn terminated(&self) -> bool {
        self.last == Some(b'\n')
    }
}
