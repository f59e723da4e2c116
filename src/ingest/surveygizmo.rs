//! SurveyGizmo (now Alchemer) CSV: one header row starting `Time Started, Date Submitted, Status`
//! (`Complete` / `Partial`: a partial response is unfinished), a question per column headed by its
//! text, checkbox answers joined with `;` in one cell or one `Option:Question` column per option,
//! and write-ins headed `Other - Write In:Question` or `Other word(s)::Question` (free text).

use std::path::Path;

use super::survey::{Column, Completion, Part, Question, Records, Survey, holds_only, split_rows};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

/// Metadata columns (normalized), never a survey question.
const META: &[&str] = &[
    "time started",
    "date submitted",
    "status",
    "response id",
    "contact id",
    "legacy comments",
    "comments",
    "language",
    "referer",
    "extended referer",
    "sessionid",
    "session id",
    "user agent",
    "extended user agent",
    "tags",
    "ip address",
    "longitude",
    "latitude",
    "country",
    "city",
    "state region",
    "postal",
    "postal code",
];

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let (headers, records) = split_rows(path, &decoded.text, delimiter, 1)?;
    let columns = Column::from_header(&headers);
    let (questions, write_ins) = questions(&columns, &records);
    let mut survey = Survey {
        joiner: ";",
        write_ins,
        ..Survey::new(
            InputFormat::Surveygizmo,
            decoded,
            delimiter,
            1,
            columns,
            questions,
            records,
        )
    };
    survey.respondent = survey.find_any(&["response id"]);
    survey.date = survey.find_any(&["time started", "date submitted"]);
    survey.completion = survey.find_any(&["status"]).map(|column| Completion {
        column,
        incomplete: |cell| normalize(cell) == "partial",
        what: "Status is Partial",
    });
    Ok(survey)
}

/// A write-in: `Other - Write In:Question`, `Other word(s)::Question`.
fn is_write_in(name: &str) -> bool {
    name.split_once(':')
        .is_some_and(|(prefix, _)| normalize(prefix).starts_with("other"))
}

/// `Option:Question` columns in a row whose cells hold only their option form one checkbox
/// question; write-ins are set apart; every other column is a question of its own.
fn questions(columns: &[Column], records: &Records) -> (Vec<Question>, Vec<usize>) {
    let (mut questions, mut write_ins): (Vec<Question>, Vec<usize>) = (Vec::new(), Vec::new());
    for (i, column) in columns.iter().enumerate() {
        let name = column.name.as_str();
        if name.is_empty() || META.contains(&normalize(name).as_str()) {
            continue;
        }
        if is_write_in(name) {
            write_ins.push(i);
            continue;
        }
        let option = name
            .split_once(':')
            .filter(|(option, _)| holds_only(records, i, option))
            .map(|(option, question)| (option.trim().to_string(), question.trim().to_string()));
        match (option, questions.last_mut()) {
            (Some((option, question)), Some(last))
                if last.code == question
                    && last
                        .parts
                        .last()
                        .is_some_and(|p| p.column + 1 == i && p.option.is_some()) =>
            {
                last.parts.push(Part {
                    column: i,
                    option: Some(option),
                });
            }
            (Some((option, question)), _) => questions.push(Question {
                code: question.clone(),
                text: question,
                parts: vec![Part {
                    column: i,
                    option: Some(option),
                }],
            }),
            (None, _) => questions.push(Question {
                code: name.to_string(),
                text: name.to_string(),
                parts: vec![Part {
                    column: i,
                    option: None,
                }],
            }),
        }
    }
    (questions, write_ins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_ins_are_set_apart_and_option_columns_group() {
        let columns: Vec<Column> = [
            "Time Started",
            "Status",
            "Which team?",
            "Other - Write In:Which team?",
            "Marketing:Who posts?",
            "PR:Who posts?",
            "Tool #1:Which tools?",
        ]
        .iter()
        .map(|n| Column {
            name: (*n).into(),
            text: (*n).into(),
        })
        .collect();
        let record = csv::StringRecord::from(vec!["t", "Complete", "Marketing", "", "Marketing", "", "Excel"]);
        let (qs, write_ins) = questions(&columns, &vec![(2, record)]);
        assert_eq!(write_ins, vec![3]);
        let codes: Vec<&str> = qs.iter().map(|q| q.code.as_str()).collect();
        assert_eq!(codes, vec!["Which team?", "Who posts?", "Tool #1:Which tools?"]);
        assert_eq!(qs[1].options().collect::<Vec<_>>(), vec!["Marketing", "PR"]);
    }
}
