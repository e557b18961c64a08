//! The flow plane's state: populations per node and per entry pool, cumulative counts, DNS
//! cohorts and the buffers of each evaluation. Data only.

use super::metrics::{Loss, NC, NL};
use super::time::Time;

#[derive(Clone, Debug, Default)]
pub struct FlowState {
    /// Integrated up to here.
    pub last: Time,
    /// Sessions homed on each node (app nodes only).
    pub pop: Vec<f64>,
    /// Per node: the part of its population homed there when it died, while their users do
    /// not know yet (until the LB marks it down or it comes back).
    pub stranded: Vec<Option<Stranded>>,
    /// Sessions without an app home, per entry: [normal clients, clients ignoring the TTL].
    pub pool: Vec<[f64; 2]>,
    /// Sessions that could not resolve the name (DNS down).
    pub unresolved: f64,
    /// When an entry was withdrawn from DNS (for the TTL decay of cached answers).
    pub withdrawn_at: Vec<Option<Time>>,
    pub cum_started: f64,
    pub cum_finished: f64,
    pub cum_lost: [f64; NL],
    pub cum_served: f64,
    pub cum_failed: [f64; NC],
    pub cum_writes: f64,
    pub cum_acked: f64,
    pub inc_failed: Vec<f64>,
    pub inc_lost: Vec<f64>,
    /// Acknowledged writes per µs at each database in the last segment.
    pub db_write_rate: Vec<f64>,
    /// Current availability window and series point, in requests.
    pub win_off: f64,
    pub win_srv: f64,
    pub ser_base: [f64; 2 + NC],
    pub ser_lost_base: f64,
    /// The first app hop of each entry's path (comp, alt).
    pub app_hop: Vec<Option<(u32, u32)>>,
    pub next_daily: Time,
    /// The databases on each entry's path.
    pub dbs_of_entry: Vec<Vec<u32>>,
    /// DNS: per entry, sessions that cached the answer before the outage, and when last decayed.
    pub old: Vec<[f64; 2]>,
    pub last_decay: Vec<Time>,
    /// DNS: when the pending decay tick is due (see `schedule_decay`).
    pub decay_at: Time,
    /// DNS: clients holding a fresh answer for a dead entry, per entry and kind: (expires,
    /// amount) in expiry order, at most `limits::DNS_MAX_COHORTS` + 1 per queue.
    pub cohorts: Vec<[std::collections::VecDeque<(Time, f64)>; 2]>,
    /// Buffers of each evaluation.
    pub eval: EvalScratch,
}

/// Sessions whose home node died: how many are left (they end as usual meanwhile), the share
/// whose state a replica kept, and the loss and incident their loss is charged to.
#[derive(Clone, Copy, Debug)]
pub struct Stranded {
    pub amount: f64,
    pub survive: f64,
    pub loss: Loss,
    pub inc: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Class {
    Node(u32),
    Pool(u32, u8),
    Unresolved,
}

/// Scratch vectors reused across walks (no allocation per class).
#[derive(Clone, Debug, Default)]
pub(crate) struct Bufs {
    pub(crate) elig: Vec<u32>,
    pub(crate) dist: Vec<(u32, f64)>,
    pub(crate) alive: Vec<u32>,
}

/// Buffers of `evaluate`, kept between evaluations.
#[derive(Clone, Debug, Default)]
pub struct EvalScratch {
    pub(crate) loads: Vec<f64>,
    pub(crate) ovl: Vec<f64>,
    pub(crate) bound: Vec<f64>,
    pub(crate) bufs: Bufs,
    /// (entry, effective home) and the class whose fate was walked for it.
    pub(crate) fates: std::collections::BTreeMap<(u32, u32), usize>,
    pub(crate) shares: Vec<(Class, f64)>,
}
