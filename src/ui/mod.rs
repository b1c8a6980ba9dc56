//! The egui shell: renders the [`Workspace`] and turns input into its actions.
//!
//! Layout: menu bar on top, status bar at the bottom, articles on the left, annotations on the
//! right, the article reader in the centre. Every menu item and shortcut is a [`UiCommand`], so
//! menus and keys cannot drift apart.

pub mod article_view;
pub mod file_dialog;
mod panels;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use crate::export::{Export, ExportFormat};
use crate::model::{AnnotationId, ArticleId, Project, StanceId};
use crate::prefs::Preferences;
use crate::recovery;
use crate::store;
use crate::workspace::{Clock, SteppingClock, SystemClock, Workspace};
use article_view::{ArticleView, ViewContext, ViewEvent};
use file_dialog::{DialogOutcome, FileDialog, FilePurpose};

/// How the app is started; tests use a fixed clock, no native dialogs and no preferences file.
pub struct AppOptions {
    /// Where preferences are read and written; `None` keeps them in memory only.
    pub prefs_path: Option<PathBuf>,
    /// Whether to open native (rfd) file dialogs beside the path field.
    pub native_dialogs: bool,
    /// Timestamps from a stepping clock instead of the wall clock (tests, golden files).
    pub fixed_clock: bool,
    /// Where the recovery file of a never-saved project goes; `None` autosaves saved projects only.
    pub unsaved_recovery_dir: Option<PathBuf>,
    /// Seconds between the first unsaved change and its autosave (infinite: never).
    pub autosave_delay: f64,
    /// Project files at least this large are opened and saved on a worker thread, with a
    /// progress indicator, so the window never freezes (smaller ones take less than a frame).
    pub background_io_bytes: u64,
}

impl AppOptions {
    /// Options for the real app: preferences in the config folder, native dialogs unless
    /// `STANCEMARK_NO_NATIVE_DIALOGS` is set.
    pub fn desktop() -> Self {
        Self {
            prefs_path: Preferences::default_path(),
            native_dialogs: std::env::var_os("STANCEMARK_NO_NATIVE_DIALOGS").is_none(),
            fixed_clock: false,
            unsaved_recovery_dir: recovery::default_unsaved_dir(),
            autosave_delay: 2.0,
            background_io_bytes: 2 << 20,
        }
    }

    /// Options for headless tests.
    pub fn headless() -> Self {
        Self {
            prefs_path: None,
            native_dialogs: false,
            fixed_clock: true,
            unsaved_recovery_dir: None,
            autosave_delay: 2.0,
            background_io_bytes: u64::MAX,
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

/// Every menu item and keyboard shortcut of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiCommand {
    /// Start an empty project.
    NewProject,
    /// Open a project file.
    OpenProject,
    /// Save to the current file.
    Save,
    /// Save under a new name.
    SaveAs,
    /// Import a `.txt`/`.md` article.
    AddArticle,
    /// Export as JSON.
    ExportJson,
    /// Export as RON.
    ExportRon,
    /// Edit the annotator name and text size.
    Preferences,
    /// Close the window (asks about unsaved changes).
    Quit,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Add, rename, recolour and remove stances.
    ManageStances,
    /// Find in the article.
    Find,
}

impl UiCommand {
    /// Order matters: shortcuts with Shift are checked before the same key without it.
    const ALL: [UiCommand; 13] = [
        UiCommand::NewProject,
        UiCommand::OpenProject,
        UiCommand::SaveAs,
        UiCommand::Save,
        UiCommand::AddArticle,
        UiCommand::ExportJson,
        UiCommand::ExportRon,
        UiCommand::Preferences,
        UiCommand::Quit,
        UiCommand::Redo,
        UiCommand::Undo,
        UiCommand::ManageStances,
        UiCommand::Find,
    ];

    /// Menu text.
    pub fn label(self) -> &'static str {
        match self {
            UiCommand::NewProject => "New project",
            UiCommand::OpenProject => "Open project…",
            UiCommand::Save => "Save",
            UiCommand::SaveAs => "Save as…",
            UiCommand::AddArticle => "Add article…",
            UiCommand::ExportJson => "JSON…",
            UiCommand::ExportRon => "RON…",
            UiCommand::Preferences => "Preferences…",
            UiCommand::Quit => "Quit",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::ManageStances => "Manage stances…",
            UiCommand::Find => "Find in article…",
        }
    }

    /// Keyboard shortcut, if any.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = |key| Some(KeyboardShortcut::new(Modifiers::COMMAND, key));
        let cmd_shift = |key| {
            Some(KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                key,
            ))
        };
        match self {
            UiCommand::NewProject => cmd(Key::N),
            UiCommand::OpenProject => cmd(Key::O),
            UiCommand::Save => cmd(Key::S),
            UiCommand::SaveAs => cmd_shift(Key::S),
            UiCommand::AddArticle => cmd(Key::I),
            UiCommand::ExportJson => cmd(Key::E),
            UiCommand::ExportRon => None,
            UiCommand::Preferences => cmd(Key::Comma),
            UiCommand::Quit => cmd(Key::Q),
            UiCommand::Undo => cmd(Key::Z),
            UiCommand::Redo => cmd_shift(Key::Z),
            UiCommand::ManageStances => None,
            UiCommand::Find => cmd(Key::F),
        }
    }
}

/// What to do once unsaved changes are dealt with.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    NewProject,
    Open(Option<PathBuf>),
    Quit,
}

/// The one modal window shown at a time.
enum Modal {
    File(FileDialog),
    Unsaved(Pending),
    RemoveArticle(ArticleId),
    RemoveStance(StanceId, usize),
    Error {
        title: String,
        message: String,
        /// A project file whose broken annotations can be set aside to open the rest.
        salvage: Option<PathBuf>,
    },
    Recovery {
        file: PathBuf,
        /// The differences, once "Show both" was clicked (read once, not every frame).
        both: Option<std::sync::Arc<Result<recovery::RecoveryDiff, String>>>,
    },
}

/// An open or save running on a worker thread.
struct IoJob {
    kind: IoKind,
    started: std::time::Instant,
    rx: std::sync::mpsc::Receiver<IoOutcome>,
}

enum IoKind {
    Open {
        path: PathBuf,
        bytes: u64,
    },
    Save {
        path: PathBuf,
        snapshot: Box<crate::workspace::Snapshot>,
        /// The autosave to remove once saved.
        recovery_before: Option<PathBuf>,
        /// What to do once saved (quit, open another project…).
        then: Option<Pending>,
    },
    Export {
        path: PathBuf,
    },
}

enum IoOutcome {
    Opened(Result<store::LoadedProject, store::StoreError>),
    Saved(Result<(), store::StoreError>),
    /// How many annotations were exported.
    Exported(Result<usize, store::StoreError>),
}

/// Rough size of a project file, to decide whether saving it takes longer than a frame.
fn project_bytes(project: &Project) -> u64 {
    let text: usize = project.articles.iter().map(|a| a.text.len()).sum();
    (text + 200 * project.annotations.len()) as u64
}

/// Autosave bookkeeping: the revision last written and when the first unwritten change was seen.
#[derive(Default)]
struct Autosave {
    written_revision: u64,
    first_unwritten_at: Option<f64>,
    inflight: Option<std::sync::mpsc::Receiver<Result<(), String>>>,
}

/// The stancemark application.
pub struct StancemarkApp {
    ws: Workspace,
    options: AppOptions,
    prefs: Preferences,
    current_article: Option<ArticleId>,
    view: ArticleView,
    selected_annotation: Option<AnnotationId>,
    /// Note being edited: committed as one undoable change when the field loses focus.
    note_draft: Option<(AnnotationId, String)>,
    hidden_stances: HashSet<StanceId>,
    modal: Option<Modal>,
    after_save_as: Option<Pending>,
    status: Option<(String, bool)>,
    show_preferences: bool,
    show_stances: bool,
    panels: panels::PanelState,
    allow_close: bool,
    quit_requested: bool,
    window_title: String,
    autosave: Autosave,
    /// Text of the "Edit article text" window while it is open.
    text_draft: Option<(ArticleId, String)>,
    /// An open or save running on a worker thread.
    io: Option<IoJob>,
}

impl StancemarkApp {
    /// Starts on `project` (or the last project, or an empty one). Problems opening it are
    /// shown in the window; the app always starts.
    pub fn new(project: Option<PathBuf>, options: AppOptions) -> Self {
        let prefs = options
            .prefs_path
            .as_deref()
            .map(Preferences::load)
            .unwrap_or_default();
        let ws = Workspace::new(Project::new("Untitled project"), None, options.clock());
        let mut app = Self {
            ws,
            options,
            prefs,
            current_article: None,
            view: ArticleView::default(),
            selected_annotation: None,
            note_draft: None,
            hidden_stances: HashSet::new(),
            modal: None,
            after_save_as: None,
            status: None,
            show_preferences: false,
            show_stances: false,
            panels: panels::PanelState::default(),
            allow_close: false,
            quit_requested: false,
            window_title: String::new(),
            autosave: Autosave::default(),
            text_draft: None,
            io: None,
        };
        app.ws.annotator = app.prefs.annotator.clone();
        let start = project.or_else(|| app.prefs.last_project.clone().filter(|p| p.exists()));
        if let Some(path) = start {
            app.open_project(&path);
        } else {
            app.offer_recovery(None);
        }
        app
    }

    fn recovery_file(&self) -> Option<PathBuf> {
        recovery::recovery_path(self.ws.path(), self.options.unsaved_recovery_dir.as_deref())
    }

    /// After opening `project` (or starting empty), offers to restore newer unsaved work.
    fn offer_recovery(&mut self, project: Option<&Path>) {
        if let Some(file) =
            recovery::pending_recovery(project, self.options.unsaved_recovery_dir.as_deref())
        {
            self.modal = Some(Modal::Recovery { file, both: None });
        }
    }

    /// Replaces the project with the recovered one (unsaved until the analyst saves).
    fn restore_recovery(&mut self, file: &Path) {
        match store::load_project(file) {
            Ok(project) => {
                let path = self.ws.path().map(Path::to_path_buf);
                let mut ws = Workspace::restored(project, path, self.options.clock());
                ws.annotator = self.prefs.annotator.clone();
                self.ws = ws;
                self.reset_view();
                self.autosave = Autosave::default();
                self.info("Restored unsaved work; save to keep it");
            }
            Err(e) => self.error("Could not restore", e.to_string()),
        }
    }

    /// Writes the recovery file a few seconds after the first unsaved change, off the UI thread.
    fn autosave_tick(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.autosave.inflight {
            match rx.try_recv() {
                Ok(result) => {
                    self.autosave.inflight = None;
                    if let Err(e) = result {
                        self.status = Some((format!("Autosave failed: {e}"), true));
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100));
                    return;
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => self.autosave.inflight = None,
            }
        }
        let revision = self.ws.revision();
        if !self.options.autosave_delay.is_finite() {
            return; // autosave switched off (benchmarks)
        }
        if !self.ws.is_dirty() || revision == self.autosave.written_revision {
            self.autosave.first_unwritten_at = None;
            return;
        }
        let now = ctx.input(|i| i.time);
        let since = *self.autosave.first_unwritten_at.get_or_insert(now);
        let wait = self.options.autosave_delay - (now - since);
        if wait > 0.0 {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
            return;
        }
        let Some(file) = self.recovery_file() else {
            return;
        };
        let project = self.ws.project().clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(recovery::write_recovery(&file, &project).map_err(|e| e.to_string()));
        });
        self.autosave = Autosave {
            written_revision: revision,
            first_unwritten_at: None,
            inflight: Some(rx),
        };
    }

    /// Waits for an autosave in progress (tests, and before quitting).
    pub fn wait_for_autosave(&mut self) {
        if let Some(rx) = self.autosave.inflight.take()
            && let Ok(Err(e)) = rx.recv()
        {
            self.status = Some((format!("Autosave failed: {e}"), true));
        }
    }

    /// The workspace (project, history, path), for tests and embedding.
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// The article shown in the reader.
    pub fn current_article(&self) -> Option<ArticleId> {
        self.current_article
    }

    /// The annotation selected for editing.
    pub fn selected_annotation(&self) -> Option<AnnotationId> {
        self.selected_annotation
    }

    /// The reader (selection, layout), for tests.
    pub fn article_view(&self) -> &ArticleView {
        &self.view
    }

    /// The message in the status bar and whether it is an error.
    pub fn status(&self) -> Option<(&str, bool)> {
        self.status.as_ref().map(|(m, e)| (m.as_str(), *e))
    }

    /// The title and text of the error window, if one is open.
    pub fn error_message(&self) -> Option<(&str, &str)> {
        match &self.modal {
            Some(Modal::Error { title, message, .. }) => Some((title, message)),
            _ => None,
        }
    }

    /// True once the app has agreed to close (after Save or Discard).
    pub fn quit_requested(&self) -> bool {
        self.quit_requested
    }

    fn info(&mut self, message: impl Into<String>) {
        self.status = Some((message.into(), false));
    }

    fn error(&mut self, title: &str, message: impl Into<String>) {
        let message = message.into();
        self.status = Some((format!("{title}: {message}"), true));
        self.modal = Some(Modal::Error {
            title: title.to_owned(),
            message,
            salvage: None,
        });
    }

    /// Opens the sound part of a project file, writing its broken annotations to a report.
    fn open_salvaged(&mut self, path: &Path) {
        let result = store::load_project_salvaging(path).and_then(|s| {
            let report = store::write_set_aside(path, &s)?;
            Ok((s, report))
        });
        match result {
            Ok((salvaged, report)) => {
                let mut ws = Workspace::restored(
                    salvaged.project,
                    Some(store::unused_save_path_for(path, salvaged.format_version)),
                    self.options.clock(),
                );
                ws.annotator = self.prefs.annotator.clone();
                self.ws = ws;
                self.reset_view();
                self.status = Some((
                    format!(
                        "Opened with {} broken annotation(s) set aside in {}; the file is unchanged until you save",
                        salvaged.set_aside.len(),
                        report.display()
                    ),
                    true,
                ));
            }
            Err(e) => self.error("Could not open project", e.to_string()),
        }
    }

    fn save_prefs(&mut self) {
        if let Some(path) = &self.options.prefs_path
            && let Err(e) = self.prefs.save(path)
        {
            self.status = Some((format!("Could not save preferences: {e}"), true));
        }
    }

    // ----- project files -------------------------------------------------------------------

    /// Opens a project file, replacing the current project (callers check unsaved changes); a
    /// large one is read on a worker thread while a progress window shows (see
    /// [`AppOptions::background_io_bytes`]).
    pub fn open_project(&mut self, path: &Path) {
        self.wait_for_io();
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let file = path.to_owned();
        self.run_io(
            IoKind::Open {
                path: path.to_owned(),
                bytes: size,
            },
            size,
            move || IoOutcome::Opened(store::load_project_detailed(&file)),
        );
    }

    /// Runs `work` (reading or writing about `bytes`) and finishes it as `kind` says: right
    /// away when it is small, else on a worker thread that [`Self::poll_io`] finishes.
    fn run_io(
        &mut self,
        kind: IoKind,
        bytes: u64,
        work: impl FnOnce() -> IoOutcome + Send + 'static,
    ) {
        if bytes < self.options.background_io_bytes {
            let outcome = work();
            self.finish_io(kind, Some(outcome));
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // The receiver is gone only if the job was cancelled; the result is not wanted then.
            let _ = tx.send(work());
        });
        self.io = Some(IoJob {
            kind,
            started: std::time::Instant::now(),
            rx,
        });
    }

    /// Shows a project loaded from `path`, or why it could not be.
    fn finish_open(
        &mut self,
        path: &Path,
        loaded: Result<store::LoadedProject, store::StoreError>,
    ) {
        match loaded {
            Ok(loaded) => {
                let mut ws = Workspace::opened(path, loaded, self.options.clock());
                ws.annotator = self.prefs.annotator.clone();
                let save_path = ws.path().unwrap_or(path).to_owned();
                self.ws = ws;
                self.reset_view();
                self.prefs.note_opened(path);
                self.save_prefs();
                self.autosave = Autosave::default();
                if save_path == path {
                    self.info(format!("Opened {}", path.display()));
                } else {
                    self.status = Some((
                        format!(
                            "Opened {} (an older file format); saving writes {} and leaves the old file as it is",
                            path.display(),
                            save_path.display()
                        ),
                        false,
                    ));
                }
                self.offer_recovery(Some(&save_path));
            }
            Err(e) => {
                let salvageable = matches!(e, store::StoreError::Invalid { .. });
                self.error("Could not open project", e.to_string());
                if salvageable && let Some(Modal::Error { salvage, .. }) = &mut self.modal {
                    *salvage = Some(path.to_owned());
                }
            }
        }
    }

    /// True while a project is being opened or saved on a worker thread.
    pub fn is_busy(&self) -> bool {
        self.io.is_some()
    }

    /// Finishes an open or save whose worker thread is done (called every frame).
    fn poll_io(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.io else {
            return;
        };
        let outcome = match job.rx.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
                return;
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        if let Some(job) = self.io.take() {
            self.finish_io(job.kind, outcome);
        }
    }

    /// Waits for an open or save in progress and finishes it.
    pub fn wait_for_io(&mut self) {
        if let Some(job) = self.io.take() {
            let outcome = job.rx.recv().ok();
            self.finish_io(job.kind, outcome);
        }
    }

    fn finish_io(&mut self, kind: IoKind, outcome: Option<IoOutcome>) {
        match (kind, outcome) {
            (IoKind::Open { path, .. }, Some(IoOutcome::Opened(loaded))) => {
                self.finish_open(&path, loaded)
            }
            (
                IoKind::Save {
                    path,
                    snapshot,
                    recovery_before,
                    then,
                },
                Some(IoOutcome::Saved(result)),
            ) => self.finish_save(&path, *snapshot, result, recovery_before, then),
            (IoKind::Open { path, .. }, _) => self.error(
                "Could not open project",
                format!("{}: reading stopped unexpectedly", path.display()),
            ),
            (IoKind::Export { path }, Some(IoOutcome::Exported(result))) => {
                self.finish_export(&path, result)
            }
            (IoKind::Export { path }, _) => self.error(
                "Could not export",
                format!("{}: exporting stopped unexpectedly", path.display()),
            ),
            (IoKind::Save { path, .. }, _) => self.error(
                "Could not save",
                format!(
                    "{}: saving stopped unexpectedly; the file on disk is unchanged",
                    path.display()
                ),
            ),
        }
    }

    fn new_project(&mut self) {
        let mut ws = Workspace::new(Project::new("Untitled project"), None, self.options.clock());
        ws.annotator = self.prefs.annotator.clone();
        self.ws = ws;
        self.reset_view();
        self.info("New project");
    }

    fn reset_view(&mut self) {
        self.current_article = self.ws.project().articles.first().map(|a| a.id);
        self.view = ArticleView::default();
        self.selected_annotation = None;
        self.note_draft = None;
        self.hidden_stances.clear();
    }

    /// Saves to the current file, or asks for one.
    fn save(&mut self, then: Option<Pending>) {
        match self.ws.path() {
            Some(path) => {
                let path = path.to_owned();
                self.start_save(&path, then);
            }
            None => {
                self.after_save_as = then;
                self.open_file_dialog(FilePurpose::SaveProjectAs);
            }
        }
    }

    /// Saves under `path` (adding the `.stance.json` extension when missing), then runs `then`.
    /// A large project is written on a worker thread from a snapshot, so editing goes on;
    /// changes made meanwhile stay unsaved.
    fn start_save(&mut self, path: &Path, then: Option<Pending>) {
        self.commit_note();
        self.wait_for_io();
        let path = with_project_extension(path);
        let recovery_before = self.recovery_file();
        let snapshot = self.ws.snapshot();
        let project = snapshot.project.clone();
        let bytes = project_bytes(&project);
        let file = path.clone();
        self.run_io(
            IoKind::Save {
                path,
                snapshot: Box::new(snapshot),
                recovery_before,
                then,
            },
            bytes,
            move || IoOutcome::Saved(store::save_project(&project, &file)),
        );
    }

    /// Saves under `path` now, waiting for the write (tests, and the path-field dialog).
    pub fn save_as(&mut self, path: &Path) -> bool {
        let threshold = std::mem::replace(&mut self.options.background_io_bytes, u64::MAX);
        self.start_save(path, None);
        self.options.background_io_bytes = threshold;
        !self.ws.is_dirty()
    }

    fn finish_save(
        &mut self,
        path: &Path,
        snapshot: crate::workspace::Snapshot,
        result: Result<(), store::StoreError>,
        recovery_before: Option<PathBuf>,
        then: Option<Pending>,
    ) {
        match result {
            Ok(()) => {
                self.ws.mark_saved(path, snapshot);
                self.wait_for_autosave();
                if !self.ws.is_dirty()
                    && let Some(r) = recovery_before
                {
                    recovery::remove_recovery(&r);
                }
                self.prefs.note_opened(path);
                self.save_prefs();
                self.info(format!("Saved {}", path.display()));
                if let Some(pending) = then {
                    self.run_pending(pending);
                }
            }
            Err(e) => self.error("Could not save", e.to_string()),
        }
    }

    /// Imports an article file and shows it.
    pub fn add_article_from(&mut self, path: &Path) {
        match store::import_article(path) {
            Ok(article) => match self.ws.add_article(article) {
                Ok(id) => {
                    self.select_article(id);
                    self.info(format!("Added {}", path.display()));
                }
                Err(e) => self.error("Could not add article", e.to_string()),
            },
            Err(e) => self.error("Could not add article", e.to_string()),
        }
    }

    /// Exports the project's annotations to `path`.
    /// A large project is exported on a worker thread from a snapshot, like a save.
    pub fn export_to(&mut self, format: ExportFormat, path: &Path) {
        self.wait_for_io();
        let project = self.ws.snapshot().project;
        let bytes = project_bytes(&project);
        let file = path.to_owned();
        self.run_io(
            IoKind::Export {
                path: path.to_owned(),
            },
            bytes,
            move || {
                IoOutcome::Exported(
                    Export::from_project(&project)
                        .to_string(format)
                        .and_then(|text| store::write_atomically(&file, text.as_bytes()))
                        .map(|()| project.annotations.len()),
                )
            },
        );
    }

    fn finish_export(&mut self, path: &Path, result: Result<usize, store::StoreError>) {
        match result {
            Ok(count) => self.info(format!(
                "Exported {count} annotations to {}",
                path.display()
            )),
            Err(e) => self.error("Could not export", e.to_string()),
        }
    }

    fn default_path_for(&self, purpose: FilePurpose) -> PathBuf {
        let project_path = self.ws.path().map(Path::to_path_buf);
        let dir = project_path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let stem = project_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| {
                n.to_string_lossy()
                    .trim_end_matches(".stance.json")
                    .trim_end_matches(".stance.ron")
                    .to_owned()
            })
            .unwrap_or_else(|| "project".to_owned());
        match purpose {
            FilePurpose::OpenProject | FilePurpose::AddArticle => {
                let mut d = dir.into_os_string();
                d.push(std::path::MAIN_SEPARATOR_STR);
                PathBuf::from(d)
            }
            FilePurpose::SaveProjectAs => dir.join(format!("{stem}.{}", store::PROJECT_EXTENSION)),
            FilePurpose::Export(f) => dir.join(format!("{stem}.{}", f.extension())),
        }
    }

    fn open_file_dialog(&mut self, purpose: FilePurpose) {
        let initial = self.default_path_for(purpose);
        self.modal = Some(Modal::File(FileDialog::new(
            purpose,
            initial,
            self.options.native_dialogs,
        )));
    }

    fn file_chosen(&mut self, purpose: FilePurpose, path: PathBuf) {
        match purpose {
            FilePurpose::OpenProject => self.open_project(&path),
            FilePurpose::SaveProjectAs => {
                let then = self.after_save_as.take();
                self.start_save(&path, then);
            }
            FilePurpose::AddArticle => self.add_article_from(&path),
            FilePurpose::Export(format) => self.export_to(format, &path),
        }
    }

    /// Runs `pending` now, or asks about unsaved changes first.
    fn guard_unsaved(&mut self, pending: Pending) {
        self.commit_note();
        if self.ws.is_dirty() {
            self.modal = Some(Modal::Unsaved(pending));
        } else {
            self.run_pending(pending);
        }
    }

    fn run_pending(&mut self, pending: Pending) {
        match pending {
            Pending::NewProject => self.new_project(),
            Pending::Open(Some(path)) => self.open_project(&path),
            Pending::Open(None) => self.open_file_dialog(FilePurpose::OpenProject),
            Pending::Quit => {
                self.allow_close = true;
                self.quit_requested = true;
            }
        }
    }

    /// Runs a menu or shortcut command.
    pub fn run_command(&mut self, command: UiCommand) {
        match command {
            UiCommand::NewProject => self.guard_unsaved(Pending::NewProject),
            UiCommand::OpenProject => self.guard_unsaved(Pending::Open(None)),
            UiCommand::Save => self.save(None),
            UiCommand::SaveAs => self.open_file_dialog(FilePurpose::SaveProjectAs),
            UiCommand::AddArticle => self.open_file_dialog(FilePurpose::AddArticle),
            UiCommand::ExportJson => self.open_file_dialog(FilePurpose::Export(ExportFormat::Json)),
            UiCommand::ExportRon => self.open_file_dialog(FilePurpose::Export(ExportFormat::Ron)),
            UiCommand::Preferences => self.show_preferences = true,
            UiCommand::Quit => self.guard_unsaved(Pending::Quit),
            UiCommand::Undo => {
                self.commit_note();
                match self.ws.undo() {
                    Some(label) => self.info(format!("Undid {label}")),
                    None => self.info("Nothing to undo"),
                }
                self.after_history_step();
            }
            UiCommand::Redo => {
                match self.ws.redo() {
                    Some(label) => self.info(format!("Redid {label}")),
                    None => self.info("Nothing to redo"),
                }
                self.after_history_step();
            }
            UiCommand::ManageStances => self.show_stances = true,
            UiCommand::Find => {
                if self.current_article.is_some() {
                    self.view.open_find();
                }
            }
        }
    }

    /// After undo/redo, drop selections that point at things that no longer exist.
    fn after_history_step(&mut self) {
        let p = self.ws.project();
        if self
            .current_article
            .is_none_or(|id| p.article(id).is_none())
        {
            self.current_article = p.articles.first().map(|a| a.id);
        }
        if self
            .selected_annotation
            .is_some_and(|id| p.annotation(id).is_none())
        {
            self.selected_annotation = None;
        }
        self.note_draft = None;
    }

    // ----- articles and annotations ----------------------------------------------------

    /// Shows an article in the reader.
    pub fn select_article(&mut self, id: ArticleId) {
        self.commit_note();
        if self.current_article != Some(id) {
            self.current_article = Some(id);
            self.selected_annotation = None;
            self.view = ArticleView::default();
        }
    }

    /// Tags the reader's current selection with `stance`.
    fn tag_selection(&mut self, stance: &StanceId) {
        let (Some(article), Some(range)) = (self.current_article, self.view.selection()) else {
            self.info("Select a passage first, then choose a stance");
            return;
        };
        match self.ws.add_annotation(article, range, stance, "") {
            Ok(id) => {
                self.view.set_selection(None);
                self.select_annotation(id, false, 0.0);
                let label = article_view::stance_style(self.ws.project(), stance).0;
                self.info(format!("Tagged passage as {label}"));
            }
            Err(e) => self.info(e.to_string()),
        }
    }

    /// Selects an annotation for editing; `reveal` scrolls to it and flashes it.
    fn select_annotation(&mut self, id: AnnotationId, reveal: bool, now: f64) {
        self.commit_note();
        self.selected_annotation = Some(id);
        if let Some(a) = self.ws.project().annotation(id) {
            let (article, start) = (a.article, a.range.start);
            self.note_draft = Some((id, a.note.clone()));
            if self.current_article != Some(article) {
                self.select_article(article);
                self.selected_annotation = Some(id);
                self.note_draft = self
                    .ws
                    .project()
                    .annotation(id)
                    .map(|a| (id, a.note.clone()));
            }
            if reveal {
                self.view.reveal(start, Some(id), now);
            }
        }
    }

    fn delete_selected_annotation(&mut self) {
        if let Some(id) = self.selected_annotation.take() {
            self.note_draft = None;
            match self.ws.delete_annotation(id) {
                Ok(()) => self.info("Deleted annotation (Ctrl+Z to undo)"),
                Err(e) => self.info(e.to_string()),
            }
        }
    }

    /// Stores the note being typed as one undoable change.
    fn commit_note(&mut self) {
        if let Some((id, note)) = self.note_draft.clone()
            && self
                .ws
                .project()
                .annotation(id)
                .is_some_and(|a| a.note != note)
            && let Err(e) = self.ws.set_annotation_note(id, &note)
        {
            self.info(e.to_string());
        }
    }

    // ----- frame -------------------------------------------------------------------------

    /// Draws one frame into `ui` (the whole window). Used by eframe and by the UI tests.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.poll_io(ui.ctx());
        self.handle_keys(ui.ctx());
        self.menu_bar(ui);
        self.status_bar(ui);
        self.articles_panel(ui);
        self.annotations_panel(ui);
        self.central_panel(ui);
        self.windows(ui.ctx());
        self.modal_ui(ui.ctx());
        self.opening_ui(ui.ctx());
        self.autosave_tick(ui.ctx());
    }

    /// The progress window while a large project is read on a worker thread; Cancel keeps the
    /// current project (the reading finishes in the background and is dropped).
    fn opening_ui(&mut self, ctx: &egui::Context) {
        let Some(IoJob {
            kind: IoKind::Open { path, bytes },
            started,
            ..
        }) = &self.io
        else {
            return;
        };
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("opening_project")).show(ctx, |ui| {
            ui.set_min_width(360.0);
            ui.horizontal(|ui| {
                ui.spinner();
                ui.heading("Opening project");
            });
            ui.label(path.display().to_string());
            ui.weak(format!(
                "{:.1} MB · {:.1} s",
                *bytes as f64 / 1e6,
                started.elapsed().as_secs_f32()
            ));
            cancel = ui.button("Cancel").clicked();
        });
        if cancel {
            self.io = None;
            self.info("Opening cancelled");
        }
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        let opening = matches!(
            self.io,
            Some(IoJob {
                kind: IoKind::Open { .. },
                ..
            })
        );
        if self.modal.is_some() || opening {
            return;
        }
        let mut commands = Vec::new();
        ctx.input_mut(|i| {
            for command in UiCommand::ALL {
                if let Some(shortcut) = command.shortcut()
                    && i.consume_shortcut(&shortcut)
                {
                    commands.push(command);
                }
            }
            if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)) {
                commands.push(UiCommand::Redo);
            }
        });
        for c in commands {
            self.run_command(c);
        }
        // Keys that act on the reader only apply when no text field is being typed in.
        if ctx.memory(|m| m.focused().is_some()) {
            return;
        }
        let (digit, delete, escape, copy) = ctx.input(|i| {
            let digits = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ];
            let digit = digits
                .iter()
                .position(|k| i.modifiers.is_none() && i.key_pressed(*k))
                .map(|p| p as u8 + 1);
            let copy = i.events.iter().any(|e| matches!(e, egui::Event::Copy));
            (
                digit,
                i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
                i.key_pressed(Key::Escape),
                copy,
            )
        });
        if let Some(d) = digit {
            match self.ws.project().stances.by_hotkey(d).map(|s| s.id.clone()) {
                Some(stance) if self.view.selection().is_some() => self.tag_selection(&stance),
                Some(stance) => {
                    if let Some(id) = self.selected_annotation {
                        self.commit_note();
                        if let Err(e) = self.ws.set_annotation_stance(id, &stance) {
                            self.info(e.to_string());
                        }
                    } else {
                        self.info("Select a passage first, then press a stance key");
                    }
                }
                None => self.info(format!("No stance uses key {d}")),
            }
        }
        if delete && self.selected_annotation.is_some() {
            self.delete_selected_annotation();
        }
        if escape {
            self.view.set_selection(None);
            self.commit_note();
            self.selected_annotation = None;
        }
        if copy
            && let (Some(range), Some(article)) = (
                self.view.selection(),
                self.current_article
                    .and_then(|id| self.ws.project().article(id)),
            )
        {
            ctx.copy_text(crate::text::slice_chars(&article.text, range).to_owned());
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let mut clicked = None;
        let mut edit_clicked = None;
        let mut open_recent = None;
        egui::Panel::top("menu_bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                let mut item = |ui: &mut egui::Ui, c: UiCommand, enabled: bool| {
                    if command_button(ui, c, None, enabled) {
                        clicked = Some(c);
                    }
                };
                ui.menu_button("File", |ui| {
                    item(ui, UiCommand::NewProject, true);
                    item(ui, UiCommand::OpenProject, true);
                    ui.menu_button("Open recent", |ui| {
                        if self.prefs.recent.is_empty() {
                            ui.weak("No recent projects");
                        }
                        for path in &self.prefs.recent {
                            let name = path.file_name().map_or_else(
                                || path.display().to_string(),
                                |n| n.to_string_lossy().into_owned(),
                            );
                            if ui
                                .button(name)
                                .on_hover_text(path.display().to_string())
                                .clicked()
                            {
                                open_recent = Some(path.clone());
                            }
                        }
                    });
                    ui.separator();
                    item(ui, UiCommand::Save, true);
                    item(ui, UiCommand::SaveAs, true);
                    ui.separator();
                    item(ui, UiCommand::AddArticle, true);
                    ui.menu_button("Export", |ui| {
                        item(ui, UiCommand::ExportJson, true);
                        item(ui, UiCommand::ExportRon, true);
                    });
                    ui.separator();
                    item(ui, UiCommand::Preferences, true);
                    ui.separator();
                    item(ui, UiCommand::Quit, true);
                });
                ui.menu_button("Edit", |ui| {
                    let undo = self.ws.undo_label().map(|l| format!("Undo {l}"));
                    let redo = self.ws.redo_label().map(|l| format!("Redo {l}"));
                    for (c, text) in [(UiCommand::Undo, undo), (UiCommand::Redo, redo)] {
                        if command_button(ui, c, text.as_deref(), text.is_some()) {
                            edit_clicked = Some(c);
                        }
                    }
                    ui.separator();
                    item(ui, UiCommand::Find, self.current_article.is_some());
                    if ui
                        .add_enabled(
                            self.selected_annotation.is_some(),
                            egui::Button::new("Delete annotation").shortcut_text("Del"),
                        )
                        .clicked()
                    {
                        self.delete_selected_annotation();
                    }
                });
                ui.menu_button("Stances", |ui| {
                    item(ui, UiCommand::ManageStances, true);
                });
            });
        });
        if let Some(path) = open_recent {
            self.guard_unsaved(Pending::Open(Some(path)));
        }
        if let Some(c) = clicked.or(edit_clicked) {
            self.run_command(c);
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                let path = self
                    .ws
                    .path()
                    .map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string());
                if self.ws.is_dirty() {
                    ui.colored_label(egui::Color32::from_rgb(220, 140, 0), "Unsaved changes");
                } else {
                    ui.weak("Saved");
                }
                ui.separator();
                ui.weak(path);
                let writing = match &self.io {
                    Some(IoJob {
                        kind: IoKind::Save { path, .. },
                        started,
                        ..
                    }) => Some(("Saving", path, started)),
                    Some(IoJob {
                        kind: IoKind::Export { path },
                        started,
                        ..
                    }) => Some(("Exporting to", path, started)),
                    _ => None,
                };
                if let Some((what, path, started)) = writing {
                    ui.separator();
                    ui.spinner();
                    ui.label(format!(
                        "{what} {} ({:.1} s)",
                        path.file_name().unwrap_or_default().to_string_lossy(),
                        started.elapsed().as_secs_f32()
                    ));
                }
                if let Some((message, is_error)) = &self.status {
                    ui.separator();
                    if *is_error {
                        ui.colored_label(ui.visuals().error_fg_color, message);
                    } else {
                        ui.label(message);
                    }
                }
            });
        });
    }

    fn central_panel(&mut self, ui: &mut egui::Ui) {
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(article) = self
                .current_article
                .and_then(|id| self.ws.project().article(id))
            else {
                ui.vertical_centered(|ui| {
                    ui.add_space(80.0);
                    ui.heading("No article open");
                    ui.label("Add an article (File > Add article…) or open a project.");
                    ui.add_space(8.0);
                    if ui.button("Add article…").clicked() {
                        self.open_file_dialog(FilePurpose::AddArticle);
                    }
                    if ui.button("Open project…").clicked() {
                        self.guard_unsaved(Pending::Open(None));
                    }
                });
                return;
            };
            let cx = ViewContext {
                project: self.ws.project(),
                article,
                workspace: &self.ws,
                hidden: &self.hidden_stances,
                selected: self.selected_annotation,
                text_size: self.prefs.text_size,
            };
            let events = self.view.show(ui, &cx);
            for event in events {
                match event {
                    ViewEvent::SelectAnnotation(id) => self.select_annotation(id, false, 0.0),
                    ViewEvent::ClearAnnotationSelection => {
                        self.commit_note();
                        self.selected_annotation = None;
                    }
                    ViewEvent::TagSelection(stance) => self.tag_selection(&stance),
                }
            }
        });
    }

    fn modal_ui(&mut self, ctx: &egui::Context) {
        let Some(modal) = self.modal.take() else {
            return;
        };
        let id = egui::Id::unique("app_modal");
        let mut keep = true;
        match modal {
            Modal::File(mut dialog) => match dialog.show(ctx) {
                DialogOutcome::Pending => self.modal = Some(Modal::File(dialog)),
                DialogOutcome::Cancelled => self.after_save_as = None,
                DialogOutcome::Chosen(path) => self.file_chosen(dialog.purpose, path),
            },
            Modal::Unsaved(pending) => {
                let mut choice = None;
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.set_width(380.0);
                    ui.heading("Save changes?");
                    ui.label(format!(
                        "“{}” has unsaved changes. Save them before continuing?",
                        self.ws.project().name
                    ));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            choice = Some(0);
                        }
                        if ui.button("Discard").clicked() {
                            choice = Some(1);
                        }
                        if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape))
                        {
                            choice = Some(2);
                        }
                    });
                });
                match choice {
                    Some(0) => self.save(Some(pending)),
                    Some(1) => {
                        self.wait_for_autosave();
                        if let Some(r) = self.recovery_file() {
                            recovery::discard_recovery(&r);
                        }
                        self.run_pending(pending);
                    }
                    Some(_) => {}
                    None => self.modal = Some(Modal::Unsaved(pending)),
                }
            }
            Modal::RemoveArticle(article) => {
                let title = self
                    .ws
                    .project()
                    .article(article)
                    .map(|a| a.title.clone())
                    .unwrap_or_default();
                let count = self.ws.project().annotations_of(article).len();
                let mut choice = None;
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading("Remove article?");
                    ui.label(format!(
                        "Remove “{title}” and its {count} annotation(s)? You can undo this."
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Remove").clicked() {
                            choice = Some(true);
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(false);
                        }
                    });
                });
                match choice {
                    Some(true) => {
                        if let Err(e) = self.ws.remove_article(article) {
                            self.info(e.to_string());
                        }
                        self.after_history_step();
                    }
                    Some(false) => {}
                    None => keep = false,
                }
                if !keep {
                    self.modal = Some(Modal::RemoveArticle(article));
                }
            }
            Modal::RemoveStance(stance, count) => {
                let mut choice = None;
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.heading("Remove stance?");
                    ui.label(format!(
                        "“{stance}” is used by {count} annotation(s). Removing it removes them too. You can undo this."
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Remove stance and annotations").clicked() {
                            choice = Some(true);
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(false);
                        }
                    });
                });
                match choice {
                    Some(true) => {
                        if let Err(e) = self.ws.remove_stance(&stance) {
                            self.info(e.to_string());
                        }
                        self.hidden_stances.remove(&stance);
                        self.after_history_step();
                    }
                    Some(false) => {}
                    None => self.modal = Some(Modal::RemoveStance(stance, count)),
                }
            }
            Modal::Recovery { file, both } => {
                let mut choice = None;
                let mut show = false;
                let diff = both.clone();
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.set_max_width(560.0);
                    ui.heading("Unsaved work found");
                    ui.label(format!(
                        "stancemark stopped before “{}” was saved. The autosave ({}) is newer than the saved file.",
                        self.ws.project().name,
                        file.display()
                    ));
                    if let Some(diff) = &diff {
                        ui.separator();
                        match diff.as_ref() {
                            Ok(d) => recovery_diff_ui(ui, d),
                            Err(e) => {
                                ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                            }
                        }
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Restore").clicked() {
                            choice = Some(true);
                        }
                        if ui.button("Open the saved version").clicked() {
                            choice = Some(false);
                        }
                        if diff.is_none() && ui.button("Show both").clicked() {
                            show = true;
                        }
                    });
                });
                match choice {
                    Some(true) => self.restore_recovery(&file),
                    Some(false) => {
                        recovery::discard_recovery(&file);
                        self.info(
                            "Kept the saved version (the autosave was moved aside as .discarded)",
                        );
                    }
                    None => {
                        let both = if show {
                            Some(std::sync::Arc::new(
                                store::load_project(&file)
                                    .map(|r| recovery::RecoveryDiff::between(self.ws.project(), &r))
                                    .map_err(|e| e.to_string()),
                            ))
                        } else {
                            both
                        };
                        self.modal = Some(Modal::Recovery { file, both })
                    }
                }
            }
            Modal::Error {
                title,
                message,
                salvage,
            } => {
                let mut close = false;
                let mut open_rest = false;
                egui::Modal::new(id).show(ctx, |ui| {
                    ui.set_max_width(560.0);
                    ui.heading(&title);
                    egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                        ui.label(&message);
                    });
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("OK").clicked()
                            || ui.input(|i| i.key_pressed(Key::Enter) || i.key_pressed(Key::Escape))
                        {
                            close = true;
                        }
                        if salvage.is_some()
                            && ui
                                .button("Open without the broken annotations")
                                .on_hover_text("They are written to a .set-aside.ron report next to the project, not dropped")
                                .clicked()
                        {
                            open_rest = true;
                        }
                    });
                });
                if open_rest && let Some(path) = &salvage {
                    self.open_salvaged(path);
                } else if !close {
                    self.modal = Some(Modal::Error {
                        title,
                        message,
                        salvage,
                    });
                }
            }
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let name = self.ws.path().and_then(|p| p.file_name()).map_or_else(
            || self.ws.project().name.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        let title = format!(
            "{}{} — stancemark",
            if self.ws.is_dirty() { "● " } else { "" },
            name
        );
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }
}

impl eframe::App for StancemarkApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            self.commit_note();
            self.wait_for_io();
            if self.ws.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                if self.modal.is_none() {
                    self.modal = Some(Modal::Unsaved(Pending::Quit));
                }
            }
        }
        self.show(ui);
        self.update_title(&ctx);
        if self.quit_requested {
            self.quit_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// The differences between the saved and the recovered project.
fn recovery_diff_ui(ui: &mut egui::Ui, d: &recovery::RecoveryDiff) {
    let sections = [
        ("Articles only in the autosave", &d.articles_added),
        ("Articles only in the saved file", &d.articles_removed),
        ("Annotations only in the autosave", &d.added),
        ("Annotations only in the saved file", &d.removed),
        ("Annotations changed in the autosave", &d.changed),
    ];
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .show(ui, |ui| {
            let mut any = false;
            for (title, items) in sections {
                if items.is_empty() {
                    continue;
                }
                any = true;
                ui.strong(format!("{title} ({})", items.len()));
                for item in items.iter() {
                    ui.label(format!("  “{item}”"));
                }
            }
            if !any {
                ui.label(
                    "The autosave holds the same articles and annotations (other details differ).",
                );
            }
        });
}

/// A menu button for `command` showing its shortcut; `label` overrides the command's label.
fn command_button(
    ui: &mut egui::Ui,
    command: UiCommand,
    label: Option<&str>,
    enabled: bool,
) -> bool {
    let mut button = egui::Button::new(label.unwrap_or(command.label()));
    if let Some(s) = command.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    ui.add_enabled(enabled, button).clicked()
}

/// Appends `.stance.json` when the path has no `.json` extension.
fn with_project_extension(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == "json") {
        path.to_owned()
    } else {
        let mut s = path.as_os_str().to_owned();
        s.push(".");
        s.push(store::PROJECT_EXTENSION);
        PathBuf::from(s)
    }
}

/// Opens the app window on `project` (or the last project).
pub fn run_native(project: Option<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("stancemark")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 420.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "stancemark",
        options,
        Box::new(move |_cc| Ok(Box::new(StancemarkApp::new(project, AppOptions::desktop())))),
    )
}
