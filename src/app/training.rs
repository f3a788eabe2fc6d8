//! The training and model controls: optimiser settings, batch, augmentation, architecture,
//! dataset and seed.

use leptos::prelude::*;

use crate::engine::session::OptimizerKind;
use crate::engine::{DatasetKind, TrainingConfig};

use super::inputs::{Scale, SelectField, SliderNumber, TextField};
use super::state::{AppState, Field};

/// Largest batch size the slider reaches, before the training split limits it further.
const MAX_BATCH_SLIDER: usize = 1024;

/// Parses a count such as a batch size or a width: a whole number of at least 0.
fn parse_count(text: &str, name: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| format!("invalid {name} `{}`: enter a whole number", text.trim()))
}

/// Parses comma-separated layer widths such as `256,256`. Empty text gives no widths, which the
/// model configuration rejects with its own message.
fn parse_widths(text: &str, name: &str) -> Result<Vec<usize>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<usize>().map_err(|_| {
                format!(
                    "invalid {name} `{}`: enter whole numbers separated by commas, such as 256,256",
                    text.trim()
                )
            })
        })
        .collect()
}

/// Formats layer widths as the text the widths inputs accept.
fn format_widths(widths: &[usize]) -> String {
    widths
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Converts a slider or typed batch size to a count, rejecting fractions, negatives and NaN.
fn batch_from_value(value: f64) -> Result<usize, String> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= usize::MAX as f64 {
        Ok(value as usize)
    } else {
        Err(format!(
            "invalid batch size {value}: enter a whole number of at least 2"
        ))
    }
}

/// Renders the training section: learning rate, batch size, augmentation, architecture, dataset, seed
/// and optimiser. Changes of architecture, dataset, seed or optimiser reset the session.
#[component]
pub fn TrainingControls(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let read =
        move |get: fn(&TrainingConfig) -> f64| Signal::derive(move || state.config.with(get));
    let learning_rate = read(|config| config.learning_rate);
    let batch_size = read(|config| config.batch_size as f64);
    let augmentation = read(|config| f64::from(config.augmentation_strength));
    let momentum = read(|config| config.momentum);
    let batch_max = Signal::derive(move || state.train_len.get().min(MAX_BATCH_SLIDER) as f64);
    let text =
        move |get: fn(&TrainingConfig) -> String| Signal::derive(move || state.config.with(get));
    let embedding_dim = text(|config| {
        config
            .expander_widths
            .last()
            .map_or(String::new(), usize::to_string)
    });
    let encoder_widths = text(|config| format_widths(&config.encoder_widths));
    let expander_widths = text(|config| format_widths(&config.expander_widths));
    let seed = text(|config| config.seed.to_string());
    let dataset = text(|config| config.dataset.name().to_string());
    let optimizer = text(|config| config.optimizer.name().to_string());
    let error = move |field: Field| Signal::derive(move || state.field_error(field));

    let on_learning_rate = state.setter(Field::LearningRate, |config, value: f64| {
        config.learning_rate = value;
        Ok(())
    });
    let on_batch = state.setter(Field::BatchSize, |config, value: f64| {
        config.batch_size = batch_from_value(value)?;
        Ok(())
    });
    let on_augmentation = state.setter(Field::Augmentation, |config, value: f64| {
        config.augmentation_strength = value as f32;
        Ok(())
    });
    let on_momentum = state.setter(Field::Momentum, |config, value: f64| {
        config.momentum = value;
        Ok(())
    });
    let on_embedding_dim = state.setter(Field::EmbeddingDim, |config, text: String| {
        let dim = parse_count(&text, "embedding dimension")?;
        match config.expander_widths.last_mut() {
            Some(last) => *last = dim,
            None => config.expander_widths.push(dim),
        }
        Ok(())
    });
    let on_encoder_widths = state.setter(Field::EncoderWidths, |config, text: String| {
        config.encoder_widths = parse_widths(&text, "encoder widths")?;
        Ok(())
    });
    let on_expander_widths = state.setter(Field::ExpanderWidths, |config, text: String| {
        config.expander_widths = parse_widths(&text, "expander widths")?;
        Ok(())
    });
    let on_seed = state.setter(Field::Seed, |config, text: String| {
        config.seed = text.trim().parse::<u64>().map_err(|_| {
            format!(
                "invalid seed `{}`: enter a whole number of at least 0",
                text.trim()
            )
        })?;
        Ok(())
    });
    let on_dataset = state.setter(Field::Dataset, |config, name: String| {
        config.dataset = name.parse::<DatasetKind>()?;
        Ok(())
    });
    let on_optimizer = state.setter(Field::Optimizer, |config, name: String| {
        config.optimizer = name.parse::<OptimizerKind>()?;
        Ok(())
    });
    let dataset_options = DatasetKind::ALL
        .iter()
        .map(|kind| match kind {
            DatasetKind::Digits => ("digits", "digits (8×8 images)"),
            DatasetKind::Blobs => ("blobs", "blobs (2-D)"),
            DatasetKind::TwoMoons => ("two-moons", "two moons (2-D)"),
        })
        .collect::<Vec<_>>();
    let optimizer_options = vec![("adam", "Adam"), ("sgd", "SGD with momentum")];

    view! {
        <section class="panel">
            <h2>"Training"</h2>
            <SliderNumber
                id="learning-rate"
                label="Learning rate"
                value=learning_rate
                min=1e-5
                max=1.0
                scale=Scale::Log
                on_value=on_learning_rate
                error=error(Field::LearningRate)
            />
            <SliderNumber
                id="batch-size"
                label="Batch size"
                value=batch_size
                min=2.0
                max=batch_max
                scale=Scale::Linear { step: 1.0 }
                on_value=on_batch
                error=error(Field::BatchSize)
            />
            <SliderNumber
                id="augmentation"
                label="Augmentation strength"
                value=augmentation
                min=0.0
                max=3.0
                scale=Scale::Linear { step: 0.05 }
                on_value=on_augmentation
                error=error(Field::Augmentation)
            />
            <p class="hint">"Changes below need a new model and restart training from step 0."</p>
            <SelectField
                id="dataset"
                label="Dataset"
                options=dataset_options
                value=dataset
                on_select=on_dataset
                error=error(Field::Dataset)
            />
            <TextField
                id="embedding-dim"
                label="Embedding dimension (last expander width)"
                input_type="number"
                value=embedding_dim
                on_commit=on_embedding_dim
                error=error(Field::EmbeddingDim)
            />
            <TextField
                id="encoder-widths"
                label="Encoder widths"
                placeholder="256,256"
                value=encoder_widths
                on_commit=on_encoder_widths
                error=error(Field::EncoderWidths)
            />
            <TextField
                id="expander-widths"
                label="Expander widths"
                placeholder="64,64"
                value=expander_widths
                on_commit=on_expander_widths
                error=error(Field::ExpanderWidths)
            />
            <TextField
                id="seed"
                label="Seed"
                input_type="number"
                value=seed
                on_commit=on_seed
                error=error(Field::Seed)
            />
            <SelectField
                id="optimizer"
                label="Optimizer"
                options=optimizer_options
                value=optimizer
                on_select=on_optimizer
                error=error(Field::Optimizer)
            />
            <details class="advanced">
                <summary>"Advanced"</summary>
                <SliderNumber
                    id="momentum"
                    label="SGD momentum"
                    value=momentum
                    min=0.0
                    max=0.99
                    scale=Scale::Linear { step: 0.01 }
                    on_value=on_momentum
                    error=error(Field::Momentum)
                />
            </details>
        </section>
    }
}
