//! The training session: seeding, live setting changes, resets and recovery from a non-finite
//! loss, on Burn's CPU device.

use burn::prelude::Device;
use vicreg_playground::engine::data::DatasetKind;
use vicreg_playground::engine::loss::LossError;
use vicreg_playground::engine::session::{
    Applied, OptimizerKind, Preset, Session, TrainError, TrainingConfig,
};

fn small_config() -> TrainingConfig {
    TrainingConfig::new()
        .with_encoder_widths(vec![64, 32])
        .with_expander_widths(vec![16, 16])
        .with_batch_size(64)
}

fn session(config: TrainingConfig) -> Session {
    Session::new(config, &Device::flex()).expect("config is valid")
}

fn totals(session: &mut Session, steps: usize) -> Vec<f32> {
    (0..steps).map(|_| pollster::block_on(session.step()).expect("step succeeds").terms.total).collect()
}

#[test]
fn same_seed_gives_same_losses() {
    let first = totals(&mut session(small_config().with_seed(4)), 3);
    let second = totals(&mut session(small_config().with_seed(4)), 3);
    let other = totals(&mut session(small_config().with_seed(5)), 3);
    assert_eq!(first, second);
    assert_ne!(first, other);
}

#[test]
fn equal_loss_settings_give_equal_first_embeddings() {
    // Two runs differing only in the loss see the same weights and the same first batch.
    let vi_reg = session(small_config().with_loss(Preset::ViReg.loss()));
    let vicreg = session(small_config().with_loss(Preset::Vicreg.loss()));
    let eval = vi_reg.dataset().eval.clone();
    let (_, embedding_a) = vi_reg.embed(&eval);
    let (_, embedding_b) = vicreg.embed(&eval);
    assert_eq!(embedding_a.into_data(), embedding_b.into_data());
}

#[test]
fn live_changes_keep_weights_and_history() {
    let mut session = session(small_config());
    totals(&mut session, 2);
    session.set_loss(Preset::ViReg.loss()).unwrap();
    session.set_learning_rate(5e-4).unwrap();
    let applied = session.apply(session.config().clone().with_batch_size(32)).unwrap();
    assert_eq!(applied, Applied::Live);
    assert_eq!(session.step_count(), 2);

    let record = pollster::block_on(session.step()).unwrap();
    assert_eq!(record.step, 3);
    // VI-Reg has no covariance term, so none is computed.
    assert_eq!(record.terms.covariance_a, None);
    assert_eq!(session.history().len(), 3);
}

#[test]
fn architecture_change_resets() {
    let mut session = session(small_config());
    totals(&mut session, 2);
    let applied = session.apply(session.config().clone().with_expander_widths(vec![16, 8])).unwrap();
    assert_eq!(applied, Applied::Reset);
    assert_eq!(session.step_count(), 0);
    assert!(session.history().is_empty());

    let applied = session.apply(session.config().clone().with_dataset(DatasetKind::Blobs)).unwrap();
    assert_eq!(applied, Applied::Reset);
    assert_eq!(session.dataset().train.dim, 2);
}

#[test]
fn invalid_change_keeps_state() {
    let mut session = session(small_config());
    totals(&mut session, 2);
    let before = session.config().clone();
    let error = session.apply(before.clone().with_batch_size(1)).unwrap_err();
    assert!(error.to_string().contains("batch size 1 is too small"), "{error}");
    let error = session.apply(before.clone().with_learning_rate(f64::NAN)).unwrap_err();
    assert!(error.to_string().contains("invalid learning rate"), "{error}");
    assert_eq!(session.config(), &before);
    assert_eq!(session.step_count(), 2);
}

#[test]
fn synthetic_sets_train_without_nan() {
    for dataset in [DatasetKind::Blobs, DatasetKind::TwoMoons] {
        let config = small_config().with_dataset(dataset);
        let mut session = session(config);
        let losses = totals(&mut session, 30);
        assert!(losses.iter().all(|loss| loss.is_finite()), "{dataset:?}: {losses:?}");
        let snapshot = pollster::block_on(session.metrics()).unwrap();
        assert_eq!(snapshot.pca.len(), session.dataset().eval.len());
        assert!(snapshot.effective_rank.is_finite());
    }
}

#[test]
fn diverging_run_stops_with_message_and_rolls_back() {
    // SGD at the largest learning rate blows the weights up within a few steps.
    let config = small_config().with_optimizer(OptimizerKind::Sgd).with_learning_rate(10.0);
    let mut session = session(config);
    let mut failure = None;
    for _ in 0..200 {
        match pollster::block_on(session.step()) {
            Ok(_) => {}
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let error = failure.expect("the run diverges");
    assert!(matches!(error, TrainError::Loss(LossError::NonFinite { .. })), "{error:?}");
    assert!(error.to_string().contains("lower the learning rate"), "{error}");

    // The weights from before the diverging update give finite outputs again.
    let steps = session.step_count();
    session.set_learning_rate(1e-4).unwrap();
    let (_, embedding) = session.embed(&session.dataset().eval.clone());
    let values: Vec<f32> = embedding.into_data().try_to_vec().unwrap();
    assert!(values.iter().all(|v| v.is_finite()));
    assert_eq!(session.step_count(), steps);
}

#[test]
fn preset_weights_keep_other_loss_settings() {
    let mut loss = Preset::Vicreg.loss();
    loss.gamma = 2.0;
    let vi_reg = Preset::ViReg.weights_on(&loss);
    assert_eq!(vi_reg.covariance_weight, 0.0);
    assert_eq!(vi_reg.gamma, 2.0);
    assert!(Preset::ViReg.has_weights_of(&vi_reg));
    assert!(!Preset::Vicreg.has_weights_of(&vi_reg));
}
