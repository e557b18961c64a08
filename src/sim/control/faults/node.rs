//! Control plane, faults of nodes: crash, hang, error rate, added latency, corruption, resource
//! leak, flapping.

use super::super::super::config::*;
use super::super::super::limits::MAX_FLAP_CYCLES;
use super::super::super::metrics::Loss;
use super::super::super::stage::{Corruption, Flap, Leak, Span, Stage};
use super::super::super::state::World;
use super::super::super::time::Time;

/// The stage a node fault starts with.
pub(super) fn first_stage(f: &NodeFamily) -> Stage {
    match f {
        NodeFamily::Corruption(_) => Stage::Corruption(Corruption::Start),
        NodeFamily::Leak { .. } => Stage::Leak(Leak::Start),
        NodeFamily::Flapping { .. } => Stage::Flap(Flap::Down { cycle: 0 }),
        NodeFamily::Crash(_)
        | NodeFamily::Hang(_)
        | NodeFamily::ErrorRate(..)
        | NodeFamily::Latency(..)
        | NodeFamily::DiskFull { .. } => Stage::Span(Span::Start),
    }
}

impl World {
    /// A stage of node fault `fault`.
    pub(super) fn node_fault(&mut self, fault: u32, f: NodeFamily, stage: Stage) {
        match f {
            NodeFamily::Crash(nf) => self.crash(fault, &nf, stage),
            NodeFamily::Hang(nf) => self.hang(fault, &nf, stage),
            NodeFamily::ErrorRate(nf, rate) => self.error_rate(fault, &nf, rate, stage),
            NodeFamily::Latency(nf, added) => self.latency(fault, &nf, added, stage),
            NodeFamily::Corruption(nf) => self.corruption(fault, &nf, stage),
            NodeFamily::Leak {
                comp,
                node,
                exhaustion,
                restart,
                ..
            } => self.leak(fault, (comp, node), exhaustion, restart, stage),
            NodeFamily::Flapping {
                comp,
                node,
                down,
                up,
                cycles,
                ..
            } => self.flapping(fault, (comp, node), (down, up), cycles, stage),
            NodeFamily::DiskFull { comp, duration, .. } => {
                self.disk_full(fault, comp, duration, stage)
            }
        }
    }

    /// Schedules the end of a node fault, if it has one.
    fn end_span(&mut self, fault: u32, nf: &NodeFaultCfg) {
        if let Some(end) = self.end_of(nf.comp, nf.duration) {
            self.push_stage(fault, Stage::Span(Span::End), end);
        }
    }

    /// A database's disk is full: writes fail (reads are served) until it is cleared.
    fn disk_full(&mut self, fault: u32, comp: u32, duration: Option<Time>, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        let c = comp as usize;
        match span {
            Span::Start => {
                let inc = self.open_fault(fault, "disk_full", &self.comp_id(comp));
                let db = &mut self.comps[c].db;
                db.full += 1;
                db.full_inc = inc;
                if let Some(d) = duration {
                    self.push_stage(fault, Stage::Span(Span::End), self.now + d);
                }
            }
            Span::End => {
                let db = &mut self.comps[c].db;
                db.full = db.full.saturating_sub(1);
                self.close_fault(fault);
            }
        }
        self.plane_state_changed();
    }

    fn crash(&mut self, fault: u32, nf: &NodeFaultCfg, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        match span {
            Span::Start => {
                let inc = self.open_fault(fault, "crash", &self.node_label(nf.comp, nf.node));
                for n in self.targets(nf.comp, nf.node) {
                    self.node_down(n, inc, Loss::NodeCrash);
                }
                self.end_span(fault, nf);
            }
            Span::End => {
                for n in self.targets(nf.comp, nf.node) {
                    self.node_up(n);
                }
                self.close_fault(fault);
            }
        }
    }

    fn hang(&mut self, fault: u32, nf: &NodeFaultCfg, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        let now = self.now;
        match span {
            Span::Start => {
                let inc = self.open_fault(fault, "hang", &self.node_label(nf.comp, nf.node));
                for n in self.targets(nf.comp, nf.node) {
                    self.nodes[n as usize].hung += 1;
                    self.nodes[n as usize].inc = inc;
                    self.nodes[n as usize].down_since = now;
                    self.health_changed(n);
                }
                self.end_span(fault, nf);
            }
            Span::End => {
                for n in self.targets(nf.comp, nf.node) {
                    let nd = &mut self.nodes[n as usize];
                    nd.hung = nd.hung.saturating_sub(1);
                    self.health_changed(n);
                    // requests that queued while it hung
                    self.plane_node_unhung(n);
                }
                self.close_fault(fault);
            }
        }
    }

    fn error_rate(&mut self, fault: u32, nf: &NodeFaultCfg, rate: f64, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        match span {
            Span::Start => {
                let label = self.node_label(nf.comp, nf.node);
                let inc = self.open_fault(fault, "error_rate", &label);
                for n in self.targets(nf.comp, nf.node) {
                    self.nodes[n as usize].err_rate = rate.clamp(0.0, 1.0);
                    self.nodes[n as usize].err_inc = inc;
                }
                self.end_span(fault, nf);
            }
            Span::End => {
                for n in self.targets(nf.comp, nf.node) {
                    self.nodes[n as usize].err_rate = 0.0;
                }
                self.close_fault(fault);
            }
        }
    }

    fn latency(&mut self, fault: u32, nf: &NodeFaultCfg, added: Time, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        match span {
            Span::Start => {
                let label = self.node_label(nf.comp, nf.node);
                self.open_fault(fault, "latency", &label);
                for n in self.targets(nf.comp, nf.node) {
                    self.nodes[n as usize].added += added;
                }
                self.end_span(fault, nf);
            }
            Span::End => {
                for n in self.targets(nf.comp, nf.node) {
                    let nd = &mut self.nodes[n as usize];
                    nd.added = nd.added.saturating_sub(added);
                }
                self.close_fault(fault);
            }
        }
    }

    fn corruption(&mut self, fault: u32, nf: &NodeFaultCfg, stage: Stage) {
        let Stage::Corruption(stage) = stage else {
            return;
        };
        let is_db = matches!(
            self.cfg.components.get(nf.comp as usize).map(|c| &c.kind),
            Some(KindCfg::Database(_))
        );
        let now = self.now;
        match stage {
            Corruption::Start => {
                let label = self.node_label(nf.comp, nf.node);
                let inc = self.open_fault(fault, "corruption", &label);
                if is_db {
                    let c = nf.comp as usize;
                    self.comps[c].db.corrupt = true;
                    self.db_primary_lost(c, inc, true);
                    // until detected, the corrupt primary answers with errors
                    self.comps[c].db.available = true;
                    let detect = self
                        .db_cfg(c)
                        .map(|d| d.detection + d.manual.unwrap_or(0))
                        .unwrap_or(0);
                    self.push_stage(fault, Stage::Corruption(Corruption::Detected), now + detect);
                } else {
                    for n in self.targets(nf.comp, nf.node) {
                        self.nodes[n as usize].err_rate = 1.0;
                        self.nodes[n as usize].err_inc = inc;
                    }
                    if let Some(end) = self.end_of(nf.comp, nf.duration) {
                        self.push_stage(fault, Stage::Corruption(Corruption::End), end);
                    }
                }
            }
            Corruption::End => {
                for n in self.targets(nf.comp, nf.node) {
                    self.nodes[n as usize].err_rate = 0.0;
                }
                self.close_fault(fault);
            }
            Corruption::Detected => {
                // detected: the database is taken down for the restore
                let c = nf.comp as usize;
                if self.comps[c].db.corrupt {
                    self.comps[c].db.available = false;
                }
            }
        }
    }

    fn leak(
        &mut self,
        fault: u32,
        (comp, node): (u32, Option<u32>),
        exhaustion: Time,
        restart: Time,
        stage: Stage,
    ) {
        let Stage::Leak(stage) = stage else { return };
        let now = self.now;
        match stage {
            Leak::Start => {
                let inc = self.open_fault(fault, "leak", &self.node_label(comp, node));
                for n in self.targets(comp, node) {
                    self.nodes[n as usize].leak = Some((now, exhaustion));
                    self.nodes[n as usize].inc = inc;
                }
                self.push_stage(fault, Stage::Leak(Leak::Exhausted), now + exhaustion);
            }
            Leak::Exhausted => {
                let inc = self.fault_incs[fault as usize];
                for n in self.targets(comp, node) {
                    self.node_down(n, inc, Loss::NodeCrash);
                }
                self.push_stage(fault, Stage::Leak(Leak::Restarted), now + restart);
            }
            Leak::Restarted => {
                for n in self.targets(comp, node) {
                    self.node_up(n);
                }
                self.close_fault(fault);
            }
        }
    }

    fn flapping(
        &mut self,
        fault: u32,
        (comp, node): (u32, Option<u32>),
        (down, up): (Time, Time),
        cycles: u32,
        stage: Stage,
    ) {
        let Stage::Flap(stage) = stage else { return };
        if stage == (Flap::Down { cycle: 0 }) {
            self.open_fault(fault, "flapping", &self.node_label(comp, node));
        }
        let inc = self.fault_incs[fault as usize];
        let now = self.now;
        let cycle = match stage {
            Flap::Down { cycle } | Flap::Up { cycle } => cycle,
        };
        if cycle >= cycles.min(MAX_FLAP_CYCLES) {
            self.metrics.clear_incident(inc, now);
            return;
        }
        match stage {
            Flap::Down { cycle } => {
                for n in self.targets(comp, node) {
                    self.node_down(n, inc, Loss::NodeCrash);
                }
                self.push_stage(fault, Stage::Flap(Flap::Up { cycle }), now + down.max(1));
            }
            Flap::Up { cycle } => {
                for n in self.targets(comp, node) {
                    self.node_up(n);
                }
                if cycle + 1 >= cycles {
                    self.metrics.clear_incident(inc, now);
                } else {
                    let next = Stage::Flap(Flap::Down { cycle: cycle + 1 });
                    self.push_stage(fault, next, now + up.max(1));
                }
            }
        }
    }
}
