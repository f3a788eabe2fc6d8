//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::engine::data::DatasetKind;
use crate::engine::loss::Convention;
use crate::engine::session::{OptimizerKind, Preset, TrainingConfig};

/// Train a small encoder with VICReg on the UCI digits (or a 2-D toy set) and report whether
/// its embeddings collapsed.
#[derive(Debug, Parser)]
#[command(name = "vicreg-playground", version, about)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train one run and write metrics.csv, summary.json and SVG plots.
    Train(TrainArgs),
    /// Train two presets on the same data, initialisation and seed and write a side-by-side
    /// report.
    Compare(CompareArgs),
    /// Compute the loss of every case in a JSON file (the schema of the numpy fixtures) in both
    /// conventions and print the terms as JSON.
    Loss(LossArgs),
    /// Time the fixed benchmark workload (B = H = E = 256 on digits) and print steps per second.
    Bench(BenchArgs),
}

/// Arguments of `train`. Negative numbers parse as values, so `--learning-rate -1` reaches
/// validation and gets its message.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct TrainArgs {
    /// Loss preset (default vicreg); it sets λ, μ and ν on top of `--config`, and explicit
    /// weight flags override it.
    #[arg(long)]
    pub preset: Option<Preset>,
    /// Settings shared with `compare`.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `compare`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct CompareArgs {
    /// Preset of run A: its λ, μ and ν, on B's other settings.
    #[arg(default_value = "vi-reg")]
    pub a: Preset,
    /// Preset of run B. Without it, B takes the weights of `--config` if given, else VICReg's.
    pub b: Option<Preset>,
    /// Settings shared by both runs. The weight flags and `--config`'s weights set run B's
    /// λ, μ and ν only, as the page's controls do in compare mode.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `loss`.
#[derive(Debug, Args)]
pub struct LossArgs {
    /// JSON file with a `cases` array; each case has `name`, `z_a`, `z_b` and `weights`.
    pub file: PathBuf,
}

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Timed steps, after one untimed warm-up step.
    #[arg(long, default_value_t = 50)]
    pub steps: usize,
    /// Seed of the weights and batches.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Hyperparameters and output settings of a run. Every flag left out keeps the preset's value.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Training steps.
    #[arg(long, default_value_t = 1000)]
    pub steps: usize,
    /// Seed of weights, batches, augmentations and synthetic data (default: the `--config`
    /// file's, else 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder; created if missing.
    #[arg(long, default_value = "runs/latest")]
    pub out: PathBuf,
    /// Steps between two metric snapshots (one row of metrics.csv each).
    #[arg(long, default_value_t = 100)]
    pub log_every: usize,
    /// Dataset: digits, blobs or two-moons.
    #[arg(long)]
    pub dataset: Option<DatasetKind>,
    /// Start from a configuration JSON file (as written in summary.json under `config`).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Invariance weight λ.
    #[arg(long)]
    pub invariance_weight: Option<f64>,
    /// Variance weight μ.
    #[arg(long)]
    pub variance_weight: Option<f64>,
    /// Covariance weight ν.
    #[arg(long)]
    pub covariance_weight: Option<f64>,
    /// Variance target γ.
    #[arg(long)]
    pub gamma: Option<f64>,
    /// ε added to the variance before the square root.
    #[arg(long)]
    pub epsilon: Option<f64>,
    /// Loss convention: reference (official code) or paper (published formula).
    #[arg(long)]
    pub convention: Option<Convention>,
    /// Optimiser: adam or sgd.
    #[arg(long)]
    pub optimizer: Option<OptimizerKind>,
    /// SGD momentum.
    #[arg(long)]
    pub momentum: Option<f64>,
    /// Learning rate.
    #[arg(long)]
    pub learning_rate: Option<f64>,
    /// Samples per batch (at least 2).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Encoder widths, comma-separated; the last is the representation size.
    #[arg(long, value_delimiter = ',')]
    pub encoder_widths: Option<Vec<usize>>,
    /// Expander widths, comma-separated; the last is the embedding dimension.
    #[arg(long, value_delimiter = ',')]
    pub expander_widths: Option<Vec<usize>>,
    /// Augmentation strength from 0 to 3.
    #[arg(long)]
    pub augmentation_strength: Option<f32>,
}

impl RunArgs {
    /// Rejects flag values that no configuration check covers.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.log_every == 0 {
            anyhow::bail!("invalid --log-every 0: use a whole number of steps of at least 1");
        }
        Ok(())
    }

    /// Applies every given flag on top of `base`.
    pub fn apply(&self, base: TrainingConfig) -> TrainingConfig {
        let mut config = match self.seed {
            Some(seed) => base.with_seed(seed),
            None => base,
        };
        let loss = &mut config.loss;
        overwrite(&mut loss.invariance_weight, self.invariance_weight);
        overwrite(&mut loss.variance_weight, self.variance_weight);
        overwrite(&mut loss.covariance_weight, self.covariance_weight);
        overwrite(&mut loss.gamma, self.gamma);
        overwrite(&mut loss.epsilon, self.epsilon);
        overwrite(&mut loss.convention, self.convention);
        overwrite(&mut config.dataset, self.dataset);
        overwrite(&mut config.optimizer, self.optimizer);
        overwrite(&mut config.momentum, self.momentum);
        overwrite(&mut config.learning_rate, self.learning_rate);
        overwrite(&mut config.batch_size, self.batch_size);
        overwrite(&mut config.encoder_widths, self.encoder_widths.clone());
        overwrite(&mut config.expander_widths, self.expander_widths.clone());
        overwrite(&mut config.augmentation_strength, self.augmentation_strength);
        config
    }
}

fn overwrite<T>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}
