//! Data derived from the project for display: the highlights of an article (an interval
//! index), its annotation list, and the annotation count of every article.
//!
//! Each is built once (on a worker thread when a large project opens) and then follows the
//! project through the workspace's journal of annotation changes, one binary search per change,
//! so a frame costs the same with 10 or 100,000 annotations.
//!
//! Invariants: each structure equals what a rebuild from the project at its revision would
//! give (tests compare the two); `revision` names the workspace revision it reflects.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::core::edit::{AnnotationChange, apply_to_sorted};
use crate::core::model::{
    AnalystId, Annotation, AnnotationId, Article, ArticleId, Project, StanceId, TextRange,
};
use crate::core::text::ParagraphIndex;
use crate::core::workspace::Workspace;

/// One annotation as the reader paints it.
#[derive(Debug, Clone)]
pub struct Span {
    /// Its passage.
    pub range: TextRange,
    /// The annotation.
    pub id: AnnotationId,
    /// Its stance (for the colour and the filter).
    pub stance: StanceId,
    /// Whose it is (for the analyst's mark and the layer filter).
    pub analyst: AnalystId,
    /// Nesting level: 0 for the outermost, so overlapping underlines stack instead of hiding.
    pub level: usize,
}

impl Span {
    fn of(a: &Annotation) -> Self {
        Span {
            range: a.range,
            id: a.id,
            stance: a.stance.clone(),
            analyst: a.analyst.clone(),
            level: 0,
        }
    }

    /// Sort order: by start, the longer (outer) span first, then by id (so it is total).
    fn order(&self) -> (usize, std::cmp::Reverse<usize>, AnnotationId) {
        (self.range.start, std::cmp::Reverse(self.range.end), self.id)
    }
}

/// The anchored annotations of one article sorted by start, for range queries in
/// O(log n + k).
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    spans: Vec<Span>,
    /// Longest span length: a span starting before `start - max_len` cannot reach `start`.
    max_len: usize,
}

impl SpanIndex {
    /// Indexes the anchored annotations of `article`.
    pub fn build(project: &Project, article: ArticleId) -> Self {
        let mut spans: Vec<Span> = project
            .annotations
            .in_article(article)
            .filter(|a| !a.orphaned)
            .map(|a| Span::of(a))
            .collect();
        spans.sort_by_key(Span::order);
        let mut index = Self { spans, max_len: 0 };
        index.assign_levels();
        index
    }

    /// Updates the index for annotations that changed (see
    /// [`Workspace::annotation_changes_since`]).
    pub fn apply(&mut self, article: ArticleId, changes: &[AnnotationChange]) {
        apply_to_sorted(
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
        let mut level_ends: Vec<usize> = Vec::new();
        for span in self.spans.iter_mut() {
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
        self.max_len = self.spans.iter().map(|s| s.range.len()).max().unwrap_or(0);
    }

    /// Spans overlapping `[start, end)`.
    pub fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = &Span> {
        let first = self
            .spans
            .partition_point(|s| s.range.start + self.max_len <= start);
        self.spans[first..]
            .iter()
            .take_while(move |s| s.range.start < end)
            .filter(move |s| s.range.end > start)
    }

    /// All spans, by start.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}

/// One row of the annotation list.
#[derive(Debug, Clone)]
pub struct ListRow {
    /// Sort key: start, end, then id (a total order).
    pub order: (usize, usize, AnnotationId),
    /// The annotation.
    pub annotation: Arc<Annotation>,
}

impl ListRow {
    /// The row of an annotation.
    pub fn of(annotation: &Arc<Annotation>) -> Self {
        Self {
            order: (annotation.range.start, annotation.range.end, annotation.id),
            annotation: annotation.clone(),
        }
    }
}

/// Applies annotation changes to sorted list rows (see [`apply_to_sorted`]).
pub fn update_rows(
    rows: &mut Vec<ListRow>,
    changes: &[AnnotationChange],
    listed: impl Fn(&Annotation) -> bool,
) {
    apply_to_sorted(rows, changes, listed, ListRow::of, |r| r.order);
}

/// What the annotation list leaves out: stances hidden by the filter and analysts whose layer
/// is not shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Stances hidden by the filter.
    pub stances: Vec<StanceId>,
    /// Analysts whose layers are not shown.
    pub analysts: Vec<AnalystId>,
}

impl Hidden {
    /// Whether `a` is left out.
    pub fn hides(&self, a: &Annotation) -> bool {
        self.stances.contains(&a.stance) || self.analysts.contains(&a.analyst)
    }
}

/// The annotation list of one article for one filter.
#[derive(Debug, Clone, Default)]
pub struct AnnotationList {
    /// The anchored annotations shown, by position.
    pub rows: Arc<Vec<ListRow>>,
    /// How many anchored annotations the article has in all (whatever the filter).
    pub total: usize,
    /// How many anchored annotations the filter shows.
    pub shown: usize,
    /// The orphaned annotations of the article: id and quote.
    pub orphans: Arc<Vec<(AnnotationId, String)>>,
}

impl AnnotationList {
    /// The list of `article`'s annotations that `hidden` does not leave out.
    pub fn build(project: &Project, article: ArticleId, hidden: &Hidden) -> Self {
        let mine: Vec<&Arc<Annotation>> = project.annotations.in_article(article).collect();
        let orphans = mine
            .iter()
            .filter(|a| a.orphaned)
            .map(|a| (a.id, a.quote.clone()))
            .collect();
        let total = mine.iter().filter(|a| !a.orphaned).count();
        let mut rows: Vec<ListRow> = mine
            .into_iter()
            .filter(|a| !a.orphaned && !hidden.hides(a))
            .map(ListRow::of)
            .collect();
        rows.sort_by_key(|r| r.order);
        Self {
            shown: rows.len(),
            rows: Arc::new(rows),
            total,
            orphans: Arc::new(orphans),
        }
    }

    /// Follows annotation changes; false when a change touches an orphan of the article (then
    /// the caller rebuilds).
    pub fn apply(
        &mut self,
        article: ArticleId,
        hidden: &Hidden,
        changes: &[AnnotationChange],
    ) -> bool {
        let touches_orphan = changes.iter().any(|c| {
            [&c.before, &c.after]
                .into_iter()
                .flatten()
                .any(|a| a.orphaned && a.article == article)
        });
        if touches_orphan {
            return false;
        }
        update_rows(Arc::make_mut(&mut self.rows), changes, |a| {
            a.article == article && !a.orphaned && !hidden.hides(a)
        });
        self.shown = self.rows.len();
        for c in changes {
            let mine = |a: &Option<Arc<Annotation>>| {
                a.as_ref()
                    .is_some_and(|a| a.article == article && !a.orphaned)
            };
            self.total = self.total + usize::from(mine(&c.after)) - usize::from(mine(&c.before));
        }
        true
    }
}

/// One article's line in the articles list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRow {
    /// The article.
    pub id: ArticleId,
    /// Its title.
    pub title: String,
    /// Its author, outlet and date, for filtering and sorting.
    pub meta: crate::core::model::ArticleMeta,
    /// Its annotations.
    pub total: usize,
    /// Its annotations per stance (stances with none are left out).
    pub by_stance: Vec<(StanceId, usize)>,
}

/// Every article with its title and annotation counts, in project order; the layers of the
/// analysts left out (hidden, or another's under blind coding) are not counted.
#[derive(Debug, Clone, Default)]
pub struct ArticleCounts(pub Arc<Vec<ArticleRow>>, BTreeSet<AnalystId>);

impl ArticleCounts {
    /// Counts the annotations of every article.
    pub fn build(project: &Project) -> Self {
        Self::build_without(project, BTreeSet::new())
    }

    /// Counts the annotations of every article but those of the `left_out` analysts.
    pub fn build_without(project: &Project, left_out: BTreeSet<AnalystId>) -> Self {
        // Layer by layer (the article and analyst are the layer's), stances counted in a short
        // list: a million annotations are counted without hashing each one.
        let mut per_article: HashMap<ArticleId, HashMap<&StanceId, usize>> = HashMap::new();
        for ((article, analyst), layer) in project.annotations.layers() {
            if left_out.contains(analyst) {
                continue;
            }
            let mut counts: Vec<(&StanceId, usize)> = Vec::new();
            for a in layer {
                match counts.iter_mut().find(|(s, _)| *s == &a.stance) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((&a.stance, 1)),
                }
            }
            let entry = per_article.entry(*article).or_default();
            for (stance, n) in counts {
                *entry.entry(stance).or_insert(0) += n;
            }
        }
        Self(
            Arc::new(
                project
                    .articles
                    .iter()
                    .map(|a| {
                        let mut by_stance: Vec<(StanceId, usize)> = per_article
                            .get(&a.id)
                            .map(|m| m.iter().map(|(s, n)| ((*s).clone(), *n)).collect())
                            .unwrap_or_default();
                        by_stance.sort();
                        ArticleRow {
                            id: a.id,
                            title: a.title.clone(),
                            meta: a.meta.clone(),
                            total: by_stance.iter().map(|(_, n)| n).sum(),
                            by_stance,
                        }
                    })
                    .collect(),
            ),
            left_out,
        )
    }

    /// The analysts whose layers these counts leave out.
    pub fn left_out(&self) -> &BTreeSet<AnalystId> {
        &self.1
    }

    /// Adjusts the counts the changes touch.
    pub fn apply(&mut self, changes: &[AnnotationChange]) {
        if changes.is_empty() {
            return;
        }
        let rows = Arc::make_mut(&mut self.0);
        for change in changes {
            for (ann, delta) in [(&change.before, -1isize), (&change.after, 1)] {
                let Some(ann) = ann.as_ref().filter(|a| !self.1.contains(&a.analyst)) else {
                    continue;
                };
                let Some(row) = rows.iter_mut().find(|r| r.id == ann.article) else {
                    continue;
                };
                row.total = row.total.saturating_add_signed(delta);
                match row.by_stance.iter_mut().find(|(s, _)| *s == ann.stance) {
                    Some((_, n)) => *n = n.saturating_add_signed(delta),
                    None if delta > 0 => {
                        row.by_stance.push((ann.stance.clone(), 1));
                        row.by_stance.sort();
                    }
                    None => {}
                }
                row.by_stance.retain(|(_, n)| *n > 0);
            }
        }
    }
}

/// How the articles list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArticleOrder {
    /// As the analyst arranged them.
    #[default]
    Project,
    /// By title.
    Title,
    /// By date (as written), newest first; undated last.
    Date,
    /// By outlet.
    Outlet,
    /// Most annotations first.
    MostAnnotated,
    /// Not yet coded first, then fewest annotations.
    NotYetCoded,
}

impl ArticleOrder {
    /// Every order, for the menu.
    pub const ALL: [ArticleOrder; 6] = [
        ArticleOrder::Project,
        ArticleOrder::Title,
        ArticleOrder::Date,
        ArticleOrder::Outlet,
        ArticleOrder::MostAnnotated,
        ArticleOrder::NotYetCoded,
    ];

    /// Its name in the menu.
    pub fn name(self) -> &'static str {
        match self {
            ArticleOrder::Project => "project order",
            ArticleOrder::Title => "title",
            ArticleOrder::Date => "date, newest first",
            ArticleOrder::Outlet => "outlet",
            ArticleOrder::MostAnnotated => "most annotated",
            ArticleOrder::NotYetCoded => "not yet coded first",
        }
    }
}

/// The rows to list: those whose title, author or outlet contains `filter` (ignoring case), in
/// `order` (ties keep project order). Returns indexes into `rows`.
pub fn list_articles(rows: &[ArticleRow], filter: &str, order: ArticleOrder) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let matches = |r: &ArticleRow| {
        needle.is_empty()
            || [
                Some(&r.title),
                r.meta.author.as_ref(),
                r.meta.outlet.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|t| t.to_lowercase().contains(&needle))
    };
    let mut out: Vec<usize> = (0..rows.len()).filter(|i| matches(&rows[*i])).collect();
    let lower = |t: &Option<String>| t.as_deref().map(str::to_lowercase);
    match order {
        ArticleOrder::Project => {}
        ArticleOrder::Title => out.sort_by_cached_key(|i| rows[*i].title.to_lowercase()),
        ArticleOrder::Date => out.sort_by_cached_key(|i| {
            let date = lower(&rows[*i].meta.date);
            (date.is_none(), std::cmp::Reverse(date))
        }),
        ArticleOrder::Outlet => out.sort_by_cached_key(|i| {
            let outlet = lower(&rows[*i].meta.outlet);
            (outlet.is_none(), outlet)
        }),
        ArticleOrder::MostAnnotated => out.sort_by_key(|i| std::cmp::Reverse(rows[*i].total)),
        ArticleOrder::NotYetCoded => out.sort_by_key(|i| rows[*i].total),
    }
    out
}

/// What the reader and the panels derive from one article, built together (on the worker
/// thread that opens a large project, so the first frame does not build it).
#[derive(Debug, Clone)]
pub struct ArticleDerived {
    /// The article it was built from.
    pub article: Arc<Article>,
    /// Its paragraphs and offsets.
    pub paragraphs: Arc<ParagraphIndex>,
    /// Its highlights.
    pub spans: SpanIndex,
    /// Its annotation list with no stance hidden.
    pub list: AnnotationList,
    /// Where the analysts who coded it disagree (with two or more of them): who, and the
    /// stretches — worked out here so the window's first frame does not have to.
    pub disagreements: Option<(Vec<AnalystId>, Vec<TextRange>)>,
}

impl ArticleDerived {
    /// Builds everything for `article` (none when it is not in the project).
    pub fn build(project: &Project, article: ArticleId) -> Option<Self> {
        let a = project.articles.iter().find(|a| a.id == article)?;
        let coders: Vec<AnalystId> = project
            .analysts
            .iter()
            .map(|x| x.id.clone())
            .filter(|id| project.counts_on(article, id))
            .collect();
        let disagreements = (coders.len() >= 2).then(|| {
            let ranges = crate::core::curation::disagreement_ranges(project, article, &coders);
            (coders, ranges)
        });
        Some(Self {
            article: a.clone(),
            paragraphs: Arc::new(ParagraphIndex::new(&a.text)),
            spans: SpanIndex::build(project, article),
            list: AnnotationList::build(project, article, &Hidden::default()),
            disagreements,
        })
    }
}

/// Everything derived from a project as it is opened: the counts, and the first article's
/// data, tagged with the workspace revision they reflect.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The workspace revision they were built at.
    pub revision: u64,
    /// Every article's annotation count.
    pub counts: ArticleCounts,
    /// The first article's highlights, list and paragraphs.
    pub first_article: Option<ArticleDerived>,
}

impl Derived {
    /// Builds it for the workspace as it is now.
    pub fn build(ws: &Workspace) -> Self {
        let project = ws.project();
        Self {
            revision: ws.revision(),
            counts: ArticleCounts::build(project),
            first_article: project
                .articles
                .first()
                .and_then(|a| ArticleDerived::build(project, a.id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Article, Project};
    use crate::core::workspace::SteppingClock;

    fn project_with(ranges: &[(usize, usize)]) -> (Project, ArticleId) {
        let mut p = Project::new("t");
        let art = Article::new("a", &"x".repeat(100));
        let id = art.id;
        p.articles.push(art.into());
        for (s, e) in ranges {
            p.push_annotation(Annotation {
                id: uuid::Uuid::new_v4(),
                article: id,
                range: TextRange { start: *s, end: *e },
                quote: "x".repeat(e - s),
                prefix: String::new(),
                suffix: String::new(),
                orphaned: false,
                stance: StanceId::new("regulation"),
                note: String::new(),
                analyst: crate::core::model::AnalystId::unknown(),
                curator: None,
                actor: None,
                position: None,
                created: Default::default(),
                modified: Default::default(),
            });
        }
        (p, id)
    }

    #[test]
    fn span_index_updated_by_changes_equals_a_rebuild() {
        let (p, id) = project_with(&[(0, 10), (5, 15), (20, 30), (2, 8), (40, 60)]);
        let mut ws = Workspace::new(p, Box::new(SteppingClock::default()));
        let mut index = SpanIndex::build(ws.project(), id);
        let mut revision = ws.revision();
        let key = |i: &SpanIndex| -> Vec<_> {
            i.spans.iter().map(|s| (s.range, s.id, s.level)).collect()
        };
        let stance = StanceId::new("security");
        let first = ws.project().annotations.first().unwrap().id;
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
                ws.undo().unwrap();
            }),
            Box::new(|ws| {
                ws.undo().unwrap();
            }),
            Box::new(|ws| {
                ws.redo().unwrap();
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
        ws.undo().unwrap();
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

    #[test]
    fn the_articles_list_filters_by_title_author_or_outlet_and_sorts() {
        let row =
            |title: &str, outlet: Option<&str>, date: Option<&str>, total: usize| ArticleRow {
                id: uuid::Uuid::new_v4(),
                title: title.to_owned(),
                meta: crate::core::model::ArticleMeta {
                    author: Some("Ada Lovelace".to_owned()),
                    outlet: outlet.map(str::to_owned),
                    date: date.map(str::to_owned),
                    ..Default::default()
                },
                total,
                by_stance: Vec::new(),
            };
        let rows = vec![
            row("Beta bill", Some("Times"), Some("2024-05-01"), 3),
            row("alpha op-ed", None, Some("2025-01-02"), 0),
            row("Gamma report", Some("Agency"), None, 7),
        ];
        assert_eq!(list_articles(&rows, "", ArticleOrder::Project), [0, 1, 2]);
        assert_eq!(list_articles(&rows, "", ArticleOrder::Title), [1, 0, 2]);
        assert_eq!(
            list_articles(&rows, "", ArticleOrder::Date),
            [1, 0, 2],
            "undated last"
        );
        assert_eq!(list_articles(&rows, "", ArticleOrder::Outlet), [2, 0, 1]);
        assert_eq!(
            list_articles(&rows, "", ArticleOrder::MostAnnotated),
            [2, 0, 1]
        );
        assert_eq!(
            list_articles(&rows, "", ArticleOrder::NotYetCoded),
            [1, 0, 2]
        );
        assert_eq!(list_articles(&rows, "BILL", ArticleOrder::Project), [0]);
        assert_eq!(
            list_articles(&rows, "agency", ArticleOrder::Project),
            [2],
            "outlet"
        );
        assert_eq!(
            list_articles(&rows, "lovelace", ArticleOrder::Title).len(),
            3,
            "author"
        );
    }

    #[test]
    fn list_and_counts_updated_by_changes_equal_a_rebuild() {
        let mut ws = Workspace::new(Project::new("p"), Box::new(SteppingClock::default()));
        let article = ws
            .add_article(Article::new("a", &"word ".repeat(40)))
            .unwrap();
        let hidden = Hidden {
            stances: vec![StanceId::new("security")],
            analysts: vec![AnalystId::new("nobody")],
        };
        let mut list = AnnotationList::build(ws.project(), article, &hidden);
        let mut counts = ArticleCounts::build(ws.project());
        let mut revision = ws.revision();
        let same = |list: &AnnotationList, counts: &ArticleCounts, ws: &Workspace| {
            let rebuilt = AnnotationList::build(ws.project(), article, &hidden);
            let orders = |l: &AnnotationList| l.rows.iter().map(|r| r.order).collect::<Vec<_>>();
            assert_eq!(orders(list), orders(&rebuilt));
            assert_eq!((list.total, list.shown), (rebuilt.total, rebuilt.shown));
            assert_eq!(counts.0, ArticleCounts::build(ws.project()).0);
        };
        let mut ids = Vec::new();
        for (i, (start, end)) in [(10, 20), (0, 30), (10, 20), (5, 6), (40, 50)]
            .iter()
            .enumerate()
        {
            let stance = ["regulation", "security", "pro-open-source"][i % 3];
            let range = TextRange {
                start: *start,
                end: *end,
            };
            ids.push(
                ws.add_annotation(article, range, &StanceId::new(stance), "")
                    .unwrap(),
            );
            let changes = ws.annotation_changes_since(revision).unwrap();
            assert!(list.apply(article, &hidden, &changes));
            counts.apply(&changes);
            revision = ws.revision();
            same(&list, &counts, &ws);
        }
        ws.set_annotation_stance(ids[0], &StanceId::new("security"))
            .unwrap();
        ws.delete_annotation(ids[2]).unwrap();
        ws.undo().unwrap();
        let changes = ws.annotation_changes_since(revision).unwrap();
        assert!(list.apply(article, &hidden, &changes));
        counts.apply(&changes);
        same(&list, &counts, &ws);
        assert_eq!(list.total, 5);
        assert_eq!(list.shown, 2, "the filter hides the three security ones");
    }
}
