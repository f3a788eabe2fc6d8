//! Switches read once from the page's query string.
//!
//! - `backend=cpu` forces the CPU. `backend=webgpu` requires WebGPU and reports an error instead
//!   of falling back. Any other value, or none, tries WebGPU and falls back to the CPU.
//! - `preset=vicreg|vi-reg|invariance-only|no-variance` picks the starting loss weights.
//!   [`share::from_query`] reads it together with the training settings of
//!   [`share::QUERY_KEYS`], such as `lambda`, `lr` and `batch`.
//! - `bench=1` runs the fixed benchmark workload, and `bench_steps=N` sets its timed steps.

use crate::engine::{Preset, TrainingConfig};
use crate::engine::share;

/// Timed steps of the benchmark when `bench_steps` is not given.
pub const DEFAULT_BENCH_STEPS: usize = 20;

/// Largest accepted `bench_steps`.
pub const MAX_BENCH_STEPS: usize = 10_000;

/// Backend requested by the page's URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackendRequest {
    /// WebGPU when the browser offers an adapter, the CPU otherwise.
    #[default]
    Auto,
    /// The CPU, even where WebGPU works.
    Cpu,
    /// WebGPU only; an error where it is unavailable.
    WebGpu,
}

/// The switches of one page load.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UrlOptions {
    /// Requested backend.
    pub backend: BackendRequest,
    /// Training settings from the query, defaults where absent or rejected.
    pub settings: TrainingConfig,
    /// Preset of run A when the page opens in compare mode (`compare=vi-reg`).
    pub compare: Option<Preset>,
    /// Large type for a projector (`presenter=1`).
    pub presenter: bool,
    /// Hidden controls for an embedded page (`controls=hidden`).
    pub controls_hidden: bool,
    /// Whether to run the benchmark workload.
    pub bench: bool,
    /// Timed steps of the benchmark, after one warm-up step.
    pub bench_steps: usize,
    /// Messages about values that were not understood and were ignored.
    pub problems: Vec<String>,
}

impl UrlOptions {
    /// Reads the switches from `window.location.search`.
    pub fn from_location() -> Self {
        let search = web_sys::window()
            .and_then(|window| window.location().search().ok())
            .unwrap_or_default();
        Self::parse(&search)
    }

    /// Parses a query string such as `?backend=cpu&preset=vi-reg`. Unknown keys are ignored, and
    /// invalid values are replaced by defaults and described in [`problems`](Self::problems).
    pub fn parse(search: &str) -> Self {
        let settings = share::from_query(search);
        let mut options = Self {
            settings: settings.config,
            bench_steps: DEFAULT_BENCH_STEPS,
            problems: settings.warnings.iter().map(ToString::to_string).collect(),
            ..Self::default()
        };
        let query = search.strip_prefix('?').unwrap_or(search);
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "backend" => options.backend = parse_backend(&value, &mut options.problems),
                "compare" => match value.parse::<Preset>() {
                    Ok(preset) => options.compare = Some(preset),
                    Err(error) => options
                        .problems
                        .push(format!("ignored ?compare={value}: {error}; compare mode is off")),
                },
                "presenter" => options.presenter = parse_switch(&value, key, &mut options.problems),
                "controls" => match value.as_str() {
                    "hidden" => options.controls_hidden = true,
                    "shown" => options.controls_hidden = false,
                    other => options.problems.push(format!(
                        "ignored ?controls={other}: expected hidden or shown; showing the controls"
                    )),
                },
                "bench" => options.bench = matches!(value.as_str(), "1" | "true" | "yes" | ""),
                "bench_steps" => match value.parse::<usize>() {
                    Ok(steps) if (1..=MAX_BENCH_STEPS).contains(&steps) => {
                        options.bench_steps = steps
                    }
                    _ => options.problems.push(format!(
                        "invalid ?bench_steps={value}: use a whole number from 1 to \
                         {MAX_BENCH_STEPS}; using {DEFAULT_BENCH_STEPS}"
                    )),
                },
                _ => {}
            }
        }
        options
    }

    /// Returns the configuration the page starts with: the fixed benchmark workload, which
    /// ignores the training settings of the query, or the settings from the query.
    pub fn initial_config(&self) -> TrainingConfig {
        if self.bench {
            TrainingConfig::bench()
        } else {
            self.settings.clone()
        }
    }
}

/// Reads an on/off switch such as `presenter=1`; anything else is off, with a message.
fn parse_switch(value: &str, key: &str, problems: &mut Vec<String>) -> bool {
    match value {
        "1" | "true" | "yes" | "on" | "" => true,
        "0" | "false" | "no" | "off" => false,
        other => {
            problems.push(format!("ignored ?{key}={other}: expected 1 or 0; it stays off"));
            false
        }
    }
}

/// Page state that the URL records besides the training settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSwitches {
    /// Backend requested at load.
    pub backend: BackendRequest,
    /// Preset of run A in compare mode.
    pub compare: Option<Preset>,
    /// Presenter mode.
    pub presenter: bool,
    /// Hidden controls.
    pub controls_hidden: bool,
}

/// Returns the query string (without `?`) that reopens the page as it is: every training setting
/// from [`share::to_query`], then the switches that differ from their defaults.
pub fn page_query(config: &TrainingConfig, switches: PageSwitches) -> String {
    let mut query = share::to_query(config);
    match switches.backend {
        BackendRequest::Auto => {}
        BackendRequest::Cpu => query.push_str("&backend=cpu"),
        BackendRequest::WebGpu => query.push_str("&backend=webgpu"),
    }
    if let Some(preset) = switches.compare {
        query.push_str("&compare=");
        query.push_str(preset.name());
    }
    if switches.presenter {
        query.push_str("&presenter=1");
    }
    if switches.controls_hidden {
        query.push_str("&controls=hidden");
    }
    query
}

/// Replaces the address bar's query with `query` without reloading or adding a history entry.
pub fn write_back(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Ok(history), Ok(current)) = (window.history(), window.location().search()) else {
        return;
    };
    let search = format!("?{query}");
    if current == search {
        return;
    }
    let replaced = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&search));
    if let Err(error) = replaced {
        leptos::logging::warn!("updating the URL failed: {error:?}");
    }
}

fn parse_backend(value: &str, problems: &mut Vec<String>) -> BackendRequest {
    match value {
        "cpu" => BackendRequest::Cpu,
        "webgpu" => BackendRequest::WebGpu,
        "" | "auto" => BackendRequest::Auto,
        other => {
            problems.push(format!(
                "unknown ?backend={other}: expected cpu, webgpu or auto; trying WebGPU with CPU \
                 fallback"
            ));
            BackendRequest::Auto
        }
    }
}

/// Decodes `+` and percent escapes; text that is not valid UTF-8 after decoding is kept as is.
fn decode(value: &str) -> String {
    let spaced = value.replace('+', " ");
    js_sys::decode_uri_component(&spaced)
        .map(String::from)
        .unwrap_or(spaced)
}
