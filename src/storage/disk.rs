//! What a project file looked like when this window last read or wrote it, so a save notices
//! that someone else (another window, a synced folder, `git pull`) changed it meanwhile.

use std::fs;
use std::hash::Hasher;
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

/// Size, modification time and content hash of a file as last read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskStamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time.
    pub modified: SystemTime,
    /// Hash of the content (this process's `DefaultHasher`; compared within one run only).
    pub hash: u64,
}

/// How the file on disk compares with a stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskState {
    /// Same content as when stamped (perhaps touched without a change).
    Unchanged,
    /// Someone else wrote different content.
    Changed,
    /// The file is gone (moved or deleted); saving puts it back.
    Missing,
}

/// The content hash of `bytes`, as [`DiskStamp::hash`] records it.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

impl DiskStamp {
    /// The stamp of bytes just read from `path` (its metadata taken now).
    pub fn of_read(path: &Path, bytes: &[u8]) -> std::io::Result<Self> {
        Ok(Self {
            len: bytes.len() as u64,
            modified: fs::metadata(path)?.modified()?,
            hash: content_hash(bytes),
        })
    }

    /// Reads `path` and stamps it.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let modified = fs::metadata(path)?.modified()?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut file = fs::File::open(path)?;
        let mut buf = vec![0; 1 << 20];
        let mut len = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.write(&buf[..n]);
            len += n as u64;
        }
        Ok(Self {
            len,
            modified,
            hash: hasher.finish(),
        })
    }

    /// Compares the file at `path` with this stamp: same size and time mean unchanged;
    /// otherwise the content decides (a file touched but not changed is unchanged).
    pub fn compare(&self, path: &Path) -> std::io::Result<DiskState> {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DiskState::Missing),
            Err(e) => return Err(e),
        };
        if meta.len() == self.len && meta.modified()? == self.modified {
            return Ok(DiskState::Unchanged);
        }
        let now = Self::read(path)?;
        Ok(if now.len == self.len && now.hash == self.hash {
            DiskState::Unchanged
        } else {
            DiskState::Changed
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_tells_changed_touched_and_missing_files_apart() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.stance.json");
        fs::write(&p, b"first").unwrap();
        let stamp = DiskStamp::read(&p).unwrap();
        assert_eq!(stamp, DiskStamp::of_read(&p, b"first").unwrap());
        assert_eq!(stamp.compare(&p).unwrap(), DiskState::Unchanged);
        // Same content written again (a touch): a new time, the same hash.
        std::thread::sleep(std::time::Duration::from_millis(10));
        fs::write(&p, b"first").unwrap();
        assert_eq!(stamp.compare(&p).unwrap(), DiskState::Unchanged);
        fs::write(&p, b"other").unwrap();
        assert_eq!(stamp.compare(&p).unwrap(), DiskState::Changed);
        fs::remove_file(&p).unwrap();
        assert_eq!(stamp.compare(&p).unwrap(), DiskState::Missing);
    }
}
