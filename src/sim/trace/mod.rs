//! The state trace: what every node was doing over the run (up, suspected, down, standby,
//! promoting, draining, recovering, degraded), recorded by the engine when asked
//! ([`crate::sim::Simulation::enable_trace`]) for the UI's watch mode.
//!
//! Off by default: the world then holds `None` and the only cost is one branch per state-changing
//! event (faults, failures, repairs, health-check verdicts, takeovers, promotions; never per
//! request). When on, after each such event the nodes of the components it concerns are viewed
//! (`observe/view.rs`) and an entry is appended only when a node's state or reason changed. A state that
//! changes later without an event of its own (a primary declared dead after `detection`, a pair's
//! heartbeats missed) is kept as a pending switch time and committed at that time, before the
//! next event is handled. Deterministic: `Vec`s only, engine time only. The trace is not part of
//! the report's digest ([`crate::sim::Report::compute_digest`]), so a run with the trace on has
//! the same digest as one without.

use super::time::Time;
use serde::{Deserialize, Serialize};

/// Entries kept at most; beyond, [`StateTrace::truncated`] is set.
pub const DEFAULT_CAP: usize = super::limits::TRACE_CAP;

/// What a node is doing. Ordered from the calmest to the most severe (the UI shows a
/// component's most severe node state).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum NodeState {
    /// A passive member, replica or spare, alive and ready to take over.
    Standby,
    #[default]
    Up,
    /// Serving, but with a fault (errors, added latency, a leak, corruption).
    Degraded,
    /// Taking no new sessions before planned maintenance, or handing over its role.
    Draining,
    /// Coming back: restarting, waiting for health checks, catching up, restoring a backup.
    Recovering,
    /// Taking over a role: a replica being promoted, a passive member taking the virtual IP, a
    /// spare starting.
    Promoting,
    /// Dead or hung, but not yet noticed: the detection window (health checks, heartbeats).
    Suspected,
    Down,
}

impl NodeState {
    /// Every state in the legend's order (`NodeState::iter()` gives the declaration's,
    /// calmest first).
    pub const ALL: [NodeState; 8] = [
        NodeState::Up,
        NodeState::Suspected,
        NodeState::Down,
        NodeState::Standby,
        NodeState::Promoting,
        NodeState::Draining,
        NodeState::Recovering,
        NodeState::Degraded,
    ];

    /// The name, as serialized (`"up"`, `"suspected"`, …).
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// A symbol that tells the states apart without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            NodeState::Up => "✓",
            NodeState::Suspected => "?",
            NodeState::Down => "✕",
            NodeState::Standby => "◌",
            NodeState::Promoting => "↑",
            NodeState::Draining => "↘",
            NodeState::Recovering => "↻",
            NodeState::Degraded => "!",
        }
    }
}

/// Why a node is in its state.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Why {
    #[default]
    Serving,
    Active,
    Primary,
    Passive,
    Replica,
    Spare,
    /// Dead; the load balancer's health checks have not marked it down yet.
    NotYetDetected,
    /// Hung; the health checks have not marked it down yet.
    HungNotYetDetected,
    /// The passive member has not yet missed enough heartbeats.
    HeartbeatsMissing,
    /// The database primary is not answering; failover not yet decided.
    PrimaryNotAnswering,
    Crashed,
    MarkedDown,
    Hung,
    SiteDown,
    FailedOver,
    TakingOverVip,
    PromotingReplica,
    SpareStarting,
    PlannedSwitchover,
    HandingOver,
    Maintenance,
    Restarting,
    AwaitingHealthChecks,
    CatchingUp,
    RestoringBackup,
    Errors,
    Latency,
    Leak,
    Corrupt,
}

impl Why {
    /// In words, for labels and tooltips.
    pub fn text(self) -> &'static str {
        match self {
            Why::Serving => "serving",
            Why::Active => "active member",
            Why::Primary => "primary",
            Why::Passive => "passive member",
            Why::Replica => "replica",
            Why::Spare => "spare",
            Why::NotYetDetected => "dead, health checks have not noticed yet",
            Why::HungNotYetDetected => "hung, health checks have not noticed yet",
            Why::HeartbeatsMissing => "dead, peer still counting missed heartbeats",
            Why::PrimaryNotAnswering => "primary not answering, failover not decided yet",
            Why::Crashed => "crashed",
            Why::MarkedDown => "marked down by health checks",
            Why::Hung => "hung, marked down",
            Why::SiteDown => "site down",
            Why::FailedOver => "failed over to a replica",
            Why::TakingOverVip => "taking over the virtual IP",
            Why::PromotingReplica => "promoting to primary",
            Why::SpareStarting => "spare starting",
            Why::PlannedSwitchover => "planned switchover: becoming primary",
            Why::HandingOver => "planned switchover: handing over",
            Why::Maintenance => "draining for maintenance",
            Why::Restarting => "restarting (planned)",
            Why::AwaitingHealthChecks => "back, waiting for health checks",
            Why::CatchingUp => "catching up before promotion",
            Why::RestoringBackup => "restoring from backup",
            Why::Errors => "answering with errors",
            Why::Latency => "added latency",
            Why::Leak => "leaking resources",
            Why::Corrupt => "corrupt data",
        }
    }
}

/// One change of a node's state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEntry {
    pub t_us: u64,
    /// Index into [`StateTrace::components`].
    pub comp: u32,
    /// Node index within the component.
    pub node: u32,
    pub state: NodeState,
    pub why: Why,
}

/// The state trace of a run (wire type, part of the report when asked for, never of its
/// digest). Entries are in time order; every node has an entry at t = 0.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StateTrace {
    /// Component ids; an entry's `comp` indexes this.
    pub components: Vec<String>,
    /// Node count of each component.
    pub nodes: Vec<u32>,
    pub entries: Vec<TraceEntry>,
    /// More changes happened than the cap allowed; the trace stops at the last entry.
    pub truncated: bool,
}

/// The engine side: appends entries as the world changes.
#[derive(Clone, Debug)]
pub struct Recorder {
    pub(super) entries: Vec<TraceEntry>,
    /// Last recorded state of every node (world index).
    pub(super) last: Vec<Option<(NodeState, Why)>>,
    /// Nodes whose state changes by itself at a known time: (time, node).
    pub(super) pending: Vec<(Time, u32)>,
    pub(super) cap: usize,
    pub(super) truncated: bool,
}

impl Recorder {
    /// Bytes its entries take, about.
    pub(crate) fn memory_estimate(&self) -> u64 {
        (self.entries.len() * std::mem::size_of::<TraceEntry>()) as u64
    }
}
