//! The collapse badge, the headline numbers and the chart canvases.

use leptos::prelude::*;

use crate::plots::{collapse_colour, css_colour};

use super::charts::{
    HEATMAP_CANVAS, KNN_CANVAS, LOSS_CANVAS, PCA_CANVAS, RANK_CANVAS, SPECTRUM_CANVAS, STD_CANVAS,
};
use super::page::data_number;
use super::state::{self, AppState, Command};

/// Colour of the badge before the first metrics snapshot.
const UNKNOWN_COLOUR: &str = "#777777";

/// Accessible descriptions of the chart canvases.
const LOSS_LABEL: &str = "loss per term over the training steps";
const STD_LABEL: &str = "standard deviation of each embedding dimension, with γ";
const HEATMAP_LABEL: &str = "correlation or covariance of the embedding dimensions";
const SPECTRUM_LABEL: &str = "singular values of the embedding, with the effective rank";
const PCA_LABEL: &str = "embedding projected on its first two principal components";

/// Formats an optional number with `decimals` decimals, or a dash when it is missing.
fn format_reading(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(value) if value.is_finite() => format!("{value:.decimals$}"),
        Some(value) => value.to_string(),
        None => "–".to_string(),
    }
}

/// Renders one headline number: a label, the number as text and, for scripts, as `data-value`.
#[component]
fn Reading(
    /// Id of the element with the number.
    id: &'static str,
    /// Label above the number.
    label: &'static str,
    /// The number as shown.
    #[prop(into)]
    text: Signal<String>,
    /// The number for `data-value`; the attribute is left out while it is `None`.
    #[prop(into)]
    data_value: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="reading">
            <dt>{label}</dt>
            <dd id=id data-value=data_value>
                {text}
            </dd>
        </div>
    }
}

/// Renders the collapse badge with its explanation, and the headline numbers, each also in a
/// `data-value` attribute for scripts.
#[component]
pub fn Readouts(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let metrics = move || state.metrics.get();
    let collapse = move || metrics().map(|metrics| metrics.collapse);
    let collapse_name = move || collapse().map_or("unknown", |collapse| collapse.name());
    let metrics_step = move || metrics().map(|metrics| metrics.step.to_string());
    let step_text = move || metrics_step().map(|step| format!("at step {step}"));
    let badge_style = move || {
        let colour = collapse().map_or(UNKNOWN_COLOUR.to_string(), |collapse| {
            css_colour(collapse_colour(collapse))
        });
        format!("background-color: {colour}")
    };
    let explanation = move || {
        collapse().map_or("Metrics appear after the first snapshot.", |collapse| {
            collapse.explanation()
        })
    };

    // Each number as (text, data-value) signals.
    let number = move |value: fn(&AppState) -> Option<f64>, decimals: usize| {
        let text = Signal::derive(move || format_reading(value(&state), decimals));
        let data = Signal::derive(move || data_number(value(&state)));
        (text, data)
    };
    let (rank, rank_data) = number(|state| state.metrics.get().map(|m| m.effective_rank), 2);
    let (mean_std, mean_std_data) = number(|state| state.metrics.get().map(|m| m.mean_std), 3);
    let (knn_embedding, knn_embedding_data) = number(
        |state| state.metrics.get().map(|m| m.knn_accuracy_embedding),
        3,
    );
    let (knn_representation, knn_representation_data) = number(
        |state| state.metrics.get().map(|m| m.knn_accuracy_representation),
        3,
    );
    let (longest_frame, longest_frame_data) =
        number(|state| state.timing.get().longest_frame_ms, 1);
    let first_step_ms = move || state.timing.get().first_step_ms;
    let first_step_duration = move || state.timing.get().first_step_duration_ms;
    let first_step_text = Signal::derive(move || {
        format!(
            "{} / {}",
            format_reading(first_step_ms(), 0),
            format_reading(first_step_duration(), 0)
        )
    });
    // The loss attributes print the `f32` itself, so scripts can compare it with the engine's.
    let loss = move |value: fn(&AppState) -> Option<f32>| {
        let text = Signal::derive(move || format_reading(value(&state).map(f64::from), 4));
        let data = Signal::derive(move || value(&state).map(|loss| loss.to_string()));
        (text, data)
    };
    let (first_loss, first_loss_data) = loss(|state| state.first_loss.get());
    let (last_loss, last_loss_data) = loss(|state| state.last_loss.get());

    view! {
        <section class="panel readouts">
            <div class="badge-row">
                <span
                    id="collapse-badge"
                    class="badge"
                    data-collapse=collapse_name
                    data-metrics-step=metrics_step
                    style=badge_style
                >
                    {collapse_name}
                </span>
                <span class="badge-step">{step_text}</span>
                <p class="explanation">{explanation}</p>
            </div>
            <dl class="numbers">
                <Reading
                    id="effective-rank"
                    label="effective rank"
                    text=rank
                    data_value=rank_data
                />
                <Reading id="mean-std" label="mean std" text=mean_std data_value=mean_std_data />
                <Reading
                    id="knn-embedding"
                    label="k-NN accuracy, embedding"
                    text=knn_embedding
                    data_value=knn_embedding_data
                />
                <Reading
                    id="knn-representation"
                    label="k-NN accuracy, representation"
                    text=knn_representation
                    data_value=knn_representation_data
                />
                <Reading
                    id="first-loss"
                    label="loss at step 1"
                    text=first_loss
                    data_value=first_loss_data
                />
                <Reading
                    id="last-loss"
                    label="latest loss"
                    text=last_loss
                    data_value=last_loss_data
                />
                <div class="reading">
                    <dt>"first step: ms after load / own ms"</dt>
                    <dd
                        id="first-step-ms"
                        data-value=move || data_number(first_step_ms())
                        data-duration=move || data_number(first_step_duration())
                    >
                        {first_step_text}
                    </dd>
                </div>
                <Reading
                    id="longest-frame-ms"
                    label="longest frame (ms)"
                    text=longest_frame
                    data_value=longest_frame_data
                />
            </dl>
        </section>
    }
}

/// Renders the chart canvases, with a switch between the correlation and covariance heatmaps.
#[component]
pub fn PlotGrid(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let on_covariance = move |event: leptos::ev::Event| {
        state.show_covariance.set(event_target_checked(&event));
        state::send(Command::Redraw);
    };
    let canvas = |id: &'static str, label: &'static str| {
        view! { <canvas id=id class="chart" role="img" aria-label=label></canvas> }
    };

    view! {
        <section class="charts">
            <figure class="wide">{canvas(LOSS_CANVAS, LOSS_LABEL)}</figure>
            <figure>{canvas(STD_CANVAS, STD_LABEL)}</figure>
            <figure>
                {canvas(HEATMAP_CANVAS, HEATMAP_LABEL)}
                <figcaption>
                    <label>
                        <input
                            id="show-covariance"
                            type="checkbox"
                            prop:checked=move || state.show_covariance.get()
                            on:change=on_covariance
                        />
                        " show covariance instead of correlation"
                    </label>
                </figcaption>
            </figure>
            <figure>{canvas(SPECTRUM_CANVAS, SPECTRUM_LABEL)}</figure>
            <figure>{canvas(PCA_CANVAS, PCA_LABEL)}</figure>
            <figure>{canvas(RANK_CANVAS, "effective rank over the training steps")}</figure>
            <figure>{canvas(KNN_CANVAS, "k-NN accuracy over the training steps")}</figure>
        </section>
    }
}
