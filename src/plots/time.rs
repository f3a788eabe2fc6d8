//! Headline metrics over the training steps.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{extent, format_tick, is_plottable, padded_range, zero_based_range};
use super::palette::{CLASS_PALETTE, collapse_colour};
use super::series::{draw_legend, draw_no_data, draw_runs, plottable_runs};
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};
use crate::engine::metrics::Collapse;
use crate::engine::session::MetricsPoint;

/// Colour of the effective rank line. Its dots carry the collapse colours.
const RANK_LINE_COLOUR: RGBColor = RGBColor(90, 90, 90);

/// Draws the effective rank of each snapshot against the training step, as a grey line with one
/// dot per snapshot coloured by its [`Collapse`] state ([`collapse_colour`]), and a legend of the
/// states.
///
/// The y axis starts at 0. Non-finite ranks are skipped, and the line breaks there.
///
/// # Shapes
///
/// - `points`: `[snapshots]`, in step order
///
/// # Errors
///
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn effective_rank_over_time<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[MetricsPoint],
) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let ranks = points.iter().map(|point| point.effective_rank);
    let y_range = zero_based_range(ranks);
    let mut chart = ChartBuilder::on(area)
        .caption("effective rank", (FONT_FAMILY, CAPTION_SIZE))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(step_range(points), y_range)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .x_desc("step")
        .x_label_formatter(&|value| format_tick(*value))
        .y_desc("effective rank")
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    let values = points
        .iter()
        .map(|point| (point.step as f64, Some(point.effective_rank)));
    let line = ShapeStyle::from(RANK_LINE_COLOUR).stroke_width(2);
    for run in plottable_runs(values, is_plottable) {
        chart.draw_series(LineSeries::new(run, line))?;
    }
    let plotted: Vec<&MetricsPoint> = points
        .iter()
        .filter(|point| is_plottable(point.effective_rank))
        .collect();
    let dots = plotted.iter().map(|point| {
        let position = (point.step as f64, point.effective_rank);
        Circle::new(position, 4, collapse_colour(point.collapse).filled())
    });
    chart.draw_series(dots)?;
    if plotted.is_empty() {
        draw_no_data(&chart)?;
    }

    // Empty series that exist only to add one legend entry per collapse state.
    for state in [Collapse::Healthy, Collapse::Dimensional, Collapse::Complete] {
        let colour = collapse_colour(state);
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
            .label(state.name())
            .legend(move |(x, y)| Circle::new((x + 10, y), 4, colour.filled()));
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// Draws the k-NN accuracy of the embedding and of the representation against the training
/// step, one line each, with a legend.
///
/// The y axis spans [0, 1] and widens only if a value falls outside. Non-finite values are
/// skipped, and the line breaks there.
///
/// # Shapes
///
/// - `points`: `[snapshots]`, in step order
///
/// # Errors
///
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn knn_accuracy_over_time<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[MetricsPoint],
) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let accuracies = points.iter().flat_map(|point| {
        [
            point.knn_accuracy_embedding,
            point.knn_accuracy_representation,
        ]
    });
    let y_range = match extent(accuracies.chain([0.0, 1.0])) {
        Some((low, high)) if low < 0.0 || high > 1.0 => padded_range(Some((low, high)), 0.05),
        _ => 0.0..1.0,
    };
    let mut chart = ChartBuilder::on(area)
        .caption("k-NN accuracy", (FONT_FAMILY, CAPTION_SIZE))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(step_range(points), y_range)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .x_desc("step")
        .x_label_formatter(&|value| format_tick(*value))
        .y_desc("accuracy")
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    let embedding = points
        .iter()
        .map(|point| (point.step as f64, Some(point.knn_accuracy_embedding)));
    let representation = points
        .iter()
        .map(|point| (point.step as f64, Some(point.knn_accuracy_representation)));
    let embedding_runs = plottable_runs(embedding, is_plottable);
    let representation_runs = plottable_runs(representation, is_plottable);
    let mut labelled = draw_runs(&mut chart, embedding_runs, "embedding", CLASS_PALETTE[0])?;
    labelled |= draw_runs(
        &mut chart,
        representation_runs,
        "representation",
        CLASS_PALETTE[1],
    )?;
    if labelled {
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    } else {
        draw_no_data(&chart)?;
    }
    Ok(())
}

/// Returns the x range of the snapshot steps, without padding.
fn step_range(points: &[MetricsPoint]) -> std::ops::Range<f64> {
    padded_range(extent(points.iter().map(|point| point.step as f64)), 0.0)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::palette::css_colour;
    use super::super::series::NO_DATA;
    use super::super::test_support::{SIZE, count_tags, has_text, render_svg};
    use super::*;

    fn point(step: usize, rank: f64, accuracy: f64, collapse: Collapse) -> MetricsPoint {
        MetricsPoint {
            step,
            effective_rank: rank,
            mean_std: 0.7,
            mean_abs_correlation: 0.3,
            mean_cosine_similarity: 0.2,
            knn_accuracy_embedding: accuracy,
            knn_accuracy_representation: accuracy + 0.05,
            collapse,
        }
    }

    fn run(len: usize) -> Vec<MetricsPoint> {
        (0..len)
            .map(|i| {
                let collapse = if i < len / 2 {
                    Collapse::Complete
                } else {
                    Collapse::Healthy
                };
                point(100 * i, 1.0 + i as f64, 0.1 + 0.05 * i as f64, collapse)
            })
            .collect()
    }

    #[test]
    fn effective_rank_colours_dots_by_collapse() {
        let svg = render_svg(SIZE, |area| effective_rank_over_time(area, &run(6))).expect("drawn");
        assert!(has_text(&svg, "effective rank"), "caption missing");
        for state in ["healthy", "dimensional", "complete"] {
            assert!(has_text(&svg, state), "legend entry {state} missing");
        }
        let healthy = css_colour(collapse_colour(Collapse::Healthy)).to_uppercase();
        assert!(svg.contains(&healthy), "healthy colour {healthy} missing");
        assert!(
            count_tags(&svg, "circle") >= 6 + 3,
            "expected 6 dots and 3 legend dots"
        );
    }

    #[test]
    fn knn_accuracy_draws_both_lines() {
        let svg = render_svg(SIZE, |area| knn_accuracy_over_time(area, &run(6))).expect("drawn");
        assert!(has_text(&svg, "k-NN accuracy"), "caption missing");
        assert!(has_text(&svg, "embedding"), "embedding legend missing");
        assert!(
            has_text(&svg, "representation"),
            "representation legend missing"
        );
        assert!(count_tags(&svg, "polyline") >= 2, "expected two lines");
    }

    #[test]
    fn metrics_over_time_accept_empty_input() {
        let rank = render_svg(SIZE, |area| effective_rank_over_time(area, &[])).expect("drawn");
        assert!(has_text(&rank, NO_DATA), "rank notice missing");
        let accuracy = render_svg(SIZE, |area| knn_accuracy_over_time(area, &[])).expect("drawn");
        assert!(has_text(&accuracy, NO_DATA), "accuracy notice missing");
    }

    #[test]
    fn metrics_over_time_skip_non_finite() {
        let points = vec![
            point(0, f64::NAN, f64::NAN, Collapse::Complete),
            point(10, f64::INFINITY, f64::NEG_INFINITY, Collapse::Complete),
            point(20, 3.0, 0.5, Collapse::Healthy),
        ];
        let rank = render_svg(SIZE, |area| effective_rank_over_time(area, &points)).expect("ok");
        assert_eq!(
            count_tags(&rank, "circle"),
            1 + 3,
            "one dot and 3 legend dots"
        );
        let accuracy = render_svg(SIZE, |area| knn_accuracy_over_time(area, &points));
        assert!(accuracy.is_ok(), "{accuracy:?}");
    }

    #[test]
    fn metrics_over_time_draw_single_point() {
        let points = [point(5, 2.0, 0.3, Collapse::Dimensional)];
        let rank = render_svg(SIZE, |area| effective_rank_over_time(area, &points)).expect("ok");
        assert_eq!(
            count_tags(&rank, "circle"),
            4,
            "expected the dot and 3 legend dots"
        );
        let accuracy = render_svg(SIZE, |area| knn_accuracy_over_time(area, &points)).expect("ok");
        assert!(
            count_tags(&accuracy, "circle") >= 2,
            "each single point is drawn as a dot"
        );
    }

    #[test]
    fn metrics_over_time_draw_equal_values() {
        let points: Vec<MetricsPoint> = (0..4)
            .map(|i| point(10 * i, 0.0, 0.0, Collapse::Complete))
            .collect();
        let rank = render_svg(SIZE, |area| effective_rank_over_time(area, &points));
        assert!(rank.is_ok(), "{rank:?}");
        let accuracy = render_svg(SIZE, |area| knn_accuracy_over_time(area, &points));
        assert!(accuracy.is_ok(), "{accuracy:?}");
    }

    #[test]
    fn metrics_over_time_fit_tiny_area() {
        let rank = render_svg((4, 4), |area| effective_rank_over_time(area, &run(3)));
        assert!(rank.is_ok(), "{rank:?}");
        let accuracy = render_svg((4, 4), |area| knn_accuracy_over_time(area, &run(3)));
        assert!(accuracy.is_ok(), "{accuracy:?}");
    }
}
