//! The `run` command (request level natively, then the flow level and the SimPy twin, saved as
//! JSON) and the `train` command (the workload of the profile-guided build).

use crate::args::Args;
use crate::clock::{cpu_s, load_average, median};
use failover_lab::scenario;
use failover_lab::sim::{Config, Simulation};
use serde_json::{json, Value};
use std::time::Instant;

/// `run`: the levels `--only` asks for (all by default), printed, and saved with `--out`.
pub fn run(a: &Args) -> Result<(), String> {
    let mut out = json!({});
    if a.only.as_deref() == Some("flow") {
        crate::flow::flow(&a.flow)?;
        return Ok(());
    }
    out["native"] = request_level(a)?;
    if a.only.is_none() {
        out["flow"] = crate::flow::flow(&a.flow)?;
    }
    if let (Some(py), None) = (&a.python, &a.only) {
        let simpy = crate::twin::run_twin(a, py)?;
        out["simpy"] = simpy;
        out["comparison"] = crate::twin::compare(&out["native"], &out["simpy"]);
    }
    if let Some(path) = &a.out {
        save(path, &out)?;
    }
    Ok(())
}

/// The timed runs of the request-level model: the last simulation, wall and CPU seconds of each.
struct Runs {
    sim: Simulation,
    walls: Vec<f64>,
    cpus: Vec<f64>,
}

/// `a.runs` runs of `config` to its end, each printed as it finishes.
fn time_runs(config: &Config, runs: usize) -> Result<Runs, String> {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut last = None;
    for i in 0..runs {
        let c0 = cpu_s();
        let t0 = Instant::now();
        let mut sim = Simulation::new(config.clone());
        sim.run_to_end();
        let wall = t0.elapsed().as_secs_f64();
        let cpu = match (c0, cpu_s()) {
            (Some(a), Some(b)) => b - a,
            _ => f64::NAN,
        };
        println!(
            "   run {}: {} events in {:.3} s = {:.2} M events/s (CPU time {:.2} s = {:.2} M events per CPU s)",
            i + 1,
            sim.events(),
            wall,
            sim.events() as f64 / wall / 1e6,
            cpu,
            sim.events() as f64 / cpu / 1e6
        );
        walls.push(wall);
        cpus.push(cpu);
        last = Some(sim);
    }
    let sim = last.ok_or("no run")?;
    Ok(Runs { sim, walls, cpus })
}

/// The request level, native: the benchmark model timed, its figures printed, and as JSON.
fn request_level(a: &Args) -> Result<Value, String> {
    let config = load(&a.model)?;
    println!(
        "== request level, native, {} build: {} ({} runs)",
        a.build, a.model, a.runs
    );
    println!(
        "   load average before: {} ({} cores)",
        load_average(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let Runs { sim, walls, cpus } = time_runs(&config, a.runs)?;
    let t0 = Instant::now();
    let report = sim.report();
    let report_ms = t0.elapsed().as_secs_f64() * 1e3;
    let best = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let wall = median(walls);
    let cpu = median(cpus);
    let events = sim.events();
    let horizon_s = report.horizon_s;
    let rq = &report.requests;
    println!(
        "   median: {:.3} s, {:.2} M events/s (best run {:.2} M events/s), {:.0} simulated s per wall s (report built in {:.1} ms)",
        wall,
        events as f64 / wall / 1e6,
        events as f64 / best / 1e6,
        horizon_s / wall,
        report_ms
    );
    println!(
        "   median CPU time: {:.3} s, {:.2} M events per CPU s; load average after: {}",
        cpu,
        events as f64 / cpu / 1e6,
        load_average()
    );
    println!(
        "   {} simulated s: offered {}, served {}, failed {}, availability {:.6}, mean latency {:.3} ms (p99 {:.1} ms), digest {}",
        horizon_s,
        rq.offered,
        rq.served,
        rq.failed,
        report.availability.request,
        report.latency_ms.mean,
        report.latency_ms.p99,
        report.digest
    );
    for c in &report.components {
        println!(
            "   {:<6} {} node(s): served {}, mean wait {:.4} ms",
            c.id, c.nodes, c.served, c.mean_wait_ms
        );
    }
    Ok(json!({
        "build": a.build,
        "model": a.model,
        "runs": a.runs,
        "events": events,
        "wall_s": wall,
        "events_per_s": events as f64 / wall,
        "best_events_per_s": events as f64 / best,
        "sim_s_per_wall_s": horizon_s / wall,
        "cpu_s": cpu,
        "events_per_cpu_s": events as f64 / cpu,
        "sim_s_per_cpu_s": horizon_s / cpu,
        "horizon_s": horizon_s,
        "offered": rq.offered,
        "served": rq.served,
        "failed": rq.failed,
        "availability": report.availability.request,
        "mean_latency_ms": report.latency_ms.mean,
        "p99_latency_ms": report.latency_ms.p99,
        "digest": report.digest,
        "components": report.components.iter().map(|c| json!({
            "id": c.id, "nodes": c.nodes, "served": c.served, "mean_wait_ms": c.mean_wait_ms,
        })).collect::<Vec<_>>(),
    }))
}

/// `--out`: the figures as pretty JSON, the folder made if needed.
fn save(path: &str, out: &Value) -> Result<(), String> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{path}: {e}"))?;
    }
    let text = serde_json::to_string_pretty(out).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{path}: {e}"))?;
    println!("(saved {path})");
    Ok(())
}

/// The training workload of the profile-guided build: every built-in scenario at request
/// and at flow level, at its own horizon and seed. Not the benchmark models: the profile
/// comes from what users run, and the bench then measures a model it was not trained on.
pub fn train() -> Result<(), String> {
    use failover_lab::sim::Fidelity;
    for b in scenario::builtins::all() {
        let sc = scenario::parse_json(b.json()).map_err(|p| problems(b.name, &p))?;
        let compiled = scenario::compile(&sc).map_err(|p| problems(b.name, &p))?;
        for fidelity in [Fidelity::Request, Fidelity::Flow] {
            let mut config = compiled.config.clone();
            config.fidelity = fidelity;
            let t0 = Instant::now();
            let mut sim = Simulation::new(config);
            sim.run_to_end();
            println!(
                "   {:<28} {:<7} {:>10} events in {:.2} s",
                b.name,
                fidelity.name(),
                sim.events(),
                t0.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

/// The engine configuration of the scenario file at `path`, or its problems.
pub fn load(path: &str) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let sc = scenario::parse_json(&text).map_err(|p| problems(path, &p))?;
    let compiled = scenario::compile(&sc).map_err(|p| problems(path, &p))?;
    Ok(compiled.config)
}

fn problems(path: &str, p: &[scenario::Problem]) -> String {
    let lines: Vec<String> = p.iter().map(|x| format!("  {x}")).collect();
    format!("{path}:\n{}", lines.join("\n"))
}
