//! Who ranks first: for one domain, the probability that each department has the largest share
//! and an interval for its rank, from the normal approximation of the shares with their design
//! covariance (`covariance`). A seeded Monte Carlo, so every run gives the same numbers.

use serde::Serialize;

use super::covariance::Totals;
use crate::rng::SplitMix64;

/// Draws per domain: the Monte Carlo error of a probability is at most 0.5/√DRAWS ≈ 0.0035.
pub const DRAWS: usize = 20_000;

/// The generator's seed (any fixed number: results must not change between runs).
const SEED: u64 = 0x5EED_2026_0001;

/// One department's place in one domain (`ranks` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rank {
    pub study: String,
    pub wave: i32,
    pub segment: Option<String>,
    pub category: String,
    /// The probability that this department has the largest share.
    pub p_first: f64,
    /// The central 95 % of its rank over the draws (1 = largest).
    pub rank_low: u32,
    pub rank_high: u32,
}

/// The ranks of the departments `categories` (positions in `totals`) in domain `d`.
pub fn ranks(totals: &Totals, d: usize, categories: &[usize]) -> Vec<(usize, f64, u32, u32)> {
    let k = categories.len();
    if k == 0 || totals.w[d] <= 0.0 {
        return Vec::new();
    }
    let shares: Vec<(f64, [(usize, f64); 2])> = categories.iter().map(|c| totals.share(d, *c)).collect();
    // Nobody named any department (a wave of no-answers in the base): there is nothing to rank.
    if shares.iter().all(|(p, _)| *p <= 0.0) {
        return Vec::new();
    }
    let cov: Vec<Vec<f64>> = shares
        .iter()
        .map(|(_, a)| shares.iter().map(|(_, b)| totals.cov(a, b)).collect())
        .collect();
    let l = cholesky(&cov);
    let mut rng = SplitMix64(SEED);
    let mut first = vec![0.0f64; k];
    // How often each department took each place (place 1 first).
    let mut places = vec![vec![0usize; k]; k];
    let mut z = vec![0.0; k];
    let mut draw = vec![0.0; k];
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..DRAWS {
        for v in z.iter_mut() {
            *v = rng.normal();
        }
        for i in 0..k {
            draw[i] = shares[i].0 + (0..=i).map(|j| l[i][j] * z[j]).sum::<f64>();
        }
        order.sort_by(|a, b| draw[*b].total_cmp(&draw[*a]).then(a.cmp(b)));
        // Exact ties for first (equal shares without variance) share the draw.
        let tied = order.iter().take_while(|&&i| draw[i] == draw[order[0]]).count();
        for &i in &order[..tied] {
            first[i] += 1.0 / tied as f64;
        }
        for (place, &i) in order.iter().enumerate() {
            places[i][place] += 1;
        }
    }
    (0..k)
        .map(|i| {
            // The place at position `q (DRAWS - 1)` of the department's sorted places.
            let at = |q: f64| {
                let position = ((q * (DRAWS - 1) as f64).round() as usize).min(DRAWS - 1);
                let mut seen = 0;
                let place = places[i].iter().position(|n| {
                    seen += n;
                    seen > position
                });
                place.map_or(k, |p| p + 1) as u32
            };
            (categories[i], first[i] / DRAWS as f64, at(0.025), at(0.975))
        })
        .collect()
}

/// `f` of each item, on as many threads as the machine has cores (each domain's ranks are a few
/// milliseconds of draws, independent of the others), in the items' order.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                scope.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// The lower triangle L with L L' = A for a symmetric positive semi-definite A (single-choice
/// shares sum to 1, so their covariance is singular): a pivot at rounding level gives a zero column.
fn cholesky(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = a.len();
    let scale = (0..k).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    let mut l = vec![vec![0.0; k]; k];
    for j in 0..k {
        let d = a[j][j] - (0..j).map(|m| l[j][m] * l[j][m]).sum::<f64>();
        if d <= 1e-12 * scale || d <= 0.0 {
            continue;
        }
        let root = d.sqrt();
        l[j][j] = root;
        for i in j + 1..k {
            l[i][j] = (a[i][j] - (0..j).map(|m| l[i][m] * l[j][m]).sum::<f64>()) / root;
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_of_a_singular_covariance() {
        // Two shares summing to 1: var p1 = var p2 = -cov.
        let a = vec![vec![0.04, -0.04], vec![-0.04, 0.04]];
        let l = cholesky(&a);
        for i in 0..2 {
            for j in 0..2 {
                let v: f64 = (0..2).map(|m| l[i][m] * l[j][m]).sum();
                assert!((v - a[i][j]).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn normals_have_mean_zero_and_variance_one() {
        let mut rng = SplitMix64(1);
        let x: Vec<f64> = (0..100_000).map(|_| rng.normal()).collect();
        let mean = x.iter().sum::<f64>() / x.len() as f64;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / x.len() as f64;
        assert!(mean.abs() < 0.01 && (var - 1.0).abs() < 0.01, "{mean} {var}");
    }
}
