//! A finished study: its header (scenario, seed, fidelity, why it stopped, digest), exports
//! (the CLI's `study --json` report — for a comparison, `study --compare --json`'s object —
//! and one CSV row per replication of design A), a comparison's B − A table
//! (`study_compare`), a card per registry
//! metric with mean ± 95 % CI and a small histogram, the SLO probabilities with their Wilson
//! intervals, and the worst replications, each of which opens as an ordinary run.
//!
//! Selectors: `#study-results` (`data-digest`, `data-replications`, `data-seconds`: the
//! study's wall time from start to its last replication), `#study-warmup-used`
//! (`data-method`: `none`, `fixed`, `mser5`; `data-warmup-s`), `#study-digest`,
//! `#study-export-json`, `#study-export-csv`, `#study-cards` with `[data-testid=study-card-KEY]`
//! (KEY the CSV key) holding `svg.histogram`, `#study-slo` with `[data-testid=slo-row]`
//! (`data-met`), `#study-worst` with `[data-testid=worst-row]` (`data-k`, `data-seed`) and its
//! `button[data-action=open-run]`.

use super::results::file_stem;
use crate::report::{self, Metric};
use crate::scenario::Scenario;
use crate::study::slo::{Objective, SloReport};
use crate::study::stats::Summary;
use crate::study::Worst;
use crate::ui::study::{
    bars, half_width_text, replications_csv, stopped_text, summary_text, target_percent,
    warmup_text, Finished,
};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StudyResultsProps {
    pub finished: Rc<Finished>,
    /// Another study is running (these results are the previous one's).
    pub running: bool,
    /// The scenario (or the form's fidelity) changed since.
    pub stale: bool,
    pub onopen: Callback<(Rc<Scenario>, u64)>,
    pub onerror: Callback<String>,
}

#[function_component(StudyResults)]
pub fn study_results(props: &StudyResultsProps) -> Html {
    let f = &props.finished;
    let r = &f.report;
    let stem = file_stem(&r.scenario, r.seed);
    let export = |kind: &'static str| {
        let (f, onerror, stem) = (f.clone(), props.onerror.clone(), stem.clone());
        Callback::from(move |_: MouseEvent| {
            let res = if let (Some(c), "json") = (&f.comparison, kind) {
                // The CLI's `study --compare --json`: the same object, pretty-printed.
                serde_json::to_string_pretty(&**c)
                    .map_err(|e| e.to_string())
                    .and_then(|t| {
                        crate::web::download_text(
                            &format!("{stem}-compare.json"),
                            "application/json",
                            &format!("{t}\n"),
                        )
                    })
            } else if kind == "json" {
                // The CLI's `study --json`: the same report, pretty-printed.
                serde_json::to_string_pretty(&f.report)
                    .map_err(|e| e.to_string())
                    .and_then(|t| {
                        crate::web::download_text(
                            &format!("{stem}-study.json"),
                            "application/json",
                            &format!("{t}\n"),
                        )
                    })
            } else {
                crate::web::download_text(
                    &format!("{stem}-study.csv"),
                    "text/csv",
                    &replications_csv(&f.replications),
                )
            };
            if let Err(e) = res {
                onerror.emit(e)
            }
        })
    };
    html! {
        <div class="study-results" id="study-results" data-testid="study-results"
            data-digest={r.digest.clone()} data-replications={r.replications.to_string()}
            data-seconds={f.seconds.to_string()}>
            <div class="results-head">
                if f.comparison.is_some() { <span class="study-design">{ "Design A: " }</span> }
                <span>{ format!("{} · seed {} · {} level · horizon {} · {} in {:.1} s · ", r.scenario, r.seed, r.fidelity,
                    report::duration_s(r.horizon_s), stopped_text(r), f.seconds) }
                    <span id="study-warmup-used" data-method={<&str>::from(r.warmup_method)} data-warmup-s={r.warmup_s.to_string()}>
                        { warmup_text(r, f.pilots) }</span></span>
                <span>{ "digest " }<code id="study-digest">{ r.digest.clone() }</code></span>
                if props.running {
                    <span class="stale">{ "A new study is running; these are the last one's results." }</span>
                } else if props.stale {
                    <span class="stale" id="study-stale" role="status">{ "This study is of an earlier version of the scenario: press Run study." }</span>
                }
                <span class="exports" role="group" aria-label="Export the study">
                    if f.comparison.is_some() {
                        <button class="btn small" id="study-export-json" onclick={export("json")} title="Both studies and B − A, as `failover-lab study A --compare B --json` prints them">{ "Comparison JSON" }</button>
                    } else {
                        <button class="btn small" id="study-export-json" onclick={export("json")} title="The study report, as `failover-lab study --json` prints it">{ "Study JSON" }</button>
                    }
                    <button class="btn small" id="study-export-csv" onclick={export("csv")} title="One row per replication, a column per metric">{ "Replications CSV" }</button>
                </span>
            </div>
            if let Some(c) = &f.comparison { { super::study_compare::comparison(c) } }
            if let Some(slo) = &r.slo { { slo_table(slo) } }
            <div class="cards study-cards" id="study-cards">
                { for Metric::all().filter_map(|m| Some((m, r.metrics.get(m.csv_key())?))).map(|(m, s)| card(m, s)) }
            </div>
            { worst_list(&r.worst, &f.scenario, &props.onopen) }
        </div>
    }
}

/// A metric's card: mean ± CI, the spread, and the histogram of its replications.
fn card(m: Metric, s: &Summary) -> Html {
    let hint = format!(
        "n = {} · sd {} · min {} · p5 {} · median {} · p95 {} · max {}",
        s.n,
        half_width_text(m, s.sd),
        m.format(s.min),
        m.format(s.p5),
        m.format(s.p50),
        m.format(s.p95),
        m.format(s.max)
    );
    html! {
        <div class="card study-card" data-testid={format!("study-card-{}", m.csv_key())} title={hint.clone()}>
            <div class="card-label">{ m.label() }</div>
            <div class="card-value">{ summary_text(m, s) }</div>
            { histogram(m, s) }
            <div class="card-hint">{ format!("median {} · range {} – {}", m.format(s.p50), m.format(s.min), m.format(s.max)) }</div>
        </div>
    }
}

const HIST_W: f64 = 160.0;
const HIST_H: f64 = 36.0;

/// The 20-bin histogram as a small SVG (each bar's range and count as its tooltip).
fn histogram(m: Metric, s: &Summary) -> Html {
    let h = &s.histogram;
    let n = h.counts.len().max(1) as f64;
    let step = (h.high - h.low) / n;
    let label = format!(
        "Histogram of {} over {} replications, {} to {}",
        m.label(),
        s.n,
        m.format(h.low),
        m.format(h.high)
    );
    html! {
        <svg class="histogram" viewBox={format!("0 0 {HIST_W} {HIST_H}")} preserveAspectRatio="none" role="img" aria-label={label}>
            <line class="hist-base" x1="0" y1={HIST_H.to_string()} x2={HIST_W.to_string()} y2={HIST_H.to_string()} />
            { for bars(h, HIST_W, HIST_H).into_iter().enumerate().map(|(i, b)| {
                let from = h.low + step * i as f64;
                let range = if h.counts.len() == 1 {
                    format!("all {}", m.format(h.low))
                } else {
                    format!("{} – {}", m.format(from), m.format(from + step))
                };
                html! {
                    <rect x={format!("{:.2}", b.x + 0.5)} y={format!("{:.2}", b.y)} width={format!("{:.2}", (b.w - 1.0).max(0.5))}
                        height={format!("{:.2}", b.h.max(if b.count > 0 { 1.0 } else { 0.0 }))}>
                        <title>{ format!("{range}: {}", b.count) }</title>
                    </rect>
                }
            }) }
        </svg>
    }
}

fn slo_table(slo: &SloReport) -> Html {
    let row = |o: &Objective, all: bool| {
        html! {
            <tr data-testid="slo-row" data-met={o.met.to_string()} class={classes!(all.then_some("slo-all"))}>
                <td>{ if all { "all at once".to_string() } else { o.objective.clone() } }</td>
                <td>{ format!("{} of {}", o.held, o.of) }</td>
                <td>{ report::percent(o.probability) }</td>
                <td>{ format!("{} – {}", report::percent(o.ci95[0]), report::percent(o.ci95[1])) }</td>
                <td class={if o.met { "met" } else { "not-met" }}>{ if o.met { "✔ met" } else { "✘ not met" } }</td>
            </tr>
        }
    };
    html! {
        <div class="study-slo" id="study-slo" data-met={slo.met.to_string()}>
            <h3>{ format!("Objectives: {} (each must hold in ≥ {} of replications, judged on the 95 % Wilson interval's lower end)",
                if slo.met { "all met" } else { "not all met" }, target_percent(slo.probability)) }</h3>
            <table class="incidents">
                <thead><tr><th>{ "Objective" }</th><th>{ "Held in" }</th><th>{ "Share" }</th><th>{ "95 % Wilson interval" }</th><th>{ "Verdict" }</th></tr></thead>
                <tbody>
                    { for slo.objectives.iter().map(|o| row(o, false)) }
                    { row(&slo.all, true) }
                </tbody>
            </table>
        </div>
    }
}

fn worst_list(worst: &[Worst], s: &Rc<Scenario>, onopen: &Callback<(Rc<Scenario>, u64)>) -> Html {
    if worst.is_empty() {
        return html! {};
    }
    html! {
        <div class="study-worst" id="study-worst">
            <h3>{ "Worst replications (lowest request availability): each opens as an ordinary run that reproduces it" }</h3>
            <table class="incidents">
                <thead><tr><th>{ "Replication" }</th><th>{ "Seed" }</th><th>{ "Availability" }</th><th>{ "Failed requests" }</th><th></th></tr></thead>
                <tbody>
                { for worst.iter().map(|w| {
                    let open = {
                        let (onopen, s, seed) = (onopen.clone(), s.clone(), w.seed);
                        Callback::from(move |_: MouseEvent| onopen.emit((s.clone(), seed)))
                    };
                    html! {
                        <tr data-testid="worst-row" data-k={w.k.to_string()} data-seed={w.seed.to_string()}>
                            <td>{ format!("#{}", w.k) }</td>
                            <td><code>{ w.seed }</code></td>
                            <td>{ w.availability_request.map_or("—".into(), report::percent) }</td>
                            <td>{ w.requests_failed.map_or("—".into(), |x| Metric::RequestsFailed.format(x)) }</td>
                            <td><button class="btn small" data-action="open-run" onclick={open}
                                title="Open this replication as a run (same scenario, this seed)">{ "Open as run" }</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}
