//! Suggested annotations: passages the analyst may want to tag, for review one by one.
//!
//! Two sources: every match of a term, a phrase list or a regular expression (optionally
//! widened to its sentence), tagged with a chosen stance; and the sentences most similar to an
//! annotation (TF-IDF cosine over the corpus's sentences), with that annotation's stance.
//!
//! Invariants:
//! - a suggestion's range is a non-empty code-point range of its article, and its quote is that
//!   slice of the text;
//! - no suggestion overlaps an annotation with the same stance (it is counted as already
//!   annotated instead), and no two suggestions share a range;
//! - the work checks its [`Progress`] between articles and returns `None` once cancelled.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::analysis::search::{MAX_MATCHES, Pattern, SearchError, SearchOptions};
use crate::core::jobs::Progress;
use crate::core::model::{Annotation, AnnotationId, ArticleId, Project, StanceId, TextRange};
use crate::core::text::{OffsetIndex, sentences_of};

/// How many similar sentences are offered by default.
pub const SIMILAR_TOP: usize = 20;

pub use crate::core::model::Suggestion;

/// The suggestions of one request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Suggestions {
    /// Offered passages, in article order (similar ones: most similar first).
    pub items: Vec<Suggestion>,
    /// Matches left out because an annotation with the stance already covers them.
    pub already_annotated: usize,
    /// Passages left out because the analyst rejected them before (with this stance).
    pub rejected_before: usize,
    /// True when the matches were cut at [`MAX_MATCHES`].
    pub truncated: bool,
}

/// A pattern for suggestions from `query`: with `regex` off, each non-empty line is a phrase
/// (a phrase list), any of which matches; `Ok(None)` when there is nothing to look for.
pub fn phrase_pattern(query: &str, options: SearchOptions) -> Result<Option<Pattern>, SearchError> {
    if options.regex {
        return Pattern::new(query.trim(), options);
    }
    let alternatives: Vec<String> = query
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|p| {
            if options.whole_word {
                crate::analysis::search::whole_word_source(p)
            } else {
                regex::escape(p)
            }
        })
        .collect();
    if alternatives.is_empty() {
        return Ok(None);
    }
    let regex_options = SearchOptions {
        regex: true,
        whole_word: false,
        ..options
    };
    Pattern::new(&alternatives.join("|"), regex_options)
}

/// Every match of `pattern` in the project's articles as a suggestion with `stance` (widened
/// to its sentence when `sentence`).
pub fn from_pattern(
    project: &Project,
    pattern: &Pattern,
    stance: &StanceId,
    sentence: bool,
    progress: &Progress,
) -> Option<Suggestions> {
    progress.set_total(project.articles.len() as u64);
    let mut out = Suggestions::default();
    let mut seen = HashSet::new();
    for (n, article) in project.articles.iter().enumerate() {
        if progress.is_cancelled() {
            return None;
        }
        let index = OffsetIndex::new(&article.text);
        let left = MAX_MATCHES.saturating_sub(out.items.len());
        let (ranges, cut) = pattern.find_all(&article.text, &index, left);
        out.truncated |= cut;
        let taken = taken_by(project, article.id, stance);
        let rejected = rejected_with(project, article.id, stance);
        for found in ranges {
            let range = if sentence {
                sentence_around(&article.text, &index, found)
            } else {
                found
            };
            if overlaps_any(&taken, range) {
                out.already_annotated += 1;
                continue;
            }
            if !seen.insert((article.id, range.start, range.end)) {
                continue;
            }
            if rejected.contains(&range) {
                out.rejected_before += 1;
                continue;
            }
            out.items.push(Suggestion {
                article: article.id,
                range,
                quote: index.slice(&article.text, range).to_owned(),
                stance: stance.clone(),
                confidence: None,
            });
        }
        progress.set_done(n as u64 + 1);
    }
    Some(out)
}

/// The `top` sentences of the corpus most similar to annotation `source` (TF-IDF weighted
/// cosine over lower-cased words), with its stance; `None` when cancelled or the annotation is
/// not in the project.
pub fn similar(
    project: &Project,
    source: AnnotationId,
    top: usize,
    progress: &Progress,
) -> Option<Suggestions> {
    let source = project.annotation(source)?;
    progress.set_total(project.articles.len() as u64 * 2);
    // Every sentence of the corpus as sorted (word id, count) pairs; words interned once.
    let mut vocabulary = Vocabulary::default();
    let mut sentences: Vec<(ArticleId, TextRange, Terms)> = Vec::new();
    let mut document_frequency: Vec<u32> = Vec::new();
    for (n, article) in project.articles.iter().enumerate() {
        if progress.is_cancelled() {
            return None;
        }
        let index = OffsetIndex::new(&article.text);
        for range in sentences_of(&article.text) {
            let terms = vocabulary.terms(index.slice(&article.text, range));
            if terms.is_empty() {
                continue;
            }
            document_frequency.resize(vocabulary.len(), 0);
            for (id, _) in &terms {
                document_frequency[*id as usize] += 1;
            }
            sentences.push((article.id, range, terms));
        }
        progress.set_done(n as u64 + 1);
    }
    let count = sentences.len().max(1) as f32;
    let idf: Vec<f32> = document_frequency
        .iter()
        .map(|df| (1.0 + count / (1.0 + *df as f32)).ln())
        .collect();
    let idf_of = |id: u32| idf.get(id as usize).copied().unwrap_or((1.0 + count).ln());
    let norm = |terms: &[(u32, u32)]| {
        terms
            .iter()
            .map(|(id, tf)| (*tf as f32 * idf_of(*id)).powi(2))
            .sum::<f32>()
            .sqrt()
    };
    let query_terms = vocabulary.terms(&source.quote);
    let query_norm = norm(&query_terms);
    if query_norm == 0.0 {
        return Some(Suggestions::default());
    }
    let query: HashMap<u32, f32> = query_terms
        .iter()
        .map(|(id, tf)| (*id, *tf as f32 * idf_of(*id) / query_norm))
        .collect();
    let mut taken_cache: HashMap<ArticleId, (Vec<TextRange>, Vec<TextRange>)> = HashMap::new();
    let mut scored: Vec<(f32, ArticleId, TextRange)> = Vec::new();
    let mut already = 0;
    let mut rejected_before = 0;
    for (article, range, terms) in &sentences {
        let dot: f32 = terms
            .iter()
            .filter_map(|(id, tf)| query.get(id).map(|q| q * *tf as f32 * idf_of(*id)))
            .sum();
        if dot <= 0.0 {
            continue;
        }
        let score = dot / norm(terms);
        let (taken, rejected) = taken_cache.entry(*article).or_insert_with(|| {
            (
                taken_by(project, *article, &source.stance),
                rejected_with(project, *article, &source.stance),
            )
        });
        if overlaps_any(taken, *range) {
            already += 1;
            continue;
        }
        if rejected.contains(range) {
            rejected_before += 1;
            continue;
        }
        scored.push((score, *article, *range));
    }
    if progress.is_cancelled() {
        return None;
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.truncate(top);
    let items = scored
        .into_iter()
        .filter_map(|(score, article, range)| {
            let text = &project.article(article)?.text;
            Some(Suggestion {
                article,
                range,
                quote: crate::core::text::slice_chars(text, range).to_owned(),
                stance: source.stance.clone(),
                confidence: Some(score.min(1.0)),
            })
        })
        .collect();
    Some(Suggestions {
        items,
        already_annotated: already,
        rejected_before,
        truncated: false,
    })
}

/// A text's words as sorted (word id, count) pairs.
type Terms = Vec<(u32, u32)>;

/// Lower-cased words mapped to small ids, so sentences are compared as sorted id lists.
#[derive(Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    fn len(&self) -> usize {
        self.ids.len()
    }

    /// The words of `text` (letters, digits, `_`, lower-cased) as sorted (id, count) pairs.
    fn terms(&mut self, text: &str) -> Terms {
        let mut ids: Vec<u32> = Vec::new();
        for word in text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
        {
            let lowered;
            let key = if word.chars().any(char::is_uppercase) {
                lowered = word.to_lowercase();
                lowered.as_str()
            } else {
                word
            };
            let next = self.ids.len() as u32;
            let id = match self.ids.get(key) {
                Some(id) => *id,
                None => {
                    self.ids.insert(key.to_owned(), next);
                    next
                }
            };
            ids.push(id);
        }
        ids.sort_unstable();
        let mut out: Terms = Vec::new();
        for id in ids {
            match out.last_mut() {
                Some((last, n)) if *last == id => *n += 1,
                _ => out.push((id, 1)),
            }
        }
        out
    }
}

/// The ranges of annotations of `article` with `stance` (orphans have no place).
fn taken_by(project: &Project, article: ArticleId, stance: &StanceId) -> Vec<TextRange> {
    project
        .annotations
        .iter()
        .filter(|a: &&std::sync::Arc<Annotation>| {
            a.article == article && &a.stance == stance && !a.orphaned
        })
        .map(|a| a.range)
        .collect()
}

/// The passages of `article` the analyst rejected with `stance`.
fn rejected_with(project: &Project, article: ArticleId, stance: &StanceId) -> Vec<TextRange> {
    project
        .rejections
        .iter()
        .filter(|r| r.article == article && &r.stance == stance)
        .map(|r| r.range)
        .collect()
}

fn overlaps_any(ranges: &[TextRange], range: TextRange) -> bool {
    ranges
        .iter()
        .any(|r| r.start < range.end && range.start < r.end)
}

/// The sentence that holds `range` (widened to whole sentences when it spans several).
pub fn sentence_around(text: &str, index: &OffsetIndex, range: TextRange) -> TextRange {
    // Only the line holding the range is scanned.
    let start_byte = index.byte_of(text, range.start);
    let end_byte = index.byte_of(text, range.end);
    let line_start = text[..start_byte].rfind('\n').map_or(0, |b| b + 1);
    let line_end = text[end_byte..]
        .find('\n')
        .map_or(text.len(), |b| end_byte + b);
    let base = index.char_of(text, line_start);
    let local = sentences_of(&text[line_start..line_end]);
    let first = local
        .iter()
        .find(|s| base + s.end > range.start)
        .map_or(range.start, |s| base + s.start);
    let last = local
        .iter()
        .rev()
        .find(|s| base + s.start < range.end)
        .map_or(range.end, |s| base + s.end);
    TextRange {
        start: first.min(range.start),
        end: last.max(range.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Article;
    use std::sync::Arc;

    fn project(texts: &[&str]) -> Project {
        let mut p = Project::new("t");
        for (i, t) in texts.iter().enumerate() {
            p.articles.push(Arc::new(Article::new(format!("A{i}"), t)));
        }
        p
    }

    fn annotate(p: &mut Project, article: usize, range: TextRange, stance: &str) -> AnnotationId {
        let art = p.articles[article].clone();
        let ann = Annotation::new(
            art.id,
            range,
            crate::core::text::slice_chars(&art.text, range).to_owned(),
            StanceId::new(stance),
            String::new(),
            Default::default(),
        );
        let id = ann.id;
        p.push_annotation(Arc::new(ann));
        id
    }

    #[test]
    fn sentences_end_at_stops_and_line_ends() {
        let text = "One two. “Three?” Four\nFive… six. U.S.-made chips";
        let got: Vec<&str> = sentences_of(text)
            .into_iter()
            .map(|r| crate::core::text::slice_chars(text, r))
            .collect();
        assert_eq!(
            got,
            [
                "One two.",
                "“Three?”",
                "Four",
                "Five…",
                "six.",
                "U.S.-made chips"
            ]
        );
    }

    #[test]
    fn a_match_widens_to_its_sentence_on_its_line() {
        let text = "Intro line.\nFirst sentence here. The open source claim is bold! Last.";
        let index = OffsetIndex::new(text);
        let byte = text.find("open source").unwrap();
        let start = text[..byte].chars().count();
        let range = TextRange {
            start,
            end: start + 11,
        };
        let s = sentence_around(text, &index, range);
        assert_eq!(
            crate::core::text::slice_chars(text, s),
            "The open source claim is bold!"
        );
    }

    #[test]
    fn pattern_suggestions_skip_passages_already_tagged_with_the_stance() {
        let mut p = project(&[
            "Open source helps. Regulation of open source hurts.",
            "Nothing about it. OPEN SOURCE again.",
        ]);
        // The first "open source" (0..11) is already tagged security; the second is tagged
        // regulation, which does not count.
        annotate(&mut p, 0, TextRange { start: 0, end: 11 }, "security");
        annotate(&mut p, 0, TextRange { start: 33, end: 44 }, "regulation");
        let pattern = phrase_pattern("open source", SearchOptions::default())
            .unwrap()
            .unwrap();
        let s = from_pattern(
            &p,
            &pattern,
            &StanceId::new("security"),
            false,
            &Progress::default(),
        )
        .unwrap();
        assert_eq!(s.already_annotated, 1);
        let quotes: Vec<&str> = s.items.iter().map(|i| i.quote.as_str()).collect();
        assert_eq!(quotes, ["open source", "OPEN SOURCE"]);
        for item in &s.items {
            let text = &p.article(item.article).unwrap().text;
            assert_eq!(crate::core::text::slice_chars(text, item.range), item.quote);
        }
        // Widened to sentences, two matches in one sentence give one suggestion.
        let twice = project(&["Risk and risk again. No."]);
        let pattern = phrase_pattern("risk", SearchOptions::default())
            .unwrap()
            .unwrap();
        let s = from_pattern(
            &twice,
            &pattern,
            &StanceId::new("security"),
            true,
            &Progress::default(),
        )
        .unwrap();
        assert_eq!(s.items.len(), 1);
        assert_eq!(s.items[0].quote, "Risk and risk again.");
    }

    #[test]
    fn a_phrase_list_matches_any_line_and_whole_words_apply_to_each() {
        let options = SearchOptions {
            whole_word: true,
            ..SearchOptions::default()
        };
        let pattern = phrase_pattern("export control\n\n  AI Act \n", options)
            .unwrap()
            .unwrap();
        let text = "The AI Act and export controls; an export control regime; the AI Actor.";
        let (found, _) = pattern.find_all(text, &OffsetIndex::new(text), 10);
        let got: Vec<&str> = found
            .iter()
            .map(|r| crate::core::text::slice_chars(text, *r))
            .collect();
        assert_eq!(got, ["AI Act", "export control"]);
        assert!(
            phrase_pattern(" \n ", SearchOptions::default())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn similar_sentences_rank_shared_rare_words_first_and_skip_tagged_ones() {
        let mut p = project(&[
            "Export controls on chips protect national security. The weather is fine today.",
            "Chip export controls are a security measure. Cats sleep a lot. \
             Open models help researchers.",
        ]);
        let source = annotate(&mut p, 0, TextRange { start: 0, end: 52 }, "security");
        let s = similar(&p, source, 5, &Progress::default()).unwrap();
        assert_eq!(s.already_annotated, 1, "the source sentence itself");
        let first = &s.items[0];
        assert_eq!(first.quote, "Chip export controls are a security measure.");
        assert_eq!(first.stance, StanceId::new("security"));
        let confidence = first.confidence.unwrap();
        assert!(confidence > 0.2 && confidence <= 1.0, "{confidence}");
        assert!(
            s.items.iter().all(|i| i.quote != "Cats sleep a lot."),
            "no shared word, no suggestion"
        );
        let mut last = f32::INFINITY;
        for item in &s.items {
            assert!(item.confidence.unwrap() <= last);
            last = item.confidence.unwrap();
        }
    }
}
