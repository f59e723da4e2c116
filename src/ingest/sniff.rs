//! Byte-level guesses about a CSV file: encoding (BOM, UTF-8, UTF-16, Windows-1252) and delimiter.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Largest input read into memory; larger files are refused rather than risking an out-of-memory.
pub const MAX_FILE_BYTES: usize = 2 << 30;

/// The text of a file and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes bytes: a BOM decides; otherwise UTF-8 when valid, else Windows-1252 (German Excel).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_cp1252(rest, "utf-8 (bom)");
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _, _) = UTF_16LE.decode(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: "utf-16le",
        };
    }
    if bytes.starts_with(b"\xFE\xFF") {
        let (text, _, _) = UTF_16BE.decode(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: "utf-16be",
        };
    }
    utf8_or_cp1252(bytes, "utf-8")
}

fn utf8_or_cp1252(bytes: &[u8], utf8_name: &'static str) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_string(),
            encoding: utf8_name,
        },
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: "windows-1252",
            }
        }
    }
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
        .find(|line| !line.starts_with('#') && !line.trim().is_empty())
        .unwrap_or("")
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
    fn delimiters() {
        assert_eq!(delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(delimiter("jahr;abteilung\n2020;\"a,b,c\""), b';');
        assert_eq!(delimiter("\"x;y\",b\n"), b',');
        assert_eq!(delimiter("a\tb\n"), b'\t');
        assert_eq!(delimiter(""), b',');
    }
}
