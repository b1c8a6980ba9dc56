//! The project file format (`.stance.json`) and its history.
//!
//! A project file is JSON: `{"format_version": N, "project": {...}}`. An annotation's quote and
//! context are not stored (they are the article text at its range, recomputed on load) except
//! for orphans, whose range no longer holds their passage. Older RON files (`.stance.ron`,
//! formats 1 and 2) still open; they are saved as `.stance.json` beside the old file, which stays
//! untouched.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::{self, Backup};
use super::disk::DiskStamp;
use super::read::{self, MAX_PROJECT_BYTES};
use super::{LoadError, SaveError};
use crate::core::actors::{ActorBook, ActorId};
use crate::core::model::{
    Analyst, AnalystId, Annotation, AnnotationId, Annotations, Article, ArticleId, Problem,
    Project, Rejection, RejectionId, Rejections, StanceId, StanceScheme, Team, TextRange,
};
use crate::core::text;

/// The file format this build writes and the newest it can read.
///
/// History: 1 — first format (RON); 2 — annotations carry `prefix`/`suffix` context and
/// `orphaned` (RON); 3 — JSON, quote and context stored only for orphans (four times faster to
/// read and half the size for long articles); 4 — stances may have a `parent` (a code tree),
/// articles record how they were imported (`import`: format, encoding, reflowed) so a
/// re-import makes their text the same way; 5 — a memo on the project and on each article
/// (`memo`, left out when empty); 6 — the suggestions the analyst rejected (`rejections`, left
/// out when none), kept as the classifier's negative examples; 7 — analysts: the project's
/// `analysts` (id, name, colour), each annotation's and rejection's `analyst` (an id) in place
/// of the free-text `annotator`, and rejections with an `id`. Older files are migrated on
/// load: each distinct annotator name becomes an analyst (no name: `unknown`); 8 — team
/// coding: the project's `team` (blind coding, the articles each analyst marked coded, the
/// gold layer's curators; left out when unset) and a gold annotation's `curator`. Files of
/// format 7 read as a project without team settings; 9 — who holds the stance: the project's
/// `actors` (`actors`, `types`, `scale`; left out when unset), each annotation's `actor` and
/// `position`, each article's `meta.section`, `meta.type` and `meta.notes`. Files of format 8
/// read as a project without actors (the default actor types); 10 — codebooks and units: a
/// stance's `code` and `group`, an article's `units` (left out when none). Files of format 9
/// read as a project without codes or units.
pub const FORMAT_VERSION: u32 = 10;

/// The first JSON format: files from here on are upgraded in place when saved (the new fields
/// only add to the old ones), older RON files are saved beside themselves.
const FIRST_JSON_VERSION: u32 = 3;

/// The file name extension of project files.
pub const PROJECT_EXTENSION: &str = "stance.json";

/// The extension of project files in the RON formats 1 and 2, which still open.
pub const LEGACY_PROJECT_EXTENSION: &str = "stance.ron";

/// How many bytes of a file's head are searched for its `format_version`.
const VERSION_PROBE_BYTES: usize = 4096;

/// The project as written: annotations as [`AnnotationRecord`]s.
#[derive(Serialize)]
struct ProjectFileOut<'a> {
    format_version: u32,
    project: ProjectOut<'a>,
}

#[derive(Serialize)]
struct ProjectOut<'a> {
    name: &'a str,
    stances: &'a StanceScheme,
    articles: &'a [Arc<Article>],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    analysts: &'a [Analyst],
    #[serde(serialize_with = "annotation_records")]
    annotations: &'a Annotations,
    #[serde(skip_serializing_if = "str::is_empty")]
    memo: &'a str,
    #[serde(skip_serializing_if = "Rejections::is_empty")]
    rejections: &'a Rejections,
    #[serde(skip_serializing_if = "Team::is_default")]
    team: &'a Team,
    #[serde(skip_serializing_if = "ActorBook::is_default")]
    actors: &'a ActorBook,
}

fn annotation_records<S: serde::Serializer>(
    annotations: &&Annotations,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(annotations.iter().map(|a| AnnotationRecord::from(&**a)))
}

/// One annotation in a file of format 3 or later: the quote and its context only for orphans
/// (for the others they are the article text at `range`); the analyst by id from format 7,
/// by the annotator's name before it.
#[derive(Serialize, Deserialize)]
#[serde(expecting = "an annotation (an object with id, article, range, stance, created, modified)")]
pub(crate) struct AnnotationRecord<T> {
    pub(crate) id: AnnotationId,
    pub(crate) article: ArticleId,
    pub(crate) range: TextRange,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) quote: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) prefix: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) suffix: Option<T>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) orphaned: bool,
    pub(crate) stance: StanceId,
    #[serde(default)]
    pub(crate) note: T,
    /// Format 7: the analyst's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) analyst: Option<AnalystId>,
    /// Formats 1 to 6: the annotator's name.
    #[serde(default, skip_serializing)]
    pub(crate) annotator: Option<T>,
    /// Format 8: the curator of a gold annotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) curator: Option<AnalystId>,
    /// Format 9: who holds the stance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) actor: Option<ActorId>,
    /// Format 9: the position towards the stance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) position: Option<i32>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) modified: DateTime<Utc>,
}

impl<'a> From<&'a Annotation> for AnnotationRecord<&'a str> {
    fn from(a: &'a Annotation) -> Self {
        let kept = |s: &'a String| a.orphaned.then_some(s.as_str());
        Self {
            id: a.id,
            article: a.article,
            range: a.range,
            quote: kept(&a.quote),
            prefix: kept(&a.prefix),
            suffix: kept(&a.suffix),
            orphaned: a.orphaned,
            stance: a.stance.clone(),
            note: &a.note,
            analyst: Some(a.analyst.clone()),
            annotator: None,
            curator: a.curator.clone(),
            actor: a.actor.clone(),
            position: a.position,
            created: a.created,
            modified: a.modified,
        }
    }
}

/// A rejected suggestion as read from a file of any version (the id and analyst came with
/// format 7; before it, the annotator's name).
#[derive(Deserialize)]
#[serde(expecting = "a rejected suggestion (an object with article, range, quote and stance)")]
pub(crate) struct RejectionRecord {
    #[serde(default)]
    pub(crate) id: Option<RejectionId>,
    pub(crate) article: ArticleId,
    pub(crate) range: TextRange,
    pub(crate) quote: String,
    pub(crate) stance: StanceId,
    #[serde(default)]
    pub(crate) analyst: Option<AnalystId>,
    #[serde(default)]
    pub(crate) annotator: Option<String>,
    pub(crate) rejected: DateTime<Utc>,
}

/// A file of format 3 or later as read.
#[derive(Deserialize)]
#[serde(expecting = "a stancemark project file (an object with format_version and project)")]
struct JsonFileIn {
    format_version: u32,
    project: JsonProjectIn,
}

#[derive(Deserialize)]
#[serde(expecting = "the project (an object with name, stances, articles and annotations)")]
struct JsonProjectIn {
    name: String,
    #[serde(default)]
    stances: StanceScheme,
    #[serde(default)]
    articles: Vec<Article>,
    #[serde(default)]
    analysts: Vec<Analyst>,
    #[serde(default)]
    annotations: Vec<AnnotationRecord<String>>,
    #[serde(default)]
    memo: String,
    #[serde(default)]
    rejections: Vec<RejectionRecord>,
    #[serde(default)]
    team: Team,
    #[serde(default)]
    actors: ActorBook,
}

/// An annotation of a RON file (formats 1 and 2): every field stored, the annotator by name.
#[derive(Deserialize)]
#[serde(rename = "Annotation")]
struct LegacyAnnotation {
    id: AnnotationId,
    article: ArticleId,
    range: TextRange,
    quote: String,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    #[serde(default)]
    orphaned: bool,
    stance: StanceId,
    #[serde(default)]
    note: String,
    #[serde(default)]
    annotator: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

/// The project of a RON file (formats 1 and 2).
#[derive(Deserialize)]
#[serde(rename = "Project")]
struct LegacyProject {
    name: String,
    #[serde(default)]
    stances: StanceScheme,
    #[serde(default)]
    articles: Vec<Article>,
    #[serde(default)]
    annotations: Vec<LegacyAnnotation>,
}

impl From<LegacyProject> for JsonProjectIn {
    fn from(p: LegacyProject) -> Self {
        Self {
            name: p.name,
            stances: p.stances,
            articles: p.articles,
            analysts: Vec::new(),
            annotations: p
                .annotations
                .into_iter()
                .map(|a| AnnotationRecord {
                    id: a.id,
                    article: a.article,
                    range: a.range,
                    quote: Some(a.quote),
                    prefix: Some(a.prefix),
                    suffix: Some(a.suffix),
                    orphaned: a.orphaned,
                    stance: a.stance,
                    note: a.note,
                    analyst: None,
                    annotator: Some(a.annotator),
                    curator: None,
                    actor: None,
                    position: None,
                    created: a.created,
                    modified: a.modified,
                })
                .collect(),
            memo: String::new(),
            rejections: Vec::new(),
            team: Team::default(),
            actors: ActorBook::default(),
        }
    }
}

/// The analysts of a project being read: those the file lists, and one for each annotator
/// name of an older file (matched by slug; no name: `unknown`).
pub(crate) struct AnalystBook {
    project: Project,
}

impl AnalystBook {
    pub(crate) fn new(analysts: Vec<Analyst>) -> Self {
        Self {
            project: Project {
                analysts,
                ..Project::new("")
            },
        }
    }

    /// The analyst a record is by: its id (format 7), else its annotator's name.
    pub(crate) fn resolve(&mut self, id: Option<AnalystId>, name: Option<&str>) -> AnalystId {
        if let Some(id) = id {
            if self.project.analyst(&id).is_none() {
                let mut analyst = self.project.new_analyst(id.as_str());
                analyst.id = id.clone();
                self.project.analysts.push(analyst);
            }
            return id;
        }
        let name = name.unwrap_or("");
        if let Some(found) = self.project.analyst_named(name) {
            return found.id.clone();
        }
        let new = self.project.new_analyst(name);
        let id = new.id.clone();
        self.project.analysts.push(new);
        id
    }

    pub(crate) fn into_analysts(self) -> Vec<Analyst> {
        self.project.analysts
    }
}

/// A rejection's id for a file written before rejections had one: derived from what it is,
/// so reading the same old file twice gives the same ids.
pub(crate) fn legacy_rejection_id(r: &RejectionRecord) -> RejectionId {
    let key = format!(
        "{}:{}:{}:{}:{}",
        r.article,
        r.range.start,
        r.range.end,
        r.stance,
        r.rejected.to_rfc3339()
    );
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, key.as_bytes())
}

impl JsonProjectIn {
    /// The project, with each anchored annotation's quote taken from its article; the
    /// annotations whose stored quote disagrees with the text, and those whose id came twice
    /// (the later copies, kept out of the project so nothing is lost), as problems.
    fn into_project(self) -> (Project, Vec<Problem>, Vec<Arc<Annotation>>) {
        let indexes: HashMap<ArticleId, (&str, text::OffsetIndex)> = self
            .articles
            .iter()
            .map(|a| (a.id, (a.text.as_str(), text::OffsetIndex::new(&a.text))))
            .collect();
        let mut book = AnalystBook::new(self.analysts);
        let mut problems = Vec::new();
        let mut records = Vec::with_capacity(self.annotations.len());
        for r in self.annotations {
            let mut quote = r.quote;
            // An anchored annotation's context is the text around it (not kept).
            let (prefix, suffix) = if r.orphaned {
                (r.prefix, r.suffix)
            } else {
                (None, None)
            };
            if !r.orphaned
                && let Some((text, index)) = indexes.get(&r.article)
                && !r.range.is_empty()
                && r.range.end <= index.char_len()
            {
                let q = index.slice(text, r.range);
                if let Some(stored) = &quote
                    && stored != q
                {
                    problems.push(Problem::quote_mismatch(r.id, stored, q, r.range));
                }
                quote.get_or_insert_with(|| q.to_owned());
            }
            let analyst = book.resolve(r.analyst, r.annotator.as_deref());
            let ann = Arc::new(Annotation {
                id: r.id,
                article: r.article,
                range: r.range,
                quote: quote.unwrap_or_default(),
                prefix: prefix.unwrap_or_default(),
                suffix: suffix.unwrap_or_default(),
                orphaned: r.orphaned,
                stance: r.stance,
                note: r.note,
                analyst,
                curator: r.curator,
                actor: r.actor,
                position: r.position,
                created: r.created,
                modified: r.modified,
            });
            records.push(ann);
        }
        // Of annotations sharing an id the first stays; the later copies are problems, kept
        // out of the project so nothing is lost.
        let (annotations, extra) = Annotations::from_records_keeping_first(records);
        for ann in &extra {
            problems.push(Problem::of(
                ann.id,
                format!("duplicate annotation id {}", ann.id),
            ));
        }
        // A rejection is only a hint: one whose article is gone or too short is dropped.
        let mut rejections = Rejections::new();
        for r in self.rejections {
            let fits = indexes
                .get(&r.article)
                .is_some_and(|(_, index)| !r.range.is_empty() && r.range.end <= index.char_len());
            if !fits {
                continue;
            }
            let id = r.id.unwrap_or_else(|| legacy_rejection_id(&r));
            let analyst = book.resolve(r.analyst, r.annotator.as_deref());
            let _ = rejections.insert(Arc::new(Rejection {
                id,
                article: r.article,
                range: r.range,
                quote: r.quote,
                stance: r.stance,
                analyst,
                rejected: r.rejected,
            }));
        }
        drop(indexes);
        let project = Project {
            name: self.name,
            stances: self.stances,
            articles: self.articles.into_iter().map(Arc::new).collect(),
            analysts: book.into_analysts(),
            annotations,
            memo: self.memo,
            rejections,
            team: self.team,
            actors: self.actors,
        };
        (project, problems, extra)
    }
}

/// A project-file's content, read but not yet validated.
struct Parsed {
    project: Project,
    format_version: u32,
    /// The quotes found not to match the text and the ids found twice, as the file was read
    /// (validation checks the rest).
    read_problems: Vec<Problem>,
    /// Annotations whose id another annotation of the file already had.
    duplicates: Vec<Arc<Annotation>>,
}

impl Parsed {
    /// Every broken invariant of the project (see [`Project::validate`]).
    fn problems(&self) -> Vec<Problem> {
        let mut all = self.read_problems.clone();
        all.extend(self.project.validate_checking_quotes(false));
        all
    }
}

/// A RON file of formats 1 and 2 as read.
#[derive(Deserialize)]
struct RonFileIn {
    format_version: u32,
    project: LegacyProject,
}

#[derive(Deserialize)]
struct VersionProbe {
    format_version: u32,
}

/// The `format_version` of project-file text, read from its head (it is the first field), or
/// by a full parse for a file written in an unusual layout.
fn probe_version(source: &str) -> Option<u32> {
    let head_end = source
        .char_indices()
        .nth(512)
        .map_or(source.len(), |(b, _)| b);
    let head = &source[..head_end];
    if let Some(at) = head.find("format_version") {
        // `format_version: 2` in RON, `"format_version": 3` in JSON.
        let rest = head[at + "format_version".len()..]
            .trim_start_matches('"')
            .trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(v) = digits.parse() {
                return Some(v);
            }
        }
    }
    if is_json(source) {
        serde_json::from_str::<VersionProbe>(source).ok()
    } else {
        ron::from_str::<VersionProbe>(source).ok()
    }
    .map(|p| p.format_version)
}

/// True for JSON (format 3 and later) project text, false for RON (formats 1 and 2).
fn is_json(source: &str) -> bool {
    source.trim_start().starts_with('{')
}

/// The internal type names parsers put in their messages, in the words of the file format.
const TYPE_WORDS: [(&str, &str); 8] = [
    ("RonFileIn", "the project file"),
    ("JsonFileIn", "the project file"),
    ("JsonProjectIn", "the project"),
    ("Project", "the project"),
    ("Article", "an article"),
    ("Annotation", "an annotation"),
    ("Stance", "a stance"),
    ("TextRange", "a range (start and end)"),
];

/// A parser message without Rust type names (`Expected opening ( for struct RonFileIn`).
fn in_file_terms(message: &str) -> String {
    let mut out = message.to_owned();
    for (name, words) in TYPE_WORDS {
        for pattern in [format!("struct `{name}`"), format!("`{name}`")] {
            out = out.replace(&pattern, words);
        }
    }
    out
}

/// Parses project-file text of any format into a project of the current format, without
/// validating it.
fn parse_unvalidated(path: &Path, source: &str) -> Result<Parsed, LoadError> {
    // Read the version first: a newer file may not parse as this version's types at all.
    if let Some(found) = probe_version(source)
        && found > FORMAT_VERSION
    {
        return Err(LoadError::FutureVersion {
            path: path.to_owned(),
            found,
            supported: FORMAT_VERSION,
        });
    }
    let parse_error = |line: usize, column: usize, message: String| LoadError::Parse {
        path: path.to_owned(),
        line,
        column,
        message: in_file_terms(&message),
    };
    if is_json(source) {
        let file: JsonFileIn = serde_json::from_str(source).map_err(|e| {
            let message = match e.classify() {
                serde_json::error::Category::Eof => {
                    "the file ends too early (it may have been cut off)".to_owned()
                }
                _ => {
                    let full = e.to_string();
                    full.rsplit_once(" at line ")
                        .map_or(full.clone(), |(m, _)| m.to_owned())
                }
            };
            parse_error(e.line(), e.column(), message)
        })?;
        if file.format_version < 3 {
            return Err(parse_error(
                1,
                1,
                format!(
                    "format_version {} is a RON format, but this file is JSON",
                    file.format_version
                ),
            ));
        }
        let (project, read_problems, duplicates) = file.project.into_project();
        Ok(Parsed {
            project,
            format_version: file.format_version,
            read_problems,
            duplicates,
        })
    } else {
        let file: RonFileIn = ron::from_str(source)
            .map_err(|e| parse_error(e.span.start.line, e.span.start.col, e.code.to_string()))?;
        if file.format_version == 0 || file.format_version > 2 {
            return Err(parse_error(
                1,
                1,
                format!(
                    "format_version {} does not exist in RON project files",
                    file.format_version
                ),
            ));
        }
        let (project, read_problems, duplicates) = JsonProjectIn::from(file.project).into_project();
        Ok(Parsed {
            project,
            format_version: file.format_version,
            read_problems,
            duplicates,
        })
    }
}

/// One message per problem, each prefixed with the line of the record it is about: the one
/// way validation problems become an error's text.
pub fn problem_messages(source: &str, problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|problem| {
            let line = problem.annotation.and_then(|id| {
                let needle = format!("\"{id}\"");
                source
                    .find(&needle)
                    .map(|byte| 1 + source[..byte].matches('\n').count())
            });
            match line {
                Some(line) => format!("line {line}: {}", problem.message),
                None => problem.message.clone(),
            }
        })
        .collect()
}

/// Parses and validates project-file text of any format; `path` is only used in messages.
pub fn parse_project(path: &Path, source: &str) -> Result<Project, LoadError> {
    let parsed = parse_unvalidated(path, source)?;
    let problems = parsed.problems();
    if !problems.is_empty() {
        return Err(LoadError::Invalid {
            path: path.to_owned(),
            problems: problem_messages(source, &problems),
        });
    }
    Ok(parsed.project)
}

/// A project read from a file, with the format the file was in and its stamp.
#[derive(Debug)]
pub struct LoadedProject {
    /// The project, in the current format.
    pub project: Project,
    /// The file's `format_version`; below [`FORMAT_VERSION`] the file is saved elsewhere
    /// (see [`save_path_for`]).
    pub format_version: u32,
    /// The file as read, to notice later changes by others.
    pub stamp: DiskStamp,
}

/// Reads a project file's text and stamp.
fn read_source(path: &Path) -> Result<(String, DiskStamp), LoadError> {
    let bytes = read::read_file(path, MAX_PROJECT_BYTES, "a project")?;
    let stamp = DiskStamp::of_read(path, &bytes).map_err(|e| read::ReadError::io(path, e))?;
    Ok((read::decode_utf8(path, bytes)?, stamp))
}

/// Loads and validates a project file. The file is never modified.
pub fn load_project(path: &Path) -> Result<Project, LoadError> {
    load_project_detailed(path).map(|l| l.project)
}

/// Like [`load_project`], also telling which format the file was in and its stamp.
pub fn load_project_detailed(path: &Path) -> Result<LoadedProject, LoadError> {
    let (source, stamp) = read_source(path)?;
    let parsed = parse_unvalidated(path, &source)?;
    let problems = parsed.problems();
    if !problems.is_empty() {
        return Err(LoadError::Invalid {
            path: path.to_owned(),
            problems: problem_messages(&source, &problems),
        });
    }
    Ok(LoadedProject {
        project: parsed.project,
        format_version: parsed.format_version,
        stamp,
    })
}

/// A project whose broken annotations were set aside so the rest could be opened.
#[derive(Debug)]
pub struct Salvaged {
    /// The sound part of the project.
    pub project: Project,
    /// The annotations set aside, exactly as they were in the file.
    pub set_aside: Vec<Arc<Annotation>>,
    /// One line per problem, with its line in the file.
    pub report: Vec<String>,
    /// The file's `format_version` (see [`save_path_for`]).
    pub format_version: u32,
}

/// Loads a project whose only problems are broken annotations (duplicate id, unknown stance or
/// article, range outside its article, quote not matching), setting those annotations aside.
/// Fails like [`load_project`] for anything else. The file is never modified.
pub fn load_project_salvaging(path: &Path) -> Result<Salvaged, LoadError> {
    let (source, _) = read_source(path)?;
    let parsed = parse_unvalidated(path, &source)?;
    let problems = parsed.problems();
    let format_version = parsed.format_version;
    let mut project = parsed.project;
    let report = problem_messages(&source, &problems);
    let invalid = |report| LoadError::Invalid {
        path: path.to_owned(),
        problems: report,
    };
    if problems.iter().any(|p| p.annotation.is_none()) {
        return Err(invalid(report));
    }
    // Set aside every annotation with a problem (both copies of a duplicated id).
    let broken: std::collections::HashSet<_> =
        problems.iter().filter_map(|p| p.annotation).collect();
    let mut set_aside = project.annotations.take_where(|a| broken.contains(&a.id));
    set_aside.extend(parsed.duplicates);
    if !project.validate().is_empty() {
        return Err(invalid(report));
    }
    Ok(Salvaged {
        project,
        set_aside,
        report,
        format_version,
    })
}

/// Writes set-aside annotations next to the project (`NAME.set-aside.ron`) so nothing is lost.
pub fn write_set_aside(path: &Path, salvaged: &Salvaged) -> Result<PathBuf, SaveError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".set-aside.ron");
    let out = PathBuf::from(name);
    let text = ron::ser::to_string_pretty(
        &(&salvaged.report, &salvaged.set_aside),
        ron::ser::PrettyConfig::new(),
    )
    .map_err(|e| SaveError::io(&out, std::io::Error::other(e)))?;
    atomic::write_atomically(&out, text.as_bytes(), Backup::Keep)
        .map_err(|e| SaveError::io(&out, e))?;
    Ok(out)
}

/// Where a project read from `path` is saved: itself for a JSON project file (formats 3 and
/// up), else `NAME.stance.json` beside the old `NAME.stance.ron` (which is left as it is).
pub fn save_path_for(path: &Path, format_version: u32) -> PathBuf {
    if format_version >= FIRST_JSON_VERSION {
        return path.to_owned();
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let stem = name
        .strip_suffix(&format!(".{LEGACY_PROJECT_EXTENSION}"))
        .or_else(|| name.strip_suffix(".ron"))
        .unwrap_or(&name);
    path.with_file_name(format!("{stem}.{PROJECT_EXTENSION}"))
}

/// [`save_path_for`], but for a converted project never a file that exists already (say, from
/// an earlier conversion): then `NAME-2.stance.json`, `NAME-3.stance.json`, … so converting an
/// old file never replaces another project.
pub fn unused_save_path_for(path: &Path, format_version: u32) -> PathBuf {
    let first = save_path_for(path, format_version);
    if first == path || !first.exists() {
        return first;
    }
    let name = first.file_name().unwrap_or_default().to_string_lossy();
    let stem = name
        .strip_suffix(&format!(".{PROJECT_EXTENSION}"))
        .unwrap_or(&name)
        .to_owned();
    (2..)
        .map(|n| first.with_file_name(format!("{stem}-{n}.{PROJECT_EXTENSION}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Appends `.stance.json` when the path has no `.json` extension and is not a project folder
/// (`NAME.stance`).
pub fn with_project_extension(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == "json") || super::folder::is_project_folder(path) {
        path.to_owned()
    } else {
        let mut s = path.as_os_str().to_owned();
        s.push(".");
        s.push(PROJECT_EXTENSION);
        PathBuf::from(s)
    }
}

fn write_project_json(project: &Project, out: &mut impl Write) -> std::io::Result<()> {
    let file = ProjectFileOut {
        format_version: FORMAT_VERSION,
        project: ProjectOut {
            name: &project.name,
            stances: &project.stances,
            articles: &project.articles,
            analysts: &project.analysts,
            annotations: &project.annotations,
            memo: &project.memo,
            rejections: &project.rejections,
            team: &project.team,
            actors: &project.actors,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    out.write_all(b"\n")
}

/// The `format_version` in the head of an existing file, if it is a project file.
fn version_on_disk(path: &Path) -> Option<u32> {
    use std::io::Read;
    let mut head = Vec::with_capacity(VERSION_PROBE_BYTES);
    std::fs::File::open(path)
        .ok()?
        .take(VERSION_PROBE_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    probe_version(&String::from_utf8_lossy(&head))
}

/// Writes a project file atomically, keeping the previous version as `NAME.bak` (see
/// [`atomic`]). Refuses to replace a file written by a newer stancemark, which this version
/// could not read back. Returns the stamp of the file written.
pub fn save_project(project: &Project, path: &Path) -> Result<DiskStamp, SaveError> {
    if let Some(found) = version_on_disk(path)
        && found > FORMAT_VERSION
    {
        return Err(SaveError::FutureVersion {
            path: path.to_owned(),
            found,
            supported: FORMAT_VERSION,
        });
    }
    write_project_file_to(project, path, Backup::Keep)
}

/// Writes a project file atomically without the newer-version check (recovery files, which
/// only stancemark writes).
pub fn write_project_file_to(
    project: &Project,
    path: &Path,
    backup: Backup,
) -> Result<DiskStamp, SaveError> {
    atomic::write_atomically_with(path, backup, |out| write_project_json(project, out))
        .map_err(|e| SaveError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_messages_speak_of_the_file_not_of_rust_types() {
        let path = Path::new("p.stance.json");
        let Err(LoadError::Parse { message, .. }) =
            parse_project(path, "{\"format_version\": 3, \"project\": []}")
        else {
            panic!("a parse error expected")
        };
        assert!(message.contains("expected the project"), "{message}");
        assert!(!message.contains("JsonProjectIn"), "{message}");
        let Err(LoadError::Parse { message, .. }) = parse_project(path, "[1, 2]") else {
            panic!("a parse error expected")
        };
        assert!(
            !message.contains("In`") && !message.contains("struct"),
            "{message}"
        );
        let Err(LoadError::Parse { message, .. }) = parse_project(path, "Project(name: 1)") else {
            panic!("a parse error expected")
        };
        assert!(!message.contains("RonFileIn"), "{message}");
    }

    #[test]
    fn a_project_file_is_given_its_extension() {
        assert_eq!(
            with_project_extension(Path::new("a/study")),
            PathBuf::from("a/study.stance.json")
        );
        assert_eq!(
            with_project_extension(Path::new("a/b.json")),
            PathBuf::from("a/b.json")
        );
    }
}
