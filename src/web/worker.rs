//! The simulation Web Worker: runs a scenario in chunks of simulated time (`run_until`), streams
//! progress, and obeys Cancel between chunks. Messages are JSON text inside the gloo-worker
//! envelope so that the scenario's unit strings survive exactly.
//!
//! Chunk sizes adapt to the wall clock (about 50 ms of work per chunk) so that Cancel is handled
//! quickly; that never changes results, because running in chunks gives the same report as one
//! `run_to_end`.

use crate::scenario::{self, Scenario};
use crate::sim::{Simulation, Time};
use gloo_worker::{HandlerId, Worker, WorkerScope};
use serde::{Deserialize, Serialize};

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
}

/// A run advanced chunk by chunk; pure, so it is tested natively.
pub struct Job {
    pub run_id: u32,
    sim: Simulation,
    chunk: Time,
    /// How far the run has been asked to go (never moves back, whatever `now` reports).
    reached: Time,
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
        let scenario: Scenario = scenario::parse_json(scenario_json).map_err(|ps| {
            let list: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
            format!("The scenario could not be read: {}", list.join("; "))
        })?;
        let compiled = scenario::compile(&scenario).map_err(|ps| {
            let list: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
            format!("The scenario has errors: {}", list.join("; "))
        })?;
        let mut sim = Simulation::new(compiled.config);
        if trace {
            sim.enable_trace();
        }
        let chunk = (sim.horizon() / 1000).max(1);
        Ok(Job {
            run_id,
            sim,
            chunk,
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
        self.sim.run_until(target);
        self.reached = target;
        if target >= horizon || self.sim.now() >= horizon {
            self.sim.run_to_end();
            let report = self.sim.report();
            return Advance::Done(match serde_json::to_string(&report) {
                Ok(report_json) => Update::Done {
                    run_id: self.run_id,
                    report_json,
                },
                Err(e) => Update::Failed {
                    run_id: self.run_id,
                    message: format!("The report could not be serialized: {e}"),
                },
            });
        }
        Advance::Progress(Update::Progress {
            run_id: self.run_id,
            now_us: self.sim.now().max(self.reached),
            horizon_us: horizon,
            events: self.sim.events(),
        })
    }
}

/// The gloo worker.
pub struct SimWorker {
    job: Option<(HandlerId, Job)>,
    last_ms: f64,
}

/// The worker's message to itself: run the next chunk of `run_id`.
pub struct Continue(u32);

impl SimWorker {
    fn schedule(scope: &WorkerScope<Self>, run_id: u32) {
        // A macrotask (not a microtask), so that a Cancel message can arrive between chunks.
        let scope = scope.clone();
        gloo::timers::callback::Timeout::new(0, move || scope.send_message(Continue(run_id)))
            .forget();
    }
}

impl Worker for SimWorker {
    type Message = Continue;
    type Input = Request;
    type Output = Update;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        SimWorker {
            job: None,
            last_ms: 0.0,
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, Continue(run_id): Continue) {
        let Some((who, job)) = self.job.as_mut() else {
            return;
        };
        if job.run_id != run_id {
            return;
        }
        let t0 = js_sys::Date::now();
        let advance = job.advance(self.last_ms);
        self.last_ms = js_sys::Date::now() - t0;
        let who = *who;
        match advance {
            Advance::Progress(u) => {
                scope.respond(who, u);
                Self::schedule(scope, run_id);
            }
            Advance::Done(u) => {
                scope.respond(who, u);
                self.job = None;
            }
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, who: HandlerId) {
        match msg {
            Request::Run {
                run_id,
                scenario_json,
                trace,
            } => match Job::start(run_id, &scenario_json, trace) {
                Ok(job) => {
                    self.job = Some((who, job));
                    self.last_ms = 0.0;
                    Self::schedule(scope, run_id);
                }
                Err(message) => {
                    self.job = None;
                    scope.respond(who, Update::Failed { run_id, message });
                }
            },
            Request::Cancel { run_id } => {
                if self.job.as_ref().is_some_and(|(_, j)| j.run_id == run_id) {
                    self.job = None;
                }
                scope.respond(who, Update::Cancelled { run_id });
            }
        }
    }
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
    fn a_bad_scenario_is_a_message_not_a_panic() {
        let err = Job::start(1, "{ not json", false).err().unwrap();
        assert!(err.contains("could not be read"), "{err}");
    }
}
