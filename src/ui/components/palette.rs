//! The palette of every component kind: click to add, or drag onto the canvas.

use crate::ui::state::{kind_label, kinds};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    /// Adds a component of the given kind at a free spot.
    pub onadd: Callback<String>,
}

#[function_component(Palette)]
pub fn palette(props: &PaletteProps) -> Html {
    html! {
        <div class="palette" role="toolbar" aria-label="Add a component">
            { for kinds().map(|kind| {
                let kind: &'static str = kind.into();
                let onclick = { let onadd = props.onadd.clone(); let k = kind.to_string(); Callback::from(move |_| onadd.emit(k.clone())) };
                let ondragstart = {
                    let k = kind.to_string();
                    Callback::from(move |e: DragEvent| {
                        if let Some(dt) = e.data_transfer() {
                            let _ = dt.set_data("text/plain", &format!("failover-lab-kind:{k}"));
                        }
                    })
                };
                html! {
                    <button class={classes!("btn", "palette-item", format!("kind-{kind}"))} draggable="true"
                        id={format!("palette-{kind}")} data-testid={format!("palette-{kind}")} data-kind={kind.to_string()}
                        title={format!("Add a {} (click, or drag onto the canvas)", kind_label(kind).to_lowercase())}
                        {onclick} {ondragstart}>
                        { kind_label(kind) }
                    </button>
                }
            }) }
        </div>
    }
}
