//! The library's storage backend: localStorage keys and their text, sessionStorage for what a
//! tab has open, and the change event. Every failure is a typed [`StoreError`] that the UI words
//! truthfully; what to keep and where to write is decided by the pure model (`ui::library`) and
//! applied by `ui::library_session`.

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

/// Every key that `wanted` accepts, with its text.
pub fn items(wanted: impl Fn(&str) -> bool) -> Result<Vec<(String, String)>, StoreError> {
    let store = local()?;
    let n = store.length().map_err(|e| classify(&e))?;
    let mut out = Vec::new();
    for i in 0..n {
        let Ok(Some(key)) = store.key(i) else {
            continue;
        };
        if wanted(&key) {
            if let Ok(Some(text)) = store.get_item(&key) {
                out.push((key, text));
            }
        }
    }
    Ok(out)
}

/// The text under one key.
pub fn get(key: &str) -> Result<Option<String>, StoreError> {
    local()?.get_item(key).map_err(|e| classify(&e))
}

/// Writes `text` under `key` (`None` removes the key).
pub fn set(key: &str, text: Option<&str>) -> Result<(), StoreError> {
    let store = local()?;
    match text {
        Some(t) => store.set_item(key, t),
        None => store.remove_item(key),
    }
    .map_err(|e| classify(&e))
}

/// Tells this tab's listeners that the library changed.
pub fn notify() {
    if let Some(w) = web_sys::window() {
        if let Ok(ev) = web_sys::Event::new(CHANGED_EVENT) {
            let _ = w.dispatch_event(&ev);
        }
    }
}

/// This tab's sessionStorage value under `key`, if it can be read.
pub fn session_get(key: &str) -> Option<String> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(key).ok().flatten())
}

/// Sets this tab's sessionStorage value; `false` when the browser refused.
pub fn session_set(key: &str, text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .is_some_and(|s| s.set_item(key, text).is_ok())
}
