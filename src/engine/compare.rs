//! Compare mode: two runs, A and B, that share the data, the augmentations, the initial weights
//! and the seed, and differ only in their loss settings. They step in lockstep, so after every
//! step both have seen the same batches in the same views.
//!
//! Sharing needs no extra machinery: a [`Session`] draws its weights, batches and views from one
//! generator seeded by the configuration, and the loss settings draw nothing from it.

use std::fmt;

use burn::prelude::Device;
use serde::Serialize;

use super::loss::VicregLossConfig;
use super::metrics::{Collapse, MetricsSnapshot};
use super::session::{Applied, Preset, Session, StepRecord, TrainError, TrainingConfig};

/// One of the two runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Side {
    /// The reference run, VI-Reg by default.
    A,
    /// The run compared with it, VICReg by default.
    B,
}

impl Side {
    /// Both sides, A first.
    pub const BOTH: [Side; 2] = [Side::A, Side::B];

    /// Returns "A" or "B".
    pub fn name(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Failures of a comparison, naming the run that failed.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// One run failed. A non-finite loss also rolls that run's weights back one update.
    #[error("run {side}: {error}")]
    Run {
        /// The run that failed.
        side: Side,
        /// Its error.
        #[source]
        error: TrainError,
    },
    /// An earlier failure of one run left the two out of step: different step counts, or one
    /// run's weights rolled back while the other's were not.
    #[error(
        "the runs are out of step (A at step {a}, B at step {b}) after a failed step: reset to \
         compare them again"
    )]
    OutOfStep {
        /// Steps taken by A.
        a: usize,
        /// Steps taken by B.
        b: usize,
    },
}

/// Two sessions stepped together.
#[derive(Debug)]
pub struct Comparison {
    a: Session,
    b: Session,
    /// Whether a step of either run has failed since the last reset.
    failed: bool,
}

impl Comparison {
    /// Creates runs A and B from `shared`, with the loss settings `loss_a` and `loss_b`.
    pub fn new(
        shared: TrainingConfig,
        loss_a: VicregLossConfig,
        loss_b: VicregLossConfig,
        device: &Device,
    ) -> Result<Self, CompareError> {
        let create = |side: Side, loss: VicregLossConfig| {
            Session::new(shared.clone().with_loss(loss), device)
                .map_err(|error| CompareError::Run { side, error })
        };
        Ok(Self {
            a: create(Side::A, loss_a)?,
            b: create(Side::B, loss_b)?,
            failed: false,
        })
    }

    /// Creates the default comparison: A is VI-Reg and B is VICReg, on `shared` otherwise.
    pub fn vi_reg_vs_vicreg(shared: TrainingConfig, device: &Device) -> Result<Self, CompareError> {
        let loss_a = Preset::ViReg.weights_on(&shared.loss);
        let loss_b = Preset::Vicreg.weights_on(&shared.loss);
        Self::new(shared, loss_a, loss_b, device)
    }

    /// Returns the session of `side`.
    pub fn session(&self, side: Side) -> &Session {
        match side {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    /// Returns the steps both runs have taken, or the error when a failed step has left them out
    /// of step.
    pub fn step_count(&self) -> Result<usize, CompareError> {
        let (a, b) = (self.a.step_count(), self.b.step_count());
        if a == b && !self.failed { Ok(a) } else { Err(CompareError::OutOfStep { a, b }) }
    }

    /// Trains both runs on the same batch and views. After a failure of either run, every later
    /// step fails with [`CompareError::OutOfStep`] until [`reset`](Self::reset).
    pub async fn step(&mut self) -> Result<(StepRecord, StepRecord), CompareError> {
        self.step_count()?;
        // A failed step rolls that run's weights back, so the two runs are no longer comparable.
        let a = self.a.step().await.map_err(|error| CompareError::Run { side: Side::A, error });
        let a = a.inspect_err(|_| self.failed = true)?;
        let b = self.b.step().await.map_err(|error| CompareError::Run { side: Side::B, error });
        let b = b.inspect_err(|_| self.failed = true)?;
        Ok((a, b))
    }

    /// Computes the metrics of both runs.
    pub async fn metrics(&mut self) -> Result<(MetricsSnapshot, MetricsSnapshot), CompareError> {
        let a = self.a.metrics().await.map_err(|error| CompareError::Run {
            side: Side::A,
            error,
        })?;
        let b = self.b.metrics().await.map_err(|error| CompareError::Run {
            side: Side::B,
            error,
        })?;
        Ok((a, b))
    }

    /// Applies `shared` to both runs, keeping each run's own λ, μ and ν. A change that needs
    /// new weights resets both, so they stay in lockstep.
    pub fn apply_shared(&mut self, shared: TrainingConfig) -> Result<Applied, CompareError> {
        // Each run keeps its own λ, μ and ν; γ, ε and the convention are shared.
        let loss_a = shared.loss.with_weights_of(&self.a.config().loss);
        let loss_b = shared.loss.with_weights_of(&self.b.config().loss);
        let config_a = shared.clone().with_loss(loss_a);
        let config_b = shared.with_loss(loss_b);
        // Validate both first, so that a rejected change leaves both runs untouched.
        for (side, config) in [(Side::A, &config_a), (Side::B, &config_b)] {
            config.validate().map_err(|error| CompareError::Run {
                side,
                error: error.into(),
            })?;
        }
        let applied = self.a.apply(config_a).map_err(|error| CompareError::Run {
            side: Side::A,
            error,
        })?;
        self.b.apply(config_b).map_err(|error| CompareError::Run {
            side: Side::B,
            error,
        })?;
        if applied == Applied::Reset {
            self.failed = false;
        }
        Ok(applied)
    }

    /// Starts both runs again from the shared initial weights.
    pub fn reset(&mut self) -> Result<(), CompareError> {
        self.a.reset().map_err(|error| CompareError::Run {
            side: Side::A,
            error,
        })?;
        self.b.reset().map_err(|error| CompareError::Run {
            side: Side::B,
            error,
        })?;
        self.failed = false;
        Ok(())
    }

    /// Returns the two sessions, A first.
    pub fn into_sessions(self) -> (Session, Session) {
        (self.a, self.b)
    }
}

/// One metric of both runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricDifference {
    /// Name of the metric, as shown in tables.
    pub metric: &'static str,
    /// Value for A.
    pub a: f64,
    /// Value for B.
    pub b: f64,
}

impl MetricDifference {
    /// Returns B − A.
    pub fn difference(&self) -> f64 {
        self.b - self.a
    }
}

/// Differences between two snapshots: the headline metrics and the collapse state of each run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparisonSummary {
    /// Steps taken by both runs when the snapshots were computed.
    pub step: usize,
    /// Effective rank, mean std, mean |correlation| and k-NN accuracies, A and B.
    pub metrics: Vec<MetricDifference>,
    /// Collapse state of A.
    pub collapse_a: Collapse,
    /// Collapse state of B.
    pub collapse_b: Collapse,
}

impl ComparisonSummary {
    /// Collects the headline numbers of the snapshots of A and B.
    pub fn new(a: &MetricsSnapshot, b: &MetricsSnapshot) -> Self {
        let metric = |metric, value: fn(&MetricsSnapshot) -> f64| MetricDifference {
            metric,
            a: value(a),
            b: value(b),
        };
        Self {
            step: a.step,
            metrics: vec![
                metric("effective rank", |snapshot| snapshot.effective_rank),
                metric("mean std", |snapshot| snapshot.mean_std),
                metric("mean |correlation|", |snapshot| {
                    snapshot.mean_abs_correlation
                }),
                metric("k-NN accuracy, embedding", |snapshot| {
                    snapshot.knn_accuracy_embedding
                }),
                metric("k-NN accuracy, representation", |snapshot| {
                    snapshot.knn_accuracy_representation
                }),
            ],
            collapse_a: a.collapse,
            collapse_b: b.collapse,
        }
    }

    /// Returns the metric named `metric`, if the summary has it.
    pub fn get(&self, metric: &str) -> Option<&MetricDifference> {
        self.metrics.iter().find(|row| row.metric == metric)
    }

    /// Describes the difference in one sentence, led by the effective rank.
    pub fn sentence(&self) -> String {
        let rank = self.get("effective rank");
        let std = self.get("mean std");
        let mut sentence = match (rank, std) {
            (Some(rank), Some(std)) => format!(
                "At step {}, B's effective rank is {:.2} against A's {:.2}, and its mean std {:.3} \
                 against {:.3}.",
                self.step, rank.b, rank.a, std.b, std.a
            ),
            _ => format!("At step {}:", self.step),
        };
        if self.step == 0 {
            // Untrained embeddings sit close to one point and would read as complete collapse.
            sentence.push_str(" Neither run is trained yet.");
        } else if self.collapse_a == self.collapse_b {
            sentence.push_str(&format!(" Both runs are {}.", self.collapse_a.name()));
        } else {
            sentence.push_str(&format!(
                " A is {} and B is {}.",
                self.collapse_a.name(),
                self.collapse_b.name()
            ));
        }
        sentence
    }
}
