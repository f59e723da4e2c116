//! Domain sums for the estimates: polars lazy group-bys over wave (and segment), stratum, PSU and
//! category reduce the respondent frame to a few numbers per stratum, from which `design` computes
//! variances. No loop ever runs over respondents.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::design::{StratumDesign, population};
use super::estimate::Kind;
use super::group::Group;
use crate::error::{Error, Result};

/// Sums over the PSUs of one stratum within a domain: weights W_i and their squares, respondents, PSUs present.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StratumSums {
    pub w: f64,
    pub ww: f64,
    pub respondents: f64,
    pub psus: f64,
}

/// Sums over the PSUs of one stratum within a domain for one category: Y_i, Y_i², Y_i·W_i and respondents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CategorySums {
    pub y: f64,
    pub yy: f64,
    pub yw: f64,
    pub count: f64,
}

/// A wave, or a segment within a wave.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Domain {
    pub wave: i32,
    pub segment: Option<String>,
}

/// Everything one domain contributes, keyed by stratum.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainSums {
    pub strata: BTreeMap<String, StratumSums>,
    pub categories: BTreeMap<(Kind, String), BTreeMap<String, CategorySums>>,
}

/// One study's full-sample design (per wave and stratum) and its domains.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StudySums {
    pub design: BTreeMap<(i32, String), StratumDesign>,
    pub domains: BTreeMap<Domain, DomainSums>,
}

/// What to aggregate for one study.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub study: &'a str,
    pub multi: bool,
    /// PSUs are named; otherwise every respondent is its own PSU and the PSU group-by is skipped.
    pub clustered: bool,
    /// Collect the full-sample design (PSUs per stratum, fpc): not needed without a design.
    pub design: bool,
    pub segments: bool,
    pub groups: &'a [Group],
    /// No-answer respondents are in the base (`--base all`): they weigh in every denominator.
    pub base_all: bool,
}

/// Strata are nested in waves (waves are independent samples) and PSUs in strata (R's `nest = TRUE`);
/// a missing stratum is one stratum per wave, a missing PSU is the respondent.
pub fn study_sums(frame: &DataFrame, request: &Request) -> Result<StudySums> {
    let (prepared, strata) = prepare(frame, request).map_err(polars_error)?;
    let prepared = prepared.lazy();
    let mut sums = StudySums::default();
    if request.design {
        sums.design = full_design(prepared.clone(), &strata)?;
    }
    let answered = if request.base_all {
        prepared
    } else {
        prepared.filter(col("category").is_not_null())
    };
    collect_domains(answered.clone(), &["wave"], request, &strata, &mut sums)?;
    if request.segments {
        let segmented = answered.filter(col("segment").is_not_null());
        collect_domains(segmented, &["wave", "segment"], request, &strata, &mut sums)?;
    }
    Ok(sums)
}

/// The study's rows with `unit` added and the stratum (and, clustered, the unit) as integer codes,
/// computed once: every query below reads them, and a lazy plan would filter and copy the whole
/// frame again for each, and hash the strings in every group-by. A frame of one study is not
/// filtered, and a PSU column without nulls is the unit as it is. Returns the stratum names by code.
fn prepare(frame: &DataFrame, request: &Request) -> PolarsResult<(DataFrame, Vec<String>)> {
    let mask = frame.column("study")?.str()?.equal(request.study);
    let rows = if mask.all() {
        frame.clone()
    } else {
        frame.filter(&mask)?
    };
    let nulls = rows.column("psu")?.null_count();
    let unit = match nulls {
        0 => col("psu"),
        n if n == rows.height() => col("respondent"),
        _ => when(col("psu").is_null()).then(col("respondent")).otherwise(col("psu")),
    };
    let mut rows = rows
        .lazy()
        .with_columns([col("stratum").fill_null(lit("")).alias("stratum"), unit.alias("unit")])
        .collect()?;
    let (stratum, names) = codes(rows.column("stratum")?.str()?);
    rows.with_column(stratum.with_name("stratum".into()).into_series().into_column())?;
    // Without PSUs the unit is the respondent: only counted (`full_design`), never grouped by.
    if request.clustered {
        let (unit, _) = codes(rows.column("unit")?.str()?);
        rows.with_column(unit.with_name("unit".into()).into_series().into_column())?;
    }
    Ok((rows, names))
}

/// Dense codes of a string column numbered in the strings' sort order, and the strings by code.
/// The order matters: `category_sums` sorts by unit, and its float sums add up in that order.
fn codes(column: &StringChunked) -> (UInt32Chunked, Vec<String>) {
    let mut index: HashMap<&str, u32> = HashMap::new();
    let first: Vec<Option<u32>> = column
        .iter()
        .map(|value| {
            value.map(|v| {
                let next = index.len() as u32;
                *index.entry(v).or_insert(next)
            })
        })
        .collect();
    let mut names: Vec<(&str, u32)> = index.into_iter().collect();
    names.sort_unstable();
    let mut rank = vec![0u32; names.len()];
    for (position, (_, code)) in names.iter().enumerate() {
        rank[*code as usize] = position as u32;
    }
    let ranked = first.into_iter().map(|c| c.map(|c| rank[c as usize]));
    let codes = UInt32Chunked::from_iter_options(column.name().clone(), ranked);
    (codes, names.into_iter().map(|(name, _)| name.to_string()).collect())
}

/// PSUs per stratum over every respondent of the wave (answered or not, as R's design is built on
/// all rows) and the fpc resolved to a population of PSUs.
fn full_design(prepared: LazyFrame, names: &[String]) -> Result<BTreeMap<(i32, String), StratumDesign>> {
    let out = prepared
        .group_by_stable([col("wave"), col("stratum")])
        .agg([
            col("unit").n_unique().alias("psus"),
            col("fpc").min().alias("fpc_low"),
            col("fpc").max().alias("fpc_high"),
        ])
        .collect()
        .map_err(polars_error)?;
    let (waves, strata) = (i32s(&out, "wave")?, strata_of(&out, names)?);
    let psus = f64s(&out, "psus")?;
    let (low, high) = (opt_f64s(&out, "fpc_low")?, opt_f64s(&out, "fpc_high")?);
    let fractions = high.iter().flatten().all(|v| *v <= 1.0);
    let mut design = BTreeMap::new();
    for i in 0..out.height() {
        let stratum = strata[i].clone();
        let label = stratum_label(&stratum, waves[i]);
        let population = match (low[i], high[i]) {
            (Some(lo), Some(hi)) => Some(population(&label, psus[i], (lo, hi), fractions)?),
            _ => None,
        };
        let value = StratumDesign {
            psus: psus[i],
            population,
        };
        design.insert((waves[i], stratum), value);
    }
    Ok(design)
}

/// `stratum` (wave N), or just the wave when the design has no strata.
pub fn stratum_label(stratum: &str, wave: i32) -> String {
    if stratum.is_empty() {
        format!("(the whole of wave {wave})")
    } else {
        format!("`{stratum}` (wave {wave})")
    }
}

fn collect_domains(
    answered: LazyFrame,
    keys: &[&str],
    request: &Request,
    names: &[String],
    sums: &mut StudySums,
) -> Result<()> {
    let respondents = one_row_each(answered.clone(), request.multi);
    let by = |extra: &[&str]| -> Vec<Expr> { keys.iter().chain(extra).map(|k| col(*k)).collect() };
    let units = if request.clustered {
        let grouped = respondents
            .group_by_stable(by(&["stratum", "unit"]))
            .agg([col("weight").sum().alias("w"), col("weight").len().alias("r")]);
        grouped.collect().map_err(polars_error)?.lazy()
    } else {
        let mut columns = by(&["stratum", "unit"]);
        columns.extend([col("weight").alias("w"), lit(1.0).alias("r")]);
        respondents.select(columns)
    };
    let strata = units
        .clone()
        .group_by_stable(by(&["stratum"]))
        .agg([
            col("w").sum().alias("w"),
            (col("w") * col("w")).sum().alias("ww"),
            col("r").cast(DataType::Float64).sum().alias("respondents"),
            col("w").len().alias("psus"),
        ])
        .collect()
        .map_err(polars_error)?;
    read_strata(&strata, keys, names, sums)?;
    let named = answered.clone().filter(col("category").is_not_null());
    let mut parts = vec![named.with_column(lit("department").alias("kind"))];
    for group in request.groups {
        let members = one_row_each(answered.clone().filter(member_of(&group.members)), request.multi);
        parts.push(members.with_columns([lit(group.name.clone()).alias("category"), lit("group").alias("kind")]));
    }
    let rows = concat(parts, UnionArgs::default()).map_err(polars_error)?;
    let categories = category_sums(rows, units, keys, request)?
        .collect()
        .map_err(polars_error)?;
    read_categories(&categories, keys, names, sums)
}

/// Respondents once each: a multiple-choice respondent has a row per named category.
/// Keyed by wave and id (a panel reuses ids across waves), in first-appearance order so the
/// float sums after it add up in the same order on every run.
fn one_row_each(rows: LazyFrame, multi: bool) -> LazyFrame {
    if !multi {
        return rows;
    }
    let rest = [
        "study", "category", "weight", "stratum", "psu", "fpc", "segment", "unit",
    ];
    let order = [
        "study",
        "wave",
        "respondent",
        "category",
        "weight",
        "stratum",
        "psu",
        "fpc",
        "segment",
        "unit",
    ];
    rows.group_by_stable([col("wave"), col("respondent")])
        .agg(rest.map(|c| col(c).first()))
        .select(order.map(col))
}

fn category_sums(rows: LazyFrame, units: LazyFrame, keys: &[&str], request: &Request) -> Result<LazyFrame> {
    let (clustered, rows) = (request.clustered, in_fixed_order(rows, keys, request.multi)?);
    let by = |extra: &[&str]| -> Vec<Expr> { keys.iter().chain(extra).map(|k| col(*k)).collect() };
    let per_unit = if clustered {
        let unit_keys = by(&["stratum", "unit"]);
        let sort_keys: Vec<String> = keys
            .iter()
            .chain(&["stratum", "unit", "kind", "category"])
            .map(|k| k.to_string())
            .collect();
        // A hash join's output order varies between runs, and a lazy sort before a group-by may be
        // optimised away: sorting the collected rows makes the sums below add up in one order, so
        // reruns give byte-identical standard errors.
        rows.group_by_stable(by(&["stratum", "unit", "kind", "category"]))
            .agg([col("weight").sum().alias("y"), col("weight").len().alias("c")])
            .join(
                units.select(unit_keys.iter().cloned().chain([col("w")]).collect::<Vec<_>>()),
                unit_keys.clone(),
                unit_keys,
                JoinArgs::new(JoinType::Inner),
            )
            .collect()
            .and_then(|joined| joined.sort(sort_keys, SortMultipleOptions::default()))
            .map_err(polars_error)?
            .lazy()
    } else {
        let mut columns = by(&["stratum", "kind", "category"]);
        columns.extend([col("weight").alias("y"), col("weight").alias("w"), lit(1.0).alias("c")]);
        rows.select(columns)
    };
    Ok(per_unit.group_by_stable(by(&["stratum", "kind", "category"])).agg([
        col("y").sum().alias("y"),
        (col("y") * col("y")).sum().alias("yy"),
        (col("y") * col("w")).sum().alias("yw"),
        col("c").cast(DataType::Float64).sum().alias("count"),
    ]))
}

/// Multiple-choice rows come out of the per-respondent de-duplication in an order that varies
/// between runs, and float sums follow it: sorting them (multiple choice only; single choice keeps
/// its file order) makes reruns byte-identical at the cost of one sort.
fn in_fixed_order(rows: LazyFrame, keys: &[&str], multi: bool) -> Result<LazyFrame> {
    if !multi {
        return Ok(rows);
    }
    let order: Vec<String> = keys
        .iter()
        .chain(&["stratum", "unit", "kind", "category", "respondent"])
        .map(|k| k.to_string())
        .collect();
    Ok(rows
        .collect()
        .and_then(|rows| rows.sort(order, SortMultipleOptions::default()))
        .map_err(polars_error)?
        .lazy())
}

fn member_of(members: &[String]) -> Expr {
    members
        .iter()
        .map(|m| col("category").eq(lit(m.clone())))
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

fn domains(out: &DataFrame, keys: &[&str]) -> Result<Vec<Domain>> {
    let waves = i32s(out, "wave")?;
    let segments = if keys.contains(&"segment") {
        strs(out, "segment")?
    } else {
        vec![None; out.height()]
    };
    Ok(waves
        .into_iter()
        .zip(segments)
        .map(|(wave, segment)| Domain { wave, segment })
        .collect())
}

fn read_strata(out: &DataFrame, keys: &[&str], names: &[String], sums: &mut StudySums) -> Result<()> {
    let (strata, w, ww) = (strata_of(out, names)?, f64s(out, "w")?, f64s(out, "ww")?);
    let (respondents, psus) = (f64s(out, "respondents")?, f64s(out, "psus")?);
    for (i, domain) in domains(out, keys)?.into_iter().enumerate() {
        let entry = sums.domains.entry(domain).or_default();
        let value = StratumSums {
            w: w[i],
            ww: ww[i],
            respondents: respondents[i],
            psus: psus[i],
        };
        entry.strata.insert(strata[i].clone(), value);
    }
    Ok(())
}

fn read_categories(out: &DataFrame, keys: &[&str], strata: &[String], sums: &mut StudySums) -> Result<()> {
    let (strata, kinds, names) = (strata_of(out, strata)?, strs(out, "kind")?, strs(out, "category")?);
    let (y, yy, yw, count) = (f64s(out, "y")?, f64s(out, "yy")?, f64s(out, "yw")?, f64s(out, "count")?);
    for (i, domain) in domains(out, keys)?.into_iter().enumerate() {
        let kind = if kinds[i].as_deref() == Some("group") {
            Kind::Group
        } else {
            Kind::Department
        };
        let category = (kind, names[i].clone().unwrap_or_default());
        let value = CategorySums {
            y: y[i],
            yy: yy[i],
            yw: yw[i],
            count: count[i],
        };
        let entry = sums.domains.entry(domain).or_default();
        let by_stratum = entry.categories.entry(category).or_default();
        by_stratum.insert(strata[i].clone(), value);
    }
    Ok(())
}

fn column<'a>(out: &'a DataFrame, name: &str) -> Result<&'a Column> {
    out.column(name).map_err(polars_error)
}

fn opt_f64s(out: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let cast = column(out, name)?.cast(&DataType::Float64).map_err(polars_error)?;
    let values = cast.f64().map_err(polars_error)?;
    Ok((0..values.len()).map(|i| values.get(i)).collect())
}

fn f64s(out: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(opt_f64s(out, name)?.into_iter().map(|v| v.unwrap_or(0.0)).collect())
}

fn i32s(out: &DataFrame, name: &str) -> Result<Vec<i32>> {
    let cast = column(out, name)?.cast(&DataType::Int32).map_err(polars_error)?;
    let values = cast.i32().map_err(polars_error)?;
    Ok((0..values.len()).map(|i| values.get(i).unwrap_or(0)).collect())
}

/// The `stratum` codes of an output decoded to names.
fn strata_of(out: &DataFrame, names: &[String]) -> Result<Vec<String>> {
    let codes = column(out, "stratum")?.u32().map_err(polars_error)?;
    Ok(codes
        .iter()
        .map(|c| c.and_then(|c| names.get(c as usize)).cloned().unwrap_or_default())
        .collect())
}

fn strs(out: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let values = column(out, name)?.str().map_err(polars_error)?;
    Ok((0..values.len()).map(|i| values.get(i).map(str::to_string)).collect())
}

pub(crate) fn polars_error(e: PolarsError) -> Error {
    Error::Invalid(format!("polars: {e}"))
}
