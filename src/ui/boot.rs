//! What the page opens with (`Boot`) and the default built-in. Which scenario a tab opens (a
//! share link as a new library entry, else the tab's entry, else the most recent one) is decided
//! by `ui::library::start` (issue 12), unit-tested there.

use crate::scenario::{builtins, Scenario};

/// The built-in the page opens on.
pub const DEFAULT_BUILTIN: &str = "liferay-reference";

/// What the page starts with, and a message when a link or the autosave could not be used.
#[derive(Clone, Debug, PartialEq)]
pub struct Boot {
    pub scenario: Scenario,
    pub message: Option<String>,
    pub from_link: bool,
}

/// The default built-in scenario.
pub fn default_scenario() -> Scenario {
    builtins::get(DEFAULT_BUILTIN)
        .or_else(|| builtins::all().first())
        .map(|b| b.scenario())
        .unwrap_or_else(|| blank("empty"))
}

/// What a first visit says of the scenario on screen: its description (which matches its run:
/// tests/builtin_texts.rs).
pub fn first_visit(s: &Scenario) -> Option<String> {
    (!s.description.is_empty()).then(|| format!("{}: {}", s.name, s.description))
}

/// An empty scenario for the New command: no components yet, an hour's horizon, and the default
/// traffic (one session a second, ten-minute sessions of twenty requests, 10 % writes, 10 s
/// timeout), so the first component added can take traffic.
pub fn blank(name: &str) -> Scenario {
    Scenario {
        version: crate::scenario::FORMAT_VERSION,
        name: name.into(),
        description: String::new(),
        seed: 1,
        horizon: crate::scenario::Dur::hours(1),
        warmup: None,
        fidelity: Default::default(),
        traffic: Default::default(),
        routing: Default::default(),
        sites: Vec::new(),
        site_links: Vec::new(),
        components: Vec::new(),
        faults: Vec::new(),
        metrics: Default::default(),
        expect: Vec::new(),
        slo: None,
    }
}
