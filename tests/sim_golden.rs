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
