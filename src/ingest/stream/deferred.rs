//! Rows whose respondent key repeats: held by name until every block is read, then decided in
//! file order (`merge::Total::decide_deferred`); and how a department cell resolves.

use super::super::InputSpec;
use super::super::generic::split_labels;
use super::super::rules::Row;
use crate::taxonomy::Taxonomy;

/// A row whose respondent key occurred more than once: decided in file order after all blocks.
#[derive(Debug, Clone)]
pub struct Deferred {
    /// The record's number in the file (`BlockOut::rejects`).
    pub record: u64,
    pub line: u64,
    pub wave: i32,
    pub respondent: String,
    pub row: std::result::Result<Accepted, String>,
}

/// An accepted row, by name.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub segment: Option<String>,
    pub stratum: Option<String>,
    pub psu: Option<String>,
    pub set: Vec<String>,
    pub unknown: Vec<String>,
    pub weight: f64,
    pub fpc: Option<f64>,
    pub calibration: Option<String>,
}

impl Accepted {
    /// A row the rules accepted and its department cell, by name.
    pub fn of(row: &Row, dept: &str, spec: &InputSpec, taxonomy: &Taxonomy) -> Accepted {
        let owned = |text: Option<&str>| text.map(str::to_string);
        let (set, unknown) = resolve(dept, spec, taxonomy);
        Accepted {
            segment: owned(row.segment),
            stratum: owned(row.stratum),
            psu: owned(row.psu),
            set,
            unknown,
            weight: row.weight,
            fpc: row.fpc,
            calibration: row.cal_name(),
        }
    }
}

/// Splits and resolves one department cell as `generic::split_labels` and `responses::build` do:
/// the categories named (sorted, each once) and the labels not in the taxonomy.
pub fn resolve(cell: &str, spec: &InputSpec, taxonomy: &Taxonomy) -> (Vec<String>, Vec<String>) {
    let mut named = std::collections::BTreeSet::new();
    let mut unknown = Vec::new();
    for label in split_labels(cell.trim(), spec, taxonomy) {
        match taxonomy.resolve(&label) {
            Some(id) => {
                named.insert(id.to_string());
            }
            None => unknown.push(label),
        }
    }
    (named.into_iter().collect(), unknown)
}
