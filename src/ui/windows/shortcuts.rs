//! The shortcut sheet (F1): every key binding of the keymap with what it does, where it
//! applies, read from the command type so it is never out of date.

use eframe::egui;

use crate::ui::keymap::{Keymap, Scope};

/// Draws the sheet; returns whether it stays open.
pub fn shortcuts_ui(ctx: &egui::Context, keymap: &Keymap) -> bool {
    let mut open = true;
    super::tool_window(ctx, "Keyboard shortcuts")
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| {
                for scope in Scope::ALL {
                    let title = scope.title();
                    ui.strong(title);
                    egui::Grid::new(("shortcuts", title))
                        .striped(true)
                        .num_columns(2)
                        .show(ui, |ui| {
                            for b in keymap.bindings().iter().filter(|b| b.scope == scope) {
                                ui.monospace(ui.ctx().format_shortcut(&b.shortcut));
                                ui.label(b.command.label()).on_hover_text(b.command.tooltip());
                                ui.end_row();
                            }
                        });
                    ui.add_space(6.0);
                }
                ui.strong("With the mouse, and in fields");
                ui.label("Annotation table: Shift+click and Ctrl+click extend the selection.");
                ui.label("Find and project search: Enter and Shift+Enter step through the matches.");
                ui.label("Reader: Alt while dragging keeps character precision (drags snap to words).");
            });
        });
    open
}
