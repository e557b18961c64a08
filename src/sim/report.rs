//! The report of a run: what users would have seen. A serialization boundary shared by the CLI
//! (`--json`), the browser app and the tests; metric definitions are in `shared/DOMAIN.md`.
//!
//! Maps are `BTreeMap` so that serialization order, and so the digest, is deterministic.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub engine_version: String,
    pub scenario: String,
    pub seed: u64,
    /// "request" or "flow".
    pub fidelity: String,
    pub horizon_s: f64,
    pub events: u64,
    pub requests: Requests,
    pub availability: Availability,
    pub sessions: Sessions,
    pub writes: Writes,
    pub latency_ms: Latency,
    pub incidents: Vec<Incident>,
    pub series: Series,
    /// Hex digest of everything above (see [`Report::compute_digest`]).
    pub digest: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Requests {
    pub offered: u64,
    pub served: u64,
    pub failed: u64,
    /// Failed requests by cause (see [`cause`] for the names).
    pub failed_by_cause: BTreeMap<String, u64>,
    /// Requests that succeeded only after a retry (LB retry of an idempotent request, or client).
    pub retried: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    /// served / offered.
    pub request: f64,
    /// Share of windows in which at least `success_threshold` of requests succeeded.
    pub time: f64,
    /// −log10(1 − request availability), capped at 9 when nothing failed.
    pub nines: f64,
    /// Downtime per year at the request-availability rate, in seconds.
    pub downtime_per_year_s: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sessions {
    pub started: u64,
    pub finished: u64,
    pub lost: u64,
    /// Still running at the horizon.
    pub active: u64,
    pub lost_by_cause: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Writes {
    pub attempted: u64,
    pub acknowledged: u64,
    pub lost: u64,
    /// Age of the oldest lost write over all incidents, in seconds (0 when none was lost).
    pub max_rpo_s: f64,
}

/// Request-level latency percentiles (queueing included); zero at flow level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

/// One incident, in the form of seed 003's failure table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// What started it: `crash`, `site_outage`, `partition`, `random failure`, ...
    pub trigger: String,
    /// The component (or site) it concerns.
    pub component: String,
    pub start_s: f64,
    /// Time from the first failed request to full restoration.
    pub rto_s: f64,
    pub requests_failed: u64,
    pub sessions_lost: u64,
    pub writes_lost: u64,
    pub rpo_s: f64,
    /// How the system recovered, in words ("promoted replica db#1 after 6.0 s").
    pub recovery: String,
}

/// Per-window time series for the charts. Every vector has one entry per window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub window_s: f64,
    pub t_s: Vec<f64>,
    pub offered: Vec<u64>,
    pub served: Vec<u64>,
    /// Failures per cause per window.
    pub failed_by_cause: BTreeMap<String, Vec<u64>>,
    pub sessions_active: Vec<u64>,
    pub sessions_lost: Vec<u64>,
    pub latency_p50_ms: Vec<f64>,
    pub latency_p95_ms: Vec<f64>,
    pub latency_p99_ms: Vec<f64>,
    /// Fault and recovery markers for the charts.
    pub markers: Vec<Marker>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub t_s: f64,
    pub label: String,
}

/// Names of failure causes, shared by the engine, the UI and the tests.
pub mod cause {
    pub const DETECTION_WINDOW: &str = "detection_window";
    pub const NO_HEALTHY_BACKEND: &str = "no_healthy_backend";
    pub const OVERLOAD: &str = "overload";
    pub const DATABASE_UNAVAILABLE: &str = "database_unavailable";
    pub const PARTITION: &str = "partition";
    pub const SITE_DOWN: &str = "site_down";
    pub const DNS_STALE: &str = "dns_stale";
    pub const INJECTED_ERROR: &str = "injected_error";
    pub const TIMEOUT: &str = "timeout";
}
