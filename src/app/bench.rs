//! The `?bench=1` workload: one warm-up step, then timed steps, one per animation frame.

use leptos::logging;
use leptos::prelude::*;

use super::frame::{next_frame, now_ms};
use super::runner::Runner;
use super::state::{AppState, BenchReport};

/// Runs the benchmark on the runner's session, which starts from
/// [`TrainingConfig::bench`](crate::engine::TrainingConfig::bench), and writes the report into
/// the page. The steps stay in the session's history, so the charts show them afterwards.
///
/// Steps per second count only the timed steps' own work, not the idle time until the next
/// animation frame.
pub async fn run(runner: &mut Runner, timed_steps: usize) {
    let state = runner.state();
    let backend = runner.backend();
    let mut report = BenchReport {
        backend,
        steps: timed_steps,
        steps_per_second: f64::NAN,
        first_step_ms: f64::NAN,
        longest_frame_ms: f64::NAN,
        done: false,
        error: None,
    };
    state.bench.set(Some(report.clone()));
    state.status.set(format!(
        "Benchmark on {}: 1 warm-up step, then {timed_steps} timed steps…",
        backend.label()
    ));
    logging::log!(
        "benchmark: {timed_steps} timed steps on {}",
        backend.label()
    );
    next_frame().await;

    // Warm-up step: on WebGPU it compiles the shaders.
    if let Err(error) = runner.try_step().await {
        finish_with_error(state, report, error.to_string());
        return;
    }
    report.first_step_ms = now_ms();
    state.bench.set(Some(report.clone()));

    // Timed steps, each in its own frame so the page stays responsive.
    let mut total_ms = 0.0;
    let mut longest_ms: f64 = 0.0;
    for _ in 0..timed_steps {
        next_frame().await;
        let started = now_ms();
        if let Err(error) = runner.try_step().await {
            finish_with_error(state, report, error.to_string());
            return;
        }
        let duration = now_ms() - started;
        total_ms += duration;
        longest_ms = longest_ms.max(duration);
    }

    report.steps_per_second = if total_ms > 0.0 {
        timed_steps as f64 / (total_ms / 1000.0)
    } else {
        f64::INFINITY
    };
    report.longest_frame_ms = longest_ms;
    report.done = true;
    logging::log!(
        "benchmark done on {}: {:.2} steps/s, first step at {:.0} ms, longest step {:.1} ms",
        backend.label(),
        report.steps_per_second,
        report.first_step_ms,
        report.longest_frame_ms
    );
    state.status.set(format!(
        "Benchmark done: {:.2} steps/s on {}.",
        report.steps_per_second,
        backend.label()
    ));
    state.bench.set(Some(report));
    runner.update_metrics().await;
}

/// Marks the benchmark as finished with the error `message` and shows the message.
fn finish_with_error(state: AppState, mut report: BenchReport, message: String) {
    logging::error!("benchmark stopped: {message}");
    report.done = true;
    report.error = Some(message.clone());
    state.bench.set(Some(report));
    state
        .status
        .set("Benchmark stopped by an error.".to_string());
    state.error.set(Some(message));
}
