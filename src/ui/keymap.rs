//! The one keymap: which keys produce which [`Command`]s, and where.
//!
//! Every command's default shortcut comes from [`Command::shortcut`] and its scope from
//! [`Command::key_scope`]; this adds the stance digits and the usual aliases (Ctrl+Y for Redo,
//! Backspace for Delete). Global keys apply always (unless a modal window is open); the others
//! only while no text field has the keyboard, so typing a note never tags a passage. The keys
//! of a list (articles, review list, table) apply while that list is the *key area* — the part
//! of the window last clicked, or a list window just opened — and take precedence there over
//! reader keys, which otherwise apply in every area.

use eframe::egui::{self, Context, Key, KeyboardShortcut, Modifiers};

pub use crate::ui::command::KeyScope as Scope;
use crate::ui::command::{Command, PLAIN_COMMANDS};

/// One key binding.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The keys.
    pub shortcut: KeyboardShortcut,
    /// What they do.
    pub command: Command,
    /// Where they apply.
    pub scope: Scope,
}

/// All key bindings of the app.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
    /// For each key area and whether a field has the keyboard, the bindings that apply there
    /// (indices into `bindings`) in the order they are tried; made once, read every frame.
    active: Vec<((Scope, bool), Vec<usize>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings: Vec<Binding> = PLAIN_COMMANDS
            .iter()
            .cloned()
            .chain((1..=9).map(Command::StanceKey))
            .filter_map(|command| {
                Some(Binding {
                    shortcut: command.shortcut()?,
                    scope: command.key_scope(),
                    command,
                })
            })
            .collect();
        let aliases = [
            (Modifiers::COMMAND, Key::Y, Command::Redo),
            (Modifiers::COMMAND, Key::Plus, Command::TextBigger),
            (Modifiers::ALT, Key::ArrowDown, Command::NextAnnotation),
            (Modifiers::ALT, Key::ArrowUp, Command::PreviousAnnotation),
            (
                Modifiers::NONE,
                Key::Backspace,
                Command::DeleteSelectedAnnotation,
            ),
        ];
        for (modifiers, key, command) in aliases {
            bindings.push(Binding {
                shortcut: KeyboardShortcut::new(modifiers, key),
                scope: command.key_scope(),
                command,
            });
        }
        // Coding unit by unit: 0 starts a code (000) as the other digits do, Enter opens the
        // chooser, and the arrows across step too.
        for (key, command) in [
            (Key::Num0, Command::ChooseCode("0".to_owned())),
            (Key::Enter, Command::ChooseCode(String::new())),
            (Key::ArrowRight, Command::NextUnit),
            (Key::ArrowLeft, Command::PreviousUnit),
        ] {
            bindings.push(Binding {
                shortcut: KeyboardShortcut::new(Modifiers::NONE, key),
                command,
                scope: Scope::Units,
            });
        }
        // Shortcuts with more modifiers first: Ctrl+Shift+Z must not be taken as Ctrl+Z.
        bindings.sort_by_key(|b| std::cmp::Reverse(modifier_count(b.shortcut.modifiers)));
        let active = Scope::ALL
            .into_iter()
            .flat_map(|area| [(area, false), (area, true)])
            .map(|(area, typing)| ((area, typing), tried_in(&bindings, area, typing)))
            .collect();
        Self { bindings, active }
    }
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl || m.mac_cmd)
}

impl Keymap {
    /// Every binding (for the shortcut sheet and the palette).
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The shortcut bound to `command`, if any.
    pub fn shortcut_of(&self, command: &Command) -> Option<KeyboardShortcut> {
        self.bindings
            .iter()
            .find(|b| &b.command == command)
            .map(|b| b.shortcut)
    }

    /// Takes this frame's key presses that are bound where they apply and returns their
    /// commands. `area` is the part of the window that has the keys (see the module docs).
    /// Keys other than global ones are left alone while a widget has the keyboard, or had it at
    /// the end of the last frame (Escape takes the keyboard from a field before the frame runs:
    /// it belongs to the field).
    #[must_use]
    pub fn commands(&self, ctx: &Context, focused_last_frame: bool, area: Scope) -> Vec<Command> {
        let typing = focused_last_frame || ctx.memory(|m| m.focused().is_some());
        let menu_open = egui::Popup::is_any_open(ctx);
        let mut commands = Vec::new();
        ctx.input_mut(|input| {
            for binding in self.active(area, typing) {
                // Escape first closes an open menu; it must not also clear the selection.
                if binding.command == Command::ClearSelection && menu_open {
                    continue;
                }
                if binding.command == Command::CopySelection {
                    // The platform turns Ctrl+C into a Copy event rather than a key press.
                    if input.events.iter().any(|e| matches!(e, egui::Event::Copy)) {
                        commands.push(Command::CopySelection);
                    }
                    continue;
                }
                if input.consume_shortcut(&binding.shortcut) {
                    commands.push(binding.command.clone());
                }
            }
        });
        commands
    }

    /// The bindings that apply in `area` (see [`tried_in`]).
    fn active(&self, area: Scope, typing: bool) -> impl Iterator<Item = &Binding> {
        self.active
            .iter()
            .find(|(key, _)| *key == (area, typing))
            .map(|(_, tried)| tried.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|i| &self.bindings[*i])
    }
}

/// The bindings that apply in `area`, as indices in the order they are tried: more modifiers
/// first (Ctrl+Shift+Z must not be taken as Ctrl+Z, Alt+↓ not as ↓), and for the same keys the
/// area's own binding before the reader's.
fn tried_in(bindings: &[Binding], area: Scope, typing: bool) -> Vec<usize> {
    let mut tried: Vec<usize> = (0..bindings.len())
        .filter(|i| match bindings[*i].scope {
            Scope::Global => true,
            Scope::Reader => !typing,
            scope => !typing && scope == area,
        })
        .collect();
    tried.sort_by_key(|i| {
        let b = &bindings[*i];
        (
            std::cmp::Reverse(modifier_count(b.shortcut.modifiers)),
            b.scope == Scope::Reader,
        )
    });
    tried
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stance_digit_and_the_aliases_are_bound() {
        let map = Keymap::default();
        for d in 1..=9 {
            assert!(map.shortcut_of(&Command::StanceKey(d)).is_some(), "{d}");
        }
        let redo: Vec<_> = map
            .bindings()
            .iter()
            .filter(|b| b.command == Command::Redo)
            .collect();
        assert_eq!(redo.len(), 2, "Ctrl+Shift+Z and Ctrl+Y");
        assert_eq!(
            map.bindings()
                .iter()
                .find(|b| b.command == Command::StanceKey(1))
                .unwrap()
                .scope,
            Scope::Reader
        );
    }

    fn active_commands(map: &Keymap, area: Scope, typing: bool) -> Vec<Command> {
        map.active(area, typing)
            .map(|b| b.command.clone())
            .collect()
    }

    #[test]
    fn a_list_key_applies_only_in_its_list_and_wins_there_over_the_reader() {
        let map = Keymap::default();
        let in_reader = active_commands(&map, Scope::Reader, false);
        assert!(in_reader.contains(&Command::DeleteSelectedAnnotation));
        assert!(!in_reader.contains(&Command::DeleteSelectedRows));
        assert!(!in_reader.contains(&Command::AcceptCurrentSuggestion));
        let in_table = active_commands(&map, Scope::Table, false);
        let rows = in_table
            .iter()
            .position(|c| *c == Command::DeleteSelectedRows);
        let annotation = in_table
            .iter()
            .position(|c| *c == Command::DeleteSelectedAnnotation);
        assert!(
            rows.unwrap() < annotation.unwrap(),
            "the table's Delete first"
        );
        // In the review list, ↓ is the next suggestion, but Alt+↓ still the next annotation.
        let in_review = active_commands(&map, Scope::ReviewList, false);
        let next_annotation = in_review
            .iter()
            .position(|c| *c == Command::NextAnnotation)
            .unwrap();
        let next_suggestion = in_review
            .iter()
            .position(|c| *c == Command::NextSuggestion)
            .unwrap();
        assert!(next_annotation < next_suggestion);
        assert!(!in_review.contains(&Command::NextArticle));
        // While typing only global keys apply.
        let typing = active_commands(&map, Scope::ReviewList, true);
        assert!(typing.contains(&Command::Save));
        assert!(!typing.contains(&Command::AcceptCurrentSuggestion));
        assert!(!typing.contains(&Command::StanceKey(1)));
    }
}
