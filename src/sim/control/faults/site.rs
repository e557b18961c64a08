//! Control plane, faults of sites and networks: site outage, partition, DNS failure, and the
//! planned switchover of traffic from one site to another.

use super::super::super::config::*;
use super::super::super::event::StateEvent;
use super::super::super::metrics::Loss;
use super::super::super::stage::{Span, Stage};
use super::super::super::state::{ActivePartition, World};
use super::super::super::time::Time;

impl World {
    /// A stage of site, network or DNS fault `fault`.
    pub(super) fn site_fault(&mut self, fault: u32, f: SiteFamily, stage: Stage) {
        match f {
            SiteFamily::SiteOutage { site, duration, .. } => {
                self.site_outage(fault, site, duration, stage)
            }
            SiteFamily::Partition {
                a,
                b,
                one_way,
                comp,
                duration,
                ..
            } => self.partition(fault, (a, b, one_way), comp, duration, stage),
            SiteFamily::DnsFailure { duration, .. } => self.dns_failure(fault, duration, stage),
            SiteFamily::SiteSwitchover { from, to, .. } => self.site_switchover(fault, from, to),
        }
    }

    fn site_outage(&mut self, fault: u32, site: u32, duration: Option<Time>, stage: Stage) {
        if site as usize >= self.sites.len() {
            return;
        }
        let Stage::Span(span) = stage else { return };
        match span {
            Span::Start => {
                let inc = self.open_fault(fault, "site_outage", &self.site_id(site));
                self.sites[site as usize].down += 1;
                self.sites[site as usize].inc = inc;
                for n in 0..self.nodes.len() as u32 {
                    if self.nodes[n as usize].site == site {
                        self.node_down(n, inc, Loss::SiteDown);
                    }
                }
                self.site_changed(site);
                self.plane_state_changed();
                if let Some(d) = duration {
                    self.push_stage(fault, Stage::Span(Span::End), self.now + d);
                }
            }
            Span::End => {
                let s = &mut self.sites[site as usize];
                s.down = s.down.saturating_sub(1);
                for n in 0..self.nodes.len() as u32 {
                    if self.nodes[n as usize].site == site {
                        self.node_up(n);
                    }
                }
                self.site_changed(site);
                self.close_fault(fault);
            }
        }
    }

    fn partition(
        &mut self,
        fault: u32,
        (a, b, one_way): (u32, u32, bool),
        comp: Option<u32>,
        duration: Option<Time>,
        stage: Stage,
    ) {
        let Stage::Span(span) = stage else { return };
        match span {
            Span::Start => {
                let label = match comp {
                    Some(c) => format!(
                        "{}-{} ({})",
                        self.site_id(a),
                        self.site_id(b),
                        self.comp_id(c)
                    ),
                    None => format!("{}-{}", self.site_id(a), self.site_id(b)),
                };
                let inc = self.open_fault(fault, "partition", &label);
                self.partitions.push(ActivePartition {
                    fault,
                    a,
                    b,
                    one_way,
                    comp: comp.unwrap_or(NONE),
                    inc,
                });
                if let Some(d) = duration {
                    self.push_stage(fault, Stage::Span(Span::End), self.now + d);
                }
            }
            Span::End => {
                self.partitions.retain(|p| p.fault != fault);
                self.close_fault(fault);
            }
        }
        for c in 0..self.comps.len() {
            if matches!(self.cfg.components[c].kind, KindCfg::Database(_)) {
                self.update_cut_since(c);
            }
        }
        // deep health checks (`/lb-check`) see a cut path: global routing re-checks
        match comp {
            Some(c) => self.path_changed(c),
            None => {
                for e in 0..self.cfg.entries.len() {
                    self.path_changed(self.cfg.entries[e]);
                }
            }
        }
        self.plane_state_changed();
    }

    fn dns_failure(&mut self, fault: u32, duration: Option<Time>, stage: Stage) {
        let Stage::Span(span) = stage else { return };
        match span {
            Span::Start => {
                let inc = self.open_fault(fault, "dns_failure", "dns");
                self.dns_down += 1;
                self.dns_inc = inc;
                if let Some(d) = duration {
                    self.push_stage(fault, Stage::Span(Span::End), self.now + d);
                }
            }
            Span::End => {
                self.dns_down = self.dns_down.saturating_sub(1);
                self.close_fault(fault);
            }
        }
        self.plane_state_changed();
    }

    fn site_switchover(&mut self, fault: u32, from: u32, to: u32) {
        let now = self.now;
        let label = format!("{} -> {}", self.site_id(from), self.site_id(to));
        let inc = self.open_fault(fault, "site_switchover", &label);
        if let Some(s) = self.sites.get_mut(from as usize) {
            s.admin_out = true;
        }
        if let Some(s) = self.sites.get_mut(to as usize) {
            s.admin_out = false;
        }
        let target = self
            .cfg
            .entries
            .iter()
            .position(|e| self.cfg.components[*e as usize].site == to);
        if let Some(t) = target {
            self.single_entry = t as u32;
        }
        // a graceful preference change: the new site is announced at once, before the
        // old one is withdrawn (no gap in which neither is listed)
        let global = !matches!(self.cfg.routing, RoutingCfg::Single);
        for e in 0..self.cfg.entries.len() {
            if global && self.cfg.components[self.cfg.entries[e] as usize].site == to {
                self.schedule(now, StateEvent::RouteUpdate { entry: e as u32 });
            }
        }
        self.site_changed(from);
        self.metrics.clear_incident(inc, now);
    }
}
