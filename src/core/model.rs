//! The project model: articles, the stance scheme and annotations.
//!
//! Invariants (checked by [`Project::validate`] on every load):
//! - every id is unique within its kind (the annotation and rejection stores refuse a second
//!   record with an id they hold);
//! - every annotation and rejection belongs to one analyst of the project's list;
//! - an annotation's range is a non-empty, half-open `[start, end)` range of **Unicode code
//!   points** (Rust `char`s, Python `str` indices) inside its article's text, and its `quote`
//!   equals that slice of the text;
//! - an annotation's stance exists in the scheme and its article exists in the project;
//! - article text is UTF-8 with `\n` line endings only (see [`crate::core::text::normalize_newlines`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::actors::{ActorBook, ActorId};
use super::store::{Layered, LayeredStore};
use crate::core::text;

/// Identifies an article within a project.
pub type ArticleId = Uuid;
/// Identifies an annotation within a project.
pub type AnnotationId = Uuid;
/// Identifies a rejected suggestion within a project.
pub type RejectionId = Uuid;

/// Identifies an analyst: a readable slug of the name (`dana`, `ana-lopez`), stable across
/// renames, used in file names of the project folder (`layers/dana/…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnalystId(pub String);

impl AnalystId {
    /// The reserved id of the curated gold layer.
    pub const GOLD: &'static str = "gold";
    /// The reserved id of annotations whose analyst was never recorded.
    pub const UNKNOWN: &'static str = "unknown";

    /// Wraps a slug as an analyst id.
    pub fn new(slug: impl Into<String>) -> Self {
        Self(slug.into())
    }

    /// The analyst of annotations made before analysts were recorded.
    pub fn unknown() -> Self {
        Self::new(Self::UNKNOWN)
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug of a name: lower case, Unicode letters and digits kept, every other run of
    /// characters one `-`, no `-` at either end; `analyst` when nothing is left.
    pub fn slug_of(name: &str) -> String {
        let mut out = String::new();
        for c in name.trim().chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let out = out.trim_end_matches('-');
        if out.is_empty() {
            "analyst".to_owned()
        } else {
            out.to_owned()
        }
    }

    /// True for the ids stancemark keeps for itself (`gold`, `unknown`).
    pub fn is_reserved(&self) -> bool {
        self.0 == Self::GOLD || self.0 == Self::UNKNOWN
    }

    /// The curated gold layer's analyst.
    pub fn gold() -> Self {
        Self::new(Self::GOLD)
    }

    /// True for the gold layer.
    pub fn is_gold(&self) -> bool {
        self.0 == Self::GOLD
    }
}

/// How a team codes the project: blind coding, which analysts marked which articles coded, and
/// who curates the gold layer. Empty for a project coded by one analyst.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "the team settings (blind, coded, curators)")]
pub struct Team {
    /// While on, each analyst sees only their own layer (and gold); suggestions and the
    /// classifier use only their own layer. Turned off to compare.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind: bool,
    /// The articles each analyst marked coded (finished), as (article, analyst).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub coded: BTreeSet<CodedMark>,
    /// The analysts who curate the gold layer (only they edit it).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub curators: BTreeSet<AnalystId>,
}

impl Team {
    /// True when nothing is set (a one-analyst project).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Whether `analyst` marked `article` coded.
    pub fn is_coded(&self, article: ArticleId, analyst: &AnalystId) -> bool {
        self.coded.contains(&CodedMark {
            article,
            analyst: analyst.clone(),
        })
    }
}

/// An analyst's mark that an article is coded (finished).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CodedMark {
    /// The article.
    pub article: ArticleId,
    /// Who finished it.
    pub analyst: AnalystId,
}

impl From<&str> for AnalystId {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl From<String> for AnalystId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl std::fmt::Display for AnalystId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Someone who codes: their annotations and rejections form their layer of each article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an analyst (an object with id, name and color)")]
pub struct Analyst {
    /// Stable slug ([`AnalystId::slug_of`] of the first name used).
    pub id: AnalystId,
    /// Display name.
    pub name: String,
    /// Colour of their layer in the window.
    pub color: Rgb,
}

/// Colours given to analysts in the order they join a project.
const ANALYST_COLORS: [[u8; 3]; 8] = [
    [0x8e, 0x44, 0xad],
    [0x16, 0xa0, 0x85],
    [0xd3, 0x54, 0x00],
    [0x29, 0x80, 0xb9],
    [0xc0, 0x39, 0x2b],
    [0x7f, 0x8c, 0x8d],
    [0xf3, 0x9c, 0x12],
    [0x27, 0xae, 0x60],
];

/// Identifies a stance: a short, stable slug such as `regulation`. Labels may change; ids do not,
/// so exports stay comparable across renames.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StanceId(pub String);

impl StanceId {
    /// Wraps a slug as a stance id.
    pub fn new(slug: impl Into<String>) -> Self {
        Self(slug.into())
    }

    /// The slug as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StanceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An sRGB colour, stored as `#rrggbb` in files so it reads well in RON, JSON and spreadsheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// `#rrggbb` form.
    pub fn to_hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Parses `#rrggbb` (the `#` is optional).
    pub fn from_hex(s: &str) -> Option<Self> {
        let s = s.strip_prefix('#').unwrap_or(s);
        if s.len() != 6 || !s.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).ok();
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Rgb::from_hex(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid colour {s:?}, expected #rrggbb"))
        })
    }
}

/// One category of the coding scheme, e.g. `regulation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "a stance (an object with id, label and color)")]
pub struct Stance {
    /// Stable slug; never shown as the label.
    pub id: StanceId,
    /// What the analyst sees.
    pub label: String,
    /// Highlight colour.
    pub color: Rgb,
    /// What the stance means, for consistent coding across analysts.
    #[serde(default)]
    pub description: String,
    /// Digit key `1`–`9` that applies this stance to the current selection.
    #[serde(default)]
    pub hotkey: Option<u8>,
    /// The stance this one refines (`security › supply chain`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<StanceId>,
    /// The codebook's code (`101`, `103.1`, `1704`), shown before the label and searched by
    /// the code chooser; `None` for stances of one's own (format 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A heading that groups stances but is never coded itself (the Manifesto Project's
    /// domains); format 10.
    #[serde(default, skip_serializing_if = "is_false")]
    pub group: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Stance {
    /// The label with the code before it (`103.1 Anti-Imperialism: …`), as lists show it.
    pub fn coded_label(&self) -> String {
        match &self.code {
            Some(code) => format!("{code} {}", self.label),
            None => self.label.clone(),
        }
    }
}

/// The stances of a project, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StanceScheme(pub Vec<Stance>);

impl Default for StanceScheme {
    /// The scheme every new project starts with: `pro-open-source`, `regulation`, `security`.
    fn default() -> Self {
        let stance = |id: &str, color: [u8; 3], description: &str, hotkey: u8| Stance {
            id: StanceId::new(id),
            label: id.to_owned(),
            color: Rgb(color),
            description: description.to_owned(),
            hotkey: Some(hotkey),
            parent: None,
            code: None,
            group: false,
        };
        Self(vec![
            stance(
                "pro-open-source",
                [46, 160, 67],
                "Argues for open-source development, openness or its benefits.",
                1,
            ),
            stance(
                "regulation",
                [52, 120, 246],
                "Describes, proposes or argues about government rules and oversight.",
                2,
            ),
            stance(
                "security",
                [230, 126, 34],
                "Raises national-security, safety or misuse concerns.",
                3,
            ),
        ])
    }
}

impl StanceScheme {
    /// The stance with this id.
    pub fn get(&self, id: &StanceId) -> Option<&Stance> {
        self.0.iter().find(|s| &s.id == id)
    }

    /// The stance bound to a digit hotkey.
    pub fn by_hotkey(&self, digit: u8) -> Option<&Stance> {
        self.0.iter().find(|s| s.hotkey == Some(digit))
    }

    /// The stance and its ancestors, nearest first (stops at a missing parent or a cycle).
    pub fn lineage(&self, id: &StanceId) -> Vec<&Stance> {
        let mut out: Vec<&Stance> = Vec::new();
        let mut next = self.get(id);
        while let Some(s) = next {
            if out.iter().any(|seen| seen.id == s.id) {
                break;
            }
            out.push(s);
            next = s.parent.as_ref().and_then(|p| self.get(p));
        }
        out
    }

    /// The label with its parents, outermost first: `security › supply chain`.
    pub fn path_label(&self, id: &StanceId) -> String {
        let mut labels: Vec<&str> = self.lineage(id).iter().map(|s| s.label.as_str()).collect();
        if labels.is_empty() {
            return id.to_string();
        }
        labels.reverse();
        labels.join(" › ")
    }

    /// The stances as a tree: each parent followed by its sub-stances (siblings in scheme
    /// order), with their depth; a stance whose parent is missing, or that sits in a parent
    /// cycle, is at the top level. Every stance appears once.
    pub fn tree(&self) -> Vec<(&Stance, usize)> {
        let mut out: Vec<(&Stance, usize)> = Vec::with_capacity(self.0.len());
        let mut stack: Vec<(&Stance, usize)> = self
            .0
            .iter()
            .filter(|s| s.parent.as_ref().is_none_or(|p| self.get(p).is_none()))
            .rev()
            .map(|s| (s, 0))
            .collect();
        let mut rest = self.0.iter();
        // Stances only reachable through a cycle start a tree of their own.
        while let Some((stance, depth)) = stack.pop().or_else(|| {
            rest.by_ref()
                .find(|s| !out.iter().any(|(o, _)| o.id == s.id))
                .map(|s| (s, 0))
        }) {
            if out.iter().any(|(o, _)| o.id == stance.id) {
                continue;
            }
            out.push((stance, depth));
            let children: Vec<&Stance> = self.children(Some(&stance.id)).collect();
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
        out
    }

    /// True when `candidate` may become `stance`'s parent: it exists, is not `stance` and is
    /// not one of its sub-stances (which would make a cycle).
    pub fn can_be_parent(&self, stance: &StanceId, candidate: &StanceId) -> bool {
        candidate != stance
            && self.get(candidate).is_some()
            && !self.lineage(candidate).iter().any(|s| &s.id == stance)
    }

    /// The stances whose parent is `parent` (`None`: the top level), in scheme order.
    pub fn children<'a>(
        &'a self,
        parent: Option<&'a StanceId>,
    ) -> impl Iterator<Item = &'a Stance> {
        self.0.iter().filter(move |s| s.parent.as_ref() == parent)
    }

    /// The lowest digit 1–9 not yet bound, for a newly added stance.
    pub fn free_hotkey(&self) -> Option<u8> {
        (1..=9).find(|d| self.by_hotkey(*d).is_none())
    }

    /// A slug derived from `label` that no stance uses yet (`my-stance`, `my-stance-2`, …).
    pub fn unique_id_for(&self, label: &str) -> StanceId {
        let mut base: String = label
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        while base.contains("--") {
            base = base.replace("--", "-");
        }
        let base = base.trim_matches('-');
        let base = if base.is_empty() { "stance" } else { base };
        let mut candidate = base.to_owned();
        let mut n = 2;
        while self.get(&StanceId::new(candidate.clone())).is_some() {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        StanceId::new(candidate)
    }
}

/// Bibliographic details of an article; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleMeta {
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<String>,
    /// Where it appeared (newspaper, journal, agency).
    #[serde(default)]
    pub outlet: Option<String>,
    /// Publication date as written by the analyst (free form, e.g. `2025-03-01`).
    #[serde(default)]
    pub date: Option<String>,
    /// Where it can be found online.
    #[serde(default)]
    pub url: Option<String>,
    /// The section of the outlet (DNA's document field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The kind of document (op-ed, bill, press release; DNA's document type).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Notes on the document (DNA's document notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl ArticleMeta {
    /// The date as networks and time charts read it (see [`parse_article_date`]); `None`
    /// when there is none or it is not of that form.
    pub fn when(&self) -> Option<NaiveDateTime> {
        self.date.as_deref().and_then(parse_article_date)
    }
}

/// Reads an article date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the first day of the year or
/// month for the shorter forms), optionally followed by a time `HH:MM[:SS]` (after `T` or a
/// space, with an optional `Z`), as UTC. Any other text is `None` (the article counts as
/// undated).
pub fn parse_article_date(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    let (date, time) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim_end_matches('Z'))),
        None => (t, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = number(parts.first()?, 4)? as i32;
    let month = match parts.get(1) {
        Some(m) => number(m, 2)?,
        None => 1,
    };
    let day = match parts.get(2) {
        Some(d) => number(d, 2)?,
        None => 1,
    };
    if parts.len() > 3 || (time.is_some() && parts.len() < 3) {
        return None;
    }
    let day = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = match time {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .ok()?,
    };
    Some(day.and_time(time))
}

/// A text under analysis. The full text is embedded so a project file is self-contained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an article (an object with id, title and text)")]
pub struct Article {
    /// Stable id.
    pub id: ArticleId,
    /// Display title.
    pub title: String,
    /// The file it was imported from, for reference only (the text never reloads silently).
    #[serde(default)]
    pub source_path: Option<String>,
    /// Author, outlet, date, URL.
    #[serde(default)]
    pub meta: ArticleMeta,
    /// How the text was made from the source file, so re-importing a new version makes it the
    /// same way. `None` for articles imported before this was recorded: their text is the
    /// source's UTF-8 as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportSettings>,
    /// Full text, UTF-8, `\n` line endings.
    pub text: String,
    /// The analyst's memo on the article as a whole (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub memo: String,
    /// The coding units the article is split into (sentences, quasi-sentences, headings),
    /// shared by every analyst; sorted, non-overlapping, non-empty; empty when the article is
    /// not unitised (format 10).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<Unit>,
}

/// One coding unit of an article: a (quasi-)sentence or a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(expecting = "a unit (an object with start and end)")]
pub struct Unit {
    /// First code point of the unit.
    pub start: usize,
    /// First code point after it.
    pub end: usize,
    /// A heading (coded `H` in Manifesto files) rather than a unit of text.
    #[serde(default, skip_serializing_if = "is_false")]
    pub heading: bool,
}

impl Unit {
    /// A unit of text over `range`.
    pub fn text(range: TextRange) -> Self {
        Self {
            start: range.start,
            end: range.end,
            heading: false,
        }
    }

    /// Its range.
    pub fn range(&self) -> TextRange {
        TextRange {
            start: self.start,
            end: self.end,
        }
    }
}

/// The kind of file an article's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Plain text, kept as it is (line ends normalised).
    Text,
    /// Markdown rendered to readable text (headings, lists, tables as lines; no markup).
    Markdown,
    /// A web page: the article body and its metadata.
    Html,
    /// A PDF's text layer in reading order.
    Pdf,
    /// A Word document (`.docx`).
    Docx,
    /// An OpenDocument text (`.odt`).
    Odt,
}

impl SourceFormat {
    /// For the formats read as text (text, Markdown, web pages), what a file of it is ("a
    /// text file"); `None` for the binary formats with readers of their own.
    pub fn text_kind(self) -> Option<&'static str> {
        match self {
            SourceFormat::Text => Some("a text file"),
            SourceFormat::Markdown => Some("a Markdown file"),
            SourceFormat::Html => Some("a web page"),
            SourceFormat::Pdf | SourceFormat::Docx | SourceFormat::Odt => None,
        }
    }

    /// The name shown to the user ("Markdown", "PDF"…).
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Markdown => "Markdown",
            SourceFormat::Html => "web page",
            SourceFormat::Pdf => "PDF",
            SourceFormat::Docx => "Word",
            SourceFormat::Odt => "OpenDocument",
        }
    }
}

/// How an article's text was made from its source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSettings {
    /// The source's kind.
    pub format: SourceFormat,
    /// The character encoding the source was read in (text and Markdown), e.g. `UTF-8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Whether hard-wrapped lines were joined into paragraphs.
    #[serde(default)]
    pub reflowed: bool,
}

impl ImportSettings {
    /// "read as PDF", "read as text, windows-1252, lines joined into paragraphs".
    pub fn describe(&self) -> String {
        let mut how = format!("read as {}", self.format.name());
        if let Some(e) = &self.encoding {
            how = format!("{how}, {e}");
        }
        if self.reflowed {
            how.push_str(", lines joined into paragraphs");
        }
        how
    }
}

impl Article {
    /// A new article with a fresh id; the text's line endings are normalised.
    pub fn new(title: impl Into<String>, text: &str) -> Self {
        Self {
            id: Uuid::new_v4(),
            title: title.into(),
            source_path: None,
            meta: ArticleMeta::default(),
            import: None,
            text: text::normalize_newlines(text),
            memo: String::new(),
            units: Vec::new(),
        }
    }

    /// Length of the text in code points (the unit of every offset).
    pub fn char_len(&self) -> usize {
        self.text.chars().count()
    }
}

/// A half-open range `[start, end)` of code-point offsets into an article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(expecting = "a range (an object with start and end)")]
pub struct TextRange {
    /// First code point included.
    pub start: usize,
    /// First code point after the range.
    pub end: usize,
}

impl TextRange {
    /// A range from two offsets in either order (a selection may be dragged backwards).
    pub fn ordered(a: usize, b: usize) -> Self {
        Self {
            start: a.min(b),
            end: a.max(b),
        }
    }

    /// Number of code points covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when nothing is covered.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// True when the two ranges share at least one code point.
    pub fn overlaps(&self, other: &TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A highlighted passage tagged with a stance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an annotation (an object with id, article, range, quote and stance)")]
pub struct Annotation {
    /// Stable id.
    pub id: AnnotationId,
    /// The article the passage belongs to.
    pub article: ArticleId,
    /// Code-point offsets into the article text.
    pub range: TextRange,
    /// The exact passage, `text[start..end]` in code points.
    pub quote: String,
    /// For an orphan: up to [`crate::core::anchor::CONTEXT_CHARS`] code points that came before its
    /// passage, to find it again (W3C `TextQuoteSelector.prefix`). Empty while the annotation
    /// is anchored: its context is then the article text around `range`, read when needed.
    #[serde(default)]
    pub prefix: String,
    /// For an orphan: the code points that came after its passage (`suffix`); empty otherwise.
    #[serde(default)]
    pub suffix: String,
    /// Set when the article text changed and the passage could not be found with confidence.
    /// An orphan keeps its quote and note; its range is only its last known place.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub orphaned: bool,
    /// The stance it is tagged with.
    pub stance: StanceId,
    /// The analyst's free-text note (may be empty).
    #[serde(default)]
    pub note: String,
    /// Whose work it is (one of the project's analysts).
    pub analyst: AnalystId,
    /// For a gold annotation: the curator who settled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curator: Option<AnalystId>,
    /// Who holds the stance in this passage (one of the project's actors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<ActorId>,
    /// The position towards the stance: +1 / 0 / −1 (supports / neutral / opposes) or a value
    /// of the project's scale; `None` when not coded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When its stance or note last changed.
    pub modified: DateTime<Utc>,
}

impl Annotation {
    /// A new annotation of `range` in `article` (whose text there is `quote`): a fresh id, no
    /// note, anchored (no stored context), made and modified `at`.
    pub fn new(
        article: ArticleId,
        range: TextRange,
        quote: String,
        stance: StanceId,
        analyst: impl Into<AnalystId>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: Uuid::new_v4(),
            article,
            range,
            quote,
            prefix: String::new(),
            suffix: String::new(),
            orphaned: false,
            stance,
            note: String::new(),
            analyst: analyst.into(),
            curator: None,
            actor: None,
            position: None,
            created: at,
            modified: at,
        }
    }
}

impl Layered for Annotation {
    fn id(&self) -> Uuid {
        self.id
    }
    fn article(&self) -> ArticleId {
        self.article
    }
    fn analyst(&self) -> &AnalystId {
        &self.analyst
    }
    fn range(&self) -> TextRange {
        self.range
    }
}

/// A suggested passage the analyst turned down: it is not offered again with that stance, and
/// the classifier learns from it as a passage without a stance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "a rejected suggestion (an object with article, range, quote and stance)")]
pub struct Rejection {
    /// Stable id.
    pub id: RejectionId,
    /// The article of the passage.
    pub article: ArticleId,
    /// The passage, in code points.
    pub range: TextRange,
    /// The passage's text when it was rejected (to find it again after a re-import).
    pub quote: String,
    /// The stance it was suggested with.
    pub stance: StanceId,
    /// Who rejected it.
    pub analyst: AnalystId,
    /// When.
    pub rejected: DateTime<Utc>,
}

impl Layered for Rejection {
    fn id(&self) -> Uuid {
        self.id
    }
    fn article(&self) -> ArticleId {
        self.article
    }
    fn analyst(&self) -> &AnalystId {
        &self.analyst
    }
    fn range(&self) -> TextRange {
        self.range
    }
}

/// One passage offered for tagging (by a pattern, similarity or the classifier), to accept as an
/// annotation or reject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The article.
    pub article: ArticleId,
    /// The passage, in code points.
    pub range: TextRange,
    /// The passage's text.
    pub quote: String,
    /// The stance it would be tagged with.
    pub stance: StanceId,
    /// How sure the source is, `0.0..=1.0` (similarity); `None` for pattern matches.
    pub confidence: Option<f32>,
}

/// The annotations of a project, indexed by id and by (article, analyst).
pub type Annotations = LayeredStore<Annotation>;
/// The rejected suggestions of a project, indexed like the annotations.
pub type Rejections = LayeredStore<Rejection>;

/// Everything an analyst works on: articles, a stance scheme, annotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "the project (name, stances, articles and annotations)")]
pub struct Project {
    /// Display name.
    pub name: String,
    /// The coding scheme.
    #[serde(default)]
    pub stances: StanceScheme,
    /// The articles, in the order the analyst arranged them. Shared (`Arc`) so a snapshot of
    /// the project for a background save costs a reference count per item, not a copy.
    #[serde(default)]
    pub articles: Vec<Arc<Article>>,
    /// The analysts whose work the project holds, in the order they joined.
    #[serde(default)]
    pub analysts: Vec<Analyst>,
    /// All annotations of all articles (shared like the articles), by id and by layer.
    #[serde(default)]
    pub annotations: Annotations,
    /// The analyst's memo on the project as a whole (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub memo: String,
    /// Suggestions the analysts rejected (see [`Rejection`]), by id and by layer.
    #[serde(default, skip_serializing_if = "LayeredStore::is_empty")]
    pub rejections: Rejections,
    /// How the team codes it (blind coding, coded marks, curators).
    #[serde(default, skip_serializing_if = "Team::is_default")]
    pub team: Team,
    /// Who holds the stances: actors, their types, the position scale.
    #[serde(default, skip_serializing_if = "ActorBook::is_default")]
    pub actors: ActorBook,
}

impl Default for Project {
    fn default() -> Self {
        Self::new("Untitled project")
    }
}

/// A broken record found by [`Project::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, in words an analyst can act on.
    pub message: String,
    /// The broken annotation, when the problem is one annotation's (it can be set aside).
    pub annotation: Option<AnnotationId>,
}

/// An article as validation needs it: its length and offsets.
struct ArticleCheck<'a> {
    article: &'a Article,
    len: usize,
    offsets: text::OffsetIndex,
}

impl ArticleCheck<'_> {
    /// What is wrong with `ann`'s range (and quote, when `check_quote`) in this article.
    fn check(&self, ann: &Annotation, check_quote: bool) -> Option<Problem> {
        if ann.orphaned {
            return None;
        }
        let (start, end) = (ann.range.start, ann.range.end);
        let message = if end < start {
            format!(
                "annotation {} has an inverted range {start}..{end} (its end comes before its start)",
                ann.id
            )
        } else if ann.range.is_empty() {
            format!("annotation {} has an empty range {start}..{end}", ann.id)
        } else if end > self.len {
            format!(
                "annotation {} has range {start}..{end} outside article \"{}\" ({} characters)",
                ann.id, self.article.title, self.len
            )
        } else if check_quote {
            let actual = self.offsets.slice(&self.article.text, ann.range);
            return (actual != ann.quote)
                .then(|| Problem::quote_mismatch(ann.id, &ann.quote, actual, ann.range));
        } else {
            return None;
        };
        Some(Problem::of(ann.id, message))
    }
}

impl Problem {
    /// A problem with one annotation (which can be set aside).
    pub fn of(annotation: AnnotationId, message: String) -> Self {
        Self {
            message,
            annotation: Some(annotation),
        }
    }

    /// A problem with the project as a whole (stances, articles).
    pub fn of_project(message: String) -> Self {
        Self {
            message,
            annotation: None,
        }
    }

    /// A stored quote that is not the article's text at the annotation's range.
    pub fn quote_mismatch(
        annotation: AnnotationId,
        stored: &str,
        actual: &str,
        range: TextRange,
    ) -> Self {
        Self {
            message: format!(
                "annotation {annotation} quotes {:?} but the article has {:?} at {}..{}",
                text::snippet(stored, 40),
                text::snippet(actual, 40),
                range.start,
                range.end
            ),
            annotation: Some(annotation),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Project {
    /// An empty project with the default stance scheme.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            stances: StanceScheme::default(),
            articles: Vec::new(),
            analysts: Vec::new(),
            annotations: Annotations::new(),
            memo: String::new(),
            rejections: Rejections::new(),
            team: Team::default(),
            actors: ActorBook::default(),
        }
    }

    /// A copy with only the layers `keep` accepts (annotations and rejections); for blind
    /// coding, and exports and figures of chosen analysts.
    pub fn only_layers(&self, keep: impl Fn(&AnalystId) -> bool) -> Project {
        let mut copy = self.clone();
        copy.annotations = Annotations::from_records_keeping_first(
            self.annotations
                .iter()
                .filter(|a| keep(&a.analyst))
                .cloned(),
        )
        .0;
        copy.rejections = Rejections::from_records_keeping_first(
            self.rejections.iter().filter(|r| keep(&r.analyst)).cloned(),
        )
        .0;
        copy
    }

    /// Whether `analyst` counts on `article` for agreement: they marked it coded or annotated
    /// it (so "not read yet" is never taken as "found nothing").
    pub fn counts_on(&self, article: ArticleId, analyst: &AnalystId) -> bool {
        self.team.is_coded(article, analyst) || !self.annotations.layer(article, analyst).is_empty()
    }

    /// The article with this id.
    pub fn article(&self, id: ArticleId) -> Option<&Article> {
        self.article_arc(id).map(Arc::as_ref)
    }

    /// The article with this id, shared.
    pub fn article_arc(&self, id: ArticleId) -> Option<&Arc<Article>> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// The annotation with this id.
    pub fn annotation(&self, id: AnnotationId) -> Option<&Annotation> {
        self.annotations.get(id).map(Arc::as_ref)
    }

    /// Annotations of one article (every analyst's), sorted by start offset (then end).
    pub fn annotations_of(&self, article: ArticleId) -> Vec<&Annotation> {
        let mut list: Vec<&Annotation> = self
            .annotations
            .in_article(article)
            .map(Arc::as_ref)
            .collect();
        list.sort_by_key(|a| (a.range.start, a.range.end, a.id));
        list
    }

    /// The analyst with this id.
    pub fn analyst(&self, id: &AnalystId) -> Option<&Analyst> {
        self.analysts.iter().find(|a| &a.id == id)
    }

    /// The display name of an analyst (the id itself for one missing from the list).
    pub fn analyst_name<'a>(&'a self, id: &'a AnalystId) -> &'a str {
        self.analyst(id).map_or(id.as_str(), |a| a.name.as_str())
    }

    /// The analyst a name stands for: the one of that name, else the one whose id is the
    /// name's slug (names are matched by slug, so "Ana López" and "ana lopez" are one analyst).
    pub fn analyst_named(&self, name: &str) -> Option<&Analyst> {
        let name = name.trim();
        if name.is_empty() {
            return self.analyst(&AnalystId::unknown());
        }
        let slug = AnalystId::slug_of(name);
        self.analysts
            .iter()
            .find(|a| a.name == name)
            .or_else(|| self.analysts.iter().find(|a| a.id.0 == slug))
    }

    /// A new analyst for `name` (not yet in the list): its id is the name's slug, with `-2`,
    /// `-3`… when another analyst has it or it is reserved (`gold`, `unknown`); an empty name
    /// is the `unknown` analyst. The colour is the next of a fixed palette.
    pub fn new_analyst(&self, name: &str) -> Analyst {
        let name = name.trim();
        let color = Rgb(ANALYST_COLORS[self.analysts.len() % ANALYST_COLORS.len()]);
        // No name, or the name "unknown" (how exports write the unknown analyst).
        if name.is_empty() || name.eq_ignore_ascii_case(AnalystId::UNKNOWN) {
            return Analyst {
                id: AnalystId::unknown(),
                name: "unknown".to_owned(),
                color,
            };
        }
        let base = AnalystId::slug_of(name);
        let taken = |id: &str| {
            id == AnalystId::GOLD
                || id == AnalystId::UNKNOWN
                || self.analysts.iter().any(|a| a.id.0 == id)
        };
        let id = if taken(&base) {
            (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !taken(c))
                .unwrap_or(base)
        } else {
            base
        };
        Analyst {
            id: AnalystId(id),
            name: name.to_owned(),
            color,
        }
    }

    /// How many annotations use a stance (asked before removing it).
    pub fn stance_usage(&self, stance: &StanceId) -> usize {
        self.annotations
            .iter()
            .filter(|a| &a.stance == stance)
            .count()
    }

    /// Adds an annotation to a project built by hand (an import, a generator, a test), with
    /// its analyst when the list lacks them. Edits of a project in use go through
    /// [`crate::core::edit::Edit`] instead.
    ///
    /// # Panics
    /// When the id is taken: a project built by hand names each annotation once.
    pub fn push_annotation(&mut self, annotation: impl Into<Arc<Annotation>>) {
        let annotation = annotation.into();
        let id = annotation.id;
        if self.annotations.insert(annotation).is_err() {
            panic!("annotation {id} is already in the project");
        }
        self.add_missing_analysts();
    }

    /// Adds a rejected suggestion to a project built by hand, like [`Self::push_annotation`].
    ///
    /// # Panics
    /// When the id is taken.
    pub fn push_rejection(&mut self, rejection: impl Into<Arc<Rejection>>) {
        let rejection = rejection.into();
        let id = rejection.id;
        if self.rejections.insert(rejection).is_err() {
            panic!("rejection {id} is already in the project");
        }
        self.add_missing_analysts();
    }

    /// Every analyst a record names that the analysts' list lacks, added to it (a project
    /// built by hand, or read from an older file: no record may name an unknown analyst).
    pub fn add_missing_analysts(&mut self) {
        let named: Vec<AnalystId> = self
            .annotations
            .analysts()
            .into_iter()
            .chain(self.rejections.analysts())
            .cloned()
            .collect();
        self.add_analysts_if_missing(named);
    }

    /// Adds the analysts `named` that the list lacks (each with the next colour).
    pub fn add_analysts_if_missing(&mut self, named: impl IntoIterator<Item = AnalystId>) {
        for id in named {
            if self.analyst(&id).is_none() {
                let color = Rgb(ANALYST_COLORS[self.analysts.len() % ANALYST_COLORS.len()]);
                self.analysts.push(Analyst {
                    name: id.0.clone(),
                    id,
                    color,
                });
            }
        }
    }

    /// Every broken invariant (see the module docs); empty when the project is sound.
    pub fn validate(&self) -> Vec<Problem> {
        self.validate_checking_quotes(true)
    }

    /// [`Self::validate`], optionally without comparing quotes with the text: for a project
    /// whose quotes were just taken from its texts, where that check cannot fail.
    pub(crate) fn validate_checking_quotes(&self, check_quotes: bool) -> Vec<Problem> {
        let mut problems = Vec::new();
        // A scheme has a handful of stances: a list is faster to search than a hash set.
        let mut stance_ids: Vec<&StanceId> = Vec::with_capacity(self.stances.0.len());
        for s in &self.stances.0 {
            if stance_ids.contains(&&s.id) {
                problems.push(Problem::of_project(format!(
                    "duplicate stance id `{}`",
                    s.id
                )));
            } else {
                stance_ids.push(&s.id);
            }
        }
        for s in &self.stances.0 {
            match &s.parent {
                Some(p) if !stance_ids.contains(&p) => problems.push(Problem::of_project(format!(
                    "stance `{}` has an unknown parent `{p}`",
                    s.id
                ))),
                Some(_)
                    if self
                        .stances
                        .lineage(&s.id)
                        .last()
                        .and_then(|top| top.parent.as_ref())
                        .is_some_and(|p| self.stances.get(p).is_some()) =>
                {
                    problems.push(Problem::of_project(format!(
                        "stance `{}` is its own ancestor (its parents form a cycle)",
                        s.id
                    )))
                }
                _ => {}
            }
        }
        problems.extend(self.actors.problems().into_iter().map(Problem::of_project));
        for article in &self.articles {
            problems.extend(
                crate::core::units::problems(article)
                    .into_iter()
                    .map(Problem::of_project),
            );
        }
        let articles = self.index_articles(check_quotes, &mut problems);
        let mut analyst_ids: Vec<&AnalystId> = Vec::with_capacity(self.analysts.len());
        for a in &self.analysts {
            if analyst_ids.contains(&&a.id) {
                problems.push(Problem::of_project(format!(
                    "duplicate analyst id `{}`",
                    a.id
                )));
            } else {
                analyst_ids.push(&a.id);
            }
        }
        for ((_, analyst), layer) in self.annotations.layers() {
            if !analyst_ids.contains(&analyst) {
                problems.extend(layer.iter().map(|a| {
                    Problem::of(
                        a.id,
                        format!("annotation {} is by unknown analyst `{analyst}`", a.id),
                    )
                }));
            }
        }
        // Ids are unique by construction of the store (duplicates in a file are reported by
        // the file's reader).
        for ann in self.annotations.iter() {
            if !stance_ids.contains(&&ann.stance) {
                problems.push(Problem::of(
                    ann.id,
                    format!("annotation {} uses unknown stance `{}`", ann.id, ann.stance),
                ));
            }
            if let Some(actor) = &ann.actor
                && self.actors.get(actor).is_none()
            {
                problems.push(Problem::of(
                    ann.id,
                    format!("annotation {} names unknown actor `{actor}`", ann.id),
                ));
            }
            if let Some(position) = ann.position
                && !self.actors.allows(position)
            {
                problems.push(Problem::of(
                    ann.id,
                    format!(
                        "annotation {} has position {position}, outside the project's scale",
                        ann.id
                    ),
                ));
            }
            match articles.get(&ann.article) {
                Some(article) => problems.extend(article.check(ann, check_quotes)),
                None => problems.push(Problem::of(
                    ann.id,
                    format!(
                        "annotation {} belongs to unknown article {}",
                        ann.id, ann.article
                    ),
                )),
            }
        }
        problems
    }

    /// Every article by id with what checking its annotations needs; reports duplicate ids
    /// and carriage returns.
    fn index_articles(
        &self,
        check_quotes: bool,
        problems: &mut Vec<Problem>,
    ) -> std::collections::HashMap<ArticleId, ArticleCheck<'_>> {
        let mut articles = std::collections::HashMap::new();
        for a in &self.articles {
            // An offset index makes checking a quote cost a few code points, not a scan from
            // the start of the text; without quotes to check, the length is enough.
            let (offsets, len) = if check_quotes {
                let offsets = text::OffsetIndex::new(&a.text);
                let len = offsets.char_len();
                (offsets, len)
            } else {
                (text::OffsetIndex::default(), a.text.chars().count())
            };
            let check = ArticleCheck {
                article: a,
                len,
                offsets,
            };
            if articles.insert(a.id, check).is_some() {
                problems.push(Problem::of_project(format!(
                    "duplicate article id {} (\"{}\")",
                    a.id, a.title
                )));
            }
            if a.text.contains('\r') {
                problems.push(Problem::of_project(format!(
                    "article \"{}\" contains carriage returns; line endings must be \\n",
                    a.title
                )));
            }
        }
        articles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_dates_read_iso_forms_and_nothing_else() {
        let d = |t: &str| parse_article_date(t).map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string());
        assert_eq!(d("2024").as_deref(), Some("2024-01-01 00:00:00"));
        assert_eq!(d("2024-03").as_deref(), Some("2024-03-01 00:00:00"));
        assert_eq!(d(" 2024-03-05 ").as_deref(), Some("2024-03-05 00:00:00"));
        assert_eq!(
            d("2024-03-05T14:30Z").as_deref(),
            Some("2024-03-05 14:30:00")
        );
        assert_eq!(
            d("2024-03-05 14:30:15").as_deref(),
            Some("2024-03-05 14:30:15")
        );
        for bad in [
            "March 2024",
            "2024-13",
            "2024-02-30",
            "24-03-05",
            "2024-03T10:00",
            "",
            "2024-03-05T25:00",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn analyst_ids_are_readable_slugs_and_clashes_get_numbers() {
        assert_eq!(AnalystId::slug_of("Dana"), "dana");
        assert_eq!(AnalystId::slug_of("  Ana López "), "ana-lópez");
        assert_eq!(AnalystId::slug_of("J. R. R. Tolkien!"), "j-r-r-tolkien");
        assert_eq!(AnalystId::slug_of("---"), "analyst");
        let mut p = Project::new("p");
        let dana = p.new_analyst("Dana");
        assert_eq!(dana.id.as_str(), "dana");
        p.analysts.push(dana);
        assert_eq!(p.new_analyst("DANA").id.as_str(), "dana-2");
        assert_eq!(
            p.new_analyst("Gold").id.as_str(),
            "gold-2",
            "gold is reserved"
        );
        assert_eq!(p.new_analyst("").id, AnalystId::unknown());
        assert_eq!(
            p.analyst_named("dana").map(|a| a.name.as_str()),
            Some("Dana")
        );
    }

    #[test]
    fn rgb_hex_round_trip() {
        let c = Rgb([1, 171, 255]);
        assert_eq!(c.to_hex(), "#01abff");
        assert_eq!(Rgb::from_hex("#01abff"), Some(c));
        assert_eq!(Rgb::from_hex("01ABFF"), Some(c));
        assert_eq!(Rgb::from_hex("#01abf"), None);
        assert_eq!(Rgb::from_hex("#é1abff"), None);
    }

    #[test]
    fn default_scheme_has_three_stances_with_hotkeys() {
        let scheme = StanceScheme::default();
        let ids: Vec<_> = scheme.0.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["pro-open-source", "regulation", "security"]);
        assert_eq!(scheme.by_hotkey(2).unwrap().id.as_str(), "regulation");
        assert_eq!(scheme.free_hotkey(), Some(4));
    }

    #[test]
    fn unique_id_for_slugifies_and_avoids_clashes() {
        let scheme = StanceScheme::default();
        assert_eq!(
            scheme.unique_id_for("Economic  Growth!").as_str(),
            "economic-growth"
        );
        assert_eq!(scheme.unique_id_for("Regulation").as_str(), "regulation-2");
        assert_eq!(scheme.unique_id_for("  ").as_str(), "stance");
    }

    #[test]
    fn validate_reports_each_broken_invariant() {
        let mut p = Project::new("p");
        let art = Article::new("a", "héllo wörld");
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let good = Annotation {
            id: Uuid::new_v4(),
            article: art.id,
            range: TextRange { start: 0, end: 5 },
            quote: "héllo".into(),
            prefix: String::new(),
            suffix: " wörld".into(),
            orphaned: false,
            stance: StanceId::new("security"),
            note: String::new(),
            analyst: AnalystId::new("t"),
            curator: None,
            actor: None,
            position: None,
            created: now,
            modified: now,
        };
        p.articles.push(art.clone().into());
        p.annotations.insert(good.clone().into()).unwrap();
        p.add_missing_analysts();
        assert!(p.validate().is_empty(), "{:?}", p.validate());

        assert!(
            p.annotations.insert(good.clone().into()).is_err(),
            "an id is taken once"
        );
        let mut wrong = good.clone();
        wrong.id = Uuid::new_v4();
        wrong.quote = "wrong".into();
        p.annotations.insert(wrong.into()).unwrap();
        let mut outside = good.clone();
        outside.id = Uuid::new_v4();
        outside.range = TextRange { start: 3, end: 99 };
        p.annotations.insert(outside.into()).unwrap();
        let mut unknown = good.clone();
        unknown.id = Uuid::new_v4();
        unknown.stance = StanceId::new("nope");
        p.annotations.insert(unknown.into()).unwrap();
        let mut stranger = good.clone();
        stranger.id = Uuid::new_v4();
        stranger.analyst = AnalystId::new("nobody");
        p.annotations.insert(stranger.into()).unwrap();
        let messages: Vec<String> = p.validate().into_iter().map(|p| p.message).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown analyst `nobody`"))
        );
        assert!(messages.iter().any(|m| m.contains("quotes \"wrong\"")));
        assert!(messages.iter().any(|m| m.contains("outside article")));
        assert!(messages.iter().any(|m| m.contains("unknown stance `nope`")));
    }
}
