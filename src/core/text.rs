//! Text helpers: newline normalisation, code-point offsets, the paragraph index and find.
//!
//! Invariants: every offset outside this module is a code-point (`char`) offset, ranges are
//! half-open `[start, end)`, and article text has `\n` line ends only. Byte offsets are derived
//! here, by the one [`OffsetIndex`], so slicing a long article stays cheap.

use crate::core::model::TextRange;

/// Converts `\r\n` and lone `\r` to `\n`, so offsets mean the same on every platform.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Byte offset of code point `char_offset` (or `text.len()` past the end), by a plain scan:
/// for short texts; long ones use an [`OffsetIndex`].
pub fn byte_offset(text: &str, char_offset: usize) -> usize {
    text.char_indices()
        .nth(char_offset)
        .map_or(text.len(), |(b, _)| b)
}

/// The text of `range` (code points, clamped to the text), by a plain scan from the start.
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

/// A title made from a line: the line when it has at most `max_chars` code points, else its
/// words up to the last one that fits, then `…` (at most `max_chars` code points with it; a
/// first word longer than that is cut).
pub fn title_from_line(line: &str, max_chars: usize) -> String {
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max_chars {
        return line;
    }
    let room = max_chars.saturating_sub(1);
    let head: String = line.chars().take(room + 1).collect();
    let cut = match head.rfind(' ') {
        // The word before the space fits whole.
        Some(space) if space > 0 => head[..space].trim_end().to_owned(),
        _ => head.chars().take(room).collect(),
    };
    let cut = cut
        .trim_end_matches([',', ';', ':', '—', '–', '-'])
        .trim_end();
    format!("{cut}…")
}

/// Code points between two checkpoints of an [`OffsetIndex`].
const CHECKPOINT_CHARS: usize = 16;

/// Length in bytes of the UTF-8 sequence a leading byte starts.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Code-point ↔ byte offsets of one text: the byte offset of every [`CHECKPOINT_CHARS`]-th
/// code point, so either conversion scans at most that many code points (plus a binary search
/// from bytes to code points). The one offset index of the crate: the reader, find, anchoring
/// and file loading all use it.
#[derive(Debug, Clone, Default)]
pub struct OffsetIndex {
    /// `checkpoints[k]` is the byte offset of code point `k * CHECKPOINT_CHARS` (the text's end
    /// when that is exactly its length).
    checkpoints: Vec<usize>,
    char_len: usize,
}

impl OffsetIndex {
    /// Indexes `text` in one pass over its bytes (16-byte ASCII runs in one step).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / CHECKPOINT_CHARS + 2);
        let (mut at, mut chars) = (0, 0);
        while at < bytes.len() {
            if chars % CHECKPOINT_CHARS == 0 {
                checkpoints.push(at);
                let run = at + CHECKPOINT_CHARS;
                if run <= bytes.len() && bytes[at..run].is_ascii() {
                    at = run;
                    chars += CHECKPOINT_CHARS;
                    continue;
                }
            }
            at += utf8_width(bytes[at]);
            chars += 1;
        }
        if chars % CHECKPOINT_CHARS == 0 {
            checkpoints.push(bytes.len());
        }
        Self {
            checkpoints,
            char_len: chars,
        }
    }

    /// Length of the indexed text in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Byte offset of code point `offset` in `text` (the text this index was built from);
    /// `text.len()` past the end.
    pub fn byte_of(&self, text: &str, offset: usize) -> usize {
        if offset >= self.char_len {
            return text.len();
        }
        let base = self.checkpoints[offset / CHECKPOINT_CHARS];
        base + byte_offset(&text[base..], offset % CHECKPOINT_CHARS)
    }

    /// Code-point offset of byte `byte` of `text` (rounded down to the character it falls in).
    pub fn char_of(&self, text: &str, byte: usize) -> usize {
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let k = self
            .checkpoints
            .partition_point(|b| *b <= byte)
            .saturating_sub(1);
        let base = self.checkpoints.get(k).copied().unwrap_or(0);
        k * CHECKPOINT_CHARS + text[base..byte].chars().count()
    }

    /// The text of `range` (clamped to the text).
    pub fn slice<'a>(&self, text: &'a str, range: TextRange) -> &'a str {
        let start = self.byte_of(text, range.start);
        let end = self.byte_of(text, range.end).max(start);
        &text[start..end]
    }

    /// The text of `range` with up to `context` code points before and after it (the W3C
    /// text-quote selector's prefix, exact and suffix), scanning only near the range. The one
    /// context function of the crate.
    pub fn quote_and_context<'a>(
        &self,
        text: &'a str,
        range: TextRange,
        context: usize,
    ) -> (&'a str, &'a str, &'a str) {
        let start = self.byte_of(text, range.start);
        let end = self.byte_of(text, range.end).max(start);
        let prefix_start = self.byte_of(text, range.start.saturating_sub(context));
        let suffix_end = self.byte_of(text, range.end.saturating_add(context));
        (
            &text[prefix_start.min(start)..start],
            &text[start..end],
            &text[end..suffix_end.max(end)],
        )
    }
}

/// True for a character that ends a sentence.
fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

/// The sentences of `text` as code-point ranges, without surrounding spaces: a sentence ends
/// after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by a space, or at a
/// line end.
pub fn sentences_of(text: &str) -> Vec<TextRange> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let push = |out: &mut Vec<TextRange>, s: usize, e: usize| {
        let (mut s, mut e) = (s, e);
        while s < e && chars[s].is_whitespace() {
            s += 1;
        }
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        if e > s {
            out.push(TextRange { start: s, end: e });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            push(&mut out, start, i);
            start = i + 1;
        } else if ends_sentence(c) {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '\'' | '”' | '’' | ')' | ']' | '»')
            {
                j += 1;
            }
            if j == chars.len() || chars[j].is_whitespace() {
                push(&mut out, start, j);
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push(&mut out, start, chars.len());
    out
}

/// A character that belongs to a word for selection (double-click, caret steps, snapping):
/// letters, digits, `_` and apostrophes inside words (`don't`, `analyst’s`).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\'' || c == '’'
}

/// How far a caret moves at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaretStep {
    /// One character.
    Char,
    /// To a word's end (forward) or start (back).
    Word,
    /// To a sentence's end or start.
    Sentence,
    /// To a paragraph's end or start.
    Paragraph,
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
    /// Code-point ↔ byte offsets of the whole text.
    pub offsets: OffsetIndex,
}

impl ParagraphIndex {
    /// Splits `text` at `\n`: one pass for the offsets, one for the line ends.
    pub fn new(text: &str) -> Self {
        let offsets = OffsetIndex::new(text);
        let mut paragraphs = Vec::new();
        let mut byte_start = 0;
        let mut char_start = 0;
        let line_ends = text
            .match_indices('\n')
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()));
        for byte_end in line_ends {
            let char_end = if byte_end == text.len() {
                offsets.char_len()
            } else {
                offsets.char_of(text, byte_end)
            };
            paragraphs.push(Paragraph {
                char_start,
                char_len: char_end - char_start,
                byte_start,
                byte_end,
            });
            char_start = char_end + 1;
            byte_start = byte_end + 1;
        }
        Self {
            paragraphs,
            offsets,
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

    /// Length of the indexed text in code points.
    pub fn char_len(&self) -> usize {
        self.offsets.char_len()
    }

    /// Where a caret at `offset` lands after one `step` forward or back: a character; the end
    /// (forward) or start (back) of a word; of a sentence; or of a paragraph — moving on to the
    /// next one when already there. Scans only the paragraphs it crosses.
    pub fn step_caret(&self, text: &str, offset: usize, step: CaretStep, forward: bool) -> usize {
        let len = self.char_len();
        let offset = offset.min(len);
        match step {
            CaretStep::Char if forward => (offset + 1).min(len),
            CaretStep::Char => offset.saturating_sub(1),
            CaretStep::Paragraph => {
                let i = self.paragraph_at(offset);
                let p = self.paragraphs[i];
                if forward {
                    if offset < p.char_end() {
                        p.char_end()
                    } else {
                        self.paragraphs.get(i + 1).map_or(len, |n| n.char_end())
                    }
                } else if offset > p.char_start {
                    p.char_start
                } else {
                    i.checked_sub(1)
                        .map_or(0, |j| self.paragraphs[j].char_start)
                }
            }
            CaretStep::Word | CaretStep::Sentence => {
                let mut i = self.paragraph_at(offset);
                loop {
                    let bounds = self.stops(text, i, step);
                    let found = if forward {
                        bounds.iter().map(|r| r.end).find(|e| *e > offset)
                    } else {
                        bounds.iter().rev().map(|r| r.start).find(|s| *s < offset)
                    };
                    if let Some(at) = found {
                        return at;
                    }
                    match forward {
                        true if i + 1 < self.paragraphs.len() => i += 1,
                        false if i > 0 => i -= 1,
                        true => return len,
                        false => return 0,
                    }
                }
            }
        }
    }

    /// The words or sentences of paragraph `i`, as global ranges.
    fn stops(&self, text: &str, i: usize, step: CaretStep) -> Vec<TextRange> {
        let p = self.paragraphs[i];
        if step == CaretStep::Sentence {
            return sentences_of(p.text(text))
                .into_iter()
                .map(|r| TextRange {
                    start: p.char_start + r.start,
                    end: p.char_start + r.end,
                })
                .collect();
        }
        let chars: Vec<char> = p.text(text).chars().collect();
        let mut out = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            if is_word_char(chars[k]) {
                let s = k;
                while k < chars.len() && is_word_char(chars[k]) {
                    k += 1;
                }
                out.push(TextRange {
                    start: p.char_start + s,
                    end: p.char_start + k,
                });
            } else {
                k += 1;
            }
        }
        out
    }

    /// The start of the word holding `offset` (itself when it is not inside a word).
    pub fn word_start(&self, text: &str, offset: usize) -> usize {
        let w = self.word_at(text, offset);
        if w.start < offset && offset < w.end {
            w.start
        } else {
            offset
        }
    }

    /// The end of the word holding `offset`, or ending at it (itself when it is between words).
    pub fn word_end(&self, text: &str, offset: usize) -> usize {
        let w = self.word_at(text, offset);
        if w.start < offset && offset < w.end {
            w.end
        } else {
            offset
        }
    }

    /// The word (alphanumeric run) around code point `offset`, for double-click selection.
    pub fn word_at(&self, text: &str, offset: usize) -> TextRange {
        let p = self.paragraphs[self.paragraph_at(offset)];
        let chars: Vec<char> = p.text(text).chars().collect();
        let col = (offset - p.char_start).min(chars.len());
        if chars.get(col).is_none_or(|c| !is_word_char(*c)) {
            let end = (col + 1).min(chars.len());
            return TextRange {
                start: p.char_start + col.min(end),
                end: p.char_start + end,
            };
        }
        let mut start = col;
        while start > 0 && is_word_char(chars[start - 1]) {
            start -= 1;
        }
        let mut end = col;
        while end < chars.len() && is_word_char(chars[end]) {
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
    /// index's [`OffsetIndex::quote_and_context`] is checked against.
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
    fn a_long_first_line_becomes_a_title_cut_at_a_word() {
        assert_eq!(title_from_line("  Short   title ", 100), "Short title");
        let line = "word ".repeat(30);
        let title = title_from_line(&line, 100);
        assert!(title.chars().count() <= 100, "{title}");
        assert!(title.ends_with("word…"), "{title}");
        assert_eq!(
            title_from_line("The Act, as amended, applies", 16),
            "The Act, as…"
        );
        let long_word = "x".repeat(150);
        assert_eq!(title_from_line(&long_word, 100).chars().count(), 100);
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
                assert_eq!(
                    idx.offsets.slice(&t, r),
                    slice_chars(&t, r),
                    "{start}..{end}"
                );
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
                    idx.offsets.byte_of(text, offset),
                    byte_offset(text, offset),
                    "{offset}"
                );
                assert_eq!(
                    idx.offsets.char_of(text, byte_offset(text, offset)),
                    offset.min(n),
                    "{offset}"
                );
            }
            for start in (0..n).step_by(7) {
                let r = TextRange {
                    start,
                    end: (start + 50).min(n),
                };
                let (prefix, quote, suffix) = idx.offsets.quote_and_context(text, r, 32);
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
    fn snippet_cuts_and_flattens() {
        assert_eq!(snippet("a\nb", 10), "a b");
        assert_eq!(snippet("héllo wörld", 5), "héllo…");
    }

    #[test]
    fn the_caret_steps_by_character_word_sentence_and_paragraph() {
        let text = "One two. Three four!\nSecond para here.\n\nLast.";
        let idx = ParagraphIndex::new(text);
        let step = |at: usize, s: CaretStep, f: bool| idx.step_caret(text, at, s, f);
        assert_eq!(step(0, CaretStep::Char, true), 1);
        assert_eq!(step(0, CaretStep::Char, false), 0);
        // Words: forward to a word's end, back to its start, across paragraphs.
        assert_eq!(step(0, CaretStep::Word, true), 3);
        assert_eq!(step(3, CaretStep::Word, true), 7);
        assert_eq!(step(7, CaretStep::Word, false), 4);
        assert_eq!(
            step(19, CaretStep::Word, true),
            27,
            "into the next paragraph: Second"
        );
        assert_eq!(
            step(21, CaretStep::Word, false),
            15,
            "back over the line end: four"
        );
        // Sentences.
        assert_eq!(step(0, CaretStep::Sentence, true), 8);
        assert_eq!(step(8, CaretStep::Sentence, true), 20);
        assert_eq!(step(20, CaretStep::Sentence, false), 9);
        assert_eq!(step(9, CaretStep::Sentence, false), 0);
        assert_eq!(step(20, CaretStep::Sentence, true), 38, "Second para here.");
        // Paragraphs.
        assert_eq!(step(2, CaretStep::Paragraph, true), 20);
        assert_eq!(step(20, CaretStep::Paragraph, true), 38);
        assert_eq!(step(25, CaretStep::Paragraph, false), 21);
        assert_eq!(step(21, CaretStep::Paragraph, false), 0);
        let end = text.chars().count();
        assert_eq!(step(end, CaretStep::Word, true), end);
        assert_eq!(step(end, CaretStep::Sentence, true), end);
        // Word snapping for drags.
        assert_eq!(idx.word_start(text, 5), 4, "inside two");
        assert_eq!(idx.word_start(text, 4), 4);
        assert_eq!(idx.word_end(text, 5), 7);
        assert_eq!(idx.word_end(text, 7), 7);
    }
}
