//! The `vicreg-playground` binary: the command-line interface natively, the browser app on
//! WebAssembly.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;

    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = vicreg_playground::cli::Cli::parse();
    match vicreg_playground::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    vicreg_playground::app::start();
}
