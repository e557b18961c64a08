//! Architecture invariants checked by reading the source: the simulation core stays browser-free
//! and deterministic.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Lines of code (comments stripped) in `src/<dir>` containing any of `needles`.
fn offending_lines(dir: &str, needles: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut hits = Vec::new();
    for file in rust_files(&root) {
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                if code.contains(needle) {
                    hits.push(format!(
                        "{}:{}: `{needle}` in: {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    hits
}

#[test]
fn core_names_no_browser_crate() {
    let hits = offending_lines(
        "sim",
        &[
            "web_sys",
            "js_sys",
            "wasm_bindgen",
            "gloo",
            "yew",
            "plotters",
        ],
    );
    assert!(
        hits.is_empty(),
        "the simulation core must stay browser-free:\n{}",
        hits.join("\n")
    );
}

#[test]
fn core_is_deterministic_by_construction() {
    let hits = offending_lines(
        "sim",
        &[
            "HashMap",
            "HashSet",
            "Instant",
            "SystemTime",
            "thread_rng",
            "SmallRng",
            "StdRng",
            "getrandom",
            "DefaultHasher",
        ],
    );
    assert!(
        hits.is_empty(),
        "the simulation core must not use hash-map iteration, clocks or OS randomness:\n{}",
        hits.join("\n")
    );
}

#[test]
fn scenario_layer_names_no_browser_crate() {
    let hits = offending_lines(
        "scenario",
        &["web_sys", "js_sys", "wasm_bindgen", "gloo", "yew::"],
    );
    assert!(
        hits.is_empty(),
        "the scenario layer must stay browser-free:\n{}",
        hits.join("\n")
    );
}

#[test]
fn only_web_and_ui_touch_the_browser() {
    for dir in ["report", "sim", "scenario"] {
        let hits = offending_lines(dir, &["web_sys::", "gloo::"]);
        assert!(
            hits.is_empty(),
            "{dir} must not touch the browser:\n{}",
            hits.join("\n")
        );
    }
}

#[test]
fn no_test_is_ignored() {
    // Built from pieces so that this file does not match itself.
    let attribute = ["#[", "ignore"].concat();
    let doctest = ["```", "ignore"].concat();
    let mut hits = Vec::new();
    for dir in ["src", "tests"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for file in rust_files(&root) {
            let text = fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.contains(&attribute) || line.contains(&doctest) {
                    hits.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "every test runs; remove or fix these:\n{}",
        hits.join("\n")
    );
}
