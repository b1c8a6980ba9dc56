//! What the session reports (a finished save, a failed open, a file changed on disk…),
//! turned into notices, questions and view updates.

use super::app::StancemarkApp;
use super::file_dialog::FilePurpose;
use super::modals::Modal;
use crate::session::notice::Severity;
use crate::session::{Failure, Opened, SessionEvent};

impl StancemarkApp {
    /// Turns what the session reports into notices, questions and view updates.
    pub(super) fn handle_events(&mut self, events: Vec<SessionEvent>) {
        for event in events {
            self.handle_event(event);
        }
    }

    fn handle_event(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::Opened {
                path,
                save_path,
                how,
            } => {
                self.reset_view();
                let message = match &how {
                    Opened::File => format!("Opened {}", path.display()),
                    Opened::Converted => format!(
                        "Opened {} (an older file format); saving writes {} and leaves the old file as it is",
                        path.display(),
                        save_path.as_deref().unwrap_or(&path).display()
                    ),
                    Opened::Restored => "Restored unsaved work; save to keep it".to_owned(),
                    Opened::WithProblems(problems) => format!(
                        "Opened {}; {} file(s) could not be read and are left as they are until fixed: {}",
                        path.display(),
                        problems.len(),
                        problems.join("; ")
                    ),
                    Opened::Imported { skipped } if skipped.is_empty() => format!(
                        "Imported {} as a new project; save it to keep it",
                        path.display()
                    ),
                    Opened::Imported { skipped } => format!(
                        "Imported {} as a new project; save it to keep it. Notes: {}",
                        path.display(),
                        skipped.join("; ")
                    ),
                    Opened::Salvaged { set_aside, report } => format!(
                        "Opened with {set_aside} broken annotation(s) set aside in {}; the file is unchanged until you save",
                        report.display()
                    ),
                };
                let severity = match &how {
                    Opened::Salvaged { .. } | Opened::WithProblems(_) => Severity::Warning,
                    Opened::Imported { skipped } if !skipped.is_empty() => Severity::Warning,
                    _ => Severity::Info,
                };
                if matches!(
                    how,
                    Opened::File | Opened::Converted | Opened::WithProblems(_)
                ) {
                    self.prefs.note_opened(&path);
                    self.save_prefs();
                }
                self.notify(severity, message);
            }
            SessionEvent::Saved {
                path,
                files,
                others,
                held_back,
            } => {
                self.prefs.note_opened(&path);
                self.save_prefs();
                let mut message = format!("Saved {}", path.display());
                if crate::session::files::is_project_folder(&path) {
                    message.push_str(&format!(" ({files} file(s) written)"));
                }
                if !others.is_empty() {
                    message.push_str(&format!(
                        "; also rewrote the layers of {} (a shared change moved their annotations)",
                        others.join(", ")
                    ));
                }
                let severity = if held_back.is_empty() {
                    Severity::Info
                } else {
                    message.push_str(&format!(
                        "; left as they are until they parse: {}",
                        held_back.join(", ")
                    ));
                    Severity::Warning
                };
                self.notify(severity, message);
                if let Some(then) = self.after_save.take() {
                    self.proceed(*then);
                }
            }
            SessionEvent::Exported { path, count, notes } => {
                self.notify(
                    Severity::Info,
                    format!("Exported {count} annotations to {}", path.display()),
                );
                for note in notes {
                    self.notify(Severity::Warning, note);
                }
            }
            SessionEvent::Synced {
                incoming,
                report,
                problems,
            } => {
                // The same project goes on: the view keeps its place.
                if let Some(derived) = self.session.take_derived() {
                    self.ui.articles.adopt(derived.counts, derived.revision);
                }
                self.keep_focus_valid();
                let mut message = if incoming.is_empty() {
                    "Read changes made elsewhere".to_owned()
                } else {
                    format!("In from elsewhere: {}", incoming.join("; "))
                };
                if report.applied > 0 || !report.kept.is_empty() {
                    message.push_str(&format!(" (your unsaved work kept: {})", report.summary()));
                }
                let severity = if problems.is_empty() {
                    Severity::Info
                } else {
                    message.push_str(&format!("; could not read: {}", problems.join("; ")));
                    Severity::Warning
                };
                self.notify(severity, message);
            }
            SessionEvent::Reloaded { path, report } => {
                let severity = if report.kept.is_empty() && report.dropped.is_empty() {
                    Severity::Info
                } else {
                    Severity::Warning
                };
                self.reset_view();
                self.notify(
                    severity,
                    format!("Reloaded {}: {}", path.display(), report.summary()),
                );
            }
            SessionEvent::Failed {
                what,
                message,
                salvageable,
            } => {
                if what == Failure::Save {
                    self.after_save = None;
                }
                if what == Failure::Autosave {
                    self.notify(Severity::Warning, format!("{}: {message}", what.title()));
                } else {
                    self.show_error(what.title(), message, salvageable);
                }
            }
            SessionEvent::ChangedOnDisk { path } => {
                self.after_save = None;
                self.ui.modal = Some(Modal::ChangedOnDisk { path });
            }
            SessionEvent::OpenElsewhere { path, holder } => {
                self.ui.modal = Some(Modal::OpenElsewhere { path, holder });
            }
            SessionEvent::RecoveryAvailable { file } => {
                self.ui.modal = Some(Modal::Recovery { file, both: None });
            }
            SessionEvent::NeedsPath => {
                let then = self.after_save.take();
                self.open_file_dialog(FilePurpose::SaveProjectAs, then);
            }
            SessionEvent::ArticlesAdded {
                added,
                failed,
                warnings,
                duplicates,
            } => {
                self.articles_added(added, failed, warnings);
                if duplicates.is_empty() {
                } else if self.ui.modal.is_none() {
                    self.ui.modal = Some(Modal::Duplicates(duplicates));
                } else {
                    // An error is being shown: the duplicates are not added, and said so.
                    self.session.drop_held_duplicates();
                    for line in duplicates {
                        self.notify(Severity::Warning, format!("Skipped {line}"));
                    }
                }
            }
            SessionEvent::Reimported { title, counts } => {
                let severity = if counts.orphaned > 0 {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                self.notify(
                    severity,
                    format!("Re-imported “{title}”: {}", counts.summary()),
                );
            }
            SessionEvent::AnnotationsImported { path, report } => {
                let severity = if report.refused.is_empty() {
                    Severity::Info
                } else {
                    Severity::Warning
                };
                self.notices.push(crate::session::notice::Notice {
                    severity,
                    title: format!("Imported {}: {}", path.display(), report.summary()),
                    detail: (!report.refused.is_empty()).then(|| report.refused.join("\n")),
                    at: self.now,
                });
            }
            SessionEvent::WorkMerged {
                path,
                report,
                problems,
            } => {
                let mut detail: Vec<String> = report.lines();
                detail.extend(
                    report
                        .missing_articles
                        .iter()
                        .map(|t| format!("article not found here: “{t}”")),
                );
                detail.extend(
                    report
                        .stances_added
                        .iter()
                        .map(|s| format!("stance added: “{s}”")),
                );
                detail.extend(report.conflicts.iter().cloned());
                detail.extend(
                    report
                        .broken
                        .iter()
                        .chain(&problems)
                        .map(|b| format!("left out: {b}")),
                );
                let severity = if report.broken.is_empty() && problems.is_empty() {
                    Severity::Info
                } else {
                    Severity::Warning
                };
                let who = report
                    .analysts
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                self.notices.push(crate::session::notice::Notice {
                    severity,
                    title: format!(
                        "Merged {}: {} annotation(s) added or updated ({who}); Undo takes it back",
                        path.display(),
                        report.changed()
                    ),
                    detail: Some(detail.join("\n")),
                    at: self.now,
                });
            }
            SessionEvent::ManifestoImported { path, report } => {
                if let Some(id) = report.article {
                    self.select_article(id);
                }
                let mut message = format!("Imported {}: {}", path.display(), report.summary());
                for note in report.notes.iter().take(3) {
                    message.push_str(&format!("; {note}"));
                }
                self.notify(Severity::Info, message)
            }
            SessionEvent::SchemeImported { path, report } => self.notify(
                Severity::Info,
                format!("Imported {}: {}", path.display(), report.summary()),
            ),
            SessionEvent::Loaded { problems, lost } => {
                // The same project goes on, whole now: the view keeps its place.
                if let Some(derived) = self.session.take_derived() {
                    self.ui.articles.adopt(derived.counts, derived.revision);
                }
                self.keep_focus_valid();
                if !problems.is_empty() {
                    self.notify(
                        Severity::Warning,
                        format!("Could not read: {}", problems.join("; ")),
                    );
                }
                if !lost.is_empty() {
                    self.notify(
                        Severity::Error,
                        format!(
                            "Changes made while the project loaded could not be kept: {}",
                            lost.join("; ")
                        ),
                    );
                }
            }
            SessionEvent::HeldBack { message } => {
                // What was to follow a save (close, quit) is asked for again once it is saved.
                self.after_save = None;
                self.notify(Severity::Info, message);
            }
            SessionEvent::Lost { kind } => self.show_error(
                &format!("{} stopped unexpectedly", kind.verb()),
                "The work on the worker thread ended without a result; nothing was changed."
                    .to_owned(),
                None,
            ),
        }
    }

    fn articles_added(
        &mut self,
        added: Vec<(crate::core::model::ArticleId, String)>,
        failed: Vec<String>,
        warnings: Vec<String>,
    ) {
        if let Some((first, _)) = added.first() {
            self.select_article(*first);
        }
        match added.as_slice() {
            [] => {}
            [(_, line)] => self.notify(Severity::Info, format!("Added {line}")),
            many => self.notices.push(crate::session::notice::Notice {
                severity: Severity::Info,
                title: format!("Added {} articles", many.len()),
                detail: Some(
                    many.iter()
                        .map(|(_, line)| line.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                at: self.now,
            }),
        }
        for w in warnings {
            self.notify(Severity::Warning, w);
        }
        if !failed.is_empty() {
            let title = if added.is_empty() {
                "Could not add article"
            } else {
                "Some files could not be added"
            };
            self.show_error(title, failed.join("\n"), None);
        }
    }
}
