//! File choosing that never hangs: a native dialog (rfd) on a worker thread, plus an egui window
//! with a path field that works whether or not a native dialog backend exists.
//!
//! rfd answers `None` at once when no portal or GTK is available, exactly as for Cancel. So the
//! path window stays open when the native dialog returns `None` quickly (no backend), and
//! closes when it returns `None` after the analyst had time to look at it (a real Cancel).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use eframe::egui;

use crate::formats::export::ExportFormat;
use crate::ui::command::Command;

/// A native dialog answering `None` sooner than this is taken as "no dialog backend".
const NO_BACKEND_THRESHOLD: Duration = Duration::from_millis(700);

/// What the chosen path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilePurpose {
    /// Open a project file.
    OpenProject,
    /// Save the project under a new name.
    SaveProjectAs,
    /// Import articles (several paths at once).
    AddArticle,
    /// Import an annotation file.
    ImportAnnotations,
    /// Merge other analysts' copies of the project (several paths at once).
    MergeWork,
    /// Choose the new version of an article's source.
    ReimportArticle(crate::core::model::ArticleId),
    /// Export annotations.
    Export(ExportFormat),
    /// Save the statistics chart as PNG.
    SaveChart,
    /// Write the discourse network shown.
    ExportNetwork(crate::formats::network::NetworkFile),
    /// Write the stance-over-time figures shown.
    ExportTimeline(crate::ui::windows::TimelineFile),
}

/// Article files the chooser offers (by extension).
const ARTICLE_EXTENSIONS: [&str; 9] = [
    "txt", "md", "markdown", "html", "htm", "pdf", "docx", "odt", "text",
];

impl FilePurpose {
    fn title(self) -> String {
        match self {
            FilePurpose::OpenProject => "Open project".to_owned(),
            FilePurpose::SaveProjectAs => "Save project as".to_owned(),
            FilePurpose::AddArticle => {
                "Add articles (several paths: separate them with ;)".to_owned()
            }
            FilePurpose::ImportAnnotations => "Import annotations".to_owned(),
            FilePurpose::MergeWork => {
                "Merge analysts' work (several paths: separate them with ;)".to_owned()
            }
            FilePurpose::ReimportArticle(_) => {
                "Re-import from a new version of the source".to_owned()
            }
            FilePurpose::Export(format) => format!("Export as {}", format.name()),
            FilePurpose::SaveChart => "Save chart as PNG".to_owned(),
            FilePurpose::ExportNetwork(f) => format!("Export the network as {}", f.name()),
            FilePurpose::ExportTimeline(f) => {
                format!(
                    "Export stance over time as {}",
                    f.extension().to_uppercase()
                )
            }
        }
    }

    fn confirm_label(self) -> &'static str {
        match self {
            FilePurpose::OpenProject => "Open",
            FilePurpose::SaveProjectAs => "Save",
            FilePurpose::AddArticle => "Add",
            FilePurpose::ImportAnnotations => "Import",
            FilePurpose::MergeWork => "Merge",
            FilePurpose::ReimportArticle(_) => "Re-import",
            FilePurpose::Export(_) => "Export",
            FilePurpose::SaveChart => "Save",
            FilePurpose::ExportNetwork(_) | FilePurpose::ExportTimeline(_) => "Export",
        }
    }

    /// The command that does what the dialog was for with the chosen paths (one, except
    /// when adding articles).
    pub fn command_for(
        self,
        mut paths: Vec<PathBuf>,
        then: Option<Box<Command>>,
        article: Option<crate::core::model::ArticleId>,
    ) -> Option<Command> {
        if self == FilePurpose::AddArticle {
            return (!paths.is_empty()).then_some(Command::AddArticlesFrom(paths));
        }
        if self == FilePurpose::MergeWork {
            return (!paths.is_empty()).then_some(Command::MergeWorkFrom(paths));
        }
        let path = paths.drain(..).next()?;
        Some(match self {
            FilePurpose::OpenProject => Command::OpenPath(path),
            FilePurpose::SaveProjectAs => Command::SaveTo { path, then },
            FilePurpose::AddArticle | FilePurpose::MergeWork => unreachable!("handled above"),
            FilePurpose::ImportAnnotations => Command::ImportAnnotationsFrom(path),
            FilePurpose::ReimportArticle(article) => Command::ReimportArticleFrom { article, path },
            FilePurpose::Export(format) => Command::ExportTo {
                format,
                path,
                article,
            },
            FilePurpose::SaveChart => Command::SaveChartTo(path),
            FilePurpose::ExportNetwork(f) => Command::ExportNetworkTo(f, path),
            FilePurpose::ExportTimeline(f) => Command::ExportTimelineTo(f, path),
        })
    }

    /// A line under the title on what this chooser also takes, if anything.
    fn hint(self) -> Option<&'static str> {
        match self {
            FilePurpose::OpenProject => Some(
                "A project file (.stance.json) or a project folder (NAME.stance, or its project.json).",
            ),
            FilePurpose::MergeWork => Some(
                "Other analysts' copies of this project: project files (.stance.json), project folders (NAME.stance) or stancemark JSON exports. Their annotations come in as their layers.",
            ),
            FilePurpose::ImportAnnotations => Some(
                "A .qdpx, a stancemark JSON export or a DNA database (.dna) opens as a new project; a CSV or W3C file, a stance scheme or a .qdc codebook comes into this project.",
            ),
            FilePurpose::SaveProjectAs => Some(
                "NAME.stance.json saves one file; NAME.stance saves a project folder, one file per analyst's layer, for a team that syncs with git.",
            ),
            _ => None,
        }
    }

    fn is_save(self) -> bool {
        matches!(
            self,
            FilePurpose::SaveProjectAs
                | FilePurpose::Export(_)
                | FilePurpose::SaveChart
                | FilePurpose::ExportNetwork(_)
                | FilePurpose::ExportTimeline(_)
        )
    }

    fn native_dialog(self, start: &std::path::Path) -> rfd::FileDialog {
        let mut d = rfd::FileDialog::new().set_title(self.title().as_str());
        let dir = if start.is_dir() {
            Some(start.to_owned())
        } else {
            start.parent().map(|p| p.to_owned())
        };
        if let Some(dir) = dir.filter(|d| d.is_dir()) {
            d = d.set_directory(dir);
        }
        if let Some(name) = start.file_name().filter(|_| self.is_save()) {
            d = d.set_file_name(name.to_string_lossy());
        }
        match self {
            FilePurpose::OpenProject => d
                .add_filter(
                    "stancemark project (a folder's project.json)",
                    &["json", "ron"],
                )
                .add_filter("All files", &["*"]),
            FilePurpose::SaveProjectAs => d
                .add_filter("stancemark project file", &["json"])
                .add_filter("stancemark project folder", &["stance"]),
            FilePurpose::AddArticle | FilePurpose::ReimportArticle(_) => d
                .add_filter("Articles", &ARTICLE_EXTENSIONS)
                .add_filter("All files", &["*"]),
            FilePurpose::MergeWork => d
                .add_filter("stancemark project or JSON export", &["json", "stance"])
                .add_filter("All files", &["*"]),
            FilePurpose::ImportAnnotations => d
                .add_filter(
                    "Annotations or a scheme",
                    &["qdpx", "json", "jsonld", "csv", "qdc", "dna"],
                )
                .add_filter("All files", &["*"]),
            FilePurpose::Export(f) => d.add_filter(f.name(), &[f.extension()]),
            FilePurpose::SaveChart => d.add_filter("PNG image", &["png"]),
            FilePurpose::ExportNetwork(f) => d.add_filter(f.name(), &[f.extension()]),
            FilePurpose::ExportTimeline(f) => d.add_filter(f.extension(), &[f.extension()]),
        }
    }
}

/// An open "choose a file" window.
pub struct FileDialog {
    /// What the path is for.
    pub purpose: FilePurpose,
    /// The path being typed.
    pub path_text: String,
    /// What waits for this choice (a save before quitting), run after it.
    pub then: Option<Box<Command>>,
    /// For an export while an article is shown: that article, its title, and whether to
    /// export only it.
    pub only_article: Option<(crate::core::model::ArticleId, String, bool)>,
    native: Option<(Receiver<Option<Vec<PathBuf>>>, Instant)>,
    note: Option<String>,
    focused_once: bool,
}

/// What the window decided this frame.
pub enum DialogOutcome {
    /// Still open.
    Pending,
    /// Closed without a choice.
    Cancelled,
    /// Paths were chosen (one, except when adding articles).
    Chosen(Vec<PathBuf>),
}

impl FileDialog {
    /// Opens the window with `initial` in the path field and, if `native` is set, starts the
    /// native dialog on a worker thread.
    pub fn new(purpose: FilePurpose, initial: PathBuf, native: bool) -> Self {
        let native = native.then(|| {
            let (tx, rx) = channel();
            let dialog = purpose.native_dialog(&initial);
            std::thread::spawn(move || {
                let picked = if purpose.is_save() {
                    dialog.save_file().map(|p| vec![p])
                } else if purpose == FilePurpose::AddArticle || purpose == FilePurpose::MergeWork {
                    dialog.pick_files()
                } else {
                    dialog.pick_file().map(|p| vec![p])
                };
                // The window may have been closed (path typed, or Cancel) before the system
                // chooser answered: then nobody waits for its answer.
                let _ = tx.send(picked);
            });
            (rx, Instant::now())
        });
        Self {
            purpose,
            path_text: initial.display().to_string(),
            then: None,
            only_article: None,
            native,
            note: None,
            focused_once: false,
        }
    }

    /// Draws the window and reports the outcome.
    pub fn show(&mut self, ctx: &egui::Context) -> DialogOutcome {
        if let Some((rx, started)) = &self.native {
            match rx.try_recv() {
                Ok(Some(paths)) => return DialogOutcome::Chosen(paths),
                Ok(None) if started.elapsed() >= NO_BACKEND_THRESHOLD => {
                    return DialogOutcome::Cancelled;
                }
                Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.native = None;
                    self.note = Some("No system file chooser is available: type the path.".into());
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    ctx.request_repaint_after(Duration::from_millis(100));
                }
            }
        }
        let mut outcome = DialogOutcome::Pending;
        egui::Modal::new(egui::Id::unique("file_dialog")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.heading(self.purpose.title());
            if self.native.is_some() {
                ui.weak("Waiting for the system file chooser… or type a path below.");
            } else if let Some(note) = &self.note {
                ui.weak(note);
            }
            if let Some(hint) = self.purpose.hint() {
                ui.label(hint);
            }
            ui.add_space(6.0);
            let label = ui.label("File path");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.path_text)
                        .desired_width(f32::INFINITY)
                        .hint_text("/path/to/file"),
                )
                .labelled_by(label.id);
            if !self.focused_once {
                field.request_focus();
                self.focused_once = true;
            }
            let entered = ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some((_, title, only)) = &mut self.only_article {
                ui.checkbox(
                    only,
                    format!("Only “{}”", crate::core::text::snippet(title, 60)),
                )
                .on_hover_text("Export this article and its annotations, not the whole project");
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let ok = ui.button(self.purpose.confirm_label()).clicked();
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    outcome = DialogOutcome::Cancelled;
                }
                if (ok || entered) && !self.path_text.trim().is_empty() {
                    outcome = DialogOutcome::Chosen(self.typed_paths());
                }
            });
        });
        outcome
    }
}

impl FileDialog {
    /// The article to export alone, when the analyst asked for that.
    pub fn chosen_article(&self) -> Option<crate::core::model::ArticleId> {
        self.only_article
            .as_ref()
            .filter(|(_, _, only)| *only)
            .map(|(id, _, _)| *id)
    }

    /// The typed path, or, when adding articles, the paths separated by `;`.
    fn typed_paths(&self) -> Vec<PathBuf> {
        let text = self.path_text.trim();
        if self.purpose == FilePurpose::AddArticle || self.purpose == FilePurpose::MergeWork {
            text.split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(expand_tilde)
                .collect()
        } else {
            vec![expand_tilde(text)]
        }
    }
}

fn expand_tilde(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
