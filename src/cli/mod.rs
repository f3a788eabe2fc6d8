//! The command-line interface: a thin shell over the engine on Burn's CPU device.

pub mod args;
pub mod loss_file;
pub mod run;
pub mod svg;

use std::fmt::Write as _;
use std::fs;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use burn::prelude::Device;

pub use args::Cli;
use args::{BenchArgs, Command, CompareArgs, RunArgs, TrainArgs};

use crate::engine::compare::{Comparison, ComparisonSummary};
use crate::engine::session::{Preset, Session, TrainingConfig};
use crate::engine::share;

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Train(args) => train(args),
        Command::Compare(args) => compare(args),
        Command::Loss(args) => {
            let report = loss_file::evaluate_file(&args.file)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Bench(args) => bench(args),
    }
}

/// Returns the name of the preset whose λ, μ and ν `config` has, or the three weights.
fn run_name(config: &TrainingConfig) -> String {
    let loss = &config.loss;
    match Preset::ALL.into_iter().find(|preset| preset.has_weights_of(loss)) {
        Some(preset) => preset.name().to_string(),
        None => format!(
            "λ = {}, μ = {}, ν = {}",
            loss.invariance_weight, loss.variance_weight, loss.covariance_weight
        ),
    }
}

/// Returns the base configuration: the `--config` file if given, else `preset_config`. The file
/// is read like the app's import: every rejected setting is named, and any rejection is an
/// error here, since a run from a half-read file would not be the run the file describes.
fn base_config(run: &RunArgs, preset_config: TrainingConfig) -> Result<TrainingConfig> {
    let Some(path) = &run.config else {
        return Ok(preset_config);
    };
    let text =
        fs::read_to_string(path).with_context(|| format!("failed to read {}", path.display()))?;
    let parsed = share::from_json(&text)
        .map_err(|error| anyhow::anyhow!("invalid configuration file {}: {error}", path.display()))?;
    if !parsed.warnings.is_empty() {
        let lines: Vec<String> = parsed.warnings.iter().map(|w| format!("  {} = `{}`: {}", w.key, w.value, w.reason)).collect();
        bail!("invalid configuration file {}:\n{}", path.display(), lines.join("\n"));
    }
    Ok(parsed.config)
}

fn train(args: TrainArgs) -> Result<()> {
    let preset = args.preset.unwrap_or(Preset::Vicreg);
    let base = base_config(&args.run, TrainingConfig::preset(preset))?;
    let base = match args.preset {
        Some(preset) => {
            let loss = preset.weights_on(&base.loss);
            base.with_loss(loss)
        }
        None => base,
    };
    args.run.check()?;
    let config = args.run.apply(base);
    config.validate()?;
    let name = run_name(&config);
    log::info!("training {name} for {} steps", args.run.steps);
    let outcome = run::train(config, args.run.steps, args.run.log_every, &name)?;
    run::write_outputs(&outcome, &args.run.out)?;

    let summary = outcome.summary();
    println!(
        "{}: {} steps, collapse {}, effective rank {:.2}, mean std {:.4}, k-NN embedding {:.3}, \
         representation {:.3}; outputs in {}",
        name,
        summary.steps,
        summary.collapse.name(),
        summary.effective_rank,
        summary.mean_std,
        summary.knn_accuracy_embedding,
        summary.knn_accuracy_representation,
        args.run.out.display()
    );
    Ok(())
}

fn compare(args: CompareArgs) -> Result<()> {
    let run_args = &args.run;
    // Run B is built like `train`'s run; run A differs only in λ, μ and ν, as in the page.
    let base = match args.b {
        Some(preset) => {
            let base = base_config(run_args, TrainingConfig::preset(preset))?;
            let loss = preset.weights_on(&base.loss);
            base.with_loss(loss)
        }
        None => base_config(run_args, TrainingConfig::preset(Preset::Vicreg))?,
    };
    run_args.check()?;
    let config_b = run_args.apply(base);
    config_b.validate()?;
    let loss_a = args.a.weights_on(&config_b.loss);
    if loss_a == config_b.loss {
        log::warn!("runs A and B have the same loss weights: both runs will be identical");
    }
    let b_name = run_name(&config_b);

    let comparison = Comparison::new(config_b.clone(), loss_a, config_b.loss.clone(), &Device::flex())?;
    let label = format!("A {} vs B {b_name}", args.a.name());
    let (outcome_a, outcome_b) =
        run::compare(comparison, run_args.steps, run_args.log_every, &label)?;
    run::write_outputs(&outcome_a, &run_args.out.join("a"))?;
    run::write_outputs(&outcome_b, &run_args.out.join("b"))?;

    let differences = ComparisonSummary::new(&outcome_a.last, &outcome_b.last);
    let report = serde_json::json!({
        "a": outcome_a.summary(),
        "b": outcome_b.summary(),
        "differences": differences,
    });
    fs::write(run_args.out.join("report.json"), serde_json::to_string_pretty(&report)?)
        .context("failed to write report.json")?;

    let mut table = format!(
        "# {} (A) vs {} (B), {} steps, seed {}\n\n| metric | A | B | B − A |\n| --- | --- | --- | --- |\n",
        args.a.name(),
        b_name,
        run_args.steps,
        config_b.seed
    );
    // Writing to a String cannot fail.
    let _ = writeln!(
        table,
        "| collapse | {} | {} | |",
        differences.collapse_a.name(),
        differences.collapse_b.name()
    );
    for row in &differences.metrics {
        let _ = writeln!(
            table,
            "| {} | {:.4} | {:.4} | {:+.4} |",
            // A `|` inside a cell would end it in Markdown.
            row.metric.replace('|', "\\|"),
            row.a,
            row.b,
            row.difference()
        );
    }
    let _ = writeln!(table, "\n{}", differences.sentence());
    fs::write(run_args.out.join("report.md"), &table).context("failed to write report.md")?;
    print!("{table}");
    Ok(())
}

fn bench(args: BenchArgs) -> Result<()> {
    if args.steps == 0 {
        bail!("--steps must be at least 1");
    }
    let config = TrainingConfig::bench().with_seed(args.seed);
    let mut session = Session::new(config, &Device::flex())?;
    pollster::block_on(session.step())?;
    let start = Instant::now();
    for _ in 0..args.steps {
        pollster::block_on(session.step())?;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "bench (B = H = E = 256, digits, flex CPU device): {} steps in {:.2} s, {:.2} steps/s",
        args.steps,
        seconds,
        args.steps as f64 / seconds
    );
    Ok(())
}
