//! Export of plots, metrics and configuration as downloads, and import of a configuration file.
//!
//! Every download goes through the hidden link `<a id="last-export">` of [`ExportPanel`], which
//! keeps the `download` file name and the URL of the latest file, so a script can read back
//! what was saved. Without that panel on the page a detached link is used instead.

use std::cell::RefCell;

use leptos::logging;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea, SVGBackend};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, HtmlInputElement, Url};

use crate::engine::report;
use crate::engine::share;
use crate::engine::{MetricsSnapshot, Session};
use crate::plots::PlotError;

use super::canvas::canvas_by_id;
use super::charts::{Chart, draw_chart};
use super::compare::draw_compare_chart;
use super::inputs::FieldError;
use super::state::{self, AppState, Command, Field};

/// Id of the hidden link that every download clicks.
pub const LAST_EXPORT_ID: &str = "last-export";

/// Size in pixels of an exported SVG whose canvas is hidden or missing.
const DEFAULT_SVG_SIZE: (u32, u32) = (640, 420);

/// Largest configuration file read by the import, in bytes. An exported configuration is under
/// 1 KiB, so a larger file is almost certainly the wrong one.
const MAX_IMPORT_BYTES: f64 = 1024.0 * 1024.0;

thread_local! {
    /// Object URL of the latest download, revoked when the next one replaces it. WebAssembly in
    /// the browser runs on one thread, so a thread-local is shared by every caller.
    static LAST_OBJECT_URL: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A file the page can save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// One chart as SVG, by canvas id.
    PlotSvg(&'static str),
    /// The metrics history as CSV.
    MetricsCsv,
    /// The metrics history as JSON.
    MetricsJson,
    /// The configuration as JSON.
    ConfigJson,
}

impl ExportKind {
    /// Returns the name of the saved file, such as `vicreg-metrics.csv`.
    pub fn file_name(self) -> String {
        match self {
            ExportKind::PlotSvg(canvas_id) => plot_file_name(canvas_id, "svg"),
            ExportKind::MetricsCsv => "vicreg-metrics.csv".to_string(),
            ExportKind::MetricsJson => "vicreg-metrics.json".to_string(),
            ExportKind::ConfigJson => "vicreg-config.json".to_string(),
        }
    }
}

/// Returns the file name of the chart on the canvas `canvas_id`, such as
/// `vicreg-plot-spectrum.svg` for `plot-spectrum` and the extension `svg`.
fn plot_file_name(canvas_id: &str, extension: &str) -> String {
    format!("vicreg-{canvas_id}.{extension}")
}

/// Builds the file of `kind` from the session and offers it as a download.
///
/// A chart is drawn again as SVG by [`draw_chart`], the code that draws its canvas, at the
/// canvas's CSS size. The metrics are the session's whole metrics history, and the
/// configuration is the session's, in the format that [`share::from_json`] reads.
///
/// # Errors
///
/// Returns a message for the user when `kind` names no chart, drawing or serialising fails, or
/// the browser cannot create the download.
pub fn export(
    kind: ExportKind,
    session: &Session,
    snapshot: Option<&MetricsSnapshot>,
    show_covariance: bool,
    reference: Option<(&Session, Option<&MetricsSnapshot>)>,
) -> Result<(), String> {
    let file_name = kind.file_name();
    let failed = |reason: String| format!("Saving {file_name} failed: {reason}.");

    let (contents, mime_type) = match kind {
        ExportKind::PlotSvg(canvas_id) => {
            let svg = match (Chart::from_canvas_id(canvas_id), reference) {
                (Some(chart), _) => chart_svg(canvas_id, |area| {
                    draw_chart(chart, area, session, snapshot, show_covariance)
                }),
                (None, Some((reference, reference_snapshot))) => chart_svg(canvas_id, |area| {
                    let sessions = [reference, session];
                    draw_compare_chart(canvas_id, area, sessions, [reference_snapshot, snapshot])
                }),
                (None, None) => Err(PlotError::UnknownChart(canvas_id.to_string())),
            };
            (svg.map_err(|error| failed(error.to_string()))?, "image/svg+xml")
        }
        ExportKind::MetricsCsv => {
            let csv = report::metrics_csv(&report::metrics_rows(session));
            (csv, "text/csv;charset=utf-8")
        }
        ExportKind::MetricsJson => {
            let json = report::metrics_json(&report::metrics_rows(session))
                .map_err(|error| failed(error.to_string()))?;
            (json, "application/json")
        }
        ExportKind::ConfigJson => {
            let json =
                report::config_json(session.config()).map_err(|error| failed(error.to_string()))?;
            (json, "application/json")
        }
    };

    let url = object_url(&contents, mime_type).map_err(failed)?;
    download(&url, &file_name).map_err(failed)?;
    logging::log!("saved {file_name} ({} bytes)", contents.len());
    Ok(())
}

/// Draws a chart with `draw` as an SVG document at the CSS size of the canvas `canvas_id`, or at
/// [`DEFAULT_SVG_SIZE`] when the canvas is hidden or missing.
fn chart_svg(
    canvas_id: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let canvas_size = canvas_by_id(canvas_id).and_then(|canvas| {
        let width = u32::try_from(canvas.client_width()).ok()?;
        let height = u32::try_from(canvas.client_height()).ok()?;
        (width > 0 && height > 0).then_some((width, height))
    });
    let size = canvas_size.unwrap_or(DEFAULT_SVG_SIZE);

    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&area)?;
        area.present()?;
    }
    Ok(svg)
}

/// Saves the chart on the canvas `canvas_id` as the PNG of its current pixels, at the screen's
/// resolution.
fn save_png(canvas_id: &str) -> Result<(), String> {
    let file_name = plot_file_name(canvas_id, "png");
    let failed = |reason: String| format!("Saving {file_name} failed: {reason}.");

    let canvas =
        canvas_by_id(canvas_id).ok_or_else(|| failed(format!("canvas `{canvas_id}` not found")))?;
    let data_url = canvas
        .to_data_url_with_type("image/png")
        .map_err(|error| failed(describe(&error)))?;
    download(&data_url, &file_name).map_err(failed)?;
    logging::log!("saved {file_name}");
    Ok(())
}

/// Wraps `contents` in a `Blob` of `mime_type` and returns an object URL for it.
fn object_url(contents: &str, mime_type: &str) -> Result<String, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = BlobPropertyBag::new();
    options.set_type(mime_type);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|error| format!("creating the file failed ({})", describe(&error)))?;
    Url::create_object_url_with_blob(&blob)
        .map_err(|error| format!("creating its URL failed ({})", describe(&error)))
}

/// Points the [`LAST_EXPORT_ID`] link at `href` with the file name `file_name`, clicks it and
/// revokes the object URL of the previous download.
fn download(href: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| "the page has no document".to_string())?;
    let anchor = match document.get_element_by_id(LAST_EXPORT_ID) {
        Some(element) => element.dyn_into::<HtmlAnchorElement>().ok(),
        None => None,
    };
    let anchor = match anchor {
        Some(anchor) => anchor,
        None => document
            .create_element("a")
            .ok()
            .and_then(|element| element.dyn_into::<HtmlAnchorElement>().ok())
            .ok_or_else(|| "creating the download link failed".to_string())?,
    };

    anchor.set_href(href);
    anchor.set_download(file_name);
    anchor.click();

    // The click starts the download at once, so the previous file's URL is no longer needed.
    let object_url = href.starts_with("blob:").then(|| href.to_string());
    let previous = LAST_OBJECT_URL.with(|last| last.replace(object_url));
    if let Some(previous) = previous {
        let _ = Url::revoke_object_url(&previous);
    }
    Ok(())
}

/// Returns the message of a JavaScript error value, or its debug form.
fn describe(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// Renders the PNG and SVG buttons of the chart on the canvas `canvas_id`.
#[component]
pub fn PlotExport(
    /// Id of the chart's canvas, one of the ids in [`super::charts`].
    canvas_id: &'static str,
) -> impl IntoView {
    let chart_name = Chart::from_canvas_id(canvas_id).map_or(canvas_id, Chart::name);
    let (error, set_error) = signal(None::<String>);

    let on_png = move |_| match save_png(canvas_id) {
        Ok(()) => set_error.set(None),
        Err(message) => {
            logging::error!("{message}");
            set_error.set(Some(message));
        }
    };
    let on_svg = move |_| state::send(Command::Export(ExportKind::PlotSvg(canvas_id)));

    view! {
        <span class="plot-export">
            <button
                type="button"
                data-export="png"
                aria-label=format!("Save the {chart_name} as PNG")
                title=format!("Save the {chart_name} as PNG")
                on:click=on_png
            >
                "PNG"
            </button>
            <button
                type="button"
                data-export="svg"
                aria-label=format!("Save the {chart_name} as SVG")
                title=format!("Save the {chart_name} as SVG")
                on:click=on_svg
            >
                "SVG"
            </button>
            <span class="field-error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </span>
        </span>
    }
}

/// Renders the buttons that save the metrics history and the configuration, and the import of a
/// configuration file.
///
/// An import reads the file with [`share::from_json`], which keeps the default of every rejected
/// field, and applies the whole configuration as one change. The panel then lists each rejected
/// field, and the status and error lines show the same. A file that cannot be read, is not a JSON
/// object or gives an invalid configuration changes nothing, and the message gives the reason. An import
/// restarts training from fresh weights, so that the file reproduces its run.
#[component]
pub fn ExportPanel(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let (import_message, set_import_message) = signal(String::new());
    let (rejected_fields, set_rejected_fields) = signal(Vec::<String>::new());
    // The error line this panel last showed, so that the next import replaces only its own.
    let shown_error = StoredValue::new(None::<String>);
    let disabled = move || !state.ready.get();

    let on_export =
        |kind: ExportKind| move |_: leptos::ev::MouseEvent| state::send(Command::Export(kind));
    let on_import = move |event: leptos::ev::Event| {
        let input = event_target::<HtmlInputElement>(&event);
        let file = input.files().and_then(|files| files.get(0));
        // Clearing the input makes choosing the same file again, after editing it, a change.
        input.set_value("");
        let Some(file) = file else {
            return;
        };
        leptos::task::spawn_local(async move {
            let outcome = import_file(state, &file).await;

            // Replace this panel's previous error, and add to an error from elsewhere.
            let previous = shown_error.get_value();
            let own = state
                .error
                .with_untracked(|error| error.is_none() || *error == previous);
            let import_error = outcome.error_text();
            if own {
                state.error.set(import_error.clone());
                shown_error.set_value(import_error);
            } else if let Some(import_error) = import_error {
                let other = state.error.get_untracked().unwrap_or_default();
                let combined = Some(format!("{other}\n{import_error}"));
                state.error.set(combined.clone());
                shown_error.set_value(combined);
            }
            state.status.set(outcome.summary.clone());
            set_import_message.set(outcome.summary);
            set_rejected_fields.set(outcome.rejected_fields);
        });
    };

    let buttons = [
        ("export-metrics-csv", ExportKind::MetricsCsv, "Metrics CSV"),
        ("export-metrics-json", ExportKind::MetricsJson, "Metrics JSON"),
        ("export-config", ExportKind::ConfigJson, "Configuration JSON"),
    ]
    .into_iter()
    .map(|(id, kind, label)| {
        view! {
            <button id=id type="button" disabled=disabled on:click=on_export(kind)>
                {label}
            </button>
        }
    })
    .collect_view();

    view! {
        <section class="panel export">
            <h2>"Export and import"</h2>
            <div class="export-buttons">{buttons}</div>
            <div class="control">
                <label for="import-config">"Import a configuration (JSON)"</label>
                <input
                    id="import-config"
                    type="file"
                    accept=".json,application/json"
                    disabled=disabled
                    on:change=on_import
                />
            </div>
            <p id="import-message" role="status" hidden=move || import_message.with(String::is_empty)>
                {move || import_message.get()}
            </p>
            <ul
                id="import-rejected"
                class="field-error"
                hidden=move || rejected_fields.with(Vec::is_empty)
            >
                {move || {
                    rejected_fields
                        .get()
                        .into_iter()
                        .map(|line| view! { <li>{line}</li> })
                        .collect_view()
                }}
            </ul>
            <FieldError error=Signal::derive(move || state.field_error(Field::Import)) />
            <a id=LAST_EXPORT_ID hidden></a>
        </section>
    }
}

/// The outcome of one import, for the panel, the status line and the error line.
struct ImportOutcome {
    /// One line for the status line and `#import-message`.
    summary: String,
    /// One line per rejected field of the file.
    rejected_fields: Vec<String>,
    /// Whether the whole file was rejected, so the summary is an error.
    failed: bool,
}

impl ImportOutcome {
    fn failed(file_name: &str, reason: &str) -> Self {
        logging::warn!("import of {file_name} failed: {reason}");
        Self {
            summary: format!(
                "Import of {file_name} failed: {}. The configuration is unchanged.",
                reason.trim_end_matches('.')
            ),
            rejected_fields: Vec::new(),
            failed: true,
        }
    }

    /// Returns the text for the page's error line: the summary of a failed import, or the
    /// rejected fields one per line, or `None` when nothing was rejected.
    fn error_text(&self) -> Option<String> {
        if self.failed {
            Some(self.summary.clone())
        } else if self.rejected_fields.is_empty() {
            None
        } else {
            let mut lines = vec![self.summary.clone()];
            lines.extend(self.rejected_fields.iter().cloned());
            Some(lines.join("\n"))
        }
    }
}

/// Reads `file`, applies the configuration in it and restarts training from fresh weights.
async fn import_file(state: AppState, file: &File) -> ImportOutcome {
    let file_name = file.name();

    // Read the text.
    if file.size() > MAX_IMPORT_BYTES {
        let reason = format!(
            "the file has {} bytes, more than the {} bytes a configuration file may have",
            file.size(),
            MAX_IMPORT_BYTES
        );
        return ImportOutcome::failed(&file_name, &reason);
    }
    let text = match JsFuture::from(file.text()).await {
        Ok(text) => text.as_string().unwrap_or_default(),
        Err(error) => {
            let reason = format!("reading the file failed ({})", describe(&error));
            return ImportOutcome::failed(&file_name, &reason);
        }
    };

    // Parse it: every rejected field keeps its default and yields a warning.
    let parsed = match share::from_json(&text) {
        Ok(parsed) => parsed,
        Err(reason) => return ImportOutcome::failed(&file_name, &reason),
    };
    let rejected_fields: Vec<String> = parsed
        .warnings
        .iter()
        .map(|warning| warning.to_string())
        .collect();

    // Apply the whole configuration as one change, validated against the data.
    let live_change = !state
        .config
        .with_untracked(|config| config.needs_reset(&parsed.config));
    state.change_config(Field::Import, |config| {
        *config = parsed.config;
        Ok(())
    });
    let rejection = state.field_errors.with_untracked(|errors| {
        errors
            .iter()
            .find(|(field, _)| *field == Field::Import)
            .map(|(_, message)| message.clone())
    });
    if let Some(reason) = rejection {
        // The summary states the reason, so the line under the input would repeat it.
        state.clear_field_error(Field::Import);
        return ImportOutcome::failed(&file_name, &reason);
    }
    // A change the session takes live keeps its weights, so reset them to reproduce the run.
    if live_change {
        state::send(Command::Reset);
    }

    let settings = count_settings(&text);
    let summary = format!(
        "Imported {file_name}: {settings} settings, {} rejected.",
        rejected_fields.len()
    );
    logging::log!("{summary}");
    for line in &rejected_fields {
        logging::warn!("{file_name}: {line}");
    }
    ImportOutcome {
        summary,
        rejected_fields,
        failed: false,
    }
}

/// Counts the settings in a configuration file as [`share::from_json`] reads them: each
/// top-level field, and each field inside `loss`. Returns 0 for text that is not a JSON object.
fn count_settings(text: &str) -> usize {
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else {
        return 0;
    };
    object
        .iter()
        .map(|(key, value)| match (key.as_str(), value) {
            ("loss", Value::Object(loss)) => loss.len(),
            _ => 1,
        })
        .sum()
}
