//! The world's state alone: nodes, components, sites, partitions, listed entries, the request
//! plane's sessions and requests, the flow plane's populations, and read accessors (alive
//! counts, health as a check sees it, cuts, latency). No handlers: those are in `engine`,
//! `control`, `request` and `flow`, as further `impl World` blocks.

pub(super) use super::entities::*;

use super::config::*;
use super::entities::DataPlane;
use super::event::{Event, StateEvent};
use super::flow_state::FlowState;
use super::limits::MAX_NODES_PER_COMPONENT;
use super::metrics::Metrics;
use super::policy::{standby_of, Light, Station};
use super::rng::Stream;
use super::time::{EventQueue, Time};
use super::topology::{build_path, Hop};
use super::trace::Recorder;
use slab::Slab;
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
    /// The pending state-changing events, in a slab ([`Event::State`] holds the key).
    pub state_events: Slab<StateEvent>,
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
    pub(crate) arrival_gap_us: f64,
    /// A constant profile and `max_rate` equal to the session rate: without a spike in
    /// progress every candidate arrival is accepted (the thinning ratio is exactly 1).
    pub(crate) flat_rate: bool,
    pub fault_incs: Vec<u32>,
    /// When a fault's current phase started (blue/green drains).
    pub fault_since: Vec<Time>,
    pub flow: FlowState,
    /// Which data plane carries the traffic (from `cfg.fidelity`).
    pub plane: DataPlane,
    /// The state trace, when asked for (`None` by default: see `trace.rs`).
    pub trace: Option<Box<Recorder>>,
    pub(crate) stations: Vec<Station>,
    /// Bumped whenever a node's `serving`, `marked_up`, `admin_down` or `drained` changes: the
    /// LB's cached lists of eligible nodes (`elig`) are rebuilt when it moved.
    pub(crate) lb_gen: u64,
    pub(crate) elig: Vec<EligCache>,
    /// Set when a budget stopped the run (`cfg.budget`); no event is handled after it.
    pub stopped: Option<Stop>,
    /// The event count at which the budgets are checked next.
    pub(crate) check_at: u64,
}

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
            let count = c.total_nodes().min(MAX_NODES_PER_COMPONENT);
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
        let fidelity = cfg.fidelity;
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
            state_events: Slab::new(),
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
            fault_since: vec![0; n_faults],
            flow: FlowState::default(),
            plane: DataPlane::from(fidelity),
            stations,
            lb_gen: 1,
            elig: vec![EligCache::default(); n_comps],
            trace: None,
            stopped: None,
            check_at: 0,
        };
        w.start();
        w
    }

    pub(crate) fn any_site_inc(&self) -> u32 {
        self.sites
            .iter()
            .rev()
            .find(|s| s.down > 0)
            .map(|s| s.inc)
            .unwrap_or(NONE)
    }

    pub(crate) fn entry_of(&self, req: u32) -> u32 {
        self.reqs[req as usize].entry
    }

    pub(crate) fn buddy_of(&self, node: u32) -> u32 {
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

    pub(crate) fn alive_count(&self, c: usize) -> (u32, u32) {
        let cs = &self.comps[c];
        let alive = (0..cs.count)
            .filter(|k| self.nodes[(cs.first + k) as usize].alive())
            .count() as u32;
        (alive, cs.count)
    }

    pub(crate) fn nth_alive(&self, c: usize, k: u32) -> u32 {
        let cs = &self.comps[c];
        (0..cs.count)
            .map(|i| cs.first + i)
            .filter(|n| self.nodes[*n as usize].alive())
            .nth(k as usize)
            .unwrap_or(cs.first)
    }

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

    pub(crate) fn db_cfg(&self, c: usize) -> Option<&DbCfg> {
        match &self.cfg.components[c].kind {
            KindCfg::Database(d) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn is_tier(&self, c: usize) -> bool {
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

    pub(crate) fn targets(&self, comp: u32, node: Option<u32>) -> Vec<u32> {
        let Some(cs) = self.comps.get(comp as usize) else {
            return Vec::new();
        };
        match node {
            Some(k) if k < cs.count => vec![cs.first + k],
            Some(_) => Vec::new(),
            None => (0..cs.count).map(|k| cs.first + k).collect(),
        }
    }

    pub(crate) fn comp_id(&self, comp: u32) -> String {
        self.cfg
            .components
            .get(comp as usize)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    pub(crate) fn site_id(&self, site: u32) -> String {
        self.cfg
            .sites
            .get(site as usize)
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }

    pub(crate) fn node_label(&self, comp: u32, node: Option<u32>) -> String {
        match node {
            Some(k) => format!("{}#{k}", self.comp_id(comp)),
            None => self.comp_id(comp),
        }
    }

    /// Can this component answer at all (ignoring which node)?
    pub(crate) fn comp_available(&self, c: usize) -> bool {
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

    /// The best live replica of database `c` (never the primary) by [`StandbyKind`] order
    /// (hot, then warm, then cold; the first of equals), and its kind.
    pub(crate) fn best_replica(&self, c: usize) -> Option<(u32, StandbyKind)> {
        let cs = &self.comps[c];
        (0..cs.count)
            .filter(|k| *k != cs.db.primary && self.nodes[(cs.first + k) as usize].alive())
            .map(|k| (k, standby_of(&cs.db, k)))
            .min_by_key(|(_, s)| *s)
    }
}

impl World {
    /// The engine's estimate of the memory it holds, in bytes: pending events, sessions and
    /// requests (with their free lists), incident records, markers, the series and the trace.
    /// What it leaves out (configuration, paths, nodes) is fixed at the start.
    pub(crate) fn memory_estimate(&self) -> u64 {
        use std::mem::size_of;
        let m = &self.metrics;
        let n = |len: usize, each: usize| (len as u64).saturating_mul(each as u64);
        n(self.queue.len(), 16)
            + n(self.state_events.len(), size_of::<StateEvent>() + 8)
            + n(self.sessions.len(), size_of::<Session>())
            + n(self.free_sessions.len() + self.free_reqs.len(), 4)
            + n(self.reqs.len(), size_of::<Req>())
            + n(
                m.incidents.len(),
                size_of::<super::metrics::IncidentRec>() + 64,
            )
            + n(
                m.markers.len() + m.unkept[1] as usize,
                size_of::<(Time, String)>() + 32,
            )
            + n(
                m.s_t.len() + m.unkept[0] as usize,
                8 * 8 + 8 * super::metrics::NC,
            )
            + self.trace.as_ref().map_or(0, |t| t.memory_estimate())
    }
}
