//! The entities of the world's state: nodes, components (with their database), sites, active
//! partitions, the request plane's sessions and requests, and the LB's cache of eligible nodes.
//! Data only.

use super::config::*;
use super::metrics::Loss;
use super::time::Time;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub struct Node {
    pub comp: u32,
    pub local: u32,
    pub site: u32,
    /// Number of active reasons it is down (crashes, site outage, restart...).
    pub down: u32,
    pub hung: u32,
    /// The LB's view.
    pub marked_up: bool,
    /// In the serving role (spares are not).
    pub serving: bool,
    /// Takes no new sessions.
    pub drained: bool,
    /// Planned down: the LB knows at once.
    pub admin_down: bool,
    /// Bumped on every health-relevant change (cancels pending detections).
    pub epoch: u32,
    /// Bumped on every crash (voids the requests it was serving).
    pub svc_epoch: u32,
    pub busy: u32,
    pub queue: VecDeque<u32>,
    pub err_rate: f64,
    pub err_inc: u32,
    pub added: Time,
    pub leak: Option<(Time, Time)>,
    pub inc: u32,
    pub down_since: Time,
}

impl Node {
    pub fn alive(&self) -> bool {
        self.down == 0
    }
}

#[derive(Clone, Debug, Default)]
pub struct CompState {
    pub first: u32,
    pub count: u32,
    pub rr: u32,
    /// Active member of a pair (local index).
    pub active: u32,
    pub last_inc: u32,
    pub takeover_epoch: u32,
    pub takeover_pending: bool,
    /// Time-weighted count of alive nodes: `up_time[k]` = µs with exactly k nodes alive.
    pub up_time: Vec<Time>,
    pub alive: u32,
    pub last_change: Time,
    pub served: u64,
    /// Integer µs (exact; an `f64` sum of integers would be too, up to 2^53).
    pub wait_sum_us: u128,
    pub db: DbState,
}

/// The writes at risk since the primary was lost, by what would replace it.
#[derive(Clone, Copy, Debug, Default)]
pub struct AtRisk {
    /// A hot or warm replica: the writes inside the replication lag (none when synchronous).
    pub replica: (u64, Time),
    /// A cold standby: the writes since the last backup.
    pub backup: (u64, Time),
}

#[derive(Clone, Debug, Default)]
pub struct DbState {
    pub primary: u32,
    pub available: bool,
    pub corrupt: bool,
    pub switching: bool,
    pub epoch: u32,
    pub pending: bool,
    pub inc: u32,
    pub standby: Vec<StandbyKind>,
    pub acks: VecDeque<Time>,
    pub backup_epoch: u64,
    pub since_backup: u64,
    pub oldest_since_backup: Time,
    pub cut_since: Option<Time>,
    /// The writes a replica or a backup would lack, taken when the primary was lost (as writes
    /// and RPO): charged only when a new primary without them takes over, never when the
    /// promotion aborts and the old primary comes back with its data.
    pub at_risk: AtRisk,
    /// Disk-full faults in force (writes fail while > 0), and the incident of the latest.
    pub full: u32,
    pub full_inc: u32,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Session {
    /// The key of its current request's draws (`rng::Keyed`): drawn from the arrival stream when
    /// it starts, then one `GOLDEN` step per request, so its every client-side draw is a
    /// function of (its key, its request number) only (common random numbers).
    pub key: u64,
    pub live: bool,
    pub lost: bool,
    pub entry: u32,
    pub dns_exp: Time,
    pub resolved: bool,
    pub stale: bool,
    pub home: u32,
    pub buddy: u32,
    /// Its home node died and the user does not know yet (see [`Orphan`]).
    pub orphan: Orphan,
}

/// A session whose home node died: its user keeps sending requests (to the dead node while the
/// LB still lists it); the next request that reaches a live node finds the state or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orphan {
    /// Its home is alive (or it has none).
    #[default]
    No,
    /// A replica survived the crash: the node the next request reaches takes the session over.
    Kept,
    /// No copy survived: the next request reaching a live node finds no state, the session is
    /// counted lost there (the loss and incident of the crash) and its user starts again.
    Lost(Loss, u32),
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Req {
    pub session: u32,
    pub hop: u32,
    pub start: Time,
    pub queued_at: Time,
    pub extra: Time,
    pub write: bool,
    pub idem: bool,
    pub lb_retried: bool,
    pub attempts: u32,
    pub prev_site: u32,
    pub prev_comp: u32,
    /// The entry `enter` routed it to (its session's entry then; a session has one request in
    /// flight, and only `enter` changes a session's entry).
    pub entry: u32,
    /// The node serving it and that node's `svc_epoch` when service started (read by its
    /// `ServiceDone`: a request is in service at one node at a time).
    pub node: u32,
    pub svc_epoch: u32,
}

#[derive(Clone, Debug)]
pub struct ActivePartition {
    pub fault: u32,
    pub a: u32,
    pub b: u32,
    pub one_way: bool,
    pub comp: u32,
    pub inc: u32,
}

#[derive(Clone, Debug, Default)]
pub struct SiteState {
    pub down: u32,
    pub inc: u32,
    pub admin_out: bool,
}

/// The nodes a tier's LB would choose from for a request with no node excluded, in the order
/// `pick` enumerates them (the nodes open to new sessions, or all usable ones when none is).
#[derive(Clone, Debug, Default)]
pub(crate) struct EligCache {
    pub(crate) gen: u64,
    pub(crate) alt: u32,
    pub(crate) nodes: Vec<u32>,
}

/// Which data plane carries the traffic of a run (from [`Fidelity`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataPlane {
    Request,
    Flow,
}

impl From<Fidelity> for DataPlane {
    fn from(f: Fidelity) -> DataPlane {
        match f {
            Fidelity::Request => DataPlane::Request,
            Fidelity::Flow => DataPlane::Flow,
        }
    }
}
