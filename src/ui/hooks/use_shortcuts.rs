//! The page's keyboard shortcuts: Ctrl+Enter runs (even in a field); outside fields Ctrl+Z /
//! Ctrl+Shift+Z / Ctrl+Y undo and redo, Ctrl+D duplicates, Ctrl+A selects all, Delete removes
//! the selection, Escape clears it and closes help, `?` toggles help. [`shortcut`] is the pure
//! key map (tested natively); [`use_shortcuts`] listens on the document.

use crate::ui::state::Action;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a key press asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Shortcut {
    Run,
    Edit(Action),
    /// Escape: close the help panel and clear the selection.
    Escape,
    ToggleHelp,
}

/// The state of a key press that the shortcuts read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Press<'a> {
    pub key: &'a str,
    /// Ctrl, or Cmd on a Mac.
    pub ctrl: bool,
    pub shift: bool,
    /// The focus is in an input, text area or select (which keep their own keys).
    pub in_field: bool,
}

/// The shortcut a key press stands for, if any.
pub fn shortcut(p: Press<'_>) -> Option<Shortcut> {
    if p.ctrl && p.key == "Enter" {
        return Some(Shortcut::Run);
    }
    if p.in_field {
        return None;
    }
    let edit = |a: Action| Some(Shortcut::Edit(a));
    match p.key {
        "z" | "Z" if p.ctrl && p.shift => edit(Action::Redo),
        "z" | "Z" if p.ctrl => edit(Action::Undo),
        "y" | "Y" if p.ctrl => edit(Action::Redo),
        "d" | "D" if p.ctrl => edit(Action::DuplicateSelected),
        "a" | "A" if p.ctrl => edit(Action::SelectAll),
        "Delete" | "Backspace" => edit(Action::DeleteSelected),
        "Escape" => Some(Shortcut::Escape),
        "?" => Some(Shortcut::ToggleHelp),
        _ => None,
    }
}

/// Whether an event's target is a form control that keeps its own keys.
pub fn in_field(e: &web_sys::Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().to_ascii_lowercase().as_str(),
                "input" | "textarea" | "select"
            )
        })
}

/// Listens for the shortcuts on the document while the component lives: edits go to
/// `dispatch`, help to `help` (`None` toggles it), Ctrl+Enter to `run`.
#[hook]
pub fn use_shortcuts(dispatch: Callback<Action>, help: Callback<Option<bool>>, run: Callback<()>) {
    use_effect_with((dispatch, help, run), move |(dispatch, help, run)| {
        let (dispatch, help, run) = (dispatch.clone(), help.clone(), run.clone());
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            // Not passive (gloo's default): the shortcuts call `prevent_default`.
            gloo::events::EventListener::new_with_options(
                &doc,
                "keydown",
                gloo::events::EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    let key = k.key();
                    let press = Press {
                        key: &key,
                        ctrl: k.ctrl_key() || k.meta_key(),
                        shift: k.shift_key(),
                        in_field: in_field(e),
                    };
                    match shortcut(press) {
                        Some(Shortcut::Run) => {
                            e.prevent_default();
                            run.emit(());
                        }
                        Some(Shortcut::Edit(a)) => {
                            e.prevent_default();
                            dispatch.emit(a);
                        }
                        Some(Shortcut::Escape) => {
                            e.prevent_default();
                            help.emit(Some(false));
                            dispatch.emit(Action::ClearSelection);
                        }
                        // `?` is typed text too: no prevent_default, as before.
                        Some(Shortcut::ToggleHelp) => help.emit(None),
                        None => {}
                    }
                },
            )
        });
        move || drop(listener)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str, ctrl: bool, shift: bool, in_field: bool) -> Option<Shortcut> {
        shortcut(Press {
            key,
            ctrl,
            shift,
            in_field,
        })
    }

    #[test]
    fn keys_map_to_their_shortcuts() {
        assert_eq!(press("Enter", true, false, true), Some(Shortcut::Run));
        assert_eq!(press("Enter", false, false, false), None);
        assert_eq!(
            press("z", true, false, false),
            Some(Shortcut::Edit(Action::Undo))
        );
        assert_eq!(
            press("Z", true, true, false),
            Some(Shortcut::Edit(Action::Redo))
        );
        assert_eq!(
            press("y", true, false, false),
            Some(Shortcut::Edit(Action::Redo))
        );
        assert_eq!(
            press("d", true, false, false),
            Some(Shortcut::Edit(Action::DuplicateSelected))
        );
        assert_eq!(
            press("a", true, false, false),
            Some(Shortcut::Edit(Action::SelectAll))
        );
        assert_eq!(
            press("Backspace", false, false, false),
            Some(Shortcut::Edit(Action::DeleteSelected))
        );
        assert_eq!(press("Escape", false, false, false), Some(Shortcut::Escape));
        assert_eq!(press("?", false, true, false), Some(Shortcut::ToggleHelp));
        // Plain letters are typing, not shortcuts.
        assert_eq!(press("z", false, false, false), None);
    }

    #[test]
    fn fields_keep_their_keys_except_run() {
        for key in ["Delete", "Backspace", "Escape", "?", "z"] {
            assert_eq!(press(key, key == "z", false, true), None, "{key}");
        }
        assert_eq!(press("Enter", true, false, true), Some(Shortcut::Run));
    }
}
