//! The collapse badge, the headline numbers and the chart canvases.

use leptos::prelude::*;

use crate::plots::{collapse_colour, css_colour};

use super::charts::{
    HEATMAP_CANVAS, KNN_CANVAS, LOSS_CANVAS, PCA_CANVAS, RANK_CANVAS, SPECTRUM_CANVAS, STD_CANVAS,
};
use super::export::PlotExport;
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
const RANK_LABEL: &str = "effective rank over the training steps";
const KNN_LABEL: &str = "k-NN accuracy over the training steps";

/// Captions under the charts on how a healthy and a collapsed run differ in each. The numbers
/// are from `tests/regimes.rs`: the digits with the default settings.
const LOSS_LOOK_FOR: &str = "Healthy: the total falls and then levels off while the invariance and \
    the regularisers pull against each other. With μ off, the invariance drops toward 0 because \
    every image maps to the same point, so a small loss alone is no sign of a useful embedding.";
const STD_LOOK_FOR: &str = "Healthy: every bar stays well above 0, at or below the dashed γ \
    line. Complete collapse drops every bar to 0, while in dimensional collapse the bars stay \
    near γ, so check the heatmap and the spectrum too.";
const HEATMAP_LOOK_FOR: &str = "Healthy: the off-diagonal cells stay lighter than the diagonal \
    (mean |correlation| about 0.5 on the digits). Dimensional collapse fills the correlation \
    matrix with values near ±1, because the dimensions turn into copies of one another.";
const SPECTRUM_LOOK_FOR: &str = "Healthy: the singular values fall off gradually and the \
    effective rank stays well above 1 (about 6 on the digits). Dimensional collapse leaves one or \
    two large values and a rank below 2.5, and complete collapse makes every value tiny.";
const PCA_LOOK_FOR: &str = "Healthy: the digits spread into clusters of one colour each. The axes \
    rescale to the data, so complete collapse shows as ticks shrinking toward 0, and dimensional \
    collapse lines the points up along one direction.";
const RANK_LOOK_FOR: &str = "Healthy: the line levels off well above 1 and its dots keep the \
    healthy colour. Dimensional collapse drives it toward 1, and in complete collapse the dots \
    turn to the complete colour even where the rank of the leftover noise looks high.";
const KNN_LOOK_FOR: &str = "Healthy: the embedding's accuracy rises and stays high (0.72 or \
    more on the digits). Complete collapse pulls it toward chance, 0.1 for ten digits, while the \
    representation's accuracy can stay high because the expander absorbs the collapse.";

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
    // The untrained network maps every input close to one point (mean std about 0.007 on the
    // digits), which the thresholds read as complete collapse, so step 0 gets no verdict.
    let collapse = move || {
        metrics()
            .filter(|metrics| metrics.step > 0)
            .map(|metrics| metrics.collapse)
    };
    let untrained = move || metrics().is_some_and(|metrics| metrics.step == 0);
    let collapse_name = move || match collapse() {
        Some(collapse) => collapse.name(),
        None if untrained() => "untrained",
        None => "unknown",
    };
    let metrics_step = move || metrics().map(|metrics| metrics.step.to_string());
    let step_text = move || metrics_step().map(|step| format!("at step {step}"));
    let badge_style = move || {
        let colour = collapse().map_or(UNKNOWN_COLOUR.to_string(), |collapse| {
            css_colour(collapse_colour(collapse))
        });
        format!("background-color: {colour}")
    };
    let explanation = move || match collapse() {
        Some(collapse) => collapse.explanation(),
        None if untrained() => {
            "Not trained yet: the random network maps every input close to one point, so the \
             verdict waits for the first training steps."
        }
        None => "Metrics appear after the first snapshot.",
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

/// Renders one chart: its canvas, any `children` (such as a chart option), the export buttons and
/// a caption on what to look for.
#[component]
fn ChartFigure(
    /// Id of the canvas, one of the ids in [`super::charts`].
    canvas_id: &'static str,
    /// Accessible description of the canvas.
    label: &'static str,
    /// Caption under the chart on what a healthy and a collapsed run look like.
    look_for: &'static str,
    /// Whether the chart spans both grid columns.
    #[prop(optional)]
    wide: bool,
    /// Controls placed between the canvas and the export buttons.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <figure class:wide=wide>
            <canvas id=canvas_id class="chart" role="img" aria-label=label></canvas>
            {children.map(|children| children())}
            <PlotExport canvas_id=canvas_id />
            <figcaption class="look-for">{look_for}</figcaption>
        </figure>
    }
}

/// Renders the chart canvases, each with its export buttons and a caption on what to look for,
/// and a switch between the correlation and covariance heatmaps.
#[component]
pub fn PlotGrid(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let on_covariance = move |event: leptos::ev::Event| {
        state.show_covariance.set(event_target_checked(&event));
        state::send(Command::Redraw);
    };

    view! {
        <section class="charts">
            <ChartFigure canvas_id=LOSS_CANVAS label=LOSS_LABEL look_for=LOSS_LOOK_FOR wide=true />
            <ChartFigure canvas_id=STD_CANVAS label=STD_LABEL look_for=STD_LOOK_FOR />
            <ChartFigure canvas_id=HEATMAP_CANVAS label=HEATMAP_LABEL look_for=HEATMAP_LOOK_FOR>
                <label class="chart-option">
                    <input
                        id="show-covariance"
                        type="checkbox"
                        prop:checked=move || state.show_covariance.get()
                        on:change=on_covariance
                    />
                    " show covariance instead of correlation"
                </label>
            </ChartFigure>
            <ChartFigure
                canvas_id=SPECTRUM_CANVAS
                label=SPECTRUM_LABEL
                look_for=SPECTRUM_LOOK_FOR
            />
            <ChartFigure canvas_id=PCA_CANVAS label=PCA_LABEL look_for=PCA_LOOK_FOR />
            <ChartFigure canvas_id=RANK_CANVAS label=RANK_LABEL look_for=RANK_LOOK_FOR />
            <ChartFigure canvas_id=KNN_CANVAS label=KNN_LABEL look_for=KNN_LOOK_FOR />
        </section>
    }
}
