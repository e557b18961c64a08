//! Random streams: one ChaCha8 stream per (component, purpose), derived from the scenario seed
//! and a stable FNV-1a hash of the component id, so adding a component never changes another's
//! draws. Samplers use only integer ops, `+ - * /` and `libm`, so draws are equal on every target.

use rand_chacha::ChaCha8Core;
use rand_core::block::BlockRngCore;
use rand_core::SeedableRng;

/// FNV-1a 64 over bytes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.update(bytes);
    h.0
}

/// FNV-1a 64 fed in pieces, as a writer (a serializer streams into it: the hash of the bytes it
/// would have written, without holding them).
#[derive(Clone, Copy, Debug)]
pub struct Fnv1a(pub u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub fn update(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

impl std::io::Write for Fnv1a {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A deterministic random stream: ChaCha8 blocks read as little-endian `u64`s, the same values
/// `rand_chacha::ChaCha8Rng::next_u64` gives (every draw here takes a whole `u64`), from a
/// buffer without `BlockRng`'s half-word bookkeeping.
#[derive(Clone, Debug)]
pub struct Stream {
    core: ChaCha8Core,
    buf: [u64; 32],
    /// Next unread word of `buf` (32: exhausted).
    next: usize,
    zig: &'static ZigTables,
}

/// Start of the exponential ziggurat's tail (Marsaglia & Tsang, 256 layers).
const ZIG_R: f64 = 7.697_117_470_131_05;
/// The area of each layer (and of the base strip with the tail).
const ZIG_V: f64 = 3.949_659_822_581_572e-3;

/// The exponential ziggurat: `x[i]` the right edge of layer `i` (`x[0]` the base strip's
/// equivalent width, `x[256]` = 0), `f[i]` = exp(-x[i]). Built once with `+ - * /` and `libm`,
/// so the tables (and every draw) are bit-identical on every target.
#[derive(Debug)]
pub struct ZigTables {
    x: [f64; 257],
    f: [f64; 257],
    /// `x[i] / 2^53`: a 53-bit integer times it is a point of layer `i` in one multiply (the
    /// same bits as `(k / 2^53) * x[i]`: scaling by a power of two is exact).
    x53: [f64; 257],
}

fn zig_tables() -> &'static ZigTables {
    static TABLES: std::sync::OnceLock<ZigTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIG_V / libm::exp(-ZIG_R);
        x[1] = ZIG_R;
        for i in 1..255 {
            x[i + 1] = -libm::log(libm::exp(-x[i]) + ZIG_V / x[i]);
        }
        x[256] = 0.0;
        let f = x.map(|xi| libm::exp(-xi));
        let x53 = x.map(|xi| xi * (1.0 / 9_007_199_254_740_992.0));
        ZigTables { x, f, x53 }
    })
}

/// The ChaCha key of the stream `name` under `seed`.
fn stream_key(seed: u64, name: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&fnv1a(name.as_bytes()).to_le_bytes());
    let mut h2 = fnv1a(&key[..16]);
    for chunk in key[16..].chunks_mut(8) {
        h2 = h2.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (h2 >> 29);
        chunk.copy_from_slice(&h2.to_le_bytes());
    }
    key
}

impl Stream {
    /// The stream for `name` (a component id plus a purpose, e.g. `app/fail`) under `seed`.
    pub fn new(seed: u64, name: &str) -> Stream {
        Stream {
            core: ChaCha8Core::from_seed(stream_key(seed, name)),
            buf: [0; 32],
            next: 32,
            zig: zig_tables(),
        }
    }

    /// The next 64 random bits.
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        if self.next >= 32 {
            self.refill();
        }
        let x = self.buf[self.next];
        self.next += 1;
        x
    }

    #[inline(never)]
    fn refill(&mut self) {
        let mut block = <ChaCha8Core as BlockRngCore>::Results::default();
        self.core.generate(&mut block);
        let words: &[u32] = block.as_ref();
        for (k, x) in self.buf.iter_mut().enumerate() {
            *x = u64::from(words[2 * k + 1]) << 32 | u64::from(words[2 * k]);
        }
        self.next = 0;
    }

    /// Uniform in [0, 1) with 53 bits.
    #[inline(always)]
    pub fn unit(&mut self) -> f64 {
        Draws::unit(self)
    }

    /// True with probability `p`.
    #[inline(always)]
    pub fn chance(&mut self, p: f64) -> bool {
        Draws::chance(self, p)
    }

    /// Uniform integer in [0, n) (n > 0), without `usize`.
    #[inline(always)]
    pub fn below(&mut self, n: u32) -> u32 {
        Draws::below(self, n)
    }

    /// Exponential with the given mean (in µs), rounded to integer µs.
    #[inline(always)]
    pub fn exp_us(&mut self, mean: f64) -> u64 {
        Draws::exp_us(self, mean)
    }

    /// Exponential with mean 1.
    #[inline(always)]
    pub fn exp1(&mut self) -> f64 {
        Draws::exp1(self)
    }

    /// 64 raw random bits (a session's key, say).
    #[inline(always)]
    pub fn bits(&mut self) -> u64 {
        self.next_u64()
    }

    /// The counter-based draws of `key` for `purpose` (see [`Keyed`]), sharing this stream's
    /// tables.
    #[inline(always)]
    pub fn keyed(&self, key: u64, purpose: u64) -> Keyed {
        Keyed::new(key, purpose, self.zig)
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

/// 64 random bits at a time and the ziggurat tables: what the samplers need. Implemented by the
/// ChaCha8 [`Stream`]s and by the counter-based [`Keyed`] draws of a session, so both sample
/// with the same code (and the same bits on every target).
pub trait Draws {
    fn next_u64(&mut self) -> u64;
    fn zig(&self) -> &'static ZigTables;

    /// Uniform in [0, 1) with 53 bits.
    #[inline(always)]
    fn unit(&mut self) -> f64 {
        // below 2^53, so the signed conversion (one instruction) gives the same value
        ((self.next_u64() >> 11) as i64) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// True with probability `p`.
    #[inline(always)]
    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// Uniform integer in [0, n) (n > 0), without `usize`.
    #[inline(always)]
    fn below(&mut self, n: u32) -> u32 {
        if n <= 1 {
            return 0;
        }
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Exponential with the given mean (in µs), rounded to integer µs.
    #[inline(always)]
    fn exp_us(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        to_us(self.exp1() * mean)
    }

    /// Exponential with mean 1 (ziggurat: about 98 % of draws take one `u64`, a multiply and a
    /// compare; no logarithm).
    #[inline(always)]
    fn exp1(&mut self) -> f64 {
        loop {
            let bits = self.next_u64();
            let i = (bits & 0xff) as usize;
            let x = ((bits >> 11) as i64) as f64 * self.zig().x53[i];
            if x < self.zig().x[i + 1] {
                return x;
            }
            if let Some(x) = self.exp1_edge(i, x) {
                return x;
            }
        }
    }

    /// The ziggurat's rare cases: the tail beyond `ZIG_R` (layer 0) or a point in a layer's
    /// wedge, accepted when under the density.
    #[cold]
    #[inline(never)]
    fn exp1_edge(&mut self, i: usize, x: f64) -> Option<f64> {
        if i == 0 {
            return Some(ZIG_R - libm::log(1.0 - self.unit()));
        }
        let t = self.zig();
        let y = t.f[i + 1] + (t.f[i] - t.f[i + 1]) * self.unit();
        (y < libm::exp(-x)).then_some(x)
    }
}

impl Draws for Stream {
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        Stream::next_u64(self)
    }
    #[inline(always)]
    fn zig(&self) -> &'static ZigTables {
        self.zig
    }
}

/// The golden-ratio increment of SplitMix64's Weyl sequence.
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijective mixer of 64 bits.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Counter-based draws: the SplitMix64 sequence started at `mix64(key ^ purpose · C)`, a pure
/// function of (key, purpose, draw index). A session's draws come from these, keyed by its own
/// key (drawn once from the arrival stream) and its request number, so they never depend on when
/// (or in which order with other sessions) they are made: no server-side setting can shift them
/// (common random numbers). Two multiplies per draw instead of a ChaCha8 block per request.
#[derive(Clone, Copy, Debug)]
pub struct Keyed {
    s: u64,
    zig: &'static ZigTables,
}

impl Keyed {
    #[inline(always)]
    pub fn new(key: u64, purpose: u64, zig: &'static ZigTables) -> Keyed {
        Keyed {
            s: mix64(key ^ purpose.wrapping_mul(0xD6E8_FEB8_6659_FD93)),
            zig,
        }
    }
}

impl Draws for Keyed {
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        self.s = self.s.wrapping_add(GOLDEN);
        mix64(self.s)
    }
    #[inline(always)]
    fn zig(&self) -> &'static ZigTables {
        self.zig
    }
}

/// Rounds a float of microseconds to the nearest integer µs, clamped into a `Time` (rounding,
/// not truncating, so delays carry no -0.5 µs bias).
#[inline]
pub fn to_us(x: f64) -> u64 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= 1.0e18 {
        1_000_000_000_000_000_000
    } else {
        // below 2^63: the signed conversion is exact and one instruction
        ((x + 0.5) as i64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_chacha8rng_words() {
        use rand_core::RngCore;
        let mut ours = Stream::new(42, "app/svc");
        let mut theirs = rand_chacha::ChaCha8Rng::from_seed(stream_key(42, "app/svc"));
        for _ in 0..200 {
            assert_eq!(ours.next_u64(), theirs.next_u64());
        }
    }

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
        // the unit exponential: mean 1, variance 1, P(X > 3) = e^-3, P(X > 8) = e^-8
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|_| s.exp1()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 0.005, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        let p3 = xs.iter().filter(|x| **x > 3.0).count() as f64 / n as f64;
        assert!((p3 - libm::exp(-3.0)).abs() < 0.001, "{p3}");
        let p8 = xs.iter().filter(|x| **x > 8.0).count() as f64 / n as f64;
        assert!((p8 - libm::exp(-8.0)).abs() < 0.0001, "{p8}");
        assert!(xs.iter().all(|x| *x >= 0.0 && x.is_finite()));
        let sum: u64 = (0..n).map(|_| s.lognormal_us(1000.0, 1.0)).sum();
        let mean = sum as f64 / n as f64;
        assert!((mean - 1000.0).abs() < 40.0, "{mean}");
    }

    #[test]
    fn keyed_draws_are_pure_uniform_and_exponential() {
        let zig = zig_tables();
        // a pure function of (key, purpose, index): made twice, in any order, the same draws
        let a: Vec<u64> = {
            let mut k = Keyed::new(99, 4, zig);
            (0..8).map(|_| k.next_u64()).collect()
        };
        let mut other = Keyed::new(99, 2, zig);
        let _ = other.next_u64();
        let mut k = Keyed::new(99, 4, zig);
        assert_eq!(a, (0..8).map(|_| k.next_u64()).collect::<Vec<_>>());
        assert_ne!(a[0], other.next_u64());
        // SplitMix64 from state 0 (the reference sequence of Steele, Lea & Flood's generator)
        let mut s = 0u64;
        s = s.wrapping_add(GOLDEN);
        assert_eq!(mix64(s), 0xe220_a839_7b1d_cdaf);
        // over successive session keys (the way sessions use them): uniform and exponential
        let n = 400_000u64;
        let (mut sum_u, mut sum_e, mut below) = (0.0, 0.0, [0u32; 4]);
        for i in 0..n {
            let mut k = Keyed::new(12345u64.wrapping_add(i.wrapping_mul(GOLDEN)), 4, zig);
            sum_u += k.unit();
            sum_e += k.exp1();
            below[k.below(4) as usize] += 1;
        }
        let (mu, me) = (sum_u / n as f64, sum_e / n as f64);
        assert!((mu - 0.5).abs() < 0.002, "{mu}");
        assert!((me - 1.0).abs() < 0.006, "{me}");
        for b in below {
            assert!((f64::from(b) / n as f64 - 0.25).abs() < 0.003, "{below:?}");
        }
    }
}
