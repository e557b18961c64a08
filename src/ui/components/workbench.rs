//! The page's three panes: the topology (palette, watch toggle, canvas, watch bar, fault
//! timeline), the inspector with the problem list, and the results. Editor and run state come
//! from the contexts; only what is the app's own (the watch player, the run's progress) is a
//! prop.

use crate::ui::components::exact::ExactPanel;
use crate::ui::components::inspector::Inspector;
use crate::ui::components::palette::Palette;
use crate::ui::components::problems::Problems;
use crate::ui::components::progress::ProgressBar;
use crate::ui::components::results::Results;
use crate::ui::components::study::StudyPanel;
use crate::ui::components::timeline::Timeline;
use crate::ui::components::topology::Topology;
use crate::ui::components::watch_bar::WatchBar;
use crate::ui::context::{use_editor, use_run};
use crate::ui::hooks::use_study::StudyHandle;
use crate::ui::run::Progress;
use crate::ui::state::Action;
use crate::ui::watch::{Player, PlayerAction};
use yew::prelude::*;

/// What the results area shows.
#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Run,
    Study,
    Exact,
}

#[derive(Properties, PartialEq)]
pub struct WorkbenchProps {
    pub player: UseReducerHandle<Player>,
    /// Watch mode: the global events active at the moment shown.
    pub global: Vec<String>,
    /// The run going on, if one is.
    pub progress: Option<Progress>,
    pub oncancel: Callback<()>,
    /// The results are of an older version of the scenario.
    pub stale: bool,
    pub dark: bool,
    pub onresulterror: Callback<String>,
    /// Issue 15: the Study panel's pool, and opening a replication (scenario, seed) as a run.
    pub study: StudyHandle,
    pub onopenreplication: Callback<(std::rc::Rc<crate::scenario::Scenario>, u64)>,
}

#[function_component(Workbench)]
pub fn workbench(props: &WorkbenchProps) -> Html {
    let editor = use_editor();
    let run = use_run();
    let player = &props.player;
    let onadd = editor
        .dispatch
        .reform(|kind: String| Action::AddComponent { kind, pos: None });
    let onplayer = {
        let d = player.dispatcher();
        Callback::from(move |a| d.dispatch(a))
    };
    let ontoggle = onplayer.reform(|_: MouseEvent| PlayerAction::Toggle);
    // The results area shows the last run, the Study panel (kept mounted, so its form stays) or
    // the exact values (issue 16).
    let shown = use_state_eq(|| Tab::Run);
    let tab = |to: Tab| {
        let t = shown.clone();
        Callback::from(move |_: MouseEvent| t.set(to))
    };
    let onopen = {
        let (t, open) = (shown.clone(), props.onopenreplication.clone());
        Callback::from(move |x| {
            t.set(Tab::Run);
            open.emit(x)
        })
    };
    let (run_tab, study_tab, exact_tab) = (
        *shown == Tab::Run,
        *shown == Tab::Study,
        *shown == Tab::Exact,
    );
    let studying = props.study.state.running.is_some();
    html! {
        <main class="layout">
            <section class="topology" aria-label="Topology">
                <div class="section-head">
                    <h2>{ "Topology" }</h2>
                    <Palette onadd={onadd} />
                    <button class={classes!("btn", "small", player.on.then_some("active"))} id="watch-toggle" data-testid="watch-toggle"
                        aria-pressed={player.on.to_string()} onclick={ontoggle}
                        title="Replay the run: every node's state over time">{ "Watch" }</button>
                </div>
                <Topology />
                if player.on {
                    <WatchBar player={(**player).clone()} horizon_us={editor.scenario.horizon.us()} report={run.report.clone()}
                        global={props.global.clone()} onplayer={onplayer.clone()} />
                }
                <Timeline />
            </section>
            <aside class="inspector" aria-label="Inspector">
                <h2>{ "Inspector" }</h2>
                <Inspector />
                <Problems />
            </aside>
            <section class="results" aria-label="Results">
                <div class="section-head results-tabs">
                    <h2>{ "Results" }</h2>
                    <span class="tabs" role="tablist" aria-label="Results">
                    <button class={classes!("btn", "small", run_tab.then_some("active"))} id="tab-run" data-testid="tab-run" role="tab"
                        aria-selected={run_tab.to_string()} onclick={tab(Tab::Run)} title="The last run: cards, charts, incidents">{ "Run" }</button>
                    <button class={classes!("btn", "small", study_tab.then_some("active"))} id="tab-study" data-testid="tab-study" role="tab"
                        aria-selected={study_tab.to_string()} onclick={tab(Tab::Study)} title="Many replications: mean ± CI, histograms, objectives">
                        { if studying { "Study (running…)" } else { "Study" } }</button>
                    <button class={classes!("btn", "small", exact_tab.then_some("active"))} id="tab-exact" data-testid="tab-exact" role="tab"
                        aria-selected={exact_tab.to_string()} onclick={tab(Tab::Exact)}
                        title="Exact long-run values, no simulation, and which component to improve first">{ "Exact" }</button>
                    </span>
                </div>
                if exact_tab { <ExactPanel /> }
                if run_tab {
                    if let Some(p) = &props.progress { <ProgressBar progress={p.clone()} oncancel={props.oncancel.clone()} /> }
                    <Results report={run.report.clone()} stale={props.stale} dark={props.dark} running={run.running}
                        onerror={props.onresulterror.clone()} onwatch={onplayer.reform(PlayerAction::Seek)} />
                }
                <div hidden={!study_tab}>
                    <StudyPanel study={props.study.clone()} onopen={onopen} onerror={props.onresulterror.clone()} />
                </div>
            </section>
        </main>
    }
}
