//! The VICReg loss (Bardes, Ponce and LeCun, "VICReg: Variance-Invariance-Covariance
//! Regularization for Self-Supervised Learning", ICLR 2022), built from Burn tensor operations so
//! that it differentiates on any device.
//!
//! For two batches of embeddings `Z` and `Z'` of shape `[batch_size, dim]`:
//!
//! - invariance `s(Z, Z')`: the squared distance between paired embeddings;
//! - variance `v(Z) = 1/d Σ_j max(0, γ − sqrt(Var(z^j) + ε))`, with the unbiased variance;
//! - covariance `c(Z) = 1/d Σ_{i≠j} C(Z)_{ij}²`, where `C` is the `(n − 1)`-normalised covariance.
//!
//! Two conventions combine them. [`Convention::Paper`] is the formula as published,
//! `λ·s + μ·[v(Z) + v(Z')] + ν·[c(Z) + c(Z')]` with `s` summed over dimensions and averaged over
//! the batch. [`Convention::Reference`] follows the authors' PyTorch code: `s` is averaged over
//! all `n·d` elements and the variance part is halved, `λ·s + μ·[v(Z) + v(Z')]/2 + ν·[c(Z) + c(Z')]`.

use burn::config::Config;
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

/// The scaling and summing of the three terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Convention {
    /// The published formula: invariance summed over dimensions, both variance terms in full.
    Paper,
    /// The official PyTorch code: invariance averaged over all elements, variance part halved.
    #[default]
    Reference,
}

impl Convention {
    /// Both conventions, in the order the UI lists them.
    pub const ALL: [Convention; 2] = [Convention::Reference, Convention::Paper];

    /// Returns the lowercase name used in URLs, files and CLI flags.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Paper => "paper",
            Convention::Reference => "reference",
        }
    }
}

impl std::str::FromStr for Convention {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "paper" => Ok(Convention::Paper),
            "reference" => Ok(Convention::Reference),
            other => Err(format!("unknown convention `{other}`: expected `paper` or `reference`")),
        }
    }
}

/// Configuration of the VICReg loss: the weight of each term, the variance target and the
/// convention. A weight of zero switches its term off, and a switched-off term is not computed.
#[derive(Config, Debug, PartialEq)]
pub struct VicregLossConfig {
    /// Weight λ of the invariance term. Default 25.
    #[config(default = 25.0)]
    pub invariance_weight: f64,
    /// Weight μ of the variance term. Default 25.
    #[config(default = 25.0)]
    pub variance_weight: f64,
    /// Weight ν of the covariance term. Default 1.
    #[config(default = 1.0)]
    pub covariance_weight: f64,
    /// Target standard deviation γ of each embedding dimension. Default 1.
    #[config(default = 1.0)]
    pub gamma: f64,
    /// Added to the variance before the square root, for numerical stability. Default 1e-4.
    #[config(default = 1e-4)]
    pub epsilon: f64,
    /// Scaling and summing of the terms. Default [`Convention::Reference`].
    #[config(default = "Convention::Reference")]
    pub convention: Convention,
}

impl Default for VicregLossConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// Failures of the loss that a caller can cause with its input or settings.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LossError {
    /// The unbiased variance needs at least two samples.
    #[error("batch size {batch_size} is too small: the variance needs at least 2 samples")]
    BatchTooSmall {
        /// The batch size that was passed.
        batch_size: usize,
    },
    /// The two views must have the same shape.
    #[error("the two views have different shapes {a:?} and {b:?}: pass embeddings of equal shape")]
    ShapeMismatch {
        /// Shape of the first view.
        a: [usize; 2],
        /// Shape of the second view.
        b: [usize; 2],
    },
    /// Every term is switched off, so there is nothing to minimise.
    #[error("every loss term is switched off: set at least one of λ, μ, ν above zero")]
    NoActiveTerm,
    /// A weight, γ or ε is negative or not finite.
    #[error("invalid {name} = {value}: it must be a finite number ≥ 0")]
    InvalidSetting {
        /// The setting's name.
        name: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The embeddings or the loss contain NaN or infinity.
    #[error(
        "the loss is not finite ({term} = {value}): the embeddings contain NaN or infinity; \
         lower the learning rate or the loss weights and reset"
    )]
    NonFinite {
        /// The first term found to be NaN or infinite.
        term: &'static str,
        /// Its value.
        value: f32,
    },
    /// Reading the values back from the device failed.
    #[error("reading the loss back from the device failed: {0}")]
    Readback(String),
}

/// The raw terms and the total of one evaluation of the loss, read back to the host. A term whose
/// weight is zero was not computed and is `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LossTerms {
    /// Invariance in the active convention: mean over the batch of the squared distance (paper)
    /// or mean over all elements of the squared difference (reference).
    pub invariance: Option<f32>,
    /// Variance hinge `v(Z)` of the first view.
    pub variance_a: Option<f32>,
    /// Variance hinge `v(Z')` of the second view.
    pub variance_b: Option<f32>,
    /// Off-diagonal covariance `c(Z)` of the first view.
    pub covariance_a: Option<f32>,
    /// Off-diagonal covariance `c(Z')` of the second view.
    pub covariance_b: Option<f32>,
    /// The weighted total that is minimised.
    pub total: f32,
}

impl LossTerms {
    /// Returns the variance part as the convention weighs it before μ: the sum of both views
    /// (paper) or their mean (reference).
    pub fn variance(&self, convention: Convention) -> Option<f32> {
        let sum = self.variance_a? + self.variance_b?;
        Some(match convention {
            Convention::Paper => sum,
            Convention::Reference => sum / 2.0,
        })
    }

    /// Returns the covariance part `c(Z) + c(Z')`.
    pub fn covariance(&self) -> Option<f32> {
        Some(self.covariance_a? + self.covariance_b?)
    }
}

/// The loss as tensors still attached to the autodiff graph, before any readback.
#[derive(Debug)]
pub struct LossOutput {
    /// The weighted total, shape `[1]`; call `backward` on it.
    pub total: Tensor<1>,
    /// The raw terms that were computed, each of shape `[1]`, in [`LossTerms`] field order.
    terms: Vec<(&'static str, Tensor<1>)>,
}

impl LossOutput {
    /// Reads the terms back in one transfer and checks that every value is finite.
    ///
    /// This is the only readback of a training step, and it is async because synchronous reads
    /// panic on WebAssembly.
    pub async fn read(&self) -> Result<LossTerms, LossError> {
        let mut parts: Vec<Tensor<1>> = self.terms.iter().map(|(_, t)| t.clone().detach()).collect();
        parts.push(self.total.clone().detach());
        let data = Tensor::cat(parts, 0)
            .into_data_async()
            .await
            .map_err(|error| LossError::Readback(format!("{error:?}")))?;
        let values: Vec<f32> =
            data.try_to_vec().map_err(|error| LossError::Readback(format!("{error:?}")))?;

        let mut terms = LossTerms::default();
        for ((name, _), &value) in self.terms.iter().zip(&values) {
            if !value.is_finite() {
                return Err(LossError::NonFinite { term: name, value });
            }
            let slot = match *name {
                "invariance" => &mut terms.invariance,
                "variance_a" => &mut terms.variance_a,
                "variance_b" => &mut terms.variance_b,
                "covariance_a" => &mut terms.covariance_a,
                _ => &mut terms.covariance_b,
            };
            *slot = Some(value);
        }
        terms.total = values[values.len() - 1];
        if !terms.total.is_finite() {
            return Err(LossError::NonFinite { term: "total", value: terms.total });
        }
        Ok(terms)
    }
}

impl VicregLossConfig {
    /// Returns this configuration with the λ, μ and ν of `weights`, keeping γ, ε and the
    /// convention.
    pub fn with_weights_of(&self, weights: &VicregLossConfig) -> Self {
        let mut loss = self.clone();
        loss.invariance_weight = weights.invariance_weight;
        loss.variance_weight = weights.variance_weight;
        loss.covariance_weight = weights.covariance_weight;
        loss
    }

    /// Checks every setting, so that a UI can reject a value before it reaches training.
    pub fn validate(&self) -> Result<(), LossError> {
        let settings = [
            ("λ (invariance weight)", self.invariance_weight),
            ("μ (variance weight)", self.variance_weight),
            ("ν (covariance weight)", self.covariance_weight),
            ("γ (variance target)", self.gamma),
            ("ε (variance epsilon)", self.epsilon),
        ];
        for (name, value) in settings {
            if !value.is_finite() || value < 0.0 {
                return Err(LossError::InvalidSetting { name, value });
            }
        }
        if self.invariance_weight == 0.0 && self.variance_weight == 0.0 && self.covariance_weight == 0.0
        {
            return Err(LossError::NoActiveTerm);
        }
        Ok(())
    }

    /// Computes the loss of two views.
    ///
    /// # Shapes
    ///
    /// - `z_a`, `z_b`: `[batch_size, dim]`, with `batch_size ≥ 2`
    /// - returned total and terms: `[1]`
    ///
    /// # Errors
    ///
    /// [`LossError::BatchTooSmall`], [`LossError::ShapeMismatch`] and the setting errors of
    /// [`validate`](Self::validate). Non-finite values are reported by [`LossOutput::read`].
    pub fn forward(&self, z_a: Tensor<2>, z_b: Tensor<2>) -> Result<LossOutput, LossError> {
        self.validate()?;
        self.compute(z_a, z_b, false)
    }

    /// Computes the loss like [`forward`](Self::forward), but also the raw terms whose weight is
    /// zero, for reports and cross-checks. Only [`validate`](Self::validate)'s check that some
    /// term is on is skipped.
    pub fn forward_all_terms(&self, z_a: Tensor<2>, z_b: Tensor<2>) -> Result<LossOutput, LossError> {
        match self.validate() {
            Ok(()) | Err(LossError::NoActiveTerm) => self.compute(z_a, z_b, true),
            Err(error) => Err(error),
        }
    }

    fn compute(&self, z_a: Tensor<2>, z_b: Tensor<2>, all_terms: bool) -> Result<LossOutput, LossError> {
        let [batch_size, dim] = z_a.dims();
        if z_b.dims() != [batch_size, dim] {
            return Err(LossError::ShapeMismatch { a: [batch_size, dim], b: z_b.dims() });
        }
        if batch_size < 2 {
            return Err(LossError::BatchTooSmall { batch_size });
        }

        let device = z_a.device();
        let mut total = Tensor::<1>::zeros([1], &device);
        let mut terms = Vec::with_capacity(5);

        if all_terms || self.invariance_weight > 0.0 {
            let invariance = self.invariance(z_a.clone(), z_b.clone());
            total = total + invariance.clone().mul_scalar(self.invariance_weight);
            terms.push(("invariance", invariance));
        }

        if all_terms || self.variance_weight > 0.0 {
            let variance_a = self.variance(z_a.clone());
            let variance_b = self.variance(z_b.clone());
            let scale = match self.convention {
                Convention::Paper => self.variance_weight,
                Convention::Reference => self.variance_weight / 2.0,
            };
            total = total + (variance_a.clone() + variance_b.clone()).mul_scalar(scale);
            terms.push(("variance_a", variance_a));
            terms.push(("variance_b", variance_b));
        }

        if all_terms || self.covariance_weight > 0.0 {
            let covariance_a = covariance(z_a);
            let covariance_b = covariance(z_b);
            total = total + (covariance_a.clone() + covariance_b.clone()).mul_scalar(self.covariance_weight);
            terms.push(("covariance_a", covariance_a));
            terms.push(("covariance_b", covariance_b));
        }

        Ok(LossOutput { total, terms })
    }

    /// Invariance in the active convention.
    ///
    /// # Shapes
    ///
    /// - `z_a`, `z_b`: `[batch_size, dim]`
    /// - output: `[1]`
    fn invariance(&self, z_a: Tensor<2>, z_b: Tensor<2>) -> Tensor<1> {
        let [batch_size, dim] = z_a.dims();
        let squared_sum = (z_a - z_b).square().sum();
        let count = match self.convention {
            Convention::Paper => batch_size,
            Convention::Reference => batch_size * dim,
        };
        squared_sum.div_scalar(count as f64)
    }

    /// Variance hinge `v(Z) = 1/d Σ_j max(0, γ − sqrt(Var(z^j) + ε))`.
    ///
    /// # Shapes
    ///
    /// - `z`: `[batch_size, dim]`
    /// - output: `[1]`
    fn variance(&self, z: Tensor<2>) -> Tensor<1> {
        let std = unbiased_variance(z).add_scalar(self.epsilon).sqrt();
        relu(std.neg().add_scalar(self.gamma)).mean()
    }
}

/// Unbiased per-dimension variance.
///
/// # Shapes
///
/// - `z`: `[batch_size, dim]`, with `batch_size ≥ 2`
/// - output: `[1, dim]`
fn unbiased_variance(z: Tensor<2>) -> Tensor<2> {
    let [batch_size, _] = z.dims();
    centre(z).square().sum_dim(0).div_scalar((batch_size - 1) as f64)
}

/// Subtracts each dimension's batch mean.
///
/// # Shapes
///
/// - `z` and output: `[batch_size, dim]`
fn centre(z: Tensor<2>) -> Tensor<2> {
    z.clone() - z.mean_dim(0)
}

/// Off-diagonal covariance `c(Z) = 1/d Σ_{i≠j} C_ij²` with `C = (Z − Z̄)ᵀ(Z − Z̄)/(n − 1)`.
///
/// The diagonal of `C` is the unbiased variance, so the off-diagonal sum is the sum of all squared
/// entries minus the sum of the squared variances.
///
/// # Shapes
///
/// - `z`: `[batch_size, dim]`, with `batch_size ≥ 2`
/// - output: `[1]`
fn covariance(z: Tensor<2>) -> Tensor<1> {
    let [batch_size, dim] = z.dims();
    let denominator = (batch_size - 1) as f64;
    let centred = centre(z);
    let variance = centred.clone().square().sum_dim(0).div_scalar(denominator);
    let covariance = centred.clone().transpose().matmul(centred).div_scalar(denominator);
    let off_diagonal = covariance.square().sum() - variance.square().sum();
    off_diagonal.div_scalar(dim as f64)
}
