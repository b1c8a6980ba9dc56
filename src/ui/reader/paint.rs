//! Painting the visible paragraphs: highlights in stance colours (filled and underlined,
//! overlapping ones stacking their underlines), find matches (the current one distinct), the
//! text selection, the flash of a passage picked in the list, and an article's coding units
//! (a faint tick where each begins; while coding unit by unit, the current unit outlined and
//! each unit's code after it).

use std::collections::BTreeSet;

use eframe::egui::{
    self, Color32, Galley, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2, epaint::text::CharIndex,
};

use super::layout::Layout;
use crate::core::derived::SpanIndex;
use crate::core::model::{AnalystId, AnnotationId, Article, Project, StanceId, TextRange};
use crate::ui::widgets::stance_style;

/// Opacity of a highlight's fill, and of the selected annotation's.
const HIGHLIGHT_ALPHA: u8 = 56;
const SELECTED_ALPHA: u8 = 120;
/// Underline thickness, and the step between stacked underlines.
const UNDERLINE_WIDTH: f32 = 2.0;
const UNDERLINE_STEP: f32 = 3.0;
/// Width of the bar in the analyst's colour at the start of a passage (team view).
pub const ANALYST_MARK_WIDTH: f32 = 2.5;
/// How long a passage flashes after being picked in the list, in seconds.
pub const FLASH_SECONDS: f64 = 1.6;
/// Find matches: all of them, and the current one.
pub const FIND_FILL: Color32 = Color32::from_rgba_premultiplied(120, 110, 0, 110);
/// The current find match's fill.
pub const FIND_CURRENT_FILL: Color32 = Color32::from_rgba_premultiplied(230, 120, 0, 200);
/// The current find match's outline.
pub const FIND_CURRENT_STROKE: Color32 = Color32::from_rgb(230, 120, 0);

/// Everything the painter needs for one frame.
pub struct PaintInput<'a> {
    /// The project (stance colours).
    pub project: &'a Project,
    /// The laid-out paragraphs.
    pub layout: &'a Layout,
    /// The highlights.
    pub spans: &'a SpanIndex,
    /// Stances hidden by the filter.
    pub hidden: &'a BTreeSet<StanceId>,
    /// Analysts whose layers are not shown.
    pub hidden_analysts: &'a BTreeSet<AnalystId>,
    /// Mark each passage with its analyst's colour (two or more layers shown).
    pub analyst_marks: bool,
    /// The annotation being edited (drawn emphasised).
    pub selected: Option<AnnotationId>,
    /// The annotation flashing, and since when.
    pub flash: Option<(AnnotationId, f64)>,
    /// The text selection.
    pub selection: Option<TextRange>,
    /// Find matches and the index of the current one.
    pub find: Option<(&'a [TextRange], usize)>,
    /// The article (its coding units).
    pub article: &'a Article,
    /// Coding unit by unit: the current unit, and whose codes to show.
    pub unit_coding: Option<(usize, &'a AnalystId)>,
    /// Screen position of the content's top-left corner.
    pub origin: Pos2,
    /// The frame time.
    pub now: f64,
}

/// Rectangles (galley coordinates) covering chars `[a, b)` of a single-paragraph galley.
pub fn range_rects(galley: &Galley, a: usize, b: usize) -> Vec<Rect> {
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

/// The part of `range` inside the paragraph `[ps, pe)`, in paragraph columns.
fn columns(range: TextRange, ps: usize, pe: usize) -> Option<(usize, usize)> {
    (range.start < pe.max(ps + 1) && range.end > ps)
        .then(|| (range.start.max(ps) - ps, range.end.min(pe) - ps))
}

/// Paints the find matches that fall in the paragraph `[ps, pe)`, the current one distinctly.
fn paint_find_matches(
    painter: &egui::Painter,
    galley: &Galley,
    para_origin: Vec2,
    (ps, pe): (usize, usize),
    matches: &[TextRange],
    current: usize,
) {
    let first = matches.partition_point(|m| m.end <= ps);
    for (k, m) in matches.iter().enumerate().skip(first) {
        if m.start > pe {
            break;
        }
        let Some((a, b)) = columns(*m, ps, pe) else {
            continue;
        };
        for r in range_rects(galley, a, b) {
            let r = r.translate(para_origin);
            if k == current {
                painter.rect_filled(r, 2.0, FIND_CURRENT_FILL);
                painter.rect_stroke(
                    r,
                    2.0,
                    Stroke::new(2.0, FIND_CURRENT_STROKE),
                    StrokeKind::Outside,
                );
            } else {
                painter.rect_filled(r, 2.0, FIND_FILL);
            }
        }
    }
}

/// Paints paragraphs `visible` (inclusive range).
/// A position mark at the top right of a passage's last line: a small disc in the stance
/// colour with `+` (supports), `-` (opposes) or a ring (neutral), drawn as shapes so no font
/// glyph is needed.
fn paint_position_mark(painter: &egui::Painter, r: Rect, position: i32, color: Color32) {
    let c = Pos2::new(r.right() + 1.0, r.top() + 1.0);
    let radius = 4.5;
    painter.circle_filled(c, radius, color);
    let ink = crate::ui::widgets::text_color_on(color);
    let stroke = Stroke::new(1.4, ink);
    let arm = 2.6;
    match position.signum() {
        1 => {
            painter.line_segment([c - Vec2::new(arm, 0.0), c + Vec2::new(arm, 0.0)], stroke);
            painter.line_segment([c - Vec2::new(0.0, arm), c + Vec2::new(0.0, arm)], stroke);
        }
        -1 => {
            painter.line_segment([c - Vec2::new(arm, 0.0), c + Vec2::new(arm, 0.0)], stroke);
        }
        _ => {
            painter.circle_stroke(c, 1.8, Stroke::new(1.2, ink));
        }
    }
}

/// The current unit's outline and fill.
const UNIT_STROKE: f32 = 1.5;
const UNIT_FILL_ALPHA: u8 = 28;

/// An article's units in a paragraph: a tick where each begins; while coding unit by unit,
/// the current one outlined and each one's code (or `H`) after its end. Returns the code
/// labels to write once the text is painted.
fn paint_units(
    ui: &Ui,
    galley: &Galley,
    para_origin: Vec2,
    (ps, pe): (usize, usize),
    input: &PaintInput<'_>,
) -> Vec<(Pos2, String)> {
    let units = &input.article.units;
    let mut labels = Vec::new();
    if units.is_empty() {
        return labels;
    }
    let painter = ui.painter();
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    let first = units.partition_point(|u| u.end <= ps);
    for (i, unit) in units.iter().enumerate().skip(first) {
        if unit.start >= pe.max(ps + 1) {
            break;
        }
        let Some((a, b)) = columns(unit.range(), ps, pe) else {
            continue;
        };
        let rects: Vec<Rect> = range_rects(galley, a, b)
            .into_iter()
            .map(|r| r.translate(para_origin))
            .collect();
        if unit.start >= ps
            && let Some(r) = rects.first()
        {
            painter.line_segment(
                [
                    Pos2::new(r.left() - 1.5, r.top() + 2.0),
                    Pos2::new(r.left() - 1.5, r.bottom() - 2.0),
                ],
                Stroke::new(1.0, weak),
            );
        }
        let Some((current, me)) = input.unit_coding else {
            continue;
        };
        if i == current {
            let fill = Color32::from_rgba_unmultiplied(
                strong.r(),
                strong.g(),
                strong.b(),
                UNIT_FILL_ALPHA,
            );
            for r in &rects {
                painter.rect_filled(r.expand(1.0), 2.0, fill);
                painter.rect_stroke(
                    r.expand(1.0),
                    2.0,
                    Stroke::new(UNIT_STROKE, strong),
                    StrokeKind::Outside,
                );
            }
        }
        if unit.end <= pe
            && let Some(r) = rects.last()
        {
            let code = if unit.heading {
                Some("H".to_owned())
            } else {
                crate::core::units::code_of(input.project, input.article, me, unit)
                    .stance()
                    .and_then(|s| input.project.stances.get(s))
                    .map(|s| s.code.clone().unwrap_or_else(|| s.label.clone()))
            };
            if let Some(code) = code {
                labels.push((Pos2::new(r.right() + 1.0, r.top()), code));
            }
        }
    }
    labels
}

/// Paints the visible paragraphs: highlights, marks, find matches, selection, text.
pub fn paint_paragraphs(ui: &Ui, input: &PaintInput<'_>, visible: std::ops::RangeInclusive<usize>) {
    let painter = ui.painter();
    let sel_color = ui.visuals().selection.bg_fill;
    for i in visible {
        let Some(galley) = input.layout.galley(i) else {
            continue;
        };
        let p = input.layout.paragraphs.paragraphs[i];
        let para_origin = (input.origin + Vec2::new(0.0, input.layout.top(i))).to_vec2();
        let (ps, pe) = (p.char_start, p.char_end());
        let unit_labels = paint_units(ui, galley, para_origin, (ps, pe), input);
        let mut underlines = Vec::new();
        let mut marks = Vec::new();
        for span in input.spans.overlapping(ps, pe.max(ps + 1)) {
            if input.hidden.contains(&span.stance) || input.hidden_analysts.contains(&span.analyst)
            {
                continue;
            }
            let (_, color) = stance_style(input.project, &span.stance);
            let is_selected = input.selected == Some(span.id);
            let alpha = if is_selected {
                SELECTED_ALPHA
            } else {
                HIGHLIGHT_ALPHA
            };
            let fill = Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), alpha);
            let Some((a, b)) = columns(span.range, ps, pe) else {
                continue;
            };
            let rects = range_rects(galley, a, b);
            // Where the passage ends: a small mark of its position (+, 0 or -).
            if span.range.end <= pe
                && let Some(last) = rects.last()
                && let Some(position) = input.project.annotation(span.id).and_then(|x| x.position)
            {
                marks.push((last.translate(para_origin), position, color));
            }
            // Whose passage it is: a bar in the analyst's colour where it begins.
            if input.analyst_marks
                && span.range.start >= ps
                && let Some(first) = rects.first()
                && let Some(analyst) = input.project.analyst(&span.analyst)
            {
                let first = first.translate(para_origin);
                let [r, g, b] = analyst.color.0;
                let x = first.left() - 2.0 - span.level as f32 * 3.0;
                painter.line_segment(
                    [Pos2::new(x, first.top()), Pos2::new(x, first.bottom())],
                    Stroke::new(ANALYST_MARK_WIDTH, Color32::from_rgb(r, g, b)),
                );
            }
            for r in rects {
                let r = r.translate(para_origin);
                painter.rect_filled(r, 2.0, fill);
                underlines.push((r, color, span.level));
                if is_selected {
                    painter.rect_stroke(r, 2.0, Stroke::new(1.5, color), StrokeKind::Outside);
                }
                if let Some((id, started)) = input.flash
                    && id == span.id
                {
                    let t = ((input.now - started) / FLASH_SECONDS).clamp(0.0, 1.0) as f32;
                    let pulse = (1.0 - t) * (0.5 + 0.5 * (t * 18.0).cos());
                    painter.rect_stroke(
                        r.expand(2.0),
                        3.0,
                        Stroke::new(3.0, color.gamma_multiply(pulse)),
                        StrokeKind::Outside,
                    );
                }
            }
        }
        if let Some((matches, current)) = input.find {
            paint_find_matches(painter, galley, para_origin, (ps, pe), matches, current);
        }
        if let Some(sel) = input.selection
            && let Some((a, b)) = columns(sel, ps, pe)
        {
            for r in range_rects(galley, a, b) {
                painter.rect_filled(r.translate(para_origin), 0.0, sel_color);
            }
        }
        painter.galley(
            para_origin.to_pos2(),
            galley.clone(),
            ui.visuals().text_color(),
        );
        for (r, position, color) in marks {
            paint_position_mark(painter, r, position, color);
        }
        // Raised like a footnote mark, into the gap above the line, so it does not sit on
        // the next unit's first word.
        let size = input.layout.text_size() * 0.6;
        let code_font = egui::FontId::proportional(size);
        for (pos, code) in unit_labels {
            painter.text(
                pos - Vec2::new(0.0, size * 0.45),
                egui::Align2::LEFT_TOP,
                code,
                code_font.clone(),
                ui.visuals().strong_text_color().gamma_multiply(0.8),
            );
        }
        for (r, color, level) in underlines {
            let y = r.bottom() - 1.0 + level as f32 * UNDERLINE_STEP;
            painter.line_segment(
                [Pos2::new(r.left(), y), Pos2::new(r.right(), y)],
                Stroke::new(UNDERLINE_WIDTH, color),
            );
        }
    }
}
