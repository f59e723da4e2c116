//! Typeform CSV: a token column `#` first, one column per question headed by its text, a checkbox
//! question as one column per option whose cell holds the option's text when ticked (an "Other"
//! column holding what the respondent wrote is a write-in), and `Start Date (UTC)`, `Submit Date (UTC)`,
//! `Network ID` at the end. An empty `Submit Date` is an unfinished response. Some files carry an
//! added row of question texts over the option columns; then the `#` row is the second.

use std::path::Path;

use super::survey::{
    Column, Completion, Part, Question, Records, Survey, header, holds_only, is_other_option, split_rows,
};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

/// Metadata columns (normalized), never a survey question.
const META: &[&str] = &[
    "start date utc",
    "stage date utc",
    "submit date utc",
    "start date",
    "submit date",
    "network id",
    "response type",
    "tags",
    "ending",
    "token",
];

/// The header row holding the `#` column (0, or 1 under an added row of question texts), when the
/// file is a Typeform export: that row also names a Typeform metadata column.
pub fn header_row(head: &[Vec<String>]) -> Option<usize> {
    let first_is = |row: usize, cell: &str| head.get(row).and_then(|r| r.first()).is_some_and(|c| c == cell);
    let row = if first_is(0, "#") {
        0
    } else if first_is(0, "") && first_is(1, "#") {
        1
    } else {
        return None;
    };
    let typeform = head[row].iter().any(|c| {
        let n = normalize(c);
        n.starts_with("submit date") || n.starts_with("start date utc") || n == "network id"
    });
    typeform.then_some(row)
}

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let row = header_row(&sniff::head_rows(&decoded.text, delimiter)).unwrap_or(0);
    let (headers, records) = split_rows(path, &decoded.text, delimiter, row + 1)?;
    let width = headers.get(row).map_or(0, Vec::len);
    let names: Vec<String> = (0..width).map(|i| header(&headers, row, i)).collect();
    let groups: Vec<String> = (0..width)
        .map(|i| {
            if row == 1 {
                header(&headers, 0, i)
            } else {
                String::new()
            }
        })
        .collect();
    let (questions, write_ins) = questions(&names, &groups, &records);
    let mut columns: Vec<Column> = names
        .iter()
        .map(|n| Column {
            name: n.clone(),
            text: n.clone(),
        })
        .collect();
    for q in questions.iter().filter(|q| q.parts.len() > 1) {
        for part in &q.parts {
            columns[part.column].text = q.text.clone();
        }
    }
    let mut survey = Survey::new(
        InputFormat::Typeform,
        decoded,
        delimiter,
        row + 1,
        columns,
        questions,
        records,
    );
    survey.write_ins = write_ins;
    survey.respondent = survey.columns.iter().position(|c| c.name == "#");
    survey.date = survey.find_any(&["start date utc", "start date", "submit date utc", "submit date"]);
    survey.completion = survey
        .find_any(&["submit date utc", "submit date"])
        .map(|column| Completion::when_empty(column, "Submit Date is empty"));
    Ok(survey)
}

fn is_meta(name: &str) -> bool {
    name == "#" || name.is_empty() || META.contains(&normalize(name).as_str())
}

/// Checkbox questions first (a run of option columns: under one added question text, or, without
/// that row, two or more adjacent columns each holding only its own header), every other column a
/// question of its own. An "Other" column after a run holding what respondents wrote is a
/// write-in (returned apart), never a tick.
fn questions(names: &[String], groups: &[String], records: &Records) -> (Vec<Question>, Vec<usize>) {
    let option_like = |i: usize| !is_meta(&names[i]) && holds_only(records, i, &names[i]);
    let (mut questions, mut write_ins) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < names.len() {
        if is_meta(&names[i]) {
            i += 1;
            continue;
        }
        let grouped = !groups[i].is_empty();
        let end = if grouped {
            (i + 1..names.len())
                .find(|&j| !groups[j].is_empty() || !option_like(j))
                .unwrap_or(names.len())
        } else {
            run_end(i, names, records)
        };
        if end - i > 1 || grouped {
            let parts: Vec<Part> = (i..end)
                .map(|j| Part {
                    column: j,
                    option: Some(names[j].clone()),
                })
                .collect();
            let (code, text) = match grouped {
                true => (groups[i].clone(), groups[i].clone()),
                false => (names[i].clone(), names[i..end].join(" / ")),
            };
            questions.push(Question { code, text, parts });
            if end < names.len() && groups[end].is_empty() && is_other_option(&names[end]) {
                write_ins.push(end);
                i = end + 1;
                continue;
            }
        } else {
            questions.push(Question {
                code: names[i].clone(),
                text: names[i].clone(),
                parts: vec![Part {
                    column: i,
                    option: None,
                }],
            });
        }
        i = end;
    }
    (questions, write_ins)
}

/// The end of a run of option columns starting at `start` without an added question row: each
/// column holds only its header, and at least one cell does.
fn run_end(start: usize, names: &[String], records: &Records) -> usize {
    let ticked_own = |i: usize| {
        !is_meta(&names[i])
            && holds_only(records, i, &names[i])
            && records
                .iter()
                .take(1000)
                .any(|(_, r)| r.get(i).is_some_and(|c| !c.trim().is_empty()))
    };
    let mut end = start;
    while end < names.len() && ticked_own(end) {
        end += 1;
    }
    if end - start > 1 { end } else { start + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(rows: &[&[&str]]) -> Records {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i as u64 + 2, csv::StringRecord::from(r.to_vec())))
            .collect()
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_string()).collect()
    }

    #[test]
    fn the_header_row_is_the_one_starting_with_the_token_column() {
        let head = |rows: &[&[&str]]| rows.iter().map(|r| strings(r)).collect::<Vec<_>>();
        assert_eq!(header_row(&head(&[&["#", "Who?", "Submit Date (UTC)"]])), Some(0));
        assert_eq!(
            header_row(&head(&[&["", "Who?", ""], &["#", "Marketing", "Network ID"]])),
            Some(1)
        );
        assert_eq!(header_row(&head(&[&["#", "Who?"]])), None);
        assert_eq!(header_row(&head(&[&["id", "Submit Date (UTC)"]])), None);
    }

    #[test]
    fn option_columns_form_one_checkbox_question_and_other_joins_them() {
        let names = strings(&["#", "Size", "Marketing", "PR", "Other", "Submit Date (UTC)"]);
        let groups = vec![String::new(); names.len()];
        let recs = records(&[
            &["a", "10", "Marketing", "", "", "2024-01-02"],
            &["b", "20", "", "PR", "Social team", "2024-01-02"],
        ]);
        let (qs, write_ins) = questions(&names, &groups, &recs);
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[0].code, "Size");
        assert_eq!(qs[0].parts[0].option, None);
        assert_eq!(qs[1].options().collect::<Vec<_>>(), vec!["Marketing", "PR"]);
        assert_eq!(write_ins, vec![4]);
    }

    #[test]
    fn an_added_question_row_groups_its_options() {
        let names = strings(&["#", "Marketing", "PR", "Version"]);
        let groups = strings(&["", "Who runs it?", "", ""]);
        let recs = records(&[&["a", "Marketing", "", "2.4"], &["b", "", "", "2.3"]]);
        let (qs, _) = questions(&names, &groups, &recs);
        assert_eq!(qs.len(), 2);
        assert_eq!((qs[0].code.as_str(), qs[0].parts.len()), ("Who runs it?", 2));
        assert_eq!(qs[1].code, "Version");
    }
}
