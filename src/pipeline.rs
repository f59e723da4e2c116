//! Read, normalize, estimate and compare in one call: the part every command shares.

use std::collections::BTreeMap;

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
    /// What weighting to population margins did, per study and wave (empty when not weighted).
    pub weighting: Vec<stats::calibrate::WaveReport>,
    /// Pairs of `--by` segments per wave and category.
    pub segment_tests: Vec<stats::segments::SegmentTest>,
    /// Who ranks first, per study, wave and segment.
    pub ranks: Vec<stats::ranks::Rank>,
    /// Whether no-answer respondents are in the base (said in the row account).
    pub base: stats::Base,
}

/// Runs read -> normalize -> estimate -> compare. A study read as single choice in one file and
/// multiple choice in another is an error: its shares would not mean one thing.
pub fn analyze(specs: &[InputSpec], taxonomy: &Taxonomy, settings: &EstimateSettings) -> Result<Analysis> {
    check_group_names(taxonomy, settings)?;
    let mut inputs = Vec::with_capacity(specs.len());
    let mut summary = IngestSummary::default();
    let mut rejects = Vec::new();
    let mut choices = BTreeMap::new();
    let mut published = aggregate::AggregateInput::default();
    let mut designs = BTreeMap::new();
    let mut repeats = ingest::repeats::Repeats::default();
    for spec in specs.iter().filter(|s| s.format == InputFormat::Aggregate) {
        if let Some(w) = settings.weighting.get(&spec.study) {
            return Err(Error::Invalid(format!(
                "{}: a published table cannot be weighted to the margins of {} (weighting needs respondent rows)",
                spec.path.display(),
                w.targets.source
            )));
        }
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
        // A weighted study's respondents carry their levels of the weighting variables.
        let mut spec = spec.clone();
        let same = |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()));
        if let Some(by) = &spec.by_col
            && same(&spec.dept_col, by)
        {
            return Err(Error::Invalid(format!(
                "{}: the segment column `{by}` is the department column: shares by their own answer say nothing",
                spec.path.display()
            )));
        }
        if let Some(w) = settings.weighting.get(&spec.study) {
            if let Some(c) = w.targets.columns.iter().find(|c| same(&spec.dept_col, c)) {
                return Err(Error::Invalid(format!(
                    "{}: `{c}` is the department column; weighting to the question's own answers would fix every \
                     share at its target",
                    w.targets.source
                )));
            }
            spec.calibration_cols = w.targets.columns.clone();
        }
        let spec = &spec;
        if let Some(other) = specs
            .iter()
            .find(|s| s.study == spec.study && s.format != InputFormat::Aggregate && s.waves != spec.waves)
        {
            return Err(Error::Invalid(format!(
                "{}: study `{}` has waves {} here but {} in {}: give all its inputs the same `waves`",
                spec.path.display(),
                spec.study,
                spec.waves,
                other.waves,
                other.path.display()
            )));
        }
        let design = designs.entry(spec.study.clone()).or_insert_with(DesignSpec::default);
        *design = design.union(design_of(spec)?);
        check_choice(&mut choices, spec, &spec.study, spec.choice)?;
        let mut input = ingest::read(spec, taxonomy).map_err(|e| weighting_column(e, spec, settings))?;
        repeats.check(&mut input, &inputs, taxonomy)?;
        // A respondent repeated from an earlier file is a rejected row too.
        ingest::check_strict(spec, &input)?;
        summary.add(&input.summary);
        rejects.extend(input.rejects.iter().cloned());
        inputs.push(input);
    }
    let tallies = tallies(&mut inputs, taxonomy)?;
    let estimation = estimate_each(&tallies, &choices, &designs, settings, &inputs)?;
    let unanswered = unanswered_waves(&tallies);
    let mut estimates = estimation.estimates;
    // Under `--base all` too: every share of such a wave would be 0 % of its no-answers, groups included.
    estimates.retain(|e| !unanswered.contains_key(&(e.study.clone(), e.wave)));
    estimates.extend(published.estimates);
    estimates.sort_by(|a, b| a.sort_key(taxonomy).cmp(&b.sort_key(taxonomy)));
    let mut trend = trend::compare_with(
        &estimates,
        &estimation.wave_tests,
        &estimation.differences,
        settings.level,
    );
    // Tests over every department at once: department x segment per wave, and department x wave
    // (one per study, `wave` None); not families to adjust.
    for t in &estimation.independence {
        let by = match t.wave {
            Some(_) => specs.iter().find(|s| s.study == t.study).and_then(|s| s.by_col.clone()),
            None => None,
        };
        let name = match t.wave {
            Some(_) => trend::RAO_SCOTT_INDEPENDENCE,
            None => trend::RAO_SCOTT_HOMOGENEITY_ALL,
        };
        trend.tests.push(trend::TestRecord {
            name: name.to_string(),
            study: t.study.clone(),
            category: String::new(),
            kind: stats::Kind::Department,
            statistic: t.result.f,
            df: Some(t.result.ndf),
            ddf: Some(t.result.ddf),
            p_value: t.result.p_value,
            p_adjusted: t.result.p_value,
            wave: t.wave,
            by,
            from_wave: t.pair.map(|p| p.0),
            to_wave: t.pair.map(|p| p.1),
        });
    }
    rejects.sort();
    let mut warnings = published.warnings;
    warnings.extend(mixed_waves(&estimates));
    warnings.extend(unanswered.into_iter().map(|((study, wave), blank)| {
        format!(
            "study `{study}` wave {wave}: none of its {blank} respondents answered the question, so it has no shares"
        )
    }));
    for report in &estimation.weighting {
        warnings.extend(report.warnings.iter().map(|w| format!("study `{}`, {w}", report.study)));
    }
    Ok(Analysis {
        inputs,
        summary,
        rejects,
        choices,
        estimates,
        trend,
        warnings,
        weighting: estimation.weighting,
        segment_tests: estimation.segment_tests,
        ranks: estimation.ranks,
        base: settings.base,
    })
}

/// A weighting variable missing from the data names the targets file that asks for it.
fn weighting_column(error: Error, spec: &InputSpec, settings: &EstimateSettings) -> Error {
    match (&error, settings.weighting.get(&spec.study)) {
        (Error::MissingColumn { column, available, .. }, Some(w)) if spec.calibration_cols.contains(column) => {
            Error::Invalid(format!(
                "{}: no column `{column}`, a weighting variable of {}; columns are: {}",
                spec.path.display(),
                w.targets.source,
                available.join(", ")
            ))
        }
        _ => error,
    }
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
        all.weighting.extend(estimation.weighting);
        all.segment_tests.extend(estimation.segment_tests);
        all.ranks.extend(estimation.ranks);
        all.independence.extend(estimation.independence);
        all.differences.extend(estimation.differences);
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

/// A study whose waves mix years with small numbers (`24` beside `2023`): two-digit years, most
/// likely, and they would be compared as waves 24 and 2023. Warned about, not guessed at.
fn mixed_waves(estimates: &[Estimate]) -> Vec<String> {
    let mut waves: BTreeMap<&str, (Option<i32>, Option<i32>)> = BTreeMap::new();
    for e in estimates {
        let (small, year) = waves.entry(e.study.as_str()).or_default();
        let slot = if e.wave < 1000 { small } else { year };
        *slot = Some(slot.map_or(e.wave, |w: i32| w.min(e.wave)));
    }
    waves
        .into_iter()
        .filter_map(|(study, (small, year))| {
            let (small, year) = (small?, year?);
            Some(format!(
                "study `{study}` has waves {small} and {year}: if {small} is a two-digit year, write it in full \
                 (waves are compared as the numbers they are)"
            ))
        })
        .collect()
}

/// Waves in which every accepted respondent left the question blank, with their number: they
/// have no base, so no shares, and would otherwise vanish without a word.
fn unanswered_waves(tallies: &BTreeMap<String, Tally>) -> BTreeMap<(String, i32), u64> {
    let mut waves: BTreeMap<(String, i32), (u64, u64)> = BTreeMap::new();
    for (study, tally) in tallies {
        for (wave, (answered, blank)) in tally.answered_by_wave() {
            let entry = waves.entry((study.clone(), wave)).or_default();
            entry.0 += answered;
            entry.1 += blank;
        }
    }
    waves
        .into_iter()
        .filter(|(_, (answered, _))| *answered == 0)
        .map(|(key, (_, blank))| (key, blank))
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
        waves: spec.waves,
    };
    if design.fpc && !design.weights {
        return Err(Error::Invalid(format!(
            "{}: --fpc-col needs --weight-col: give the sampling weights explicitly",
            spec.path.display()
        )));
    }
    Ok(design)
}

/// A group named like a category would give two rows of one id, and a published figure of one
/// would be checked against the other.
fn check_group_names(taxonomy: &Taxonomy, settings: &EstimateSettings) -> Result<()> {
    for group in &settings.groups {
        group.check(taxonomy).map_err(|e| {
            Error::Invalid(format!(
                "{e} (rename the category or the group: `--group NAME=...`, or `[groups]` in the study config)"
            ))
        })?;
    }
    Ok(())
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
            "rows read {}, accepted {}, rejected {}, no answer {} ({})",
            s.rows_read,
            s.rows_accepted,
            s.rows_rejected,
            s.no_answer,
            match self.base {
                stats::Base::Answered => "not in the base",
                stats::Base::All => "in the base: --base all",
            }
        );
        if s.incomplete > 0 {
            line.push_str(&format!(
                "; {} of the rejected rows are unfinished responses, left out of the base (--include-incomplete keeps them)",
                s.incomplete
            ));
        }
        line
    }

    /// The overall estimates of one study's latest wave (segments are not the overall result).
    pub fn latest(&self, study: &str) -> Vec<&Estimate> {
        let latest = self.estimates.iter().filter(|e| e.study == study).map(|e| e.wave).max();
        self.estimates
            .iter()
            .filter(|e| e.study == study && Some(e.wave) == latest && e.segment.is_none())
            .collect()
    }

    /// Studies in order.
    pub fn studies(&self) -> Vec<&str> {
        self.choices.keys().map(String::as_str).collect()
    }
}
