//! Bringing annotations in from the formats others write: a `.qdpx` or a stancemark JSON
//! export carries its texts and becomes a new project; CSV and W3C files carry no text and go
//! into an existing project whose articles they name.
//!
//! Each incoming record is checked against the text: its quote at its offsets, else found
//! again by its quote and context (re-anchored), else refused and reported — never placed on
//! the wrong characters. Everything that comes in is one undoable step.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::core::anchor::{Anchorer, QuoteSelector};
use crate::core::model::{AnalystId, Annotation, ArticleId, Project, Rgb, StanceId, TextRange};
use crate::core::workspace::Workspace;
use crate::storage::{self, LoadError, ReadError};

/// An annotation as another file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// Its row or item number in the file, for messages.
    pub line: usize,
    /// Its id, when the format has one.
    pub id: Option<Uuid>,
    /// The article, by id…
    pub article_id: Option<Uuid>,
    /// …or by title.
    pub article_title: Option<String>,
    /// The stance, by id…
    pub stance_id: Option<String>,
    /// …or by label.
    pub stance_label: Option<String>,
    /// First code point, when given.
    pub start: Option<usize>,
    /// Code point after the last, when given.
    pub end: Option<usize>,
    /// The passage.
    pub quote: String,
    /// Text before the passage, when given.
    pub prefix: Option<String>,
    /// Text after the passage, when given.
    pub suffix: Option<String>,
    /// The note.
    pub note: String,
    /// Who made it, by name (matched to the project's analysts by name or slug; a missing one
    /// is added).
    pub annotator: String,
    /// Who made it, by analyst id, when the format has one.
    pub analyst_id: Option<String>,
    /// When it was made.
    pub created: Option<DateTime<Utc>>,
    /// When it last changed.
    pub modified: Option<DateTime<Utc>>,
    /// It was an orphan where it came from (its passage was already gone).
    pub orphaned: bool,
    /// Who holds the stance, by actor id, when given…
    pub actor_id: Option<String>,
    /// …or by name (matched by name or alias; a missing one is added as a person).
    pub actor: Option<String>,
    /// The position, when given (a number, or supports / neutral / opposes).
    pub position: Option<String>,
}

/// The kinds of annotation file stancemark reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationFile {
    /// stancemark's JSON export (a new project).
    StancemarkJson,
    /// A REFI-QDA project (a new project).
    Qdpx,
    /// CSV (into a project).
    Csv,
    /// W3C Web Annotation (into a project).
    W3c,
    /// A stance scheme on its own (its stances come into a project).
    Scheme,
    /// A REFI-QDA codebook (its codes come into a project as stances).
    Codebook,
    /// A Discourse Network Analyzer database (a new project).
    Dna,
    /// A Manifesto Corpus CSV: one coded, unitised article (a new project, or into one).
    Manifesto,
}

impl AnnotationFile {
    /// True when the file carries its texts (and becomes a new project).
    pub fn carries_texts(self) -> bool {
        matches!(
            self,
            AnnotationFile::StancemarkJson
                | AnnotationFile::Qdpx
                | AnnotationFile::Dna
                | AnnotationFile::Manifesto
        )
    }

    /// Its name for messages.
    pub fn name(self) -> &'static str {
        match self {
            AnnotationFile::StancemarkJson => "stancemark JSON export",
            AnnotationFile::Qdpx => "REFI-QDA project",
            AnnotationFile::Csv => "CSV file",
            AnnotationFile::W3c => "W3C Web Annotation file",
            AnnotationFile::Scheme => "stance scheme",
            AnnotationFile::Codebook => "REFI-QDA codebook",
            AnnotationFile::Dna => "Discourse Network Analyzer database",
            AnnotationFile::Manifesto => "Manifesto Corpus CSV",
        }
    }

    /// True for a coding scheme without annotations.
    pub fn is_scheme(self) -> bool {
        matches!(self, AnnotationFile::Scheme | AnnotationFile::Codebook)
    }
}

/// Why an annotation file could not be read.
#[derive(Debug, Error)]
pub enum ExchangeError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A JSON export that is not a valid project.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Not a format stancemark reads annotations from.
    #[error(
        "{path}: not an annotation file stancemark reads (a .qdpx, a stancemark JSON export, a DNA database, a CSV or W3C Web Annotation file)"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file is broken.
    #[error("{path}: {message}")]
    Broken {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file without texts where a new project was asked for, or the other way round.
    #[error("{path}: a {format} {advice}")]
    WrongUse {
        /// The file.
        path: PathBuf,
        /// Its kind.
        format: &'static str,
        /// What to do instead.
        advice: &'static str,
    },
}

/// Largest annotation file read.
const MAX_EXCHANGE_BYTES: u64 = storage::MAX_PROJECT_BYTES;

/// The kind of an annotation file, by its name and content.
pub fn detect(path: &Path, bytes: &[u8]) -> Option<AnnotationFile> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let zipped_qde = bytes.starts_with(b"PK\x03\x04")
        && bytes.windows(4).any(|w| w.eq_ignore_ascii_case(b".qde"));
    if ext == "qdpx" || zipped_qde {
        return Some(AnnotationFile::Qdpx);
    }
    if ext == "dna" || crate::formats::dna::looks_like(bytes) {
        return Some(AnnotationFile::Dna);
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if ext == "qdc" || (trimmed.starts_with('<') && trimmed.contains("<CodeBook")) {
        return Some(AnnotationFile::Codebook);
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if crate::formats::json::is_scheme(trimmed) {
            return Some(AnnotationFile::Scheme);
        }
        // Its format key near the start as stancemark writes it, or anywhere in what was
        // read (a tool that sorts keys puts it after the articles).
        if crate::formats::json::is_export(trimmed)
            || bytes.windows(EXPORT_MARK.len()).any(|w| w == EXPORT_MARK)
        {
            return Some(AnnotationFile::StancemarkJson);
        }
        if crate::formats::w3c::looks_like(trimmed) || ext == "jsonld" {
            return Some(AnnotationFile::W3c);
        }
        // JSON of another kind is not a CSV file.
        if ext != "csv" {
            return None;
        }
    }
    if crate::formats::manifesto::looks_like(&text) {
        return Some(AnnotationFile::Manifesto);
    }
    if ext == "csv" || crate::formats::csv::looks_like(trimmed) {
        return Some(AnnotationFile::Csv);
    }
    None
}

/// The kind of the annotation file at `path` (by its name and first 4 KB), if it is one.
pub fn kind_of(path: &Path) -> Option<AnnotationFile> {
    use std::io::Read;
    let mut head = Vec::new();
    let mut file = std::fs::File::open(path).ok()?;
    (&mut file).take(4096).read_to_end(&mut head).ok()?;
    let found = detect(path, &head);
    // A JSON object whose start says nothing: an export may name its format further in.
    if found.is_none() && head.trim_ascii_start().starts_with(b"{") {
        file.take(MAX_EXCHANGE_BYTES).read_to_end(&mut head).ok()?;
        return detect(path, &head);
    }
    found
}

/// The format value of a stancemark JSON export, as it appears in the file.
const EXPORT_MARK: &[u8] = b"\"stancemark-export\"";

/// A project read from a file that carries its texts, and what was left out of it.
#[derive(Debug)]
pub struct NewProject {
    /// The project.
    pub project: Project,
    /// What was left out, with why.
    pub skipped: Vec<String>,
}

fn broken(path: &Path) -> impl Fn(String) -> ExchangeError + '_ {
    move |message| ExchangeError::Broken {
        path: path.to_owned(),
        message,
    }
}

/// Reads a Manifesto Corpus CSV (whatever its name says); the article is named after the file
/// unless it has a `title` column.
pub fn read_manifesto(
    path: &Path,
) -> Result<crate::formats::manifesto::ManifestoDoc, ExchangeError> {
    let bytes = storage::read_file(path, MAX_EXCHANGE_BYTES, "a Manifesto Corpus CSV")?;
    let text = storage::decode_utf8(path, bytes)?;
    let stem = path.file_stem().map_or_else(
        || "Manifesto".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    crate::formats::manifesto::read(&text, &stem).map_err(broken(path))
}

/// Reads a `.qdpx`, a stancemark JSON export, a DNA database or a Manifesto Corpus CSV as a
/// new project.
pub fn read_new_project(path: &Path) -> Result<NewProject, ExchangeError> {
    if kind_of(path) == Some(AnnotationFile::Manifesto) {
        let doc = read_manifesto(path)?;
        let name = doc.article.title.clone();
        let (project, report) = crate::formats::manifesto::new_project(
            doc,
            &name,
            crate::formats::manifesto::MANIFESTO_ANALYST,
        )
        .map_err(|e| broken(path)(e.to_string()))?;
        return Ok(NewProject {
            project,
            skipped: report.notes,
        });
    }
    if kind_of(path) == Some(AnnotationFile::Dna) {
        let read = crate::formats::dna::read_dna(path).map_err(|e| ExchangeError::Broken {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        return Ok(NewProject {
            project: read.project,
            skipped: read.report,
        });
    }
    let bytes = storage::read_file(path, MAX_EXCHANGE_BYTES, "an annotation file")?;
    match detect(path, &bytes) {
        Some(AnnotationFile::Qdpx) => {
            let read = crate::formats::refi::read_qdpx(bytes).map_err(broken(path))?;
            Ok(NewProject {
                project: read.project,
                skipped: read.skipped,
            })
        }
        Some(AnnotationFile::StancemarkJson) => {
            let json = storage::decode_utf8(path, bytes)?;
            let project = crate::formats::json::project_from_json_export(path, &json)?;
            Ok(NewProject {
                project,
                skipped: Vec::new(),
            })
        }
        Some(other) => Err(ExchangeError::WrongUse {
            path: path.to_owned(),
            format: other.name(),
            advice: "carries no article texts: import it into a project that has its articles",
        }),
        None => Err(ExchangeError::UnknownFormat {
            path: path.to_owned(),
        }),
    }
}

/// Reads the annotations of a CSV or W3C file (to bring into a project).
pub fn read_incoming(path: &Path) -> Result<Vec<Incoming>, ExchangeError> {
    let bytes = storage::read_file(path, MAX_EXCHANGE_BYTES, "an annotation file")?;
    let kind = detect(path, &bytes);
    let text = || storage::decode_utf8(path, bytes.clone());
    match kind {
        Some(AnnotationFile::Csv) => crate::formats::csv::read(&text()?).map_err(broken(path)),
        Some(AnnotationFile::W3c) => crate::formats::w3c::read(&text()?).map_err(broken(path)),
        Some(other) => Err(ExchangeError::WrongUse {
            path: path.to_owned(),
            format: other.name(),
            advice: "carries its texts: open it as a new project instead",
        }),
        None => Err(ExchangeError::UnknownFormat {
            path: path.to_owned(),
        }),
    }
}

/// Reads a stance scheme file or a REFI-QDA codebook.
pub fn read_scheme(path: &Path) -> Result<crate::core::model::StanceScheme, ExchangeError> {
    let bytes = storage::read_file(path, MAX_EXCHANGE_BYTES, "a stance scheme")?;
    let kind = detect(path, &bytes);
    let text = storage::decode_utf8(path, bytes)?;
    let text = text.trim_start_matches('\u{feff}');
    match kind {
        Some(AnnotationFile::Scheme) => {
            crate::formats::json::read_scheme(text).map_err(broken(path))
        }
        Some(AnnotationFile::Codebook) => {
            crate::formats::refi::read_qdc(text).map_err(broken(path))
        }
        Some(other) => Err(ExchangeError::WrongUse {
            path: path.to_owned(),
            format: other.name(),
            advice: "is not a stance scheme: import it as annotations instead",
        }),
        None => Err(ExchangeError::UnknownFormat {
            path: path.to_owned(),
        }),
    }
}

/// What bringing a stance scheme into a project did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SchemeReport {
    /// Stances the project did not have.
    pub added: usize,
    /// Stances it had (same id, else same name) whose name, colour, description or parent
    /// changed.
    pub updated: usize,
}

impl SchemeReport {
    /// One line for the status bar and the command line.
    pub fn summary(&self) -> String {
        format!(
            "{} stance(s) added, {} updated from the scheme",
            self.added, self.updated
        )
    }
}

/// Brings the stances of `scheme` into the project, as one undoable step: a stance with the
/// same id (else the same name, ignoring case) takes the scheme's name, colour, description
/// and parent; the others are added (keeping their key when it is free). Annotations are not
/// touched.
pub fn merge_scheme(ws: &mut Workspace, scheme: &crate::core::model::StanceScheme) -> SchemeReport {
    ws.group("import stance scheme", |ws| {
        let mut report = SchemeReport::default();
        // Incoming id -> the project's id for it.
        let mut local: std::collections::HashMap<StanceId, StanceId> = Default::default();
        for (incoming, _) in scheme.tree() {
            let project = ws.project();
            let existing = project.stances.get(&incoming.id).cloned().or_else(|| {
                project
                    .stances
                    .0
                    .iter()
                    .find(|s| s.label.to_lowercase() == incoming.label.to_lowercase())
                    .cloned()
            });
            let parent = incoming
                .parent
                .as_ref()
                .map(|p| local.get(p).cloned().unwrap_or_else(|| p.clone()));
            let mut stance = match &existing {
                Some(s) => s.clone(),
                None => {
                    let mut s = incoming.clone();
                    if project.stances.get(&s.id).is_some() {
                        s.id = project.stances.unique_id_for(&s.label);
                    }
                    s
                }
            };
            stance.label = incoming.label.clone();
            stance.color = incoming.color;
            stance.description = incoming.description.clone();
            stance.parent = parent.filter(|p| {
                ws.project().stances.get(p).is_some()
                    && ws.project().stances.can_be_parent(&stance.id, p)
            });
            local.insert(incoming.id.clone(), stance.id.clone());
            let changed = existing.as_ref() != Some(&stance);
            if changed && ws.put_stance(stance).is_ok() {
                if existing.is_some() {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
        }
        report
    })
}

/// What bringing annotations into a project did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IntoReport {
    /// Annotations added where the file placed them.
    pub added: usize,
    /// Annotations whose offsets did not hold their quote, found again by their quote.
    pub reanchored: Vec<String>,
    /// Annotations left out, with why.
    pub refused: Vec<String>,
    /// Annotations the project already had.
    pub already_there: usize,
    /// Stances created because the file named unknown ones.
    pub stances_created: Vec<String>,
    /// Annotations added as orphans (they were orphans in the file and are still not found).
    pub orphans: usize,
}

impl IntoReport {
    /// One line for a notice.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "{} annotation(s) came in",
            self.added + self.reanchored.len() + self.orphans
        )];
        if !self.reanchored.is_empty() {
            parts.push(format!(
                "{} re-anchored by their quote",
                self.reanchored.len()
            ));
        }
        if self.orphans > 0 {
            parts.push(format!("{} as orphans", self.orphans));
        }
        if self.already_there > 0 {
            parts.push(format!("{} were already there", self.already_there));
        }
        if !self.stances_created.is_empty() {
            parts.push(format!("new stances: {}", self.stances_created.join(", ")));
        }
        if !self.refused.is_empty() {
            parts.push(format!("{} refused", self.refused.len()));
        }
        parts.join("; ")
    }
}

/// The article a record names: by id, else by title, else (ids differ between projects that
/// imported the same article) the one article holding its quote. A title that no article has
/// is refused.
fn find_article(project: &Project, rec: &Incoming) -> Result<ArticleId, String> {
    if let Some(a) = rec.article_id.and_then(|id| project.article(id)) {
        return Ok(a.id);
    }
    if let Some(title) = &rec.article_title {
        let same: Vec<_> = project
            .articles
            .iter()
            .filter(|a| &a.title == title)
            .collect();
        match same.as_slice() {
            [one] => return Ok(one.id),
            // A title the project does not have names another article: never guess.
            [] => return Err(format!("its article “{title}” is not in the project")),
            _ => {}
        }
    }
    let holding: Vec<_> = project
        .articles
        .iter()
        .filter(|a| !rec.quote.is_empty() && a.text.contains(&rec.quote))
        .collect();
    match holding.as_slice() {
        [one] => Ok(one.id),
        _ => Err(format!(
            "its article ({}) is not in the project",
            rec.article_title
                .clone()
                .or(rec.article_id.map(|id| id.to_string()))
                .unwrap_or_else(|| "unnamed".to_owned())
        )),
    }
}

/// Colours given to stances a file brings in.
const NEW_STANCE_COLORS: [[u8; 3]; 4] = [
    [155, 89, 182],
    [231, 76, 60],
    [22, 160, 133],
    [241, 196, 15],
];

/// The stance a record names, created when the project has none of that id or label.
fn find_or_create_stance(
    ws: &mut Workspace,
    rec: &Incoming,
    report: &mut IntoReport,
) -> Result<StanceId, String> {
    let scheme = &ws.project().stances;
    if let Some(s) = rec
        .stance_id
        .as_ref()
        .and_then(|id| scheme.get(&StanceId::new(id)))
    {
        return Ok(s.id.clone());
    }
    if let Some(label) = &rec.stance_label
        && let Some(s) = scheme
            .0
            .iter()
            .find(|s| s.label.eq_ignore_ascii_case(label))
    {
        return Ok(s.id.clone());
    }
    let label = rec
        .stance_label
        .clone()
        .or(rec.stance_id.clone())
        .ok_or("it names no stance")?;
    let color = Rgb(NEW_STANCE_COLORS[report.stances_created.len() % NEW_STANCE_COLORS.len()]);
    let id = ws.add_stance(&label, color).map_err(|e| e.to_string())?;
    report.stances_created.push(label);
    Ok(id)
}

/// Where a record goes in its article's text: its offsets if they hold its quote, else where
/// its quote and context are found; `None` when it cannot be placed.
fn place(text: &str, rec: &Incoming) -> Option<(TextRange, bool)> {
    if let (Some(start), Some(end)) = (rec.start, rec.end) {
        let range = TextRange { start, end };
        if end > start && crate::core::text::slice_chars(text, range) == rec.quote {
            return Some((range, false));
        }
    }
    if rec.quote.is_empty() {
        return None;
    }
    let selector = QuoteSelector {
        range: TextRange {
            start: rec.start.unwrap_or(0),
            end: rec.end.unwrap_or(0),
        },
        exact: &rec.quote,
        prefix: rec.prefix.as_deref().unwrap_or(""),
        suffix: rec.suffix.as_deref().unwrap_or(""),
    };
    Anchorer::new(text)
        .place(selector)
        .range()
        .map(|r| (r, true))
}

/// Brings `records` into the project as one undoable step named "import annotations".
pub fn import_into(ws: &mut Workspace, records: &[Incoming]) -> IntoReport {
    ws.group("import annotations", |ws| {
        let mut report = IntoReport::default();
        for rec in records {
            if let Err(why) = import_one(ws, rec, &mut report) {
                report.refused.push(format!(
                    "record {}: “{}”: {why}",
                    rec.line,
                    crate::core::text::snippet(&rec.quote, 50)
                ));
            }
        }
        report
    })
}

/// The analyst a record is by: its analyst id when the project has it, else the analyst its
/// name stands for (added to the project when new); a record naming no one is the importing
/// analyst's.
fn find_or_create_analyst(ws: &mut Workspace, rec: &Incoming) -> Result<AnalystId, String> {
    if let Some(id) = &rec.analyst_id {
        let id = AnalystId::new(id.trim());
        if ws.project().analyst(&id).is_some() {
            return Ok(id);
        }
    }
    let name = if rec.annotator.trim().is_empty() {
        match &rec.analyst_id {
            Some(id) if !id.trim().is_empty() => id.trim().to_owned(),
            _ => ws.analyst().name,
        }
    } else {
        rec.annotator.clone()
    };
    ws.ensure_analyst_named(&name).map_err(|e| e.to_string())
}

/// The actor a record names (by id when the project has it, else by name or alias; a new
/// name is added as a person) and its position (a number or supports / neutral / opposes;
/// one outside the project's scale is refused).
fn find_or_create_actor(
    ws: &mut Workspace,
    rec: &Incoming,
) -> Result<(Option<crate::core::actors::ActorId>, Option<i32>), String> {
    let position = match rec.position.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let p = crate::core::actors::parse_position(text).ok_or_else(|| {
                format!("position {text:?} is not a number or supports / neutral / opposes")
            })?;
            if !ws.project().actors.allows(p) {
                return Err(format!("position {p} is outside the project's scale"));
            }
            Some(p)
        }
    };
    if let Some(id) = rec
        .actor_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id = crate::core::actors::ActorId::new(id);
        if ws.project().actors.get(&id).is_some() {
            return Ok((Some(id), position));
        }
    }
    let name = rec
        .actor
        .as_deref()
        .or(rec.actor_id.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let actor = match name {
        Some(name) => Some(
            ws.actor_named(name, crate::core::actors::ActorKind::Person)
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    Ok((actor, position))
}

fn import_one(ws: &mut Workspace, rec: &Incoming, report: &mut IntoReport) -> Result<(), String> {
    let article = find_article(ws.project(), rec)?;
    let stance = find_or_create_stance(ws, rec, report)?;
    let text = ws
        .project()
        .article(article)
        .map(|a| a.text.clone())
        .unwrap_or_default();
    let placed = place(&text, rec);
    if placed.is_none() && !rec.orphaned {
        return Err("its passage is not in the article".to_owned());
    }
    let analyst = find_or_create_analyst(ws, rec)?;
    let (actor, position) = find_or_create_actor(ws, rec)?;
    let duplicate = rec
        .id
        .is_some_and(|id| ws.project().annotations.contains(id))
        || ws
            .project()
            .annotations
            .layer(article, &analyst)
            .iter()
            .any(|a| {
                a.stance == stance && placed.is_some_and(|(r, _)| a.range == r && !a.orphaned)
            });
    if duplicate {
        report.already_there += 1;
        return Ok(());
    }
    let now = Utc::now();
    let (range, orphaned) = match placed {
        Some((r, _)) => (r, false),
        None => (TextRange { start: 0, end: 0 }, true),
    };
    let annotation = Annotation {
        id: rec.id.unwrap_or_else(Uuid::new_v4),
        article,
        range,
        quote: if orphaned {
            rec.quote.clone()
        } else {
            crate::core::text::slice_chars(&text, range).to_owned()
        },
        prefix: if orphaned {
            rec.prefix.clone().unwrap_or_default()
        } else {
            String::new()
        },
        suffix: if orphaned {
            rec.suffix.clone().unwrap_or_default()
        } else {
            String::new()
        },
        orphaned,
        stance,
        note: rec.note.clone(),
        analyst,
        curator: None,
        actor,
        position,
        created: rec.created.unwrap_or(now),
        modified: rec.modified.or(rec.created).unwrap_or(now),
    };
    ws.put_annotation(annotation).map_err(|e| e.to_string())?;
    match placed {
        Some((r, true)) => report.reanchored.push(format!(
            "record {}: “{}” found at {}..{}",
            rec.line,
            crate::core::text::snippet(&rec.quote, 50),
            r.start,
            r.end
        )),
        Some(_) => report.added += 1,
        None => report.orphans += 1,
    }
    Ok(())
}
