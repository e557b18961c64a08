#![cfg(not(target_arch = "wasm32"))]
//! The state trace (`sim::trace`): what the engine records about every node, and that recording
//! it changes nothing else.

use failover_lab::scenario::{self, builtins};
use failover_lab::sim::trace::{NodeState, StateTrace, Why};
use failover_lab::sim::{self, Report, Simulation};

const S: u64 = 1_000_000;

fn traced(json: &str) -> (Report, StateTrace) {
    let s = scenario::parse_json(json).unwrap_or_else(|p| panic!("bad test scenario: {p:?}"));
    let mut sim = Simulation::new(scenario::compile(&s).unwrap().config);
    sim.enable_trace();
    sim.run_to_end();
    let mut r = sim.report();
    let t = r.trace.take().expect("a traced run has a trace");
    (r, t)
}

/// The (time, state, reason) changes of one node.
fn node(t: &StateTrace, comp: &str, k: u32) -> Vec<(u64, NodeState, Why)> {
    let c = t.components.iter().position(|c| c == comp).unwrap() as u32;
    t.entries
        .iter()
        .filter(|e| e.comp == c && e.node == k)
        .map(|e| (e.t_us, e.state, e.why))
        .collect()
}

fn states(seq: &[(u64, NodeState, Why)]) -> Vec<NodeState> {
    seq.iter().map(|e| e.1).collect()
}

fn well_formed(t: &StateTrace) {
    assert!(
        t.entries.windows(2).all(|w| w[0].t_us <= w[1].t_us),
        "entries in time order"
    );
    for (c, n) in t.nodes.iter().enumerate() {
        for k in 0..*n {
            assert!(
                t.entries
                    .iter()
                    .any(|e| e.t_us == 0 && e.comp == c as u32 && e.node == k),
                "{}#{k} has a state at t = 0",
                t.components[c]
            );
        }
    }
}

fn web_tier(lb: &str, faults: &str) -> String {
    format!(
        r#"{{ "version": 1, "name": "tier", "seed": 3, "horizon": "4m",
          "traffic": {{ "entry": ["lb"], "sessions_per_s": 20, "requests_per_session": 1, "write_share": 0 }},
          "components": [
            {{ "id": "lb", "next": ["web"], "spec": {{ "load_balancer": {{ {lb} }} }} }},
            {{ "id": "web", "spec": {{ "web": {{ "nodes": 2 }} }} }} ],
          "faults": [ {faults} ] }}"#
    )
}

#[test]
fn a_crash_behind_health_checks_is_suspected_for_the_detection_window() {
    // interval 2 s, fall 3, timeout 1 s: marked down (fall − 1) × 2 s + 1 s after the crash,
    // plus the phase of the check cycle (0..2 s); rise 2: marked up 1 × 2 s + phase after.
    let lb = r#""health_check": { "interval": "2s", "fall": 3, "rise": 2, "timeout": "1s" }"#;
    let crash = r#"{ "crash": { "at": "60s", "target": "web", "node": 0, "duration": "60s" } }"#;
    let (r, t) = traced(&web_tier(lb, crash));
    well_formed(&t);
    let seq = node(&t, "web", 0);
    assert_eq!(
        states(&seq),
        [
            NodeState::Up,
            NodeState::Suspected,
            NodeState::Down,
            NodeState::Recovering,
            NodeState::Up
        ],
        "{seq:?}"
    );
    assert_eq!(seq[1], (60 * S, NodeState::Suspected, Why::NotYetDetected));
    let window = seq[2].0 - seq[1].0;
    assert!(
        (5 * S..7 * S).contains(&window),
        "suspected for {window} µs, not (fall − 1) × interval + timeout + phase"
    );
    assert_eq!(seq[2].2, Why::MarkedDown);
    // The engine's own account of the same verdict (rounded to 0.1 s) agrees.
    let text = format!(
        "marked down by health checks after {:.1} s",
        window as f64 / 1e6
    );
    assert!(
        r.incidents.iter().any(|i| i.recovery.contains(&text)),
        "{text} not in {:?}",
        r.incidents
    );
    // Back at 120 s, up after `rise` checks.
    assert_eq!(
        seq[3],
        (120 * S, NodeState::Recovering, Why::AwaitingHealthChecks)
    );
    let rise = seq[4].0 - seq[3].0;
    assert!((2 * S..4 * S).contains(&rise), "{rise}");
    // The other node never changed.
    assert_eq!(states(&node(&t, "web", 1)), [NodeState::Up]);
    // Requests failed in the detection window only while the node was suspected.
    assert!(r.requests.failed_by_cause.contains_key("detection_window"));
}

#[test]
fn a_hang_is_suspected_then_down() {
    let lb = r#""health_check": { "interval": "2s", "fall": 2, "rise": 1, "timeout": "1s" }"#;
    let hang = r#"{ "hang": { "at": "60s", "target": "web", "node": 1, "duration": "30s" } }"#;
    let (_, t) = traced(&web_tier(lb, hang));
    let seq = node(&t, "web", 1);
    assert_eq!(
        states(&seq),
        [
            NodeState::Up,
            NodeState::Suspected,
            NodeState::Down,
            NodeState::Recovering,
            NodeState::Up
        ],
        "{seq:?}"
    );
    assert_eq!(seq[1].2, Why::HungNotYetDetected);
    let window = seq[2].0 - seq[1].0;
    assert!((3 * S..5 * S).contains(&window), "{window}");
}

#[test]
fn an_lb_pair_shows_standby_then_promoting_then_up_on_takeover() {
    // heartbeat 1 s × 3 misses, then 1 s to move the virtual IP.
    let crash = r#"{ "crash": { "at": "60s", "target": "lb", "node": 0 } }"#;
    let (_, t) = traced(&web_tier(r#""mode": "active_passive""#, crash));
    well_formed(&t);
    assert_eq!(
        node(&t, "lb", 1),
        [
            (0, NodeState::Standby, Why::Passive),
            (63 * S, NodeState::Promoting, Why::TakingOverVip),
            (64 * S, NodeState::Up, Why::Active),
        ]
    );
    assert_eq!(
        node(&t, "lb", 0),
        [
            (0, NodeState::Up, Why::Active),
            (60 * S, NodeState::Suspected, Why::HeartbeatsMissing),
            (63 * S, NodeState::Down, Why::Crashed),
        ]
    );
}

fn db(standby: &str, faults: &str) -> String {
    format!(
        r#"{{ "version": 1, "name": "db", "seed": 1, "horizon": "5m",
          "traffic": {{ "entry": ["app"], "sessions_per_s": 20, "requests_per_session": 1, "write_share": 0.5 }},
          "components": [
            {{ "id": "app", "next": ["db"], "spec": {{ "app": {{ "nodes": 2 }} }} }},
            {{ "id": "db", "spec": {{ "database": {{ "replicas": [{{ "standby": "{standby}" }}] }} }} }} ],
          "faults": [ {faults} ] }}"#
    )
}

#[test]
fn a_db_standby_is_promoted_when_the_primary_crashes() {
    // detection 2 s × 3 misses, promotion 5 s (defaults).
    let crash = r#"{ "crash": { "at": "60s", "target": "db", "node": 0, "duration": "2m" } }"#;
    let (r, t) = traced(&db("hot", crash));
    well_formed(&t);
    assert_eq!(
        node(&t, "db", 1),
        [
            (0, NodeState::Standby, Why::Replica),
            (66 * S, NodeState::Promoting, Why::PromotingReplica),
            (71 * S, NodeState::Up, Why::Primary),
        ]
    );
    assert_eq!(
        node(&t, "db", 0),
        [
            (0, NodeState::Up, Why::Primary),
            (60 * S, NodeState::Suspected, Why::PrimaryNotAnswering),
            (66 * S, NodeState::Down, Why::FailedOver),
            // back as a replica of the new primary
            (180 * S, NodeState::Standby, Why::Replica),
        ]
    );
    assert!(r.incidents[0].recovery.contains("promoted replica db#1"));
    // A warm standby catches up (30 s) before its promotion.
    let (_, t) = traced(&db("warm", crash));
    assert_eq!(
        node(&t, "db", 1),
        [
            (0, NodeState::Standby, Why::Replica),
            (66 * S, NodeState::Recovering, Why::CatchingUp),
            (96 * S, NodeState::Promoting, Why::PromotingReplica),
            (101 * S, NodeState::Up, Why::Primary),
        ]
    );
}

#[test]
fn rolling_maintenance_drains_then_restarts_each_batch() {
    let json = r#"{ "version": 1, "name": "rr", "seed": 1, "horizon": "30m",
      "traffic": { "entry": ["lb"], "sessions_per_s": 1, "session_duration": "5m", "requests_per_session": 10, "write_share": 0 },
      "components": [
        { "id": "lb", "next": ["app"], "spec": { "load_balancer": { "sticky": true } } },
        { "id": "app", "spec": { "app": { "nodes": 6, "sessions": "buddy" } } } ],
      "faults": [ { "rolling_restart": { "at": "10m", "target": "app", "batch": 3, "drain": "1m", "restart": "2m" } } ] }"#;
    let (_, t) = traced(json);
    well_formed(&t);
    let m = 60 * S;
    for (k, start) in [(0, 10 * m), (2, 10 * m), (3, 13 * m), (5, 13 * m)] {
        assert_eq!(
            node(&t, "app", k),
            [
                (0, NodeState::Up, Why::Serving),
                (start, NodeState::Draining, Why::Maintenance),
                (start + m, NodeState::Recovering, Why::Restarting),
                (start + 3 * m, NodeState::Up, Why::Serving),
            ],
            "app#{k}"
        );
    }
}

#[test]
fn the_trace_changes_no_digest_and_chunks_change_no_trace() {
    for b in builtins::all() {
        let s = b.scenario();
        let cfg = scenario::compile(&s).unwrap().config;
        let plain = sim::run(cfg.clone());
        assert!(plain.trace.is_none());
        let mut once = Simulation::new(cfg.clone());
        once.enable_trace();
        once.run_to_end();
        let mut traced = once.report();
        let trace = traced.trace.take().expect("trace");
        well_formed(&trace);
        assert!(!trace.truncated, "{}", b.name);
        assert_eq!(traced.digest, plain.digest, "{}", b.name);
        assert_eq!(traced, plain, "{}", b.name);
        // In chunks, as the worker runs it: the same trace.
        let mut chunked = Simulation::new(cfg);
        chunked.enable_trace();
        let step = (chunked.horizon() / 37).max(1);
        while chunked.now() < chunked.horizon() {
            let t = chunked.now() + step;
            chunked.run_until(t);
        }
        chunked.run_to_end();
        assert_eq!(chunked.report().trace.as_ref(), Some(&trace), "{}", b.name);
    }
}

#[test]
fn a_long_trace_is_capped_and_says_so() {
    let flapping = r#"{ "flapping": { "at": "10s", "target": "web", "node": 0, "down": "5s", "up": "5s", "cycles": 20 } }"#;
    let s = scenario::parse_json(&web_tier("", flapping)).unwrap();
    let cfg = scenario::compile(&s).unwrap().config;
    let mut full = Simulation::new(cfg.clone());
    full.enable_trace();
    full.run_to_end();
    let full = full.report().trace.unwrap();
    assert!(!full.truncated);
    assert!(full.entries.len() > 40, "{}", full.entries.len());
    let mut capped = Simulation::new(cfg);
    capped.enable_trace_with_cap(10);
    capped.run_to_end();
    let capped = capped.report().trace.unwrap();
    assert!(capped.truncated);
    assert_eq!(capped.entries[..], full.entries[..10]);
}

// Only the pinned digests and the horizon are used here.
#[allow(dead_code)]
#[path = "common/golden.rs"]
mod golden;

#[test]
fn traced_reference_runs_give_the_pinned_digests() {
    for b in builtins::all() {
        let mut s = b.scenario();
        s.horizon = golden::REFERENCE_HORIZON;
        let mut sim = Simulation::new(scenario::compile(&s).unwrap().config);
        sim.enable_trace();
        sim.run_to_end();
        let r = sim.report();
        let pinned = golden::pinned(golden::PINNED);
        let want = pinned.iter().find(|(n, _)| n == b.name).map(|p| &p.1);
        assert_eq!(Some(&r.digest), want, "{}", b.name);
        assert!(r.trace.is_some());
    }
}

#[test]
fn the_flow_level_records_the_same_detection_and_takeover() {
    // The flow level shares the engine's fault, detection and failover machinery: the same
    // states, and the trace changes no digest there either.
    let crash = r#"{ "crash": { "at": "60s", "target": "lb", "node": 0 } },
        { "crash": { "at": "90s", "target": "web", "node": 1, "duration": "30s" } }"#;
    let s = scenario::parse_json(&web_tier(r#""mode": "active_passive""#, crash)).unwrap();
    let mut cfg = scenario::compile(&s).unwrap().config;
    cfg.fidelity = sim::Fidelity::Flow;
    let plain = sim::run(cfg.clone());
    let mut traced = Simulation::new(cfg);
    traced.enable_trace();
    traced.run_to_end();
    let mut r = traced.report();
    let t = r.trace.take().unwrap();
    assert_eq!(r, plain);
    well_formed(&t);
    assert_eq!(
        states(&node(&t, "lb", 1)),
        [NodeState::Standby, NodeState::Promoting, NodeState::Up]
    );
    assert_eq!(
        states(&node(&t, "web", 1)),
        [
            NodeState::Up,
            NodeState::Suspected,
            NodeState::Down,
            NodeState::Recovering,
            NodeState::Up
        ]
    );
}
