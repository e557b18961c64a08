//! The deterministic discrete-event simulation core.
//!
//! Architecture invariant: this module never imports browser crates, never reads a clock, does
//! no I/O and never iterates a hash map. Same configuration and seed give a bit-identical report.
//!
//! PLACEHOLDER API (to be replaced by the real engine; signatures are the contract other layers
//! use): `Config`, `Simulation::{new, step, run_until, run_to_end, now, horizon, events, report}`,
//! `run`.

pub mod report;

pub use report::Report;

/// Simulated time in integer microseconds since the start of the run.
pub type Time = u64;

/// The engine's validated configuration, built from a scenario by `scenario::compile`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub name: String,
    pub seed: u64,
    pub horizon: Time,
}

/// A run in progress. Running in chunks (`run_until`) gives the same report as one `run_to_end`.
pub struct Simulation {
    config: Config,
    now: Time,
    events: u64,
}

impl Simulation {
    pub fn new(config: Config) -> Simulation {
        Simulation {
            config,
            now: 0,
            events: 0,
        }
    }
    /// Handles the next event; false when the run is over.
    pub fn step(&mut self) -> bool {
        self.now = self.config.horizon;
        false
    }
    pub fn run_until(&mut self, t: Time) {
        self.now = t.min(self.config.horizon);
    }
    pub fn run_to_end(&mut self) {
        while self.step() {}
    }
    pub fn now(&self) -> Time {
        self.now
    }
    pub fn horizon(&self) -> Time {
        self.config.horizon
    }
    pub fn events(&self) -> u64 {
        self.events
    }
    pub fn report(&self) -> Report {
        Report {
            scenario: self.config.name.clone(),
            seed: self.config.seed,
            ..Report::default()
        }
    }
}

/// Runs a configuration to its horizon.
pub fn run(config: Config) -> Report {
    let mut sim = Simulation::new(config);
    sim.run_to_end();
    sim.report()
}
