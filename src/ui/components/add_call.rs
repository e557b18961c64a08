//! "Add a call to…" in the inspector: picking a target (with the mouse or the arrow keys) only
//! chooses it; the Add button (or Enter in the list) makes the call. Targets that would close
//! a cycle are listed disabled, with the reason, and the reducer refuses them anyway.

use crate::ui::context::use_editor;
use crate::ui::state::{call_candidates, Action};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AddCallProps {
    /// The component that would make the call.
    pub from: String,
}

#[function_component(AddCall)]
pub fn add_call(props: &AddCallProps) -> Html {
    let ed = use_editor();
    let chosen = use_state(String::new);
    let candidates = call_candidates(&ed.scenario, &props.from);
    // A choice that is no longer offered (connected meanwhile, other component) is dropped.
    let pick = candidates
        .iter()
        .find(|(id, cycle)| !cycle && *id == *chosen)
        .map(|(id, _)| id.clone());
    let onchange = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            chosen.set(sel.value());
        })
    };
    let commit = {
        let (d, from, chosen, pick) = (
            ed.dispatch.clone(),
            props.from.clone(),
            chosen.clone(),
            pick.clone(),
        );
        Callback::from(move |()| {
            if let Some(to) = pick.clone() {
                d.emit(Action::Connect {
                    from: from.clone(),
                    to,
                });
                chosen.set(String::new());
            }
        })
    };
    let onkeydown = {
        let commit = commit.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                commit.emit(());
            }
        })
    };
    let any = candidates.iter().any(|(_, cycle)| !cycle);
    let options = candidates.iter().map(|(id, cycle)| {
        let label = if *cycle {
            format!("{id} (would make a cycle)")
        } else {
            id.clone()
        };
        html! { <option value={id.clone()} disabled={*cycle} selected={pick.as_deref() == Some(id.as_str())}>{ label }</option> }
    });
    html! {
        <div class="add-call">
            <label class="sr-only" for="add-call">{ "Add a call to another component" }</label>
            <select id="add-call" data-testid="add-call" {onchange} {onkeydown} disabled={!any}>
                <option value="" selected={pick.is_none()}>{ if any { "Add a call to…" } else { "Nothing to call" } }</option>
                { for options }
            </select>
            <button class="btn small" id="add-call-button" disabled={pick.is_none()}
                onclick={commit.reform(|_: MouseEvent| ())}
                title="Make the call chosen in the list (Enter in the list does the same)">{ "Add" }</button>
        </div>
    }
}
