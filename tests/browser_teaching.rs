//! The teaching and comparison features in headless Chromium: settings in the URL both ways,
//! keyboard shortcuts, the guided lesson, the formula, compare mode, the layout switches and the
//! import of a configuration file. Like tests/browser.rs, these run against the built `dist/`.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{Browser, dist_dir, serve};

/// Maximum wait for a change the page makes within a frame or a few steps.
const SHORT: Duration = Duration::from_secs(60);

/// Returns the page's `location.search`.
async fn search(browser: &Browser) -> String {
    let value = browser
        .driver
        .execute("return window.location.search;", vec![])
        .await
        .expect("the script runs");
    value.json().as_str().unwrap_or_default().to_string()
}

/// Returns a form control's live `value` property.
async fn value(browser: &Browser, selector: &str) -> String {
    let script = "return document.querySelector(arguments[0]).value;";
    let result = browser.driver.execute(script, vec![json!(selector)]).await;
    let value = result.unwrap_or_else(|error| panic!("reading {selector} failed: {error}"));
    value.json().as_str().unwrap_or_default().to_string()
}

/// Returns a checkbox's live `checked` property.
async fn checked(browser: &Browser, selector: &str) -> bool {
    let script = "return document.querySelector(arguments[0]).checked;";
    let result = browser.driver.execute(script, vec![json!(selector)]).await;
    let value = result.unwrap_or_else(|error| panic!("reading {selector} failed: {error}"));
    value.json().as_bool().unwrap_or(false)
}

/// Presses `key` on the page body, as a user would with nothing focused.
async fn press(browser: &Browser, key: &str) {
    let script = "document.body.dispatchEvent(
        new KeyboardEvent('keydown', { key: arguments[0], bubbles: true, cancelable: true }));";
    browser
        .driver
        .execute(script, vec![json!(key)])
        .await
        .unwrap_or_else(|error| panic!("pressing {key} failed: {error}"));
}

#[tokio::test]
async fn url_round_trip_and_warnings() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    let query = "?backend=cpu&preset=vi-reg&lr=0.005&batch=128&seed=7&augment=0.5&\
                 expander=32,32&lambda=abc&compare=nope&future_setting=1";
    browser.open_app(&format!("{base}/{query}")).await;

    assert_eq!(value(&browser, "#learning-rate").await, "0.005");
    assert_eq!(value(&browser, "#batch-size").await, "128");
    assert_eq!(value(&browser, "#seed").await, "7");
    assert_eq!(value(&browser, "#embedding-dim").await, "32");
    assert!(
        !checked(&browser, "#covariance-enabled").await,
        "vi-reg has no covariance term"
    );
    assert_eq!(
        value(&browser, "#invariance").await,
        "25",
        "a bad λ keeps its default"
    );
    let error = browser.text("#error").await;
    assert!(
        error.contains("lambda"),
        "the page names the bad λ: {error}"
    );
    assert!(
        error.contains("compare"),
        "the page names the bad compare value: {error}"
    );
    assert!(
        !error.contains("future_setting"),
        "unknown keys are skipped: {error}"
    );

    // The address bar contains every setting, and follows a change.
    browser
        .wait_for("the URL to list the settings", SHORT, || async {
            search(&browser).await.contains("seed=7")
        })
        .await;
    let written = search(&browser).await;
    for part in [
        "lr=0.005",
        "batch=128",
        "lambda=25",
        "nu=0",
        "expander=32,32",
        "backend=cpu",
    ] {
        assert!(written.contains(part), "{part} missing from {written}");
    }
    browser.set_value("#seed", "9").await;
    browser
        .wait_for("the URL to follow the seed", SHORT, || async {
            search(&browser).await.contains("seed=9")
        })
        .await;

    // The written link reopens the same settings, without messages.
    let link = search(&browser).await;
    browser.open_app(&format!("{base}/{link}")).await;
    assert_eq!(value(&browser, "#seed").await, "9");
    assert_eq!(value(&browser, "#learning-rate").await, "0.005");
    assert!(!checked(&browser, "#covariance-enabled").await);
    assert_eq!(
        browser.text("#error").await,
        "",
        "a written link has nothing to reject"
    );
}

#[tokio::test]
async fn keyboard_shortcuts_drive_training() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    browser
        .open_app(&format!("{base}/?backend=cpu&batch=64"))
        .await;

    press(&browser, "ArrowRight").await;
    browser
        .wait_for("one step", SHORT, || async {
            browser.step_count().await == 1
        })
        .await;
    press(&browser, " ").await;
    browser
        .wait_for("playing", SHORT, || async {
            browser.step_count().await >= 4
        })
        .await;
    press(&browser, " ").await;
    let paused_at = browser.step_count().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_pause = browser.step_count().await;
    assert!(
        after_pause <= paused_at + 1,
        "still playing: {paused_at} then {after_pause}"
    );
    press(&browser, "r").await;
    browser
        .wait_for("the reset", SHORT, || async {
            browser.step_count().await == 0
        })
        .await;
}

#[tokio::test]
async fn lesson_steps_set_controls() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    browser.open_app(&format!("{base}/?backend=cpu")).await;

    browser.click("button[data-lesson-step=\"1\"]").await;
    browser
        .wait_for("lesson step 1", SHORT, || async {
            browser.attribute("#lesson", "data-step").await.as_deref() == Some("1")
        })
        .await;
    assert!(checked(&browser, "#invariance-enabled").await);
    assert!(!checked(&browser, "#variance-enabled").await);
    assert!(!checked(&browser, "#covariance-enabled").await);
    assert_eq!(value(&browser, "#invariance").await, "25");
    let message = browser.text("#lesson-message").await;
    assert!(
        message.contains("complete"),
        "step 1 says what to look for: {message}"
    );

    browser.click("button[data-lesson-step=\"2\"]").await;
    browser
        .wait_for("lesson step 2", SHORT, || async {
            checked(&browser, "#variance-enabled").await
        })
        .await;
    assert_eq!(value(&browser, "#variance").await, "25");
    assert!(!checked(&browser, "#covariance-enabled").await);
    assert!(browser.text("#lesson-message").await.contains("μ"));

    browser.click("button[data-lesson-step=\"3\"]").await;
    browser
        .wait_for("lesson step 3", SHORT, || async {
            checked(&browser, "#covariance-enabled").await
        })
        .await;
    assert_eq!(value(&browser, "#covariance").await, "1");
    assert!(browser.text("#lesson-message").await.contains("ν"));
    assert_eq!(
        browser
            .attribute("#loss-formula", "data-nu")
            .await
            .as_deref(),
        Some("1")
    );

    // The formula shows the live total of the latest step.
    browser.click("#step").await;
    browser
        .wait_for("the formula's total", SHORT, || async {
            browser
                .attribute("#loss-formula", "data-total")
                .await
                .is_some()
        })
        .await;
    assert_eq!(
        browser.attribute("#loss-formula", "data-total").await,
        browser.attribute("#last-loss", "data-value").await
    );
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

#[tokio::test]
async fn compare_mode_summarises_both_runs() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    browser
        .open_app(&format!("{base}/?backend=cpu&batch=64&compare=vi-reg"))
        .await;

    assert!(
        checked(&browser, "#compare-on").await,
        "compare=vi-reg turns compare mode on"
    );
    assert_eq!(value(&browser, "#compare-a").await, "vi-reg");
    let before = browser.canvas_pixels("#compare-rank").await;
    for expected in 1..=3 {
        browser.click("#step").await;
        browser
            .wait_for("a step of both runs", SHORT, || async {
                browser
                    .attribute("#compare-summary", "data-step")
                    .await
                    .as_deref()
                    == Some(expected.to_string().as_str())
            })
            .await;
    }
    let rank_a = browser.attribute(
        "#compare-summary tr[data-metric=\"effective rank\"]",
        "data-a",
    );
    let rank_a: f64 = rank_a
        .await
        .and_then(|v| v.parse().ok())
        .expect("A's rank is a number");
    let rank_b = browser.attribute(
        "#compare-summary tr[data-metric=\"effective rank\"]",
        "data-b",
    );
    let rank_b: f64 = rank_b
        .await
        .and_then(|v| v.parse().ok())
        .expect("B's rank is a number");
    assert!(rank_a.is_finite(), "A's rank {rank_a}");
    assert!(rank_b.is_finite(), "B's rank {rank_b}");
    assert!(
        browser
            .text("#compare-summary caption")
            .await
            .contains("step 3")
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_ne!(
        browser.canvas_pixels("#compare-rank").await,
        before,
        "rank chart not drawn"
    );
    let scroll = "document.getElementById('compare').scrollIntoView();";
    browser.driver.execute(scroll, vec![]).await.expect("the script runs");
    browser.screenshot("compare-page.png").await;
    assert!(search(&browser).await.contains("compare=vi-reg"));

    // Switching compare mode off keeps run B and drops A.
    browser.click("#compare-on").await;
    browser
        .wait_for("compare mode off", SHORT, || async {
            !search(&browser).await.contains("compare=")
        })
        .await;
    assert_eq!(browser.step_count().await, 3);
}

#[tokio::test]
async fn layout_switches_from_url() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    browser
        .open_app(&format!("{base}/?backend=cpu&presenter=1&controls=hidden"))
        .await;

    let class = browser.attribute(".app", "class").await.unwrap_or_default();
    assert!(class.contains("presenter"), "class `{class}`");
    assert_eq!(
        browser.attribute(".sidebar", "hidden").await.as_deref(),
        Some("true")
    );
    browser.click("#controls-toggle").await;
    browser
        .wait_for("the controls to show", SHORT, || async {
            browser.attribute(".sidebar", "hidden").await.is_none()
        })
        .await;
    browser
        .wait_for("the URL to drop controls=hidden", SHORT, || async {
            let search = search(&browser).await;
            !search.contains("controls=hidden") && search.contains("presenter=1")
        })
        .await;
}

#[tokio::test]
async fn import_names_rejected_fields() {
    let base = serve(dist_dir());
    let browser = Browser::start(false).await;
    browser.open_app(&format!("{base}/?backend=cpu")).await;

    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("vicreg-config.json");
    let config = json!({
        "learning_rate": 0.02,
        "seed": 11,
        "batch_size": "many",
        "loss": { "covariance_weight": 0.0, "gamma": -1 }
    });
    std::fs::write(&path, config.to_string()).expect("the file is written");
    let input = browser
        .driver
        .find(thirtyfour::By::Css("#import-config"))
        .await
        .expect("the import input exists");
    input
        .send_keys(path.to_string_lossy())
        .await
        .expect("the file is chosen");

    browser
        .wait_for("the import", SHORT, || async {
            value(&browser, "#seed").await == "11"
        })
        .await;
    assert_eq!(value(&browser, "#learning-rate").await, "0.02");
    assert!(!checked(&browser, "#covariance-enabled").await);
    let summary = browser.text("#import-message").await;
    assert!(summary.contains("2 rejected"), "counts the rejected fields: {summary}");
    let rejected = browser.text("#import-rejected").await;
    assert!(rejected.contains("batch_size"), "names the rejected batch size: {rejected}");
    assert!(rejected.contains("gamma"), "names the rejected γ: {rejected}");
}
