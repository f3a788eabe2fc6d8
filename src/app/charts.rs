//! Drawing the engine's results on the page's `<canvas>` elements with [`crate::plots`].

use std::collections::HashMap;

use leptos::logging;
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;

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

/// Draws charts and logs each chart's failures once until that chart draws again.
#[derive(Debug, Default)]
pub struct Charts {
    /// The last failure logged per canvas id, so a chart that fails every frame logs once.
    logged_failures: HashMap<&'static str, String>,
}

impl Charts {
    /// Redraws the loss curves from the session's history.
    pub fn draw_loss(&mut self, session: &Session) {
        let convention = session.config().loss.convention;
        self.draw(LOSS_CANVAS, |area| {
            plots::loss_curves(area, session.history(), convention)
        });
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
        let gamma = session.config().loss.gamma;
        let dim = snapshot.map_or(0, |snapshot| snapshot.embedding_dim);
        let std = snapshot.map_or(&[][..], |snapshot| snapshot.embedding_std.as_slice());
        let covariance = snapshot.map_or(&[][..], |snapshot| snapshot.covariance.as_slice());
        let correlation = snapshot.map_or(&[][..], |snapshot| snapshot.correlation.as_slice());
        let singular_values =
            snapshot.map_or(&[][..], |snapshot| snapshot.singular_values.as_slice());
        let effective_rank = snapshot.map_or(f64::NAN, |snapshot| snapshot.effective_rank);
        let pca = snapshot.map_or(&[][..], |snapshot| snapshot.pca.as_slice());
        let labels = snapshot.map_or(&[][..], |snapshot| snapshot.labels.as_slice());

        self.draw(STD_CANVAS, |area| {
            plots::std_bars(area, std, gamma, "embedding std per dimension")
        });
        self.draw(HEATMAP_CANVAS, |area| {
            if show_covariance {
                // A non-finite limit makes the heatmap scale to the largest |covariance|.
                plots::heatmap(area, covariance, dim, "embedding covariance", f64::NAN)
            } else {
                plots::heatmap(area, correlation, dim, "embedding correlation", 1.0)
            }
        });
        self.draw(SPECTRUM_CANVAS, |area| {
            plots::spectrum(area, singular_values, effective_rank)
        });
        self.draw(RANK_CANVAS, |area| {
            plots::effective_rank_over_time(area, session.metrics_history())
        });
        self.draw(KNN_CANVAS, |area| {
            plots::knn_accuracy_over_time(area, session.metrics_history())
        });
        let class_count = session.config().dataset.class_count();
        self.draw(PCA_CANVAS, |area| {
            plots::pca_scatter(area, pca, labels, class_count)
        });
    }

    /// Draws one chart on the canvas `id`. A missing or hidden canvas is skipped.
    fn draw(
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
