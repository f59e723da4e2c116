//! The notes sheet: where the numbers come from (inputs, published tables, targets and their
//! SHA-256, as manifest.json names them) and how they were made (the report's method).

use std::collections::BTreeSet;
use std::path::Path;

use super::{Cell, Sheet, Style};
use crate::report::doc::{ReportInput, method_text};

/// Rows of `section`, `name`, `value`.
struct Notes(Vec<Vec<Cell>>);

impl Notes {
    fn text(&mut self, section: &str, name: &str, value: impl Into<String>) {
        self.0
            .push(vec![Cell::text(section), Cell::text(name), Cell::text(value)]);
    }

    fn number(&mut self, section: &str, name: &str, value: f64, style: Style) {
        self.0
            .push(vec![Cell::text(section), Cell::text(name), Cell::number(value, style)]);
    }
}

pub fn sheet(input: &ReportInput) -> Sheet {
    let mut notes = Notes(Vec::new());
    report(input, &mut notes);
    sources(input, &mut notes);
    method(input, &mut notes);
    let s = &input.analysis.summary;
    for (name, value) in [
        ("read", s.rows_read),
        ("accepted", s.rows_accepted),
        ("rejected (rejects.csv)", s.rows_rejected),
        ("no answer", s.no_answer),
        ("incomplete", s.incomplete),
    ] {
        notes
            .0
            .push(vec![Cell::text("rows"), Cell::text(name), Cell::count(Some(value))]);
    }
    for (i, warning) in input.analysis.warnings.iter().enumerate() {
        notes.text("warning", &(i + 1).to_string(), warning.as_str());
    }
    let mut sheet = Sheet::new("notes", &["section", "name", "value"]);
    sheet.rows = notes.0;
    sheet
}

/// Paths as the config writes them, with `/`, as manifest.json and the report name them.
fn written(input: &ReportInput, path: &Path) -> String {
    input.study.relative(path).to_string_lossy().replace('\\', "/")
}

fn report(input: &ReportInput, notes: &mut Notes) {
    let study = input.study;
    notes.text("report", "title", study.raw.title.as_str());
    notes.text(
        "report",
        "tool",
        format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
    );
    notes.text("report", "config", written(input, &study.file));
    let shown: Vec<String> = study
        .study_ids()
        .into_iter()
        .filter_map(|id| input.wave_of(id).map(|w| format!("{id} {w}")))
        .collect();
    notes.text(
        "report",
        "waves",
        format!(
            "every wave of every study; report.html and report.md show {}",
            shown.join(", ")
        ),
    );
}

fn sources(input: &ReportInput, notes: &mut Notes) {
    let study = input.study;
    for i in &study.raw.inputs {
        let section = format!("input: {}", i.study);
        notes.text(&section, "path", written(input, &i.path));
        notes.text(&section, "title", i.title.as_str());
        notes.text(&section, "question", i.question.as_str());
        notes.text(&section, "choice", i.choice.as_str());
        notes.text(&section, "source", i.source.as_str());
        if let Some(by) = &i.by {
            notes.text(&section, "by", by.as_str());
        }
    }
    for p in &study.raw.published {
        notes.text("published", "path", written(input, &p.path));
    }
    for (id, w) in &study.weighting {
        let section = format!("weighting: {id}");
        notes.text(&section, "method", w.method.as_str());
        notes.text(&section, "targets", written(input, Path::new(&w.targets.source)));
    }
    for (path, hash) in input.hashes {
        notes.text("sha-256", path, hash.as_str());
    }
}

fn method(input: &ReportInput, notes: &mut Notes) {
    let estimation = &input.study.raw.estimation;
    let distinct = |values: &mut dyn Iterator<Item = &str>| {
        let set: BTreeSet<&str> = values.collect();
        // Methods hold `;` and `,` themselves.
        set.into_iter().collect::<Vec<_>>().join(" | ")
    };
    let estimates = &input.analysis.estimates;
    notes.text(
        "method",
        "interval",
        distinct(&mut estimates.iter().map(|e| e.method.as_str())),
    );
    notes.number("method", "level", estimation.level, Style::Level);
    notes.text(
        "method",
        "design",
        distinct(&mut estimates.iter().map(|e| e.design.as_str())),
    );
    notes.text("method", "base", input.study.base.as_str());
    let comparisons = &input.analysis.trend.comparisons;
    notes.text(
        "method",
        "comparisons",
        distinct(&mut comparisons.iter().map(|c| c.method.as_str())),
    );
    notes.text(
        "method",
        "adjustment (comparisons, tests)",
        "holm, within each study and wave pair",
    );
    notes.text("method", "adjustment (segment letters)", estimation.adjust.as_str());
    notes.number(
        "method",
        "significance level (segment letters)",
        estimation.sig_level,
        Style::Level,
    );
    for g in &input.study.groups {
        notes.text("method", &format!("group {}", g.name), g.members.join(" + "));
    }
    notes.text("method", "description", method_text(input));
}
