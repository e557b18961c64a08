//! The scenario library in the page (issue 12): `LibraryRoot` hosts the app and remounts it when
//! the tab switches entries (fresh undo history per scenario; a pasted `#s=` link arriving by
//! `hashchange` opens as a new entry), `LibraryButtons` (New, Library) sit in the header, and
//! `LibraryPanel` lists the entries (open, rename, duplicate, delete after confirmation) and the
//! unreadable copies (export raw, discard).
//!
//! Selectors: `#new-button`, `#library-button`, `#library-panel`, `#library-close`,
//! `#library-message`; entries `[data-entry-id=ID]` (`data-open=true` for this tab's) with
//! buttons `[data-action=open|rename|duplicate|delete|confirm-delete|cancel]`, `#rename-input`
//! and `[data-action=save-name]`; unreadable copies `[data-unreadable-key=KEY]` with
//! `[data-action=export-raw|discard|confirm-discard]`.

use crate::scenario::Scenario;
use crate::ui::library::{self, Entry, Library, Op, Unreadable};
use crate::ui::library_session as session;
use crate::web::{self, library_store as store};
use std::rc::Rc;
use yew::prelude::*;

/// What the header's buttons need from the root.
#[derive(Clone, PartialEq)]
pub struct LibraryCtx {
    pub toggle: Callback<()>,
    pub new: Callback<()>,
    /// Opens a scenario (a built-in, an imported file) as a new entry, with an info line to show;
    /// `false` when the library could not take it (the caller then loads it in place).
    pub open_new: Callback<(Scenario, Option<String>), bool>,
    pub open: bool,
    /// Remounts the app on the entry the tab now has open (issue 17: back to a lesson's entry).
    pub switch: Callback<()>,
}

/// A counter bumped to remount the app or reload the list.
#[derive(Clone, Copy, Default, PartialEq)]
struct Gen(u32);

impl Reducible for Gen {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Gen(self.0.wrapping_add(1)))
    }
}

/// Hosts the app (remounted, keyed by a generation, whenever the tab opens another entry) and
/// the Library panel.
#[function_component(LibraryRoot)]
pub fn library_root() -> Html {
    let generation = use_reducer(Gen::default);
    // Issue 17: a `#lesson=NAME` link opens its lesson as a new entry before the app mounts.
    use_state(crate::ui::lesson_session::open_link_at_start);
    // Issue 13: a share link is decoded and checked only once the page has been painted, with
    // "Opening the link…" on screen; the app (which opens it, at its boot) mounts after.
    let opening = use_state_eq(|| web::share_fragment().is_some_and(|f| !f.is_empty()));
    {
        let opening = opening.clone();
        use_effect_with(*opening, move |on| {
            let frame = on.then(|| after_paint(move || opening.set(false)));
            move || drop(frame)
        });
    }
    let panel = use_state_eq(|| false);
    // Why New failed, for the panel it opens.
    let notice = use_state_eq(|| None::<String>);
    let switch = {
        let g = generation.dispatcher();
        let panel = panel.clone();
        Callback::from(move |_: ()| {
            // The address bar no longer stands for what is shown (and must not be imported
            // again when the app remounts).
            web::clear_share_fragment();
            panel.set(false);
            g.dispatch(());
        })
    };
    // A link pasted into the address bar of this tab: open it as a new entry (the current work
    // is already autosaved in its own).
    {
        let g = generation.dispatcher();
        let opening = opening.setter();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "hashchange", move |_| {
                    if let Some(f) = web::share_fragment() {
                        if session::tab().link.as_deref() != Some(f.as_str()) {
                            opening.set(true);
                            g.dispatch(());
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    let new = {
        let switch = switch.clone();
        let panel = panel.clone();
        let notice = notice.clone();
        Callback::from(move |_: ()| {
            match session::perform(Op::New(Box::new(library::blank("Untitled")))) {
                Ok(_) => switch.emit(()),
                // The panel says why (its list is where the user can make room).
                Err(e) => {
                    notice.set(Some(format!("No new scenario was started. {e}")));
                    panel.set(true)
                }
            }
        })
    };
    let open_new = {
        let switch = switch.clone();
        Callback::from(move |(s, info): (Scenario, Option<String>)| {
            let ok = session::perform(Op::New(Box::new(s))).is_ok();
            if ok {
                session::set_pending_info(info);
                switch.emit(());
            }
            ok
        })
    };
    let ctx = LibraryCtx {
        open_new,
        toggle: {
            let panel = panel.clone();
            Callback::from(move |_: ()| panel.set(!*panel))
        },
        new,
        open: *panel,
        switch: switch.clone(),
    };
    let onclose = {
        let panel = panel.clone();
        let notice = notice.clone();
        Callback::from(move |_: ()| {
            notice.set(None);
            panel.set(false)
        })
    };
    if *opening {
        return html! { <OpeningLink /> };
    }
    html! {
        <ContextProvider<LibraryCtx> context={ctx}>
            <crate::ui::App key={generation.0.to_string()} />
            if *panel { <LibraryPanel onclose={onclose} onswitch={switch} notice={(*notice).clone()} /> }
        </ContextProvider<LibraryCtx>>
    }
}

/// Runs `f` once the browser has painted what is on screen now (the next animation frame, then a
/// task after it); dropping the handle first cancels it.
fn after_paint(f: impl FnOnce() + 'static) -> gloo::render::AnimationFrame {
    gloo::render::request_animation_frame(move |_| {
        gloo::timers::callback::Timeout::new(0, f).forget();
    })
}

/// The page shell shown while a share link is opened: the header and a status line.
#[function_component(OpeningLink)]
fn opening_link() -> Html {
    html! {
        <div class="app">
            <header class="topbar"><h1 class="brand">{ "Failover Lab" }</h1></header>
            <p id="opening-link" class="opening-link" role="status" aria-live="polite">
                { "Opening the link…" }
            </p>
        </div>
    }
}

/// New and Library, for the header.
#[function_component(LibraryButtons)]
pub fn library_buttons() -> Html {
    let Some(ctx) = use_context::<LibraryCtx>() else {
        return html! {};
    };
    let emit = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="toolbar" role="group" aria-label="Library">
            <button id="new-button" data-testid="new" class="btn" onclick={emit(&ctx.new)}
                title="Start an empty scenario; your current work stays in the Library">{ "New" }</button>
            <button id="library-button" data-testid="library" class={classes!("btn", ctx.open.then_some("active"))}
                aria-expanded={ctx.open.to_string()} aria-controls="library-panel" onclick={emit(&ctx.toggle)}
                title="Your saved scenarios">{ "Library" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LibraryPanelProps {
    pub onclose: Callback<()>,
    /// The tab now has another entry open: remount the app on it.
    pub onswitch: Callback<()>,
    /// A failure to show when the panel opens.
    #[prop_or_default]
    pub notice: Option<String>,
}

/// Which row is asking something.
#[derive(Clone, Debug, Default, PartialEq)]
enum Mode {
    #[default]
    List,
    Renaming(String),
    ConfirmDelete(String),
    ConfirmDiscard(String),
}

/// The list's callbacks, shared by every row.
#[derive(Clone)]
struct Rows {
    onop: Callback<Op>,
    onmode: Callback<Mode>,
    onmessage: Callback<Option<(bool, String)>>,
    mode: Mode,
    open_id: Option<String>,
    now: u64,
}

#[function_component(LibraryPanel)]
pub fn library_panel(props: &LibraryPanelProps) -> Html {
    let version = use_reducer(Gen::default);
    // Reload on changes by this tab (autosave) and by others (the `storage` event).
    {
        let d = version.dispatcher();
        use_effect_with((), move |_| {
            let ls = web_sys::window().map(|w| {
                let d2 = d.clone();
                (
                    gloo::events::EventListener::new(&w, store::CHANGED_EVENT, move |_| {
                        d.dispatch(())
                    }),
                    gloo::events::EventListener::new(&w, "storage", move |_| d2.dispatch(())),
                )
            });
            move || drop(ls)
        });
    }
    let lib = use_memo(version.0, |_| session::load());
    let mode = use_state_eq(Mode::default);
    let message = use_state_eq(|| props.notice.clone().map(|m| (true, m)));
    let onop = {
        let onswitch = props.onswitch.clone();
        let version = version.dispatcher();
        let mode = mode.clone();
        let message = message.clone();
        Callback::from(move |op: Op| {
            mode.set(Mode::List);
            match session::perform(op) {
                Ok((true, _)) => onswitch.emit(()),
                Ok((false, m)) => {
                    message.set(m.map(|m| (false, m)));
                    version.dispatch(());
                }
                Err(e) => message.set(Some((true, e))),
            }
        })
    };
    let rows = Rows {
        onop,
        onmode: {
            let mode = mode.clone();
            Callback::from(move |m| mode.set(m))
        },
        onmessage: {
            let message = message.clone();
            Callback::from(move |m| message.set(m))
        },
        mode: (*mode).clone(),
        open_id: session::tab().open,
        now: web::now_ms() as u64,
    };
    let onclose = {
        let c = props.onclose.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let onkeydown = {
        let c = props.onclose.clone();
        let mode = mode.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                if *mode == Mode::List {
                    c.emit(())
                } else {
                    mode.set(Mode::List)
                }
            }
        })
    };
    let body = match &*lib {
        Ok(l) => list(l, &rows),
        Err(e) => html! {
            <p class="library-empty" role="alert">{ format!("The library cannot be read: {e}. Your current work is still open; export it as JSON to keep it.") }</p>
        },
    };
    html! {
        <aside id="library-panel" data-testid="library-panel" class="library" role="dialog" aria-label="Library" onkeydown={onkeydown}>
            <div class="library-head">
                <h2>{ "Library" }</h2>
                <span class="library-where">{ "Saved in this browser" }</span>
                <button id="library-close" class="btn small" onclick={onclose} aria-label="Close the library">{ "Close" }</button>
            </div>
            if let Some((error, m)) = &*message {
                <p id="library-message" class={classes!("library-message", error.then_some("error"))}
                    role={if *error { "alert" } else { "status" }}>{ m.clone() }</p>
            }
            { body }
        </aside>
    }
}

fn list(lib: &Library, rows: &Rows) -> Html {
    html! {
        <>
            if lib.entries.is_empty() {
                <p class="library-empty">{ "No saved scenarios yet." }</p>
            }
            <ul class="library-list">
                { for lib.entries.iter().map(|e| entry_row(e, rows)) }
            </ul>
            if !lib.unreadable.is_empty() {
                <h3 class="library-sub">{ "Unreadable" }</h3>
                <p class="library-note">{ "Kept exactly as found, and never written over. Export the raw text to repair it, or discard it." }</p>
                <ul class="library-list">
                    { for lib.unreadable.iter().map(|u| unreadable_row(u, rows)) }
                </ul>
            }
        </>
    }
}

fn entry_row(e: &Entry, rows: &Rows) -> Html {
    let is_open = rows.open_id.as_deref() == Some(e.id.as_str());
    let op = |op: Op| {
        let cb = rows.onop.clone();
        Callback::from(move |_: MouseEvent| cb.emit(op.clone()))
    };
    let mode = |m: Mode| {
        let cb = rows.onmode.clone();
        Callback::from(move |_: MouseEvent| cb.emit(m.clone()))
    };
    let s = &e.scenario;
    let meta = format!(
        "{} component{} · {} fault{} · {}",
        s.components.len(),
        if s.components.len() == 1 { "" } else { "s" },
        s.faults.len(),
        if s.faults.len() == 1 { "" } else { "s" },
        library::ago(rows.now, e.updated)
    );
    let main = match &rows.mode {
        Mode::Renaming(id) if *id == e.id => rename_form(e, rows),
        _ => html! {
            <div class="entry-main">
                <button class="linklike entry-name" data-action="open" disabled={is_open}
                    onclick={op(Op::Open(e.id.clone()))} title={if is_open { "Open in this tab" } else { "Open" }}>{ e.name.clone() }</button>
                if is_open { <span class="badge">{ "open" }</span> }
                <span class="entry-meta">{ meta }</span>
            </div>
        },
    };
    let actions = match &rows.mode {
        Mode::ConfirmDelete(id) if *id == e.id => html! {
            <div class="entry-actions confirm" role="group" aria-label="Confirm delete">
                <span>{ format!("Delete “{}” for good?", e.name) }</span>
                <button class="btn small danger" data-action="confirm-delete" onclick={op(Op::Delete(e.id.clone()))}>{ "Delete" }</button>
                <button class="btn small" data-action="cancel" onclick={mode(Mode::List)}>{ "Keep" }</button>
            </div>
        },
        Mode::Renaming(id) if *id == e.id => html! {},
        _ => html! {
            <div class="entry-actions">
                <button class="btn small" data-action="rename" onclick={mode(Mode::Renaming(e.id.clone()))}>{ "Rename" }</button>
                <button class="btn small" data-action="duplicate" onclick={op(Op::Duplicate(e.id.clone()))}>{ "Duplicate" }</button>
                <button class="btn small danger" data-action="delete" onclick={mode(Mode::ConfirmDelete(e.id.clone()))}>{ "Delete" }</button>
            </div>
        },
    };
    html! {
        <li class={classes!("entry", is_open.then_some("open"))} data-entry-id={e.id.clone()} data-open={is_open.to_string()}>
            { main }
            { actions }
        </li>
    }
}

fn rename_form(e: &Entry, rows: &Rows) -> Html {
    let input = NodeRef::default();
    let submit = {
        let (input, onop, id) = (input.clone(), rows.onop.clone(), e.id.clone());
        move || {
            if let Some(i) = input.cast::<web_sys::HtmlInputElement>() {
                onop.emit(Op::Rename {
                    id: id.clone(),
                    name: i.value(),
                });
            }
        }
    };
    let onkeydown = {
        let (submit, onmode) = (submit.clone(), rows.onmode.clone());
        Callback::from(move |k: KeyboardEvent| match k.key().as_str() {
            "Enter" => submit(),
            "Escape" => {
                k.stop_propagation();
                onmode.emit(Mode::List)
            }
            _ => {}
        })
    };
    let onsave = Callback::from(move |_: MouseEvent| submit());
    let oncancel = {
        let onmode = rows.onmode.clone();
        Callback::from(move |_: MouseEvent| onmode.emit(Mode::List))
    };
    html! {
        <div class="entry-main rename">
            <label class="sr-only" for="rename-input">{ "New name" }</label>
            <input id="rename-input" ref={input} value={e.name.clone()} onkeydown={onkeydown} autofocus=true />
            <button class="btn small primary" data-action="save-name" onclick={onsave}>{ "Save" }</button>
            <button class="btn small" data-action="cancel" onclick={oncancel}>{ "Cancel" }</button>
        </div>
    }
}

fn unreadable_row(u: &Unreadable, rows: &Rows) -> Html {
    let export = {
        let (key, raw) = (u.key.clone(), u.raw.clone());
        let onmessage = rows.onmessage.clone();
        Callback::from(move |_: MouseEvent| {
            let file = format!("{key}.txt");
            onmessage.emit(Some(match web::download_text(&file, "text/plain", &raw) {
                Ok(()) => (
                    false,
                    format!("Exported as `{file}`; the copy stays here until you discard it."),
                ),
                Err(e) => (true, e),
            }))
        })
    };
    let discard = {
        let (cb, key) = (rows.onop.clone(), u.key.clone());
        Callback::from(move |_: MouseEvent| cb.emit(Op::Discard(key.clone())))
    };
    let ask = {
        let (cb, key) = (rows.onmode.clone(), u.key.clone());
        Callback::from(move |_: MouseEvent| cb.emit(Mode::ConfirmDiscard(key.clone())))
    };
    let cancel = {
        let cb = rows.onmode.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Mode::List))
    };
    let confirming = rows.mode == Mode::ConfirmDiscard(u.key.clone());
    html! {
        <li class="entry unreadable" data-unreadable-key={u.key.clone()}>
            <div class="entry-main">
                <code class="entry-name">{ u.key.clone() }</code>
                <span class="entry-meta">{ format!("{} characters · {}", u.raw.chars().count(), u.reason) }</span>
            </div>
            if confirming {
                <div class="entry-actions confirm" role="group" aria-label="Confirm discard">
                    <span>{ "Discard this copy for good?" }</span>
                    <button class="btn small danger" data-action="confirm-discard" onclick={discard}>{ "Discard" }</button>
                    <button class="btn small" data-action="cancel" onclick={cancel}>{ "Keep" }</button>
                </div>
            } else {
                <div class="entry-actions">
                    <button class="btn small" data-action="export-raw" onclick={export}>{ "Export raw" }</button>
                    <button class="btn small danger" data-action="discard" onclick={ask}>{ "Discard" }</button>
                </div>
            }
        </li>
    }
}
