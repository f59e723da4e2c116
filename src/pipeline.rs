//! Read, normalize, estimate and compare in one call: the part every command shares.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::ingest::{self, Choice, IngestSummary, InputSpec, RawInput, Reject};
use crate::responses;
use crate::stats::{self, Estimate, EstimateSettings};
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
}

/// Runs read -> normalize -> estimate -> compare. A study read as single choice in one file and
/// multiple choice in another is an error: its shares would not mean one thing.
pub fn analyze(specs: &[InputSpec], taxonomy: &Taxonomy, settings: &EstimateSettings) -> Result<Analysis> {
    let mut inputs = Vec::with_capacity(specs.len());
    let mut summary = IngestSummary::default();
    let mut rejects = Vec::new();
    let mut choices = BTreeMap::new();
    for spec in specs {
        if spec.weight_col.is_some()
            || spec.strata_col.is_some()
            || spec.psu_col.is_some()
            || spec.fpc_col.is_some()
            || spec.by_col.is_some()
        {
            return Err(Error::Invalid(format!(
                "{}: weights, survey designs and --by segments are not estimated yet (issue 3); drop those options",
                spec.path.display()
            )));
        }
        if let Some(previous) = choices.insert(spec.study.clone(), spec.choice)
            && previous != spec.choice
        {
            return Err(Error::Invalid(format!(
                "{}: study `{}` is read as {} choice here but as {} choice in another input",
                spec.path.display(),
                spec.study,
                spec.choice.as_str(),
                previous.as_str()
            )));
        }
        let input = ingest::read(spec, taxonomy)?;
        summary.add(&input.summary);
        rejects.extend(input.rejects.iter().cloned());
        inputs.push(input);
    }
    let frame = responses::build(&inputs, taxonomy)?;
    let estimates = stats::estimate(&frame, &choices, settings, taxonomy)?;
    let trend = trend::compare(&estimates, settings.level);
    rejects.sort();
    Ok(Analysis {
        inputs,
        summary,
        rejects,
        choices,
        estimates,
        trend,
    })
}

impl Analysis {
    /// What was detected while reading, one line each, for stderr.
    pub fn notes(&self) -> impl Iterator<Item = &str> {
        self.inputs.iter().flat_map(|i| i.notes.iter().map(String::as_str))
    }

    /// The one-line ingest account printed on stderr.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        format!(
            "rows read {}, accepted {}, rejected {}, no answer {} (not in the base)",
            s.rows_read, s.rows_accepted, s.rows_rejected, s.no_answer
        )
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
