//! Fuzz target: a scenario file. Parsing and validation must report problems with their paths,
//! never panic and stay bounded; a scenario that compiles must survive a link round trip.
#![no_main]

use failover_lab::scenario::{self, link};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(s) = scenario::parse_json(text) else { return };
    if scenario::compile(&s).is_ok() {
        let shared = link::Shared {
            scenario: s.clone(),
            seed: 7,
            engine_version: String::new(),
        };
        let back = link::decode(&link::encode(&shared)).expect("a compiled scenario's own link decodes");
        assert_eq!(
            serde_json::to_value(&back.scenario).unwrap(),
            serde_json::to_value(&s).unwrap(),
            "a link gives back the scenario it was made of"
        );
    }
});
