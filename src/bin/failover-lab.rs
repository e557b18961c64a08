//! The native command-line interface to the simulation core.

use failover_lab::scenario::{self, Problem, Scenario};
use failover_lab::sim::{self, Report};
use std::process::ExitCode;

const HELP: &str = "\
failover-lab: simulate fault-tolerant architectures from the command line

USAGE:
    failover-lab run <scenario.json> [--seed N] [--horizon DURATION] [--mode request|flow] [--json]
    failover-lab run --builtin NAME [options]
    failover-lab bench [--seconds N]
    failover-lab help

OPTIONS:
    --seed N              Override the scenario's seed
    --horizon DURATION    Override the horizon (90s, 15m, 6h, 30d, 10y)
    --mode request|flow   Request level (every request) or flow level (rates)
    --json                Print the full JSON report
    --builtin NAME        Use a built-in scenario instead of a file
    -h, --help            Print this help
    -V, --version         Print the version
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("failover-lab {}", failover_lab::ENGINE_VERSION);
            ExitCode::SUCCESS
        }
        Some("run") => match run(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(problems) => {
                for p in problems {
                    eprintln!("{p}");
                }
                ExitCode::from(2)
            }
        },
        Some("bench") => {
            bench(&args[1..]);
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn usage(msg: impl Into<String>) -> Vec<Problem> {
    vec![Problem::error("arguments", msg)]
}

fn run(args: &[String]) -> Result<(), Vec<Problem>> {
    let mut file: Option<String> = None;
    let mut builtin: Option<String> = None;
    let mut seed: Option<u64> = None;
    let mut horizon: Option<scenario::Dur> = None;
    let mut mode: Option<scenario::Fidelity> = None;
    let mut json = false;
    let mut i = 0;
    let mut problems = Vec::new();
    while i < args.len() {
        let a = args[i].as_str();
        let mut value = |name: &str| -> Option<String> {
            i += 1;
            let v = args.get(i).cloned();
            if v.is_none() {
                problems.push(Problem::error("arguments", format!("{name} needs a value")));
            }
            v
        };
        match a {
            "--json" => json = true,
            "--seed" => {
                if let Some(v) = value("--seed") {
                    match v.parse() {
                        Ok(s) => seed = Some(s),
                        Err(_) => problems
                            .push(Problem::error("--seed", format!("`{v}` is not a number"))),
                    }
                }
            }
            "--horizon" => {
                if let Some(v) = value("--horizon") {
                    let d = scenario::Dur::parse(&v);
                    if d.as_micros().is_none() {
                        problems.push(Problem::error(
                            "--horizon",
                            format!("`{v}` is not a duration (e.g. 90s, 15m, 6h, 30d, 10y)"),
                        ));
                    }
                    horizon = Some(d);
                }
            }
            "--mode" => {
                if let Some(v) = value("--mode") {
                    match v.as_str() {
                        "request" => mode = Some(scenario::Fidelity::Request),
                        "flow" => mode = Some(scenario::Fidelity::Flow),
                        _ => problems.push(Problem::error(
                            "--mode",
                            format!("`{v}` is not `request` or `flow`"),
                        )),
                    }
                }
            }
            "--builtin" => builtin = value("--builtin"),
            _ if a.starts_with('-') => {
                problems.push(Problem::error("arguments", format!("unknown option `{a}`")))
            }
            _ => {
                if file.is_some() {
                    problems.push(Problem::error(
                        "arguments",
                        format!("unexpected argument `{a}`"),
                    ));
                }
                file = Some(a.to_string());
            }
        }
        i += 1;
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut s: Scenario = match (file, builtin) {
        (Some(_), Some(_)) => {
            return Err(usage("give a scenario file or --builtin NAME, not both"))
        }
        (None, None) => return Err(usage("missing <scenario.json> (or --builtin NAME)")),
        (None, Some(name)) => match scenario::builtins::get(&name) {
            Some(b) => b.scenario(),
            None => {
                let names: Vec<&str> = scenario::builtins::all().iter().map(|b| b.name).collect();
                return Err(vec![Problem::error(
                    "--builtin",
                    format!("no built-in scenario `{name}` (have: {})", names.join(", ")),
                )]);
            }
        },
        (Some(path), None) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| vec![Problem::error(path.clone(), format!("cannot read: {e}"))])?;
            scenario::parse_json(&text)?
        }
    };
    if let Some(x) = seed {
        s.seed = x;
    }
    if let Some(h) = horizon {
        s.horizon = h;
    }
    if let Some(m) = mode {
        s.fidelity = m;
    }
    let compiled = scenario::compile(&s)?;
    for w in &compiled.warnings {
        eprintln!("{w}");
    }
    let report = sim::run(compiled.config);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(t) => println!("{t}"),
            Err(e) => return Err(usage(format!("cannot serialize the report: {e}"))),
        }
    } else {
        print!("{}", summary(&report));
    }
    Ok(())
}

fn dur(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 120.0 {
        format!("{s:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86_400.0)
    }
}

/// A readable summary of a report.
fn summary(r: &Report) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "scenario {}  seed {}  {} level  horizon {}  ({} events)",
        r.scenario,
        r.seed,
        r.fidelity,
        dur(r.horizon_s),
        r.events
    );
    let _ = writeln!(o);
    let a = &r.availability;
    let _ = writeln!(
        o,
        "  availability (requests)  {:.5} %   {:.2} nines   downtime/yr {}",
        a.request * 100.0,
        a.nines,
        dur(a.downtime_per_year_s)
    );
    let _ = writeln!(o, "  availability (time)      {:.5} %", a.time * 100.0);
    let q = &r.requests;
    let _ = writeln!(
        o,
        "  requests                 offered {}  served {}  failed {}  retried {}",
        q.offered, q.served, q.failed, q.retried
    );
    for (c, n) in &q.failed_by_cause {
        let _ = writeln!(o, "      {c:<22} {n}");
    }
    let s = &r.sessions;
    let _ = writeln!(
        o,
        "  sessions                 started {}  finished {}  lost {}  active {}",
        s.started, s.finished, s.lost, s.active
    );
    for (c, n) in &s.lost_by_cause {
        let _ = writeln!(o, "      {c:<22} {n}");
    }
    let w = &r.writes;
    let _ = writeln!(
        o,
        "  writes                   attempted {}  acknowledged {}  lost {}  max RPO {}",
        w.attempted,
        w.acknowledged,
        w.lost,
        dur(w.max_rpo_s)
    );
    if r.fidelity == "request" {
        let l = &r.latency_ms;
        let _ = writeln!(
            o,
            "  latency                  p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms  mean {:.1} ms",
            l.p50, l.p95, l.p99, l.mean
        );
    }
    let _ = writeln!(o);
    if r.incidents.is_empty() {
        let _ = writeln!(o, "  no incidents");
    } else {
        let _ = writeln!(
            o,
            "  {:<16} {:<18} {:>10} {:>10} {:>9} {:>8} {:>8} {:>9}  recovery",
            "trigger", "component", "start", "RTO", "failed", "sess.lost", "wr.lost", "RPO"
        );
        for i in r.incidents.iter().take(50) {
            let _ = writeln!(
                o,
                "  {:<16} {:<18} {:>10} {:>10} {:>9} {:>8} {:>8} {:>9}  {}",
                i.trigger,
                i.component,
                dur(i.start_s),
                dur(i.rto_s),
                i.requests_failed,
                i.sessions_lost,
                i.writes_lost,
                dur(i.rpo_s),
                i.recovery
            );
        }
        if r.incidents.len() > 50 {
            let _ = writeln!(o, "  ... and {} more", r.incidents.len() - 50);
        }
    }
    let _ = writeln!(o, "\n  digest {}", r.digest);
    o
}

/// The documented benchmark model (request level): LB pair → 4 web → 4 app (buddy replication)
/// → database with a hot replica; 200 sessions/s × 20 requests (4 000 req/s), 10 % writes, with a
/// crash of one app node and a database failover.
pub const BENCH_REQUEST: &str = r#"{ "version": 1, "name": "bench-request", "seed": 1, "horizon": "1h",
  "traffic": { "entry": ["lb"], "sessions_per_s": 200, "session_duration": "5m", "requests_per_session": 20, "write_share": 0.1 },
  "components": [
    { "id": "lb", "next": ["web"], "spec": { "load_balancer": { "mode": "active_passive", "sticky": true } } },
    { "id": "web", "next": ["app"], "spec": { "web": { "nodes": 4 } } },
    { "id": "app", "next": ["db"], "spec": { "app": { "nodes": 4, "sessions": "buddy" } } },
    { "id": "db", "spec": { "database": { "replicas": [{ "standby": "hot" }], "replication": "async",
      "capacity": { "workers": 200, "service_time": "5ms", "queue_limit": 1000 } } } } ],
  "faults": [ { "crash": { "at": "20m", "target": "app", "node": 1, "duration": "10m" } },
              { "crash": { "at": "40m", "target": "db", "node": 0 } } ] }"#;

/// The twin model, also written in SimPy (`bench/simpy_twin.py`): the benchmark model without
/// faults, for a like-for-like speed comparison.
const BENCH_TWIN: &str = r#"{ "version": 1, "name": "bench-twin", "seed": 1, "horizon": "60s",
  "traffic": { "entry": ["lb"], "sessions_per_s": 200, "session_duration": "5m", "requests_per_session": 20, "write_share": 0.1 },
  "components": [
    { "id": "lb", "next": ["web"], "spec": { "load_balancer": { "sticky": true } } },
    { "id": "web", "next": ["app"], "spec": { "web": { "nodes": 4 } } },
    { "id": "app", "next": ["db"], "spec": { "app": { "nodes": 4, "sessions": "buddy" } } },
    { "id": "db", "spec": { "database": { "capacity": { "workers": 200, "service_time": "5ms", "queue_limit": 1000 } } } } ] }"#;

const SIMPY_TWIN: &str = include_str!("../../bench/simpy_twin.py");

/// Runs the SimPy twin (needs `python3` with `simpy`); prints both results side by side.
fn bench_twin() {
    use std::time::Instant;
    let Ok(s) = scenario::parse_json(BENCH_TWIN) else {
        return;
    };
    let cfg = scenario::compile::build_config(&s);
    let t = Instant::now();
    let r = sim::run(cfg);
    let rust_s = t.elapsed().as_secs_f64();
    println!(
        "twin (Rust)    {:>9} requests  mean latency {:>6.2} ms  wall {:>8.3} ms",
        r.requests.offered,
        r.latency_ms.mean,
        rust_s * 1000.0
    );
    let out = std::process::Command::new("python3")
        .args(["-c", SIMPY_TWIN, "60", "200", "1"])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_default();
            let wall = v["wall_s"].as_f64().unwrap_or(0.0);
            println!(
                "twin (SimPy)   {:>9} requests  mean latency {:>6.2} ms  wall {:>8.3} ms",
                v["requests"].as_u64().unwrap_or(0),
                v["mean_latency_ms"].as_f64().unwrap_or(0.0),
                wall * 1000.0
            );
            if rust_s > 0.0 {
                println!("speed-up       {:.0}x", wall / rust_s);
            }
        }
        _ => println!("twin (SimPy)   skipped: needs `python3` with `simpy` (pip install simpy)"),
    }
}

/// The flow-level benchmark: a 20-component two-site topology with random failures, one year.
fn bench_flow_json() -> String {
    let mut comps = Vec::new();
    for site in ["a", "b"] {
        comps.push(format!(r#"{{ "id": "lb_{site}", "site": "{site}", "next": ["web_{site}"], "failure": {{ "mtbf": "120d", "mttr": "1h" }}, "spec": {{ "load_balancer": {{ "mode": "active_passive", "sticky": true }} }} }}"#));
        comps.push(format!(r#"{{ "id": "web_{site}", "site": "{site}", "next": ["app_{site}"], "failure": {{ "mtbf": "30d", "mttr": "2h" }}, "spec": {{ "web": {{ "nodes": 3 }} }} }}"#));
        comps.push(format!(r#"{{ "id": "app_{site}", "site": "{site}", "next": ["cache_{site}"], "failure": {{ "mtbf": "20d", "mttr": "1h", "repair": {{ "lognormal": {{ "sigma": 0.7 }} }} }}, "spec": {{ "app": {{ "nodes": 4, "sessions": "buddy" }} }} }}"#));
        comps.push(format!(r#"{{ "id": "cache_{site}", "site": "{site}", "next": ["search_{site}"], "failure": {{ "mtbf": "60d", "mttr": "30m" }}, "spec": {{ "cache": {{ "nodes": 2 }} }} }}"#));
        comps.push(format!(r#"{{ "id": "search_{site}", "site": "{site}", "next": ["docs_{site}"], "failure": {{ "mtbf": "60d", "mttr": "1h" }}, "spec": {{ "search_index": {{}} }} }}"#));
        comps.push(format!(r#"{{ "id": "docs_{site}", "site": "{site}", "next": ["db"], "failure": {{ "mtbf": "60d", "mttr": "1h" }}, "spec": {{ "doc_store": {{}} }} }}"#));
        comps.push(format!(r#"{{ "id": "mq_{site}", "site": "{site}", "failure": {{ "mtbf": "90d", "mttr": "1h" }}, "spec": {{ "queue": {{ "standby": true }} }} }}"#));
        comps.push(format!(r#"{{ "id": "extra1_{site}", "site": "{site}", "failure": {{ "mtbf": "90d", "mttr": "1h" }}, "spec": {{ "web": {{}} }} }}"#));
        comps.push(format!(r#"{{ "id": "extra2_{site}", "site": "{site}", "failure": {{ "mtbf": "90d", "mttr": "1h" }}, "spec": {{ "web": {{}} }} }}"#));
    }
    comps.push(r#"{ "id": "db", "site": "a", "failure": { "mtbf": "90d", "mttr": "4h" }, "spec": { "database": { "replicas": [{ "site": "b", "standby": "hot" }], "replication": "async" } } }"#.to_string());
    comps.push(r#"{ "id": "monitor", "site": "b", "failure": { "mtbf": "90d", "mttr": "1h" }, "spec": { "web": {} } }"#.to_string());
    format!(
        r#"{{ "version": 1, "name": "bench-flow", "seed": 1, "horizon": "365d", "fidelity": "flow",
          "sites": [ {{ "id": "a" }}, {{ "id": "b", "kind": "regional" }} ],
          "routing": {{ "dns": {{ "ttl": "5m", "detection": "1m", "stale_share": 0.05, "stale_for": "1h", "active_active": true }} }},
          "traffic": {{ "entry": ["lb_a", "lb_b"], "sessions_per_s": 50, "requests_per_session": 20,
                       "profile": {{ "daily": {{ "peak": 2, "trough": 0.3, "peak_at": "14h" }} }} }},
          "components": [ {} ],
          "faults": [ {{ "site_outage": {{ "at": "100d", "site": "a", "duration": "2h" }} }} ] }}"#,
        comps.join(",\n")
    )
}

fn bench(args: &[String]) {
    use std::time::Instant;
    let reps: u32 = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let cases = [
        ("request level", BENCH_REQUEST.to_string()),
        ("flow level", bench_flow_json()),
    ];
    for (name, json) in cases {
        let s = match scenario::parse_json(&json) {
            Ok(s) => s,
            Err(p) => {
                eprintln!("bench model does not parse: {p:?}");
                return;
            }
        };
        let cfg = scenario::compile::build_config(&s);
        let mut best = f64::INFINITY;
        let mut report = None;
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            let r = sim::run(cfg.clone());
            best = best.min(t.elapsed().as_secs_f64());
            report = Some(r);
        }
        let Some(r) = report else { return };
        println!(
            "{name:<14} {:>12} events in {:>9.3} ms  = {:>8.2} M events/s   ({} simulated, {} requests, availability {:.6}, digest {})",
            r.events,
            best * 1000.0,
            r.events as f64 / best / 1e6,
            dur(r.horizon_s),
            r.requests.offered,
            r.availability.request,
            r.digest
        );
    }
    bench_twin();
}
