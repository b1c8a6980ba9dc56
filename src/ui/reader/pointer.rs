//! The mouse in the reader: drag to select (scrolling at the edges), double-click for a word,
//! shift-click to extend, click a highlight to select its annotation, hover for its card.

use eframe::egui::{self, Pos2, Response, Ui, Vec2};

use super::ArticleView;
use super::paint::range_rects;
use crate::core::model::{AnnotationId, Article};
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::{command_item, stance_chip, stance_style};

/// Distance from the reader's top or bottom edge (points) within which a drag scrolls.
const EDGE_SCROLL_ZONE: f32 = 20.0;
/// Fastest scroll per frame while dragging past an edge, in points.
const EDGE_SCROLL_MAX: f32 = 40.0;
/// How far (points) outside a glyph the pointer may be and still be "on" it.
const GLYPH_SLACK: f32 = 1.0;
/// Space between the line being read and the hover card, in points.
const HOVER_CARD_GAP: f32 = 6.0;
/// Longest note shown in a highlight's hover card, in code points.
const HOVER_NOTE_CHARS: usize = 200;

impl ArticleView {
    /// Code point whose boundary is nearest a screen position (for selecting: a drag past the
    /// end of a line selects to its end).
    pub(super) fn hit(&self, pos: Pos2) -> usize {
        let local = pos - self.last_origin;
        let i = self.layout.paragraph_at_y(local.y);
        let p = self.layout.paragraphs.paragraphs[i];
        let top = self.layout.top(i);
        match self.layout.galley(i) {
            Some(g) => {
                let c = g.cursor_from_pos(Vec2::new(local.x, local.y - top));
                p.char_start + c.index.0.min(p.char_len)
            }
            None if local.y < top + (self.layout.top(i + 1) - top) / 2.0 => p.char_start,
            None => p.char_end(),
        }
    }

    /// The code point drawn under a screen position, if the pointer is on a glyph (not in the
    /// margin, past a line's end or between paragraphs).
    pub(super) fn char_under(&self, pos: Pos2) -> Option<usize> {
        let local = pos - self.last_origin;
        let i = self.layout.paragraph_at_y(local.y);
        let p = self.layout.paragraphs.paragraphs[i];
        let galley = self.layout.galley(i)?;
        let in_galley = Vec2::new(local.x, local.y - self.layout.top(i));
        let col = galley.cursor_from_pos(in_galley).index.0.min(p.char_len);
        // The cursor is a boundary: the glyph under the pointer is the one before or after it.
        [col.checked_sub(1), Some(col)]
            .into_iter()
            .flatten()
            .filter(|c| *c < p.char_len)
            .find(|c| {
                range_rects(galley, *c, c + 1)
                    .iter()
                    .any(|r| r.expand(GLYPH_SLACK).contains(in_galley.to_pos2()))
            })
            .map(|c| p.char_start + c)
    }

    /// The screen rectangle of the glyph under `pos` (its line's height), if any.
    pub(super) fn glyph_rect_under(&self, pos: Pos2) -> Option<egui::Rect> {
        let at = self.char_under(pos)?;
        let i = self.layout.paragraphs.paragraph_at(at);
        let p = self.layout.paragraphs.paragraphs[i];
        let galley = self.layout.galley(i)?;
        let col = at - p.char_start;
        let rect = *range_rects(galley, col, col + 1).first()?;
        Some(rect.translate(self.last_origin.to_vec2() + Vec2::new(0.0, self.layout.top(i))))
    }

    /// The shortest visible annotation drawn under code point `at`.
    fn innermost_at(&self, at: usize, view: &View<'_>) -> Option<AnnotationId> {
        self.spans
            .overlapping(at, at + 1)
            .filter(|s| view.shows(&s.stance, &s.analyst))
            .min_by_key(|s| s.range.len())
            .map(|s| s.id)
    }

    /// The annotation a click at `at` selects: the innermost one, or — when the selected
    /// annotation is under the click — the next one out (around again after the outermost),
    /// so repeated clicks cycle through stacked annotations.
    fn next_under(&self, at: usize, view: &View<'_>) -> Option<AnnotationId> {
        let mut under: Vec<_> = self
            .spans
            .overlapping(at, at + 1)
            .filter(|s| view.shows(&s.stance, &s.analyst))
            .map(|s| (s.range.len(), s.range.start, s.id))
            .collect();
        under.sort();
        let current = view
            .focus
            .annotation
            .and_then(|id| under.iter().position(|(_, _, u)| *u == id));
        match current {
            Some(i) => under.get((i + 1) % under.len()).map(|(_, _, id)| *id),
            None => self.innermost_at(at, view),
        }
    }

    /// A dragged selection from `anchor` to `head`, widened to whole words at both ends.
    fn snapped(&self, text: &str, anchor: usize, head: usize) -> (usize, usize) {
        let p = &self.layout.paragraphs;
        if head >= anchor {
            (p.word_start(text, anchor), p.word_end(text, head))
        } else {
            (p.word_end(text, anchor), p.word_start(text, head))
        }
    }

    /// Handles the pointer over the text; returns what the app should do.
    pub(super) fn pointer_ui(
        &mut self,
        ui: &Ui,
        response: &Response,
        view: &View<'_>,
        article: &Article,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        let (shift, alt) = ui.input(|i| (i.modifiers.shift, i.modifiers.alt));
        let snap = view.prefs.snap_to_words && !alt;
        if response.drag_started() {
            // Where the button went down, not where the pointer is once the drag is recognised.
            let origin = ui.input(|i| i.pointer.press_origin());
            if let Some(pos) = origin.or(response.interact_pointer_pos()) {
                let at = self.hit(pos);
                let anchor = match (shift, self.selection) {
                    (true, Some((anchor, _))) => anchor,
                    _ => at,
                };
                self.drag_anchor = anchor;
                self.selection = Some((anchor, at));
                self.dragging = true;
            }
        }
        if self.dragging
            && response.dragged()
            && let Some(pos) = ui.input(|i| i.pointer.interact_pos())
        {
            // Past the top or bottom edge the text scrolls towards the pointer; the selection
            // follows the text at the edge, which is laid out, not the estimated paragraphs
            // beyond it.
            let inside = response.rect.shrink2(Vec2::new(0.0, 1.0));
            let at = self.hit(pos.clamp(inside.min, inside.max));
            self.selection = Some(if snap {
                self.snapped(&article.text, self.drag_anchor, at)
            } else {
                (self.drag_anchor, at)
            });
            edge_scroll(ui, response, pos);
        }
        if response.drag_stopped() {
            self.dragging = false;
        }
        if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos() {
                let word = self.layout.paragraphs.word_at(&article.text, self.hit(pos));
                self.selection = Some((word.start, word.end));
            }
        } else if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            if shift && let Some((anchor, _)) = self.selection {
                self.selection = Some((anchor, self.hit(pos)));
                return commands;
            }
            // Coding unit by unit, a click places the caret: its unit becomes current, and K
            // splits there.
            if view.focus.unit.is_some() {
                let at = self.hit(pos);
                self.selection = Some((at, at));
                return commands;
            }
            self.selection = None;
            match self
                .char_under(pos)
                .and_then(|at| self.next_under(at, view))
            {
                Some(id) => commands.push(Command::SelectAnnotation { id, reveal: false }),
                None => commands.push(Command::ClearSelection),
            }
        }
        if response.secondary_clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            self.context_annotation = self
                .char_under(pos)
                .and_then(|at| self.innermost_at(at, view));
        }
        response.context_menu(|ui| commands.extend(self.context_menu_ui(ui, view, article)));
        if let Some(pos) = response.hover_pos()
            && !self.dragging
            && !response.context_menu_opened()
        {
            self.hover_card(ui, response, view, pos);
        }
        commands
    }

    /// The right-click menu: tag or copy the selection, or act on the highlight clicked.
    fn context_menu_ui(&self, ui: &mut Ui, view: &View<'_>, article: &Article) -> Vec<Command> {
        let mut commands = Vec::new();
        let project = view.project();
        if let Some(range) = self.selection() {
            ui.menu_button("Tag selection as", |ui| {
                for s in &project.stances.0 {
                    if ui.button(&s.label).on_hover_text(&s.description).clicked() {
                        commands.push(Command::Tag {
                            article: article.id,
                            range,
                            stance: s.id.clone(),
                        });
                    }
                }
            });
            commands.extend(command_item(ui, Command::CopySelection, None, true));
        }
        if let Some(id) = self.context_annotation
            && let Some(a) = project.annotation(id)
        {
            if self.selection().is_some() {
                ui.separator();
            }
            let select = Command::SelectAnnotation { id, reveal: false };
            if ui
                .button("Select annotation")
                .on_hover_text(select.tooltip())
                .clicked()
            {
                commands.push(select);
            }
            ui.menu_button("Change stance to", |ui| {
                for s in project.stances.0.iter().filter(|s| s.id != a.stance) {
                    if ui.button(&s.label).clicked() {
                        commands.push(Command::SetStance {
                            annotation: id,
                            stance: s.id.clone(),
                        });
                    }
                }
            });
            commands.extend(command_item(ui, Command::SuggestSimilar(id), None, true));
            commands.extend(command_item(ui, Command::DeleteAnnotation(id), None, true));
        }
        if commands.is_empty() && self.selection().is_none() && self.context_annotation.is_none() {
            ui.weak("Select a passage or right-click a highlight");
        }
        commands
    }

    /// The stance and note of the highlights under the pointer, and the pointer's shape.
    fn hover_card(&self, ui: &Ui, response: &Response, view: &View<'_>, pos: Pos2) {
        let under: Vec<AnnotationId> = self
            .char_under(pos)
            .map(|at| {
                self.spans
                    .overlapping(at, at + 1)
                    .filter(|s| view.shows(&s.stance, &s.analyst))
                    .map(|s| s.id)
                    .collect()
            })
            .unwrap_or_default();
        if under.is_empty() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Text);
            return;
        }
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
        let project = view.project();
        // Whose passage it is, once the project is a team's.
        let team = project
            .analysts
            .iter()
            .filter(|a| !a.id.is_reserved())
            .count()
            >= 2
            || view.team_view();
        // Under the line being read (above it near the bottom of the view), never over it.
        let line = self.glyph_rect_under(pos).map_or(
            egui::Rect::from_center_size(pos, Vec2::splat(2.0)),
            |glyph| {
                egui::Rect::from_min_max(
                    egui::pos2(pos.x - 1.0, glyph.top()),
                    egui::pos2(pos.x + 1.0, glyph.bottom()),
                )
            },
        );
        egui::Tooltip::always_open(
            ui.ctx().clone(),
            response.layer_id,
            response.id,
            egui::PopupAnchor::ParentRect(line),
        )
        .gap(HOVER_CARD_GAP)
        .show(|ui| {
            for id in under {
                if let Some(a) = project.annotation(id) {
                    let (label, color) = stance_style(project, &a.stance);
                    ui.horizontal(|ui| {
                        stance_chip(ui, &label, color);
                        if team {
                            ui.strong(project.analyst_name(&a.analyst));
                        }
                        // Who holds the stance, and for or against.
                        if let Some(actor) = &a.actor {
                            ui.label(egui::RichText::new(project.actors.name(actor)).strong());
                        }
                        if let Some(p) = a.position {
                            ui.label(project.actors.position_label(p));
                        }
                        if a.note.is_empty() {
                            ui.weak("(no note)");
                        } else {
                            ui.label(crate::core::text::snippet(&a.note, HOVER_NOTE_CHARS));
                        }
                    });
                }
            }
        });
    }
}

/// Scrolls when a drag goes past the top or bottom edge of the reader.
fn edge_scroll(ui: &Ui, response: &Response, pos: Pos2) {
    let rect = response.rect;
    let dy = if pos.y < rect.top() + EDGE_SCROLL_ZONE {
        (rect.top() + EDGE_SCROLL_ZONE - pos.y).min(EDGE_SCROLL_MAX)
    } else if pos.y > rect.bottom() - EDGE_SCROLL_ZONE {
        -(pos.y - rect.bottom() + EDGE_SCROLL_ZONE).min(EDGE_SCROLL_MAX)
    } else {
        0.0
    };
    if dy != 0.0 {
        ui.scroll_with_delta(Vec2::new(0.0, dy));
    }
}
