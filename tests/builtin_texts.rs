#![cfg(not(target_arch = "wasm32"))]
//! Every built-in's text matches its own results (issue 12): each carries the claims its
//! description makes (`expect`: `metric is value`), and running it at its own seed and horizon
//! bears out every one. The claims are qualitative (a count is 0 or not, an RTO within a bound),
//! so that they hold for the run the user sees, not for one pinned digest.

use failover_lab::report::metric::Metric;
use failover_lab::scenario::{self, builtins, ExpectMetric};
use failover_lab::sim;
use strum::IntoEnumIterator;

fn metric(key: &str) -> Metric {
    Metric::all()
        .find(|m| m.csv_key() == key)
        .unwrap_or_else(|| panic!("`{key}` is not a key of the metric registry"))
}

#[test]
fn every_claimable_metric_is_a_registry_metric() {
    for m in ExpectMetric::iter() {
        let key: &'static str = m.into();
        metric(key);
    }
}

#[test]
fn every_builtin_states_claims_and_its_run_bears_them_out() {
    let mut failures = Vec::new();
    for b in builtins::all() {
        let s = b.scenario();
        assert!(
            !s.expect.is_empty(),
            "{}: its description states no claim",
            b.name
        );
        assert_eq!(s.description, b.description, "{}", b.name);
        let r = sim::run(scenario::compile(&s).unwrap().config);
        for claim in &s.expect {
            let m = metric(claim.key());
            let actual = m.of(&r);
            if !claim.holds(actual) {
                failures.push(format!("{}: {claim}, but the run shows {actual}", b.name));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A claim that the run contradicts is caught (the check is not vacuous).
#[test]
fn a_false_claim_fails() {
    let b = builtins::get("liferay-reference").unwrap();
    let mut s = b.scenario();
    let r = sim::run(scenario::compile(&s).unwrap().config);
    s.expect = serde_json::from_str(r#"[{ "metric": "requests_failed", "is": "=", "value": 0 }]"#)
        .unwrap();
    let claim = &s.expect[0];
    assert!(!claim.holds(metric(claim.key()).of(&r)), "{claim}");
}

/// Links shared before the built-ins carried claims still open: the same scenario, with the
/// old description, no claims and no random failures (added to the built-ins later).
#[test]
fn links_shared_before_the_claims_still_open() {
    for line in include_str!("data/builtin-links-before-expect.txt").lines() {
        let (name, text) = line.split_once(' ').unwrap();
        let old = scenario::link::decode(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(old.scenario.expect.is_empty());
        let mut now = builtins::get(name).unwrap().scenario();
        now.description = old.scenario.description.clone();
        now.expect.clear();
        for c in &mut now.components {
            c.failure = None;
        }
        assert_eq!(old.scenario, now, "{name}");
    }
}
