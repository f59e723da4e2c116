//! The bundled data that is made rather than collected: the Econsultancy reconstruction and the
//! seeded synthetic multi-year tracker. Committed files are checked against these generators in tests.

use std::fmt::Write as _;

use crate::rng::SplitMix64;

/// Counts for `n` respondents that reproduce `percents` as closely as whole numbers allow
/// (largest-remainder method; ties go to the earlier entry).
pub fn allocate(n: u64, percents: &[f64]) -> Vec<u64> {
    let exact: Vec<f64> = percents.iter().map(|p| p / 100.0 * n as f64).collect();
    let mut counts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let assigned: u64 = counts.iter().sum();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(n.saturating_sub(assigned) as usize) {
        counts[i] += 1;
    }
    counts
}

/// Sample size assumed for the reconstruction: the smallest n at which 35 %, 21 %, 19 % and the
/// unreported 25 % are all whole respondents. The real company-side n was not published.
pub const ECONSULTANCY_ASSUMED_N: u64 = 100;

/// Respondent rows rebuilt from the published Econsultancy shares.
pub fn econsultancy_reconstruction() -> String {
    let table = [
        ("Digital marketing team", 35.0),
        ("PR or communications team", 21.0),
        ("Cross-functional team", 19.0),
        ("Not reported", 25.0),
    ];
    let counts = allocate(ECONSULTANCY_ASSUMED_N, &table.map(|t| t.1));
    let mut csv = String::from(
        "# RECONSTRUCTED respondent rows, not survey microdata. Rebuilt by `cargo run --example generate_data`\n\
         # from the published Econsultancy / bigmouthmedia shares (digital marketing team 35 %, PR or\n\
         # communications team 21 %, cross-functional team 19 %; see data/published/econsultancy-2010.csv).\n\
         # n = 100 is ASSUMED: the company-side n was not published, and 100 is the smallest n at which every\n\
         # published share is a whole number of respondents. Intervals computed from these rows are therefore\n\
         # illustrative, not published. The remaining 25 % was never broken down and is kept as \"Not reported\".\n\
         respondent,department\n",
    );
    let mut id = 0;
    for ((label, _), count) in table.iter().zip(counts) {
        for _ in 0..count {
            id += 1;
            let _ = writeln!(csv, "R{id:03},{label}");
        }
    }
    csv
}

pub const DEMO_SEED: u64 = 20_101;
pub const DEMO_WAVES: std::ops::RangeInclusive<i32> = 2019..=2025;

/// (spellings as survey tools and people write them, share in 2019, share in 2025)
const DEMO_CATEGORIES: &[(&[&str], f64, f64)] = &[
    (
        &["Marketing", "marketing", "Marketing department", "Marketingabteilung"],
        0.40,
        0.31,
    ),
    (
        &[
            "PR",
            "Public Relations",
            "Unternehmenskommunikation",
            "Öffentlichkeitsarbeit",
        ],
        0.19,
        0.24,
    ),
    (&["Cross-functional team", "Bereichsübergreifendes Team"], 0.12, 0.19),
    (&["Customer service", "Kundendienst"], 0.09, 0.08),
    (&["Sales", "Vertrieb"], 0.07, 0.05),
    (&["Executive", "Geschäftsführung"], 0.06, 0.05),
    (&["HR", "Personal"], 0.02, 0.03),
    (&["IT"], 0.03, 0.02),
    (&["Other"], 0.02, 0.03),
];

/// The synthetic tracker: one row per respondent, single choice, waves 2019-2025.
pub fn demo_tracker(seed: u64) -> String {
    let mut rng = SplitMix64(seed);
    let mut csv = String::from(
        "# SYNTHETIC demonstration data, not a real survey. Made by `cargo run --example generate_data`\n\
         # (deptshare::demo::demo_tracker, seed 20101): 7 yearly waves, single choice, labels in English and\n\
         # German spellings, about 3 % without an answer. Shares drift linearly between the 2019 and 2025 values\n\
         # in src/demo.rs so the trend stage has something to find.\n\
         respondent,year,company_size,department\n",
    );
    let first = *DEMO_WAVES.start();
    let span = f64::from(DEMO_WAVES.end() - first);
    for wave in DEMO_WAVES {
        let t = f64::from(wave - first) / span;
        let n = 300 + (rng.next_u64() % 200);
        for i in 1..=n {
            let size = rng.pick(&["1-49", "50-249", "250+"]);
            let label = if rng.next_f64() < 0.03 {
                ""
            } else {
                draw_label(&mut rng, t)
            };
            let _ = writeln!(csv, "W{wave}-{i:04},{wave},{size},{label}");
        }
    }
    csv
}

fn draw_label(rng: &mut SplitMix64, t: f64) -> &'static str {
    let weights: Vec<f64> = DEMO_CATEGORIES.iter().map(|(_, a, b)| a + (b - a) * t).collect();
    let total: f64 = weights.iter().sum();
    let mut u = rng.next_f64() * total;
    for ((spellings, _, _), w) in DEMO_CATEGORIES.iter().zip(&weights) {
        if u < *w {
            return rng.pick(spellings);
        }
        u -= w;
    }
    "Other"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_reproduces_whole_percents() {
        assert_eq!(allocate(100, &[35.0, 21.0, 19.0, 25.0]), vec![35, 21, 19, 25]);
        assert_eq!(allocate(7, &[50.0, 50.0]), vec![4, 3]);
        assert_eq!(allocate(3, &[33.3, 33.3, 33.4]).iter().sum::<u64>(), 3);
    }

    #[test]
    fn committed_data_comes_from_the_generators() {
        let root = env!("CARGO_MANIFEST_DIR");
        let read = |p: &str| std::fs::read_to_string(format!("{root}/{p}")).unwrap_or_default();
        assert_eq!(
            read("data/surveys/econsultancy-2010-reconstructed.csv"),
            econsultancy_reconstruction()
        );
        assert_eq!(read("data/surveys/demo-tracker.csv"), demo_tracker(DEMO_SEED));
    }
}
