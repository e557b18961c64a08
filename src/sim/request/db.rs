//! Request level, databases: synchronous round trips, the availability and fencing check of a
//! request, the acknowledged-writes log and the writes it loses when a primary is replaced.

use super::super::config::*;
use super::super::metrics::Cause;
use super::super::state::World;
use super::super::time::Time;

impl World {
    pub(crate) fn sync_rtt(&self, c: usize) -> Time {
        let KindCfg::Database(db) = &self.cfg.components[c].kind else {
            return 0;
        };
        if !db.sync {
            return 0;
        }
        let cs = &self.comps[c];
        let p = self.nodes[(cs.first + cs.db.primary) as usize].site;
        (0..cs.count)
            .filter(|k| *k != cs.db.primary && self.nodes[(cs.first + k) as usize].alive())
            .map(|k| {
                2 * self
                    .cfg
                    .latency(p, self.nodes[(cs.first + k) as usize].site)
            })
            .max()
            .unwrap_or(0)
    }

    #[inline(always)]
    pub(crate) fn db_check(&self, c: usize, write: bool) -> Result<(), (Cause, u32)> {
        let db = &self.comps[c].db;
        if !db.available || db.switching {
            return Err((Cause::DatabaseUnavailable, db.inc));
        }
        if write {
            if db.full > 0 {
                return Err((Cause::DatabaseUnavailable, db.full_inc));
            }
            if let KindCfg::Database(cfg) = &self.cfg.components[c].kind {
                if cfg.sync {
                    if let Some(inc) = self.repl_cut(c) {
                        let fenced = match (cfg.fence, db.cut_since) {
                            (Some(f), Some(since)) => self.now >= since.saturating_add(f),
                            _ => false,
                        };
                        if !fenced {
                            return Err((Cause::Partition, inc));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn record_write(&mut self, c: usize) {
        let now = self.now;
        let Some(cfg) = self.db_cfg(c) else { return };
        let lag = cfg.lag;
        let backup = cfg.backup_interval.max(1);
        let sync = cfg.sync;
        let db = &mut self.comps[c].db;
        let epoch = now / backup;
        if epoch != db.backup_epoch {
            db.backup_epoch = epoch;
            db.since_backup = 0;
        }
        if db.since_backup == 0 {
            db.oldest_since_backup = now;
        }
        db.since_backup += 1;
        if !sync {
            db.acks.push_back(now);
            let keep_from = match db.cut_since {
                Some(t) => t.min(now.saturating_sub(lag)),
                None => now.saturating_sub(lag),
            };
            while db.acks.front().is_some_and(|t| *t < keep_from) {
                db.acks.pop_front();
            }
        }
    }

    /// Writes lost when the primary is replaced by a replica of kind `standby` at `now`.
    pub(crate) fn lost_writes(&self, c: usize, standby: StandbyKind, at: Time) -> (u64, Time) {
        let Some(cfg) = self.db_cfg(c) else {
            return (0, 0);
        };
        let lag = cfg.lag;
        let sync = cfg.sync;
        let backup = cfg.backup_interval.max(1);
        let db = &self.comps[c].db;
        if standby == StandbyKind::Cold {
            if at / backup != db.backup_epoch || db.since_backup == 0 {
                return (0, 0);
            }
            return (db.since_backup, at - db.oldest_since_backup);
        }
        if sync {
            return (0, 0);
        }
        let cutoff = match db.cut_since {
            Some(t) => t.min(at.saturating_sub(lag)),
            None => at.saturating_sub(lag),
        };
        let mut n = 0;
        let mut oldest = at;
        for t in db.acks.iter().rev() {
            if *t <= cutoff {
                break;
            }
            n += 1;
            oldest = *t;
        }
        (n, at - oldest)
    }
}
