//! Training settings as a URL query string and as a JSON file, so that a link or a file
//! reproduces a run.
//!
//! Reading is forgiving. A malformed or out-of-range value falls back to its default and yields a
//! [`SettingWarning`] that names the key, the value and the reason. Keys this version does not
//! know are skipped, so links keep opening after settings are added or removed.

use std::fmt;

use serde_json::Value;

use super::data::DatasetKind;
use super::loss::Convention;
use super::session::{OptimizerKind, Preset, TrainingConfig};

/// One rejected setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingWarning {
    /// The key as written in the URL or file.
    pub key: String,
    /// The rejected value, as written.
    pub value: String,
    /// The reason for the rejection.
    pub reason: String,
}

impl fmt::Display for SettingWarning {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "ignored {} = `{}`: {}; kept the default", self.key, self.value, self.reason)
    }
}

/// Settings read from a URL or file, with a warning for each value that was rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedSettings {
    /// The configuration: defaults, overwritten by every accepted value.
    pub config: TrainingConfig,
    /// One entry per rejected value, in input order.
    pub warnings: Vec<SettingWarning>,
}

/// Characters of a rejected value that a warning quotes.
const MAX_QUOTED_CHARS: usize = 60;

/// URL keys in the order [`to_query`] writes them.
pub const QUERY_KEYS: [&str; 15] = [
    "dataset",
    "lambda",
    "mu",
    "nu",
    "gamma",
    "epsilon",
    "convention",
    "optimizer",
    "momentum",
    "lr",
    "batch",
    "encoder",
    "expander",
    "augment",
    "seed",
];

/// Writes every setting of `config` as a query string (without the leading `?`).
pub fn to_query(config: &TrainingConfig) -> String {
    let widths = |widths: &[usize]| {
        widths.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
    };
    let loss = &config.loss;
    let values = [
        config.dataset.name().to_string(),
        loss.invariance_weight.to_string(),
        loss.variance_weight.to_string(),
        loss.covariance_weight.to_string(),
        loss.gamma.to_string(),
        loss.epsilon.to_string(),
        loss.convention.name().to_string(),
        config.optimizer.name().to_string(),
        config.momentum.to_string(),
        config.learning_rate.to_string(),
        config.batch_size.to_string(),
        widths(&config.encoder_widths),
        widths(&config.expander_widths),
        config.augmentation_strength.to_string(),
        config.seed.to_string(),
    ];
    QUERY_KEYS
        .iter()
        .zip(values)
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Reads settings from a query string, with or without the leading `?`. A `preset` key sets the
/// three loss weights first; explicit weights then override them. Keys outside
/// [`QUERY_KEYS`] and `preset` are skipped silently, since the app reads its own (`backend`,
/// `bench`, ...) from the same string.
pub fn from_query(query: &str) -> ParsedSettings {
    let pairs: Vec<(String, String)> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();

    let mut parsed = ParsedSettings { config: TrainingConfig::new(), warnings: Vec::new() };
    // The preset goes first wherever it appears, so explicit weights always win.
    for (key, value) in pairs.iter().filter(|(key, _)| key == "preset") {
        parsed.set(key, value, |config, text| {
            let preset: Preset = text.parse()?;
            config.loss = preset.weights_on(&config.loss);
            Ok(())
        });
    }
    for (key, value) in pairs.iter().filter(|(key, _)| key != "preset") {
        parsed.set_by_key(key, value);
    }
    parsed
}

/// Reads settings from a JSON object with the field names of [`TrainingConfig`] (as written by
/// the CLI's `summary.json` under `config`, or by the app's export). Rejected fields keep their
/// defaults and yield warnings; a file that is not a JSON object is an error.
pub fn from_json(text: &str) -> Result<ParsedSettings, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|error| format!("invalid JSON: {error}"))?;
    let Value::Object(object) = value else {
        return Err("invalid configuration: expected a JSON object of settings".into());
    };

    let mut parsed = ParsedSettings { config: TrainingConfig::new(), warnings: Vec::new() };
    for (field, value) in &object {
        if field == "loss" {
            let Value::Object(loss) = value else {
                parsed.warn(field, &value.to_string(), "expected an object of loss settings");
                continue;
            };
            for (loss_field, loss_value) in loss {
                let key = match loss_field.as_str() {
                    "invariance_weight" => "lambda",
                    "variance_weight" => "mu",
                    "covariance_weight" => "nu",
                    "gamma" => "gamma",
                    "epsilon" => "epsilon",
                    "convention" => "convention",
                    other => {
                        parsed.warn(&format!("loss.{other}"), &loss_value.to_string(), "unknown field");
                        continue;
                    }
                };
                parsed.set_json(&format!("loss.{loss_field}"), key, loss_value);
            }
            continue;
        }
        let key = match field.as_str() {
            "dataset" => "dataset",
            "encoder_widths" => "encoder",
            "expander_widths" => "expander",
            "optimizer" => "optimizer",
            "momentum" => "momentum",
            "learning_rate" => "lr",
            "batch_size" => "batch",
            "augmentation_strength" => "augment",
            "seed" => "seed",
            other => {
                parsed.warn(other, &value.to_string(), "unknown field");
                continue;
            }
        };
        parsed.set_json(field, key, value);
    }
    Ok(parsed)
}

impl ParsedSettings {
    fn warn(&mut self, key: &str, value: &str, reason: &str) {
        // A message quotes the start of a long value only, so a huge field cannot flood it.
        let value = match value.char_indices().nth(MAX_QUOTED_CHARS) {
            Some((end, _)) => format!("{}…", &value[..end]),
            None => value.to_string(),
        };
        self.warnings.push(SettingWarning {
            key: key.to_string(),
            value,
            reason: reason.to_string(),
        });
    }

    /// Applies one JSON value through the URL parser, so both formats accept the same values.
    fn set_json(&mut self, field: &str, key: &str, value: &Value) {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Array(items) => {
                items.iter().map(|item| item.to_string()).collect::<Vec<_>>().join(",")
            }
            other => other.to_string(),
        };
        let before = self.warnings.len();
        self.set_by_key(key, &text);
        // Report the rejected value under the file's own field name.
        for warning in &mut self.warnings[before..] {
            warning.key = field.to_string();
        }
    }

    fn set_by_key(&mut self, key: &str, value: &str) {
        match key {
            "dataset" => self.set(key, value, |config, text| {
                config.dataset = text.parse::<DatasetKind>()?;
                Ok(())
            }),
            "lambda" => self.set(key, value, |config, text| {
                config.loss.invariance_weight = parse_number(text)?;
                Ok(())
            }),
            "mu" => self.set(key, value, |config, text| {
                config.loss.variance_weight = parse_number(text)?;
                Ok(())
            }),
            "nu" => self.set(key, value, |config, text| {
                config.loss.covariance_weight = parse_number(text)?;
                Ok(())
            }),
            "gamma" => self.set(key, value, |config, text| {
                config.loss.gamma = parse_number(text)?;
                Ok(())
            }),
            "epsilon" => self.set(key, value, |config, text| {
                config.loss.epsilon = parse_number(text)?;
                Ok(())
            }),
            "convention" => self.set(key, value, |config, text| {
                config.loss.convention = text.parse::<Convention>()?;
                Ok(())
            }),
            "optimizer" => self.set(key, value, |config, text| {
                config.optimizer = text.parse::<OptimizerKind>()?;
                Ok(())
            }),
            "momentum" => self.set(key, value, |config, text| {
                config.momentum = parse_number(text)?;
                Ok(())
            }),
            "lr" => self.set(key, value, |config, text| {
                config.learning_rate = parse_number(text)?;
                Ok(())
            }),
            "batch" => self.set(key, value, |config, text| {
                config.batch_size = parse_integer(text)?;
                Ok(())
            }),
            "encoder" => self.set(key, value, |config, text| {
                config.encoder_widths = parse_widths(text)?;
                Ok(())
            }),
            "expander" => self.set(key, value, |config, text| {
                config.expander_widths = parse_widths(text)?;
                Ok(())
            }),
            "augment" => self.set(key, value, |config, text| {
                config.augmentation_strength = parse_number(text)? as f32;
                Ok(())
            }),
            "seed" => self.set(key, value, |config, text| {
                config.seed = text.trim().parse().map_err(|_| "not a whole number ≥ 0".to_string())?;
                Ok(())
            }),
            // Keys of other versions or of the app itself.
            _ => {}
        }
    }

    /// Applies `update` to a copy of the configuration and keeps it only if the result is valid.
    fn set<F>(&mut self, key: &str, value: &str, update: F)
    where
        F: FnOnce(&mut TrainingConfig, &str) -> Result<(), String>,
    {
        let mut candidate = self.config.clone();
        let outcome = update(&mut candidate, value)
            .and_then(|()| candidate.validate().map_err(|error| error.to_string()));
        match outcome {
            Ok(()) => self.config = candidate,
            Err(reason) => self.warn(key, value, &reason),
        }
    }
}

fn parse_number(text: &str) -> Result<f64, String> {
    let number: f64 = text.trim().parse().map_err(|_| "not a number".to_string())?;
    if number.is_finite() { Ok(number) } else { Err("not a finite number".into()) }
}

fn parse_integer(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|_| "not a whole number".to_string())
}

fn parse_widths(text: &str) -> Result<Vec<usize>, String> {
    text.split(',')
        .map(|width| width.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| "expected comma-separated whole numbers such as 256,256".to_string())
}

/// Decodes `%XX` escapes and `+` as a space; an invalid escape is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let escape = (byte == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (byte, escape) {
            (_, Some(value)) => {
                decoded.push(value);
                index += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                index += 1;
            }
            (other, None) => {
                decoded.push(other);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn sample_config() -> TrainingConfig {
        let mut config = TrainingConfig::preset(Preset::ViReg)
            .with_dataset(DatasetKind::TwoMoons)
            .with_encoder_widths(vec![32, 16])
            .with_expander_widths(vec![8])
            .with_optimizer(OptimizerKind::Sgd)
            .with_momentum(0.5)
            .with_learning_rate(0.0125)
            .with_batch_size(64)
            .with_augmentation_strength(1.5)
            .with_seed(42);
        config.loss.gamma = 0.75;
        config.loss.epsilon = 1e-3;
        config.loss.convention = Convention::Paper;
        config
    }

    #[test]
    fn query_round_trips_every_setting() {
        let config = sample_config();
        let parsed = from_query(&to_query(&config));
        assert_eq!(parsed.warnings, vec![]);
        assert_eq!(parsed.config, config);
    }

    #[test]
    fn json_round_trips_every_setting() {
        let config = sample_config();
        let text = serde_json::to_string(&config).unwrap();
        let parsed = from_json(&text).unwrap();
        assert_eq!(parsed.warnings, vec![]);
        assert_eq!(parsed.config, config);
    }

    #[test]
    fn every_key_is_written() {
        let query = to_query(&TrainingConfig::new());
        for key in QUERY_KEYS {
            assert!(query.contains(&format!("{key}=")), "{key} missing from {query}");
        }
    }

    #[test]
    fn malformed_values_fall_back_with_warnings() {
        let parsed = from_query("?lr=abc&batch=1&gamma=-2&encoder=256,x&seed=7");
        let keys: Vec<&str> = parsed.warnings.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["lr", "batch", "gamma", "encoder"]);
        assert_eq!(parsed.config, TrainingConfig::new().with_seed(7));
        assert!(parsed.warnings[1].to_string().contains("batch size 1 is too small"));
    }

    #[test]
    fn unknown_keys_are_skipped() {
        let parsed = from_query("backend=cpu&future_setting=3&seed=5");
        assert_eq!(parsed.warnings, vec![]);
        assert_eq!(parsed.config.seed, 5);
    }

    #[test]
    fn preset_applies_before_explicit_weights() {
        let parsed = from_query("nu=0.5&preset=invariance-only");
        assert_eq!(parsed.config.loss.variance_weight, 0.0);
        assert_eq!(parsed.config.loss.covariance_weight, 0.5);
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(from_query("encoder=128%2C64").config.encoder_widths, vec![128, 64]);
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
    }

    #[test]
    fn json_rejects_each_bad_field_by_name() {
        let parsed = from_json(r#"{"learning_rate": "fast", "loss": {"gamma": -1, "colour": 3}, "seed": 9}"#)
            .unwrap();
        let keys: Vec<&str> = parsed.warnings.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["learning_rate", "loss.gamma", "loss.colour"]);
        assert_eq!(parsed.config.seed, 9);
        assert!(from_json("[1, 2]").is_err());
        assert!(from_json("{").is_err());
    }

    proptest! {
        #[test]
        fn any_query_parses_without_panic(query in ".{0,200}") {
            let parsed = from_query(&query);
            prop_assert!(parsed.config.validate().is_ok());
        }

        #[test]
        fn query_like_strings_parse_without_panic(
            pairs in proptest::collection::vec(
                (proptest::sample::select(QUERY_KEYS.to_vec()), "[-0-9a-z.,%+eE]{0,12}"),
                0..20,
            )
        ) {
            let query: Vec<String> = pairs.iter().map(|(key, value)| format!("{key}={value}")).collect();
            let parsed = from_query(&query.join("&"));
            prop_assert!(parsed.config.validate().is_ok());
        }
    }
}
