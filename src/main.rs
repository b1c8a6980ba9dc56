//! `stancemark [PROJECT]` opens the app; `stancemark export|stats|validate` run without a window.

use std::process::ExitCode;

use clap::Parser;
use stancemark::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => {
            let code = cli::run(command, &mut std::io::stdout(), &mut std::io::stderr());
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        None => match stancemark::ui::run_native(args.project) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: could not open the window: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
