//! Drawing the engine's results with [`crate::plots`], on the page's `<canvas>` elements and,
//! for export, on any other plotters backend.

use std::collections::HashMap;

use leptos::logging;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use crate::engine::{MetricsSnapshot, Session};
use crate::plots::{self, PlotError};

use super::canvas::HiDpiCanvas;

/// Canvas id of the loss curves.
pub const LOSS_CANVAS: &str = "plot-loss";
/// Canvas id of the per-dimension std bars.
pub const STD_CANVAS: &str = "plot-std";
/// Canvas id of the correlation or covariance heatmap.
pub const HEATMAP_CANVAS: &str = "plot-heatmap";
/// Canvas id of the singular-value spectrum.
pub const SPECTRUM_CANVAS: &str = "plot-spectrum";
/// Canvas id of the effective rank over time.
pub const RANK_CANVAS: &str = "plot-rank";
/// Canvas id of the k-NN accuracy over time.
pub const KNN_CANVAS: &str = "plot-knn";
/// Canvas id of the PCA scatter.
pub const PCA_CANVAS: &str = "plot-pca";

/// One chart of the page, drawn on the canvas with its [`canvas_id`](Chart::canvas_id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    /// Loss per term over the training steps.
    Loss,
    /// Std of each embedding dimension, with γ.
    Std,
    /// Correlation or covariance heatmap of the embedding dimensions.
    Heatmap,
    /// Singular-value spectrum with the effective rank.
    Spectrum,
    /// Effective rank over the training steps.
    Rank,
    /// k-NN accuracy over the training steps.
    Knn,
    /// PCA scatter of the embedding, coloured by label.
    Pca,
}

impl Chart {
    /// The charts drawn from metrics snapshots, in the order [`Charts::draw_metrics`] draws them.
    pub const METRICS: [Chart; 6] = [
        Chart::Std,
        Chart::Heatmap,
        Chart::Spectrum,
        Chart::Rank,
        Chart::Knn,
        Chart::Pca,
    ];

    /// Returns the id of this chart's canvas.
    pub fn canvas_id(self) -> &'static str {
        match self {
            Chart::Loss => LOSS_CANVAS,
            Chart::Std => STD_CANVAS,
            Chart::Heatmap => HEATMAP_CANVAS,
            Chart::Spectrum => SPECTRUM_CANVAS,
            Chart::Rank => RANK_CANVAS,
            Chart::Knn => KNN_CANVAS,
            Chart::Pca => PCA_CANVAS,
        }
    }

    /// Returns the chart drawn on the canvas `id`, or `None` for an id of no chart.
    pub fn from_canvas_id(id: &str) -> Option<Chart> {
        [Chart::Loss]
            .into_iter()
            .chain(Chart::METRICS)
            .find(|chart| chart.canvas_id() == id)
    }

    /// Returns a short name of the chart for button labels, such as "loss curves".
    pub fn name(self) -> &'static str {
        match self {
            Chart::Loss => "loss curves",
            Chart::Std => "std per dimension",
            Chart::Heatmap => "heatmap",
            Chart::Spectrum => "singular-value spectrum",
            Chart::Rank => "effective rank over time",
            Chart::Knn => "k-NN accuracy over time",
            Chart::Pca => "PCA scatter",
        }
    }
}

/// Draws `chart` on `area` from the session and its latest metrics snapshot. This is the one
/// drawing of each chart: the canvases and the SVG export both call it.
///
/// Without a snapshot the snapshot charts (std, heatmap, spectrum and PCA) show empty axes.
/// `show_covariance` makes the heatmap show the covariance instead of the correlation.
pub fn draw_chart<DB: DrawingBackend>(
    chart: Chart,
    area: &DrawingArea<DB, Shift>,
    session: &Session,
    snapshot: Option<&MetricsSnapshot>,
    show_covariance: bool,
) -> Result<(), PlotError> {
    let config = session.config();
    match chart {
        Chart::Loss => plots::loss_curves(area, session.history(), config.loss.convention),
        Chart::Std => {
            let std = snapshot.map_or(&[][..], |snapshot| snapshot.embedding_std.as_slice());
            plots::std_bars(area, std, config.loss.gamma, "embedding std per dimension")
        }
        Chart::Heatmap => {
            let dim = snapshot.map_or(0, |snapshot| snapshot.embedding_dim);
            if show_covariance {
                let covariance =
                    snapshot.map_or(&[][..], |snapshot| snapshot.covariance.as_slice());
                // A non-finite limit makes the heatmap scale to the largest |covariance|.
                plots::heatmap(area, covariance, dim, "embedding covariance", f64::NAN)
            } else {
                let correlation =
                    snapshot.map_or(&[][..], |snapshot| snapshot.correlation.as_slice());
                plots::heatmap(area, correlation, dim, "embedding correlation", 1.0)
            }
        }
        Chart::Spectrum => {
            let singular_values =
                snapshot.map_or(&[][..], |snapshot| snapshot.singular_values.as_slice());
            let effective_rank = snapshot.map_or(f64::NAN, |snapshot| snapshot.effective_rank);
            plots::spectrum(area, singular_values, effective_rank)
        }
        Chart::Rank => plots::effective_rank_over_time(area, session.metrics_history()),
        Chart::Knn => plots::knn_accuracy_over_time(area, session.metrics_history()),
        Chart::Pca => {
            let pca = snapshot.map_or(&[][..], |snapshot| snapshot.pca.as_slice());
            let labels = snapshot.map_or(&[][..], |snapshot| snapshot.labels.as_slice());
            plots::pca_scatter(area, pca, labels, config.dataset.class_count())
        }
    }
}

/// Draws charts and logs each chart's failures once until that chart draws again.
#[derive(Debug, Default)]
pub struct Charts {
    /// The last failure logged per canvas id, so a chart that fails every frame logs once.
    logged_failures: HashMap<&'static str, String>,
}

impl Charts {
    /// Redraws the loss curves from the session's history.
    pub fn draw_loss(&mut self, session: &Session) {
        self.draw_chart(Chart::Loss, session, None, false);
    }

    /// Redraws every chart that shows metrics: the snapshot's std bars, heatmap, spectrum and
    /// PCA scatter, and the session's metrics over time. Without a snapshot the snapshot charts
    /// show empty axes.
    pub fn draw_metrics(
        &mut self,
        session: &Session,
        snapshot: Option<&MetricsSnapshot>,
        show_covariance: bool,
    ) {
        for chart in Chart::METRICS {
            self.draw_chart(chart, session, snapshot, show_covariance);
        }
    }

    /// Draws `chart` on its canvas with [`draw_chart`]. A missing or hidden canvas is skipped.
    fn draw_chart(
        &mut self,
        chart: Chart,
        session: &Session,
        snapshot: Option<&MetricsSnapshot>,
        show_covariance: bool,
    ) {
        self.draw(chart.canvas_id(), |area| {
            draw_chart(chart, area, session, snapshot, show_covariance)
        });
    }

    /// Draws one chart on the canvas `id`. A missing or hidden canvas is skipped.
    pub fn draw(
        &mut self,
        id: &'static str,
        draw: impl FnOnce(&DrawingArea<HiDpiCanvas, Shift>) -> Result<(), PlotError>,
    ) {
        let Some(backend) = HiDpiCanvas::new(id) else {
            return;
        };
        let area = backend.into_area();
        let result = draw(&area).and_then(|()| area.present().map_err(PlotError::from));
        match result {
            Ok(()) => {
                self.logged_failures.remove(id);
            }
            Err(error) => {
                let message = error.to_string();
                if self.logged_failures.get(id) != Some(&message) {
                    logging::error!("drawing #{id} failed: {message}");
                    self.logged_failures.insert(id, message);
                }
            }
        }
    }
}
