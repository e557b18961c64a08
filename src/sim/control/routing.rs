//! Control plane, global routing: DNS records and BGP routes listed or withdrawn after their
//! detection (and convergence) delay, from what a global health check of an entry sees.

use super::super::config::*;
use super::super::event::StateEvent;
use super::super::state::World;

impl World {
    /// A site went down or came back, or was switched out: update global routing after its delay.
    pub(crate) fn site_changed(&mut self, site: u32) {
        let delay = match self.cfg.routing {
            RoutingCfg::Single => return,
            RoutingCfg::Dns { detection, .. } => detection,
            RoutingCfg::Bgp {
                detection,
                convergence,
                ..
            } => detection + convergence,
        };
        for e in 0..self.cfg.entries.len() {
            if self.cfg.components[self.cfg.entries[e] as usize].site == site {
                let admin = self.sites.get(site as usize).is_some_and(|s| s.admin_out);
                let d = if admin { 0 } else { delay };
                self.schedule(self.now + d, StateEvent::RouteUpdate { entry: e as u32 });
            }
        }
    }

    /// What a global router's health check of an entry sees: the entry itself, or with a deep
    /// check (`/lb-check`) everything behind it.
    fn entry_healthy(&self, entry: u32) -> bool {
        let c0 = self.cfg.entries[entry as usize] as usize;
        let deep = matches!(
            self.cfg.components[c0].kind,
            KindCfg::LoadBalancer { deep: true, .. }
        );
        if deep {
            // `/lb-check` also fails when a partition cuts the path between two hops
            let mut prev = (NONE, NONE);
            self.paths[entry as usize].iter().all(|h| {
                let c = h.comp as usize;
                let site = self.cfg.components[c].site;
                let cut = prev.0 != NONE
                    && site != NONE
                    && prev.0 != site
                    && self.cut(prev.0, site, prev.1, h.comp).is_some();
                prev = (site, h.comp);
                !cut && self.comp_available(c)
            })
        } else {
            self.comp_available(c0)
        }
    }

    /// A component's availability may have changed: global routing re-checks the entries whose
    /// path holds it, after its detection delay.
    pub(crate) fn path_changed(&mut self, c: u32) {
        let delay = match self.cfg.routing {
            RoutingCfg::Single => return,
            RoutingCfg::Dns { detection, .. } => detection,
            RoutingCfg::Bgp {
                detection,
                convergence,
                ..
            } => detection + convergence,
        };
        for e in 0..self.paths.len() {
            if self.paths[e].iter().any(|h| h.comp == c) {
                self.schedule(
                    self.now + delay,
                    StateEvent::RouteUpdate { entry: e as u32 },
                );
            }
        }
    }

    pub(crate) fn on_route_update(&mut self, entry: u32) {
        let comp = self.cfg.entries[entry as usize] as usize;
        let site = self.cfg.components[comp].site;
        let ok = self
            .sites
            .get(site as usize)
            .is_none_or(|s| s.down == 0 && !s.admin_out)
            && self.entry_healthy(entry);
        let was = self.listed[entry as usize];
        self.listed[entry as usize] = ok;
        if was && !ok {
            let inc = match self.sites.get(site as usize) {
                Some(s) if s.down > 0 => s.inc,
                _ => self
                    .metrics
                    .open_incident(self.now)
                    .map(|i| i as u32)
                    .unwrap_or(NONE),
            };
            let what = match self.cfg.routing {
                RoutingCfg::Bgp { .. } => "route withdrawn",
                _ => "DNS record withdrawn",
            };
            let id = if site == NONE {
                self.comp_id(comp as u32)
            } else {
                self.site_id(site)
            };
            self.metrics
                .recovery(inc, self.now, format!("{what} for {id}"));
        }
        self.plane_state_changed();
    }
}
