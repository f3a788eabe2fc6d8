//! The app in a real headless Chromium, driven over WebDriver, against the built `dist/` served on
//! 127.0.0.1. `scripts/test.sh` builds `dist/` with trunk before running these tests.

mod support;

use std::time::Duration;

use serde_json::json;
use thirtyfour::extensions::cdp::ChromeDevTools;
use support::{Browser, artifact_dir, dist_dir, serve};

/// Relative gap allowed between the first loss on WebGPU and on the CPU: both run float32, but
/// sum and matmul orders differ between the two backends.
const BACKEND_TOLERANCE: f64 = 1e-3;

async fn first_loss(browser: &Browser) -> f64 {
    browser.click("#step").await;
    browser
        .wait_for("the first step", Duration::from_secs(300), || async {
            browser.attribute("#first-loss", "data-value").await.is_some_and(|v| !v.is_empty())
        })
        .await;
    let value = browser.attribute("#first-loss", "data-value").await.unwrap_or_default();
    value.parse().unwrap_or_else(|_| panic!("first loss `{value}` is not a number"))
}

/// Plays until `condition` holds or `max_steps` pass, pauses, and returns whether it holds.
async fn play_until<F, Fut>(browser: &Browser, what: &str, max_steps: usize, condition: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    browser.click("#play").await;
    browser
        .wait_for(what, Duration::from_secs(600), || async {
            condition().await || browser.step_count().await >= max_steps
        })
        .await;
    browser.click("#play").await;
    condition().await
}

#[tokio::test]
async fn cpu_page_loads_and_trains() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    browser.open_app(&format!("{base}/?backend=cpu")).await;

    assert_eq!(browser.attribute("#backend", "data-backend").await.as_deref(), Some("cpu"));
    assert!(browser.text("#backend").await.contains("CPU"));
    let loss_before = browser.canvas_pixels("#plot-loss").await;
    let std_before = browser.canvas_pixels("#plot-std").await;

    let target = 30;
    play_until(&browser, "30 steps", target, || async { browser.step_count().await >= target }).await;
    let steps = browser.step_count().await;
    assert!(steps >= target, "step counter at {steps}");
    assert_eq!(browser.text("#step-counter").await.trim(), steps.to_string());
    // Let the paused page draw its last frame and metrics.
    tokio::time::sleep(Duration::from_secs(2)).await;

    assert_ne!(browser.canvas_pixels("#plot-loss").await, loss_before, "loss plot did not change");
    assert_ne!(browser.canvas_pixels("#plot-std").await, std_before, "std plot did not change");
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

#[tokio::test]
async fn invariance_only_collapses_and_vicreg_does_not() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;

    // Invariance alone: measured natively, the std is 3e-4 after 100 steps, far below the
    // complete-collapse threshold of 0.1 γ, so 300 steps leave a wide margin.
    browser.open_app(&format!("{base}/?backend=cpu")).await;
    browser.click("button[data-preset=\"invariance-only\"]").await;
    browser.set_value("#steps-per-frame", "10").await;
    // The untrained network's embedding std is already below the threshold (about 0.007), so
    // only a snapshot taken after training counts.
    let collapsed = play_until(&browser, "complete collapse", 300, || async {
        let state = browser.attribute("#collapse-badge", "data-collapse").await;
        let metrics_step = browser.attribute("#collapse-badge", "data-metrics-step").await;
        let metrics_step: usize = metrics_step.and_then(|v| v.parse().ok()).unwrap_or(0);
        state.as_deref() == Some("complete") && metrics_step >= 20
    })
    .await;
    assert!(collapsed, "no complete collapse after {} steps", browser.step_count().await);
    browser.screenshot("collapsed-page.png").await;

    // VICReg from fresh weights stays healthy over the same number of steps.
    browser.open_app(&format!("{base}/?backend=cpu&preset=vicreg")).await;
    browser.set_value("#steps-per-frame", "10").await;
    play_until(&browser, "150 VICReg steps", 150, || async { false }).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    browser
        .wait_for("a metrics snapshot", Duration::from_secs(60), || async {
            browser.attribute("#collapse-badge", "data-collapse").await.as_deref() != Some("unknown")
        })
        .await;
    let state = browser.attribute("#collapse-badge", "data-collapse").await;
    assert_ne!(state.as_deref(), Some("complete"), "VICReg collapsed");
    let path = browser.screenshot("trained-page.png").await;
    assert!(std::fs::metadata(&path).is_ok_and(|metadata| metadata.len() > 10_000));
}

#[tokio::test]
async fn webgpu_and_cpu_agree_on_first_loss() {
    let base = serve(dist_dir());

    let cpu = {
        let browser = Browser::start(false).await;
        browser.open_app(&format!("{base}/?backend=cpu")).await;
        first_loss(&browser).await
    };

    let browser = Browser::start(true).await;
    browser.open_app(&format!("{base}/?backend=webgpu")).await;
    let backend = browser.attribute("#backend", "data-backend").await;
    if backend.as_deref() != Some("webgpu") {
        // Only a browser without any WebGPU adapter may skip; SwiftShader gives one here.
        let reason = browser.text("#backend-reason").await;
        assert!(reason.contains("adapter"), "WebGPU did not start: {reason}");
        eprintln!("skipped: this Chromium has no WebGPU adapter ({reason})");
        return;
    }
    let webgpu = first_loss(&browser).await;
    let gap = (webgpu - cpu).abs() / cpu.abs().max(1e-12);
    assert!(gap < BACKEND_TOLERANCE, "first loss: WebGPU {webgpu}, CPU {cpu}, relative gap {gap}");
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors on WebGPU: {errors:?}");
}

/// Wraps `GPUAdapter.requestDevice` before the page's scripts run, so that a test can reach the
/// device Burn creates and destroy it.
const CAPTURE_GPU_DEVICES: &str = "(() => {
    if (typeof GPUAdapter === 'undefined') return;
    const requestDevice = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (...args) {
        const device = await requestDevice.apply(this, args);
        (window.__vicregDevices = window.__vicregDevices || []).push(device);
        return device;
    };
})();";

#[tokio::test]
async fn lost_webgpu_device_falls_back_to_cpu() {
    let base = serve(dist_dir());
    let browser = Browser::start(true).await;
    let dev_tools = ChromeDevTools::new(browser.driver.handle.clone());
    dev_tools
        .execute_cdp_with_params(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": CAPTURE_GPU_DEVICES }),
        )
        .await
        .expect("the capture script is installed");
    browser.open_app(&format!("{base}/")).await;
    if browser.attribute("#backend", "data-backend").await.as_deref() != Some("webgpu") {
        let reason = browser.text("#backend-reason").await;
        assert!(reason.contains("adapter"), "WebGPU did not start: {reason}");
        eprintln!("skipped: this Chromium has no WebGPU adapter ({reason})");
        return;
    }
    first_loss(&browser).await;

    // Destroying the device is what a lost GPU looks like to the page.
    let destroyed = browser
        .driver
        .execute(
            "const devices = window.__vicregDevices || [];
             devices.forEach((device) => device.destroy());
             return devices.length;",
            vec![],
        )
        .await
        .expect("the script runs");
    assert!(destroyed.json().as_u64().unwrap_or(0) >= 1, "no WebGPU device was captured");

    browser.click("#step").await;
    browser
        .wait_for("the move to the CPU", Duration::from_secs(300), || async {
            browser.attribute("#backend", "data-backend").await.as_deref() == Some("cpu")
        })
        .await;
    let error = browser.text("#error").await;
    assert!(error.contains("WebGPU device failed"), "the page says why: {error}");
    assert!(browser.text("#panic-panel").await.is_empty(), "a panic reached the page");
    // Training goes on, on the CPU.
    browser.click("#step").await;
    browser
        .wait_for("a step on the CPU", Duration::from_secs(120), || async {
            browser.step_count().await >= 1
        })
        .await;
}

#[tokio::test]
async fn bench_mode_reports_speed() {
    let base = serve(dist_dir());
    let steps: usize =
        std::env::var("VICREG_BENCH_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let mut backends = vec!["cpu".to_string()];
    if let Ok(extra) = std::env::var("VICREG_BENCH_BACKENDS") {
        backends = extra.split(',').map(str::to_string).collect();
    }

    for backend in backends {
        let browser = Browser::start(backend == "webgpu").await;
        browser.driver.goto(format!("{base}/?bench=1&backend={backend}&bench_steps={steps}")).await.unwrap();
        browser
            .wait_for("the benchmark", Duration::from_secs(900), || async {
                browser.attribute("#bench-result", "data-done").await.as_deref() == Some("true")
            })
            .await;
        let number = |name: &'static str| {
            let browser = &browser;
            async move {
                let value = browser.attribute("#bench-result", name).await.unwrap_or_default();
                value.parse::<f64>().unwrap_or_else(|_| panic!("{name} = `{value}` is not a number"))
            }
        };
        let steps_per_second = number("data-steps-per-second").await;
        let first_step_ms = number("data-first-step-ms").await;
        let longest_frame_ms = number("data-longest-frame-ms").await;
        assert!(steps_per_second > 0.0 && steps_per_second.is_finite(), "{steps_per_second}");
        assert!(first_step_ms > 0.0, "{first_step_ms}");

        let result = json!({
            "backend": backend,
            "timed_steps": steps,
            "steps_per_second": steps_per_second,
            "first_step_ms": first_step_ms,
            "longest_frame_ms": longest_frame_ms,
        });
        let path = artifact_dir().join(format!("bench-{backend}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&result).unwrap()).unwrap();
        eprintln!("{result}");
    }
}
