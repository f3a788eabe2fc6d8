//! Runs A and B of compare mode on shared axes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{extent, format_tick, is_plottable, padded_range};
use super::palette::CLASS_PALETTE;
use super::series::{draw_legend, draw_no_data, draw_runs, plottable_runs};
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};

/// Colour of run A: blue from the class palette.
pub const RUN_A_COLOUR: RGBColor = CLASS_PALETTE[0];

/// Colour of run B: orange from the class palette, which stays distinct from A's blue for the
/// common colour-vision deficiencies.
pub const RUN_B_COLOUR: RGBColor = CLASS_PALETTE[1];

/// Text of one chart of two runs.
#[derive(Clone, Copy, Debug)]
pub struct PairedLabels<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Description of the x axis.
    pub x: &'a str,
    /// Description of the y axis.
    pub y: &'a str,
    /// Legend entry of run A.
    pub a: &'a str,
    /// Legend entry of run B.
    pub b: &'a str,
}

/// Draws the `(x, y)` series of runs A and B as two lines on one pair of axes, so that both
/// share a scale, with a legend. When `zero_based` is set the y axis starts at 0 unless a value
/// is negative.
///
/// Non-finite values are skipped, and a line breaks there.
///
/// # Shapes
///
/// - `a`, `b`: `[points]`, in x order; the two may differ in length
///
/// # Errors
///
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn paired_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: PairedLabels<'_>,
    a: &[(f64, f64)],
    b: &[(f64, f64)],
    zero_based: bool,
) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let both = || a.iter().chain(b);
    let x_range = padded_range(extent(both().map(|&(x, _)| x)), 0.0);
    let floor = zero_based.then_some(0.0);
    let y_range = padded_range(extent(both().map(|&(_, y)| y).chain(floor)), 0.05);
    let mut chart = ChartBuilder::on(area)
        .caption(labels.title, (FONT_FAMILY, CAPTION_SIZE))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d(x_range, y_range)?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .x_desc(labels.x)
        .x_label_formatter(&|value| format_tick(*value))
        .y_desc(labels.y)
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    let runs = |series: &[(f64, f64)]| {
        plottable_runs(series.iter().map(|&(x, y)| (x, Some(y))), is_plottable)
    };
    let mut labelled = draw_runs(&mut chart, runs(a), labels.a, RUN_A_COLOUR)?;
    labelled |= draw_runs(&mut chart, runs(b), labels.b, RUN_B_COLOUR)?;
    if labelled {
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    } else {
        draw_no_data(&chart)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::test_support::{has_text, render_svg};

    const LABELS: PairedLabels<'static> = PairedLabels {
        title: "effective rank",
        x: "step",
        y: "rank",
        a: "A vi-reg",
        b: "B vicreg",
    };

    #[test]
    fn draws_both_runs_with_a_legend() {
        let a = [(0.0, 5.0), (10.0, 2.0), (20.0, 1.5)];
        let b = [(0.0, 5.0), (10.0, 6.0), (20.0, f64::NAN), (30.0, 6.5)];
        let svg =
            render_svg((400, 300), |area| paired_lines(area, LABELS, &a, &b, true)).expect("draws");
        assert!(has_text(&svg, "A vi-reg"), "{svg}");
        assert!(has_text(&svg, "B vicreg"), "{svg}");
        assert!(!has_text(&svg, "no data yet"));
    }

    #[test]
    fn empty_runs_say_no_data() {
        let svg = render_svg((400, 300), |area| {
            paired_lines(area, LABELS, &[], &[], false)
        })
        .expect("draws");
        assert!(has_text(&svg, "no data yet"), "{svg}");
    }
}
