//! Scenarios: the versioned wire format (and its generated JSON Schema), the one pass that checks
//! a scenario and emits the engine's configuration, naming every problem with its location,
//! share links and the built-in library.

pub mod builtins;
mod check;
pub mod compile;
pub mod format;
pub mod link;
pub mod migrate;
pub mod parse;
pub mod problem;
pub mod schema;
pub mod units;
pub mod validate;

pub use format::*;
pub use units::Dur;

pub use problem::{Location, Problem, Severity};

/// A scenario turned into the engine's configuration, with the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub config: crate::sim::Config,
    pub warnings: Vec<Problem>,
}

/// Checks a scenario and builds the engine's configuration in one pass: the configuration and
/// the warnings, or every problem (errors first) when there is an error.
pub fn compile(scenario: &Scenario) -> Result<Compiled, Vec<Problem>> {
    match check::check(scenario) {
        (Some(config), warnings) => Ok(Compiled { config, warnings }),
        (None, problems) => Err(problems),
    }
}

/// The one pass, as a pair: the configuration when there is no error, and every problem.
pub fn check(scenario: &Scenario) -> (Option<crate::sim::Config>, Vec<Problem>) {
    check::check(scenario)
}

/// Parses scenario JSON: size cap, syntax, `version` (migrating older versions), then the typed
/// scenario, listing every unknown field and type error with its path (see [`parse`]).
pub fn parse_json(text: &str) -> Result<Scenario, Vec<Problem>> {
    parse::parse_json(text)
}
