//! How close an extracted text is to the text a reader wanted: word-shingle precision, recall
//! and F1 (the share of 4-word sequences the two texts have in common). Used by the import
//! tests and by `stancemark-bench html` to measure web-page extraction against expected
//! articles.

use std::collections::HashSet;

/// Words per shingle.
const SHINGLE_WORDS: usize = 4;

/// Precision, recall and F1 of an extracted text against the expected one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Share of the extracted shingles that are expected (1: nothing extra came along).
    pub precision: f64,
    /// Share of the expected shingles that were extracted (1: nothing is missing).
    pub recall: f64,
    /// Their harmonic mean.
    pub f1: f64,
}

/// The word shingles of `text` (words: runs of letters, digits and `_`, lower-cased).
fn shingles(text: &str) -> HashSet<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < SHINGLE_WORDS {
        return (!words.is_empty())
            .then(|| words.join(" "))
            .into_iter()
            .collect();
    }
    words.windows(SHINGLE_WORDS).map(|w| w.join(" ")).collect()
}

/// Scores `got` against `expected`.
pub fn score(got: &str, expected: &str) -> Score {
    let (got, expected) = (shingles(got), shingles(expected));
    if got.is_empty() && expected.is_empty() {
        return Score {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let common = got.intersection(&expected).count() as f64;
    let share = |set: &HashSet<String>| {
        if set.is_empty() {
            0.0
        } else {
            common / set.len() as f64
        }
    };
    let (precision, recall) = (share(&got), share(&expected));
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Score {
        precision,
        recall,
        f1,
    }
}

/// The text of an HTML fragment or page (the expected article of a test page).
pub fn html_text(html: &str) -> String {
    let document = dom_query::Document::from(html);
    let body = document.select("body");
    if body.exists() {
        body.text().to_string()
    } else {
        document.root().text().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_unrelated_ones_zero() {
        let a = "Open models have become an instrument of industrial policy in many places";
        assert_eq!(score(a, a).f1, 1.0);
        assert_eq!(
            score(a, "Nothing at all in common with the other one here").f1,
            0.0
        );
        let half = "Open models have become an instrument";
        let s = score(half, a);
        assert_eq!(s.precision, 1.0);
        assert!(s.recall < 0.5 && s.f1 > 0.3, "{s:?}");
    }

    #[test]
    fn markup_is_not_text() {
        assert_eq!(
            html_text("<html><body><p>One <b>two</b></p><p>three</p></body></html>"),
            "One twothree"
        );
    }
}
