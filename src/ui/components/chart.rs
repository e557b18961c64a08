//! One result chart drawn with plotters on a `<canvas>`, redrawn when the report, the zoom or
//! the colour scheme changes; hover (or the arrow keys on the focused chart) shows the values
//! of a window with a crosshair on it, shared by the four charts; dragging across the plot
//! zooms the four charts to that time range, a double-click resets it; exports as PNG at 2×
//! with a title line (scenario, seed, digest).

use crate::report::charts::{self, ChartKind, Theme};
use crate::report::charts_export;
use crate::report::charts_markers::{cluster_markers, CLUSTER_GAP_PX};
use crate::report::charts_range::{self as range, TimeRange};
use crate::sim::Report;
use std::rc::Rc;
use yew::prelude::*;

/// The canvas's own width in pixels (the chart is drawn at this size).
const CANVAS_W: f64 = 560.0;
/// The canvas's own height in pixels.
const CANVAS_H: u32 = 220;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub report: Rc<Report>,
    pub dark: bool,
    /// The time range shown (the whole run unless zoomed).
    pub view: TimeRange,
    /// Asks for another range (`None`: the whole run).
    pub onzoom: Callback<Option<TimeRange>>,
    /// The window under the crosshair, shared by the charts.
    pub hover: Option<usize>,
    pub onhover: Callback<Option<usize>>,
}

/// A pointer event's column in the canvas's own pixels (the canvas may be scaled by the
/// layout), and the canvas's width.
fn canvas_x(e: &MouseEvent) -> Option<(f64, f64)> {
    let canvas: web_sys::HtmlCanvasElement = e.target_unchecked_into();
    let r = canvas.get_bounding_client_rect();
    if r.width() <= 0.0 {
        return None;
    }
    let scale = f64::from(canvas.width()) / r.width();
    Some((
        (f64::from(e.client_x()) - r.left()) * scale,
        f64::from(canvas.width()),
    ))
}

/// The pointer's handlers on a chart: the crosshair follows it; a drag selects a time range.
struct Pointer {
    onmousemove: Callback<MouseEvent>,
    onmousedown: Callback<MouseEvent>,
    onmouseup: Callback<MouseEvent>,
    onmouseleave: Callback<MouseEvent>,
}

fn pointer(
    props: &ChartProps,
    band: &UseStateHandle<Option<(f64, f64)>>,
    grab: &UseStateHandle<Option<(f64, TimeRange)>>,
) -> Pointer {
    let onmousemove = {
        let (onhover, band, report, view) = (
            props.onhover.clone(),
            band.clone(),
            props.report.clone(),
            props.view,
        );
        let (grab, onzoom) = (grab.clone(), props.onzoom.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((x, w)) = canvas_x(&e) else { return };
            // Shift+drag on a zoomed chart: the range follows the pointer.
            if let Some((x0, v0)) = *grab {
                onzoom.emit(Some(range::pan_by_px(&report, &v0, x - x0, w)));
                return;
            }
            if let Some((start, _)) = *band {
                band.set(Some((start, x)));
            }
            onhover.emit(range::window_in(&report, &view, x, w));
        })
    };
    let onmousedown = {
        let (band, grab, view) = (band.clone(), grab.clone(), props.view);
        let zoomed = view != TimeRange::full(&props.report);
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 {
                if let Some((x, _)) = canvas_x(&e) {
                    e.prevent_default();
                    if e.shift_key() && zoomed {
                        grab.set(Some((x, view)));
                        return;
                    }
                    band.set(Some((x, x)));
                }
            }
        })
    };
    let onmouseup = {
        let (band, onzoom, report, view) = (
            band.clone(),
            props.onzoom.clone(),
            props.report.clone(),
            props.view,
        );
        let grab = grab.clone();
        Callback::from(move |e: MouseEvent| {
            grab.set(None);
            let (Some((start, _)), Some((x, w))) = (*band, canvas_x(&e)) else {
                return;
            };
            band.set(None);
            if let Some(z) = range::zoom_to(&report, &view, start, x, w) {
                onzoom.emit(Some(z));
            }
        })
    };
    let onmouseleave = {
        let (onhover, band, grab) = (props.onhover.clone(), band.clone(), grab.clone());
        Callback::from(move |_| {
            band.set(None);
            grab.set(None);
            onhover.emit(None)
        })
    };
    Pointer {
        onmousemove,
        onmousedown,
        onmouseup,
        onmouseleave,
    }
}

/// Hover targets over the fault markers' labels: each cluster's full list as its title.
fn marker_targets(props: &ChartProps) -> Html {
    let clusters = cluster_markers(
        &props.report.series.markers,
        &props.view,
        CANVAS_W,
        CLUSTER_GAP_PX,
    );
    clusters
        .iter()
        .map(|c| {
            html! {
                <div class="chart-marker" data-testid="chart-marker" title={c.title()}
                    aria-label={c.title()} style={format!("left: {:.3}%", 100.0 * c.x_px / CANVAS_W)}></div>
            }
        })
        .collect()
}

/// The PNG button: the chart drawn again as SVG under its title line, downloaded at 2×.
fn export(props: &ChartProps, error: &UseStateHandle<Option<String>>) -> Callback<MouseEvent> {
    let error = error.clone();
    let (kind, report, view, dark) = (props.kind, props.report.clone(), props.view, props.dark);
    Callback::from(move |_| {
        let theme = if dark { Theme::DARK } else { Theme::LIGHT };
        let size = (CANVAS_W as u32, CANVAS_H);
        let done = charts_export::export_svg(kind, &report, &theme, &view, size).and_then(|svg| {
            let e = error.clone();
            crate::web::download_svg_as_png(
                &svg,
                (size.0, size.1 + charts_export::TITLE_H),
                2,
                &format!("failover-lab-{}.png", kind.key()),
                move |m| e.set(Some(m)),
            )
        });
        if let Err(e) = done {
            error.set(Some(e));
        }
    })
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let hover = props.hover;
    // A zoom being dragged: where it started and where the pointer is (canvas pixels).
    let band = use_state_eq(|| None::<(f64, f64)>);
    // A pan being dragged (shift+drag): where it started and the range shown then.
    let grab = use_state_eq(|| None::<(f64, TimeRange)>);
    let error = use_state_eq(|| None::<String>);
    {
        let canvas_ref = canvas_ref.clone();
        let error = error.clone();
        let kind = props.kind;
        use_effect_with(
            (props.report.clone(), props.dark, props.view),
            move |(report, dark, view)| {
                if let Some(canvas) = canvas_ref.cast::<web_sys::HtmlCanvasElement>() {
                    let theme = if *dark { Theme::DARK } else { Theme::LIGHT };
                    match plotters_canvas::CanvasBackend::with_canvas_object(canvas) {
                        Some(backend) => {
                            use plotters::prelude::IntoDrawingArea;
                            let root = backend.into_drawing_area();
                            error.set(charts::draw_view(kind, &root, report, &theme, view).err());
                        }
                        None => error.set(Some("this browser cannot draw on a canvas".into())),
                    }
                }
            },
        );
    }
    // The window under the pointer (or chosen with the arrow keys): its values are shown below
    // the chart and a cursor marks it; the mapping is `charts::window_at`, the drawing's layout.
    let n = props.report.series.t_s.len();
    let Pointer {
        onmousemove,
        onmousedown,
        onmouseup,
        onmouseleave,
    } = pointer(props, &band, &grab);
    let ondblclick = props.onzoom.reform(|_: MouseEvent| None);
    let onkeydown = {
        let onhover = props.onhover.clone();
        let (onzoom, report, view) = (props.onzoom.clone(), props.report.clone(), props.view);
        Callback::from(move |e: KeyboardEvent| {
            if n == 0 {
                return;
            }
            // Shift+← / → pans a zoomed chart a quarter of its range.
            let arrow = matches!(e.key().as_str(), "ArrowLeft" | "ArrowRight");
            if e.shift_key() && arrow && view != TimeRange::full(&report) {
                e.prevent_default();
                let forward = e.key() == "ArrowRight";
                onzoom.emit(Some(range::pan_step(&report, &view, forward)));
                return;
            }
            let cur = hover;
            let next = match e.key().as_str() {
                "ArrowRight" => cur.map_or(0, |i| (i + 1).min(n - 1)),
                "ArrowLeft" => cur.map_or(0, |i| i.saturating_sub(1)),
                "Home" => 0,
                "End" => n - 1,
                "Escape" => {
                    onhover.emit(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            onhover.emit(Some(next));
        })
    };
    let onblur = props.onhover.reform(|_: FocusEvent| None);
    let readout = hover.and_then(|i| charts::window_text(props.kind, &props.report, i));
    // The cursor, in % of the canvas width (it is scaled with the canvas).
    let cursor = hover
        .and_then(|i| charts::x_of_window_in(&props.report, &props.view, i, CANVAS_W))
        .map(|x| format!("left: {:.3}%", 100.0 * x / CANVAS_W));
    // The zoom being dragged, in % of the canvas width.
    let selection = band.and_then(|(a, b)| {
        ((a - b).abs() >= range::MIN_DRAG_PX).then(|| {
            let (l, r) = (a.min(b), a.max(b));
            format!(
                "left: {:.3}%; width: {:.3}%",
                100.0 * l / CANVAS_W,
                100.0 * (r - l) / CANVAS_W
            )
        })
    });
    let markers = marker_targets(props);
    let export = export(props, &error);
    let key = props.kind.key();
    html! {
        <figure class="chart" id={format!("chart-{key}")} data-testid={format!("chart-{key}")}>
            <figcaption>
                <span>{ props.kind.title() }</span>
                <button class="btn small" onclick={export} aria-label={format!("Export the {} chart as PNG", props.kind.title())}>{ "PNG" }</button>
            </figcaption>
            <div class="chart-plot">
                <canvas ref={canvas_ref} width={CANVAS_W.to_string()} height={CANVAS_H.to_string()} role="img" tabindex="0"
                    aria-label={format!("{} (arrow keys read the values window by window; drag to zoom, shift+drag or shift+arrows to pan a zoomed chart, double-click to show the whole run)", props.kind.title())}
                    aria-describedby={format!("chart-{key}-hover")}
                    {onmousemove} {onmousedown} {onmouseup} {ondblclick} {onmouseleave} {onkeydown} {onblur}></canvas>
                if let Some(style) = cursor { <div class="chart-cursor" aria-hidden="true" {style}></div> }
                { markers }
                if let Some(style) = selection { <div class="chart-zoom-band" aria-hidden="true" {style}></div> }
            </div>
            <div class="chart-hover" id={format!("chart-{key}-hover")} data-testid={format!("chart-{key}-hover")} aria-live="polite">
                { readout.unwrap_or_else(|| "\u{a0}".into()) }
            </div>
            if let Some(e) = &*error { <div class="field-msg" role="alert">{ e.clone() }</div> }
        </figure>
    }
}
