//! The results: summary cards, the four charts, the incident table (seed 003's failure table)
//! and exports (report JSON and CSV).

use crate::report::charts_range::{around, TimeRange};
use crate::report::{self, charts::ChartKind};
use crate::sim::Report;
use crate::ui::components::chart::Chart;
use crate::ui::components::incidents::Incidents;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub report: Option<Rc<Report>>,
    /// The results are for an earlier version of the scenario.
    pub stale: bool,
    pub dark: bool,
    /// A run is in progress (shown instead of "no results" on the first run).
    #[prop_or_default]
    pub running: bool,
    pub onerror: Callback<String>,
    /// Moves the watch view to a moment (µs): a click on an incident sends its start.
    #[prop_or_default]
    pub onwatch: Callback<u64>,
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    // The charts' zoom (`None`: the whole run) and crosshair, shared by the four; a new report
    // shows the whole run.
    let zoom = use_state_eq(|| None::<TimeRange>);
    let hover = use_state_eq(|| None::<usize>);
    {
        let (zoom, hover) = (zoom.clone(), hover.clone());
        use_effect_with(props.report.clone(), move |_| {
            zoom.set(None);
            hover.set(None);
        });
    }
    use_effect_with(props.report.is_some(), |shown| {
        if *shown {
            crate::web::mark_first_results();
        }
    });
    let Some(r) = props.report.clone() else {
        return html! {
            <div class="results-empty" id="results-empty">
                <p>{ if props.running { "Running the simulation…" } else { "No results yet: press Run." } }</p>
            </div>
        };
    };
    let export_json = {
        let r = r.clone();
        let onerror = props.onerror.clone();
        Callback::from(move |_| {
            let res = serde_json::to_string_pretty(&*r)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    crate::web::download_text(
                        &format!("{}-report.json", file_stem(&r.scenario, r.seed)),
                        "application/json",
                        &text,
                    )
                });
            if let Err(e) = res {
                onerror.emit(e)
            }
        })
    };
    let export_csv = {
        let r = r.clone();
        let onerror = props.onerror.clone();
        Callback::from(move |_| {
            if let Err(e) = crate::web::download_text(
                &format!("{}-report.csv", file_stem(&r.scenario, r.seed)),
                "text/csv",
                &report::to_csv(&r),
            ) {
                onerror.emit(e)
            }
        })
    };
    html! {
        <div class="results-body" id="results" data-testid="results">
            <div class="results-head">
                <span>{ format!("{} · seed {} · {} requests · {} events{}", r.scenario, r.seed, r.requests.offered, r.events, warmup_note(r.warmup_s)) }</span>
                if props.stale {
                    <span class="stale" id="results-stale" role="status">{ "These results are for an earlier version: press Run." }</span>
                }
                <span class="exports" role="group" aria-label="Export the report">
                    <button class="btn small" id="export-report-json" onclick={export_json}>{ "Report JSON" }</button>
                    <button class="btn small" id="export-report-csv" onclick={export_csv}>{ "Report CSV" }</button>
                </span>
            </div>
            if let Some(p) = &r.partial {
                <div class="partial" id="results-partial" role="status">
                    { format!("Partial results: {}", p.message) }
                </div>
            }
            if r.series.markers_omitted > 0 {
                <div class="partial" id="markers-omitted">
                    { format!("{} more chart markers not drawn (the first {} are).", r.series.markers_omitted, r.series.markers.len()) }
                </div>
            }
            <div class="cards" id="summary-cards">
                { for report::cards(&r).into_iter().map(|c| html! {
                    <div class={classes!("card", c.bad.then_some("bad"))} id={format!("card-{}", c.key)} data-testid={format!("card-{}", c.key)} title={c.hint.clone()}>
                        <div class="card-label">{ c.label }</div>
                        <div class="card-value">{ c.value }</div>
                        <div class="card-hint">{ c.hint }</div>
                    </div>
                }) }
            </div>
            { charts(&r, &zoom, &hover, props.dark) }
            <Incidents report={r.clone()} onshow={show_incident(&zoom, &r, &props.onwatch)} />
        </div>
    }
}

/// Zooms the charts to an incident's span (start, end), moves the watch view to its start and
/// brings the charts into view.
fn show_incident(
    zoom: &UseStateHandle<Option<TimeRange>>,
    r: &Rc<Report>,
    onwatch: &Callback<u64>,
) -> Callback<(f64, f64)> {
    let (zoom, r, onwatch) = (zoom.clone(), r.clone(), onwatch.clone());
    Callback::from(move |(from_s, to_s): (f64, f64)| {
        zoom.set(Some(around(&r, from_s, to_s)));
        onwatch.emit(crate::ui::watch::micros(from_s));
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("charts"))
        {
            el.scroll_into_view();
        }
    })
}

/// The four charts with the zoom's state: the range shown and a button to show the whole run.
fn charts(
    r: &Rc<Report>,
    zoom: &UseStateHandle<Option<TimeRange>>,
    hover: &UseStateHandle<Option<usize>>,
    dark: bool,
) -> Html {
    let view = (**zoom).unwrap_or_else(|| TimeRange::full(r));
    let onzoom = {
        let zoom = zoom.clone();
        Callback::from(move |z: Option<TimeRange>| zoom.set(z))
    };
    let onhover = {
        let hover = hover.clone();
        Callback::from(move |h: Option<usize>| hover.set(h))
    };
    let shown = format!(
        "{} – {}",
        report::duration_s(view.from_s),
        report::duration_s(view.to_s)
    );
    html! {
        <>
        <div class="chart-zoom" id="chart-zoom" data-zoomed={zoom.is_some().to_string()}>
            if zoom.is_some() {
                <span id="chart-range">{ format!("Showing {shown}") }</span>
                <button class="btn small" id="chart-zoom-reset" onclick={onzoom.reform(|_: MouseEvent| None)}>{ "Show the whole run" }</button>
                <span class="hint">{ "Shift+drag (or shift+← →) to pan." }</span>
            } else {
                <span class="hint">{ "Drag across a chart to zoom in on a time range; double-click to show the whole run again." }</span>
            }
        </div>
        <div class="charts" id="charts">
            { for ChartKind::ALL.iter().map(|k| html! {
                <Chart kind={*k} report={r.clone()} {dark} {view} onzoom={onzoom.clone()} hover={**hover} onhover={onhover.clone()} />
            }) }
        </div>
        </>
    }
}

/// A download's file name stem: the scenario's name made file-safe, and the seed.
pub(crate) fn file_stem(name: &str, seed: u64) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{}-seed{seed}",
        if name.is_empty() { "scenario" } else { &name }
    )
}

/// " · counted after a warm-up of 5m" when the run had one (every figure starts there).
fn warmup_note(warmup_s: f64) -> String {
    if warmup_s > 0.0 {
        let us = (warmup_s * 1e6).round() as u64;
        format!(
            " · counted after a warm-up of {}",
            crate::scenario::units::format_micros(us)
        )
    } else {
        String::new()
    }
}
