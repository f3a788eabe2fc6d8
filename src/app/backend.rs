//! Choosing the Burn device: WebGPU where the browser offers an adapter, otherwise the CPU.

use burn::prelude::Device;
use burn::tensor::wgpu::WgpuBackend;
use js_sys::{Function, Promise, Reflect};
use leptos::logging;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::url::BackendRequest;

/// The kind of device training runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// Burn's wgpu runtime on the browser's WebGPU.
    WebGpu,
    /// Burn's pure-Rust `flex` CPU device, in the page's main thread.
    Cpu,
}

impl BackendKind {
    /// Returns the lowercase name used in `data-backend` attributes and URLs.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::WebGpu => "webgpu",
            BackendKind::Cpu => "cpu",
        }
    }

    /// Returns the name shown on the page.
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::WebGpu => "WebGPU",
            BackendKind::Cpu => "CPU",
        }
    }
}

/// Reasons that WebGPU cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The browser has no WebGPU API.
    #[error("navigator.gpu missing: this browser or its settings do not offer WebGPU")]
    NoWebGpu,
    /// The browser offers WebGPU but no adapter.
    #[error("no WebGPU adapter: navigator.gpu.requestAdapter() returned null")]
    NoAdapter,
    /// Asking for an adapter failed.
    #[error("navigator.gpu.requestAdapter() failed: {0}")]
    AdapterRequest(String),
    /// Burn could not set up its wgpu runtime on the adapter.
    #[error("initialising Burn's WebGPU device failed: {0}")]
    DeviceInit(String),
}

/// A device and why it was chosen.
#[derive(Clone, Debug)]
pub struct BackendChoice {
    /// The device to train on.
    pub device: Device,
    /// WebGPU or CPU.
    pub kind: BackendKind,
    /// Reason this device was chosen, shown beside the backend's name.
    pub reason: String,
    /// Whether WebGPU may work on a reload: false after a missing adapter or a failed device.
    pub webgpu_may_work: bool,
}

impl BackendChoice {
    /// Returns the CPU device with `reason`.
    pub fn cpu(reason: String, webgpu_may_work: bool) -> Self {
        Self {
            device: Device::flex(),
            kind: BackendKind::Cpu,
            reason,
            webgpu_may_work,
        }
    }
}

/// Chooses the device for `request`. Only [`BackendRequest::WebGpu`] returns an error; the
/// automatic choice falls back to the CPU and puts the cause in the reason.
pub async fn choose(request: BackendRequest) -> Result<BackendChoice, BackendError> {
    if request == BackendRequest::Cpu {
        logging::log!("backend: CPU, forced by ?backend=cpu");
        return Ok(BackendChoice::cpu(
            "forced by ?backend=cpu".to_string(),
            true,
        ));
    }
    match init_webgpu().await {
        Ok(device) => {
            let reason = match request {
                BackendRequest::WebGpu => "required by ?backend=webgpu",
                _ => "a WebGPU adapter is available",
            };
            logging::log!("backend: WebGPU, {reason}");
            let reason = reason.to_string();
            Ok(BackendChoice {
                device,
                kind: BackendKind::WebGpu,
                reason,
                webgpu_may_work: true,
            })
        }
        Err(error) if request == BackendRequest::WebGpu => {
            logging::error!("backend: WebGPU required by ?backend=webgpu but unavailable: {error}");
            Err(error)
        }
        Err(error) => {
            logging::log!("backend: CPU, because {error}");
            Ok(BackendChoice::cpu(error.to_string(), false))
        }
    }
}

/// Checks `navigator.gpu` and `requestAdapter()`, then initialises Burn's WebGPU device.
async fn init_webgpu() -> Result<Device, BackendError> {
    request_adapter().await?;
    Device::wgpu_options()
        .graphics_api(WgpuBackend::WebGpu)
        .init_async()
        .await
        .map_err(|error| BackendError::DeviceInit(error.to_string()))
}

/// Asks the browser for a WebGPU adapter, so that a missing API or adapter can be named before
/// Burn tries to set up its runtime.
async fn request_adapter() -> Result<(), BackendError> {
    let navigator = web_sys::window()
        .map(|window| JsValue::from(window.navigator()))
        .ok_or(BackendError::NoWebGpu)?;
    let gpu = Reflect::get(&navigator, &JsValue::from_str("gpu")).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err(BackendError::NoWebGpu);
    }
    let request = Reflect::get(&gpu, &JsValue::from_str("requestAdapter"))
        .ok()
        .and_then(|function| function.dyn_into::<Function>().ok())
        .ok_or(BackendError::NoWebGpu)?;
    let promise = request
        .call0(&gpu)
        .map_err(|error| BackendError::AdapterRequest(describe(&error)))?
        .dyn_into::<Promise>()
        .map_err(|value| {
            BackendError::AdapterRequest(format!(
                "returned {} instead of a promise",
                describe(&value)
            ))
        })?;
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|error| BackendError::AdapterRequest(describe(&error)))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err(BackendError::NoAdapter);
    }
    Ok(())
}

/// Returns a JavaScript value as text: the message of an `Error`, or its string form.
pub fn describe(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
