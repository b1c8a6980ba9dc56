//! Who holds the selected annotation's stance, and its position: the actor field with
//! type-ahead (known actors and aliases first, then names in the passage's sentence), the
//! position buttons, and the proposed actor to accept or reject.
//!
//! Keys: `W` puts the keyboard here (a command); Up and Down move through the rows, Enter
//! takes the highlighted row (or the name as typed: a new person), Esc leaves without a change.

use eframe::egui::{self, Key, Modifiers, RichText, Ui};

use super::state::View;
use crate::analysis::actors::{self, Candidate, Proposal};
use crate::core::model::{Annotation, AnnotationId};
use crate::ui::command::Command;

/// Rows of the type-ahead.
const ROWS: usize = 6;

/// The field's state between frames.
#[derive(Default)]
pub struct ActorFieldState {
    /// Set by the `W` command: the field takes the keyboard next frame.
    pub focus_request: bool,
    /// The annotation being coded and what is typed.
    draft: Option<(AnnotationId, String)>,
    /// The highlighted row.
    pick: usize,
    /// The type-ahead is open (from focus until a choice or Esc).
    open: bool,
    /// Something was typed or a row moved to since it opened.
    touched: bool,
    /// The proposal worked out for (revision, annotation).
    proposal: Option<((u64, AnnotationId), Option<Proposal>)>,
    /// The type-ahead's rows for (revision, annotation, text typed).
    rows: Option<((u64, AnnotationId, String), Vec<Candidate>)>,
    /// Proposals turned down this session.
    rejected: std::collections::BTreeSet<AnnotationId>,
}

impl ActorFieldState {
    fn proposal(&mut self, view: &View<'_>, ann: &Annotation) -> Option<Proposal> {
        let key = (view.session.workspace().revision(), ann.id);
        match &self.proposal {
            Some((k, p)) if *k == key => p.clone(),
            _ => {
                let p = actors::propose(view.project(), ann);
                self.proposal = Some((key, p.clone()));
                p
            }
        }
    }
}

/// Draws the actor field, the position buttons and a proposal for `ann`; `editable` is false
/// for another analyst's annotation (shown, not changed).
pub fn actor_field_ui(
    ui: &mut Ui,
    view: &View<'_>,
    state: &mut ActorFieldState,
    ann: &Annotation,
    editable: bool,
) -> Vec<Command> {
    let mut out = Vec::new();
    let book = &view.project().actors;
    let current = ann.actor.as_ref().map(|id| book.name(id).to_owned());
    if state.draft.as_ref().is_none_or(|(id, _)| *id != ann.id) {
        state.draft = Some((ann.id, current.clone().unwrap_or_default()));
        state.open = false;
        state.pick = 0;
    }
    let field_id = egui::Id::unique(("actor_field", ann.id));
    let has_focus = ui.memory(|m| m.has_focus(field_id));
    // Up and Down move through the rows before the field sees them.
    let typed_now = state
        .draft
        .as_ref()
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let rows: Vec<Candidate> = if state.open {
        let typed = if Some(&typed_now) == current.as_ref() {
            ""
        } else {
            typed_now.as_str()
        };
        // Worked out once per (revision, annotation, text typed), not every frame: it reads
        // the sentences of the article.
        let key = (
            view.session.workspace().revision(),
            ann.id,
            typed.to_owned(),
        );
        match &state.rows {
            Some((k, rows)) if *k == key => rows.clone(),
            _ => {
                let rows = actors::candidates(view.project(), ann, typed, ROWS);
                state.rows = Some((key, rows.clone()));
                rows
            }
        }
    } else {
        Vec::new()
    };
    if has_focus {
        ui.input_mut(|i| {
            if i.consume_key(Modifiers::NONE, Key::ArrowDown) {
                state.pick = (state.pick + 1).min(rows.len().saturating_sub(1));
                state.touched = true;
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowUp) {
                state.pick = state.pick.saturating_sub(1);
                state.touched = true;
            }
        });
    }
    ui.add_enabled_ui(editable, |ui| {
        ui.horizontal(|ui| {
            let who = ui
                .label("Who")
                .on_hover_text(Command::FocusActorField.tooltip());
            let Some((_, draft)) = &mut state.draft else {
                return;
            };
            let r = ui
                .add(
                    egui::TextEdit::singleline(draft)
                        .id(field_id)
                        .desired_width(f32::INFINITY)
                        .hint_text("who holds this stance? (W)"),
                )
                .labelled_by(who.id);
            if state.focus_request && editable {
                r.request_focus();
                state.open = true;
                state.pick = 0;
                state.touched = false;
            }
            state.focus_request = false;
            if r.gained_focus() {
                state.open = true;
                state.touched = false;
            }
            if r.changed() {
                state.open = true;
                state.pick = 0;
                state.touched = true;
            }
            if r.lost_focus() {
                let (enter, escape) =
                    ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
                if escape {
                    state.open = false;
                    *draft = current.clone().unwrap_or_default();
                } else if enter {
                    // Nothing typed on an uncoded passage, or a row chosen: that row; the
                    // name erased: no actor; else the name as typed (a new person).
                    let typed = draft.trim().to_owned();
                    let row = rows.get(state.pick).map(|c| c.name.clone());
                    let name = match (typed.is_empty(), current.is_some(), state.touched) {
                        (true, false, _) => row.unwrap_or_default(),
                        (true, true, _) => String::new(),
                        (false, _, true) => row.unwrap_or(typed),
                        (false, _, false) => typed,
                    };
                    if Some(&name) != current.as_ref() && !(name.is_empty() && current.is_none()) {
                        out.push(Command::SetActorNamed {
                            annotations: vec![ann.id],
                            name: name.clone(),
                        });
                    }
                    *draft = name;
                    state.open = false;
                }
            }
        });
        if state.open && !rows.is_empty() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                for (i, row) in rows.iter().enumerate() {
                    let text = match &row.actor {
                        Some(_) => RichText::new(&row.name),
                        None => RichText::new(format!("{} (new)", row.name)).italics(),
                    };
                    if ui.selectable_label(i == state.pick, text).clicked() {
                        out.push(Command::SetActorNamed {
                            annotations: vec![ann.id],
                            name: row.name.clone(),
                        });
                        if let Some((_, d)) = &mut state.draft {
                            d.clone_from(&row.name);
                        }
                        state.open = false;
                    }
                }
            });
        }
        if !has_focus
            && !state.open
            && ann.actor.is_none()
            && !state.rejected.contains(&ann.id)
            && let Some(p) = state.proposal(view, ann)
        {
            ui.horizontal_wrapped(|ui| {
                ui.weak("Proposed:");
                ui.label(RichText::new(&p.name).strong())
                    .on_hover_text(format!("Because of {}", p.reason));
                if ui.small_button("Accept").clicked() {
                    out.push(Command::SetActorNamed {
                        annotations: vec![ann.id],
                        name: p.name.clone(),
                    });
                }
                if ui.small_button("Reject").clicked() {
                    state.rejected.insert(ann.id);
                }
            });
        }
        position_ui(ui, view, ann, &mut out);
    });
    out
}

/// The position buttons: supports / neutral / opposes, or the points of the project's scale.
fn position_ui(ui: &mut Ui, view: &View<'_>, ann: &Annotation, out: &mut Vec<Command>) {
    let book = &view.project().actors;
    ui.horizontal_wrapped(|ui| {
        ui.label("Position");
        for p in book.positions() {
            let label = match book.scale {
                None => format!(
                    "{} {}",
                    match p {
                        1 => "+",
                        -1 => "-",
                        _ => "0",
                    },
                    book.position_label(p)
                ),
                Some(_) => book.position_label(p),
            };
            let on = ann.position == Some(p);
            let r = ui.selectable_label(on, label);
            let r = match (book.scale, p) {
                (None, 1) => r.on_hover_text(Command::PositionSupports.tooltip()),
                (None, -1) => r.on_hover_text(Command::PositionOpposes.tooltip()),
                (None, _) => r.on_hover_text(Command::PositionNeutral.tooltip()),
                _ => r,
            };
            if r.clicked() {
                out.push(Command::SetPositionOf {
                    annotations: vec![ann.id],
                    position: if on { None } else { Some(p) },
                });
            }
        }
    });
}
