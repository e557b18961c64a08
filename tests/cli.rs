//! The native command-line binary, driven as a user would.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_failover-lab"))
        .args(args)
        .output()
        .expect("run failover-lab")
}

#[test]
fn version_prints_the_engine_version() {
    let out = cli(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("failover-lab {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_the_run_command() {
    let out = cli(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("USAGE"), "{text}");
    assert!(text.contains("run"), "{text}");
}

#[test]
fn unknown_command_exits_with_status_2() {
    let out = cli(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown command"));
}

/// Runs `failover-lab run` on `json` written to a file; the output must be refused (status 2)
/// with every listed message on stderr, and no panic.
fn refused(name: &str, json: &str, messages: &[&str]) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, json).expect("write scenario");
    let out = cli(&["run", path.to_str().expect("utf-8 path")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    for m in messages {
        assert!(err.contains(m), "{name}: `{m}` not in {err}");
    }
}

#[test]
fn the_worst_inputs_exit_with_status_2_and_a_message() {
    refused("not-json", "{ \"version\": 1, ", &["error"]);
    refused(
        "nan-and-huge",
        r#"{ "version": 1, "name": "x", "horizon": "99999y", "traffic": { "entry": ["web"], "sessions_per_s": -1, "write_share": 7 },
            "components": [ { "id": "web", "spec": { "web": { "nodes": 4294967295 } } } ] }"#,
        &[
            "horizon: 99999y is too long",
            "traffic.sessions_per_s: must be a finite number ≥ 0",
            "traffic.write_share: must be a share between 0 and 1",
            "components[0].spec.web.nodes: 4294967295 nodes; the limit is 1000",
        ],
    );
    refused(
        "flow-overflow",
        r#"{ "version": 1, "name": "x", "horizon": "100y", "fidelity": "flow", "metrics": { "window": "1y" },
            "traffic": { "entry": ["web"], "sessions_per_s": 1e300, "requests_per_session": 1e300 },
            "components": [ { "id": "web", "spec": { "web": {} } } ] }"#,
        &["traffic.sessions_per_s: about inf requests over the horizon at flow level"],
    );
    refused(
        "spikes",
        r#"{ "version": 1, "name": "x", "horizon": "1h", "traffic": { "entry": ["web"] },
            "components": [ { "id": "web", "spec": { "web": {} } } ],
            "faults": [ { "traffic_spike": { "at": "1m", "factor": 1e6, "duration": "1m" } },
                        { "traffic_spike": { "at": "1m", "factor": 1e6, "duration": "1m" } } ] }"#,
        &["counting overlapping traffic spikes"],
    );
    refused(
        "random-failures",
        r#"{ "version": 1, "name": "x", "horizon": "100y", "fidelity": "flow", "metrics": { "window": "1y" },
            "traffic": { "entry": ["web"] },
            "components": [ { "id": "web", "failure": { "mtbf": "1us", "mttr": "1us" }, "spec": { "web": { "nodes": 1000 } } } ] }"#,
        &["components[0].failure.mtbf: about"],
    );
}
