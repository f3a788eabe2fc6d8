//! Scatter of the embedding's first two principal components, coloured by class.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{extent, format_tick, is_plottable, padded_range};
use super::palette::class_colour;
use super::series::draw_no_data;
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};

/// Width in pixels of the legend strip on the right.
const LEGEND_WIDTH: u32 = 60;

/// Narrower areas than this get no legend, so that the scatter keeps some room.
const MIN_WIDTH_FOR_LEGEND: u32 = 200;

/// Height in pixels of one legend row.
const LEGEND_ROW_HEIGHT: i32 = 18;

/// Radius in pixels of each point.
const POINT_RADIUS: u32 = 3;

/// Draws one dot per sample at its first two principal components, coloured by its label with
/// [`class_colour`], and a legend of the labels `0..class_count` on the right.
///
/// Points with a non-finite coordinate are skipped. Labels at or above `class_count` are still
/// drawn but get no legend row, and legend rows that do not fit the height are left out. From
/// label 10 on the colours repeat, as [`class_colour`] describes.
///
/// # Shapes
///
/// - `points`: `[count]` of `[pc1, pc2]`, such as [`MetricsSnapshot::pca`]
/// - `labels`: `[count]`, such as [`MetricsSnapshot::labels`]
///
/// [`MetricsSnapshot::pca`]: crate::engine::MetricsSnapshot::pca
/// [`MetricsSnapshot::labels`]: crate::engine::MetricsSnapshot::labels
///
/// # Errors
///
/// [`PlotError::LengthMismatch`] when `labels` and `points` differ in length, and
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn pca_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[[f64; 2]],
    labels: &[u8],
    class_count: usize,
) -> Result<(), PlotError> {
    if labels.len() != points.len() {
        return Err(PlotError::LengthMismatch {
            name: "labels",
            expected: points.len(),
            actual: labels.len(),
        });
    }
    area.fill(&WHITE)?;

    // Split off the title, then a strip on the right for the legend.
    let body = area.titled(
        "first two principal components",
        (FONT_FAMILY, CAPTION_SIZE),
    )?;
    let (width, _) = body.dim_in_pixel();
    let legend_width = if width >= MIN_WIDTH_FOR_LEGEND && class_count > 0 {
        LEGEND_WIDTH
    } else {
        0
    };
    let (plot_area, legend_area) = body.split_horizontally(width - legend_width);

    let visible: Vec<(f64, f64, u8)> = points
        .iter()
        .zip(labels)
        .filter(|([x, y], _)| is_plottable(*x) && is_plottable(*y))
        .map(|(&[x, y], &label)| (x, y, label))
        .collect();
    let x_range = padded_range(extent(visible.iter().map(|&(x, _, _)| x)), 0.05);
    let y_range = padded_range(extent(visible.iter().map(|&(_, y, _)| y)), 0.05);

    let mut chart = ChartBuilder::on(&plot_area)
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range, y_range)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .x_desc("PC 1")
        .y_desc("PC 2")
        .x_label_formatter(&|value| format_tick(*value))
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;
    let dots = visible.iter().map(|&(x, y, label)| {
        Circle::new((x, y), POINT_RADIUS, class_colour(label).mix(0.8).filled())
    });
    chart.draw_series(dots)?;
    if visible.is_empty() {
        draw_no_data(&chart)?;
    }

    if legend_width > 0 {
        draw_class_legend(&legend_area, class_count)?;
    }
    Ok(())
}

/// Draws one row per label: a dot in the class colour and the label number.
fn draw_class_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    class_count: usize,
) -> Result<(), PlotError> {
    let (_, height) = area.dim_in_pixel();
    let height = i32::try_from(height).unwrap_or(i32::MAX);
    let text_style = TextStyle::from((FONT_FAMILY, 13).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));

    // Labels are `u8`, so at most 256 classes can appear.
    let labels = (0..=u8::MAX).take(class_count);
    for (row, label) in labels.enumerate() {
        let y = 20 + LEGEND_ROW_HEIGHT * row as i32;
        if y + LEGEND_ROW_HEIGHT / 2 > height {
            break;
        }
        area.draw(&Circle::new((12, y), 5, class_colour(label).filled()))?;
        area.draw(&Text::new(label.to_string(), (24, y), text_style.clone()))?;
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::palette::{CLASS_PALETTE, css_colour};
    use super::super::series::NO_DATA;
    use super::super::test_support::{SIZE, count_tags, has_text, render_svg};
    use super::*;

    fn ring(count: usize) -> (Vec<[f64; 2]>, Vec<u8>) {
        let points = (0..count)
            .map(|i| {
                let angle = i as f64 * 0.7;
                [angle.cos() * (1.0 + i as f64), angle.sin()]
            })
            .collect();
        let labels = (0..count).map(|i| (i % 10) as u8).collect();
        (points, labels)
    }

    #[test]
    fn pca_scatter_draws_points_and_legend() {
        let (points, labels) = ring(30);
        let svg = render_svg(SIZE, |area| pca_scatter(area, &points, &labels, 10)).expect("drawn");
        assert!(
            has_text(&svg, "first two principal components"),
            "caption missing"
        );
        assert!(
            count_tags(&svg, "circle") >= 30 + 10,
            "expected 30 dots and 10 legend dots"
        );
        for label in 0..10 {
            assert!(
                has_text(&svg, &label.to_string()),
                "legend label {label} missing"
            );
        }
        let colour = css_colour(CLASS_PALETTE[3]).to_uppercase();
        assert!(svg.contains(&colour), "class 3 colour {colour} missing");
    }

    #[test]
    fn pca_scatter_rejects_label_mismatch() {
        let result = render_svg(SIZE, |area| pca_scatter(area, &[[0.0, 0.0]; 3], &[0, 1], 2));
        assert_eq!(
            result,
            Err(PlotError::LengthMismatch {
                name: "labels",
                expected: 3,
                actual: 2
            })
        );
    }

    #[test]
    fn pca_scatter_accepts_empty_input() {
        let svg = render_svg(SIZE, |area| pca_scatter(area, &[], &[], 0)).expect("drawn");
        assert!(has_text(&svg, NO_DATA), "notice missing");
    }

    #[test]
    fn pca_scatter_skips_non_finite_points() {
        let points = [[f64::NAN, 0.0], [1.0, f64::INFINITY], [0.5, 0.5]];
        let svg = render_svg(SIZE, |area| pca_scatter(area, &points, &[0, 1, 2], 0)).expect("ok");
        assert_eq!(
            count_tags(&svg, "circle"),
            1,
            "only the finite point is drawn"
        );
    }

    #[test]
    fn pca_scatter_draws_collapsed_points() {
        // Complete collapse: every embedding projects to the same point.
        let points = [[0.0, 0.0]; 50];
        let labels = [3u8; 50];
        let result = render_svg(SIZE, |area| pca_scatter(area, &points, &labels, 10));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn pca_scatter_legend_fits_height() {
        let (points, labels) = ring(5);
        let svg =
            render_svg((400, 120), |area| pca_scatter(area, &points, &labels, 256)).expect("drawn");
        assert!(
            count_tags(&svg, "circle") < 5 + 10,
            "legend rows beyond the height are cut"
        );
    }

    #[test]
    fn pca_scatter_fits_tiny_area() {
        let (points, labels) = ring(5);
        let result = render_svg((9, 9), |area| pca_scatter(area, &points, &labels, 10));
        assert!(result.is_ok(), "{result:?}");
    }
}
