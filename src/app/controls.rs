//! The loss controls: one switch and weight per term, γ, ε and the convention.

use leptos::prelude::*;
use web_sys::HtmlInputElement;

use crate::engine::{Convention, Preset, VicregLossConfig};

use super::inputs::{Scale, SelectField, SliderNumber};
use super::state::{AppState, Field};

/// Smallest weight the λ, μ and ν sliders reach.
const MIN_WEIGHT: f64 = 0.01;

/// Largest weight the λ, μ and ν sliders reach.
const MAX_WEIGHT: f64 = 100.0;

/// Returns the weight of the term that `field` controls.
fn weight(loss: &VicregLossConfig, field: Field) -> f64 {
    match field {
        Field::Invariance => loss.invariance_weight,
        Field::Variance => loss.variance_weight,
        _ => loss.covariance_weight,
    }
}

/// Sets the weight of the term that `field` controls.
fn set_weight(loss: &mut VicregLossConfig, field: Field, value: f64) {
    match field {
        Field::Invariance => loss.invariance_weight = value,
        Field::Variance => loss.variance_weight = value,
        _ => loss.covariance_weight = value,
    }
}

/// Renders one loss term: a checkbox that switches it on or off, and its weight. Switching a
/// term off sets its weight to 0 and remembers the weight for switching it on again.
#[component]
pub fn TermControl(
    /// The page's state.
    state: AppState,
    /// Which term: [`Field::Invariance`], [`Field::Variance`] or [`Field::Covariance`].
    field: Field,
    /// Text of the label, such as "λ invariance".
    label: &'static str,
    /// Id prefix of the term's inputs, such as `invariance`.
    id: &'static str,
) -> impl IntoView {
    let applied = Signal::derive(move || state.config.with(|config| weight(&config.loss, field)));
    let remembered = RwSignal::new(weight(&Preset::Vicreg.loss(), field));
    let enabled = Signal::derive(move || applied.get() > 0.0);
    let shown = Signal::derive(move || {
        if enabled.get() {
            applied.get()
        } else {
            remembered.get()
        }
    });
    let error = Signal::derive(move || state.field_error(field));

    let on_toggle = move |event: leptos::ev::Event| {
        let on = event_target::<HtmlInputElement>(&event).checked();
        let value = if on { remembered.get_untracked() } else { 0.0 };
        state.change_config(field, |config| {
            set_weight(&mut config.loss, field, value);
            Ok(())
        });
    };
    let on_value = Callback::new(move |value: f64| {
        state.change_config(field, |config| {
            set_weight(&mut config.loss, field, value);
            Ok(())
        });
    });

    Effect::new(move || {
        let value = applied.get();
        if value > 0.0 {
            remembered.set(value);
        }
    });

    view! {
        <div class="term">
            <label class="term-switch">
                <input
                    id=format!("{id}-enabled")
                    type="checkbox"
                    prop:checked=enabled
                    on:change=on_toggle
                />
                "on"
            </label>
            <SliderNumber
                id=id
                label=label
                value=shown
                min=MIN_WEIGHT
                max=MAX_WEIGHT
                scale=Scale::Log
                on_value=on_value
                error=error
                disabled=Signal::derive(move || !enabled.get())
            />
        </div>
    }
}

/// Renders the loss section: the three terms, the convention and, under "Advanced", γ and ε.
#[component]
pub fn LossControls(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let gamma = Signal::derive(move || state.config.with(|config| config.loss.gamma));
    let epsilon = Signal::derive(move || state.config.with(|config| config.loss.epsilon));
    let convention = Signal::derive(move || {
        state
            .config
            .with(|config| config.loss.convention.name().to_string())
    });

    let on_gamma = state.setter(Field::Gamma, |config, value: f64| {
        config.loss.gamma = value;
        Ok(())
    });
    let on_epsilon = state.setter(Field::Epsilon, |config, value: f64| {
        config.loss.epsilon = value;
        Ok(())
    });
    let on_convention = state.setter(Field::Convention, |config, name: String| {
        config.loss.convention = name.parse::<Convention>()?;
        Ok(())
    });
    let convention_options = Convention::ALL
        .iter()
        .map(|convention| match convention {
            Convention::Reference => ("reference", "reference (official code)"),
            Convention::Paper => ("paper", "paper (published formula)"),
        })
        .collect::<Vec<_>>();

    view! {
        <section class="panel">
            <h2>"Loss"</h2>
            <TermControl
                state=state
                field=Field::Invariance
                label="λ invariance"
                id="invariance"
            />
            <TermControl state=state field=Field::Variance label="μ variance" id="variance" />
            <TermControl
                state=state
                field=Field::Covariance
                label="ν covariance"
                id="covariance"
            />
            <SelectField
                id="convention"
                label="Convention"
                options=convention_options
                value=convention
                on_select=on_convention
                error=Signal::derive(move || state.field_error(Field::Convention))
            />
            <details class="advanced">
                <summary>"Advanced"</summary>
                <SliderNumber
                    id="gamma"
                    label="γ variance target"
                    value=gamma
                    min=0.1
                    max=10.0
                    scale=Scale::Log
                    on_value=on_gamma
                    error=Signal::derive(move || state.field_error(Field::Gamma))
                />
                <SliderNumber
                    id="epsilon"
                    label="ε variance epsilon"
                    value=epsilon
                    min=1e-8
                    max=1e-1
                    scale=Scale::Log
                    on_value=on_epsilon
                    error=Signal::derive(move || state.field_error(Field::Epsilon))
                />
            </details>
        </section>
    }
}
