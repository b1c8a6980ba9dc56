//! The articles panel (left): the articles with their annotation counts and a bar of their
//! stances, a filter field (title, author, outlet) and an order (title, date, outlet, most
//! annotated, not yet coded first), so one article among a thousand is a keystroke away;
//! renaming, removing, editing and re-importing the current one, and its details.

use eframe::egui::{self, Ui};

use super::state::View;
use super::widgets::command_item;
use crate::core::derived::{ArticleCounts, ArticleOrder, list_articles};
use crate::core::model::{ArticleId, ArticleMeta};
use crate::core::text::snippet;
use crate::ui::command::Command;

/// Code points of a title shown in the list.
const TITLE_CHARS: usize = 60;
/// Share of the panel's height the list may take (the rest is for the current article).
const LIST_SHARE: f32 = 0.55;
/// Default width of the panel, in points.
pub const DEFAULT_WIDTH: f32 = 230.0;

/// A title being edited in place.
struct Renaming {
    article: ArticleId,
    text: String,
    /// The field took the keyboard once; from then on it keeps it only until Enter, Tab, Esc
    /// or a click elsewhere.
    focused: bool,
}

/// What the listed rows were chosen for: the counts' revision, the filter and the order.
type ListKey = (Option<u64>, String, ArticleOrder);

/// The panel's own state between frames.
#[derive(Default)]
pub struct ArticlesPanelState {
    counts: ArticleCounts,
    counts_revision: Option<u64>,
    renaming: Option<Renaming>,
    meta_draft: Option<(ArticleId, ArticleMeta)>,
    memo_draft: Option<(ArticleId, String)>,
    /// Only articles whose title, author or outlet contains this.
    pub filter: String,
    /// The list's order.
    pub order: ArticleOrder,
    /// The rows listed, for (revision, filter, order).
    listed: Option<(ListKey, Vec<usize>)>,
}

impl ArticlesPanelState {
    /// Takes the counts a worker thread derived when the project opened.
    pub fn adopt(&mut self, counts: ArticleCounts, revision: u64) {
        self.counts = counts;
        self.counts_revision = Some(revision);
    }

    /// Starts renaming an article in place.
    pub fn start_rename(&mut self, article: ArticleId, title: &str) {
        self.renaming = Some(Renaming {
            article,
            text: title.to_owned(),
            focused: false,
        });
    }

    /// The article after (or before) `current` in the list as shown (its order and filter);
    /// the first (or last) one when `current` is not listed.
    pub fn neighbour(&self, current: Option<ArticleId>, forward: bool) -> Option<ArticleId> {
        let (_, listed) = self.listed.as_ref()?;
        let ids: Vec<ArticleId> = listed
            .iter()
            .filter_map(|i| self.counts.0.get(*i).map(|r| r.id))
            .collect();
        let at = current.and_then(|c| ids.iter().position(|id| *id == c));
        let next = match (at, forward) {
            (Some(i), true) => (i + 1).min(ids.len().saturating_sub(1)),
            (Some(i), false) => i.saturating_sub(1),
            (None, true) => 0,
            (None, false) => ids.len().checked_sub(1)?,
        };
        ids.get(next).copied()
    }

    /// The title being typed, if an article is being renamed (tests).
    pub fn renaming(&self) -> Option<&str> {
        self.renaming.as_ref().map(|r| r.text.as_str())
    }

    fn update_counts(&mut self, view: &View<'_>) {
        let ws = view.session.workspace();
        let revision = ws.revision();
        // Only the layers shown are counted (blind coding shows nothing of the others).
        if self.counts.left_out() != &view.hidden_analysts {
            self.counts = ArticleCounts::build_without(ws.project(), view.hidden_analysts.clone());
        } else if let Some(changes) = self
            .counts_revision
            .and_then(|r| ws.annotation_changes_since(r))
        {
            self.counts.apply(&changes);
        } else if self.counts_revision != Some(revision) {
            self.counts = ArticleCounts::build(ws.project());
        }
        self.counts_revision = Some(revision);
    }
}

/// Draws the panel's contents.
#[must_use]
pub fn articles_panel_ui(
    ui: &mut Ui,
    view: &View<'_>,
    state: &mut ArticlesPanelState,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.add_space(4.0);
    ui.heading("Articles");
    ui.add_space(4.0);
    if ui
        .button("+ Add articles…")
        .on_hover_text(Command::AddArticle.tooltip())
        .clicked()
    {
        commands.push(Command::AddArticle);
    }
    ui.separator();
    state.update_counts(view);
    if state.counts.0.len() > 1 || !state.filter.is_empty() {
        filter_ui(ui, state);
    }
    commands.extend(article_list_ui(ui, view, state));
    if let Some(id) = view.focus.article
        && let Some(article) = view.project().article(id)
    {
        ui.separator();
        // The buttons wrap onto more rows in a narrow panel rather than being cut.
        ui.horizontal_wrapped(|ui| {
            if ui.button("Rename").clicked() {
                state.start_rename(id, &article.title);
            }
            if ui
                .button("Remove…")
                .on_hover_text(Command::RemoveArticle(id).tooltip())
                .clicked()
            {
                commands.push(Command::RemoveArticle(id));
            }
            let edit = Command::EditArticleText(id);
            if ui
                .button(edit.label())
                .on_hover_text(edit.tooltip())
                .clicked()
            {
                commands.push(edit);
            }
            let reimport = Command::ReimportArticle(id);
            if ui
                .add_enabled(
                    article.source_path.is_some(),
                    egui::Button::new(reimport.label()),
                )
                .on_hover_text(reimport.tooltip())
                .clicked()
            {
                commands.push(reimport);
            }
        });
        commands.extend(details_ui(ui, view, state, id));
        commands.extend(memo_ui(ui, state, id, &article.memo));
    }
    commands
}

/// The article's memo, a multi-line field kept when it loses the keyboard.
fn memo_ui(
    ui: &mut Ui,
    state: &mut ArticlesPanelState,
    id: ArticleId,
    memo: &str,
) -> Option<Command> {
    if state.memo_draft.as_ref().is_none_or(|(d, _)| *d != id) {
        state.memo_draft = Some((id, memo.to_owned()));
    }
    let (_, draft) = state.memo_draft.as_mut()?;
    let label = ui.label("Memo");
    let r = ui
        .add(
            egui::TextEdit::multiline(draft)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("Thoughts on the whole article"),
        )
        .labelled_by(label.id);
    if !r.has_focus() && *draft != memo && !r.lost_focus() {
        // Changed elsewhere (undo, another window): show the project's memo.
        *draft = memo.to_owned();
    }
    (r.lost_focus() && draft != memo).then(|| Command::SetArticleMemo {
        article: id,
        memo: draft.clone(),
    })
}

/// The filter field and the order menu.
fn filter_ui(ui: &mut Ui, state: &mut ArticlesPanelState) {
    // One row, right to left: the Sort button keeps its room, the field takes the rest.
    let row = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(
        row,
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            ui.menu_button("Sort", |ui| {
                ui.weak("Order by");
                for order in ArticleOrder::ALL {
                    ui.selectable_value(&mut state.order, order, order.name());
                }
            })
            .response
            .on_hover_text(format!("Order: {}", state.order.name()));
            let r = ui.add(
                egui::TextEdit::singleline(&mut state.filter)
                    .desired_width(ui.available_width())
                    .hint_text("Filter: title, author, outlet"),
            );
            r.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Filter articles")
            });
        },
    );
}

/// A thin bar under an article's title: one segment per stance, as wide as its share of the
/// article's annotations.
fn stance_bar_ui(
    ui: &mut Ui,
    view: &View<'_>,
    by_stance: &[(crate::core::model::StanceId, usize)],
) {
    let total: usize = by_stance.iter().map(|(_, n)| n).sum();
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 3.0), egui::Sense::hover());
    if total == 0 {
        return;
    }
    let mut x = rect.left() + 4.0;
    let width = rect.width() - 8.0;
    // In scheme order, so the colours line up from one article to the next.
    for stance in &view.project().stances.0 {
        let Some((_, n)) = by_stance.iter().find(|(s, _)| *s == stance.id) else {
            continue;
        };
        let w = width * *n as f32 / total as f32;
        let segment = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w, 3.0));
        ui.painter()
            .rect_filled(segment, 0.0, super::widgets::to_color(stance.color));
        x += w;
    }
}

/// The articles with their annotation counts; click to show, double-click to rename, right
/// click for the article's actions.
fn article_list_ui(ui: &mut Ui, view: &View<'_>, state: &mut ArticlesPanelState) -> Vec<Command> {
    let mut commands = Vec::new();
    let counts = state.counts.0.clone();
    let key = (state.counts_revision, state.filter.clone(), state.order);
    if state.listed.as_ref().is_none_or(|(k, _)| *k != key) {
        let rows = list_articles(&counts, &state.filter, state.order);
        state.listed = Some((key, rows));
    }
    let listed = state
        .listed
        .as_ref()
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    if listed.is_empty() && !counts.is_empty() {
        ui.weak("No article matches the filter.");
    }
    egui::ScrollArea::vertical()
        .id_salt("article_list")
        .max_height(ui.available_height() * LIST_SHARE)
        .show(ui, |ui| {
            for row in listed.iter().map(|i| &counts[*i]) {
                let (id, title, count) = (&row.id, &row.title, row.total);
                if state.renaming.as_ref().is_some_and(|r| r.article == *id) {
                    commands.extend(rename_field_ui(ui, state));
                    continue;
                }
                let selected = view.focus.article == Some(*id);
                // Not counted yet: its annotations are still loading.
                let count = if view.session.workspace().is_article_loaded(*id) {
                    count.to_string()
                } else {
                    "...".to_owned()
                };
                let r = ui
                    .selectable_label(
                        selected,
                        format!("{}  ({count})", snippet(title, TITLE_CHARS)),
                    )
                    .on_hover_text("Double-click to rename");
                stance_bar_ui(ui, view, &row.by_stance);
                if r.double_clicked() {
                    state.start_rename(*id, title);
                } else if r.clicked() {
                    commands.push(Command::SelectArticle(*id));
                }
                r.context_menu(|ui| {
                    if ui.button("Rename").clicked() {
                        state.start_rename(*id, title);
                    }
                    let has_source = view
                        .project()
                        .article(*id)
                        .is_some_and(|a| a.source_path.is_some());
                    for (c, enabled) in [
                        (Command::EditArticleText(*id), true),
                        (Command::ReimportArticle(*id), has_source),
                        (Command::ReimportArticleChoose(*id), true),
                        (Command::RemoveArticle(*id), true),
                    ] {
                        commands.extend(command_item(ui, c, None, enabled));
                    }
                });
            }
        });
    commands
}

/// The in-place title editor: Enter, Tab or a click elsewhere keep the new title, Esc keeps
/// the old one.
fn rename_field_ui(ui: &mut Ui, state: &mut ArticlesPanelState) -> Option<Command> {
    let renaming = state.renaming.as_mut()?;
    let r = ui.add(egui::TextEdit::singleline(&mut renaming.text).desired_width(f32::INFINITY));
    if !renaming.focused {
        r.request_focus();
        renaming.focused = true;
        return None;
    }
    if r.has_focus() {
        return None;
    }
    // The field lost the keyboard (or never kept it): the edit is over.
    let cancelled = ui.input(|i| i.key_pressed(egui::Key::Escape));
    let done = state.renaming.take()?;
    let title = done.text.trim();
    (!cancelled && !title.is_empty()).then(|| Command::RenameArticle {
        article: done.article,
        title: title.to_owned(),
    })
}

/// Author, outlet, date, URL, section, type and notes of the current article, kept when a
/// field loses focus.
fn details_ui(
    ui: &mut Ui,
    view: &View<'_>,
    state: &mut ArticlesPanelState,
    id: ArticleId,
) -> Option<Command> {
    let article = view.project().article(id)?;
    if state.meta_draft.as_ref().is_none_or(|(d, _)| *d != id) {
        state.meta_draft = Some((id, article.meta.clone()));
    }
    let mut commit = false;
    egui::CollapsingHeader::new("Details")
        .default_open(false)
        .show(ui, |ui| {
            let Some((_, meta)) = &mut state.meta_draft else {
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
                        ("Section", &mut meta.section),
                        ("Type", &mut meta.kind),
                        ("Notes", &mut meta.notes),
                    ] {
                        let l = ui.label(label);
                        let mut text = field.clone().unwrap_or_default();
                        let r = ui
                            .add(egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY))
                            .labelled_by(l.id);
                        if r.changed() {
                            *field = Some(text).filter(|t| !t.trim().is_empty());
                        }
                        commit |= r.lost_focus();
                        ui.end_row();
                    }
                });
            if let Some(date) = &meta.date
                && !date.trim().is_empty()
                && crate::core::model::parse_article_date(date).is_none()
            {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "Networks and time charts read dates as YYYY, YYYY-MM or YYYY-MM-DD: this one counts as undated",
                );
            }
            ui.weak(format!("{} characters", article.char_len()));
            if let Some(src) = &article.source_path {
                ui.weak(format!("from {src}"));
            }
            if let Some(how) = &article.import {
                ui.weak(how.describe());
            }
        });
    let (_, meta) = state.meta_draft.clone()?;
    (commit && meta != article.meta).then_some(Command::SetArticleMeta { article: id, meta })
}
