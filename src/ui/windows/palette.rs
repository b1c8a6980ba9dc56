//! The command palette (Ctrl+Shift+P): type to filter every command by name, arrows to move,
//! Enter to run; each row shows its shortcut. The project's codes are found too (by code or
//! name): choosing one codes with it, as the code chooser does.

use eframe::egui::{self, Key};

use crate::ui::command::{Command, PLAIN_COMMANDS};
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

/// True when every word of `query` starts a word of `text`, ignoring case ("stat" in
/// "Statistics…", "exp csv" in "Export CSV…").
fn starts_words(text: &str, query: &str) -> bool {
    let text = text.to_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

/// How well a command's name and description match `query` (lower is better): the name starts
/// with the query, then every query word starts a word of the name, then the name holds the
/// words anywhere, then the description does.
fn rank(command: &Command, query: &str) -> Option<u8> {
    let label = command.label();
    let q = query.trim().to_lowercase();
    if !q.is_empty() && label.to_lowercase().starts_with(&q) {
        Some(0)
    } else if starts_words(&label, query) {
        Some(1)
    } else if matches(&label, query) {
        Some(2)
    } else if matches(command.tooltip(), query) {
        Some(3)
    } else {
        None
    }
}

/// The commands that match `query`, best first (see [`rank`]), each rank in menu order.
pub fn filtered(query: &str) -> Vec<Command> {
    let mut ranked: Vec<(u8, &Command)> = PLAIN_COMMANDS
        .iter()
        .filter(|c| *c != &Command::CommandPalette)
        .filter_map(|c| rank(c, query).map(|r| (r, c)))
        .collect();
    // A stable sort keeps the menu order within a rank.
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().map(|(_, c)| c.clone()).collect()
}

/// How many of the project's codes the palette lists for a query.
const MAX_CODES: usize = 6;

/// The rows for `query`: matching commands and, when something is typed, the stances whose
/// code or name match (a query starting with a digit lists codes first).
pub fn rows(query: &str, scheme: &crate::core::model::StanceScheme) -> Vec<(Command, String)> {
    let commands = filtered(query).into_iter().map(|c| {
        let label = c.label();
        (c, label)
    });
    let codes: Vec<(Command, String)> = if query.trim().is_empty() {
        Vec::new()
    } else {
        crate::core::schemes::rank_codes(scheme, query)
            .into_iter()
            .take(MAX_CODES)
            .map(|s| {
                (
                    Command::CodeWith(s.id.clone()),
                    format!("Code: {}", s.coded_label()),
                )
            })
            .collect()
    };
    if query.trim().starts_with(|c: char| c.is_ascii_digit()) {
        codes.into_iter().chain(commands).collect()
    } else {
        commands.chain(codes).collect()
    }
}

/// Draws the palette; returns whether it stays open and the command chosen.
pub fn palette_ui(
    ctx: &egui::Context,
    state: &mut PaletteState,
    keymap: &Keymap,
    scheme: &crate::core::model::StanceScheme,
) -> (bool, Option<Command>) {
    let mut open = true;
    let mut chosen = None;
    let found = rows(&state.query, scheme);
    egui::Modal::new(egui::Id::unique("command_palette")).show(ctx, |ui| {
        ui.set_width(WIDTH);
        let field = ui.add(
            egui::TextEdit::singleline(&mut state.query)
                .desired_width(f32::INFINITY)
                .hint_text("Type a command…"),
        );
        field.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Command palette")
        });
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
        if enter && let Some((c, _)) = found.get(state.current) {
            chosen = Some(c.clone());
        }
        if enter || up || down {
            field.request_focus();
        }
        ui.separator();
        // The list keeps the height of MAX_ROWS rows, so the palette does not jump as it
        // filters.
        let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
        let list_top = ui.cursor().top();
        if found.is_empty() {
            ui.weak("No command matches.");
        }
        let first = state.current.saturating_sub(MAX_ROWS - 1);
        for (i, (command, label)) in found.iter().enumerate().skip(first).take(MAX_ROWS) {
            let shortcut = keymap
                .shortcut_of(command)
                .map(|s| crate::ui::widgets::shortcut_label(ui.ctx(), &s))
                .unwrap_or_default();
            let row = ui
                .add(
                    egui::Button::selectable(i == state.current, label.as_str())
                        .shortcut_text(shortcut),
                )
                .on_hover_text(command.tooltip());
            if row.clicked() {
                chosen = Some(command.clone());
            }
        }
        let used = ui.cursor().top() - list_top;
        ui.add_space((MAX_ROWS as f32 * row_height - used).max(0.0));
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
            filtered("spreadsheet")
                .contains(&Command::Export(crate::formats::export::ExportFormat::Csv))
        );
        assert!(filtered("no such thing").is_empty());
        // A name starting with the query comes before names merely containing it.
        assert_eq!(filtered("stat")[0], Command::Statistics);
        assert_eq!(filtered("STAT")[0], Command::Statistics);
    }

    #[test]
    fn the_palette_finds_codes_by_number_first_and_by_name_after_commands() {
        let scheme =
            crate::core::model::StanceScheme(crate::core::schemes::Template::Manifesto.stances());
        let found = rows("411", &scheme);
        assert_eq!(
            found[0],
            (
                Command::CodeWith(crate::core::schemes::manifesto_id("411")),
                "Code: 411 Technology and Infrastructure: Positive".to_owned()
            )
        );
        let by_name = rows("peace", &scheme);
        assert!(by_name.iter().any(|(_, l)| l == "Code: 106 Peace"));
        assert!(
            rows("", &scheme)
                .iter()
                .all(|(c, _)| !matches!(c, Command::CodeWith(_)))
        );
    }
}
