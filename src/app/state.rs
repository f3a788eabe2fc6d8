//! The page's reactive state and the command queue from the controls to the training loop.
//!
//! The training loop owns the [`Session`](crate::engine::Session) outright, so no handler ever
//! borrows it while a step is awaiting a readback. Controls send [`Command`]s, and the loop
//! drains them between animation frames and writes what the page shows into [`AppState`].

use std::cell::RefCell;
use std::collections::VecDeque;

use leptos::prelude::*;

use crate::engine::session::ConfigError;
use crate::engine::compare::ComparisonSummary;
use crate::engine::{Collapse, Dataset, LossTerms, Preset, TrainingConfig};

use super::backend::BackendKind;
use super::export::ExportKind;

/// A control whose input can be rejected, so that its error is shown next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Weight λ of the invariance term and its checkbox.
    Invariance,
    /// Weight μ of the variance term and its checkbox.
    Variance,
    /// Weight ν of the covariance term and its checkbox.
    Covariance,
    /// Variance target γ.
    Gamma,
    /// Variance epsilon ε.
    Epsilon,
    /// Convention of the loss.
    Convention,
    /// The preset buttons.
    Preset,
    /// Learning rate.
    LearningRate,
    /// Samples per batch.
    BatchSize,
    /// Augmentation strength.
    Augmentation,
    /// Embedding dimension, the last expander width.
    EmbeddingDim,
    /// Encoder widths.
    EncoderWidths,
    /// Expander widths.
    ExpanderWidths,
    /// Dataset.
    Dataset,
    /// Seed.
    Seed,
    /// Optimiser.
    Optimizer,
    /// SGD momentum.
    Momentum,
    /// A configuration file read by the import button.
    Import,
}

impl Field {
    /// Returns the words used for this control in status messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::Invariance => "λ",
            Field::Variance => "μ",
            Field::Covariance => "ν",
            Field::Gamma => "γ",
            Field::Epsilon => "ε",
            Field::Convention => "convention",
            Field::Preset => "preset",
            Field::LearningRate => "learning rate",
            Field::BatchSize => "batch size",
            Field::Augmentation => "augmentation strength",
            Field::EmbeddingDim => "embedding dimension",
            Field::EncoderWidths => "encoder widths",
            Field::ExpanderWidths => "expander widths",
            Field::Dataset => "dataset",
            Field::Seed => "seed",
            Field::Optimizer => "optimizer",
            Field::Momentum => "momentum",
            Field::Import => "imported configuration",
        }
    }
}

/// A request from the controls to the training loop.
#[derive(Clone, Debug)]
pub enum Command {
    /// Apply a configuration that passed `validate()`; `field` is the control that changed it.
    Apply {
        /// The new configuration.
        config: TrainingConfig,
        /// The control whose change produced it.
        field: Field,
    },
    /// Pause if needed and train one step.
    Step,
    /// Start again from fresh weights with the current configuration.
    Reset,
    /// Move training to the CPU device, starting again with the current configuration.
    UseCpu,
    /// Redraw every chart, for example after a resize or a changed chart option.
    Redraw,
    /// Turn compare mode on with run A's loss weights from the preset, or off with `None`.
    /// Turning it on, or choosing another preset for A, restarts both runs from step 0.
    Compare(Option<Preset>),
    /// Save a file built from the session, such as a plot as SVG or the metrics history.
    Export(ExportKind),
}

thread_local! {
    /// Commands not yet handled. WebAssembly in the browser runs on one thread, so a
    /// thread-local queue is shared by every handler and the training loop.
    static COMMANDS: RefCell<VecDeque<Command>> = const { RefCell::new(VecDeque::new()) };
}

/// Queues `command` for the training loop, which handles it before its next frame of work.
pub fn send(command: Command) {
    COMMANDS.with(|queue| queue.borrow_mut().push_back(command));
}

/// Removes and returns every queued command, oldest first.
pub fn take_commands() -> Vec<Command> {
    COMMANDS.with(|queue| queue.borrow_mut().drain(..).collect())
}

/// The backend in use and why it was chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendStatus {
    /// WebGPU or CPU, or `None` when the requested backend is unavailable and nothing runs.
    pub kind: Option<BackendKind>,
    /// Reason this backend runs, for example "navigator.gpu missing", or that none does.
    pub reason: String,
    /// Whether reloading with WebGPU may work, so the page offers it.
    pub webgpu_may_work: bool,
}

/// Headline numbers of the latest metrics snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsSummary {
    /// Steps taken when the snapshot was computed.
    pub step: usize,
    /// Collapse classification.
    pub collapse: Collapse,
    /// RankMe effective rank of the eval embedding.
    pub effective_rank: f64,
    /// Mean per-dimension std of the eval embedding.
    pub mean_std: f64,
    /// Cosine k-NN accuracy of the embedding.
    pub knn_accuracy_embedding: f64,
    /// Cosine k-NN accuracy of the representation.
    pub knn_accuracy_representation: f64,
}

/// Timings of the page, in milliseconds from `performance.now()`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timing {
    /// Time from page load to the end of the first training step since load.
    pub first_step_ms: Option<f64>,
    /// Duration of that first step alone; on WebGPU it includes compiling the shaders.
    pub first_step_duration_ms: Option<f64>,
    /// Maximum time of one animation frame's work while training: steps, metrics and redraws.
    pub longest_frame_ms: Option<f64>,
}

/// Result of the `?bench=1` workload.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchReport {
    /// Backend the workload ran on.
    pub backend: BackendKind,
    /// Timed steps after the warm-up step.
    pub steps: usize,
    /// Timed steps divided by the summed duration of those steps.
    pub steps_per_second: f64,
    /// Time from page load to the end of the warm-up step.
    pub first_step_ms: f64,
    /// Maximum duration of one timed step. The benchmark runs one step per animation frame, so
    /// this is also its longest frame of work.
    pub longest_frame_ms: f64,
    /// Whether the workload has finished, successfully or not.
    pub done: bool,
    /// Error that stopped the workload early, if one did.
    pub error: Option<String>,
}

/// Every signal the page reads. Signals are `Copy` handles, so the struct is passed by value to
/// components and to the training loop.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The backend in use, once the choice is made.
    pub backend: RwSignal<Option<BackendStatus>>,
    /// One line on what the app is doing.
    pub status: RwSignal<String>,
    /// The latest error for the user, or `None`.
    pub error: RwSignal<Option<String>>,
    /// Whether a session exists and the controls work.
    pub ready: RwSignal<bool>,
    /// Whether training runs frame after frame.
    pub playing: RwSignal<bool>,
    /// Whether the first WebGPU work, which compiles the shaders, is running.
    pub compiling: RwSignal<bool>,
    /// The configuration the controls show: the session's, or a valid one not yet applied.
    pub config: RwSignal<TrainingConfig>,
    /// Samples in the training split, the upper limit of the batch size.
    pub train_len: RwSignal<usize>,
    /// The rejected input of each control that has one, with the reason.
    pub field_errors: RwSignal<Vec<(Field, String)>>,
    /// Training steps per animation frame, 1 to 50.
    pub steps_per_frame: RwSignal<u32>,
    /// Pause between frames of training, in milliseconds, for slow motion.
    pub frame_delay_ms: RwSignal<u32>,
    /// Steps between two metrics snapshots while playing.
    pub metrics_every: RwSignal<u32>,
    /// Whether the heatmap shows the covariance instead of the correlation.
    pub show_covariance: RwSignal<bool>,
    /// Steps taken by the session.
    pub step: RwSignal<usize>,
    /// Total loss of step 1 of the current session.
    pub first_loss: RwSignal<Option<f32>>,
    /// Total loss of the latest step.
    pub last_loss: RwSignal<Option<f32>>,
    /// Every term of the latest step's loss, for the formula with live values.
    pub last_terms: RwSignal<Option<LossTerms>>,
    /// Headline numbers of the latest metrics snapshot.
    pub metrics: RwSignal<Option<MetricsSummary>>,
    /// Page timings.
    pub timing: RwSignal<Timing>,
    /// Result of the benchmark, in `?bench=1` mode.
    pub bench: RwSignal<Option<BenchReport>>,
    /// Preset of run A while compare mode is on; the page's session is run B.
    pub compare: RwSignal<Option<Preset>>,
    /// Differences between runs A and B, from their latest snapshots.
    pub comparison: RwSignal<Option<ComparisonSummary>>,
    /// Large type for a projector.
    pub presenter: RwSignal<bool>,
    /// Whether the controls are hidden, for a stripped-down embedded page.
    pub controls_hidden: RwSignal<bool>,
}

impl AppState {
    /// Creates the signals with the page's initial values.
    pub fn new(config: TrainingConfig) -> Self {
        Self {
            backend: RwSignal::new(None),
            status: RwSignal::new("Loading…".to_string()),
            error: RwSignal::new(None),
            ready: RwSignal::new(false),
            playing: RwSignal::new(false),
            compiling: RwSignal::new(false),
            config: RwSignal::new(config),
            train_len: RwSignal::new(usize::MAX),
            field_errors: RwSignal::new(Vec::new()),
            steps_per_frame: RwSignal::new(1),
            frame_delay_ms: RwSignal::new(0),
            metrics_every: RwSignal::new(20),
            show_covariance: RwSignal::new(false),
            step: RwSignal::new(0),
            first_loss: RwSignal::new(None),
            last_loss: RwSignal::new(None),
            last_terms: RwSignal::new(None),
            metrics: RwSignal::new(None),
            timing: RwSignal::new(Timing::default()),
            bench: RwSignal::new(None),
            compare: RwSignal::new(None),
            comparison: RwSignal::new(None),
            presenter: RwSignal::new(false),
            controls_hidden: RwSignal::new(false),
        }
    }

    /// Starts or pauses training, once a session exists.
    pub fn toggle_play(self) {
        if self.ready.get_untracked() {
            self.playing.update(|playing| *playing = !*playing);
        }
    }

    /// Returns the error shown next to `field`, tracking it.
    pub fn field_error(self, field: Field) -> Option<String> {
        self.field_errors.with(|errors| {
            errors
                .iter()
                .find(|(key, _)| *key == field)
                .map(|(_, message)| message.clone())
        })
    }

    /// Shows `message` next to `field`, replacing its previous error.
    pub fn set_field_error(self, field: Field, message: String) {
        leptos::logging::warn!("rejected {}: {message}", field.label());
        self.field_errors.update(|errors| {
            errors.retain(|(key, _)| *key != field);
            errors.push((field, message));
        });
    }

    /// Removes the error next to `field`.
    pub fn clear_field_error(self, field: Field) {
        let has_error = self
            .field_errors
            .with_untracked(|errors| errors.iter().any(|(key, _)| *key == field));
        if has_error {
            self.field_errors
                .update(|errors| errors.retain(|(key, _)| *key != field));
        }
    }

    /// Validates `change` applied to the shown configuration and, if valid, shows it and sends it
    /// to the training loop. An invalid change keeps the configuration and the session, puts the
    /// message next to `field` and makes every control show the kept configuration again.
    pub fn change_config(
        self,
        field: Field,
        change: impl FnOnce(&mut TrainingConfig) -> Result<(), String>,
    ) {
        match self.checked_change(change) {
            Ok(candidate) => {
                self.clear_field_error(field);
                self.config.set(candidate.clone());
                send(Command::Apply {
                    config: candidate,
                    field,
                });
            }
            Err(message) => {
                self.set_field_error(field, message);
                // Notifying without a change resets inputs that still show the rejected value.
                self.config.update(|_| {});
            }
        }
    }

    /// Returns a callback that applies each value it receives with `set`, as a change of
    /// `field` through [`change_config`](Self::change_config).
    pub fn setter<T: 'static>(
        self,
        field: Field,
        set: fn(&mut TrainingConfig, T) -> Result<(), String>,
    ) -> Callback<T> {
        Callback::new(move |value: T| self.change_config(field, |config| set(config, value)))
    }

    fn checked_change(
        self,
        change: impl FnOnce(&mut TrainingConfig) -> Result<(), String>,
    ) -> Result<TrainingConfig, String> {
        let mut candidate = self.config.get_untracked();
        change(&mut candidate)?;
        candidate.validate().map_err(|error| error.to_string())?;
        let same_data = candidate.dataset == self.config.with_untracked(|config| config.dataset);
        let available = if same_data {
            self.train_len.get_untracked()
        } else {
            // A new dataset has its own training split; loading it takes milliseconds.
            Dataset::load(candidate.dataset, candidate.seed)
                .map_err(|error| error.to_string())?
                .train
                .len()
        };
        if candidate.batch_size > available {
            let error = ConfigError::BatchTooLarge {
                batch_size: candidate.batch_size,
                available,
            };
            return Err(error.to_string());
        }
        Ok(candidate)
    }
}
