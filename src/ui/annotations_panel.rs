//! The annotations panel (right): the stance filter, orphaned annotations, the editor of the
//! selected annotation (stance, note, delete), and the list of the article's annotations.

use eframe::egui::{self, RichText, Ui};

use super::state::View;
use super::widgets::{command_item, stance_button, stance_chip, stance_style, to_color};
use crate::core::derived::{AnnotationList, ArticleDerived};
use crate::core::model::{Annotation, AnnotationId, ArticleId};
use crate::core::text::snippet;
use crate::ui::command::Command;

/// Code points of a quote shown in a list card.
const CARD_QUOTE_CHARS: usize = 90;
/// Code points of a note shown in a list card.
const CARD_NOTE_CHARS: usize = 120;
/// Code points of the quote shown in the editor.
const EDITOR_QUOTE_CHARS: usize = 200;
/// Default width of the panel, in points.
pub const DEFAULT_WIDTH: f32 = 330.0;

/// The panel's own state between frames.
#[derive(Default)]
pub struct AnnotationsPanelState {
    list: AnnotationList,
    /// The workspace revision, article and hidden stances the list was made for.
    key: Option<(u64, ArticleId, crate::core::derived::Hidden)>,
    /// The note being typed: kept as one undoable change when the field loses focus.
    pub note_draft: Option<(AnnotationId, String)>,
    /// Who holds the selected annotation's stance (the actor field).
    pub actor_field: super::actor_field::ActorFieldState,
}

impl AnnotationsPanelState {
    /// Takes the list a worker thread derived when the project opened (no stance hidden).
    pub fn adopt(&mut self, derived: &ArticleDerived, revision: u64) {
        self.list = derived.list.clone();
        self.key = Some((revision, derived.article.id, Default::default()));
    }

    /// The note being typed, as a command that keeps it (if it differs from the note stored).
    pub fn note_to_commit(
        &self,
        view_annotation: impl Fn(AnnotationId) -> Option<String>,
    ) -> Option<Command> {
        let (id, draft) = self.note_draft.as_ref()?;
        (view_annotation(*id)? != *draft).then(|| Command::SetNote {
            annotation: *id,
            note: draft.clone(),
        })
    }

    fn update_list(&mut self, view: &View<'_>, article: ArticleId) {
        let ws = view.session.workspace();
        let key = (ws.revision(), article, view.list_filter());
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let updated = match &self.key {
            Some((rev, a, h)) if *a == article && *h == key.2 => ws
                .annotation_changes_in(*rev, article)
                .is_some_and(|changes| self.list.apply(article, &key.2, &changes)),
            _ => false,
        };
        if !updated {
            self.list = AnnotationList::build(ws.project(), article, &key.2);
        }
        self.key = Some(key);
    }
}

/// Draws the panel's contents.
#[must_use]
pub fn annotations_panel_ui(
    ui: &mut Ui,
    view: &View<'_>,
    state: &mut AnnotationsPanelState,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let Some(article) = view.focus.article else {
        ui.heading("Annotations");
        return commands;
    };
    state.update_list(view, article);
    let (shown, total) = (state.list.shown, state.list.total);
    ui.add_space(4.0);
    if !view.session.workspace().is_article_loaded(article) {
        ui.heading("Annotations (...)");
        ui.horizontal(|ui| {
            crate::ui::widgets::busy(ui);
            ui.weak("Loading…");
        });
        return commands;
    }
    if shown == total {
        ui.heading(format!("Annotations ({total})"));
    } else {
        ui.heading(format!("Annotations ({shown} of {total})"));
    }
    let scheme = &view.project().stances;
    // A codebook's hundred codes would bury the list: only those the article's annotations
    // use (and those hidden, to show them again) get a chip.
    let codebook = scheme.0.len() > CODEBOOK_CHIPS;
    let used: std::collections::BTreeSet<&crate::core::model::StanceId> = if codebook {
        state
            .list
            .rows
            .iter()
            .map(|r| &r.annotation.stance)
            .collect()
    } else {
        Default::default()
    };
    ui.weak(if codebook {
        "Codes used here (click to hide):"
    } else {
        "Show stances (click to hide):"
    });
    ui.horizontal_wrapped(|ui| {
        for (s, _) in scheme.tree() {
            let shown = !view.focus.hidden.contains(&s.id);
            if codebook && shown && !used.contains(&s.id) {
                continue;
            }
            let label = crate::ui::widgets::stance_style(view.project(), &s.id).0;
            let r = stance_button(ui, &label, to_color(s.color), shown)
                .on_hover_text(Command::ToggleStanceFilter(s.id.clone()).tooltip());
            if r.clicked() {
                commands.push(Command::ToggleStanceFilter(s.id.clone()));
            }
        }
    });
    ui.separator();
    commands.extend(orphans_ui(ui, view, state));
    commands.extend(editor_ui(ui, view, state));
    commands.extend(list_ui(ui, view, state));
    commands
}

/// Above this many stances the filter shows chips only for the codes in use.
const CODEBOOK_CHIPS: usize = 12;

/// Annotations whose passage could not be found after a text change: re-attach or delete.
fn orphans_ui(ui: &mut Ui, view: &View<'_>, state: &AnnotationsPanelState) -> Option<Command> {
    let orphans = state.list.orphans.clone();
    if orphans.is_empty() {
        return None;
    }
    let mut action = None;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Orphaned annotations ({})", orphans.len()),
            );
            ui.weak("Their passage changed. Select the new passage, then re-attach.");
            for (id, quote) in orphans.iter() {
                ui.label(
                    RichText::new(format!("“{}”", snippet(quote, CARD_QUOTE_CHARS))).italics(),
                );
                ui.horizontal(|ui| {
                    let reattach = ui.add_enabled(
                        view.selection.is_some(),
                        egui::Button::new("Re-attach to selection"),
                    );
                    if reattach.clicked()
                        && let Some(range) = view.selection
                    {
                        action = Some(Command::Reattach {
                            annotation: *id,
                            range,
                        });
                    }
                    if ui.button("Delete").clicked() {
                        action = Some(Command::DeleteAnnotation(*id));
                    }
                });
            }
        });
    action
}

/// Stance, note and delete for the selected annotation.
fn editor_ui(ui: &mut Ui, view: &View<'_>, state: &mut AnnotationsPanelState) -> Vec<Command> {
    let mut commands = Vec::new();
    let Some(id) = view.focus.annotation else {
        return commands;
    };
    let Some(ann) = view.project().annotation(id) else {
        return commands;
    };
    // Another analyst's annotation (or gold, for someone who does not curate it) is read here,
    // not changed: it can be copied into one's own layer.
    let refusal = view.session.workspace().may_edit(ann).err();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong("Selected annotation");
        ui.label(RichText::new(format!("“{}”", snippet(&ann.quote, EDITOR_QUOTE_CHARS))).italics());
        if let Some(why) = &refusal {
            ui.horizontal_wrapped(|ui| {
                ui.weak(why.to_string());
                if ui
                    .button(Command::CopyToMyLayer.label())
                    .on_hover_text(Command::CopyToMyLayer.tooltip())
                    .clicked()
                {
                    commands.push(Command::CopyToMyLayer);
                }
            });
        }
        ui.add_enabled_ui(refusal.is_none(), |ui| {
            ui.horizontal_wrapped(|ui| {
                let scheme = &view.project().stances;
                for (s, _) in scheme.tree() {
                    let on = s.id == ann.stance;
                    let label = scheme.path_label(&s.id);
                    if stance_button(ui, &label, to_color(s.color), on).clicked() && !on {
                        commands.push(Command::SetStance {
                            annotation: id,
                            stance: s.id.clone(),
                        });
                    }
                }
            });
            commands.extend(super::actor_field::actor_field_ui(
                ui,
                view,
                &mut state.actor_field,
                ann,
                refusal.is_none(),
            ));
            let note_label = ui.label("Note");
            if state.note_draft.as_ref().is_none_or(|(d, _)| *d != id) {
                state.note_draft = Some((id, ann.note.clone()));
            }
            if let Some((_, draft)) = &mut state.note_draft {
                let r = ui
                    .add(
                        egui::TextEdit::multiline(draft)
                            .desired_rows(3)
                            .desired_width(f32::INFINITY)
                            .hint_text("Why this stance? Saved when you leave the field."),
                    )
                    .labelled_by(note_label.id);
                if r.lost_focus() && *draft != ann.note {
                    commands.push(Command::SetNote {
                        annotation: id,
                        note: draft.clone(),
                    });
                }
            }
            ui.weak(details_line(view.project(), ann));
            let delete = Command::DeleteAnnotation(id);
            if ui
                .button(delete.label())
                .on_hover_text("Delete key")
                .clicked()
            {
                commands.push(delete);
            }
        });
    });
    ui.add_space(4.0);
    commands
}

fn details_line(project: &crate::core::model::Project, ann: &Annotation) -> String {
    format!(
        "{} · {}–{} · {}",
        project.analyst_name(&ann.analyst),
        ann.range.start,
        ann.range.end,
        ann.modified.format("%Y-%m-%d %H:%M")
    )
}

/// The article's annotations as fixed-height cards, so only the visible ones are laid out.
fn list_ui(ui: &mut Ui, view: &View<'_>, state: &AnnotationsPanelState) -> Option<Command> {
    let list = state.list.rows.clone();
    if list.is_empty() {
        ui.weak("No annotations yet. Drag over a passage, then press 1, 2 or 3.");
    }
    let line = ui.text_style_height(&egui::TextStyle::Body);
    let inner_height = line * 3.0 + 6.0;
    let row_height = inner_height + 14.0;
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("annotation_list")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, list.len(), |ui, visible| {
            for row in &list[visible] {
                let ann = &row.annotation;
                let card = card_ui(ui, view, ann, inner_height);
                if card.clicked() {
                    clicked = Some(Command::SelectAnnotation {
                        id: ann.id,
                        reveal: true,
                    });
                }
                card.context_menu(|ui| {
                    if let Some(c) = card_menu_ui(ui, view, ann) {
                        clicked = Some(c);
                    }
                });
            }
        });
    clicked
}

/// The right-click menu of an annotation card.
fn card_menu_ui(ui: &mut Ui, view: &View<'_>, ann: &Annotation) -> Option<Command> {
    let mut chosen = None;
    ui.menu_button("Change stance to", |ui| {
        for s in view
            .project()
            .stances
            .0
            .iter()
            .filter(|s| s.id != ann.stance)
        {
            if ui.button(&s.label).clicked() {
                chosen = Some(Command::SetStance {
                    annotation: ann.id,
                    stance: s.id.clone(),
                });
            }
        }
    });
    chosen
        .or_else(|| command_item(ui, Command::SuggestSimilar(ann.id), None, true))
        .or_else(|| command_item(ui, Command::DeleteAnnotation(ann.id), None, true))
}

/// One annotation card; the whole card is one click target.
fn card_ui(ui: &mut Ui, view: &View<'_>, ann: &Annotation, inner_height: f32) -> egui::Response {
    let quote = snippet(&ann.quote, CARD_QUOTE_CHARS);
    let note = snippet(&ann.note, CARD_NOTE_CHARS);
    let selected = view.focus.annotation == Some(ann.id);
    let (label, color) = stance_style(view.project(), &ann.stance);
    let frame = egui::Frame::group(ui.style())
        .fill(if selected {
            ui.visuals().selection.bg_fill.gamma_multiply(0.35)
        } else {
            ui.visuals().panel_fill
        })
        .stroke(egui::Stroke::new(
            1.0,
            color.gamma_multiply(if selected { 1.0 } else { 0.7 }),
        ));
    let card = egui::UiBuilder::new()
        .id_salt(("annotation_row", ann.id))
        .sense(egui::Sense::click());
    let r = ui
        .scope_builder(card, |ui| {
            ui.style_mut().interaction.selectable_labels = false;
            frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.set_height(inner_height);
                ui.horizontal(|ui| {
                    stance_chip(ui, &label, color);
                    let project = view.project();
                    let who = ann.actor.as_ref().map(|id| project.actors.name(id));
                    let position = ann.position.map(|p| project.actors.position_label(p));
                    let line = match (who, position) {
                        (Some(w), Some(p)) => format!("{w}, {p}"),
                        (Some(w), None) => w.to_owned(),
                        (None, Some(p)) => p,
                        (None, None) => String::new(),
                    };
                    if !line.is_empty() {
                        ui.add(egui::Label::new(RichText::new(line).small().weak()).truncate());
                    }
                });
                ui.add(egui::Label::new(RichText::new(format!("“{quote}”")).italics()).truncate());
                if !note.is_empty() {
                    ui.add(
                        egui::Label::new(RichText::new(format!("Note: {note}")).weak()).truncate(),
                    );
                }
            })
        })
        .response
        .on_hover_cursor(egui::CursorIcon::PointingHand);
    r.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Annotation: {quote}"))
    });
    r
}
