//! The metrics history of a session as rows, CSV and JSON, and the configuration as JSON: what
//! the CLI writes to `metrics.csv` and the app exports.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::session::{MetricsPoint, Session, TrainingConfig};

/// Column names of [`metrics_csv`], in order. They are also the keys of each row object that
/// [`metrics_json`] writes.
pub const METRICS_COLUMNS: [&str; 12] = [
    "step",
    "total",
    "invariance",
    "variance",
    "covariance",
    "effective_rank",
    "mean_std",
    "mean_abs_correlation",
    "mean_cosine_similarity",
    "knn_accuracy_embedding",
    "knn_accuracy_representation",
    "collapse",
];

/// One row per metrics snapshot: the loss of the step it followed and the metrics after it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsRow {
    /// Weighted total loss of that step; empty for the snapshot before training.
    pub total: Option<f32>,
    /// Invariance term, empty when switched off.
    pub invariance: Option<f32>,
    /// Variance part (both views, as the convention combines them).
    pub variance: Option<f32>,
    /// Covariance part `c(Z) + c(Z')`.
    pub covariance: Option<f32>,
    /// The snapshot's step and headline metrics.
    #[serde(flatten)]
    pub metrics: MetricsPoint,
}

/// Returns one row per metrics snapshot of `session`, joined with the loss of the same step.
pub fn metrics_rows(session: &Session) -> Vec<MetricsRow> {
    let convention = session.config().loss.convention;
    session
        .metrics_history()
        .iter()
        .map(|point| {
            // History entry k holds step k + 1, so step s is at index s − 1.
            let terms = point
                .step
                .checked_sub(1)
                .and_then(|index| session.history().get(index));
            let terms = terms.map(|record| &record.terms);
            MetricsRow {
                total: terms.map(|terms| terms.total),
                invariance: terms.and_then(|terms| terms.invariance),
                variance: terms.and_then(|terms| terms.variance(convention)),
                covariance: terms.and_then(|terms| terms.covariance()),
                metrics: point.clone(),
            }
        })
        .collect()
}

/// Formats rows as CSV with a header; an empty field is a term that was switched off or a loss
/// that does not exist yet.
pub fn metrics_csv(rows: &[MetricsRow]) -> String {
    let mut csv = METRICS_COLUMNS.join(",");
    csv.push('\n');
    let optional = |value: Option<f32>| value.map(|v| v.to_string()).unwrap_or_default();
    for row in rows {
        let metrics = &row.metrics;
        // Writing to a String cannot fail.
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            metrics.step,
            optional(row.total),
            optional(row.invariance),
            optional(row.variance),
            optional(row.covariance),
            metrics.effective_rank,
            metrics.mean_std,
            metrics.mean_abs_correlation,
            metrics.mean_cosine_similarity,
            metrics.knn_accuracy_embedding,
            metrics.knn_accuracy_representation,
            metrics.collapse.name()
        );
    }
    csv
}

/// Formats rows as a pretty-printed JSON array of objects, one per row, with the keys of
/// [`METRICS_COLUMNS`]. A term that was switched off or a loss that does not exist yet is `null`.
///
/// NOTE: serde_json writes a non-finite number as `null` too. A NaN metric therefore reads back
/// as a missing value in other tools, but makes [`MetricsRow`]'s `Deserialize` fail.
pub fn metrics_json(rows: &[MetricsRow]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(rows)
}

/// Formats `config` as a pretty-printed JSON object with the field names of [`TrainingConfig`],
/// the format that [`super::share::from_json`] reads.
pub fn config_json(config: &TrainingConfig) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(config)
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
        assert_eq!(rows[0].metrics.step, 0);
        assert_eq!(rows[0].total, None);
        assert_eq!(rows[1].metrics.step, 2);
        assert_eq!(rows[1].total, Some(session.history()[1].terms.total));

        let csv = metrics_csv(&rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("0,,,,,"), "{}", lines[1]);
        assert!(lines[2].starts_with("2,"), "{}", lines[2]);
    }
}
