//! Singular value spectrum with the effective rank.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{format_integer_tick, format_tick, is_log_plottable, is_plottable, log_range};
use super::palette::CLASS_PALETTE;
use super::series::draw_no_data;
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};

/// Draws the singular values, largest first, against their rank k = 1, 2, … on a log y axis,
/// with the effective rank written in the top right corner and marked by a vertical dashed line
/// at x = `effective_rank`.
///
/// The values are sorted here, so any order is accepted. Values that are not positive and finite
/// cannot sit on a log axis, so they are skipped, but they still count in the total written
/// beside the effective rank. A non-finite `effective_rank` is written as undefined and gets no
/// marker.
///
/// # Shapes
///
/// - `singular_values`: `[count]`, such as [`MetricsSnapshot::singular_values`]
///
/// [`MetricsSnapshot::singular_values`]: crate::engine::MetricsSnapshot::singular_values
///
/// # Errors
///
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn spectrum<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    singular_values: &[f64],
    effective_rank: f64,
) -> Result<(), PlotError> {
    area.fill(&WHITE)?;

    // Plottable values go first, largest first, so that they take the ranks 1, 2, and so on.
    let mut sorted = singular_values.to_vec();
    sorted.sort_by(|a, b| {
        let plottable = is_log_plottable(*b).cmp(&is_log_plottable(*a));
        plottable.then_with(|| b.total_cmp(a))
    });
    let points: Vec<(f64, f64)> = sorted
        .iter()
        .enumerate()
        .filter(|(_, value)| is_log_plottable(**value))
        .map(|(index, &value)| ((index + 1) as f64, value))
        .collect();

    let count = singular_values.len();
    let x_range = 0.5..(count.max(1) as f64 + 0.5);
    let y_range = log_range(points.iter().map(|&(_, value)| value));

    let mut chart = ChartBuilder::on(area)
        .caption("singular value spectrum", (FONT_FAMILY, CAPTION_SIZE))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d(x_range.clone(), y_range.clone().log_scale())?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .x_desc("rank k")
        .y_desc("singular value (log scale)")
        .x_label_formatter(&|value| format_integer_tick(*value))
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    if points.is_empty() {
        draw_no_data(&chart)?;
    }
    let style = ShapeStyle::from(CLASS_PALETTE[0]).stroke_width(2);
    chart.draw_series(LineSeries::new(points, style).point_size(3))?;

    if is_plottable(effective_rank) && x_range.contains(&effective_rank) {
        let marker = [
            (effective_rank, y_range.start),
            (effective_rank, y_range.end),
        ];
        let marker_style = ShapeStyle::from(CLASS_PALETTE[2]).stroke_width(2);
        chart.draw_series(DashedLineSeries::new(marker, 8, 5, marker_style))?;
    }

    // The label hangs 8 pixels inside the top right corner of the plotting area.
    let label_style = TextStyle::from((FONT_FAMILY, 14).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Top));
    let corner = (x_range.end, y_range.end);
    let label = EmptyElement::at(corner)
        + Text::new(rank_label(effective_rank, count), (-8, 8), label_style);
    chart.plotting_area().draw(&label)?;
    Ok(())
}

/// Formats the effective rank and the number of singular values, its maximum.
fn rank_label(effective_rank: f64, count: usize) -> String {
    if effective_rank.is_finite() {
        format!("effective rank {effective_rank:.2} of {count}")
    } else {
        format!("effective rank undefined ({count} values)")
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::series::NO_DATA;
    use super::super::test_support::{SIZE, count_tags, has_text, render_svg};
    use super::*;

    #[test]
    fn spectrum_writes_the_effective_rank() {
        let values: Vec<f64> = (0..16).map(|k| 10.0 / (k + 1) as f64).collect();
        let svg = render_svg(SIZE, |area| spectrum(area, &values, 9.31)).expect("drawn");
        assert!(has_text(&svg, "singular value spectrum"), "caption missing");
        assert!(
            has_text(&svg, "effective rank 9.31 of 16"),
            "effective rank missing"
        );
        assert!(
            count_tags(&svg, "circle") >= 16,
            "expected one dot per singular value"
        );
    }

    #[test]
    fn spectrum_sorts_largest_first() {
        let svg = render_svg(SIZE, |area| spectrum(area, &[1.0, 100.0, 10.0], 1.5)).expect("drawn");
        let dots: Vec<(f64, f64)> = svg
            .split("<circle ")
            .skip(1)
            .filter_map(|element| Some((attribute(element, "cx")?, attribute(element, "cy")?)))
            .collect();
        assert_eq!(dots.len(), 3, "{dots:?}");
        for pair in dots.windows(2) {
            assert!(pair[0].0 < pair[1].0, "dots go left to right: {dots:?}");
            assert!(
                pair[0].1 < pair[1].1,
                "dots go down (values decrease): {dots:?}"
            );
        }
    }

    fn attribute(element: &str, name: &str) -> Option<f64> {
        let start = element.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + element[start..].find('"')?;
        element[start..end].parse().ok()
    }

    #[test]
    fn spectrum_accepts_empty_input() {
        let svg = render_svg(SIZE, |area| spectrum(area, &[], 0.0)).expect("drawn");
        assert!(has_text(&svg, "effective rank 0.00 of 0"), "label missing");
        assert!(has_text(&svg, NO_DATA), "notice missing");
    }

    #[test]
    fn spectrum_skips_non_finite_values() {
        let values = [f64::NAN, 3.0, f64::INFINITY, 0.0, -1.0, 1.0];
        let svg = render_svg(SIZE, |area| spectrum(area, &values, f64::NAN)).expect("drawn");
        assert!(
            has_text(&svg, "effective rank undefined (6 values)"),
            "label missing"
        );
        assert_eq!(count_tags(&svg, "circle"), 2, "only 3 and 1 can be drawn");
    }

    #[test]
    fn spectrum_draws_equal_values() {
        let result = render_svg(SIZE, |area| spectrum(area, &[2.0; 8], 8.0));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn spectrum_draws_single_value() {
        let svg = render_svg(SIZE, |area| spectrum(area, &[4.0], 1.0)).expect("drawn");
        assert_eq!(count_tags(&svg, "circle"), 1, "expected one dot");
    }

    #[test]
    fn spectrum_fits_tiny_area() {
        let result = render_svg((7, 7), |area| spectrum(area, &[3.0, 1.0], 1.8));
        assert!(result.is_ok(), "{result:?}");
    }
}
