#![cfg(not(target_arch = "wasm32"))]
//! Scenario layer: parsing, validation, share links, the built-in library and the JSON Schema.

use failover_lab::scenario::{builtins, link, parse_json, validate, Severity};

#[test]
fn builtins_report() {
    for b in builtins::all() {
        let s = b.scenario();
        let problems = validate::validate(&s);
        let link = link::encode(&link::Shared {
            scenario: s.clone(),
            seed: s.seed,
            engine_version: failover_lab::ENGINE_VERSION.into(),
        });
        println!("{} link {} chars", b.name, link.len() + 3);
        for p in &problems {
            println!("   {p}");
        }
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
        let _ = parse_json;
    }
}
