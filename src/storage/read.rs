//! Reading files safely: only regular files, never more than a stated limit, with a clear
//! error for each way it can fail. Every loader and importer reads through here.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Largest project file read (2 GiB): far beyond any real project, small enough that a wrong
/// file (a disk image, `/dev/zero`) is refused instead of filling memory.
pub const MAX_PROJECT_BYTES: u64 = 2 << 30;

/// Largest article source read (500 MB): larger is almost surely not an article.
pub const MAX_ARTICLE_BYTES: u64 = 500 * 1000 * 1000;

/// Why a file could not be read. Each variant names the file.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The OS refused (missing file, permissions…).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A folder, device, pipe or socket rather than a file.
    #[error("{path}: not a regular file ({kind}); choose a file")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead ("a folder", "a device or pipe").
        kind: &'static str,
    },
    /// The file has no content (or only white space).
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Larger than the limit for its kind.
    #[error("{path}: {size} bytes is larger than the {max}-byte limit for {what}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (at least; reading stops past the limit).
        size: u64,
        /// The limit.
        max: u64,
        /// What kind of file was expected ("a project", "an article").
        what: &'static str,
    },
    /// The file is binary (an executable, an image, an archive…), not text.
    #[error("{path}: this is {what}, not {expected}")]
    Binary {
        /// The file.
        path: PathBuf,
        /// What it is ("an ELF executable").
        what: &'static str,
        /// What was expected ("a text file").
        expected: &'static str,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: not UTF-8 text (invalid byte at line {line}); save it as UTF-8 and try again")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
    },
}

impl ReadError {
    /// An OS error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ReadError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Reads a whole regular file of at most `max_bytes` (`what` names the kind of file in the
/// error). The size is checked on the open handle and again while reading, since a file can
/// grow, and special files report no size at all.
pub fn read_file(path: &Path, max_bytes: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let not_a_file = |meta: &fs::Metadata| ReadError::NotAFile {
        path: path.to_owned(),
        kind: if meta.is_dir() {
            "a folder"
        } else {
            "a device, pipe or socket"
        },
    };
    // Checked before opening too: opening a FIFO blocks until something writes to it.
    let meta = fs::metadata(path).map_err(|e| ReadError::io(path, e))?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let file = fs::File::open(path).map_err(|e| ReadError::io(path, e))?;
    let meta = file.metadata().map_err(|e| ReadError::io(path, e))?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_owned(),
        size,
        max: max_bytes,
        what,
    };
    if meta.len() > max_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::io(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Checks bytes are non-empty UTF-8 text (a leading BOM is dropped); binary data is named
/// for what it is ([`super::sniff`]).
pub fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty {
            path: path.to_owned(),
        });
    }
    if let Some(kind) = super::sniff::binary_kind(&bytes) {
        return Err(ReadError::Binary {
            path: path.to_owned(),
            what: kind.describe(),
            expected: "a text file",
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
            Err(ReadError::NotUtf8 {
                path: path.to_owned(),
                line,
            })
        }
    }
}

/// Reads a whole regular file of at most `max_bytes` as UTF-8 text.
pub fn read_text_file(
    path: &Path,
    max_bytes: u64,
    what: &'static str,
) -> Result<String, ReadError> {
    decode_utf8(path, read_file(path, max_bytes, what)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reports_line_of_bad_byte_and_empty() {
        let p = Path::new("x.txt");
        let err = decode_utf8(p, b"ok\nstill ok\nbad \xff here".to_vec()).unwrap_err();
        assert!(matches!(err, ReadError::NotUtf8 { line: 3, .. }), "{err}");
        assert!(matches!(
            decode_utf8(p, b" \n\t".to_vec()),
            Err(ReadError::Empty { .. })
        ));
        assert_eq!(
            decode_utf8(p, "\u{feff}hé".as_bytes().to_vec()).unwrap(),
            "hé"
        );
        let err = decode_utf8(
            Path::new("x.stance.json"),
            b"\x7fELF\x02\x01\x01\0".to_vec(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.stance.json: this is an ELF executable, not a text file"
        );
    }

    #[test]
    fn special_files_and_folders_are_refused_without_reading() {
        let err = read_file(Path::new("/dev/zero"), 100, "a project").unwrap_err();
        assert!(matches!(err, ReadError::NotAFile { .. }), "{err}");
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_file(dir.path(), 100, "a project").unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Refused at once: no writer needed, nothing blocks.
            let err = read_file(&fifo, 100, "a project").unwrap_err();
            assert!(err.to_string().contains("pipe"), "{err}");
        }
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        fs::write(&path, vec![b'a'; 101]).unwrap();
        let err = read_file(&path, 100, "an article").unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::TooLarge {
                    size: 101,
                    max: 100,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("limit for an article"));
        assert_eq!(read_file(&path, 101, "an article").unwrap().len(), 101);
    }
}
