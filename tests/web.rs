//! Tests that run inside headless Chromium through wasm-bindgen-test (`./dev test` runs them with
//! `cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}

#[wasm_bindgen_test]
async fn app_mounts_with_header_and_layout() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<failover_lab::ui::App>::with_root(root.clone()).render();
    // Yew renders on the next tick.
    gloo_timers::future::TimeoutFuture::new(50).await;
    let brand = root
        .query_selector(".brand")
        .unwrap()
        .expect("the header brand");
    assert_eq!(brand.text_content().as_deref(), Some("Failover Lab"));
    for area in ["Topology", "Inspector", "Results"] {
        let selector = format!("[aria-label='{area}']");
        assert!(
            root.query_selector(&selector).unwrap().is_some(),
            "missing {area} area"
        );
    }
}

#[wasm_bindgen_test]
fn durations_parse_the_same_in_wasm() {
    use failover_lab::scenario::units::{format_micros, parse_micros};
    assert_eq!(parse_micros("1h30m"), Ok(5_400_000_000));
    assert_eq!(format_micros(315_360_000_000_000), "10y");
}

#[path = "common/golden.rs"]
mod golden;

#[wasm_bindgen_test]
fn reference_runs_give_the_native_digests() {
    // The same built-ins, seeds and horizon as `tests/sim_golden.rs`; the pinned digests come from
    // the native engine.
    assert_eq!(golden::reference_digests(), golden::pinned(golden::PINNED));
}

#[wasm_bindgen_test]
fn a_traced_run_in_wasm_gives_the_pinned_digest() {
    // The state trace (watch mode) is recorded in the worker; it must not change the digest.
    let pinned = golden::pinned(golden::PINNED);
    let mut s = failover_lab::scenario::builtins::get("liferay-reference")
        .unwrap()
        .scenario();
    s.horizon = golden::REFERENCE_HORIZON;
    let mut sim =
        failover_lab::sim::Simulation::new(failover_lab::scenario::compile(&s).unwrap().config);
    sim.enable_trace();
    sim.run_to_end();
    let r = sim.report();
    let trace = r.trace.as_ref().expect("a trace");
    assert!(!trace.entries.is_empty());
    let want = pinned
        .iter()
        .find(|(n, _)| n == "liferay-reference")
        .map(|p| &p.1);
    assert_eq!(Some(&r.digest), want);
}
