//! The encoder, whose output is the representation, and the expander, whose output is the
//! embedding that the VICReg loss is computed on. Both are ReLU multilayer perceptrons.
//!
//! Weights are drawn on the host from the session's seed, with PyTorch's default `nn.Linear`
//! scheme (uniform in `±1/sqrt(fan_in)`), so the same seed gives the same network on every
//! device and in every build.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::relu;
use rand::Rng;
use rand::rngs::StdRng;

/// Largest accepted layer width, so a typed value cannot exhaust memory.
pub const MAX_WIDTH: usize = 4096;

/// Configuration of a ReLU multilayer perceptron.
#[derive(Config, Debug, PartialEq)]
pub struct MlpConfig {
    /// Input features.
    pub input_dim: usize,
    /// Width of each layer after the input, the last one being the output.
    pub widths: Vec<usize>,
    /// Whether the output passes through a ReLU as well. Default false.
    #[config(default = false)]
    pub relu_output: bool,
}

/// A ReLU multilayer perceptron.
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    relu_output: bool,
}

impl MlpConfig {
    /// Builds the network on `device` with weights drawn from `rng`.
    pub fn init(&self, device: &Device, rng: &mut StdRng) -> Mlp {
        let mut layers = Vec::with_capacity(self.widths.len());
        let mut fan_in = self.input_dim;
        for &fan_out in &self.widths {
            layers.push(init_linear(fan_in, fan_out, device, rng));
            fan_in = fan_out;
        }
        Mlp { layers, relu_output: self.relu_output }
    }

    /// Returns the width of the output.
    pub fn output_dim(&self) -> usize {
        self.widths.last().copied().unwrap_or(self.input_dim)
    }
}

/// Creates a linear layer with weights and bias uniform in `±1/sqrt(fan_in)`.
fn init_linear(fan_in: usize, fan_out: usize, device: &Device, rng: &mut StdRng) -> Linear {
    let bound = 1.0 / (fan_in as f32).sqrt();
    let mut draw = |count: usize| -> Vec<f32> {
        (0..count).map(|_| rng.random_range(-bound..=bound)).collect()
    };
    let weight = Tensor::<2>::from_data(TensorData::new(draw(fan_in * fan_out), [fan_in, fan_out]), device);
    let bias = Tensor::<1>::from_data(TensorData::new(draw(fan_out), [fan_out]), device);
    Linear { weight: Param::from_tensor(weight), bias: Some(Param::from_tensor(bias)) }
}

impl Mlp {
    /// Applies each layer, with a ReLU between layers.
    ///
    /// # Shapes
    ///
    /// - `input`: `[batch_size, input_dim]`
    /// - output: `[batch_size, widths.last()]`
    pub fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len().saturating_sub(1);
        let mut x = input;
        for (index, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if index < last || self.relu_output {
                x = relu(x);
            }
        }
        x
    }
}

/// Configuration of the encoder and expander.
#[derive(Config, Debug, PartialEq)]
pub struct VicregModelConfig {
    /// Input features: 64 for digits, 2 for the synthetic sets.
    pub input_dim: usize,
    /// Encoder layer widths; the last is the representation size. Default `[256, 256]`.
    #[config(default = "vec![256, 256]")]
    pub encoder_widths: Vec<usize>,
    /// Expander layer widths; the last is the embedding dimension d. Default `[64, 64]`.
    #[config(default = "vec![64, 64]")]
    pub expander_widths: Vec<usize>,
}

/// Failures of a model configuration that a user can cause.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// A network has no layers.
    #[error("the {network} has no layers: give it at least one width")]
    NoLayers {
        /// `encoder` or `expander`.
        network: &'static str,
    },
    /// A width is zero or larger than [`MAX_WIDTH`].
    #[error("invalid {network} width {width}: use a value from 1 to {MAX_WIDTH}")]
    InvalidWidth {
        /// `encoder` or `expander`.
        network: &'static str,
        /// The rejected width.
        width: usize,
    },
}

impl VicregModelConfig {
    /// Checks that both networks have layers of valid width.
    pub fn validate(&self) -> Result<(), ModelError> {
        for (network, widths) in [("encoder", &self.encoder_widths), ("expander", &self.expander_widths)]
        {
            if widths.is_empty() {
                return Err(ModelError::NoLayers { network });
            }
            if let Some(&width) = widths.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
                return Err(ModelError::InvalidWidth { network, width });
            }
        }
        Ok(())
    }

    /// Returns the representation size, the encoder's last width.
    pub fn representation_dim(&self) -> usize {
        self.encoder().output_dim()
    }

    /// Returns the embedding dimension d, the expander's last width.
    pub fn embedding_dim(&self) -> usize {
        self.expander().output_dim()
    }

    fn encoder(&self) -> MlpConfig {
        // The representation is taken after a ReLU, as after the pooling of a ResNet.
        MlpConfig::new(self.input_dim, self.encoder_widths.clone()).with_relu_output(true)
    }

    fn expander(&self) -> MlpConfig {
        MlpConfig::new(self.representation_dim(), self.expander_widths.clone())
    }

    /// Builds encoder and expander on `device`, encoder first, from `rng`.
    pub fn init(&self, device: &Device, rng: &mut StdRng) -> VicregModel {
        let encoder = self.encoder().init(device, rng);
        let expander = self.expander().init(device, rng);
        VicregModel { encoder, expander }
    }
}

/// The encoder followed by the expander.
#[derive(Module, Debug)]
pub struct VicregModel {
    encoder: Mlp,
    expander: Mlp,
}

impl VicregModel {
    /// Computes the embedding.
    ///
    /// # Shapes
    ///
    /// - `input`: `[batch_size, input_dim]`
    /// - output: `[batch_size, embedding_dim]`
    pub fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        self.expander.forward(self.encoder.forward(input))
    }

    /// Computes the representation and the embedding.
    ///
    /// # Shapes
    ///
    /// - `input`: `[batch_size, input_dim]`
    /// - output: `([batch_size, representation_dim], [batch_size, embedding_dim])`
    pub fn forward_both(&self, input: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let representation = self.encoder.forward(input);
        let embedding = self.expander.forward(representation.clone());
        (representation, embedding)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn forward_shapes_follow_config() {
        let device = Device::flex();
        let config = VicregModelConfig::new(64)
            .with_encoder_widths(vec![32, 16])
            .with_expander_widths(vec![8, 4]);
        let model = config.init(&device, &mut StdRng::seed_from_u64(0));
        let (representation, embedding) = model.forward_both(Tensor::zeros([5, 64], &device));
        assert_eq!(representation.dims(), [5, 16]);
        assert_eq!(embedding.dims(), [5, 4]);
    }

    #[test]
    fn same_seed_gives_same_weights() {
        let device = Device::flex();
        let config = VicregModelConfig::new(2);
        let input = Tensor::<2>::from_floats([[0.5, -1.0], [2.0, 0.25]], &device);
        let first = config.init(&device, &mut StdRng::seed_from_u64(3)).forward(input.clone());
        let second = config.init(&device, &mut StdRng::seed_from_u64(3)).forward(input.clone());
        let third = config.init(&device, &mut StdRng::seed_from_u64(4)).forward(input);
        assert_eq!(first.to_data(), second.to_data());
        assert_ne!(first.to_data(), third.to_data());
    }

    #[test]
    fn invalid_widths_are_rejected() {
        let empty = VicregModelConfig::new(64).with_encoder_widths(vec![]);
        assert_eq!(empty.validate(), Err(ModelError::NoLayers { network: "encoder" }));
        let zero = VicregModelConfig::new(64).with_expander_widths(vec![64, 0]);
        assert_eq!(zero.validate(), Err(ModelError::InvalidWidth { network: "expander", width: 0 }));
    }
}
