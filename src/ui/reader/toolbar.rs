//! The small toolbar under a finished selection: one button per stance, wrapping to more rows
//! as the scheme grows, always inside the reader.

use eframe::egui::{self, Rect, Ui, Vec2};

use super::ArticleView;
use crate::core::model::ArticleId;
use crate::ui::command::Command;
use crate::ui::state::View;
use crate::ui::widgets::{stance_button, to_color};

/// Horizontal offset of the toolbar from the end of the selection, in points.
const TOOLBAR_OFFSET_X: f32 = -40.0;
/// Widest the toolbar grows before it wraps, in points.
const TOOLBAR_MAX_WIDTH: f32 = 520.0;
/// Margin kept between the toolbar and the reader's edges, in points.
const TOOLBAR_MARGIN: f32 = 8.0;

impl ArticleView {
    /// Draws the toolbar when a selection is finished; returns the tag chosen. It is drawn in
    /// the reader's own layer, so every tool window stays above it.
    pub(super) fn toolbar_ui(
        &mut self,
        ui: &mut Ui,
        view: &View<'_>,
        article: ArticleId,
        reader: Rect,
    ) -> Option<Command> {
        if self.dragging {
            return None;
        }
        let range = self.selection()?;
        let anchor = self.screen_pos_of(range.end)?;
        if !reader.contains(anchor) {
            return None;
        }
        let text_size = view.prefs.text_size;
        let max_width = (reader.width() - 2.0 * TOOLBAR_MARGIN).clamp(120.0, TOOLBAR_MAX_WIDTH);
        let mut pos = anchor + Vec2::new(TOOLBAR_OFFSET_X, text_size * 0.9);
        pos.x = pos
            .x
            .clamp(
                reader.left() + TOOLBAR_MARGIN,
                reader.right() - max_width - TOOLBAR_MARGIN,
            )
            .max(reader.left() + TOOLBAR_MARGIN);
        // Kept inside the reader: above the selection when it would run off the bottom.
        let height = self.toolbar_size.y;
        if pos.y + height > reader.bottom() - TOOLBAR_MARGIN {
            pos.y = (anchor.y - text_size * 0.9 - height).max(reader.top() + TOOLBAR_MARGIN);
        }
        let mut chosen = None;
        let area = Rect::from_min_size(pos, Vec2::new(max_width, reader.height()));
        let mut bar = ui.new_child(
            egui::UiBuilder::new()
                .id_salt("selection_toolbar")
                .max_rect(area)
                .layout(egui::Layout::top_down(egui::Align::Min)),
        );
        bar.set_clip_rect(reader);
        let frame = egui::Frame::popup(bar.style()).show(&mut bar, |ui| {
            ui.set_max_width(max_width);
            ui.horizontal_wrapped(|ui| {
                ui.weak("Tag:");
                let scheme = &view.project().stances;
                // A codebook has more codes than fit: the chooser finds them by code or name,
                // and only the stances with keys get buttons.
                let codebook = scheme.0.iter().any(|s| s.code.is_some()) || scheme.0.len() > 12;
                if codebook
                    && ui
                        .button("Code… (C)")
                        .on_hover_text(Command::ChooseCode(String::new()).tooltip())
                        .clicked()
                {
                    chosen = Some(Command::ChooseCode(String::new()));
                }
                for (s, _) in scheme.tree() {
                    if s.group || (codebook && s.hotkey.is_none()) {
                        continue;
                    }
                    let label = scheme.path_label(&s.id);
                    let text = match s.hotkey {
                        Some(k) => format!("{k} {label}"),
                        None => label,
                    };
                    if stance_button(ui, &text, to_color(s.color), true)
                        .on_hover_text(&s.description)
                        .clicked()
                    {
                        chosen = Some(Command::Tag {
                            article,
                            range,
                            stance: s.id.clone(),
                        });
                    }
                }
            });
        });
        self.toolbar_size = frame.response.rect.size();
        chosen
    }
}
