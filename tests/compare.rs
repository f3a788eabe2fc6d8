//! Compare mode: runs A and B share data, views and initial weights, so equal loss settings give
//! equal runs, and VICReg keeps more dimensions than VI-Reg on the default setup.

use burn::prelude::Device;
use vicreg_playground::engine::compare::{CompareError, Comparison, Side};
use vicreg_playground::engine::session::{Preset, TrainingConfig};

fn small_config() -> TrainingConfig {
    TrainingConfig::new()
        .with_encoder_widths(vec![64, 32])
        .with_expander_widths(vec![16, 16])
        .with_batch_size(64)
}

#[test]
fn equal_losses_give_equal_embeddings() {
    let loss = Preset::Vicreg.loss();
    let mut comparison =
        Comparison::new(small_config(), loss.clone(), loss, &Device::flex()).expect("valid config");
    let (a, b) = pollster::block_on(comparison.step()).expect("both runs step");
    assert_eq!(a, b);

    let eval = comparison.session(Side::A).dataset().eval.clone();
    let (_, embedding_a) = comparison.session(Side::A).embed(&eval);
    let (_, embedding_b) = comparison.session(Side::B).embed(&eval);
    assert_eq!(embedding_a.into_data(), embedding_b.into_data());
}

#[test]
fn different_losses_share_batches() {
    let mut comparison =
        Comparison::vi_reg_vs_vicreg(small_config(), &Device::flex()).expect("valid config");
    let (a, b) = pollster::block_on(comparison.step()).expect("both runs step");
    // Same weights and views before the first update: same invariance and variance terms.
    assert_eq!(a.terms.invariance, b.terms.invariance);
    assert_eq!(a.terms.variance_a, b.terms.variance_a);
    assert_eq!(a.terms.covariance_a, None);
    assert!(b.terms.covariance_a.is_some());
    let (a, b) = pollster::block_on(comparison.step()).expect("both runs step");
    assert_ne!(a.terms.invariance, b.terms.invariance);
    assert_eq!(comparison.step_count().expect("in step"), 2);
}

#[test]
fn rejected_change_keeps_both_runs() {
    let mut comparison =
        Comparison::vi_reg_vs_vicreg(small_config(), &Device::flex()).expect("valid config");
    pollster::block_on(comparison.step()).expect("both runs step");
    let error = comparison
        .apply_shared(small_config().with_batch_size(1))
        .expect_err("batch 1 has no variance");
    assert!(
        matches!(error, CompareError::Run { side: Side::A, .. }),
        "{error}"
    );
    for side in Side::BOTH {
        assert_eq!(comparison.session(side).config().batch_size, 64);
        assert_eq!(comparison.session(side).step_count(), 1);
    }
}

#[test]
fn vicreg_outranks_vi_reg() {
    // The default setup: digits, widths 256,256 and 64,64, batch 256.
    let mut comparison =
        Comparison::vi_reg_vs_vicreg(TrainingConfig::new(), &Device::flex()).expect("valid");
    for _ in 0..200 {
        pollster::block_on(comparison.step()).expect("both runs step");
    }
    let (a, b) = pollster::block_on(comparison.metrics()).expect("metrics");
    let summary = vicreg_playground::engine::compare::ComparisonSummary::new(&a, &b);
    println!("{}", summary.sentence());
    assert!(
        b.effective_rank > a.effective_rank + 1.0,
        "B (VICReg) rank {} vs A (VI-Reg) rank {}",
        b.effective_rank,
        a.effective_rank
    );
    let rank = summary.get("effective rank").expect("rank row");
    assert!(rank.difference() > 1.0);
}

#[test]
fn failed_step_stops_comparison_until_reset() {
    // SGD at the largest learning rate blows the weights up within a few steps.
    let config = small_config()
        .with_optimizer(vicreg_playground::engine::session::OptimizerKind::Sgd)
        .with_learning_rate(10.0);
    let mut comparison = Comparison::vi_reg_vs_vicreg(config, &Device::flex()).expect("valid");
    let failure = (0..200).find_map(|_| pollster::block_on(comparison.step()).err());
    let failure = failure.expect("a run diverges");
    assert!(matches!(failure, CompareError::Run { .. }), "{failure}");

    let again = pollster::block_on(comparison.step()).expect_err("out of step");
    assert!(matches!(again, CompareError::OutOfStep { .. }), "{again}");
    assert!(again.to_string().contains("reset"), "{again}");

    comparison.reset().expect("reset works");
    assert_eq!(comparison.step_count().expect("in step after reset"), 0);
}
