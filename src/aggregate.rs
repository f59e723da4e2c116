//! Published tables as input: shares as published, intervals only where n was published,
//! and a warning (never a silent rounding) when no whole count of n gives a published share.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::ingest::aggregate::{Bound, PublishedFigure, read_published_with};
use crate::ingest::{Choice, IngestSummary, InputSpec, Reject};
use crate::stats::proportion::interval;
use crate::stats::{Estimate, EstimateSettings, Group, Kind};
use crate::taxonomy::Taxonomy;

/// Estimates read from one published table.
#[derive(Debug, Clone, Default)]
pub struct AggregateInput {
    pub estimates: Vec<Estimate>,
    pub rejects: Vec<Reject>,
    pub summary: IngestSummary,
    pub warnings: Vec<String>,
    pub choices: BTreeMap<String, Choice>,
}

/// Method name of an estimate whose interval cannot be computed.
pub const NO_INTERVAL: &str = "none (n not published)";

/// Reads `spec.path` as a published table and turns each figure into an estimate.
pub fn read(spec: &InputSpec, taxonomy: &Taxonomy, settings: &EstimateSettings) -> Result<AggregateInput> {
    let figures = read_published_with(&spec.path, spec.decimal)?;
    let mut out = AggregateInput::default();
    let mut seen: BTreeMap<(String, i32, String), u64> = BTreeMap::new();
    for figure in &figures {
        out.summary.rows_read += 1;
        let study = if figure.study.is_empty() {
            spec.study.clone()
        } else {
            figure.study.clone()
        };
        let (kind, category) = classify(spec, figure, taxonomy, &settings.groups)?;
        let reject = |reason: String| Reject {
            file: spec.path.display().to_string(),
            line: figure.line,
            reason,
        };
        if figure.bound != Bound::Exact {
            out.rejects.push(reject(
                "a bound (`at_least`) is a check for `reproduce`, not a share".into(),
            ));
            continue;
        }
        if let Some(first) = seen.insert((study.clone(), figure.wave, category.clone()), figure.line) {
            out.rejects.push(reject(format!(
                "{category} in wave {} is already given on line {first}",
                figure.wave
            )));
            continue;
        }
        out.summary.rows_accepted += 1;
        let choice = figure.choice.unwrap_or(spec.choice);
        out.choices.insert(study.clone(), choice);
        if figure.n.is_some() && figure.consistent_count().is_none() {
            out.warnings.push(inconsistent(spec, figure));
        }
        out.estimates
            .push(estimate(study, category, kind, choice, figure, settings));
    }
    out.summary.rows_rejected = out.rejects.len() as u64;
    out.warnings.extend(inferred_n(spec, &figures));
    check_single_choice_sums(spec, &out, &figures)?;
    add_groups(&mut out, settings);
    Ok(out)
}

/// The departments of a single-choice wave cannot add up to more than 100 % (beyond the rounding
/// of the printed figures, half a unit of the last decimal each): such a table would give shares
/// and groups above 1. An error naming the file and the wave's lines.
fn check_single_choice_sums(spec: &InputSpec, out: &AggregateInput, figures: &[PublishedFigure]) -> Result<()> {
    let mut sums: BTreeMap<(&str, i32), (f64, f64, Vec<u64>)> = BTreeMap::new();
    for e in out
        .estimates
        .iter()
        .filter(|e| e.kind == Kind::Department && e.choice == Choice::Single)
    {
        sums.entry((e.study.as_str(), e.wave)).or_default().0 += e.share;
    }
    for f in figures.iter().filter(|f| f.bound == Bound::Exact) {
        let study = if f.study.is_empty() {
            spec.study.as_str()
        } else {
            f.study.as_str()
        };
        if let Some(entry) = sums.get_mut(&(study, f.wave)) {
            entry.1 += 0.5 * 10f64.powi(-(f.decimals as i32)) / 100.0;
            entry.2.push(f.line);
        }
    }
    for ((study, wave), (sum, slack, lines)) in sums {
        if sum > 1.0 + slack + 1e-9 {
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            return Err(Error::Parse {
                path: spec.path.clone(),
                line: lines.first().and_then(|l| l.parse().ok()).unwrap_or(1),
                reason: format!(
                    "the single-choice shares of study `{study}` wave {wave} add up to {:.1} % (lines {}): \
                     more than 100 %, so the table is not one single-choice question; mark it `choice = multi` \
                     (a `choice` column) or correct it",
                    sum * 100.0,
                    lines.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// A group name, or a department label the taxonomy knows.
fn classify(
    spec: &InputSpec,
    figure: &PublishedFigure,
    taxonomy: &Taxonomy,
    groups: &[Group],
) -> Result<(Kind, String)> {
    if groups.iter().any(|g| g.name == figure.category) {
        return Ok((Kind::Group, figure.category.clone()));
    }
    let label = if figure.category.is_empty() {
        &figure.label
    } else {
        &figure.category
    };
    match taxonomy.resolve(label) {
        Some(id) => Ok((Kind::Department, id.to_string())),
        None => Err(Error::UnknownLabel {
            path: spec.path.clone(),
            line: figure.line,
            label: label.clone(),
            suggestion: taxonomy.suggest(label),
            others: Vec::new(),
        }),
    }
}

/// A count table without n takes n as the sum of the wave's department counts, which is right
/// only when each respondent is counted once: said for each such wave, never left implicit.
fn inferred_n(spec: &InputSpec, figures: &[PublishedFigure]) -> Vec<String> {
    let mut waves: BTreeMap<(&str, i32), u64> = BTreeMap::new();
    for f in figures.iter().filter(|f| f.n_inferred) {
        waves.insert((&f.study, f.wave), f.n.unwrap_or(0));
    }
    waves
        .into_iter()
        .map(|((study, wave), n)| {
            let study = if study.is_empty() {
                String::new()
            } else {
                format!("study `{study}` ")
            };
            format!(
                "{}: {study}wave {wave} publishes no n: n = {n} is inferred as the sum of its department counts \
                 (right only if every respondent is counted once; add an `n` column if the table gives one)",
                spec.path.display()
            )
        })
        .collect()
}

fn inconsistent(spec: &InputSpec, figure: &PublishedFigure) -> String {
    let n = figure.n.unwrap_or(0);
    format!(
        "{}:{}: {} % of n = {n} is {:.2} respondents, and no whole count gives {} %: the table is inconsistent; \
         its interval uses the unrounded count",
        spec.path.display(),
        figure.line,
        figure.percent,
        figure.percent / 100.0 * n as f64,
        figure.percent
    )
}

fn estimate(
    study: String,
    category: String,
    kind: Kind,
    choice: Choice,
    figure: &PublishedFigure,
    settings: &EstimateSettings,
) -> Estimate {
    let share = figure.percent / 100.0;
    let base = Estimate {
        study,
        wave: figure.wave,
        category,
        kind,
        choice,
        share,
        method: NO_INTERVAL.to_string(),
        level: settings.level,
        ..Default::default()
    };
    match figure.n {
        None => base,
        Some(n) => with_interval(base, figure.consistent_count(), n, settings),
    }
}

/// Fills n, count, se and the interval; an inconsistent share keeps its unrounded count for the interval.
fn with_interval(mut e: Estimate, count: Option<u64>, n: u64, settings: &EstimateSettings) -> Estimate {
    let x = count.map_or(e.share * n as f64, |c| c as f64);
    let ci = interval(settings.method, x, n as f64, settings.level);
    e.n = Some(n);
    e.count = count;
    e.se = Some((e.share * (1.0 - e.share) / n as f64).sqrt());
    e.ci_low = ci.map(|c| c.low);
    e.ci_high = ci.map(|c| c.high);
    e.deff = Some(1.0);
    e.method = settings.method.as_str().to_string();
    e
}

/// Single choice: a group the table does not give is the sum of its members (all must be
/// published). Multiple choice: a union cannot be read off margins, so none is made.
fn add_groups(out: &mut AggregateInput, settings: &EstimateSettings) {
    let mut derived = Vec::new();
    let waves: std::collections::BTreeSet<(String, i32)> =
        out.estimates.iter().map(|e| (e.study.clone(), e.wave)).collect();
    for (study, wave) in waves {
        if out.choices.get(&study) != Some(&Choice::Single) {
            continue;
        }
        let rows: Vec<&Estimate> = out
            .estimates
            .iter()
            .filter(|e| e.study == study && e.wave == wave)
            .collect();
        for group in &settings.groups {
            if rows.iter().any(|e| e.kind == Kind::Group && e.category == group.name) {
                continue;
            }
            let members: Vec<&&Estimate> = rows.iter().filter(|e| group.members.contains(&e.category)).collect();
            if members.len() != group.members.len() {
                continue;
            }
            let share = members.iter().map(|e| e.share).sum();
            let mut sum = Estimate {
                kind: Kind::Group,
                category: group.name.clone(),
                share,
                ..(**members[0]).clone()
            };
            let counts: Option<u64> = members.iter().map(|e| e.count).sum();
            let n = members[0].n.filter(|n| members.iter().all(|e| e.n == Some(*n)));
            sum = match n {
                Some(n) => with_interval(sum, counts, n, settings),
                None => Estimate {
                    n: None,
                    count: None,
                    se: None,
                    ci_low: None,
                    ci_high: None,
                    deff: None,
                    method: NO_INTERVAL.into(),
                    ..sum
                },
            };
            derived.push(sum);
        }
    }
    out.estimates.extend(derived);
}
