//! `report.html`: one self-contained page (inline CSS, charts as inline SVG, no network), A4-printable.

use std::fmt::Write as _;

use super::doc::{Block, Document};
use super::table::Table;

const CSS: &str = "\
body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#111827;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #d1d5db}\
table{border-collapse:collapse;font-size:.8rem;margin:.6rem 0;width:100%}\
th,td{border-bottom:1px solid #e5e7eb;padding:.2rem .4rem;text-align:left;vertical-align:top}\
th{background:#f3f4f6}td:nth-child(n+4){font-variant-numeric:tabular-nums}\
figure{margin:1rem 0}figure svg{width:100%;height:auto;display:block}\
figcaption{font-size:.75rem;color:#4b5563}ul{padding-left:1.2rem}li{word-break:break-word}\
@page{size:A4;margin:15mm}\
@media print{body{max-width:none;margin:0}figure,table{break-inside:avoid}h2{break-after:avoid}}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with `**bold**` spans (the only markup the report's sentences use).
fn inline(text: &str) -> String {
    escape(text)
        .split("**")
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<strong>{part}</strong>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

pub fn render(doc: &Document) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&doc.title),
        escape(&doc.title)
    );
    for block in &doc.blocks {
        match block {
            Block::Heading(text) => {
                let _ = writeln!(html, "<h2>{}</h2>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(html, "<p>{}</p>", inline(text));
            }
            Block::Bullets(items) => {
                html.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(html, "<li>{}</li>", inline(item));
                }
                html.push_str("</ul>\n");
            }
            Block::Table(table) => html.push_str(&table_html(table)),
            Block::Figure { path, svg, alt } => {
                let _ = writeln!(
                    html,
                    "<figure role=\"img\" aria-label=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    escape(alt),
                    svg.trim(),
                    escape(path)
                );
            }
        }
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn table_html(table: &Table) -> String {
    let mut html = String::from("<table>\n<thead><tr>");
    for h in &table.header {
        let _ = write!(html, "<th>{}</th>", escape(h));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        html.push_str("<tr>");
        for cell in row {
            let _ = write!(html, "<td>{}</td>", escape(cell));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bold_survives() {
        let doc = Document {
            title: "R&D <script>".into(),
            blocks: vec![
                Block::Paragraph("**A & B** lead".into()),
                Block::Table(Table::new(&["a"], vec![vec!["<img src=x>".into()]])),
            ],
        };
        let html = render(&doc);
        assert!(html.contains("<title>R&amp;D &lt;script&gt;</title>"));
        assert!(html.contains("<p><strong>A &amp; B</strong> lead</p>"));
        assert!(html.contains("<td>&lt;img src=x&gt;</td>"));
        assert!(!html.contains("<script>"));
    }
}
