//! The top bar: product name, built-in scenario picker, Run/Cancel, Copy link, Import/Export,
//! Undo/Redo and Help.

use crate::scenario::builtins;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub running: bool,
    pub can_undo: bool,
    pub can_redo: bool,
    pub help_open: bool,
    pub onpick: Callback<String>,
    pub onrun: Callback<()>,
    pub oncancel: Callback<()>,
    pub oncopylink: Callback<()>,
    pub onimport: Callback<web_sys::File>,
    pub onexport: Callback<()>,
    pub onundo: Callback<()>,
    pub onredo: Callback<()>,
    pub onhelp: Callback<()>,
    /// Issue 12: the library's New and Library buttons.
    #[prop_or_default]
    pub library: Html,
}

#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let file_ref = use_node_ref();
    let onpick = {
        let onpick = props.onpick.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let v = sel.value();
            if !v.is_empty() {
                onpick.emit(v);
            }
            sel.set_value("");
        })
    };
    let open_file = {
        let file_ref = file_ref.clone();
        Callback::from(move |_| {
            if let Some(input) = file_ref.cast::<web_sys::HtmlInputElement>() {
                input.click();
            }
        })
    };
    let onfile = {
        let onimport = props.onimport.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                onimport.emit(file);
            }
            input.set_value("");
        })
    };
    let emit = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <header class="topbar">
            <h1 class="brand">{ "Failover Lab" }</h1>
            <label class="sr-only" for="scenario-picker">{ "Open a built-in scenario" }</label>
            <select id="scenario-picker" data-testid="scenario-picker" onchange={onpick}>
                <option value="" selected=true>{ "Open built-in…" }</option>
                { for builtins::all().iter().map(|b| html! {
                    <option value={b.name} title={b.description}>{ b.title }</option>
                }) }
            </select>
            { props.library.clone() }
            if props.running {
                <button id="cancel-button" data-testid="cancel" class="btn danger" onclick={emit(&props.oncancel)}>{ "Cancel run" }</button>
            } else {
                <button id="run-button" data-testid="run" class="btn primary" onclick={emit(&props.onrun)} title="Run the simulation (Ctrl+Enter)">{ "▶ Run" }</button>
            }
            <div class="toolbar" role="group" aria-label="Edit">
                <button id="undo-button" data-testid="undo" class="btn" disabled={!props.can_undo} onclick={emit(&props.onundo)} title="Undo (Ctrl+Z)">{ "Undo" }</button>
                <button id="redo-button" data-testid="redo" class="btn" disabled={!props.can_redo} onclick={emit(&props.onredo)} title="Redo (Ctrl+Shift+Z)">{ "Redo" }</button>
            </div>
            <div class="toolbar" role="group" aria-label="Share and files">
                <button id="copy-link-button" data-testid="copy-link" class="btn" onclick={emit(&props.oncopylink)} title="Put this scenario and seed in the address and copy it">{ "Copy link" }</button>
                <button id="import-button" data-testid="import" class="btn" onclick={open_file}>{ "Import…" }</button>
                <input ref={file_ref} id="import-file" type="file" accept=".json,application/json" class="hidden-file" onchange={onfile} aria-label="Import a scenario JSON file" />
                <button id="export-button" data-testid="export" class="btn" onclick={emit(&props.onexport)}>{ "Export" }</button>
            </div>
            <button id="help-button" data-testid="help" class="btn" aria-expanded={props.help_open.to_string()} aria-controls="help-panel" onclick={emit(&props.onhelp)}>{ "Help ?" }</button>
        </header>
    }
}
