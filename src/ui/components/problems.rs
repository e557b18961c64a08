//! The list of the scenario's problems (errors stop a run; warnings such as single points of
//! failure do not); clicking one selects the component, site or fault it is about.

use crate::scenario::Severity;
use crate::ui::state::{Action, Sel};
use yew::prelude::*;

/// Reads the problems and the scenario's sites (a problem under `sites[i]` selects that site)
/// from [`EditorContext`](crate::ui::context::EditorContext).
/// Problems listed at first (and per "Show more"): a hostile file can carry thousands.
pub const PROBLEM_ROWS: usize = 100;

#[function_component(Problems)]
pub fn problems() -> Html {
    let ed = crate::ui::context::use_editor();
    let shown = use_state(|| PROBLEM_ROWS);
    let errors = ed
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = ed.problems.len() - errors;
    html! {
        <section class="problem-list" id="problems" data-testid="problems" aria-label="Problems">
            <h3>{ format!("Problems: {errors} error(s), {warnings} warning(s)") }</h3>
            if ed.problems.is_empty() {
                <p class="hint">{ "No problems found." }</p>
            }
            <ul class="problems">
                { for ed.problems.iter().take(*shown).map(|p| {
                    let cls = match p.severity { Severity::Error => "error", Severity::Warning => "warning" };
                    let body = html! { <><span class="sev">{ cls }</span><code>{ p.path.clone() }</code>{ " " }{ p.message.clone() }</> };
                    // What clicking it selects: the component, else the site or fault of its path.
                    let site = crate::ui::item_index(&p.path, "sites").and_then(|i| ed.scenario.sites.get(i)).map(|x| &x.id);
                    let target = match (&p.component, site) {
                        (Some(c), _) => Some(Sel::Component(c.clone())),
                        (None, Some(id)) => Some(Sel::Site(id.clone())),
                        (None, None) => crate::ui::item_index(&p.path, "faults").map(Sel::Fault),
                    };
                    match target {
                        Some(sel) => {
                            let d = ed.dispatch.clone();
                            let onclick = Callback::from(move |_| d.emit(Action::Select(sel.clone())));
                            html! { <li class={cls} data-component={p.component.clone()} data-site={site.cloned()}>
                                <button class="linklike" {onclick}>{ body }</button></li> }
                        }
                        None => html! { <li class={cls}>{ body }</li> },
                    }
                }) }
            </ul>
            <super::ShowMore total={ed.problems.len()} shown={*shown} step={PROBLEM_ROWS} what="problems"
                onmore={{ let shown = shown.clone(); Callback::from(move |n| shown.set(n)) }} />
        </section>
    }
}
