//! The warm-up of a study: the start of every replication left out of every metric, fixed (the
//! scenario's `warmup`, `--warmup 10m`) or chosen automatically by MSER-5 (White 1997) on pilot
//! runs.
//!
//! MSER-5 batches a series into means of 5 observations `Z_1 … Z_b` and picks the truncation `d`
//! (in batches, searched over the first half) minimising `Σ_{j>d} (Z_j − Z̄_d)² / (b − d)²`, the
//! squared standard error of the mean of what is left: cutting more removes bias, until the
//! shorter remainder costs more variance than the bias it removes. The pilot runs are the
//! study's first replications run without a warm-up, so the choice depends only on the scenario
//! and its seed: every replication then runs with the same warm-up, and replication `k` is
//! bit-identical wherever it runs (a shard repeats the pilot and finds the same cut).

use crate::sim::{self, Config, Time};
use serde::{Deserialize, Serialize};

/// Observations per batch.
pub const BATCH: usize = 5;
/// MSER-5 needs at least this many batches to say anything.
pub const MIN_BATCHES: usize = 10;
/// The pilot: the first this many replications (or fewer when the study has fewer).
pub const PILOTS: u64 = 10;

/// How a study's warm-up was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Method {
    /// No warm-up: every metric covers the whole horizon.
    None,
    /// Given (the scenario's `warmup` or `--warmup DURATION`).
    Fixed,
    /// MSER-5 on the pilot runs' series.
    Mser5,
}

/// A study's warm-up and how it was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warmup {
    /// In µs of simulated time (0: none).
    pub us: Time,
    pub method: Method,
}

impl Default for Warmup {
    fn default() -> Warmup {
        Warmup {
            us: 0,
            method: Method::None,
        }
    }
}

impl Warmup {
    /// The scenario `warmup` its replications run with (none for a zero MSER-5 cut; a fixed
    /// warm-up of 0 stays as given).
    pub fn scenario_warmup(&self) -> Option<crate::scenario::Dur> {
        match self.method {
            Method::None => None,
            Method::Mser5 if self.us == 0 => None,
            _ => Some(crate::scenario::Dur::micros(self.us)),
        }
    }
}

/// The warm-up a scenario's own `warmup` gives (or `--warmup DURATION` / the Study panel's
/// duration, set there): fixed when present, none otherwise.
pub fn given(warmup: Option<&crate::scenario::Dur>) -> Warmup {
    match warmup {
        Some(d) => Warmup {
            us: d.as_micros().unwrap_or(0),
            method: Method::Fixed,
        },
        None => Warmup::default(),
    }
}

/// How many pilot runs `auto` makes for a study of at most `max` replications.
pub fn pilots(max: u64) -> u64 {
    PILOTS.min(max)
}

/// The MSER-5 truncation of `series`, in observations (a multiple of [`BATCH`]; 0 for a series
/// too short to batch, and the smallest of equal minima, so a flat series is not cut). A
/// trailing partial batch is ignored.
pub fn mser5(series: &[f64]) -> usize {
    let z: Vec<f64> = series
        .chunks_exact(BATCH)
        .map(|c| c.iter().sum::<f64>() / BATCH as f64)
        .collect();
    let b = z.len();
    if b < 2 {
        return 0;
    }
    // rounding noise of a flat series never cuts: an improvement must exceed this
    let top = z.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let tol = 1e-12 * top * top / (b * b) as f64;
    let mut best = (f64::INFINITY, 0usize);
    for d in 0..=b / 2 {
        let rest = &z[d..];
        let n = rest.len() as f64;
        let mean = rest.iter().sum::<f64>() / n;
        let ss: f64 = rest.iter().map(|x| (x - mean) * (x - mean)).sum();
        let stat = ss / (n * n);
        if best.0.is_infinite() || stat < best.0 - tol - 1e-12 * best.0 {
            best = (stat, d);
        }
    }
    best.1 * BATCH
}

/// One pilot run's completed series points: their width, the share served, the mean latency
/// (sent from a pool worker to the page as JSON: exact, `float_roundtrip`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pilot {
    pub window_us: Time,
    pub success: Vec<f64>,
    pub latency_ms: Vec<f64>,
}

impl Pilot {
    /// Replication `k` of `config`, run without a warm-up.
    pub fn run(config: &Config, k: u64) -> Pilot {
        let mut cfg = config.clone();
        cfg.seed = super::replication_seed(config.seed, k);
        cfg.warmup = 0;
        let mut s = sim::Simulation::new(cfg);
        s.run_to_end();
        let (window_us, success, latency_ms) = s.window_series();
        Pilot {
            window_us,
            success,
            latency_ms,
        }
    }
}

/// The pointwise mean of the pilots' series (as long as the shortest).
fn average(series: &[&[f64]]) -> Vec<f64> {
    let n = series.iter().map(|s| s.len()).min().unwrap_or(0);
    (0..n)
        .map(|i| series.iter().map(|s| s[i]).sum::<f64>() / series.len() as f64)
        .collect()
}

/// The warm-up MSER-5 chooses from `pilots`: applied to the pointwise mean of their
/// success-rate series and (at request level) of their mean-latency series, the longer of the
/// two cuts (a transient in either is left out). Refused, with the reason, when the series
/// are too short to batch.
pub fn choose(pilots: &[Pilot]) -> Result<Warmup, String> {
    let Some(first) = pilots.first() else {
        return Err("no pilot run".into());
    };
    let success = average(&pilots.iter().map(|p| &p.success[..]).collect::<Vec<_>>());
    let latency = average(&pilots.iter().map(|p| &p.latency_ms[..]).collect::<Vec<_>>());
    let need = MIN_BATCHES * BATCH;
    if success.len() < need {
        return Err(format!(
            "MSER-5 needs at least {need} series points and the run has {} of {} s: make \
             `metrics.window` shorter (or the horizon longer)",
            success.len(),
            first.window_us as f64 / 1e6
        ));
    }
    let cut = mser5(&success).max(mser5(&latency));
    Ok(Warmup {
        us: cut as Time * first.window_us,
        method: Method::Mser5,
    })
}

#[cfg(test)]
#[path = "warmup_tests.rs"]
mod tests;
