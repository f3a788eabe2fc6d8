//! Metrics that tell complete collapse from dimensional collapse from healthy training, computed
//! on the host in `f64` with nalgebra from embeddings read back from the device.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Neighbours that vote in the k-NN accuracy.
pub const KNN_NEIGHBOURS: usize = 10;

/// Below this fraction of γ (or of 1 when γ < 1) the mean embedding std counts as collapsed to a
/// constant. On the digits, invariance-only training drives the std below 1e-3 within 100 steps
/// and VICReg holds it near 0.5 γ, so 0.1 is more than an order of magnitude from either.
pub const COMPLETE_STD_FRACTION: f64 = 0.1;

/// Above this mean off-diagonal |correlation| the embedding dimensions count as copies of one
/// another. On the digits VI-Reg reaches 0.99 within 200 steps and VICReg stays below 0.65.
pub const DIMENSIONAL_CORRELATION: f64 = 0.8;

/// Below this effective rank (capped at half the embedding dimension) the embedding counts as
/// low-dimensional. On the digits with d = 64, VI-Reg falls to 1.3–1.8 by step 500 while VICReg
/// stays at 5 or more.
pub const DIMENSIONAL_RANK: f64 = 2.5;

/// The state of the embedding, from the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Collapse {
    /// Spread-out, decorrelated embedding dimensions.
    Healthy,
    /// The std is kept, but the dimensions are copies of one another: a low effective rank.
    Dimensional,
    /// Every embedding is the same point: the std is near zero.
    Complete,
}

impl Collapse {
    /// Returns the lowercase name used in files and badges.
    pub fn name(self) -> &'static str {
        match self {
            Collapse::Healthy => "healthy",
            Collapse::Dimensional => "dimensional",
            Collapse::Complete => "complete",
        }
    }

    /// Returns one sentence on what the plots show in this state.
    pub fn explanation(self) -> &'static str {
        match self {
            Collapse::Healthy => {
                "Every dimension varies and the dimensions are decorrelated, so the spectrum is \
                 spread over many directions."
            }
            Collapse::Dimensional => {
                "The std bars reach γ, but the dimensions move together: the heatmap saturates and \
                 the spectrum falls off after the first few singular values."
            }
            Collapse::Complete => {
                "Every input maps to the same embedding: the std bars are at zero and the scatter \
                 is a single point."
            }
        }
    }

    /// Classifies the embedding. The std is checked first: a constant embedding is left with
    /// noise-level singular values whose effective rank can look as high as a healthy one's.
    pub fn classify(mean_std: f64, gamma: f64, mean_abs_correlation: f64, effective_rank: f64, dim: usize) -> Self {
        if !mean_std.is_finite() || mean_std < COMPLETE_STD_FRACTION * gamma.max(1.0) {
            return Collapse::Complete;
        }
        let rank_threshold = DIMENSIONAL_RANK.min(0.5 * dim as f64);
        if mean_abs_correlation > DIMENSIONAL_CORRELATION || effective_rank < rank_threshold {
            return Collapse::Dimensional;
        }
        Collapse::Healthy
    }
}

/// Everything the plots and the summary show about the model at one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsSnapshot {
    /// Training steps taken when the snapshot was computed.
    pub step: usize,
    /// Embedding dimension d.
    pub embedding_dim: usize,
    /// Std of each embedding dimension on the eval split (unbiased).
    pub embedding_std: Vec<f64>,
    /// Std of each representation dimension on the eval split (unbiased).
    pub representation_std: Vec<f64>,
    /// Mean of `embedding_std`.
    pub mean_std: f64,
    /// Mean of `representation_std`.
    pub mean_representation_std: f64,
    /// Covariance of the embedding, `[d, d]` row-major, `(n − 1)`-normalised.
    pub covariance: Vec<f64>,
    /// Correlation of the embedding, `[d, d]` row-major; 0 where a dimension has zero std.
    pub correlation: Vec<f64>,
    /// Singular values of the centred eval embeddings, largest first.
    pub singular_values: Vec<f64>,
    /// RankMe effective rank: exp of the entropy of the normalised singular values.
    pub effective_rank: f64,
    /// Mean |correlation| over the off-diagonal pairs.
    pub mean_abs_correlation: f64,
    /// Mean cosine similarity over all pairs of distinct eval embeddings.
    pub mean_cosine_similarity: f64,
    /// Eval embeddings projected on their first two principal axes.
    pub pca: Vec<[f64; 2]>,
    /// Label of each row of `pca`, for colour.
    pub labels: Vec<u8>,
    /// Cosine k-NN accuracy of the embedding, train split as reference, eval split as queries.
    pub knn_accuracy_embedding: f64,
    /// The same for the representation (the encoder output).
    pub knn_accuracy_representation: f64,
    /// The classification from the numbers above.
    pub collapse: Collapse,
}

/// Row-major host copies of one split's outputs.
#[derive(Clone, Debug)]
pub struct Outputs {
    /// Encoder outputs, `[len, representation_dim]`.
    pub representation: DMatrix<f64>,
    /// Expander outputs, `[len, embedding_dim]`.
    pub embedding: DMatrix<f64>,
    /// Labels of the rows.
    pub labels: Vec<u8>,
}

/// Converts a row-major `f32` buffer to a matrix.
pub fn matrix_from_rows(values: &[f32], rows: usize, columns: usize) -> DMatrix<f64> {
    DMatrix::from_row_iterator(rows, columns, values.iter().map(|&v| f64::from(v)))
}

impl MetricsSnapshot {
    /// Computes every metric of the eval outputs, with the train outputs as the k-NN reference.
    pub fn compute(step: usize, eval: &Outputs, train: &Outputs, gamma: f64) -> Self {
        let embedding = &eval.embedding;
        let dim = embedding.ncols();
        let centred = centre(embedding);

        let covariance = covariance_matrix(&centred);
        let embedding_std: Vec<f64> = covariance.diagonal().iter().map(|v| v.max(0.0).sqrt()).collect();
        let representation_std = column_std(&eval.representation);
        let correlation = correlation_matrix(&covariance, &embedding_std);

        let (singular_values, axes) = principal_axes(&centred);
        let pca = (0..centred.nrows())
            .map(|row| {
                let project = |axis: usize| -> f64 {
                    axes.get(axis).map_or(0.0, |direction| centred.row(row).dot(direction))
                };
                [project(0), project(1)]
            })
            .collect();

        let effective_rank = effective_rank(&singular_values);
        let mean_abs_correlation = mean_off_diagonal_abs(&correlation);
        let mean_std = mean(&embedding_std);
        let collapse = Collapse::classify(mean_std, gamma, mean_abs_correlation, effective_rank, dim);

        Self {
            step,
            embedding_dim: dim,
            mean_std,
            mean_representation_std: mean(&representation_std),
            embedding_std,
            representation_std,
            covariance: row_major(&covariance),
            correlation: row_major(&correlation),
            singular_values,
            effective_rank,
            mean_abs_correlation,
            mean_cosine_similarity: mean_cosine_similarity(embedding),
            pca,
            labels: eval.labels.clone(),
            knn_accuracy_embedding: knn_accuracy(&train.embedding, &train.labels, embedding, &eval.labels),
            knn_accuracy_representation: knn_accuracy(
                &train.representation,
                &train.labels,
                &eval.representation,
                &eval.labels,
            ),
            collapse,
        }
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

fn row_major(matrix: &DMatrix<f64>) -> Vec<f64> {
    matrix.transpose().as_slice().to_vec()
}

/// Subtracts each column's mean.
fn centre(matrix: &DMatrix<f64>) -> DMatrix<f64> {
    let means = matrix.row_mean();
    let mut centred = matrix.clone();
    for mut row in centred.row_iter_mut() {
        row -= &means;
    }
    centred
}

/// `(n − 1)`-normalised covariance of already centred rows.
fn covariance_matrix(centred: &DMatrix<f64>) -> DMatrix<f64> {
    let denominator = (centred.nrows().max(2) - 1) as f64;
    centred.tr_mul(centred) / denominator
}

/// Unbiased std of each column.
pub fn column_std(matrix: &DMatrix<f64>) -> Vec<f64> {
    let centred = centre(matrix);
    let denominator = (matrix.nrows().max(2) - 1) as f64;
    centred.column_iter().map(|column| (column.norm_squared() / denominator).sqrt()).collect()
}

fn correlation_matrix(covariance: &DMatrix<f64>, std: &[f64]) -> DMatrix<f64> {
    DMatrix::from_fn(covariance.nrows(), covariance.ncols(), |i, j| {
        let scale = std[i] * std[j];
        if scale > 0.0 { (covariance[(i, j)] / scale).clamp(-1.0, 1.0) } else { 0.0 }
    })
}

fn mean_off_diagonal_abs(matrix: &DMatrix<f64>) -> f64 {
    let dim = matrix.nrows();
    if dim < 2 {
        return 0.0;
    }
    let total: f64 = matrix.iter().map(|v| v.abs()).sum::<f64>() - matrix.diagonal().abs().sum();
    total / (dim * (dim - 1)) as f64
}

/// Singular values of the centred rows, largest first, and the matching right singular vectors
/// as row vectors. Each axis's sign is chosen so that its largest component is positive, which
/// keeps the PCA scatter from flipping between snapshots.
pub fn principal_axes(centred: &DMatrix<f64>) -> (Vec<f64>, Vec<nalgebra::RowDVector<f64>>) {
    if centred.nrows() == 0 || centred.ncols() == 0 || !centred.iter().all(|v| v.is_finite()) {
        return (vec![0.0; centred.ncols()], Vec::new());
    }
    let svd = centred.clone().svd(false, true);
    let Some(v_t) = svd.v_t else {
        return (svd.singular_values.as_slice().to_vec(), Vec::new());
    };
    let mut order: Vec<usize> = (0..svd.singular_values.len()).collect();
    order.sort_by(|&a, &b| svd.singular_values[b].total_cmp(&svd.singular_values[a]));

    let values = order.iter().map(|&i| svd.singular_values[i]).collect();
    let axes = order
        .iter()
        .map(|&i| {
            let axis = v_t.row(i).into_owned();
            let largest = axis.iter().copied().max_by(|a, b| a.abs().total_cmp(&b.abs())).unwrap_or(0.0);
            if largest < 0.0 { -axis } else { axis }
        })
        .collect();
    (values, axes)
}

/// RankMe effective rank `exp(−Σ p_k log p_k)` with `p_k = σ_k / Σ σ`. Returns 0 when every
/// singular value is zero.
pub fn effective_rank(singular_values: &[f64]) -> f64 {
    let total: f64 = singular_values.iter().filter(|v| v.is_finite()).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let entropy: f64 = singular_values
        .iter()
        .map(|&value| value / total)
        .filter(|&p| p > 0.0 && p.is_finite())
        .map(|p| -p * p.ln())
        .sum();
    entropy.exp()
}

/// Rows scaled to unit length; zero rows stay zero.
fn normalise_rows(matrix: &DMatrix<f64>) -> DMatrix<f64> {
    let mut normalised = matrix.clone();
    for mut row in normalised.row_iter_mut() {
        let norm = row.norm();
        if norm > 0.0 {
            row /= norm;
        }
    }
    normalised
}

/// Mean cosine similarity over all pairs `i ≠ j`, from `‖Σ u_i‖² = n + Σ_{i≠j} u_i·u_j` for unit
/// rows `u_i`.
fn mean_cosine_similarity(matrix: &DMatrix<f64>) -> f64 {
    let count = matrix.nrows();
    if count < 2 {
        return 0.0;
    }
    let units = normalise_rows(matrix);
    let nonzero = units.row_iter().filter(|row| row.norm_squared() > 0.0).count() as f64;
    let summed = units.row_sum().norm_squared();
    (summed - nonzero) / (count * (count - 1)) as f64
}

/// Accuracy of a cosine-similarity k-NN classifier: each query takes the majority label of its
/// [`KNN_NEIGHBOURS`] most similar reference rows, ties going to the label of the closest one.
///
/// Similarities are computed in `f32`, the precision of the network's outputs, as a float32
/// PyTorch evaluation computes them. A completely collapsed embedding then scores near chance:
/// its rows differ from their common direction by about 1e-4, so their cosine similarities
/// differ from 1 by about 1e-8, below `f32` resolution, and the neighbours it finds are arbitrary.
pub fn knn_accuracy(
    reference: &DMatrix<f64>,
    reference_labels: &[u8],
    queries: &DMatrix<f64>,
    query_labels: &[u8],
) -> f64 {
    if queries.nrows() == 0 || reference.nrows() == 0 {
        return 0.0;
    }
    let to_f32 = |matrix: DMatrix<f64>| matrix.map(|value| value as f32);
    let similarity = to_f32(normalise_rows(queries)) * to_f32(normalise_rows(reference)).transpose();
    let neighbours = KNN_NEIGHBOURS.min(reference.nrows());

    let mut correct = 0;
    for (query, row) in similarity.row_iter().enumerate() {
        let mut order: Vec<usize> = (0..row.len()).collect();
        // Ties keep index order, so a constant embedding votes with the first reference rows.
        order.sort_by(|&a, &b| row[b].total_cmp(&row[a]));
        let mut votes = [0usize; 256];
        for &index in &order[..neighbours] {
            votes[usize::from(reference_labels[index])] += 1;
        }
        let closest = reference_labels[order[0]];
        let best = votes.iter().copied().max().unwrap_or(0);
        let predicted = if votes[usize::from(closest)] == best {
            closest
        } else {
            (0..=255u8).find(|&label| votes[usize::from(label)] == best).unwrap_or(closest)
        };
        if predicted == query_labels[query] {
            correct += 1;
        }
    }
    correct as f64 / queries.nrows() as f64
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use rand_distr::{Distribution, StandardNormal};

    use super::*;

    fn gaussian(rows: usize, columns: usize, seed: u64) -> DMatrix<f64> {
        let mut rng = StdRng::seed_from_u64(seed);
        DMatrix::from_fn(rows, columns, |_, _| StandardNormal.sample(&mut rng))
    }

    #[test]
    fn effective_rank_of_isotropic_data_is_near_dim() {
        let (values, _) = principal_axes(&centre(&gaussian(4000, 16, 0)));
        let rank = effective_rank(&values);
        assert!(rank > 15.5 && rank <= 16.0, "rank {rank}");
    }

    #[test]
    fn effective_rank_of_rank_one_data_is_one() {
        let mut rng = StdRng::seed_from_u64(1);
        let direction: Vec<f64> = (0..16).map(|_| rng.random_range(-1.0..1.0)).collect();
        let data = DMatrix::from_fn(500, 16, |row, column| (row as f64 - 250.0) * direction[column]);
        let (values, _) = principal_axes(&centre(&data));
        let rank = effective_rank(&values);
        assert!((rank - 1.0).abs() < 1e-6, "rank {rank}");
    }

    #[test]
    fn effective_rank_of_zero_spectrum_is_zero() {
        assert_eq!(effective_rank(&[0.0, 0.0]), 0.0);
        assert_eq!(effective_rank(&[]), 0.0);
    }

    #[test]
    fn pca_finds_known_principal_axis() {
        // Variance 9 along (1, 1)/√2 and 0.01 along (1, −1)/√2.
        let mut rng = StdRng::seed_from_u64(2);
        let scale = std::f64::consts::FRAC_1_SQRT_2;
        let mut rows = Vec::new();
        for _ in 0..2000 {
            let major: f64 = 3.0 * Distribution::<f64>::sample(&StandardNormal, &mut rng);
            let minor: f64 = 0.1 * Distribution::<f64>::sample(&StandardNormal, &mut rng);
            rows.extend([scale * (major + minor), scale * (major - minor)]);
        }
        let data = DMatrix::from_row_slice(2000, 2, &rows);
        let (values, axes) = principal_axes(&centre(&data));
        let first = &axes[0];
        assert!((first[0] - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.01, "axis {first}");
        assert!((first[1] - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.01, "axis {first}");
        assert!(values[0] > 20.0 * values[1]);
    }

    #[test]
    fn correlation_of_copied_columns_is_one() {
        let base = gaussian(300, 1, 3);
        let data = DMatrix::from_fn(300, 3, |row, column| base[(row, 0)] * (column + 1) as f64);
        let centred = centre(&data);
        let covariance = covariance_matrix(&centred);
        let std: Vec<f64> = covariance.diagonal().iter().map(|v| v.sqrt()).collect();
        let correlation = correlation_matrix(&covariance, &std);
        assert!((mean_off_diagonal_abs(&correlation) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn cosine_similarity_of_constant_rows_is_one() {
        let data = DMatrix::from_element(10, 4, 0.5);
        assert!((mean_cosine_similarity(&data) - 1.0).abs() < 1e-12);
        let opposite = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, -1.0, 0.0]);
        assert!((mean_cosine_similarity(&opposite) + 1.0).abs() < 1e-12);
    }

    #[test]
    fn knn_separates_labelled_clusters() {
        let reference = DMatrix::from_row_slice(4, 2, &[1.0, 0.1, 1.0, -0.1, -1.0, 0.1, -1.0, -0.1]);
        let queries = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, -2.0, 0.05]);
        let accuracy = knn_accuracy(&reference, &[0, 0, 1, 1], &queries, &[0, 1]);
        assert_eq!(accuracy, 1.0);
    }

    #[test]
    fn classify_checks_std_before_rank() {
        // Noise-level std but a high effective rank is still complete collapse.
        assert_eq!(Collapse::classify(1e-5, 1.0, 0.1, 40.0, 64), Collapse::Complete);
        assert_eq!(Collapse::classify(1.1, 1.0, 0.99, 1.2, 64), Collapse::Dimensional);
        assert_eq!(Collapse::classify(0.7, 1.0, 0.3, 9.0, 64), Collapse::Healthy);
        assert_eq!(Collapse::classify(f64::NAN, 1.0, 0.3, 9.0, 64), Collapse::Complete);
    }
}
