//! The browser app's entry point (built by Trunk for wasm32; a no-op natively).

fn main() {
    // Issue 12: the library root hosts the app and remounts it per open scenario.
    #[cfg(target_arch = "wasm32")]
    failover_lab::web::start(|root| {
        yew::Renderer::<failover_lab::ui::components::library::LibraryRoot>::with_root(root)
            .render();
    });
}
