//! The thin browser glue: start-up, the panic banner, the scenario library's storage
//! (`library_store`), the location hash
//! (`#s=…` share links), the clipboard, file download, and the simulation worker. The only layer
//! besides `ui` that touches web-sys; it never imports `ui` (dependencies point one way).
//!
//! Every function here that can fail returns a message for the user instead of panicking.

pub mod library_store; // issue 12: the scenario library's storage (was: one autosave slot)
pub mod runner;
pub mod worker;

pub use runner::SimRunner;

use crate::scenario::{link, Scenario};
use wasm_bindgen::JsCast;

/// Installs the panic hook (through Yew, which otherwise installs its own console-only hook when
/// rendering) and returns the element the app mounts on: `#app`, not `<body>`, since Yew clears
/// its host and the `#fatal` banner must survive. Without `#app` the banner says so and `None`
/// comes back. The binary (`src/bin/app.rs`) mounts the app there, so `web` never names `ui`.
#[cfg(target_arch = "wasm32")]
pub fn start() -> Option<web_sys::Element> {
    yew::set_custom_panic_hook(Box::new(report_panic));
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    if root.is_none() {
        show_fatal("Failover Lab could not start: the page has no #app element.");
    }
    root
}

/// The worker binary's entry point: registers the simulation worker.
#[cfg(target_arch = "wasm32")]
pub fn start_worker() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("Failover Lab worker crashed: {info}").into());
    }));
    worker::serve();
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
pub fn show_fatal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(banner) = document.get_element_by_id("fatal") {
        banner.set_text_content(Some(message));
        let _ = banner.remove_attribute("hidden");
    }
}

fn js_message(e: &wasm_bindgen::JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// The text after `#s=` in the location hash, if any.
pub fn share_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let rest = hash.strip_prefix('#').unwrap_or(&hash);
    rest.strip_prefix("s=").map(str::to_string)
}

/// Puts `#s=<fragment>` in the address bar (without a new history entry) and returns the URL.
pub fn set_share_fragment(fragment: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let location = window.location();
    let base = location.href().map_err(|e| js_message(&e))?;
    let base = base.split('#').next().unwrap_or_default().to_string();
    let url = format!("{base}#s={fragment}");
    let history = window.history().map_err(|e| js_message(&e))?;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .map_err(|e| format!("The address bar could not be updated: {}", js_message(&e)))?;
    Ok(url)
}

/// Removes the share fragment from the address bar (after a bad link, or once loaded).
pub fn clear_share_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let base = href.split('#').next().unwrap_or_default().to_string();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&base));
    }
}

/// The share link text for a scenario, or why it cannot have one that opens (too big).
pub fn share_link_for(scenario: &Scenario) -> Result<String, link::LinkError> {
    link::encode_checked(&link::Shared {
        scenario: scenario.clone(),
        seed: scenario.seed,
        engine_version: crate::ENGINE_VERSION.to_string(),
    })
}

/// Copies text to the clipboard; `done` hears whether the browser allowed it.
pub fn copy_to_clipboard(text: &str, done: impl FnOnce(Result<(), String>) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    let Some(window) = web_sys::window() else {
        done(Err("no browser window".into()));
        return;
    };
    let promise = window.navigator().clipboard().write_text(text);
    // Either callback runs `done`, once.
    let done = Rc::new(RefCell::new(Some(done)));
    let on_ok = {
        let done = done.clone();
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| {
            if let Some(f) = done.borrow_mut().take() {
                f(Ok(()));
            }
        })
    };
    let on_err =
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |e: wasm_bindgen::JsValue| {
            if let Some(f) = done.borrow_mut().take() {
                f(Err(js_message(&e).trim_end_matches('.').to_string()));
            }
        });
    let _ = promise.then2(&on_ok, &on_err);
    on_ok.forget();
    on_err.forget();
}

/// Offers `text` as a file download.
pub fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::new();
    parts.push(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|e| format!("The file could not be prepared: {}", js_message(&e)))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| format!("The file could not be prepared: {}", js_message(&e)))?;
    let result = click_download(&url, filename);
    let _ = web_sys::Url::revoke_object_url(&url);
    result
}

/// Offers a canvas as a PNG download.
pub fn download_canvas_png(
    canvas: &web_sys::HtmlCanvasElement,
    filename: &str,
) -> Result<(), String> {
    let url = canvas
        .to_data_url_with_type("image/png")
        .map_err(|e| format!("The chart could not be exported: {}", js_message(&e)))?;
    click_download(&url, filename)
}

/// Downloads the SVG document `svg` (`w` × `h`) as a PNG rasterised at `scale` × (the image
/// loads asynchronously; a failure then is reported by `onerror`).
pub fn download_svg_as_png(
    svg: &str,
    (w, h): (u32, u32),
    scale: u32,
    filename: &str,
    onerror: impl Fn(String) + 'static,
) -> Result<(), String> {
    use base64::Engine;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let img: web_sys::HtmlImageElement = document
        .create_element("img")
        .map_err(|e| js_message(&e))?
        .dyn_into()
        .map_err(|_| "not an image".to_string())?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|e| js_message(&e))?
        .dyn_into()
        .map_err(|_| "not a canvas".to_string())?;
    canvas.set_width(w * scale);
    canvas.set_height(h * scale);
    let (image, name) = (img.clone(), filename.to_string());
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let drawn = (|| -> Result<(), String> {
            let ctx: web_sys::CanvasRenderingContext2d = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into().ok())
                .ok_or("this browser cannot draw on a canvas")?;
            let (cw, ch) = (f64::from(canvas.width()), f64::from(canvas.height()));
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, cw, ch)
                .map_err(|e| js_message(&e))?;
            download_canvas_png(&canvas, &name)
        })();
        if let Err(e) = drawn {
            onerror(e);
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    let b64 = base64::engine::general_purpose::STANDARD.encode(svg);
    img.set_src(&format!("data:image/svg+xml;base64,{b64}"));
    Ok(())
}

fn click_download(url: &str, filename: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| js_message(&e))?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    a.set_href(url);
    a.set_download(filename);
    a.click();
    Ok(())
}

/// Sets the page title.
pub fn set_title(title: &str) {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

/// Milliseconds on the wall clock, for progress display only (never for simulation).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Records, once per page load, when the first results were shown: a `first-results`
/// performance mark and `data-first-results-ms` (milliseconds since navigation start) on
/// `<html>`, for the end-to-end test that measures time to first results.
pub fn mark_first_results() {
    let Some(w) = web_sys::window() else { return };
    let Some(root) = w.document().and_then(|d| d.document_element()) else {
        return;
    };
    if root.has_attribute("data-first-results-ms") {
        return;
    }
    if let Some(p) = w.performance() {
        let _ = p.mark("first-results");
        let _ = root.set_attribute("data-first-results-ms", &format!("{:.0}", p.now()));
    }
}

/// Reads a user-picked file as text and calls `done` with its content or a message.
pub fn read_file_text(file: web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    let name = file.name();
    let reader = gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |r| {
        done(r.map_err(|e| format!("`{name}` could not be read: {e}")))
    });
    // The reader must live until its callback has run.
    std::mem::forget(reader);
}
