//! The digests of the reference runs are pinned: a change means the engine's results changed.
//! If that is intended, regenerate with `UPDATE_GOLDEN=1 cargo test --test sim_golden` and say
//! why in the commit. `tests/web.rs` checks the same digests inside Chromium.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/golden.rs"]
mod golden;

#[test]
fn reference_digests_are_pinned() {
    let actual = golden::reference_digests();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let mut text = String::from("# name digest: see tests/common/golden.rs\n");
        for (name, digest) in &actual {
            text.push_str(&format!("{name} {digest}\n"));
        }
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/digests.txt"),
            text,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        actual,
        golden::pinned(golden::PINNED),
        "engine results changed (see this file's doc to regenerate)"
    );
}

#[test]
fn a_run_repeats_bit_identically() {
    assert_eq!(golden::reference_digests(), golden::reference_digests());
}

#[test]
fn a_report_taken_from_a_finished_run_equals_the_one_it_shows() {
    // `into_report` moves the metrics into the report instead of copying them: field for field
    // the same report, incidents included (the built-ins' scripted and random faults over a day)
    let mut with_incidents = 0;
    for b in failover_lab::scenario::builtins::all() {
        let mut s = b.scenario();
        s.horizon = failover_lab::scenario::Dur::hours(24);
        let cfg = failover_lab::scenario::compile(&s).unwrap().config;
        let mut sim = failover_lab::sim::Simulation::new(cfg);
        sim.run_to_end();
        let shown = sim.report();
        with_incidents += usize::from(!shown.incidents.is_empty());
        assert_eq!(sim.into_report(), shown, "{}", b.name);
    }
    assert!(
        with_incidents >= 3,
        "{with_incidents} built-ins with incidents"
    );
}
