//! The normalize stage: raw answers become the `Responses` frame of canonical categories.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::ingest::RawInput;
use crate::taxonomy::Taxonomy;

/// Builds the respondent frame: one row per respondent and named category
/// (`study, wave, respondent, category, label, weight`); a respondent without an
/// answer keeps one row with a null category so no-answer counts stay visible.
pub fn build(inputs: &[RawInput], taxonomy: &Taxonomy) -> Result<DataFrame> {
    let mut rows = Rows::default();
    for (index, input) in inputs.iter().enumerate() {
        check_labels(input, taxonomy)?;
        for answer in &input.answers {
            // Ids are unique within a file, not across files: key them by file.
            let respondent = format!("{index}:{}", answer.respondent);
            let mut named: BTreeMap<&str, &str> = BTreeMap::new();
            for label in &answer.labels {
                if let Some(id) = taxonomy.resolve(label) {
                    named.entry(id).or_insert(label.as_str());
                }
            }
            if named.is_empty() {
                rows.push(&input.spec.study, answer.wave, &respondent, None, None);
            }
            for (id, label) in named {
                rows.push(&input.spec.study, answer.wave, &respondent, Some(id), Some(label));
            }
        }
    }
    rows.into_frame()
}

/// Every label of a file must be known: the first unknown one is an error naming its line.
fn check_labels(input: &RawInput, taxonomy: &Taxonomy) -> Result<()> {
    let mut unknown: BTreeMap<&str, u64> = BTreeMap::new();
    for answer in &input.answers {
        for label in &answer.labels {
            if taxonomy.resolve(label).is_none() {
                unknown.entry(label.as_str()).or_insert(answer.line);
            }
        }
    }
    let Some((label, line)) = unknown.iter().min_by_key(|(_, line)| **line) else {
        return Ok(());
    };
    Err(Error::UnknownLabel {
        path: input.spec.path.clone(),
        line: *line,
        label: (*label).to_string(),
        suggestion: taxonomy.suggest(label),
        more: unknown.len() - 1,
    })
}

#[derive(Default)]
struct Rows {
    study: Vec<String>,
    wave: Vec<i32>,
    respondent: Vec<String>,
    category: Vec<Option<String>>,
    label: Vec<Option<String>>,
}

impl Rows {
    fn push(&mut self, study: &str, wave: i32, respondent: &str, category: Option<&str>, label: Option<&str>) {
        self.study.push(study.to_string());
        self.wave.push(wave);
        self.respondent.push(respondent.to_string());
        self.category.push(category.map(str::to_string));
        self.label.push(label.map(str::to_string));
    }

    fn into_frame(self) -> Result<DataFrame> {
        let weight = vec![1.0f64; self.wave.len()];
        df!(
            "study" => self.study,
            "wave" => self.wave,
            "respondent" => self.respondent,
            "category" => self.category,
            "label" => self.label,
            "weight" => weight,
        )
        .map_err(|e| Error::Invalid(format!("building the respondent frame: {e}")))
    }
}
