//! The tab's library session (issue 12): the pure model (`ui::library`) applied through the
//! storage backend (`web::library_store`): what the tab opens at start, autosave into its entry,
//! and the Library panel's actions. The tab's choice lives in sessionStorage (in memory when that
//! is refused).

use crate::scenario::Scenario;
use crate::ui::boot::Boot;
use crate::ui::library::{self, Library, Op, Saved, Tab, Write};
use crate::web::{self, library_store as store, library_store::StoreError};
use std::cell::RefCell;

/// sessionStorage key of what this tab has open.
pub const TAB_KEY: &str = "failover-lab.tab.v1";

thread_local! {
    /// The tab's choice when sessionStorage cannot hold it.
    static TAB: RefCell<Tab> = RefCell::new(Tab::default());
    /// An info line for the app once it has remounted on another entry.
    static PENDING_INFO: RefCell<Option<String>> = const { RefCell::new(None) };
    /// A warning for the app's banner once it boots (a lesson link that cannot open, issue 17).
    static PENDING_WARNING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Shows `info` when the app next boots (after switching entries).
pub fn set_pending_info(info: Option<String>) {
    PENDING_INFO.with(|p| *p.borrow_mut() = info);
}

/// Shows `warning` in the link banner when the app next boots.
pub fn set_pending_warning(warning: Option<String>) {
    PENDING_WARNING.with(|p| *p.borrow_mut() = warning);
}

/// Everything the library holds now.
pub fn load() -> Result<Library, StoreError> {
    store::items(library::is_library_key).map(Library::from_items)
}

/// Only the entry the tab has open (enough for an ordinary autosave).
fn load_one(id: &str) -> Result<Library, StoreError> {
    let key = library::entry_key(id);
    let text = store::get(&key)?;
    Ok(Library::from_items(text.map(|t| (key, t))))
}

/// Applies writes in order; stops at the first failure.
pub fn apply(writes: &[Write]) -> Result<(), StoreError> {
    if writes.is_empty() {
        return Ok(());
    }
    for w in writes {
        match w {
            Write::Put { key, text } => store::set(key, Some(text)),
            Write::Remove { key } => store::set(key, None),
        }?;
    }
    store::notify();
    Ok(())
}

/// What this tab has open.
pub fn tab() -> Tab {
    store::session_get(TAB_KEY)
        .and_then(|t| serde_json::from_str::<Tab>(&t).ok())
        .unwrap_or_else(|| TAB.with(|t| t.borrow().clone()))
}

/// Remembers what this tab has open (in sessionStorage, and in memory in case it is refused).
pub fn set_tab(tab: &Tab) {
    TAB.with(|t| *t.borrow_mut() = tab.clone());
    store::session_set(TAB_KEY, &serde_json::to_string(tab).unwrap_or_default());
}

/// What the page opens with, and what happened, for the info line.
#[derive(Clone, Debug, PartialEq)]
pub struct Booted {
    pub boot: Boot,
    pub info: Option<String>,
}

fn joined(v: Vec<String>) -> Option<String> {
    (!v.is_empty()).then(|| v.join(" "))
}

/// Opens the library for this tab: migrates an old autosave, opens a link in the address bar as
/// a new entry, else the entry the tab had open, else the most recent one, else `fallback`.
pub fn boot(fragment: Option<String>, fallback: impl FnOnce() -> Scenario) -> Booted {
    let now = web::now_ms() as u64;
    let (lib, mut warnings) = match load() {
        Ok(lib) => (lib, Vec::new()),
        Err(e) => (
            Library::default(),
            vec![format!(
                "Your saved scenarios cannot be reached: {e}. Work done now is not kept when this page closes; export it as JSON to keep it."
            )],
        ),
    };
    let start = library::start(&lib, &tab(), fragment.as_deref(), now, fallback);
    warnings.extend(start.warnings);
    warnings.extend(PENDING_WARNING.with(|p| p.borrow_mut().take()));
    let mut info = start.info;
    info.extend(PENDING_INFO.with(|p| p.borrow_mut().take()));
    let mut tab = start.tab;
    if apply(&start.writes).is_err() {
        // Nothing was written over. The autosave right after start tries again and, if it fails
        // too, says so in the autosave banner.
        tab.open = None;
    }
    set_tab(&tab);
    Booted {
        boot: Boot {
            scenario: start.scenario,
            message: joined(warnings),
            from_link: start.from_link,
        },
        info: joined(info),
    }
}

/// Autosaves the tab's scenario into its entry. `Ok(Some(message))` when it went to a new entry
/// (another tab changed or deleted the entry); `Err` says what failed and that the work is not
/// saved.
pub fn autosave(scenario: &Scenario) -> Result<Option<String>, String> {
    let fail = |e: StoreError| {
        format!("Autosave failed: {e}. Your work is not saved; export it as JSON to keep it.")
    };
    let now = web::now_ms() as u64;
    let tab = tab();
    let one = match tab.open.as_deref() {
        Some(id) => load_one(id).map_err(fail)?,
        None => Library::default(),
    };
    let (mut writes, mut next, mut saved) = library::save(&one, &tab, scenario, now);
    if matches!(saved, Saved::Forked { .. }) || tab.open.is_none() {
        // A new entry: plan it against the whole library, for a name and id not yet taken.
        (writes, next, saved) = library::save(&load().map_err(fail)?, &tab, scenario, now);
    }
    if let Saved::TooBig(why) = saved {
        return Err(format!(
            "Not autosaved: {why}. The last saved version is kept; make the scenario smaller to save it again."
        ));
    }
    apply(&writes).map_err(fail)?;
    set_tab(&next);
    Ok(match saved {
        Saved::Forked { message, .. } => Some(message),
        _ => None,
    })
}

/// Carries out a Library panel action. `Ok(true)` when the tab must now show another entry.
pub fn perform(op: Op) -> Result<(bool, Option<String>), String> {
    let now = web::now_ms() as u64;
    let lib = load().map_err(|e| format!("The library cannot be read: {e}."))?;
    let mut tab = tab();
    let deleting_open = matches!(&op, Op::Delete(id) if tab.open.as_deref() == Some(id.as_str()));
    let plan = library::plan(&lib, op, now)?;
    apply(&plan.writes).map_err(|e| format!("Nothing was changed: {e}."))?;
    if deleting_open {
        tab = Tab::default();
        set_tab(&tab);
        return Ok((true, plan.message));
    }
    match plan.open {
        Some(id) => {
            let rev = load_one(&id)
                .ok()
                .and_then(|l| l.get(&id).map(|e| e.rev))
                .unwrap_or(1);
            set_tab(&Tab {
                open: Some(id),
                rev,
                link: None,
            });
            Ok((true, plan.message))
        }
        None => Ok((false, plan.message)),
    }
}
