//! Request level, the walk of a request along its entry's path: network cuts and round trips,
//! caches, databases, pairs and tiers (the LB's pick is in `pick.rs`).
//!
//! `advance`, `send_to_node` and `session_at` are `#[inline(always)]` into the event loop, their
//! rare branches (`cache_hop`, `sent_to_dead`) `#[inline(never)]` (ARCHITECTURE.md, "The request
//! path is one loop").

use super::super::config::*;
use super::super::limits::MAX_HOPS;
use super::super::metrics::{Cause, Loss};
use super::super::policy::{effective_hit_ratio, pair_dead_cause, Light};
use super::super::state::{Orphan, World};
use super::super::topology::Hop;

impl World {
    /// Moves a request along its path until it queues somewhere, fails or is served.
    #[inline(always)]
    pub(crate) fn advance(&mut self, req: u32, entry: u32) {
        for _ in 0..MAX_HOPS {
            let hop_i = self.reqs[req as usize].hop as usize;
            let path = &self.paths[entry as usize];
            if hop_i >= path.len() {
                self.succeed(req);
                return;
            }
            let hop = path[hop_i];
            let c = hop.comp as usize;
            let st = &self.stations[c];
            let (site, kind) = (st.site, st.light);
            let r = &self.reqs[req as usize];
            let (prev_site, prev_comp, write) = (r.prev_site, r.prev_comp, r.write);
            // network between the previous hop and this one
            if prev_site != NONE && site != NONE && prev_site != site {
                if let Some(inc) = self.cut(prev_site, site, prev_comp, hop.comp) {
                    self.fail(req, Cause::Partition, inc);
                    return;
                }
                let rtt = 2 * self.cfg.latency(prev_site, site);
                self.reqs[req as usize].extra += rtt;
            }
            match kind {
                Light::Skip => {
                    self.reqs[req as usize].hop += 1;
                    continue;
                }
                Light::Cache(hit_ratio, replicated) => {
                    if self.cache_hop(req, c, hit_ratio, replicated, write) {
                        return;
                    }
                    self.reqs[req as usize].hop += 1;
                    continue;
                }
                Light::Db => {
                    if let Err((cause, inc)) = self.db_check(c, write) {
                        self.fail(req, cause, inc);
                        return;
                    }
                    let primary = self.comps[c].db.primary;
                    let node = self.comps[c].first + primary;
                    if write {
                        let extra = self.sync_rtt(c);
                        self.reqs[req as usize].extra += extra;
                    }
                    self.enqueue(req, node);
                    return;
                }
                Light::Pair => {
                    let cs = &self.comps[c];
                    let node = cs.first + cs.active.min(cs.count.saturating_sub(1));
                    if cs.count == 0 {
                        self.fail(req, Cause::NoHealthyBackend, NONE);
                        return;
                    }
                    let nd = &self.nodes[node as usize];
                    if !nd.alive() {
                        let inc = nd.inc;
                        let other_alive =
                            (0..cs.count).any(|k| self.nodes[(cs.first + k) as usize].alive());
                        let cause = pair_dead_cause(other_alive, cs.takeover_pending);
                        self.fail(req, cause, inc);
                        return;
                    }
                    self.enqueue(req, node);
                    return;
                }
                Light::Tier => {
                    match self.pick(req, hop, NONE) {
                        Ok(node) => self.send_to_node(req, hop, node),
                        Err((cause, inc)) => self.fail(req, cause, inc),
                    }
                    return;
                }
            }
        }
        self.fail(req, Cause::NoHealthyBackend, NONE);
    }

    /// A cache on the path: a hit is served by a live cache node (true: the request is placed
    /// or failed); a miss or a write goes on along the path (false).
    #[inline(never)]
    fn cache_hop(
        &mut self,
        req: u32,
        c: usize,
        hit_ratio: f64,
        replicated: bool,
        write: bool,
    ) -> bool {
        let (alive, total) = self.alive_count(c);
        if alive == 0 && self.cfg.components[c].required {
            let inc = self.comps[c].last_inc;
            self.fail(req, Cause::NoHealthyBackend, inc);
            return true;
        }
        let eff = effective_hit_ratio(hit_ratio, replicated, alive, total);
        if !write && self.rng_svc[c].chance(eff) {
            // served by a live cache node, then skip the miss path
            let k = self.rng_svc[c].below(alive);
            let node = self.nth_alive(c, k);
            self.enqueue(req, node);
            return true;
        }
        false
    }

    /// Sends a request to a tier node chosen by the LB; handles the detection window and retries.
    #[inline(always)]
    pub(crate) fn send_to_node(&mut self, req: u32, hop: Hop, node: u32) {
        if !self.nodes[node as usize].alive() {
            self.sent_to_dead(req, hop, node);
            return;
        }
        self.session_at(req, hop, node);
        self.enqueue(req, node);
    }

    /// The LB sent a request to a dead node it has not marked down yet (the detection window):
    /// an idempotent request is retried once on another node, anything else fails.
    #[inline(never)]
    fn sent_to_dead(&mut self, req: u32, hop: Hop, node: u32) {
        let inc = self.nodes[node as usize].inc;
        let c = hop.comp as usize;
        let r = self.reqs[req as usize];
        if self.stations[c].retry_idempotent && r.idem && !r.lb_retried {
            self.reqs[req as usize].lb_retried = true;
            if let Ok(other) = self.pick(req, hop, node) {
                self.send_to_node(req, hop, other);
                return;
            }
        }
        self.fail(req, Cause::DetectionWindow, inc);
    }

    /// Session affinity bookkeeping when a request lands on an app node.
    #[inline(always)]
    fn session_at(&mut self, req: u32, hop: Hop, node: u32) {
        let c = self.nodes[node as usize].comp as usize;
        let Some(replication) = self.stations[c].repl else {
            return;
        };
        let s = self.reqs[req as usize].session as usize;
        let sess = self.sessions[s];
        if sess.lost {
            return;
        }
        if sess.orphan != Orphan::No {
            self.resume(s, node, replication);
            return;
        }
        if sess.home == node {
            return;
        }
        let same_cluster = sess.home != NONE && {
            let hc = self.nodes[sess.home as usize].comp;
            hc == hop.comp || hc == hop.alt
        };
        if same_cluster
            && replication == Repl::None
            && self.nodes[sess.home as usize].alive()
            && sess.home != node
        {
            // no affinity and no replica: the state is not on this node
            self.sessions[s].lost = true;
            let inc = self
                .metrics
                .open_incident(self.now)
                .map(|i| i as u32)
                .unwrap_or(NONE);
            self.metrics.session_lost(self.now, Loss::NoAffinity, inc);
            return;
        }
        self.sessions[s].home = node;
        self.sessions[s].buddy = if replication == Repl::Buddy {
            self.buddy_of(node)
        } else {
            NONE
        };
    }
}
