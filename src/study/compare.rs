//! Two designs compared with common random numbers: replication k of each runs with the same
//! seed, so their clients, and every component they share by id, draw the same numbers, and
//! the difference of a metric is mostly the design's. The paired differences get a Student-t
//! interval; the report also gives the variance the same comparison would have with independent
//! seeds, so the gain is visible.
//!
//! [`design_b`] makes design B run like A (the CLI's `study --compare` and the browser's Study
//! panel both use it), and [`Comparison`] is what both export.

use super::stats::Summary;
use super::{Study, StudyReport};
use crate::report::{Metric, Unit};
use crate::scenario::{Dur, Fidelity, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One metric of design B minus design A.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The paired differences B − A over the replications where both are defined.
    pub paired: Summary,
    /// Var(A) + Var(B): the variance of one difference with independent seeds.
    pub independent_variance: f64,
    /// `independent_variance / paired variance` (∞ when the pairs differ by a constant): how many
    /// times fewer replications the pairing needs for the same interval.
    pub variance_ratio: f64,
}

/// B − A for every metric both studies define; both must have run the same replications.
pub fn compare(a: &Study, b: &Study) -> Result<BTreeMap<String, Difference>, String> {
    let (ra, rb) = (a.replications(), b.replications());
    if ra.len() != rb.len() || ra.iter().zip(rb).any(|(x, y)| x.seed != y.seed) {
        return Err("the two studies must run the same replications (same seed and count)".into());
    }
    let mut out = BTreeMap::new();
    for m in Metric::all() {
        let pairs: Vec<(f64, f64)> = ra
            .iter()
            .zip(rb)
            .map(|(x, y)| (x.value(m), y.value(m)))
            .filter(|(x, y)| !x.is_nan() && !y.is_nan())
            .collect();
        let diffs: Vec<f64> = pairs.iter().map(|(x, y)| y - x).collect();
        let Some(paired) = Summary::of(&diffs) else {
            continue;
        };
        let var = |xs: Vec<f64>| super::stats::mean_var(&xs).1;
        let independent_variance =
            var(pairs.iter().map(|p| p.0).collect()) + var(pairs.iter().map(|p| p.1).collect());
        let pv = paired.sd * paired.sd;
        out.insert(
            m.csv_key().to_string(),
            Difference {
                variance_ratio: if pv > 0.0 {
                    independent_variance / pv
                } else {
                    f64::INFINITY
                },
                independent_variance,
                paired,
            },
        );
    }
    Ok(out)
}

/// Design `b` as a comparison with design `a` runs it: A's seed (so replication k of both has
/// the same seed) and A's warm-up (both are measured over the same interval), with the horizon
/// and fidelity overrides both designs run with (the CLI's `--horizon` and `--mode`); without
/// an override B keeps its own. `a` is A as its study runs it (its warm-up already chosen).
pub fn design_b(
    a: &Scenario,
    mut b: Scenario,
    horizon: Option<Dur>,
    fidelity: Option<Fidelity>,
) -> Scenario {
    b.seed = a.seed;
    if let Some(h) = horizon {
        b.horizon = h;
    }
    if let Some(f) = fidelity {
        b.fidelity = f;
    }
    b.warmup = a.warmup.clone();
    b
}

/// Two designs' studies and their differences: `failover-lab study A --compare B --json`, and
/// the browser's comparison export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub a: StudyReport,
    pub b: StudyReport,
    /// B − A per metric (by CSV key).
    pub difference: BTreeMap<String, Difference>,
}

impl Comparison {
    /// The comparison of study `a` of scenario `sa` with study `b` of `sb`.
    pub fn of(a: &Study, sa: &Scenario, b: &Study, sb: &Scenario) -> Result<Comparison, String> {
        let difference = compare(a, b)?;
        Ok(Comparison {
            a: a.report(sa),
            b: b.report(sb),
            difference,
        })
    }
}

/// The metrics a comparison's table shows, in order (the CLI's study table's).
pub const TABLE: [Metric; 11] = [
    Metric::RequestAvailability,
    Metric::Nines,
    Metric::TimeAvailability,
    Metric::RequestsFailed,
    Metric::LostSessions,
    Metric::LostWrites,
    Metric::WorstRpo,
    Metric::MeanRto,
    Metric::WorstRto,
    Metric::Incidents,
    Metric::LatencyP99,
];

/// A mean with its 95 % CI, `mean [lo, hi]` in the metric's unit (just the mean without one).
pub fn mean_ci_text(m: Metric, s: &Summary) -> String {
    match s.ci95 {
        Some([lo, hi]) => format!("{} [{}, {}]", m.format(s.mean), m.format(lo), m.format(hi)),
        None => m.format(s.mean),
    }
}

/// A difference B − A with its 95 % CI, every figure signed: shares in percentage points
/// (`-0.1234 pp [-0.2000, -0.0468]`), counts with a decimal (`-2.4 [-4.1, -0.7]`: a mean
/// difference of a count is rarely whole), the rest in the metric's unit (`+1.5 min [...]`).
pub fn difference_text(m: Metric, s: &Summary) -> String {
    let v = |x: f64| match m.unit() {
        Unit::Share => format!("{:+.4}", x * 100.0),
        Unit::Count => format!("{x:+.1}"),
        _ => match m.format(x) {
            t if x > 0.0 => format!("+{t}"),
            t => t,
        },
    };
    let unit = if m.unit() == Unit::Share { " pp" } else { "" };
    match s.ci95 {
        Some([lo, hi]) => format!("{}{unit} [{}, {}]", v(s.mean), v(lo), v(hi)),
        None => format!("{}{unit}", v(s.mean)),
    }
}
