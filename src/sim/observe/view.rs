//! A node's state as the trace shows it, from the world's state alone (and its last recorded
//! state): up, suspected, down, standby, promoting, draining, recovering or degraded, and why.

use super::super::config::*;
use super::super::state::{CompState, Node, World};
use super::super::time::Time;
use super::super::trace::{NodeState, Why};

/// A node's state at time `t` (≥ `w.now`, before the next event), given its last recorded
/// state, and the time its state changes by itself, if it does.
pub(super) fn view(
    w: &World,
    n: u32,
    t: Time,
    prev: Option<(NodeState, Why)>,
) -> (NodeState, Why, Option<Time>) {
    let nd = &w.nodes[n as usize];
    let c = nd.comp as usize;
    let degraded = if nd.err_rate > 0.0 {
        Some(Why::Errors)
    } else if nd.added > 0 {
        Some(Why::Latency)
    } else if nd.leak.is_some() {
        Some(Why::Leak)
    } else {
        None
    };
    let x = View {
        w,
        nd,
        cs: &w.comps[c],
        t,
        prev,
        site_down: w.sites.get(nd.site as usize).is_some_and(|s| s.down > 0),
        degraded,
    };
    match &w.cfg.components[c].kind {
        KindCfg::Database(db) => view_db(&x, db),
        kind @ (KindCfg::LoadBalancer { .. } | KindCfg::Queue { standby: true, .. }) => {
            view_pair(&x, kind)
        }
        _ => view_tier(&x),
    }
}

/// What [`view`] looks at.
#[derive(Clone, Copy)]
struct View<'a> {
    w: &'a World,
    nd: &'a Node,
    cs: &'a CompState,
    t: Time,
    prev: Option<(NodeState, Why)>,
    site_down: bool,
    degraded: Option<Why>,
}

impl View<'_> {
    /// A node that serves: up, or degraded by an injected error, latency or leak.
    fn fine(&self, why: Why) -> (NodeState, Why, Option<Time>) {
        match self.degraded {
            Some(d) => (NodeState::Degraded, d, None),
            None => (NodeState::Up, why, None),
        }
    }
}

/// A database node: the primary, the replica a failover or switchover picks, or a replica.
fn view_db(x: &View, db: &DbCfg) -> (NodeState, Why, Option<Time>) {
    use NodeState::*;
    let View {
        w,
        nd,
        cs,
        t,
        prev,
        site_down,
        ..
    } = *x;
    let fine = |why| x.fine(why);
    let primary = cs.db.primary;
    let decide_at = w.nodes[(cs.first + primary) as usize]
        .down_since
        .saturating_add(db.detection + db.manual.unwrap_or(0));
    let primary_dead = !w.nodes[(cs.first + primary) as usize].alive();
    let failing_over = primary_dead && cs.db.pending && !cs.db.corrupt;
    if nd.local == primary {
        if !nd.alive() {
            if site_down {
                return (Down, Why::SiteDown, None);
            }
            if failing_over && t < decide_at {
                return (Suspected, Why::PrimaryNotAnswering, Some(decide_at));
            }
            return (
                Down,
                if failing_over {
                    Why::FailedOver
                } else {
                    Why::Crashed
                },
                None,
            );
        }
        if nd.hung > 0 {
            return (Down, Why::Hung, None);
        }
        if cs.db.corrupt {
            return if cs.db.available {
                (Degraded, Why::Corrupt, None)
            } else {
                (Recovering, Why::RestoringBackup, None)
            };
        }
        if cs.db.switching {
            return (Draining, Why::HandingOver, None);
        }
        return fine(Why::Primary);
    }
    if !nd.alive() {
        if let Some((Down, why)) = prev {
            // a failed-over primary stays down for the reason it went down
            return (Down, why, None);
        }
        return (
            Down,
            if site_down {
                Why::SiteDown
            } else {
                Why::Crashed
            },
            None,
        );
    }
    if nd.hung > 0 {
        return (Down, Why::Hung, None);
    }
    // The replica a failover or switchover picks (as the engine does).
    let target = w.best_replica(nd.comp as usize).map(|(k, _)| k);
    if target == Some(nd.local) {
        if failing_over {
            if t < decide_at {
                return (Standby, Why::Replica, Some(decide_at));
            }
            let kind = cs.db.standby.get(nd.local as usize).copied();
            return match kind {
                Some(StandbyKind::Cold) => (Recovering, Why::RestoringBackup, None),
                Some(StandbyKind::Warm) if t < decide_at.saturating_add(db.catchup) => (
                    Recovering,
                    Why::CatchingUp,
                    Some(decide_at.saturating_add(db.catchup)),
                ),
                _ => (Promoting, Why::PromotingReplica, None),
            };
        }
        if cs.db.switching && !cs.db.corrupt {
            // a planned switch takes the first live replica
            let first =
                (0..cs.count).find(|k| *k != primary && w.nodes[(cs.first + k) as usize].alive());
            if first == Some(nd.local) {
                return (Promoting, Why::PlannedSwitchover, None);
            }
        }
    } else if cs.db.switching && !cs.db.corrupt {
        let first =
            (0..cs.count).find(|k| *k != primary && w.nodes[(cs.first + k) as usize].alive());
        if first == Some(nd.local) {
            return (Promoting, Why::PlannedSwitchover, None);
        }
    }
    (Standby, Why::Replica, None)
}

/// A member of a pair (LB pair, broker with a standby): active or passive.
fn view_pair(x: &View, kind: &KindCfg) -> (NodeState, Why, Option<Time>) {
    use NodeState::*;
    let View {
        w,
        nd,
        cs,
        t,
        site_down,
        ..
    } = *x;
    let fine = |why| x.fine(why);
    let detect = match *kind {
        KindCfg::LoadBalancer {
            heartbeat, misses, ..
        } => heartbeat * u64::from(misses),
        _ => 0,
    };
    let active = cs.active.min(cs.count.saturating_sub(1));
    let an = &w.nodes[(cs.first + active) as usize];
    let detect_at = an.down_since.saturating_add(detect);
    let taking_over = !an.alive() && cs.takeover_pending;
    if nd.local == active {
        if !nd.alive() {
            if site_down {
                return (Down, Why::SiteDown, None);
            }
            if taking_over && t < detect_at {
                return (Suspected, Why::HeartbeatsMissing, Some(detect_at));
            }
            return (Down, Why::Crashed, None);
        }
        if nd.hung > 0 {
            return (Down, Why::Hung, None);
        }
        return fine(if cs.count > 1 {
            Why::Active
        } else {
            Why::Serving
        });
    }
    if !nd.alive() {
        return (
            Down,
            if site_down {
                Why::SiteDown
            } else {
                Why::Crashed
            },
            None,
        );
    }
    if taking_over {
        if t < detect_at {
            return (Standby, Why::Passive, Some(detect_at));
        }
        return (Promoting, Why::TakingOverVip, None);
    }
    (Standby, Why::Passive, None)
}

/// A node of a tier behind a load balancer with health checks.
fn view_tier(x: &View) -> (NodeState, Why, Option<Time>) {
    use NodeState::*;
    let View {
        nd,
        prev,
        site_down,
        ..
    } = *x;
    let fine = |why| x.fine(why);
    // A tier behind a load balancer with health checks.
    if !nd.alive() {
        if site_down {
            return (Down, Why::SiteDown, None);
        }
        if nd.admin_down {
            return (Recovering, Why::Restarting, None);
        }
        if !nd.serving {
            return (Down, Why::Crashed, None);
        }
        return if nd.marked_up {
            (Suspected, Why::NotYetDetected, None)
        } else {
            (Down, Why::MarkedDown, None)
        };
    }
    if !nd.serving {
        return (Standby, Why::Spare, None);
    }
    if nd.hung > 0 {
        return if nd.marked_up {
            (Suspected, Why::HungNotYetDetected, None)
        } else {
            (Down, Why::Hung, None)
        };
    }
    if !nd.marked_up {
        let spare = matches!(
            prev,
            Some((Standby, Why::Spare)) | Some((Promoting, Why::SpareStarting))
        );
        return if spare {
            (Promoting, Why::SpareStarting, None)
        } else {
            (Recovering, Why::AwaitingHealthChecks, None)
        };
    }
    if nd.drained {
        return (Draining, Why::Maintenance, None);
    }
    fine(Why::Serving)
}
