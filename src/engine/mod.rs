//! The engine: data, augmentations, model, loss, training session and metrics. It has no UI and
//! no device of its own, so the browser app and the CLI drive the same code on any Burn device.

pub mod augment;
pub mod compare;
pub mod data;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod report;
pub mod session;
pub mod share;

pub use data::{Dataset, DatasetKind};
pub use loss::{Convention, LossError, LossTerms, VicregLossConfig};
pub use metrics::{Collapse, MetricsSnapshot};
pub use session::{Preset, Session, TrainError, TrainingConfig};
