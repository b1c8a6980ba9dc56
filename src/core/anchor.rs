//! Re-anchoring: keeping annotations on their passage when an article's text changes.
//!
//! Each annotation carries a text-quote selector (as in the W3C Web Annotation model): the exact
//! quote plus up to [`CONTEXT_CHARS`] code points of context before (`prefix`) and after
//! (`suffix`). When the text changes, every annotation is placed again, in this order:
//! 1. the quote still sits at its old offsets, with its context → unchanged;
//! 2. the quote occurs elsewhere and one occurrence is clearly best by context → moved;
//! 3. a bounded-edit-distance match (typo fixed inside the passage) that is unique and agrees
//!    with the context → fuzzy;
//! 4. otherwise the annotation is **orphaned**: kept, listed for the analyst, never guessed.
//!
//! The rule throughout is that a wrong placement is worse than an orphan.

use crate::core::model::TextRange;
use crate::core::text::OffsetIndex;

/// Code points of context stored on each side of a quote.
pub const CONTEXT_CHARS: usize = 32;

/// Where an annotation landed in the new text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Same offsets, same quote.
    Unchanged(TextRange),
    /// The exact quote, found elsewhere by its context.
    Moved(TextRange),
    /// A close match (`distance` edits) where the quote was changed slightly.
    Fuzzy(TextRange, usize),
    /// No confident placement.
    Orphaned,
}

impl Placement {
    /// The new range, unless orphaned.
    pub fn range(self) -> Option<TextRange> {
        match self {
            Placement::Unchanged(r) | Placement::Moved(r) | Placement::Fuzzy(r, _) => Some(r),
            Placement::Orphaned => None,
        }
    }
}

/// What is known about an annotation before the text changed.
#[derive(Debug, Clone, Copy)]
pub struct QuoteSelector<'a> {
    /// Old offsets.
    pub range: TextRange,
    /// The exact quote.
    pub exact: &'a str,
    /// Context before.
    pub prefix: &'a str,
    /// Context after.
    pub suffix: &'a str,
}

/// The new text, prepared once for placing many annotations.
pub struct Anchorer<'t> {
    text: &'t str,
    chars: Vec<char>,
    offsets: OffsetIndex,
}

impl<'t> Anchorer<'t> {
    /// Prepares `new_text`.
    pub fn new(new_text: &'t str) -> Self {
        Self {
            text: new_text,
            chars: new_text.chars().collect(),
            offsets: OffsetIndex::new(new_text),
        }
    }

    fn char_offset(&self, byte: usize) -> usize {
        self.offsets.char_of(self.text, byte)
    }

    fn slice_eq(&self, at: usize, s: &[char]) -> bool {
        at + s.len() <= self.chars.len() && &self.chars[at..at + s.len()] == s
    }

    /// Length of the common tail of `prefix` and the text before `at`.
    fn prefix_agreement(&self, at: usize, prefix: &[char]) -> usize {
        prefix
            .iter()
            .rev()
            .zip(self.chars[..at.min(self.chars.len())].iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
    }

    /// Length of the common head of `suffix` and the text from `at`.
    fn suffix_agreement(&self, at: usize, suffix: &[char]) -> usize {
        suffix
            .iter()
            .zip(self.chars[at.min(self.chars.len())..].iter())
            .take_while(|(a, b)| a == b)
            .count()
    }

    /// Context agreement of a candidate range, and whether the context is fully matched
    /// (or absent because the passage is at the start/end of the text).
    fn context_score(&self, r: TextRange, prefix: &[char], suffix: &[char]) -> usize {
        self.prefix_agreement(r.start, prefix) + self.suffix_agreement(r.end, suffix)
    }

    /// Occurrences of the quote with its whole stored context on both sides.
    fn copies_in_full_context(&self, sel: &QuoteSelector<'_>) -> Vec<TextRange> {
        let prefix: Vec<char> = sel.prefix.chars().collect();
        let suffix: Vec<char> = sel.suffix.chars().collect();
        let m = sel.exact.chars().count();
        self.text
            .match_indices(sel.exact)
            .take(MAX_OCCURRENCES)
            .map(|(byte, _)| {
                let start = self.char_offset(byte);
                TextRange {
                    start,
                    end: start + m,
                }
            })
            .filter(|r| {
                self.prefix_agreement(r.start, &prefix) == prefix.len()
                    && self.suffix_agreement(r.end, &suffix) == suffix.len()
            })
            .collect()
    }

    /// Places one annotation, knowing the text it was made on (`old`, prepared the same way).
    ///
    /// A passage repeated verbatim with its context (legal boilerplate) cannot be told apart
    /// from its copies by content: it keeps its rank among the copies when their number is
    /// unchanged, and is orphaned when a copy appeared or disappeared.
    ///
    /// A quote found once in the old text and once in the new, long enough not to recur by
    /// chance and with some of its context still around it, is the same passage even when too
    /// little context survived for [`Self::place`] (a short text, a passage at its end).
    pub fn place_from(&self, old: &Anchorer<'_>, sel: QuoteSelector<'_>) -> Placement {
        let old_copies = old.copies_in_full_context(&sel);
        if old_copies.len() < 2 {
            return match self.place(sel) {
                Placement::Orphaned => self.unique_in_both(old, &sel),
                placed => placed,
            };
        }
        let Some(rank) = old_copies.iter().position(|r| *r == sel.range) else {
            return self.place(sel);
        };
        let new_copies = self.copies_in_full_context(&sel);
        if new_copies.len() != old_copies.len() {
            return Placement::Orphaned;
        }
        // The copies must have kept their order: one edit between them shifts those after it by
        // the same amount (offsets change as [0, 0, …, δ, δ]). Anything else (a moved paragraph
        // reordering copies) is ambiguous.
        let deltas: Vec<isize> = old_copies
            .iter()
            .zip(&new_copies)
            .map(|(o, n)| n.start as isize - o.start as isize)
            .collect();
        let switches = deltas.windows(2).filter(|w| w[0] != w[1]).count();
        if switches > 1 || (switches == 1 && deltas[0] != 0) {
            return Placement::Orphaned;
        }
        let r = new_copies[rank];
        if r == sel.range {
            Placement::Unchanged(r)
        } else {
            Placement::Moved(r)
        }
    }

    /// The quote's only occurrence in the new text, when it also occurs only once in the old
    /// text, is at least [`UNIQUE_MIN_CHARS`] long and keeps [`SAME_PLACE_CONTEXT`] code points
    /// of its context.
    fn unique_in_both(&self, old: &Anchorer<'_>, sel: &QuoteSelector<'_>) -> Placement {
        let m = sel.exact.chars().count();
        if m < UNIQUE_MIN_CHARS || old.text.matches(sel.exact).nth(1).is_some() {
            return Placement::Orphaned;
        }
        let mut found = self.text.match_indices(sel.exact);
        let (Some((byte, _)), None) = (found.next(), found.next()) else {
            return Placement::Orphaned;
        };
        let start = self.char_offset(byte);
        let r = TextRange {
            start,
            end: start + m,
        };
        let prefix: Vec<char> = sel.prefix.chars().collect();
        let suffix: Vec<char> = sel.suffix.chars().collect();
        if self.context_score(r, &prefix, &suffix) < SAME_PLACE_CONTEXT {
            return Placement::Orphaned;
        }
        if r == sel.range {
            Placement::Unchanged(r)
        } else {
            Placement::Moved(r)
        }
    }

    /// Places one annotation in the new text.
    pub fn place(&self, sel: QuoteSelector<'_>) -> Placement {
        let exact: Vec<char> = sel.exact.chars().collect();
        let prefix: Vec<char> = sel.prefix.chars().collect();
        let suffix: Vec<char> = sel.suffix.chars().collect();
        if exact.is_empty() {
            return Placement::Orphaned;
        }
        let m = exact.len();
        let full_context = prefix.len() + suffix.len();

        // 1. Same place.
        if self.slice_eq(sel.range.start, &exact) {
            let r = sel.range;
            let score = self.context_score(r, &prefix, &suffix);
            if score == full_context || score >= SAME_PLACE_CONTEXT.min(full_context) {
                return Placement::Unchanged(r);
            }
        }

        // 2. The exact quote elsewhere with its context on both sides.
        let candidates = self.occurrences(sel.exact, m, &prefix, &suffix);
        let strong = |before: usize, after: usize| {
            before >= STRONG.min(prefix.len()) && after >= STRONG.min(suffix.len())
        };
        let in_context = unique_best(
            candidates
                .iter()
                .filter(|(b, a, _)| strong(*b, *a))
                .map(|(b, a, r)| (b + a, *r)),
        );
        if let Some(Some(r)) = in_context {
            return self.moved_or_edited(r, &exact, &prefix, &suffix, sel.range);
        }
        if in_context == Some(None) {
            return Placement::Orphaned;
        }

        // 3. A close match (typo fixed inside the passage), with its context on both sides.
        if let Some((p, _)) = self.fuzzy(&exact, &prefix, &suffix, sel.range, Reach::Anywhere) {
            return p;
        }

        // 4. The exact quote where one side of its context survived whole (a moved paragraph),
        //    only if no other occurrence keeps that much.
        let one_sided: Vec<TextRange> = candidates
            .iter()
            .filter(|(b, a, _)| {
                (*b == prefix.len() && *b >= ONE_SIDED) || (*a == suffix.len() && *a >= ONE_SIDED)
            })
            .map(|(_, _, r)| *r)
            .collect();
        match one_sided.as_slice() {
            [r] => Placement::Moved(*r),
            _ => Placement::Orphaned,
        }
    }

    /// Every occurrence of the quote (`m` code points), with how many code points of context
    /// agree before and after it.
    fn occurrences(
        &self,
        exact: &str,
        m: usize,
        prefix: &[char],
        suffix: &[char],
    ) -> Vec<(usize, usize, TextRange)> {
        self.text
            .match_indices(exact)
            .take(MAX_OCCURRENCES)
            .map(|(byte, _)| {
                let start = self.char_offset(byte);
                let r = TextRange {
                    start,
                    end: start + m,
                };
                (
                    self.prefix_agreement(r.start, prefix),
                    self.suffix_agreement(r.end, suffix),
                    r,
                )
            })
            .collect()
    }

    /// Step 2 of [`Self::place`] once the quote was found at `r` in context: moved there, unless
    /// the passage was edited where it was (a close match near the old place with context at
    /// least as good).
    fn moved_or_edited(
        &self,
        r: TextRange,
        exact: &[char],
        prefix: &[char],
        suffix: &[char],
        old: TextRange,
    ) -> Placement {
        let full_context = prefix.len() + suffix.len();
        let quality = self.context_score(r, prefix, suffix);
        if quality == full_context {
            // A verbatim repeat far away (legal boilerplate) must not win over the passage
            // edited in place: look for that first.
            if r.start.abs_diff(old.start) > NEAR
                && let Some((p @ Placement::Fuzzy(..), q)) =
                    self.fuzzy(exact, prefix, suffix, old, Reach::Near)
                && q == full_context
            {
                return p;
            }
            return Placement::Moved(r);
        }
        // Context only partly agrees: the passage itself may have been edited where it was (a
        // repeated phrase elsewhere then looks similar). A close match with better context wins;
        // otherwise take the exact quote.
        match self.fuzzy(exact, prefix, suffix, old, Reach::Anywhere) {
            Some((p @ Placement::Fuzzy(..), q)) if q > quality => p,
            _ => Placement::Moved(r),
        }
    }

    /// Step 3 of [`Self::place`]: at most `m/10` edits, found through pieces of the quote that
    /// must survive unchanged (pigeonhole), accepted only if unique and the context agrees on
    /// both sides. Looks near the old place first, then (with [`Reach::Anywhere`]) everywhere.
    fn fuzzy(
        &self,
        exact: &[char],
        prefix: &[char],
        suffix: &[char],
        old: TextRange,
        reach: Reach,
    ) -> Option<(Placement, usize)> {
        let m = exact.len();
        if m < MIN_FUZZY_CHARS {
            return None;
        }
        let k = (m / MAX_EDIT_FRACTION).max(1);
        let pieces = k + 1;
        let piece_len = m / pieces;
        let piece_bounds = |p: usize| {
            let from = p * piece_len;
            (from, if p + 1 == pieces { m } else { from + piece_len })
        };
        let window_at =
            |base: usize| (base.saturating_sub(k), (base + m + k).min(self.chars.len()));
        // Near the old place first (every occurrence of every piece), where an edited passage
        // almost always is…
        let near_lo = old.start.saturating_sub(NEAR).min(self.chars.len());
        let near_hi = (old.end + NEAR).min(self.chars.len());
        let near = &self.chars[near_lo..near_hi];
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for p in 0..pieces {
            let (from, to) = piece_bounds(p);
            let piece = &exact[from..to];
            for (i, w) in near.windows(piece.len()).enumerate() {
                if w == piece {
                    windows.push(window_at((near_lo + i).saturating_sub(from)));
                }
            }
        }
        if let Some(found) = self.fuzzy_in_windows(exact, prefix, suffix, k, windows) {
            return Some(found);
        }
        if reach == Reach::Near {
            return None;
        }
        // …then anywhere (a passage edited and moved), with a cap per piece.
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for p in 0..pieces {
            let (from, to) = piece_bounds(p);
            let piece: String = exact[from..to].iter().collect();
            for (byte, _) in self
                .text
                .match_indices(piece.as_str())
                .take(MAX_PIECE_OCCURRENCES)
            {
                windows.push(window_at(self.char_offset(byte).saturating_sub(from)));
            }
        }
        self.fuzzy_in_windows(exact, prefix, suffix, k, windows)
    }

    fn fuzzy_in_windows(
        &self,
        exact: &[char],
        prefix: &[char],
        suffix: &[char],
        k: usize,
        mut windows: Vec<(usize, usize)>,
    ) -> Option<(Placement, usize)> {
        windows.sort_unstable();
        windows.dedup();
        let mut found: Vec<(usize, TextRange)> = Vec::new();
        for (lo, hi) in windows {
            if let Some((d, r)) = best_fuzzy_match(exact, &self.chars[lo..hi], k) {
                let r = TextRange {
                    start: lo + r.start,
                    end: lo + r.end,
                };
                let strong = self.prefix_agreement(r.start, prefix) >= STRONG.min(prefix.len())
                    && self.suffix_agreement(r.end, suffix) >= STRONG.min(suffix.len());
                if strong && !found.iter().any(|(_, f)| f == &r) {
                    found.push((d, r));
                }
            }
        }
        // Best context first (the passage's own surroundings are the strongest evidence), then
        // fewest edits.
        let mut scored: Vec<(usize, usize, TextRange)> = found
            .into_iter()
            .map(|(d, r)| (self.context_score(r, prefix, suffix), d, r))
            .collect();
        scored.sort_by_key(|(q, d, r)| (std::cmp::Reverse(*q), *d, r.start));
        let &(q, d, r) = scored.first()?;
        // Another match as good and separate makes it ambiguous: do not guess.
        if scored[1..]
            .iter()
            .any(|(q2, d2, r2)| *q2 == q && *d2 == d && !r2.overlaps(&r))
        {
            return Some((Placement::Orphaned, 0));
        }
        Some((Placement::Fuzzy(r, d), q))
    }
}

/// Where a close match is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only around the old place.
    Near,
    /// Around the old place, then anywhere in the text.
    Anywhere,
}

/// How far (code points) around the old place a close match is looked for first.
const NEAR: usize = 4000;

/// Occurrences of a quote looked at, at most (a very common phrase in a long text).
const MAX_OCCURRENCES: usize = 10_000;
/// Occurrences of each piece of a quote looked at when searching the whole text for a close
/// match.
const MAX_PIECE_OCCURRENCES: usize = 200;
/// Context code points that must agree for a quote at its old offsets to count as unchanged
/// (all of it when less is stored).
const SAME_PLACE_CONTEXT: usize = 8;
/// A quote found once in the old and once in the new text must be at least this long to be
/// taken as the same passage on little context.
const UNIQUE_MIN_CHARS: usize = 20;
/// Quotes shorter than this are never matched approximately: too little to be sure.
const MIN_FUZZY_CHARS: usize = 12;
/// A close match may differ by at most one edit per this many code points of the quote.
const MAX_EDIT_FRACTION: usize = 10;

/// Context code points that must agree on a side for a match to count as "in context".
const STRONG: usize = 16;
/// Agreement needed on the surviving side (all of its stored context, at least this much)
/// when the other side's context changed.
const ONE_SIDED: usize = 16;

/// The candidate with the strictly highest score: `None` when there are no candidates,
/// `Some(None)` when the best is tied (ambiguous), `Some(Some(range))` otherwise.
fn unique_best(candidates: impl Iterator<Item = (usize, TextRange)>) -> Option<Option<TextRange>> {
    let mut best: Option<(usize, TextRange)> = None;
    let mut tied = false;
    for (score, r) in candidates {
        match best {
            Some((b, _)) if score < b => {}
            Some((b, _)) if score == b => tied = true,
            _ => {
                best = Some((score, r));
                tied = false;
            }
        }
    }
    best.map(|(_, r)| (!tied).then_some(r))
}

/// The best semi-global alignment of `pattern` inside `text` with at most `k` edits
/// (Levenshtein), as (distance, range within `text`).
fn best_fuzzy_match(pattern: &[char], text: &[char], k: usize) -> Option<(usize, TextRange)> {
    let m = pattern.len();
    // Sellers: column DP where a match may start anywhere in the text.
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0; m + 1];
    let mut best: Option<(usize, usize)> = None; // (distance, end)
    for (j, tc) in text.iter().enumerate() {
        cur[0] = 0;
        for i in 1..=m {
            let cost = usize::from(pattern[i - 1] != *tc);
            cur[i] = (prev[i - 1] + cost).min(prev[i] + 1).min(cur[i - 1] + 1);
        }
        if cur[m] <= k && best.is_none_or(|(d, _)| cur[m] < d) {
            best = Some((cur[m], j + 1));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let (d, end) = best?;
    // Find the start: align the reversed pattern against the text before `end`, anchored at end.
    let rev_text: Vec<char> = text[..end].iter().rev().copied().collect();
    let rev_pat: Vec<char> = pattern.iter().rev().copied().collect();
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0; m + 1];
    let mut start_len = None;
    for (j, tc) in rev_text.iter().enumerate().take(m + k) {
        cur[0] = j + 1;
        for i in 1..=m {
            let cost = usize::from(rev_pat[i - 1] != *tc);
            cur[i] = (prev[i - 1] + cost).min(prev[i] + 1).min(cur[i - 1] + 1);
        }
        if cur[m] == d {
            // Prefer the span whose length is closest to the pattern's.
            let len = j + 1;
            let better = match start_len {
                None => true,
                Some(l) => len.abs_diff(m) < usize::abs_diff(l, m),
            };
            if better {
                start_len = Some(len);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let len = start_len?;
    Some((
        d,
        TextRange {
            start: end - len,
            end,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(old: &str, new: &str, quote: &str) -> Placement {
        let byte = old.find(quote).unwrap();
        let start = old[..byte].chars().count();
        let range = TextRange {
            start,
            end: start + quote.chars().count(),
        };
        let (prefix, _, suffix) =
            OffsetIndex::new(old).quote_and_context(old, range, CONTEXT_CHARS);
        Anchorer::new(new).place(QuoteSelector {
            range,
            exact: quote,
            prefix,
            suffix,
        })
    }

    fn place_knowing_old(old: &str, new: &str, quote: &str) -> Placement {
        let range = at(old, quote);
        let (prefix, _, suffix) =
            OffsetIndex::new(old).quote_and_context(old, range, CONTEXT_CHARS);
        Anchorer::new(new).place_from(
            &Anchorer::new(old),
            QuoteSelector {
                range,
                exact: quote,
                prefix,
                suffix,
            },
        )
    }

    #[test]
    fn a_passage_unique_in_both_texts_moves_even_with_little_context_left() {
        let old = "Section 1. Open models may be published.\nSection 2. Providers keep records.\n";
        let new = "Section 1. Open models may be published.\nSection 1a. Audits are yearly.\nSection 2. Providers keep records.\n";
        let quote = "Providers keep records";
        assert_eq!(
            place(old, new, quote),
            Placement::Orphaned,
            "too little context alone"
        );
        assert_eq!(
            place_knowing_old(old, new, quote),
            Placement::Moved(at(new, quote))
        );
        // Not when it is repeated now.
        let twice = format!("{new}Providers keep records, again.\n");
        assert_eq!(place_knowing_old(old, &twice, quote), Placement::Orphaned);
    }

    fn at(new: &str, quote: &str) -> TextRange {
        let byte = new.find(quote).unwrap();
        let start = new[..byte].chars().count();
        TextRange {
            start,
            end: start + quote.chars().count(),
        }
    }

    const OLD: &str = "Première phrase sur l'IA. 北京 regulators met on Monday to discuss open models. The end 🙂.";

    #[test]
    fn unchanged_text_keeps_offsets() {
        let q = "regulators met on Monday";
        assert_eq!(place(OLD, OLD, q), Placement::Unchanged(at(OLD, q)));
    }

    #[test]
    fn insertion_before_moves_the_passage() {
        let new = format!("Un ajout 🙂 au début. {OLD}");
        let q = "regulators met on Monday";
        assert_eq!(place(OLD, &new, q), Placement::Moved(at(&new, q)));
    }

    #[test]
    fn typo_fix_inside_the_quote_is_a_fuzzy_match() {
        let old =
            "The committee said that regulatoin of open models is premature and costly. Next.";
        let new =
            "The committee said that regulation of open models is premature and costly. Next.";
        let q = "regulatoin of open models is premature";
        let expected = at(new, "regulation of open models is premature");
        assert!(
            matches!(place(old, new, q), Placement::Fuzzy(r, 2) if r == expected),
            "{:?}",
            place(old, new, q)
        );
    }

    #[test]
    fn deleted_passage_is_orphaned_not_misplaced() {
        let new = OLD.replace("regulators met on Monday to discuss open models. ", "");
        assert_eq!(
            place(OLD, &new, "regulators met on Monday"),
            Placement::Orphaned
        );
    }

    #[test]
    fn ambiguous_repeated_quote_without_context_is_orphaned() {
        let old = "alpha beta gamma. alpha beta gamma.";
        let new = "zzz alpha beta gamma. yyy alpha beta gamma.";
        // Context of the first occurrence no longer matches either one distinctly.
        assert_eq!(place(old, new, "alpha beta gamma"), Placement::Orphaned);
    }

    #[test]
    fn repeated_quote_is_resolved_by_context() {
        let old = "In 2023 the law passed. Later, in 2024 the law passed again.";
        let new = "Preface. In 2023 the law passed. Later, in 2024 the law passed again.";
        let q = "the law passed again";
        assert_eq!(place(old, new, q), Placement::Moved(at(new, q)));
        // A short quote that occurs twice: the context picks the right one.
        let byte = old.rfind("the law passed").unwrap();
        let start = old[..byte].chars().count();
        let range = TextRange {
            start,
            end: start + 14,
        };
        let (prefix, _, suffix) =
            OffsetIndex::new(old).quote_and_context(old, range, CONTEXT_CHARS);
        let p = Anchorer::new(new).place(QuoteSelector {
            range,
            exact: "the law passed",
            prefix,
            suffix,
        });
        let nb = new.rfind("the law passed").unwrap();
        let ns = new[..nb].chars().count();
        assert_eq!(
            p,
            Placement::Moved(TextRange {
                start: ns,
                end: ns + 14
            })
        );
    }

    #[test]
    fn fuzzy_match_finds_exact_boundaries() {
        let pattern: Vec<char> = "open source models".chars().collect();
        let text: Vec<char> = "xx open sourse models yy".chars().collect();
        let (d, r) = best_fuzzy_match(&pattern, &text, 2).unwrap();
        assert_eq!(d, 1);
        assert_eq!(
            text[r.start..r.end].iter().collect::<String>(),
            "open sourse models"
        );
    }
}
