//! The article reader: paragraph-by-paragraph layout of only what is in view, mouse selection,
//! and highlights drawn in stance colours.
//!
//! Invariants:
//! - the selection and every offset here are global code-point offsets into the article text;
//! - a paragraph's galley is cached (an `Arc`) per wrap width and text size, so a frame lays out
//!   at most the paragraphs that scrolled into view; paragraphs never seen have an estimated
//!   height, corrected once they are laid out;
//! - highlights are painted over the cached galleys from an interval index rebuilt only when the
//!   project's revision changes, so adding an annotation never re-lays out text.

use std::collections::HashSet;
use std::sync::Arc;

use eframe::egui::{
    self, Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, Ui, Vec2, epaint::text::CharIndex,
    text::CCursor, text::LayoutJob,
};

use crate::model::{Annotation, AnnotationId, Article, ArticleId, Project, StanceId, TextRange};
use crate::text::{Finder, ParagraphIndex};

/// Widest text column, in points: long lines are hard to read.
const MAX_COLUMN_WIDTH: f32 = 760.0;
/// How long a passage flashes after being picked in the annotation list, in seconds.
const FLASH_SECONDS: f64 = 1.6;

/// One annotation as the viewer needs it.
#[derive(Debug, Clone)]
struct Span {
    range: TextRange,
    id: AnnotationId,
    stance: StanceId,
    /// Nesting level: 0 for the outermost, so overlapping underlines stack instead of hiding.
    level: usize,
}

impl Span {
    fn of(a: &Annotation) -> Self {
        Span {
            range: a.range,
            id: a.id,
            stance: a.stance.clone(),
            level: 0,
        }
    }

    /// Sort order: by start, the longer (outer) span first, then by id (so it is total).
    fn order(&self) -> (usize, std::cmp::Reverse<usize>, AnnotationId) {
        (self.range.start, std::cmp::Reverse(self.range.end), self.id)
    }
}

/// Annotations of one article sorted by start, for range queries in O(log n + k).
#[derive(Debug, Default)]
struct SpanIndex {
    spans: Vec<Span>,
    /// Longest span length: a span starting before `start - max_len` cannot reach `start`.
    max_len: usize,
}

impl SpanIndex {
    fn build(project: &Project, article: ArticleId) -> Self {
        let mut spans: Vec<Span> = project
            .annotations
            .iter()
            .filter(|a| a.article == article && !a.orphaned)
            .map(|a| Span::of(a))
            .collect();
        spans.sort_by_key(Span::order);
        let mut index = Self { spans, max_len: 0 };
        index.assign_levels();
        index
    }

    /// Updates the index for annotations that changed (see
    /// [`crate::workspace::Workspace::annotation_changes_since`]).
    fn apply(&mut self, article: ArticleId, changes: &[crate::edit::AnnotationChange]) {
        crate::edit::apply_to_sorted(
            &mut self.spans,
            changes,
            |a| a.article == article && !a.orphaned,
            |a| Span::of(a),
            Span::order,
        );
        self.assign_levels();
    }

    /// Greedy interval colouring: each span takes the lowest level free at its start.
    fn assign_levels(&mut self) {
        let spans = &mut self.spans;
        let mut level_ends: Vec<usize> = Vec::new();
        for span in spans.iter_mut() {
            let level = level_ends
                .iter()
                .position(|end| *end <= span.range.start)
                .unwrap_or(level_ends.len());
            if level == level_ends.len() {
                level_ends.push(span.range.end);
            } else {
                level_ends[level] = span.range.end;
            }
            span.level = level;
        }
        self.max_len = spans.iter().map(|s| s.range.len()).max().unwrap_or(0);
    }

    /// Spans overlapping `[start, end)`.
    fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = &Span> {
        let first = self
            .spans
            .partition_point(|s| s.range.start + self.max_len <= start);
        self.spans[first..]
            .iter()
            .take_while(move |s| s.range.start < end)
            .filter(move |s| s.range.end > start)
    }
}

/// What a click or key in the reader asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewEvent {
    /// The analyst clicked a highlight: select its annotation.
    SelectAnnotation(AnnotationId),
    /// The analyst clicked plain text: drop the annotation selection.
    ClearAnnotationSelection,
    /// The analyst picked a stance in the floating toolbar for the current selection.
    TagSelection(StanceId),
}

/// Per-frame inputs the reader needs from the app.
pub struct ViewContext<'a> {
    /// The project (for stance colours and labels).
    pub project: &'a Project,
    /// The article to show.
    pub article: &'a Article,
    /// The workspace, to know when highlights must be re-indexed and what changed.
    pub workspace: &'a crate::workspace::Workspace,
    /// Stances whose highlights are hidden by the filter.
    pub hidden: &'a HashSet<StanceId>,
    /// The annotation being edited, drawn emphasised.
    pub selected: Option<AnnotationId>,
    /// Text size in points.
    pub text_size: f32,
}

/// Reader state for one article; rebuilt when another article is shown.
#[derive(Default)]
pub struct ArticleView {
    article: Option<ArticleId>,
    text_len: usize,
    index: ParagraphIndex,
    galleys: Vec<Option<Arc<Galley>>>,
    heights: Vec<f32>,
    /// `offsets[i]` is the top of paragraph `i` in content coordinates; one more entry at the end.
    offsets: Vec<f32>,
    layout_key: (f32, f32),
    spans: SpanIndex,
    spans_revision: Option<u64>,
    /// The current text selection as (anchor, head), code points.
    selection: Option<(usize, usize)>,
    dragging: bool,
    pending_scroll: Option<usize>,
    flash: Option<(AnnotationId, f64)>,
    /// Screen position of the content origin and column left edge in the last frame.
    last_origin: Pos2,
    /// Number of paragraphs laid out during the last frame (for tests and benchmarks).
    pub laid_out_last_frame: usize,
    finder: Option<Finder>,
    find: Option<FindState>,
    last_visible: (usize, usize),
}

/// The find bar: query, its matches in text order and the current one.
#[derive(Default)]
struct FindState {
    query: String,
    matches: Vec<TextRange>,
    current: usize,
    focus_field: bool,
}

impl ArticleView {
    /// The selected passage, if any and non-empty.
    pub fn selection(&self) -> Option<TextRange> {
        self.selection
            .map(|(a, h)| TextRange::ordered(a, h))
            .filter(|r| !r.is_empty())
    }

    /// Replaces the selection (e.g. after tagging it, to clear it).
    pub fn set_selection(&mut self, range: Option<TextRange>) {
        self.selection = range.map(|r| (r.start, r.end));
    }

    /// First and last paragraph drawn in the last frame, and the number of paragraphs
    /// (benchmarks scroll until the last one is in view).
    pub fn visible_paragraphs(&self) -> (usize, usize, usize) {
        (self.last_visible.0, self.last_visible.1, self.index.len())
    }

    /// Opens the find bar (Ctrl+F) with its field focused.
    pub fn open_find(&mut self) {
        let find = self.find.get_or_insert_with(FindState::default);
        find.focus_field = true;
    }

    /// Current find matches (for tests): the ranges and the index of the current one.
    pub fn find_matches(&self) -> Option<(&[TextRange], usize)> {
        self.find
            .as_ref()
            .map(|f| (f.matches.as_slice(), f.current))
    }

    /// Runs a find query over the article (what typing in the find bar does).
    pub fn set_find_query(&mut self, text: &str, query: &str, now: f64) {
        let finder = self.finder.get_or_insert_with(|| Finder::new(text));
        let matches = finder.find_all(query);
        let find = self.find.get_or_insert_with(FindState::default);
        find.query = query.to_owned();
        find.matches = matches;
        find.current = 0;
        if let Some(m) = find.matches.first().copied() {
            self.reveal(m.start, None, now);
        }
    }

    fn step_find(&mut self, forward: bool, now: f64) {
        let Some(find) = &mut self.find else { return };
        if find.matches.is_empty() {
            return;
        }
        let n = find.matches.len();
        find.current = if forward {
            (find.current + 1) % n
        } else {
            (find.current + n - 1) % n
        };
        let start = find.matches[find.current].start;
        self.reveal(start, None, now);
    }

    /// The find bar above the text; returns nothing, keeps its state in the view.
    fn find_bar(&mut self, ui: &mut Ui, text: &str) {
        let Some(find) = &mut self.find else { return };
        let now = ui.input(|i| i.time);
        let mut query = find.query.clone();
        let mut close = false;
        let mut step = None;
        ui.horizontal(|ui| {
            let label = ui.label("Find");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut query)
                        .desired_width(260.0)
                        .hint_text("word or phrase"),
                )
                .labelled_by(label.id);
            if find.focus_field {
                r.request_focus();
                find.focus_field = false;
            }
            if r.has_focus() || r.lost_focus() {
                ui.input(|i| {
                    if i.key_pressed(egui::Key::Enter) {
                        step = Some(!i.modifiers.shift);
                    }
                    if i.key_pressed(egui::Key::Escape) {
                        close = true;
                    }
                });
                if step.is_some() {
                    r.request_focus();
                }
            }
            let count = if find.query.is_empty() {
                String::new()
            } else if find.matches.is_empty() {
                "no matches".to_owned()
            } else {
                format!("{} of {}", find.current + 1, find.matches.len())
            };
            ui.weak(count);
            if ui.button("Previous").clicked() {
                step = Some(false);
            }
            if ui.button("Next").clicked() {
                step = Some(true);
            }
            if ui.button("Close").clicked() {
                close = true;
            }
        });
        if close {
            self.find = None;
            return;
        }
        if query != find.query {
            self.set_find_query(text, &query, now);
        } else if let Some(forward) = step {
            self.step_find(forward, now);
        }
    }
    /// Scrolls the passage starting at `offset` into view and flashes `annotation`.
    pub fn reveal(&mut self, offset: usize, annotation: Option<AnnotationId>, now: f64) {
        self.pending_scroll = Some(offset);
        self.flash = annotation.map(|id| (id, now));
    }

    /// Screen position of the boundary before code point `offset`, as laid out in the last
    /// frame (`None` when that paragraph was not on screen). Used by tests to drive the mouse.
    pub fn screen_pos_of(&self, offset: usize) -> Option<Pos2> {
        let i = self.index.paragraph_at(offset);
        let galley = self.galleys.get(i)?.as_ref()?;
        let p = self.index.paragraphs[i];
        let col = offset.saturating_sub(p.char_start).min(p.char_len);
        let r = galley.pos_from_cursor(CCursor::new(col));
        Some(self.last_origin + Vec2::new(r.min.x, self.offsets[i] + r.center().y))
    }

    fn prepare(&mut self, cx: &ViewContext<'_>) {
        let article = cx.article;
        if self.article != Some(article.id) || self.text_len != article.text.len() {
            *self = ArticleView {
                article: Some(article.id),
                text_len: article.text.len(),
                index: ParagraphIndex::new(&article.text),
                ..ArticleView::default()
            };
            let n = self.index.len();
            self.galleys = vec![None; n];
            self.heights = vec![0.0; n];
        }
        let revision = cx.workspace.revision();
        if self.spans_revision != Some(revision) {
            // Only the annotations that changed, when that is all that changed (adding one on
            // a long article costs O(log n), not a rebuild).
            match self
                .spans_revision
                .and_then(|r| cx.workspace.annotation_changes_since(r))
            {
                Some(changes) => self.spans.apply(article.id, &changes),
                None => self.spans = SpanIndex::build(cx.project, article.id),
            }
            self.spans_revision = Some(revision);
            if let Some((a, h)) = self.selection {
                let len = self.index.char_len();
                self.selection = Some((a.min(len), h.min(len)));
            }
        }
    }

    fn relayout_if_needed(&mut self, wrap_width: f32, text_size: f32) {
        if self.layout_key == (wrap_width, text_size)
            && self.offsets.len() == self.heights.len() + 1
        {
            return;
        }
        self.layout_key = (wrap_width, text_size);
        self.galleys.iter_mut().for_each(|g| *g = None);
        // Estimate: average glyph is about half the text size wide.
        let chars_per_row = (wrap_width / (text_size * 0.5)).max(1.0);
        let row = text_size * 1.45;
        for (h, p) in self.heights.iter_mut().zip(&self.index.paragraphs) {
            let rows = (p.char_len as f32 / chars_per_row).ceil().max(1.0);
            *h = paragraph_height(rows * row, p.char_len, text_size);
        }
        self.recompute_offsets();
    }

    fn recompute_offsets(&mut self) {
        self.offsets.clear();
        self.offsets.reserve(self.heights.len() + 1);
        let mut y = 0.0;
        for h in &self.heights {
            self.offsets.push(y);
            y += h;
        }
        self.offsets.push(y);
    }

    fn galley(
        &mut self,
        ui: &Ui,
        text: &str,
        i: usize,
        wrap_width: f32,
        text_size: f32,
    ) -> Arc<Galley> {
        if let Some(g) = &self.galleys[i] {
            return g.clone();
        }
        let p = self.index.paragraphs[i];
        let line = p.text(text);
        let heading = line.starts_with('#');
        let size = if heading { text_size * 1.2 } else { text_size };
        let mut job = LayoutJob::simple(
            line.to_owned(),
            FontId::proportional(size),
            if heading {
                ui.visuals().strong_text_color()
            } else {
                ui.visuals().text_color()
            },
            wrap_width,
        );
        job.sections[0].format.line_height = Some(size * 1.45);
        let galley = ui.painter().layout_job(job);
        self.galleys[i] = Some(galley.clone());
        self.laid_out_last_frame += 1;
        galley
    }

    /// Paragraph under content-space `y`.
    fn paragraph_at_y(&self, y: f32) -> usize {
        self.offsets
            .partition_point(|top| *top <= y)
            .saturating_sub(1)
            .min(self.index.len().saturating_sub(1))
    }

    /// Code point under a screen position (paragraph layout must exist, else its start).
    fn hit(&self, pos: Pos2) -> usize {
        let local = pos - self.last_origin;
        let i = self.paragraph_at_y(local.y);
        let p = self.index.paragraphs[i];
        match &self.galleys[i] {
            Some(g) => {
                let c = g.cursor_from_pos(Vec2::new(local.x, local.y - self.offsets[i]));
                p.char_start + c.index.0.min(p.char_len)
            }
            None if local.y < self.offsets[i] + self.heights[i] / 2.0 => p.char_start,
            None => p.char_end(),
        }
    }

    /// Draws the article and handles the mouse; returns what the app should do.
    pub fn show(&mut self, ui: &mut Ui, cx: &ViewContext<'_>) -> Vec<ViewEvent> {
        self.prepare(cx);
        self.laid_out_last_frame = 0;
        let mut events = Vec::new();
        let text = &cx.article.text;
        let text_size = cx.text_size;
        let avail = ui.available_width();
        let wrap_width = (avail - 48.0).clamp(120.0, MAX_COLUMN_WIDTH).round();
        let left_pad = ((avail - wrap_width) / 2.0).max(8.0).round();
        self.relayout_if_needed(wrap_width, text_size);
        self.find_bar(ui, text);

        let mut scroll = egui::ScrollArea::vertical()
            .id_salt(("article", cx.article.id))
            .auto_shrink(false);
        if let Some(offset) = self.pending_scroll.take() {
            let i = self.index.paragraph_at(offset);
            scroll = scroll.vertical_scroll_offset((self.offsets[i] - 120.0).max(0.0));
        }
        let now = ui.input(|i| i.time);
        scroll.show_viewport(ui, |ui, viewport| {
            let origin = ui.max_rect().min + Vec2::new(left_pad, 12.0);
            self.last_origin = origin;
            let total = *self.offsets.last().unwrap_or(&0.0) + 40.0;
            let content = Rect::from_min_size(ui.max_rect().min, Vec2::new(avail, total));
            let visible =
                Rect::from_min_size(ui.max_rect().min + viewport.min.to_vec2(), viewport.size());
            ui.allocate_rect(content, Sense::hover());
            let response =
                ui.interact(visible, ui.scope_id().with("text"), Sense::click_and_drag());

            // Lay out what is in view (plus a little margin), correcting estimated heights.
            let top = viewport.min.y - 12.0 - 200.0;
            let bottom = viewport.max.y + 200.0;
            let first = self.paragraph_at_y(top.max(0.0));
            let mut last = first;
            let mut heights_changed = false;
            let mut i = first;
            while i < self.index.len() && self.offsets[i] <= bottom {
                let g = self.galley(ui, text, i, wrap_width, text_size);
                let p = self.index.paragraphs[i];
                let h = paragraph_height(g.size().y, p.char_len, text_size);
                if (h - self.heights[i]).abs() > 0.5 {
                    self.heights[i] = h;
                    heights_changed = true;
                }
                last = i;
                i += 1;
            }
            if heights_changed {
                self.recompute_offsets();
                ui.ctx().request_repaint();
            }

            self.last_visible = (first, last);
            self.handle_pointer(ui, &response, cx, &mut events);
            self.paint(ui, cx, first..=last, now);
        });
        if let Some((_, started)) = self.flash {
            if now - started < FLASH_SECONDS {
                ui.ctx().request_repaint();
            } else {
                self.flash = None;
            }
        }
        if let Some(stance) = self.selection_toolbar(ui, cx) {
            events.push(ViewEvent::TagSelection(stance));
        }
        events
    }

    fn handle_pointer(
        &mut self,
        ui: &Ui,
        response: &egui::Response,
        cx: &ViewContext<'_>,
        events: &mut Vec<ViewEvent>,
    ) {
        let shift = ui.input(|i| i.modifiers.shift);
        if response.drag_started() {
            // Where the button went down, not where the pointer is once the drag is recognised.
            let origin = ui.input(|i| i.pointer.press_origin());
            if let Some(pos) = origin.or(response.interact_pointer_pos()) {
                let at = self.hit(pos);
                match (shift, self.selection) {
                    (true, Some((anchor, _))) => self.selection = Some((anchor, at)),
                    _ => self.selection = Some((at, at)),
                }
                self.dragging = true;
            }
        }
        if self.dragging
            && response.dragged()
            && let Some(pos) = ui.input(|i| i.pointer.interact_pos())
        {
            let at = self.hit(pos);
            if let Some((anchor, _)) = self.selection {
                self.selection = Some((anchor, at));
            }
            // Scroll when dragging past the edge of the view.
            let rect = response.rect;
            let dy = if pos.y < rect.top() + 20.0 {
                (rect.top() + 20.0 - pos.y).min(40.0)
            } else if pos.y > rect.bottom() - 20.0 {
                -(pos.y - rect.bottom() + 20.0).min(40.0)
            } else {
                0.0
            };
            if dy != 0.0 {
                ui.scroll_with_delta(Vec2::new(0.0, dy));
            }
        }
        if response.drag_stopped() {
            self.dragging = false;
        }
        if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos() {
                let word = self.index.word_at(&cx.article.text, self.hit(pos));
                self.selection = Some((word.start, word.end));
            }
        } else if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let at = self.hit(pos);
            if shift && let Some((anchor, _)) = self.selection {
                self.selection = Some((anchor, at));
                return;
            }
            self.selection = None;
            match self.innermost_at(at, cx.hidden) {
                Some(id) => events.push(ViewEvent::SelectAnnotation(id)),
                None => events.push(ViewEvent::ClearAnnotationSelection),
            }
        }
        if let Some(pos) = response.hover_pos()
            && !self.dragging
        {
            let at = self.hit(pos);
            let under: Vec<&Span> = self
                .spans
                .overlapping(at, at + 1)
                .filter(|s| !cx.hidden.contains(&s.stance))
                .collect();
            if !under.is_empty() {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                let ids: Vec<AnnotationId> = under.iter().map(|s| s.id).collect();
                egui::Tooltip::for_widget(response).at_pointer().show(|ui| {
                    for id in ids {
                        if let Some(a) = cx.project.annotation(id) {
                            let (label, color) = stance_style(cx.project, &a.stance);
                            ui.horizontal(|ui| {
                                stance_chip(ui, &label, color);
                                if a.note.is_empty() {
                                    ui.weak("(no note)");
                                } else {
                                    ui.label(crate::text::snippet(&a.note, 200));
                                }
                            });
                        }
                    }
                });
            } else {
                ui.ctx().set_cursor_icon(egui::CursorIcon::Text);
            }
        }
    }

    /// The shortest visible annotation containing code point `at`.
    fn innermost_at(&self, at: usize, hidden: &HashSet<StanceId>) -> Option<AnnotationId> {
        self.spans
            .overlapping(at, at + 1)
            .filter(|s| !hidden.contains(&s.stance))
            .min_by_key(|s| s.range.len())
            .map(|s| s.id)
    }

    fn paint(
        &self,
        ui: &Ui,
        cx: &ViewContext<'_>,
        visible: std::ops::RangeInclusive<usize>,
        now: f64,
    ) {
        let painter = ui.painter();
        let selection = self.selection();
        let sel_color = ui.visuals().selection.bg_fill;
        for i in visible {
            let Some(galley) = &self.galleys[i] else {
                continue;
            };
            let p = self.index.paragraphs[i];
            let para_origin = self.last_origin + Vec2::new(0.0, self.offsets[i]);
            let (ps, pe) = (p.char_start, p.char_end());
            let mut underlines = Vec::new();
            for span in self.spans.overlapping(ps, pe.max(ps + 1)) {
                if cx.hidden.contains(&span.stance) {
                    continue;
                }
                let (_, color) = stance_style(cx.project, &span.stance);
                let is_selected = cx.selected == Some(span.id);
                let alpha = if is_selected { 120 } else { 56 };
                let fill = Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), alpha);
                let a = span.range.start.max(ps) - ps;
                let b = span.range.end.min(pe) - ps;
                for r in range_rects(galley, a, b) {
                    let r = r.translate(para_origin.to_vec2());
                    painter.rect_filled(r, 2.0, fill);
                    underlines.push((r, color, span.level));
                    if is_selected {
                        painter.rect_stroke(
                            r,
                            2.0,
                            Stroke::new(1.5, color),
                            egui::StrokeKind::Outside,
                        );
                    }
                    if let Some((id, started)) = self.flash
                        && id == span.id
                    {
                        let t = ((now - started) / FLASH_SECONDS).clamp(0.0, 1.0) as f32;
                        let pulse = (1.0 - t) * (0.5 + 0.5 * (t * 18.0).cos());
                        painter.rect_stroke(
                            r.expand(2.0),
                            3.0,
                            Stroke::new(3.0, color.gamma_multiply(pulse)),
                            egui::StrokeKind::Outside,
                        );
                    }
                }
            }
            if let Some(sel) = selection
                && sel.start < pe.max(ps + 1)
                && sel.end > ps
            {
                let a = sel.start.max(ps) - ps;
                let b = sel.end.min(pe) - ps;
                for r in range_rects(galley, a, b) {
                    painter.rect_filled(r.translate(para_origin.to_vec2()), 0.0, sel_color);
                }
            }
            painter.galley(para_origin, galley.clone(), ui.visuals().text_color());
            for (r, color, level) in underlines {
                let y = r.bottom() - 1.0 + level as f32 * 3.0;
                painter.line_segment(
                    [Pos2::new(r.left(), y), Pos2::new(r.right(), y)],
                    Stroke::new(2.0, color),
                );
            }
        }
    }

    /// The small toolbar under a finished selection: one button per stance.
    fn selection_toolbar(&self, ui: &Ui, cx: &ViewContext<'_>) -> Option<StanceId> {
        if self.dragging {
            return None;
        }
        let sel = self.selection()?;
        let anchor = self.screen_pos_of(sel.end)?;
        if !ui.clip_rect().contains(anchor) {
            return None;
        }
        let mut chosen = None;
        egui::Area::new(egui::Id::unique("selection_toolbar"))
            .order(egui::Order::Foreground)
            .fixed_pos(anchor + Vec2::new(-40.0, cx.text_size * 0.9))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.weak("Tag:");
                        for s in &cx.project.stances.0 {
                            let color = to_color(s.color);
                            let text = match s.hotkey {
                                Some(k) => format!("{k} {}", s.label),
                                None => s.label.clone(),
                            };
                            let button =
                                egui::Button::new(egui::RichText::new(text).color(Color32::WHITE))
                                    .fill(color.gamma_multiply(0.9));
                            if ui.add(button).on_hover_text(&s.description).clicked() {
                                chosen = Some(s.id.clone());
                            }
                        }
                    });
                });
            });
        chosen
    }
}

/// A paragraph's height including the gap after it; empty lines take only a small gap.
fn paragraph_height(galley_height: f32, char_len: usize, text_size: f32) -> f32 {
    if char_len == 0 {
        text_size * 0.6
    } else {
        galley_height + text_size * 0.7
    }
}

/// Rectangles (galley coordinates) covering chars `[a, b)` of a single-paragraph galley.
fn range_rects(galley: &Galley, a: usize, b: usize) -> Vec<Rect> {
    let mut rects = Vec::new();
    if b <= a {
        return rects;
    }
    let mut row_start = 0;
    for row in &galley.rows {
        let n = row.char_count_excluding_newline().0;
        let row_end = row_start + n;
        let s = a.max(row_start);
        let e = b.min(row_end);
        if s < e {
            let x0 = row.pos.x + row.x_offset(CharIndex(s - row_start));
            let x1 = row.pos.x + row.x_offset(CharIndex(e - row_start));
            let rr = row.rect();
            rects.push(Rect::from_min_max(
                Pos2::new(x0, rr.top()),
                Pos2::new(x1, rr.bottom()),
            ));
        }
        row_start = row_end + usize::from(row.ends_with_newline);
    }
    rects
}

/// egui colour of a model colour.
pub fn to_color(c: crate::model::Rgb) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgb(r, g, b)
}

/// Label and colour of a stance (grey for an unknown one).
pub fn stance_style(project: &Project, id: &StanceId) -> (String, Color32) {
    project.stances.get(id).map_or_else(
        || (id.to_string(), Color32::GRAY),
        |s| (s.label.clone(), to_color(s.color)),
    )
}

/// A small rounded label in the stance colour.
pub fn stance_chip(ui: &mut Ui, label: &str, color: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(color)
        .corner_radius(6.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(
                egui::RichText::new(label)
                    .color(Color32::WHITE)
                    .small()
                    .strong(),
            )
        })
        .inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, Article};

    fn project_with(ranges: &[(usize, usize)]) -> (Project, ArticleId) {
        let mut p = Project::new("t");
        let art = Article::new("a", &"x".repeat(100));
        let id = art.id;
        p.articles.push(art.into());
        for (s, e) in ranges {
            p.annotations.push(
                Annotation {
                    id: uuid::Uuid::new_v4(),
                    article: id,
                    range: TextRange { start: *s, end: *e },
                    quote: "x".repeat(e - s),
                    prefix: String::new(),
                    suffix: String::new(),
                    orphaned: false,
                    stance: StanceId::new("regulation"),
                    note: String::new(),
                    annotator: String::new(),
                    created: Default::default(),
                    modified: Default::default(),
                }
                .into(),
            );
        }
        (p, id)
    }

    #[test]
    fn span_index_updated_by_changes_equals_a_rebuild() {
        use crate::workspace::{SteppingClock, Workspace};
        let (p, id) = project_with(&[(0, 10), (5, 15), (20, 30), (2, 8), (40, 60)]);
        let mut ws = Workspace::new(p, None, Box::new(SteppingClock::default()));
        let mut index = SpanIndex::build(ws.project(), id);
        let mut revision = ws.revision();
        let key = |i: &SpanIndex| -> Vec<_> {
            i.spans.iter().map(|s| (s.range, s.id, s.level)).collect()
        };
        let stance = StanceId::new("security");
        let first = ws.project().annotations[0].id;
        type Step<'a> = Box<dyn Fn(&mut Workspace) + 'a>;
        let steps: Vec<Step> = vec![
            Box::new(|ws| {
                ws.add_annotation(id, TextRange { start: 3, end: 12 }, &stance, "")
                    .unwrap();
            }),
            Box::new(|ws| {
                ws.add_annotation(id, TextRange { start: 0, end: 10 }, &stance, "")
                    .unwrap();
            }),
            Box::new(move |ws| ws.delete_annotation(first).unwrap()),
            Box::new(|ws| {
                ws.undo();
            }),
            Box::new(|ws| {
                ws.undo();
            }),
            Box::new(|ws| {
                ws.redo();
            }),
        ];
        for step in &steps {
            step(&mut ws);
            let changes = ws
                .annotation_changes_since(revision)
                .expect("only annotations changed");
            index.apply(id, &changes);
            revision = ws.revision();
            assert_eq!(key(&index), key(&SpanIndex::build(ws.project(), id)));
        }
        // Two steps at once, as when frames are skipped.
        let before = ws.revision();
        ws.add_annotation(id, TextRange { start: 50, end: 55 }, &stance, "")
            .unwrap();
        ws.undo();
        index.apply(id, &ws.annotation_changes_since(before).unwrap());
        assert_eq!(key(&index), key(&SpanIndex::build(ws.project(), id)));
    }

    #[test]
    fn span_index_finds_exactly_the_overlapping_spans_and_stacks_levels() {
        let (p, id) = project_with(&[(0, 50), (10, 20), (15, 30), (60, 70), (40, 45)]);
        let idx = SpanIndex::build(&p, id);
        let found = |a, b| {
            let mut v: Vec<_> = idx
                .overlapping(a, b)
                .map(|s| (s.range.start, s.range.end))
                .collect();
            v.sort();
            v
        };
        assert_eq!(found(18, 19), vec![(0, 50), (10, 20), (15, 30)]);
        assert_eq!(found(50, 60), Vec::<(usize, usize)>::new());
        assert_eq!(found(55, 65), vec![(60, 70)]);
        assert_eq!(found(44, 46), vec![(0, 50), (40, 45)]);
        let levels: Vec<_> = idx.spans.iter().map(|s| (s.range.start, s.level)).collect();
        assert_eq!(levels, vec![(0, 0), (10, 1), (15, 2), (40, 1), (60, 0)]);
    }
}
