//! Survey-tool exports to respondent answers: which question holds the departments, which rows
//! are unfinished, and the labels each row names; every row ends up accepted or rejected.

use std::collections::BTreeSet;

use super::generic::WAVE_COLUMNS;
use super::rules::{Rules, Wave};
use super::survey::{Part, Question, Survey};
use super::{Choice, InputSpec, RawAnswer, RawInput};
use crate::error::{Error, Result};
use crate::taxonomy::{Taxonomy, is_no_answer, normalize};

/// Cells of a broken-out option column that mean "not ticked".
const UNTICKED: &[&str] = &[
    "0",
    "no",
    "n",
    "nein",
    "false",
    "falsch",
    "not selected",
    "nicht gewählt",
];

/// Column positions for one file, resolved once before any row is read.
struct Plan {
    question: Question,
    rules: Rules,
}

/// Reads every data row of `survey`.
pub fn read(spec: &InputSpec, survey: &Survey, taxonomy: &Taxonomy) -> Result<RawInput> {
    let mut input = RawInput::new(spec);
    input.notes.push(format!(
        "{}: {} export, {}, delimiter `{}`, {} header row(s), {} data rows",
        spec.path.display(),
        survey.format.as_str(),
        survey.encoding,
        (survey.delimiter as char).escape_default(),
        survey.header_rows,
        survey.records.len()
    ));
    let plan = plan(spec, survey, taxonomy, &mut input.notes)?;
    let mut seen = BTreeSet::new();
    for (line, record) in &survey.records {
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        if let Some(c) = survey.completion
            && !spec.include_incomplete
            && cells.len() == survey.columns.len()
            && (c.incomplete)(cells[c.column])
        {
            input.exclude_incomplete(*line, c.what);
            continue;
        }
        match answer(spec, survey, &plan, *line, &cells, taxonomy, &mut seen) {
            Ok(answer) => input.accept(answer),
            Err(reason) => input.reject(*line, reason),
        }
    }
    Ok(input)
}

fn plan(spec: &InputSpec, survey: &Survey, taxonomy: &Taxonomy, notes: &mut Vec<String>) -> Result<Plan> {
    let path = spec.path.as_path();
    let column = |name: &String| {
        survey.find(name).ok_or_else(|| Error::MissingColumn {
            path: path.to_path_buf(),
            column: name.clone(),
            available: survey.names(),
        })
    };
    let wave = match (&spec.wave_col, spec.wave) {
        (Some(name), _) => Wave::Column(column(name)?),
        (None, Some(wave)) => Wave::Fixed(wave),
        (None, None) => match (survey.find_any(WAVE_COLUMNS), survey.date) {
            (Some(i), _) => Wave::Column(i),
            (None, Some(i)) => {
                notes.push(format!(
                    "{}: no wave given; taking each row's year from `{}` (--wave YEAR to set it)",
                    path.display(),
                    survey.columns[i].name
                ));
                Wave::Date(i)
            }
            (None, None) => {
                return Err(Error::NoWave {
                    path: path.to_path_buf(),
                });
            }
        },
    };
    let optional = |name: &Option<String>| name.as_ref().map(column).transpose();
    let question = department_question(spec, survey, taxonomy, notes)?;
    if question.is_broken_out() && spec.choice == Choice::Single {
        return Err(Error::Question {
            path: path.to_path_buf(),
            reason: format!(
                "`{}` is a multiple-choice question (one column per option); pass --multi (choice = \"multi\" in a study config)",
                question.code
            ),
        });
    }
    let mut rules = Rules {
        width: survey.columns.len(),
        wave,
        respondent: match &spec.respondent_col {
            Some(name) => Some(column(name)?),
            None => survey.respondent,
        },
        weight: optional(&spec.weight_col)?,
        stratum: optional(&spec.strata_col)?,
        psu: optional(&spec.psu_col)?,
        fpc: optional(&spec.fpc_col)?,
        segment: optional(&spec.by_col)?,
        calibration: spec
            .calibration_cols
            .iter()
            .map(|name| Ok((name.clone(), column(name)?)))
            .collect::<Result<Vec<_>>>()?,
        lossy: survey.lossy.then(|| survey.names()),
        numbers: Default::default(),
    };
    rules.decide_numbers(
        spec.decimal,
        |i| {
            survey
                .records
                .iter()
                .take(1000)
                .map(move |(_, r)| r.get(i).unwrap_or(""))
        },
        survey.delimiter,
    );
    Ok(Plan { question, rules })
}

/// The question `--dept-col` names, or the one whose labels best resolve in the taxonomy.
fn department_question(
    spec: &InputSpec,
    survey: &Survey,
    taxonomy: &Taxonomy,
    notes: &mut Vec<String>,
) -> Result<Question> {
    let path = spec.path.as_path();
    if let Some(name) = &spec.dept_col {
        let by_code = survey.questions.iter().find(|q| q.code.eq_ignore_ascii_case(name));
        return match by_code.or_else(|| survey.questions.iter().find(|q| q.answers_to(name, &survey.columns))) {
            Some(q) if by_code.is_none() => Ok(one_column(survey, q, name).unwrap_or_else(|| q.clone())),
            Some(q) => Ok(q.clone()),
            None => Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: name.clone(),
                available: survey.questions.iter().map(|q| q.code.clone()).collect(),
            }),
        };
    }
    let (question, score) = candidates(survey, taxonomy).into_iter().next().ok_or_else(|| Error::NoDepartmentColumn {
        path: path.to_path_buf(),
        reason: format!(
            "no question holds department labels; pass --dept-col NAME (questions: {}); `deptshare inspect FILE` lists them",
            survey.questions.iter().map(|q| q.code.as_str()).collect::<Vec<_>>().join(", ")
        ),
    })?;
    notes.push(format!(
        "{}: using question `{}` for departments ({:.0}% of its labels are known; --dept-col to choose)",
        path.display(),
        question.code,
        score * 100.0
    ));
    Ok(question.clone())
}

/// `--dept-col` naming one column of a question by its tag or second-row text: a matrix row
/// (`Q4_1`, SurveyMonkey's `Han Solo`), whose cells hold answers rather than one tick, is read
/// alone, its cell the answer; a checkbox column names its whole question (`None`).
fn one_column(survey: &Survey, question: &Question, name: &str) -> Option<Question> {
    let wanted = normalize(name);
    if question.parts.len() < 2 || normalize(&question.text) == wanted {
        return None;
    }
    let part = question
        .parts
        .iter()
        .find(|p| survey.columns.get(p.column).is_some_and(|c| c.answers_to(name)))?;
    let mut answers = BTreeSet::new();
    for (_, record) in survey.records.iter().take(1000) {
        let cell = record.get(part.column).unwrap_or("").trim();
        if ticked(cell) {
            answers.insert(normalize(cell));
        }
    }
    (answers.len() > 1).then(|| Question {
        code: name.to_string(),
        text: survey.columns[part.column].text.clone(),
        parts: vec![Part {
            column: part.column,
            option: None,
        }],
    })
}

/// Questions whose labels are mostly known departments, best first.
pub fn candidates<'a>(survey: &'a Survey, taxonomy: &Taxonomy) -> Vec<(&'a Question, f64)> {
    let rows = sample_rows(survey);
    let mut scored: Vec<(&Question, f64)> = survey
        .questions
        .iter()
        .filter_map(|q| {
            let labels = distinct_labels_in(&rows, survey, q, taxonomy);
            let known = labels.iter().filter(|l| taxonomy.resolve(l).is_some()).count();
            let score = known as f64 / labels.len().max(1) as f64;
            (score > 0.5).then_some((q, score))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored
}

/// The first thousand records' cells, trimmed: split once for every question that looks at them
/// (a file of 10,000 questions would otherwise split each record 10,000 times).
fn sample_rows(survey: &Survey) -> Vec<Vec<&str>> {
    survey
        .records
        .iter()
        .take(1000)
        .map(|(_, record)| record.iter().map(str::trim).collect())
        .collect()
}

/// The distinct labels a question's cells name in the first thousand rows.
pub fn distinct_labels(survey: &Survey, question: &Question, taxonomy: &Taxonomy) -> BTreeSet<String> {
    distinct_labels_in(&sample_rows(survey), survey, question, taxonomy)
}

fn distinct_labels_in(
    rows: &[Vec<&str>],
    survey: &Survey,
    question: &Question,
    taxonomy: &Taxonomy,
) -> BTreeSet<String> {
    let mut labels = BTreeSet::new();
    for cells in rows {
        labels.extend(labels_of(survey, question, cells, true, taxonomy));
        if labels.len() > 200 {
            break;
        }
    }
    labels
}

/// A checkbox question, or one whose cells name several known departments at once.
pub fn looks_multi(survey: &Survey, question: &Question, taxonomy: &Taxonomy) -> bool {
    question.is_broken_out()
        || survey.records.iter().take(1000).any(|(_, record)| {
            let cells: Vec<&str> = record.iter().map(str::trim).collect();
            let labels = labels_of(survey, question, &cells, false, taxonomy);
            labels.len() > 1
        })
}

/// The row rules, then the labels the row names (a single-choice answer naming several is rejected).
fn answer(
    spec: &InputSpec,
    survey: &Survey,
    plan: &Plan,
    line: u64,
    cells: &[&str],
    taxonomy: &Taxonomy,
    seen: &mut BTreeSet<(i32, String)>,
) -> std::result::Result<RawAnswer, String> {
    let row = plan.rules.row(cells, seen)?;
    let labels = labels_of(survey, &plan.question, cells, spec.choice == Choice::Multi, taxonomy);
    if spec.choice == Choice::Single && labels.len() > 1 {
        return Err(format!(
            "several departments ({}) in a single-choice answer; pass --multi if the question allows several",
            labels.join(" | ")
        ));
    }
    Ok(row.answer(line, labels))
}

/// The labels a row names for `question`. In single choice a cell of several known labels is still
/// split, so that a respondent naming two departments is rejected rather than read as one odd label.
fn labels_of(survey: &Survey, question: &Question, cells: &[&str], multi: bool, taxonomy: &Taxonomy) -> Vec<String> {
    let mut labels = Vec::new();
    for part in &question.parts {
        let cell = cells.get(part.column).copied().unwrap_or("");
        match &part.option {
            Some(option) if ticked(cell) => labels.push(option.clone()),
            Some(_) => {}
            None if taxonomy.is_no_answer(cell) => {}
            None => {
                let split = split_known(cell, survey.joiner, question, taxonomy);
                if multi || split.iter().all(|l| taxonomy.resolve(l).is_some()) {
                    labels.extend(split);
                } else {
                    labels.push(cell.to_string());
                }
            }
        }
    }
    labels.dedup();
    labels
}

/// Whether an option column's cell ticks its option.
pub(crate) fn ticked(cell: &str) -> bool {
    !cell.is_empty() && cell != "-99" && !is_no_answer(cell) && !UNTICKED.contains(&normalize(cell).as_str())
}

/// Splits a joined cell at `joiner`, longest known label first, so that an option whose own text
/// holds the joiner ("Marketing, PR & Kommunikation") stays whole.
pub fn split_known(cell: &str, joiner: &str, question: &Question, taxonomy: &Taxonomy) -> Vec<String> {
    let whole_known =
        |text: &str| taxonomy.resolve(text).is_some() || question.options().any(|o| normalize(o) == normalize(text));
    let sep = joiner.trim();
    if sep.is_empty() || whole_known(cell) || !cell.contains(sep) {
        return vec![cell.to_string()];
    }
    let pieces: Vec<&str> = cell.split(sep).map(str::trim).collect();
    let mut labels = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let longest = (i + 2..=pieces.len().min(i + 8))
            .rev()
            .find(|&j| whole_known(&pieces[i..j].join(joiner)))
            .unwrap_or(i + 1);
        let label = pieces[i..longest].join(joiner);
        if !taxonomy.is_no_answer(&label) {
            labels.push(label);
        }
        i = longest;
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(options: &[&str]) -> Question {
        Question {
            code: "Q".into(),
            text: String::new(),
            parts: options
                .iter()
                .enumerate()
                .map(|(i, o)| super::super::survey::Part {
                    column: i,
                    option: Some((*o).to_string()),
                })
                .collect(),
        }
    }

    #[test]
    fn joined_cells_split_on_known_labels_first() {
        let t = Taxonomy::builtin();
        let q = question(&["Marketing, PR & Kommunikation", "Vertrieb"]);
        assert_eq!(
            split_known("Marketing, PR & Kommunikation, Vertrieb", ", ", &q, &t),
            vec!["Marketing, PR & Kommunikation", "Vertrieb"]
        );
        assert_eq!(
            split_known("Marketing,PR", ",", &question(&[]), &t),
            vec!["Marketing", "PR"]
        );
        assert_eq!(split_known("1,2,3", ",", &question(&[]), &t), vec!["1", "2", "3"]);
        assert_eq!(split_known("HR", ", ", &question(&[]), &t), vec!["HR"]);
    }

    #[test]
    fn bad_weights_are_rejected_rows_with_their_line() {
        let mut spec = InputSpec::new("w.csv");
        spec.weight_col = Some("Gewicht".into());
        let text =
            "Timestamp,Gewicht,Abteilung\n5/1/2024,\"1,5\",Marketing\n5/1/2024,0,PR\n5/1/2024,abc,PR\n5/1/2024,,PR\n";
        let input = super::super::read_bytes(&spec, text.as_bytes(), &Taxonomy::builtin()).unwrap();
        assert_eq!(input.answers.len(), 1);
        assert_eq!(input.answers[0].weight, 1.5);
        let rejects: Vec<(u64, &str)> = input.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            rejects,
            vec![
                (3, "weight `0` is not above zero"),
                (4, "weight `abc` is not a number"),
                (5, "missing weight")
            ]
        );
        assert_eq!((input.summary.rows_read, input.summary.rows_rejected), (4, 3));
    }

    #[test]
    fn ticks() {
        for yes in ["1", "Y", "Yes", "Marketing", "TRUE"] {
            assert!(ticked(yes), "{yes}");
        }
        for no in ["", "0", "N", "No", "N/A", "-99", "False"] {
            assert!(!ticked(no), "{no}");
        }
    }
}
