//! Two designs compared with common random numbers: replication k of each runs with the same
//! seed, so their clients, and every component they share by id, draw the same numbers, and
//! the difference of a metric is mostly the design's. The paired differences get a Student-t
//! interval; the report also gives the variance the same comparison would have with independent
//! seeds, so the gain is visible.

use super::stats::Summary;
use super::Study;
use crate::report::Metric;
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
