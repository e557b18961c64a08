//! The engine's limits and fixed intervals, defined once: the engine clamps to them, and
//! `scenario` validates against them (so a scenario over a limit gets a problem, not a clamp).

use super::super::time::Time;

/// Flapping cycles of one fault, at most.
pub const MAX_FLAP_CYCLES: u32 = 100_000;

/// Hops of one path (the flattened call graph from an entry), at most; a request that would go
/// further fails with `no_healthy_backend`.
pub const MAX_HOPS: usize = 64;

/// Nodes of one component (nodes, replicas and spares), at most.
pub const MAX_NODES_PER_COMPONENT: u32 = 10_000;

/// Entries of the state trace kept by default ([`crate::sim::Simulation::enable_trace`]).
pub const TRACE_CAP: usize = 200_000;

/// How often a blue/green drain checks whether the drained cluster still holds sessions
/// (request level; the flow level waits the whole drain).
pub const DRAIN_POLL: Time = 5_000_000;

/// How often the flow level re-evaluates a time-varying (daily) traffic profile.
pub const FLOW_TICK: Time = 60 * 60_000_000;

/// The largest count a float holds exactly (2^53): the flow level's counts are capped there,
/// and validation keeps runs below it.
pub const MAX_EXACT_COUNT: f64 = 9_007_199_254_740_992.0;

/// Incidents kept as full records; the rest are aggregated into one record per (trigger,
/// component) that counts them (`Incident::aggregated`).
pub const MAX_INCIDENT_RECORDS: usize = 1_000;

/// Chart markers (faults and recoveries) kept; the rest are counted (`Series::markers_omitted`).
pub const MAX_MARKERS: usize = 1_000;

/// The default event budget of a run (`Budget::events`): it stops there with a partial report.
pub const DEFAULT_MAX_EVENTS: u64 = 2_000_000_000;

/// The default memory budget of a run in bytes (`Budget::memory_bytes`): the engine's estimate
/// of what it holds (events pending, live sessions and requests, records, series).
pub const DEFAULT_MAX_MEMORY: u64 = 1 << 30;

/// Events between two checks of the memory budget.
pub const BUDGET_CHECK_EVERY: u64 = 1 << 16;

/// Flow level, DNS: the shortest interval between two decay ticks of cached answers (a TTL of
/// 0 s would otherwise tick every microsecond).
pub const DNS_MIN_TICK: Time = 1_000;

/// Flow level, DNS: decay ticks per stale TTL at least (the interval is at least the stale TTL
/// over this), so one withdrawal takes at most 100 × this many ticks.
pub const DNS_TICKS_PER_STALE_TTL: Time = 16_384;

/// Flow level, DNS: cohorts of clients holding a fresh answer for a dead entry, per entry and
/// kind of client, at most (closer expiries merge).
pub const DNS_MAX_COHORTS: usize = 1_024;
