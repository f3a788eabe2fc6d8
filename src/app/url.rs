//! Switches read once from the page's query string.
//!
//! - `backend=cpu` forces the CPU. `backend=webgpu` requires WebGPU and reports an error instead
//!   of falling back. Any other value, or none, tries WebGPU and falls back to the CPU.
//! - `preset=vicreg|vi-reg|invariance-only|no-variance` picks the starting loss weights.
//!   [`share::from_query`] reads it together with the training settings of
//!   [`share::QUERY_KEYS`], such as `lambda`, `lr` and `batch`.
//! - `bench=1` runs the fixed benchmark workload, and `bench_steps=N` sets its timed steps.

use crate::engine::TrainingConfig;
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
