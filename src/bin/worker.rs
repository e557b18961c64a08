//! The simulation Web Worker's entry point (built by Trunk for wasm32; a no-op natively).

fn main() {}
