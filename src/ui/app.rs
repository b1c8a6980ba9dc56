//! The application: one frame is drawn in a fixed order (session events, keys, menu bar,
//! status bar, side panels, reader, tool windows, modal), every part returning commands, which
//! are executed once the frame is drawn (`execute.rs`).

use std::path::PathBuf;

use eframe::egui::{self, Ui};

use super::annotations_panel::{self, annotations_panel_ui};
use super::articles_panel::{self, articles_panel_ui};
use super::keymap::Keymap;
use super::menu_bar::menu_bar_ui;
use super::modals::{Modal, modal_ui};
use super::reader::ArticleView;
use super::state::{UiState, View};
use super::status_bar::status_bar_ui;
use super::windows::{progress_ui, windows_ui};
use crate::core::model::{AnnotationId, ArticleId};
use crate::core::workspace::Workspace;
use crate::session::notice::{Notices, Severity};
use crate::session::prefs::Preferences;
use crate::session::{Session, SessionOptions};
use crate::ui::command::Command;

/// Share of the window the side panels start at.
const ARTICLES_SHARE: f32 = 0.2;
const ANNOTATIONS_SHARE: f32 = 0.26;
/// Width the reader keeps however wide the panels are dragged, in points; the panels share
/// the rest (two parts left, three right), so a small window still reads comfortably.
const MIN_READER_WIDTH: f32 = 440.0 + super::reader::MAP_WIDTH + 4.0;
/// Narrowest a side panel can be dragged, in points.
const PANEL_MIN_WIDTH: f32 = 150.0;
/// How often the window redraws while a job runs, for its progress.
const JOB_REPAINT: std::time::Duration = std::time::Duration::from_millis(100);

/// How the app is started; tests use a fixed clock, no native dialogs and no preferences file.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// Where preferences are read and written; `None` keeps them in memory only.
    pub prefs_path: Option<PathBuf>,
    /// Whether to open native (rfd) file dialogs beside the path field.
    pub native_dialogs: bool,
    /// Timestamps from a stepping clock instead of the wall clock (tests, golden files).
    pub fixed_clock: bool,
    /// Where the recovery file of a never-saved project goes; `None` autosaves saved projects only.
    pub unsaved_recovery_dir: Option<PathBuf>,
    /// Seconds between the first unsaved change and its autosave (infinite: never).
    pub autosave_delay: f64,
    /// Project files at least this large are opened and saved on a worker thread, with a
    /// progress indicator, so the window never freezes (smaller ones take less than a frame).
    pub background_io_bytes: u64,
    /// Whether open projects get a lock file (see [`SessionOptions::locks`]).
    pub locks: bool,
    /// Whether to ask the analyst's name on a first start (the preferences have none).
    pub ask_name: bool,
    /// Who codes while the preferences name nobody (`None`: the OS user name). UI tests code
    /// as the sample's own analyst so that its annotations are theirs to change.
    pub default_analyst: Option<String>,
}

impl AppOptions {
    /// Options for the real app: preferences in the config folder, native dialogs unless
    /// `STANCEMARK_NO_NATIVE_DIALOGS` is set.
    pub fn desktop() -> Self {
        let session = SessionOptions::desktop();
        Self {
            prefs_path: Preferences::default_path(),
            native_dialogs: std::env::var_os("STANCEMARK_NO_NATIVE_DIALOGS").is_none(),
            fixed_clock: session.fixed_clock,
            unsaved_recovery_dir: session.unsaved_recovery_dir,
            autosave_delay: session.autosave_delay,
            background_io_bytes: session.background_io_bytes,
            locks: session.locks,
            ask_name: true,
            default_analyst: None,
        }
    }

    /// Options for headless tests.
    pub fn headless() -> Self {
        let session = SessionOptions::inline();
        Self {
            prefs_path: None,
            native_dialogs: false,
            fixed_clock: session.fixed_clock,
            unsaved_recovery_dir: session.unsaved_recovery_dir,
            autosave_delay: session.autosave_delay,
            background_io_bytes: session.background_io_bytes,
            locks: session.locks,
            ask_name: false,
            default_analyst: Some("sample".to_owned()),
        }
    }

    fn session_options(&self) -> SessionOptions {
        SessionOptions {
            fixed_clock: self.fixed_clock,
            unsaved_recovery_dir: self.unsaved_recovery_dir.clone(),
            autosave_delay: self.autosave_delay,
            background_io_bytes: self.background_io_bytes,
            locks: self.locks,
        }
    }
}

/// Where a "Save chart as PNG" stands: waiting some frames for the file window to be gone
/// from the picture, or the screenshot asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChartShot {
    /// Frames still to wait.
    Wait(u8),
    /// The screenshot was asked for.
    Asked,
}

/// The stancemark application.
pub struct StancemarkApp {
    pub(super) session: Session,
    pub(super) options: AppOptions,
    pub(super) prefs: Preferences,
    pub(super) keymap: Keymap,
    pub(super) ui: UiState,
    pub(super) notices: Notices,
    /// What waits for the save in progress (quit, open another project…).
    pub(super) after_save: Option<Box<Command>>,
    pub(super) allow_close: bool,
    /// Text to put on the clipboard at the end of the frame.
    pub(super) copied: Option<String>,
    /// The unsaved-changes question before an import that replaces the project was answered.
    pub(super) importing_confirmed: bool,
    pub(super) quit_requested: bool,
    window_title: String,
    fonts_installed: bool,
    /// How many parts of the reader's and panels' font sizes have had their glyphs drawn
    /// (see [`Self::warm_glyphs`]).
    glyphs_warmed: usize,
    /// Whether a widget had the keyboard at the end of the last frame.
    focused_last_frame: bool,
    /// The current frame's time, in seconds.
    pub(super) now: f64,
    /// Where the statistics chart goes once the screenshot asked for it arrives, and where
    /// that stands.
    pub(super) chart_to_save: Option<(PathBuf, ChartShot)>,
    /// The saved chart's file, or the file and why it could not be written.
    chart_saved: Option<std::sync::mpsc::Receiver<Result<PathBuf, (PathBuf, String)>>>,
}

/// Who codes: the preferences' name, else the options' default, else the OS user.
fn analyst_name(prefs: &Preferences, options: &AppOptions) -> String {
    match &options.default_analyst {
        Some(name) if prefs.annotator.trim().is_empty() => name.clone(),
        _ => prefs.analyst_name(),
    }
}

impl StancemarkApp {
    /// Who codes in this window (see [`AppOptions::default_analyst`]).
    pub(crate) fn analyst_name(&self) -> String {
        analyst_name(&self.prefs, &self.options)
    }

    /// Starts on `project` (or the last project, or an empty one). Problems opening it are
    /// shown in the window; the app always starts.
    pub fn new(project: Option<PathBuf>, options: AppOptions) -> Self {
        let prefs = options
            .prefs_path
            .as_deref()
            .map(crate::session::files::load_preferences)
            .unwrap_or_default();
        let mut session = Session::new(options.session_options());
        session.set_annotator(&analyst_name(&prefs, &options));
        // First start: no name in the preferences yet. Asked once (the answer is kept).
        let ask_name = options.ask_name && prefs.annotator.trim().is_empty();
        let mut app = Self {
            session,
            options,
            prefs,
            keymap: Keymap::default(),
            ui: UiState::default(),
            notices: Notices::default(),
            after_save: None,
            allow_close: false,
            copied: None,
            importing_confirmed: false,
            quit_requested: false,
            window_title: String::new(),
            fonts_installed: false,
            glyphs_warmed: 0,
            focused_last_frame: false,
            now: 0.0,
            chart_to_save: None,
            chart_saved: None,
        };
        if ask_name {
            app.ui.modal = Some(Modal::AskName(app.analyst_name()));
        }
        let start = project.or_else(|| app.prefs.last_project.clone().filter(|p| p.exists()));
        match start {
            Some(path) => app.execute(Command::OpenPath(path)),
            None => {
                if let Some(file) = app.session.pending_recovery() {
                    app.ui.modal = Some(Modal::Recovery { file, both: None });
                }
            }
        }
        app
    }

    // ----- accessors (tests, benchmarks, embedding) ----------------------------------------

    /// The workspace (project and history).
    pub fn workspace(&self) -> &Workspace {
        self.session.workspace()
    }

    /// The session (project, file, jobs).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The article shown in the reader.
    pub fn current_article(&self) -> Option<ArticleId> {
        self.ui.focus.article
    }

    /// The annotation selected for editing.
    pub fn selected_annotation(&self) -> Option<AnnotationId> {
        self.ui.focus.annotation
    }

    /// The reader (selection, layout).
    pub fn article_view(&self) -> &ArticleView {
        &self.ui.reader
    }

    /// The title being typed while an article is renamed in place.
    pub fn article_being_renamed(&self) -> Option<&str> {
        self.ui.articles.renaming()
    }

    /// The message in the status bar and whether it is an error.
    pub fn status(&self) -> Option<(String, bool)> {
        self.notices
            .current(self.now)
            .map(|n| (n.text(), n.severity == Severity::Error))
    }

    /// The notices of this session.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// The title and text of the error window, if one is open.
    pub fn error_message(&self) -> Option<(&str, &str)> {
        match &self.ui.modal {
            Some(Modal::Error { title, message, .. }) => Some((title, message)),
            _ => None,
        }
    }

    /// True once the app has agreed to close (after Save or Discard).
    pub fn quit_requested(&self) -> bool {
        self.quit_requested
    }

    /// True while a project is opened, saved or exported on a worker thread.
    pub fn is_busy(&self) -> bool {
        self.session.is_busy()
    }

    /// Waits for the work on worker threads and finishes it.
    pub fn wait_for_io(&mut self) {
        let events = self.session.wait_all();
        self.handle_events(events);
    }

    /// Waits for an autosave in progress (tests, and before quitting).
    pub fn wait_for_autosave(&mut self) {
        self.wait_for_io();
    }

    /// Saves under `path` now, waiting for the write (tests).
    pub fn save_as(&mut self, path: &std::path::Path) -> bool {
        self.execute(Command::SaveTo {
            path: path.to_owned(),
            then: None,
        });
        self.wait_for_io();
        !self.session.is_dirty()
    }

    /// Exports the project to `path` (on a worker thread when it is large).
    pub fn export_to(
        &mut self,
        format: crate::formats::export::ExportFormat,
        path: &std::path::Path,
    ) {
        self.execute(Command::ExportTo {
            format,
            path: path.to_owned(),
            article: None,
        });
    }

    /// The project search window, when open (tests).
    pub fn project_search(&mut self) -> Option<&mut super::windows::ProjectSearchState> {
        self.ui.windows.search.as_mut()
    }

    /// The suggestions window, when open (tests).
    pub fn suggestions(&mut self) -> Option<&mut super::windows::SuggestState> {
        self.ui.windows.suggest.as_mut()
    }

    /// The preferences in use.
    pub fn preferences(&self) -> &Preferences {
        &self.prefs
    }

    /// The annotation table, when open (tests).
    pub fn table(&mut self) -> Option<&mut super::windows::TableState> {
        self.ui.windows.table.as_mut()
    }

    /// The statistics window, when open (tests).
    pub fn statistics(&mut self) -> Option<&mut super::windows::StatsState> {
        self.ui.windows.statistics.as_mut()
    }

    /// The agreement window, when open (tests).
    pub fn agreement(&mut self) -> Option<&mut super::windows::AgreementState> {
        self.ui.windows.agreement.as_mut()
    }

    /// Coding unit by unit: the current unit of the article shown.
    pub fn current_unit(&self) -> Option<usize> {
        self.ui.focus.unit
    }

    /// The actor manager, when open.
    pub fn actors_window(&mut self) -> Option<&mut super::windows::ActorsState> {
        self.ui.windows.actors.as_mut()
    }

    /// The discourse network view, when open.
    pub fn network_window(&mut self) -> Option<&mut super::windows::NetworkState> {
        self.ui.windows.network.as_mut()
    }

    /// Imports an article file and shows it.
    pub fn add_article_from(&mut self, path: &std::path::Path) {
        self.execute(Command::AddArticlesFrom(vec![path.to_owned()]));
    }

    // ----- frame -------------------------------------------------------------------------

    /// Applies the theme preference, and keeps egui's own keyboard zoom off: Ctrl+= and Ctrl+-
    /// change the article's text size instead.
    fn apply_look(&mut self, ctx: &egui::Context) {
        let wanted = match self.prefs.theme {
            crate::session::prefs::Theme::System => egui::ThemePreference::System,
            crate::session::prefs::Theme::Light => egui::ThemePreference::Light,
            crate::session::prefs::Theme::Dark => egui::ThemePreference::Dark,
        };
        let (zoom_keys, current) = ctx.options(|o| (o.zoom_with_keyboard, o.theme_preference));
        if zoom_keys || current != wanted {
            ctx.options_mut(|o| {
                o.zoom_with_keyboard = false;
                o.theme_preference = wanted;
            });
        }
    }

    /// Installs the bundled emoji font (op-eds quote posts: every emoji must show a glyph).
    fn install_fonts(&mut self, ctx: &egui::Context) {
        if std::mem::replace(&mut self.fonts_installed, true) {
            return;
        }
        let font =
            egui::FontData::from_static(include_bytes!("../../assets/fonts/NotoEmoji-Regular.ttf"));
        let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| egui::epaint::text::InsertFontFamily {
                family,
                priority: egui::epaint::text::FontPriority::Lowest,
            })
            .collect();
        ctx.add_font(egui::epaint::text::FontInsert::new(
            "NotoEmoji-Regular-full",
            font,
            families,
        ));
    }

    /// Draws the glyphs of the reader's and the panels' font sizes into the font atlas, a part
    /// of one size a frame while the window waits for a project being opened: drawing a glyph
    /// the first time is most of the frame that first shows an article (half of its 13 ms for
    /// a large one). Each character is laid out at several offsets, as glyphs are kept per
    /// quarter pixel.
    fn warm_glyphs(&mut self, ctx: &egui::Context) {
        const CHARACTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"()[]-/&%*#§–—‘’“”…€$@+=<>_";
        let text_size = self.prefs.text_size;
        let sizes = [
            text_size,
            text_size * super::reader::HEADING_SCALE,
            egui::TextStyle::Body.resolve(&ctx.global_style()).size,
            egui::TextStyle::Small.resolve(&ctx.global_style()).size,
        ];
        // An eighth of the characters of one size a frame: a millisecond or two each.
        const PARTS: usize = 8;
        let Some(&size) = sizes.get(self.glyphs_warmed / PARTS) else {
            return;
        };
        let part = self.glyphs_warmed % PARTS;
        self.glyphs_warmed += 1;
        let mut text = String::with_capacity(CHARACTERS.len() * 4);
        for c in CHARACTERS.chars().skip(part).step_by(PARTS) {
            for _ in 0..5 {
                text.push(c);
                text.push('i');
            }
            text.push('\n');
        }
        ctx.fonts_mut(|fonts| {
            fonts.layout_no_wrap(text, egui::FontId::proportional(size), egui::Color32::WHITE)
        });
        ctx.request_repaint();
    }

    /// Draws one frame into `ui` (the whole window). Used by eframe and by the UI tests.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.now = ui.input(|i| i.time);
        // The very first frame installs the fonts; the next ones draw their glyphs while a
        // project is read.
        if self.fonts_installed && self.session.blocking_job().is_some() {
            self.warm_glyphs(&ctx);
        }
        self.install_fonts(&ctx);
        self.apply_look(&ctx);
        let events = self.session.poll();
        self.handle_events(events);
        let mut commands = self.draw(ui);
        commands.extend(dropped_files(&ctx));
        if !commands.is_empty() {
            // Draw again at once (this pass is not shown), so what a command changed is on
            // screen in this very frame; the second pass gets no input, so nothing runs twice.
            ctx.request_discard("a command changed the state");
        }
        for command in commands {
            self.execute(command);
        }
        self.follow_caret_to_unit();
        if let Some(text) = self.copied.take() {
            ctx.copy_text(text);
        }
        self.save_chart_from_screenshot(&ctx);
        self.update_key_area(&ctx);
        self.focused_last_frame = ctx.memory(|m| m.focused().is_some());
        if let Some(wait) = self.session.autosave_tick(self.now) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
        // A project folder: files others changed (a git pull, a synced folder) come in.
        if let Some(wait) = self.session.watch_tick(self.now) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
        if !self.session.jobs().is_empty() {
            ctx.request_repaint_after(JOB_REPAINT);
        }
    }

    /// Draws every part of the window; returns what they asked for, in drawing order.
    fn draw(&mut self, ui: &mut Ui) -> Vec<Command> {
        let ctx = ui.ctx().clone();
        let blocking = self.session.blocking_job();
        let mut commands = Vec::new();
        if self.ui.modal.is_none() && blocking.is_none() {
            commands.extend(self.escape_closes_window(&ctx));
            commands.extend(
                self.keymap
                    .commands(&ctx, self.focused_last_frame, self.ui.key_area),
            );
        }
        // Units coded in the article shown: worked out again only when the project or the
        // article changes, not every frame.
        let article = self.ui.focus.article;
        let revision = self.session.workspace().revision();
        if self.ui.unit_progress.as_ref().map(|(a, r, _)| (*a, *r)) != Some((article, revision)) {
            let me = self.session.analyst().id;
            let progress = article
                .and_then(|id| super::execute::unit_progress(self.session.project(), id, &me));
            self.ui.unit_progress = Some((article, revision, progress));
        }
        let view = View {
            session: &self.session,
            prefs: &self.prefs,
            unit_progress: self.ui.unit_progress.as_ref().and_then(|(_, _, p)| *p),
            focus: &self.ui.focus,
            selection: self.ui.reader.selection(),
            now: self.now,
            pending: self
                .ui
                .windows
                .suggest
                .as_mut()
                .map(|s| s.marks())
                .unwrap_or_default(),
            key_area: self.ui.key_area,
            hidden_analysts: self
                .ui
                .focus
                .layers
                .hidden_in(self.session.project(), &self.session.analyst().id),
        };
        let width = ui.available_width();
        egui::Panel::top("menu_bar").show(ui, |ui| {
            commands.extend(menu_bar_ui(ui, &view, self.ui.panels));
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            commands.extend(status_bar_ui(ui, &view, &self.notices));
        });
        // Tool windows stay between the menu bar and the status bar.
        super::windows::set_tool_area(&ctx, ui.available_rect_before_wrap());
        egui::Panel::left("articles")
            .resizable(true)
            .default_size(
                (width * ARTICLES_SHARE).clamp(PANEL_MIN_WIDTH, articles_panel::DEFAULT_WIDTH),
            )
            .size_range(PANEL_MIN_WIDTH..=panel_max(width, 0.4))
            .show_collapsible(ui, &mut self.ui.panels.articles, |ui| {
                self.ui.articles_rect = Some(ui.max_rect());
                commands.extend(articles_panel_ui(ui, &view, &mut self.ui.articles));
            });
        egui::Panel::right("annotations")
            .resizable(true)
            .default_size(
                (width * ANNOTATIONS_SHARE)
                    .clamp(PANEL_MIN_WIDTH, annotations_panel::DEFAULT_WIDTH),
            )
            .size_range(PANEL_MIN_WIDTH..=panel_max(width, 0.6))
            .show_collapsible(ui, &mut self.ui.panels.annotations, |ui| {
                commands.extend(annotations_panel_ui(ui, &view, &mut self.ui.annotations));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let article = view
                .focus
                .article
                .and_then(|id| view.project().articles.iter().find(|a| a.id == id));
            match article {
                Some(article) => {
                    commands.extend(self.ui.reader.reader_ui(ui, &view, article));
                }
                None => commands.extend(empty_reader_ui(ui)),
            }
        });
        commands.extend(windows_ui(
            &ctx,
            &view,
            &mut self.ui.windows,
            &self.notices,
            &self.keymap,
        ));
        commands.extend(modal_ui(&ctx, &view, &mut self.ui.modal));
        if let Some(job) = &blocking {
            commands.extend(progress_ui(&ctx, job));
        }
        commands
    }

    /// Gives the keys to the part of the window the analyst clicked in this frame: the review
    /// list or the table when their window was clicked, the articles list when its panel was,
    /// the reader otherwise. A list whose window closed gives them back to the reader.
    /// Esc closes the tool window that has the keyboard, else the one clicked last (unless a
    /// menu is open: Esc closes that first); the key is then taken, so it does nothing else.
    fn escape_closes_window(&mut self, ctx: &egui::Context) -> Option<Command> {
        use super::windows::ToolWindow;
        if !ctx.input(|i| i.key_pressed(egui::Key::Escape)) || egui::Popup::is_any_open(ctx) {
            return None;
        }
        let windows = &self.ui.windows;
        let with_keyboard = ctx
            .memory(|m| m.focused())
            .and_then(|id| ctx.read_response(id))
            .and_then(|r| ToolWindow::in_layer(windows, r.layer_id));
        let window = with_keyboard.or(self.ui.last_window.filter(|w| windows.is_open(*w)))?;
        ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        Some(Command::CloseWindow(window))
    }

    fn update_key_area(&mut self, ctx: &egui::Context) {
        use crate::ui::command::KeyScope;
        let windows = &self.ui.windows;
        let suggest_layer = windows.suggest.as_ref().and_then(|s| s.layer);
        let table_layer = windows.table.as_ref().and_then(|t| t.layer);
        let pressed = ctx.input(|i| {
            i.pointer
                .any_pressed()
                .then(|| i.pointer.interact_pos())
                .flatten()
        });
        if let Some(pos) = pressed {
            let layer = ctx.layer_id_at(pos);
            match layer {
                Some(l) if l.order == egui::Order::Middle => {
                    self.ui.last_window = super::windows::ToolWindow::in_layer(windows, l);
                }
                Some(l) if l.order == egui::Order::Background => self.ui.last_window = None,
                _ => {}
            }
            // A popup (a menu, a combo box's list) belongs to what opened it: no change.
            let popup = layer.is_some_and(|l| {
                matches!(
                    l.order,
                    egui::Order::Foreground | egui::Order::Tooltip | egui::Order::Debug
                )
            });
            self.ui.key_area = if popup {
                self.ui.key_area
            } else if layer.is_some() && layer == suggest_layer {
                KeyScope::ReviewList
            } else if layer.is_some() && layer == table_layer {
                KeyScope::Table
            } else if layer.is_some_and(|l| l.order == egui::Order::Background)
                && self.ui.articles_rect.is_some_and(|r| r.contains(pos))
                && self.ui.panels.articles
            {
                KeyScope::ArticleList
            } else if self.ui.focus.unit.is_some() {
                KeyScope::Units
            } else {
                KeyScope::Reader
            };
        }
        let gone = match self.ui.key_area {
            KeyScope::ReviewList => windows.suggest.is_none(),
            KeyScope::Table => windows.table.is_none(),
            KeyScope::ArticleList => !self.ui.panels.articles,
            KeyScope::Units => self.ui.focus.unit.is_none(),
            KeyScope::Global | KeyScope::Reader => false,
        };
        if gone {
            self.ui.key_area = KeyScope::Reader;
        }
    }

    /// Coding unit by unit, a click in the text makes the unit there current.
    fn follow_caret_to_unit(&mut self) {
        if self.ui.focus.unit.is_none() {
            return;
        }
        let caret = self
            .ui
            .reader
            .selection()
            .map(|s| s.start)
            .or(self.ui.reader.caret());
        if caret.is_some()
            && caret != self.ui.unit_caret
            && let Some(article) = self.ui.focus.article
            && let Some(a) = self.session.project().article(article)
            && let Some(i) = caret.and_then(|c| crate::core::units::unit_at(&a.units, c))
        {
            self.ui.focus.unit = Some(i);
        }
        self.ui.unit_caret = caret;
    }

    /// The part of the window that has the keys (tests).
    pub fn key_area(&self) -> crate::ui::command::KeyScope {
        self.ui.key_area
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let name = self.session.path().and_then(|p| p.file_name()).map_or_else(
            || self.session.project().name.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        let title = format!(
            "{}{} — stancemark",
            if self.session.is_dirty() { "● " } else { "" },
            name
        );
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }

    /// Saves the statistics chart to the file chosen for it: asks for a screenshot of the
    /// window, crops it to the chart and writes the PNG on a worker thread, then reports.
    fn save_chart_from_screenshot(&mut self, ctx: &egui::Context) {
        if let Some((_, ChartShot::Wait(frames))) = &mut self.chart_to_save
            && *frames > 0
        {
            // The file window that asked for the name is still in this frame's picture (with
            // the dimmed backdrop of a modal); the screenshot waits until it is gone.
            *frames -= 1;
            ctx.request_repaint();
            return;
        }
        if let Some((path, shot)) = &mut self.chart_to_save
            && *shot != ChartShot::Asked
        {
            *shot = ChartShot::Asked;
            let rect = self
                .ui
                .windows
                .statistics
                .as_ref()
                .and_then(|s| s.chart_rect);
            let Some(rect) = rect else {
                self.chart_to_save = None;
                self.notify(
                    Severity::Warning,
                    "Open the statistics window to save its chart",
                );
                return;
            };
            let (tx, rx) = std::sync::mpsc::channel();
            self.chart_saved = Some(rx);
            let path = path.clone();
            let ppp = ctx.pixels_per_point();
            let background = ctx.global_style().visuals.window_fill;
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                std::thread::spawn(move || {
                    let written = super::windows::png_of(&image, rect, ppp, background)
                        .map_err(|e| e.to_string())
                        .and_then(|bytes| {
                            crate::session::files::write_file(&path, &bytes)
                                .map_err(|e| e.to_string())
                        })
                        .map(|_| path.clone())
                        .map_err(|e| (path, e));
                    let _ = tx.send(written);
                    repaint.request_repaint();
                });
            });
        }
        let Some(rx) = &self.chart_saved else { return };
        let Ok(written) = rx.try_recv() else { return };
        self.chart_saved = None;
        self.chart_to_save = None;
        match written {
            Ok(path) => self.notify(
                Severity::Info,
                format!("Saved the chart to {}", path.display()),
            ),
            Err((path, e)) => self.notify(
                Severity::Error,
                format!("Could not save the chart to {}: {e}", path.display()),
            ),
        }
    }

    /// Records a notice.
    pub(super) fn notify(&mut self, severity: Severity, title: impl Into<String>) {
        self.notices.post(severity, title, self.now);
    }

    /// Writes the preferences file; a failure is a notice, never a stop.
    pub(super) fn save_prefs(&mut self) {
        if let Some(path) = &self.options.prefs_path
            && let Err(e) = crate::session::files::save_preferences(&self.prefs, path)
        {
            let message = format!("Could not save preferences: {e}");
            self.notify(Severity::Warning, message);
        }
    }

    /// Drops the autosave of this project (after Discard).
    pub(super) fn discard_autosave(&mut self) {
        if let Err(e) = self.session.discard_own_recovery() {
            self.notify(
                Severity::Warning,
                format!("Could not move the autosave aside: {e}"),
            );
        }
    }
}

/// Files dropped on the window this frame, as one command; while files are dragged over the
/// window, a hint says what dropping them does.
fn dropped_files(ctx: &egui::Context) -> Option<Command> {
    let (hovering, dropped) = ctx.input(|i| {
        let dropped: Vec<PathBuf> = i
            .raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        (!i.raw.hovered_files.is_empty(), dropped)
    });
    if hovering {
        let screen = ctx.content_rect();
        egui::Area::new(egui::Id::unique("drop_hint"))
            .order(egui::Order::Foreground)
            .fixed_pos(screen.center() - egui::vec2(190.0, 30.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.heading("Drop to add");
                    ui.label("Articles are added; a project opens; annotation files are imported.");
                });
            });
    }
    (!dropped.is_empty()).then_some(Command::DropFiles(dropped))
}

/// The widest a side panel may be in a window `width` wide, given its `share` of the room
/// the reader leaves.
fn panel_max(width: f32, share: f32) -> f32 {
    ((width - MIN_READER_WIDTH) * share).max(PANEL_MIN_WIDTH)
}

/// The reader when no article is open.
fn empty_reader_ui(ui: &mut Ui) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        ui.heading("No article open");
        ui.label(
            "Add articles (web pages, PDF, Word, OpenDocument, text, Markdown), drop files here, \
             import annotations from another tool, or open a project.",
        );
        ui.add_space(8.0);
        for c in [
            Command::AddArticle,
            Command::ImportAnnotations,
            Command::OpenProject,
        ] {
            if ui.button(c.label()).on_hover_text(c.tooltip()).clicked() {
                commands.push(c);
            }
        }
    });
    commands
}

impl eframe::App for StancemarkApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.execute(Command::Quit);
        }
        self.show(ui);
        self.update_title(&ctx);
        if self.quit_requested {
            self.quit_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
