//! The metrics history of a session as rows, CSV and JSON: what the CLI writes to `metrics.csv`
//! and the app exports.

use std::fmt::Write as _;

use serde::Serialize;

use super::metrics::Collapse;
use super::session::Session;

/// One row per metrics snapshot: the loss of the step it followed and the metrics after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsRow {
    /// Steps taken.
    pub step: usize,
    /// Weighted total loss of that step; empty for the snapshot before training.
    pub total: Option<f32>,
    /// Invariance term, empty when switched off.
    pub invariance: Option<f32>,
    /// Variance part (both views, as the convention combines them).
    pub variance: Option<f32>,
    /// Covariance part `c(Z) + c(Z')`.
    pub covariance: Option<f32>,
    /// Effective rank of the eval embedding.
    pub effective_rank: f64,
    /// Mean std of the eval embedding.
    pub mean_std: f64,
    /// Mean off-diagonal |correlation|.
    pub mean_abs_correlation: f64,
    /// Mean pairwise cosine similarity.
    pub mean_cosine_similarity: f64,
    /// k-NN accuracy of the embedding.
    pub knn_accuracy_embedding: f64,
    /// k-NN accuracy of the representation.
    pub knn_accuracy_representation: f64,
    /// Collapse classification.
    pub collapse: Collapse,
}

/// Returns one row per metrics snapshot of `session`, joined with the loss of the same step.
pub fn metrics_rows(session: &Session) -> Vec<MetricsRow> {
    let convention = session.config().loss.convention;
    session
        .metrics_history()
        .iter()
        .map(|point| {
            // History entry k holds step k + 1, so step s is at index s − 1.
            let terms = point.step.checked_sub(1).and_then(|index| session.history().get(index));
            let terms = terms.map(|record| &record.terms);
            MetricsRow {
                step: point.step,
                total: terms.map(|terms| terms.total),
                invariance: terms.and_then(|terms| terms.invariance),
                variance: terms.and_then(|terms| terms.variance(convention)),
                covariance: terms.and_then(|terms| terms.covariance()),
                effective_rank: point.effective_rank,
                mean_std: point.mean_std,
                mean_abs_correlation: point.mean_abs_correlation,
                mean_cosine_similarity: point.mean_cosine_similarity,
                knn_accuracy_embedding: point.knn_accuracy_embedding,
                knn_accuracy_representation: point.knn_accuracy_representation,
                collapse: point.collapse,
            }
        })
        .collect()
}

/// Formats rows as CSV with a header; an empty field is a term that was switched off or a loss
/// that does not exist yet.
pub fn metrics_csv(rows: &[MetricsRow]) -> String {
    let mut csv = String::from(
        "step,total,invariance,variance,covariance,effective_rank,mean_std,mean_abs_correlation,\
         mean_cosine_similarity,knn_accuracy_embedding,knn_accuracy_representation,collapse\n",
    );
    let optional = |value: Option<f32>| value.map(|v| v.to_string()).unwrap_or_default();
    for row in rows {
        // Writing to a String cannot fail.
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            row.step,
            optional(row.total),
            optional(row.invariance),
            optional(row.variance),
            optional(row.covariance),
            row.effective_rank,
            row.mean_std,
            row.mean_abs_correlation,
            row.mean_cosine_similarity,
            row.knn_accuracy_embedding,
            row.knn_accuracy_representation,
            row.collapse.name()
        );
    }
    csv
}

#[cfg(test)]
mod tests {
    use burn::prelude::Device;

    use super::*;
    use crate::engine::session::TrainingConfig;

    #[test]
    fn rows_join_loss_and_metrics() {
        let config = TrainingConfig::new()
            .with_encoder_widths(vec![16])
            .with_expander_widths(vec![8])
            .with_batch_size(16);
        let mut session = Session::new(config, &Device::flex()).unwrap();
        pollster::block_on(session.metrics()).unwrap();
        pollster::block_on(session.step()).unwrap();
        pollster::block_on(session.step()).unwrap();
        pollster::block_on(session.metrics()).unwrap();

        let rows = metrics_rows(&session);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].step, 0);
        assert_eq!(rows[0].total, None);
        assert_eq!(rows[1].step, 2);
        assert_eq!(rows[1].total, Some(session.history()[1].terms.total));

        let csv = metrics_csv(&rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("0,,,,,"), "{}", lines[1]);
        assert!(lines[2].starts_with("2,"), "{}", lines[2]);
    }
}
