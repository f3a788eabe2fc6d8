//! Per-dimension standard deviation bars.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{format_integer_tick, format_tick, is_plottable, zero_based_range};
use super::palette::CLASS_PALETTE;
use super::series::{draw_legend, draw_no_data};
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};

/// Fraction of each dimension's slot that its bar fills.
const BAR_WIDTH: f64 = 0.8;

/// Draws one bar per dimension with height `std[j]`, and a horizontal dashed line at the
/// variance target `gamma`, under the caption `title`.
///
/// Used for the embedding std ([`MetricsSnapshot::embedding_std`]) and the representation std
/// ([`MetricsSnapshot::representation_std`]). The x axis is the dimension index and the y axis
/// starts at 0 and reaches past the tallest bar and `gamma`. A non-finite std leaves its slot
/// empty, and a non-finite `gamma` draws no line.
///
/// [`MetricsSnapshot::embedding_std`]: crate::engine::MetricsSnapshot::embedding_std
/// [`MetricsSnapshot::representation_std`]: crate::engine::MetricsSnapshot::representation_std
///
/// # Shapes
///
/// - `std`: `[dim]`
///
/// # Errors
///
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn std_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    std: &[f64],
    gamma: f64,
    title: &str,
) -> Result<(), PlotError> {
    area.fill(&WHITE)?;

    // Slot j spans [j − 0.5, j + 0.5], so the integer ticks sit under the bar centres.
    let slots = std.len().max(1) as f64;
    let x_range = -0.5..(slots - 0.5);
    let y_range = zero_based_range(std.iter().copied().chain([gamma]));

    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT_FAMILY, CAPTION_SIZE))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range.clone(), y_range)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .disable_x_mesh()
        .x_desc("dimension")
        .y_desc("std")
        .x_label_formatter(&|value| format_integer_tick(*value))
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    let half_width = 0.5 * BAR_WIDTH;
    let bars = std
        .iter()
        .enumerate()
        .filter(|(_, value)| is_plottable(**value))
        .map(|(index, &value)| {
            let centre = index as f64;
            Rectangle::new(
                [(centre - half_width, 0.0), (centre + half_width, value)],
                CLASS_PALETTE[0].filled(),
            )
        });
    chart.draw_series(bars)?;
    if !std.iter().any(|value| is_plottable(*value)) {
        draw_no_data(&chart)?;
    }

    if is_plottable(gamma) {
        let style = ShapeStyle::from(BLACK).stroke_width(2);
        let line = [(x_range.start, gamma), (x_range.end, gamma)];
        chart
            .draw_series(DashedLineSeries::new(line, 8, 5, style))?
            .label(format!("γ = {}", format_tick(gamma)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::series::NO_DATA;
    use super::super::test_support::{SIZE, count_tags, has_text, render_svg};
    use super::*;

    #[test]
    fn std_bars_one_rect_per_dimension() {
        let std: Vec<f64> = (0..16).map(|j| 0.1 * j as f64).collect();
        let svg = render_svg(SIZE, |area| std_bars(area, &std, 1.0, "embedding std"))
            .expect("drawing succeeds");
        assert!(has_text(&svg, "embedding std"), "title missing");
        assert!(has_text(&svg, "γ = 1"), "γ legend missing");
        let empty = render_svg(SIZE, |area| std_bars(area, &[], 1.0, "embedding std"))
            .expect("drawing succeeds");
        assert_eq!(
            count_tags(&svg, "rect"),
            count_tags(&empty, "rect") + 16,
            "one rect per bar"
        );
    }

    #[test]
    fn std_bars_skips_non_finite_values() {
        let std = [0.5, f64::NAN, f64::INFINITY, 0.7];
        let finite = render_svg(SIZE, |area| std_bars(area, &[0.5, 0.7], f64::NAN, "std"))
            .expect("drawing succeeds");
        let mixed = render_svg(SIZE, |area| std_bars(area, &std, f64::NAN, "std"))
            .expect("drawing succeeds");
        assert_eq!(count_tags(&mixed, "rect"), count_tags(&finite, "rect"));
    }

    #[test]
    fn std_bars_accepts_empty_input() {
        let svg = render_svg(SIZE, |area| std_bars(area, &[], 1.0, "empty")).expect("drawn");
        assert!(has_text(&svg, NO_DATA), "notice missing");
    }

    #[test]
    fn std_bars_draws_all_zero() {
        let result = render_svg(SIZE, |area| std_bars(area, &[0.0; 8], 0.0, "collapsed"));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn std_bars_draws_single_dimension() {
        let svg = render_svg(SIZE, |area| std_bars(area, &[0.3], 1.0, "one")).expect("drawn");
        let empty = render_svg(SIZE, |area| std_bars(area, &[], 1.0, "one")).expect("drawn");
        assert_eq!(
            count_tags(&svg, "rect"),
            count_tags(&empty, "rect") + 1,
            "expected a bar"
        );
    }

    #[test]
    fn std_bars_fits_tiny_area() {
        let result = render_svg((5, 5), |area| std_bars(area, &[0.2, 0.4], 1.0, "tiny"));
        assert!(result.is_ok(), "{result:?}");
    }
}
