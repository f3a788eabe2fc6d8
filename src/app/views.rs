//! The strip of training samples with their two augmented views.

use leptos::prelude::*;

use crate::engine::data::DIGIT_SIDE;
use crate::engine::{DatasetKind, Session};

use super::canvas::canvas_by_id;
use super::state::AppState;

/// Samples shown in the strip.
pub const STRIP_SAMPLES: usize = 6;

/// Row captions of the strip: the sample, then its two views.
const ROW_NAMES: [&str; 3] = ["original", "view 1", "view 2"];

/// Returns the id of the canvas for `sample` in row `row` (0 original, 1 and 2 the views).
fn image_id(sample: usize, row: usize) -> String {
    format!("views-{sample}-{row}")
}

/// Draws the first [`STRIP_SAMPLES`] training digits and two fresh augmented views of each.
/// The 2-D datasets have no images, so nothing is drawn for them.
pub fn draw_views(session: &Session) {
    if session.config().dataset != DatasetKind::Digits {
        return;
    }
    let (originals, view_a, view_b) = session.preview_views(STRIP_SAMPLES);
    let pixels = DIGIT_SIDE * DIGIT_SIDE;
    for sample in 0..originals.len() {
        let rows = [
            &originals.inputs[sample * pixels..(sample + 1) * pixels],
            &view_a[sample * pixels..(sample + 1) * pixels],
            &view_b[sample * pixels..(sample + 1) * pixels],
        ];
        for (row, image) in rows.into_iter().enumerate() {
            draw_digit(&image_id(sample, row), image);
        }
    }
}

/// Draws one 8×8 image, one canvas pixel per image pixel; CSS scales it up without smoothing.
/// Intensities are clamped to 0–1 and drawn dark on light, as ink on paper.
fn draw_digit(id: &str, image: &[f32]) {
    let Some(canvas) = canvas_by_id(id) else {
        return;
    };
    let side = DIGIT_SIDE as u32;
    if canvas.width() != side || canvas.height() != side {
        canvas.set_width(side);
        canvas.set_height(side);
    }
    let Some(context) = canvas.get_context("2d").ok().flatten().and_then(|context| {
        wasm_bindgen::JsCast::dyn_into::<web_sys::CanvasRenderingContext2d>(context).ok()
    }) else {
        return;
    };
    for (index, &value) in image.iter().enumerate() {
        let intensity = if value.is_finite() {
            value.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let grey = (255.0 * (1.0 - intensity)).round() as u8;
        context.set_fill_style_str(&format!("rgb({grey},{grey},{grey})"));
        let x = (index % DIGIT_SIDE) as f64;
        let y = (index / DIGIT_SIDE) as f64;
        context.fill_rect(x, y, 1.0, 1.0);
    }
}

/// Renders the strip of six training digits, each above its two augmented views. The strip is
/// hidden for the 2-D datasets, whose samples are points rather than images.
#[component]
pub fn ViewsStrip(
    /// The page's state; the strip reads the dataset from the shown configuration.
    state: AppState,
) -> impl IntoView {
    let is_digits = move || {
        state
            .config
            .with(|config| config.dataset == DatasetKind::Digits)
    };

    view! {
        <section class="panel views-panel">
            <h2>"Augmented views"</h2>
            <p class="hint" hidden=is_digits>
                "The 2-D datasets have no images: their views are rotated, scaled and jittered \
                 points."
            </p>
            <div id="views-strip" class="views-strip" hidden=move || !is_digits()>
                <div class="views-captions">
                    {ROW_NAMES.map(|name| view! { <span>{name}</span> })}
                </div>
                {(0..STRIP_SAMPLES)
                    .map(|sample| {
                        view! {
                            <div class="views-column">
                                {(0..ROW_NAMES.len())
                                    .map(|row| {
                                        view! {
                                            <canvas
                                                id=image_id(sample, row)
                                                class="digit"
                                                width="8"
                                                height="8"
                                            ></canvas>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}
