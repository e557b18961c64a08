//! The built-in scenario library, built from the seeds. PLACEHOLDER: one draft scenario; the
//! full library replaces it.

use super::Scenario;

/// A named built-in scenario.
pub struct Builtin {
    pub name: &'static str,
    pub title: &'static str,
    /// What it teaches, in one paragraph.
    pub description: &'static str,
    /// Which seed documents it comes from, e.g. `["000", "001"]`.
    pub seeds: &'static [&'static str],
    json: &'static str,
}

impl Builtin {
    /// The scenario (built-ins are checked by a test to parse and validate).
    pub fn scenario(&self) -> Scenario {
        super::parse_json(self.json).unwrap_or_else(|_| unreachable_builtin(self.name))
    }
}

#[cold]
fn unreachable_builtin(name: &str) -> Scenario {
    // Built-ins are fixed at compile time and covered by tests; reaching this is a bug.
    panic!("built-in scenario `{name}` does not parse")
}

const ALL: &[Builtin] = &[Builtin {
    name: "liferay-reference",
    title: "Liferay reference architecture",
    description: "Two load balancers, two web servers, a two-node app cluster with sticky sessions and session replication, and a clustered database (seeds 000, 001).",
    seeds: &["000", "001"],
    json: include_str!("builtins/liferay-reference.json"),
}];

pub fn all() -> &'static [Builtin] {
    ALL
}

pub fn get(name: &str) -> Option<&'static Builtin> {
    ALL.iter().find(|b| b.name == name)
}
