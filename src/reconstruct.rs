//! Respondent rows rebuilt from a published single-choice table with n: largest-remainder
//! counts, the unreported remainder as `not_reported`, and a header saying what they are.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::demo::allocate;
use crate::error::{Error, Result};
use crate::ingest::Choice;
use crate::ingest::aggregate::{Bound, PublishedFigure, read_published};
use crate::report::csv::safe_cell;
use crate::stats::Group;
use crate::taxonomy::Taxonomy;

/// Where n came from, for the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NSource {
    Published,
    Assumed,
}

/// One wave's reconstruction plan: (display label, count) and n.
struct Wave {
    study: String,
    wave: i32,
    n: u64,
    n_source: NSource,
    counts: Vec<(String, u64)>,
}

/// Rebuilds respondent rows; `assumed_n` is used where the table gives no n.
pub fn reconstruct(path: &Path, taxonomy: &Taxonomy, groups: &[Group], assumed_n: Option<u64>) -> Result<String> {
    let figures = read_published(path)?;
    let invalid = |reason: String| Error::Invalid(format!("{}: {reason}", path.display()));
    let mut by_wave: BTreeMap<(String, i32), Vec<&PublishedFigure>> = BTreeMap::new();
    for f in &figures {
        if f.choice == Some(Choice::Multi) {
            return Err(invalid(format!(
                "line {}: a multiple-choice table cannot be turned into respondents (its overlaps are not published)",
                f.line
            )));
        }
        let is_group = groups.iter().any(|g| g.name == f.category);
        if f.bound == Bound::Exact && !is_group {
            by_wave.entry((f.study.clone(), f.wave)).or_default().push(f);
        }
    }
    let mut waves = Vec::new();
    for ((study, wave), rows) in by_wave {
        let (n, n_source) = match (rows.iter().find_map(|f| f.n), assumed_n) {
            (Some(n), _) => (n, NSource::Published),
            (None, Some(n)) => (n, NSource::Assumed),
            (None, None) => return Err(invalid(format!("wave {wave} has no n; pass --n to assume one"))),
        };
        waves.push(plan(path, taxonomy, study, wave, n, n_source, &rows)?);
    }
    render(path, &waves)
}

fn plan(
    path: &Path,
    taxonomy: &Taxonomy,
    study: String,
    wave: i32,
    n: u64,
    n_source: NSource,
    rows: &[&PublishedFigure],
) -> Result<Wave> {
    let mut labels = Vec::new();
    let mut percents = Vec::new();
    for f in rows {
        let id = taxonomy.resolve(&f.category).ok_or_else(|| Error::UnknownLabel {
            path: path.to_path_buf(),
            line: f.line,
            label: f.category.clone(),
            suggestion: taxonomy.suggest(&f.category),
            others: Vec::new(),
        })?;
        labels.push(taxonomy.display(id, "en").to_string());
        percents.push(f.percent);
    }
    let total: f64 = percents.iter().sum();
    if total > 100.5 {
        return Err(Error::Invalid(format!(
            "{}: wave {wave} adds up to {total} %, more than 100 %: not a single-choice table",
            path.display()
        )));
    }
    if total < 100.0 {
        labels.push(taxonomy.display("not_reported", "en").to_string());
        percents.push(100.0 - total);
    }
    let counts = labels.into_iter().zip(allocate(n, &percents)).collect();
    Ok(Wave {
        study,
        wave,
        n,
        n_source,
        counts,
    })
}

/// The CSV: `#` comment lines (the file name escaped, so a line break in it cannot start a row),
/// then rows written by the csv crate (quoted where needed) with formula-like cells neutralised.
fn render(path: &Path, waves: &[Wave]) -> Result<String> {
    let name = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut text = format!(
        "# RECONSTRUCTED respondent rows, not survey microdata: made by `deptshare reconstruct` from {}.\n\
         # Counts are largest-remainder allocations of the published shares; any remainder the table does not\n\
         # break down is \"Not reported\". Intervals computed from these rows are only as good as n:\n",
        name.escape_debug()
    );
    for w in waves {
        let how = match w.n_source {
            NSource::Published => "published",
            NSource::Assumed => "ASSUMED (not published)",
        };
        let _ = writeln!(text, "# {} {}: n = {} {how}", w.study.escape_debug(), w.wave, w.n);
    }
    let err = |e: csv::Error| Error::Invalid(format!("writing csv: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["respondent", "study", "wave", "department"])
        .map_err(err)?;
    for w in waves {
        let mut id = 0;
        for (label, count) in &w.counts {
            for _ in 0..*count {
                id += 1;
                let respondent = format!("{}-{}-{id:05}", w.study, w.wave);
                let row = [respondent, w.study.clone(), w.wave.to_string(), label.clone()];
                writer.write_record(row.iter().map(|c| safe_cell(c))).map_err(err)?;
            }
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Invalid(format!("writing csv: {e}")))?;
    text.push_str(&String::from_utf8_lossy(&bytes));
    Ok(text)
}
