//! The topology editor: an SVG canvas with site boxes, nodes at `pos`, edges from `next`; move
//! by drag, connect by dragging from a node's handle, pan by dragging the background, zoom with
//! the wheel, shift-click to multi-select, right-click a node to schedule a crash, drop palette
//! items to add. Nodes carry `data-node-id` for tests.
//!
//! This file is the view; the drag and selection state machine is the pure reducer in
//! [`drag`], pan and zoom are [`viewport`], and each drawn thing has its file ([`node`],
//! [`site`], [`edge`], the [`menu`]); the keys are in [`keys`]. The editor and the run come from
//! the contexts.

pub mod drag;
pub mod edge;
pub mod keys;
pub mod menu;
pub mod node;
pub mod site;
pub mod viewport;

use crate::scenario::{Scenario, Severity};
use crate::ui::context::{use_editor, use_run, EditorContext, RunContext};
use crate::ui::state::{cycle_edges, new_site_rect, Action, Sel, NODE_W};
use drag::{band_rect, step, Drag, Point, Pointer};
use menu::FailAtMenu;
use node::{NodeEvents, NodeView};
use site::SiteView;
use viewport::{fit_view, svg_box, View};
use yew::prelude::*;

/// Keeps the moves of a drag coming when the pointer leaves the canvas (not for connecting: the
/// release must land on the target node).
fn capture(e: &PointerEvent) {
    if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
        let _ = el.set_pointer_capture(e.pointer_id());
    }
}

/// Fits the drawing when another scenario is opened, and when a component or site appears
/// outside the visible area (added from the palette).
#[hook]
fn use_fit(svg: &NodeRef, view: &UseStateHandle<View>, s: &std::rc::Rc<Scenario>) -> Callback<()> {
    let fit = {
        let (svg, view, s) = (svg.clone(), view.clone(), s.clone());
        Callback::from(move |_| {
            let (_, _, w, h) = svg_box(&svg);
            if let Some(v) = fit_view(&s, w, h) {
                view.set(v);
            }
        })
    };
    {
        let fit = fit.clone();
        use_effect_with(s.name.clone(), move |_| fit.emit(()));
    }
    {
        let (fit, svg, now, s) = (fit.clone(), svg.clone(), (**view).clone(), s.clone());
        use_effect_with((s.components.len(), s.sites.len()), move |_| {
            let (_, _, w, h) = svg_box(&svg);
            if w > 0.0 && now.cuts_off(&s, w, h) {
                fit.emit(());
            }
        });
    }
    fit
}

/// The worst problem about component `id`.
fn severity_of(ed: &EditorContext, id: &str) -> Option<Severity> {
    ed.problems
        .iter()
        .filter(|p| p.component.as_deref() == Some(id))
        .map(|p| p.severity)
        .min()
}

/// Where component `id` is drawn: its position moved along by the drag.
fn drawn_at(s: &Scenario, drag: &Drag, id: &str) -> Option<Point> {
    let c = s.components.iter().find(|c| c.id == id)?;
    let [x, y] = c.pos.unwrap_or([0, 0]);
    let (dx, dy) = drag.offset_of(id, c.site.as_deref());
    Some((f64::from(x + dx), f64::from(y + dy)))
}

fn draw_sites(
    ed: &EditorContext,
    drag: &Drag,
    pointer: &Callback<(Pointer, PointerEvent)>,
) -> Html {
    let s = &ed.scenario;
    let severities = crate::ui::site_severities(s, &ed.problems);
    let sites = s.sites.iter().filter_map(|site| {
        let rect = drag.site_box(&site.id, site.rect?);
        let messages = ed
            .problems
            .iter()
            .filter(|p| {
                p.location
                    .site_index()
                    .and_then(|i| s.sites.get(i))
                    .is_some_and(|x| x.id == site.id)
            })
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let view = SiteView {
            site,
            rect,
            selected: ed.selection.contains(&Sel::Site(site.id.clone())),
            severity: severities
                .iter()
                .find(|(id, _)| *id == site.id)
                .map(|(_, sev)| *sev),
            messages,
        };
        Some(site::site_box(view, pointer, &ed.dispatch))
    });
    sites.collect::<Html>()
}

fn draw_edges(ed: &EditorContext, drag: &Drag) -> Html {
    let s = &ed.scenario;
    let cycles = cycle_edges(s);
    let edges = s.components.iter().zip(&cycles).flat_map(|(c, on)| {
        // A target listed many times is one edge (issue 13: a link listing one 130,000 times).
        let mut seen = std::collections::BTreeSet::new();
        c.next
            .iter()
            .zip(on)
            .filter(move |(n, _)| seen.insert(n.as_str()))
            .filter_map(|(n, &cycle)| {
                let (from, to) = (drawn_at(s, drag, &c.id)?, drawn_at(s, drag, n)?);
                let selected = ed.selection.contains(&Sel::Link(c.id.clone(), n.clone()));
                Some(edge::edge(
                    &c.id,
                    n,
                    from,
                    to,
                    selected,
                    cycle,
                    &ed.dispatch,
                ))
            })
    });
    edges.collect::<Html>()
}

fn draw_nodes(ed: &EditorContext, run: &RunContext, drag: &Drag, ev: &NodeEvents) -> Html {
    let s = &ed.scenario;
    let nodes = s.components.iter().map(|c| {
        let view = NodeView {
            c,
            at: drawn_at(s, drag, &c.id).unwrap_or((0.0, 0.0)),
            selected: ed.selection.contains(&Sel::Component(c.id.clone())),
            severity: severity_of(ed, &c.id),
            entry: s.traffic.entry.contains(&c.id),
            top: ed.exact.top() == Some(c.id.as_str()),
            watched: run
                .watch
                .as_ref()
                .map(|w| w.get(&c.id).cloned().unwrap_or_default()),
        };
        node::node(view, ev)
    });
    nodes.collect::<Html>()
}

/// The rubber band and the loose end of a connection being drawn.
fn draw_drag(s: &Scenario, drag: &Drag) -> Html {
    match drag {
        Drag::Band { start, end, .. } => {
            let [x, y, w, h] = band_rect(*start, *end);
            html! { <rect class="band" id="selection-band" x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} /> }
        }
        Drag::Connect { from, end } => match drawn_at(s, drag, from) {
            Some((x, y)) => html! {
                <line class="edge-draft" x1={(x + f64::from(NODE_W / 2)).to_string()} y1={y.to_string()}
                    x2={end.0.to_string()} y2={end.1.to_string()} />
            },
            None => html! {},
        },
        _ => html! {},
    }
}

/// Feeds pointer actions to the drag reducer and carries out what it says.
fn pointer_feed(
    drag: &UseStateHandle<Drag>,
    view: &UseStateHandle<View>,
    menu: &UseStateHandle<Option<(String, Point)>>,
    dispatch: &Callback<Action>,
) -> Callback<(Pointer, PointerEvent)> {
    let (drag, view, menu, dispatch) = (drag.clone(), view.clone(), menu.clone(), dispatch.clone());
    Callback::from(move |(p, e): (Pointer, PointerEvent)| {
        let (press, background, on_node) = (
            matches!(p, Pointer::NodeDown { .. } | Pointer::SiteDown { .. }),
            matches!(p, Pointer::BackgroundDown { .. }),
            matches!(p, Pointer::UpOnNode { .. }),
        );
        let next = step(&drag, p);
        if next.took {
            if background {
                e.prevent_default();
                menu.set(None);
            }
            if press || background {
                capture(&e);
            }
            if on_node {
                e.stop_propagation();
            }
        }
        next.actions.into_iter().for_each(|a| dispatch.emit(a));
        if let Some(pan) = next.pan {
            view.set(View {
                pan,
                zoom: view.zoom,
            });
        }
        if let Some(d) = next.drag {
            drag.set(d);
        }
    })
}

#[function_component(Topology)]
pub fn topology() -> Html {
    let ed = use_editor();
    let run = use_run();
    let svg_ref = use_node_ref();
    let drag = use_state(Drag::default);
    let view = use_state(View::default);
    let menu = use_state(|| None::<(String, Point)>);
    // The Pan tool (drag pans instead of selecting) and whether Space is held over the canvas.
    let pan_tool = use_state(|| false);
    let held = keys::use_space_held();
    let fit = use_fit(&svg_ref, &view, &ed.scenario);
    let to_canvas = {
        let (svg_ref, view) = (svg_ref.clone(), (*view).clone());
        move |e: &MouseEvent| {
            let (left, top, _, _) = svg_box(&svg_ref);
            view.to_canvas((e.client_x() as f64, e.client_y() as f64), (left, top))
        }
    };
    let pointer = pointer_feed(&drag, &view, &menu, &ed.dispatch);
    let onpointermove = {
        let (pointer, to_canvas, zoom) = (pointer.clone(), to_canvas.clone(), view.zoom);
        Callback::from(move |e: PointerEvent| {
            let (client, canvas) = ((e.client_x() as f64, e.client_y() as f64), to_canvas(&e));
            pointer.emit((
                Pointer::Move {
                    client,
                    canvas,
                    zoom,
                },
                e,
            ));
        })
    };
    let onpointerup = pointer.reform(|e: PointerEvent| (Pointer::Up, e));
    let onpointerleave = {
        let (hover, up) = (held.hover.clone(), onpointerup.clone());
        Callback::from(move |e: PointerEvent| {
            *hover.borrow_mut() = false;
            up.emit(e)
        })
    };
    let onpointerenter = {
        let hover = held.hover.clone();
        Callback::from(move |_: PointerEvent| *hover.borrow_mut() = true)
    };
    // Dragging the empty canvas draws a rubber band; with the Pan tool, Space held or the
    // middle button it pans instead.
    let onbgdown = {
        let (pointer, to_canvas, pan, space) = (
            pointer.clone(),
            to_canvas.clone(),
            view.pan,
            held.space.clone(),
        );
        let pan_tool = *pan_tool;
        Callback::from(move |e: PointerEvent| {
            let p = Pointer::BackgroundDown {
                button: e.button(),
                shift: e.shift_key(),
                pan_mode: pan_tool || *space.borrow(),
                client: (e.client_x() as f64, e.client_y() as f64),
                canvas: to_canvas(&e),
                pan,
            };
            pointer.emit((p, e));
        })
    };
    let onwheel = on_wheel(&view, &svg_ref);
    let ondrop = on_drop(&ed.dispatch, to_canvas);
    let events = NodeEvents {
        pointer: pointer.clone(),
        dispatch: ed.dispatch.clone(),
        menu: {
            let menu = menu.clone();
            Callback::from(move |m| menu.set(Some(m)))
        },
        selection: ed.selection.clone(),
    };
    let context_menu = (*menu).clone().map(|(id, at)| {
        let (vx, vy) = view.to_screen((at.0 + f64::from(NODE_W / 2), at.1));
        let onclose = {
            let menu = menu.clone();
            Callback::from(move |_| menu.set(None))
        };
        html! { <FailAtMenu key={id.clone()} id={id.clone()} left={vx} top={vy} {onclose} /> }
    });
    html! {
        <div class="canvas-wrap">
            { toolbar(&ed, &view, &pan_tool, fit) }
            <svg ref={svg_ref} id="topology-canvas" data-testid="topology-canvas" class={classes!("canvas", pan_tool.then_some("panning"))} role="application"
                aria-label="Topology canvas: drag nodes to move, drag a node's round handle onto another node to connect, drag the empty canvas to select the nodes in a rectangle"
                {onpointermove} {onpointerup} {onpointerenter} {onpointerleave} {onwheel} ondragover={Callback::from(|e: DragEvent| e.prevent_default())} {ondrop}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                    </marker>
                </defs>
                <rect class="canvas-bg" width="100%" height="100%" onpointerdown={onbgdown} />
                <g transform={view.transform()}>
                    { draw_sites(&ed, &drag, &pointer) }
                    { draw_edges(&ed, &drag) }
                    { draw_nodes(&ed, &run, &drag, &events) }
                    { draw_drag(&ed.scenario, &drag) }
                </g>
            </svg>
            { for context_menu }
        </div>
    }
}

/// The wheel zooms around the pointer.
fn on_wheel(view: &UseStateHandle<View>, svg_ref: &NodeRef) -> Callback<WheelEvent> {
    let (view, svg_ref) = (view.clone(), svg_ref.clone());
    Callback::from(move |e: WheelEvent| {
        e.prevent_default();
        let (left, top, _, _) = svg_box(&svg_ref);
        let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
        let at = (e.client_x() as f64 - left, e.client_y() as f64 - top);
        view.set(view.zoomed_at(factor, at));
    })
}

/// A palette item dropped on the canvas adds a component there.
fn on_drop(
    dispatch: &Callback<Action>,
    to_canvas: impl Fn(&MouseEvent) -> Point + 'static,
) -> Callback<DragEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        let data = e
            .data_transfer()
            .and_then(|dt| dt.get_data("text/plain").ok())
            .unwrap_or_default();
        if let Some(kind) = data.strip_prefix("failover-lab-kind:") {
            let (x, y) = to_canvas(&e);
            dispatch.emit(Action::AddComponent {
                kind: kind.to_string(),
                pos: Some([x.round() as i32, y.round() as i32]),
            });
        }
    })
}

/// The view tools above the canvas: zoom, fit, the Pan tool and "New site".
fn toolbar(
    ed: &EditorContext,
    view: &UseStateHandle<View>,
    pan_tool: &UseStateHandle<bool>,
    fit: Callback<()>,
) -> Html {
    let zoom_by = |f: f64| {
        let view = view.clone();
        Callback::from(move |_| view.set(view.zoomed(f)))
    };
    let toggle_pan = {
        let pan_tool = pan_tool.clone();
        Callback::from(move |_| pan_tool.set(!*pan_tool))
    };
    let add_site = {
        let (dispatch, s, selection) = (
            ed.dispatch.clone(),
            ed.scenario.clone(),
            ed.selection.clone(),
        );
        Callback::from(move |_| {
            dispatch.emit(Action::AddSite {
                rect: new_site_rect(&s, &selection),
            })
        })
    };
    html! {
        <div class="canvas-tools" role="toolbar" aria-label="Canvas view">
            <button class="btn small" onclick={zoom_by(1.2)} aria-label="Zoom in" id="zoom-in">{ "+" }</button>
            <button class="btn small" onclick={zoom_by(1.0 / 1.2)} aria-label="Zoom out" id="zoom-out">{ "−" }</button>
            <button class="btn small" onclick={fit.reform(|_| ())} id="zoom-fit" aria-label="Fit the drawing to the canvas">{ format!("Fit ({:.0}%)", view.zoom * 100.0) }</button>
            <button class={classes!("btn", "small", pan_tool.then_some("active"))} id="pan-tool" aria-pressed={pan_tool.to_string()}
                onclick={toggle_pan} title="When on, dragging the empty canvas pans (also: Space+drag or the middle button); when off, it selects the nodes in a rectangle">{ "Pan" }</button>
            <button class="btn small" id="add-site" onclick={add_site}
                title="Add a site box around the selected nodes (or an empty one below the drawing); drag nodes in or out, resize it from its corner">{ "New site" }</button>
        </div>
    }
}
