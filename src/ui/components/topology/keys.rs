//! The canvas's keys: on a focused node or site box, Enter/Space selects (Shift adds) and the
//! arrows move it (10 units, 50 with Shift), one handler for both ([`on_keys`]); and Space
//! held over the canvas pans ([`use_space_held`]).

use crate::ui::state::{Action, Sel};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a key on a focused node or site box asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyIntent {
    /// Select it (`add`: add it to the selection, or take it out).
    Select { add: bool },
    /// Move it by (dx, dy) canvas units.
    Move(i32, i32),
}

/// The intent of a key press on a node or site box.
pub fn key_intent(key: &str, shift: bool) -> Option<KeyIntent> {
    let step = if shift { 50 } else { 10 };
    Some(match key {
        "Enter" | " " => KeyIntent::Select { add: shift },
        "ArrowLeft" => KeyIntent::Move(-step, 0),
        "ArrowRight" => KeyIntent::Move(step, 0),
        "ArrowUp" => KeyIntent::Move(0, -step),
        "ArrowDown" => KeyIntent::Move(0, step),
        _ => return None,
    })
}

/// The keydown handler of a node or site box: selects `sel`, or moves it with `move_by`.
pub fn on_keys(
    sel: Sel,
    dispatch: Callback<Action>,
    move_by: impl Fn(i32, i32) -> Action + 'static,
) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let Some(intent) = key_intent(&e.key(), e.shift_key()) else {
            return;
        };
        e.prevent_default();
        dispatch.emit(match intent {
            KeyIntent::Select { add: true } => Action::ToggleSelect(sel.clone()),
            KeyIntent::Select { add: false } => Action::Select(sel.clone()),
            KeyIntent::Move(dx, dy) => move_by(dx, dy),
        });
    })
}

/// Whether Space is held (`space`) and the pointer is over the canvas (`hover`, set by the
/// canvas): Space then pans instead of scrolling the page.
pub struct SpaceHeld {
    pub space: Rc<RefCell<bool>>,
    pub hover: Rc<RefCell<bool>>,
}

/// Whether a key event comes from the page itself, not a control (Space presses buttons).
fn on_page(e: &web_sys::Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_none_or(|el| {
            matches!(
                el.tag_name().to_ascii_lowercase().as_str(),
                "body" | "html" | "main" | "section" | "div"
            )
        })
}

#[hook]
pub fn use_space_held() -> SpaceHeld {
    let space = use_mut_ref(|| false);
    let hover = use_mut_ref(|| false);
    {
        let (space, hover) = (space.clone(), hover.clone());
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listeners = doc.map(|doc| {
                let on = |kind: &'static str, down: bool| {
                    let (space, hover) = (space.clone(), hover.clone());
                    gloo::events::EventListener::new_with_options(
                        &doc,
                        kind,
                        gloo::events::EventListenerOptions::enable_prevent_default(),
                        move |e| {
                            let is_space = e
                                .dyn_ref::<web_sys::KeyboardEvent>()
                                .is_some_and(|k| k.key() == " ");
                            if !is_space || !on_page(e) {
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
    SpaceHeld { space, hover }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_selects_and_arrows_move_by_small_or_large_steps() {
        assert_eq!(
            key_intent("Enter", false),
            Some(KeyIntent::Select { add: false })
        );
        assert_eq!(key_intent(" ", true), Some(KeyIntent::Select { add: true }));
        assert_eq!(
            key_intent("ArrowLeft", false),
            Some(KeyIntent::Move(-10, 0))
        );
        assert_eq!(key_intent("ArrowRight", true), Some(KeyIntent::Move(50, 0)));
        assert_eq!(key_intent("ArrowUp", false), Some(KeyIntent::Move(0, -10)));
        assert_eq!(key_intent("ArrowDown", true), Some(KeyIntent::Move(0, 50)));
        assert_eq!(key_intent("x", false), None);
    }
}
