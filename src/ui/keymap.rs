//! The one keymap: which keys produce which [`Command`]s, and where.
//!
//! Every command's default shortcut comes from [`Command::shortcut`]; this adds the stance
//! digits and the usual aliases (Ctrl+Y for Redo, Backspace for Delete). A binding's scope says
//! when it applies: global keys always (unless a modal window is open), reader keys only when
//! no text field has the keyboard, so typing a note never tags a passage.

use eframe::egui::{self, Context, Key, KeyboardShortcut, Modifiers};

use crate::command::{Command, PLAIN_COMMANDS};

/// Where a key binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere (Ctrl+S, Ctrl+Z…).
    Global,
    /// Only when no text field has the keyboard (stance digits, Delete, Esc, copy).
    Reader,
}

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
}

fn scope_of(command: &Command) -> Scope {
    match command {
        Command::ClearSelection
        | Command::DeleteSelectedAnnotation
        | Command::CopySelection
        | Command::StanceKey(_)
        | Command::NextAnnotation
        | Command::PreviousAnnotation
        | Command::MoveCaret { .. } => Scope::Reader,
        _ => Scope::Global,
    }
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
                    scope: scope_of(&command),
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
                scope: scope_of(&command),
                command,
            });
        }
        // Shortcuts with more modifiers first: Ctrl+Shift+Z must not be taken as Ctrl+Z.
        bindings.sort_by_key(|b| std::cmp::Reverse(modifier_count(b.shortcut.modifiers)));
        Self { bindings }
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

    /// Takes this frame's key presses that are bound and returns their commands. Reader keys
    /// are left alone while a widget has the keyboard, or had it at the end of the last frame
    /// (Escape takes the keyboard from a field before the frame runs: it belongs to the field).
    #[must_use]
    pub fn commands(&self, ctx: &Context, focused_last_frame: bool) -> Vec<Command> {
        let typing = focused_last_frame || ctx.memory(|m| m.focused().is_some());
        let menu_open = egui::Popup::is_any_open(ctx);
        let mut commands = Vec::new();
        ctx.input_mut(|input| {
            for binding in &self.bindings {
                if binding.scope == Scope::Reader && typing {
                    continue;
                }
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
}
