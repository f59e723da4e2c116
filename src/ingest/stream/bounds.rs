//! Where records end in a stretch of CSV bytes, so a file can be cut into blocks of whole records.
//! Outside quotes a line feed ends a record; quotes must open a field and close before a
//! delimiter or line break (RFC 4180). Other quoting is refused: the careful reader reads that file.

/// Quoting the splitter cannot follow (a quote inside an unquoted field, text after a closing quote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Irregular;

/// The end (just past its line feed) of the first record; `None` when there is none or quoting is irregular.
pub fn first_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    let mut first = None;
    scan(bytes, delimiter, |end| {
        first = Some(end);
        false
    })
    .ok()?;
    first
}

/// The end of the last whole record (0 when no record ends in `bytes`).
pub fn last_record_end(bytes: &[u8], delimiter: u8) -> Result<usize, Irregular> {
    if memchr::memchr(b'"', bytes).is_none() {
        return Ok(memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1));
    }
    let mut last = 0;
    scan(bytes, delimiter, |end| {
        last = end;
        true
    })?;
    Ok(last)
}

/// Calls `found` with the end of each record (while it returns true).
fn scan(bytes: &[u8], delimiter: u8, mut found: impl FnMut(usize) -> bool) -> Result<(), Irregular> {
    let opens_field = |i: usize| i == 0 || matches!(bytes[i - 1], b'\n' | b'\r') || bytes[i - 1] == delimiter;
    let mut quoted = false;
    let mut skip_to = 0;
    for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
        if i < skip_to {
            continue;
        }
        match (bytes[i], quoted) {
            (b'\n', false) => {
                if !found(i + 1) {
                    return Ok(());
                }
            }
            (b'\n', true) => {}
            (_, false) if opens_field(i) => quoted = true,
            (_, false) => return Err(Irregular),
            (_, true) => match bytes.get(i + 1) {
                Some(b'"') => skip_to = i + 2,
                Some(b'\n' | b'\r') | None => quoted = false,
                Some(b) if *b == delimiter => quoted = false,
                Some(_) => return Err(Irregular),
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_at_line_feeds_outside_quotes() {
        let text = b"a,b\n\"x\ny\",2\n\"he said \"\"hi\"\"\",3\nlast,4";
        assert_eq!(first_record_end(text, b','), Some(4));
        assert_eq!(last_record_end(text, b','), Ok(text.len() - 6));
        assert_eq!(last_record_end(b"no line feed", b','), Ok(0));
        assert_eq!(last_record_end(b"a;b\r\nc;d\r\n", b';'), Ok(10));
    }

    #[test]
    fn stray_quotes_are_irregular() {
        assert_eq!(last_record_end(b"a,5\" screen\n", b','), Err(Irregular));
        assert_eq!(last_record_end(b"\"a\"b,1\n", b','), Err(Irregular));
        assert_eq!(first_record_end(b"a,5\" screen\n", b','), None);
    }

    #[test]
    fn an_open_quote_at_the_end_hides_later_line_feeds() {
        assert_eq!(last_record_end(b"a,1\n\"open\nstill,2\n", b','), Ok(4));
    }
}
