//! The SimPy twin: the same model run by `bench/simpy_twin.py`, and the figures of both runs
//! compared within their standard errors.

use crate::args::Args;
use serde_json::{json, Value};
use std::process::Command;

/// Agreement threshold: |difference| / combined standard error.
const Z_AGREE: f64 = 3.0;

/// Runs the twin with the interpreter `py` and returns its JSON output.
pub fn run_twin(a: &Args, py: &str) -> Result<Value, String> {
    println!(
        "== SimPy twin: {} --horizon {} (simulated seconds)",
        a.twin, a.twin_horizon
    );
    let o = Command::new(py)
        .arg(&a.twin)
        .arg("--model")
        .arg(&a.model)
        .arg("--horizon")
        .arg(a.twin_horizon.to_string())
        .output()
        .map_err(|e| format!("{py}: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "SimPy twin failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    serde_json::from_slice(&o.stdout).map_err(|e| format!("SimPy twin output: {e}"))
}

/// A JSON number as `f64`, NaN when absent.
pub fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// One figure of both runs: values, combined standard error, z and the verdict.
fn agree(name: &str, rust: f64, simpy: f64, se: f64) -> Value {
    let z = if se > 0.0 {
        (rust - simpy).abs() / se
    } else if rust == simpy {
        0.0
    } else {
        f64::INFINITY
    };
    json!({"figure": name, "failover_lab": rust, "simpy": simpy, "se": se, "z": z, "agree": z <= Z_AGREE})
}

/// Rates per simulated second and means, with standard errors: the SimPy run's from batch
/// means, the engine's scaled from it by the number of requests (same process, longer run).
pub fn compare(n: &Value, s: &Value) -> Value {
    let (rs, ss) = (f(&n["served"]), f(&s["served"]));
    let (rh, sh) = (f(&n["horizon_s"]), f(&s["horizon_s"]));
    let scale = (ss / rs.max(1.0)).sqrt();
    let combined = |se_s: f64| (se_s * se_s + (se_s * scale).powi(2)).sqrt();
    let mut rows = vec![
        agree(
            "served per simulated s",
            rs / rh,
            ss / sh,
            ((rs / (rh * rh)) + (ss / (sh * sh))).sqrt(),
        ),
        agree(
            "availability",
            f(&n["availability"]),
            f(&s["availability"]),
            0.0,
        ),
        agree(
            "mean latency (ms)",
            f(&n["mean_latency_ms"]),
            f(&s["mean_latency_ms"]),
            combined(f(&s["mean_latency_ms_se"])),
        ),
    ];
    if let (Some(nc), Some(sc)) = (n["components"].as_array(), s["components"].as_array()) {
        for c in sc {
            let id = c["id"].as_str().unwrap_or("");
            if let Some(r) = nc.iter().find(|x| x["id"].as_str() == Some(id)) {
                let se = combined(f(&c["mean_wait_ms_se"]));
                rows.push(agree(
                    &format!("{id} mean wait (ms)"),
                    f(&r["mean_wait_ms"]),
                    f(&c["mean_wait_ms"]),
                    se,
                ));
            }
        }
    }
    let all = rows.iter().all(|r| r["agree"].as_bool() == Some(true));
    let speedup = f(&n["sim_s_per_wall_s"]) / f(&s["sim_s_per_wall_s"]);
    let cpu_speedup = f(&n["sim_s_per_cpu_s"]) / f(&s["sim_s_per_cpu_s"]);
    print_comparison(n, s, &rows, all, speedup, cpu_speedup);
    json!({"speedup": speedup, "cpu_speedup": cpu_speedup, "rows": rows, "agree": all})
}

fn print_comparison(n: &Value, s: &Value, rows: &[Value], all: bool, speedup: f64, cpu: f64) {
    println!(
        "   SimPy: {} events in {:.2} s = {:.0} events/s, {:.2} simulated s per wall s; CPU time {:.2} s = {:.0} events per CPU s ({})",
        s["events"],
        f(&s["wall_s"]),
        f(&s["events_per_s"]),
        f(&s["sim_s_per_wall_s"]),
        f(&s["cpu_s"]),
        f(&s["events_per_cpu_s"]),
        s["engine"].as_str().unwrap_or("?")
    );
    println!("== Failover Lab vs SimPy on the same model (rates per simulated second; SimPy's horizon is shorter)");
    println!(
        "   {:<26} {:>16} {:>16} {:>10} {:>6}  agree (|z| <= {Z_AGREE})",
        "figure", "Failover Lab", "SimPy", "std err", "z"
    );
    for r in rows {
        println!(
            "   {:<26} {:>16.4} {:>16.4} {:>10.4} {:>6.2}  {}",
            r["figure"].as_str().unwrap_or(""),
            f(&r["failover_lab"]),
            f(&r["simpy"]),
            f(&r["se"]),
            f(&r["z"]),
            if r["agree"].as_bool() == Some(true) {
                "yes"
            } else {
                "NO"
            }
        );
    }
    println!(
        "   simulated horizon: Failover Lab {} s, SimPy {} s",
        n["horizon_s"], s["horizon_s"]
    );
    println!(
        "   speedup (same simulated workload; target >= 100x): {speedup:.0}x in wall time, {cpu:.0}x in CPU time"
    );
    println!("   results agree: {}", if all { "yes" } else { "NO" });
}
