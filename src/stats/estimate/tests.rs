//! Unit tests of `estimate`.

use super::*;
use proptest::prelude::*;

/// (wave, stratum, psu, category, weight) per respondent.
type Respondent = (i32, u8, u8, u8, f64);

fn tally_of(respondents: &[Respondent], scale: f64) -> Tally {
    tally_with(respondents, scale, true)
}

/// The study's tally; without `design` no stratum or PSU, as when the input names none.
fn tally_with(respondents: &[Respondent], scale: f64, design: bool) -> Tally {
    let names = ["marketing", "pr", "sales"];
    let mut tally = Tally::default();
    for r in respondents {
        let (stratum, psu) = (format!("h{}", r.1), format!("p{}", r.2));
        tally.add_respondent(&crate::tally::Respondent {
            wave: r.0,
            segment: None,
            stratum: design.then_some(stratum.as_str()),
            psu: design.then_some(psu.as_str()),
            set: &[names[r.3 as usize]],
            weight: r.4 * scale,
            fpc: None,
            calibration: None,
        });
    }
    tally
}

fn run(tally: &Tally, spec: DesignSpec, method: CiMethod) -> Vec<Estimate> {
    run_declared(tally, spec, method, Vec::new())
}

fn run_declared(tally: &Tally, spec: DesignSpec, method: CiMethod, declared: Vec<String>) -> Vec<Estimate> {
    let settings = EstimateSettings {
        base: Base::Answered,
        method,
        level: 0.95,
        groups: vec![Group::communications(), Group::parse("people=hr").unwrap()],
        lonely_psu: LonelyPsu::Adjust,
        declared,
        weighting: Default::default(),
        segments: Default::default(),
        shown: Default::default(),
    };
    let choices = BTreeMap::from([("s".to_string(), Choice::Single)]);
    let designs = BTreeMap::from([("s".to_string(), spec)]);
    let tallies = BTreeMap::from([("s".to_string(), tally.clone())]);
    let out = estimate(&tallies, &choices, &designs, &settings);
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
    let tally = tally_of(&people, 1.0);
    for spec in [DESIGN, DesignSpec::default()] {
        let rows = run(&tally, spec, CiMethod::Wilson);
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
    waves: crate::stats::Waves::Independent,
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
        let tally = tally_with(&people, 1.0, false);
        let weights = DesignSpec { weights: true, ..DesignSpec::default() };
        let weighted = run(&tally, weights, CiMethod::Wilson);
        let plain = run(&tally, DesignSpec::default(), CiMethod::Wilson);
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
        let base = run(&tally_of(&people, 1.0), DESIGN, method);
        let scaled = run(&tally_of(&people, scale), DESIGN, method);
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
            let estimates = run(&tally_of(&people, 1.0), spec, CiMethod::Logit);
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
        for e in run(&tally_of(&people, 1.0), DESIGN, method) {
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

/// A declared category nobody chose is a row at 0 % in every wave (count 0, n the wave's base, a
/// Wilson interval from 0), not a missing row.
#[test]
fn a_declared_category_nobody_chose_is_reported_at_zero() {
    let people: Vec<Respondent> = vec![(2023, 0, 0, 0, 1.0), (2023, 0, 1, 1, 1.0), (2024, 1, 2, 0, 1.0)];
    let tally = tally_of(&people, 1.0);
    for spec in [DESIGN, DesignSpec::default()] {
        let rows = run_declared(&tally, spec, CiMethod::Wilson, vec!["it".to_string()]);
        let it: Vec<(i32, Option<u64>, Option<u64>, f64)> = rows
            .iter()
            .filter(|e| e.category == "it")
            .map(|e| (e.wave, e.n, e.count, e.share))
            .collect();
        assert_eq!(it, vec![(2023, Some(2), Some(0), 0.0), (2024, Some(1), Some(0), 0.0)]);
        assert!(
            rows.iter()
                .filter(|e| e.category == "it")
                .all(|e| e.ci_low == Some(0.0))
        );
        assert!(run(&tally, spec, CiMethod::Wilson).iter().all(|e| e.category != "it"));
    }
}

/// R's `degf` of `subset(design, answered)` counts the PSUs and strata where someone answered: a
/// PSU of no-answers only is in the variance (its stratum's PSU count) but not in the degrees of
/// freedom of the tests (issue 11: the tests over all departments counted it, the per-category
/// tests did not; the per-category tests now come from the same covariance).
#[test]
fn a_psu_of_no_answers_only_has_no_degree_of_freedom() {
    let names = ["marketing", "pr", "sales"];
    let mut tally = Tally::default();
    for wave in [2021, 2022] {
        for stratum in ["h1", "h2"] {
            for psu in ["p1", "p2", "p3"] {
                for k in 0..4usize {
                    let silent = wave == 2021 && stratum == "h1" && psu == "p3";
                    let named = [names[(k + psu.len() + usize::from(wave == 2022) + k * k) % 3]];
                    tally.add_respondent(&crate::tally::Respondent {
                        wave,
                        segment: None,
                        stratum: Some(stratum),
                        psu: Some(psu),
                        set: if silent { &[] } else { &named },
                        weight: 1.0 + k as f64 / 4.0,
                        fpc: None,
                        calibration: None,
                    });
                }
            }
        }
    }
    let settings = EstimateSettings {
        base: Base::Answered,
        method: CiMethod::Logit,
        level: 0.95,
        groups: Vec::new(),
        lonely_psu: LonelyPsu::Fail,
        declared: Vec::new(),
        weighting: Default::default(),
        segments: Default::default(),
        shown: Shown::ALL,
    };
    let spec = DesignSpec {
        weights: true,
        strata: true,
        clusters: true,
        ..DesignSpec::default()
    };
    let out = estimate(
        &BTreeMap::from([("s".to_string(), tally)]),
        &BTreeMap::from([("s".to_string(), Choice::Single)]),
        &BTreeMap::from([("s".to_string(), spec)]),
        &settings,
    )
    .unwrap();
    // 2021: h1 has two PSUs with answers, h2 three; 2022: three and three. (2-1)+(3-1)+(3-1)+(3-1) = 7.
    let all = out
        .independence
        .iter()
        .find(|t| t.wave.is_none() && t.pair.is_none())
        .unwrap();
    assert!((all.result.ddf / all.result.ndf - 7.0).abs() < 1e-9, "{:?}", all.result);
    assert!(!out.wave_tests.is_empty());
    for t in &out.wave_tests {
        assert!(
            (t.result.ddf / t.result.ndf - 7.0).abs() < 1e-9,
            "{} {:?}",
            t.category,
            t.result
        );
    }
    // 2021's estimates have the same degrees of freedom (the estimates' own path).
    let e = out.estimates.iter().find(|e| e.wave == 2021).unwrap();
    assert_eq!(e.df, Some(3.0));
}
