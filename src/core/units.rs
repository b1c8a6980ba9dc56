//! Coding units: an article split into (quasi-)sentences and headings, each coded with one
//! code, the way the Manifesto Project and the Comparative Agendas Project code.
//!
//! Invariants: an article's units are sorted, do not overlap, are not empty and lie within
//! its text; a unit starts and ends on a non-space character. A unit's code is an analyst's
//! annotation spanning exactly the unit — so the table, statistics, agreement and exports need
//! nothing new — except annotations under the `eu_code` group, which ride along as a second
//! code. Natural units are sentences within paragraphs; quasi-sentence splits (after a
//! semicolon, before each item of a list introduced by a colon, at each bullet or numbered
//! line) are only ever proposed, the coder decides.

use crate::core::model::{
    AnalystId, Annotation, Article, Project, StanceId, StanceScheme, TextRange, Unit,
};

/// The parent stance of the Manifesto Project's EU codes (`eu-<code>`), a second code on a unit.
pub const EU_CODE_GROUP: &str = "eu_code";

/// Where a unit's code comes from for one analyst.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitCode<'a> {
    /// No annotation spans the unit exactly.
    Uncoded,
    /// One does: the unit's code.
    Coded(&'a Annotation),
    /// Several do (with different stances): the unit's code is ambiguous.
    Several(Vec<&'a Annotation>),
}

impl<'a> UnitCode<'a> {
    /// The code's stance when there is exactly one.
    pub fn stance(&self) -> Option<&'a StanceId> {
        match self {
            UnitCode::Coded(a) => Some(&a.stance),
            _ => None,
        }
    }
}

/// Whether a stance is an EU code (under the `eu_code` group), which does not count as a
/// unit's code.
pub fn is_aside(scheme: &StanceScheme, stance: &StanceId) -> bool {
    scheme
        .lineage(stance)
        .iter()
        .any(|s| s.id.as_str() == EU_CODE_GROUP)
}

/// An analyst's annotations spanning exactly `unit`, the EU codes aside.
pub fn codes_on<'a>(
    project: &'a Project,
    article: &Article,
    analyst: &AnalystId,
    unit: &Unit,
) -> Vec<&'a Annotation> {
    let layer = project.annotations.layer(article.id, analyst);
    let from = layer.partition_point(|a| a.range.start < unit.start);
    layer[from..]
        .iter()
        .take_while(|a| a.range.start == unit.start)
        .filter(|a| a.range.end == unit.end && !a.orphaned)
        .filter(|a| !is_aside(&project.stances, &a.stance))
        .map(|a| &**a)
        .collect()
}

/// An analyst's code for a unit.
pub fn code_of<'a>(
    project: &'a Project,
    article: &Article,
    analyst: &AnalystId,
    unit: &Unit,
) -> UnitCode<'a> {
    let mut codes = codes_on(project, article, analyst, unit);
    codes.dedup_by(|a, b| a.stance == b.stance);
    match codes.len() {
        0 => UnitCode::Uncoded,
        1 => UnitCode::Coded(codes[0]),
        _ => UnitCode::Several(codes),
    }
}

/// The analysts with a code on some unit of `article`, in the project's order.
pub fn coders(project: &Project, article: &Article) -> Vec<AnalystId> {
    project
        .analysts
        .iter()
        .filter(|analyst| {
            article
                .units
                .iter()
                .any(|u| !codes_on(project, article, &analyst.id, u).is_empty())
        })
        .map(|a| a.id.clone())
        .collect()
}

/// What is wrong with an article's units (for validation): out of order, overlapping, empty,
/// beyond the text.
pub fn problems(article: &Article) -> Vec<String> {
    let mut out = Vec::new();
    if article.units.is_empty() {
        return out;
    }
    let len = article.char_len();
    let mut previous_end = 0;
    for (i, u) in article.units.iter().enumerate() {
        if u.start >= u.end {
            out.push(format!(
                "article {}: unit {} is empty ({}..{})",
                article.id,
                i + 1,
                u.start,
                u.end
            ));
        } else if u.end > len {
            out.push(format!(
                "article {}: unit {} ends at {} beyond the text ({len} characters)",
                article.id,
                i + 1,
                u.end
            ));
        } else if u.start < previous_end {
            out.push(format!(
                "article {}: unit {} starts at {} inside the unit before it",
                article.id,
                i + 1,
                u.start
            ));
        }
        previous_end = previous_end.max(u.end);
    }
    out
}

/// The index of the unit holding the code point `at` (or, between units, the next one).
pub fn unit_at(units: &[Unit], at: usize) -> Option<usize> {
    let i = units.partition_point(|u| u.end <= at);
    (i < units.len()).then_some(i)
}

/// Abbreviations a period after does not end a sentence in.
const ABBREVIATIONS: [&str; 24] = [
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "no", "art", "sec", "fig",
    "inc", "ltd", "co", "jr", "sr", "u.s", "u.k", "e.u", "cf", "approx",
];

fn is_bullet_line(chars: &[char], at: usize) -> bool {
    let rest: String = chars[at..].iter().take(6).collect();
    let mut it = rest.chars();
    match it.next() {
        Some('-' | '*' | '•' | '–' | '—' | '▪' | '◦') => {
            it.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after: Vec<char> = rest.chars().skip(digits.len()).take(2).collect();
            matches!(after.as_slice(), ['.' | ')', w] if w.is_whitespace())
        }
        Some(c) if c.is_ascii_lowercase() => {
            let after: Vec<char> = rest.chars().skip(1).take(2).collect();
            matches!(after.as_slice(), [')', w] if w.is_whitespace())
        }
        _ => false,
    }
}

/// Trims whitespace off `[start, end)`; `None` when nothing is left.
fn trimmed(chars: &[char], mut start: usize, mut end: usize) -> Option<(usize, usize)> {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    (start < end).then_some((start, end))
}

/// Whether the sentence-final mark at `at` ends a sentence.
fn ends_sentence(chars: &[char], at: usize) -> bool {
    if chars[at] == '.' {
        // The word before the period.
        let mut s = at;
        while s > 0 && !chars[s - 1].is_whitespace() && !matches!(chars[s - 1], '(' | '"' | '“') {
            s -= 1;
        }
        let word: String = chars[s..at].iter().collect::<String>().to_lowercase();
        if ABBREVIATIONS.contains(&word.as_str())
            || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
        {
            return false;
        }
    }
    // Closing quotes and brackets stay with the sentence.
    let mut next = at + 1;
    while next < chars.len() && matches!(chars[next], '"' | '”' | '’' | '\'' | ')' | ']') {
        next += 1;
    }
    if next >= chars.len() {
        return true;
    }
    if !chars[next].is_whitespace() {
        return false;
    }
    let mut look = next;
    while look < chars.len() && chars[look].is_whitespace() {
        look += 1;
    }
    look >= chars.len()
        || chars[look].is_uppercase()
        || chars[look].is_ascii_digit()
        || matches!(chars[look], '"' | '“' | '‘' | '(' | '[' | '\'')
        || is_bullet_line(chars, look)
}

/// Whether a paragraph reads as a heading: one short line with no closing punctuation.
fn looks_like_heading(chars: &[char], start: usize, end: usize, last_block: bool) -> bool {
    let line = &chars[start..end];
    !last_block
        && line.len() <= 120
        && !line.contains(&'\n')
        && !matches!(
            line.last(),
            Some('.' | ',' | ';' | ':' | '!' | '?' | '"' | '”')
        )
        && line.iter().any(|c| c.is_alphabetic())
}

/// The natural units of a text: headings (short paragraphs of one line without closing
/// punctuation) and sentences within paragraphs (never across a blank line; a line break
/// ends a unit only where a sentence ends).
pub fn natural_units(text: &str) -> Vec<Unit> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    // Paragraphs: separated by blank lines.
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\n' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '\n' && chars[j].is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j] == '\n' {
                blocks.push((start, i));
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    blocks.push((start, chars.len()));
    let blocks: Vec<(usize, usize)> = blocks
        .into_iter()
        .filter_map(|(s, e)| trimmed(&chars, s, e))
        .collect();
    let count = blocks.len();
    for (b, &(s, e)) in blocks.iter().enumerate() {
        if looks_like_heading(&chars, s, e, b + 1 == count) {
            out.push(Unit {
                start: s,
                end: e,
                heading: true,
            });
            continue;
        }
        let mut from = s;
        let mut at = s;
        while at < e {
            if matches!(chars[at], '.' | '!' | '?' | '…') && ends_sentence(&chars, at) {
                let mut end = at + 1;
                while end < e && matches!(chars[end], '"' | '”' | '’' | '\'' | ')' | ']') {
                    end += 1;
                }
                if let Some((us, ue)) = trimmed(&chars, from, end) {
                    out.push(Unit::text(TextRange { start: us, end: ue }));
                }
                from = end;
                at = end;
                continue;
            }
            at += 1;
        }
        if let Some((us, ue)) = trimmed(&chars, from, e) {
            out.push(Unit::text(TextRange { start: us, end: ue }));
        }
    }
    out
}

/// Why a split is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SplitReason {
    /// After a semicolon.
    Semicolon,
    /// Before an item of a list introduced by a colon.
    ListItem,
    /// At a bullet or numbered line.
    Bullet,
}

impl SplitReason {
    /// In words, for the list of proposals.
    pub fn describe(self) -> &'static str {
        match self {
            SplitReason::Semicolon => "after a semicolon",
            SplitReason::ListItem => "before a list item",
            SplitReason::Bullet => "at a bullet or numbered line",
        }
    }
}

/// A proposed quasi-sentence split: a new unit would start at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    /// Where the second part starts (a non-space code point inside a unit).
    pub at: usize,
    /// Why.
    pub reason: SplitReason,
}

/// The quasi-sentence splits proposed inside the units of a text (headings are never split).
pub fn proposed_splits(text: &str, units: &[Unit]) -> Vec<Split> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let next_word = |mut at: usize, end: usize| {
        while at < end && chars[at].is_whitespace() {
            at += 1;
        }
        at
    };
    for u in units.iter().filter(|u| !u.heading && u.end <= chars.len()) {
        let mut found: Vec<Split> = Vec::new();
        let mut push = |at: usize, reason| {
            if at > u.start && at < u.end && !found.iter().any(|s: &Split| s.at == at) {
                found.push(Split { at, reason });
            }
        };
        // A list introduced by a colon runs to the end of its line.
        let mut in_list = false;
        let mut items: Vec<usize> = Vec::new();
        for i in u.start..u.end {
            match chars[i] {
                ';' => push(next_word(i + 1, u.end), SplitReason::Semicolon),
                ':' => in_list = true,
                // "100,000" is one number, not two items.
                ',' if in_list && chars.get(i + 1).is_some_and(|c| c.is_whitespace()) => {
                    items.push(next_word(i + 1, u.end));
                }
                '\n' => {
                    in_list = false;
                    let at = next_word(i + 1, u.end);
                    if at < u.end && is_bullet_line(&chars, at) {
                        push(at, SplitReason::Bullet);
                    }
                }
                _ => {}
            }
        }
        for at in items {
            push(at, SplitReason::ListItem);
        }
        found.sort_by_key(|s| s.at);
        out.extend(found);
    }
    out
}

/// The units with the unit holding `at` split there (`at` moves past spaces); unchanged when
/// `at` is not strictly inside a unit's text.
pub fn split_at(text: &str, units: &[Unit], at: usize) -> Vec<Unit> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(units.len() + 1);
    for u in units {
        if at > u.start && at < u.end {
            let first = trimmed(&chars, u.start, at);
            let second = trimmed(&chars, at, u.end);
            if let (Some((a, b)), Some((c, d))) = (first, second) {
                out.push(Unit {
                    start: a,
                    end: b,
                    heading: u.heading,
                });
                out.push(Unit {
                    start: c,
                    end: d,
                    heading: false,
                });
                continue;
            }
        }
        out.push(*u);
    }
    out
}

/// The units with unit `index` joined to the one after it (unchanged without a next).
pub fn join_with_next(units: &[Unit], index: usize) -> Vec<Unit> {
    let mut out = units.to_vec();
    if index + 1 < out.len() {
        let next = out.remove(index + 1);
        out[index].end = next.end;
        out[index].heading = out[index].heading && next.heading;
    }
    out
}

/// What becomes of one annotation spanning a unit that a new unitising changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Refit {
    /// The annotation.
    pub annotation: std::sync::Arc<Annotation>,
    /// The new unit it is refitted to (the one holding its start), or `None` when it
    /// goes (nothing overlaps, or its analyst's code is already on that new unit).
    pub to: Option<TextRange>,
}

/// The annotations (of every analyst) spanning exactly a unit of `article` that `new_units`
/// no longer has, and where each would go: to the new unit holding the old one's start.
pub fn refit_plan(project: &Project, article: &Article, new_units: &[Unit]) -> Vec<Refit> {
    let gone: Vec<&Unit> = article
        .units
        .iter()
        .filter(|u| {
            !new_units
                .iter()
                .any(|n| n.start == u.start && n.end == u.end)
        })
        .collect();
    if gone.is_empty() {
        return Vec::new();
    }
    let mut plan = Vec::new();
    // A unit has one code per analyst (and one EU code): (analyst, range, is an EU code)
    // already taken by a code that stays or was refitted.
    let mut taken: Vec<(AnalystId, TextRange, bool)> = Vec::new();
    for ann in project.annotations.in_article(article.id) {
        if !ann.orphaned && new_units.iter().any(|n| n.range() == ann.range) {
            taken.push((
                ann.analyst.clone(),
                ann.range,
                is_aside(&project.stances, &ann.stance),
            ));
        }
    }
    for unit in gone {
        for ann in project.annotations.in_article(article.id) {
            if ann.orphaned || ann.range != unit.range() {
                continue;
            }
            // The part where the unit began keeps its code (a split leaves it on the first
            // part); else the new unit sharing most of its text.
            let best = new_units
                .iter()
                .find(|n| n.start <= unit.start && unit.start < n.end)
                .map(|n| n.range())
                .or_else(|| {
                    new_units
                        .iter()
                        .map(|n| {
                            let overlap =
                                n.end.min(unit.end).saturating_sub(n.start.max(unit.start));
                            (overlap, n)
                        })
                        .filter(|(o, _)| *o > 0)
                        .max_by_key(|(o, n)| (*o, std::cmp::Reverse(n.start)))
                        .map(|(_, n)| n.range())
                });
            let aside = is_aside(&project.stances, &ann.stance);
            let to = best.filter(|range| {
                !taken
                    .iter()
                    .any(|(a, r, e)| a == &ann.analyst && r == range && *e == aside)
            });
            if let Some(range) = to {
                taken.push((ann.analyst.clone(), range, aside));
            }
            plan.push(Refit {
                annotation: ann.clone(),
                to,
            });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, units: &[Unit]) -> Vec<String> {
        units
            .iter()
            .map(|u| text.chars().skip(u.start).take(u.end - u.start).collect())
            .collect()
    }

    #[test]
    fn sentences_and_headings_are_natural_units() {
        let text = "Our Economy\n\nWe will cut taxes. Dr. Smith agrees, e.g. on VAT! \"Growth\" follows.\nA new line in the same paragraph continues it? Yes.\n\nThe end";
        let units = natural_units(text);
        assert_eq!(
            texts(text, &units),
            [
                "Our Economy",
                "We will cut taxes.",
                "Dr. Smith agrees, e.g. on VAT!",
                "\"Growth\" follows.",
                "A new line in the same paragraph continues it?",
                "Yes.",
                "The end"
            ]
        );
        assert!(units[0].heading && !units[1].heading && !units[6].heading);
        let project_article = Article {
            units: units.clone(),
            ..Article::new("a", text)
        };
        assert!(problems(&project_article).is_empty());
        // Code points, not bytes.
        let text = "Ça coûte cher. Très cher.";
        assert_eq!(
            texts(text, &natural_units(text)),
            ["Ça coûte cher.", "Très cher."]
        );
    }

    #[test]
    fn only_the_three_kinds_of_quasi_sentence_split_are_proposed() {
        let text = "We will: cut taxes, build schools, and fund hospitals. Prices rose; wages fell. Our plan:\n- more trains\n2. fewer cars\nNothing else, really, here.";
        let units = natural_units(text);
        let splits = proposed_splits(text, &units);
        let at = |s: &str| text.find(s).map(|b| text[..b].chars().count()).unwrap();
        assert_eq!(
            splits,
            [
                Split {
                    at: at("build"),
                    reason: SplitReason::ListItem
                },
                Split {
                    at: at("and fund"),
                    reason: SplitReason::ListItem
                },
                Split {
                    at: at("wages"),
                    reason: SplitReason::Semicolon
                },
                Split {
                    at: at("- more"),
                    reason: SplitReason::Bullet
                },
                Split {
                    at: at("2. fewer"),
                    reason: SplitReason::Bullet
                },
            ]
        );
        let split = split_at(text, &units, at("wages"));
        assert_eq!(split.len(), units.len() + 1);
        assert!(texts(text, &split).contains(&"Prices rose;".to_owned()));
        assert!(texts(text, &split).contains(&"wages fell.".to_owned()));
        let joined = join_with_next(&split, 1);
        assert_eq!(joined, units);
        assert_eq!(unit_at(&units, at("wages")), Some(1));
    }

    #[test]
    fn broken_units_are_reported() {
        let mut a = Article::new("a", "abc def");
        a.units = vec![
            Unit::text(TextRange { start: 0, end: 3 }),
            Unit::text(TextRange { start: 2, end: 5 }),
            Unit::text(TextRange { start: 6, end: 6 }),
            Unit::text(TextRange { start: 6, end: 9 }),
        ];
        let p = problems(&a);
        assert_eq!(p.len(), 3, "{p:?}");
    }
}
