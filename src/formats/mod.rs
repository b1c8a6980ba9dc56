//! The file formats annotations travel in: stancemark's own JSON/RON export, CSV for pandas
//! and R, W3C Web Annotation (Hypothesis and other annotation tools), REFI-QDA (MAXQDA, NVivo,
//! ATLAS.ti, QualCoder), a self-contained HTML report for people, and discourse networks
//! ([`network`]: CSV matrix, GraphML, UCINET DL, JSON).
//!
//! Invariants for every format: offsets are Unicode code points, half-open `[start, end)`, over
//! the article text exactly as stancemark holds it (LF line ends); an orphaned annotation (its
//! passage gone from the text) carries its quote and never offsets, so no consumer reads it on
//! the wrong characters.

pub mod csv;
pub mod dna;
pub mod exchange;
pub mod export;
pub mod json;
pub mod manifesto;
pub mod network;
pub mod refi;
pub mod report;
pub mod w3c;

use crate::core::anchor::CONTEXT_CHARS;
use crate::core::model::{Annotation, Article, Project, Stance};
use crate::core::text::OffsetIndex;

/// One annotation with everything a flat format writes about it.
pub struct Row<'a> {
    /// The annotation.
    pub annotation: &'a Annotation,
    /// Its article.
    pub article: &'a Article,
    /// Its stance (`None` only for a broken project).
    pub stance: Option<&'a Stance>,
    /// `[start, end)` in code points, `None` for an orphan.
    pub range: Option<(usize, usize)>,
    /// Up to [`CONTEXT_CHARS`] code points before the passage (an orphan's stored context).
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] code points after the passage.
    pub suffix: String,
}

impl Row<'_> {
    /// The stance's label, or its id when the stance is unknown.
    pub fn stance_label(&self) -> String {
        self.stance
            .map_or_else(|| self.annotation.stance.to_string(), |s| s.label.clone())
    }
}

/// Every annotation of the project, by article (project order) then position; an article's
/// orphans come after its anchored annotations. `only` restricts it to one article.
pub fn rows<'a>(project: &'a Project, only: Option<crate::core::model::ArticleId>) -> Vec<Row<'a>> {
    let mut out = Vec::with_capacity(project.annotations.len());
    for article in project
        .articles
        .iter()
        .filter(|a| only.is_none_or(|id| id == a.id))
    {
        let offsets = OffsetIndex::new(&article.text);
        let mut mine: Vec<&Annotation> = project
            .annotations
            .iter()
            .filter(|a| a.article == article.id)
            .map(|a| &**a)
            .collect();
        mine.sort_by_key(|a| (a.orphaned, a.range.start, a.range.end));
        for annotation in mine {
            let (range, prefix, suffix) = if annotation.orphaned {
                (None, annotation.prefix.clone(), annotation.suffix.clone())
            } else {
                let (p, _, s) =
                    offsets.quote_and_context(&article.text, annotation.range, CONTEXT_CHARS);
                (
                    Some((annotation.range.start, annotation.range.end)),
                    p.to_owned(),
                    s.to_owned(),
                )
            };
            out.push(Row {
                annotation,
                article,
                stance: project.stances.get(&annotation.stance),
                range,
                prefix,
                suffix,
            });
        }
    }
    out
}
