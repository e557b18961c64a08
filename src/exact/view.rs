//! What the app's Exact tab shows of a scenario (issue 16): the exact values as labelled texts,
//! the "improve this first" ranking as rows of texts, which component to highlight on the canvas,
//! and what is not modelled. Pure (no yew), so it is unit-tested natively; the view only draws it.

use super::{ExactReport, Importance};
use crate::report::format::{duration_s, YEAR_S};
use crate::scenario::{self, Scenario, Severity};

/// The Exact tab's content.
#[derive(Clone, Debug, PartialEq)]
pub enum ExactView {
    /// The scenario does not compile: the first error, where it is.
    Invalid(String),
    /// No component fails at random: nothing to rank, every value would be 1 or 0.
    NoFailures,
    Values(Values),
}

/// The exact values of a scenario with random failures.
#[derive(Clone, Debug, PartialEq)]
pub struct Values {
    pub figures: Vec<Figure>,
    /// Improve the first one first.
    pub ranking: Vec<Row>,
    /// The component to mark on the canvas: the first of the ranking, when improving it gains
    /// anything.
    pub top: Option<String>,
    /// `path: what (affects …)` per part of the scenario without an exact counterpart.
    pub not_modelled: Vec<String>,
}

/// One labelled value (`key` names it for the page: `exact-<key>`).
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: String,
}

/// One ranked component, its numbers as texts.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub rank: u32,
    pub id: String,
    pub birnbaum: String,
    /// Downtime per year one more node would save (`—` for a pair).
    pub one_more_node: String,
    /// Downtime per year a ten times shorter MTTR would save.
    pub mttr_tenth: String,
    /// Downtime per year it causes.
    pub downtime: String,
}

/// The text shown when no component fails at random.
pub const NO_FAILURES: &str = "No component fails at random: add MTBF/MTTR to a component to see exact values and which component to improve first.";

impl ExactView {
    /// The view of a scenario as edited: compiled, then solved.
    pub fn of(s: &Scenario) -> ExactView {
        match scenario::compile(s) {
            Ok(c) => ExactView::from_report(&super::solve(&c.config)),
            Err(ps) => {
                let first = ps.iter().find(|p| p.severity == Severity::Error);
                ExactView::Invalid(match first {
                    Some(p) if p.path.is_empty() => {
                        format!("Fix the scenario to see exact values: {}", p.message)
                    }
                    Some(p) => {
                        format!(
                            "Fix the scenario to see exact values: {}: {}",
                            p.path, p.message
                        )
                    }
                    None => "Fix the scenario to see exact values.".into(),
                })
            }
        }
    }

    pub fn from_report(r: &ExactReport) -> ExactView {
        if r.importance.is_empty() {
            return ExactView::NoFailures;
        }
        let top = r
            .importance
            .first()
            .filter(|i| gain(i) > 0.0 || i.downtime_minutes_per_year > 0.0)
            .map(|i| i.id.clone());
        ExactView::Values(Values {
            figures: figures(r),
            ranking: r.importance.iter().map(row).collect(),
            top,
            not_modelled: r
                .not_modelled
                .iter()
                .map(|n| format!("{}: {} (affects {})", n.path, n.what, n.affects.join(", ")))
                .collect(),
        })
    }

    /// The component to mark on the canvas.
    pub fn top(&self) -> Option<&str> {
        match self {
            ExactView::Values(v) => v.top.as_deref(),
            _ => None,
        }
    }
}

fn gain(i: &Importance) -> f64 {
    i.gain_mttr_tenth.max(i.gain_one_more_node.unwrap_or(0.0))
}

/// A share with its nines: `0.9998765 (3.91 nines)`; `1 (no downtime)` when perfect.
pub fn share_with_nines(a: f64) -> String {
    if !a.is_finite() {
        return "—".into();
    }
    if a >= 1.0 {
        return "1 (no downtime)".into();
    }
    format!("{a:.7} ({:.2} nines)", -libm::log10(1.0 - a.max(0.0)))
}

/// An availability gain as the downtime per year it saves: `−52.6 min/yr` (`+…` for a loss).
pub fn saved(gain: f64) -> String {
    if !gain.is_finite() {
        return "—".into();
    }
    let s = gain * YEAR_S;
    if s.abs() < 0.0005 {
        "0".into()
    } else if s > 0.0 {
        format!("−{}/yr", duration_s(s))
    } else {
        format!("+{}/yr", duration_s(-s))
    }
}

/// Minutes per year: `12.4 min/yr` (two decimals below ten).
pub fn minutes(m: f64) -> String {
    if !m.is_finite() {
        "—".into()
    } else if m.abs() < 10.0 {
        format!("{m:.2} min/yr")
    } else {
        format!("{m:.1} min/yr")
    }
}

fn figures(r: &ExactReport) -> Vec<Figure> {
    vec![
        Figure {
            key: "request",
            label: "Request availability",
            value: share_with_nines(r.request_availability),
            hint: "long-run share of offered requests served".into(),
        },
        Figure {
            key: "time",
            label: "Time availability",
            value: share_with_nines(r.time_availability),
            hint: "long-run share of time every request is served".into(),
        },
        Figure {
            key: "downtime",
            label: "Downtime per year",
            value: format!(
                "{} ({})",
                duration_s(r.downtime_per_year_s),
                minutes(r.downtime_minutes_per_year)
            ),
            hint: "(1 − request availability) × 365 days".into(),
        },
        Figure {
            key: "lost-writes",
            label: "Lost writes per year",
            value: if r.lost_writes_per_year.is_finite() {
                format!("{:.1}", r.lost_writes_per_year)
            } else {
                "—".into()
            },
            hint: "acknowledged writes lost at database failovers (asynchronous replication)"
                .into(),
        },
    ]
}

fn row(i: &Importance) -> Row {
    Row {
        rank: i.rank,
        id: i.id.clone(),
        birnbaum: if i.birnbaum.is_finite() {
            format!("{:.4}", i.birnbaum)
        } else {
            "—".into()
        },
        one_more_node: i.gain_one_more_node.map_or("—".into(), saved),
        mttr_tenth: saved(i.gain_mttr_tenth),
        downtime: minutes(i.downtime_minutes_per_year),
    }
}
