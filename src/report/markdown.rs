//! `report.md`: headline, estimates, changes, tests, published comparison, method and provenance.

use std::fmt::Write as _;

use super::percent;
use super::table::{self, Layout};
use crate::config::Study;
use crate::pipeline::Analysis;
use crate::reproduce::{self, Check};
use crate::stats::Kind;

/// One sentence per study about its latest wave: the leading department and each group.
pub fn headline(study: &Study, analysis: &Analysis, id: &str) -> String {
    let latest = analysis.latest(id);
    let Some(first) = latest.first() else {
        return format!("{id}: no estimates");
    };
    let title = study.input_for(id).map_or(id, |i| i.title.as_str());
    let n = first.n.map_or_else(|| "n unknown".to_string(), |n| format!("n = {n}"));
    let departments: Vec<String> = latest
        .iter()
        .filter(|e| e.kind == Kind::Department)
        .map(|e| format!("{} {}", study.taxonomy.display(&e.category, "en"), percent(e.share)))
        .collect();
    let groups: Vec<String> = latest
        .iter()
        .filter(|e| e.kind == Kind::Group)
        .filter_map(|e| {
            let group = study.groups.iter().find(|g| g.name == e.category)?;
            let members: Vec<&str> = group.members.iter().map(|m| study.taxonomy.display(m, "en")).collect();
            Some(format!("{} ({}) {}", e.category, members.join(" + "), percent(e.share)))
        })
        .collect();
    format!(
        "{title} — {} ({} choice, {n}): {}; {}",
        first.wave,
        first.choice.as_str(),
        departments.join(", "),
        groups.join("; ")
    )
}

/// The whole Markdown report; `charts` are paths relative to the report.
pub fn render(study: &Study, analysis: &Analysis, checks: &[Check], charts: &[String]) -> String {
    let mut md = format!("# {}\n\n", study.raw.title);
    md.push_str("## Headline\n\n");
    for id in analysis.studies() {
        let _ = writeln!(md, "- {}", headline(study, analysis, id));
    }
    md.push_str("\n## Charts\n\n");
    for chart in charts.iter().filter(|c| c.ends_with(".en.svg")) {
        let _ = writeln!(md, "![{chart}]({chart})\n");
    }
    md.push_str("## Estimates\n\n");
    md.push_str(&table::estimates(Layout::Markdown, &analysis.estimates));
    md.push_str("\n## Changes between waves\n\n");
    if analysis.trend.comparisons.is_empty() {
        md.push_str("No study has more than one wave.\n");
    } else {
        md.push_str(&table::comparisons(Layout::Markdown, &analysis.trend.comparisons));
        md.push('\n');
        md.push_str(&table::tests(Layout::Markdown, &analysis.trend.tests));
    }
    md.push_str("\n## Published figures\n\n");
    md.push_str(&reproduce::table(Layout::Markdown, checks));
    md.push_str(&method_section(study, analysis));
    md
}

fn method_section(study: &Study, analysis: &Analysis) -> String {
    let mut md = String::from("\n## Method\n\n");
    for input in &study.raw.inputs {
        let _ = writeln!(
            md,
            "- **{}** (`{}`): {}. Question: {}. {} choice. Source: {}.",
            input.title,
            input.study,
            input.path.display(),
            if input.question.is_empty() {
                "not recorded"
            } else {
                &input.question
            },
            input.choice.as_str(),
            input.source
        );
    }
    let s = &analysis.summary;
    let _ = write!(
        md,
        "\nBase: respondents who named at least one department; {} of {} accepted rows gave no answer and are not in the base. \
{} rows were rejected (see `rejects.csv`). Shares are unweighted; intervals are {:.0}% {} intervals. \
Changes between consecutive waves use Newcombe's hybrid score interval and a two-proportion z-test; \
the chi-square test of homogeneity (and Cochran-Armitage for three or more waves) tests all waves; \
p-values are Holm-adjusted within each study and wave pair. \
For single choice a group's share is the sum of its members; for multiple choice it is the share naming at least one member.\n",
        s.no_answer,
        s.rows_accepted,
        s.rows_rejected,
        study.raw.estimation.level * 100.0,
        study.method.as_str()
    );
    md
}
