//! Double-double numbers (a sum hi + lo of two f64, about 106 bits) for the second moments of the
//! Taylor variances. A variance is a small difference of large moments (Σz² - (Σz)²/n, and z = aY + bW
//! expanded into ΣY², ΣYW, ΣW²): one weight 1e7 times the others cancels every digit of an f64, so
//! the moments are summed and combined exactly enough here, and only the result is rounded.

/// hi + lo, |lo| at most half an ulp of hi.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Dd {
    pub hi: f64,
    pub lo: f64,
}

/// a + b = s + e exactly.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// a * b = p + e exactly (fused multiply-add).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

fn normalized(hi: f64, lo: f64) -> Dd {
    let (hi, lo) = two_sum(hi, lo);
    Dd { hi, lo }
}

// Named as the arithmetic they do; not the operator traits, so that every use reads as explicit
// double-double arithmetic.
#[allow(clippy::should_implement_trait)]
impl Dd {
    pub fn new(hi: f64, lo: f64) -> Dd {
        normalized(hi, lo)
    }

    /// a * b, exactly.
    pub fn prod(a: f64, b: f64) -> Dd {
        let (p, e) = two_prod(a, b);
        normalized(p, e)
    }

    pub fn add(self, other: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, other.hi);
        normalized(s, e + self.lo + other.lo)
    }

    pub fn sub(self, other: Dd) -> Dd {
        self.add(Dd {
            hi: -other.hi,
            lo: -other.lo,
        })
    }

    pub fn mul(self, other: Dd) -> Dd {
        let (p, e) = two_prod(self.hi, other.hi);
        normalized(p, e + self.hi * other.lo + self.lo * other.hi)
    }

    /// self / d, to double-double precision.
    pub fn div(self, d: f64) -> Dd {
        let q1 = self.hi / d;
        let rest = self.sub(Dd::prod(q1, d));
        let q2 = rest.hi / d;
        normalized(q1, q2)
    }

    pub fn value(self) -> f64 {
        self.hi + self.lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_f64_loses_is_kept() {
        // (1e8 + 1)^2 - 1e16 - 2e8 = 1, which f64 products round away.
        let x = 1e8 + 1.0;
        assert_ne!(x * x - 1e16 - 2e8, 1.0);
        let exact = Dd::prod(x, x).sub(Dd::new(1e16, 0.0)).sub(Dd::new(2e8, 0.0));
        assert_eq!(exact.value(), 1.0);
        assert_eq!(Dd::new(1.0, 0.0).div(3.0).mul(Dd::new(3.0, 0.0)).value(), 1.0);
    }
}
