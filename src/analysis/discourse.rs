//! Discourse networks of a project: its annotations as DNA statements ("actor refers to stance
//! with a position"), filtered, deduplicated and counted into the networks of [`super::network`].
//!
//! A statement is an annotation that names an actor. Its qualifier is its position (+1 / 0 /
//! −1, or a point of the project's scale; an annotation without a position counts as 0, and
//! how many did is reported); without the qualifier every statement has level 0. Without a
//! project scale the levels are −1…+1 (R = 2), so supports and opposes alone behave as DNA's
//! yes/no agreement. At organisation level a person counts as their organisation (one
//! without counts as themselves).
//!
//! Nodes: actors sorted by name (case aside, then id), stances in scheme order. Without
//! isolates a network has the nodes of the statements that pass the filters; with isolates,
//! those of every statement (the others as zero rows and columns). Time windows keep one node
//! set for all windows, so windows compare.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::network::{
    self, Cube, Dated, Duplicates, NetworkError, OneModeAggregation, OneModeNormalization, Span,
    Statement, TwoModeAggregation, TwoModeNormalization,
};
use crate::core::actors::ActorId;
use crate::core::model::{AnnotationId, Project, StanceId, parse_article_date};

/// Whether rows and columns are the same nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkType {
    /// Row × row (actors through stances, or stances through actors).
    OneMode,
    /// Row × column (actors × stances).
    TwoMode,
}

/// A node: a stable id, a label people read, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// A stable id (an actor or stance id).
    pub id: String,
    /// The name shown.
    pub label: String,
    /// What the node is: `person`, `organisation`, `stance`.
    pub kind: String,
}

/// A network ready to show or write.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// One-mode or two-mode.
    pub kind: NetworkType,
    /// The row nodes.
    pub rows: Vec<Node>,
    /// The column nodes (the row nodes again for a one-mode network).
    pub columns: Vec<Node>,
    /// Weights, `rows` × `columns`.
    pub matrix: Vec<Vec<f64>>,
    /// The network of each time window (empty without windows).
    pub windows: Vec<NetworkWindow>,
}

/// One time window's network: the statements of articles dated in `[start, end]`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkWindow {
    /// The first moment of the window.
    pub start: NaiveDateTime,
    /// The last moment of the window.
    pub end: NaiveDateTime,
    /// How many statements it counted.
    pub statements: usize,
    /// Weights, as the whole network's.
    pub matrix: Vec<Vec<f64>>,
}

/// Which nodes a one-mode network has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    /// Actor × actor through shared stances.
    Actors,
    /// Stance × stance through shared actors.
    Stances,
}

/// Who an actor node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Each person and organisation as coded.
    Person,
    /// A person counts as their organisation.
    Organisation,
}

/// How statements are weighed (the names DNA uses; which fit depends on the type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// Whatever the qualifier.
    Ignore,
    /// Agreement (one-mode).
    Congruence,
    /// Disagreement (one-mode).
    Conflict,
    /// Congruence − conflict (one-mode) or supports − opposes (two-mode).
    Subtract,
    /// 0 none, 1 supports, 2 opposes, 3 both (two-mode).
    Combine,
}

impl Aggregation {
    /// Every aggregation, by the name the command line and the window use.
    pub const ALL: [(Self, &'static str); 5] = [
        (Self::Ignore, "ignore"),
        (Self::Congruence, "congruence"),
        (Self::Conflict, "conflict"),
        (Self::Subtract, "subtract"),
        (Self::Combine, "combine"),
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |x| x.1)
    }

    /// The aggregations a network type takes.
    pub fn fitting(kind: NetworkType) -> &'static [Self] {
        match kind {
            NetworkType::OneMode => &[
                Self::Ignore,
                Self::Congruence,
                Self::Conflict,
                Self::Subtract,
            ],
            NetworkType::TwoMode => &[Self::Ignore, Self::Subtract, Self::Combine],
        }
    }
}

/// How weights are normalised (which fit depends on the type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// As aggregated.
    None,
    /// One-mode: by the average activity of the pair.
    Average,
    /// One-mode: Jaccard.
    Jaccard,
    /// One-mode: cosine (DNA's definition).
    Cosine,
    /// Two-mode: by the actor's statements.
    Activity,
    /// Two-mode: by the stance's statements.
    Prominence,
}

impl Normalization {
    /// Every normalisation, by name.
    pub const ALL: [(Self, &'static str); 6] = [
        (Self::None, "no"),
        (Self::Average, "average"),
        (Self::Jaccard, "jaccard"),
        (Self::Cosine, "cosine"),
        (Self::Activity, "activity"),
        (Self::Prominence, "prominence"),
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |x| x.1)
    }

    /// The normalisations a network type takes.
    pub fn fitting(kind: NetworkType) -> &'static [Self] {
        match kind {
            NetworkType::OneMode => &[Self::None, Self::Average, Self::Jaccard, Self::Cosine],
            NetworkType::TwoMode => &[Self::None, Self::Activity, Self::Prominence],
        }
    }
}

/// What a filter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The statement's actor (as coded, or its organisation): id, name or alias.
    Actor,
    /// The stance: id or label.
    Stance,
    /// The article's outlet.
    Outlet,
    /// The article's type.
    Type,
}

/// Leave out (or keep only) the statements whose `field` is `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// What is compared.
    pub field: Field,
    /// The value (case aside).
    pub value: String,
    /// `true`: keep only matching statements (several `only` filters of a field: any of
    /// them); `false`: leave matching ones out.
    pub only: bool,
}

/// Everything that defines a network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkOptions {
    /// One-mode or two-mode.
    pub kind: NetworkType,
    /// The nodes of a one-mode network.
    pub of: Of,
    /// Persons, or persons counted as their organisations.
    pub level: Level,
    /// Whether the position is the qualifier (else every statement is alike).
    pub qualifier: bool,
    /// How statements are weighed.
    pub aggregation: Aggregation,
    /// How weights are normalised.
    pub normalization: Normalization,
    /// Which repeated statements count once.
    pub duplicates: Duplicates,
    /// Keep the nodes of filtered-out statements as zero rows and columns.
    pub isolates: bool,
    /// Statements left out or kept.
    pub filters: Vec<Filter>,
    /// Only articles dated from this moment.
    pub from: Option<NaiveDateTime>,
    /// Only articles dated before this moment.
    pub to: Option<NaiveDateTime>,
    /// Moving windows: width and step.
    pub window: Option<(Span, Span)>,
}

impl Default for NetworkOptions {
    /// DNA's default: organisations' congruence network through shared stances.
    fn default() -> Self {
        Self {
            kind: NetworkType::OneMode,
            of: Of::Actors,
            level: Level::Organisation,
            qualifier: true,
            aggregation: Aggregation::Congruence,
            normalization: Normalization::None,
            duplicates: Duplicates::Include,
            isolates: false,
            filters: Vec::new(),
            from: None,
            to: None,
            window: None,
        }
    }
}

/// Why a network cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// The aggregation does not fit the network type.
    #[error("the {aggregation} aggregation does not fit a {kind} network; use {fitting}")]
    Aggregation {
        /// The aggregation asked for.
        aggregation: &'static str,
        /// The network type.
        kind: &'static str,
        /// Those that fit.
        fitting: String,
    },
    /// The normalisation does not fit the network type.
    #[error("the {normalization} normalisation does not fit a {kind} network; use {fitting}")]
    Normalization {
        /// The normalisation asked for.
        normalization: &'static str,
        /// The network type.
        kind: &'static str,
        /// Those that fit.
        fitting: String,
    },
    /// A window's width and step are not both periods or both statement counts, or are 0.
    #[error(
        "a time window needs a width and a step over 0, both in days, weeks or months (d, w, m) or both in statements (s)"
    )]
    Window,
    /// From the network module.
    #[error(transparent)]
    Network(#[from] NetworkError),
}

fn kind_name(kind: NetworkType) -> &'static str {
    match kind {
        NetworkType::OneMode => "one-mode",
        NetworkType::TwoMode => "two-mode",
    }
}

impl NetworkOptions {
    /// Whether the aggregation and normalisation fit the type (the error names those that do).
    pub fn check(&self) -> Result<(), OptionsError> {
        if !Aggregation::fitting(self.kind).contains(&self.aggregation) {
            return Err(OptionsError::Aggregation {
                aggregation: self.aggregation.name(),
                kind: kind_name(self.kind),
                fitting: Aggregation::fitting(self.kind)
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if !Normalization::fitting(self.kind).contains(&self.normalization) {
            return Err(OptionsError::Normalization {
                normalization: self.normalization.name(),
                kind: kind_name(self.kind),
                fitting: Normalization::fitting(self.kind)
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if self.aggregation == Aggregation::Combine && self.normalization != Normalization::None {
            return Err(NetworkError::CombineNormalized.into());
        }
        Ok(())
    }
}

/// Parses a span: `N` followed by `d`, `w`, `m` or `s` (days, weeks, months, statements).
pub fn parse_span(text: &str) -> Option<Span> {
    let t = text.trim();
    let unit = t.chars().last()?;
    let n: u32 = t[..t.len() - unit.len_utf8()].parse().ok()?;
    match unit.to_ascii_lowercase() {
        'd' => Some(Span::Days(n)),
        'w' => Some(Span::Weeks(n)),
        'm' => Some(Span::Months(n)),
        's' => Some(Span::Statements(n)),
        _ => None,
    }
}

/// The first moment after the period a date names (`2024` → 2025-01-01, `2024-03` →
/// 2024-04-01, `2024-03-05` → 2024-03-06; with a time, one second after it), for an inclusive
/// `--to`.
pub fn end_of_period(text: &str) -> Option<NaiveDateTime> {
    let start = parse_article_date(text)?;
    let t = text.trim();
    Some(if t.len() == 4 {
        start.checked_add_months(chrono::Months::new(12))?
    } else if t.len() == 7 {
        start.checked_add_months(chrono::Months::new(1))?
    } else if t.len() == 10 {
        start + chrono::Duration::days(1)
    } else {
        start + chrono::Duration::seconds(1)
    })
}

/// What went into a network, for the analyst to know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkReport {
    /// Statements counted (after filters and duplicates).
    pub statements: usize,
    /// Annotations without an actor (not statements).
    pub without_actor: usize,
    /// Statements without a position (counted as neutral).
    pub without_position: usize,
    /// Statements left out by the filters or the date range.
    pub filtered_out: usize,
    /// Statements left out as duplicates.
    pub duplicates: usize,
    /// Titles of articles with statements whose date cannot be read (and their date text).
    pub undated: Vec<String>,
}

/// A network with where each node's statements come from.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscourseNetwork {
    /// The network.
    pub network: Network,
    /// The annotations counted for each row node.
    pub row_passages: Vec<Vec<AnnotationId>>,
    /// The annotations counted for each column node.
    pub column_passages: Vec<Vec<AnnotationId>>,
    /// The annotations counted in each window (by window).
    pub window_passages: Vec<Vec<AnnotationId>>,
    /// What went in.
    pub report: NetworkReport,
}

/// A statement of the project before counting.
struct Raw {
    annotation: AnnotationId,
    actor: ActorId,
    stance: StanceId,
    level: i64,
    article: usize,
    date: Option<NaiveDateTime>,
    outlet: String,
    kind: String,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The network `options` define over `project` (choose layers first with
/// [`Project::only_layers`]).
pub fn build(
    project: &Project,
    options: &NetworkOptions,
) -> Result<DiscourseNetwork, OptionsError> {
    options.check()?;
    if let Some((width, step)) = options.window {
        let counts = |s: Span| matches!(s, Span::Statements(_));
        let size = |s: Span| match s {
            Span::Days(n) | Span::Weeks(n) | Span::Months(n) | Span::Statements(n) => n,
        };
        if size(width) == 0 || size(step) == 0 || counts(width) != counts(step) {
            return Err(OptionsError::Window);
        }
    }
    let book = &project.actors;
    let mut report = NetworkReport::default();
    let article_index: BTreeMap<_, usize> = project
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let mut undated: BTreeMap<usize, String> = BTreeMap::new();
    let mut raws = Vec::new();
    for ann in project.annotations.iter() {
        let Some(actor) = &ann.actor else {
            report.without_actor += 1;
            continue;
        };
        let Some(&article) = article_index.get(&ann.article) else {
            continue;
        };
        let a = &project.articles[article];
        let date = a.meta.when();
        if date.is_none() {
            undated
                .entry(article)
                .or_insert_with(|| match &a.meta.date {
                    Some(d) if !d.trim().is_empty() => format!("{} (date “{d}”)", a.title),
                    _ => format!("{} (no date)", a.title),
                });
        }
        if ann.position.is_none() && options.qualifier {
            report.without_position += 1;
        }
        let node_actor = match options.level {
            Level::Person => actor.clone(),
            Level::Organisation => book.organisation_level(actor).clone(),
        };
        raws.push(Raw {
            annotation: ann.id,
            actor: node_actor,
            stance: ann.stance.clone(),
            level: if options.qualifier {
                i64::from(ann.position.unwrap_or(0))
            } else {
                0
            },
            article,
            date,
            outlet: a.meta.outlet.clone().unwrap_or_default(),
            kind: a.meta.kind.clone().unwrap_or_default(),
        });
    }
    // A stable order whatever the store's: by article, then passage.
    raws.sort_by_key(|r| {
        let ann = project.annotations.get(r.annotation).expect("listed");
        (r.article, ann.range.start, ann.range.end, r.annotation)
    });
    report.undated = undated.into_values().collect();

    let matches = |raw: &Raw, filter: &Filter| -> bool {
        let v = filter.value.as_str();
        match filter.field {
            Field::Actor => {
                let coded = project
                    .annotations
                    .get(raw.annotation)
                    .and_then(|a| a.actor.clone());
                [Some(raw.actor.clone()), coded]
                    .iter()
                    .flatten()
                    .any(|id| id.as_str() == v || book.get(id).is_some_and(|a| a.answers_to(v)))
            }
            Field::Stance => {
                raw.stance.as_str() == v
                    || project
                        .stances
                        .get(&raw.stance)
                        .is_some_and(|s| same(&s.label, v))
            }
            Field::Outlet => same(&raw.outlet, v),
            Field::Type => same(&raw.kind, v),
        }
    };
    let passes = |raw: &Raw| -> bool {
        for field in [Field::Actor, Field::Stance, Field::Outlet, Field::Type] {
            let only: Vec<&Filter> = options
                .filters
                .iter()
                .filter(|f| f.field == field && f.only)
                .collect();
            if !only.is_empty() && !only.iter().any(|f| matches(raw, f)) {
                return false;
            }
        }
        if options.filters.iter().any(|f| !f.only && matches(raw, f)) {
            return false;
        }
        if options.from.is_some() || options.to.is_some() {
            let Some(date) = raw.date else {
                return false;
            };
            if options.from.is_some_and(|from| date < from)
                || options.to.is_some_and(|to| date >= to)
            {
                return false;
            }
        }
        true
    };
    let kept: Vec<&Raw> = raws.iter().filter(|r| passes(r)).collect();
    report.filtered_out = raws.len() - kept.len();

    // Nodes.
    let node_source: Vec<&Raw> = if options.isolates {
        raws.iter().collect()
    } else {
        kept.clone()
    };
    let mut actor_ids: Vec<ActorId> = node_source.iter().map(|r| r.actor.clone()).collect();
    actor_ids.sort_by(|a, b| {
        book.name(a)
            .to_lowercase()
            .cmp(&book.name(b).to_lowercase())
            .then_with(|| a.cmp(b))
    });
    actor_ids.dedup();
    let used_stances: std::collections::BTreeSet<&StanceId> =
        node_source.iter().map(|r| &r.stance).collect();
    let stance_ids: Vec<StanceId> = project
        .stances
        .0
        .iter()
        .filter(|s| used_stances.contains(&s.id))
        .map(|s| s.id.clone())
        .collect();
    let actor_at: BTreeMap<&ActorId, usize> =
        actor_ids.iter().enumerate().map(|(i, a)| (a, i)).collect();
    let stance_at: BTreeMap<&StanceId, usize> =
        stance_ids.iter().enumerate().map(|(i, s)| (s, i)).collect();
    let actor_nodes: Vec<Node> = actor_ids
        .iter()
        .map(|id| Node {
            id: id.to_string(),
            label: book.name(id).to_owned(),
            kind: book.get(id).map_or("person", |a| a.kind.name()).to_owned(),
        })
        .collect();
    let stance_nodes: Vec<Node> = stance_ids
        .iter()
        .map(|id| Node {
            id: id.to_string(),
            label: project
                .stances
                .get(id)
                .map_or(id.as_str(), |s| s.label.as_str())
                .to_owned(),
            kind: "stance".to_owned(),
        })
        .collect();

    let dated: Vec<Dated> = kept
        .iter()
        .map(|r| Dated {
            statement: Statement {
                actor: actor_at[&r.actor],
                concept: stance_at[&r.stance],
                qualifier: r.level,
            },
            article: r.article,
            date: r.date,
        })
        .collect();
    let scale = if !options.qualifier {
        None
    } else {
        Some(
            book.scale
                .map_or((-1, 1), |s| (i64::from(s.min), i64::from(s.max))),
        )
    };
    let matrix_of = |dated: &[Dated]| -> Result<(Vec<Vec<f64>>, Vec<usize>), OptionsError> {
        let (kept_idx, statements): (Vec<usize>, Vec<Statement>) = {
            let unique = network::without_duplicates(dated, options.duplicates);
            // Which of `dated` survived: without_duplicates keeps the first of each, in order.
            let mut idx = Vec::with_capacity(unique.len());
            let mut u = 0;
            for (i, d) in dated.iter().enumerate() {
                if u < unique.len() && unique[u] == *d {
                    idx.push(i);
                    u += 1;
                }
            }
            (idx, unique.iter().map(|d| d.statement).collect())
        };
        let cube = Cube::new(actor_ids.len(), stance_ids.len(), &statements, scale);
        let m = match options.kind {
            NetworkType::TwoMode => network::two_mode(
                &cube,
                match options.aggregation {
                    Aggregation::Subtract => TwoModeAggregation::Subtract,
                    Aggregation::Combine => TwoModeAggregation::Combine,
                    _ => TwoModeAggregation::Ignore,
                },
                match options.normalization {
                    Normalization::Activity => TwoModeNormalization::Activity,
                    Normalization::Prominence => TwoModeNormalization::Prominence,
                    _ => TwoModeNormalization::None,
                },
            )?,
            NetworkType::OneMode => {
                let cube = match options.of {
                    Of::Actors => cube,
                    Of::Stances => cube.transposed(),
                };
                network::one_mode(
                    &cube,
                    match options.aggregation {
                        Aggregation::Congruence => OneModeAggregation::Congruence,
                        Aggregation::Conflict => OneModeAggregation::Conflict,
                        Aggregation::Subtract => OneModeAggregation::Subtract,
                        _ => OneModeAggregation::Ignore,
                    },
                    match options.normalization {
                        Normalization::Average => OneModeNormalization::Average,
                        Normalization::Jaccard => OneModeNormalization::Jaccard,
                        Normalization::Cosine => OneModeNormalization::Cosine,
                        _ => OneModeNormalization::None,
                    },
                )
            }
        };
        Ok((m, kept_idx))
    };
    let (matrix, counted) = matrix_of(&dated)?;
    report.statements = counted.len();
    report.duplicates = dated.len() - counted.len();

    let (rows, columns) = match (options.kind, options.of) {
        (NetworkType::TwoMode, _) => (actor_nodes, stance_nodes),
        (NetworkType::OneMode, Of::Actors) => (actor_nodes.clone(), actor_nodes),
        (NetworkType::OneMode, Of::Stances) => (stance_nodes.clone(), stance_nodes),
    };
    let mut actor_passages = vec![Vec::new(); actor_ids.len()];
    let mut stance_passages = vec![Vec::new(); stance_ids.len()];
    for &i in &counted {
        let s = dated[i].statement;
        actor_passages[s.actor].push(kept[i].annotation);
        stance_passages[s.concept].push(kept[i].annotation);
    }
    let (row_passages, column_passages) = match (options.kind, options.of) {
        (NetworkType::TwoMode, _) => (actor_passages, stance_passages),
        (NetworkType::OneMode, Of::Actors) => (actor_passages.clone(), actor_passages),
        (NetworkType::OneMode, Of::Stances) => (stance_passages.clone(), stance_passages),
    };

    let mut windows = Vec::new();
    let mut window_passages = Vec::new();
    if let Some((width, step)) = options.window {
        for w in network::windows(&dated, width, step).ok_or(OptionsError::Window)? {
            let inside: Vec<Dated> = w.statements.iter().map(|&i| dated[i]).collect();
            let (m, counted) = matrix_of(&inside)?;
            window_passages.push(
                counted
                    .iter()
                    .map(|&k| kept[w.statements[k]].annotation)
                    .collect(),
            );
            windows.push(NetworkWindow {
                start: w.start,
                end: w.end,
                statements: counted.len(),
                matrix: m,
            });
        }
    }
    Ok(DiscourseNetwork {
        network: Network {
            kind: options.kind,
            rows,
            columns,
            matrix,
            windows,
        },
        row_passages,
        column_passages,
        window_passages,
        report,
    })
}

/// A network over `project` by names, as the command line gives them: `kind` (`twomode`,
/// `onemode`), `aggregation` and `normalization` names (`none` is `no`).
pub fn parse_aggregation(name: &str) -> Option<Aggregation> {
    Aggregation::ALL
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(a, _)| *a)
}

/// The normalisation a name stands for (`none` is `no`).
pub fn parse_normalization(name: &str) -> Option<Normalization> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("none") {
        return Some(Normalization::None);
    }
    Normalization::ALL
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(a, _)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::actors::ActorKind;
    use crate::core::model::{Annotation, Article, TextRange};

    /// Three articles (two dated), actors A (person of org O), B, and statements on two stances.
    fn project() -> Project {
        let mut p = Project::new("n");
        let text = "0123456789".repeat(5);
        let mut arts = Vec::new();
        for (title, date, outlet) in [
            ("one", Some("2024-01-10"), "Times"),
            ("two", Some("2024-02-20"), "Post"),
            ("three", Some("spring"), "Post"),
        ] {
            let mut a = Article::new(title, &text);
            a.meta.date = date.map(str::to_owned);
            a.meta.outlet = Some(outlet.to_owned());
            arts.push(a.id);
            p.articles.push(a.into());
        }
        let org = p.actors.new_actor("Org", ActorKind::Organisation);
        p.actors.actors.push(org.clone());
        let mut a = p.actors.new_actor("Alice", ActorKind::Person);
        a.organisation = Some(org.id.clone());
        p.actors.actors.push(a.clone());
        let b = p.actors.new_actor("Bob", ActorKind::Person);
        p.actors.actors.push(b.clone());
        let statements = [
            (0, &a.id, "regulation", 1, 0),
            (0, &b.id, "regulation", -1, 5),
            (0, &b.id, "security", 1, 10),
            (1, &a.id, "security", 1, 0),
            (1, &a.id, "security", 1, 5),
            (2, &b.id, "security", 1, 0),
        ];
        for (article, actor, stance, position, start) in statements {
            let mut ann = Annotation::new(
                arts[article],
                TextRange {
                    start,
                    end: start + 3,
                },
                text[start..start + 3].to_owned(),
                StanceId::new(stance),
                "x",
                chrono::Utc::now(),
            );
            ann.actor = Some(actor.clone());
            ann.position = Some(position);
            p.push_annotation(ann);
        }
        p
    }

    fn labels(nodes: &[Node]) -> Vec<&str> {
        nodes.iter().map(|n| n.label.as_str()).collect()
    }

    #[test]
    fn congruence_and_conflict_at_person_and_organisation_level() {
        let p = project();
        let person = NetworkOptions {
            level: Level::Person,
            ..NetworkOptions::default()
        };
        let n = build(&p, &person).unwrap();
        assert_eq!(labels(&n.network.rows), ["Alice", "Bob"]);
        // Alice: regulation +1, security +1 ×2; Bob: regulation −1, security +1 ×2.
        // Congruence: regulation 1·1·0 + security 2·2·1 = 4; conflict: 1·1·1 = 1.
        assert_eq!(n.network.matrix, vec![vec![0.0, 4.0], vec![4.0, 0.0]]);
        let conflict = NetworkOptions {
            aggregation: Aggregation::Conflict,
            ..person.clone()
        };
        assert_eq!(build(&p, &conflict).unwrap().network.matrix[0][1], 1.0);
        let org = build(&p, &NetworkOptions::default()).unwrap();
        assert_eq!(
            labels(&org.network.rows),
            ["Bob", "Org"],
            "Alice counts for Org"
        );
        assert_eq!(org.row_passages[1].len(), 3);
        assert_eq!(org.report.undated, ["three (date “spring”)"]);
    }

    #[test]
    fn two_mode_filters_dates_isolates_duplicates_and_windows() {
        let p = project();
        let two = NetworkOptions {
            kind: NetworkType::TwoMode,
            level: Level::Person,
            aggregation: Aggregation::Subtract,
            ..NetworkOptions::default()
        };
        let n = build(&p, &two).unwrap();
        assert_eq!(labels(&n.network.columns), ["regulation", "security"]);
        assert_eq!(n.network.matrix, vec![vec![1.0, 2.0], vec![-1.0, 2.0]]);
        // Duplicates per article: Alice's two security statements in article two count once.
        let dedup = NetworkOptions {
            duplicates: Duplicates::Article,
            ..two.clone()
        };
        let d = build(&p, &dedup).unwrap();
        assert_eq!(d.network.matrix[0][1], 1.0);
        assert_eq!(d.report.duplicates, 1);
        // Only the Post outlet, from February: Alice's article-two statements only (the
        // undated article is out of any date range).
        let filtered = NetworkOptions {
            filters: vec![Filter {
                field: Field::Outlet,
                value: "post".into(),
                only: true,
            }],
            from: parse_article_date("2024-02"),
            ..two.clone()
        };
        let f = build(&p, &filtered).unwrap();
        assert_eq!(labels(&f.network.rows), ["Alice"]);
        assert_eq!(labels(&f.network.columns), ["security"]);
        assert_eq!(f.report.filtered_out, 4);
        let isolates = build(
            &p,
            &NetworkOptions {
                isolates: true,
                ..filtered.clone()
            },
        )
        .unwrap();
        assert_eq!(labels(&isolates.network.rows), ["Alice", "Bob"]);
        assert_eq!(isolates.network.matrix[1], vec![0.0, 0.0]);
        // Excluding a stance by its label; excluding an actor by name.
        let excluded = NetworkOptions {
            filters: vec![
                Filter {
                    field: Field::Stance,
                    value: "Regulation".into(),
                    only: false,
                },
                Filter {
                    field: Field::Actor,
                    value: "bob".into(),
                    only: false,
                },
            ],
            ..two.clone()
        };
        let e = build(&p, &excluded).unwrap();
        assert_eq!(labels(&e.network.rows), ["Alice"]);
        assert_eq!(e.network.matrix, vec![vec![2.0]]);
        // Monthly windows over the dated statements: January (3) and February (2).
        let windows = NetworkOptions {
            window: Some((Span::Months(1), Span::Months(1))),
            ..two
        };
        let w = build(&p, &windows).unwrap();
        let counts: Vec<usize> = w.network.windows.iter().map(|w| w.statements).collect();
        assert_eq!(counts, [3, 2]);
        assert_eq!(
            w.network.windows[1].matrix,
            vec![vec![0.0, 2.0], vec![0.0, 0.0]]
        );
    }

    #[test]
    fn options_that_do_not_fit_say_which_do() {
        let bad = NetworkOptions {
            aggregation: Aggregation::Combine,
            ..NetworkOptions::default()
        };
        let e = build(&project(), &bad).unwrap_err().to_string();
        assert!(e.contains("ignore, congruence, conflict, subtract"), "{e}");
        let bad = NetworkOptions {
            kind: NetworkType::TwoMode,
            aggregation: Aggregation::Ignore,
            normalization: Normalization::Cosine,
            ..NetworkOptions::default()
        };
        assert!(
            build(&project(), &bad)
                .unwrap_err()
                .to_string()
                .contains("activity")
        );
        assert_eq!(parse_span("3w"), Some(Span::Weeks(3)));
        assert_eq!(parse_span("w"), None);
        assert_eq!(parse_normalization("none"), Some(Normalization::None));
        assert_eq!(
            end_of_period("2024-02").map(|d| d.to_string()).as_deref(),
            Some("2024-03-01 00:00:00")
        );
    }
}
