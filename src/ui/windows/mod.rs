//! Tool windows: preferences, the stance editor, the article text editor, the command palette,
//! project search, statistics, the message log and the progress of a blocking job. Each draws from the [`View`] and its own
//! state and returns commands.

mod edit_text;
mod notices;
mod palette;
mod preferences;
mod progress;
mod search;
mod shortcuts;
mod stances;
mod statistics;
mod suggest;
mod table;

use eframe::egui;

use super::state::View;
use crate::command::Command;
use crate::model::ArticleId;
use crate::notice::Notices;

pub use palette::PaletteState;
pub use preferences::PreferencesDraft;
pub use progress::progress_ui;
pub use search::ProjectSearchState;
pub use stances::StancesState;
pub use statistics::{StatsState, StatsTab, png_of};
pub use suggest::SuggestState;
pub use table::TableState;

/// Which tool windows are open, and their state.
#[derive(Default)]
pub struct Windows {
    /// Preferences being edited.
    pub preferences: Option<PreferencesDraft>,
    /// The stance editor.
    pub stances: Option<StancesState>,
    /// An article's text being edited.
    pub edit_text: Option<(ArticleId, String)>,
    /// The command palette.
    pub palette: Option<PaletteState>,
    /// The message log.
    pub notices: bool,
    /// Project search.
    pub search: Option<ProjectSearchState>,
    /// The statistics window.
    pub statistics: Option<StatsState>,
    /// The suggestions window, and an annotation whose similar passages it should look for.
    pub suggest: Option<SuggestState>,
    /// The annotation table.
    pub table: Option<TableState>,
    /// The shortcut sheet.
    pub shortcuts: bool,
    /// The project memo being edited.
    pub memo: Option<String>,
    /// Similar passages asked for, started when the window is next drawn.
    pub similar_to: Option<crate::model::AnnotationId>,
}

/// Where tool windows may go: the whole width, between the menu bar and the status bar (set
/// by the app each frame, see [`set_tool_area`]), so a window never covers the menus.
const TOOL_AREA: &str = "stancemark_tool_window_area";

/// Records where tool windows may go this frame (below the menu bar, above the status bar).
pub fn set_tool_area(ctx: &egui::Context, area: egui::Rect) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(TOOL_AREA), area));
}

/// A tool window kept between the menu bar and the status bar.
pub fn tool_window<'a>(
    ctx: &egui::Context,
    title: impl Into<egui::WidgetText>,
) -> egui::Window<'a> {
    let window = egui::Window::new(title);
    match ctx.data(|d| d.get_temp::<egui::Rect>(egui::Id::unique(TOOL_AREA))) {
        Some(area) => window
            .constrain_to(area)
            .default_pos(area.left_top() + egui::vec2(16.0, 16.0)),
        None => window,
    }
}

/// Draws the open tool windows.
#[must_use]
pub fn windows_ui(
    ctx: &egui::Context,
    view: &View<'_>,
    windows: &mut Windows,
    notices: &Notices,
    keymap: &super::keymap::Keymap,
) -> Vec<Command> {
    let mut commands = Vec::new();
    if let Some(draft) = &mut windows.preferences {
        let (open, changed) = preferences::preferences_ui(ctx, draft);
        commands.extend(changed);
        if !open {
            windows.preferences = None;
        }
    }
    if let Some(state) = &mut windows.stances {
        let (open, out) = stances::stances_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.stances = None;
        }
    }
    if let Some((article, draft)) = &mut windows.edit_text {
        let (open, out) = edit_text::edit_text_ui(ctx, view, *article, draft);
        let applied = out.is_some();
        commands.extend(out);
        if !open || applied {
            windows.edit_text = None;
        }
    }
    if let Some(state) = &mut windows.palette {
        let (open, out) = palette::palette_ui(ctx, state, keymap);
        commands.extend(out);
        if !open {
            windows.palette = None;
        }
    }
    if let Some(state) = &mut windows.search {
        let (open, out) = search::project_search_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.search = None;
        }
    }
    if let Some(state) = &mut windows.statistics {
        let (open, out) = statistics::statistics_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.statistics = None;
        }
    }
    if let Some(state) = &mut windows.suggest {
        if let Some(id) = windows.similar_to.take() {
            state.start_similar(view, id);
        }
        let (open, out) = suggest::suggest_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.suggest = None;
        }
    }
    if let Some(state) = &mut windows.table {
        let (open, out) = table::table_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.table = None;
        }
    }
    if let Some(draft) = &mut windows.memo {
        let (open, out) = memo_ui(ctx, view, draft);
        commands.extend(out);
        if !open {
            windows.memo = None;
        }
    }
    if windows.shortcuts {
        windows.shortcuts = shortcuts::shortcuts_ui(ctx, keymap);
    }
    if windows.notices {
        windows.notices = notices::notices_ui(ctx, notices, view.now);
    }
    commands
}

/// The project memo window: a multi-line field, kept when it loses the keyboard or the window
/// closes.
fn memo_ui(ctx: &egui::Context, view: &View<'_>, draft: &mut String) -> (bool, Option<Command>) {
    let mut open = true;
    let mut commit = false;
    tool_window(ctx, "Project memo")
        .open(&mut open)
        .default_size([460.0, 300.0])
        .show(ctx, |ui| {
            let r = ui.add(
                egui::TextEdit::multiline(draft)
                    .desired_rows(12)
                    .desired_width(f32::INFINITY)
                    .hint_text("Research question, coding decisions, open points…"),
            );
            r.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Project memo text")
            });
            if !r.has_focus() && !r.lost_focus() && *draft != view.project().memo {
                // Changed by Undo or a reload while not being typed in.
                *draft = view.project().memo.clone();
            }
            commit = r.lost_focus();
        });
    let changed = *draft != view.project().memo;
    let command = ((commit || !open) && changed).then(|| Command::SetProjectMemo(draft.clone()));
    (open, command)
}
