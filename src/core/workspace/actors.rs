//! The analyst's actions on actors and positions, each one undoable step.

use std::sync::Arc;

use super::{ActionError, Workspace, count_of};
use crate::core::actors::{Actor, ActorBook, ActorId, ActorKind, PositionScale};
use crate::core::edit::{Edit, EditError};
use crate::core::model::{Annotation, AnnotationId};

impl Workspace {
    fn set_actor_book(&mut self, label: &str, book: ActorBook) -> Result<(), ActionError> {
        if book == self.project.actors {
            return Ok(());
        }
        self.execute(label, Edit::SetActors(book))
    }

    /// The actor `name` stands for (by name or alias), added as a new actor of `kind` when
    /// there is none. Returns its id.
    pub fn actor_named(&mut self, name: &str, kind: ActorKind) -> Result<ActorId, ActionError> {
        if name.trim().is_empty() {
            return Err(EditError::Invalid("an actor needs a name".into()).into());
        }
        if let Some(found) = self.project.actors.find(name) {
            return Ok(found.id.clone());
        }
        let actor = self.project.actors.new_actor(name, kind);
        let id = actor.id.clone();
        let mut book = self.project.actors.clone();
        book.actors.push(actor);
        self.set_actor_book(&format!("add actor {}", name.trim()), book)?;
        Ok(id)
    }

    /// Adds an actor as it is, or replaces the one with its id (a new name, type, aliases,
    /// colour, notes or organisation).
    pub fn put_actor(&mut self, actor: Actor) -> Result<(), ActionError> {
        if actor.name.trim().is_empty() {
            return Err(EditError::Invalid("an actor needs a name".into()).into());
        }
        let mut book = self.project.actors.clone();
        let label = match book.actors.iter_mut().find(|a| a.id == actor.id) {
            Some(slot) => {
                *slot = actor;
                "edit actor".to_owned()
            }
            None => {
                let label = format!("add actor {}", actor.name);
                book.actors.push(actor);
                label
            }
        };
        self.set_actor_book(&label, book)
    }

    /// Removes an actor no annotation names (persons of an organisation lose the link).
    pub fn remove_actor(&mut self, id: &ActorId) -> Result<(), ActionError> {
        let used = self
            .project
            .annotations
            .iter()
            .filter(|a| a.actor.as_ref() == Some(id))
            .count();
        if used > 0 {
            return Err(EditError::Invalid(format!(
                "{} names {}: merge it into another actor instead",
                count_of(used, "annotation"),
                self.project.actors.name(id)
            ))
            .into());
        }
        let mut book = self.project.actors.clone();
        let before = book.actors.len();
        book.actors.retain(|a| &a.id != id);
        if book.actors.len() == before {
            return Err(EditError::NotFound(format!("actor {id}")).into());
        }
        for a in &mut book.actors {
            if a.organisation.as_ref() == Some(id) {
                a.organisation = None;
            }
        }
        self.set_actor_book("remove actor", book)
    }

    /// Merges actor `from` into `into` (a duplicate): every annotation naming `from` names
    /// `into`, `from`'s name and aliases become aliases of `into`, its members belong to
    /// `into`; one undoable step (other analysts' annotations follow too: an actor is the
    /// project's, not a layer's). Returns how many annotations moved.
    pub fn merge_actors(&mut self, from: &ActorId, into: &ActorId) -> Result<usize, ActionError> {
        if from == into {
            return Err(EditError::Invalid("an actor cannot be merged into itself".into()).into());
        }
        let (Some(source), Some(_)) =
            (self.project.actors.get(from), self.project.actors.get(into))
        else {
            return Err(EditError::NotFound("actor".into()).into());
        };
        let source = source.clone();
        let mut book = self.project.actors.clone();
        book.actors.retain(|a| &a.id != from);
        for a in &mut book.actors {
            if a.organisation.as_ref() == Some(from) {
                a.organisation = Some(into.clone());
            }
        }
        if let Some(target) = book.actors.iter_mut().find(|a| &a.id == into) {
            for alias in std::iter::once(&source.name).chain(&source.aliases) {
                if !target.answers_to(alias) {
                    target.aliases.push(alias.clone());
                }
            }
            if target.organisation.is_none() && target.kind == ActorKind::Person {
                target.organisation = source.organisation.clone().filter(|o| o != into);
            }
            if target.organisation.as_ref() == Some(&target.id) {
                target.organisation = None;
            }
        }
        let now = self.clock.now();
        let mut edits: Vec<Edit> = self
            .project
            .annotations
            .iter()
            .filter(|a| a.actor.as_ref() == Some(from))
            .map(|a| {
                let mut moved = Annotation::clone(a);
                moved.actor = Some(into.clone());
                moved.modified = now;
                Edit::ReplaceAnnotation(Arc::new(moved))
            })
            .collect();
        let moved = edits.len();
        edits.push(Edit::SetActors(book));
        self.execute(
            &format!(
                "merge {} into {}",
                source.name,
                self.project.actors.name(into)
            ),
            Edit::Batch(edits),
        )?;
        Ok(moved)
    }

    /// Names `actor` (or no actor) as who holds the stance in every annotation of `ids`, as
    /// one undoable step.
    pub fn set_actor_of(
        &mut self,
        ids: &[AnnotationId],
        actor: Option<&ActorId>,
    ) -> Result<(), ActionError> {
        if let Some(actor) = actor
            && self.project.actors.get(actor).is_none()
        {
            return Err(EditError::NotFound(format!("actor {actor}")).into());
        }
        let label = match actor {
            Some(a) => format!(
                "set the actor of {} to {}",
                count_of(ids.len(), "annotation"),
                self.project.actors.name(a)
            ),
            None => format!("clear the actor of {}", count_of(ids.len(), "annotation")),
        };
        self.group(&label, |ws| {
            ids.iter().try_for_each(|id| {
                ws.modify_annotation(*id, "set actor", |a| a.actor = actor.cloned())
            })
        })
    }

    /// Sets the position (or none) of every annotation of `ids`, as one undoable step.
    pub fn set_position_of(
        &mut self,
        ids: &[AnnotationId],
        position: Option<i32>,
    ) -> Result<(), ActionError> {
        if let Some(p) = position
            && !self.project.actors.allows(p)
        {
            return Err(EditError::Invalid(format!(
                "{p} is not a position of this project's scale"
            ))
            .into());
        }
        let label = match position {
            Some(p) => format!(
                "mark {} {}",
                count_of(ids.len(), "annotation"),
                self.project.actors.position_label(p)
            ),
            None => format!(
                "clear the position of {}",
                count_of(ids.len(), "annotation")
            ),
        };
        self.group(&label, |ws| {
            ids.iter().try_for_each(|id| {
                ws.modify_annotation(*id, "set position", |a| a.position = position)
            })
        })
    }

    /// Replaces the project's list of actor types.
    pub fn set_actor_types(&mut self, types: Vec<String>) -> Result<(), ActionError> {
        let mut book = self.project.actors.clone();
        book.types = types;
        self.set_actor_book("edit actor types", book)
    }

    /// Sets the position scale (`None`: supports / neutral / opposes). Refused while an
    /// annotation holds a position outside the new scale.
    pub fn set_position_scale(&mut self, scale: Option<PositionScale>) -> Result<(), ActionError> {
        let mut book = self.project.actors.clone();
        book.scale = scale;
        let outside = self
            .project
            .annotations
            .iter()
            .filter(|a| a.position.is_some_and(|p| !book.allows(p)))
            .count();
        if outside > 0 {
            return Err(EditError::Invalid(format!(
                "{} hold a position outside that scale",
                count_of(outside, "annotation")
            ))
            .into());
        }
        self.set_actor_book("change the position scale", book)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::actors::{ActorKind, PositionScale};
    use crate::core::model::{Article, Project, StanceId, TextRange};
    use crate::core::workspace::{SteppingClock, Workspace};

    fn coded() -> (Workspace, Vec<crate::core::model::AnnotationId>) {
        let mut ws = Workspace::new(Project::new("t"), Box::new(SteppingClock::default()));
        let article = ws
            .add_article(Article::new(
                "a",
                "The minister said taxes must rise. NGOs disagree.",
            ))
            .unwrap();
        let stance = StanceId::new("regulation");
        let ids = [(0, 12), (35, 49)]
            .iter()
            .map(|&(start, end)| {
                ws.add_annotation(article, TextRange { start, end }, &stance, "")
                    .unwrap()
            })
            .collect();
        (ws, ids)
    }

    #[test]
    fn actors_and_positions_are_set_in_one_step_each_and_undo() {
        let (mut ws, ids) = coded();
        let minister = ws.actor_named("The Minister", ActorKind::Person).unwrap();
        assert_eq!(
            ws.actor_named("the  minister", ActorKind::Organisation)
                .unwrap(),
            minister,
            "found by name, not added twice"
        );
        ws.set_actor_of(&ids, Some(&minister)).unwrap();
        ws.set_position_of(&ids, Some(-1)).unwrap();
        assert!(
            ws.project()
                .annotations
                .iter()
                .all(|a| a.actor.as_ref() == Some(&minister) && a.position == Some(-1))
        );
        assert!(ws.set_position_of(&ids, Some(2)).is_err(), "outside -1..=1");
        ws.undo().unwrap();
        assert!(
            ws.project()
                .annotations
                .iter()
                .all(|a| a.position.is_none())
        );
        ws.undo().unwrap();
        assert!(ws.project().annotations.iter().all(|a| a.actor.is_none()));
        // A scale is refused while positions lie outside it.
        ws.redo().unwrap();
        ws.redo().unwrap();
        assert!(
            ws.set_position_scale(Some(PositionScale { min: 0, max: 4 }))
                .is_err()
        );
        ws.set_position_scale(Some(PositionScale { min: -2, max: 2 }))
            .unwrap();
        ws.set_position_of(&ids[..1], Some(2)).unwrap();
        assert!(ws.project().validate().is_empty());
    }

    #[test]
    fn merging_a_duplicate_moves_its_annotations_and_keeps_its_names() {
        let (mut ws, ids) = coded();
        let a = ws
            .actor_named("Greenpeace", ActorKind::Organisation)
            .unwrap();
        let b = ws
            .actor_named("Greenpeace International", ActorKind::Organisation)
            .unwrap();
        let member = ws.actor_named("Jane", ActorKind::Person).unwrap();
        let mut jane = ws.project().actors.get(&member).unwrap().clone();
        jane.organisation = Some(b.clone());
        ws.put_actor(jane).unwrap();
        ws.set_actor_of(&ids[1..], Some(&b)).unwrap();
        assert!(ws.remove_actor(&b).is_err(), "in use");
        assert_eq!(ws.merge_actors(&b, &a).unwrap(), 1);
        let book = &ws.project().actors;
        assert!(book.get(&b).is_none());
        assert!(book.get(&a).unwrap().answers_to("greenpeace international"));
        assert_eq!(book.get(&member).unwrap().organisation.as_ref(), Some(&a));
        assert_eq!(
            ws.project().annotation(ids[1]).unwrap().actor.as_ref(),
            Some(&a)
        );
        assert!(ws.project().validate().is_empty());
        ws.undo().unwrap();
        assert!(ws.project().actors.get(&b).is_some());
        assert_eq!(
            ws.project().annotation(ids[1]).unwrap().actor.as_ref(),
            Some(&b)
        );
    }
}
