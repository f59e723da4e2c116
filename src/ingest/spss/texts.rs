//! The text records of an SPSS dictionary: long variable names (7.13), very long strings (7.14)
//! and multiple-response sets (7.7, 7.19).

use super::sav::{Cursor, Decode, Fault, MrSet, Value, Variable};

/// `KEY=VALUE` pairs separated by tabs (NULs around them dropped).
pub(super) fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('\t')
        .filter_map(|pair| pair.trim_matches('\0').split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim_matches('\0').trim().to_string()))
        .collect()
}

/// A string longer than 255 bytes is stored as several variables of up to 255 bytes each, the first
/// named in record 7.14 with the full width; they become one variable again.
pub(super) fn join_very_long(vars: &mut Vec<Variable>, text: &str) {
    for (short, width) in pairs(text) {
        let Ok(width) = width.parse::<usize>() else { continue };
        let Some(at) = vars.iter().position(|v| v.short_name.eq_ignore_ascii_case(&short)) else {
            continue;
        };
        let parts = width.div_ceil(252).max(1);
        let end = (at + parts).min(vars.len());
        let absorbed: Vec<Variable> = vars.drain(at + 1..end).collect();
        let first = &mut vars[at];
        first.width = width;
        first.segments[0].1 = first.segments[0].1.min(255);
        first
            .segments
            .extend(absorbed.iter().map(|v| (v.segments[0].0, v.segments[0].1.min(255))));
    }
}

/// Multiple-response set definitions: `$name=D1 1 5 Label var1 var2` (and `C`, `E` forms).
pub(super) fn mr_sets(text: &str) -> Vec<MrSet> {
    text.lines().filter_map(mr_set).collect()
}

pub(super) fn mr_set(line: &str) -> Option<MrSet> {
    let (name, rest) = line.trim_start().strip_prefix('$')?.split_once('=')?;
    let (kind, mut rest) = rest.split_at_checked(1)?;
    let counted = match kind {
        "C" => None,
        "D" | "E" => {
            if kind == "E" {
                rest = rest.trim_start().split_once(' ')?.1;
            }
            let (value, tail) = counted_text(rest.trim_start())?;
            rest = tail;
            Some(value)
        }
        _ => return None,
    };
    let (label, tail) = counted_text(rest.trim_start())?;
    Some(MrSet {
        name: name.to_string(),
        label,
        counted,
        variables: tail.split_whitespace().map(str::to_string).collect(),
    })
}

/// `LEN SPACE TEXT`: a length-prefixed text and what follows it.
pub(super) fn counted_text(text: &str) -> Option<(String, &str)> {
    let (len, rest) = text.split_once(' ')?;
    let len: usize = len.parse().ok()?;
    let value = rest.get(..len)?;
    Some((value.to_string(), &rest[len..]))
}

/// Value labels of strings wider than 8 bytes (record 7.21): per variable its name, width and
/// (value, label) pairs, each length-prefixed.
pub(super) fn long_string_labels(data: &[u8], big: bool, decode: Decode, vars: &mut [Variable]) -> Result<(), Fault> {
    let mut c = Cursor {
        bytes: data,
        pos: 0,
        big,
        what: "the long string value labels",
    };
    while c.pos < data.len() {
        let len = c.count(1)?;
        let name = decode(c.take(len)?);
        let (_width, labels) = (c.i32()?, c.count(8)?);
        let mut pairs = Vec::with_capacity(labels);
        for _ in 0..labels {
            let len = c.count(1)?;
            let value = decode(c.take(len)?);
            let len = c.count(1)?;
            pairs.push((Value::Text(value), decode(c.take(len)?)));
        }
        if let Some(var) = vars
            .iter_mut()
            .find(|v| v.name.eq_ignore_ascii_case(&name) || v.short_name.eq_ignore_ascii_case(&name))
        {
            var.value_labels.extend(pairs);
        }
    }
    Ok(())
}
