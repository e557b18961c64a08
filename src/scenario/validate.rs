//! Validation: every problem in a scenario, each with its path. PLACEHOLDER: checks the horizon
//! only; the full validation replaces it.

use super::{Problem, Scenario};

pub fn validate(scenario: &Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    if scenario.horizon.as_micros().is_none() {
        problems.push(Problem::error("horizon", "not a duration"));
    }
    problems
}
