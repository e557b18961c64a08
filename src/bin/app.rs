//! The browser app's entry point (built by Trunk for wasm32; a no-op natively): `web` installs
//! the panic banner and finds `#app`, and the app is mounted there (as Yew's web_worker_fib
//! example does).

fn main() {
    #[cfg(target_arch = "wasm32")]
    if let Some(root) = failover_lab::web::start() {
        // Issue 12: the library root hosts the app and remounts it per open scenario.
        yew::Renderer::<failover_lab::ui::components::library::LibraryRoot>::with_root(root)
            .render();
    }
}
