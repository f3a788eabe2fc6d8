//! Colours shared by the charts and the app's HTML legends.

use plotters::style::RGBColor;

use crate::engine::metrics::Collapse;

/// Categorical colours of the classes, indexed by label.
///
/// The values are Tableau 10 as d3-scale-chromatic's `schemeTableau10` lists them: ten distinct
/// hues for the ten digit classes. Some pairs can still look alike to colour-blind viewers, so
/// every chart that uses them also labels each colour in a legend.
pub const CLASS_PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2c),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x49),
    RGBColor(0xaf, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xab),
];

/// Colour of a value that is NaN, where a heatmap has no number to show.
pub const MISSING_COLOUR: RGBColor = RGBColor(128, 128, 128);

/// Stops of ColorBrewer's 11-class RdBu scheme from −1 (dark blue) through 0 (near white) to +1
/// (dark red). Its arms are blue and red rather than red and green, so viewers with red–green
/// colour blindness can still tell the sign apart.
const DIVERGING_STOPS: [RGBColor; 11] = [
    RGBColor(0x05, 0x30, 0x61),
    RGBColor(0x21, 0x66, 0xac),
    RGBColor(0x43, 0x93, 0xc3),
    RGBColor(0x92, 0xc5, 0xde),
    RGBColor(0xd1, 0xe5, 0xf0),
    RGBColor(0xf7, 0xf7, 0xf7),
    RGBColor(0xfd, 0xdb, 0xc7),
    RGBColor(0xf4, 0xa5, 0x82),
    RGBColor(0xd6, 0x60, 0x4d),
    RGBColor(0xb2, 0x18, 0x2b),
    RGBColor(0x67, 0x00, 0x1f),
];

/// Returns the colour of class `label`. Labels from 10 on reuse the palette from the start.
pub fn class_colour(label: u8) -> RGBColor {
    CLASS_PALETTE[usize::from(label) % CLASS_PALETTE.len()]
}

/// Maps `value` in [−1, 1] to the diverging blue–white–red colour map: −1 is dark blue, 0 is near
/// white and +1 is dark red.
///
/// Values outside [−1, 1] clamp to its ends, and NaN returns [`MISSING_COLOUR`]. Between the
/// eleven ColorBrewer RdBu stops the colour is interpolated linearly in sRGB. Divide by the
/// heatmap's limit first to map a covariance.
pub fn diverging_colour(value: f64) -> RGBColor {
    if value.is_nan() {
        return MISSING_COLOUR;
    }
    let segments = (DIVERGING_STOPS.len() - 1) as f64;
    let position = (value.clamp(-1.0, 1.0) + 1.0) * 0.5 * segments;

    // The clamp keeps `index + 1` inside the stops at value = +1.
    let index = (position.floor() as usize).min(DIVERGING_STOPS.len() - 2);
    let fraction = position - index as f64;
    let RGBColor(r0, g0, b0) = DIVERGING_STOPS[index];
    let RGBColor(r1, g1, b1) = DIVERGING_STOPS[index + 1];
    let mix = |a: u8, b: u8| -> u8 {
        let mixed = f64::from(a) + fraction * (f64::from(b) - f64::from(a));
        mixed.round().clamp(0.0, 255.0) as u8
    };
    RGBColor(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

/// Returns the colour of a collapse state, from the Okabe–Ito palette: bluish green for
/// healthy, orange for dimensional and vermillion for complete collapse.
pub fn collapse_colour(collapse: Collapse) -> RGBColor {
    match collapse {
        Collapse::Healthy => RGBColor(0, 158, 115),
        Collapse::Dimensional => RGBColor(230, 159, 0),
        Collapse::Complete => RGBColor(213, 94, 0),
    }
}

/// Formats a colour as a CSS hex colour such as `#4e79a7`, for HTML legends.
pub fn css_colour(colour: RGBColor) -> String {
    let RGBColor(red, green, blue) = colour;
    format!("#{red:02x}{green:02x}{blue:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_colours_are_distinct() {
        for (i, a) in CLASS_PALETTE.iter().enumerate() {
            for b in &CLASS_PALETTE[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn class_colour_wraps_after_ten() {
        assert_eq!(class_colour(0), CLASS_PALETTE[0]);
        assert_eq!(class_colour(9), CLASS_PALETTE[9]);
        assert_eq!(class_colour(10), CLASS_PALETTE[0]);
        assert_eq!(class_colour(255), CLASS_PALETTE[5]);
    }

    #[test]
    fn diverging_colour_hits_the_stops() {
        assert_eq!(diverging_colour(-1.0), DIVERGING_STOPS[0]);
        assert_eq!(diverging_colour(0.0), DIVERGING_STOPS[5]);
        assert_eq!(diverging_colour(1.0), DIVERGING_STOPS[10]);
    }

    #[test]
    fn diverging_colour_clamps_out_of_range() {
        assert_eq!(diverging_colour(-7.0), DIVERGING_STOPS[0]);
        assert_eq!(diverging_colour(f64::INFINITY), DIVERGING_STOPS[10]);
        assert_eq!(diverging_colour(f64::NEG_INFINITY), DIVERGING_STOPS[0]);
    }

    #[test]
    fn diverging_colour_of_nan_is_missing() {
        assert_eq!(diverging_colour(f64::NAN), MISSING_COLOUR);
    }

    #[test]
    fn diverging_colour_sign_sets_hue() {
        let RGBColor(red, _, blue) = diverging_colour(-0.5);
        assert!(
            blue > red,
            "negative values are blue, got red {red} blue {blue}"
        );
        let RGBColor(red, _, blue) = diverging_colour(0.5);
        assert!(
            red > blue,
            "positive values are red, got red {red} blue {blue}"
        );
    }

    #[test]
    fn diverging_colour_interpolates_between_stops() {
        // Halfway between the stops at 0 (#f7f7f7) and 0.2 (#fddbc7).
        assert_eq!(diverging_colour(0.1), RGBColor(250, 233, 223));
    }

    #[test]
    fn collapse_colours_are_distinct() {
        let healthy = collapse_colour(Collapse::Healthy);
        let dimensional = collapse_colour(Collapse::Dimensional);
        let complete = collapse_colour(Collapse::Complete);
        assert_ne!(healthy, dimensional);
        assert_ne!(healthy, complete);
        assert_ne!(dimensional, complete);
    }

    #[test]
    fn css_colour_is_lowercase_hex() {
        assert_eq!(css_colour(CLASS_PALETTE[0]), "#4e79a7");
        assert_eq!(css_colour(RGBColor(0, 10, 255)), "#000aff");
    }
}
