//! The flow plane's state: populations per node and per entry pool, cumulative counts, DNS
//! cohorts and the buffers of each evaluation. Data only.

use super::metrics::{Cause, Loss, NC, NL};
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
    /// Buffers of each evaluation (boxed: a segment takes them out and puts them back, a
    /// pointer's move rather than the whole struct's).
    pub eval: Option<Box<EvalScratch>>,
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
    /// (entry, effective home) and the class whose fate was walked for it, in walk order (a
    /// handful: a linear search).
    pub(crate) fates: Vec<((u32, u32), usize)>,
    pub(crate) shares: Vec<(Class, f64)>,
    /// The classes of the last evaluation with their fates (their incident lists keep their
    /// capacity from one evaluation to the next).
    pub(crate) cls: Vec<ClassRate>,
    /// What `cls` was built from (`classes`): the arrival shares, each entry's count of nodes
    /// open to new sessions and the arrival rate; `None` before the first build.
    pub(crate) built: Option<Built>,
    /// Each entry's count of nodes open to new sessions, now.
    pub(crate) hop_m: Vec<f64>,
    /// What `shares` and `hop_m` were computed from (`classes::placement_key`): they stand
    /// while it does.
    pub(crate) placed: Vec<u64>,
    pub(crate) placed_now: Vec<u64>,
    /// New sessions per node, the zero overload of the load pass, each entry's request rate,
    /// the clusters already given classes.
    pub(crate) node_arrivals: Vec<f64>,
    pub(crate) zero: Vec<f64>,
    pub(crate) rates: Vec<f64>,
    pub(crate) done: Vec<u32>,
    /// Each component's smallest node service rate, and the nodes' added latencies it was
    /// computed for (`capacities`).
    pub(crate) caps: Vec<f64>,
    pub(crate) caps_key: Vec<u64>,
    /// The load pass's throw-away fate.
    pub(crate) spare: Fate,
    /// Failed requests per incident in one segment (`integrate_segment`).
    pub(crate) incs: Vec<(u32, f64)>,
}

/// What a set of classes was built from: arrival shares, open-node counts, arrival rate's bits.
pub(crate) type Built = (Vec<(Class, f64)>, Vec<f64>, u64);

/// What happens to the requests of one class: rates per µs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fate {
    pub(crate) served: f64,
    pub(crate) acked: f64,
    pub(crate) fail: [f64; NC],
    pub(crate) incs: Vec<(u32, f64)>,
}

impl Fate {
    pub(crate) fn fail(&mut self, cause: Cause, inc: u32, amount: f64) {
        if amount <= 0.0 {
            return;
        }
        self.fail[cause as usize] += amount;
        if let Some(e) = self.incs.iter_mut().find(|x| x.0 == inc) {
            e.1 += amount;
        } else {
            self.incs.push((inc, amount));
        }
    }

    /// Back to `Fate::default()`, keeping the incident list's capacity.
    pub(crate) fn reset(&mut self) {
        self.served = 0.0;
        self.acked = 0.0;
        self.fail = [0.0; NC];
        self.incs.clear();
    }
}

/// A class of sessions with its population and where its new sessions arrive.
#[derive(Clone, Debug)]
pub(crate) struct ClassRate {
    pub(crate) class: Class,
    pub(crate) entry: u32,
    pub(crate) home: u32,
    /// New sessions per µs.
    pub(crate) arrivals: f64,
    /// Extra loss hazard per µs (no affinity, no replication).
    pub(crate) hazard: f64,
    /// The class whose `fate` this one meets (its own index when it was walked; classes with
    /// the same entry and effective home share one walk, so their own `fate` is stale).
    pub(crate) rep: usize,
    pub(crate) fate: Fate,
}
