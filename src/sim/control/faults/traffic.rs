//! Control plane, faults of the clients: a traffic spike (the arrival rate times the factors of
//! the spikes active now).

use super::super::super::config::TrafficFamily;
use super::super::super::stage::{Span, Stage};
use super::super::super::state::World;
use super::super::super::time::Time;

impl World {
    /// A stage of traffic change `fault`.
    pub(super) fn traffic_fault(&mut self, fault: u32, f: TrafficFamily, stage: Stage) {
        match f {
            TrafficFamily::TrafficSpike { duration, .. } => {
                self.traffic_spike(fault, duration, stage)
            }
        }
    }

    fn traffic_spike(&mut self, fault: u32, duration: Time, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        let now = self.now;
        match span {
            Span::Start => {
                self.open_fault(fault, "traffic_spike", "clients");
                self.spike = self.cfg.spike_at(now);
                self.push_stage(fault, Stage::Span(Span::End), now + duration);
            }
            Span::End => {
                // recomputed from the spikes active now: a factor-0 spike ending never
                // forgets the others, and float division never drifts
                self.spike = self.cfg.spike_at(now);
                self.close_fault(fault);
            }
        }
        self.plane_state_changed();
    }
}
