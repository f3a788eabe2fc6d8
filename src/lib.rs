//! vicreg-playground trains a small encoder with VICReg and makes collapse visible.
//!
//! The [`engine`] holds data, augmentations, model, loss, training session and metrics and runs on
//! any Burn device. The [`plots`] draw its results on any plotters backend. The browser app and
//! the command-line interface are thin shells over both, so every number the page shows can be
//! reproduced from the command line.
#![warn(missing_docs)]

pub mod engine;
pub mod plots;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
