//! The Yew user interface, mounted by `src/bin/app.rs`: components under `components/`, app
//! state as reducers (`state` for the editor, `run` for simulation runs, `messages` for the
//! banners and status line, `watch::Player`), hooks under `hooks/` (the worker, shortcuts,
//! autosave, watch mode), and the `context` providers through which the views read the editor
//! and the run. `boot` decides what the page opens on; `commands` are the header's.
//!
//! Stable selectors for end-to-end tests (ids unless noted):
//! - header: `#run-button` (`[data-testid=run]`), `#cancel-button` while running,
//!   `#scenario-picker`, `#undo-button`, `#redo-button`, `#copy-link-button`, `#import-button`
//!   with `#import-file`, `#export-button`, `#help-button` → `#help-panel`;
//! - library (issue 12): see `components::library` (`#new-button`, `#library-button`,
//!   `#library-panel`, …);
//! - lessons (issue 17): `#lessons-button`, the overview and the side panel: see
//!   `components::lessons` and `components::lesson_panel`;
//! - banners: `#link-error` (bad share link, unreadable saved copies), `#autosave-error`,
//!   `#action-error` (refused edit or import), `#run-error` (cannot run, cancelled, worker
//!   silent), `#info`;
//! - canvas: `#topology-canvas`; nodes `[data-node-id=ID]` (also `#node-ID`,
//!   `[data-testid=node-ID]`, `data-state` in watch mode); connect handles
//!   `[data-handle-for=ID]`; edges `[data-edge="A->B"]`; sites `[data-site-id=ID]` with the
//!   corner handle `[data-resize-site=ID]`; the rubber band `#selection-band` while dragging;
//!   view tools `#zoom-in`, `#zoom-out`, `#zoom-fit`, `#pan-tool`, `#add-site`; palette
//!   `#palette-KIND` (`load_balancer`, `web`, `app`, `cache`, `queue`, `database`,
//!   `search_index`, `doc_store`); `#fail-at-menu`, `#fail-at-input`, `#fail-at-submit`;
//! - timeline: `#fault-timeline`, `#fault-kind`, `#add-fault`, `[data-testid=fault-marker-N]`,
//!   `[data-testid=fault-row-N]`; watch: `#watch-toggle`, `#watch-play`, `#watch-time`;
//! - inspector: `#inspector`, fields `#f-` + the JSON path with non-alphanumerics as `-`
//!   (`#f-components-2--spec-app-nodes`), messages `#f-…-msg`; `#group-into-site`,
//!   `#delete-selected`, a site's `#site-members`; `#problems`;
//! - run and results: `#run-progress`, `#progress-bar`, `#progress-cancel`, `#results`,
//!   `#card-request-availability` (and `nines`, `time-availability`, `downtime-per-year`,
//!   `lost-sessions`, `lost-writes`, `worst-rpo`, `mean-rto`, `worst-rto`), `#chart-KEY`,
//!   `#incident-table` with `[data-testid=incident-row]`, `#results-stale`; exports
//!   `#export-report-json`, `#export-report-csv`, `#chart-KEY button` (PNG);
//! - results tabs (issue 15): `#tab-run`, `#tab-study`; the Study panel's selectors are listed
//!   in `components::study` and `components::study_results`;
//! - timing: when the first results render, `<html data-first-results-ms=…>` (ms since
//!   navigation start) and a `first-results` performance mark;
//! - footer: `#digest`, `#engine-version`, `#status`.

pub mod boot;
pub mod commands;
pub mod components;
pub mod context;
pub mod form;
pub mod hooks;
pub mod lesson_session; // issue 17: lesson progress and links through web::library_store
pub mod lessons; // issue 17: the lesson player's state (pure)
#[cfg(test)]
mod lessons_tests;
pub mod library; // issue 12: the scenario library (model)
pub mod library_session; // issue 12: the model applied through web::library_store
pub mod messages;
pub mod run;
pub mod state;
pub mod study;
pub mod study_compare; // the Study panel's comparison of two designs (pure)
pub mod watch;

pub use boot::{default_scenario, Boot, DEFAULT_BUILTIN};

use crate::scenario::{self, Problem, Scenario};
use crate::web;
use commands::Commands;
use components::banner::Banners;
use components::footer::Footer;
use components::header::Header;
use components::help::Help;
use components::workbench::Workbench;
use context::{EditorContext, RunContext};
use messages::{MessageAction, Messages, Slot};
use state::{Action, AppState};
use std::rc::Rc;
use yew::prelude::*;

/// The scenario's problems: errors (when it does not compile) and warnings.
pub fn problems_of(s: &Scenario) -> Vec<Problem> {
    // `compile` validates first: its errors, or the warnings of a runnable scenario.
    let mut out = match scenario::compile(s) {
        Ok(c) => c.warnings,
        Err(ps) => ps,
    };
    // A problem under `components[i]` is about that component, for highlighting; one that names
    // something else (a site's single point of failure names the site) is highlighted by path.
    for p in &mut out {
        if p.component
            .as_ref()
            .is_some_and(|c| !s.components.iter().any(|x| x.id == *c))
        {
            p.component = None;
        }
        if p.component.is_none() {
            let index = p.location.component_index();
            if let Some(c) = index.and_then(|i| s.components.get(i)) {
                p.component = Some(c.id.clone());
            }
        }
    }
    out.sort_by_key(|p| p.severity);
    out
}

/// The worst problem of each site (by id), for highlighting its box on the canvas.
pub fn site_severities(s: &Scenario, problems: &[Problem]) -> Vec<(String, scenario::Severity)> {
    let mut out: Vec<(String, scenario::Severity)> = Vec::new();
    for p in problems {
        let Some(site) = p.location.site_index().and_then(|i| s.sites.get(i)) else {
            continue;
        };
        match out.iter_mut().find(|(id, _)| *id == site.id) {
            Some((_, sev)) => *sev = (*sev).min(p.severity),
            None => out.push((site.id.clone(), p.severity)),
        }
    }
    out
}

/// Toggles a panel (`None` flips it).
#[derive(Clone, Copy, Default, PartialEq)]
pub struct Toggle(pub bool);

impl Reducible for Toggle {
    type Action = Option<bool>;
    fn reduce(self: Rc<Self>, a: Option<bool>) -> Rc<Self> {
        Rc::new(Toggle(a.unwrap_or(!self.0)))
    }
}

/// Issue 15: a study's replication opens as an ordinary run of the study's scenario with its
/// seed (loaded into the editor, so Undo goes back to the scenario as it was).
fn open_replication(
    d: UseReducerDispatcher<AppState>,
    run: Callback<Scenario>,
) -> Callback<(Rc<Scenario>, u64)> {
    Callback::from(move |(s, seed): (Rc<Scenario>, u64)| {
        let mut one = (*s).clone();
        one.seed = seed;
        d.dispatch(Action::Load(Box::new(one.clone())));
        run.emit(one);
    })
}

/// The whole page: the editor, run and message reducers, the hooks that keep them (autosave,
/// shortcuts, watch mode), and the two contexts its views read.
#[function_component(App)]
pub fn app() -> Html {
    // Issue 12: the library decides what this tab opens (a link as a new entry, else its entry).
    let booted = use_memo((), |_| {
        library_session::boot(web::share_fragment(), default_scenario)
    });
    let boot = Rc::new(booted.boot.clone());
    let state = use_reducer(|| AppState::new(boot.scenario.clone()));
    let messages = use_reducer_eq(|| Messages::at_start(boot.message.clone()));
    {
        let (m, info) = (messages.dispatcher(), booted.info.clone());
        use_effect_with((), move |_| {
            if let Some(i) = info {
                m.dispatch(MessageAction::Show(Slot::Info, i))
            }
        });
    }
    let sim = hooks::use_sim::use_sim();
    let study = hooks::use_study::use_study();
    let dark = hooks::use_prefers_dark::use_prefers_dark();
    let help = use_reducer(Toggle::default);
    let lessons_open = use_reducer(Toggle::default); // issue 17
    let scenario = use_memo(state.scenario.clone(), |s| s.clone());
    let problems = use_memo(state.scenario.clone(), problems_of);
    let exact = use_memo(state.scenario.clone(), crate::exact::view::ExactView::of);
    let selection = use_memo(state.selection.clone(), |s| s.clone());
    let report = sim.state.report.clone();
    let watch = hooks::use_watch::use_watch(&state.scenario, report.clone());
    let linked =
        hooks::use_persistence::use_persistence(&boot, &state.scenario, messages.dispatcher());
    {
        // Open already run, with the problems found for the page (checked once, issue 13).
        let (run, s, ps) = (
            sim.run_checked.clone(),
            state.scenario.clone(),
            problems.clone(),
        );
        use_effect_with((), move |_| run.emit((s, ps)));
    }
    {
        // The editor's notices: a refusal in the action banner, a shrug in the status line.
        let m = messages.dispatcher();
        use_effect_with(state.notice.clone(), move |n| {
            m.dispatch(MessageAction::Editor(n.clone()))
        });
    }
    let dispatch = {
        let d = state.dispatcher();
        Callback::from(move |a: Action| d.dispatch(a))
    };
    let run_now = {
        let (run, s, ps) = (sim.run_checked.clone(), scenario.clone(), problems.clone());
        Callback::from(move |_: ()| run.emit(((*s).clone(), ps.clone())))
    };
    let open_replication = open_replication(state.dispatcher(), sim.run.clone());
    let help_to = {
        let h = help.dispatcher();
        Callback::from(move |open: Option<bool>| h.dispatch(open))
    };
    let lessons_to = {
        let h = lessons_open.dispatcher();
        Callback::from(move |open: Option<bool>| h.dispatch(open))
    };
    hooks::use_shortcuts::use_shortcuts(dispatch.clone(), help_to.clone(), run_now.clone());
    // Issue 12: built-ins and imports open as new library entries.
    let library = use_context::<components::library::LibraryCtx>();
    let commands = Commands::new(&commands::Targets {
        editor: state.dispatcher(),
        messages: messages.dispatcher(),
        run: sim.run.clone(),
        scenario: scenario.clone(),
        linked,
        library,
    });

    let editor = EditorContext {
        scenario,
        selection,
        problems,
        exact,
        dispatch,
    };
    let running = sim.state.running.is_some();
    let run = RunContext {
        report: report.clone(),
        report_scenario: sim.state.report_scenario.clone(),
        running,
        watch: watch.states.clone(),
        cursor_us: watch.player.on.then_some(watch.player.t_us),
    };
    let on_message = {
        let m = messages.dispatcher();
        Callback::from(move |a: MessageAction| m.dispatch(a))
    };
    let status = messages.status_line(
        running,
        state.scenario.components.len(),
        state.scenario.faults.len(),
    );
    let engine_version = report
        .as_ref()
        .map(|r| r.engine_version.clone())
        .filter(|v| !v.is_empty());
    html! {
        <ContextProvider<EditorContext> context={editor.clone()}>
        <ContextProvider<RunContext> context={run}>
        <div class={classes!("app", dark.then_some("dark"))}>
            <Header library={html! { <>
                    <components::library::LibraryButtons />
                    <components::lessons::LessonsButton open={lessons_open.0} ontoggle={lessons_to.reform(|_| None)} />
                </> }} running={running} can_undo={state.can_undo()} can_redo={state.can_redo()} help_open={help.0}
                onpick={commands.pick} onrun={run_now} oncancel={sim.cancel.clone()} oncopylink={commands.copy_link}
                onimport={commands.import} onexport={commands.export} onundo={editor.act(Action::Undo)}
                onredo={editor.act(Action::Redo)} onhelp={help_to.reform(|_| None)} />
            <Banners messages={(*messages).clone()} ondispatch={on_message.clone()}
                run_message={sim.state.message.clone()} ondismissrun={sim.dismiss.clone()} />
            if help.0 { <Help onclose={help_to.reform(|_| Some(false))} /> }
            <components::lessons::LessonHost overview={lessons_open.0} onoverview={lessons_to} onrun={sim.run.clone()}>
            <Workbench player={watch.player.clone()} global={watch.global.clone()} progress={sim.state.running.clone()}
                oncancel={sim.cancel.clone()} stale={sim.state.is_stale(&state.scenario)} dark={dark}
                onresulterror={on_message.reform(|e| MessageAction::Show(Slot::Action, e))}
                study={study.clone()} onopenreplication={open_replication} />
            </components::lessons::LessonHost>
            <Footer engine_version={engine_version.unwrap_or_else(|| crate::ENGINE_VERSION.to_string())}
                digest={report.as_ref().map(|r| r.digest.clone())} status={status} />
        </div>
        </ContextProvider<RunContext>>
        </ContextProvider<EditorContext>>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_include_validation_errors_with_paths() {
        let mut s = default_scenario();
        s.horizon = scenario::Dur::Invalid("soon".into());
        let ps = problems_of(&s);
        assert!(
            ps.iter()
                .any(|p| p.path == "horizon" && p.severity == scenario::Severity::Error),
            "{ps:?}"
        );
    }

    #[test]
    fn site_and_fault_problems_are_found_by_path() {
        // A site that every client depends on is a single point of failure: its box is marked.
        let st = state::AppState::new(default_scenario()).apply(state::Action::AddSite {
            rect: [-1000, -1000, 5000, 5000],
        });
        let ps = problems_of(&st.scenario);
        let sev = site_severities(&st.scenario, &ps);
        assert_eq!(sev.len(), 1, "{ps:?}");
        assert_eq!(sev[0].0, "site");
        assert_eq!(sev[0].1, scenario::Severity::Warning);
        // It names no component, so clicking it selects the site, not a missing component.
        assert!(ps
            .iter()
            .filter(|p| p.path.starts_with("sites["))
            .all(|p| p.component.is_none()));
        assert!(site_severities(&default_scenario(), &problems_of(&default_scenario())).is_empty());
    }

    #[test]
    fn toggle_flips_and_sets() {
        let t = Rc::new(Toggle(false));
        let t = t.reduce(None);
        assert!(t.0);
        let t = t.reduce(Some(false));
        assert!(!t.0);
    }
}
