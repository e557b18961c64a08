//! `failover-lab study` and `merge`, driven as a user (or a cluster's job script) would.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_failover-lab"))
        .args(args)
        .output()
        .expect("run failover-lab")
}

/// A flow-level month of a two-tier design whose every component fails at random.
fn scenario_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "failover-lab-study-{}-{name}.json",
        std::process::id()
    ));
    let json = r#"{ "version": 1, "name": "planning", "seed": 11, "horizon": "30d", "fidelity": "flow",
      "traffic": { "entry": ["lb"], "sessions_per_s": 5, "requests_per_session": 10 },
      "components": [
        { "id": "lb", "next": ["app"], "failure": { "mtbf": "30d", "mttr": "1h" },
          "spec": { "load_balancer": { "mode": "active_passive" } } },
        { "id": "app", "next": ["db"], "failure": { "mtbf": "10d", "mttr": "2h" },
          "spec": { "app": { "nodes": 3 } } },
        { "id": "db", "failure": { "mtbf": "20d", "mttr": "4h" },
          "spec": { "database": { "replicas": [ { "standby": "hot" } ] } } } ] }"#;
    std::fs::write(&path, json).unwrap();
    path
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "status {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON study report")
}

/// `failover-lab study FILE ARGS… --json`, its report.
fn study_json(file: &str, args: &[&str]) -> Value {
    let mut all = vec!["study", file];
    all.extend_from_slice(args);
    all.push("--json");
    json_of(&cli(&all))
}

/// The command was refused (status 2) with a message saying `says`.
fn refused(out: &Output, says: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(says), "{says}: {err}");
}

#[test]
fn a_study_reports_every_metric_with_its_interval_and_is_the_same_on_one_thread_or_two() {
    let f = scenario_file("threads");
    let f = f.to_str().unwrap();
    let one = study_json(f, &["--replications", "24", "--jobs", "1"]);
    let two = study_json(f, &["--replications", "24", "--jobs", "2"]);
    assert_eq!(one, two);
    assert_eq!(one["replications"], 24);
    assert_eq!(one["stopped_by"], "replications");
    let a = &one["metrics"]["availability_request"];
    let (lo, mean, hi) = (
        a["ci95"][0].as_f64().unwrap(),
        a["mean"].as_f64().unwrap(),
        a["ci95"][1].as_f64().unwrap(),
    );
    assert!(lo <= mean && mean <= hi && hi <= 1.0 && lo > 0.9, "{a}");
    assert!(a["p5"].as_f64().unwrap() <= a["p95"].as_f64().unwrap());
    let counts: u64 = a["histogram"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(counts, 24);
    for key in [
        "writes_lost",
        "sessions_lost",
        "max_rpo_s",
        "worst_rto_s",
        "incidents",
    ] {
        assert!(one["metrics"][key]["mean"].is_number(), "{key}");
    }
    // flow level has no latency: it is absent, not zero
    assert!(one["metrics"].get("latency_p99_ms").is_none());
    // the worst replication opens as a run with its seed and gives its figures
    let worst = &one["worst"][0];
    let seed = worst["seed"].as_u64().unwrap().to_string();
    let run = json_of(&cli(&["run", f, "--seed", &seed, "--json"]));
    assert_eq!(
        run["availability"]["request"].as_f64(),
        worst["availability_request"].as_f64()
    );
    assert_eq!(
        run["requests"]["failed"].as_f64(),
        worst["requests_failed"].as_f64()
    );
    assert!(run["requests"]["failed"].as_f64().unwrap() > 0.0);
}

#[test]
fn shards_merged_give_exactly_the_unsharded_study() {
    let f = scenario_file("shards");
    let f = f.to_str().unwrap();
    let whole = study_json(f, &["--replications", "20"]);
    let dir = std::env::temp_dir();
    let mut files = Vec::new();
    for i in 0..3 {
        let out = cli(&[
            "study",
            f,
            "--replications",
            "20",
            "--shard",
            &format!("{i}/3"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let p = dir.join(format!(
            "failover-lab-shard-{}-{i}.jsonl",
            std::process::id()
        ));
        std::fs::write(&p, &out.stdout).unwrap();
        files.push(p.to_str().unwrap().to_string());
    }
    // given in any order
    let mut args = vec!["merge", "--json", &files[2], &files[0], &files[1]];
    let merged = json_of(&cli(&args));
    assert_eq!(merged, whole);
    // a shard missing, or given twice, is refused by name
    args = vec!["merge", &files[0], &files[2]];
    let out = cli(&args);
    refused(&out, "missing");
    let out = cli(&["merge", &files[0], &files[0], &files[1], &files[2]]);
    refused(&out, "twice");
    // a shard of another study is refused
    let other = cli(&[
        "study",
        f,
        "--replications",
        "20",
        "--seed",
        "5",
        "--shard",
        "1/3",
    ]);
    let p = dir.join(format!(
        "failover-lab-shard-{}-other.jsonl",
        std::process::id()
    ));
    std::fs::write(&p, &other.stdout).unwrap();
    let out = cli(&["merge", &files[0], p.to_str().unwrap(), &files[2]]);
    refused(&out, "another study");
}

#[test]
fn a_ci_target_stops_the_study_and_says_so() {
    let f = scenario_file("ci");
    let f = f.to_str().unwrap();
    let r = study_json(f, &["--until-ci", "incidents=20%", "--max", "400"]);
    assert_eq!(r["stopped_by"], "ci_target");
    let inc = &r["metrics"]["incidents"];
    let half = (inc["ci95"][1].as_f64().unwrap() - inc["ci95"][0].as_f64().unwrap()) / 2.0;
    assert!(half <= 0.2 * inc["mean"].as_f64().unwrap() + 1e-12);
    let n = r["replications"].as_u64().unwrap();
    assert!((10..400).contains(&n), "{n}");
    // the same rule reached again gives the same study
    let again = study_json(
        f,
        &["--until-ci", "incidents=20%", "--max", "400", "--jobs", "1"],
    );
    assert_eq!(again["digest"], r["digest"]);
    // a target it cannot reach stops at --max
    let r = study_json(f, &["--until-ci", "incidents=0.000001", "--max", "12"]);
    assert_eq!(
        (r["stopped_by"].as_str(), r["replications"].as_u64()),
        (Some("max_replications"), Some(12))
    );
}

#[test]
fn bad_study_arguments_are_refused_with_a_clear_message() {
    let f = scenario_file("bad");
    let f = f.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--replications", "0"], "1 to 1000000 replications"),
        (
            &["--replications", "1000000000"],
            "1 to 1000000 replications",
        ),
        (&["--until-ci", "uptime=5%"], "no metric `uptime`"),
        (&["--until-ci", "incidents=-1"], "positive number"),
        (&["--until-ci", "incidents"], "METRIC=WIDTH"),
        (
            &["--until-ci", "incidents=5%", "--shard", "0/2"],
            "fixed --replications",
        ),
    ];
    for (extra, says) in cases {
        let mut args = vec!["study", f];
        args.extend_from_slice(extra);
        refused(&cli(&args), says);
    }
    for bad in ["-1", "NaN", "inf", "soon"] {
        let arg = format!("--max-seconds={bad}");
        refused(&cli(&["study", f, &arg]), "not a number of seconds");
    }
    let out = cli(&["study", f, "--shard", "3/3"]);
    refused(&out, "not a shard");
    let out = cli(&["merge", f]);
    refused(&out, "not a shard file");
}

#[test]
fn the_exit_status_says_whether_the_objectives_are_met() {
    let f = scenario_file("slo");
    let with = |slo: &str, name: &str| {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        doc["slo"] = serde_json::from_str(slo).unwrap();
        let p = std::env::temp_dir().join(format!(
            "failover-lab-slo-{}-{name}.json",
            std::process::id()
        ));
        std::fs::write(&p, doc.to_string()).unwrap();
        p
    };
    // easily met: at least half of the replications above 50 % availability
    let easy = with(r#"{ "availability": 0.5, "probability": 0.5 }"#, "easy");
    let out = cli(&[
        "study",
        easy.to_str().unwrap(),
        "--replications",
        "12",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["slo"]["met"], true);
    assert_eq!(r["slo"]["objectives"][0]["held"], 12);
    // impossible: never a lost session and an RTO of at most 1 µs in every replication
    let hard = with(
        r#"{ "max_rto": "1us", "max_lost_sessions": 0, "probability": 0.99 }"#,
        "hard",
    );
    let out = cli(&["study", hard.to_str().unwrap(), "--replications", "12"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("worst_rto_s <= 0.000001") && text.contains("NOT MET"),
        "{text}"
    );
    // an invalid objective is bad input
    let bad = with(r#"{ "availability": 1.5 }"#, "bad");
    refused(&cli(&["study", bad.to_str().unwrap()]), "slo.availability");
}

#[test]
fn a_design_compared_with_itself_differs_by_exactly_nothing_and_a_changed_one_by_its_change() {
    let f = scenario_file("cmp-a");
    let a = f.to_str().unwrap();
    let same = study_json(a, &["--compare", a, "--replications", "8"]);
    for (key, d) in same["difference"].as_object().unwrap() {
        assert_eq!(d["paired"]["mean"], 0.0, "{key}");
        assert_eq!(d["paired"]["sd"], 0.0, "{key}");
    }
    // B's app nodes fail three times as often: more incidents, seen through the pairing
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replace(r#""mtbf": "10d""#, r#""mtbf": "3d""#);
    let b = std::env::temp_dir().join(format!(
        "failover-lab-study-{}-cmp-b.json",
        std::process::id()
    ));
    std::fs::write(&b, text).unwrap();
    let r = study_json(
        a,
        &["--compare", b.to_str().unwrap(), "--replications", "16"],
    );
    let inc = &r["difference"]["incidents"];
    assert!(inc["paired"]["ci95"][0].as_f64().unwrap() > 0.0, "{inc}");
    assert_eq!(r["a"]["seed"], r["b"]["seed"]);
    // the table says the same
    let out = cli(&[
        "study",
        a,
        "--compare",
        b.to_str().unwrap(),
        "--replications",
        "16",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("B − A (95 % CI)"));
    refused(
        &cli(&["study", a, "--compare", a, "--until-ci", "incidents=5%"]),
        "fixed --replications",
    );
}
