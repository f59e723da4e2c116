//! Row rules of the careful reader applied to the columns polars read, and the `Responses` frame
//! built straight from them (no per-row `RawAnswer`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write;

use polars::prelude::*;

use super::super::generic::{MISSING_SEGMENT, parse_fpc, parse_wave, parse_weight, split_labels};
use super::super::{InputSpec, RawInput};
use super::lines::{self, RowInfo};
use super::plan::Plan;
use super::polars_error;
use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;

/// Raw (wave, respondent) cells seen more than once.
type Keys = HashSet<(Option<String>, Option<String>)>;

/// One column of the polars frame, by header position.
type Cells<'a> = Option<&'a StringChunked>;

/// The labels of one department cell: categories named (ids, sorted) and unknown labels.
struct Labels<'t> {
    none: bool,
    named: Vec<&'t str>,
    unknown: Vec<String>,
}

/// The frame's columns as they are built.
struct Out {
    wave: Vec<i32>,
    respondent: StringChunkedBuilder,
    category: StringChunkedBuilder,
    weight: Vec<f64>,
    stratum: StringChunkedBuilder,
    psu: StringChunkedBuilder,
    fpc: Vec<Option<f64>>,
    segment: StringChunkedBuilder,
}

/// A row that passed the row rules, as the careful reader's `RawAnswer` would hold it.
struct Row<'a> {
    wave: i32,
    respondent: &'a str,
    weight: f64,
    stratum: Option<&'a str>,
    psu: Option<&'a str>,
    fpc: Option<f64>,
    segment: Option<&'a str>,
}

/// The columns of the polars frame the row rules read.
struct Columns<'a> {
    wave: Cells<'a>,
    respondent: &'a StringChunked,
    dept: &'a StringChunked,
    weight: Cells<'a>,
    weight_parsed: Option<Float64Chunked>,
    stratum: Cells<'a>,
    psu: Cells<'a>,
    fpc: Cells<'a>,
    segment: Cells<'a>,
}

pub fn read(spec: &InputSpec, taxonomy: &Taxonomy, plan: &Plan, frame: &DataFrame, file: usize) -> Result<RawInput> {
    let path = spec.path.as_path();
    let err = |e| polars_error(path, e);
    let column = |i: Option<usize>| -> Result<Cells<'_>> {
        i.map(|i| {
            frame
                .column(plan.raw_headers[i].as_str())
                .and_then(|c| c.str())
                .map_err(err)
        })
        .transpose()
    };
    let respondent = column(plan.respondent)?.ok_or_else(|| Error::Invalid("no respondent column".into()))?;
    let weight = column(plan.weight)?;
    let columns = Columns {
        wave: column(plan.wave)?,
        respondent,
        dept: column(Some(plan.dept))?.ok_or_else(|| Error::Invalid("no department column".into()))?,
        weight,
        weight_parsed: weight
            .map(|w| w.cast(&DataType::Float64).and_then(|s| s.f64().cloned()))
            .transpose()
            .map_err(err)?,
        stratum: column(plan.stratum)?,
        psu: column(plan.psu)?,
        fpc: column(plan.fpc)?,
        segment: column(plan.segment)?,
    };
    let last = column(plan.raw_headers.len().checked_sub(1))?.ok_or_else(|| Error::Invalid("no columns".into()))?;
    check_cell_sizes(spec, plan, frame)?;
    let suspects: Vec<usize> = last
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_none_or(|c| c.trim().is_empty()))
        .map(|(i, _)| i)
        .collect();
    let known = lines::describe(path, plan.bom, plan.delimiter, &suspects)?;
    let duplicates = duplicate_keys(&columns, frame.height()).map_err(err)?;
    let mut state = State::new(frame.height());
    let width = plan.raw_headers.len();
    for row in 0..frame.height() {
        let info = known.get(&row);
        // An empty line (no fields) is no record; a row of blank cells is a counted reject.
        match info {
            Some(i) if i.blank && i.fields == 0 => continue,
            Some(i) if i.blank => {
                state.rejects.push((row, "empty row (every cell is blank)".to_string()));
                continue;
            }
            _ => {}
        }
        if let Some(i) = info.filter(|i| i.fields != width) {
            state.rejects.push((
                row,
                format!("ragged row: {} fields where the header has {width}", i.fields),
            ));
            continue;
        }
        match columns.row(spec, row, &duplicates, &mut state.seen) {
            Ok(answer) => state.accept(spec, taxonomy, &columns, row, &answer, file),
            Err(reason) => state.rejects.push((row, reason)),
        }
    }
    state.finish(spec, taxonomy, plan, &known, frame.height())
}

/// The careful reader refuses a cell over `sniff::MAX_CELL_BYTES` (an unclosed quote); here the read columns are checked.
fn check_cell_sizes(spec: &InputSpec, plan: &Plan, frame: &DataFrame) -> Result<()> {
    let limit = super::super::sniff::MAX_CELL_BYTES;
    let mut first: Option<(usize, usize, usize)> = None;
    for (position, column) in frame.columns().iter().enumerate() {
        let Ok(cells) = column.str() else { continue };
        if let Some((row, len)) = cells
            .iter()
            .enumerate()
            .find_map(|(r, c)| c.filter(|c| c.len() > limit).map(|c| (r, c.len())))
            && first.is_none_or(|(r, _, _)| row < r)
        {
            first = Some((row, position, len));
        }
    }
    let Some((row, position, len)) = first else {
        return Ok(());
    };
    let line = lines::describe(&spec.path, plan.bom, plan.delimiter, &[row])?
        .get(&row)
        .map_or(1, |i| i.line);
    let column = plan.projected().get(position).map_or(0, |c| *c);
    Err(Error::Parse {
        path: spec.path.clone(),
        line,
        reason: format!(
            "column {}: a cell of {len} bytes is larger than the {limit} byte limit (an unclosed quote?)",
            column + 1
        ),
    })
}

/// Raw (wave, respondent) cells that occur more than once, found by a polars group-by; `None`
/// when raw cells do not decide equality (padded ids, or two wave spellings of one number), and
/// every row is then checked against a set as the careful reader does.
fn duplicate_keys(columns: &Columns, height: usize) -> PolarsResult<Option<Keys>> {
    let padded = columns.respondent.iter().flatten().any(|c| c.trim().len() != c.len());
    let mut waves = HashMap::new();
    if let Some(wave) = columns.wave {
        for cell in wave.unique()?.iter().flatten() {
            if let Ok(number) = parse_wave(cell.trim())
                && waves.insert(number, cell).is_some()
            {
                return Ok(None);
            }
        }
    }
    if padded || height == 0 {
        return Ok((height == 0).then(HashSet::new));
    }
    let id = columns
        .respondent
        .clone()
        .with_name("id".into())
        .into_series()
        .into_column();
    let mut keys = vec![id];
    if let Some(wave) = columns.wave {
        keys.push(wave.clone().with_name("wave".into()).into_series().into_column());
    }
    let by: Vec<Expr> = keys.iter().map(|c| col(c.name().clone())).collect();
    let repeated = DataFrame::new_infer_height(keys)?
        .lazy()
        .group_by(by)
        .agg([len().alias("n")])
        .filter(col("n").gt(lit(1)))
        .collect()?;
    let ids = repeated.column("id")?.str()?;
    let waves = repeated.column("wave").ok().map(|c| c.str()).transpose()?;
    Ok(Some(
        (0..repeated.height())
            .map(|i| {
                (
                    waves.and_then(|w| w.get(i)).map(str::to_string),
                    ids.get(i).map(str::to_string),
                )
            })
            .collect(),
    ))
}

impl Columns<'_> {
    /// The careful reader's checks, in its order: wave, respondent, duplicate, weight, design cells.
    fn row<'s>(
        &'s self,
        spec: &InputSpec,
        row: usize,
        duplicates: &Option<Keys>,
        seen: &mut HashSet<(i32, &'s str)>,
    ) -> std::result::Result<Row<'s>, String> {
        let cell = |c: Cells<'s>| c.and_then(|c| c.get(row)).unwrap_or("").trim();
        let wave = match (self.wave, spec.wave) {
            (Some(w), _) => parse_wave(cell(Some(w)))?,
            (None, Some(w)) => w,
            (None, None) => return Err("no wave".to_string()),
        };
        let respondent = cell(Some(self.respondent));
        if respondent.is_empty() {
            return Err("empty respondent id".to_string());
        }
        let check = match duplicates {
            None => true,
            // No repeated raw cells (the usual case): no key to build per row.
            Some(keys) if keys.is_empty() => false,
            Some(keys) => {
                let raw_wave = self.wave.and_then(|w| w.get(row)).map(str::to_string);
                keys.contains(&(raw_wave, Some(respondent.to_string())))
            }
        };
        if check && !seen.insert((wave, respondent)) {
            return Err(format!("duplicate respondent `{respondent}` in wave {wave}"));
        }
        let weight = match (&self.weight_parsed, self.weight) {
            (Some(parsed), _) if parsed.get(row).is_some() => weight_of(parsed.get(row).unwrap_or(f64::NAN))?,
            (_, Some(_)) => parse_weight(cell(self.weight))?,
            _ => 1.0,
        };
        let text = |c: Cells<'s>, what: &str| match c {
            Some(_) if cell(c).is_empty() => Err(format!("empty {what}")),
            Some(_) => Ok(Some(cell(c))),
            None => Ok(None),
        };
        let (stratum, psu, segment) = (
            text(self.stratum, "stratum")?,
            text(self.psu, "psu")?,
            self.segment.map(|_| match cell(self.segment) {
                "" => MISSING_SEGMENT,
                segment => segment,
            }),
        );
        let fpc = self.fpc.map(|_| parse_fpc(cell(self.fpc))).transpose()?;
        Ok(Row {
            wave,
            respondent,
            weight,
            stratum,
            psu,
            fpc,
            segment,
        })
    }
}

/// `parse_weight` for a number polars already parsed.
fn weight_of(w: f64) -> std::result::Result<f64, String> {
    if w.is_finite() && w > 0.0 {
        Ok(w)
    } else {
        Err(format!("weight `{w}` is not above zero"))
    }
}

/// Everything gathered while the rows are read.
struct State<'a, 't> {
    out: Out,
    seen: HashSet<(i32, &'a str)>,
    labels: HashMap<&'a str, Labels<'t>>,
    rejects: Vec<(usize, String)>,
    accepted: u64,
    no_answer: u64,
    /// First accepted row naming an unknown label, and every unknown label.
    first_unknown: Option<(usize, String)>,
    unknown: std::collections::BTreeSet<String>,
    buffer: String,
}

impl<'a, 't> State<'a, 't> {
    fn new(height: usize) -> Self {
        let builder = |name: &str| StringChunkedBuilder::new(name.into(), height);
        State {
            out: Out {
                wave: Vec::with_capacity(height),
                respondent: builder("respondent"),
                category: builder("category"),
                weight: Vec::with_capacity(height),
                stratum: builder("stratum"),
                psu: builder("psu"),
                fpc: Vec::with_capacity(height),
                segment: builder("segment"),
            },
            seen: HashSet::new(),
            labels: HashMap::new(),
            rejects: Vec::new(),
            accepted: 0,
            no_answer: 0,
            first_unknown: None,
            unknown: Default::default(),
            buffer: String::new(),
        }
    }

    /// One accepted row: a frame row per named category, or one with a null category.
    fn accept(
        &mut self,
        spec: &InputSpec,
        taxonomy: &'t Taxonomy,
        columns: &Columns<'a>,
        row: usize,
        answer: &Row,
        file: usize,
    ) {
        self.accepted += 1;
        let cell = columns.dept.get(row).unwrap_or("");
        let labels = self
            .labels
            .entry(cell)
            .or_insert_with(|| labels_of(cell, spec, taxonomy));
        self.no_answer += u64::from(labels.none);
        if !labels.unknown.is_empty() {
            if self.first_unknown.is_none() {
                let first = labels.unknown.iter().min().cloned().unwrap_or_default();
                self.first_unknown = Some((row, first));
            }
            self.unknown.extend(labels.unknown.iter().cloned());
        }
        // `file:id` as `responses::build` writes it, without the formatting machinery per row.
        self.buffer.clear();
        let _ = write!(self.buffer, "{file}:");
        self.buffer.push_str(answer.respondent);
        let named: Vec<Option<&str>> = if labels.named.is_empty() {
            vec![None]
        } else {
            labels.named.iter().map(|id| Some(*id)).collect()
        };
        for category in named {
            let out = &mut self.out;
            out.wave.push(answer.wave);
            out.respondent.append_value(self.buffer.as_str());
            out.category.append_option(category);
            out.weight.push(answer.weight);
            out.stratum.append_option(answer.stratum);
            out.psu.append_option(answer.psu);
            out.fpc.push(answer.fpc);
            out.segment.append_option(answer.segment);
        }
    }

    fn finish(
        self,
        spec: &InputSpec,
        taxonomy: &Taxonomy,
        plan: &Plan,
        known: &BTreeMap<usize, RowInfo>,
        height: usize,
    ) -> Result<RawInput> {
        let path = spec.path.as_path();
        let mut wanted: Vec<usize> = self
            .rejects
            .iter()
            .map(|(row, _)| *row)
            .chain(self.first_unknown.as_ref().map(|(row, _)| *row))
            .filter(|r| !known.contains_key(r))
            .collect();
        wanted.sort_unstable();
        let mut found = lines::describe(path, plan.bom, plan.delimiter, &wanted)?;
        found.extend(known.iter().map(|(k, v)| (*k, *v)));
        let line = |row: usize| found.get(&row).map_or(row as u64 + 2, |i| i.line);
        let mut input = RawInput::new(spec);
        let blank = known.values().filter(|i| i.fields == 0).count();
        input.notes.push(format!(
            "{}: {}, delimiter `{}`, {} data rows",
            path.display(),
            plan.encoding,
            (plan.delimiter as char).escape_default(),
            height - blank
        ));
        input.notes.extend(plan.notes.iter().cloned());
        input.notes.push(format!(
            "{}: read by the large-file path (polars; threshold {})",
            path.display(),
            super::MIN_BYTES_VAR
        ));
        for (row, reason) in &self.rejects {
            input.reject(line(*row), reason.clone());
        }
        input.summary.rows_read += self.accepted;
        input.summary.rows_accepted += self.accepted;
        input.summary.no_answer += self.no_answer;
        super::super::check_strict(spec, &input)?;
        if let Some((row, first)) = self.first_unknown {
            let others = self
                .unknown
                .iter()
                .filter(|l| **l != first)
                .map(|l| (l.clone(), None))
                .collect();
            return Err(Error::UnknownLabel {
                path: spec.path.clone(),
                line: line(row),
                suggestion: taxonomy.suggest(&first),
                label: first,
                others,
            });
        }
        input.frame = Some(self.out.into_frame(spec, path)?);
        Ok(input)
    }
}

/// Splits and resolves one department cell as `generic::split_labels` and `responses::build` do.
fn labels_of<'t>(cell: &str, spec: &InputSpec, taxonomy: &'t Taxonomy) -> Labels<'t> {
    let labels = split_labels(cell.trim(), spec);
    let mut named: BTreeSet<&'t str> = BTreeSet::new();
    let mut unknown = Vec::new();
    for label in &labels {
        match taxonomy.resolve(label) {
            Some(id) => {
                named.insert(id);
            }
            None => unknown.push(label.clone()),
        }
    }
    Labels {
        none: labels.is_empty(),
        named: named.into_iter().collect(),
        unknown,
    }
}

impl Out {
    /// The `Responses` frame (`responses::build`'s columns and types).
    fn into_frame(self, spec: &InputSpec, path: &std::path::Path) -> Result<DataFrame> {
        let height = self.wave.len();
        let column = |s: Series| s.into_column();
        DataFrame::new(
            height,
            vec![
                column(StringChunked::full("study".into(), &spec.study, height).into_series()),
                column(Int32Chunked::from_vec("wave".into(), self.wave).into_series()),
                column(self.respondent.finish().into_series()),
                column(self.category.finish().into_series()),
                column(Float64Chunked::from_vec("weight".into(), self.weight).into_series()),
                column(self.stratum.finish().into_series()),
                column(self.psu.finish().into_series()),
                column(Float64Chunked::from_iter_options("fpc".into(), self.fpc.into_iter()).into_series()),
                column(self.segment.finish().into_series()),
            ],
        )
        .map_err(|e| polars_error(path, e))
    }
}
