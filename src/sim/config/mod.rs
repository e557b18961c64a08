//! The engine's configuration: ids resolved to indices, durations in µs, defaults applied.
//! Built from a scenario by `scenario::compile`; the engine trusts it but never panics on it.

pub mod limits;

use super::time::Time;

/// Sentinel for "no index".
pub const NONE: u32 = u32::MAX;

/// How traffic is modelled: every request (`request`) or rates and populations (`flow`).
/// Serialized (in the report, and so in its digest) and displayed as its snake_case name.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Fidelity {
    #[default]
    Request,
    Flow,
}

impl Fidelity {
    /// The name, as serialized: `"request"` or `"flow"`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The engine's validated configuration, built from a scenario by `scenario::compile`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub name: String,
    pub seed: u64,
    pub horizon: Time,
    /// Statistics are reset at this time (0: never): the report counts what follows it only.
    pub warmup: Time,
    pub fidelity: Fidelity,
    pub traffic: TrafficCfg,
    pub routing: RoutingCfg,
    pub sites: Vec<SiteCfg>,
    /// One-way latency between sites, `sites.len()²` entries, row-major.
    pub site_latency: Vec<Time>,
    /// Entry components (indices into `components`), one per site under global routing.
    pub entries: Vec<u32>,
    pub components: Vec<ComponentCfg>,
    pub faults: Vec<FaultCfg>,
    /// Width of a metrics window.
    pub window: Time,
    pub success_threshold: f64,
    /// The work this run may take before it stops with a partial report.
    pub budget: Budget,
}

/// A run's budgets: it stops at the first one reached, and its report says so (`partial`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Events handled, at most.
    pub events: u64,
    /// The engine's estimate of the memory it holds, in bytes, at most (checked every
    /// [`limits::BUDGET_CHECK_EVERY`] events).
    pub memory_bytes: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            events: limits::DEFAULT_MAX_EVENTS,
            memory_bytes: limits::DEFAULT_MAX_MEMORY,
        }
    }
}

/// Which budget stopped a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetKind {
    Events,
    Memory,
}

/// Where and why a run stopped before its horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    pub kind: BudgetKind,
    pub at: Time,
    /// Events handled and the memory estimate (bytes) when it stopped.
    pub events: u64,
    pub memory_bytes: u64,
}

impl Config {
    /// One-way latency between two sites (0 within a site or without sites).
    pub fn latency(&self, a: u32, b: u32) -> Time {
        let n = self.sites.len() as u64;
        if a == NONE || b == NONE || a == b || u64::from(a) >= n || u64::from(b) >= n {
            return 0;
        }
        let i = u64::from(a) * n + u64::from(b);
        self.site_latency.get(i as usize).copied().unwrap_or(0)
    }

    /// The traffic-spike factor at time `t`: the product of the spikes active then (a spike is
    /// active on `[at, at + duration)`), 1 when none is.
    pub fn spike_at(&self, t: Time) -> f64 {
        self.faults
            .iter()
            .filter_map(|f| match f {
                FaultCfg::Traffic(TrafficFamily::TrafficSpike {
                    at,
                    factor,
                    duration,
                }) if *at <= t && t < at.saturating_add(*duration) => Some(factor.max(0.0)),
                _ => None,
            })
            .product()
    }

    /// The largest spike factor over the run (at least 1): overlapping spikes multiply, spikes
    /// at different times do not. The factor only changes where a spike starts or ends (an
    /// ending spike of factor < 1 raises it).
    pub fn spike_max(&self) -> f64 {
        self.faults
            .iter()
            .filter_map(|f| match f {
                FaultCfg::Traffic(TrafficFamily::TrafficSpike { at, duration, .. }) => {
                    Some([*at, at.saturating_add(*duration)])
                }
                _ => None,
            })
            .flatten()
            .map(|t| self.spike_at(t))
            .fold(1.0, f64::max)
    }
}

#[derive(Clone, Debug)]
pub struct TrafficCfg {
    pub sessions_per_s: f64,
    pub session_duration: Time,
    pub requests_per_session: f64,
    pub write_share: f64,
    pub idempotent_share: f64,
    pub timeout: Time,
    pub client_retries: u32,
    pub retry_delay: Time,
    pub profile: ProfileCfg,
}

impl Default for TrafficCfg {
    fn default() -> Self {
        TrafficCfg {
            sessions_per_s: 1.0,
            session_duration: 600_000_000,
            requests_per_session: 20.0,
            write_share: 0.1,
            idempotent_share: 1.0,
            timeout: 10_000_000,
            client_retries: 0,
            retry_delay: 1_000_000,
            profile: ProfileCfg::Constant,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub enum ProfileCfg {
    #[default]
    Constant,
    Daily {
        peak: f64,
        trough: f64,
        peak_at: Time,
    },
    /// (from, factor), sorted by time.
    Steps(Vec<(Time, f64)>),
}

impl ProfileCfg {
    /// The factor at time `t`.
    pub fn factor(&self, t: Time) -> f64 {
        match self {
            ProfileCfg::Constant => 1.0,
            ProfileCfg::Daily {
                peak,
                trough,
                peak_at,
            } => {
                let day = 86_400_000_000u64;
                let phase = ((t % day) + day - (peak_at % day)) % day;
                let x = 2.0 * core::f64::consts::PI * (phase as f64 / day as f64);
                trough + (peak - trough) * (1.0 + libm::cos(x)) / 2.0
            }
            ProfileCfg::Steps(steps) => {
                let mut f = 1.0;
                for (at, factor) in steps {
                    if *at <= t {
                        f = *factor;
                    }
                }
                f
            }
        }
    }
    /// An upper bound of the factor.
    pub fn max_factor(&self) -> f64 {
        match self {
            ProfileCfg::Constant => 1.0,
            ProfileCfg::Daily { peak, trough, .. } => peak.max(*trough).max(0.0),
            ProfileCfg::Steps(s) => s.iter().map(|x| x.1).fold(1.0, f64::max),
        }
    }
    /// Times at which the factor changes (steps) — used by the flow level.
    pub fn change_points(&self) -> Vec<Time> {
        match self {
            ProfileCfg::Steps(s) => s.iter().map(|x| x.0).collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub enum RoutingCfg {
    #[default]
    Single,
    Dns {
        ttl: Time,
        detection: Time,
        stale_share: f64,
        stale_for: Time,
        active_active: bool,
    },
    Bgp {
        convergence: Time,
        detection: Time,
        active_active: bool,
    },
}

#[derive(Clone, Debug, Default)]
pub struct SiteCfg {
    pub id: String,
    pub regional: bool,
}

#[derive(Clone, Debug)]
pub struct CapacityCfg {
    pub workers: u32,
    pub service: Time,
    pub queue_limit: u32,
}

impl Default for CapacityCfg {
    fn default() -> Self {
        CapacityCfg {
            workers: 50,
            service: 20_000,
            queue_limit: 200,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algo {
    #[default]
    RoundRobin,
    LeastConnections,
    Random,
}

#[derive(Clone, Debug)]
pub struct HealthCfg {
    pub interval: Time,
    pub timeout: Time,
    pub fall: u32,
    pub rise: u32,
}

impl Default for HealthCfg {
    fn default() -> Self {
        HealthCfg {
            interval: 2_000_000,
            timeout: 1_000_000,
            fall: 3,
            rise: 2,
        }
    }
}

/// How requests are spread over a tier's nodes: the settings of the load balancer in front.
#[derive(Clone, Debug, Default)]
pub struct RouterCfg {
    pub algorithm: Algo,
    pub health: HealthCfg,
    pub sticky: bool,
    pub retry_idempotent: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Repl {
    #[default]
    None,
    Buddy,
    All,
}

/// A replica's readiness, ordered from the best to replace a primary (hot) to the worst (cold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum StandbyKind {
    #[default]
    Hot,
    Warm,
    Cold,
}

#[derive(Clone, Debug, Default)]
pub struct ReplicaCfg {
    pub site: u32,
    pub standby: StandbyKind,
}

#[derive(Clone, Debug, Default)]
pub struct DbCfg {
    pub replicas: Vec<ReplicaCfg>,
    pub sync: bool,
    pub lag: Time,
    /// Detection delay of a dead primary: heartbeat interval × misses.
    pub detection: Time,
    /// Some(response time) for manual failover.
    pub manual: Option<Time>,
    pub promotion: Time,
    pub catchup: Time,
    pub restore: Time,
    pub backup_interval: Time,
    /// Sync replication: a replica unreachable this long is dropped from the synchronous set.
    pub fence: Option<Time>,
}

#[derive(Clone, Debug, Default)]
pub enum KindCfg {
    LoadBalancer {
        pair: bool,
        heartbeat: Time,
        misses: u32,
        takeover: Time,
        /// Deep health check (`/lb-check`): a global router (GSLB) in front of this entry also
        /// withdraws it when a component behind it is unavailable.
        deep: bool,
    },
    #[default]
    Web,
    App {
        replication: Repl,
        cost: f64,
    },
    Cache {
        hit_ratio: f64,
        replicated: bool,
    },
    Queue {
        persistent: bool,
        standby: bool,
        takeover: Time,
    },
    Database(DbCfg),
    Store {
        embedded: bool,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SpareMode {
    #[default]
    Hot,
    Warm,
    Cold,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum RepairCfg {
    #[default]
    Exponential,
    Lognormal(f64),
    Fixed,
}

#[derive(Clone, Debug, Default)]
pub struct FailureCfg {
    pub mtbf: Time,
    pub mttr: Time,
    pub repair: RepairCfg,
}

#[derive(Clone, Debug, Default)]
pub struct ComponentCfg {
    pub id: String,
    pub site: u32,
    pub next: Vec<u32>,
    pub kind: KindCfg,
    /// Serving nodes (for a database: 1 + replicas; for an LB pair or a queue with standby: 2).
    pub nodes: u32,
    pub spares: u32,
    pub spare_mode: SpareMode,
    /// Delay from detection to a spare serving (switch-over, or boot + manual).
    pub spare_delay: Time,
    pub capacity: CapacityCfg,
    pub failure: Option<FailureCfg>,
    pub router: RouterCfg,
    /// App sessions are replicated synchronously to the other sites too: losing every node of
    /// this cluster does not lose them.
    pub cross_site_sessions: bool,
    /// A cache without which the components before it cannot serve.
    pub required: bool,
}

impl ComponentCfg {
    pub fn total_nodes(&self) -> u32 {
        self.nodes.saturating_add(self.spares)
    }
}

/// A scripted fault, with targets resolved, by family: each family's handler (one file of
/// `sim/control/faults/`) matches its own enum exhaustively, so a new kind is added to its
/// family here, emitted by `scenario/check/faults.rs`, and handled in its family's file — the
/// compiler points at each place.
#[derive(Clone, Debug)]
pub enum FaultCfg {
    Node(NodeFamily),
    Site(SiteFamily),
    Planned(PlannedFamily),
    Traffic(TrafficFamily),
}

/// Faults of one node or all nodes of a component (`control/faults/node.rs`).
#[derive(Clone, Debug)]
pub enum NodeFamily {
    Crash(NodeFaultCfg),
    Hang(NodeFaultCfg),
    ErrorRate(NodeFaultCfg, f64),
    Latency(NodeFaultCfg, Time),
    Corruption(NodeFaultCfg),
    Leak {
        at: Time,
        comp: u32,
        node: Option<u32>,
        exhaustion: Time,
        restart: Time,
    },
    Flapping {
        at: Time,
        comp: u32,
        node: Option<u32>,
        down: Time,
        up: Time,
        cycles: u32,
    },
    /// Writes to database `comp` fail from `at` until `duration` has passed (or the end).
    DiskFull {
        at: Time,
        comp: u32,
        duration: Option<Time>,
    },
}

/// Faults of sites, the network between them and DNS (`control/faults/site.rs`).
#[derive(Clone, Debug)]
pub enum SiteFamily {
    SiteOutage {
        at: Time,
        site: u32,
        duration: Option<Time>,
    },
    Partition {
        at: Time,
        a: u32,
        b: u32,
        one_way: bool,
        comp: Option<u32>,
        duration: Option<Time>,
    },
    DnsFailure {
        at: Time,
        duration: Option<Time>,
    },
    SiteSwitchover {
        at: Time,
        from: u32,
        to: u32,
    },
}

/// Planned events (`control/faults/planned.rs`).
#[derive(Clone, Debug)]
pub enum PlannedFamily {
    RollingRestart {
        at: Time,
        comp: u32,
        batch: u32,
        drain: Time,
        restart: Time,
    },
    BlueGreen {
        at: Time,
        blue: u32,
        green: u32,
        drain: Time,
        deploy: Time,
    },
    DbSwitchover {
        at: Time,
        comp: u32,
    },
}

/// Changes of the offered traffic (`control/faults/traffic.rs`).
#[derive(Clone, Debug)]
pub enum TrafficFamily {
    TrafficSpike {
        at: Time,
        factor: f64,
        duration: Time,
    },
}

#[derive(Clone, Debug)]
pub struct NodeFaultCfg {
    pub at: Time,
    pub comp: u32,
    pub node: Option<u32>,
    pub duration: Option<Time>,
}

impl FaultCfg {
    pub fn at(&self) -> Time {
        self.at_and_comp().0
    }
    /// The one component whose nodes the fault can change (`None`: several, or none).
    pub fn comp(&self) -> Option<u32> {
        self.at_and_comp().1
    }
    fn at_and_comp(&self) -> (Time, Option<u32>) {
        use NodeFamily as N;
        match self {
            FaultCfg::Node(
                N::Crash(f) | N::Hang(f) | N::Corruption(f) | N::ErrorRate(f, _) | N::Latency(f, _),
            ) => (f.at, Some(f.comp)),
            FaultCfg::Node(
                N::Leak { at, comp, .. }
                | N::Flapping { at, comp, .. }
                | N::DiskFull { at, comp, .. },
            ) => (*at, Some(*comp)),
            FaultCfg::Site(
                SiteFamily::SiteOutage { at, .. }
                | SiteFamily::Partition { at, .. }
                | SiteFamily::DnsFailure { at, .. }
                | SiteFamily::SiteSwitchover { at, .. },
            ) => (*at, None),
            FaultCfg::Planned(
                PlannedFamily::RollingRestart { at, comp, .. }
                | PlannedFamily::DbSwitchover { at, comp },
            ) => (*at, Some(*comp)),
            FaultCfg::Planned(PlannedFamily::BlueGreen { at, .. }) => (*at, None),
            FaultCfg::Traffic(TrafficFamily::TrafficSpike { at, .. }) => (*at, None),
        }
    }
}
