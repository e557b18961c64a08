//! The exact counterparts beside a study's estimates: each metric (and component figure) with
//! an exact long-run value carries it as `exact`, and `disagreements` lists those outside their
//! 95 % CI. The alive figures are compared as averaged over the study's horizon from an all-up
//! start (what one replication measures); the service metrics at their long-run values.

use super::StudyReport;
use crate::exact;
use crate::scenario::{compile, Scenario};

pub(super) fn attach(report: &mut StudyReport, s: &Scenario) {
    let Ok(compiled) = compile(s) else {
        return;
    };
    let x = exact::solve(&compiled.config);
    let mut out = Vec::new();
    for (key, value) in &x.metrics {
        if let Some(sum) = report.metrics.get_mut(key) {
            sum.exact = Some(*value);
            if sum.disagrees() {
                out.push(key.clone());
            }
        }
    }
    for (cs, ce) in report.components.iter_mut().zip(&x.components) {
        if cs.id != ce.id || !ce.alive_exact {
            continue;
        }
        let pairs = [
            (
                "node_availability",
                &mut cs.node_availability,
                ce.node_availability_horizon,
            ),
            ("any_node_up", &mut cs.any_node_up, ce.any_node_up_horizon),
        ];
        for (name, sum, value) in pairs {
            if let Some(sum) = sum.as_mut() {
                sum.exact = Some(value);
                if sum.disagrees() {
                    out.push(format!("components.{}.{name}", cs.id));
                }
            }
        }
    }
    report.disagreements = out;
}
