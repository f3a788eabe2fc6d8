//! The command-line entry points end to end: `train`, `compare`, `loss` and `bench` on short runs,
//! and their messages for bad input.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vicreg-playground"))
        .args(arguments)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn train_writes_csv_summary_and_plots() {
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().to_str().unwrap();
    let output = run(&["train", "--preset", "vi-reg", "--steps", "20", "--log-every", "10", "--out", out_path]);
    assert!(output.status.success(), "{}", stderr(&output));

    let csv = std::fs::read_to_string(out.path().join("metrics.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("step,total,invariance,variance,covariance,effective_rank"));
    // The first snapshot is taken before training, so it has no loss.
    assert!(lines[1].starts_with("0,,"), "{}", lines[1]);
    assert!(lines[2].starts_with("10,"), "{}", lines[2]);
    assert!(lines[3].starts_with("20,"), "{}", lines[3]);
    // VI-Reg has no covariance term, so that column is empty.
    assert_eq!(lines[3].split(',').nth(4), Some(""));

    let summary = read_json(&out.path().join("summary.json"));
    for key in ["effective_rank", "mean_std", "knn_accuracy_embedding", "knn_accuracy_representation"] {
        assert!(summary[key].is_f64(), "{key} missing in {summary}");
    }
    assert!(["healthy", "dimensional", "complete"].contains(&summary["collapse"].as_str().unwrap()));
    assert_eq!(summary["config"]["loss"]["covariance_weight"], 0.0);
    assert_eq!(summary["steps"], 20);

    for plot in ["loss.svg", "embedding_std.svg", "correlation.svg", "spectrum.svg", "pca.svg"] {
        let svg = std::fs::read_to_string(out.path().join(plot)).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{plot} is not an SVG");
    }
}

#[test]
fn train_config_file_round_trips() {
    let first = tempfile::tempdir().unwrap();
    let args = ["train", "--steps", "5", "--seed", "3", "--learning-rate", "0.002", "--out"];
    let output = run(&[&args[..], &[first.path().to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = read_json(&first.path().join("summary.json"));
    let config_path = first.path().join("config.json");
    std::fs::write(&config_path, summary["config"].to_string()).unwrap();

    let second = tempfile::tempdir().unwrap();
    let output = run(&[
        "train",
        "--steps",
        "5",
        "--seed",
        "3",
        "--config",
        config_path.to_str().unwrap(),
        "--out",
        second.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let again = read_json(&second.path().join("summary.json"));
    assert_eq!(again["config"], summary["config"]);
    assert_eq!(again["final_loss"], summary["final_loss"]);
}

#[test]
fn compare_writes_side_by_side_report() {
    let out = tempfile::tempdir().unwrap();
    let output =
        run(&["compare", "vi-reg", "vicreg", "--steps", "10", "--log-every", "5", "--out", out.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    let report = read_json(&out.path().join("report.json"));
    assert_eq!(report["a"]["config"]["loss"]["covariance_weight"], 0.0);
    assert_eq!(report["b"]["config"]["loss"]["covariance_weight"], 1.0);
    assert_eq!(report["a"]["config"]["seed"], report["b"]["config"]["seed"]);
    let table = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(table.contains("| effective rank |"), "{table}");
    assert!(table.contains("B − A"), "{table}");
    assert_eq!(report["differences"]["step"], 10);
    assert!(report["differences"]["metrics"].as_array().is_some_and(|rows| rows.len() == 5));
    assert!(out.path().join("a/summary.json").is_file());
    assert!(out.path().join("b/metrics.csv").is_file());
}

#[test]
fn compare_weight_flags_set_run_b() {
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().to_str().unwrap();
    let output = run(&["compare", "vi-reg", "--covariance-weight", "0.5", "--gamma", "2", "--steps", "2", "--out", out_path]);
    assert!(output.status.success(), "{}", stderr(&output));

    let report = read_json(&out.path().join("report.json"));
    assert_eq!(report["a"]["config"]["loss"]["covariance_weight"], 0.0);
    assert_eq!(report["b"]["config"]["loss"]["covariance_weight"], 0.5);
    assert_eq!(report["a"]["config"]["loss"]["gamma"], 2.0, "γ is shared");
    let table = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(table.contains("mean \\|correlation\\|"), "{table}");
    assert!(table.contains("(B)"), "{table}");
    assert!(table.contains("ν = 0.5"), "the title names B's weights: {table}");
}

#[test]
fn loss_file_names_non_finite_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.json");
    let case = r#"{"cases": [{"name": "huge", "z_a": [[1e39, 0], [1, 2]], "z_b": [[0, 1], [2, 3]],
        "weights": {"invariance": 25, "variance": 25, "covariance": 1, "gamma": 1, "epsilon": 0.0001}}]}"#;
    std::fs::write(&path, case).unwrap();
    let output = run(&["loss", path.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("z_a[0][0]"), "{message}");
    assert!(!message.contains("learning rate"), "{message}");
}

#[test]
fn zero_log_interval_is_rejected() {
    let output = run(&["train", "--steps", "1", "--log-every", "0"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--log-every"), "{}", stderr(&output));
}

#[test]
fn config_file_names_every_rejected_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    std::fs::write(&path, r#"{"learning_rate": "fast", "batch_size": 1, "seed": 3}"#).unwrap();
    let output = run(&["train", "--steps", "1", "--config", path.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("learning_rate"), "{message}");
    assert!(message.contains("batch_size"), "{message}");
    assert!(!message.contains("seed"), "{message}");
}

#[test]
fn loss_matches_fixture_file() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vicreg_loss_cases.json");
    let output = run(&["loss", fixture.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("loss prints JSON");
    let expected = read_json(&fixture);

    let cases = report["cases"].as_array().unwrap();
    assert_eq!(cases.len(), expected["cases"].as_array().unwrap().len());
    for (actual, expected) in cases.iter().zip(expected["cases"].as_array().unwrap()) {
        assert_eq!(actual["name"], expected["name"]);
        for convention in ["paper", "reference"] {
            for (term, value) in expected[convention].as_object().unwrap() {
                let want = value.as_f64().unwrap();
                let got = actual[convention][term].as_f64().unwrap_or(f64::NAN);
                assert!(
                    (got - want).abs() <= 1e-5 * want.abs() + 1e-6,
                    "{} {convention} {term}: {got} vs {want}",
                    actual["name"]
                );
            }
        }
    }
}

#[test]
fn malformed_loss_file_is_rejected_with_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"cases\": [{\"name\": \"x\"}]}").unwrap();
    let output = run(&["loss", path.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("invalid loss file"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    std::fs::write(&path, "{\"cases\": [{\"name\": \"one\", \"z_a\": [[1.0]], \"z_b\": [[1.0]], \
        \"weights\": {\"invariance\": 1, \"variance\": 1, \"covariance\": 1, \"gamma\": 1, \"epsilon\": 0.0001}}]}")
        .unwrap();
    let output = run(&["loss", path.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("batch size 1 is too small"), "{}", stderr(&output));
}

#[test]
fn bad_hyperparameters_are_rejected_with_message() {
    let cases = [
        (vec!["--batch-size", "1"], "batch size 1 is too small"),
        (vec!["--batch-size", "5000"], "exceeds the 1438 training samples"),
        (vec!["--learning-rate", "-1"], "invalid learning rate -1"),
        (vec!["--gamma", "NaN"], "invalid γ"),
        (vec!["--encoder-widths", "0"], "invalid encoder width 0"),
        (
            vec!["--invariance-weight", "0", "--variance-weight", "0", "--covariance-weight", "0"],
            "every loss term is switched off",
        ),
    ];
    for (flags, expected) in cases {
        let mut arguments = vec!["train", "--steps", "1", "--out", "/nonexistent/never-written"];
        arguments.extend(flags.iter().copied());
        let output = run(&arguments);
        assert!(!output.status.success(), "{flags:?} was accepted");
        let message = stderr(&output);
        assert!(message.contains(expected), "{flags:?}: {message}");
        assert!(!message.contains("panicked"), "{flags:?}: {message}");
    }
}

#[test]
fn bench_prints_steps_per_second() {
    let output = run(&["bench", "--steps", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("steps/s"), "{text}");
}
