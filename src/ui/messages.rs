//! The page's messages as one reducer: a slot per banner (bad link, autosave, refused action,
//! info) and the status line, each set or dismissed by a typed [`Slot`] (unit-tested natively).

use crate::ui::state::{Notice, NoticeKind};
use std::rc::Rc;
use yew::Reducible;

/// Where a message shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `#link-error`: a share link or the autosave could not be opened.
    Link,
    /// `#autosave-error`: the work could not be saved.
    Autosave,
    /// `#action-error`: an edit or an import was refused.
    Action,
    /// `#info`: what just happened (a built-in's description, a copied link).
    Info,
    /// The footer's status line: minor notices ("Nothing to undo.").
    Status,
}

impl Slot {
    /// The banner's element id.
    pub fn id(self) -> &'static str {
        match self {
            Slot::Link => "link-error",
            Slot::Autosave => "autosave-error",
            Slot::Action => "action-error",
            Slot::Info => "info",
            Slot::Status => "status-message",
        }
    }

    /// The banner's level (its colour).
    pub fn level(self) -> &'static str {
        match self {
            Slot::Link | Slot::Autosave => "error",
            Slot::Action => "warning",
            Slot::Info | Slot::Status => "info",
        }
    }
}

impl From<NoticeKind> for Slot {
    fn from(kind: NoticeKind) -> Slot {
        match kind {
            NoticeKind::Minor => Slot::Status,
            NoticeKind::Refused => Slot::Action,
        }
    }
}

/// Every message the page shows, by slot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Messages {
    link: Option<String>,
    autosave: Option<String>,
    action: Option<String>,
    info: Option<String>,
    status: Option<String>,
}

/// What can happen to the messages.
#[derive(Clone, Debug, PartialEq)]
pub enum MessageAction {
    /// Shows `text` in a slot (replacing what was there).
    Show(Slot, String),
    /// Sets or clears a slot.
    Set(Slot, Option<String>),
    /// Closes a banner.
    Dismiss(Slot),
    /// The editor's notice after an action: a refusal goes to the action banner, a minor one to
    /// the status line; none (the action worked) clears the status line.
    Editor(Option<Notice>),
}

impl Messages {
    /// The messages at start-up: why the link or autosave was not used, if it was not.
    pub fn at_start(link: Option<String>) -> Messages {
        Messages {
            link,
            ..Messages::default()
        }
    }

    pub fn get(&self, slot: Slot) -> Option<&str> {
        match slot {
            Slot::Link => &self.link,
            Slot::Autosave => &self.autosave,
            Slot::Action => &self.action,
            Slot::Info => &self.info,
            Slot::Status => &self.status,
        }
        .as_deref()
    }

    fn slot_mut(&mut self, slot: Slot) -> &mut Option<String> {
        match slot {
            Slot::Link => &mut self.link,
            Slot::Autosave => &mut self.autosave,
            Slot::Action => &mut self.action,
            Slot::Info => &mut self.info,
            Slot::Status => &mut self.status,
        }
    }

    pub fn apply(mut self, a: MessageAction) -> Messages {
        match a {
            MessageAction::Show(slot, text) => *self.slot_mut(slot) = Some(text),
            MessageAction::Set(slot, text) => *self.slot_mut(slot) = text,
            MessageAction::Dismiss(slot) => *self.slot_mut(slot) = None,
            MessageAction::Editor(Some(n)) => *self.slot_mut(n.kind.into()) = Some(n.text),
            MessageAction::Editor(None) => self.status = None,
        }
        self
    }

    /// The footer's status line: a failed autosave, a run, a minor notice, else a summary.
    pub fn status_line(&self, running: bool, components: usize, faults: usize) -> String {
        if self.autosave.is_some() {
            "autosave failed".to_string()
        } else if running {
            "running…".to_string()
        } else if let Some(m) = &self.status {
            m.clone()
        } else {
            format!("autosaved · {components} component(s) · {faults} fault(s)")
        }
    }
}

impl Reducible for Messages {
    type Action = MessageAction;

    fn reduce(self: Rc<Self>, a: MessageAction) -> Rc<Self> {
        Rc::new((*self).clone().apply(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::state::{Action, AppState};

    #[test]
    fn editor_notices_go_to_their_slot_by_kind() {
        let st = AppState::new(crate::ui::default_scenario());
        let undo = st.clone().apply(Action::Undo);
        let m = Messages::default().apply(MessageAction::Editor(undo.notice.clone()));
        assert_eq!(m.get(Slot::Status), Some("Nothing to undo."));
        assert_eq!(m.get(Slot::Action), None);
        assert_eq!(m.status_line(false, 3, 1), "Nothing to undo.");
        let refused = st.apply(Action::Connect {
            from: "nowhere".into(),
            to: "lb".into(),
        });
        let m = m.apply(MessageAction::Editor(refused.notice));
        assert!(m.get(Slot::Action).unwrap().contains("nowhere"));
        // A working action clears the status line, not the banner (it is dismissed by hand).
        let m = m.apply(MessageAction::Editor(None));
        assert_eq!(m.get(Slot::Status), None);
        assert!(m.get(Slot::Action).is_some());
        assert_eq!(
            m.status_line(false, 3, 1),
            "autosaved · 3 component(s) · 1 fault(s)"
        );
        let m = m.apply(MessageAction::Dismiss(Slot::Action));
        assert_eq!(m.get(Slot::Action), None);
    }

    #[test]
    fn a_failed_autosave_and_a_run_win_the_status_line() {
        let m = Messages::at_start(Some("bad link".into()));
        assert_eq!(m.get(Slot::Link), Some("bad link"));
        assert_eq!(m.status_line(true, 0, 0), "running…");
        let m = m
            .apply(MessageAction::Show(Slot::Status, "Nothing to redo.".into()))
            .apply(MessageAction::Set(Slot::Autosave, Some("quota".into())));
        assert_eq!(m.status_line(true, 0, 0), "autosave failed");
        let m = m.apply(MessageAction::Set(Slot::Autosave, None));
        assert_eq!(m.status_line(false, 0, 0), "Nothing to redo.");
    }
}
