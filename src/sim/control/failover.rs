//! Control plane, failover: a pair's passive member taking over the virtual IP, a database
//! primary lost (the best live replica by `StandbyKind` order, the lost-write ledger) and the
//! promotion or restore that ends it.

use super::super::config::*;
use super::super::entities::AtRisk;
use super::super::event::StateEvent;
use super::super::state::World;
use super::super::time::secs;

impl World {
    pub(crate) fn schedule_takeover(&mut self, c: usize) {
        let delay = match self.cfg.components[c].kind {
            KindCfg::LoadBalancer {
                heartbeat,
                misses,
                takeover,
                ..
            } => heartbeat * u64::from(misses) + takeover,
            KindCfg::Queue { takeover, .. } => takeover,
            _ => 0,
        };
        let cs = &mut self.comps[c];
        cs.takeover_epoch += 1;
        cs.takeover_pending = true;
        let epoch = cs.takeover_epoch;
        self.schedule(
            self.now + delay,
            StateEvent::Takeover {
                comp: c as u32,
                epoch,
            },
        );
    }

    pub(crate) fn on_takeover(&mut self, comp: u32, epoch: u32) {
        let c = comp as usize;
        if self.comps[c].takeover_epoch != epoch {
            return;
        }
        self.comps[c].takeover_pending = false;
        let cs = &self.comps[c];
        if self.nodes[(cs.first + cs.active) as usize].alive() {
            return;
        }
        let other = (0..cs.count).find(|k| self.nodes[(cs.first + k) as usize].alive());
        if let Some(k) = other {
            let inc = self.nodes[(cs.first + cs.active) as usize].inc;
            let since = self.nodes[(cs.first + cs.active) as usize].down_since;
            self.comps[c].active = k;
            let id = self.cfg.components[c].id.clone();
            self.metrics.recovery(
                inc,
                self.now,
                format!(
                    "{id}#{k} took over the virtual IP after {:.1} s",
                    secs(self.now - since)
                ),
            );
        }
    }

    pub(crate) fn db_primary_lost(&mut self, c: usize, inc: u32, corrupt: bool) {
        let Some(cfg) = self.db_cfg(c).cloned() else {
            return;
        };
        let now = self.now;
        let best = self.best_replica(c);
        self.comps[c].db.available = false;
        self.comps[c].db.inc = inc;
        self.comps[c].db.epoch += 1;
        let epoch = self.comps[c].db.epoch;
        let decide = cfg.detection + cfg.manual.unwrap_or(0);
        if corrupt {
            // replicas copied the corruption: restore from the last backup
            let (n, rpo) = self.plane_lost_writes(c, StandbyKind::Cold, now);
            self.metrics.writes_lost(inc, n, rpo);
            self.comps[c].db.pending = true;
            self.schedule(
                now + decide + cfg.restore,
                StateEvent::DbPromote {
                    comp: c as u32,
                    epoch,
                },
            );
            return;
        }
        let Some((_, sk)) = best else {
            // no replica: wait for the primary to come back
            self.comps[c].db.pending = false;
            return;
        };
        // charged when a replica without them takes over (`on_db_promote`), not now: the
        // promotion may abort for lack of a live replica and the primary come back with them
        self.comps[c].db.at_risk = AtRisk {
            replica: self.plane_lost_writes(c, StandbyKind::Hot, now),
            backup: self.plane_lost_writes(c, StandbyKind::Cold, now),
        };
        let delay = decide
            + match sk {
                StandbyKind::Hot => cfg.promotion,
                StandbyKind::Warm => cfg.catchup + cfg.promotion,
                StandbyKind::Cold => cfg.restore,
            };
        self.comps[c].db.pending = true;
        self.schedule(
            now + delay,
            StateEvent::DbPromote {
                comp: c as u32,
                epoch,
            },
        );
    }

    pub(crate) fn on_db_promote(&mut self, comp: u32, epoch: u32) {
        let c = comp as usize;
        if self.comps[c].db.epoch != epoch || !self.comps[c].db.pending {
            return;
        }
        let now = self.now;
        let inc = self.comps[c].db.inc;
        let since = self
            .metrics
            .incidents
            .get(inc as usize)
            .map(|r| r.fault_at)
            .unwrap_or(now);
        let id = self.cfg.components[c].id.clone();
        if self.comps[c].db.corrupt {
            self.comps[c].db.corrupt = false;
            self.comps[c].db.available = true;
            self.comps[c].db.pending = false;
            self.comps[c].db.acks.clear();
            self.comps[c].db.since_backup = 0;
            self.metrics.recovery(
                inc,
                now,
                format!("restored {id} from backup after {:.1} s", secs(now - since)),
            );
            self.metrics.clear_incident(inc, now);
            self.path_changed(comp);
            return;
        }
        let primary = self.comps[c].db.primary;
        match self.best_replica(c) {
            Some((k, sk)) => {
                let risk = std::mem::take(&mut self.comps[c].db.at_risk);
                let (n, rpo) = if sk == StandbyKind::Cold {
                    risk.backup
                } else {
                    risk.replica
                };
                self.metrics.writes_lost(inc, n, rpo);
                let db = &mut self.comps[c].db;
                if let Some(s) = db.standby.get_mut(primary as usize) {
                    *s = StandbyKind::Hot;
                }
                db.primary = k;
                db.available = true;
                db.pending = false;
                db.acks.clear();
                db.cut_since = None;
                self.metrics.recovery(
                    inc,
                    now,
                    format!("promoted replica {id}#{k} after {:.1} s", secs(now - since)),
                );
                self.metrics.clear_incident(inc, now);
                self.update_cut_since(c);
                self.path_changed(comp);
            }
            None => {
                // aborted, no live replica: the database waits for its primary, which comes
                // back with its writes (nothing charged)
                self.comps[c].db.pending = false;
            }
        }
    }

    pub(crate) fn update_cut_since(&mut self, c: usize) {
        let cut = self.repl_cut(c).is_some();
        let db = &mut self.comps[c].db;
        if cut && db.cut_since.is_none() {
            db.cut_since = Some(self.now);
        } else if !cut {
            db.cut_since = None;
        }
    }
}
