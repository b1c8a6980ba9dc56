//! REFI-QDA, the exchange standard of MAXQDA, NVivo, ATLAS.ti and QualCoder: a `.qdpx` project
//! (a zip with `project.qde` and `sources/<guid>.txt`) and a `.qdc` codebook.
//!
//! Written: the stance scheme as the codebook (colours, hierarchy, descriptions), each article a
//! `TextSource`, each annotation a `PlainTextSelection` with its `Coding`, notes as `Note`s, the
//! annotator as a `User`. An orphan has no place in its text: it is written as a note on its
//! source, never as a selection on the wrong characters. Both validate against the REFI XSDs
//! (checked by tests with xmllint).
//!
//! Read, tolerantly (files from other tools differ in small ways): `plainTextPath` with or
//! without `internal://`, `sources/` or `Sources/`, a BOM at the start of a source, CRLF line
//! ends (positions mapped onto the LF text), a selection with several codings (one annotation
//! each), nested codes (kept as parents), codes without colours, PDF sources with a plain-text
//! representation; other sources are skipped with a message.

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use quick_xml::escape::escape;
use uuid::Uuid;

use crate::core::model::{
    Annotation, Article, Project, Rgb, Stance, StanceId, StanceScheme, TextRange,
};
use crate::formats::export::ExportError;
use crate::import::archive::Archive;
use crate::import::xml::{self, Item};

/// Namespace of the UUIDs made for stances, users and notes (stable across exports).
const NAMESPACE: Uuid = Uuid::from_u128(0x5f3e_2b1a_7c4d_4e8f_9a06_b2d1_c3e4_f5a6);
/// Code points of a quote used as a selection's name.
const SELECTION_NAME_CHARS: usize = 60;
/// Colours given to codes that have none, in turn.
const CODE_COLORS: [[u8; 3]; 8] = [
    [52, 120, 246],
    [46, 160, 67],
    [230, 126, 34],
    [155, 89, 182],
    [231, 76, 60],
    [22, 160, 133],
    [241, 196, 15],
    [127, 140, 141],
];

fn guid(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{key}").as_bytes())
}

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn codes_xml(scheme: &StanceScheme, parent: Option<&StanceId>, out: &mut String) {
    for s in scheme.children(parent) {
        out.push_str(&format!(
            "<Code guid=\"{}\" name=\"{}\" isCodable=\"{}\" color=\"{}\">",
            guid("stance", s.id.as_str()),
            // A codebook's code goes before the name ("103.1 Anti-Imperialism: …").
            escape(s.coded_label()),
            !s.group,
            s.color.to_hex()
        ));
        if !s.description.is_empty() {
            out.push_str(&format!(
                "<Description>{}</Description>",
                escape(&s.description)
            ));
        }
        codes_xml(scheme, Some(&s.id), out);
        out.push_str("</Code>");
    }
}

/// The codebook (`.qdc`): the stance scheme with its hierarchy.
pub fn write_qdc(project: &Project) -> String {
    let mut codes = String::new();
    codes_xml(&project.stances, None, &mut codes);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"stancemark {}\"><Codes>{codes}</Codes></CodeBook>\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The `project.qde` of a project, and its source texts by file name.
fn project_qde(project: &Project) -> (String, Vec<(String, String)>) {
    // One User per analyst with annotations, named as the project names them.
    let mut users: Vec<&str> = project
        .annotations
        .analysts()
        .into_iter()
        .map(|id| project.analyst_name(id))
        .filter(|a| !a.is_empty())
        .collect();
    users.sort_unstable();
    users.dedup();
    let user = |name: &str| (!name.is_empty()).then(|| guid("user", name));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"stancemark {}\">",
        escape(&project.name),
        env!("CARGO_PKG_VERSION")
    );
    if !users.is_empty() {
        xml.push_str("<Users>");
        for u in &users {
            xml.push_str(&format!(
                "<User guid=\"{}\" name=\"{}\"/>",
                guid("user", u),
                escape(*u)
            ));
        }
        xml.push_str("</Users>");
    }
    if !project.stances.0.is_empty() {
        xml.push_str("<CodeBook><Codes>");
        codes_xml(&project.stances, None, &mut xml);
        xml.push_str("</Codes></CodeBook>");
    }
    let mut notes = String::new();
    let mut sources = Vec::new();
    xml.push_str("<Sources>");
    let rows = super::rows(project, None);
    for article in &project.articles {
        let file = format!("{}.txt", article.id);
        xml.push_str(&format!(
            "<TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{file}\">",
            article.id,
            escape(&article.title)
        ));
        let mut source_notes = Vec::new();
        for row in rows.iter().filter(|r| r.article.id == article.id) {
            let a = row.annotation;
            let note_id = guid("note", &a.id.to_string());
            let creator = user(project.analyst_name(&a.analyst))
                .map(|g| format!(" creatingUser=\"{g}\""))
                .unwrap_or_default();
            let Some((start, end)) = row.range else {
                // An orphan: a note on its source, with its quote and stance.
                notes.push_str(&note_xml(
                    note_id,
                    &format!(
                        "Orphaned annotation ({}): “{}”{}",
                        row.stance_label(),
                        a.quote,
                        if a.note.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", a.note)
                        }
                    ),
                    &creator,
                    &a.created,
                ));
                source_notes.push(note_id);
                continue;
            };
            xml.push_str(&format!(
                "<PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{start}\" endPosition=\"{end}\"{creator} creationDateTime=\"{}\" modifiedDateTime=\"{}\">",
                a.id,
                escape(crate::core::text::snippet(&a.quote, SELECTION_NAME_CHARS)),
                time(&a.created),
                time(&a.modified)
            ));
            xml.push_str(&format!(
                "<Coding guid=\"{}\"{creator} creationDateTime=\"{}\"><CodeRef targetGUID=\"{}\"/></Coding>",
                guid("coding", &a.id.to_string()),
                time(&a.created),
                guid("stance", a.stance.as_str())
            ));
            if !a.note.is_empty() {
                xml.push_str(&format!("<NoteRef targetGUID=\"{note_id}\"/>"));
                notes.push_str(&note_xml(note_id, &a.note, &creator, &a.modified));
            }
            xml.push_str("</PlainTextSelection>");
        }
        for note in source_notes {
            xml.push_str(&format!("<NoteRef targetGUID=\"{note}\"/>"));
        }
        xml.push_str("</TextSource>");
        sources.push((file, article.text.clone()));
    }
    xml.push_str("</Sources>");
    if !notes.is_empty() {
        xml.push_str(&format!("<Notes>{notes}</Notes>"));
    }
    xml.push_str("</Project>\n");
    (xml, sources)
}

fn note_xml(id: Uuid, text: &str, creator: &str, at: &DateTime<Utc>) -> String {
    format!(
        "<Note guid=\"{id}\" name=\"{}\"{creator} creationDateTime=\"{}\"><PlainTextContent>{}</PlainTextContent></Note>",
        escape(crate::core::text::snippet(text, SELECTION_NAME_CHARS)),
        time(at),
        escape(text)
    )
}

/// The `.qdpx` of a project.
pub fn write_qdpx(project: &Project) -> Result<Vec<u8>, ExportError> {
    let fail = |e: &dyn std::fmt::Display| ExportError::Encode {
        format: "qdpx",
        message: e.to_string(),
    };
    let (qde, sources) = project_qde(project);
    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("project.qde", options)
        .map_err(|e| fail(&e))?;
    zip.write_all(qde.as_bytes()).map_err(|e| fail(&e))?;
    for (name, text) in sources {
        zip.start_file(format!("sources/{name}"), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    zip.finish().map_err(|e| fail(&e))?;
    Ok(out.into_inner())
}

// ----- reading --------------------------------------------------------------------------------

/// A project read from a `.qdpx`, with what could not be taken over.
#[derive(Debug)]
pub struct ReadQdpx {
    /// The project.
    pub project: Project,
    /// Sources, selections and codings left out, with why.
    pub skipped: Vec<String>,
}

/// A code as read: its stance and parent code.
struct Code {
    name: String,
    color: Option<Rgb>,
    description: String,
    parent: Option<String>,
}

/// A selection as read.
#[derive(Default)]
struct Selection {
    guid: String,
    /// Its name: most tools write the start of the selected text here.
    name: String,
    start: usize,
    end: usize,
    codes: Vec<String>,
    notes: Vec<String>,
    user: Option<String>,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
}

/// A text source as read.
#[derive(Default)]
struct Source {
    guid: String,
    name: String,
    path: Option<String>,
    inline: Option<String>,
    selections: Vec<Selection>,
    /// What kind of source, for messages (`TextSource`, `PDFSource`…).
    kind: String,
}

/// Everything of `project.qde` that stancemark keeps.
#[derive(Default)]
struct Qde {
    name: String,
    users: HashMap<String, String>,
    codes: Vec<(String, Code)>,
    sources: Vec<Source>,
    notes: HashMap<String, String>,
    skipped: Vec<String>,
}

fn parse_time(value: Option<&str>) -> Option<DateTime<Utc>> {
    value.and_then(|v| {
        DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S")
                    .ok()
                    .map(|t| t.and_utc())
            })
    })
}

/// Reads `project.qde`.
fn read_qde(text: &str) -> Result<Qde, String> {
    let mut qde = Qde::default();
    let mut code_stack: Vec<String> = Vec::new();
    let mut source: Option<Source> = None;
    let mut selection: Option<Selection> = None;
    let mut note: Option<(String, String)> = None;
    // The element whose text is being read: a code description, inline text or a note.
    let mut reading: Option<&'static str> = None;
    let mut in_representation = false;
    xml::walk(text, |item| match item {
        Item::Start(e) => match e.name.as_str() {
            "Project" => qde.name = e.attribute("name").unwrap_or("Imported project").to_owned(),
            "User" => {
                if let (Some(g), Some(n)) = (e.attribute("guid"), e.attribute("name")) {
                    qde.users.insert(g.to_owned(), n.to_owned());
                }
            }
            "Code" => {
                let g = e.attribute("guid").unwrap_or_default().to_owned();
                let code = Code {
                    name: e.attribute("name").unwrap_or("code").to_owned(),
                    color: e.attribute("color").and_then(Rgb::from_hex),
                    description: String::new(),
                    parent: code_stack.last().cloned(),
                };
                qde.codes.push((g.clone(), code));
                code_stack.push(g);
            }
            "Description" if !code_stack.is_empty() && source.is_none() => reading = Some("code"),
            "TextSource" | "PDFSource" | "PictureSource" | "AudioSource" | "VideoSource"
                if source.is_none() && note.is_none() =>
            {
                source = Some(Source {
                    guid: e.attribute("guid").unwrap_or_default().to_owned(),
                    name: e.attribute("name").unwrap_or("Source").to_owned(),
                    path: e.attribute("plainTextPath").map(str::to_owned),
                    kind: e.name.clone(),
                    ..Source::default()
                });
            }
            "Representation" => {
                in_representation = true;
                if let Some(s) = &mut source {
                    s.path = e
                        .attribute("plainTextPath")
                        .map(str::to_owned)
                        .or(s.path.take());
                }
            }
            "PlainTextContent" if note.is_some() => reading = Some("note"),
            "PlainTextContent" if source.is_some() => reading = Some("inline"),
            "PlainTextSelection" => {
                let number = |k: &str| e.attribute(k).and_then(|v| v.trim().parse().ok());
                selection = Some(Selection {
                    guid: e.attribute("guid").unwrap_or_default().to_owned(),
                    name: e.attribute("name").unwrap_or_default().to_owned(),
                    start: number("startPosition").unwrap_or(0),
                    end: number("endPosition").unwrap_or(0),
                    user: e.attribute("creatingUser").map(str::to_owned),
                    created: parse_time(e.attribute("creationDateTime")),
                    modified: parse_time(e.attribute("modifiedDateTime")),
                    ..Selection::default()
                });
            }
            "CodeRef" => {
                if let (Some(sel), Some(t)) = (&mut selection, e.attribute("targetGUID")) {
                    sel.codes.push(t.to_owned());
                }
            }
            "NoteRef" => {
                if let (Some(sel), Some(t)) = (&mut selection, e.attribute("targetGUID")) {
                    sel.notes.push(t.to_owned());
                }
            }
            "Note" => {
                note = Some((
                    e.attribute("guid").unwrap_or_default().to_owned(),
                    String::new(),
                ))
            }
            _ => {}
        },
        Item::Text(t) => match reading {
            Some("code") => {
                if let Some((_, c)) = qde.codes.last_mut() {
                    c.description.push_str(t);
                }
            }
            Some("inline") => {
                if let Some(s) = &mut source {
                    s.inline.get_or_insert_with(String::new).push_str(t);
                }
            }
            Some("note") => {
                if let Some((_, n)) = &mut note {
                    n.push_str(t);
                }
            }
            _ => {}
        },
        Item::End(name) => match name {
            "Code" => {
                code_stack.pop();
            }
            "Description" | "PlainTextContent" => reading = None,
            "Representation" => in_representation = false,
            "PlainTextSelection" => {
                if let (Some(sel), Some(s)) = (selection.take(), &mut source) {
                    s.selections.push(sel);
                }
            }
            "TextSource" if in_representation => {}
            "TextSource" | "PDFSource" | "PictureSource" | "AudioSource" | "VideoSource" => {
                if let Some(s) = source.take() {
                    qde.sources.push(s);
                }
            }
            "Note" => {
                if let Some((g, text)) = note.take() {
                    qde.notes.insert(g, text);
                }
            }
            _ => {}
        },
    })?;
    Ok(qde)
}

/// Maps code-point positions of text with CRLF line ends onto the same text with LF ends.
struct CrlfMap {
    /// Code-point positions of the `\r`s removed (each was followed by `\n`).
    removed: Vec<usize>,
}

impl CrlfMap {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let removed = chars
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == '\r' && w[1] == '\n')
            .map(|(i, _)| i)
            .collect();
        Self { removed }
    }

    fn map(&self, position: usize) -> usize {
        position - self.removed.partition_point(|r| *r < position)
    }
}

/// Code points of a selection's name compared with its text to tell how it counted.
const NAME_CHECK_CHARS: usize = 24;

/// Where a selection lies in the LF text. Tools count positions over the text with its CRLF
/// line ends (QualCoder, MAXQDA) or without them; when the selection's name holds the start of
/// its text (as most tools write it), the counting that finds it there is taken, else CRLF.
fn selection_range(sel: &Selection, crlf: &CrlfMap, text: &str) -> TextRange {
    let mapped = TextRange {
        start: crlf.map(sel.start),
        end: crlf.map(sel.end),
    };
    let as_is = TextRange {
        start: sel.start,
        end: sel.end,
    };
    let words = |s: &str| -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(NAME_CHECK_CHARS)
            .collect()
    };
    let name = words(&sel.name);
    let len = text.chars().count();
    let holds_name = |r: &TextRange| {
        r.end <= len && r.start < r.end && words(crate::core::text::slice_chars(text, *r)) == name
    };
    if name.is_empty() || mapped == as_is || holds_name(&mapped) || !holds_name(&as_is) {
        mapped
    } else {
        as_is
    }
}

/// The text of a source: its file in the archive (by `plainTextPath`, however written), or
/// its inline content.
fn source_text(archive: &mut Archive, source: &Source) -> Result<String, String> {
    if let Some(path) = &source.path {
        let file = path
            .trim_start_matches("internal://")
            .trim_start_matches("relative://")
            .trim_start_matches('/');
        let candidates = [file.to_owned(), format!("sources/{file}")];
        let found = candidates
            .iter()
            .find_map(|c| archive.find(c).map(str::to_owned));
        return match found {
            Some(name) => {
                let bytes = archive.read(&name).map_err(|e| e.to_string())?;
                Ok(crate::import::text::decode(&bytes).text)
            }
            None => Err(format!("its text file {path} is not in the archive")),
        };
    }
    source
        .inline
        .clone()
        .ok_or_else(|| "it has no plain-text representation".to_owned())
}

/// Turns the codes into a stance scheme; returns it and the stance of each code guid.
fn stances_of(codes: &[(String, Code)]) -> (StanceScheme, HashMap<String, StanceId>) {
    let mut scheme = StanceScheme(Vec::new());
    let mut ids = HashMap::new();
    for (n, (g, code)) in codes.iter().enumerate() {
        let id = scheme.unique_id_for(&code.name);
        ids.insert(g.clone(), id.clone());
        let hotkey = scheme.free_hotkey();
        let color = code.color.unwrap_or_else(|| {
            // A colour no other code has, while the palette lasts.
            let taken = |c: &[u8; 3]| {
                codes.iter().any(|(_, other)| other.color == Some(Rgb(*c)))
                    || scheme.0.iter().any(|s| s.color == Rgb(*c))
            };
            let free = CODE_COLORS.iter().find(|c| !taken(c));
            Rgb(*free.unwrap_or(&CODE_COLORS[n % CODE_COLORS.len()]))
        });
        scheme.0.push(Stance {
            id,
            label: code.name.clone(),
            color,
            description: code.description.trim().to_owned(),
            hotkey,
            parent: code.parent.as_ref().and_then(|p| ids.get(p).cloned()),
            code: None,
            group: false,
        });
    }
    (scheme, ids)
}

/// Reads a REFI-QDA codebook (`.qdc`, or the codes of any `.qde`) as a stance scheme: the
/// hierarchy kept as parents, colours and descriptions kept.
pub fn read_qdc(text: &str) -> Result<StanceScheme, String> {
    let qde = read_qde(text)?;
    if qde.codes.is_empty() {
        return Err("the codebook has no codes".to_owned());
    }
    Ok(stances_of(&qde.codes).0)
}

/// Reads a `.qdpx` into a new project.
pub fn read_qdpx(bytes: Vec<u8>) -> Result<ReadQdpx, String> {
    let mut archive = Archive::open(bytes).map_err(|e| e.to_string())?;
    let qde_name = archive
        .find("project.qde")
        .map(str::to_owned)
        .or_else(|| {
            archive
                .names()
                .iter()
                .find(|n| n.to_lowercase().ends_with(".qde"))
                .cloned()
        })
        .ok_or("no project.qde in the archive")?;
    let qde_text = archive.read_text(&qde_name).map_err(|e| e.to_string())?;
    let mut qde = read_qde(&qde_text).map_err(|e| format!("{qde_name}: {e}"))?;
    let (stances, stance_of) = stances_of(&qde.codes);
    let mut project = Project {
        stances,
        ..Project::new(qde.name.clone())
    };
    for source in std::mem::take(&mut qde.sources) {
        let raw = match source_text(&mut archive, &source) {
            Ok(t) => t,
            Err(why) => {
                qde.skipped
                    .push(format!("{} “{}” skipped: {why}", source.kind, source.name));
                continue;
            }
        };
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(&raw);
        let crlf = CrlfMap::new(raw);
        let mut article = Article::new(source.name.clone(), raw);
        article.id = Uuid::parse_str(source.guid.trim_matches(['{', '}'])).unwrap_or(article.id);
        let len = article.char_len();
        for sel in &source.selections {
            let range = selection_range(sel, &crlf, &article.text);
            if range.is_empty() || range.end > len {
                qde.skipped.push(format!(
                    "selection {} in “{}” ({}..{}) is outside its text; left out",
                    sel.guid, source.name, sel.start, sel.end
                ));
                continue;
            }
            let quote = crate::core::text::slice_chars(&article.text, range).to_owned();
            let note = sel
                .notes
                .iter()
                .filter_map(|n| qde.notes.get(n))
                .map(|n| n.trim())
                .collect::<Vec<_>>()
                .join("\n\n");
            // The selection's User becomes an analyst (by name, matched by slug).
            let annotator = sel
                .user
                .as_ref()
                .and_then(|u| qde.users.get(u))
                .cloned()
                .unwrap_or_default();
            let analyst = match project.analyst_named(&annotator) {
                Some(a) => a.id.clone(),
                None => {
                    let new = project.new_analyst(&annotator);
                    let id = new.id.clone();
                    project.analysts.push(new);
                    id
                }
            };
            let created = sel.created.unwrap_or_else(Utc::now);
            for (k, code) in sel.codes.iter().enumerate() {
                let Some(stance) = stance_of.get(code) else {
                    qde.skipped.push(format!(
                        "a coding of selection {} names an unknown code; left out",
                        sel.guid
                    ));
                    continue;
                };
                // The selection's own id for its first coding, so a round trip keeps ids.
                let id = match (k, Uuid::parse_str(sel.guid.trim_matches(['{', '}']))) {
                    (0, Ok(id)) => id,
                    _ => Uuid::new_v4(),
                };
                let added = project.annotations.insert(Arc::new(Annotation {
                    id,
                    article: article.id,
                    range,
                    quote: quote.clone(),
                    prefix: String::new(),
                    suffix: String::new(),
                    orphaned: false,
                    stance: stance.clone(),
                    note: note.clone(),
                    analyst: analyst.clone(),
                    curator: None,
                    actor: None,
                    position: None,
                    created,
                    modified: sel.modified.unwrap_or(created),
                }));
                if added.is_err() {
                    qde.skipped.push(format!(
                        "selection {} appears twice; its second coding was left out",
                        sel.guid
                    ));
                }
            }
        }
        project.articles.push(Arc::new(article));
    }
    Ok(ReadQdpx {
        project,
        skipped: qde.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_positions_map_onto_the_lf_text() {
        let text = "ab\r\ncd\r\n\r\nef";
        let map = CrlfMap::new(text);
        let lf = crate::core::text::normalize_newlines(text);
        // "cd" starts at 4 in the CRLF text, at 3 in the LF one; "ef" at 10 and 7.
        assert_eq!(map.map(4), 3);
        assert_eq!(map.map(10), 7);
        assert_eq!(&lf[map.map(10)..], "ef");
    }

    #[test]
    fn a_selection_counted_without_carriage_returns_is_told_by_its_name() {
        let crlf_text = "Title\r\nfirst line\r\nthe selected words here";
        let map = CrlfMap::new(crlf_text);
        let lf = crate::core::text::normalize_newlines(crlf_text);
        let start_lf = lf.find("selected").unwrap();
        let start_crlf = crlf_text.find("selected").unwrap();
        let sel = |start: usize| Selection {
            name: "selected words".to_owned(),
            start,
            end: start + "selected words".len(),
            ..Selection::default()
        };
        let want = TextRange {
            start: start_lf,
            end: start_lf + 14,
        };
        assert_eq!(selection_range(&sel(start_crlf), &map, &lf), want);
        assert_eq!(selection_range(&sel(start_lf), &map, &lf), want);
        // Without a name to tell, CRLF counting is assumed.
        let nameless = Selection {
            name: String::new(),
            ..sel(start_crlf)
        };
        assert_eq!(selection_range(&nameless, &map, &lf), want);
    }
}
