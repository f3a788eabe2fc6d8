//! The app's export files read back: the metrics history as JSON and CSV, and the configuration
//! as JSON, which reproduces a run when imported.

use burn::prelude::Device;
use vicreg_playground::engine::data::DatasetKind;
use vicreg_playground::engine::loss::Convention;
use vicreg_playground::engine::report::{
    METRICS_COLUMNS, MetricsRow, config_json, metrics_csv, metrics_json, metrics_rows,
};
use vicreg_playground::engine::session::{OptimizerKind, Session, TrainingConfig};
use vicreg_playground::engine::share;

/// Returns a configuration small enough to train a few steps quickly on the CPU.
fn small_config() -> TrainingConfig {
    TrainingConfig::new()
        .with_encoder_widths(vec![32])
        .with_expander_widths(vec![16, 16])
        .with_batch_size(32)
}

/// Returns a configuration that differs from the default in every setting.
fn non_default_config() -> TrainingConfig {
    let mut config = TrainingConfig::new()
        .with_dataset(DatasetKind::TwoMoons)
        .with_encoder_widths(vec![32, 16])
        .with_expander_widths(vec![8, 8])
        .with_optimizer(OptimizerKind::Sgd)
        .with_momentum(0.8)
        .with_learning_rate(0.0125)
        .with_batch_size(48)
        .with_augmentation_strength(1.5)
        .with_seed(42);
    config.loss.invariance_weight = 10.0;
    config.loss.variance_weight = 20.0;
    config.loss.covariance_weight = 0.5;
    config.loss.gamma = 0.75;
    config.loss.epsilon = 1e-3;
    config.loss.convention = Convention::Paper;
    config
}

/// Trains `steps` steps of `config` with a metrics snapshot before the first and after each.
fn trained_session(config: TrainingConfig, steps: usize) -> Session {
    let mut session = Session::new(config, &Device::flex()).expect("config is valid");
    pollster::block_on(session.metrics()).expect("metrics succeed");
    for _ in 0..steps {
        pollster::block_on(session.step()).expect("step succeeds");
        pollster::block_on(session.metrics()).expect("metrics succeed");
    }
    session
}

/// Returns the total loss of every step of `session`.
fn loss_history(session: &Session) -> Vec<f32> {
    session
        .history()
        .iter()
        .map(|record| record.terms.total)
        .collect()
}

/// Parses an optional `f32` CSV field, where an empty field is `None`.
fn optional_field(field: &str) -> Option<f32> {
    (!field.is_empty()).then(|| field.parse().expect("loss field is a number"))
}

/// Asserts that two `f64` values differ by at most a few units in the last place.
///
/// serde_json 1 writes the shortest text that reads back exactly, but without its
/// `float_roundtrip` feature it parses floats with best-effort precision, which can be one unit
/// in the last place off.
fn assert_close(actual: f64, expected: f64, label: &str) {
    let tolerance = 4.0 * f64::EPSILON * expected.abs().max(actual.abs());
    assert!(
        (actual - expected).abs() <= tolerance,
        "{label}: read back {actual}, exported {expected}"
    );
}

/// Asserts the same as [`assert_close`] for an optional loss term, in `f32` precision.
fn assert_close_f32(actual: Option<f32>, expected: Option<f32>, label: &str) {
    match (actual, expected) {
        (Some(actual), Some(expected)) => {
            let tolerance = 4.0 * f32::EPSILON * expected.abs().max(actual.abs());
            assert!(
                (actual - expected).abs() <= tolerance,
                "{label}: read back {actual}, exported {expected}"
            );
        }
        _ => assert_eq!(actual, expected, "{label}"),
    }
}

#[test]
fn metrics_json_parses_back() {
    let session = trained_session(small_config(), 3);
    let rows = metrics_rows(&session);
    assert_eq!(
        rows.len(),
        4,
        "a snapshot before training and after each step"
    );

    let json = metrics_json(&rows).expect("rows serialise");
    let parsed: Vec<MetricsRow> = serde_json::from_str(&json).expect("metrics JSON parses");
    assert_eq!(parsed.len(), rows.len());
    for (read, row) in parsed.iter().zip(&rows) {
        let step = row.metrics.step;
        assert_eq!(read.metrics.step, step);
        assert_close_f32(read.total, row.total, &format!("total at step {step}"));
        assert_close_f32(
            read.invariance,
            row.invariance,
            &format!("invariance at {step}"),
        );
        assert_close_f32(read.variance, row.variance, &format!("variance at {step}"));
        assert_close_f32(
            read.covariance,
            row.covariance,
            &format!("covariance at {step}"),
        );
        let pairs = [
            (
                "effective_rank",
                read.metrics.effective_rank,
                row.metrics.effective_rank,
            ),
            ("mean_std", read.metrics.mean_std, row.metrics.mean_std),
            (
                "mean_abs_correlation",
                read.metrics.mean_abs_correlation,
                row.metrics.mean_abs_correlation,
            ),
            (
                "mean_cosine_similarity",
                read.metrics.mean_cosine_similarity,
                row.metrics.mean_cosine_similarity,
            ),
            (
                "knn_accuracy_embedding",
                read.metrics.knn_accuracy_embedding,
                row.metrics.knn_accuracy_embedding,
            ),
            (
                "knn_accuracy_representation",
                read.metrics.knn_accuracy_representation,
                row.metrics.knn_accuracy_representation,
            ),
        ];
        for (name, actual, expected) in pairs {
            assert_close(actual, expected, &format!("{name} at step {step}"));
        }
        assert_eq!(read.metrics.collapse, row.metrics.collapse);
    }

    // Each row object has exactly the CSV's columns as keys.
    let values: Vec<serde_json::Value> = serde_json::from_str(&json).expect("JSON parses");
    for value in &values {
        let object = value.as_object().expect("each row is an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut columns = METRICS_COLUMNS.to_vec();
        keys.sort_unstable();
        columns.sort_unstable();
        assert_eq!(keys, columns);
    }
    assert!(
        values[0]["total"].is_null(),
        "no loss before the first step"
    );
}

#[test]
fn metrics_csv_parses_back() {
    let session = trained_session(small_config(), 3);
    let rows = metrics_rows(&session);
    let csv = metrics_csv(&rows);
    let mut lines = csv.lines();

    let header: Vec<&str> = lines.next().expect("header line").split(',').collect();
    assert_eq!(header, METRICS_COLUMNS);

    let records: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        assert_eq!(record.len(), METRICS_COLUMNS.len(), "fields of {record:?}");
        let field = |name: &str| {
            let index = METRICS_COLUMNS.iter().position(|column| *column == name);
            record[index.expect("column exists")]
        };
        let number = |name: &str| -> f64 { field(name).parse().expect("metric is a number") };
        let metrics = &row.metrics;

        // Rust prints floats with the fewest digits that parse back to the same value.
        assert_eq!(field("step").parse::<usize>().ok(), Some(metrics.step));
        assert_eq!(optional_field(field("total")), row.total);
        assert_eq!(optional_field(field("invariance")), row.invariance);
        assert_eq!(optional_field(field("variance")), row.variance);
        assert_eq!(optional_field(field("covariance")), row.covariance);
        assert_eq!(number("effective_rank"), metrics.effective_rank);
        assert_eq!(number("mean_std"), metrics.mean_std);
        assert_eq!(number("mean_abs_correlation"), metrics.mean_abs_correlation);
        assert_eq!(
            number("mean_cosine_similarity"),
            metrics.mean_cosine_similarity
        );
        assert_eq!(
            number("knn_accuracy_embedding"),
            metrics.knn_accuracy_embedding
        );
        assert_eq!(
            number("knn_accuracy_representation"),
            metrics.knn_accuracy_representation
        );
        assert_eq!(field("collapse"), metrics.collapse.name());
    }
}

#[test]
fn config_json_reads_back_unchanged() {
    let config = non_default_config();
    assert!(config.validate().is_ok(), "the test configuration is valid");
    assert_ne!(config, TrainingConfig::new());

    let json = config_json(&config).expect("config serialises");
    assert!(
        json.len() < 1024,
        "a configuration file has {} bytes",
        json.len()
    );
    let parsed = share::from_json(&json).expect("config JSON is an object");
    assert_eq!(parsed.warnings, vec![]);
    assert_eq!(parsed.config, config);
}

#[test]
fn imported_config_reproduces_run() {
    let config = small_config().with_seed(7).with_learning_rate(2e-3);
    let original = trained_session(config.clone(), 3);

    let json = config_json(original.config()).expect("config serialises");
    let imported = share::from_json(&json).expect("config JSON is an object");
    assert_eq!(imported.warnings, vec![]);
    let copy = trained_session(imported.config, 3);

    assert_eq!(loss_history(&copy), loss_history(&original));
    assert_eq!(metrics_rows(&copy), metrics_rows(&original));
}
