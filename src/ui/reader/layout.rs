//! Paragraph-by-paragraph layout of an article: only paragraphs that come into view are laid
//! out; the others have an estimated height, corrected once they are laid out.
//!
//! Invariants: `galleys`, `heights` and `offsets` (one more entry) have one entry per paragraph
//! of `paragraphs`; a cached galley belongs to everything that changes how text is drawn — the
//! wrap width, the text size, the text colours of the theme, the pixels per point and the font
//! atlas it points into ([`TextLook`]). When any of them changes, the galleys are dropped.

use std::sync::Arc;

use eframe::egui::{
    Color32, FontId, Galley, Pos2, Ui, Vec2, epaint::text::TextOptions, text::LayoutJob,
};

use crate::core::text::ParagraphIndex;

/// Line height as a multiple of the text size.
pub const LINE_HEIGHT: f32 = 1.45;
/// Gap after a paragraph, as a multiple of the text size.
const PARAGRAPH_GAP: f32 = 0.7;
/// Height of an empty line, as a multiple of the text size.
const EMPTY_LINE: f32 = 0.6;
/// Headings (`# …` lines) are this much larger than body text.
pub(crate) const HEADING_SCALE: f32 = 1.2;
/// Estimated width of an average glyph, as a multiple of the text size.
const AVERAGE_GLYPH_WIDTH: f32 = 0.5;

/// Everything besides width and size that a cached galley depends on: the colours baked into
/// it, the pixels per point its glyphs were rasterised for, the text options of the fonts, and
/// the font atlas its glyphs point into.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextLook {
    /// Body and heading text colours of the theme.
    pub colors: (Color32, Color32),
    /// Physical pixels per point.
    pub pixels_per_point: f32,
    /// The fonts' text options (texture size, hinting…).
    pub options: Option<TextOptions>,
}

impl TextLook {
    /// The look of text in `ui` now.
    pub fn of(ui: &Ui) -> Self {
        let visuals = ui.visuals();
        Self {
            colors: (visuals.text_color(), visuals.strong_text_color()),
            pixels_per_point: ui.ctx().pixels_per_point(),
            options: Some(ui.ctx().fonts(|f| *f.options())),
        }
    }
}

/// How full egui's font atlas is. It only grows until egui clears it (when it is over 80%
/// full, or when the fonts are replaced), and a clear leaves every cached galley pointing at
/// glyphs that are gone: a smaller figure than last frame's means the galleys must go.
fn atlas_fill(ui: &Ui) -> f32 {
    ui.ctx().fonts(|f| f.font_atlas_fill_ratio())
}

/// The laid-out paragraphs of one article.
#[derive(Default)]
pub struct Layout {
    /// The article's paragraphs and offsets.
    pub paragraphs: Arc<ParagraphIndex>,
    galleys: Vec<Option<Arc<Galley>>>,
    heights: Vec<f32>,
    /// `offsets[i]` is the top of paragraph `i` in content coordinates; one more at the end.
    offsets: Vec<f32>,
    /// (wrap width, text size) the galleys were made for.
    key: (f32, f32),
    /// The look the galleys were made with.
    look: TextLook,
    /// The font atlas's fill after the last layout (see [`atlas_fill`]).
    atlas_fill: f32,
    /// Paragraphs laid out during the last frame (tests and benchmarks).
    pub laid_out_last_frame: usize,
}

/// A paragraph's height including the gap after it; empty lines take only a small gap.
fn paragraph_height(galley_height: f32, char_len: usize, text_size: f32) -> f32 {
    if char_len == 0 {
        text_size * EMPTY_LINE
    } else {
        galley_height + text_size * PARAGRAPH_GAP
    }
}

impl Layout {
    /// A layout of `paragraphs`, nothing laid out yet.
    pub fn new(paragraphs: Arc<ParagraphIndex>) -> Self {
        let n = paragraphs.len();
        Self {
            paragraphs,
            galleys: vec![None; n],
            heights: vec![0.0; n],
            offsets: Vec::new(),
            key: (0.0, 0.0),
            look: TextLook::default(),
            atlas_fill: 0.0,
            laid_out_last_frame: 0,
        }
    }

    /// Drops the galleys when the look of text changed or the font atlas was cleared since
    /// they were made; the heights stay (they are corrected as paragraphs are laid out again).
    pub fn refresh_if_look_changed(&mut self, ui: &Ui) {
        let look = TextLook::of(ui);
        let fill = atlas_fill(ui);
        if look != self.look || fill < self.atlas_fill {
            self.look = look;
            self.galleys.iter_mut().for_each(|g| *g = None);
        }
        self.atlas_fill = fill;
    }

    /// Records how full the font atlas is after this frame's layout.
    pub fn note_atlas_fill(&mut self, ui: &Ui) {
        self.atlas_fill = atlas_fill(ui);
    }

    /// The text size the layout was made for, in points.
    pub fn text_size(&self) -> f32 {
        self.key.1
    }

    /// Drops the galleys and estimates heights again when the width or text size changed.
    pub fn relayout_if_needed(&mut self, wrap_width: f32, text_size: f32) {
        if self.key == (wrap_width, text_size) && self.offsets.len() == self.heights.len() + 1 {
            return;
        }
        self.key = (wrap_width, text_size);
        self.galleys.iter_mut().for_each(|g| *g = None);
        let chars_per_row = (wrap_width / (text_size * AVERAGE_GLYPH_WIDTH)).max(1.0);
        let row = text_size * LINE_HEIGHT;
        for (h, p) in self.heights.iter_mut().zip(&self.paragraphs.paragraphs) {
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

    /// Total height of the article.
    pub fn height(&self) -> f32 {
        self.offsets.last().copied().unwrap_or(0.0)
    }

    /// Top of paragraph `i`.
    pub fn top(&self, i: usize) -> f32 {
        self.offsets.get(i).copied().unwrap_or(0.0)
    }

    /// The galley of paragraph `i`, if it was laid out.
    pub fn galley(&self, i: usize) -> Option<&Arc<Galley>> {
        self.galleys.get(i)?.as_ref()
    }

    /// Paragraph under content-space `y`.
    pub fn paragraph_at_y(&self, y: f32) -> usize {
        self.offsets
            .partition_point(|top| *top <= y)
            .saturating_sub(1)
            .min(self.paragraphs.len().saturating_sub(1))
    }

    fn lay_out(&mut self, ui: &Ui, text: &str, i: usize) -> Arc<Galley> {
        if let Some(g) = &self.galleys[i] {
            return g.clone();
        }
        let (wrap_width, text_size) = self.key;
        let line = self.paragraphs.paragraphs[i].text(text);
        let heading = line.starts_with('#');
        let size = if heading {
            text_size * HEADING_SCALE
        } else {
            text_size
        };
        let color = if heading {
            ui.visuals().strong_text_color()
        } else {
            ui.visuals().text_color()
        };
        let mut job = LayoutJob::simple(
            line.to_owned(),
            FontId::proportional(size),
            color,
            wrap_width,
        );
        job.sections[0].format.line_height = Some(size * LINE_HEIGHT);
        let galley = ui.painter().layout_job(job);
        self.galleys[i] = Some(galley.clone());
        self.laid_out_last_frame += 1;
        galley
    }

    /// Lays out the paragraphs between content-space `top` and `bottom`, correcting their
    /// estimated heights; returns the first and last paragraph and whether heights changed.
    pub fn lay_out_range(
        &mut self,
        ui: &Ui,
        text: &str,
        top: f32,
        bottom: f32,
    ) -> (usize, usize, bool) {
        let text_size = self.key.1;
        let first = self.paragraph_at_y(top.max(0.0));
        let (mut last, mut changed) = (first, false);
        let mut i = first;
        while i < self.paragraphs.len() && self.offsets[i] <= bottom {
            let g = self.lay_out(ui, text, i);
            let h = paragraph_height(
                g.size().y,
                self.paragraphs.paragraphs[i].char_len,
                text_size,
            );
            if (h - self.heights[i]).abs() > 0.5 {
                self.heights[i] = h;
                changed = true;
            }
            last = i;
            i += 1;
        }
        if changed {
            self.recompute_offsets();
        }
        (first, last, changed)
    }

    /// Screen position of the boundary before code point `offset` given the content origin
    /// (`None` when that paragraph is not laid out).
    pub fn pos_of(&self, origin: Pos2, offset: usize) -> Option<Pos2> {
        let i = self.paragraphs.paragraph_at(offset);
        let galley = self.galley(i)?;
        let p = self.paragraphs.paragraphs[i];
        let col = offset.saturating_sub(p.char_start).min(p.char_len);
        let r = galley.pos_from_cursor(eframe::egui::text::CCursor::new(col));
        Some(origin + Vec2::new(r.min.x, self.offsets[i] + r.center().y))
    }
}
