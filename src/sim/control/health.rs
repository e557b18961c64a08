//! Control plane, health and detection: the LB's health-check verdicts (rise / fall after a
//! random phase), and warm or cold spares taking over a failed serving node.

use super::super::config::*;
use super::super::event::StateEvent;
use super::super::state::World;
use super::super::time::{secs, Time};

impl World {
    fn detect_delay(&mut self, c: usize, healthy: bool) -> Time {
        let h = &self.cfg.components[c].router.health;
        let interval = h.interval.max(1);
        let phase = self.rng_hc[c].exp_us(0.0) + (self.rng_hc[c].unit() * interval as f64) as Time;
        if healthy {
            phase + interval * u64::from(h.rise.max(1) - 1)
        } else {
            phase + interval * u64::from(h.fall.max(1) - 1) + h.timeout
        }
    }

    /// Something changed about a node's health: schedule the LB's verdict.
    pub fn health_changed(&mut self, n: u32) {
        let c = self.nodes[n as usize].comp as usize;
        self.nodes[n as usize].epoch += 1;
        if !self.is_tier(c) {
            return;
        }
        let healthy = self.healthy(n);
        if self.nodes[n as usize].admin_down {
            self.nodes[n as usize].marked_up = false;
            self.lb_gen += 1;
            self.plane_marked_down(n);
            return;
        }
        if healthy != self.nodes[n as usize].marked_up {
            let d = self.detect_delay(c, healthy);
            let epoch = self.nodes[n as usize].epoch;
            self.schedule(self.now + d, StateEvent::Detect { node: n, epoch });
        }
    }

    pub(crate) fn on_detect(&mut self, n: u32, epoch: u32) {
        if self.nodes[n as usize].epoch != epoch {
            return;
        }
        let healthy = self.healthy(n);
        let nd = &mut self.nodes[n as usize];
        if nd.marked_up == healthy {
            return;
        }
        nd.marked_up = healthy;
        self.lb_gen += 1;
        let c = nd.comp as usize;
        let inc = nd.inc;
        let since = nd.down_since;
        let id = &self.cfg.components[c].id;
        let local = self.nodes[n as usize].local;
        if !healthy {
            let text = format!(
                "{id}#{local} marked down by health checks after {:.1} s",
                secs(self.now.saturating_sub(since))
            );
            self.metrics.recovery_soft(inc, self.now, text);
            self.plane_marked_down(n);
            self.maybe_activate_spare(c);
        }
    }

    fn maybe_activate_spare(&mut self, c: usize) {
        let comp = &self.cfg.components[c];
        if comp.spares == 0 || comp.spare_mode == SpareMode::Hot {
            return;
        }
        let cs = &self.comps[c];
        let serving_ok = (0..cs.count)
            .filter(|k| {
                let nd = &self.nodes[(cs.first + k) as usize];
                nd.serving && nd.alive()
            })
            .count() as u32;
        if serving_ok >= comp.nodes {
            return;
        }
        let spare = (0..cs.count).map(|k| cs.first + k).find(|n| {
            let nd = &self.nodes[*n as usize];
            !nd.serving && nd.alive()
        });
        if let Some(s) = spare {
            let delay = comp.spare_delay;
            self.nodes[s as usize].serving = true; // reserved now, serves after the delay
            self.lb_gen += 1;
            self.nodes[s as usize].marked_up = false;
            self.lb_gen += 1;
            self.nodes[s as usize].epoch += 1;
            let epoch = self.nodes[s as usize].epoch;
            self.schedule(
                self.now + delay,
                StateEvent::SpareActivate { node: s, epoch },
            );
        }
    }

    pub(crate) fn on_spare(&mut self, n: u32, epoch: u32) {
        if self.nodes[n as usize].epoch != epoch {
            return;
        }
        let c = self.nodes[n as usize].comp as usize;
        self.nodes[n as usize].marked_up = self.healthy(n);
        self.lb_gen += 1;
        // a failed serving node becomes a spare when it comes back
        let cs = &self.comps[c];
        for k in 0..cs.count {
            let m = (cs.first + k) as usize;
            if self.nodes[m].serving && !self.nodes[m].alive() {
                self.nodes[m].serving = false;
                self.lb_gen += 1;
                let inc = self.nodes[m].inc;
                let id = self.cfg.components[c].id.clone();
                let local = self.nodes[n as usize].local;
                self.metrics
                    .recovery(inc, self.now, format!("spare {id}#{local} took over"));
                break;
            }
        }
    }
}
