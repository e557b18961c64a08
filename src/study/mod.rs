//! Studies: one scenario over many independent replications, summarised with honest statistics.
//!
//! Replication `k` is an ordinary run of the scenario with the seed [`replication_seed`]`(seed,
//! k)`: the same report wherever and in whatever order it runs, and any replication opens as a
//! single run (a share link with that seed). A [`Study`] takes replications in index order and
//! decides after each one whether its stopping rule is met, so the replications it keeps — and
//! its report and digest — do not depend on how many ran in parallel, or on which machine.
//! Running them (threads natively, a worker pool in the browser, shards on a cluster) is the
//! caller's business; this module is pure.

pub mod compare;
mod exact;
pub mod pool;
pub mod slo;
pub mod stats;
pub mod warmup;

use crate::report::Metric;
use crate::scenario::{link, Scenario};
use crate::sim::{self, Config, Report};
use serde::{Deserialize, Serialize};
use stats::Summary;
use std::collections::BTreeMap;

/// At most this many replications in one study.
pub const MAX_REPLICATIONS: u64 = 1_000_000;
/// A confidence-interval stopping rule looks at no fewer replications than this.
pub const MIN_FOR_CI: u64 = 10;
/// The worst replications listed in a report.
pub const WORST_LISTED: usize = 5;

/// The seed of replication `k` of a study of a scenario with seed `seed`: SplitMix64 of the
/// pair, so neighbouring `k`s give unrelated seeds and no replication reuses the scenario's own.
pub fn replication_seed(seed: u64, k: u64) -> u64 {
    splitmix(seed ^ splitmix(k.wrapping_add(0x5EED)))
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a study keeps of one replication: every registry metric (NaN where it does not apply),
/// each component's alive-count shares, and their digest (not the single run's report digest:
/// a replication runs without the chart's series).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Replication {
    pub k: u64,
    pub seed: u64,
    pub digest: String,
    /// By [`Metric::csv_key`]; `null` where the metric does not apply.
    pub metrics: BTreeMap<String, Option<f64>>,
    /// Per component (in scenario order), `up_share[j]`: share of time with exactly j nodes alive.
    pub up_share: Vec<Vec<f64>>,
}

impl Replication {
    /// Runs replication `k` of `config` (whose seed is the study's seed), without the chart's
    /// series ([`Simulation::summary_only`](sim::Simulation::summary_only)): every metric is the
    /// single run's with that seed, bit for bit.
    pub fn run(config: &Config, k: u64) -> Replication {
        let seed = replication_seed(config.seed, k);
        let mut cfg = config.clone();
        cfg.seed = seed;
        let mut sim = sim::Simulation::summary_only(cfg);
        sim.run_to_end();
        Replication::of(k, seed, &sim.into_report())
    }

    /// What a study keeps of replication `k`'s report. The downtime per year only where the
    /// run's extrapolation means something (`report::metric::extrapolation`: a long horizon,
    /// random failures only), as a single run's card shows it: a mean of one-hour runs scaled to
    /// a year would be as misleading as each of them.
    pub fn of(k: u64, seed: u64, r: &Report) -> Replication {
        let meaningful = |m: Metric| {
            m != Metric::DowntimePerYear || crate::report::metric::extrapolation(r).is_ok()
        };
        let metrics = Metric::all()
            .map(|m| {
                let v = m.of(r);
                (
                    m.csv_key().to_string(),
                    (m.applies(r) && meaningful(m) && !v.is_nan()).then_some(v),
                )
            })
            .collect();
        let mut rep = Replication {
            k,
            seed,
            digest: String::new(),
            metrics,
            up_share: r.components.iter().map(|c| c.up_share.clone()).collect(),
        };
        rep.digest = rep.row_digest();
        rep
    }

    /// FNV-1a over everything the study keeps of the replication — its seed, every metric's
    /// bits (or its absence) and every alive-count share's bits — so that equal digests mean
    /// bit-identical replications, wherever each ran.
    fn row_digest(&self) -> String {
        let mut h = sim::rng::Fnv1a::default();
        h.update(&self.seed.to_le_bytes());
        for (key, v) in &self.metrics {
            h.update(key.as_bytes());
            match v {
                Some(x) => h.update(&x.to_bits().to_le_bytes()),
                None => h.update(b"-"),
            }
        }
        for shares in &self.up_share {
            h.update(b"|");
            for x in shares {
                h.update(&x.to_bits().to_le_bytes());
            }
        }
        format!("{:016x}", h.0)
    }

    /// The value of `m` (NaN where it does not apply).
    pub fn value(&self, m: Metric) -> f64 {
        self.metrics
            .get(m.csv_key())
            .copied()
            .flatten()
            .unwrap_or(f64::NAN)
    }

    /// Share of time component `c` had at least `n` nodes alive.
    pub fn at_least(&self, c: usize, n: usize) -> f64 {
        self.up_share
            .get(c)
            .map_or(f64::NAN, |u| u.iter().skip(n).sum())
    }
}

/// When a study stops.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// Exactly this many replications.
    Replications(u64),
    /// When the 95 % CI half-width of `metric` is at most `half_width` (relative to the mean's
    /// magnitude when `relative`), after at least [`MIN_FOR_CI`], at most `max` replications.
    UntilCi {
        metric: Metric,
        half_width: f64,
        relative: bool,
        max: u64,
    },
}

/// Why a study stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum StoppedBy {
    /// The fixed number of replications ran.
    Replications,
    /// The CI target was reached.
    CiTarget,
    /// The CI target was not reached within the maximum number of replications.
    MaxReplications,
    /// The caller's wall-time budget ran out first (the only rule that depends on the machine).
    TimeBudget,
    /// The user cancelled.
    Cancelled,
}

impl Stop {
    /// The rule's problem, if any, for the argument named `at`.
    pub fn check(&self) -> Result<(), String> {
        let n = match self {
            Stop::Replications(n) => *n,
            Stop::UntilCi {
                half_width, max, ..
            } => {
                if !(half_width.is_finite() && *half_width > 0.0) {
                    return Err(format!(
                        "the CI half-width target must be a positive number, not {half_width}"
                    ));
                }
                *max
            }
        };
        if n == 0 || n > MAX_REPLICATIONS {
            return Err(format!(
                "a study runs 1 to {MAX_REPLICATIONS} replications, not {n}"
            ));
        }
        Ok(())
    }

    /// The most replications the rule can ask for.
    pub fn max(&self) -> u64 {
        match self {
            Stop::Replications(n) => *n,
            Stop::UntilCi { max, .. } => *max,
        }
    }
}

/// A study in progress: replications taken in index order.
#[derive(Clone, Debug)]
pub struct Study {
    pub stop: Stop,
    reps: Vec<Replication>,
    done: Option<StoppedBy>,
    /// The warm-up its replications ran with (for the report: the runs' configuration has it).
    warmup: warmup::Warmup,
}

impl Study {
    pub fn new(stop: Stop) -> Study {
        Study {
            stop,
            reps: Vec::new(),
            done: None,
            warmup: warmup::Warmup::default(),
        }
    }

    /// The same study, reporting that its replications ran with warm-up `w`.
    pub fn with_warmup(mut self, w: warmup::Warmup) -> Study {
        self.warmup = w;
        self
    }

    pub fn warmup(&self) -> warmup::Warmup {
        self.warmup
    }

    /// The index of the next replication it wants, `None` once it has stopped.
    pub fn next_k(&self) -> Option<u64> {
        self.done.is_none().then_some(self.reps.len() as u64)
    }

    /// Takes the next replication (it must be [`Study::next_k`]'s, else it is refused) and
    /// applies the stopping rule. Returns whether the study wants more.
    pub fn push(&mut self, r: Replication) -> Result<bool, String> {
        match self.next_k() {
            Some(k) if k == r.k => {}
            Some(k) => return Err(format!("replication {} given where {k} was due", r.k)),
            None => return Ok(false),
        }
        self.reps.push(r);
        let n = self.reps.len() as u64;
        self.done = match &self.stop {
            Stop::Replications(max) => (n >= *max).then_some(StoppedBy::Replications),
            Stop::UntilCi {
                metric,
                half_width,
                relative,
                max,
            } => {
                let reached = n >= MIN_FOR_CI && {
                    let s = self.summary(*metric);
                    s.is_some_and(|s| {
                        let scale = if *relative { s.mean.abs() } else { 1.0 };
                        s.half_width() <= half_width * scale
                    })
                };
                if reached {
                    Some(StoppedBy::CiTarget)
                } else {
                    (n >= *max).then_some(StoppedBy::MaxReplications)
                }
            }
        };
        Ok(self.done.is_none())
    }

    /// Stops the study early (time budget or cancel), keeping what ran.
    pub fn halt(&mut self, why: StoppedBy) {
        self.done.get_or_insert(why);
    }

    pub fn replications(&self) -> &[Replication] {
        &self.reps
    }

    pub fn stopped_by(&self) -> Option<StoppedBy> {
        self.done
    }

    /// The summary of `m` over the replications so far.
    pub fn summary(&self, m: Metric) -> Option<Summary> {
        self.summary_of(|r| r.value(m))
    }

    /// The summary of any per-replication value.
    pub fn summary_of(&self, f: impl Fn(&Replication) -> f64) -> Option<Summary> {
        Summary::of(&self.reps.iter().map(f).collect::<Vec<_>>())
    }

    /// The study's digest: FNV-1a over the engine version, the stopping rule and every kept
    /// replication's index and digest, in order. Equal scenario, seed, replications and
    /// engine version give an equal digest, however the replications were run.
    pub fn digest(&self) -> String {
        let mut text = format!("{}|{:?}", crate::ENGINE_VERSION, self.stop);
        for r in &self.reps {
            text.push_str(&format!("|{}:{}", r.k, r.digest));
        }
        format!("{:016x}", sim::rng::fnv1a(text.as_bytes()))
    }

    /// The study's report (see [`StudyReport`]).
    pub fn report(&self, scenario: &Scenario) -> StudyReport {
        StudyReport::new(self, scenario)
    }
}

/// What a study found, for the CLI's table and `--json`, and the browser's cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyReport {
    pub engine_version: String,
    pub scenario: String,
    pub seed: u64,
    pub fidelity: String,
    pub horizon_s: f64,
    pub replications: u64,
    pub stopped_by: Option<StoppedBy>,
    /// Simulated time at the start of each replication left out of every metric.
    pub warmup_s: f64,
    /// How it was chosen: `none`, `fixed` (the scenario's or `--warmup`), `mser5` (pilot runs).
    #[serde(default = "no_warmup")]
    pub warmup_method: warmup::Method,
    /// Every registry metric by its snake_case key; absent where it applies to no replication.
    pub metrics: BTreeMap<String, Summary>,
    /// Per component: the mean share of its nodes alive, and the share of time with at least
    /// one alive.
    pub components: Vec<ComponentSummary>,
    /// The scenario's service-level objectives, judged (absent without an `slo` section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo: Option<slo::SloReport>,
    /// The replications with the lowest request availability (then most failed requests).
    pub worst: Vec<Worst>,
    /// Every metric whose exact value (`metrics.<key>.exact`, `components[].….exact`) lies
    /// outside its 95 % CI: the simulation and the closed form disagree.
    #[serde(default)]
    pub disagreements: Vec<String>,
    pub digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentSummary {
    pub id: String,
    pub node_availability: Option<Summary>,
    pub any_node_up: Option<Summary>,
}

/// One of the worst replications, with what reproduces it as a single run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Worst {
    pub k: u64,
    pub seed: u64,
    pub availability_request: Option<f64>,
    pub requests_failed: Option<f64>,
    /// The share-link fragment (`#s=…`) of the scenario with this seed.
    pub link: String,
}

impl StudyReport {
    fn new(study: &Study, s: &Scenario) -> StudyReport {
        let metrics = Metric::all()
            .filter_map(|m| Some((m.csv_key().to_string(), study.summary(m)?)))
            .collect();
        let components = s
            .components
            .iter()
            .enumerate()
            .map(|(c, comp)| ComponentSummary {
                id: comp.id.clone(),
                node_availability: study.summary_of(|r| {
                    let u = r.up_share.get(c).map_or(&[][..], Vec::as_slice);
                    let n = u.len().saturating_sub(1).max(1) as f64;
                    u.iter().enumerate().map(|(j, x)| j as f64 * x).sum::<f64>() / n
                }),
                any_node_up: study.summary_of(|r| r.at_least(c, 1)),
            })
            .collect();
        let mut report = StudyReport {
            engine_version: crate::ENGINE_VERSION.to_string(),
            scenario: s.name.clone(),
            seed: s.seed,
            fidelity: format!("{:?}", s.fidelity).to_lowercase(),
            horizon_s: s.horizon.us() as f64 / 1e6,
            replications: study.reps.len() as u64,
            stopped_by: study.done,
            warmup_s: study.warmup.us as f64 / 1e6,
            warmup_method: study.warmup.method,
            metrics,
            components,
            slo: s.slo.as_ref().map(|o| slo::judge(study, o)),
            worst: worst(study, s),
            disagreements: Vec::new(),
            digest: study.digest(),
        };
        exact::attach(&mut report, s);
        report
    }
}

fn worst(study: &Study, s: &Scenario) -> Vec<Worst> {
    let key = |r: &Replication| {
        let a = r.value(Metric::RequestAvailability);
        (
            if a.is_nan() { 1.0 } else { a },
            -r.value(Metric::RequestsFailed),
        )
    };
    let mut order: Vec<&Replication> = study.reps.iter().collect();
    order.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.k.cmp(&b.k))
    });
    order
        .into_iter()
        .take(WORST_LISTED)
        .map(|r| {
            let mut one = s.clone();
            one.seed = r.seed;
            let shared = link::Shared {
                engine_version: crate::ENGINE_VERSION.to_string(),
                seed: r.seed,
                scenario: one,
            };
            Worst {
                k: r.k,
                seed: r.seed,
                availability_request: defined(r.value(Metric::RequestAvailability)),
                requests_failed: defined(r.value(Metric::RequestsFailed)),
                link: format!("#s={}", link::encode(&shared)),
            }
        })
        .collect()
}

fn no_warmup() -> warmup::Method {
    warmup::Method::None
}

fn defined(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

#[cfg(test)]
mod tests;
