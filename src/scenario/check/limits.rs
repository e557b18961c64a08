//! The limits a scenario is checked against: sizes, and the work a run may take. Each is
//! enforced once, where its value is checked and emitted.

use crate::sim::Time;

/// At most this many components.
pub const MAX_COMPONENTS: usize = 2_000;
/// At most this many scripted faults.
pub const MAX_FAULTS: usize = 10_000;
/// At most this many sites.
pub const MAX_SITES: usize = 64;
/// At most this many nodes (serving nodes plus spares) in one component.
pub const MAX_NODES: u32 = 1_000;
/// At most this many replicas of one database.
pub const MAX_REPLICAS: usize = 100;
/// The longest duration anywhere (1000 years), so that sums of a few never overflow.
pub const MAX_DURATION: Time = 1_000 * 365 * 86_400 * 1_000_000;
/// Longest horizon at request level (every request is an entity): 30 days.
pub const MAX_HORIZON_REQUEST: u64 = 30 * 86_400 * 1_000_000;
/// Longest horizon at flow level (rates between state changes): 100 years.
pub const MAX_HORIZON_FLOW: u64 = 100 * 365 * 86_400 * 1_000_000;
/// At request level, at most this many sessions over the horizon (rate × peak factor ×
/// overlapping traffic spikes × horizon: the arrivals the engine draws).
pub const MAX_SESSIONS_REQUEST: f64 = 50_000_000.0;
/// At request level, at most this many new sessions per second at the peak (rate × peak factor
/// × overlapping spikes): arrivals are drawn on the µs clock, at most one per µs, and beyond
/// this rate the rounding of the gaps would thin them.
pub const MAX_RATE_REQUEST: f64 = 100_000.0;
/// At request level, at most this many requests over the horizon (sessions × requests per
/// session): every request is a few events.
pub const MAX_REQUESTS_REQUEST: f64 = 1_000_000_000.0;
/// At flow level, at most this many requests over the horizon: counts are floats, exact up to
/// 2^53.
pub const MAX_REQUESTS_FLOW: f64 = 9_007_199_254_740_992.0;
/// At most this many random failures over the horizon (nodes × horizon / MTBF, summed over the
/// components): each is a few events at either fidelity.
pub const MAX_RANDOM_FAILURES: f64 = 10_000_000.0;
/// At most this many flapping cycles in all the faults together.
pub const MAX_FLAPPING_CYCLES: u64 = 1_000_000;
/// At most this many cycles in one flapping fault.
pub const MAX_CYCLES_PER_FLAPPING: u32 = crate::sim::limits::MAX_FLAP_CYCLES;
/// At most this many nodes (plus spares) in all the components together.
pub const MAX_TOTAL_NODES: u64 = 20_000;
/// At most this many cycle problems; the rest are counted in one more.
pub const MAX_CYCLE_PROBLEMS: usize = 20;
/// The most new sessions per second at either fidelity (before the profile).
pub const MAX_SESSIONS_PER_S: f64 = 1e7;
/// The most requests per session.
pub const MAX_REQUESTS_PER_SESSION: f64 = 1e6;
/// The largest factor of a traffic profile (daily peak or trough, step).
pub const MAX_PROFILE_FACTOR: f64 = 1e6;
/// The largest factor of one traffic spike.
pub const MAX_SPIKE_FACTOR: f64 = 1e4;
/// The most workers of one node.
pub const MAX_WORKERS: u32 = 1_000_000;
/// The longest queue of one node.
pub const MAX_QUEUE_LIMIT: u32 = 10_000_000;
/// The most consecutive checks or heartbeats a detector counts (fall, rise, misses).
pub const MAX_CHECKS: u32 = 100;
/// The most client retries of a request.
pub const MAX_CLIENT_RETRIES: u32 = 10;
/// The widest log-normal repair shape σ.
pub const MAX_SIGMA: f64 = 5.0;
/// The narrowest metrics window (1 s).
pub const MIN_WINDOW: Time = 1_000_000;
