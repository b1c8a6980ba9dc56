//! The annotation table's rows: every annotation of the project, filtered by stance (with its
//! sub-stances), article, analyst and free text (quote and note, ignoring case), sorted by
//! any column. Computed from a snapshot of the project, so the window can do it on a worker
//! thread when the project is large.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use crate::core::actors::ActorId;
use crate::core::jobs::Progress;
use crate::core::model::{AnalystId, Annotation, ArticleId, Project, StanceId};

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Article title, then position in the article.
    #[default]
    Article,
    /// Stance (its label with its parents').
    Stance,
    /// The passage's text.
    Quote,
    /// The note.
    Note,
    /// Whose it is (the analyst's name).
    Analyst,
    /// When it was made.
    Created,
    /// Who holds the stance (the actor's name; none last).
    Actor,
    /// The position (opposes first; none last).
    Position,
}

/// What the table shows and in which order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TableQuery {
    /// The column sorted by.
    pub sort: SortKey,
    /// Largest first.
    pub descending: bool,
    /// Only this stance and its sub-stances.
    pub stance: Option<StanceId>,
    /// Only this article.
    pub article: Option<ArticleId>,
    /// Only this analyst's annotations.
    pub analyst: Option<AnalystId>,
    /// Only annotations whose quote or note contains this (ignoring case).
    pub text: String,
    /// Leave out these analysts' annotations (the layers not shown).
    pub hidden_analysts: Vec<AnalystId>,
    /// Only annotations naming this actor (`Some(None)`: naming none).
    pub actor: Option<Option<ActorId>>,
    /// Only annotations with this position (`Some(None)`: without one).
    pub position: Option<Option<i32>>,
}

/// The rows of `project` for `query`; `None` when cancelled.
pub fn rows(
    project: &Project,
    query: &TableQuery,
    progress: &Progress,
) -> Option<Vec<Arc<Annotation>>> {
    let stances: Option<Vec<&StanceId>> = query.stance.as_ref().map(|wanted| {
        project
            .stances
            .0
            .iter()
            .filter(|s| {
                project
                    .stances
                    .lineage(&s.id)
                    .iter()
                    .any(|l| &l.id == wanted)
            })
            .map(|s| &s.id)
            .collect()
    });
    let needle = query.text.trim().to_lowercase();
    progress.set_total(project.annotations.len() as u64);
    let mut out: Vec<Arc<Annotation>> = Vec::new();
    // One article's annotations come from its layers, not from a scan of the project.
    let candidates: Box<dyn Iterator<Item = &Arc<Annotation>>> = match query.article {
        Some(id) => Box::new(project.annotations.in_article(id)),
        None => Box::new(project.annotations.iter()),
    };
    for (n, a) in candidates.enumerate() {
        if n % 16_384 == 0 {
            if progress.is_cancelled() {
                return None;
            }
            progress.set_done(n as u64);
        }
        let keep = query.article.is_none_or(|id| a.article == id)
            && stances.as_ref().is_none_or(|s| s.contains(&&a.stance))
            && query.analyst.as_ref().is_none_or(|who| &a.analyst == who)
            && !query.hidden_analysts.contains(&a.analyst)
            && query.actor.as_ref().is_none_or(|want| a.actor == *want)
            && query.position.is_none_or(|want| a.position == want)
            && (needle.is_empty()
                || contains_folded(&a.quote, &needle)
                || contains_folded(&a.note, &needle));
        if keep {
            out.push(a.clone());
        }
    }
    let titles: HashMap<ArticleId, &str> = project
        .articles
        .iter()
        .map(|a| (a.id, a.title.as_str()))
        .collect();
    let order: HashMap<ArticleId, usize> = project
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let labels: HashMap<&StanceId, String> = project
        .stances
        .0
        .iter()
        .map(|s| (&s.id, project.stances.path_label(&s.id).to_lowercase()))
        .collect();
    let by_place = |a: &Annotation, b: &Annotation| {
        order
            .get(&a.article)
            .cmp(&order.get(&b.article))
            .then(a.range.start.cmp(&b.range.start))
            .then(a.range.end.cmp(&b.range.end))
    };
    let compare = |a: &Arc<Annotation>, b: &Arc<Annotation>| -> Ordering {
        let primary = match query.sort {
            SortKey::Article => titles
                .get(&a.article)
                .map(|t| t.to_lowercase())
                .cmp(&titles.get(&b.article).map(|t| t.to_lowercase())),
            SortKey::Stance => labels.get(&a.stance).cmp(&labels.get(&b.stance)),
            SortKey::Quote => a.quote.to_lowercase().cmp(&b.quote.to_lowercase()),
            SortKey::Note => a.note.to_lowercase().cmp(&b.note.to_lowercase()),
            SortKey::Analyst => project
                .analyst_name(&a.analyst)
                .to_lowercase()
                .cmp(&project.analyst_name(&b.analyst).to_lowercase()),
            SortKey::Created => a.created.cmp(&b.created),
            SortKey::Actor => {
                let name = |x: &Annotation| {
                    x.actor
                        .as_ref()
                        .map(|id| project.actors.name(id).to_lowercase())
                };
                // No actor last, whichever way.
                match (name(a), name(b)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            }
            SortKey::Position => match (a.position, b.position) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let primary = if query.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| by_place(a, b))
    };
    if progress.is_cancelled() {
        return None;
    }
    match query.sort {
        // Lower-casing once per row, not once per comparison.
        SortKey::Quote | SortKey::Note | SortKey::Article => {
            let key = |a: &Annotation| match query.sort {
                SortKey::Quote => a.quote.to_lowercase(),
                SortKey::Note => a.note.to_lowercase(),
                _ => titles
                    .get(&a.article)
                    .map(|t| t.to_lowercase())
                    .unwrap_or_default(),
            };
            let mut keyed: Vec<(String, Arc<Annotation>)> =
                out.into_iter().map(|a| (key(&a), a)).collect();
            keyed.sort_by(|(ka, a), (kb, b)| {
                let primary = if query.descending {
                    kb.cmp(ka)
                } else {
                    ka.cmp(kb)
                };
                primary.then_with(|| by_place(a, b))
            });
            out = keyed.into_iter().map(|(_, a)| a).collect();
        }
        _ => out.sort_by(compare),
    }
    progress.set_done(project.annotations.len() as u64);
    Some(out)
}

fn contains_folded(haystack: &str, lowered_needle: &str) -> bool {
    if haystack.is_ascii() && lowered_needle.is_ascii() {
        haystack
            .as_bytes()
            .windows(lowered_needle.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(lowered_needle.as_bytes()))
    } else {
        haystack.to_lowercase().contains(lowered_needle)
    }
}

/// Every analyst with annotations in the project (id and name), by name.
pub fn analysts(project: &Project) -> Vec<(AnalystId, String)> {
    let mut out: Vec<(AnalystId, String)> = project
        .annotations
        .analysts()
        .into_iter()
        .map(|id| (id.clone(), project.analyst_name(id).to_owned()))
        .collect();
    out.sort_by_key(|a| a.1.to_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Article, Stance, TextRange};

    fn project() -> Project {
        let mut p = Project::new("t");
        p.stances.0.push(Stance {
            id: StanceId::new("supply-chain"),
            label: "supply chain".to_owned(),
            color: crate::core::model::Rgb([1, 2, 3]),
            description: String::new(),
            hotkey: None,
            parent: Some(StanceId::new("security")),
            code: None,
            group: false,
        });
        let b = Arc::new(Article::new(
            "Beta",
            "Zeta alpha. Chips and more chips. Élan.",
        ));
        let a = Arc::new(Article::new("alpha", "Mid text here and there."));
        p.articles.push(b.clone());
        p.articles.push(a.clone());
        let mut add = |art: &Arc<Article>,
                       start: usize,
                       end: usize,
                       stance: &str,
                       note: &str,
                       who: &str,
                       t: i64| {
            let range = TextRange { start, end };
            p.annotations
                .insert(Arc::new(Annotation {
                    note: note.to_owned(),
                    ..Annotation::new(
                        art.id,
                        range,
                        crate::core::text::slice_chars(&art.text, range).to_owned(),
                        StanceId::new(stance),
                        AnalystId::new(who),
                        chrono::DateTime::from_timestamp(t, 0).unwrap(),
                    )
                }))
                .unwrap();
        };
        add(&b, 0, 4, "regulation", "", "ann", 30);
        add(&b, 12, 17, "supply-chain", "About CHIPS", "bob", 10);
        add(&b, 34, 38, "security", "", "ann", 20);
        add(&a, 0, 3, "pro-open-source", "", "cy", 40);
        p.add_missing_analysts();
        p
    }

    fn quotes(p: &Project, q: &TableQuery) -> Vec<String> {
        rows(p, q, &Progress::default())
            .unwrap()
            .iter()
            .map(|a| a.quote.clone())
            .collect()
    }

    #[test]
    fn rows_sort_by_any_column_either_way() {
        let p = project();
        let mut q = TableQuery::default();
        assert_eq!(
            quotes(&p, &q),
            ["Mid", "Zeta", "Chips", "Élan"],
            "alpha before Beta, then by place"
        );
        q.sort = SortKey::Created;
        assert_eq!(quotes(&p, &q), ["Chips", "Élan", "Zeta", "Mid"]);
        q.descending = true;
        assert_eq!(quotes(&p, &q), ["Mid", "Zeta", "Élan", "Chips"]);
        q.sort = SortKey::Quote;
        q.descending = false;
        assert_eq!(quotes(&p, &q), ["Chips", "Mid", "Zeta", "Élan"]);
        q.sort = SortKey::Stance;
        // pro-open-source, regulation, security, security › supply chain
        assert_eq!(quotes(&p, &q), ["Mid", "Zeta", "Élan", "Chips"]);
    }

    #[test]
    fn filters_combine_and_a_stance_takes_its_sub_stances() {
        let p = project();
        let q = TableQuery {
            stance: Some(StanceId::new("security")),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Chips", "Élan"]);
        let q = TableQuery {
            text: "chips".to_owned(),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Chips"], "quote or note, any case");
        let q = TableQuery {
            text: "élan".to_owned(),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Élan"]);
        let q = TableQuery {
            analyst: Some(AnalystId::new("ann")),
            article: Some(p.articles[0].id),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Zeta", "Élan"]);
        let names: Vec<String> = analysts(&p).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["ann", "bob", "cy"]);
    }

    #[test]
    fn actor_and_position_filter_and_sort() {
        let mut p = project();
        let mut book = p.actors.clone();
        let x = book.new_actor("Xavier", crate::core::actors::ActorKind::Person);
        book.actors.push(x.clone());
        let b = book.new_actor("Bea", crate::core::actors::ActorKind::Person);
        book.actors.push(b.clone());
        p.actors = book;
        let set = |p: &mut Project, quote: &str, actor: Option<&ActorId>, position: Option<i32>| {
            let a = p
                .annotations
                .iter()
                .find(|a| a.quote == quote)
                .unwrap()
                .clone();
            let mut a = (*a).clone();
            a.actor = actor.cloned();
            a.position = position;
            p.annotations.replace(Arc::new(a)).unwrap();
        };
        set(&mut p, "Zeta", Some(&x.id), Some(1));
        set(&mut p, "Chips", Some(&b.id), Some(-1));
        set(&mut p, "Mid", Some(&x.id), None);
        let q = TableQuery {
            actor: Some(Some(x.id.clone())),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Mid", "Zeta"]);
        let q = TableQuery {
            actor: Some(None),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Élan"]);
        let q = TableQuery {
            position: Some(Some(-1)),
            ..TableQuery::default()
        };
        assert_eq!(quotes(&p, &q), ["Chips"]);
        let mut q = TableQuery {
            sort: SortKey::Actor,
            ..TableQuery::default()
        };
        // Ties by place: Beta (first in the list) before alpha; no actor last.
        assert_eq!(quotes(&p, &q), ["Chips", "Zeta", "Mid", "Élan"]);
        q.sort = SortKey::Position;
        assert_eq!(quotes(&p, &q), ["Chips", "Zeta", "Élan", "Mid"]);
    }
}
