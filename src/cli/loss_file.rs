//! The `loss` subcommand: the loss of user-supplied embeddings in both conventions, in the JSON
//! schema of the numpy reference fixtures, so anyone can cross-check against their own code.

use std::path::Path;

use anyhow::{Context, Result, bail};
use burn::prelude::*;
use burn::tensor::TensorData;
use serde::{Deserialize, Serialize};

use crate::engine::loss::{Convention, LossTerms, VicregLossConfig};

/// The input file: a list of cases.
#[derive(Debug, Deserialize)]
pub struct LossFile {
    /// The cases to evaluate.
    pub cases: Vec<LossCase>,
}

/// One case: two views and the loss settings.
#[derive(Debug, Deserialize)]
pub struct LossCase {
    /// Name echoed in the output.
    pub name: String,
    /// First view, n rows of d values.
    pub z_a: Vec<Vec<f32>>,
    /// Second view, same shape.
    pub z_b: Vec<Vec<f32>>,
    /// λ, μ, ν, γ and ε.
    pub weights: CaseWeights,
}

/// Loss settings of a case, named as in the fixtures.
#[derive(Debug, Deserialize)]
pub struct CaseWeights {
    /// λ.
    pub invariance: f64,
    /// μ.
    pub variance: f64,
    /// ν.
    pub covariance: f64,
    /// γ.
    pub gamma: f64,
    /// ε.
    pub epsilon: f64,
}

/// Output of one case, with the fields of the fixtures.
#[derive(Debug, Serialize)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// Raw terms and total of the published formula.
    pub paper: PaperTerms,
    /// Terms and total of the official code's convention.
    pub reference: ReferenceTerms,
}

/// Terms in the paper's convention.
#[derive(Debug, Serialize)]
pub struct PaperTerms {
    /// `1/n Σ_i ‖z_i − z'_i‖²`.
    pub invariance: f32,
    /// `v(Z_a)`.
    pub variance_a: f32,
    /// `v(Z_b)`.
    pub variance_b: f32,
    /// `c(Z_a)`.
    pub covariance_a: f32,
    /// `c(Z_b)`.
    pub covariance_b: f32,
    /// `λ·s + μ·(v_a + v_b) + ν·(c_a + c_b)`.
    pub total: f32,
}

/// Terms in the reference code's convention.
#[derive(Debug, Serialize)]
pub struct ReferenceTerms {
    /// Mean over all n·d elements of `(z − z')²`.
    pub invariance: f32,
    /// `(v_a + v_b) / 2`.
    pub variance: f32,
    /// `c_a + c_b`.
    pub covariance: f32,
    /// `λ·invariance + μ·variance + ν·covariance`.
    pub total: f32,
}

/// The whole output.
#[derive(Debug, Serialize)]
pub struct LossReport {
    /// One entry per input case, in input order.
    pub cases: Vec<CaseReport>,
}

/// Reads `path` and evaluates every case.
pub fn evaluate_file(path: &Path) -> Result<LossReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("failed to read {}", path.display()))?;
    let file: LossFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "invalid loss file {}: expected {{\"cases\": [{{\"name\", \"z_a\", \"z_b\", \"weights\"}}]}}",
            path.display()
        )
    })?;
    let cases = file.cases.iter().map(evaluate_case).collect::<Result<_>>()?;
    Ok(LossReport { cases })
}

fn evaluate_case(case: &LossCase) -> Result<CaseReport> {
    let device = Device::flex();
    let z_a = to_tensor(&case.z_a, &case.name, "z_a", &device)?;
    let z_b = to_tensor(&case.z_b, &case.name, "z_b", &device)?;
    let weights = &case.weights;
    let config = VicregLossConfig::new()
        .with_invariance_weight(weights.invariance)
        .with_variance_weight(weights.variance)
        .with_covariance_weight(weights.covariance)
        .with_gamma(weights.gamma)
        .with_epsilon(weights.epsilon);
    let terms = |convention: Convention| -> Result<LossTerms> {
        let output = config
            .clone()
            .with_convention(convention)
            .forward_all_terms(z_a.clone(), z_b.clone())
            .with_context(|| format!("case `{}`", case.name))?;
        pollster::block_on(output.read()).with_context(|| format!("case `{}`", case.name))
    };
    let paper = terms(Convention::Paper)?;
    let reference = terms(Convention::Reference)?;

    // Every term was computed by `forward_all_terms`, so a missing one reads as NaN, never 0.
    let value = |term: Option<f32>| term.unwrap_or(f32::NAN);
    Ok(CaseReport {
        name: case.name.clone(),
        paper: PaperTerms {
            invariance: value(paper.invariance),
            variance_a: value(paper.variance_a),
            variance_b: value(paper.variance_b),
            covariance_a: value(paper.covariance_a),
            covariance_b: value(paper.covariance_b),
            total: paper.total,
        },
        reference: ReferenceTerms {
            invariance: value(reference.invariance),
            variance: value(reference.variance(Convention::Reference)),
            covariance: value(reference.covariance()),
            total: reference.total,
        },
    })
}

fn to_tensor(rows: &[Vec<f32>], case: &str, field: &str, device: &Device) -> Result<Tensor<2>> {
    let Some(width) = rows.first().map(Vec::len) else {
        bail!("case `{case}`: {field} has no rows; the variance needs at least 2");
    };
    if width == 0 {
        bail!("case `{case}`: {field} has rows of 0 values; give each row at least 1");
    }
    if let Some(index) = rows.iter().position(|row| row.len() != width) {
        bail!("case `{case}`: row {index} of {field} has {} values, row 0 has {width}", rows[index].len());
    }
    // JSON numbers beyond the f32 range arrive as infinity; name them instead of reporting a
    // non-finite loss with training advice.
    for (row, values) in rows.iter().enumerate() {
        if let Some(column) = values.iter().position(|value| !value.is_finite()) {
            bail!(
                "case `{case}`: {field}[{row}][{column}] is not a finite f32 (it is {}); use values \
                 within ±3.4e38",
                values[column]
            );
        }
    }
    Ok(Tensor::from_data(TensorData::new(rows.concat(), [rows.len(), width]), device))
}
