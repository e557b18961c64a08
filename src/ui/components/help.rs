//! The help panel: what the app does and the keyboard shortcuts.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub onclose: Callback<()>,
}

/// The shortcuts, as (keys, what they do).
pub const SHORTCUTS: [(&str, &str); 16] = [
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Delete or Backspace", "Delete the selection"),
    ("Ctrl+D", "Duplicate the selected components"),
    (
        "Shift+click, or Shift+Enter on a focused node",
        "Add to or remove from the selection",
    ),
    ("Ctrl+A", "Select every component"),
    ("Ctrl+Enter", "Run the simulation"),
    ("Escape", "Clear the selection, close menus"),
    ("?", "Show or hide this help"),
    ("Wheel", "Zoom the canvas around the pointer"),
    (
        "Drag the empty canvas",
        "Select the nodes inside the rectangle (Shift: add to the selection)",
    ),
    (
        "Space+drag, middle-drag or the Pan tool",
        "Pan the canvas; Fit shows the whole drawing",
    ),
    (
        "New site (around the selected nodes), then drag nodes in or out",
        "Sites: drag a box to move it, its corner to resize it; name it in the inspector",
    ),
    ("Right-click a node", "Schedule a crash (Fail at…)"),
    (
        "Tab, then Enter on a node",
        "Select it; arrow keys move it (Shift: faster)",
    ),
    (
        "Arrow keys on a fault marker",
        "Move the fault along the timeline",
    ),
];

#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    let onclose = {
        let c = props.onclose.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <section id="help-panel" data-testid="help-panel" class="help" aria-label="Help">
            <div class="help-head">
                <h2>{ "Help" }</h2>
                <button class="btn small" id="help-close" onclick={onclose}>{ "Close" }</button>
            </div>
            <p>{ "Wire a topology, inject failures, run, and see what your users would see. Pick a built-in scenario, add components from the palette (click or drag), connect them by dragging from a node's round handle to another node, edit parameters in the inspector, add faults on the timeline, then Run. Copy link shares the scenario and seed: the same link gives the same digest." }</p>
            <p>{ "The Study tab in the results runs many replications (each an ordinary run with its own seed) in parallel workers: mean ± 95 % CI and a histogram per metric, the scenario's objectives judged, and the worst replications, each of which opens as a run." }</p>
            <table class="shortcuts">
                <thead><tr><th scope="col">{ "Keys" }</th><th scope="col">{ "Action" }</th></tr></thead>
                <tbody>{ for SHORTCUTS.iter().map(|(k, v)| html! { <tr><td><kbd>{ *k }</kbd></td><td>{ *v }</td></tr> }) }</tbody>
            </table>
        </section>
    }
}
