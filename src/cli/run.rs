//! Training runs on the CPU device, and the files they write: `metrics.csv` (one row per metrics
//! snapshot, the first before training), `summary.json` and SVG plots.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use burn::prelude::Device;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::engine::compare::Comparison;
use crate::engine::metrics::{Collapse, MetricsSnapshot};
use crate::engine::report;
use crate::engine::session::{Session, TrainingConfig};

/// Runs of at least this many steps show a progress bar (on a terminal).
const PROGRESS_BAR_MIN_STEPS: usize = 200;

/// The final numbers of a run as `summary.json` stores them.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The configuration that produced the run.
    pub config: TrainingConfig,
    /// Steps trained.
    pub steps: usize,
    /// Effective rank of the eval embedding.
    pub effective_rank: f64,
    /// Mean std of the eval embedding.
    pub mean_std: f64,
    /// Mean std of the eval representation.
    pub mean_representation_std: f64,
    /// Mean off-diagonal |correlation| of the embedding.
    pub mean_abs_correlation: f64,
    /// Mean pairwise cosine similarity of the embedding.
    pub mean_cosine_similarity: f64,
    /// k-NN accuracy of the embedding.
    pub knn_accuracy_embedding: f64,
    /// k-NN accuracy of the representation.
    pub knn_accuracy_representation: f64,
    /// Collapse classification.
    pub collapse: Collapse,
    /// Loss terms of the last step.
    pub final_loss: Option<crate::engine::loss::LossTerms>,
}

/// A finished run: its session (with the loss and metrics history) and the last snapshot.
pub struct Outcome {
    /// The session after the last step.
    pub session: Session,
    /// Metrics after the last step.
    pub last: MetricsSnapshot,
}

impl Outcome {
    /// Returns the summary that `summary.json` stores.
    pub fn summary(&self) -> Summary {
        let last = &self.last;
        Summary {
            config: self.session.config().clone(),
            steps: self.session.step_count(),
            effective_rank: last.effective_rank,
            mean_std: last.mean_std,
            mean_representation_std: last.mean_representation_std,
            mean_abs_correlation: last.mean_abs_correlation,
            mean_cosine_similarity: last.mean_cosine_similarity,
            knn_accuracy_embedding: last.knn_accuracy_embedding,
            knn_accuracy_representation: last.knn_accuracy_representation,
            collapse: last.collapse,
            final_loss: self.session.history().last().map(|record| record.terms.clone()),
        }
    }
}

/// Trains `config` for `steps` steps on the CPU, taking a metrics snapshot every `log_every`
/// steps and after the last one.
pub fn train(config: TrainingConfig, steps: usize, log_every: usize, label: &str) -> Result<Outcome> {
    let mut session = Session::new(config, &Device::flex()).context("invalid configuration")?;
    let progress = progress_bar(steps, label);
    let log_every = log_every.max(1);
    let mut last = pollster::block_on(session.metrics())?;
    for step in 1..=steps {
        pollster::block_on(session.step()).with_context(|| {
            format!("training stopped at step {step}; the weights from before it are kept")
        })?;
        progress.inc(1);
        if step % log_every == 0 || step == steps {
            last = pollster::block_on(session.metrics())?;
            progress.set_message(format!("rank {:.2}, {}", last.effective_rank, last.collapse.name()));
        }
    }
    progress.finish_and_clear();
    Ok(Outcome { session, last })
}

/// Trains both runs of `comparison` in lockstep for `steps` steps, with a metrics snapshot of
/// each every `log_every` steps and after the last one.
pub fn compare(
    mut comparison: Comparison,
    steps: usize,
    log_every: usize,
    label: &str,
) -> Result<(Outcome, Outcome)> {
    let progress = progress_bar(steps, label);
    let log_every = log_every.max(1);
    let (mut last_a, mut last_b) = pollster::block_on(comparison.metrics())?;
    for step in 1..=steps {
        pollster::block_on(comparison.step())
            .with_context(|| format!("the comparison stopped at step {step}"))?;
        progress.inc(1);
        if step % log_every == 0 || step == steps {
            (last_a, last_b) = pollster::block_on(comparison.metrics())?;
            progress.set_message(format!(
                "rank A {:.2}, B {:.2}",
                last_a.effective_rank, last_b.effective_rank
            ));
        }
    }
    progress.finish_and_clear();
    let (a, b) = comparison.into_sessions();
    Ok((Outcome { session: a, last: last_a }, Outcome { session: b, last: last_b }))
}

/// Returns a progress bar for runs of at least [`PROGRESS_BAR_MIN_STEPS`] steps, hidden otherwise.
fn progress_bar(steps: usize, label: &str) -> ProgressBar {
    let progress = if steps >= PROGRESS_BAR_MIN_STEPS {
        ProgressBar::new(steps as u64)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} steps, {per_sec}, eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_prefix(label.to_string());
    progress
}

/// Writes `metrics.csv`, `summary.json` and the SVG plots of `outcome` into `dir`.
pub fn write_outputs(outcome: &Outcome, dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let write = |name: &str, contents: String| -> Result<()> {
        let path = dir.join(name);
        fs::write(&path, contents).with_context(|| format!("failed to write {}", path.display()))
    };
    write("metrics.csv", report::metrics_csv(&report::metrics_rows(&outcome.session)))?;
    write("summary.json", serde_json::to_string_pretty(&outcome.summary())?)?;
    for (name, svg) in super::svg::all_plots(outcome)? {
        write(&name, svg)?;
    }
    Ok(())
}
