//! The actor manager: who holds the stances. Add, rename, set kind, type, organisation,
//! aliases, colour and notes, merge duplicates (their annotations follow), remove unused
//! actors; the project's actor types and position scale; and the proposed actors of
//! annotations that name none, to accept or reject.

use std::collections::BTreeMap;
use std::sync::Arc;

use eframe::egui::{self, RichText};

use super::{fill_window, sized_tool_window};
use crate::analysis::actors::{self, Proposal};
use crate::core::actors::{Actor, ActorId, ActorKind, PositionScale};
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::AnnotationId;
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::to_color;

/// Which part of the window is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActorsTab {
    /// The list of actors and the chosen one's details.
    #[default]
    Actors,
    /// Actor types and the position scale.
    Settings,
    /// Proposed actors for annotations that name none.
    Proposals,
}

type Proposals = Vec<(AnnotationId, String, Proposal)>;

/// The window's state.
#[derive(Default)]
pub struct ActorsState {
    /// The tab shown.
    pub tab: ActorsTab,
    /// The actor whose details are shown.
    pub chosen: Option<ActorId>,
    /// The name typed to add an actor.
    pub new_name: String,
    /// The kind of the actor to add.
    pub new_kind: ActorKind,
    /// Shows only actors whose name or alias contains this.
    pub filter: String,
    /// The chosen actor being edited (committed when a field loses the keyboard).
    draft: Option<Actor>,
    /// The actor types as typed, one per line.
    types_draft: Option<String>,
    /// The scale being set.
    scale_draft: Option<(bool, i32, i32)>,
    /// Proposals worked out for a revision, and the job working them out.
    proposals: Option<(u64, Arc<Proposals>)>,
    job: Option<(u64, Job<Option<Proposals>>)>,
    /// Annotations naming each actor, for a revision.
    counts: Option<(u64, BTreeMap<ActorId, usize>)>,
    /// Proposals turned down (this session).
    rejected: std::collections::BTreeSet<AnnotationId>,
}

impl ActorsState {
    /// Waits for the proposals being worked out (tests).
    pub fn wait(&mut self) {
        if let Some((rev, job)) = self.job.take()
            && let Some(Some(list)) = job.wait()
        {
            self.proposals = Some((rev, Arc::new(list)));
        }
    }

    fn refresh_proposals(&mut self, view: &View<'_>) {
        let revision = view.session.workspace().revision();
        if let Some((rev, job)) = &mut self.job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(Some(list)) => {
                    self.proposals = Some((*rev, Arc::new(list)));
                    self.job = None;
                }
                Polled::Finished(None) | Polled::Lost => self.job = None,
            }
        }
        let current = self.proposals.as_ref().is_some_and(|(r, _)| *r == revision);
        let running = self.job.as_ref().is_some_and(|(r, _)| *r == revision);
        if !current && !running {
            if let Some((_, old)) = self.job.take() {
                old.cancel();
            }
            let project = Arc::new(view.project().clone());
            let job = Job::spawn(JobKind::Statistics, "actor proposals", move |progress| {
                let open: Vec<_> = project
                    .annotations
                    .iter()
                    .filter(|a| a.actor.is_none() && !a.orphaned)
                    .cloned()
                    .collect();
                progress.set_total(open.len() as u64);
                let mut out = Vec::new();
                for (i, ann) in open.iter().enumerate() {
                    if progress.is_cancelled() {
                        return None;
                    }
                    if let Some(p) = actors::propose(&project, ann) {
                        out.push((ann.id, crate::core::text::snippet(&ann.quote, 80), p));
                    }
                    progress.set_done(i as u64 + 1);
                }
                Some(out)
            });
            self.job = Some((revision, job));
        }
    }
}

/// Draws the actor manager; returns whether it stays open and the commands chosen.
pub fn actors_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut ActorsState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Actors", [640.0, 480.0]) {
        return shown;
    }
    let mut open = true;
    let mut out = Vec::new();
    sized_tool_window(ctx, "Actors", [640.0, 480.0])
        .open(&mut open)
        .show(ctx, |ui| {
            fill_window(ui);
            ui.horizontal(|ui| {
                ui.selectable_value(&mut state.tab, ActorsTab::Actors, "Actors");
                ui.selectable_value(&mut state.tab, ActorsTab::Settings, "Types and positions");
                ui.selectable_value(&mut state.tab, ActorsTab::Proposals, "Proposed actors");
            });
            ui.separator();
            match state.tab {
                ActorsTab::Actors => actors_tab(ui, view, state, &mut out),
                ActorsTab::Settings => settings_tab(ui, view, state, &mut out),
                ActorsTab::Proposals => proposals_tab(ui, view, state, &mut out),
            }
        });
    (open, out)
}

fn kind_combo(ui: &mut egui::Ui, id: &str, kind: &mut ActorKind) -> bool {
    let before = *kind;
    egui::ComboBox::from_id_salt(id)
        .selected_text(kind.name())
        .show_ui(ui, |ui| {
            ui.selectable_value(kind, ActorKind::Person, "person");
            ui.selectable_value(kind, ActorKind::Organisation, "organisation");
        });
    *kind != before
}

fn actors_tab(ui: &mut egui::Ui, view: &View<'_>, state: &mut ActorsState, out: &mut Vec<Command>) {
    let project = view.project();
    let book = &project.actors;
    ui.horizontal(|ui| {
        let l = ui.label("New actor");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.new_name)
                    .desired_width(200.0)
                    .hint_text("name of a person or organisation"),
            )
            .labelled_by(l.id);
        kind_combo(ui, "new_actor_kind", &mut state.new_kind);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Add").clicked() || enter) && !state.new_name.trim().is_empty() {
            out.push(Command::AddActor {
                name: state.new_name.trim().to_owned(),
                kind: state.new_kind,
            });
            state.new_name.clear();
        }
    });
    ui.horizontal(|ui| {
        ui.label("Filter");
        ui.add(egui::TextEdit::singleline(&mut state.filter).desired_width(160.0));
        ui.weak(format!("{} actor(s)", book.actors.len()));
    });
    // Annotations per actor, counted once per revision (not every frame).
    let revision = view.session.workspace().revision();
    if state.counts.as_ref().is_none_or(|(r, _)| *r != revision) {
        let mut counts: BTreeMap<ActorId, usize> = BTreeMap::new();
        for a in project.annotations.iter() {
            if let Some(id) = &a.actor {
                *counts.entry(id.clone()).or_default() += 1;
            }
        }
        state.counts = Some((revision, counts));
    }
    let counts = state
        .counts
        .as_ref()
        .map(|(_, c)| c.clone())
        .unwrap_or_default();
    let filter = state.filter.trim().to_lowercase();
    let shown: Vec<&Actor> = book
        .actors
        .iter()
        .filter(|a| {
            filter.is_empty()
                || std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .any(|n| n.to_lowercase().contains(&filter))
        })
        .collect();
    if book.actors.is_empty() {
        ui.weak("No actors yet. Add one here, or select an annotation and press W to say who holds its stance.");
    }
    ui.columns(2, |cols| {
        egui::ScrollArea::vertical()
            .id_salt("actor_list")
            .auto_shrink([false, false])
            .show(&mut cols[0], |ui| {
                for a in &shown {
                    let n = counts.get(&a.id).copied().unwrap_or(0);
                    let on = state.chosen.as_ref() == Some(&a.id);
                    ui.horizontal(|ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        ui.painter()
                            .circle_filled(rect.center(), 5.0, to_color(a.color));
                        let text = format!(
                            "{} ({}{}) {n}",
                            a.name,
                            a.kind.name(),
                            if a.actor_type.is_empty() {
                                String::new()
                            } else {
                                format!(", {}", a.actor_type)
                            }
                        );
                        if ui.selectable_label(on, text).clicked() {
                            state.chosen = Some(a.id.clone());
                            state.draft = None;
                        }
                    });
                }
            });
        let ui = &mut cols[1];
        let Some(actor) = state.chosen.as_ref().and_then(|id| book.get(id)) else {
            ui.weak("Choose an actor to see and change its details.");
            return;
        };
        if state.draft.as_ref().is_none_or(|d| d.id != actor.id) {
            state.draft = Some(actor.clone());
        }
        let Some(draft) = &mut state.draft else {
            return;
        };
        let mut commit = false;
        egui::Grid::new("actor_details")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Name");
                commit |= ui.text_edit_singleline(&mut draft.name).lost_focus();
                ui.end_row();
                ui.label("Kind");
                commit |= kind_combo(ui, "actor_kind", &mut draft.kind);
                ui.end_row();
                ui.label("Type");
                let before = draft.actor_type.clone();
                egui::ComboBox::from_id_salt("actor_type")
                    .selected_text(if draft.actor_type.is_empty() {
                        "(none)"
                    } else {
                        draft.actor_type.as_str()
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut draft.actor_type, String::new(), "(none)");
                        for t in &book.types {
                            ui.selectable_value(&mut draft.actor_type, t.clone(), t);
                        }
                    });
                commit |= draft.actor_type != before;
                ui.end_row();
                if draft.kind == ActorKind::Person {
                    ui.label("Organisation");
                    let before = draft.organisation.clone();
                    let name = draft
                        .organisation
                        .as_ref()
                        .map_or("(none)", |o| book.name(o));
                    egui::ComboBox::from_id_salt("actor_org")
                        .selected_text(name.to_owned())
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut draft.organisation, None, "(none)");
                            for o in book
                                .actors
                                .iter()
                                .filter(|o| o.kind == ActorKind::Organisation && o.id != draft.id)
                            {
                                ui.selectable_value(
                                    &mut draft.organisation,
                                    Some(o.id.clone()),
                                    &o.name,
                                );
                            }
                        });
                    commit |= draft.organisation != before;
                    ui.end_row();
                }
                ui.label("Aliases");
                let mut aliases = draft.aliases.join(", ");
                let r = ui
                    .text_edit_singleline(&mut aliases)
                    .on_hover_text("Other names, separated by commas");
                if r.changed() {
                    draft.aliases = aliases
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                }
                commit |= r.lost_focus();
                ui.end_row();
                ui.label("Colour");
                let mut rgb = draft.color.0;
                if ui.color_edit_button_srgb(&mut rgb).changed() {
                    draft.color = crate::core::model::Rgb(rgb);
                    commit = true;
                }
                ui.end_row();
            });
        ui.label("Notes");
        commit |= ui
            .add(
                egui::TextEdit::multiline(&mut draft.notes)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            )
            .lost_focus();
        if draft.kind == ActorKind::Organisation {
            draft.organisation = None;
        }
        if commit && *draft != *actor {
            out.push(Command::PutActor(Box::new(draft.clone())));
        }
        let n = counts.get(&actor.id).copied().unwrap_or(0);
        ui.label(format!("Named by {n} annotation(s)"));
        ui.horizontal(|ui| {
            ui.menu_button("Merge into…", |ui| {
                ui.weak("This actor's annotations and names go to the one chosen");
                for other in book.actors.iter().filter(|o| o.id != actor.id) {
                    if ui.button(&other.name).clicked() {
                        out.push(Command::MergeActors {
                            from: actor.id.clone(),
                            into: other.id.clone(),
                        });
                        state.chosen = Some(other.id.clone());
                        state.draft = None;
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text(
                Command::MergeActors {
                    from: actor.id.clone(),
                    into: actor.id.clone(),
                }
                .tooltip(),
            );
            let remove = ui
                .add_enabled(n == 0, egui::Button::new("Remove"))
                .on_disabled_hover_text(
                    "Annotations name this actor: merge it into another instead",
                );
            if remove.clicked() {
                out.push(Command::RemoveActor(actor.id.clone()));
                state.chosen = None;
                state.draft = None;
            }
        });
    });
}

fn settings_tab(
    ui: &mut egui::Ui,
    view: &View<'_>,
    state: &mut ActorsState,
    out: &mut Vec<Command>,
) {
    let book = &view.project().actors;
    ui.strong("Actor types");
    ui.weak("One per line: the kinds of actor this project tells apart (networks colour nodes by type).");
    let draft = state
        .types_draft
        .get_or_insert_with(|| book.types.join("\n"));
    let r = ui.add(
        egui::TextEdit::multiline(draft)
            .desired_rows(6)
            .desired_width(260.0),
    );
    if r.lost_focus() {
        let types: Vec<String> = draft
            .lines()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        if types != book.types {
            out.push(Command::SetActorTypes(types));
        }
        state.types_draft = None;
    } else if !r.has_focus() && *draft != book.types.join("\n") {
        *draft = book.types.join("\n");
    }
    ui.separator();
    ui.strong("Positions");
    let (mut scaled, mut min, mut max) = state.scale_draft.unwrap_or(match book.scale {
        Some(PositionScale { min, max }) => (true, min, max),
        None => (false, -2, 2),
    });
    ui.radio_value(
        &mut scaled,
        false,
        "Supports / neutral / opposes (+1 / 0 / -1)",
    );
    ui.horizontal(|ui| {
        ui.radio_value(&mut scaled, true, "A scale from");
        ui.add_enabled(scaled, egui::DragValue::new(&mut min).range(-10..=0));
        ui.label("to");
        ui.add_enabled(scaled, egui::DragValue::new(&mut max).range(0..=10));
    });
    state.scale_draft = Some((scaled, min, max));
    let wanted = scaled.then_some(PositionScale { min, max });
    if ui
        .add_enabled(
            wanted != book.scale && min < max,
            egui::Button::new("Apply"),
        )
        .clicked()
    {
        out.push(Command::SetPositionScale(wanted));
        state.scale_draft = None;
    }
}

fn proposals_tab(
    ui: &mut egui::Ui,
    view: &View<'_>,
    state: &mut ActorsState,
    out: &mut Vec<Command>,
) {
    state.refresh_proposals(view);
    ui.weak("Annotations that name no actor, and who their sentence says holds the stance (a reporting phrase such as “said” or “according to”, else a known actor mentioned).");
    if let Some((_, job)) = &state.job {
        let fraction = job.progress().fraction().unwrap_or(0.0);
        let mut stop = false;
        ui.horizontal(|ui| {
            crate::ui::widgets::busy(ui);
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(200.0)
                    .text("Reading sentences…"),
            );
            stop = ui.button("Cancel").clicked();
        });
        if stop && let Some((_, job)) = state.job.take() {
            job.cancel();
            // Keep what was there; a later change starts again.
            state.proposals = state
                .proposals
                .take()
                .or_else(|| Some((view.session.workspace().revision(), Arc::new(Vec::new()))));
        }
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
    }
    let Some((_, list)) = state.proposals.clone() else {
        return;
    };
    let open: Vec<&(AnnotationId, String, Proposal)> = list
        .iter()
        .filter(|(id, _, _)| {
            !state.rejected.contains(id)
                && view
                    .project()
                    .annotation(*id)
                    .is_some_and(|a| a.actor.is_none())
        })
        .collect();
    if open.is_empty() {
        ui.label("No proposals: every annotation names its actor, or its sentence names no one.");
        return;
    }
    if ui.button(format!("Accept all {}", open.len())).clicked() {
        let mut by_name: BTreeMap<&str, Vec<AnnotationId>> = BTreeMap::new();
        for (id, _, p) in &open {
            by_name.entry(p.name.as_str()).or_default().push(*id);
        }
        for (name, annotations) in by_name {
            out.push(Command::SetActorNamed {
                annotations,
                name: name.to_owned(),
            });
        }
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (id, quote, p) in open {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("“{quote}”")).italics());
                    ui.label("—");
                    ui.label(RichText::new(&p.name).strong())
                        .on_hover_text(format!("Because of {}", p.reason));
                    if p.actor.is_none() {
                        ui.weak("(new)");
                    }
                    if ui.small_button("Accept").clicked() {
                        out.push(Command::SetActorNamed {
                            annotations: vec![*id],
                            name: p.name.clone(),
                        });
                    }
                    if ui.small_button("Reject").clicked() {
                        state.rejected.insert(*id);
                    }
                    if ui.small_button("Show").clicked() {
                        out.push(Command::SelectAnnotation {
                            id: *id,
                            reveal: true,
                        });
                    }
                });
            }
        });
}
