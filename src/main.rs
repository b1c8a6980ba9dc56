//! `stancemark [PROJECT]` opens the app; `stancemark export|stats|validate|…` run without a
//! window. Nothing else lives here: the app is in the library, so tests can build it.

use std::process::ExitCode;

use clap::Parser;
use stancemark::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => {
            let code = cli::run(
                command,
                args.analyst.as_deref(),
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            );
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        None => open_window(args.project),
    }
}

#[cfg(feature = "gui")]
fn open_window(project: Option<std::path::PathBuf>) -> ExitCode {
    match stancemark::ui::run_native(project) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_project: Option<std::path::PathBuf>) -> ExitCode {
    eprintln!(
        "error: this stancemark was built without its window (the `gui` feature); use a subcommand, see --help"
    );
    ExitCode::FAILURE
}
