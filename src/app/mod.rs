//! The browser app: a Leptos page that trains the engine's session on WebGPU or the CPU and
//! draws the results with [`crate::plots`] on `<canvas>` elements.
//!
//! The training loop ([`runner`]) owns the session and runs as one local task. The components
//! only send it commands and show the signals it writes, so no handler ever touches the session
//! while a step awaits its readback.

mod backend;
mod bench;
mod canvas;
mod charts;
mod compare;
mod controls;
mod explain;
mod export;
mod frame;
mod inputs;
mod keys;
mod page;
mod panic;
mod readouts;
mod runner;
mod state;
mod training;
mod transport;
mod url;
mod views;

pub use page::App;
pub use url::UrlOptions;

unsafe extern "C" {
    /// Runs the module's static constructors; wasm-ld synthesises it. pliron, under Burn's
    /// cubecl, registers its IR types with `inventory`, whose registrations are constructors.
    fn __wasm_call_ctors();
}

/// Installs the panic hooks, reads the URL switches and mounts [`App`] on the page body.
pub fn start() {
    // wasm-ld treats a module whose exports never call `__wasm_call_ctors` as a command and wraps
    // every export, down to wasm-bindgen's allocator, in a call to all constructors. That made
    // each string passed to JavaScript cost about 0.4 ms here. Calling it once, from this
    // function under `main`, makes the module a reactor without those wrappers, as the
    // `inventory` 0.3 documentation advises.
    // SAFETY: called once, first thing at start-up, before any code that reads what the
    // constructors register; `inventory`'s constructors are idempotent in any case.
    unsafe { __wasm_call_ctors() };
    panic::install();
    let options = UrlOptions::from_location();
    leptos::logging::log!("vicreg-playground starting with {options:?}");
    leptos::mount::mount_to_body(move || leptos::view! { <App options=options /> });
}
