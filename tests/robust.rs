//! Robustness of the engine: every built-in, mutated at random (numeric and duration leaves set to
//! awkward values, faults dropped, moved to the start or the end of the run, components
//! duplicated, every fault kind piled onto the same node, sites cut and switched), is validated;
//! each mutant that validates without errors runs at both fidelities under an event budget and
//! must not panic, must not livelock (thousands of events at one instant, where `run_until`
//! would never return), must conserve requests and sessions, must report only finite numbers
//! and must give the same digest twice (the second time in `run_until` chunks when the run
//! ended within the budget). Deterministic: a fixed seed and a fixed number of cases; the
//! environment variables below [`CASES`] explore further with the same checks.
#![cfg(not(target_arch = "wasm32"))]

use failover_lab::scenario::{self, builtins, Severity};
use failover_lab::sim::{Config, Fidelity, Report, Simulation};
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// splitmix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

const INTS: &[u64] = &[0, 1, 2, 3, 99, 999, 1000, 1001, 100_000, 4_294_967_295];
const FLOATS: &[f64] = &[
    0.0, 1e-300, 1e-9, 0.5, 0.999_999, 1.0, 1.000_001, 3.0, 1e4, 1e7, 1e9, 1e300,
];
const DURS: &[&str] = &[
    "0s", "1us", "1ms", "1s", "59s", "1h", "24h", "30d", "30d1us", "100y", "100y1us", "1000y",
    "99999y",
];
const HORIZONS: &[&str] = &["1us", "1s", "2m", "15m", "1h", "1h", "6h", "30d", "100y"];

fn is_dur(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| scenario::Dur::parse(s).as_micros().is_some())
}

/// Paths to every number or duration leaf (not the horizon, not layout).
fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if matches!(k.as_str(), "horizon" | "pos" | "rect" | "version") {
                    continue;
                }
                path.push(json!(k));
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(json!(i));
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Number(_) => out.push(path.clone()),
        Value::String(_) if is_dur(v) => out.push(path.clone()),
        _ => {}
    }
}

fn at_path<'a>(doc: &'a mut Value, path: &[Value]) -> &'a mut Value {
    let mut at = doc;
    for part in path {
        at = match part {
            Value::String(k) => &mut at[k.as_str()],
            Value::Number(n) => &mut at[n.as_u64().unwrap_or(0) as usize],
            _ => at,
        };
    }
    at
}

fn ids(doc: &Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn kind_of(doc: &Value, id: &str) -> String {
    doc["components"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == id))
        .and_then(|c| c["spec"].as_object())
        .and_then(|s| s.keys().next().cloned())
        .unwrap_or_default()
}

fn faults(doc: &mut Value) -> &mut Vec<Value> {
    if !doc["faults"].is_array() {
        doc["faults"] = json!([]);
    }
    doc["faults"].as_array_mut().expect("array")
}

/// One random mutation; `h` is the horizon in µs.
fn mutate(doc: &mut Value, rng: &mut Rng, h: u64, n: usize) {
    let comps = ids(doc, "components");
    let sites = ids(doc, "sites");
    let when = |rng: &mut Rng| -> String {
        match rng.below(5) {
            0 => "0s".into(),
            1 => format!("{h}us"),
            2 => format!("{}us", h.saturating_sub(1)),
            3 => format!("{}us", h / 2),
            _ => format!("{}us", rng.next() % (h + 1)),
        }
    };
    let dur = |rng: &mut Rng| -> String {
        if rng.chance(0.5) {
            rng.pick(DURS).to_string()
        } else {
            format!("{}us", 1 + rng.next() % (h + 1))
        }
    };
    match rng.below(11) {
        // a numeric or duration leaf
        0..=2 => {
            let mut ps = Vec::new();
            leaves(doc, &mut Vec::new(), &mut ps);
            if ps.is_empty() {
                return;
            }
            let p = rng.pick(&ps).clone();
            let at = at_path(doc, &p);
            *at = if at.is_string() {
                json!(rng.pick(DURS))
            } else if at.is_u64() {
                json!(rng.pick(INTS))
            } else {
                json!(rng.pick(FLOATS))
            };
        }
        // drop a fault
        3 => {
            let f = faults(doc);
            if !f.is_empty() {
                let i = rng.below(f.len());
                f.remove(i);
            }
        }
        // move a fault to the start or the end of the run
        4 => {
            let t = when(rng);
            let f = faults(doc);
            if !f.is_empty() {
                let i = rng.below(f.len());
                if let Some(body) = f[i].as_object_mut().and_then(|o| o.values_mut().next()) {
                    body["at"] = json!(t);
                }
            }
        }
        // duplicate a component next to the original (same parents, same entry)
        5 => {
            if comps.is_empty() {
                return;
            }
            let k = rng.below(comps.len());
            let id = comps[k].clone();
            let dup = format!("{id}-dup{n}");
            let mut c = doc["components"][k].clone();
            c["id"] = json!(dup);
            doc["components"].as_array_mut().expect("array").push(c);
            if let Some(e) = doc["traffic"]["entry"].as_array_mut() {
                if let Some(i) = e.iter().position(|x| *x == id) {
                    e.insert(i + 1, json!(dup));
                }
            }
            for c in doc["components"].as_array_mut().expect("array") {
                if let Some(next) = c["next"].as_array_mut() {
                    if let Some(i) = next.iter().position(|x| *x == id) {
                        next.insert(i + 1, json!(dup));
                    }
                }
            }
        }
        // every fault kind on the same node at once
        6 => {
            if comps.is_empty() {
                return;
            }
            let target = rng.pick(&comps).clone();
            let kind = kind_of(doc, &target);
            let node = if rng.chance(0.5) {
                json!(0)
            } else {
                Value::Null
            };
            let at = when(rng);
            let d = dur(rng);
            let with_node = |mut body: Value| {
                if !node.is_null() {
                    body["node"] = node.clone();
                }
                body
            };
            let mut add = vec![
                json!({"crash": with_node(json!({"at": at, "target": target, "duration": d}))}),
                json!({"hang": with_node(json!({"at": at, "target": target, "duration": d}))}),
                json!({"error_rate": with_node(json!({"at": at, "target": target, "rate": 1.0, "duration": d}))}),
                json!({"latency": with_node(json!({"at": at, "target": target, "added": dur(rng), "duration": d}))}),
                json!({"leak": with_node(json!({"at": at, "target": target, "exhaustion": dur(rng), "restart": dur(rng)}))}),
                json!({"flapping": with_node(json!({"at": at, "target": target, "down": "1us", "up": "1us", "cycles": *rng.pick(&[1u32, 3, 1000])}))}),
                json!({"crash": with_node(json!({"at": at, "target": target}))}),
                json!({"rolling_restart": {"at": at, "target": target, "batch": 1, "drain": "0s", "restart": "1us"}}),
            ];
            if matches!(
                kind.as_str(),
                "database" | "queue" | "search_index" | "doc_store"
            ) {
                add.push(json!({"corruption": with_node(json!({"at": at, "target": target, "duration": d}))}));
            }
            if kind == "database" {
                add.push(json!({"db_switchover": {"at": at, "target": target}}));
            }
            if let Some(other) = comps
                .iter()
                .find(|c| **c != target && kind_of(doc, c) == kind)
            {
                add.push(json!({"blue_green": {"at": at, "blue": target, "green": other, "drain": dur(rng), "deploy": "1us"}}));
            }
            faults(doc).extend(add);
        }
        // sites: outages, partitions, switch-overs, DNS failures, spikes
        7 => {
            let at = when(rng);
            let d = dur(rng);
            let mut add = vec![
                json!({"traffic_spike": {"at": at, "factor": *rng.pick(&[0.0, 1e-9, 3.0, 1e4]), "duration": d}}),
                json!({"dns_failure": {"at": at, "duration": d}}),
            ];
            for (i, a) in sites.iter().enumerate() {
                add.push(json!({"site_outage": {"at": at, "site": a, "duration": d}}));
                for b in &sites[i + 1..] {
                    let mut p = json!({"at": at, "a": a, "b": b, "one_way": rng.chance(0.5), "duration": d});
                    if rng.chance(0.5) && !comps.is_empty() {
                        p["component"] = json!(rng.pick(&comps));
                    }
                    add.push(json!({ "partition": p }));
                    add.push(json!({"site_switchover": {"at": at, "from": a, "to": b}}));
                    add.push(json!({"site_switchover": {"at": at, "from": b, "to": a}}));
                }
            }
            faults(doc).extend(add);
        }
        // global routing
        8 => {
            doc["routing"] = match rng.below(3) {
                0 => json!("single"),
                1 => {
                    json!({"dns": {"ttl": dur(rng), "detection": dur(rng), "stale_share": *rng.pick(&[0.0, 0.5, 1.0]), "stale_for": dur(rng), "active_active": rng.chance(0.5)}})
                }
                _ => {
                    json!({"bgp": {"convergence": dur(rng), "detection": dur(rng), "active_active": rng.chance(0.5)}})
                }
            };
        }
        // traffic at its extremes
        9 => {
            let t = &mut doc["traffic"];
            t["sessions_per_s"] = json!(*rng.pick(&[0.0, 1e-9, 1e4, 1e7, 1e300]));
            t["requests_per_session"] = json!(*rng.pick(&[1.0, 1e6, 1e300]));
            t["session_duration"] = json!(rng.pick(&["1us", "10m", "100y"]));
            t["client_retries"] = json!(*rng.pick(&[0u32, 10]));
            t["retry_delay"] = json!(rng.pick(&["0s", "1us", "1h"]));
            t["timeout"] = json!(rng.pick(&["1us", "10s", "1000y"]));
        }
        // random failures with awkward MTBF / MTTR
        _ => {
            if comps.is_empty() {
                return;
            }
            let k = rng.below(comps.len());
            let repair = match rng.below(3) {
                0 => json!("exponential"),
                1 => json!("fixed"),
                _ => json!({"lognormal": {"sigma": *rng.pick(&[1e-9, 1.0, 5.0, 1e9])}}),
            };
            doc["components"][k]["failure"] =
                json!({"mtbf": dur(rng), "mttr": dur(rng), "repair": repair});
        }
    }
}

/// Events handled in one run at most (a flow event integrates one class per app node, so its
/// budget shrinks with the nodes); a run stopped here is still checked.
fn budget(config: &Config) -> u64 {
    let scale = env_or("ROBUST_BUDGET_X", 1);
    scale.saturating_mul(match config.fidelity {
        Fidelity::Request => 20_000,
        Fidelity::Flow => {
            let nodes: u64 = config
                .components
                .iter()
                .map(|c| u64::from(c.total_nodes()))
                .sum();
            (200_000 / nodes.max(1)).clamp(100, 5_000)
        }
    })
}
/// More events than this at one instant is a livelock: `run_until` would never return.
const SAME_INSTANT: u64 = 5_000;

/// Runs event by event within the budget; `Err` on a livelock.
fn run_budgeted(config: Config) -> Result<(Report, bool), String> {
    let budget = budget(&config);
    let mut sim = Simulation::new(config);
    let (mut last, mut same) = (u64::MAX, 0u64);
    while sim.events() < budget {
        if !sim.step() {
            return Ok((sim.report(), true));
        }
        if sim.now() == last {
            same += 1;
            if same > SAME_INSTANT {
                return Err(format!("livelock: {same} events at t = {} µs", sim.now()));
            }
        } else {
            (last, same) = (sim.now(), 0);
        }
    }
    Ok((sim.report(), false))
}

/// The same run in `run_until` chunks (as the Web Worker runs it).
fn run_chunked(config: Config) -> Report {
    let mut sim = Simulation::new(config);
    let step = (sim.horizon() / 37).max(1);
    while sim.now() < sim.horizon() {
        sim.run_until(sim.now().saturating_add(step));
    }
    sim.run_to_end();
    sim.report()
}

/// The invariants every report holds, at any time.
fn check(r: &Report) -> Result<(), String> {
    let q = &r.requests;
    if q.offered != q.served + q.failed {
        return Err(format!(
            "offered {} ≠ served {} + failed {}",
            q.offered, q.served, q.failed
        ));
    }
    if q.failed != q.failed_by_cause.values().sum::<u64>() {
        return Err("failed ≠ sum of failed by cause".into());
    }
    let s = &r.sessions;
    if s.started != s.finished + s.lost + s.active {
        return Err(format!(
            "sessions started {} ≠ finished {} + lost {} + active {}",
            s.started, s.finished, s.lost, s.active
        ));
    }
    if s.lost != s.lost_by_cause.values().sum::<u64>() {
        return Err("lost ≠ sum of lost by cause".into());
    }
    if r.writes.acknowledged > r.writes.attempted {
        return Err("more writes acknowledged than attempted".into());
    }
    // serde_json writes NaN and ±inf as null, and the report has no optional field
    let v = serde_json::to_value(r).map_err(|e| e.to_string())?;
    fn nulls(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Null => out.push(path.to_string()),
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| nulls(x, &format!("{path}.{k}"), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| nulls(x, &format!("{path}[{i}]"), out)),
            _ => {}
        }
    }
    let mut bad = Vec::new();
    nulls(&v, "report", &mut bad);
    if !bad.is_empty() {
        return Err(format!("not finite: {}", bad.join(", ")));
    }
    let a = &r.availability;
    for (name, x) in [("request", a.request), ("time", a.time)] {
        if !(0.0..=1.0).contains(&x) {
            return Err(format!("availability.{name} = {x}"));
        }
    }
    if r.digest != r.compute_digest() {
        return Err("digest does not match the report".into());
    }
    Ok(())
}

/// Runs one valid mutant twice; `Err` describes what went wrong.
fn exercise(config: Config) -> Result<(), String> {
    let first = catch_unwind(AssertUnwindSafe(|| run_budgeted(config.clone())))
        .map_err(|p| format!("panic: {}", panic_text(&p)))??;
    check(&first.0)?;
    let second = if first.1 {
        catch_unwind(AssertUnwindSafe(|| run_chunked(config.clone())))
            .map_err(|p| format!("panic in run_until chunks: {}", panic_text(&p)))?
    } else {
        catch_unwind(AssertUnwindSafe(|| run_budgeted(config)))
            .map_err(|p| format!("panic on the second run: {}", panic_text(&p)))??
            .0
    };
    if second.digest != first.0.digest {
        return Err(format!(
            "same seed, different digest ({} then {}{})",
            first.0.digest,
            second.digest,
            if first.1 {
                ", the second in chunks"
            } else {
                ""
            }
        ));
    }
    Ok(())
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "?".into())
}

/// Cases of a default run; `ROBUST_CASES=n ROBUST_SEED=s ROBUST_BUDGET_X=k` explore further
/// (same checks, k times the event budget).
const CASES: u64 = 300;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_builtins_that_validate_run_at_both_fidelities_without_panic() {
    let out_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("robust");
    let _ = std::fs::create_dir_all(&out_dir);
    let all = builtins::all();
    let cases = env_or("ROBUST_CASES", CASES);
    let mut rng = Rng(env_or("ROBUST_SEED", 0x00f1_7e55_c0de));
    let mut failures = Vec::new();
    let (mut valid, mut ran) = (0, 0);
    for case in 0..cases {
        let b = &all[(case % all.len() as u64) as usize];
        let mut doc: Value = serde_json::from_str(b.json()).expect("built-in JSON");
        let horizon = *rng.pick(HORIZONS);
        doc["horizon"] = json!(horizon);
        let h = scenario::Dur::parse(horizon).as_micros().unwrap_or(1);
        for n in 0..1 + rng.below(4) {
            mutate(&mut doc, &mut rng, h, n);
        }
        for fidelity in ["request", "flow"] {
            doc["fidelity"] = json!(fidelity);
            let text = serde_json::to_string_pretty(&doc).expect("json");
            let Ok(s) = scenario::parse_json(&text) else {
                continue;
            };
            let problems = scenario::validate::validate(&s);
            if problems.iter().any(|p| p.severity == Severity::Error) {
                continue;
            }
            valid += 1;
            let Ok(compiled) = scenario::compile(&s) else {
                failures.push(format!(
                    "case {case} ({}): validated, then compile failed",
                    b.name
                ));
                continue;
            };
            let mut config = compiled.config;
            config.fidelity = if fidelity == "flow" {
                Fidelity::Flow
            } else {
                Fidelity::Request
            };
            ran += 1;
            if let Err(e) = exercise(config) {
                let path = out_dir.join(format!("case-{case}-{fidelity}.json"));
                let _ = std::fs::write(&path, &text);
                failures.push(format!(
                    "case {case} ({}, {fidelity}): {e}\n    scenario: {}",
                    b.name,
                    path.display()
                ));
            }
        }
    }
    eprintln!(
        "{cases} cases, {valid} valid mutants, {ran} runs, {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        valid >= cases / 2,
        "only {valid} valid mutants of {cases} cases"
    );
}
