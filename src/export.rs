//! Export of a project for analysis elsewhere (Python, R, spreadsheets), as JSON or RON.
//!
//! Both formats carry the same [`Export`] value: the stance scheme, every article with its full
//! text (so the export alone is enough to work with) and one flat record per annotation. Offsets
//! are code points, half-open, so `text[start:end] == quote` holds in Python.
//! The JSON shape is described by `schema/export.schema.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::Project;
use crate::store::{self, LoadError};

/// Identifies the kind of document, for tools that receive many kinds of JSON.
pub const EXPORT_FORMAT: &str = "stancemark-export";
/// Version of the export shape; bumped on any incompatible change.
pub const EXPORT_VERSION: u32 = 1;

/// Why an export could not be written. An existing file at the target is left as it was.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The OS refused (permissions, full disk, missing folder…).
    #[error("{path}: {source}")]
    Io {
        /// The target file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The serialiser failed (cannot happen for a valid project; reported, not hidden).
    #[error("could not encode the export as {format}: {message}")]
    Encode {
        /// The format.
        format: &'static str,
        /// The serialiser's message.
        message: String,
    },
}

/// Output format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ExportFormat {
    /// Pretty-printed JSON.
    Json,
    /// Pretty-printed RON.
    Ron,
}

impl ExportFormat {
    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Ron => "ron",
        }
    }
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
    /// Length of `text` in code points.
    pub char_count: usize,
    /// Full text, `\n` line endings.
    pub text: String,
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
    /// First code point (inclusive).
    pub start: usize,
    /// Code point after the last (exclusive).
    pub end: usize,
    /// `text[start:end]`.
    pub quote: String,
    /// Analyst's note.
    pub note: String,
    /// Who made it.
    pub annotator: String,
    /// RFC 3339 creation time.
    pub created: String,
    /// RFC 3339 last modification time.
    pub modified: String,
}

/// The whole export document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// Always [`EXPORT_VERSION`].
    pub format_version: u32,
    /// Project name.
    pub project: String,
    /// The scheme.
    pub stances: Vec<ExportStance>,
    /// All articles in project order.
    pub articles: Vec<ExportArticle>,
    /// All annotations, by article (project order) then start offset.
    pub annotations: Vec<ExportAnnotation>,
}

impl Export {
    /// Builds the export of a project.
    pub fn from_project(project: &Project) -> Self {
        let stances = project
            .stances
            .0
            .iter()
            .map(|s| ExportStance {
                id: s.id.to_string(),
                label: s.label.clone(),
                color: s.color.to_hex(),
                description: s.description.clone(),
                hotkey: s.hotkey,
            })
            .collect();
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
                char_count: a.char_len(),
                text: a.text.clone(),
            })
            .collect();
        let mut annotations = Vec::with_capacity(project.annotations.len());
        for article in &project.articles {
            for ann in project.annotations_of(article.id) {
                let stance_label = project
                    .stances
                    .get(&ann.stance)
                    .map_or_else(|| ann.stance.to_string(), |s| s.label.clone());
                annotations.push(ExportAnnotation {
                    id: ann.id.to_string(),
                    article_id: article.id.to_string(),
                    article_title: article.title.clone(),
                    stance_id: ann.stance.to_string(),
                    stance_label,
                    start: ann.range.start,
                    end: ann.range.end,
                    quote: ann.quote.clone(),
                    note: ann.note.clone(),
                    annotator: ann.annotator.clone(),
                    created: ann.created.to_rfc3339(),
                    modified: ann.modified.to_rfc3339(),
                });
            }
        }
        Export {
            format: EXPORT_FORMAT.to_owned(),
            format_version: EXPORT_VERSION,
            project: project.name.clone(),
            stances,
            articles,
            annotations,
        }
    }

    /// Serialises in the given format (pretty, newline-terminated).
    pub fn to_string(&self, format: ExportFormat) -> Result<String, ExportError> {
        let encode = |message: String| ExportError::Encode {
            format: format.extension(),
            message,
        };
        let mut out = match format {
            ExportFormat::Json => {
                serde_json::to_string_pretty(self).map_err(|e| encode(e.to_string()))?
            }
            ExportFormat::Ron => ron::ser::to_string_pretty(
                self,
                ron::ser::PrettyConfig::new().indentor("  ".to_owned()),
            )
            .map_err(|e| encode(e.to_string()))?,
        };
        out.push('\n');
        Ok(out)
    }
}

/// Writes the export of `project` to `path` atomically (no backup of a file it replaces);
/// returns how many annotations it holds.
pub fn write_export(
    project: &Project,
    format: ExportFormat,
    path: &Path,
) -> Result<usize, ExportError> {
    let text = Export::from_project(project).to_string(format)?;
    store::write_atomically(path, text.as_bytes(), store::Backup::None).map_err(|source| {
        ExportError::Io {
            path: path.to_owned(),
            source,
        }
    })?;
    Ok(project.annotations.len())
}

/// Why a record of a JSON export cannot be turned back into the model.
type Bad = String;

fn parse_uuid(s: &str) -> Result<uuid::Uuid, Bad> {
    uuid::Uuid::parse_str(s).map_err(|e| format!("bad id {s:?}: {e}"))
}

fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, Bad> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("bad time {s:?}: {e}"))
}

impl ExportStance {
    fn to_stance(&self) -> Result<crate::model::Stance, Bad> {
        Ok(crate::model::Stance {
            id: crate::model::StanceId::new(&self.id),
            label: self.label.clone(),
            color: crate::model::Rgb::from_hex(&self.color)
                .ok_or_else(|| format!("bad colour {:?}", self.color))?,
            description: self.description.clone(),
            hotkey: self.hotkey,
        })
    }
}

impl ExportArticle {
    fn to_article(&self) -> Result<crate::model::Article, Bad> {
        Ok(crate::model::Article {
            id: parse_uuid(&self.id)?,
            title: self.title.clone(),
            source_path: self.source_path.clone(),
            meta: crate::model::ArticleMeta {
                author: self.author.clone(),
                outlet: self.outlet.clone(),
                date: self.date.clone(),
                url: self.url.clone(),
            },
            text: self.text.clone(),
        })
    }
}

impl ExportAnnotation {
    fn to_annotation(&self) -> Result<crate::model::Annotation, Bad> {
        Ok(crate::model::Annotation {
            id: parse_uuid(&self.id)?,
            article: parse_uuid(&self.article_id)?,
            range: crate::model::TextRange {
                start: self.start,
                end: self.end,
            },
            quote: self.quote.clone(),
            // Anchored: the context is the article text around the range.
            prefix: String::new(),
            suffix: String::new(),
            orphaned: false,
            stance: crate::model::StanceId::new(&self.stance_id),
            note: self.note.clone(),
            annotator: self.annotator.clone(),
            created: parse_time(&self.created)?,
            modified: parse_time(&self.modified)?,
        })
    }
}

/// Rebuilds a project from a JSON export (e.g. one edited in another tool): ids, texts,
/// stances and annotations are taken as they are and validated like a project file.
pub fn project_from_json_export(path: &Path, json: &str) -> Result<Project, LoadError> {
    let invalid = |problems: Vec<String>| LoadError::Invalid {
        path: path.to_owned(),
        problems,
    };
    let export: Export = serde_json::from_str(json).map_err(|e| LoadError::Parse {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if export.format != EXPORT_FORMAT || export.format_version > EXPORT_VERSION {
        return Err(invalid(vec![format!(
            "not a stancemark export this version reads (format {:?}, version {})",
            export.format, export.format_version
        )]));
    }
    let convert = || -> Result<Project, Bad> {
        Ok(Project {
            name: export.project.clone(),
            stances: crate::model::StanceScheme(
                export
                    .stances
                    .iter()
                    .map(ExportStance::to_stance)
                    .collect::<Result<_, _>>()?,
            ),
            articles: export
                .articles
                .iter()
                .map(|a| a.to_article().map(std::sync::Arc::new))
                .collect::<Result<_, _>>()?,
            annotations: export
                .annotations
                .iter()
                .map(|a| a.to_annotation().map(std::sync::Arc::new))
                .collect::<Result<_, _>>()?,
        })
    };
    let project = convert().map_err(|bad| invalid(vec![bad]))?;
    let problems = project.validate();
    if !problems.is_empty() {
        return Err(invalid(store::problem_messages(json, &problems)));
    }
    Ok(project)
}

/// Annotation counts per stance per article, as `stancemark stats` prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Stance labels, the table's columns.
    pub stances: Vec<String>,
    /// One row per article: its title and one count per stance.
    pub rows: Vec<(String, Vec<usize>)>,
}

impl Stats {
    /// Counts the annotations of a project.
    pub fn of(project: &Project) -> Self {
        let stances: Vec<_> = project.stances.0.iter().collect();
        let rows = project
            .articles
            .iter()
            .map(|article| {
                let counts = stances
                    .iter()
                    .map(|s| {
                        project
                            .annotations
                            .iter()
                            .filter(|a| a.article == article.id && a.stance == s.id)
                            .count()
                    })
                    .collect();
                (article.title.clone(), counts)
            })
            .collect();
        Stats {
            stances: stances.iter().map(|s| s.label.clone()).collect(),
            rows,
        }
    }

    /// A plain-text table with a total row, columns aligned.
    pub fn to_table(&self) -> String {
        let mut header = vec!["article".to_owned()];
        header.extend(self.stances.iter().cloned());
        header.push("total".to_owned());
        let mut body: Vec<Vec<String>> = Vec::new();
        let mut totals = vec![0; self.stances.len()];
        for (title, counts) in &self.rows {
            let mut row = vec![crate::text::snippet(title, 50)];
            for (i, c) in counts.iter().enumerate() {
                totals[i] += c;
                row.push(c.to_string());
            }
            row.push(counts.iter().sum::<usize>().to_string());
            body.push(row);
        }
        let mut total_row = vec!["TOTAL".to_owned()];
        total_row.extend(totals.iter().map(|c| c.to_string()));
        total_row.push(totals.iter().sum::<usize>().to_string());
        body.push(total_row);

        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                std::iter::once(&header)
                    .chain(&body)
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in std::iter::once(&header).chain(&body) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    if i == 0 {
                        format!("{cell:<w$}", w = widths[i])
                    } else {
                        format!("{cell:>w$}", w = widths[i])
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}
