//! The scenario wire format, version 1: what users save, load, share and edit.
//!
//! This is a serialization boundary (see ARCHITECTURE.md): plain serde types, durations as unit
//! strings ([`Dur`]), references between things by string id. Nothing here is checked; validation
//! turns a `Scenario` into the engine's configuration once and reports every problem with its path.
//!
//! Shape of the JSON (every field not shown has a default):
//!
//! ```json
//! { "version": 1, "name": "demo", "seed": 7, "horizon": "1h",
//!   "traffic": { "entry": ["lb"], "sessions_per_s": 2, "session_duration": "10m",
//!                "requests_per_session": 20, "write_share": 0.1 },
//!   "components": [
//!     { "id": "lb",  "next": ["app"], "spec": { "load_balancer": { "sticky": true } } },
//!     { "id": "app", "next": ["db"],  "spec": { "app": { "nodes": 2, "sessions": "buddy" } } },
//!     { "id": "db",                    "spec": { "database": {} } } ],
//!   "faults": [ { "crash": { "at": "20m", "target": "app", "node": 0, "duration": "10m" } } ] }
//! ```

mod components;
mod faults;

pub use components::*;
pub use faults::*;

use super::units::Dur;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The current format version. Older versions are migrated on load (see `scenario::migrate`).
pub const FORMAT_VERSION: u32 = 1;

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// A Failover Lab scenario: an architecture (sites, components and the calls between them), the
/// traffic it serves and the faults scripted against it. Durations are strings with units
/// everywhere. See docs/scenario-format.md.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scenario {
    /// Format version; older versions are migrated on load.
    #[schemars(extend("const" = 1))]
    pub version: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Seed of every random stream.
    #[serde(default)]
    pub seed: u64,
    /// How long the run lasts (request level at most 30d, flow level at most 100y).
    pub horizon: Dur,
    /// Statistics are reset at this time: every metric counts only what happens after it (the
    /// transient of a system that starts empty is left out); shorter than the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<Dur>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub fidelity: Fidelity,
    pub traffic: Traffic,
    #[serde(default, skip_serializing_if = "is_default")]
    pub routing: GlobalRouting,
    /// Failure domains (data centers, zones); components name theirs in `site`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<Site>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub site_links: Vec<SiteLink>,
    pub components: Vec<Component>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub metrics: MetricsSettings,
    /// What the description says the run shows, as claims about its results at this seed and
    /// horizon (a test checks every built-in's); the run never depends on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Expect>,
    /// Service-level objectives a study judges: each must hold in at least `probability` of
    /// the replications (see docs/studies.md); a single run ignores them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo: Option<Slo>,
}

/// Service-level objectives, each judged per replication of a study; absent ones are not judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Slo {
    /// The request availability a replication must reach (0..1, e.g. 0.999).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub availability: Option<f64>,
    /// At most this many lost writes (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lost_writes: Option<u64>,
    /// The worst RPO (age of the oldest lost write) at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rpo: Option<Dur>,
    /// The worst incident RTO at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rto: Option<Dur>,
    /// At most this many lost sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lost_sessions: Option<u64>,
    /// The share of replications in which each objective must hold (0..1), judged on the
    /// lower end of its 95 % Wilson interval.
    #[serde(default = "default_slo_probability")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub probability: f64,
}

fn default_slo_probability() -> f64 {
    0.95
}

/// One claim about a run's results: `metric` `is` `value`, e.g. `sessions_lost = 0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Expect {
    pub metric: ExpectMetric,
    pub is: Comparison,
    pub value: f64,
}

/// The results a claim can be about, named as in the CSV summary (the metric registry's keys).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ExpectMetric {
    /// Served ÷ offered requests, 0..1.
    AvailabilityRequest,
    RequestsFailed,
    SessionsLost,
    WritesLost,
    /// The age of the oldest lost write, in seconds.
    MaxRpoS,
    Incidents,
    /// The longest incident's RTO, in seconds.
    WorstRtoS,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Comparison {
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = "<")]
    Less,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = ">")]
    Greater,
    #[serde(rename = ">=")]
    AtLeast,
}

impl Expect {
    /// The metric's key in the CSV summary (`report::Metric::csv_key`).
    pub fn key(&self) -> &'static str {
        self.metric.into()
    }

    /// Whether a result `actual` bears the claim out.
    pub fn holds(&self, actual: f64) -> bool {
        self.is.holds(actual, self.value)
    }
}

impl Comparison {
    /// Whether `actual` compares to `value` this way (NaN never does).
    pub fn holds(self, actual: f64, value: f64) -> bool {
        match self {
            Comparison::Equal => actual == value,
            Comparison::Less => actual < value,
            Comparison::AtMost => actual <= value,
            Comparison::Greater => actual > value,
            Comparison::AtLeast => actual >= value,
        }
    }

    /// The comparison as written in JSON: `=`, `<`, `<=`, `>`, `>=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Equal => "=",
            Comparison::Less => "<",
            Comparison::AtMost => "<=",
            Comparison::Greater => ">",
            Comparison::AtLeast => ">=",
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.key(), self.is.symbol(), self.value)
    }
}

/// Request level: every request and session is an entity. Flow level: rates and populations
/// between state changes, for long horizons and Monte Carlo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    #[default]
    Request,
    Flow,
}

/// What the clients do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Traffic {
    /// Components that receive client traffic (one per site when `routing` picks among sites).
    pub entry: Vec<String>,
    /// New sessions per second (before the profile's factor).
    #[schemars(extend("x-unit" = "sessions/s"))]
    pub sessions_per_s: f64,
    /// Mean session length; a session's requests are spread over it.
    pub session_duration: Dur,
    /// Mean requests per session.
    #[schemars(extend("x-unit" = "requests"))]
    pub requests_per_session: f64,
    /// Share of requests that write to the database (0..=1).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub write_share: f64,
    /// Share of reads that are idempotent and may be retried on another node (writes never are).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub idempotent_share: f64,
    /// A client gives up on a request after this long.
    pub timeout: Dur,
    /// How many times a client retries a failed request (0 = never).
    #[schemars(extend("x-unit" = "retries"))]
    pub client_retries: u32,
    /// Wait before a client retries.
    pub retry_delay: Dur,
    pub profile: Profile,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            entry: Vec::new(),
            sessions_per_s: 1.0,
            session_duration: Dur::mins(10),
            requests_per_session: 20.0,
            write_share: 0.1,
            idempotent_share: 1.0,
            timeout: Dur::secs(10),
            client_retries: 0,
            retry_delay: Dur::secs(1),
            profile: Profile::Constant,
        }
    }
}

/// How the session arrival rate varies over time (a factor applied to `sessions_per_s`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    #[default]
    Constant,
    /// A 24 h sinusoid between `trough` and `peak` (factors), peaking at `peak_at` after midnight.
    Daily {
        #[schemars(extend("x-unit" = "×"))]
        peak: f64,
        #[schemars(extend("x-unit" = "×"))]
        trough: f64,
        peak_at: Dur,
    },
    /// Piecewise constant: from each `at`, the factor is `factor`.
    Steps(Vec<Step>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    pub at: Dur,
    #[schemars(extend("x-unit" = "×"))]
    pub factor: f64,
}

/// How clients find a site.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GlobalRouting {
    /// One entry point; no site choice.
    #[default]
    Single,
    /// Per-site DNS records. Clients cache an answer for `ttl`; a health-checked GSLB withdraws a
    /// dead site's record after `detection`; `stale_share` of clients ignore the TTL and keep the
    /// dead address until `stale_for` (JVMs that cache forever, seed 004).
    Dns {
        ttl: Dur,
        detection: Dur,
        #[schemars(range(min = 0.0, max = 1.0))]
        stale_share: f64,
        stale_for: Dur,
        active_active: bool,
    },
    /// Anycast / provider-independent prefix announced from every site. A route change converges
    /// in `convergence`; a planned switch loses no session.
    Bgp {
        convergence: Dur,
        detection: Dur,
        active_active: bool,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// Near its peers (< 10 miles): low latency, shared disasters.
    #[default]
    Zonal,
    /// Far away: high latency, independent disasters.
    Regional,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Site {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default)]
    pub kind: SiteKind,
    /// Editor layout: the site box `[x, y, width, height]` in canvas units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rect: Option<[i32; 4]>,
}

/// A network link between two sites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteLink {
    pub a: String,
    pub b: String,
    /// One-way latency.
    pub latency: Dur,
}

/// How availability over time is judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct MetricsSettings {
    /// Width of a time-series window (and of a time-availability window).
    pub window: Dur,
    /// A window counts as "up" when at least this share of its requests succeeded.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub success_threshold: f64,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        MetricsSettings {
            window: Dur::mins(1),
            success_threshold: 0.99,
        }
    }
}
