//! The shortcut sheet (F1): every key binding of the keymap with what it does, where it
//! applies, read from the command type so it is never out of date.

use eframe::egui;

use crate::core::model::StanceScheme;
use crate::ui::command::Command;
use crate::ui::keymap::{Keymap, Scope};
use crate::ui::widgets::shortcut_label;

/// What a binding does, in words: a stance key names its stance.
fn meaning(command: &Command, stances: &StanceScheme) -> String {
    match command {
        Command::StanceKey(d) => match stances.by_hotkey(*d) {
            Some(s) => format!(
                "Tag as {} (or give the selected annotation that stance)",
                stances.path_label(&s.id)
            ),
            None => format!("Stance key {d} (no stance uses it: Stances menu, Manage stances…)"),
        },
        other => other.label(),
    }
}

/// Draws the sheet; returns whether it stays open.
pub fn shortcuts_ui(ctx: &egui::Context, keymap: &Keymap, stances: &StanceScheme) -> bool {
    let mut open = true;
    super::sized_tool_window(ctx, "Keyboard shortcuts", [560.0, 560.0])
        .open(&mut open)
        .show(ctx, |ui| {
            super::fill_window(ui);
            egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                for scope in Scope::ALL {
                    let title = scope.title();
                    ui.strong(title);
                    egui::Grid::new(("shortcuts", title))
                        .striped(true)
                        .num_columns(2)
                        .show(ui, |ui| {
                            for b in keymap.bindings().iter().filter(|b| b.scope == scope) {
                                ui.monospace(shortcut_label(ui.ctx(), &b.shortcut));
                                ui.label(meaning(&b.command, stances))
                                    .on_hover_text(b.command.tooltip());
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
