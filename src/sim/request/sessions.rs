//! Request level, sessions held by app nodes: lost when their node dies (unless a replica
//! survives), moved away when their node is drained.

use super::super::config::*;
use super::super::metrics::Loss;
use super::super::state::World;

impl World {
    /// Sessions held by a dead app node: lost unless a replica survives.
    pub(crate) fn lose_sessions(&mut self, n: u32, inc: u32, loss: Loss) {
        let c = self.nodes[n as usize].comp as usize;
        let KindCfg::App { replication, .. } = self.cfg.components[c].kind else {
            return;
        };
        let now = self.now;
        for s in 0..self.sessions.len() {
            let sess = self.sessions[s];
            if !sess.live || sess.lost || sess.home != n {
                continue;
            }
            let survivor = match replication {
                Repl::None => NONE,
                Repl::Buddy => {
                    if sess.buddy != NONE && self.nodes[sess.buddy as usize].alive() {
                        sess.buddy
                    } else {
                        NONE
                    }
                }
                Repl::All => {
                    let cs = &self.comps[c];
                    (0..cs.count)
                        .map(|k| cs.first + k)
                        .find(|m| *m != n && self.nodes[*m as usize].alive())
                        .unwrap_or(NONE)
                }
            };
            if survivor == NONE && self.cfg.components[c].cross_site_sessions {
                // the other site holds a synchronous copy: the next app cluster reached takes it
                self.sessions[s].home = NONE;
                self.sessions[s].buddy = NONE;
            } else if survivor == NONE {
                self.sessions[s].lost = true;
                self.metrics.session_lost(now, loss, inc);
            } else {
                self.sessions[s].home = survivor;
                self.sessions[s].buddy = NONE;
            }
        }
    }

    /// Does a live session still have its home on one of these nodes?
    pub(crate) fn has_sessions(&self, nodes: &[u32]) -> bool {
        self.sessions
            .iter()
            .any(|s| s.live && !s.lost && s.home != NONE && nodes.contains(&s.home))
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
            if !sess.live || sess.lost || sess.home != n {
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
