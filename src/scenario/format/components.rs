//! Components of the format: what each kind is, with its parameters and defaults.

use crate::scenario::units::Dur;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Component {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The site (failure domain) holding it; none when the scenario has no sites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Components this one calls for each request, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<String>,
    /// Random failures of each node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Stochastic>,
    /// Editor layout: node position in canvas units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<[i32; 2]>,
    pub spec: Spec,
}

impl Component {
    /// How many nodes it has: spares and standbys included.
    pub fn node_count(&self) -> u32 {
        match &self.spec {
            Spec::LoadBalancer(lb) => match lb.mode {
                LbMode::Single => 1,
                LbMode::ActivePassive => 2,
            },
            Spec::Web(w) => w.nodes.saturating_add(w.redundancy.spares),
            Spec::App(a) => a.nodes.saturating_add(a.redundancy.spares),
            Spec::Cache(k) => k.nodes,
            Spec::Queue(q) => 1 + u32::from(q.standby),
            Spec::Database(d) => 1 + u32::try_from(d.replicas.len()).unwrap_or(u32::MAX - 1),
            Spec::SearchIndex(s) | Spec::DocStore(s) => s.nodes,
        }
    }

    /// How many nodes serve requests: spares excluded (what a rolling restart walks through).
    pub fn serving_count(&self) -> u32 {
        match &self.spec {
            Spec::Web(w) => w.nodes,
            Spec::App(a) => a.nodes,
            _ => self.node_count(),
        }
    }
}

/// What a component is, with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, strum::EnumDiscriminants)]
#[serde(rename_all = "snake_case")]
#[strum_discriminants(
    name(ComponentKind),
    doc = "The kinds of component, in palette order; `Display`/`as_ref` give the JSON name.",
    derive(
        strum::EnumIter,
        strum::IntoStaticStr,
        strum::Display,
        strum::EnumString,
        strum::AsRefStr
    ),
    strum(serialize_all = "snake_case")
)]
pub enum Spec {
    LoadBalancer(LoadBalancer),
    Web(Web),
    App(App),
    Cache(Cache),
    Queue(Queue),
    Database(Database),
    SearchIndex(Store),
    DocStore(Store),
}

impl Spec {
    pub fn kind(&self) -> ComponentKind {
        ComponentKind::from(self)
    }
    /// The snake_case name used in JSON and in messages.
    pub fn kind_name(&self) -> &'static str {
        self.kind().into()
    }
}

/// Serving capacity of one node: an M/M/c/K station.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Capacity {
    /// Requests served at once per node.
    #[schemars(extend("x-unit" = "concurrent requests / node"))]
    pub workers: u32,
    /// Mean service time of one request.
    pub service_time: Dur,
    /// Requests waiting per node beyond the workers; more are rejected (overload).
    #[schemars(extend("x-unit" = "waiting requests / node"))]
    pub queue_limit: u32,
}

impl Default for Capacity {
    fn default() -> Self {
        Capacity {
            workers: 50,
            service_time: Dur::millis(20),
            queue_limit: 200,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    #[default]
    RoundRobin,
    LeastConnections,
    Random,
}

/// HAProxy-style active health check of each backend node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HealthCheck {
    pub interval: Dur,
    pub timeout: Dur,
    /// Consecutive failed checks before a node is marked down.
    #[schemars(extend("x-unit" = "checks"))]
    pub fall: u32,
    /// Consecutive successful checks before it is marked up again.
    #[schemars(extend("x-unit" = "checks"))]
    pub rise: u32,
    /// A deep check (`/lb-check`) also fails when the node's own dependencies are down.
    pub deep: bool,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            interval: Dur::secs(2),
            timeout: Dur::secs(1),
            fall: 3,
            rise: 2,
            deep: false,
        }
    }
}

/// Heartbeats between the two members of an active/passive pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Heartbeat {
    pub interval: Dur,
    /// Missed heartbeats before the passive member takes over.
    #[schemars(extend("x-unit" = "heartbeats"))]
    pub misses: u32,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat {
            interval: Dur::secs(1),
            misses: 3,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LbMode {
    #[default]
    Single,
    /// Two members sharing a virtual IP (VRRP/keepalived); the passive takes over after missed
    /// heartbeats.
    ActivePassive,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LoadBalancer {
    pub mode: LbMode,
    pub algorithm: Algorithm,
    pub health_check: HealthCheck,
    /// Cookie affinity: a session's requests go to the node that holds it.
    pub sticky: bool,
    /// Retry an idempotent request once on another node when its node fails it.
    pub retry_idempotent: bool,
    pub heartbeat: Heartbeat,
    /// Time to move the virtual IP once the passive member decided to take over.
    pub takeover: Dur,
    pub capacity: Capacity,
}

impl Default for LoadBalancer {
    fn default() -> Self {
        LoadBalancer {
            mode: LbMode::Single,
            algorithm: Algorithm::RoundRobin,
            health_check: HealthCheck::default(),
            sticky: false,
            retry_idempotent: false,
            heartbeat: Heartbeat::default(),
            takeover: Dur::secs(1),
            capacity: Capacity {
                workers: 2_000,
                service_time: Dur::micros(200),
                queue_limit: 10_000,
            },
        }
    }
}

/// Spares beyond the nodes that serve (seed 002): hot ones serve too, warm ones run idle and
/// take over after `switchover`, cold ones are powered off and need `boot` plus `manual` effort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Redundancy {
    pub mode: SpareMode,
    #[schemars(extend("x-unit" = "nodes"))]
    pub spares: u32,
    pub switchover: Dur,
    pub boot: Dur,
    pub manual: Dur,
}

impl Default for Redundancy {
    fn default() -> Self {
        Redundancy {
            mode: SpareMode::Hot,
            spares: 0,
            switchover: Dur::secs(30),
            boot: Dur::mins(5),
            manual: Dur::mins(15),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpareMode {
    #[default]
    Hot,
    Warm,
    Cold,
}

/// A stateless web tier (Apache, Nginx).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Web {
    #[schemars(extend("x-unit" = "nodes"))]
    pub nodes: u32,
    pub capacity: Capacity,
    pub redundancy: Redundancy,
}

impl Default for Web {
    fn default() -> Self {
        Web {
            nodes: 2,
            capacity: Capacity {
                workers: 200,
                service_time: Dur::millis(2),
                queue_limit: 500,
            },
            redundancy: Redundancy::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Replication {
    /// A node's sessions die with it.
    #[default]
    None,
    /// Each session is copied to one other node (`sessionid!primary!secondary`).
    Buddy,
    /// Each session is copied to every node.
    All,
}

/// An application-server cluster holding user sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct App {
    #[schemars(extend("x-unit" = "nodes"))]
    pub nodes: u32,
    pub capacity: Capacity,
    pub sessions: Replication,
    /// Capacity each replica copy costs, as a share of a request's service time.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub replication_cost: f64,
    pub redundancy: Redundancy,
    /// Sessions are also replicated synchronously to the other sites (an external session store
    /// such as a cross-site Data Grid): when every node of this cluster is lost, a session is
    /// not lost but picked up by the next app cluster its requests reach.
    pub cross_site: bool,
}

impl Default for App {
    fn default() -> Self {
        App {
            nodes: 2,
            capacity: Capacity::default(),
            sessions: Replication::None,
            replication_cost: 0.05,
            redundancy: Redundancy::default(),
            cross_site: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Cache {
    #[schemars(extend("x-unit" = "nodes"))]
    pub nodes: u32,
    /// Share of reads answered by the cache; misses go to the components in `next`.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub hit_ratio: f64,
    /// Redis-like (replicated, survives a node loss) or memcached-like (a node's keys are lost).
    pub replicated: bool,
    pub capacity: Capacity,
    /// The components before it cannot serve without it (an external session store such as
    /// Keycloak's Data Grid): with every node down, requests through it fail and a deep
    /// `/lb-check` reports the path unhealthy.
    pub required: bool,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            nodes: 1,
            hit_ratio: 0.8,
            replicated: false,
            capacity: Capacity {
                workers: 500,
                service_time: Dur::micros(500),
                queue_limit: 2_000,
            },
            required: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Queue {
    /// Persistent messages survive a crash; others in flight are lost.
    pub persistent: bool,
    /// An active/passive pair.
    pub standby: bool,
    pub takeover: Dur,
    pub capacity: Capacity,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            persistent: true,
            standby: false,
            takeover: Dur::secs(10),
            capacity: Capacity {
                workers: 200,
                service_time: Dur::millis(1),
                queue_limit: 5_000,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationMode {
    /// Each write waits for the replicas: adds the link round trip, loses no committed write.
    #[default]
    Sync,
    /// Replicas lag behind by `lag`; writes inside the lag window are lost when the primary dies.
    Async,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standby {
    /// In sync, promoted right after detection.
    #[default]
    Hot,
    /// Running, catches up from logs (`catchup`) before promotion.
    Warm,
    /// Restored from the last backup (`restore`); loses up to `backup_interval` of writes.
    Cold,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailoverMode {
    #[default]
    Automated,
    /// A human notices and promotes after `manual_response`.
    Manual,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Replica {
    /// Site of the replica; the component's site when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default)]
    pub standby: Standby,
}

/// A primary database (in the component's site) with its replicas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Database {
    pub capacity: Capacity,
    pub replicas: Vec<Replica>,
    pub replication: ReplicationMode,
    /// Mean replication lag for async replication.
    pub lag: Dur,
    /// Heartbeat to the registry / monitor that detects a dead primary.
    pub detection: Heartbeat,
    pub failover: FailoverMode,
    pub manual_response: Dur,
    /// Time to promote a hot replica once the failure is detected.
    pub promotion: Dur,
    /// Warm standby: time to replay logs before promotion.
    pub catchup: Dur,
    /// Cold standby: time to restore the last backup.
    pub restore: Dur,
    pub backup_interval: Dur,
    /// Synchronous replication: after a replica has been unreachable (partition) this long, the
    /// primary drops it from the synchronous set and accepts writes again (a degraded setup that
    /// needs a manual re-sync, as seed 003's footnote 3 says). None: writes fail for the whole
    /// partition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fence_unreachable: Option<Dur>,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            capacity: Capacity {
                workers: 100,
                service_time: Dur::millis(5),
                queue_limit: 1_000,
            },
            replicas: Vec::new(),
            replication: ReplicationMode::Sync,
            lag: Dur::millis(500),
            detection: Heartbeat {
                interval: Dur::secs(2),
                misses: 3,
            },
            failover: FailoverMode::Automated,
            manual_response: Dur::mins(15),
            promotion: Dur::secs(5),
            catchup: Dur::secs(30),
            restore: Dur::mins(30),
            backup_interval: Dur::hours(4),
            fence_unreachable: None,
        }
    }
}

/// A search index or document store the app depends on (seed 000).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Store {
    /// Embedded in each app node (not cluster-aware: a node's copy dies with it, results go
    /// stale after a node change) or an external cluster.
    pub embedded: bool,
    #[schemars(extend("x-unit" = "nodes"))]
    pub nodes: u32,
    #[schemars(extend("x-unit" = "copies"))]
    pub replicas: u32,
    pub capacity: Capacity,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            embedded: false,
            nodes: 2,
            replicas: 1,
            capacity: Capacity {
                workers: 100,
                service_time: Dur::millis(5),
                queue_limit: 500,
            },
        }
    }
}

/// Random failures: time between failures and time to repair, per node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stochastic {
    pub mtbf: Dur,
    pub mttr: Dur,
    #[serde(default)]
    pub repair: RepairDistribution,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepairDistribution {
    #[default]
    Exponential,
    /// Log-normal with the given shape σ (mean stays `mttr`).
    Lognormal { sigma: f64 },
    /// Always exactly `mttr`.
    Fixed,
}
