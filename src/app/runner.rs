//! The training loop: it owns the session, handles the controls' commands between animation
//! frames, trains a few steps per frame while playing and redraws the charts at most once per
//! frame.

use leptos::logging;
use leptos::prelude::*;

use crate::engine::session::Applied;
use burn::prelude::Device;

use crate::engine::{MetricsSnapshot, Session, TrainingConfig};

use super::backend::{self, BackendKind};
use super::bench;
use super::export;
use super::charts::Charts;
use super::frame::{next_frame, now_ms, sleep};
use super::state::{self, AppState, BackendStatus, Command, Field};
use super::url::{BackendRequest, UrlOptions};
use super::views::draw_views;

mod compare;
mod steps;

/// Largest accepted number of training steps per animation frame.
pub const MAX_STEPS_PER_FRAME: u32 = 50;

/// The session and everything the loop remembers between frames.
pub struct Runner {
    state: AppState,
    session: Session,
    backend: BackendKind,
    /// Whether `?backend=webgpu` forbids falling back to the CPU.
    webgpu_required: bool,
    /// Whether WebGPU work has finished once, so its shaders are compiled.
    gpu_warm: bool,
    snapshot: Option<MetricsSnapshot>,
    /// Run A of compare mode, which differs from the session only in its loss weights.
    reference: Option<Session>,
    /// Run A's latest snapshot.
    reference_snapshot: Option<MetricsSnapshot>,
    /// Whether a step of run A or B failed in compare mode since the last restart. A failed
    /// step rolls that run's weights back, so the two are no longer comparable.
    compare_failed: bool,
    charts: Charts,
    loss_dirty: bool,
    metrics_dirty: bool,
    /// Whether the session changed so that the shown snapshot is gone and a new one is due.
    metrics_stale: bool,
    /// Whether the error shown came from training, so a later good step may clear it.
    error_from_training: bool,
    was_playing: bool,
}

/// Chooses the device, creates the session and runs the loop until the page closes.
pub async fn run(state: AppState, options: UrlOptions) {
    if !options.problems.is_empty() {
        let message = options.problems.join("\n");
        logging::warn!("URL switches: {message}");
        state.error.set(Some(message));
    }

    state.status.set("Choosing a backend…".to_string());
    let choice = match backend::choose(options.backend).await {
        Ok(choice) => choice,
        Err(error) => {
            let reason = error.to_string();
            state.backend.set(Some(BackendStatus {
                kind: None,
                reason,
                webgpu_may_work: false,
            }));
            state
                .status
                .set("No session: WebGPU is unavailable.".to_string());
            state.error.set(Some(format!(
                "?backend=webgpu requires WebGPU, but {error}. Remove the switch or use \
                 ?backend=cpu to train on the CPU."
            )));
            return;
        }
    };

    let Some(session) = create_session(state, &choice.device) else {
        return;
    };

    let mut runner = Runner {
        state,
        session,
        backend: choice.kind,
        webgpu_required: options.backend == BackendRequest::WebGpu,
        gpu_warm: false,
        snapshot: None,
        reference: None,
        reference_snapshot: None,
        compare_failed: false,
        charts: Charts::default(),
        loss_dirty: true,
        metrics_dirty: true,
        metrics_stale: false,
        error_from_training: false,
        was_playing: false,
    };
    runner.show_backend(choice);
    runner.show_session();
    if let (Some(preset), false) = (options.compare, options.bench) {
        runner.start_compare(preset);
    }
    state.ready.set(true);
    mark_body_ready();

    if options.bench {
        bench::run(&mut runner, options.bench_steps).await;
    } else {
        state.status.set(format!(
            "Ready on {}: press Play or Step.",
            runner.backend.label()
        ));
        runner.update_metrics().await;
    }
    runner.event_loop().await;
}

/// Creates the session from the shown configuration. When the URL's settings cannot start a
/// session, for example a batch larger than the training split, it shows why and starts from
/// the default configuration instead.
fn create_session(state: AppState, device: &Device) -> Option<Session> {
    let config = state.config.get_untracked();
    let error = match Session::new(config, device) {
        Ok(session) => return Some(session),
        Err(error) => error,
    };
    logging::error!("creating the session failed: {error}");
    let message = format!("The settings could not start a session ({error}); using the defaults.");
    state.error.update(|shown| {
        *shown = Some(match shown.take() {
            Some(previous) => format!("{previous}\n{message}"),
            None => message,
        })
    });
    match Session::new(TrainingConfig::default(), device) {
        Ok(session) => Some(session),
        Err(error) => {
            logging::error!("creating the default session failed: {error}");
            state
                .status
                .set("No session: creating it failed.".to_string());
            state.error.set(Some(error.to_string()));
            None
        }
    }
}

/// Sets `data-ready="true"` on `<body>`, for scripts that wait until the page is interactive.
fn mark_body_ready() {
    let body = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body());
    if let Some(body) = body {
        let _ = body.set_attribute("data-ready", "true");
    }
}

impl Runner {
    /// Returns the page's state.
    pub fn state(&self) -> AppState {
        self.state
    }

    /// Returns the backend training runs on.
    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// Handles commands and trains, one animation frame at a time, forever.
    async fn event_loop(&mut self) {
        loop {
            next_frame().await;
            let frame_start = now_ms();
            for command in state::take_commands() {
                self.handle(command).await;
            }
            if self.metrics_stale {
                self.update_metrics().await;
            }

            let playing = self.state.playing.get_untracked();
            if playing && !self.was_playing {
                self.state
                    .status
                    .set(format!("Training on {}…", self.backend.label()));
            }
            if !playing && self.was_playing {
                self.state
                    .status
                    .set(format!("Paused at step {}.", self.session.step_count()));
                self.update_metrics_if_stale().await;
            }
            self.was_playing = playing;

            if playing {
                self.train_frame().await;
                self.redraw();
                self.record_frame_time(now_ms() - frame_start);
                let delay = self.state.frame_delay_ms.get_untracked();
                if delay > 0 {
                    sleep(delay).await;
                }
            } else {
                self.redraw();
            }
        }
    }

    /// Trains the steps of one frame and computes metrics when they are due.
    async fn train_frame(&mut self) {
        let steps = self
            .state
            .steps_per_frame
            .get_untracked()
            .clamp(1, MAX_STEPS_PER_FRAME);
        for _ in 0..steps {
            if !self.step_once().await {
                return;
            }
        }
        let every = self.state.metrics_every.get_untracked().max(1) as usize;
        let last = self.snapshot.as_ref().map_or(0, |snapshot| snapshot.step);
        if self.session.step_count() >= last + every {
            self.update_metrics().await;
        }
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::Apply { config, field } => self.apply(config, field),
            Command::Step => {
                self.state.playing.set(false);
                self.was_playing = false;
                if self.step_once().await {
                    self.state
                        .status
                        .set(format!("Paused at step {}.", self.session.step_count()));
                    // Draw the new loss first, because the metrics that follow take a while,
                    // longest on WebGPU.
                    self.redraw();
                    next_frame().await;
                    self.update_metrics().await;
                }
            }
            Command::Reset => match self.session.reset() {
                Ok(()) => {
                    self.restart_reference();
                    self.state.field_errors.set(Vec::new());
                    let seed = self.session.config().seed;
                    self.restarted(format!("Reset: fresh weights from seed {seed}, step 0."));
                }
                Err(error) => self.show_error(error.to_string()),
            },
            Command::UseCpu => {
                if self.backend == BackendKind::Cpu {
                    return;
                }
                let reason = "switched with the Use CPU button; training restarted from step 0";
                self.move_to_cpu(reason.to_string(), true);
            }
            Command::Redraw => {
                self.loss_dirty = true;
                self.metrics_dirty = true;
            }
            Command::Compare(Some(preset)) => self.start_compare(preset),
            Command::Compare(None) => self.stop_compare(),
            Command::Export(kind) => {
                let show_covariance = self.state.show_covariance.get_untracked();
                let reference = self
                    .reference
                    .as_ref()
                    .map(|reference| (reference, self.reference_snapshot.as_ref()));
                let exported = export::export(
                    kind,
                    &self.session,
                    self.snapshot.as_ref(),
                    show_covariance,
                    reference,
                );
                if let Err(message) = exported {
                    self.show_error(message);
                }
            }
        }
    }

    fn apply(&mut self, config: TrainingConfig, field: Field) {
        let gamma_before = self.session.config().loss.gamma;
        let loss_before = self.session.config().loss.clone();
        let applied = self.session.apply(config.clone());
        if applied.is_ok() {
            self.apply_reference(&config);
        }
        match applied {
            Ok(Applied::Live) => {
                logging::log!("live change of {}", field.label());
                if self.session.config().loss != loss_before {
                    // The latest terms came from the old weights, so the formula waits for the
                    // next step instead of mixing the two.
                    self.state.last_terms.set(None);
                }
                self.loss_dirty = true;
                if self.session.config().loss.gamma != gamma_before {
                    self.metrics_dirty = true;
                }
                if field == Field::Augmentation {
                    draw_views(&self.session);
                }
                let step = self.session.step_count();
                self.state.status.set(format!(
                    "Changed {} live: training goes on from step {step}.",
                    field.label()
                ));
            }
            Ok(Applied::Reset) => {
                logging::log!("reset by a change of {}", field.label());
                let message = format!(
                    "Changed {}: this needs a new model, so training restarted from step 0.",
                    field.label()
                );
                self.restarted(message);
            }
            Err(error) => {
                self.state.set_field_error(field, error.to_string());
                self.state.config.set(self.session.config().clone());
            }
        }
    }

    /// Redraws the charts whose data changed since the last redraw.
    pub fn redraw(&mut self) {
        self.draw_reference();
        if self.loss_dirty {
            self.charts.draw_loss(&self.session);
            self.loss_dirty = false;
        }
        if self.metrics_dirty {
            let show_covariance = self.state.show_covariance.get_untracked();
            self.charts
                .draw_metrics(&self.session, self.snapshot.as_ref(), show_covariance);
            draw_views(&self.session);
            self.metrics_dirty = false;
        }
    }

    fn record_frame_time(&self, milliseconds: f64) {
        let longest = self
            .state
            .timing
            .with_untracked(|timing| timing.longest_frame_ms);
        if longest.is_none_or(|longest| milliseconds > longest) {
            self.state
                .timing
                .update(|timing| timing.longest_frame_ms = Some(milliseconds));
        }
    }
}
