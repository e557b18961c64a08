//! The library's storage backend: reads every library key from localStorage into the pure model
//! (`ui::library`), applies its planned writes in order, and keeps the tab's choice (the entry it
//! has open) in sessionStorage. Every failure is a typed [`StoreError`] that the UI words
//! truthfully; nothing here decides what to keep or where to write.

use crate::scenario::Scenario;
use crate::ui::library::{self, Library, Op, Saved, Tab, Write};
use std::cell::RefCell;

/// sessionStorage key of what this tab has open.
pub const TAB_KEY: &str = "failover-lab.tab.v1";
/// The window event fired after the library changed in this tab (the panel refreshes on it;
/// other tabs hear the browser's own `storage` event).
pub const CHANGED_EVENT: &str = "failover-lab-library";

/// Why the storage could not be used.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// localStorage is disabled or missing (private mode, blocked cookies, …).
    Unavailable(String),
    /// The browser refused a write because its storage quota is used up.
    Full(String),
    /// Any other refusal, in the browser's words.
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(m) => write!(f, "local storage is not available ({m})"),
            StoreError::Full(m) => write!(f, "the browser's storage for this site is full ({m})"),
            StoreError::Failed(m) => write!(f, "the browser refused to store it ({m})"),
        }
    }
}

thread_local! {
    /// The tab's choice when sessionStorage cannot hold it.
    static TAB: RefCell<Tab> = RefCell::new(Tab::default());
    /// An info line for the app once it has remounted on another entry.
    static PENDING_INFO: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Shows `info` when the app next boots (after switching entries).
pub fn set_pending_info(info: Option<String>) {
    PENDING_INFO.with(|p| *p.borrow_mut() = info);
}

fn classify(e: &wasm_bindgen::JsValue) -> StoreError {
    let name = js_sys::Reflect::get(e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let message = super::js_message(e).trim_end_matches('.').to_string();
    if name == "QuotaExceededError" || message.to_ascii_lowercase().contains("quota") {
        StoreError::Full(message)
    } else {
        StoreError::Failed(message)
    }
}

fn local() -> Result<web_sys::Storage, StoreError> {
    web_sys::window()
        .ok_or_else(|| StoreError::Unavailable("no browser window".into()))?
        .local_storage()
        .map_err(|e| StoreError::Unavailable(super::js_message(&e)))?
        .ok_or_else(|| StoreError::Unavailable("it is disabled in this browser".into()))
}

/// Every library key and its text.
pub fn load() -> Result<Library, StoreError> {
    let store = local()?;
    let n = store.length().map_err(|e| classify(&e))?;
    let mut items = Vec::new();
    for i in 0..n {
        let Ok(Some(key)) = store.key(i) else {
            continue;
        };
        if library::is_library_key(&key) {
            if let Ok(Some(text)) = store.get_item(&key) {
                items.push((key, text));
            }
        }
    }
    Ok(Library::from_items(items))
}

/// Only the entry the tab has open (enough for an ordinary autosave).
fn load_one(id: &str) -> Result<Library, StoreError> {
    let store = local()?;
    let key = library::entry_key(id);
    let text = store.get_item(&key).map_err(|e| classify(&e))?;
    Ok(Library::from_items(text.map(|t| (key, t))))
}

/// Applies writes in order; stops at the first failure.
pub fn apply(writes: &[Write]) -> Result<(), StoreError> {
    if writes.is_empty() {
        return Ok(());
    }
    let store = local()?;
    for w in writes {
        match w {
            Write::Put { key, text } => store.set_item(key, text),
            Write::Remove { key } => store.remove_item(key),
        }
        .map_err(|e| classify(&e))?;
    }
    notify();
    Ok(())
}

fn notify() {
    if let Some(w) = web_sys::window() {
        if let Ok(ev) = web_sys::Event::new(CHANGED_EVENT) {
            let _ = w.dispatch_event(&ev);
        }
    }
}

/// What this tab has open.
pub fn tab() -> Tab {
    let session = web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(TAB_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str::<Tab>(&t).ok());
    session.unwrap_or_else(|| TAB.with(|t| t.borrow().clone()))
}

/// Remembers what this tab has open (in sessionStorage, and in memory in case it is refused).
pub fn set_tab(tab: &Tab) {
    TAB.with(|t| *t.borrow_mut() = tab.clone());
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(TAB_KEY, &serde_json::to_string(tab).unwrap_or_default());
    }
}

/// What the page opens with.
#[derive(Clone, Debug, PartialEq)]
pub struct Booted {
    pub scenario: Scenario,
    pub warning: Option<String>,
    pub info: Option<String>,
    pub from_link: bool,
}

fn joined(v: Vec<String>) -> Option<String> {
    (!v.is_empty()).then(|| v.join(" "))
}

/// Opens the library for this tab: migrates an old autosave, opens a link in the address bar as
/// a new entry, else the entry the tab had open, else the most recent one, else `fallback`.
pub fn boot(fragment: Option<String>, fallback: impl FnOnce() -> Scenario) -> Booted {
    let now = super::now_ms() as u64;
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
        scenario: start.scenario,
        warning: joined(warnings),
        info: joined(info),
        from_link: start.from_link,
    }
}

/// Autosaves the tab's scenario into its entry. `Ok(Some(message))` when it went to a new entry
/// (another tab changed or deleted the entry); `Err` says what failed and that the work is not
/// saved.
pub fn autosave(scenario: &Scenario) -> Result<Option<String>, String> {
    let fail = |e: StoreError| {
        format!("Autosave failed: {e}. Your work is not saved; export it as JSON to keep it.")
    };
    let now = super::now_ms() as u64;
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
    apply(&writes).map_err(fail)?;
    set_tab(&next);
    Ok(match saved {
        Saved::Forked { message, .. } => Some(message),
        _ => None,
    })
}

/// Carries out a Library panel action. `Ok(true)` when the tab must now show another entry.
pub fn perform(op: Op) -> Result<(bool, Option<String>), String> {
    let now = super::now_ms() as u64;
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
