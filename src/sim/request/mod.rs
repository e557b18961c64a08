//! The request-level data plane: every session and request an entity, each node an M/M/c/K
//! station. Its handlers are further `impl World` blocks, called by the event loop (`engine`)
//! and, through the data-plane hooks (`plane`), by the control plane.
//!
//! The request path is one loop: `engine::World::run_events` has the handlers of these files
//! `#[inline(always)]`-ed into it, and their rare branches `#[inline(never)]`
//! (ARCHITECTURE.md; bench/README.md shows what a call per event costs).

mod arrivals;
mod db;
mod outcome;
mod path;
mod pick;
mod sessions;
mod station;
