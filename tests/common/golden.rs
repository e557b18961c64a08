// Reference runs whose digests are pinned in `tests/golden/digests.txt`. Shared by the native
// test (`tests/sim_golden.rs`) and the browser test (`tests/web.rs`): equal digests there prove
// the engine is bit-identical natively and in wasm.

use failover_lab::scenario::{self, builtins, Dur};

/// Simulated time of each reference run: short enough for a debug wasm build in Chromium.
pub const REFERENCE_HORIZON: Dur = Dur::mins(10);

/// `(name, digest)` for every built-in, run for [`REFERENCE_HORIZON`] at its own seed, and for
/// `golden/reference.json` (async replication: failed requests and lost writes), run as written.
pub fn reference_digests() -> Vec<(String, String)> {
    let mut runs: Vec<(String, scenario::Scenario)> = builtins::all()
        .iter()
        .map(|b| {
            let mut s = b.scenario();
            s.horizon = REFERENCE_HORIZON;
            (b.name.to_string(), s)
        })
        .collect();
    let reference = scenario::parse_json(include_str!("../golden/reference.json"))
        .expect("reference.json parses");
    runs.push(("reference".to_string(), reference));
    runs.into_iter()
        .map(|(name, s)| {
            let compiled =
                scenario::compile(&s).unwrap_or_else(|p| panic!("{name} does not compile: {p:?}"));
            let report = failover_lab::sim::run(compiled.config);
            assert!(
                report.requests.offered > 0,
                "{name}: a reference run carries traffic"
            );
            (name, report.digest)
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
