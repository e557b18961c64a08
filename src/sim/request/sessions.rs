//! Request level, sessions held by app nodes: orphaned when their node dies, lost at their next
//! request unless a replica survived, moved away when their node is drained.

use super::super::config::*;
use super::super::metrics::Loss;
use super::super::state::{Orphan, World};

impl World {
    /// Sessions held by a dead app node: their users do not know yet. Each keeps its home (a
    /// sticky LB sends its requests there until the health checks mark the node down) and
    /// remembers whether a replica survived; the next request that reaches a live node takes
    /// it over or finds no state (`resume`).
    pub(crate) fn lose_sessions(&mut self, n: u32, inc: u32, loss: Loss) {
        let c = self.nodes[n as usize].comp as usize;
        let KindCfg::App { replication, .. } = self.cfg.components[c].kind else {
            return;
        };
        for s in 0..self.sessions.len() {
            let sess = self.sessions[s];
            if !sess.live || sess.lost || sess.home != n || sess.orphan != Orphan::No {
                continue;
            }
            let survivor = match replication {
                Repl::None => false,
                Repl::Buddy => sess.buddy != NONE && self.nodes[sess.buddy as usize].alive(),
                Repl::All => {
                    let cs = &self.comps[c];
                    (0..cs.count)
                        .map(|k| cs.first + k)
                        .any(|m| m != n && self.nodes[m as usize].alive())
                }
            };
            // with `cross_site`, the other site holds a synchronous copy
            self.sessions[s].orphan = if survivor || self.cfg.components[c].cross_site_sessions {
                Orphan::Kept
            } else {
                Orphan::Lost(loss, inc)
            };
        }
    }

    /// A request of a session whose home died reached live node `node`: the session moves
    /// there with its replicated state, or, with none, is lost now and its user starts a new
    /// one on this node (counted as a new session).
    #[inline(never)]
    pub(crate) fn resume(&mut self, s: usize, node: u32, replication: Repl) {
        if let Orphan::Lost(loss, inc) = self.sessions[s].orphan {
            self.metrics.session_lost(self.now, loss, inc);
            self.metrics.sessions_started += 1;
        }
        self.sessions[s].orphan = Orphan::No;
        self.sessions[s].home = node;
        self.sessions[s].buddy = if replication == Repl::Buddy {
            self.buddy_of(node)
        } else {
            NONE
        };
    }

    /// Does a live session still have its home on one of these nodes?
    pub(crate) fn has_sessions(&self, nodes: &[u32]) -> bool {
        self.sessions.iter().any(|s| {
            s.live && !s.lost && s.orphan == Orphan::No && s.home != NONE && nodes.contains(&s.home)
        })
    }

    /// Draining: a replicated session moves to a node that is not being drained (its state is
    /// already there or is copied on the way); an unreplicated one stays to finish or be lost.
    pub(crate) fn migrate_sessions(&mut self, n: u32) {
        let c = self.nodes[n as usize].comp as usize;
        let KindCfg::App { replication, .. } = self.cfg.components[c].kind else {
            return;
        };
        if replication == Repl::None {
            return;
        }
        let cs = &self.comps[c];
        let targets: Vec<u32> = (0..cs.count)
            .map(|k| cs.first + k)
            .filter(|m| {
                let nd = &self.nodes[*m as usize];
                nd.alive() && nd.serving && !nd.drained && nd.marked_up
            })
            .collect();
        if targets.is_empty() {
            return;
        }
        let mut i = 0usize;
        for s in 0..self.sessions.len() {
            let sess = self.sessions[s];
            if !sess.live || sess.lost || sess.home != n || sess.orphan != Orphan::No {
                continue;
            }
            let home = if sess.buddy != NONE && targets.contains(&sess.buddy) {
                sess.buddy
            } else {
                i += 1;
                targets[i % targets.len()]
            };
            self.sessions[s].home = home;
            self.sessions[s].buddy = if replication == Repl::Buddy {
                self.buddy_of(home)
            } else {
                NONE
            };
        }
    }
}
