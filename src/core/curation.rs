//! Where two analysts differ on an article, and settling it into the gold layer.
//!
//! A *difference* pairs what two analysts marked around one stretch of text: only A marked it,
//! only B did, both marked it with the same stance but different boundaries (by n code points),
//! or with different stances. Passages both marked identically (same range and stance) are
//! agreements, not differences. Each difference has a cost — the squared length a reader would
//! have to re-check, as α_U weighs it — so the costliest come first when asked.
//!
//! Curation builds the gold layer (analyst `gold`, see [`AnalystId::gold`]): passages all
//! analysts (or a quorum) marked identically are taken at once; each remaining difference is
//! settled by taking A's, B's, both, an edit, or dropping it (a gold rejection of the passage,
//! so "dropped" is remembered in the project like any other decision).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use crate::core::model::{AnalystId, Annotation, ArticleId, Project, StanceId, TextRange};
use crate::core::workspace::{ActionError, Workspace};

/// How two analysts' coding differs at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// Only the first analyst marked it.
    OnlyA,
    /// Only the second analyst marked it.
    OnlyB,
    /// Both marked it with the same stance; the boundaries differ by this many code points.
    Boundaries(usize),
    /// Both marked overlapping passages with different stances.
    Stance,
}

impl DiffKind {
    /// In words, with the analysts' names.
    pub fn describe(self, a: &str, b: &str) -> String {
        match self {
            DiffKind::OnlyA => format!("only {a}"),
            DiffKind::OnlyB => format!("only {b}"),
            DiffKind::Boundaries(n) => format!("boundaries differ by {n} character(s)"),
            DiffKind::Stance => "different stance".to_owned(),
        }
    }
}

/// One difference between two analysts on an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The article.
    pub article: ArticleId,
    /// What kind.
    pub kind: DiffKind,
    /// The first analyst's annotation, if they marked it.
    pub a: Option<Arc<Annotation>>,
    /// The second analyst's annotation, if they marked it.
    pub b: Option<Arc<Annotation>>,
    /// The stretch of text it covers (the union of both passages).
    pub range: TextRange,
    /// How much it weighs: the squared length of what only one marked, or of the boundary
    /// shifts, or of the passage for a stance difference.
    pub cost: u64,
}

fn overlap(a: TextRange, b: TextRange) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

fn union(a: TextRange, b: TextRange) -> TextRange {
    TextRange {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

fn square(n: usize) -> u64 {
    (n as u64) * (n as u64)
}

/// Which of a list of passages overlap a range, without looking at all of them: the passages
/// by start, with the largest end so far, scanned back from the last that starts before the
/// range ends until no earlier one reaches into it.
struct Overlaps {
    /// Indices into the list, by start.
    by_start: Vec<usize>,
    starts: Vec<usize>,
    /// The largest end among `by_start[..=k]`.
    reach: Vec<usize>,
}

impl Overlaps {
    fn new(passages: &[Arc<Annotation>]) -> Self {
        Self::of_ranges(passages.iter().map(|p| p.range))
    }

    fn of_ranges(ranges: impl Iterator<Item = TextRange>) -> Self {
        let ranges: Vec<TextRange> = ranges.collect();
        let mut by_start: Vec<usize> = (0..ranges.len()).collect();
        by_start.sort_by_key(|&i| ranges[i].start);
        let starts = by_start.iter().map(|&i| ranges[i].start).collect();
        let mut far = 0;
        let reach = by_start
            .iter()
            .map(|&i| {
                far = far.max(ranges[i].end);
                far
            })
            .collect();
        Self {
            by_start,
            starts,
            reach,
        }
    }

    /// The indices of the passages that may overlap `range` (a superset of those that do:
    /// callers measure the overlap).
    fn of(&self, range: TextRange) -> impl Iterator<Item = usize> + '_ {
        let before_end = self.starts.partition_point(|&s| s < range.end);
        (0..before_end)
            .rev()
            .take_while(move |&k| self.reach[k] > range.start)
            .map(move |k| self.by_start[k])
    }
}

/// The differences between analysts `a` and `b` on `article`, in text order (orphans and
/// identical passages left out).
pub fn differences(
    project: &Project,
    article: ArticleId,
    a: &AnalystId,
    b: &AnalystId,
) -> Vec<Difference> {
    let anchored = |who: &AnalystId| -> Vec<Arc<Annotation>> {
        project
            .annotations
            .layer(article, who)
            .iter()
            .filter(|x| !x.orphaned)
            .cloned()
            .collect()
    };
    let (left, right) = (anchored(a), anchored(b));
    // Identical passages (same range and stance) agree: each of A's takes the first of B's
    // that is the same.
    let mut same: HashMap<(TextRange, StanceId), VecDeque<usize>> = HashMap::new();
    for (i, y) in right.iter().enumerate() {
        same.entry((y.range, y.stance.clone()))
            .or_default()
            .push_back(i);
    }
    let mut matched = vec![false; right.len()];
    let left: Vec<Arc<Annotation>> = left
        .into_iter()
        .filter(|x| {
            match same
                .get_mut(&(x.range, x.stance.clone()))
                .and_then(VecDeque::pop_front)
            {
                Some(i) => {
                    matched[i] = true;
                    false
                }
                None => true,
            }
        })
        .collect();
    let right: Vec<Arc<Annotation>> = right
        .into_iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(y, _)| y)
        .collect();
    let overlapping = Overlaps::new(&right);
    let mut out = Vec::new();
    let mut taken = vec![false; right.len()];
    for x in &left {
        // The partner: the overlapping passage of the same stance with the most overlap, else
        // the overlapping passage of another stance with the most overlap.
        let best = |same: bool| {
            overlapping
                .of(x.range)
                .map(|i| (i, &right[i]))
                .filter(|(i, y)| !taken[*i] && (y.stance == x.stance) == same)
                .map(|(i, y)| (overlap(x.range, y.range), i))
                .filter(|(o, _)| *o > 0)
                .max()
                .map(|(_, i)| i)
        };
        match best(true).or_else(|| best(false)) {
            Some(i) => {
                taken[i] = true;
                let y = &right[i];
                let (kind, cost) = if y.stance == x.stance {
                    let shift =
                        x.range.start.abs_diff(y.range.start) + x.range.end.abs_diff(y.range.end);
                    (
                        DiffKind::Boundaries(shift),
                        square(x.range.start.abs_diff(y.range.start))
                            + square(x.range.end.abs_diff(y.range.end)),
                    )
                } else {
                    (DiffKind::Stance, square(union(x.range, y.range).len()))
                };
                out.push(Difference {
                    article,
                    kind,
                    a: Some(x.clone()),
                    b: Some(y.clone()),
                    range: union(x.range, y.range),
                    cost,
                });
            }
            None => out.push(Difference {
                article,
                kind: DiffKind::OnlyA,
                a: Some(x.clone()),
                b: None,
                range: x.range,
                cost: square(x.range.len()),
            }),
        }
    }
    for (i, y) in right.iter().enumerate() {
        if !taken[i] {
            out.push(Difference {
                article,
                kind: DiffKind::OnlyB,
                a: None,
                b: Some(y.clone()),
                range: y.range,
                cost: square(y.range.len()),
            });
        }
    }
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

/// The stretches of an article where the shown analysts differ: every place any two of them
/// differ, merged where they touch (the stance map's disagreement lane, and what `}` / `{`
/// step through).
pub fn disagreement_ranges(
    project: &Project,
    article: ArticleId,
    analysts: &[AnalystId],
) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = Vec::new();
    for (i, a) in analysts.iter().enumerate() {
        for b in &analysts[i + 1..] {
            ranges.extend(
                differences(project, article, a, b)
                    .into_iter()
                    .map(|d| d.range),
            );
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<TextRange> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Whether the curator settled a difference: gold holds one side's passage as it is, or a
/// passage of one side's stance there that no analyst marked so (an edit), or a rejection
/// over it (dropped).
pub fn is_settled(project: &Project, difference: &Difference) -> bool {
    settled(
        project,
        difference.article,
        std::slice::from_ref(difference),
    )[0]
}

/// [`is_settled`] for many differences on one article, looking each gold passage up once.
pub fn settled(project: &Project, article: ArticleId, differences: &[Difference]) -> Vec<bool> {
    let gold = AnalystId::gold();
    let gold_layer = project.annotations.layer(article, &gold);
    let gold_passages = Overlaps::new(gold_layer);
    let dropped = project.rejections.layer(article, &gold);
    let dropped_ranges = Overlaps::of_ranges(dropped.iter().map(|r| r.range));
    // What the analysts marked: a gold passage equal to one of these is not an edit.
    let marked: HashSet<(TextRange, &StanceId)> = project
        .annotations
        .in_article(article)
        .filter(|x| !x.analyst.is_gold())
        .map(|x| (x.range, &x.stance))
        .collect();
    differences
        .iter()
        .map(|d| {
            let sides: Vec<&Annotation> =
                [&d.a, &d.b].into_iter().flatten().map(|a| &**a).collect();
            // Taken: gold holds one side's passage as it is.
            let taken = |g: &Annotation| {
                sides
                    .iter()
                    .any(|x| x.range == g.range && x.stance == g.stance)
            };
            // Edited: a gold passage of one side's stance over this place that no analyst
            // marked so (a passage every analyst agreed on elsewhere does not settle this one).
            let edited = |g: &Annotation| {
                overlap(g.range, d.range) > 0
                    && sides.iter().any(|x| x.stance == g.stance)
                    && !marked.contains(&(g.range, &g.stance))
            };
            gold_passages
                .of(d.range)
                .map(|i| &*gold_layer[i])
                .any(|g| taken(g) || edited(g))
                || dropped_ranges
                    .of(d.range)
                    .any(|i| overlap(dropped[i].range, d.range) > 0)
        })
        .collect()
}

/// What the automatic part of curation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AutoCuration {
    /// Passages taken into gold.
    pub taken: usize,
    /// Passages agreed on that gold had already.
    pub already: usize,
    /// Articles looked at (where at least two analysts count).
    pub articles: usize,
}

/// Takes into gold every passage that all analysts who count on its article (or at least
/// `quorum` of them) marked identically — same range, same stance — as one undoable step; the
/// analyst working here becomes a curator. Gold itself is never one of the analysts.
pub fn auto_curate(ws: &mut Workspace, quorum: Option<usize>) -> Result<AutoCuration, ActionError> {
    ws.group("curate gold: take what all agree on", |ws| {
        ws.become_curator()?;
        let mut report = AutoCuration::default();
        let project = ws.project().clone();
        for article in &project.articles {
            let analysts: Vec<&AnalystId> = project
                .annotations
                .layers_of(article.id)
                .map(|(who, _)| who)
                .chain(
                    project
                        .team
                        .coded
                        .iter()
                        .filter(|m| m.article == article.id)
                        .map(|m| &m.analyst),
                )
                .filter(|who| !who.is_gold())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if analysts.len() < 2 {
                continue;
            }
            report.articles += 1;
            let needed = quorum.unwrap_or(analysts.len()).clamp(2, analysts.len());
            let mut votes: BTreeMap<(usize, usize, StanceId), Vec<Arc<Annotation>>> =
                BTreeMap::new();
            for who in &analysts {
                let mut seen = std::collections::BTreeSet::new();
                for ann in project.annotations.layer(article.id, who) {
                    if ann.orphaned {
                        continue;
                    }
                    let key = (ann.range.start, ann.range.end, ann.stance.clone());
                    if seen.insert(key.clone()) {
                        votes.entry(key).or_default().push(ann.clone());
                    }
                }
            }
            for (_, agreeing) in votes {
                if agreeing.len() < needed {
                    continue;
                }
                let source = &agreeing[0];
                let before = ws.project().annotations.count_in_article(article.id);
                ws.take_into_gold(source)?;
                if ws.project().annotations.count_in_article(article.id) > before {
                    report.taken += 1;
                } else {
                    report.already += 1;
                }
            }
        }
        Ok(report)
    })
}

/// How a curator settles one difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Take the first analyst's passage.
    TakeA,
    /// Take the second analyst's passage.
    TakeB,
    /// Take both passages.
    Both,
    /// Take neither: the passage is dropped (a gold rejection remembers it).
    Drop,
}

/// Settles a difference into gold as one undoable step (the analyst working here must curate).
pub fn settle(ws: &mut Workspace, difference: &Difference, how: Settle) -> Result<(), ActionError> {
    let label = match how {
        Settle::TakeA | Settle::TakeB => "curate gold: take one",
        Settle::Both => "curate gold: take both",
        Settle::Drop => "curate gold: drop",
    };
    ws.group(label, |ws| {
        let take: Vec<&Arc<Annotation>> = match how {
            Settle::TakeA => difference.a.iter().collect(),
            Settle::TakeB => difference.b.iter().collect(),
            Settle::Both => difference.a.iter().chain(difference.b.iter()).collect(),
            Settle::Drop => Vec::new(),
        };
        if how == Settle::Drop {
            let source = difference
                .a
                .as_ref()
                .or(difference.b.as_ref())
                .expect("a difference has a passage");
            return ws.drop_from_gold(source, difference.range);
        }
        if take.is_empty() {
            return Err(ActionError::NotYours(
                "that analyst marked nothing here: take the other, or drop it".to_owned(),
            ));
        }
        for ann in take {
            ws.take_into_gold(ann)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Analyst, Rgb};
    use crate::core::workspace::SteppingClock;

    /// An analyst's passages: (start, end, stance).
    type Passages<'a> = &'a [(usize, usize, &'a str)];

    fn project_with(layers: &[(&str, Passages)]) -> (Workspace, ArticleId) {
        let mut project = Project::default();
        let article = crate::core::model::Article::new("A", &"word ".repeat(40));
        let id = article.id;
        project.articles.push(Arc::new(article));
        for (name, passages) in layers {
            project.analysts.push(Analyst {
                id: AnalystId::new(*name),
                name: name.to_string(),
                color: Rgb([1, 2, 3]),
            });
            for (s, e, stance) in *passages {
                let text = &project.articles[0].text;
                let range = TextRange { start: *s, end: *e };
                let quote = crate::core::text::slice_chars(text, range).to_owned();
                project.push_annotation(Annotation::new(
                    id,
                    range,
                    quote,
                    StanceId::new(*stance),
                    *name,
                    chrono::Utc::now(),
                ));
            }
        }
        let mut ws = Workspace::new(project, Box::new(SteppingClock::default()));
        ws.set_analyst_name("cur");
        (ws, id)
    }

    #[test]
    fn differences_name_only_one_boundaries_and_stance() {
        let (ws, article) = project_with(&[
            (
                "ana",
                &[
                    (0, 10, "regulation"),
                    (20, 30, "security"),
                    (40, 50, "regulation"),
                    (100, 110, "security"),
                ],
            ),
            (
                "ben",
                &[
                    (0, 10, "regulation"),
                    (22, 31, "security"),
                    (40, 50, "security"),
                    (150, 160, "regulation"),
                ],
            ),
        ]);
        let d = differences(ws.project(), article, &"ana".into(), &"ben".into());
        let kinds: Vec<DiffKind> = d.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DiffKind::Boundaries(3),
                DiffKind::Stance,
                DiffKind::OnlyA,
                DiffKind::OnlyB
            ]
        );
        assert_eq!(d[0].range, TextRange { start: 20, end: 31 });
        assert_eq!(d[0].cost, 4 + 1);
        assert_eq!(d[2].cost, 100);
        let lane = disagreement_ranges(ws.project(), article, &["ana".into(), "ben".into()]);
        assert_eq!(lane.len(), 4);
    }

    #[test]
    fn auto_curation_takes_what_all_agree_on_and_settling_is_remembered() {
        let (mut ws, article) = project_with(&[
            ("ana", &[(0, 10, "regulation"), (20, 30, "security")]),
            (
                "ben",
                &[
                    (0, 10, "regulation"),
                    (20, 30, "security"),
                    (50, 60, "regulation"),
                ],
            ),
            ("cleo", &[(0, 10, "regulation"), (50, 60, "regulation")]),
        ]);
        for s in ["regulation", "security"] {
            ws.put_stance(crate::core::model::Stance {
                id: StanceId::new(s),
                label: s.to_owned(),
                color: Rgb([0, 0, 0]),
                description: String::new(),
                hotkey: None,
                parent: None,
                code: None,
                group: false,
            })
            .unwrap();
        }
        let all = auto_curate(&mut ws, None).unwrap();
        assert_eq!((all.taken, all.articles), (1, 1));
        // A quorum of two takes the other two passages as well; the first is there already.
        let two = auto_curate(&mut ws, Some(2)).unwrap();
        assert_eq!((two.taken, two.already), (2, 1));
        let gold = ws
            .project()
            .annotations
            .layer(article, &AnalystId::gold())
            .to_vec();
        assert_eq!(gold.len(), 3);
        assert!(
            gold.iter()
                .all(|g| g.curator == Some(AnalystId::new("cur")))
        );
        // Settling a remaining difference by dropping it is remembered as a gold rejection.
        let (mut ws, article) = project_with(&[
            ("ana", &[(0, 10, "regulation")]),
            ("ben", &[(30, 40, "regulation")]),
        ]);
        ws.put_stance(crate::core::model::Stance {
            id: StanceId::new("regulation"),
            label: "regulation".to_owned(),
            color: Rgb([0, 0, 0]),
            description: String::new(),
            hotkey: None,
            parent: None,
            code: None,
            group: false,
        })
        .unwrap();
        ws.become_curator().unwrap();
        let d = differences(ws.project(), article, &"ana".into(), &"ben".into());
        assert!(!is_settled(ws.project(), &d[0]));
        settle(&mut ws, &d[0], Settle::Drop).unwrap();
        settle(&mut ws, &d[1], Settle::TakeB).unwrap();
        assert!(d.iter().all(|d| is_settled(ws.project(), d)));
        assert_eq!(
            ws.project()
                .annotations
                .layer(article, &AnalystId::gold())
                .len(),
            1
        );
        // Not a curator: refused.
        ws.set_analyst_name("someone else");
        assert!(matches!(
            settle(&mut ws, &d[1], Settle::TakeA),
            Err(ActionError::NotYours(_))
        ));
    }

    /// The indexed search finds what comparing every pair finds (the first version of
    /// `differences`, kept here as the reference), on random layers.
    #[test]
    fn differences_match_comparing_every_pair() {
        fn naive(
            left: &[Arc<Annotation>],
            right: &[Arc<Annotation>],
        ) -> Vec<(TextRange, Option<TextRange>, Option<TextRange>)> {
            let (mut left, mut right) = (left.to_vec(), right.to_vec());
            left.retain(|x| {
                match right
                    .iter()
                    .position(|y| y.range == x.range && y.stance == x.stance)
                {
                    Some(at) => {
                        right.remove(at);
                        false
                    }
                    None => true,
                }
            });
            let mut taken = vec![false; right.len()];
            let mut out = Vec::new();
            for x in &left {
                let best = |same: bool| {
                    right
                        .iter()
                        .enumerate()
                        .filter(|(i, y)| !taken[*i] && (y.stance == x.stance) == same)
                        .map(|(i, y)| (overlap(x.range, y.range), i))
                        .filter(|(o, _)| *o > 0)
                        .max()
                        .map(|(_, i)| i)
                };
                match best(true).or_else(|| best(false)) {
                    Some(i) => {
                        taken[i] = true;
                        out.push((
                            union(x.range, right[i].range),
                            Some(x.range),
                            Some(right[i].range),
                        ));
                    }
                    None => out.push((x.range, Some(x.range), None)),
                }
            }
            for (i, y) in right.iter().enumerate() {
                if !taken[i] {
                    out.push((y.range, None, Some(y.range)));
                }
            }
            out.sort();
            out
        }
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for round in 0..40 {
            let mut layer = |count: usize| -> Vec<(usize, usize, &'static str)> {
                (0..count)
                    .map(|_| {
                        let start = next(180);
                        let end = (start + 1 + next(if round % 2 == 0 { 12 } else { 60 })).min(200);
                        (start, end, ["a", "b", "c"][next(3)])
                    })
                    .collect()
            };
            let one = layer(35);
            let two = layer(25);
            let (ws, article) = project_with(&[("ana", &one), ("ben", &two)]);
            let p = ws.project();
            let (ana, ben) = (AnalystId::new("ana"), AnalystId::new("ben"));
            let mut fast: Vec<_> = differences(p, article, &ana, &ben)
                .into_iter()
                .map(|d| (d.range, d.a.map(|x| x.range), d.b.map(|y| y.range)))
                .collect();
            fast.sort();
            let reference = naive(
                p.annotations.layer(article, &ana),
                p.annotations.layer(article, &ben),
            );
            assert_eq!(fast, reference, "round {round}");
        }
    }
}
