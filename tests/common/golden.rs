// Reference runs whose digests are pinned in `tests/golden/digests.txt`. Shared by the native
// test (`tests/sim_golden.rs`) and the browser test (`tests/web.rs`): equal digests there prove
// the engine is bit-identical natively and in wasm.

use failover_lab::scenario::{self, builtins, Dur};

/// Simulated time of each reference run: short enough for a debug wasm build in Chromium.
pub const REFERENCE_HORIZON: Dur = Dur::mins(10);

/// `(name, digest)` for every built-in, run for [`REFERENCE_HORIZON`] at its own seed.
pub fn reference_digests() -> Vec<(String, String)> {
    builtins::all()
        .iter()
        .map(|b| {
            let mut s = b.scenario();
            s.horizon = REFERENCE_HORIZON;
            let compiled = scenario::compile(&s)
                .unwrap_or_else(|p| panic!("{} does not compile: {p:?}", b.name));
            let report = failover_lab::sim::run(compiled.config);
            (b.name.to_string(), report.digest)
        })
        .collect()
}

/// The pinned digests, parsed from `name digest` lines.
pub fn pinned(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            (
                parts.next().unwrap_or("").to_string(),
                parts.next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

pub const PINNED: &str = include_str!("../golden/digests.txt");
