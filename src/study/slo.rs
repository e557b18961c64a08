//! Service-level objectives judged over a study's replications: for each objective the share of
//! replications in which it held, with its 95 % Wilson interval, and their conjunction. An
//! objective is **met** when the lower end of its interval reaches the required probability: the
//! study is then 95 % sure it holds at least that often.

use super::stats::wilson;
use super::{Replication, Study};
use crate::report::Metric;
use crate::scenario::Slo;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SloReport {
    /// The share of replications each objective must hold in.
    pub probability: f64,
    pub objectives: Vec<Objective>,
    /// Every objective at once, in the same replication.
    pub all: Objective,
    /// Whether every objective is met.
    pub met: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// In words: `availability_request >= 0.999`.
    pub objective: String,
    /// Replications in which it held, of how many.
    pub held: u64,
    pub of: u64,
    /// `held / of`, and its 95 % Wilson interval.
    pub probability: f64,
    pub ci95: [f64; 2],
    pub met: bool,
}

/// One objective: the metric, whether it must be at least or at most the target, the target.
type Check = (Metric, bool, f64);

fn checks(slo: &Slo) -> Vec<Check> {
    let secs = |d: &Option<crate::scenario::Dur>| d.as_ref().map(|d| d.us() as f64 / 1e6);
    let count = |n: Option<u64>| n.map(|n| n as f64);
    [
        (Metric::RequestAvailability, true, slo.availability),
        (Metric::LostWrites, false, count(slo.max_lost_writes)),
        (Metric::WorstRpo, false, secs(&slo.max_rpo)),
        (Metric::WorstRto, false, secs(&slo.max_rto)),
        (Metric::LostSessions, false, count(slo.max_lost_sessions)),
    ]
    .into_iter()
    .filter_map(|(m, at_least, target)| Some((m, at_least, target?)))
    .collect()
}

/// Whether `c` held in `r` (a metric undefined in it, e.g. availability without requests, did
/// not break it).
fn holds(r: &Replication, (m, at_least, target): &Check) -> bool {
    let v = r.value(*m);
    v.is_nan()
        || if *at_least {
            v >= *target
        } else {
            v <= *target
        }
}

fn objective(text: String, held: u64, of: u64, required: f64) -> Objective {
    let ci95 = wilson(held, of);
    Objective {
        objective: text,
        held,
        of,
        probability: if of == 0 {
            0.0
        } else {
            held as f64 / of as f64
        },
        ci95,
        met: of > 0 && ci95[0] >= required,
    }
}

/// The study's verdict on `slo`.
pub fn judge(study: &Study, slo: &Slo) -> SloReport {
    let cs = checks(slo);
    let reps = study.replications();
    let of = reps.len() as u64;
    let count = |f: &dyn Fn(&Replication) -> bool| reps.iter().filter(|r| f(r)).count() as u64;
    let objectives: Vec<Objective> = cs
        .iter()
        .map(|c| {
            let op = if c.1 { ">=" } else { "<=" };
            let text = format!("{} {op} {}", c.0.csv_key(), c.2);
            objective(text, count(&|r| holds(r, c)), of, slo.probability)
        })
        .collect();
    let all = objective(
        "all of them".into(),
        count(&|r| cs.iter().all(|c| holds(r, c))),
        of,
        slo.probability,
    );
    SloReport {
        probability: slo.probability,
        met: !objectives.is_empty() && objectives.iter().all(|o| o.met),
        objectives,
        all,
    }
}
