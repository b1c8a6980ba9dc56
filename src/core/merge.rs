//! Reloading a project that someone else changed on disk while this window had unsaved edits:
//! this window's changes (from `base`, the file as this window last read or wrote it, to
//! `ours`, the project now) are applied on top of `theirs` (the file on disk now).
//!
//! Rules: what only this window changed is applied; an annotation this window edited that is
//! gone from the file is kept (and reported); an article whose text differs is re-anchored the
//! way re-import does, never guessed; all of it is one undoable step, so one Undo gives the
//! file's version exactly.

use std::collections::HashMap;

use crate::core::anchor::{Anchorer, CONTEXT_CHARS, QuoteSelector};
use crate::core::model::{Annotation, AnnotationId, Article, Project};
use crate::core::text::{self, OffsetIndex};
use crate::core::workspace::Workspace;

/// What merging this window's changes did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Changes of this window applied on top of the file.
    pub applied: usize,
    /// Annotations this window edited that the file no longer has: kept, quoted here.
    pub kept: Vec<String>,
    /// Changes that could not be applied (their article is gone from the file), with why.
    pub dropped: Vec<String>,
    /// Annotations whose passage could not be found in the file's text: kept as orphans.
    pub orphaned: usize,
}

impl MergeReport {
    /// One line for a notice.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} change(s) of this window kept", self.applied)];
        if !self.kept.is_empty() {
            parts.push(format!(
                "{} annotation(s) edited here but deleted in the file were kept",
                self.kept.len()
            ));
        }
        if self.orphaned > 0 {
            parts.push(format!("{} orphaned", self.orphaned));
        }
        if !self.dropped.is_empty() {
            parts.push(format!("{} could not be applied", self.dropped.len()));
        }
        parts.join("; ")
    }
}

/// `ours`'s annotation placed on the text `ws` now has for its article: unchanged when the text
/// is the same, else found again by its quote and context (orphaned when it cannot be).
fn placed(ws: &Workspace, ours_project: &Project, ann: &Annotation) -> Option<Annotation> {
    let target = ws.project().article(ann.article)?;
    let mine = ours_project.article(ann.article)?;
    if target.text == mine.text || ann.orphaned {
        return Some(ann.clone());
    }
    let offsets = OffsetIndex::new(&mine.text);
    let (prefix, quote, suffix) = offsets.quote_and_context(&mine.text, ann.range, CONTEXT_CHARS);
    let old = Anchorer::new(&mine.text);
    let placement = Anchorer::new(&target.text).place_from(
        &old,
        QuoteSelector {
            range: ann.range,
            exact: quote,
            prefix,
            suffix,
        },
    );
    let mut out = ann.clone();
    match placement.range() {
        Some(range) => {
            out.range = range;
            out.quote = text::slice_chars(&target.text, range).to_owned();
        }
        None => {
            out.orphaned = true;
            out.prefix = prefix.to_owned();
            out.suffix = suffix.to_owned();
        }
    }
    Some(out)
}

/// Applies the changes from `base` to `ours` onto the project `ws` holds (the file's), as one
/// undoable step named "keep this window's changes".
pub fn apply_unsaved_changes(ws: &mut Workspace, base: &Project, ours: &Project) -> MergeReport {
    ws.group("keep this window's changes", |ws| merge(ws, base, ours))
}

fn merge(ws: &mut Workspace, base: &Project, ours: &Project) -> MergeReport {
    let mut report = MergeReport::default();
    let count = |r: Result<(), String>, report: &mut MergeReport| match r {
        Ok(()) => report.applied += 1,
        Err(e) => report.dropped.push(e),
    };
    if ours.name != base.name {
        let r = ws.rename_project(&ours.name).map_err(|e| e.to_string());
        count(r, &mut report);
    }
    // Analysts this window added or renamed (before the annotations that are theirs).
    for analyst in &ours.analysts {
        if base.analyst(&analyst.id) != Some(analyst) {
            let r = ws.put_analyst(analyst.clone()).map_err(|e| e.to_string());
            count(r, &mut report);
        }
    }
    // Stances this window added or changed (before the annotations that use them).
    for stance in &ours.stances.0 {
        if base.stances.get(&stance.id) != Some(stance) {
            let r = ws.put_stance(stance.clone()).map_err(|e| e.to_string());
            count(r, &mut report);
        }
    }
    // Articles this window added or changed.
    for article in &ours.articles {
        let before = base.article(article.id);
        if before == Some(&**article) {
            continue;
        }
        let r = match (before, ws.project().article(article.id).is_some()) {
            (_, false) => ws
                .add_article(Article::clone(article))
                .map(|_| ())
                .map_err(|e| e.to_string()),
            (before, true) => {
                let mut r = ws.put_article_details(article).map_err(|e| e.to_string());
                if before.is_none_or(|b| b.text != article.text) && r.is_ok() {
                    r = ws
                        .set_article_text(article.id, &article.text)
                        .map(|_| ())
                        .map_err(|e| e.to_string());
                }
                r
            }
        };
        count(r, &mut report);
    }
    merge_annotations(ws, base, ours, &mut report);
    // Rejected suggestions this window added or forgot (they are hints: one whose article is
    // gone from the file is dropped without a word).
    for rejection in &ours.rejections {
        if base.rejections.get(rejection.id) != Some(rejection)
            && ws.project().article(rejection.article).is_some()
        {
            let r = ws
                .put_rejection((**rejection).clone())
                .map_err(|e| e.to_string());
            count(r, &mut report);
        }
    }
    for rejection in &base.rejections {
        if !ours.rejections.contains(rejection.id) && ws.project().rejections.contains(rejection.id)
        {
            let r = ws.remove_rejection(rejection.id).map_err(|e| e.to_string());
            count(r, &mut report);
        }
    }
    // Removals this window made: articles (with their annotations in the file), then stances.
    for article in &base.articles {
        if ours.article(article.id).is_none() && ws.project().article(article.id).is_some() {
            let r = ws.remove_article(article.id).map_err(|e| e.to_string());
            count(r, &mut report);
        }
    }
    for stance in &base.stances.0 {
        if ours.stances.get(&stance.id).is_none() && ws.project().stances.get(&stance.id).is_some()
        {
            let r = ws.remove_stance(&stance.id).map_err(|e| e.to_string());
            count(r, &mut report);
        }
    }
    report
}

fn merge_annotations(ws: &mut Workspace, base: &Project, ours: &Project, report: &mut MergeReport) {
    let base_by_id: HashMap<AnnotationId, &Annotation> =
        base.annotations.iter().map(|a| (a.id, &**a)).collect();
    for ann in &ours.annotations {
        let before = base_by_id.get(&ann.id).copied();
        if before == Some(&**ann) {
            continue;
        }
        let in_file = ws.project().annotation(ann.id).is_some();
        if before.is_some() && !in_file {
            report.kept.push(text::snippet(&ann.quote, 80));
        }
        let Some(placed) = placed(ws, ours, ann) else {
            report.dropped.push(format!(
                "“{}”: its article is gone from the file",
                text::snippet(&ann.quote, 60)
            ));
            continue;
        };
        let orphan = placed.orphaned && !ann.orphaned;
        match ws.put_annotation(placed) {
            Ok(()) => {
                report.applied += 1;
                report.orphaned += usize::from(orphan);
            }
            Err(e) => report
                .dropped
                .push(format!("“{}”: {e}", text::snippet(&ann.quote, 60))),
        }
    }
    let ours_ids: std::collections::HashSet<AnnotationId> =
        ours.annotations.iter().map(|a| a.id).collect();
    for ann in &base.annotations {
        if !ours_ids.contains(&ann.id) && ws.project().annotation(ann.id).is_some() {
            match ws.delete_annotation(ann.id) {
                Ok(()) => report.applied += 1,
                Err(e) => report.dropped.push(e.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{StanceId, TextRange};
    use crate::core::workspace::SteppingClock;

    fn ws(project: Project) -> Workspace {
        Workspace::new(project, Box::new(SteppingClock::default()))
    }

    fn range_of(text: &str, needle: &str) -> TextRange {
        let start = text[..text.find(needle).unwrap()].chars().count();
        TextRange {
            start,
            end: start + needle.chars().count(),
        }
    }

    #[test]
    fn both_windows_changes_survive_and_one_undo_gives_the_file_back() {
        let text = "Open models help. Rules matter. Security first. The end.";
        let mut start = ws(Project::new("p"));
        let art = start.add_article(Article::new("a", text)).unwrap();
        let reg = StanceId::new("regulation");
        let shared = start
            .add_annotation(art, range_of(text, "Rules matter."), &reg, "")
            .unwrap();
        let edited_there_deleted = start
            .add_annotation(art, range_of(text, "The end."), &reg, "")
            .unwrap();
        let base = start.project().clone();

        // The other window: adds one annotation, deletes one, and edits the text.
        let mut theirs = ws(base.clone());
        let sec = StanceId::new("security");
        theirs
            .add_annotation(art, range_of(text, "Security first."), &sec, "theirs")
            .unwrap();
        theirs.delete_annotation(edited_there_deleted).unwrap();
        let new_text = format!("Preface. {text}");
        theirs.set_article_text(art, &new_text).unwrap();
        let disk = theirs.project().clone();

        // This window: adds one, notes the shared one, and notes the one deleted on disk.
        let mut ours = ws(base.clone());
        let added = ours
            .add_annotation(art, range_of(text, "Open models help."), &sec, "ours")
            .unwrap();
        ours.set_annotation_note(shared, "a note").unwrap();
        ours.set_annotation_note(edited_there_deleted, "kept")
            .unwrap();

        let mut merged = ws(disk.clone());
        let report = apply_unsaved_changes(&mut merged, &base, ours.project());
        let p = merged.project();
        assert_eq!(report.kept.len(), 1, "{report:?}");
        assert!(report.dropped.is_empty(), "{report:?}");
        assert_eq!(p.annotations.len(), 4);
        assert_eq!(p.annotation(shared).unwrap().note, "a note");
        assert_eq!(p.annotation(edited_there_deleted).unwrap().note, "kept");
        let a = p.annotation(added).unwrap();
        assert_eq!(a.quote, "Open models help.");
        assert_eq!(
            text::slice_chars(&new_text, a.range),
            "Open models help.",
            "placed on the file's new text"
        );
        assert!(p.validate().is_empty(), "{:?}", p.validate());
        merged.undo().unwrap();
        assert_eq!(merged.project(), &disk);
    }
}
