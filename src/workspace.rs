//! The open project and everything an analyst can do to it.
//!
//! [`Workspace`] owns the [`Project`], its file path, the undo/redo history and the "unsaved
//! changes" state. Each public method is one analyst action; it turns into an [`Edit`], applies
//! it and records the inverse, so every action is undoable and testable without a window.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::anchor::{self, Anchorer, Placement, QuoteSelector};
use crate::edit::{AnnotationChange, Edit, EditError};
use crate::model::{
    Annotation, AnnotationId, Article, ArticleId, ArticleMeta, Project, Rgb, Stance, StanceId,
    TextRange,
};
use crate::store::{self, StoreError};
use crate::text;

/// Source of timestamps, injected so tests and golden files are reproducible.
pub trait Clock: Send {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock for tests: starts at a fixed instant and advances one second per reading.
#[derive(Debug)]
pub struct SteppingClock(std::sync::Mutex<DateTime<Utc>>);

impl SteppingClock {
    /// Starts at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(start))
    }
}

impl Default for SteppingClock {
    /// Starts at 2025-01-01T00:00:00Z.
    fn default() -> Self {
        Self::new(DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default())
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = *t;
        *t += chrono::Duration::seconds(1);
        now
    }
}

/// Why an article could not be re-imported from its source file.
#[derive(Debug, thiserror::Error)]
pub enum ReimportError {
    /// The article was not imported from a file.
    #[error("this article has no source file to re-import from")]
    NoSource,
    /// Reading the source failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The change was refused.
    #[error(transparent)]
    Action(#[from] ActionError),
}

/// Why an action was refused. The project is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The selection is empty or outside the article.
    #[error("select some text first")]
    EmptySelection,
    /// No stance has this id or hotkey.
    #[error("unknown stance `{0}`")]
    UnknownStance(String),
    /// The edit failed.
    #[error(transparent)]
    Edit(#[from] EditError),
}

#[derive(Debug)]
struct HistoryEntry {
    label: String,
    /// Applying this undoes the entry; after undoing, it holds the redo edit.
    edit: Edit,
    /// Unique per change, to tell whether the project differs from what was saved.
    seq: u64,
}

/// The project being worked on, with undo history and save state.
pub struct Workspace {
    project: Project,
    path: Option<PathBuf>,
    undo: Vec<HistoryEntry>,
    redo: Vec<HistoryEntry>,
    next_seq: u64,
    saved_seq: u64,
    /// Set when the project came from a recovery file: unsaved until saved, whatever the history.
    restored: bool,
    revision: u64,
    /// The latest revision steps: (from, to, the annotations changed, or `None` when anything
    /// else changed), so views can update incrementally (see [`Self::annotation_changes_since`]).
    journal: std::collections::VecDeque<(u64, u64, Option<Vec<AnnotationChange>>)>,
    clock: Box<dyn Clock>,
    /// Name recorded on new annotations.
    pub annotator: String,
}

/// The project at one point of its history (see [`Workspace::snapshot`]).
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The project's content.
    pub project: Project,
    /// Its position in the undo history.
    seq: u64,
}

/// How many revision steps [`Workspace::annotation_changes_since`] can look back.
const JOURNAL_STEPS: usize = 64;

/// A revision number no workspace has used, so a view's cache can never mistake one project
/// (or a reopened one) for another.
fn fresh_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("path", &self.path)
            .field("revision", &self.revision)
            .field("dirty", &self.is_dirty())
            .finish_non_exhaustive()
    }
}

impl Workspace {
    /// Wraps a project (new or loaded) with an empty history, as saved at `path`.
    pub fn new(project: Project, path: Option<PathBuf>, clock: Box<dyn Clock>) -> Self {
        Self {
            project,
            path,
            undo: Vec::new(),
            redo: Vec::new(),
            next_seq: 1,
            saved_seq: 0,
            restored: false,
            revision: fresh_revision(),
            journal: std::collections::VecDeque::new(),
            clock,
            annotator: String::new(),
        }
    }

    /// Loads a project file; on error nothing is created and the file is untouched.
    ///
    /// A file in an older format is converted: the project will be saved in the current format
    /// at [`store::save_path_for`] (the old file stays as it is) and counts as unsaved until then.
    pub fn open(path: &Path, clock: Box<dyn Clock>) -> Result<Self, StoreError> {
        Ok(Self::opened(
            path,
            store::load_project_detailed(path)?,
            clock,
        ))
    }

    /// The workspace of a project loaded from `path` (see [`Self::open`]), for a project loaded
    /// on another thread.
    pub fn opened(path: &Path, loaded: store::LoadedProject, clock: Box<dyn Clock>) -> Self {
        let save_path = store::unused_save_path_for(path, loaded.format_version);
        let converted = save_path != path;
        let mut ws = Self::new(loaded.project, Some(save_path), clock);
        ws.restored = converted;
        ws
    }

    /// The project, read-only: every change goes through an action method.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Where the project was last opened from or saved to.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// True when the project differs from the file on disk (or was never saved).
    pub fn is_dirty(&self) -> bool {
        let top = self.undo.last().map_or(0, |e| e.seq);
        self.restored || top != self.saved_seq || (self.path.is_none() && !self.undo.is_empty())
    }

    /// Changes on every change, undo and redo, and is unique across workspaces; views cache
    /// derived data keyed on it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Every annotation changed since `revision`, in order, when only annotations changed and
    /// the step is recent; `None` when the caller must rebuild what it derived from the project.
    pub fn annotation_changes_since(&self, revision: u64) -> Option<Vec<AnnotationChange>> {
        if revision == self.revision {
            return Some(Vec::new());
        }
        let start = self
            .journal
            .iter()
            .position(|(from, _, _)| *from == revision)?;
        let mut all = Vec::new();
        for (_, _, changes) in self.journal.iter().skip(start) {
            all.extend(changes.as_ref()?.iter().cloned());
        }
        Some(all)
    }

    /// Moves to a new revision after an edit was applied (`forward`, which returned `inverse`).
    fn advance_revision(&mut self, forward: &Edit, inverse: &Edit) {
        let from = self.revision;
        self.revision = fresh_revision();
        self.journal
            .push_back((from, self.revision, forward.annotation_changes(inverse)));
        if self.journal.len() > JOURNAL_STEPS {
            self.journal.pop_front();
        }
    }

    /// Saves to the current path (atomically).
    pub fn save(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone().ok_or(StoreError::NoPath)?;
        self.save_as(&path)
    }

    /// Saves to `path` (atomically) and makes it the current path.
    pub fn save_as(&mut self, path: &Path) -> Result<(), StoreError> {
        let snapshot = self.snapshot();
        store::save_project(&snapshot.project, path)?;
        self.mark_saved(path, snapshot);
        Ok(())
    }

    /// The project as it is now, for saving on another thread: cheap, since articles and
    /// annotations are shared, not copied. Pass it back to [`Self::mark_saved`] once written.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            project: self.project.clone(),
            seq: self.undo.last().map_or(0, |e| e.seq),
        }
    }

    /// Records that `snapshot` was saved to `path`, which becomes the current path. Changes
    /// made since the snapshot still count as unsaved.
    pub fn mark_saved(&mut self, path: &Path, snapshot: Snapshot) {
        self.path = Some(path.to_owned());
        self.saved_seq = snapshot.seq;
        self.restored = false;
    }

    /// Wraps a project restored from a recovery file: it belongs at `path` but differs from
    /// what is saved there, so it counts as unsaved until the analyst saves it.
    pub fn restored(project: Project, path: Option<PathBuf>, clock: Box<dyn Clock>) -> Self {
        let mut ws = Self::new(project, path, clock);
        ws.restored = true;
        ws
    }

    /// Label of the change Undo would revert, e.g. "delete annotation".
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|e| e.label.as_str())
    }

    /// Label of the change Redo would re-apply.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|e| e.label.as_str())
    }

    /// Reverts the last change; returns its label.
    pub fn undo(&mut self) -> Option<String> {
        let entry = self.undo.pop()?;
        self.step_history(entry, true)
    }

    /// Re-applies the last undone change; returns its label.
    pub fn redo(&mut self) -> Option<String> {
        let entry = self.redo.pop()?;
        self.step_history(entry, false)
    }

    fn step_history(&mut self, entry: HistoryEntry, undoing: bool) -> Option<String> {
        let forward = entry.edit.clone();
        match entry.edit.apply(&mut self.project) {
            Ok(inverse) => {
                self.advance_revision(&forward, &inverse);
                let label = entry.label.clone();
                let moved = HistoryEntry {
                    label: entry.label,
                    edit: inverse,
                    seq: entry.seq,
                };
                if undoing {
                    self.redo.push(moved);
                } else {
                    self.undo.push(moved);
                }
                Some(label)
            }
            // Inverses are built from the state they undo, so this cannot happen unless the
            // history is corrupted; drop the history rather than apply a wrong change.
            Err(_) => {
                self.undo.clear();
                self.redo.clear();
                None
            }
        }
    }

    /// Applies an edit as one undoable step named `label`.
    fn execute(&mut self, label: &str, edit: Edit) -> Result<(), ActionError> {
        let forward = edit.clone();
        let inverse = edit.apply(&mut self.project)?;
        self.advance_revision(&forward, &inverse);
        self.redo.clear();
        self.undo.push(HistoryEntry {
            label: label.to_owned(),
            edit: inverse,
            seq: self.next_seq,
        });
        self.next_seq += 1;
        Ok(())
    }

    fn article_or_err(&self, id: ArticleId) -> Result<&Article, ActionError> {
        self.project
            .article(id)
            .ok_or_else(|| EditError::NotFound("article".into()).into())
    }

    fn annotation_or_err(&self, id: AnnotationId) -> Result<&Annotation, ActionError> {
        self.project
            .annotation(id)
            .ok_or_else(|| EditError::NotFound("annotation".into()).into())
    }

    // ----- annotations -------------------------------------------------------------------

    /// Tags the passage `range` of an article with a stance; returns the new annotation's id.
    pub fn add_annotation(
        &mut self,
        article: ArticleId,
        range: TextRange,
        stance: &StanceId,
        note: &str,
    ) -> Result<AnnotationId, ActionError> {
        if self.project.stances.get(stance).is_none() {
            return Err(ActionError::UnknownStance(stance.to_string()));
        }
        let art = self.article_or_err(article)?;
        if range.is_empty() || range.end > art.char_len() {
            return Err(ActionError::EmptySelection);
        }
        let quote = text::slice_chars(&art.text, range).to_owned();
        if quote.trim().is_empty() {
            return Err(ActionError::EmptySelection);
        }
        let now = self.clock.now();
        let ann = Annotation {
            id: Uuid::new_v4(),
            article,
            range,
            quote,
            prefix: String::new(),
            suffix: String::new(),
            orphaned: false,
            stance: stance.clone(),
            note: note.to_owned(),
            annotator: self.annotator.clone(),
            created: now,
            modified: now,
        };
        let id = ann.id;
        let end = self.project.annotations.len();
        self.execute("add annotation", Edit::InsertAnnotation(end, Arc::new(ann)))?;
        Ok(id)
    }

    /// Tags the passage with the stance bound to digit `hotkey`.
    pub fn add_annotation_by_hotkey(
        &mut self,
        article: ArticleId,
        range: TextRange,
        hotkey: u8,
    ) -> Result<AnnotationId, ActionError> {
        let stance = self
            .project
            .stances
            .by_hotkey(hotkey)
            .ok_or_else(|| ActionError::UnknownStance(format!("hotkey {hotkey}")))?
            .id
            .clone();
        self.add_annotation(article, range, &stance, "")
    }

    fn modify_annotation(
        &mut self,
        id: AnnotationId,
        label: &str,
        change: impl FnOnce(&mut Annotation),
    ) -> Result<(), ActionError> {
        let mut ann = self.annotation_or_err(id)?.clone();
        let before = ann.clone();
        change(&mut ann);
        if ann == before {
            return Ok(());
        }
        ann.modified = self.clock.now();
        self.execute(label, Edit::ReplaceAnnotation(Arc::new(ann)))
    }

    /// Changes an annotation's stance.
    pub fn set_annotation_stance(
        &mut self,
        id: AnnotationId,
        stance: &StanceId,
    ) -> Result<(), ActionError> {
        if self.project.stances.get(stance).is_none() {
            return Err(ActionError::UnknownStance(stance.to_string()));
        }
        self.modify_annotation(id, "change stance", |a| a.stance = stance.clone())
    }

    /// Replaces an annotation's note.
    pub fn set_annotation_note(&mut self, id: AnnotationId, note: &str) -> Result<(), ActionError> {
        self.modify_annotation(id, "edit note", |a| a.note = note.to_owned())
    }

    /// Deletes an annotation.
    pub fn delete_annotation(&mut self, id: AnnotationId) -> Result<(), ActionError> {
        self.execute("delete annotation", Edit::RemoveAnnotation(id))
    }

    // ----- articles ----------------------------------------------------------------------

    /// Adds an article at the end of the list; returns its id.
    pub fn add_article(&mut self, article: Article) -> Result<ArticleId, ActionError> {
        let id = article.id;
        let end = self.project.articles.len();
        self.execute("add article", Edit::InsertArticle(end, Arc::new(article)))?;
        Ok(id)
    }

    /// Removes an article and all its annotations (one undoable step).
    pub fn remove_article(&mut self, id: ArticleId) -> Result<(), ActionError> {
        self.article_or_err(id)?;
        let mut edits: Vec<Edit> = self
            .project
            .annotations
            .iter()
            .filter(|a| a.article == id)
            .map(|a| Edit::RemoveAnnotation(a.id))
            .collect();
        edits.push(Edit::RemoveArticle(id));
        self.execute("remove article", Edit::Batch(edits))
    }

    /// Renames an article.
    pub fn rename_article(&mut self, id: ArticleId, title: &str) -> Result<(), ActionError> {
        let mut article = self.article_or_err(id)?.clone();
        if article.title == title {
            return Ok(());
        }
        article.title = title.to_owned();
        self.execute("rename article", Edit::ReplaceArticle(Arc::new(article)))
    }

    /// Replaces an article's text (edited by the analyst or re-imported from its changed source)
    /// and re-anchors every annotation of it; those that cannot be placed with confidence are
    /// marked orphaned, never moved to a guessed passage or dropped. One undoable step.
    /// Returns how many annotations were orphaned.
    pub fn set_article_text(
        &mut self,
        id: ArticleId,
        new_text: &str,
    ) -> Result<usize, ActionError> {
        let mut article = self.article_or_err(id)?.clone();
        let new_text = text::normalize_newlines(new_text);
        if article.text == new_text {
            return Ok(0);
        }
        let anchorer = Anchorer::new(&new_text);
        let old_anchorer = Anchorer::new(&article.text);
        let old_index = text::ParagraphIndex::new(&article.text);
        let now = self.clock.now();
        let mut edits = Vec::new();
        let mut orphaned = 0;
        for ann in self.project.annotations.iter().filter(|a| a.article == id) {
            // An anchored annotation's context is the text around it; an orphan keeps its own.
            let (prefix, suffix) = if ann.orphaned {
                (ann.prefix.as_str(), ann.suffix.as_str())
            } else {
                let (prefix, _, suffix) =
                    old_index.quote_and_context(&article.text, ann.range, anchor::CONTEXT_CHARS);
                (prefix, suffix)
            };
            let placement = anchorer.place_from(
                &old_anchorer,
                QuoteSelector {
                    range: ann.range,
                    exact: &ann.quote,
                    prefix,
                    suffix,
                },
            );
            let mut moved = Annotation::clone(ann);
            match placement.range() {
                Some(range) => {
                    moved.range = range;
                    moved.quote = text::slice_chars(&new_text, range).to_owned();
                    moved.prefix = String::new();
                    moved.suffix = String::new();
                    moved.orphaned = false;
                }
                None => {
                    moved.prefix = prefix.to_owned();
                    moved.suffix = suffix.to_owned();
                    moved.orphaned = true;
                    orphaned += 1;
                }
            }
            if matches!(placement, Placement::Fuzzy(..)) {
                moved.modified = now;
            }
            if moved != **ann {
                edits.push(Edit::ReplaceAnnotation(Arc::new(moved)));
            }
        }
        article.text = new_text;
        edits.insert(0, Edit::ReplaceArticle(Arc::new(article)));
        self.execute("edit article text", Edit::Batch(edits))?;
        Ok(orphaned)
    }

    /// Reloads an article from its source file and re-anchors its annotations
    /// (see [`Self::set_article_text`]). Returns how many were orphaned.
    pub fn reimport_article(&mut self, id: ArticleId) -> Result<usize, ReimportError> {
        let source = self
            .article_or_err(id)?
            .source_path
            .clone()
            .ok_or(ReimportError::NoSource)?;
        let fresh = store::import_article(Path::new(&source))?;
        Ok(self.set_article_text(id, &fresh.text)?)
    }

    /// Places an orphaned (or any) annotation on a new passage of its article.
    pub fn reattach_annotation(
        &mut self,
        id: AnnotationId,
        range: TextRange,
    ) -> Result<(), ActionError> {
        let ann = self.annotation_or_err(id)?.clone();
        let art = self.article_or_err(ann.article)?;
        if range.is_empty() || range.end > art.char_len() {
            return Err(ActionError::EmptySelection);
        }
        let quote = text::slice_chars(&art.text, range).to_owned();
        let now = self.clock.now();
        let moved = Annotation {
            range,
            quote,
            prefix: String::new(),
            suffix: String::new(),
            orphaned: false,
            modified: now,
            ..ann
        };
        self.execute(
            "re-attach annotation",
            Edit::ReplaceAnnotation(Arc::new(moved)),
        )
    }

    /// Replaces an article's author/outlet/date/URL.
    pub fn set_article_meta(
        &mut self,
        id: ArticleId,
        meta: ArticleMeta,
    ) -> Result<(), ActionError> {
        let mut article = self.article_or_err(id)?.clone();
        if article.meta == meta {
            return Ok(());
        }
        article.meta = meta;
        self.execute(
            "edit article details",
            Edit::ReplaceArticle(Arc::new(article)),
        )
    }

    /// Renames the project.
    pub fn rename_project(&mut self, name: &str) -> Result<(), ActionError> {
        if self.project.name == name {
            return Ok(());
        }
        self.execute("rename project", Edit::RenameProject(name.to_owned()))
    }

    // ----- stances -----------------------------------------------------------------------

    /// Adds a stance with the next free hotkey; returns its id.
    pub fn add_stance(&mut self, label: &str, color: Rgb) -> Result<StanceId, ActionError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(EditError::Invalid("a stance needs a name".into()).into());
        }
        let stance = Stance {
            id: self.project.stances.unique_id_for(label),
            label: label.to_owned(),
            color,
            description: String::new(),
            hotkey: self.project.stances.free_hotkey(),
        };
        let id = stance.id.clone();
        let end = self.project.stances.0.len();
        self.execute("add stance", Edit::InsertStance(end, stance))?;
        Ok(id)
    }

    fn modify_stance(
        &mut self,
        id: &StanceId,
        label: &str,
        change: impl FnOnce(&mut Stance),
    ) -> Result<(), ActionError> {
        let mut stance = self
            .project
            .stances
            .get(id)
            .ok_or_else(|| ActionError::UnknownStance(id.to_string()))?
            .clone();
        let before = stance.clone();
        change(&mut stance);
        if stance == before {
            return Ok(());
        }
        self.execute(label, Edit::ReplaceStance(stance))
    }

    /// Changes a stance's label (its id, used in exports, stays).
    pub fn rename_stance(&mut self, id: &StanceId, label: &str) -> Result<(), ActionError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(EditError::Invalid("a stance needs a name".into()).into());
        }
        self.modify_stance(id, "rename stance", |s| s.label = label.to_owned())
    }

    /// Changes a stance's colour.
    pub fn recolor_stance(&mut self, id: &StanceId, color: Rgb) -> Result<(), ActionError> {
        self.modify_stance(id, "recolour stance", |s| s.color = color)
    }

    /// Changes a stance's description.
    pub fn describe_stance(&mut self, id: &StanceId, description: &str) -> Result<(), ActionError> {
        self.modify_stance(id, "describe stance", |s| {
            s.description = description.to_owned()
        })
    }

    /// Removes a stance and every annotation that uses it (one undoable step). The UI asks
    /// first when [`Project::stance_usage`] is not zero.
    pub fn remove_stance(&mut self, id: &StanceId) -> Result<(), ActionError> {
        if self.project.stances.get(id).is_none() {
            return Err(ActionError::UnknownStance(id.to_string()));
        }
        let mut edits: Vec<Edit> = self
            .project
            .annotations
            .iter()
            .filter(|a| &a.stance == id)
            .map(|a| Edit::RemoveAnnotation(a.id))
            .collect();
        edits.push(Edit::RemoveStance(id.clone()));
        self.execute("remove stance", Edit::Batch(edits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (Workspace, ArticleId) {
        let mut ws = Workspace::new(Project::new("t"), None, Box::new(SteppingClock::default()));
        ws.annotator = "tester".into();
        let id = ws
            .add_article(Article::new(
                "A",
                "Café 北京 🙂 open source matters.\nSecond line.",
            ))
            .unwrap();
        (ws, id)
    }

    #[test]
    fn add_edit_delete_annotation_with_undo_redo() {
        let (mut ws, art) = workspace();
        let start = ws.project().clone();
        let reg = StanceId::new("regulation");
        let id = ws
            .add_annotation(art, TextRange { start: 5, end: 7 }, &reg, "")
            .unwrap();
        let ann = ws.project().annotation(id).unwrap();
        assert_eq!(ann.quote, "北京");
        assert_eq!(ann.annotator, "tester");
        let created = ann.created;

        ws.set_annotation_note(id, "capital").unwrap();
        ws.set_annotation_stance(id, &StanceId::new("security"))
            .unwrap();
        let ann = ws.project().annotation(id).unwrap();
        assert_eq!(ann.note, "capital");
        assert_eq!(ann.stance.as_str(), "security");
        assert!(ann.modified > created);
        assert_eq!(ws.undo_label(), Some("change stance"));

        ws.delete_annotation(id).unwrap();
        assert!(ws.project().annotation(id).is_none());
        let end = ws.project().clone();

        for _ in 0..4 {
            ws.undo().unwrap();
        }
        assert_eq!(ws.project(), &start);
        for _ in 0..4 {
            ws.redo().unwrap();
        }
        assert_eq!(ws.project(), &end);
    }

    #[test]
    fn refuses_empty_or_out_of_range_selection_and_unknown_stance() {
        let (mut ws, art) = workspace();
        let reg = StanceId::new("regulation");
        assert_eq!(
            ws.add_annotation(art, TextRange { start: 3, end: 3 }, &reg, ""),
            Err(ActionError::EmptySelection)
        );
        assert_eq!(
            ws.add_annotation(art, TextRange { start: 3, end: 999 }, &reg, ""),
            Err(ActionError::EmptySelection)
        );
        assert!(matches!(
            ws.add_annotation(art, TextRange { start: 0, end: 3 }, &StanceId::new("x"), ""),
            Err(ActionError::UnknownStance(_))
        ));
        assert!(ws.project().annotations.is_empty());
    }

    #[test]
    fn hotkey_picks_the_bound_stance() {
        let (mut ws, art) = workspace();
        let id = ws
            .add_annotation_by_hotkey(art, TextRange { start: 10, end: 21 }, 2)
            .unwrap();
        let ann = ws.project().annotation(id).unwrap();
        assert_eq!(ann.stance.as_str(), "regulation");
        assert_eq!(ann.quote, "open source");
        assert!(
            ws.add_annotation_by_hotkey(art, TextRange { start: 0, end: 2 }, 9)
                .is_err()
        );
    }

    #[test]
    fn annotation_changes_are_journaled_until_something_else_changes() {
        let (mut ws, article) = workspace();
        let start = ws.revision();
        let stance = StanceId::new("regulation");
        let id = ws
            .add_annotation(article, TextRange { start: 4, end: 7 }, &stance, "")
            .unwrap();
        let changes = ws.annotation_changes_since(start).unwrap();
        assert_eq!(changes.len(), 1);
        assert!(changes[0].before.is_none());
        assert_eq!(changes[0].after.as_ref().unwrap().id, id);
        let added = ws.revision();
        ws.set_annotation_note(id, "n").unwrap();
        let changes = ws.annotation_changes_since(added).unwrap();
        assert_eq!(changes[0].before.as_ref().unwrap().note, "");
        assert_eq!(changes[0].after.as_ref().unwrap().note, "n");
        assert_eq!(ws.annotation_changes_since(start).unwrap().len(), 2);
        ws.undo();
        let undone = ws.annotation_changes_since(start).unwrap();
        assert_eq!(undone.len(), 3);
        assert_eq!(undone[2].after.as_ref().unwrap().note, "");
        assert_eq!(ws.annotation_changes_since(ws.revision()), Some(Vec::new()));
        // Anything else (here, renaming the article) asks views to rebuild.
        ws.rename_article(article, "renamed").unwrap();
        assert_eq!(ws.annotation_changes_since(start), None);
        // Unknown revisions too, including those of another workspace.
        let (other, _) = workspace();
        assert_eq!(ws.annotation_changes_since(other.revision()), None);
        assert_ne!(other.revision(), ws.revision());
    }

    #[test]
    fn removing_article_or_stance_takes_annotations_and_undo_restores_them() {
        let (mut ws, art) = workspace();
        let reg = StanceId::new("regulation");
        ws.add_annotation(art, TextRange { start: 0, end: 4 }, &reg, "n")
            .unwrap();
        ws.add_annotation(
            art,
            TextRange { start: 2, end: 8 },
            &StanceId::new("security"),
            "",
        )
        .unwrap();
        let before = ws.project().clone();
        assert_eq!(ws.project().stance_usage(&reg), 1);
        ws.remove_stance(&reg).unwrap();
        assert_eq!(ws.project().annotations.len(), 1);
        assert!(ws.project().stances.get(&reg).is_none());
        ws.undo();
        assert_eq!(ws.project(), &before);
        ws.remove_article(art).unwrap();
        assert!(ws.project().articles.is_empty());
        assert!(ws.project().annotations.is_empty());
        ws.undo();
        assert_eq!(ws.project(), &before);
    }

    #[test]
    fn stance_scheme_edits() {
        let (mut ws, _) = workspace();
        let id = ws.add_stance("Economic growth", Rgb([1, 2, 3])).unwrap();
        assert_eq!(id.as_str(), "economic-growth");
        assert_eq!(ws.project().stances.get(&id).unwrap().hotkey, Some(4));
        ws.rename_stance(&id, "Economy").unwrap();
        ws.recolor_stance(&id, Rgb([9, 9, 9])).unwrap();
        ws.describe_stance(&id, "jobs and growth").unwrap();
        let s = ws.project().stances.get(&id).unwrap();
        assert_eq!(
            (s.label.as_str(), s.color, s.description.as_str()),
            ("Economy", Rgb([9, 9, 9]), "jobs and growth")
        );
        assert!(ws.rename_stance(&id, "  ").is_err());
        assert_eq!(ws.undo_label(), Some("describe stance"));
    }

    #[test]
    fn dirty_tracks_save_point_through_undo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.stance.json");
        let (mut ws, art) = workspace();
        assert!(ws.is_dirty());
        ws.save_as(&path).unwrap();
        assert!(!ws.is_dirty());
        ws.rename_article(art, "B").unwrap();
        assert!(ws.is_dirty());
        ws.undo();
        assert!(!ws.is_dirty());
        ws.redo();
        assert!(ws.is_dirty());
        ws.save().unwrap();
        assert!(!ws.is_dirty());
    }
}
