//! Scenarios: the versioned wire format, validation that names every problem with its path,
//! compilation into the engine's configuration, share links and the built-in library.

pub mod builtins;
pub mod compile;
pub mod format;
pub mod link;
pub mod migrate;
pub mod parse;
pub mod schema;
pub mod units;
pub mod validate;

pub use format::*;
pub use units::Dur;

use serde::{Deserialize, Serialize};

/// How bad a problem is: errors stop a run, warnings (single points of failure, a replica in its
/// primary's failure domain) are shown and highlighted but do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a scenario, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    /// A path into the scenario JSON, like `components[3].spec.app.capacity.workers`.
    pub path: String,
    pub message: String,
    /// The component the problem is about, for highlighting on the canvas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

impl Problem {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
            component: None,
        }
    }
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            path: path.into(),
            message: message.into(),
            component: None,
        }
    }
    pub fn about(mut self, component: impl Into<String>) -> Problem {
        self.component = Some(component.into());
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}: {}", self.path, self.message)
    }
}

/// A scenario turned into the engine's configuration, with the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub config: crate::sim::Config,
    pub warnings: Vec<Problem>,
}

/// Validates a scenario and builds the engine's configuration; every error at once otherwise.
pub fn compile(scenario: &Scenario) -> Result<Compiled, Vec<Problem>> {
    let problems = validate::validate(scenario);
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(problems);
    }
    Ok(Compiled {
        config: compile::build_config(scenario),
        warnings: problems,
    })
}

/// Parses scenario JSON: size cap, syntax, `version` (migrating older versions), then the typed
/// scenario, listing every unknown field and type error with its path (see [`parse`]).
pub fn parse_json(text: &str) -> Result<Scenario, Vec<Problem>> {
    parse::parse_json(text)
}
