//! The command line: `stancemark [PROJECT]` opens the app; subcommands work on project files
//! without a window, on the same core.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::export::{Export, ExportFormat, Stats};
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
    /// Test aid for the crash test: saves two different versions of the project alternately,
    /// forever (or `count` times), printing `ready` after the first save.
    #[command(hide = true)]
    SaveLoop {
        /// Project file, overwritten again and again.
        project: PathBuf,
        /// Number of saves (0 = until killed).
        #[arg(long, default_value_t = 0)]
        count: u64,
    },
}

/// The two states `save-loop` alternates between: the project as loaded, and a version with
/// every note and the name changed (so a mix of the two is detectable).
pub fn save_loop_states(project: &crate::model::Project) -> [crate::model::Project; 2] {
    let mut b = project.clone();
    b.name = format!("{} (state B)", b.name);
    for ann in &mut b.annotations {
        let ann = std::sync::Arc::make_mut(ann);
        ann.note = format!("B: {}", ann.note);
    }
    [project.clone(), b]
}

/// Runs a subcommand, writing results to `out`. Returns the process exit code; problems are
/// written to `err` as one clear line each.
pub fn run(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match execute(command, out) {
        Ok(()) => 0,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

fn execute(command: Command, out: &mut dyn Write) -> Result<(), String> {
    let write = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write output: {e}"))
    };
    match command {
        Command::Export {
            project,
            format,
            output,
        } => {
            let p = store::load_project(&project).map_err(|e| e.to_string())?;
            let text = Export::from_project(&p)
                .to_string(format)
                .map_err(|e| e.to_string())?;
            match output {
                Some(path) => {
                    store::write_atomically(&path, text.as_bytes()).map_err(|e| e.to_string())?;
                    write(
                        out,
                        &format!(
                            "exported {} annotations to {}\n",
                            p.annotations.len(),
                            path.display()
                        ),
                    )
                }
                None => write(out, &text),
            }
        }
        Command::Stats { project } => {
            let p = store::load_project(&project).map_err(|e| e.to_string())?;
            write(out, &Stats::of(&p).to_table())
        }
        Command::ImportJson { export, output } => {
            if output.exists() {
                return Err(format!(
                    "{} exists; choose a new file name",
                    output.display()
                ));
            }
            let json = store::read_text_file(&export, u64::MAX).map_err(|e| e.to_string())?;
            let p = crate::export::project_from_json_export(&export, &json)
                .map_err(|e| e.to_string())?;
            store::save_project(&p, &output).map_err(|e| e.to_string())?;
            write(
                out,
                &format!(
                    "wrote {} with {} annotations\n",
                    output.display(),
                    p.annotations.len()
                ),
            )
        }
        Command::SaveLoop { project, count } => {
            let p = store::load_project(&project).map_err(|e| e.to_string())?;
            let states = save_loop_states(&p);
            let mut i: u64 = 0;
            loop {
                store::save_project(&states[(i % 2) as usize], &project)
                    .map_err(|e| e.to_string())?;
                if i == 0 {
                    write(out, "ready\n")?;
                    out.flush().map_err(|e| e.to_string())?;
                }
                i += 1;
                if count != 0 && i >= count {
                    return Ok(());
                }
            }
        }
        Command::Validate { project } => {
            let p = store::load_project(&project).map_err(|e| e.to_string())?;
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
