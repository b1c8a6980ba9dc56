//! Zip archives (`.docx`, `.odt`, `.qdpx`) read in memory, with limits.
//!
//! Nothing is ever extracted to disk, so entry names (`../../etc/passwd`) are only keys, never
//! paths. The number of entries, each entry's size and the total are capped on what is actually
//! decompressed (the sizes an archive declares can lie), so a zip bomb stops at the cap with a
//! clear error. Encrypted entries are refused.

use std::io::{Cursor, Read};

use thiserror::Error;

/// The most entries an archive may have.
pub const MAX_ENTRIES: usize = 10_000;
/// The most one entry may decompress to (a text, a document's XML).
pub const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
/// The most all entries read from one archive may decompress to.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;

/// What is wrong with an archive.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ArchiveError {
    /// Not a zip file at all (or cut off before its directory).
    #[error("not a zip archive ({0})")]
    NotZip(String),
    /// Broken: an entry cannot be decompressed.
    #[error("the archive is broken ({0})")]
    Broken(String),
    /// An entry is encrypted.
    #[error("“{0}” in the archive is encrypted; save the document without a password")]
    Encrypted(String),
    /// Too many entries.
    #[error("the archive has {0} entries, more than the {MAX_ENTRIES} a document has")]
    TooManyEntries(usize),
    /// An entry decompresses to more than [`MAX_ENTRY_BYTES`] (a zip bomb, or not a document).
    #[error("“{0}” decompresses to more than {MAX_ENTRY_BYTES} bytes")]
    EntryTooLarge(String),
    /// The entries read decompress to more than [`MAX_TOTAL_BYTES`].
    #[error("the archive decompresses to more than {MAX_TOTAL_BYTES} bytes")]
    TotalTooLarge,
    /// A required entry is missing.
    #[error("“{0}” is missing from the archive")]
    Missing(String),
}

/// A zip archive held in memory.
pub struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    names: Vec<String>,
    read_total: u64,
}

impl Archive {
    /// Opens an archive from its bytes.
    pub fn open(bytes: Vec<u8>) -> Result<Self, ArchiveError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ArchiveError::NotZip(e.to_string()))?;
        if zip.len() > MAX_ENTRIES {
            return Err(ArchiveError::TooManyEntries(zip.len()));
        }
        let names = zip
            .file_names()
            .map(|n| n.map(|n| n.into_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ArchiveError::Broken(e.to_string()))?;
        Ok(Self {
            zip,
            names,
            read_total: 0,
        })
    }

    /// The entries' names, in archive order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of the entry that matches `name` ignoring case and a leading `/`.
    pub fn find(&self, name: &str) -> Option<&str> {
        let wanted = name.trim_start_matches('/');
        self.names
            .iter()
            .find(|n| n.trim_start_matches('/').eq_ignore_ascii_case(wanted))
            .map(String::as_str)
    }

    /// Reads an entry (by exact name), within the limits.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, ArchiveError> {
        let mut entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(ArchiveError::Missing(name.to_owned()));
            }
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg.contains("assword") => {
                return Err(ArchiveError::Encrypted(name.to_owned()));
            }
            Err(e) => return Err(ArchiveError::Broken(e.to_string())),
        };
        if entry.encrypted() {
            return Err(ArchiveError::Encrypted(name.to_owned()));
        }
        let room = MAX_ENTRY_BYTES.min(MAX_TOTAL_BYTES - self.read_total);
        let mut bytes = Vec::new();
        (&mut entry)
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ArchiveError::Broken(format!("“{name}”: {e}")))?;
        if bytes.len() as u64 > room {
            return Err(if room < MAX_ENTRY_BYTES {
                ArchiveError::TotalTooLarge
            } else {
                ArchiveError::EntryTooLarge(name.to_owned())
            });
        }
        self.read_total += bytes.len() as u64;
        Ok(bytes)
    }

    /// Reads an entry as UTF-8 text (a leading byte-order mark dropped).
    pub fn read_text(&mut self, name: &str) -> Result<String, ArchiveError> {
        let bytes = self.read(name)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ArchiveError::Broken(format!("“{name}” is not UTF-8 text")))?;
        Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        for (name, data) in entries {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn entries_are_read_in_memory_by_name() {
        let bytes = zip_of(&[("word/document.xml", b"<w/>"), ("../../evil.txt", b"x")]);
        let mut a = Archive::open(bytes).unwrap();
        assert_eq!(a.find("/WORD/document.xml"), Some("word/document.xml"));
        assert_eq!(a.read_text("word/document.xml").unwrap(), "<w/>");
        // A name that would escape a folder is only a key here.
        assert_eq!(a.read("../../evil.txt").unwrap(), b"x");
        assert_eq!(a.read("nope"), Err(ArchiveError::Missing("nope".into())));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap_and_broken_input_is_an_error() {
        // 300 MB of zeros compress to a few hundred KB.
        let mut out = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        z.start_file("bomb.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..300 {
            z.write_all(&chunk).unwrap();
        }
        z.finish().unwrap();
        let bytes = out.into_inner();
        assert!(bytes.len() < 2 << 20, "{}", bytes.len());
        let mut a = Archive::open(bytes).unwrap();
        assert_eq!(
            a.read("bomb.xml"),
            Err(ArchiveError::EntryTooLarge("bomb.xml".into()))
        );
        assert!(matches!(
            Archive::open(b"not a zip at all".to_vec()),
            Err(ArchiveError::NotZip(_))
        ));
        // An entry marked encrypted (the flag bit set in both headers).
        let mut locked = zip_of(&[("secret.xml", b"<x/>")]);
        locked[6] |= 1;
        let central = locked.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        locked[central + 8] |= 1;
        let mut a = Archive::open(locked).unwrap();
        assert_eq!(
            a.read("secret.xml"),
            Err(ArchiveError::Encrypted("secret.xml".into()))
        );
        let mut cut = zip_of(&[("a.txt", &[b'a'; 1000])]);
        cut.truncate(cut.len() / 2);
        assert!(Archive::open(cut).is_err());
    }
}
