//! Line series that break where a value cannot be drawn, legends and the empty-chart notice.

use plotters::coord::CoordTranslate;
use plotters::prelude::*;

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{FONT_FAMILY, LABEL_SIZE, PlotError};

/// Text of [`draw_no_data`].
pub(crate) const NO_DATA: &str = "no data yet";

/// Splits `(x, y)` points into runs of consecutive points whose `y` passes `keep`, so that a line
/// breaks at a missing (`None`) or undrawable value instead of bridging it.
pub(crate) fn plottable_runs(
    points: impl IntoIterator<Item = (f64, Option<f64>)>,
    keep: fn(f64) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (x, y) in points {
        match y {
            Some(y) if keep(y) => current.push((x, y)),
            _ => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Draws each run as a line of `colour`, or as a dot when it has a single point, and gives the
/// first run the legend entry `name`. Returns whether a legend entry was added.
pub(crate) fn draw_runs<DB, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    runs: Vec<Vec<(f64, f64)>>,
    name: &str,
    colour: RGBColor,
) -> Result<bool, PlotError>
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let stroke = ShapeStyle::from(colour).stroke_width(2);
    let mut labelled = false;
    for run in runs {
        // A lone point has no line to draw, so it gets a dot instead.
        let point_size = if run.len() == 1 { 3 } else { 0 };
        let annotation = chart.draw_series(LineSeries::new(run, stroke).point_size(point_size))?;
        if !labelled {
            annotation.label(name).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
            labelled = true;
        }
    }
    Ok(labelled)
}

/// Draws the legend box at `position` inside the plotting area.
pub(crate) fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT_FAMILY, LABEL_SIZE))
        .draw()?;
    Ok(())
}

/// Writes "no data yet" in the centre of the plotting area, for charts with nothing to plot.
pub(crate) fn draw_no_data<DB, CT>(chart: &ChartContext<'_, DB, CT>) -> Result<(), PlotError>
where
    DB: DrawingBackend,
    CT: CoordTranslate,
{
    let area = chart.plotting_area().strip_coord_spec();
    let (width, height) = area.dim_in_pixel();
    let centre = (
        i32::try_from(width / 2).unwrap_or(0),
        i32::try_from(height / 2).unwrap_or(0),
    );
    let style = TextStyle::from((FONT_FAMILY, LABEL_SIZE + 2).into_font())
        .color(&RGBColor(110, 110, 110))
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(NO_DATA, centre, style))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::axis::is_log_plottable;
    use super::*;

    #[test]
    fn plottable_runs_break_at_invalid_values() {
        let points = [
            (1.0, Some(1.0)),
            (2.0, Some(2.0)),
            (3.0, Some(f64::NAN)),
            (4.0, Some(4.0)),
            (5.0, None),
            (6.0, Some(0.0)),
            (7.0, Some(-1.0)),
            (8.0, Some(8.0)),
            (9.0, Some(9.0)),
        ];
        let runs = plottable_runs(points, is_log_plottable);
        assert_eq!(runs.len(), 3, "{runs:?}");
        assert_eq!(runs[0], vec![(1.0, 1.0), (2.0, 2.0)]);
        assert_eq!(runs[1], vec![(4.0, 4.0)]);
        assert_eq!(runs[2], vec![(8.0, 8.0), (9.0, 9.0)]);
    }

    #[test]
    fn plottable_runs_of_nothing_is_empty() {
        assert!(plottable_runs([], is_log_plottable).is_empty());
        assert!(plottable_runs([(1.0, None), (2.0, Some(f64::NAN))], is_log_plottable).is_empty());
    }
}
