//! The list of the scenario's problems (errors stop a run; warnings such as single points of
//! failure do not); clicking one selects the component it is about.

use crate::scenario::{Problem, Severity};
use crate::ui::state::{Action, Sel};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub problems: Rc<Vec<Problem>>,
    pub ondispatch: Callback<Action>,
}

#[function_component(Problems)]
pub fn problems(props: &ProblemsProps) -> Html {
    let errors = props
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = props.problems.len() - errors;
    html! {
        <section class="problem-list" id="problems" data-testid="problems" aria-label="Problems">
            <h3>{ format!("Problems: {errors} error(s), {warnings} warning(s)") }</h3>
            if props.problems.is_empty() {
                <p class="hint">{ "No problems found." }</p>
            }
            <ul class="problems">
                { for props.problems.iter().map(|p| {
                    let cls = match p.severity { Severity::Error => "error", Severity::Warning => "warning" };
                    let body = html! { <><span class="sev">{ cls }</span><code>{ p.path.clone() }</code>{ " " }{ p.message.clone() }</> };
                    match &p.component {
                        Some(c) => {
                            let d = props.ondispatch.clone();
                            let c2 = c.clone();
                            let onclick = Callback::from(move |_| d.emit(Action::Select(Sel::Component(c2.clone()))));
                            html! { <li class={cls} data-component={c.clone()}><button class="linklike" {onclick}>{ body }</button></li> }
                        }
                        None => html! { <li class={cls}>{ body }</li> },
                    }
                }) }
            </ul>
        </section>
    }
}
