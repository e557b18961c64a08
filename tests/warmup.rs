#![cfg(not(target_arch = "wasm32"))]
//! The warm-up: statistics reset at `warmup`, at both fidelities, and the CLI's `--warmup`
//! (a duration, or `auto`: MSER-5 on pilot runs) for runs, studies and shards.

use failover_lab::scenario::{self, Scenario};
use failover_lab::sim::{self, Report, Simulation};
use serde_json::Value;
use std::process::{Command, Output};

fn scenario(json: &str) -> Scenario {
    scenario::parse_json(json).unwrap_or_else(|p| panic!("bad test scenario: {p:?}"))
}

/// One web node taking 10 sessions/s of one request each; `extra` goes at the top level.
fn web(fidelity: &str, crash: &str, extra: &str) -> String {
    format!(
        r#"{{ "version": 1, "name": "warm", "seed": 3, "horizon": "10m", "fidelity": "{fidelity}" {extra},
          "traffic": {{ "entry": ["web"], "sessions_per_s": 10, "requests_per_session": 1, "write_share": 0 }},
          "components": [ {{ "id": "web", "spec": {{ "web": {{ "nodes": 1 }} }} }} ],
          "faults": [ {crash} ] }}"#
    )
}

const EARLY: &str =
    r#"{ "crash": { "at": "30s", "target": "web", "node": 0, "duration": "60s" } }"#;
const SPANNING: &str =
    r#"{ "crash": { "at": "4m", "target": "web", "node": 0, "duration": "2m" } }"#;

fn run(json: &str) -> Report {
    let r = sim::run(scenario::compile::build_config(&scenario(json)));
    let (q, s) = (&r.requests, &r.sessions);
    assert_eq!(q.offered, q.served + q.failed, "offered = served + failed");
    assert_eq!(
        s.started,
        s.finished + s.lost + s.active,
        "sessions conserved"
    );
    assert_eq!(r.digest, r.compute_digest());
    r
}

#[test]
fn a_crash_inside_the_warmup_leaves_no_trace_in_the_report() {
    for fidelity in ["request", "flow"] {
        let before = run(&web(fidelity, EARLY, ""));
        assert!(
            before.requests.failed > 300,
            "{fidelity}: {:?}",
            before.requests
        );
        let r = run(&web(fidelity, EARLY, r#", "warmup": "5m""#));
        assert_eq!(r.warmup_s, 300.0);
        assert_eq!(r.requests.failed, 0, "{fidelity}: {:?}", r.requests);
        assert!(r.incidents.is_empty(), "{fidelity}: {:?}", r.incidents);
        assert_eq!(r.availability.request, 1.0);
        assert_eq!(r.availability.time, 1.0);
        // 10 requests a second over the 5 minutes after the warm-up (Poisson at request level)
        let offered = r.requests.offered as f64;
        assert!((offered - 3000.0).abs() < 200.0, "{fidelity}: {offered}");
        // the web node was up the whole time counted
        assert_eq!(r.components[0].node_availability, 1.0, "{fidelity}");
    }
}

#[test]
fn an_incident_spanning_the_warmup_counts_from_it() {
    for fidelity in ["request", "flow"] {
        let whole = run(&web(fidelity, SPANNING, ""));
        let r = run(&web(fidelity, SPANNING, r#", "warmup": "5m""#));
        // the crash lasts from 4m to 6m: a minute of it before the warm-up ends, one after
        let (all, after) = (whole.requests.failed as f64, r.requests.failed as f64);
        assert!((all - 1200.0).abs() < 150.0, "{fidelity}: {all}");
        assert!((after - 600.0).abs() < 100.0, "{fidelity}: {after}");
        assert_eq!(r.incidents.len(), 1, "{fidelity}");
        let i = &r.incidents[0];
        assert!(i.start_s >= 300.0, "{fidelity}: {i:?}");
        assert!((i.rto_s - 60.0).abs() < 5.0, "{fidelity}: {i:?}");
        assert_eq!(i.requests_failed, r.requests.failed);
        // the node was down for one of the five minutes counted
        let a = r.components[0].node_availability;
        assert!((a - 0.8).abs() < 1e-6, "{fidelity}: {a}");
    }
}

#[test]
fn time_availability_counts_the_windows_after_the_warmup() {
    // one-minute windows; down from 30 s to 90 s: [0, 1m) and [1m, 2m) fail the threshold
    for fidelity in ["request", "flow"] {
        let all = run(&web(fidelity, EARLY, ""));
        assert!(
            (all.availability.time - 0.8).abs() < 1e-9,
            "{fidelity}: {}",
            all.availability.time
        );
        let from_1m = run(&web(fidelity, EARLY, r#", "warmup": "1m""#));
        let t = from_1m.availability.time;
        assert!((t - 8.0 / 9.0).abs() < 1e-9, "{fidelity}: {t}");
        // a warm-up off the window grid: the windows start at it, the last one is partial
        let odd = run(&web(fidelity, EARLY, r#", "warmup": "100s""#));
        assert_eq!(odd.availability.time, 1.0, "{fidelity}");
    }
}

#[test]
fn running_in_chunks_equals_one_run_with_a_warmup() {
    for fidelity in ["request", "flow"] {
        let json = web(fidelity, SPANNING, r#", "warmup": "5m""#);
        let cfg = scenario::compile::build_config(&scenario(&json));
        let once = sim::run(cfg.clone());
        let mut s = Simulation::new(cfg);
        let mut t = 0;
        while t < s.horizon() {
            t += 7_000_000;
            s.run_until(t);
        }
        s.run_to_end();
        assert_eq!(s.report().digest, once.digest, "{fidelity}");
    }
}

#[test]
fn the_warmup_is_stated_once_it_happened() {
    let json = web("request", EARLY, r#", "warmup": "5m""#);
    let cfg = scenario::compile::build_config(&scenario(&json));
    let mut s = Simulation::new(cfg.clone());
    s.run_until(cfg.warmup - 1);
    let before = s.report();
    assert_eq!(before.warmup_s, 0.0);
    assert!(before.requests.failed > 300, "the crash is still counted");
    s.run_until(cfg.warmup);
    assert_eq!(s.report().warmup_s, 300.0);
    assert_eq!(s.report().requests.offered, 0);
    // a budget that stops the run first: a partial report counting from 0, without a warm-up
    let mut small = cfg;
    small.budget.events = 2_000;
    let r = sim::run(small);
    assert!(r.partial.is_some());
    assert_eq!(r.warmup_s, 0.0);
    assert!(r.requests.failed > 0);
}

#[test]
fn without_a_warmup_the_report_does_not_mention_it() {
    let r = run(&web("request", EARLY, ""));
    let v = serde_json::to_value(&r).unwrap();
    assert!(v.get("warmup_s").is_none(), "no key, so no digest moved");
    let w = serde_json::to_value(run(&web("request", EARLY, r#", "warmup": "5m""#))).unwrap();
    assert_eq!(w["warmup_s"], 300.0);
}

#[test]
fn a_fault_inside_the_warmup_is_warned_about() {
    let c = scenario::compile(&scenario(&web("request", EARLY, r#", "warmup": "5m""#))).unwrap();
    let w: Vec<String> = c.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("faults[0]") && w.contains("inside the warm-up (5m)")),
        "{w:?}"
    );
    let c = scenario::compile(&scenario(&web("request", EARLY, r#", "warmup": "20s""#))).unwrap();
    assert!(
        !c.warnings.iter().any(|w| w.to_string().contains("warm-up")),
        "a fault after the warm-up: no warning"
    );
}

#[test]
fn a_bad_warmup_is_refused_where_it_is() {
    for (warmup, says) in [
        ("10m", "not shorter than the horizon"),
        ("1h", "not shorter than the horizon"),
        ("0s", "must be > 0"),
        ("soon", "not a duration"),
    ] {
        let json = web("request", EARLY, &format!(r#", "warmup": "{warmup}""#));
        let problems = scenario::compile(&scenario(&json))
            .err()
            .unwrap_or_default();
        let p = problems
            .iter()
            .find(|p| p.to_string().starts_with("error: warmup"))
            .unwrap_or_else(|| panic!("{warmup}: {problems:?}"));
        assert!(p.to_string().contains(says), "{warmup}: {p}");
    }
}

// ------------------------------------------------------------------ the CLI

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_failover-lab"))
        .args(args)
        .output()
        .expect("run failover-lab")
}

fn file(name: &str, json: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "failover-lab-warmup-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, json).unwrap();
    path.display().to_string()
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// An M/M/20 station at ρ = 0.9 that starts empty (see study/warmup_tests.rs).
fn mmc() -> String {
    r#"{ "version": 1, "name": "mmc", "seed": 5, "horizon": "3m",
      "traffic": { "entry": ["web"], "sessions_per_s": 18, "requests_per_session": 1, "write_share": 0, "timeout": "1h" },
      "metrics": { "window": "1s" },
      "components": [ { "id": "web", "spec": { "web": { "nodes": 1,
        "capacity": { "workers": 20, "service_time": "1s", "queue_limit": 100000 } } } } ] }"#
        .to_string()
}

#[test]
fn run_warmup_overrides_the_scenario_and_says_so() {
    let f = file("run", &web("request", EARLY, ""));
    let out = cli(&["run", &f, "--warmup", "5m"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("warm-up 5m"), "{text}");
    let r = json_of(&cli(&["run", &f, "--warmup", "5m", "--json"]));
    assert_eq!(r["requests"]["failed"], 0);
    let bad = cli(&["run", &f, "--warmup", "20m"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("warmup"));
}

#[test]
fn study_warmup_auto_is_chosen_once_and_shards_merge_to_the_same_study() {
    let f = file("mmc", &mmc());
    let args = ["--replications", "12", "--warmup", "auto", "--json"];
    let whole = json_of(&cli(&[&["study", f.as_str()][..], &args].concat()));
    assert_eq!(whole["warmup_method"], "mser5");
    let w = whole["warmup_s"].as_f64().unwrap();
    assert!(w > 0.0 && w < 90.0, "{w}");
    let dir = std::env::temp_dir();
    let mut shards = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let out = cli(&[&["study", f.as_str()][..], &args[..4], &["--shard", &shard]].concat());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = dir.join(format!(
            "failover-lab-warmup-{}-shard-{i}.jsonl",
            std::process::id()
        ));
        std::fs::write(&path, &out.stdout).unwrap();
        shards.push(path.display().to_string());
    }
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.push("--json");
    let merged = json_of(&cli(&merge));
    assert_eq!(merged["digest"], whole["digest"]);
    assert_eq!(merged["warmup_s"], whole["warmup_s"]);
    assert_eq!(merged["warmup_method"], "mser5");
    // a fixed warm-up is reported as such, and none as none
    let fixed = json_of(&cli(&[
        "study",
        &f,
        "--replications",
        "3",
        "--warmup",
        "30s",
        "--json",
    ]));
    assert_eq!(
        (fixed["warmup_s"].as_f64(), fixed["warmup_method"].as_str()),
        (Some(30.0), Some("fixed"))
    );
    let none = json_of(&cli(&["study", &f, "--replications", "3", "--json"]));
    assert_eq!(
        (none["warmup_s"].as_f64(), none["warmup_method"].as_str()),
        (Some(0.0), Some("none"))
    );
}

#[test]
fn study_warmup_auto_refuses_a_series_too_short() {
    // ten one-minute windows: too few points for MSER-5's batches
    let f = file("short", &web("request", EARLY, ""));
    let out = cli(&["study", &f, "--replications", "3", "--warmup", "auto"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--warmup auto") && err.contains("metrics.window"),
        "{err}"
    );
    let out = cli(&["study", &f, "--warmup", "later"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("or `auto`"));
}
