//! The targets file of weighting to the population: `variable,level,target` rows (population
//! shares summing to 1 per variable, or counts), optionally per `wave`. Read into
//! `stats::calibrate::Targets`, every problem named by file and line.
//!
//! ```text
//! variable,level,target
//! size,small,0.62
//! size,medium,0.28
//! size,large,0.10
//! sector,industry,0.4
//! sector,services,0.6
//! ```
//!
//! A `total` column instead of `target` holds population counts; so does a `target` column with
//! a value above 1 for that variable. A variable `a:b` is the
//! crossing of columns `a` and `b`, its levels written `x:y` (post-stratification on crossed cells).

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::ingest::rules::MAX_CALIBRATION_VARS;
use crate::stats::calibrate::{Margin, Targets};

/// Shares of one variable must sum to 1 within this.
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// Reads and checks a targets file.
pub fn read_targets(path: &Path) -> Result<Targets> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_targets(path, &bytes)
}

/// A targets file's bytes as `read_targets` reads them.
pub fn parse_targets(path: &Path, bytes: &[u8]) -> Result<Targets> {
    let text = std::str::from_utf8(bytes).map_err(|_| parse(path, 1, "not UTF-8 text".to_string()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().find(|l| !l.starts_with('#')).unwrap_or("");
    let delimiter = if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    };
    // A semicolon file usually writes decimal commas (German spreadsheets), a comma file decimal
    // points; a cell that reads only the other way (`0.62` in a semicolon file, a quoted `"0,62"`)
    // is read that way. Targets are shares or whole counts, so `1.000` in a semicolon file is 1000.
    use crate::ingest::rules::Decimal;
    let (usual, other) = match delimiter {
        b';' => (Decimal::Comma, Decimal::Point),
        _ => (Decimal::Point, Decimal::Comma),
    };
    let number_of = |text: &str| {
        crate::ingest::rules::numbers::read(text, usual).or_else(|| crate::ingest::rules::numbers::read(text, other))
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| parse(path, 1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let find = |name: &str| headers.iter().position(|h| h == name);
    let (Some(variable), Some(level)) = (find("variable"), find("level")) else {
        return Err(parse(
            path,
            1,
            format!(
                "a targets file has the columns variable, level and target (shares) or total (counts); \
                 this one has {}",
                headers.join(", ")
            ),
        ));
    };
    let (value, counts_column) = match (find("target"), find("total")) {
        (Some(i), None) => (i, false),
        (None, Some(i)) => (i, true),
        _ => {
            return Err(parse(
                path,
                1,
                "give either a `target` column (shares) or a `total` column (counts), one of them".to_string(),
            ));
        }
    };
    let wave = find("wave");
    // (variable, wave) -> levels in file order.
    let mut groups: BTreeMap<(String, Option<i32>), (u64, Levels)> = BTreeMap::new();
    let mut order: Vec<(String, Option<i32>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| parse(path, e.position().map_or(1, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(1, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            return Err(parse(
                path,
                line,
                format!("{} fields where the header has {}", record.len(), headers.len()),
            ));
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let name = cell(variable);
        if name.is_empty() || cell(level).is_empty() {
            return Err(parse(path, line, "empty variable or level".to_string()));
        }
        let number = cell(value);
        let target: f64 = match number_of(number) {
            Some(t) if t.is_finite() && t >= 0.0 => t,
            _ => {
                return Err(parse(
                    path,
                    line,
                    format!("target `{number}` is not a number at or above zero"),
                ));
            }
        };
        let wave = match wave.map(cell) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<i32>()
                    .map_err(|_| parse(path, line, format!("wave `{text}` is not a whole number")))?,
            ),
        };
        let key = (name.to_string(), wave);
        let entry = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            (line, Vec::new())
        });
        let level = cell(level).to_string();
        if let Some((_, _, first)) = entry.1.iter().find(|(l, _, _)| *l == level) {
            return Err(parse(
                path,
                line,
                format!("`{name}` = `{level}` is given twice (first on line {first})"),
            ));
        }
        entry.1.push((level, target, line));
    }
    if order.is_empty() {
        return Err(parse(path, 1, "no targets (the file has a header only)".to_string()));
    }
    let mut columns: Vec<String> = Vec::new();
    let mut margins = Vec::new();
    for key in order {
        let Some((first, levels)) = groups.remove(&key) else {
            continue;
        };
        let (variable, wave) = key;
        let parts: Vec<&str> = variable.split(':').map(str::trim).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(parse(path, first, format!("variable `{variable}` has an empty part")));
        }
        for part in &parts {
            if !columns.iter().any(|c| c == part) {
                columns.push(part.to_string());
            }
        }
        if columns.len() > MAX_CALIBRATION_VARS {
            return Err(parse(
                path,
                first,
                format!(
                    "at most {MAX_CALIBRATION_VARS} weighting variables ({} named: {})",
                    columns.len(),
                    columns.join(", ")
                ),
            ));
        }
        for (level, _, line) in &levels {
            if level.split(':').count() != parts.len() {
                return Err(parse(
                    path,
                    *line,
                    format!(
                        "level `{level}` of `{variable}` needs {} parts joined by `:`",
                        parts.len()
                    ),
                ));
            }
        }
        let sum: f64 = levels.iter().map(|(_, t, _)| t).sum();
        // Shares are at most 1 each; a value above 1 makes the variable's targets counts.
        let counts = counts_column || levels.iter().any(|(_, t, _)| *t > 1.0);
        let in_wave = wave.map_or(String::new(), |w| format!(" in wave {w}"));
        if !counts && (sum - 1.0).abs() > SHARE_TOLERANCE {
            return Err(parse(
                path,
                first,
                format!(
                    "the shares of `{variable}`{in_wave} sum to {sum}, not 1 (write them with more digits, \
                     or give population counts in a `total` column)"
                ),
            ));
        }
        if counts && sum <= 0.0 {
            return Err(parse(
                path,
                first,
                format!("the counts of `{variable}`{in_wave} sum to 0"),
            ));
        }
        if levels.len() < 2 {
            return Err(parse(
                path,
                first,
                format!("`{variable}`{in_wave} has one level: a margin needs two or more"),
            ));
        }
        let positions = parts
            .iter()
            .map(|p| columns.iter().position(|c| c == p).unwrap_or(0))
            .collect();
        margins.push(Margin {
            variable,
            columns: positions,
            wave,
            levels,
            counts,
        });
    }
    if margins.iter().any(|m| m.counts) && margins.iter().any(|m| !m.counts) {
        return Err(parse(
            path,
            1,
            "some variables give counts and others shares: give all as shares or all as counts".to_string(),
        ));
    }
    Ok(Targets {
        source: path.display().to_string(),
        columns,
        margins,
    })
}

/// A margin's levels as read: (level, target, line).
type Levels = Vec<(String, f64, u64)>;

fn parse(path: &Path, line: u64, reason: String) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> std::result::Result<Targets, String> {
        parse_targets(Path::new("t.csv"), text.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn shares_counts_crossings_and_waves() {
        let t = read("variable,level,target\nsize,small,0.6\nsize,large,0.4\nsector,a,0.5\nsector,b,0.5\n").unwrap();
        assert_eq!(t.columns, vec!["size", "sector"]);
        assert_eq!(t.margins.len(), 2);
        assert!(!t.margins[0].counts);
        assert_eq!(t.margins[1].columns, vec![1]);
        let t = read("variable,level,total\nsize,small,600\nsize,large,400\n").unwrap();
        assert!(t.margins[0].counts);
        let t = read("variable,level,target\nsize,small,600\nsize,large,400\n").unwrap();
        assert!(t.margins[0].counts, "values above 1 are counts");
        assert!(
            read("variable,level,target\nsize,small,0.6\nsize,large,0.5\n").is_err(),
            "shares off by 0.1 are not counts"
        );
        let t = read("variable,level,target,wave\nsize:sector,small:a,0.5,\nsize:sector,large:b,0.5,2024\nsize:sector,large:a,0.5,\nsize:sector,small:b,0.5,2024\n").unwrap();
        assert_eq!(t.columns, vec!["size", "sector"]);
        assert_eq!((t.margins[0].wave, t.margins[1].wave), (None, Some(2024)));
        assert_eq!(t.margins[0].columns, vec![0, 1]);
    }

    #[test]
    fn a_semicolon_file_writes_decimal_commas() {
        let t = read("variable;level;target\nsize;a;0,25\nsize;b;0,75\n").unwrap();
        assert_eq!(t.margins[0].levels[0].1, 0.25);
        let t = read("variable;level;target\nsize;a;0.25\nsize;b;0.75\n").unwrap();
        assert_eq!(t.margins[0].levels[0].1, 0.25, "decimal points in a semicolon file");
        let t = read("variable,level,target\nsize,a,\"0,25\"\nsize,b,\"0,75\"\n").unwrap();
        assert_eq!(t.margins[0].levels[1].1, 0.75, "quoted decimal commas in a comma file");
        let t = read("variable;level;total\nsize;a;1.000\nsize;b;3.000\n").unwrap();
        assert_eq!(t.margins[0].levels[0].1, 1000.0, "thousands points in a semicolon file");
    }

    #[test]
    fn comment_lines_keep_line_numbers() {
        let err = read("# illustrative targets\nvariable,level,target\nsize,a,0.5\nsize,b,x\n")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("t.csv:4: target `x`"), "{err}");
    }

    #[test]
    fn bad_targets_name_the_line() {
        let cases = [
            ("variable,level,share\nsize,a,1\n", ":1:"),
            ("variable,level,target\nsize,a,0.5\nsize,b,0.4\n", "sum to 0.9"),
            (
                "variable,level,target\nsize,a,0.5\nsize,a,0.5\n",
                ":3: `size` = `a` is given twice (first on line 2)",
            ),
            ("variable,level,target\nsize,a,x\n", ":2: target `x`"),
            ("variable,level,target\nsize,a,-0.5\nsize,b,1.5\n", ":2: target `-0.5`"),
            ("variable,level,target\nsize,a,1\n", "one level"),
            (
                "variable,level,target\nsize:sector,a,0.5\nsize:sector,b:c,0.5\n",
                ":2: level `a` of `size:sector` needs 2 parts",
            ),
            (
                "variable,level,target\nsize,a,0.5\nsize,b,0.5\nsector,x,300\nsector,y,700\n",
                "all as shares or all as counts",
            ),
            ("variable,level,target\n", "no targets"),
        ];
        for (text, want) in cases {
            let err = read(text).err().unwrap_or_default();
            assert!(err.contains(want), "{text:?}: {err}");
            assert!(err.starts_with("t.csv:"), "{err}");
        }
    }
}
