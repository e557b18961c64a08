//! The Study panel's comparison of two designs (common random numbers), pure and unit-tested
//! natively: the "Compare with" choices (the library's saved designs and the built-ins), the
//! design a choice names, design B as the panel runs it, and the B − A table's rows and
//! sentences. The statistics, and making B run like A, are the core's
//! ([`crate::study::compare`]), shared with the CLI's `study --compare`.

use crate::report::{Metric, Unit};
use crate::scenario::{builtins, Fidelity, Scenario};
use crate::study::compare::{self, Comparison, Difference, TABLE};
use crate::ui::library::Library;
use crate::ui::study::mean_text;

/// The design a comparison runs as B.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareWith {
    /// A built-in scenario, by name.
    Builtin(String),
    /// A design saved in the library, by entry id.
    Saved(String),
}

impl CompareWith {
    /// The choice a select's value names: `builtin:NAME`, `saved:ID`; empty (or anything else)
    /// is no comparison.
    pub fn parse(value: &str) -> Option<CompareWith> {
        if let Some(n) = value.strip_prefix("builtin:") {
            return Some(CompareWith::Builtin(n.to_string()));
        }
        value
            .strip_prefix("saved:")
            .map(|id| CompareWith::Saved(id.to_string()))
    }

    /// The select's value for it.
    pub fn value(&self) -> String {
        match self {
            CompareWith::Builtin(n) => format!("builtin:{n}"),
            CompareWith::Saved(id) => format!("saved:{id}"),
        }
    }

    /// The design it names, or why there is none (an entry deleted since, say).
    pub fn design(&self, lib: &Library) -> Result<Scenario, String> {
        match self {
            CompareWith::Builtin(n) => builtins::get(n)
                .map(|b| b.scenario())
                .ok_or_else(|| format!("Compare with: there is no built-in scenario `{n}`")),
            CompareWith::Saved(id) => lib.get(id).map(|e| e.scenario.clone()).ok_or_else(|| {
                "Compare with: that saved design is no longer in the library; choose another"
                    .to_string()
            }),
        }
    }
}

/// One option of the "Compare with" select.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// `saved` or `builtin` (the option group).
    pub group: &'static str,
}

/// What the select offers: the library's designs (most recently updated first) but the one this
/// tab has open (that is design A), then every built-in.
pub fn choices(lib: &Library, open: Option<&str>) -> Vec<Choice> {
    let saved = lib
        .entries
        .iter()
        .filter(|e| Some(e.id.as_str()) != open)
        .map(|e| Choice {
            value: CompareWith::Saved(e.id.clone()).value(),
            label: e.name.clone(),
            group: "saved",
        });
    let built = builtins::all().iter().map(|b| Choice {
        value: CompareWith::Builtin(b.name.to_string()).value(),
        label: format!("{} — {}", b.name, b.title),
        group: "builtin",
    });
    saved.chain(built).collect()
}

/// Design B as the panel runs it against A (`a`: A as its study runs it, warm-up chosen): the
/// core's [`compare::design_b`] with the form's fidelity as the override both designs take (the
/// CLI's `--mode`); the panel has no horizon override, so B keeps its own, as the CLI without
/// `--horizon`.
pub fn design_b(a: &Scenario, b: Scenario, fidelity: Fidelity) -> Scenario {
    compare::design_b(a, b, None, Some(fidelity))
}

/// One row of the B − A table, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub metric: Metric,
    pub a: String,
    pub b: String,
    /// The paired difference with its 95 % CI (the CLI table's text).
    pub difference: String,
    pub variance_ratio: String,
    /// Whether the 95 % CI of B − A lies wholly above (`Some(true)`) or below (`Some(false)`)
    /// zero; `None` when it includes 0 (or there is none).
    pub higher: Option<bool>,
    /// `B higher`, `B lower`, `no significant difference`, or `the same in every replication`.
    pub verdict: &'static str,
    pub sentence: String,
}

/// The rows of the table: the CLI's comparison rows, for the metrics both designs define.
pub fn rows(c: &Comparison) -> Vec<Row> {
    TABLE
        .iter()
        .filter_map(|&m| {
            let key = m.csv_key();
            let (x, y, d) = (
                c.a.metrics.get(key)?,
                c.b.metrics.get(key)?,
                c.difference.get(key)?,
            );
            let higher = significance(d);
            Some(Row {
                metric: m,
                a: mean_text(m, x.mean),
                b: mean_text(m, y.mean),
                difference: compare::difference_text(m, &d.paired),
                variance_ratio: ratio_text(d),
                higher,
                verdict: verdict(d, higher),
                sentence: sentence(m, d, higher),
            })
        })
        .collect()
}

/// Where the 95 % CI of the difference lies: above 0, below 0, or across it (`None`).
pub fn significance(d: &Difference) -> Option<bool> {
    let [lo, hi] = d.paired.ci95?;
    if lo > 0.0 {
        Some(true)
    } else if hi < 0.0 {
        Some(false)
    } else {
        None
    }
}

/// The row's verdict in a few words.
pub fn verdict(d: &Difference, higher: Option<bool>) -> &'static str {
    match higher {
        Some(true) => "B higher",
        Some(false) => "B lower",
        None if d.paired.mean == 0.0 && d.paired.sd == 0.0 => "the same in every replication",
        None => "no significant difference",
    }
}

/// The variance ratio with a decimal; `∞` when the pairs differ by a constant, `—` when neither
/// design varies at all.
pub fn ratio_text(d: &Difference) -> String {
    if d.independent_variance == 0.0 {
        "—".into()
    } else if d.variance_ratio.is_infinite() {
        "∞".into()
    } else {
        format!("{:.1}", d.variance_ratio)
    }
}

/// The row in a plain sentence: `B has fewer requests failed: -12.3 [-20.1, -4.5] (95 % CI)`,
/// or `No significant difference in requests failed (the 95 % CI -3.0 [-7.1, +1.1] includes
/// 0)`.
pub fn sentence(m: Metric, d: &Difference, higher: Option<bool>) -> String {
    let what = lower_first(m.label());
    let text = compare::difference_text(m, &d.paired);
    match higher {
        Some(up) => {
            let word = match (m.unit(), up) {
                (Unit::Count, true) => "more",
                (Unit::Count, false) => "fewer",
                (_, true) => "higher",
                (_, false) => "lower",
            };
            format!("B has {word} {what}: {text} (95 % CI)")
        }
        None if d.paired.ci95.is_none() => {
            format!("No interval for {what} (too few replications): {text}")
        }
        None => format!("No significant difference in {what} (the 95 % CI {text} includes 0)"),
    }
}

/// The verdict above the table: the sentences of the metrics whose CI excludes 0, or one saying
/// there is none.
pub fn summary(rows: &[Row]) -> Vec<String> {
    let sure: Vec<String> = rows
        .iter()
        .filter(|r| r.higher.is_some())
        .map(|r| r.sentence.clone())
        .collect();
    if sure.is_empty() {
        vec!["No significant difference: every 95 % CI of B − A below includes 0.".into()]
    } else {
        sure
    }
}

/// `Failed requests` → `failed requests`; `Worst RTO` → `worst RTO`.
fn lower_first(label: &str) -> String {
    let mut c = label.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "study_compare_tests.rs"]
mod tests;
