//! The Study panel (the results area's Study tab): the stopping rule (N replications, or until
//! a metric's 95 % CI half-width is small enough, with a maximum), the fidelity, the warm-up
//! (the scenario's own, a duration, or `auto`: MSER-5 on pilot runs), the design to compare
//! with (none, a saved design, a built-in: design B runs the same replications after this one,
//! A), the scenario's `slo` section as the targets; Run study / Cancel; progress with live
//! estimates while the pool works; then the finished study (`study_results`).
//!
//! Selectors: `#study-panel`, `#study-mode-fixed`, `#study-mode-ci`, `#study-replications`,
//! `#study-ci-metric`, `#study-ci-width`, `#study-ci-relative`, `#study-max`,
//! `#study-fidelity`, `#study-warmup` (its hint `#study-warmup-hint`), `#study-compare`
//! (option values `""`, `saved:ID`, `builtin:NAME`; its hint `#study-compare-hint`),
//! `#study-targets`,
//! `#study-run`, `#study-cancel`, `#study-error`,
//! `#study-progress` (`data-done`, `data-planned`, `data-workers`, `data-phase`: `warmup` while
//! the pilot runs choose the warm-up, then `replications`; `data-design`: `A` or `B` in a
//! comparison, else empty), `#study-estimates`; the results'
//! selectors are listed in `study_results`.

use crate::report::Metric;
use crate::scenario::{Fidelity, Scenario, Slo};
use crate::study::warmup::PILOTS;
use crate::ui::components::study_compare::CompareField;
use crate::ui::components::study_results::StudyResults;
use crate::ui::context::use_editor;
use crate::ui::hooks::use_study::StudyHandle;
use crate::ui::study::{estimate_text, target_percent, Live, StudyForm};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StudyPanelProps {
    pub study: StudyHandle,
    /// Opens replication (scenario, seed) as an ordinary run.
    pub onopen: Callback<(Rc<Scenario>, u64)>,
    pub onerror: Callback<String>,
}

#[function_component(StudyPanel)]
pub fn study_panel(props: &StudyPanelProps) -> Html {
    let editor = use_editor();
    let form = use_state_eq(|| StudyForm::new(editor.scenario.fidelity));
    let st = &props.study.state;
    let edit = |f: fn(&mut StudyForm, String)| -> Callback<Event> { on_edit(&form, f) };
    let typed = |f: fn(&mut StudyForm, String)| -> Callback<InputEvent> { on_edit(&form, f) };
    let onrun = {
        let (start, form, s) = (
            props.study.start.clone(),
            form.clone(),
            editor.scenario.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            start.emit(((*s).clone(), (*form).clone()))
        })
    };
    // The Run button takes Cancel's place as soon as the study stops: without preventing the
    // click's default, it would be the submit button by then and start a new study.
    let oncancel = props
        .study
        .cancel
        .reform(|e: MouseEvent| e.prevent_default());
    let ondismiss = props.study.dismiss.reform(|_: MouseEvent| ());
    let running = st.running.is_some();
    let f = &*form;
    // The last study is of an earlier version of the scenario (its seed aside: a replication
    // opened as a run changes only that).
    let stale = st
        .finished
        .as_ref()
        .is_some_and(|fin| f.is_stale(&editor.scenario, fin));
    html! {
        <div class="study" id="study-panel" data-testid="study-panel">
            <form class="study-form" onsubmit={onrun} aria-label="Study settings">
                <fieldset class="study-rule" disabled={running}>
                    <legend>{ "Stop" }</legend>
                    <label><input type="radio" name="study-mode" id="study-mode-fixed" checked={!f.until_ci}
                        onchange={edit(|f, v| f.until_ci = v != "true")} />
                        { " after " }</label>
                    <input id="study-replications" class="num" inputmode="numeric" value={f.replications.clone()}
                        aria-label="Replications" oninput={typed(|f, v| { f.replications = v; f.until_ci = false; })} />
                    <span>{ " replications" }</span>
                    <br />
                    <label><input type="radio" name="study-mode" id="study-mode-ci" checked={f.until_ci}
                        onchange={edit(|f, v| f.until_ci = v == "true")} />
                        { " until the 95 % CI half-width of " }</label>
                    <select id="study-ci-metric" aria-label="Metric of the CI rule"
                        onchange={edit(|f, v| if let Some(m) = Metric::all().find(|m| m.csv_key() == v) { f.metric = m; f.until_ci = true; })}>
                        { for Metric::all().map(|m| html! {
                            <option value={m.csv_key()} selected={m == f.metric}>{ m.label() }</option>
                        }) }
                    </select>
                    <span>{ " ≤ " }</span>
                    <input id="study-ci-width" class="num" inputmode="decimal" value={f.width.clone()}
                        aria-label="CI half-width target" oninput={typed(|f, v| { f.width = v; f.until_ci = true; })} />
                    <select id="study-ci-relative" aria-label="Absolute or relative to the mean"
                        onchange={edit(|f, v| f.relative = v == "relative")}>
                        <option value="relative" selected={f.relative}>{ "% of the mean" }</option>
                        <option value="absolute" selected={!f.relative}>{ "absolute (metric's unit)" }</option>
                    </select>
                    <span>{ ", at most " }</span>
                    <input id="study-max" class="num" inputmode="numeric" value={f.max.clone()}
                        aria-label="Maximum replications" oninput={typed(|f, v| { f.max = v; f.until_ci = true; })} />
                </fieldset>
                <fieldset class="study-fidelity" disabled={running}>
                    <legend>{ "Fidelity" }</legend>
                    <select id="study-fidelity" aria-label="Fidelity"
                        onchange={edit(|f, v| f.fidelity = if v == "flow" { Fidelity::Flow } else { Fidelity::Request })}>
                        <option value="request" selected={f.fidelity == Fidelity::Request}>{ "request level" }</option>
                        <option value="flow" selected={f.fidelity == Fidelity::Flow}>{ "flow level (fast)" }</option>
                    </select>
                </fieldset>
                { warmup_field(f, editor.scenario.warmup.as_ref(), running, typed(|f, v| f.warmup = v)) }
                <CompareField value={f.compare.clone()} {running} onchange={edit(|f, v| { f.compare = v; if !f.compare.is_empty() { f.until_ci = false; } })} />
                { targets(editor.scenario.slo.as_ref()) }
                <div class="study-buttons">
                    if running {
                        <button key="cancel" type="button" class="btn danger" id="study-cancel" data-testid="study-cancel" onclick={oncancel}>{ "Cancel study" }</button>
                    } else {
                        <button key="run" type="submit" class="btn primary" id="study-run" data-testid="study-run">{ "▶ Run study" }</button>
                    }
                </div>
            </form>
            if let Some(m) = &st.message {
                <div class="banner error study-error" id="study-error" role="alert">
                    <span>{ m.clone() }</span>
                    <button class="btn small" onclick={ondismiss} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
            if let Some(live) = &st.running { { progress(live) } }
            if let Some(fin) = &st.finished {
                <StudyResults finished={fin.clone()} running={running} {stale} onopen={props.onopen.clone()} onerror={props.onerror.clone()} />
            } else if !running {
                <p class="results-empty" id="study-empty">{ "Run many replications of this scenario (each an ordinary run with its own seed) to see how available the design is, and how sure that is." }</p>
            }
        </div>
    }
}

/// A callback that applies `f` to the form with the edited control's value (`true`/`false` for
/// a checkbox or radio button).
fn on_edit<E: TargetCast + 'static>(
    form: &UseStateHandle<StudyForm>,
    f: fn(&mut StudyForm, String),
) -> Callback<E> {
    let form = form.clone();
    Callback::from(move |e: E| {
        let v = match e.target_dyn_into::<web_sys::HtmlInputElement>() {
            Some(i) if i.type_() == "checkbox" || i.type_() == "radio" => i.checked().to_string(),
            Some(i) => i.value(),
            None => e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default(),
        };
        let mut next = (*form).clone();
        f(&mut next, v);
        form.set(next);
    })
}

/// The Warm-up field: empty (the scenario's own, shown as the placeholder), a duration, or
/// `auto`, with a hint saying what each means.
fn warmup_field(
    f: &StudyForm,
    own: Option<&crate::scenario::Dur>,
    running: bool,
    oninput: Callback<InputEvent>,
) -> Html {
    let placeholder = own.map_or("none".to_string(), |d| d.to_string());
    let empty = match own {
        Some(d) => format!("the scenario's own ({d})"),
        None => "none (the scenario has no warmup)".into(),
    };
    let hint = html! {
        <>{ format!("Left out of every metric at the start of each replication. Empty: {empty}; a duration (10m); auto: MSER-5 on the first {PILOTS} replications run as pilots without one, as ") }
            <code>{ "--warmup auto" }</code>{ " does." }</>
    };
    html! {
        <fieldset class="study-warmup" disabled={running}>
            <legend>{ "Warm-up" }</legend>
            <input id="study-warmup" class="num" value={f.warmup.clone()} {placeholder} spellcheck="false"
                aria-label="Warm-up" aria-describedby="study-warmup-hint" {oninput} />
            <p class="hint" id="study-warmup-hint">{ hint }</p>
        </fieldset>
    }
}

/// The scenario's objectives, as the study's targets.
fn targets(slo: Option<&Slo>) -> Html {
    let Some(o) = slo else {
        return html! {
            <p class="hint" id="study-targets" data-slo="none">{ "No objectives: add an " }<code>{ "slo" }</code>
                { " section to the scenario (e.g. availability 0.999, max_lost_writes 0) to have the study judge them." }</p>
        };
    };
    let mut items: Vec<String> = Vec::new();
    if let Some(a) = o.availability {
        items.push(format!("request availability ≥ {}", target_percent(a)));
    }
    if let Some(n) = o.max_lost_writes {
        items.push(format!("lost writes ≤ {n}"));
    }
    if let Some(d) = &o.max_rpo {
        items.push(format!("worst RPO ≤ {d}"));
    }
    if let Some(d) = &o.max_rto {
        items.push(format!("worst RTO ≤ {d}"));
    }
    if let Some(n) = o.max_lost_sessions {
        items.push(format!("lost sessions ≤ {n}"));
    }
    html! {
        <fieldset class="study-targets" id="study-targets" data-slo="some">
            <legend>{ format!("Targets (the scenario's slo), each in ≥ {} of replications", target_percent(o.probability)) }</legend>
            <ul>{ for items.into_iter().map(|t| html! { <li>{ t }</li> }) }</ul>
        </fieldset>
    }
}

/// Replications done of planned, their rate, and the running estimates; before them, while an
/// `auto` warm-up is chosen, the pilot runs.
fn progress(l: &Live) -> Html {
    if let Some((of, ran)) = l.choosing {
        let pct = if of == 0 {
            0.0
        } else {
            ran as f64 * 100.0 / of as f64
        };
        return html! {
            <div class="study-live" id="study-progress" role="status" data-done="0" data-planned={l.planned.to_string()}
                data-workers={l.workers.to_string()} data-phase="warmup">
                <div class="progress">
                    <progress max="100" value={format!("{pct:.1}")} aria-label="Pilot runs">{ format!("{pct:.0}%") }</progress>
                    <span>{ format!("choosing the warm-up (MSER-5 on {of} pilot runs)… {ran} of {of} run") }</span>
                </div>
            </div>
        };
    }
    let pct = l.fraction() * 100.0;
    let planned = if l.until_ci {
        format!("at most {}", l.planned)
    } else {
        l.planned.to_string()
    };
    let design = l
        .design
        .map(|d| format!("design {d}: "))
        .unwrap_or_default();
    html! {
        <div class="study-live" id="study-progress" role="status" data-done={l.done.to_string()} data-planned={l.planned.to_string()}
            data-workers={l.workers.to_string()} data-phase="replications" data-design={l.design.map(String::from).unwrap_or_default()}>
            <div class="progress">
                <progress max="100" value={format!("{pct:.1}")} aria-label="Study progress">{ format!("{pct:.0}%") }</progress>
                <span>{ format!("{design}{} of {planned} replications · {:.1}/s · {} workers", l.done, l.per_s, l.workers) }</span>
            </div>
            <ul class="study-estimates" id="study-estimates" aria-label="Running estimates (mean ± 95 % CI)">
                { for l.estimates.iter().map(|(m, mean, hw)| html! {
                    <li data-metric={m.csv_key()}><span class="card-label">{ m.label() }</span>{ " " }<strong>{ estimate_text(*m, *mean, *hw) }</strong></li>
                }) }
            </ul>
        </div>
    }
}
