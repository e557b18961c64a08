//! Validation: every problem in a scenario at once, each with its location
//! (`components[3].spec.load_balancer.health_check.interval: must be > 0`). The problems of the
//! one pass in [`check`](super::check), without the configuration it emits.

pub use super::check::limits::*;
use super::{Problem, Scenario, Severity};

/// Every problem in `scenario`: errors first in scenario order, then warnings.
pub fn validate(scenario: &Scenario) -> Vec<Problem> {
    super::check::check(scenario).1
}

/// True when `problems` holds no error (warnings allowed).
pub fn is_runnable(problems: &[Problem]) -> bool {
    problems.iter().all(|p| p.severity != Severity::Error)
}
