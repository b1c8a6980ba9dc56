//! Telling binary files from text before anything is read as text: an executable or an image
//! renamed `.txt` must be refused with what it is, not imported as an article of junk or
//! reported as "not UTF-8".
//!
//! Rules, on the first [`PROBE_BYTES`] of the file, after a byte-order mark or UTF-16 without
//! one (NULs at every other position) has been recognised as text:
//! - a known signature (ELF, MZ, PNG, JPEG, GIF, PDF, zip, gzip, 7z, xz) names the file;
//! - a NUL byte makes it binary;
//! - so do more than 2% C0 control characters other than tab, LF, CR and form feed.

/// Bytes looked at.
pub const PROBE_BYTES: usize = 8 * 1024;
/// Share of C0 control characters (other than tab, LF, CR, FF) above which data is binary.
const CONTROL_SHARE: f64 = 0.02;
/// Share of the even (or odd) bytes that must be NUL for text to be UTF-16 without a mark.
pub const UTF16_NUL_SHARE: f64 = 0.3;

/// What a binary file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryKind {
    /// `\x7fELF`.
    Elf,
    /// `MZ`: a Windows or DOS executable.
    WindowsExecutable,
    /// `\x89PNG`.
    Png,
    /// `\xff\xd8\xff`.
    Jpeg,
    /// `GIF87a` / `GIF89a`.
    Gif,
    /// `%PDF-`.
    Pdf,
    /// `PK\x03\x04` (also `.docx`, `.odt`, `.qdpx`).
    Zip,
    /// `\x1f\x8b`.
    Gzip,
    /// `7z\xbc\xaf\x27\x1c`.
    SevenZip,
    /// `\xfd7zXZ\0`.
    Xz,
    /// No known signature, but NUL bytes or many control characters.
    Unknown,
}

impl BinaryKind {
    /// The kind with its article, for a message ("an ELF executable").
    pub fn describe(self) -> &'static str {
        match self {
            BinaryKind::Elf => "an ELF executable",
            BinaryKind::WindowsExecutable => "a Windows executable",
            BinaryKind::Png => "a PNG image",
            BinaryKind::Jpeg => "a JPEG image",
            BinaryKind::Gif => "a GIF image",
            BinaryKind::Pdf => "a PDF document",
            BinaryKind::Zip => "a zip archive",
            BinaryKind::Gzip => "a gzip archive",
            BinaryKind::SevenZip => "a 7z archive",
            BinaryKind::Xz => "an xz archive",
            BinaryKind::Unknown => "binary data",
        }
    }

    /// The kind by signature alone, if the bytes start with one.
    pub fn by_signature(bytes: &[u8]) -> Option<BinaryKind> {
        const SIGNATURES: [(&[u8], BinaryKind); 11] = [
            (b"\x7fELF", BinaryKind::Elf),
            (b"\x89PNG\r\n\x1a\n", BinaryKind::Png),
            (b"\xff\xd8\xff", BinaryKind::Jpeg),
            (b"GIF87a", BinaryKind::Gif),
            (b"GIF89a", BinaryKind::Gif),
            (b"%PDF-", BinaryKind::Pdf),
            (b"PK\x03\x04", BinaryKind::Zip),
            (b"PK\x05\x06", BinaryKind::Zip),
            (b"\x1f\x8b", BinaryKind::Gzip),
            (b"7z\xbc\xaf\x27\x1c", BinaryKind::SevenZip),
            (b"\xfd7zXZ\x00", BinaryKind::Xz),
        ];
        if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
            return Some(*kind);
        }
        // "MZ" alone starts many words; an executable also has its PE/NE offset table, which
        // puts NULs in the header.
        (bytes.starts_with(b"MZ") && bytes.len() >= 64 && bytes[2..64].contains(&0))
            .then_some(BinaryKind::WindowsExecutable)
    }
}

/// True when the head of `bytes` is UTF-16 text: a UTF-16 byte-order mark, or NULs at most odd
/// (little-endian) or most even (big-endian) positions and few at the others.
pub fn is_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return true;
    }
    let (even, odd) = nul_shares(bytes);
    (odd >= UTF16_NUL_SHARE && even < UTF16_NUL_SHARE / 3.0)
        || (even >= UTF16_NUL_SHARE && odd < UTF16_NUL_SHARE / 3.0)
}

/// Share of NUL bytes at even and at odd positions of the head of `bytes`.
pub fn nul_shares(bytes: &[u8]) -> (f64, f64) {
    let head = &bytes[..bytes.len().min(PROBE_BYTES)];
    let pairs = (head.len() / 2).max(1) as f64;
    let even = head.iter().step_by(2).filter(|b| **b == 0).count() as f64;
    let odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count() as f64;
    (even / pairs, odd / pairs)
}

/// What `bytes` is if it is not text (see the module's rules); `None` for text.
pub fn binary_kind(bytes: &[u8]) -> Option<BinaryKind> {
    if let Some(kind) = BinaryKind::by_signature(bytes) {
        return Some(kind);
    }
    if bytes.starts_with(b"\xef\xbb\xbf") || is_utf16(bytes) {
        return None;
    }
    let head = &bytes[..bytes.len().min(PROBE_BYTES)];
    if head.contains(&0) {
        return Some(BinaryKind::Unknown);
    }
    let controls = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    (controls as f64 > CONTROL_SHARE * head.len() as f64).then_some(BinaryKind::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_name_the_file() {
        assert_eq!(
            binary_kind(b"\x7fELF\x02\x01\x01\0\0\0"),
            Some(BinaryKind::Elf)
        );
        assert_eq!(
            binary_kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(BinaryKind::Png)
        );
        assert_eq!(binary_kind(b"%PDF-1.7\n"), Some(BinaryKind::Pdf));
        assert_eq!(binary_kind(b"PK\x03\x04rest"), Some(BinaryKind::Zip));
        assert_eq!(binary_kind(b"\x1f\x8b\x08\0"), Some(BinaryKind::Gzip));
        assert_eq!(binary_kind(b"GIF89a..."), Some(BinaryKind::Gif));
        let mut exe = b"MZ".to_vec();
        exe.extend([0x90, 0, 3, 0, 0, 0, 4, 0]);
        exe.resize(128, 0);
        assert_eq!(binary_kind(&exe), Some(BinaryKind::WindowsExecutable));
        assert_eq!(
            BinaryKind::Elf.describe(),
            "an ELF executable",
            "messages name the kind with its article"
        );
    }

    #[test]
    fn text_is_text_in_any_common_encoding() {
        assert_eq!(binary_kind("Mzungu means traveller.\n".as_bytes()), None);
        assert_eq!(binary_kind(b"caf\xe9 au lait\r\n\x0cpage two\t"), None);
        assert_eq!(binary_kind("\u{feff}UTF-8 with a mark".as_bytes()), None);
        let utf16le: Vec<u8> = "UTF-16 without a mark, still text"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(binary_kind(&utf16le), None, "NULs of UTF-16 are text");
        let utf16be: Vec<u8> = "Big-endian text too"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(binary_kind(&utf16be), None);
    }

    #[test]
    fn nuls_and_control_characters_make_data_binary() {
        assert_eq!(
            binary_kind(b"plain words then a \0 NUL"),
            Some(BinaryKind::Unknown)
        );
        // 3 control characters in 100 bytes: over 2%.
        let mut bytes = vec![b'a'; 97];
        bytes.extend([0x01, 0x02, 0x1b]);
        assert_eq!(binary_kind(&bytes), Some(BinaryKind::Unknown));
        // 2 in 100: not over.
        let mut bytes = vec![b'a'; 98];
        bytes.extend([0x01, 0x1b]);
        assert_eq!(binary_kind(&bytes), None);
        // Only the first 8 KiB count.
        let mut bytes = vec![b'a'; PROBE_BYTES];
        bytes.extend([0; 64]);
        assert_eq!(binary_kind(&bytes), None);
    }
}
