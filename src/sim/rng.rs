//! Random streams: one ChaCha8 stream per (component, purpose), derived from the scenario seed
//! and a stable FNV-1a hash of the component id, so adding a component never changes another's
//! draws. Samplers use only integer ops, `+ - * /` and `libm`, so draws are equal on every target.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// FNV-1a 64 over bytes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A deterministic random stream.
#[derive(Clone, Debug)]
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream for `name` (a component id plus a purpose, e.g. `app/fail`) under `seed`.
    pub fn new(seed: u64, name: &str) -> Stream {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&fnv1a(name.as_bytes()).to_le_bytes());
        let mut h2 = fnv1a(&key[..16]);
        for chunk in key[16..].chunks_mut(8) {
            h2 = h2.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (h2 >> 29);
            chunk.copy_from_slice(&h2.to_le_bytes());
        }
        Stream(ChaCha8Rng::from_seed(key))
    }

    /// Uniform in [0, 1) with 53 bits.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// Uniform integer in [0, n) (n > 0), without `usize`.
    #[inline]
    pub fn below(&mut self, n: u32) -> u32 {
        if n <= 1 {
            return 0;
        }
        (((self.0.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Exponential with the given mean (in µs), rounded to integer µs.
    #[inline]
    pub fn exp_us(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        let u = self.unit();
        let x = -libm::log(1.0 - u) * mean;
        to_us(x)
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// Log-normal with the given mean and shape σ.
    pub fn lognormal_us(&mut self, mean: f64, sigma: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        let sigma = if sigma.is_finite() && sigma > 0.0 {
            sigma.min(5.0)
        } else {
            1e-9
        };
        let mu = libm::log(mean) - sigma * sigma / 2.0;
        to_us(libm::exp(mu + sigma * self.normal()))
    }
}

/// Clamps a float of microseconds into a `Time`.
#[inline]
pub fn to_us(x: f64) -> u64 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= 1.0e18 {
        1_000_000_000_000_000_000
    } else {
        x as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable_and_independent() {
        let mut a = Stream::new(7, "app/fail");
        let mut b = Stream::new(7, "app/fail");
        let mut c = Stream::new(7, "db/fail");
        let xa: Vec<u64> = (0..4).map(|_| a.exp_us(1e6)).collect();
        let xb: Vec<u64> = (0..4).map(|_| b.exp_us(1e6)).collect();
        let xc: Vec<u64> = (0..4).map(|_| c.exp_us(1e6)).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn exponential_mean() {
        let mut s = Stream::new(1, "x");
        let n = 100_000;
        let sum: u64 = (0..n).map(|_| s.exp_us(1000.0)).sum();
        let mean = sum as f64 / n as f64;
        assert!((mean - 1000.0).abs() < 20.0, "{mean}");
        let sum: u64 = (0..n).map(|_| s.lognormal_us(1000.0, 1.0)).sum();
        let mean = sum as f64 / n as f64;
        assert!((mean - 1000.0).abs() < 40.0, "{mean}");
    }
}
