//! Re-anchoring benchmark: random edits of real texts, with the ground truth of where each
//! annotation's passage went, compared with where [`Anchorer`] puts it.

use stancemark::anchor::{Anchorer, CONTEXT_CHARS, QuoteSelector};
use stancemark::model::TextRange;
use stancemark::text::OffsetIndex;

use super::Rng;

/// What an edit did to an annotation's passage (the ground truth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    /// The passage is unchanged, now at this range.
    Intact(TextRange),
    /// The edit fell inside the passage; the changed passage is at this range.
    Edited(TextRange),
    /// The edit cut across a boundary of the passage; part of it survives around this range.
    Damaged(TextRange),
    /// The passage was deleted.
    Deleted,
}

/// One kind of edit in the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditKind {
    Insertion,
    Deletion,
    ParagraphMove,
    TypoAway,
    TypoInside,
}

const KINDS: [EditKind; 5] = [
    EditKind::Insertion,
    EditKind::Deletion,
    EditKind::ParagraphMove,
    EditKind::TypoAway,
    EditKind::TypoInside,
];

impl EditKind {
    fn name(self) -> &'static str {
        match self {
            EditKind::Insertion => "insertion",
            EditKind::Deletion => "deletion",
            EditKind::ParagraphMove => "paragraph move",
            EditKind::TypoAway => "typo fix away from annotations",
            EditKind::TypoInside => "typo fix inside an annotation",
        }
    }
}

/// Replaces `[a, b)` of `text` with `with`, mapping each range to its truth.
fn replace(text: &mut Vec<char>, a: usize, b: usize, with: &[char], truths: &mut [Truth]) {
    let delta = with.len() as isize - (b - a) as isize;
    let shift = |x: usize| (x as isize + delta) as usize;
    for t in truths.iter_mut() {
        let r = match *t {
            Truth::Intact(r) | Truth::Edited(r) | Truth::Damaged(r) => r,
            Truth::Deleted => continue,
        };
        *t = if r.end <= a {
            *t
        } else if r.start >= b {
            let moved = TextRange {
                start: shift(r.start),
                end: shift(r.end),
            };
            match *t {
                Truth::Intact(_) => Truth::Intact(moved),
                Truth::Edited(_) => Truth::Edited(moved),
                _ => Truth::Damaged(moved),
            }
        } else if a <= r.start && b >= r.end {
            Truth::Deleted
        } else if a >= r.start && b <= r.end {
            Truth::Edited(TextRange {
                start: r.start,
                end: shift(r.end),
            })
        } else {
            let start = r.start.min(a);
            let end = if r.end > b {
                shift(r.end)
            } else {
                a + with.len()
            };
            Truth::Damaged(TextRange { start, end })
        };
    }
    text.splice(a..b, with.iter().copied());
}

/// Random spans of 3–40 words, starting and ending on word boundaries.
fn random_annotations(rng: &mut Rng, chars: &[char], n: usize) -> Vec<TextRange> {
    let mut out = Vec::with_capacity(n);
    let mut guard = 0;
    while out.len() < n && guard < n * 50 {
        guard += 1;
        let mut start = rng.below(chars.len());
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let words = 3 + rng.below(38);
        let mut end = start;
        let mut seen = 0;
        while end < chars.len() && seen < words {
            if chars[end] == '\n' {
                break;
            }
            if chars[end].is_whitespace() && end > start && !chars[end - 1].is_whitespace() {
                seen += 1;
            }
            end += 1;
        }
        while end > start && chars[end - 1].is_whitespace() {
            end -= 1;
        }
        if end - start >= 12 {
            out.push(TextRange { start, end });
        }
    }
    out
}

fn random_words(rng: &mut Rng, n: usize) -> Vec<char> {
    const WORDS: [&str; 12] = [
        "the",
        "Commission",
        "shall",
        "provide",
        "guidance",
        "on",
        "open-source",
        "models",
        "within",
        "six",
        "months",
        "risk",
    ];
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
    }
    s.push(' ');
    s.chars().collect()
}

fn paragraph_bounds(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in chars.iter().enumerate() {
        if *c == '\n' {
            if i > start {
                out.push((start, i + 1));
            }
            start = i + 1;
        }
    }
    out
}

/// Applies one random edit of `kind`; returns the new text and the truth of each annotation.
fn apply_edit(
    rng: &mut Rng,
    kind: EditKind,
    chars: &[char],
    anns: &[TextRange],
) -> (Vec<char>, Vec<Truth>) {
    let mut text = chars.to_vec();
    let mut truths: Vec<Truth> = anns.iter().map(|r| Truth::Intact(*r)).collect();
    let inside_any = |p: usize| anns.iter().any(|r| p + 40 > r.start && p < r.end + 40);
    match kind {
        EditKind::Insertion => {
            let at = rng.below(text.len());
            let count = 3 + rng.below(30);
            let words = random_words(rng, count);
            replace(&mut text, at, at, &words, &mut truths);
        }
        EditKind::Deletion => {
            let at = rng.below(text.len());
            let len = (5 + rng.below(400)).min(text.len() - at);
            replace(&mut text, at, at + len, &[], &mut truths);
        }
        EditKind::ParagraphMove => {
            let paras = paragraph_bounds(&text);
            let (a, b) = paras[rng.below(paras.len())];
            let moved: Vec<char> = text[a..b].to_vec();
            // Annotations inside the paragraph travel with it.
            let inside: Vec<bool> = anns.iter().map(|r| r.start >= a && r.end <= b).collect();
            let mut dest = paras[rng.below(paras.len())].0;
            if dest > a && dest < b {
                dest = a;
            }
            let mut rest = truths.clone();
            replace(&mut text, a, b, &[], &mut rest);
            let dest_after = if dest >= b { dest - (b - a) } else { dest };
            replace(&mut text, dest_after, dest_after, &moved, &mut rest);
            for (i, t) in truths.iter_mut().enumerate() {
                *t = if inside[i] {
                    let r = anns[i];
                    let offset = dest_after as isize - a as isize;
                    Truth::Intact(TextRange {
                        start: (r.start as isize + offset) as usize,
                        end: (r.end as isize + offset) as usize,
                    })
                } else {
                    rest[i]
                };
            }
        }
        EditKind::TypoAway => {
            let mut at = rng.below(text.len());
            for _ in 0..200 {
                if !inside_any(at) && text[at].is_alphabetic() {
                    break;
                }
                at = rng.below(text.len());
            }
            let c = if text[at] == 'e' { 'a' } else { 'e' };
            replace(&mut text, at, at + 1, &[c], &mut truths);
        }
        EditKind::TypoInside => {
            let r = anns[rng.below(anns.len())];
            let at = r.start + 2 + rng.below(r.len().saturating_sub(4).max(1));
            let c = if text[at] == 'e' { 'a' } else { 'e' };
            match rng.below(3) {
                0 => replace(&mut text, at, at + 1, &[c], &mut truths),
                1 => replace(&mut text, at, at, &[c], &mut truths),
                _ => replace(&mut text, at, at + 1, &[], &mut truths),
            }
        }
    }
    (text, truths)
}

/// Tallies for one edit kind.
#[derive(Default, Clone, Copy)]
struct Tally {
    annotations: usize,
    quote_exists: usize,
    correct_of_existing: usize,
    correct: usize,
    orphaned: usize,
    wrong: usize,
}

/// Runs the benchmark and prints the table.
pub fn run(
    texts: &[(&str, String)],
    trials_per_kind: usize,
    annotations_per_trial: usize,
    seed: u64,
) {
    let mut rng = Rng(seed);
    let mut tallies = [Tally::default(); 5];
    let started = std::time::Instant::now();
    for (k, kind) in KINDS.iter().enumerate() {
        for trial in 0..trials_per_kind {
            let (_, text) = &texts[trial % texts.len()];
            let chars: Vec<char> = text.chars().collect();
            let n = if chars.len() < 10_000 {
                12
            } else {
                annotations_per_trial
            };
            let anns = random_annotations(&mut rng, &chars, n);
            if anns.is_empty() {
                continue;
            }
            let (new_chars, truths) = apply_edit(&mut rng, *kind, &chars, &anns);
            let truths = undamaged(&chars, &new_chars, &anns, truths);
            place_all(*kind, text, &new_chars, &anns, &truths, &mut tallies[k]);
        }
    }
    print_table(texts, trials_per_kind, seed, &tallies, started.elapsed());
}

/// An edit at a passage's edge that leaves the very same characters in place (e.g. deleting
/// "x. y" after a passage ending in "." where the text goes on with ".") leaves it intact.
fn undamaged(
    chars: &[char],
    new_chars: &[char],
    anns: &[TextRange],
    mut truths: Vec<Truth>,
) -> Vec<Truth> {
    for (r, t) in anns.iter().zip(truths.iter_mut()) {
        if let Truth::Damaged(d) = *t {
            let end = d.start + r.len();
            if end <= new_chars.len() && new_chars[d.start..end] == chars[r.start..r.end] {
                *t = Truth::Intact(TextRange {
                    start: d.start,
                    end,
                });
            }
        }
    }
    truths
}

/// Places every annotation of one edited text and counts the outcomes.
fn place_all(
    kind: EditKind,
    text: &str,
    new_chars: &[char],
    anns: &[TextRange],
    truths: &[Truth],
    t: &mut Tally,
) {
    let new_text: String = new_chars.iter().collect();
    let anchorer = Anchorer::new(&new_text);
    let old_anchorer = Anchorer::new(text);
    let old_offsets = OffsetIndex::new(text);
    for (r, truth) in anns.iter().zip(truths) {
        let (prefix, quote, suffix) = old_offsets.quote_and_context(text, *r, CONTEXT_CHARS);
        let selector = QuoteSelector {
            range: *r,
            exact: quote,
            prefix,
            suffix,
        };
        let placement = anchorer.place_from(&old_anchorer, selector);
        t.annotations += 1;
        let exists = new_text.contains(quote);
        t.quote_exists += usize::from(exists);
        let right = match (truth, placement.range()) {
            (_, None) => {
                t.orphaned += 1;
                continue;
            }
            (Truth::Intact(want) | Truth::Edited(want), Some(got)) => got == *want,
            (Truth::Damaged(_) | Truth::Deleted, Some(_)) => false,
        };
        if right {
            t.correct += 1;
            t.correct_of_existing += usize::from(exists);
        } else {
            t.wrong += 1;
            if std::env::var_os("BENCH_VERBOSE").is_some() {
                eprintln!(
                    "WRONG {kind:?} truth={truth:?} placement={placement:?} selector={selector:?}"
                );
            }
        }
    }
}

fn print_table(
    texts: &[(&str, String)],
    trials_per_kind: usize,
    seed: u64,
    tallies: &[Tally; 5],
    elapsed: std::time::Duration,
) {
    println!(
        "Re-anchoring benchmark (seed {seed}, {trials_per_kind} edits per kind; texts: {})",
        texts.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
    );
    println!();
    println!(
        "| edit | annotations | quote still exists | re-anchored correctly | of those whose quote exists | orphaned | wrongly placed |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut total = Tally::default();
    for (k, t) in tallies.iter().enumerate() {
        print_row(KINDS[k].name(), t);
        total.annotations += t.annotations;
        total.quote_exists += t.quote_exists;
        total.correct += t.correct;
        total.correct_of_existing += t.correct_of_existing;
        total.orphaned += t.orphaned;
        total.wrong += t.wrong;
    }
    print_row("**all**", &total);
    println!();
    let placed = total.annotations;
    println!(
        "{placed} placements in {:.2} s ({:.1} µs each)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / placed.max(1) as f64
    );
}

fn print_row(name: &str, t: &Tally) {
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "| {name} | {} | {} | {} ({:.2}%) | {:.2}% | {} ({:.2}%) | {} |",
        t.annotations,
        t.quote_exists,
        t.correct,
        pct(t.correct, t.annotations),
        pct(t.correct_of_existing, t.quote_exists),
        t.orphaned,
        pct(t.orphaned, t.annotations),
        t.wrong
    );
}
