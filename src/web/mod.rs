//! The thin browser glue: start-up, the panic banner, and (later) storage, location hash and the
//! simulation worker. The only layer besides `ui` that touches web-sys.

/// Installs the panic hook and mounts the app on `#app` (not `<body>`: Yew clears its host, and
/// the `#fatal` banner must survive).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    // Through Yew, which otherwise installs its own console-only hook when rendering.
    yew::set_custom_panic_hook(Box::new(report_panic));
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<crate::ui::App>::with_root(root).render();
        }
        None => show_fatal("Failover Lab could not start: the page has no #app element."),
    }
}

/// Shows a panic in the page's error banner (and the console) instead of leaving a dead page.
#[cfg(target_arch = "wasm32")]
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    web_sys::console::error_1(&format!("Failover Lab crashed: {info}").into());
    show_fatal(&format!(
        "Failover Lab stopped because of an internal error: {info}. Your autosaved work is kept; reload the page to continue."
    ));
}

/// Writes `message` into the `#fatal` banner that `index.html` provides, and reveals it.
#[cfg(target_arch = "wasm32")]
pub fn show_fatal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(banner) = document.get_element_by_id("fatal") {
        banner.set_text_content(Some(message));
        let _ = banner.remove_attribute("hidden");
    }
}
