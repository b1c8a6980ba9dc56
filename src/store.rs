//! Project files (`.stance.ron`) and article import.
//!
//! A project file is RON: `(format_version: N, project: (...))`. Loading never changes the file;
//! saving writes a temporary file in the same folder, flushes it to disk and renames it over the
//! old one, keeping the previous version as `NAME.bak`, so a crash or a full disk mid-save never
//! leaves a broken project behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Article, Project};
use crate::text;

/// The file format this build writes and the newest it can read.
///
/// History: 1 — first format; 2 — annotations carry `prefix`/`suffix` context and `orphaned`
/// (version 1 files are migrated on load by computing the context from the article text).
pub const FORMAT_VERSION: u32 = 2;

/// The file name extension of project files.
pub const PROJECT_EXTENSION: &str = "stance.ron";

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

#[derive(Serialize)]
struct ProjectFileOut<'a> {
    format_version: u32,
    project: &'a Project,
}

#[derive(Deserialize)]
struct ProjectFileIn {
    format_version: u32,
    project: Project,
}

/// Brings a project read from an older file format up to [`FORMAT_VERSION`].
fn migrate(mut project: Project, from: u32) -> Project {
    if from < 2 {
        // Version 2 added the text-quote context used to re-anchor annotations.
        let texts: std::collections::HashMap<_, _> = project
            .articles
            .iter()
            .map(|a| (a.id, a.text.clone()))
            .collect();
        for ann in &mut project.annotations {
            if let Some(text) = texts.get(&ann.article)
                && ann.prefix.is_empty()
                && ann.suffix.is_empty()
            {
                let (prefix, suffix) =
                    text::context_around(text, ann.range, crate::anchor::CONTEXT_CHARS);
                ann.prefix = prefix;
                ann.suffix = suffix;
            }
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
        let rest = head[at + "format_version".len()..].trim_start();
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
    ron::from_str::<VersionProbe>(source)
        .ok()
        .map(|p| p.format_version)
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

/// Parses project-file text; `path` is only used in messages.
pub fn parse_project(path: &Path, source: &str) -> Result<Project, StoreError> {
    let parse_error = |e: ron::error::SpannedError| StoreError::Parse {
        path: path.to_owned(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    };
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
    let file: ProjectFileIn = ron::from_str(source).map_err(parse_error)?;
    if file.format_version == 0 {
        return Err(StoreError::Parse {
            path: path.to_owned(),
            line: 1,
            column: 1,
            message: "format_version 0 does not exist".to_owned(),
        });
    }
    let project = migrate(file.project, file.format_version);
    let problems = project.validate();
    if !problems.is_empty() {
        return Err(StoreError::Invalid {
            path: path.to_owned(),
            problems: problems.iter().map(|p| with_line(source, p)).collect(),
        });
    }
    Ok(project)
}

/// Prefixes a problem with the line of the record it is about.
fn with_line(source: &str, problem: &crate::model::Problem) -> String {
    let line = problem.annotation.and_then(|id| {
        let needle = format!("id: \"{id}\"");
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
    pub set_aside: Vec<crate::model::Annotation>,
    /// One line per problem, with its line in the file.
    pub report: Vec<String>,
}

/// Loads a project whose only problems are broken annotations (duplicate id, unknown stance or
/// article, range outside its article, quote not matching), setting those annotations aside.
/// Fails like [`load_project`] for anything else. The file is never modified.
pub fn load_project_salvaging(path: &Path) -> Result<Salvaged, StoreError> {
    let source = read_text_file(path, u64::MAX)?;
    match parse_project(path, &source) {
        Ok(project) => Ok(Salvaged {
            project,
            set_aside: Vec::new(),
            report: Vec::new(),
        }),
        Err(StoreError::Invalid { .. }) => {
            let file: ProjectFileIn = ron::from_str(&source).map_err(|e| StoreError::Parse {
                path: path.to_owned(),
                line: e.span.start.line,
                column: e.span.start.col,
                message: e.code.to_string(),
            })?;
            let mut project = migrate(file.project, file.format_version);
            let problems = project.validate();
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
            })
        }
        Err(e) => Err(e),
    }
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
    let source = read_text_file(path, u64::MAX)?;
    parse_project(path, &source)
}

/// The project as project-file text.
pub fn project_to_string(project: &Project) -> Result<String, StoreError> {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("  ".to_owned());
    let mut out = ron::ser::to_string_pretty(
        &ProjectFileOut {
            format_version: FORMAT_VERSION,
            project,
        },
        config,
    )
    .map_err(|e| StoreError::Encode(e.to_string()))?;
    out.push('\n');
    Ok(out)
}

/// Writes `contents` to `path` atomically: temporary file in the same folder, fsync, keep the
/// old file as `path.bak`, rename over `path`, fsync the folder. On error `path` is untouched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
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
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        if path.exists() {
            let bak = dir.join(format!("{file_name}.bak"));
            fs::copy(path, &bak)?;
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

/// Saves a project atomically (see [`write_atomically`]). Refuses to replace a file written by
/// a newer stancemark, which this version could not read back.
pub fn save_project(project: &Project, path: &Path) -> Result<(), StoreError> {
    if let Ok(existing) = fs::read_to_string(path)
        && let Some(found) = probe_version(&existing)
        && found > FORMAT_VERSION
    {
        return Err(StoreError::FutureVersion {
            path: path.to_owned(),
            found,
            supported: FORMAT_VERSION,
        });
    }
    let text = project_to_string(project)?;
    write_atomically(path, text.as_bytes())
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
        let p = dir.path().join("p.stance.ron");
        write_atomically(&p, b"one").unwrap();
        write_atomically(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::read(dir.path().join("p.stance.ron.bak")).unwrap(),
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
        let p = dir.path().join("missing").join("p.stance.ron");
        assert!(matches!(
            write_atomically(&p, b"x"),
            Err(StoreError::Io { .. })
        ));
    }
}
