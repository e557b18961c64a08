//! The state of simulation runs: progress of the current run, the last report and what it was
//! computed from. A reducer fed by the worker's messages; unit-tested natively.

use crate::scenario::Scenario;
use crate::sim::Report;
use crate::web::worker::Update;
use std::rc::Rc;
use yew::Reducible;

/// Progress of the run in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub run_id: u32,
    pub now_us: u64,
    pub horizon_us: u64,
    pub events: u64,
    /// Wall-clock start, for the events-per-second display only.
    pub started_ms: f64,
    pub events_per_s: f64,
    /// Whether the worker has answered for this run yet.
    pub heard: bool,
    /// Wall-clock time of the last message (or of the start), for the stall check.
    pub last_ms: f64,
}

impl Progress {
    /// Share done, 0..=1.
    pub fn fraction(&self) -> f64 {
        if self.horizon_us == 0 {
            0.0
        } else {
            (self.now_us as f64 / self.horizon_us as f64).clamp(0.0, 1.0)
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunState {
    pub running: Option<Progress>,
    /// The last finished run's report and the scenario it ran.
    pub report: Option<Rc<Report>>,
    pub report_scenario: Option<Rc<Scenario>>,
    /// The scenario of the run in flight.
    pending: Option<Rc<Scenario>>,
    /// Why the last run did not finish (error or cancel), in words.
    pub message: Option<String>,
    pub last_id: u32,
    /// How many runs finished (for tests and the status line).
    pub finished: u32,
    /// How many times a worker was given up (silent, or deaf to Cancel): each one is
    /// terminated, and the next run starts a fresh worker.
    pub workers_lost: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunAction {
    Started {
        run_id: u32,
        scenario: Rc<Scenario>,
        now_ms: f64,
    },
    /// A message from the worker, with the wall-clock time it arrived.
    Worker(Update, f64),
    /// The run could not even start.
    Refused(String),
    /// The user dismissed the message.
    DismissMessage,
    /// Some seconds after a start: a run the worker never answered is given up with a message.
    Watchdog { run_id: u32 },
    /// A periodic check: a run whose worker fell silent for `STALL_MS` is given up.
    StallCheck { now_ms: f64 },
    /// `CANCEL_MS` after a Cancel: a worker that has not stopped the run is given up.
    CancelTimeout { run_id: u32 },
}

/// How long a worker may take to obey Cancel before it is terminated.
pub const CANCEL_MS: u32 = 2_000;

/// How long a running worker may stay silent before the run is given up.
pub const STALL_MS: f64 = 30_000.0;

impl RunState {
    /// The id to use for the next run.
    pub fn next_id(&self) -> u32 {
        self.last_id.wrapping_add(1)
    }

    /// Whether the results are for an older version of `current`.
    pub fn is_stale(&self, current: &Scenario) -> bool {
        self.report_scenario
            .as_deref()
            .is_some_and(|s| s != current)
    }

    /// Ends the run in flight and marks its worker for termination.
    fn give_up_worker(&mut self, why: &str) {
        self.running = None;
        self.pending = None;
        self.workers_lost += 1;
        self.message = Some(why.into());
    }

    pub fn apply(mut self, action: RunAction) -> RunState {
        match action {
            RunAction::Started {
                run_id,
                scenario,
                now_ms,
            } => {
                self.last_id = run_id;
                self.running = Some(Progress {
                    run_id,
                    now_us: 0,
                    horizon_us: 0,
                    events: 0,
                    started_ms: now_ms,
                    events_per_s: 0.0,
                    heard: false,
                    last_ms: now_ms,
                });
                self.pending = Some(scenario);
                self.message = None;
            }
            RunAction::DismissMessage => self.message = None,
            RunAction::StallCheck { now_ms } => {
                if self
                    .running
                    .as_ref()
                    .is_some_and(|p| now_ms - p.last_ms > STALL_MS)
                {
                    self.give_up_worker(
                        "The simulation worker stopped answering, so it was stopped and will be restarted; the results shown are from the last finished run. Press Run to try again.",
                    );
                }
            }
            RunAction::Watchdog { run_id } => {
                if self
                    .running
                    .as_ref()
                    .is_some_and(|p| p.run_id == run_id && !p.heard)
                {
                    self.give_up_worker(
                        "The simulation worker did not answer (worker.js may have failed to load), so it was stopped; press Run to start a new one, or reload the page.",
                    );
                }
            }
            RunAction::CancelTimeout { run_id } => {
                if self.running.as_ref().is_some_and(|p| p.run_id == run_id) {
                    self.give_up_worker(
                        "The run was cancelled: the worker did not stop in time, so it was stopped and will be restarted for the next run.",
                    );
                }
            }
            RunAction::Refused(msg) => {
                self.running = None;
                self.message = Some(msg);
            }
            RunAction::Worker(update, now_ms) => {
                let current = self.running.as_ref().map(|p| p.run_id);
                match update {
                    Update::Progress {
                        run_id,
                        now_us,
                        horizon_us,
                        events,
                    } if Some(run_id) == current => {
                        if let Some(p) = self.running.as_mut() {
                            p.heard = true;
                            p.last_ms = now_ms;
                            p.now_us = now_us;
                            p.horizon_us = horizon_us;
                            p.events = events;
                            let secs = (now_ms - p.started_ms) / 1000.0;
                            p.events_per_s = if secs > 0.0 {
                                events as f64 / secs
                            } else {
                                0.0
                            };
                        }
                    }
                    Update::Done {
                        run_id,
                        report_json,
                    } if Some(run_id) == current => {
                        self.running = None;
                        match serde_json::from_str::<Report>(&report_json) {
                            Ok(r) => {
                                self.report = Some(Rc::new(r));
                                self.report_scenario = self.pending.take();
                                self.finished += 1;
                            }
                            Err(e) => {
                                self.message =
                                    Some(format!("The run's report could not be read: {e}"))
                            }
                        }
                    }
                    Update::Failed { run_id, message } if Some(run_id) == current => {
                        self.running = None;
                        self.message = Some(message);
                    }
                    Update::Crashed { message } if current.is_some() => {
                        self.give_up_worker(&message);
                    }
                    // idle: nothing to report, but the next run needs a fresh worker
                    Update::Crashed { .. } => self.workers_lost += 1,
                    Update::Cancelled { run_id } if Some(run_id) == current => {
                        self.running = None;
                        self.message = Some(
                            "Run cancelled; the results shown are from the last finished run."
                                .into(),
                        );
                    }
                    // Messages of an older run (cancelled or replaced) are ignored.
                    _ => {}
                }
            }
        }
        self
    }
}

impl Reducible for RunState {
    type Action = RunAction;

    fn reduce(self: Rc<Self>, action: RunAction) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtins;

    fn started(id: u32) -> RunState {
        RunState::default().apply(RunAction::Started {
            run_id: id,
            scenario: Rc::new(builtins::get("liferay-reference").unwrap().scenario()),
            now_ms: 1000.0,
        })
    }

    #[test]
    fn progress_then_done_keeps_the_report_and_its_scenario() {
        let st = started(1).apply(RunAction::Worker(
            Update::Progress {
                run_id: 1,
                now_us: 50,
                horizon_us: 100,
                events: 2000,
            },
            2000.0,
        ));
        let p = st.running.clone().unwrap();
        assert_eq!(p.fraction(), 0.5);
        assert_eq!(p.events_per_s, 2000.0);
        let report = Report {
            digest: "abc".into(),
            ..Report::default()
        };
        let st = st.apply(RunAction::Worker(
            Update::Done {
                run_id: 1,
                report_json: serde_json::to_string(&report).unwrap(),
            },
            3000.0,
        ));
        assert!(st.running.is_none());
        assert_eq!(st.report.as_ref().unwrap().digest, "abc");
        assert!(!st.is_stale(&builtins::get("liferay-reference").unwrap().scenario()));
        let mut changed = builtins::get("liferay-reference").unwrap().scenario();
        changed.seed += 1;
        assert!(st.is_stale(&changed));
    }

    #[test]
    fn messages_of_an_old_run_are_ignored_and_cancel_keeps_old_results() {
        let st = started(1).apply(RunAction::Worker(
            Update::Done {
                run_id: 1,
                report_json: serde_json::to_string(&Report::default()).unwrap(),
            },
            0.0,
        ));
        let st = st
            .apply(RunAction::Started {
                run_id: 2,
                scenario: Rc::new(builtins::get("liferay-reference").unwrap().scenario()),
                now_ms: 0.0,
            })
            .apply(RunAction::Worker(
                Update::Done {
                    run_id: 1,
                    report_json: "garbage".into(),
                },
                0.0,
            ));
        assert!(st.running.is_some());
        assert!(st.message.is_none());
        let st = st.apply(RunAction::Worker(Update::Cancelled { run_id: 2 }, 0.0));
        assert!(st.running.is_none());
        assert!(st.report.is_some());
        assert!(st.message.clone().unwrap().contains("cancelled"));
        let st = st.apply(RunAction::DismissMessage);
        assert!(st.message.is_none());
    }

    #[test]
    fn a_silent_worker_is_reported_but_a_working_one_is_not() {
        let st = started(7).apply(RunAction::Watchdog { run_id: 7 });
        assert!(st.running.is_none());
        assert_eq!(st.workers_lost, 1, "the silent worker is to be terminated");
        assert!(st.message.unwrap().contains("did not answer"));
        let st = started(8)
            .apply(RunAction::Worker(
                Update::Progress {
                    run_id: 8,
                    now_us: 1,
                    horizon_us: 10,
                    events: 1,
                },
                0.0,
            ))
            .apply(RunAction::Watchdog { run_id: 8 });
        assert!(st.running.is_some());
        assert_eq!(st.workers_lost, 0);
        // A watchdog of an older run does nothing.
        let st = started(9).apply(RunAction::Watchdog { run_id: 8 });
        assert!(st.running.is_some());
    }

    #[test]
    fn a_worker_that_throws_is_given_up_at_once_with_its_error() {
        let message = crate::web::runner::crashed_message("RuntimeError: unreachable");
        let st = started(4).apply(RunAction::Worker(
            Update::Crashed {
                message: message.clone(),
            },
            0.0,
        ));
        assert!(st.running.is_none());
        assert_eq!(st.workers_lost, 1, "the broken worker is to be terminated");
        assert_eq!(st.message.as_deref(), Some(message.as_str()));
        assert!(message.contains("RuntimeError: unreachable"));
        assert!(crate::web::runner::crashed_message(" ").contains("(no message)"));
        // No run in flight: nothing to report, but the next run gets a fresh worker.
        let idle = RunState::default().apply(RunAction::Worker(Update::Crashed { message }, 0.0));
        assert_eq!(idle.workers_lost, 1);
        assert!(idle.message.is_none() && idle.running.is_none());
    }

    #[test]
    fn a_worker_that_falls_silent_is_given_up() {
        // started() starts at 1000 ms.
        let st = started(3).apply(RunAction::StallCheck {
            now_ms: 1000.0 + STALL_MS - 1.0,
        });
        assert!(st.running.is_some());
        let st = st
            .apply(RunAction::Worker(
                Update::Progress {
                    run_id: 3,
                    now_us: 5,
                    horizon_us: 10,
                    events: 5,
                },
                20_000.0,
            ))
            .apply(RunAction::StallCheck {
                now_ms: 20_000.0 + STALL_MS - 1.0,
            });
        assert!(st.running.is_some());
        let st = st.apply(RunAction::StallCheck {
            now_ms: 20_000.0 + STALL_MS + 1.0,
        });
        assert!(st.running.is_none());
        assert_eq!(st.workers_lost, 1);
        assert!(st.message.unwrap().contains("stopped answering"));
        // Nothing happens when idle.
        let idle = RunState::default().apply(RunAction::StallCheck { now_ms: 1e12 });
        assert!(idle.message.is_none());
    }

    #[test]
    fn a_worker_deaf_to_cancel_is_given_up_and_one_that_obeys_is_kept() {
        // The worker answers Cancel in time: nothing to terminate.
        let obeyed = started(5)
            .apply(RunAction::Worker(Update::Cancelled { run_id: 5 }, 0.0))
            .apply(RunAction::CancelTimeout { run_id: 5 });
        assert_eq!(obeyed.workers_lost, 0);
        assert!(obeyed.message.unwrap().contains("cancelled"));
        // It does not (stuck in a chunk): the run ends and the worker is to be replaced.
        let deaf = started(6).apply(RunAction::CancelTimeout { run_id: 6 });
        assert!(deaf.running.is_none());
        assert_eq!(deaf.workers_lost, 1);
        assert!(deaf.message.unwrap().contains("restarted"));
        // A late timeout of an older run leaves the new one alone.
        let newer = started(7).apply(RunAction::CancelTimeout { run_id: 6 });
        assert!(newer.running.is_some());
        assert_eq!(newer.workers_lost, 0);
    }

    #[test]
    fn failures_become_messages() {
        let st = started(4).apply(RunAction::Worker(
            Update::Failed {
                run_id: 4,
                message: "The scenario has errors: x".into(),
            },
            0.0,
        ));
        assert!(st.message.unwrap().contains("errors"));
        let st = started(5).apply(RunAction::Worker(
            Update::Done {
                run_id: 5,
                report_json: "{".into(),
            },
            0.0,
        ));
        assert!(st.message.unwrap().contains("could not be read"));
    }
}
