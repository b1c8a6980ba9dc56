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
    // Team settings: this window's own changes (blind coding, coded marks, curators) on top
    // of the file's.
    if ours.team != base.team {
        let mut team = ws.project().team.clone();
        if ours.team.blind != base.team.blind {
            team.blind = ours.team.blind;
        }
        for mark in ours.team.coded.difference(&base.team.coded) {
            team.coded.insert(mark.clone());
        }
        for mark in base.team.coded.difference(&ours.team.coded) {
            team.coded.remove(mark);
        }
        for curator in ours.team.curators.difference(&base.team.curators) {
            team.curators.insert(curator.clone());
        }
        for curator in base.team.curators.difference(&ours.team.curators) {
            team.curators.remove(curator);
        }
        let r = ws.put_team(team).map_err(|e| e.to_string());
        count(r, &mut report);
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
            match ws.remove_merged_annotation(ann.id) {
                Ok(()) => report.applied += 1,
                Err(e) => report.dropped.push(e.to_string()),
            }
        }
    }
}

// ----- bringing in other analysts' work -----------------------------------------------------

/// What merging another copy's work did, per analyst.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AnalystTally {
    /// New annotations.
    pub added: usize,
    /// Annotations already here that the other copy changed later.
    pub updated: usize,
    /// Annotations already here as they are.
    pub unchanged: usize,
    /// Annotations whose passage could not be found in this project's text.
    pub orphaned: usize,
    /// Annotations on articles this project does not have.
    pub article_not_found: usize,
}

/// What [`merge_work`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WorkMergeReport {
    /// Per analyst (by display name), in name order.
    pub analysts: std::collections::BTreeMap<String, AnalystTally>,
    /// Annotations both copies changed: the later `modified` was kept; the other is named here.
    pub conflicts: Vec<String>,
    /// Records that could not be merged, with why.
    pub broken: Vec<String>,
    /// Articles of the other copy not found here (by text, id or title).
    pub missing_articles: Vec<String>,
    /// Stances the other copy had that were added.
    pub stances_added: Vec<String>,
}

impl WorkMergeReport {
    /// One line per analyst.
    pub fn lines(&self) -> Vec<String> {
        self.analysts
            .iter()
            .map(|(name, t)| {
                let mut parts = vec![
                    format!("{} added", t.added),
                    format!("{} updated", t.updated),
                    format!("{} unchanged", t.unchanged),
                ];
                if t.orphaned > 0 {
                    parts.push(format!("{} orphaned", t.orphaned));
                }
                if t.article_not_found > 0 {
                    parts.push(format!("{} on articles not found", t.article_not_found));
                }
                format!("{name}: {}", parts.join(", "))
            })
            .collect()
    }

    /// How many annotations came in or changed.
    pub fn changed(&self) -> usize {
        self.analysts.values().map(|t| t.added + t.updated).sum()
    }
}

/// An article's text as merging compares it: LF line ends, trailing spaces of each line and of
/// the whole text trimmed.
fn comparable_text(text: &str) -> String {
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    lf.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

/// Brings the annotations of another copy of the project (another analyst's file or folder, or
/// a JSON export) in as their analysts' layers, as one undoable step: articles matched by their
/// text, else id, else title, and annotations re-anchored where the text differs; stances by
/// id, then label (unknown ones added); ids kept, so merging the same copy twice changes
/// nothing; an annotation both copies changed keeps the later `modified` (a tie keeps this
/// project's) and names the other; coded marks come along.
pub fn merge_work(ws: &mut Workspace, incoming: &Project) -> WorkMergeReport {
    ws.group("merge analysts' work", |ws| merge_work_steps(ws, incoming))
}

fn merge_work_steps(ws: &mut Workspace, incoming: &Project) -> WorkMergeReport {
    let mut report = WorkMergeReport::default();
    // Articles: by comparable text, else id, else title.
    let by_text: HashMap<String, crate::core::model::ArticleId> = ws
        .project()
        .articles
        .iter()
        .map(|a| (comparable_text(&a.text), a.id))
        .collect();
    let mut article_map: HashMap<crate::core::model::ArticleId, crate::core::model::ArticleId> =
        HashMap::new();
    for theirs in &incoming.articles {
        let ours = by_text
            .get(&comparable_text(&theirs.text))
            .copied()
            .or_else(|| ws.project().article(theirs.id).map(|a| a.id))
            .or_else(|| {
                ws.project()
                    .articles
                    .iter()
                    .find(|a| a.title == theirs.title)
                    .map(|a| a.id)
            });
        match ours {
            Some(id) => {
                article_map.insert(theirs.id, id);
            }
            None => report.missing_articles.push(theirs.title.clone()),
        }
    }
    // Stances: by id, then label; the others added.
    let mut stance_map: HashMap<crate::core::model::StanceId, crate::core::model::StanceId> =
        HashMap::new();
    for stance in &incoming.stances.0 {
        let project = ws.project();
        let mapped = if project.stances.get(&stance.id).is_some() {
            stance.id.clone()
        } else if let Some(same) = project.stances.0.iter().find(|s| s.label == stance.label) {
            same.id.clone()
        } else {
            let mut new = stance.clone();
            if new
                .parent
                .as_ref()
                .is_some_and(|p| project.stances.get(p).is_none())
            {
                new.parent = None;
            }
            if new
                .hotkey
                .is_some_and(|k| project.stances.by_hotkey(k).is_some())
            {
                new.hotkey = None;
            }
            match ws.put_stance(new) {
                Ok(()) => report.stances_added.push(stance.label.clone()),
                Err(e) => report
                    .broken
                    .push(format!("stance “{}”: {e}", stance.label)),
            }
            stance.id.clone()
        };
        stance_map.insert(stance.id.clone(), mapped);
    }
    // Analysts whose work comes in.
    for analyst in &incoming.analysts {
        if ws.project().analyst(&analyst.id).is_none()
            && let Err(e) = ws.put_analyst(analyst.clone())
        {
            report.broken.push(format!("analyst {}: {e}", analyst.name));
        }
    }
    for ann in &incoming.annotations {
        let name = incoming.analyst_name(&ann.analyst).to_owned();
        let Some(&article) = article_map.get(&ann.article) else {
            report.analysts.entry(name).or_default().article_not_found += 1;
            continue;
        };
        let Some(stance) = stance_map.get(&ann.stance).cloned() else {
            report.broken.push(format!(
                "“{}”: its stance {} is not in the file it came from",
                text::snippet(&ann.quote, 60),
                ann.stance
            ));
            continue;
        };
        let mut candidate = Annotation {
            article,
            stance,
            ..(**ann).clone()
        };
        // Placed on this project's text: as it is when the texts are the same, else found
        // again by its quote and context.
        let theirs_article = incoming.article(ann.article).expect("mapped above");
        let ours_text = ws
            .project()
            .article(article)
            .map(|a| a.text.clone())
            .unwrap_or_default();
        let was_orphan = candidate.orphaned;
        if theirs_article.text != ours_text && !candidate.orphaned {
            let offsets = OffsetIndex::new(&theirs_article.text);
            if candidate.range.end > offsets.char_len() || candidate.range.is_empty() {
                report.broken.push(format!(
                    "“{}”: its range {}..{} is outside its article",
                    text::snippet(&ann.quote, 60),
                    ann.range.start,
                    ann.range.end
                ));
                continue;
            }
            let (prefix, quote, suffix) =
                offsets.quote_and_context(&theirs_article.text, ann.range, CONTEXT_CHARS);
            let placement = Anchorer::new(&ours_text).place_from(
                &Anchorer::new(&theirs_article.text),
                QuoteSelector {
                    range: ann.range,
                    exact: quote,
                    prefix,
                    suffix,
                },
            );
            match placement.range() {
                Some(range) => {
                    candidate.range = range;
                    candidate.quote = text::slice_chars(&ours_text, range).to_owned();
                }
                None => {
                    candidate.orphaned = true;
                    candidate.quote = quote.to_owned();
                    candidate.prefix = prefix.to_owned();
                    candidate.suffix = suffix.to_owned();
                }
            }
        }
        let tally = report.analysts.entry(name).or_default();
        let existing = ws.project().annotation(candidate.id).cloned();
        match existing {
            Some(here) if here == candidate => tally.unchanged += 1,
            Some(here) => {
                if candidate.modified > here.modified {
                    match ws.put_annotation(candidate.clone()) {
                        Ok(()) => {
                            tally.updated += 1;
                            report.conflicts.push(format!(
                                "“{}”: the other copy's later change was kept (this project had {} · {})",
                                text::snippet(&here.quote, 50),
                                here.stance,
                                text::snippet(&here.note, 30)
                            ));
                        }
                        Err(e) => report
                            .broken
                            .push(format!("“{}”: {e}", text::snippet(&ann.quote, 60))),
                    }
                } else {
                    tally.unchanged += 1;
                    report.conflicts.push(format!(
                        "“{}”: this project's change was kept (the other copy had {} · {})",
                        text::snippet(&here.quote, 50),
                        candidate.stance,
                        text::snippet(&candidate.note, 30)
                    ));
                }
            }
            None => match ws.put_annotation(candidate.clone()) {
                Ok(()) => {
                    tally.added += 1;
                    tally.orphaned += usize::from(candidate.orphaned && !was_orphan);
                }
                Err(e) => report
                    .broken
                    .push(format!("“{}”: {e}", text::snippet(&ann.quote, 60))),
            },
        }
    }
    // Coded marks of the incoming analysts, on the articles found here.
    let mut team = ws.project().team.clone();
    for mark in &incoming.team.coded {
        if let Some(&article) = article_map.get(&mark.article)
            && ws.project().analyst(&mark.analyst).is_some()
        {
            team.coded.insert(crate::core::model::CodedMark {
                article,
                analyst: mark.analyst.clone(),
            });
        }
    }
    for curator in &incoming.team.curators {
        team.curators.insert(curator.clone());
    }
    if let Err(e) = ws.put_team(team) {
        report.broken.push(format!("coded marks: {e}"));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{AnalystId, StanceId, TextRange};
    use crate::core::workspace::SteppingClock;
    use std::sync::Arc;

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

    /// Another analyst's copy of the same corpus: one article with the same text (trailing
    /// spaces aside), one re-typed (re-anchored), one we do not have; a stance under another
    /// id with the same label, one unknown; an annotation both copies hold, changed later there.
    #[test]
    fn another_copy_merges_as_its_analysts_layer_once_and_reports_each_analyst() {
        let text = "Open models help. Rules matter. Security first. The end.";
        let mut here = ws(Project::new("p"));
        here.set_analyst_name("Dana");
        let same = here.add_article(Article::new("Same", text)).unwrap();
        let edited = here
            .add_article(Article::new("Edited", "Intro. Rules matter here too."))
            .unwrap();
        let reg = StanceId::new("regulation");
        let shared = here
            .add_annotation(same, range_of(text, "Rules matter."), &reg, "")
            .unwrap();
        let base = here.project().clone();

        // Ben's copy: separate article ids (he imported the files himself), the shared
        // annotation noted later, his own passages.
        let mut theirs_project = base.clone();
        theirs_project.articles = vec![
            Arc::new(Article::new("Same", &format!("{text}  \r\n"))),
            Arc::new(Article::new("Edited", "Intro.\nRules matter here too.")),
            Arc::new(Article::new("Only Ben's", "Something else entirely.")),
        ];
        let mut theirs = ws(theirs_project);
        theirs.set_analyst_name("Ben");
        let ben_same = theirs.project().articles[0].id;
        let ben_text = theirs.project().articles[0].text.clone();
        let ben_edited = theirs.project().articles[1].id;
        let ben_other = theirs.project().articles[2].id;
        // Ben's "regulation" is called "rules" in his copy's ids but has the same label.
        let mut rules = theirs.project().stances.get(&reg).unwrap().clone();
        rules.id = StanceId::new("rules");
        rules.hotkey = None;
        theirs.put_stance(rules.clone()).unwrap();
        let mut values = rules.clone();
        values.id = StanceId::new("values");
        values.label = "values".into();
        theirs.put_stance(values.clone()).unwrap();
        let rules_id = rules.id.clone();
        let b1 = theirs
            .add_annotation(
                ben_same,
                range_of(&ben_text, "Security first."),
                &rules_id,
                "",
            )
            .unwrap();
        let b2 = theirs
            .add_annotation(
                ben_edited,
                range_of("Intro.\nRules matter here too.", "matter here"),
                &values.id,
                "",
            )
            .unwrap();
        theirs
            .add_annotation(ben_other, TextRange { start: 0, end: 9 }, &rules_id, "")
            .unwrap();
        let mut incoming = theirs.project().clone();
        // The shared annotation, noted in Ben's copy later than ours.
        let mut later = incoming.annotation(shared).unwrap().clone();
        later.article = ben_same;
        later.range = range_of(&ben_text, "Rules matter.");
        later.note = "noted there".into();
        later.modified += chrono::Duration::seconds(60);
        incoming.annotations.remove(shared);
        incoming.annotations.insert(Arc::new(later)).unwrap();

        let before = here.project().clone();
        let report = merge_work(&mut here, &incoming);
        let p = here.project();
        let ben = AnalystId::new("ben");
        let tally = &report.analysts["Ben"];
        assert_eq!((tally.added, tally.article_not_found), (2, 1), "{report:?}");
        assert_eq!(report.missing_articles, ["Only Ben's"]);
        assert_eq!(report.stances_added, ["values"]);
        // His passages sit on our articles: the same text as it is, the edited one found again.
        let on_same = p.annotation(b1).unwrap();
        assert_eq!((on_same.article, &on_same.analyst), (same, &ben));
        assert_eq!(on_same.stance, reg, "matched by label");
        assert_eq!(text::slice_chars(text, on_same.range), "Security first.");
        let on_edited = p.annotation(b2).unwrap();
        assert_eq!(on_edited.article, edited);
        assert_eq!(on_edited.quote, "matter here");
        assert!(!on_edited.orphaned);
        // The shared annotation: the later change kept, and said so.
        assert_eq!(p.annotation(shared).unwrap().note, "noted there");
        assert_eq!(report.conflicts.len(), 1, "{report:?}");
        assert!(p.validate().is_empty(), "{:?}", p.validate());

        // The same copy again changes nothing.
        let merged = here.project().clone();
        let again = merge_work(&mut here, &incoming);
        assert_eq!(here.project(), &merged);
        assert_eq!(again.changed(), 0, "{again:?}");
        assert_eq!(again.analysts["Ben"].unchanged, 2);

        // Merging nothing new made no step; one undo takes the first merge back.
        here.undo().unwrap();
        assert_eq!(here.project(), &before);
    }
}
