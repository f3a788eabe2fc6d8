//! Datasets: the UCI optical digits, embedded in the binary, and two synthetic 2-D sets whose
//! inputs can be drawn directly. Labels are kept for evaluation and colour only.

use std::io::Read;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

/// The UCI digits as shipped by scikit-learn: 1,797 rows of 64 pixel counts (0–16) and a label.
const DIGITS_CSV_GZ: &[u8] = include_bytes!("../../assets/digits.csv.gz");

/// Side length of a digit image in pixels.
pub const DIGIT_SIDE: usize = 8;

/// Every `EVAL_EVERY`-th sample (index `i % EVAL_EVERY == EVAL_EVERY - 1`) belongs to the eval
/// split, so the split is fixed and independent of the training seed.
const EVAL_EVERY: usize = 5;

/// Number of points drawn for each synthetic 2-D set.
const SYNTHETIC_SIZE: usize = 1000;

/// The data to train on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// UCI optical digits: 8×8 grey images, 10 classes.
    #[default]
    Digits,
    /// Five isotropic Gaussian blobs in the plane.
    Blobs,
    /// Two interleaved half circles in the plane.
    TwoMoons,
}

impl DatasetKind {
    /// Every dataset, in the order the UI lists them.
    pub const ALL: [DatasetKind; 3] = [DatasetKind::Digits, DatasetKind::Blobs, DatasetKind::TwoMoons];

    /// Returns the kebab-case name used in URLs, files and CLI flags.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Digits => "digits",
            DatasetKind::Blobs => "blobs",
            DatasetKind::TwoMoons => "two-moons",
        }
    }

    /// Returns the number of input features of one sample.
    pub fn input_dim(self) -> usize {
        match self {
            DatasetKind::Digits => DIGIT_SIDE * DIGIT_SIDE,
            DatasetKind::Blobs | DatasetKind::TwoMoons => 2,
        }
    }

    /// Returns the number of classes, for colours and chance level.
    pub fn class_count(self) -> usize {
        match self {
            DatasetKind::Digits => 10,
            DatasetKind::Blobs => 5,
            DatasetKind::TwoMoons => 2,
        }
    }
}

impl std::str::FromStr for DatasetKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DatasetKind::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| format!("unknown dataset `{text}`: expected digits, blobs or two-moons"))
    }
}

/// Failures while reading a dataset.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The gzip stream could not be decoded.
    #[error("failed to decompress the digits file: {0}")]
    Decompress(#[from] std::io::Error),
    /// A row does not have 65 numeric fields.
    #[error("invalid digits row {row}: {reason}")]
    InvalidRow {
        /// One-based row number.
        row: usize,
        /// The problem with the row.
        reason: String,
    },
}

/// Samples stored row-major on the host, with their labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    /// Input features, `[len, dim]` row-major.
    pub inputs: Vec<f32>,
    /// Class label of each sample, used only for evaluation and colour.
    pub labels: Vec<u8>,
    /// Number of features per sample.
    pub dim: usize,
}

impl Samples {
    /// Returns the number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Returns true when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Returns the features of sample `index`.
    pub fn row(&self, index: usize) -> &[f32] {
        &self.inputs[index * self.dim..(index + 1) * self.dim]
    }
}

/// A dataset with its fixed train and eval splits.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The dataset's kind.
    pub kind: DatasetKind,
    /// Samples used for training (labels unused there) and as the k-NN reference set.
    pub train: Samples,
    /// Held-out samples on which metrics are computed.
    pub eval: Samples,
}

impl Dataset {
    /// Loads `kind`. The digits ignore `seed`; the synthetic sets draw their points from it.
    pub fn load(kind: DatasetKind, seed: u64) -> Result<Self, DataError> {
        let all = match kind {
            DatasetKind::Digits => parse_digits(DIGITS_CSV_GZ)?,
            DatasetKind::Blobs => blobs(SYNTHETIC_SIZE, seed),
            DatasetKind::TwoMoons => two_moons(SYNTHETIC_SIZE, seed),
        };
        let (train, eval) = split(&all);
        Ok(Self { kind, train, eval })
    }
}

/// Splits off every [`EVAL_EVERY`]-th sample as the eval set.
fn split(all: &Samples) -> (Samples, Samples) {
    let empty = || Samples { inputs: Vec::new(), labels: Vec::new(), dim: all.dim };
    let (mut train, mut eval) = (empty(), empty());
    for index in 0..all.len() {
        let target = if index % EVAL_EVERY == EVAL_EVERY - 1 { &mut eval } else { &mut train };
        target.inputs.extend_from_slice(all.row(index));
        target.labels.push(all.labels[index]);
    }
    (train, eval)
}

/// Parses the gzipped digits CSV and scales pixel counts from 0–16 to 0–1.
pub fn parse_digits(gzipped: &[u8]) -> Result<Samples, DataError> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gzipped).read_to_string(&mut text)?;

    let pixels = DIGIT_SIDE * DIGIT_SIDE;
    let mut samples = Samples { inputs: Vec::new(), labels: Vec::new(), dim: pixels };
    for (line_index, line) in text.lines().filter(|line| !line.trim().is_empty()).enumerate() {
        let row = line_index + 1;
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != pixels + 1 {
            let reason = format!("expected {} fields, found {}", pixels + 1, fields.len());
            return Err(DataError::InvalidRow { row, reason });
        }
        for field in &fields[..pixels] {
            let value: f32 = field.trim().parse().map_err(|_| DataError::InvalidRow {
                row,
                reason: format!("pixel `{field}` is not a number"),
            })?;
            samples.inputs.push(value / 16.0);
        }
        let label = fields[pixels].trim();
        let label: u8 = label.parse().map_err(|_| DataError::InvalidRow {
            row,
            reason: format!("label `{label}` is not a digit"),
        })?;
        samples.labels.push(label);
    }
    Ok(samples)
}

/// Draws `count` points from five Gaussian blobs (σ = 0.5) centred on a circle of radius 3.
pub fn blobs(count: usize, seed: u64) -> Samples {
    const CENTRES: usize = 5;
    let mut rng = StdRng::seed_from_u64(seed);
    let noise = Normal::new(0.0f32, 0.5).expect("0.5 is a valid standard deviation");
    let mut samples = Samples { inputs: Vec::with_capacity(2 * count), labels: Vec::new(), dim: 2 };
    for _ in 0..count {
        // A drawn label, not `index % CENTRES`: the eval split takes every fifth sample, so a
        // cyclic label would put one blob alone in the eval split and the rest in training.
        let label = rng.random_range(0..CENTRES);
        let angle = std::f32::consts::TAU * label as f32 / CENTRES as f32;
        samples.inputs.push(3.0 * angle.cos() + noise.sample(&mut rng));
        samples.inputs.push(3.0 * angle.sin() + noise.sample(&mut rng));
        samples.labels.push(label as u8);
    }
    samples
}

/// Draws `count` points from two interleaved half circles with Gaussian noise σ = 0.1, centred
/// on the origin.
pub fn two_moons(count: usize, seed: u64) -> Samples {
    let mut rng = StdRng::seed_from_u64(seed);
    let noise = Normal::new(0.0f32, 0.1).expect("0.1 is a valid standard deviation");
    let mut samples = Samples { inputs: Vec::with_capacity(2 * count), labels: Vec::new(), dim: 2 };
    for index in 0..count {
        let label = index % 2;
        let angle = std::f32::consts::PI * rng.random::<f32>();
        let (x, y) = if label == 0 {
            (angle.cos(), angle.sin())
        } else {
            (1.0 - angle.cos(), 0.5 - angle.sin())
        };
        samples.inputs.push(x - 0.5 + noise.sample(&mut rng));
        samples.inputs.push(y - 0.25 + noise.sample(&mut rng));
        samples.labels.push(label as u8);
    }
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_have_expected_size_and_range() {
        let dataset = Dataset::load(DatasetKind::Digits, 0).unwrap();
        assert_eq!(dataset.train.len() + dataset.eval.len(), 1797);
        assert_eq!(dataset.eval.len(), 359);
        assert_eq!(dataset.train.dim, 64);
        assert!(dataset.train.inputs.iter().all(|&v| (0.0..=1.0).contains(&v)));
        assert!(dataset.eval.labels.iter().all(|&label| label < 10));
    }

    #[test]
    fn digits_first_row_is_a_zero() {
        let samples = parse_digits(DIGITS_CSV_GZ).unwrap();
        assert_eq!(samples.labels[0], 0);
        // The first scikit-learn digit starts 0, 0, 5, 13 (pixel counts out of 16).
        assert_eq!(&samples.row(0)[..4], &[0.0, 0.0, 5.0 / 16.0, 13.0 / 16.0]);
    }

    #[test]
    fn malformed_digits_row_is_rejected() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, b"1,2,3\n").unwrap();
        let error = parse_digits(&encoder.finish().unwrap()).unwrap_err();
        assert!(error.to_string().contains("row 1"), "{error}");
    }

    #[test]
    fn synthetic_sets_are_seeded() {
        assert_eq!(blobs(50, 7), blobs(50, 7));
        assert_ne!(blobs(50, 7), blobs(50, 8));
        assert_eq!(two_moons(50, 7), two_moons(50, 7));
        assert_eq!(two_moons(50, 7).labels.iter().filter(|&&l| l == 1).count(), 25);
    }

    #[test]
    fn synthetic_splits_hold_every_class() {
        for kind in [DatasetKind::Blobs, DatasetKind::TwoMoons] {
            let dataset = Dataset::load(kind, 0).unwrap();
            for label in 0..kind.class_count() as u8 {
                assert!(dataset.train.labels.contains(&label), "{kind:?} train lacks {label}");
                assert!(dataset.eval.labels.contains(&label), "{kind:?} eval lacks {label}");
            }
        }
    }
}
