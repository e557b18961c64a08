//! The lesson player's storage (issue 17): the progress in localStorage (`lessons::PROGRESS_KEY`,
//! through `web::library_store`), the lesson this tab plays in sessionStorage, and a `#lesson=NAME`
//! link in the address bar at start-up, opened as a new library entry beside `#s=` links.

use crate::lesson;
use crate::scenario::Scenario;
use crate::ui::lessons::{self, Active, Course};
use crate::ui::library::Op;
use crate::ui::library_session as session;
use crate::web::library_store as store;

/// The course as stored, playing this tab's lesson when the tab has its entry open. A progress
/// that cannot be reached or read is reset, with a message.
pub fn load() -> Course {
    let (stored, unreachable) = match store::get(lessons::PROGRESS_KEY) {
        Ok(t) => (t, None),
        Err(e) => (
            None,
            Some(format!(
                "Your lesson progress cannot be reached ({e}); it is not kept when this page closes."
            )),
        ),
    };
    let active = active().filter(|a| a.shows_on(session::tab().open.as_deref()));
    let mut c = Course::load(stored.as_deref(), active.as_ref().map(|a| a.name.as_str()));
    c.messages.extend(unreachable);
    if !c.messages.is_empty() {
        // The reset is written at once: the message is shown once, not at every start.
        let _ = save(&c.progress);
    }
    c
}

/// Stores the progress; the reason when the browser refused.
pub fn save(p: &lesson::Progress) -> Result<(), String> {
    store::set(lessons::PROGRESS_KEY, Some(&p.save()))
        .map_err(|e| format!("Your lesson progress was not saved: {e}."))
}

/// The lesson this tab plays.
pub fn active() -> Option<Active> {
    Active::read(store::session_get(lessons::ACTIVE_KEY).as_deref())
}

/// Sets (or clears) the lesson this tab plays.
pub fn set_active(a: Option<&Active>) {
    let text = a
        .and_then(|a| serde_json::to_string(a).ok())
        .unwrap_or_default();
    store::session_set(lessons::ACTIVE_KEY, &text);
}

/// Opens `name` through `perform` (which makes the scenario a new library entry and shows the
/// info line; `false` when the library could not take it), at the learner's step, and makes it
/// this tab's lesson. `Err` says why nothing was opened.
pub fn open_with(name: &str, perform: impl FnOnce(Scenario, String) -> bool) -> Result<(), String> {
    let l = lessons::find(name).ok_or_else(|| format!("there is no lesson `{name}`"))?;
    let stored = store::get(lessons::PROGRESS_KEY).ok().flatten();
    let course: Vec<_> = lessons::course().iter().map(|(n, l)| (*n, l)).collect();
    let (progress, _) = lesson::Progress::load(stored.as_deref(), &course);
    let s = lessons::opening_scenario(l, progress.lessons.get(name))?;
    let before = active();
    // Set first (the app may remount on the new entry at once), then pinned to that entry.
    let mut a = Active {
        name: name.to_string(),
        entry: None,
    };
    set_active(Some(&a));
    if !perform(s, lessons::opening_info(l)) {
        set_active(before.as_ref());
        return Err("The lesson could not be opened: your Library cannot take a new scenario (see the Library panel).".into());
    }
    a.entry = session::tab().open;
    set_active(Some(&a));
    Ok(())
}

/// Back to the entry this tab opened `name` in, when that entry still exists: `true` when the tab
/// now has it open (the app is then remounted on it), `false` to open the lesson anew.
pub fn reopen(name: &str) -> bool {
    let Some(Active {
        entry: Some(id), ..
    }) = active().filter(|a| a.name == name)
    else {
        return false;
    };
    let exists = session::load().is_ok_and(|lib| lib.get(&id).is_some());
    if !exists || session::perform(Op::Open(id)).is_err() {
        return false;
    }
    if let Some(l) = lessons::find(name) {
        session::set_pending_info(Some(format!("Back to the lesson “{}”.", l.title)));
    }
    true
}

/// At start-up: a `#lesson=NAME` link opens that lesson as a new entry (the link then leaves the
/// address bar); a link naming no lesson leaves a warning for the app's banner.
pub fn open_link_at_start() {
    let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else {
        return;
    };
    let Some(found) = lesson::from_link(&hash) else {
        return;
    };
    crate::web::clear_share_fragment();
    let result = found.and_then(|name| {
        open_with(name, |s, info| {
            let ok = session::perform(Op::New(Box::new(s))).is_ok();
            if ok {
                session::set_pending_info(Some(info));
            }
            ok
        })
    });
    if let Err(why) = result {
        session::set_pending_warning(Some(format!(
            "This lesson link cannot be opened: {why}. The Lessons button lists the course."
        )));
    }
}
