//! Small widgets shared by the panels and windows: the stance chip and button (one look for a
//! stance everywhere, with text that stays readable on light colours) and the menu item of a
//! command.

use eframe::egui::{self, Color32, Response, RichText, Ui};

use crate::core::model::{Project, Rgb, StanceId};
use crate::ui::command::Command;

/// egui colour of a model colour.
pub fn to_color(c: Rgb) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgb(r, g, b)
}

/// Label (with its parents', `security › supply chain`) and colour of a stance (grey for an
/// unknown one).
pub fn stance_style(project: &Project, id: &StanceId) -> (String, Color32) {
    project.stances.get(id).map_or_else(
        || (id.to_string(), Color32::GRAY),
        // A codebook's code places it in the scheme: "504 Welfare State Expansion".
        |s| match &s.code {
            Some(_) => (s.coded_label(), to_color(s.color)),
            None => (project.stances.path_label(&s.id), to_color(s.color)),
        },
    )
}

/// Relative luminance (WCAG) of an sRGB colour, 0 (black) to 1 (white).
fn luminance(c: Color32) -> f32 {
    let lin = |v: u8| {
        let v = v as f32 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// Black or white, whichever contrasts more with `background` (WCAG contrast ratio).
pub fn text_color_on(background: Color32) -> Color32 {
    let l = luminance(background);
    let with_white = 1.05 / (l + 0.05);
    let with_black = (l + 0.05) / 0.05;
    if with_black > with_white {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

/// A spinner that turns ten times a second rather than every frame: a job of a minute (the
/// agreement of a whole corpus) does not keep a software-rendered window drawing 60 frames a
/// second on a core the job could use.
pub fn busy(ui: &mut Ui) -> Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    if ui.is_rect_visible(rect) {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
        let color = ui.visuals().strong_text_color();
        let radius = rect.height().min(rect.width()) * 0.5 - 2.0;
        let time = ui.input(|i| i.time);
        let start = time * std::f64::consts::TAU;
        let end = start + 240f64.to_radians() * time.sin();
        let points: Vec<egui::Pos2> = (0..16)
            .map(|i| {
                let angle = start + (end - start) * f64::from(i) / 16.0;
                let (sin, cos) = angle.sin_cos();
                rect.center() + radius * egui::vec2(cos as f32, sin as f32)
            })
            .collect();
        ui.painter()
            .add(egui::Shape::line(points, egui::Stroke::new(3.0, color)));
    }
    response
}

/// A small rounded label in the stance colour.
pub fn stance_chip(ui: &mut Ui, label: &str, color: Color32) -> Response {
    egui::Frame::new()
        .fill(color)
        .corner_radius(6.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(
                RichText::new(label)
                    .color(text_color_on(color))
                    .small()
                    .strong(),
            )
        })
        .inner
}

/// A button in a stance's colour: filled when `on`, outlined otherwise.
pub fn stance_button(ui: &mut Ui, label: &str, color: Color32, on: bool) -> Response {
    let text = RichText::new(label).color(if on { text_color_on(color) } else { color });
    ui.add(
        egui::Button::new(text)
            .fill(if on { color } else { Color32::TRANSPARENT })
            .stroke(egui::Stroke::new(1.0, color))
            .corner_radius(8.0),
    )
}

/// A shortcut as people write it: `Ctrl+=`, `Ctrl+,`, `]`, `Alt+Down` (egui names some keys
/// `Equals`, `Comma` or `CloseBracket`).
pub fn shortcut_label(ctx: &egui::Context, shortcut: &egui::KeyboardShortcut) -> String {
    use egui::Key;
    let is_mac = ctx.os().is_mac();
    let mut text = egui::ModifierNames::NAMES.format(&shortcut.modifiers, is_mac);
    if !text.is_empty() {
        text.push('+');
    }
    // Arrows in words: the bundled fonts have neither ← → ↑ ↓ nor egui's ⏴ ⏵ ⏶ ⏷.
    text.push_str(match shortcut.logical_key {
        Key::ArrowLeft => "Left",
        Key::ArrowRight => "Right",
        Key::ArrowUp => "Up",
        Key::ArrowDown => "Down",
        Key::Minus => "-",
        key => key.symbol_or_name(),
    });
    text
}

/// A menu item for `command`, showing its shortcut and tooltip; `label` overrides the
/// command's label. Returns the command when clicked.
pub fn command_item(
    ui: &mut Ui,
    command: Command,
    label: Option<&str>,
    enabled: bool,
) -> Option<Command> {
    let mut button = egui::Button::new(label.map_or_else(|| command.label(), str::to_owned));
    if let Some(s) = command.shortcut() {
        let keys = shortcut_label(ui.ctx(), &s);
        // A list's key works in the list only: say so beside it.
        let text = match command.key_scope() {
            crate::ui::command::KeyScope::ArticleList
            | crate::ui::command::KeyScope::ReviewList
            | crate::ui::command::KeyScope::Table => format!("{keys} in the list"),
            crate::ui::command::KeyScope::Units => format!("{keys} coding units"),
            crate::ui::command::KeyScope::Global | crate::ui::command::KeyScope::Reader => keys,
        };
        button = button.shortcut_text(text);
    }
    ui.add_enabled(enabled, button)
        .on_hover_text(command.tooltip())
        .clicked()
        .then_some(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chip_text_is_dark_on_light_colours_and_light_on_dark_ones() {
        assert_eq!(
            text_color_on(Color32::from_rgb(241, 196, 15)),
            Color32::BLACK
        );
        assert_eq!(text_color_on(Color32::WHITE), Color32::BLACK);
        assert_eq!(text_color_on(Color32::from_rgb(20, 20, 60)), Color32::WHITE);
        assert_eq!(
            text_color_on(Color32::from_rgb(155, 89, 182)),
            Color32::WHITE
        );
        // Whichever has the higher WCAG contrast ratio, both ways.
        for c in [
            [52, 120, 246],
            [46, 160, 67],
            [230, 126, 34],
            [127, 140, 141],
        ] {
            let bg = Color32::from_rgb(c[0], c[1], c[2]);
            let ratio = |fg: Color32| {
                let (a, b) = (luminance(fg), luminance(bg));
                (a.max(b) + 0.05) / (a.min(b) + 0.05)
            };
            let chosen = text_color_on(bg);
            let other = if chosen == Color32::BLACK {
                Color32::WHITE
            } else {
                Color32::BLACK
            };
            assert!(ratio(chosen) >= ratio(other), "{c:?}");
        }
    }
}
