//! The project folder (`NAME.stance/`): the same project as the single file, laid out so that
//! git diffs read well and two analysts never write the same file.
//!
//! ```text
//! NAME.stance/
//!   project.json                      {"format": "stancemark-project", format_version, name, memo, settings}
//!   stances/<stance-id>.json          one stance (with its `order` in the scheme)
//!   analysts/<analyst-id>.json        one analyst
//!   actors/<actor-id>.json            one actor (with its `order`; format 9)
//!   articles/<article-id>.json        metadata, how it was read, memo, `order` in the list
//!   articles/<article-id>.txt         the text, UTF-8, LF
//!   layers/<analyst-id>/<article-id>.jsonl
//!                                     that analyst's annotations and rejections on that
//!                                     article, one per line, sorted by (start, end, id)
//!   .local/<analyst-id>/              lock, autosave: this machine's, never shared
//!   .gitignore  .gitattributes        keep .local/ out of git; LF line ends
//! ```
//!
//! Invariants:
//! - every file is written atomically, and only when its content changed: the content hash of
//!   each file as last read or written ([`FolderState`]) decides;
//! - a file that does not parse (git conflict markers, a half-synced file) is named with its
//!   line, the rest opens, and that file is never written until it parses again;
//! - a file's name is its record's id, made safe for every file system ([`file_stem`]);
//! - a layer line leaves out what has a default (an empty note, `modified` equal to
//!   `created`), stores times to the millisecond, and the quote only for an orphan (for the
//!   others it is the article text at the range).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::{self, Backup};
use super::disk::content_hash;
use super::read::{self, MAX_ARTICLE_BYTES, MAX_PROJECT_BYTES};
use super::{LoadError, SaveError};
use crate::core::actors::{Actor, ActorId, PositionScale};
use crate::core::model::{
    Analyst, AnalystId, Annotation, Article, ArticleId, ArticleMeta, CodedMark, ImportSettings,
    Problem, Project, Rejection, Rgb, Stance, StanceId, TextRange,
};
use crate::core::text;

/// The `format` of `project.json`.
pub const FOLDER_FORMAT: &str = "stancemark-project";
/// The extension of a project folder's name.
pub const FOLDER_EXTENSION: &str = "stance";
/// The file naming the project in a project folder.
pub const PROJECT_FILE: &str = "project.json";
/// The folder of this machine's own files, kept out of git.
pub const LOCAL_DIR: &str = ".local";

const GITIGNORE: &str =
    "# Written by stancemark: this machine's lock and autosave stay here.\n.local/\n";
const GITATTRIBUTES: &str = "# Written by stancemark: article texts and layers keep LF line ends.\n*.txt text eol=lf\n*.json text eol=lf\n*.jsonl text eol=lf\n";

/// True when `path` is (or names) a project folder: a folder with a `project.json`, or a
/// path ending in `.stance`.
pub fn is_project_folder(path: &Path) -> bool {
    path.join(PROJECT_FILE).is_file()
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(FOLDER_EXTENSION))
}

/// An id as a file name: Unicode letters and digits, `-`, `_` and `.` as they are, every other
/// character (and a leading `.`) as `%XX` bytes, so no id names a path outside its folder or a
/// hidden file, and two ids never share a name.
pub fn file_stem(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for (i, c) in id.chars().enumerate() {
        let plain = c.is_alphanumeric() || c == '-' || c == '_' || (c == '.' && i > 0);
        if plain {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.is_empty() {
        out.push_str("%00");
    }
    out
}

/// The id a [`file_stem`] was made from (for a file too broken to say its own id).
pub fn id_of_stem(stem: &str) -> String {
    let bytes = stem.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len() + 1
            && let Some(hex) = stem.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            if b != 0 {
                out.push(b);
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ----- the files --------------------------------------------------------------------------

/// `project.json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(expecting = "a project description (format, format_version, name)")]
struct ProjectFileRecord {
    format: String,
    format_version: u32,
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    memo: String,
    /// The team's shared settings (format 8; empty before).
    #[serde(default)]
    settings: FolderSettings,
}

/// `project.json`'s `settings`: what the whole team shares. (Coded marks are each analyst's
/// own and live in their analyst file, so marking an article coded touches no shared file.)
#[derive(Debug, Default, Serialize, Deserialize)]
struct FolderSettings {
    /// Blind coding: each analyst sees only their own layer (and gold).
    #[serde(default, skip_serializing_if = "is_false")]
    blind: bool,
    /// The analysts who curate the gold layer.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    curators: BTreeSet<AnalystId>,
    /// The actor types the project uses (format 9; absent: the default list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actor_types: Option<Vec<String>>,
    /// The position scale (format 9; absent: supports / neutral / opposes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    position_scale: Option<PositionScale>,
}

/// `actors/<id>.json`: an actor and its place in the list (format 9).
#[derive(Debug, Serialize, Deserialize)]
#[serde(expecting = "an actor (id, name, kind, color, order)")]
struct ActorFileRecord {
    #[serde(flatten)]
    actor: Actor,
    order: usize,
}

/// `analysts/<id>.json`: an analyst, and the articles they marked coded (format 8).
#[derive(Debug, Serialize, Deserialize)]
#[serde(expecting = "an analyst (an object with id, name and color)")]
struct AnalystFileRecord {
    #[serde(flatten)]
    analyst: Analyst,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    coded: Vec<ArticleId>,
}

/// `stances/<id>.json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(expecting = "a stance (id, label, color, order)")]
struct StanceFileRecord {
    #[serde(flatten)]
    stance: Stance,
    order: usize,
}

/// `articles/<id>.json`: everything of an article but its text.
#[derive(Debug, Serialize, Deserialize)]
#[serde(expecting = "an article's details (id, title, order)")]
struct ArticleFileRecord {
    id: ArticleId,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_path: Option<String>,
    #[serde(default)]
    meta: ArticleMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    import: Option<ImportSettings>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    memo: String,
    /// The coding units (format 10).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    units: Vec<crate::core::model::Unit>,
    order: usize,
}

/// A time as layer files write it: UTC, to the millisecond.
fn time_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One line of a layer file: an annotation, or (with `kind`) a rejected suggestion.
#[derive(Debug, Serialize, Deserialize)]
#[serde(expecting = "an annotation or rejection line (id, s, e, stance)")]
struct LayerLine<'a> {
    /// `"rejection"` for a rejected suggestion; absent for an annotation.
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    kind: Option<std::borrow::Cow<'a, str>>,
    id: uuid::Uuid,
    /// Start (code points).
    s: usize,
    /// End (code points, exclusive).
    e: usize,
    stance: StanceId,
    /// The note (absent when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    /// Created (annotation) or rejected (rejection), to the millisecond (borrowed from the
    /// line when read: a million lines need not allocate their times).
    #[serde(borrow)]
    c: std::borrow::Cow<'a, str>,
    /// Modified, when it differs from created.
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    m: Option<std::borrow::Cow<'a, str>>,
    /// The passage is gone from the text.
    #[serde(default, skip_serializing_if = "is_false")]
    orphan: bool,
    /// The passage: for an orphan and a rejection (for the others it is the text at s..e).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quote: Option<String>,
    /// The curator of a gold annotation (format 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cur: Option<AnalystId>,
    /// Who holds the stance (format 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actor: Option<ActorId>,
    /// The position towards the stance (format 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pos: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suffix: Option<String>,
}

impl LayerLine<'static> {
    fn of_annotation(a: &Annotation) -> Self {
        let c = time_text(&a.created);
        let m = time_text(&a.modified);
        Self {
            kind: None,
            id: a.id,
            s: a.range.start,
            e: a.range.end,
            stance: a.stance.clone(),
            note: a.note.clone(),
            m: (m != c).then_some(m.into()),
            c: c.into(),
            orphan: a.orphaned,
            quote: a.orphaned.then(|| a.quote.clone()),
            cur: a.curator.clone(),
            actor: a.actor.clone(),
            pos: a.position,
            prefix: (a.orphaned && !a.prefix.is_empty()).then(|| a.prefix.clone()),
            suffix: (a.orphaned && !a.suffix.is_empty()).then(|| a.suffix.clone()),
        }
    }

    fn of_rejection(r: &Rejection) -> Self {
        Self {
            kind: Some("rejection".into()),
            id: r.id,
            s: r.range.start,
            e: r.range.end,
            stance: r.stance.clone(),
            note: String::new(),
            c: time_text(&r.rejected).into(),
            m: None,
            orphan: false,
            quote: Some(r.quote.clone()),
            cur: None,
            actor: None,
            pos: None,
            prefix: None,
            suffix: None,
        }
    }
}

/// The text of a layer file: each record one compact JSON line, by (start, end, id).
fn layer_text(annotations: &[Arc<Annotation>], rejections: &[Arc<Rejection>]) -> String {
    let mut lines: Vec<((usize, usize, uuid::Uuid), String)> = annotations
        .iter()
        .map(|a| {
            let line = serde_json::to_string(&LayerLine::of_annotation(a))
                .expect("plain records serialise");
            ((a.range.start, a.range.end, a.id), line)
        })
        .chain(rejections.iter().map(|r| {
            let line = serde_json::to_string(&LayerLine::of_rejection(r))
                .expect("plain records serialise");
            ((r.range.start, r.range.end, r.id), line)
        }))
        .collect();
    lines.sort_by_key(|l| l.0);
    let mut out = String::with_capacity(lines.iter().map(|l| l.1.len() + 1).sum());
    for (_, line) in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect("plain records serialise") + "\n"
}

/// A file of the folder, relative to it (`/`-separated).
pub type RelPath = String;

fn stance_path(id: &StanceId) -> RelPath {
    format!("stances/{}.json", file_stem(id.as_str()))
}
fn analyst_path(id: &AnalystId) -> RelPath {
    format!("analysts/{}.json", file_stem(id.as_str()))
}
fn actor_path(id: &ActorId) -> RelPath {
    format!("actors/{}.json", file_stem(id.as_str()))
}
fn article_path(id: ArticleId) -> RelPath {
    format!("articles/{id}.json")
}
fn text_path(id: ArticleId) -> RelPath {
    format!("articles/{id}.txt")
}
fn layer_path(article: ArticleId, analyst: &AnalystId) -> RelPath {
    format!("layers/{}/{article}.jsonl", file_stem(analyst.as_str()))
}

/// Whose work a file holds: a layer file is an analyst's, the others are shared.
pub fn owner_of(path: &str) -> Option<AnalystId> {
    let rest = path.strip_prefix("layers/")?;
    let (stem, _) = rest.split_once('/')?;
    Some(AnalystId::new(id_of_stem(stem)))
}

/// What the files of a folder were last made from: each layer file's annotation and
/// rejection lists and each article (held, so identity cannot be reused by something else).
/// Records change copy-on-write, so a layer or article with the same identity is the same
/// content, and a save serialises only what changed — a million annotations need not be
/// written out to save one.
#[derive(Debug, Default)]
pub struct MadeFrom {
    layers: HashMap<(ArticleId, AnalystId), (SharedLayer<Annotation>, SharedLayer<Rejection>)>,
    articles: HashMap<ArticleId, (Arc<Article>, usize)>,
}

/// One layer's list as the store shares it (`None`: no records of that kind).
type SharedLayer<T> = Option<Arc<Vec<Arc<T>>>>;

impl MadeFrom {
    /// What `project`'s files are made from now.
    pub fn of(project: &Project) -> Self {
        let mut layers: HashMap<_, (SharedLayer<Annotation>, SharedLayer<Rejection>)> =
            HashMap::new();
        for (key, list) in project.annotations.shared_layers() {
            layers.entry(key.clone()).or_default().0 = Some(list.clone());
        }
        for (key, list) in project.rejections.shared_layers() {
            layers.entry(key.clone()).or_default().1 = Some(list.clone());
        }
        let articles = project
            .articles
            .iter()
            .enumerate()
            .map(|(order, a)| (a.id, (a.clone(), order)))
            .collect();
        Self { layers, articles }
    }
}

fn same_list<T>(a: &SharedLayer<T>, b: Option<&Arc<Vec<Arc<T>>>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Every file of the folder form of `project`, with its content.
pub fn folder_files(project: &Project) -> BTreeMap<RelPath, Vec<u8>> {
    folder_files_since(project, None)
        .into_iter()
        .filter_map(|(path, bytes)| Some((path, bytes?)))
        .collect()
}

/// Every file of the folder form of `project`: its content, or `None` for a layer or article
/// file made from the very same records as last time (`made`), which is not serialised again.
pub fn folder_files_since(
    project: &Project,
    made: Option<&MadeFrom>,
) -> BTreeMap<RelPath, Option<Vec<u8>>> {
    let mut files = BTreeMap::new();
    let header = ProjectFileRecord {
        format: FOLDER_FORMAT.to_owned(),
        format_version: super::FORMAT_VERSION,
        name: project.name.clone(),
        memo: project.memo.clone(),
        settings: FolderSettings {
            blind: project.team.blind,
            curators: project.team.curators.clone(),
            actor_types: Some(project.actors.types.clone()),
            position_scale: project.actors.scale,
        },
    };
    files.insert(PROJECT_FILE.to_owned(), Some(pretty(&header).into_bytes()));
    for (order, stance) in project.stances.0.iter().enumerate() {
        let record = StanceFileRecord {
            stance: stance.clone(),
            order,
        };
        files.insert(stance_path(&stance.id), Some(pretty(&record).into_bytes()));
    }
    for analyst in &project.analysts {
        let record = AnalystFileRecord {
            analyst: analyst.clone(),
            coded: project
                .team
                .coded
                .iter()
                .filter(|m| m.analyst == analyst.id)
                .map(|m| m.article)
                .collect(),
        };
        files.insert(
            analyst_path(&analyst.id),
            Some(pretty(&record).into_bytes()),
        );
    }
    for (order, actor) in project.actors.actors.iter().enumerate() {
        let record = ActorFileRecord {
            actor: actor.clone(),
            order,
        };
        files.insert(actor_path(&actor.id), Some(pretty(&record).into_bytes()));
    }
    for (order, article) in project.articles.iter().enumerate() {
        let unchanged = made
            .and_then(|m| m.articles.get(&article.id))
            .is_some_and(|(was, at)| Arc::ptr_eq(was, article) && *at == order);
        if unchanged {
            files.insert(article_path(article.id), None);
            files.insert(text_path(article.id), None);
            continue;
        }
        let record = ArticleFileRecord {
            id: article.id,
            title: article.title.clone(),
            source_path: article.source_path.clone(),
            meta: article.meta.clone(),
            import: article.import.clone(),
            memo: article.memo.clone(),
            units: article.units.clone(),
            order,
        };
        files.insert(article_path(article.id), Some(pretty(&record).into_bytes()));
        files.insert(
            text_path(article.id),
            Some(article.text.clone().into_bytes()),
        );
    }
    let mut layers: BTreeSet<(ArticleId, AnalystId)> = BTreeSet::new();
    for ((article, analyst), _) in project.annotations.layers() {
        layers.insert((*article, analyst.clone()));
    }
    for ((article, analyst), _) in project.rejections.layers() {
        layers.insert((*article, analyst.clone()));
    }
    for (article, analyst) in layers {
        let key = (article, analyst);
        let unchanged = made.and_then(|m| m.layers.get(&key)).is_some_and(|(a, r)| {
            same_list(a, project.annotations.shared_layer(&key))
                && same_list(r, project.rejections.shared_layer(&key))
        });
        let (article, analyst) = key;
        if unchanged {
            files.insert(layer_path(article, &analyst), None);
            continue;
        }
        let text = layer_text(
            project.annotations.layer(article, &analyst),
            project.rejections.layer(article, &analyst),
        );
        files.insert(layer_path(article, &analyst), Some(text.into_bytes()));
    }
    files
}

// ----- what is on disk --------------------------------------------------------------------

/// What this window knows of each file of an open folder: the hash of its content as last
/// read or written (`None` for a file that could not be read as a record: never written).
#[derive(Debug, Clone, Default)]
pub struct FolderState {
    /// Content hash of each file, by relative path.
    pub files: BTreeMap<RelPath, u64>,
    /// Files that did not parse (conflict markers, cut off): read-only until they parse.
    pub unreadable: BTreeSet<RelPath>,
    /// Modification time and size of each file when last read or written (to notice changes
    /// without reading every file).
    pub seen: BTreeMap<RelPath, (std::time::SystemTime, u64)>,
    /// What the layer and article files were made from when last read or written (a cache:
    /// not part of what the state says about the disk).
    pub made: Option<Arc<MadeFrom>>,
}

impl PartialEq for FolderState {
    fn eq(&self, other: &Self) -> bool {
        self.files == other.files && self.unreadable == other.unreadable && self.seen == other.seen
    }
}

impl Eq for FolderState {}

impl FolderState {
    fn note(&mut self, dir: &Path, path: &str, bytes: &[u8]) {
        self.note_hash(dir, path, content_hash(bytes));
    }

    fn note_hash(&mut self, dir: &Path, path: &str, hash: u64) {
        self.files.insert(path.to_owned(), hash);
        if let Ok(meta) = std::fs::metadata(dir.join(path))
            && let Ok(modified) = meta.modified()
        {
            self.seen.insert(path.to_owned(), (modified, meta.len()));
        }
    }

    /// This state with every file taken as it is on disk now (the analyst chose to write
    /// over what others changed): a save then writes whatever differs from the disk.
    pub fn accept_disk(&self, dir: &Path) -> Self {
        let mut next = self.clone();
        next.files.clear();
        next.seen.clear();
        for path in list_files(dir) {
            if let Ok(bytes) = std::fs::read(dir.join(&path)) {
                next.note(dir, &path, &bytes);
            }
        }
        next
    }

    /// The files whose size or time differ from when this window last read or wrote them, and
    /// files that appeared or went away: what someone else may have changed.
    pub fn changed_on_disk(&self, dir: &Path) -> Vec<RelPath> {
        let mut out = Vec::new();
        let now = list_files(dir);
        for path in &now {
            let meta = std::fs::metadata(dir.join(path)).ok();
            let stamp = meta.and_then(|m| Some((m.modified().ok()?, m.len())));
            if stamp.is_none() || self.seen.get(path) != stamp.as_ref() {
                out.push(path.clone());
            }
        }
        for path in self.seen.keys() {
            if !now.contains(path) {
                out.push(path.clone());
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The project's files in a folder (relative paths), `.local` and other folders left out.
/// Bytes of a folder's layer files: what deciding to read it on a worker thread, and in two
/// parts, goes by.
pub fn layer_bytes(dir: &Path) -> u64 {
    let layers = dir.join("layers");
    names_in(&layers)
        .iter()
        .flat_map(|who| {
            std::fs::read_dir(layers.join(who))
                .into_iter()
                .flatten()
                .flatten()
        })
        .filter_map(|entry| entry.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn list_files(dir: &Path) -> BTreeSet<RelPath> {
    let mut out = BTreeSet::new();
    if dir.join(PROJECT_FILE).is_file() {
        out.insert(PROJECT_FILE.to_owned());
    }
    for (sub, ext) in [
        ("stances", "json"),
        ("analysts", "json"),
        ("actors", "json"),
    ] {
        for name in names_in(&dir.join(sub)) {
            if name.ends_with(&format!(".{ext}")) {
                out.insert(format!("{sub}/{name}"));
            }
        }
    }
    for name in names_in(&dir.join("articles")) {
        if name.ends_with(".json") || name.ends_with(".txt") {
            out.insert(format!("articles/{name}"));
        }
    }
    for analyst in names_in(&dir.join("layers")) {
        if dir.join("layers").join(&analyst).is_dir() {
            for name in names_in(&dir.join("layers").join(&analyst)) {
                if name.ends_with(".jsonl") {
                    out.insert(format!("layers/{analyst}/{name}"));
                }
            }
        }
    }
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') || n.starts_with(".%"))
        .collect();
    names.sort();
    names
}

/// A problem with one file of the folder, with its line when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file, relative to the folder.
    pub path: RelPath,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// A project read from a folder.
#[derive(Debug)]
pub struct FolderLoad {
    /// The project (what could be read).
    pub project: Project,
    /// What could not be read, by file and line; those files are never written until they
    /// parse again.
    pub problems: Vec<FileProblem>,
    /// The files as read.
    pub state: FolderState,
    /// Layer files not read yet ([`read_folder_first`]); empty once the folder is whole.
    pub pending: Vec<RelPath>,
}

/// True for a line git writes into a file it could not merge.
fn is_conflict_marker(line: &str) -> bool {
    line.starts_with("<<<<<<< ")
        || line == "<<<<<<<"
        || line.starts_with(">>>>>>> ")
        || line == ">>>>>>>"
        || line == "======="
        || line.starts_with("||||||| ")
}

/// The first conflict-marker line of `text`, 1-based.
fn conflict_line(text: &str) -> Option<usize> {
    text.lines().position(is_conflict_marker).map(|i| i + 1)
}

/// Reads one JSON record file; `None` (with a problem) when it does not parse.
fn read_record<T: serde::de::DeserializeOwned>(
    dir: &Path,
    path: &str,
    problems: &mut Vec<FileProblem>,
    state: &mut FolderState,
) -> Option<T> {
    let full = dir.join(path);
    let text = match read::read_text_file(&full, MAX_PROJECT_BYTES, "a project file") {
        Ok(text) => text,
        Err(e) => {
            problems.push(FileProblem {
                path: path.to_owned(),
                line: None,
                message: e.to_string(),
            });
            state.unreadable.insert(path.to_owned());
            return None;
        }
    };
    state.note(dir, path, text.as_bytes());
    if let Some(line) = conflict_line(&text) {
        problems.push(FileProblem {
            path: path.to_owned(),
            line: Some(line),
            message: "git could not merge this file (conflict markers); resolve it, then save"
                .to_owned(),
        });
        state.unreadable.insert(path.to_owned());
        return None;
    }
    match serde_json::from_str(&text) {
        Ok(record) => Some(record),
        Err(e) => {
            problems.push(FileProblem {
                path: path.to_owned(),
                line: Some(e.line()),
                message: e.to_string(),
            });
            state.unreadable.insert(path.to_owned());
            None
        }
    }
}

/// Checks the folder's `project.json` before anything else is read: a newer folder, or a
/// folder that is not a project, is refused.
fn check_header(dir: &Path) -> Result<(), LoadError> {
    let meta = std::fs::metadata(dir).map_err(|e| read::ReadError::io(dir, e))?;
    if !meta.is_dir() {
        return Err(read::ReadError::NotAFile {
            path: dir.to_owned(),
            kind: "a file, not a project folder",
        }
        .into());
    }
    let header_path = dir.join(PROJECT_FILE);
    if !header_path.is_file() {
        return Err(LoadError::Parse {
            path: dir.to_owned(),
            line: 1,
            column: 1,
            message: format!("not a stancemark project folder (no {PROJECT_FILE})"),
        });
    }
    let header_text = read::read_text_file(&header_path, MAX_PROJECT_BYTES, "a project file")?;
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&header_text) {
        let found = value["format_version"].as_u64().unwrap_or(0) as u32;
        if found > super::FORMAT_VERSION {
            return Err(LoadError::FutureVersion {
                path: dir.to_owned(),
                found,
                supported: super::FORMAT_VERSION,
            });
        }
        if value["format"] != FOLDER_FORMAT {
            return Err(LoadError::Parse {
                path: header_path,
                line: 1,
                column: 1,
                message: format!("project.json is not a {FOLDER_FORMAT} file"),
            });
        }
    }
    Ok(())
}

/// Reads a project folder. A file that does not parse is named with its line and the rest
/// opens; a newer folder, or a folder without `project.json`, is refused.
pub fn read_folder(dir: &Path) -> Result<FolderLoad, LoadError> {
    let first = read_folder_first(dir)?;
    let rest = read_folder_rest(
        dir,
        &first.project,
        &first.state,
        &first.pending,
        &|_, _| {},
    )?;
    let mut problems = first.problems;
    problems.extend(rest.problems);
    Ok(FolderLoad { problems, ..rest })
}

/// The first part of opening a folder, what a window shows first: every shared file (project,
/// stances, analysts, actors), every article, and the layers of the first article; the other
/// layer files are left in [`FolderLoad::pending`] for [`read_folder_rest`]. Analysts whose
/// only layers are pending are already in the project, so the rest brings in annotations only.
pub fn read_folder_first(dir: &Path) -> Result<FolderLoad, LoadError> {
    check_header(dir)?;
    let name = dir
        .file_stem()
        .map_or("Project".to_owned(), |s| s.to_string_lossy().into_owned());
    let (layers, shared): (Vec<RelPath>, Vec<RelPath>) = list_files(dir)
        .into_iter()
        .partition(|p| p.starts_with("layers/"));
    let empty = Project {
        stances: crate::core::model::StanceScheme(Vec::new()),
        ..Project::new(name)
    };
    let mut loaded = reread(dir, &shared, &empty, &FolderState::default())?;
    let first = loaded.project.articles.first().map(|a| a.id);
    let (now, pending): (Vec<RelPath>, Vec<RelPath>) = layers
        .into_iter()
        .partition(|p| layer_of(p).is_none_or(|(article, _)| Some(article) == first));
    let mut first_layers = reread(dir, &now, &loaded.project, &loaded.state)?;
    first_layers.problems.splice(0..0, loaded.problems);
    loaded = first_layers;
    let mut owners: Vec<AnalystId> = pending
        .iter()
        .filter_map(|p| layer_of(p))
        .map(|(_, a)| a)
        .collect();
    owners.dedup();
    loaded.project.add_analysts_if_missing(owners);
    leave_out_broken_records(&mut loaded, |_| true);
    loaded.pending = pending;
    Ok(loaded)
}

/// The second part of opening a folder: the layer files `pending` read into `first` (the
/// project [`read_folder_first`] read, with its `state`), checked as the first part was.
/// `progress(done, total)` is told of each file read. Returns the whole project, the state of
/// every file, and what of the pending files could not be read.
pub fn read_folder_rest(
    dir: &Path,
    first: &Project,
    state: &FolderState,
    pending: &[RelPath],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<FolderLoad, LoadError> {
    let arrived: BTreeSet<ArticleId> = pending
        .iter()
        .filter_map(|p| layer_of(p))
        .map(|(a, _)| a)
        .collect();
    let mut loaded = reread_reporting(dir, pending, first, state, progress)?;
    leave_out_broken_records(&mut loaded, |article| {
        article.is_some_and(|a| arrived.contains(&a))
    });
    // Every file read as it is: the project's records are what the files hold (unreadable
    // files are never written anyway).
    loaded.state.made = Some(Arc::new(MadeFrom::of(&loaded.project)));
    Ok(loaded)
}

/// What the model requires of the whole (stances, articles of each record) is checked as a
/// file's content would be: a record that breaks it is named and left out (its file is then
/// never written, so nothing is lost). Only problems whose annotation's article passes
/// `concerns` (`None`: a problem of the project itself) are taken.
fn leave_out_broken_records(loaded: &mut FolderLoad, concerns: impl Fn(Option<ArticleId>) -> bool) {
    loaded.state.made = None;
    let problems = loaded.project.validate_checking_quotes(false);
    for Problem {
        message,
        annotation,
    } in problems
    {
        let record = annotation.and_then(|id| loaded.project.annotation(id));
        if !concerns(record.map(|a| a.article)) {
            continue;
        }
        let path = record
            .map(|a| layer_path(a.article, &a.analyst))
            .unwrap_or_else(|| PROJECT_FILE.to_owned());
        if let Some(id) = annotation {
            loaded.project.annotations.remove(id);
        }
        loaded.state.unreadable.insert(path.clone());
        loaded.problems.push(FileProblem {
            path,
            line: None,
            message,
        });
    }
}

/// Reads the files `changed` (relative paths; a path whose file is gone means its record is
/// gone) into `base`, the project as this window last read it: what someone else's `git pull`
/// or sync brought in, file by file. Returns the project with those files' records in place
/// of `base`'s, the state of the folder's files, and what could not be read.
pub fn reread(
    dir: &Path,
    changed: &[RelPath],
    base: &Project,
    state: &FolderState,
) -> Result<FolderLoad, LoadError> {
    reread_reporting(dir, changed, base, state, &|_, _| {})
}

/// [`reread`], telling `progress(done, total)` of each layer file read.
fn reread_reporting(
    dir: &Path,
    changed: &[RelPath],
    base: &Project,
    state: &FolderState,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<FolderLoad, LoadError> {
    let mut project = base.clone();
    let mut state = state.clone();
    let mut problems = Vec::new();
    for path in changed {
        state.unreadable.remove(path);
    }
    let exists = |path: &str| dir.join(path).is_file();

    if changed.iter().any(|p| p == PROJECT_FILE) {
        check_header(dir)?;
        if let Some(header) =
            read_record::<ProjectFileRecord>(dir, PROJECT_FILE, &mut problems, &mut state)
        {
            project.name = header.name;
            project.memo = header.memo;
            project.team.blind = header.settings.blind;
            project.team.curators = header.settings.curators;
            project.actors.types = header
                .settings
                .actor_types
                .unwrap_or_else(|| crate::core::actors::ActorBook::default().types);
            project.actors.scale = header.settings.position_scale;
        }
    }

    // Stances: a changed file replaces its stance; one that does not parse stays as a
    // placeholder "unresolved: ID" (its annotations keep their stance id); a removed file
    // removes its stance unless annotations still use it.
    let mut order: HashMap<StanceId, usize> = project
        .stances
        .0
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    for path in changed.iter().filter(|p| p.starts_with("stances/")) {
        let stem = path
            .trim_start_matches("stances/")
            .trim_end_matches(".json");
        let id = StanceId::new(id_of_stem(stem));
        if !exists(path) {
            state.files.remove(path);
            state.seen.remove(path);
            if project.stance_usage(&id) == 0 {
                project.stances.0.retain(|s| s.id != id);
                order.remove(&id);
            }
            continue;
        }
        let stance = match read_record::<StanceFileRecord>(dir, path, &mut problems, &mut state) {
            Some(record) => {
                order.insert(record.stance.id.clone(), record.order);
                record.stance
            }
            None => {
                let previous = project.stances.get(&id).cloned();
                order.entry(id.clone()).or_insert(usize::MAX);
                Stance {
                    label: format!("unresolved: {id}"),
                    description: format!(
                        "Its file ({path}) could not be read; resolve it and save."
                    ),
                    ..previous.unwrap_or(Stance {
                        id: id.clone(),
                        label: String::new(),
                        color: Rgb([128, 128, 128]),
                        description: String::new(),
                        hotkey: None,
                        parent: None,
                        code: None,
                        group: false,
                    })
                }
            }
        };
        match project.stances.0.iter_mut().find(|s| s.id == stance.id) {
            Some(slot) => *slot = stance,
            None => project.stances.0.push(stance),
        }
    }
    project.stances.0.sort_by(|a, b| {
        let key = |s: &Stance| order.get(&s.id).copied().unwrap_or(usize::MAX);
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    let known: BTreeSet<StanceId> = project.stances.0.iter().map(|s| s.id.clone()).collect();
    for s in &mut project.stances.0 {
        // A parent lost with a conflicted file: the child stays at the top level.
        if s.parent.as_ref().is_some_and(|p| !known.contains(p)) {
            s.parent = None;
        }
    }

    for path in changed.iter().filter(|p| p.starts_with("analysts/")) {
        let stem = path
            .trim_start_matches("analysts/")
            .trim_end_matches(".json");
        let id = AnalystId::new(id_of_stem(stem));
        if !exists(path) {
            state.files.remove(path);
            state.seen.remove(path);
            let used = !project.annotations.layers().all(|((_, a), _)| *a != id);
            if !used {
                project.analysts.retain(|a| a.id != id);
            }
            project.team.coded.retain(|m| m.analyst != id);
            continue;
        }
        if let Some(record) = read_record::<AnalystFileRecord>(dir, path, &mut problems, &mut state)
        {
            let analyst = record.analyst;
            project.team.coded.retain(|m| m.analyst != analyst.id);
            project
                .team
                .coded
                .extend(record.coded.into_iter().map(|article| CodedMark {
                    article,
                    analyst: analyst.id.clone(),
                }));
            match project.analysts.iter_mut().find(|a| a.id == analyst.id) {
                Some(slot) => *slot = analyst,
                None => project.analysts.push(analyst),
            }
        }
    }
    project.analysts.sort_by(|a, b| a.id.cmp(&b.id));

    // Actors: like stances, a file that does not parse leaves a placeholder "unresolved: ID"
    // (annotations keep their actor); a removed file removes its actor unless annotations
    // still name it.
    let mut actor_order: HashMap<ActorId, usize> = project
        .actors
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    for path in changed.iter().filter(|p| p.starts_with("actors/")) {
        let stem = path.trim_start_matches("actors/").trim_end_matches(".json");
        let id = ActorId::new(id_of_stem(stem));
        if !exists(path) {
            state.files.remove(path);
            state.seen.remove(path);
            let used = project
                .annotations
                .iter()
                .any(|a| a.actor.as_ref() == Some(&id));
            let member = project
                .actors
                .actors
                .iter()
                .any(|a| a.organisation.as_ref() == Some(&id));
            if !used && !member {
                project.actors.actors.retain(|a| a.id != id);
                actor_order.remove(&id);
            }
            continue;
        }
        let actor = match read_record::<ActorFileRecord>(dir, path, &mut problems, &mut state) {
            Some(record) => {
                actor_order.insert(record.actor.id.clone(), record.order);
                record.actor
            }
            None => {
                actor_order.entry(id.clone()).or_insert(usize::MAX);
                let previous = project.actors.get(&id).cloned();
                let mut placeholder = previous.unwrap_or_else(|| {
                    let mut a = project
                        .actors
                        .new_actor(id.as_str(), crate::core::actors::ActorKind::Person);
                    a.id = id.clone();
                    a
                });
                placeholder.name = format!("unresolved: {id}");
                placeholder.notes =
                    format!("Its file ({path}) could not be read; resolve it and save.");
                placeholder.organisation = None;
                placeholder
            }
        };
        match project.actors.actors.iter_mut().find(|a| a.id == actor.id) {
            Some(slot) => *slot = actor,
            None => project.actors.actors.push(actor),
        }
    }
    project.actors.actors.sort_by(|a, b| {
        let key = |x: &Actor| actor_order.get(&x.id).copied().unwrap_or(usize::MAX);
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    // An organisation lost with a conflicted or removed file: the person stays on their own.
    let organisations: BTreeSet<ActorId> = project
        .actors
        .actors
        .iter()
        .filter(|a| a.kind == crate::core::actors::ActorKind::Organisation)
        .map(|a| a.id.clone())
        .collect();
    for a in &mut project.actors.actors {
        if a.organisation
            .as_ref()
            .is_some_and(|o| !organisations.contains(o) || *o == a.id)
        {
            a.organisation = None;
        }
    }

    // Articles: the details and the text of each article whose either file changed.
    let mut article_order: HashMap<ArticleId, usize> = project
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let mut touched: BTreeSet<ArticleId> = BTreeSet::new();
    for path in changed.iter().filter(|p| p.starts_with("articles/")) {
        let id = path
            .trim_start_matches("articles/")
            .trim_end_matches(".json")
            .trim_end_matches(".txt");
        if let Ok(id) = uuid::Uuid::parse_str(id) {
            touched.insert(id);
        }
    }
    for id in touched {
        let (json, txt) = (article_path(id), text_path(id));
        if !exists(&json) {
            for path in [&json, &txt] {
                state.files.remove(path);
                state.seen.remove(path);
            }
            if project.annotations.count_in_article(id) == 0
                && project.rejections.count_in_article(id) == 0
            {
                project.articles.retain(|a| a.id != id);
                article_order.remove(&id);
            }
            continue;
        }
        let Some(record) = read_record::<ArticleFileRecord>(dir, &json, &mut problems, &mut state)
        else {
            continue;
        };
        let text = match read::read_text_file(&dir.join(&txt), MAX_ARTICLE_BYTES, "an article") {
            Ok(text) => {
                state.note(dir, &txt, text.as_bytes());
                if let Some(line) = conflict_line(&text) {
                    problems.push(FileProblem {
                        path: txt.clone(),
                        line: Some(line),
                        message:
                            "git could not merge this text (conflict markers); resolve it, then save"
                                .to_owned(),
                    });
                    state.unreadable.insert(txt.clone());
                }
                text::normalize_newlines(&text)
            }
            Err(read::ReadError::Empty { .. }) => {
                state.note(dir, &txt, b"");
                String::new()
            }
            Err(e) => {
                problems.push(FileProblem {
                    path: txt.clone(),
                    line: None,
                    message: e.to_string(),
                });
                state.unreadable.insert(txt.clone());
                continue;
            }
        };
        article_order.insert(record.id, record.order);
        let article = Arc::new(Article {
            id: record.id,
            title: record.title,
            source_path: record.source_path,
            meta: record.meta,
            import: record.import,
            text,
            memo: record.memo,
            units: record.units,
        });
        match project.articles.iter_mut().find(|a| a.id == article.id) {
            Some(slot) => *slot = article,
            None => project.articles.push(article),
        }
    }
    project.articles.sort_by(|a, b| {
        let key = |x: &Article| article_order.get(&x.id).copied().unwrap_or(usize::MAX);
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });

    // Layers: each changed layer file's records replace that analyst's layer of that article.
    let layers: Vec<&RelPath> = changed
        .iter()
        .filter(|p| p.starts_with("layers/"))
        .collect();
    if !layers.is_empty() {
        // Offsets of the articles whose layers are read (one article's, opening a large folder).
        let read: BTreeSet<ArticleId> = layers
            .iter()
            .filter_map(|p| layer_of(p))
            .map(|(a, _)| a)
            .collect();
        let indexes: HashMap<ArticleId, text::OffsetIndex> = project
            .articles
            .iter()
            .filter(|a| read.contains(&a.id))
            .map(|a| (a.id, text::OffsetIndex::new(&a.text)))
            .collect();
        let texts: HashMap<ArticleId, Arc<Article>> =
            project.articles.iter().map(|a| (a.id, a.clone())).collect();
        // Reading and parsing the files is most of opening a large folder: it runs on every
        // core; putting the records into the project stays in file order, here.
        let total = layers.len();
        let mut done = 0;
        parse_layers_in_order(dir, &layers, &texts, &indexes, |path, parsed| {
            done += 1;
            progress(done, total);
            let Some((article, analyst)) = layer_of(path) else {
                problems.push(FileProblem {
                    path: path.clone(),
                    line: None,
                    message: "a layer file must be layers/<analyst>/<article id>.jsonl".to_owned(),
                });
                return;
            };
            let old_annotations: Vec<_> = project
                .annotations
                .layer(article, &analyst)
                .iter()
                .map(|a| a.id)
                .collect();
            let old_rejections: Vec<_> = project
                .rejections
                .layer(article, &analyst)
                .iter()
                .map(|r| r.id)
                .collect();
            if !exists(path) {
                state.files.remove(path);
                state.seen.remove(path);
                old_annotations.into_iter().for_each(|id| {
                    project.annotations.remove(id);
                });
                old_rejections.into_iter().for_each(|id| {
                    project.rejections.remove(id);
                });
                return;
            }
            let parsed = match parsed {
                Some(Ok(parsed)) => parsed,
                Some(Err(problem)) => {
                    problems.push(problem);
                    state.unreadable.insert(path.clone());
                    return;
                }
                None => return,
            };
            state.note_hash(dir, path, parsed.hash);
            problems.extend(parsed.problems);
            let mut broken = parsed.broken;
            old_annotations.into_iter().for_each(|id| {
                project.annotations.remove(id);
            });
            old_rejections.into_iter().for_each(|id| {
                project.rejections.remove(id);
            });
            let mut annotations = Vec::new();
            let mut rejections = Vec::new();
            for record in parsed.records {
                match record {
                    Record::Annotation(a) => annotations.push(a),
                    Record::Rejection(r) => rejections.push(r),
                }
            }
            let key = (article, analyst);
            let duplicates: Vec<uuid::Uuid> = project
                .annotations
                .put_layer(key.clone(), annotations)
                .iter()
                .map(|a| a.id)
                .chain(
                    project
                        .rejections
                        .put_layer(key, rejections)
                        .iter()
                        .map(|r| r.id),
                )
                .collect();
            for id in duplicates {
                broken = true;
                problems.push(FileProblem {
                    path: path.clone(),
                    line: None,
                    message: format!("{id} appears twice; the first is kept"),
                });
            }
            if broken {
                state.unreadable.insert(path.clone());
            }
        });
    }
    project.add_missing_analysts();
    Ok(FolderLoad {
        project,
        problems,
        state,
        pending: Vec::new(),
    })
}

/// A record of a layer line, shared as the store keeps it (made on the reading thread).
enum Record {
    Annotation(Arc<Annotation>),
    Rejection(Arc<Rejection>),
}

/// A layer file read and parsed (before its records go into the project).
struct ParsedLayer {
    /// Content hash of the file.
    hash: u64,
    /// Its records, in file order.
    records: Vec<Record>,
    /// Lines that could not be read.
    problems: Vec<FileProblem>,
    /// Whether any line was broken (the file is then never written).
    broken: bool,
}

/// Reads and parses the layer files `paths` on every core and hands each to `apply` in the
/// order of `paths` as soon as it and those before it are parsed (`None`: no such file, or not a
/// layer's name), so putting records into the project overlaps the parsing of the rest.
fn parse_layers_in_order<'a>(
    dir: &Path,
    paths: &[&'a RelPath],
    texts: &HashMap<ArticleId, Arc<Article>>,
    indexes: &HashMap<ArticleId, text::OffsetIndex>,
    mut apply: impl FnMut(&'a RelPath, Option<Result<ParsedLayer, FileProblem>>),
) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let parsed = (layer_of(path).is_some() && dir.join(path.as_str()).is_file())
                        .then(|| parse_layer(dir, path, texts, indexes));
                    if tx.send((i, parsed)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut ready = HashMap::new();
        for (i, path) in paths.iter().enumerate() {
            let parsed = loop {
                if let Some(parsed) = ready.remove(&i) {
                    break parsed;
                }
                match rx.recv() {
                    Ok((j, parsed)) => {
                        ready.insert(j, parsed);
                    }
                    // Every worker stopped (one panicked): what is left reads as missing.
                    Err(_) => break None,
                }
            };
            apply(path, parsed);
        }
    });
}

/// Reads and parses one layer file.
fn parse_layer(
    dir: &Path,
    path: &RelPath,
    texts: &HashMap<ArticleId, Arc<Article>>,
    indexes: &HashMap<ArticleId, text::OffsetIndex>,
) -> Result<ParsedLayer, FileProblem> {
    let Some((article, analyst)) = layer_of(path) else {
        return Err(FileProblem {
            path: path.clone(),
            line: None,
            message: "a layer file must be layers/<analyst>/<article id>.jsonl".to_owned(),
        });
    };
    let text = match read::read_text_file(&dir.join(path), MAX_PROJECT_BYTES, "a layer") {
        Ok(t) => t,
        Err(read::ReadError::Empty { .. }) => String::new(),
        Err(e) => {
            return Err(FileProblem {
                path: path.clone(),
                line: None,
                message: e.to_string(),
            });
        }
    };
    let mut parsed = ParsedLayer {
        hash: content_hash(text.as_bytes()),
        records: Vec::new(),
        problems: Vec::new(),
        broken: false,
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if is_conflict_marker(line) {
            if !parsed.broken {
                parsed.problems.push(FileProblem {
                    path: path.clone(),
                    line: Some(n + 1),
                    message: "git could not merge this layer (conflict markers); the lines of both sides are read, resolve it to save it"
                        .to_owned(),
                });
            }
            parsed.broken = true;
            continue;
        }
        let record = serde_json::from_str::<LayerLine>(line)
            .map_err(|e| e.to_string())
            .and_then(|record| {
                let text = texts.get(&article).map(|a| a.text.as_str());
                line_record(record, article, &analyst, text, indexes.get(&article))
            });
        match record {
            Ok(record) => parsed.records.push(record),
            Err(message) => {
                parsed.problems.push(FileProblem {
                    path: path.clone(),
                    line: Some(n + 1),
                    message,
                });
                parsed.broken = true;
            }
        }
    }
    Ok(parsed)
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    // The form layer files are written in (`2025-01-01T00:00:05.000Z`), read directly: a
    // million lines spend a tenth of their reading time in the general parser otherwise.
    if let Some(t) = parse_written_time(text) {
        return Ok(t);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("bad time {text:?}: {e}"))
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, as [`time_text`] writes it; `None` for any other form.
fn parse_written_time(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = chrono::NaiveTime::from_hms_milli_opt(
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
        num(20..23)?,
    )?;
    Some(date.and_time(time).and_utc())
}

/// A layer line as a record of `analyst` on `article` (whose text gives an anchored
/// annotation its quote).
fn line_record(
    line: LayerLine,
    article: ArticleId,
    analyst: &AnalystId,
    text: Option<&str>,
    index: Option<&text::OffsetIndex>,
) -> Result<Record, String> {
    let range = TextRange {
        start: line.s,
        end: line.e,
    };
    let created = parse_time(&line.c)?;
    if line.kind.as_deref() == Some("rejection") {
        return Ok(Record::Rejection(Arc::new(Rejection {
            id: line.id,
            article,
            range,
            quote: line.quote.unwrap_or_default(),
            stance: line.stance,
            analyst: analyst.clone(),
            rejected: created,
        })));
    }
    if let Some(kind) = line.kind {
        return Err(format!("unknown kind of line {kind:?}"));
    }
    let quote = if line.orphan {
        line.quote.unwrap_or_default()
    } else {
        let (Some(text), Some(index)) = (text, index) else {
            return Err(format!("annotation {} is on an unknown article", line.id));
        };
        if range.is_empty() || range.end > index.char_len() {
            return Err(format!(
                "annotation {} has range {}..{} outside its article ({} characters)",
                line.id,
                range.start,
                range.end,
                index.char_len()
            ));
        }
        index.slice(text, range).to_owned()
    };
    let modified = match &line.m {
        Some(m) => parse_time(m)?,
        None => created,
    };
    Ok(Record::Annotation(Arc::new(Annotation {
        id: line.id,
        article,
        range,
        quote,
        prefix: line.prefix.unwrap_or_default(),
        suffix: line.suffix.unwrap_or_default(),
        orphaned: line.orphan,
        stance: line.stance,
        note: line.note,
        analyst: analyst.clone(),
        curator: line.cur,
        actor: line.actor,
        position: line.pos,
        created,
        modified,
    })))
}

// ----- writing ----------------------------------------------------------------------------

/// What a save of a folder wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (relative paths).
    pub written: Vec<RelPath>,
    /// Files removed (their records are gone).
    pub removed: Vec<RelPath>,
    /// Files left as they are because they did not parse when read (conflicts).
    pub held_back: Vec<RelPath>,
}

impl WriteReport {
    /// The analysts whose layer files were written, other than `me` (a shared action — a text
    /// edit, a stance merged — changed their layers).
    pub fn others_layers(&self, me: &AnalystId) -> Vec<AnalystId> {
        let mut out: Vec<AnalystId> = self
            .written
            .iter()
            .chain(&self.removed)
            .filter_map(|p| owner_of(p))
            .filter(|a| a != me)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Why a folder could not be saved.
#[derive(Debug)]
pub enum FolderSaveError {
    /// The OS refused.
    Save(SaveError),
    /// Files someone else changed since this window read them.
    ChangedOnDisk(Vec<RelPath>),
}

/// Writes the files of `project` into `dir` that differ from what `state` says is there,
/// atomically, and removes the files of records that are gone. A file that is unreadable in
/// `state` (a conflict) is never written; a shared file is held back too while any shared file
/// is unreadable (a stance in conflict must not be written away), layer files still save.
/// Before writing, a file someone else changed since (size, time or content differ from
/// `state`) stops the save: nothing is overwritten.
pub fn write_folder(
    project: &Project,
    dir: &Path,
    state: &FolderState,
) -> Result<(WriteReport, FolderState), FolderSaveError> {
    let io = |path: &Path, e: std::io::Error| FolderSaveError::Save(SaveError::io(path, e));
    let files = folder_files_since(project, state.made.as_deref());
    let shared_conflict = state.unreadable.iter().any(|p| owner_of(p).is_none());
    let mut report = WriteReport::default();
    let mut to_write: Vec<(&RelPath, &Vec<u8>)> = Vec::new();
    for (path, bytes) in &files {
        // Made from the same records as the file last written or read: unchanged.
        let Some(bytes) = bytes else {
            continue;
        };
        if state.files.get(path) == Some(&content_hash(bytes)) {
            continue;
        }
        if state.unreadable.contains(path) || (shared_conflict && owner_of(path).is_none()) {
            report.held_back.push(path.clone());
            continue;
        }
        to_write.push((path, bytes));
    }
    let to_remove: Vec<&RelPath> = state
        .files
        .keys()
        .filter(|p| !files.contains_key(*p) && !state.unreadable.contains(*p))
        .filter(|p| !(shared_conflict && owner_of(p).is_none()))
        .collect();
    // Nothing is written over a file someone else changed.
    let mut changed = Vec::new();
    for path in to_write
        .iter()
        .map(|(p, _)| *p)
        .chain(to_remove.iter().copied())
    {
        let full = dir.join(path);
        let known = state.files.get(path);
        match std::fs::read(&full) {
            Ok(bytes) => {
                if known != Some(&content_hash(&bytes)) {
                    changed.push(path.clone());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if known.is_some() {
                    // Deleted by someone else: writing it again restores our version, which
                    // is what a save of a project that has it means.
                }
            }
            Err(e) => return Err(io(&full, e)),
        }
    }
    if !changed.is_empty() {
        return Err(FolderSaveError::ChangedOnDisk(changed));
    }
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for (name, content) in [(".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES)] {
        let path = dir.join(name);
        if !path.exists() {
            atomic::write_atomically(&path, content.as_bytes(), Backup::None)
                .map_err(|e| io(&path, e))?;
        }
    }
    let mut next = state.clone();
    for (path, bytes) in to_write {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        atomic::write_atomically(&full, bytes, Backup::None).map_err(|e| io(&full, e))?;
        next.note(dir, path, bytes);
        report.written.push(path.clone());
    }
    for path in to_remove {
        let full = dir.join(path);
        match std::fs::remove_file(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&full, e)),
        }
        next.files.remove(path);
        next.seen.remove(path);
        report.removed.push(path.clone());
        // An analyst's layer folder left empty goes too.
        if let Some(parent) = full.parent()
            && parent.starts_with(dir.join("layers"))
            && std::fs::read_dir(parent).is_ok_and(|mut d| d.next().is_none())
        {
            let _ = std::fs::remove_dir(parent);
        }
    }
    // Held back files are not what the project holds: they are made again next time.
    next.made = if report.held_back.is_empty() {
        Some(Arc::new(MadeFrom::of(project)))
    } else {
        None
    };
    Ok((report, next))
}

/// Writes a whole project as a new folder `dir` (which must not exist, or be empty): the
/// conversion from a single file, and Save as.
pub fn create_folder(project: &Project, dir: &Path) -> Result<FolderState, FolderSaveError> {
    if dir.exists() && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(FolderSaveError::Save(SaveError::io(
            dir,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the folder exists and is not empty; a project folder is never written over",
            ),
        )));
    }
    write_folder(project, dir, &FolderState::default()).map(|(_, state)| state)
}

/// The folder of this machine's own files for `analyst` (lock, autosave), created.
pub fn local_dir(dir: &Path, analyst: &AnalystId) -> std::io::Result<PathBuf> {
    let local = dir.join(LOCAL_DIR).join(file_stem(analyst.as_str()));
    std::fs::create_dir_all(&local)?;
    Ok(local)
}

/// The id of an annotation line (for messages about layer files).
pub fn annotation_path(annotation: &Annotation) -> RelPath {
    layer_path(annotation.article, &annotation.analyst)
}

/// The ids in a file name of the layers folder (article, analyst).
pub fn layer_of(path: &str) -> Option<(ArticleId, AnalystId)> {
    let analyst = owner_of(path)?;
    let article = path
        .rsplit('/')
        .next()?
        .strip_suffix(".jsonl")
        .and_then(|n| uuid::Uuid::parse_str(n).ok())?;
    Some((article, analyst))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_times_read_back_exactly_and_other_forms_use_the_general_parser() {
        let t = chrono::DateTime::parse_from_rfc3339("2025-03-04T05:06:07.089Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_written_time(&time_text(&t)), Some(t));
        assert_eq!(parse_time(&time_text(&t)), Ok(t));
        assert_eq!(parse_written_time("2025-03-04T05:06:07+00:00"), None);
        assert_eq!(
            parse_time("2025-03-04T07:06:07.089+02:00"),
            Ok(t),
            "an offset is still read"
        );
        assert_eq!(parse_written_time("2025-13-04T05:06:07.089Z"), None);
        assert!(parse_time("2025-13-04T05:06:07.089Z").is_err());
    }

    #[test]
    fn file_stems_are_safe_and_reversible() {
        for id in [
            "regulation",
            "marpor-103.1",
            "a/b",
            "..",
            ".hidden",
            "ana-lópez",
            "x%y",
            "",
        ] {
            let stem = file_stem(id);
            assert!(!stem.contains('/') && !stem.starts_with('.'), "{stem}");
            assert_eq!(id_of_stem(&stem), id, "{stem}");
        }
        assert_eq!(file_stem("marpor-103.1"), "marpor-103.1");
        assert_eq!(file_stem("a/b"), "a%2Fb");
    }

    #[test]
    fn a_layer_line_leaves_out_defaults_and_keeps_the_quote_only_for_orphans() {
        let t = DateTime::parse_from_rfc3339("2025-01-01T00:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut a = Annotation::new(
            uuid::Uuid::nil(),
            TextRange { start: 3, end: 9 },
            "passage".into(),
            StanceId::new("regulation"),
            "dana",
            t,
        );
        a.id = uuid::Uuid::from_u128(7);
        let line = serde_json::to_string(&LayerLine::of_annotation(&a)).unwrap();
        assert_eq!(
            line,
            r#"{"id":"00000000-0000-0000-0000-000000000007","s":3,"e":9,"stance":"regulation","c":"2025-01-01T00:00:00.123Z"}"#
        );
        a.orphaned = true;
        a.note = "n".into();
        let line = serde_json::to_string(&LayerLine::of_annotation(&a)).unwrap();
        assert!(line.contains(r#""orphan":true"#) && line.contains(r#""quote":"passage""#));
        assert!(line.contains(r#""note":"n""#));
    }
}
