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

/// The content hash of `bytes`, as [`DiskStamp::hash`] records it: 64 bits, the same in every
/// process (a fixed seed), never written anywhere. Foldhash rather than the standard SipHash:
/// opening a large folder hashes 200 MB, a tenth of its reading time with SipHash.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = content_hasher();
    for block in bytes.chunks(HASH_BLOCK) {
        hasher.write(block);
    }
    hasher.finish()
}

/// The hash is taken block by block, so bytes that come in pieces (a file read or written in
/// parts, [`ContentHasher`]) hash as the same bytes at once.
const HASH_BLOCK: usize = 1 << 20;

fn content_hasher() -> foldhash::fast::FoldHasher<'static> {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x5354_414e_4345_4d4b).build_hasher()
}

/// [`content_hash`] of bytes that come in pieces of any size.
pub struct ContentHasher {
    hasher: foldhash::fast::FoldHasher<'static>,
    block: Vec<u8>,
}

impl Default for ContentHasher {
    fn default() -> Self {
        Self {
            hasher: content_hasher(),
            block: Vec::new(),
        }
    }
}

impl ContentHasher {
    /// Takes the next piece.
    pub fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = (HASH_BLOCK - self.block.len()).min(bytes.len());
            self.block.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.block.len() == HASH_BLOCK {
                self.hasher.write(&self.block);
                self.block.clear();
            }
        }
    }

    /// The hash of every piece taken, in order.
    pub fn finish(mut self) -> u64 {
        if !self.block.is_empty() {
            self.hasher.write(&self.block);
        }
        self.hasher.finish()
    }
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
        let mut hasher = ContentHasher::default();
        let mut file = fs::File::open(path)?;
        let mut buf = vec![0; 1 << 16];
        let mut len = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
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
    fn the_content_hash_sees_any_one_byte_changed_and_is_the_same_for_the_same_bytes() {
        // Two and a half blocks.
        let bytes: Vec<u8> = (0..2_621_443u32).map(|i| (i * 31 % 251) as u8).collect();
        let hash = content_hash(&bytes);
        assert_eq!(hash, content_hash(&bytes.clone()));
        for at in [
            0, 1, 15, 16, 17, 4095, 1_048_575, 1_048_576, 2_000_000, 2_621_442,
        ] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            assert_ne!(content_hash(&changed), hash, "byte {at}");
        }
        assert_ne!(content_hash(&bytes[..2_621_442]), hash);
        assert_ne!(content_hash(b""), content_hash(b"\n"));
        // Read back in blocks from a file: the same hash.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.stance.json");
        fs::write(&path, &bytes).unwrap();
        assert_eq!(DiskStamp::read(&path).unwrap().hash, hash);
    }

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
