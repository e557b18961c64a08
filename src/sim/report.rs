//! The report of a run: what users would have seen. A serialization boundary shared by the CLI
//! (`--json`), the browser app and the tests; metric definitions are in `docs/model.md`.
//!
//! Maps are `BTreeMap` so that serialization order, and so the digest, is deterministic.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub engine_version: String,
    pub scenario: String,
    pub seed: u64,
    /// Serialized as "request" or "flow".
    pub fidelity: super::config::Fidelity,
    pub horizon_s: f64,
    /// Statistics were reset at this time (the end of the warm-up, `Config::warmup`): every
    /// count below covers `[warmup_s, horizon_s]` only. Absent (and out of the digest) without
    /// a warm-up, or before it ended.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub warmup_s: f64,
    pub events: u64,
    pub requests: Requests,
    pub availability: Availability,
    pub sessions: Sessions,
    pub writes: Writes,
    pub latency_ms: Latency,
    pub incidents: Vec<Incident>,
    pub series: Series,
    /// Per-component statistics (node availability, queueing).
    #[serde(default)]
    pub components: Vec<ComponentStats>,
    /// Set when a budget stopped the run before its horizon: the report covers it up to there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
    /// Hex digest of everything above (see [`Report::compute_digest`]).
    pub digest: String,
    /// The state trace of every node, only when the run was asked for it
    /// (`Simulation::enable_trace`). Not part of the digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<super::trace::StateTrace>,
}

/// Why a run stopped before its horizon, and where.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// `"events"` or `"memory"`.
    pub budget: String,
    /// Simulated time it stopped at, in seconds.
    pub at_s: f64,
    /// What to tell the user: "event budget of N events reached at t = … s; …".
    pub message: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_zero_f64(x: &f64) -> bool {
    *x == 0.0
}

/// What one component did during the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComponentStats {
    pub id: String,
    pub nodes: u32,
    /// Requests that started service on its nodes.
    pub served: u64,
    /// Mean time a request waited in a node's queue before service, in ms.
    pub mean_wait_ms: f64,
    /// Mean share of its nodes alive.
    pub node_availability: f64,
    /// `up_share[k]` = share of time with exactly k nodes alive.
    pub up_share: Vec<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Requests {
    /// Requests that ended (served or failed) before the horizon.
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
    /// Messages held by a non-persistent message queue when it crashed (request level).
    #[serde(default)]
    pub messages_lost: u64,
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
    /// 0 for one incident; beyond the first `limits::MAX_INCIDENT_RECORDS`, the number of
    /// incidents of this trigger and component aggregated into this record (its start is the
    /// first's, its RTO from the first failed request to the last).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub aggregated: u64,
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
    /// Markers beyond the first `limits::MAX_MARKERS`, counted but not kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub markers_omitted: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub t_s: f64,
    pub label: String,
}

impl Report {
    /// FNV-1a 64 over the canonical JSON of the report with an empty digest and without the
    /// state trace, in hex.
    pub fn compute_digest(&self) -> String {
        let mut h = super::rng::Fnv1a::default();
        // the serializer streams into the hash (the same bytes as `to_string`, never held)
        let hashed = if self.trace.is_none() && self.digest.is_empty() {
            serde_json::to_writer(&mut h, self)
        } else {
            let r = Report {
                trace: None,
                digest: String::new(),
                ..self.clone()
            };
            serde_json::to_writer(&mut h, &r)
        };
        if hashed.is_err() {
            // as the hash of `to_string(..).unwrap_or_default()`: of no bytes
            h = super::rng::Fnv1a::default();
        }
        format!("{:016x}", h.0)
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        1.0
    }
}

/// −log10(1 − a), 9 when nothing failed.
pub fn nines(a: f64) -> f64 {
    if a >= 1.0 {
        9.0
    } else {
        (-libm::log10(1.0 - a)).min(9.0)
    }
}

/// Builds the report of a world at its current time.
pub fn build(w: &super::state::World) -> Report {
    build_with(w, w.metrics.clone())
}

/// [`build`] from `m`, the world's metrics (taken out of a finished world, not copied). A lean
/// run's report (`Simulation::summary_only`) has no series, no markers and no digest.
pub(crate) fn build_with(w: &super::state::World, mut m: super::metrics::Metrics) -> Report {
    use super::metrics::{Cause, Loss};
    use super::time::secs;
    use strum::IntoEnumIterator;
    let now = w.now.min(w.cfg.horizon);
    w.plane_close_partial(&mut m, now);
    let m_lean = m.lean;
    let failed: u64 = m.failed.iter().sum();
    let mut failed_by_cause = BTreeMap::new();
    for c in Cause::iter() {
        if m.failed[c as usize] > 0 {
            failed_by_cause.insert(c.to_string(), m.failed[c as usize]);
        }
    }
    let request = ratio(m.served as f64, m.offered as f64);
    let lost: u64 = m.sessions_lost.iter().sum();
    let mut lost_by_cause = BTreeMap::new();
    for l in Loss::iter() {
        if m.sessions_lost[l as usize] > 0 {
            lost_by_cause.insert(l.to_string(), m.sessions_lost[l as usize]);
        }
    }
    let request_level = w.plane == super::plane::DataPlane::Request;
    let latency = if request_level && !m.hist.is_empty() {
        Latency {
            p50: m.hist.quantile(0.5) / 1000.0,
            p95: m.hist.quantile(0.95) / 1000.0,
            p99: m.hist.quantile(0.99) / 1000.0,
            mean: m.latency_sum_us / m.served.max(1) as f64 / 1000.0,
        }
    } else {
        Latency::default()
    };
    let incidents = incidents(std::mem::take(&mut m.incidents));
    let mut series_failed = BTreeMap::new();
    for c in Cause::iter() {
        let i = c as usize;
        if m.s_failed.iter().any(|f| f[i] > 0) {
            series_failed.insert(c.to_string(), m.s_failed.iter().map(|f| f[i]).collect());
        }
    }
    let components = component_stats(w, now);
    let mut report = Report {
        engine_version: crate::ENGINE_VERSION.to_string(),
        scenario: w.cfg.name.clone(),
        seed: w.cfg.seed,
        fidelity: w.cfg.fidelity,
        horizon_s: secs(w.cfg.horizon),
        // stated once it happened: a run stopped by a budget before it counts from 0
        warmup_s: secs(m.reset_at),
        events: w.events,
        requests: Requests {
            offered: m.offered,
            served: m.served,
            failed,
            failed_by_cause,
            retried: m.retried,
        },
        availability: Availability {
            request,
            time: ratio(m.windows_up as f64, m.windows_total as f64),
            nines: nines(request),
            downtime_per_year_s: (1.0 - request) * 365.0 * 86_400.0,
        },
        sessions: Sessions {
            started: m.sessions_started,
            finished: m.sessions_finished,
            lost,
            active: m.sessions_active(),
            lost_by_cause,
        },
        writes: Writes {
            attempted: m.writes_attempted,
            acknowledged: m.writes_acked,
            lost: m.writes_lost,
            max_rpo_s: secs(m.max_rpo),
            messages_lost: m.messages_lost,
        },
        latency_ms: latency,
        incidents,
        series: Series {
            window_s: secs(m.window * m.series_every),
            t_s: m.s_t,
            offered: m.s_offered,
            served: m.s_served,
            failed_by_cause: series_failed,
            sessions_active: m.s_active,
            sessions_lost: m.s_lost,
            latency_p50_ms: m.s_p50,
            latency_p95_ms: m.s_p95,
            latency_p99_ms: m.s_p99,
            markers: m
                .markers
                .into_iter()
                .map(|(t, label)| Marker {
                    t_s: secs(t),
                    label,
                })
                .collect(),
            markers_omitted: m.markers_omitted,
        },
        components,
        partial: w.stopped.map(|s| partial(&w.cfg, s)),
        digest: String::new(),
        trace: None,
    };
    if !m_lean {
        report.digest = report.compute_digest();
    }
    report.trace = w.trace.as_ref().map(|t| t.snapshot(w));
    report
}

/// The incidents that did harm (failed requests, lost sessions or writes), their texts moved.
fn incidents(recs: Vec<super::metrics::IncidentRec>) -> Vec<Incident> {
    use super::time::secs;
    recs.into_iter()
        .filter(|r| r.failed > 0 || r.sessions_lost > 0 || r.writes_lost > 0)
        .map(|r| {
            let start = r.first_fail.unwrap_or(r.fault_at);
            Incident {
                start_s: secs(start),
                rto_s: secs(r.rto()),
                requests_failed: r.failed,
                sessions_lost: r.sessions_lost,
                writes_lost: r.writes_lost,
                rpo_s: secs(r.rpo_us),
                recovery: if r.aggregated > 0 {
                    format!("{} more incidents aggregated", r.aggregated)
                } else {
                    r.recovery
                },
                aggregated: r.aggregated,
                trigger: r.trigger,
                component: r.component,
            }
        })
        .collect()
}

/// The partial report's account of the budget that stopped the run.
fn partial(cfg: &super::config::Config, s: super::config::Stop) -> Partial {
    use super::config::BudgetKind;
    let at_s = super::time::secs(s.at);
    let (budget, what) = match s.kind {
        BudgetKind::Events => (
            "events",
            format!("event budget of {} events", cfg.budget.events),
        ),
        BudgetKind::Memory => (
            "memory",
            format!(
                "memory budget of {} MiB (estimated {} MiB)",
                cfg.budget.memory_bytes >> 20,
                s.memory_bytes >> 20
            ),
        ),
    };
    Partial {
        budget: budget.to_string(),
        at_s,
        message: format!(
            "{what} reached at t = {at_s} s of {} s: the run stopped there and this report covers it up to there",
            super::time::secs(cfg.horizon)
        ),
    }
}

/// What each component did up to `now` (node availability from its alive-count times).
fn component_stats(w: &super::state::World, now: super::time::Time) -> Vec<ComponentStats> {
    w.cfg
        .components
        .iter()
        .zip(&w.comps)
        .map(|(c, s)| {
            let mut up = s.up_time.clone();
            let k = s.alive as usize;
            if let Some(t) = up.get_mut(k) {
                *t += now.saturating_sub(s.last_change);
            }
            let total: u64 = up.iter().sum();
            let up_share: Vec<f64> = up.iter().map(|t| ratio(*t as f64, total as f64)).collect();
            let node_availability = if s.count == 0 {
                1.0
            } else {
                up_share
                    .iter()
                    .enumerate()
                    .map(|(k, p)| p * k as f64)
                    .sum::<f64>()
                    / f64::from(s.count)
            };
            ComponentStats {
                id: c.id.clone(),
                nodes: s.count,
                served: s.served,
                mean_wait_ms: if s.served > 0 {
                    s.wait_sum_us as f64 / s.served as f64 / 1000.0
                } else {
                    0.0
                },
                node_availability,
                up_share,
            }
        })
        .collect()
}
