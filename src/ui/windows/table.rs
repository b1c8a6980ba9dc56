//! The annotation table (View → Annotation table, Ctrl+T): every annotation of the project
//! with its article, stance, quote, note, annotator and date. Click a header to sort (again to
//! reverse); filter by stance, article, annotator and text; click, Ctrl+click and Shift+click
//! select rows (Ctrl+A all shown) for a bulk stance change or delete, each one undoable step;
//! double-click shows the passage. Rows are filtered and sorted on a worker thread; only the
//! rows in view are drawn.

use std::collections::HashSet;
use std::sync::Arc;

use eframe::egui::{self, Modifiers, RichText};
use egui_extras::{Column, TableBuilder};

use crate::analysis::table::{self, SortKey, TableQuery};
use crate::core::jobs::{Job, JobKind, Polled};
use crate::core::model::{Annotation, AnnotationId, Project};
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::{stance_chip, stance_style};

/// Height of a row, in points.
pub const ROW_HEIGHT: f32 = 22.0;
/// Code points of a quote or note shown in a cell.
const CELL_CHARS: usize = 90;

/// The rows of the table, in order.
type Rows = Vec<Arc<Annotation>>;
/// What rows were computed for: the query and the project's revision.
type RowsFor = (TableQuery, u64);

/// The table's query, rows and selection.
#[derive(Default)]
pub struct TableState {
    /// Sort and filters.
    pub query: TableQuery,
    /// The rows for `shown_for`.
    pub rows: Rows,
    shown_for: Option<RowsFor>,
    job: Option<(RowsFor, Job<Option<Rows>>)>,
    /// Selected annotations.
    pub selected: HashSet<AnnotationId>,
    /// The row a Shift+click extends from.
    anchor: Option<usize>,
    analysts: Option<(u64, Vec<(crate::core::model::AnalystId, String)>)>,
    /// The window's layer, so a click in it gives the table the keys.
    pub layer: Option<egui::LayerId>,
}

impl TableState {
    /// Selects every row shown (Ctrl+A).
    pub fn select_all(&mut self) {
        self.selected = self.rows.iter().map(|r| r.id).collect();
    }

    /// Deletes the selected rows' annotations (Delete): the command, if any is selected.
    pub fn delete_selected(&mut self) -> Option<Command> {
        let chosen = self.selection();
        if chosen.is_empty() {
            return None;
        }
        self.selected.clear();
        Some(Command::DeleteAnnotations(chosen))
    }

    /// Shows the first selected row's passage (Enter), in the order the table shows them.
    pub fn show_selected(&self) -> Option<Command> {
        let row = self.rows.iter().find(|r| self.selected.contains(&r.id))?;
        Some(Command::SelectAnnotation {
            id: row.id,
            reveal: true,
        })
    }

    /// Starts computing the rows when the query or the project changed, and takes them when
    /// the worker is done.
    fn refresh(&mut self, project: &Project, revision: u64) {
        if let Some((wanted, job)) = &mut self.job {
            match job.poll() {
                Polled::Running => {}
                Polled::Finished(rows) => {
                    if let Some(rows) = rows {
                        self.rows = rows;
                        self.shown_for = Some(wanted.clone());
                    }
                    self.job = None;
                }
                Polled::Lost => self.job = None,
            }
        }
        let wanted = (self.query.clone(), revision);
        let running = self.job.as_ref().map(|(w, _)| w);
        if self.shown_for.as_ref() != Some(&wanted) && running != Some(&wanted) {
            if let Some((_, old)) = self.job.take() {
                old.cancel();
            }
            let snapshot = Arc::new(project.clone());
            let query = self.query.clone();
            let job = Job::spawn(JobKind::Search, "annotation table", move |p| {
                table::rows(&snapshot, &query, p)
            });
            self.job = Some((wanted, job));
        }
        if self.analysts.as_ref().map(|(r, _)| *r) != Some(revision) {
            self.analysts = Some((revision, table::analysts(project)));
        }
    }

    /// Waits for the rows being computed (tests).
    pub fn wait(&mut self) {
        if let Some((wanted, job)) = self.job.take()
            && let Some(Some(rows)) = job.wait()
        {
            self.rows = rows;
            self.shown_for = Some(wanted);
        }
    }

    /// True while the rows are being computed.
    pub fn is_working(&self) -> bool {
        self.job.is_some()
    }

    fn click(&mut self, i: usize, modifiers: Modifiers) {
        let id = self.rows[i].id;
        if modifiers.shift
            && let Some(anchor) = self.anchor
        {
            let (a, b) = (anchor.min(i), anchor.max(i));
            if !modifiers.command {
                self.selected.clear();
            }
            self.selected.extend(self.rows[a..=b].iter().map(|r| r.id));
        } else if modifiers.command {
            if !self.selected.remove(&id) {
                self.selected.insert(id);
            }
            self.anchor = Some(i);
        } else {
            self.selected.clear();
            self.selected.insert(id);
            self.anchor = Some(i);
        }
    }

    /// The selected annotations, in table order.
    fn selection(&self) -> Vec<AnnotationId> {
        self.rows
            .iter()
            .filter(|r| self.selected.contains(&r.id))
            .map(|r| r.id)
            .collect()
    }
}

/// Narrowest the window may be made, in points (the table scrolls sideways inside).
const MIN_WINDOW_WIDTH: f32 = 360.0;

/// Draws the window; returns whether it stays open and what to do.
pub fn table_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut TableState,
) -> (bool, Vec<Command>) {
    if let Some(shown) = super::while_loading(ctx, view, "Annotation table", [940.0, 520.0]) {
        return shown;
    }
    // Only the layers shown (Team → Layers, blind coding).
    let hidden: Vec<_> = view.hidden_analysts.iter().cloned().collect();
    if state.query.hidden_analysts != hidden {
        state.query.hidden_analysts = hidden;
    }
    state.refresh(view.project(), view.session.workspace().revision());
    let mut open = true;
    let mut commands = Vec::new();
    super::sized_tool_window(ctx, "Annotation table", [940.0, 520.0])
        .open(&mut open)
        .min_width(MIN_WINDOW_WIDTH)
        .show(ctx, |ui| {
            super::fill_window(ui);
            state.layer = Some(ui.layer_id());
            filters_ui(ui, view, state);
            commands.extend(bulk_ui(ui, view, state));
            ui.separator();
            commands.extend(rows_ui(ui, view, state));
        });
    if state.is_working() {
        ctx.request_repaint();
    }
    (open, commands)
}

fn filters_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut TableState) {
    let project = view.project();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut state.query.text)
                .desired_width(180.0)
                .hint_text("quote or note"),
        )
        .labelled_by(label.id);
        let stance_text = state
            .query
            .stance
            .as_ref()
            .map_or("all stances".to_owned(), |s| project.stances.path_label(s));
        egui::ComboBox::from_id_salt("table_stance")
            .selected_text(stance_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.query.stance, None, "all stances");
                for s in &project.stances.0 {
                    let label = project.stances.path_label(&s.id);
                    ui.selectable_value(&mut state.query.stance, Some(s.id.clone()), label);
                }
            });
        let article_text = state
            .query
            .article
            .and_then(|id| project.article(id))
            .map_or("all articles".to_owned(), |a| {
                crate::core::text::snippet(&a.title, 30)
            });
        egui::ComboBox::from_id_salt("table_article")
            .selected_text(article_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.query.article, None, "all articles");
                for a in &project.articles {
                    let title = crate::core::text::snippet(&a.title, 50);
                    ui.selectable_value(&mut state.query.article, Some(a.id), title);
                }
            });
        let who_text = state
            .query
            .analyst
            .as_ref()
            .map_or("all analysts".to_owned(), |w| {
                project.analyst_name(w).to_owned()
            });
        let analysts = state
            .analysts
            .as_ref()
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        egui::ComboBox::from_id_salt("table_analyst")
            .selected_text(who_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.query.analyst, None, "all analysts");
                for (id, name) in analysts {
                    ui.selectable_value(&mut state.query.analyst, Some(id), name);
                }
            });
        let book = &project.actors;
        let actor_text = match &state.query.actor {
            None => "all actors".to_owned(),
            Some(None) => "no actor".to_owned(),
            Some(Some(id)) => book.name(id).to_owned(),
        };
        egui::ComboBox::from_id_salt("table_actor")
            .selected_text(actor_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.query.actor, None, "all actors");
                ui.selectable_value(&mut state.query.actor, Some(None), "no actor");
                for a in &book.actors {
                    ui.selectable_value(&mut state.query.actor, Some(Some(a.id.clone())), &a.name);
                }
            });
        let position_text = match state.query.position {
            None => "all positions".to_owned(),
            Some(None) => "no position".to_owned(),
            Some(Some(p)) => book.position_label(p),
        };
        egui::ComboBox::from_id_salt("table_position")
            .selected_text(position_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.query.position, None, "all positions");
                ui.selectable_value(&mut state.query.position, Some(None), "no position");
                for p in book.positions() {
                    ui.selectable_value(
                        &mut state.query.position,
                        Some(Some(p)),
                        book.position_label(p),
                    );
                }
            });
        if state.is_working() {
            crate::ui::widgets::busy(ui);
        }
        ui.weak(format!(
            "{} of {} annotations",
            state.rows.len(),
            project.annotations.len()
        ));
    });
}

fn bulk_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut TableState) -> Vec<Command> {
    let mut commands = Vec::new();
    let chosen = state.selection();
    ui.horizontal(|ui| {
        ui.label(format!("{} selected", chosen.len()));
        ui.add_enabled_ui(!chosen.is_empty(), |ui| {
            ui.menu_button("Change stance to", |ui| {
                for s in &view.project().stances.0 {
                    let label = view.project().stances.path_label(&s.id);
                    if ui.button(label).clicked() {
                        commands.push(Command::SetStanceOf {
                            annotations: chosen.clone(),
                            stance: s.id.clone(),
                        });
                    }
                }
            });
            let book = &view.project().actors;
            ui.menu_button("Set actor to", |ui| {
                for a in &book.actors {
                    if ui.button(&a.name).clicked() {
                        commands.push(Command::SetActorOf {
                            annotations: chosen.clone(),
                            actor: Some(a.id.clone()),
                        });
                    }
                }
                ui.separator();
                if ui.button("no actor").clicked() {
                    commands.push(Command::SetActorOf {
                        annotations: chosen.clone(),
                        actor: None,
                    });
                }
            });
            ui.menu_button("Set position to", |ui| {
                for p in book.positions() {
                    if ui.button(book.position_label(p)).clicked() {
                        commands.push(Command::SetPositionOf {
                            annotations: chosen.clone(),
                            position: Some(p),
                        });
                    }
                }
                ui.separator();
                if ui.button("no position").clicked() {
                    commands.push(Command::SetPositionOf {
                        annotations: chosen.clone(),
                        position: None,
                    });
                }
            });
            if ui
                .button("Delete selected")
                .on_hover_text("Delete the selected annotations (one Undo brings them back)")
                .clicked()
            {
                commands.push(Command::DeleteAnnotations(chosen.clone()));
                state.selected.clear();
            }
        });
        if ui
            .button("Select all")
            .on_hover_text("Ctrl+A while the table has the keys")
            .clicked()
        {
            state.select_all();
        }
    });
    commands
}

/// The modifiers held for this frame's click: those the button event carries (the keyboard
/// state may already have changed by the time the frame runs).
fn click_modifiers(ctx: &egui::Context) -> Modifiers {
    ctx.input(|i| {
        i.events
            .iter()
            .rev()
            .find_map(|e| match e {
                egui::Event::PointerButton { modifiers, .. } => Some(*modifiers),
                _ => None,
            })
            .unwrap_or(i.modifiers)
    })
}

fn header(ui: &mut egui::Ui, state: &mut TableState, key: SortKey, name: &str) {
    let sorted = state.query.sort == key;
    let text = if sorted {
        RichText::new(format!(
            "{name} {}",
            if state.query.descending {
                "(z-a)"
            } else {
                "(a-z)"
            }
        ))
        .strong()
    } else {
        RichText::new(name).strong()
    };
    if ui
        .add(egui::Button::new(text).frame(false))
        .on_hover_text("Sort by this column (again: the other way)")
        .clicked()
    {
        if sorted {
            state.query.descending = !state.query.descending;
        } else {
            state.query.sort = key;
            state.query.descending = false;
        }
    }
}

fn rows_ui(ui: &mut egui::Ui, view: &View<'_>, state: &mut TableState) -> Vec<Command> {
    let mut commands = Vec::new();
    if ui.is_sizing_pass() {
        // The window measures itself first; column widths are kept from the first table
        // drawn, so draw it only once the window has its real width.
        ui.allocate_space(egui::vec2(
            ui.available_width().max(MIN_WINDOW_WIDTH),
            300.0,
        ));
        return commands;
    }
    let project = view.project();
    let mut clicked: Option<(usize, Modifiers, bool)> = None;
    // In a narrow window the table scrolls sideways rather than running off the screen; the
    // quote takes what the other columns leave when the table is first drawn.
    const OTHERS: f32 = 150.0 + 120.0 + 170.0 + 120.0 + 70.0 + 80.0 + 115.0;
    let quote_width = (ui.available_width() - OTHERS - 40.0).max(160.0);
    egui::ScrollArea::horizontal()
        .id_salt("annotation_table_sideways")
        .auto_shrink(false)
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("annotation_table")
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .column(Column::initial(150.0).at_least(60.0).clip(true))
                .column(Column::initial(120.0).at_least(60.0).clip(true))
                .column(Column::initial(quote_width).at_least(160.0).clip(true))
                .column(Column::initial(170.0).at_least(60.0).clip(true))
                .column(Column::initial(120.0).at_least(50.0).clip(true))
                .column(Column::initial(70.0).at_least(40.0).clip(true))
                .column(Column::initial(80.0).at_least(50.0).clip(true))
                .column(Column::initial(115.0).at_least(60.0))
                .header(ROW_HEIGHT, |mut row| {
                    for (key, name) in [
                        (SortKey::Article, "Article"),
                        (SortKey::Stance, "Stance"),
                        (SortKey::Quote, "Quote"),
                        (SortKey::Note, "Note"),
                        (SortKey::Actor, "Actor"),
                        (SortKey::Position, "Position"),
                        (SortKey::Analyst, "Analyst"),
                        (SortKey::Created, "Created"),
                    ] {
                        row.col(|ui| header(ui, state, key, name));
                    }
                })
                .body(|body| {
                    body.rows(ROW_HEIGHT, state.rows.len(), |mut row| {
                        let i = row.index();
                        let a = &state.rows[i];
                        row.set_selected(state.selected.contains(&a.id));
                        let title = project
                            .article(a.article)
                            .map(|t| t.title.as_str())
                            .unwrap_or("");
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(crate::core::text::snippet(title, 40))
                                    .truncate()
                                    .selectable(false),
                            );
                        });
                        row.col(|ui| {
                            let (label, color) = stance_style(project, &a.stance);
                            stance_chip(ui, &label, color);
                        });
                        row.col(|ui| {
                            let quote = if a.orphaned {
                                format!(
                                    "(orphaned) {}",
                                    crate::core::text::snippet(&a.quote, CELL_CHARS)
                                )
                            } else {
                                crate::core::text::snippet(&a.quote, CELL_CHARS)
                            };
                            ui.add(egui::Label::new(quote).truncate().selectable(false));
                        });
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(crate::core::text::snippet(&a.note, CELL_CHARS))
                                    .truncate()
                                    .selectable(false),
                            );
                        });
                        row.col(|ui| {
                            let actor = a.actor.as_ref().map_or("", |id| project.actors.name(id));
                            ui.add(egui::Label::new(actor).truncate().selectable(false));
                        });
                        row.col(|ui| {
                            let position = a
                                .position
                                .map(|p| project.actors.position_label(p))
                                .unwrap_or_default();
                            ui.add(egui::Label::new(position).truncate().selectable(false));
                        });
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(project.analyst_name(&a.analyst))
                                    .truncate()
                                    .selectable(false),
                            );
                        });
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(a.created.format("%Y-%m-%d %H:%M").to_string())
                                    .selectable(false),
                            );
                        });
                        let response = row.response();
                        if response.double_clicked() {
                            clicked = Some((i, Modifiers::NONE, true));
                        } else if response.clicked() {
                            clicked = Some((i, click_modifiers(&response.ctx), false));
                        }
                    });
                });
        });
    if let Some((i, modifiers, double)) = clicked {
        if double {
            commands.push(Command::SelectAnnotation {
                id: state.rows[i].id,
                reveal: true,
            });
        } else {
            state.click(i, modifiers);
        }
    }
    commands
}
