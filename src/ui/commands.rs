//! The header's commands: open a built-in, copy a share link, import and export a scenario.
//! Each reports what happened through the [`Messages`] reducer.

use crate::scenario::{self, builtins, Scenario};
use crate::ui::hooks::use_persistence::Linked;
use crate::ui::messages::{MessageAction, Messages, Slot};
use crate::ui::state::{Action, AppState};
use crate::web;
use std::rc::Rc;
use yew::prelude::*;

/// The header's commands as callbacks.
pub struct Commands {
    pub pick: Callback<String>,
    pub copy_link: Callback<()>,
    pub import: Callback<web_sys::File>,
    pub export: Callback<()>,
}

/// What the commands act on.
#[derive(Clone)]
pub struct Targets {
    pub editor: UseReducerDispatcher<AppState>,
    pub messages: UseReducerDispatcher<Messages>,
    /// Starts a run.
    pub run: Callback<Scenario>,
    pub scenario: Rc<Scenario>,
    pub linked: Linked,
    /// Issue 12: built-ins and imports open as new library entries (`None` outside
    /// `LibraryRoot`, or when the library cannot take them: then they open in place).
    pub library: Option<crate::ui::components::library::LibraryCtx>,
}

impl Targets {
    fn show(&self, slot: Slot, text: String) {
        self.messages.dispatch(MessageAction::Show(slot, text));
    }

    /// Opens `s` as a new library entry, else in the editor in place; says `info` either way.
    fn open_new(&self, s: Scenario, info: String) {
        let opened = self
            .library
            .as_ref()
            .is_some_and(|l| l.open_new.emit((s.clone(), Some(info.clone()))));
        if !opened {
            self.open(s);
            self.show(Slot::Info, info);
        }
    }

    /// Opens `s` in the editor and runs it.
    fn open(&self, s: Scenario) {
        self.editor.dispatch(Action::Load(Box::new(s.clone())));
        self.run.emit(s);
    }
}

impl Commands {
    pub fn new(t: &Targets) -> Commands {
        Commands {
            pick: pick(t.clone()),
            copy_link: copy_link(t.clone()),
            import: import(t.clone()),
            export: export(t.clone()),
        }
    }
}

fn pick(t: Targets) -> Callback<String> {
    Callback::from(move |name: String| match builtins::get(&name) {
        Some(b) => {
            t.open_new(b.scenario(), format!("{}: {}", b.title, b.description));
        }
        None => t.show(
            Slot::Action,
            format!("There is no built-in scenario `{name}`."),
        ),
    })
}

/// Puts the share link in the address bar, then copies it to the clipboard.
fn copy_link(t: Targets) -> Callback<()> {
    Callback::from(move |_| {
        // A scenario too big for a link that opens is told at once (issue 13), nothing copied.
        let frag = match web::share_link_for(&t.scenario) {
            Ok(frag) => frag,
            Err(e) => {
                return t.show(
                    Slot::Action,
                    format!("No link was made: {e}. Your work is unchanged."),
                )
            }
        };
        let url = match web::set_share_fragment(&frag) {
            Ok(url) => url,
            Err(e) => return t.show(Slot::Action, e),
        };
        *t.linked.borrow_mut() = Some((*t.scenario).clone());
        let len = url.len();
        t.show(
            Slot::Info,
            format!(
                "The link is in the address bar ({len} characters); copying it to the clipboard…"
            ),
        );
        let t = t.clone();
        web::copy_to_clipboard(&url, move |res| {
            t.show(Slot::Info, match res {
                Ok(()) => format!("Link copied ({len} characters); it is also in the address bar."),
                Err(e) => format!(
                    "The link is in the address bar ({len} characters); the browser did not allow copying it ({e})."
                ),
            })
        });
    })
}

fn import(t: Targets) -> Callback<web_sys::File> {
    Callback::from(move |file: web_sys::File| {
        let t = t.clone();
        let name = file.name();
        web::read_file_text(file, move |res| {
            match res.map(|text| scenario::parse_json(&text)) {
                Ok(Ok(s)) => {
                    t.open_new(s, format!("Imported `{name}`."));
                }
                Ok(Err(ps)) => {
                    let list: Vec<String> = ps.iter().take(5).map(|p| p.to_string()).collect();
                    t.show(
                        Slot::Action,
                        format!(
                            "`{name}` is not a Failover Lab scenario: {}. Your work is unchanged.",
                            list.join("; ")
                        ),
                    );
                }
                Err(e) => t.show(Slot::Action, e),
            }
        })
    })
}

/// The file name a scenario is exported under.
pub fn export_name(s: &Scenario) -> String {
    let name = if s.name.is_empty() {
        "scenario"
    } else {
        &s.name
    };
    format!("{name}.json")
}

fn export(t: Targets) -> Callback<()> {
    Callback::from(move |_| {
        let s = &t.scenario;
        // A file that reads back (issue 13): compact when the pretty form is over the limit.
        let res = scenario::link::file_text(s)
            .map_err(|e| format!("Not exported: {e}."))
            .and_then(|text| web::download_text(&export_name(s), "application/json", &text));
        if let Err(e) = res {
            t.show(Slot::Action, e);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_named_after_the_scenario() {
        let mut s = crate::ui::default_scenario();
        s.name = "two-sites".into();
        assert_eq!(export_name(&s), "two-sites.json");
        s.name.clear();
        assert_eq!(export_name(&s), "scenario.json");
    }
}
