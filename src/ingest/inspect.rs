//! `deptshare inspect`: what a file holds, as a text for people: detected format, encoding,
//! header rows, questions, the department question's labels and the command line to read it.

use std::fmt::Write as _;

use super::answers::{candidates, distinct_labels, looks_multi, ticked};
use super::binary::Loaded;
use super::generic::WAVE_COLUMNS;
use super::survey::{Column, Part, Question, Survey, split_rows};
use super::{InputFormat, InputSpec, decode_checked, format_of, parse_survey, read_text, sniff};
use crate::error::Result;
use crate::taxonomy::Taxonomy;

/// Labels listed per candidate question; the rest are counted.
const MAX_LABELS: usize = 40;

/// Answers listed per single-column question (most frequent first); the rest are counted.
const MAX_ANSWERS: usize = 12;

/// Distinct answers past which a column is taken for free text or ids and not tallied.
const MAX_DISTINCT: usize = 1000;

/// A file larger than the careful reader's limit is described from its first 64 MiB: plenty for
/// its columns and labels (`shares` reads every row of it by the large-file path).
const SAMPLE_BYTES: u64 = 64 << 20;

/// Describes the file `spec.path` names.
pub fn describe(spec: &InputSpec, taxonomy: &Taxonomy) -> Result<String> {
    describe_within(spec, taxonomy, sniff::MAX_FILE_BYTES as u64, SAMPLE_BYTES)
}

/// `describe`, reading only the first `sample` bytes (whole lines) of a file over `limit`.
fn describe_within(spec: &InputSpec, taxonomy: &Taxonomy, limit: u64, sample: u64) -> Result<String> {
    let io = |source| crate::error::Error::Io {
        path: spec.path.clone(),
        source,
    };
    let len = std::fs::metadata(&spec.path).map_err(io)?.len();
    match super::binary::load(spec)? {
        Some(Loaded::Spss(survey, about)) => return Ok(describe_survey(spec, &survey, None, taxonomy, None, &about)),
        Some(Loaded::Sheet(decoded, about)) => return describe_decoded(spec, &decoded, taxonomy, None, &about),
        None => {}
    }
    if len <= limit {
        return describe_decoded(spec, &read_text(&spec.path)?, taxonomy, None, "text");
    }
    let mut head = Vec::new();
    std::fs::File::open(&spec.path)
        .and_then(|file| std::io::Read::read_to_end(&mut std::io::Read::take(file, sample), &mut head))
        .map_err(io)?;
    head.truncate(head.iter().rposition(|b| *b == b'\n').map_or(head.len(), |i| i + 1));
    let part = (head.len() as u64, len);
    describe_decoded(spec, &decode_checked(&spec.path, &head)?, taxonomy, Some(part), "text")
}

/// Describes raw bytes as if read from `spec.path` (for tests and the fuzz target).
pub fn describe_bytes(spec: &InputSpec, bytes: &[u8], taxonomy: &Taxonomy) -> Result<String> {
    describe_decoded(spec, &decode_checked(&spec.path, bytes)?, taxonomy, None, "text")
}

/// `part`: the bytes read and the file's size, when only its start was read; `file_type`: what
/// kind of file held the text (a spreadsheet's sheet, or plain text).
fn describe_decoded(
    spec: &InputSpec,
    decoded: &sniff::Decoded,
    taxonomy: &Taxonomy,
    part: Option<(u64, u64)>,
    file_type: &str,
) -> Result<String> {
    let (format, delimiter) = format_of(spec, decoded);
    let survey = match parse_survey(spec, decoded)? {
        Some(survey) => survey,
        None => plain_survey(spec, decoded, delimiter, format)?,
    };
    Ok(describe_survey(
        spec,
        &survey,
        Some(delimiter),
        taxonomy,
        part,
        file_type,
    ))
}

fn describe_survey(
    spec: &InputSpec,
    survey: &Survey,
    delimiter: Option<u8>,
    taxonomy: &Taxonomy,
    part: Option<(u64, u64)>,
    file_type: &str,
) -> String {
    let mut out = String::new();
    let how = if spec.format == InputFormat::Auto {
        "detected"
    } else {
        "as asked"
    };
    let _ = writeln!(out, "file: {}", spec.path.display());
    let _ = writeln!(out, "file type: {file_type}");
    let _ = writeln!(out, "format: {} ({how})", survey.format.as_str());
    let _ = writeln!(
        out,
        "encoding: {}{}",
        survey.encoding,
        if survey.lossy { ", with invalid bytes" } else { "" }
    );
    if let Some(delimiter) = delimiter {
        let _ = writeln!(out, "delimiter: `{}`", (delimiter as char).escape_default());
    }
    let _ = writeln!(out, "header rows: {}", survey.header_rows);
    match part {
        None => {
            let _ = writeln!(out, "data rows: {}", survey.records.len());
        }
        Some((read, size)) => {
            let _ = writeln!(
                out,
                "data rows: {} in the first {:.1} MiB of {:.1} MiB (a file this large is described from its \
                 start; `shares` reads every row)",
                survey.records.len(),
                read as f64 / 1048576.0,
                size as f64 / 1048576.0
            );
        }
    }
    if let Some(c) = survey.completion {
        let unfinished = survey
            .records
            .iter()
            .filter(|(_, r)| (c.incomplete)(r.get(c.column).unwrap_or("").trim()))
            .count();
        let _ = writeln!(
            out,
            "unfinished responses: {unfinished} ({}; left out unless --include-incomplete)",
            c.what
        );
    }
    let _ = writeln!(out, "questions ({}):", survey.questions.len());
    for q in &survey.questions {
        let columns = match q.parts.len() {
            1 => String::new(),
            n => format!(" [{n} columns]"),
        };
        let _ = match q.text == q.code {
            true => writeln!(out, "  {}{columns}", q.code),
            false => writeln!(out, "  {}{columns}: {}", q.code, shorten(&q.text)),
        };
        describe_answers(&mut out, survey, q);
    }
    if !survey.write_ins.is_empty() {
        let _ = writeln!(out, "write-in columns (free text, never counted as answers):");
        for &i in &survey.write_ins {
            let filled = survey
                .records
                .iter()
                .filter(|(_, r)| r.get(i).is_some_and(|c| !c.trim().is_empty()))
                .count();
            let c = &survey.columns[i];
            let _ = writeln!(out, "  {}: {} ({filled} filled)", shorten(&c.name), shorten(&c.text));
        }
    }
    describe_candidates(&mut out, spec, survey, taxonomy);
    out
}

/// A question's options with how many respondents ticked each (one column per option), or its
/// answers with how many rows hold each (one answer column), most frequent first.
fn describe_answers(out: &mut String, survey: &Survey, q: &Question) {
    let cell = |r: &csv::StringRecord, i: usize| r.get(i).unwrap_or("").trim().to_string();
    let mut counts: Vec<(String, usize)> = Vec::new();
    let options = q.parts.iter().any(|p| p.option.is_some());
    if options {
        for part in &q.parts {
            let label = part
                .option
                .clone()
                .unwrap_or_else(|| survey.columns[part.column].name.clone());
            let n = survey
                .records
                .iter()
                .filter(|(_, r)| ticked(&cell(r, part.column)))
                .count();
            counts.push((label, n));
        }
    } else {
        let mut tally = std::collections::BTreeMap::<String, usize>::new();
        for (_, r) in &survey.records {
            let value = q
                .parts
                .iter()
                .map(|p| cell(r, p.column))
                .collect::<Vec<_>>()
                .join(" | ");
            *tally.entry(value).or_default() += 1;
            if tally.len() > MAX_DISTINCT {
                let _ = writeln!(out, "    (over {MAX_DISTINCT} distinct answers: free text or ids)");
                return;
            }
        }
        counts = tally.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    let shown = if options { counts.len() } else { MAX_ANSWERS };
    for (label, n) in counts.iter().take(shown) {
        let label = if label.is_empty() { "(blank)" } else { label.as_str() };
        let _ = writeln!(out, "    {}: {n}", shorten(label));
    }
    if counts.len() > shown {
        let _ = writeln!(out, "    ... and {} more", counts.len() - shown);
    }
}

fn describe_candidates(out: &mut String, spec: &InputSpec, survey: &Survey, taxonomy: &Taxonomy) {
    let found = candidates(survey, taxonomy);
    if found.is_empty() {
        let _ = writeln!(
            out,
            "department question: none found (no question's answers are mostly known department labels); pass --dept-col"
        );
        return;
    }
    for (q, score) in found.iter().take(3) {
        let multi = looks_multi(survey, q, taxonomy);
        let _ = writeln!(
            out,
            "department question candidate: {} ({}, {:.0}% known labels)",
            q.code,
            if multi { "multiple choice" } else { "single choice" },
            score * 100.0
        );
        let labels = distinct_labels(survey, q, taxonomy);
        for label in labels.iter().take(MAX_LABELS) {
            let _ = match (taxonomy.resolve(label), taxonomy.suggest(label)) {
                (Some(id), _) => writeln!(out, "    {label} -> {id}"),
                (None, Some(s)) => writeln!(out, "    {label} -> unknown, did you mean `{s}`?"),
                (None, None) => writeln!(out, "    {label} -> unknown (map it under [taxonomy.aliases])"),
            };
        }
        if labels.len() > MAX_LABELS {
            let _ = writeln!(out, "    ... and {} more", labels.len() - MAX_LABELS);
        }
    }
    if let Some((q, _)) = found.first() {
        let _ = writeln!(
            out,
            "command:\n  {}",
            command_line(spec, survey, q, looks_multi(survey, q, taxonomy))
        );
    }
}

fn command_line(spec: &InputSpec, survey: &Survey, question: &Question, multi: bool) -> String {
    let mut line = format!("deptshare shares {}", quote(&spec.path.display().to_string()));
    if spec.format != InputFormat::Auto {
        let _ = write!(line, " --format-in {}", spec.format.as_str());
    }
    if let Some(sheet) = &spec.sheet {
        let _ = write!(line, " --sheet {}", quote(sheet));
    }
    let _ = write!(line, " --dept-col {}", quote(&question.code));
    if multi {
        line.push_str(" --multi");
    }
    if survey.find_any(WAVE_COLUMNS).is_none() && survey.date.is_none() {
        line.push_str(" --wave YEAR");
    }
    line
}

/// Quotes a shell word when it holds anything but plain characters.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./[]:".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}...")
    } else {
        short
    }
}

/// A plain respondent CSV seen as a survey: one single-column question per column.
fn plain_survey(spec: &InputSpec, decoded: &sniff::Decoded, delimiter: u8, format: InputFormat) -> Result<Survey> {
    // Comment lines before the header are blank lines to every reader (their line numbers stay).
    let text = sniff::blank_leading_comments(&decoded.text);
    let (headers, records) = split_rows(&spec.path, &text, delimiter, 1)?;
    let columns = Column::from_header(&headers);
    let questions = (0..columns.len())
        .map(|i| Question {
            code: columns[i].name.clone(),
            text: columns[i].name.clone(),
            parts: vec![Part {
                column: i,
                option: None,
            }],
        })
        .collect();
    Ok(Survey {
        joiner: ";",
        ..Survey::new(format, decoded, delimiter, 1, columns, questions, records)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_described_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let rows: String = (1..=50).map(|i| format!("{i},2024,Marketing\n")).collect();
        std::fs::write(&path, format!("respondent,wave,department\n{rows}")).unwrap();
        let spec = InputSpec::new(&path);
        let taxonomy = Taxonomy::builtin();
        // 27 header bytes and 16-17 bytes a row: 200 bytes hold the header and 10 whole rows.
        let text = describe_within(&spec, &taxonomy, 100, 200).unwrap();
        assert!(text.contains("data rows: 10 in the first 0.0 MiB of 0.0 MiB"), "{text}");
        assert!(text.contains("Marketing -> marketing"), "{text}");
        let whole = describe_within(&spec, &taxonomy, 1 << 20, 200).unwrap();
        assert!(whole.contains("data rows: 50\n"), "{whole}");
    }

    #[test]
    fn shell_words() {
        assert_eq!(quote("data/x.csv"), "data/x.csv");
        assert_eq!(quote("Who runs it?"), "'Who runs it?'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
