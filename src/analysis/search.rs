//! Searching article text and notes: a plain phrase (case-insensitive unless asked), whole
//! words, or a regular expression — in one article (the find bar) or across the project.
//!
//! Invariants:
//! - every range is a non-empty, half-open `[start, end)` range of code points into the text
//!   that was searched (empty regex matches, such as `a*` between letters, are skipped);
//! - a pattern is compiled once with a size limit, so a hostile regex is refused with a
//!   [`SearchError`] instead of using unbounded memory; an invalid one is an error, never a
//!   panic;
//! - a search stops after [`MAX_MATCHES`] matches and says it did, so `.` over a 6.5 MB corpus
//!   cannot fill memory.

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::core::jobs::Progress;
use crate::core::model::{AnnotationId, ArticleId, Project, TextRange};
use crate::core::text::OffsetIndex;

/// Most matches one search returns (in one article, or across the project).
pub const MAX_MATCHES: usize = 100_000;
/// Code points of context shown on each side of a project-search hit.
pub const HIT_CONTEXT_CHARS: usize = 40;
/// Largest compiled regular expression, in bytes (the `regex` crate's size limit).
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// How a query is read: the find bar's and project search's toggles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchOptions {
    /// Upper and lower case differ (`EU` does not find `eu`).
    pub match_case: bool,
    /// Only whole words (`act` does not find `actor`).
    pub whole_word: bool,
    /// The query is a regular expression (Rust `regex` syntax), not a phrase.
    pub regex: bool,
}

/// A query that cannot be searched for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The regular expression does not parse, or compiles too large.
    #[error("invalid pattern: {0}")]
    InvalidPattern(String),
}

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: Regex,
}

impl Pattern {
    /// Compiles `query` read as `options` say; `Ok(None)` for an empty query (nothing to find).
    pub fn new(query: &str, options: SearchOptions) -> Result<Option<Self>, SearchError> {
        if query.is_empty() {
            return Ok(None);
        }
        let body = if options.regex {
            query.to_owned()
        } else {
            regex::escape(query)
        };
        let source = if options.whole_word {
            // A regex is bounded at both ends; a phrase only where it has a word character, so
            // `C++` as a whole word still matches before a space.
            if options.regex {
                word_bounded(&body, true, true)
            } else {
                whole_word_source(query)
            }
        } else {
            body
        };
        RegexBuilder::new(&source)
            .case_insensitive(!options.match_case)
            .multi_line(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(|regex| Some(Self { regex }))
            .map_err(|e| SearchError::InvalidPattern(first_line_of_error(&e)))
    }

    /// Every match in `text` (indexed by `index`), in text order, as code-point ranges; the
    /// flag is true when the search stopped at `limit` matches.
    pub fn find_all(
        &self,
        text: &str,
        index: &OffsetIndex,
        limit: usize,
    ) -> (Vec<TextRange>, bool) {
        let mut ranges = Vec::new();
        // Matches come in text order, so code points are counted forward from the last one.
        let mut cursor = (0usize, 0usize);
        for m in self.regex.find_iter(text) {
            if m.is_empty() {
                continue;
            }
            if ranges.len() == limit {
                return (ranges, true);
            }
            let start = advance(text, index, &mut cursor, m.start());
            let end = start + text[m.start()..m.end()].chars().count();
            cursor = (m.end(), end);
            ranges.push(TextRange { start, end });
        }
        (ranges, false)
    }

    /// True when the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.find_iter(text).any(|m| !m.is_empty())
    }
}

/// Code-point offset of `byte`, counting on from `cursor` (a byte and its code point) when
/// the gap is short, else through the index.
fn advance(text: &str, index: &OffsetIndex, cursor: &mut (usize, usize), byte: usize) -> usize {
    let (at_byte, at_char) = *cursor;
    if byte >= at_byte && byte - at_byte <= 256 {
        at_char + text[at_byte..byte].chars().count()
    } else {
        index.char_of(text, byte)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `body` (a regex) with `\b` at the start and end where asked.
fn word_bounded(body: &str, lead: bool, trail: bool) -> String {
    format!(
        "{}(?:{body}){}",
        if lead { r"\b" } else { "" },
        if trail { r"\b" } else { "" }
    )
}

/// A phrase as a regex matching it as a whole word: bounded at each end that is a word
/// character.
pub fn whole_word_source(phrase: &str) -> String {
    word_bounded(
        &regex::escape(phrase),
        phrase.chars().next().is_some_and(is_word_char),
        phrase.chars().next_back().is_some_and(is_word_char),
    )
}

/// The regex crate's message without its caret diagram: the last line says what is wrong.
fn first_line_of_error(error: &regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(_) => "the pattern is too large".to_owned(),
        other => other
            .to_string()
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().trim_start_matches("error: ").to_owned())
            .unwrap_or_else(|| other.to_string()),
    }
}

/// Where a project-search hit is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitPlace {
    /// In the article's text.
    Text,
    /// In the note of this annotation (its range is into the note).
    Note(AnnotationId),
    /// In the article's memo (the range is into the memo).
    ArticleMemo,
    /// In the project's memo (the range is into the memo).
    ProjectMemo,
}

/// One match of a project search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The article it is in (for a note: the annotation's article); none for the project memo.
    pub article: Option<ArticleId>,
    /// Text or note.
    pub place: HitPlace,
    /// The match, in code points of the text (or note) it is in.
    pub range: TextRange,
    /// Up to [`HIT_CONTEXT_CHARS`] code points before the match, on its line.
    pub before: String,
    /// The matched text.
    pub matched: String,
    /// Up to [`HIT_CONTEXT_CHARS`] code points after the match, on its line.
    pub after: String,
}

/// The result of a project search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectHits {
    /// Hits in article order (text first, then notes), each article's in text order.
    pub hits: Vec<Hit>,
    /// True when the search stopped at [`MAX_MATCHES`].
    pub truncated: bool,
}

impl ProjectHits {
    /// "12 matches in 3 articles" (or "no matches").
    pub fn summary(&self) -> String {
        if self.hits.is_empty() {
            return "no matches".to_owned();
        }
        let mut articles: Vec<ArticleId> = self.hits.iter().filter_map(|h| h.article).collect();
        articles.dedup();
        articles.sort_unstable();
        articles.dedup();
        let n = self.hits.len();
        format!(
            "{}{n} match{} in {} article{}",
            if self.truncated { "first " } else { "" },
            if n == 1 { "" } else { "es" },
            articles.len(),
            if articles.len() == 1 { "" } else { "s" }
        )
    }
}

/// Searches every article's text, every annotation's note and the memos; `None` when
/// `progress` was cancelled. Progress counts articles.
pub fn search_project(
    project: &Project,
    pattern: &Pattern,
    progress: &Progress,
) -> Option<ProjectHits> {
    progress.set_total(project.articles.len() as u64);
    let mut result = ProjectHits::default();
    for (n, article) in project.articles.iter().enumerate() {
        if progress.is_cancelled() {
            return None;
        }
        let left = MAX_MATCHES - result.hits.len();
        let index = OffsetIndex::new(&article.text);
        let (ranges, truncated) = pattern.find_all(&article.text, &index, left);
        result.hits.extend(ranges.into_iter().map(|range| {
            hit(
                &article.text,
                &index,
                Some(article.id),
                HitPlace::Text,
                range,
            )
        }));
        memo_hits(
            &mut result,
            pattern,
            &article.memo,
            Some(article.id),
            HitPlace::ArticleMemo,
        );
        for annotation in project
            .annotations
            .iter()
            .filter(|a| a.article == article.id)
        {
            if annotation.note.is_empty() || !pattern.is_match(&annotation.note) {
                continue;
            }
            let left = MAX_MATCHES.saturating_sub(result.hits.len());
            let note_index = OffsetIndex::new(&annotation.note);
            let (ranges, cut) = pattern.find_all(&annotation.note, &note_index, left);
            result.truncated |= cut;
            result.hits.extend(ranges.into_iter().map(|range| {
                let place = HitPlace::Note(annotation.id);
                hit(
                    &annotation.note,
                    &note_index,
                    Some(article.id),
                    place,
                    range,
                )
            }));
        }
        progress.set_done(n as u64 + 1);
        if truncated || result.hits.len() >= MAX_MATCHES {
            result.truncated = true;
            break;
        }
    }
    memo_hits(
        &mut result,
        pattern,
        &project.memo,
        None,
        HitPlace::ProjectMemo,
    );
    Some(result)
}

/// Adds the matches in a memo (within the limit).
fn memo_hits(
    result: &mut ProjectHits,
    pattern: &Pattern,
    memo: &str,
    article: Option<ArticleId>,
    place: HitPlace,
) {
    if memo.is_empty() || !pattern.is_match(memo) {
        return;
    }
    let left = MAX_MATCHES.saturating_sub(result.hits.len());
    let index = OffsetIndex::new(memo);
    let (ranges, cut) = pattern.find_all(memo, &index, left);
    result.truncated |= cut;
    result.hits.extend(
        ranges
            .into_iter()
            .map(|range| hit(memo, &index, article, place.clone(), range)),
    );
}

fn hit(
    text: &str,
    index: &OffsetIndex,
    article: Option<ArticleId>,
    place: HitPlace,
    range: TextRange,
) -> Hit {
    let (before, matched, after) = index.quote_and_context(text, range, HIT_CONTEXT_CHARS);
    let before = before.rsplit('\n').next().unwrap_or_default();
    let after = after.split('\n').next().unwrap_or_default();
    Hit {
        article,
        place,
        range,
        before: before.to_owned(),
        matched: matched.to_owned(),
        after: after.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Annotation, Article, StanceId};
    use std::sync::Arc;

    fn find(text: &str, query: &str, options: SearchOptions) -> Vec<(usize, usize)> {
        let pattern = Pattern::new(query, options).unwrap().unwrap();
        let (ranges, _) = pattern.find_all(text, &OffsetIndex::new(text), MAX_MATCHES);
        ranges.into_iter().map(|r| (r.start, r.end)).collect()
    }

    fn all(text: &str, query: &str, options: SearchOptions) -> Vec<TextRange> {
        let pattern = Pattern::new(query, options).unwrap().unwrap();
        pattern
            .find_all(text, &OffsetIndex::new(text), MAX_MATCHES)
            .0
    }

    #[test]
    fn a_phrase_is_case_insensitive_across_scripts_and_counts_code_points() {
        let t = "Open source. OPEN models 🙂 open—Öffnung öffnung ÉTÉ été";
        let f = |q: &str| all(t, q, PLAIN);
        let hits = f("open");
        assert_eq!(hits.len(), 3);
        for h in &hits {
            assert_eq!(crate::core::text::slice_chars(t, *h).to_lowercase(), "open");
        }
        assert_eq!(f("öffnung").len(), 2);
        assert_eq!(f("été").len(), 2);
        assert_eq!(crate::core::text::slice_chars(t, f("🙂 o")[0]), "🙂 o");
        assert!(f("absent").is_empty());
        // Many blocks of mixed-width characters: every hit still maps to the right offsets.
        let mixed = "aé北🙂 Öffnung ".repeat(300);
        let hits = all(&mixed, "öffnung", PLAIN);
        assert_eq!(hits.len(), 300);
        for (n, h) in hits.iter().enumerate() {
            assert_eq!(h.start, n * 13 + 5);
            assert_eq!(crate::core::text::slice_chars(&mixed, *h), "Öffnung");
        }
        let long = "x".repeat(1000) + "Needle";
        assert_eq!(
            all(&long, "needle", PLAIN),
            vec![TextRange {
                start: 1000,
                end: 1006
            }]
        );
    }

    const PLAIN: SearchOptions = SearchOptions {
        match_case: false,
        whole_word: false,
        regex: false,
    };

    #[test]
    fn a_phrase_is_found_in_any_case_at_code_point_offsets() {
        let text = "Über die EU: die eu-Kommission, DIE Eu.";
        assert_eq!(find(text, "eu", PLAIN), vec![(9, 11), (17, 19), (36, 38)]);
        // Code points, not bytes: "Ü" is two bytes.
        assert_eq!(find(text, "über", PLAIN), vec![(0, 4)]);
        let case = SearchOptions {
            match_case: true,
            ..PLAIN
        };
        assert_eq!(find(text, "EU", case), vec![(9, 11)]);
    }

    #[test]
    fn whole_words_skip_longer_words_and_keep_symbols_at_the_ends() {
        let text = "act actor enact act. C++ and C++11";
        let words = SearchOptions {
            whole_word: true,
            ..PLAIN
        };
        assert_eq!(find(text, "act", words), vec![(0, 3), (16, 19)]);
        assert_eq!(find(text, "C++", words), vec![(21, 24), (29, 32)]);
    }

    #[test]
    fn a_regex_finds_its_matches_and_skips_empty_ones() {
        let text = "Article 5, Article 52 and article 6a";
        let regex = SearchOptions {
            regex: true,
            ..PLAIN
        };
        assert_eq!(
            find(text, r"article \d+", regex),
            vec![(0, 9), (11, 21), (26, 35)]
        );
        assert_eq!(find(text, "x*", regex), Vec::<(usize, usize)>::new());
        let both = SearchOptions {
            regex: true,
            whole_word: true,
            match_case: true,
        };
        assert_eq!(find(text, r"Article \d", both), vec![(0, 9)]);
    }

    #[test]
    fn an_invalid_or_huge_regex_is_an_error_and_an_empty_query_finds_nothing() {
        let regex = SearchOptions {
            regex: true,
            ..PLAIN
        };
        let err = Pattern::new("(unclosed", regex).unwrap_err();
        assert!(err.to_string().starts_with("invalid pattern:"), "{err}");
        assert!(err.to_string().contains("unclosed"), "{err}");
        let huge = Pattern::new(r"\w{1000}{1000}", regex).unwrap_err();
        assert!(huge.to_string().contains("too large"), "{huge}");
        assert!(Pattern::new("", regex).unwrap().is_none());
        // A phrase with regex characters is searched for as written.
        assert_eq!(find("a (b) c", "(b)", PLAIN), vec![(2, 5)]);
    }

    #[test]
    fn a_search_stops_at_its_limit_and_says_so() {
        let text = "ab".repeat(10);
        let pattern = Pattern::new("a", PLAIN).unwrap().unwrap();
        let (ranges, truncated) = pattern.find_all(&text, &OffsetIndex::new(&text), 3);
        assert_eq!(ranges.len(), 3);
        assert!(truncated);
        let (all, truncated) = pattern.find_all(&text, &OffsetIndex::new(&text), 10);
        assert_eq!(all.len(), 10);
        assert!(!truncated);
    }

    #[test]
    fn long_texts_map_bytes_to_code_points_exactly() {
        // Far-apart matches go through the index; near ones count on from the last.
        let mut text = String::new();
        let mut expected = Vec::new();
        for i in 0..200 {
            text.push_str(&"é".repeat(i * 7));
            let start = text.chars().count();
            text.push_str("needle");
            expected.push((start, start + 6));
        }
        assert_eq!(find(&text, "needle", PLAIN), expected);
    }

    #[test]
    fn project_search_finds_text_and_notes_with_context_on_the_line() {
        let mut project = Project::new("p");
        let first = Arc::new(Article::new(
            "One",
            "First line.\nThe open source movement.",
        ));
        let second = Arc::new(Article::new("Two", "Nothing here."));
        let range = TextRange { start: 16, end: 27 };
        project.push_annotation(Arc::new(Annotation {
            note: "Open source, again".to_owned(),
            ..Annotation::new(
                first.id,
                range,
                "open source".to_owned(),
                StanceId::new("security"),
                String::new(),
                Default::default(),
            )
        }));
        project.articles.push(first.clone());
        project.articles.push(second);
        let pattern = Pattern::new("open", PLAIN).unwrap().unwrap();
        let result = search_project(&project, &pattern, &Progress::default()).unwrap();
        assert_eq!(result.hits.len(), 2, "{result:?}");
        let text_hit = &result.hits[0];
        assert_eq!(text_hit.place, HitPlace::Text);
        assert_eq!((text_hit.range.start, text_hit.range.end), (16, 20));
        assert_eq!(text_hit.before, "The ", "context stops at the line end");
        assert_eq!(text_hit.matched, "open");
        assert_eq!(text_hit.after, " source movement.");
        assert!(matches!(result.hits[1].place, HitPlace::Note(_)));
        assert_eq!(result.hits[1].matched, "Open");
        assert_eq!(result.summary(), "2 matches in 1 article");
        assert!(!result.truncated);
        // Memos are searched too: the article's and the project's.
        Arc::make_mut(&mut project.articles[1]).memo = "An open question.".to_owned();
        project.memo = "Open points".to_owned();
        let result = search_project(&project, &pattern, &Progress::default()).unwrap();
        let places: Vec<&HitPlace> = result.hits.iter().map(|h| &h.place).collect();
        assert_eq!(
            places,
            [
                &HitPlace::Text,
                &HitPlace::Note(project.annotations.first().unwrap().id),
                &HitPlace::ArticleMemo,
                &HitPlace::ProjectMemo
            ]
        );
        assert_eq!(result.hits[2].article, Some(project.articles[1].id));
        assert_eq!(result.hits[3].article, None);
    }
}
