//! Where every [`Command`] takes effect: one `match`, run after the frame is drawn, and the
//! session events that come back (a finished save, a failed open…) turned into notices and
//! questions.

mod actors;
mod units;

pub(crate) use units::unit_progress;

use std::path::{Path, PathBuf};

use super::app::StancemarkApp;
use super::file_dialog::{FileDialog, FilePurpose};
use super::modals::Modal;
use super::reader::ArticleView;
use super::windows::{
    PaletteState, PreferencesDraft, ProjectSearchState, StancesState, StatsState, SuggestState,
    TableState,
};
use crate::core::model::{AnnotationId, ArticleId, StanceId};
use crate::core::workspace::ActionError;
use crate::session::Overwrite;
use crate::session::notice::{Notice, Severity};
use crate::ui::command::{Command, KeyScope};

impl StancemarkApp {
    /// Applies one command.
    pub fn execute(&mut self, command: Command) {
        if command.changes_project() && self.session.blocking_job().is_some() {
            return; // the project is about to be replaced; the progress window says so
        }
        use super::windows::ToolWindow;
        let open_before = ToolWindow::ALL.map(|w| self.ui.windows.is_open(w));
        self.run(command);
        // A window just opened is the one Esc closes.
        if let Some((w, _)) = ToolWindow::ALL
            .into_iter()
            .zip(open_before)
            .find(|(w, before)| !before && self.ui.windows.is_open(*w))
        {
            self.ui.last_window = Some(w);
        }
    }

    /// Applies one command (see [`Self::execute`]).
    fn run(&mut self, command: Command) {
        match command {
            Command::NewProject | Command::OpenProject | Command::OpenRecent(_) | Command::Quit => {
                self.guard_unsaved(command)
            }
            Command::OpenPath(path) => {
                let events = self.session.open(&path);
                self.handle_events(events);
            }
            Command::OpenAnyway(path) => {
                let events = self.session.open_anyway(&path);
                self.handle_events(events);
            }
            Command::OpenSalvaged(path) => {
                let events = self.session.open_salvaged(&path);
                self.handle_events(events);
            }
            Command::Save => {
                self.commit_note();
                let events = self.session.save();
                self.handle_events(events);
            }
            Command::SaveAs => self.open_file_dialog(FilePurpose::SaveProjectAs, None),
            Command::SaveTo { path, then } => {
                self.commit_note();
                self.after_save = then;
                let events = self.session.save_to(&path, Overwrite::IfUnchanged);
                self.handle_events(events);
            }
            Command::SaveThen(then) => {
                self.after_save = Some(then);
                self.execute(Command::Save);
            }
            Command::DiscardThen(then) => {
                self.discard_autosave();
                self.proceed(*then);
            }
            Command::ReloadFromDisk => {
                self.commit_note();
                let events = self.session.reload();
                self.handle_events(events);
            }
            Command::OverwriteOnDisk => {
                let Some(path) = self.session.path().map(Path::to_path_buf) else {
                    return;
                };
                let events = self.session.save_to(&path, Overwrite::Always);
                self.handle_events(events);
            }
            Command::RestoreRecovery(file) => {
                let events = self.session.restore_recovery(&file);
                self.handle_events(events);
            }
            Command::DiscardRecovery(file) => match self.session.discard_recovery(&file) {
                Ok(()) => self.notify(
                    Severity::Info,
                    "Kept the saved version (the autosave was moved aside as .discarded)",
                ),
                Err(e) => self.notify(
                    Severity::Warning,
                    format!("Could not move the autosave aside: {e}"),
                ),
            },
            Command::CancelJob => {
                if self.session.cancel_blocking_job() {
                    self.notify(
                        Severity::Info,
                        "Cancelled; the current project is unchanged",
                    );
                }
            }
            Command::AddArticle => self.open_file_dialog(FilePurpose::AddArticle, None),
            Command::AddArticlesFrom(paths) => {
                let events = self.session.add_articles(paths);
                self.handle_events(events);
            }
            Command::AddHeldDuplicates => {
                let event = self.session.add_held_duplicates();
                self.handle_events(vec![event]);
            }
            Command::SkipHeldDuplicates => self.session.drop_held_duplicates(),
            Command::ImportAnnotations => {
                self.open_file_dialog(FilePurpose::ImportAnnotations, None)
            }
            Command::ImportAnnotationsFrom(path) => self.import_annotations(path),
            Command::DropFiles(paths) => self.drop_files(paths),
            Command::Export(format) => self.open_file_dialog(FilePurpose::Export(format), None),
            Command::ExportTo {
                format,
                path,
                article,
            } => {
                // What is exported is what is shown: the layers chosen in Team → Layers.
                let hidden = self
                    .ui
                    .focus
                    .layers
                    .hidden_in(self.session.project(), &self.session.analyst().id);
                let shown: Vec<_> = self
                    .session
                    .project()
                    .analysts
                    .iter()
                    .map(|a| a.id.clone())
                    .filter(|a| !hidden.contains(a))
                    .collect();
                let only = (!hidden.is_empty()).then_some(shown.as_slice());
                let events = self.session.export(format, &path, article, only);
                self.handle_events(events);
            }
            Command::CloseWindow(window) => self.close_window(window),
            Command::Preferences => {
                self.ui.windows.preferences = Some(PreferencesDraft(self.prefs.clone()));
            }
            Command::SetPreferences(prefs) => {
                self.prefs = *prefs;
                self.session.set_annotator(&self.analyst_name());
                self.save_prefs();
            }
            Command::Undo | Command::Redo => self.step_history(command == Command::Undo),
            Command::Find => {
                if self.ui.focus.article.is_some() {
                    self.ui.reader.open_find();
                }
            }
            Command::SearchProject => match &mut self.ui.windows.search {
                Some(search) => search.focus(),
                None => self.ui.windows.search = Some(ProjectSearchState::focused()),
            },
            Command::RevealPassage { article, range } => {
                if self.session.project().article(article).is_some() {
                    self.select_article(article);
                    self.select_annotation(None);
                    self.ui.reader.set_selection(Some(range));
                    self.ui.reader.reveal(range.start, None, self.now);
                }
            }
            Command::CopySelection => self.copy_selection(),
            Command::ClearSelection => {
                self.ui.reader.set_selection(None);
                self.select_annotation(None);
            }
            Command::DeleteSelectedAnnotation => {
                if let Some(id) = self.ui.focus.annotation {
                    self.execute(Command::DeleteAnnotation(id));
                }
            }
            Command::StanceKey(digit) => self.stance_key(digit),
            Command::Tag {
                article,
                range,
                stance,
            } => self.tag(article, range, &stance),
            Command::SelectAnnotation { id, reveal } => {
                self.select_annotation(Some(id));
                if reveal && let Some(a) = self.session.project().annotation(id) {
                    let start = a.range.start;
                    self.ui.reader.reveal(start, Some(id), self.now);
                }
            }
            Command::SetStance { annotation, stance } => {
                self.commit_note();
                let r = self
                    .session
                    .workspace_mut()
                    .set_annotation_stance(annotation, &stance);
                self.report(r);
            }
            Command::SetNote { annotation, note } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_annotation_note(annotation, &note);
                self.report(r);
            }
            Command::DeleteAnnotation(id) => {
                let r = self.session.workspace_mut().delete_annotation(id);
                if r.is_ok() {
                    self.notify(Severity::Info, "Deleted annotation (Ctrl+Z to undo)");
                }
                self.report(r);
            }
            Command::Reattach { annotation, range } => {
                let r = self
                    .session
                    .workspace_mut()
                    .reattach_annotation(annotation, range);
                if r.is_ok() {
                    self.ui.reader.set_selection(None);
                    self.notify(Severity::Info, "Annotation re-attached");
                }
                self.report(r);
            }
            Command::SelectArticle(id) => self.select_article(id),
            Command::RenameArticle { article, title } => {
                let r = self.session.workspace_mut().rename_article(article, &title);
                self.report(r);
            }
            Command::RemoveArticle(id) => self.ui.modal = Some(Modal::RemoveArticle(id)),
            Command::ConfirmRemoveArticle(id) => {
                let r = self.session.workspace_mut().remove_article(id);
                self.report(r);
            }
            Command::EditArticleText(id) => {
                if let Some(a) = self.session.project().article(id) {
                    self.ui.windows.edit_text = Some((id, a.text.clone()));
                }
            }
            Command::SetArticleText { article, text } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_article_text(article, &text);
                self.report_reanchoring(r);
            }
            Command::ReimportArticle(id) => {
                let events = self.session.reimport_article(id, None);
                self.handle_events(events);
            }
            Command::ReimportArticleChoose(id) => {
                self.open_file_dialog(FilePurpose::ReimportArticle(id), None)
            }
            Command::ReimportArticleFrom { article, path } => {
                let events = self.session.reimport_article(article, Some(path));
                self.handle_events(events);
            }
            Command::SetArticleMemo { article, memo } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_article_memo(article, &memo);
                self.report(r);
            }
            Command::ProjectMemo => {
                let memo = self.session.project().memo.clone();
                self.ui.windows.memo.get_or_insert(memo);
            }
            Command::SetProjectMemo(memo) => {
                let r = self.session.workspace_mut().set_project_memo(&memo);
                self.report(r);
            }
            Command::SetArticleMeta { article, meta } => {
                let r = self.session.workspace_mut().set_article_meta(article, meta);
                self.report(r);
            }
            Command::ManageStances => {
                self.ui
                    .windows
                    .stances
                    .get_or_insert_with(StancesState::default);
            }
            Command::AddStance { label, color } => {
                let r = self.session.workspace_mut().add_stance(&label, color);
                self.report(r.map(|_| ()));
            }
            Command::RenameStance { stance, label } => {
                let r = self.session.workspace_mut().rename_stance(&stance, &label);
                self.report(r);
            }
            Command::RecolorStance { stance, color } => {
                let r = self.session.workspace_mut().recolor_stance(&stance, color);
                self.report(r);
            }
            Command::DescribeStance {
                stance,
                description,
            } => {
                let r = self
                    .session
                    .workspace_mut()
                    .describe_stance(&stance, &description);
                self.report(r);
            }
            Command::SetStanceParent { stance, parent } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_stance_parent(&stance, parent.as_ref());
                self.report(r);
            }
            Command::SetStanceHotkey { stance, hotkey } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_stance_hotkey(&stance, hotkey);
                self.report(r);
            }
            Command::RemoveStance(id) => {
                if self.session.project().stance_usage(&id) == 0 {
                    self.execute(Command::ConfirmRemoveStance(id));
                } else {
                    self.ui.modal = Some(Modal::RemoveStance(id));
                }
            }
            Command::ConfirmRemoveStance(id) => {
                let r = self.session.workspace_mut().remove_stance(&id);
                self.ui.focus.hidden.remove(&id);
                self.report(r);
            }
            Command::MergeStance { from, into } => {
                let r = self.session.workspace_mut().merge_stance(&from, &into);
                if let Ok(n) = &r {
                    let message = format!("Merged: {n} annotation(s) moved");
                    self.notify(Severity::Info, message);
                }
                self.ui.focus.hidden.remove(&from);
                self.report(r.map(|_| ()));
            }
            Command::ToggleStanceFilter(id) => self.toggle_filter(id),
            Command::Suggest => {
                if self.ui.windows.suggest.is_none() {
                    self.ui.windows.suggest = Some(SuggestState::focused(self.prefs.suggest));
                }
                self.ui.key_area = KeyScope::ReviewList;
            }
            Command::SuggestSimilar(id) => {
                if self.ui.windows.suggest.is_none() {
                    self.ui.windows.suggest = Some(SuggestState::with(self.prefs.suggest));
                }
                self.ui.windows.similar_to = Some(id);
                self.ui.key_area = KeyScope::ReviewList;
            }
            Command::AcceptCurrentSuggestion
            | Command::RejectCurrentSuggestion
            | Command::NextSuggestion
            | Command::PreviousSuggestion => {
                let Some(state) = self.ui.windows.suggest.as_mut() else {
                    self.notify(
                        Severity::Info,
                        "No suggestions to review: Stances menu, Suggest annotations… first",
                    );
                    return;
                };
                let then: Vec<Command> = match command {
                    Command::AcceptCurrentSuggestion => state.accept_current(),
                    Command::RejectCurrentSuggestion => state.reject_current(),
                    Command::NextSuggestion => state.step(true).into_iter().collect(),
                    _ => state.step(false).into_iter().collect(),
                };
                for next in then {
                    self.execute(next);
                }
            }
            Command::SelectAllRows | Command::DeleteSelectedRows | Command::ShowSelectedRow => {
                let Some(state) = self.ui.windows.table.as_mut() else {
                    self.notify(Severity::Info, "The annotation table is not open (Ctrl+T)");
                    return;
                };
                let then = match command {
                    Command::SelectAllRows => {
                        state.select_all();
                        None
                    }
                    Command::DeleteSelectedRows => state.delete_selected(),
                    _ => state.show_selected(),
                };
                if let Some(next) = then {
                    self.execute(next);
                }
            }
            Command::NextArticle | Command::PreviousArticle => {
                let forward = command == Command::NextArticle;
                if let Some(id) = self.ui.articles.neighbour(self.ui.focus.article, forward)
                    && Some(id) != self.ui.focus.article
                {
                    self.execute(Command::SelectArticle(id));
                }
            }
            Command::AcceptSuggestions(items) => {
                let before = self.session.workspace().undo_step();
                let (added, skipped) = self.session.workspace_mut().accept_suggestions(&items);
                self.remember_list_step(before, items);
                let mut text = match added {
                    1 => "Tagged 1 suggested passage".to_owned(),
                    n => format!("Tagged {n} suggested passages"),
                };
                if skipped > 0 {
                    text.push_str(&format!(
                        "; {skipped} skipped (their text or stance changed since)"
                    ));
                }
                let severity = if skipped > 0 {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                self.notify(severity, text);
            }
            Command::ClearRejections => match self.session.workspace_mut().clear_rejections() {
                Ok(n) => self.notify(
                    Severity::Info,
                    format!("Forgot {n} rejected suggestion(s); Undo brings them back"),
                ),
                Err(e) => self.report(Err(e)),
            },
            Command::RejectSuggestions(items) => {
                // Quiet when it works: the row leaving the list says it.
                let before = self.session.workspace().undo_step();
                self.session.workspace_mut().reject_suggestions(&items);
                self.remember_list_step(before, items);
            }
            Command::MoveCaret {
                step,
                forward,
                extend,
            } => {
                if let Some(id) = self.ui.focus.article
                    && let Some(article) = self.session.project().article_arc(id).cloned()
                {
                    self.ui.reader.move_caret(&article, step, forward, extend);
                    // A passage being selected is what the next key acts on, not the
                    // annotation selected before (the editor stops showing it).
                    if extend && self.ui.reader.selection().is_some() {
                        self.select_annotation(None);
                    }
                }
            }
            Command::NextAnnotation | Command::PreviousAnnotation => {
                let forward = command == Command::NextAnnotation;
                if let Some(id) = self.neighbour_annotation(forward) {
                    self.execute(Command::SelectAnnotation { id, reveal: true });
                }
            }
            Command::TextBigger | Command::TextSmaller => {
                self.prefs.step_text_size(command == Command::TextBigger);
                self.save_prefs();
            }
            Command::TextReset => {
                self.prefs.text_size = crate::session::prefs::DEFAULT_TEXT_SIZE;
                self.save_prefs();
            }
            Command::ShortcutSheet => self.ui.windows.shortcuts = true,
            Command::ShowMyLayer => self.ui.focus.layers = super::state::Layers::Mine,
            Command::ShowAllLayers => self.ui.focus.layers = super::state::Layers::All,
            Command::ToggleLayer(id) => {
                let project = self.session.project();
                let me = self.session.analyst().id;
                let mut shown: std::collections::BTreeSet<_> = project
                    .analysts
                    .iter()
                    .map(|a| a.id.clone())
                    .filter(|a| self.ui.focus.layers.includes(a, &me))
                    .collect();
                if !shown.remove(&id) {
                    shown.insert(id);
                }
                self.ui.focus.layers = super::state::Layers::Chosen(shown);
            }
            Command::ToggleBlindCoding => {
                let on = !self.session.project().team.blind;
                let r = self.session.workspace_mut().set_blind_coding(on);
                if r.is_ok() {
                    self.notify(
                        Severity::Info,
                        if on {
                            "Blind coding on: each analyst sees only their own layer (and gold)"
                        } else {
                            "Blind coding off: choose the layers to show in the Team menu: Layers"
                        },
                    );
                }
                self.report(r);
            }
            Command::ToggleCoded => {
                if let Some(article) = self.current_article() {
                    let me = self.session.analyst().id;
                    let coded = !self.session.project().team.is_coded(article, &me);
                    let r = self.session.workspace_mut().set_coded(article, coded);
                    if r.is_ok() {
                        self.notify(
                            Severity::Info,
                            if coded {
                                "Marked coded: agreement counts you on this article"
                            } else {
                                "No longer marked coded"
                            },
                        );
                    }
                    self.report(r);
                }
            }
            Command::MergeWork => self.open_file_dialog(FilePurpose::MergeWork, None),
            Command::MergeWorkFrom(paths) => {
                self.commit_note();
                let events = self.session.merge_work(&paths);
                self.handle_events(events);
            }
            Command::Agreement => {
                if self.ui.windows.agreement.is_none() {
                    self.ui.windows.agreement = Some(Default::default());
                }
            }
            Command::Compare => {
                if self.ui.windows.compare.is_none() {
                    self.ui.windows.compare = Some(Default::default());
                }
                if self.ui.focus.compare.is_none() {
                    let ids = super::windows::compared_analysts(self.session.project());
                    if ids.len() >= 2 {
                        self.execute(Command::CompareAnalysts(ids[0].clone(), ids[1].clone()));
                    }
                }
            }
            Command::CompareAnalysts(a, b) => {
                self.ui.focus.layers =
                    super::state::Layers::Chosen([a.clone(), b.clone()].into_iter().collect());
                self.ui.focus.compare = Some((a, b));
                if self.ui.windows.compare.is_none() {
                    self.ui.windows.compare = Some(Default::default());
                }
            }
            Command::NextDisagreement | Command::PreviousDisagreement => {
                let forward = command == Command::NextDisagreement;
                match self.ui.reader.neighbour_disagreement(forward) {
                    Some(range) => {
                        if let Some(article) = self.current_article() {
                            self.execute(Command::RevealPassage { article, range });
                        }
                    }
                    None => self.notify(
                        Severity::Info,
                        "No disagreement there: show two or more analysts' layers (Team menu: Layers) to see where they differ",
                    ),
                }
            }
            Command::CopyToMyLayer => {
                if let Some(id) = self.ui.focus.annotation {
                    let r = self.session.workspace_mut().copy_to_my_layer(id);
                    match r {
                        Ok(copy) => {
                            self.select_annotation(Some(copy));
                            self.notify(Severity::Info, "Copied into your layer");
                        }
                        Err(e) => self.report(Err(e)),
                    }
                }
            }
            Command::CurateGold => {
                let r = crate::core::curation::auto_curate(self.session.workspace_mut(), None);
                match r {
                    Ok(report) => {
                        self.notify(
                            Severity::Info,
                            format!(
                                "Gold: {} passage(s) all analysts agree on taken ({} already there); settle the rest in the comparison",
                                report.taken, report.already
                            ),
                        );
                        let compare = self.ui.windows.compare.get_or_insert_with(Default::default);
                        compare.curating = true;
                        if self.ui.focus.compare.is_none() {
                            self.execute(Command::Compare);
                        }
                    }
                    Err(e) => self.report(Err(e)),
                }
            }
            c @ (Command::NewFromTemplate
            | Command::AddSchemeFromTemplate
            | Command::StartFromTemplate(_)
            | Command::AddTemplate(_)
            | Command::SetStanceCode { .. }
            | Command::ChooseCode(_)
            | Command::CodeWith(_)
            | Command::UnitiseArticle
            | Command::ToggleUnitMode
            | Command::LeaveUnitMode
            | Command::NextUnit
            | Command::PreviousUnit
            | Command::GoToUnit(_)
            | Command::UncodeUnit
            | Command::SplitUnitHere
            | Command::JoinUnitWithNext
            | Command::ToggleUnitHeading
            | Command::AcceptSplit(_)
            | Command::AcceptAllSplits
            | Command::UnitsWindow
            | Command::SetUnits { .. }
            | Command::ApplyUnits { .. }) => {
                self.run_unit_command(c);
            }
            c @ (Command::ActorManager
            | Command::NetworkView
            | Command::FocusActorField
            | Command::PositionSupports
            | Command::PositionNeutral
            | Command::PositionOpposes
            | Command::SetActorNamed { .. }
            | Command::SetActorOf { .. }
            | Command::SetPositionOf { .. }
            | Command::AddActor { .. }
            | Command::PutActor(_)
            | Command::MergeActors { .. }
            | Command::RemoveActor(_)
            | Command::SetActorTypes(_)
            | Command::SetPositionScale(_)
            | Command::ExportNetwork(_)
            | Command::ExportNetworkTo(..)
            | Command::ExportTimeline(_)
            | Command::ExportTimelineTo(..)) => {
                self.run_actor_command(c);
            }
            Command::Settle(difference, how) => {
                let r =
                    crate::core::curation::settle(self.session.workspace_mut(), &difference, how);
                self.report(r);
            }
            Command::AnnotationTable => {
                if self.ui.windows.table.is_none() {
                    self.ui.windows.table = Some(TableState::default());
                }
                self.ui.key_area = KeyScope::Table;
            }
            Command::SetStanceOf {
                annotations,
                stance,
            } => {
                self.commit_note();
                let r = self
                    .session
                    .workspace_mut()
                    .set_stance_of(&annotations, &stance);
                if r.is_ok() {
                    let label = super::widgets::stance_style(self.session.project(), &stance).0;
                    self.notify(
                        Severity::Info,
                        format!(
                            "Changed the stance of {} to {label}",
                            crate::core::workspace::count_of(annotations.len(), "annotation")
                        ),
                    );
                }
                self.report(r);
            }
            Command::DeleteAnnotations(ids) => {
                self.commit_note();
                let r = self.session.workspace_mut().delete_annotations(&ids);
                if self.ui.focus.annotation.is_some_and(|a| ids.contains(&a)) {
                    self.ui.focus.annotation = None;
                }
                if r.is_ok() {
                    self.notify(
                        Severity::Info,
                        format!(
                            "Deleted {} (Undo brings them back)",
                            crate::core::workspace::count_of(ids.len(), "annotation")
                        ),
                    );
                }
                self.report(r);
            }
            Command::Statistics => {
                if self.ui.windows.statistics.is_none() {
                    self.ui.windows.statistics = Some(StatsState::default());
                }
            }
            Command::SaveChart => self.open_file_dialog(FilePurpose::SaveChart, None),
            Command::SaveChartTo(path) => {
                self.chart_to_save = Some((path, super::app::ChartShot::Wait(2)));
            }
            Command::CommandPalette => {
                self.ui.windows.palette = Some(PaletteState::default());
            }
            Command::ShowNotices => self.ui.windows.notices = true,
            Command::DismissNotice => self.notices.dismiss(),
            Command::ToggleArticlesPanel => {
                self.ui.panels.articles = !self.ui.panels.articles;
            }
            Command::ToggleAnnotationsPanel => {
                self.ui.panels.annotations = !self.ui.panels.annotations;
            }
        }
        self.keep_focus_valid();
    }

    /// Runs `command` now, or asks about unsaved changes first.
    pub(super) fn guard_unsaved(&mut self, command: Command) {
        self.commit_note();
        if self.session.is_dirty() {
            self.ui.modal = Some(Modal::Unsaved(Box::new(command)));
        } else {
            self.proceed(command);
        }
    }

    /// Runs a command that waited for the unsaved-changes question.
    pub(super) fn proceed(&mut self, command: Command) {
        match command {
            Command::NewProject => {
                self.session.new_project();
                self.reset_view();
                self.notify(Severity::Info, "New project");
            }
            Command::OpenProject => self.open_file_dialog(FilePurpose::OpenProject, None),
            Command::OpenRecent(path) => self.execute(Command::OpenPath(path)),
            Command::ImportAnnotationsFrom(path) => {
                // The unsaved-changes question was answered.
                self.importing_confirmed = true;
                self.execute(Command::ImportAnnotationsFrom(path));
            }
            Command::Quit => {
                self.allow_close = true;
                self.quit_requested = true;
            }
            Command::StartFromTemplate(template) => {
                let mut project = crate::core::model::Project::new("Untitled project");
                project.stances.0 = template.stances();
                self.session.new_project_from(project);
                self.reset_view();
                self.notify(
                    Severity::Info,
                    format!("New project from the {} template", template.title()),
                );
            }
            other => self.execute(other),
        }
    }

    /// Reports a refused action as a notice.
    pub(super) fn report(&mut self, result: Result<(), ActionError>) {
        if let Err(e) = result {
            let severity = match e {
                ActionError::HistoryBroken(_) => Severity::Error,
                _ => Severity::Warning,
            };
            self.notify(severity, e.to_string());
        }
    }

    fn report_reanchoring(&mut self, result: Result<usize, ActionError>) {
        match result {
            Ok(0) => self.notify(
                Severity::Info,
                "Text updated; every annotation found its passage",
            ),
            Ok(orphans) => self.notify(
                Severity::Warning,
                format!(
                    "Text updated; {orphans} annotation(s) could not be placed and are listed as orphaned"
                ),
            ),
            Err(e) => self.show_error("Could not change the text", e.to_string(), None),
        }
    }

    /// Shows an error in a window and keeps it in the log.
    pub(super) fn show_error(&mut self, title: &str, message: String, salvage: Option<PathBuf>) {
        self.notices.push(Notice {
            severity: Severity::Error,
            title: title.to_owned(),
            detail: Some(message.clone()),
            at: self.now,
        });
        self.ui.modal = Some(Modal::Error {
            title: title.to_owned(),
            message,
            salvage,
        });
    }

    /// Stores the note being typed as one undoable change.
    pub(super) fn commit_note(&mut self) {
        let project = self.session.project();
        let command = self
            .ui
            .annotations
            .note_to_commit(|id| project.annotation(id).map(|a| a.note.clone()));
        if let Some(Command::SetNote { annotation, note }) = command {
            let r = self
                .session
                .workspace_mut()
                .set_annotation_note(annotation, &note);
            self.report(r);
        }
    }

    fn step_history(&mut self, undo: bool) {
        // A note being typed is kept first, so neither Undo nor Redo throws it away.
        self.commit_note();
        let ws = self.session.workspace_mut();
        let step = if undo { ws.undo_step() } else { ws.redo_step() };
        let (result, done, nothing) = if undo {
            (ws.undo(), "Undone:", "Nothing to undo")
        } else {
            (ws.redo(), "Redone:", "Nothing to redo")
        };
        match result {
            Ok(Some(label)) => {
                // Suggestions accepted or rejected in that step come back to (or leave again)
                // the review list they left.
                if let (Some(step), Some(suggest)) = (step, self.ui.windows.suggest.as_mut()) {
                    suggest.history_stepped(step, undo);
                }
                self.notify(Severity::Info, format!("{done} {label}"));
            }
            Ok(None) => self.notify(Severity::Info, nothing),
            Err(e) => self.report(Err(e)),
        }
        self.ui.annotations.note_draft = None;
    }

    /// Tells the review list which undo step took `items` out of it (when one was made), so
    /// Undo can put them back.
    fn remember_list_step(
        &mut self,
        before: Option<u64>,
        items: Vec<crate::analysis::suggest::Suggestion>,
    ) {
        let step = self.session.workspace().undo_step();
        if let (Some(step), Some(suggest)) = (step, self.ui.windows.suggest.as_mut())
            && step != before.unwrap_or(u64::MAX)
        {
            suggest.left_in_step(step, items);
        }
    }

    /// After any change: the article and annotation looked at still exist.
    pub(super) fn keep_focus_valid(&mut self) {
        let p = self.session.project();
        if self
            .ui
            .focus
            .article
            .is_none_or(|id| p.article(id).is_none())
        {
            let first = p.articles.first().map(|a| a.id);
            if first != self.ui.focus.article {
                self.ui.focus.article = first;
                self.ui.reader = ArticleView::default();
            }
        }
        if self
            .ui
            .focus
            .annotation
            .is_some_and(|id| p.annotation(id).is_none())
        {
            self.ui.focus.annotation = None;
        }
        if self
            .ui
            .annotations
            .note_draft
            .as_ref()
            .is_some_and(|(id, _)| Some(*id) != self.ui.focus.annotation)
        {
            self.ui.annotations.note_draft = None;
        }
    }

    pub(super) fn reset_view(&mut self) {
        self.ui.focus.article = self.session.project().articles.first().map(|a| a.id);
        self.ui.focus.annotation = None;
        self.ui.focus.unit = None;
        self.ui.focus.hidden.clear();
        self.ui.reader = ArticleView::default();
        self.ui.annotations.note_draft = None;
        if let Some(derived) = self.session.take_derived() {
            self.ui.articles.adopt(derived.counts, derived.revision);
            if let Some(first) = derived.first_article
                && Some(first.article.id) == self.ui.focus.article
            {
                self.ui.annotations.adopt(&first, derived.revision);
                self.ui.reader.adopt(first, derived.revision);
            }
        }
    }

    /// Shows an article in the reader.
    pub fn select_article(&mut self, id: ArticleId) {
        self.commit_note();
        if self.ui.focus.article != Some(id) {
            self.ui.focus.article = Some(id);
            self.ui.focus.annotation = None;
            self.ui.reader = ArticleView::default();
            // Coding unit by unit goes on at the new article's first unit, if it has units.
            let unitised = self
                .session
                .project()
                .article(id)
                .is_some_and(|a| !a.units.is_empty());
            self.ui.focus.unit = self.ui.focus.unit.and(Some(0)).filter(|_| unitised);
        }
    }

    /// The annotation after (or before) the selected one in the article shown, by position,
    /// among those shown (not orphaned, stance not hidden); the first (or last) when none is
    /// selected.
    fn neighbour_annotation(&self, forward: bool) -> Option<AnnotationId> {
        let article = self.ui.focus.article?;
        let project = self.session.project();
        let hidden_analysts = self
            .ui
            .focus
            .layers
            .hidden_in(project, &self.session.analyst().id);
        let mut shown: Vec<&crate::core::model::Annotation> = project
            .annotations
            .in_article(article)
            .filter(|a| {
                !a.orphaned
                    && !self.ui.focus.hidden.contains(&a.stance)
                    && !hidden_analysts.contains(&a.analyst)
            })
            .map(|a| a.as_ref())
            .collect();
        shown.sort_by_key(|a| (a.range.start, a.range.end));
        let at = self
            .ui
            .focus
            .annotation
            .and_then(|id| shown.iter().position(|a| a.id == id));
        let next = match (at, forward) {
            (None, true) => shown.first(),
            (None, false) => shown.last(),
            (Some(i), true) => shown.get(i + 1),
            (Some(i), false) => i.checked_sub(1).and_then(|i| shown.get(i)),
        };
        next.map(|a| a.id)
    }

    fn select_annotation(&mut self, id: Option<AnnotationId>) {
        self.commit_note();
        self.ui.annotations.note_draft = None;
        if let Some(id) = id
            && let Some(article) = self.session.project().annotation(id).map(|a| a.article)
        {
            self.select_article(article);
        }
        self.ui.focus.annotation = id;
    }

    fn tag(&mut self, article: ArticleId, range: crate::core::model::TextRange, stance: &StanceId) {
        let r = self
            .session
            .workspace_mut()
            .add_annotation(article, range, stance, "");
        match r {
            Ok(id) => {
                // The caret stays at the passage's end, so keyboard coding goes on from there.
                let caret = crate::core::model::TextRange {
                    start: range.end,
                    end: range.end,
                };
                self.ui.reader.set_selection(Some(caret));
                self.select_annotation(Some(id));
                let label = super::widgets::stance_style(self.session.project(), stance).0;
                self.notify(Severity::Info, format!("Tagged passage as {label}"));
            }
            Err(e) => self.report(Err(e)),
        }
    }

    /// Closes a tool window as its close button does: a preferences or memo draft is kept.
    fn close_window(&mut self, window: super::windows::ToolWindow) {
        use super::windows::ToolWindow;
        let windows = &mut self.ui.windows;
        match window {
            ToolWindow::Preferences => {
                if let Some(draft) = windows.preferences.take()
                    && draft.0 != self.prefs
                {
                    self.execute(Command::SetPreferences(Box::new(draft.0)));
                }
            }
            ToolWindow::Memo => {
                if let Some(draft) = windows.memo.take()
                    && draft != self.session.project().memo
                {
                    self.execute(Command::SetProjectMemo(draft));
                }
            }
            ToolWindow::Stances => windows.stances = None,
            ToolWindow::Search => windows.search = None,
            ToolWindow::Statistics => windows.statistics = None,
            ToolWindow::Suggest => windows.suggest = None,
            ToolWindow::Table => windows.table = None,
            ToolWindow::Actors => windows.actors = None,
            ToolWindow::Network => windows.network = None,
            ToolWindow::Units => windows.units = false,
            ToolWindow::Shortcuts => windows.shortcuts = false,
            ToolWindow::Notices => windows.notices = false,
            ToolWindow::Agreement => windows.agreement = None,
            ToolWindow::Compare => windows.compare = None,
        }
        if self.ui.last_window == Some(window) {
            self.ui.last_window = None;
        }
    }

    /// A stance key: tags the selection, or changes the selected annotation's stance.
    fn stance_key(&mut self, digit: u8) {
        if self.digit_codes(digit) {
            return;
        }
        let Some(stance) = self
            .session
            .project()
            .stances
            .by_hotkey(digit)
            .map(|s| s.id.clone())
        else {
            self.notify(Severity::Info, format!("No stance uses key {digit}"));
            return;
        };
        match (
            self.ui.focus.article,
            self.ui.reader.selection(),
            self.ui.focus.annotation,
        ) {
            (Some(article), Some(range), _) => self.tag(article, range, &stance),
            (_, None, Some(annotation)) => self.execute(Command::SetStance { annotation, stance }),
            _ => self.notify(
                Severity::Info,
                crate::core::workspace::ActionError::EmptySelection.to_string(),
            ),
        }
    }

    fn toggle_filter(&mut self, id: StanceId) {
        if !self.ui.focus.hidden.remove(&id) {
            self.ui.focus.hidden.insert(id);
        }
    }

    fn copy_selection(&mut self) {
        let (Some(range), Some(article)) = (
            self.ui.reader.selection(),
            self.ui
                .focus
                .article
                .and_then(|id| self.session.project().article(id)),
        ) else {
            return;
        };
        let text = crate::core::text::slice_chars(&article.text, range).to_owned();
        self.copied = Some(text);
    }

    /// Files dropped on the window: a project opens (asking about unsaved changes), annotation
    /// files import, everything else is added as articles.
    fn drop_files(&mut self, paths: Vec<PathBuf>) {
        use crate::session::files::{self, PathKind};
        let (projects, rest): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .partition(|p| files::kind_of(p) == PathKind::Project);
        let projects: Vec<PathBuf> = projects.iter().map(|p| files::project_path(p)).collect();
        let (annotations, articles): (Vec<PathBuf>, Vec<PathBuf>) = rest
            .into_iter()
            .partition(|p| matches!(files::kind_of(p), PathKind::Annotations(_)));
        if !articles.is_empty() {
            self.execute(Command::AddArticlesFrom(articles));
        }
        for path in annotations {
            self.execute(Command::ImportAnnotationsFrom(path));
        }
        if let Some(project) = projects.into_iter().next() {
            self.execute(Command::OpenRecent(project));
        }
    }

    /// Imports an annotation file: one that carries its texts replaces the project (after the
    /// unsaved-changes question); CSV and W3C come into this project.
    fn import_annotations(&mut self, path: PathBuf) {
        let new_project = matches!(
            crate::session::files::kind_of(&path),
            crate::session::files::PathKind::Annotations(k) if k.carries_texts()
        );
        if new_project && self.session.is_dirty() && !self.importing_confirmed {
            self.ui.modal = Some(Modal::Unsaved(Box::new(Command::ImportAnnotationsFrom(
                path,
            ))));
            return;
        }
        self.importing_confirmed = false;
        let events = self.session.import_annotations(&path);
        self.handle_events(events);
    }

    fn default_path_for(&self, purpose: FilePurpose) -> PathBuf {
        let project_path = self.session.path().map(Path::to_path_buf);
        let dir = project_path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let stem = project_path
            .as_deref()
            .map(crate::session::files::project_stem)
            .unwrap_or_else(|| "project".to_owned());
        match purpose {
            FilePurpose::OpenProject
            | FilePurpose::AddArticle
            | FilePurpose::ImportAnnotations
            | FilePurpose::MergeWork
            | FilePurpose::ReimportArticle(_) => {
                let mut d = dir.into_os_string();
                d.push(std::path::MAIN_SEPARATOR_STR);
                PathBuf::from(d)
            }
            FilePurpose::SaveProjectAs => crate::session::files::default_project_file(&dir, &stem),
            FilePurpose::Export(f) => {
                dir.join(format!("{stem}{}.{}", f.file_suffix(), f.extension()))
            }
            FilePurpose::SaveChart => dir.join(format!("{stem}-chart.png")),
            FilePurpose::ExportNetwork(f) => dir.join(format!("{stem}-network.{}", f.extension())),
            FilePurpose::ExportTimeline(f) => {
                dir.join(format!("{stem}-over-time.{}", f.extension()))
            }
        }
    }

    pub(super) fn open_file_dialog(&mut self, purpose: FilePurpose, then: Option<Box<Command>>) {
        let initial = self.default_path_for(purpose);
        let mut dialog = FileDialog::new(purpose, initial, self.options.native_dialogs);
        dialog.then = then;
        if let FilePurpose::Export(format) = purpose
            && self.session.project().articles.len() > 1
            && let Some(article) = self.current_article()
            && let Some(a) = self.session.project().article(article)
        {
            // A Manifesto file holds one article: the one shown, unless unticked.
            let one = format == crate::formats::export::ExportFormat::ManifestoCsv;
            dialog.only_article = Some((article, a.title.clone(), one));
        }
        self.ui.modal = Some(Modal::File(dialog));
    }
}
