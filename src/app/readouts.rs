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

/// Formats an optional number with `decimals` decimals, or a dash when it is missing.
fn shown(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(value) if value.is_finite() => format!("{value:.decimals$}"),
        Some(value) => value.to_string(),
        None => "–".to_string(),
    }
}

/// The collapse badge with its explanation, and the headline numbers, each also in a
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
    let rank = move || metrics().map(|metrics| metrics.effective_rank);
    let mean_std = move || metrics().map(|metrics| metrics.mean_std);
    let knn_embedding = move || metrics().map(|metrics| metrics.knn_accuracy_embedding);
    let knn_representation = move || metrics().map(|metrics| metrics.knn_accuracy_representation);
    let first_loss = move || state.first_loss.get().map(f64::from);
    let last_loss = move || state.last_loss.get().map(f64::from);
    let timing = move || state.timing.get();
    let first_step_ms = move || timing().first_step_ms;
    let first_step_duration = move || timing().first_step_duration_ms;
    let longest_frame_ms = move || timing().longest_frame_ms;
    // Loss attributes print the `f32` itself, so scripts can compare them with the engine's values.
    let first_loss_attribute = move || state.first_loss.get().map(|loss| loss.to_string());
    let last_loss_attribute = move || state.last_loss.get().map(|loss| loss.to_string());

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
                <span class="badge-step">
                    {move || metrics_step().map(|step| format!("at step {step}")).unwrap_or_default()}
                </span>
                <p class="explanation">{explanation}</p>
            </div>
            <dl class="numbers">
                <dt>"effective rank"</dt>
                <dd id="effective-rank" data-value=move || data_number(rank())>{move || shown(rank(), 2)}</dd>
                <dt>"mean std"</dt>
                <dd id="mean-std" data-value=move || data_number(mean_std())>{move || shown(mean_std(), 3)}</dd>
                <dt>"k-NN accuracy, embedding"</dt>
                <dd id="knn-embedding" data-value=move || data_number(knn_embedding())>
                    {move || shown(knn_embedding(), 3)}
                </dd>
                <dt>"k-NN accuracy, representation"</dt>
                <dd id="knn-representation" data-value=move || data_number(knn_representation())>
                    {move || shown(knn_representation(), 3)}
                </dd>
                <dt>"loss at step 1"</dt>
                <dd id="first-loss" data-value=first_loss_attribute>{move || shown(first_loss(), 4)}</dd>
                <dt>"latest loss"</dt>
                <dd id="last-loss" data-value=last_loss_attribute>{move || shown(last_loss(), 4)}</dd>
                <dt>"first step (ms after load / own ms)"</dt>
                <dd id="first-step-ms" data-value=move || data_number(first_step_ms()) data-duration=move || data_number(first_step_duration())>
                    {move || format!("{} / {}", shown(first_step_ms(), 0), shown(first_step_duration(), 0))}
                </dd>
                <dt>"longest frame (ms)"</dt>
                <dd id="longest-frame-ms" data-value=move || data_number(longest_frame_ms())>
                    {move || shown(longest_frame_ms(), 1)}
                </dd>
            </dl>
        </section>
    }
}

/// The chart canvases, with a switch between the correlation and covariance heatmaps.
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
            <figure class="wide">{canvas(LOSS_CANVAS, "loss per term over the training steps")}</figure>
            <figure>{canvas(STD_CANVAS, "standard deviation of each embedding dimension, with γ")}</figure>
            <figure>
                {canvas(HEATMAP_CANVAS, "correlation or covariance of the embedding dimensions")}
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
            <figure>{canvas(SPECTRUM_CANVAS, "singular values of the embedding, with the effective rank")}</figure>
            <figure>{canvas(PCA_CANVAS, "embedding projected on its first two principal components")}</figure>
            <figure>{canvas(RANK_CANVAS, "effective rank over the training steps")}</figure>
            <figure>{canvas(KNN_CANVAS, "k-NN accuracy over the training steps")}</figure>
        </section>
    }
}
