//! The command line of `failover-lab-bench`: its usage text and the parsed options.

pub const HELP: &str = "\
failover-lab-bench: performance figures (bench/README.md)

USAGE:
    failover-lab-bench run [--runs N] [--model FILE] [--flow FILE] [--out FILE]
                           [--python PY --twin FILE --twin-horizon SECONDS] [--build LABEL]
    failover-lab-bench run --only request|flow [...]   (one level, no SimPy; for profiling)
    failover-lab-bench summary --native FILE [--plain FILE] [--wasm FILE]
    failover-lab-bench train      (every built-in scenario, both fidelities: the PGO workload)
    failover-lab-bench exact [--flow FILE]   (the exact model: the flow year solved, 10^5 states)
";

pub struct Args {
    pub cmd: String,
    pub runs: usize,
    pub model: String,
    pub flow: String,
    pub out: Option<String>,
    pub python: Option<String>,
    pub twin: String,
    pub twin_horizon: f64,
    pub native: Option<String>,
    pub wasm: Option<String>,
    pub only: Option<String>,
    /// What build this binary is ("plain release", "profile-guided release"), for the report.
    pub build: String,
    /// `summary`: the request-level figures of the plain build, beside a profile-guided one.
    pub plain: Option<String>,
}

/// The options from the command line; `Err("")` asks for the usage text (`-h`, `--help`).
pub fn parse_args() -> Result<Args, String> {
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
