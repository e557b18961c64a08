//! Request level, clients: session arrivals (Poisson with thinning), each request's issue, and
//! global routing's choice of entry (single, DNS with per-client TTL caches, BGP).

use super::super::config::*;
use super::super::event::Event;
use super::super::metrics::Cause;
use super::super::rng::Draws;
use super::super::state::{Orphan, Req, Session, World};

/// The purposes of a session's keyed draws (`rng::Keyed`): each request of a session draws its
/// mix, its entry and what follows it from its own key, never from a shared stream whose order
/// depends on server timing.
pub(crate) mod purpose {
    /// The session's DNS cache keeps a stale answer (drawn with its first request's key).
    pub(crate) const STALE: u64 = 1;
    /// The request is a write; if not, whether it is idempotent.
    pub(crate) const MIX: u64 = 2;
    /// Active-active routing: which listed entry a resolution picks.
    pub(crate) const ENTRY: u64 = 3;
    /// After it: whether the session continues, and the think time before the next request.
    pub(crate) const NEXT: u64 = 4;
}

impl World {
    fn arrival_factor(&self) -> f64 {
        self.cfg.traffic.profile.factor(self.now) * self.spike
    }

    #[inline(always)]
    pub(crate) fn on_session_arrival(&mut self) {
        let dt = self.rng_clients.exp_us(self.arrival_gap_us);
        self.queue.push(self.now + dt.max(1), Event::SessionArrival);
        if !(self.flat_rate && self.spike == 1.0) {
            let accept = self.cfg.traffic.sessions_per_s * self.arrival_factor() / self.max_rate;
            if accept < 1.0 && self.rng_clients.unit() >= accept {
                return;
            }
        }
        // the one client draw besides the arrival process: the session's key
        let key = self.rng_clients.bits();
        let stale = match &self.cfg.routing {
            RoutingCfg::Dns { stale_share, .. } => self
                .rng_clients
                .keyed(key, purpose::STALE)
                .chance(*stale_share),
            _ => false,
        };
        let s = Session {
            key,
            live: true,
            lost: false,
            entry: NONE,
            dns_exp: 0,
            resolved: false,
            stale,
            home: NONE,
            buddy: NONE,
            orphan: Orphan::No,
        };
        let id = if let Some(id) = self.free_sessions.pop() {
            self.sessions[id as usize] = s;
            id
        } else {
            self.sessions.push(s);
            (self.sessions.len() - 1) as u32
        };
        self.metrics.advance(self.now);
        self.metrics.sessions_started += 1;
        self.issue(id);
    }

    #[inline(always)]
    pub(crate) fn free_session(&mut self, s: u32) {
        self.sessions[s as usize].live = false;
        self.free_sessions.push(s);
    }

    /// A session issues its next request.
    #[inline(always)]
    pub(crate) fn issue(&mut self, s: u32) {
        let sess = self.sessions[s as usize];
        if !sess.live {
            return;
        }
        if sess.lost {
            self.free_session(s);
            return;
        }
        let t = &self.cfg.traffic;
        let mut mix = self.rng_clients.keyed(sess.key, purpose::MIX);
        let write = mix.chance(t.write_share);
        let idem = !write && mix.chance(t.idempotent_share);
        let r = Req {
            session: s,
            hop: 0,
            start: self.now,
            queued_at: self.now,
            extra: 0,
            write,
            idem,
            lb_retried: false,
            attempts: 0,
            prev_site: NONE,
            prev_comp: NONE,
            entry: NONE,
            node: NONE,
            svc_epoch: 0,
        };
        if write {
            self.metrics.writes_attempted += 1;
        }
        let id = if let Some(id) = self.free_reqs.pop() {
            self.reqs[id as usize] = r;
            id
        } else {
            self.reqs.push(r);
            (self.reqs.len() - 1) as u32
        };
        self.enter(id);
    }

    /// Global routing: which entry a session's request goes to.
    #[inline(always)]
    pub(crate) fn enter(&mut self, req: u32) {
        let s = self.reqs[req as usize].session as usize;
        let n_entries = self.cfg.entries.len() as u32;
        if n_entries == 0 {
            self.fail(req, Cause::NoHealthyBackend, NONE);
            return;
        }
        let entry = match self.cfg.routing.clone() {
            RoutingCfg::Single => {
                if !self.sessions[s].resolved {
                    if self.dns_down > 0 {
                        self.fail(req, Cause::DnsFailure, self.dns_inc);
                        return;
                    }
                    self.sessions[s].resolved = true;
                    self.sessions[s].entry = self.single_entry;
                }
                self.sessions[s].entry
            }
            RoutingCfg::Dns {
                ttl,
                stale_for,
                active_active,
                ..
            } => {
                let sess = self.sessions[s];
                if !sess.resolved || sess.dns_exp <= self.now {
                    if self.dns_down > 0 {
                        self.fail(req, Cause::DnsFailure, self.dns_inc);
                        return;
                    }
                    let Some(e) = self.pick_entry(active_active, sess.key) else {
                        self.fail(req, Cause::SiteDown, self.any_site_inc());
                        return;
                    };
                    let keep = if sess.stale { ttl.max(stale_for) } else { ttl };
                    let ss = &mut self.sessions[s];
                    ss.resolved = true;
                    ss.entry = e;
                    ss.dns_exp = self.now + keep;
                }
                self.sessions[s].entry
            }
            RoutingCfg::Bgp { active_active, .. } => {
                let cur = self.sessions[s].entry;
                if cur == NONE || !self.listed[cur as usize] {
                    let Some(e) = self.pick_entry(active_active, self.sessions[s].key) else {
                        self.fail(req, Cause::SiteDown, self.any_site_inc());
                        return;
                    };
                    self.sessions[s].entry = e;
                }
                self.sessions[s].entry
            }
        };
        let comp = self.cfg.entries[entry as usize];
        let site = self.cfg.components[comp as usize].site;
        if let Some(st) = self.sites.get(site as usize) {
            if st.down > 0 {
                let cause = if matches!(self.cfg.routing, RoutingCfg::Dns { .. })
                    && !self.listed[entry as usize]
                {
                    Cause::DnsStale
                } else {
                    Cause::SiteDown
                };
                self.fail(req, cause, st.inc);
                return;
            }
        }
        self.reqs[req as usize].entry = entry;
        self.advance(req, entry);
    }

    /// A listed entry: the first, or (active-active) one drawn with the session's `key`.
    fn pick_entry(&mut self, active_active: bool, key: u64) -> Option<u32> {
        let listed: u32 = self.listed.iter().filter(|l| **l).count() as u32;
        if listed == 0 {
            return None;
        }
        let k = if active_active {
            self.rng_clients.keyed(key, purpose::ENTRY).below(listed)
        } else {
            0
        };
        self.listed
            .iter()
            .enumerate()
            .filter(|(_, l)| **l)
            .nth(k as usize)
            .map(|(i, _)| i as u32)
    }
}
