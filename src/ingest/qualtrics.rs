//! Qualtrics "Export data" CSV: export tags, question texts and an ImportId row (JSON, or a
//! Python dict in 2016-era files), or the legacy two-row form with `V1..V10` metadata tags.

use std::path::Path;

use super::survey::{Column, Completion, Part, Question, Survey, clean_option, header, split_rows};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

/// Metadata columns, never a survey question (normalized names).
const META: &[&str] = &[
    "startdate",
    "start date",
    "enddate",
    "end date",
    "status",
    "response type",
    "ipaddress",
    "ip address",
    "progress",
    "duration in seconds",
    "finished",
    "recordeddate",
    "recorded date",
    "responseid",
    "response id",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "responseset",
    "name",
    "emailaddress",
];

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let head = sniff::head_rows(&decoded.text, delimiter);
    let legacy = head.first().and_then(|r| r.first()).is_some_and(|c| c == "V1");
    let import_row = head.get(2).is_some_and(|r| {
        r.iter()
            .any(|c| c.starts_with("{\"ImportId\"") || c.starts_with("{'ImportId'"))
    });
    let header_rows = match (legacy, import_row) {
        (true, _) => 2,
        (false, true) => 3,
        (false, false) if names_its_metadata(&head) => 2,
        // The extra rows were deleted (in Excel, say): the second row is a respondent.
        (false, false) => 1,
    };
    let (headers, records) = split_rows(path, &decoded.text, delimiter, header_rows)?;
    let columns = columns(&headers, legacy);
    let questions = questions(&columns);
    let mut survey = Survey::new(
        InputFormat::Qualtrics,
        decoded,
        delimiter,
        header_rows,
        columns,
        questions,
        records,
    );
    survey.write_ins = (0..survey.columns.len())
        .filter(|&i| survey.columns[i].name.to_ascii_uppercase().ends_with("_TEXT"))
        .collect();
    survey.respondent = survey.find_any(&["responseid", "response id"]);
    survey.date = survey.find_any(&["startdate", "start date", "recordeddate", "recorded date"]);
    survey.completion = survey.find_any(&["finished"]).map(|column| Completion {
        column,
        // Only 1/True says finished: `maybe` or an empty cell is no evidence of it (issue 13, item 20).
        incomplete: |cell| !matches!(normalize(cell).as_str(), "1" | "true"),
        what: "Finished is not 1/True",
    });
    Ok(survey)
}

/// Whether the second row is Qualtrics' question-text row, told by what it holds rather than by
/// the tags above it: under `ResponseId` or `Finished` it names the column again (`Response ID`,
/// `Finished`), where a respondent's row has an id (`R_1`) or a flag (`1`, `True`).
fn names_its_metadata(head: &[Vec<String>]) -> bool {
    let (Some(tags), Some(second)) = (head.first(), head.get(1)) else {
        return false;
    };
    tags.iter().zip(second).any(|(tag, cell)| {
        matches!(normalize(tag).as_str(), "responseid" | "response id" | "finished")
            && META.contains(&normalize(cell).as_str())
    })
}

/// Export tags over question texts; legacy files tag metadata `V1..V10`, so there the second row
/// holds the names users know (`ResponseID`, `Finished`).
fn columns(headers: &[Vec<String>], legacy: bool) -> Vec<Column> {
    let width = headers.first().map_or(0, Vec::len);
    (0..width)
        .map(|i| {
            let (tag, text) = (header(headers, 0, i), header(headers, 1, i));
            let name = if legacy && is_v_tag(&tag) { text.clone() } else { tag };
            Column { name, text }
        })
        .collect()
}

fn is_v_tag(tag: &str) -> bool {
    tag.strip_prefix('V')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Groups `Q3_1, Q3_2, ..` into question `Q3` with the option each column's text names;
/// `_TEXT` columns are free text and belong to no question.
fn questions(columns: &[Column]) -> Vec<Question> {
    let mut questions: Vec<Question> = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let meta = META.contains(&normalize(&column.name).as_str()) || is_v_tag(&column.name);
        if meta || column.name.is_empty() || column.name.to_ascii_uppercase().ends_with("_TEXT") {
            continue;
        }
        let (base, broken_out) = match column.name.rsplit_once('_') {
            Some((base, n)) if !base.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => (
                base.to_string(),
                columns
                    .iter()
                    .filter(|c| c.name.starts_with(&format!("{base}_")))
                    .count()
                    > 1,
            ),
            _ => (column.name.clone(), false),
        };
        let (text, option) = split_text(&column.text, broken_out);
        let part = Part { column: i, option };
        let code = if broken_out { base } else { column.name.clone() };
        match questions.iter_mut().find(|q| q.code == code) {
            Some(q) if broken_out => q.parts.push(part),
            _ => questions.push(Question {
                code,
                text,
                parts: vec![part],
            }),
        }
    }
    for q in questions
        .iter_mut()
        .filter(|q| q.parts.len() > 1 && q.parts.iter().all(|p| p.option.is_none()))
    {
        split_at_dash(q, columns);
    }
    questions
}

/// Legacy and 2016 exports label a checkbox column `Question text-Option` (a dash without
/// spaces): the question text is what its columns' labels share up to their last common dash.
fn split_at_dash(question: &mut Question, columns: &[Column]) {
    let texts: Vec<&str> = question.parts.iter().map(|p| columns[p.column].text.as_str()).collect();
    let Some(first) = texts.first() else { return };
    let mut common = texts.iter().skip(1).fold(first.len(), |len, t| {
        first
            .bytes()
            .zip(t.bytes())
            .take_while(|(a, b)| a == b)
            .count()
            .min(len)
    });
    while !first.is_char_boundary(common) {
        common -= 1;
    }
    let shared = &first[..common];
    let Some(dash) = shared.rfind('-') else { return };
    if texts.iter().any(|t| t[dash + 1..].trim().is_empty()) {
        return;
    }
    question.text = shared[..dash].trim().to_string();
    for (part, text) in question.parts.iter_mut().zip(&texts) {
        part.option = Some(clean_option(&text[dash + 1..]));
    }
}

/// "Which department? - Selected Choice - Marketing" -> question text and option.
fn split_text(text: &str, broken_out: bool) -> (String, Option<String>) {
    if let Some((question, option)) = text.split_once(" - Selected Choice - ") {
        return (question.trim().to_string(), Some(clean_option(option)));
    }
    let text = text.strip_suffix(" - Selected Choice").unwrap_or(text);
    match text.rsplit_once(" - ") {
        Some((question, option)) if broken_out => (question.trim().to_string(), Some(clean_option(option))),
        _ => (text.trim().to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        sniff::head_rows(text, b',')
    }

    #[test]
    fn the_text_row_is_told_from_a_respondent_by_its_cells() {
        let text_row = "StartDate,Finished,ResponseId,Q1\nStart Date,Finished,Response ID,Who?\n";
        assert!(names_its_metadata(&rows(text_row)));
        let respondent = "StartDate,Finished,ResponseId,Q1\n2023-03-01,1,R_1,Marketing\n";
        assert!(!names_its_metadata(&rows(respondent)));
        assert!(!names_its_metadata(&rows("StartDate,Finished,ResponseId,Q1\n")));
    }

    fn column(name: &str, text: &str) -> Column {
        Column {
            name: name.into(),
            text: text.into(),
        }
    }

    #[test]
    fn broken_out_columns_form_one_question_and_text_columns_none() {
        let columns = vec![
            column("Finished", "Finished"),
            column("Q1", "Company size"),
            column("Q3_1", "Who runs social media? - Selected Choice - Marketing"),
            column("Q3_2", "Who runs social media? - Selected Choice - PR, Kommunikation"),
            column("Q3_7_TEXT", "Who runs social media? - Other - Text"),
        ];
        let qs = questions(&columns);
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[0].code, "Q1");
        assert_eq!(qs[1].code, "Q3");
        assert_eq!(qs[1].text, "Who runs social media?");
        assert_eq!(
            qs[1].options().collect::<Vec<_>>(),
            vec!["Marketing", "PR, Kommunikation"]
        );
    }

    #[test]
    fn legacy_labels_split_at_the_dash_their_columns_share() {
        let columns = vec![
            column("Q2_1", "Wer betreut Social Media? -Marketing"),
            column("Q2_2", "Wer betreut Social Media? -PR-Abteilung"),
            column("Q2_3", "Wer betreut Social Media? -Kunden-Service"),
            column("Q4_1", "Size-Small"),
            column("Q4_2", "Size-Small-Medium"),
        ];
        let qs = questions(&columns);
        assert_eq!(qs[0].text, "Wer betreut Social Media?");
        assert_eq!(
            qs[0].options().collect::<Vec<_>>(),
            vec!["Marketing", "PR-Abteilung", "Kunden-Service"]
        );
        assert_eq!(
            (qs[1].text.as_str(), qs[1].options().collect::<Vec<_>>()),
            ("Size", vec!["Small", "Small-Medium"])
        );
    }
}
