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
use crate::study::warmup::Pilot;
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
    /// A study's `--warmup auto`: pilot runs `ks` of the scenario (sent with no `warmup`; a
    /// pool worker's share of them), without a warm-up, one per macrotask (a Cancel is read
    /// between two), each sent back as an [`Update::Piloted`]. The page chooses the warm-up
    /// from all of them, in index order ([`crate::study::warmup::choose`]), as the CLI does.
    Warmup {
        study_id: u32,
        scenario_json: String,
        ks: Vec<u64>,
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
    /// Pilot run `k` of a [`Request::Warmup`], its series.
    Piloted {
        study_id: u32,
        k: u64,
        pilot: Pilot,
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

/// Study `study_id`'s scenario compiled, or the [`Update::Failed`] that says what is wrong.
fn compile_for(study_id: u32, scenario_json: &str) -> Result<Config, Update> {
    compile_json(scenario_json).map_err(|message| Update::Failed {
        run_id: study_id,
        message,
    })
}

/// A pool worker's study replications still to run (one per chunk).
struct Batch {
    study_id: u32,
    config: Config,
    ks: VecDeque<u64>,
}

/// A study's pilot runs still to run (one per chunk).
struct Pilots {
    study_id: u32,
    config: Config,
    ks: VecDeque<u64>,
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
                ks,
            } => match compile_for(study_id, &scenario_json) {
                Ok(config) => {
                    self.pilots = Some(Pilots {
                        study_id,
                        config,
                        ks: ks.into(),
                    });
                    (None, true)
                }
                Err(failed) => {
                    self.pilots = None;
                    (Some(failed), false)
                }
            },
        }
    }

    /// Runs the next pilot run; and whether more work is queued.
    fn pilot_one(&mut self) -> (Option<Update>, bool) {
        let Some(p) = self.pilots.as_mut() else {
            return self.replicate_one();
        };
        let Some(k) = p.ks.pop_front() else {
            self.pilots = None;
            return self.replicate_one();
        };
        let update = Update::Piloted {
            study_id: p.study_id,
            k,
            pilot: Pilot::run(&p.config, k),
        };
        if p.ks.is_empty() {
            self.pilots = None;
        }
        (Some(update), self.pilots.is_some() || self.batch.is_some())
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
        match compile_for(study_id, scenario_json) {
            Ok(config) => {
                self.batch = Some(Batch {
                    study_id,
                    config,
                    ks: ks.into(),
                });
                (None, true)
            }
            Err(failed) => {
                self.batch = None;
                (Some(failed), false)
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
#[path = "worker_tests.rs"]
mod tests;
