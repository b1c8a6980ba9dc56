//! Learned suggestions: a classifier trained on the project's own coding proposes stances for
//! sentences nobody has annotated yet, each with a confidence.
//!
//! The model is a multinomial naive Bayes over sparse, log-scaled and IDF-weighted word counts
//! (unigrams and bigrams), with Laplace smoothing — small, fast to retrain after every accept
//! or reject, and with no model to download. Its classes are the project's stances plus
//! "no stance": in every article with at least one annotation, a sentence that no annotation
//! touches is an example of "no stance" (the analyst read it and left it). A sentence takes the
//! stance of the annotation covering most of it. Rejected suggestions are further "no stance"
//! examples for that sentence.
//!
//! Invariants: training and prediction see the same tokenisation; probabilities over the
//! classes sum to 1; a project with fewer than two classes of examples trains no model.

use std::collections::HashMap;

use crate::analysis::suggest::{Suggestion, Suggestions};
use crate::core::jobs::Progress;
use crate::core::model::{ArticleId, Project, StanceId, TextRange};
use crate::core::text::OffsetIndex;
use crate::core::text::sentences_of;

/// The class of sentences left without a stance.
pub const NO_STANCE: &str = "(no stance)";
/// Suggestions below this probability are not offered.
pub const MIN_CONFIDENCE: f32 = 0.5;
/// Most learned suggestions offered at once (the most confident first).
pub const MAX_LEARNED: usize = 500;
/// Additive smoothing (chosen by 5-fold cross-validation on `tests/fixtures/learn`, among
/// 0.03–1: larger values drown the small classes in the vocabulary).
const ALPHA: f64 = 0.05;

/// One labelled example: its text and its class (a stance id, or [`NO_STANCE`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The sentence.
    pub text: String,
    /// Its class.
    pub label: String,
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Model {
    classes: Vec<String>,
    log_prior: Vec<f64>,
    /// Per class, log P(term | class) for known terms.
    log_likelihood: Vec<HashMap<String, f64>>,
    /// Per class, log P(unseen term | class).
    log_unseen: Vec<f64>,
    idf: HashMap<String, f64>,
    default_idf: f64,
}

/// Lower-cased words and adjacent word pairs of `text`.
pub fn terms(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
        .collect();
    let mut out = words.clone();
    out.extend(words.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out
}

/// Weighted counts of a text's terms: (1 + ln tf) × idf, scaled to unit length so long and
/// short sentences weigh the same.
fn weights(terms: &[String], idf: &HashMap<String, f64>, default_idf: f64) -> HashMap<String, f64> {
    let mut tf: HashMap<String, f64> = HashMap::new();
    for t in terms {
        *tf.entry(t.clone()).or_default() += 1.0;
    }
    let mut w: HashMap<String, f64> = tf
        .into_iter()
        .map(|(t, n)| {
            let w = (1.0 + n.ln()) * idf.get(&t).copied().unwrap_or(default_idf);
            (t, w)
        })
        .collect();
    let norm = w.values().map(|x| x * x).sum::<f64>().sqrt();
    if norm > 0.0 {
        w.values_mut().for_each(|x| *x /= norm);
    }
    w
}

impl Model {
    /// Trains on `examples`; `None` when they hold fewer than two classes.
    pub fn train(examples: &[Example]) -> Option<Self> {
        let mut classes: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            return None;
        }
        let docs: Vec<Vec<String>> = examples.iter().map(|e| terms(&e.text)).collect();
        let n = docs.len() as f64;
        let mut df: HashMap<String, f64> = HashMap::new();
        for d in &docs {
            let mut seen: Vec<&String> = d.iter().collect();
            seen.sort();
            seen.dedup();
            for t in seen {
                *df.entry(t.clone()).or_default() += 1.0;
            }
        }
        let idf: HashMap<String, f64> = df
            .iter()
            .map(|(t, d)| (t.clone(), ((1.0 + n) / (1.0 + d)).ln() + 1.0))
            .collect();
        let default_idf = (1.0 + n).ln() + 1.0;
        let vocabulary = idf.len() as f64;
        let index: HashMap<&String, usize> =
            classes.iter().enumerate().map(|(i, c)| (c, i)).collect();
        let mut counts: Vec<HashMap<String, f64>> = vec![HashMap::new(); classes.len()];
        let mut totals = vec![0.0; classes.len()];
        let mut docs_per_class = vec![0.0; classes.len()];
        for (e, d) in examples.iter().zip(&docs) {
            let c = index[&e.label];
            docs_per_class[c] += 1.0;
            for (t, w) in weights(d, &idf, default_idf) {
                *counts[c].entry(t).or_default() += w;
                totals[c] += w;
            }
        }
        let log_prior = docs_per_class.iter().map(|d| (d / n).ln()).collect();
        let log_unseen: Vec<f64> = totals
            .iter()
            .map(|t| (ALPHA / (t + ALPHA * vocabulary)).ln())
            .collect();
        let log_likelihood = counts
            .into_iter()
            .zip(&totals)
            .map(|(class_counts, total)| {
                class_counts
                    .into_iter()
                    .map(|(t, c)| (t, ((c + ALPHA) / (total + ALPHA * vocabulary)).ln()))
                    .collect()
            })
            .collect();
        Some(Self {
            classes,
            log_prior,
            log_likelihood,
            log_unseen,
            idf,
            default_idf,
        })
    }

    /// The classes, sorted.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// Probability of each class for `text` (in [`Model::classes`] order; they sum to 1).
    /// Words the training never saw say nothing about the classes and are left out.
    pub fn probabilities(&self, text: &str) -> Vec<f64> {
        let known: Vec<String> = terms(text)
            .into_iter()
            .filter(|t| self.idf.contains_key(t))
            .collect();
        let w = weights(&known, &self.idf, self.default_idf);
        let scores: Vec<f64> = (0..self.classes.len())
            .map(|c| {
                self.log_prior[c]
                    + w.iter()
                        .map(|(t, x)| {
                            x * self.log_likelihood[c]
                                .get(t)
                                .copied()
                                .unwrap_or(self.log_unseen[c])
                        })
                        .sum::<f64>()
            })
            .collect();
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
        let sum: f64 = exp.iter().sum();
        exp.into_iter().map(|e| e / sum).collect()
    }

    /// The most probable class for `text` and its probability.
    pub fn predict(&self, text: &str) -> (&str, f64) {
        let p = self.probabilities(text);
        let (i, best) = p
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .expect("at least two classes");
        (&self.classes[i], *best)
    }
}

/// The training examples of a project: every sentence of every article with an annotation,
/// labelled with the stance covering most of it, or [`NO_STANCE`]; plus the project's rejected
/// suggestions as [`NO_STANCE`] (those no annotation overlaps: the analyst's coding of a passage
/// speaks louder than an earlier rejection).
pub fn examples_of(project: &Project) -> Vec<Example> {
    let mut out = Vec::new();
    for article in &project.articles {
        let mine: Vec<_> = project
            .annotations
            .iter()
            .filter(|a| a.article == article.id && !a.orphaned)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let index = OffsetIndex::new(&article.text);
        for s in sentences_of(&article.text) {
            let mut best: Option<(&StanceId, usize)> = None;
            for a in &mine {
                let overlap = a
                    .range
                    .end
                    .min(s.end)
                    .saturating_sub(a.range.start.max(s.start));
                if overlap > 0 && best.is_none_or(|(_, b)| overlap > b) {
                    best = Some((&a.stance, overlap));
                }
            }
            let label = best.map_or(NO_STANCE.to_owned(), |(s, _)| s.to_string());
            out.push(Example {
                text: index.slice(&article.text, s).to_owned(),
                label,
            });
        }
    }
    // Each article's annotated ranges, gathered once for all the rejections.
    let mut coded_ranges: HashMap<ArticleId, Vec<TextRange>> = HashMap::new();
    if !project.rejections.is_empty() {
        for a in project.annotations.iter().filter(|a| !a.orphaned) {
            coded_ranges.entry(a.article).or_default().push(a.range);
        }
    }
    for rejection in &project.rejections {
        let coded = coded_ranges
            .get(&rejection.article)
            .is_some_and(|ranges| ranges.iter().any(|r| r.overlaps(&rejection.range)));
        if let Some(a) = project.article(rejection.article)
            && !coded
        {
            out.push(Example {
                text: crate::core::text::slice_chars(&a.text, rejection.range).to_owned(),
                label: NO_STANCE.to_owned(),
            });
        }
    }
    out
}

/// Learned suggestions: the project's unannotated sentences (in every article) whose most
/// probable class is a stance with at least [`MIN_CONFIDENCE`], most confident first; `None`
/// when cancelled. Without enough coding to learn from, none.
pub fn learned(project: &Project, progress: &Progress) -> Option<Suggestions> {
    let examples = examples_of(project);
    let Some(model) = Model::train(&examples) else {
        return Some(Suggestions::default());
    };
    progress.set_total(project.articles.len() as u64);
    let mut items: Vec<Suggestion> = Vec::new();
    let mut rejected_before = 0;
    for (n, article) in project.articles.iter().enumerate() {
        if progress.is_cancelled() {
            return None;
        }
        let taken: Vec<TextRange> = project
            .annotations
            .iter()
            .filter(|a| a.article == article.id && !a.orphaned)
            .map(|a| a.range)
            .collect();
        // Rejected with any stance: the passage was judged to have none of those offered.
        let rejected: Vec<TextRange> = project
            .rejections
            .iter()
            .filter(|r| r.article == article.id)
            .map(|r| r.range)
            .collect();
        let index = OffsetIndex::new(&article.text);
        for s in sentences_of(&article.text) {
            let touched = taken.iter().any(|r| r.start < s.end && s.start < r.end);
            if touched {
                continue;
            }
            let text = index.slice(&article.text, s);
            let (class, p) = model.predict(text);
            if class == NO_STANCE || p < f64::from(MIN_CONFIDENCE) {
                continue;
            }
            if rejected.contains(&s) {
                rejected_before += 1;
                continue;
            }
            items.push(Suggestion {
                article: article.id,
                range: s,
                quote: text.to_owned(),
                stance: StanceId::new(class),
                confidence: Some(p as f32),
            });
        }
        progress.set_done(n as u64 + 1);
    }
    items.sort_by(|a, b| {
        b.confidence
            .partial_cmp(&a.confidence)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let truncated = items.len() > MAX_LEARNED;
    items.truncate(MAX_LEARNED);
    Some(Suggestions {
        items,
        already_annotated: 0,
        rejected_before,
        truncated,
    })
}

/// Precision and recall of one class in a cross-validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScore {
    /// The class.
    pub class: String,
    /// Examples of it.
    pub support: usize,
    /// Of the examples predicted as it, the share that were.
    pub precision: f64,
    /// Of its examples, the share predicted as it.
    pub recall: f64,
}

/// `k`-fold cross-validation (examples dealt round-robin into folds): per-class precision and
/// recall, sorted by class.
pub fn cross_validate(examples: &[Example], k: usize) -> Vec<ClassScore> {
    let mut classes: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    classes.sort();
    classes.dedup();
    let mut tp: HashMap<&str, usize> = HashMap::new();
    let mut predicted: HashMap<String, usize> = HashMap::new();
    let k = k.max(2);
    for fold in 0..k {
        let train: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % k != fold)
            .map(|(_, e)| e.clone())
            .collect();
        let Some(model) = Model::train(&train) else {
            continue;
        };
        for e in examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % k == fold)
            .map(|(_, e)| e)
        {
            let (class, _) = model.predict(&e.text);
            *predicted.entry(class.to_owned()).or_default() += 1;
            if class == e.label {
                *tp.entry(e.label.as_str()).or_default() += 1;
            }
        }
    }
    classes
        .iter()
        .map(|c| {
            let support = examples.iter().filter(|e| &e.label == c).count();
            let hit = tp.get(c.as_str()).copied().unwrap_or(0) as f64;
            let said = predicted.get(c).copied().unwrap_or(0) as f64;
            ClassScore {
                class: c.clone(),
                support,
                precision: if said > 0.0 { hit / said } else { 0.0 },
                recall: if support > 0 {
                    hit / support as f64
                } else {
                    0.0
                },
            }
        })
        .collect()
}

/// Reads labelled examples: one per line, `label<TAB>sentence`; `#` lines and blank lines are
/// skipped.
pub fn read_labelled(text: &str) -> Result<Vec<Example>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let (label, sentence) = l
                .split_once('\t')
                .ok_or_else(|| format!("line {}: expected label<TAB>sentence", n + 1))?;
            Ok(Example {
                text: sentence.trim().to_owned(),
                label: label.trim().to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(label: &str, text: &str) -> Example {
        Example {
            text: text.to_owned(),
            label: label.to_owned(),
        }
    }

    #[test]
    fn the_model_learns_words_that_mark_a_class_and_its_probabilities_sum_to_one() {
        let examples = vec![
            ex(
                "security",
                "Export controls protect national security from misuse.",
            ),
            ex(
                "security",
                "Adversaries could misuse the weights for cyber attacks.",
            ),
            ex(
                "regulation",
                "The regulation requires providers to register the system.",
            ),
            ex(
                "regulation",
                "Member States shall designate a market surveillance authority.",
            ),
            ex(NO_STANCE, "The weather was fine on Tuesday."),
            ex(NO_STANCE, "She travelled to Brussels by train."),
        ];
        let model = Model::train(&examples).unwrap();
        let p = model.probabilities("misuse and cyber attacks threaten national security");
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(
            model
                .predict("misuse and cyber attacks threaten national security")
                .0,
            "security"
        );
        assert_eq!(
            model
                .predict("providers shall register with the authority")
                .0,
            "regulation"
        );
        assert!(
            Model::train(&examples[..2]).is_none(),
            "one class teaches nothing"
        );
    }

    #[test]
    fn examples_come_from_coded_articles_with_unannotated_sentences_as_no_stance() {
        use crate::core::model::{Annotation, Article};
        use std::sync::Arc;
        let mut p = Project::new("t");
        let coded = Arc::new(Article::new(
            "A",
            "Export controls matter. The sky is blue. Rules apply.",
        ));
        let uncoded = Arc::new(Article::new("B", "Nothing coded here."));
        p.articles.push(coded.clone());
        p.articles.push(uncoded);
        p.push_annotation(Arc::new(Annotation::new(
            coded.id,
            TextRange { start: 0, end: 15 },
            "Export controls".to_owned(),
            StanceId::new("security"),
            String::new(),
            Default::default(),
        )));
        let rejection = |start, end| crate::core::model::Rejection {
            id: uuid::Uuid::new_v4(),
            article: coded.id,
            range: TextRange { start, end },
            quote: String::new(),
            stance: StanceId::new("regulation"),
            analyst: crate::core::model::AnalystId::unknown(),
            rejected: Default::default(),
        };
        // The second overlaps the annotation: the coding wins, it is no example.
        p.push_rejection(rejection(41, 53));
        p.push_rejection(rejection(0, 6));
        let got = examples_of(&p);
        let labels: Vec<(&str, &str)> = got
            .iter()
            .map(|e| (e.label.as_str(), e.text.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("security", "Export controls matter."),
                (NO_STANCE, "The sky is blue."),
                (NO_STANCE, "Rules apply."),
                (NO_STANCE, "Rules apply."),
            ]
        );
    }

    #[test]
    fn cross_validation_scores_each_class() {
        let mut examples = Vec::new();
        for i in 0..10 {
            examples.push(ex("a", &format!("alpha apple apricot {i}")));
            examples.push(ex("b", &format!("banana blueberry bean {i}")));
        }
        let scores = cross_validate(&examples, 5);
        assert_eq!(scores.len(), 2);
        for s in &scores {
            assert_eq!(s.support, 10);
            assert!(s.precision > 0.9 && s.recall > 0.9, "{s:?}");
        }
        assert!(read_labelled("security\tA sentence.\n# comment\n\nnone only").is_err());
        assert_eq!(read_labelled("x\tY.\n").unwrap(), vec![ex("x", "Y.")]);
    }

    #[test]
    fn on_the_hand_labelled_sentences_every_stance_is_learned_better_than_chance() {
        let text = include_str!("../../tests/fixtures/learn/labelled.tsv");
        let examples = read_labelled(text).unwrap();
        assert!(examples.len() >= 200, "{}", examples.len());
        let scores = cross_validate(&examples, 5);
        assert_eq!(scores.len(), 4);
        for s in &scores {
            let share = s.support as f64 / examples.len() as f64;
            // Better than guessing the class at its rate, in both precision and recall.
            assert!(
                s.precision > share && s.recall > share,
                "{s:?} (share {share:.2})"
            );
        }
    }
}
