//! Shares per study, wave and category (and groups of categories), computed with polars group-bys.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::Serialize;

use super::proportion::{CiMethod, interval};
use crate::error::{Error, Result};
use crate::ingest::Choice;
use crate::taxonomy::Taxonomy;

/// A named set of categories, e.g. `communications = marketing, pr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub members: Vec<String>,
}

impl Group {
    /// The group every study gets unless configured otherwise.
    pub fn communications() -> Self {
        Group {
            name: "communications".into(),
            members: vec!["marketing".into(), "pr".into()],
        }
    }

    /// Parses `NAME=a,b`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let (name, members) = text
            .split_once('=')
            .ok_or_else(|| format!("group `{text}` is not NAME=a,b"))?;
        let members: Vec<String> = members
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if name.trim().is_empty() || members.is_empty() {
            return Err(format!("group `{text}` needs a name and at least one category"));
        }
        Ok(Group {
            name: name.trim().to_string(),
            members,
        })
    }
}

/// Department or group row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Department,
    Group,
}

/// How to estimate.
#[derive(Debug, Clone)]
pub struct EstimateSettings {
    pub method: CiMethod,
    pub level: f64,
    pub groups: Vec<Group>,
}

/// One share with its interval; shares and bounds are fractions in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub study: String,
    pub wave: i32,
    pub segment: Option<String>,
    pub category: String,
    pub kind: Kind,
    pub choice: Choice,
    pub n: Option<u64>,
    pub count: Option<u64>,
    pub share: f64,
    pub se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub deff: Option<f64>,
    pub method: String,
    pub level: f64,
}

type Key = (String, i32);

/// Estimates every category named in a study for each of its waves, then each group.
///
/// Counts are distinct respondents, so a multiple-choice group counts a respondent once
/// however many members they named (the union), and a single-choice group is the sum.
pub fn estimate(
    frame: &DataFrame,
    choices: &BTreeMap<String, Choice>,
    settings: &EstimateSettings,
    taxonomy: &Taxonomy,
) -> Result<Vec<Estimate>> {
    let answered = frame.clone().lazy().filter(col("category").is_not_null());
    let bases = collect_counts(answered.clone(), &["study", "wave"])?;
    let counts = collect_counts(answered.clone(), &["study", "wave", "category"])?;
    let mut per_study: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for key in counts.keys() {
        per_study.entry(key[0].as_str()).or_default().insert(key[2].as_str());
    }
    let mut estimates = Vec::new();
    for (key, n) in &bases {
        let (study, wave) = (key[0].clone(), parse_wave(&key[1])?);
        let choice = choices.get(&study).copied().unwrap_or(Choice::Single);
        for category in per_study.get(study.as_str()).into_iter().flatten() {
            let count = counts
                .get(&vec![key[0].clone(), key[1].clone(), category.to_string()])
                .copied()
                .unwrap_or(0);
            let id = (study.clone(), wave);
            estimates.push(share_row(&id, category, Kind::Department, choice, count, *n, settings));
        }
    }
    for group in &settings.groups {
        let group_counts = collect_counts(answered.clone().filter(member_of(&group.members)), &["study", "wave"])?;
        for (key, n) in &bases {
            let named = per_study.get(key[0].as_str());
            if !group
                .members
                .iter()
                .any(|m| named.is_some_and(|s| s.contains(m.as_str())))
            {
                continue;
            }
            let choice = choices.get(&key[0]).copied().unwrap_or(Choice::Single);
            let count = group_counts.get(key).copied().unwrap_or(0);
            let id = (key[0].clone(), parse_wave(&key[1])?);
            estimates.push(share_row(&id, &group.name, Kind::Group, choice, count, *n, settings));
        }
    }
    estimates.sort_by(|a, b| {
        (&a.study, a.wave, a.kind, taxonomy.rank(&a.category), &a.category).cmp(&(
            &b.study,
            b.wave,
            b.kind,
            taxonomy.rank(&b.category),
            &b.category,
        ))
    });
    Ok(estimates)
}

fn share_row(
    key: &Key,
    category: &str,
    kind: Kind,
    choice: Choice,
    count: u64,
    n: u64,
    settings: &EstimateSettings,
) -> Estimate {
    let share = count as f64 / n as f64;
    let ci = interval(settings.method, count as f64, n as f64, settings.level);
    Estimate {
        study: key.0.clone(),
        wave: key.1,
        segment: None,
        category: category.to_string(),
        kind,
        choice,
        n: Some(n),
        count: Some(count),
        share,
        se: Some((share * (1.0 - share) / n as f64).sqrt()),
        ci_low: ci.map(|c| c.low),
        ci_high: ci.map(|c| c.high),
        deff: Some(1.0),
        method: settings.method.as_str().to_string(),
        level: settings.level,
    }
}

fn member_of(members: &[String]) -> Expr {
    members
        .iter()
        .map(|m| col("category").eq(lit(m.clone())))
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

/// Distinct respondents per key; keys come back as strings (wave as its decimal text).
fn collect_counts(frame: LazyFrame, keys: &[&str]) -> Result<BTreeMap<Vec<String>, u64>> {
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k).cast(DataType::String)).collect();
    let out = frame
        .group_by(key_exprs)
        .agg([col("respondent").n_unique().cast(DataType::UInt64).alias("count")])
        .collect()
        .map_err(polars_error)?;
    let count_col = out
        .column("count")
        .map_err(polars_error)?
        .u64()
        .map_err(polars_error)?
        .clone();
    let key_cols = keys
        .iter()
        .map(|k| {
            Ok(out
                .column(k)
                .map_err(polars_error)?
                .str()
                .map_err(polars_error)?
                .clone())
        })
        .collect::<Result<Vec<_>>>()?;
    let mut counts = BTreeMap::new();
    for row in 0..out.height() {
        let key = key_cols.iter().map(|c| c.get(row).unwrap_or("").to_string()).collect();
        counts.insert(key, count_col.get(row).unwrap_or(0));
    }
    Ok(counts)
}

fn parse_wave(text: &str) -> Result<i32> {
    text.parse()
        .map_err(|_| Error::Invalid(format!("internal: wave key `{text}` is not a number")))
}

fn polars_error(e: PolarsError) -> Error {
    Error::Invalid(format!("polars: {e}"))
}
