//! A panic hook that shows the panic in the page as well as in the console.
//!
//! After a panic the WebAssembly module may be in a broken state, so the hook writes to the DOM
//! directly: to the static `#panic-panel` of `index.html`, and to `#error`, instead of going
//! through Leptos.

use std::panic::PanicHookInfo;

/// Id of the panel in `index.html` that shows a panic.
const PANEL_ID: &str = "panic-panel";

/// Id of the `<pre>` inside the panel that receives the message.
const MESSAGE_ID: &str = "panic-message";

/// Id of the page's error line.
const ERROR_ID: &str = "error";

/// Installs the hook: the console output of `console_error_panic_hook`, then the page panel.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_panel(info);
    }));
}

fn show_panel(info: &PanicHookInfo<'_>) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let message = format!(
        "{info}\n\nThe page stopped working. Reload it, or reload it on the CPU if the GPU failed."
    );
    if let Some(pre) = document.get_element_by_id(MESSAGE_ID) {
        pre.set_text_content(Some(&message));
    }
    if let Some(panel) = document.get_element_by_id(PANEL_ID) {
        let _ = panel.remove_attribute("hidden");
    }
    if let Some(error) = document.get_element_by_id(ERROR_ID) {
        error.set_text_content(Some(&format!("The app crashed: {info}")));
        let _ = error.remove_attribute("hidden");
    }
    if let Some(body) = document.body() {
        let _ = body.set_attribute("data-panicked", "true");
    }
}
