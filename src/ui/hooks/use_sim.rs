//! Runs scenarios in the simulation worker: the run state, and callbacks to run and cancel.

use crate::scenario::{self, Problem, Scenario, Severity};
use crate::ui::run::{RunAction, RunState, CANCEL_MS};
use crate::web::{self, SimRunner};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// How long the worker may stay silent after a start before the run is given up.
const WATCHDOG_MS: u32 = 15_000;

#[derive(Clone, PartialEq)]
pub struct SimHandle {
    pub state: UseReducerHandle<RunState>,
    pub run: Callback<Scenario>,
    /// Runs a scenario whose problems are already known (the page's own list), so that it is
    /// not checked twice (issue 13).
    pub run_checked: Callback<(Scenario, Rc<Vec<Problem>>)>,
    pub cancel: Callback<()>,
    pub dismiss: Callback<()>,
}

#[hook]
pub fn use_sim() -> SimHandle {
    let state = use_reducer_eq(RunState::default);
    let runner: Rc<RefCell<Option<SimRunner>>> = use_mut_ref(|| None);
    let ids = use_mut_ref(|| 0u32);
    let run_checked = {
        let dispatcher = state.dispatcher();
        let runner = runner.clone();
        let ids = ids.clone();
        Callback::from(move |(scenario, problems): (Scenario, Rc<Vec<Problem>>)| {
            if !scenario::validate::is_runnable(&problems) {
                let errors: Vec<String> = problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                    .map(|p| p.to_string())
                    .collect();
                // The first few, each cut short: the Problems list has them all (issue 13).
                let shown: Vec<String> = errors.iter().take(3).map(|e| shorten(e, 200)).collect();
                dispatcher.dispatch(RunAction::Refused(format!(
                    "Cannot run: the scenario has {} error(s) (see Problems): {}{}",
                    errors.len(),
                    shown.join("; "),
                    if errors.len() > 3 { "; …" } else { "" }
                )));
                return;
            }
            let mut slot = runner.borrow_mut();
            if slot.is_none() {
                let d = dispatcher.clone();
                match SimRunner::spawn(move |u| d.dispatch(RunAction::Worker(u, web::now_ms()))) {
                    Ok(r) => *slot = Some(r),
                    Err(e) => return dispatcher.dispatch(RunAction::Refused(e)),
                }
            }
            let id = {
                let mut n = ids.borrow_mut();
                *n = n.wrapping_add(1);
                *n
            };
            if let Some(r) = slot.as_ref() {
                match r.run(id, &scenario) {
                    Ok(()) => {
                        dispatcher.dispatch(RunAction::Started {
                            run_id: id,
                            scenario: Rc::new(scenario),
                            now_ms: web::now_ms(),
                        });
                        let d = dispatcher.clone();
                        gloo::timers::callback::Timeout::new(WATCHDOG_MS, move || {
                            d.dispatch(RunAction::Watchdog { run_id: id })
                        })
                        .forget();
                    }
                    Err(e) => dispatcher.dispatch(RunAction::Refused(e)),
                }
            }
        })
    };
    let run = {
        let run_checked = run_checked.clone();
        Callback::from(move |scenario: Scenario| {
            let problems = Rc::new(crate::ui::problems_of(&scenario));
            run_checked.emit((scenario, problems))
        })
    };
    let cancel = {
        let runner = runner.clone();
        let ids = ids.clone();
        let d = state.dispatcher();
        Callback::from(move |_| {
            let id = *ids.borrow();
            if let Some(r) = runner.borrow().as_ref() {
                r.cancel(id);
                // A worker stuck in a chunk never reads the Cancel: give it up after a while.
                let d = d.clone();
                gloo::timers::callback::Timeout::new(CANCEL_MS, move || {
                    d.dispatch(RunAction::CancelTimeout { run_id: id })
                })
                .forget();
            }
        })
    };
    {
        // A worker the run state gave up on is terminated (dropped); the next run spawns anew.
        let runner = runner.clone();
        use_effect_with(state.workers_lost, move |lost| {
            if *lost > 0 {
                runner.borrow_mut().take();
            }
        });
    }
    {
        // Every 5 s: give up a run whose worker fell silent.
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let interval = gloo::timers::callback::Interval::new(5_000, move || {
                d.dispatch(RunAction::StallCheck {
                    now_ms: web::now_ms(),
                })
            });
            move || drop(interval)
        });
    }
    let dismiss = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(RunAction::DismissMessage))
    };
    SimHandle {
        state,
        run,
        run_checked,
        cancel,
        dismiss,
    }
}

/// `text` cut to at most `max` characters, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
