//! Control plane, faults: the dispatch of a scripted fault's stage to its family (one family
//! per file, each fault's stages named in `sim/stage.rs`), random failures and their repairs.

pub(crate) mod node;
pub(crate) mod planned;
pub(crate) mod site;
pub(crate) mod traffic;

use super::super::config::*;
use super::super::event::StateEvent;
use super::super::metrics::Loss;
use super::super::stage::{Span, Stage};
use super::super::state::World;
use super::super::time::Time;

impl World {
    /// A stage of scripted fault `fault`.
    pub(crate) fn on_fault(&mut self, fault: u32, stage: Stage) {
        let Some(f) = self.cfg.faults.get(fault as usize).cloned() else {
            return;
        };
        match f {
            FaultCfg::Node(x) => self.node_fault(fault, x, stage),
            FaultCfg::Site(x) => self.site_fault(fault, x, stage),
            FaultCfg::Planned(x) => self.planned_fault(fault, x, stage),
            FaultCfg::Traffic(x) => self.traffic_fault(fault, x, stage),
        }
    }

    /// The stage scripted fault `i` starts with.
    pub(crate) fn first_stage(&self, i: usize) -> Stage {
        match &self.cfg.faults[i] {
            FaultCfg::Node(x) => node::first_stage(x),
            FaultCfg::Planned(x) => planned::first_stage(x),
            FaultCfg::Site(_) | FaultCfg::Traffic(_) => Stage::Span(Span::Start),
        }
    }

    pub(crate) fn on_random_fail(&mut self, n: u32) {
        let nd = &self.nodes[n as usize];
        let c = nd.comp as usize;
        let inc = if self.metrics.incidents_full() {
            // aggregated per component: no label to format
            let id = &self.cfg.components[c].id;
            self.metrics.new_incident(self.now, "random failure", id)
        } else {
            let id = &self.cfg.components[c].id;
            let mut num = itoa::Buffer::new();
            let num = num.format(nd.local);
            let mut label = String::with_capacity(id.len() + 1 + num.len());
            label.push_str(id);
            label.push('#');
            label.push_str(num);
            self.metrics
                .new_incident(self.now, "random failure", &label)
        };
        self.node_down(n, inc, Loss::NodeCrash);
        let d = self.repair_time(c);
        self.schedule(
            self.now + d,
            StateEvent::NodeRepair {
                node: n,
                incident: inc,
            },
        );
    }

    /// A node repaired after a random failure (or a crash without duration).
    pub(crate) fn on_repair(&mut self, node: u32, incident: u32) {
        self.node_up(node);
        self.metrics.clear_incident(incident, self.now);
        let c = self.nodes[node as usize].comp as usize;
        if let Some(f) = &self.cfg.components[c].failure {
            if f.mtbf > 0 {
                let dt = self.rng_fail[c].exp_us(f.mtbf as f64);
                self.schedule(self.now + dt, StateEvent::NodeFail { node });
            }
        }
    }

    fn repair_time(&mut self, c: usize) -> Time {
        let Some(f) = self.cfg.components[c].failure.clone() else {
            return 0;
        };
        match f.repair {
            RepairCfg::Exponential => self.rng_fail[c].exp_us(f.mttr as f64),
            RepairCfg::Lognormal(sigma) => self.rng_fail[c].lognormal_us(f.mttr as f64, sigma),
            RepairCfg::Fixed => f.mttr,
        }
    }

    fn push_stage(&mut self, fault: u32, stage: Stage, at: Time) {
        self.schedule(at, StateEvent::Fault { fault, stage });
    }

    /// Opens the incident of a fault's first stage.
    fn open_fault(&mut self, fault: u32, trigger: &str, label: &str) -> u32 {
        let inc = self.metrics.new_incident(self.now, trigger, label);
        self.fault_incs[fault as usize] = inc;
        inc
    }

    /// Clears the incident a fault opened.
    fn close_fault(&mut self, fault: u32) {
        let inc = self.fault_incs[fault as usize];
        self.metrics.clear_incident(inc, self.now);
    }

    /// For faults without a duration on components with random failures: a random repair.
    fn end_of(&mut self, comp: u32, duration: Option<Time>) -> Option<Time> {
        match duration {
            Some(d) => Some(self.now + d),
            None => {
                let c = comp as usize;
                if c < self.cfg.components.len() && self.cfg.components[c].failure.is_some() {
                    Some(self.now + self.repair_time(c))
                } else {
                    None
                }
            }
        }
    }
}
