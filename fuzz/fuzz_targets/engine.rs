//! Fuzz target: the engine on valid scenarios. The input picks a built-in and a list of edits
//! (a number or duration leaf set to an awkward value, a fault dropped); every edited scenario
//! that compiles runs at both fidelities under an event budget and must conserve requests
//! (offered = served + failed), report finite figures, and give the same digest twice.
#![no_main]

use failover_lab::scenario::{self, builtins};
use failover_lab::sim::{Fidelity, Report, Simulation};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Events per run: enough for every built-in's first hour, small enough for a fuzzer.
const EVENT_BUDGET: u64 = 300_000;

const NUMBERS: &[f64] = &[0.0, 1e-9, 0.5, 0.999, 1.0, 2.0, 3.0, 64.0, 1e3, 1e6, 1e9];
const DURATIONS: &[&str] = &["0s", "1us", "1ms", "1s", "10s", "5m", "1h", "30d", "100y"];

/// JSON pointers to every number and duration leaf of `v`.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| leaves(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| leaves(x, format!("{at}/{i}"), out)),
        Value::Number(_) => out.push(at),
        Value::String(s) if scenario::Dur::parse(s).as_micros().is_some() => out.push(at),
        _ => {}
    }
}

fn edited(data: &[u8]) -> Option<Value> {
    let (&pick, edits) = data.split_first()?;
    let all = builtins::all();
    let mut doc: Value = serde_json::from_str(all[pick as usize % all.len()].json()).ok()?;
    for edit in edits.chunks(3) {
        let [what, at, value] = edit else { break };
        let mut paths = Vec::new();
        leaves(&doc, String::new(), &mut paths);
        if *what % 8 == 0 {
            if let Some(Value::Array(faults)) = doc.get_mut("faults") {
                if !faults.is_empty() {
                    faults.remove(*at as usize % faults.len());
                }
            }
            continue;
        }
        let Some(path) = paths.get(*at as usize % paths.len().max(1)) else { break };
        let leaf = doc.pointer_mut(path)?;
        *leaf = if leaf.is_string() {
            Value::from(DURATIONS[*value as usize % DURATIONS.len()])
        } else {
            Value::from(NUMBERS[*value as usize % NUMBERS.len()])
        };
    }
    Some(doc)
}

/// Runs at most [`EVENT_BUDGET`] events; the report and whether the run reached its horizon.
fn run(config: failover_lab::sim::Config) -> (Report, bool) {
    let mut sim = Simulation::new(config);
    for _ in 0..EVENT_BUDGET {
        if !sim.step() {
            return (sim.report(), true);
        }
    }
    (sim.report(), false)
}

fuzz_target!(|data: &[u8]| {
    let Some(doc) = edited(data) else { return };
    let Ok(s) = scenario::parse_json(&doc.to_string()) else { return };
    for fidelity in [Fidelity::Request, Fidelity::Flow] {
        let Ok(compiled) = scenario::compile(&s) else { return };
        let mut config = compiled.config;
        config.fidelity = fidelity;
        let (a, _) = run(config.clone());
        let r = &a.requests;
        assert_eq!(r.offered, r.served + r.failed, "every offered request is served or failed");
        let availability = a.availability.request;
        assert!(availability.is_finite() && (0.0..=1.0).contains(&availability), "{availability}");
        let (b, _) = run(config);
        assert_eq!(a.digest, b.digest, "the same scenario and seed give the same report");
    }
});
