//! Databases: replication, detection, failover and the replicas' failure domains, checked and
//! emitted as the engine's database configuration.

use super::limits::*;
use super::Checker;
use crate::scenario::format::*;
use crate::scenario::problem::Location;
use crate::sim::config::*;

impl<'a> Checker<'a> {
    pub(super) fn database(
        &mut self,
        p: &Location,
        c: &'a Component,
        d: &Database,
        cfg: &mut ComponentCfg,
    ) {
        cfg.capacity = self.capacity(p, &d.capacity);
        let lag = self.dur0(p.child("lag"), &d.lag);
        let (interval, misses) = self.heartbeat(&p.child("detection"), &d.detection);
        let manual_response = self.dur0(p.child("manual_response"), &d.manual_response);
        let promotion = self.dur0(p.child("promotion"), &d.promotion);
        let catchup = self.dur0(p.child("catchup"), &d.catchup);
        let restore = self.dur0(p.child("restore"), &d.restore);
        let backup_interval = if d.replicas.iter().any(|r| r.standby == Standby::Cold) {
            self.dur_pos1(p.child("backup_interval"), &d.backup_interval)
        } else {
            self.dur0(p.child("backup_interval"), &d.backup_interval)
        };
        let fence = d
            .fence_unreachable
            .as_ref()
            .map(|f| self.dur0(p.child("fence_unreachable"), f));
        if d.replicas.len() > MAX_REPLICAS {
            self.err(
                p.child("replicas"),
                format!("the limit is {MAX_REPLICAS} replicas"),
            );
        }
        let site = cfg.site;
        // A replica in its primary's site is only a warning when no replica is elsewhere.
        let elsewhere = d
            .replicas
            .iter()
            .any(|r| r.site.is_some() && r.site.as_deref() != c.site.as_deref());
        let replicas: Vec<ReplicaCfg> = d
            .replicas
            .iter()
            .take(MAX_REPLICAS)
            .enumerate()
            .map(|(j, r)| ReplicaCfg {
                site: self
                    .replica_site(&p.child("replicas").index(j), c, elsewhere, r)
                    .unwrap_or(site),
                standby: match r.standby {
                    Standby::Hot => StandbyKind::Hot,
                    Standby::Warm => StandbyKind::Warm,
                    Standby::Cold => StandbyKind::Cold,
                },
            })
            .collect();
        cfg.nodes = 1 + replicas.len() as u32;
        cfg.kind = KindCfg::Database(DbCfg {
            replicas,
            sync: d.replication == ReplicationMode::Sync,
            lag,
            detection: interval.saturating_mul(u64::from(misses)),
            manual: (d.failover == FailoverMode::Manual).then_some(manual_response),
            promotion,
            catchup,
            restore,
            backup_interval,
            fence,
        });
    }

    /// The site of a replica (`None`: its primary's), with a warning when a site outage would
    /// take it with its primary (only when no replica is elsewhere).
    fn replica_site(
        &mut self,
        rp: &Location,
        c: &'a Component,
        elsewhere: bool,
        r: &Replica,
    ) -> Option<u32> {
        match (&r.site, &c.site) {
            (Some(rs), Some(ps)) => {
                let found = self.site_ref(rp.child("site"), rs);
                if found.is_some() && rs == ps && !elsewhere {
                    self.warn_about(
                        rp.child("site"),
                        format!("this replica is in the same site (`{rs}`) as its primary: a site outage takes both"),
                        &c.id,
                    );
                }
                found
            }
            (Some(rs), None) => {
                let found = self.site_ref(rp.child("site"), rs);
                if found.is_some() {
                    self.err_about(
                        rp.child("site"),
                        "the replica has a site but its primary (the database component) has none",
                        &c.id,
                    );
                }
                found
            }
            (None, Some(ps)) => {
                if !elsewhere {
                    self.warn_about(
                        rp.child("site"),
                        format!("no site given, so this replica is in its primary's site (`{ps}`): a site outage takes both"),
                        &c.id,
                    );
                }
                None
            }
            (None, None) => None,
        }
    }
}
