//! The Rao-Scott second-order corrected chi-square test of an r x c table, as R's `svychisq(~a + b,
//! design)` (statistic "F") computes it from the design covariance of the cell shares; the
//! covariance comes from `covariance` (one share across waves, departments across segments or waves).

use statrs::function::beta::beta_reg;

/// The corrected F statistic with its (fractional) degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaoScott {
    pub f: f64,
    pub ndf: f64,
    pub ddf: f64,
    pub p_value: f64,
}

/// The second-order Rao-Scott test of independence in an r x c table, as R's `svychisq(~a + b,
/// design, statistic = "F")`: `cells` the estimated cell shares (rows vary fastest, as R's
/// `expand.grid`: index col * r + row) with design covariance `v`, `n` respondents (R's N) and
/// `nu` design degrees of freedom. None when a row or column is empty or the design has no variance.
pub fn table_test(cells: &[f64], v: &[Vec<f64>], r: usize, c: usize, n: f64, nu: f64) -> Option<RaoScott> {
    if r < 2 || c < 2 || cells.len() != r * c || nu <= 0.0 {
        return None;
    }
    let pearson = pearson(cells, r, c, n)?;
    let contrasts = contrasts(r, c);
    let inv_d: Vec<f64> = cells.iter().map(|m| if *m == 0.0 { 0.0 } else { 1.0 / m }).collect();
    let scaled: Vec<Vec<f64>> = contrasts
        .iter()
        .zip(&inv_d)
        .map(|(row, d)| row.iter().map(|x| x * d).collect())
        .collect();
    let denom: Vec<Vec<f64>> = product(&transpose(&contrasts), &scaled)
        .into_iter()
        .map(|row| row.into_iter().map(|x| x / n).collect())
        .collect();
    let numer = product(&transpose(&scaled), &product(v, &scaled));
    let delta = solve(denom, numer)?;
    let trace: f64 = (0..delta.len()).map(|i| delta[i][i]).sum();
    let square = product(&delta, &delta);
    let trace2: f64 = (0..square.len()).map(|i| square[i][i]).sum();
    let (f, ndf) = (pearson / trace, trace * trace / trace2);
    let ddf = ndf * nu;
    // No design variance leaves Delta zero: there is nothing to refer the statistic to.
    let usable = [f, ndf, ddf].iter().all(|x| x.is_finite()) && f >= 0.0 && ndf > 0.0 && ddf > 0.0;
    if !usable {
        return None;
    }
    let p_value = beta_reg(ddf / 2.0, ndf / 2.0, ddf / (ddf + ndf * f));
    Some(RaoScott { f, ndf, ddf, p_value })
}

/// Pearson's X² of the weighted r x c table scaled to `n` respondents (R's `svytable(Ntotal = N)`).
fn pearson(cells: &[f64], r: usize, c: usize, n: f64) -> Option<f64> {
    let row_share: Vec<f64> = (0..r).map(|i| (0..c).map(|j| cells[j * r + i]).sum()).collect();
    let col_share: Vec<f64> = (0..c).map(|j| (0..r).map(|i| cells[j * r + i]).sum()).collect();
    let mut statistic = 0.0;
    for j in 0..c {
        for i in 0..r {
            let expected = n * row_share[i] * col_share[j];
            if expected <= 0.0 {
                return None;
            }
            statistic += (n * cells[j * r + i] - expected).powi(2) / expected;
        }
    }
    Some(statistic)
}

/// The interaction contrasts of the r x c table with the main effects projected out (R's `Cmat`;
/// any basis of that space gives the same traces).
fn contrasts(r: usize, c: usize) -> Vec<Vec<f64>> {
    let d = r * c;
    let dummy = |a: usize, b: usize| f64::from(u8::from(a == b));
    let main: Vec<Vec<f64>> = (0..d)
        .map(|k| {
            let (i, j) = (k % r, k / r);
            let mut x = vec![1.0];
            x.extend((1..r).map(|a| dummy(i, a)));
            x.extend((1..c).map(|b| dummy(j, b)));
            x
        })
        .collect();
    let interaction: Vec<Vec<f64>> = (0..d)
        .map(|k| {
            let (i, j) = (k % r, k / r);
            (1..c)
                .flat_map(|b| (1..r).map(move |a| dummy(i, a) * dummy(j, b)))
                .collect()
        })
        .collect();
    let xt = transpose(&main);
    let Some(coef) = solve(product(&xt, &main), product(&xt, &interaction)) else {
        return interaction;
    };
    let fitted = product(&main, &coef);
    interaction
        .iter()
        .zip(&fitted)
        .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x - y).collect())
        .collect()
}

fn transpose(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let cols = a.first().map_or(0, Vec::len);
    (0..cols).map(|j| a.iter().map(|row| row[j]).collect()).collect()
}

fn product(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let cols = b.first().map_or(0, Vec::len);
    a.iter()
        .map(|row| {
            (0..cols)
                .map(|j| row.iter().zip(b).map(|(x, brow)| x * brow[j]).sum())
                .collect()
        })
        .collect()
}

/// Solves A X = B by Gauss-Jordan elimination with partial pivoting; None when A is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let scale = a.iter().flatten().fold(0.0_f64, |m, x| m.max(x.abs()));
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= scale * 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in 0..n {
            if row != col {
                let factor = a[row][col] / a[col][col];
                let (pivot_a, pivot_b) = (a[col].clone(), b[col].clone());
                a[row].iter_mut().zip(&pivot_a).for_each(|(x, p)| *x -= factor * p);
                b[row].iter_mut().zip(&pivot_b).for_each(|(x, p)| *x -= factor * p);
            }
        }
    }
    for (i, row) in b.iter_mut().enumerate() {
        let pivot = a[i][i];
        for x in row.iter_mut() {
            *x /= pivot;
        }
    }
    Some(b)
}
