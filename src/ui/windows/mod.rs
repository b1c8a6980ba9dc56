//! Tool windows: preferences, the stance editor, the article text editor, the command palette,
//! project search, statistics, the message log and the progress of a blocking job. Each draws from the [`View`] and its own
//! state and returns commands.

mod actors;
mod agreement;
mod compare;
mod edit_text;
mod network;
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
mod units;

use eframe::egui;

use super::state::View;
use crate::core::model::ArticleId;
use crate::session::notice::Notices;
use crate::ui::command::Command;

pub use actors::{ActorsState, ActorsTab};
pub use agreement::{AgreementState, compared_analysts};
pub use compare::CompareState;
pub use network::{AGREE, CONFLICT, NetworkState, Shape};
pub use palette::PaletteState;
pub use preferences::PreferencesDraft;
pub use progress::progress_ui;
pub use search::ProjectSearchState;
pub use stances::StancesState;
pub use statistics::{StatsState, StatsTab, TimeChart, TimelineFile, png_of};
pub use suggest::SuggestState;
pub use table::TableState;
pub use units::UnitsState;

/// A tool window that Esc closes when it has the keyboard or was clicked last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolWindow {
    /// Preferences.
    Preferences,
    /// The stance editor.
    Stances,
    /// Project search.
    Search,
    /// Statistics.
    Statistics,
    /// Suggestions.
    Suggest,
    /// The annotation table.
    Table,
    /// The shortcut sheet.
    Shortcuts,
    /// The message log.
    Notices,
    /// The project memo.
    Memo,
    /// Agreement.
    Agreement,
    /// Two analysts compared.
    Compare,
    /// The actor manager.
    Actors,
    /// The discourse network.
    Network,
    /// The units of the article in the reader.
    Units,
}

impl ToolWindow {
    /// Every tool window Esc can close.
    pub const ALL: [ToolWindow; 14] = [
        ToolWindow::Preferences,
        ToolWindow::Stances,
        ToolWindow::Search,
        ToolWindow::Statistics,
        ToolWindow::Suggest,
        ToolWindow::Table,
        ToolWindow::Shortcuts,
        ToolWindow::Notices,
        ToolWindow::Memo,
        ToolWindow::Agreement,
        ToolWindow::Compare,
        ToolWindow::Actors,
        ToolWindow::Network,
        ToolWindow::Units,
    ];

    /// Its title (egui names a window's layer after it).
    pub fn title(self) -> &'static str {
        match self {
            ToolWindow::Preferences => "Preferences",
            ToolWindow::Stances => "Stances",
            ToolWindow::Search => "Search project",
            ToolWindow::Statistics => "Statistics",
            ToolWindow::Suggest => "Suggest annotations",
            ToolWindow::Table => "Annotation table",
            ToolWindow::Shortcuts => "Keyboard shortcuts",
            ToolWindow::Notices => "Recent messages",
            ToolWindow::Memo => "Project memo",
            ToolWindow::Agreement => "Agreement",
            ToolWindow::Compare => "Compare analysts",
            ToolWindow::Actors => "Actors",
            ToolWindow::Network => "Discourse network",
            ToolWindow::Units => "Units",
        }
    }

    /// The layer egui draws the window in.
    pub fn layer(self) -> egui::LayerId {
        egui::LayerId::new(egui::Order::Middle, tool_window_id(self.title()))
    }

    /// The open tool window drawn in `layer`, if any.
    pub fn in_layer(windows: &Windows, layer: egui::LayerId) -> Option<ToolWindow> {
        Self::ALL
            .into_iter()
            .find(|w| w.layer() == layer && windows.is_open(*w))
    }
}

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
    /// The agreement window.
    pub agreement: Option<AgreementState>,
    /// The comparison of two analysts.
    pub compare: Option<CompareState>,
    /// The actor manager.
    pub actors: Option<ActorsState>,
    /// The discourse network view.
    pub network: Option<NetworkState>,
    /// The units window is open.
    pub units: bool,
    /// What the units window keeps between frames.
    pub units_state: UnitsState,
    /// Similar passages asked for, started when the window is next drawn.
    pub similar_to: Option<crate::core::model::AnnotationId>,
}

impl Windows {
    /// True while `window` is open.
    pub fn is_open(&self, window: ToolWindow) -> bool {
        match window {
            ToolWindow::Preferences => self.preferences.is_some(),
            ToolWindow::Stances => self.stances.is_some(),
            ToolWindow::Search => self.search.is_some(),
            ToolWindow::Statistics => self.statistics.is_some(),
            ToolWindow::Suggest => self.suggest.is_some(),
            ToolWindow::Table => self.table.is_some(),
            ToolWindow::Shortcuts => self.shortcuts,
            ToolWindow::Notices => self.notices,
            ToolWindow::Memo => self.memo.is_some(),
            ToolWindow::Agreement => self.agreement.is_some(),
            ToolWindow::Compare => self.compare.is_some(),
            ToolWindow::Actors => self.actors.is_some(),
            ToolWindow::Network => self.network.is_some(),
            ToolWindow::Units => self.units,
        }
    }
}

/// Where tool windows may go: the whole width, between the menu bar and the status bar (set
/// by the app each frame, see [`set_tool_area`]), so a window never covers the menus.
const TOOL_AREA: &str = "stancemark_tool_window_area";

/// Records where tool windows may go this frame (below the menu bar, above the status bar).
pub fn set_tool_area(ctx: &egui::Context, area: egui::Rect) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(TOOL_AREA), area));
}

/// The id of the tool window titled `title` (and so of the layer it is drawn in).
pub fn tool_window_id(title: &str) -> egui::Id {
    egui::Id::unique(("stancemark_tool_window", title))
}

/// A tool window kept between the menu bar and the status bar.
pub fn tool_window<'a>(ctx: &egui::Context, title: impl Into<String>) -> egui::Window<'a> {
    let title: String = title.into();
    let window = egui::Window::new(title.clone()).id(tool_window_id(&title));
    match ctx.data(|d| d.get_temp::<egui::Rect>(egui::Id::unique(TOOL_AREA))) {
        Some(area) => window
            .constrain_to(area)
            .default_pos(area.left_top() + egui::vec2(16.0, 16.0)),
        None => window,
    }
}

/// A tool window of a stable size: it opens at `default_size`, the user resizes it, egui
/// keeps the size (eframe stores it between sessions), and [`fill_window`] makes its content
/// take all of it — so the window neither shrinks nor grows as its content changes (a click
/// meant for a toggle never misses because a list emptied).
pub fn sized_tool_window<'a>(
    ctx: &egui::Context,
    title: impl Into<String>,
    default_size: [f32; 2],
) -> egui::Window<'a> {
    tool_window(ctx, title)
        .resizable(true)
        .default_size(default_size)
}

/// While a large project's annotations are still arriving, a window that works on all of
/// them (statistics, the table, project search, agreement…) says so, with the progress,
/// instead of working on part of them: `Some((open, no commands))` when it did.
#[must_use]
pub fn while_loading(
    ctx: &egui::Context,
    view: &View<'_>,
    title: &str,
    default_size: [f32; 2],
) -> Option<(bool, Vec<Command>)> {
    let fraction = view.session.loading_fraction()?;
    let mut open = true;
    sized_tool_window(ctx, title, default_size)
        .open(&mut open)
        .show(ctx, |ui| {
            fill_window(ui);
            ui.add_space(8.0);
            ui.label(
                "Still loading: this window works on every annotation of the project, and some \
                 have not arrived yet. It fills in as soon as they have.",
            );
            ui.add_space(4.0);
            ui.add(egui::ProgressBar::new(fraction).show_percentage());
        });
    Some((open, Vec::new()))
}

/// Makes the content of a [`sized_tool_window`] as large as the window; call first.
pub fn fill_window(ui: &mut egui::Ui) {
    ui.set_min_size(ui.available_size());
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
        let (open, out) = palette::palette_ui(ctx, state, keymap, &view.project().stances);
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
    if let Some(state) = &mut windows.agreement {
        let (open, out) = agreement::agreement_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.agreement = None;
        }
    }
    if let Some(state) = &mut windows.compare {
        let (open, out) = compare::compare_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.compare = None;
        }
    }
    if let Some(state) = &mut windows.actors {
        let (open, out) = actors::actors_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.actors = None;
        }
    }
    if let Some(state) = &mut windows.network {
        let (open, out) = network::network_ui(ctx, view, state);
        commands.extend(out);
        if !open {
            windows.network = None;
        }
    }
    if windows.units {
        let (open, out) = units::units_ui(ctx, view, &mut windows.units_state);
        commands.extend(out);
        windows.units = open;
    }
    if windows.shortcuts {
        windows.shortcuts = shortcuts::shortcuts_ui(ctx, keymap, &view.project().stances);
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
