//! The stance map: a strip beside the reader showing the whole article — one lane per stance
//! with a tick at every annotation (in team view, when two or more analysts' layers are shown:
//! one lane per analyst, in their colour, and a lane where they disagree), a lane of find
//! matches and pending suggestions, and a box for the part in view. Click or drag to jump
//! there; hover a tick to read its passage.
//!
//! Ticks are placed by paragraph (its top and height in the reader's layout, and the share of
//! its characters before the offset), so the strip agrees with the scroll bar. Each lane is
//! gathered into pixel rows first, so a frame costs the same with 10 or 10,000 annotations.

use eframe::egui::{self, Color32, Pos2, Rect, Sense, Stroke, Ui};

use super::layout::Layout;
use crate::core::derived::Span;
use crate::core::model::{AnalystId, ArticleId, Project, StanceId, TextRange};
use crate::ui::widgets::stance_style;

/// Width of the strip, in points.
pub const MAP_WIDTH: f32 = 44.0;
/// Widest lane, in points.
const MAX_LANE: f32 = 9.0;
/// Width of the lane of find matches and suggestions, in points.
const MARK_LANE: f32 = 5.0;
/// A tick is at least this tall, in points, so one annotation in a long article shows.
const MIN_TICK: f32 = 2.0;
/// Colour of find-match ticks.
pub const FIND_TICK: Color32 = Color32::from_rgb(255, 170, 40);
/// Colour of the disagreement lane's ticks.
pub const DISAGREEMENT_TICK: Color32 = Color32::from_rgb(230, 60, 60);
/// Colour of pending-suggestion ticks.
pub const SUGGESTION_TICK: Color32 = Color32::from_rgb(190, 190, 190);

/// What the map draws.
pub struct MapInput<'a> {
    /// The project (stance colours and order).
    pub project: &'a Project,
    /// The reader's layout of the article.
    pub layout: &'a Layout,
    /// The article's annotations by position.
    pub spans: &'a [Span],
    /// Stances hidden by the filter.
    pub hidden: &'a std::collections::BTreeSet<StanceId>,
    /// Analysts whose layers are not shown.
    pub hidden_analysts: &'a std::collections::BTreeSet<AnalystId>,
    /// Where the shown analysts disagree (team view; empty otherwise).
    pub disagreements: &'a [TextRange],
    /// Find matches.
    pub find: &'a [TextRange],
    /// The article shown.
    pub article: ArticleId,
    /// Suggestions waiting for review (those of this article are marked).
    pub pending: &'a [(ArticleId, TextRange, StanceId)],
    /// The part of the content in view (content y, top and bottom).
    pub view: (f32, f32),
}

/// What happened on the map.
pub enum MapAction {
    /// Scroll so content y lands in the middle of the view.
    JumpTo(f32),
}

/// Content y of code-point `offset`, between its paragraph's top and bottom.
fn y_of(layout: &Layout, offset: usize) -> f32 {
    let paragraphs = &layout.paragraphs;
    if paragraphs.is_empty() {
        return 0.0;
    }
    let i = paragraphs.paragraph_at(offset);
    let p = paragraphs.paragraphs[i];
    let top = layout.top(i);
    let bottom = layout.top(i + 1).max(top);
    let share = if p.char_len == 0 {
        0.0
    } else {
        (offset.saturating_sub(p.char_start)) as f32 / p.char_len as f32
    };
    top + (bottom - top) * share.min(1.0)
}

/// Runs of pixel rows `[start, end)` covered by `ranges`, at `scale` points per layout point.
fn runs(
    height: usize,
    layout: &Layout,
    scale: f32,
    ranges: impl Iterator<Item = TextRange>,
) -> Vec<(u32, u32)> {
    let mut rows = vec![false; height];
    if height == 0 {
        return Vec::new();
    }
    for r in ranges {
        let top = (y_of(layout, r.start) * scale).floor().max(0.0) as usize;
        let bottom = (y_of(layout, r.end) * scale)
            .ceil()
            .max(top as f32 + MIN_TICK) as usize;
        for row in rows
            .iter_mut()
            .take(bottom.min(height))
            .skip(top.min(height - 1))
        {
            *row = true;
        }
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, on) in rows.iter().chain(std::iter::once(&false)).enumerate() {
        match (*on, start) {
            (true, None) => start = Some(i as u32),
            (false, Some(s)) => {
                out.push((s, i as u32));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// What the map's ticks were computed from; a change recomputes them.
#[derive(Debug, Clone, PartialEq)]
pub struct MapKey {
    /// The highlights' revision.
    pub spans_revision: Option<u64>,
    /// Hidden stances.
    pub hidden: Vec<StanceId>,
    /// Hidden layers.
    pub hidden_analysts: Vec<AnalystId>,
    /// The disagreement lane (how many stretches; `None` outside team view).
    pub disagreements: Option<usize>,
    /// Find matches (address and count: a new search is a new vector).
    pub find: (usize, usize),
    /// Pending suggestions (address and count).
    pub pending: (usize, usize),
    /// The strip's height in pixels and the number of paragraphs.
    pub size: (usize, usize),
}

/// The map's ticks as runs of pixel rows, kept between frames: most frames only move the box.
#[derive(Debug, Clone)]
pub struct MapCache {
    key: MapKey,
    /// The content height they were placed for.
    total: f32,
    lanes: Vec<(Color32, Vec<(u32, u32)>)>,
    pending: Vec<(u32, u32)>,
    find: Vec<(u32, u32)>,
}

/// A content height this close to the cached one (as a share) keeps the ticks: paragraphs
/// laid out while scrolling refine the height a little, which moves no tick by a pixel.
const HEIGHT_TOLERANCE: f32 = 0.004;

fn ticks(input: &MapInput<'_>, key: MapKey, total: f32) -> MapCache {
    let (height, _) = key.size;
    let scale = height as f32 / total;
    let shown = |span: &&Span| {
        !input.hidden.contains(&span.stance) && !input.hidden_analysts.contains(&span.analyst)
    };
    let team: Vec<_> = input
        .project
        .analysts
        .iter()
        .filter(|a| !input.hidden_analysts.contains(&a.id))
        .collect();
    let mut lanes: Vec<(Color32, Vec<(u32, u32)>)> = if key.disagreements.is_some() {
        // Team view: a lane per analyst shown, then where they disagree.
        team.iter()
            .map(|analyst| {
                let [r, g, b] = analyst.color.0;
                let ranges = input
                    .spans
                    .iter()
                    .filter(shown)
                    .filter(|span| span.analyst == analyst.id)
                    .map(|span| span.range);
                (
                    Color32::from_rgb(r, g, b),
                    runs(height, input.layout, scale, ranges),
                )
            })
            .collect()
    } else {
        input
            .project
            .stances
            .0
            .iter()
            .filter(|s| !input.hidden.contains(&s.id))
            .map(|s| {
                let color = stance_style(input.project, &s.id).1;
                let ranges = input
                    .spans
                    .iter()
                    .filter(shown)
                    .filter(|span| span.stance == s.id)
                    .map(|span| span.range);
                (color, runs(height, input.layout, scale, ranges))
            })
            .collect()
    };
    if key.disagreements.is_some() {
        lanes.push((
            DISAGREEMENT_TICK,
            runs(
                height,
                input.layout,
                scale,
                input.disagreements.iter().copied(),
            ),
        ));
    }
    MapCache {
        key,
        total,
        lanes,
        pending: runs(
            height,
            input.layout,
            scale,
            input
                .pending
                .iter()
                .filter(|(a, _, _)| *a == input.article)
                .map(|(_, r, _)| *r),
        ),
        find: runs(height, input.layout, scale, input.find.iter().copied()),
    }
}

fn paint_runs(ui: &Ui, rect: Rect, runs: &[(u32, u32)], x: (f32, f32), color: Color32) {
    for (a, b) in runs {
        let r = Rect::from_min_max(
            Pos2::new(x.0, rect.top() + *a as f32),
            Pos2::new(x.1, rect.top() + *b as f32),
        );
        ui.painter().rect_filled(r, 0.0, color);
    }
}

/// Draws the map in `rect` (ticks from `cache`, recomputed when `key` or the content height
/// changed); returns a jump when it was clicked or dragged.
pub fn stance_map_ui(
    ui: &mut Ui,
    rect: Rect,
    input: &MapInput<'_>,
    key: MapKey,
    cache: &mut Option<MapCache>,
) -> Option<MapAction> {
    let response = ui.interact(
        rect,
        ui.scope_id().with("stance_map"),
        Sense::click_and_drag(),
    );
    ui.painter()
        .rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let total = input.layout.height().max(1.0);
    let fresh = cache
        .as_ref()
        .is_some_and(|c| c.key == key && ((c.total - total).abs() / total) < HEIGHT_TOLERANCE);
    if cache.is_none() {
        // The first frame of an article already lays out its text: the ticks come in the next.
        *cache = Some(MapCache {
            key: MapKey {
                spans_revision: None,
                ..key
            },
            total,
            lanes: Vec::new(),
            pending: Vec::new(),
            find: Vec::new(),
        });
        ui.ctx().request_repaint();
    } else if !fresh {
        *cache = Some(ticks(input, key, total));
    }
    let ticks = cache.as_ref().expect("computed above");
    let scale = rect.height() / total;
    let lane = ((rect.width() - MARK_LANE - 3.0) / ticks.lanes.len().max(1) as f32).min(MAX_LANE);
    let mut x = rect.left() + 1.0;
    for (color, runs) in &ticks.lanes {
        paint_runs(ui, rect, runs, (x, x + lane - 1.0), *color);
        x += lane;
    }
    let marks_x = (rect.right() - MARK_LANE - 1.0, rect.right() - 1.0);
    paint_runs(ui, rect, &ticks.pending, marks_x, SUGGESTION_TICK);
    paint_runs(ui, rect, &ticks.find, marks_x, FIND_TICK);
    // The part in view.
    let view = Rect::from_min_max(
        Pos2::new(rect.left(), rect.top() + input.view.0 * scale),
        Pos2::new(
            rect.right(),
            rect.top() + (input.view.1 * scale).max(input.view.0 * scale + 4.0),
        ),
    )
    .intersect(rect);
    ui.painter().rect_stroke(
        view,
        2.0,
        Stroke::new(1.5, ui.visuals().strong_text_color().gamma_multiply(0.7)),
        egui::StrokeKind::Inside,
    );
    if let Some(pos) = response.hover_pos() {
        hover_passage(&response, rect, pos, input, scale);
    }
    let pressed = response.is_pointer_button_down_on() || response.clicked() || response.dragged();
    let pos = response.interact_pointer_pos().filter(|_| pressed)?;
    Some(MapAction::JumpTo(
        ((pos.y - rect.top()) / scale).clamp(0.0, total),
    ))
}

/// A tooltip with the passages whose ticks are under the pointer: annotations, then pending
/// suggestions (marked as such).
fn hover_passage(
    response: &egui::Response,
    rect: Rect,
    pos: Pos2,
    input: &MapInput<'_>,
    scale: f32,
) {
    let near = |r: TextRange| {
        let top = rect.top() + y_of(input.layout, r.start) * scale;
        let bottom = rect.top() + y_of(input.layout, r.end) * scale;
        pos.y >= top - 3.0 && pos.y <= bottom.max(top + MIN_TICK) + 3.0
    };
    let hits: Vec<&Span> = input
        .spans
        .iter()
        .filter(|s| {
            !input.hidden.contains(&s.stance)
                && !input.hidden_analysts.contains(&s.analyst)
                && near(s.range)
        })
        .take(3)
        .collect();
    let suggested: Vec<&(ArticleId, TextRange, StanceId)> = input
        .pending
        .iter()
        .filter(|(a, r, _)| *a == input.article && near(*r))
        .take(3)
        .collect();
    if hits.is_empty() && suggested.is_empty() {
        return;
    }
    response.clone().on_hover_ui_at_pointer(|ui| {
        ui.set_max_width(360.0);
        for s in hits {
            let (label, color) = stance_style(input.project, &s.stance);
            let quote = input
                .project
                .annotation(s.id)
                .map(|a| crate::core::text::snippet(&a.quote, 140))
                .unwrap_or_default();
            ui.horizontal_wrapped(|ui| {
                crate::ui::widgets::stance_chip(ui, &label, color);
                ui.label(quote);
            });
        }
        let text = input
            .project
            .article(input.article)
            .map(|a| a.text.as_str());
        let paragraphs = &input.layout.paragraphs;
        for (_, range, stance) in suggested {
            let (label, color) = stance_style(input.project, stance);
            // Read from the passage's paragraph on, not from the top of a long article.
            let quote = text
                .zip(
                    paragraphs
                        .paragraphs
                        .get(paragraphs.paragraph_at(range.start)),
                )
                .map(|(t, p)| {
                    let from = TextRange {
                        start: range.start - p.char_start,
                        end: range.end - p.char_start,
                    };
                    crate::core::text::snippet(
                        crate::core::text::slice_chars(&t[p.byte_start..], from),
                        140,
                    )
                })
                .unwrap_or_default();
            ui.horizontal_wrapped(|ui| {
                ui.weak("suggested");
                crate::ui::widgets::stance_chip(ui, &label, color);
                ui.label(quote);
            });
        }
    });
}
