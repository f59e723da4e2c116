//! Binary inputs told apart by their first bytes: SPSS system files, spreadsheets and Parquet
//! files; everything else is read as text.

use std::path::Path;

use super::{InputSpec, sniff};
use crate::error::{Error, Result};

pub const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// What kind of binary file the bytes start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Spss,
    Sheet,
    Parquet,
}

pub fn kind(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"$FL2") || bytes.starts_with(b"$FL3") {
        Some(Kind::Spss)
    } else if bytes.starts_with(OLE_MAGIC) || bytes.starts_with(ZIP_MAGIC) {
        Some(Kind::Sheet)
    } else if bytes.starts_with(PARQUET_MAGIC) {
        Some(Kind::Parquet)
    } else {
        None
    }
}

/// The whole file, refused over the size limit (every reader that reads a file whole).
pub fn bytes(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > sniff::MAX_FILE_BYTES as u64 {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            reason: format!(
                "file of {len} bytes is larger than the {} byte limit",
                sniff::MAX_FILE_BYTES
            ),
        });
    }
    std::fs::read(path).map_err(io)
}

/// The first bytes of a file (enough to tell its kind); empty when it cannot be read.
pub fn head(path: &Path) -> Vec<u8> {
    let mut head = Vec::new();
    let _ =
        std::fs::File::open(path).and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 8), &mut head));
    head
}

/// A binary input read: a spreadsheet or Parquet file as CSV text, or an SPSS file as a parsed survey.
pub enum Loaded {
    Sheet(sniff::Decoded, String),
    Spss(Box<super::survey::Survey>, String),
}

/// Reads `spec.path` when it is a binary input; `None` for text.
pub fn load(spec: &InputSpec) -> Result<Option<Loaded>> {
    let kind = kind(&head(&spec.path));
    if spec.format == super::InputFormat::Spss && kind != Some(Kind::Spss) {
        return Err(Error::Binary {
            path: spec.path.clone(),
            reason: "not an SPSS system file (it does not start with $FL2 or $FL3)".into(),
        });
    }
    let Some(kind) = kind else {
        return Ok(None);
    };
    let bytes = bytes(&spec.path)?;
    super::BYTES_READ.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
    Ok(Some(match kind {
        Kind::Spss => {
            let (survey, about) = super::spss::read(spec, &bytes)?;
            Loaded::Spss(Box::new(survey), about)
        }
        Kind::Sheet => {
            let (decoded, about) = super::sheet::read(&spec.path, &bytes, spec.sheet.as_deref())?;
            Loaded::Sheet(decoded, about)
        }
        #[cfg(not(fuzzing))]
        Kind::Parquet => {
            let (decoded, about) = super::columnar::read(&spec.path, &bytes)?;
            Loaded::Sheet(decoded, about)
        }
        #[cfg(fuzzing)]
        Kind::Parquet => {
            return Err(Error::Binary {
                path: spec.path.clone(),
                reason: "Parquet is not read in fuzz builds".into(),
            });
        }
    }))
}
