//! Statistics across replications: mean with a Student-t confidence interval, quantiles, a
//! histogram, and the Wilson interval of a proportion. Only `+ − × ÷` and `libm`, so a summary
//! is bit-identical on every target (the `statrs` crate would bring `nalgebra` and std math).

use serde::{Deserialize, Serialize};

/// The two-sided 95 % normal quantile, z(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

/// The bins of a histogram.
pub const HISTOGRAM_BINS: usize = 20;

/// One metric across the replications where it is defined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Replications with a value (a metric can be undefined, e.g. latency at flow level).
    pub n: u64,
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 with fewer than two values.
    pub sd: f64,
    /// Mean ± t(0.975, n − 1) · sd / √n; `None` with fewer than two values.
    pub ci95: Option<[f64; 2]>,
    pub min: f64,
    pub max: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub histogram: Histogram,
    /// The exact long-run value beside the estimate (`crate::exact`), where the metric has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<f64>,
}

/// Equal-width bins from `low` to `high` (one bin holding everything when all values are equal).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub low: f64,
    pub high: f64,
    pub counts: Vec<u64>,
}

impl Summary {
    /// The summary of `values` (NaNs are skipped: they mark "undefined in this replication");
    /// `None` when no value is defined.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut xs: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let (mean, var) = mean_var(&xs);
        let sd = libm::sqrt(var);
        let ci95 = (n >= 2).then(|| {
            let half = t975(n as f64 - 1.0) * sd / libm::sqrt(n as f64);
            [mean - half, mean + half]
        });
        Some(Summary {
            n: n as u64,
            mean,
            sd,
            ci95,
            min: xs[0],
            max: xs[n - 1],
            p5: quantile(&xs, 0.05),
            p50: quantile(&xs, 0.5),
            p95: quantile(&xs, 0.95),
            histogram: histogram(&xs),
            exact: None,
        })
    }

    /// Whether the exact value lies outside the CI. Not judged: a CI of zero width (every
    /// replication equal), and a figure at least half the replications show at its extreme
    /// (p50 = min or max: a rare event most runs never see, whose skewed values make the
    /// Student-t interval unreliable).
    pub fn disagrees(&self) -> bool {
        let spread = self.min < self.p50 && self.p50 < self.max;
        match (self.exact, self.ci95) {
            (Some(x), Some([lo, hi])) if hi > lo && spread => x < lo || x > hi,
            _ => false,
        }
    }

    /// The CI's half-width (infinite without an interval).
    pub fn half_width(&self) -> f64 {
        self.ci95.map_or(f64::INFINITY, |[lo, hi]| (hi - lo) / 2.0)
    }
}

/// Mean and sample variance by Welford's update (stable for large, close values).
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let (mut mean, mut m2) = (0.0, 0.0);
    for (i, x) in xs.iter().enumerate() {
        let d = x - mean;
        mean += d / (i + 1) as f64;
        m2 += d * (x - mean);
    }
    let var = if xs.len() > 1 {
        m2 / (xs.len() - 1) as f64
    } else {
        0.0
    };
    (mean, var)
}

/// The `q` quantile of sorted values, interpolated between order statistics (Hyndman & Fan's
/// type 7, the default of R and NumPy).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = libm::floor(h) as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn histogram(sorted: &[f64]) -> Histogram {
    let (low, high) = (sorted[0], sorted[sorted.len() - 1]);
    if high <= low {
        return Histogram {
            low,
            high,
            counts: vec![sorted.len() as u64],
        };
    }
    let mut counts = vec![0u64; HISTOGRAM_BINS];
    let width = (high - low) / HISTOGRAM_BINS as f64;
    for x in sorted {
        let b = libm::floor((x - low) / width) as usize;
        counts[b.min(HISTOGRAM_BINS - 1)] += 1;
    }
    Histogram { low, high, counts }
}

/// t(0.975, df): the two-sided 95 % quantile of Student's t. Hill's series (Comm. ACM 13(10),
/// 1970, algorithm 396) for df ≥ 3 — relative error below 1e-6 there — and the exact closed
/// forms for 1 and 2 degrees of freedom.
pub fn t975(df: f64) -> f64 {
    if df < 1.0 {
        return f64::INFINITY;
    }
    if df < 1.5 {
        return 12.706_204_736_174_7; // tan(π · 0.475)
    }
    if df < 2.5 {
        return 4.302_652_729_749_464; // √(2 / (p(2 − p)) − 2), p = 0.05
    }
    let p = 0.05; // two-sided
    let a = 1.0 / (df - 0.5);
    let b = 48.0 / (a * a);
    let mut c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36;
    let d = ((94.5 / (b + c) - 3.0) / b + 1.0) * libm::sqrt(a * std::f64::consts::FRAC_PI_2) * df;
    let mut y = libm::pow(d * p, 2.0 / df);
    if y > 0.05 + a {
        let z = -Z95; // the lower-tail normal quantile at p / 2
        y = z * z;
        if df < 5.0 {
            c += 0.3 * (df - 4.5) * (z + 0.6);
        }
        c += (((0.05 * d * z - 5.0) * z - 7.0) * z - 2.0) * z + b;
        y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * z;
        y = libm::expm1(a * y * y);
    } else {
        y = ((1.0 / (((df + 6.0) / (df * y) - 0.089 * d - 0.822) * (df + 2.0) * 3.0)
            + 0.5 / (df + 4.0))
            * y
            - 1.0)
            * (df + 1.0)
            / (df + 2.0)
            + 1.0 / y;
    }
    libm::sqrt(df * y)
}

/// The Wilson score interval at 95 % for `k` successes in `n` trials (`[0, 1]` when n = 0).
pub fn wilson(k: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (k, n) = (k as f64, n as f64);
    let z2 = Z95 * Z95;
    let p = k / n;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * libm::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Student's t, two-sided 95 % (6 decimals, as R's qt(0.975, df) gives them).
        let table = [
            (1.0, 12.706205),
            (2.0, 4.302653),
            (3.0, 3.182446),
            (4.0, 2.776445),
            (5.0, 2.570582),
            (9.0, 2.262157),
            (19.0, 2.093024),
            (29.0, 2.045230),
            (99.0, 1.984217),
            (1000.0, 1.962339),
        ];
        for (df, t) in table {
            assert!((t975(df) - t).abs() < 5e-6, "df {df}: {} vs {t}", t975(df));
        }
        assert!((t975(1e9) - Z95).abs() < 1e-6);
    }

    #[test]
    fn a_summary_of_known_values() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, f64::NAN];
        let s = Summary::of(&xs).unwrap();
        assert_eq!((s.n, s.mean, s.min, s.max), (8, 5.0, 2.0, 9.0));
        assert!((s.sd - libm::sqrt(32.0 / 7.0)).abs() < 1e-12);
        assert_eq!(s.p50, 4.5);
        let half = 2.3646 * s.sd / libm::sqrt(8.0); // t(0.975, 7)
        let [lo, hi] = s.ci95.unwrap();
        assert!((hi - 5.0 - half).abs() < 1e-3 && (5.0 - lo - half).abs() < 1e-3);
        assert_eq!(s.histogram.counts.iter().sum::<u64>(), 8);
        assert_eq!(s.histogram.counts[0], 1);
        assert_eq!(s.histogram.counts[HISTOGRAM_BINS - 1], 1);
        assert!(Summary::of(&[f64::NAN]).is_none());
        let one = Summary::of(&[3.0]).unwrap();
        assert_eq!((one.ci95, one.half_width()), (None, f64::INFINITY));
    }

    #[test]
    fn wilson_intervals_match_hand_computed_values() {
        // 8 of 10: centre (0.8 + 1.9208/10) / 1.38415 = 0.71673; half-width 0.2484 (Wilson 1927).
        let [lo, hi] = wilson(8, 10);
        assert!(
            (lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4,
            "{lo} {hi}"
        );
        let [lo, hi] = wilson(0, 20);
        assert!(lo == 0.0 && (hi - 0.1611).abs() < 1e-4, "{hi}");
        assert_eq!(wilson(0, 0), [0.0, 1.0]);
    }
}
