//! One result chart drawn with plotters on a `<canvas>`, redrawn when the report or the colour
//! scheme changes; hover shows the values of the window under the pointer; exports as PNG.

use crate::report::charts::{self, ChartKind, Theme};
use crate::sim::Report;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub kind: ChartKind,
    pub report: Rc<Report>,
    pub dark: bool,
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas_ref = use_node_ref();
    let hover = use_state_eq(|| None::<String>);
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
    let onmousemove = {
        let hover = hover.clone();
        let report = props.report.clone();
        let kind = props.kind;
        Callback::from(move |e: MouseEvent| {
            let target: web_sys::Element = e.target_unchecked_into();
            let r = target.get_bounding_client_rect();
            // The plot area starts after the y label area (56 px + 10 px margin).
            let w = (r.width() - 76.0).max(1.0);
            let frac = (e.client_x() as f64 - r.left() - 66.0) / w;
            hover.set(if (0.0..=1.0).contains(&frac) {
                charts::hover_text(kind, &report, frac)
            } else {
                None
            });
        })
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_| hover.set(None))
    };
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
            <canvas ref={canvas_ref} width="560" height="220" role="img" aria-label={props.kind.title()}
                {onmousemove} {onmouseleave}></canvas>
            <div class="chart-hover" aria-live="polite">{ (*hover).clone().unwrap_or_else(|| "\u{a0}".into()) }</div>
            if let Some(e) = &*error { <div class="field-msg" role="alert">{ e.clone() }</div> }
        </figure>
    }
}
