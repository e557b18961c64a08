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
    assert!(text.contains("Usage: failover-lab <COMMAND>"), "{text}");
    assert!(text.contains("run"), "{text}");
    assert!(text.contains("./dev bench"), "{text}");
    // `help` and no arguments at all show it too (the latter as a usage error).
    let out = cli(&["help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: failover-lab <COMMAND>"));
    let out = cli(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: failover-lab <COMMAND>"));
}

#[test]
fn every_subcommand_has_its_help() {
    for args in [&["run", "--help"][..], &["help", "run"], &["run", "-h"]] {
        let out = cli(args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("Usage: failover-lab run"), "{text}");
        for flag in [
            "--seed <N>",
            "--horizon <DURATION>",
            "--mode <MODE>",
            "--json",
            "--builtin <NAME>",
            "--progress",
            "[possible values: request, flow]",
        ] {
            assert!(text.contains(flag), "{flag} in {text}");
        }
        assert!(
            !text.contains("--progress-every-ms"),
            "a hidden test knob: {text}"
        );
    }
}

#[test]
fn unknown_command_exits_with_status_2() {
    let out = cli(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand 'frobnicate'"));
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
    // Issue 13: a repeated key used to run with the last value; a missing top-level field had
    // an empty location.
    refused(
        "duplicate-key",
        r#"{ "version": 1, "name": "x", "horizon": "bogus", "horizon": "10m", "traffic": { "entry": ["web"] },
            "components": [ { "id": "web", "spec": { "web": {} } } ] }"#,
        &["error: horizon: duplicate key"],
    );
    refused(
        "missing-traffic",
        r#"{ "version": 1, "name": "x", "horizon": "10m", "components": [] }"#,
        &["error: (root): missing field `traffic`"],
    );
    refused(
        "random-failures",
        r#"{ "version": 1, "name": "x", "horizon": "100y", "fidelity": "flow", "metrics": { "window": "1y" },
            "traffic": { "entry": ["web"] },
            "components": [ { "id": "web", "failure": { "mtbf": "1us", "mttr": "1us" }, "spec": { "web": { "nodes": 1000 } } } ] }"#,
        &["components[0].failure.mtbf: about"],
    );
}

fn stderr_of(args: &[&str]) -> String {
    let out = cli(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_arguments_exit_with_status_2_and_say_why() {
    let err = stderr_of(&["run", "--builtin", "liferay-reference", "--horizon", "soon"]);
    assert!(
        err.contains("`soon` is not a duration (e.g. 90s, 15m, 6h, 30d, 10y)"),
        "{err}"
    );
    let err = stderr_of(&["run", "--builtin", "liferay-reference", "--mode", "fast"]);
    assert!(
        err.contains("invalid value 'fast'") && err.contains("request, flow"),
        "{err}"
    );
    let err = stderr_of(&["run", "--builtin", "liferay-reference", "--seed", "x"]);
    assert!(err.contains("invalid value 'x' for '--seed <N>'"), "{err}");
    let err = stderr_of(&["run", "--builtin", "liferay-reference", "--seed"]);
    assert!(
        err.contains("a value is required for '--seed <N>'"),
        "{err}"
    );
    let err = stderr_of(&["run", "--frob"]);
    assert!(err.contains("unexpected argument '--frob'"), "{err}");
    let err = stderr_of(&["run"]);
    assert!(
        err.contains("required arguments were not provided"),
        "{err}"
    );
    let err = stderr_of(&["run", "a.json", "--builtin", "liferay-reference"]);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = stderr_of(&["run", "a.json", "b.json"]);
    assert!(err.contains("unexpected argument 'b.json'"), "{err}");
    let err = stderr_of(&["run", "--builtin", "nope"]);
    assert!(
        err.contains("error: --builtin: no built-in scenario `nope` (have: liferay-reference,"),
        "{err}"
    );
    let err = stderr_of(&["run", "/nonexistent/x.json"]);
    assert!(
        err.contains("error: /nonexistent/x.json: cannot read:"),
        "{err}"
    );
}

#[test]
fn an_endless_or_huge_file_is_refused_after_the_limit() {
    // /dev/zero never ends: at most 4 MiB + 1 byte is read.
    if std::path::Path::new("/dev/zero").exists() {
        let err = stderr_of(&["run", "/dev/zero"]);
        assert!(
            err.contains(
                "error: /dev/zero: more than 4194304 bytes; the limit is 4194304 bytes (4 MiB)"
            ),
            "{err}"
        );
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let big = dir.join("big.json");
    std::fs::write(&big, vec![b' '; 4 * 1024 * 1024 + 1]).expect("write");
    let err = stderr_of(&["run", big.to_str().unwrap()]);
    assert!(err.contains("more than 4194304 bytes"), "{err}");
    // Exactly at the limit it is read (and then it is not JSON).
    std::fs::write(&big, vec![b' '; 4 * 1024 * 1024]).expect("write");
    let err = stderr_of(&["run", big.to_str().unwrap()]);
    assert!(err.contains("not valid JSON"), "{err}");
    let bin = dir.join("binary.json");
    std::fs::write(&bin, [b'{', 0xff]).expect("write");
    let err = stderr_of(&["run", bin.to_str().unwrap()]);
    assert!(
        err.contains("not UTF-8 text (byte 2 is not valid)"),
        "{err}"
    );
}

fn report_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

/// The README's two commands.
#[test]
fn the_readme_commands_work() {
    let out = cli(&["run", "--builtin", "liferay-reference"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "scenario ",
        "availability (requests)",
        "nines",
        "downtime/yr",
        "requests ",
        "offered ",
        "sessions ",
        "writes ",
        "latency ",
        "digest ",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("my-scenario.json");
    let json = failover_lab::scenario::builtins::get("liferay-reference")
        .unwrap()
        .json();
    std::fs::write(&path, json).expect("write");
    let r = report_of(&cli(&[
        "run",
        path.to_str().unwrap(),
        "--seed",
        "7",
        "--horizon",
        "6h",
        "--json",
    ]));
    assert_eq!(r["seed"], 7);
    assert_eq!(r["horizon_s"], 21_600.0);
    let r = report_of(&cli(&[
        "run",
        path.to_str().unwrap(),
        "--mode",
        "flow",
        "--horizon",
        "10m",
        "--json",
    ]));
    assert_eq!(r["fidelity"], "flow");
}

/// Progress goes to stderr, and running in chunks for it does not change the report.
#[test]
fn progress_goes_to_stderr_and_leaves_the_report_unchanged() {
    let args = [
        "run",
        "--builtin",
        "liferay-reference",
        "--horizon",
        "45m",
        "--json",
    ];
    let plain = cli(&args);
    let quiet = String::from_utf8_lossy(&plain.stderr);
    assert!(
        !quiet.contains("simulated"),
        "no progress unless asked (stderr is not a terminal here): {quiet}"
    );
    let mut with = args.to_vec();
    with.extend(["--progress", "--progress-every-ms", "0"]);
    let progress = cli(&with);
    assert_eq!(report_of(&plain)["digest"], report_of(&progress)["digest"]);
    let err = String::from_utf8_lossy(&progress.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("warning: "))
        .collect();
    assert!(lines.len() > 1, "{err}");
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("simulated 45m of 45m (100 %)"),
        "{err}"
    );
    assert!(
        lines.iter().all(|l| l.starts_with("simulated ")
            && l.contains(" of 45m (")
            && l.contains(" events/s · ")),
        "{err}"
    );
}
