//! The world: all mutable state of a run and the event handlers (request level).
//!
//! One closed [`Event`] enum, matched exhaustively in `World::handle`; entities live in `Vec`s
//! addressed by `u32`; no per-event allocation on the hot path (slabs with free lists).
//! The flow level (`flow.rs`) shares the fault, detection and failover machinery below.

use super::config::*;
use super::metrics::{Cause, Loss, Metrics};
use super::rng::Stream;
use super::time::{EventQueue, Time};
use std::collections::VecDeque;

/// Everything that can happen. Eight bytes, so that a queue entry (time and event) is sixteen:
/// the frequent request events carry one index, and the rare state-changing events wait in
/// [`World::state_events`] (a slab) behind [`Event::State`].
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// A new session arrives (the next arrival is scheduled from here).
    SessionArrival,
    /// A session issues its next request.
    NextRequest { session: u32 },
    /// A client retries a failed request.
    Retry { req: u32 },
    /// A node finished serving a request: the node and its service epoch are in the request
    /// (stale when the epoch no longer matches: the node died).
    ServiceDone { req: u32 },
    /// A request sent to a hung node times out.
    Timeout { req: u32 },
    /// A state-changing event, stored in slot `slot` of [`World::state_events`].
    State { slot: u32 },
    /// Flow level: integrate rates up to now.
    FlowTick,
}

/// The rare events that change the state of nodes, components, sites and routing.
#[derive(Clone, Copy, Debug)]
pub enum StateEvent {
    /// A stage of a scripted fault.
    Fault { fault: u32, stage: u32 },
    /// A random failure of a node.
    NodeFail { node: u32 },
    /// The repair of a node after a random failure (or a crash without duration).
    NodeRepair { node: u32, incident: u32 },
    /// The load balancer's health checks reach a verdict about a node.
    Detect { node: u32, epoch: u32 },
    /// A warm or cold spare starts serving.
    SpareActivate { node: u32, epoch: u32 },
    /// The passive member of a pair takes over the virtual IP.
    Takeover { comp: u32, epoch: u32 },
    /// A database replica is promoted (or a restore completes).
    DbPromote { comp: u32, epoch: u32 },
    /// Global routing (DNS / BGP) updates its view of an entry.
    RouteUpdate { entry: u32 },
}

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
}

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

#[derive(Clone, Copy, Debug, Default)]
pub struct Hop {
    pub comp: u32,
    /// An alternative cluster (blue/green siblings of the same kind), or NONE.
    pub alt: u32,
    /// Next hop on a cache hit (for caches); `index + 1` otherwise.
    pub skip: u32,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Session {
    pub live: bool,
    pub lost: bool,
    pub entry: u32,
    pub dns_exp: Time,
    pub resolved: bool,
    pub stale: bool,
    pub home: u32,
    pub buddy: u32,
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
    fn new(c: &ComponentCfg, count: u32) -> Station {
        let mut mean = c.capacity.service as f64;
        if let KindCfg::App { replication, cost } = c.kind {
            let copies = match replication {
                Repl::None => 0.0,
                Repl::Buddy => 1.0,
                Repl::All => f64::from(count.saturating_sub(1)),
            };
            mean *= 1.0 + cost.max(0.0) * copies;
        }
        Station {
            mean,
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

pub struct World {
    pub cfg: Config,
    pub now: Time,
    pub queue: EventQueue<Event>,
    pub events: u64,
    pub nodes: Vec<Node>,
    pub comps: Vec<CompState>,
    pub sites: Vec<SiteState>,
    pub paths: Vec<Vec<Hop>>,
    pub sessions: Vec<Session>,
    pub free_sessions: Vec<u32>,
    /// The pending state-changing events ([`Event::State`] holds the slot) and the free slots.
    pub state_events: Vec<StateEvent>,
    pub free_state_events: Vec<u32>,
    pub reqs: Vec<Req>,
    pub free_reqs: Vec<u32>,
    pub rng_clients: Stream,
    pub rng_svc: Vec<Stream>,
    pub rng_fail: Vec<Stream>,
    pub rng_hc: Vec<Stream>,
    pub metrics: Metrics,
    pub partitions: Vec<ActivePartition>,
    /// Entry listed by global routing (DNS record present / route announced).
    pub listed: Vec<bool>,
    pub single_entry: u32,
    pub dns_down: u32,
    pub dns_inc: u32,
    pub spike: f64,
    pub max_rate: f64,
    /// `1e6 / max_rate`: the mean gap between candidate arrivals in µs.
    arrival_gap_us: f64,
    /// A constant profile and `max_rate` equal to the session rate: without a spike in
    /// progress every candidate arrival is accepted (the thinning ratio is exactly 1).
    flat_rate: bool,
    pub fault_incs: Vec<u32>,
    pub fault_epochs: Vec<u32>,
    /// When a fault's current phase started (blue/green drains).
    pub fault_since: Vec<Time>,
    pub flow: super::flow::FlowState,
    /// The state trace, when asked for (`None` by default: see `trace.rs`).
    pub trace: Option<Box<super::trace::Recorder>>,
    pub(crate) stations: Vec<Station>,
    /// Bumped whenever a node's `serving`, `marked_up`, `admin_down` or `drained` changes: the
    /// LB's cached lists of eligible nodes (`elig`) are rebuilt when it moved.
    pub(crate) lb_gen: u64,
    pub(crate) elig: Vec<EligCache>,
}

/// The nodes a tier's LB would choose from for a request with no node excluded, in the order
/// `pick` enumerates them (the nodes open to new sessions, or all usable ones when none is).
#[derive(Clone, Debug, Default)]
pub(crate) struct EligCache {
    gen: u64,
    alt: u32,
    nodes: Vec<u32>,
}

const MAX_HOPS: usize = 64;
/// How often a blue/green drain checks whether the drained cluster still holds sessions.
const DRAIN_POLL: Time = 5_000_000;

impl World {
    pub fn new(cfg: Config) -> World {
        let seed = cfg.seed;
        let mut nodes = Vec::new();
        let mut comps = Vec::new();
        let mut rng_svc = Vec::new();
        let mut rng_fail = Vec::new();
        let mut rng_hc = Vec::new();
        for (ci, c) in cfg.components.iter().enumerate() {
            let first = nodes.len() as u32;
            let count = c.total_nodes().min(10_000);
            for local in 0..count {
                let site = match &c.kind {
                    KindCfg::Database(db) if local >= 1 => db
                        .replicas
                        .get((local - 1) as usize)
                        .map(|r| r.site)
                        .unwrap_or(c.site),
                    _ => c.site,
                };
                let spare = local >= c.nodes && c.spare_mode != SpareMode::Hot;
                nodes.push(Node {
                    comp: ci as u32,
                    local,
                    site,
                    marked_up: true,
                    serving: !spare,
                    inc: NONE,
                    err_inc: NONE,
                    ..Node::default()
                });
            }
            let mut db = DbState {
                available: true,
                inc: NONE,
                ..DbState::default()
            };
            if let KindCfg::Database(d) = &c.kind {
                db.standby = std::iter::once(StandbyKind::Hot)
                    .chain(d.replicas.iter().map(|r| r.standby))
                    .collect();
            }
            comps.push(CompState {
                first,
                count,
                last_inc: NONE,
                up_time: vec![0; count as usize + 1],
                alive: count,
                db,
                ..CompState::default()
            });
            rng_svc.push(Stream::new(seed, &format!("{}/svc", c.id)));
            rng_fail.push(Stream::new(seed, &format!("{}/fail", c.id)));
            rng_hc.push(Stream::new(seed, &format!("{}/hc", c.id)));
        }
        let paths = cfg.entries.iter().map(|e| build_path(&cfg, *e)).collect();
        let stations = cfg
            .components
            .iter()
            .zip(&comps)
            .map(|(c, cs)| Station::new(c, cs.count))
            .collect();
        let max_rate = cfg.traffic.sessions_per_s.max(0.0)
            * cfg.traffic.profile.max_factor()
            * cfg.spike_max();
        let n_entries = cfg.entries.len();
        let profile_constant = matches!(cfg.traffic.profile, ProfileCfg::Constant);
        let sessions_per_s = cfg.traffic.sessions_per_s;
        let n_faults = cfg.faults.len();
        let n_comps = cfg.components.len();
        let mut w = World {
            sites: vec![
                SiteState {
                    inc: NONE,
                    ..SiteState::default()
                };
                cfg.sites.len()
            ],
            metrics: Metrics::new(cfg.window, cfg.success_threshold, cfg.horizon),
            rng_clients: Stream::new(seed, "clients"),
            cfg,
            now: 0,
            queue: EventQueue::default(),
            events: 0,
            nodes,
            comps,
            paths,
            sessions: Vec::new(),
            free_sessions: Vec::new(),
            state_events: Vec::new(),
            free_state_events: Vec::new(),
            reqs: Vec::new(),
            free_reqs: Vec::new(),
            rng_svc,
            rng_fail,
            rng_hc,
            partitions: Vec::new(),
            listed: vec![true; n_entries],
            single_entry: 0,
            dns_down: 0,
            dns_inc: NONE,
            spike: 1.0,
            max_rate,
            arrival_gap_us: 1e6 / max_rate,
            flat_rate: profile_constant && max_rate == sessions_per_s.max(0.0),
            fault_incs: vec![NONE; n_faults],
            fault_epochs: vec![0; n_faults],
            fault_since: vec![0; n_faults],
            flow: super::flow::FlowState::default(),
            stations,
            lb_gen: 1,
            elig: vec![EligCache::default(); n_comps],
            trace: None,
        };
        w.start();
        w
    }

    fn start(&mut self) {
        for i in 0..self.cfg.faults.len() {
            self.schedule(
                self.cfg.faults[i].at(),
                StateEvent::Fault {
                    fault: i as u32,
                    stage: 0,
                },
            );
        }
        for n in 0..self.nodes.len() {
            let c = self.nodes[n].comp as usize;
            if let Some(f) = &self.cfg.components[c].failure {
                if f.mtbf > 0 {
                    let dt = self.rng_fail[c].exp_us(f.mtbf as f64);
                    self.schedule(dt, StateEvent::NodeFail { node: n as u32 });
                }
            }
        }
        match self.cfg.fidelity {
            Fidelity::Request => {
                if self.max_rate > 0.0 && !self.cfg.entries.is_empty() {
                    let dt = self.rng_clients.exp_us(self.arrival_gap_us);
                    self.queue.push(dt, Event::SessionArrival);
                }
            }
            Fidelity::Flow => super::flow::start(self),
        }
    }

    /// Pops and handles one event at or before the horizon; false when none is left.
    pub fn step(&mut self) -> bool {
        let before = self.events;
        self.run_events(self.cfg.horizon, 1);
        if self.events > before {
            return true;
        }
        if self.now < self.cfg.horizon {
            self.now = self.cfg.horizon;
        }
        if self.cfg.fidelity == Fidelity::Flow {
            super::flow::integrate(self);
        }
        false
    }

    /// Pops and handles the events at or before `limit` (and the horizon), at most `max` of
    /// them, in one loop. [`World::step`] is this loop for one event, so that the handlers are
    /// inlined in one place only.
    ///
    /// The request path (`dispatch`, the arrival and service-done handlers, `advance`, `pick`,
    /// `enqueue`, `start_service`, the queue's `push`, the random draws, `Metrics::served`) is
    /// `#[inline(always)]` into this loop, and its rare branches (`cache_hop`, `sent_to_dead`,
    /// `leaking_workers`) are `#[inline(never)]`: without a profile, LLVM stops inlining at its
    /// size threshold and every event then pays six to eight calls' register saves and restores
    /// (callgrind: −20 % instructions; A/B +5 %; bench/README.md).
    pub fn run_events(&mut self, limit: Time, max: u64) {
        let limit = limit.min(self.cfg.horizon);
        let stop = self.events.saturating_add(max);
        while self.events < stop {
            let Some((t, ev)) = self.queue.pop_until(limit) else {
                break;
            };
            self.dispatch(t, ev);
        }
    }

    #[inline(always)]
    fn dispatch(&mut self, t: Time, ev: Event) {
        if self.cfg.fidelity == Fidelity::Flow && t > self.now {
            // integrate rates over (now, t] before the state changes
            self.now = t;
            super::flow::integrate(self);
        }
        self.now = t;
        self.events += 1;
        self.handle(ev);
    }

    #[inline(always)]
    fn handle(&mut self, ev: Event) {
        // the most frequent event first, tested before the jump over the rest
        if let Event::ServiceDone { req } = ev {
            self.on_service_done(req);
            return;
        }
        match ev {
            Event::SessionArrival => self.on_session_arrival(),
            Event::NextRequest { session } => self.issue(session),
            Event::Retry { req } => {
                let r = &mut self.reqs[req as usize];
                r.hop = 0;
                r.lb_retried = false;
                r.prev_site = NONE;
                r.prev_comp = NONE;
                self.enter(req);
            }
            Event::ServiceDone { .. } => {} // handled above
            Event::Timeout { req } => self.fail(req, Cause::Timeout, NONE),
            Event::FlowTick => super::flow::tick(self),
            Event::State { slot } => {
                let ev = self.state_events[slot as usize];
                self.free_state_events.push(slot);
                if self.trace.is_some() {
                    self.handle_traced(ev);
                } else {
                    self.handle_state(ev);
                }
            }
        }
    }

    /// Schedules a state-changing event at `time` (through a slot of `state_events`).
    fn schedule(&mut self, time: Time, ev: StateEvent) {
        let slot = if let Some(slot) = self.free_state_events.pop() {
            self.state_events[slot as usize] = ev;
            slot
        } else {
            self.state_events.push(ev);
            (self.state_events.len() - 1) as u32
        };
        self.queue.push(time, Event::State { slot });
    }

    /// A state-changing event with the state trace on (see `trace.rs`).
    #[cold]
    fn handle_traced(&mut self, ev: StateEvent) {
        super::trace::before(self);
        self.handle_state(ev);
        let scope = match ev {
            StateEvent::Fault { fault, .. } => super::trace::scope(self, None, None, Some(fault)),
            StateEvent::NodeFail { node }
            | StateEvent::NodeRepair { node, .. }
            | StateEvent::Detect { node, .. }
            | StateEvent::SpareActivate { node, .. } => {
                super::trace::scope(self, Some(node), None, None)
            }
            StateEvent::Takeover { comp, .. } | StateEvent::DbPromote { comp, .. } => Some(comp),
            StateEvent::RouteUpdate { .. } => return,
        };
        super::trace::after(self, scope);
    }

    /// Faults, failures, repairs, verdicts, takeovers, promotions, routing: the rare events
    /// that change the state of nodes.
    fn handle_state(&mut self, ev: StateEvent) {
        match ev {
            StateEvent::Fault { fault, stage } => self.on_fault(fault, stage),
            StateEvent::NodeFail { node } => self.on_random_fail(node),
            StateEvent::NodeRepair { node, incident } => {
                self.node_up(node);
                self.metrics.clear_incident(incident, self.now);
                let c = self.nodes[node as usize].comp as usize;
                if let Some(f) = &self.cfg.components[c].failure {
                    if f.mtbf > 0 {
                        let dt = self.rng_fail[c].exp_us(f.mtbf as f64);
                        self.schedule(self.now + dt, StateEvent::NodeFail { node });
                    }
                }
            }
            StateEvent::Detect { node, epoch } => self.on_detect(node, epoch),
            StateEvent::SpareActivate { node, epoch } => self.on_spare(node, epoch),
            StateEvent::Takeover { comp, epoch } => self.on_takeover(comp, epoch),
            StateEvent::DbPromote { comp, epoch } => self.on_db_promote(comp, epoch),
            StateEvent::RouteUpdate { entry } => self.on_route_update(entry),
        }
    }

    // ---------------------------------------------------------------- clients

    fn arrival_factor(&self) -> f64 {
        self.cfg.traffic.profile.factor(self.now) * self.spike
    }

    #[inline(always)]
    fn on_session_arrival(&mut self) {
        let dt = self.rng_clients.exp_us(self.arrival_gap_us);
        self.queue.push(self.now + dt.max(1), Event::SessionArrival);
        if !(self.flat_rate && self.spike == 1.0) {
            let accept = self.cfg.traffic.sessions_per_s * self.arrival_factor() / self.max_rate;
            if accept < 1.0 && self.rng_clients.unit() >= accept {
                return;
            }
        }
        let stale = match &self.cfg.routing {
            RoutingCfg::Dns { stale_share, .. } => self.rng_clients.chance(*stale_share),
            _ => false,
        };
        let s = Session {
            live: true,
            lost: false,
            entry: NONE,
            dns_exp: 0,
            resolved: false,
            stale,
            home: NONE,
            buddy: NONE,
        };
        let id = if let Some(id) = self.free_sessions.pop() {
            self.sessions[id as usize] = s;
            id
        } else {
            self.sessions.push(s);
            (self.sessions.len() - 1) as u32
        };
        self.metrics.advance(self.now);
        self.metrics.sessions_started += 1;
        self.issue(id);
    }

    #[inline(always)]
    fn free_session(&mut self, s: u32) {
        self.sessions[s as usize].live = false;
        self.free_sessions.push(s);
    }

    /// A session issues its next request.
    #[inline(always)]
    fn issue(&mut self, s: u32) {
        let sess = self.sessions[s as usize];
        if !sess.live {
            return;
        }
        if sess.lost {
            self.free_session(s);
            return;
        }
        let t = &self.cfg.traffic;
        let write = self.rng_clients.chance(t.write_share);
        let idem = !write && self.rng_clients.chance(t.idempotent_share);
        let r = Req {
            session: s,
            hop: 0,
            start: self.now,
            queued_at: self.now,
            extra: 0,
            write,
            idem,
            lb_retried: false,
            attempts: 0,
            prev_site: NONE,
            prev_comp: NONE,
            entry: NONE,
            node: NONE,
            svc_epoch: 0,
        };
        if write {
            self.metrics.writes_attempted += 1;
        }
        let id = if let Some(id) = self.free_reqs.pop() {
            self.reqs[id as usize] = r;
            id
        } else {
            self.reqs.push(r);
            (self.reqs.len() - 1) as u32
        };
        self.enter(id);
    }

    /// Global routing: which entry a session's request goes to.
    #[inline(always)]
    fn enter(&mut self, req: u32) {
        let s = self.reqs[req as usize].session as usize;
        let n_entries = self.cfg.entries.len() as u32;
        if n_entries == 0 {
            self.fail(req, Cause::NoHealthyBackend, NONE);
            return;
        }
        let entry = match self.cfg.routing.clone() {
            RoutingCfg::Single => {
                if !self.sessions[s].resolved {
                    if self.dns_down > 0 {
                        self.fail(req, Cause::DnsFailure, self.dns_inc);
                        return;
                    }
                    self.sessions[s].resolved = true;
                    self.sessions[s].entry = self.single_entry;
                }
                self.sessions[s].entry
            }
            RoutingCfg::Dns {
                ttl,
                stale_for,
                active_active,
                ..
            } => {
                let sess = self.sessions[s];
                if !sess.resolved || sess.dns_exp <= self.now {
                    if self.dns_down > 0 {
                        self.fail(req, Cause::DnsFailure, self.dns_inc);
                        return;
                    }
                    let Some(e) = self.pick_entry(active_active) else {
                        self.fail(req, Cause::SiteDown, self.any_site_inc());
                        return;
                    };
                    let keep = if sess.stale { ttl.max(stale_for) } else { ttl };
                    let ss = &mut self.sessions[s];
                    ss.resolved = true;
                    ss.entry = e;
                    ss.dns_exp = self.now + keep;
                }
                self.sessions[s].entry
            }
            RoutingCfg::Bgp { active_active, .. } => {
                let cur = self.sessions[s].entry;
                if cur == NONE || !self.listed[cur as usize] {
                    let Some(e) = self.pick_entry(active_active) else {
                        self.fail(req, Cause::SiteDown, self.any_site_inc());
                        return;
                    };
                    self.sessions[s].entry = e;
                }
                self.sessions[s].entry
            }
        };
        let comp = self.cfg.entries[entry as usize];
        let site = self.cfg.components[comp as usize].site;
        if let Some(st) = self.sites.get(site as usize) {
            if st.down > 0 {
                let cause = if matches!(self.cfg.routing, RoutingCfg::Dns { .. })
                    && !self.listed[entry as usize]
                {
                    Cause::DnsStale
                } else {
                    Cause::SiteDown
                };
                self.fail(req, cause, st.inc);
                return;
            }
        }
        self.reqs[req as usize].entry = entry;
        self.advance(req, entry);
    }

    pub(crate) fn any_site_inc(&self) -> u32 {
        self.sites
            .iter()
            .rev()
            .find(|s| s.down > 0)
            .map(|s| s.inc)
            .unwrap_or(NONE)
    }

    fn pick_entry(&mut self, active_active: bool) -> Option<u32> {
        let listed: u32 = self.listed.iter().filter(|l| **l).count() as u32;
        if listed == 0 {
            return None;
        }
        let k = if active_active {
            self.rng_clients.below(listed)
        } else {
            0
        };
        self.listed
            .iter()
            .enumerate()
            .filter(|(_, l)| **l)
            .nth(k as usize)
            .map(|(i, _)| i as u32)
    }

    fn entry_of(&self, req: u32) -> u32 {
        self.reqs[req as usize].entry
    }

    /// Moves a request along its path until it queues somewhere, fails or is served.
    #[inline(always)]
    fn advance(&mut self, req: u32, entry: u32) {
        for _ in 0..MAX_HOPS {
            let hop_i = self.reqs[req as usize].hop as usize;
            let path = &self.paths[entry as usize];
            if hop_i >= path.len() {
                self.succeed(req);
                return;
            }
            let hop = path[hop_i];
            let c = hop.comp as usize;
            let st = &self.stations[c];
            let (site, kind) = (st.site, st.light);
            let r = &self.reqs[req as usize];
            let (prev_site, prev_comp, write) = (r.prev_site, r.prev_comp, r.write);
            // network between the previous hop and this one
            if prev_site != NONE && site != NONE && prev_site != site {
                if let Some(inc) = self.cut(prev_site, site, prev_comp, hop.comp) {
                    self.fail(req, Cause::Partition, inc);
                    return;
                }
                let rtt = 2 * self.cfg.latency(prev_site, site);
                self.reqs[req as usize].extra += rtt;
            }
            match kind {
                Light::Skip => {
                    self.reqs[req as usize].hop += 1;
                    continue;
                }
                Light::Cache(hit_ratio, replicated) => {
                    if self.cache_hop(req, c, hit_ratio, replicated, write) {
                        return;
                    }
                    self.reqs[req as usize].hop += 1;
                    continue;
                }
                Light::Db => {
                    if let Err((cause, inc)) = self.db_check(c, write) {
                        self.fail(req, cause, inc);
                        return;
                    }
                    let primary = self.comps[c].db.primary;
                    let node = self.comps[c].first + primary;
                    if write {
                        let extra = self.sync_rtt(c);
                        self.reqs[req as usize].extra += extra;
                    }
                    self.enqueue(req, node);
                    return;
                }
                Light::Pair => {
                    let cs = &self.comps[c];
                    let node = cs.first + cs.active.min(cs.count.saturating_sub(1));
                    if cs.count == 0 {
                        self.fail(req, Cause::NoHealthyBackend, NONE);
                        return;
                    }
                    let nd = &self.nodes[node as usize];
                    if !nd.alive() {
                        let inc = nd.inc;
                        let other_alive =
                            (0..cs.count).any(|k| self.nodes[(cs.first + k) as usize].alive());
                        let cause = if other_alive && cs.takeover_pending {
                            Cause::DetectionWindow
                        } else {
                            Cause::NoHealthyBackend
                        };
                        self.fail(req, cause, inc);
                        return;
                    }
                    self.enqueue(req, node);
                    return;
                }
                Light::Tier => {
                    match self.pick(req, hop, NONE) {
                        Ok(node) => self.send_to_node(req, hop, node),
                        Err((cause, inc)) => self.fail(req, cause, inc),
                    }
                    return;
                }
            }
        }
        self.fail(req, Cause::NoHealthyBackend, NONE);
    }

    /// A cache on the path: a hit is served by a live cache node (true: the request is placed
    /// or failed); a miss or a write goes on along the path (false).
    #[inline(never)]
    fn cache_hop(
        &mut self,
        req: u32,
        c: usize,
        hit_ratio: f64,
        replicated: bool,
        write: bool,
    ) -> bool {
        let (alive, total) = self.alive_count(c);
        if alive == 0 && self.cfg.components[c].required {
            let inc = self.comps[c].last_inc;
            self.fail(req, Cause::NoHealthyBackend, inc);
            return true;
        }
        let eff = effective_hit_ratio(hit_ratio, replicated, alive, total);
        if !write && self.rng_svc[c].chance(eff) {
            // served by a live cache node, then skip the miss path
            let k = self.rng_svc[c].below(alive);
            let node = self.nth_alive(c, k);
            self.enqueue(req, node);
            return true;
        }
        false
    }

    /// Sends a request to a tier node chosen by the LB; handles the detection window and retries.
    #[inline(always)]
    fn send_to_node(&mut self, req: u32, hop: Hop, node: u32) {
        if !self.nodes[node as usize].alive() {
            self.sent_to_dead(req, hop, node);
            return;
        }
        self.session_at(req, hop, node);
        self.enqueue(req, node);
    }

    /// The LB sent a request to a dead node it has not marked down yet (the detection window):
    /// an idempotent request is retried once on another node, anything else fails.
    #[inline(never)]
    fn sent_to_dead(&mut self, req: u32, hop: Hop, node: u32) {
        let inc = self.nodes[node as usize].inc;
        let c = hop.comp as usize;
        let r = self.reqs[req as usize];
        if self.stations[c].retry_idempotent && r.idem && !r.lb_retried {
            self.reqs[req as usize].lb_retried = true;
            if let Ok(other) = self.pick(req, hop, node) {
                self.send_to_node(req, hop, other);
                return;
            }
        }
        self.fail(req, Cause::DetectionWindow, inc);
    }

    /// Session affinity bookkeeping when a request lands on an app node.
    #[inline(always)]
    fn session_at(&mut self, req: u32, hop: Hop, node: u32) {
        let c = self.nodes[node as usize].comp as usize;
        let Some(replication) = self.stations[c].repl else {
            return;
        };
        let s = self.reqs[req as usize].session as usize;
        let sess = self.sessions[s];
        if sess.lost {
            return;
        }
        if sess.home == node {
            return;
        }
        let same_cluster = sess.home != NONE && {
            let hc = self.nodes[sess.home as usize].comp;
            hc == hop.comp || hc == hop.alt
        };
        if same_cluster
            && replication == Repl::None
            && self.nodes[sess.home as usize].alive()
            && sess.home != node
        {
            // no affinity and no replica: the state is not on this node
            self.sessions[s].lost = true;
            let inc = self
                .metrics
                .open_incident(self.now)
                .map(|i| i as u32)
                .unwrap_or(NONE);
            self.metrics.session_lost(self.now, Loss::NoAffinity, inc);
            return;
        }
        self.sessions[s].home = node;
        self.sessions[s].buddy = if replication == Repl::Buddy {
            self.buddy_of(node)
        } else {
            NONE
        };
    }

    fn buddy_of(&self, node: u32) -> u32 {
        let nd = &self.nodes[node as usize];
        let cs = &self.comps[nd.comp as usize];
        for k in 1..cs.count {
            let cand = cs.first + (nd.local + k) % cs.count;
            let n = &self.nodes[cand as usize];
            if n.alive() && n.serving {
                return cand;
            }
        }
        NONE
    }

    /// Whether the LB may send a request to node `n` (a new session never goes to a drained node).
    #[inline]
    fn eligible(&self, n: u32, exclude: u32, new_session: bool) -> bool {
        let nd = &self.nodes[n as usize];
        n != exclude && nd.serving && nd.marked_up && !nd.admin_down && !(new_session && nd.drained)
    }

    /// The node ranges (first, count) of a hop's cluster and its blue/green sibling.
    fn hop_ranges(&self, hop: Hop) -> ([(u32, u32); 2], usize) {
        let mut ranges = [(0u32, 0u32); 2];
        let mut n_ranges = 0;
        for cc in [hop.comp, hop.alt] {
            if cc != NONE {
                let cs = &self.comps[cc as usize];
                ranges[n_ranges] = (cs.first, cs.count);
                n_ranges += 1;
            }
        }
        (ranges, n_ranges)
    }

    /// Rebuilds the cached list of a tier's eligible nodes for requests with no node excluded.
    #[cold]
    fn rebuild_elig(&mut self, hop: Hop) {
        let c = hop.comp as usize;
        let (ranges, n_ranges) = self.hop_ranges(hop);
        let mut nodes = std::mem::take(&mut self.elig[c].nodes);
        nodes.clear();
        for new_session in [true, false] {
            for (first, count) in ranges[..n_ranges].iter() {
                nodes.extend(
                    (0..*count)
                        .map(|k| first + k)
                        .filter(|n| self.eligible(*n, NONE, new_session)),
                );
            }
            if !nodes.is_empty() {
                break;
            }
        }
        self.elig[c] = EligCache {
            gen: self.lb_gen,
            alt: hop.alt,
            nodes,
        };
    }

    /// The LB's choice of node in a tier (excluding `exclude`).
    #[inline(always)]
    fn pick(&mut self, req: u32, hop: Hop, exclude: u32) -> Result<u32, (Cause, u32)> {
        let c = hop.comp as usize;
        if self.stations[c].sticky {
            let s = self.reqs[req as usize].session as usize;
            let home = self.sessions[s].home;
            if home != NONE {
                let hc = self.nodes[home as usize].comp;
                if (hc == hop.comp || hc == hop.alt) && self.eligible(home, exclude, false) {
                    return Ok(home);
                }
            }
        }
        // a session whose node is unusable is placed like a new one (never on a drained node)
        if exclude == NONE {
            // fast path: the eligible nodes are cached until a node's LB view changes
            let ce = &self.elig[c];
            if ce.gen != self.lb_gen || ce.alt != hop.alt {
                self.rebuild_elig(hop);
            }
            let total = self.elig[c].nodes.len() as u32;
            if total == 0 {
                let inc = self.comps[c].last_inc;
                return Err((Cause::NoHealthyBackend, inc));
            }
            let choice = match self.stations[c].algo {
                Algo::RoundRobin => {
                    let k = self.comps[c].rr % total;
                    self.comps[c].rr = self.comps[c].rr.wrapping_add(1);
                    k
                }
                Algo::Random => self.rng_svc[c].below(total),
                Algo::LeastConnections => {
                    let mut best = 0;
                    let mut best_load = u64::MAX;
                    for (idx, n) in self.elig[c].nodes.iter().enumerate() {
                        let nd = &self.nodes[*n as usize];
                        let load = u64::from(nd.busy) + nd.queue.len() as u64;
                        if load < best_load {
                            best_load = load;
                            best = idx as u32;
                        }
                    }
                    best
                }
            };
            return Ok(self.elig[c].nodes[choice as usize]);
        }
        let (ranges, n_ranges) = self.hop_ranges(hop);
        let eligible = |w: &World, n: u32, new_session: bool| w.eligible(n, exclude, new_session);
        let count = |w: &World, new_session: bool| -> u32 {
            ranges[..n_ranges]
                .iter()
                .map(|(first, count)| {
                    (0..*count)
                        .filter(|k| eligible(w, first + k, new_session))
                        .count() as u32
                })
                .sum()
        };
        let mut new_session = true;
        let mut total = count(self, true);
        if total == 0 {
            // drained nodes still take requests when nothing else is left
            new_session = false;
            total = count(self, false);
        }
        if total == 0 {
            let inc = self.comps[c].last_inc;
            return Err((Cause::NoHealthyBackend, inc));
        }
        let choice = match self.stations[c].algo {
            Algo::RoundRobin => {
                let k = self.comps[c].rr % total;
                self.comps[c].rr = self.comps[c].rr.wrapping_add(1);
                k
            }
            Algo::Random => self.rng_svc[c].below(total),
            Algo::LeastConnections => {
                let mut best = 0;
                let mut best_load = u64::MAX;
                let mut idx = 0;
                for (first, count) in ranges[..n_ranges].iter() {
                    for k in 0..*count {
                        let n = first + k;
                        if eligible(self, n, new_session) {
                            let nd = &self.nodes[n as usize];
                            let load = u64::from(nd.busy) + nd.queue.len() as u64;
                            if load < best_load {
                                best_load = load;
                                best = idx;
                            }
                            idx += 1;
                        }
                    }
                }
                best
            }
        };
        let mut idx = 0;
        for (first, count) in ranges[..n_ranges].iter() {
            for k in 0..*count {
                let n = first + k;
                if eligible(self, n, new_session) {
                    if idx == choice {
                        return Ok(n);
                    }
                    idx += 1;
                }
            }
        }
        Err((Cause::NoHealthyBackend, NONE))
    }

    pub(crate) fn alive_count(&self, c: usize) -> (u32, u32) {
        let cs = &self.comps[c];
        let alive = (0..cs.count)
            .filter(|k| self.nodes[(cs.first + k) as usize].alive())
            .count() as u32;
        (alive, cs.count)
    }

    fn nth_alive(&self, c: usize, k: u32) -> u32 {
        let cs = &self.comps[c];
        (0..cs.count)
            .map(|i| cs.first + i)
            .filter(|n| self.nodes[*n as usize].alive())
            .nth(k as usize)
            .unwrap_or(cs.first)
    }

    // ---------------------------------------------------------------- stations

    #[inline(always)]
    pub(crate) fn effective_workers(&self, node: u32) -> u32 {
        let nd = &self.nodes[node as usize];
        let w = self.stations[nd.comp as usize].workers;
        match nd.leak {
            None => w,
            Some(leak) => self.leaking_workers(w, leak),
        }
    }

    /// The workers left to a node leaking resources since `at`, exhausted after `exh` µs.
    #[inline(never)]
    fn leaking_workers(&self, w: u32, (at, exh): (Time, Time)) -> u32 {
        if exh == 0 {
            return w;
        }
        let used = (self.now.saturating_sub(at)) as f64 / exh as f64;
        let left = (1.0 - used).clamp(0.0, 1.0);
        ((f64::from(w) * left) as u32).max(1)
    }

    #[inline(always)]
    fn enqueue(&mut self, req: u32, node: u32) {
        let c = self.nodes[node as usize].comp as usize;
        if self.nodes[node as usize].hung > 0 {
            let r = self.reqs[req as usize];
            let deadline = (r.start + self.cfg.traffic.timeout).max(self.now);
            self.queue.push(deadline, Event::Timeout { req });
            return;
        }
        self.reqs[req as usize].queued_at = self.now;
        if self.nodes[node as usize].busy < self.effective_workers(node) {
            self.start_service(req, node);
        } else if (self.nodes[node as usize].queue.len() as u64)
            < u64::from(self.stations[c].queue_limit)
        {
            self.nodes[node as usize].queue.push_back(req);
        } else {
            self.fail(req, Cause::Overload, NONE);
        }
    }

    #[inline(always)]
    fn start_service(&mut self, req: u32, node: u32) {
        let nd = &mut self.nodes[node as usize];
        nd.busy += 1;
        let c = nd.comp as usize;
        let added = nd.added;
        let epoch = nd.svc_epoch;
        let mean = self.stations[c].mean;
        let r = &mut self.reqs[req as usize];
        let wait = self.now - r.queued_at;
        r.node = node;
        r.svc_epoch = epoch;
        let cs = &mut self.comps[c];
        cs.wait_sum_us += u128::from(wait);
        cs.served += 1;
        let dt = self.rng_svc[c].exp_us(mean) + added;
        self.queue.push(self.now + dt, Event::ServiceDone { req });
    }

    #[inline(always)]
    fn release(&mut self, node: u32) {
        let nd = &mut self.nodes[node as usize];
        nd.busy = nd.busy.saturating_sub(1);
        let timeout = self.cfg.traffic.timeout;
        while self.nodes[node as usize].busy < self.effective_workers(node) {
            let Some(next) = self.nodes[node as usize].queue.pop_front() else {
                break;
            };
            let r = self.reqs[next as usize];
            if self.now - r.start + r.extra > timeout {
                self.fail(next, Cause::Timeout, NONE);
                continue;
            }
            self.start_service(next, node);
        }
    }

    #[inline(always)]
    fn on_service_done(&mut self, req: u32) {
        let r = &self.reqs[req as usize];
        let (node, epoch) = (r.node, r.svc_epoch);
        let nd = &self.nodes[node as usize];
        if nd.svc_epoch != epoch {
            let inc = nd.inc;
            self.fail(req, Cause::NodeCrash, inc);
            return;
        }
        if nd.hung > 0 {
            // a hung node never answers
            let r = self.reqs[req as usize];
            let deadline = (r.start + self.cfg.traffic.timeout).max(self.now);
            self.queue.push(deadline, Event::Timeout { req });
            self.release(node);
            return;
        }
        self.release(node);
        let nd = &self.nodes[node as usize];
        let c = nd.comp as usize;
        let site = nd.site;
        let err = nd.err_rate;
        let err_inc = nd.err_inc;
        if err > 0.0 && self.rng_svc[c].chance(err) {
            let r = self.reqs[req as usize];
            if self.stations[c].retry_tier && r.idem && !r.lb_retried {
                self.reqs[req as usize].lb_retried = true;
                let entry = self.entry_of(req);
                let hop = self.paths[entry as usize][r.hop as usize];
                if let Ok(other) = self.pick(req, hop, node) {
                    self.send_to_node(req, hop, other);
                    return;
                }
            }
            self.fail(req, Cause::InjectedError, err_inc);
            return;
        }
        if self.stations[c].is_db {
            if self.comps[c].db.corrupt {
                self.fail(req, Cause::InjectedError, self.comps[c].db.inc);
                return;
            }
            if self.reqs[req as usize].write {
                self.record_write(c);
            }
        }
        let entry = self.entry_of(req);
        let r = &mut self.reqs[req as usize];
        let hop = self.paths[entry as usize][r.hop as usize];
        let is_cache = self.stations[c].is_cache;
        r.hop = if is_cache { hop.skip } else { r.hop + 1 };
        r.prev_site = site;
        r.prev_comp = hop.comp;
        self.advance(req, entry);
    }

    // ---------------------------------------------------------------- outcomes

    #[inline(always)]
    fn succeed(&mut self, req: u32) {
        let r = self.reqs[req as usize];
        let latency = self.now - r.start + r.extra;
        if latency > self.cfg.traffic.timeout {
            self.fail_final(req, Cause::Timeout, NONE);
            return;
        }
        if r.write {
            self.metrics.writes_acked += 1;
        }
        self.metrics
            .served(self.now, latency, r.attempts > 0 || r.lb_retried);
        self.finish(req);
    }

    fn fail(&mut self, req: u32, cause: Cause, inc: u32) {
        let r = self.reqs[req as usize];
        if r.attempts < self.cfg.traffic.client_retries {
            self.reqs[req as usize].attempts += 1;
            self.queue.push(
                self.now + self.cfg.traffic.retry_delay,
                Event::Retry { req },
            );
            return;
        }
        self.fail_final(req, cause, inc);
    }

    fn fail_final(&mut self, req: u32, cause: Cause, inc: u32) {
        self.metrics.failed(self.now, cause, inc);
        self.finish(req);
    }

    #[inline(always)]
    fn finish(&mut self, req: u32) {
        let s = self.reqs[req as usize].session;
        self.free_reqs.push(req);
        let sess = self.sessions[s as usize];
        if sess.lost {
            self.free_session(s);
            return;
        }
        let t = &self.cfg.traffic;
        let per = t.requests_per_session.max(1.0);
        if self.rng_clients.chance(1.0 - 1.0 / per) {
            let gap = self.rng_clients.exp_us(t.session_duration as f64 / per);
            self.queue
                .push(self.now + gap, Event::NextRequest { session: s });
        } else {
            self.metrics.advance(self.now);
            self.metrics.sessions_finished += 1;
            self.free_session(s);
        }
    }

    // ---------------------------------------------------------------- network

    /// The incident of a partition cutting traffic from site `a` to site `b` (for these
    /// components), if any.
    pub fn cut(&self, a: u32, b: u32, ca: u32, cb: u32) -> Option<u32> {
        for p in &self.partitions {
            let dir = (p.a == a && p.b == b) || (!p.one_way && p.a == b && p.b == a);
            if dir && (p.comp == NONE || p.comp == ca || p.comp == cb) {
                return Some(p.inc);
            }
        }
        None
    }

    /// Is the replication link from the primary to a replica cut?
    pub(crate) fn repl_cut(&self, c: usize) -> Option<u32> {
        let cs = &self.comps[c];
        let p = self.nodes[(cs.first + cs.db.primary) as usize].site;
        for k in 0..cs.count {
            if k == cs.db.primary {
                continue;
            }
            let rs = self.nodes[(cs.first + k) as usize].site;
            if p != rs {
                if let Some(inc) = self.cut(p, rs, c as u32, c as u32) {
                    return Some(inc);
                }
            }
        }
        None
    }

    fn sync_rtt(&self, c: usize) -> Time {
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

    // ---------------------------------------------------------------- database

    #[inline(always)]
    fn db_check(&self, c: usize, write: bool) -> Result<(), (Cause, u32)> {
        let db = &self.comps[c].db;
        if !db.available || db.switching {
            return Err((Cause::DatabaseUnavailable, db.inc));
        }
        if write {
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

    pub(crate) fn db_cfg(&self, c: usize) -> Option<&DbCfg> {
        match &self.cfg.components[c].kind {
            KindCfg::Database(d) => Some(d),
            _ => None,
        }
    }

    fn record_write(&mut self, c: usize) {
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
    fn lost_writes(&mut self, c: usize, standby: StandbyKind, at: Time) -> (u64, Time) {
        if self.cfg.fidelity == Fidelity::Flow {
            return super::flow::lost_writes(self, c, standby, at);
        }
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

    fn db_primary_lost(&mut self, c: usize, inc: u32, corrupt: bool) {
        let Some(cfg) = self.db_cfg(c).cloned() else {
            return;
        };
        let now = self.now;
        let cs = &self.comps[c];
        let primary = cs.db.primary;
        // best live replica: hot, then warm, then cold
        let mut best: Option<(u32, StandbyKind)> = None;
        for k in 0..cs.count {
            if k == primary || !self.nodes[(cs.first + k) as usize].alive() {
                continue;
            }
            let sk = cs
                .db
                .standby
                .get(k as usize)
                .copied()
                .unwrap_or(StandbyKind::Hot);
            let rank = |s: StandbyKind| match s {
                StandbyKind::Hot => 0,
                StandbyKind::Warm => 1,
                StandbyKind::Cold => 2,
            };
            if best.is_none_or(|(_, b)| rank(sk) < rank(b)) {
                best = Some((k, sk));
            }
        }
        self.comps[c].db.available = false;
        self.comps[c].db.inc = inc;
        self.comps[c].db.epoch += 1;
        let epoch = self.comps[c].db.epoch;
        let decide = cfg.detection + cfg.manual.unwrap_or(0);
        if corrupt {
            // replicas copied the corruption: restore from the last backup
            let (n, rpo) = self.lost_writes(c, StandbyKind::Cold, now);
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
        let (n, rpo) = self.lost_writes(c, sk, now);
        self.metrics.writes_lost(inc, n, rpo);
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

    fn on_db_promote(&mut self, comp: u32, epoch: u32) {
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
        let cs = &self.comps[c];
        let primary = cs.db.primary;
        let target = (0..cs.count)
            .filter(|k| *k != primary && self.nodes[(cs.first + k) as usize].alive())
            .min_by_key(|k| match cs.db.standby.get(*k as usize) {
                Some(StandbyKind::Hot) | None => 0,
                Some(StandbyKind::Warm) => 1,
                Some(StandbyKind::Cold) => 2,
            });
        match target {
            Some(k) => {
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
                self.comps[c].db.pending = false;
            }
        }
    }

    fn update_cut_since(&mut self, c: usize) {
        let cut = self.repl_cut(c).is_some();
        let db = &mut self.comps[c].db;
        if cut && db.cut_since.is_none() {
            db.cut_since = Some(self.now);
        } else if !cut {
            db.cut_since = None;
        }
    }

    // ---------------------------------------------------------------- node state

    fn detect_delay(&mut self, c: usize, healthy: bool) -> Time {
        let h = &self.cfg.components[c].router.health;
        let interval = h.interval.max(1);
        let phase = self.rng_hc[c].exp_us(0.0) + (self.rng_hc[c].unit() * interval as f64) as Time;
        if healthy {
            phase + interval * u64::from(h.rise.max(1) - 1)
        } else {
            phase + interval * u64::from(h.fall.max(1) - 1) + h.timeout
        }
    }

    fn is_tier(&self, c: usize) -> bool {
        matches!(
            self.cfg.components[c].kind,
            KindCfg::Web | KindCfg::App { .. } | KindCfg::Store { .. } | KindCfg::Cache { .. }
        ) || matches!(
            self.cfg.components[c].kind,
            KindCfg::Queue { standby: false, .. }
        )
    }

    /// What the LB's health check would see now.
    pub(crate) fn healthy(&self, n: u32) -> bool {
        let nd = &self.nodes[n as usize];
        nd.alive() && nd.hung == 0 && !nd.admin_down
    }

    /// Something changed about a node's health: schedule the LB's verdict.
    pub fn health_changed(&mut self, n: u32) {
        let c = self.nodes[n as usize].comp as usize;
        self.nodes[n as usize].epoch += 1;
        if !self.is_tier(c) {
            return;
        }
        let healthy = self.healthy(n);
        if self.nodes[n as usize].admin_down {
            self.nodes[n as usize].marked_up = false;
            self.lb_gen += 1;
            return;
        }
        if healthy != self.nodes[n as usize].marked_up {
            let d = self.detect_delay(c, healthy);
            let epoch = self.nodes[n as usize].epoch;
            self.schedule(self.now + d, StateEvent::Detect { node: n, epoch });
        }
    }

    fn on_detect(&mut self, n: u32, epoch: u32) {
        if self.nodes[n as usize].epoch != epoch {
            return;
        }
        let healthy = self.healthy(n);
        let nd = &mut self.nodes[n as usize];
        if nd.marked_up == healthy {
            return;
        }
        nd.marked_up = healthy;
        self.lb_gen += 1;
        let c = nd.comp as usize;
        let inc = nd.inc;
        let since = nd.down_since;
        let id = &self.cfg.components[c].id;
        let local = self.nodes[n as usize].local;
        if !healthy {
            let text = format!(
                "{id}#{local} marked down by health checks after {:.1} s",
                secs(self.now.saturating_sub(since))
            );
            self.metrics.recovery_soft(inc, self.now, text);
            self.maybe_activate_spare(c);
        }
    }

    fn maybe_activate_spare(&mut self, c: usize) {
        let comp = &self.cfg.components[c];
        if comp.spares == 0 || comp.spare_mode == SpareMode::Hot {
            return;
        }
        let cs = &self.comps[c];
        let serving_ok = (0..cs.count)
            .filter(|k| {
                let nd = &self.nodes[(cs.first + k) as usize];
                nd.serving && nd.alive()
            })
            .count() as u32;
        if serving_ok >= comp.nodes {
            return;
        }
        let spare = (0..cs.count).map(|k| cs.first + k).find(|n| {
            let nd = &self.nodes[*n as usize];
            !nd.serving && nd.alive()
        });
        if let Some(s) = spare {
            let delay = comp.spare_delay;
            self.nodes[s as usize].serving = true; // reserved now, serves after the delay
            self.lb_gen += 1;
            self.nodes[s as usize].marked_up = false;
            self.lb_gen += 1;
            self.nodes[s as usize].epoch += 1;
            let epoch = self.nodes[s as usize].epoch;
            self.schedule(
                self.now + delay,
                StateEvent::SpareActivate { node: s, epoch },
            );
        }
    }

    fn on_spare(&mut self, n: u32, epoch: u32) {
        if self.nodes[n as usize].epoch != epoch {
            return;
        }
        let c = self.nodes[n as usize].comp as usize;
        self.nodes[n as usize].marked_up = self.healthy(n);
        self.lb_gen += 1;
        // a failed serving node becomes a spare when it comes back
        let cs = &self.comps[c];
        for k in 0..cs.count {
            let m = (cs.first + k) as usize;
            if self.nodes[m].serving && !self.nodes[m].alive() {
                self.nodes[m].serving = false;
                self.lb_gen += 1;
                let inc = self.nodes[m].inc;
                let id = self.cfg.components[c].id.clone();
                let local = self.nodes[n as usize].local;
                self.metrics
                    .recovery(inc, self.now, format!("spare {id}#{local} took over"));
                break;
            }
        }
    }

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
        let queued: Vec<u32> = self.nodes[n as usize].queue.drain(..).collect();
        for r in queued {
            self.fail(r, Cause::NodeCrash, inc);
        }
        self.health_changed(n);
        if self.cfg.fidelity == Fidelity::Request {
            self.lose_sessions(n, inc, loss);
        } else {
            super::flow::node_down(self, n, inc, loss);
        }
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

    fn schedule_takeover(&mut self, c: usize) {
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

    fn on_takeover(&mut self, comp: u32, epoch: u32) {
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
        if self.cfg.fidelity == Fidelity::Flow {
            super::flow::node_up(self, n);
        }
        self.path_changed(c as u32);
    }

    /// Sessions held by a dead app node: lost unless a replica survives.
    fn lose_sessions(&mut self, n: u32, inc: u32, loss: Loss) {
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

    // ---------------------------------------------------------------- faults

    fn targets(&self, comp: u32, node: Option<u32>) -> Vec<u32> {
        let Some(cs) = self.comps.get(comp as usize) else {
            return Vec::new();
        };
        match node {
            Some(k) if k < cs.count => vec![cs.first + k],
            Some(_) => Vec::new(),
            None => (0..cs.count).map(|k| cs.first + k).collect(),
        }
    }

    fn comp_id(&self, comp: u32) -> String {
        self.cfg
            .components
            .get(comp as usize)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    fn site_id(&self, site: u32) -> String {
        self.cfg
            .sites
            .get(site as usize)
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }

    fn node_label(&self, comp: u32, node: Option<u32>) -> String {
        match node {
            Some(k) => format!("{}#{k}", self.comp_id(comp)),
            None => self.comp_id(comp),
        }
    }

    fn on_random_fail(&mut self, n: u32) {
        let nd = &self.nodes[n as usize];
        let c = nd.comp as usize;
        let label = format!("{}#{}", self.cfg.components[c].id, nd.local);
        let inc = self
            .metrics
            .new_incident(self.now, "random failure", &label);
        self.node_down(n, inc, Loss::NodeCrash);
        let d = self.repair_time(c);
        self.schedule(
            self.now + d,
            StateEvent::NodeRepair {
                node: n,
                incident: inc,
            },
        );
    }

    fn repair_time(&mut self, c: usize) -> Time {
        let Some(f) = self.cfg.components[c].failure.clone() else {
            return 0;
        };
        match f.repair {
            RepairCfg::Exponential => self.rng_fail[c].exp_us(f.mttr as f64),
            RepairCfg::Lognormal(sigma) => self.rng_fail[c].lognormal_us(f.mttr as f64, sigma),
            RepairCfg::Fixed => f.mttr,
        }
    }

    fn push_stage(&mut self, fault: u32, stage: u32, at: Time) {
        self.schedule(at, StateEvent::Fault { fault, stage });
    }

    /// For faults without a duration on components with random failures: a random repair.
    fn end_of(&mut self, comp: u32, duration: Option<Time>) -> Option<Time> {
        match duration {
            Some(d) => Some(self.now + d),
            None => {
                let c = comp as usize;
                if c < self.cfg.components.len() && self.cfg.components[c].failure.is_some() {
                    Some(self.now + self.repair_time(c))
                } else {
                    None
                }
            }
        }
    }

    fn on_fault(&mut self, fault: u32, stage: u32) {
        let Some(f) = self.cfg.faults.get(fault as usize).cloned() else {
            return;
        };
        let now = self.now;
        let fi = fault as usize;
        match f {
            FaultCfg::Crash(nf) => {
                if stage == 0 {
                    let inc =
                        self.metrics
                            .new_incident(now, "crash", &self.node_label(nf.comp, nf.node));
                    self.fault_incs[fi] = inc;
                    for n in self.targets(nf.comp, nf.node) {
                        self.node_down(n, inc, Loss::NodeCrash);
                    }
                    if let Some(end) = self.end_of(nf.comp, nf.duration) {
                        self.push_stage(fault, 1, end);
                    }
                } else {
                    for n in self.targets(nf.comp, nf.node) {
                        self.node_up(n);
                    }
                    let inc = self.fault_incs[fi];
                    self.metrics.clear_incident(inc, now);
                }
            }
            FaultCfg::Hang(nf) => {
                if stage == 0 {
                    let inc =
                        self.metrics
                            .new_incident(now, "hang", &self.node_label(nf.comp, nf.node));
                    self.fault_incs[fi] = inc;
                    for n in self.targets(nf.comp, nf.node) {
                        self.nodes[n as usize].hung += 1;
                        self.nodes[n as usize].inc = inc;
                        self.nodes[n as usize].down_since = now;
                        self.health_changed(n);
                    }
                    if let Some(end) = self.end_of(nf.comp, nf.duration) {
                        self.push_stage(fault, 1, end);
                    }
                } else {
                    for n in self.targets(nf.comp, nf.node) {
                        let nd = &mut self.nodes[n as usize];
                        nd.hung = nd.hung.saturating_sub(1);
                        self.health_changed(n);
                        // requests that queued while it hung
                        self.release_all(n);
                    }
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
            }
            FaultCfg::ErrorRate(nf, rate) => {
                if stage == 0 {
                    let inc = self.metrics.new_incident(
                        now,
                        "error_rate",
                        &self.node_label(nf.comp, nf.node),
                    );
                    self.fault_incs[fi] = inc;
                    for n in self.targets(nf.comp, nf.node) {
                        self.nodes[n as usize].err_rate = rate.clamp(0.0, 1.0);
                        self.nodes[n as usize].err_inc = inc;
                    }
                    if let Some(end) = self.end_of(nf.comp, nf.duration) {
                        self.push_stage(fault, 1, end);
                    }
                } else {
                    for n in self.targets(nf.comp, nf.node) {
                        self.nodes[n as usize].err_rate = 0.0;
                    }
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
            }
            FaultCfg::Latency(nf, added) => {
                if stage == 0 {
                    let inc = self.metrics.new_incident(
                        now,
                        "latency",
                        &self.node_label(nf.comp, nf.node),
                    );
                    self.fault_incs[fi] = inc;
                    for n in self.targets(nf.comp, nf.node) {
                        self.nodes[n as usize].added += added;
                    }
                    if let Some(end) = self.end_of(nf.comp, nf.duration) {
                        self.push_stage(fault, 1, end);
                    }
                } else {
                    for n in self.targets(nf.comp, nf.node) {
                        let nd = &mut self.nodes[n as usize];
                        nd.added = nd.added.saturating_sub(added);
                    }
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
            }
            FaultCfg::Corruption(nf) => {
                let is_db = matches!(
                    self.cfg.components.get(nf.comp as usize).map(|c| &c.kind),
                    Some(KindCfg::Database(_))
                );
                if stage == 0 {
                    let inc = self.metrics.new_incident(
                        now,
                        "corruption",
                        &self.node_label(nf.comp, nf.node),
                    );
                    self.fault_incs[fi] = inc;
                    if is_db {
                        let c = nf.comp as usize;
                        self.comps[c].db.corrupt = true;
                        self.db_primary_lost(c, inc, true);
                        // until detected, the corrupt primary answers with errors
                        self.comps[c].db.available = true;
                        let detect = self
                            .db_cfg(c)
                            .map(|d| d.detection + d.manual.unwrap_or(0))
                            .unwrap_or(0);
                        self.push_stage(fault, 2, now + detect);
                    } else {
                        for n in self.targets(nf.comp, nf.node) {
                            self.nodes[n as usize].err_rate = 1.0;
                            self.nodes[n as usize].err_inc = inc;
                        }
                        if let Some(end) = self.end_of(nf.comp, nf.duration) {
                            self.push_stage(fault, 1, end);
                        }
                    }
                } else if stage == 1 {
                    for n in self.targets(nf.comp, nf.node) {
                        self.nodes[n as usize].err_rate = 0.0;
                    }
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                } else {
                    // detected: the database is taken down for the restore
                    let c = nf.comp as usize;
                    if self.comps[c].db.corrupt {
                        self.comps[c].db.available = false;
                    }
                }
            }
            FaultCfg::Leak {
                comp,
                node,
                exhaustion,
                restart,
                ..
            } => match stage {
                0 => {
                    let inc = self
                        .metrics
                        .new_incident(now, "leak", &self.node_label(comp, node));
                    self.fault_incs[fi] = inc;
                    for n in self.targets(comp, node) {
                        self.nodes[n as usize].leak = Some((now, exhaustion));
                        self.nodes[n as usize].inc = inc;
                    }
                    self.push_stage(fault, 1, now + exhaustion);
                }
                1 => {
                    let inc = self.fault_incs[fi];
                    for n in self.targets(comp, node) {
                        self.node_down(n, inc, Loss::NodeCrash);
                    }
                    self.push_stage(fault, 2, now + restart);
                }
                _ => {
                    for n in self.targets(comp, node) {
                        self.node_up(n);
                    }
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
            },
            FaultCfg::Flapping {
                comp,
                node,
                down,
                up,
                cycles,
                ..
            } => {
                if stage == 0 {
                    let inc =
                        self.metrics
                            .new_incident(now, "flapping", &self.node_label(comp, node));
                    self.fault_incs[fi] = inc;
                }
                let inc = self.fault_incs[fi];
                if stage >= 2 * cycles.min(100_000) {
                    self.metrics.clear_incident(inc, now);
                    return;
                }
                if stage.is_multiple_of(2) {
                    for n in self.targets(comp, node) {
                        self.node_down(n, inc, Loss::NodeCrash);
                    }
                    self.push_stage(fault, stage + 1, now + down.max(1));
                } else {
                    for n in self.targets(comp, node) {
                        self.node_up(n);
                    }
                    if stage + 1 >= 2 * cycles {
                        self.metrics.clear_incident(inc, now);
                    } else {
                        self.push_stage(fault, stage + 1, now + up.max(1));
                    }
                }
            }
            FaultCfg::SiteOutage { site, duration, .. } => {
                if site as usize >= self.sites.len() {
                    return;
                }
                if stage == 0 {
                    let inc = self
                        .metrics
                        .new_incident(now, "site_outage", &self.site_id(site));
                    self.fault_incs[fi] = inc;
                    self.sites[site as usize].down += 1;
                    self.sites[site as usize].inc = inc;
                    for n in 0..self.nodes.len() as u32 {
                        if self.nodes[n as usize].site == site {
                            self.node_down(n, inc, Loss::SiteDown);
                        }
                    }
                    self.site_changed(site);
                    if self.cfg.fidelity == Fidelity::Flow {
                        super::flow::changed(self);
                    }
                    if let Some(d) = duration {
                        self.push_stage(fault, 1, now + d);
                    }
                } else {
                    let s = &mut self.sites[site as usize];
                    s.down = s.down.saturating_sub(1);
                    for n in 0..self.nodes.len() as u32 {
                        if self.nodes[n as usize].site == site {
                            self.node_up(n);
                        }
                    }
                    self.site_changed(site);
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
            }
            FaultCfg::Partition {
                a,
                b,
                one_way,
                comp,
                duration,
                ..
            } => {
                if stage == 0 {
                    let label = match comp {
                        Some(c) => format!(
                            "{}-{} ({})",
                            self.site_id(a),
                            self.site_id(b),
                            self.comp_id(c)
                        ),
                        None => format!("{}-{}", self.site_id(a), self.site_id(b)),
                    };
                    let inc = self.metrics.new_incident(now, "partition", &label);
                    self.fault_incs[fi] = inc;
                    self.partitions.push(ActivePartition {
                        fault,
                        a,
                        b,
                        one_way,
                        comp: comp.unwrap_or(NONE),
                        inc,
                    });
                    if let Some(d) = duration {
                        self.push_stage(fault, 1, now + d);
                    }
                } else {
                    self.partitions.retain(|p| p.fault != fault);
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
                for c in 0..self.comps.len() {
                    if matches!(self.cfg.components[c].kind, KindCfg::Database(_)) {
                        self.update_cut_since(c);
                    }
                }
                // deep health checks (`/lb-check`) see a cut path: global routing re-checks
                match comp {
                    Some(c) => self.path_changed(c),
                    None => {
                        for e in 0..self.cfg.entries.len() {
                            self.path_changed(self.cfg.entries[e]);
                        }
                    }
                }
                if self.cfg.fidelity == Fidelity::Flow {
                    super::flow::changed(self);
                }
            }
            FaultCfg::TrafficSpike { duration, .. } => {
                if stage == 0 {
                    let inc = self.metrics.new_incident(now, "traffic_spike", "clients");
                    self.fault_incs[fi] = inc;
                    self.spike = self.cfg.spike_at(now);
                    self.push_stage(fault, 1, now + duration);
                } else {
                    // recomputed from the spikes active now: a factor-0 spike ending never
                    // forgets the others, and float division never drifts
                    self.spike = self.cfg.spike_at(now);
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
                if self.cfg.fidelity == Fidelity::Flow {
                    super::flow::changed(self);
                }
            }
            FaultCfg::DnsFailure { duration, .. } => {
                if stage == 0 {
                    let inc = self.metrics.new_incident(now, "dns_failure", "dns");
                    self.fault_incs[fi] = inc;
                    self.dns_down += 1;
                    self.dns_inc = inc;
                    if let Some(d) = duration {
                        self.push_stage(fault, 1, now + d);
                    }
                } else {
                    self.dns_down = self.dns_down.saturating_sub(1);
                    self.metrics.clear_incident(self.fault_incs[fi], now);
                }
                if self.cfg.fidelity == Fidelity::Flow {
                    super::flow::changed(self);
                }
            }
            FaultCfg::RollingRestart {
                comp,
                batch,
                drain,
                restart,
                ..
            } => {
                let Some(cs) = self.comps.get(comp as usize) else {
                    return;
                };
                let count = self.cfg.components[comp as usize].nodes.min(cs.count);
                let batch = batch.max(1);
                let b = stage / 3;
                if stage == 0 {
                    let inc =
                        self.metrics
                            .new_incident(now, "rolling_restart", &self.comp_id(comp));
                    self.fault_incs[fi] = inc;
                }
                let inc = self.fault_incs[fi];
                let first = self.comps[comp as usize].first;
                let lo = b * batch;
                if lo >= count {
                    self.metrics.clear_incident(inc, now);
                    return;
                }
                let hi = (lo + batch).min(count);
                let batch_nodes: Vec<u32> = (lo..hi).map(|k| first + k).collect();
                self.planned_stage(stage % 3, &batch_nodes, inc);
                let next_at = match stage % 3 {
                    0 => now + drain,
                    1 => now + restart,
                    _ => now,
                };
                self.push_stage(fault, stage + 1, next_at);
            }
            FaultCfg::BlueGreen {
                blue,
                green,
                drain,
                deploy,
                ..
            } => {
                if stage == 0 {
                    let label = format!("{} -> {}", self.comp_id(blue), self.comp_id(green));
                    let inc = self.metrics.new_incident(now, "blue_green", &label);
                    self.fault_incs[fi] = inc;
                }
                let inc = self.fault_incs[fi];
                if stage >= 6 {
                    self.metrics.clear_incident(inc, now);
                    return;
                }
                let comp = if stage < 3 { blue } else { green };
                let nodes = self.targets(comp, None);
                // Request level: the drain ends as soon as every session of the drained cluster
                // has ended (old sessions keep going to it, new ones go elsewhere), `drain` at
                // the latest; the flow level waits the whole `drain`.
                let poll = if self.cfg.fidelity == Fidelity::Flow {
                    drain
                } else {
                    DRAIN_POLL.min(drain)
                };
                if stage.is_multiple_of(3) {
                    self.fault_since[fi] = now;
                } else if stage % 3 == 1 && poll < drain {
                    let deadline = self.fault_since[fi] + drain;
                    if now < deadline && self.has_sessions(&nodes) {
                        self.push_stage(fault, stage, (now + poll).min(deadline));
                        return;
                    }
                }
                self.planned_stage(stage % 3, &nodes, inc);
                let next_at = match stage % 3 {
                    0 => now + poll,
                    1 => now + deploy,
                    _ => now,
                };
                self.push_stage(fault, stage + 1, next_at);
            }
            FaultCfg::SiteSwitchover { from, to, .. } => {
                let label = format!("{} -> {}", self.site_id(from), self.site_id(to));
                let inc = self.metrics.new_incident(now, "site_switchover", &label);
                self.fault_incs[fi] = inc;
                if let Some(s) = self.sites.get_mut(from as usize) {
                    s.admin_out = true;
                }
                if let Some(s) = self.sites.get_mut(to as usize) {
                    s.admin_out = false;
                }
                let target = self
                    .cfg
                    .entries
                    .iter()
                    .position(|e| self.cfg.components[*e as usize].site == to);
                if let Some(t) = target {
                    self.single_entry = t as u32;
                }
                // a graceful preference change: the new site is announced at once, before the
                // old one is withdrawn (no gap in which neither is listed)
                let global = !matches!(self.cfg.routing, RoutingCfg::Single);
                for e in 0..self.cfg.entries.len() {
                    if global && self.cfg.components[self.cfg.entries[e] as usize].site == to {
                        self.schedule(now, StateEvent::RouteUpdate { entry: e as u32 });
                    }
                }
                self.site_changed(from);
                self.metrics.clear_incident(inc, now);
            }
            FaultCfg::DbSwitchover { comp, .. } => {
                let c = comp as usize;
                if !matches!(
                    self.cfg.components.get(c).map(|x| &x.kind),
                    Some(KindCfg::Database(_))
                ) {
                    return;
                }
                if stage == 0 {
                    let inc = self
                        .metrics
                        .new_incident(now, "db_switchover", &self.comp_id(comp));
                    self.fault_incs[fi] = inc;
                    self.comps[c].db.switching = true;
                    self.comps[c].db.inc = inc;
                    let promo = self.db_cfg(c).map(|d| d.promotion).unwrap_or(0);
                    self.push_stage(fault, 1, now + promo);
                    if self.cfg.fidelity == Fidelity::Flow {
                        super::flow::changed(self);
                    }
                } else {
                    let cs = &self.comps[c];
                    let target = (0..cs.count).find(|k| {
                        *k != cs.db.primary && self.nodes[(cs.first + k) as usize].alive()
                    });
                    if let Some(k) = target {
                        self.comps[c].db.primary = k;
                    }
                    self.comps[c].db.switching = false;
                    let inc = self.fault_incs[fi];
                    let id = self.comp_id(comp);
                    self.metrics
                        .recovery(inc, now, format!("planned switch of {id} to a replica"));
                    self.metrics.clear_incident(inc, now);
                    self.update_cut_since(c);
                    if self.cfg.fidelity == Fidelity::Flow {
                        super::flow::changed(self);
                    }
                }
            }
        }
    }

    /// Does a live session still have its home on one of these nodes?
    fn has_sessions(&self, nodes: &[u32]) -> bool {
        self.sessions
            .iter()
            .any(|s| s.live && !s.lost && s.home != NONE && nodes.contains(&s.home))
    }

    /// Planned maintenance of some nodes: 0 = drain, 1 = down, 2 = back up.
    fn planned_stage(&mut self, step: u32, nodes: &[u32], inc: u32) {
        if step == 0 {
            for &n in nodes {
                self.nodes[n as usize].drained = true;
                self.lb_gen += 1;
            }
            for &n in nodes {
                self.migrate_sessions(n);
            }
        }
        for &n in nodes {
            match step {
                0 => {}
                1 => {
                    self.nodes[n as usize].admin_down = true;
                    self.lb_gen += 1;
                    self.node_down(n, inc, Loss::PlannedRestart);
                }
                _ => {
                    let nd = &mut self.nodes[n as usize];
                    nd.drained = false;
                    self.lb_gen += 1;
                    nd.admin_down = false;
                    self.lb_gen += 1;
                    self.node_up(n);
                    // brought back by the operator: enabled in the LB at once
                    if self.healthy(n) {
                        self.nodes[n as usize].marked_up = true;
                        self.lb_gen += 1;
                        self.nodes[n as usize].epoch += 1;
                    }
                }
            }
        }
        if self.cfg.fidelity == Fidelity::Flow {
            super::flow::changed(self);
        }
    }

    /// Draining: a replicated session moves to a node that is not being drained (its state is
    /// already there or is copied on the way); an unreplicated one stays to finish or be lost.
    fn migrate_sessions(&mut self, n: u32) {
        let c = self.nodes[n as usize].comp as usize;
        let KindCfg::App { replication, .. } = self.cfg.components[c].kind else {
            return;
        };
        if replication == Repl::None || self.cfg.fidelity == Fidelity::Flow {
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

    fn release_all(&mut self, n: u32) {
        while self.nodes[n as usize].busy < self.effective_workers(n)
            && !self.nodes[n as usize].queue.is_empty()
        {
            self.nodes[n as usize].busy += 1;
            self.release(n);
        }
    }

    /// A site went down or came back, or was switched out: update global routing after its delay.
    fn site_changed(&mut self, site: u32) {
        let delay = match self.cfg.routing {
            RoutingCfg::Single => return,
            RoutingCfg::Dns { detection, .. } => detection,
            RoutingCfg::Bgp {
                detection,
                convergence,
                ..
            } => detection + convergence,
        };
        for e in 0..self.cfg.entries.len() {
            if self.cfg.components[self.cfg.entries[e] as usize].site == site {
                let admin = self.sites.get(site as usize).is_some_and(|s| s.admin_out);
                let d = if admin { 0 } else { delay };
                self.schedule(self.now + d, StateEvent::RouteUpdate { entry: e as u32 });
            }
        }
    }

    /// Can this component answer at all (ignoring which node)?
    fn comp_available(&self, c: usize) -> bool {
        let cs = &self.comps[c];
        match self.cfg.components[c].kind.clone_light() {
            Light::Db => cs.db.available && !cs.db.switching && !cs.db.corrupt,
            Light::Cache(..) => !self.cfg.components[c].required || self.alive_count(c).0 > 0,
            Light::Skip => true,
            Light::Pair | Light::Tier => {
                (0..cs.count).any(|k| self.nodes[(cs.first + k) as usize].alive())
            }
        }
    }

    /// What a global router's health check of an entry sees: the entry itself, or with a deep
    /// check (`/lb-check`) everything behind it.
    fn entry_healthy(&self, entry: u32) -> bool {
        let c0 = self.cfg.entries[entry as usize] as usize;
        let deep = matches!(
            self.cfg.components[c0].kind,
            KindCfg::LoadBalancer { deep: true, .. }
        );
        if deep {
            // `/lb-check` also fails when a partition cuts the path between two hops
            let mut prev = (NONE, NONE);
            self.paths[entry as usize].iter().all(|h| {
                let c = h.comp as usize;
                let site = self.cfg.components[c].site;
                let cut = prev.0 != NONE
                    && site != NONE
                    && prev.0 != site
                    && self.cut(prev.0, site, prev.1, h.comp).is_some();
                prev = (site, h.comp);
                !cut && self.comp_available(c)
            })
        } else {
            self.comp_available(c0)
        }
    }

    /// A component's availability may have changed: global routing re-checks the entries whose
    /// path holds it, after its detection delay.
    fn path_changed(&mut self, c: u32) {
        let delay = match self.cfg.routing {
            RoutingCfg::Single => return,
            RoutingCfg::Dns { detection, .. } => detection,
            RoutingCfg::Bgp {
                detection,
                convergence,
                ..
            } => detection + convergence,
        };
        for e in 0..self.paths.len() {
            if self.paths[e].iter().any(|h| h.comp == c) {
                self.schedule(
                    self.now + delay,
                    StateEvent::RouteUpdate { entry: e as u32 },
                );
            }
        }
    }

    fn on_route_update(&mut self, entry: u32) {
        let comp = self.cfg.entries[entry as usize] as usize;
        let site = self.cfg.components[comp].site;
        let ok = self
            .sites
            .get(site as usize)
            .is_none_or(|s| s.down == 0 && !s.admin_out)
            && self.entry_healthy(entry);
        let was = self.listed[entry as usize];
        self.listed[entry as usize] = ok;
        if was && !ok {
            let inc = match self.sites.get(site as usize) {
                Some(s) if s.down > 0 => s.inc,
                _ => self
                    .metrics
                    .open_incident(self.now)
                    .map(|i| i as u32)
                    .unwrap_or(NONE),
            };
            let what = match self.cfg.routing {
                RoutingCfg::Bgp { .. } => "route withdrawn",
                _ => "DNS record withdrawn",
            };
            let id = if site == NONE {
                self.comp_id(comp as u32)
            } else {
                self.site_id(site)
            };
            self.metrics
                .recovery(inc, self.now, format!("{what} for {id}"));
        }
        if self.cfg.fidelity == Fidelity::Flow {
            super::flow::changed(self);
        }
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

fn same_family(a: &KindCfg, b: &KindCfg) -> bool {
    matches!(
        (a, b),
        (KindCfg::Web, KindCfg::Web) | (KindCfg::App { .. }, KindCfg::App { .. })
    )
}

/// Flattens the call graph from an entry into the sequence of hops a request visits.
pub fn build_path(cfg: &Config, entry: u32) -> Vec<Hop> {
    fn visit(cfg: &Config, c: u32, stack: &mut Vec<u32>, out: &mut Vec<Hop>, alt: u32) {
        if out.len() >= MAX_HOPS || stack.contains(&c) || c as usize >= cfg.components.len() {
            return;
        }
        stack.push(c);
        let idx = out.len();
        out.push(Hop {
            comp: c,
            alt,
            skip: 0,
        });
        let next = &cfg.components[c as usize].next;
        let mut i = 0;
        while i < next.len() {
            let n = next[i];
            let mut alt = NONE;
            if let Some(m) = next.get(i + 1) {
                let (kn, km) = (
                    cfg.components.get(n as usize).map(|x| &x.kind),
                    cfg.components.get(*m as usize).map(|x| &x.kind),
                );
                if let (Some(kn), Some(km)) = (kn, km) {
                    if same_family(kn, km) {
                        alt = *m;
                    }
                }
            }
            visit(cfg, n, stack, out, alt);
            i += if alt != NONE { 2 } else { 1 };
        }
        out[idx].skip = out.len() as u32;
        if !matches!(cfg.components[c as usize].kind, KindCfg::Cache { .. }) {
            out[idx].skip = idx as u32 + 1;
        }
        stack.pop();
    }
    let mut out = Vec::new();
    visit(cfg, entry, &mut Vec::new(), &mut out, NONE);
    out
}

/// `secs` for recovery texts.
fn secs(t: Time) -> f64 {
    super::time::secs(t)
}
