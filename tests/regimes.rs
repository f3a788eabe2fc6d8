//! The three collapse regimes as training outcomes on the digits, with the default model
//! (encoder 64→256→256, expander 256→64→64), batch 256, Adam 1e-3 and three seeds.
//!
//! Runs are kept short for CI; longer runs widen every gap. The thresholds come from runs of this
//! test on seeds 0–2 (`cargo test --test regimes -- --nocapture` prints the numbers), each with a
//! margin, and each assert says why it separates the regimes.

use burn::prelude::Device;
use vicreg_playground::engine::metrics::{Collapse, MetricsSnapshot};
use vicreg_playground::engine::session::{Preset, Session, TrainingConfig};

/// Steps of the VI-Reg and VICReg runs: both have settled into their regime by then.
const STEPS: usize = 500;
/// Steps of the invariance-only run. Its std shrinks slowly (1e-4 at step 500, 3e-5 at 1,500),
/// and until it is small against the embedding's norm the leftover spread still orders
/// neighbours, so the k-NN accuracy only nears chance after about 1,500 steps.
const INVARIANCE_ONLY_STEPS: usize = 1500;
const SEEDS: [u64; 3] = [0, 1, 2];
/// Chance level of ten balanced classes.
const CHANCE: f64 = 0.1;

fn train(preset: Preset, seed: u64, steps: usize) -> MetricsSnapshot {
    let config = TrainingConfig::preset(preset).with_seed(seed);
    let mut session = Session::new(config, &Device::flex()).expect("default config is valid");
    for _ in 0..steps {
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
        let invariance_only = train(Preset::InvarianceOnly, seed, INVARIANCE_ONLY_STEPS);
        let vi_reg = train(Preset::ViReg, seed, STEPS);
        let vicreg = train(Preset::Vicreg, seed, STEPS);

        // Complete collapse: nothing pushes the std up, so every embedding becomes one point
        // (measured std 3e-5 to 4e-5, cosine similarity 1.000, k-NN 0.13 to 0.21).
        assert!(invariance_only.mean_std < 1e-3, "seed {seed}: std {}", invariance_only.mean_std);
        assert!(
            invariance_only.mean_cosine_similarity > 0.999,
            "seed {seed}: cosine {}",
            invariance_only.mean_cosine_similarity
        );
        assert!(
            invariance_only.knn_accuracy_embedding < CHANCE + 0.15,
            "seed {seed}: collapsed k-NN {}",
            invariance_only.knn_accuracy_embedding
        );
        assert_eq!(invariance_only.collapse, Collapse::Complete, "seed {seed}");

        // The small expander absorbs the collapse: the encoder's output stays useful (0.96+).
        assert!(
            invariance_only.knn_accuracy_representation > 0.8,
            "seed {seed}: representation k-NN {}",
            invariance_only.knn_accuracy_representation
        );

        // Dimensional collapse: the hinge holds the std near γ (measured 1.10 to 1.19), but with
        // no covariance term the dimensions become copies of one another (|corr| 0.999+, effective
        // rank 1.36 to 1.79).
        assert!(vi_reg.mean_std > 0.8, "seed {seed}: VI-Reg std {}", vi_reg.mean_std);
        assert!(vi_reg.mean_abs_correlation > 0.95, "seed {seed}: |corr| {}", vi_reg.mean_abs_correlation);
        assert!(vi_reg.effective_rank < 2.5, "seed {seed}: VI-Reg rank {}", vi_reg.effective_rank);
        assert_eq!(vi_reg.collapse, Collapse::Dimensional, "seed {seed}");

        // Healthy: the covariance term decorrelates the dimensions (|corr| 0.48 to 0.49, rank 5.7
        // to 6.2, over three times VI-Reg's) and the embedding is useful (k-NN 0.72 and more).
        assert!(vicreg.mean_abs_correlation < 0.6, "seed {seed}: |corr| {}", vicreg.mean_abs_correlation);
        assert!(vicreg.effective_rank > 4.0, "seed {seed}: VICReg rank {}", vicreg.effective_rank);
        assert!(
            vicreg.effective_rank > 2.0 * vi_reg.effective_rank,
            "seed {seed}: VICReg rank {} vs VI-Reg {}",
            vicreg.effective_rank,
            vi_reg.effective_rank
        );
        assert!(
            vicreg.knn_accuracy_embedding > invariance_only.knn_accuracy_embedding + 0.3,
            "seed {seed}: k-NN {} vs collapsed {}",
            vicreg.knn_accuracy_embedding,
            invariance_only.knn_accuracy_embedding
        );
        assert_eq!(vicreg.collapse, Collapse::Healthy, "seed {seed}");
    }
}
