//! The open project and everything an analyst can do to it.
//!
//! [`Workspace`] owns the [`Project`], the undo/redo history and the "unsaved changes" state.
//! Each public method is one analyst action; it turns into an [`Edit`], applies it and records
//! the inverse, so every action is undoable and testable without a window. It does no file
//! I/O: the session ([`crate::session`]) reads and writes files and tells the workspace what
//! was saved.
//!
//! Invariants: the project always validates after an action; every action is one history step
//! (or none, when it changes nothing); the revision changes on every step and is unique across
//! workspaces.

mod actors;
mod units;

pub use units::{CodedUnits, UnitsChanged};

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::core::anchor::{self, Anchorer, Placement, QuoteSelector};
use crate::core::edit::{AnnotationChange, Edit, EditError};
use crate::core::model::{
    Analyst, AnalystId, Annotation, AnnotationId, Article, ArticleId, ArticleMeta, CodedMark,
    Project, Rgb, Stance, StanceId, Team, TextRange,
};
use crate::core::text;

/// Source of timestamps, injected so tests and golden files are reproducible.
pub trait Clock: Send {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Now, to the millisecond: the precision every project form keeps, so a record read back
    /// from a project folder equals the one written.
    fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
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

/// What re-anchoring did to an article's annotations when its text changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reanchored {
    /// Still at the same offsets.
    pub unchanged: usize,
    /// Found elsewhere (their passage moved, or was edited slightly).
    pub moved: usize,
    /// Not found with confidence: kept, listed as orphaned.
    pub orphaned: usize,
}

impl Reanchored {
    /// "12 stayed, 3 moved, 1 orphaned".
    pub fn summary(&self) -> String {
        format!(
            "{} stayed, {} moved, {} orphaned",
            self.unchanged, self.moved, self.orphaned
        )
    }
}

/// "1 annotation", "2 annotations": a count with its noun.
pub fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Why an action was refused. The project is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The selection is empty or outside the article.
    #[error("Select a passage first, then press a stance key")]
    EmptySelection,
    /// No stance has this id or hotkey.
    #[error("unknown stance `{0}`")]
    UnknownStance(String),
    /// The change would break the stance tree (a stance under itself or its sub-stance).
    #[error("{0}")]
    StanceLoop(String),
    /// The annotation is another analyst's (or gold, and this analyst does not curate it).
    #[error("{0}")]
    NotYours(String),
    /// The edit failed.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// Undo or redo could not apply its step: the history was dropped so no wrong change is
    /// made (the project is as it was before the step).
    #[error(
        "the undo history could not be applied ({0}) and was cleared; the project is unchanged"
    )]
    HistoryBroken(EditError),
    /// The project is still being read and the change needs what has not arrived yet.
    #[error("{0}: the project's annotations are still loading, try again in a moment")]
    StillLoading(String),
}

/// A project that is still being read: the articles whose annotations have not arrived yet,
/// and every edit applied since it opened, to apply again to the whole project once it has
/// (see [`Workspace::complete_load`]).
#[derive(Debug, Default)]
struct Partial {
    pending: std::collections::HashSet<ArticleId>,
    applied: Vec<Edit>,
}

impl Partial {
    /// Refuses an edit that needs records not read yet: annotations of pending articles, and
    /// what reaches into every article (removing a stance or an analyst, changing the actors'
    /// book other than by adding to it).
    fn allows(&self, project: &Project, edit: &Edit) -> Result<(), ActionError> {
        let article = |id: ArticleId, what: &str| {
            if self.pending.contains(&id) {
                Err(ActionError::StillLoading(format!(
                    "{what} on an article whose annotations have not arrived"
                )))
            } else {
                Ok(())
            }
        };
        let everywhere = |what: &str| Err(ActionError::StillLoading(what.to_owned()));
        match edit {
            Edit::InsertAnnotation(a) | Edit::ReplaceAnnotation(a) => {
                article(a.article, "an annotation")
            }
            Edit::InsertRejection(r) | Edit::ReplaceRejection(r) => {
                article(r.article, "a suggestion")
            }
            Edit::RemoveArticle(id) => article(*id, "removing an article"),
            Edit::ReplaceArticle(a) => article(a.id, "changing an article"),
            Edit::RemoveStance(_) => everywhere("removing a stance"),
            Edit::RemoveAnalyst(_) => everywhere("removing an analyst"),
            Edit::SetActors(book) => {
                let kept = project
                    .actors
                    .actors
                    .iter()
                    .all(|a| book.get(&a.id).is_some());
                if kept && book.scale == project.actors.scale {
                    Ok(())
                } else {
                    everywhere("removing actors or changing the position scale")
                }
            }
            Edit::Batch(edits) => edits.iter().try_for_each(|e| self.allows(project, e)),
            Edit::RemoveAnnotation(_)
            | Edit::RemoveRejection(_)
            | Edit::InsertArticle(..)
            | Edit::InsertStance(..)
            | Edit::ReplaceStance(_)
            | Edit::RenameProject(_)
            | Edit::SetProjectMemo(_)
            | Edit::SetTeam(_)
            | Edit::InsertAnalyst(..)
            | Edit::ReplaceAnalyst(_) => Ok(()),
        }
    }
}

/// What one revision step changed, for views that update incrementally.
#[derive(Debug, Clone)]
enum StepChanges {
    /// Only these annotations.
    Annotations(Vec<AnnotationChange>),
    /// The annotations of these articles arrived (the rest of a project being read); nothing
    /// else changed.
    Arrived(Arc<std::collections::HashSet<ArticleId>>),
    /// Anything else.
    Other,
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
    undo: Vec<HistoryEntry>,
    redo: Vec<HistoryEntry>,
    next_seq: u64,
    saved_seq: u64,
    /// Set when the project does not match any file (restored from a recovery file, converted
    /// from an older format, or never saved): unsaved until saved, whatever the history.
    restored: bool,
    revision: u64,
    /// The latest revision steps: (from, to, the annotations changed, or `None` when anything
    /// else changed), so views can update incrementally (see [`Self::annotation_changes_since`]).
    journal: std::collections::VecDeque<(u64, u64, StepChanges)>,
    /// Set while the project is still being read (see [`Self::new_partial`]).
    partial: Option<Partial>,
    clock: Box<dyn Clock>,
    /// The name of the analyst working here: new annotations and rejections are theirs.
    analyst_name: String,
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
            .field("revision", &self.revision)
            .field("dirty", &self.is_dirty())
            .finish_non_exhaustive()
    }
}

impl Workspace {
    /// Wraps a project loaded from a file, with an empty history: saved, until it changes.
    pub fn new(project: Project, clock: Box<dyn Clock>) -> Self {
        Self {
            project,
            undo: Vec::new(),
            redo: Vec::new(),
            next_seq: 1,
            saved_seq: 0,
            restored: false,
            revision: fresh_revision(),
            journal: std::collections::VecDeque::new(),
            partial: None,
            clock,
            analyst_name: String::new(),
        }
    }

    /// Wraps the first part of a project still being read: the annotations of the `pending`
    /// articles have not arrived. Until [`Self::complete_load`] hands over the whole project,
    /// edits that need them are refused ([`ActionError::StillLoading`]); the others apply as
    /// usual and are applied again to the whole project.
    pub fn new_partial(
        project: Project,
        pending: impl IntoIterator<Item = ArticleId>,
        clock: Box<dyn Clock>,
    ) -> Self {
        let mut ws = Self::new(project, clock);
        let pending: std::collections::HashSet<ArticleId> = pending.into_iter().collect();
        if !pending.is_empty() {
            ws.partial = Some(Partial {
                pending,
                applied: Vec::new(),
            });
        }
        ws
    }

    /// True while the project is still being read (some annotations have not arrived).
    pub fn is_partial(&self) -> bool {
        self.partial.is_some()
    }

    /// True when the annotations of `article` are all here.
    pub fn is_article_loaded(&self, article: ArticleId) -> bool {
        self.partial
            .as_ref()
            .is_none_or(|p| !p.pending.contains(&article))
    }

    /// Takes the whole project (the first part this workspace opened with, and the rest of
    /// its records, as read) in place of the first part: every change made here since applies
    /// to it again in order, the history and unsaved state stay. Returns the changes that
    /// could not be applied (none, unless the files changed in between), which are lost.
    pub fn complete_load(&mut self, mut whole: Project) -> Vec<String> {
        let Some(partial) = self.partial.take() else {
            return Vec::new();
        };
        let mut failed = Vec::new();
        for edit in partial.applied {
            if let Err(e) = edit.apply(&mut whole) {
                failed.push(e.to_string());
            }
        }
        self.project = whole;
        let from = self.revision;
        self.revision = fresh_revision();
        let step = if failed.is_empty() {
            StepChanges::Arrived(Arc::new(partial.pending))
        } else {
            StepChanges::Other
        };
        self.journal.push_back((from, self.revision, step));
        if self.journal.len() > JOURNAL_STEPS {
            self.journal.pop_front();
        }
        failed
    }

    /// Applies `edit` to the project, refusing what a project still being read cannot take.
    fn apply_edit(&mut self, edit: Edit) -> Result<Edit, ActionError> {
        let Some(partial) = &self.partial else {
            return Ok(edit.apply(&mut self.project)?);
        };
        partial.allows(&self.project, &edit)?;
        let again = edit.clone();
        let inverse = edit.apply(&mut self.project)?;
        if let Some(partial) = &mut self.partial {
            partial.applied.push(again);
        }
        Ok(inverse)
    }

    /// Wraps a project that matches no file: a new one, one restored from a recovery file or
    /// converted from an older format. It counts as unsaved until saved.
    pub fn unsaved(project: Project, clock: Box<dyn Clock>) -> Self {
        let mut ws = Self::new(project, clock);
        ws.restored = true;
        ws
    }

    /// The project, read-only: every change goes through an action method.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// True when the project differs from what was last saved (or matches no file).
    pub fn is_dirty(&self) -> bool {
        let top = self.undo.last().map_or(0, |e| e.seq);
        self.restored || top != self.saved_seq
    }

    /// Changes on every change, undo and redo, and is unique across workspaces; views cache
    /// derived data keyed on it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Every annotation changed since `revision`, in order, when only annotations changed and
    /// the step is recent; `None` when the caller must rebuild what it derived from the project.
    pub fn annotation_changes_since(&self, revision: u64) -> Option<Vec<AnnotationChange>> {
        self.changes_since(revision, None)
    }

    /// The annotations of `article` changed since `revision`, in order, when nothing else that
    /// a view of that article shows changed (the arrival of other articles' annotations does
    /// not count) and the step is recent; `None` when the caller must rebuild.
    pub fn annotation_changes_in(
        &self,
        revision: u64,
        article: ArticleId,
    ) -> Option<Vec<AnnotationChange>> {
        self.changes_since(revision, Some(article))
    }

    fn changes_since(
        &self,
        revision: u64,
        article: Option<ArticleId>,
    ) -> Option<Vec<AnnotationChange>> {
        if revision == self.revision {
            return Some(Vec::new());
        }
        let start = self
            .journal
            .iter()
            .position(|(from, _, _)| *from == revision)?;
        let mut all = Vec::new();
        for (_, _, changes) in self.journal.iter().skip(start) {
            match (changes, article) {
                (StepChanges::Annotations(changes), None) => all.extend(changes.iter().cloned()),
                (StepChanges::Annotations(changes), Some(article)) => all.extend(
                    changes
                        .iter()
                        .filter(|c| {
                            [&c.before, &c.after]
                                .into_iter()
                                .flatten()
                                .any(|a| a.article == article)
                        })
                        .cloned(),
                ),
                (StepChanges::Arrived(arrived), Some(article)) if !arrived.contains(&article) => {}
                _ => return None,
            }
        }
        Some(all)
    }

    /// Moves to a new revision after an edit was applied (`forward`, which returned `inverse`).
    fn advance_revision(&mut self, forward: &Edit, inverse: &Edit) {
        let from = self.revision;
        self.revision = fresh_revision();
        let changes = forward
            .annotation_changes(inverse)
            .map_or(StepChanges::Other, StepChanges::Annotations);
        self.journal.push_back((from, self.revision, changes));
        if self.journal.len() > JOURNAL_STEPS {
            self.journal.pop_front();
        }
    }

    /// The project as it is now, for saving on another thread: cheap, since articles and
    /// annotations are shared, not copied. Pass it back to [`Self::mark_saved`] once written.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            project: self.project.clone(),
            seq: self.undo.last().map_or(0, |e| e.seq),
        }
    }

    /// Records that `snapshot` was saved. Changes made since the snapshot still count as
    /// unsaved.
    pub fn mark_saved(&mut self, snapshot: &Snapshot) {
        self.saved_seq = snapshot.seq;
        self.restored = false;
    }

    /// True when `snapshot` is still the current state (nothing changed since it was taken).
    pub fn is_at(&self, snapshot: &Snapshot) -> bool {
        self.undo.last().map_or(0, |e| e.seq) == snapshot.seq
    }

    /// Identity of the change Undo would revert (it keeps it through undo and redo), so a view
    /// can tell which of its steps is undone or redone.
    pub fn undo_step(&self) -> Option<u64> {
        self.undo.last().map(|e| e.seq)
    }

    /// Identity of the change Redo would re-apply (see [`Self::undo_step`]).
    pub fn redo_step(&self) -> Option<u64> {
        self.redo.last().map(|e| e.seq)
    }

    /// Label of the change Undo would revert, e.g. "delete annotation".
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|e| e.label.as_str())
    }

    /// Label of the change Redo would re-apply.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|e| e.label.as_str())
    }

    /// Reverts the last change; returns its label (`None`: nothing to undo).
    pub fn undo(&mut self) -> Result<Option<String>, ActionError> {
        match self.undo.pop() {
            Some(entry) => self.step_history(entry, true).map(Some),
            None => Ok(None),
        }
    }

    /// Re-applies the last undone change; returns its label (`None`: nothing to redo).
    pub fn redo(&mut self) -> Result<Option<String>, ActionError> {
        match self.redo.pop() {
            Some(entry) => self.step_history(entry, false).map(Some),
            None => Ok(None),
        }
    }

    fn step_history(&mut self, entry: HistoryEntry, undoing: bool) -> Result<String, ActionError> {
        let forward = entry.edit.clone();
        match self.apply_edit(forward.clone()) {
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
                Ok(label)
            }
            // Not yet: the step stays where it was.
            Err(e @ ActionError::StillLoading(_)) => {
                if undoing {
                    self.undo.push(entry);
                } else {
                    self.redo.push(entry);
                }
                Err(e)
            }
            // Inverses are built from the state they undo, so this cannot happen unless the
            // history is corrupted; drop the history rather than apply a wrong change, and say so.
            Err(e) => {
                self.undo.clear();
                self.redo.clear();
                // Whatever was saved no longer matches a history position.
                self.restored = true;
                Err(ActionError::HistoryBroken(match e {
                    ActionError::Edit(e) => e,
                    other => EditError::Invalid(other.to_string()),
                }))
            }
        }
    }

    /// Refuses a stance the scheme lacks, or a group (a heading never coded itself).
    fn codable(&self, stance: &StanceId) -> Result<(), ActionError> {
        match self.project.stances.get(stance) {
            None => Err(ActionError::UnknownStance(stance.to_string())),
            Some(s) if s.group => Err(EditError::Invalid(format!(
                "{} groups codes and is not coded itself: choose one of its codes",
                s.label
            ))
            .into()),
            Some(_) => Ok(()),
        }
    }

    /// Applies an edit as one undoable step named `label`.
    fn execute(&mut self, label: &str, edit: Edit) -> Result<(), ActionError> {
        let forward = edit.clone();
        let inverse = self.apply_edit(edit)?;
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

    /// Runs `actions` (several workspace actions) as one undoable step named `label`: one
    /// Undo reverts them all. Returns what `actions` returns; steps that succeeded before an
    /// error stay applied (and grouped).
    pub fn group<T>(&mut self, label: &str, actions: impl FnOnce(&mut Self) -> T) -> T {
        let depth = self.undo.len();
        let out = actions(self);
        if self.undo.len() > depth {
            let steps: Vec<HistoryEntry> = self.undo.drain(depth..).collect();
            // Each entry's edit undoes its own step, so the group's undo runs them newest first.
            let edits = steps.into_iter().rev().map(|e| e.edit).collect();
            self.undo.push(HistoryEntry {
                label: label.to_owned(),
                edit: Edit::Batch(edits),
                seq: self.next_seq,
            });
            self.next_seq += 1;
        }
        out
    }

    /// Says who works here: new annotations and rejections go into this analyst's layer (an
    /// analyst of that name, or whose id is its slug; else one made for it, added to the
    /// project with their first record).
    pub fn set_analyst_name(&mut self, name: &str) {
        self.analyst_name = name.trim().to_owned();
    }

    /// The analyst working here, as the project knows them (or as they will be added).
    pub fn analyst(&self) -> Analyst {
        self.project
            .analyst_named(&self.analyst_name)
            .cloned()
            .unwrap_or_else(|| self.project.new_analyst(&self.analyst_name))
    }

    /// The analyst working here, added to the project when they are not in it yet (part of
    /// the step that gives them their first record).
    fn ensure_analyst(&mut self) -> Result<AnalystId, ActionError> {
        let analyst = self.analyst();
        let id = analyst.id.clone();
        if self.project.analyst(&id).is_none() {
            let at = self.project.analysts.len();
            self.execute("add analyst", Edit::InsertAnalyst(at, analyst))?;
        }
        Ok(id)
    }

    /// The analyst named `name` in the project, added when missing (records brought in from a
    /// file name their analyst by name); returns their id.
    pub fn ensure_analyst_named(&mut self, name: &str) -> Result<AnalystId, ActionError> {
        if let Some(a) = self.project.analyst_named(name) {
            return Ok(a.id.clone());
        }
        let analyst = self.project.new_analyst(name);
        let id = analyst.id.clone();
        if self.project.analyst(&id).is_none() {
            let at = self.project.analysts.len();
            self.execute("add analyst", Edit::InsertAnalyst(at, analyst))?;
        }
        Ok(id)
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
        self.codable(stance)?;
        let art = self.article_or_err(article)?;
        if range.is_empty() || range.end > art.char_len() {
            return Err(ActionError::EmptySelection);
        }
        let quote = text::slice_chars(&art.text, range).to_owned();
        if quote.trim().is_empty() {
            return Err(ActionError::EmptySelection);
        }
        let now = self.clock.now();
        self.group("add annotation", |ws| {
            let analyst = ws.ensure_analyst()?;
            let ann = Annotation {
                note: note.to_owned(),
                ..Annotation::new(article, range, quote, stance.clone(), analyst, now)
            };
            let id = ann.id;
            ws.execute("add annotation", Edit::InsertAnnotation(Arc::new(ann)))?;
            Ok(id)
        })
    }

    /// Gives every annotation in `ids` the stance `stance`, as one undoable step.
    pub fn set_stance_of(
        &mut self,
        ids: &[AnnotationId],
        stance: &StanceId,
    ) -> Result<(), ActionError> {
        if self.project.stances.get(stance).is_none() {
            return Err(ActionError::UnknownStance(stance.to_string()));
        }
        let label = format!("change the stance of {}", count_of(ids.len(), "annotation"));
        self.group(&label, |ws| {
            ids.iter()
                .try_for_each(|id| ws.set_annotation_stance(*id, stance))
        })
    }

    /// Deletes every annotation in `ids`, as one undoable step.
    pub fn delete_annotations(&mut self, ids: &[AnnotationId]) -> Result<(), ActionError> {
        let label = format!("delete {}", count_of(ids.len(), "annotation"));
        self.group(&label, |ws| {
            ids.iter().try_for_each(|id| ws.delete_annotation(*id))
        })
    }

    /// Tags every suggested passage whose text is still the suggestion's quote, as one undoable
    /// step; returns how many were tagged and how many were skipped (their text changed, or
    /// their article or stance is gone). Each article's offsets are indexed once, so a
    /// thousand suggestions in a long article cost one pass over it.
    pub fn accept_suggestions(
        &mut self,
        items: &[crate::core::model::Suggestion],
    ) -> (usize, usize) {
        let label = match items.len() {
            1 => "accept suggestion".to_owned(),
            n => format!("accept {n} suggestions"),
        };
        let mut indexes: std::collections::HashMap<ArticleId, (Arc<Article>, text::OffsetIndex)> =
            std::collections::HashMap::new();
        let now = self.clock.now();
        self.group(&label, |ws| {
            let mut added = 0;
            let Ok(analyst) = ws.ensure_analyst() else {
                return (0, items.len());
            };
            for item in items {
                if ws.project.stances.get(&item.stance).is_none() {
                    continue;
                }
                let Some((article, index)) = ws.project.article_arc(item.article).map(|a| {
                    indexes
                        .entry(a.id)
                        .or_insert_with(|| (a.clone(), text::OffsetIndex::new(&a.text)))
                }) else {
                    continue;
                };
                let fits = item.range.start < item.range.end && item.range.end <= index.char_len();
                if !fits || index.slice(&article.text, item.range) != item.quote {
                    continue;
                }
                let ann = Annotation::new(
                    item.article,
                    item.range,
                    item.quote.clone(),
                    item.stance.clone(),
                    analyst.clone(),
                    now,
                );
                if ws
                    .execute("add annotation", Edit::InsertAnnotation(Arc::new(ann)))
                    .is_ok()
                {
                    added += 1;
                }
            }
            (added, items.len() - added)
        })
    }

    /// Keeps every suggestion in `items` as rejected (see [`crate::core::model::Rejection`]), as one
    /// undoable step: it is not offered again with its stance, and the classifier learns from
    /// it. A passage already rejected with that stance, or whose article is gone, is skipped.
    /// Returns how many were kept.
    pub fn reject_suggestions(&mut self, items: &[crate::core::model::Suggestion]) -> usize {
        let label = match items.len() {
            1 => "reject suggestion".to_owned(),
            n => format!("reject {n} suggestions"),
        };
        let now = self.clock.now();
        // What is rejected already, looked up once rather than scanned for every item.
        let mut known: std::collections::HashSet<(ArticleId, TextRange, StanceId)> = self
            .project
            .rejections
            .iter()
            .map(|r| (r.article, r.range, r.stance.clone()))
            .collect();
        self.group(&label, |ws| {
            let mut kept = 0;
            let Ok(analyst) = ws.ensure_analyst() else {
                return 0;
            };
            for item in items {
                let key = (item.article, item.range, item.stance.clone());
                if known.contains(&key) || ws.project.article(item.article).is_none() {
                    continue;
                }
                known.insert(key);
                let rejection = crate::core::model::Rejection {
                    id: uuid::Uuid::new_v4(),
                    article: item.article,
                    range: item.range,
                    quote: item.quote.clone(),
                    stance: item.stance.clone(),
                    analyst: analyst.clone(),
                    rejected: now,
                };
                if ws
                    .execute(
                        "reject suggestion",
                        Edit::InsertRejection(Arc::new(rejection)),
                    )
                    .is_ok()
                {
                    kept += 1;
                }
            }
            kept
        })
    }

    /// Forgets every rejected suggestion, as one undoable step; returns how many there were.
    pub fn clear_rejections(&mut self) -> Result<usize, ActionError> {
        let n = self.project.rejections.len();
        if n > 0 {
            let edits = self
                .project
                .rejections
                .iter()
                .map(|r| Edit::RemoveRejection(r.id))
                .collect();
            self.execute("forget rejected suggestions", Edit::Batch(edits))?;
        }
        Ok(n)
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

    /// Whether the analyst working here may change `ann`: their own, or gold when they curate
    /// it. Another analyst's annotation can be copied into one's own layer instead.
    ///
    /// Layers are owned once the project is a team's: when, with the analyst working here, it
    /// has two or more named analysts (gold and `unknown` aside). A project coded by one
    /// person (or opened without a name) stays editable throughout.
    pub fn may_edit(&self, ann: &Annotation) -> Result<(), ActionError> {
        let me = self.analyst().id;
        if ann.analyst == me || (!ann.analyst.is_gold() && !self.is_team_project()) {
            return Ok(());
        }
        if ann.analyst.is_gold() {
            return if self.project.team.curators.contains(&me) {
                Ok(())
            } else {
                Err(ActionError::NotYours(
                    "Only a curator changes the gold layer: start curating (Team menu: Curate gold) first"
                        .to_owned(),
                ))
            };
        }
        Err(ActionError::NotYours(format!(
            "This is {}'s annotation: copy it into your layer to change it",
            self.project.analyst_name(&ann.analyst)
        )))
    }

    /// Whether the project is a team's (see [`Self::may_edit`]).
    pub fn is_team_project(&self) -> bool {
        let me = self.analyst().id;
        let mut named: std::collections::BTreeSet<&AnalystId> = self
            .project
            .analysts
            .iter()
            .map(|a| &a.id)
            .filter(|id| !id.is_reserved())
            .collect();
        if !me.is_reserved() {
            named.insert(&me);
        }
        named.len() >= 2
    }

    fn modify_annotation(
        &mut self,
        id: AnnotationId,
        label: &str,
        change: impl FnOnce(&mut Annotation),
    ) -> Result<(), ActionError> {
        self.may_edit(self.annotation_or_err(id)?)?;
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
        self.codable(stance)?;
        self.modify_annotation(id, "change stance", |a| a.stance = stance.clone())
    }

    /// Replaces an annotation's note.
    pub fn set_annotation_note(&mut self, id: AnnotationId, note: &str) -> Result<(), ActionError> {
        self.modify_annotation(id, "edit note", |a| a.note = note.to_owned())
    }

    /// Adds an annotation as it is, or replaces the one with its id (merging changes made
    /// elsewhere). Its range must hold its quote in its article, unless it is orphaned.
    pub fn put_annotation(&mut self, annotation: Annotation) -> Result<(), ActionError> {
        if self.project.stances.get(&annotation.stance).is_none() {
            return Err(ActionError::UnknownStance(annotation.stance.to_string()));
        }
        let art = self.article_or_err(annotation.article)?;
        if !annotation.orphaned {
            let r = annotation.range;
            if r.is_empty()
                || r.end > art.char_len()
                || text::slice_chars(&art.text, r) != annotation.quote
            {
                return Err(ActionError::EmptySelection);
            }
        }
        match self.project.annotation(annotation.id) {
            Some(existing) if *existing == annotation => Ok(()),
            Some(_) => self.execute(
                "change annotation",
                Edit::ReplaceAnnotation(Arc::new(annotation)),
            ),
            None => {
                if self.project.analyst(&annotation.analyst).is_none() {
                    return Err(EditError::Invalid(format!(
                        "analyst `{}` is not in the project",
                        annotation.analyst
                    ))
                    .into());
                }
                self.execute(
                    "add annotation",
                    Edit::InsertAnnotation(Arc::new(annotation)),
                )
            }
        }
    }

    /// Deletes an annotation (one's own, or gold for its curator).
    pub fn delete_annotation(&mut self, id: AnnotationId) -> Result<(), ActionError> {
        self.may_edit(self.annotation_or_err(id)?)?;
        self.execute("delete annotation", Edit::RemoveAnnotation(id))
    }

    /// Removes an annotation whatever its layer: a change made elsewhere being merged (a
    /// reload, a sync), not an analyst's own action.
    pub fn remove_merged_annotation(&mut self, id: AnnotationId) -> Result<(), ActionError> {
        self.execute("delete annotation", Edit::RemoveAnnotation(id))
    }

    /// Copies another analyst's (or gold's) annotation into this analyst's layer: the same
    /// passage, stance and note, a new id; returns it. One already there (same passage and
    /// stance) is not copied twice.
    pub fn copy_to_my_layer(&mut self, id: AnnotationId) -> Result<AnnotationId, ActionError> {
        let source = self.annotation_or_err(id)?.clone();
        let me = self.analyst().id;
        if let Some(existing) = self
            .project
            .annotations
            .layer(source.article, &me)
            .iter()
            .find(|a| a.range == source.range && a.stance == source.stance)
        {
            return Ok(existing.id);
        }
        let now = self.clock.now();
        self.group("copy annotation into my layer", |ws| {
            let analyst = ws.ensure_analyst()?;
            let copy = Annotation {
                note: source.note.clone(),
                actor: source.actor.clone(),
                position: source.position,
                prefix: source.prefix.clone(),
                suffix: source.suffix.clone(),
                orphaned: source.orphaned,
                ..Annotation::new(
                    source.article,
                    source.range,
                    source.quote.clone(),
                    source.stance.clone(),
                    analyst,
                    now,
                )
            };
            let new = copy.id;
            ws.execute("copy annotation", Edit::InsertAnnotation(Arc::new(copy)))?;
            Ok(new)
        })
    }

    // ----- team --------------------------------------------------------------------------

    /// Replaces the team settings as one undoable step named `label`.
    fn change_team(
        &mut self,
        label: &str,
        change: impl FnOnce(&mut Team),
    ) -> Result<(), ActionError> {
        let mut team = self.project.team.clone();
        change(&mut team);
        if team == self.project.team {
            return Ok(());
        }
        self.execute(label, Edit::SetTeam(team))
    }

    /// Replaces the team settings (merging changes made elsewhere).
    pub fn put_team(&mut self, team: Team) -> Result<(), ActionError> {
        self.change_team("change team settings", |t| *t = team)
    }

    /// Turns blind coding on or off for everyone.
    pub fn set_blind_coding(&mut self, on: bool) -> Result<(), ActionError> {
        let label = if on {
            "turn blind coding on"
        } else {
            "turn blind coding off"
        };
        self.change_team(label, |t| t.blind = on)
    }

    /// Marks an article coded (finished) by the analyst working here, or takes the mark back.
    pub fn set_coded(&mut self, article: ArticleId, coded: bool) -> Result<(), ActionError> {
        self.article_or_err(article)?;
        let label = if coded {
            "mark article coded"
        } else {
            "mark article not coded"
        };
        self.group(label, |ws| {
            let analyst = ws.ensure_analyst()?;
            ws.change_team(label, |t| {
                let mark = CodedMark { article, analyst };
                if coded {
                    t.coded.insert(mark);
                } else {
                    t.coded.remove(&mark);
                }
            })
        })
    }

    /// Makes the analyst working here a curator of the gold layer (and adds the gold analyst).
    pub fn become_curator(&mut self) -> Result<(), ActionError> {
        self.group("start curating gold", |ws| {
            let me = ws.ensure_analyst()?;
            if ws.project.analyst(&AnalystId::gold()).is_none() {
                let mut gold = ws.project.new_analyst("gold");
                gold.id = AnalystId::gold();
                gold.name = "gold".to_owned();
                gold.color = Rgb([0xd4, 0xaf, 0x37]);
                let at = ws.project.analysts.len();
                ws.execute("add gold", Edit::InsertAnalyst(at, gold))?;
            }
            ws.change_team("start curating gold", |t| {
                t.curators.insert(me);
            })
        })
    }

    /// Records in the gold layer that the passage `range` (around `source`) is not coded with
    /// `source`'s stance: a curator dropped it (a gold rejection). Only curators.
    pub fn drop_from_gold(
        &mut self,
        source: &Annotation,
        range: TextRange,
    ) -> Result<(), ActionError> {
        let me = self.analyst().id;
        if !self.project.team.curators.contains(&me) {
            return Err(ActionError::NotYours(
                "Only a curator settles the gold layer: start curating first".to_owned(),
            ));
        }
        let art = self.article_or_err(source.article)?;
        if range.is_empty() || range.end > art.char_len() {
            return Err(ActionError::EmptySelection);
        }
        let rejection = crate::core::model::Rejection {
            id: uuid::Uuid::new_v4(),
            article: source.article,
            range,
            quote: text::slice_chars(&art.text, range).to_owned(),
            stance: source.stance.clone(),
            analyst: AnalystId::gold(),
            rejected: self.clock.now(),
        };
        self.execute("drop from gold", Edit::InsertRejection(Arc::new(rejection)))
    }

    /// Puts a copy of `source` into the gold layer, recording this analyst as its curator (who
    /// must be one); returns the gold annotation's id. The same passage and stance already in
    /// gold is not added twice.
    pub fn take_into_gold(&mut self, source: &Annotation) -> Result<AnnotationId, ActionError> {
        let me = self.analyst().id;
        if !self.project.team.curators.contains(&me) {
            return Err(ActionError::NotYours(
                "Only a curator adds to the gold layer: start curating first".to_owned(),
            ));
        }
        let gold = AnalystId::gold();
        if let Some(existing) = self
            .project
            .annotations
            .layer(source.article, &gold)
            .iter()
            .find(|a| a.range == source.range && a.stance == source.stance)
        {
            return Ok(existing.id);
        }
        let now = self.clock.now();
        let ann = Annotation {
            note: source.note.clone(),
            actor: source.actor.clone(),
            position: source.position,
            curator: Some(me),
            orphaned: source.orphaned,
            prefix: source.prefix.clone(),
            suffix: source.suffix.clone(),
            ..Annotation::new(
                source.article,
                source.range,
                source.quote.clone(),
                source.stance.clone(),
                gold,
                now,
            )
        };
        let id = ann.id;
        self.execute("take into gold", Edit::InsertAnnotation(Arc::new(ann)))?;
        Ok(id)
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
            .in_article(id)
            .map(|a| Edit::RemoveAnnotation(a.id))
            .collect();
        edits.extend(
            self.project
                .rejections
                .in_article(id)
                .map(|r| Edit::RemoveRejection(r.id)),
        );
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
    /// and re-anchors every annotation of it (see [`Self::replace_article_text`]). Returns how
    /// many annotations were orphaned.
    pub fn set_article_text(
        &mut self,
        id: ArticleId,
        new_text: &str,
    ) -> Result<usize, ActionError> {
        self.replace_article_text(id, new_text, None)
            .map(|r| r.orphaned)
    }

    /// Replaces an article's text and re-anchors every annotation of it; those that cannot be
    /// placed with confidence are marked orphaned, never moved to a guessed passage or dropped.
    /// `source`, when given, becomes the article's source file (a re-import from a file the
    /// analyst chose). One undoable step.
    pub fn replace_article_text(
        &mut self,
        id: ArticleId,
        new_text: &str,
        source: Option<String>,
    ) -> Result<Reanchored, ActionError> {
        let mut article = self.article_or_err(id)?.clone();
        let new_text = text::normalize_newlines(new_text);
        let mut counts = Reanchored::default();
        if article.text == new_text && (source.is_none() || source == article.source_path) {
            counts.unchanged = self.project.annotations.count_in_article(id);
            return Ok(counts);
        }
        let anchorer = Anchorer::new(&new_text);
        let old_anchorer = Anchorer::new(&article.text);
        let old_index = text::OffsetIndex::new(&article.text);
        let now = self.clock.now();
        let mut edits = Vec::new();
        for ann in self.project.annotations.in_article(id) {
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
            match placement {
                Placement::Unchanged(_) => counts.unchanged += 1,
                Placement::Moved(_) | Placement::Fuzzy(..) => counts.moved += 1,
                Placement::Orphaned => counts.orphaned += 1,
            }
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
                }
            }
            if matches!(placement, Placement::Fuzzy(..)) {
                moved.modified = now;
            }
            if moved != **ann {
                edits.push(Edit::ReplaceAnnotation(Arc::new(moved)));
            }
        }
        // Rejected suggestions move with their passage; one that cannot be found is dropped.
        for rejection in self.project.rejections.in_article(id) {
            let (prefix, _, suffix) =
                old_index.quote_and_context(&article.text, rejection.range, anchor::CONTEXT_CHARS);
            let placement = anchorer.place_from(
                &old_anchorer,
                QuoteSelector {
                    range: rejection.range,
                    exact: &rejection.quote,
                    prefix,
                    suffix,
                },
            );
            match placement.range() {
                Some(range) if range == rejection.range => {}
                Some(range) => {
                    let mut moved = (**rejection).clone();
                    moved.range = range;
                    moved.quote = text::slice_chars(&new_text, range).to_owned();
                    edits.push(Edit::ReplaceRejection(Arc::new(moved)));
                }
                None => edits.push(Edit::RemoveRejection(rejection.id)),
            }
        }
        // Units move with their text like annotations (so their codes stay on them); one that
        // cannot be placed, or would overlap the one before, goes.
        if !article.units.is_empty() {
            let mut moved_units: Vec<crate::core::model::Unit> = Vec::new();
            for unit in &article.units {
                let (prefix, quote, suffix) =
                    old_index.quote_and_context(&article.text, unit.range(), anchor::CONTEXT_CHARS);
                let placement = anchorer.place_from(
                    &old_anchorer,
                    QuoteSelector {
                        range: unit.range(),
                        exact: quote,
                        prefix,
                        suffix,
                    },
                );
                if let Some(range) = placement.range()
                    && !range.is_empty()
                    && moved_units
                        .last()
                        .is_none_or(|last| last.end <= range.start)
                {
                    moved_units.push(crate::core::model::Unit {
                        start: range.start,
                        end: range.end,
                        heading: unit.heading,
                    });
                }
            }
            article.units = moved_units;
        }
        article.text = new_text;
        if source.is_some() {
            article.source_path = source;
        }
        edits.insert(0, Edit::ReplaceArticle(Arc::new(article)));
        self.execute("edit article text", Edit::Batch(edits))?;
        Ok(counts)
    }

    /// Places an orphaned (or any) annotation on a new passage of its article.
    pub fn reattach_annotation(
        &mut self,
        id: AnnotationId,
        range: TextRange,
    ) -> Result<(), ActionError> {
        let ann = self.annotation_or_err(id)?.clone();
        self.may_edit(&ann)?;
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

    /// Sets an article's title, details and source file from `from` (same id), keeping its
    /// text (merging changes made elsewhere).
    pub fn put_article_details(&mut self, from: &Article) -> Result<(), ActionError> {
        let mut article = self.article_or_err(from.id)?.clone();
        if (&article.title, &article.meta, &article.source_path)
            == (&from.title, &from.meta, &from.source_path)
        {
            return Ok(());
        }
        article.title = from.title.clone();
        article.meta = from.meta.clone();
        article.source_path = from.source_path.clone();
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

    /// Replaces the project's memo.
    pub fn set_project_memo(&mut self, memo: &str) -> Result<(), ActionError> {
        if self.project.memo == memo {
            return Ok(());
        }
        self.execute("edit project memo", Edit::SetProjectMemo(memo.to_owned()))
    }

    /// Replaces an article's memo.
    pub fn set_article_memo(&mut self, id: ArticleId, memo: &str) -> Result<(), ActionError> {
        let article = self.article_or_err(id)?;
        if article.memo == memo {
            return Ok(());
        }
        let mut changed = article.clone();
        changed.memo = memo.to_owned();
        self.execute("edit article memo", Edit::ReplaceArticle(Arc::new(changed)))
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
            parent: None,
            code: None,
            group: false,
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

    /// Adds an analyst as they are, or replaces the one with their id (merging changes made
    /// elsewhere).
    pub fn put_analyst(&mut self, analyst: Analyst) -> Result<(), ActionError> {
        match self.project.analyst(&analyst.id) {
            Some(existing) if *existing == analyst => Ok(()),
            Some(_) => self.execute("change analyst", Edit::ReplaceAnalyst(analyst)),
            None => {
                let end = self.project.analysts.len();
                self.execute("add analyst", Edit::InsertAnalyst(end, analyst))
            }
        }
    }

    /// Adds a rejected suggestion as it is, or replaces the one with its id (merging changes
    /// made elsewhere); its article and analyst must be in the project.
    pub fn put_rejection(
        &mut self,
        rejection: crate::core::model::Rejection,
    ) -> Result<(), ActionError> {
        match self.project.rejections.get(rejection.id) {
            Some(existing) if **existing == rejection => Ok(()),
            Some(_) => self.execute(
                "change rejected suggestion",
                Edit::ReplaceRejection(Arc::new(rejection)),
            ),
            None => self.execute(
                "reject suggestion",
                Edit::InsertRejection(Arc::new(rejection)),
            ),
        }
    }

    /// Forgets one rejected suggestion.
    pub fn remove_rejection(
        &mut self,
        id: crate::core::model::RejectionId,
    ) -> Result<(), ActionError> {
        self.execute("forget rejected suggestion", Edit::RemoveRejection(id))
    }

    /// Adds a stance as it is, or replaces the one with its id (merging changes made
    /// elsewhere). A hotkey another stance uses is dropped.
    pub fn put_stance(&mut self, mut stance: Stance) -> Result<(), ActionError> {
        if let Some(key) = stance.hotkey
            && self
                .project
                .stances
                .by_hotkey(key)
                .is_some_and(|other| other.id != stance.id)
        {
            stance.hotkey = None;
        }
        match self.project.stances.get(&stance.id) {
            Some(existing) if *existing == stance => Ok(()),
            Some(_) => self.execute("change stance", Edit::ReplaceStance(stance)),
            None => {
                let end = self.project.stances.0.len();
                self.execute("add stance", Edit::InsertStance(end, stance))
            }
        }
    }

    /// Makes `parent` the stance's parent (`None`: a top-level stance). A parent that is the
    /// stance itself or one of its sub-stances is refused.
    pub fn set_stance_parent(
        &mut self,
        id: &StanceId,
        parent: Option<&StanceId>,
    ) -> Result<(), ActionError> {
        let mut stance = self
            .project
            .stances
            .get(id)
            .cloned()
            .ok_or_else(|| ActionError::UnknownStance(id.to_string()))?;
        if let Some(p) = parent
            && !self.project.stances.can_be_parent(id, p)
        {
            return Err(ActionError::StanceLoop(format!(
                "“{}” cannot be under “{}”: that would make a loop",
                stance.label,
                self.project.stances.path_label(p)
            )));
        }
        stance.parent = parent.cloned();
        self.put_stance(stance)
    }

    /// Binds a stance to digit key `hotkey` (1–9), or unbinds it (`None`). A key another stance
    /// uses is refused.
    pub fn set_stance_hotkey(
        &mut self,
        id: &StanceId,
        hotkey: Option<u8>,
    ) -> Result<(), ActionError> {
        if let Some(key) = hotkey {
            if !(1..=9).contains(&key) {
                return Err(EditError::Invalid(format!("{key} is not a key from 1 to 9")).into());
            }
            if let Some(other) = self.project.stances.by_hotkey(key)
                && &other.id != id
            {
                return Err(EditError::Invalid(format!(
                    "key {key} is already used by “{}”",
                    other.label
                ))
                .into());
            }
        }
        self.modify_stance(id, "change stance key", |s| s.hotkey = hotkey)
    }

    /// Moves every annotation of stance `from` to stance `into` and removes `from`, as one
    /// undoable step. Returns how many annotations moved.
    pub fn merge_stance(&mut self, from: &StanceId, into: &StanceId) -> Result<usize, ActionError> {
        if from == into {
            return Err(EditError::Invalid("a stance cannot be merged into itself".into()).into());
        }
        for id in [from, into] {
            if self.project.stances.get(id).is_none() {
                return Err(ActionError::UnknownStance(id.to_string()));
            }
        }
        let now = self.clock.now();
        let mut edits: Vec<Edit> = self
            .project
            .annotations
            .iter()
            .filter(|a| &a.stance == from)
            .map(|a| {
                let mut moved = Annotation::clone(a);
                moved.stance = into.clone();
                moved.modified = now;
                Edit::ReplaceAnnotation(Arc::new(moved))
            })
            .collect();
        let moved = edits.len();
        edits.push(Edit::RemoveStance(from.clone()));
        self.execute("merge stance", Edit::Batch(edits))?;
        Ok(moved)
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

    /// Gives a stance a codebook code (`None` or blank: no code).
    pub fn set_stance_code(
        &mut self,
        id: &StanceId,
        code: Option<&str>,
    ) -> Result<(), ActionError> {
        let code = code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        self.modify_stance(id, "change code", |s| s.code = code)
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
        let mut ws = Workspace::new(Project::new("t"), Box::new(SteppingClock::default()));
        ws.set_analyst_name("tester");
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
        assert_eq!(ann.analyst.as_str(), "tester");
        assert_eq!(ws.project().analyst_name(&ann.analyst), "tester");
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
            ws.undo().unwrap().unwrap();
        }
        assert_eq!(ws.project(), &start);
        for _ in 0..4 {
            ws.redo().unwrap().unwrap();
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
        ws.undo().unwrap();
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
    fn a_partial_project_takes_local_changes_and_applies_them_again_to_the_whole() {
        // The whole project: two articles with an annotation each.
        let (mut whole_ws, first) = workspace();
        let second = whole_ws
            .add_article(Article::new("Second", "Another text about open source."))
            .unwrap();
        let reg = StanceId::new("regulation");
        for article in [first, second] {
            whole_ws
                .add_annotation(article, TextRange { start: 0, end: 7 }, &reg, "")
                .unwrap();
        }
        let whole = whole_ws.project().clone();
        // Its first part: the second article's annotation has not arrived.
        let mut first_part = whole.clone();
        first_part.annotations.take_where(|a| a.article == second);
        let mut ws =
            Workspace::new_partial(first_part, [second], Box::new(SteppingClock::default()));
        assert!(ws.is_partial() && ws.is_article_loaded(first) && !ws.is_article_loaded(second));
        let opened = ws.revision();
        let mine = ws
            .add_annotation(first, TextRange { start: 8, end: 12 }, &reg, "")
            .unwrap();
        ws.rename_project("Renamed").unwrap();
        let stance_change = ws.revision();
        for refused in [
            ws.add_annotation(second, TextRange { start: 8, end: 12 }, &reg, "")
                .map(|_| ()),
            ws.remove_stance(&reg),
            ws.remove_article(second),
        ] {
            assert!(
                matches!(refused, Err(ActionError::StillLoading(_))),
                "{refused:?}"
            );
        }
        assert_eq!(ws.undo_label(), Some("rename project"));
        // The rest arrives: the changes apply to the whole, history and unsaved state stay.
        let before = ws.revision();
        assert_eq!(ws.complete_load(whole), Vec::<String>::new());
        assert!(!ws.is_partial() && ws.is_dirty());
        assert_eq!(ws.project().annotations.len(), 3);
        assert_eq!(ws.project().name, "Renamed");
        // Views of the first article keep what they built; the second's and the counts rebuild.
        assert_eq!(ws.annotation_changes_in(before, first), Some(Vec::new()));
        assert_eq!(ws.annotation_changes_in(before, second), None);
        assert_eq!(ws.annotation_changes_since(before), None);
        assert_eq!(ws.annotation_changes_in(opened, first), None, "the rename");
        assert_eq!(
            ws.annotation_changes_in(stance_change, first),
            Some(Vec::new())
        );
        ws.undo().unwrap();
        ws.undo().unwrap();
        assert!(ws.project().annotation(mine).is_none());
        assert_eq!(ws.project().annotations.len(), 2);
        ws.add_annotation(second, TextRange { start: 8, end: 12 }, &reg, "")
            .unwrap();
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
        ws.undo().unwrap();
        assert_eq!(ws.project(), &before);
        ws.remove_article(art).unwrap();
        assert!(ws.project().articles.is_empty());
        assert!(ws.project().annotations.is_empty());
        ws.undo().unwrap();
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
        let (mut ws, art) = workspace();
        assert!(ws.is_dirty());
        ws.mark_saved(&ws.snapshot());
        assert!(!ws.is_dirty());
        ws.rename_article(art, "B").unwrap();
        assert!(ws.is_dirty());
        ws.undo().unwrap();
        assert!(!ws.is_dirty());
        ws.redo().unwrap();
        assert!(ws.is_dirty());
        let snapshot = ws.snapshot();
        ws.rename_article(art, "C").unwrap();
        ws.mark_saved(&snapshot);
        assert!(ws.is_dirty(), "a change after the snapshot stays unsaved");
        ws.undo().unwrap();
        assert!(!ws.is_dirty());
        assert!(ws.is_at(&snapshot));
        assert!(Workspace::unsaved(Project::new("n"), Box::new(SystemClock)).is_dirty());
    }
}
