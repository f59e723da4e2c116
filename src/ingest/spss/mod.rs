//! SPSS system files (.sav, .zsav) as a survey export: value labels become the labels, user-missing
//! codes are no answer, variable labels are the question texts, dichotomy groups (an SPSS
//! multiple-response set, or Qualtrics' `Q2_1..Q2_n`) and category sets are one multiple-choice question, and
//! Qualtrics' `Finished` = 0 marks an unfinished response. Line numbers are case numbers.

mod cases;
mod sav;
#[cfg(test)]
mod tests;
mod texts;

use csv::StringRecord;

use self::sav::{Sav, Value, Variable};
use super::survey::{Column, Completion, Part, Question, Survey};
use super::{InputFormat, InputSpec, sniff};
use crate::error::{Error, Result};
use crate::taxonomy::normalize;

pub use self::sav::parse;

/// Value labels of a dichotomy's counted value that say only "ticked", not which option.
const TICK_WORDS: &[&str] = &[
    "1",
    "yes",
    "ja",
    "selected",
    "checked",
    "ticked",
    "true",
    "chosen",
    "ausgewählt",
];

/// Date and date-time print formats (PSPP manual, "Variable Record"): values are seconds since 1582-10-14.
const DATE_FORMATS: &[u8] = &[20, 23, 24, 28, 29, 30, 38, 39];
const DATETIME_FORMATS: &[u8] = &[22, 41];

/// Reads `spec.path` as an SPSS system file into the shape the survey readers share, with a line
/// for `inspect` saying what wrote the file and how it is stored.
pub fn read(spec: &InputSpec, bytes: &[u8]) -> Result<(Survey, String)> {
    let sav = parse(bytes).map_err(|reason| Error::Binary {
        path: spec.path.clone(),
        reason,
    })?;
    if sav.cases.is_empty() {
        return Err(Error::HeaderOnly {
            path: spec.path.clone(),
        });
    }
    let about = format!(
        "spss system file ({}, {} variables, {} cases; written by `{}`)",
        sav.compression,
        sav.variables.len(),
        sav.cases.len(),
        sav.product.trim()
    );
    Ok((survey(spec, &sav), about))
}

/// Variables read as one multiple-choice question: a dichotomy group (each member ticked when it
/// holds the counted value) or a category set (each member's cell holds one chosen label).
struct Group {
    code: String,
    text: String,
    members: Vec<usize>,
    counted: Option<Value>,
}

fn survey(spec: &InputSpec, sav: &Sav) -> Survey {
    let vars = &sav.variables;
    let columns: Vec<Column> = vars
        .iter()
        .map(|v| Column {
            name: v.name.clone(),
            // Qualtrics' labels hold line breaks (an intro before the question): one line of text.
            text: v
                .label
                .as_deref()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| v.name.clone()),
        })
        .collect();
    let groups = groups(sav);
    let raw: Vec<bool> = vars.iter().map(|v| names_a_raw_column(spec, v)).collect();
    let records = sav
        .cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let cells: Vec<String> = (0..vars.len()).map(|j| cell(vars, &groups, &raw, case, j)).collect();
            (i as u64 + 1, StringRecord::from(cells))
        })
        .collect();
    let decoded = sniff::Decoded {
        text: String::new(),
        encoding: sav.encoding.name(),
        lossy: false,
    };
    let questions = questions(vars, &groups, &columns);
    let mut survey = Survey::new(InputFormat::Spss, &decoded, b',', 0, columns, questions, records);
    survey.respondent = survey.find_any(super::generic::RESPONDENT_COLUMNS);
    survey.date = survey.find_any(&["startdate", "start date", "recordeddate", "recorded date", "submitdate"]);
    survey.completion = survey.find_any(&["finished"]).map(|column| Completion {
        column,
        incomplete: |cell| matches!(normalize(cell).as_str(), "0" | "false"),
        what: "Finished is 0/False",
    });
    survey
}

/// Columns the row rules read as numbers or ids keep their codes (a weight is never its label).
fn names_a_raw_column(spec: &InputSpec, v: &Variable) -> bool {
    [
        &spec.weight_col,
        &spec.strata_col,
        &spec.psu_col,
        &spec.fpc_col,
        &spec.wave_col,
        &spec.respondent_col,
    ]
    .iter()
    .any(|name| name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&v.name)))
}

fn cell(vars: &[Variable], groups: &[Group], raw: &[bool], case: &[Value], j: usize) -> String {
    let (var, value) = (&vars[j], &case[j]);
    if value == &Value::Number(None) || var.missing.contains(value) {
        return String::new();
    }
    if let Some(counted) = groups
        .iter()
        .find(|g| g.members.contains(&j))
        .and_then(|g| g.counted.as_ref())
    {
        return if value == counted { "1" } else { "0" }.to_string();
    }
    match (var.label_of(value), value) {
        (Some(label), _) if !raw[j] => label.to_string(),
        (_, Value::Text(text)) => text.clone(),
        (_, Value::Number(Some(x))) => number_text(var.format, *x),
        (_, Value::Number(None)) => String::new(),
    }
}

/// A number as a CSV would hold it: `1` for whole numbers, ISO dates for date formats.
fn number_text(format: u8, x: f64) -> String {
    if DATE_FORMATS.contains(&format) || DATETIME_FORMATS.contains(&format) {
        let seconds = x.floor() as i64;
        let (days, rest) = (seconds.div_euclid(86400), seconds.rem_euclid(86400));
        let (y, m, d) = civil(days - 141_428);
        if DATE_FORMATS.contains(&format) {
            return format!("{y:04}-{m:02}-{d:02}");
        }
        return format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        );
    }
    whole_or_decimal(x)
}

/// A number as Excel and SPSS show it: `1` not `1.0`, and at most 15 significant digits, so a
/// stored 0.30000000000000004 reads `0.3`.
pub fn whole_or_decimal(x: f64) -> String {
    let shown: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    if shown.fract() == 0.0 && shown.abs() < 1e15 {
        format!("{}", shown as i64)
    } else {
        format!("{shown}")
    }
}

/// Year, month and day of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The file's dichotomy multiple-response sets, then runs of `STEM_1..STEM_n` 0/1 variables.
fn groups(sav: &Sav) -> Vec<Group> {
    let vars = &sav.variables;
    let find = |name: &str| {
        vars.iter()
            .position(|v| v.short_name.eq_ignore_ascii_case(name) || v.name.eq_ignore_ascii_case(name))
    };
    let mut groups: Vec<Group> = sav
        .mr_sets
        .iter()
        .filter_map(|set| {
            let members: Vec<usize> = set.variables.iter().filter_map(|n| find(n)).collect();
            let first = vars.get(*members.first()?)?;
            let counted = match (&set.counted, first.width) {
                (None, _) => None,
                (Some(counted), 0) => Some(Value::Number(Some(counted.trim().parse().ok()?))),
                (Some(counted), _) => Some(Value::Text(counted.trim_end().to_string())),
            };
            (members.len() >= 2).then(|| Group {
                code: set.name.clone(),
                text: if set.label.is_empty() {
                    set.name.clone()
                } else {
                    set.label.clone()
                },
                members,
                counted,
            })
        })
        .collect();
    let mut i = 0;
    while i < vars.len() {
        let stem = stem(&vars[i].name);
        let run = vars[i..]
            .iter()
            .take_while(|v| stem.is_some() && self::stem(&v.name) == stem)
            .count();
        let taken = groups.iter().any(|g| g.members.contains(&i));
        if let Some(stem) = stem.filter(|_| run >= 2 && !taken && (i..i + run).all(|j| dichotomy(sav, j))) {
            let members: Vec<usize> = (i..i + run).collect();
            let text = common_prefix(vars, &members).unwrap_or_else(|| stem.to_string());
            groups.push(Group {
                code: stem.to_string(),
                text,
                members,
                counted: Some(Value::Number(Some(1.0))),
            });
        }
        i += run.max(1);
    }
    groups
}

/// `Q2` of `Q2_3`.
fn stem(name: &str) -> Option<&str> {
    let (stem, tail) = name.rsplit_once('_')?;
    (!stem.is_empty() && !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit())).then_some(stem)
}

/// A numeric variable holding only 0 and 1 (besides missing values), 1 in at least one case.
fn dichotomy(sav: &Sav, j: usize) -> bool {
    let var = &sav.variables[j];
    let values = || {
        sav.cases
            .iter()
            .map(|case| &case[j])
            .filter(|v| !var.missing.contains(v))
    };
    var.width == 0
        && values()
            .all(|v| matches!(v, Value::Number(None)) || matches!(v, Value::Number(Some(x)) if *x == 0.0 || *x == 1.0))
        && values().any(|v| *v == Value::Number(Some(1.0)))
}

/// The question text the members' labels share ("Which department ...? - Marketing").
fn common_prefix(vars: &[Variable], members: &[usize]) -> Option<String> {
    let heads: Vec<&str> = members
        .iter()
        .map(|&j| {
            vars[j]
                .label
                .as_deref()
                .and_then(|l| l.rsplit_once(" - "))
                .map(|(head, _)| head)
        })
        .collect::<Option<_>>()?;
    heads
        .iter()
        .all(|h| *h == heads[0])
        .then(|| heads[0].trim().to_string())
}

/// The option one member of a dichotomy group stands for.
fn option_of(var: &Variable, counted: &Value) -> String {
    if let Some(label) = var
        .label_of(counted)
        .filter(|l| !TICK_WORDS.contains(&normalize(l).as_str()))
    {
        return label.trim().to_string();
    }
    match var.label.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(label) => label
            .rsplit_once(" - ")
            .map_or(label, |(_, option)| option)
            .trim()
            .to_string(),
        None => var.name.clone(),
    }
}

fn questions(vars: &[Variable], groups: &[Group], columns: &[Column]) -> Vec<Question> {
    let mut questions = Vec::new();
    for (j, var) in vars.iter().enumerate() {
        match groups.iter().find(|g| g.members.contains(&j)) {
            Some(group) if group.members[0] == j => questions.push(Question {
                code: group.code.clone(),
                text: group.text.clone(),
                parts: group
                    .members
                    .iter()
                    .map(|&m| Part {
                        column: m,
                        option: group.counted.as_ref().map(|c| option_of(&vars[m], c)),
                    })
                    .collect(),
            }),
            Some(_) => {}
            None => questions.push(Question {
                code: var.name.clone(),
                text: columns[j].text.clone(),
                parts: vec![Part {
                    column: j,
                    option: None,
                }],
            }),
        }
    }
    questions
}
