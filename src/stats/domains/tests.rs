//! `study_sums` of a tally is checked against `oracle`, a plain computation of the same sums from
//! respondent rows (grouped into PSUs by brute force, written apart from the tally's cells), on
//! random studies; the CLI tests check the estimates from these sums against R survey. Merging
//! pieces and the arrival order of respondents must not change what a tally sums to.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::ingest::Choice;
use crate::stats::design::population;
use crate::stats::{Base, estimate};
use crate::stats::{CiMethod, DesignSpec, Estimate, EstimateSettings, Estimation, Group, LonelyPsu, WaveTest};
use crate::tally::{Respondent, Tally};

/// A comparison: Ok, or what differs.
type Check = std::result::Result<(), String>;

/// The categories a respondent may name, by pick.
const CATEGORIES: [&str; 4] = ["marketing", "pr", "sales", "hr"];

/// Segment names by draw; `(missing)` is what the reader gives a respondent without a value.
const SEGMENTS: [&str; 3] = ["north", "south", "(missing)"];

const FIRST_WAVE: i32 = 2021;

/// One drawn respondent, before the study's design decides which fields are used.
#[derive(Debug, Clone)]
struct Person {
    wave: i32,
    stratum: u8,
    psu: u8,
    /// Under `Psus::Some`, whether this respondent's PSU is given.
    has_psu: bool,
    segment: u8,
    weight: f64,
    /// Indices into `CATEGORIES`, repeats allowed; none is no answer. Single choice keeps the first.
    picks: Vec<u8>,
}

/// Which respondents name a PSU.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Psus {
    All,
    None,
    /// Some do and some do not (a study of several files, only some with a PSU column).
    Some,
}

/// How the fpc column is given.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fpc {
    Fractions,
    Populations,
}

#[derive(Debug, Clone)]
struct Study {
    multi: bool,
    weights: bool,
    strata: bool,
    psus: Psus,
    fpc: Option<Fpc>,
    segments: bool,
    base: Base,
    /// Weights in eighths: every sum is exact in any order, so both paths must agree to the bit.
    exact: bool,
    /// Per wave and stratum (`slot`): a sampling fraction, and how many PSUs the population has
    /// beyond the sample (0: the stratum is fully sampled).
    fractions: Vec<f64>,
    extra: Vec<u32>,
    people: Vec<Person>,
}

impl Study {
    fn spec(&self) -> DesignSpec {
        DesignSpec {
            weights: self.weights,
            strata: self.strata,
            clusters: self.psus != Psus::None,
            fpc: self.fpc.is_some(),
            waves: crate::stats::Waves::Independent,
        }
    }

    fn choice(&self) -> Choice {
        if self.multi { Choice::Multi } else { Choice::Single }
    }

    fn settings(&self, method: CiMethod) -> EstimateSettings {
        EstimateSettings {
            method,
            base: self.base,
            level: 0.95,
            groups: groups(),
            lonely_psu: LonelyPsu::Adjust,
            declared: Vec::new(),
            weighting: Default::default(),
            segments: Default::default(),
            shown: Default::default(),
        }
    }
}

/// Communications (marketing + pr), a group across the others, and one whose member nobody names.
fn groups() -> Vec<Group> {
    vec![
        Group::communications(),
        Group::parse("frontline=sales,hr").unwrap(),
        Group::parse("nobody=finance").unwrap(),
    ]
}

/// One respondent as the input readers hand it on.
#[derive(Debug, Clone)]
struct Row {
    wave: i32,
    id: String,
    /// Sorted, each once.
    set: Vec<&'static str>,
    weight: f64,
    stratum: Option<String>,
    psu: Option<String>,
    fpc: Option<f64>,
    segment: Option<String>,
}

/// Where a wave and stratum's fraction and extra population are drawn.
fn slot(wave: i32, stratum: u8) -> usize {
    (wave - FIRST_WAVE) as usize * 3 + stratum as usize
}

/// The respondents of a study under its design: ids restart in every wave (a panel reuses them),
/// PSU labels repeat across strata (PSUs are nested in strata) and the fpc is constant within a
/// wave's stratum.
fn rows(study: &Study) -> Vec<Row> {
    let mut next_id: BTreeMap<i32, usize> = BTreeMap::new();
    let mut rows: Vec<Row> = study
        .people
        .iter()
        .map(|p| {
            let id = next_id.entry(p.wave).or_default();
            *id += 1;
            let named: BTreeSet<&'static str> = p.picks.iter().map(|c| CATEGORIES[*c as usize]).collect();
            let set = if study.multi {
                named.into_iter().collect()
            } else {
                p.picks.first().map(|c| CATEGORIES[*c as usize]).into_iter().collect()
            };
            let psu = match study.psus {
                Psus::All => true,
                Psus::None => false,
                Psus::Some => p.has_psu,
            };
            Row {
                wave: p.wave,
                id: format!("r{id}"),
                set,
                weight: weight(study, p.weight),
                stratum: study.strata.then(|| format!("h{}", p.stratum)),
                psu: psu.then(|| format!("p{}", p.psu)),
                fpc: None,
                segment: study.segments.then(|| SEGMENTS[p.segment as usize].to_string()),
            }
        })
        .collect();
    if let Some(fpc) = study.fpc {
        let sampled = sampled_psus(&rows);
        for (row, person) in rows.iter_mut().zip(&study.people) {
            let stratum = if study.strata { person.stratum } else { 0 };
            let at = slot(row.wave, stratum);
            row.fpc = Some(match fpc {
                Fpc::Fractions => study.fractions[at],
                Fpc::Populations => (sampled[&(row.wave, row.stratum.clone())] + study.extra[at]) as f64,
            });
        }
    }
    rows
}

/// 1.0 without a weight column, as the readers give it.
fn weight(study: &Study, drawn: f64) -> f64 {
    match (study.weights, study.exact) {
        (false, _) => 1.0,
        (true, true) => (drawn * 8.0).round() / 8.0,
        (true, false) => drawn,
    }
}

/// PSUs in the sample per wave and stratum: named PSUs once, a respondent without one as its own.
fn sampled_psus(rows: &[Row]) -> BTreeMap<(i32, Option<String>), u32> {
    let mut units: BTreeMap<(i32, Option<String>), BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let unit = row.psu.clone().unwrap_or_else(|| format!("own {}", row.id));
        units.entry((row.wave, row.stratum.clone())).or_default().insert(unit);
    }
    units.into_iter().map(|(k, v)| (k, v.len() as u32)).collect()
}

/// The sums by brute force from the rows: each domain's respondents grouped by stratum and unit
/// (the PSU, or the respondent when it has none) in maps, summed unit by unit.
fn oracle(rows: &[Row], request: &Request) -> StudySums {
    let mut sums = StudySums::default();
    if request.design {
        sums.design = oracle_design(rows);
    }
    let named: BTreeSet<&str> = rows.iter().flat_map(|r| r.set.iter().copied()).collect();
    let mut categories: Vec<((Kind, String), Vec<String>)> = named
        .into_iter()
        .map(|c| ((Kind::Department, c.to_string()), vec![c.to_string()]))
        .collect();
    categories.extend(
        request
            .groups
            .iter()
            .map(|g| ((Kind::Group, g.name.clone()), g.members.clone())),
    );
    let mut domains: BTreeMap<Domain, Vec<&Row>> = BTreeMap::new();
    for row in rows.iter().filter(|r| request.base_all || !r.set.is_empty()) {
        domains
            .entry(Domain {
                wave: row.wave,
                segment: None,
            })
            .or_default()
            .push(row);
        if request.segments && row.segment.is_some() {
            let domain = Domain {
                wave: row.wave,
                segment: row.segment.clone(),
            };
            domains.entry(domain).or_default().push(row);
        }
    }
    for (domain, members) in domains {
        let mut units: BTreeMap<String, BTreeMap<String, Vec<&Row>>> = BTreeMap::new();
        for row in members {
            let unit = row
                .psu
                .clone()
                .map_or_else(|| format!("own {}", row.id), |p| format!("psu {p}"));
            let stratum = row.stratum.clone().unwrap_or_default();
            units.entry(stratum).or_default().entry(unit).or_default().push(row);
        }
        let mut out = DomainSums::default();
        for (stratum, by_unit) in units {
            let mut s = StratumSums::default();
            for people in by_unit.values() {
                let w: f64 = people.iter().map(|r| r.weight).sum();
                s.w += w;
                s.zw += w;
                s.ww += w * w;
                s.respondents += people.len() as f64;
                s.psus += 1.0;
                for (category, members) in &categories {
                    let named: Vec<&&Row> = people
                        .iter()
                        .filter(|r| r.set.iter().any(|c| members.iter().any(|m| m == c)))
                        .collect();
                    if named.is_empty() {
                        continue;
                    }
                    let y: f64 = named.iter().map(|r| r.weight).sum();
                    let c = out
                        .categories
                        .entry(category.clone())
                        .or_default()
                        .entry(stratum.clone())
                        .or_default();
                    c.y += y;
                    c.zy += y;
                    c.yy += y * y;
                    c.yw += y * w;
                    c.count += named.len() as f64;
                }
            }
            out.strata.insert(stratum, s);
        }
        sums.domains.insert(domain, out);
    }
    sums
}

/// PSUs per wave and stratum over every row, and the fpc as a population of PSUs.
fn oracle_design(rows: &[Row]) -> BTreeMap<(i32, String), StratumDesign> {
    let mut strata: BTreeMap<(i32, String), (BTreeSet<String>, f64, f64)> = BTreeMap::new();
    for row in rows {
        let key = (row.wave, row.stratum.clone().unwrap_or_default());
        let entry = strata
            .entry(key)
            .or_insert((BTreeSet::new(), f64::INFINITY, f64::NEG_INFINITY));
        entry.0.insert(
            row.psu
                .clone()
                .map_or_else(|| format!("own {}", row.id), |p| format!("psu {p}")),
        );
        if let Some(f) = row.fpc {
            (entry.1, entry.2) = (entry.1.min(f), entry.2.max(f));
        }
    }
    let fractions = rows.iter().filter_map(|r| r.fpc).all(|f| f <= 1.0);
    strata
        .into_iter()
        .map(|((wave, stratum), (units, low, high))| {
            let psus = units.len() as f64;
            let label = stratum_label(&stratum, wave);
            let population = (low <= high).then(|| population(&label, psus, (low, high), fractions).unwrap());
            ((wave, stratum), StratumDesign { psus, population })
        })
        .collect()
}

fn respondent(row: &Row) -> Respondent<'_> {
    Respondent {
        wave: row.wave,
        segment: row.segment.as_deref(),
        stratum: row.stratum.as_deref(),
        psu: row.psu.as_deref(),
        set: &row.set,
        weight: row.weight,
        fpc: row.fpc,
        calibration: None,
    }
}

/// The tally as the large-file reader fills it, one respondent at a time.
fn tally(rows: &[Row]) -> Tally {
    let mut tally = Tally::default();
    for row in rows {
        tally.add_respondent(&respondent(row));
    }
    tally
}

/// What `estimate` asks of study `s`.
fn request<'a>(study: &Study, groups: &'a [Group]) -> Request<'a> {
    let spec = study.spec();
    Request {
        study: "s",
        multi: study.multi,
        clustered: spec.clusters,
        design: spec.is_design(),
        segments: study.segments,
        groups,
        base_all: study.base == Base::All,
        waves: crate::stats::Waves::Independent,
    }
}

/// Equal to `tol` relative; NaNs are equal to each other only.
fn close(a: f64, b: f64, tol: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol * a.abs().max(b.abs())
}

fn close_opt(a: Option<f64>, b: Option<f64>, tol: f64) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b, tol),
        (None, None) => true,
        _ => false,
    }
}

/// Every number of `a` and `b` (named `what`) equal to `tol`.
fn numbers(what: &str, a: &[(&str, Option<f64>)], b: &[(&str, Option<f64>)], tol: f64) -> Check {
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if !close_opt(*x, *y, tol) {
            return Err(format!("{what}: {name} {x:?} vs {y:?}"));
        }
    }
    Ok(())
}

fn same_keys<K: std::fmt::Debug + PartialEq, V>(what: &str, a: &BTreeMap<K, V>, b: &BTreeMap<K, V>) -> Check {
    let (ka, kb): (Vec<&K>, Vec<&K>) = (a.keys().collect(), b.keys().collect());
    if ka == kb {
        Ok(())
    } else {
        Err(format!("{what}: keys {ka:?} vs {kb:?}"))
    }
}

fn stratum_numbers(s: &StratumSums) -> [(&'static str, Option<f64>); 4] {
    [
        ("w", Some(s.w)),
        ("ww", Some(s.ww)),
        ("respondents", Some(s.respondents)),
        ("psus", Some(s.psus)),
    ]
}

fn category_numbers(c: &CategorySums) -> [(&'static str, Option<f64>); 4] {
    [
        ("y", Some(c.y)),
        ("yy", Some(c.yy)),
        ("yw", Some(c.yw)),
        ("count", Some(c.count)),
    ]
}

/// The same design, domains, strata and categories, every number equal to `tol`.
fn same_sums(a: &StudySums, b: &StudySums, tol: f64) -> Check {
    same_keys("design", &a.design, &b.design)?;
    for (key, x) in &a.design {
        let y = &b.design[key];
        let (nx, ny) = (
            [("psus", Some(x.psus)), ("population", x.population)],
            [("", Some(y.psus)), ("", y.population)],
        );
        numbers(&format!("design {key:?}"), &nx, &ny, tol)?;
    }
    same_keys("domains", &a.domains, &b.domains)?;
    for (domain, x) in &a.domains {
        let y = &b.domains[domain];
        same_keys(&format!("{domain:?} strata"), &x.strata, &y.strata)?;
        for (stratum, s) in &x.strata {
            let what = format!("{domain:?} stratum `{stratum}`");
            numbers(&what, &stratum_numbers(s), &stratum_numbers(&y.strata[stratum]), tol)?;
        }
        same_keys(&format!("{domain:?} categories"), &x.categories, &y.categories)?;
        for (category, by_stratum) in &x.categories {
            let other = &y.categories[category];
            same_keys(&format!("{domain:?} {category:?} strata"), by_stratum, other)?;
            for (stratum, c) in by_stratum {
                let what = format!("{domain:?} {category:?} stratum `{stratum}`");
                numbers(&what, &category_numbers(c), &category_numbers(&other[stratum]), tol)?;
            }
        }
    }
    Ok(())
}

fn estimate_numbers(e: &Estimate) -> [(&'static str, Option<f64>); 10] {
    [
        ("share", Some(e.share)),
        ("n_weighted", e.n_weighted),
        ("count_weighted", e.count_weighted),
        ("se", e.se),
        ("ci_low", e.ci_low),
        ("ci_high", e.ci_high),
        ("deff", e.deff),
        ("n_effective", e.n_effective),
        ("df", e.df),
        ("level", Some(e.level)),
    ]
}

/// Equal estimates: labels and counts exactly, numbers to `tol`.
fn same_estimate(a: &Estimate, b: &Estimate, tol: f64) -> Check {
    let labels = |e: &Estimate| {
        let e = e.clone();
        (
            e.study, e.wave, e.segment, e.category, e.kind, e.choice, e.n, e.count, e.method, e.design, e.base,
        )
    };
    if labels(a) != labels(b) {
        return Err(format!("estimate labels differ:\n{a:?}\n{b:?}"));
    }
    let what = format!("{} {:?} {} {:?}", a.wave, a.segment, a.category, a.kind);
    numbers(&what, &estimate_numbers(a), &estimate_numbers(b), tol)
}

fn same_test(a: &WaveTest, b: &WaveTest, tol: f64) -> Check {
    let of = |t: &WaveTest| {
        let r = t.result;
        [
            ("f", Some(r.f)),
            ("ndf", Some(r.ndf)),
            ("ddf", Some(r.ddf)),
            ("p_value", Some(r.p_value)),
        ]
    };
    numbers(&format!("wave test {:?} {}", a.kind, a.category), &of(a), &of(b), tol)
}

/// A wave test's study and category.
type TestKey = (String, Kind, String);

/// The wave tests by category, but for those in `skip`.
fn wave_tests<'a>(e: &'a Estimation, skip: &BTreeSet<TestKey>) -> BTreeMap<TestKey, &'a WaveTest> {
    e.wave_tests
        .iter()
        .map(|t| ((t.study.clone(), t.kind, t.category.clone()), t))
        .filter(|(key, _)| !skip.contains(key))
        .collect()
}

fn same_estimation(a: &Estimation, b: &Estimation, tol: f64) -> Check {
    if a.estimates.len() != b.estimates.len() {
        return Err(format!("{} estimates vs {}", a.estimates.len(), b.estimates.len()));
    }
    for (x, y) in a.estimates.iter().zip(&b.estimates) {
        same_estimate(x, y, tol)?;
    }
    let skip = BTreeSet::new();
    let (x, y) = (wave_tests(a, &skip), wave_tests(b, &skip));
    same_keys("wave tests", &x, &y)?;
    for (key, test) in &x {
        same_test(test, y[key], tol)?;
    }
    Ok(())
}

/// The estimates of a study from its tally.
fn estimation(study: &Study, method: CiMethod) -> Estimation {
    let rows = rows(study);
    let choices = BTreeMap::from([("s".to_string(), study.choice())]);
    let designs = BTreeMap::from([("s".to_string(), study.spec())]);
    let tallies = BTreeMap::from([("s".to_string(), tally(&rows))]);
    estimate(&tallies, &choices, &designs, &study.settings(method)).unwrap()
}

/// The oracle's and the tally's `StudySums` of a study.
fn both_sums(study: &Study) -> (StudySums, StudySums) {
    let (rows, groups) = (rows(study), groups());
    let request = request(study, &groups);
    (oracle(&rows, &request), study_sums(&tally(&rows), &request).unwrap())
}

fn person() -> impl Strategy<Value = Person> {
    (
        FIRST_WAVE..FIRST_WAVE + 3,
        0u8..3,
        0u8..4,
        prop::bool::weighted(0.7),
        0u8..3,
        0.2f64..5.0,
        prop::collection::vec(0u8..4, 0..=3),
    )
        .prop_map(|(wave, stratum, psu, has_psu, segment, weight, picks)| Person {
            wave,
            stratum,
            psu,
            has_psu,
            segment,
            weight,
            picks,
        })
}

fn study() -> impl Strategy<Value = Study> {
    let design = (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![Psus::All, Psus::None, Psus::Some]),
        prop::sample::select(vec![None, Some(Fpc::Fractions), Some(Fpc::Populations)]),
        any::<bool>(),
        prop::sample::select(vec![Base::Answered, Base::All]),
        any::<bool>(),
    );
    let fraction = prop_oneof![1 => Just(1.0), 4 => 0.05f64..1.0];
    let draws = (
        prop::collection::vec(fraction, 9),
        prop::collection::vec(0u32..6, 9),
        prop::collection::vec(person(), 1..50),
    );
    (design, draws).prop_map(
        |((multi, weights, strata, psus, fpc, segments, base, exact), (fractions, extra, people))| Study {
            multi,
            weights,
            strata,
            psus,
            fpc,
            segments,
            base,
            exact,
            fractions,
            extra,
            people,
        },
    )
}

/// `cases` cases (or `TALLY_CASES`, for a longer search), and no regression files: a failure
/// found is kept as a deterministic test here.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("TALLY_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The entry of `study` alone.
fn only<V: Clone>(map: &BTreeMap<String, V>, study: &str) -> BTreeMap<String, V> {
    map.iter()
        .filter(|(k, _)| *k == study)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Cuts `rows` into three pieces at `a` and `b` (fractions of its length).
fn pieces(rows: &[Row], a: f64, b: f64) -> [&[Row]; 3] {
    let n = rows.len();
    let (i, j) = ((a.min(b) * n as f64) as usize, (a.max(b) * n as f64) as usize);
    [&rows[..i], &rows[i..j], &rows[j..]]
}

proptest! {
    #![proptest_config(config(48))]

    /// Weights in eighths sum exactly in any order, so there the sums must be equal to the bit.
    #[test]
    fn tally_sums_equal_the_oracle_sums(study in study()) {
        let (want, from_tally) = both_sums(&study);
        let tol = if study.exact { 0.0 } else { 1e-12 };
        prop_assert_eq!(same_sums(&want, &from_tally, tol), Ok(()));
    }

    /// Two studies estimated in one call give each study's estimates alone.
    #[test]
    fn studies_estimated_together_as_each_alone(first in study(), second in study()) {
        let settings = first.settings(CiMethod::Wilson);
        let choices = BTreeMap::from([("s".to_string(), first.choice()), ("t".to_string(), second.choice())]);
        let designs = BTreeMap::from([("s".to_string(), first.spec()), ("t".to_string(), second.spec())]);
        let tallies = BTreeMap::from([("s".to_string(), tally(&rows(&first))), ("t".to_string(), tally(&rows(&second)))]);
        let together = estimate(&tallies, &choices, &designs, &settings).unwrap();
        let mut alone = Estimation::default();
        for study in ["s", "t"] {
            let part = estimate(&only(&tallies, study), &only(&choices, study), &only(&designs, study), &settings);
            let part = part.unwrap();
            alone.estimates.extend(part.estimates);
            alone.wave_tests.extend(part.wave_tests);
        }
        // Segments are asked for when any study has them: only compare where neither has.
        prop_assume!(first.segments == second.segments);
        prop_assert_eq!(same_estimation(&together, &alone, 0.0), Ok(()));
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Three blocks merged, as the large-file reader merges its blocks, sum as one tally of them all.
    #[test]
    fn merged_pieces_sum_as_one_tally(study in study(), a in 0.0f64..1.0, b in 0.0f64..1.0) {
        let (rows, groups) = (rows(&study), groups());
        let request = request(&study, &groups);
        let whole = tally(&rows);
        let [first, second, third] = pieces(&rows, a, b);
        let mut merged = tally(first);
        merged.merge(&tally(second));
        merged.merge(&tally(third));
        let want = study_sums(&whole, &request).unwrap();
        let tol = if study.exact { 0.0 } else { 1e-12 };
        prop_assert_eq!(same_sums(&want, &study_sums(&merged, &request).unwrap(), tol), Ok(()));
        prop_assert_eq!(merged.answered_by_wave(), whole.answered_by_wave());
        prop_assert_eq!(merged.has_segments(), whole.has_segments());
        // Into an empty tally, and a piece added after a merge, as a reader's blocks are.
        let mut from_empty = Tally::default();
        from_empty.merge(&tally(first));
        from_empty.merge(&tally(second));
        for row in third {
            from_empty.add_respondent(&respondent(row));
        }
        prop_assert_eq!(same_sums(&want, &study_sums(&from_empty, &request).unwrap(), tol), Ok(()));
    }

    #[test]
    fn arrival_order_does_not_change_the_sums(
        (study, order) in study().prop_flat_map(|s| {
            let n = s.people.len();
            (Just(s), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
    ) {
        let (rows, groups) = (rows(&study), groups());
        let request = request(&study, &groups);
        let shuffled: Vec<Row> = order.iter().map(|i| rows[*i].clone()).collect();
        let want = study_sums(&tally(&rows), &request).unwrap();
        let tol = if study.exact { 0.0 } else { 1e-12 };
        prop_assert_eq!(same_sums(&want, &study_sums(&tally(&shuffled), &request).unwrap(), tol), Ok(()));
    }
}

/// A hand-checked case, so the comparison above is not two paths agreeing on a wrong answer:
/// PSU `p0` in strata `a` and `b` is two PSUs, and a multiple-choice respondent counts once in
/// its PSU's weight and once in a group.
#[test]
fn nested_psus_and_multiple_choice_by_hand() {
    let row = |id: &str, stratum: &str, psu: &str, set: Vec<&'static str>, weight: f64| Row {
        wave: 2024,
        id: id.to_string(),
        set,
        weight,
        stratum: Some(stratum.to_string()),
        psu: Some(psu.to_string()),
        fpc: None,
        segment: None,
    };
    let rows = [
        row("1", "a", "p0", vec!["marketing", "pr"], 2.0),
        row("2", "a", "p0", vec!["sales"], 1.0),
        row("3", "a", "p1", vec![], 4.0),
        row("4", "b", "p0", vec!["pr"], 3.0),
    ];
    let groups = groups();
    let request = Request {
        study: "s",
        multi: true,
        clustered: true,
        design: true,
        segments: false,
        groups: &groups,
        base_all: false,
        waves: crate::stats::Waves::Independent,
    };
    for sums in [study_sums(&tally(&rows), &request).unwrap(), oracle(&rows, &request)] {
        assert_eq!(sums.design[&(2024, "a".to_string())].psus, 2.0);
        assert_eq!(sums.design[&(2024, "b".to_string())].psus, 1.0);
        let wave = &sums.domains[&Domain {
            wave: 2024,
            segment: None,
        }];
        // Stratum a in the answered base: PSU p0 only (respondent 3 gave no answer), W = 3.
        let a = StratumSums {
            w: 3.0,
            zw: 3.0,
            ww: 9.0,
            respondents: 2.0,
            psus: 1.0,
            ..StratumSums::default()
        };
        assert_eq!(wave.strata["a"], a);
        // Communications in stratum a: respondent 1 once, Y = 2, Y·W = 6.
        let communications = &wave.categories[&(Kind::Group, "communications".to_string())];
        let want = CategorySums {
            y: 2.0,
            zy: 2.0,
            yy: 4.0,
            yw: 6.0,
            count: 1.0,
            ..CategorySums::default()
        };
        assert_eq!(communications["a"], want);
        assert_eq!(
            communications["b"],
            CategorySums {
                y: 3.0,
                zy: 3.0,
                yy: 9.0,
                yw: 9.0,
                count: 1.0,
                ..CategorySums::default()
            }
        );
        assert!(!wave.categories.contains_key(&(Kind::Group, "nobody".to_string())));
    }
}

/// The smallest case found where the paths differ: in wave 2021 everyone names marketing, in PSUs
/// first seen in the order p0, p2, p1 with weights 0.1, 1.1, 0.1. Summed in first-seen order the
/// base's weight is 1.3000000000000003, in PSU order 1.3 (a share of one must stay exactly one).
fn everyone_named_marketing() -> Study {
    let person = |wave: i32, psu: u8, weight: f64, pick: u8| Person {
        wave,
        stratum: 0,
        psu,
        has_psu: true,
        segment: 0,
        weight,
        picks: vec![pick],
    };
    Study {
        multi: false,
        weights: true,
        strata: false,
        psus: Psus::All,
        fpc: None,
        segments: false,
        base: Base::Answered,
        exact: false,
        fractions: vec![1.0; 9],
        extra: vec![0; 9],
        people: vec![
            person(2021, 0, 0.1, 0),
            person(2021, 2, 1.1, 0),
            person(2021, 1, 0.1, 0),
            person(2022, 0, 1.0, 1),
        ],
    }
}

fn test_of<'a>(e: &'a Estimation, category: &str) -> Option<&'a WaveTest> {
    e.wave_tests.iter().find(|t| t.category == category)
}

/// The tally's answer where everyone in a wave named a category: a share of exactly 1, and the
/// marketing-by-wave table is pr's mirrored, so it has pr's Rao-Scott test; communications is
/// 100 % in both waves, so there is nothing to test.
#[test]
fn a_category_everyone_named_has_a_share_of_one_in_the_tally() {
    let from_tally = estimation(&everyone_named_marketing(), CiMethod::Wald);
    let marketing = &from_tally.estimates[0];
    assert_eq!((marketing.wave, marketing.category.as_str()), (2021, "marketing"));
    assert_eq!(
        (marketing.share, marketing.ci_low, marketing.deff),
        (1.0, Some(1.0), None)
    );
    let (Some(m), Some(p)) = (test_of(&from_tally, "marketing"), test_of(&from_tally, "pr")) else {
        panic!("no marketing or pr test: {:?}", from_tally.wave_tests);
    };
    assert!(
        close(m.result.f, p.result.f, 1e-12) && m.result.f > 100.0,
        "{m:?} vs {p:?}"
    );
    assert!(
        test_of(&from_tally, "communications").is_none(),
        "{:?}",
        from_tally.wave_tests
    );
}

/// The comparison can fail: a respondent moved to another PSU, or a weight changed in the ninth
/// digit, on the tally's side only, is seen in the sums.
#[test]
fn the_comparison_sees_a_changed_respondent() {
    let mut study = everyone_named_marketing();
    study.people.push(Person {
        picks: vec![2],
        ..study.people[1].clone()
    });
    let (rows, groups) = (rows(&study), groups());
    let request = request(&study, &groups);
    let want = oracle(&rows, &request);
    let mut moved = rows.clone();
    moved[1].psu = Some("p1".to_string());
    let mut heavier = rows.clone();
    heavier[1].weight *= 1.0 + 1e-9;
    for changed in [moved, heavier] {
        let sums = study_sums(&tally(&changed), &request).unwrap();
        assert!(same_sums(&want, &sums, 1e-12).is_err());
    }
    assert_eq!(
        same_sums(&want, &study_sums(&tally(&rows), &request).unwrap(), 1e-12),
        Ok(())
    );
}
