//! The deterministic discrete-event simulation core.
//!
//! Architecture invariants: this module never imports browser crates, never reads a clock, does
//! no I/O and never iterates a hash map. Same configuration and seed give a bit-identical report
//! (integer µs time; FIFO ties; per-component ChaCha8 streams; floats only from `+ - * /`,
//! `sqrt` and `libm`).
//!
//! Module map:
//! - [`time`]: `Time` (µs) and the event queue ordered by (time, insertion sequence).
//! - [`rng`]: stable FNV-1a hashing and per-component random streams.
//! - [`config`]: the engine's configuration (built by `scenario::compile`); [`limits`]: the
//!   engine's limits, defined once.
//! - `topology`: the call graph flattened into the paths a request visits.
//! - `state`: the world's state alone (data and read accessors, no handlers).
//! - `event` and `engine`: the closed event enums; the event loop, scheduling and dispatch.
//! - `policy`: the decisions both fidelities share (LB eligibility, effective hit ratio,
//!   service time with replication cost, standby order, a dead pair's cause).
//! - `control`: the control plane shared by both fidelities: `faults/` (one family per file,
//!   stages named), `health`, `node`, `failover`, `routing`.
//! - `plane`: `DataPlane`, and the hooks the control plane calls on it.
//! - `request`: the request-level data plane (the hot loop); `flow`: the flow level (rates
//!   and populations between state changes). Neither imports the other.
//! - [`metrics`]: counters, histograms, windows, incidents, cause and loss names.
//! - [`report`]: the report shape, its building and its digest (the one module that reads
//!   everything).
//! - [`trace`]: the optional state trace of every node (for watch mode; not in the digest).
//!
//! Handlers are `impl World` blocks spread over `engine`, `control`, `request` and `plane`;
//! no `use` between two of these files goes both ways.
//!
//! ## Ordering and determinism rules
//! 1. Time is integer microseconds ([`Time`]); no float ever decides when an event fires.
//! 2. Events fire in (time, insertion sequence) order: equal times are FIFO.
//! 3. Every random draw comes from a ChaCha8 stream named by a component id and a purpose
//!    (`app/svc`, `app/fail`, `app/hc`) or `clients`, seeded from the scenario seed and the
//!    FNV-1a hash of that name: adding a component never changes another component's draws.
//! 4. Nothing iterates a hash map; nothing random or serialized uses `usize`.
//! 5. `run_until(t)` handles exactly the events at or before `t`; the flow level integrates
//!    only at events, so chunked and one-shot runs give bit-identical reports.
//!
//! ## The model in one paragraph
//! Sessions arrive (Poisson, rate × profile × spikes; thinning), pick an entry through global
//! routing (single, DNS with per-client TTL caches and stale clients, BGP with convergence) and
//! issue a geometric number of requests (mean `requests_per_session`, one every
//! `session_duration / requests_per_session`). A request walks the call graph flattened into a
//! path; at each tier the load balancer picks a node (round-robin, least-connections, random;
//! sticky sessions; health checks decide when a dead node is marked down — until then requests
//! to it fail in the *detection window*, optionally retried elsewhere when idempotent), and
//! each node is an M/M/c/K station (workers, exponential service, queue limit, client timeout).
//! App nodes hold sessions (replication none / buddy / all, costing service time); caches
//! divert reads; databases have a primary and replicas (sync: round trip added to writes, fails
//! under partition; async: writes inside the lag window lost on failover) with hot / warm / cold
//! standby and automated or manual promotion. Faults are scripted or random (MTBF / MTTR with
//! exponential, log-normal or fixed repair) and each opens an incident that collects the failed
//! requests, lost sessions and lost writes it caused.
//!
//! A guided tour: build a configuration from a built-in scenario, run it in chunks as the Web
//! Worker does, and check that it equals one uninterrupted run.
//!
//! ```
//! use failover_lab::{scenario, sim};
//! let mut s = scenario::builtins::get("liferay-reference").unwrap().scenario();
//! s.horizon = scenario::Dur::mins(2);
//! let config = scenario::compile(&s).unwrap().config;
//! let mut chunked = sim::Simulation::new(config.clone());
//! while chunked.now() < chunked.horizon() {
//!     chunked.run_until(chunked.now() + 10_000_000); // 10 simulated seconds at a time
//! }
//! let once = sim::run(config);
//! assert_eq!(chunked.report().digest, once.digest);
//! assert_eq!(once.requests.offered, once.requests.served + once.requests.failed);
//! ```

pub mod config;
mod control;
mod engine;
mod entities;
mod event;
mod flow;
mod flow_state;
mod incidents;
#[cfg(test)]
mod lean_tests;
pub mod metrics;
mod observe;
mod plane;
mod policy;
pub mod report;
mod request;
pub mod rng;
mod stage;
mod state;
pub mod time;
mod topology;

pub(crate) use policy::{effective_hit_ratio as policy_hit_ratio, service_mean as service_mean_of};
pub use topology::{path_too_long, paths, Hop};
pub mod trace;

pub use config::limits;
pub use config::*;
pub use report::Report;
pub use time::Time;

use state::World;

/// A run in progress. Running in chunks (`run_until`) gives the same report as one `run_to_end`.
pub struct Simulation {
    world: World,
}

impl Simulation {
    pub fn new(config: Config) -> Simulation {
        Simulation {
            world: World::new(config),
        }
    }
    /// A run for a study's replication: every count, incident and metric of
    /// [`Simulation::new`]'s, but the chart's series points and markers are only counted and
    /// the report carries no digest (formatting and hashing a year's series is a fifth of a
    /// flow-level year). The study keeps its own digest of what it keeps
    /// (`study::Replication`).
    pub fn summary_only(config: Config) -> Simulation {
        let mut world = World::new(config);
        world.metrics.make_lean();
        Simulation { world }
    }
    /// Handles the next event; false when the run is over.
    pub fn step(&mut self) -> bool {
        self.world.step()
    }
    /// Handles every event up to and including time `t` (capped at the horizon).
    pub fn run_until(&mut self, t: Time) {
        let t = t.min(self.world.cfg.horizon);
        self.world.run_events(t, u64::MAX);
        // Only the clock moves: the flow level integrates at events, so chunking cannot change
        // any float.
        if self.world.now < t && self.world.stopped.is_none() {
            self.world.now = t;
        }
    }
    /// [`Simulation::run_until`] handling at most `max_events` events: true when it reached `t`
    /// (every event at or before `t` handled), false when it stopped at the budget first (or
    /// at the run's own budget: see [`Simulation::stopped`]).
    /// Stopping at a budget and going on later gives the same report as one uninterrupted run,
    /// so a caller can return to its own loop (read a Cancel) however dense the events are.
    pub fn run_until_at_most(&mut self, t: Time, max_events: u64) -> bool {
        let t = t.min(self.world.cfg.horizon);
        let before = self.world.events;
        self.world.run_events(t, max_events);
        if self.world.events - before == max_events || self.world.stopped.is_some() {
            return false;
        }
        if self.world.now < t {
            self.world.now = t;
        }
        true
    }
    /// Records the state trace of every node from now on (see [`trace`]), at most
    /// [`trace::DEFAULT_CAP`] entries. The report then carries it in `trace`; its digest does
    /// not change.
    pub fn enable_trace(&mut self) {
        self.enable_trace_with_cap(trace::DEFAULT_CAP);
    }
    /// [`Simulation::enable_trace`] with another cap on the number of entries.
    pub fn enable_trace_with_cap(&mut self, cap: usize) {
        observe::record::enable(&mut self.world, cap);
    }
    pub fn run_to_end(&mut self) {
        self.world.run_events(self.world.cfg.horizon, u64::MAX);
        while self.step() {}
    }
    pub fn now(&self) -> Time {
        self.world.now
    }
    pub fn horizon(&self) -> Time {
        self.world.cfg.horizon
    }
    /// Set when a budget (`Config::budget`) stopped the run before its horizon: no event is
    /// handled after it, and the report is partial (`Report::partial`).
    pub fn stopped(&self) -> Option<Stop> {
        self.world.stopped
    }
    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.world.events
    }
    pub fn config(&self) -> &Config {
        &self.world.cfg
    }
    /// The completed points of the run's time series, for warm-up detection: the width of a
    /// point (µs), each point's share of requests served (1 without requests) and, at request
    /// level, its mean latency in ms (empty at flow level). The partial last point is left out.
    pub fn window_series(&self) -> (Time, Vec<f64>, Vec<f64>) {
        let m = &self.world.metrics;
        let success = m
            .s_offered
            .iter()
            .zip(&m.s_served)
            .map(|(&o, &s)| if o == 0 { 1.0 } else { s as f64 / o as f64 })
            .collect();
        (m.window * m.series_every, success, m.s_mean.clone())
    }
    /// The report of the run so far (final once the run is over).
    pub fn report(&self) -> Report {
        report::build(&self.world)
    }
    /// The report of the run so far, the simulation given up: its metrics move into the report
    /// instead of being copied (the same report as [`Simulation::report`]).
    pub fn into_report(mut self) -> Report {
        if self.world.trace.is_some() {
            return self.report();
        }
        let m = std::mem::take(&mut self.world.metrics);
        report::build_with(&self.world, m)
    }
}

/// Runs a configuration to its horizon.
pub fn run(config: Config) -> Report {
    let mut sim = Simulation::new(config);
    sim.run_to_end();
    sim.into_report()
}
