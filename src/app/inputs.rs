//! Reusable form controls: a slider paired with a number input, and the error line under a
//! control.

use leptos::prelude::*;

/// Mapping from a slider's position to its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// Equal slider steps multiply the value by equal factors; the range must be positive.
    Log,
    /// Equal slider steps add equal amounts; `step` is the slider's increment.
    Linear {
        /// Slider increment.
        step: f64,
    },
}

/// Slider positions per decade of a [`Scale::Log`] slider.
const LOG_STEPS_PER_DECADE: f64 = 100.0;

/// Formats a value for a number input: up to four decimals without trailing zeros, or
/// exponent notation for magnitudes below 0.001.
pub fn format_value(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return value.to_string();
    }
    if value.abs() < 1e-3 {
        return format!("{value:e}");
    }
    let fixed = format!("{value:.4}");
    fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// Rounds `value` to three significant digits, so log-slider values read as 25.1, not
/// 25.118864.
fn round_significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = 10f64.powf(value.abs().log10().floor() - 2.0);
    (value / magnitude).round() * magnitude
}

/// Parses typed text; text that is not a number becomes NaN, so that the configuration's own
/// validation rejects it with its message.
pub fn parse_number(text: &str) -> f64 {
    text.trim().parse::<f64>().unwrap_or(f64::NAN)
}

/// Renders a labelled slider with a number input for typing an exact value, and the control's
/// error.
#[component]
pub fn SliderNumber(
    /// Id of the number input; the slider gets this id with `-slider` appended.
    id: &'static str,
    /// Text of the label.
    label: &'static str,
    /// Value shown by both inputs.
    #[prop(into)]
    value: Signal<f64>,
    /// Smallest value the slider reaches; typed values may go beyond it.
    #[prop(into)]
    min: Signal<f64>,
    /// Largest value the slider reaches; typed values may go beyond it.
    #[prop(into)]
    max: Signal<f64>,
    /// Mapping of slider positions to values.
    scale: Scale,
    /// Called with each new value; typed text that is not a number arrives as NaN.
    on_value: Callback<f64>,
    /// Error to show under the control.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Whether both inputs are disabled.
    #[prop(into, optional)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let slider_id = format!("{id}-slider");
    let to_position = move |value: f64| match scale {
        Scale::Log => value.log10(),
        Scale::Linear { .. } => value,
    };
    let slider_min = move || to_position(min.get());
    let slider_max = move || to_position(max.get());
    let slider_step = match scale {
        Scale::Log => 1.0 / LOG_STEPS_PER_DECADE,
        Scale::Linear { step } => step,
    };
    let slider_position = move || {
        let value = value.get();
        if scale == Scale::Log && value <= 0.0 {
            slider_min()
        } else {
            to_position(value)
        }
    };
    let on_slider = move |event| {
        let position = parse_number(&event_target_value(&event));
        let value = match scale {
            Scale::Log => round_significant(10f64.powf(position)),
            Scale::Linear { .. } => position,
        };
        on_value.run(value);
    };
    let on_typed = move |event| on_value.run(parse_number(&event_target_value(&event)));

    view! {
        <div class="control" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <div class="control-inputs">
                <input
                    id=slider_id
                    type="range"
                    min=slider_min
                    max=slider_max
                    step=slider_step
                    prop:value=slider_position
                    on:input=on_slider
                    disabled=disabled
                    aria-label=label
                />
                <input
                    id=id
                    type="number"
                    step="any"
                    prop:value=move || format_value(value.get())
                    on:change=on_typed
                    disabled=disabled
                />
            </div>
            <FieldError error=error />
        </div>
    }
}

/// Renders the error line under a control, empty and hidden while there is no error.
#[component]
pub fn FieldError(
    /// Error to show.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p class="field-error" role="alert" hidden=move || error.with(Option::is_none)>
            {move || error.get().unwrap_or_default()}
        </p>
    }
}

/// Renders a labelled single-line input, committed on Enter or when it loses focus, with its
/// error.
#[component]
pub fn TextField(
    /// Id of the input.
    id: &'static str,
    /// Text of the label.
    label: &'static str,
    /// Text shown in the input.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the committed text.
    on_commit: Callback<String>,
    /// Error to show under the control.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// `type` of the input, such as `number`; `text` if not given.
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// Hint shown in the empty input.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    let on_change = move |event| on_commit.run(event_target_value(&event));

    view! {
        <div class="control" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <input
                id=id
                type=input_type.unwrap_or("text")
                placeholder=placeholder
                prop:value=move || value.get()
                on:change=on_change
            />
            <FieldError error=error />
        </div>
    }
}

/// Renders a labelled `<select>` with its error.
#[component]
pub fn SelectField(
    /// Id of the select.
    id: &'static str,
    /// Text of the label.
    label: &'static str,
    /// Options as (value, text) pairs.
    options: Vec<(&'static str, &'static str)>,
    /// Value of the selected option.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the value of the option the user picked.
    on_select: Callback<String>,
    /// Error to show under the control.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let on_change = move |event| on_select.run(event_target_value(&event));

    view! {
        <div class="control" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            <select id=id on:change=on_change>
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        let selected = move || value.with(|value| value == option);
                        view! {
                            <option value=option prop:selected=selected>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldError error=error />
        </div>
    }
}
