//! Play, pause, step and reset, the pace of training, and the preset buttons.

use leptos::prelude::*;

use crate::engine::Preset;

use super::inputs::FieldError;
use super::runner::MAX_STEPS_PER_FRAME;
use super::state::{self, AppState, Command, Field};

/// Maximum pause between frames on the slow-motion slider, in milliseconds.
const MAX_FRAME_DELAY_MS: u32 = 1000;

/// Largest accepted number of steps between metrics snapshots.
const MAX_METRICS_EVERY: u32 = 10_000;

/// Returns the button text of a preset.
pub fn preset_label(preset: Preset) -> &'static str {
    match preset {
        Preset::Vicreg => "VICReg",
        Preset::ViReg => "VI-Reg (no covariance)",
        Preset::InvarianceOnly => "Invariance only",
        Preset::NoVariance => "No variance",
    }
}

/// Parses a whole number from `low` to `high`, or returns a message that names the range.
fn parse_in_range(text: &str, name: &str, low: u32, high: u32) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(value) if (low..=high).contains(&value) => Ok(value),
        _ => Err(format!(
            "invalid {name} `{}`: enter a whole number from {low} to {high}",
            text.trim()
        )),
    }
}

/// Buttons that set λ, μ and ν to one regime each and keep training from the current weights.
#[component]
pub fn Presets(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let buttons = Preset::ALL
        .into_iter()
        .map(|preset| {
            let active = move || {
                state
                    .config
                    .with(|config| preset.has_weights_of(&config.loss))
            };
            let on_click = move |_| {
                state.change_config(Field::Preset, |config| {
                    config.loss = preset.weights_on(&config.loss);
                    Ok(())
                });
            };
            view! {
                <button
                    type="button"
                    data-preset=preset.name()
                    class:active=active
                    aria-pressed=move || active().to_string()
                    on:click=on_click
                >
                    {preset_label(preset)}
                </button>
            }
        })
        .collect_view();

    view! {
        <section class="panel">
            <h2>"Presets"</h2>
            <div class="presets">{buttons}</div>
            <FieldError error=Signal::derive(move || state.field_error(Field::Preset)) />
        </section>
    }
}

/// Play, pause, one step and reset, with the step counter, steps per frame, slow motion and
/// the metrics interval.
#[component]
pub fn Transport(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let (pace_error, set_pace_error) = signal(None::<String>);
    let disabled = move || !state.ready.get();
    let step_text = move || state.step.get().to_string();

    let on_play = move |_| state.toggle_play();
    let on_step = move |_| state::send(Command::Step);
    let on_reset = move |_| state::send(Command::Reset);
    // A pace input sets its signal from a whole number in range, or shows why it cannot.
    let pace_input = move |name: &'static str, low: u32, high: u32, target: RwSignal<u32>| {
        move |event| match parse_in_range(&event_target_value(&event), name, low, high) {
            Ok(value) => {
                target.set(value);
                set_pace_error.set(None);
            }
            Err(message) => set_pace_error.set(Some(message)),
        }
    };
    let on_steps_per_frame =
        pace_input("steps per frame", 1, MAX_STEPS_PER_FRAME, state.steps_per_frame);
    let on_delay = move |event| {
        if let Ok(delay) =
            parse_in_range(&event_target_value(&event), "delay", 0, MAX_FRAME_DELAY_MS)
        {
            state.frame_delay_ms.set(delay);
        }
    };
    let on_metrics_every =
        pace_input("metrics interval", 1, MAX_METRICS_EVERY, state.metrics_every);

    view! {
        <section class="panel transport">
            <div class="buttons">
                <button id="play" type="button" class="primary" disabled=disabled on:click=on_play>
                    {move || if state.playing.get() { "Pause" } else { "Play" }}
                </button>
                <button id="step" type="button" disabled=disabled on:click=on_step>
                    "Step"
                </button>
                <button id="reset" type="button" disabled=disabled on:click=on_reset>
                    "Reset"
                </button>
                <span class="step-label">
                    "step "
                    <span id="step-counter" data-step=step_text>
                        {step_text}
                    </span>
                </span>
            </div>
            <div class="pace">
                <label for="steps-per-frame">"Steps per frame"</label>
                <input
                    id="steps-per-frame"
                    type="number"
                    min="1"
                    max=MAX_STEPS_PER_FRAME
                    step="1"
                    prop:value=move || state.steps_per_frame.get().to_string()
                    on:change=on_steps_per_frame
                />
                <span></span>
                <label for="frame-delay">"Slow motion"</label>
                <input
                    id="frame-delay"
                    type="range"
                    min="0"
                    max=MAX_FRAME_DELAY_MS
                    step="10"
                    prop:value=move || state.frame_delay_ms.get().to_string()
                    on:input=on_delay
                />
                <output for="frame-delay">
                    {move || format!("{} ms", state.frame_delay_ms.get())}
                </output>
                <label for="metrics-every">"Metrics every"</label>
                <input
                    id="metrics-every"
                    type="number"
                    min="1"
                    max=MAX_METRICS_EVERY
                    step="1"
                    prop:value=move || state.metrics_every.get().to_string()
                    on:change=on_metrics_every
                />
                <span>"steps"</span>
            </div>
            <FieldError error=pace_error />
        </section>
    }
}
