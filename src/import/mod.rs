//! Article import: turning a file an analyst received into an [`Article`]: plain text in any
//! common encoding, Markdown, web pages, PDF, Word and OpenDocument.
//!
//! Invariants:
//! - an imported article's text has `\n` line ends only, one paragraph (or heading, list item,
//!   table row) per line;
//! - its [`ImportSettings`] say how the text was made, and re-importing a new version of the
//!   source makes it the same way, so annotations follow their passages; articles imported
//!   before settings were recorded re-import their source's UTF-8 as it is;
//! - every reader runs on a worker with a time limit and inside a panic guard: a file that
//!   makes a reader hang or crash is an error for that file, never a stuck or crashed app;
//! - archives are read in memory with limits ([`archive`]); XML entities are never expanded.

pub mod archive;
mod html;
mod markdown;
mod office;
mod pdf;
pub mod score;
pub mod text;
pub(crate) mod xml;

use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use crate::core::model::{Article, ArticleMeta, ImportSettings, SourceFormat};
use crate::storage::sniff::{self, BinaryKind};
use crate::storage::{self, ReadError};

pub use html::decode_page;

/// Most code points of a title made from the first line (cut at a word, with `…`).
const TITLE_CHARS: usize = 100;
/// A page or document yielding fewer code points than this is imported with a warning.
const ALMOST_EMPTY_CHARS: usize = 200;
/// Time a reader may take for a file: this much, plus [`SECONDS_PER_MB`] per megabyte.
const BASE_SECONDS: u64 = 30;
/// Extra time per megabyte of source.
const SECONDS_PER_MB: u64 = 2;

/// What went wrong inside one format's reader (the file is named by [`ImportError`]).
#[derive(Debug, Error)]
pub enum ImportFault {
    /// The zip archive is broken, a bomb, encrypted…
    #[error(transparent)]
    Archive(#[from] archive::ArchiveError),
    /// An XML part is broken.
    #[error("{entry}: {message}")]
    Xml {
        /// The archive entry.
        entry: String,
        /// What is wrong.
        message: String,
    },
    /// The web page could not be parsed.
    #[error("the web page could not be read ({0})")]
    Html(String),
    /// The PDF could not be parsed.
    #[error("the PDF could not be read ({0})")]
    Pdf(String),
    /// The PDF needs a password.
    #[error("the PDF is protected by a password; save an unprotected copy and import that")]
    Encrypted,
    /// The PDF has pages but no text (a scan).
    #[error(
        "the PDF has no text layer (it is probably a scan); run it through OCR (e.g. ocrmypdf) and import the result"
    )]
    NoTextLayer,
}

/// Why a file could not be imported as an article.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The file could not be read (missing, not a file, too large, empty).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Neither its name nor its content is a format stancemark imports.
    #[error(
        "{path}: {what} is not a format stancemark imports (text, Markdown, web pages, PDF, Word .docx, OpenDocument .odt)"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What it looks like ("a .xlsx file", "binary data").
        what: String,
    },
    /// The file is binary (an executable, an image, an archive…) under a text format's name, or
    /// without a name that says what it is.
    #[error(
        "{path}: this is {what}, not {expected}; stancemark imports text, Markdown, web pages, PDF, Word .docx and OpenDocument .odt files"
    )]
    Binary {
        /// The file.
        path: PathBuf,
        /// What it is ("an ELF executable").
        what: &'static str,
        /// What its name promised ("a text file").
        expected: &'static str,
    },
    /// The reader of its format failed.
    #[error("{path}: {fault}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        fault: ImportFault,
    },
    /// The reader found no text at all.
    #[error("{path}: no text found in this {format}")]
    NoText {
        /// The file.
        path: PathBuf,
        /// Its format's name.
        format: &'static str,
    },
    /// The reader took too long and was left behind.
    #[error("{path}: reading took more than {seconds} s and was stopped; the file may be damaged")]
    TimedOut {
        /// The file.
        path: PathBuf,
        /// The limit.
        seconds: u64,
    },
    /// The reader crashed on this file.
    #[error("{path}: the {format} reader failed on this file ({message})")]
    Crashed {
        /// The file.
        path: PathBuf,
        /// Its format's name.
        format: &'static str,
        /// The reader's last words.
        message: String,
    },
    /// The import was cancelled.
    #[error("{path}: import cancelled")]
    Cancelled {
        /// The file.
        path: PathBuf,
    },
    /// The article has no file to re-import from.
    #[error("“{title}” was not imported from a file, so it cannot be re-imported")]
    NoSource {
        /// The article's title.
        title: String,
    },
    /// The new version of a source is in another format than the first.
    #[error(
        "{path} is a {now} file but “{title}” was imported from a {was} file; add it as a new article instead"
    )]
    OtherFormat {
        /// The new version.
        path: PathBuf,
        /// The article's title.
        title: String,
        /// Its format.
        now: &'static str,
        /// The format the article came from.
        was: &'static str,
    },
    /// The source file of a re-import is gone.
    #[error("{path}: the source file of “{title}” is gone; choose its new version")]
    SourceMissing {
        /// Where it was.
        path: PathBuf,
        /// The article's title.
        title: String,
    },
}

/// What a reader found in a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The text, one paragraph per line.
    pub text: String,
    /// A title from the document itself (its metadata or first heading).
    pub title: Option<String>,
    /// Author, outlet, date, URL from the document.
    pub meta: ArticleMeta,
    /// What the analyst should know about how it was read.
    pub warnings: Vec<String>,
}

/// An imported article and what the analyst should know about it.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The article.
    pub article: Article,
    /// Things to know ("the page yields almost no text").
    pub warnings: Vec<String>,
}

impl Imported {
    /// One line: title, size, format and encoding.
    pub fn summary(&self) -> String {
        let a = &self.article;
        let how = a
            .import
            .as_ref()
            .map_or_else(String::new, ImportSettings::describe);
        format!("“{}” — {} characters, {how}", a.title, a.char_len())
    }
}

/// Why [`detect`] found no format to read a file as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undetected {
    /// Binary content ([`BinaryKind`]) where text was expected (`expected`), or without a name
    /// that says what it is.
    Binary {
        /// What it is.
        kind: BinaryKind,
        /// What its name promised ("a text file"), or "an article" when it has no known name.
        expected: &'static str,
    },
    /// Neither the name nor the content is a format stancemark reads ("a .xlsx file").
    Unknown(String),
}

impl Undetected {
    fn into_error(self, path: &Path) -> ImportError {
        match self {
            Undetected::Binary { kind, expected } => ImportError::Binary {
                path: path.to_owned(),
                what: kind.describe(),
                expected,
            },
            Undetected::Unknown(what) => ImportError::UnknownFormat {
                path: path.to_owned(),
                what,
            },
        }
    }
}

/// The format of a file, by its name, then by its content. Binary content under a text
/// format's name (a program renamed `.txt`, a PDF named `.html`) is refused with what it is.
pub fn detect(path: &Path, bytes: &[u8]) -> Result<SourceFormat, Undetected> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let by_name = match ext.as_str() {
        "txt" | "text" | "asc" => Some(SourceFormat::Text),
        "md" | "markdown" | "mdown" => Some(SourceFormat::Markdown),
        "html" | "htm" | "xhtml" | "shtml" => Some(SourceFormat::Html),
        "pdf" => Some(SourceFormat::Pdf),
        "docx" => Some(SourceFormat::Docx),
        "odt" => Some(SourceFormat::Odt),
        _ => None,
    };
    if let Some(format) = by_name {
        // PDF, Word and OpenDocument files are read by their own readers, which say what is
        // wrong with them.
        return match (format.text_kind(), sniff::binary_kind(bytes)) {
            (Some(expected), Some(kind)) => Err(Undetected::Binary { kind, expected }),
            _ => Ok(format),
        };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if bytes.starts_with(b"%PDF-") {
        return Ok(SourceFormat::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let names = archive::Archive::open(bytes.to_vec())
            .map(|a| a.names().to_vec())
            .unwrap_or_default();
        if names.iter().any(|n| n == "word/document.xml") {
            return Ok(SourceFormat::Docx);
        }
        if names.iter().any(|n| n == "content.xml") {
            return Ok(SourceFormat::Odt);
        }
    }
    if let Some(kind) = sniff::binary_kind(bytes) {
        return Err(match (ext.is_empty(), kind) {
            (true, _) => Undetected::Binary {
                kind,
                expected: "an article",
            },
            (false, BinaryKind::Unknown) => Undetected::Unknown(format!("a .{ext} file")),
            (false, kind) => Undetected::Unknown(format!("a .{ext} file ({})", kind.describe())),
        });
    }
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Ok(SourceFormat::Html);
    }
    let decoded = text::decode(bytes);
    let printable = decoded
        .text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    if !decoded.malformed && printable * 100 >= decoded.text.chars().count() * 95 {
        return Ok(SourceFormat::Text);
    }
    Err(if ext.is_empty() {
        Undetected::Binary {
            kind: BinaryKind::Unknown,
            expected: "an article",
        }
    } else {
        Undetected::Unknown(format!("a .{ext} file"))
    })
}

/// Runs a reader on a worker thread with a time limit and a panic guard; `cancelled` is asked
/// while waiting.
fn guarded<T: Send + 'static>(
    path: &Path,
    format: SourceFormat,
    seconds: u64,
    cancelled: &dyn Fn() -> bool,
    read: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ImportError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
        // The receiver is gone only when the import gave up waiting.
        let _ = tx.send(outcome);
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(panic)) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "a panic".to_owned());
                return Err(ImportError::Crashed {
                    path: path.to_owned(),
                    format: format.name(),
                    message,
                });
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if cancelled() {
                    return Err(ImportError::Cancelled {
                        path: path.to_owned(),
                    });
                }
                if std::time::Instant::now() >= deadline {
                    return Err(ImportError::TimedOut {
                        path: path.to_owned(),
                        seconds,
                    });
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(ImportError::Crashed {
                    path: path.to_owned(),
                    format: format.name(),
                    message: "the reader stopped".to_owned(),
                });
            }
        }
    }
}

/// Reads `bytes` as `format`, the way `settings` says when re-importing.
fn extract(
    format: SourceFormat,
    bytes: Vec<u8>,
    settings: Option<&ImportSettings>,
) -> Result<(Extracted, ImportSettings), ImportFault> {
    let mut made = ImportSettings {
        format,
        encoding: None,
        reflowed: false,
    };
    let extracted = match format {
        SourceFormat::Text | SourceFormat::Markdown => {
            let decoded = match settings.and_then(|s| s.encoding.as_deref()) {
                Some(encoding) => text::decode_as(&bytes, encoding),
                None => text::decode(&bytes),
            };
            made.encoding = Some(decoded.encoding.to_owned());
            let warnings = decoded.warnings();
            let body = crate::core::text::normalize_newlines(&decoded.text);
            if format == SourceFormat::Markdown {
                let (text, title) = markdown::render(&body);
                Extracted {
                    text,
                    title,
                    warnings,
                    ..Extracted::default()
                }
            } else {
                made.reflowed =
                    settings.map_or_else(|| text::is_hard_wrapped(&body), |s| s.reflowed);
                let text = if made.reflowed {
                    text::reflow(&body, text::Hyphens::Keep)
                } else {
                    body
                };
                Extracted {
                    text,
                    warnings,
                    ..Extracted::default()
                }
            }
        }
        SourceFormat::Html => html::html(&bytes)?,
        SourceFormat::Pdf => pdf::pdf(bytes)?,
        SourceFormat::Docx => office::docx(bytes)?,
        SourceFormat::Odt => office::odt(bytes)?,
    };
    Ok((extracted, made))
}

/// The time limit for reading a file of `len` bytes.
fn time_limit(len: usize) -> u64 {
    BASE_SECONDS + SECONDS_PER_MB * (len as u64 >> 20)
}

/// Imports a file as an article, its format told by its name and content; the title comes from
/// the document, else its first line, else the file name.
pub fn import_article(path: &Path) -> Result<Imported, ImportError> {
    import_article_with(path, None, &|| false)
}

/// [`import_article`], reading the file the way `settings` says (a re-import), and giving up
/// when `cancelled` says so.
pub fn import_article_with(
    path: &Path,
    settings: Option<&ImportSettings>,
    cancelled: &dyn Fn() -> bool,
) -> Result<Imported, ImportError> {
    let bytes = storage::read_file(path, storage::MAX_ARTICLE_BYTES, "an article")?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty {
            path: path.to_owned(),
        }
        .into());
    }
    let format = match settings {
        Some(s) => s.format,
        None => detect(path, &bytes).map_err(|why| why.into_error(path))?,
    };
    if let Some(expected) = format.text_kind()
        && let Some(kind) = sniff::binary_kind(&bytes)
    {
        return Err(Undetected::Binary { kind, expected }.into_error(path));
    }
    let seconds = time_limit(bytes.len());
    let owned_settings = settings.cloned();
    let (extracted, made) = guarded(path, format, seconds, cancelled, move || {
        extract(format, bytes, owned_settings.as_ref())
    })?
    .map_err(|fault| ImportError::Format {
        path: path.to_owned(),
        fault,
    })?;
    let text = crate::core::text::normalize_newlines(&extracted.text);
    if text.trim().is_empty() {
        return Err(ImportError::NoText {
            path: path.to_owned(),
            format: format.name(),
        });
    }
    let mut warnings: Vec<String> = extracted
        .warnings
        .iter()
        .map(|w| format!("{}: {w}", path.display()))
        .collect();
    if text.chars().count() < ALMOST_EMPTY_CHARS && format != SourceFormat::Text {
        warnings.push(format!(
            "{}: this {} yields almost no text ({} characters); check that it is the article",
            path.display(),
            format.name(),
            text.chars().count()
        ));
    }
    let title = extracted
        .title
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            text.lines()
                .map(|l| l.trim().trim_start_matches('#').trim())
                .find(|l| !l.is_empty())
                .map(|l| crate::core::text::title_from_line(l, TITLE_CHARS))
        })
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Untitled article".to_owned());
    let mut article = Article::new(title, &text);
    article.source_path = Some(path.display().to_string());
    article.meta = extracted.meta;
    article.import = Some(made);
    Ok(Imported { article, warnings })
}

/// Refuses a new version of a source in another format than the first (a PDF for an article
/// imported from a Word file): its text would be made differently and every annotation lost.
fn check_same_format(path: &Path, was: SourceFormat, title: &str) -> Result<(), ImportError> {
    let bytes = storage::read_file(path, storage::MAX_ARTICLE_BYTES, "an article")?;
    match detect(path, &bytes) {
        Ok(now) if now != was => Err(ImportError::OtherFormat {
            path: path.to_owned(),
            title: title.to_owned(),
            now: now.name(),
            was: was.name(),
        }),
        _ => Ok(()),
    }
}

/// The text of a new version of `article`'s source (or of `from`, a file the analyst chose),
/// made the way the article's text was first made.
pub fn reimported_text(article: &Article, from: Option<&Path>) -> Result<String, ImportError> {
    let path = match (from, &article.source_path) {
        (Some(path), _) => path.to_owned(),
        (None, Some(source)) => PathBuf::from(source),
        (None, None) => {
            return Err(ImportError::NoSource {
                title: article.title.clone(),
            });
        }
    };
    if from.is_none() && !path.exists() {
        return Err(ImportError::SourceMissing {
            path,
            title: article.title.clone(),
        });
    }
    match &article.import {
        Some(settings) => {
            if from.is_some() {
                check_same_format(&path, settings.format, &article.title)?;
            }
            Ok(import_article_with(&path, Some(settings), &|| false)?
                .article
                .text)
        }
        // Imported before settings were recorded: the source's UTF-8, as it was.
        None => {
            let raw = storage::read_text_file(&path, storage::MAX_ARTICLE_BYTES, "an article")?;
            Ok(crate::core::text::normalize_newlines(&raw))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_article_takes_title_from_first_line_and_normalises() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "\r\nTitle here\r\nBody\r\n").unwrap();
        let a = import_article(&p).unwrap().article;
        assert_eq!(a.title, "Title here");
        assert_eq!(a.text, "\nTitle here\nBody\n");
        assert_eq!(
            a.source_path.as_deref(),
            Some(p.display().to_string().as_str())
        );
    }

    #[test]
    fn reimport_reads_the_source_or_says_why_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bill.txt");
        std::fs::write(&p, "Version one.\n").unwrap();
        let mut article = import_article(&p).unwrap().article;
        std::fs::write(&p, "Version two.\n").unwrap();
        assert_eq!(reimported_text(&article, None).unwrap(), "Version two.\n");
        std::fs::remove_file(&p).unwrap();
        let err = reimported_text(&article, None).unwrap_err();
        assert!(err.to_string().contains("is gone"), "{err}");
        article.source_path = None;
        let err = reimported_text(&article, None).unwrap_err();
        assert!(
            err.to_string().contains("not imported from a file"),
            "{err}"
        );
    }

    #[test]
    fn an_article_imported_before_settings_were_recorded_reimports_its_raw_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.md");
        std::fs::write(&p, "# Heading\n\n* item with **bold**\n").unwrap();
        let mut article = Article::new("old", "# Heading\n\n* item\n");
        article.source_path = Some(p.display().to_string());
        assert_eq!(
            reimported_text(&article, None).unwrap(),
            "# Heading\n\n* item with **bold**\n",
            "raw, as it was imported then"
        );
        // Imported now, the same file is rendered, and a re-import renders it again.
        let fresh = import_article(&p).unwrap().article;
        assert_eq!(fresh.text, "Heading\n• item with bold");
        assert_eq!(reimported_text(&fresh, None).unwrap(), fresh.text);
    }

    #[test]
    fn formats_are_told_by_name_then_by_content() {
        let p = Path::new;
        assert_eq!(detect(p("a.PDF"), b""), Ok(SourceFormat::Pdf));
        assert_eq!(detect(p("noext"), b"%PDF-1.7\n..."), Ok(SourceFormat::Pdf));
        assert_eq!(
            detect(p("saved"), b"  <!DOCTYPE html><html></html>"),
            Ok(SourceFormat::Html)
        );
        assert_eq!(
            detect(p("notes"), "plain words, é".as_bytes()),
            Ok(SourceFormat::Text)
        );
        assert_eq!(
            detect(p("sheet.xlsx"), &[0, 1, 2, 3, 200, 201]),
            Err(Undetected::Unknown("a .xlsx file".to_owned()))
        );
        assert_eq!(
            detect(p("blob"), &[0, 1, 2, 3, 200, 201, 5, 6]),
            Err(Undetected::Binary {
                kind: BinaryKind::Unknown,
                expected: "an article"
            })
        );
        assert_eq!(
            detect(p("x.txt"), b"\x7fELF\x02\x01\x01\0\0"),
            Err(Undetected::Binary {
                kind: BinaryKind::Elf,
                expected: "a text file"
            })
        );
        assert_eq!(
            detect(p("x.html"), b"%PDF-1.4\n"),
            Err(Undetected::Binary {
                kind: BinaryKind::Pdf,
                expected: "a web page"
            })
        );
        assert_eq!(
            detect(p("x.pdf"), b"%PDF-1.4\n"),
            Ok(SourceFormat::Pdf),
            "a PDF named .pdf is read as one"
        );
    }

    #[test]
    fn a_reader_that_hangs_or_panics_is_an_error_not_a_stuck_app() {
        let p = Path::new("slow.pdf");
        let err = guarded(p, SourceFormat::Pdf, 1, &|| false, || {
            std::thread::sleep(Duration::from_secs(30))
        })
        .unwrap_err();
        assert!(
            matches!(err, ImportError::TimedOut { seconds: 1, .. }),
            "{err}"
        );
        let err = guarded(p, SourceFormat::Pdf, 5, &|| false, || -> () {
            panic!("bad xref")
        })
        .unwrap_err();
        assert!(err.to_string().contains("bad xref"), "{err}");
        let err = guarded(p, SourceFormat::Pdf, 5, &|| true, || {
            std::thread::sleep(Duration::from_secs(30))
        })
        .unwrap_err();
        assert!(matches!(err, ImportError::Cancelled { .. }), "{err}");
    }
}
