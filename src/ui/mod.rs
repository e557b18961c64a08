//! The Yew user interface: components under `components/`, app state as a reducer.

pub mod state;

use yew::prelude::*;

/// The whole page: header, topology area, inspector and results.
#[function_component(App)]
pub fn app() -> Html {
    let help_open = use_state(|| false);
    let toggle_help = {
        let help_open = help_open.clone();
        Callback::from(move |_| help_open.set(!*help_open))
    };
    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{ "Failover Lab" }</h1>
                <span class="tagline">{ "fault-tolerance architecture simulator" }</span>
                <button id="help-button" class="btn" aria-expanded={(*help_open).to_string()} onclick={toggle_help}>{ "Help" }</button>
            </header>
            if *help_open {
                <section id="help-panel" class="help" aria-label="Help">
                    <h2>{ "Help" }</h2>
                    <p>{ "Wire a topology, inject failures, run, and see what your users would see." }</p>
                </section>
            }
            <main class="layout">
                <section class="topology" aria-label="Topology"><h2>{ "Topology" }</h2></section>
                <aside class="inspector" aria-label="Inspector"><h2>{ "Inspector" }</h2></aside>
                <section class="results" aria-label="Results"><h2>{ "Results" }</h2></section>
            </main>
        </div>
    }
}
