//! Futures over the browser's timers, so the training loop can yield between frames.

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Returns milliseconds since the page started loading (`performance.now()`), or 0 where the
/// browser has no `performance` object.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// Waits for the next animation frame, so the browser can paint and handle input first.
pub async fn next_frame() {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let Some(window) = web_sys::window() else {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("no window"));
            return;
        };
        if let Err(error) = window.request_animation_frame(&resolve) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    // A rejection only means there is no window to paint, so carrying on is harmless.
    let _ = JsFuture::from(promise).await;
}

/// Waits `milliseconds` with `setTimeout`.
pub async fn sleep(milliseconds: u32) {
    let delay = i32::try_from(milliseconds).unwrap_or(i32::MAX);
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let Some(window) = web_sys::window() else {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("no window"));
            return;
        };
        if let Err(error) =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay)
        {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let _ = JsFuture::from(promise).await;
}
