//! The yearly report as a document of blocks, built once from the numbers and rendered by the
//! Markdown and HTML writers alike, so both say the same thing.

use std::collections::BTreeMap;

use super::table::{self, Table};
use super::{OutputFile, level_text, percent};
use crate::config::Study;
use crate::pipeline::Analysis;
use crate::reproduce::{self, Check};
use crate::stats::{Estimate, Kind};
use crate::trend::Comparison;

/// One piece of the report.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Bullets(Vec<String>),
    Table(Table),
    /// A chart: its path relative to the report, its SVG text, and a text alternative.
    Figure {
        path: String,
        svg: String,
        alt: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Everything the report is built from.
pub struct ReportInput<'a> {
    pub study: &'a Study,
    pub analysis: &'a Analysis,
    pub checks: &'a [Check],
    /// Rendered charts (paths like `charts/econsultancy-bar.en.svg`).
    pub charts: &'a [OutputFile],
    /// The wave to report (each study's latest when None or when a study lacks it).
    pub wave: Option<i32>,
    /// Input path -> SHA-256.
    pub hashes: &'a BTreeMap<String, String>,
}

impl ReportInput<'_> {
    /// The wave reported for a study.
    pub fn wave_of(&self, study: &str) -> Option<i32> {
        let waves: Vec<i32> = self
            .analysis
            .estimates
            .iter()
            .filter(|e| e.study == study)
            .map(|e| e.wave)
            .collect();
        match self.wave {
            Some(w) if waves.contains(&w) => Some(w),
            _ => waves.into_iter().max(),
        }
    }

    fn estimates_of(&self, study: &str) -> Vec<&Estimate> {
        let wave = self.wave_of(study);
        self.analysis
            .estimates
            .iter()
            .filter(|e| e.study == study && Some(e.wave) == wave && e.segment.is_none())
            .collect()
    }

    /// What weighting did to a study's wave, when the study is weighted.
    fn weighting_of(&self, study: &str, wave: i32) -> Option<&crate::stats::calibrate::WaveReport> {
        self.analysis
            .weighting
            .iter()
            .find(|w| w.study == study && w.wave == wave)
    }

    fn name(&self, id: &str) -> String {
        if let Some(group) = self.study.groups.iter().find(|g| g.name == id) {
            let members: Vec<&str> = group
                .members
                .iter()
                .map(|m| self.study.taxonomy.display(m, "en"))
                .collect();
            return members.join(" + ");
        }
        self.study.taxonomy.display(id, "en").to_string()
    }
}

/// Builds the whole report.
pub fn build(input: &ReportInput) -> Document {
    let mut blocks = vec![Block::Heading("Headline".into())];
    let studies = input.study.study_ids();
    for id in &studies {
        blocks.push(Block::Paragraph(headline(input, id)));
    }
    for id in &studies {
        blocks.extend(study_section(input, id));
    }
    blocks.push(Block::Heading("Published figures".into()));
    blocks.push(Block::Paragraph(published_summary(input.checks)));
    blocks.push(Block::Table(reproduce::checks_table(input.checks)));
    blocks.extend(method(input));
    blocks.extend(provenance(input));
    Document {
        title: input.study.raw.title.clone(),
        blocks,
    }
}

/// The paragraph a reader takes away: who leads, the group's share, what changed and whether it holds.
pub fn headline(input: &ReportInput, id: &str) -> String {
    let rows = input.estimates_of(id);
    let Some(first) = rows.first() else {
        return format!("{id}: no estimates.");
    };
    let title = input.study.input_for(id).map_or(id, |i| i.title.as_str());
    let n = first
        .n
        .map_or_else(|| "n not published".to_string(), |n| format!("n = {n}"));
    let mut text = format!("**{title}, {}** ({} choice, {n}): ", first.wave, first.choice.as_str());
    let leader = rows
        .iter()
        .filter(|e| e.kind == Kind::Department && e.category != "not_reported")
        .max_by(|a, b| a.share.total_cmp(&b.share).then_with(|| b.category.cmp(&a.category)));
    if let Some(l) = leader {
        text.push_str(&format!(
            "{} leads with {}{}. ",
            input.name(&l.category),
            percent(l.share),
            interval_clause(l)
        ));
    }
    text.push_str(&ranking_sentence(input, id, first.wave));
    for g in rows.iter().filter(|e| e.kind == Kind::Group) {
        text.push_str(&format!(
            "{} together account for {} (\"{}\"). ",
            input.name(&g.category),
            percent(g.share),
            g.category
        ));
    }
    text.push_str(&change_sentence(input, id, first.wave));
    if let Some(w) = input.weighting_of(id, first.wave) {
        text.push_str(&format!(
            " Weighted to population margins ({}; Kish efficiency {:.2}, effective n {:.0}).",
            w.method, w.kish_efficiency, w.kish_n_effective
        ));
    }
    text.trim_end().to_string()
}

/// How sure the ranking is: "Marketing is the largest with probability 0.93; PR 0.07." (the
/// departments with a chance of at least 0.005, from the design covariance of the shares).
fn ranking_sentence(input: &ReportInput, id: &str, wave: i32) -> String {
    let mut ranks: Vec<&crate::stats::ranks::Rank> = input
        .analysis
        .ranks
        .iter()
        .filter(|r| r.study == id && r.wave == wave && r.segment.is_none() && r.p_first >= 0.005)
        .collect();
    ranks.sort_by(|a, b| b.p_first.total_cmp(&a.p_first).then(a.category.cmp(&b.category)));
    let Some((top, rest)) = ranks.split_first() else {
        return String::new();
    };
    // Two decimals, but never a certainty the draws cannot show.
    let chance = |p: f64| match p {
        p if p >= 0.995 => "above 0.99".to_string(),
        p => format!("{p:.2}"),
    };
    let mut text = format!(
        "{} is the largest with probability {}",
        input.name(&top.category),
        chance(top.p_first)
    );
    for r in rest {
        text.push_str(&format!("; {} {}", input.name(&r.category), chance(r.p_first)));
    }
    text.push_str(". ");
    text
}

fn interval_clause(e: &Estimate) -> String {
    match (e.ci_low, e.ci_high) {
        (Some(l), Some(h)) => format!(" ({} interval {} to {})", level_text(e.level), percent(l), percent(h)),
        _ => " (no interval: n not published)".to_string(),
    }
}

fn change_sentence(input: &ReportInput, id: &str, wave: i32) -> String {
    let changes: Vec<&Comparison> = input
        .analysis
        .trend
        .comparisons
        .iter()
        .filter(|c| c.study == id && c.to_wave == wave)
        .collect();
    let Some(from) = changes.first().map(|c| c.from_wave) else {
        return untested_change(input, id, wave);
    };
    let mut significant: Vec<&&Comparison> = changes
        .iter()
        .filter(|c| c.p_adjusted.is_some_and(|p| p < 0.05))
        .collect();
    significant.sort_by(|a, b| b.diff.abs().total_cmp(&a.diff.abs()));
    let group = changes.iter().find(|c| c.kind == Kind::Group);
    let mut text = String::new();
    if let Some(g) = group {
        text.push_str(&format!(
            "Since {from} their share moved by {:+.1} points ({}, Holm-adjusted p = {}). ",
            g.diff * 100.0,
            if g.p_adjusted.is_some_and(|p| p < 0.05) {
                "significant"
            } else {
                "not significant"
            },
            g.p_adjusted.map_or("-".into(), table::p_text)
        ));
    }
    match significant.iter().find(|c| c.kind == Kind::Department) {
        Some(c) => text.push_str(&format!(
            "The largest change that holds after Holm adjustment: {} {:+.1} points ({} → {}).",
            input.name(&c.category),
            c.diff * 100.0,
            percent(c.from_share),
            percent(c.to_share)
        )),
        None => text.push_str(&format!(
            "No department changed significantly since {from} after Holm adjustment."
        )),
    }
    text
}

/// Without comparisons (no earlier wave, or no n to test with) say which, and give the raw change.
fn untested_change(input: &ReportInput, id: &str, wave: i32) -> String {
    let earlier = input
        .analysis
        .estimates
        .iter()
        .filter(|e| e.study == id && e.wave < wave)
        .map(|e| e.wave)
        .max();
    let Some(from) = earlier else {
        return "There is no earlier wave to compare with.".to_string();
    };
    let share = |w: i32, kind: Kind| {
        input
            .analysis
            .estimates
            .iter()
            .find(|e| e.study == id && e.wave == w && e.kind == kind && e.segment.is_none())
    };
    let moved = match (share(from, Kind::Group), share(wave, Kind::Group)) {
        (Some(a), Some(b)) => format!(
            " Their share moved by {:+.1} points since {from}.",
            (b.share - a.share) * 100.0
        ),
        _ => String::new(),
    };
    format!("{moved} Changes since {from} are not tested: the data give no respondent counts for them.")
        .trim_start()
        .to_string()
}

fn study_section(input: &ReportInput, id: &str) -> Vec<Block> {
    let title = input.study.input_for(id).map_or(id, |i| i.title.as_str());
    let wave = input.wave_of(id).map_or(String::new(), |w| w.to_string());
    let mut blocks = vec![Block::Heading(format!("{title} {wave}"))];
    if let Some(asked) = input.wave.filter(|w| input.wave_of(id) != Some(*w)) {
        blocks.push(Block::Paragraph(format!(
            "This study has no {asked} wave; its latest wave, {wave}, is shown."
        )));
    }
    for chart in input
        .charts
        .iter()
        .filter(|c| is_report_chart(&c.path.to_string_lossy(), id))
    {
        let svg = String::from_utf8_lossy(&chart.bytes).into_owned();
        let path = chart.path.to_string_lossy().replace('\\', "/");
        let alt = format!("Chart {path} for {title}");
        blocks.push(Block::Figure { path, svg, alt });
    }
    let rows: Vec<Estimate> = input.estimates_of(id).into_iter().cloned().collect();
    blocks.push(Block::Table(table::estimates_table(&rows)));
    blocks.extend(crosstab_section(input, id));
    let wave = input.wave_of(id);
    let changes: Vec<Comparison> = input
        .analysis
        .trend
        .comparisons
        .iter()
        .filter(|c| c.study == id && Some(c.to_wave) == wave)
        .cloned()
        .collect();
    if !changes.is_empty() {
        blocks.push(Block::Paragraph(
            "Change since the previous wave (percentage points):".into(),
        ));
        blocks.push(Block::Table(table::comparisons_table(&changes)));
    }
    let tests: Vec<_> = input
        .analysis
        .trend
        .tests
        .iter()
        // The reported wave's tests within a wave and from the previous wave, and those over all waves.
        .filter(|t| {
            t.study == id && t.wave.is_none_or(|w| Some(w) == wave) && t.to_wave.is_none_or(|w| Some(w) == wave)
        })
        .cloned()
        .collect();
    if !tests.is_empty() {
        blocks.push(Block::Paragraph("Tests of the wave and across waves:".into()));
        blocks.push(Block::Table(table::tests_table(&tests)));
    }
    blocks.extend(weighting_section(input, id));
    blocks
}

/// The reported wave by segment, with column letters, when the study has a `by` column.
fn crosstab_section(input: &ReportInput, id: &str) -> Vec<Block> {
    let wave = input.wave_of(id);
    let rows: Vec<Estimate> = input
        .analysis
        .estimates
        .iter()
        .filter(|e| e.study == id && Some(e.wave) == wave)
        .cloned()
        .collect();
    if !rows.iter().any(|e| e.segment.is_some()) {
        return Vec::new();
    }
    let by = input
        .study
        .input_for(id)
        .and_then(|i| i.by.as_deref())
        .unwrap_or("segment");
    let tests: Vec<_> = input
        .analysis
        .segment_tests
        .iter()
        .filter(|t| t.study == id)
        .cloned()
        .collect();
    let mut blocks = vec![
        Block::Paragraph(format!("By {by}:")),
        Block::Table(table::crosstab(&rows)),
    ];
    if let Some(note) = table::letters_note(&rows, &tests, input.study.raw.estimation.sig_level) {
        let mut note = note;
        if let Some(first) = note.get(..1) {
            note = first.to_uppercase() + &note[1..];
        }
        blocks.push(Block::Paragraph(format!("{note}.")));
    }
    blocks
}

/// What weighting to the population did to a study: every wave's weights, the reported wave's
/// margins, and the warnings.
fn weighting_section(input: &ReportInput, id: &str) -> Vec<Block> {
    let reports: Vec<_> = input
        .analysis
        .weighting
        .iter()
        .filter(|w| w.study == id)
        .cloned()
        .collect();
    let Some(first) = reports.first() else {
        return Vec::new();
    };
    let wave = input.wave_of(id);
    let shown: Vec<_> = reports.iter().filter(|w| Some(w.wave) == wave).cloned().collect();
    let (summary, _) = table::weighting_tables(&reports);
    let (_, margins) = table::weighting_tables(&shown);
    let mut blocks = vec![
        Block::Paragraph(format!(
            "Weighted to population margins ({}), each wave on its own. The effective n is Kish's (Σw)²/Σw², \
             the efficiency its share of the respondents; the weight ratio is calibrated over design weight. \
             Standard errors include the calibration (residuals of the calibration regression, as R survey).",
            first.method
        )),
        Block::Table(summary),
        Block::Table(margins),
    ];
    let warnings: Vec<String> = reports.iter().flat_map(|w| w.warnings.iter().cloned()).collect();
    if !warnings.is_empty() {
        blocks.push(Block::Bullets(warnings));
    }
    blocks
}

/// English SVG charts of one study, in a fixed order of kinds (`charts/{id}-{kind}.en.svg`: a
/// study `demo` does not take the charts of a study `demo-weighted`, as chart kinds have no `-`).
fn is_report_chart(path: &str, id: &str) -> bool {
    path.strip_prefix(&format!("charts/{id}-"))
        .and_then(|rest| rest.strip_suffix(".en.svg"))
        .is_some_and(|kind| !kind.is_empty() && !kind.contains('-'))
}

fn published_summary(checks: &[Check]) -> String {
    let missed = reproduce::failures(checks).len();
    match (checks.len(), missed) {
        (0, _) => "No published figures are configured for checking.".into(),
        (n, 0) => format!("All {n} published figures are reproduced from the data."),
        (n, m) => format!("{m} of {n} published figures are NOT reproduced from the data (see the table)."),
    }
}

fn method(input: &ReportInput) -> Vec<Block> {
    let mut bullets = Vec::new();
    for i in &input.study.raw.inputs {
        let question = if i.question.is_empty() {
            "not recorded"
        } else {
            &i.question
        };
        bullets.push(format!(
            "{} ({}): question \"{question}\"; {} choice; source: {}.",
            i.title,
            i.study,
            i.choice.as_str(),
            i.source
        ));
    }
    vec![
        Block::Heading("Method".into()),
        Block::Bullets(bullets),
        Block::Paragraph(method_text(input)),
    ]
}

/// The method paragraph: base, weighting, intervals, groups and tests (report.xlsx's notes say it too).
pub fn method_text(input: &ReportInput) -> String {
    let s = &input.analysis.summary;
    let distinct = |f: fn(&Estimate) -> &str| {
        let set: std::collections::BTreeSet<&str> = input.analysis.estimates.iter().map(f).collect();
        set.into_iter().collect::<Vec<_>>().join(", ")
    };
    let designs = distinct(|e| e.design.as_str());
    let weighting = if designs.is_empty() || designs == "srs" {
        "Shares are unweighted (each respondent counts once).".to_string()
    } else {
        format!(
            "Designs used: {designs}. Weighted shares with standard errors by Taylor linearisation of the ratio \
             estimator, as R survey's svymean; design degrees of freedom are PSUs minus strata."
        )
    };
    let base = match input.study.base {
        crate::stats::Base::Answered => format!(
            "Base: respondents who named at least one department; {} accepted rows gave no answer and are not in it.",
            s.no_answer
        ),
        crate::stats::Base::All => format!(
            "Base: every accepted respondent, including the {} who gave no answer (base = all).",
            s.no_answer
        ),
    };
    format!(
        "{base} {} incomplete responses were left out. {} rows were rejected and are listed in rejects.csv. \
         {weighting} Intervals: {} at {} (estimates without a published n have none). For single choice a \
         group's share is the sum of its members; for multiple choice it is the share naming at least one member. \
         Consecutive waves are compared with Newcombe's hybrid score interval and a two-proportion z-test (design-based \
         difference under a design); all waves with a chi-square test of homogeneity (and Cochran-Armitage for \
         three or more waves) when unweighted, the Rao-Scott test under weights or a design; p-values are Holm-adjusted within each study and \
         wave pair.",
        s.incomplete,
        s.rows_rejected,
        distinct(|e| e.method.as_str()),
        level_text(input.study.raw.estimation.level),
    )
}

fn provenance(input: &ReportInput) -> Vec<Block> {
    let mut bullets: Vec<String> = input
        .hashes
        .iter()
        .map(|(path, hash)| format!("{path}: SHA-256 {hash}"))
        .collect();
    bullets.push(format!(
        "rows read {}, accepted {}, rejected {} (rejects.csv)",
        input.analysis.summary.rows_read, input.analysis.summary.rows_accepted, input.analysis.summary.rows_rejected
    ));
    bullets.push(format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")));
    vec![Block::Heading("Provenance".into()), Block::Bullets(bullets)]
}
