//! The engine configuration of a scenario, from the one pass in [`check`](super::check): ids
//! become indices, durations µs, defaults are applied.

use super::Scenario;
use crate::sim::config::Config;

/// The configuration even of an invalid scenario: every value that fails its check is emitted
/// as its safe stand-in and unknown references are left out (for the engine's robustness
/// tests). Use [`super::compile`] to run a scenario.
pub fn build_config(s: &Scenario) -> Config {
    super::check::check_all(s).0
}
