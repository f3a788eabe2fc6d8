//! Loss terms over the training steps.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{extent, format_tick, is_log_plottable, log_range, padded_range};
use super::palette::CLASS_PALETTE;
use super::series::{draw_legend, draw_no_data, draw_runs, plottable_runs};
use super::{CAPTION_SIZE, FONT_FAMILY, LABEL_SIZE, PlotError};
use crate::engine::loss::{Convention, LossTerms};
use crate::engine::session::StepRecord;

/// Colour of the total loss. Black sets the weighted sum apart from the coloured raw terms.
const TOTAL_COLOUR: RGBColor = RGBColor(0, 0, 0);

/// One curve: its legend name, colour and value at each step, if any.
struct Curve {
    name: &'static str,
    colour: RGBColor,
    values: Vec<(f64, Option<f64>)>,
}

/// Draws the loss history: one line per raw term and one for the weighted total, against the
/// training step on a log-scale y axis, with a legend.
///
/// The terms are drawn before their weights λ, μ and ν: invariance, the variance part
/// [`LossTerms::variance`] in `convention` and the covariance part [`LossTerms::covariance`]. A
/// term that is `None` at every step was switched off and gets no line. Values that are not
/// positive and finite cannot sit on a log axis and are skipped, and the line breaks there.
///
/// # Errors
///
/// [`PlotError::Backend`] when the backend fails to draw.
pub fn loss_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &[StepRecord],
    convention: Convention,
) -> Result<(), PlotError> {
    area.fill(&WHITE)?;
    let curves = collect_curves(history, convention);

    let steps = history.iter().map(|record| record.step as f64);
    let x_range = padded_range(extent(steps), 0.0);
    let values = curves
        .iter()
        .flat_map(|curve| curve.values.iter().filter_map(|(_, v)| *v));
    let y_range = log_range(values);

    let mut chart = ChartBuilder::on(area)
        .caption("VICReg loss", (FONT_FAMILY, CAPTION_SIZE))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d(x_range, y_range.log_scale())?;
    chart
        .configure_mesh()
        .label_style((FONT_FAMILY, LABEL_SIZE))
        .axis_desc_style((FONT_FAMILY, LABEL_SIZE))
        .x_desc("step")
        .x_label_formatter(&|value| format_tick(*value))
        .y_desc("loss (log scale)")
        .y_label_formatter(&|value| format_tick(*value))
        .draw()?;

    let mut labelled = false;
    for curve in curves {
        let runs = plottable_runs(curve.values, is_log_plottable);
        labelled |= draw_runs(&mut chart, runs, curve.name, curve.colour)?;
    }
    if labelled {
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    } else {
        draw_no_data(&chart)?;
    }
    Ok(())
}

/// Builds the curves of the terms that are `Some` at some step, followed by the total.
fn collect_curves(history: &[StepRecord], convention: Convention) -> Vec<Curve> {
    let term = |name, colour, value: &dyn Fn(&LossTerms) -> Option<f32>| Curve {
        name,
        colour,
        values: history
            .iter()
            .map(|record| (record.step as f64, value(&record.terms).map(f64::from)))
            .collect(),
    };
    let candidates = [
        term("invariance", CLASS_PALETTE[0], &|terms| terms.invariance),
        term("variance", CLASS_PALETTE[1], &|terms| {
            terms.variance(convention)
        }),
        term("covariance", CLASS_PALETTE[4], &|terms| terms.covariance()),
    ];

    let mut curves: Vec<Curve> = candidates
        .into_iter()
        .filter(|curve| curve.values.iter().any(|(_, value)| value.is_some()))
        .collect();
    curves.push(term("total", TOTAL_COLOUR, &|terms| Some(terms.total)));
    curves
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::series::NO_DATA;
    use super::super::test_support::{SIZE, count_tags, has_text, render_svg};
    use super::*;

    fn record(step: usize, invariance: Option<f32>, total: f32) -> StepRecord {
        StepRecord {
            step,
            terms: LossTerms {
                invariance,
                variance_a: Some(0.5),
                variance_b: Some(0.25),
                covariance_a: None,
                covariance_b: None,
                total,
            },
        }
    }

    fn history(len: usize) -> Vec<StepRecord> {
        (1..=len)
            .map(|step| record(step, Some(1.0 / step as f32), 30.0 / step as f32))
            .collect()
    }

    #[test]
    fn loss_curves_draws_active_terms() {
        let svg = render_svg(SIZE, |area| {
            loss_curves(area, &history(20), Convention::Paper)
        })
        .expect("drawing succeeds");
        assert!(has_text(&svg, "VICReg loss"), "caption missing");
        assert!(has_text(&svg, "invariance"), "invariance legend missing");
        assert!(has_text(&svg, "variance"), "variance legend missing");
        assert!(has_text(&svg, "total"), "total legend missing");
        assert!(
            !has_text(&svg, "covariance"),
            "covariance is switched off but has a legend"
        );
        assert!(count_tags(&svg, "polyline") >= 3, "expected three lines");
    }

    #[test]
    fn variance_curve_follows_convention() {
        let history = history(1);
        let paper = collect_curves(&history, Convention::Paper);
        let reference = collect_curves(&history, Convention::Reference);
        assert_eq!(paper[1].values[0].1, Some(0.75));
        assert_eq!(reference[1].values[0].1, Some(0.375));
    }

    #[test]
    fn covariance_curve_sums_both_views() {
        let mut history = history(1);
        history[0].terms.covariance_a = Some(0.5);
        history[0].terms.covariance_b = Some(1.5);
        let curves = collect_curves(&history, Convention::Reference);
        let covariance = curves.iter().find(|curve| curve.name == "covariance");
        assert_eq!(covariance.map(|curve| curve.values[0].1), Some(Some(2.0)));
    }

    #[test]
    fn loss_curves_accepts_empty_history() {
        let svg =
            render_svg(SIZE, |area| loss_curves(area, &[], Convention::Reference)).expect("drawn");
        assert!(has_text(&svg, NO_DATA), "notice missing");
    }

    #[test]
    fn loss_curves_draws_single_step() {
        let svg = render_svg(SIZE, |area| {
            loss_curves(area, &history(1), Convention::Reference)
        })
        .expect("drawing succeeds");
        assert!(
            count_tags(&svg, "circle") >= 1,
            "a single step is drawn as a dot"
        );
    }

    #[test]
    fn loss_curves_skips_non_finite_values() {
        let history = vec![
            record(1, Some(f32::NAN), f32::INFINITY),
            record(2, Some(0.0), -1.0),
            record(3, Some(f32::NEG_INFINITY), f32::NAN),
        ];
        let result = render_svg(SIZE, |area| loss_curves(area, &history, Convention::Paper));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn loss_curves_draws_equal_values() {
        let history: Vec<StepRecord> = (1..=5).map(|step| record(step, Some(2.0), 2.0)).collect();
        let result = render_svg(SIZE, |area| loss_curves(area, &history, Convention::Paper));
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn loss_curves_fits_tiny_area() {
        let result = render_svg((8, 8), |area| {
            loss_curves(area, &history(3), Convention::Paper)
        });
        assert!(result.is_ok(), "{result:?}");
    }
}
