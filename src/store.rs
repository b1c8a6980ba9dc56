//! Project files (`.stance.json`) and article import.
//!
//! A project file is JSON: `{"format_version": N, "project": {...}}`. An annotation's quote and
//! context are not stored (they are the article text at its range, recomputed on load) except
//! for orphans, whose range no longer holds their passage. Older RON files (`.stance.ron`,
//! formats 1 and 2) still open; they are saved as `.stance.json` beside the old file, which stays
//! untouched. Loading never changes the file; saving streams to a temporary file in the same
//! folder, flushes it to disk and renames it over the old one, keeping the previous version as
//! `NAME.bak`, so a crash or a full disk mid-save never leaves a broken project behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{
    Annotation, AnnotationId, Article, ArticleId, Problem, Project, StanceId, StanceScheme,
    TextRange,
};
use crate::text;

/// The file format this build writes and the newest it can read.
///
/// History: 1 — first format (RON); 2 — annotations carry `prefix`/`suffix` context and
/// `orphaned` (RON); 3 — JSON, quote and context stored only for orphans (four times faster to
/// read and half the size for long articles). Older files are migrated on load.
pub const FORMAT_VERSION: u32 = 3;

/// The file name extension of project files.
pub const PROJECT_EXTENSION: &str = "stance.json";

/// The extension of project files in the RON formats 1 and 2, which still open.
pub const LEGACY_PROJECT_EXTENSION: &str = "stance.ron";

/// Largest article file accepted on import (64 MiB): larger is almost surely not an article.
pub const MAX_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;

/// What went wrong reading or writing a file. Each variant names the file and, where it
/// applies, the line, so the message alone tells the analyst what to fix.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The OS refused (missing file, permissions, full disk…).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file has no content.
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: not UTF-8 text (invalid byte at line {line}); save it as UTF-8 and try again")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
    },
    /// The file is too large to be an article.
    #[error("{path}: {size} bytes is larger than the {max}-byte limit for an article")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The file is not a valid project file (truncated, wrong type, a typo…).
    #[error("{path}: line {line}, column {column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// Written by a newer stancemark; never overwritten by this one.
    #[error(
        "{path}: written by a newer stancemark (file format {found}, this version reads up to {supported}); update stancemark to open it"
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// Parsed, but records contradict each other (duplicate ids, quotes that do not match…).
    #[error("{path}: {} problem(s): {}", problems.len(), problems.join("; "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One message per broken record.
        problems: Vec<String>,
    },
    /// Save was asked for a project that has no file yet.
    #[error("the project has not been saved yet; choose a file name")]
    NoPath,
    /// Serialisation failed (should not happen for a valid project).
    #[error("could not encode the project: {0}")]
    Encode(String),
}

impl StoreError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

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
    #[serde(serialize_with = "annotation_records")]
    annotations: &'a [Arc<Annotation>],
}

fn annotation_records<S: serde::Serializer>(
    annotations: &&[Arc<Annotation>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(annotations.iter().map(|a| AnnotationRecord::from(&**a)))
}

/// One annotation in a format-3 file: the quote and its context only for orphans (for the others
/// they are the article text at `range`).
#[derive(Serialize, Deserialize)]
struct AnnotationRecord<T> {
    id: AnnotationId,
    article: ArticleId,
    range: TextRange,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quote: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prefix: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suffix: Option<T>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    orphaned: bool,
    stance: StanceId,
    #[serde(default)]
    note: T,
    #[serde(default)]
    annotator: T,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
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
            annotator: &a.annotator,
            created: a.created,
            modified: a.modified,
        }
    }
}

/// A format-3 file as read.
#[derive(Deserialize)]
struct JsonFileIn {
    format_version: u32,
    project: JsonProjectIn,
}

#[derive(Deserialize)]
struct JsonProjectIn {
    name: String,
    #[serde(default)]
    stances: StanceScheme,
    #[serde(default)]
    articles: Vec<Article>,
    #[serde(default)]
    annotations: Vec<AnnotationRecord<String>>,
}

impl JsonProjectIn {
    /// The project, with each anchored annotation's quote and context taken from its article,
    /// and the annotations whose stored quote (only orphans need one) disagrees with the text.
    fn into_project(self) -> (Project, Vec<Problem>) {
        let indexes: HashMap<ArticleId, (&str, text::ParagraphIndex)> = self
            .articles
            .iter()
            .map(|a| (a.id, (a.text.as_str(), text::ParagraphIndex::new(&a.text))))
            .collect();
        let mut problems = Vec::new();
        let annotations = self
            .annotations
            .into_iter()
            .map(|r| {
                let mut quote = r.quote;
                let (mut prefix, mut suffix) = (r.prefix, r.suffix);
                if !r.orphaned {
                    // An anchored annotation's context is the text around it (not kept).
                    prefix = None;
                    suffix = None;
                }
                if !r.orphaned
                    && let Some((text, index)) = indexes.get(&r.article)
                    && !r.range.is_empty()
                    && r.range.end <= index.char_len()
                {
                    let q = index.slice(text, r.range);
                    match &quote {
                        Some(stored) if stored != q => problems.push(Problem {
                            message: format!(
                                "annotation {} quotes {:?} but the article has {:?} at {}..{}",
                                r.id,
                                text::snippet(stored, 40),
                                text::snippet(q, 40),
                                r.range.start,
                                r.range.end
                            ),
                            annotation: Some(r.id),
                        }),
                        _ => {}
                    }
                    quote.get_or_insert_with(|| q.to_owned());
                }
                Annotation {
                    id: r.id,
                    article: r.article,
                    range: r.range,
                    quote: quote.unwrap_or_default(),
                    prefix: prefix.unwrap_or_default(),
                    suffix: suffix.unwrap_or_default(),
                    orphaned: r.orphaned,
                    stance: r.stance,
                    note: r.note,
                    annotator: r.annotator,
                    created: r.created,
                    modified: r.modified,
                }
            })
            .map(std::sync::Arc::new)
            .collect();
        drop(indexes);
        let project = Project {
            name: self.name,
            stances: self.stances,
            articles: self.articles.into_iter().map(std::sync::Arc::new).collect(),
            annotations,
        };
        (project, problems)
    }
}

/// A project-file's content, read but not yet validated.
struct Parsed {
    project: Project,
    format_version: u32,
    /// For formats whose quotes are taken from the text on reading: the quotes found not to
    /// match (so validation need not compare them again). `None`: validation compares them.
    quote_problems: Option<Vec<Problem>>,
}

impl Parsed {
    /// Every broken invariant of the project (see [`Project::validate`]).
    fn problems(&self) -> Vec<Problem> {
        match &self.quote_problems {
            None => self.project.validate(),
            Some(quote_problems) => {
                let mut all = quote_problems.clone();
                all.extend(self.project.validate_checking_quotes(false));
                all
            }
        }
    }
}

/// A RON file of formats 1 and 2 as read.
#[derive(Deserialize)]
struct RonFileIn {
    format_version: u32,
    project: Project,
}

/// Brings a project read from an older file format up to [`FORMAT_VERSION`].
fn migrate(mut project: Project, _from: u32) -> Project {
    // Formats 1 and 2 stored the context of every annotation (format 1 none at all); now only
    // orphans keep one, the others' context being the text around them.
    for ann in &mut project.annotations {
        if !ann.orphaned && (!ann.prefix.is_empty() || !ann.suffix.is_empty()) {
            let ann = Arc::make_mut(ann);
            ann.prefix.clear();
            ann.suffix.clear();
        }
    }
    project
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

/// Reads a whole file as UTF-8 text with a clear error for each way it can fail.
pub fn read_text_file(path: &Path, max_bytes: u64) -> Result<String, StoreError> {
    let meta = fs::metadata(path).map_err(|e| StoreError::io(path, e))?;
    if meta.is_dir() {
        return Err(StoreError::io(
            path,
            std::io::Error::other("is a folder, not a file"),
        ));
    }
    if meta.len() > max_bytes {
        return Err(StoreError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
            max: max_bytes,
        });
    }
    let bytes = fs::read(path).map_err(|e| StoreError::io(path, e))?;
    decode_text(path, bytes)
}

/// Checks bytes are non-empty UTF-8 (a leading BOM is dropped).
pub fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, StoreError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(StoreError::Empty {
            path: path.to_owned(),
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.remove(0);
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..valid]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            Err(StoreError::NotUtf8 {
                path: path.to_owned(),
                line,
            })
        }
    }
}

/// Parses project-file text of any format into a project of the current format, without
/// validating it. Also returns the format version the text was in.
fn parse_unvalidated(path: &Path, source: &str) -> Result<Parsed, StoreError> {
    // Read the version first: a newer file may not parse as this version's types at all.
    if let Some(found) = probe_version(source)
        && found > FORMAT_VERSION
    {
        return Err(StoreError::FutureVersion {
            path: path.to_owned(),
            found,
            supported: FORMAT_VERSION,
        });
    }
    let parse_error = |line: usize, column: usize, message: String| StoreError::Parse {
        path: path.to_owned(),
        line,
        column,
        message,
    };
    let parsed = if is_json(source) {
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
        let (project, quote_problems) = file.project.into_project();
        Parsed {
            project,
            format_version: file.format_version,
            quote_problems: Some(quote_problems),
        }
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
        Parsed {
            project: migrate(file.project, file.format_version),
            format_version: file.format_version,
            quote_problems: None,
        }
    };
    Ok(parsed)
}

/// Parses and validates project-file text of any format; `path` is only used in messages.
pub fn parse_project(path: &Path, source: &str) -> Result<Project, StoreError> {
    let parsed = parse_unvalidated(path, source)?;
    let problems = parsed.problems();
    if !problems.is_empty() {
        return Err(StoreError::Invalid {
            path: path.to_owned(),
            problems: problems.iter().map(|p| with_line(source, p)).collect(),
        });
    }
    Ok(parsed.project)
}

/// Prefixes a problem with the line of the record it is about.
fn with_line(source: &str, problem: &crate::model::Problem) -> String {
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
}

/// A project whose broken annotations were set aside so the rest could be opened.
#[derive(Debug)]
pub struct Salvaged {
    /// The sound part of the project.
    pub project: Project,
    /// The annotations set aside, exactly as they were in the file.
    pub set_aside: Vec<Arc<crate::model::Annotation>>,
    /// One line per problem, with its line in the file.
    pub report: Vec<String>,
    /// The file's `format_version` (see [`save_path_for`]).
    pub format_version: u32,
}

/// Loads a project whose only problems are broken annotations (duplicate id, unknown stance or
/// article, range outside its article, quote not matching), setting those annotations aside.
/// Fails like [`load_project`] for anything else. The file is never modified.
pub fn load_project_salvaging(path: &Path) -> Result<Salvaged, StoreError> {
    let source = read_text_file(path, u64::MAX)?;
    let parsed = parse_unvalidated(path, &source)?;
    let problems = parsed.problems();
    let (mut project, format_version) = (parsed.project, parsed.format_version);
    let report: Vec<String> = problems.iter().map(|p| with_line(&source, p)).collect();
    if problems.iter().any(|p| p.annotation.is_none()) {
        return Err(StoreError::Invalid {
            path: path.to_owned(),
            problems: report,
        });
    }
    // Set aside every annotation with a problem (both copies of a duplicated id).
    let broken: std::collections::HashSet<_> =
        problems.iter().filter_map(|p| p.annotation).collect();
    let (set_aside, kept): (Vec<_>, Vec<_>) = project
        .annotations
        .drain(..)
        .partition(|a| broken.contains(&a.id));
    project.annotations = kept;
    let remaining = project.validate();
    if !remaining.is_empty() {
        return Err(StoreError::Invalid {
            path: path.to_owned(),
            problems: report,
        });
    }
    Ok(Salvaged {
        project,
        set_aside,
        report,
        format_version,
    })
}

/// Writes set-aside annotations next to the project (`NAME.set-aside.ron`) so nothing is lost.
pub fn write_set_aside(path: &Path, salvaged: &Salvaged) -> Result<PathBuf, StoreError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".set-aside.ron");
    let out = PathBuf::from(name);
    let text = ron::ser::to_string_pretty(
        &(&salvaged.report, &salvaged.set_aside),
        ron::ser::PrettyConfig::new(),
    )
    .map_err(|e| StoreError::Encode(e.to_string()))?;
    write_atomically(&out, text.as_bytes())?;
    Ok(out)
}

/// Loads and validates a project file. The file is never modified.
pub fn load_project(path: &Path) -> Result<Project, StoreError> {
    load_project_detailed(path).map(|l| l.project)
}

/// A project read from a file, with the format the file was in.
#[derive(Debug)]
pub struct LoadedProject {
    /// The project, in the current format.
    pub project: Project,
    /// The file's `format_version`; below [`FORMAT_VERSION`] the file is saved elsewhere
    /// (see [`save_path_for`]).
    pub format_version: u32,
}

/// Like [`load_project`], also telling which format the file was in.
pub fn load_project_detailed(path: &Path) -> Result<LoadedProject, StoreError> {
    let source = read_text_file(path, u64::MAX)?;
    let parsed = parse_unvalidated(path, &source)?;
    let problems = parsed.problems();
    if !problems.is_empty() {
        return Err(StoreError::Invalid {
            path: path.to_owned(),
            problems: problems.iter().map(|p| with_line(&source, p)).collect(),
        });
    }
    Ok(LoadedProject {
        project: parsed.project,
        format_version: parsed.format_version,
    })
}

/// Where a project read from `path` is saved: itself for a current-format file, else
/// `NAME.stance.json` beside the old `NAME.stance.ron` (which is left as it is).
pub fn save_path_for(path: &Path, format_version: u32) -> PathBuf {
    if format_version >= FORMAT_VERSION {
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

fn write_project_json(project: &Project, out: &mut impl Write) -> std::io::Result<()> {
    let file = ProjectFileOut {
        format_version: FORMAT_VERSION,
        project: ProjectOut {
            name: &project.name,
            stances: &project.stances,
            articles: &project.articles,
            annotations: &project.annotations,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &file)?;
    out.write_all(b"\n")
}

/// Writes `contents` to `path` atomically: temporary file in the same folder, fsync, keep the
/// old file as `path.bak`, rename over `path`, fsync the folder. On error `path` is untouched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    write_atomically_with(path, |out| out.write_all(contents))
}

/// Like [`write_atomically`], with the contents streamed by `write` (no copy of a large file in
/// memory).
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| StoreError::io(path, std::io::Error::other("not a file name")))?
        .to_string_lossy()
        .into_owned();
    // One fixed name: a temp file left by a killed save is simply replaced by the next one.
    let tmp = dir.join(format!(".{file_name}.tmp"));
    let result = (|| {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?);
        write(&mut out)?;
        let f = out.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        if path.exists() {
            keep_backup(path, &dir.join(format!("{file_name}.bak")))?;
        }
        fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        StoreError::io(path, e)
    })
}

/// Makes `bak` a copy of `path`: a hard link where the file system has them (instant for any
/// size; the rename that follows gives `path` a new file and leaves `bak` the old one), else a copy.
fn keep_backup(path: &Path, bak: &Path) -> std::io::Result<()> {
    match fs::remove_file(bak) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if fs::hard_link(path, bak).is_err() {
        fs::copy(path, bak)?;
    }
    Ok(())
}

/// The `format_version` in the head of an existing file, if it is a project file.
fn version_on_disk(path: &Path) -> Option<u32> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    probe_version(&String::from_utf8_lossy(&head))
}

/// Writes a project file atomically (see [`write_atomically`]), streaming it to disk.
pub fn write_project(project: &Project, path: &Path) -> Result<(), StoreError> {
    write_atomically_with(path, |out| write_project_json(project, out))
}

/// Saves a project atomically (see [`write_atomically`]). Refuses to replace a file written by
/// a newer stancemark, which this version could not read back.
pub fn save_project(project: &Project, path: &Path) -> Result<(), StoreError> {
    if let Some(found) = version_on_disk(path)
        && found > FORMAT_VERSION
    {
        return Err(StoreError::FutureVersion {
            path: path.to_owned(),
            found,
            supported: FORMAT_VERSION,
        });
    }
    write_project(project, path)
}

/// Imports a `.txt` or `.md` file as an article: UTF-8 required, newlines normalised, the title
/// taken from the first non-empty line (without Markdown `#`s) or else the file name.
pub fn import_article(path: &Path) -> Result<Article, StoreError> {
    let raw = read_text_file(path, MAX_ARTICLE_BYTES)?;
    let body = text::normalize_newlines(&raw);
    let title = body
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .map(|l| text::snippet(l, 80))
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Untitled article".to_owned());
    let mut article = Article::new(title, &body);
    article.source_path = Some(path.display().to_string());
    Ok(article)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_text_reports_line_of_bad_byte_and_empty() {
        let p = Path::new("x.txt");
        let err = decode_text(p, b"ok\nstill ok\nbad \xff here".to_vec()).unwrap_err();
        assert!(matches!(err, StoreError::NotUtf8 { line: 3, .. }), "{err}");
        assert!(matches!(
            decode_text(p, b" \n\t".to_vec()),
            Err(StoreError::Empty { .. })
        ));
        assert_eq!(
            decode_text(p, "\u{feff}hé".as_bytes().to_vec()).unwrap(),
            "hé"
        );
    }

    #[test]
    fn import_article_takes_title_from_first_line_and_normalises() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, "\r\n# Title here\r\nBody\r\n").unwrap();
        let a = import_article(&p).unwrap();
        assert_eq!(a.title, "Title here");
        assert_eq!(a.text, "\n# Title here\nBody\n");
        assert_eq!(
            a.source_path.as_deref(),
            Some(p.display().to_string().as_str())
        );
    }

    #[test]
    fn atomic_write_keeps_backup_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.stance.json");
        write_atomically(&p, b"one").unwrap();
        write_atomically(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::read(dir.path().join("p.stance.json.bak")).unwrap(),
            b"one"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn atomic_write_into_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing").join("p.stance.json");
        assert!(matches!(
            write_atomically(&p, b"x"),
            Err(StoreError::Io { .. })
        ));
    }
}
