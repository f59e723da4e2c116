//! Byte-level guesses about a CSV file: encoding (BOM, UTF-8, UTF-16, Windows-1252), binary
//! refusal, delimiter, and which survey tool wrote it.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::InputFormat;

/// Largest input read into memory; larger files are refused rather than risking an out-of-memory
/// (decoding and parsing hold about three copies of the text at once).
pub const MAX_FILE_BYTES: usize = 256 << 20;

/// Largest single cell; anything bigger is not a survey answer but a broken quote or a pasted file.
pub const MAX_CELL_BYTES: usize = 64 << 10;

/// The text of a file and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Some bytes could not be decoded and became U+FFFD; the cells holding them are rejected.
    pub lossy: bool,
}

/// Decodes bytes: a BOM decides; otherwise UTF-8 when (nearly) valid, else Windows-1252 (German Excel).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_cp1252(rest, "utf-8 (bom)");
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (encoding, name) = if bytes[0] == 0xFF {
            (UTF_16LE, "utf-16le")
        } else {
            (UTF_16BE, "utf-16be")
        };
        let (text, _, lossy) = encoding.decode(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: name,
            lossy,
        };
    }
    utf8_or_cp1252(bytes, "utf-8")
}

/// A file with valid multi-byte UTF-8 and only a few broken sequences is UTF-8 with bad cells;
/// one without any valid multi-byte sequence is Windows-1252.
fn utf8_or_cp1252(bytes: &[u8], utf8_name: &'static str) -> Decoded {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: utf8_name,
            lossy: false,
        };
    }
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    if reads_as_utf8(multibyte as u64, invalid as u64) {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: utf8_name,
            lossy: true,
        };
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: "windows-1252",
        lossy: false,
    }
}

/// Whether bytes that are not valid UTF-8 are read as UTF-8 with bad cells (rather than as
/// Windows-1252), given their valid multi-byte characters and their broken sequences.
pub fn reads_as_utf8(multibyte: u64, invalid: u64) -> bool {
    multibyte > 0 && multibyte >= invalid
}

/// Where decoded text stops looking like text: a NUL or too many control characters.
/// Returns the 1-based line of the first offending character.
pub fn binary_line(text: &str) -> Option<u64> {
    let sample: Vec<(usize, char)> = text.char_indices().take(64 << 10).collect();
    let is_control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
    let controls = sample.iter().filter(|(_, c)| is_control(*c)).count();
    let nul = sample.iter().any(|(_, c)| *c == '\0');
    if !nul && controls * 100 <= sample.len() {
        return None;
    }
    let at = sample.iter().find(|(_, c)| is_control(*c)).map_or(0, |(i, _)| *i);
    Some(1 + text[..at].bytes().filter(|b| *b == b'\n').count() as u64)
}

/// Picks `,`, `;` or tab by which occurs most in the first line outside quotes (comma on ties).
pub fn delimiter(text: &str) -> u8 {
    let first = first_record_line(text);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in first.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (delim, count) in counts.iter_mut() {
                if byte == *delim {
                    *count += 1;
                }
            }
        }
    }
    counts
        .iter()
        .fold((b',', 0), |best, &(d, c)| if c > best.1 { (d, c) } else { best })
        .0
}

fn first_record_line(text: &str) -> &str {
    text.lines()
        .find(|line| !is_comment(line) && !line.trim().is_empty())
        .unwrap_or("")
}

/// A `#` comment line before the header. A header whose first cell is `#` (Typeform's token
/// column: `#,Question,...`) is not one.
pub fn is_comment(line: &str) -> bool {
    let trimmed = line.trim_start_matches('\u{feff}').trim();
    trimmed.starts_with('#') && !matches!(trimmed.as_bytes().get(1), Some(b',' | b';' | b'\t'))
}

/// The first three records (fewer in a short file), for format detection.
pub fn head_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .take(3)
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(|c| c.trim().chars().take(200).collect()).collect())
        .collect()
}

/// Which tool wrote the export, from its header rows; `Generic` when none fits.
pub fn detect(text: &str, delimiter: u8) -> InputFormat {
    let rows = head_rows(text, delimiter);
    let row = |i: usize| rows.get(i).map(Vec::as_slice).unwrap_or(&[]);
    let has = |cells: &[String], name: &str| cells.iter().any(|c| c.eq_ignore_ascii_case(name));
    let (first, second, third) = (row(0), row(1), row(2));
    let json_ids = third
        .iter()
        .any(|c| c.starts_with("{\"ImportId\"") || c.starts_with("{'ImportId'"));
    let legacy = first.first().is_some_and(|c| c == "V1") && has(second, "ResponseID");
    if json_ids || legacy || (has(first, "ResponseId") && has(first, "Finished")) {
        return InputFormat::Qualtrics;
    }
    let monkey_id = has(first, "Respondent ID") || has(first, "RespondentID");
    if (monkey_id && (has(first, "Collector ID") || has(first, "CollectorID")))
        || super::surveymonkey::is_option_row(first, second)
    {
        return InputFormat::Surveymonkey;
    }
    if super::typeform::header_row(&rows).is_some() {
        return InputFormat::Typeform;
    }
    if has(first, "Time Started") && has(first, "Date Submitted") && has(first, "Status") {
        return InputFormat::Surveygizmo;
    }
    // Headings may be "code. text" (`submitdate. Date submitted`): the code decides.
    let code = |name: &str| first.iter().any(|c| lime_code(c).eq_ignore_ascii_case(name));
    let lime_codes = code("submitdate") && (code("lastpage") || code("startlanguage"));
    let lime_text = has(first, "Date submitted") && has(first, "Last page");
    if lime_codes || lime_text {
        return InputFormat::Limesurvey;
    }
    let stamp = first.first().map(|c| c.to_lowercase());
    if matches!(
        stamp.as_deref(),
        Some("timestamp" | "zeitstempel" | "marca temporal" | "horodateur")
    ) {
        return InputFormat::GoogleForms;
    }
    InputFormat::Generic
}

/// The code of a LimeSurvey "code. text" heading (`submitdate. Date submitted` -> `submitdate`),
/// or the whole heading.
fn lime_code(heading: &str) -> &str {
    match heading.split_once(". ") {
        Some((code, _)) if !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || "_[]".contains(c)) => {
            code
        }
        _ => heading,
    }
}

/// The text with the `#` comment lines before the header emptied (their line breaks stay, so
/// line numbers do not move). Only leading lines: a data row whose first cell starts with `#`
/// is data, not a comment.
pub fn blank_leading_comments(text: &str) -> std::borrow::Cow<'_, str> {
    let end = leading_comments_end(text);
    if end == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    let breaks: String = text[..end].chars().filter(|c| *c == '\n').collect();
    std::borrow::Cow::Owned(format!("{breaks}{}", &text[end..]))
}

/// Where the `#` comment and blank lines before the header end (the byte after their last line break).
pub fn leading_comments_end(text: &str) -> usize {
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        if !(is_comment(line) || line.trim_start_matches('\u{feff}').trim().is_empty()) {
            break;
        }
        end += line.len();
    }
    end
}

/// Line numbers (1-based) of byte offsets met in increasing order. csv's own line numbers
/// skip blank lines; counting newlines before each record's first byte does not.
pub struct LineCounter<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    counted: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// Lines of `text`, a CSV with `delimiter` between fields.
    pub fn new(text: &'a str, delimiter: u8) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            delimiter,
            counted: 0,
            line: 1,
        }
    }

    /// The first line of a record that ends at byte `end` (the reader's position after it):
    /// csv reports where it started looking, which is before any blank lines it skipped.
    pub fn record_line(&mut self, end: u64, record: &csv::StringRecord) -> u64 {
        let start = self.counted;
        let end_line = self.line_at(end);
        let inside: u64 = record
            .iter()
            .map(|c| c.bytes().filter(|b| *b == b'\n').count() as u64)
            .sum();
        // A quote left open to the end of the text takes the last line feed into its cell: then the
        // record has no terminator of its own. (Counting the file's quotes is not enough: csv keeps
        // a stray quote inside a field, `5" screen`, as a character.)
        let at_end = self.counted == self.bytes.len();
        let open = at_end && super::stream::ends_quoted(&self.bytes[start..], self.delimiter);
        let terminated = u64::from(self.counted > 0 && self.bytes[self.counted - 1] == b'\n' && !open);
        end_line.saturating_sub(terminated + inside).max(1)
    }

    /// The line holding byte `offset` (offsets before the last one asked for count as that one).
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let end = usize::try_from(offset).unwrap_or(usize::MAX).min(self.bytes.len());
        if end > self.counted {
            self.line += self.bytes[self.counted..end].iter().filter(|b| **b == b'\n').count() as u64;
            self.counted = end;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").text, "a,b");
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").encoding, "utf-8 (bom)");
        assert_eq!(decode("Öffentlichkeitsarbeit".as_bytes()).encoding, "utf-8");
        let cp1252 = decode(b"\xD6ffentlichkeitsarbeit");
        assert_eq!(cp1252.text, "Öffentlichkeitsarbeit");
        assert_eq!(cp1252.encoding, "windows-1252");
        assert_eq!(decode(b"\xFF\xFEa\x00;\x00b\x00").text, "a;b");
    }

    #[test]
    fn only_leading_comments_are_blanked() {
        assert_eq!(blank_leading_comments("# a\n#b\r\nh\n#1,x\n"), "\n\nh\n#1,x\n");
        assert_eq!(blank_leading_comments("h\n# not a comment\n"), "h\n# not a comment\n");
        // Typeform's token column heads the header: `#` then the delimiter.
        assert_eq!(blank_leading_comments("#,Who?\nabc,PR\n"), "#,Who?\nabc,PR\n");
        assert_eq!(blank_leading_comments("# note\n#;Wer?\n"), "\n#;Wer?\n");
        assert_eq!(delimiter("# a, b, c\n#;Wer?;Wann?\n"), b';');
    }

    #[test]
    fn line_numbers_count_blank_lines() {
        let text = "h\n1\n\n2\r\n\"a\nb\"\n3";
        let mut lines = LineCounter::new(text, b',');
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2);
        assert_eq!(lines.line_at(5), 4);
        assert_eq!(lines.line_at(8), 5);
        assert_eq!(lines.line_at(14), 7);
        assert_eq!(lines.line_at(999), 7);
    }

    #[test]
    fn a_quote_open_to_the_end_keeps_its_record_on_its_own_line() {
        let text = "h,x\n1,a\n2,\"open\n";
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let mut lines = LineCounter::new(text, b',');
        let mut found = Vec::new();
        let mut records = reader.records();
        while let Some(Ok(record)) = records.next() {
            found.push(lines.record_line(records.reader().position().byte(), &record));
        }
        assert_eq!(found, vec![2, 3]);
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(delimiter("jahr;abteilung\n2020;\"a,b,c\""), b';');
        assert_eq!(delimiter("\"x;y\",b\n"), b',');
        assert_eq!(delimiter("a\tb\n"), b'\t');
        assert_eq!(delimiter(""), b',');
    }
}
