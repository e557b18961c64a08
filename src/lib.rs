//! Failover Lab: a fault-tolerance architecture simulator.
//!
//! Layers, with dependencies pointing one way (`ui → web → scenario/report → sim`):
//! - [`sim`]: the pure, deterministic discrete-event core. No browser crates, no clock, no I/O.
//! - [`scenario`]: the versioned wire format, its validation into the engine's configuration,
//!   share links and the built-in library.
//! - [`report`]: summaries and charts drawn from a run's report.
//! - [`study`]: many replications of a scenario and their statistics.
//! - [`lesson`]: guided lessons drawn from the seeds, each goal checked on a real run.
//! - [`web`]: the thin browser glue (worker, location hash, storage, panic hook).
//! - [`ui`]: Yew components and the app state reducer.

#![warn(unreachable_pub)]

pub mod exact;
pub mod lesson;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod study;
pub mod ui;
pub mod web;

/// The engine version that travels with share links and reports: equal versions, equal
/// scenario and seed give an equal digest.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
