//! Keyboard shortcuts: space plays or pauses, the right arrow trains one step and `r` resets.
//! Keys typed into a form field or pressed with a modifier are left to the browser.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use super::state::{self, AppState, Command};

/// Returns true when the focused element uses `event`'s key itself: form fields take every
/// key, and buttons take the space bar as a click.
fn belongs_to_focus(event: &KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
    else {
        return false;
    };
    match element.tag_name().to_ascii_lowercase().as_str() {
        "input" | "select" | "textarea" => true,
        "button" | "summary" | "a" => event.key() == " ",
        _ => element.has_attribute("contenteditable"),
    }
}

/// Listens for the shortcuts on the window for as long as the calling component lives.
pub fn install(state: AppState) {
    let handle = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        // A held key repeats, and every repeat would queue another step or toggle.
        let ignored = event.repeat() || event.ctrl_key() || event.meta_key() || event.alt_key();
        if ignored || belongs_to_focus(&event) {
            return;
        }
        if !state.ready.get_untracked() {
            return;
        }
        match event.key().as_str() {
            " " => state.toggle_play(),
            "ArrowRight" => state::send(Command::Step),
            "r" | "R" => state::send(Command::Reset),
            _ => return,
        }
        event.prevent_default();
    });
    on_cleanup(move || handle.remove());
}
