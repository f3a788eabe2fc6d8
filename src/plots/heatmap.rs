//! Covariance and correlation heatmaps with a colour scale bar.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{MAX_MAGNITUDE, extent, format_integer_tick, format_tick};
use super::palette::diverging_colour;
use super::series::draw_no_data;
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};

/// Width in pixels of the strip with the colour scale bar and its labels.
const SCALE_STRIP_WIDTH: u32 = 75;

/// Narrower areas than this get no colour scale bar, so that the matrix keeps some room.
const MIN_WIDTH_FOR_SCALE: u32 = 200;

/// Colour steps drawn in the scale bar.
const SCALE_STEPS: usize = 64;

/// Draws a `dim × dim` matrix as a heatmap under the caption `title`, with a colour scale bar on
/// the right.
///
/// Row `i` is drawn top to bottom and column `j` left to right, so the diagonal runs from the
/// top left. Colours come from [`diverging_colour`] of `value / limit`: values of `-limit` and
/// below are dark blue, 0 is near white, and `limit` and above are dark red. A `limit` that is
/// not finite and positive is replaced by the largest |value| in the matrix, or by 1 when every
/// value is 0 or non-finite. NaN cells are drawn grey and infinities take the end colours. Pass
/// `limit = 1.0` for a correlation matrix.
///
/// # Shapes
///
/// - `matrix`: `[dim, dim]` row-major, such as [`MetricsSnapshot::covariance`] or
///   [`MetricsSnapshot::correlation`]
///
/// [`MetricsSnapshot::covariance`]: crate::engine::MetricsSnapshot::covariance
/// [`MetricsSnapshot::correlation`]: crate::engine::MetricsSnapshot::correlation
///
/// # Errors
///
/// [`PlotError::LengthMismatch`] when `matrix.len()` is not `dim * dim`, and
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    matrix: &[f64],
    dim: usize,
    title: &str,
    limit: f64,
) -> Result<(), PlotError> {
    let expected = dim.saturating_mul(dim);
    if matrix.len() != expected {
        return Err(PlotError::LengthMismatch {
            name: "matrix",
            expected,
            actual: matrix.len(),
        });
    }
    area.fill(&WHITE)?;
    let limit = colour_limit(matrix, limit);

    // Split off the title, then a strip on the right for the colour scale bar.
    let body = area.titled(title, (FONT_FAMILY, CAPTION_SIZE))?;
    let (width, _) = body.dim_in_pixel();
    let strip_width = if width >= MIN_WIDTH_FOR_SCALE {
        SCALE_STRIP_WIDTH
    } else {
        0
    };
    let (matrix_area, scale_area) = body.split_horizontally(width - strip_width);

    draw_cells(&matrix_area, matrix, dim, limit)?;
    if strip_width > 0 {
        draw_scale(&scale_area, limit)?;
    }
    Ok(())
}

/// Returns `limit` when it is finite and positive, else the largest |value| of `matrix`, else 1.
/// The result is capped at ±1e300 so that the scale bar's range has a finite width.
fn colour_limit(matrix: &[f64], limit: f64) -> f64 {
    if limit.is_finite() && limit > 0.0 {
        return limit.min(MAX_MAGNITUDE);
    }
    match extent(matrix.iter().map(|value| value.abs())) {
        Some((_, largest)) if largest > 0.0 => largest,
        _ => 1.0,
    }
}

/// Draws the matrix cells. Cell `(i, j)` spans `[j − 0.5, j + 0.5] × [i − 0.5, i + 0.5]`, so the
/// integer ticks sit at cell centres.
fn draw_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    matrix: &[f64],
    dim: usize,
    limit: f64,
) -> Result<(), PlotError> {
    let end = dim.max(1) as f64 - 0.5;

    // The y range runs from `end` down to −0.5, which puts row 0 at the top.
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(-0.5..end, end..-0.5)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .disable_mesh()
        .x_label_formatter(&|value| format_integer_tick(*value))
        .y_label_formatter(&|value| format_integer_tick(*value))
        .draw()?;

    let cells = matrix.iter().enumerate().map(|(index, &value)| {
        let row = (index / dim) as f64;
        let column = (index % dim) as f64;
        Rectangle::new(
            [(column - 0.5, row - 0.5), (column + 0.5, row + 0.5)],
            diverging_colour(value / limit).filled(),
        )
    });
    chart.draw_series(cells)?;
    if dim == 0 {
        draw_no_data(&chart)?;
    }
    Ok(())
}

/// Draws the vertical colour scale bar from `-limit` at the bottom to `limit` at the top, with
/// its tick labels on the right.
fn draw_scale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    limit: f64,
) -> Result<(), PlotError> {
    // The same top margin and bottom label area as the matrix keep both vertically aligned.
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(30)
        .right_y_label_area_size(45)
        .build_cartesian_2d(0.0..1.0, -limit..limit)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .disable_mesh()
        .disable_x_axis()
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    let step = 2.0 * limit / SCALE_STEPS as f64;
    let bands = (0..SCALE_STEPS).map(|band| {
        let low = -limit + band as f64 * step;
        let centre = low + 0.5 * step;
        Rectangle::new(
            [(0.0, low), (1.0, low + step)],
            diverging_colour(centre / limit).filled(),
        )
    });
    chart.draw_series(bands)?;
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::series::NO_DATA;
    use super::super::test_support::{SIZE, count_tags, has_text, render_svg};
    use super::*;

    fn identity(dim: usize) -> Vec<f64> {
        (0..dim * dim)
            .map(|index| if index % (dim + 1) == 0 { 1.0 } else { 0.0 })
            .collect()
    }

    #[test]
    fn heatmap_draws_cells_and_scale() {
        let svg = render_svg(SIZE, |area| {
            heatmap(area, &identity(8), 8, "correlation", 1.0)
        })
        .expect("drawing succeeds");
        assert!(has_text(&svg, "correlation"), "title missing");
        assert!(
            count_tags(&svg, "rect") >= 64 + SCALE_STEPS,
            "expected cells and scale bands"
        );
    }

    #[test]
    fn heatmap_colours_diagonal_red() {
        let svg = render_svg(SIZE, |area| heatmap(area, &identity(4), 4, "identity", 1.0))
            .expect("drawing succeeds");
        assert!(
            svg.contains("#67001F") || svg.contains("#67001f"),
            "no dark red cell"
        );
        assert!(
            svg.contains("#F7F7F7") || svg.contains("#f7f7f7"),
            "no neutral cell"
        );
    }

    #[test]
    fn heatmap_rejects_wrong_length() {
        let result = render_svg(SIZE, |area| heatmap(area, &[0.0; 5], 2, "bad", 1.0));
        assert_eq!(
            result,
            Err(PlotError::LengthMismatch {
                name: "matrix",
                expected: 4,
                actual: 5
            })
        );
    }

    #[test]
    fn heatmap_accepts_empty_matrix() {
        let svg = render_svg(SIZE, |area| heatmap(area, &[], 0, "empty", 1.0)).expect("drawn");
        assert!(has_text(&svg, NO_DATA), "notice missing");
    }

    #[test]
    fn heatmap_draws_nan_and_infinite_cells() {
        let matrix = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5];
        let result = render_svg(SIZE, |area| {
            heatmap(area, &matrix, 2, "bad values", f64::NAN)
        });
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn heatmap_draws_all_zero_matrix() {
        let result = render_svg(SIZE, |area| heatmap(area, &[0.0; 9], 3, "zeros", 0.0));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn heatmap_fits_tiny_area() {
        let result = render_svg((6, 6), |area| heatmap(area, &identity(3), 3, "tiny", 1.0));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn colour_limit_falls_back_to_data() {
        assert_eq!(colour_limit(&[0.5, -2.0, f64::NAN], 1.5), 1.5);
        assert_eq!(colour_limit(&[0.5, -2.0, f64::NAN], f64::NAN), 2.0);
        assert_eq!(colour_limit(&[0.5, -2.0], -1.0), 2.0);
        assert_eq!(colour_limit(&[0.0, f64::INFINITY], 0.0), 1.0);
        assert_eq!(colour_limit(&[], f64::INFINITY), 1.0);
        assert_eq!(colour_limit(&[], f64::MAX), MAX_MAGNITUDE);
    }
}
