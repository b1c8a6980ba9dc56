//! The stance editor: every stance with its key (chosen from the free ones), colour, name and
//! description in fields that grow with the window; a stance in use can be merged into
//! another instead of only removed.

use std::collections::HashMap;

use eframe::egui::{self, Ui};

use crate::core::model::{Rgb, Stance, StanceId};
use crate::ui::command::Command;
use crate::ui::state::View;

/// Colours offered to new stances, in turn.
const NEW_STANCE_COLORS: [[u8; 3]; 6] = [
    [155, 89, 182],
    [231, 76, 60],
    [22, 160, 133],
    [241, 196, 15],
    [127, 140, 141],
    [211, 84, 0],
];
/// Indentation of a sub-stance under its parent, in points.
const INDENT: f32 = 18.0;
/// Width of the name field, in points.
const NAME_WIDTH: f32 = 160.0;
/// Width of the code field, in points.
const CODE_WIDTH: f32 = 44.0;
/// Room left right of the description for the buttons, in points.
const BUTTONS_WIDTH: f32 = 320.0;
/// Narrowest description field, in points.
const MIN_DESCRIPTION_WIDTH: f32 = 160.0;

/// Name and description being typed for each stance, kept when a field loses focus.
#[derive(Default)]
pub struct StancesState {
    drafts: HashMap<StanceId, (String, String, String)>,
    new_stance: String,
}

/// Draws the window; returns whether it stays open and the commands chosen.
pub fn stances_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    state: &mut StancesState,
) -> (bool, Vec<Command>) {
    let mut open = true;
    let mut commands = Vec::new();
    super::tool_window(ctx, "Stances")
        .open(&mut open)
        .default_width(960.0)
        .resizable(true)
        .show(ctx, |ui| {
            let stances = view.project().stances.0.clone();
            state.drafts.retain(|id, _| stances.iter().any(|s| &s.id == id));
            ui.weak("Key: the digit that tags a selection. Names and descriptions are kept when you leave the field.");
            ui.separator();
            for (stance, depth) in view.project().stances.tree() {
                ui.horizontal(|ui| {
                    ui.add_space(depth as f32 * INDENT);
                    commands.extend(stance_row_ui(ui, view, state, stance, &stances));
                });
            }
            ui.separator();
            commands.extend(new_stance_ui(ui, state, stances.len()));
        });
    (open, commands)
}

fn stance_row_ui(
    ui: &mut Ui,
    view: &View<'_>,
    state: &mut StancesState,
    s: &Stance,
    all: &[Stance],
) -> Vec<Command> {
    let mut commands = Vec::new();
    let draft = state.drafts.entry(s.id.clone()).or_insert_with(|| {
        (
            s.label.clone(),
            s.description.clone(),
            s.code.clone().unwrap_or_default(),
        )
    });
    ui.horizontal(|ui| {
        if let Some(hotkey) = hotkey_ui(ui, s, all) {
            commands.push(Command::SetStanceHotkey {
                stance: s.id.clone(),
                hotkey,
            });
        }
        let mut rgb = s.color.0;
        if ui.color_edit_button_srgb(&mut rgb).changed() {
            commands.push(Command::RecolorStance {
                stance: s.id.clone(),
                color: Rgb(rgb),
            });
        }
        let code = ui.add(
            egui::TextEdit::singleline(&mut draft.2)
                .desired_width(CODE_WIDTH)
                .hint_text("code"),
        );
        code.widget_info(|| egui::WidgetInfo {
            label: Some(format!("Code of {}", s.label)),
            ..egui::WidgetInfo::text_edit(true, &draft.2, &draft.2, "code")
        });
        let code = code.on_hover_text(
            "A codebook's code (101, 103.1), shown before the name and found by the code chooser (C)",
        );
        if code.lost_focus() && draft.2.trim() != s.code.as_deref().unwrap_or("") {
            commands.push(Command::SetStanceCode {
                stance: s.id.clone(),
                code: draft.2.trim().to_owned(),
            });
        }
        let name = ui.add(
            egui::TextEdit::singleline(&mut draft.0)
                .desired_width(NAME_WIDTH)
                .hint_text("name"),
        );
        name.widget_info(|| egui::WidgetInfo {
            label: Some(format!("Name of {}", s.label)),
            ..egui::WidgetInfo::text_edit(true, &draft.0, &draft.0, "name")
        });
        if name.lost_focus() && draft.0.trim() != s.label {
            if draft.0.trim().is_empty() {
                draft.0 = s.label.clone();
            } else {
                commands.push(Command::RenameStance {
                    stance: s.id.clone(),
                    label: draft.0.trim().to_owned(),
                });
            }
        }
        let width = (ui.available_width() - BUTTONS_WIDTH).max(MIN_DESCRIPTION_WIDTH);
        let description = ui.add(
            egui::TextEdit::singleline(&mut draft.1)
                .desired_width(width)
                .hint_text("what it means, for consistent coding"),
        );
        if description.lost_focus() && draft.1 != s.description {
            commands.push(Command::DescribeStance {
                stance: s.id.clone(),
                description: draft.1.clone(),
            });
        }
        commands.extend(parent_ui(ui, view, s));
        commands.extend(stance_actions_ui(ui, view, s, all));
    });
    commands
}

/// The parent chooser: none (top level) or a stance that is not this one or under it.
fn parent_ui(ui: &mut Ui, view: &View<'_>, s: &Stance) -> Option<Command> {
    let scheme = &view.project().stances;
    let mut chosen = None;
    let current = s
        .parent
        .as_ref()
        .map_or_else(|| "top level".to_owned(), |p| scheme.path_label(p));
    let response = egui::ComboBox::from_id_salt(("parent", &s.id))
        .width(110.0)
        .selected_text(format!("under: {current}"))
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(s.parent.is_none(), "top level")
                .clicked()
                && s.parent.is_some()
            {
                chosen = Some(None);
            }
            for (other, _) in scheme.tree() {
                if !scheme.can_be_parent(&s.id, &other.id) {
                    continue;
                }
                let on = s.parent.as_ref() == Some(&other.id);
                if ui
                    .selectable_label(on, scheme.path_label(&other.id))
                    .clicked()
                    && !on
                {
                    chosen = Some(Some(other.id.clone()));
                }
            }
        })
        .response;
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::ComboBox, true, format!("Parent of {}", s.label))
    });
    response.on_hover_text(
        Command::SetStanceParent {
            stance: s.id.clone(),
            parent: None,
        }
        .tooltip(),
    );
    chosen.map(|parent| Command::SetStanceParent {
        stance: s.id.clone(),
        parent,
    })
}

/// Merge into another stance (when in use) and remove.
fn stance_actions_ui(ui: &mut Ui, view: &View<'_>, s: &Stance, all: &[Stance]) -> Vec<Command> {
    let mut commands = Vec::new();
    let used = view.project().stance_usage(&s.id);
    if used > 0 {
        ui.menu_button("Merge into…", |ui| {
            for other in all.iter().filter(|o| o.id != s.id) {
                if ui.button(&other.label).clicked() {
                    commands.push(Command::MergeStance {
                        from: s.id.clone(),
                        into: other.id.clone(),
                    });
                }
            }
        })
        .response
        .on_hover_text(format!(
            "Give its {used} annotation(s) to another stance and remove it"
        ));
    }
    if ui
        .button("Remove…")
        .on_hover_text(Command::RemoveStance(s.id.clone()).tooltip())
        .clicked()
    {
        commands.push(Command::RemoveStance(s.id.clone()));
    }
    commands
}

/// The key chooser: none, or a digit no other stance uses. Returns a new choice.
fn hotkey_ui(ui: &mut Ui, s: &Stance, all: &[Stance]) -> Option<Option<u8>> {
    let text = |k: Option<u8>| k.map_or_else(|| "–".to_owned(), |k| k.to_string());
    let mut chosen = None;
    egui::ComboBox::from_id_salt(("hotkey", &s.id))
        .width(44.0)
        .selected_text(text(s.hotkey))
        .show_ui(ui, |ui| {
            let free =
                (1..=9u8).filter(|k| all.iter().all(|o| o.id == s.id || o.hotkey != Some(*k)));
            for key in std::iter::once(None).chain(free.map(Some)) {
                if ui.selectable_label(s.hotkey == key, text(key)).clicked() && s.hotkey != key {
                    chosen = Some(key);
                }
            }
        })
        .response
        .on_hover_text("The digit key that tags a selection with this stance");
    chosen
}

fn new_stance_ui(ui: &mut Ui, state: &mut StancesState, count: usize) -> Option<Command> {
    let mut command = None;
    ui.horizontal(|ui| {
        let l = ui.label("New stance");
        let r = ui
            .add(egui::TextEdit::singleline(&mut state.new_stance).hint_text("e.g. economy"))
            .labelled_by(l.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Add").clicked() || enter) && !state.new_stance.trim().is_empty() {
            command = Some(Command::AddStance {
                label: std::mem::take(&mut state.new_stance),
                color: Rgb(NEW_STANCE_COLORS[count % NEW_STANCE_COLORS.len()]),
            });
        }
    });
    command
}
