//! The simulation Web Worker's entry point (built by Trunk for wasm32; a no-op natively).

fn main() {
    #[cfg(target_arch = "wasm32")]
    failover_lab::web::start_worker();
}
