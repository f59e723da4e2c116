//! The SPSS system file format (.sav, and .zsav with zlib-compressed cases) as PSPP's developer
//! manual documents it: the dictionary (variables, labels, missing values, value labels, long
//! names, very long strings, multiple-response sets, encoding) and the cases, uncompressed or
//! bytecode-compressed. Every bound is checked: a short or damaged file is an error, never a panic.

use encoding_rs::Encoding;

use super::cases::{decompress, inflate, values};
use super::texts::{join_very_long, long_string_labels, mr_sets, pairs};

/// A value of one variable in one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None` is the system-missing value.
    Number(Option<f64>),
    /// Trailing spaces removed.
    Text(String),
}

/// User-missing values: up to three discrete values, or a range and one discrete value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Missing {
    pub values: Vec<f64>,
    pub range: Option<(f64, f64)>,
    /// Missing string values, trailing spaces removed.
    pub texts: Vec<String>,
}

impl Missing {
    pub fn contains(&self, value: &Value) -> bool {
        match value {
            Value::Number(Some(v)) => {
                self.values.contains(v) || self.range.is_some_and(|(lo, hi)| lo <= *v && *v <= hi)
            }
            Value::Number(None) => false,
            Value::Text(text) => self.texts.contains(text),
        }
    }
}

/// One variable of the dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Short name (8 bytes) as the variable record gives it.
    pub short_name: String,
    /// The long name (record 7.13), else the short name.
    pub name: String,
    pub label: Option<String>,
    /// 0 for numeric, else the string width in bytes.
    pub width: usize,
    /// Print format type (5 = F, 20 = DATE, 22 = DATETIME, ...).
    pub format: u8,
    pub missing: Missing,
    pub value_labels: Vec<(Value, String)>,
    /// Segments: first 8-byte slot of the case and the bytes used there (a very long string has several).
    pub(super) segments: Vec<(usize, usize)>,
}

impl Variable {
    pub fn label_of(&self, value: &Value) -> Option<&str> {
        self.value_labels
            .iter()
            .find(|(v, _)| v == value)
            .map(|(_, l)| l.as_str())
    }
}

/// A multiple-response set (record 7.7 or 7.19).
#[derive(Debug, Clone, PartialEq)]
pub struct MrSet {
    /// Without the leading `$`.
    pub name: String,
    pub label: String,
    /// The counted value of a dichotomy set; `None` for a category set.
    pub counted: Option<String>,
    /// Variable names as the record gives them (short names).
    pub variables: Vec<String>,
}

/// A whole system file.
#[derive(Debug, Clone)]
pub struct Sav {
    /// The writer named in the file header ("SPSS DATA FILE Java Writer (c) Qualtrics ...").
    pub product: String,
    pub encoding: &'static Encoding,
    pub compression: &'static str,
    pub variables: Vec<Variable>,
    pub mr_sets: Vec<MrSet>,
    /// Cases, one value per variable.
    pub cases: Vec<Vec<Value>>,
}

/// What a broken file is, with the byte offset where reading stopped.
pub type Fault = String;

pub(super) const SYSMIS: f64 = -f64::MAX;

pub(super) struct Cursor<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    pub(super) big: bool,
    pub(super) what: &'static str,
}

impl<'a> Cursor<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], Fault> {
        let end = self.pos.checked_add(n).filter(|end| *end <= self.bytes.len());
        let Some(end) = end else {
            return Err(format!(
                "truncated SPSS file: {} ends at byte {} (needs {n} more bytes)",
                self.what,
                self.bytes.len()
            ));
        };
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], Fault> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(super) fn i32(&mut self) -> Result<i32, Fault> {
        let b = self.array::<4>()?;
        Ok(if self.big {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        })
    }

    pub(super) fn i64(&mut self) -> Result<i64, Fault> {
        let b = self.array::<8>()?;
        Ok(if self.big {
            i64::from_be_bytes(b)
        } else {
            i64::from_le_bytes(b)
        })
    }

    pub(super) fn f64(&mut self) -> Result<f64, Fault> {
        let b = self.array::<8>()?;
        Ok(number(b, self.big))
    }

    /// A count read from the file, refused when negative or larger than the bytes left could hold.
    pub(super) fn count(&mut self, unit: usize) -> Result<usize, Fault> {
        let at = self.pos;
        let n = self.i32()?;
        let left = self.bytes.len() - self.pos;
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(unit.max(1)) <= left => Ok(n),
            Ok(_) => Err(format!(
                "truncated SPSS file: {} ends at byte {} (a count of {n} at byte {at} needs more)",
                self.what,
                self.bytes.len()
            )),
            Err(_) => Err(format!(
                "damaged SPSS file: negative count {n} at byte {at} ({})",
                self.what
            )),
        }
    }
}

pub(super) fn number(b: [u8; 8], big: bool) -> f64 {
    if big {
        f64::from_be_bytes(b)
    } else {
        f64::from_le_bytes(b)
    }
}

/// Values, labels and the dictionary indices of the variables they label (records 3 and 4).
type LabelSet = (Vec<[u8; 8]>, Vec<Vec<u8>>, Vec<usize>);

/// Raw dictionary entries, decoded once the file's encoding is known.
#[derive(Default)]
struct Raw {
    vars: Vec<RawVar>,
    /// For each 8-byte slot of a case, the variable it starts (continuation slots have none).
    slot_var: Vec<Option<usize>>,
    labels: Vec<LabelSet>,
    long_names: Vec<u8>,
    very_long: Vec<u8>,
    long_labels: Vec<u8>,
    mr_sets: Vec<u8>,
    encoding: Option<&'static Encoding>,
}

struct RawVar {
    name: Vec<u8>,
    label: Option<Vec<u8>>,
    width: usize,
    format: u8,
    missing: (i32, Vec<[u8; 8]>),
    first_slot: usize,
}

/// Reads a system file from its bytes.
pub fn parse(bytes: &[u8]) -> Result<Sav, Fault> {
    let magic = bytes.get(..4).unwrap_or_default();
    let zsav = match magic {
        b"$FL2" => false,
        b"$FL3" => true,
        _ => return Err("not an SPSS system file (it does not start with $FL2 or $FL3)".into()),
    };
    let layout = bytes
        .get(64..68)
        .ok_or("truncated SPSS file: the file header is cut short")?;
    let big = !matches!(i32::from_le_bytes([layout[0], layout[1], layout[2], layout[3]]), 2 | 3);
    let mut c = Cursor {
        bytes,
        pos: 4,
        big,
        what: "the file header",
    };
    let product = c.take(60)?;
    let (_layout, _case_size, compression, _weight, ncases) = (c.i32()?, c.i32()?, c.i32()?, c.i32()?, c.i32()?);
    let bias = c.f64()?;
    c.take(9 + 8 + 64 + 3)?;
    let raw = dictionary(&mut c)?;
    let encoding = raw.encoding.unwrap_or(encoding_rs::WINDOWS_1252);
    // Writers pad names and texts with spaces, some (Qualtrics) with NULs.
    let decode = |b: &[u8]| {
        let text = encoding.decode_without_bom_handling(b).0;
        text.trim_end_matches(|c: char| c == '\0' || c.is_whitespace())
            .to_string()
    };
    let (variables, mr_sets) = variables(&raw, &decode, big)?;
    let slots = raw.slot_var.len();
    c.what = "the data";
    let data: Vec<u8>;
    let (stream, compressed) = match (zsav, compression) {
        (false, 0) => (&bytes[c.pos..], false),
        (false, 1) => (&bytes[c.pos..], true),
        (true, 2) => {
            data = inflate(&mut c)?;
            (&data[..], true)
        }
        (_, other) => return Err(format!("unsupported SPSS compression code {other}")),
    };
    let slot_data = if compressed {
        decompress(stream, slots, bias, big)?
    } else {
        stream.chunks_exact(8).map(|s| s.try_into().unwrap_or([0; 8])).collect()
    };
    if slots == 0 {
        return Err("damaged SPSS file: no variables".into());
    }
    if slot_data.len() % slots != 0 || (!compressed && stream.len() % 8 != 0) {
        return Err(format!(
            "truncated SPSS file: the last case is cut short after {} complete cases",
            slot_data.len() / slots
        ));
    }
    let cases: Vec<Vec<Value>> = slot_data
        .chunks(slots)
        .map(|case| values(&variables, case, big, &decode))
        .collect();
    if ncases >= 0 && cases.len() != ncases as usize {
        return Err(format!(
            "truncated SPSS file: the header announces {ncases} cases, the file holds {}",
            cases.len()
        ));
    }
    Ok(Sav {
        product: decode(product).trim_start_matches("@(#) ").to_string(),
        encoding,
        compression: ["uncompressed", "bytecode-compressed", "zlib-compressed"][compression as usize],
        variables,
        mr_sets,
        cases,
    })
}

fn dictionary(c: &mut Cursor) -> Result<Raw, Fault> {
    let mut raw = Raw::default();
    loop {
        c.what = "the dictionary";
        match c.i32()? {
            2 => variable_record(c, &mut raw)?,
            3 => {
                let n = c.count(9)?;
                let (mut values, mut labels) = (Vec::with_capacity(n), Vec::with_capacity(n));
                for _ in 0..n {
                    values.push(c.array::<8>()?);
                    let len = usize::from(c.take(1)?[0]);
                    labels.push(c.take(len)?.to_vec());
                    c.take((8 - (len + 1) % 8) % 8)?;
                }
                if c.i32()? != 4 {
                    return Err(format!(
                        "damaged SPSS file: value labels without their variables at byte {}",
                        c.pos
                    ));
                }
                let count = c.count(4)?;
                let vars = (0..count)
                    .map(|_| c.i32().map(|i| i.max(0) as usize))
                    .collect::<Result<_, _>>()?;
                raw.labels.push((values, labels, vars));
            }
            6 => {
                let lines = c.count(80)?;
                c.take(lines * 80)?;
            }
            7 => extension(c, &mut raw)?,
            999 => {
                c.i32()?;
                return Ok(raw);
            }
            other => {
                return Err(format!(
                    "damaged SPSS file: unknown record type {other} at byte {}",
                    c.pos - 4
                ));
            }
        }
    }
}

fn variable_record(c: &mut Cursor, raw: &mut Raw) -> Result<(), Fault> {
    let kind = c.i32()?;
    let has_label = c.i32()?;
    let n_missing = c.i32()?;
    let print = c.i32()?;
    let _write = c.i32()?;
    let name = c.take(8)?.to_vec();
    let label = if has_label == 1 {
        let len = c.count(1)?;
        let text = c.take(len)?.to_vec();
        c.take((4 - len % 4) % 4)?;
        Some(text)
    } else {
        None
    };
    if !(-3..=3).contains(&n_missing) {
        return Err(format!(
            "damaged SPSS file: {n_missing} missing values at byte {}",
            c.pos
        ));
    }
    let missing = (0..n_missing.unsigned_abs())
        .map(|_| c.array::<8>())
        .collect::<Result<_, _>>()?;
    let slot = raw.slot_var.len();
    if kind == -1 {
        raw.slot_var.push(None);
        return Ok(());
    }
    raw.slot_var.push(Some(raw.vars.len()));
    raw.vars.push(RawVar {
        name,
        label,
        width: kind.max(0) as usize,
        format: ((print >> 16) & 0xff) as u8,
        missing: (n_missing, missing),
        first_slot: slot,
    });
    Ok(())
}

fn extension(c: &mut Cursor, raw: &mut Raw) -> Result<(), Fault> {
    let subtype = c.i32()?;
    let size = usize::try_from(c.i32()?).unwrap_or(usize::MAX);
    let count = c.count(size)?;
    let data = c.take(size * count)?;
    match subtype {
        3 if data.len() >= 32 => {
            let at = |i: usize| {
                let b = [data[i], data[i + 1], data[i + 2], data[i + 3]];
                if c.big {
                    i32::from_be_bytes(b)
                } else {
                    i32::from_le_bytes(b)
                }
            };
            raw.encoding = raw.encoding.or_else(|| code_page(at(28)));
        }
        13 => raw.long_names = data.to_vec(),
        14 => raw.very_long = data.to_vec(),
        21 => raw.long_labels.extend_from_slice(data),
        7 | 19 => raw.mr_sets.extend_from_slice(data),
        20 => raw.encoding = Encoding::for_label(data.trim_ascii()).or(raw.encoding),
        _ => {}
    }
    Ok(())
}

fn code_page(code: i32) -> Option<&'static Encoding> {
    match code {
        65001 => Some(encoding_rs::UTF_8),
        2 | 1252 => Some(encoding_rs::WINDOWS_1252),
        28591 => Some(encoding_rs::WINDOWS_1252),
        n => Encoding::for_label(format!("windows-{n}").as_bytes()),
    }
}

pub(super) type Decode<'a> = &'a dyn Fn(&[u8]) -> String;

fn variables(raw: &Raw, decode: Decode, big: bool) -> Result<(Vec<Variable>, Vec<MrSet>), Fault> {
    let mut vars: Vec<Variable> = raw
        .vars
        .iter()
        .map(|v| Variable {
            short_name: decode(&v.name),
            name: decode(&v.name),
            label: v.label.as_deref().map(decode),
            width: v.width,
            format: v.format,
            missing: missing(v, big, decode),
            value_labels: Vec::new(),
            segments: vec![(v.first_slot, if v.width == 0 { 8 } else { v.width })],
        })
        .collect();
    for (values, labels, indices) in &raw.labels {
        for index in indices {
            let var = raw.slot_var.get(index.wrapping_sub(1)).copied().flatten();
            let Some(var) = var.and_then(|i| vars.get_mut(i)) else {
                return Err(format!(
                    "damaged SPSS file: value labels for a variable at position {index} that does not exist"
                ));
            };
            for (value, label) in values.iter().zip(labels) {
                let value = match var.width {
                    0 => Value::Number(Some(number(*value, big)).filter(|v| *v != SYSMIS)),
                    _ => Value::Text(decode(value)),
                };
                var.value_labels.push((value, decode(label)));
            }
        }
    }
    for (short, long) in pairs(&decode(&raw.long_names)) {
        if let Some(v) = vars.iter_mut().find(|v| v.short_name.eq_ignore_ascii_case(&short)) {
            v.name = long;
        }
    }
    join_very_long(&mut vars, &decode(&raw.very_long));
    long_string_labels(&raw.long_labels, big, decode, &mut vars)?;
    Ok((vars, mr_sets(&decode(&raw.mr_sets))))
}

fn missing(v: &RawVar, big: bool, decode: Decode) -> Missing {
    let (n, values) = &v.missing;
    let mut out = Missing::default();
    if v.width > 0 {
        out.texts = values.iter().map(|b| decode(b)).collect();
        return out;
    }
    let mut numbers: Vec<f64> = values.iter().map(|b| number(*b, big)).collect();
    if *n < 0 && numbers.len() >= 2 {
        out.range = Some((numbers[0], numbers[1]));
        numbers.drain(..2);
    }
    out.values = numbers;
    out
}
