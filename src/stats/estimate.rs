//! Shares per study, wave, segment and category (and groups of categories), unweighted or under a survey
//! design, from the domain sums that `domains` computes with polars group-bys.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::Serialize;

use super::design::{DesignSpec, LonelyPsu, Moments, Stratum, design_effect, ratio_variance};
use super::domains::{CategorySums, Domain, DomainSums, Request, StudySums, polars_error, stratum_label, study_sums};
use super::group::Group;
use super::proportion::{CiMethod, interval};
use super::rao_scott::{RaoScott, rao_scott};
use super::survey_ci::{DesignPoint, design_interval};
use crate::error::Result;
use crate::ingest::Choice;
use crate::taxonomy::Taxonomy;

/// Department or group row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Department,
    Group,
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
}

/// Estimates every category named in a study for each wave (and `--by` segment), then each group.
///
/// A multiple-choice group is the union (a respondent naming several members counts once), a
/// single-choice group the sum. Studies in `designs` with weights or design columns are estimated as
/// R survey does; the others as simple random samples.
pub fn estimate(
    frame: &DataFrame,
    choices: &BTreeMap<String, Choice>,
    designs: &BTreeMap<String, DesignSpec>,
    settings: &EstimateSettings,
) -> Result<Estimation> {
    let segments = frame.column("segment").map_err(polars_error)?.null_count() < frame.height();
    let mut out = Estimation::default();
    for (study, choice) in choices {
        let spec = designs.get(study).copied().unwrap_or_default();
        let request = Request {
            study,
            multi: *choice == Choice::Multi,
            clustered: spec.clusters,
            design: spec.is_design(),
            segments,
            groups: &settings.groups,
            base_all: settings.base == Base::All,
        };
        let sums = study_sums(frame, &request)?;
        let context = Context {
            study,
            choice: *choice,
            spec,
            settings,
        };
        out.estimates.extend(context.rows(&sums)?);
        if spec.is_design() {
            out.wave_tests.extend(context.wave_tests(&sums)?);
        }
    }
    Ok(out)
}

struct Context<'a> {
    study: &'a str,
    choice: Choice,
    spec: DesignSpec,
    settings: &'a EstimateSettings,
}

impl Context<'_> {
    /// Categories named anywhere in the study, then every group: a group none of whose members
    /// anyone named is a share of 0, not a missing row.
    fn categories(&self, sums: &StudySums) -> Vec<(Kind, String)> {
        let named: BTreeSet<(Kind, String)> = sums
            .domains
            .values()
            .flat_map(|d| d.categories.keys().cloned())
            .filter(|(kind, _)| *kind == Kind::Department)
            .collect();
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

    /// The strata with respondents in the domain, carrying the category's sums.
    fn strata(&self, sums: &StudySums, domain: &Domain, d: &DomainSums, category: &(Kind, String)) -> Vec<Part> {
        let empty = BTreeMap::new();
        let by_stratum = d.categories.get(category).unwrap_or(&empty);
        d.strata
            .iter()
            .filter(|(_, s)| s.respondents > 0.0)
            .map(|(name, s)| {
                let c = by_stratum.get(name).copied().unwrap_or(CategorySums::default());
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
                        ww: s.ww,
                        yy: c.yy,
                        yw: c.yw,
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
            design: self.spec.describe(),
            base: self.settings.base,
            level: self.settings.level,
            ..Estimate::default()
        };
        if self.spec.is_design() {
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
        let df = strata.iter().map(|s| s.psus - 1.0).sum::<f64>();
        let point = DesignPoint { share, variance, n, df };
        let ci = design_interval(self.settings.method, &point, self.settings.level);
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

    /// One Rao-Scott test per category over the waves (segments are not tested).
    fn wave_tests(&self, sums: &StudySums) -> Result<Vec<WaveTest>> {
        let waves: Vec<(&Domain, &DomainSums)> = sums.domains.iter().filter(|(d, _)| d.segment.is_none()).collect();
        let mut tests = Vec::new();
        for category in self.categories(sums) {
            let (mut strata, mut rows, mut nu) = (Vec::new(), 0.0, 0.0);
            for (index, (domain, d)) in waves.iter().enumerate() {
                let wave_strata = self.strata(sums, domain, d, &category);
                nu += wave_strata.iter().map(|s| s.psus - 1.0).sum::<f64>();
                rows += wave_strata.iter().map(|s| s.respondents).sum::<f64>();
                strata.extend(wave_strata.into_iter().map(|s| (index, s.stratum)));
            }
            if let Some(result) = rao_scott(&strata, waves.len(), rows, nu, self.settings.lonely_psu)? {
                tests.push(WaveTest {
                    study: self.study.to_string(),
                    kind: category.0,
                    category: category.1.clone(),
                    result,
                });
            }
        }
        Ok(tests)
    }
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (wave, stratum, psu, category, weight) per respondent.
    type Respondent = (i32, u8, u8, u8, f64);

    fn frame_of(respondents: &[Respondent], scale: f64) -> DataFrame {
        frame_with(respondents, scale, true)
    }

    /// Without `design` the stratum and PSU columns are null, as when the input names none.
    fn frame_with(respondents: &[Respondent], scale: f64, design: bool) -> DataFrame {
        let n = respondents.len();
        let names = ["marketing", "pr", "sales"];
        df!(
            "study" => vec!["s"; n],
            "wave" => respondents.iter().map(|r| r.0).collect::<Vec<_>>(),
            "respondent" => (0..n).map(|i| i.to_string()).collect::<Vec<_>>(),
            "category" => respondents.iter().map(|r| Some(names[r.3 as usize])).collect::<Vec<_>>(),
            "weight" => respondents.iter().map(|r| r.4 * scale).collect::<Vec<_>>(),
            "stratum" => respondents.iter().map(|r| design.then(|| format!("h{}", r.1))).collect::<Vec<_>>(),
            "psu" => respondents.iter().map(|r| design.then(|| format!("p{}", r.2))).collect::<Vec<_>>(),
            "fpc" => vec![None::<f64>; n],
            "segment" => vec![None::<String>; n],
        )
        .unwrap_or_default()
    }

    fn run(frame: &DataFrame, spec: DesignSpec, method: CiMethod) -> Vec<Estimate> {
        let settings = EstimateSettings {
            base: Base::Answered,
            method,
            level: 0.95,
            groups: vec![Group::communications(), Group::parse("people=hr").unwrap()],
            lonely_psu: LonelyPsu::Adjust,
        };
        let choices = BTreeMap::from([("s".to_string(), Choice::Single)]);
        let designs = BTreeMap::from([("s".to_string(), spec)]);
        let out = estimate(frame, &choices, &designs, &settings);
        out.map(|o| o.estimates).unwrap_or_default()
    }

    #[test]
    fn a_group_nobody_named_is_reported_as_zero() {
        let people: Vec<Respondent> = vec![
            (2023, 0, 0, 0, 1.0),
            (2023, 0, 1, 2, 1.0),
            (2024, 1, 2, 0, 1.0),
            (2024, 1, 3, 2, 1.0),
        ];
        let frame = frame_of(&people, 1.0);
        for spec in [DESIGN, DesignSpec::default()] {
            let rows = run(&frame, spec, CiMethod::Wilson);
            let groups: Vec<(i32, &str, f64, Option<u64>)> = rows
                .iter()
                .filter(|e| e.kind == Kind::Group)
                .map(|e| (e.wave, e.category.as_str(), e.share, e.count))
                .collect();
            assert_eq!(
                groups,
                [
                    (2023, "communications", 0.5, Some(1)),
                    (2023, "people", 0.0, Some(0)),
                    (2024, "communications", 0.5, Some(1)),
                    (2024, "people", 0.0, Some(0))
                ]
            );
        }
    }

    const DESIGN: DesignSpec = DesignSpec {
        weights: true,
        strata: true,
        clusters: true,
        fpc: false,
    };

    fn respondents() -> impl Strategy<Value = Vec<Respondent>> {
        prop::collection::vec((2023..=2024i32, 0u8..3, 0u8..4, 0u8..3, 0.1f64..10.0), 4..80)
    }

    fn close(a: Option<f64>, b: Option<f64>, tol: f64) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= tol * a.abs().max(b.abs()) + 1e-12,
            (None, None) => true,
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn weights_of_one_give_the_unweighted_answer(mut people in respondents()) {
            people.iter_mut().for_each(|p| p.4 = 1.0);
            let frame = frame_with(&people, 1.0, false);
            let weights = DesignSpec { weights: true, ..DesignSpec::default() };
            let weighted = run(&frame, weights, CiMethod::Wilson);
            let plain = run(&frame, DesignSpec::default(), CiMethod::Wilson);
            prop_assert_eq!(weighted.len(), plain.len());
            for (w, p) in weighted.iter().zip(&plain) {
                prop_assert_eq!((&w.category, w.n, w.count), (&p.category, p.n, p.count));
                prop_assert!((w.share - p.share).abs() < 1e-12);
                prop_assert!(close(w.count_weighted, p.count.map(|c| c as f64), 1e-12));
                // R's weights-only design is a with-replacement sample: var = p(1-p)/(n-1).
                let n = p.n.unwrap_or(0) as f64;
                let srs_se = p.se.map(|se| se * (n / (n - 1.0)).sqrt());
                prop_assert!(n < 2.0 || close(w.se, srs_se, 1e-9), "{:?} vs {:?}", w.se, srs_se);
            }
        }

        #[test]
        fn scaling_all_weights_changes_nothing(people in respondents(), scale in 0.01f64..100.0) {
            let method = CiMethod::KornGraubard;
            let base = run(&frame_of(&people, 1.0), DESIGN, method);
            let scaled = run(&frame_of(&people, scale), DESIGN, method);
            prop_assert_eq!(base.len(), scaled.len());
            for (a, b) in base.iter().zip(&scaled) {
                prop_assert!((a.share - b.share).abs() <= 1e-12);
                prop_assert!(close(a.se, b.se, 1e-9), "{:?} vs {:?}", a, b);
                prop_assert!(close(a.ci_low, b.ci_low, 1e-8) && close(a.ci_high, b.ci_high, 1e-8), "{:?} vs {:?}", a, b);
                prop_assert!(close(a.n_effective, b.n_effective, 1e-8) && a.df == b.df);
            }
        }

        #[test]
        fn single_choice_shares_sum_to_one_per_wave(people in respondents()) {
            for spec in [DESIGN, DesignSpec::default()] {
                let estimates = run(&frame_of(&people, 1.0), spec, CiMethod::Logit);
                let mut sums: BTreeMap<i32, f64> = BTreeMap::new();
                for e in estimates.iter().filter(|e| e.kind == Kind::Department) {
                    *sums.entry(e.wave).or_default() += e.share;
                }
                prop_assert!(!sums.is_empty());
                for total in sums.values() {
                    prop_assert!((total - 1.0).abs() < 1e-12, "{}", total);
                }
            }
        }

        #[test]
        fn every_design_interval_holds_its_estimate(
            people in respondents(),
            method in prop::sample::select(CiMethod::ALL.to_vec()),
        ) {
            for e in run(&frame_of(&people, 1.0), DESIGN, method) {
                if let (Some(low), Some(high)) = (e.ci_low, e.ci_high) {
                    prop_assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high), "{:?}", e);
                    prop_assert!(low <= e.share + 1e-12 && e.share <= high + 1e-12, "{:?}", e);
                } else {
                    // Only t-based intervals may be missing, and only without design degrees of freedom.
                    prop_assert!(e.df.is_some_and(|df| df < 1.0), "{:?}", e);
                }
            }
        }
    }
}
