//! `failover-lab-bench`: the performance figures of bench/README.md (run by `./dev bench`).
//!
//! ```text
//! failover-lab-bench run [--runs N] [--model FILE] [--flow FILE] [--out FILE]
//!                        [--python PY --twin FILE --twin-horizon SECONDS] [--build LABEL]
//! failover-lab-bench summary --native FILE [--plain FILE] [--wasm FILE]
//! failover-lab-bench train
//! failover-lab-bench exact [--flow FILE]
//! ```
//!
//! `run` times the request-level benchmark model natively (median of N runs), times the
//! flow-level year, runs the SimPy twin (when `--python` is given) and prints the comparison;
//! `--out` saves everything as JSON. `summary` prints the final table from that JSON and the wasm
//! figures (the `WASM_BENCH` line of `tests/wasm_bench.rs`). `train` runs every built-in
//! scenario at both fidelities: the workload of the profile-guided build (bench/README.md), which
//! leaves the benchmark models out on purpose. `exact` times `failover_lab::exact` on the
//! flow-level year's scenario and a 10⁵-state chain. Wall-clock time is read here only,
//! never in the simulation core. Native only (a stub on wasm32).
//!
//! The modules: `args` (the command line), `clock` (CPU time, load, medians), `run` (the `run`
//! and `train` commands, request level), `flow` (the flow-level year), `twin` (the SimPy twin and
//! the comparison), `summary` (the final table).

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod clock;
#[cfg(not(target_arch = "wasm32"))]
mod exact;
#[cfg(not(target_arch = "wasm32"))]
mod flow;
#[cfg(not(target_arch = "wasm32"))]
mod run;
#[cfg(not(target_arch = "wasm32"))]
mod summary;
#[cfg(not(target_arch = "wasm32"))]
mod twin;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let args = match args::parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}\n");
            }
            eprint!("{}", args::HELP);
            return ExitCode::from(2);
        }
    };
    let result = match args.cmd.as_str() {
        "run" => run::run(&args),
        "summary" => summary::summary(&args),
        "train" => run::train(),
        "exact" => exact::exact(&args.flow),
        other => Err(format!("unknown command `{other}`\n\n{}", args::HELP)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
