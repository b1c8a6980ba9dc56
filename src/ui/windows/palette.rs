//! The command palette (Ctrl+Shift+P): type to filter every command by name, arrows to move,
//! Enter to run; each row shows its shortcut.

use eframe::egui::{self, Key};

use crate::command::{Command, PLAIN_COMMANDS};
use crate::ui::keymap::Keymap;

/// Width of the palette, in points.
const WIDTH: f32 = 460.0;
/// Most rows shown at once.
const MAX_ROWS: usize = 14;

/// The palette's query and highlighted row.
#[derive(Default)]
pub struct PaletteState {
    /// What was typed.
    pub query: String,
    /// The highlighted row among the matches.
    pub current: usize,
    focused: bool,
}

/// True when every word of `query` occurs in `text`, ignoring case.
fn matches(text: &str, query: &str) -> bool {
    let text = text.to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| text.contains(word))
}

/// The commands whose name matches `query`, then those whose description does, each in menu
/// order.
pub fn filtered(query: &str) -> Vec<Command> {
    let candidates = || {
        PLAIN_COMMANDS
            .iter()
            .filter(|c| *c != &Command::CommandPalette)
    };
    let by_name = candidates().filter(|c| matches(&c.label(), query));
    let by_description =
        candidates().filter(|c| !matches(&c.label(), query) && matches(c.tooltip(), query));
    by_name.chain(by_description).cloned().collect()
}

/// Draws the palette; returns whether it stays open and the command chosen.
pub fn palette_ui(
    ctx: &egui::Context,
    state: &mut PaletteState,
    keymap: &Keymap,
) -> (bool, Option<Command>) {
    let mut open = true;
    let mut chosen = None;
    let found = filtered(&state.query);
    egui::Modal::new(egui::Id::unique("command_palette")).show(ctx, |ui| {
        ui.set_width(WIDTH);
        let field = ui.add(
            egui::TextEdit::singleline(&mut state.query)
                .desired_width(f32::INFINITY)
                .hint_text("Type a command…"),
        );
        if !state.focused {
            field.request_focus();
            state.focused = true;
        }
        if field.changed() {
            state.current = 0;
        }
        let (up, down, enter, escape) = ui.input(|i| {
            (
                i.key_pressed(Key::ArrowUp),
                i.key_pressed(Key::ArrowDown),
                i.key_pressed(Key::Enter),
                i.key_pressed(Key::Escape),
            )
        });
        if down && state.current + 1 < found.len() {
            state.current += 1;
        }
        if up {
            state.current = state.current.saturating_sub(1);
        }
        if escape {
            open = false;
        }
        if enter && let Some(c) = found.get(state.current) {
            chosen = Some(c.clone());
        }
        if enter || up || down {
            field.request_focus();
        }
        ui.separator();
        if found.is_empty() {
            ui.weak("No command matches.");
        }
        let first = state.current.saturating_sub(MAX_ROWS - 1);
        for (i, command) in found.iter().enumerate().skip(first).take(MAX_ROWS) {
            let shortcut = keymap
                .shortcut_of(command)
                .map(|s| ui.ctx().format_shortcut(&s))
                .unwrap_or_default();
            let row = ui
                .add(
                    egui::Button::selectable(i == state.current, command.label())
                        .shortcut_text(shortcut),
                )
                .on_hover_text(command.tooltip());
            if row.clicked() {
                chosen = Some(command.clone());
            }
        }
    });
    if chosen.is_some() {
        open = false;
    }
    (open, chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_finds_commands_by_any_word_of_their_name_or_description() {
        assert_eq!(filtered("save as")[0], Command::SaveAs);
        assert!(filtered("").len() > 15);
        assert!(filtered("redo").contains(&Command::Redo));
        assert!(
            filtered("spreadsheet").contains(&Command::Export(crate::export::ExportFormat::Csv))
        );
        assert!(filtered("no such thing").is_empty());
    }
}
