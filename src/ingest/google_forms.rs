//! Google Forms response sheet: `Timestamp` first, one column per question headed by its full
//! text, checkbox answers joined with ", " in one cell.

use std::path::Path;

use super::survey::{Column, Part, Question, Survey, split_rows};
use super::{InputFormat, sniff};
use crate::error::Result;
use crate::taxonomy::normalize;

const META: &[&str] = &[
    "timestamp",
    "zeitstempel",
    "marca temporal",
    "horodateur",
    "email address",
    "e mail adresse",
    "score",
    "punktzahl",
];

pub fn parse(path: &Path, decoded: &sniff::Decoded, delimiter: u8) -> Result<Survey> {
    let (headers, records) = split_rows(path, &decoded.text, delimiter, 1)?;
    let columns = Column::from_header(&headers);
    let questions = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.name.is_empty() && !META.contains(&normalize(&c.name).as_str()))
        .map(|(i, c)| Question {
            code: c.name.clone(),
            text: c.name.clone(),
            parts: vec![Part {
                column: i,
                option: None,
            }],
        })
        .collect();
    let mut survey = Survey {
        joiner: ", ",
        ..Survey::new(
            InputFormat::GoogleForms,
            decoded,
            delimiter,
            1,
            columns,
            questions,
            records,
        )
    };
    survey.date = survey.find_any(&["timestamp", "zeitstempel", "marca temporal", "horodateur"]);
    Ok(survey)
}
