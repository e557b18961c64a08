//! The native command-line interface to the simulation core.

use failover_lab::scenario::{self, Problem, Scenario};
use failover_lab::sim::{self, Report};
use std::process::ExitCode;

const HELP: &str = "\
failover-lab: simulate fault-tolerant architectures from the command line

USAGE:
    failover-lab run <scenario.json> [--seed N] [--horizon DURATION] [--mode request|flow] [--json]
    failover-lab run --builtin NAME [options]
    failover-lab help

Benchmarks: ./dev bench (the failover-lab-bench binary, see bench/README.md).

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
    if r.fidelity == sim::Fidelity::Request {
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
