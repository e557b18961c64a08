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
                    let site = p.location.site_index().and_then(|i| ed.scenario.sites.get(i)).map(|x| &x.id);
                    let target = match (&p.component, site) {
                        (Some(c), _) => Some(Sel::Component(c.clone())),
                        (None, Some(id)) => Some(Sel::Site(id.clone())),
                        (None, None) => p.location.fault_index().map(Sel::Fault),
                    };
                    // Anything else is a scenario setting: the settings open (nothing selected)
                    // and the field the path names is brought into view and focused.
                    let d = ed.dispatch.clone();
                    let field = crate::ui::components::field::dom_id(settings_field(&p.path));
                    let onclick = Callback::from(move |_| match &target {
                        Some(sel) => d.emit(Action::Select(sel.clone())),
                        None => {
                            d.emit(Action::ClearSelection);
                            focus_later(field.clone());
                        }
                    });
                    html! { <li class={cls} data-component={p.component.clone()} data-site={site.cloned()} data-path={p.path.clone()}>
                        <button class="linklike" {onclick}>{ body }</button></li> }
                }) }
            </ul>
            <super::ShowMore total={ed.problems.len()} shown={*shown} step={PROBLEM_ROWS} what="problems"
                onmore={{ let shown = shown.clone(); Callback::from(move |n| shown.set(n)) }} />
        </section>
    }
}

/// The settings field a problem's path is about: its first two parts (`traffic.entry` of
/// `traffic.entry[0]`, `horizon`).
fn settings_field(path: &str) -> &str {
    let end = path
        .char_indices()
        .filter(|&(_, c)| c == '.' || c == '[')
        .nth(1)
        .map_or(path.len(), |(i, _)| i);
    let first = path.find('[').unwrap_or(path.len());
    &path[..end.min(first)]
}

/// Once the settings are drawn, scrolls the element `id` into view and focuses it (or its
/// first control).
fn focus_later(id: String) {
    gloo::timers::callback::Timeout::new(0, move || {
        let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
        else {
            return;
        };
        el.scroll_into_view();
        let control = el
            .query_selector("input, select, textarea")
            .ok()
            .flatten()
            .unwrap_or(el);
        if let Some(h) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&control) {
            let _ = h.focus();
        }
    })
    .forget();
}

#[cfg(test)]
mod tests {
    use super::settings_field;

    #[test]
    fn a_settings_problem_points_at_its_field() {
        assert_eq!(settings_field("traffic.entry"), "traffic.entry");
        assert_eq!(settings_field("traffic.entry[0]"), "traffic.entry");
        assert_eq!(settings_field("traffic.profile.peak"), "traffic.profile");
        assert_eq!(settings_field("horizon"), "horizon");
        assert_eq!(settings_field("site_links[1].a"), "site_links");
    }
}
