//! Augmentations that turn one sample into two random views, controlled by one strength knob.
//!
//! At strength 1 a digit is shifted by up to ±1 pixel, rotated by up to ±10°, given Gaussian
//! pixel noise with σ = 0.1 and, with probability 0.5, has a 3×3 patch erased. A 2-D point is
//! rotated by up to ±15° about the origin, scaled by 0.9–1.1 and jittered with σ = 0.1. Every
//! range scales linearly with the strength, so strength 0 returns the sample unchanged.

use rand::Rng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

use super::data::{DIGIT_SIDE, DatasetKind, Samples};

/// Largest accepted augmentation strength.
pub const MAX_STRENGTH: f32 = 3.0;

/// Side of the square patch that random erasing sets to zero, in pixels.
const ERASE_SIDE: usize = 3;

/// Draws augmented views of samples.
#[derive(Clone, Debug)]
pub struct Augmenter {
    kind: DatasetKind,
    strength: f32,
}

impl Augmenter {
    /// Creates an augmenter for `kind`; `strength` is clamped to `0..=MAX_STRENGTH`.
    pub fn new(kind: DatasetKind, strength: f32) -> Self {
        let strength = if strength.is_finite() { strength.clamp(0.0, MAX_STRENGTH) } else { 1.0 };
        Self { kind, strength }
    }

    /// Returns the strength in use.
    pub fn strength(&self) -> f32 {
        self.strength
    }

    /// Returns two independently augmented views of the samples at `indices`.
    ///
    /// # Shapes
    ///
    /// - each returned view: `[indices.len(), samples.dim]`, row-major
    pub fn two_views(
        &self,
        samples: &Samples,
        indices: &[usize],
        rng: &mut StdRng,
    ) -> (Vec<f32>, Vec<f32>) {
        let mut view_a = Vec::with_capacity(indices.len() * samples.dim);
        let mut view_b = Vec::with_capacity(indices.len() * samples.dim);
        for &index in indices {
            view_a.extend(self.augment(samples.row(index), rng));
            view_b.extend(self.augment(samples.row(index), rng));
        }
        (view_a, view_b)
    }

    /// Returns one augmented copy of `input`.
    pub fn augment(&self, input: &[f32], rng: &mut StdRng) -> Vec<f32> {
        match self.kind {
            DatasetKind::Digits => self.augment_digit(input, rng),
            DatasetKind::Blobs | DatasetKind::TwoMoons => self.augment_point(input, rng),
        }
    }

    fn augment_digit(&self, image: &[f32], rng: &mut StdRng) -> Vec<f32> {
        let strength = self.strength;
        if strength == 0.0 {
            return image.to_vec();
        }

        // Geometry: a whole-pixel shift and a small rotation about the image centre.
        let max_shift = strength.round() as i32;
        let shift_x = rng.random_range(-max_shift..=max_shift) as f32;
        let shift_y = rng.random_range(-max_shift..=max_shift) as f32;
        let angle = (10.0 * strength).to_radians() * rng.random_range(-1.0f32..=1.0);
        let mut output = rotate_and_shift(image, angle, shift_x, shift_y);

        // Pixel noise, then clamping back to the input range.
        let noise = Normal::new(0.0, 0.1 * strength).expect("strength is finite and ≥ 0");
        for pixel in &mut output {
            *pixel = (*pixel + noise.sample(rng)).clamp(0.0, 1.0);
        }

        // Random erasing of one square patch.
        if rng.random::<f32>() < (0.5 * strength).min(1.0) {
            let top = rng.random_range(0..=DIGIT_SIDE - ERASE_SIDE);
            let left = rng.random_range(0..=DIGIT_SIDE - ERASE_SIDE);
            for row in top..top + ERASE_SIDE {
                output[row * DIGIT_SIDE + left..row * DIGIT_SIDE + left + ERASE_SIDE].fill(0.0);
            }
        }
        output
    }

    fn augment_point(&self, point: &[f32], rng: &mut StdRng) -> Vec<f32> {
        let strength = self.strength;
        let angle = (15.0 * strength).to_radians() * rng.random_range(-1.0f32..=1.0);
        let scale = 1.0 + 0.1 * strength * rng.random_range(-1.0f32..=1.0);
        let jitter = Normal::new(0.0, 0.1 * strength).expect("strength is finite and ≥ 0");
        let (sin, cos) = angle.sin_cos();
        let (x, y) = (point[0], point[1]);
        vec![
            scale * (cos * x - sin * y) + jitter.sample(rng),
            scale * (sin * x + cos * y) + jitter.sample(rng),
        ]
    }
}

/// Resamples an 8×8 image rotated by `angle` radians about its centre and shifted by whole
/// pixels, with bilinear interpolation and zero outside the image.
fn rotate_and_shift(image: &[f32], angle: f32, shift_x: f32, shift_y: f32) -> Vec<f32> {
    let side = DIGIT_SIDE as f32;
    let centre = (side - 1.0) / 2.0;
    let (sin, cos) = angle.sin_cos();
    let pixel = |row: i32, column: i32| -> f32 {
        if (0..DIGIT_SIDE as i32).contains(&row) && (0..DIGIT_SIDE as i32).contains(&column) {
            image[row as usize * DIGIT_SIDE + column as usize]
        } else {
            0.0
        }
    };

    let mut output = vec![0.0; DIGIT_SIDE * DIGIT_SIDE];
    for row in 0..DIGIT_SIDE {
        for column in 0..DIGIT_SIDE {
            // Map each output pixel back to its source position (the inverse transform).
            let x = column as f32 - shift_x - centre;
            let y = row as f32 - shift_y - centre;
            let source_x = cos * x + sin * y + centre;
            let source_y = -sin * x + cos * y + centre;

            let (x0, y0) = (source_x.floor(), source_y.floor());
            let (fx, fy) = (source_x - x0, source_y - y0);
            let (x0, y0) = (x0 as i32, y0 as i32);
            let top = pixel(y0, x0) * (1.0 - fx) + pixel(y0, x0 + 1) * fx;
            let bottom = pixel(y0 + 1, x0) * (1.0 - fx) + pixel(y0 + 1, x0 + 1) * fx;
            output[row * DIGIT_SIDE + column] = top * (1.0 - fy) + bottom * fy;
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn test_image() -> Vec<f32> {
        (0..64).map(|i| (i % 7) as f32 / 7.0).collect()
    }

    #[test]
    fn zero_strength_is_identity() {
        let mut rng = StdRng::seed_from_u64(0);
        let image = test_image();
        assert_eq!(Augmenter::new(DatasetKind::Digits, 0.0).augment(&image, &mut rng), image);
        let point = [0.3, -1.2];
        assert_eq!(Augmenter::new(DatasetKind::Blobs, 0.0).augment(&point, &mut rng), point);
    }

    #[test]
    fn whole_pixel_shift_moves_pixels() {
        let image = test_image();
        let shifted = rotate_and_shift(&image, 0.0, 1.0, 0.0);
        assert_eq!(shifted[0], 0.0);
        assert!((shifted[1] - image[0]).abs() < 1e-6);
        assert!((shifted[9] - image[8]).abs() < 1e-6);
    }

    #[test]
    fn views_differ_and_stay_in_range() {
        let samples = Samples { inputs: test_image(), labels: vec![3], dim: 64 };
        let mut rng = StdRng::seed_from_u64(1);
        let augmenter = Augmenter::new(DatasetKind::Digits, 1.0);
        let (a, b) = augmenter.two_views(&samples, &[0, 0], &mut rng);
        assert_eq!(a.len(), 128);
        assert_ne!(a, b);
        assert!(a.iter().chain(&b).all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn strength_is_clamped() {
        assert_eq!(Augmenter::new(DatasetKind::Digits, 99.0).strength(), MAX_STRENGTH);
        assert_eq!(Augmenter::new(DatasetKind::Digits, -1.0).strength(), 0.0);
        assert_eq!(Augmenter::new(DatasetKind::Digits, f32::NAN).strength(), 1.0);
    }
}
