//! Text helpers: newline normalisation, code-point slicing and the paragraph index.
//!
//! All offsets outside this module are code-point (`char`) offsets; byte offsets appear only
//! inside [`Paragraph`] so slicing stays O(1) once the index is built.

use crate::model::TextRange;

/// Converts `\r\n` and lone `\r` to `\n`, so offsets mean the same on every platform.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Byte offset of code point `char_offset` (or `text.len()` past the end).
pub fn byte_offset(text: &str, char_offset: usize) -> usize {
    text.char_indices()
        .nth(char_offset)
        .map_or(text.len(), |(b, _)| b)
}

/// The text of `range` (code points, clamped to the text).
pub fn slice_chars(text: &str, range: TextRange) -> &str {
    let start = byte_offset(text, range.start);
    let end = start + byte_offset(&text[start..], range.end.saturating_sub(range.start));
    &text[start..end]
}

/// At most `max_chars` code points of `text`, on one line, with `…` when cut.
pub fn snippet(text: &str, max_chars: usize) -> String {
    // Only the first `max_chars + 1` chars are looked at: cheap for long passages.
    let mut out = String::with_capacity(max_chars.min(text.len()) + 3);
    for (n, c) in text.chars().enumerate() {
        if n == max_chars {
            out.push('…');
            break;
        }
        out.push(if c.is_whitespace() { ' ' } else { c });
    }
    out
}

/// Case-insensitive search over one text, prepared once so each query is a single pass.
///
/// The folded text maps every char to one char (its first lowercase form), so offsets in it are
/// the article's code-point offsets.
pub struct Finder {
    folded: String,
    /// Char offset at every 256th byte of `folded`, to turn byte offsets into char offsets fast.
    char_at_block: Vec<usize>,
}

const FIND_BLOCK: usize = 256;

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

impl Finder {
    /// Prepares `text` for searching: ASCII runs are lowercased in bulk, other characters one
    /// by one (about 10 ms for 6.5 MB).
    pub fn new(text: &str) -> Self {
        let mut folded = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let ascii = rest
                .bytes()
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            let start = folded.len();
            folded.push_str(&rest[..ascii]);
            folded[start..].make_ascii_lowercase();
            rest = &rest[ascii..];
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                folded.push(fold(c));
                rest = chars.as_str();
            }
        }
        // Characters before each block: the bytes that start a character (not 0b10xxxxxx).
        let bytes = folded.as_bytes();
        let mut char_at_block = Vec::with_capacity(bytes.len() / FIND_BLOCK + 1);
        let mut chars = 0;
        for block in bytes.chunks(FIND_BLOCK) {
            char_at_block.push(chars);
            chars += block.iter().filter(|b| (**b as i8) >= -0x40).count();
        }
        Self {
            folded,
            char_at_block,
        }
    }

    fn char_offset(&self, byte: usize) -> usize {
        let block = byte / FIND_BLOCK;
        let base = self.char_at_block.get(block).copied().unwrap_or(0);
        let mut from = block * FIND_BLOCK;
        while !self.folded.is_char_boundary(from) {
            from += 1;
        }
        base + self.folded[from.min(byte)..byte].chars().count()
    }

    /// Every match of `query` (case-insensitive), in text order, as code-point ranges.
    pub fn find_all(&self, query: &str) -> Vec<TextRange> {
        if query.is_empty() {
            return Vec::new();
        }
        let q: String = query.chars().map(fold).collect();
        let len = q.chars().count();
        self.folded
            .match_indices(q.as_str())
            .map(|(b, _)| {
                let start = self.char_offset(b);
                TextRange {
                    start,
                    end: start + len,
                }
            })
            .collect()
    }
}

/// One line of an article (text between `\n`s), which the viewer lays out as a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Code-point offset of the first character.
    pub char_start: usize,
    /// Number of code points, excluding the `\n`.
    pub char_len: usize,
    /// Byte offset of the first character.
    pub byte_start: usize,
    /// Byte offset just past the last character (before the `\n`).
    pub byte_end: usize,
}

impl Paragraph {
    /// Code-point offset just past the last character.
    pub fn char_end(&self) -> usize {
        self.char_start + self.char_len
    }

    /// The paragraph's text within the article text it was built from.
    pub fn text<'a>(&self, article_text: &'a str) -> &'a str {
        &article_text[self.byte_start..self.byte_end]
    }
}

/// The paragraphs of a text, for mapping between global offsets and (paragraph, column), and
/// from code-point offsets to byte offsets in O(1).
#[derive(Debug, Clone, Default)]
pub struct ParagraphIndex {
    /// Paragraphs in text order; there is always at least one (possibly empty).
    pub paragraphs: Vec<Paragraph>,
    /// Byte offset of every [`CHECKPOINT_CHARS`]-th code point (and of the end of the text when
    /// it falls on one), so a byte offset costs at most that many steps.
    checkpoints: Vec<usize>,
}

/// Code points between two entries of [`ParagraphIndex`]'s byte-offset checkpoints.
const CHECKPOINT_CHARS: usize = 16;

impl ParagraphIndex {
    /// Splits `text` at `\n` in one pass.
    pub fn new(text: &str) -> Self {
        let mut paragraphs = Vec::new();
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_CHARS + 2);
        let mut char_start = 0;
        let mut byte_start = 0;
        for line in text.split('\n') {
            let char_len = line.chars().count();
            // Checkpoints inside this line and at its end (its `\n`, or the end of the text).
            let next = |cps: &Vec<usize>| cps.len() * CHECKPOINT_CHARS;
            if line.len() == char_len {
                while next(&checkpoints) <= char_start + char_len {
                    checkpoints.push(byte_start + next(&checkpoints) - char_start);
                }
            } else {
                for (col, (b, _)) in line.char_indices().enumerate() {
                    if char_start + col == next(&checkpoints) {
                        checkpoints.push(byte_start + b);
                    }
                }
                if char_start + char_len == next(&checkpoints) {
                    checkpoints.push(byte_start + line.len());
                }
            }
            paragraphs.push(Paragraph {
                char_start,
                char_len,
                byte_start,
                byte_end: byte_start + line.len(),
            });
            char_start += char_len + 1;
            byte_start += line.len() + 1;
        }
        Self {
            paragraphs,
            checkpoints,
        }
    }

    /// Number of paragraphs.
    pub fn len(&self) -> usize {
        self.paragraphs.len()
    }

    /// Always false: an empty text still has one empty paragraph.
    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    /// Index of the paragraph holding code point `offset` (the `\n` after a paragraph belongs to
    /// it; offsets past the end map to the last paragraph).
    pub fn paragraph_at(&self, offset: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.char_start <= offset)
            .saturating_sub(1)
    }

    /// Byte offset of code point `offset` (`text.len()` past the end), scanning at most
    /// [`CHECKPOINT_CHARS`] code points.
    pub fn byte_of(&self, text: &str, offset: usize) -> usize {
        let Some(&base) = self.checkpoints.get(offset / CHECKPOINT_CHARS) else {
            return text.len();
        };
        base + byte_offset(&text[base..], offset % CHECKPOINT_CHARS)
    }

    /// Length of the indexed text in code points.
    pub fn char_len(&self) -> usize {
        self.paragraphs.last().map_or(0, |p| p.char_end())
    }

    /// The text of `range` with up to `context` code points before and after it (the W3C
    /// text-quote selector's prefix, exact and suffix), scanning only near the range.
    pub fn quote_and_context<'a>(
        &self,
        text: &'a str,
        range: TextRange,
        context: usize,
    ) -> (&'a str, &'a str, &'a str) {
        let start = self.byte_of(text, range.start);
        let end = self.byte_of(text, range.end).max(start);
        let before = &text[..start];
        let prefix_start = before
            .char_indices()
            .rev()
            .take(context)
            .last()
            .map_or(start, |(b, _)| b);
        let after = &text[end..];
        let suffix_end = end
            + after
                .char_indices()
                .nth(context)
                .map_or(after.len(), |(b, _)| b);
        (
            &text[prefix_start..start],
            &text[start..end],
            &text[end..suffix_end],
        )
    }

    /// The text of `range`, scanning only the paragraphs at its ends.
    pub fn slice<'a>(&self, text: &'a str, range: TextRange) -> &'a str {
        let start = self.byte_of(text, range.start);
        let end = self.byte_of(text, range.end).max(start);
        &text[start..end]
    }

    /// The word (alphanumeric run) around code point `offset`, for double-click selection.
    pub fn word_at(&self, text: &str, offset: usize) -> TextRange {
        let p = self.paragraphs[self.paragraph_at(offset)];
        let chars: Vec<char> = p.text(text).chars().collect();
        let col = (offset - p.char_start).min(chars.len());
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'' || c == '’';
        if chars.get(col).is_none_or(|c| !is_word(*c)) {
            let end = (col + 1).min(chars.len());
            return TextRange {
                start: p.char_start + col.min(end),
                end: p.char_start + end,
            };
        }
        let mut start = col;
        while start > 0 && is_word(chars[start - 1]) {
            start -= 1;
        }
        let mut end = col;
        while end < chars.len() && is_word(chars[end]) {
            end += 1;
        }
        TextRange {
            start: p.char_start + start,
            end: p.char_start + end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context of `range` by a plain scan from the start: the reference the paragraph
    /// index's [`ParagraphIndex::quote_and_context`] is checked against.
    fn context_around(text: &str, range: TextRange, chars: usize) -> (String, String) {
        let start = byte_offset(text, range.start);
        let end = start + byte_offset(&text[start..], range.end.saturating_sub(range.start));
        let mut prefix: Vec<char> = text[..start].chars().rev().take(chars).collect();
        prefix.reverse();
        let suffix = text[end..].chars().take(chars).collect();
        (prefix.into_iter().collect(), suffix)
    }

    const MIXED: &str = "Café 北京\n\n🙂 emoji line\r\nlast";

    #[test]
    fn normalize_newlines_handles_crlf_and_cr() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalize_newlines("plain"), "plain");
    }

    #[test]
    fn slice_chars_counts_code_points_not_bytes() {
        let t = normalize_newlines(MIXED);
        assert_eq!(slice_chars(&t, TextRange { start: 3, end: 7 }), "é 北京");
        assert_eq!(slice_chars(&t, TextRange { start: 9, end: 10 }), "🙂");
        assert_eq!(
            slice_chars(&t, TextRange { start: 17, end: 99 }),
            "line\nlast"
        );
    }

    #[test]
    fn paragraph_index_maps_offsets_both_ways() {
        let t = normalize_newlines(MIXED);
        let idx = ParagraphIndex::new(&t);
        assert_eq!(idx.len(), 4);
        assert_eq!(idx.paragraphs[2].text(&t), "🙂 emoji line");
        assert_eq!(idx.paragraphs[2].char_start, 9);
        assert_eq!(idx.paragraph_at(0), 0);
        assert_eq!(idx.paragraph_at(7), 0); // the '\n' after "Café 北京"
        assert_eq!(idx.paragraph_at(8), 1);
        assert_eq!(idx.paragraph_at(9), 2);
        assert_eq!(idx.paragraph_at(1000), 3);
        for start in 0..t.chars().count() {
            for end in start..=t.chars().count() {
                let r = TextRange { start, end };
                assert_eq!(idx.slice(&t, r), slice_chars(&t, r), "{start}..{end}");
            }
        }
    }

    #[test]
    fn byte_offsets_and_context_agree_with_a_plain_scan_on_long_mixed_text() {
        // Lines of every kind around the byte-offset checkpoints: ASCII, accented, CJK,
        // emoji, empty, and one long line; ending with and without a newline.
        let mut t = String::new();
        for i in 0..40 {
            match i % 5 {
                0 => t.push_str(&"plain ascii words ".repeat(i % 7 + 1)),
                1 => t.push_str(&"café déjà vu ".repeat(i % 9 + 1)),
                2 => t.push_str(&"北京上海🙂".repeat(i % 13 + 1)),
                3 => {}
                _ => t.push_str(&"x".repeat(63 + i)),
            }
            t.push('\n');
        }
        for text in [t.as_str(), t.trim_end()] {
            let idx = ParagraphIndex::new(text);
            let n = text.chars().count();
            assert_eq!(idx.char_len(), n);
            for offset in 0..=n + 2 {
                assert_eq!(
                    idx.byte_of(text, offset),
                    byte_offset(text, offset),
                    "{offset}"
                );
            }
            for start in (0..n).step_by(7) {
                let r = TextRange {
                    start,
                    end: (start + 50).min(n),
                };
                let (prefix, quote, suffix) = idx.quote_and_context(text, r, 32);
                let (p, s) = context_around(text, r, 32);
                assert_eq!(
                    (prefix, quote, suffix),
                    (p.as_str(), slice_chars(text, r), s.as_str())
                );
            }
        }
    }

    #[test]
    fn word_at_selects_the_word_under_the_pointer() {
        let t = "Open source — it's 北京 code";
        let idx = ParagraphIndex::new(t);
        let w = idx.word_at(t, 2);
        assert_eq!(slice_chars(t, w), "Open");
        let w = idx.word_at(t, 16);
        assert_eq!(slice_chars(t, w), "it's");
        let w = idx.word_at(t, 12);
        assert_eq!(slice_chars(t, w), "—");
    }

    #[test]
    fn context_around_takes_code_points_on_both_sides() {
        let t = "ab🙂cd北京ef";
        let (p, s) = context_around(t, TextRange { start: 4, end: 6 }, 3);
        assert_eq!((p.as_str(), s.as_str()), ("b🙂c", "京ef"));
        let (p, s) = context_around(t, TextRange { start: 0, end: 1 }, 3);
        assert_eq!((p.as_str(), s.as_str()), ("", "b🙂c"));
    }

    #[test]
    fn finder_is_case_insensitive_and_counts_code_points() {
        let t = "Open source. OPEN models 🙂 open—Öffnung öffnung ÉTÉ été";
        let f = Finder::new(t);
        let hits = f.find_all("open");
        assert_eq!(hits.len(), 3);
        for h in &hits {
            assert_eq!(slice_chars(t, *h).to_lowercase(), "open");
        }
        assert_eq!(f.find_all("öffnung").len(), 2);
        assert_eq!(f.find_all("été").len(), 2);
        assert_eq!(slice_chars(t, f.find_all("🙂 o")[0]), "🙂 o");
        assert!(f.find_all("").is_empty());
        assert!(f.find_all("absent").is_empty());
        // Many blocks of mixed-width characters: every hit still maps to the right offsets.
        let mixed = "aé北🙂 Öffnung ".repeat(300);
        let hits = Finder::new(&mixed).find_all("öffnung");
        assert_eq!(hits.len(), 300);
        for (n, h) in hits.iter().enumerate() {
            assert_eq!(h.start, n * 13 + 5);
            assert_eq!(slice_chars(&mixed, *h), "Öffnung");
        }
        let long = "x".repeat(1000) + "Needle";
        assert_eq!(
            Finder::new(&long).find_all("needle"),
            vec![TextRange {
                start: 1000,
                end: 1006
            }]
        );
    }

    #[test]
    fn snippet_cuts_and_flattens() {
        assert_eq!(snippet("a\nb", 10), "a b");
        assert_eq!(snippet("héllo wörld", 5), "héllo…");
    }
}
