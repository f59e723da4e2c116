//! The cases of an SPSS system file: bytecode decompression, the zlib blocks of a .zsav file, and
//! each variable's value from its 8-byte slots.

use super::sav::{Cursor, Decode, Fault, SYSMIS, Value, Variable, number};

/// The bytecode stream as 8-byte slots (PSPP manual, "Data Record").
pub(super) fn decompress(stream: &[u8], slots: usize, bias: f64, big: bool) -> Result<Vec<[u8; 8]>, Fault> {
    let mut out = Vec::new();
    let mut pos = 0;
    let raw = |pos: &mut usize, done: usize| -> Result<[u8; 8], Fault> {
        let b = stream.get(*pos..*pos + 8).ok_or_else(|| {
            format!(
                "truncated SPSS file: the compressed data stop after {} complete cases",
                done / slots.max(1)
            )
        })?;
        *pos += 8;
        Ok(b.try_into().unwrap_or([0; 8]))
    };
    let encode = |v: f64| if big { v.to_be_bytes() } else { v.to_le_bytes() };
    'blocks: while pos < stream.len() {
        let block = raw(&mut pos, out.len())?;
        for code in block {
            match code {
                0 => {}
                1..=251 => out.push(encode(f64::from(code) - bias)),
                252 => break 'blocks,
                253 => {
                    let value = raw(&mut pos, out.len())?;
                    out.push(value);
                }
                254 => out.push(*b"        "),
                255 => out.push(encode(SYSMIS)),
            }
        }
    }
    Ok(out)
}

/// The zlib blocks of a .zsav file, inflated (their index is in the trailer the header points to).
pub(super) fn inflate(c: &mut Cursor) -> Result<Vec<u8>, Fault> {
    use std::io::Read as _;
    let (_header_at, trailer_at, _trailer_len) = (c.i64()?, c.i64()?, c.i64()?);
    let mut t = Cursor {
        bytes: c.bytes,
        pos: usize::try_from(trailer_at).map_err(|_| "damaged .zsav file: bad trailer offset")?,
        big: c.big,
        what: "the .zsav block index",
    };
    let (_bias, _zero, _block_size) = (t.i64()?, t.i64()?, t.i32()?);
    let blocks = t.count(24)?;
    let mut out = Vec::new();
    for _ in 0..blocks {
        let (_unzipped_at, zipped_at, unzipped_len, zipped_len) = (t.i64()?, t.i64()?, t.i32()?, t.i32()?);
        let start = usize::try_from(zipped_at).unwrap_or(usize::MAX);
        let end = start.saturating_add(usize::try_from(zipped_len).unwrap_or(usize::MAX));
        let block = c
            .bytes
            .get(start..end)
            .ok_or("truncated .zsav file: a compressed block is cut short")?;
        let before = out.len();
        flate2::read::ZlibDecoder::new(block)
            .read_to_end(&mut out)
            .map_err(|e| format!("damaged .zsav file: a compressed block does not inflate ({e})"))?;
        if out.len() - before != usize::try_from(unzipped_len).unwrap_or(0) {
            return Err("damaged .zsav file: a block inflates to the wrong size".into());
        }
    }
    Ok(out)
}

pub(super) fn values(vars: &[Variable], case: &[[u8; 8]], big: bool, decode: Decode) -> Vec<Value> {
    vars.iter()
        .map(|v| {
            if v.width == 0 {
                let x = number(case[v.segments[0].0], big);
                return Value::Number(Some(x).filter(|x| *x != SYSMIS && !x.is_nan()));
            }
            let mut bytes = Vec::with_capacity(v.width);
            for &(slot, used) in &v.segments {
                let n = used.div_ceil(8);
                for s in case.get(slot..slot + n).unwrap_or_default() {
                    bytes.extend_from_slice(s);
                }
                bytes.truncate(bytes.len() - (n * 8 - used).min(bytes.len()));
            }
            Value::Text(decode(&bytes))
        })
        .collect()
}
