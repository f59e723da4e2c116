//! LimeSurvey CSV export: headings by question code (`SM1[SQ001]`), Expression Manager code
//! (`SM1_SQ001`), "code and text" (`SM1[SQ001]. Who? [Marketing]`) or full text (`Who? [Marketing]`).

use std::path::Path;

use super::survey::{
    Column, Completion, Part, Question, Records, Survey, is_other_option, set_apart_write_ins, split_rows,
};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

const META: &[&str] = &[
    "id",
    "response id",
    "submitdate",
    "date submitted",
    "lastpage",
    "last page",
    "startlanguage",
    "start language",
    "seed",
    "startdate",
    "date started",
    "datestamp",
    "date last action",
    "ipaddr",
    "ip address",
    "refurl",
    "referrer url",
    "token",
];

/// A heading taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    code: String,
    sub: Option<String>,
    text: String,
    option: Option<String>,
}

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let (headers, records) = split_rows(path, &decoded.text, delimiter, 1)?;
    let headings: Vec<Heading> = headers
        .first()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|h| heading(h))
        .collect();
    let columns = headers
        .first()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .zip(&headings)
        .map(|(name, h)| Column {
            name: name.clone(),
            text: h.text.clone(),
        })
        .collect();
    let (mut questions, mut write_ins) = questions(&headings);
    // A full-text heading's `Who? [Other]` beside its `Who?` answer is the text of "Other".
    write_ins.extend(set_apart_write_ins(&mut questions));
    // A full-text `Who? [Other]` among Yes/No option columns holds what respondents wrote.
    for q in &mut questions {
        let written: Vec<usize> = q
            .parts
            .iter()
            .filter(|p| p.option.as_deref().is_some_and(is_other_option) && !holds_ticks(&records, p.column))
            .map(|p| p.column)
            .collect();
        q.parts.retain(|p| !written.contains(&p.column));
        write_ins.extend(written);
    }
    questions.retain(|q| !q.parts.is_empty());
    write_ins.sort_unstable();
    let mut survey = Survey::new(
        InputFormat::Limesurvey,
        decoded,
        delimiter,
        1,
        columns,
        questions,
        records,
    );
    survey.write_ins = write_ins;
    survey.respondent = survey.find_any(&["id", "response id"]);
    survey.date = survey.find_any(&["startdate", "date started", "datestamp", "date last action"]);
    survey.completion = survey
        .find_any(&["submitdate", "date submitted"])
        .map(|column| Completion::when_empty(column, "submitdate is empty"));
    Ok(survey)
}

/// Cells a LimeSurvey option column holds: a tick (`Y`, `Yes`, `Ja`, `Sí`, `1`), its absence or
/// `N/A`, never free text.
fn holds_ticks(records: &Records, column: usize) -> bool {
    const TICKS: &[&str] = &["y", "yes", "ja", "si", "sí", "1", "n", "no", "nein", "0", "n a"];
    records
        .iter()
        .take(1000)
        .filter_map(|(_, r)| r.get(column))
        .map(normalize)
        .all(|c| c.is_empty() || TICKS.contains(&c.as_str()))
}

fn heading(raw: &str) -> Heading {
    let raw = raw.trim();
    let code_len = raw
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(raw.len());
    let (code, rest) = raw.split_at(code_len);
    let (sub, rest) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((sub, rest)) if !code.is_empty() => (Some(sub.to_string()), rest),
        _ => (None, rest),
    };
    let (code, text) = match rest.strip_prefix(". ") {
        Some(text) if !code.is_empty() => (code.to_string(), text),
        _ if rest.is_empty() && !code.is_empty() => (code.to_string(), ""),
        // A full-text heading: the question text is the code users see.
        _ => (String::new(), raw),
    };
    let (text, option) = match text.strip_suffix(']').and_then(|t| t.rsplit_once(" [")) {
        Some((question, option)) => (question.trim().to_string(), Some(option.trim().to_string())),
        None => (text.trim().to_string(), None),
    };
    let code = if code.is_empty() { text.clone() } else { code };
    Heading {
        code,
        sub,
        text,
        option,
    }
}

/// Subquestions of one code (`SM1[SQ001]`, `SM1_SQ001`, or one text with `[option]`s) form one
/// question; `[comment]` and `[other]` columns are write-ins (returned apart).
fn questions(headings: &[Heading]) -> (Vec<Question>, Vec<usize>) {
    let mut questions: Vec<Question> = Vec::new();
    let mut write_ins = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        if META.contains(&normalize(&h.code).as_str()) || h.code.is_empty() {
            continue;
        }
        let (code, sub) = match (&h.sub, h.code.split_once('_')) {
            (Some(sub), _) => (h.code.clone(), Some(sub.clone())),
            (None, Some((base, sub)))
                if headings
                    .iter()
                    .filter(|o| o.code.starts_with(&format!("{base}_")))
                    .count()
                    > 1 =>
            {
                (base.to_string(), Some(sub.to_string()))
            }
            _ => (h.code.clone(), None),
        };
        // `[comment]` and `[other]` hold what the respondent wrote: free text, never a tick.
        if sub
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("comment") || s.eq_ignore_ascii_case("other"))
        {
            write_ins.push(i);
            continue;
        }
        let option = match (&h.option, sub.as_deref()) {
            (Some(option), _) => Some(option.clone()),
            (None, sub) => sub.map(str::to_string),
        };
        let part = Part { column: i, option };
        let text = if h.text.is_empty() {
            code.clone()
        } else {
            h.text.clone()
        };
        match questions.iter_mut().find(|q| q.code == code) {
            Some(q) => q.parts.push(part),
            None => questions.push(Question {
                code,
                text,
                parts: vec![part],
            }),
        }
    }
    (questions, write_ins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_forms() {
        let h = heading("SM1[SQ001]. Wer betreut Social Media? [Marketing]");
        assert_eq!(
            (h.code.as_str(), h.sub.as_deref(), h.text.as_str(), h.option.as_deref()),
            ("SM1", Some("SQ001"), "Wer betreut Social Media?", Some("Marketing"))
        );
        let h = heading("SM1[SQ002]");
        assert_eq!(
            (h.code.as_str(), h.sub.as_deref(), h.option),
            ("SM1", Some("SQ002"), None)
        );
        let h = heading("Wer betreut Social Media? [Vertrieb]");
        assert_eq!(
            (h.code.as_str(), h.option.as_deref()),
            ("Wer betreut Social Media?", Some("Vertrieb"))
        );
        assert_eq!(heading("submitdate").code, "submitdate");
    }

    #[test]
    fn a_full_text_other_column_holding_text_is_a_write_in() {
        let text = "Date submitted,Last page,Who? [Marketing],Who? [PR],Who? [Other]\n\
                    2024-01-01,2,Yes,No,\n2024-01-01,2,No,No,Agentur\n";
        let survey = parse(Path::new("x.csv"), &sniff::decode(text.as_bytes()), b',').unwrap();
        assert_eq!(survey.write_ins, vec![4]);
        let who = survey.questions.iter().find(|q| q.code == "Who?").unwrap();
        assert_eq!(who.options().collect::<Vec<_>>(), vec!["Marketing", "PR"]);
    }

    #[test]
    fn expression_manager_codes_group() {
        let hs: Vec<Heading> = ["id", "SM1_SQ001", "SM1_SQ002", "SM1_other", "Q2"]
            .iter()
            .map(|h| heading(h))
            .collect();
        let (qs, write_ins) = questions(&hs);
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[0].code, "SM1");
        assert_eq!(qs[0].options().collect::<Vec<_>>(), vec!["SQ001", "SQ002"]);
        assert_eq!(write_ins, vec![3]);
    }
}
