//! The page: header with the backend, status and error lines, the controls, the results and,
//! in `?bench=1` mode, the benchmark report.

use leptos::prelude::*;

use super::backend::BackendKind;
use super::compare::ComparePanel;
use super::controls::LossControls;
use super::explain::{Lesson, LossFormula};
use super::export::ExportPanel;
use super::readouts::{PlotGrid, Readouts};
use super::runner;
use super::state::{self, AppState, Command};
use super::training::TrainingControls;
use super::transport::{Presets, Transport};
use super::keys;
use super::url::{self, BackendRequest, PageSwitches, UrlOptions, page_query};
use super::views::ViewsStrip;

/// Formats a number for a `data-*` attribute with Rust's `{}`, or leaves the attribute out for
/// a missing or non-finite value.
pub fn data_number(value: Option<f64>) -> Option<String> {
    value
        .filter(|value| value.is_finite())
        .map(|value| value.to_string())
}

/// Renders the whole app: it creates the state, starts the training loop and lays out the page.
#[component]
pub fn App(
    /// Switches read from the URL at load.
    options: UrlOptions,
) -> impl IntoView {
    let state = AppState::new(options.initial_config());
    state.presenter.set(options.presenter);
    state.controls_hidden.set(options.controls_hidden);
    let bench = options.bench;
    keys::install(state);

    // Keep the address bar in step with every setting, so a copied link reproduces the run.
    // The benchmark's URL stays as it was, since the benchmark ignores the training settings.
    let backend_request = options.backend;
    Effect::new(move || {
        // A link records the CPU once training runs there, after a fallback or the Use CPU
        // button, so that it reopens on the device whose numbers the page showed.
        let on_cpu = state.backend.with(|backend| {
            backend.as_ref().and_then(|backend| backend.kind) == Some(BackendKind::Cpu)
        });
        let switches = PageSwitches {
            backend: if on_cpu { BackendRequest::Cpu } else { backend_request },
            compare: state.compare.get(),
            presenter: state.presenter.get(),
            controls_hidden: state.controls_hidden.get(),
        };
        let query = state.config.with(|config| page_query(config, switches));
        if state.ready.get() && !bench {
            url::write_back(&query);
        }
    });
    let controls_disabled = move || !state.ready.get();

    let resize = window_event_listener(leptos::ev::resize, |_| state::send(Command::Redraw));
    on_cleanup(move || resize.remove());

    // Effects run after the view is mounted, so the loop finds the canvases. This one tracks no
    // signal, so it runs once.
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            leptos::task::spawn_local(runner::run(state, options.clone()));
        }
    });

    view! {
        <div
            class="app"
            class:presenter=move || state.presenter.get()
            class:controls-hidden=move || state.controls_hidden.get()
        >
            <Header state=state />
            <main class="layout">
                <aside class="sidebar" hidden=move || state.controls_hidden.get()>
                    <fieldset class="controls" disabled=controls_disabled>
                        <Transport state=state />
                        <Presets state=state />
                        <LossControls state=state />
                        <TrainingControls state=state />
                    </fieldset>
                    <ExportPanel state=state />
                </aside>
                <div class="results">
                    <Show when=move || bench>
                        <BenchPanel state=state />
                    </Show>
                    <Readouts state=state />
                    <Lesson state=state />
                    <LossFormula state=state />
                    <PlotGrid state=state />
                    <ComparePanel state=state />
                    <ViewsStrip state=state />
                </div>
            </main>
        </div>
    }
}

/// Renders the title, the backend with the reason for it and a switch to the CPU, then the
/// status and error lines.
#[component]
pub fn Header(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let chosen = move || {
        state
            .backend
            .with(|backend| backend.as_ref().map(|backend| backend.kind))
    };
    let kind = move || chosen().flatten();
    let backend_name = move || chosen().map(|kind| kind.map_or("none", BackendKind::name));
    let backend_label = move || match chosen() {
        None => "choosing…",
        Some(None) => "none",
        Some(Some(kind)) => kind.label(),
    };
    let reason = move || {
        state
            .backend
            .with(|backend| backend.as_ref().map(|backend| backend.reason.clone()))
    };
    let on_webgpu = move || kind() == Some(BackendKind::WebGpu);
    let offer_webgpu = move || {
        let webgpu_may_work = state.backend.with(|backend| {
            backend
                .as_ref()
                .is_some_and(|backend| backend.webgpu_may_work)
        });
        kind() == Some(BackendKind::Cpu) && webgpu_may_work
    };
    let error = move || state.error.get();

    let on_use_cpu = move |_| state::send(Command::UseCpu);

    view! {
        <header class="header">
            <h1>"VICReg playground"</h1>
            <p class="backend-line">
                "Backend: "
                <strong id="backend" data-backend=backend_name>
                    {backend_label}
                </strong>
                " "
                <span id="backend-reason">
                    {move || reason().map(|reason| format!("({reason})"))}
                </span>
                <button
                    id="use-cpu"
                    type="button"
                    hidden=move || !on_webgpu()
                    on:click=on_use_cpu
                >
                    "Use CPU"
                </button>
                <a id="try-webgpu" href="?backend=auto" hidden=move || !offer_webgpu()>
                    "Reload and try WebGPU"
                </a>
            </p>
            <p class="layout-switches">
                <button
                    id="presenter-toggle"
                    type="button"
                    aria-pressed=move || state.presenter.get().to_string()
                    on:click=move |_| state.presenter.update(|on| *on = !*on)
                >
                    "Presenter mode"
                </button>
                <button
                    id="controls-toggle"
                    type="button"
                    aria-pressed=move || state.controls_hidden.get().to_string()
                    on:click=move |_| state.controls_hidden.update(|hidden| *hidden = !*hidden)
                >
                    {move || if state.controls_hidden.get() { "Show controls" } else { "Hide controls" }}
                </button>
                <span class="shortcuts">"Keys: space play/pause, → step, r reset"</span>
            </p>
        </header>
        <p id="status" class="status" class:compiling=move || state.compiling.get() role="status">
            {move || state.status.get()}
        </p>
        <p id="error" class="error" role="alert" hidden=move || error().is_none()>
            {move || error().unwrap_or_default()}
        </p>
    }
}

/// Renders the benchmark report, with its numbers also in `data-*` attributes for scripts.
#[component]
pub fn BenchPanel(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let report = move || state.bench.get();
    let done = move || report().is_some_and(|report| report.done).to_string();
    let backend = move || report().map(|report| report.backend.name());
    let steps_per_second = move || data_number(report().map(|report| report.steps_per_second));
    let first_step_ms = move || data_number(report().map(|report| report.first_step_ms));
    let longest_frame_ms = move || data_number(report().map(|report| report.longest_frame_ms));
    let summary = move || match report() {
        None => "Benchmark starting…".to_string(),
        Some(report) if report.error.is_some() => {
            format!("Benchmark stopped: {}", report.error.unwrap_or_default())
        }
        Some(report) if !report.done => {
            format!(
                "Benchmark running on {}: {} timed steps…",
                report.backend.label(),
                report.steps
            )
        }
        Some(report) => format!(
            "{:.2} steps/s over {} timed steps on {}; first step done {:.0} ms after page load; \
             longest step {:.1} ms.",
            report.steps_per_second,
            report.steps,
            report.backend.label(),
            report.first_step_ms,
            report.longest_frame_ms
        ),
    };

    view! {
        <section
            id="bench-result"
            class="panel bench"
            data-done=done
            data-backend=backend
            data-steps-per-second=steps_per_second
            data-first-step-ms=first_step_ms
            data-longest-frame-ms=longest_frame_ms
        >
            <h2>"Benchmark"</h2>
            <p>{summary}</p>
        </section>
    }
}
