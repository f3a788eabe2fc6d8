//! Compare mode in the training loop. The page's session is run B, with every setting the
//! controls show, and run A is a second session that differs only in its loss weights. The
//! engine's [`Comparison`] creates the pair, so both start from the same weights and draw the
//! same batches and views. The loop then steps A right after B.

use leptos::logging;
use leptos::prelude::*;

use crate::engine::compare::{Comparison, ComparisonSummary};
use crate::engine::{LossError, Preset, Session, TrainError, TrainingConfig};

use super::Runner;
use crate::app::compare::{Dirty, draw_compare};
use crate::app::transport::preset_label;

impl Runner {
    /// Starts compare mode with run A's weights from `preset`, restarting both runs at step 0.
    pub(super) fn start_compare(&mut self, preset: Preset) {
        let config = self.session.config().clone();
        let loss_a = preset.weights_on(&config.loss);
        let loss_b = config.loss.clone();
        match Comparison::new(config, loss_a, loss_b, self.session.device()) {
            Ok(comparison) => {
                let (a, b) = comparison.into_sessions();
                self.session = b;
                self.reference = Some(a);
                self.state.compare.set(Some(preset));
                self.restarted(format!(
                    "Compare mode: A is {}, B has the settings on the left. Both restarted from \
                     step 0 with the same weights, batches and views.",
                    preset_label(preset)
                ));
            }
            Err(error) => {
                logging::error!("starting compare mode failed: {error}");
                self.state.compare.set(None);
                self.show_error(format!("Compare mode could not start: {error}"));
            }
        }
    }

    /// Leaves compare mode; run B goes on alone.
    pub(super) fn stop_compare(&mut self) {
        if self.reference.take().is_some() {
            let step = self.session.step_count();
            self.state.status.set(format!(
                "Compare mode off: training goes on without run A from step {step}."
            ));
        }
        self.reference_snapshot = None;
        self.state.compare.set(None);
        self.state.comparison.set(None);
    }

    /// Checks that runs A and B are still comparable: the same step count and no failed step
    /// since the last restart.
    pub(super) fn check_lockstep(&self) -> Result<(), String> {
        let Some(reference) = &self.reference else {
            return Ok(());
        };
        let (a, b) = (reference.step_count(), self.session.step_count());
        if a == b && !self.compare_failed {
            return Ok(());
        }
        Err(format!(
            "Runs A and B are out of step (A at step {a}, B at step {b}) after a failed step, \
             which rolled one run's weights back. Press Reset to compare them again from step 0."
        ))
    }

    /// Trains run A one step, after run B's. On failure it pauses and names run A; a failure
    /// other than a non-finite loss is handled as a failed device.
    pub(super) async fn step_reference(&mut self) -> bool {
        let Some(reference) = self.reference.as_mut() else {
            return true;
        };
        let error = match reference.step().await {
            Ok(_) => {
                self.loss_dirty = true;
                return true;
            }
            Err(error) => error,
        };
        logging::warn!("run A failed: {error}");
        self.compare_failed = true;
        self.state.playing.set(false);
        self.was_playing = false;
        if !matches!(error, TrainError::Loss(LossError::NonFinite { .. })) {
            self.device_failed(error);
            return false;
        }
        let step = self.session.step_count();
        self.state
            .status
            .set(format!("Paused at step {step}: run A's loss is not finite."));
        self.show_error(format!(
            "Run A: {error}. Run B is one step ahead; press Reset to compare again."
        ));
        false
    }

    /// Computes run A's snapshot and the summary of where A and B differ.
    pub(super) async fn update_reference_metrics(&mut self) {
        let Some(reference) = self.reference.as_mut() else {
            return;
        };
        match reference.metrics().await {
            Ok(snapshot) => {
                let summary = self
                    .snapshot
                    .as_ref()
                    .map(|b| ComparisonSummary::new(&snapshot, b));
                self.state.comparison.set(summary);
                self.reference_snapshot = Some(snapshot);
            }
            Err(error) => {
                logging::error!("run A's metrics failed: {error}");
                self.show_error(format!("Run A's metrics failed: {error}"));
            }
        }
    }

    /// Applies `config` to run A with the λ, μ and ν of A's preset.
    pub(super) fn apply_reference(&mut self, config: &TrainingConfig) {
        let Some(reference) = self.reference.as_mut() else {
            return;
        };
        let Some(preset) = self.state.compare.get_untracked() else {
            return;
        };
        // Run A keeps its preset's λ, μ and ν and shares γ, ε and the convention with B.
        let loss = preset.weights_on(&config.loss);
        if let Err(error) = reference.apply(config.clone().with_loss(loss)) {
            logging::error!("run A rejected the change: {error}");
            self.show_error(format!(
                "Run A rejected the change ({error}); compare mode is off."
            ));
            self.stop_compare();
        }
    }

    /// Recreates run A from step 0 on the page session's device, as after a reset or a move to
    /// the CPU.
    pub(super) fn restart_reference(&mut self) {
        let (Some(_), Some(preset)) = (&self.reference, self.state.compare.get_untracked()) else {
            return;
        };
        let shared = self.session.config().clone();
        let config = shared.clone().with_loss(preset.weights_on(&shared.loss));
        match Session::new(config, self.session.device()) {
            Ok(session) => {
                self.reference = Some(session);
                self.reference_snapshot = None;
                self.state.comparison.set(None);
            }
            Err(error) => {
                logging::error!("restarting run A failed: {error}");
                self.show_error(format!(
                    "Restarting run A failed ({error}); compare mode is off."
                ));
                self.stop_compare();
            }
        }
    }

    /// Redraws the charts of both runs whose data changed, while compare mode is on.
    pub(super) fn draw_reference(&mut self) {
        if let Some(reference) = &self.reference {
            let dirty = Dirty {
                loss: self.loss_dirty,
                metrics: self.metrics_dirty,
            };
            draw_compare(
                &mut self.charts,
                [reference, &self.session],
                [self.reference_snapshot.as_ref(), self.snapshot.as_ref()],
                dirty,
            );
        }
    }
}
