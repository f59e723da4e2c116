//! SplitMix64: a tiny, fixed generator, so seeded outputs (the synthetic demo data, the Monte
//! Carlo of who ranks first) never change with a crate upgrade or a platform.

pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in (0, 1): never 0, so its logarithm is finite.
    pub fn open_f64(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal by Marsaglia and Tsang's ziggurat (256 layers): one 64-bit draw and a
    /// multiplication for 99 % of the values, a logarithm only in the rare tail beyond 3.65 (Box-
    /// Muller pays a logarithm, a root and a cosine every time, which made the ranks' draws most of
    /// a small study's run).
    pub fn normal(&mut self) -> f64 {
        let layers = ziggurat();
        loop {
            let bits = self.next_u64();
            // The low 8 bits pick the layer, the top 53 a signed uniform in [-1, 1).
            let i = (bits & 0xFF) as usize;
            let u = (bits >> 11) as f64 / (1u64 << 52) as f64 - 1.0;
            let x = u * layers.x[i];
            if x.abs() < layers.x[i + 1] {
                return x;
            }
            if i == 0 {
                // Beyond R in the base layer: Marsaglia's tail method.
                loop {
                    let a = -self.open_f64().ln() / ZIGGURAT_R;
                    let b = -self.open_f64().ln();
                    if b + b > a * a {
                        return if u < 0.0 { -(ZIGGURAT_R + a) } else { ZIGGURAT_R + a };
                    }
                }
            }
            // In the wedge between the layer's rectangle and the curve.
            let y = layers.f[i] + self.next_f64() * (layers.f[i + 1] - layers.f[i]);
            if y < (-0.5 * x * x).exp() {
                return x;
            }
        }
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// Where the ziggurat's base layer ends and its tail begins, and each layer's area (Marsaglia and
/// Tsang 2000, 256 layers, for the density's kernel exp(-x²/2)).
const ZIGGURAT_R: f64 = 3.654_152_885_361_009;
const ZIGGURAT_V: f64 = 0.004_928_673_233_99;

/// The layers' right edges x (x[0] the base layer's width, area over height; x[256] = 0) and the
/// kernel at each edge.
struct Layers {
    x: [f64; 257],
    f: [f64; 257],
}

fn ziggurat() -> &'static Layers {
    static LAYERS: std::sync::OnceLock<Layers> = std::sync::OnceLock::new();
    LAYERS.get_or_init(|| {
        let kernel = |x: f64| (-0.5 * x * x).exp();
        let mut x = [0.0; 257];
        x[0] = ZIGGURAT_V / kernel(ZIGGURAT_R);
        x[1] = ZIGGURAT_R;
        for i in 2..256 {
            // Each layer has area V: x_i (f(x_{i+1}) - f(x_i)) = V.
            x[i] = (-2.0 * (kernel(x[i - 1]) + ZIGGURAT_V / x[i - 1]).min(1.0).ln()).sqrt();
        }
        let mut f = [0.0; 257];
        for i in 1..257 {
            f[i] = kernel(x[i]);
        }
        Layers { x, f }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn the_ziggurat_closes_at_the_top() {
        // The last layer's rectangle reaches the density's peak: its area is V too.
        let layers = ziggurat();
        let top = layers.x[255] * (1.0 - layers.f[255]);
        assert!((top - ZIGGURAT_V).abs() < 1e-9, "{top}");
        assert!(layers.x.windows(2).skip(1).all(|w| w[0] > w[1]), "edges fall");
    }

    /// The largest distance between the draws' distribution and the normal's (Kolmogorov-Smirnov):
    /// at 200,000 draws 0.0036 is the 1 % critical value; a broken layer or tail gives far more.
    #[test]
    fn normals_follow_the_normal_distribution() {
        let mut rng = SplitMix64(7);
        let n = 200_000;
        let mut x: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        x.sort_by(f64::total_cmp);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let ks = x
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = normal.cdf(*v);
                (p - i as f64 / n as f64)
                    .abs()
                    .max(((i + 1) as f64 / n as f64 - p).abs())
            })
            .fold(0.0, f64::max);
        assert!(ks < 0.0036, "KS distance {ks}");
        // The tail beyond R: 2 (1 - Phi(R)) = 2.6e-4 of the draws, about 52 here.
        let tail = x.iter().filter(|v| v.abs() > ZIGGURAT_R).count() as f64;
        let expected = 2.0 * (1.0 - normal.cdf(ZIGGURAT_R)) * n as f64;
        assert!(
            (tail - expected).abs() < 4.0 * expected.sqrt(),
            "{tail} in the tails, {expected} expected"
        );
        // Both signs alike, and nothing outside what a normal gives in 200,000 draws.
        let negative = x.iter().filter(|v| **v < 0.0).count() as f64;
        assert!((negative / n as f64 - 0.5).abs() < 0.005);
        assert!(x[0] > -6.0 && x[n - 1] < 6.0);
    }
}
