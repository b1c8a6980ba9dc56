//! The article text editor: correct an article's text; annotations follow their passages.

use eframe::egui;

use crate::core::model::ArticleId;
use crate::core::text::snippet;
use crate::ui::command::Command;
use crate::ui::state::View;

/// Code points of the title in the window's title bar.
const TITLE_CHARS: usize = 40;

/// Draws the window; returns whether it stays open and the text to apply, if any.
pub fn edit_text_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    article: ArticleId,
    draft: &mut String,
) -> (bool, Option<Command>) {
    let Some(title) = view.project().article(article).map(|a| a.title.clone()) else {
        return (false, None);
    };
    let mut open = true;
    let mut apply = false;
    super::tool_window(ctx, format!("Edit text — {}", snippet(&title, TITLE_CHARS)))
        .open(&mut open)
        .default_size([640.0, 480.0])
        .show(ctx, |ui| {
            ui.weak("Annotations are re-anchored to their passages when you apply; any that cannot be placed are listed as orphaned.");
            apply = ui.button("Apply").clicked();
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(draft)
                        .desired_width(f32::INFINITY)
                        .desired_rows(20),
                );
            });
        });
    let command = apply.then(|| Command::SetArticleText {
        article,
        text: draft.clone(),
    });
    (open, command)
}
