//! Primitive, invertible edits of a [`Project`].
//!
//! Every change an analyst makes is expressed as an [`Edit`]; applying one returns the edit that
//! undoes it. Composite changes (removing an article together with its annotations) are
//! [`Edit::Batch`]es, whose inverse is the reversed batch of inverses. This is the single
//! mechanism behind undo/redo, so it is kept small and exhaustively tested.

use std::sync::Arc;

use thiserror::Error;

use crate::model::{
    Annotation, AnnotationId, Article, ArticleId, Project, Rejection, Stance, StanceId,
};

/// A change to a project that can be applied and inverted.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Insert an annotation at a position in the project's list.
    InsertAnnotation(usize, Arc<Annotation>),
    /// Remove the annotation with this id.
    RemoveAnnotation(AnnotationId),
    /// Replace the annotation with the same id.
    ReplaceAnnotation(Arc<Annotation>),
    /// Insert an article at a position in the project's list.
    InsertArticle(usize, Arc<Article>),
    /// Remove the article with this id (its annotations must be removed first).
    RemoveArticle(ArticleId),
    /// Replace the article with the same id.
    ReplaceArticle(Arc<Article>),
    /// Insert a stance at a position in the scheme.
    InsertStance(usize, Stance),
    /// Remove the stance with this id (annotations using it must be removed first).
    RemoveStance(StanceId),
    /// Replace the stance with the same id.
    ReplaceStance(Stance),
    /// Rename the project.
    RenameProject(String),
    /// Replace the project's memo.
    SetProjectMemo(String),
    /// Insert a rejected suggestion at a position in the project's list.
    InsertRejection(usize, Rejection),
    /// Remove the rejected suggestion at this position.
    RemoveRejection(usize),
    /// Replace the rejected suggestion at this position (its passage moved).
    ReplaceRejection(usize, Rejection),
    /// Several edits applied in order.
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied. The project is left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EditError {
    /// The target of the edit does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The edit would break an invariant of the project.
    #[error("{0}")]
    Invalid(String),
    /// A batch failed and undoing its first steps failed too: the project may be left partly
    /// changed. Cannot happen unless the history is corrupted; reported, never hidden.
    #[error("{cause}; undoing the partial change failed too ({rollback})")]
    RollbackFailed {
        /// Why the batch failed.
        cause: Box<EditError>,
        /// Why undoing its applied part failed.
        rollback: Box<EditError>,
    },
}

/// One annotation before and after an edit (`None`: absent), so views can update what they
/// derived from the project instead of rebuilding it.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationChange {
    /// The annotation before the edit.
    pub before: Option<Arc<Annotation>>,
    /// The annotation after the edit.
    pub after: Option<Arc<Annotation>>,
}

/// Applies annotation changes to `items`, a list sorted by `key` (a total order) of what `make`
/// derives from the annotations `listed` accepts: a binary search and one removal or insertion
/// per change, instead of a rebuild. Views (highlights, the annotation list) keep such lists.
pub fn apply_to_sorted<T, K: Ord>(
    items: &mut Vec<T>,
    changes: &[AnnotationChange],
    listed: impl Fn(&Annotation) -> bool,
    make: impl Fn(&Arc<Annotation>) -> T,
    key: impl Fn(&T) -> K,
) {
    for change in changes {
        if let Some(before) = change.before.as_ref().filter(|a| listed(a)) {
            let gone = key(&make(before));
            let at = items.partition_point(|item| key(item) < gone);
            if items.get(at).is_some_and(|item| key(item) == gone) {
                items.remove(at);
            }
        }
        if let Some(after) = change.after.as_ref().filter(|a| listed(a)) {
            let item = make(after);
            let new = key(&item);
            let at = items.partition_point(|existing| key(existing) < new);
            items.insert(at, item);
        }
    }
}

/// Collects the annotation changes of `forward`, given the `inverse` its application returned.
/// False when the edit also changed something else.
fn collect_annotation_changes(
    forward: &Edit,
    inverse: &Edit,
    out: &mut Vec<AnnotationChange>,
) -> bool {
    let (before, after) = match (forward, inverse) {
        (Edit::InsertAnnotation(_, new), _) => (None, Some(new.clone())),
        (Edit::RemoveAnnotation(_), Edit::InsertAnnotation(_, old)) => (Some(old.clone()), None),
        (Edit::ReplaceAnnotation(new), Edit::ReplaceAnnotation(old)) => {
            (Some(old.clone()), Some(new.clone()))
        }
        (Edit::Batch(forward), Edit::Batch(inverse)) => {
            // A batch's inverse is the reversed list of inverses.
            return forward
                .iter()
                .zip(inverse.iter().rev())
                .all(|(f, i)| collect_annotation_changes(f, i, out));
        }
        _ => return false,
    };
    out.push(AnnotationChange { before, after });
    true
}

fn position<T>(items: &[T], matches: impl Fn(&T) -> bool, what: &str) -> Result<usize, EditError> {
    items
        .iter()
        .position(matches)
        .ok_or_else(|| EditError::NotFound(what.to_owned()))
}

impl Edit {
    /// The annotations this edit changed, given the inverse [`Edit::apply`] returned for it;
    /// `None` when it changed anything else (articles, stances, the project name).
    pub fn annotation_changes(&self, inverse: &Edit) -> Option<Vec<AnnotationChange>> {
        let mut out = Vec::new();
        collect_annotation_changes(self, inverse, &mut out).then_some(out)
    }

    /// Applies the edit and returns its inverse. On error nothing has changed.
    pub fn apply(self, project: &mut Project) -> Result<Edit, EditError> {
        match self {
            Edit::InsertAnnotation(index, ann) => {
                if project.annotation(ann.id).is_some() {
                    return Err(EditError::Invalid(format!("annotation {} exists", ann.id)));
                }
                let id = ann.id;
                project
                    .annotations
                    .insert(index.min(project.annotations.len()), ann);
                Ok(Edit::RemoveAnnotation(id))
            }
            Edit::RemoveAnnotation(id) => {
                let i = position(&project.annotations, |a| a.id == id, "annotation")?;
                let ann = project.annotations.remove(i);
                Ok(Edit::InsertAnnotation(i, ann))
            }
            Edit::ReplaceAnnotation(ann) => {
                let i = position(&project.annotations, |a| a.id == ann.id, "annotation")?;
                let old = std::mem::replace(&mut project.annotations[i], ann);
                Ok(Edit::ReplaceAnnotation(old))
            }
            Edit::InsertArticle(index, article) => {
                if project.article(article.id).is_some() {
                    return Err(EditError::Invalid(format!("article {} exists", article.id)));
                }
                let id = article.id;
                project
                    .articles
                    .insert(index.min(project.articles.len()), article);
                Ok(Edit::RemoveArticle(id))
            }
            Edit::RemoveArticle(id) => {
                let i = position(&project.articles, |a| a.id == id, "article")?;
                if project.annotations.iter().any(|a| a.article == id) {
                    return Err(EditError::Invalid(
                        "article still has annotations".to_owned(),
                    ));
                }
                if project.rejections.iter().any(|r| r.article == id) {
                    return Err(EditError::Invalid(
                        "article still has rejected suggestions".to_owned(),
                    ));
                }
                let article = project.articles.remove(i);
                Ok(Edit::InsertArticle(i, article))
            }
            Edit::ReplaceArticle(article) => {
                let i = position(&project.articles, |a| a.id == article.id, "article")?;
                let old = std::mem::replace(&mut project.articles[i], article);
                Ok(Edit::ReplaceArticle(old))
            }
            Edit::InsertStance(index, stance) => {
                if project.stances.get(&stance.id).is_some() {
                    return Err(EditError::Invalid(format!("stance `{}` exists", stance.id)));
                }
                let id = stance.id.clone();
                let scheme = &mut project.stances.0;
                scheme.insert(index.min(scheme.len()), stance);
                Ok(Edit::RemoveStance(id))
            }
            Edit::RemoveStance(id) => {
                let i = position(&project.stances.0, |s| s.id == id, "stance")?;
                if project.stance_usage(&id) > 0 {
                    return Err(EditError::Invalid(format!("stance `{id}` is in use")));
                }
                let stance = project.stances.0.remove(i);
                Ok(Edit::InsertStance(i, stance))
            }
            Edit::ReplaceStance(stance) => {
                let i = position(&project.stances.0, |s| s.id == stance.id, "stance")?;
                let old = std::mem::replace(&mut project.stances.0[i], stance);
                Ok(Edit::ReplaceStance(old))
            }
            Edit::RenameProject(name) => Ok(Edit::RenameProject(std::mem::replace(
                &mut project.name,
                name,
            ))),
            Edit::SetProjectMemo(memo) => Ok(Edit::SetProjectMemo(std::mem::replace(
                &mut project.memo,
                memo,
            ))),
            Edit::InsertRejection(index, rejection) => {
                if project.article(rejection.article).is_none() {
                    return Err(EditError::NotFound("article".to_owned()));
                }
                let at = index.min(project.rejections.len());
                project.rejections.insert(at, rejection);
                Ok(Edit::RemoveRejection(at))
            }
            Edit::RemoveRejection(index) => {
                if index >= project.rejections.len() {
                    return Err(EditError::NotFound("rejected suggestion".to_owned()));
                }
                Ok(Edit::InsertRejection(
                    index,
                    project.rejections.remove(index),
                ))
            }
            Edit::ReplaceRejection(index, rejection) => {
                let Some(old) = project.rejections.get_mut(index) else {
                    return Err(EditError::NotFound("rejected suggestion".to_owned()));
                };
                Ok(Edit::ReplaceRejection(
                    index,
                    std::mem::replace(old, rejection),
                ))
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for edit in edits {
                    match edit.apply(project) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(e) => {
                            // Roll back what was applied so the project is unchanged.
                            for inverse in inverses.into_iter().rev() {
                                if let Err(rollback) = inverse.apply(project) {
                                    return Err(EditError::RollbackFailed {
                                        cause: Box::new(e),
                                        rollback: Box::new(rollback),
                                    });
                                }
                            }
                            return Err(e);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch(inverses))
            }
        }
    }
}
