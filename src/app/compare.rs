//! The compare panel: the switch and run A's preset, the summary of where runs A and B differ,
//! and their charts on shared axes.

use leptos::prelude::*;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use crate::engine::session::MetricsPoint;
use crate::engine::{MetricsSnapshot, Preset, Session};
use crate::plots::{self, PairedLabels, PlotError};

use super::charts::Charts;
use super::export::PlotExport;
use super::inputs::SelectField;
use super::state::{self, AppState, Command};
use super::transport::preset_label;

/// Canvas id of the total loss of A and B.
pub const COMPARE_LOSS_CANVAS: &str = "compare-loss";
/// Canvas id of the effective rank of A and B over time.
pub const COMPARE_RANK_CANVAS: &str = "compare-rank";
/// Canvas id of the mean std of A and B over time.
pub const COMPARE_STD_CANVAS: &str = "compare-std";
/// Canvas id of the embedding k-NN accuracy of A and B over time.
pub const COMPARE_KNN_CANVAS: &str = "compare-knn";
/// Canvas id of the normalised spectra of A and B.
pub const COMPARE_SPECTRUM_CANVAS: &str = "compare-spectrum";

/// Preset of run A when compare mode is switched on.
pub const DEFAULT_RUN_A: Preset = Preset::ViReg;

/// Legend entries of the two runs.
const LEGEND_A: &str = "A";
const LEGEND_B: &str = "B";

/// Returns `(index, log10(σᵢ / σ₁))` for the singular values of `snapshot`, largest first.
fn normalised_spectrum(snapshot: Option<&MetricsSnapshot>) -> Vec<(f64, f64)> {
    let Some(snapshot) = snapshot else {
        return Vec::new();
    };
    let largest = snapshot
        .singular_values
        .first()
        .copied()
        .unwrap_or(f64::NAN);
    snapshot
        .singular_values
        .iter()
        .enumerate()
        .map(|(index, value)| ((index + 1) as f64, (value / largest).log10()))
        .collect()
}

/// Canvas ids of the compare charts, in page order.
pub const COMPARE_CANVASES: [&str; 5] = [
    COMPARE_LOSS_CANVAS,
    COMPARE_RANK_CANVAS,
    COMPARE_STD_CANVAS,
    COMPARE_KNN_CANVAS,
    COMPARE_SPECTRUM_CANVAS,
];

/// Draws the compare chart of canvas `id` for runs A and B (in that order in both arrays).
///
/// # Errors
///
/// [`PlotError::Backend`] when drawing fails, and [`PlotError::UnknownChart`] for an id outside
/// [`COMPARE_CANVASES`].
pub fn draw_compare_chart<DB: DrawingBackend>(
    id: &str,
    area: &DrawingArea<DB, Shift>,
    sessions: [&Session; 2],
    snapshots: [Option<&MetricsSnapshot>; 2],
) -> Result<(), PlotError> {
    let [a, b] = sessions;
    let labels = |title, x, y| PairedLabels {
        title,
        x,
        y,
        a: LEGEND_A,
        b: LEGEND_B,
    };
    let over_time = |title, y, value: fn(&MetricsPoint) -> f64| {
        let series = |session: &Session| -> Vec<(f64, f64)> {
            let history = session.metrics_history().iter();
            history
                .map(|point| (point.step as f64, value(point)))
                .collect()
        };
        plots::paired_lines(area, labels(title, "step", y), &series(a), &series(b), true)
    };
    match id {
        COMPARE_LOSS_CANVAS => {
            let losses = |session: &Session| -> Vec<(f64, f64)> {
                let history = session.history().iter();
                history
                    .map(|record| (record.step as f64, f64::from(record.terms.total)))
                    .collect()
            };
            let labels = labels("total loss", "step", "loss");
            plots::paired_lines(area, labels, &losses(a), &losses(b), true)
        }
        COMPARE_RANK_CANVAS => over_time("effective rank", "effective rank", |point| {
            point.effective_rank
        }),
        COMPARE_STD_CANVAS => over_time("mean embedding std", "mean std", |point| point.mean_std),
        COMPARE_KNN_CANVAS => over_time("k-NN accuracy, embedding", "accuracy", |point| {
            point.knn_accuracy_embedding
        }),
        COMPARE_SPECTRUM_CANVAS => {
            let [snapshot_a, snapshot_b] = snapshots;
            let labels = labels("spectrum, latest snapshot", "index", "log10(σᵢ / σ₁)");
            let (spectrum_a, spectrum_b) = (
                normalised_spectrum(snapshot_a),
                normalised_spectrum(snapshot_b),
            );
            plots::paired_lines(area, labels, &spectrum_a, &spectrum_b, false)
        }
        other => Err(PlotError::UnknownChart(other.to_string())),
    }
}

/// Draws every compare chart on its canvas.
pub fn draw_compare(
    charts: &mut Charts,
    sessions: [&Session; 2],
    snapshots: [Option<&MetricsSnapshot>; 2],
    dirty: Dirty,
) {
    // Only the loss chart changes with every step; the others follow the metrics snapshots.
    let redrawn = COMPARE_CANVASES.into_iter().filter(|&id| {
        if id == COMPARE_LOSS_CANVAS { dirty.loss } else { dirty.metrics }
    });
    for id in redrawn {
        charts.draw(id, |area| draw_compare_chart(id, area, sessions, snapshots));
    }
}

/// The chart data that changed since the last redraw.
#[derive(Clone, Copy, Debug)]
pub struct Dirty {
    /// The loss history has new steps.
    pub loss: bool,
    /// A new metrics snapshot, or a restart, changed the metrics charts.
    pub metrics: bool,
}

/// Formats a number of the summary table with three decimals. A value that rounds to zero
/// prints as 0.000, never as -0.000.
fn cell(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let rounded = (value * 1000.0).round() / 1000.0 + 0.0;
    format!("{rounded:.3}")
}

/// Renders the compare switch, run A's preset, the summary table and the charts of both runs.
#[component]
pub fn ComparePanel(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let on = move || state.compare.get().is_some();
    let chosen = RwSignal::new(state.compare.get_untracked().unwrap_or(DEFAULT_RUN_A));
    let on_switch = move |event: leptos::ev::Event| {
        let preset = event_target_checked(&event).then(|| chosen.get_untracked());
        state::send(Command::Compare(preset));
    };
    let on_preset = Callback::new(move |name: String| {
        if let Ok(preset) = name.parse::<Preset>() {
            chosen.set(preset);
            if state.compare.get_untracked().is_some() {
                state::send(Command::Compare(Some(preset)));
            }
        }
    });
    Effect::new(move || {
        if let Some(preset) = state.compare.get() {
            chosen.set(preset);
        }
    });
    let options = Preset::ALL
        .into_iter()
        .map(|preset| (preset.name(), preset_label(preset)))
        .collect::<Vec<_>>();

    let summary = move || state.comparison.get();
    let rows = move || {
        summary()
            .map(|summary| {
                summary
                    .metrics
                    .iter()
                    .map(|row| {
                        view! {
                            <tr data-metric=row.metric data-a=row.a.to_string() data-b=row.b.to_string()>
                                <th scope="row">{row.metric}</th>
                                <td>{cell(row.a)}</td>
                                <td>{cell(row.b)}</td>
                                <td>{cell(row.difference())}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
    };
    let collapse_row = move || {
        summary().map(|summary| {
            view! {
                <tr data-metric="collapse" data-a=summary.collapse_a.name() data-b=summary.collapse_b.name()>
                    <th scope="row">"collapse"</th>
                    <td>{summary.collapse_a.name()}</td>
                    <td>{summary.collapse_b.name()}</td>
                    <td></td>
                </tr>
            }
        })
    };
    let summary_step = move || summary().map(|summary| summary.step.to_string());
    let sentence = move || {
        summary().map_or_else(
            || "The summary appears after both runs' first snapshot.".to_string(),
            |summary| summary.sentence(),
        )
    };
    let figure = |id: &'static str, label: &'static str| {
        view! {
            <figure>
                <canvas id=id class="chart" role="img" aria-label=label></canvas>
                <PlotExport canvas_id=id />
            </figure>
        }
    };

    view! {
        <section id="compare" class="panel compare" data-on=move || on().to_string()>
            <h2>"Compare A with B"</h2>
            <label class="switch">
                <input
                    id="compare-on"
                    type="checkbox"
                    prop:checked=on
                    on:change=on_switch
                    disabled=move || !state.ready.get()
                />
                " Compare mode: run A beside B on the same data, views, weights and seed"
            </label>
            <SelectField
                id="compare-a"
                label="Run A's loss weights (B uses the controls on the left)"
                options=options
                value=Signal::derive(move || chosen.get().name().to_string())
                on_select=on_preset
                error=Signal::derive(|| None::<String>)
            />
            <Show when=on>
                <table id="compare-summary" data-step=summary_step>
                    <caption>{sentence}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"metric"</th>
                            <th scope="col">"A"</th>
                            <th scope="col">"B"</th>
                            <th scope="col">"B − A"</th>
                        </tr>
                    </thead>
                    <tbody>{collapse_row} {rows}</tbody>
                </table>
                <div class="charts compare-charts">
                    {figure(COMPARE_LOSS_CANVAS, "total loss of runs A and B over the steps")}
                    {figure(COMPARE_RANK_CANVAS, "effective rank of runs A and B over the steps")}
                    {figure(COMPARE_STD_CANVAS, "mean embedding std of runs A and B over the steps")}
                    {figure(COMPARE_KNN_CANVAS, "embedding k-NN accuracy of runs A and B over the steps")}
                    {figure(COMPARE_SPECTRUM_CANVAS, "normalised singular values of runs A and B")}
                </div>
            </Show>
        </section>
    }
}
