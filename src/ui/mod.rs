//! The Yew user interface: components under `components/`, app state as reducers (`state` for
//! the editor, `run` for simulation runs, `watch::Player`), hooks under `hooks/`.
//!
//! Stable selectors for end-to-end tests (ids unless noted):
//! - header: `#run-button` (`[data-testid=run]`), `#cancel-button` while running,
//!   `#scenario-picker`, `#undo-button`, `#redo-button`, `#copy-link-button`, `#import-button`
//!   with `#import-file`, `#export-button`, `#help-button` → `#help-panel`;
//! - library (issue 12): see `components::library` (`#new-button`, `#library-button`,
//!   `#library-panel`, …);
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
//! - timing: when the first results render, `<html data-first-results-ms=…>` (ms since
//!   navigation start) and a `first-results` performance mark;
//! - footer: `#digest`, `#engine-version`, `#status`.

pub mod components;
pub mod form;
pub mod hooks;
pub mod library; // issue 12: the scenario library (model)
pub mod library_session; // issue 12: the model applied through web::library_store
pub mod run;
pub mod state;
pub mod watch;

use crate::scenario::{self, builtins, Problem, Scenario};
use crate::web;
use components::banner::Banner;
use components::footer::Footer;
use components::header::Header;
use components::help::Help;
use components::inspector::Inspector;
use components::palette::Palette;
use components::problems::Problems;
use components::progress::ProgressBar;
use components::results::Results;
use components::timeline::Timeline;
use components::topology::Topology;
use components::watch_bar::WatchBar;
use state::{Action, AppState};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The built-in the page opens on.
pub const DEFAULT_BUILTIN: &str = "liferay-reference";

/// The default built-in scenario.
pub fn default_scenario() -> Scenario {
    builtins::get(DEFAULT_BUILTIN)
        .or_else(|| builtins::all().first())
        .map(|b| b.scenario())
        .unwrap_or_else(|| Scenario {
            version: scenario::FORMAT_VERSION,
            name: "empty".into(),
            description: String::new(),
            seed: 1,
            horizon: scenario::Dur::hours(1),
            fidelity: Default::default(),
            traffic: Default::default(),
            routing: Default::default(),
            sites: Vec::new(),
            site_links: Vec::new(),
            components: Vec::new(),
            faults: Vec::new(),
            metrics: Default::default(),
        })
}

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
            let index = p
                .path
                .strip_prefix("components[")
                .and_then(|r| r.split(']').next())
                .and_then(|n| n.parse::<usize>().ok());
            if let Some(c) = index.and_then(|i| s.components.get(i)) {
                p.component = Some(c.id.clone());
            }
        }
    }
    out.sort_by_key(|p| p.severity);
    out
}

/// The index in a path that starts with `list[`: `item_index("sites[2].rect", "sites")` is 2.
pub fn item_index(path: &str, list: &str) -> Option<usize> {
    path.strip_prefix(list)?
        .strip_prefix('[')?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// The worst problem of each site (by id), for highlighting its box on the canvas.
pub fn site_severities(s: &Scenario, problems: &[Problem]) -> Vec<(String, scenario::Severity)> {
    let mut out: Vec<(String, scenario::Severity)> = Vec::new();
    for p in problems {
        let Some(site) = item_index(&p.path, "sites").and_then(|i| s.sites.get(i)) else {
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

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    // Issue 12: the library decides what this tab opens (a link as a new entry, else its entry).
    let boot = use_memo((), |_| {
        library_session::boot(web::share_fragment(), default_scenario)
    });
    let state = use_reducer(|| AppState::new(boot.scenario.clone()));
    let sim = hooks::use_sim::use_sim();
    // Issue 12: built-ins and imports open as new library entries (None outside LibraryRoot).
    let library = use_context::<components::library::LibraryCtx>();
    let dark = hooks::use_prefers_dark::use_prefers_dark();
    let help = use_reducer(Toggle::default);
    let boot_msg = use_state(|| boot.warning.clone());
    let save_msg = use_state_eq(|| None::<String>);
    let action_msg = use_state_eq(|| None::<String>);
    let info_msg = use_state_eq(|| boot.info.clone());
    let minor_msg = use_state_eq(|| None::<String>);
    let scenario = use_memo(state.scenario.clone(), |s| s.clone());
    let player = use_reducer(watch::Player::default);
    {
        // Advance the watch player while it plays.
        let d = player.dispatcher();
        let horizon_us = state.scenario.horizon.us();
        use_effect_with(
            (player.playing, horizon_us),
            move |(playing, horizon_us)| {
                let horizon_us = *horizon_us;
                let interval = playing.then(|| {
                    gloo::timers::callback::Interval::new(50, move || {
                        d.dispatch(watch::PlayerAction::Tick { horizon_us })
                    })
                });
                move || drop(interval)
            },
        );
    }
    let watched = use_memo(
        (
            state.scenario.clone(),
            player.on,
            player.t_us,
            sim.state.report.clone(),
        ),
        |(s, on, t, r)| {
            on.then(|| {
                // The engine's own trace when the run has one; else reconstructed.
                let (fallback, global) = watch::states_at(s, *t, r.as_deref());
                let states = match r.as_ref().and_then(|r| r.trace.as_ref()) {
                    Some(tr) => watch::states_from_trace(tr, *t),
                    None => fallback,
                };
                (Rc::new(states), global)
            })
        },
    );
    let problems = use_memo(state.scenario.clone(), problems_of);

    // Open already run.
    {
        let run = sim.run.clone();
        let s = state.scenario.clone();
        use_effect_with((), move |_| {
            run.emit(s);
        });
    }
    // The scenario the `#s=` fragment in the address bar stands for: once the work differs, the
    // fragment is removed so that a reload restores the autosave, not the older link.
    let linked = use_mut_ref(|| boot.from_link.then(|| boot.scenario.clone()));
    {
        let from_link = boot.from_link;
        use_effect_with((), move |_| {
            if !from_link {
                web::clear_share_fragment();
            }
        });
    }
    // The tab shows the scenario's name.
    use_effect_with(state.scenario.name.clone(), |name| {
        web::set_title(&format!("{name} · Failover Lab"));
    });
    // Autosave on every change; a failure is shown, not swallowed.
    {
        let save_msg = save_msg.clone();
        let info_msg = info_msg.clone();
        let linked = linked.clone();
        use_effect_with(state.scenario.clone(), move |s| {
            let stale_link = linked.borrow().as_ref().is_some_and(|l| l != s);
            if stale_link {
                *linked.borrow_mut() = None;
                web::clear_share_fragment();
            }
            // Issue 12: into this tab's library entry; a save to a new entry is told.
            match library_session::autosave(s) {
                Ok(note) => {
                    save_msg.set(None);
                    if note.is_some() {
                        info_msg.set(note);
                    }
                }
                Err(e) => save_msg.set(Some(e)),
            }
        });
    }
    // The editor's own notices (refused edits).
    {
        let action_msg = action_msg.clone();
        let minor_msg = minor_msg.clone();
        use_effect_with(state.notice.clone(), move |n| {
            // "Nothing to undo" and the like go to the status line, not a banner.
            match n {
                Some(m) if m.starts_with("Nothing") => minor_msg.set(Some(m.clone())),
                Some(m) => action_msg.set(Some(m.clone())),
                None => minor_msg.set(None),
            }
        });
    }

    let dispatch = {
        let d = state.dispatcher();
        Callback::from(move |a: Action| d.dispatch(a))
    };
    let run_now = {
        let run = sim.run.clone();
        let s = scenario.clone();
        Callback::from(move |_: ()| run.emit((*s).clone()))
    };

    // Keyboard shortcuts.
    {
        let d = state.dispatcher();
        let help = help.dispatcher();
        let run_now = run_now.clone();
        use_effect_with(run_now, move |run_now| {
            let run_now = run_now.clone();
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                // Not passive (gloo's default): the shortcuts call `prevent_default`.
                gloo::events::EventListener::new_with_options(
                    &doc,
                    "keydown",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        let in_field = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .map(|el| {
                                matches!(
                                    el.tag_name().to_ascii_lowercase().as_str(),
                                    "input" | "textarea" | "select"
                                )
                            })
                            .unwrap_or(false);
                        let ctrl = e.ctrl_key() || e.meta_key();
                        let key = e.key();
                        if ctrl && key == "Enter" {
                            e.prevent_default();
                            run_now.emit(());
                            return;
                        }
                        if in_field {
                            return;
                        }
                        let action = match key.as_str() {
                            "z" | "Z" if ctrl && e.shift_key() => Some(Action::Redo),
                            "z" | "Z" if ctrl => Some(Action::Undo),
                            "y" | "Y" if ctrl => Some(Action::Redo),
                            "d" | "D" if ctrl => Some(Action::DuplicateSelected),
                            "a" | "A" if ctrl => Some(Action::SelectAll),
                            "Delete" | "Backspace" => Some(Action::DeleteSelected),
                            "Escape" => {
                                help.dispatch(Some(false));
                                Some(Action::ClearSelection)
                            }
                            "?" => {
                                help.dispatch(None);
                                None
                            }
                            _ => None,
                        };
                        if let Some(a) = action {
                            e.prevent_default();
                            d.dispatch(a);
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    let onpick = {
        let d = state.dispatcher();
        let run = sim.run.clone();
        let action_msg = action_msg.clone();
        let info_msg = info_msg.clone();
        let library = library.clone();
        Callback::from(move |name: String| match builtins::get(&name) {
            Some(b) => {
                let s = b.scenario();
                let info = format!("{}: {}", b.title, b.description);
                let opened = library
                    .as_ref()
                    .is_some_and(|l| l.open_new.emit((s.clone(), Some(info.clone()))));
                if !opened {
                    d.dispatch(Action::Load(Box::new(s.clone())));
                    run.emit(s);
                    info_msg.set(Some(info));
                }
            }
            None => action_msg.set(Some(format!("There is no built-in scenario `{name}`."))),
        })
    };
    let oncopylink = {
        let s = scenario.clone();
        let info_msg = info_msg.clone();
        let action_msg = action_msg.clone();
        let linked = linked.clone();
        Callback::from(move |_| {
            let frag = web::share_link_for(&s);
            match web::set_share_fragment(&frag) {
                Ok(url) => {
                    *linked.borrow_mut() = Some((*s).clone());
                    let len = url.len();
                    info_msg.set(Some(format!(
                        "The link is in the address bar ({len} characters); copying it to the clipboard…"
                    )));
                    let info_msg = info_msg.clone();
                    web::copy_to_clipboard(&url, move |res| {
                        info_msg.set(Some(match res {
                            Ok(()) => format!(
                                "Link copied ({len} characters); it is also in the address bar."
                            ),
                            Err(e) => format!(
                                "The link is in the address bar ({len} characters); the browser did not allow copying it ({e})."
                            ),
                        }))
                    });
                }
                Err(e) => action_msg.set(Some(e)),
            }
        })
    };
    let onimport = {
        let d = state.dispatcher();
        let action_msg = action_msg.clone();
        let info_msg = info_msg.clone();
        let run = sim.run.clone();
        let library = library.clone();
        Callback::from(move |file: web_sys::File| {
            let library = library.clone();
            let run = run.clone();
            let d = d.clone();
            let action_msg = action_msg.clone();
            let info_msg = info_msg.clone();
            let name = file.name();
            web::read_file_text(file, move |res| {
                match res.map(|t| scenario::parse_json(&t)) {
                    Ok(Ok(s)) => {
                        let info = format!("Imported `{name}` as a new entry in the Library.");
                        let opened = library
                            .as_ref()
                            .is_some_and(|l| l.open_new.emit((s.clone(), Some(info))));
                        if !opened {
                            d.dispatch(Action::Load(Box::new(s.clone())));
                            run.emit(s);
                            info_msg.set(Some(format!("Imported `{name}`.")));
                        }
                    }
                    Ok(Err(ps)) => {
                        let list: Vec<String> = ps.iter().take(5).map(|p| p.to_string()).collect();
                        action_msg.set(Some(format!(
                            "`{name}` is not a Failover Lab scenario: {}. Your work is unchanged.",
                            list.join("; ")
                        )));
                    }
                    Err(e) => action_msg.set(Some(e)),
                }
            })
        })
    };
    let onexport = {
        let s = scenario.clone();
        let action_msg = action_msg.clone();
        Callback::from(move |_| {
            let res = serde_json::to_string_pretty(&*s)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    web::download_text(
                        &format!(
                            "{}.json",
                            if s.name.is_empty() {
                                "scenario"
                            } else {
                                &s.name
                            }
                        ),
                        "application/json",
                        &t,
                    )
                });
            if let Err(e) = res {
                action_msg.set(Some(e));
            }
        })
    };
    let act = |a: Action| {
        let d = state.dispatcher();
        Callback::from(move |_: ()| d.dispatch(a.clone()))
    };
    let onhelp = {
        let h = help.dispatcher();
        Callback::from(move |_: ()| h.dispatch(None))
    };
    let onclosehelp = {
        let h = help.dispatcher();
        Callback::from(move |_: ()| h.dispatch(Some(false)))
    };
    let onadd = {
        let d = state.dispatcher();
        Callback::from(move |kind: String| d.dispatch(Action::AddComponent { kind, pos: None }))
    };
    let onresulterror = {
        let m = action_msg.clone();
        Callback::from(move |e: String| m.set(Some(e)))
    };

    let run_state = &*sim.state;
    let running = run_state.running.is_some();
    let report = run_state.report.clone();
    let stale = run_state.is_stale(&state.scenario);
    let dismiss = |h: &UseStateHandle<Option<String>>| {
        let h = h.clone();
        Callback::from(move |_: ()| h.set(None))
    };
    let run_msg_dismiss = sim.dismiss.clone();
    let status = match (&*save_msg, running) {
        (Some(_), _) => "autosave failed".to_string(),
        (None, true) => "running…".to_string(),
        (None, false) if minor_msg.is_some() => (*minor_msg).clone().unwrap_or_default(),
        (None, false) => format!(
            "autosaved · {} component(s) · {} fault(s)",
            state.scenario.components.len(),
            state.scenario.faults.len()
        ),
    };

    html! {
        <div class={classes!("app", dark.then_some("dark"))}>
            <Header library={html! { <components::library::LibraryButtons /> }} running={running} can_undo={state.can_undo()} can_redo={state.can_redo()} help_open={help.0}
                onpick={onpick} onrun={run_now.clone()} oncancel={sim.cancel.clone()} oncopylink={oncopylink}
                onimport={onimport} onexport={onexport} onundo={act(Action::Undo)} onredo={act(Action::Redo)} onhelp={onhelp} />
            <div class="banners">
                if let Some(m) = &*boot_msg { <Banner id="link-error" message={m.clone()} ondismiss={dismiss(&boot_msg)} /> }
                if let Some(m) = &*save_msg { <Banner id="autosave-error" message={m.clone()} ondismiss={dismiss(&save_msg)} /> }
                if let Some(m) = &*action_msg { <Banner id="action-error" level="warning" message={m.clone()} ondismiss={dismiss(&action_msg)} /> }
                if let Some(m) = &run_state.message { <Banner id="run-error" level="warning" message={m.clone()} ondismiss={run_msg_dismiss} /> }
                if let Some(m) = &*info_msg { <Banner id="info" level="info" message={m.clone()} ondismiss={dismiss(&info_msg)} /> }
            </div>
            if help.0 { <Help onclose={onclosehelp} /> }
            <main class="layout">
                <section class="topology" aria-label="Topology">
                    <div class="section-head">
                        <h2>{ "Topology" }</h2>
                        <Palette onadd={onadd} />
                        <button class={classes!("btn", "small", player.on.then_some("active"))} id="watch-toggle" data-testid="watch-toggle"
                            aria-pressed={player.on.to_string()} onclick={{ let d = player.dispatcher(); Callback::from(move |_| d.dispatch(watch::PlayerAction::Toggle)) }}
                            title="Replay the run: every node's state over time">{ "Watch" }</button>
                    </div>
                    <Topology scenario={scenario.clone()} selection={state.selection.clone()} problems={problems.clone()} ondispatch={dispatch.clone()}
                        watch={(*watched).as_ref().map(|(w, _)| w.clone())} />
                    if player.on {
                        <WatchBar player={(*player).clone()} horizon_us={state.scenario.horizon.us()} report={report.clone()}
                            global={(*watched).as_ref().map(|(_, g)| g.clone()).unwrap_or_default()}
                            onplayer={{ let d = player.dispatcher(); Callback::from(move |a| d.dispatch(a)) }} />
                    }
                    <Timeline scenario={scenario.clone()} selection={state.selection.clone()} ondispatch={dispatch.clone()} problems={problems.clone()}
                        cursor_us={player.on.then_some(player.t_us)} />
                </section>
                <aside class="inspector" aria-label="Inspector">
                    <h2>{ "Inspector" }</h2>
                    <Inspector scenario={scenario.clone()} selection={state.selection.clone()} problems={problems.clone()} ondispatch={dispatch.clone()} report={report.clone()} />
                    <Problems problems={problems.clone()} ondispatch={dispatch.clone()}
                        sites={Rc::new(state.scenario.sites.iter().map(|x| x.id.clone()).collect::<Vec<_>>())} />
                </aside>
                <section class="results" aria-label="Results">
                    <h2>{ "Results" }</h2>
                    if let Some(p) = &run_state.running { <ProgressBar progress={p.clone()} oncancel={sim.cancel.clone()} /> }
                    <Results report={report.clone()} stale={stale} dark={dark} running={running} onerror={onresulterror} />
                </section>
            </main>
            <Footer engine_version={report.as_ref().map(|r| r.engine_version.clone()).filter(|v| !v.is_empty()).unwrap_or_else(|| crate::ENGINE_VERSION.to_string())}
                digest={report.as_ref().map(|r| r.digest.clone())} status={status} />
        </div>
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
        assert_eq!(item_index("sites[2].rect", "sites"), Some(2));
        assert_eq!(item_index("faults[10]", "faults"), Some(10));
        assert_eq!(item_index("site_links[0]", "sites"), None);
        assert_eq!(item_index("sites[x]", "sites"), None);
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
