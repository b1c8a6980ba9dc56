//! Article import: turning a file an analyst received into an [`Article`].
//!
//! Invariants: an imported article's text has `\n` line ends only; its `source_path` names the
//! file it came from, so it can be re-imported when the source changes (a new version of a
//! bill), its annotations following their passages.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::Article;
use crate::store::{self, ReadError};
use crate::text;

/// How many code points of the first line make a title.
const TITLE_CHARS: usize = 80;

/// Why a file could not be imported as an article.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The file could not be read (missing, not a file, too large, not UTF-8, empty).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The article has no file to re-import from.
    #[error("“{title}” was not imported from a file, so it cannot be re-imported")]
    NoSource {
        /// The article's title.
        title: String,
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

/// Imports a `.txt` or `.md` file as an article: UTF-8 required, newlines normalised, the title
/// taken from the first non-empty line (without Markdown `#`s) or else the file name.
pub fn import_article(path: &Path) -> Result<Article, ImportError> {
    let raw = store::read_text_file(path, store::MAX_ARTICLE_BYTES, "an article")?;
    let body = text::normalize_newlines(&raw);
    let title = body
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .map(|l| text::snippet(l, TITLE_CHARS))
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Untitled article".to_owned());
    let mut article = Article::new(title, &body);
    article.source_path = Some(path.display().to_string());
    Ok(article)
}

/// The text of a new version of `article`'s source (or of `from`, a file the analyst chose),
/// read the way the article was first imported.
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
    Ok(import_article(&path)?.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_article_takes_title_from_first_line_and_normalises() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "\r\n# Title here\r\nBody\r\n").unwrap();
        let a = import_article(&p).unwrap();
        assert_eq!(a.title, "Title here");
        assert_eq!(a.text, "\n# Title here\nBody\n");
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
        let mut article = import_article(&p).unwrap();
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
}
