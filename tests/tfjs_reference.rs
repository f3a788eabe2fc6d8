//! The TensorFlow.js reference for the speed target: bench/tfjs/ trains the workload of
//! `TrainingConfig::bench()` with TensorFlow.js's wasm backend in headless Chromium, served on
//! 127.0.0.1. Run `scripts/tfjs-bench-setup.sh` first, because it copies TensorFlow.js into
//! bench/tfjs/vendor/.

// This test uses only part of the shared browser support.
#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use support::{Browser, artifact_dir, serve};

/// Timed steps when `VICREG_BENCH_STEPS` is unset.
const DEFAULT_STEPS: usize = 20;

/// Returns the page folder, checking that the setup script has filled vendor/.
fn tfjs_bench_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/tfjs");
    for file in ["tf.min.js", "tf-backend-wasm.min.js", "tfjs-backend-wasm-simd.wasm"] {
        let path = dir.join("vendor").join(file);
        assert!(
            path.is_file(),
            "{} is missing: run scripts/tfjs-bench-setup.sh to install TensorFlow.js",
            path.display()
        );
    }
    dir
}

/// Returns `attribute` of `<body>`, failing when it is missing.
async fn body_attribute(browser: &Browser, attribute: &str) -> String {
    browser
        .attribute("body", attribute)
        .await
        .unwrap_or_else(|| panic!("<body> has no {attribute}: the page did not write its result"))
}

/// Returns `attribute` of `<body>` parsed as a number.
async fn body_number(browser: &Browser, attribute: &str) -> f64 {
    let value = body_attribute(browser, attribute).await;
    value.parse().unwrap_or_else(|_| panic!("{attribute} = `{value}` is not a number"))
}

#[tokio::test]
#[ignore = "benchmark: needs scripts/tfjs-bench-setup.sh and an idle machine"]
async fn tfjs_wasm_reference_speed() {
    let base = serve(tfjs_bench_dir());
    let steps: usize = std::env::var("VICREG_BENCH_STEPS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_STEPS);

    let browser = Browser::start(false).await;
    browser.driver.goto(format!("{base}/?backend=wasm&steps={steps}")).await.expect("page loads");
    browser
        .wait_for("the TensorFlow.js benchmark", Duration::from_secs(900), || async {
            browser.attribute("body", "data-done").await.as_deref() == Some("true")
        })
        .await;

    let error = browser.attribute("body", "data-error").await;
    assert_eq!(error, None, "the benchmark page failed");
    let backend = body_attribute(&browser, "data-backend").await;
    assert_eq!(backend, "wasm", "TensorFlow.js ran on another backend");
    let steps_per_second = body_number(&browser, "data-steps-per-second").await;
    assert!(steps_per_second.is_finite(), "steps per second is {steps_per_second}");
    assert!(steps_per_second > 0.0, "steps per second is {steps_per_second}");
    let first_loss = body_number(&browser, "data-first-loss").await;
    assert!(first_loss.is_finite(), "first loss is {first_loss}");

    // NOTE: support::serve sends no COOP/COEP headers, so the page is not cross-origin isolated and
    // has no SharedArrayBuffer. TensorFlow.js then loads its single-threaded SIMD build, and
    // `wasm_threads` is false.
    let result = json!({
        "backend": "tfjs-wasm",
        "tfjs_version": body_attribute(&browser, "data-tfjs-version").await,
        "wasm_simd": body_attribute(&browser, "data-wasm-simd").await == "true",
        "wasm_threads": body_attribute(&browser, "data-wasm-threads").await == "true",
        "timed_steps": steps,
        "steps_per_second": steps_per_second,
        "first_loss": first_loss,
        "last_loss": body_number(&browser, "data-last-loss").await,
    });
    let path = artifact_dir().join("bench-tfjs-wasm.json");
    std::fs::write(&path, serde_json::to_string_pretty(&result).unwrap()).unwrap();
    eprintln!("{}", browser.text("#result").await);
    eprintln!("{result}");

    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
}
