//! Plain text in any common encoding, and hard-wrapped text joined back into paragraphs.
//!
//! Decoding order: a byte-order mark decides (UTF-8, UTF-16 LE/BE); else NUL bytes at every
//! other position mean UTF-16 without a mark; else valid UTF-8 is UTF-8; else the encoding is
//! guessed from the bytes (`chardetng`: Windows-1252/Latin-1 and the other legacy encodings).

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::storage::sniff::UTF16_NUL_SHARE;

/// Text and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, line ends not yet normalised.
    pub text: String,
    /// The encoding's name (`UTF-8`, `UTF-16LE`, `windows-1252`…).
    pub encoding: &'static str,
    /// Bytes that were not valid in that encoding (replaced by `�`).
    pub malformed: bool,
    /// The encoding was guessed from the bytes (no mark, not UTF-8, not UTF-16).
    pub guessed: bool,
}

impl Decoded {
    /// What the analyst should know about how the text was read, if anything.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.guessed {
            warnings.push(format!(
                "the file is not UTF-8; it was read as {} (a guess from its bytes) — if letters look wrong, save it as UTF-8 and re-import",
                self.encoding
            ));
        }
        if self.malformed {
            warnings.push(format!(
                "some bytes are not valid {} and show as �",
                self.encoding
            ));
        }
        warnings
    }
}

/// The encoding of `bytes`, how many bytes of mark to skip, and whether it was a guess.
fn sniff(bytes: &[u8]) -> (&'static Encoding, usize, bool) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return (encoding, bom, false);
    }
    let (even, odd) = crate::storage::sniff::nul_shares(bytes);
    if odd >= UTF16_NUL_SHARE && even < UTF16_NUL_SHARE / 3.0 {
        return (UTF_16LE, 0, false);
    }
    if even >= UTF16_NUL_SHARE && odd < UTF16_NUL_SHARE / 3.0 {
        return (UTF_16BE, 0, false);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, 0, false);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    (
        detector.guess(None, chardetng::Utf8Detection::Allow),
        0,
        true,
    )
}

/// Decodes text of any common encoding.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (encoding, skip, guessed) = sniff(bytes);
    let (text, malformed) = encoding.decode_without_bom_handling(&bytes[skip..]);
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        malformed,
        guessed,
    }
}

/// Decodes text known to be in `encoding` (by name), as an earlier import found it; falls back
/// to [`decode`] for an unknown name.
pub fn decode_as(bytes: &[u8], encoding: &str) -> Decoded {
    match Encoding::for_label(encoding.as_bytes()) {
        Some(encoding) => {
            let skip = Encoding::for_bom(bytes)
                .filter(|(e, _)| *e == encoding)
                .map_or(0, |(_, n)| n);
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes[skip..]);
            Decoded {
                text: text.into_owned(),
                encoding: encoding.name(),
                malformed,
                guessed: false,
            }
        }
        None => decode(bytes),
    }
}

// ----- hard-wrapped text --------------------------------------------------------------------

/// Lines longer than this (code points) are paragraphs, not wrapped lines.
const MAX_WRAP_WIDTH: usize = 100;
/// Fewest lines for wrapping to be told at all.
const MIN_LINES: usize = 4;
/// A wrapped line within a paragraph reaches at least this share of the wrap width.
const FULL_LINE_SHARE: f64 = 0.55;
/// Share of the lines within paragraphs that must be full for the text to count as wrapped.
const FULL_LINES_NEEDED: f64 = 0.7;
/// Share of the non-empty lines that must continue into the next line.
const CONTINUED_NEEDED: f64 = 0.4;

/// True when a line starts a list item (`- `, `* `, `• `, `1. `, `(a) `…): it starts a new
/// paragraph even without a blank line before it.
pub fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    if ["- ", "* ", "• ", "– ", "+ "]
        .iter()
        .any(|m| t.starts_with(m))
    {
        return true;
    }
    let marker: String = t.chars().take_while(|c| !c.is_whitespace()).collect();
    let inner = marker.trim_start_matches('(').trim_end_matches(['.', ')']);
    marker.len() > inner.len()
        && !inner.is_empty()
        && inner.len() <= 3
        && (inner.chars().all(|c| c.is_ascii_digit())
            || inner.chars().all(|c| c.is_ascii_lowercase()))
        && t[marker.len()..].starts_with(' ')
}

/// True when the text looks hard-wrapped: most lines end near one width and the next line
/// continues the sentence (licences, e-mails, text copied from PDFs). Text with one paragraph
/// per line is not.
pub fn is_hard_wrapped(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let lengths: Vec<usize> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.chars().count())
        .collect();
    if lengths.len() < MIN_LINES {
        return false;
    }
    let mut sorted = lengths.clone();
    sorted.sort_unstable();
    let width = sorted[sorted.len() * 9 / 10];
    if width > MAX_WRAP_WIDTH || width == 0 {
        return false;
    }
    // Lines followed by another line of the same paragraph.
    let continued: Vec<usize> = lines
        .windows(2)
        .filter(|w| !w[0].trim().is_empty() && !w[1].trim().is_empty() && !is_list_item(w[1]))
        .map(|w| w[0].chars().count())
        .collect();
    if (continued.len() as f64) < CONTINUED_NEEDED * lengths.len() as f64 {
        return false;
    }
    let full = continued
        .iter()
        .filter(|n| **n as f64 >= FULL_LINE_SHARE * width as f64)
        .count();
    full as f64 >= FULL_LINES_NEEDED * continued.len() as f64
}

/// How a word broken across two lines with a hyphen is joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hyphens {
    /// Keep the hyphen (`long-` + `term` → `long-term`): text files, where a line-end hyphen is
    /// usually part of the word.
    Keep,
    /// Drop it unless the hyphenated word occurs elsewhere in the text (`regu-` + `lation` →
    /// `regulation`): PDFs, whose line breaking hyphenates.
    DropUnlessSeen,
}

/// Joins the lines of each paragraph (paragraphs end at blank lines and before list items);
/// returns one paragraph per line.
pub fn reflow(text: &str, hyphens: Hyphens) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        if !current.trim().is_empty() {
            paragraphs.push(std::mem::take(current).trim().to_owned());
        }
        current.clear();
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || is_list_item(line) {
            flush(&mut current, &mut paragraphs);
        }
        if line.is_empty() {
            continue;
        }
        join_line(&mut current, line, hyphens, text);
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n")
}

/// Appends `line` to a paragraph, mending a word hyphenated across the line end.
pub fn join_line(paragraph: &mut String, line: &str, hyphens: Hyphens, whole_text: &str) {
    if paragraph.is_empty() {
        paragraph.push_str(line);
        return;
    }
    let starts_lower = line.chars().next().is_some_and(char::is_lowercase);
    let broken = paragraph.ends_with('-')
        && paragraph
            .chars()
            .rev()
            .nth(1)
            .is_some_and(char::is_alphabetic)
        && starts_lower;
    if broken {
        let head: String = paragraph
            .chars()
            .rev()
            .skip(1)
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<char>>()
            .into_iter()
            .rev()
            .collect();
        let tail: String = line.chars().take_while(|c| c.is_alphabetic()).collect();
        let hyphenated = format!("{head}-{tail}");
        let keep = match hyphens {
            Hyphens::Keep => true,
            Hyphens::DropUnlessSeen => whole_text.contains(&hyphenated),
        };
        if !keep {
            paragraph.pop();
        }
        paragraph.push_str(line);
    } else {
        paragraph.push(' ');
        paragraph.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_by_mark_by_nuls_or_by_guessing() {
        let text = "Café déjà vu — Straße\n";
        let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = |bom: &[u8], body: &[u8]| [bom, body].concat();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (text.as_bytes().to_vec(), "UTF-8"),
            (with_bom(b"\xef\xbb\xbf", text.as_bytes()), "UTF-8"),
            (with_bom(b"\xff\xfe", &utf16le), "UTF-16LE"),
            (with_bom(b"\xfe\xff", &utf16be), "UTF-16BE"),
            (utf16le.clone(), "UTF-16LE"),
            (utf16be.clone(), "UTF-16BE"),
        ];
        for (bytes, encoding) in cases {
            let d = decode(&bytes);
            assert_eq!((d.text.as_str(), d.encoding), (text, encoding));
            assert!(!d.malformed);
        }
        let latin1 = b"Caf\xe9 d\xe9j\xe0 vu, na\xefve co\xf6peration, \xfcber die Stra\xdfe.\n";
        let d = decode(latin1);
        assert_eq!(
            d.text,
            "Café déjà vu, naïve coöperation, über die Straße.\n"
        );
        assert_eq!(d.encoding, "windows-1252");
        let cp1252 = b"Smart \x93quotes\x94 cost 10 \x80 \x97 \x91really\x92.\n";
        assert_eq!(
            decode(cp1252).text,
            "Smart “quotes” cost 10 € — ‘really’.\n"
        );
        assert_eq!(decode_as(latin1, "windows-1252").text, d.text);
    }

    #[test]
    fn list_items_are_recognised() {
        for item in [
            "- a",
            "* a",
            "• a",
            "1. a",
            "12) a",
            "(a) item",
            "(iv) item",
            "a. item",
        ] {
            assert!(is_list_item(item), "{item}");
        }
        for not in ["-a", "1.5 million", "Mr. Smith", "e.g. this", "plain"] {
            assert!(!is_list_item(not), "{not}");
        }
    }

    #[test]
    fn hard_wrapped_text_is_told_from_one_paragraph_per_line() {
        let wrapped = "The licensee may copy and distribute the software, provided\nthat the notice above is kept in every copy and that the\nname of the author is not used to promote derived works\nwithout written permission.\n\nNo warranty is given. The software is provided as it is and\nthe author is not liable for any damage that may follow\nfrom its use.\n";
        assert!(is_hard_wrapped(wrapped));
        let per_line = "Washington's appetite for AI regulation is growing rapidly. Recent moves include a presidential executive order reviewing AI models.\nTechnology leaders warn that this regulatory momentum could target open source AI.\nThe concern centres on open source development, a transparent process allowing technology to be shared.\nWhy it matters\nOpen source AI represents more than a development methodology.\n";
        assert!(!is_hard_wrapped(per_line));
        let short = "a\nb\n";
        assert!(!is_hard_wrapped(short));
        assert_eq!(
            reflow(wrapped, Hyphens::Keep),
            "The licensee may copy and distribute the software, provided that the notice above is kept in every copy and that the name of the author is not used to promote derived works without written permission.\nNo warranty is given. The software is provided as it is and the author is not liable for any damage that may follow from its use."
        );
    }

    #[test]
    fn words_hyphenated_at_line_ends_are_mended_as_the_text_itself_spells_them() {
        let pdf = "The regu-\nlation of supply-\nchain risks, a supply-chain matter, is\n- a list item\n- another";
        assert_eq!(
            reflow(pdf, Hyphens::DropUnlessSeen),
            "The regulation of supply-chain risks, a supply-chain matter, is\n- a list item\n- another"
        );
        assert_eq!(
            reflow("long-\nterm plans", Hyphens::Keep),
            "long-term plans"
        );
    }
}
