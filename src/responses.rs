//! The normalize stage for the careful reader: raw answers' labels become canonical categories,
//! and each respondent is added to its study's tally (the large-file path does the same per block).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::error::{Error, Result};
use crate::ingest::{Choice, RawInput};
use crate::tally::{Respondent, Tally};
use crate::taxonomy::{Lookup, Taxonomy};

/// Adds the answers of a file read by the careful reader to its study's tally, after checking that
/// every label is known (the first unknown one is an error naming its line).
pub fn tally(input: &RawInput, taxonomy: &Taxonomy, tally: &mut Tally) -> Result<()> {
    let mut labels = Resolved::new(taxonomy);
    check_labels(input, &mut labels)?;
    for answer in &input.answers {
        let named: BTreeSet<&str> = answer.labels.iter().filter_map(|l| labels.resolve(l)).collect();
        let set: Vec<&str> = named.into_iter().collect();
        tally.add_respondent(&Respondent {
            wave: answer.wave,
            segment: answer.segment.as_deref(),
            stratum: answer.stratum.as_deref(),
            psu: answer.psu.as_deref(),
            set: &set,
            weight: answer.weight,
            fpc: answer.fpc,
            calibration: answer.calibration.as_deref(),
        });
    }
    Ok(())
}

/// `Taxonomy::resolve` once per distinct label: a file holds a handful of spellings in millions of
/// rows, and normalizing each one is most of the cost of this stage.
struct Resolved<'t> {
    taxonomy: &'t Taxonomy,
    seen: HashMap<String, Option<&'t str>>,
}

impl<'t> Resolved<'t> {
    fn new(taxonomy: &'t Taxonomy) -> Self {
        Resolved {
            taxonomy,
            seen: HashMap::new(),
        }
    }

    fn resolve(&mut self, label: &str) -> Option<&'t str> {
        if let Some(id) = self.seen.get(label) {
            return *id;
        }
        let id = self.taxonomy.resolve(label);
        self.seen.insert(label.to_string(), id);
        id
    }
}

/// Every label of a file must be known: the first unknown one is an error naming its line.
fn check_labels(input: &RawInput, labels: &mut Resolved) -> Result<()> {
    let taxonomy = labels.taxonomy;
    let mut unknown: BTreeMap<&str, u64> = BTreeMap::new();
    for answer in &input.answers {
        for label in &answer.labels {
            if labels.resolve(label).is_none() {
                unknown.entry(label.as_str()).or_insert(answer.line);
            }
        }
    }
    let mut by_line: Vec<(&str, u64)> = unknown.into_iter().collect();
    by_line.sort_by_key(|(label, line)| (*line, *label));
    let Some(((label, line), rest)) = by_line.split_first() else {
        return Ok(());
    };
    let rest = rest.iter().map(|(l, n)| ((*l).to_string(), Some(*n))).collect();
    Err(unknown_label(&input.spec, taxonomy, label, *line, rest))
}

/// The error for the first unknown label of a file (`rest`: its other unknown labels, with lines).
/// A label joining departments (`Sales & Marketing`) names every candidate and the alias that
/// would settle it.
pub fn unknown_label(
    spec: &crate::ingest::InputSpec,
    taxonomy: &Taxonomy,
    label: &str,
    line: u64,
    rest: Vec<(String, Option<u64>)>,
) -> Error {
    if let Lookup::Several(ids) = taxonomy.lookup(label) {
        let multi = match (spec.choice, several_departments(label, taxonomy)) {
            (Choice::Single, Some(separator)) => format!(
                "; if respondents could name several, pass --multi --multi-sep '{separator}' \
                 (or `choice = \"multi\"` in the study config)"
            ),
            _ => String::new(),
        };
        return Error::Parse {
            path: spec.path.clone(),
            line,
            reason: format!(
                "`{label}` names several departments ({}); say which one it counts as with \
                 --alias \"{label}={first}\" or `\"{label}\" = \"{first}\"` under [taxonomy.aliases]{multi}",
                ids.join(", "),
                first = ids[0],
            ),
        };
    }
    Error::UnknownLabel {
        path: spec.path.clone(),
        line,
        label: label.to_string(),
        suggestion: taxonomy.suggest(label),
        others: rest,
    }
}

/// The separator when a cell is several known labels joined (`Marketing;PR`), read as one.
fn several_departments(cell: &str, taxonomy: &Taxonomy) -> Option<char> {
    [';', ',', '|', '/', '&', '+'].into_iter().find(|sep| {
        let parts: Vec<&str> = cell.split(*sep).map(str::trim).filter(|p| !p.is_empty()).collect();
        parts.len() > 1 && parts.iter().all(|p| taxonomy.resolve(p).is_some())
    })
}
