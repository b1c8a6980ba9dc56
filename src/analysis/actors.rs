//! Who might hold a passage's stance: names for the actor field's type-ahead and proposed
//! actors for annotations that name none.
//!
//! A passage's *sentences* are the sentences it overlaps ([`crate::core::text::sentences_of`]).
//! Names found there: runs of capitalised words (with `of`, `for`, `the`, `de`, `von`… between
//! them), not a lone sentence-initial word unless it is a known actor. A proposal is, in this
//! order: the actor named by a reporting phrase ("X said", "X argues", "according to X",
//! "X warned"…), else the known actor (name or alias) mentioned nearest the passage.

use crate::core::actors::{ActorId, name_key};
use crate::core::model::{Annotation, Project};
use crate::core::text;

/// One row of the actor field's type-ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What is shown and typed in.
    pub name: String,
    /// The known actor it is (`None`: a new name from the text).
    pub actor: Option<ActorId>,
}

/// Words that may sit between the capitalised words of a name.
const NAME_JOINERS: [&str; 10] = [
    "of", "for", "the", "de", "von", "van", "der", "la", "le", "and",
];

/// Verbs of saying after a name ("X said") and phrases before one ("according to X").
const REPORTING_AFTER: [&str; 18] = [
    "said",
    "says",
    "argued",
    "argues",
    "warned",
    "warns",
    "stated",
    "states",
    "claimed",
    "claims",
    "told",
    "added",
    "insisted",
    "insists",
    "wrote",
    "writes",
    "cautioned",
    "cautions",
];
const REPORTING_BEFORE: [&str; 3] = ["according to", "said", "says"];

/// The text of the sentences `ann` overlaps, and where it starts (code points).
fn sentence_text(project: &Project, ann: &Annotation) -> Option<(String, usize)> {
    let article = project.article(ann.article)?;
    // Only the lines the passage is on are split into sentences (a sentence never crosses a
    // line): a long article is not split whole for every passage selected.
    let full = &article.text;
    let byte_of = |c: usize| full.char_indices().nth(c).map_or(full.len(), |(b, _)| b);
    let (start_byte, end_byte) = (byte_of(ann.range.start), byte_of(ann.range.end));
    let line_start = full[..start_byte].rfind('\n').map_or(0, |i| i + 1);
    let line_end = full[end_byte..]
        .find('\n')
        .map_or(full.len(), |i| end_byte + i);
    let base = ann.range.start - full[line_start..start_byte].chars().count();
    let sentences: Vec<crate::core::model::TextRange> =
        text::sentences_of(&full[line_start..line_end])
            .into_iter()
            .map(|s| crate::core::model::TextRange {
                start: s.start + base,
                end: s.end + base,
            })
            .collect();
    let first = sentences.iter().find(|s| s.end > ann.range.start)?;
    let last = sentences
        .iter()
        .rev()
        .find(|s| s.start < ann.range.end.max(ann.range.start + 1))
        .unwrap_or(first);
    let range = crate::core::model::TextRange {
        start: first.start.min(ann.range.start),
        end: last.end.max(ann.range.end),
    };
    Some((
        text::slice_chars(&article.text, range).to_owned(),
        range.start,
    ))
}

/// Capitalised words that start sentences without naming anyone.
const SENTENCE_OPENERS: [&str; 24] = [
    "the", "a", "an", "this", "that", "these", "those", "in", "on", "at", "but", "and", "as",
    "while", "when", "if", "for", "to", "it", "its", "our", "we", "they", "later",
];

/// Capitalised names in `text`, each once, in order, with their start (code points). A lone
/// capitalised word that starts a sentence ("Greenpeace disagrees.", but also "Recent moves…")
/// is only kept with `sentence_starts`.
pub fn names_in(text: &str) -> Vec<(String, usize)> {
    names_in_with(text, false)
}

fn names_in_with(text: &str, sentence_starts: bool) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<(usize, &str)> = word_spans(text);
    // Whether only white space lies between word `k` and the next.
    let joined = |k: usize| -> bool {
        let (start, w) = words[k];
        let end = start + w.chars().count();
        words
            .get(k + 1)
            .is_some_and(|(next, _)| chars[end..*next].iter().all(|c| *c == ' '))
    };
    let mut i = 0;
    while i < words.len() {
        let (start, w) = words[i];
        let sentence_initial = {
            let before: String = chars[..start].iter().collect();
            let before = before.trim_end();
            before.is_empty() || before.ends_with(['.', '!', '?', ':', '“', '"'])
        };
        if !is_capitalised(w)
            || (sentence_initial && SENTENCE_OPENERS.contains(&w.to_lowercase().as_str()))
        {
            i += 1;
            continue;
        }
        let mut end = i;
        let mut j = i + 1;
        while j < words.len() && joined(j - 1) {
            let (_, next) = words[j];
            if is_capitalised(next) {
                end = j;
                j += 1;
            } else if NAME_JOINERS.contains(&next.to_lowercase().as_str())
                && joined(j)
                && words.get(j + 1).is_some_and(|(_, n)| is_capitalised(n))
            {
                j += 1;
            } else {
                break;
            }
        }
        let name = words[i..=end]
            .iter()
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(" ");
        let name = name
            .trim_end_matches("'s")
            .trim_end_matches("’s")
            .to_owned();
        let lone_opener = sentence_initial && end == i && !sentence_starts;
        let seen = out.iter().any(|(n, _)| name_key(n) == name_key(&name));
        if !lone_opener && !seen {
            out.push((name, start));
        }
        i = end + 1;
    }
    out
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase) && word.chars().count() > 1
}

/// The words of `text` (letters, digits, apostrophes, hyphens) with their start in code points.
fn word_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (char index, byte index)
    for (ci, (bi, c)) in text.char_indices().enumerate() {
        let part = c.is_alphanumeric() || ((c == '\'' || c == '’' || c == '-') && start.is_some());
        match (part, start) {
            (true, None) => start = Some((ci, bi)),
            (false, Some((cs, bs))) => {
                out.push((cs, &text[bs..bi]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some((cs, bs)) = start {
        out.push((cs, &text[bs..]));
    }
    out
}

/// The actor field's rows for `typed` on `ann`: known actors first (name or alias starting
/// with it, then containing it), then new names from the passage's sentences; at most
/// `limit`.
pub fn candidates(
    project: &Project,
    ann: &Annotation,
    typed: &str,
    limit: usize,
) -> Vec<Candidate> {
    let key = name_key(typed);
    let mut ranked: Vec<(u8, Candidate)> = Vec::new();
    for a in &project.actors.actors {
        let names = std::iter::once(&a.name).chain(&a.aliases);
        let rank = names
            .filter_map(|n| {
                let k = name_key(n);
                if key.is_empty() {
                    Some(2)
                } else if k.starts_with(&key) {
                    Some(0)
                } else if k.split(' ').any(|w| w.starts_with(&key)) {
                    Some(1)
                } else {
                    // Inside a word only once a few letters are typed ("e" is in most names).
                    (key.chars().count() >= 3 && k.contains(&key)).then_some(2)
                }
            })
            .min();
        if let Some(rank) = rank {
            ranked.push((
                rank,
                Candidate {
                    name: a.name.clone(),
                    actor: Some(a.id.clone()),
                },
            ));
        }
    }
    // Known actors mentioned in the sentence come first when nothing is typed.
    let sentence = sentence_text(project, ann);
    if key.is_empty()
        && let Some((text, _)) = &sentence
    {
        let lower = name_key(text);
        for (rank, c) in &mut ranked {
            let actor = c.actor.as_ref().and_then(|id| project.actors.get(id));
            if actor.is_some_and(|a| {
                std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .any(|n| contains_name(&lower, &name_key(n)))
            }) {
                *rank = 1;
            }
        }
    }
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let mentioned = key.is_empty() && ranked.first().is_some_and(|r| r.0 == 1);
    let mut out: Vec<Candidate> = ranked.into_iter().map(|(_, c)| c).collect();
    // An op-ed's own argument is its author's: the article's author is offered (first when
    // nothing is typed and the sentence names no known actor).
    if let Some(author) = project
        .article(ann.article)
        .and_then(|a| a.meta.author.clone())
        .filter(|a| !a.trim().is_empty() && a.chars().count() <= 80)
    {
        let k = name_key(&author);
        let fits =
            key.is_empty() || k.starts_with(&key) || k.split(' ').any(|w| w.starts_with(&key));
        if fits {
            let known = project.actors.find(&author).map(|a| a.id.clone());
            out.retain(|c| name_key(&c.name) != k);
            // After a known actor the sentence mentions, or after the known actors that match
            // what is typed; else first.
            let at = if mentioned {
                1
            } else if key.is_empty() {
                0
            } else {
                out.iter().take_while(|c| c.actor.is_some()).count()
            };
            out.insert(
                at.min(out.len()),
                Candidate {
                    name: known.as_ref().map_or_else(
                        || author.trim().to_owned(),
                        |id| project.actors.name(id).to_owned(),
                    ),
                    actor: known,
                },
            );
        }
    }
    if let Some((text, _)) = sentence {
        // Once something is typed, a lone word opening a sentence may be the name sought.
        for (name, _) in names_in_with(&text, !key.is_empty()) {
            if project.actors.find(&name).is_some() {
                continue;
            }
            let k = name_key(&name);
            if key.is_empty() || k.starts_with(&key) || k.split(' ').any(|w| w.starts_with(&key)) {
                out.push(Candidate { name, actor: None });
            }
        }
    }
    out.truncate(limit);
    out
}

/// Whether `name` occurs in `text` as whole words (both already [`name_key`]ed).
fn contains_name(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A proposed actor for an annotation: who, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The name (a known actor's name, or a new one).
    pub name: String,
    /// The known actor, if it is one.
    pub actor: Option<ActorId>,
    /// Why: the phrase that names them.
    pub reason: String,
}

/// Who probably holds the stance of `ann` (see the module docs); `None` when the sentences
/// name no one.
pub fn propose(project: &Project, ann: &Annotation) -> Option<Proposal> {
    let (sentence, offset) = sentence_text(project, ann)?;
    let names = names_in_with(&sentence, true);
    let lower: String = sentence.to_lowercase();
    // A reporting phrase: a name followed by a verb of saying, or "according to" a name.
    for (name, start) in &names {
        let end = start + name.chars().count();
        let after: String = sentence
            .chars()
            .skip(end)
            .take(24)
            .collect::<String>()
            .to_lowercase();
        let before: String = {
            let b: String = sentence.chars().take(*start).collect();
            b.chars()
                .rev()
                .take(20)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
                .to_lowercase()
        };
        let said_after = after
            .trim_start_matches([',', ' '])
            .split_whitespace()
            .next()
            .is_some_and(|w| {
                REPORTING_AFTER.contains(&w.trim_matches(|c: char| !c.is_alphabetic()))
            });
        let lead = before.trim_end();
        let lead = lead.strip_suffix(" the").unwrap_or(lead);
        let said_before = REPORTING_BEFORE.iter().any(|p| lead.ends_with(p));
        if said_after || said_before {
            let known = project.actors.find(name);
            return Some(Proposal {
                name: known.map_or_else(|| name.clone(), |a| a.name.clone()),
                actor: known.map(|a| a.id.clone()),
                reason: if said_before {
                    format!("“…{} {name}”", before.trim())
                } else {
                    format!(
                        "“{name} {}…”",
                        after.split_whitespace().next().unwrap_or("")
                    )
                },
            });
        }
    }
    // Else the known actor mentioned nearest the passage.
    let passage_mid = (ann.range.start + ann.range.end) / 2;
    let key = name_key(&lower);
    project
        .actors
        .actors
        .iter()
        .filter_map(|a| {
            std::iter::once(&a.name)
                .chain(&a.aliases)
                .filter_map(|n| {
                    let nk = name_key(n);
                    if !contains_name(&key, &nk) {
                        return None;
                    }
                    let at = lower.find(&n.to_lowercase())?;
                    let at = offset + lower[..at].chars().count();
                    Some((at.abs_diff(passage_mid), n.clone()))
                })
                .min()
                .map(|(d, n)| (d, a, n))
        })
        .min_by_key(|(d, a, _)| (*d, a.id.clone()))
        .map(|(_, a, n)| Proposal {
            name: a.name.clone(),
            actor: Some(a.id.clone()),
            reason: format!("“{n}” in the sentence"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::actors::ActorKind;
    use crate::core::model::{Article, StanceId, TextRange};

    fn project(text: &str, passage: &str) -> (Project, Annotation) {
        let mut p = Project::new("t");
        let a = Article::new("a", text);
        let start = text[..text.find(passage).unwrap()].chars().count();
        let ann = Annotation::new(
            a.id,
            TextRange {
                start,
                end: start + passage.chars().count(),
            },
            passage.to_owned(),
            StanceId::new("regulation"),
            "x",
            chrono::Utc::now(),
        );
        p.articles.push(a.into());
        p.push_annotation(ann.clone());
        (p, ann)
    }

    #[test]
    fn names_are_capitalised_runs_not_sentence_starts() {
        let names: Vec<String> = names_in(
            "Technology leaders Kevin Xu and a co-author warn. The Bank of England's governor agreed with Brussels.",
        )
        .into_iter()
        .map(|(n, _)| n)
        .collect();
        assert_eq!(names, ["Kevin Xu", "Bank of England", "Brussels"]);
    }

    #[test]
    fn an_op_eds_author_is_offered_first_unless_the_sentence_names_a_known_actor() {
        let (mut p, ann) = project(
            "Open models help everyone. They are safe.",
            "Open models help everyone",
        );
        std::sync::Arc::make_mut(&mut p.articles[0]).meta.author = Some("Kevin Xu".to_owned());
        let c = candidates(&p, &ann, "", 5);
        assert_eq!(
            c[0],
            Candidate {
                name: "Kevin Xu".to_owned(),
                actor: None
            }
        );
        let mut xu = p.actors.new_actor("Kevin Xu", ActorKind::Person);
        xu.aliases.push("Xu".into());
        p.actors.actors.push(xu.clone());
        let c = candidates(&p, &ann, "", 5);
        assert_eq!(
            c[0].actor,
            Some(xu.id.clone()),
            "the author as the known actor"
        );
        assert_eq!(c.iter().filter(|c| c.name == "Kevin Xu").count(), 1);
        assert!(candidates(&p, &ann, "zz", 5).is_empty());
    }

    #[test]
    fn reporting_phrases_and_known_actors_make_proposals() {
        let (p, ann) = project(
            "Taxes must rise, the minister said. Later, Jane Doe argued that cuts help.",
            "cuts help",
        );
        let proposal = propose(&p, &ann).unwrap();
        assert_eq!(proposal.name, "Jane Doe");
        assert!(proposal.actor.is_none());
        let (p, ann) = project(
            "Growth matters, according to the European Commission, more than debt.",
            "Growth matters",
        );
        assert_eq!(propose(&p, &ann).unwrap().name, "European Commission");
        // A known actor by alias, without a reporting phrase.
        let (mut p, ann) = project("Washington wants rules for AI labs.", "rules for AI labs");
        let mut gov = p.actors.new_actor("US government", ActorKind::Organisation);
        gov.aliases.push("Washington".into());
        p.actors.actors.push(gov.clone());
        let proposal = propose(&p, &ann).unwrap();
        assert_eq!(proposal.actor, Some(gov.id.clone()));
        // The type-ahead: the known actor mentioned first, then new names; typing filters.
        let c = candidates(&p, &ann, "", 5);
        assert_eq!(c[0].actor, Some(gov.id.clone()));
        assert!(c.iter().any(|c| c.name == "AI" || c.name.starts_with("AI")) || c.len() == 1);
        let c = candidates(&p, &ann, "wash", 5);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "US government");
        // One letter matches word starts only, not letters inside names.
        assert!(
            candidates(&p, &ann, "v", 5).is_empty(),
            "no word starts with v"
        );
        assert_eq!(candidates(&p, &ann, "gov", 5)[0].name, "US government");
        let (p, ann) = project("Nothing here names anyone.", "names anyone");
        assert!(propose(&p, &ann).is_none());
    }
}
