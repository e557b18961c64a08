//! Keeping the work: autosave on every change (a failure is shown, not swallowed), the tab
//! title, and the `#s=` share fragment, removed once the work differs from the link it came
//! from so that a reload restores the autosave, not the older link.

use crate::scenario::Scenario;
use crate::ui::boot::Boot;
use crate::ui::messages::{MessageAction, Messages, Slot};
use crate::web;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The scenario the `#s=` fragment in the address bar stands for, if any.
pub type Linked = Rc<RefCell<Option<Scenario>>>;

#[hook]
pub fn use_persistence(
    boot: &Boot,
    scenario: &Scenario,
    messages: UseReducerDispatcher<Messages>,
) -> Linked {
    let linked: Linked = use_mut_ref(|| boot.from_link.then(|| boot.scenario.clone()));
    {
        let from_link = boot.from_link;
        use_effect_with((), move |_| {
            if !from_link {
                web::clear_share_fragment();
            }
        });
    }
    use_effect_with(scenario.name.clone(), |name| {
        web::set_title(&format!("{name} · Failover Lab"));
    });
    {
        let linked = linked.clone();
        use_effect_with(scenario.clone(), move |s| {
            let stale_link = linked.borrow().as_ref().is_some_and(|l| l != s);
            if stale_link {
                *linked.borrow_mut() = None;
                web::clear_share_fragment();
            }
            // Issue 12: into this tab's library entry; a save to a new entry is told.
            match crate::ui::library_session::autosave(s) {
                Ok(note) => {
                    messages.dispatch(MessageAction::Set(Slot::Autosave, None));
                    if let Some(n) = note {
                        messages.dispatch(MessageAction::Show(Slot::Info, n));
                    }
                }
                Err(e) => messages.dispatch(MessageAction::Set(Slot::Autosave, Some(e))),
            }
        });
    }
    linked
}
