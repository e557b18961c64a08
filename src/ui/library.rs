//! The local library of scenarios (issue 12) as a pure model: entries read from the text found
//! in storage, the unreadable ones kept aside until the user discards them, and every action
//! (new, open, rename, delete, duplicate, save, import a link, discard) as a plan of writes.
//! No web-sys here: `web::library_store` reads the storage, asks this module, then writes.
//!
//! Storage layout: one key per entry, `failover-lab.library.v1.entry.<id>`, holding
//! `{"name","updated","rev","scenario"}`; no index (nothing to get out of step). `rev` counts
//! content saves: a tab saves only over the revision it last saw, so two tabs on one entry fork
//! instead of overwriting each other. Text that cannot be read is never written over: its key is
//! listed as unreadable and only "discard" removes it.

use crate::scenario::{self, link, Scenario};
use serde::{Deserialize, Serialize};

/// The prefix of every entry's key.
pub const ENTRY_PREFIX: &str = "failover-lab.library.v1.entry.";
/// The single autosave slot of earlier versions, migrated into the library on first start.
pub const LEGACY_AUTOSAVE_KEY: &str = "failover-lab.autosave.v1";
/// Where earlier versions kept an unreadable autosave aside.
pub const LEGACY_BROKEN_KEY: &str = "failover-lab.autosave.unreadable";

/// Whether the store should hand this key to [`Library::from_items`].
pub fn is_library_key(key: &str) -> bool {
    key.starts_with(ENTRY_PREFIX) || key == LEGACY_AUTOSAVE_KEY || key == LEGACY_BROKEN_KEY
}

/// The storage key of an entry.
pub fn entry_key(id: &str) -> String {
    format!("{ENTRY_PREFIX}{id}")
}

/// One saved scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub name: String,
    /// Wall-clock milliseconds of the last change (display and ordering only).
    pub updated: u64,
    /// Content revision: bumped by every save of the scenario.
    pub rev: u64,
    pub scenario: Scenario,
}

/// Text under a library key that could not be read; kept until the user discards it.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub key: String,
    pub raw: String,
    pub reason: String,
}

/// Everything the storage holds for the library.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    /// Most recently updated first.
    pub entries: Vec<Entry>,
    pub unreadable: Vec<Unreadable>,
    /// A readable autosave of an earlier version, not yet moved into the library.
    pub legacy: Option<Scenario>,
}

/// One change to the storage; the store applies a plan's writes in order and stops at the first
/// failure, so a removal planned after a write never happens if the write failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    Put { key: String, text: String },
    Remove { key: String },
}

/// What a tab remembers (in sessionStorage): the entry it has open, the revision it last saw, and
/// the share link it opened last (so that a reload does not import it again).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tab {
    pub open: Option<String>,
    #[serde(default)]
    pub rev: u64,
    #[serde(default)]
    pub link: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    updated: u64,
    rev: u64,
    scenario: serde_json::Value,
}

fn problems_text(ps: &[scenario::Problem]) -> String {
    let list: Vec<String> = ps.iter().take(3).map(|p| p.to_string()).collect();
    list.join("; ")
}

fn read_entry(id: &str, text: &str) -> Result<Entry, String> {
    let stored: Stored =
        serde_json::from_str(text).map_err(|e| format!("not a library entry: {e}"))?;
    let scenario = scenario::parse_json(&stored.scenario.to_string())
        .map_err(|ps| format!("its scenario is invalid: {}", problems_text(&ps)))?;
    Ok(Entry {
        id: id.to_string(),
        name: stored.name,
        updated: stored.updated,
        rev: stored.rev,
        scenario,
    })
}

/// The text stored for an entry: its scenario with the defaults left out (`link::compact`, exact
/// by construction), so that what is saved is no bigger than what was opened and reads back.
pub fn entry_text(e: &Entry) -> String {
    let value = link::stored_value(&e.scenario)
        .unwrap_or_else(|_| serde_json::to_value(&e.scenario).unwrap_or_default());
    entry_text_of(e, value)
}

fn entry_text_of(e: &Entry, scenario: serde_json::Value) -> String {
    let stored = Stored {
        name: e.name.clone(),
        updated: e.updated,
        rev: e.rev,
        scenario,
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

impl Library {
    /// The library from every `(key, text)` the storage holds under a library key (others are
    /// ignored).
    pub fn from_items(items: impl IntoIterator<Item = (String, String)>) -> Library {
        let mut lib = Library::default();
        for (key, text) in items {
            let unreadable = |reason: String| Unreadable {
                key: key.clone(),
                raw: text.clone(),
                reason,
            };
            if let Some(id) = key.strip_prefix(ENTRY_PREFIX) {
                match read_entry(id, &text) {
                    Ok(e) => lib.entries.push(e),
                    Err(r) => lib.unreadable.push(unreadable(r)),
                }
            } else if key == LEGACY_AUTOSAVE_KEY {
                match scenario::parse_json(&text) {
                    Ok(s) => lib.legacy = Some(s),
                    Err(ps) => lib.unreadable.push(unreadable(format!(
                        "the autosave of an earlier version is invalid: {}",
                        problems_text(&ps)
                    ))),
                }
            } else if key == LEGACY_BROKEN_KEY {
                lib.unreadable.push(unreadable(
                    "an unreadable autosave kept aside by an earlier version".into(),
                ));
            }
        }
        lib.entries
            .sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
        lib.unreadable.sort_by(|a, b| a.key.cmp(&b.key));
        lib
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// A name no entry has yet: `base`, else `base (2)`, `base (3)`…
    pub fn unique_name(&self, base: &str) -> String {
        let base = if base.trim().is_empty() {
            "Untitled"
        } else {
            base.trim()
        };
        let taken = |n: &str| self.entries.iter().any(|e| e.name == n);
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|i| format!("{base} ({i})"))
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    /// An id no key uses (readable or not): the time in base 36, with a suffix if taken.
    pub fn fresh_id(&self, now: u64) -> String {
        let taken = |id: &str| {
            let key = entry_key(id);
            self.entries.iter().any(|e| e.id == id) || self.unreadable.iter().any(|u| u.key == key)
        };
        let base = base36(now);
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|i| format!("{base}-{i}"))
            .find(|id| !taken(id))
            .unwrap_or_default()
    }

    /// A new entry holding `scenario`, named after `name` (made unique).
    pub fn create(&self, name: &str, scenario: Scenario, now: u64) -> (Entry, Write) {
        let e = Entry {
            id: self.fresh_id(now),
            name: self.unique_name(name),
            updated: now,
            rev: 1,
            scenario,
        };
        let w = Write::Put {
            key: entry_key(&e.id),
            text: entry_text(&e),
        };
        (e, w)
    }
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// An action of the Library panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A new entry with this scenario (the New command, or Import).
    New(Box<Scenario>),
    Open(String),
    Rename {
        id: String,
        name: String,
    },
    Duplicate(String),
    Delete(String),
    /// Puts back an entry deleted a moment ago (Undo).
    Restore(Box<Entry>),
    Discard(String),
}

/// The writes of an action, the entry the tab should open afterwards (if it changes), and a
/// message for the user.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub open: Option<String>,
    pub message: Option<String>,
}

/// Plans an action over the library as it is now in storage.
pub fn plan(lib: &Library, op: Op, now: u64) -> Result<Plan, String> {
    let find = |id: &str| {
        lib.get(id).ok_or_else(|| {
            "That scenario is no longer in the library (deleted in another tab?).".to_string()
        })
    };
    Ok(match op {
        Op::New(s) => {
            let name = s.name.clone();
            let (e, w) = lib.create(&name, *s, now);
            Plan {
                writes: vec![w],
                open: Some(e.id),
                message: None,
            }
        }
        Op::Open(id) => Plan {
            open: Some(find(&id)?.id.clone()),
            ..Plan::default()
        },
        Op::Rename { id, name } => {
            let name = name.trim();
            if name.is_empty() {
                return Err("A scenario needs a name.".into());
            }
            let mut e = find(&id)?.clone();
            e.name = name.to_string();
            e.updated = now;
            Plan {
                writes: vec![Write::Put {
                    key: entry_key(&id),
                    text: entry_text(&e),
                }],
                ..Plan::default()
            }
        }
        Op::Duplicate(id) => {
            let e = find(&id)?;
            let (copy, w) = lib.create(&format!("{} copy", e.name), e.scenario.clone(), now);
            Plan {
                writes: vec![w],
                message: Some(format!("Duplicated as “{}”.", copy.name)),
                ..Plan::default()
            }
        }
        Op::Delete(id) => {
            find(&id)?;
            Plan {
                writes: vec![Write::Remove {
                    key: entry_key(&id),
                }],
                ..Plan::default()
            }
        }
        Op::Restore(e) => {
            let key = entry_key(&e.id);
            if lib.get(&e.id).is_some() || lib.unreadable.iter().any(|u| u.key == key) {
                return Err("That scenario is already back in the library.".into());
            }
            Plan {
                writes: vec![Write::Put {
                    key,
                    text: entry_text(&e),
                }],
                ..Plan::default()
            }
        }
        Op::Discard(key) => {
            if !lib.unreadable.iter().any(|u| u.key == key) {
                return Err(format!("`{key}` is not among the unreadable copies."));
            }
            Plan {
                writes: vec![Write::Remove { key }],
                ..Plan::default()
            }
        }
    })
}

/// What a tab opens on start.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub scenario: Scenario,
    /// What the tab remembers afterwards.
    pub tab: Tab,
    pub writes: Vec<Write>,
    /// Problems to show (bad link, unreadable copies).
    pub warnings: Vec<String>,
    /// What happened, for an info line (a link opened as a new entry, a migration).
    pub info: Vec<String>,
    /// Whether the scenario is the link in the address bar.
    pub from_link: bool,
}

/// Decides what a tab opens: a share link as a new entry (unless this tab already opened it),
/// else the entry the tab had open, else the most recent entry, else `fallback` as a new entry.
/// An autosave of an earlier version is first moved into the library.
pub fn start(
    lib: &Library,
    tab: &Tab,
    fragment: Option<&str>,
    now: u64,
    fallback: impl FnOnce() -> Scenario,
) -> Start {
    let mut lib = lib.clone();
    let mut writes = Vec::new();
    let mut warnings = Vec::new();
    let mut info = Vec::new();
    if !lib.unreadable.is_empty() {
        let n = lib.unreadable.len();
        warnings.push(format!(
            "{n} saved scenario{} could not be read. {} kept, unchanged, under “Unreadable” in the Library until you export or discard {}.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "It is" } else { "They are" },
            if n == 1 { "it" } else { "them" },
        ));
    }
    if let Some(old) = lib.legacy.take() {
        let name = old.name.clone();
        let (e, w) = lib.create(&name, old, now);
        writes.push(w);
        // Removed only once the entry is written (writes stop at the first failure).
        writes.push(Write::Remove {
            key: LEGACY_AUTOSAVE_KEY.into(),
        });
        info.push(format!(
            "Your autosaved work is now the entry “{}” in the Library.",
            e.name
        ));
        lib.entries.insert(0, e);
    }
    let open_entry = |e: &Entry, tab_link: Option<String>| Tab {
        open: Some(e.id.clone()),
        rev: e.rev,
        link: tab_link,
    };
    let own = tab.open.as_deref().and_then(|id| lib.get(id));
    if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
        match link::decode(frag) {
            Ok(shared) => {
                let mut s = shared.scenario;
                s.seed = shared.seed;
                if shared.engine_version != crate::ENGINE_VERSION {
                    warnings.push(format!(
                        "This link was made with engine {}; this is engine {}, so results may differ from the sender's.",
                        shared.engine_version,
                        crate::ENGINE_VERSION
                    ));
                }
                // A reload of a link this tab opened (or copied) shows the same entry again.
                if let Some(e) =
                    own.filter(|e| tab.link.as_deref() == Some(frag) || e.scenario == s)
                {
                    return Start {
                        scenario: e.scenario.clone(),
                        tab: open_entry(e, Some(frag.to_string())),
                        writes,
                        warnings,
                        info,
                        from_link: true,
                    };
                }
                let name = s.name.clone();
                let (e, w) = lib.create(&name, s, now);
                writes.push(w);
                info.push(format!(
                    "The link is open as a new entry, “{}”; your own work is kept in the Library.",
                    e.name
                ));
                return Start {
                    scenario: e.scenario.clone(),
                    tab: open_entry(&e, Some(frag.to_string())),
                    writes,
                    warnings,
                    info,
                    from_link: true,
                };
            }
            Err(err) => warnings.insert(
                0,
                format!(
                    "This share link could not be opened: {err}. {}",
                    if own.is_some() || !lib.entries.is_empty() {
                        "Your last work is shown instead."
                    } else {
                        "The built-in scenario is shown instead."
                    }
                ),
            ),
        }
    }
    if tab.open.is_some() && own.is_none() {
        info.push("The scenario this tab had open is no longer in the Library (deleted in another tab?); the most recent one is open.".into());
    }
    let chosen = own.or_else(|| lib.entries.first()).cloned();
    let (scenario, tab) = match chosen {
        Some(e) => (e.scenario.clone(), open_entry(&e, None)),
        None => {
            let s = fallback();
            info.extend(crate::ui::boot::first_visit(&s));
            let name = s.name.clone();
            let (e, w) = lib.create(&name, s, now);
            writes.push(w);
            (e.scenario.clone(), open_entry(&e, None))
        }
    };
    Start {
        scenario,
        tab,
        writes,
        warnings,
        info,
        from_link: false,
    }
}

/// The outcome of an autosave.
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    /// The stored entry already holds this scenario.
    Unchanged,
    Saved,
    /// Saved as a new entry, so that nothing is written over; the message says why.
    Forked {
        name: String,
        message: String,
    },
    /// Not saved: the scenario would not read back (over the file limit); nothing was written.
    TooBig(String),
}

/// Autosaves the tab's scenario into the entry it has open, over the revision the tab last saw.
/// When another tab saved that entry since, or it was deleted or became unreadable, the work goes
/// to a new entry instead. Returns the writes, the tab afterwards and the outcome.
pub fn save(lib: &Library, tab: &Tab, scenario: &Scenario, now: u64) -> (Vec<Write>, Tab, Saved) {
    // What is written must read back: a scenario over the file limit is refused, not stored.
    let value = match link::stored_value(scenario) {
        Ok(v) => v,
        Err(why) => return (Vec::new(), tab.clone(), Saved::TooBig(why)),
    };
    let id = tab.open.as_deref().unwrap_or_default();
    let key = entry_key(id);
    let fork = |why: String| {
        let base = lib
            .get(id)
            .map_or(scenario.name.as_str(), |e| e.name.as_str());
        let (e, w) = lib.create(base, scenario.clone(), now);
        let message = format!(
            "{why} This tab's work is saved as “{}”, so nothing is lost.",
            e.name
        );
        let tab = Tab {
            open: Some(e.id),
            rev: e.rev,
            link: tab.link.clone(),
        };
        (
            vec![w],
            tab,
            Saved::Forked {
                name: e.name,
                message,
            },
        )
    };
    match lib.get(id) {
        Some(e) if e.scenario == *scenario => {
            let tab = Tab {
                rev: e.rev,
                ..tab.clone()
            };
            (Vec::new(), tab, Saved::Unchanged)
        }
        Some(e) if e.rev == tab.rev => {
            let e = Entry {
                updated: now,
                rev: e.rev + 1,
                scenario: scenario.clone(),
                ..e.clone()
            };
            let tab = Tab {
                rev: e.rev,
                ..tab.clone()
            };
            (
                vec![Write::Put {
                    key,
                    text: entry_text_of(&e, value),
                }],
                tab,
                Saved::Saved,
            )
        }
        Some(e) => fork(format!("“{}” was changed in another tab.", e.name)),
        None if tab.open.is_none() => {
            // The first save of a tab that has no entry yet (storage was full when it opened).
            let (writes, tab, _) = fork(String::new());
            (writes, tab, Saved::Saved)
        }
        None if lib.unreadable.iter().any(|u| u.key == key) => fork(
            "The entry this tab had open can no longer be read; it is kept aside, unchanged."
                .into(),
        ),
        None => fork("The entry this tab had open was deleted (in another tab?).".into()),
    }
}

/// "just now", "5 min ago", "3 h ago", "2 days ago": how long ago `then` was.
pub fn ago(now: u64, then: u64) -> String {
    let s = now.saturating_sub(then) / 1000;
    match s {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ if s < 2 * 86_400 => "yesterday".into(),
        _ => format!("{} days ago", s / 86_400),
    }
}

pub use crate::ui::boot::blank;

#[cfg(test)]
#[path = "library_tests.rs"]
mod tests;
