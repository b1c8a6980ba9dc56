//! The menu bar: every item is a [`Command`] with its shortcut and tooltip.

use eframe::egui::{self, Ui};

use super::state::{PanelsShown, View};
use super::widgets::command_item;
use crate::formats::export::EXPORT_FORMATS;
use crate::ui::command::Command;

/// Adds a menu item for `c`; records the command when clicked.
fn item(commands: &mut Vec<Command>, ui: &mut Ui, c: Command, enabled: bool) {
    commands.extend(command_item(ui, c, None, enabled));
}

/// Draws the menu bar.
#[must_use]
pub fn menu_bar_ui(ui: &mut Ui, view: &View<'_>, panels: PanelsShown) -> Vec<Command> {
    let mut out = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, view, &mut out));
        ui.menu_button("Edit", |ui| {
            let ws = view.session.workspace();
            for (c, label) in [
                (Command::Undo, ws.undo_label().map(|l| format!("Undo {l}"))),
                (Command::Redo, ws.redo_label().map(|l| format!("Redo {l}"))),
            ] {
                let enabled = label.is_some();
                out.extend(command_item(ui, c, label.as_deref(), enabled));
            }
            ui.separator();
            item(&mut out, ui, Command::Find, view.focus.article.is_some());
            item(&mut out, ui, Command::SearchProject, true);
            item(
                &mut out,
                ui,
                Command::DeleteSelectedAnnotation,
                view.focus.annotation.is_some(),
            );
            item(
                &mut out,
                ui,
                Command::NextAnnotation,
                view.focus.article.is_some(),
            );
            item(
                &mut out,
                ui,
                Command::PreviousAnnotation,
                view.focus.article.is_some(),
            );
            let articles = !view.project().articles.is_empty();
            item(&mut out, ui, Command::NextArticle, articles);
            item(&mut out, ui, Command::PreviousArticle, articles);
            ui.separator();
            item(&mut out, ui, Command::CommandPalette, true);
        });
        ui.menu_button("View", |ui| {
            for (c, on) in [
                (Command::ToggleArticlesPanel, panels.articles),
                (Command::ToggleAnnotationsPanel, panels.annotations),
            ] {
                let label = format!("{} {}", if on { "✔" } else { "   " }, c.label());
                out.extend(command_item(ui, c, Some(&label), true));
            }
            ui.separator();
            item(&mut out, ui, Command::TextBigger, true);
            item(&mut out, ui, Command::TextSmaller, true);
            item(&mut out, ui, Command::TextReset, true);
            ui.separator();
            item(&mut out, ui, Command::AnnotationTable, true);
            item(&mut out, ui, Command::ProjectMemo, true);
            item(&mut out, ui, Command::Statistics, true);
            item(&mut out, ui, Command::ShowNotices, true);
            item(&mut out, ui, Command::ShortcutSheet, true);
        });
        ui.menu_button("Stances", |ui| {
            item(&mut out, ui, Command::ManageStances, true);
            item(&mut out, ui, Command::AddSchemeFromTemplate, true);
            item(&mut out, ui, Command::ChooseCode(String::new()), true);
            item(&mut out, ui, Command::Suggest, true);
            let rejected = view.project().rejections.len();
            out.extend(command_item(
                ui,
                Command::ClearRejections,
                Some(&format!("Forget rejected suggestions ({rejected})")),
                rejected > 0,
            ));
        });
        ui.menu_button("Units", |ui| units_menu_ui(ui, view, &mut out));
        ui.menu_button("Actors", |ui| {
            let selected = view.focus.annotation.is_some();
            item(&mut out, ui, Command::FocusActorField, selected);
            item(&mut out, ui, Command::PositionSupports, selected);
            item(&mut out, ui, Command::PositionNeutral, selected);
            item(&mut out, ui, Command::PositionOpposes, selected);
            ui.separator();
            item(&mut out, ui, Command::ActorManager, true);
            item(&mut out, ui, Command::NetworkView, true);
        });
        ui.menu_button("Team", |ui| team_menu_ui(ui, view, &mut out));
    });
    out
}

/// The Units menu: unitising the article in the reader and coding it unit by unit.
fn units_menu_ui(ui: &mut Ui, view: &View<'_>, out: &mut Vec<Command>) {
    let article = view.focus.article.and_then(|id| view.project().article(id));
    let open = article.is_some();
    let unitised = article.is_some_and(|a| !a.units.is_empty());
    let coding = view.focus.unit.is_some();
    item(out, ui, Command::UnitiseArticle, open);
    item(out, ui, Command::UnitsWindow, true);
    ui.separator();
    let label = format!(
        "{} {}",
        if coding { "✔" } else { "   " },
        Command::ToggleUnitMode.label()
    );
    out.extend(command_item(
        ui,
        Command::ToggleUnitMode,
        Some(&label),
        unitised,
    ));
    item(out, ui, Command::NextUnit, coding);
    item(out, ui, Command::PreviousUnit, coding);
    item(out, ui, Command::UncodeUnit, coding);
    ui.separator();
    item(
        out,
        ui,
        Command::SplitUnitHere,
        unitised && view.selection.is_some(),
    );
    item(out, ui, Command::JoinUnitWithNext, coding);
    item(out, ui, Command::ToggleUnitHeading, coding);
    item(out, ui, Command::AcceptAllSplits, unitised);
}

/// The Team menu: whose layers are shown, blind coding, coded marks, merging, agreement,
/// comparing and curating.
fn team_menu_ui(ui: &mut Ui, view: &View<'_>, out: &mut Vec<Command>) {
    let project = view.project();
    let me = view.session.analyst().id;
    let blind = project.team.blind;
    let check = |on: bool, label: &str| format!("{} {label}", if on { "✔" } else { "   " });
    ui.menu_button("Layers", |ui| {
        if blind {
            ui.weak("Blind coding: you see your own layer and gold");
        }
        let layers = &view.focus.layers;
        out.extend(command_item(
            ui,
            Command::ShowAllLayers,
            Some(&check(
                *layers == super::state::Layers::All,
                &Command::ShowAllLayers.label(),
            )),
            !blind,
        ));
        out.extend(command_item(
            ui,
            Command::ShowMyLayer,
            Some(&check(
                *layers == super::state::Layers::Mine,
                &Command::ShowMyLayer.label(),
            )),
            !blind,
        ));
        ui.separator();
        for analyst in &project.analysts {
            let on = !view.hidden_analysts.contains(&analyst.id);
            let count = project
                .annotations
                .layers()
                .filter(|((_, who), _)| *who == analyst.id)
                .map(|(_, v)| v.len())
                .sum::<usize>();
            let you = if analyst.id == me { " (you)" } else { "" };
            let label = check(on, &format!("{}{you} — {count}", analyst.name));
            out.extend(command_item(
                ui,
                Command::ToggleLayer(analyst.id.clone()),
                Some(&label),
                !blind,
            ));
        }
    });
    out.extend(command_item(
        ui,
        Command::ToggleBlindCoding,
        Some(&check(blind, &Command::ToggleBlindCoding.label())),
        true,
    ));
    let coded = view
        .focus
        .article
        .is_some_and(|a| project.team.is_coded(a, &me));
    out.extend(command_item(
        ui,
        Command::ToggleCoded,
        Some(&check(coded, &Command::ToggleCoded.label())),
        view.focus.article.is_some(),
    ));
    ui.separator();
    item(out, ui, Command::MergeWork, true);
    let team = project.analysts.iter().filter(|a| !a.id.is_gold()).count() >= 2;
    item(out, ui, Command::Agreement, team && !blind);
    item(out, ui, Command::Compare, team && !blind);
    item(
        out,
        ui,
        Command::NextDisagreement,
        view.focus.article.is_some(),
    );
    item(
        out,
        ui,
        Command::PreviousDisagreement,
        view.focus.article.is_some(),
    );
    ui.separator();
    item(
        out,
        ui,
        Command::CopyToMyLayer,
        view.focus
            .annotation
            .and_then(|id| project.annotation(id))
            .is_some_and(|a| a.analyst != me),
    );
    item(out, ui, Command::CurateGold, team && !blind);
}

fn file_menu_ui(ui: &mut Ui, view: &View<'_>, out: &mut Vec<Command>) {
    item(out, ui, Command::NewProject, true);
    item(out, ui, Command::NewFromTemplate, true);
    item(out, ui, Command::OpenProject, true);
    ui.menu_button("Open recent", |ui| {
        if view.prefs.recent.is_empty() {
            ui.weak("No recent projects");
        }
        for path in &view.prefs.recent {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            if ui
                .button(name)
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                out.push(Command::OpenRecent(path.clone()));
            }
        }
    });
    ui.separator();
    item(out, ui, Command::Save, true);
    item(out, ui, Command::SaveAs, true);
    ui.separator();
    item(out, ui, Command::AddArticle, true);
    item(out, ui, Command::ImportAnnotations, true);
    ui.menu_button("Export", |ui| {
        for format in EXPORT_FORMATS {
            if format == crate::formats::export::ExportFormat::Stats {
                ui.separator();
            }
            item(out, ui, Command::Export(format), true);
        }
    });
    ui.separator();
    item(out, ui, Command::Preferences, true);
    ui.separator();
    item(out, ui, Command::Quit, true);
}
