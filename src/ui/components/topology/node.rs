//! A node on the canvas: its box, name, kind, a summary of its parameters (or, in watch mode,
//! its state and one pip per node), badges for entry points and problems, and the round
//! handle that starts a connection.

use super::drag::{Point, Pointer};
use super::keys::on_keys;
use crate::scenario::{Component, LbMode, Replication, ReplicationMode, Severity, Spec};
use crate::ui::state::{kind_label, Action, Sel, NODE_H, NODE_W};
use crate::ui::watch::{NodeState, Status};
use yew::prelude::*;

/// "1 node", "2 nodes".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// At most `n` characters, with an ellipsis when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

fn lb_mode(m: &LbMode) -> &'static str {
    match m {
        LbMode::Single => "single",
        LbMode::ActivePassive => "active/passive",
    }
}

fn sessions(r: &Replication) -> &'static str {
    match r {
        Replication::None => "none",
        Replication::Buddy => "buddy",
        Replication::All => "all",
    }
}

fn replication(r: &ReplicationMode) -> &'static str {
    match r {
        ReplicationMode::Sync => "sync",
        ReplicationMode::Async => "async",
    }
}

/// Parameters shown under a node's name.
pub fn node_summary(spec: &Spec) -> String {
    match spec {
        Spec::LoadBalancer(l) => lb_mode(&l.mode).to_string(),
        Spec::Web(w) => count(w.nodes as usize, "node", "nodes"),
        Spec::App(a) => format!(
            "{} · {}",
            count(a.nodes as usize, "node", "nodes"),
            sessions(&a.sessions)
        ),
        Spec::Cache(c) => format!(
            "{} · hit {:.0}%",
            count(c.nodes as usize, "node", "nodes"),
            c.hit_ratio * 100.0
        ),
        Spec::Queue(q) => if q.standby {
            "active/passive"
        } else {
            "single"
        }
        .to_string(),
        Spec::Database(d) => format!(
            "{} · {}",
            count(d.replicas.len(), "replica", "replicas"),
            replication(&d.replication)
        ),
        Spec::SearchIndex(s) | Spec::DocStore(s) => {
            if s.embedded {
                "embedded".into()
            } else {
                count(s.nodes as usize, "node", "nodes")
            }
        }
    }
}

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

/// What a node shows.
pub struct NodeView<'a> {
    pub c: &'a Component,
    /// Its centre as drawn (moved along while dragged), canvas units.
    pub at: Point,
    pub selected: bool,
    /// Its worst problem.
    pub severity: Option<Severity>,
    /// It receives client traffic.
    pub entry: bool,
    /// Watch mode: its state at the moment shown.
    pub watched: Option<Status>,
    /// Issue 16: first in the exact "improve this first" ranking.
    pub top: bool,
}

/// Where a node's events go.
#[derive(Clone)]
pub struct NodeEvents {
    /// The drag reducer; answers whether the event was taken.
    pub pointer: Callback<(Pointer, PointerEvent)>,
    pub dispatch: Callback<Action>,
    /// Opens the "fail at…" menu for a node at its centre (canvas units).
    pub menu: Callback<(String, Point)>,
    /// The editor's selection, for a drag of the whole selection.
    pub selection: std::rc::Rc<Vec<Sel>>,
}

fn callbacks(
    id: &str,
    at: Point,
    ev: &NodeEvents,
) -> (
    Callback<PointerEvent>,
    Callback<PointerEvent>,
    Callback<PointerEvent>,
    Callback<MouseEvent>,
) {
    let down = {
        let (ev, id) = (ev.clone(), id.to_string());
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            let p = Pointer::NodeDown {
                id: id.clone(),
                button: e.button(),
                shift: e.shift_key(),
                client: (e.client_x() as f64, e.client_y() as f64),
                selection: (*ev.selection).clone(),
            };
            ev.pointer.emit((p, e));
        })
    };
    let up = {
        let (pointer, id) = (ev.pointer.clone(), id.to_string());
        Callback::from(move |e: PointerEvent| {
            pointer.emit((Pointer::UpOnNode { id: id.clone() }, e))
        })
    };
    let handle = {
        let (pointer, id) = (ev.pointer.clone(), id.to_string());
        let start = (at.0 + f64::from(NODE_W / 2), at.1);
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            pointer.emit((
                Pointer::HandleDown {
                    id: id.clone(),
                    at: start,
                },
                e,
            ));
        })
    };
    let menu = {
        let (menu, id) = (ev.menu.clone(), id.to_string());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            menu.emit((id.clone(), at));
        })
    };
    (down, up, handle, menu)
}

/// A node's box with its texts, badges and connect handle.
pub fn node(n: NodeView<'_>, ev: &NodeEvents) -> Html {
    let c = n.c;
    let (onpointerdown, onpointerup, onhandledown, oncontextmenu) = callbacks(&c.id, n.at, ev);
    let onkeydown = {
        let id = c.id.clone();
        on_keys(
            Sel::Component(c.id.clone()),
            ev.dispatch.clone(),
            move |dx, dy| Action::MoveComponents {
                ids: vec![id.clone()],
                dx,
                dy,
            },
        )
    };
    let watched = n.watched;
    let params = match &watched {
        Some(st) if st.state != NodeState::Up => {
            truncate(&format!("{}: {}", st.state.name(), st.why), 20)
        }
        Some(_) => "up".to_string(),
        None => node_summary(&c.spec),
    };
    let kind = kind_label(c.spec.kind_name());
    let (left, top) = (
        n.at.0 - f64::from(NODE_W / 2),
        n.at.1 - f64::from(NODE_H / 2),
    );
    let subtitle = if c.name.is_empty() {
        kind.to_string()
    } else {
        truncate(&c.name, 20)
    };
    let (sev_class, status) = match n.severity {
        Some(Severity::Error) => (Some("has-error"), " (has errors)"),
        Some(Severity::Warning) => (Some("has-warning"), " (has warnings)"),
        None => (None, ""),
    };
    html! {
        <g key={format!("node-{}", c.id)}
            class={classes!("node", format!("kind-{}", c.spec.kind_name()), n.selected.then_some("selected"),
                watched.as_ref().map(|w| format!("state-{}", w.state.name())), sev_class, n.top.then_some("improve-first"))}
            id={format!("node-{}", c.id)} data-node-id={c.id.clone()} data-testid={format!("node-{}", c.id)}
            data-state={watched.as_ref().map(|w| w.state.name())} data-improve-first={n.top.then_some("true")}
            tabindex="0" role="button" aria-pressed={n.selected.to_string()}
            aria-label={format!("{kind} {}{status}{}{}", c.id, if n.top { " (improve this first)" } else { "" }, watched.as_ref().map(watch_words).unwrap_or_default())}
            transform={format!("translate({left},{top})")}
            {onpointerdown} {onpointerup} {oncontextmenu} {onkeydown}>
            <rect class="node-box" width={NODE_W.to_string()} height={NODE_H.to_string()} rx="8" />
            <title>{ format!("{} ({kind}): {}", c.id, c.name) }</title>
            <text x="10" y="20" class="node-name">{ truncate(&c.id, 14) }</text>
            <text x="10" y="36" class="node-kind">{ subtitle }</text>
            <text x="10" y="50" class="node-params">{ params }</text>
            if let Some(w) = &watched { { node_pips(w) } }
            if n.top {
                <g class="improve-badge" id="improve-first-badge" transform={format!("translate(8,{})", NODE_H + 2)}>
                    <title>{ "improve this first: the exact ranking's top component (Exact tab)" }</title>
                    <rect width="76" height="16" rx="8" />
                    <text x="38" y="12">{ "★ improve first" }</text>
                </g>
            }
            if n.entry { <text x={(NODE_W - 22).to_string()} y="18" class="node-badge"><title>{"receives client traffic"}</title>{ "⇥" }</text> }
            if let Some(sev) = n.severity {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtins;
    use crate::ui::state::default_spec;

    #[test]
    fn long_names_are_cut() {
        assert_eq!(truncate("Load balancers (VIP pair)", 10), "Load bala…");
        assert_eq!(truncate("db", 10), "db");
    }

    #[test]
    fn summaries_say_the_parameters_in_words() {
        let s = builtins::get("liferay-reference").unwrap().scenario();
        let summary =
            |id: &str| node_summary(&s.components.iter().find(|c| c.id == id).unwrap().spec);
        assert_eq!(summary("lb"), "active/passive");
        assert!(summary("app").ends_with(" · buddy") || summary("app").ends_with(" · all"));
        let mut spec = s
            .components
            .iter()
            .find(|c| c.id == "db")
            .unwrap()
            .spec
            .clone();
        if let Spec::Database(d) = &mut spec {
            assert!(!d.replicas.is_empty());
            d.replication = ReplicationMode::Async;
            d.replicas.truncate(1);
        }
        assert_eq!(node_summary(&spec), "1 replica · async");
        let mut spec = default_spec("app").unwrap();
        if let Spec::App(a) = &mut spec {
            a.nodes = 1;
            a.sessions = Replication::None;
        }
        assert_eq!(node_summary(&spec), "1 node · none");
        assert_eq!(
            node_summary(&default_spec("load_balancer").unwrap()),
            "single"
        );
    }
}
