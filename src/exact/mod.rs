//! Exact availability beside the simulation: the long-run (steady-state) values of a compiled
//! scenario (`sim::Config`) from reliability block diagrams and small Markov chains, with no
//! simulation. Each component is one model of `models.rs` built from the engine's own rules; a
//! request's path is the engine's flattened path (`sim::paths`), along which components in
//! series multiply (they fail independently) and a cache's hits skip ahead. Where a part of the
//! scenario has no exact counterpart, [`ExactReport::not_modelled`] says so and which metrics
//! it touches; [`ExactReport::metrics`] holds only the values with nothing left out.
//!
//! Pure and deterministic: no clock, no hashing, `libm` for transcendental functions.

pub mod ctmc;
mod importance;
pub mod models;
mod routing;
mod scan;
mod sites;
pub mod view;

use crate::report::format::YEAR_S;
use crate::sim::{self, Config, Hop, KindCfg, NONE};
use models::{Load, Outcome, Rates};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use importance::Importance;

/// Study metric keys an exact value can stand beside.
pub const AVAILABILITY: &str = "availability_request";
pub const DOWNTIME: &str = "downtime_per_year_s";
pub const LOST_WRITES: &str = "writes_lost";

/// The exact counterpart of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExactReport {
    pub scenario: String,
    /// Long-run share of offered requests served.
    pub request_availability: f64,
    /// Long-run share of time every request is served (no component failing any request).
    pub time_availability: f64,
    /// (1 − request availability) × one year (365 d), in seconds and minutes.
    pub downtime_per_year_s: f64,
    pub downtime_minutes_per_year: f64,
    /// Expected acknowledged writes lost at failovers per year.
    pub lost_writes_per_year: f64,
    /// Per study metric key, the expected value of one replication (the horizon's share of a
    /// year for counts): only metrics no `not_modelled` entry touches.
    pub metrics: BTreeMap<String, f64>,
    pub components: Vec<ComponentExact>,
    pub sites: Vec<SiteExact>,
    /// Per component with random failures, ranked: improve the first one first.
    pub importance: Vec<Importance>,
    /// Parts of the scenario without an exact counterpart.
    pub not_modelled: Vec<NotModelled>,
    /// Simplifications that hold for every value given (see `docs/exact.md`).
    pub assumptions: Vec<String>,
}

/// One component's exact values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentExact {
    pub id: String,
    /// Which model: `tier`, `tier with warm spares`, `pair`, `database`, `cache`, …
    pub model: String,
    /// Nodes (serving nodes plus spares; a database's primary plus replicas).
    pub nodes: u32,
    /// Nodes its load needs (k of k-of-n), from the traffic and a node's capacity.
    pub needed: u32,
    /// Long-run share of time one node is alive.
    pub node_availability: f64,
    /// Share of time at least one node / at least `needed` nodes are alive.
    pub any_node_up: f64,
    pub at_least_needed: f64,
    /// The same two averaged over the scenario's horizon from a start with every node up, as
    /// one run sees them (exponential repairs; the long-run values otherwise).
    pub node_availability_horizon: f64,
    pub any_node_up_horizon: f64,
    /// Expected share of the requests reaching it that it passes on.
    pub request_availability: f64,
    /// Share of time it passes on every request reaching it.
    pub time_availability: f64,
    /// Whether its alive-node figures are exact (no scripted fault takes its nodes down).
    pub alive_exact: bool,
    pub crashes_per_year: f64,
    /// Requests failed in one crash's detection window: its share of the load × the mean
    /// detection delay (tiers behind health checks; 0 elsewhere).
    pub detection_failed_per_crash: f64,
    pub failovers_per_year: f64,
    pub lost_writes_per_year: f64,
    /// States of the Markov chain solved (0 for a closed form).
    pub chain_states: usize,
}

/// A site (failure domain): the share of requests its components on the path pass on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteExact {
    pub id: String,
    pub request_availability: f64,
    pub components: Vec<String>,
}

/// A part of the scenario the exact model leaves out, where it is and which metrics it touches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotModelled {
    /// The JSON path of the part (`components[2]`, `faults[0]`, `traffic.client_retries`).
    pub path: String,
    pub what: String,
    /// Study metric keys (and `components.<id>.alive`) whose exact value it would change.
    pub affects: Vec<String>,
}

/// Everything the models need, derived from a `Config` once.
pub(crate) struct Model {
    pub(crate) paths: Vec<Vec<Hop>>,
    /// Share of the sessions entering at each entry.
    pub(crate) entry_share: Vec<f64>,
    /// Nominal (reads, writes) per second reaching each component, everything up.
    pub(crate) loads: Vec<(f64, f64)>,
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) notes: Vec<NotModelled>,
    /// BGP failover between entries, where it has a model (`scan` notes it where not).
    pub(crate) routing: Option<routing::Routing>,
    /// Why global routing between entries has no model here.
    pub(crate) routing_gap: Option<String>,
}

/// One second in the engine's µs.
const S: f64 = 1e6;

pub(crate) fn rates(c: &sim::ComponentCfg) -> Option<Rates> {
    let f = c.failure.as_ref()?;
    (f.mtbf > 0).then(|| Rates {
        lambda: S / f.mtbf as f64,
        mu: S / f.mttr.max(1) as f64,
    })
}

/// Mean detection delay (down) and rise delay (back up) of a tier's health checks: a uniform
/// phase within the interval, then the remaining probes (`sim/control/health.rs`).
pub(crate) fn health_delays(c: &sim::ComponentCfg) -> (f64, f64) {
    let h = &c.router.health;
    let i = h.interval.max(1) as f64;
    let down = i / 2.0 + i * f64::from(h.fall.max(1) - 1) + h.timeout as f64;
    let up = i / 2.0 + i * f64::from(h.rise.max(1) - 1);
    (down / S, up / S)
}

/// Requests per second entering the whole service: sessions × their per-session rate plus
/// each new session's first request, as the flow level counts them.
fn entry_rate(cfg: &Config) -> f64 {
    let t = &cfg.traffic;
    let lambda = t.sessions_per_s.max(0.0);
    lambda * t.requests_per_session.max(1.0) + lambda
}

impl Model {
    pub(crate) fn new(cfg: &Config) -> Model {
        let paths = sim::paths(cfg);
        let n = paths.len();
        let active_active = match cfg.routing {
            sim::RoutingCfg::Single => false,
            sim::RoutingCfg::Dns { active_active, .. }
            | sim::RoutingCfg::Bgp { active_active, .. } => active_active,
        };
        let entry_share: Vec<f64> = (0..n)
            .map(|e| {
                if active_active {
                    1.0 / n as f64
                } else if e == 0 {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        let mut loads = vec![(0.0, 0.0); cfg.components.len()];
        let ws = cfg.traffic.write_share.clamp(0.0, 1.0);
        for (p, share) in paths.iter().zip(&entry_share) {
            let rate = entry_rate(cfg) * share;
            nominal_walk(cfg, p, rate * (1.0 - ws), rate * ws, &mut loads);
        }
        let mut notes = Vec::new();
        let outcomes = (0..cfg.components.len())
            .map(|c| outcome(cfg, c, loads[c], &mut notes))
            .collect();
        let (routing, routing_gap) = match routing::of(cfg) {
            Ok(r) => (r, None),
            Err(why) => (None, Some(why)),
        };
        Model {
            paths,
            entry_share,
            loads,
            outcomes,
            notes,
            routing,
            routing_gap,
        }
    }

    /// Request availability of the service with these outcomes: each entry's path weighted by
    /// its share of the sessions.
    pub(crate) fn service(&self, cfg: &Config, outcomes: &[Outcome]) -> f64 {
        let ws = cfg.traffic.write_share.clamp(0.0, 1.0);
        if let Some(r) = &self.routing {
            let (reads, writes) = r.service(cfg, self, outcomes);
            return (1.0 - ws) * reads + ws * writes;
        }
        self.paths
            .iter()
            .zip(&self.entry_share)
            .map(|(p, share)| {
                let (r, w) = path_pass(cfg, p, outcomes);
                share * ((1.0 - ws) * r + ws * w)
            })
            .sum()
    }

    /// Share of time every component on the used paths passes on every request.
    fn all_served(&self) -> f64 {
        let mut on: Vec<u32> = self
            .paths
            .iter()
            .zip(&self.entry_share)
            .filter(|(_, s)| **s > 0.0)
            .flat_map(|(p, _)| p.iter().map(|h| h.comp))
            .collect();
        on.sort_unstable();
        on.dedup();
        on.iter()
            .map(|c| {
                let o = &self.outcomes[*c as usize];
                match &self.routing {
                    Some(r) if r.is_target(*c as usize) => r.target_all_served(o),
                    _ => o.all_served,
                }
            })
            .product()
    }
}

/// The nominal load along one path with everything up: a cache's hits leave the path and
/// rejoin it after the cache's callees.
fn nominal_walk(cfg: &Config, path: &[Hop], mut r: f64, w: f64, loads: &mut [(f64, f64)]) {
    let mut rejoin: Vec<(usize, f64)> = Vec::new();
    for (i, hop) in path.iter().enumerate() {
        r += rejoin.iter().filter(|x| x.0 == i).map(|x| x.1).sum::<f64>();
        let c = hop.comp as usize;
        loads[c].0 += r;
        loads[c].1 += w;
        if let KindCfg::Cache { hit_ratio, .. } = cfg.components[c].kind {
            let hits = r * hit_ratio;
            r -= hits;
            rejoin.push((hop.skip as usize, hits));
        }
    }
}

/// Expected shares of reads and writes a path serves: hops in series multiply; a cache's hits
/// continue after its callees.
pub(crate) fn path_pass(cfg: &Config, path: &[Hop], outcomes: &[Outcome]) -> (f64, f64) {
    let n = path.len();
    let mut reads = vec![1.0; n + 1];
    let mut writes = vec![1.0; n + 1];
    for i in (0..n).rev() {
        let c = path[i].comp as usize;
        let o = &outcomes[c];
        if matches!(cfg.components[c].kind, KindCfg::Store { embedded: true }) {
            reads[i] = reads[i + 1];
            writes[i] = writes[i + 1];
            continue;
        }
        let after = (path[i].skip as usize).min(n);
        reads[i] = if matches!(cfg.components[c].kind, KindCfg::Cache { .. }) {
            o.hits * reads[after] + o.reads * reads[i + 1]
        } else {
            o.reads * reads[i + 1]
        };
        writes[i] = o.writes * writes[i + 1];
    }
    (reads[0], writes[0])
}

/// Largest node count a tier with warm or cold spares is solved for as a chain.
pub const SPARE_CHAIN_MAX_NODES: u32 = 12;

/// The outcome of component `c` under its nominal load.
pub(crate) fn outcome(
    cfg: &Config,
    c: usize,
    (reads, writes): (f64, f64),
    notes: &mut Vec<NotModelled>,
) -> Outcome {
    let comp = &cfg.components[c];
    let r = rates(comp);
    let mean = sim::service_mean_of(comp, comp.total_nodes());
    let capacity = if mean > 0.0 {
        f64::from(comp.capacity.workers.max(1)) / (mean / S)
    } else {
        f64::INFINITY
    };
    let retry = if comp.router.retry_idempotent {
        cfg.traffic.idempotent_share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let load = Load {
        reads,
        writes,
        capacity,
        retry,
    };
    let at = format!("components[{c}]");
    let solved = |res: Result<Outcome, ctmc::SolveError>, notes: &mut Vec<NotModelled>| {
        res.unwrap_or_else(|e| {
            notes.push(NotModelled {
                path: at.clone(),
                what: format!("its Markov chain has no solution here ({e}); taken as always up"),
                affects: vec![AVAILABILITY.into(), DOWNTIME.into(), LOST_WRITES.into()],
            });
            models::hot_tier(comp.total_nodes(), None, 1.0, 1.0, &Load::default())
        })
    };
    match &comp.kind {
        KindCfg::LoadBalancer {
            pair,
            heartbeat,
            misses,
            takeover,
            ..
        } => {
            let t = (heartbeat * u64::from(*misses) + takeover) as f64 / S;
            let n = if *pair { comp.nodes.max(1) } else { 1 };
            solved(models::pair(n, r, t, &load), notes)
        }
        KindCfg::Queue {
            standby: true,
            takeover,
            ..
        } => solved(models::pair(2, r, *takeover as f64 / S, &load), notes),
        KindCfg::Database(db) => {
            let promote = (db.detection + db.manual.unwrap_or(0) + db.promotion) as f64 / S;
            solved(
                models::database(db.replicas.len() as u32, r, promote, &load),
                notes,
            )
        }
        KindCfg::Cache {
            hit_ratio,
            replicated,
        } => models::cache(
            comp.total_nodes(),
            r,
            *hit_ratio,
            *replicated,
            comp.required,
        ),
        KindCfg::Store { embedded: true } => models::hot_tier(1, None, 1.0, 1.0, &Load::default()),
        _ => tier(comp, r, &load, &at, notes),
    }
}

fn tier(
    comp: &sim::ComponentCfg,
    r: Option<Rates>,
    load: &Load,
    at: &str,
    notes: &mut Vec<NotModelled>,
) -> Outcome {
    let (detect, rise) = health_delays(comp);
    let cold = comp.spares > 0 && comp.spare_mode != sim::SpareMode::Hot;
    match r {
        Some(r) if cold && comp.total_nodes() <= SPARE_CHAIN_MAX_NODES => {
            let act = comp.spare_delay as f64 / S;
            models::spare_tier(comp.nodes, comp.spares, r, (detect, rise, act), load)
                .unwrap_or_else(|e| {
                    notes.push(NotModelled {
                        path: at.to_string(),
                        what: format!("its spares' chain has no solution ({e}); taken as hot"),
                        affects: vec![AVAILABILITY.into(), DOWNTIME.into()],
                    });
                    models::hot_tier(comp.total_nodes(), Some(r), detect, rise, load)
                })
        }
        _ => {
            if cold && r.is_some() {
                notes.push(NotModelled {
                    path: at.to_string(),
                    what: format!(
                        "warm or cold spares in a tier of more than {SPARE_CHAIN_MAX_NODES} \
                         nodes: computed as if every node served"
                    ),
                    affects: vec![AVAILABILITY.into(), DOWNTIME.into()],
                });
            }
            let serving = if cold { comp.nodes } else { comp.total_nodes() };
            let mut o = models::hot_tier(serving, r, detect, rise, load);
            if serving < comp.total_nodes() {
                // idle spares without failures: alive all the time
                let extra = (comp.total_nodes() - serving) as usize;
                let mut alive = vec![0.0; extra];
                alive.extend(o.alive);
                o.alive = alive;
            }
            o
        }
    }
}

/// The exact counterpart of a compiled scenario.
pub fn solve(cfg: &Config) -> ExactReport {
    let model = Model::new(cfg);
    let mut notes = model.notes.clone();
    scan::scan(cfg, &model, &mut notes);
    let a = model.service(cfg, &model.outcomes);
    let comps = components(cfg, &model, &notes);
    let lost: f64 = comps.iter().map(|c| c.lost_writes_per_year).sum();
    let touched = |key: &str| notes.iter().any(|n| n.affects.iter().any(|x| x == key));
    let mut metrics = BTreeMap::new();
    let downtime = (1.0 - a) * YEAR_S;
    if !touched(AVAILABILITY) {
        metrics.insert(AVAILABILITY.to_string(), a);
    }
    if !touched(DOWNTIME) {
        metrics.insert(DOWNTIME.to_string(), downtime);
    }
    if !touched(LOST_WRITES) {
        metrics.insert(
            LOST_WRITES.to_string(),
            lost * (cfg.horizon as f64 / S) / YEAR_S,
        );
    }
    ExactReport {
        scenario: cfg.name.clone(),
        request_availability: a,
        time_availability: model.all_served(),
        downtime_per_year_s: downtime,
        downtime_minutes_per_year: downtime / 60.0,
        lost_writes_per_year: lost,
        metrics,
        sites: sites::sites(cfg, &model),
        importance: importance::rank(cfg, &model, a),
        components: comps,
        not_modelled: notes,
        assumptions: scan::assumptions(cfg, model.routing.is_some()),
    }
}

fn components(cfg: &Config, model: &Model, notes: &[NotModelled]) -> Vec<ComponentExact> {
    cfg.components
        .iter()
        .enumerate()
        .map(|(c, comp)| {
            let o = &model.outcomes[c];
            let r = rates(comp);
            let total = o.alive.len().saturating_sub(1) as u32;
            let (reads, writes) = model.loads[c];
            let mean = sim::service_mean_of(comp, comp.total_nodes());
            let cap = f64::from(comp.capacity.workers.max(1)) / (mean.max(1e-9) / S);
            let needed = libm::ceil((reads + writes) / cap).max(1.0) as u32;
            let node_a = Rates::alive(r);
            let crashes = r.map_or(0.0, |r| f64::from(total) * node_a * r.lambda) * YEAR_S;
            let is_tier = matches!(
                comp.kind,
                KindCfg::Web
                    | KindCfg::App { .. }
                    | KindCfg::Store { embedded: false }
                    | KindCfg::Queue { standby: false, .. }
            );
            let detection = if is_tier && comp.nodes > 0 {
                (reads + writes) / f64::from(comp.nodes) * health_delays(comp).0
            } else {
                0.0
            };
            let lag_writes = match &comp.kind {
                KindCfg::Database(db) if !db.sync => libm::round(writes / S * db.lag as f64),
                _ => 0.0,
            };
            let key = format!("components.{}.alive", comp.id);
            ComponentExact {
                id: comp.id.clone(),
                model: model_name(comp).into(),
                nodes: total,
                needed,
                node_availability: node_a,
                any_node_up: 1.0 - o.alive.first().copied().unwrap_or(0.0),
                at_least_needed: o.alive.iter().skip(needed as usize).sum(),
                request_availability: if reads + writes > 0.0 {
                    (reads * (o.reads + o.hits) + writes * o.writes) / (reads + writes)
                } else {
                    o.writes
                },
                time_availability: o.all_served,
                node_availability_horizon: horizon_alive(comp, cfg.horizon, 1, node_a),
                any_node_up_horizon: horizon_alive(comp, cfg.horizon, total, node_a),
                alive_exact: !notes.iter().any(|n| n.affects.contains(&key)),
                crashes_per_year: crashes,
                detection_failed_per_crash: detection,
                failovers_per_year: o.failovers * YEAR_S,
                lost_writes_per_year: o.failovers * YEAR_S * lag_writes,
                chain_states: o.states,
            }
        })
        .collect()
}

/// Mean over `[0, horizon]` of the share of time at least one of `n` independent nodes is
/// alive (`n` = 1: one node's availability), every node up at 0. Under exponential repair a
/// node is dead at t with probability (1 − A)(1 − e^{−st}), s = λ + μ, and with
/// u = 1 − e^{−st}: ∫₀ʰ (1 − e^{−st})ⁿ dt = (1/s) ∫₀ᵁ uⁿ/(1 − u) du = (1/s)(sh − Σ_{k≤n} Uᵏ/k)
/// = (1/s) Σ_{k>n} Uᵏ/k (the second form where U < ½, free of cancellation). The long-run
/// value for other repair laws.
fn horizon_alive(c: &sim::ComponentCfg, horizon: sim::Time, n: u32, a: f64) -> f64 {
    let long_run = 1.0 - libm::pow(1.0 - a, f64::from(n));
    let (Some(r), Some(f)) = (rates(c), c.failure.as_ref()) else {
        return long_run;
    };
    let h = horizon as f64 / S;
    if f.repair != sim::RepairCfg::Exponential || h <= 0.0 || n == 0 {
        return long_run;
    }
    let s = r.lambda + r.mu;
    let sh = s * h;
    let u = -libm::expm1(-sh);
    let integral = if u < 0.5 {
        let (mut term, mut sum, mut k) = (libm::pow(u, f64::from(n)), 0.0, n + 1);
        loop {
            term *= u;
            let add = term / f64::from(k);
            sum += add;
            if add <= 1e-18 * sum || k > n + 2000 {
                break;
            }
            k += 1;
        }
        sum
    } else {
        let (mut p, mut sum) = (1.0, 0.0);
        for k in 1..=n {
            p *= u;
            sum += p / f64::from(k);
        }
        sh - sum
    };
    1.0 - libm::pow(1.0 - a, f64::from(n)) * integral / sh
}

fn model_name(c: &sim::ComponentCfg) -> &'static str {
    match &c.kind {
        KindCfg::LoadBalancer { pair: true, .. } => "load-balancer pair",
        KindCfg::LoadBalancer { .. } => "single load balancer",
        KindCfg::Queue { standby: true, .. } => "queue pair",
        KindCfg::Database(_) => "database with promotion",
        KindCfg::Cache { .. } => "cache",
        KindCfg::Store { embedded: true } => "embedded store",
        _ if c.spares > 0 && c.spare_mode == sim::SpareMode::Warm => "tier with warm spares",
        _ if c.spares > 0 && c.spare_mode == sim::SpareMode::Cold => "tier with cold spares",
        _ => "tier (k of n)",
    }
}

/// Requests per second one node of `c` serves.
pub(crate) fn models_capacity(c: &sim::ComponentCfg) -> f64 {
    let mean = sim::service_mean_of(c, c.total_nodes());
    if mean > 0.0 {
        f64::from(c.capacity.workers.max(1)) / (mean / S)
    } else {
        f64::INFINITY
    }
}

/// `NONE` re-exported for the scan.
pub(crate) const NO_ALT: u32 = NONE;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod view_tests;
