//! Modal windows: one at a time, each a question whose answer is a [`Command`] (or nothing
//! while it is open). A modal never changes the project itself.

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui::{self, Key, Ui};

use super::file_dialog::{DialogOutcome, FileDialog};
use super::state::View;
use crate::core::model::{ArticleId, StanceId};
use crate::session::Holder;
use crate::session::RecoveryDiff;
use crate::ui::command::Command;

/// Width of question windows, in points.
const QUESTION_WIDTH: f32 = 420.0;
/// Width of windows with longer text (errors, recovery), in points.
const WIDE_WIDTH: f32 = 560.0;
/// Height of scrolled text in a modal, in points.
const TEXT_HEIGHT: f32 = 300.0;

/// The one modal window shown at a time.
pub enum Modal {
    /// Choosing a file.
    File(FileDialog),
    /// Unsaved changes: save, discard or cancel before `then`.
    Unsaved(Box<Command>),
    /// Remove an article with its annotations?
    RemoveArticle(ArticleId),
    /// Remove a stance with its annotations?
    RemoveStance(StanceId),
    /// Something failed.
    Error {
        /// One line.
        title: String,
        /// The explanation.
        message: String,
        /// A project file whose broken annotations can be set aside to open the rest.
        salvage: Option<PathBuf>,
    },
    /// An autosave newer than the project was found.
    Recovery {
        /// The autosave.
        file: PathBuf,
        /// The differences, once "Show both" was clicked (read once, not every frame).
        both: Option<Arc<Result<RecoveryDiff, String>>>,
    },
    /// Save found the file changed by someone else.
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// First start: who is coding? (the name being typed)
    AskName(String),
    /// Files whose text is already an article: add them anyway?
    Duplicates(Vec<String>),
    /// Choosing a scheme template.
    Template(super::codebook::TemplateDraft),
    /// The type-to-code chooser.
    Code(super::codebook::CodeDraft),
    /// A change of units would move codes: refit or remove them?
    CodedUnits {
        /// The article.
        article: ArticleId,
        /// Its new units.
        units: Vec<crate::core::model::Unit>,
        /// The undo step's name.
        label: String,
        /// How many codes sit on units that go.
        affected: usize,
    },
    /// The project is open in another stancemark.
    OpenElsewhere {
        /// The project.
        path: PathBuf,
        /// Who has it open.
        holder: Holder,
    },
}

/// What a modal decided this frame.
enum Outcome {
    /// Still open.
    Open,
    /// Closed without an action.
    Close,
    /// Closed with this action.
    Run(Command),
}

impl From<super::codebook::Decision> for Outcome {
    fn from(d: super::codebook::Decision) -> Self {
        match d {
            super::codebook::Decision::Open => Outcome::Open,
            super::codebook::Decision::Close => Outcome::Close,
            super::codebook::Decision::Run(c) => Outcome::Run(c),
        }
    }
}

/// A row of buttons; returns the index of the one clicked.
fn buttons(ui: &mut Ui, labels: &[(&str, &str)]) -> Option<usize> {
    let mut clicked = None;
    ui.horizontal(|ui| {
        for (i, (label, tip)) in labels.iter().enumerate() {
            let b = ui.button(*label);
            let b = if tip.is_empty() {
                b
            } else {
                b.on_hover_text(*tip)
            };
            if b.clicked() {
                clicked = Some(i);
            }
        }
    });
    clicked
}

fn escape(ui: &Ui) -> bool {
    ui.input(|i| i.key_pressed(Key::Escape))
}

/// Draws the modal, if any; returns the command it chose.
#[must_use]
pub fn modal_ui(ctx: &egui::Context, view: &View<'_>, slot: &mut Option<Modal>) -> Vec<Command> {
    let Some(modal) = slot.as_mut() else {
        return Vec::new();
    };
    let id = egui::Id::unique("app_modal");
    let outcome = match modal {
        Modal::File(dialog) => match dialog.show(ctx) {
            DialogOutcome::Pending => Outcome::Open,
            DialogOutcome::Cancelled => Outcome::Close,
            DialogOutcome::Chosen(paths) => {
                let article = dialog.chosen_article();
                match dialog
                    .purpose
                    .command_for(paths, dialog.then.take(), article)
                {
                    Some(command) => Outcome::Run(command),
                    None => Outcome::Close,
                }
            }
        },
        Modal::Unsaved(then) => show(ctx, id, QUESTION_WIDTH, |ui| unsaved_ui(ui, view, then)),
        Modal::RemoveArticle(article) => show(ctx, id, QUESTION_WIDTH, |ui| {
            remove_article_ui(ui, view, *article)
        }),
        Modal::RemoveStance(stance) => show(ctx, id, QUESTION_WIDTH, |ui| {
            remove_stance_ui(ui, view, stance)
        }),
        Modal::Error {
            title,
            message,
            salvage,
        } => show(ctx, id, WIDE_WIDTH, |ui| {
            error_ui(ui, title, message, salvage)
        }),
        Modal::Recovery { file, both } => recovery_ui(ctx, id, view, file, both),
        Modal::ChangedOnDisk { path } => {
            show(ctx, id, WIDE_WIDTH, |ui| changed_on_disk_ui(ui, path))
        }
        Modal::OpenElsewhere { path, holder } => show(ctx, id, WIDE_WIDTH, |ui| {
            open_elsewhere_ui(ui, path, holder)
        }),
        Modal::Duplicates(lines) => show(ctx, id, WIDE_WIDTH, |ui| duplicates_ui(ui, lines)),
        Modal::AskName(name) => show(ctx, id, QUESTION_WIDTH, |ui| ask_name_ui(ui, view, name)),
        Modal::Template(draft) => show(ctx, id, WIDE_WIDTH, |ui| {
            super::codebook::template_ui(ui, draft).into()
        }),
        Modal::Code(draft) => show(ctx, id, WIDE_WIDTH, |ui| {
            super::codebook::code_ui(ui, view, draft).into()
        }),
        Modal::CodedUnits {
            article,
            units,
            label,
            affected,
        } => show(ctx, id, QUESTION_WIDTH, |ui| {
            super::codebook::coded_units_ui(ui, *article, units, label, *affected).into()
        }),
    };
    match outcome {
        Outcome::Open => Vec::new(),
        Outcome::Close => {
            *slot = None;
            Vec::new()
        }
        Outcome::Run(command) => {
            *slot = None;
            vec![command]
        }
    }
}

/// The outcome of a row of answers: the command of the button clicked, closing on any other
/// (Cancel) or on Escape.
fn answer(ui: &Ui, clicked: Option<usize>, commands: Vec<Command>) -> Outcome {
    match clicked {
        Some(i) => commands
            .into_iter()
            .nth(i)
            .map_or(Outcome::Close, Outcome::Run),
        None if escape(ui) => Outcome::Close,
        None => Outcome::Open,
    }
}

fn unsaved_ui(ui: &mut Ui, view: &View<'_>, then: &Command) -> Outcome {
    ui.heading("Save changes?");
    ui.label(format!(
        "“{}” has unsaved changes. Save them before continuing?",
        view.project().name
    ));
    ui.add_space(8.0);
    let clicked = buttons(
        ui,
        &[
            ("Save", ""),
            ("Discard", "The autosave is moved aside, not deleted"),
            ("Cancel", ""),
        ],
    );
    let then = Box::new(then.clone());
    answer(
        ui,
        clicked,
        vec![Command::SaveThen(then.clone()), Command::DiscardThen(then)],
    )
}

fn remove_article_ui(ui: &mut Ui, view: &View<'_>, article: ArticleId) -> Outcome {
    let project = view.project();
    let title = project
        .article(article)
        .map(|a| a.title.as_str())
        .unwrap_or_default();
    let count = project
        .annotations
        .iter()
        .filter(|a| a.article == article)
        .count();
    ui.heading("Remove article?");
    ui.label(format!(
        "Remove “{title}” and its {count} annotation(s)? You can undo this."
    ));
    let clicked = buttons(ui, &[("Remove", ""), ("Cancel", "")]);
    answer(ui, clicked, vec![Command::ConfirmRemoveArticle(article)])
}

fn remove_stance_ui(ui: &mut Ui, view: &View<'_>, stance: &StanceId) -> Outcome {
    let project = view.project();
    // The current name: the stance may have been renamed since the question was asked.
    let label = project
        .stances
        .get(stance)
        .map_or_else(|| stance.to_string(), |s| s.label.clone());
    let count = project.stance_usage(stance);
    ui.heading("Remove stance?");
    ui.label(format!(
        "“{label}” is used by {count} annotation(s). Removing it removes them too. You can undo this."
    ));
    let clicked = buttons(ui, &[("Remove stance and annotations", ""), ("Cancel", "")]);
    answer(
        ui,
        clicked,
        vec![Command::ConfirmRemoveStance(stance.clone())],
    )
}

fn ask_name_ui(ui: &mut Ui, view: &View<'_>, name: &mut String) -> Outcome {
    ui.heading("Who is coding?");
    ui.label(
        "Your annotations are kept as yours (your layer of each article), so a team can code the same articles and compare. Your name:",
    );
    let field = ui.add(egui::TextEdit::singleline(name).desired_width(f32::INFINITY));
    field.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Your name"));
    // Typing goes to the name at once: the field takes the focus nothing else holds.
    if ui.memory(|m| m.focused().is_none()) {
        field.request_focus();
    }
    let preview = crate::core::model::AnalystId::slug_of(name);
    ui.weak(format!(
        "Known in project files as “{preview}”. Preferences (Ctrl+,) change the name later."
    ));
    ui.add_space(8.0);
    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    let clicked = buttons(ui, &[("OK", "")]);
    if (clicked.is_some() || enter) && !name.trim().is_empty() {
        let mut prefs = view.prefs.clone();
        prefs.annotator = name.trim().to_owned();
        return Outcome::Run(Command::SetPreferences(Box::new(prefs)));
    }
    Outcome::Open
}

fn duplicates_ui(ui: &mut Ui, lines: &[String]) -> Outcome {
    ui.heading(if lines.len() == 1 {
        "Already in the project"
    } else {
        "Already in the project (several files)"
    });
    ui.label("The project already has the text of:");
    egui::ScrollArea::vertical()
        .max_height(TEXT_HEIGHT)
        .show(ui, |ui| {
            for line in lines {
                ui.label(format!("• {line}"));
            }
        });
    ui.add_space(8.0);
    let clicked = buttons(
        ui,
        &[
            ("Skip", Command::SkipHeldDuplicates.tooltip()),
            ("Add anyway", Command::AddHeldDuplicates.tooltip()),
        ],
    );
    match clicked {
        Some(0) => Outcome::Run(Command::SkipHeldDuplicates),
        Some(_) => Outcome::Run(Command::AddHeldDuplicates),
        None if escape(ui) => Outcome::Run(Command::SkipHeldDuplicates),
        None => Outcome::Open,
    }
}

fn error_ui(ui: &mut Ui, title: &str, message: &str, salvage: &Option<PathBuf>) -> Outcome {
    ui.heading(title);
    egui::ScrollArea::vertical()
        .max_height(TEXT_HEIGHT)
        .show(ui, |ui| ui.label(message));
    ui.add_space(8.0);
    let salvage_tip = Command::OpenSalvaged(PathBuf::new()).tooltip();
    let mut labels = vec![("OK", "")];
    if salvage.is_some() {
        labels.push(("Open without the broken annotations", salvage_tip));
    }
    match buttons(ui, &labels) {
        Some(1) => Outcome::Run(Command::OpenSalvaged(salvage.clone().unwrap_or_default())),
        Some(_) => Outcome::Close,
        None if ui.input(|i| i.key_pressed(Key::Enter)) || escape(ui) => Outcome::Close,
        None => Outcome::Open,
    }
}

fn changed_on_disk_ui(ui: &mut Ui, path: &std::path::Path) -> Outcome {
    ui.heading("The file changed on disk");
    ui.label(format!(
        "{} was changed by someone else (another window, a synced folder, a version-control pull) since this window opened or saved it. Saving now would replace those changes.",
        path.display()
    ));
    ui.add_space(8.0);
    let clicked = buttons(
        ui,
        &[
            (
                "Reload, keeping my changes",
                Command::ReloadFromDisk.tooltip(),
            ),
            (
                "Save as…",
                "Keep both: write this window's version to another file",
            ),
            ("Overwrite", Command::OverwriteOnDisk.tooltip()),
            ("Cancel", ""),
        ],
    );
    answer(
        ui,
        clicked,
        vec![
            Command::ReloadFromDisk,
            Command::SaveAs,
            Command::OverwriteOnDisk,
        ],
    )
}

fn open_elsewhere_ui(ui: &mut Ui, path: &std::path::Path, holder: &Holder) -> Outcome {
    let (who, advice) = match holder {
        Holder::ThisMachine(info) => (
            info.describe(),
            "Changes made in both windows are not merged while you work; the window that saves second is asked what to do.",
        ),
        Holder::OtherMachine(info) => (
            info.describe(),
            "It may still be open there (a shared or synced folder), or that stancemark may have stopped without closing it.",
        ),
        Holder::Free => (String::from("another stancemark"), ""),
    };
    ui.heading("This project is open elsewhere");
    ui.label(format!(
        "{} is open in stancemark by {who}.",
        path.display()
    ));
    ui.weak(advice);
    ui.add_space(8.0);
    let anyway = Command::OpenAnyway(path.to_owned());
    let clicked = buttons(ui, &[("Open anyway", anyway.tooltip()), ("Cancel", "")]);
    answer(ui, clicked, vec![anyway])
}

/// Shows a modal window of `width` whose contents decide the outcome.
fn show(
    ctx: &egui::Context,
    id: egui::Id,
    width: f32,
    contents: impl FnOnce(&mut Ui) -> Outcome,
) -> Outcome {
    egui::Modal::new(id)
        .show(ctx, |ui| {
            ui.set_max_width(width);
            contents(ui)
        })
        .inner
}

fn recovery_ui(
    ctx: &egui::Context,
    id: egui::Id,
    view: &View<'_>,
    file: &std::path::Path,
    both: &mut Option<Arc<Result<RecoveryDiff, String>>>,
) -> Outcome {
    let mut show_both = false;
    let outcome = show(ctx, id, WIDE_WIDTH, |ui| {
        ui.heading("Unsaved work found");
        ui.label(format!(
            "stancemark stopped before “{}” was saved. The autosave ({}) is newer than the saved file.",
            view.project().name,
            file.display()
        ));
        if let Some(diff) = both.as_deref() {
            ui.separator();
            match diff {
                Ok(d) => recovery_diff_ui(ui, d),
                Err(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e.as_str());
                }
            }
        }
        ui.add_space(8.0);
        let mut labels = vec![
            (
                "Restore",
                Command::RestoreRecovery(PathBuf::new()).tooltip(),
            ),
            (
                "Open the saved version",
                Command::DiscardRecovery(PathBuf::new()).tooltip(),
            ),
        ];
        if both.is_none() {
            labels.push((
                "Show both",
                "List what differs between the autosave and the saved file",
            ));
        }
        match buttons(ui, &labels) {
            Some(0) => Outcome::Run(Command::RestoreRecovery(file.to_owned())),
            Some(1) => Outcome::Run(Command::DiscardRecovery(file.to_owned())),
            Some(_) => {
                show_both = true;
                Outcome::Open
            }
            None => Outcome::Open,
        }
    });
    if show_both {
        // Read once, when asked, not every frame.
        *both = Some(Arc::new(crate::session::files::recovery_diff(
            view.project(),
            file,
            view.session.path(),
        )));
    }
    outcome
}

/// The differences between the saved and the recovered project.
fn recovery_diff_ui(ui: &mut Ui, d: &RecoveryDiff) {
    let sections = [
        ("Articles only in the autosave", &d.articles_added),
        ("Articles only in the saved file", &d.articles_removed),
        ("Annotations only in the autosave", &d.added),
        ("Annotations only in the saved file", &d.removed),
        ("Annotations changed in the autosave", &d.changed),
    ];
    egui::ScrollArea::vertical()
        .max_height(TEXT_HEIGHT)
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
