//! Issue 16: the Exact tab of the results area: the scenario's exact long-run values and the
//! "improve this first" ranking, recomputed with the scenario (`exact::view`, pure and tested
//! natively; this only draws it). Clicking a row selects that component in the inspector.

use crate::exact::view::{ExactView, Values, NO_FAILURES};
use crate::ui::context::use_editor;
use crate::ui::state::{Action, Sel};
use yew::prelude::*;

#[function_component(ExactPanel)]
pub fn exact_panel() -> Html {
    let ed = use_editor();
    let body = match &*ed.exact {
        ExactView::Invalid(m) => {
            html! { <p class="hint" id="exact-invalid" role="status">{ m.clone() }</p> }
        }
        ExactView::NoFailures => {
            html! { <p class="hint" id="exact-none" role="status">{ NO_FAILURES }</p> }
        }
        ExactView::Values(v) => values(v, &ed.selection, &ed.dispatch),
    };
    html! {
        <div class="exact-panel" id="exact-panel" data-testid="exact-panel">
            <p class="hint">{ "Long-run values from the model, no simulation: they follow every edit." }</p>
            { body }
        </div>
    }
}

fn values(v: &Values, selection: &[Sel], dispatch: &Callback<Action>) -> Html {
    let rows = v.ranking.iter().map(|r| {
        let select = dispatch.reform({
            let id = r.id.clone();
            move |_: MouseEvent| Action::Select(Sel::Component(id.clone()))
        });
        let selected = selection.contains(&Sel::Component(r.id.clone()));
        let top = v.top.as_deref() == Some(r.id.as_str());
        html! {
            <tr class={classes!("exact-row", top.then_some("top"), selected.then_some("selected"))}
                data-component={r.id.clone()} data-rank={r.rank.to_string()}>
                <td>{ r.rank }</td>
                <td><button class="link" onclick={select} title="Select it in the inspector">{ r.id.clone() }</button></td>
                <td>{ r.downtime.clone() }</td>
                <td>{ r.one_more_node.clone() }</td>
                <td>{ r.mttr_tenth.clone() }</td>
                <td>{ r.birnbaum.clone() }</td>
            </tr>
        }
    });
    html! {
        <>
            <div class="cards" id="exact-values">
                { for v.figures.iter().map(|f| html! {
                    <div class="card" id={format!("exact-{}", f.key)} data-testid={format!("exact-{}", f.key)} title={f.hint.clone()}>
                        <div class="card-label">{ f.label }</div>
                        <div class="card-value">{ f.value.clone() }</div>
                        <div class="card-hint">{ f.hint.clone() }</div>
                    </div>
                }) }
            </div>
            <h3>{ "Improve this first" }</h3>
            <table class="incidents exact-ranking" id="exact-ranking">
                <thead><tr>
                    <th>{ "#" }</th><th>{ "Component" }</th><th title="service downtime it causes">{ "Causes" }</th>
                    <th title="downtime per year saved by one more node (a hot replica for a database)">{ "+1 node" }</th>
                    <th title="downtime per year saved by a ten times shorter MTTR">{ "MTTR ÷ 10" }</th>
                    <th title="request availability with it perfect minus with it failed">{ "Birnbaum" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if !v.not_modelled.is_empty() {
                <div class="exact-not-modelled" id="exact-not-modelled">
                    <h3>{ "Not modelled (the values leave these out)" }</h3>
                    <ul>{ for v.not_modelled.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                </div>
            }
        </>
    }
}
