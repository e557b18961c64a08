//! `failover-lab-bench`: the performance figures of bench/README.md (run by `./dev bench`).
//!
//! ```text
//! failover-lab-bench run [--runs N] [--model FILE] [--flow FILE] [--out FILE]
//!                        [--python PY --twin FILE --twin-horizon SECONDS] [--build LABEL]
//! failover-lab-bench summary --native FILE [--plain FILE] [--wasm FILE]
//! failover-lab-bench train
//! ```
//!
//! `run` times the request-level benchmark model natively (median of N runs), times the
//! flow-level year, runs the SimPy twin (when `--python` is given) and prints the comparison;
//! `--out` saves everything as JSON. `summary` prints the final table from that JSON and the wasm
//! figures (the `WASM_BENCH` line of `tests/wasm_bench.rs`). `train` runs every built-in
//! scenario at both fidelities: the workload of the profile-guided build (bench/README.md), which
//! leaves the benchmark models out on purpose. Wall-clock time is read here only,
//! never in the simulation core. Native only (a stub on wasm32).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use failover_lab::scenario;
    use failover_lab::sim::{Config, Simulation};
    use serde_json::{json, Value};
    use std::process::{Command, ExitCode};
    use std::time::Instant;

    const HELP: &str = "\
failover-lab-bench: performance figures (bench/README.md)

USAGE:
    failover-lab-bench run [--runs N] [--model FILE] [--flow FILE] [--out FILE]
                           [--python PY --twin FILE --twin-horizon SECONDS] [--build LABEL]
    failover-lab-bench run --only request|flow [...]   (one level, no SimPy; for profiling)
    failover-lab-bench summary --native FILE [--plain FILE] [--wasm FILE]
    failover-lab-bench train      (every built-in scenario, both fidelities: the PGO workload)
";

    /// Agreement threshold: |difference| / combined standard error.
    const Z_AGREE: f64 = 3.0;

    struct Args {
        cmd: String,
        runs: usize,
        model: String,
        flow: String,
        out: Option<String>,
        python: Option<String>,
        twin: String,
        twin_horizon: f64,
        native: Option<String>,
        wasm: Option<String>,
        only: Option<String>,
        /// What build this binary is ("plain release", "profile-guided release"), for the report.
        build: String,
        /// `summary`: the request-level figures of the plain build, beside a profile-guided one.
        plain: Option<String>,
    }

    fn parse_args() -> Result<Args, String> {
        let mut a = Args {
            cmd: "run".into(),
            runs: 5,
            model: "bench/model.json".into(),
            flow: "bench/flow-year.json".into(),
            out: None,
            python: None,
            twin: "bench/simpy_twin.py".into(),
            twin_horizon: 120.0,
            native: None,
            wasm: None,
            only: None,
            build: "plain release".into(),
            plain: None,
        };
        let mut it = std::env::args().skip(1).peekable();
        if let Some(c) = it.peek() {
            if !c.starts_with('-') {
                a.cmd = it.next().unwrap_or_default();
            }
        }
        while let Some(flag) = it.next() {
            if flag == "-h" || flag == "--help" {
                return Err(String::new());
            }
            let v = it.next().ok_or(format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--runs" => a.runs = v.parse().map_err(|_| format!("--runs: `{v}`"))?,
                "--model" => a.model = v,
                "--flow" => a.flow = v,
                "--out" => a.out = Some(v),
                "--python" => a.python = Some(v),
                "--twin" => a.twin = v,
                "--twin-horizon" => {
                    a.twin_horizon = v.parse().map_err(|_| format!("--twin-horizon: `{v}`"))?
                }
                "--native" => a.native = Some(v),
                "--wasm" => a.wasm = Some(v),
                "--build" => a.build = v,
                "--plain" => a.plain = Some(v),
                "--only" if v == "request" || v == "flow" => a.only = Some(v),
                _ => return Err(format!("unknown option `{flag}`")),
            }
        }
        a.runs = a.runs.max(1);
        Ok(a)
    }

    pub fn main() -> ExitCode {
        let args = match parse_args() {
            Ok(a) => a,
            Err(e) => {
                if !e.is_empty() {
                    eprintln!("error: {e}\n");
                }
                eprint!("{HELP}");
                return ExitCode::from(2);
            }
        };
        let result = match args.cmd.as_str() {
            "run" => run(&args),
            "summary" => summary(&args),
            "train" => train(),
            other => Err(format!("unknown command `{other}`\n\n{HELP}")),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }

    /// The training workload of the profile-guided build: every built-in scenario at request
    /// and at flow level, at its own horizon and seed. Not the benchmark models: the profile
    /// comes from what users run, and the bench then measures a model it was not trained on.
    fn train() -> Result<(), String> {
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

    fn load(path: &str) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let sc = scenario::parse_json(&text).map_err(|p| problems(path, &p))?;
        let compiled = scenario::compile(&sc).map_err(|p| problems(path, &p))?;
        Ok(compiled.config)
    }

    fn problems(path: &str, p: &[scenario::Problem]) -> String {
        let lines: Vec<String> = p.iter().map(|x| format!("  {x}")).collect();
        format!("{path}:\n{}", lines.join("\n"))
    }

    /// CPU time of this thread in seconds (Linux `/proc`, 10 ms resolution), so that the figures
    /// also hold on a loaded machine: wall time counts the time other processes take the core.
    fn cpu_s() -> Option<f64> {
        let text = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        let rest = &text[text.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        // /proc reports in USER_HZ, 100 per second on Linux.
        Some((utime + stime) / 100.0)
    }

    fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "?".into())
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    fn run(a: &Args) -> Result<(), String> {
        let mut out = json!({});
        if a.only.as_deref() == Some("flow") {
            flow(&a.flow)?;
            return Ok(());
        }

        // ------------------------------------------------------------ request level, native
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
        let mut walls = Vec::new();
        let mut cpus = Vec::new();
        let mut last = None;
        for i in 0..a.runs {
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
        out["native"] = json!({
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
        });

        if a.only.is_none() {
            // -------------------------------------------------------- flow level, native
            out["flow"] = flow(&a.flow)?;
        }

        // ------------------------------------------------------------ SimPy twin
        if let (Some(py), None) = (&a.python, &a.only) {
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
            let simpy: Value =
                serde_json::from_slice(&o.stdout).map_err(|e| format!("SimPy twin output: {e}"))?;
            out["simpy"] = simpy;
            out["comparison"] = compare(&out["native"], &out["simpy"]);
        }

        if let Some(path) = &a.out {
            if let Some(dir) = std::path::Path::new(path).parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{path}: {e}"))?;
            }
            let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
            std::fs::write(path, text + "\n").map_err(|e| format!("{path}: {e}"))?;
            println!("(saved {path})");
        }
        Ok(())
    }

    fn flow(path: &str) -> Result<Value, String> {
        let config = load(path)?;
        let probe = failover_lab::sim::run(config.clone());
        println!(
            "== flow level, native: {path} ({} components, {} simulated s)",
            config.components.len(),
            probe.horizon_s
        );
        // The flow level is a stub until the engine implements it: it then carries no traffic.
        if probe.fidelity != failover_lab::sim::Fidelity::Flow || probe.requests.offered == 0 {
            println!(
                "   flow level: not implemented (the engine reports no traffic at flow level)"
            );
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

    fn f(v: &Value) -> f64 {
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
    fn compare(n: &Value, s: &Value) -> Value {
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

    fn summary(a: &Args) -> Result<(), String> {
        let path = a.native.as_deref().ok_or("summary needs --native FILE")?;
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let b: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        let read = |p: &Option<String>| -> Option<Value> {
            let p = p.as_deref()?;
            serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
        };
        let wasm = read(&a.wasm);
        let plain = read(&a.plain);
        let n = &b["native"];
        let build = n["build"].as_str().unwrap_or("plain release");
        let native_eps = f(&n["events_per_s"]);
        let yes = |ok: bool| if ok { "met" } else { "NOT met" };
        println!();
        println!("== summary (bench/README.md)");
        println!(
            "   {:<68} {:>10} {:>8}  result",
            "figure", "measured", "target"
        );
        let row = |name: &str, measured: String, target: &str, verdict: String| {
            println!("   {name:<68} {measured:>10} {target:>8}  {verdict}");
        };
        // The request-level rows of one build; the SimPy run is shared.
        let request_rows = |n: &Value, build: &str| {
            let (eps, cpu) = (f(&n["events_per_s"]), f(&n["events_per_cpu_s"]));
            row(
                &format!("request level, native, {build} (M events/s, wall)"),
                format!("{:.2}", eps / 1e6),
                ">= 10",
                yes(eps >= 10e6).into(),
            );
            row(
                &format!("request level, native, {build} (M events per CPU s)"),
                format!("{:.2}", cpu / 1e6),
                ">= 10",
                yes(cpu >= 10e6).into(),
            );
            if let Some(s) = b.get("simpy") {
                for (clock, key) in [
                    ("wall", "sim_s_per_wall_s"),
                    ("CPU time", "sim_s_per_cpu_s"),
                ] {
                    let x = f(&n[key]) / f(&s[key]);
                    row(
                        &format!("speedup over SimPy, {build} ({clock}, x)"),
                        format!("{x:.1}"),
                        ">= 100",
                        yes(x >= 100.0).into(),
                    );
                }
            }
        };
        request_rows(n, build);
        if let Some(p) = &plain {
            request_rows(
                &p["native"],
                p["native"]["build"].as_str().unwrap_or("plain"),
            );
            let same = p["native"]["digest"] == n["digest"];
            row(
                "both builds give the same report digest",
                if same { "yes".into() } else { "no".into() },
                "yes",
                yes(same).into(),
            );
        }
        match b.get("simpy") {
            Some(s) => {
                let c = &b["comparison"];
                row(
                    "SimPy twin (events/s)",
                    format!("{:.0}", f(&s["events_per_s"])),
                    "",
                    String::new(),
                );
                row(
                    "results agree with SimPy",
                    if c["agree"].as_bool() == Some(true) {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                    "yes",
                    yes(c["agree"].as_bool() == Some(true)).into(),
                );
            }
            None => row("SimPy twin", "not run".into(), "", String::new()),
        }
        let fl = &b["flow"];
        if fl["implemented"].as_bool() == Some(true) {
            let ms = f(&fl["ms_per_run"]);
            let cpu_ms = f(&fl["cpu_ms_per_run"]);
            row(
                "flow level, 20 components, 1 year (ms, wall)",
                format!("{ms:.3}"),
                "< 2",
                yes(ms < 2.0).into(),
            );
            row(
                "flow level, 20 components, 1 year (CPU ms)",
                format!("{cpu_ms:.3}"),
                "< 2",
                yes(cpu_ms < 2.0).into(),
            );
        } else {
            row(
                "flow level, 20 components, 1 year (ms)",
                "not implemented".into(),
                "< 2",
                "flow level: not implemented".into(),
            );
        }
        match wasm {
            Some(w) => {
                let eps = f(&w["events_per_s"]);
                let ratio = eps / native_eps;
                let same = w["digest"] == n["digest"];
                row(
                    "request level, wasm in Chromium (M events/s)",
                    format!("{:.2}", eps / 1e6),
                    "",
                    String::new(),
                );
                row(
                    &format!("wasm / native, {build} (wall, medians)"),
                    format!("{ratio:.2}"),
                    ">= 0.5",
                    yes(ratio >= 0.5).into(),
                );
                if let Some(p) = &plain {
                    let ratio = eps / f(&p["native"]["events_per_s"]);
                    row(
                        "wasm / native, plain release (wall, medians)",
                        format!("{ratio:.2}"),
                        ">= 0.5",
                        yes(ratio >= 0.5).into(),
                    );
                }
                row(
                    "wasm report digest = native digest",
                    if same { "yes".into() } else { "no".into() },
                    "yes",
                    yes(same).into(),
                );
            }
            None => row("wasm in Chromium", "not run".into(), "", String::new()),
        }
        Ok(())
    }
}
