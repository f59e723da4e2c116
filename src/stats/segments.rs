//! Differences between the segments of a wave (`--by`), as market-research tabulation marks them:
//! for each wave and category, every pair of segments is compared by its design-based difference
//! (the covariance of the two domain estimates included), a t-test on the wave's design degrees
//! of freedom, and optionally Holm or Benjamini-Hochberg adjustment within the pairs of one wave
//! and category. Each segment gets a letter (A, B, ... in the order shown) and each of its
//! estimates the letters of the segments it is significantly higher than.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::covariance::Totals;
use super::estimate::Kind;
use super::tests::{benjamini_hochberg, holm};

/// p-value adjustment over the pairs of one wave and category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Adjust {
    /// None, as the tabulation tools do by default.
    #[default]
    None,
    Holm,
    /// Benjamini-Hochberg false discovery rate.
    Fdr,
}

impl Adjust {
    pub const ALL: [Adjust; 3] = [Adjust::None, Adjust::Holm, Adjust::Fdr];

    pub fn as_str(self) -> &'static str {
        match self {
            Adjust::None => "none",
            Adjust::Holm => "holm",
            Adjust::Fdr => "fdr",
        }
    }

    fn apply(self, p: &[f64]) -> Vec<f64> {
        match self {
            Adjust::None => p.to_vec(),
            Adjust::Holm => holm(p),
            Adjust::Fdr => benjamini_hochberg(p),
        }
    }
}

impl fmt::Display for Adjust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Adjust {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Adjust::ALL
            .into_iter()
            .find(|a| a.as_str() == wanted)
            .ok_or_else(|| format!("unknown adjustment `{s}`; valid: none, holm, fdr"))
    }
}

/// How segments are compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentSettings {
    pub adjust: Adjust,
    /// A difference is marked when its (adjusted) p-value is below this.
    pub sig_level: f64,
}

impl Default for SegmentSettings {
    fn default() -> Self {
        SegmentSettings {
            adjust: Adjust::None,
            sig_level: 0.05,
        }
    }
}

/// One pair of segments for one category of one wave (`segment_tests` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentTest {
    pub study: String,
    pub wave: i32,
    pub category: String,
    pub kind: Kind,
    pub segment_a: String,
    pub segment_b: String,
    /// share of a minus share of b.
    pub diff: f64,
    pub se: f64,
    pub df: f64,
    /// Two-sided, t with `df`; None when the difference has no variance or df < 1.
    pub p_value: Option<f64>,
    pub p_adjusted: Option<f64>,
    pub adjustment: Adjust,
}

/// The letter of the segment at `index` in display order: A ... Z, then AA, AB ...
pub fn letter(index: usize) -> String {
    let mut n = index;
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Every pair of the wave's segments (domains 1.. of `totals`, in display order, named by
/// `names`) for every category.
pub fn pairwise(
    study: &str,
    wave: i32,
    totals: &Totals,
    names: &[String],
    categories: &[(Kind, String)],
    settings: &SegmentSettings,
) -> Vec<SegmentTest> {
    let mut out = Vec::new();
    for (c, (kind, category)) in categories.iter().enumerate() {
        let mut tests = Vec::new();
        for a in 0..names.len() {
            for b in a + 1..names.len() {
                let (da, db) = (a + 1, b + 1);
                if totals.w[da] <= 0.0 || totals.w[db] <= 0.0 {
                    continue;
                }
                let (pa, ga) = totals.share(da, c);
                let (pb, gb) = totals.share(db, c);
                let form = [ga[0], ga[1], (gb[0].0, -gb[0].1), (gb[1].0, -gb[1].1)];
                let variance = totals.cov(&form, &form).max(0.0);
                let (diff, se) = (pa - pb, variance.sqrt());
                let p_value = (se > 0.0 && totals.df >= 1.0)
                    .then(|| StudentsT::new(0.0, 1.0, totals.df).ok())
                    .flatten()
                    .map(|t| (2.0 * t.sf((diff / se).abs())).min(1.0));
                tests.push(SegmentTest {
                    study: study.to_string(),
                    wave,
                    category: category.clone(),
                    kind: *kind,
                    segment_a: names[a].clone(),
                    segment_b: names[b].clone(),
                    diff,
                    se,
                    df: totals.df,
                    p_value,
                    p_adjusted: None,
                    adjustment: settings.adjust,
                });
            }
        }
        let raw: Vec<f64> = tests.iter().map(|t| t.p_value.unwrap_or(f64::NAN)).collect();
        for (t, p) in tests.iter_mut().zip(settings.adjust.apply(&raw)) {
            t.p_adjusted = (!p.is_nan()).then_some(p);
        }
        out.extend(tests);
    }
    out
}

/// The letters of the segments `segment` is significantly higher than, for one category.
pub fn higher_than(tests: &[SegmentTest], letters: &[(String, String)], segment: &str, sig_level: f64) -> Vec<String> {
    let letter_of = |name: &str| letters.iter().find(|(n, _)| n == name).map(|(_, l)| l.clone());
    let mut out: Vec<String> = tests
        .iter()
        .filter(|t| t.p_adjusted.is_some_and(|p| p < sig_level))
        .filter_map(|t| match (t.segment_a == segment, t.segment_b == segment) {
            (true, _) if t.diff > 0.0 => letter_of(&t.segment_b),
            (_, true) if t.diff < 0.0 => letter_of(&t.segment_a),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// A sort key that orders numbers inside names by value: `1-49`, `50-249`, `250+`.
pub fn natural(name: &str) -> Vec<(u8, u128, String)> {
    let mut key = Vec::new();
    let mut rest = name;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let number = rest[..digits].parse::<u128>().unwrap_or(u128::MAX);
            key.push((0, number, String::new()));
            rest = &rest[digits..];
        } else {
            let text = rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
            key.push((1, 0, rest[..text].to_string()));
            rest = &rest[text..];
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_run_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }

    #[test]
    fn numbers_in_segment_names_sort_by_value() {
        let mut names = vec!["250+", "50-249", "1-49", "b", "a10", "a9"];
        names.sort_by_key(|n| natural(n));
        assert_eq!(names, ["1-49", "50-249", "250+", "a9", "a10", "b"]);
    }
}
