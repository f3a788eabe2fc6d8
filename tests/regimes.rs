//! The three collapse regimes as training outcomes on the digits, with the default model
//! (encoder 64→256→256, expander 256→64→64), batch 256, Adam 1e-3 and three seeds.
//!
//! Runs are kept short for CI. `cargo run --release -- compare vi-reg vicreg --steps 400` shows
//! the same separation; longer runs widen every gap.

use burn::prelude::Device;
use vicreg_playground::engine::metrics::{Collapse, MetricsSnapshot};
use vicreg_playground::engine::session::{Preset, Session, TrainingConfig};

/// Steps per run. At this length every regime has already settled into its state.
const STEPS: usize = 300;
const SEEDS: [u64; 3] = [0, 1, 2];
/// Chance level of ten balanced classes.
const CHANCE: f64 = 0.1;

fn train(preset: Preset, seed: u64) -> MetricsSnapshot {
    let config = TrainingConfig::preset(preset).with_seed(seed);
    let mut session = Session::new(config, &Device::flex()).expect("default config is valid");
    for _ in 0..STEPS {
        pollster::block_on(session.step()).expect("training stays finite");
    }
    let snapshot = pollster::block_on(session.metrics()).expect("metrics can be read");
    println!(
        "{:>16} seed {seed}: std {:.3e}, rank {:.2}, |corr| {:.3}, cos {:.3}, knn emb {:.3}, rep {:.3}, {}",
        preset.name(),
        snapshot.mean_std,
        snapshot.effective_rank,
        snapshot.mean_abs_correlation,
        snapshot.mean_cosine_similarity,
        snapshot.knn_accuracy_embedding,
        snapshot.knn_accuracy_representation,
        snapshot.collapse.name()
    );
    snapshot
}

#[test]
fn three_regimes_separate() {
    for seed in SEEDS {
        let invariance_only = train(Preset::InvarianceOnly, seed);
        let vi_reg = train(Preset::ViReg, seed);
        let vicreg = train(Preset::Vicreg, seed);

        // Complete collapse: nothing pushes the std up, so every embedding becomes one point.
        assert!(invariance_only.mean_std < 0.01, "seed {seed}: std {}", invariance_only.mean_std);
        assert!(
            invariance_only.knn_accuracy_embedding < CHANCE + 0.15,
            "seed {seed}: collapsed k-NN {}",
            invariance_only.knn_accuracy_embedding
        );
        assert_eq!(invariance_only.collapse, Collapse::Complete, "seed {seed}");

        // Dimensional collapse: the hinge holds the std near γ, but with no covariance term
        // the dimensions become copies of one another.
        assert!(vi_reg.mean_std > 0.5, "seed {seed}: VI-Reg std {}", vi_reg.mean_std);
        assert!(vi_reg.mean_abs_correlation > 0.9, "seed {seed}: |corr| {}", vi_reg.mean_abs_correlation);
        assert!(vi_reg.effective_rank < 2.0, "seed {seed}: VI-Reg rank {}", vi_reg.effective_rank);
        assert_eq!(vi_reg.collapse, Collapse::Dimensional, "seed {seed}");

        // Healthy: decorrelated dimensions, the highest rank, and a useful embedding.
        assert!(vicreg.mean_abs_correlation < 0.5, "seed {seed}: |corr| {}", vicreg.mean_abs_correlation);
        assert!(
            vicreg.effective_rank > 3.0 * vi_reg.effective_rank,
            "seed {seed}: VICReg rank {} vs VI-Reg {}",
            vicreg.effective_rank,
            vi_reg.effective_rank
        );
        assert!(
            vicreg.knn_accuracy_embedding > invariance_only.knn_accuracy_embedding + 0.4,
            "seed {seed}: k-NN {} vs collapsed {}",
            vicreg.knn_accuracy_embedding,
            invariance_only.knn_accuracy_embedding
        );
        assert_eq!(vicreg.collapse, Collapse::Healthy, "seed {seed}");
    }
}
