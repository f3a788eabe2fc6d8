//! Axis ranges and tick labels that stay valid for NaN, infinite, empty and all-equal data.

use std::ops::Range;

/// Values beyond ±1e300 are skipped like infinities, so that padding a range and taking its
/// width cannot overflow to infinity.
pub(crate) const MAX_MAGNITUDE: f64 = 1e300;

/// Smallest value a log axis shows. Smaller positive values are skipped like zeros, because for
/// subnormal values (below about 2.2e-308) the axis end `10^floor(log10(v))` can underflow to 0.
pub(crate) const MIN_LOG_VALUE: f64 = 1e-300;

/// Range of a linear axis when there is nothing to plot.
pub(crate) const DEFAULT_RANGE: Range<f64> = 0.0..1.0;

/// Decimal exponents of the log axis range when there is nothing to plot: 0.01 to 1.
const DEFAULT_LOG_EXPONENTS: (f64, f64) = (-2.0, 0.0);

/// Returns whether a linear axis can show `value`.
pub(crate) fn is_plottable(value: f64) -> bool {
    value.is_finite() && value.abs() <= MAX_MAGNITUDE
}

/// Returns whether a log axis can show `value`.
pub(crate) fn is_log_plottable(value: f64) -> bool {
    (MIN_LOG_VALUE..=MAX_MAGNITUDE).contains(&value)
}

/// Returns the smallest and largest plottable value, or `None` when there is none.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|&value| is_plottable(value))
        .fold(None, |extent, value| match extent {
            None => Some((value, value)),
            Some((low, high)) => Some((low.min(value), high.max(value))),
        })
}

/// Returns a linear axis range over `extent` with `fraction` of its width added on each side.
///
/// `None` gives [`DEFAULT_RANGE`]. A zero-width extent is widened by 10 % of its value on each
/// side, or by 0.5 at zero, because plotters cannot place ticks on an empty range.
pub(crate) fn padded_range(extent: Option<(f64, f64)>, fraction: f64) -> Range<f64> {
    let Some((low, high)) = extent else {
        return DEFAULT_RANGE;
    };
    let magnitude = low.abs().max(high.abs());
    let width = high - low;

    // Below this width, tick positions would differ from each other by rounding error only.
    if width <= magnitude * 1e-9 {
        let centre = 0.5 * (low + high);
        let half_width = if magnitude > 0.0 {
            0.1 * magnitude
        } else {
            0.5
        };
        return (centre - half_width)..(centre + half_width);
    }
    (low - fraction * width)..(high + fraction * width)
}

/// Returns a linear axis range from 0 to 10 % above the largest plottable value, or to 1 when no
/// value is above 0. Negative values extend it downwards with 5 % padding.
pub(crate) fn zero_based_range(values: impl IntoIterator<Item = f64>) -> Range<f64> {
    let with_zero = values.into_iter().chain([0.0]);
    match extent(with_zero) {
        Some((low, high)) if low < 0.0 => padded_range(Some((low, high)), 0.05),
        Some((_, high)) if high > 0.0 => 0.0..(1.1 * high),
        _ => DEFAULT_RANGE,
    }
}

/// Returns a log axis range that covers the log-plottable `values` and starts and ends at powers
/// of ten, so that plotters always finds a tick. With no such value it spans 0.01 to 1.
pub(crate) fn log_range(values: impl IntoIterator<Item = f64>) -> Range<f64> {
    let positive = values.into_iter().filter(|&value| is_log_plottable(value));
    let (low_exponent, high_exponent) = match extent(positive) {
        None => DEFAULT_LOG_EXPONENTS,
        Some((low, high)) => {
            let low_exponent = low.log10().floor().max(MIN_LOG_VALUE.log10());
            let high_exponent = high.log10().ceil().min(MAX_MAGNITUDE.log10());
            (low_exponent, high_exponent.max(low_exponent + 1.0))
        }
    };

    // The ends reach 1e-9 past the powers of ten, so that rounding in `powf` cannot push a power
    // just inside the range and cost it its tick label.
    (10f64.powf(low_exponent) * (1.0 - 1e-9))..(10f64.powf(high_exponent) * (1.0 + 1e-9))
}

/// Tick values closer to zero than this are labelled 0.
const TICK_ZERO: f64 = 1e-15;

/// Formats a tick value compactly with up to three significant digits: `0.05`, `25` or `1e-6`.
pub(crate) fn format_tick(value: f64) -> String {
    // Tick positions are sums of steps, so a tick meant to be zero can land on rounding noise
    // such as 5.6e-17; no chart here has a range that small.
    if value.abs() < TICK_ZERO {
        return "0".to_string();
    }
    if !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs();
    if (1e-3..1e5).contains(&magnitude) {
        let decimals = (2.0 - magnitude.log10().floor()).max(0.0) as usize;
        trim_zeros(&format!("{value:.decimals$}")).to_string()
    } else {
        let text = format!("{value:.2e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
            None => text,
        }
    }
}

/// Formats a tick value as an integer, or as an empty label between integers, for axes that
/// count dimensions or ranks.
pub(crate) fn format_integer_tick(value: f64) -> String {
    // Adding 0.0 turns -0.0 into 0.0, so the label never reads "-0".
    let rounded = value.round() + 0.0;
    if (value - rounded).abs() < 1e-9 {
        format!("{rounded:.0}")
    } else {
        String::new()
    }
}

/// Removes trailing zeros after a decimal point, and the point itself when nothing follows it.
fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extent_skips_non_finite_values() {
        let values = [f64::NAN, 2.0, f64::INFINITY, -1.0, f64::NEG_INFINITY, 1e301];
        assert_eq!(extent(values), Some((-1.0, 2.0)));
    }

    #[test]
    fn extent_of_empty_or_nan_is_none() {
        assert_eq!(extent([]), None);
        assert_eq!(extent([f64::NAN, f64::NAN]), None);
    }

    #[test]
    fn padded_range_falls_back_without_data() {
        assert_eq!(padded_range(None, 0.05), DEFAULT_RANGE);
    }

    #[test]
    fn padded_range_widens_equal_values() {
        assert_eq!(padded_range(Some((0.0, 0.0)), 0.05), -0.5..0.5);
        let range = padded_range(Some((20.0, 20.0)), 0.05);
        assert!((range.start - 18.0).abs() < 1e-12, "{range:?}");
        assert!((range.end - 22.0).abs() < 1e-12, "{range:?}");
    }

    #[test]
    fn padded_range_adds_fraction_of_width() {
        let range = padded_range(Some((0.0, 10.0)), 0.1);
        assert!((range.start + 1.0).abs() < 1e-12, "{range:?}");
        assert!((range.end - 11.0).abs() < 1e-12, "{range:?}");
    }

    #[test]
    fn padded_range_extremes_stay_finite() {
        let range = padded_range(Some((-MAX_MAGNITUDE, MAX_MAGNITUDE)), 0.05);
        assert!(range.start.is_finite(), "{range:?}");
        assert!(range.end.is_finite(), "{range:?}");
        assert!(range.start < range.end, "{range:?}");
    }

    #[test]
    fn zero_based_range_starts_at_zero() {
        assert_eq!(zero_based_range([0.5, 2.0, f64::NAN]), 0.0..2.2);
        assert_eq!(zero_based_range([]), DEFAULT_RANGE);
        assert_eq!(zero_based_range([0.0, f64::INFINITY]), DEFAULT_RANGE);
    }

    #[test]
    fn zero_based_range_extends_below_zero() {
        let range = zero_based_range([-1.0, 1.0]);
        assert!(range.start < -1.0, "{range:?}");
        assert!(range.end > 1.0, "{range:?}");
    }

    /// Returns whether `a` and `b` agree to a relative 1e-8, which covers the 1e-9 widening.
    fn close(a: f64, b: f64) -> bool {
        (a / b - 1.0).abs() < 1e-8
    }

    #[test]
    fn log_range_snaps_to_powers_of_ten() {
        let range = log_range([0.02, 3.0, -1.0, 0.0, f64::NAN]);
        assert!(close(range.start, 0.01), "{range:?}");
        assert!(close(range.end, 10.0), "{range:?}");
        assert!(
            range.start < 0.01,
            "the lower power of ten is inside: {range:?}"
        );
        assert!(
            range.end > 10.0,
            "the upper power of ten is inside: {range:?}"
        );
    }

    #[test]
    fn log_range_single_value_spans_decade() {
        let range = log_range([5.0]);
        assert!(close(range.start, 1.0), "{range:?}");
        assert!(close(range.end, 10.0), "{range:?}");
        let power = log_range([100.0]);
        assert!(close(power.start, 100.0), "{power:?}");
        assert!(close(power.end, 1000.0), "{power:?}");
    }

    #[test]
    fn log_range_without_positive_values_is_default() {
        for values in [vec![0.0, -3.0, f64::NAN, f64::INFINITY], vec![]] {
            let range = log_range(values);
            assert!(close(range.start, 0.01), "{range:?}");
            assert!(close(range.end, 1.0), "{range:?}");
        }
    }

    #[test]
    fn log_range_of_tiny_values_is_positive() {
        let range = log_range([1e-300, f64::MIN_POSITIVE, 5e-324]);
        assert!(range.start > 0.0, "{range:?}");
        assert!(range.start < range.end, "{range:?}");
    }

    #[test]
    fn format_tick_is_compact() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(-0.0), "0");
        assert_eq!(format_tick(0.1 * 3.0 - 0.3), "0");
        assert_eq!(format_tick(0.05), "0.05");
        assert_eq!(format_tick(25.0), "25");
        assert_eq!(format_tick(1.5), "1.5");
        assert_eq!(format_tick(0.001), "0.001");
        assert_eq!(format_tick(1e-6), "1e-6");
        assert_eq!(format_tick(2.5e7), "2.5e7");
        assert_eq!(format_tick(-300.0), "-300");
    }

    #[test]
    fn format_integer_tick_skips_fractions() {
        assert_eq!(format_integer_tick(3.0), "3");
        assert_eq!(format_integer_tick(2.5), "");
        assert_eq!(format_integer_tick(-0.0), "0");
        assert_eq!(format_integer_tick(-0.2), "");
    }
}
