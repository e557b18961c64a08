#![cfg(not(target_arch = "wasm32"))]
//! Integration tests of the simulation core: invariants, determinism, behaviours, ground truth.

use failover_lab::scenario::{self, Scenario};
use failover_lab::sim::{self, Config, Report, Simulation};

fn scenario(json: &str) -> Scenario {
    scenario::parse_json(json).unwrap_or_else(|p| panic!("bad test scenario: {p:?}"))
}

fn config(json: &str) -> Config {
    scenario::compile::build_config(&scenario(json))
}

/// Runs and checks the conservation invariants on every run.
#[allow(dead_code)]
fn run(json: &str) -> Report {
    check(sim::run(config(json)))
}

fn run_seed(json: &str, seed: u64) -> Report {
    let mut c = config(json);
    c.seed = seed;
    check(sim::run(c))
}

fn check(r: Report) -> Report {
    let q = &r.requests;
    assert_eq!(q.offered, q.served + q.failed, "offered = served + failed");
    assert_eq!(
        q.failed,
        q.failed_by_cause.values().sum::<u64>(),
        "one cause each"
    );
    let s = &r.sessions;
    assert_eq!(
        s.started,
        s.finished + s.lost + s.active,
        "sessions conserved"
    );
    assert_eq!(s.lost, s.lost_by_cause.values().sum::<u64>());
    assert_eq!(r.digest, r.compute_digest());
    r
}

#[allow(dead_code)]
fn cause(r: &Report, c: &str) -> u64 {
    r.requests.failed_by_cause.get(c).copied().unwrap_or(0)
}

fn liferay() -> String {
    r#"{ "version": 1, "name": "t", "seed": 1, "horizon": "20m",
      "traffic": { "entry": ["lb"], "sessions_per_s": 2, "session_duration": "5m", "requests_per_session": 30, "write_share": 0.1 },
      "components": [
        { "id": "lb", "next": ["web"], "spec": { "load_balancer": { "mode": "active_passive", "sticky": true } } },
        { "id": "web", "next": ["app"], "spec": { "web": { "nodes": 2 } } },
        { "id": "app", "next": ["db"], "spec": { "app": { "nodes": 2, "sessions": "buddy" } } },
        { "id": "db", "spec": { "database": { "replicas": [{ "standby": "hot" }] } } } ],
      "faults": [ { "crash": { "at": "5m", "target": "app", "node": 0, "duration": "5m" } } ] }"#
        .to_string()
}

#[test]
fn same_seed_same_digest_and_chunking_changes_nothing() {
    let cfg = config(&liferay());
    let a = sim::run(cfg.clone());
    let b = sim::run(cfg.clone());
    assert_eq!(a.digest, b.digest);
    let mut s = Simulation::new(cfg.clone());
    let mut t = 0;
    while s.now() < s.horizon() {
        t += 7_777_777;
        s.run_until(t);
        let _ = s.report();
    }
    s.run_to_end();
    assert_eq!(s.report(), a);
    let mut s = Simulation::new(cfg);
    while s.step() {}
    assert_eq!(s.report(), a);
    let c = run_seed(&liferay(), 2);
    assert_ne!(c.digest, a.digest);
    check(a);
}

#[test]
fn builtins_run_and_conserve() {
    for b in scenario::builtins::all() {
        let mut s = b.scenario();
        s.horizon = scenario::Dur::mins(10);
        let c = scenario::compile(&s).expect("builtin compiles");
        let r = check(sim::run(c.config));
        assert!(r.requests.offered > 0, "{}", b.name);
    }
}
