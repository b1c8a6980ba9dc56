//! The command line: `stancemark [PROJECT]` opens the app; subcommands work on project files
//! without a window, through the same session and core functions as the window.
//!
//! Every problem is printed once, as one `error: …` line, with a non-zero exit code; things to
//! know are `warning: …` lines on standard error; a closed output pipe (`stancemark export … |
//! head`) is a normal end, not an error. No subcommand overwrites a file it did not open.

mod network;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::analysis::agreement::{self, Measure};
use crate::analysis::stats::Stats;
use crate::core::model::{AnalystId, ArticleId, Project, StanceId};
use crate::formats::export::ExportFormat;
use crate::session::{Session, SessionEvent, SessionOptions};

/// Annotate articles by stance; import articles and annotations, export them for other tools.
#[derive(Debug, Parser)]
#[command(name = "stancemark", version)]
pub struct Cli {
    /// Project to open in the app: a `.stance.json` file, a project folder `NAME.stance/` (or its `project.json`), or an older `.stance.ron`; without it the last project reopens.
    pub project: Option<PathBuf>,
    /// Who is working: new annotations are this analyst's (default: the name in the app's
    /// preferences, else the operating-system user name).
    #[arg(long, global = true, value_name = "NAME")]
    pub analyst: Option<String>,
    /// A subcommand to run instead of opening the app.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The analyst a command works as: `--analyst`, else the app's preferences' name, else the
/// operating-system user name.
pub fn analyst_name(flag: Option<&str>) -> String {
    flag.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(crate::session::files::default_analyst_name)
}

/// How `stancemark stats` prints its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    /// Aligned tables for people.
    Table,
    /// Long CSV for pandas, R and spreadsheets.
    Csv,
    /// JSON records.
    Json,
}

/// What `stancemark stats --by` counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    /// Calendar days.
    Day,
    /// ISO 8601 weeks.
    Week,
    /// Calendar months.
    Month,
    /// Quarters.
    Quarter,
    /// Years.
    Year,
    /// The articles' outlets.
    Outlet,
    /// Who holds the stance (no actor apart).
    Actor,
}

/// Which agreement measures `stancemark agreement` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MeasureArg {
    /// Krippendorff's unitizing α (passages and their boundaries).
    AlphaU,
    /// Cohen's κ for each pair of analysts (per unit).
    Kappa,
    /// Krippendorff's nominal α for the analysts together (per unit).
    Alpha,
    /// Percent agreement (per unit).
    Percent,
    /// All four.
    All,
}

/// The unit of the per-unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    /// Words by Unicode word boundaries (UAX #29).
    Word,
    /// Every code point (Python string indices).
    Char,
    /// The articles' coding units (unitised articles): one code per unit per analyst.
    Unit,
}

/// How `stancemark suggest` prints its suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SuggestFormat {
    /// Tab-separated, a header line first (tabs and line ends in quotes as `\t`, `\n`).
    Tsv,
    /// A JSON array.
    Json,
}

/// Subcommands that run without a window.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add articles (text, Markdown, web pages, PDF, Word .docx, OpenDocument .odt) to a project, creating it if needed.
    Add {
        /// Project file or folder (created when it does not exist; a name ending in `.stance` makes a folder).
        project: PathBuf,
        /// Files to add as articles.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Read an article's source again (or a new version of it) and re-anchor its annotations.
    Reimport {
        /// Project file or folder.
        project: PathBuf,
        /// The article: its id, its title, or a unique part of its title.
        article: String,
        /// The new version of the source (default: the file it was imported from).
        from: Option<PathBuf>,
    },
    /// Write the project's annotations in one of the export formats.
    Export {
        /// Project file or folder.
        project: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Output file (written atomically); standard output when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Only this article (id, title, or a unique part of its title).
        #[arg(long)]
        article: Option<String>,
        /// Only these analysts' layers (ids or names, comma-separated; `gold` for the curated layer).
        #[arg(long, value_delimiter = ',')]
        analysts: Vec<String>,
    },
    /// Import annotations: a .qdpx or JSON export becomes a new project (`-o`); a CSV or W3C file goes into a project that has its articles (`--into`).
    Import {
        /// The annotation file (.qdpx, stancemark .json export, .csv, W3C .jsonld/.json).
        file: PathBuf,
        /// The new project file to create from a .qdpx or JSON export (never overwritten).
        #[arg(long, short, conflicts_with = "into", required_unless_present = "into")]
        output: Option<PathBuf>,
        /// The project to bring CSV or W3C annotations (or a Manifesto file's article) into (saved afterwards).
        #[arg(long)]
        into: Option<PathBuf>,
        /// Read FILE as a Manifesto Corpus CSV (text, cmp_code, eu_code) even if its header is not within its first 10 lines; its codes are the analyst's given with --analyst, else `manifesto-project`'s.
        #[arg(long)]
        manifesto: bool,
    },
    /// Start a new project from a scheme template (an existing PROJECT is refused).
    New {
        /// The new project file (`.stance.json`) or folder (a name ending in `.stance`).
        project: PathBuf,
        /// `default` (pro-open-source, regulation, security), `manifesto` (the Manifesto Project's categories), `cap` (the Comparative Agendas policy topics) or `stance-target` (one stance per --target).
        #[arg(long, default_value = "default")]
        template: String,
        /// With `--template stance-target`: what a stance is taken towards (repeat for several).
        #[arg(long)]
        target: Vec<String>,
    },
    /// Print annotations and annotated code points per article and stance (sub-stances rolled up into their parents).
    Stats {
        /// Project file or folder.
        project: PathBuf,
        /// `table` for people; `csv`: one row per article × stance, then the whole project; `json`: the same records and the co-occurrence pairs.
        #[arg(long, short, value_enum, default_value = "table")]
        format: StatsFormat,
        /// Also the pairs of overlapping annotations per pair of stances (with `csv`: that table instead).
        #[arg(long)]
        cooccurrence: bool,
        /// Only these analysts' layers (ids or names, comma-separated).
        #[arg(long, value_delimiter = ',')]
        analysts: Vec<String>,
        /// Each code's share of the coded units of each unitised article and of all of them, in percent, rolled up into categories and domains (the Manifesto Project's "per" variables; with `csv`: `article_id, article_title, code, label, kind, units, percent`).
        #[arg(long, conflicts_with_all = ["cooccurrence", "by"])]
        shares: bool,
        /// Per period of the articles' dates (ISO 8601 weeks), per outlet or per actor: annotations, supports, opposes and neutral per stance (CSV `period, stance_id, stance_label, annotations, supports, opposes, neutral`).
        #[arg(long, value_enum, conflicts_with = "cooccurrence")]
        by: Option<ByArg>,
    },
    /// Suggest passages to tag: matches of terms or a regular expression, or the sentences most like an annotation; prints them (and with --accept, tags them and saves).
    #[command(group(clap::ArgGroup::new("source").required(true).args(["term", "regex", "similar", "learned"])))]
    Suggest {
        /// Project file or folder.
        project: PathBuf,
        /// A term or phrase (repeat for a phrase list; any of them matches).
        #[arg(long)]
        term: Vec<String>,
        /// A regular expression (Rust regex syntax).
        #[arg(long, conflicts_with = "term")]
        regex: Option<String>,
        /// An annotation id: suggest the sentences most similar to its passage, with its stance.
        #[arg(long, conflicts_with_all = ["term", "regex", "stance"])]
        similar: Option<String>,
        /// Stances for unannotated sentences from a classifier trained on the project's own coding.
        #[arg(long, conflicts_with_all = ["term", "regex", "similar", "stance"])]
        learned: bool,
        /// The stance to suggest (id or label); required with --term and --regex.
        #[arg(long, required_unless_present_any = ["similar", "learned"])]
        stance: Option<String>,
        /// Suggest the whole sentence around each match.
        #[arg(long)]
        sentence: bool,
        /// Upper and lower case differ.
        #[arg(long)]
        match_case: bool,
        /// Only whole words.
        #[arg(long)]
        whole_word: bool,
        /// How many similar sentences (with --similar).
        #[arg(long, default_value_t = crate::analysis::suggest::SIMILAR_TOP)]
        top: usize,
        /// Tag every suggestion and save the project.
        #[arg(long)]
        accept: bool,
        /// Output format.
        #[arg(long, short, value_enum, default_value = "tsv")]
        format: SuggestFormat,
    },
    /// How far analysts agree: Krippendorff's α_U (as DKPro and INCEpTION compute it), Cohen's κ, Krippendorff's α and percent agreement, per article (and the corpus), stance (and overall) and analysts (all together, and each pair).
    Agreement {
        /// Project file or folder.
        project: PathBuf,
        /// Which measure(s).
        #[arg(long, value_enum, default_value = "all")]
        measure: MeasureArg,
        /// The unit of κ, α and percent agreement.
        #[arg(long, value_enum, default_value = "word")]
        unit: UnitArg,
        /// The analysts to compare (ids or names, comma-separated; default: every analyst with annotations, gold left out unless named).
        #[arg(long, value_delimiter = ',')]
        analysts: Vec<String>,
        /// Only this article (id, title, or a unique part of its title).
        #[arg(long)]
        article: Option<String>,
        /// Only this stance (id or label).
        #[arg(long)]
        stance: Option<String>,
        /// `table` for people, `csv`, or `json` (`{"format": "stancemark-agreement", ...}`).
        #[arg(long, short, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// Bring other analysts' work into a project as their layers: their copies of it (project files or folders) or stancemark JSON exports; saves the project and prints one line per analyst.
    Merge {
        /// The project to merge into (file or folder).
        project: PathBuf,
        /// The copies to merge from.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Build the gold layer: with --auto, take every passage all analysts (or --quorum of them) marked identically (same range and stance); you become a curator.
    Curate {
        /// Project file or folder.
        project: PathBuf,
        /// Take what the analysts agree on (the part that needs no judgement).
        #[arg(long, required = true)]
        auto: bool,
        /// How many analysts must agree (default: all who coded the article).
        #[arg(long)]
        quorum: Option<usize>,
    },
    /// Check a project file or folder; exits non-zero with the problem when it is broken.
    Validate {
        /// Project file or folder.
        project: PathBuf,
    },
    /// Write a project in the other form: a `.stance.json` file as a project folder (a `TO`
    /// ending in `.stance`), or a folder as one file. An existing `TO` is never overwritten.
    Convert {
        /// The project file or folder to read.
        from: PathBuf,
        /// The project to write (`NAME.stance` for a folder, else a file).
        to: PathBuf,
    },
    /// A discourse network as the Discourse Network Analyzer defines it: who agrees with whom (actors through shared stances), or who holds which stance, over the annotations that name an actor; CSV matrix, GraphML, UCINET DL or JSON.
    Network(Box<network::NetworkArgs>),
    /// Turn a JSON export back into a project file (the same as `import FILE -o PROJECT`).
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
    /// The command was asked for something that does not fit (exit status 2, as for a
    /// mistyped option).
    Usage(String),
}

impl<E: std::fmt::Display> From<E> for Stop {
    fn from(e: E) -> Self {
        Stop::Error(e.to_string())
    }
}

/// Where a subcommand writes: results to `out`, warnings to `err`.
struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    /// Who the command works as (see [`analyst_name`]).
    analyst: String,
    /// `--analyst` as given (`None` when it was not): a Manifesto file's coder.
    analyst_given: Option<String>,
}

impl Output<'_> {
    /// Writes `text` to standard output; a closed pipe ends the command quietly.
    fn write(&mut self, text: &str) -> Result<(), Stop> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => Stop::ClosedPipe,
                _ => Stop::Error(format!("cannot write output: {e}")),
            })
    }

    /// One `warning: …` line on standard error (nobody to tell if that fails).
    fn warn(&mut self, message: &str) {
        let _ = writeln!(self.err, "warning: {message}");
    }

    /// One line about what was done, on standard error (standard output holds the data).
    fn note(&mut self, message: &str) {
        let _ = writeln!(self.err, "{message}");
    }
}

/// Runs a subcommand, writing results to `out`. Returns the process exit code; problems are
/// written to `err` as one clear line each.
/// `analyst` is `--analyst` as given (see [`analyst_name`] for who works when it is not).
pub fn run(
    command: Command,
    analyst: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut output = Output {
        out,
        err,
        analyst: analyst_name(analyst),
        analyst_given: analyst
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
    };
    match execute(command, &mut output) {
        Ok(()) | Err(Stop::ClosedPipe) => 0,
        Err(Stop::Error(message)) => {
            // If even the error cannot be written there is nobody left to tell.
            let _ = writeln!(output.err, "error: {message}");
            1
        }
        Err(Stop::Usage(message)) => {
            let _ = writeln!(output.err, "error: {message}");
            2
        }
    }
}

/// Opens a project as `analyst`.
fn open(project: &Path, analyst: &str) -> Result<Session, Stop> {
    let mut session = Session::open_blocking(project, SessionOptions::command_line())?;
    session.set_annotator(analyst);
    Ok(session)
}

/// The article `spec` names: its id, its exact title, or the one title containing it.
pub fn find_article(project: &Project, spec: &str) -> Result<ArticleId, String> {
    let spec = spec.trim();
    if let Some(a) = project
        .articles
        .iter()
        .find(|a| a.id.to_string() == spec || a.title == spec)
    {
        return Ok(a.id);
    }
    let needle = spec.to_lowercase();
    let matching: Vec<_> = project
        .articles
        .iter()
        .filter(|a| a.title.to_lowercase().contains(&needle))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one.id),
        [] => Err(format!(
            "no article matches “{spec}”; the project has: {}",
            titles(project.articles.iter().map(|a| a.title.as_str()))
        )),
        many => Err(format!(
            "“{spec}” matches {} articles ({}); give more of the title or the id",
            many.len(),
            titles(many.iter().map(|a| a.title.as_str()))
        )),
    }
}

/// The stance `spec` names: its id or its label.
fn find_stance(project: &Project, spec: &str) -> Result<StanceId, String> {
    project
        .stances
        .0
        .iter()
        .find(|s| s.id.as_str() == spec || s.label == spec)
        .map(|s| s.id.clone())
        .ok_or_else(|| {
            format!(
                "no stance {spec:?} in the project; it has: {}",
                project
                    .stances
                    .0
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The analysts `specs` name (ids or names), each once.
fn named_analysts(project: &Project, specs: &[String]) -> Result<Vec<AnalystId>, String> {
    let mut out = Vec::new();
    for spec in specs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let found = project
            .analyst(&AnalystId::new(spec))
            .or_else(|| project.analyst_named(spec))
            .ok_or_else(|| {
                format!(
                    "no analyst {spec:?} in the project; it has: {}",
                    project
                        .analysts
                        .iter()
                        .map(|a| format!("{} ({})", a.id, a.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        if !out.contains(&found.id) {
            out.push(found.id.clone());
        }
    }
    Ok(out)
}

/// The analysts `specs` name (ids or names); none named: every analyst with annotations but
/// gold. At least two.
fn find_analysts(project: &Project, specs: &[String]) -> Result<Vec<AnalystId>, String> {
    let listed = || {
        project
            .analysts
            .iter()
            .map(|a| format!("{} ({})", a.id, a.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen: Vec<AnalystId> = if specs.is_empty() {
        project
            .annotations
            .analysts()
            .into_iter()
            .filter(|a| !a.is_gold())
            .cloned()
            .collect()
    } else {
        named_analysts(project, specs)?
    };
    if chosen.len() < 2 {
        return Err(format!(
            "agreement needs at least two analysts; {} (the project has: {})",
            if specs.is_empty() {
                "fewer than two have annotations"
            } else {
                "name two or more with --analysts"
            },
            listed()
        ));
    }
    Ok(chosen)
}

/// Titles quoted and joined, for messages.
fn titles<'a>(titles: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<String> = titles.map(|t| format!("“{t}”")).collect();
    if all.is_empty() {
        "no articles".to_owned()
    } else {
        all.join(", ")
    }
}

/// Refuses to create `path` when something is there already.
fn refuse_existing(path: &Path) -> Result<(), Stop> {
    if path.exists() {
        return Err(Stop::Error(format!(
            "{} exists; choose a new file name",
            path.display()
        )));
    }
    Ok(())
}

/// The message of the first failure among `events`, if any.
fn failure(events: &[SessionEvent]) -> Option<String> {
    events.iter().find_map(|e| match e {
        SessionEvent::Failed { what, message, .. } => Some(format!("{}: {message}", what.title())),
        SessionEvent::Lost { kind } => Some(format!("{} stopped unexpectedly", kind.verb())),
        _ => None,
    })
}

fn execute(command: Command, output: &mut Output<'_>) -> Result<(), Stop> {
    match command {
        Command::Add { project, files } => add(&project, files, output),
        Command::Network(args) => network::network(*args, output),
        Command::Reimport {
            project,
            article,
            from,
        } => reimport(&project, &article, from, output),
        Command::Export {
            project,
            format,
            output: file,
            article,
            analysts,
        } => export(
            &project,
            format,
            file.as_deref(),
            (article.as_deref(), &analysts),
            output,
        ),
        Command::New {
            project,
            template,
            target,
        } => new_project(&project, &template, &target, output),
        Command::Import {
            file,
            output: new,
            into,
            manifesto,
        } if manifesto || crate::session::files::is_manifesto(&file) => {
            import_manifesto(&file, new.as_deref(), into.as_deref(), output)
        }
        Command::Import {
            file,
            output: new,
            into,
            ..
        } => match (new, into) {
            (Some(new), _) => import_new(&file, &new, output),
            (None, Some(into)) => import_into(&file, &into, output),
            (None, None) => Err(Stop::Error(
                "say -o NEW_PROJECT or --into PROJECT".to_owned(),
            )),
        },
        Command::ImportJson {
            export,
            output: new,
        } => import_new(&export, &new, output),
        Command::Stats {
            project,
            format,
            cooccurrence,
            analysts,
            by,
            shares,
        } => {
            let session = open(&project, &output.analyst)?;
            if shares {
                let p = session.project();
                let keep = named_analysts(p, &analysts)?;
                if keep.len() > 1 {
                    return Err(Stop::Usage(
                        "--shares counts one analyst's codes: name one with --analysts".into(),
                    ));
                }
                let rows = crate::analysis::stats::shares(p, keep.first()).map_err(Stop::Usage)?;
                let text = match format {
                    StatsFormat::Csv => crate::analysis::stats::shares_csv(&rows)
                        .map_err(|e| Stop::Error(e.to_string()))?,
                    StatsFormat::Json => {
                        serde_json::to_string_pretty(&rows).expect("rows serialise") + "\n"
                    }
                    StatsFormat::Table => rows
                        .iter()
                        .map(|r| {
                            format!(
                                "{:<40} {:>8} {:<40} {:>5} {:>7.2}%\n",
                                if r.article_title.is_empty() {
                                    "(all)"
                                } else {
                                    &r.article_title
                                },
                                r.code,
                                r.label,
                                r.units,
                                r.percent
                            )
                        })
                        .collect(),
                };
                return output.write(&text);
            }
            if let Some(by) = by {
                use crate::analysis::timeline::{PeriodBy, Timeline};
                let by = match by {
                    ByArg::Day => PeriodBy::Day,
                    ByArg::Week => PeriodBy::Week,
                    ByArg::Month => PeriodBy::Month,
                    ByArg::Quarter => PeriodBy::Quarter,
                    ByArg::Year => PeriodBy::Year,
                    ByArg::Outlet => PeriodBy::Outlet,
                    ByArg::Actor => PeriodBy::Actor,
                };
                let project = if analysts.is_empty() {
                    session.project().clone()
                } else {
                    let keep = named_analysts(session.project(), &analysts)?;
                    session.project().only_layers(|who| keep.contains(who))
                };
                let timeline = Timeline::of(&project, by);
                if !timeline.undated.is_empty() && format != StatsFormat::Table {
                    output.warn(&format!(
                        "{} article(s) without a date (YYYY[-MM[-DD]]) are counted apart as {}: {}",
                        timeline.undated.len(),
                        crate::analysis::timeline::UNDATED,
                        timeline.undated.join("; ")
                    ));
                }
                let text = match format {
                    StatsFormat::Table => timeline.to_table(),
                    StatsFormat::Json => timeline.to_json(),
                    StatsFormat::Csv => {
                        timeline.to_csv().map_err(|e| Stop::Error(e.to_string()))?
                    }
                };
                return output.write(&text);
            }
            let stats = if analysts.is_empty() {
                Stats::of(session.project())
            } else {
                let keep = named_analysts(session.project(), &analysts)?;
                Stats::of(&session.project().only_layers(|who| keep.contains(who)))
            };
            let text = match format {
                StatsFormat::Table => stats.to_table(cooccurrence) + "\n",
                StatsFormat::Json => stats.to_json(),
                StatsFormat::Csv if cooccurrence => stats
                    .cooccurrence_csv()
                    .map_err(|e| Stop::Error(e.to_string()))?,
                StatsFormat::Csv => stats.to_csv().map_err(|e| Stop::Error(e.to_string()))?,
            };
            output.write(&text)
        }
        Command::Suggest {
            project,
            term,
            regex,
            similar,
            learned,
            stance,
            sentence,
            match_case,
            whole_word,
            top,
            accept,
            format,
        } => {
            let options = crate::analysis::search::SearchOptions {
                match_case,
                whole_word,
                regex: regex.is_some(),
            };
            let request = SuggestRequest {
                query: regex.unwrap_or_else(|| term.join("\n")),
                options,
                similar,
                learned,
                stance,
                sentence,
                top,
            };
            suggest(&project, &request, accept, format, output)
        }
        Command::Convert { from, to } => convert(&from, &to, output),
        Command::Merge { project, files } => merge(&project, &files, output),
        Command::Curate {
            project,
            auto: _,
            quorum,
        } => {
            let mut session = open(&project, &output.analyst)?;
            let report = crate::core::curation::auto_curate(session.workspace_mut(), quorum)?;
            output.write(&format!(
                "gold: {} passage(s) taken, {} already there, over {} article(s) coded by two or more analysts\n",
                report.taken, report.already, report.articles
            ))?;
            if session.is_dirty() {
                session.save_blocking()?;
                output.write(&format!("saved {}\n", project.display()))?;
            }
            Ok(())
        }
        Command::Agreement {
            project,
            measure,
            unit,
            analysts,
            article,
            stance,
            format,
        } => {
            let session = open(&project, &output.analyst)?;
            let p = session.project();
            let measures = match measure {
                MeasureArg::AlphaU => vec![Measure::AlphaU],
                MeasureArg::Kappa => vec![Measure::Kappa],
                MeasureArg::Alpha => vec![Measure::Alpha],
                MeasureArg::Percent => vec![Measure::Percent],
                MeasureArg::All => Measure::ALL.to_vec(),
            };
            let request = agreement::Request {
                measures,
                unit: match unit {
                    UnitArg::Word => agreement::Unit::Word,
                    UnitArg::Char => agreement::Unit::Char,
                    UnitArg::Unit => agreement::Unit::Unitised,
                },
                analysts: find_analysts(p, &analysts)?,
                article: article.map(|a| find_article(p, &a)).transpose()?,
                stance: stance.map(|s| find_stance(p, &s)).transpose()?,
            };
            if request.unit == agreement::Unit::Unitised
                && !p
                    .articles
                    .iter()
                    .any(|a| !a.units.is_empty() && request.article.is_none_or(|id| id == a.id))
            {
                return Err(Stop::Usage(
                    "--unit unit needs a unitised article (split it into units first: Units → Unitise article in the app)".into(),
                ));
            }
            for note in agreement::ambiguous_units(p, &request) {
                output.warn(&note);
            }
            let rows = agreement::measure(p, &request, &|article, analyst| {
                p.counts_on(article, analyst)
            });
            let text = match format {
                StatsFormat::Table => agreement::to_table(&rows, p),
                StatsFormat::Csv => agreement::to_csv(&rows)?,
                StatsFormat::Json => agreement::to_json(&rows),
            };
            output.write(&text)
        }
        Command::Validate { project } => {
            let session = open(&project, &output.analyst)?;
            if !session.open_problems().is_empty() {
                return Err(Stop::Error(format!(
                    "{}: {} file(s) could not be read:\n  {}",
                    project.display(),
                    session.open_problems().len(),
                    session.open_problems().join("\n  ")
                )));
            }
            let p = session.project();
            let said = output.write(&format!(
                "{}: valid — {} article(s), {} stance(s), {} annotation(s)\n",
                project.display(),
                p.articles.len(),
                p.stances.0.len(),
                p.annotations.len()
            ));
            // The process ends here: freeing a million records one by one would only delay it.
            std::mem::forget(session);
            said
        }
    }
}

/// The events of a session call, or the first failure among them as the command's error.
fn failure_or(events: Vec<SessionEvent>) -> Result<Vec<SessionEvent>, Stop> {
    match events.iter().find_map(|e| match e {
        SessionEvent::Failed { message, .. } => Some(message.clone()),
        _ => None,
    }) {
        Some(message) => Err(Stop::Error(message)),
        None => Ok(events),
    }
}

/// `merge`: other copies' annotations in as their analysts' layers; saved; fails only when
/// nothing could be read.
fn merge(project: &Path, files: &[PathBuf], output: &mut Output<'_>) -> Result<(), Stop> {
    let mut session = open(project, &output.analyst)?;
    let mut events = session.merge_work(files);
    events.extend(session.wait_all());
    let mut merged = 0;
    for event in events {
        match event {
            SessionEvent::WorkMerged {
                path,
                report,
                problems,
            } => {
                merged += 1;
                output.write(&format!("{}:\n", path.display()))?;
                for line in report.lines() {
                    output.write(&format!("  {line}\n"))?;
                }
                for title in &report.missing_articles {
                    output.warn(&format!("article not found here: “{title}”"));
                }
                for stance in &report.stances_added {
                    output.warn(&format!("stance added: “{stance}”"));
                }
                for conflict in &report.conflicts {
                    output.warn(conflict);
                }
                for broken in report.broken.iter().chain(&problems) {
                    output.warn(&format!("left out: {broken}"));
                }
            }
            other => {
                if let Some(message) = failure(&[other]) {
                    output.warn(&message);
                }
            }
        }
    }
    if merged == 0 {
        return Err(Stop::Error("nothing could be read to merge".to_owned()));
    }
    if session.is_dirty() {
        session.save_blocking()?;
        output.write(&format!("saved {}\n", project.display()))?;
    }
    Ok(())
}

/// `convert`: the project at `from` written in the form `to` names; `to` must not exist.
fn convert(from: &Path, to: &Path, output: &mut Output<'_>) -> Result<(), Stop> {
    let to = crate::session::files::with_project_extension(to);
    if to.exists() {
        return Err(Stop::Error(format!(
            "{} exists; convert never writes over a project (choose a new name)",
            to.display()
        )));
    }
    let mut session = open(from, &output.analyst)?;
    for problem in session.open_problems().to_vec() {
        output.warn(&format!("not converted: {problem}"));
    }
    session.save_to_blocking(&to)?;
    let p = session.project();
    output.write(&format!(
        "converted {} to {} ({} article(s), {} analyst(s), {} annotation(s))\n",
        from.display(),
        to.display(),
        p.articles.len(),
        p.analysts.len(),
        p.annotations.len()
    ))
}

/// `add`: imports files as articles; saves when at least one came in; fails when any failed.
fn add(project: &Path, files: Vec<PathBuf>, output: &mut Output<'_>) -> Result<(), Stop> {
    let creating = !project.exists();
    let mut session = if creating {
        let mut session = Session::new(SessionOptions::command_line());
        session.set_annotator(&output.analyst);
        let name = project
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .map(|n| {
                n.trim_end_matches(".stance.json")
                    .trim_end_matches(".json")
                    .to_owned()
            })
            .unwrap_or_else(|| "Untitled project".to_owned());
        session.workspace_mut().rename_project(&name)?;
        session
    } else {
        open(project, &output.analyst)?
    };
    let mut events = session.add_articles(files);
    events.extend(session.wait_all());
    let (mut added, mut failed) = (0, Vec::new());
    for event in events {
        match event {
            SessionEvent::ArticlesAdded {
                added: lines,
                failed: failures,
                warnings,
                duplicates,
            } => {
                for (_, line) in &lines {
                    output.write(&format!("added {line}\n"))?;
                }
                for w in &warnings {
                    output.warn(w);
                }
                for d in &duplicates {
                    output.warn(&format!("skipped {d}"));
                }
                added += lines.len();
                failed.extend(failures);
            }
            other => failed.extend(failure(&[other])),
        }
    }
    if added > 0 {
        if creating {
            session.save_to_blocking(project)?;
        } else {
            session.save_blocking()?;
        }
        output.write(&format!(
            "saved {} ({} article(s))\n",
            session.path().unwrap_or(project).display(),
            session.project().articles.len()
        ))?;
    }
    match failed.as_slice() {
        [] => Ok(()),
        [one] => Err(Stop::Error(one.clone())),
        many => Err(Stop::Error(format!(
            "{} file(s) could not be added:\n  {}",
            many.len(),
            many.join("\n  ")
        ))),
    }
}

/// `reimport`: reads an article's source again and reports what its annotations did.
fn reimport(
    project: &Path,
    article: &str,
    from: Option<PathBuf>,
    output: &mut Output<'_>,
) -> Result<(), Stop> {
    let mut session = open(project, &output.analyst)?;
    let id = find_article(session.project(), article)?;
    let mut events = session.reimport_article(id, from);
    events.extend(session.wait_all());
    if let Some(message) = failure(&events) {
        return Err(Stop::Error(message));
    }
    for event in &events {
        if let SessionEvent::Reimported { title, counts } = event {
            output.write(&format!("re-imported “{title}”: {}\n", counts.summary()))?;
            if counts.orphaned > 0 {
                output.warn(&format!(
                    "{} annotation(s) lost their passage; they are kept as orphans (see the Orphaned list in the app)",
                    counts.orphaned
                ));
            }
        }
    }
    session.save_blocking()?;
    Ok(())
}

/// `export`: writes one format to a file or standard output.
fn export(
    project: &Path,
    format: ExportFormat,
    file: Option<&Path>,
    (article, analysts): (Option<&str>, &[String]),
    output: &mut Output<'_>,
) -> Result<(), Stop> {
    let mut session = open(project, &output.analyst)?;
    let only = article
        .map(|a| find_article(session.project(), a))
        .transpose()?;
    let layers = if !analysts.is_empty() {
        Some(named_analysts(session.project(), analysts)?)
    } else if format == ExportFormat::ManifestoCsv
        && let Some(coder) = &output.analyst_given
    {
        // A Manifesto file holds one coder's codes: `--analyst` names whose.
        Some(named_analysts(
            session.project(),
            std::slice::from_ref(coder),
        )?)
    } else {
        None
    };
    let layers = layers.as_deref();
    match file {
        Some(path) => match failure_or(session.export(format, path, only, layers))?.as_slice() {
            [SessionEvent::Exported { count, notes, .. }] => {
                for note in notes {
                    output.warn(note);
                }
                output.write(&format!(
                    "exported {count} annotations to {}\n",
                    path.display()
                ))
            }
            other => Err(Stop::Error(format!("the export did not finish: {other:?}"))),
        },
        None => {
            if matches!(format, ExportFormat::Qdpx | ExportFormat::Dna) {
                return Err(Stop::Error(format!(
                    "a {} is a file, not text; give a file with -o",
                    format.name()
                )));
            }
            let bytes = session.export_bytes(format, only, layers)?;
            output.write(&String::from_utf8_lossy(&bytes))
        }
    }
}

/// `new PROJECT --template NAME`: a new project with a template's scheme.
fn new_project(
    path: &Path,
    template: &str,
    targets: &[String],
    output: &mut Output<'_>,
) -> Result<(), Stop> {
    let template = crate::core::schemes::Template::named(template, targets).map_err(Stop::Usage)?;
    let is_folder = path.extension().is_some_and(|e| e == "stance");
    let path = if is_folder {
        path.to_owned()
    } else {
        crate::session::files::with_project_extension(path)
    };
    refuse_existing(&path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .trim_end_matches(".json")
        .trim_end_matches(".stance")
        .to_owned();
    let mut project = Project::new(name);
    project.stances.0 = template.stances();
    let mut session = Session::new(SessionOptions::command_line());
    session.set_annotator(&output.analyst);
    session.new_project_from(project);
    session.save_to_blocking(&path)?;
    output.write(&format!(
        "wrote {} with {} stance(s) from the {} template\n",
        path.display(),
        session.project().stances.0.len(),
        template.title()
    ))
}

/// `import FILE.csv (-o NEW | --into PROJECT) [--manifesto]`: a Manifesto Corpus CSV becomes
/// a unitised, coded article of a new project or of an existing one.
fn import_manifesto(
    file: &Path,
    new: Option<&Path>,
    into: Option<&Path>,
    output: &mut Output<'_>,
) -> Result<(), Stop> {
    let coder = output.analyst_given.clone();
    let (mut session, target) = match (new, into) {
        (Some(new), _) => {
            let new = crate::session::files::with_project_extension(new);
            refuse_existing(&new)?;
            let mut session = Session::new(SessionOptions::command_line());
            session.set_annotator(&output.analyst);
            let name = file
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            let mut project = Project::new(name);
            project.stances.0.clear();
            session.new_project_from(project);
            (session, new)
        }
        (None, Some(into)) => (open(into, &output.analyst)?, into.to_owned()),
        (None, None) => {
            return Err(Stop::Usage(
                "say -o NEW_PROJECT or --into PROJECT".to_owned(),
            ));
        }
    };
    let events = failure_or(session.import_manifesto(file, coder))?;
    let Some(SessionEvent::ManifestoImported { report, .. }) = events.into_iter().next() else {
        return Err(Stop::Error(format!(
            "{}: nothing could be read",
            file.display()
        )));
    };
    for note in &report.notes {
        output.warn(note);
    }
    if new.is_some() {
        session.save_to_blocking(&target)?;
    } else {
        session.save_blocking()?;
    }
    output.write(&format!(
        "{}\nsaved {}\n",
        report.summary(),
        target.display()
    ))
}

/// `import FILE -o NEW`: a file that carries its texts becomes a new project file.
fn import_new(file: &Path, new: &Path, output: &mut Output<'_>) -> Result<(), Stop> {
    let new = crate::session::files::with_project_extension(new);
    refuse_existing(&new)?;
    if !matches!(
        crate::session::files::kind_of(file),
        crate::session::files::PathKind::Annotations(k) if k.carries_texts()
    ) {
        return Err(Stop::Error(format!(
            "{}: carries no article texts (only a .qdpx, a stancemark JSON export or a DNA database does); import it into a project that has its articles with --into",
            file.display()
        )));
    }
    let mut session = Session::new(SessionOptions::command_line());
    session.set_annotator(&output.analyst);
    for event in failure_or(session.import_annotations(file))? {
        if let SessionEvent::Opened {
            how: crate::session::Opened::Imported { skipped },
            ..
        } = event
        {
            for s in skipped {
                output.warn(&s);
            }
        }
    }
    session.save_to_blocking(&new)?;
    let p = session.project();
    output.write(&format!(
        "wrote {} with {} article(s) and {} annotations\n",
        new.display(),
        p.articles.len(),
        p.annotations.len()
    ))
}

/// `import FILE --into PROJECT`: CSV or W3C annotations come into a project and it is saved.
fn import_into(file: &Path, into: &Path, output: &mut Output<'_>) -> Result<(), Stop> {
    let mut session = open(into, &output.analyst)?;
    if matches!(
        crate::session::files::kind_of(file),
        crate::session::files::PathKind::Annotations(k) if k.carries_texts()
    ) {
        return Err(Stop::Error(format!(
            "{}: carries its own article texts: open it as a new project with -o",
            file.display()
        )));
    }
    let events = failure_or(session.import_annotations(file))?;
    if let Some(SessionEvent::SchemeImported { report, .. }) = events.first() {
        output.write(&format!("{}\n", report.summary()))?;
        if session.is_dirty() {
            session.save_blocking()?;
            output.write(&format!("saved {}\n", into.display()))?;
        }
        return Ok(());
    }
    let Some(SessionEvent::AnnotationsImported { report, .. }) = events.into_iter().next() else {
        return Err(Stop::Error(format!(
            "{}: nothing could be read",
            file.display()
        )));
    };
    output.write(&format!("{}\n", report.summary()))?;
    for refused in &report.refused {
        output.warn(&format!("left out: {refused}"));
    }
    for moved in &report.reanchored {
        output.warn(&format!("re-anchored: {moved}"));
    }
    if session.is_dirty() {
        session.save_blocking()?;
        output.write(&format!("saved {}\n", into.display()))?;
    }
    if report.added + report.reanchored.len() + report.orphans == 0 && !report.refused.is_empty() {
        return Err(Stop::Error(format!(
            "none of the {} annotation(s) in {} could be placed",
            report.refused.len(),
            file.display()
        )));
    }
    Ok(())
}

/// What `stancemark suggest` was asked for.
struct SuggestRequest {
    query: String,
    options: crate::analysis::search::SearchOptions,
    similar: Option<String>,
    learned: bool,
    stance: Option<String>,
    sentence: bool,
    top: usize,
}

fn suggest(
    path: &Path,
    request: &SuggestRequest,
    accept: bool,
    format: SuggestFormat,
    output: &mut Output<'_>,
) -> Result<(), Stop> {
    use crate::analysis::suggest;
    let mut session = open(path, &output.analyst)?;
    let project = session.project();
    let progress = crate::core::jobs::Progress::default();
    let found = match &request.similar {
        None if request.learned => crate::analysis::learn::learned(project, &progress),
        Some(id) => {
            let id = uuid::Uuid::parse_str(id.trim())
                .ok()
                .filter(|id| project.annotation(*id).is_some())
                .ok_or_else(|| Stop::Error(format!("no annotation {id} in the project")))?;
            suggest::similar(project, id, request.top, &progress)
        }
        None => {
            let spec = request.stance.as_deref().unwrap_or_default();
            let stance = project
                .stances
                .0
                .iter()
                .find(|s| s.id.as_str() == spec || s.label == spec)
                .map(|s| s.id.clone())
                .ok_or_else(|| Stop::Error(format!("no stance {spec:?} in the project")))?;
            let pattern = suggest::phrase_pattern(&request.query, request.options)?
                .ok_or_else(|| Stop::Error("nothing to look for".to_owned()))?;
            suggest::from_pattern(project, &pattern, &stance, request.sentence, &progress)
        }
    }
    .unwrap_or_default();
    let text = match format {
        SuggestFormat::Json => {
            let records: Vec<SuggestionRecord<'_>> = found
                .items
                .iter()
                .map(|item| SuggestionRecord::of(project, item))
                .collect();
            serde_json::to_string_pretty(&records).map_err(|e| Stop::Error(e.to_string()))? + "\n"
        }
        SuggestFormat::Tsv => suggestions_tsv(project, &found.items),
    };
    output.write(&text)?;
    if found.already_annotated > 0 {
        output.note(&format!(
            "{} match(es) already annotated with the stance, not suggested",
            found.already_annotated
        ));
    }
    if found.rejected_before > 0 {
        output.note(&format!(
            "{} passage(s) rejected before, not suggested again",
            found.rejected_before
        ));
    }
    if accept && !found.items.is_empty() {
        let (added, skipped) = session.workspace_mut().accept_suggestions(&found.items);
        session.save_blocking()?;
        output.note(&format!(
            "accepted {added} suggestion(s){}; saved {}",
            if skipped > 0 {
                format!(", {skipped} skipped")
            } else {
                String::new()
            },
            path.display()
        ));
    }
    Ok(())
}

/// A suggestion as the command line prints it, in the CSV export's vocabulary (one vocabulary
/// for every machine-readable output).
#[derive(serde::Serialize)]
struct SuggestionRecord<'a> {
    article_id: crate::core::model::ArticleId,
    article_title: &'a str,
    start: usize,
    end: usize,
    quote: &'a str,
    stance_id: &'a str,
    stance_label: &'a str,
    /// `0.0..=1.0`; `null` for pattern matches.
    confidence: Option<f32>,
}

impl<'a> SuggestionRecord<'a> {
    fn of(project: &'a Project, item: &'a crate::analysis::suggest::Suggestion) -> Self {
        Self {
            article_id: item.article,
            article_title: project
                .article(item.article)
                .map(|a| a.title.as_str())
                .unwrap_or_default(),
            start: item.range.start,
            end: item.range.end,
            quote: &item.quote,
            stance_id: item.stance.as_str(),
            stance_label: project
                .stances
                .get(&item.stance)
                .map_or(item.stance.as_str(), |s| s.label.as_str()),
            confidence: item.confidence,
        }
    }
}

/// Suggestions as tab-separated lines under a header (tabs, line ends and backslashes in
/// values written `\t`, `\n`, `\\`).
fn suggestions_tsv(project: &Project, items: &[crate::analysis::suggest::Suggestion]) -> String {
    let clean = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
    };
    let mut out = String::from(
        "article_id\tarticle_title\tstart\tend\tquote\tstance_id\tstance_label\tconfidence\n",
    );
    for item in items {
        let r = SuggestionRecord::of(project, item);
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            r.article_id,
            clean(r.article_title),
            r.start,
            r.end,
            clean(r.quote),
            clean(r.stance_id),
            clean(r.stance_label),
            r.confidence.map(|c| format!("{c:.3}")).unwrap_or_default()
        ));
    }
    out
}
