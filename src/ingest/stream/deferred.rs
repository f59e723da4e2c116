//! Rows whose respondent key repeats: held by name until every block is read, then decided in
//! file order (`merge::Total::decide_deferred`); and how a department cell resolves.

use super::super::InputSpec;
use super::super::generic::{MISSING_SEGMENT, parse_fpc, parse_weight, split_labels};
use super::block::{Context, trim};
use crate::taxonomy::Taxonomy;

/// A row whose respondent key occurred more than once: decided in file order after all blocks.
#[derive(Debug, Clone)]
pub struct Deferred {
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
}

/// The rest of a deferred row's checks, and its values by name.
pub fn accepted(ctx: &Context, cells: &[&str]) -> Result<Accepted, String> {
    let plan = &ctx.plan.columns;
    let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map_or("", |c| trim(c));
    let weight = match plan.weight {
        Some(_) => parse_weight(cell(plan.weight))?,
        None => 1.0,
    };
    let text = |i: Option<usize>, what: &str| match i {
        Some(_) if cell(i).is_empty() => Err(format!("empty {what}")),
        Some(_) => Ok(Some(cell(i).to_string())),
        None => Ok(None),
    };
    let (stratum, psu) = (text(plan.stratum, "stratum")?, text(plan.psu, "psu")?);
    let segment = plan.segment.map(|_| match cell(plan.segment) {
        "" => MISSING_SEGMENT.to_string(),
        text => text.to_string(),
    });
    let fpc = plan.fpc.map(|_| parse_fpc(cell(plan.fpc))).transpose()?;
    let (set, unknown) = resolve(cell(Some(plan.dept)), ctx.spec, ctx.taxonomy);
    Ok(Accepted {
        segment,
        stratum,
        psu,
        set,
        unknown,
        weight,
        fpc,
    })
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
