//! Exporting a project in every format annotations travel in (see [`crate::formats`]):
//! stancemark's JSON or RON, CSV, W3C Web Annotation, REFI-QDA project (`.qdpx`) or codebook
//! (`.qdc`), and an HTML report. Files are written atomically; an existing file at the target
//! is replaced only once the new one is complete, and no `.bak` is left beside an export.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::core::model::{ArticleId, Project};
use crate::storage;

pub use crate::formats::json::{
    EXPORT_FORMAT, EXPORT_VERSION, Export, ExportAnnotation, ExportArticle, ExportStance,
    project_from_json_export,
};

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
    /// The article asked for is not in the project.
    #[error("no article {0} in the project")]
    NoSuchArticle(String),
}

/// Output format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ExportFormat {
    /// stancemark's export as pretty-printed JSON.
    Json,
    /// stancemark's export as pretty-printed RON.
    Ron,
    /// One row per annotation (UTF-8 with BOM), for pandas, R and spreadsheets.
    Csv,
    /// W3C Web Annotation (JSON-LD `AnnotationCollection`).
    W3c,
    /// REFI-QDA project (MAXQDA, NVivo, ATLAS.ti, QualCoder).
    Qdpx,
    /// REFI-QDA codebook: the stance scheme alone.
    Qdc,
    /// A self-contained HTML report for people.
    Html,
    /// Figures per article and stance (annotations, annotated code points), long CSV.
    Stats,
    /// Pairs of overlapping annotations per pair of stances, CSV.
    Cooccurrence,
    /// The stance scheme on its own, as JSON, for a team to share one codebook.
    Scheme,
    /// A bar chart of the annotations per stance, as SVG.
    ChartSvg,
    /// The co-occurrence matrix of the stances, as SVG.
    CooccurrenceSvg,
    /// Where each stance falls along the articles' length (a line chart), as SVG.
    AlongSvg,
    /// A Discourse Network Analyzer database (DNA 3, SQLite): documents, coders, actors and
    /// statements, for DNA and rDNA.
    Dna,
    /// One row per annotation with who holds the stance, the position, the article's date and
    /// outlet: the statements of discourse networks, CSV.
    Events,
    /// A Manifesto Corpus CSV of one unitised article: `text, cmp_code, eu_code, pos`.
    ManifestoCsv,
}

/// Every export format, in menu order.
pub const EXPORT_FORMATS: [ExportFormat; 16] = [
    ExportFormat::Json,
    ExportFormat::Ron,
    ExportFormat::Csv,
    ExportFormat::Events,
    ExportFormat::Dna,
    ExportFormat::ManifestoCsv,
    ExportFormat::W3c,
    ExportFormat::Qdpx,
    ExportFormat::Qdc,
    ExportFormat::Scheme,
    ExportFormat::Html,
    ExportFormat::Stats,
    ExportFormat::Cooccurrence,
    ExportFormat::ChartSvg,
    ExportFormat::CooccurrenceSvg,
    ExportFormat::AlongSvg,
];

impl ExportFormat {
    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Ron => "ron",
            ExportFormat::Csv => "csv",
            ExportFormat::W3c => "jsonld",
            ExportFormat::Qdpx => "qdpx",
            ExportFormat::Qdc => "qdc",
            ExportFormat::Html => "html",
            ExportFormat::Dna => "dna",
            ExportFormat::Stats
            | ExportFormat::Cooccurrence
            | ExportFormat::Events
            | ExportFormat::ManifestoCsv => "csv",
            ExportFormat::Scheme => "json",
            ExportFormat::ChartSvg | ExportFormat::CooccurrenceSvg | ExportFormat::AlongSvg => {
                "svg"
            }
        }
    }

    /// What goes between the project's name and the extension in a suggested file name
    /// (`project-statistics.csv` beside `project.csv`).
    pub fn file_suffix(self) -> &'static str {
        match self {
            ExportFormat::Stats => "-statistics",
            ExportFormat::Cooccurrence => "-cooccurrence",
            ExportFormat::Scheme => "-scheme",
            ExportFormat::ChartSvg => "-chart",
            ExportFormat::CooccurrenceSvg => "-cooccurrence",
            ExportFormat::AlongSvg => "-along",
            ExportFormat::Events => "-events",
            ExportFormat::ManifestoCsv => "-manifesto",
            _ => "",
        }
    }

    /// The name in menus.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON",
            ExportFormat::Ron => "RON",
            ExportFormat::Csv => "CSV",
            ExportFormat::W3c => "W3C Web Annotation",
            ExportFormat::Qdpx => "REFI-QDA project",
            ExportFormat::Qdc => "REFI-QDA codebook",
            ExportFormat::Html => "HTML report",
            ExportFormat::Stats => "statistics CSV",
            ExportFormat::Cooccurrence => "co-occurrence CSV",
            ExportFormat::Scheme => "stance scheme",
            ExportFormat::ChartSvg => "chart (SVG)",
            ExportFormat::CooccurrenceSvg => "co-occurrence chart (SVG)",
            ExportFormat::AlongSvg => "along-the-text chart (SVG)",
            ExportFormat::Events => "event list CSV",
            ExportFormat::Dna => "DNA database",
            ExportFormat::ManifestoCsv => "Manifesto Corpus CSV",
        }
    }

    /// What the format is for.
    pub fn purpose(self) -> &'static str {
        match self {
            ExportFormat::Json | ExportFormat::Ron => {
                "Stances, articles with their text and every annotation, for Python or R"
            }
            ExportFormat::Csv => "One row per annotation, for pandas, R and spreadsheets",
            ExportFormat::W3c => "W3C Web Annotation JSON-LD, for annotation tools",
            ExportFormat::Qdpx => "The whole project for MAXQDA, NVivo, ATLAS.ti or QualCoder",
            ExportFormat::Qdc => "The stance scheme as a codebook, for a team to share",
            ExportFormat::Html => "A report to read or print: highlights, legend, notes, counts",
            ExportFormat::Stats => {
                "Annotations and annotated code points per article and stance (sub-stances rolled up), long CSV"
            }
            ExportFormat::Cooccurrence => {
                "Pairs of overlapping annotations for each pair of stances, CSV"
            }
            ExportFormat::Scheme => {
                "The stances alone (names, colours, descriptions, keys, tree) as JSON, for a team to share one codebook"
            }
            ExportFormat::ChartSvg => "A bar chart of the annotations per stance, as SVG",
            ExportFormat::CooccurrenceSvg => {
                "The matrix of overlapping annotations per pair of stances, as SVG"
            }
            ExportFormat::AlongSvg => {
                "Where each stance falls along the articles' length (a line per stance), as SVG"
            }
            ExportFormat::Dna => {
                "A Discourse Network Analyzer database (DNA 3): documents, coders, actors, stances and positions"
            }
            ExportFormat::ManifestoCsv => {
                "One unitised article's units and codes (text, cmp_code, eu_code, pos), as the Manifesto Project's corpus files are"
            }
            ExportFormat::Events => {
                "One row per annotation: date, article, outlet, actor, stance, position (the statements of discourse networks), CSV"
            }
        }
    }
}

impl Export {
    /// Serialises in JSON or RON (pretty, newline-terminated).
    pub fn to_string(&self, format: ExportFormat) -> Result<String, ExportError> {
        let encode = |message: String| ExportError::Encode {
            format: format.extension(),
            message,
        };
        let mut out = match format {
            ExportFormat::Ron => ron::ser::to_string_pretty(
                self,
                ron::ser::PrettyConfig::new().indentor("  ".to_owned()),
            )
            .map_err(|e| encode(e.to_string()))?,
            _ => serde_json::to_string_pretty(self).map_err(|e| encode(e.to_string()))?,
        };
        out.push('\n');
        Ok(out)
    }
}

/// The export of `project` (or of one article of it) as bytes.
pub fn export_bytes(
    project: &Project,
    format: ExportFormat,
    article: Option<ArticleId>,
) -> Result<Vec<u8>, ExportError> {
    let project = match article {
        Some(id) => &only_article(project, id)?,
        None => project,
    };
    Ok(match format {
        ExportFormat::Json | ExportFormat::Ron => Export::from_project(project)
            .to_string(format)?
            .into_bytes(),
        ExportFormat::Csv => crate::formats::csv::write(project)?,
        ExportFormat::Events => crate::formats::csv::write_events(project)?,
        ExportFormat::ManifestoCsv => manifesto_csv(project, article)?.0,
        ExportFormat::Dna => {
            return Err(ExportError::Encode {
                format: "dna",
                message: "a DNA database is a file: give one (-o FILE.dna)".to_owned(),
            });
        }
        ExportFormat::W3c => crate::formats::w3c::write(project)?,
        ExportFormat::Qdpx => crate::formats::refi::write_qdpx(project)?,
        ExportFormat::Qdc => crate::formats::refi::write_qdc(project).into_bytes(),
        ExportFormat::Scheme => crate::formats::json::write_scheme(project).into_bytes(),
        ExportFormat::ChartSvg => crate::analysis::stats::Stats::of(project)
            .bar_chart_svg(project)
            .into_bytes(),
        ExportFormat::CooccurrenceSvg => crate::analysis::stats::Stats::of(project)
            .cooccurrence_svg(project)
            .into_bytes(),
        ExportFormat::AlongSvg => crate::analysis::stats::Stats::of(project)
            .along_svg(project)
            .into_bytes(),
        ExportFormat::Html => crate::formats::report::write(project).into_bytes(),
        ExportFormat::Stats => crate::analysis::stats::Stats::of(project)
            .to_csv()
            .map_err(|e| csv_error(format, e))?
            .into_bytes(),
        ExportFormat::Cooccurrence => crate::analysis::stats::Stats::of(project)
            .cooccurrence_csv()
            .map_err(|e| csv_error(format, e))?
            .into_bytes(),
    })
}

/// The Manifesto Corpus CSV of `article` (else the only unitised article) as its one coder
/// coded it, with notes on units coded several ways.
fn manifesto_csv(
    project: &Project,
    article: Option<ArticleId>,
) -> Result<(Vec<u8>, Vec<String>), ExportError> {
    let fail = |message: String| ExportError::Encode {
        format: "Manifesto CSV",
        message,
    };
    let article = match article {
        Some(id) => project
            .article(id)
            .ok_or_else(|| ExportError::NoSuchArticle(id.to_string()))?,
        None => {
            let unitised: Vec<_> = project
                .articles
                .iter()
                .filter(|a| !a.units.is_empty())
                .collect();
            match unitised.as_slice() {
                [one] => &***one,
                [] => {
                    return Err(fail(
                        "no article is unitised yet (Units → Unitise article)".into(),
                    ));
                }
                several => {
                    return Err(fail(format!(
                        "{} articles are unitised: choose one with --article ({})",
                        several.len(),
                        several
                            .iter()
                            .map(|a| a.id.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
    };
    let coder = crate::formats::manifesto::coder_of(project, article, None).map_err(fail)?;
    crate::formats::manifesto::write(project, article, &coder).map_err(fail)
}

fn csv_error(format: ExportFormat, e: csv::Error) -> ExportError {
    ExportError::Encode {
        format: format.name(),
        message: e.to_string(),
    }
}

/// The project reduced to one article and its annotations.
fn only_article(project: &Project, id: ArticleId) -> Result<Project, ExportError> {
    if project.article(id).is_none() {
        return Err(ExportError::NoSuchArticle(id.to_string()));
    }
    let mut one = project.clone();
    one.articles.retain(|a| a.id == id);
    one.annotations.take_where(|a| a.article != id);
    one.rejections.take_where(|r| r.article != id);
    Ok(one)
}

/// Writes the export of `project` (or of one article of it) to `path` atomically (no backup
/// of a file it replaces); returns how many annotations it holds.
pub fn write_export(
    project: &Project,
    format: ExportFormat,
    path: &Path,
    article: Option<ArticleId>,
) -> Result<usize, ExportError> {
    write_export_reporting(project, format, path, article).map(|(count, _)| count)
}

/// [`write_export`], with what the reader should know about the file (values a format cut,
/// records it could not hold).
pub fn write_export_reporting(
    project: &Project,
    format: ExportFormat,
    path: &Path,
    article: Option<ArticleId>,
) -> Result<(usize, Vec<String>), ExportError> {
    let count = |p: &Project| {
        p.annotations
            .iter()
            .filter(|a| article.is_none_or(|id| a.article == id))
            .count()
    };
    if format == ExportFormat::Dna {
        let project = match article {
            Some(id) => &only_article(project, id)?,
            None => project,
        };
        let notes =
            crate::formats::dna::write_dna(project, path).map_err(|e| ExportError::Encode {
                format: "dna",
                message: e.to_string(),
            })?;
        return Ok((count(project), notes));
    }
    let (bytes, notes) = if format == ExportFormat::ManifestoCsv {
        manifesto_csv(project, article)?
    } else {
        (export_bytes(project, format, article)?, Vec::new())
    };
    storage::write_atomically(path, &bytes, storage::Backup::None).map_err(|source| {
        ExportError::Io {
            path: path.to_owned(),
            source,
        }
    })?;
    Ok((count(project), notes))
}
