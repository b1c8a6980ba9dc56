//! The Discourse Network Analyzer's databases (DNA 3, SQLite) in and out.
//!
//! In: documents become articles (title, text, author, source as outlet, date, section, type,
//! notes), coders analysts, statements of the default statement type ("DNA Statement")
//! annotations: concept → stance, person (else organization) → actor, agreement → position
//! (+1 / −1; an integer `position` variable wins). A person's organisation is the one most
//! often coded with them (the others are listed in their notes). Entity attributes Type, Alias
//! and Notes become actor (and stance) fields. Statements of other types, and variables the
//! mapping has no place for, become notes and are listed in the report: nothing is dropped
//! silently. DNA's offsets count UTF-16 code units; they are converted to code points (and
//! through the CRLF → LF of the text).
//!
//! Out: a database with every table of DNA's schema (`dna_schema.sql`), coders (an `Admin`
//! and one per analyst, each with the password `stancemark` hashed as jasypt's
//! `StrongPasswordEncryptor` does), statement type 1 with `person`, `organization`, `concept`,
//! `agreement` (and an integer `position` where neutral or a scale is used), entities with
//! their attributes, and the statements. Values over DNA's 190 characters are cut and
//! reported; undated articles get date 0 (read back as undated).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::core::actors::{Actor, ActorId, ActorKind, PositionScale};
use crate::core::model::{
    Analyst, AnalystId, Annotation, Annotations, Article, ArticleMeta, Project, Rgb, Stance,
    StanceId, StanceScheme, TextRange,
};
use crate::core::text;

/// The tables a DNA 3 database has.
const SCHEMA: &str = include_str!("dna_schema.sql");
/// The longest text DNA keeps in a short field (its columns check `LENGTH(…) < 191`).
pub const MAX_FIELD_CHARS: usize = 190;
/// The password of the coders an export writes.
pub const EXPORT_PASSWORD: &str = "stancemark";
/// The DNA version an export says it is.
const DNA_VERSION: &str = "3.0.11";

/// Why a DNA database could not be read or written (the caller names the file).
#[derive(Debug, thiserror::Error)]
pub enum DnaError {
    /// SQLite refused (not a database, locked, full disk).
    #[error("{0}")]
    Sqlite(String),
    /// A database of another DNA version.
    #[error(
        "this is a DNA {0} database; stancemark reads DNA 3 databases (open it in DNA 3 and save it there first)"
    )]
    Version(String),
    /// Not a DNA database at all.
    #[error("not a DNA database: {0}")]
    NotDna(String),
}

fn sqlite_error(_path: &Path) -> impl Fn(rusqlite::Error) -> DnaError {
    |e| DnaError::Sqlite(e.to_string())
}

/// A project read from a DNA database, with what the reader should know.
#[derive(Debug)]
pub struct DnaImport {
    /// The project.
    pub project: Project,
    /// What was kept as notes, converted or left out, one line each.
    pub report: Vec<String>,
}

/// Code-point offsets of UTF-16 offsets in `raw`, then through CRLF → LF: `map[u]` is the
/// code point of the text as stancemark keeps it at UTF-16 unit `u` (`None` inside a
/// surrogate pair).
fn utf16_to_chars(raw: &str) -> Vec<Option<usize>> {
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut chars = 0usize;
    let mut prev_cr = false;
    for c in raw.chars() {
        // A `\r` before `\n` disappears: both map to the `\n`.
        let crlf_tail = prev_cr && c == '\n';
        if crlf_tail {
            chars -= 1;
        }
        map.push(Some(chars));
        if c.len_utf16() == 2 {
            map.push(None);
        }
        chars += 1;
        prev_cr = c == '\r';
    }
    map.push(Some(chars));
    map
}

/// The text as stancemark keeps it: LF line ends (a lone `\r` too).
fn normalised(raw: &str) -> String {
    text::normalize_newlines(raw)
}

/// Reads a DNA 3 database.
pub fn read_dna(path: &Path) -> Result<DnaImport, DnaError> {
    let err = sqlite_error(path);
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(&err)?;
    let not_dna = |why: &str| DnaError::NotDna(why.to_owned());
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(&err)?;
    let has = |t: &str| tables.iter().any(|x| x.eq_ignore_ascii_case(t));
    let version: Option<String> = if has("SETTINGS") {
        db.query_row(
            "SELECT Value FROM SETTINGS WHERE Property = 'version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(&err)?
    } else {
        None
    };
    if let Some(v) = &version
        && !v.trim().starts_with('3')
    {
        return Err(DnaError::Version(v.clone()));
    }
    for t in [
        "DOCUMENTS",
        "STATEMENTS",
        "STATEMENTTYPES",
        "VARIABLES",
        "CODERS",
    ] {
        if !has(t) {
            return Err(not_dna(&format!("it has no {t} table")));
        }
    }
    let mut report = Vec::new();
    let name = path.file_stem().map_or("DNA project".to_owned(), |s| {
        s.to_string_lossy().into_owned()
    });
    let mut project = Project {
        stances: StanceScheme(Vec::new()),
        ..Project::new(name)
    };

    // Coders → analysts.
    let mut coder_of: HashMap<i64, AnalystId> = HashMap::new();
    {
        let mut s = db
            .prepare("SELECT ID, Name, Red, Green, Blue FROM CODERS ORDER BY ID")
            .map_err(&err)?;
        let rows = s
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    [
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ],
                ))
            })
            .map_err(&err)?;
        for row in rows {
            let (id, name, rgb) = row.map_err(&err)?;
            let mut analyst: Analyst = project.new_analyst(&name);
            analyst.color = Rgb(rgb.map(|v| v.clamp(0, 255) as u8));
            coder_of.insert(id, analyst.id.clone());
            project.analysts.push(analyst);
        }
    }

    // Documents → articles.
    struct Doc {
        article: usize,
        map: Vec<Option<usize>>,
    }
    let mut docs: HashMap<i64, Doc> = HashMap::new();
    {
        let mut s = db
            .prepare(
                "SELECT ID, Title, Text, Author, Source, Section, Notes, Type, Date FROM DOCUMENTS ORDER BY Date, ID",
            )
            .map_err(&err)?;
        let rows = s
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<i64>>(8)?,
                ))
            })
            .map_err(&err)?;
        for row in rows {
            let (id, title, raw, author, source, section, notes, kind, date) = row.map_err(&err)?;
            let some = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
            let date = date.filter(|d| *d != 0).and_then(|d| {
                let t = chrono::DateTime::from_timestamp(d, 0)?.naive_utc();
                Some(if t.time() == chrono::NaiveTime::MIN {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%dT%H:%M:%S").to_string()
                })
            });
            let mut article = Article::new(title.clone(), &normalised(&raw));
            article.id = uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_OID,
                format!("dna document {id} {title}").as_bytes(),
            );
            article.meta = ArticleMeta {
                author: some(author),
                outlet: some(source),
                date,
                url: None,
                section: some(section),
                kind: some(kind),
                notes: some(notes),
            };
            docs.insert(
                id,
                Doc {
                    article: project.articles.len(),
                    map: utf16_to_chars(&raw),
                },
            );
            project.articles.push(Arc::new(article));
        }
    }

    // Variables and statement types.
    let types: Vec<(i64, String)> = db
        .prepare("SELECT ID, Label FROM STATEMENTTYPES ORDER BY ID")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(&err)?;
    let default_type = types
        .iter()
        .find(|(_, l)| l == "DNA Statement")
        .or_else(|| types.first())
        .map(|t| t.0)
        .ok_or_else(|| not_dna("it has no statement types"))?;
    let variables: Vec<(i64, String, String, i64)> = db
        .prepare("SELECT ID, Variable, DataType, StatementTypeId FROM VARIABLES")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect()
        })
        .map_err(&err)?;
    let var_named = |name: &str| {
        variables
            .iter()
            .find(|v| v.3 == default_type && v.1.eq_ignore_ascii_case(name))
            .map(|v| v.0)
    };
    let (person_var, org_var, concept_var) = (
        var_named("person"),
        var_named("organization").or_else(|| var_named("organisation")),
        var_named("concept"),
    );
    let agreement_var = var_named("agreement");
    let position_var = variables
        .iter()
        .find(|v| v.3 == default_type && v.1.eq_ignore_ascii_case("position") && v.2 == "integer")
        .map(|v| v.0);

    // Entities and their attributes.
    let mut entity: HashMap<i64, (i64, String, Option<[u8; 3]>)> = HashMap::new();
    if has("ENTITIES") {
        let mut s = db
            .prepare("SELECT ID, VariableId, Value, Red, Green, Blue FROM ENTITIES")
            .map_err(&err)?;
        let rows = s
            .query_map([], |r| {
                let rgb = match (
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ) {
                    (Some(a), Some(b), Some(c)) if (a, b, c) != (0, 0, 0) => {
                        Some([a, b, c].map(|v| v.clamp(0, 255) as u8))
                    }
                    _ => None,
                };
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    rgb,
                ))
            })
            .map_err(&err)?;
        for row in rows {
            let (id, var, value, rgb) = row.map_err(&err)?;
            entity.insert(id, (var, value, rgb));
        }
    }
    let mut attributes: HashMap<(i64, String), BTreeMap<String, String>> = HashMap::new();
    if has("ATTRIBUTEVALUES") && has("ATTRIBUTEVARIABLES") {
        let mut s = db
            .prepare(
                "SELECT e.VariableId, e.Value, a.AttributeVariable, v.AttributeValue FROM ATTRIBUTEVALUES v \
                 JOIN ATTRIBUTEVARIABLES a ON a.ID = v.AttributeVariableId JOIN ENTITIES e ON e.ID = v.EntityId",
            )
            .map_err(&err)?;
        let rows = s
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(&err)?;
        for row in rows {
            let (var, value, attribute, v) = row.map_err(&err)?;
            if !v.trim().is_empty() {
                attributes
                    .entry((var, value))
                    .or_default()
                    .insert(attribute, v);
            }
        }
    }

    // Every value of every statement.
    let mut values: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let mut shorttext: HashMap<(i64, i64), i64> = HashMap::new();
    let mut ints: HashMap<(i64, i64), i64> = HashMap::new();
    for (table, kind) in [
        ("DATASHORTTEXT", 0),
        ("DATABOOLEAN", 1),
        ("DATAINTEGER", 2),
        ("DATALONGTEXT", 3),
    ] {
        if !has(table) {
            continue;
        }
        let column = if kind == 0 { "Entity" } else { "Value" };
        let sql = format!("SELECT StatementId, VariableId, {column} FROM {table}");
        let mut s = db.prepare(&sql).map_err(&err)?;
        let rows = s
            .query_map([], |r| {
                let v: rusqlite::types::Value = r.get(2)?;
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, v))
            })
            .map_err(&err)?;
        for row in rows {
            let (statement, variable, v) = row.map_err(&err)?;
            let text = match (&v, kind) {
                (rusqlite::types::Value::Integer(e), 0) => {
                    shorttext.insert((statement, variable), *e);
                    entity.get(e).map(|x| x.1.clone()).unwrap_or_default()
                }
                (rusqlite::types::Value::Integer(i), _) => {
                    ints.insert((statement, variable), *i);
                    i.to_string()
                }
                (rusqlite::types::Value::Text(t), _) => t.clone(),
                _ => String::new(),
            };
            values.entry(statement).or_default().push((variable, text));
        }
    }
    let variable_name = |id: i64| {
        variables
            .iter()
            .find(|v| v.0 == id)
            .map_or(format!("variable {id}"), |v| v.1.clone())
    };

    // Statements → annotations (their actors and stances as they come).
    let mut stance_ids: HashMap<String, StanceId> = HashMap::new();
    let mut actors: HashMap<(ActorKind, String), ActorId> = HashMap::new();
    let mut person_orgs: HashMap<ActorId, BTreeMap<String, usize>> = HashMap::new();
    let mut positions_seen: Vec<i32> = Vec::new();
    let mut other_types: BTreeMap<String, usize> = BTreeMap::new();
    let mut extra_variables: BTreeMap<String, usize> = BTreeMap::new();
    let mut records = Vec::new();
    let mut skipped = 0usize;
    let statements: Vec<(i64, i64, i64, i64, i64, Option<i64>)> = db
        .prepare("SELECT ID, StatementTypeId, DocumentId, Start, Stop, Coder FROM STATEMENTS ORDER BY ID")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                    r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect()
        })
        .map_err(&err)?;
    let colors = [
        [0x1f, 0x77, 0xb4],
        [0xd6, 0x27, 0x28],
        [0x2c, 0xa0, 0x2c],
        [0x94, 0x67, 0xbd],
        [0xff, 0x7f, 0x0e],
        [0x8c, 0x56, 0x4b],
    ];
    for (id, type_id, doc_id, start, stop, coder) in statements {
        let Some(doc) = docs.get(&doc_id) else {
            skipped += 1;
            continue;
        };
        let at = |u: i64| -> Option<usize> {
            usize::try_from(u)
                .ok()
                .and_then(|u| doc.map.get(u).copied().flatten())
        };
        let (Some(s), Some(e)) = (at(start), at(stop)) else {
            report.push(format!(
                "statement {id}: its offsets {start}..{stop} are outside its document or split a character; left out"
            ));
            skipped += 1;
            continue;
        };
        if s >= e {
            skipped += 1;
            continue;
        }
        let analyst = coder
            .and_then(|c| coder_of.get(&c).cloned())
            .unwrap_or_else(AnalystId::unknown);
        let vals = values.remove(&id).unwrap_or_default();
        let value_of = |var: Option<i64>| {
            var.and_then(|v| {
                vals.iter()
                    .find(|(x, _)| *x == v)
                    .map(|(_, t)| t.trim().to_owned())
            })
            .filter(|t| !t.is_empty())
        };
        let mut note_lines: Vec<String> = Vec::new();
        let (stance_label, actor, position) = if type_id == default_type {
            let concept = value_of(concept_var).unwrap_or_else(|| "(no concept)".to_owned());
            let person = value_of(person_var);
            let org = value_of(org_var);
            let mut new_actor = |kind: ActorKind, name: &str, project: &mut Project| -> ActorId {
                if let Some(id) = actors.get(&(kind, name.to_owned())) {
                    return id.clone();
                }
                let mut a = project.actors.new_actor(name, kind);
                let var = if kind == ActorKind::Person {
                    person_var
                } else {
                    org_var
                };
                if let Some(attrs) = var.and_then(|v| attributes.get(&(v, name.to_owned()))) {
                    if let Some(t) = attrs.get("Type") {
                        a.actor_type = t.clone();
                        if !project.actors.types.iter().any(|x| x == t) {
                            project.actors.types.push(t.clone());
                        }
                    }
                    if let Some(alias) = attrs.get("Alias") {
                        a.aliases = alias
                            .split([';', ','])
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect();
                    }
                    if let Some(n) = attrs.get("Notes") {
                        a.notes = n.clone();
                    }
                }
                if let Some(rgb) = entity
                    .values()
                    .find(|(v, value, _)| Some(*v) == var && value == name)
                    .and_then(|x| x.2)
                {
                    a.color = Rgb(rgb);
                }
                let id = a.id.clone();
                project.actors.actors.push(a);
                actors.insert((kind, name.to_owned()), id.clone());
                id
            };
            let actor = match (&person, &org) {
                (Some(p), o) => {
                    let id = new_actor(ActorKind::Person, p, &mut project);
                    if let Some(o) = o {
                        *person_orgs
                            .entry(id.clone())
                            .or_default()
                            .entry(o.clone())
                            .or_default() += 1;
                        new_actor(ActorKind::Organisation, o, &mut project);
                    }
                    Some(id)
                }
                (None, Some(o)) => Some(new_actor(ActorKind::Organisation, o, &mut project)),
                (None, None) => None,
            };
            let position = match (
                position_var.and_then(|v| ints.get(&(id, v))),
                agreement_var.and_then(|v| ints.get(&(id, v))),
            ) {
                (Some(p), _) => Some(*p as i32),
                (None, Some(1)) => Some(1),
                (None, Some(_)) => Some(-1),
                (None, None) => None,
            };
            if let Some(p) = position {
                positions_seen.push(p);
            }
            for (var, text) in &vals {
                let known = [
                    person_var,
                    org_var,
                    concept_var,
                    agreement_var,
                    position_var,
                ]
                .contains(&Some(*var));
                if !known && !text.is_empty() {
                    let name = variable_name(*var);
                    note_lines.push(format!("{name}: {text}"));
                    *extra_variables.entry(name).or_default() += 1;
                }
            }
            (concept, actor, position)
        } else {
            let label = types
                .iter()
                .find(|t| t.0 == type_id)
                .map_or(format!("statement type {type_id}"), |t| t.1.clone());
            *other_types.entry(label.clone()).or_default() += 1;
            for (var, text) in &vals {
                if !text.is_empty() {
                    note_lines.push(format!("{}: {text}", variable_name(*var)));
                }
            }
            (format!("DNA {label}"), None, None)
        };
        let stance = match stance_ids.get(&stance_label) {
            Some(s) => s.clone(),
            None => {
                let id = project.stances.unique_id_for(&stance_label);
                let rgb = concept_var
                    .and_then(|v| {
                        entity
                            .values()
                            .find(|(x, value, _)| *x == v && *value == stance_label)
                            .and_then(|e| e.2)
                    })
                    .unwrap_or(colors[project.stances.0.len() % colors.len()]);
                let description = concept_var
                    .and_then(|v| attributes.get(&(v, stance_label.clone())))
                    .and_then(|a| a.get("Notes").cloned())
                    .unwrap_or_default();
                // The first nine concepts get the digit keys, as a new project's stances do.
                let hotkey = project.stances.free_hotkey();
                project.stances.0.push(Stance {
                    id: id.clone(),
                    label: stance_label.clone(),
                    color: Rgb(rgb),
                    description,
                    hotkey,
                    parent: None,
                    code: None,
                    group: false,
                });
                stance_ids.insert(stance_label.clone(), id.clone());
                id
            }
        };
        let article = &project.articles[doc.article];
        let range = TextRange { start: s, end: e };
        let mut ann = Annotation::new(
            article.id,
            range,
            text::slice_chars(&article.text, range).to_owned(),
            stance,
            analyst,
            chrono::DateTime::UNIX_EPOCH,
        );
        ann.id = uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("dna statement {id} {}", article.id).as_bytes(),
        );
        ann.actor = actor;
        ann.position = position;
        ann.note = note_lines.join("\n");
        records.push(Arc::new(ann));
    }
    // A person's organisation: the one most often coded with them (others in their notes).
    for (person, orgs) in &person_orgs {
        let mut ranked: Vec<(&String, &usize)> = orgs.iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let org = actors
            .get(&(ActorKind::Organisation, ranked[0].0.clone()))
            .cloned();
        if let Some(a) = project.actors.actors.iter_mut().find(|a| &a.id == person) {
            a.organisation = org;
            if ranked.len() > 1 {
                let others: Vec<String> = ranked[1..]
                    .iter()
                    .map(|(o, n)| format!("{o} ({n})"))
                    .collect();
                let line = format!("Also coded with: {}", others.join(", "));
                a.notes = if a.notes.is_empty() {
                    line
                } else {
                    format!("{}\n{line}", a.notes)
                };
            }
        }
    }
    // A scale when positions go beyond supports / opposes.
    if positions_seen.iter().any(|p| p.abs() > 1) {
        let min = positions_seen.iter().copied().min().unwrap_or(-1).min(-1);
        let max = positions_seen.iter().copied().max().unwrap_or(1).max(1);
        project.actors.scale = Some(PositionScale { min, max });
        report.push(format!("positions are a scale from {min} to {max}"));
    }
    for (label, n) in &other_types {
        report.push(format!(
            "{n} statement(s) of type “{label}” kept as annotations of the stance “DNA {label}”, their variables in the note"
        ));
    }
    for (name, n) in &extra_variables {
        report.push(format!(
            "variable “{name}” ({n} value(s)) kept in the annotations' notes"
        ));
    }
    if skipped > 0 {
        report.push(format!(
            "{skipped} statement(s) left out (no document, or offsets that do not fit its text)"
        ));
    }
    project.annotations = Annotations::from_records_keeping_first(records).0;
    project.add_missing_analysts();
    // Analysts without statements (DNA's Admin) are not brought in.
    let used: std::collections::BTreeSet<AnalystId> = project
        .annotations
        .analysts()
        .into_iter()
        .cloned()
        .collect();
    project.analysts.retain(|a| used.contains(&a.id));
    Ok(DnaImport { project, report })
}

/// A value cut to DNA's limit, with a report line when it was longer.
fn fit(value: &str, what: &str, report: &mut Vec<String>) -> String {
    if value.chars().count() <= MAX_FIELD_CHARS {
        return value.to_owned();
    }
    report.push(format!(
        "{what} cut to {MAX_FIELD_CHARS} characters (DNA's limit): “{}…”",
        text::snippet(value, 40)
    ));
    value.chars().take(MAX_FIELD_CHARS).collect()
}

/// The password hash jasypt's `StrongPasswordEncryptor` makes: SHA-256 of the salt and the
/// password's UTF-8, hashed again to 100,000 iterations in all, written as Base64 of the salt
/// followed by the digest.
pub fn jasypt_hash(password: &str, salt: [u8; 16]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new()
        .chain_update(salt)
        .chain_update(password.as_bytes())
        .finalize();
    for _ in 1..100_000 {
        digest = Sha256::digest(digest);
    }
    let mut out = salt.to_vec();
    out.extend_from_slice(&digest);
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// UTF-16 code unit offsets of every code point of `text` (and its end).
fn char_to_utf16(text: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(text.len() + 1);
    let mut units = 0;
    for c in text.chars() {
        out.push(units);
        units += c.len_utf16();
    }
    out.push(units);
    out
}

/// Writes `project` as a DNA 3 database at `path` (a file there is replaced only once the new
/// one is complete); returns what the reader should know (values cut, annotations left out).
pub fn write_dna(project: &Project, path: &Path) -> Result<Vec<String>, DnaError> {
    let err = sqlite_error(path);
    let tmp = path.with_extension("dna.partial");
    let _ = std::fs::remove_file(&tmp);
    let mut report = Vec::new();
    let result = (|| -> Result<(), DnaError> {
        let mut db = Connection::open(&tmp).map_err(&err)?;
        db.execute_batch(SCHEMA).map_err(&err)?;
        let tx = db.transaction().map_err(&err)?;
        tx.execute(
            "INSERT INTO SETTINGS (Property, Value) VALUES ('version', ?1), ('date', ?2)",
            params![
                DNA_VERSION,
                chrono::Utc::now().format("%Y-%m-%d").to_string()
            ],
        )
        .map_err(&err)?;
        let salt = |i: usize| -> [u8; 16] {
            let mut s = *uuid::Uuid::new_v4().as_bytes();
            s[0] ^= i as u8;
            s
        };
        tx.execute(
            "INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password, PermissionEditStatementTypes, PermissionEditCoders, PermissionEditOthersDocuments, PermissionEditOthersStatements) VALUES (1, 'Admin', 255, 255, 0, ?1, 1, 1, 1, 1)",
            params![jasypt_hash(EXPORT_PASSWORD, salt(0))],
        )
        .map_err(&err)?;
        let mut coder_of: HashMap<&AnalystId, i64> = HashMap::new();
        for (i, a) in project.analysts.iter().enumerate() {
            let id = i as i64 + 2;
            let [r, g, b] = a.color.0;
            tx.execute(
                "INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, fit(&a.name, "a coder's name", &mut report), r, g, b, jasypt_hash(EXPORT_PASSWORD, salt(i + 1))],
            )
            .map_err(&err)?;
            coder_of.insert(&a.id, id);
        }
        tx.execute(
            "INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (1, 'DNA Statement', 239, 208, 51)",
            [],
        )
        .map_err(&err)?;
        let book = &project.actors;
        let needs_position =
            book.scale.is_some() || project.annotations.iter().any(|a| a.position == Some(0));
        for (id, name, kind) in [
            (1, "person", "short text"),
            (2, "organization", "short text"),
            (3, "concept", "short text"),
            (4, "agreement", "boolean"),
        ]
        .into_iter()
        .chain(needs_position.then_some((5, "position", "integer")))
        {
            tx.execute(
                "INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) VALUES (?1, ?2, ?3, 1)",
                params![id, name, kind],
            )
            .map_err(&err)?;
        }
        let mut attribute_var: HashMap<(i64, &str), i64> = HashMap::new();
        for var in [1i64, 2, 3] {
            for name in ["Type", "Alias", "Notes"] {
                tx.execute(
                    "INSERT INTO ATTRIBUTEVARIABLES (VariableId, AttributeVariable) VALUES (?1, ?2)",
                    params![var, name],
                )
                .map_err(&err)?;
                attribute_var.insert((var, name), tx.last_insert_rowid());
            }
        }
        let mut entities: HashMap<(i64, String), i64> = HashMap::new();
        let mut entity = |tx: &rusqlite::Transaction<'_>,
                          var: i64,
                          value: &str,
                          rgb: Option<[u8; 3]>,
                          attrs: [&str; 3],
                          report: &mut Vec<String>|
         -> Result<i64, DnaError> {
            let value = fit(value, "an entity", report);
            if let Some(id) = entities.get(&(var, value.clone())) {
                return Ok(*id);
            }
            let [r, g, b] = rgb.unwrap_or([0, 0, 0]);
            tx.execute(
                "INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![var, value, r, g, b],
            )
            .map_err(&err)?;
            let id = tx.last_insert_rowid();
            for (name, v) in ["Type", "Alias", "Notes"].into_iter().zip(attrs) {
                tx.execute(
                    "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) VALUES (?1, ?2, ?3)",
                    params![id, attribute_var[&(var, name)], fit(v, "an attribute", report)],
                )
                .map_err(&err)?;
            }
            entities.insert((var, value), id);
            Ok(id)
        };
        let mut without_position = 0usize;
        let mut orphans = 0usize;
        for (doc, article) in project.articles.iter().enumerate() {
            let doc_id = doc as i64 + 1;
            let m = &article.meta;
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let date = m.when().map_or(0, |d| d.and_utc().timestamp());
            if date == 0 && m.date.as_deref().is_some_and(|d| !d.trim().is_empty()) {
                report.push(format!(
                    "“{}”: its date “{}” is not YYYY[-MM[-DD]]; written as undated",
                    article.title,
                    opt(&m.date)
                ));
            }
            tx.execute(
                "INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    doc_id,
                    fit(&article.title, "a title", &mut report),
                    article.text,
                    fit(&opt(&m.author), "an author", &mut report),
                    fit(&opt(&m.outlet), "an outlet", &mut report),
                    fit(&opt(&m.section), "a section", &mut report),
                    opt(&m.notes),
                    fit(&opt(&m.kind), "a document type", &mut report),
                    date
                ],
            )
            .map_err(&err)?;
            let units = char_to_utf16(&article.text);
            for ann in project.annotations_of(article.id) {
                if ann.orphaned {
                    orphans += 1;
                    continue;
                }
                let coder = coder_of.get(&ann.analyst).copied().unwrap_or(1);
                tx.execute(
                    "INSERT INTO STATEMENTS (StatementTypeId, DocumentId, Start, Stop, Coder) VALUES (1, ?1, ?2, ?3, ?4)",
                    params![doc_id, units[ann.range.start] as i64, units[ann.range.end] as i64, coder],
                )
                .map_err(&err)?;
                let statement = tx.last_insert_rowid();
                let actor = ann.actor.as_ref().and_then(|id| book.get(id));
                let (person, org): (Option<&Actor>, Option<&Actor>) = match actor {
                    Some(a) if a.kind == ActorKind::Person => {
                        (Some(a), a.organisation.as_ref().and_then(|o| book.get(o)))
                    }
                    Some(a) => (None, Some(a)),
                    None => (None, None),
                };
                let attrs = |a: Option<&Actor>| -> [String; 3] {
                    a.map_or_else(Default::default, |a| {
                        [a.actor_type.clone(), a.aliases.join("; "), a.notes.clone()]
                    })
                };
                let stance = project.stances.get(&ann.stance);
                let concept = stance.map_or(ann.stance.as_str(), |s| s.label.as_str());
                let pa = attrs(person);
                let oa = attrs(org);
                let description = stance.map_or(String::new(), |s| s.description.clone());
                let cells = [
                    (
                        1,
                        entity(
                            &tx,
                            1,
                            person.map_or("", |a| a.name.as_str()),
                            person.map(|a| a.color.0),
                            [&pa[0], &pa[1], &pa[2]],
                            &mut report,
                        )?,
                    ),
                    (
                        2,
                        entity(
                            &tx,
                            2,
                            org.map_or("", |a| a.name.as_str()),
                            org.map(|a| a.color.0),
                            [&oa[0], &oa[1], &oa[2]],
                            &mut report,
                        )?,
                    ),
                    (
                        3,
                        entity(
                            &tx,
                            3,
                            concept,
                            stance.map(|s| s.color.0),
                            ["", "", &description],
                            &mut report,
                        )?,
                    ),
                ];
                for (var, e) in cells {
                    tx.execute(
                        "INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?1, ?2, ?3)",
                        params![statement, var, e],
                    )
                    .map_err(&err)?;
                }
                if ann.position.is_none() {
                    without_position += 1;
                }
                let agreement = i64::from(ann.position.is_none_or(|p| p >= 0));
                tx.execute(
                    "INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?1, 4, ?2)",
                    params![statement, agreement],
                )
                .map_err(&err)?;
                if needs_position {
                    tx.execute(
                        "INSERT INTO DATAINTEGER (StatementId, VariableId, Value) VALUES (?1, 5, ?2)",
                        params![statement, ann.position.unwrap_or(0)],
                    )
                    .map_err(&err)?;
                }
            }
        }
        if without_position > 0 {
            report.push(format!(
                "{without_position} annotation(s) without a position written as agreeing (DNA's default)"
            ));
        }
        if orphans > 0 {
            report.push(format!(
                "{orphans} orphaned annotation(s) left out (their passage is gone from the text)"
            ));
        }
        tx.commit().map_err(&err)?;
        db.close().map_err(|(_, e)| err(e))?;
        Ok(())
    })();
    match result {
        Ok(()) => {
            std::fs::rename(&tmp, path).map_err(|e| DnaError::Sqlite(e.to_string()))?;
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// True when `bytes` start like an SQLite database.
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(b"SQLite format 3\0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_map_through_surrogates_and_crlf() {
        let raw = "🌍 a\r\nb";
        let map = utf16_to_chars(raw);
        // 🌍 is two units; "a" at unit 3 is code point 2; "\n" (unit 5) and "\r" (unit 4) map
        // to the same code point; "b" at unit 6 is code point 4 of "🌍 a\nb".
        assert_eq!(map[0], Some(0));
        assert_eq!(map[1], None);
        assert_eq!(map[3], Some(2));
        assert_eq!(map[4], map[5]);
        assert_eq!(map[6], Some(4));
        assert_eq!(normalised(raw).chars().nth(4), Some('b'));
        assert_eq!(char_to_utf16("🌍 a"), vec![0, 2, 3, 4]);
    }

    #[test]
    fn the_jasypt_hash_is_salt_then_digest_in_base64() {
        use base64::Engine;
        let h = jasypt_hash("stancemark", [7; 16]);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&h)
            .unwrap();
        assert_eq!(bytes.len(), 48);
        assert_eq!(&bytes[..16], &[7; 16]);
        assert_ne!(h, jasypt_hash("stancemark", [8; 16]));
    }
}
