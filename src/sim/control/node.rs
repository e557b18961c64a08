//! Control plane, a node going down for one more reason or coming back: what the node, its
//! component, its pair or database and global routing see, and the data plane's hooks.

use super::super::config::*;
use super::super::metrics::Loss;
use super::super::state::World;

impl World {
    fn track_alive(&mut self, c: usize, delta: i32) {
        let now = self.now;
        let cs = &mut self.comps[c];
        let k = cs.alive as usize;
        if let Some(t) = cs.up_time.get_mut(k) {
            *t += now - cs.last_change;
        }
        cs.last_change = now;
        cs.alive = (cs.alive as i64 + i64::from(delta)).clamp(0, i64::from(cs.count)) as u32;
    }

    /// A node goes down for one more reason.
    pub fn node_down(&mut self, n: u32, inc: u32, loss: Loss) {
        let nd = &mut self.nodes[n as usize];
        nd.down += 1;
        if nd.down > 1 {
            return;
        }
        nd.inc = inc;
        nd.down_since = self.now;
        nd.svc_epoch += 1;
        let in_flight = u64::from(nd.busy) + nd.queue.len() as u64;
        nd.busy = 0;
        nd.leak = None;
        let c = nd.comp as usize;
        if let KindCfg::Queue {
            persistent: false, ..
        } = self.cfg.components[c].kind
        {
            // a non-persistent broker loses the messages it held
            self.metrics.messages_lost += in_flight;
        }
        self.comps[c].last_inc = inc;
        self.track_alive(c, -1);
        self.plane_drop_queued(n, inc);
        self.health_changed(n);
        self.plane_node_down(n, inc, loss);
        let local = self.nodes[n as usize].local;
        match &self.cfg.components[c].kind {
            KindCfg::Database(_) if local == self.comps[c].db.primary => {
                self.db_primary_lost(c, inc, false);
            }
            KindCfg::LoadBalancer { pair: true, .. } | KindCfg::Queue { standby: true, .. }
                if local == self.comps[c].active =>
            {
                self.schedule_takeover(c);
            }
            _ => {}
        }
        self.path_changed(c as u32);
    }

    /// One reason for a node being down ends.
    pub fn node_up(&mut self, n: u32) {
        let nd = &mut self.nodes[n as usize];
        if nd.down == 0 {
            return;
        }
        nd.down -= 1;
        if nd.down > 0 {
            return;
        }
        let c = nd.comp as usize;
        self.track_alive(c, 1);
        self.health_changed(n);
        let local = self.nodes[n as usize].local;
        let inc = self.nodes[n as usize].inc;
        match &self.cfg.components[c].kind {
            KindCfg::Database(_) => {
                let db = &self.comps[c].db;
                if local == db.primary && !db.available && !db.pending && !db.corrupt {
                    self.comps[c].db.available = true;
                    let id = self.cfg.components[c].id.clone();
                    self.metrics.recovery_soft(
                        inc,
                        self.now,
                        format!("primary {id}#{local} came back"),
                    );
                }
            }
            KindCfg::LoadBalancer { pair: true, .. } | KindCfg::Queue { standby: true, .. } => {
                let cs = &self.comps[c];
                if !self.nodes[(cs.first + cs.active) as usize].alive() {
                    if cs.takeover_pending {
                        // the takeover in progress will pick it
                    } else {
                        self.comps[c].active = local;
                    }
                }
            }
            _ => {}
        }
        self.plane_node_up(n);
        self.path_changed(c as u32);
    }
}
