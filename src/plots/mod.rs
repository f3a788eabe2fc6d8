//! Charts of the engine's results, drawn with plotters on any
//! [`DrawingBackend`](plotters::prelude::DrawingBackend).
//!
//! The browser app passes a `<canvas>` area from plotters-canvas and the CLI passes an
//! `SVGBackend` area, so both show the same pictures. Each function clears its area to white,
//! draws one chart and leaves presenting the area to the caller.
//!
//! Data from training can contain NaN, infinity, empty series or all-equal values. Every function
//! skips non-finite values, falls back to a default axis range when nothing is left to plot, and
//! widens a zero-width range, so none of these cases panics or builds an invalid axis.

mod axis;
mod bars;
mod heatmap;
mod loss;
mod paired;
mod palette;
mod scatter;
mod series;
mod spectrum;
mod time;

use std::error::Error;

use plotters::drawing::DrawingAreaErrorKind;

pub use bars::std_bars;
pub use heatmap::heatmap;
pub use loss::loss_curves;
pub use paired::{PairedLabels, RUN_A_COLOUR, RUN_B_COLOUR, paired_lines};
pub use palette::{
    CLASS_PALETTE, MISSING_COLOUR, class_colour, collapse_colour, css_colour, diverging_colour,
};
pub use scatter::pca_scatter;
pub use spectrum::spectrum;
pub use time::{effective_rank_over_time, knn_accuracy_over_time};

/// Font family of every caption, axis label and legend.
const FONT_FAMILY: &str = "sans-serif";

/// Caption font size in pixels.
const CAPTION_SIZE: u32 = 16;

/// Font size in pixels of tick labels, axis descriptions and legends.
const LABEL_SIZE: u32 = 12;

/// Failures of the drawing functions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlotError {
    /// The drawing backend failed, for example because the canvas is gone or a write failed.
    #[error("drawing the chart failed: {0}")]
    Backend(String),
    /// No chart is drawn under this name.
    #[error("no chart is called `{0}`")]
    UnknownChart(String),
    /// Two inputs that must match in length do not.
    #[error("{name} has {actual} values but {expected} were expected: pass inputs of equal length")]
    LengthMismatch {
        /// The input whose length is wrong.
        name: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        actual: usize,
    },
}

impl<E: Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Backend(error.to_string())
    }
}

/// Renders charts to SVG text for the tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod test_support {
    use plotters::coord::Shift;
    use plotters::prelude::*;

    use super::PlotError;

    /// Default test canvas size in pixels.
    pub const SIZE: (u32, u32) = (640, 480);

    /// Runs `draw` on an SVG area of `size` pixels and returns the SVG document.
    pub fn render_svg(
        size: (u32, u32),
        draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), PlotError>,
    ) -> Result<String, PlotError> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            draw(&root)?;
            root.present()?;
        }
        Ok(svg)
    }

    /// Returns whether the SVG document contains a `<text>` element whose whole content is
    /// `text`. plotters-svg 0.3.7 writes the content on a line of its own.
    pub fn has_text(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n</text>"))
    }

    /// Counts the elements with the tag `tag`, such as `rect`, in an SVG document.
    pub fn count_tags(svg: &str, tag: &str) -> usize {
        svg.matches(&format!("<{tag} ")).count() + svg.matches(&format!("<{tag}>")).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_error_names_the_input() {
        let error = PlotError::LengthMismatch {
            name: "labels",
            expected: 3,
            actual: 2,
        };
        let message = error.to_string();
        assert!(message.contains("labels"), "{message}");
        assert!(message.contains('3'), "{message}");
        assert!(message.contains('2'), "{message}");
    }
}
