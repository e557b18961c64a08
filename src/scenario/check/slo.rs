//! The service-level objectives a study judges: shares in 0..1, durations valid and positive.
//! Nothing is emitted to the engine (a run never depends on them).

use super::Checker;
use crate::scenario::problem::Location;

impl Checker<'_> {
    pub(super) fn slo(&mut self) {
        let Some(slo) = &self.s.slo else { return };
        let at = |f: &str| Location::from(format!("slo.{f}"));
        if let Some(a) = slo.availability {
            if !(a > 0.0 && a <= 1.0) {
                self.err(
                    at("availability"),
                    format!("must be a share above 0 and at most 1, not {a}"),
                );
            }
        }
        if !(slo.probability > 0.0 && slo.probability <= 1.0) {
            self.err(
                at("probability"),
                format!(
                    "must be a probability above 0 and at most 1, not {}",
                    slo.probability
                ),
            );
        }
        self.opt_dur_pos(at("max_rpo"), &slo.max_rpo);
        self.opt_dur_pos(at("max_rto"), &slo.max_rto);
        let none = slo.availability.is_none()
            && slo.max_lost_writes.is_none()
            && slo.max_rpo.is_none()
            && slo.max_rto.is_none()
            && slo.max_lost_sessions.is_none();
        if none {
            self.warn("slo", "no objective is set: a study has nothing to judge");
        }
    }
}
