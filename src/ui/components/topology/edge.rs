//! An edge on the canvas: a `next` call from one node's right side to another's left, drawn as
//! a curve with an arrow, a wide invisible hit path and a grip in the middle to select it.

use super::drag::Point;
use crate::ui::state::{Action, Sel, NODE_W};
use yew::prelude::*;

/// The curve from a node centred at `from` to one centred at `to`, and its middle point.
pub fn edge_path(from: Point, to: Point) -> (String, Point) {
    let (sx, sy) = (from.0 + f64::from(NODE_W / 2), from.1);
    let (tx, ty) = (to.0 - f64::from(NODE_W / 2) - 6.0, to.1);
    let mid = (sx + tx) / 2.0;
    (
        format!("M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}"),
        (mid, (sy + ty) / 2.0),
    )
}

/// The edge `a → b` between nodes drawn at `from` and `to`.
pub fn edge(
    a: &str,
    b: &str,
    from: Point,
    to: Point,
    selected: bool,
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
        <g class={classes!("edge", selected.then_some("selected"))} key={format!("edge-{a}-{b}")}
            data-edge={format!("{a}->{b}")}>
            <path class="edge-hit" d={d.clone()} onpointerdown={onpointerdown.clone()} />
            <path class="edge-line" d={d} marker-end="url(#arrow)" />
            // A grip in the middle: easier to hit, and gives a straight edge some height.
            <circle class="edge-grip" cx={mx.to_string()} cy={my.to_string()} r="6" {onpointerdown}>
                <title>{ format!("{a} calls {b} (click to select, Delete to remove)") }</title>
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
}
