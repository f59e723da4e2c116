//! Rao-Scott second-order corrected chi-square test of homogeneity of one share across waves, as R's
//! `svychisq(~y + wave, design)` (statistic "F") computes it from the design covariance of the cell shares.

use statrs::function::beta::beta_reg;

use super::design::{Form, LonelyPsu, Stratum, stratum_cov};
use crate::error::Result;

/// The corrected F statistic with its (fractional) degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaoScott {
    pub f: f64,
    pub ndf: f64,
    pub ddf: f64,
    pub p_value: f64,
}

/// The 2 x waves table of a 0/1 variable: `strata` pairs each stratum (moments of the variable) with its
/// wave index; `rows` is the number of respondents (R's N) and `nu` PSUs minus strata. None when the
/// table has an empty row or fewer than two waves (R cannot test it either).
pub fn rao_scott(
    strata: &[(usize, Stratum)],
    waves: usize,
    rows: f64,
    nu: f64,
    lonely: LonelyPsu,
) -> Result<Option<RaoScott>> {
    let total: f64 = strata.iter().map(|(_, s)| s.moments.w).sum();
    let mut cells = vec![0.0; 2 * waves];
    for (t, s) in strata {
        cells[2 * t] += (s.moments.w - s.moments.y) / total;
        cells[2 * t + 1] += s.moments.y / total;
    }
    let named: f64 = cells.iter().skip(1).step_by(2).sum();
    if waves < 2 || total <= 0.0 || named <= 0.0 || named >= 1.0 || nu <= 0.0 {
        return Ok(None);
    }
    let v = covariance(strata, &cells, total, lonely)?;
    Ok(table_test(&cells, &v, 2, waves, rows, nu))
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

/// Design covariance of the cell shares m_j: each respondent's influence on cell j is w (I_j - m_j) / W,
/// so a PSU's total is a linear form of its (Y_i, W_i), which `stratum_cov` turns into covariances.
fn covariance(strata: &[(usize, Stratum)], cells: &[f64], total: f64, lonely: LonelyPsu) -> Result<Vec<Vec<f64>>> {
    let d = cells.len();
    let mut v = vec![vec![0.0; d]; d];
    for (t, stratum) in strata {
        let form = |j: usize| -> Form {
            let m = cells[j];
            match (j / 2 == *t, j % 2) {
                (true, 1) => (1.0 / total, -m / total),
                (true, _) => (-1.0 / total, (1.0 - m) / total),
                (false, _) => (0.0, -m / total),
            }
        };
        let forms: Vec<Form> = (0..d).map(form).collect();
        for (j, fj) in forms.iter().enumerate() {
            for (k, fk) in forms.iter().enumerate().skip(j) {
                let c = stratum_cov(stratum, *fj, *fk, lonely)?;
                v[j][k] += c;
                if k != j {
                    v[k][j] += c;
                }
            }
        }
    }
    Ok(v)
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
