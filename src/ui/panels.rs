//! Side panels (articles, annotations) and the tool windows (preferences, stances).

use eframe::egui::{self, Color32, RichText};

use super::article_view::{stance_chip, stance_style, to_color};
use super::{Modal, StancemarkApp};
use crate::model::{ArticleId, ArticleMeta, Rgb, StanceId};
use crate::text::snippet;

/// One row of the annotation list, prepared once per change of the project (not per frame;
/// snippets are made only for the rows on screen).
#[derive(Clone)]
struct ListRow {
    /// Sort key: start, end, then id (a total order).
    order: (usize, usize, crate::model::AnnotationId),
    id: crate::model::AnnotationId,
    annotation: std::sync::Arc<crate::model::Annotation>,
}

impl ListRow {
    fn of(annotation: &std::sync::Arc<crate::model::Annotation>) -> Self {
        Self {
            order: (annotation.range.start, annotation.range.end, annotation.id),
            id: annotation.id,
            annotation: annotation.clone(),
        }
    }
}

/// Applies annotation changes to sorted list rows (see [`crate::edit::apply_to_sorted`]).
fn update_rows(
    rows: &mut Vec<ListRow>,
    changes: &[crate::edit::AnnotationChange],
    listed: impl Fn(&crate::model::Annotation) -> bool,
) {
    crate::edit::apply_to_sorted(rows, changes, listed, ListRow::of, |r| r.order);
}

/// The annotation list and article counts, rebuilt only when the project, the article or the
/// stance filter changes, so a frame costs the same with 10 or 100,000 annotations.
#[derive(Default)]
struct ListCache {
    key: Option<(u64, ArticleId, Vec<StanceId>)>,
    rows: std::sync::Arc<Vec<ListRow>>,
    total: usize,
    orphans: std::sync::Arc<Vec<(crate::model::AnnotationId, String)>>,
    counts_revision: Option<u64>,
    counts: std::sync::Arc<Vec<(ArticleId, String, usize)>>,
}

/// Text being edited in the panels, kept between frames.
#[derive(Default)]
pub struct PanelState {
    cache: ListCache,
    renaming: Option<(ArticleId, String)>,
    meta_draft: Option<(ArticleId, ArticleMeta)>,
    new_stance: String,
    stance_drafts: Vec<(StanceId, String, String)>,
}

/// Colours offered to new stances, in turn.
const NEW_STANCE_COLORS: [[u8; 3]; 6] = [
    [155, 89, 182],
    [231, 76, 60],
    [22, 160, 133],
    [241, 196, 15],
    [127, 140, 141],
    [211, 84, 0],
];

impl StancemarkApp {
    pub(super) fn articles_panel(&mut self, ui: &mut egui::Ui) {
        egui::Panel::left("articles")
            .default_size(230.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.heading("Articles");
                ui.add_space(4.0);
                if ui.button("+ Add article…").clicked() {
                    self.open_file_dialog(super::FilePurpose::AddArticle);
                }
                ui.separator();
                let mut select = None;
                let mut rename_done = None;
                let revision = self.ws.revision();
                let changes = self
                    .panels
                    .cache
                    .counts_revision
                    .and_then(|r| self.ws.annotation_changes_since(r));
                if let Some(changes) = changes {
                    // Only annotations changed: adjust the counts they touch.
                    if !changes.is_empty() {
                        let counts = std::sync::Arc::make_mut(&mut self.panels.cache.counts);
                        for change in &changes {
                            for (ann, delta) in [(&change.before, -1isize), (&change.after, 1)] {
                                if let Some(ann) = ann
                                    && let Some(row) = counts.iter_mut().find(|c| c.0 == ann.article)
                                {
                                    row.2 = row.2.saturating_add_signed(delta);
                                }
                            }
                        }
                    }
                    self.panels.cache.counts_revision = Some(revision);
                }
                if self.panels.cache.counts_revision != Some(revision) {
                    let mut per_article = std::collections::HashMap::new();
                    for a in &self.ws.project().annotations {
                        *per_article.entry(a.article).or_insert(0usize) += 1;
                    }
                    self.panels.cache.counts = std::sync::Arc::new(
                        self.ws
                            .project()
                            .articles
                            .iter()
                            .map(|a| (a.id, a.title.clone(), per_article.get(&a.id).copied().unwrap_or(0)))
                            .collect(),
                    );
                    self.panels.cache.counts_revision = Some(revision);
                }
                let articles = self.panels.cache.counts.clone();
                egui::ScrollArea::vertical()
                    .id_salt("article_list")
                    .max_height(ui.available_height() * 0.55)
                    .show(ui, |ui| {
                        for (id, title, count) in articles.iter() {
                            if let Some((rid, text)) = &mut self.panels.renaming
                                && rid == id
                            {
                                let r = ui.add(
                                    egui::TextEdit::singleline(text).desired_width(f32::INFINITY),
                                );
                                r.request_focus();
                                if r.lost_focus() {
                                    let commit = !ui.input(|i| i.key_pressed(egui::Key::Escape));
                                    rename_done = Some((*id, text.clone(), commit));
                                }
                                continue;
                            }
                            let selected = self.current_article == Some(*id);
                            let r = ui
                                .selectable_label(
                                    selected,
                                    format!("{}  ({count})", snippet(title, 60)),
                                )
                                .on_hover_text("Double-click to rename");
                            if r.clicked() {
                                select = Some(*id);
                            }
                            if r.double_clicked() {
                                self.panels.renaming = Some((*id, title.clone()));
                            }
                        }
                    });
                if let Some(id) = select {
                    self.select_article(id);
                }
                if let Some((id, title, commit)) = rename_done {
                    self.panels.renaming = None;
                    let title = title.trim();
                    if commit
                        && !title.is_empty()
                        && let Err(e) = self.ws.rename_article(id, title)
                    {
                        self.info(e.to_string());
                    }
                }
                if let Some(id) = self.current_article {
                    ui.separator();
                    ui.horizontal(|ui| {
                        if ui.button("Rename").clicked() {
                            let title = self
                                .ws
                                .project()
                                .article(id)
                                .map(|a| a.title.clone())
                                .unwrap_or_default();
                            self.panels.renaming = Some((id, title));
                        }
                        if ui.button("Remove…").clicked() {
                            self.modal = Some(Modal::RemoveArticle(id));
                        }
                    });
                    ui.horizontal(|ui| {
                        if ui
                            .button("Edit text…")
                            .on_hover_text("Correct the article text; annotations follow their passages")
                            .clicked()
                        {
                            let text = self
                                .ws
                                .project()
                                .article(id)
                                .map(|a| a.text.clone())
                                .unwrap_or_default();
                            self.text_draft = Some((id, text));
                        }
                        let has_source = self
                            .ws
                            .project()
                            .article(id)
                            .is_some_and(|a| a.source_path.is_some());
                        if ui
                            .add_enabled(has_source, egui::Button::new("Re-import"))
                            .on_hover_text("Reload the text from its source file; annotations follow their passages")
                            .clicked()
                        {
                            match self.ws.reimport_article(id) {
                                Ok(orphans) => self.report_reanchoring(orphans),
                                Err(e) => self.error("Could not re-import", e.to_string()),
                            }
                        }
                    });
                    self.article_details(ui, id);
                }
            });
    }

    fn report_reanchoring(&mut self, orphans: usize) {
        if orphans == 0 {
            self.info("Text updated; every annotation found its passage");
        } else {
            self.status = Some((
                format!(
                    "Text updated; {orphans} annotation(s) could not be placed and are listed as orphaned"
                ),
                true,
            ));
        }
        self.after_history_step();
    }

    fn article_details(&mut self, ui: &mut egui::Ui, id: ArticleId) {
        let Some(article) = self.ws.project().article(id) else {
            return;
        };
        if self
            .panels
            .meta_draft
            .as_ref()
            .is_none_or(|(d, _)| *d != id)
        {
            self.panels.meta_draft = Some((id, article.meta.clone()));
        }
        let source = article.source_path.clone();
        let mut commit = false;
        egui::CollapsingHeader::new("Details")
            .default_open(false)
            .show(ui, |ui| {
                let Some((_, meta)) = &mut self.panels.meta_draft else {
                    return;
                };
                egui::Grid::new("article_meta")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (label, field) in [
                            ("Author", &mut meta.author),
                            ("Outlet", &mut meta.outlet),
                            ("Date", &mut meta.date),
                            ("URL", &mut meta.url),
                        ] {
                            let l = ui.label(label);
                            let mut text = field.clone().unwrap_or_default();
                            let r = ui
                                .add(egui::TextEdit::singleline(&mut text).desired_width(130.0))
                                .labelled_by(l.id);
                            if r.changed() {
                                *field = Some(text).filter(|t| !t.trim().is_empty());
                            }
                            commit |= r.lost_focus();
                            ui.end_row();
                        }
                    });
                ui.weak(format!("{} characters", article.char_len()));
                if let Some(src) = source {
                    ui.weak(format!("from {src}"));
                }
            });
        if commit
            && let Some((id, meta)) = self.panels.meta_draft.clone()
            && let Err(e) = self.ws.set_article_meta(id, meta)
        {
            self.info(e.to_string());
        }
    }

    pub(super) fn annotations_panel(&mut self, ui: &mut egui::Ui) {
        egui::Panel::right("annotations")
            .default_size(330.0)
            .show(ui, |ui| {
                let Some(article) = self.current_article else {
                    ui.heading("Annotations");
                    return;
                };
                let now = ui.input(|i| i.time);
                let project = self.ws.project();
                let mut hidden: Vec<StanceId> = self.hidden_stances.iter().cloned().collect();
                hidden.sort();
                let key = (self.ws.revision(), article, hidden);
                // Same article and filter, and only annotations (none orphaned) changed since
                // the list was made: update it in place.
                let changes = match &self.panels.cache.key {
                    Some((rev, a, h)) if *a == article && *h == key.2 => {
                        self.ws.annotation_changes_since(*rev)
                    }
                    _ => None,
                }
                .filter(|changes| {
                    !changes.iter().any(|c| {
                        [&c.before, &c.after]
                            .into_iter()
                            .flatten()
                            .any(|a| a.orphaned && a.article == article)
                    })
                });
                if let Some(changes) = changes {
                    let hidden = &self.hidden_stances;
                    let rows = std::sync::Arc::make_mut(&mut self.panels.cache.rows);
                    update_rows(rows, &changes, |a| {
                        a.article == article && !a.orphaned && !hidden.contains(&a.stance)
                    });
                    for c in &changes {
                        let mine = |a: &Option<std::sync::Arc<crate::model::Annotation>>| {
                            a.as_ref().is_some_and(|a| a.article == article)
                        };
                        self.panels.cache.total = self.panels.cache.total
                            + usize::from(mine(&c.after))
                            - usize::from(mine(&c.before));
                    }
                    self.panels.cache.key = Some(key);
                } else if self.panels.cache.key.as_ref() != Some(&key) {
                    let mut rows: Vec<&std::sync::Arc<crate::model::Annotation>> = project
                        .annotations
                        .iter()
                        .filter(|a| a.article == article)
                        .collect();
                    self.panels.cache.total = rows.len();
                    self.panels.cache.orphans = std::sync::Arc::new(
                        rows.iter()
                            .filter(|a| a.orphaned)
                            .map(|a| (a.id, snippet(&a.quote, 90)))
                            .collect(),
                    );
                    rows.retain(|a| !a.orphaned && !self.hidden_stances.contains(&a.stance));
                    let mut rows: Vec<ListRow> = rows.into_iter().map(ListRow::of).collect();
                    rows.sort_by_key(|r| r.order);
                    self.panels.cache.rows = std::sync::Arc::new(rows);
                    self.panels.cache.key = Some(key);
                }
                let list = self.panels.cache.rows.clone();
                let total = self.panels.cache.total;
                ui.add_space(4.0);
                ui.heading(format!("Annotations ({total})"));
                ui.weak("Show stances (click to hide):");
                let stances: Vec<_> = project
                    .stances
                    .0
                    .iter()
                    .map(|s| (s.id.clone(), s.label.clone(), to_color(s.color)))
                    .collect();
                // Three chips a row: explicit rows rather than a wrapping layout, whose second
                // line egui hit-tests against the widgets below it.
                for chunk in stances.chunks(3) {
                    ui.horizontal(|ui| {
                        for (id, label, color) in chunk {
                            let shown = !self.hidden_stances.contains(id);
                            let text = RichText::new(label).color(if shown {
                                Color32::WHITE
                            } else {
                                *color
                            });
                            let button = egui::Button::new(text)
                                .fill(if shown { *color } else { Color32::TRANSPARENT })
                                .stroke(egui::Stroke::new(1.0, *color))
                                .corner_radius(8.0);
                            if ui.add(button).clicked() {
                                if shown {
                                    self.hidden_stances.insert(id.clone());
                                } else {
                                    self.hidden_stances.remove(id);
                                }
                            }
                        }
                    });
                }
                ui.separator();
                self.orphans_ui(ui);
                self.annotation_editor(ui);
                let mut clicked = None;
                if list.is_empty() {
                    ui.weak("No annotations yet. Drag over a passage, then press 1, 2 or 3.");
                }
                // Fixed-height cards, so only the visible ones are laid out (show_rows).
                let line = ui.text_style_height(&egui::TextStyle::Body);
                let inner_height = line * 3.0 + 6.0;
                let row_height = inner_height + 14.0;
                egui::ScrollArea::vertical()
                    .id_salt("annotation_list")
                    .auto_shrink([false, false])
                    .show_rows(ui, row_height, list.len(), |ui, visible| {
                        for row in &list[visible] {
                            let id = row.id;
                            let ann = &row.annotation;
                            let quote = snippet(&ann.quote, 90);
                            let note = snippet(&ann.note, 120);
                            let selected = self.selected_annotation == Some(id);
                            let (label, color) = stance_style(self.ws.project(), &ann.stance);
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
                                .id_salt(("annotation_row", id))
                                .sense(egui::Sense::click());
                            let r = ui
                                .scope_builder(card, |ui| {
                                    // The whole card is one click target.
                                    ui.style_mut().interaction.selectable_labels = false;
                                    frame.show(ui, |ui| {
                                        ui.set_width(ui.available_width());
                                        ui.set_height(inner_height);
                                        stance_chip(ui, &label, color);
                                        ui.add(
                                            egui::Label::new(
                                                RichText::new(format!("“{quote}”")).italics(),
                                            )
                                            .truncate(),
                                        );
                                        if !note.is_empty() {
                                            ui.add(
                                                egui::Label::new(
                                                    RichText::new(format!("Note: {note}")).weak(),
                                                )
                                                .truncate(),
                                            );
                                        }
                                    })
                                })
                                .response;
                            let r = r.on_hover_cursor(egui::CursorIcon::PointingHand);
                            r.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!("Annotation: {quote}"),
                                )
                            });
                            if r.clicked() {
                                clicked = Some(id);
                            }
                        }
                    });
                if let Some(id) = clicked {
                    self.select_annotation(id, true, now);
                }
            });
    }

    /// Annotations whose passage could not be found after a text change: re-attach or delete.
    fn orphans_ui(&mut self, ui: &mut egui::Ui) {
        let orphans = self.panels.cache.orphans.clone();
        if orphans.is_empty() {
            return;
        }
        let selection = self.view.selection();
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
                    let id = *id;
                    ui.label(RichText::new(format!("“{quote}”")).italics());
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(
                                selection.is_some(),
                                egui::Button::new("Re-attach to selection"),
                            )
                            .clicked()
                        {
                            action = Some((id, true));
                        }
                        if ui.button("Delete").clicked() {
                            action = Some((id, false));
                        }
                    });
                }
            });
        match action {
            Some((id, true)) => {
                if let Some(range) = selection {
                    match self.ws.reattach_annotation(id, range) {
                        Ok(()) => {
                            self.view.set_selection(None);
                            self.info("Annotation re-attached");
                        }
                        Err(e) => self.info(e.to_string()),
                    }
                }
            }
            Some((id, false)) => {
                if let Err(e) = self.ws.delete_annotation(id) {
                    self.info(e.to_string());
                }
            }
            None => {}
        }
    }

    /// Stance, note and delete for the selected annotation.
    fn annotation_editor(&mut self, ui: &mut egui::Ui) {
        let Some(id) = self.selected_annotation else {
            return;
        };
        let Some(ann) = self.ws.project().annotation(id).cloned() else {
            return;
        };
        let mut new_stance = None;
        let mut delete = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.strong("Selected annotation");
            ui.label(RichText::new(format!("“{}”", snippet(&ann.quote, 200))).italics());
            ui.horizontal_wrapped(|ui| {
                for s in &self.ws.project().stances.0 {
                    let on = s.id == ann.stance;
                    let color = to_color(s.color);
                    let text =
                        RichText::new(&s.label).color(if on { Color32::WHITE } else { color });
                    let b = egui::Button::new(text)
                        .fill(if on { color } else { Color32::TRANSPARENT })
                        .stroke(egui::Stroke::new(1.0, color));
                    if ui.add(b).clicked() && !on {
                        new_stance = Some(s.id.clone());
                    }
                }
            });
            let note_label = ui.label("Note");
            if self.note_draft.as_ref().is_none_or(|(d, _)| *d != id) {
                self.note_draft = Some((id, ann.note.clone()));
            }
            if let Some((_, draft)) = &mut self.note_draft {
                let r = ui
                    .add(
                        egui::TextEdit::multiline(draft)
                            .desired_rows(3)
                            .desired_width(f32::INFINITY)
                            .hint_text("Why this stance? Saved when you leave the field."),
                    )
                    .labelled_by(note_label.id);
                if r.lost_focus() {
                    self.commit_note();
                }
            }
            ui.horizontal(|ui| {
                ui.weak(format!(
                    "{} · {}–{} · {}",
                    if ann.annotator.is_empty() {
                        "?"
                    } else {
                        &ann.annotator
                    },
                    ann.range.start,
                    ann.range.end,
                    ann.modified.format("%Y-%m-%d %H:%M")
                ));
            });
            if ui
                .button("Delete annotation")
                .on_hover_text("Delete key")
                .clicked()
            {
                delete = true;
            }
        });
        ui.add_space(4.0);
        if let Some(stance) = new_stance {
            self.commit_note();
            if let Err(e) = self.ws.set_annotation_stance(id, &stance) {
                self.info(e.to_string());
            }
        }
        if delete {
            self.delete_selected_annotation();
        }
    }

    pub(super) fn windows(&mut self, ctx: &egui::Context) {
        if self.show_preferences {
            let mut open = true;
            let mut changed = false;
            egui::Window::new("Preferences")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    egui::Grid::new("prefs").num_columns(2).show(ui, |ui| {
                        let l = ui.label("Annotator name");
                        let r = ui
                            .text_edit_singleline(&mut self.prefs.annotator)
                            .labelled_by(l.id);
                        changed |= r.lost_focus();
                        ui.end_row();
                        let l = ui.label("Text size");
                        changed |= ui
                            .add(egui::Slider::new(&mut self.prefs.text_size, 12.0..=28.0))
                            .labelled_by(l.id)
                            .drag_stopped();
                        ui.end_row();
                    });
                    ui.weak("The name is recorded on every new annotation.");
                });
            if changed || !open {
                self.ws.annotator = self.prefs.annotator.trim().to_owned();
                self.save_prefs();
            }
            self.show_preferences = open;
        }
        if let Some((id, mut draft)) = self.text_draft.take() {
            let mut open = true;
            let mut apply = false;
            let title = self
                .ws
                .project()
                .article(id)
                .map(|a| a.title.clone())
                .unwrap_or_default();
            egui::Window::new(format!("Edit text — {}", snippet(&title, 40)))
                .open(&mut open)
                .default_size([640.0, 480.0])
                .show(ctx, |ui| {
                    ui.weak("Annotations are re-anchored to their passages when you apply; any that cannot be placed are listed as orphaned.");
                    ui.horizontal(|ui| {
                        apply = ui.button("Apply").clicked();
                    });
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut draft)
                                .desired_width(f32::INFINITY)
                                .desired_rows(20),
                        );
                    });
                });
            if apply {
                match self.ws.set_article_text(id, &draft) {
                    Ok(orphans) => self.report_reanchoring(orphans),
                    Err(e) => self.error("Could not change the text", e.to_string()),
                }
            } else if open {
                self.text_draft = Some((id, draft));
            }
        }
        if self.show_stances {
            let mut open = true;
            egui::Window::new("Stances")
                .open(&mut open)
                .default_width(520.0)
                .show(ctx, |ui| self.stances_ui(ui));
            self.show_stances = open;
        }
    }

    fn stances_ui(&mut self, ui: &mut egui::Ui) {
        let stances = self.ws.project().stances.0.clone();
        if self.panels.stance_drafts.len() != stances.len()
            || self
                .panels
                .stance_drafts
                .iter()
                .zip(&stances)
                .any(|(d, s)| d.0 != s.id)
        {
            self.panels.stance_drafts = stances
                .iter()
                .map(|s| (s.id.clone(), s.label.clone(), s.description.clone()))
                .collect();
        }
        let mut remove = None;
        egui::Grid::new("stances_grid")
            .num_columns(5)
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Key");
                ui.strong("Colour");
                ui.strong("Name");
                ui.strong("Description");
                ui.end_row();
                for (s, draft) in stances.iter().zip(self.panels.stance_drafts.iter_mut()) {
                    ui.label(s.hotkey.map_or("–".to_owned(), |k| k.to_string()));
                    let mut rgb = s.color.0;
                    if ui.color_edit_button_srgb(&mut rgb).changed()
                        && let Err(e) = self.ws.recolor_stance(&s.id, Rgb(rgb))
                    {
                        self.status = Some((e.to_string(), true));
                    }
                    let r = ui.add(egui::TextEdit::singleline(&mut draft.1).desired_width(130.0));
                    if r.lost_focus()
                        && draft.1 != s.label
                        && let Err(e) = self.ws.rename_stance(&s.id, &draft.1)
                    {
                        self.status = Some((e.to_string(), true));
                        draft.1 = s.label.clone();
                    }
                    let r = ui.add(egui::TextEdit::singleline(&mut draft.2).desired_width(200.0));
                    if r.lost_focus()
                        && draft.2 != s.description
                        && let Err(e) = self.ws.describe_stance(&s.id, &draft.2)
                    {
                        self.status = Some((e.to_string(), true));
                    }
                    if ui.button("Remove…").clicked() {
                        remove = Some(s.id.clone());
                    }
                    ui.end_row();
                }
            });
        ui.separator();
        ui.horizontal(|ui| {
            let l = ui.label("New stance");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.panels.new_stance)
                        .hint_text("e.g. economy"),
                )
                .labelled_by(l.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add").clicked() || enter) && !self.panels.new_stance.trim().is_empty() {
                let color = NEW_STANCE_COLORS[stances.len() % NEW_STANCE_COLORS.len()];
                match self.ws.add_stance(&self.panels.new_stance, Rgb(color)) {
                    Ok(_) => self.panels.new_stance.clear(),
                    Err(e) => self.status = Some((e.to_string(), true)),
                }
            }
        });
        if let Some(id) = remove {
            let used = self.ws.project().stance_usage(&id);
            if used == 0 {
                if let Err(e) = self.ws.remove_stance(&id) {
                    self.status = Some((e.to_string(), true));
                }
            } else {
                self.modal = Some(Modal::RemoveStance(id, used));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Project, TextRange};
    use crate::workspace::{SteppingClock, Workspace};

    /// The list rows as a rebuild would make them.
    fn rebuilt(
        ws: &Workspace,
        article: ArticleId,
    ) -> Vec<(usize, usize, crate::model::AnnotationId)> {
        let mut rows: Vec<_> = ws
            .project()
            .annotations
            .iter()
            .filter(|a| a.article == article && a.stance.as_str() != "security")
            .map(|a| ListRow::of(a).order)
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn list_rows_updated_by_changes_equal_a_rebuild() {
        let mut ws = Workspace::new(Project::new("p"), None, Box::new(SteppingClock::default()));
        let article = ws
            .add_article(Article::new("a", &"word ".repeat(40)))
            .unwrap();
        let mut rows: Vec<ListRow> = Vec::new();
        let listed = |a: &crate::model::Annotation| {
            a.article == article && !a.orphaned && a.stance.as_str() != "security"
        };
        let mut revision = ws.revision();
        let mut ids = Vec::new();
        for (i, (start, end)) in [(10, 20), (0, 30), (10, 20), (5, 6), (40, 50)]
            .iter()
            .enumerate()
        {
            let stance = ["regulation", "security", "pro-open-source"][i % 3];
            let range = TextRange {
                start: *start,
                end: *end,
            };
            ids.push(
                ws.add_annotation(article, range, &StanceId::new(stance), "")
                    .unwrap(),
            );
            update_rows(
                &mut rows,
                &ws.annotation_changes_since(revision).unwrap(),
                listed,
            );
            revision = ws.revision();
            let orders: Vec<_> = rows.iter().map(|r| r.order).collect();
            assert_eq!(orders, rebuilt(&ws, article));
        }
        ws.set_annotation_stance(ids[0], &StanceId::new("security"))
            .unwrap();
        ws.delete_annotation(ids[2]).unwrap();
        ws.undo();
        update_rows(
            &mut rows,
            &ws.annotation_changes_since(revision).unwrap(),
            listed,
        );
        let orders: Vec<_> = rows.iter().map(|r| r.order).collect();
        assert_eq!(orders, rebuilt(&ws, article));
    }
}
