//! Shares per study, wave, segment and category (and groups of categories), unweighted or under a survey
//! design, from the domain sums that `domains` computes from each study's tally.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::calibrate::{WaveReport, Weighting, fit};
use super::covariance::{Cells, Request as CovarianceRequest, Totals as CovarianceTotals, totals as covariance_totals};
use super::design::{DesignSpec, LonelyPsu, Moments, Stratum, Waves, design_effect, ratio_variance};
use super::domains::{
    CategorySums, Domain, DomainSums, Request, StudySums, calibrated_sums, stratum_label, study_sums,
};
use super::domains::{categories as domain_categories, full_design};
use super::group::Group;
use super::proportion::{CiMethod, interval};
use super::ranks::{Rank, ranks};
use super::rao_scott::{RaoScott, table_test};
use super::segments::{SegmentSettings, SegmentTest, higher_than, letter, pairwise};
use super::survey_ci::{DesignPoint, design_interval, method_label};
use crate::error::Result;
use crate::ingest::Choice;
use crate::tally::Tally;
use crate::taxonomy::Taxonomy;

/// Department or group row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Department,
    Group,
}

impl Kind {
    /// The spelling every output uses (`department`, `group`), as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Department => "department",
            Kind::Group => "group",
        }
    }
}

/// How to estimate.
#[derive(Debug, Clone)]
pub struct EstimateSettings {
    pub method: CiMethod,
    /// Who is in a share's base: respondents who answered (the default), or all of them.
    pub base: Base,
    pub level: f64,
    pub groups: Vec<Group>,
    /// Single-PSU strata: an error (R's default) or R's "adjust".
    pub lonely_psu: LonelyPsu,
    /// Categories a study declares: reported in every domain, at 0 % when nobody named them.
    pub declared: Vec<String>,
    /// Studies weighted to population margins, by id.
    pub weighting: BTreeMap<String, Weighting>,
    /// How `--by` segments are compared with each other.
    pub segments: SegmentSettings,
    /// The statistics beyond the estimates that the output shows: the others are not computed.
    pub shown: Shown,
}

/// What an output shows besides the estimates (and the segment letters, which every output with
/// `--by` shows). `shares` shows ranks and the tests within a wave in JSON only; `trend`, `run` and
/// `report` show everything. Each part costs time per wave (the ranks 20,000 draws per domain,
/// the tests across waves the covariance of every wave's totals), so a command computes only what
/// it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Who ranks first, per wave and segment.
    pub ranks: bool,
    /// Department x segment within each wave (with `--by`).
    pub tests_within_waves: bool,
    /// Each category across waves, department x wave over all departments (all waves and
    /// consecutive pairs), and a panel's changes between waves.
    pub tests_across_waves: bool,
}

impl Shown {
    pub const ALL: Shown = Shown {
        ranks: true,
        tests_within_waves: true,
        tests_across_waves: true,
    };
    /// The estimates (and segment letters) alone: a chart, a CSV or table of shares.
    pub const ESTIMATES: Shown = Shown {
        ranks: false,
        tests_within_waves: false,
        tests_across_waves: false,
    };
}

impl Default for Shown {
    fn default() -> Self {
        Shown::ALL
    }
}

/// The base of a share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Base {
    /// Respondents who named at least one department; no-answers are counted, not in the base.
    #[default]
    Answered,
    /// Every accepted respondent, no-answers included (`--base all`).
    All,
}

impl Base {
    pub fn as_str(self) -> &'static str {
        match self {
            Base::Answered => "answered",
            Base::All => "all",
        }
    }
}

impl std::str::FromStr for Base {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "answered" => Ok(Base::Answered),
            "all" => Ok(Base::All),
            other => Err(format!("base `{other}` is not `answered` or `all`")),
        }
    }
}

/// One share with its interval; shares and bounds are fractions in [0, 1].
///
/// `n` and `count` are respondents (the base and those naming the category); under a design
/// `n_weighted` and `count_weighted` are their weight totals, `share` their ratio, `se` its Taylor-linearised
/// standard error, `deff` the design effect as R's `svymean(deff = TRUE)`, `n_effective` p(1-p)/se² and
/// `df` the design degrees of freedom (PSUs minus strata). `design` names what was used (`srs` or e.g.
/// `weights+strata+psu`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Estimate {
    pub study: String,
    pub wave: i32,
    pub segment: Option<String>,
    pub category: String,
    pub kind: Kind,
    pub choice: Choice,
    pub n: Option<u64>,
    pub count: Option<u64>,
    pub n_weighted: Option<f64>,
    pub count_weighted: Option<f64>,
    pub share: f64,
    pub se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub deff: Option<f64>,
    pub n_effective: Option<f64>,
    pub df: Option<f64>,
    pub method: String,
    pub design: String,
    /// `answered` or `all` (see [`Base`]).
    pub base: Base,
    pub level: f64,
    /// With segments: this segment's column letter (A, B ... in the order shown) and the letters
    /// of the segments it is significantly higher than (`SegmentSettings`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub higher_than: Option<Vec<String>>,
}

impl Estimate {
    /// Estimated under weights or a design rather than as a simple random sample.
    pub fn is_design_based(&self) -> bool {
        !self.design.is_empty() && self.design != "srs"
    }

    /// The order every output lists estimates in: study, wave, segment, departments before groups,
    /// taxonomy order, then id. Borrows, so sorting allocates nothing per comparison.
    pub fn sort_key<'a>(&'a self, taxonomy: &Taxonomy) -> (&'a str, i32, Option<&'a str>, Kind, usize, &'a str) {
        (
            &self.study,
            self.wave,
            self.segment.as_deref(),
            self.kind,
            taxonomy.rank(&self.category),
            &self.category,
        )
    }
}

/// The Rao-Scott test of one category's share across the waves of a design-based study.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveTest {
    pub study: String,
    pub kind: Kind,
    pub category: String,
    pub result: RaoScott,
}

/// What the estimate stage hands on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Estimation {
    pub estimates: Vec<Estimate>,
    pub wave_tests: Vec<WaveTest>,
    /// What weighting to the population did, per study and wave.
    pub weighting: Vec<WaveReport>,
    /// Every pair of segments of a wave, per category (with `--by`).
    pub segment_tests: Vec<SegmentTest>,
    /// Who ranks first, per study, wave and segment.
    pub ranks: Vec<Rank>,
    /// Department x segment per wave: the Rao-Scott test of independence (single choice, `--by`),
    /// and department x wave over all departments (all waves, and each pair of consecutive waves).
    pub independence: Vec<Independence>,
    /// Under shared waves (a panel): the SE of each category's change between consecutive waves,
    /// with the covariance of the two waves' estimates.
    pub differences: Vec<WaveDifference>,
}

/// The design SE of a category's change between two waves that share PSUs.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveDifference {
    pub study: String,
    pub kind: Kind,
    pub category: String,
    pub from_wave: i32,
    pub to_wave: i32,
    pub se: f64,
}

/// The Rao-Scott test of independence of department and segment in one wave, or of department
/// and wave.
#[derive(Debug, Clone, PartialEq)]
pub struct Independence {
    pub study: String,
    /// The wave of a department x segment test; None for department x wave.
    pub wave: Option<i32>,
    /// Department x wave over two consecutive waves; None (with `wave` None) over all waves.
    pub pair: Option<(i32, i32)>,
    pub result: RaoScott,
}

/// Estimates every category named in a study for each wave (and `--by` segment), then each group.
///
/// A multiple-choice group is the union (a respondent naming several members counts once), a
/// single-choice group the sum. Studies in `designs` with weights or design columns are estimated as
/// R survey does; the others as simple random samples. Each study is estimated from its tally (a
/// study in `choices` without one has no respondents, so no rows).
pub fn estimate(
    tallies: &BTreeMap<String, Tally>,
    choices: &BTreeMap<String, Choice>,
    designs: &BTreeMap<String, DesignSpec>,
    settings: &EstimateSettings,
) -> Result<Estimation> {
    let segments = tallies.values().any(Tally::has_segments);
    let mut out = Estimation::default();
    for (study, choice) in choices {
        let spec = designs.get(study).copied().unwrap_or_default();
        let weighting = settings.weighting.get(study);
        let request = Request {
            study,
            multi: *choice == Choice::Multi,
            clustered: spec.clusters,
            design: spec.is_design() || weighting.is_some(),
            segments,
            groups: &settings.groups,
            base_all: settings.base == Base::All,
            waves: spec.waves,
        };
        let tally = tallies.get(study.as_str());
        let fits = match (tally, weighting) {
            (Some(tally), Some(weighting)) => Some(fit(study, tally, weighting)?),
            _ => None,
        };
        let sums = match (tally, &fits) {
            (Some(tally), Some(fits)) => {
                out.weighting.extend(fits.values().map(|f| f.report.clone()));
                calibrated_sums(tally, &request, fits)?
            }
            (Some(tally), None) => study_sums(tally, &request)?,
            (None, _) => StudySums::default(),
        };
        let design = match (weighting, spec.is_design()) {
            (Some(w), true) => format!("{}+{}", spec.describe(), w.method),
            (Some(w), false) => w.method.to_string(),
            (None, _) => spec.describe(),
        };
        let context = Context {
            study,
            choice: *choice,
            design_based: request.design,
            design,
            settings,
        };
        let mut rows = context.rows(&sums)?;
        if let Some(tally) = tally {
            let found = domain_statistics(study, tally, &request, fits.as_ref(), settings)?;
            if *choice == Choice::Single {
                out.independence.extend(found.independence);
            }
            if request.segments && tally.has_segments() {
                mark_letters(&mut rows, &found.segment_tests, tally, settings.segments.sig_level);
            }
            out.segment_tests.extend(found.segment_tests);
            out.ranks.extend(found.ranks);
            out.differences.extend(found.differences);
            out.wave_tests.extend(found.wave_tests);
        }
        out.estimates.extend(rows);
    }
    Ok(out)
}

/// The segments of a study in display order (by name), with their letters.
fn letters(tally: &Tally) -> Vec<(String, String)> {
    let mut names: Vec<String> = (0..tally.segments.len() as u32)
        .map(|c| tally.segments.name(c).to_string())
        .collect();
    names.sort_by_key(|n| super::segments::natural(n));
    names.dedup();
    names.into_iter().enumerate().map(|(i, n)| (n, letter(i))).collect()
}

/// What `domain_statistics` finds from the design covariance of a study's totals.
#[derive(Default)]
struct DomainStatistics {
    segment_tests: Vec<SegmentTest>,
    ranks: Vec<Rank>,
    independence: Vec<Independence>,
    /// Shared waves only: changes between consecutive waves.
    differences: Vec<WaveDifference>,
    /// Under a design: each category's test across waves.
    wave_tests: Vec<WaveTest>,
}

/// Under the study's design (and calibration), per wave: every pair of segments per category
/// (with `--by`), who ranks first overall and in each segment, department x segment; across
/// waves: department x wave over all waves and per pair of consecutive waves, under a design each
/// category's test across waves, and under shared waves each category's change.
fn domain_statistics(
    study: &str,
    tally: &Tally,
    request: &Request,
    fits: Option<&BTreeMap<i32, super::calibrate::Fit>>,
    settings: &EstimateSettings,
) -> Result<DomainStatistics> {
    let design = full_design(tally, request.waves)?;
    let categories = domain_categories(tally, request);
    let in_base: Vec<bool> = (0..tally.sets.len() as u32)
        .map(|set| request.base_all || !tally.sets.name(set).is_empty())
        .collect();
    let named: Vec<(Kind, String)> = categories.iter().map(|(c, _)| c.clone()).collect();
    let order = if request.segments { letters(tally) } else { Vec::new() };
    let departments: Vec<usize> = named
        .iter()
        .enumerate()
        .filter(|(_, (kind, id))| *kind == Kind::Department && id != "not_reported")
        .map(|(i, _)| i)
        .collect();
    let cells = Cells::new(tally, request.waves);
    let totals_of = |domains: &[(i32, Option<u32>)]| {
        covariance_totals(
            &cells,
            &CovarianceRequest {
                domains,
                categories: &categories,
                in_base: &in_base,
                fits,
                design: &design,
                lonely: settings.lonely_psu,
            },
        )
    };
    let base = |waves: &[i32]| -> f64 {
        let n: u64 = tally
            .cells()
            .filter(|(k, _)| waves.contains(&k.wave) && in_base[k.set as usize])
            .map(|(_, c)| c.n)
            .sum();
        n as f64
    };
    let waves: BTreeSet<i32> = tally.cells().map(|(k, _)| k.wave).collect();
    let mut out = DomainStatistics::default();
    let mut tested: Vec<i32> = Vec::new();
    // Each tested wave's totals (its whole-wave domain first): independent waves' totals of
    // several waves are these, stacked.
    let mut per_wave: Vec<CovarianceTotals> = Vec::new();
    let mut segment_names: Vec<Vec<String>> = Vec::new();
    let shown = settings.shown;
    for wave in waves {
        // The wave's segments in display order (their codes in this tally).
        let present: BTreeSet<u32> = tally
            .cells()
            .filter(|(k, _)| k.wave == wave && k.segment != crate::tally::NO_SEGMENT)
            .map(|(k, _)| k.segment)
            .collect();
        let mut codes: Vec<(String, u32)> = present
            .into_iter()
            .map(|c| (tally.segments.name(c).to_string(), c))
            .collect();
        codes.sort_by_key(|(name, _)| super::segments::natural(name));
        codes.retain(|(name, _)| order.iter().any(|(n, _)| n == name));
        // Segment letters are in every output with `--by`; ranks and tests only where shown.
        if codes.is_empty() && !shown.ranks && !shown.tests_across_waves {
            continue;
        }
        let mut domains = vec![(wave, None)];
        domains.extend(codes.iter().map(|(_, c)| (wave, Some(*c))));
        // A wave whose variance is not defined (one respondent, or a lonely PSU the estimates
        // already refuse under a design) has no tests or ranks: nothing to compare or rank.
        let Ok(totals) = totals_of(&domains) else {
            continue;
        };
        tested.push(wave);
        let names: Vec<String> = codes.into_iter().map(|(n, _)| n).collect();
        if !names.is_empty() {
            out.segment_tests
                .extend(pairwise(study, wave, &totals, &names, &named, &settings.segments));
            let respondents: u64 = tally
                .cells()
                .filter(|(k, _)| k.wave == wave && in_base[k.set as usize] && k.segment != crate::tally::NO_SEGMENT)
                .map(|(_, c)| c.n)
                .sum();
            let segments: Vec<usize> = (1..=names.len()).collect();
            let test = shown
                .tests_within_waves
                .then(|| table_of(&totals, &Rows::Departments(&departments), &segments, respondents as f64));
            if let Some(result) = test.flatten() {
                out.independence.push(Independence {
                    study: study.to_string(),
                    wave: Some(wave),
                    pair: None,
                    result,
                });
            }
        }
        per_wave.push(totals);
        segment_names.push(names);
    }
    if shown.ranks {
        // Every domain of every wave (the whole wave, then its segments), drawn in parallel.
        let domains: Vec<(usize, usize)> = (0..per_wave.len())
            .flat_map(|w| (0..=segment_names[w].len()).map(move |d| (w, d)))
            .collect();
        let found = super::ranks::in_parallel(&domains, |&(w, d)| ranks(&per_wave[w], d, &departments));
        for ((w, d), found) in domains.into_iter().zip(found) {
            let segment = d.checked_sub(1).map(|i| segment_names[w][i].clone());
            for (c, p_first, rank_low, rank_high) in found {
                out.ranks.push(Rank {
                    study: study.to_string(),
                    wave: tested[w],
                    segment: segment.clone(),
                    category: named[c].1.clone(),
                    p_first,
                    rank_low,
                    rank_high,
                });
            }
        }
    }
    // The totals of several waves: independent waves' stacked from each wave's, shared waves'
    // (which covary) from the cells.
    let shared = request.waves == Waves::Shared;
    let several = |at: &[usize]| -> Result<CovarianceTotals> {
        match shared {
            true => totals_of(&at.iter().map(|&i| (tested[i], None)).collect::<Vec<_>>()),
            false => Ok(CovarianceTotals::stack(
                &at.iter().map(|&i| &per_wave[i]).collect::<Vec<_>>(),
            )),
        }
    };
    // Department x wave over all departments at once: all waves (`pair` None), then each pair of
    // consecutive waves; under a design each category's test across waves, and under shared waves
    // each category's change between consecutive waves.
    if !shown.tests_across_waves {
        return Ok(out);
    }
    let all_waves: Vec<usize> = (0..tested.len()).collect();
    if tested.len() >= 2
        && let Ok(totals) = several(&all_waves)
    {
        let n = base(&tested);
        if let Some(result) = table_of(&totals, &Rows::Departments(&departments), &all_waves, n) {
            out.independence.push(Independence {
                study: study.to_string(),
                wave: None,
                pair: None,
                result,
            });
        }
        if request.design {
            for (c, (kind, id)) in named.iter().enumerate() {
                if let Some(result) = table_of(&totals, &Rows::Named(c), &all_waves, n) {
                    out.wave_tests.push(WaveTest {
                        study: study.to_string(),
                        kind: *kind,
                        category: id.clone(),
                        result,
                    });
                }
            }
        }
    }
    for (i, pair) in tested.windows(2).enumerate() {
        let Ok(totals) = several(&[i, i + 1]) else {
            continue;
        };
        // Of two waves only, the test over all waves is the pair's.
        let test = (tested.len() > 2)
            .then(|| table_of(&totals, &Rows::Departments(&departments), &[0, 1], base(pair)))
            .flatten();
        if let Some(result) = test {
            out.independence.push(Independence {
                study: study.to_string(),
                wave: None,
                pair: Some((pair[0], pair[1])),
                result,
            });
        }
        if shared {
            for (c, (kind, id)) in named.iter().enumerate() {
                let ((_, from), (_, to)) = (totals.share(0, c), totals.share(1, c));
                let form: Vec<(usize, f64)> = to.iter().copied().chain(from.iter().map(|(i, x)| (*i, -x))).collect();
                out.differences.push(WaveDifference {
                    study: study.to_string(),
                    kind: *kind,
                    category: id.clone(),
                    from_wave: pair[0],
                    to_wave: pair[1],
                    se: totals.cov(&form, &form).max(0.0).sqrt(),
                });
            }
        }
    }
    Ok(out)
}

/// The rows of a table tested across domains: every department, or one category against the rest
/// of the base.
enum Rows<'a> {
    Departments(&'a [usize]),
    Named(usize),
}

/// Category (rows) x domain (`cols`: segments of a wave, or waves) as R's `svychisq(~dept + by,
/// design)`: the cell shares Y_{d,c} / Σ_t W_t, their covariance by the delta method, and the
/// Rao-Scott test on the design degrees of freedom of the domains' waves. Rows and columns nobody
/// is in are left out (R's chi-square has no expected count there).
fn table_of(totals: &CovarianceTotals, rows: &Rows, cols: &[usize], n: f64) -> Option<RaoScott> {
    // Each row's total in domain d as a sparse form in the totals, with its value.
    let cell = |d: usize, row: usize| -> (f64, Vec<(usize, f64)>) {
        match rows {
            Rows::Departments(departments) => {
                let c = departments[row];
                (totals.y[d][c], vec![(totals.index(d, Some(c)), 1.0)])
            }
            Rows::Named(c) if row == 0 => (totals.y[d][*c], vec![(totals.index(d, Some(*c)), 1.0)]),
            Rows::Named(c) => (
                totals.w[d] - totals.y[d][*c],
                vec![(totals.index(d, None), 1.0), (totals.index(d, Some(*c)), -1.0)],
            ),
        }
    };
    let count = match rows {
        Rows::Departments(departments) => departments.len(),
        Rows::Named(_) => 2,
    };
    let used: Vec<usize> = (0..count)
        .filter(|&r| cols.iter().any(|&d| cell(d, r).0 > 0.0))
        .collect();
    let cols: Vec<usize> = cols.iter().copied().filter(|&d| totals.w[d] > 0.0).collect();
    let total: f64 = cols.iter().map(|&d| totals.w[d]).sum();
    if used.len() < 2 || cols.len() < 2 || total <= 0.0 {
        return None;
    }
    let mut cells = Vec::with_capacity(used.len() * cols.len());
    let mut forms: Vec<Vec<(usize, f64)>> = Vec::new();
    for &d in &cols {
        for &r in &used {
            let (y, form) = cell(d, r);
            let p = y / total;
            cells.push(p);
            let mut form: Vec<(usize, f64)> = form.into_iter().map(|(i, x)| (i, x / total)).collect();
            form.extend(cols.iter().map(|&t| (totals.index(t, None), -p / total)));
            forms.push(form);
        }
    }
    let v: Vec<Vec<f64>> = forms
        .iter()
        .map(|a| forms.iter().map(|b| totals.cov(a, b)).collect())
        .collect();
    table_test(&cells, &v, used.len(), cols.len(), n, totals.df)
}

/// Each segment row gets its letter and the letters of the segments it is significantly above.
fn mark_letters(rows: &mut [Estimate], tests: &[SegmentTest], tally: &Tally, sig_level: f64) {
    let order = letters(tally);
    for row in rows.iter_mut() {
        let Some(segment) = row.segment.as_deref() else {
            continue;
        };
        row.letter = order.iter().find(|(n, _)| n == segment).map(|(_, l)| l.clone());
        let mine: Vec<SegmentTest> = tests
            .iter()
            .filter(|t| t.wave == row.wave && t.category == row.category && t.kind == row.kind)
            .cloned()
            .collect();
        row.higher_than = Some(higher_than(&mine, &order, segment, sig_level));
    }
}

struct Context<'a> {
    study: &'a str,
    choice: Choice,
    /// Weights, a design or calibration: estimated from PSU totals, not as a simple random sample.
    design_based: bool,
    /// What `Estimate::design` says (`srs`, `weights+strata+psu`, `weights+psu+rake` ...).
    design: String,
    settings: &'a EstimateSettings,
}

impl Context<'_> {
    /// Categories named anywhere in the study or declared by it, then every group: a declared
    /// category nobody chose, and a group none of whose members anyone named, is a share of 0,
    /// not a missing row.
    fn categories(&self, sums: &StudySums) -> Vec<(Kind, String)> {
        let mut named: BTreeSet<(Kind, String)> = sums
            .domains
            .values()
            .flat_map(|d| d.categories.keys().cloned())
            .filter(|(kind, _)| *kind == Kind::Department)
            .collect();
        named.extend(self.settings.declared.iter().map(|id| (Kind::Department, id.clone())));
        let groups = self.settings.groups.iter().map(|g| (Kind::Group, g.name.clone()));
        named.into_iter().chain(groups).collect()
    }

    fn rows(&self, sums: &StudySums) -> Result<Vec<Estimate>> {
        let categories = self.categories(sums);
        let mut rows = Vec::new();
        for (domain, domain_sums) in &sums.domains {
            for category in &categories {
                let strata = self.strata(sums, domain, domain_sums, category);
                rows.push(self.row(domain, category, &strata)?);
            }
        }
        Ok(rows)
    }

    /// The strata with respondents in the domain (under calibration every stratum of the wave:
    /// residuals outside the domain carry variance too), carrying the category's sums.
    fn strata(&self, sums: &StudySums, domain: &Domain, d: &DomainSums, category: &(Kind, String)) -> Vec<Part> {
        let empty = BTreeMap::new();
        let by_stratum = d.categories.get(category).unwrap_or(&empty);
        d.strata
            .iter()
            .filter(|(_, s)| s.respondents > 0.0 || sums.calibrated)
            .map(|(name, s)| {
                let c = by_stratum.get(name).copied().unwrap_or(CategorySums::default());
                // Everyone in the stratum named the category: its PSU totals are the weights
                // themselves. Taken from the weight sums, the share is exactly 1 whatever order
                // either was added up in (an ulp below 1 would make a Wald interval, a design effect
                // and the Rao-Scott test's zero cells jump). Under calibration only the point is:
                // the residuals of the two differ.
                let c = match (c.count == s.respondents && s.respondents > 0.0, sums.calibrated) {
                    (true, false) => CategorySums {
                        y: s.w,
                        zy: s.zw,
                        yy: s.ww,
                        yy_lo: s.ww_lo,
                        yw: s.ww,
                        yw_lo: s.ww_lo,
                        count: c.count,
                    },
                    (true, true) => CategorySums { y: s.w, ..c },
                    (false, _) => c,
                };
                let design = sums.design.get(&(domain.wave, name.clone())).copied();
                let stratum = Stratum {
                    label: stratum_label(name, domain.wave),
                    design: design.unwrap_or(super::design::StratumDesign {
                        psus: s.psus,
                        population: None,
                    }),
                    moments: Moments {
                        w: s.w,
                        y: c.y,
                        zw: s.zw,
                        zy: c.zy,
                        ww: s.ww,
                        yy: c.yy,
                        yw: c.yw,
                        ww_lo: s.ww_lo,
                        yy_lo: c.yy_lo,
                        yw_lo: c.yw_lo,
                    },
                };
                Part {
                    stratum,
                    respondents: s.respondents,
                    count: c.count,
                    psus: s.psus,
                }
            })
            .collect()
    }

    fn row(&self, domain: &Domain, category: &(Kind, String), strata: &[Part]) -> Result<Estimate> {
        let n: f64 = strata.iter().map(|s| s.respondents).sum();
        let count: f64 = strata.iter().map(|s| s.count).sum();
        let base = Estimate {
            study: self.study.to_string(),
            wave: domain.wave,
            segment: domain.segment.clone(),
            category: category.1.clone(),
            kind: category.0,
            choice: self.choice,
            n: Some(n as u64),
            count: Some(count as u64),
            method: self.settings.method.as_str().to_string(),
            design: self.design.clone(),
            base: self.settings.base,
            level: self.settings.level,
            ..Estimate::default()
        };
        if self.design_based {
            self.design_row(base, strata)
        } else {
            Ok(srs_row(base, count, n, self.settings))
        }
    }

    fn design_row(&self, mut e: Estimate, strata: &[Part]) -> Result<Estimate> {
        let only: Vec<Stratum> = strata.iter().map(|s| s.stratum.clone()).collect();
        let w: f64 = only.iter().map(|s| s.moments.w).sum();
        let y: f64 = only.iter().map(|s| s.moments.y).sum();
        let n: f64 = strata.iter().map(|s| s.respondents).sum();
        let share = if w > 0.0 { (y / w).clamp(0.0, 1.0) } else { 0.0 };
        let variance = ratio_variance(&only, self.settings.lonely_psu)?;
        let df = degrees_of_freedom(strata);
        let point = DesignPoint { share, variance, n, df };
        let ci = design_interval(self.settings.method, &point, self.settings.level);
        e.method = method_label(self.settings.method, &point);
        e.n_weighted = Some(w);
        e.count_weighted = Some(y);
        e.share = share;
        e.se = Some(variance.sqrt());
        e.ci_low = ci.map(|c| c.low);
        e.ci_high = ci.map(|c| c.high);
        e.deff = design_effect(share, variance, n, w);
        e.n_effective = Some(point.n_effective());
        e.df = Some(df);
        Ok(e)
    }
}

/// PSUs minus strata over the strata with respondents in the domain (R's `degf` of a subset).
fn degrees_of_freedom(strata: &[Part]) -> f64 {
    strata
        .iter()
        .filter(|s| s.respondents > 0.0)
        .map(|s| s.psus - 1.0)
        .sum()
}

/// One stratum of a domain with the respondents, category count and PSUs it has there.
struct Part {
    stratum: Stratum,
    respondents: f64,
    count: f64,
    psus: f64,
}

fn srs_row(mut e: Estimate, count: f64, n: f64, settings: &EstimateSettings) -> Estimate {
    let share = if n > 0.0 { count / n } else { 0.0 };
    let ci = interval(settings.method, count, n, settings.level);
    let t_based = matches!(settings.method, CiMethod::Logit | CiMethod::KornGraubard);
    let point = DesignPoint {
        share,
        variance: if n > 1.0 {
            share * (1.0 - share) / (n - 1.0)
        } else {
            0.0
        },
        n,
        df: n - 1.0,
    };
    if t_based {
        e.method = method_label(settings.method, &point);
    }
    e.n_weighted = Some(n);
    e.count_weighted = Some(count);
    e.share = share;
    e.se = Some((share * (1.0 - share) / n).sqrt());
    e.ci_low = ci.map(|c| c.low);
    e.ci_high = ci.map(|c| c.high);
    e.deff = Some(1.0);
    e.n_effective = Some(n);
    e.df = t_based.then_some(n - 1.0);
    e
}

#[cfg(test)]
mod tests;
