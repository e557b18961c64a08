//! The flow-level benchmark: the one-year model run again and again for a median per run.

use crate::clock::{cpu_s, median};
use failover_lab::sim::Simulation;
use serde_json::{json, Value};
use std::time::Instant;

/// The flow-level year of `path`: at least 5 runs, then more for up to 3 s (500 at most).
pub fn flow(path: &str) -> Result<Value, String> {
    let config = crate::run::load(path)?;
    let probe = failover_lab::sim::run(config.clone());
    println!(
        "== flow level, native: {path} ({} components, {} simulated s)",
        config.components.len(),
        probe.horizon_s
    );
    // The flow level is a stub until the engine implements it: it then carries no traffic.
    if probe.fidelity != failover_lab::sim::Fidelity::Flow || probe.requests.offered == 0 {
        println!("   flow level: not implemented (the engine reports no traffic at flow level)");
        return Ok(json!({"implemented": false, "components": config.components.len()}));
    }
    let mut walls = Vec::new();
    let t_all = Instant::now();
    let c0 = cpu_s();
    while walls.len() < 5 || (walls.len() < 500 && t_all.elapsed().as_secs_f64() < 3.0) {
        let t0 = Instant::now();
        let mut sim = Simulation::new(config.clone());
        sim.run_to_end();
        walls.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    let runs = walls.len();
    let cpu_ms = match (c0, cpu_s()) {
        (Some(a), Some(b)) => (b - a) * 1e3 / runs as f64,
        _ => f64::NAN,
    };
    let best = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let ms = median(walls);
    let years = probe.horizon_s / (365.0 * 86400.0);
    println!(
        "   median of {runs} runs: {ms:.3} ms per run (best {best:.3} ms; mean CPU time {cpu_ms:.3} ms) for {years} simulated year(s), {} events; availability {:.6}, offered {}, failed {}",
        probe.events, probe.availability.request, probe.requests.offered, probe.requests.failed
    );
    Ok(json!({
        "implemented": true,
        "components": config.components.len(),
        "horizon_s": probe.horizon_s,
        "runs": runs,
        "ms_per_run": ms,
        "best_ms": best,
        "cpu_ms_per_run": cpu_ms,
        "events": probe.events,
        "availability": probe.availability.request,
        "offered": probe.requests.offered,
        "failed": probe.requests.failed,
    }))
}
