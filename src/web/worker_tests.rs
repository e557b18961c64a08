//! The worker's tests: jobs in chunks, study batches and pilots, bad input (natively).

use super::*;
use crate::scenario::builtins;
use crate::study::warmup;

#[test]
fn a_job_runs_to_the_end_in_chunks_and_reports() {
    let mut scenario = builtins::get("liferay-reference").unwrap().scenario();
    scenario.horizon = crate::scenario::Dur::mins(5);
    let json = serde_json::to_string(&scenario).unwrap();
    let mut job = Job::start(3, &json, false).unwrap();
    let mut steps = 0;
    let report_json = loop {
        steps += 1;
        assert!(steps < 100_000, "the job never finished");
        match job.advance(50.0) {
            Advance::Progress(Update::Progress {
                now_us, horizon_us, ..
            }) => assert!(now_us < horizon_us),
            Advance::Done(Update::Done {
                run_id,
                report_json,
            }) => {
                assert_eq!(run_id, 3);
                break report_json;
            }
            other => panic!("unexpected {other:?}"),
        }
    };
    let report: crate::sim::Report = serde_json::from_str(&report_json).unwrap();
    assert_eq!(
        report.seed,
        builtins::get("liferay-reference").unwrap().scenario().seed
    );
}

/// The page's path (JSON to the worker, chunks of adaptive size) gives the digest of one
/// native `run` of the same scenario: what Copy link promises.
#[test]
fn chunked_worker_runs_give_the_native_digest() {
    let mut scenario = builtins::get("liferay-reference").unwrap().scenario();
    scenario.horizon = crate::scenario::Dur::mins(10);
    let native = crate::sim::run(crate::scenario::compile(&scenario).unwrap().config);
    let json = serde_json::to_string(&scenario).unwrap();
    for (elapsed, trace) in [(10.0, false), (50.0, false), (30.0, true)] {
        let mut job = Job::start(1, &json, trace).unwrap();
        let report_json = loop {
            if let Advance::Done(Update::Done { report_json, .. }) = job.advance(elapsed) {
                break report_json;
            }
        };
        let mut r: crate::sim::Report = serde_json::from_str(&report_json).unwrap();
        assert_eq!(
            r.digest, native.digest,
            "chunking with {elapsed} ms changed the run"
        );
        // The trace, when asked for, travels with the report and changes nothing else.
        assert_eq!(r.trace.take().is_some(), trace);
        assert_eq!(r, native);
    }
}

#[test]
fn the_event_loop_runs_a_job_chunk_by_chunk_and_obeys_cancel() {
    let mut scenario = builtins::get("liferay-reference").unwrap().scenario();
    scenario.horizon = crate::scenario::Dur::mins(5);
    let scenario_json = serde_json::to_string(&scenario).unwrap();
    let run = |run_id| Request::Run {
        run_id,
        scenario_json: scenario_json.clone(),
        trace: false,
    };
    let mut serve = Serve::default();
    assert_eq!(serve.received(run(1)), (None, true));
    let (first, more) = serve.chunk(|| 0.0);
    assert!(matches!(first, Some(Update::Progress { run_id: 1, .. })) && more);
    // Cancel between two chunks: the job is gone, the next chunk does nothing.
    assert_eq!(
        serve.received(Request::Cancel { run_id: 1 }),
        (Some(Update::Cancelled { run_id: 1 }), false)
    );
    assert_eq!(serve.chunk(|| 0.0), (None, false));
    // A new run goes to its end.
    serve.received(run(2));
    let done = loop {
        match serve.chunk(|| 0.0) {
            (Some(Update::Done { run_id, .. }), false) => break run_id,
            (Some(Update::Progress { .. }), true) => {}
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(done, 2);
    let (bad, go) = serve.received(Request::Run {
        run_id: 3,
        scenario_json: "{".into(),
        trace: false,
    });
    assert!(matches!(bad, Some(Update::Failed { run_id: 3, .. })) && !go);
}

/// However long a chunk of simulated time is asked for (0 ms per chunk doubles it each
/// time), no chunk handles more than its event budget, and the run still gives the native
/// report exactly.
#[test]
fn chunks_stop_at_their_event_budget_and_change_nothing() {
    let mut scenario = builtins::get("liferay-reference").unwrap().scenario();
    scenario.horizon = crate::scenario::Dur::mins(5);
    let native = crate::sim::run(crate::scenario::compile(&scenario).unwrap().config);
    let json = serde_json::to_string(&scenario).unwrap();
    let mut job = Job::start(1, &json, false).unwrap();
    job.max_events = 1_000;
    let (mut events, mut chunks) = (0, 0);
    let report_json = loop {
        chunks += 1;
        match job.advance(0.0) {
            Advance::Progress(Update::Progress { events: now, .. }) => {
                assert!(
                    now - events <= 1_000,
                    "a chunk handled {} events",
                    now - events
                );
                events = now;
            }
            Advance::Done(Update::Done { report_json, .. }) => break report_json,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert!(
        chunks as u64 >= native.events / 1_000,
        "{chunks} chunks for {} events",
        native.events
    );
    let r: crate::sim::Report = serde_json::from_str(&report_json).unwrap();
    assert_eq!(r, native);
}

/// A run that reaches its own event budget ends (it does not keep asking for chunks) with
/// a partial report whose message says where it stopped.
#[test]
fn a_run_over_its_event_budget_ends_with_a_partial_report() {
    let mut scenario = builtins::get("liferay-reference").unwrap().scenario();
    scenario.horizon = crate::scenario::Dur::mins(5);
    let json = serde_json::to_string(&scenario).unwrap();
    let budget = Budget {
        events: 5_000,
        ..Budget::default()
    };
    let mut job = Job::start_with_budget(1, &json, false, budget).unwrap();
    job.max_events = 1_000;
    let report_json = (0..100)
        .find_map(|_| match job.advance(0.0) {
            Advance::Done(Update::Done { report_json, .. }) => Some(report_json),
            Advance::Done(other) => panic!("unexpected {other:?}"),
            Advance::Progress(_) => None,
        })
        .expect("done within 100 chunks");
    let r: crate::sim::Report = serde_json::from_str(&report_json).unwrap();
    assert_eq!(r.events, 5_000);
    let p = r.partial.expect("partial");
    assert_eq!(p.budget, "events");
    assert!(p.at_s > 0.0 && p.at_s < 300.0, "{}", p.at_s);
    assert!(
        p.message
            .starts_with("event budget of 5000 events reached at t = "),
        "{}",
        p.message
    );
}

/// A study batch: each replication comes back on its own chunk, equal to a native
/// `Replication::run`; a second batch of the same study queues after the first; Cancel
/// between two drops the rest; a scenario with errors is one `Failed`.
#[test]
fn a_batch_of_replications_runs_one_per_chunk_and_obeys_cancel() {
    let mut scenario = builtins::get("haproxy-single-lb").unwrap().scenario();
    scenario.horizon = crate::scenario::Dur::mins(2);
    let cfg = crate::scenario::compile(&scenario).unwrap().config;
    let scenario_json = serde_json::to_string(&scenario).unwrap();
    let batch = |ks: Vec<u64>| Request::Replicate {
        study_id: 7,
        scenario_json: scenario_json.clone(),
        ks,
    };
    let mut serve = Serve::default();
    assert_eq!(serve.received(batch(vec![4, 2])), (None, true));
    assert_eq!(serve.received(batch(vec![9])), (None, true));
    let mut got = Vec::new();
    loop {
        let (u, more) = serve.chunk(|| 0.0);
        match u {
            Some(Update::Replicated {
                study_id: 7,
                replication,
            }) => got.push(replication),
            other => panic!("unexpected {other:?}"),
        }
        if !more {
            break;
        }
    }
    let want: Vec<Replication> = [4, 2, 9].map(|k| Replication::run(&cfg, k)).into();
    assert_eq!(got, want);
    assert_eq!(serve.chunk(|| 0.0), (None, false));
    serve.received(batch(vec![0, 1, 2]));
    assert!(matches!(
        serve.chunk(|| 0.0),
        (Some(Update::Replicated { .. }), true)
    ));
    assert_eq!(
        serve.received(Request::Cancel { run_id: 7 }),
        (Some(Update::Cancelled { run_id: 7 }), false)
    );
    assert_eq!(serve.chunk(|| 0.0), (None, false));
    let (bad, go) = serve.received(Request::Replicate {
        study_id: 8,
        scenario_json: r#"{"version": 1}"#.into(),
        ks: vec![0],
    });
    assert!(matches!(bad, Some(Update::Failed { run_id: 8, .. })) && !go);
}

/// An M/M/20 station that starts empty (its transient is a tenth of the horizon), its
/// series in one-second windows: MSER-5 cuts something.
const MMC: &str = r#"{ "version": 1, "name": "mmc", "seed": 5, "horizon": "3m",
    "traffic": { "entry": ["web"], "sessions_per_s": 18, "requests_per_session": 1, "write_share": 0, "timeout": "1h" },
    "metrics": { "window": "1s" },
    "components": [ { "id": "web", "spec": { "web": { "nodes": 1,
      "capacity": { "workers": 20, "service_time": "1s", "queue_limit": 100000 } } } } ] }"#;

/// Runs `serve`'s chunks until it has nothing more to do; what it answered.
fn drain(serve: &mut Serve) -> Vec<Update> {
    let mut out = Vec::new();
    loop {
        let (u, more) = serve.chunk(|| 0.0);
        out.extend(u);
        if !more {
            return out;
        }
    }
}

/// `auto` on a pool of two workers: each runs its share of the pilot runs, one per chunk, and
/// sends each back whole; put together in index order they are the native pilot runs, so the
/// warm-up `warmup::choose` gives the page is the CLI's `study --warmup auto`. Cancel between
/// two pilots drops the rest; a scenario that does not compile is a `Failed`.
#[test]
fn pool_workers_run_their_share_of_the_pilots_as_natively_and_obey_cancel() {
    let scenario = crate::scenario::parse_json(MMC).unwrap();
    let cfg = crate::scenario::compile(&scenario).unwrap().config;
    let native: Vec<Pilot> = (0..4).map(|k| Pilot::run(&cfg, k)).collect();
    let want = warmup::choose(&native).unwrap();
    assert!(want.us > 0, "{want:?}");
    let warm = |study_id, scenario_json: &str, ks: &[u64]| Request::Warmup {
        study_id,
        scenario_json: scenario_json.into(),
        ks: ks.to_vec(),
    };
    let mut back: Vec<Option<Pilot>> = vec![None; 4];
    for ks in [[0, 2], [1, 3]] {
        let mut serve = Serve::default();
        assert_eq!(serve.received(warm(3, MMC, &ks)), (None, true));
        let got = drain(&mut serve);
        assert_eq!(got.len(), 2, "{got:?}");
        for (u, k) in got.into_iter().zip(ks) {
            let Update::Piloted {
                study_id: 3,
                k: got_k,
                pilot,
            } = u
            else {
                panic!("{u:?}")
            };
            assert_eq!(got_k, k);
            // through the page's JSON, exactly
            let text = serde_json::to_string(&pilot).unwrap();
            back[k as usize] = Some(serde_json::from_str(&text).unwrap());
        }
    }
    let back: Vec<Pilot> = back.into_iter().flatten().collect();
    assert_eq!(back, native);
    assert_eq!(warmup::choose(&back).unwrap(), want);
    // Cancel after the first pilot: nothing more runs.
    let mut serve = Serve::default();
    serve.received(warm(4, MMC, &[0, 1, 2]));
    assert!(matches!(
        serve.chunk(|| 0.0),
        (
            Some(Update::Piloted {
                study_id: 4,
                k: 0,
                ..
            }),
            true
        )
    ));
    serve.received(Request::Cancel { run_id: 4 });
    assert_eq!(serve.chunk(|| 0.0), (None, false));
    let (bad, go) = serve.received(warm(6, "{", &[0]));
    assert!(matches!(bad, Some(Update::Failed { run_id: 6, .. })) && !go);
}

#[test]
fn a_bad_scenario_is_a_message_not_a_panic() {
    let err = Job::start(1, "{ not json", false).err().unwrap();
    assert!(err.contains("could not be read"), "{err}");
}
