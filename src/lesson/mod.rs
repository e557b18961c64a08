//! Guided lessons: a course drawn from the seeds, checked against the real engine (issue 17).
//!
//! A lesson is data (`lessons/*.json`, compiled in with `include_str!` like the built-in
//! scenarios): a starting scenario, ordered steps — each an instruction, the change that solves
//! it (a list of JSON-pointer edits a UI can apply to the scenario's JSON as well), a goal read
//! from the run's report through the metric registry, hints revealed one at a time and an
//! explanation naming the concept and the seed — then a fill-in-the-blank quiz and, where it fits,
//! a "what broke?" exercise with a hidden fault.
//!
//! Pure and target-independent: parsing ([`parse`]), applying edits ([`edit`]), answers
//! ([`quiz`]) and playing a lesson ([`play`]) never touch the browser, the clock or the disk.

pub mod broke;
pub mod edit;
pub mod parse;
pub mod play;
pub mod progress;
pub mod quiz;
pub mod schema;

#[cfg(test)]
mod tests;

use crate::scenario::Comparison;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use edit::Edit;
pub use parse::parse_lesson;
pub use play::{check, Check, GoalCheck, Player};
pub use progress::{from_link, Progress};
pub use quiz::{check_answer, Verdict};

/// One lesson, as written in `lessons/NAME.json` (see docs/lessons.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Short kebab-case name: the CLI's argument and the `#lesson=` link.
    pub name: String,
    pub title: String,
    /// The seed documents it is drawn from, e.g. `["000", "001"]`.
    pub seeds: Vec<String>,
    /// The concept it teaches, in a few words ("single point of failure").
    pub concept: String,
    /// One paragraph for the course overview.
    pub summary: String,
    /// The scenario the learner starts from.
    pub start: Start,
    /// The steps, in order; each goal must fail before its change and hold after it.
    pub steps: Vec<Step>,
    /// Fill-in-the-blank questions at the end.
    #[serde(default)]
    pub quiz: Vec<Question>,
    /// A hidden fault to diagnose from the charts and incidents, on the solved design.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what_broke: Option<WhatBroke>,
}

/// Where a lesson's scenario comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Start {
    /// A built-in scenario by name (`scenario::builtins`).
    Builtin(String),
    /// A scenario written inline (format version 1, checked like any scenario file).
    Scenario(#[schemars(with = "crate::scenario::Scenario")] serde_json::Value),
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the learner is asked to do.
    pub instruction: String,
    /// The reference solution: edits applied in order to the scenario's JSON.
    pub change: Vec<Edit>,
    /// Every condition must hold on the run after the change, and each must fail before it.
    pub goal: Vec<Goal>,
    /// Revealed one at a time on request, the most general first.
    pub hints: Vec<String>,
    /// Shown after success: why it worked, naming the concept and the seed.
    pub explanation: String,
}

/// A condition on a run's result: `metric is value`, the metric named by its CSV key in the
/// registry (`report::Metric::csv_key`: `sessions_lost`, `max_rpo_s`, `availability_request`…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub metric: String,
    pub is: Comparison,
    pub value: f64,
}

/// A fill-in-the-blank question: `prompt` holds one `___` (three or more underscores) per blank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub prompt: String,
    /// For each blank, the accepted answers (the first is the one shown); matching ignores case,
    /// articles, punctuation and plurals.
    pub answers: Vec<Vec<String>>,
    /// Shown after answering, right or wrong.
    pub explanation: String,
    /// A seed's own end-of-chapter summary question, reworded (`"000"`); absent for new ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_summary: Option<String>,
}

/// A "what broke?" exercise: the fault is added to the solved scenario, hidden from the learner,
/// who names the component and the kind of fault from the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatBroke {
    /// A fault in the scenario format (`{"hang": {"at": "10m", "target": "app", "node": 0}}`).
    #[schemars(with = "crate::scenario::Fault")]
    pub fault: serde_json::Value,
    /// What the learner should notice, shown after answering.
    pub explanation: String,
}

impl Goal {
    /// Whether a measured value meets the goal (NaN never does).
    pub fn holds(&self, actual: f64) -> bool {
        self.is.holds(actual, self.value)
    }

    /// The registry metric it reads, if its key names one.
    pub fn registry_metric(&self) -> Option<crate::report::Metric> {
        crate::report::Metric::all().find(|m| m.csv_key() == self.metric)
    }
}

impl std::fmt::Display for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.metric, self.is.symbol(), self.value)
    }
}

/// The course: every lesson file, in teaching order.
const FILES: &[(&str, &str)] = &[
    (
        "single-point-of-failure",
        include_str!("lessons/single-point-of-failure.json"),
    ),
    (
        "sticky-and-replication",
        include_str!("lessons/sticky-and-replication.json"),
    ),
    ("hot-warm-cold", include_str!("lessons/hot-warm-cold.json")),
    ("n-plus-k", include_str!("lessons/n-plus-k.json")),
    ("lb-pair", include_str!("lessons/lb-pair.json")),
    (
        "detection-window",
        include_str!("lessons/detection-window.json"),
    ),
    ("sync-vs-async", include_str!("lessons/sync-vs-async.json")),
    ("backups", include_str!("lessons/backups.json")),
    (
        "zonal-vs-regional",
        include_str!("lessons/zonal-vs-regional.json"),
    ),
    ("dns-vs-bgp", include_str!("lessons/dns-vs-bgp.json")),
    (
        "rolling-halves",
        include_str!("lessons/rolling-halves.json"),
    ),
    ("blue-green", include_str!("lessons/blue-green.json")),
    (
        "multi-site-degraded",
        include_str!("lessons/multi-site-degraded.json"),
    ),
    (
        "automated-failover",
        include_str!("lessons/automated-failover.json"),
    ),
];

/// Every lesson's name, in course order.
pub fn names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(n, _)| *n)
}

/// The JSON of a lesson as shipped.
pub fn source(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// A lesson by name, parsed and checked (`Err` with the located problems if its file is bad:
/// `tests/lessons.rs` keeps every shipped file good).
pub fn get(name: &str) -> Option<Result<Lesson, Vec<crate::scenario::Problem>>> {
    source(name).map(parse_lesson)
}

/// Every lesson, in course order, each parsed and checked.
pub fn all() -> Vec<(&'static str, Result<Lesson, Vec<crate::scenario::Problem>>)> {
    FILES.iter().map(|(n, t)| (*n, parse_lesson(t))).collect()
}
