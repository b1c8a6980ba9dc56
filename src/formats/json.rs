//! stancemark's own export, as JSON or RON (the same [`Export`] value): the stance scheme,
//! every article with its full text (so the export alone is enough to work with) and one flat
//! record per annotation. Offsets are code points, half-open, so `text[start:end] == quote`
//! holds in Python for every anchored record; an orphan has `"orphaned": true`, its quote and
//! null offsets. The JSON shape is described by `schema/export.schema.json`.
//!
//! History: 1 — first version; 2 — orphans exported with null offsets and `orphaned`, stances
//! with their `parent`; 3 — memos; 4 — the project's `analysts` (`id`, `name`, `color`) and
//! each annotation's `analyst_id` (`annotator` stays, as the analyst's display name); 5 — who
//! holds the stance: the project's `actors`, `actor_types` and `position_scale`, each
//! annotation's `actor_id`, `actor` (name) and `position`, each article's `section`, `type` and
//! `notes`; 6 — codebooks and units: each stance's `code` and `group`, each article's `units`
//! (`start`, `end`, `heading`). Exports of versions 1 to 5 still import: their annotator names become analysts.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::core::actors::{Actor, ActorBook, ActorId, ActorKind, PositionScale};
use crate::core::model::{
    Analyst, AnalystId, Annotation, Article, ArticleMeta, Project, Rgb, Stance, StanceId,
    StanceScheme, TextRange,
};
use crate::storage::{self, LoadError};

/// Identifies the kind of document, for tools that receive many kinds of JSON.
pub const EXPORT_FORMAT: &str = "stancemark-export";
/// Version of the export shape; bumped on any change. 1 — first; 2 — orphans with null
/// offsets, stance parents; 3 — the project's and each article's `memo`; 4 — analysts; 5 —
/// actors and positions, articles' section, type and notes; 6 — stance codes and groups,
/// articles' units.
pub const EXPORT_VERSION: u32 = 6;

/// One actor of the project (version 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportActor {
    /// Stable slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `person` or `organisation`.
    pub kind: String,
    /// The actor type (government, NGO…); empty when unset.
    #[serde(default, rename = "type")]
    pub actor_type: String,
    /// Other names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `#rrggbb`.
    pub color: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// For a person: the id of their organisation.
    #[serde(default)]
    pub organisation_id: Option<String>,
}

/// One analyst of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportAnalyst {
    /// Stable slug (`dana`, `ana-lopez`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

/// One stance of the scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportStance {
    /// Stable slug.
    pub id: String,
    /// Display label.
    pub label: String,
    /// `#rrggbb`.
    pub color: String,
    /// Meaning of the stance.
    pub description: String,
    /// Digit hotkey, if any.
    pub hotkey: Option<u8>,
    /// The id of the stance this one refines, if any.
    #[serde(default)]
    pub parent: Option<String>,
    /// The codebook's code (`103.1`), if any (export version 6, scheme version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A heading that is never coded itself (version 6, scheme version 2).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub group: bool,
}

/// One article with its full text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportArticle {
    /// Article id (UUID).
    pub id: String,
    /// Title.
    pub title: String,
    /// File it was imported from.
    pub source_path: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// How the text was made from its source (format, encoding, reflowed), so a project made
    /// from this export re-imports its sources the same way; absent when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<crate::core::model::ImportSettings>,
    /// Length of `text` in code points.
    pub char_count: usize,
    /// Full text, `\n` line endings.
    pub text: String,
    /// The article memo (empty when none; absent before version 3).
    #[serde(default)]
    pub memo: String,
    /// The outlet's section (version 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The document type (version 5).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Notes on the document (version 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The coding units, in text order (version 6; absent when not unitised).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<crate::core::model::Unit>,
}

/// One annotation, flattened for tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportAnnotation {
    /// Annotation id (UUID).
    pub id: String,
    /// Article id.
    pub article_id: String,
    /// Article title.
    pub article_title: String,
    /// Stance slug.
    pub stance_id: String,
    /// Stance label.
    pub stance_label: String,
    /// First code point (inclusive); null for an orphan.
    pub start: Option<usize>,
    /// Code point after the last (exclusive); null for an orphan.
    pub end: Option<usize>,
    /// `text[start:end]`; for an orphan, the passage it had.
    pub quote: String,
    /// Analyst's note.
    pub note: String,
    /// Who made it: the analyst's display name.
    pub annotator: String,
    /// Who made it: the analyst's id (absent before version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analyst_id: Option<String>,
    /// RFC 3339 creation time.
    pub created: String,
    /// RFC 3339 last modification time.
    pub modified: String,
    /// True when the passage is gone from the text (then `start` and `end` are null).
    #[serde(default)]
    pub orphaned: bool,
    /// For an orphan: the text that came before its passage, to find it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// For an orphan: the text that came after its passage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// Who holds the stance: the actor's id (version 5; null when not coded).
    #[serde(default)]
    pub actor_id: Option<String>,
    /// The actor's display name (version 5).
    #[serde(default)]
    pub actor: Option<String>,
    /// The position towards the stance: +1 / 0 / −1 or a value of the project's scale
    /// (version 5; null when not coded).
    #[serde(default)]
    pub position: Option<i32>,
}

/// The whole export document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// [`EXPORT_VERSION`] when written.
    pub format_version: u32,
    /// Project name.
    pub project: String,
    /// The scheme.
    pub stances: Vec<ExportStance>,
    /// The analysts (absent before version 4).
    #[serde(default)]
    pub analysts: Vec<ExportAnalyst>,
    /// All articles in project order.
    pub articles: Vec<ExportArticle>,
    /// All annotations, by article (project order) then start offset; orphans last.
    pub annotations: Vec<ExportAnnotation>,
    /// The project memo (empty when none; absent before version 3).
    #[serde(default)]
    pub memo: String,
    /// The actors (version 5).
    #[serde(default)]
    pub actors: Vec<ExportActor>,
    /// The actor types the project uses (version 5; absent: the default list).
    #[serde(default)]
    pub actor_types: Option<Vec<String>>,
    /// The position scale, `[min, max]` (version 5; null: supports / neutral / opposes).
    #[serde(default)]
    pub position_scale: Option<[i32; 2]>,
}

/// Identifies a stance scheme exported on its own (a codebook a team shares).
pub const SCHEME_FORMAT: &str = "stancemark-scheme";
/// Version of the scheme file's shape: 1 — first; 2 — stances' `code` and `group`.
pub const SCHEME_VERSION: u32 = 2;

/// A stance scheme on its own: `{"format": "stancemark-scheme", "format_version": 1,
/// "stances": [...]}`, each stance as in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeFile {
    /// Always [`SCHEME_FORMAT`].
    pub format: String,
    /// [`SCHEME_VERSION`] when written.
    pub format_version: u32,
    /// The stances, parents before their sub-stances.
    pub stances: Vec<ExportStance>,
}

fn export_stance(s: &Stance) -> ExportStance {
    ExportStance {
        id: s.id.to_string(),
        label: s.label.clone(),
        color: s.color.to_hex(),
        description: s.description.clone(),
        hotkey: s.hotkey,
        parent: s.parent.as_ref().map(ToString::to_string),
        code: s.code.clone(),
        group: s.group,
    }
}

/// The project's stance scheme as a scheme file (pretty JSON, newline-terminated).
pub fn write_scheme(project: &Project) -> String {
    let file = SchemeFile {
        format: SCHEME_FORMAT.to_owned(),
        format_version: SCHEME_VERSION,
        stances: project
            .stances
            .tree()
            .into_iter()
            .map(|(s, _)| export_stance(s))
            .collect(),
    };
    serde_json::to_string_pretty(&file).expect("plain records serialise") + "\n"
}

/// True when `json` looks like a scheme file.
pub fn is_scheme(json: &str) -> bool {
    json.contains(SCHEME_FORMAT)
}

/// Reads a scheme file; a newer version or a broken stance is an error.
pub fn read_scheme(json: &str) -> Result<crate::core::model::StanceScheme, Bad> {
    let file: SchemeFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
    if file.format != SCHEME_FORMAT {
        return Err(format!("not a stance scheme (format {:?})", file.format));
    }
    if file.format_version > SCHEME_VERSION {
        return Err(format!(
            "scheme version {} is newer than this stancemark reads ({SCHEME_VERSION})",
            file.format_version
        ));
    }
    let stances = file
        .stances
        .iter()
        .map(ExportStance::to_stance)
        .collect::<Result<Vec<_>, _>>()?;
    if stances.is_empty() {
        return Err("the scheme has no stances".to_owned());
    }
    Ok(crate::core::model::StanceScheme(stances))
}

impl Export {
    /// Builds the export of a project.
    pub fn from_project(project: &Project) -> Self {
        let stances = project.stances.0.iter().map(export_stance).collect();
        let articles = project
            .articles
            .iter()
            .map(|a| ExportArticle {
                id: a.id.to_string(),
                title: a.title.clone(),
                source_path: a.source_path.clone(),
                author: a.meta.author.clone(),
                outlet: a.meta.outlet.clone(),
                date: a.meta.date.clone(),
                url: a.meta.url.clone(),
                import: a.import.clone(),
                char_count: a.char_len(),
                text: a.text.clone(),
                memo: a.memo.clone(),
                section: a.meta.section.clone(),
                kind: a.meta.kind.clone(),
                notes: a.meta.notes.clone(),
                units: a.units.clone(),
            })
            .collect();
        let annotations = super::rows(project, None)
            .into_iter()
            .map(|row| {
                let ann = row.annotation;
                ExportAnnotation {
                    id: ann.id.to_string(),
                    article_id: row.article.id.to_string(),
                    article_title: row.article.title.clone(),
                    stance_id: ann.stance.to_string(),
                    stance_label: row.stance_label(),
                    start: row.range.map(|r| r.0),
                    end: row.range.map(|r| r.1),
                    quote: ann.quote.clone(),
                    note: ann.note.clone(),
                    annotator: project.analyst_name(&ann.analyst).to_owned(),
                    analyst_id: Some(ann.analyst.to_string()),
                    created: ann.created.to_rfc3339(),
                    modified: ann.modified.to_rfc3339(),
                    orphaned: ann.orphaned,
                    prefix: ann.orphaned.then(|| row.prefix.clone()),
                    suffix: ann.orphaned.then(|| row.suffix.clone()),
                    actor_id: ann.actor.as_ref().map(ToString::to_string),
                    actor: ann
                        .actor
                        .as_ref()
                        .map(|id| project.actors.name(id).to_owned()),
                    position: ann.position,
                }
            })
            .collect();
        Export {
            format: EXPORT_FORMAT.to_owned(),
            format_version: EXPORT_VERSION,
            project: project.name.clone(),
            stances,
            analysts: project
                .analysts
                .iter()
                .map(|a| ExportAnalyst {
                    id: a.id.to_string(),
                    name: a.name.clone(),
                    color: a.color.to_hex(),
                })
                .collect(),
            articles,
            annotations,
            memo: project.memo.clone(),
            actors: project.actors.actors.iter().map(export_actor).collect(),
            actor_types: Some(project.actors.types.clone()),
            position_scale: project.actors.scale.map(|s| [s.min, s.max]),
        }
    }
}

fn export_actor(a: &Actor) -> ExportActor {
    ExportActor {
        id: a.id.to_string(),
        name: a.name.clone(),
        kind: a.kind.name().to_owned(),
        actor_type: a.actor_type.clone(),
        aliases: a.aliases.clone(),
        color: a.color.to_hex(),
        notes: a.notes.clone(),
        organisation_id: a.organisation.as_ref().map(ToString::to_string),
    }
}

impl ExportActor {
    fn to_actor(&self) -> Result<Actor, Bad> {
        Ok(Actor {
            id: ActorId::new(&self.id),
            name: self.name.clone(),
            kind: match self.kind.as_str() {
                "person" => ActorKind::Person,
                "organisation" | "organization" => ActorKind::Organisation,
                other => return Err(format!("actor {}: unknown kind {other:?}", self.id)),
            },
            actor_type: self.actor_type.clone(),
            aliases: self.aliases.clone(),
            color: Rgb::from_hex(&self.color)
                .ok_or_else(|| format!("bad colour {:?}", self.color))?,
            notes: self.notes.clone(),
            organisation: self.organisation_id.as_deref().map(ActorId::new),
        })
    }
}

/// Why a record of a JSON export cannot be turned back into the model.
type Bad = String;

/// A UUID in a record.
pub fn parse_uuid(s: &str) -> Result<uuid::Uuid, Bad> {
    uuid::Uuid::parse_str(s.trim_start_matches("urn:uuid:"))
        .map_err(|e| format!("bad id {s:?}: {e}"))
}

/// An RFC 3339 time in a record.
pub fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, Bad> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("bad time {s:?}: {e}"))
}

impl ExportStance {
    fn to_stance(&self) -> Result<Stance, Bad> {
        Ok(Stance {
            id: StanceId::new(&self.id),
            label: self.label.clone(),
            color: Rgb::from_hex(&self.color)
                .ok_or_else(|| format!("bad colour {:?}", self.color))?,
            description: self.description.clone(),
            hotkey: self.hotkey,
            parent: self.parent.as_deref().map(StanceId::new),
            code: self.code.clone().filter(|c| !c.trim().is_empty()),
            group: self.group,
        })
    }
}

impl ExportArticle {
    fn to_article(&self) -> Result<Article, Bad> {
        Ok(Article {
            id: parse_uuid(&self.id)?,
            title: self.title.clone(),
            source_path: self.source_path.clone(),
            meta: ArticleMeta {
                author: self.author.clone(),
                outlet: self.outlet.clone(),
                date: self.date.clone(),
                url: self.url.clone(),
                section: self.section.clone(),
                kind: self.kind.clone(),
                notes: self.notes.clone(),
            },
            import: self.import.clone(),
            text: self.text.clone(),
            memo: self.memo.clone(),
            units: self.units.clone(),
        })
    }
}

impl ExportAnnotation {
    /// The annotation, by the analyst `analyst` (resolved by the caller from `analyst_id` or
    /// `annotator`).
    fn to_annotation(&self, analyst: AnalystId) -> Result<Annotation, Bad> {
        let range = match (self.start, self.end, self.orphaned) {
            (Some(start), Some(end), false) => TextRange { start, end },
            (_, _, true) => TextRange { start: 0, end: 0 },
            _ => {
                return Err(format!(
                    "annotation {} has no offsets but is not orphaned",
                    self.id
                ));
            }
        };
        Ok(Annotation {
            id: parse_uuid(&self.id)?,
            article: parse_uuid(&self.article_id)?,
            range,
            quote: self.quote.clone(),
            // Anchored: the context is the article text around the range.
            prefix: self.prefix.clone().unwrap_or_default(),
            suffix: self.suffix.clone().unwrap_or_default(),
            orphaned: self.orphaned,
            stance: StanceId::new(&self.stance_id),
            note: self.note.clone(),
            analyst,
            curator: None,
            actor: self.actor_id.as_deref().map(ActorId::new),
            position: self.position,
            created: parse_time(&self.created)?,
            modified: parse_time(&self.modified)?,
        })
    }
}

/// True when `json` looks like a stancemark export (for telling formats apart).
pub fn is_export(json: &str) -> bool {
    let head: String = json.chars().take(400).collect();
    head.contains(EXPORT_FORMAT)
}

/// Rebuilds a project from a JSON export (e.g. one edited in another tool): ids, texts,
/// stances and annotations are taken as they are and validated like a project file. Exports of
/// versions 1 to 3 are read (memos are empty before 3).
pub fn project_from_json_export(path: &Path, json: &str) -> Result<Project, LoadError> {
    let export: Export = serde_json::from_str(json).map_err(|e| parse_error(path, &e))?;
    let project = project_of_export(path, &export)?;
    let problems = project.validate();
    if !problems.is_empty() {
        return Err(LoadError::Invalid {
            path: path.to_owned(),
            problems: storage::problem_messages(json, &problems),
        });
    }
    Ok(project)
}

/// A stancemark JSON export as a project, leaving out (and listing) the annotations that are
/// broken — unreadable records, ranges outside their article, quotes that do not match — so
/// that merging another analyst's work takes the rest. Fails only when the file as a whole
/// cannot be read (not an export, broken JSON, a broken article or stance).
pub fn project_from_json_export_keeping_good(
    path: &Path,
    json: &str,
) -> Result<(Project, Vec<String>), LoadError> {
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| parse_error(path, &e))?;
    let mut left_out = Vec::new();
    if let Some(list) = value.get_mut("annotations").and_then(|v| v.as_array_mut()) {
        let records = std::mem::take(list);
        for (i, record) in records.into_iter().enumerate() {
            match serde_json::from_value::<ExportAnnotation>(record.clone()) {
                Ok(_) => list.push(record),
                Err(e) => left_out.push(format!("annotation {} of the file: {e}", i + 1)),
            }
        }
    }
    let export: Export = serde_json::from_value(value).map_err(|e| LoadError::Invalid {
        path: path.to_owned(),
        problems: vec![e.to_string()],
    })?;
    let mut project = project_of_export(path, &export)?;
    let mut whole_file = Vec::new();
    for problem in project.validate() {
        match problem.annotation {
            Some(id) => {
                project.annotations.remove(id);
                left_out.push(problem.message);
            }
            None => whole_file.push(problem.message),
        }
    }
    if !whole_file.is_empty() {
        return Err(LoadError::Invalid {
            path: path.to_owned(),
            problems: whole_file,
        });
    }
    Ok((project, left_out))
}

fn parse_error(path: &Path, e: &serde_json::Error) -> LoadError {
    LoadError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// The project an export holds, not yet validated.
fn project_of_export(path: &Path, export: &Export) -> Result<Project, LoadError> {
    let invalid = |problems: Vec<String>| LoadError::Invalid {
        path: path.to_owned(),
        problems,
    };
    if export.format != EXPORT_FORMAT || export.format_version > EXPORT_VERSION {
        return Err(invalid(vec![format!(
            "not a stancemark export this version reads (format {:?}, version {})",
            export.format, export.format_version
        )]));
    }
    let convert = || -> Result<Project, Bad> {
        // The analysts of a version-4 export; before it, one per annotator name.
        let mut project = Project::new(export.project.clone());
        for a in &export.analysts {
            project.analysts.push(Analyst {
                id: AnalystId::new(&a.id),
                name: a.name.clone(),
                color: Rgb::from_hex(&a.color)
                    .ok_or_else(|| format!("bad colour {:?}", a.color))?,
            });
        }
        let mut annotations = Vec::with_capacity(export.annotations.len());
        for a in &export.annotations {
            let analyst = match a.analyst_id.as_deref() {
                Some(id) if project.analyst(&AnalystId::new(id)).is_some() => AnalystId::new(id),
                _ => match project.analyst_named(&a.annotator) {
                    Some(found) => found.id.clone(),
                    None => {
                        let new = project.new_analyst(&a.annotator);
                        let id = new.id.clone();
                        project.analysts.push(new);
                        id
                    }
                },
            };
            annotations.push(Arc::new(a.to_annotation(analyst)?));
        }
        let analysts = std::mem::take(&mut project.analysts);
        Ok(Project {
            name: export.project.clone(),
            analysts,
            stances: StanceScheme(
                export
                    .stances
                    .iter()
                    .map(ExportStance::to_stance)
                    .collect::<Result<_, _>>()?,
            ),
            articles: export
                .articles
                .iter()
                .map(|a| a.to_article().map(Arc::new))
                .collect::<Result<_, _>>()?,
            memo: export.memo.clone(),
            annotations: crate::core::model::Annotations::from_records(annotations)
                .map_err(|e| e.to_string())?,
            // Rejected suggestions stay in the project file; an export does not carry them.
            rejections: crate::core::model::Rejections::new(),
            team: Default::default(),
            actors: ActorBook {
                actors: export
                    .actors
                    .iter()
                    .map(ExportActor::to_actor)
                    .collect::<Result<_, _>>()?,
                types: export
                    .actor_types
                    .clone()
                    .unwrap_or_else(|| ActorBook::default().types),
                scale: export
                    .position_scale
                    .map(|[min, max]| PositionScale { min, max }),
            },
        })
    };
    convert().map_err(|bad| invalid(vec![bad]))
}
