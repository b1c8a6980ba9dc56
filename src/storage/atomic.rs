//! Atomic file writes: a crash, a kill or a full disk mid-write never leaves a half-written
//! file where a good one was.
//!
//! The contents go to a temporary file in the same folder (one fixed name per target, so a
//! temporary left by a killed write is replaced by the next one), are flushed to disk, and the
//! temporary is renamed over the target; the folder is synced so the rename itself survives a
//! power cut. Project saves also keep the previous version as `NAME.bak`; exports do not.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::disk::DiskStamp;

/// Whether an atomic write keeps the file it replaces as `NAME.bak`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backup {
    /// Keep the previous version (project files).
    Keep,
    /// Replace without a backup (exports, recovery files, preferences).
    None,
}

/// A writer that hashes what goes through it, so a save knows the content hash of the file it
/// wrote without reading it back.
pub struct HashingWriter<W> {
    inner: W,
    hasher: super::disk::ContentHasher,
    len: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: super::disk::ContentHasher::default(),
            len: 0,
        }
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The writer handed to the closure of [`write_atomically_with`]: buffered, then hashed in
/// large chunks on their way to the file.
pub type AtomicWriter = std::io::BufWriter<HashingWriter<fs::File>>;

/// The temporary file a write to `path` goes through.
pub fn temp_path_for(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    folder_of(path).join(format!(".{name}.tmp"))
}

/// The backup a project save keeps of the version it replaces.
pub fn backup_path_for(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Writes `contents` to `path` atomically (see the module docs). On error `path` is untouched.
pub fn write_atomically(
    path: &Path,
    contents: &[u8],
    backup: Backup,
) -> Result<DiskStamp, std::io::Error> {
    write_atomically_with(path, backup, |out| out.write_all(contents))
}

/// Like [`write_atomically`], with the contents streamed by `write` (no copy of a large file in
/// memory). Returns the stamp of the file written, for noticing later changes on disk.
pub fn write_atomically_with(
    path: &Path,
    backup: Backup,
    write: impl FnOnce(&mut AtomicWriter) -> std::io::Result<()>,
) -> Result<DiskStamp, std::io::Error> {
    if path.file_name().is_none() {
        return Err(std::io::Error::other("not a file name"));
    }
    let tmp = temp_path_for(path);
    let result = (|| {
        let file = fs::File::create(&tmp)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, HashingWriter::new(file));
        write(&mut out)?;
        let hashed = out.into_inner().map_err(|e| e.into_error())?;
        let (len, hash) = (hashed.len, hashed.hasher.finish());
        let file = hashed.inner;
        file.sync_all()?;
        drop(file);
        if backup == Backup::Keep && path.exists() {
            keep_backup(path, &backup_path_for(path))?;
        }
        fs::rename(&tmp, path)?;
        sync_folder(&folder_of(path));
        let modified = fs::metadata(path)?.modified()?;
        Ok(DiskStamp {
            len,
            modified,
            hash,
        })
    })();
    if result.is_err() {
        // Nothing useful is left in a temporary that failed; a leftover one would be replaced
        // by the next write anyway, so a failure to remove it changes nothing.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes the rename durable. Some file systems cannot sync a folder; the rename has happened
/// either way, so that is not an error for the caller.
fn sync_folder(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Makes `bak` a copy of `path`: a hard link where the file system has them (instant for any
/// size; the rename that follows gives `path` a new file and leaves `bak` the old one), else a
/// copy.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn project_writes_keep_a_backup_and_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.stance.json");
        write_atomically(&p, b"one", Backup::Keep).unwrap();
        let stamp = write_atomically(&p, b"two", Backup::Keep).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read(backup_path_for(&p)).unwrap(), b"one");
        assert_eq!(names(dir.path()), ["p.stance.json", "p.stance.json.bak"]);
        assert_eq!(stamp, DiskStamp::read(&p).unwrap());
    }

    #[test]
    fn exports_replace_without_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomically(&p, b"one", Backup::None).unwrap();
        write_atomically(&p, b"two", Backup::None).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["out.json"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.stance.json");
        write_atomically(&p, b"good", Backup::Keep).unwrap();
        let err = write_atomically_with(&p, Backup::Keep, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read(&p).unwrap(), b"good");
        assert!(!temp_path_for(&p).exists());
        let missing = dir.path().join("missing").join("p.stance.json");
        assert!(write_atomically(&missing, b"x", Backup::Keep).is_err());
    }
}
