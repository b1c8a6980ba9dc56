//! The analyst's actions on coding units and scheme templates, each one undoable step.

use std::sync::Arc;

use super::{ActionError, Workspace};
use crate::core::edit::{Edit, EditError};
use crate::core::model::{AnnotationId, ArticleId, Stance, StanceId, Unit};
use crate::core::text;
use crate::core::units::{self, Refit};

/// What to do with the codes on units a change of units removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodedUnits {
    /// Move each to the new unit that shares most of its text (dropping one that would code a
    /// unit twice with the same code).
    Refit,
    /// Remove them.
    Remove,
}

/// What a change of units did to the codes on them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitsChanged {
    /// Codes moved to a new unit.
    pub refitted: usize,
    /// Codes removed.
    pub removed: usize,
}

impl Workspace {
    /// Adds the stances of a template the scheme does not have yet (by id, so adding it twice
    /// adds nothing), parents first, as one undoable step. Returns how many were added.
    pub fn add_scheme(&mut self, label: &str, stances: &[Stance]) -> Result<usize, ActionError> {
        let mut edits = Vec::new();
        let mut at = self.project.stances.0.len();
        let mut ids: Vec<StanceId> = self
            .project
            .stances
            .0
            .iter()
            .map(|s| s.id.clone())
            .collect();
        for stance in stances {
            if ids.contains(&stance.id) {
                continue;
            }
            let mut stance = stance.clone();
            if stance.parent.as_ref().is_some_and(|p| !ids.contains(p)) {
                stance.parent = None;
            }
            // Keys stay with the stances that have them.
            if stance
                .hotkey
                .is_some_and(|k| self.project.stances.by_hotkey(k).is_some())
            {
                stance.hotkey = None;
            }
            ids.push(stance.id.clone());
            edits.push(Edit::InsertStance(at, stance));
            at += 1;
        }
        let added = edits.len();
        if added > 0 {
            self.execute(label, Edit::Batch(edits))?;
        }
        Ok(added)
    }

    /// Replaces an article's units (validated) as one undoable step; the codes on units that
    /// go are refitted or removed as `coded` says.
    pub fn set_units(
        &mut self,
        article: ArticleId,
        new_units: Vec<Unit>,
        coded: CodedUnits,
        label: &str,
    ) -> Result<UnitsChanged, ActionError> {
        let current = self.article_or_err(article)?;
        if current.units == new_units {
            return Ok(UnitsChanged::default());
        }
        let mut changed = current.clone();
        changed.units = new_units;
        if let Some(problem) = units::problems(&changed).into_iter().next() {
            return Err(EditError::Invalid(problem).into());
        }
        let plan = units::refit_plan(&self.project, current, &changed.units);
        let mut report = UnitsChanged::default();
        let mut edits = vec![Edit::ReplaceArticle(Arc::new(changed))];
        for Refit { annotation, to } in plan {
            match (coded, to) {
                (CodedUnits::Refit, Some(range)) => {
                    let mut moved = (*annotation).clone();
                    moved.range = range;
                    moved.quote = text::slice_chars(&current.text, range).to_owned();
                    moved.modified = self.clock.now();
                    edits.push(Edit::ReplaceAnnotation(Arc::new(moved)));
                    report.refitted += 1;
                }
                _ => {
                    edits.push(Edit::RemoveAnnotation(annotation.id));
                    report.removed += 1;
                }
            }
        }
        self.execute(label, Edit::Batch(edits))?;
        Ok(report)
    }

    /// Splits an article into its natural units (sentences and headings), replacing any units
    /// it had.
    pub fn unitise(
        &mut self,
        article: ArticleId,
        coded: CodedUnits,
    ) -> Result<UnitsChanged, ActionError> {
        let units = units::natural_units(&self.article_or_err(article)?.text);
        self.set_units(article, units, coded, "unitise article")
    }

    /// Splits the unit holding `at` there (a proposed quasi-sentence split, or one the coder
    /// places).
    pub fn split_unit(
        &mut self,
        article: ArticleId,
        at: usize,
        coded: CodedUnits,
    ) -> Result<UnitsChanged, ActionError> {
        let a = self.article_or_err(article)?;
        let units = units::split_at(&a.text, &a.units, at);
        if units == a.units {
            return Err(EditError::Invalid("there is no unit to split there".into()).into());
        }
        self.set_units(article, units, coded, "split unit")
    }

    /// Joins unit `index` with the next one (removes the split between them).
    pub fn join_unit_with_next(
        &mut self,
        article: ArticleId,
        index: usize,
        coded: CodedUnits,
    ) -> Result<UnitsChanged, ActionError> {
        let a = self.article_or_err(article)?;
        if index + 1 >= a.units.len() {
            return Err(EditError::Invalid("the last unit has no next unit to join".into()).into());
        }
        let units = units::join_with_next(&a.units, index);
        self.set_units(article, units, coded, "join units")
    }

    /// Marks unit `index` a heading or a unit of text.
    pub fn set_unit_heading(
        &mut self,
        article: ArticleId,
        index: usize,
        heading: bool,
    ) -> Result<(), ActionError> {
        let a = self.article_or_err(article)?;
        let mut units = a.units.clone();
        let unit = units
            .get_mut(index)
            .ok_or_else(|| EditError::NotFound("unit".into()))?;
        unit.heading = heading;
        let label = if heading { "mark heading" } else { "mark unit" };
        self.set_units(article, units, CodedUnits::Refit, label)
            .map(|_| ())
    }

    /// Codes unit `index` with `stance` in this analyst's layer: their code on it becomes
    /// this one (several become one). Returns the code's annotation.
    pub fn code_unit(
        &mut self,
        article: ArticleId,
        index: usize,
        stance: &StanceId,
    ) -> Result<AnnotationId, ActionError> {
        self.codable(stance)?;
        let a = self.article_or_err(article)?;
        let unit = *a
            .units
            .get(index)
            .ok_or_else(|| EditError::NotFound("unit".into()))?;
        if unit.heading {
            return Err(EditError::Invalid(format!(
                "unit {} is a heading, which is not coded: make it a unit of text first (H)",
                index + 1
            ))
            .into());
        }
        let me = self.analyst().id;
        let existing: Vec<AnnotationId> = units::codes_on(&self.project, a, &me, &unit)
            .iter()
            .map(|a| a.id)
            .collect();
        self.group("code unit", |ws| {
            let Some((&first, rest)) = existing.split_first() else {
                return ws.add_annotation(article, unit.range(), stance, "");
            };
            if !rest.is_empty() {
                ws.delete_annotations(rest)?;
            }
            ws.set_annotation_stance(first, stance)?;
            Ok(first)
        })
    }

    /// Removes this analyst's code(s) on unit `index`; returns how many went.
    pub fn uncode_unit(&mut self, article: ArticleId, index: usize) -> Result<usize, ActionError> {
        let a = self.article_or_err(article)?;
        let unit = *a
            .units
            .get(index)
            .ok_or_else(|| EditError::NotFound("unit".into()))?;
        let me = self.analyst().id;
        let ids: Vec<AnnotationId> = units::codes_on(&self.project, a, &me, &unit)
            .iter()
            .map(|a| a.id)
            .collect();
        if !ids.is_empty() {
            self.delete_annotations(&ids)?;
        }
        Ok(ids.len())
    }
}

#[cfg(test)]
mod tests {
    use super::CodedUnits;
    use crate::core::model::{Project, StanceId};
    use crate::core::schemes::{Template, manifesto_id};
    use crate::core::units::{self, UnitCode};
    use crate::core::workspace::{SteppingClock, Workspace};

    const TEXT: &str = "Our Plan\n\nWe will cut taxes; we will build schools. Peace matters.";

    fn unitised() -> (Workspace, crate::core::model::ArticleId) {
        let mut project = Project::new("m");
        project.stances.0 = Template::Manifesto.stances();
        let mut ws = Workspace::new(project, Box::new(SteppingClock::default()));
        ws.set_analyst_name("Dana");
        let id = ws
            .add_article(crate::core::model::Article::new("a", TEXT))
            .unwrap();
        ws.unitise(id, CodedUnits::Refit).unwrap();
        (ws, id)
    }

    fn unit_texts(ws: &Workspace, id: crate::core::model::ArticleId) -> Vec<String> {
        let a = ws.project().article(id).unwrap();
        a.units
            .iter()
            .map(|u| crate::core::text::slice_chars(&a.text, u.range()).to_owned())
            .collect()
    }

    #[test]
    fn coding_a_unit_gives_it_one_code_and_groups_are_refused() {
        let (mut ws, id) = unitised();
        assert_eq!(
            unit_texts(&ws, id),
            [
                "Our Plan",
                "We will cut taxes; we will build schools.",
                "Peace matters."
            ]
        );
        let first = ws.code_unit(id, 1, &manifesto_id("504")).unwrap();
        let again = ws.code_unit(id, 1, &manifesto_id("506")).unwrap();
        assert_eq!(first, again, "recoding replaces the code");
        let me = ws.analyst().id;
        let a = ws.project().article(id).unwrap().clone();
        assert_eq!(
            units::code_of(ws.project(), &a, &me, &a.units[1]).stance(),
            Some(&manifesto_id("506"))
        );
        assert_eq!(
            units::code_of(ws.project(), &a, &me, &a.units[2]),
            UnitCode::Uncoded
        );
        let err = ws
            .code_unit(id, 2, &manifesto_id("domain1"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not coded itself"), "{err}");
        let err = ws
            .code_unit(id, 0, &manifesto_id("504"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("heading"), "{err}");
        assert_eq!(ws.uncode_unit(id, 1).unwrap(), 1);
        ws.undo().unwrap();
        assert_eq!(ws.project().annotations.len(), 1);
    }

    #[test]
    fn splits_refit_or_remove_codes_in_one_undo_step() {
        let (mut ws, id) = unitised();
        ws.code_unit(id, 1, &manifesto_id("504")).unwrap();
        let text = ws.project().article(id).unwrap().text.clone();
        let at = text[..text.find("we will build").unwrap()].chars().count();
        let proposed = units::proposed_splits(&text, &ws.project().article(id).unwrap().units);
        assert_eq!(proposed.len(), 1);
        assert_eq!(proposed[0].at, at);
        let changed = ws.split_unit(id, at, CodedUnits::Refit).unwrap();
        assert_eq!(changed.refitted, 1);
        assert_eq!(
            unit_texts(&ws, id)[1..3],
            ["We will cut taxes;", "we will build schools."]
        );
        let code = ws.project().annotations.iter().next().unwrap().clone();
        assert_eq!(code.quote, "We will cut taxes;");
        ws.undo().unwrap();
        assert_eq!(ws.project().article(id).unwrap().units.len(), 3);
        assert_eq!(
            ws.project().annotations.iter().next().unwrap().quote,
            "We will cut taxes; we will build schools."
        );
        let removed = ws.split_unit(id, at, CodedUnits::Remove).unwrap();
        assert_eq!(removed.removed, 1);
        assert!(ws.project().annotations.is_empty());
        // Joining two coded units with the same code keeps one.
        ws.code_unit(id, 1, &manifesto_id("504")).unwrap();
        ws.code_unit(id, 2, &manifesto_id("504")).unwrap();
        let joined = ws.join_unit_with_next(id, 1, CodedUnits::Refit).unwrap();
        assert_eq!((joined.refitted, joined.removed), (1, 1));
        assert_eq!(ws.project().annotations.len(), 1);
        assert!(ws.project().validate().is_empty());
    }

    #[test]
    fn units_move_with_the_text_and_templates_add_once() {
        let (mut ws, id) = unitised();
        ws.code_unit(id, 2, &manifesto_id("106")).unwrap();
        ws.set_article_text(id, &format!("Preface.\n\n{TEXT}"))
            .unwrap();
        let texts = unit_texts(&ws, id);
        assert_eq!(texts.last().unwrap(), "Peace matters.");
        let a = ws.project().article(id).unwrap().clone();
        let me = ws.analyst().id;
        assert_eq!(
            units::code_of(ws.project(), &a, &me, a.units.last().unwrap()).stance(),
            Some(&manifesto_id("106"))
        );
        let before = ws.project().stances.0.len();
        let added = ws
            .add_scheme("add scheme", &Template::Cap.stances())
            .unwrap();
        assert_eq!(added, 234);
        assert_eq!(ws.add_scheme("again", &Template::Cap.stances()).unwrap(), 0);
        ws.undo().unwrap();
        assert_eq!(ws.project().stances.0.len(), before);
        assert!(ws.project().stances.get(&StanceId::new("cap-17")).is_none());
    }
}
