//! The Exact tab's content (`view.rs`) from the built-ins and hand-made edits.

use super::view::{minutes, saved, share_with_nines, ExactView, NO_FAILURES};
use crate::scenario::{self, builtins, Dur, Scenario, Spec};

fn builtin(name: &str) -> Scenario {
    builtins::get(name).unwrap().scenario()
}

fn report(s: &Scenario) -> super::ExactReport {
    super::solve(&scenario::compile(s).unwrap().config)
}

#[test]
fn numbers_read_as_texts() {
    assert_eq!(share_with_nines(0.999), "0.9990000 (3.00 nines)");
    assert_eq!(share_with_nines(1.0), "1 (no downtime)");
    assert_eq!(share_with_nines(f64::NAN), "—");
    // 1e-5 of a year is 315.36 s = 5.3 min.
    assert_eq!(saved(1e-5), "−5.3 min/yr");
    assert_eq!(saved(0.0), "0");
    assert_eq!(saved(-2e-6), "+63.1 s/yr");
    assert_eq!(minutes(4.321), "4.32 min/yr");
    assert_eq!(minutes(52.55), "52.5 min/yr");
    assert_eq!(minutes(f64::INFINITY), "—");
}

#[test]
fn every_builtin_shows_values_and_its_ranking() {
    for b in builtins::all() {
        let s = b.scenario();
        let r = report(&s);
        let ExactView::Values(v) = ExactView::of(&s) else {
            panic!("{}: no values", b.name)
        };
        let ids: Vec<&str> = v.ranking.iter().map(|x| x.id.as_str()).collect();
        let want: Vec<&str> = r.importance.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, want, "{}", b.name);
        assert_eq!(v.ranking[0].rank, 1);
        assert!(
            v.figures[0]
                .value
                .starts_with(&format!("{:.7}", r.request_availability))
                || r.request_availability >= 1.0,
            "{}: {:?}",
            b.name,
            v.figures[0]
        );
        let keys: Vec<&str> = v.figures.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["request", "time", "downtime", "lost-writes"]);
        assert_eq!(v.not_modelled.len(), r.not_modelled.len(), "{}", b.name);
        // The top is the first of the ranking whenever that one costs any downtime.
        if r.importance[0].downtime_minutes_per_year > 0.0 {
            assert_eq!(v.top.as_deref(), Some(r.importance[0].id.as_str()));
        }
    }
}

#[test]
fn no_random_failure_says_so_instead_of_zeros() {
    let mut s = builtin("liferay-reference");
    for c in &mut s.components {
        c.failure = None;
    }
    let v = ExactView::of(&s);
    assert_eq!(v, ExactView::NoFailures);
    assert_eq!(v.top(), None);
    assert!(NO_FAILURES.contains("add MTBF/MTTR to a component"));
}

#[test]
fn an_invalid_scenario_says_where() {
    let mut s = builtin("liferay-reference");
    s.horizon = Dur::Invalid("soon".into());
    match ExactView::of(&s) {
        ExactView::Invalid(m) => assert!(m.contains("horizon"), "{m}"),
        v => panic!("{v:?}"),
    }
}

/// Adds a node to a web or app tier; false for other kinds.
fn add_node(s: &mut Scenario, id: &str) -> bool {
    let c = s.components.iter_mut().find(|c| c.id == id).unwrap();
    match &mut c.spec {
        Spec::Web(w) => w.nodes += 1,
        Spec::App(a) => a.nodes += 1,
        _ => return false,
    }
    true
}

#[test]
fn one_more_node_gains_what_the_ranking_says() {
    // Across the built-ins, for each ranked web or app tier: adding the node in the editor moves
    // the request availability by the ranking's "+1 node" gain, and the shown value changes.
    let mut checked = 0;
    for b in builtins::all() {
        let s = b.scenario();
        let r = report(&s);
        for i in &r.importance {
            let mut s2 = s.clone();
            if !add_node(&mut s2, &i.id) {
                continue;
            }
            let r2 = report(&s2);
            let gain = i.gain_one_more_node.expect("a tier can grow");
            let moved = r2.request_availability - r.request_availability;
            assert!(
                (moved - gain).abs() <= 1e-9 + 1e-6 * gain.abs(),
                "{} {}: moved {moved:e}, ranking said {gain:e}",
                b.name,
                i.id
            );
            if gain.abs() > 1e-9 {
                assert_ne!(ExactView::of(&s), ExactView::of(&s2), "{} {}", b.name, i.id);
            }
            checked += 1;
        }
    }
    assert!(checked > 3, "only {checked} tiers checked");
}
