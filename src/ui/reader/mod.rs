//! The article reader: paragraph-by-paragraph layout of only what is in view, mouse selection,
//! highlights in stance colours, find, and the stance toolbar under a selection.
//!
//! Invariants:
//! - the selection and every offset here are global code-point offsets into the article text;
//! - the layout, find index and highlights belong to the article text they were built from:
//!   any change of the text (even one that keeps its length) rebuilds them;
//! - highlights follow the project through the workspace's change journal, so adding an
//!   annotation never lays out text again.

mod find;
mod layout;
pub(crate) use layout::HEADING_SCALE;
mod map;
mod paint;
mod pointer;
mod toolbar;

use std::sync::Arc;

use eframe::egui::{self, Pos2, Rect, Sense, Ui, Vec2};

use crate::core::derived::{ArticleDerived, SpanIndex};
use crate::core::model::{AnnotationId, Article, TextRange};
use crate::core::text::{CaretStep, OffsetIndex, ParagraphIndex};
use crate::core::workspace::Workspace;
use crate::ui::command::Command;
use crate::ui::state::View;
pub use find::options_ui;
use find::{FindAction, FindState};
use layout::Layout;
pub use map::{FIND_TICK, MAP_WIDTH, SUGGESTION_TICK};
pub use paint::{ANALYST_MARK_WIDTH, FIND_CURRENT_FILL, FIND_FILL, FLASH_SECONDS};

/// What the disagreements were found for: the project's revision, the article, the analysts
/// shown.
type Found = (
    u64,
    crate::core::model::ArticleId,
    Vec<crate::core::model::AnalystId>,
);
/// Horizontal room the column leaves for the scroll bar and margins, in points.
const COLUMN_MARGINS: f32 = 48.0;
/// Narrowest text column, in points.
const MIN_COLUMN_WIDTH: f32 = 120.0;
/// Space above the first paragraph, in points.
const TOP_PADDING: f32 = 12.0;
/// Space below the last paragraph, in points.
const BOTTOM_PADDING: f32 = 40.0;
/// Paragraphs this far (points) above and below the view are laid out too, so a small scroll
/// lays out nothing new.
const LAYOUT_MARGIN: f32 = 200.0;
/// Width of the keyboard caret, in points.
const CARET_WIDTH: f32 = 2.0;
/// A revealed passage lands this far (points) below the top of the view.
const REVEAL_OFFSET: f32 = 120.0;

/// Reader state for one article; reset when another article is shown.
#[derive(Default)]
pub struct ArticleView {
    article: Option<Arc<Article>>,
    layout: Layout,
    spans: SpanIndex,
    spans_revision: Option<u64>,
    /// The current text selection as (anchor, head), code points.
    selection: Option<(usize, usize)>,
    /// The annotation under the pointer when the context menu was opened.
    context_annotation: Option<AnnotationId>,
    dragging: bool,
    /// Where the drag started (before snapping to words).
    drag_anchor: usize,
    pending_scroll: Option<usize>,
    /// A jump from the stance map: the content y to bring to the middle of the view.
    pending_scroll_y: Option<f32>,
    /// The content in view in the last frame (layout y, top and bottom), for the stance map.
    last_view: (f32, f32),
    /// The stance map's rectangle in the last frame (tests click in it).
    last_map: Option<Rect>,
    /// The stance map's ticks, kept between frames.
    map_cache: Option<map::MapCache>,
    flash: Option<(AnnotationId, f64)>,
    /// Screen position of the content origin (column left edge) in the last frame.
    last_origin: Pos2,
    /// Offsets of the article text for find (built when the find bar first searches).
    finder: Option<OffsetIndex>,
    find: Option<FindState>,
    last_visible: (usize, usize),
    /// The visible part of the reader in the last frame, in screen coordinates.
    last_rect: Option<Rect>,
    /// The stance toolbar's size in the last frame (to keep it inside the reader).
    toolbar_size: Vec2,
    /// Where the shown analysts disagree (team view): the revision and analysts it was
    /// computed for, and the stretches in text order.
    disagreements: Option<(Found, Vec<TextRange>)>,
    /// Disagreements being worked out on a worker thread (a large article): what for.
    disagreements_job: Option<(Found, crate::core::jobs::Job<Vec<TextRange>>)>,
}

/// An article with at least this many annotations has its disagreements worked out on a
/// worker thread (5 ms for 10,000): the view shows the previous ones a frame or two longer.
const DISAGREEMENTS_ON_WORKER: usize = 2_000;

impl ArticleView {
    /// The selected passage without the white space (line breaks included) at its ends, if it
    /// holds any text. What is drawn selected, what the stance toolbar offers and what a stance
    /// key tags are all this one range: a drag that ends on a line break between paragraphs
    /// selects nothing.
    pub fn selection(&self) -> Option<TextRange> {
        let range = self
            .selection
            .map(|(a, h)| TextRange::ordered(a, h))
            .filter(|r| !r.is_empty())?;
        let Some(article) = &self.article else {
            return Some(range);
        };
        let offsets = &self.layout.paragraphs.offsets;
        if range.end > offsets.char_len() {
            return Some(range);
        }
        let slice = offsets.slice(&article.text, range);
        let lead = slice.chars().take_while(|c| c.is_whitespace()).count();
        if lead == range.len() {
            return None;
        }
        let trail = slice
            .chars()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count();
        Some(TextRange {
            start: range.start + lead,
            end: range.end - trail,
        })
    }

    /// Replaces the selection (e.g. after tagging it, to clear it).
    pub fn set_selection(&mut self, range: Option<TextRange>) {
        self.selection = range.map(|r| (r.start, r.end));
    }

    /// First and last paragraph drawn in the last frame, and the number of paragraphs
    /// (benchmarks scroll until the last one is in view).
    pub fn visible_paragraphs(&self) -> (usize, usize, usize) {
        (
            self.last_visible.0,
            self.last_visible.1,
            self.layout.paragraphs.len(),
        )
    }

    /// The visible part of the reader in the last frame (tests: what must stay inside it).
    pub fn reader_rect(&self) -> Rect {
        self.last_rect.unwrap_or(Rect::NOTHING)
    }

    /// Paragraphs laid out during the last frame (tests and benchmarks).
    pub fn laid_out_last_frame(&self) -> usize {
        self.layout.laid_out_last_frame
    }

    /// Moves the caret (or, with `extend`, the selection's moving end) by `step`. Without a
    /// caret yet, it starts at the first paragraph in view. The reader scrolls when the caret
    /// leaves the view.
    pub fn move_caret(
        &mut self,
        article: &Arc<Article>,
        step: CaretStep,
        forward: bool,
        extend: bool,
    ) {
        if self.article.as_ref().is_none_or(|a| a.id != article.id) {
            return;
        }
        let paragraphs = self.layout.paragraphs.clone();
        let (anchor, head) = self.selection.unwrap_or_else(|| {
            let first = paragraphs
                .paragraphs
                .get(self.last_visible.0)
                .map_or(0, |p| p.char_start);
            (first, first)
        });
        // A selection started from a caret begins at the text, not at the space or line
        // break next to it.
        let (anchor, head) = if extend && anchor == head {
            let start = skip_spaces(&article.text, &paragraphs, anchor, forward);
            (start, start)
        } else {
            (anchor, head)
        };
        let moved = paragraphs.step_caret(&article.text, head, step, forward);
        self.selection = Some(if extend {
            (anchor, moved)
        } else {
            (moved, moved)
        });
        let i = paragraphs.paragraph_at(moved);
        if i < self.last_visible.0 || i >= self.last_visible.1 {
            self.pending_scroll = Some(moved);
        }
    }

    /// The caret, when the selection is empty (keyboard coding).
    pub fn caret(&self) -> Option<usize> {
        self.selection.filter(|(a, h)| a == h).map(|(_, h)| h)
    }

    /// Recomputes where the shown analysts disagree when the project or the layers shown
    /// changed; nothing outside team view. Only analysts who coded the article (marked it
    /// coded or annotated it) take part: "not read yet" is not a disagreement, as in agreement.
    fn update_disagreements(
        &mut self,
        ctx: &egui::Context,
        view: &View<'_>,
        article: crate::core::model::ArticleId,
    ) {
        if !view.team_view() {
            self.disagreements = None;
            return;
        }
        let shown: Vec<crate::core::model::AnalystId> = view
            .project()
            .analysts
            .iter()
            .map(|a| a.id.clone())
            .filter(|id| !view.hidden_analysts.contains(id))
            .filter(|id| view.project().counts_on(article, id))
            .collect();
        let ws = view.session.workspace();
        let revision = ws.revision();
        if let Some(((r, a, who), _)) = &mut self.disagreements
            && *a == article
            && *who == shown
            // Unchanged, or only other articles' annotations arrived.
            && ws
                .annotation_changes_in(*r, article)
                .is_some_and(|changes| changes.is_empty())
        {
            *r = revision;
            self.disagreements_job = None;
            return;
        }
        let wanted: Found = (revision, article, shown);
        if let Some((found, job)) = &mut self.disagreements_job {
            match job.poll() {
                crate::core::jobs::Polled::Running if *found == wanted => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(10));
                    return;
                }
                crate::core::jobs::Polled::Finished(ranges) if *found == wanted => {
                    self.disagreements = Some((wanted, ranges));
                    self.disagreements_job = None;
                    return;
                }
                _ => self.disagreements_job = None,
            }
        }
        let project = view.project();
        if project.annotations.count_in_article(article) < DISAGREEMENTS_ON_WORKER {
            let ranges = crate::core::curation::disagreement_ranges(project, article, &wanted.2);
            self.disagreements = Some((wanted, ranges));
            return;
        }
        // The previous stretches stay shown (and a new article shows none) until these come.
        if self
            .disagreements
            .as_ref()
            .is_some_and(|((_, a, _), _)| *a != article)
        {
            self.disagreements = None;
        }
        let (project, who) = (project.clone(), wanted.2.clone());
        let job = crate::core::jobs::Job::spawn(
            crate::core::jobs::JobKind::Statistics,
            "disagreements",
            move |_| crate::core::curation::disagreement_ranges(&project, article, &who),
        );
        self.disagreements_job = Some((wanted, job));
        ctx.request_repaint_after(std::time::Duration::from_millis(10));
    }

    /// The next (or previous) place where the shown analysts disagree, after (before) the
    /// selection or caret; the first (last) when there is none.
    pub fn neighbour_disagreement(&self, forward: bool) -> Option<TextRange> {
        let (_, ranges) = self.disagreements.as_ref()?;
        let at = self.selection.map(|(a, h)| TextRange::ordered(a, h));
        if forward {
            ranges
                .iter()
                .find(|r| at.is_none_or(|at| r.start > at.start))
                .copied()
        } else {
            ranges
                .iter()
                .rev()
                .find(|r| at.is_none_or(|at| r.start < at.start))
                .copied()
        }
    }

    /// True while the disagreements are being worked out on a worker thread.
    pub fn is_working(&self) -> bool {
        self.disagreements_job.is_some()
    }

    /// Where the shown analysts disagree, in text order (tests).
    pub fn disagreements(&self) -> &[TextRange] {
        self.disagreements
            .as_ref()
            .map_or(&[], |(_, r)| r.as_slice())
    }

    /// Opens the find bar (Ctrl+F) with its field focused.
    pub fn open_find(&mut self) {
        match &mut self.find {
            Some(find) => find.focus(),
            None => self.find = Some(FindState::focused()),
        }
    }

    /// Current find matches (for tests): the ranges and the index of the current one.
    pub fn find_matches(&self) -> Option<(&[TextRange], usize)> {
        self.find
            .as_ref()
            .map(|f| (f.matches.as_slice(), f.current))
    }

    /// Scrolls the passage starting at `offset` into view and flashes `annotation`.
    pub fn reveal(&mut self, offset: usize, annotation: Option<AnnotationId>, now: f64) {
        self.pending_scroll = Some(offset);
        self.flash = annotation.map(|id| (id, now));
    }

    /// Screen position of the boundary before code point `offset`, as laid out in the last
    /// frame (`None` when that paragraph was not on screen). Used by tests to drive the mouse.
    pub fn screen_pos_of(&self, offset: usize) -> Option<Pos2> {
        self.layout.pos_of(self.last_origin, offset)
    }

    /// Takes what a worker thread derived for this article when the project opened.
    pub fn adopt(&mut self, derived: ArticleDerived, revision: u64) {
        let id = derived.article.id;
        *self = ArticleView {
            layout: Layout::new(derived.paragraphs),
            article: Some(derived.article),
            spans: derived.spans,
            spans_revision: Some(revision),
            // Used when the layers shown are the ones it was made for (else made again).
            disagreements: derived
                .disagreements
                .map(|(who, ranges)| ((revision, id, who), ranges)),
            ..ArticleView::default()
        };
    }

    /// Brings layout, find and highlights up to date with `article` as the project now has it.
    fn prepare(&mut self, article: &Arc<Article>, ws: &Workspace) {
        let same_text = match &self.article {
            Some(shown) if shown.id == article.id => {
                Arc::ptr_eq(shown, article) || shown.text == article.text
            }
            Some(_) => {
                *self = ArticleView::default();
                false
            }
            None => false,
        };
        if !same_text {
            self.layout = Layout::new(Arc::new(ParagraphIndex::new(&article.text)));
            self.finder = None;
            self.spans_revision = None;
            let len = self.layout.paragraphs.char_len();
            self.selection = self.selection.map(|(a, h)| (a.min(len), h.min(len)));
            if let Some(find) = &mut self.find {
                let query = std::mem::take(&mut find.query);
                let index = self.finder.insert(OffsetIndex::new(&article.text));
                find.search(&article.text, index, &query);
            }
        }
        self.article = Some(article.clone());
        let revision = ws.revision();
        if self.spans_revision != Some(revision) {
            // Only the annotations that changed, when that is all that changed.
            match self
                .spans_revision
                .and_then(|r| ws.annotation_changes_in(r, article.id))
            {
                Some(changes) => self.spans.apply(article.id, &changes),
                None => self.spans = SpanIndex::build(ws.project(), article.id),
            }
            self.spans_revision = Some(revision);
        }
    }

    fn find_bar_ui(&mut self, ui: &mut Ui, text: &str, now: f64) {
        let Some(find) = &mut self.find else { return };
        let target = match find.bar_ui(ui) {
            FindAction::None => None,
            FindAction::Close => {
                self.find = None;
                return;
            }
            FindAction::Query(query) => {
                let index = self.finder.get_or_insert_with(|| OffsetIndex::new(text));
                find.search(text, index, &query);
                find.current_match()
            }
            FindAction::Step(forward) => find.step(forward),
        };
        if let Some(m) = target {
            self.reveal(m.start, None, now);
        }
    }

    /// Draws the article and handles the mouse; returns what the app should do.
    #[must_use]
    pub fn reader_ui(
        &mut self,
        ui: &mut Ui,
        view: &View<'_>,
        article: &Arc<Article>,
    ) -> Vec<Command> {
        self.prepare(article, view.session.workspace());
        self.update_disagreements(ui.ctx(), view, article.id);
        self.layout.laid_out_last_frame = 0;
        let now = view.now;
        let text = &article.text;
        if !view.session.workspace().is_article_loaded(article.id) {
            ui.horizontal(|ui| {
                crate::ui::widgets::busy(ui);
                ui.weak("This article's annotations are still loading: they appear in a moment, and tagging here waits for them.");
            });
        }
        self.find_bar_ui(ui, text, now);
        let full = ui.available_rect_before_wrap();
        let map_rect = Rect::from_min_max(
            Pos2::new(full.right() - MAP_WIDTH, full.top() + 4.0),
            Pos2::new(full.right() - 2.0, full.bottom() - 4.0),
        );
        let text_rect =
            Rect::from_min_max(full.min, Pos2::new(map_rect.left() - 4.0, full.bottom()));
        let mut commands = Vec::new();
        let mut reader_rect = text_rect;
        ui.scope_builder(egui::UiBuilder::new().max_rect(text_rect), |ui| {
            reader_rect = self.text_ui(ui, view, article, &mut commands);
        });
        self.last_rect = Some(reader_rect);
        self.map_ui(ui, view, article, map_rect);
        if let Some((_, started)) = self.flash {
            if now - started < FLASH_SECONDS {
                ui.ctx().request_repaint();
            } else {
                self.flash = None;
            }
        }
        commands.extend(self.toolbar_ui(ui, view, article.id, reader_rect));
        commands
    }

    /// The scrolled text; returns the visible part of it on screen.
    fn text_ui(
        &mut self,
        ui: &mut Ui,
        view: &View<'_>,
        article: &Arc<Article>,
        commands: &mut Vec<Command>,
    ) -> Rect {
        let now = view.now;
        let text = &article.text;
        let avail = ui.available_width();
        let wrap_width = (avail - COLUMN_MARGINS)
            .clamp(
                MIN_COLUMN_WIDTH,
                view.prefs.line_width.max(MIN_COLUMN_WIDTH),
            )
            .round();
        let left_pad = ((avail - wrap_width) / 2.0).max(8.0).round();
        self.layout
            .relayout_if_needed(wrap_width, view.prefs.text_size);
        self.layout.refresh_if_look_changed(ui);

        let mut scroll = egui::ScrollArea::vertical()
            .id_salt(("article", article.id))
            .auto_shrink(false);
        if let Some(offset) = self.pending_scroll.take() {
            let i = self.layout.paragraphs.paragraph_at(offset);
            scroll = scroll.vertical_scroll_offset((self.layout.top(i) - REVEAL_OFFSET).max(0.0));
        }
        if let Some(y) = self.pending_scroll_y.take() {
            let half = ui.available_height() / 2.0;
            scroll = scroll.vertical_scroll_offset((y + TOP_PADDING - half).max(0.0));
        }
        let mut reader_rect = ui.max_rect();
        scroll.show_viewport(ui, |ui, viewport| {
            let origin = ui.max_rect().min + Vec2::new(left_pad, TOP_PADDING);
            self.last_origin = origin;
            let total = self.layout.height() + BOTTOM_PADDING;
            let content = Rect::from_min_size(ui.max_rect().min, Vec2::new(avail, total));
            let visible =
                Rect::from_min_size(ui.max_rect().min + viewport.min.to_vec2(), viewport.size());
            reader_rect = visible;
            self.last_view = (viewport.min.y - TOP_PADDING, viewport.max.y - TOP_PADDING);
            ui.allocate_rect(content, Sense::hover());
            let response =
                ui.interact(visible, ui.scope_id().with("text"), Sense::click_and_drag());
            let top = viewport.min.y - TOP_PADDING - LAYOUT_MARGIN;
            let bottom = viewport.max.y + LAYOUT_MARGIN;
            let (first, last, heights_changed) = self.layout.lay_out_range(ui, text, top, bottom);
            self.layout.note_atlas_fill(ui);
            if heights_changed {
                ui.ctx().request_repaint();
            }
            self.last_visible = (first, last);
            commands.extend(self.pointer_ui(ui, &response, view, article));
            let me = view.session.analyst().id;
            let input = paint::PaintInput {
                project: view.project(),
                layout: &self.layout,
                spans: &self.spans,
                hidden: &view.focus.hidden,
                hidden_analysts: &view.hidden_analysts,
                analyst_marks: view.team_view(),
                selected: view.focus.annotation,
                flash: self.flash,
                selection: self.selection(),
                find: self.find_matches(),
                article,
                unit_coding: view.focus.unit.map(|u| (u, &me)),
                origin,
                now,
            };
            paint::paint_paragraphs(ui, &input, first..=last);
            if let Some(caret) = self.caret()
                && let Some(pos) = self.layout.pos_of(origin, caret)
            {
                let half = view.prefs.text_size * 0.6;
                ui.painter().line_segment(
                    [pos - Vec2::new(0.0, half), pos + Vec2::new(0.0, half)],
                    egui::Stroke::new(CARET_WIDTH, ui.visuals().strong_text_color()),
                );
            }
        });
        reader_rect
    }

    /// The stance map beside the text.
    fn map_ui(&mut self, ui: &mut Ui, view: &View<'_>, article: &Arc<Article>, rect: Rect) {
        self.last_map = Some(rect);
        let find = self.find.as_ref().map_or(&[][..], |f| f.matches.as_slice());
        let find_key = if find.is_empty() {
            (0, 0)
        } else {
            (find.as_ptr() as usize, find.len())
        };
        let key = map::MapKey {
            spans_revision: self.spans_revision,
            hidden: view.focus.hidden.iter().cloned().collect(),
            hidden_analysts: view.hidden_analysts.iter().cloned().collect(),
            disagreements: self.disagreements.as_ref().map(|(_, r)| r.len()),
            find: find_key,
            pending: if view.pending.is_empty() {
                (0, 0)
            } else {
                (Arc::as_ptr(&view.pending) as usize, view.pending.len())
            },
            size: (
                rect.height().max(0.0) as usize,
                self.layout.paragraphs.len(),
            ),
        };
        let input = map::MapInput {
            project: view.project(),
            layout: &self.layout,
            spans: self.spans.spans(),
            hidden: &view.focus.hidden,
            hidden_analysts: &view.hidden_analysts,
            disagreements: self
                .disagreements
                .as_ref()
                .map_or(&[][..], |(_, r)| r.as_slice()),
            find,
            article: article.id,
            pending: &view.pending,
            view: self.last_view,
        };
        let action = map::stance_map_ui(ui, rect, &input, key, &mut self.map_cache);
        self.last_map = Some(rect);
        if let Some(map::MapAction::JumpTo(y)) = action {
            self.pending_scroll_y = Some(y);
            ui.ctx().request_repaint();
        }
    }

    /// The stance map's rectangle in the last frame.
    pub fn map_rect(&self) -> Option<Rect> {
        self.last_map
    }

    /// The content in view in the last frame (layout y of its top and bottom).
    pub fn view_span(&self) -> (f32, f32) {
        self.last_view
    }
}

/// `offset` moved over white space (line breaks included) in the direction of travel.
fn skip_spaces(text: &str, paragraphs: &ParagraphIndex, offset: usize, forward: bool) -> usize {
    let byte = paragraphs.offsets.byte_of(text, offset);
    let moved = if forward {
        offset
            + text[byte..]
                .chars()
                .take_while(|c| c.is_whitespace())
                .count()
    } else {
        offset
            - text[..byte]
                .chars()
                .rev()
                .take_while(|c| c.is_whitespace())
                .count()
    };
    moved.min(paragraphs.char_len())
}
