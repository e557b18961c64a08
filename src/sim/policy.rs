//! The decisions both fidelities share, written once: LB eligibility, the effective hit ratio
//! of a cache, a station's service time with the session-replication cost, the order of
//! standbys, what a dead pair member means for a request, and the light view of a kind.

use super::config::*;
use super::entities::{DbState, Node};
use super::metrics::Cause;

/// The hit ratio of a cache with `alive` of `total` nodes up: a replicated cache keeps its
/// ratio while one node lives; a partitioned one loses the share of the dead nodes' keys.
pub(crate) fn effective_hit_ratio(hit: f64, replicated: bool, alive: u32, total: u32) -> f64 {
    if total == 0 {
        0.0
    } else if replicated {
        if alive > 0 {
            hit
        } else {
            0.0
        }
    } else {
        hit * f64::from(alive) / f64::from(total)
    }
}

/// Per-component constants derived from the configuration (which never changes during a run),
/// read on the request path instead of matching on `KindCfg` and recomputing per request.
#[derive(Clone, Copy)]
pub(crate) struct Station {
    /// Mean service time in µs, replication cost included.
    pub mean: f64,
    /// `capacity.workers`, at least 1.
    pub workers: u32,
    pub queue_limit: u32,
    pub site: u32,
    pub light: Light,
    pub is_db: bool,
    pub is_cache: bool,
    /// Web, app or store: a tier whose LB may retry an injected error.
    pub retry_tier: bool,
    /// `router.sticky`, `router.algorithm` and `router.retry_idempotent`.
    pub sticky: bool,
    pub algo: Algo,
    pub retry_idempotent: bool,
    /// The session replication of an app cluster (`None` for every other kind).
    pub repl: Option<Repl>,
}

impl Station {
    pub(crate) fn new(c: &ComponentCfg, count: u32) -> Station {
        Station {
            mean: service_mean(c, count),
            workers: c.capacity.workers.max(1),
            queue_limit: c.capacity.queue_limit,
            site: c.site,
            light: c.kind.clone_light(),
            is_db: matches!(c.kind, KindCfg::Database(_)),
            is_cache: matches!(c.kind, KindCfg::Cache { .. }),
            retry_tier: matches!(
                c.kind,
                KindCfg::Web | KindCfg::App { .. } | KindCfg::Store { .. }
            ) && c.router.retry_idempotent,
            sticky: c.router.sticky,
            algo: c.router.algorithm,
            retry_idempotent: c.router.retry_idempotent,
            repl: match c.kind {
                KindCfg::App { replication, .. } => Some(replication),
                _ => None,
            },
        }
    }
}

/// Whether the LB may send a request to node `nd`: serving, marked up by its health checks,
/// not taken out; a new session never goes to a drained node.
#[inline(always)]
pub(crate) fn lb_eligible(nd: &Node, new_session: bool) -> bool {
    nd.serving && nd.marked_up && !nd.admin_down && !(new_session && nd.drained)
}

/// A component's mean service time in µs (before a node's added latency): an app cluster pays
/// `cost` per copy of a session (one for a buddy, every other node for `all`).
pub(crate) fn service_mean(c: &ComponentCfg, count: u32) -> f64 {
    let mut mean = c.capacity.service as f64;
    if let KindCfg::App { replication, cost } = c.kind {
        let copies = match replication {
            Repl::None => 0.0,
            Repl::Buddy => 1.0,
            Repl::All => f64::from(count.saturating_sub(1)),
        };
        mean *= 1.0 + cost.max(0.0) * copies;
    }
    mean
}

/// The standby kind of database node `k` (the primary's entry, and a missing one, is hot).
pub(crate) fn standby_of(db: &DbState, k: u32) -> StandbyKind {
    db.standby
        .get(k as usize)
        .copied()
        .unwrap_or(StandbyKind::Hot)
}

/// Why a request to a pair whose active member is dead fails: inside the takeover window while
/// the other member lives, else nothing can serve it.
#[inline(always)]
pub(crate) fn pair_dead_cause(other_alive: bool, takeover_pending: bool) -> Cause {
    if other_alive && takeover_pending {
        Cause::DetectionWindow
    } else {
        Cause::NoHealthyBackend
    }
}

/// A cheap copy of what routing needs to know about a component's kind.
#[derive(Clone, Copy)]
pub(crate) enum Light {
    Tier,
    Pair,
    Db,
    Cache(f64, bool),
    Skip,
}

impl KindCfg {
    pub(crate) fn clone_light(&self) -> Light {
        match self {
            KindCfg::LoadBalancer { pair: true, .. } | KindCfg::Queue { standby: true, .. } => {
                Light::Pair
            }
            KindCfg::LoadBalancer { .. } => Light::Pair,
            KindCfg::Database(_) => Light::Db,
            KindCfg::Cache {
                hit_ratio,
                replicated,
            } => Light::Cache(*hit_ratio, *replicated),
            KindCfg::Store { embedded: true } => Light::Skip,
            _ => Light::Tier,
        }
    }
}
