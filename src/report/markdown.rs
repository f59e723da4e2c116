//! `report.md` from the report document, and the one-line headline `run` prints.

use std::fmt::Write as _;

use super::doc::{Block, Document};
use super::percent;
use super::table::Layout;
use crate::config::Study;
use crate::pipeline::Analysis;
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

/// The report as Markdown; charts are linked beside it, not inlined.
pub fn render(doc: &Document) -> String {
    let mut md = format!("# {}\n", doc.title);
    for block in &doc.blocks {
        md.push('\n');
        match block {
            Block::Heading(text) => {
                let _ = writeln!(md, "## {text}");
            }
            Block::Paragraph(text) => {
                let _ = writeln!(md, "{text}");
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(md, "- {item}");
                }
            }
            Block::Table(table) => md.push_str(&table.render(Layout::Markdown)),
            Block::Figure { path, alt, .. } => {
                let _ = writeln!(md, "![{alt}]({path})");
            }
        }
    }
    md
}
