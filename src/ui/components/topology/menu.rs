//! The "fail at…" menu a right-click on a node opens: schedules a crash of that node at the
//! time typed (`20m`), or says why the text is not a time.

use crate::scenario::Dur;
use crate::ui::context::use_editor;
use crate::ui::state::{crash_at, Action};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailAtMenuProps {
    /// The component to crash.
    pub id: String,
    /// Where the menu shows, in px from the canvas's top-left corner.
    pub left: f64,
    pub top: f64,
    pub onclose: Callback<()>,
}

#[function_component(FailAtMenu)]
pub fn fail_at_menu(props: &FailAtMenuProps) -> Html {
    let ed = use_editor();
    let at = use_state(|| String::from("10m"));
    let error = use_state(|| None::<String>);
    let oninput = {
        let at = at.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            at.set(i.value());
        })
    };
    let onsubmit = {
        let (at, error, onclose) = (at.clone(), error.clone(), props.onclose.clone());
        let (dispatch, id) = (ed.dispatch.clone(), props.id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match Dur::parse(at.trim()) {
                Dur::Valid(us) => {
                    dispatch.emit(Action::AddFault(crash_at(&id, Dur::Valid(us))));
                    error.set(None);
                    onclose.emit(());
                }
                Dur::Invalid(t) => error.set(Some(format!("`{t}` is not a time: e.g. 20m"))),
            }
        })
    };
    let close = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <form class="context-menu" id="fail-at-menu" data-testid="fail-at-menu"
            style={format!("left:{}px;top:{}px", props.left, props.top)} {onsubmit}>
            <label for="fail-at-input">{ format!("Crash {} at", props.id) }</label>
            <input id="fail-at-input" value={(*at).clone()} {oninput} aria-describedby="fail-at-msg" />
            <button type="submit" class="btn small primary" id="fail-at-submit">{ "Fail at…" }</button>
            <button type="button" class="btn small" onclick={close}>{ "Close" }</button>
            if let Some(m) = &*error { <div id="fail-at-msg" class="field-msg" role="alert">{ m.clone() }</div> }
        </form>
    }
}
