//! One result chart drawn with plotters on a `<canvas>`, redrawn when the report or the colour
//! scheme changes; hover (or the arrow keys on the focused chart) shows the values of a window
//! with a cursor on it; exports as PNG.

use crate::report::charts::{self, ChartKind, Theme};
use crate::sim::Report;
use std::rc::Rc;
use yew::prelude::*;

/// The canvas's own width in pixels (the chart is drawn at this size).
const CANVAS_W: f64 = 560.0;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub report: Rc<Report>,
    pub dark: bool,
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let hover = use_state_eq(|| None::<usize>);
    let error = use_state_eq(|| None::<String>);
    {
        let canvas_ref = canvas_ref.clone();
        let error = error.clone();
        let kind = props.kind;
        use_effect_with((props.report.clone(), props.dark), move |(report, dark)| {
            if let Some(canvas) = canvas_ref.cast::<web_sys::HtmlCanvasElement>() {
                let theme = if *dark { Theme::DARK } else { Theme::LIGHT };
                match plotters_canvas::CanvasBackend::with_canvas_object(canvas) {
                    Some(backend) => {
                        use plotters::prelude::IntoDrawingArea;
                        let root = backend.into_drawing_area();
                        error.set(charts::draw(kind, &root, report, &theme).err());
                    }
                    None => error.set(Some("this browser cannot draw on a canvas".into())),
                }
            }
        });
    }
    // The window under the pointer (or chosen with the arrow keys): its values are shown below
    // the chart and a cursor marks it; the mapping is `charts::window_at`, the drawing's layout.
    let n = props.report.series.t_s.len();
    let onmousemove = {
        let hover = hover.clone();
        let report = props.report.clone();
        Callback::from(move |e: MouseEvent| {
            let canvas: web_sys::HtmlCanvasElement = e.target_unchecked_into();
            let r = canvas.get_bounding_client_rect();
            if r.width() <= 0.0 {
                return;
            }
            // CSS pixels → the canvas's own pixels (the canvas may be scaled by the layout).
            let scale = f64::from(canvas.width()) / r.width();
            let x = (f64::from(e.client_x()) - r.left()) * scale;
            hover.set(charts::window_at(&report, x, f64::from(canvas.width())));
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let onkeydown = {
        let hover = hover.clone();
        Callback::from(move |e: KeyboardEvent| {
            if n == 0 {
                return;
            }
            let cur = *hover;
            let next = match e.key().as_str() {
                "ArrowRight" => cur.map_or(0, |i| (i + 1).min(n - 1)),
                "ArrowLeft" => cur.map_or(0, |i| i.saturating_sub(1)),
                "Home" => 0,
                "End" => n - 1,
                "Escape" => {
                    hover.set(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            hover.set(Some(next));
        })
    };
    let onblur = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
    let readout = (*hover).and_then(|i| charts::window_text(props.kind, &props.report, i));
    // The cursor, in % of the canvas width (it is scaled with the canvas).
    let cursor = (*hover)
        .and_then(|i| charts::x_of_window(&props.report, i, CANVAS_W))
        .map(|x| format!("left: {:.3}%", 100.0 * x / CANVAS_W));
    let export = {
        let canvas_ref = canvas_ref.clone();
        let error = error.clone();
        let kind = props.kind;
        Callback::from(move |_| {
            if let Some(canvas) = canvas_ref.cast::<web_sys::HtmlCanvasElement>() {
                if let Err(e) = crate::web::download_canvas_png(
                    &canvas,
                    &format!("failover-lab-{}.png", kind.key()),
                ) {
                    error.set(Some(e));
                }
            }
        })
    };
    let key = props.kind.key();
    html! {
        <figure class="chart" id={format!("chart-{key}")} data-testid={format!("chart-{key}")}>
            <figcaption>
                <span>{ props.kind.title() }</span>
                <button class="btn small" onclick={export} aria-label={format!("Export the {} chart as PNG", props.kind.title())}>{ "PNG" }</button>
            </figcaption>
            <div class="chart-plot">
                <canvas ref={canvas_ref} width={CANVAS_W.to_string()} height="220" role="img" tabindex="0"
                    aria-label={format!("{} (arrow keys read the values window by window)", props.kind.title())}
                    aria-describedby={format!("chart-{key}-hover")}
                    {onmousemove} {onmouseleave} {onkeydown} {onblur}></canvas>
                if let Some(style) = cursor { <div class="chart-cursor" aria-hidden="true" {style}></div> }
            </div>
            <div class="chart-hover" id={format!("chart-{key}-hover")} data-testid={format!("chart-{key}-hover")} aria-live="polite">
                { readout.unwrap_or_else(|| "\u{a0}".into()) }
            </div>
            if let Some(e) = &*error { <div class="field-msg" role="alert">{ e.clone() }</div> }
        </figure>
    }
}
