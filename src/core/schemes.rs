//! The coding schemes a project can start from (or add): today's three stances, the Manifesto
//! Project's categories, the Comparative Agendas Project's policy topics, and one stance per
//! target (stance detection); and the order the code chooser lists codes in.
//!
//! Invariants: a template's stance ids are the same in every copy (`marpor-<code>`,
//! `marpor-domain1`, `cap-<code>`, `target-<slug>`), so two analysts who each add a template
//! separately code with the same ids; templates set no digit keys (a codebook has more codes
//! than keys); Manifesto domains are groups (never coded), CAP major topics are codes.

use std::cmp::Ordering;

use crate::core::model::{Rgb, Stance, StanceId, StanceScheme};

/// Where the Manifesto Project's coding instructions are (the category descriptions are theirs
/// and are not shipped).
pub const MANIFESTO_HANDBOOK: &str =
    "https://manifesto-project.wzb.eu/information/documents/handbooks";
/// Where the Comparative Agendas codebook is.
pub const CAP_CODEBOOK: &str = "https://www.comparativeagendas.net/pages/master-codebook";

const MARPOR_TSV: &str = include_str!("schemes/marpor.tsv");
const CAP_TSV: &str = include_str!("schemes/cap.tsv");

/// A scheme to start a project from or add to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// `pro-open-source`, `regulation`, `security` (a new project's default).
    Default,
    /// The Manifesto Project (MARPOR, handbook version 5): domains, categories, sub-categories.
    Manifesto,
    /// The Comparative Agendas Project's major topics and subtopics.
    Cap,
    /// One stance per named target, coded with the positions favour / against / none.
    StanceTarget(Vec<String>),
}

impl Template {
    /// The names the command line takes, in the order menus list them.
    pub const NAMES: [&'static str; 4] = ["default", "manifesto", "cap", "stance-target"];

    /// The template named `name` (`--template`), with the targets for `stance-target`.
    pub fn named(name: &str, targets: &[String]) -> Result<Self, String> {
        let targets: Vec<String> = targets
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        let template = match name.trim().to_lowercase().as_str() {
            "default" => Template::Default,
            "manifesto" | "marpor" => Template::Manifesto,
            "cap" | "comparative-agendas" => Template::Cap,
            "stance-target" => {
                if targets.is_empty() {
                    return Err(
                        "the stance-target template needs at least one --target (what a stance is taken towards)"
                            .into(),
                    );
                }
                return Ok(Template::StanceTarget(targets));
            }
            other => {
                return Err(format!(
                    "no template `{other}`: use one of {}",
                    Self::NAMES.join(", ")
                ));
            }
        };
        if !targets.is_empty() {
            return Err("--target goes with --template stance-target only".into());
        }
        Ok(template)
    }

    /// The name the command line takes (one of [`Self::NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            Template::Default => "default",
            Template::Manifesto => "manifesto",
            Template::Cap => "cap",
            Template::StanceTarget(_) => "stance-target",
        }
    }

    /// What menus call it.
    pub fn title(&self) -> &'static str {
        Self::title_of(self.name())
    }

    /// What menus call the template named `name` (one of [`Self::NAMES`]).
    pub fn title_of(name: &str) -> &'static str {
        match name {
            "manifesto" => "Manifesto Project (MARPOR, handbook version 5)",
            "cap" => "Comparative Agendas Project (policy topics)",
            "stance-target" => "Stance towards a target (favour / against / none)",
            _ => "Default stances (pro-open-source, regulation, security)",
        }
    }

    /// Its stances, parents before children.
    pub fn stances(&self) -> Vec<Stance> {
        match self {
            Template::Default => StanceScheme::default().0,
            Template::Manifesto => manifesto(),
            Template::Cap => cap(),
            Template::StanceTarget(targets) => stance_targets(targets),
        }
    }
}

/// The id a Manifesto code has in every project (`marpor-103.1`, `marpor-domain1`).
pub fn manifesto_id(code: &str) -> StanceId {
    StanceId::new(format!("marpor-{code}"))
}

/// The id a Comparative Agendas code has in every project (`cap-1704`).
pub fn cap_id(code: &str) -> StanceId {
    StanceId::new(format!("cap-{code}"))
}

/// The rows of a codebook file: (code, parent, kind, title).
fn rows(
    tsv: &'static str,
) -> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut cells = line.split('\t');
            let mut next = || cells.next().unwrap_or("").trim();
            (next(), next(), next(), next())
        })
}

/// A colour on the wheel: `hue` in turns, for the top level of a codebook; children take a
/// lighter shade of their parent's.
fn hue_color(hue: f32, lightness: f32) -> Rgb {
    let (s, l) = (0.55f32, lightness);
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let h = (hue.fract()) * 6.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb([byte(r), byte(g), byte(b)])
}

fn codebook(
    tsv: &'static str,
    id: fn(&str) -> StanceId,
    top_kind: &str,
    top_is_group: bool,
    source: &str,
) -> Vec<Stance> {
    let all: Vec<_> = rows(tsv).collect();
    let tops: Vec<&str> = all
        .iter()
        .filter(|r| r.2 == top_kind)
        .map(|r| r.0)
        .collect();
    let top_of = |code: &str| -> Option<usize> {
        let mut at = code;
        for _ in 0..4 {
            if let Some(i) = tops.iter().position(|t| *t == at) {
                return Some(i);
            }
            at = all.iter().find(|r| r.0 == at).map(|r| r.1)?;
        }
        None
    };
    all.iter()
        .map(|&(code, parent, kind, title)| {
            let depth = if kind == top_kind {
                0
            } else if tops.contains(&parent) {
                1
            } else {
                2
            };
            let color = match top_of(code) {
                Some(i) => hue_color(i as f32 / tops.len() as f32, 0.45 + 0.1 * depth as f32),
                None => Rgb([0x9e, 0x9e, 0x9e]),
            };
            let group = top_is_group && kind == top_kind;
            Stance {
                id: id(code),
                label: title.to_owned(),
                color,
                description: format!("{kind}; see {source}"),
                hotkey: None,
                parent: (!parent.is_empty()).then(|| id(parent)),
                // A domain is a heading, not a code of the codebook.
                code: (!group).then(|| code.to_owned()),
                group,
            }
        })
        .collect()
}

/// The Manifesto Project's scheme: 7 domains (groups), 000, 56 categories, 32 sub-categories.
pub fn manifesto() -> Vec<Stance> {
    let mut stances = codebook(
        MARPOR_TSV,
        manifesto_id,
        "domain",
        true,
        &format!("the Manifesto Project's coding handbook, version 5 ({MANIFESTO_HANDBOOK})"),
    );
    // Parents first: the file lists domains, 000, categories, then sub-categories.
    stances.sort_by_key(|s| if s.group { 0 } else { 1 });
    stances
}

/// The Comparative Agendas Project's 21 major topics (codes too) and their subtopics.
pub fn cap() -> Vec<Stance> {
    codebook(
        CAP_TSV,
        cap_id,
        "major topic",
        false,
        &format!("the Comparative Agendas master codebook ({CAP_CODEBOOK})"),
    )
}

/// One stance per target, `target-<slug>`.
fn stance_targets(targets: &[String]) -> Vec<Stance> {
    let mut scheme = StanceScheme(Vec::new());
    for (i, target) in targets.iter().enumerate() {
        let slug = StanceScheme(Vec::new()).unique_id_for(target);
        let mut id = StanceId::new(format!("target-{slug}"));
        let mut n = 2;
        while scheme.get(&id).is_some() {
            id = StanceId::new(format!("target-{slug}-{n}"));
            n += 1;
        }
        scheme.0.push(Stance {
            id,
            label: target.clone(),
            color: hue_color(i as f32 * 0.618_034, 0.45),
            description: format!(
                "Stance towards {target}: code the passage, then its position: favour (+), against (-) or none (0)."
            ),
            hotkey: None,
            parent: None,
            code: None,
            group: false,
        });
    }
    scheme.0
}

/// A code's numeric order key: `103.1` → (103, 1), `1704` → (1704, 0); other text after
/// numbers.
fn numeric_key(code: &str) -> (u64, u64, String) {
    let mut parts = code.splitn(2, '.');
    let main = parts
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(u64::MAX);
    let sub = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (main, sub, code.to_owned())
}

/// Whether `needle` (lower case) starts a word of `haystack`.
fn starts_word(haystack: &str, needle: &str) -> bool {
    let lower = haystack.to_lowercase();
    lower.match_indices(needle).any(|(at, _)| {
        at == 0
            || !lower[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    })
}

/// The stances that can be coded matching what was typed in the code chooser, best first:
/// the exact code, then codes starting with it in numeric order, then labels with a word
/// starting with it, then labels containing it. Groups are left out; an empty query lists
/// every codable stance in scheme order.
pub fn rank_codes<'a>(scheme: &'a StanceScheme, query: &str) -> Vec<&'a Stance> {
    let q = query.trim().to_lowercase();
    let codable = scheme.0.iter().filter(|s| !s.group);
    if q.is_empty() {
        return codable.collect();
    }
    /// (tier, numeric code, place in the scheme, stance).
    type Scored<'s> = (u8, (u64, u64, String), usize, &'s Stance);
    let mut scored: Vec<Scored<'a>> = codable
        .enumerate()
        .filter_map(|(i, s)| {
            let code = s.code.as_deref().unwrap_or("").to_lowercase();
            let label = s.label.to_lowercase();
            let tier = if !code.is_empty() && code == q {
                0
            } else if !code.is_empty() && code.starts_with(&q) {
                1
            } else if starts_word(&s.label, &q) {
                2
            } else if label.contains(&q) {
                3
            } else {
                return None;
            };
            Some((tier, numeric_key(&code), i, s))
        })
        .collect();
    scored.sort_by(|a, b| match a.0.cmp(&b.0) {
        Ordering::Equal if a.0 <= 1 => a.1.cmp(&b.1),
        Ordering::Equal => a.2.cmp(&b.2),
        other => other,
    });
    scored.into_iter().map(|(_, _, _, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifesto_has_domains_categories_and_sub_categories() {
        let m = manifesto();
        assert_eq!(m.iter().filter(|s| s.group).count(), 7);
        let codes: Vec<&str> = m.iter().filter_map(|s| s.code.as_deref()).collect();
        // 000, 56 categories, 32 sub-categories.
        assert_eq!(codes.len(), 1 + 56 + 32);
        let sub = m
            .iter()
            .find(|s| s.code.as_deref() == Some("103.1"))
            .unwrap();
        assert_eq!(sub.id.as_str(), "marpor-103.1");
        assert_eq!(sub.parent, Some(manifesto_id("103")));
        let cat = m.iter().find(|s| s.id == manifesto_id("103")).unwrap();
        assert_eq!(cat.parent, Some(manifesto_id("domain1")));
        assert!(m.iter().all(|s| s.hotkey.is_none()));
        // Parents come before their children, and every parent exists.
        for (i, s) in m.iter().enumerate() {
            if let Some(p) = &s.parent {
                assert!(
                    m[..i].iter().any(|q| &q.id == p),
                    "{} before its parent",
                    s.id
                );
            }
        }
        let scheme = StanceScheme(m);
        let mut project = crate::core::model::Project::new("m");
        project.stances = scheme;
        assert!(project.validate().is_empty());
    }

    #[test]
    fn cap_major_topics_are_codes_with_subtopics() {
        let c = cap();
        assert_eq!(c.iter().filter(|s| s.parent.is_none()).count(), 21);
        assert_eq!(c.len(), 21 + 213);
        assert!(c.iter().all(|s| !s.group && s.code.is_some()));
        let tech = c.iter().find(|s| s.id == cap_id("1704")).unwrap();
        assert_eq!(tech.parent, Some(cap_id("17")));
    }

    #[test]
    fn templates_by_name_and_targets() {
        assert_eq!(Template::named("manifesto", &[]), Ok(Template::Manifesto));
        assert!(Template::named("stance-target", &[]).is_err());
        assert!(Template::named("cap", &["x".into()]).is_err());
        assert!(
            Template::named("nope", &[])
                .unwrap_err()
                .contains("manifesto")
        );
        let t = Template::named("stance-target", &["the AI Act".into(), "  ".into()]).unwrap();
        let stances = t.stances();
        assert_eq!(stances.len(), 1);
        assert_eq!(stances[0].id.as_str(), "target-the-ai-act");
        assert!(stances[0].description.contains("favour"));
        assert_eq!(Template::Default.stances(), StanceScheme::default().0);
    }

    #[test]
    fn code_chooser_orders_exact_prefix_word_start_then_substring() {
        let scheme = StanceScheme(manifesto());
        let codes = |q: &str| -> Vec<String> {
            rank_codes(&scheme, q)
                .iter()
                .map(|s| s.code.clone().unwrap_or_default())
                .collect()
        };
        let r = codes("41");
        assert_eq!(
            &r[..8],
            ["410", "411", "412", "413", "414", "415", "416", "416.1"]
        );
        assert_eq!(codes("103")[..3], ["103", "103.1", "103.2"]);
        assert_eq!(codes("103.1")[0], "103.1");
        // Word start before substring: "tech" starts "Technology and Infrastructure" (411).
        let tech = rank_codes(&scheme, "tech");
        assert_eq!(tech[0].code.as_deref(), Some("411"));
        // Domains never offered.
        assert!(rank_codes(&scheme, "").iter().all(|s| !s.group));
        assert!(rank_codes(&scheme, "external").is_empty());
        let cap = StanceScheme(cap());
        let r: Vec<_> = rank_codes(&cap, "17")
            .iter()
            .map(|s| s.code.clone().unwrap())
            .collect();
        assert_eq!(&r[..3], ["17", "1700", "1701"]);
    }
}
