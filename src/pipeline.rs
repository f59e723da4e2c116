//! Read, normalize, estimate and compare in one call: the part every command shares.

use std::collections::{BTreeMap, BTreeSet};

use crate::aggregate;
use crate::error::{Error, Result};
use crate::ingest::{self, Choice, IngestSummary, InputFormat, InputSpec, RawInput, Reject};
use crate::responses;
use crate::stats::tally::Tally;
use crate::stats::{self, DesignSpec, Estimate, EstimateSettings};
use crate::taxonomy::Taxonomy;
use crate::trend::{self, Trend};

/// The results of the data stages for a set of inputs.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub inputs: Vec<RawInput>,
    pub summary: IngestSummary,
    pub rejects: Vec<Reject>,
    pub choices: BTreeMap<String, Choice>,
    pub estimates: Vec<Estimate>,
    pub trend: Trend,
    /// Problems worth a reader's attention that did not stop the run (e.g. an inconsistent published share).
    pub warnings: Vec<String>,
}

/// Runs read -> normalize -> estimate -> compare. A study read as single choice in one file and
/// multiple choice in another is an error: its shares would not mean one thing.
pub fn analyze(specs: &[InputSpec], taxonomy: &Taxonomy, settings: &EstimateSettings) -> Result<Analysis> {
    let mut inputs = Vec::with_capacity(specs.len());
    let mut summary = IngestSummary::default();
    let mut rejects = Vec::new();
    let mut choices = BTreeMap::new();
    let mut published = aggregate::AggregateInput::default();
    let mut designs = BTreeMap::new();
    let mut seen = BTreeMap::new();
    for spec in specs.iter().filter(|s| s.format == InputFormat::Aggregate) {
        let table = aggregate::read(spec, taxonomy, settings)?;
        summary.add(&table.summary);
        rejects.extend(table.rejects);
        published.warnings.extend(table.warnings);
        published.estimates.extend(table.estimates);
        for (study, choice) in table.choices {
            check_choice(&mut choices, spec, &study, choice)?;
        }
    }
    for spec in specs.iter().filter(|s| s.format != InputFormat::Aggregate) {
        let design = designs.entry(spec.study.clone()).or_insert_with(DesignSpec::default);
        *design = design.union(design_of(spec)?);
        check_choice(&mut choices, spec, &spec.study, spec.choice)?;
        let mut input = ingest::read(spec, taxonomy)?;
        reject_repeated_respondents(&mut input, &mut seen);
        summary.add(&input.summary);
        rejects.extend(input.rejects.iter().cloned());
        inputs.push(input);
    }
    let tallies = tallies(&mut inputs, taxonomy)?;
    let tallied: BTreeSet<String> = tallies.keys().cloned().collect();
    let frame = responses::build(&inputs, taxonomy, &tallied)?;
    let estimation = stats::estimate(&frame, &tallies, &choices, &designs, settings)?;
    let mut estimates = estimation.estimates;
    estimates.extend(published.estimates);
    estimates.sort_by(|a, b| a.sort_key(taxonomy).cmp(&b.sort_key(taxonomy)));
    let trend = trend::compare_with(&estimates, &estimation.wave_tests, settings.level);
    rejects.sort();
    let mut warnings = published.warnings;
    warnings.extend(unanswered_waves(&inputs, &tallies));
    Ok(Analysis {
        inputs,
        summary,
        rejects,
        choices,
        estimates,
        trend,
        warnings,
    })
}

/// One tally per study with a file read by the large-file path, holding all of that study's
/// respondents (its files read by the careful reader are added to it).
fn tallies(inputs: &mut [RawInput], taxonomy: &Taxonomy) -> Result<BTreeMap<String, Tally>> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for input in inputs.iter_mut() {
        if let Some(tally) = input.tally.take() {
            tallies.entry(input.spec.study.clone()).or_default().merge(&tally);
            input.tally = Some(tally);
        }
    }
    for input in inputs.iter().filter(|i| i.tally.is_none()) {
        if let Some(tally) = tallies.get_mut(&input.spec.study) {
            responses::tally(input, taxonomy, tally)?;
        }
    }
    Ok(tallies)
}

/// A respondent id already read from an earlier file of the same study and wave is the same
/// person twice: the later row is rejected, naming the earlier file. Ids a reader made up from
/// line numbers (`line-N`) are not ids, and the large-file path keeps no per-row answers here.
fn reject_repeated_respondents(input: &mut RawInput, seen: &mut BTreeMap<(String, i32, String), String>) {
    let file = input.spec.path.display().to_string();
    let answers = std::mem::take(&mut input.answers);
    for answer in answers {
        let key = (input.spec.study.clone(), answer.wave, answer.respondent.clone());
        match seen.get(&key) {
            Some(first) if !answer.respondent.starts_with("line-") => {
                let reason = format!(
                    "respondent `{}` in wave {} is already in {first}",
                    answer.respondent, answer.wave
                );
                input.summary.rows_accepted -= 1;
                input.summary.no_answer -= u64::from(answer.labels.is_empty());
                input.summary.rows_read -= 1;
                input.reject(answer.line, reason);
            }
            _ => {
                seen.entry(key).or_insert_with(|| file.clone());
                input.answers.push(answer);
            }
        }
    }
}

/// Waves in which every accepted respondent left the question blank: they have no base, so no
/// shares, and would otherwise vanish without a word.
fn unanswered_waves(inputs: &[RawInput], tallies: &BTreeMap<String, Tally>) -> Vec<String> {
    let mut waves: BTreeMap<(&str, i32), (u64, u64)> = BTreeMap::new();
    for (study, tally) in tallies {
        for (wave, (answered, blank)) in tally.answered_by_wave() {
            let entry = waves.entry((study.as_str(), wave)).or_default();
            entry.0 += answered;
            entry.1 += blank;
        }
    }
    for input in inputs.iter().filter(|i| !tallies.contains_key(&i.spec.study)) {
        for answer in &input.answers {
            let entry = waves.entry((input.spec.study.as_str(), answer.wave)).or_default();
            if answer.labels.is_empty() {
                entry.1 += 1
            } else {
                entry.0 += 1
            }
        }
    }
    waves
        .into_iter()
        .filter(|(_, (answered, _))| *answered == 0)
        .map(|((study, wave), (_, blank))| {
            format!("study `{study}` wave {wave}: none of its {blank} respondents answered the question, so it has no shares")
        })
        .collect()
}

/// The design columns one input names. R derives weights from an fpc when none are given; rather
/// than guess, an fpc needs explicit weights.
fn design_of(spec: &InputSpec) -> Result<DesignSpec> {
    let design = DesignSpec {
        weights: spec.weight_col.is_some(),
        strata: spec.strata_col.is_some(),
        clusters: spec.psu_col.is_some(),
        fpc: spec.fpc_col.is_some(),
    };
    if design.fpc && !design.weights {
        return Err(Error::Invalid(format!(
            "{}: --fpc-col needs --weight-col: give the sampling weights explicitly",
            spec.path.display()
        )));
    }
    Ok(design)
}

fn check_choice(choices: &mut BTreeMap<String, Choice>, spec: &InputSpec, study: &str, choice: Choice) -> Result<()> {
    match choices.insert(study.to_string(), choice) {
        Some(previous) if previous != choice => Err(Error::Invalid(format!(
            "{}: study `{study}` is read as {} choice here but as {} choice in another input",
            spec.path.display(),
            choice.as_str(),
            previous.as_str()
        ))),
        _ => Ok(()),
    }
}

impl Analysis {
    /// What was detected while reading, one line each, for stderr.
    pub fn notes(&self) -> impl Iterator<Item = &str> {
        self.inputs.iter().flat_map(|i| i.notes.iter().map(String::as_str))
    }

    /// The one-line ingest account printed on stderr.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let mut line = format!(
            "rows read {}, accepted {}, rejected {}, no answer {} (not in the base)",
            s.rows_read, s.rows_accepted, s.rows_rejected, s.no_answer
        );
        if s.incomplete > 0 {
            line.push_str(&format!(
                "; {} of the rejected rows are unfinished responses, left out of the base (--include-incomplete keeps them)",
                s.incomplete
            ));
        }
        line
    }

    /// Estimates of one study's latest wave.
    pub fn latest(&self, study: &str) -> Vec<&Estimate> {
        let latest = self.estimates.iter().filter(|e| e.study == study).map(|e| e.wave).max();
        self.estimates
            .iter()
            .filter(|e| e.study == study && Some(e.wave) == latest)
            .collect()
    }

    /// Studies in order.
    pub fn studies(&self) -> Vec<&str> {
        self.choices.keys().map(String::as_str).collect()
    }
}
