//! An edge on the canvas: a `next` call from one node's right side to another's left, drawn as
//! a curve with an arrow, a wide invisible hit path and a grip in the middle to select it.

use super::drag::Point;
use crate::ui::state::{Action, Sel, NODE_H, NODE_W};
use yew::prelude::*;

/// The curve from a node centred at `from` to one centred at `to`, and its middle point. A call
/// to a node that is not to the right (a back edge) loops under both nodes instead of crossing
/// the forward edges between them.
pub fn edge_path(from: Point, to: Point) -> (String, Point) {
    let (sx, sy) = (from.0 + f64::from(NODE_W / 2), from.1);
    let (tx, ty) = (to.0 - f64::from(NODE_W / 2) - 6.0, to.1);
    if is_back(from, to) {
        const OUT: f64 = 40.0;
        let low = sy.max(ty) + f64::from(NODE_H / 2) + 28.0;
        let (ox, ix) = (sx + OUT, tx - OUT);
        return (
            format!("M{sx},{sy} C{ox},{sy} {ox},{low} {sx},{low} L{tx},{low} C{ix},{low} {ix},{ty} {tx},{ty}"),
            ((sx + tx) / 2.0, low),
        );
    }
    let mid = (sx + tx) / 2.0;
    (
        format!("M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}"),
        (mid, (sy + ty) / 2.0),
    )
}

/// Whether an edge between nodes centred at `from` and `to` runs backwards: the target's left
/// side is not clear to the right of the source's right side.
pub fn is_back(from: Point, to: Point) -> bool {
    to.0 - from.0 < f64::from(NODE_W) + 20.0
}

/// The edge `a → b` between nodes drawn at `from` and `to`.
pub fn edge(
    a: &str,
    b: &str,
    from: Point,
    to: Point,
    selected: bool,
    cycle: bool,
    dispatch: &Callback<Action>,
) -> Html {
    let sel = Sel::Link(a.to_string(), b.to_string());
    let onpointerdown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            dispatch.emit(if e.shift_key() {
                Action::ToggleSelect(sel.clone())
            } else {
                Action::Select(sel.clone())
            });
        })
    };
    let (d, (mx, my)) = edge_path(from, to);
    html! {
        <g class={classes!("edge", selected.then_some("selected"), is_back(from, to).then_some("back"), cycle.then_some("cycle"))} key={format!("edge-{a}-{b}")}
            data-edge={format!("{a}->{b}")}>
            <path class="edge-hit" d={d.clone()} onpointerdown={onpointerdown.clone()} />
            <path class="edge-line" d={d} marker-end="url(#arrow)" />
            // A grip in the middle: easier to hit, and gives a straight edge some height.
            <circle class="edge-grip" cx={mx.to_string()} cy={my.to_string()} r="6" {onpointerdown}>
                <title>{ format!("{a} calls {b}{} (click to select, Delete to remove)", if cycle { ": part of a cycle, which stops every run" } else { "" }) }</title>
            </circle>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_run_from_the_right_side_to_the_left_side() {
        let (d, mid) = edge_path((0.0, 0.0), (300.0, 100.0));
        assert_eq!(d, "M65,0 C147,0 147,100 229,100");
        assert_eq!(mid, (147.0, 50.0));
    }

    #[test]
    fn a_back_edge_loops_under_both_nodes() {
        // app at x=440 calls lb at x=80, both at y=200: out of app's right side, down to 28
        // under the boxes' bottom (200 + 28 + 28), left, and into lb's left side.
        let (d, mid) = edge_path((440.0, 200.0), (80.0, 200.0));
        assert_eq!(
            d,
            "M505,200 C545,200 545,256 505,256 L9,256 C-31,256 -31,200 9,200"
        );
        assert_eq!(mid, (257.0, 256.0));
        assert!(is_back((440.0, 200.0), (80.0, 200.0)));
        // Stacked nodes (same x) count as back: a straight curve would cross the boxes.
        assert!(is_back((100.0, 0.0), (100.0, 300.0)));
        assert!(!is_back((80.0, 200.0), (260.0, 200.0)));
    }
}
