//! A file's text as the careful reader decodes the whole file (`sniff::decode`): a byte order mark
//! decides UTF-16; otherwise UTF-8 when the file's valid multi-byte characters are at least as
//! many as its broken sequences (the broken ones become U+FFFD and reject their rows), else
//! Windows-1252. UTF-8 and Windows-1252 keep every ASCII byte as it is (line feeds, quotes and
//! delimiters included), so their bytes are cut into blocks and each block is decoded on its own,
//! in parallel. UTF-16 is transcoded as it is read, a read at a time: the decoder keeps what a
//! read cuts (half a pair, a CR whose LF comes in the next read), so the text is the same however
//! the reads fall.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::ingest::sniff;

/// How a file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// UTF-8, read as it is (each block is checked: a block that is not UTF-8 stops the read,
    /// and the whole file's bytes then decide).
    Utf8,
    /// UTF-8 with broken sequences: they become U+FFFD, and a cell holding one rejects its row.
    Utf8Lossy,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl Coding {
    fn encoding(self) -> &'static Encoding {
        match self {
            Coding::Utf8 | Coding::Utf8Lossy => UTF_8,
            Coding::Windows1252 => WINDOWS_1252,
            Coding::Utf16Le => UTF_16LE,
            Coding::Utf16Be => UTF_16BE,
        }
    }

    /// Whether the file's bytes are cut into blocks as they are (ASCII bytes are themselves in
    /// the text) rather than transcoded before they are cut (UTF-16).
    pub fn cut_raw(self) -> bool {
        matches!(self, Coding::Utf8 | Coding::Utf8Lossy | Coding::Windows1252)
    }

    /// A decoder for the measures of a raw-cut coding's text outside blocks (an overlong record).
    pub fn raw_decoder(self) -> Option<Decoder> {
        matches!(self, Coding::Utf8Lossy | Coding::Windows1252)
            .then(|| self.encoding().new_decoder_without_bom_handling())
    }

    /// The text of one block of whole records, decoded into `buffer` when it is not the bytes
    /// themselves (a buffer kept from block to block: a fresh one per block leaves the allocator
    /// holding their pages); `None` when a block taken for UTF-8 is not.
    pub fn block_text<'a>(self, bytes: &'a [u8], buffer: &'a mut String) -> Option<&'a str> {
        let decode = match self {
            // UTF-16 was decoded by the source.
            Coding::Utf8 | Coding::Utf16Le | Coding::Utf16Be => return std::str::from_utf8(bytes).ok(),
            Coding::Utf8Lossy => std::str::from_utf8(bytes).is_err(),
            Coding::Windows1252 => !bytes.is_ascii(),
        };
        if !decode {
            return std::str::from_utf8(bytes).ok();
        }
        let mut decoder = self.encoding().new_decoder_without_bom_handling();
        buffer.clear();
        // Room for the text of a mostly ASCII block, more as it fills (the worst case is three
        // times the bytes, and a buffer reserved for it would stay that large).
        let mut read = 0;
        loop {
            let rest = bytes.len() - read;
            buffer.reserve(rest + rest / 4 + 16);
            let (result, used, _) = decoder.decode_to_string(&bytes[read..], buffer, true);
            read += used;
            if result == encoding_rs::CoderResult::InputEmpty {
                return Some(buffer.as_str());
            }
        }
    }

    /// Where byte `offset` of `text` (just past an ASCII byte), the head of a raw-cut file decoded,
    /// is in the head's `raw` bytes: ASCII bytes are themselves and in the same order in both.
    pub fn raw_offset(raw: &[u8], text: &str, offset: usize) -> usize {
        let ascii = text.as_bytes()[..offset].iter().filter(|b| b.is_ascii()).count();
        let Some(last) = ascii.checked_sub(1) else {
            return 0;
        };
        raw.iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii())
            .nth(last)
            .map_or(0, |(i, _)| i + 1)
    }

    /// The name the careful reader's note gives (`sniff::Decoded::encoding`).
    pub fn name(self, bom: bool) -> &'static str {
        match (self, bom) {
            (Coding::Utf8 | Coding::Utf8Lossy, false) => "utf-8",
            (Coding::Utf8 | Coding::Utf8Lossy, true) => "utf-8 (bom)",
            (Coding::Windows1252, _) => "windows-1252",
            (Coding::Utf16Le, _) => "utf-16le",
            (Coding::Utf16Be, _) => "utf-16be",
        }
    }

    /// The coding a byte order mark names, and the mark's length.
    pub fn of_bom(head: &[u8]) -> (Option<Coding>, u64) {
        if head.starts_with(b"\xEF\xBB\xBF") {
            (None, 3)
        } else if head.starts_with(b"\xFF\xFE") {
            (Some(Coding::Utf16Le), 2)
        } else if head.starts_with(b"\xFE\xFF") {
            (Some(Coding::Utf16Be), 2)
        } else {
            (None, 0)
        }
    }

    /// `bytes` (the start of the text, or all of it when `last`) as text; a character cut at the
    /// end of a partial head is left out.
    pub fn decode_head(self, bytes: &[u8], last: bool) -> String {
        let mut decoder = self.encoding().new_decoder_without_bom_handling();
        let mut text = String::with_capacity(decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len()));
        let _ = decoder.decode_to_string(bytes, &mut text, last);
        text
    }
}

/// Counts what `sniff::decode` weighs over the whole file: valid multi-byte characters and broken
/// sequences; and notes where the first byte outside ASCII and the first U+FFFD are (a read that
/// took the file for UTF-8 and stopped at its first broken block can go on from there when the
/// blocks before it read the same in the file's coding).
#[derive(Default)]
pub struct Census {
    multibyte: u64,
    invalid: u64,
    /// Bytes counted so far.
    offset: u64,
    first_non_ascii: Option<u64>,
    first_fffd: Option<u64>,
}

impl Census {
    /// Counts `bytes`; unless `last`, a character cut at their end is left for the next call
    /// (which must start with it). Returns how many bytes were counted.
    pub fn count(&mut self, bytes: &[u8], last: bool) -> usize {
        let mut at = 0;
        let counted = loop {
            match std::str::from_utf8(&bytes[at..]) {
                Ok(_) => {
                    self.valid(&bytes[at..], at);
                    break bytes.len();
                }
                Err(e) => {
                    let valid_end = at + e.valid_up_to();
                    self.valid(&bytes[at..valid_end], at);
                    self.first_non_ascii.get_or_insert(self.offset + valid_end as u64);
                    match e.error_len() {
                        Some(n) => {
                            self.invalid += 1;
                            at = valid_end + n;
                        }
                        // A character cut by the end of the file is one broken sequence.
                        None if last => {
                            self.invalid += 1;
                            break bytes.len();
                        }
                        None => break valid_end,
                    }
                }
            }
        };
        self.offset += counted as u64;
        counted
    }

    /// Valid UTF-8 found `at` bytes into the current call.
    fn valid(&mut self, text: &[u8], at: usize) {
        let lead = lead_bytes(text);
        self.multibyte += lead;
        if lead > 0 && self.first_non_ascii.is_none() {
            let first = text.iter().position(|b| !b.is_ascii()).unwrap_or(0);
            self.first_non_ascii = Some(self.offset + (at + first) as u64);
        }
        if lead > 0 && self.first_fffd.is_none() {
            let found = memchr::memmem::find(text, "\u{FFFD}".as_bytes());
            self.first_fffd = found.map(|i| self.offset + (at + i) as u64);
        }
    }

    /// The coding of the whole file once all of it was counted.
    pub fn verdict(&self) -> Coding {
        match (self.invalid, sniff::reads_as_utf8(self.multibyte, self.invalid)) {
            (0, _) => Coding::Utf8,
            (_, true) => Coding::Utf8Lossy,
            (_, false) => Coding::Windows1252,
        }
    }

    /// Whether the first `offset` bytes read as UTF-8 read the same in `coding`: they hold no
    /// U+FFFD (UTF-8 with broken bytes: a cell holding one is then rejected), or only ASCII
    /// (Windows-1252).
    pub fn same_before(&self, coding: Coding, offset: u64) -> bool {
        let before = |first: Option<u64>| first.is_some_and(|i| i < offset);
        match coding {
            Coding::Utf8 => true,
            Coding::Utf8Lossy => !before(self.first_fffd),
            Coding::Windows1252 => !before(self.first_non_ascii),
            Coding::Utf16Le | Coding::Utf16Be => false,
        }
    }
}

/// Characters of more than one byte in valid UTF-8: their lead bytes.
fn lead_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b >= 0xC0).count() as u64
}

/// The census of the bytes of `path` from `start` on, read once in pieces (constant memory).
pub fn census(path: &Path, start: u64) -> std::io::Result<Census> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut census = Census::default();
    let mut piece = vec![0; 1 << 20];
    let mut kept = 0;
    loop {
        let n = file.read(&mut piece[kept..])?;
        let end = kept + n;
        let counted = census.count(&piece[..end], n == 0);
        if n == 0 {
            return Ok(census);
        }
        piece.copy_within(counted..end, 0);
        kept = end - counted;
    }
}

/// What a file holds from a given offset, a read at a time: its bytes for a raw-cut coding, its
/// text as UTF-8 for UTF-16.
pub struct Text {
    file: File,
    decoder: Option<Decoder>,
    raw: Vec<u8>,
    /// Decoded bytes still to drop before the text handed out starts.
    skip: u64,
    /// A replacement character was written (a broken sequence in the file).
    pub replaced: bool,
    /// Raw bytes read.
    pub read: u64,
    done: bool,
}

impl Text {
    /// `path` after its byte order mark (`bom` bytes), from `start`: a byte offset after the mark
    /// for a raw-cut coding, an offset in the text for UTF-16.
    pub fn open(path: &Path, coding: Coding, bom: u64, start: u64) -> std::io::Result<Text> {
        let mut file = File::open(path)?;
        let (decoder, seek, skip) = match coding.cut_raw() {
            true => (None, bom + start, 0),
            false => (Some(coding.encoding().new_decoder_without_bom_handling()), bom, start),
        };
        file.seek(SeekFrom::Start(seek))?;
        Ok(Text {
            file,
            decoder,
            raw: Vec::new(),
            skip,
            replaced: false,
            read: 0,
            done: false,
        })
    }

    /// Appends about `want` more bytes of the file (or their text) to `out`; false at the end.
    pub fn fill(&mut self, out: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
        loop {
            if self.done {
                return Ok(false);
            }
            let start = out.len();
            match &mut self.decoder {
                None => {
                    let read = (&mut self.file).take(want as u64).read_to_end(out)?;
                    self.read += read as u64;
                    self.done = read < want;
                }
                Some(decoder) => {
                    self.raw.clear();
                    let read = (&mut self.file).take(want as u64).read_to_end(&mut self.raw)?;
                    self.read += read as u64;
                    self.done = read < want;
                    let room = decoder.max_utf8_buffer_length(read).unwrap_or(3 * read + 16);
                    out.resize(start + room, 0);
                    let (_, used, written, replaced) = decoder.decode_to_utf8(&self.raw, &mut out[start..], self.done);
                    debug_assert_eq!(used, read, "room for the whole read was made");
                    out.truncate(start + written);
                    self.replaced |= replaced;
                }
            }
            if self.skip > 0 {
                let drop = (out.len() - start).min(usize::try_from(self.skip).unwrap_or(usize::MAX));
                out.drain(start..start + drop);
                self.skip -= drop as u64;
            }
            if out.len() > start || self.done {
                return Ok(out.len() > start || !self.done);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn whole(bytes: &[u8]) -> Coding {
        in_pieces(bytes, bytes.len().max(1))
    }

    #[test]
    fn the_census_decides_as_the_careful_reader_decides() {
        assert_eq!(whole("Öffentlichkeitsarbeit".as_bytes()), Coding::Utf8);
        assert_eq!(whole(b"\xD6ffentlichkeitsarbeit"), Coding::Windows1252);
        assert_eq!(whole(b"\xc3\x96 \xff"), Coding::Utf8Lossy);
        assert_eq!(whole(b"\xc3\x96 \xff \xfe"), Coding::Windows1252);
        // A character cut by the end of the file is broken.
        assert_eq!(whole(b"\xc3\x96\xc3"), Coding::Utf8Lossy);
        assert_eq!(whole(b"ab\xc3"), Coding::Windows1252);
    }

    /// As `census` reads a file, `size` bytes at a time.
    fn in_pieces(bytes: &[u8], size: usize) -> Coding {
        let mut census = Census::default();
        let (mut at, mut kept) = (0, 0);
        loop {
            let n = size.min(bytes.len() - at);
            let piece = &bytes[at - kept..at + n];
            let counted = census.count(piece, n == 0);
            if n == 0 {
                return census.verdict();
            }
            at += n;
            kept = piece.len() - counted;
        }
    }

    fn careful(bytes: &[u8]) -> Coding {
        match sniff::decode(bytes) {
            d if d.encoding == "windows-1252" => Coding::Windows1252,
            d if d.lossy => Coding::Utf8Lossy,
            _ => Coding::Utf8,
        }
    }

    proptest! {
        #[test]
        fn pieces_of_any_size_give_the_careful_verdict(
            bytes in prop::collection::vec(prop::sample::select(vec![b'a', 0xC3, 0x96, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xFF]), 0..40),
            size in 1usize..9,
        ) {
            prop_assert_eq!(in_pieces(&bytes, size), careful(&bytes));
        }

        /// UTF-16 read in pieces of any size is the careful reader's text.
        #[test]
        fn utf16_read_in_pieces_is_the_careful_text(
            bytes in prop::collection::vec(prop::sample::select(vec![b'a', b'\r', b'\n', 0, 0xD8, 0xDC, 0x3D, 0xFF]), 0..40),
            big_endian in any::<bool>(),
            size in 1usize..9,
            start in 0u64..4,
        ) {
            let coding = if big_endian { Coding::Utf16Be } else { Coding::Utf16Le };
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t");
            std::fs::write(&path, &bytes).unwrap();
            let expected = coding.encoding().decode_without_bom_handling(&bytes).0.into_owned();
            let mut text = Text::open(&path, coding, 0, start).unwrap();
            let mut out = Vec::new();
            while text.fill(&mut out, size).unwrap() {}
            let skip = (start as usize).min(expected.len());
            prop_assert_eq!(&out[..], &expected.as_bytes()[skip..]);
            prop_assert_eq!(text.replaced, expected.contains('\u{FFFD}'));
        }

        /// UTF-8 with broken bytes and Windows-1252, cut after any ASCII byte and decoded block by
        /// block (or fed to the raw decoder in pieces of any size), are the careful reader's text.
        #[test]
        fn raw_bytes_decoded_in_blocks_are_the_careful_text(
            bytes in prop::collection::vec(prop::sample::select(vec![b'a', b'\n', 0xC3, 0x96, 0xE2, 0x82, 0xAC, 0xFF]), 0..40),
            windows in any::<bool>(),
            cuts in prop::collection::vec(0usize..40, 0..6),
            size in 1usize..9,
        ) {
            let coding = if windows { Coding::Windows1252 } else { Coding::Utf8Lossy };
            let careful = match coding {
                Coding::Windows1252 => WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned(),
                _ => String::from_utf8_lossy(&bytes).into_owned(),
            };
            let mut ends: Vec<usize> = cuts.into_iter().filter(|&i| i < bytes.len() && bytes[i].is_ascii()).map(|i| i + 1).collect();
            ends.sort_unstable();
            ends.dedup();
            ends.push(bytes.len());
            let mut blocks = String::new();
            let mut from = 0;
            for end in ends {
                let mut buffer = String::new();
                blocks.push_str(coding.block_text(&bytes[from..end.max(from)], &mut buffer).unwrap());
                from = end.max(from);
            }
            prop_assert_eq!(&blocks, &careful);
            let mut decoder = coding.raw_decoder().unwrap();
            let mut pieces = String::new();
            for piece in bytes.chunks(size) {
                let mut out = String::with_capacity(decoder.max_utf8_buffer_length(piece.len()).unwrap());
                let _ = decoder.decode_to_string(piece, &mut out, false);
                pieces.push_str(&out);
            }
            let mut out = String::with_capacity(16);
            let _ = decoder.decode_to_string(&[], &mut out, true);
            pieces.push_str(&out);
            prop_assert_eq!(&pieces, &careful);
        }
    }

    #[test]
    fn raw_offsets_follow_the_ascii_bytes() {
        let raw = b"\xD6l;x\n\xFF\xFEb\n";
        let text = "\u{d6}l;x\n\u{FFFD}\u{FFFD}b\n";
        assert_eq!(Coding::raw_offset(raw, text, 6), 5);
        assert_eq!(Coding::raw_offset(raw, text, text.len()), raw.len());
        assert_eq!(Coding::raw_offset(raw, text, 0), 0);
    }
}
