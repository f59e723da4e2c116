//! Read, normalize, estimate and compare in one call: the part every command shares.

use std::collections::{BTreeMap, BTreeSet};

use crate::aggregate;
use crate::error::{Error, Result};
use crate::ingest::{self, Choice, IngestSummary, InputFormat, InputSpec, RawInput, Reject};
use crate::responses;
use crate::stats::{self, DesignSpec, Estimate, EstimateSettings};
use crate::tally::Tally;
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
        // A respondent repeated from an earlier file is a rejected row too.
        ingest::check_strict(spec, &input)?;
        summary.add(&input.summary);
        rejects.extend(input.rejects.iter().cloned());
        inputs.push(input);
    }
    check_repeats_beside_streamed(&mut inputs)?;
    for input in inputs.iter_mut() {
        (input.key_hashes, input.rejected_key_hashes) = (Vec::new(), Vec::new());
    }
    let tallies = tallies(&mut inputs, taxonomy)?;
    let estimation = estimate_each(&tallies, &choices, &designs, settings, &inputs)?;
    let mut estimates = estimation.estimates;
    estimates.extend(published.estimates);
    estimates.sort_by(|a, b| a.sort_key(taxonomy).cmp(&b.sort_key(taxonomy)));
    let trend = trend::compare_with(&estimates, &estimation.wave_tests, settings.level);
    rejects.sort();
    let mut warnings = published.warnings;
    warnings.extend(unanswered_waves(&tallies));
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

/// The estimates study by study, so that an error of the estimate stage (a lonely PSU, an fpc that
/// varies within a stratum) names the files of its study, as every error does.
fn estimate_each(
    tallies: &BTreeMap<String, Tally>,
    choices: &BTreeMap<String, Choice>,
    designs: &BTreeMap<String, DesignSpec>,
    settings: &EstimateSettings,
    inputs: &[RawInput],
) -> Result<stats::Estimation> {
    let mut all = stats::Estimation::default();
    for (study, choice) in choices {
        let one = BTreeMap::from([(study.clone(), *choice)]);
        let estimation = stats::estimate(tallies, &one, designs, settings).map_err(|e| {
            let files: Vec<String> = inputs
                .iter()
                .filter(|i| &i.spec.study == study)
                .map(|i| i.spec.path.display().to_string())
                .collect();
            match files.is_empty() {
                true => e,
                false => Error::Invalid(format!("{}: {e}", files.join(", "))),
            }
        })?;
        all.estimates.extend(estimation.estimates);
        all.wave_tests.extend(estimation.wave_tests);
    }
    Ok(all)
}

/// One tally per study, every file of it summed in file order: the one statistic the estimate
/// stage works from, whichever reader read a file (the careful reader's answers are added here,
/// after the label checks; the large-file path hands on its tally).
fn tallies(inputs: &mut [RawInput], taxonomy: &Taxonomy) -> Result<BTreeMap<String, Tally>> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for input in inputs.iter_mut() {
        let tally = tallies.entry(input.spec.study.clone()).or_default();
        match input.tally.take() {
            Some(streamed) => tally.merge(&streamed),
            None => responses::tally(input, taxonomy, tally)?,
        }
    }
    Ok(tallies)
}

/// Respondents repeated across two files of a study, one of them read by the large-file path: that
/// path keeps a hash of each respondent key, not the rows, so it cannot reject the later rows as
/// `reject_repeated_respondents` does; the run stops rather than count them twice.
fn check_repeats_beside_streamed(inputs: &mut [RawInput]) -> Result<()> {
    let streamed: BTreeSet<String> = inputs
        .iter()
        .filter(|i| i.tally.is_some())
        .map(|i| i.spec.study.clone())
        .collect();
    for study in streamed {
        let files: Vec<usize> = (0..inputs.len()).filter(|i| inputs[*i].spec.study == study).collect();
        if files.len() < 2 {
            continue;
        }
        let keys: Vec<Vec<u64>> = files.iter().map(|i| sorted_keys(&mut inputs[*i])).collect();
        for (b, later) in files.iter().enumerate() {
            for (a, earlier) in files.iter().enumerate().take(b) {
                let shared = shared_count(&keys[a], &keys[b]);
                if shared > 0 && (inputs[*earlier].tally.is_some() || inputs[*later].tally.is_some()) {
                    return Err(Error::Invalid(format!(
                        "{}: {shared} respondent(s) (same wave and id) are also in {}; a file this large is read \
                         by the large-file path, which cannot reject repeated respondents row by row, so the \
                         run stops rather than count them twice. Remove them from one file, or read both with \
                         the careful reader (DEPTSHARE_FAST_PATH_MIN_BYTES=never; files up to 256 MiB)",
                        inputs[*later].spec.path.display(),
                        inputs[*earlier].spec.path.display()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The respondent key hashes of a file, sorted and each once (taken from a streamed input).
fn sorted_keys(input: &mut RawInput) -> Vec<u64> {
    let mut keys: Vec<u64> = if input.tally.is_some() {
        let keys = std::mem::take(&mut input.key_hashes).into_iter().flatten().collect();
        return without(keys, std::mem::take(&mut input.rejected_key_hashes));
    } else {
        input
            .answers
            .iter()
            .filter(|a| !a.respondent.starts_with("line-"))
            .map(|a| ingest::stream::key_hash(a.wave, &a.respondent))
            .collect()
    };
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The keys of a streamed file's respondents: every key taken, less those of rejected rows (a
/// repeated key's first row stays), sorted and each once.
fn without(mut keys: Vec<u64>, mut rejected: Vec<u64>) -> Vec<u64> {
    keys.sort_unstable();
    rejected.sort_unstable();
    let mut out = Vec::with_capacity(keys.len());
    let mut gone = rejected.into_iter().peekable();
    for key in keys {
        while gone.next_if(|r| *r < key).is_some() {}
        if gone.next_if_eq(&key).is_none() {
            out.push(key);
        }
    }
    out.dedup();
    out
}

/// How many values two sorted lists share.
fn shared_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
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
fn unanswered_waves(tallies: &BTreeMap<String, Tally>) -> Vec<String> {
    let mut waves: BTreeMap<(&str, i32), (u64, u64)> = BTreeMap::new();
    for (study, tally) in tallies {
        for (wave, (answered, blank)) in tally.answered_by_wave() {
            let entry = waves.entry((study.as_str(), wave)).or_default();
            entry.0 += answered;
            entry.1 += blank;
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
