//! Request-level speed of the engine compiled to wasm, in headless Chromium (`./dev bench` runs
//! it; bench/README.md). It prints figures and asserts only correctness, never a timing: the
//! run must conserve requests and, when `./dev bench` passes the native run's digest at build time
//! (`BENCH_NATIVE_DIGEST`), give the bit-identical report.
#![cfg(all(target_arch = "wasm32", feature = "bench"))]

use failover_lab::scenario;
use failover_lab::sim::Simulation;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MODEL: &str = include_str!("../bench/model.json");
const RUNS: usize = 3;

/// Events per chunk: between chunks the test yields to the browser (so the page stays responsive
/// to the test runner's WebDriver polling); only the time inside chunks is counted. A chunk is
/// the same `step` loop as `run_to_end`.
const CHUNK_EVENTS: u32 = 1_000_000;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

#[wasm_bindgen_test]
async fn request_level_speed_in_the_browser() {
    let scenario = scenario::parse_json(MODEL).expect("bench/model.json parses");
    let config = scenario::compile(&scenario)
        .expect("bench/model.json compiles")
        .config;
    let mut walls = Vec::new();
    let mut last = None;
    for run in 0..RUNS {
        let mut busy_ms = 0.0;
        let t0 = now_ms();
        let mut sim = Simulation::new(config.clone());
        busy_ms += now_ms() - t0;
        let mut running = true;
        while running {
            let t0 = now_ms();
            for _ in 0..CHUNK_EVENTS {
                if !sim.step() {
                    running = false;
                    break;
                }
            }
            busy_ms += now_ms() - t0;
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let wall_s = busy_ms / 1000.0;
        let events = sim.events();
        console_log!(
            "wasm run {}: {} events in {:.3} s = {:.2} M events/s",
            run + 1,
            events,
            wall_s,
            events as f64 / wall_s / 1e6
        );
        walls.push(wall_s);
        last = Some(sim);
    }
    let sim = last.expect("at least one run");
    let report = sim.report();
    let r = &report.requests;
    assert_eq!(r.offered, r.served + r.failed, "requests are conserved");
    assert!(r.served > 0, "the model serves requests");
    if let Some(digest) = option_env!("BENCH_NATIVE_DIGEST") {
        assert_eq!(
            report.digest, digest,
            "wasm and native give the same report"
        );
    }
    walls.sort_by(f64::total_cmp);
    let median = walls[walls.len() / 2];
    let best = walls[0];
    let events = sim.events();
    // One machine-readable line for `./dev bench` (grep WASM_BENCH).
    console_log!(
        "WASM_BENCH {{\"runs\":{},\"events\":{},\"wall_s\":{},\"events_per_s\":{},\"best_events_per_s\":{},\"digest\":\"{}\",\"served\":{},\"user_agent\":{}}}",
        RUNS,
        events,
        median,
        events as f64 / median,
        events as f64 / best,
        report.digest,
        r.served,
        serde_json::to_string(&user_agent()).unwrap_or_default()
    );
}

fn user_agent() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default()
}
