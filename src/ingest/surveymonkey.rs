//! SurveyMonkey expanded CSV: question texts (blank on continuation columns) over `Response`,
//! `Open-Ended Response` or one option text per checkbox column.

use std::path::Path;

use super::survey::{Column, Part, Question, Survey, clean_option, header, split_rows};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

const META: &[&str] = &[
    "respondent id",
    "collector id",
    "start date",
    "end date",
    "ip address",
    "email address",
    "first name",
    "last name",
    "custom data 1",
    "custom data",
];

/// Second-row cells that say "the answer is in the cell", not "this column is an option".
const RESPONSE: &[&str] = &["response", "open ended response", "antwort", "offene antwort"];

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let header_rows = if has_subheader(&sniff::head_rows(&decoded.text, delimiter)) {
        2
    } else {
        1
    };
    let (headers, records) = split_rows(path, &decoded.text, delimiter, header_rows)?;
    let width = headers.first().map_or(0, Vec::len);
    let mut columns = Vec::with_capacity(width);
    let mut current = String::new();
    for i in 0..width {
        let (top, sub) = (header(&headers, 0, i), header(&headers, 1, i));
        if !top.is_empty() {
            current = top;
        }
        columns.push(Column {
            name: current.clone(),
            text: sub,
        });
    }
    let questions = questions(&columns);
    let mut survey = Survey::new(
        InputFormat::Surveymonkey,
        decoded,
        delimiter,
        header_rows,
        columns,
        questions,
        records,
    );
    survey.respondent = survey.find_any(&["respondent id"]);
    survey.date = survey.find_any(&["start date"]);
    Ok(survey)
}

/// Whether the second row is SurveyMonkey's row of option texts, told by what it holds: it leaves
/// `Respondent ID` and `Collector ID` blank, which every response fills. (A file whose second row
/// was deleted has a respondent there, who must not be taken for a header.)
fn has_subheader(head: &[Vec<String>]) -> bool {
    let (Some(top), Some(second)) = (head.first(), head.get(1)) else {
        return false;
    };
    let blank_under = |name: &str| {
        top.iter()
            .position(|c| normalize(c) == name)
            .is_none_or(|i| second.get(i).is_none_or(|c| c.trim().is_empty()))
    };
    blank_under("respondent id") && blank_under("collector id") && second.iter().any(|c| !c.trim().is_empty())
}

/// Consecutive columns under one question text form one question.
fn questions(columns: &[Column]) -> Vec<Question> {
    let mut questions: Vec<Question> = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if column.name.is_empty() || META.contains(&normalize(&column.name).as_str()) {
            continue;
        }
        let option = (!RESPONSE.contains(&normalize(&column.text).as_str()) && !column.text.is_empty())
            .then(|| clean_option(&column.text));
        let part = Part { column: i, option };
        match questions.last_mut() {
            Some(q) if q.code == column.name && q.parts.last().is_some_and(|p| p.column + 1 == i) => q.parts.push(part),
            _ => questions.push(Question {
                code: column.name.clone(),
                text: column.name.clone(),
                parts: vec![part],
            }),
        }
    }
    questions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_row_is_told_from_a_respondent_by_its_cells() {
        let rows = |text: &str| sniff::head_rows(text, b',');
        assert!(has_subheader(&rows(
            "Respondent ID,Collector ID,Who?\n,,Response\n1,2,PR\n"
        )));
        assert!(!has_subheader(&rows("Respondent ID,Collector ID,Who?\n1,2,PR\n")));
        assert!(!has_subheader(&rows("Respondent ID,Collector ID,Who?\n")));
    }

    #[test]
    fn checkbox_columns_are_options_and_metadata_is_skipped() {
        let columns: Vec<Column> = [
            ("Respondent ID", ""),
            ("Who runs it?", "Marketing"),
            ("Who runs it?", "PR"),
            ("Who runs it?", "Other (please specify)"),
            ("Size", "Response"),
        ]
        .iter()
        .map(|(n, t)| Column {
            name: (*n).into(),
            text: (*t).into(),
        })
        .collect();
        let qs = questions(&columns);
        assert_eq!(qs.len(), 2);
        assert_eq!(
            qs[0].options().collect::<Vec<_>>(),
            vec!["Marketing", "PR", "Other (please specify)"]
        );
        assert!(qs[0].is_broken_out());
        assert_eq!(qs[1].parts[0].option, None);
    }
}
