//! A training session: model, optimiser, data and history, stepped one batch at a time on
//! whichever Burn device it was given. Loss weights, γ, the learning rate, the batch size and the
//! augmentation strength change between steps without a reset, as the UI's sliders require.

use burn::config::Config;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::augment::{Augmenter, MAX_STRENGTH};
use super::data::{DataError, Dataset, DatasetKind, Samples};
use super::loss::{LossError, LossTerms, VicregLossConfig};
use super::metrics::{Collapse, MetricsSnapshot, Outputs, matrix_from_rows};
use super::model::{ModelError, VicregModel, VicregModelConfig};

/// Largest accepted learning rate.
pub const MAX_LEARNING_RATE: f64 = 10.0;

/// The optimiser that updates the weights.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam with β = (0.9, 0.999).
    #[default]
    Adam,
    /// SGD with momentum (see [`TrainingConfig::momentum`]).
    Sgd,
}

impl OptimizerKind {
    /// Returns the lowercase name used in URLs, files and CLI flags.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "adam",
            OptimizerKind::Sgd => "sgd",
        }
    }
}

impl std::str::FromStr for OptimizerKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "adam" => Ok(OptimizerKind::Adam),
            "sgd" => Ok(OptimizerKind::Sgd),
            other => Err(format!("unknown optimizer `{other}`: expected `adam` or `sgd`")),
        }
    }
}

/// Loss settings that show one regime each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// All three terms (λ = μ = 25, ν = 1): healthy.
    Vicreg,
    /// No covariance term: the std is held at γ but the dimensions collapse onto a few.
    ViReg,
    /// Invariance alone: every embedding collapses to one point.
    InvarianceOnly,
    /// Invariance and covariance without the variance term: collapses to a point as well.
    NoVariance,
}

impl Preset {
    /// Every preset, in the order the UI lists them.
    pub const ALL: [Preset; 4] =
        [Preset::Vicreg, Preset::ViReg, Preset::InvarianceOnly, Preset::NoVariance];

    /// Returns the kebab-case name used in URLs, files and CLI flags.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Vicreg => "vicreg",
            Preset::ViReg => "vi-reg",
            Preset::InvarianceOnly => "invariance-only",
            Preset::NoVariance => "no-variance",
        }
    }

    /// Returns the default loss with this preset's weights.
    pub fn loss(self) -> VicregLossConfig {
        let (invariance, variance, covariance) = match self {
            Preset::Vicreg => (25.0, 25.0, 1.0),
            Preset::ViReg => (25.0, 25.0, 0.0),
            Preset::InvarianceOnly => (25.0, 0.0, 0.0),
            Preset::NoVariance => (25.0, 0.0, 1.0),
        };
        VicregLossConfig::new()
            .with_invariance_weight(invariance)
            .with_variance_weight(variance)
            .with_covariance_weight(covariance)
    }

    /// Returns `loss` with this preset's λ, μ and ν, keeping its γ, ε and convention.
    pub fn weights_on(self, loss: &VicregLossConfig) -> VicregLossConfig {
        loss.with_weights_of(&self.loss())
    }

    /// Returns whether `loss` has this preset's λ, μ and ν.
    pub fn has_weights_of(self, loss: &VicregLossConfig) -> bool {
        self.weights_on(loss) == *loss
    }
}

impl std::str::FromStr for Preset {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Preset::ALL.into_iter().find(|preset| preset.name() == text).ok_or_else(|| {
            format!("unknown preset `{text}`: expected vicreg, vi-reg, invariance-only or no-variance")
        })
    }
}

/// Everything that defines a training run.
#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    /// Dataset to train on. Default digits.
    #[config(default = "DatasetKind::Digits")]
    pub dataset: DatasetKind,
    /// Encoder layer widths; the last is the representation size. Default `[256, 256]`.
    #[config(default = "vec![256, 256]")]
    pub encoder_widths: Vec<usize>,
    /// Expander layer widths; the last is the embedding dimension d. Default `[64, 64]`.
    #[config(default = "vec![64, 64]")]
    pub expander_widths: Vec<usize>,
    /// Loss weights, γ, ε and convention.
    #[config(default = "VicregLossConfig::new()")]
    pub loss: VicregLossConfig,
    /// Optimiser. Default Adam.
    #[config(default = "OptimizerKind::Adam")]
    pub optimizer: OptimizerKind,
    /// Momentum of SGD; unused by Adam. Default 0.9.
    #[config(default = 0.9)]
    pub momentum: f64,
    /// Learning rate. Default 1e-3.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Samples per batch; each yields two views. At least 2. Default 256.
    #[config(default = 256)]
    pub batch_size: usize,
    /// Augmentation strength from 0 (none) to 3; 1 is the documented default strength.
    #[config(default = 1.0)]
    pub augmentation_strength: f32,
    /// Seed of the weights, the batches, the augmentations and the synthetic data. Default 0.
    #[config(default = 0)]
    pub seed: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl TrainingConfig {
    /// Returns the default configuration with the loss of `preset`.
    pub fn preset(preset: Preset) -> Self {
        Self::new().with_loss(preset.loss())
    }

    /// Returns the fixed workload behind the benchmarks: digits, batch 256, hidden widths 256 and
    /// embedding dimension 256 (B = H = E = 256), default VICReg loss.
    pub fn bench() -> Self {
        Self::new().with_encoder_widths(vec![256, 256]).with_expander_widths(vec![256, 256])
    }

    /// Returns the encoder and expander configuration for this dataset.
    pub fn model(&self) -> VicregModelConfig {
        VicregModelConfig::new(self.dataset.input_dim())
            .with_encoder_widths(self.encoder_widths.clone())
            .with_expander_widths(self.expander_widths.clone())
    }

    /// Checks every setting a user can type.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.loss.validate()?;
        self.model().validate()?;
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0)
            || self.learning_rate > MAX_LEARNING_RATE
        {
            return Err(ConfigError::LearningRate(self.learning_rate));
        }
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return Err(ConfigError::Momentum(self.momentum));
        }
        if self.batch_size < 2 {
            return Err(LossError::BatchTooSmall { batch_size: self.batch_size }.into());
        }
        if !(self.augmentation_strength.is_finite()
            && (0.0..=MAX_STRENGTH).contains(&self.augmentation_strength))
        {
            return Err(ConfigError::AugmentationStrength(self.augmentation_strength));
        }
        Ok(())
    }

    /// Returns true when going from `self` to `other` needs new weights: a different dataset,
    /// architecture, optimiser or seed.
    pub fn needs_reset(&self, other: &TrainingConfig) -> bool {
        self.dataset != other.dataset
            || self.encoder_widths != other.encoder_widths
            || self.expander_widths != other.expander_widths
            || self.optimizer != other.optimizer
            || self.momentum != other.momentum
            || self.seed != other.seed
    }
}

/// Settings a user can get wrong, each with the value and the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A loss setting is invalid, or the batch is too small for a variance.
    #[error(transparent)]
    Loss(#[from] LossError),
    /// A layer width is invalid.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The learning rate is not in `(0, MAX_LEARNING_RATE]`.
    #[error("invalid learning rate {0}: use a value above 0 and at most {MAX_LEARNING_RATE}")]
    LearningRate(f64),
    /// The momentum is not in `[0, 1)`.
    #[error("invalid momentum {0}: use a value from 0 up to, but not including, 1")]
    Momentum(f64),
    /// The augmentation strength is out of range.
    #[error("invalid augmentation strength {0}: use a value from 0 to {MAX_STRENGTH}")]
    AugmentationStrength(f32),
    /// The batch is larger than the training split.
    #[error("batch size {batch_size} exceeds the {available} training samples: lower the batch size")]
    BatchTooLarge {
        /// The requested batch size.
        batch_size: usize,
        /// Samples in the training split.
        available: usize,
    },
}

/// Failures of a training session.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The configuration is invalid; the session is unchanged.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The loss could not be computed or is not finite; the weights are rolled back.
    #[error(transparent)]
    Loss(#[from] LossError),
    /// The dataset could not be loaded.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Reading outputs back from the device failed.
    #[error("reading outputs back from the device failed: {0}")]
    Readback(String),
}

/// Whether applying a new configuration kept the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Only live settings changed; training goes on from the current weights.
    Live,
    /// The change needed new weights, so the session was reset.
    Reset,
}

/// The loss of one training step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// One-based step number.
    pub step: usize,
    /// The terms and total of the batch before the update.
    pub terms: LossTerms,
}

/// The headline metrics of one snapshot, kept for plots over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsPoint {
    /// Steps taken.
    pub step: usize,
    /// Effective rank of the eval embedding.
    pub effective_rank: f64,
    /// Mean std of the eval embedding.
    pub mean_std: f64,
    /// Mean off-diagonal |correlation| of the eval embedding.
    pub mean_abs_correlation: f64,
    /// Mean pairwise cosine similarity of the eval embedding.
    pub mean_cosine_similarity: f64,
    /// k-NN accuracy of the embedding.
    pub knn_accuracy_embedding: f64,
    /// k-NN accuracy of the representation.
    pub knn_accuracy_representation: f64,
    /// Collapse classification.
    pub collapse: Collapse,
}

/// Model, optimiser, data and history of one run.
pub struct Session {
    config: TrainingConfig,
    device: Device,
    dataset: Dataset,
    model: VicregModel,
    optimizer: ModuleOptimizer,
    /// Model and optimiser before the latest update, restored when the next loss is not finite.
    previous: Option<(VicregModel, ModuleOptimizer)>,
    augmenter: Augmenter,
    rng: StdRng,
    step: usize,
    history: Vec<StepRecord>,
    metrics_history: Vec<MetricsPoint>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Session")
            .field("config", &self.config)
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Creates a session on `device` (autodiff is added if missing).
    pub fn new(config: TrainingConfig, device: &Device) -> Result<Self, TrainError> {
        config.validate()?;
        let dataset = Dataset::load(config.dataset, config.seed)?;
        if config.batch_size > dataset.train.len() {
            let available = dataset.train.len();
            return Err(ConfigError::BatchTooLarge { batch_size: config.batch_size, available }.into());
        }

        let device = device.clone().autodiff();
        let mut rng = StdRng::seed_from_u64(config.seed);
        let model = config.model().init(&device, &mut rng);
        log::info!(
            "new session: {} on {:?}, seed {}, loss {:?}",
            config.dataset.name(),
            device,
            config.seed,
            config.loss
        );
        Ok(Self {
            optimizer: init_optimizer(&config),
            augmenter: Augmenter::new(config.dataset, config.augmentation_strength),
            previous: None,
            config,
            device,
            dataset,
            model,
            rng,
            step: 0,
            history: Vec::new(),
            metrics_history: Vec::new(),
        })
    }

    /// Returns the configuration in use.
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// Returns the dataset with its splits.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// Returns the device the session trains on (with autodiff).
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Returns the number of steps taken.
    pub fn step_count(&self) -> usize {
        self.step
    }

    /// Returns the loss of every step taken.
    pub fn history(&self) -> &[StepRecord] {
        &self.history
    }

    /// Returns the headline metrics of every snapshot taken.
    pub fn metrics_history(&self) -> &[MetricsPoint] {
        &self.metrics_history
    }

    /// Applies a new configuration. Live settings take effect from the next step; a change of
    /// dataset, widths, optimiser or seed resets the session. An invalid configuration changes
    /// nothing.
    pub fn apply(&mut self, config: TrainingConfig) -> Result<Applied, TrainError> {
        config.validate()?;
        if self.config.needs_reset(&config) {
            *self = Session::new(config, &self.device)?;
            return Ok(Applied::Reset);
        }
        if config.batch_size > self.dataset.train.len() {
            let available = self.dataset.train.len();
            return Err(ConfigError::BatchTooLarge { batch_size: config.batch_size, available }.into());
        }
        if config.loss != self.config.loss || config.learning_rate != self.config.learning_rate {
            log::info!("live change: loss {:?}, learning rate {}", config.loss, config.learning_rate);
        }
        self.augmenter = Augmenter::new(config.dataset, config.augmentation_strength);
        self.config = config;
        Ok(Applied::Live)
    }

    /// Sets the loss weights, γ, ε and convention without a reset.
    pub fn set_loss(&mut self, loss: VicregLossConfig) -> Result<(), TrainError> {
        let config = self.config.clone().with_loss(loss);
        self.apply(config).map(|_| ())
    }

    /// Sets the learning rate without a reset.
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<(), TrainError> {
        let config = self.config.clone().with_learning_rate(learning_rate);
        self.apply(config).map(|_| ())
    }

    /// Starts again from fresh weights drawn from the configured seed, with empty history.
    pub fn reset(&mut self) -> Result<(), TrainError> {
        *self = Session::new(self.config.clone(), &self.device)?;
        Ok(())
    }

    /// Starts again from fresh weights drawn from `seed`.
    pub fn reseed(&mut self, seed: u64) -> Result<(), TrainError> {
        *self = Session::new(self.config.clone().with_seed(seed), &self.device)?;
        Ok(())
    }

    /// Returns two augmented views of the first `count` training samples, for display. Uses a
    /// separate generator, so it does not change the run.
    pub fn preview_views(&self, count: usize) -> (Samples, Vec<f32>, Vec<f32>) {
        let train = &self.dataset.train;
        let indices: Vec<usize> = (0..count.min(train.len())).collect();
        let mut rng = StdRng::seed_from_u64(self.config.seed ^ self.step as u64);
        let (view_a, view_b) = self.augmenter.two_views(train, &indices, &mut rng);
        let originals = Samples {
            inputs: indices.iter().flat_map(|&i| train.row(i).to_vec()).collect(),
            labels: indices.iter().map(|&i| train.labels[i]).collect(),
            dim: train.dim,
        };
        (originals, view_a, view_b)
    }

    /// Trains on one batch: two views, forward, loss, readback, backward and update.
    ///
    /// A non-finite loss leaves this step's weights untouched, restores the weights and optimiser
    /// state from before the previous update (which produced them) and returns
    /// [`LossError::NonFinite`].
    pub async fn step(&mut self) -> Result<StepRecord, TrainError> {
        // Sample a batch and make two views of it.
        let batch_size = self.config.batch_size;
        let dim = self.dataset.train.dim;
        // A rejected step gives its batch back, so the next step draws the same one. Two sessions
        // of a comparison thus keep drawing equal batches after one of them fails.
        let rng_before = self.rng.clone();
        let indices = rand::seq::index::sample(&mut self.rng, self.dataset.train.len(), batch_size);
        let (view_a, view_b) =
            self.augmenter.two_views(&self.dataset.train, &indices.into_vec(), &mut self.rng);
        let input_a = Tensor::<2>::from_data(TensorData::new(view_a, [batch_size, dim]), &self.device);
        let input_b = Tensor::<2>::from_data(TensorData::new(view_b, [batch_size, dim]), &self.device);

        // Forward both views and compute the loss.
        let output = self.config.loss.forward(self.model.forward(input_a), self.model.forward(input_b))?;
        let terms = match output.read().await {
            Ok(terms) => terms,
            Err(error) => {
                if let Some((model, optimizer)) = self.previous.take() {
                    self.model = model;
                    self.optimizer = optimizer;
                }
                self.rng = rng_before;
                log::warn!("step {} rejected: {error}", self.step + 1);
                return Err(error.into());
            }
        };

        // Backward and update.
        let gradients = GradientsParams::from_grads(output.total.backward(), &self.model);
        self.previous = Some((self.model.clone(), self.optimizer.clone()));
        self.model = self.optimizer.step(self.config.learning_rate, self.model.clone(), gradients);

        self.step += 1;
        let record = StepRecord { step: self.step, terms };
        self.history.push(record.clone());
        Ok(record)
    }

    /// Computes the embeddings of `inputs` without autodiff.
    ///
    /// # Shapes
    ///
    /// - returned tensors: `([len, representation_dim], [len, embedding_dim])`
    pub fn embed(&self, inputs: &Samples) -> (Tensor<2>, Tensor<2>) {
        let device = self.device.clone().inner();
        let model = self.model.valid();
        let input = Tensor::<2>::from_data(
            TensorData::new(inputs.inputs.clone(), [inputs.len(), inputs.dim]),
            &device,
        );
        model.forward_both(input)
    }

    /// Computes every metric on the eval split, with the train split as the k-NN reference, and
    /// records its headline numbers.
    pub async fn metrics(&mut self) -> Result<MetricsSnapshot, TrainError> {
        let eval = read_outputs(self.embed(&self.dataset.eval), &self.dataset.eval.labels).await?;
        let train = read_outputs(self.embed(&self.dataset.train), &self.dataset.train.labels).await?;
        let snapshot = MetricsSnapshot::compute(self.step, &eval, &train, self.config.loss.gamma);
        self.metrics_history.push(MetricsPoint {
            step: snapshot.step,
            effective_rank: snapshot.effective_rank,
            mean_std: snapshot.mean_std,
            mean_abs_correlation: snapshot.mean_abs_correlation,
            mean_cosine_similarity: snapshot.mean_cosine_similarity,
            knn_accuracy_embedding: snapshot.knn_accuracy_embedding,
            knn_accuracy_representation: snapshot.knn_accuracy_representation,
            collapse: snapshot.collapse,
        });
        Ok(snapshot)
    }
}

fn init_optimizer(config: &TrainingConfig) -> ModuleOptimizer {
    match config.optimizer {
        OptimizerKind::Adam => AdamConfig::new().init(),
        OptimizerKind::Sgd => SgdConfig::new()
            .with_momentum(Some(MomentumConfig::new().with_momentum(config.momentum).with_dampening(0.0)))
            .init(),
    }
}

/// Reads a tensor back to the host as row-major `f32` values.
pub async fn read_values(tensor: Tensor<2>) -> Result<Vec<f32>, TrainError> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|error| TrainError::Readback(format!("{error:?}")))?;
    data.try_to_vec().map_err(|error| TrainError::Readback(format!("{error:?}")))
}

async fn read_outputs(
    (representation, embedding): (Tensor<2>, Tensor<2>),
    labels: &[u8],
) -> Result<Outputs, TrainError> {
    let [rows, representation_dim] = representation.dims();
    let [_, embedding_dim] = embedding.dims();
    let representation = read_values(representation).await?;
    let embedding = read_values(embedding).await?;
    Ok(Outputs {
        representation: matrix_from_rows(&representation, rows, representation_dim),
        embedding: matrix_from_rows(&embedding, rows, embedding_dim),
        labels: labels.to_vec(),
    })
}
