//! Where records end in a stretch of CSV text, as the csv crate (csv-core, which the careful
//! reader uses) reads it, so a file can be cut into blocks of whole records: outside quotes a line
//! feed or a lone carriage return ends a record; a quote opens a quoted field only at the start of
//! a field; inside one, `""` is a quote and any other quote closes it. A quote anywhere else is a
//! character of its field (`5" screen`), and text after a closing quote joins the field unquoted
//! (`"a"b` is `ab`): csv never refuses quoting, so neither does the cut.

/// The end of the first record (just past its terminator, the LF of a CRLF included), blank lines
/// before it skipped as csv skips them; `None` when no record ends in `bytes`.
pub fn first_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    // csv drops a byte order mark at the very start of its input.
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let start = bom + bytes[bom..].iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
    let text = &bytes[start..];
    let mut first = None;
    scan(text, delimiter, true, |end| {
        first = Some(end);
        false
    });
    let end = first?;
    // A record that a CR ends takes the LF after it.
    let end = if text[end - 1] == b'\r' && text.get(end) == Some(&b'\n') {
        end + 1
    } else {
        end
    };
    Some(start + end)
}

/// The end of the last whole record that a line feed ends (0 when none does): where a block may
/// be cut. A file whose records end in lone carriage returns (old Mac files) is cut after the
/// last of those instead.
pub fn last_record_end(bytes: &[u8], delimiter: u8) -> usize {
    if memchr::memchr(b'"', bytes).is_none() {
        if let Some(i) = memchr::memrchr(b'\n', bytes) {
            return i + 1;
        }
    } else {
        let mut last = 0;
        scan(bytes, delimiter, false, |end| {
            last = end;
            true
        });
        if last > 0 {
            return last;
        }
    }
    let mut last = 0;
    scan(bytes, delimiter, true, |end| {
        // A CR as the last byte may be the first half of a CRLF: the next read tells.
        if end < bytes.len() {
            last = end;
        }
        true
    });
    last
}

/// Whether `bytes`, starting at the start of a record, end inside a quoted field (a quote left
/// open to the end of the text).
pub fn ends_quoted(bytes: &[u8], delimiter: u8) -> bool {
    scan(bytes, delimiter, false, |_| true)
}

/// Calls `found` with the end of each record that a line feed ends (and, with `cr`, each that a
/// carriage return ends, the LF of a CRLF then not reported) while it returns true; returns
/// whether the text ends inside quotes.
fn scan(bytes: &[u8], delimiter: u8, cr: bool, mut found: impl FnMut(usize) -> bool) -> bool {
    let opens_field = |i: usize| i == 0 || matches!(bytes[i - 1], b'\n' | b'\r') || bytes[i - 1] == delimiter;
    let mut quoted = false;
    let mut skip_to = 0;
    let mut visit = |i: usize, quoted: &mut bool| -> bool {
        if i < skip_to {
            return true;
        }
        match (bytes[i], *quoted) {
            (b'"', false) => *quoted = opens_field(i),
            (b'"', true) if bytes.get(i + 1) == Some(&b'"') => skip_to = i + 2,
            (b'"', true) => *quoted = false,
            (_, true) => {}
            // A CR's LF is part of the line break the CR began.
            (b'\n', false) if cr && i > 0 && bytes[i - 1] == b'\r' => {}
            (_, false) => return found(i + 1),
        }
        true
    };
    if cr {
        for i in memchr::memchr3_iter(b'"', b'\n', b'\r', bytes) {
            if !visit(i, &mut quoted) {
                return quoted;
            }
        }
    } else {
        for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
            if !visit(i, &mut quoted) {
                return quoted;
            }
        }
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn records_end_at_line_feeds_outside_quotes() {
        let text = b"a,b\n\"x\ny\",2\n\"he said \"\"hi\"\"\",3\nlast,4";
        assert_eq!(first_record_end(text, b','), Some(4));
        assert_eq!(last_record_end(text, b','), text.len() - 6);
        assert_eq!(last_record_end(b"no line feed", b','), 0);
        assert_eq!(last_record_end(b"a;b\r\nc;d\r\n", b';'), 10);
    }

    #[test]
    fn stray_quotes_are_characters_of_their_field() {
        assert_eq!(last_record_end(b"a,5\" screen\nb,1\n", b','), 16);
        assert_eq!(last_record_end(b"\"a\"b,1\nc\n", b','), 9);
        assert_eq!(first_record_end(b"a,5\" screen\nb\n", b','), Some(12));
        // Text after a closing quote is unquoted: its line feed ends the record.
        assert_eq!(first_record_end(b"\"a\"b\"\nc\n", b','), Some(6));
        assert!(!ends_quoted(b"a,5\" screen\n", b','));
    }

    #[test]
    fn an_open_quote_at_the_end_hides_later_line_feeds() {
        assert_eq!(last_record_end(b"a,1\n\"open\nstill,2\n", b','), 4);
        assert!(ends_quoted(b"\"open\nstill,2\n", b','));
    }

    #[test]
    fn lone_carriage_returns_end_records() {
        assert_eq!(first_record_end(b"a,b\rc,d\r", b','), Some(4));
        assert_eq!(first_record_end(b"a,b\r\nc,d\r", b','), Some(5));
        assert_eq!(first_record_end(b"\n\r\na,b\n", b','), Some(7));
        assert_eq!(first_record_end(b"\xEF\xBB\xBF\"a\nb\",c\nd\n", b','), Some(11));
        // Without a line feed, after the last lone CR that is not the last byte.
        assert_eq!(last_record_end(b"a,b\rc,d\re", b','), 8);
        assert_eq!(last_record_end(b"a,b\rc,d\r", b','), 4);
        assert_eq!(last_record_end(b"\"a\rb\",c\rd", b','), 8);
    }

    /// Records as csv reads them (the careful reader's settings).
    fn records(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        reader
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    proptest! {
        /// Cut wherever `last_record_end` says (in pieces of any size), the text gives csv's records.
        #[test]
        fn cuts_keep_the_records_csv_reads(
            text in prop::collection::vec(prop::sample::select(b"a,\"\n\r;".to_vec()), 0..60),
            size in 1usize..20,
        ) {
            let mut pieces = Vec::new();
            let mut rest = &text[..];
            while !rest.is_empty() {
                let mut take = size.min(rest.len());
                let end = loop {
                    let end = last_record_end(&rest[..take], b',');
                    if end > 0 || take == rest.len() {
                        break if end > 0 { end } else { take };
                    }
                    take = (take * 2).min(rest.len());
                };
                pieces.push(&rest[..end]);
                rest = &rest[end..];
            }
            let cut: Vec<_> = pieces.iter().flat_map(|p| records(p)).collect();
            prop_assert_eq!(cut, records(&text));
        }

        /// The first record ends where csv's second record starts.
        #[test]
        fn the_first_record_ends_where_csv_ends_it(
            text in prop::collection::vec(prop::sample::select(b"a,\"\n\r".to_vec()), 0..40),
        ) {
            let all = records(&text);
            if let Some(end) = first_record_end(&text, b',') {
                prop_assert_eq!(records(&text[..end]), all[..1].to_vec());
                prop_assert_eq!(records(&text[end..]), all[1..].to_vec());
            }
        }
    }
}
