//! The session: the open project, the file it belongs to, and every background job on it
//! (open, save, export, autosave, reload). No egui: the window and the command line both work
//! through it.
//!
//! Invariants:
//! - there is one save path ([`Session::save`] and friends); it refuses to overwrite a file that
//!   someone else changed since this session read or wrote it ([`SaveError::ChangedOnDisk`]),
//!   unless the user chose to overwrite;
//! - a project is replaced only by a finished open/reload/restore job, and replacing it always
//!   resets autosave and releases the old lock;
//! - work on more than [`SessionOptions::background_io_bytes`] runs on a worker thread; the
//!   project is never blocked by it (a save writes a snapshot; edits meanwhile stay unsaved);
//! - every outcome is reported once, as a [`SessionEvent`] from [`Session::poll`].

pub mod files;
pub mod notice;

/// Who holds a project's lock, as an open reports it.
pub use crate::storage::lock::Holder;
/// The preferences file's contents (the session reads and writes it: [`files::load_preferences`]).
pub use crate::storage::prefs;
/// What a recovery file would bring back, as the restore prompt shows it.
pub use crate::storage::recovery::RecoveryDiff;

use std::path::{Path, PathBuf};

use crate::core::derived::Derived;
use crate::core::jobs::{Job, JobKind, Polled, Progress};
use crate::core::merge::{self, MergeReport};
use crate::core::model::ArticleId;
use crate::core::model::Project;
use crate::core::workspace::Reanchored;
use crate::core::workspace::{Clock, Snapshot, SteppingClock, SystemClock, Workspace};
use crate::formats::exchange::{self, ExchangeError, Incoming, IntoReport};
use crate::formats::export::{self, ExportError, ExportFormat};
use crate::import::{self, ImportError, Imported};
use crate::storage::recovery;
use crate::storage::{self, LoadError, SaveError, Stamp, lock};

/// The longest a saved project folder's changes wait for their journal, in seconds (so a
/// crash loses at most the last second or two of work).
pub const JOURNAL_DELAY: f64 = 1.0;

/// How a session behaves; the desktop app, tests and benchmarks differ only here.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Timestamps from a stepping clock instead of the wall clock (tests, golden files).
    pub fixed_clock: bool,
    /// Where the recovery file of a never-saved project goes; `None` autosaves saved projects only.
    pub unsaved_recovery_dir: Option<PathBuf>,
    /// Seconds between the first unsaved change and its autosave (infinite: never).
    pub autosave_delay: f64,
    /// Work on at least this many bytes runs on a worker thread (smaller takes less than a frame).
    pub background_io_bytes: u64,
    /// Whether an open project is marked with a lock file, so another stancemark opening it
    /// warns (the window: yes; the command line and tests: no).
    pub locks: bool,
}

impl SessionOptions {
    /// The desktop app: autosave after two seconds, files over 2 MB on a worker thread.
    pub fn desktop() -> Self {
        Self {
            fixed_clock: false,
            unsaved_recovery_dir: recovery::default_unsaved_dir(),
            autosave_delay: 2.0,
            background_io_bytes: 2 << 20,
            locks: true,
        }
    }

    /// The command line and tests: everything inline, a fixed clock, no unsaved-project autosave.
    pub fn inline() -> Self {
        Self {
            fixed_clock: true,
            unsaved_recovery_dir: None,
            autosave_delay: 2.0,
            background_io_bytes: u64::MAX,
            locks: false,
        }
    }

    /// The command line: everything inline, no locks, the wall clock (annotations it brings in
    /// get real times).
    pub fn command_line() -> Self {
        Self {
            fixed_clock: false,
            ..Self::inline()
        }
    }

    fn clock(&self) -> Box<dyn Clock> {
        if self.fixed_clock {
            Box::new(SteppingClock::default())
        } else {
            Box::new(SystemClock)
        }
    }
}

/// Which kind of job failed, for the message title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Opening a project (or restoring an autosave).
    Open,
    /// Saving.
    Save,
    /// Exporting.
    Export,
    /// Writing the recovery file.
    Autosave,
    /// Reloading the file from disk.
    Reload,
    /// Importing articles or annotations.
    Import,
    /// Re-importing an article's source.
    Reimport,
}

impl Failure {
    /// The title of the error ("Could not save").
    pub fn title(self) -> &'static str {
        match self {
            Failure::Open => "Could not open project",
            Failure::Save => "Could not save",
            Failure::Export => "Could not export",
            Failure::Autosave => "Autosave failed",
            Failure::Reload => "Could not reload",
            Failure::Import => "Could not import",
            Failure::Reimport => "Could not re-import",
        }
    }
}

/// What happened, reported once by [`Session::poll`] or by the call that started it.
#[derive(Debug)]
pub enum SessionEvent {
    /// A project was opened (or restored) and replaced the previous one.
    Opened {
        /// The file read.
        path: PathBuf,
        /// Where Save will write it (another file when the format was older).
        save_path: Option<PathBuf>,
        /// How it was opened.
        how: Opened,
    },
    /// The project was saved.
    Saved {
        /// The file (or folder) written.
        path: PathBuf,
        /// For a folder: how many of its files were written or removed.
        files: usize,
        /// For a folder: the other analysts whose layers a shared change (a text edit, a
        /// merged stance…) rewrote, by name.
        others: Vec<String>,
        /// For a folder: files left as they were because they do not parse (a git conflict).
        held_back: Vec<String>,
    },
    /// The project was exported.
    Exported {
        /// The file written.
        path: PathBuf,
        /// How many annotations it holds.
        count: usize,
        /// What the format could not hold or cut (DNA's field lengths…).
        notes: Vec<String>,
    },
    /// Files of the open project folder that someone else changed were read in, with this
    /// window's unsaved changes on top.
    Synced {
        /// What came in, one line per analyst or kind of record ("12 annotations from Dana").
        incoming: Vec<String>,
        /// What happened to this window's unsaved changes.
        report: MergeReport,
        /// Files that could not be read (a git conflict), each with its line.
        problems: Vec<String>,
    },
    /// The file on disk was reloaded with this window's changes on top.
    Reloaded {
        /// The file.
        path: PathBuf,
        /// What happened to this window's changes.
        report: MergeReport,
    },
    /// Something failed; nothing in memory or on disk was lost.
    Failed {
        /// What failed.
        what: Failure,
        /// Why, in words.
        message: String,
        /// For a project whose only problems are broken annotations: it can be opened without
        /// them ([`Session::open_salvaged`]).
        salvageable: Option<PathBuf>,
    },
    /// Save stopped because someone else changed the file: ask to reload, save under another
    /// name, or overwrite.
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// The project is open in another stancemark: ask before opening it here too.
    OpenElsewhere {
        /// The project.
        path: PathBuf,
        /// Who has it open.
        holder: lock::Holder,
    },
    /// An autosave newer than the project was found: offer to restore it.
    RecoveryAvailable {
        /// The recovery file.
        file: PathBuf,
    },
    /// Save was asked for a project with no file yet: ask for a name.
    NeedsPath,
    /// Articles were added (one undoable step); some files may have failed.
    ArticlesAdded {
        /// Each article added and a line about it (title, size, format, encoding).
        added: Vec<(ArticleId, String)>,
        /// One line per file that could not be imported.
        failed: Vec<String>,
        /// Things to know about the files that were imported.
        warnings: Vec<String>,
        /// One line per file whose text is already an article of the project (or of the same
        /// batch): held back, to add anyway ([`Session::add_held_duplicates`]) or drop.
        duplicates: Vec<String>,
    },
    /// An article's source was read again and its annotations re-anchored.
    Reimported {
        /// The article's title.
        title: String,
        /// What happened to its annotations.
        counts: Reanchored,
    },
    /// Another copy's annotations came in as their analysts' layers (one undoable step).
    WorkMerged {
        /// The copy (project file or folder, or JSON export).
        path: PathBuf,
        /// Per analyst: added, updated, unchanged, orphaned, on articles not found.
        report: merge::WorkMergeReport,
        /// Files of a copy's folder that could not be read (the rest was merged).
        problems: Vec<String>,
    },
    /// Annotations from a CSV or W3C file came into the project (one undoable step).
    AnnotationsImported {
        /// The file.
        path: PathBuf,
        /// What came in, what was re-anchored, what was refused.
        report: IntoReport,
    },
    /// A Manifesto Corpus CSV's article and codes came into the project (one undoable step).
    ManifestoImported {
        /// The file.
        path: PathBuf,
        /// The article, its units and codes, and what was left out or added.
        report: crate::formats::manifesto::ManifestoReport,
    },
    /// A stance scheme or codebook came into the project (one undoable step).
    SchemeImported {
        /// The file.
        path: PathBuf,
        /// How many stances were added and updated.
        report: exchange::SchemeReport,
    },
    /// The rest of a large project folder arrived: everything needs nothing more.
    Loaded {
        /// Files that could not be read (each with its line); the rest opened.
        problems: Vec<String>,
        /// Changes made while it loaded that could not be applied to the whole project.
        lost: Vec<String>,
    },
    /// What was asked is held back: it waits for, or needs, the rest of a project still
    /// loading (or an autosave found meanwhile to be answered first).
    HeldBack {
        /// What, in words ("Saving once the project has loaded").
        message: String,
    },
    /// A background job stopped without a result (it crashed or was cancelled).
    Lost {
        /// What it was doing.
        kind: JobKind,
    },
}

/// How a project came to be open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Read from its file (or folder).
    File,
    /// Read from a project folder some of whose files could not be read (each named with its
    /// line); those files are left as they are until they parse again.
    WithProblems(Vec<String>),
    /// Read from a file in an older format; it is saved to another file.
    Converted,
    /// Restored from an autosave (unsaved until saved).
    Restored,
    /// Made from an annotation file that carries its texts (a `.qdpx`, a JSON export); a new,
    /// unsaved project.
    Imported {
        /// What was left out of the file, with why.
        skipped: Vec<String>,
    },
    /// Opened without its broken annotations, which went to `report`.
    Salvaged {
        /// How many were set aside.
        set_aside: usize,
        /// Where they were written.
        report: PathBuf,
    },
}

/// A finished open, restore or reload, ready to become the session's project.
struct Loaded {
    workspace: Workspace,
    save_path: Option<PathBuf>,
    stamp: Option<Stamp>,
    base: Project,
    derived: Derived,
    how: Opened,
    /// A folder's layer files still to read (the first part of a large folder was read).
    pending: Vec<storage::folder::RelPath>,
}

/// The rest of a large folder, read after its first part was shown.
struct Rest {
    load: storage::folder::FolderLoad,
    counts: crate::core::derived::ArticleCounts,
}

/// Files of the open folder read in by a sync job.
struct Synced {
    loaded: Box<Loaded>,
    report: MergeReport,
    incoming: Vec<String>,
    problems: Vec<String>,
}

/// What a job hands back.
enum JobResult {
    Opened {
        path: PathBuf,
        result: Result<Box<Loaded>, LoadError>,
    },
    Saved {
        path: PathBuf,
        snapshot: Snapshot,
        result: Result<(Stamp, storage::Written), SaveError>,
    },
    Exported {
        path: PathBuf,
        result: Result<(usize, Vec<String>), ExportError>,
    },
    Autosaved {
        result: Result<(), SaveError>,
    },
    Reloaded {
        path: PathBuf,
        result: Result<(Box<Loaded>, MergeReport), LoadError>,
    },
    Synced {
        /// The project as it was when the job started (a newer change in this window makes
        /// the result stale: it is dropped and the files are read again).
        revision: u64,
        result: Result<Synced, LoadError>,
    },
    ArticlesRead {
        results: Vec<(PathBuf, Result<Imported, ImportError>)>,
    },
    Reimported {
        article: ArticleId,
        source: Option<PathBuf>,
        result: Result<String, ImportError>,
    },
    AnnotationsRead {
        path: PathBuf,
        result: Result<Vec<Incoming>, ExchangeError>,
    },
    ManifestoRead {
        path: PathBuf,
        analyst: Option<String>,
        result: Result<crate::formats::manifesto::ManifestoDoc, ExchangeError>,
    },
    SchemeRead {
        path: PathBuf,
        result: Result<crate::core::model::StanceScheme, ExchangeError>,
    },
    ProjectImported {
        path: PathBuf,
        result: Result<exchange::NewProject, ExchangeError>,
    },
    WorkRead {
        path: PathBuf,
        /// The other copy, and what of it could not be read.
        result: Result<(Box<Project>, Vec<String>), String>,
    },
    RestRead {
        path: PathBuf,
        /// The workspace's revision when the job started (changed: the counts are stale).
        revision: u64,
        result: Result<Box<Rest>, LoadError>,
    },
}

/// A running job as the window shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobStatus {
    /// What it does.
    pub kind: JobKind,
    /// What it works on (a file name).
    pub subject: String,
    /// Seconds since it started.
    pub seconds: f32,
    /// Finished fraction, when known.
    pub fraction: Option<f32>,
}

impl JobStatus {
    fn of<T>(job: &Job<T>) -> Self {
        Self {
            kind: job.kind(),
            subject: job.subject().to_owned(),
            seconds: job.elapsed().as_secs_f32(),
            fraction: job.progress().fraction(),
        }
    }
}

/// Whether a save may replace the file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Only if nobody else changed it since this session read or wrote it.
    IfUnchanged,
    /// Whatever is there (the user chose to overwrite).
    Always,
}

/// Autosave bookkeeping: the revision last written and when the first unwritten change was seen.
#[derive(Debug, Default)]
struct Autosave {
    written_revision: u64,
    first_unwritten_at: Option<f64>,
}

/// The open project and the jobs on it.
pub struct Session {
    workspace: Workspace,
    path: Option<PathBuf>,
    /// The file as this session last read or wrote it (`None`: no expectation, e.g. not saved).
    stamp: Option<Stamp>,
    /// The project as last read or written, to merge this window's changes into a reload.
    base: Project,
    lock: Option<lock::ProjectLock>,
    jobs: Vec<Job<JobResult>>,
    autosave: Autosave,
    options: SessionOptions,
    annotator: String,
    derived: Option<Derived>,
    /// Articles read whose text the project already has, waiting for the analyst's answer.
    held_duplicates: Vec<Imported>,
    /// Files of the open folder that could not be read when it opened (each with its line).
    open_problems: Vec<String>,
    /// When the open folder's files were last looked at for changes by others (seconds).
    watched_at: f64,
    /// A save asked for while the project was still loading: where, and how.
    save_when_loaded: Option<(PathBuf, Overwrite)>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("path", &self.path)
            .field("dirty", &self.workspace.is_dirty())
            .field("jobs", &self.jobs.len())
            .finish_non_exhaustive()
    }
}

/// Rough size of a project file, to decide whether writing it takes longer than a frame.
fn project_bytes(project: &Project) -> u64 {
    let text: usize = project.articles.iter().map(|a| a.text.len()).sum();
    (text + 200 * project.annotations.len()) as u64
}

/// Another copy of the project to merge: a project file or folder, or a file that carries its
/// texts (a stancemark JSON export, a `.qdpx`).
fn read_other_copy(path: &Path) -> Result<(Box<Project>, Vec<String>), String> {
    if storage::is_folder(path) || files::kind_of(path) == files::PathKind::Project {
        let loaded = storage::load_any(&files::project_path(path)).map_err(|e| e.to_string())?;
        return Ok((Box::new(loaded.project), loaded.problems));
    }
    match files::kind_of(path) {
        // A stancemark export: its broken annotations are listed and the rest merged.
        files::PathKind::Annotations(exchange::AnnotationFile::StancemarkJson) => {
            let json = storage::read_text_file(path, storage::MAX_PROJECT_BYTES, "an export")
                .map_err(|e| e.to_string())?;
            crate::formats::json::project_from_json_export_keeping_good(path, &json)
                .map(|(project, left_out)| (Box::new(project), left_out))
                .map_err(|e| e.to_string())
        }
        files::PathKind::Annotations(kind) if kind.carries_texts() => {
            exchange::read_new_project(path)
                .map(|new| (Box::new(new.project), new.skipped))
                .map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "{}: not a stancemark project (file or folder) or JSON export; merge takes another analyst's copy of the project",
            path.display()
        )),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

impl Session {
    /// A session on a new, empty project (unsaved once it has changes).
    pub fn new(options: SessionOptions) -> Self {
        let workspace = Workspace::new(Project::new("Untitled project"), options.clock());
        Self {
            base: workspace.project().clone(),
            workspace,
            path: None,
            stamp: None,
            lock: None,
            jobs: Vec::new(),
            autosave: Autosave::default(),
            options,
            annotator: String::new(),
            derived: None,
            held_duplicates: Vec::new(),
            open_problems: Vec::new(),
            watched_at: f64::NEG_INFINITY,
            save_when_loaded: None,
        }
    }

    /// Opens `path` now, on this thread (the command line). The file is never changed. A
    /// folder's `project.json` opens the folder.
    pub fn open_blocking(path: &Path, options: SessionOptions) -> Result<Self, LoadError> {
        let path = &files::project_path(path);
        let mut session = Self::new(options.clone());
        let loaded = load(path, &options)?;
        session.replace(*loaded);
        Ok(session)
    }

    // ----- state -------------------------------------------------------------------------

    /// The workspace (project and history), read-only.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The workspace, to act on the project.
    pub fn workspace_mut(&mut self) -> &mut Workspace {
        &mut self.workspace
    }

    /// The project.
    pub fn project(&self) -> &Project {
        self.workspace.project()
    }

    /// Where Save writes (`None` before the first Save as).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// True when there are changes not written to the project file.
    pub fn is_dirty(&self) -> bool {
        self.workspace.is_dirty()
    }

    /// Who works in this session: their name (an analyst of the project by that name or its
    /// slug, or a new one added with their first annotation). New annotations and rejections
    /// go into their layer.
    pub fn set_annotator(&mut self, name: &str) {
        let before = self.workspace.analyst().id;
        let old_recovery = self.recovery_file();
        self.annotator = name.trim().to_owned();
        self.workspace.set_analyst_name(&self.annotator);
        // In a project folder the lock and the autosave are the analyst's own
        // (`.local/<analyst>/`): a new name moves them along.
        let Some(path) = self.path.clone().filter(|p| storage::is_folder(p)) else {
            return;
        };
        if self.workspace.analyst().id == before {
            return;
        }
        if self.lock.take().is_some() {
            self.lock = lock::ProjectLock::acquire(&self.local_anchor(&path)).ok();
        }
        if let (Some(old), Some(new)) = (old_recovery, self.recovery_file())
            && old.exists()
            && !new.exists()
        {
            let _ = std::fs::rename(&old, &new);
        }
    }

    /// The analyst working in this session, as the project knows them.
    pub fn analyst(&self) -> crate::core::model::Analyst {
        self.workspace.analyst()
    }

    /// Files of the open project folder that could not be read when it opened (a git
    /// conflict, a file cut off), each with its line; they are left as they are.
    pub fn open_problems(&self) -> &[String] {
        &self.open_problems
    }

    /// The options it runs with.
    pub fn options(&self) -> &SessionOptions {
        &self.options
    }

    /// What was derived from the project when it opened (taken once, by the window).
    pub fn take_derived(&mut self) -> Option<Derived> {
        self.derived.take()
    }

    /// The jobs running now, as the window shows them.
    pub fn jobs(&self) -> Vec<JobStatus> {
        self.jobs.iter().map(JobStatus::of).collect()
    }

    /// The running job that must finish before the project may change (open, reload).
    pub fn blocking_job(&self) -> Option<JobStatus> {
        self.jobs
            .iter()
            .find(|j| j.kind().is_blocking())
            .map(JobStatus::of)
    }

    /// True while any job other than autosave runs.
    pub fn is_busy(&self) -> bool {
        self.jobs.iter().any(|j| j.kind() != JobKind::Autosave)
    }

    /// Cancels the blocking job (open or reload): the current project stays.
    pub fn cancel_blocking_job(&mut self) -> bool {
        let before = self.jobs.len();
        self.jobs.retain(|job| {
            if job.kind().is_blocking() {
                job.cancel();
                false
            } else {
                true
            }
        });
        before != self.jobs.len()
    }

    /// Where this machine's own files of `path` go: the path itself for a single file; for a
    /// project folder `.local/<analyst>/project` inside it (its lock and autosave sit beside
    /// that name, kept out of git), so analysts sharing a folder never touch each other's.
    fn local_anchor(&self, path: &Path) -> PathBuf {
        if storage::is_folder(path) {
            let analyst = self.workspace.analyst().id;
            match storage::folder::local_dir(path, &analyst) {
                Ok(dir) => dir.join("project"),
                Err(_) => path
                    .join(storage::folder::LOCAL_DIR)
                    .join(storage::folder::file_stem(analyst.as_str()))
                    .join("project"),
            }
        } else {
            path.to_owned()
        }
    }

    fn recovery_file(&self) -> Option<PathBuf> {
        let anchor = self.path.as_deref().map(|p| self.local_anchor(p));
        recovery::recovery_path(
            anchor.as_deref(),
            self.options.unsaved_recovery_dir.as_deref(),
        )
    }

    fn start(
        &mut self,
        bytes: u64,
        kind: JobKind,
        subject: String,
        work: impl FnOnce(&Progress) -> JobResult + Send + 'static,
    ) {
        let inline = bytes < self.options.background_io_bytes;
        self.jobs.push(Job::start(inline, kind, subject, work));
    }

    /// Makes a loaded project the session's: lock, stamp, base, autosave all start afresh.
    fn replace(&mut self, loaded: Loaded) {
        // The rest of the project this one replaces is wanted no more.
        self.jobs.retain(|job| {
            if job.kind() == JobKind::Load {
                job.cancel();
                false
            } else {
                true
            }
        });
        self.save_when_loaded = None;
        let mut workspace = loaded.workspace;
        workspace.set_analyst_name(&self.annotator);
        let old = std::mem::replace(&mut self.workspace, workspace);
        let old_base = std::mem::replace(&mut self.base, Project::new(""));
        // Freeing a large project (100,000 annotations and their history) takes longer than a
        // frame: it is done on a worker thread.
        std::thread::spawn(move || drop((old, old_base)));
        self.lock = None;
        if let Some(path) = loaded.save_path.as_ref().filter(|_| self.options.locks) {
            // Without a lock file (a read-only folder) the project still opens; saves still
            // check the file on disk.
            self.lock = lock::ProjectLock::acquire(&self.local_anchor(path)).ok();
        }
        self.open_problems = match &loaded.how {
            Opened::WithProblems(problems) => problems.clone(),
            _ => Vec::new(),
        };
        self.path = loaded.save_path;
        self.stamp = loaded.stamp;
        self.base = loaded.base;
        self.derived = Some(loaded.derived);
        self.autosave = Autosave::default();
        if !loaded.pending.is_empty()
            && let Some(Stamp::Folder(state)) = &self.stamp
            && let Some(dir) = self.path.clone()
        {
            let (first, state) = (self.workspace.project().clone(), (**state).clone());
            let (pending, revision) = (loaded.pending, self.workspace.revision());
            self.jobs.push(Job::spawn(
                JobKind::Load,
                file_name(&dir),
                move |progress| {
                    progress.set_total(pending.len() as u64);
                    let result = storage::folder::read_folder_rest(
                        &dir,
                        &first,
                        &state,
                        &pending,
                        &|done, _| progress.set_done(done as u64),
                    )
                    .map(|load| {
                        // Freeing the first part's copy is the window's business no more.
                        drop(first);
                        let counts = crate::core::derived::ArticleCounts::build(&load.project);
                        Box::new(Rest { load, counts })
                    });
                    JobResult::RestRead {
                        path: dir,
                        revision,
                        result,
                    }
                },
            ));
        }
    }

    /// True while a large folder's annotations are still arriving (see
    /// [`Workspace::is_partial`]): what needs all of them waits.
    pub fn is_loading(&self) -> bool {
        self.workspace.is_partial()
    }

    /// How much of the rest of the project has arrived, while it loads.
    pub fn loading_fraction(&self) -> Option<f32> {
        self.is_loading().then(|| {
            self.jobs
                .iter()
                .find(|j| j.kind() == JobKind::Load)
                .and_then(|j| j.progress().fraction())
                .unwrap_or(0.0)
        })
    }

    /// `Some` event saying why `what` must wait while the project is still loading.
    fn refused_while_loading(&self, what: &str) -> Option<Vec<SessionEvent>> {
        self.is_loading().then(|| {
            vec![SessionEvent::HeldBack {
                message: format!(
                    "{what} needs the whole project: its annotations are still loading, try again in a moment"
                ),
            }]
        })
    }

    // ----- open --------------------------------------------------------------------------

    /// Starts a new, empty project (callers ask about unsaved changes first).
    pub fn new_project(&mut self) {
        let workspace = Workspace::new(Project::new("Untitled project"), self.options.clock());
        self.start_fresh(workspace);
    }

    /// Makes `workspace` the session's, never saved.
    fn start_fresh(&mut self, workspace: Workspace) {
        self.replace(Loaded {
            derived: Derived::build(&workspace),
            base: workspace.project().clone(),
            workspace,
            save_path: None,
            stamp: None,
            how: Opened::File,
            pending: Vec::new(),
        });
    }

    /// Opens a project file, replacing the current project once read (callers ask about
    /// unsaved changes first). When another stancemark has it open, reports
    /// [`SessionEvent::OpenElsewhere`] instead; [`Self::open_anyway`] then opens it.
    pub fn open(&mut self, path: &Path) -> Vec<SessionEvent> {
        let path = &files::project_path(path);
        if !self.options.locks {
            return self.open_anyway(path);
        }
        match lock::holder(&self.local_anchor(path)) {
            lock::Holder::Free => self.open_anyway(path),
            holder => vec![SessionEvent::OpenElsewhere {
                path: path.to_owned(),
                holder,
            }],
        }
    }

    /// Opens a project file even if another stancemark has it open.
    pub fn open_anyway(&mut self, path: &Path) -> Vec<SessionEvent> {
        let path = &files::project_path(path);
        self.cancel_blocking_job();
        // A large folder opens in two parts: what the window shows first, then the rest of
        // the annotations on a worker thread while the analyst reads.
        let (bytes, in_parts) = if storage::is_folder(path) {
            let bytes = storage::folder::layer_bytes(path);
            (bytes, bytes >= self.options.background_io_bytes)
        } else {
            (std::fs::metadata(path).map_or(0, |m| m.len()), false)
        };
        let (file, options) = (path.to_owned(), self.options.clone());
        self.start(bytes, JobKind::Open, file_name(path), move |_| {
            JobResult::Opened {
                result: if in_parts {
                    load_first(&file, &options)
                } else {
                    load(&file, &options)
                },
                path: file,
            }
        });
        self.poll_now()
    }

    /// Replaces the project with an autosave (unsaved until saved): a whole project, or a
    /// folder's journal replayed over the folder.
    pub fn restore_recovery(&mut self, file: &Path) -> Vec<SessionEvent> {
        let bytes = std::fs::metadata(file).map_or(0, |m| m.len());
        let (file, options, save_path) = (file.to_owned(), self.options.clone(), self.path.clone());
        let stamp = self.stamp.clone();
        let folder = save_path
            .clone()
            .filter(|p| storage::is_folder(p) && recovery::is_journal(&file));
        self.start(bytes, JobKind::Open, file_name(&file), move |_| {
            let read = match &folder {
                Some(folder) => recovery::read_journal(&file, folder),
                None => storage::load_project(&file),
            };
            let result = read.map(|project| {
                let workspace = Workspace::unsaved(project, options.clock());
                Box::new(Loaded {
                    pending: Vec::new(),
                    derived: Derived::build(&workspace),
                    base: workspace.project().clone(),
                    workspace,
                    save_path,
                    stamp,
                    how: Opened::Restored,
                })
            });
            JobResult::Opened { path: file, result }
        });
        self.poll_now()
    }

    /// Keeps the saved version: the autosave is moved aside (`….discarded`).
    pub fn discard_recovery(&mut self, file: &Path) -> std::io::Result<()> {
        recovery::discard_recovery(file)
    }

    /// Drops the autosave of the current project (after Discard on quit).
    pub fn discard_own_recovery(&mut self) -> std::io::Result<()> {
        self.wait_for(JobKind::Autosave);
        match self.recovery_file() {
            Some(file) => recovery::discard_recovery(&file),
            None => Ok(()),
        }
    }

    /// Opens the sound part of a project whose only problems are broken annotations, which go
    /// to a `.set-aside.ron` report beside it (the file itself is unchanged until saved).
    pub fn open_salvaged(&mut self, path: &Path) -> Vec<SessionEvent> {
        let (file, options) = (path.to_owned(), self.options.clone());
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        self.start(bytes, JobKind::Open, file_name(path), move |_| {
            let result = storage::load_project_salvaging(&file).and_then(|salvaged| {
                let report = storage::write_set_aside(&file, &salvaged).map_err(|e| {
                    LoadError::Read(storage::ReadError::io(&file, std::io::Error::other(e)))
                })?;
                let workspace = Workspace::unsaved(salvaged.project, options.clock());
                Ok(Box::new(Loaded {
                    pending: Vec::new(),
                    derived: Derived::build(&workspace),
                    base: workspace.project().clone(),
                    workspace,
                    save_path: Some(storage::unused_save_path_for(
                        &file,
                        salvaged.format_version,
                    )),
                    stamp: None,
                    how: Opened::Salvaged {
                        set_aside: salvaged.set_aside.len(),
                        report,
                    },
                }))
            });
            JobResult::Opened { path: file, result }
        });
        self.poll_now()
    }

    /// An autosave newer than the current project, if there is one.
    pub fn pending_recovery(&self) -> Option<PathBuf> {
        let anchor = self.path.as_deref().map(|p| self.local_anchor(p));
        recovery::pending_recovery(
            anchor.as_deref(),
            self.options.unsaved_recovery_dir.as_deref(),
        )
    }

    // ----- save --------------------------------------------------------------------------

    /// Saves to the project's file (or reports [`SessionEvent::NeedsPath`]), refusing to
    /// overwrite changes someone else made to it.
    pub fn save(&mut self) -> Vec<SessionEvent> {
        match self.path.clone() {
            Some(path) => self.save_to(&path, Overwrite::IfUnchanged),
            None => vec![SessionEvent::NeedsPath],
        }
    }

    /// Saves to `path` (adding `.stance.json` when it has no `.json` extension), which becomes
    /// the project's file. `Overwrite::IfUnchanged` only checks a file this session read or
    /// wrote; any other file at `path` was chosen by the user and is replaced.
    pub fn save_to(&mut self, path: &Path, overwrite: Overwrite) -> Vec<SessionEvent> {
        // Half a project is never written: the save waits for the rest.
        if self.is_loading() {
            if !self.jobs.iter().any(|j| j.kind() == JobKind::Load) {
                return vec![SessionEvent::Failed {
                    what: Failure::Save,
                    message: "the project did not load completely, so it is not saved (saving would lose what was not read); reopen it".to_owned(),
                    salvageable: None,
                }];
            }
            self.save_when_loaded = Some((path.to_owned(), overwrite));
            return vec![SessionEvent::HeldBack {
                message: "Saving once the project's annotations have loaded".to_owned(),
            }];
        }
        // One write at a time to the project file; the newest snapshot wins.
        self.wait_for(JobKind::Save);
        let path = storage::with_project_extension(path);
        let snapshot = self.workspace.snapshot();
        let expected = match overwrite {
            Overwrite::IfUnchanged if self.path.as_deref() == Some(&*path) => self.stamp.clone(),
            // Overwriting a folder still writes only the files whose content changed.
            Overwrite::Always if self.path.as_deref() == Some(&*path) => match self.stamp.clone() {
                Some(Stamp::Folder(state)) => {
                    Some(Stamp::Folder(Box::new(state.accept_disk(&path))))
                }
                _ => None,
            },
            _ => None,
        };
        let project = snapshot.project.clone();
        let bytes = project_bytes(&project);
        let file = path.clone();
        self.start(bytes, JobKind::Save, file_name(&path), move |_| {
            let result = storage::save_any(&project, &file, expected.as_ref());
            JobResult::Saved {
                path: file,
                snapshot,
                result,
            }
        });
        self.poll_now()
    }

    /// Saves now, on this thread (the command line; the path-field dialog in tests).
    pub fn save_blocking(&mut self) -> Result<(), SaveError> {
        let path = self.path.clone().ok_or(SaveError::NoPath)?;
        self.save_to_blocking(&path)
    }

    /// Saves to `path` now, on this thread, like [`Self::save_to`] with
    /// [`Overwrite::IfUnchanged`].
    pub fn save_to_blocking(&mut self, path: &Path) -> Result<(), SaveError> {
        self.wait_for(JobKind::Load);
        if self.is_loading() {
            return Err(SaveError::io(
                path,
                std::io::Error::other("the project did not load completely; not saved"),
            ));
        }
        self.wait_for(JobKind::Save);
        let path = storage::with_project_extension(path);
        let snapshot = self.workspace.snapshot();
        let expected = self
            .stamp
            .clone()
            .filter(|_| self.path.as_deref() == Some(&*path));
        let stamp = storage::save_any(&snapshot.project, &path, expected.as_ref())?;
        let mut events = Vec::new();
        self.finish(
            JobResult::Saved {
                path,
                snapshot,
                result: Ok(stamp),
            },
            &mut events,
        );
        Ok(())
    }

    /// Reads the project file again and applies this window's unsaved changes on top (after
    /// [`SessionEvent::ChangedOnDisk`]). One Undo gives the file's version.
    pub fn reload(&mut self) -> Vec<SessionEvent> {
        if let Some(refused) = self.refused_while_loading("Reloading") {
            return refused;
        }
        let Some(path) = self.path.clone() else {
            return vec![SessionEvent::NeedsPath];
        };
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        let (base, ours) = (self.base.clone(), self.workspace.project().clone());
        let options = self.options.clone();
        let file = path.clone();
        self.start(bytes, JobKind::Reload, file_name(&path), move |_| {
            let result = load(&file, &options).map(|mut loaded| {
                let report = merge::apply_unsaved_changes(&mut loaded.workspace, &base, &ours);
                loaded.derived = Derived::build(&loaded.workspace);
                (loaded, report)
            });
            JobResult::Reloaded { path: file, result }
        });
        self.poll_now()
    }

    /// For a project folder: every second, looks for files someone else changed (a `git pull`,
    /// Syncthing, a shared drive) and reads just those on a worker thread; the result comes
    /// as [`SessionEvent::Synced`] from [`Self::poll`]. Returns when to look again.
    pub fn watch_tick(&mut self, now: f64) -> Option<f64> {
        const EVERY: f64 = 1.0;
        if self.is_loading() {
            return Some(EVERY);
        }
        let path = self.path.clone()?;
        let Some(Stamp::Folder(state)) = &self.stamp else {
            return None;
        };
        let busy = self.jobs.iter().any(|j| {
            matches!(
                j.kind(),
                JobKind::Sync | JobKind::Save | JobKind::Open | JobKind::Reload
            )
        });
        let since = now - self.watched_at;
        if busy || since < EVERY {
            return Some((EVERY - since).clamp(0.1, EVERY));
        }
        self.watched_at = now;
        let changed = state.changed_on_disk(&path);
        if changed.is_empty() {
            return Some(EVERY);
        }
        let state = (**state).clone();
        let (base, ours) = (self.base.clone(), self.workspace.project().clone());
        let dirty = self.workspace.is_dirty();
        let revision = self.workspace.revision();
        let clock_options = self.options.clone();
        self.jobs
            .push(Job::spawn(JobKind::Sync, file_name(&path), move |_| {
                let result = storage::folder::reread(&path, &changed, &base, &state).map(|load| {
                    let theirs = load.project;
                    let incoming = incoming_summary(&base, &theirs);
                    let mut workspace = Workspace::new(theirs.clone(), clock_options.clock());
                    let report = if dirty {
                        merge::apply_unsaved_changes(&mut workspace, &base, &ours)
                    } else {
                        MergeReport::default()
                    };
                    let problems: Vec<String> =
                        load.problems.iter().map(ToString::to_string).collect();
                    let loaded = Loaded {
                        pending: Vec::new(),
                        derived: Derived::build(&workspace),
                        workspace,
                        save_path: Some(path.clone()),
                        stamp: Some(Stamp::Folder(Box::new(load.state))),
                        base: theirs,
                        how: Opened::File,
                    };
                    Synced {
                        loaded: Box::new(loaded),
                        report,
                        incoming,
                        problems,
                    }
                });
                JobResult::Synced { revision, result }
            }));
        Some(EVERY)
    }

    // ----- export ------------------------------------------------------------------------

    /// Exports the project (or one article of it) to `path` (on a worker thread when it is
    /// large).
    pub fn export(
        &mut self,
        format: ExportFormat,
        path: &Path,
        article: Option<ArticleId>,
        analysts: Option<&[crate::core::model::AnalystId]>,
    ) -> Vec<SessionEvent> {
        if let Some(refused) = self.refused_while_loading("Exporting") {
            return refused;
        }
        let project = self.workspace.snapshot().project;
        let project = match analysts {
            Some(keep) => project.only_layers(|who| keep.contains(who)),
            None => project,
        };
        let bytes = project_bytes(&project);
        let file = path.to_owned();
        self.start(bytes, JobKind::Export, file_name(path), move |_| {
            JobResult::Exported {
                result: export::write_export_reporting(&project, format, &file, article),
                path: file,
            }
        });
        self.poll_now()
    }

    /// The export of the project (or one article of it) as bytes, now (the command line's
    /// standard output).
    pub fn export_bytes(
        &self,
        format: ExportFormat,
        article: Option<ArticleId>,
        analysts: Option<&[crate::core::model::AnalystId]>,
    ) -> Result<Vec<u8>, ExportError> {
        match analysts {
            Some(keep) => export::export_bytes(
                &self
                    .workspace
                    .project()
                    .only_layers(|who| keep.contains(who)),
                format,
                article,
            ),
            None => export::export_bytes(self.workspace.project(), format, article),
        }
    }

    // ----- import ------------------------------------------------------------------------

    /// Imports files as articles (on a worker thread when they are large), with progress per
    /// file; those that can be read are added as one undoable step, the others reported.
    pub fn add_articles(&mut self, paths: Vec<PathBuf>) -> Vec<SessionEvent> {
        let bytes: u64 = paths
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        let subject = match paths.as_slice() {
            [one] => file_name(one),
            many => format!("{} files", many.len()),
        };
        self.start(bytes, JobKind::Import, subject, move |progress| {
            progress.set_total(paths.len() as u64);
            let mut results = Vec::with_capacity(paths.len());
            for (n, path) in paths.into_iter().enumerate() {
                let cancelled = || progress.is_cancelled();
                let result = import::import_article_with(&path, None, &cancelled);
                results.push((path, result));
                progress.set_done(n as u64 + 1);
                if progress.is_cancelled() {
                    break;
                }
            }
            JobResult::ArticlesRead { results }
        });
        self.poll_now()
    }

    /// Reads an article's source again (or `from`, a file the analyst chose as its new
    /// version) the way it was first read, and re-anchors its annotations.
    pub fn reimport_article(&mut self, id: ArticleId, from: Option<PathBuf>) -> Vec<SessionEvent> {
        let Some(article) = self.project().article(id).cloned() else {
            return Vec::new();
        };
        let path = from
            .clone()
            .or_else(|| article.source_path.as_ref().map(PathBuf::from));
        let bytes = path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
        self.start(bytes, JobKind::Import, article.title.clone(), move |_| {
            JobResult::Reimported {
                article: id,
                result: import::reimported_text(&article, from.as_deref()),
                source: from,
            }
        });
        self.poll_now()
    }

    /// Imports an annotation file: a `.qdpx` or a stancemark JSON export becomes a new, unsaved
    /// project (callers ask about unsaved changes first); a CSV or W3C file comes into this
    /// project as one undoable step.
    pub fn import_annotations(&mut self, path: &Path) -> Vec<SessionEvent> {
        if let Some(refused) = self.refused_while_loading("Importing annotations") {
            return refused;
        }
        let head = std::fs::File::open(path)
            .and_then(|f| {
                use std::io::Read;
                let mut head = Vec::new();
                f.take(4096).read_to_end(&mut head).map(|_| head)
            })
            .unwrap_or_default();
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        let file = path.to_owned();
        let kind = exchange::detect(path, &head);
        let carries_texts = kind.is_some_and(|k| k.carries_texts());
        if kind == Some(exchange::AnnotationFile::Manifesto) {
            return self.import_manifesto(path, None);
        }
        if kind.is_some_and(|k| k.is_scheme()) {
            self.start(bytes, JobKind::Import, file_name(path), move |_| {
                JobResult::SchemeRead {
                    result: exchange::read_scheme(&file),
                    path: file,
                }
            });
        } else if carries_texts {
            self.start(bytes, JobKind::Open, file_name(path), move |_| {
                JobResult::ProjectImported {
                    result: exchange::read_new_project(&file),
                    path: file,
                }
            });
        } else {
            self.start(bytes, JobKind::Import, file_name(path), move |_| {
                JobResult::AnnotationsRead {
                    result: exchange::read_incoming(&file),
                    path: file,
                }
            });
        }
        self.poll_now()
    }

    /// Brings a Manifesto Corpus CSV (read as one, whatever its name) into the project as a
    /// unitised article coded by `analyst` (default `manifesto-project`), read on a worker and
    /// applied as one undoable step.
    pub fn import_manifesto(&mut self, path: &Path, analyst: Option<String>) -> Vec<SessionEvent> {
        if let Some(refused) = self.refused_while_loading("Importing a Manifesto file") {
            return refused;
        }
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        let file = path.to_owned();
        self.start(bytes, JobKind::Import, file_name(path), move |_| {
            JobResult::ManifestoRead {
                result: exchange::read_manifesto(&file),
                path: file,
                analyst,
            }
        });
        self.poll_now()
    }

    /// Starts a new project from `project` (a template's scheme), unsaved (callers ask about
    /// unsaved changes first).
    pub fn new_project_from(&mut self, project: Project) {
        let workspace = Workspace::unsaved(project, self.options.clock());
        self.start_fresh(workspace);
    }

    /// Brings the annotations of other copies of the project (analysts' project files or
    /// folders, or stancemark JSON exports) in as their analysts' layers, each read on a worker
    /// and merged as one undoable step ([`merge::merge_work`]).
    pub fn merge_work(&mut self, paths: &[PathBuf]) -> Vec<SessionEvent> {
        if let Some(refused) = self.refused_while_loading("Merging work") {
            return refused;
        }
        for path in paths {
            let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
            let file = path.clone();
            self.start(bytes, JobKind::Import, file_name(path), move |_| {
                JobResult::WorkRead {
                    result: read_other_copy(&file),
                    path: file,
                }
            });
        }
        self.poll_now()
    }

    // ----- autosave ----------------------------------------------------------------------

    /// Writes the recovery file `autosave_delay` seconds after the first unsaved change, on a
    /// worker thread. Call every frame with the current time; returns how long until it is
    /// due (for a repaint), if it is pending.
    pub fn autosave_tick(&mut self, now: f64) -> Option<f64> {
        if !self.options.autosave_delay.is_finite()
            || self.jobs.iter().any(|j| j.kind() == JobKind::Autosave)
            // Nothing to recover from that the files do not hold but a few edits, which the
            // first autosave after loading writes.
            || self.is_loading()
        {
            return None;
        }
        let revision = self.workspace.revision();
        if !self.workspace.is_dirty() || revision == self.autosave.written_revision {
            self.autosave.first_unwritten_at = None;
            return None;
        }
        // A saved folder's autosave is a journal of the files that changed (a layer or two,
        // milliseconds to write), so it is written sooner than a whole project's.
        let saved_folder = match (&self.stamp, self.path.as_deref()) {
            (Some(Stamp::Folder(state)), Some(path)) if storage::is_folder(path) => {
                Some(state.clone())
            }
            _ => None,
        };
        let delay = if saved_folder.is_some() {
            self.options.autosave_delay.min(JOURNAL_DELAY)
        } else {
            self.options.autosave_delay
        };
        let since = *self.autosave.first_unwritten_at.get_or_insert(now);
        let wait = delay - (now - since);
        if wait > 0.0 {
            return Some(wait);
        }
        let file = self.recovery_file()?;
        let project = self.workspace.project().clone();
        self.autosave = Autosave {
            written_revision: revision,
            first_unwritten_at: None,
        };
        self.jobs
            .push(Job::spawn(JobKind::Autosave, file_name(&file), move |_| {
                JobResult::Autosaved {
                    result: match saved_folder {
                        Some(state) => recovery::write_journal(&file, &project, &state).map(|_| ()),
                        None => recovery::write_recovery(&file, &project),
                    },
                }
            }));
        None
    }

    // ----- jobs --------------------------------------------------------------------------

    /// Finishes the jobs that are done; returns what happened.
    pub fn poll(&mut self) -> Vec<SessionEvent> {
        let mut events = Vec::new();
        let mut i = 0;
        // A job started by finishing another (the rest of a folder after its first part) is
        // looked at next time: the window draws what the first brought before the second's.
        let mut to_look = self.jobs.len();
        while i < self.jobs.len() && to_look > 0 {
            to_look -= 1;
            match self.jobs[i].poll() {
                Polled::Running => i += 1,
                Polled::Finished(result) => {
                    let job = self.jobs.remove(i);
                    drop(job);
                    self.finish(result, &mut events);
                }
                Polled::Lost => {
                    let job = self.jobs.remove(i);
                    events.push(SessionEvent::Lost { kind: job.kind() });
                }
            }
        }
        events
    }

    /// Finishes inline jobs right away (what a call that starts one returns).
    fn poll_now(&mut self) -> Vec<SessionEvent> {
        self.poll()
    }

    /// Waits for every job of `kind` and finishes it (its events are dropped: used before a
    /// new job of the same kind, whose outcome supersedes it).
    fn wait_for(&mut self, kind: JobKind) {
        while let Some(at) = self.jobs.iter().position(|j| j.kind() == kind) {
            let job = self.jobs.remove(at);
            if let Some(result) = job.wait() {
                let mut ignored = Vec::new();
                self.finish(result, &mut ignored);
            }
        }
    }

    /// Waits for every job and finishes them all (tests, and before quitting).
    pub fn wait_all(&mut self) -> Vec<SessionEvent> {
        let mut events = Vec::new();
        while !self.jobs.is_empty() {
            let job = self.jobs.remove(0);
            let kind = job.kind();
            match job.wait() {
                Some(result) => self.finish(result, &mut events),
                None => events.push(SessionEvent::Lost { kind }),
            }
        }
        events
    }

    fn finish(&mut self, result: JobResult, events: &mut Vec<SessionEvent>) {
        let failed = |what: Failure, message: String| SessionEvent::Failed {
            what,
            message,
            salvageable: None,
        };
        match result {
            JobResult::Opened { path, result } => match result {
                Ok(loaded) => {
                    let how = loaded.how.clone();
                    let save_path = loaded.save_path.clone();
                    self.replace(*loaded);
                    events.push(SessionEvent::Opened {
                        path,
                        save_path,
                        how: how.clone(),
                    });
                    // An autosave is compared with the whole project: offered once it is here.
                    if how != Opened::Restored
                        && !self.is_loading()
                        && let Some(file) = self.pending_recovery()
                    {
                        events.push(SessionEvent::RecoveryAvailable { file });
                    }
                }
                Err(e) => events.push(SessionEvent::Failed {
                    what: Failure::Open,
                    salvageable: e.is_salvageable().then(|| path.clone()),
                    message: e.to_string(),
                }),
            },
            JobResult::Saved {
                path,
                snapshot,
                result,
            } => match result {
                Ok((stamp, written)) => {
                    let recovery_before = self.recovery_file();
                    self.workspace.mark_saved(&snapshot);
                    if self.options.locks && self.path.as_deref() != Some(&*path) {
                        self.lock = lock::ProjectLock::acquire(&self.local_anchor(&path)).ok();
                    }
                    self.path = Some(path.clone());
                    self.stamp = Some(stamp);
                    self.base = snapshot.project;
                    self.wait_for(JobKind::Autosave);
                    if !self.workspace.is_dirty()
                        && let Some(file) = recovery_before
                        && let Err(e) = recovery::remove_recovery(&file)
                    {
                        events.push(failed(
                            Failure::Autosave,
                            format!("{}: could not remove the autosave: {e}", file.display()),
                        ));
                    }
                    let others = written
                        .report
                        .others_layers(&self.workspace.analyst().id)
                        .iter()
                        .map(|id| self.project().analyst_name(id).to_owned())
                        .collect();
                    events.push(SessionEvent::Saved {
                        path,
                        files: written.report.written.len() + written.report.removed.len(),
                        others,
                        held_back: written.report.held_back.clone(),
                    });
                }
                Err(SaveError::ChangedOnDisk { path }) => {
                    events.push(SessionEvent::ChangedOnDisk { path })
                }
                Err(e) => events.push(failed(Failure::Save, e.to_string())),
            },
            JobResult::Exported { path, result } => match result {
                Ok((count, notes)) => events.push(SessionEvent::Exported { path, count, notes }),
                Err(e) => events.push(failed(Failure::Export, e.to_string())),
            },
            JobResult::Autosaved { result } => {
                if let Err(e) = result {
                    events.push(failed(Failure::Autosave, e.to_string()));
                }
            }
            JobResult::Synced { revision, result } => match result {
                // A change made here while the files were read: read them again next time.
                Ok(_) if revision != self.workspace.revision() => {
                    self.watched_at = f64::NEG_INFINITY;
                }
                Ok(Synced {
                    loaded,
                    report,
                    incoming,
                    problems,
                }) => {
                    // The lock and the autosave stay as they are: the same project goes on.
                    let mut workspace = loaded.workspace;
                    workspace.set_analyst_name(&self.annotator);
                    let old = std::mem::replace(&mut self.workspace, workspace);
                    std::thread::spawn(move || drop(old));
                    self.stamp = loaded.stamp;
                    self.base = loaded.base;
                    self.derived = Some(loaded.derived);
                    self.open_problems = problems.clone();
                    events.push(SessionEvent::Synced {
                        incoming,
                        report,
                        problems,
                    });
                }
                Err(e) => events.push(failed(Failure::Reload, e.to_string())),
            },
            JobResult::RestRead {
                path,
                revision,
                result,
            } => {
                if self.path.as_deref() != Some(&*path) {
                    return;
                }
                match result {
                    Ok(rest) => {
                        let Rest { load, counts } = *rest;
                        let untouched = revision == self.workspace.revision();
                        self.base = load.project.clone();
                        let lost = self.workspace.complete_load(load.project);
                        self.stamp = Some(Stamp::Folder(Box::new(load.state)));
                        let problems: Vec<String> =
                            load.problems.iter().map(ToString::to_string).collect();
                        self.open_problems.extend(problems.iter().cloned());
                        // Counted on the worker: right unless this window changed something
                        // meanwhile (then the window counts again).
                        if untouched {
                            self.derived = Some(Derived {
                                revision: self.workspace.revision(),
                                counts,
                                first_article: None,
                            });
                        }
                        events.push(SessionEvent::Loaded { problems, lost });
                        let asked_to_save = self.save_when_loaded.take();
                        if let Some(file) = self.pending_recovery() {
                            // Saving would drop the autosave before the analyst saw it.
                            if asked_to_save.is_some() {
                                events.push(SessionEvent::HeldBack {
                                    message: "Not saved: unsaved work from an earlier session was found; restore or discard it first".to_owned(),
                                });
                            }
                            events.push(SessionEvent::RecoveryAvailable { file });
                        } else if let Some((path, overwrite)) = asked_to_save {
                            events.extend(self.save_to(&path, overwrite));
                        }
                    }
                    Err(e) => events.push(failed(
                        Failure::Open,
                        format!(
                            "the rest of the project could not be read ({e}); what is shown cannot be saved, reopen the project"
                        ),
                    )),
                }
            }
            JobResult::Reloaded { path, result } => match result {
                Ok((loaded, report)) => {
                    self.replace(*loaded);
                    events.push(SessionEvent::Reloaded { path, report });
                }
                Err(e) => events.push(failed(Failure::Reload, e.to_string())),
            },
            JobResult::ArticlesRead { results } => events.push(self.add_read_articles(results)),
            JobResult::Reimported {
                article,
                source,
                result,
            } => events.push(match result {
                Ok(text) => {
                    let title = self
                        .project()
                        .article(article)
                        .map(|a| a.title.clone())
                        .unwrap_or_default();
                    let source = source.map(|p| p.display().to_string());
                    match self.workspace.replace_article_text(article, &text, source) {
                        Ok(counts) => SessionEvent::Reimported { title, counts },
                        Err(e) => failed(Failure::Reimport, e.to_string()),
                    }
                }
                Err(e) => failed(Failure::Reimport, e.to_string()),
            }),
            JobResult::AnnotationsRead { path, result } => events.push(match result {
                Ok(records) => SessionEvent::AnnotationsImported {
                    report: exchange::import_into(&mut self.workspace, &records),
                    path,
                },
                Err(e) => failed(Failure::Import, e.to_string()),
            }),
            JobResult::WorkRead { path, result } => events.push(match result {
                Ok((project, problems)) => SessionEvent::WorkMerged {
                    report: merge::merge_work(&mut self.workspace, &project),
                    path,
                    problems,
                },
                Err(e) => failed(Failure::Import, e),
            }),
            JobResult::ManifestoRead {
                path,
                analyst,
                result,
            } => events.push(match result {
                Ok(doc) => {
                    let coder = analyst
                        .unwrap_or_else(|| crate::formats::manifesto::MANIFESTO_ANALYST.to_owned());
                    match crate::formats::manifesto::apply(&mut self.workspace, doc, &coder) {
                        Ok(report) => SessionEvent::ManifestoImported { path, report },
                        Err(e) => failed(Failure::Import, e.to_string()),
                    }
                }
                Err(e) => failed(Failure::Import, e.to_string()),
            }),
            JobResult::SchemeRead { path, result } => events.push(match result {
                Ok(scheme) => SessionEvent::SchemeImported {
                    report: exchange::merge_scheme(&mut self.workspace, &scheme),
                    path,
                },
                Err(e) => failed(Failure::Import, e.to_string()),
            }),
            JobResult::ProjectImported { path, result } => match result {
                Ok(new) => {
                    let workspace = Workspace::unsaved(new.project, self.options.clock());
                    self.replace(Loaded {
                        pending: Vec::new(),
                        derived: Derived::build(&workspace),
                        base: workspace.project().clone(),
                        workspace,
                        save_path: None,
                        stamp: None,
                        how: Opened::Imported {
                            skipped: new.skipped.clone(),
                        },
                    });
                    events.push(SessionEvent::Opened {
                        path,
                        save_path: None,
                        how: Opened::Imported {
                            skipped: new.skipped,
                        },
                    });
                }
                Err(e) => events.push(failed(Failure::Import, e.to_string())),
            },
        }
    }

    /// Adds the articles that were read, as one undoable step. A file whose text is already
    /// an article (or came earlier in the same batch) is held back and named in `duplicates`.
    fn add_read_articles(
        &mut self,
        results: Vec<(PathBuf, Result<Imported, ImportError>)>,
    ) -> SessionEvent {
        let (mut added, mut failed, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
        let mut duplicates = Vec::new();
        self.held_duplicates.clear();
        let label = if results.len() == 1 {
            "add article"
        } else {
            "add articles"
        };
        let held = &mut self.held_duplicates;
        self.workspace.group(label, |ws| {
            for (path, result) in results {
                match result {
                    Ok(imported) => {
                        let same = ws
                            .project()
                            .articles
                            .iter()
                            .find(|a| a.text == imported.article.text)
                            .map(|a| a.title.clone());
                        if let Some(title) = same {
                            duplicates.push(format!(
                                "{}: the same text is already the article “{title}”",
                                path.display()
                            ));
                            held.push(imported);
                            continue;
                        }
                        let line = imported.summary();
                        warnings.extend(imported.warnings);
                        match ws.add_article(imported.article) {
                            Ok(id) => added.push((id, line)),
                            Err(e) => failed.push(e.to_string()),
                        }
                    }
                    Err(e) => failed.push(e.to_string()),
                }
            }
        });
        SessionEvent::ArticlesAdded {
            added,
            failed,
            warnings,
            duplicates,
        }
    }

    /// The articles held back as duplicates by the last import (their files' paths).
    pub fn held_duplicates(&self) -> usize {
        self.held_duplicates.len()
    }

    /// Adds the articles the last import held back as duplicates, as one undoable step (the
    /// analyst said "Add anyway").
    pub fn add_held_duplicates(&mut self) -> SessionEvent {
        let held = std::mem::take(&mut self.held_duplicates);
        let (mut added, mut failed, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
        let label = if held.len() == 1 {
            "add article"
        } else {
            "add articles"
        };
        self.workspace.group(label, |ws| {
            for imported in held {
                let line = imported.summary();
                warnings.extend(imported.warnings);
                match ws.add_article(imported.article) {
                    Ok(id) => added.push((id, line)),
                    Err(e) => failed.push(e.to_string()),
                }
            }
        });
        SessionEvent::ArticlesAdded {
            added,
            failed,
            warnings,
            duplicates: Vec::new(),
        }
    }

    /// Forgets the articles the last import held back as duplicates ("Skip").
    pub fn drop_held_duplicates(&mut self) {
        self.held_duplicates.clear();
    }
}

/// Reads the first part of a project folder (see [`storage::folder::read_folder_first`]):
/// the workspace takes it as a project still loading.
fn load_first(path: &Path, options: &SessionOptions) -> Result<Box<Loaded>, LoadError> {
    let first = storage::folder::read_folder_first(path)?;
    let pending_articles: Vec<ArticleId> = first
        .pending
        .iter()
        .filter_map(|p| storage::folder::layer_of(p))
        .map(|(article, _)| article)
        .collect();
    let base = first.project.clone();
    let workspace = Workspace::new_partial(first.project, pending_articles, options.clock());
    let problems: Vec<String> = first.problems.iter().map(ToString::to_string).collect();
    Ok(Box::new(Loaded {
        derived: Derived::build(&workspace),
        workspace,
        stamp: Some(Stamp::Folder(Box::new(first.state))),
        base,
        save_path: Some(path.to_owned()),
        how: if problems.is_empty() {
            Opened::File
        } else {
            Opened::WithProblems(problems)
        },
        pending: first.pending,
    }))
}

/// Reads a project (file or folder) into a finished load (on any thread).
fn load(path: &Path, options: &SessionOptions) -> Result<Box<Loaded>, LoadError> {
    let loaded = storage::load_any(path)?;
    let save_path = if storage::is_folder(path) {
        path.to_owned()
    } else {
        storage::unused_save_path_for(path, loaded.format_version)
    };
    let converted = save_path != path;
    let base = loaded.project.clone();
    let workspace = if converted {
        Workspace::unsaved(loaded.project, options.clock())
    } else {
        Workspace::new(loaded.project, options.clock())
    };
    Ok(Box::new(Loaded {
        pending: Vec::new(),
        derived: Derived::build(&workspace),
        workspace,
        stamp: (!converted).then_some(loaded.stamp),
        base,
        save_path: Some(save_path),
        how: if converted {
            Opened::Converted
        } else if !loaded.problems.is_empty() {
            Opened::WithProblems(loaded.problems)
        } else {
            Opened::File
        },
    }))
}

/// What came in from disk, in words: per analyst, how many of their annotations arrived,
/// changed or went ("12 annotations from Dana"); then shared records (stances, articles).
fn incoming_summary(base: &Project, theirs: &Project) -> Vec<String> {
    let mut lines = Vec::new();
    let mut analysts: Vec<&crate::core::model::AnalystId> = base
        .annotations
        .analysts()
        .into_iter()
        .chain(theirs.annotations.analysts())
        .collect();
    analysts.sort();
    analysts.dedup();
    for analyst in analysts {
        let (mut added, mut changed, mut removed) = (0, 0, 0);
        for article in theirs
            .articles
            .iter()
            .map(|a| a.id)
            .chain(base.articles.iter().map(|a| a.id))
            .collect::<std::collections::BTreeSet<_>>()
        {
            let old = base.annotations.layer(article, analyst);
            let new = theirs.annotations.layer(article, analyst);
            for a in new {
                match base.annotations.get(a.id) {
                    None => added += 1,
                    Some(b) if b != a => changed += 1,
                    _ => {}
                }
            }
            removed += old
                .iter()
                .filter(|a| !theirs.annotations.contains(a.id))
                .count();
        }
        if added + changed + removed == 0 {
            continue;
        }
        let mut parts = Vec::new();
        if added > 0 {
            parts.push(crate::core::workspace::count_of(added, "annotation"));
        }
        if changed > 0 {
            parts.push(format!("{changed} changed"));
        }
        if removed > 0 {
            parts.push(format!("{removed} removed"));
        }
        lines.push(format!(
            "{} from {}",
            parts.join(", "),
            theirs.analyst_name(analyst)
        ));
    }
    let stances = theirs
        .stances
        .0
        .iter()
        .filter(|s| base.stances.get(&s.id) != Some(*s))
        .count()
        + base
            .stances
            .0
            .iter()
            .filter(|s| theirs.stances.get(&s.id).is_none())
            .count();
    if stances > 0 {
        lines.push(format!(
            "{} changed",
            crate::core::workspace::count_of(stances, "stance")
        ));
    }
    let articles = theirs
        .articles
        .iter()
        .filter(|a| base.article(a.id).is_none_or(|b| b != &***a))
        .count();
    if articles > 0 {
        lines.push(format!(
            "{} new or changed",
            crate::core::workspace::count_of(articles, "article")
        ));
    }
    if base.name != theirs.name || base.memo != theirs.memo {
        lines.push("the project's name or memo changed".to_owned());
    }
    lines
}
