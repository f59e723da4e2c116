//! SurveyMonkey expanded CSV: question texts (blank on continuation columns) over `Response`,
//! `Open-Ended Response` or one option text per checkbox column. Older exports name the metadata
//! without spaces (`RespondentID, CollectorID, StartDate`) or start at `StartDate`; an "Other
//! (please specify)" column beside a `Response` column is a write-in (free text).

use std::path::Path;

use super::survey::{
    Column, Part, Question, Records, Survey, clean_option, header, holds_only, is_other_option, split_rows,
};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

/// Metadata columns (normalized), with and without the spaces older exports leave out.
const META: &[&str] = &[
    "respondent id",
    "respondentid",
    "collector id",
    "collectorid",
    "start date",
    "startdate",
    "end date",
    "enddate",
    "ip address",
    "ipaddress",
    "email address",
    "emailaddress",
    "first name",
    "firstname",
    "last name",
    "lastname",
    "custom data 1",
    "custom data",
    "customdata",
];

/// Second-row cells that say "the answer is in the cell", not "this column is an option".
const RESPONSE: &[&str] = &["response", "open ended response", "antwort", "offene antwort"];

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let head = sniff::head_rows(&decoded.text, delimiter);
    let header_rows = if head.len() > 1 && has_subheader(&head[0], &head[1]) {
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
    let (questions, write_ins) = questions(&columns, &records);
    let mut survey = Survey::new(
        InputFormat::Surveymonkey,
        decoded,
        delimiter,
        header_rows,
        columns,
        questions,
        records,
    );
    survey.write_ins = write_ins;
    survey.respondent = survey.find_any(&["respondent id", "respondentid"]);
    survey.date = survey.find_any(&["start date", "startdate"]);
    Ok(survey)
}

/// Whether the second row is SurveyMonkey's row of option texts, told by what it holds: it leaves
/// the metadata columns (`Respondent ID`, `Collector ID`, `StartDate` ...) blank, which every
/// response fills. (A file whose second row was deleted has a respondent there, who must not be
/// taken for a header.)
fn has_subheader(top: &[String], second: &[String]) -> bool {
    let blank_under_meta = top
        .iter()
        .enumerate()
        .filter(|(_, c)| META.contains(&normalize(c).as_str()))
        .all(|(i, _)| second.get(i).is_none_or(|c| c.trim().is_empty()));
    blank_under_meta && second.iter().any(|c| !c.trim().is_empty())
}

/// A SurveyMonkey export known by its second row: metadata named in the first row (`RespondentID`
/// or `StartDate`) and blank beneath, and cells only an option row has: `Response` /
/// `Open-Ended Response`, or an option under a blank (continued) question cell. A plain CSV whose
/// first respondent lacks an id has neither.
pub(crate) fn is_option_row(top: &[String], second: &[String]) -> bool {
    let meta = top.iter().any(|c| {
        matches!(
            normalize(c).as_str(),
            "respondentid" | "respondent id" | "startdate" | "start date"
        )
    });
    let response = second.iter().any(|c| RESPONSE.contains(&normalize(c).as_str()));
    let continued = (1..top.len().min(second.len()))
        .any(|i| top[i].trim().is_empty() && !top[i - 1].trim().is_empty() && !second[i].trim().is_empty());
    meta && (response || continued) && has_subheader(top, second)
}

/// Consecutive columns under one question text form one question. In a question with an answer
/// column (`Response`), the other columns ("Other (please specify)", a comment box) are
/// write-ins; in a checkbox question every column is an option, its cell holding the option's
/// text when ticked, except an "Other" column holding what respondents wrote: a write-in too.
fn questions(columns: &[Column], records: &Records) -> (Vec<Question>, Vec<usize>) {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if column.name.is_empty() || META.contains(&normalize(&column.name).as_str()) {
            continue;
        }
        match groups.last_mut() {
            Some((code, cols)) if *code == column.name && cols.last().is_some_and(|c| c + 1 == i) => cols.push(i),
            _ => groups.push((column.name.clone(), vec![i])),
        }
    }
    let is_answer = |i: usize| {
        let text = &columns[i].text;
        text.is_empty() || RESPONSE.contains(&normalize(text).as_str())
    };
    let (mut questions, mut write_ins) = (Vec::new(), Vec::new());
    for (code, cols) in groups {
        let answered = cols.iter().any(|&i| is_answer(i));
        let mut parts = Vec::new();
        for i in cols {
            match (answered, is_answer(i)) {
                (true, true) => parts.push(Part {
                    column: i,
                    option: None,
                }),
                (true, false) => write_ins.push(i),
                (false, _) if is_other_option(&columns[i].text) && !holds_only(records, i, &columns[i].text) => {
                    write_ins.push(i)
                }
                (false, _) => parts.push(Part {
                    column: i,
                    option: Some(clean_option(&columns[i].text)),
                }),
            }
        }
        questions.push(Question {
            text: code.clone(),
            code,
            parts,
        });
    }
    (questions, write_ins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_row_is_told_from_a_respondent_by_its_cells() {
        let rows = |text: &str| sniff::head_rows(text, b',');
        let sub = |text: &str| {
            let r = rows(text);
            r.len() > 1 && has_subheader(&r[0], &r[1])
        };
        assert!(sub("Respondent ID,Collector ID,Who?\n,,Response\n1,2,PR\n"));
        assert!(!sub("Respondent ID,Collector ID,Who?\n1,2,PR\n"));
        assert!(!sub("Respondent ID,Collector ID,Who?\n"));
        let older = rows("RespondentID,Who?,\n,Marketing,PR\n7,Marketing,\n");
        assert!(is_option_row(&older[0], &older[1]));
        assert!(!is_option_row(&older[0], &older[2]));
        let dated = rows("StartDate,EndDate,Who?\n,,Response\n,,PR\n");
        assert!(is_option_row(&dated[0], &dated[1]));
        assert!(
            !is_option_row(&dated[0], &dated[2]),
            "a respondent without dates is no option row"
        );
        let plain = rows("RespondentID,wave,department\n,2024,Marketing\n");
        assert!(
            !is_option_row(&plain[0], &plain[1]),
            "a respondent without an id is no option row"
        );
    }

    #[test]
    fn checkbox_columns_are_options_and_metadata_is_skipped() {
        let columns: Vec<Column> = [
            ("Respondent ID", ""),
            ("Who runs it?", "Marketing"),
            ("Who runs it?", "PR"),
            ("Who runs it?", "Other (please specify)"),
            ("Size", "Response"),
            ("Size", "Other (please specify)"),
        ]
        .iter()
        .map(|(n, t)| Column {
            name: (*n).into(),
            text: (*t).into(),
        })
        .collect();
        let ticked = csv::StringRecord::from(vec!["1", "Marketing", "", "Other (please specify)", "10", ""]);
        let (qs, write_ins) = questions(&columns, &vec![(3, ticked)]);
        assert_eq!(qs.len(), 2);
        assert_eq!(write_ins, vec![5]);
        assert_eq!(qs[1].parts.len(), 1);
        assert_eq!(
            qs[0].options().collect::<Vec<_>>(),
            vec!["Marketing", "PR", "Other (please specify)"]
        );
        assert!(qs[0].is_broken_out());
        assert_eq!(qs[1].parts[0].option, None);
        // Where the "Other" column holds what respondents wrote, it is a write-in, never a tick.
        let written = csv::StringRecord::from(vec!["2", "", "PR", "Social team", "10", ""]);
        let (qs, write_ins) = questions(&columns, &vec![(3, written)]);
        assert_eq!(write_ins, vec![3, 5]);
        assert_eq!(qs[0].options().collect::<Vec<_>>(), vec!["Marketing", "PR"]);
    }
}
