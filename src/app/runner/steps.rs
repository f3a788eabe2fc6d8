//! Training steps, metrics snapshots and what happens when either fails: a non-finite loss
//! pauses training, and a failed WebGPU device moves it to the CPU.

use leptos::logging;
use leptos::prelude::*;

use crate::engine::session::StepRecord;
use crate::engine::{LossError, Session, TrainError};

use super::Runner;
use crate::app::backend::{BackendChoice, BackendKind};
use crate::app::frame::{next_frame, now_ms};
use crate::app::state::{BackendStatus, MetricsSummary};
use crate::app::views::draw_views;

impl Runner {
    /// Trains one step and shows its loss. On failure it pauses, shows the error and returns
    /// false; a failed WebGPU device moves training to the CPU unless WebGPU is required.
    pub async fn step_once(&mut self) -> bool {
        if let Err(message) = self.check_lockstep() {
            self.state.playing.set(false);
            self.was_playing = false;
            self.show_error(message);
            return false;
        }
        match self.try_step().await {
            Ok(_) => self.step_reference().await,
            Err(error) => {
                self.step_failed(error);
                false
            }
        }
    }

    /// Trains one step and shows its loss, leaving errors to the caller.
    pub async fn try_step(&mut self) -> Result<StepRecord, TrainError> {
        self.announce_compiling().await;
        let started = now_ms();
        let record = self.session.step().await?;
        let finished = now_ms();
        self.warmed_up();

        let timing = self.state.timing.get_untracked();
        if timing.first_step_ms.is_none() {
            let duration = finished - started;
            logging::log!(
                "first step took {duration:.0} ms on {}",
                self.backend.label()
            );
            self.state.timing.update(|timing| {
                timing.first_step_ms = Some(finished);
                timing.first_step_duration_ms = Some(duration);
            });
        }
        if record.step == 1 {
            self.state.first_loss.set(Some(record.terms.total));
        }
        self.state.last_loss.set(Some(record.terms.total));
        self.state.last_terms.set(Some(record.terms.clone()));
        self.state.step.set(record.step);
        if self.error_from_training {
            self.state.error.set(None);
            self.error_from_training = false;
        }
        self.loss_dirty = true;
        Ok(record)
    }

    pub(super) fn step_failed(&mut self, error: TrainError) {
        self.state.playing.set(false);
        self.was_playing = false;
        if self.reference.is_some() {
            self.compare_failed = true;
        }
        let step = self.session.step_count();
        if let TrainError::Loss(LossError::NonFinite { .. }) = error {
            logging::warn!("paused at step {step}: {error}");
            self.state
                .status
                .set(format!("Paused at step {step}: the loss is not finite."));
            self.show_error(error.to_string());
            return;
        }
        self.device_failed(error);
    }

    /// Computes a metrics snapshot, unless the latest one is of the current step.
    pub(super) async fn update_metrics_if_stale(&mut self) {
        let current = self.snapshot.as_ref().map(|snapshot| snapshot.step);
        if current != Some(self.session.step_count()) {
            self.update_metrics().await;
        }
    }

    /// Computes a metrics snapshot and shows its numbers; the charts follow at the next redraw.
    pub async fn update_metrics(&mut self) {
        self.announce_compiling().await;
        let snapshot = match self.session.metrics().await {
            Ok(snapshot) => snapshot,
            Err(error) => {
                self.metrics_stale = false;
                self.state.playing.set(false);
                self.device_failed(error);
                return;
            }
        };
        self.warmed_up();
        self.state.metrics.set(Some(MetricsSummary {
            step: snapshot.step,
            collapse: snapshot.collapse,
            effective_rank: snapshot.effective_rank,
            mean_std: snapshot.mean_std,
            knn_accuracy_embedding: snapshot.knn_accuracy_embedding,
            knn_accuracy_representation: snapshot.knn_accuracy_representation,
        }));
        self.snapshot = Some(snapshot);
        self.metrics_dirty = true;
        self.metrics_stale = false;
        self.update_reference_metrics().await;
    }

    /// Handles a failure that is not a non-finite loss. On WebGPU it is taken as a failed or
    /// lost device: training moves to the CPU, or stops when `?backend=webgpu` requires WebGPU.
    // A destroyed device takes this path in headless Chromium (tests/browser.rs): cubecl-wgpu
    // 0.11 fails the next readback with an error instead of panicking.
    pub(super) fn device_failed(&mut self, error: TrainError) {
        logging::error!("training failed on {}: {error}", self.backend.label());
        if self.backend == BackendKind::WebGpu && !self.webgpu_required {
            self.show_error(format!(
                "The WebGPU device failed ({error}). Training moved to the CPU and restarted from \
                 step 0."
            ));
            self.move_to_cpu(format!("WebGPU failed: {error}"), false);
            return;
        }
        self.state
            .status
            .set(format!("Paused at step {}.", self.session.step_count()));
        self.show_error(error.to_string());
    }

    /// Replaces the session by one on the CPU with the same configuration.
    pub(super) fn move_to_cpu(&mut self, reason: String, webgpu_may_work: bool) {
        let choice = BackendChoice::cpu(reason, webgpu_may_work);
        match Session::new(self.session.config().clone(), &choice.device) {
            Ok(session) => {
                logging::log!("backend: CPU, {}", choice.reason);
                self.session = session;
                self.restart_reference();
                self.show_backend(choice);
                self.restarted("Training moved to the CPU and restarted from step 0.".to_string());
            }
            Err(error) => {
                logging::error!("creating the CPU session failed: {error}");
                self.show_error(format!("Creating the CPU session failed: {error}"));
            }
        }
    }

    /// Shows a session that starts at step 0; its first snapshot follows in the next frame.
    pub(super) fn restarted(&mut self, status: String) {
        self.snapshot = None;
        self.compare_failed = false;
        self.reference_snapshot = None;
        self.state.comparison.set(None);
        self.show_session();
        self.state.status.set(status);
        self.metrics_stale = true;
    }

    /// Shows the session's configuration, split size, step and the views of its samples, and
    /// clears the numbers of the previous session.
    pub(super) fn show_session(&mut self) {
        self.state.config.set(self.session.config().clone());
        self.state.train_len.set(self.session.dataset().train.len());
        self.state.step.set(self.session.step_count());
        self.state.first_loss.set(None);
        self.state.last_loss.set(None);
        self.state.last_terms.set(None);
        self.state.metrics.set(None);
        self.loss_dirty = true;
        self.metrics_dirty = true;
        draw_views(&self.session);
    }

    pub(super) fn show_backend(&mut self, choice: BackendChoice) {
        let BackendChoice {
            kind,
            reason,
            webgpu_may_work,
            ..
        } = choice;
        self.backend = kind;
        self.gpu_warm = kind != BackendKind::WebGpu;
        self.state.compiling.set(false);
        self.state.backend.set(Some(BackendStatus {
            kind: Some(kind),
            reason,
            webgpu_may_work,
        }));
    }

    pub(super) fn show_error(&mut self, message: String) {
        self.state.error.set(Some(message));
        self.error_from_training = true;
    }

    /// Before the first WebGPU work, shows that shaders are compiling and lets the browser paint
    /// that, because compiling blocks the page's thread.
    pub(super) async fn announce_compiling(&mut self) {
        if self.gpu_warm || self.state.compiling.get_untracked() {
            return;
        }
        logging::log!("first WebGPU work: compiling shaders");
        self.state.compiling.set(true);
        self.state
            .status
            .set("Compiling shaders… the first WebGPU step can take a while.".to_string());
        next_frame().await;
    }

    pub(super) fn warmed_up(&mut self) {
        if !self.gpu_warm {
            self.gpu_warm = true;
            self.state.compiling.set(false);
            let verb = if self.state.playing.get_untracked() {
                "Training"
            } else {
                "Ready"
            };
            self.state
                .status
                .set(format!("{verb} on WebGPU: shaders compiled."));
        }
    }
}
