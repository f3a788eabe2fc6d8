//! The loss against reference values computed independently in float64 with numpy
//! (`tests/fixtures/vicreg_loss_cases.json`; see `tests/fixtures/README.md`), in both conventions.

use burn::prelude::*;
use burn::tensor::TensorData;
use serde_json::Value;
use vicreg_playground::engine::loss::{Convention, LossError, LossTerms, VicregLossConfig};

/// The fixture is float64 and the loss runs in float32: allow 1e-5 relative, with an absolute
/// floor for terms that are exactly zero (a constant embedding has zero covariance).
const RELATIVE_TOLERANCE: f64 = 1e-5;
const ABSOLUTE_FLOOR: f64 = 1e-6;

fn fixture_cases() -> Vec<Value> {
    let text = include_str!("fixtures/vicreg_loss_cases.json");
    let fixture: Value = serde_json::from_str(text).expect("fixture is valid JSON");
    fixture["cases"].as_array().expect("fixture has a cases array").clone()
}

fn matrix(value: &Value, device: &Device) -> Tensor<2> {
    let rows: Vec<Vec<f32>> = serde_json::from_value(value.clone()).expect("a list of rows");
    let shape = [rows.len(), rows[0].len()];
    Tensor::from_data(TensorData::new(rows.concat(), shape), device)
}

fn config(case: &Value, convention: Convention) -> VicregLossConfig {
    let weights = &case["weights"];
    let number = |key: &str| weights[key].as_f64().expect("numeric weight");
    VicregLossConfig::new()
        .with_invariance_weight(number("invariance"))
        .with_variance_weight(number("variance"))
        .with_covariance_weight(number("covariance"))
        .with_gamma(number("gamma"))
        .with_epsilon(number("epsilon"))
        .with_convention(convention)
}

fn evaluate(case: &Value, convention: Convention) -> LossTerms {
    let device = Device::flex();
    let output = config(case, convention)
        .forward_all_terms(matrix(&case["z_a"], &device), matrix(&case["z_b"], &device))
        .expect("fixture shapes are valid");
    pollster::block_on(output.read()).expect("fixture values are finite")
}

fn assert_close(case: &str, term: &str, actual: Option<f32>, expected: &Value) {
    let expected = expected.as_f64().unwrap_or_else(|| panic!("{case}: {term} missing in fixture"));
    let actual = f64::from(actual.unwrap_or_else(|| panic!("{case}: {term} was not computed")));
    let tolerance = RELATIVE_TOLERANCE * expected.abs() + ABSOLUTE_FLOOR;
    assert!(
        (actual - expected).abs() <= tolerance,
        "{case}: {term} = {actual}, expected {expected} (tolerance {tolerance})"
    );
}

#[test]
fn paper_convention_matches_fixture() {
    for case in fixture_cases() {
        let name = case["name"].as_str().unwrap_or("unnamed");
        let terms = evaluate(&case, Convention::Paper);
        let expected = &case["paper"];
        assert_close(name, "invariance", terms.invariance, &expected["invariance"]);
        assert_close(name, "variance_a", terms.variance_a, &expected["variance_a"]);
        assert_close(name, "variance_b", terms.variance_b, &expected["variance_b"]);
        assert_close(name, "covariance_a", terms.covariance_a, &expected["covariance_a"]);
        assert_close(name, "covariance_b", terms.covariance_b, &expected["covariance_b"]);
        assert_close(name, "total", Some(terms.total), &expected["total"]);
    }
}

#[test]
fn reference_convention_matches_fixture() {
    for case in fixture_cases() {
        let name = case["name"].as_str().unwrap_or("unnamed");
        let terms = evaluate(&case, Convention::Reference);
        let expected = &case["reference"];
        assert_close(name, "invariance", terms.invariance, &expected["invariance"]);
        assert_close(name, "variance", terms.variance(Convention::Reference), &expected["variance"]);
        assert_close(name, "covariance", terms.covariance(), &expected["covariance"]);
        assert_close(name, "total", Some(terms.total), &expected["total"]);
    }
}

#[test]
fn zero_weight_terms_are_skipped() {
    let device = Device::flex();
    let z = Tensor::<2>::from_floats([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0]], &device);
    let loss = VicregLossConfig::new().with_variance_weight(0.0).with_covariance_weight(0.0);
    let terms = pollster::block_on(loss.forward(z.clone(), z).unwrap().read()).unwrap();
    assert_eq!(terms.invariance, Some(0.0));
    assert_eq!(terms.variance_a, None);
    assert_eq!(terms.covariance_a, None);
}

#[test]
fn batch_of_zero_or_one_is_rejected() {
    let device = Device::flex();
    for batch_size in [0, 1] {
        let z = Tensor::<2>::zeros([batch_size, 4], &device);
        let error = VicregLossConfig::new().forward(z.clone(), z).unwrap_err();
        assert_eq!(error, LossError::BatchTooSmall { batch_size });
    }
}

#[test]
fn mismatched_shapes_are_rejected() {
    let device = Device::flex();
    let z_a = Tensor::<2>::zeros([4, 3], &device);
    let z_b = Tensor::<2>::zeros([4, 2], &device);
    let error = VicregLossConfig::new().forward(z_a, z_b).unwrap_err();
    assert_eq!(error, LossError::ShapeMismatch { a: [4, 3], b: [4, 2] });
}

#[test]
fn nan_input_is_reported_not_returned() {
    let device = Device::flex();
    let z_a = Tensor::<2>::from_floats([[0.0, f32::NAN], [1.0, 2.0]], &device);
    let z_b = Tensor::<2>::from_floats([[0.0, 1.0], [1.0, 2.0]], &device);
    let output = VicregLossConfig::new().forward(z_a, z_b).unwrap();
    let error = pollster::block_on(output.read()).unwrap_err();
    assert!(matches!(error, LossError::NonFinite { .. }), "{error:?}");
}

#[test]
fn infinite_input_is_reported() {
    let device = Device::flex();
    let z_a = Tensor::<2>::from_floats([[0.0, f32::INFINITY], [1.0, 2.0]], &device);
    let z_b = Tensor::<2>::from_floats([[0.0, 1.0], [1.0, 2.0]], &device);
    let output = VicregLossConfig::new().forward(z_a, z_b).unwrap();
    assert!(matches!(pollster::block_on(output.read()), Err(LossError::NonFinite { .. })));
}

#[test]
fn invalid_settings_are_rejected() {
    let negative = VicregLossConfig::new().with_gamma(-1.0);
    assert!(matches!(negative.validate(), Err(LossError::InvalidSetting { value, .. }) if value == -1.0));
    let nan = VicregLossConfig::new().with_invariance_weight(f64::NAN);
    assert!(matches!(nan.validate(), Err(LossError::InvalidSetting { .. })));
    let all_off = VicregLossConfig::new()
        .with_invariance_weight(0.0)
        .with_variance_weight(0.0)
        .with_covariance_weight(0.0);
    assert_eq!(all_off.validate(), Err(LossError::NoActiveTerm));
}

#[test]
fn variance_gradient_is_finite_on_constant_embeddings() {
    let device = Device::flex().autodiff();
    let z_a = Tensor::<2>::full([8, 4], 0.5, &device).require_grad();
    let z_b = Tensor::<2>::full([8, 4], 0.5, &device).require_grad();
    let loss = VicregLossConfig::new().with_invariance_weight(0.0).with_covariance_weight(0.0);
    let output = loss.forward(z_a.clone(), z_b).unwrap();
    let gradients = output.total.backward();
    let gradient = z_a.grad(&gradients).expect("z_a requires a gradient");
    let values: Vec<f32> = gradient.into_data().try_to_vec().unwrap();
    assert_eq!(values.len(), 32);
    assert!(values.iter().all(|v| v.is_finite()), "{values:?}");
}
