#![cfg(not(target_arch = "wasm32"))]
//! Ground truth of the detection window with sticky sessions (issue 12): after a crash, the
//! users of the sessions homed on the dead node keep clicking; a sticky LB sends their requests
//! to it, and they fail, until the health checks mark it down; then they land on another node,
//! find no state (no replication) and start again, counted as one lost session each.
//!
//! Independent model (M/G/∞ sessions, each a Poisson stream of requests): new sessions arrive
//! at S per s, spread evenly over the 3 nodes; a session sends its first request on arrival and
//! then, while alive, one every D/R on average, ending after each with probability 1/R, so it
//! dies at rate 1/D and a node holds P = S (1 − 1/R) D / 3 sessions in steady state (a Poisson
//! number). In a detection window W (crash to marked down, read from the state trace):
//! - failed requests: the P homed sessions send P (R/D) D (1 − e^{−W/D}), new sessions' first
//!   requests S W / 3: together ≈ (request rate to the node, S R / 3) × W;
//! - lost sessions: the homed sessions still alive when it is marked down, P e^{−W/D} (each
//!   sends another request, which finds no state).

use failover_lab::scenario;
use failover_lab::sim::trace::{NodeState, StateTrace};
use failover_lab::sim::{Fidelity, Report, Simulation};

const S: f64 = 2.0; // sessions per s
const D: f64 = 300.0; // session duration, s
const R: f64 = 60.0; // requests per session
const CRASH_AT: f64 = 1800.0; // 6 D: the population is within e^−6 of its steady state

fn json(replication: &str) -> String {
    format!(
        r#"{{ "version": 1, "name": "sticky", "seed": 1, "horizon": "32m",
          "traffic": {{ "entry": ["lb"], "sessions_per_s": {S}, "session_duration": "{D}s",
                        "requests_per_session": {R}, "write_share": 0, "idempotent_share": 0 }},
          "components": [
            {{ "id": "lb", "next": ["app"], "spec": {{ "load_balancer": {{ "sticky": true,
               "health_check": {{ "interval": "5s", "fall": 3, "rise": 2, "timeout": "1s" }} }} }} }},
            {{ "id": "app", "spec": {{ "app": {{ "nodes": 3, "sessions": "{replication}",
               "capacity": {{ "workers": 200, "service_time": "2ms" }} }} }} }} ],
          "faults": [ {{ "crash": {{ "at": "{CRASH_AT}s", "target": "app", "node": 0, "duration": "5m" }} }} ] }}"#
    )
}

/// One run: its report and the detection window W in s (crash to marked down).
fn run(json: &str, seed: u64, fidelity: Fidelity) -> (Report, f64) {
    let s = scenario::parse_json(json).unwrap_or_else(|p| panic!("bad test scenario: {p:?}"));
    let mut cfg = scenario::compile(&s).unwrap().config;
    cfg.seed = seed;
    cfg.fidelity = fidelity;
    let mut sim = Simulation::new(cfg);
    sim.enable_trace();
    sim.run_to_end();
    let mut r = sim.report();
    let t = r.trace.take().expect("a traced run has a trace");
    (r, window(&t))
}

fn window(t: &StateTrace) -> f64 {
    let c = t.components.iter().position(|c| c == "app").unwrap() as u32;
    let seq: Vec<_> = t
        .entries
        .iter()
        .filter(|e| e.comp == c && e.node == 0)
        .collect();
    let suspected = seq
        .iter()
        .find(|e| e.state == NodeState::Suspected)
        .unwrap();
    let down = seq.iter().find(|e| e.state == NodeState::Down).unwrap();
    assert_eq!(suspected.t_us, (CRASH_AT * 1e6) as u64);
    (down.t_us - suspected.t_us) as f64 / 1e6
}

fn cause(r: &Report, c: &str) -> f64 {
    r.requests.failed_by_cause.get(c).copied().unwrap_or(0) as f64
}

/// Sessions homed on one node in steady state.
fn homed() -> f64 {
    S * (1.0 - 1.0 / R) * D / 3.0
}

/// Expected failed requests in a window of `w` s, and their variance (compound Poisson: a
/// Poisson number of sessions, each sending a Poisson number of requests with mean m).
fn failed_expected(w: f64) -> (f64, f64) {
    let m = R / D * D * (1.0 - (-w / D).exp());
    let first = S / 3.0 * w;
    (homed() * m + first, homed() * (m + m * m) + first)
}

/// What the independent model leaves out, as a share of the expected failures: the warm-up
/// deficit (e^−6), new sessions that arrived during the window and whose later requests meet
/// the dead node again (at most W / (2 D): at request level a third of them, at flow level all,
/// as its classes keep them homed there), and the flow level's populations dying at
/// R / ((R − 1) D) instead of 1 / D (W / (2 (R − 1) D)).
fn bias(w: f64) -> f64 {
    (-CRASH_AT / D).exp() + w / (2.0 * D) + w / (2.0 * (R - 1.0) * D)
}

#[test]
fn sticky_sessions_fail_for_the_detection_window_then_are_lost_at_their_next_request() {
    let json = json("none");
    for fidelity in [Fidelity::Request, Fidelity::Flow] {
        let seeds = if fidelity == Fidelity::Request { 8 } else { 3 };
        let (mut failed, mut expected, mut var, mut bias_abs) = (0.0, 0.0, 0.0, 0.0);
        let (mut lost, mut lost_expected) = (0.0, 0.0);
        for seed in 1..=seeds {
            let (r, w) = run(&json, seed, fidelity);
            // interval 5 s × (fall − 1) + 1 s timeout + a phase in [0, 5 s)
            assert!((11.0..16.0).contains(&w), "{fidelity:?} window {w}");
            let (e, v) = failed_expected(w);
            failed += cause(&r, "detection_window");
            expected += e;
            var += v;
            bias_abs += e * bias(w);
            lost += r.sessions.lost as f64;
            lost_expected += homed() * (-w / D).exp();
            assert_eq!(
                r.sessions.lost_by_cause.get("node_crash").copied(),
                Some(r.sessions.lost),
                "{fidelity:?}: {:?}",
                r.sessions
            );
            assert_eq!(r.incidents[0].sessions_lost, r.sessions.lost);
            // nothing else fails: no overload, no timeouts
            assert_eq!(
                r.requests.failed as f64,
                cause(&r, "detection_window") + cause(&r, "node_crash")
            );
        }
        // request level: 4 standard deviations of the compound Poisson count; flow level:
        // deterministic, so the model's omissions only
        let noise = if fidelity == Fidelity::Request {
            4.0 * var.sqrt()
        } else {
            0.0
        };
        assert!(
            (failed - expected).abs() <= noise + bias_abs,
            "{fidelity:?}: {failed} failed in the windows, expected {expected} ± {noise} + {bias_abs}"
        );
        // the old engine failed about 1 request per crash here, not ~500
        assert!(failed / seeds as f64 > 400.0, "{fidelity:?}: {failed}");
        // lost: a Poisson number of homed sessions, thinned by survival to the verdict
        let noise = if fidelity == Fidelity::Request {
            4.0 * lost_expected.sqrt()
        } else {
            1.0
        };
        let slack = lost_expected * bias(13.5) + seeds as f64; // + the flow's floor per run
        assert!(
            (lost - lost_expected).abs() <= noise + slack,
            "{fidelity:?}: {lost} lost, expected {lost_expected} ± {noise} + {slack}"
        );
    }
}

#[test]
fn replicated_sticky_sessions_fail_for_the_detection_window_and_are_not_lost() {
    for repl in ["buddy", "all"] {
        let json = json(repl);
        for fidelity in [Fidelity::Request, Fidelity::Flow] {
            let (r, w) = run(&json, 1, fidelity);
            let (e, v) = failed_expected(w);
            let failed = cause(&r, "detection_window");
            let noise = if fidelity == Fidelity::Request {
                4.0 * v.sqrt()
            } else {
                0.0
            };
            assert!(
                (failed - e).abs() <= noise + e * bias(w),
                "{repl} {fidelity:?}: {failed} vs {e}"
            );
            assert_eq!(r.sessions.lost, 0, "{repl} {fidelity:?}: {:?}", r.sessions);
        }
    }
}
