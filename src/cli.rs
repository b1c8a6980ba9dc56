//! The command line: `stancemark [PROJECT]` opens the app; subcommands work on project files
//! without a window, through the same session and core functions as the window.
//!
//! Every problem is printed once, as one `error: …` line, with a non-zero exit code; a closed
//! output pipe (`stancemark export … | head`) is a normal end, not an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::export::{Export, ExportFormat, Stats};
use crate::session::{Session, SessionOptions};
use crate::store;

/// Annotate articles by stance; export the annotations as JSON or RON.
#[derive(Debug, Parser)]
#[command(name = "stancemark", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Project file (`.stance.json`, or an older `.stance.ron`) to open in the app; without it the last project reopens.
    pub project: Option<PathBuf>,
    /// A subcommand to run instead of opening the app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands that run without a window.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the project's annotations, articles and stances as JSON or RON.
    Export {
        /// Project file.
        project: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Output file (written atomically); standard output when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print annotation counts per stance per article.
    Stats {
        /// Project file.
        project: PathBuf,
    },
    /// Check a project file; exits non-zero with the problem when it is broken.
    Validate {
        /// Project file.
        project: PathBuf,
    },
    /// Turn a JSON export back into a project file (validated; never overwrites an existing file).
    ImportJson {
        /// The JSON export.
        export: PathBuf,
        /// The project file to create.
        #[arg(long, short)]
        output: PathBuf,
    },
}

/// Why a subcommand stopped.
enum Stop {
    /// A problem to report.
    Error(String),
    /// The reader of our output went away: a normal end.
    ClosedPipe,
}

impl<E: std::fmt::Display> From<E> for Stop {
    fn from(e: E) -> Self {
        Stop::Error(e.to_string())
    }
}

/// Runs a subcommand, writing results to `out`. Returns the process exit code; problems are
/// written to `err` as one clear line each.
pub fn run(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match execute(command, out) {
        Ok(()) | Err(Stop::ClosedPipe) => 0,
        Err(Stop::Error(message)) => {
            // If even the error cannot be written there is nobody left to tell.
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

/// Writes `text` to `out`; a closed pipe ends the command quietly.
fn write(out: &mut dyn Write, text: &str) -> Result<(), Stop> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Stop::ClosedPipe,
            _ => Stop::Error(format!("cannot write output: {e}")),
        })
}

fn open(project: &Path) -> Result<Session, Stop> {
    Ok(Session::open_blocking(project, SessionOptions::inline())?)
}

fn execute(command: Command, out: &mut dyn Write) -> Result<(), Stop> {
    match command {
        Command::Export {
            project,
            format,
            output,
        } => {
            let session = open(&project)?;
            let p = session.project();
            match output {
                Some(path) => {
                    let count = crate::export::write_export(p, format, &path)?;
                    write(
                        out,
                        &format!("exported {count} annotations to {}\n", path.display()),
                    )
                }
                None => write(out, &Export::from_project(p).to_string(format)?),
            }
        }
        Command::Stats { project } => {
            let session = open(&project)?;
            write(out, &Stats::of(session.project()).to_table())
        }
        Command::ImportJson { export, output } => {
            if output.exists() {
                return Err(Stop::Error(format!(
                    "{} exists; choose a new file name",
                    output.display()
                )));
            }
            let json = store::read_text_file(&export, store::MAX_PROJECT_BYTES, "an export")?;
            let p = crate::export::project_from_json_export(&export, &json)?;
            let count = p.annotations.len();
            store::save_project(&p, &output)?;
            write(
                out,
                &format!("wrote {} with {count} annotations\n", output.display()),
            )
        }
        Command::Validate { project } => {
            let session = open(&project)?;
            let p = session.project();
            write(
                out,
                &format!(
                    "{}: valid — {} article(s), {} stance(s), {} annotation(s)\n",
                    project.display(),
                    p.articles.len(),
                    p.stances.0.len(),
                    p.annotations.len()
                ),
            )
        }
    }
}
