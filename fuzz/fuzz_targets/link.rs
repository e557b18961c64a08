//! Fuzz target: a share link's fragment, as a stranger could send it. Decoding must return a
//! scenario or a message, never panic, and never take unbounded time or memory (libFuzzer's
//! -timeout and -rss_limit_mb catch both); a decoded scenario must validate without panicking.
#![no_main]

use failover_lab::scenario::{self, link};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(shared) = link::decode(&text) {
        let _ = scenario::compile(&shared.scenario);
    }
});
