//! Control plane, planned operations: rolling restarts, blue/green deployments (each a drain,
//! a stop and a start per batch) and the planned switchover of a database to a replica.

use super::super::super::config::*;
use super::super::super::metrics::Loss;
use super::super::super::stage::{BlueGreen, Rolling, Span, Stage, Step};
use super::super::super::state::World;
use super::super::super::time::Time;

/// The stage a planned event starts with.
pub(super) fn first_stage(f: &PlannedFamily) -> Stage {
    match f {
        PlannedFamily::RollingRestart { .. } => Stage::Rolling(Rolling {
            batch: 0,
            step: Step::Drain,
        }),
        PlannedFamily::BlueGreen { .. } => Stage::BlueGreen(BlueGreen::Blue(Step::Drain)),
        PlannedFamily::DbSwitchover { .. } => Stage::Span(Span::Start),
    }
}

impl World {
    /// A stage of planned event `fault`.
    pub(super) fn planned_fault(&mut self, fault: u32, f: PlannedFamily, stage: Stage) {
        match f {
            PlannedFamily::RollingRestart {
                comp,
                batch,
                drain,
                restart,
                ..
            } => self.rolling_restart(fault, comp, batch, (drain, restart), stage),
            PlannedFamily::BlueGreen {
                blue,
                green,
                drain,
                deploy,
                ..
            } => self.blue_green(fault, (blue, green), (drain, deploy), stage),
            PlannedFamily::DbSwitchover { comp, .. } => self.db_switchover(fault, comp, stage),
        }
    }

    fn rolling_restart(
        &mut self,
        fault: u32,
        comp: u32,
        batch: u32,
        (drain, restart): (Time, Time),
        stage: Stage,
    ) {
        let Stage::Rolling(stage) = stage else { return };
        let Some(cs) = self.comps.get(comp as usize) else {
            return;
        };
        let count = self.cfg.components[comp as usize].nodes.min(cs.count);
        let batch = batch.max(1);
        let now = self.now;
        if stage.batch == 0 && stage.step == Step::Drain {
            self.open_fault(fault, "rolling_restart", &self.comp_id(comp));
        }
        let inc = self.fault_incs[fault as usize];
        let first = self.comps[comp as usize].first;
        let lo = stage.batch * batch;
        if lo >= count {
            self.metrics.clear_incident(inc, now);
            return;
        }
        let hi = (lo + batch).min(count);
        let batch_nodes: Vec<u32> = (lo..hi).map(|k| first + k).collect();
        self.planned_step(stage.step, &batch_nodes, inc);
        let next_at = match stage.step {
            Step::Drain => now + drain,
            Step::Down => now + restart,
            Step::Up => now,
        };
        self.push_stage(fault, Stage::Rolling(Rolling::next(stage)), next_at);
    }

    fn blue_green(
        &mut self,
        fault: u32,
        (blue, green): (u32, u32),
        (drain, deploy): (Time, Time),
        stage: Stage,
    ) {
        let Stage::BlueGreen(stage) = stage else {
            return;
        };
        let now = self.now;
        if stage == BlueGreen::Blue(Step::Drain) {
            let label = format!("{} -> {}", self.comp_id(blue), self.comp_id(green));
            self.open_fault(fault, "blue_green", &label);
        }
        let inc = self.fault_incs[fault as usize];
        let (comp, step) = match stage {
            BlueGreen::Blue(step) => (blue, step),
            BlueGreen::Green(step) => (green, step),
            BlueGreen::Done => {
                self.metrics.clear_incident(inc, now);
                return;
            }
        };
        let nodes = self.targets(comp, None);
        // Request level: the drain ends as soon as every session of the drained cluster has
        // ended (old sessions keep going to it, new ones go elsewhere), `drain` at the latest;
        // the flow level waits the whole `drain`.
        let poll = self.plane_drain_poll(drain);
        let fi = fault as usize;
        if step == Step::Drain {
            self.fault_since[fi] = now;
        } else if step == Step::Down && poll < drain {
            let deadline = self.fault_since[fi] + drain;
            if now < deadline && self.plane_holds_sessions(&nodes) {
                let again = Stage::BlueGreen(stage);
                self.push_stage(fault, again, (now + poll).min(deadline));
                return;
            }
        }
        self.planned_step(step, &nodes, inc);
        let next_at = match step {
            Step::Drain => now + poll,
            Step::Down => now + deploy,
            Step::Up => now,
        };
        self.push_stage(fault, Stage::BlueGreen(stage.next()), next_at);
    }

    fn db_switchover(&mut self, fault: u32, comp: u32, stage: Stage) {
        let c = comp as usize;
        if !matches!(
            self.cfg.components.get(c).map(|x| &x.kind),
            Some(KindCfg::Database(_))
        ) {
            return;
        }
        let Stage::Span(span) = stage else { return };
        let now = self.now;
        match span {
            Span::Start => {
                let inc = self.open_fault(fault, "db_switchover", &self.comp_id(comp));
                self.comps[c].db.switching = true;
                self.comps[c].db.inc = inc;
                let promo = self.db_cfg(c).map(|d| d.promotion).unwrap_or(0);
                self.push_stage(fault, Stage::Span(Span::End), now + promo);
                self.plane_state_changed();
            }
            Span::End => {
                let cs = &self.comps[c];
                let target = (0..cs.count)
                    .find(|k| *k != cs.db.primary && self.nodes[(cs.first + k) as usize].alive());
                if let Some(k) = target {
                    self.comps[c].db.primary = k;
                }
                self.comps[c].db.switching = false;
                let inc = self.fault_incs[fault as usize];
                let id = self.comp_id(comp);
                self.metrics
                    .recovery(inc, now, format!("planned switch of {id} to a replica"));
                self.metrics.clear_incident(inc, now);
                self.update_cut_since(c);
                self.plane_state_changed();
            }
        }
    }

    /// Planned maintenance of some nodes: drained, taken down, or brought back.
    fn planned_step(&mut self, step: Step, nodes: &[u32], inc: u32) {
        match step {
            Step::Drain => {
                for &n in nodes {
                    self.nodes[n as usize].drained = true;
                    self.lb_gen += 1;
                }
                for &n in nodes {
                    self.plane_drain(n);
                }
            }
            Step::Down => {
                for &n in nodes {
                    self.nodes[n as usize].admin_down = true;
                    self.lb_gen += 1;
                    self.node_down(n, inc, Loss::PlannedRestart);
                }
            }
            Step::Up => {
                for &n in nodes {
                    let nd = &mut self.nodes[n as usize];
                    nd.drained = false;
                    self.lb_gen += 1;
                    nd.admin_down = false;
                    self.lb_gen += 1;
                    self.node_up(n);
                    // brought back by the operator: enabled in the LB at once
                    if self.healthy(n) {
                        self.nodes[n as usize].marked_up = true;
                        self.lb_gen += 1;
                        self.nodes[n as usize].epoch += 1;
                    }
                }
            }
        }
        self.plane_state_changed();
    }
}
