#![cfg(target_arch = "wasm32")]
//! The reference run's digest computed in the browser equals the native one
//! (`tests/sim.rs::REFERENCE_DIGEST`): `wasm-pack test --headless --chrome`.

use failover_lab::{scenario, sim};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const REFERENCE_DIGEST: &str = "000fc0ccb94da21f";

#[wasm_bindgen_test]
fn digest_matches_native() {
    let s = scenario::parse_json(include_str!("reference.json")).expect("reference parses");
    let r = sim::run(scenario::compile::build_config(&s));
    assert_eq!(r.digest, REFERENCE_DIGEST);
}
