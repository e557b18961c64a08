//! "What broke?": the lesson's hidden fault added to its solved scenario, and the score of a
//! learner's diagnosis (the component, by id or name, and the kind of fault, with synonyms).

use super::{play, quiz::normalize, Lesson};
use crate::scenario::{Fault, FaultKind, Problem, Scenario};
use serde::{Deserialize, Serialize};

/// The scenario of the exercise: the solved design with the hidden fault appended, and the fault.
pub fn exercise(l: &Lesson) -> Result<Option<(Scenario, Fault)>, Vec<Problem>> {
    let Some(w) = &l.what_broke else {
        return Ok(None);
    };
    let fault: Fault = serde_json::from_value(w.fault.clone())
        .map_err(|e| vec![Problem::error("what_broke.fault", e.to_string())])?;
    let mut s = play::scenarios(l)?
        .pop()
        .unwrap_or_else(|| unreachable_empty(&l.name));
    s.faults.push(fault.clone());
    Ok(Some((s, fault)))
}

#[cold]
fn unreachable_empty(name: &str) -> Scenario {
    // `scenarios` always holds the start; reaching this is a bug.
    panic!("lesson `{name}` has no scenario")
}

/// The score of a diagnosis: a point for the component, a point for the kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub component: bool,
    pub kind: bool,
    /// 0, 1 or 2.
    pub points: u8,
    /// The right answers, shown afterwards: the component's id and the fault kind's name.
    pub expected_component: String,
    pub expected_kind: String,
}

/// Scores a learner's answer against the hidden fault of `s` (the exercise's scenario).
pub fn score(s: &Scenario, fault: &Fault, component: &str, kind: &str) -> Score {
    let target = fault
        .clone()
        .targets_mut()
        .first()
        .map(|t| t.to_string())
        .unwrap_or_default();
    let name = s
        .components
        .iter()
        .find(|c| c.id == target)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let given = normalize(component);
    let component_ok = !given.is_empty()
        && [target.as_str(), name.as_str()]
            .iter()
            .any(|n| !n.is_empty() && normalize(n) == given);
    let given = normalize(kind);
    let kind_ok = !given.is_empty()
        && kind_words(fault.kind())
            .iter()
            .any(|w| normalize(w) == given);
    Score {
        component: component_ok,
        kind: kind_ok,
        points: component_ok as u8 + kind_ok as u8,
        expected_component: target,
        expected_kind: fault.kind_name().to_string(),
    }
}

/// The words that name a kind of fault: its JSON name, spaced, and common synonyms.
pub fn kind_words(k: FaultKind) -> Vec<&'static str> {
    use FaultKind::*;
    let mut words = vec![<&'static str>::from(k)];
    words.extend_from_slice(match k {
        Crash => &["crashed", "down", "died", "dead", "node failure", "failure"][..],
        Hang => &["hung", "frozen", "freeze", "stuck", "timeout", "no answer"],
        ErrorRate => &[
            "error rate",
            "errors",
            "error",
            "error response",
            "incorrect response",
        ],
        Latency => &[
            "slow",
            "slowness",
            "slow response",
            "added latency",
            "delay",
        ],
        Leak => &["resource leak", "memory leak"],
        Flapping => &["flap", "flapping node", "intermittent"],
        Corruption => &["data corruption", "corrupt data", "corrupted"],
        DiskFull => &["disk full", "full disk", "tablespace full"],
        SiteOutage => &["site outage", "site down", "datacenter down"],
        Partition => &["network partition", "split"],
        TrafficSpike => &["traffic spike", "load spike", "overload"],
        DnsFailure => &["dns failure", "dns down"],
        RollingRestart => &["rolling restart"],
        BlueGreen => &["blue green", "deployment"],
        SiteSwitchover => &["site switchover", "switchover"],
        DbSwitchover => &["db switchover", "database switchover"],
    });
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnosis_scores_the_component_and_the_kind() {
        let s = crate::scenario::builtins::get("liferay-reference")
            .unwrap()
            .scenario();
        let fault: Fault =
            serde_json::from_str(r#"{"hang": {"at": "5m", "target": "app", "node": 1}}"#).unwrap();
        let sc = |c: &str, k: &str| score(&s, &fault, c, k).points;
        assert_eq!(sc("app", "hang"), 2);
        assert_eq!(
            sc("Liferay cluster", "it hung"),
            1,
            "`it hung` is not a listed word"
        );
        assert_eq!(sc("the Liferay Cluster", "Hung"), 2);
        assert_eq!(sc("db", "timeout"), 1);
        assert_eq!(sc("web", "crash"), 0);
        assert_eq!(sc("", ""), 0);
        let full = score(&s, &fault, "lb", "stuck");
        assert_eq!(
            (full.component, full.kind, full.expected_component.as_str()),
            (false, true, "app")
        );
        assert_eq!(full.expected_kind, "hang");
    }
}
