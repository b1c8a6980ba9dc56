//! Who holds a stance: the project's actors (persons and organisations) and the positions
//! annotations take towards their stance.
//!
//! Invariants:
//! - actor ids are unique slugs (stable across renames, used as file names in the project
//!   folder);
//! - a person's `organisation`, when set, names an organisation of the book (never a person,
//!   never itself);
//! - a position is an integer: without a scale −1 / 0 / +1 (opposes / neutral / supports), with
//!   one any integer of `min..=max`.

use serde::{Deserialize, Serialize};

use super::model::{AnalystId, Rgb};

/// Identifies an actor: a readable slug of the name (`european-commission`), stable across
/// renames.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActorId(pub String);

impl ActorId {
    /// Wraps a slug as an actor id.
    pub fn new(slug: impl Into<String>) -> Self {
        Self(slug.into())
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ActorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person or an organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A person (may belong to an organisation).
    #[default]
    Person,
    /// An organisation (a ministry, a firm, an NGO, a party).
    Organisation,
}

impl ActorKind {
    /// The word shown in the window and written to exports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organisation => "organisation",
        }
    }
}

/// Someone who holds stances in the texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an actor (an object with id, name and kind)")]
pub struct Actor {
    /// Stable slug.
    pub id: ActorId,
    /// Display name.
    pub name: String,
    /// Person or organisation.
    #[serde(default)]
    pub kind: ActorKind,
    /// One of the project's actor types (government, business, NGO…); empty when unset.
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub actor_type: String,
    /// Other names the actor goes by (found in texts, typed in the actor field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Colour of its node in networks.
    pub color: Rgb,
    /// Free notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// For a person: the organisation they speak for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<ActorId>,
}

impl Actor {
    /// Whether `name` is this actor's name or one of its aliases (case and spacing aside).
    pub fn answers_to(&self, name: &str) -> bool {
        let key = name_key(name);
        !key.is_empty()
            && (name_key(&self.name) == key || self.aliases.iter().any(|a| name_key(a) == key))
    }
}

/// A name compared as names are: lower case, runs of white space as one space.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A project-defined position scale, e.g. −2…+2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionScale {
    /// The most opposed position.
    pub min: i32,
    /// The most supportive position.
    pub max: i32,
}

/// The actor types a new project offers (the user edits the list).
pub const DEFAULT_ACTOR_TYPES: [&str; 8] = [
    "government",
    "parliament",
    "party",
    "business",
    "NGO",
    "union",
    "academia",
    "media",
];

/// Colours given to actors in the order they are added.
const ACTOR_COLORS: [[u8; 3]; 10] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0x7f, 0x7f, 0x7f],
    [0xbc, 0xbd, 0x22],
    [0x17, 0xbe, 0xcf],
];

/// The actors of a project, the types they may have and the position scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorBook {
    /// The actors, in the order they were added.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// The actor types the project uses (the user's list).
    #[serde(default)]
    pub types: Vec<String>,
    /// The position scale; `None`: supports / neutral / opposes (+1 / 0 / −1).
    #[serde(default)]
    pub scale: Option<PositionScale>,
}

impl Default for ActorBook {
    fn default() -> Self {
        Self {
            actors: Vec::new(),
            types: DEFAULT_ACTOR_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            scale: None,
        }
    }
}

impl ActorBook {
    /// True when nothing differs from a new project's book (left out of files).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The actor with this id.
    pub fn get(&self, id: &ActorId) -> Option<&Actor> {
        self.actors.iter().find(|a| &a.id == id)
    }

    /// The display name of an actor (the id for one missing from the book).
    pub fn name<'a>(&'a self, id: &'a ActorId) -> &'a str {
        self.get(id).map_or(id.as_str(), |a| a.name.as_str())
    }

    /// The actor a name stands for: by name first, then by alias (case and spacing aside).
    pub fn find(&self, name: &str) -> Option<&Actor> {
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        self.actors
            .iter()
            .find(|a| name_key(&a.name) == key)
            .or_else(|| {
                self.actors
                    .iter()
                    .find(|a| a.aliases.iter().any(|x| name_key(x) == key))
            })
    }

    /// A new actor for `name` (not yet in the book; runs of white space become one space):
    /// its id is the name's slug, with `-2`, `-3`… when taken; the colour is the next of a
    /// fixed palette.
    pub fn new_actor(&self, name: &str, kind: ActorKind) -> Actor {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = name.as_str();
        let base = AnalystId::slug_of(name);
        let base = if base == "analyst" && !name.to_lowercase().contains("analyst") {
            "actor".to_owned()
        } else {
            base
        };
        let taken = |id: &str| self.actors.iter().any(|a| a.id.0 == id);
        let id = if taken(&base) {
            (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !taken(c))
                .unwrap_or(base)
        } else {
            base
        };
        Actor {
            id: ActorId(id),
            name: name.to_owned(),
            kind,
            actor_type: String::new(),
            aliases: Vec::new(),
            color: Rgb(ACTOR_COLORS[self.actors.len() % ACTOR_COLORS.len()]),
            notes: String::new(),
            organisation: None,
        }
    }

    /// The positions an annotation may take, most supportive first.
    pub fn positions(&self) -> Vec<i32> {
        match self.scale {
            Some(PositionScale { min, max }) => (min..=max).rev().collect(),
            None => vec![1, 0, -1],
        }
    }

    /// Whether `position` is one of [`Self::positions`].
    pub fn allows(&self, position: i32) -> bool {
        match self.scale {
            Some(PositionScale { min, max }) => (min..=max).contains(&position),
            None => (-1..=1).contains(&position),
        }
    }

    /// How a position reads: supports / neutral / opposes, or the signed number of a scale.
    pub fn position_label(&self, position: i32) -> String {
        match self.scale {
            None => position_word(position).to_owned(),
            Some(_) if position > 0 => format!("+{position}"),
            Some(_) => position.to_string(),
        }
    }

    /// The organisation an actor counts for at organisation level: a person's organisation,
    /// else the actor itself (an organisation, or a person without one).
    pub fn organisation_level<'a>(&'a self, id: &'a ActorId) -> &'a ActorId {
        self.get(id)
            .and_then(|a| a.organisation.as_ref())
            .filter(|org| self.get(org).is_some())
            .unwrap_or(id)
    }

    /// What is wrong with the book, in words (broken organisation links, duplicate ids).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.actors {
            if !seen.insert(&a.id) {
                out.push(format!("actor `{}` appears twice", a.id));
            }
            if let Some(org) = &a.organisation {
                match self.get(org) {
                    None => out.push(format!(
                        "actor `{}` belongs to `{org}`, which is not an actor of the project",
                        a.id
                    )),
                    Some(o) if o.kind != ActorKind::Organisation || o.id == a.id => {
                        out.push(format!(
                            "actor `{}` belongs to `{org}`, which is not an organisation",
                            a.id
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(PositionScale { min, max }) = self.scale
            && min >= max
        {
            out.push(format!("the position scale {min}…{max} is empty"));
        }
        out
    }
}

/// supports / neutral / opposes for +1 / 0 / −1 (the sign of other values).
pub fn position_word(position: i32) -> &'static str {
    match position.signum() {
        1 => "supports",
        -1 => "opposes",
        _ => "neutral",
    }
}

/// The position a word or number stands for: `supports`/`yes`/`+`/`1` … `opposes`/`no`/`-`,
/// `neutral`/`0`, or a signed integer.
pub fn parse_position(text: &str) -> Option<i32> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "supports" | "support" | "yes" | "agree" | "for" | "favour" | "favor" | "+" | "true" => {
            Some(1)
        }
        "opposes" | "oppose" | "no" | "disagree" | "against" | "-" | "false" => Some(-1),
        "neutral" | "none" | "0" => Some(0),
        _ => t.strip_prefix('+').unwrap_or(&t).parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_actors_get_unique_slugs_and_names_match_aliases() {
        let mut book = ActorBook::default();
        let a = book.new_actor("European Commission", ActorKind::Organisation);
        assert_eq!(a.id.as_str(), "european-commission");
        book.actors.push(a);
        let b = book.new_actor("European  Commission", ActorKind::Organisation);
        assert_eq!(b.id.as_str(), "european-commission-2");
        book.actors[0].aliases.push("the Commission".into());
        assert_eq!(
            book.find("THE commission").map(|a| a.id.as_str()),
            Some("european-commission")
        );
        assert!(book.find("  ").is_none());
        assert_eq!(book.new_actor("!!", ActorKind::Person).id.as_str(), "actor");
    }

    #[test]
    fn positions_follow_the_scale() {
        let mut book = ActorBook::default();
        assert_eq!(book.positions(), vec![1, 0, -1]);
        assert_eq!(book.position_label(-1), "opposes");
        assert!(!book.allows(2));
        book.scale = Some(PositionScale { min: -2, max: 2 });
        assert_eq!(book.positions(), vec![2, 1, 0, -1, -2]);
        assert_eq!(book.position_label(2), "+2");
        assert!(book.allows(-2) && !book.allows(3));
        assert_eq!(parse_position("Opposes"), Some(-1));
        assert_eq!(parse_position("+2"), Some(2));
        assert_eq!(parse_position("maybe"), None);
    }

    #[test]
    fn organisation_level_and_problems() {
        let mut book = ActorBook::default();
        let org = book.new_actor("Greenpeace", ActorKind::Organisation);
        book.actors.push(org.clone());
        let mut p = book.new_actor("Jane Doe", ActorKind::Person);
        p.organisation = Some(org.id.clone());
        book.actors.push(p.clone());
        let loner = book.new_actor("Bob", ActorKind::Person);
        book.actors.push(loner.clone());
        assert_eq!(book.organisation_level(&p.id), &org.id);
        assert_eq!(book.organisation_level(&loner.id), &loner.id);
        assert_eq!(book.organisation_level(&org.id), &org.id);
        assert!(book.problems().is_empty());
        book.actors[2].organisation = Some(p.id.clone());
        assert_eq!(book.problems().len(), 1, "{:?}", book.problems());
    }
}
