//! Comparing two designs in the Study panel: the "Compare with" field (none, a design saved in
//! the library, a built-in), and the finished comparison's B − A table (A mean, B mean, the
//! paired difference with its 95 % CI, the variance ratio) with its verdict in sentences.
//!
//! Selectors: `#study-compare` (and `#study-compare-hint`); `#study-comparison` (`data-b`: B's
//! scenario name, `data-replications`) with `#study-compare-verdict` (its sentences
//! `[data-testid=compare-sentence]`) and rows `[data-testid=compare-row]` (`data-metric`: the
//! CSV key, `data-significant`: `higher`, `lower` or `no`).

use crate::study::compare::Comparison;
use crate::ui::library_session as session;
use crate::ui::study_compare::{choices, rows, summary, Choice};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareFieldProps {
    /// The form's value (empty: no comparison).
    pub value: String,
    pub running: bool,
    pub onchange: Callback<Event>,
}

/// The "Compare with" select; the library is read again whenever it takes the focus (another
/// tab may have saved a design since).
#[function_component(CompareField)]
pub fn compare_field(props: &CompareFieldProps) -> Html {
    let list = use_state(load);
    let onfocus = {
        let list = list.clone();
        Callback::from(move |_: FocusEvent| list.set(load()))
    };
    let option = |c: &Choice| {
        html! { <option value={c.value.clone()} selected={c.value == props.value}>{ c.label.clone() }</option> }
    };
    let group = |g: &'static str| list.iter().filter(move |c| c.group == g);
    let saved: Vec<&Choice> = group("saved").collect();
    html! {
        <fieldset class="study-compare" disabled={props.running}>
            <legend>{ "Compare with" }</legend>
            <select id="study-compare" aria-label="Compare with" aria-describedby="study-compare-hint"
                onchange={props.onchange.clone()} {onfocus}>
                <option value="" selected={props.value.is_empty()}>{ "none (this design only)" }</option>
                if !saved.is_empty() {
                    <optgroup label="Saved designs">{ for saved.into_iter().map(option) }</optgroup>
                }
                <optgroup label="Built-in scenarios">{ for group("builtin").map(option) }</optgroup>
            </select>
            <p class="hint" id="study-compare-hint">
                { "Design B runs the same replications after this one (A), with A's seed, fidelity and warm-up (common random numbers, as " }
                <code>{ "study --compare" }</code>{ " does), so B − A is mostly the design's difference. Needs a fixed number of replications." }
            </p>
        </fieldset>
    }
}

/// The choices as the library is now (no saved designs when it cannot be read).
fn load() -> Vec<Choice> {
    let lib = session::load().unwrap_or_default();
    choices(&lib, session::tab().open.as_deref())
}

/// The finished comparison: its verdict in sentences, then the B − A table.
pub fn comparison(c: &Comparison) -> Html {
    let rows = rows(c);
    let verdict = summary(&rows);
    html! {
        <div class="study-comparison" id="study-comparison" data-b={c.b.scenario.clone()}
            data-replications={c.a.replications.to_string()}>
            <h3>{ format!("B − A: {} (B) against {} (A), {} replications with the same seeds", c.b.scenario, c.a.scenario, c.a.replications) }</h3>
            <ul class="compare-verdict" id="study-compare-verdict">
                { for verdict.into_iter().map(|s| html! { <li data-testid="compare-sentence">{ s }</li> }) }
            </ul>
            <table class="incidents compare-table">
                <thead><tr>
                    <th>{ "Metric" }</th><th class="num">{ "A mean" }</th><th class="num">{ "B mean" }</th>
                    <th class="num">{ "B − A (95 % CI)" }</th>
                    <th class="num" title="How many times more replications independent seeds would need for the same interval">{ "Var. ratio" }</th>
                    <th>{ "Verdict" }</th>
                </tr></thead>
                <tbody>
                { for rows.iter().map(|r| {
                    let sig = match r.higher { Some(true) => "higher", Some(false) => "lower", None => "no" };
                    html! {
                        <tr data-testid="compare-row" data-metric={r.metric.csv_key()} data-significant={sig} title={r.sentence.clone()}>
                            <td>{ r.metric.label() }</td>
                            <td class="num">{ r.a.clone() }</td>
                            <td class="num">{ r.b.clone() }</td>
                            <td class="num"><code>{ r.difference.clone() }</code></td>
                            <td class="num">{ r.variance_ratio.clone() }</td>
                            <td class={classes!("compare-verdict-cell", (sig != "no").then_some("significant"))}>{ r.verdict }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <p class="hint">{ "Var. ratio: how many times more replications independent seeds would need for the same interval (the gain of running both designs with the same seeds)." }</p>
        </div>
    }
}
