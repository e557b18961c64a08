//! Scripted faults and planned events: targets resolved, times and parameters checked, each
//! emitted as the engine's fault configuration (a fault whose target does not exist is left out;
//! it is an error anyway).

use super::limits::*;
use super::Checker;
use crate::scenario::format::*;
use crate::scenario::problem::Location;
use crate::scenario::units::Dur;
use crate::sim::config::{
    FaultCfg, NodeFamily, NodeFaultCfg, PlannedFamily, SiteFamily, TrafficFamily,
};
use crate::sim::Time;

impl<'a> Checker<'a> {
    /// Checks `target` (and `node` when given) of a fault; returns the component's index.
    fn fault_target(&mut self, p: &Location, target: &str, node: Option<u32>) -> Option<usize> {
        let idx = self.comp_ref(p.child("target"), target)?;
        let c = &self.s.components[idx];
        if let Some(n) = node {
            let count = c.node_count();
            if n >= count {
                self.err_about(
                    p.child("node"),
                    format!("node {n} is out of range: `{target}` has {count} node(s), numbered 0 to {}", count.saturating_sub(1)),
                    target,
                );
            }
        }
        Some(idx)
    }

    /// A fault on one node or all nodes of a component.
    fn node_fault(
        &mut self,
        p: &Location,
        at: Time,
        target: &str,
        node: Option<u32>,
        duration: &Option<Dur>,
    ) -> Option<NodeFaultCfg> {
        let comp = self.fault_target(p, target, node);
        let duration = self.opt_dur_pos(p.child("duration"), duration);
        Some(NodeFaultCfg {
            at,
            comp: comp? as u32,
            node,
            duration,
        })
    }

    /// When the fault happens, with a warning when that is at or after the horizon, or inside
    /// the warm-up.
    fn fault_at(&mut self, p: &Location, f: &Fault) -> Time {
        let Some(at) = self.dur(p.child("at"), f.at()) else {
            return 0;
        };
        if let Some(h) = self.s.horizon.as_micros() {
            if at >= h {
                self.warn(
                    p.child("at"),
                    format!(
                        "{} is at or after the horizon ({}): this fault never happens",
                        f.at(),
                        self.s.horizon
                    ),
                );
            }
        }
        if at < self.cfg.warmup {
            if let Some(w) = &self.s.warmup {
                let msg = format!(
                    "{} is inside the warm-up ({w}): what this fault does before then is not counted",
                    f.at()
                );
                self.warn(p.child("at"), msg);
            }
        }
        at
    }

    pub(super) fn fault(&mut self, i: usize, f: &'a Fault) -> Option<FaultCfg> {
        let p = Location::fault(i, f.kind_name());
        let at = self.fault_at(&p, f);
        match f {
            Fault::Crash(nf) => node_fault_cfg(NodeFamily::Crash(self.node_fault(
                &p,
                at,
                &nf.target,
                nf.node,
                &nf.duration,
            )?)),
            Fault::Hang(nf) => node_fault_cfg(NodeFamily::Hang(self.node_fault(
                &p,
                at,
                &nf.target,
                nf.node,
                &nf.duration,
            )?)),
            Fault::Corruption(nf) => {
                let cfg = self.node_fault(&p, at, &nf.target, nf.node, &nf.duration);
                let comp = cfg.as_ref().map(|c| &self.s.components[c.comp as usize]);
                if let Some(c) = comp.filter(|c| {
                    !matches!(
                        c.spec,
                        Spec::Database(_)
                            | Spec::SearchIndex(_)
                            | Spec::DocStore(_)
                            | Spec::Queue(_)
                    )
                }) {
                    self.err(
                        p.child("target"),
                        format!(
                            "`{}` is a {}: only data stores can be corrupted",
                            c.id,
                            c.spec.kind_name()
                        ),
                    );
                }
                node_fault_cfg(NodeFamily::Corruption(cfg?))
            }
            Fault::ErrorRate(e) => {
                let cfg = self.node_fault(&p, at, &e.target, e.node, &None);
                let rate = self.share(p.child("rate"), e.rate);
                let duration = self.opt_dur_pos(p.child("duration"), &e.duration);
                let cfg = NodeFaultCfg { duration, ..cfg? };
                node_fault_cfg(NodeFamily::ErrorRate(cfg, rate))
            }
            Fault::Latency(l) => {
                let cfg = self.node_fault(&p, at, &l.target, l.node, &None);
                let added = self.dur_pos(p.child("added"), &l.added).unwrap_or(0);
                let duration = self.opt_dur_pos(p.child("duration"), &l.duration);
                let cfg = NodeFaultCfg { duration, ..cfg? };
                node_fault_cfg(NodeFamily::Latency(cfg, added))
            }
            Fault::Leak(l) => {
                let comp = self.fault_target(&p, &l.target, l.node);
                let exhaustion = self
                    .dur_pos(p.child("exhaustion"), &l.exhaustion)
                    .unwrap_or(0);
                let restart = self.dur0(p.child("restart"), &l.restart);
                node_fault_cfg(NodeFamily::Leak {
                    at,
                    comp: comp? as u32,
                    node: l.node,
                    exhaustion,
                    restart,
                })
            }
            Fault::Flapping(fl) => {
                let comp = self.fault_target(&p, &fl.target, fl.node);
                let down = self.dur_pos(p.child("down"), &fl.down).unwrap_or(0);
                let up = self.dur_pos(p.child("up"), &fl.up).unwrap_or(0);
                let cycles = self.count(p.child("cycles"), fl.cycles, 1, MAX_CYCLES_PER_FLAPPING);
                node_fault_cfg(NodeFamily::Flapping {
                    at,
                    comp: comp? as u32,
                    node: fl.node,
                    down,
                    up,
                    cycles,
                })
            }
            _ => self.site_or_planned_fault(&p, at, f),
        }
    }

    /// Faults of sites, traffic and routing, and planned events.
    fn site_or_planned_fault(&mut self, p: &Location, at: Time, f: &'a Fault) -> Option<FaultCfg> {
        match f {
            Fault::SiteOutage(so) => {
                let site = self.site_ref(p.child("site"), &so.site);
                let duration = self.opt_dur_pos(p.child("duration"), &so.duration);
                site_fault(SiteFamily::SiteOutage {
                    at,
                    site: site?,
                    duration,
                })
            }
            Fault::Partition(pt) => {
                let a = self.site_ref(p.child("a"), &pt.a);
                let b = self.site_ref(p.child("b"), &pt.b);
                if a.is_some() && b.is_some() && pt.a == pt.b {
                    self.err(p.child("b"), "a partition separates two different sites");
                }
                let comp = pt
                    .component
                    .as_ref()
                    .and_then(|c| self.comp_ref(p.child("component"), c))
                    .map(|k| k as u32);
                let duration = self.opt_dur_pos(p.child("duration"), &pt.duration);
                site_fault(SiteFamily::Partition {
                    at,
                    a: a?,
                    b: b?,
                    one_way: pt.one_way,
                    comp,
                    duration,
                })
            }
            Fault::TrafficSpike(ts) => traffic(TrafficFamily::TrafficSpike {
                at,
                factor: self
                    .non_negative(p.child("factor"), ts.factor, MAX_SPIKE_FACTOR)
                    .unwrap_or(1.0),
                duration: self.dur_pos(p.child("duration"), &ts.duration).unwrap_or(0),
            }),
            Fault::DnsFailure(w) => {
                let duration = self.opt_dur_pos(p.child("duration"), &w.duration);
                if !matches!(self.s.routing, GlobalRouting::Dns { .. }) {
                    self.warn(
                        p.clone(),
                        "the scenario does not route by DNS: this fault has no effect",
                    );
                }
                site_fault(SiteFamily::DnsFailure { at, duration })
            }
            _ => self.planned_fault(p, at, f),
        }
    }

    /// Planned events: rolling restarts, blue/green deploys, switch-overs.
    fn planned_fault(&mut self, p: &Location, at: Time, f: &'a Fault) -> Option<FaultCfg> {
        match f {
            Fault::RollingRestart(r) => {
                let comp = self.fault_target(p, &r.target, None);
                let mut batch = r.batch;
                if let Some(c) = comp.map(|k| &self.s.components[k]) {
                    let count = c.node_count();
                    batch = self.count(p.child("batch"), r.batch, 1, u32::MAX);
                    if r.batch >= count && r.batch >= 1 {
                        self.warn(
                            p.child("batch"),
                            format!("a batch of {} restarts all {count} node(s) of `{}` at once: that is an outage, not a rolling restart", r.batch, c.id),
                        );
                    }
                }
                let drain = self.dur0(p.child("drain"), &r.drain);
                let restart = self.dur_pos(p.child("restart"), &r.restart).unwrap_or(0);
                planned(PlannedFamily::RollingRestart {
                    at,
                    comp: comp? as u32,
                    batch: batch.max(1),
                    drain,
                    restart,
                })
            }
            Fault::BlueGreen(bg) => {
                let blue = self.comp_ref(p.child("blue"), &bg.blue);
                let green = self.comp_ref(p.child("green"), &bg.green);
                if bg.blue == bg.green {
                    self.err(
                        p.child("green"),
                        "blue and green must be two different clusters",
                    );
                }
                let drain = self.dur0(p.child("drain"), &bg.drain);
                let deploy = self.dur_pos(p.child("deploy"), &bg.deploy).unwrap_or(0);
                planned(PlannedFamily::BlueGreen {
                    at,
                    blue: blue? as u32,
                    green: green? as u32,
                    drain,
                    deploy,
                })
            }
            Fault::SiteSwitchover(sw) => {
                let from = self.site_ref(p.child("from"), &sw.from);
                let to = self.site_ref(p.child("to"), &sw.to);
                if from.is_some() && to.is_some() && sw.from == sw.to {
                    self.err(p.child("to"), "must differ from `from`");
                }
                site_fault(SiteFamily::SiteSwitchover {
                    at,
                    from: from?,
                    to: to?,
                })
            }
            Fault::DbSwitchover(t) => {
                let comp = self.fault_target(p, &t.target, None);
                if let Some(c) = comp.map(|k| &self.s.components[k]) {
                    match &c.spec {
                        Spec::Database(d) if d.replicas.is_empty() => self.err(
                            p.child("target"),
                            format!("database `{}` has no replica to switch to", c.id),
                        ),
                        Spec::Database(_) => {}
                        other => self.err(
                            p.child("target"),
                            format!("`{}` is a {}, not a database", c.id, other.kind_name()),
                        ),
                    }
                }
                planned(PlannedFamily::DbSwitchover {
                    at,
                    comp: comp? as u32,
                })
            }
            Fault::DiskFull(d) => {
                let comp = self.fault_target(p, &d.target, None);
                if let Some(c) = comp.map(|k| &self.s.components[k]) {
                    if !matches!(c.spec, Spec::Database(_)) {
                        self.err(
                            p.child("target"),
                            format!("`{}` is a {}, not a database", c.id, c.spec.kind_name()),
                        );
                    }
                }
                let duration = self.opt_dur_pos(p.child("duration"), &d.duration);
                node_fault_cfg(NodeFamily::DiskFull {
                    at,
                    comp: comp? as u32,
                    duration,
                })
            }
            // Handled above; listed so that a new kind fails to compile until it is handled.
            Fault::Crash(_)
            | Fault::Hang(_)
            | Fault::Corruption(_)
            | Fault::ErrorRate(_)
            | Fault::Latency(_)
            | Fault::Leak(_)
            | Fault::Flapping(_)
            | Fault::SiteOutage(_)
            | Fault::Partition(_)
            | Fault::TrafficSpike(_)
            | Fault::DnsFailure(_) => None,
        }
    }
}

fn node_fault_cfg(x: NodeFamily) -> Option<FaultCfg> {
    Some(FaultCfg::Node(x))
}
fn site_fault(x: SiteFamily) -> Option<FaultCfg> {
    Some(FaultCfg::Site(x))
}
fn planned(x: PlannedFamily) -> Option<FaultCfg> {
    Some(FaultCfg::Planned(x))
}
fn traffic(x: TrafficFamily) -> Option<FaultCfg> {
    Some(FaultCfg::Traffic(x))
}
