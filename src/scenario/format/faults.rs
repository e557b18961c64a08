//! Scripted faults and planned events of the format, one struct per family of parameters.

use crate::scenario::units::Dur;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A scripted fault or planned event. `duration` absent = until the end (or, for node faults of a
/// component with `failure`, until a random repair).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, strum::EnumDiscriminants)]
#[serde(rename_all = "snake_case")]
#[strum_discriminants(
    name(FaultKind),
    doc = "The kinds of fault, in timeline-picker order; `Display`/`as_ref` give the JSON name.",
    derive(
        strum::EnumIter,
        strum::IntoStaticStr,
        strum::Display,
        strum::EnumString,
        strum::AsRefStr
    ),
    strum(serialize_all = "snake_case")
)]
pub enum Fault {
    Crash(NodeFault),
    Hang(NodeFault),
    ErrorRate(ErrorRate),
    Latency(AddedLatency),
    Leak(Leak),
    Flapping(Flapping),
    /// Data corruption: replicas copy it, only a restore from backup repairs it.
    Corruption(NodeFault),
    SiteOutage(SiteOutage),
    Partition(Partition),
    TrafficSpike(TrafficSpike),
    DnsFailure(Window),
    RollingRestart(RollingRestart),
    BlueGreen(BlueGreen),
    /// Planned, graceful move of all traffic from one site to another (seed 004).
    SiteSwitchover(SiteSwitchover),
    /// Planned primary switch of a database (upgrade of database software).
    DbSwitchover(Target),
    /// A database's disk (tablespace) is full: its writes fail, its reads are served, until it
    /// is cleared after `duration` (or at the end).
    DiskFull(DiskFull),
}

impl Fault {
    pub fn at(&self) -> &Dur {
        match self {
            Fault::Crash(f) | Fault::Hang(f) | Fault::Corruption(f) => &f.at,
            Fault::ErrorRate(f) => &f.at,
            Fault::Latency(f) => &f.at,
            Fault::Leak(f) => &f.at,
            Fault::Flapping(f) => &f.at,
            Fault::SiteOutage(f) => &f.at,
            Fault::Partition(f) => &f.at,
            Fault::TrafficSpike(f) => &f.at,
            Fault::DnsFailure(f) => &f.at,
            Fault::RollingRestart(f) => &f.at,
            Fault::BlueGreen(f) => &f.at,
            Fault::SiteSwitchover(f) => &f.at,
            Fault::DbSwitchover(f) => &f.at,
            Fault::DiskFull(f) => &f.at,
        }
    }

    pub fn kind(&self) -> FaultKind {
        FaultKind::from(self)
    }
    /// The snake_case name used in JSON and in messages.
    pub fn kind_name(&self) -> &'static str {
        self.kind().into()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Target {
    pub at: Dur,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Window {
    pub at: Dur,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiskFull {
    pub at: Dur,
    /// The database whose disk fills up.
    pub target: String,
    /// Until the space is cleared; to the end when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NodeFault {
    pub at: Dur,
    pub target: String,
    /// Node index within the component (0-based); all nodes when absent. For a database, 0 is the
    /// primary and 1.. the replicas; for a load-balancer pair, 0 is the active member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorRate {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    /// Share of requests answered with an error (0..=1).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub rate: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddedLatency {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    pub added: Dur,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

/// A resource leak: the node's capacity shrinks linearly to nothing over `exhaustion`, then it
/// crashes; it restarts after `restart`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Leak {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    pub exhaustion: Dur,
    pub restart: Dur,
}

/// Fails for `down`, recovers for `up`, `cycles` times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Flapping {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    pub down: Dur,
    pub up: Dur,
    #[schemars(extend("x-unit" = "cycles"))]
    pub cycles: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteOutage {
    pub at: Dur,
    pub site: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

/// A network partition between two sites; `one_way` cuts only traffic from `a` to `b`. With
/// `component`, only that component's cross-site traffic is cut (e.g. the session cache's or the
/// database's replication link, seed 003).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Partition {
    pub at: Dur,
    pub a: String,
    pub b: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_way: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrafficSpike {
    pub at: Dur,
    /// Multiplies the session arrival rate.
    #[schemars(extend("x-unit" = "×"))]
    pub factor: f64,
    pub duration: Dur,
}

/// Restart a cluster `batch` nodes at a time; each batch is drained for `drain` (no new sessions,
/// existing ones finish or are replicated away), then down for `restart` (seed 000: a six-node
/// cluster in two halves).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RollingRestart {
    pub at: Dur,
    pub target: String,
    #[schemars(extend("x-unit" = "nodes at a time"))]
    pub batch: u32,
    pub drain: Dur,
    pub restart: Dur,
}

/// Deploy across two clusters (seed 004): `blue` takes no new sessions, drains for `drain`, is
/// deployed in `deploy`, comes back; then the same for `green`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlueGreen {
    pub at: Dur,
    pub blue: String,
    pub green: String,
    pub drain: Dur,
    pub deploy: Dur,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteSwitchover {
    pub at: Dur,
    pub from: String,
    pub to: String,
}
