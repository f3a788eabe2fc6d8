//! SVG files of every plot of a run, drawn by the same functions the browser draws on canvases.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::run::Outcome;
use crate::plots;

/// Size of each SVG in pixels.
const SIZE: (u32, u32) = (640, 420);

/// Draws `draw` into an SVG string.
fn render<F>(draw: F) -> Result<String>
where
    F: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), plots::PlotError>,
{
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&area).map_err(|error| anyhow!("failed to draw a plot: {error}"))?;
        area.present().map_err(|error| anyhow!("failed to finish an SVG: {error}"))?;
    }
    Ok(svg)
}

/// Returns `(file name, SVG text)` for every plot of `outcome`.
pub fn all_plots(outcome: &Outcome) -> Result<Vec<(String, String)>> {
    let session = &outcome.session;
    let last = &outcome.last;
    let gamma = session.config().loss.gamma;
    let convention = session.config().loss.convention;
    let class_count = session.config().dataset.class_count();
    let dim = last.embedding_dim;

    Ok(vec![
        ("loss.svg".into(), render(|area| plots::loss_curves(area, session.history(), convention))?),
        (
            "embedding_std.svg".into(),
            render(|area| plots::std_bars(area, &last.embedding_std, gamma, "Embedding std per dimension"))?,
        ),
        (
            "representation_std.svg".into(),
            render(|area| {
                plots::std_bars(area, &last.representation_std, gamma, "Representation std per dimension")
            })?,
        ),
        (
            "correlation.svg".into(),
            render(|area| plots::heatmap(area, &last.correlation, dim, "Embedding correlation", 1.0))?,
        ),
        (
            "spectrum.svg".into(),
            render(|area| plots::spectrum(area, &last.singular_values, last.effective_rank))?,
        ),
        ("pca.svg".into(), render(|area| plots::pca_scatter(area, &last.pca, &last.labels, class_count))?),
        (
            "effective_rank.svg".into(),
            render(|area| plots::effective_rank_over_time(area, session.metrics_history()))?,
        ),
        (
            "knn_accuracy.svg".into(),
            render(|area| plots::knn_accuracy_over_time(area, session.metrics_history()))?,
        ),
    ])
}
