//! The simulation Web Worker: runs a scenario in chunks of simulated time (`run_until`), streams
//! progress, and obeys Cancel between chunks. Messages are JSON text (a [`Request`] in, an
//! [`Update`] out) so that the scenario's unit strings survive exactly; the page's side is
//! [`super::runner::SimRunner`], which can terminate a worker that stops answering.
//!
//! Chunk sizes adapt to the wall clock (about 50 ms of work per chunk) so that Cancel is handled
//! quickly; that never changes results, because running in chunks gives the same report as one
//! `run_to_end`.

use crate::scenario::{self, Scenario};
use crate::sim::{Budget, Config, Simulation, Time};
use crate::study::warmup::{self, Pilot, Warmup};
use crate::study::Replication;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// From the page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    Run {
        run_id: u32,
        scenario_json: String,
        /// Record the state trace of every node (for watch mode); the digest is the same.
        #[serde(default)]
        trace: bool,
    },
    Cancel {
        run_id: u32,
    },
    /// A study's replications `ks` of the scenario (a pool worker's batch): each comes back as
    /// an [`Update::Replicated`], one per macrotask so a Cancel (`run_id` = `study_id`) is
    /// read between two; a scenario that does not compile gives one [`Update::Failed`].
    Replicate {
        study_id: u32,
        scenario_json: String,
        ks: Vec<u64>,
    },
    /// A study's `--warmup auto`: its first `pilots` replications of the scenario (sent with no
    /// `warmup`) run without a warm-up, one per macrotask (a Cancel is read between two), each
    /// acknowledged by an [`Update::Piloted`]; then MSER-5 on them ([`warmup::choose`]) is the
    /// one [`Update::WarmedUp`], or an [`Update::Failed`] with the reason.
    Warmup {
        study_id: u32,
        scenario_json: String,
        pilots: u64,
    },
}

/// From the worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Update {
    Progress {
        run_id: u32,
        now_us: u64,
        horizon_us: u64,
        events: u64,
    },
    Done {
        run_id: u32,
        report_json: String,
    },
    Failed {
        run_id: u32,
        message: String,
    },
    Cancelled {
        run_id: u32,
    },
    /// One replication of a [`Request::Replicate`] batch.
    Replicated {
        study_id: u32,
        replication: Replication,
    },
    /// `done` of a [`Request::Warmup`]'s pilot runs have run.
    Piloted {
        study_id: u32,
        done: u64,
    },
    /// The warm-up MSER-5 chose from a [`Request::Warmup`]'s pilot runs.
    WarmedUp {
        study_id: u32,
        warmup: Warmup,
    },
    /// The worker has loaded and listens: the page may send (it queues until then).
    Ready,
    /// Made by the page, never sent: the worker threw (a panic traps its wasm, which can then
    /// do nothing more), with the error's message.
    Crashed {
        message: String,
    },
}

/// Events one chunk may handle at most: however dense the events of a stretch of simulated time
/// (a flow-level DNS tick every few µs, a storm of retries), the worker returns to its event loop
/// within about a tenth of a second to read a Cancel.
pub const CHUNK_EVENTS: u64 = 1_000_000;

/// A run advanced chunk by chunk; pure, so it is tested natively.
pub struct Job {
    pub run_id: u32,
    sim: Simulation,
    chunk: Time,
    /// Events per chunk at most ([`CHUNK_EVENTS`]).
    max_events: u64,
    /// How far the run has been asked to go (never moves back, whatever `now` reports).
    reached: Time,
}

/// Parses and compiles a scenario sent as JSON; a message naming every problem otherwise.
fn compile_json(scenario_json: &str) -> Result<Config, String> {
    let scenario: Scenario = scenario::parse_json(scenario_json).map_err(|ps| {
        let list: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        format!("The scenario could not be read: {}", list.join("; "))
    })?;
    let compiled = scenario::compile(&scenario).map_err(|ps| {
        let list: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        format!("The scenario has errors: {}", list.join("; "))
    })?;
    Ok(compiled.config)
}

/// A pool worker's study replications still to run (one per chunk).
struct Batch {
    study_id: u32,
    config: Config,
    ks: VecDeque<u64>,
}

/// A study's pilot runs still to run (one per chunk), and those that ran.
struct Pilots {
    study_id: u32,
    config: Config,
    of: u64,
    ran: Vec<Pilot>,
}

/// What one chunk produced.
#[derive(Debug, PartialEq)]
pub enum Advance {
    Progress(Update),
    Done(Update),
}

impl Job {
    /// Parses and compiles the scenario; a message naming every problem otherwise.
    pub fn start(run_id: u32, scenario_json: &str, trace: bool) -> Result<Job, String> {
        Job::start_with_budget(run_id, scenario_json, trace, Budget::default())
    }

    /// [`Job::start`] under another event and memory budget (the run's own, not a chunk's):
    /// a run that reaches it ends with a partial report whose `partial.message` says so.
    pub fn start_with_budget(
        run_id: u32,
        scenario_json: &str,
        trace: bool,
        budget: Budget,
    ) -> Result<Job, String> {
        let mut config = compile_json(scenario_json)?;
        config.budget = budget;
        let mut sim = Simulation::new(config);
        if trace {
            sim.enable_trace();
        }
        let chunk = (sim.horizon() / 1000).max(1);
        Ok(Job {
            run_id,
            sim,
            chunk,
            max_events: CHUNK_EVENTS,
            reached: 0,
        })
    }

    /// Runs one chunk. `elapsed_ms` of the previous chunk tunes the next chunk's size.
    pub fn advance(&mut self, elapsed_ms: f64) -> Advance {
        if elapsed_ms < 20.0 {
            self.chunk = self.chunk.saturating_mul(2);
        } else if elapsed_ms > 80.0 {
            self.chunk = (self.chunk / 2).max(1);
        }
        let horizon = self.sim.horizon();
        let target = self
            .reached
            .max(self.sim.now())
            .saturating_add(self.chunk)
            .min(horizon);
        let reached = self.sim.run_until_at_most(target, self.max_events);
        if self.sim.stopped().is_some() {
            // the run's own budget: its report is partial and says why
            return Advance::Done(self.done());
        }
        if !reached {
            // The budget ran out before `target`: report progress, and ask less next time.
            self.chunk = (self.chunk / 2).max(1);
            self.reached = self.reached.max(self.sim.now());
            return Advance::Progress(self.progress(horizon));
        }
        self.reached = target;
        if target >= horizon || self.sim.now() >= horizon {
            self.sim.run_to_end();
            return Advance::Done(self.done());
        }
        Advance::Progress(self.progress(horizon))
    }

    fn done(&self) -> Update {
        let report = self.sim.report();
        match serde_json::to_string(&report) {
            Ok(report_json) => Update::Done {
                run_id: self.run_id,
                report_json,
            },
            Err(e) => Update::Failed {
                run_id: self.run_id,
                message: format!("The report could not be serialized: {e}"),
            },
        }
    }

    fn progress(&self, horizon: Time) -> Update {
        Update::Progress {
            run_id: self.run_id,
            now_us: self.sim.now().max(self.reached),
            horizon_us: horizon,
            events: self.sim.events(),
        }
    }
}

/// The worker's state between messages: the job in flight and its last chunk's wall time.
#[derive(Default)]
pub struct Serve {
    job: Option<Job>,
    last_ms: f64,
    batch: Option<Batch>,
    pilots: Option<Pilots>,
}

impl Serve {
    /// Handles a message from the page; what to answer, and whether to run a chunk next.
    pub fn received(&mut self, msg: Request) -> (Option<Update>, bool) {
        match msg {
            Request::Run {
                run_id,
                scenario_json,
                trace,
            } => match Job::start(run_id, &scenario_json, trace) {
                Ok(job) => {
                    self.job = Some(job);
                    self.last_ms = 0.0;
                    (None, true)
                }
                Err(message) => {
                    self.job = None;
                    (Some(Update::Failed { run_id, message }), false)
                }
            },
            Request::Cancel { run_id } => {
                if self.job.as_ref().is_some_and(|j| j.run_id == run_id) {
                    self.job = None;
                }
                if self.batch.as_ref().is_some_and(|b| b.study_id == run_id) {
                    self.batch = None;
                }
                if self.pilots.as_ref().is_some_and(|p| p.study_id == run_id) {
                    self.pilots = None;
                }
                (Some(Update::Cancelled { run_id }), false)
            }
            Request::Replicate {
                study_id,
                scenario_json,
                ks,
            } => self.replicate(study_id, &scenario_json, ks),
            Request::Warmup {
                study_id,
                scenario_json,
                pilots,
            } => match compile_json(&scenario_json) {
                Ok(config) => {
                    self.pilots = Some(Pilots {
                        study_id,
                        config,
                        of: pilots,
                        ran: Vec::new(),
                    });
                    (None, true)
                }
                Err(message) => {
                    self.pilots = None;
                    let run_id = study_id;
                    (Some(Update::Failed { run_id, message }), false)
                }
            },
        }
    }

    /// Runs the next pilot run: its acknowledgement, or (after the last) the warm-up MSER-5
    /// chose; and whether more work is queued.
    fn pilot_one(&mut self) -> (Option<Update>, bool) {
        let Some(p) = self.pilots.as_mut() else {
            return self.replicate_one();
        };
        let study_id = p.study_id;
        if (p.ran.len() as u64) < p.of {
            p.ran.push(Pilot::run(&p.config, p.ran.len() as u64));
            let done = p.ran.len() as u64;
            if done < p.of {
                return (Some(Update::Piloted { study_id, done }), true);
            }
        }
        let update = match warmup::choose(&p.ran) {
            Ok(warmup) => Update::WarmedUp { study_id, warmup },
            Err(m) => Update::Failed {
                run_id: study_id,
                message: format!("The warm-up could not be chosen (auto): {m}"),
            },
        };
        self.pilots = None;
        (Some(update), self.batch.is_some())
    }

    /// Queues a batch of replications (after the ones of the same study still queued).
    fn replicate(
        &mut self,
        study_id: u32,
        scenario_json: &str,
        ks: Vec<u64>,
    ) -> (Option<Update>, bool) {
        if let Some(b) = self.batch.as_mut().filter(|b| b.study_id == study_id) {
            b.ks.extend(ks);
            return (None, true);
        }
        match compile_json(scenario_json) {
            Ok(config) => {
                self.batch = Some(Batch {
                    study_id,
                    config,
                    ks: ks.into(),
                });
                (None, true)
            }
            Err(message) => {
                self.batch = None;
                let run_id = study_id;
                (Some(Update::Failed { run_id, message }), false)
            }
        }
    }

    /// Runs the next queued replication: its result, and whether more are queued.
    fn replicate_one(&mut self) -> (Option<Update>, bool) {
        let Some(b) = self.batch.as_mut() else {
            return (None, false);
        };
        let Some(k) = b.ks.pop_front() else {
            self.batch = None;
            return (None, false);
        };
        let update = Update::Replicated {
            study_id: b.study_id,
            replication: Replication::run(&b.config, k),
        };
        let more = !b.ks.is_empty();
        if !more {
            self.batch = None;
        }
        (Some(update), more)
    }

    /// Runs the next chunk of the job, if there is one; what to answer, and whether to go on.
    pub fn chunk(&mut self, now_ms: impl Fn() -> f64) -> (Option<Update>, bool) {
        let Some(job) = self.job.as_mut() else {
            return self.pilot_one();
        };
        let t0 = now_ms();
        let advance = job.advance(self.last_ms);
        self.last_ms = now_ms() - t0;
        match advance {
            Advance::Progress(u) => (Some(u), true),
            Advance::Done(u) => {
                self.job = None;
                (Some(u), self.batch.is_some() || self.pilots.is_some())
            }
        }
    }
}

/// The worker's event loop: listens for [`Request`]s, runs chunks as macrotasks (so a Cancel
/// can arrive between two), and says [`Update::Ready`] once it listens.
///
/// The next chunk is a message to itself on a `MessageChannel`, not a `setTimeout(0)`: nested
/// timeouts are clamped to 4 ms, which doubled the time of a study's few-millisecond
/// replications. One chunk is scheduled at a time.
#[cfg(target_arch = "wasm32")]
pub fn serve() {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = {
        let scope = scope.clone();
        Rc::new(move |u: &Update| {
            if let Ok(text) = serde_json::to_string(u) {
                let _ = scope.post_message(&JsValue::from_str(&text));
            }
        })
    };
    let state = Rc::new(RefCell::new(Serve::default()));
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let scheduled = Rc::new(Cell::new(false));
    // Schedules the next chunk (once: a chunk already due runs the job on).
    let wake = {
        let port = channel.port1();
        let scheduled = scheduled.clone();
        Rc::new(move || {
            if !scheduled.replace(true) {
                let _ = port.post_message(&JsValue::NULL);
            }
        })
    };
    // Runs a chunk, answers, and schedules the next one while the job goes on.
    let on_tick = {
        let (state, post, wake) = (state.clone(), post.clone(), wake.clone());
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            scheduled.set(false);
            let (update, more) = state.borrow_mut().chunk(js_sys::Date::now);
            if let Some(u) = update {
                post(&u);
            }
            if more {
                wake();
            }
        })
    };
    channel
        .port2()
        .set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    on_tick.forget();
    // the ports live as long as the worker
    std::mem::forget(channel);
    let onmessage = {
        let post = post.clone();
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            let Ok(msg) = serde_json::from_str::<Request>(&text) else {
                return;
            };
            let (update, run) = state.borrow_mut().received(msg);
            if let Some(u) = update {
                post(&u);
            }
            if run {
                wake();
            }
        })
    };
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&Update::Ready);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtins;

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

    /// `auto` in a pool worker: one pilot per chunk, each acknowledged, then the warm-up that
    /// `warmup::choose` gives for the same pilot runs natively (and, with it set, the
    /// replications are the CLI's `study --warmup auto`); Cancel between two pilots drops the
    /// rest; a series too short to batch is a `Failed` naming `metrics.window`.
    #[test]
    fn a_worker_chooses_the_warm_up_mser5_gives_natively_and_obeys_cancel() {
        let scenario = crate::scenario::parse_json(MMC).unwrap();
        let cfg = crate::scenario::compile(&scenario).unwrap().config;
        let native: Vec<Pilot> = (0..4).map(|k| Pilot::run(&cfg, k)).collect();
        let want = warmup::choose(&native).unwrap();
        assert!(want.us > 0, "{want:?}");
        let warm = |study_id, scenario_json: &str, pilots| Request::Warmup {
            study_id,
            scenario_json: scenario_json.into(),
            pilots,
        };
        let mut serve = Serve::default();
        assert_eq!(serve.received(warm(3, MMC, 4)), (None, true));
        let got = drain(&mut serve);
        let piloted = (1..4).map(|done| Update::Piloted { study_id: 3, done });
        let mut expected: Vec<Update> = piloted.collect();
        expected.push(Update::WarmedUp {
            study_id: 3,
            warmup: want,
        });
        assert_eq!(got, expected);
        // Cancel after the first pilot: nothing more runs.
        serve.received(warm(4, MMC, 4));
        assert!(matches!(
            serve.chunk(|| 0.0),
            (
                Some(Update::Piloted {
                    study_id: 4,
                    done: 1
                }),
                true
            )
        ));
        serve.received(Request::Cancel { run_id: 4 });
        assert_eq!(serve.chunk(|| 0.0), (None, false));
        // One-minute windows over 3 minutes: too few points.
        let short = MMC.replace(r#""window": "1s""#, r#""window": "1m""#);
        serve.received(warm(5, &short, 2));
        let got = drain(&mut serve);
        assert!(
            matches!(&got[..], [Update::Piloted { .. }, Update::Failed { run_id: 5, message }]
                if message.contains("metrics.window")),
            "{got:?}"
        );
        let (bad, go) = serve.received(warm(6, "{", 2));
        assert!(matches!(bad, Some(Update::Failed { run_id: 6, .. })) && !go);
    }

    #[test]
    fn a_bad_scenario_is_a_message_not_a_panic() {
        let err = Job::start(1, "{ not json", false).err().unwrap();
        assert!(err.contains("could not be read"), "{err}");
    }
}
