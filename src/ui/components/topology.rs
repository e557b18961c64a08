//! The topology editor: an SVG canvas with site boxes, nodes at `pos`, edges from `next`; move
//! by drag, connect by dragging from a node's handle, pan by dragging the background, zoom with
//! the wheel, shift-click to multi-select, right-click a node to schedule a crash, drop palette
//! items to add. Nodes carry `data-node-id` for tests.

use crate::scenario::{Dur, Problem, Scenario, Severity, Spec};
use crate::ui::state::{
    crash_at, kind_label, new_site_rect, rect_between, Action, Sel, NODE_H, NODE_W, SITE_MIN,
};
use crate::ui::watch::{NodeState, Status};

/// Watch mode: the state in words for the accessible name (`, suspected: app#0 …`).
fn watch_words(w: &Status) -> String {
    let mut s = format!(", {}", w.state.name());
    if w.state != NodeState::Up && !w.why.is_empty() {
        s += &format!(": {}", w.why);
    }
    if w.nodes.len() > 1 {
        let each: Vec<String> = w
            .nodes
            .iter()
            .map(|n| format!("{} {}", n.label, n.state.name()))
            .collect();
        s += &format!(" ({})", each.join(", "));
    }
    s
}

/// Watch mode: one small marker per node (colour, symbol and outline per state), above the box.
fn node_pips(w: &Status) -> Html {
    const MAX: usize = 8;
    let pips = w.nodes.iter().take(MAX).enumerate().map(|(i, n)| {
        let x = 10 + 17 * i as i32;
        html! {
            <g class={classes!("pip", format!("state-{}", n.state.name()))} data-node={n.label.clone()} data-state={n.state.name()}
                transform={format!("translate({x},-9)")}>
                <title>{ format!("{}: {} — {}", n.label, n.state.name(), n.why) }</title>
                <rect class="pip-box" width="15" height="14" rx="3" />
                <text x="7.5" y="11" class="pip-sym">{ n.state.symbol() }</text>
            </g>
        }
    });
    let more = w.nodes.len().saturating_sub(MAX);
    html! {
        <g class="pips" aria-hidden="true">
            { for pips }
            if more > 0 { <text x={(10 + 17 * MAX as i32).to_string()} y="2" class="pip-more">{ format!("+{more}") }</text> }
        </g>
    }
}
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    pub scenario: Rc<Scenario>,
    pub selection: Vec<Sel>,
    pub problems: Rc<Vec<Problem>>,
    pub ondispatch: Callback<Action>,
    /// Watch mode: each component's state at the moment shown.
    #[prop_or_default]
    pub watch: Option<Rc<BTreeMap<String, Status>>>,
}

#[derive(Clone, Debug, PartialEq)]
enum Drag {
    None,
    /// Moving nodes: ids, pointer start (client px), current delta (canvas units).
    Nodes {
        ids: Vec<String>,
        start: (f64, f64),
        delta: (i32, i32),
    },
    /// Connecting from a node; the loose end in canvas units.
    Connect {
        from: String,
        end: (f64, f64),
    },
    /// Panning: pointer start and the pan at start.
    Pan {
        start: (f64, f64),
        pan0: (f64, f64),
    },
    /// A rubber band from `start` to `end` (canvas units); `add` (shift) adds to the selection.
    Band {
        start: (f64, f64),
        end: (f64, f64),
        add: bool,
    },
    /// Moving a site box (and the components in it) or resizing it from its corner.
    Site {
        id: String,
        resize: bool,
        start: (f64, f64),
        delta: (i32, i32),
    },
}

#[derive(Clone, Debug, PartialEq)]
struct View {
    pan: (f64, f64),
    zoom: f64,
}

/// "1 node", "2 nodes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Parameters shown under a node's name.
fn node_summary(spec: &Spec) -> String {
    match spec {
        Spec::LoadBalancer(l) => format!("{:?}", l.mode)
            .to_lowercase()
            .replace("activepassive", "active/passive"),
        Spec::Web(w) => count(w.nodes as usize, "node", "nodes"),
        Spec::App(a) => format!(
            "{} · {:?}",
            count(a.nodes as usize, "node", "nodes"),
            a.sessions
        )
        .to_lowercase(),
        Spec::Cache(c) => format!(
            "{} · hit {:.0}%",
            count(c.nodes as usize, "node", "nodes"),
            c.hit_ratio * 100.0
        ),
        Spec::Queue(q) => {
            if q.standby {
                "active/passive".into()
            } else {
                "single".into()
            }
        }
        Spec::Database(d) => format!(
            "{} · {:?}",
            count(d.replicas.len(), "replica", "replicas"),
            d.replication
        )
        .to_lowercase(),
        Spec::SearchIndex(s) | Spec::DocStore(s) => {
            if s.embedded {
                "embedded".into()
            } else {
                count(s.nodes as usize, "node", "nodes")
            }
        }
    }
}

/// The pan and zoom that show every node and site box in a `w`×`h` canvas.
fn fit_view(s: &Scenario, w: f64, h: f64) -> Option<View> {
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut add = |x0: f64, y0: f64, x1: f64, y1: f64| {
        b = (b.0.min(x0), b.1.min(y0), b.2.max(x1), b.3.max(y1));
    };
    for c in &s.components {
        let [x, y] = c.pos.unwrap_or([0, 0]);
        let (x, y) = (x as f64, y as f64);
        add(
            x - (NODE_W / 2) as f64,
            y - (NODE_H / 2) as f64,
            x + (NODE_W / 2) as f64 + 8.0,
            y + (NODE_H / 2) as f64,
        );
    }
    for site in &s.sites {
        if let Some([x, y, sw, sh]) = site.rect {
            add(x as f64, y as f64, (x + sw) as f64, (y + sh) as f64);
        }
    }
    if b.0 > b.2 {
        return Some(View {
            pan: (20.0, 20.0),
            zoom: 1.0,
        });
    }
    let pad = 24.0;
    let (bw, bh) = (b.2 - b.0 + 2.0 * pad, b.3 - b.1 + 2.0 * pad);
    let zoom = (w / bw).min(h / bh).clamp(0.25, 1.25);
    let pan = (
        (w - (b.2 - b.0) * zoom) / 2.0 - b.0 * zoom,
        (h - (b.3 - b.1) * zoom) / 2.0 - b.1 * zoom,
    );
    Some(View { pan, zoom })
}

/// Keeps the moves of a drag coming when the pointer leaves the canvas (not for connecting: the
/// release must land on the target node).
fn capture(e: &PointerEvent) {
    if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
        let _ = el.set_pointer_capture(e.pointer_id());
    }
}

/// At most `n` characters, with an ellipsis when cut.
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

#[function_component(Topology)]
pub fn topology(props: &TopologyProps) -> Html {
    let svg_ref = use_node_ref();
    let drag = use_state(|| Drag::None);
    let view = use_state(|| View {
        pan: (20.0, 20.0),
        zoom: 1.0,
    });
    let menu = use_state(|| None::<(String, f64, f64)>);
    let menu_at = use_state(|| String::from("10m"));
    let menu_err = use_state(|| None::<String>);
    // The Pan tool (drag pans instead of selecting) and whether Space is held.
    let pan_tool = use_state(|| false);
    let space = use_mut_ref(|| false);
    // Whether the pointer is over the canvas: Space then pans instead of scrolling the page.
    let hover = use_mut_ref(|| false);
    {
        let space = space.clone();
        let hover = hover.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listeners = doc.map(|doc| {
                let on = |kind: &'static str, down: bool| {
                    let space = space.clone();
                    let hover = hover.clone();
                    gloo::events::EventListener::new_with_options(
                        &doc,
                        kind,
                        gloo::events::EventListenerOptions::enable_prevent_default(),
                        move |e| {
                            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                                return;
                            };
                            if e.key() != " " {
                                return;
                            }
                            // Only when no control has the focus (Space presses buttons).
                            let on_page = e
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                                .is_none_or(|el| {
                                    matches!(
                                        el.tag_name().to_ascii_lowercase().as_str(),
                                        "body" | "html" | "main" | "section" | "div"
                                    )
                                });
                            if !on_page {
                                return;
                            }
                            *space.borrow_mut() = down;
                            if *hover.borrow() {
                                e.prevent_default();
                            }
                        },
                    )
                };
                (on("keydown", true), on("keyup", false))
            });
            move || drop(listeners)
        });
    }

    // Client px → canvas units.
    let to_canvas = {
        let svg_ref = svg_ref.clone();
        let view = (*view).clone();
        move |cx: f64, cy: f64| -> (f64, f64) {
            let (left, top) = svg_ref
                .cast::<web_sys::Element>()
                .map(|e| {
                    let r = e.get_bounding_client_rect();
                    (r.left(), r.top())
                })
                .unwrap_or((0.0, 0.0));
            (
                (cx - left - view.pan.0) / view.zoom,
                (cy - top - view.pan.1) / view.zoom,
            )
        }
    };

    let s = &props.scenario;
    let pos_of = |id: &str| -> Option<(f64, f64)> {
        let c = s.components.iter().find(|c| c.id == id)?;
        let [x, y] = c.pos.unwrap_or([0, 0]);
        let (dx, dy) = match &*drag {
            Drag::Nodes { ids, delta, .. } if ids.iter().any(|i| i == id) => *delta,
            Drag::Site {
                id: site,
                resize: false,
                delta,
                ..
            } if c.site.as_deref() == Some(site.as_str()) => *delta,
            _ => (0, 0),
        };
        Some(((x + dx) as f64, (y + dy) as f64))
    };
    let severity_of = |id: &str| -> Option<Severity> {
        props
            .problems
            .iter()
            .filter(|p| p.component.as_deref() == Some(id))
            .map(|p| p.severity)
            .min()
    };

    let onpointermove = {
        let drag = drag.clone();
        let view = view.clone();
        let to_canvas = to_canvas.clone();
        Callback::from(move |e: PointerEvent| {
            let (cx, cy) = (e.client_x() as f64, e.client_y() as f64);
            match &*drag {
                Drag::Nodes { ids, start, .. } => {
                    let z = view.zoom;
                    drag.set(Drag::Nodes {
                        ids: ids.clone(),
                        start: *start,
                        delta: (
                            ((cx - start.0) / z).round() as i32,
                            ((cy - start.1) / z).round() as i32,
                        ),
                    });
                }
                Drag::Connect { from, .. } => drag.set(Drag::Connect {
                    from: from.clone(),
                    end: to_canvas(cx, cy),
                }),
                Drag::Band { start, add, .. } => drag.set(Drag::Band {
                    start: *start,
                    end: to_canvas(cx, cy),
                    add: *add,
                }),
                Drag::Pan { start, pan0 } => view.set(View {
                    pan: (pan0.0 + cx - start.0, pan0.1 + cy - start.1),
                    zoom: view.zoom,
                }),
                Drag::Site {
                    id, resize, start, ..
                } => {
                    let z = view.zoom;
                    drag.set(Drag::Site {
                        id: id.clone(),
                        resize: *resize,
                        start: *start,
                        delta: (
                            ((cx - start.0) / z).round() as i32,
                            ((cy - start.1) / z).round() as i32,
                        ),
                    });
                }
                Drag::None => {}
            }
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        let ondispatch = props.ondispatch.clone();
        Callback::from(move |_e: PointerEvent| {
            match &*drag {
                Drag::Nodes { ids, delta, .. } if *delta != (0, 0) => {
                    ondispatch.emit(Action::MoveComponents {
                        ids: ids.clone(),
                        dx: delta.0,
                        dy: delta.1,
                    });
                }
                Drag::Site {
                    id, resize, delta, ..
                } if *delta != (0, 0) => {
                    ondispatch.emit(Action::DragSite {
                        id: id.clone(),
                        resize: *resize,
                        dx: delta.0,
                        dy: delta.1,
                    });
                }
                Drag::Band { start, end, add } => {
                    let r = rect_between(
                        [start.0.round() as i32, start.1.round() as i32],
                        [end.0.round() as i32, end.1.round() as i32],
                    );
                    ondispatch.emit(Action::SelectRect { rect: r, add: *add });
                }
                _ => {}
            }
            drag.set(Drag::None);
        })
    };
    // Dragging the empty canvas draws a rubber band; with the Pan tool, Space held or the
    // middle button it pans instead.
    let onbgdown = {
        let drag = drag.clone();
        let view = view.clone();
        let menu = menu.clone();
        let pan_tool = *pan_tool;
        let space = space.clone();
        let to_canvas = to_canvas.clone();
        Callback::from(move |e: PointerEvent| {
            let pan = e.button() == 1 || (e.button() == 0 && (pan_tool || *space.borrow()));
            if e.button() != 0 && !pan {
                return;
            }
            e.prevent_default();
            menu.set(None);
            capture(&e);
            let (cx, cy) = (e.client_x() as f64, e.client_y() as f64);
            if pan {
                drag.set(Drag::Pan {
                    start: (cx, cy),
                    pan0: view.pan,
                });
            } else {
                let at = to_canvas(cx, cy);
                drag.set(Drag::Band {
                    start: at,
                    end: at,
                    add: e.shift_key(),
                });
            }
        })
    };
    let toggle_pan = {
        let pan_tool = pan_tool.clone();
        Callback::from(move |_| pan_tool.set(!*pan_tool))
    };
    let add_site = {
        let ondispatch = props.ondispatch.clone();
        let scenario = props.scenario.clone();
        let selection = props.selection.clone();
        Callback::from(move |_| {
            ondispatch.emit(Action::AddSite {
                rect: new_site_rect(&scenario, &selection),
            })
        })
    };
    let onwheel = {
        let view = view.clone();
        let svg_ref = svg_ref.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
            let zoom = (view.zoom * factor).clamp(0.25, 3.0);
            let (left, top) = svg_ref
                .cast::<web_sys::Element>()
                .map(|el| {
                    let r = el.get_bounding_client_rect();
                    (r.left(), r.top())
                })
                .unwrap_or((0.0, 0.0));
            // Keep the point under the pointer fixed.
            let (px, py) = (e.client_x() as f64 - left, e.client_y() as f64 - top);
            let k = zoom / view.zoom;
            view.set(View {
                pan: (px - (px - view.pan.0) * k, py - (py - view.pan.1) * k),
                zoom,
            });
        })
    };
    let zoom_by = |f: f64| {
        let view = view.clone();
        Callback::from(move |_| {
            view.set(View {
                pan: view.pan,
                zoom: (view.zoom * f).clamp(0.25, 3.0),
            })
        })
    };
    let fit = {
        let view = view.clone();
        let svg_ref = svg_ref.clone();
        let scenario = props.scenario.clone();
        move || {
            let (w, h) = svg_ref
                .cast::<web_sys::Element>()
                .map(|e| {
                    let r = e.get_bounding_client_rect();
                    (r.width(), r.height())
                })
                .unwrap_or((0.0, 0.0));
            if let Some(v) = fit_view(&scenario, w, h) {
                view.set(v);
            }
        }
    };
    let reset_view = {
        let fit = fit.clone();
        Callback::from(move |_| fit())
    };
    {
        // Fit the drawing when another scenario is opened.
        let fit = fit.clone();
        use_effect_with(props.scenario.name.clone(), move |_| fit());
    }
    {
        // When a component appears outside the visible area (added from the palette), fit again.
        let fit = fit.clone();
        let svg_ref = svg_ref.clone();
        let view_now = (*view).clone();
        let scenario = props.scenario.clone();
        use_effect_with(
            (props.scenario.components.len(), props.scenario.sites.len()),
            move |_| {
                let (w, h) = svg_ref
                    .cast::<web_sys::Element>()
                    .map(|e| {
                        let r = e.get_bounding_client_rect();
                        (r.width(), r.height())
                    })
                    .unwrap_or((0.0, 0.0));
                let off = |x: i32, y: i32| {
                    let sx = x as f64 * view_now.zoom + view_now.pan.0;
                    let sy = y as f64 * view_now.zoom + view_now.pan.1;
                    sx < 0.0 || sy < 0.0 || sx > w || sy > h
                };
                let outside = scenario.components.iter().any(|c| {
                    let [x, y] = c.pos.unwrap_or([0, 0]);
                    off(x, y)
                }) || scenario
                    .sites
                    .iter()
                    .filter_map(|x| x.rect)
                    .any(|[x, y, rw, rh]| off(x, y) || off(x + rw, y + rh));
                if outside && w > 0.0 {
                    fit();
                }
            },
        );
    }
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let ondispatch = props.ondispatch.clone();
        let to_canvas = to_canvas.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let kind = e
                .data_transfer()
                .and_then(|dt| dt.get_data("text/plain").ok())
                .unwrap_or_default();
            if let Some(kind) = kind.strip_prefix("failover-lab-kind:") {
                let (x, y) = to_canvas(e.client_x() as f64, e.client_y() as f64);
                ondispatch.emit(Action::AddComponent {
                    kind: kind.to_string(),
                    pos: Some([x.round() as i32, y.round() as i32]),
                });
            }
        })
    };

    // Site boxes.
    let site_sev = crate::ui::site_severities(s, &props.problems);
    let sites = s.sites.iter().map(|site| {
        let Some([mut x, mut y, mut w, mut h]) = site.rect else { return html! {} };
        let sev = site_sev.iter().find(|(id, _)| *id == site.id).map(|(_, sev)| *sev);
        let (sev_class, badge, status) = match sev {
            Some(Severity::Error) => (Some("has-error"), "✖ ", " (has errors)"),
            Some(Severity::Warning) => (Some("has-warning"), "⚠ ", " (single point of failure or other warning)"),
            None => (None, "", ""),
        };
        if let Drag::Site { id, resize, delta, .. } = &*drag {
            if *id == site.id {
                if *resize {
                    w = (w + delta.0).max(SITE_MIN[0]);
                    h = (h + delta.1).max(SITE_MIN[1]);
                } else {
                    x += delta.0;
                    y += delta.1;
                }
            }
        }
        let sel = Sel::Site(site.id.clone());
        let selected = props.selection.contains(&sel);
        let start_drag = |resize: bool| {
            let ondispatch = props.ondispatch.clone();
            let drag = drag.clone();
            let sel = sel.clone();
            let id = site.id.clone();
            Callback::from(move |e: PointerEvent| {
                e.stop_propagation();
                if e.button() != 0 {
                    return;
                }
                ondispatch.emit(if e.shift_key() { Action::ToggleSelect(sel.clone()) } else { Action::Select(sel.clone()) });
                capture(&e);
                drag.set(Drag::Site { id: id.clone(), resize, start: (e.client_x() as f64, e.client_y() as f64), delta: (0, 0) });
            })
        };
        let onpointerdown = start_drag(false);
        let onresize = start_drag(true);
        let onkeydown = {
            let ondispatch = props.ondispatch.clone();
            let sel = sel.clone();
            let id = site.id.clone();
            Callback::from(move |e: KeyboardEvent| {
                let step = if e.shift_key() { 50 } else { 10 };
                let (dx, dy) = match e.key().as_str() {
                    "Enter" | " " => {
                        e.prevent_default();
                        ondispatch.emit(if e.shift_key() { Action::ToggleSelect(sel.clone()) } else { Action::Select(sel.clone()) });
                        return;
                    }
                    "ArrowLeft" => (-step, 0),
                    "ArrowRight" => (step, 0),
                    "ArrowUp" => (0, -step),
                    "ArrowDown" => (0, step),
                    _ => return,
                };
                e.prevent_default();
                ondispatch.emit(Action::DragSite { id: id.clone(), resize: false, dx, dy });
            })
        };
        let title = if site.name.is_empty() { site.id.clone() } else { format!("{} ({})", site.name, site.id) };
        let kind = format!("{:?}", site.kind).to_lowercase();
        let messages = props
            .problems
            .iter()
            .filter(|p| crate::ui::item_index(&p.path, "sites").and_then(|i| s.sites.get(i)).is_some_and(|x| x.id == site.id))
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        html! {
            <g class={classes!("site", selected.then_some("selected"), sev_class)} data-site-id={site.id.clone()} key={format!("site-{}", site.id)}
                tabindex="0" role="button" aria-pressed={selected.to_string()} aria-label={format!("Site {title}{status}")} {onkeydown} {onpointerdown}>
                <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="10" />
                <text x={(x + 10).to_string()} y={(y + 18).to_string()} class="site-label">
                    { format!("{badge}{title} · {kind}") }
                </text>
                if !messages.is_empty() { <title>{ messages }</title> }
                <rect class="site-resize" x={(x + w - 12).to_string()} y={(y + h - 12).to_string()} width="12" height="12"
                    data-resize-site={site.id.clone()} onpointerdown={onresize}>
                    <title>{ "drag to resize the site" }</title>
                </rect>
            </g>
        }
    });

    // Edges.
    let edges = s.components.iter().flat_map(|c| {
        c.next.iter().filter_map(|n| {
            let (x1, y1) = pos_of(&c.id)?;
            let (x2, y2) = pos_of(n)?;
            let (sx, sy) = (x1 + (NODE_W / 2) as f64, y1);
            let (tx, ty) = (x2 - (NODE_W / 2) as f64 - 6.0, y2);
            let sel = Sel::Link(c.id.clone(), n.clone());
            let selected = props.selection.contains(&sel);
            let onpointerdown = {
                let ondispatch = props.ondispatch.clone();
                Callback::from(move |e: PointerEvent| {
                    e.stop_propagation();
                    ondispatch.emit(if e.shift_key() { Action::ToggleSelect(sel.clone()) } else { Action::Select(sel.clone()) });
                })
            };
            let mid = (sx + tx) / 2.0;
            let d = format!("M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}");
            Some(html! {
                <g class={classes!("edge", selected.then_some("selected"))} key={format!("edge-{}-{}", c.id, n)}
                    data-edge={format!("{}->{}", c.id, n)}>
                    <path class="edge-hit" d={d.clone()} onpointerdown={onpointerdown.clone()} />
                    <path class="edge-line" d={d} marker-end="url(#arrow)" />
                    // A grip in the middle: easier to hit, and gives a straight edge some height.
                    <circle class="edge-grip" cx={mid.to_string()} cy={((sy + ty) / 2.0).to_string()} r="6" {onpointerdown}>
                        <title>{ format!("{} calls {} (click to select, Delete to remove)", c.id, n) }</title>
                    </circle>
                </g>
            })
        }).collect::<Vec<_>>()
    });

    // Nodes.
    let nodes = s.components.iter().map(|c| {
        let (x, y) = pos_of(&c.id).unwrap_or((0.0, 0.0));
        let sel = Sel::Component(c.id.clone());
        let selected = props.selection.contains(&sel);
        let sev = severity_of(&c.id);
        let is_entry = s.traffic.entry.contains(&c.id);
        let onpointerdown = {
            let ondispatch = props.ondispatch.clone();
            let drag = drag.clone();
            let selection = props.selection.clone();
            let id = c.id.clone();
            Callback::from(move |e: PointerEvent| {
                e.stop_propagation();
                if e.button() != 0 {
                    return;
                }
                let sel = Sel::Component(id.clone());
                if e.shift_key() {
                    ondispatch.emit(Action::ToggleSelect(sel));
                    return;
                }
                let mut ids: Vec<String> = if selection.contains(&sel) {
                    selection.iter().filter_map(|s| match s { Sel::Component(i) => Some(i.clone()), _ => None }).collect()
                } else {
                    ondispatch.emit(Action::Select(sel));
                    Vec::new()
                };
                if ids.is_empty() {
                    ids.push(id.clone());
                }
                capture(&e);
                drag.set(Drag::Nodes { ids, start: (e.client_x() as f64, e.client_y() as f64), delta: (0, 0) });
            })
        };
        let onpointerup = {
            let drag = drag.clone();
            let ondispatch = props.ondispatch.clone();
            let id = c.id.clone();
            Callback::from(move |e: PointerEvent| {
                if let Drag::Connect { from, .. } = &*drag {
                    e.stop_propagation();
                    ondispatch.emit(Action::Connect { from: from.clone(), to: id.clone() });
                    drag.set(Drag::None);
                }
            })
        };
        let onhandledown = {
            let drag = drag.clone();
            let id = c.id.clone();
            let start = (x + (NODE_W / 2) as f64, y);
            Callback::from(move |e: PointerEvent| {
                e.stop_propagation();
                drag.set(Drag::Connect { from: id.clone(), end: start });
            })
        };
        let oncontextmenu = {
            let menu = menu.clone();
            let id = c.id.clone();
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                menu.set(Some((id.clone(), x, y)));
            })
        };
        let onkeydown = {
            let ondispatch = props.ondispatch.clone();
            let id = c.id.clone();
            Callback::from(move |e: KeyboardEvent| {
                let step = if e.shift_key() { 50 } else { 10 };
                let (dx, dy) = match e.key().as_str() {
                    "Enter" | " " => {
                        e.prevent_default();
                        let sel = Sel::Component(id.clone());
                        // Shift+Enter: multi-select from the keyboard.
                        ondispatch.emit(if e.shift_key() { Action::ToggleSelect(sel) } else { Action::Select(sel) });
                        return;
                    }
                    "ArrowLeft" => (-step, 0),
                    "ArrowRight" => (step, 0),
                    "ArrowUp" => (0, -step),
                    "ArrowDown" => (0, step),
                    _ => return,
                };
                e.prevent_default();
                ondispatch.emit(Action::MoveComponents { ids: vec![id.clone()], dx, dy });
            })
        };
        let watched = props.watch.as_ref().map(|w| {
            w.get(&c.id).cloned().unwrap_or_default()
        });
        let params = match &watched {
            Some(st) if st.state != NodeState::Up => truncate(&format!("{}: {}", st.state.name(), st.why), 20),
            Some(_) => "up".to_string(),
            None => node_summary(&c.spec),
        };
        let left = x - (NODE_W / 2) as f64;
        let top = y - (NODE_H / 2) as f64;
        let subtitle = if c.name.is_empty() { kind_label(c.spec.kind_name()).to_string() } else { truncate(&c.name, 20) };
        let status = match sev {
            Some(Severity::Error) => " (has errors)",
            Some(Severity::Warning) => " (has warnings)",
            None => "",
        };
        html! {
            <g key={format!("node-{}", c.id)}
                class={classes!("node", format!("kind-{}", c.spec.kind_name()), selected.then_some("selected"), watched.as_ref().map(|w| format!("state-{}", w.state.name())),
                    match sev { Some(Severity::Error) => Some("has-error"), Some(Severity::Warning) => Some("has-warning"), None => None })}
                id={format!("node-{}", c.id)} data-node-id={c.id.clone()} data-testid={format!("node-{}", c.id)}
                data-state={watched.as_ref().map(|w| w.state.name())}
                tabindex="0" role="button" aria-pressed={selected.to_string()}
                aria-label={format!("{} {}{status}{}", kind_label(c.spec.kind_name()), c.id,
                    watched.as_ref().map(watch_words).unwrap_or_default())}
                transform={format!("translate({left},{top})")}
                {onpointerdown} {onpointerup} {oncontextmenu} {onkeydown}>
                <rect class="node-box" width={NODE_W.to_string()} height={NODE_H.to_string()} rx="8" />
                <title>{ format!("{} ({}): {}", c.id, kind_label(c.spec.kind_name()), if c.name.is_empty() { "" } else { &c.name }) }</title>
                <text x="10" y="20" class="node-name">{ truncate(&c.id, 14) }</text>
                <text x="10" y="36" class="node-kind">{ subtitle }</text>
                <text x="10" y="50" class="node-params">{ params }</text>
                if let Some(w) = &watched { { node_pips(w) } }
                if is_entry { <text x={(NODE_W - 22).to_string()} y="18" class="node-badge"><title>{"receives client traffic"}</title>{ "⇥" }</text> }
                if let Some(sev) = sev {
                    <text x={(NODE_W - 20).to_string()} y={(NODE_H - 8).to_string()} class="node-badge">
                        <title>{ if sev == Severity::Error { "has errors" } else { "single point of failure or other warning" } }</title>
                        { if sev == Severity::Error { "✖" } else { "⚠" } }
                    </text>
                }
                <circle class="handle" cx={NODE_W.to_string()} cy={(NODE_H / 2).to_string()} r="7"
                    data-handle-for={c.id.clone()} onpointerdown={onhandledown}>
                    <title>{ "drag to another component to connect" }</title>
                </circle>
            </g>
        }
    });

    let band = match &*drag {
        Drag::Band { start, end, .. } => {
            let [x, y, w, h] = rect_between(
                [start.0.round() as i32, start.1.round() as i32],
                [end.0.round() as i32, end.1.round() as i32],
            );
            Some(html! {
                <rect class="band" id="selection-band" x={x.to_string()} y={y.to_string()}
                    width={w.to_string()} height={h.to_string()} />
            })
        }
        _ => None,
    };
    let loose = match &*drag {
        Drag::Connect { from, end } => pos_of(from).map(|(x, y)| html! {
            <line class="edge-draft" x1={(x + (NODE_W / 2) as f64).to_string()} y1={y.to_string()}
                x2={end.0.to_string()} y2={end.1.to_string()} />
        }),
        _ => None,
    };

    let context_menu = (*menu).clone().map(|(id, x, y)| {
        let vx = x * view.zoom + view.pan.0 + (NODE_W / 2) as f64 * view.zoom;
        let vy = y * view.zoom + view.pan.1;
        let oninput = {
            let menu_at = menu_at.clone();
            Callback::from(move |e: InputEvent| {
                let i: web_sys::HtmlInputElement = e.target_unchecked_into();
                menu_at.set(i.value());
            })
        };
        let onfail = {
            let ondispatch = props.ondispatch.clone();
            let menu = menu.clone();
            let menu_at = menu_at.clone();
            let menu_err = menu_err.clone();
            let id = id.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                match Dur::parse(menu_at.trim()) {
                    Dur::Valid(us) => {
                        ondispatch.emit(Action::AddFault(crash_at(&id, Dur::Valid(us))));
                        menu_err.set(None);
                        menu.set(None);
                    }
                    Dur::Invalid(t) => menu_err.set(Some(format!("`{t}` is not a time: e.g. 20m"))),
                }
            })
        };
        let close = { let menu = menu.clone(); Callback::from(move |_| menu.set(None)) };
        html! {
            <form class="context-menu" id="fail-at-menu" data-testid="fail-at-menu" style={format!("left:{vx}px;top:{vy}px")} onsubmit={onfail}>
                <label for="fail-at-input">{ format!("Crash {id} at") }</label>
                <input id="fail-at-input" value={(*menu_at).clone()} {oninput} aria-describedby="fail-at-msg" />
                <button type="submit" class="btn small primary" id="fail-at-submit">{ "Fail at…" }</button>
                <button type="button" class="btn small" onclick={close}>{ "Close" }</button>
                if let Some(m) = &*menu_err { <div id="fail-at-msg" class="field-msg" role="alert">{ m.clone() }</div> }
            </form>
        }
    });

    let transform = format!(
        "translate({},{}) scale({})",
        view.pan.0, view.pan.1, view.zoom
    );
    html! {
        <div class="canvas-wrap">
            <div class="canvas-tools" role="toolbar" aria-label="Canvas view">
                <button class="btn small" onclick={zoom_by(1.2)} aria-label="Zoom in" id="zoom-in">{ "+" }</button>
                <button class="btn small" onclick={zoom_by(1.0 / 1.2)} aria-label="Zoom out" id="zoom-out">{ "−" }</button>
                <button class="btn small" onclick={reset_view} id="zoom-fit" aria-label="Fit the drawing to the canvas">{ format!("Fit ({:.0}%)", view.zoom * 100.0) }</button>
                <button class={classes!("btn", "small", pan_tool.then_some("active"))} id="pan-tool" aria-pressed={pan_tool.to_string()}
                    onclick={toggle_pan} title="When on, dragging the empty canvas pans (also: Space+drag or the middle button); when off, it selects the nodes in a rectangle">{ "Pan" }</button>
                <button class="btn small" id="add-site" onclick={add_site}
                    title="Add a site box around the selected nodes (or an empty one below the drawing); drag nodes in or out, resize it from its corner">{ "New site" }</button>
            </div>
            <svg ref={svg_ref} id="topology-canvas" data-testid="topology-canvas" class={classes!("canvas", pan_tool.then_some("panning"))} role="application"
                aria-label="Topology canvas: drag nodes to move, drag a node's round handle onto another node to connect, drag the empty canvas to select the nodes in a rectangle"
                onpointermove={onpointermove} onpointerup={onpointerup.clone()} onpointerenter={{ let hover = hover.clone(); Callback::from(move |_: PointerEvent| *hover.borrow_mut() = true) }}
                onpointerleave={{ let hover = hover.clone(); Callback::from(move |e: PointerEvent| { *hover.borrow_mut() = false; onpointerup.emit(e) }) }}
                {onwheel} {ondragover} {ondrop}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                    </marker>
                </defs>
                <rect class="canvas-bg" width="100%" height="100%" onpointerdown={onbgdown} />
                <g transform={transform}>
                    { for sites }
                    { for edges }
                    { for nodes }
                    { for loose }
                    { for band }
                </g>
            </svg>
            { for context_menu }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtins;

    #[test]
    fn fit_shows_the_whole_drawing_and_long_names_are_cut() {
        let s = builtins::get("liferay-reference").unwrap().scenario();
        assert_eq!(truncate("Load balancers (VIP pair)", 10), "Load bala…");
        let v = fit_view(&s, 800.0, 300.0).unwrap();
        assert!(v.zoom > 0.25 && v.zoom <= 1.25);
        // The leftmost node's left edge lands inside the canvas.
        let left = (80.0 - 65.0) * v.zoom + v.pan.0;
        assert!((0.0..800.0).contains(&left));
        assert!(fit_view(&s, 0.0, 0.0).is_none());
    }
}
