//! Primitive, invertible edits of a [`Project`].
//!
//! Every change an analyst makes is expressed as an [`Edit`]; applying one returns the edit that
//! undoes it. Composite changes (removing an article together with its annotations) are
//! [`Edit::Batch`]es, whose inverse is the reversed batch of inverses. This is the single
//! mechanism behind undo/redo, so it is kept small and exhaustively tested.

use std::sync::Arc;

use thiserror::Error;

use crate::core::model::{
    Analyst, AnalystId, Annotation, AnnotationId, Article, ArticleId, Project, Rejection,
    RejectionId, Stance, StanceId,
};

/// A change to a project that can be applied and inverted.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Add an annotation (its id must be free).
    InsertAnnotation(Arc<Annotation>),
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
    /// Replace the team settings (blind coding, coded marks, curators).
    SetTeam(crate::core::model::Team),
    /// Replace the actors, their types and the position scale.
    SetActors(crate::core::actors::ActorBook),
    /// Add a rejected suggestion (its id must be free).
    InsertRejection(Arc<Rejection>),
    /// Remove the rejected suggestion with this id.
    RemoveRejection(RejectionId),
    /// Replace the rejected suggestion with the same id (its passage moved).
    ReplaceRejection(Arc<Rejection>),
    /// Insert an analyst at a position in the project's list.
    InsertAnalyst(usize, Analyst),
    /// Remove the analyst with this id (their annotations and rejections must be gone first).
    RemoveAnalyst(AnalystId),
    /// Replace the analyst with the same id (a new name or colour).
    ReplaceAnalyst(Analyst),
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
        (Edit::InsertAnnotation(new), _) => (None, Some(new.clone())),
        (Edit::RemoveAnnotation(_), Edit::InsertAnnotation(old)) => (Some(old.clone()), None),
        (Edit::ReplaceAnnotation(new), Edit::ReplaceAnnotation(old)) => {
            (Some(old.clone()), Some(new.clone()))
        }
        // Adding an analyst with their first annotation changes no annotation-derived view.
        (Edit::InsertAnalyst(..) | Edit::RemoveAnalyst(_) | Edit::ReplaceAnalyst(_), _) => {
            return true;
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
            Edit::InsertAnnotation(ann) => {
                if project.analyst(&ann.analyst).is_none() {
                    return Err(EditError::Invalid(format!(
                        "analyst `{}` is not in the project",
                        ann.analyst
                    )));
                }
                let id = ann.id;
                project
                    .annotations
                    .insert(ann)
                    .map_err(|_| EditError::Invalid(format!("annotation {id} exists")))?;
                Ok(Edit::RemoveAnnotation(id))
            }
            Edit::RemoveAnnotation(id) => {
                let ann = project
                    .annotations
                    .remove(id)
                    .ok_or_else(|| EditError::NotFound("annotation".to_owned()))?;
                Ok(Edit::InsertAnnotation(ann))
            }
            Edit::ReplaceAnnotation(ann) => {
                if project.analyst(&ann.analyst).is_none() {
                    return Err(EditError::Invalid(format!(
                        "analyst `{}` is not in the project",
                        ann.analyst
                    )));
                }
                let old = project
                    .annotations
                    .replace(ann)
                    .map_err(|_| EditError::NotFound("annotation".to_owned()))?;
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
                if project.annotations.count_in_article(id) > 0 {
                    return Err(EditError::Invalid(
                        "article still has annotations".to_owned(),
                    ));
                }
                if project.rejections.count_in_article(id) > 0 {
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
            Edit::SetTeam(team) => Ok(Edit::SetTeam(std::mem::replace(&mut project.team, team))),
            Edit::SetActors(book) => {
                if let Some(problem) = book.problems().into_iter().next() {
                    return Err(EditError::Invalid(problem));
                }
                Ok(Edit::SetActors(std::mem::replace(
                    &mut project.actors,
                    book,
                )))
            }
            Edit::InsertRejection(rejection) => {
                if project.article(rejection.article).is_none() {
                    return Err(EditError::NotFound("article".to_owned()));
                }
                if project.analyst(&rejection.analyst).is_none() {
                    return Err(EditError::Invalid(format!(
                        "analyst `{}` is not in the project",
                        rejection.analyst
                    )));
                }
                let id = rejection.id;
                project
                    .rejections
                    .insert(rejection)
                    .map_err(|_| EditError::Invalid(format!("rejection {id} exists")))?;
                Ok(Edit::RemoveRejection(id))
            }
            Edit::RemoveRejection(id) => {
                let old = project
                    .rejections
                    .remove(id)
                    .ok_or_else(|| EditError::NotFound("rejected suggestion".to_owned()))?;
                Ok(Edit::InsertRejection(old))
            }
            Edit::ReplaceRejection(rejection) => {
                let old = project
                    .rejections
                    .replace(rejection)
                    .map_err(|_| EditError::NotFound("rejected suggestion".to_owned()))?;
                Ok(Edit::ReplaceRejection(old))
            }
            Edit::InsertAnalyst(index, analyst) => {
                if project.analyst(&analyst.id).is_some() {
                    return Err(EditError::Invalid(format!(
                        "analyst `{}` exists",
                        analyst.id
                    )));
                }
                let id = analyst.id.clone();
                let at = index.min(project.analysts.len());
                project.analysts.insert(at, analyst);
                Ok(Edit::RemoveAnalyst(id))
            }
            Edit::RemoveAnalyst(id) => {
                let i = position(&project.analysts, |a| a.id == id, "analyst")?;
                let used = project.annotations.iter().any(|a| a.analyst == id)
                    || project.rejections.iter().any(|r| r.analyst == id);
                if used {
                    return Err(EditError::Invalid(format!(
                        "analyst `{id}` still has annotations"
                    )));
                }
                Ok(Edit::InsertAnalyst(i, project.analysts.remove(i)))
            }
            Edit::ReplaceAnalyst(analyst) => {
                let i = position(&project.analysts, |a| a.id == analyst.id, "analyst")?;
                Ok(Edit::ReplaceAnalyst(std::mem::replace(
                    &mut project.analysts[i],
                    analyst,
                )))
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
