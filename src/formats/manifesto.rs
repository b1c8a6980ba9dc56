//! Manifesto Corpus CSV files (the Manifesto Project's coded quasi-sentences, as `manifestoR`
//! writes them): `text, cmp_code, eu_code` and optionally `pos` and metadata columns, one row
//! per coded unit.
//!
//! Reading: one article per file; each row a unit, rows joined in order by one space within a
//! paragraph, an `H` row (heading) a paragraph of its own; `cmp_code` the unit's code under
//! the Manifesto template (`0`/`000` no category, empty or `NA` uncoded), `eu_code` a second
//! code under the `eu_code` group. Unknown codes are added under "Unknown codes" and reported,
//! never dropped; rows with empty text are reported and left out.
//!
//! Writing: one row per unit in text order, `text` exactly the unit's text, `cmp_code` the
//! unit's code (`000`, `NA` where uncoded, `H` for headings), `eu_code`, `pos` 1…n. Reading
//! then writing gives back the same `text`, `cmp_code` and `eu_code` per row.

use std::sync::Arc;

use crate::core::model::{
    Annotation, Article, ArticleId, Project, Rgb, Stance, StanceId, TextRange, Unit,
};
use crate::core::schemes::{self, Template};
use crate::core::units::{self, EU_CODE_GROUP, UnitCode};
use crate::core::workspace::{ActionError, Workspace};

/// The analyst a Manifesto file's codes belong to unless another is named.
pub const MANIFESTO_ANALYST: &str = "manifesto-project";
/// The group of codes a file uses that the Manifesto template lacks.
pub const UNKNOWN_GROUP: &str = "marpor-unknown";
/// The columns written.
pub const COLUMNS: [&str; 4] = ["text", "cmp_code", "eu_code", "pos"];

/// A unit's code in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowCode {
    /// `NA` or empty.
    Uncoded,
    /// `H`.
    Heading,
    /// A code (`000` for no category).
    Code(String),
}

/// A Manifesto file read: its article (with units) and each unit's codes.
#[derive(Debug, Clone)]
pub struct ManifestoDoc {
    /// The article, unitised.
    pub article: Article,
    /// Per unit: its `cmp_code` and `eu_code`.
    pub codes: Vec<(RowCode, Option<String>)>,
    /// What was left out or added, in words.
    pub report: Vec<String>,
}

/// Whether a text is a Manifesto Corpus CSV: a row naming `text` and `cmp_code` within the
/// first 10 lines.
pub fn looks_like(text: &str) -> bool {
    header_at(text).is_some()
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The index of the header record and its columns.
fn header_at(text: &str) -> Option<(usize, Vec<String>)> {
    let text = text.trim_start_matches('\u{feff}');
    let head: String = text.lines().take(10).collect::<Vec<_>>().join("\n");
    for (i, record) in reader(&head).records().enumerate() {
        let Ok(record) = record else { break };
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_lowercase()).collect();
        if cells.iter().any(|c| c == "text") && cells.iter().any(|c| c == "cmp_code") {
            return Some((i, cells));
        }
    }
    None
}

/// `104.0` → `104`, `0` → `000`, trimmed; `NA` and empty are `None`.
fn clean_code(raw: &str) -> Option<String> {
    let code = raw.trim();
    if code.is_empty() || code.eq_ignore_ascii_case("na") {
        return None;
    }
    let code = code
        .strip_suffix(".0")
        .filter(|c| c.chars().all(|ch| ch.is_ascii_digit()))
        .unwrap_or(code);
    if code.chars().all(|c| c == '0') {
        return Some("000".to_owned());
    }
    Some(code.to_owned())
}

/// Reads a Manifesto Corpus CSV (`title` names the article when the file has no `title`
/// column).
pub fn read(text: &str, title: &str) -> Result<ManifestoDoc, String> {
    let text = text.trim_start_matches('\u{feff}');
    let Some((header_row, columns)) = header_at(text) else {
        return Err(
            "not a Manifesto Corpus CSV: no header row with `text` and `cmp_code` in its first 10 lines"
                .into(),
        );
    };
    let col = |name: &str| columns.iter().position(|c| c == name);
    let (text_col, cmp_col) = (
        col("text").expect("header"),
        col("cmp_code").expect("header"),
    );
    let eu_col = col("eu_code");
    let skip = ["text", "cmp_code", "eu_code", "pos"];
    let mut meta_values: Vec<(String, String)> = Vec::new();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize; // code points in `current`
    let mut offset = 0usize; // code points before `current`
    let mut units = Vec::new();
    let mut codes = Vec::new();
    let mut report = Vec::new();
    let close = |paragraphs: &mut Vec<String>,
                 current: &mut String,
                 len: &mut usize,
                 offset: &mut usize| {
        if !current.is_empty() {
            *offset += *len + 2; // the blank line after it
            paragraphs.push(std::mem::take(current));
            *len = 0;
        }
    };
    for (i, record) in reader(text).records().enumerate().skip(header_row + 1) {
        let line = i + 1;
        let record = record.map_err(|e| format!("row {line}: {e}"))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        for (c, name) in columns.iter().enumerate() {
            if skip.contains(&name.as_str()) || name.is_empty() {
                continue;
            }
            let value = record.get(c).unwrap_or("").trim();
            if !value.is_empty()
                && !value.eq_ignore_ascii_case("na")
                && !meta_values.iter().any(|(k, _)| k == name)
            {
                meta_values.push((name.clone(), value.to_owned()));
            }
        }
        let row_text = crate::core::text::normalize_newlines(record.get(text_col).unwrap_or(""));
        let raw_cmp = record.get(cmp_col).unwrap_or("").trim();
        let cmp = if raw_cmp.eq_ignore_ascii_case("h") {
            RowCode::Heading
        } else {
            clean_code(raw_cmp).map_or(RowCode::Uncoded, RowCode::Code)
        };
        let eu = eu_col.and_then(|c| clean_code(record.get(c).unwrap_or("")));
        if row_text.trim().is_empty() {
            report.push(format!(
                "line {line}: empty text (cmp_code {}) left out",
                if raw_cmp.is_empty() { "empty" } else { raw_cmp }
            ));
            continue;
        }
        let len = row_text.chars().count();
        if cmp == RowCode::Heading {
            close(&mut paragraphs, &mut current, &mut current_len, &mut offset);
            units.push(Unit {
                start: offset,
                end: offset + len,
                heading: true,
            });
            current = row_text;
            current_len = len;
            close(&mut paragraphs, &mut current, &mut current_len, &mut offset);
        } else {
            if !current.is_empty() {
                current.push(' ');
                current_len += 1;
            }
            let start = offset + current_len;
            units.push(Unit::text(TextRange {
                start,
                end: start + len,
            }));
            current.push_str(&row_text);
            current_len += len;
        }
        codes.push((cmp, eu));
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    if units.is_empty() {
        return Err("the file has no rows with text".into());
    }
    let mut article = Article::new(title, &paragraphs.join("\n\n"));
    article.units = units;
    article.meta.kind = Some("manifesto".into());
    let mut notes = Vec::new();
    for (key, value) in meta_values {
        match key.as_str() {
            "title" => article.title = value,
            "date" | "edate" if article.meta.date.is_none() => {
                article.meta.date = Some(match value.len() {
                    // The Manifesto Project's dates are YYYYMM.
                    6 if value.chars().all(|c| c.is_ascii_digit()) => {
                        format!("{}-{}", &value[..4], &value[4..])
                    }
                    _ => value,
                })
            }
            "partyname" | "party" if article.meta.author.is_none() => {
                article.meta.author = Some(value.clone());
                notes.push(format!("{key}: {value}"));
            }
            "url_original" | "url" if article.meta.url.is_none() => article.meta.url = Some(value),
            _ => notes.push(format!("{key}: {value}")),
        }
    }
    if !notes.is_empty() {
        article.meta.notes = Some(notes.join("\n"));
    }
    Ok(ManifestoDoc {
        article,
        codes,
        report,
    })
}

/// What bringing a Manifesto file into a project did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestoReport {
    /// The new article.
    pub article: Option<ArticleId>,
    /// Units.
    pub units: usize,
    /// Codes added (cmp and EU codes).
    pub codes: usize,
    /// Notes: rows left out, codes added under "Unknown codes".
    pub notes: Vec<String>,
}

impl ManifestoReport {
    /// One line for the status bar or the terminal.
    pub fn summary(&self) -> String {
        format!(
            "Manifesto file: 1 article, {} units, {} codes{}",
            self.units,
            self.codes,
            if self.notes.is_empty() {
                String::new()
            } else {
                format!(" ({} note(s))", self.notes.len())
            }
        )
    }
}

fn code_stance(id: StanceId, label: String, code: &str, parent: &str, color: Rgb) -> Stance {
    Stance {
        id,
        label,
        color,
        description: String::new(),
        hotkey: None,
        parent: Some(StanceId::new(parent)),
        code: Some(code.to_owned()),
        group: false,
    }
}

fn group_stance(id: &str, label: &str, description: &str) -> Stance {
    Stance {
        id: StanceId::new(id),
        label: label.to_owned(),
        color: Rgb([0x9e, 0x9e, 0x9e]),
        description: description.to_owned(),
        hotkey: None,
        parent: None,
        code: None,
        group: true,
    }
}

/// Brings a Manifesto file's article and codes into the project as one undoable step, coded
/// by `analyst` (a name or id; added when missing). The Manifesto template's stances are added
/// when missing.
pub fn apply(
    ws: &mut Workspace,
    doc: ManifestoDoc,
    analyst: &str,
) -> Result<ManifestoReport, ActionError> {
    ws.group("import Manifesto file", |ws| {
        let mut report = ManifestoReport {
            notes: doc.report.clone(),
            units: doc.article.units.len(),
            ..Default::default()
        };
        ws.add_scheme("add the Manifesto scheme", &Template::Manifesto.stances())?;
        // Codes the template lacks, and EU codes.
        let mut extra: Vec<Stance> = Vec::new();
        for (cmp, eu) in &doc.codes {
            if let RowCode::Code(code) = cmp {
                let id = schemes::manifesto_id(code);
                if ws.project().stances.get(&id).is_none() && !extra.iter().any(|s| s.id == id) {
                    if extra.iter().all(|s| s.id.as_str() != UNKNOWN_GROUP) {
                        extra.push(group_stance(
                            UNKNOWN_GROUP,
                            "Unknown codes",
                            "Codes a Manifesto file used that the Manifesto template (handbook version 5) lacks.",
                        ));
                    }
                    report
                        .notes
                        .push(format!("code {code} is not in the Manifesto scheme: added under Unknown codes"));
                    extra.push(code_stance(
                        id,
                        format!("Unknown code {code}"),
                        code,
                        UNKNOWN_GROUP,
                        Rgb([0x75, 0x75, 0x75]),
                    ));
                }
            }
            if let Some(code) = eu {
                let id = StanceId::new(format!("eu-{code}"));
                if ws.project().stances.get(&id).is_none() && !extra.iter().any(|s| s.id == id) {
                    if extra.iter().all(|s| s.id.as_str() != EU_CODE_GROUP)
                        && ws.project().stances.get(&StanceId::new(EU_CODE_GROUP)).is_none()
                    {
                        extra.push(group_stance(
                            EU_CODE_GROUP,
                            "EU codes (eu_code)",
                            "The Manifesto Project's second code on a unit about the European Union.",
                        ));
                    }
                    extra.push(code_stance(
                        id,
                        format!("EU code {code}"),
                        code,
                        EU_CODE_GROUP,
                        Rgb([0x1f, 0x4e, 0x9d]),
                    ));
                }
            }
        }
        ws.add_scheme("add codes", &extra)?;
        // The coder.
        let coder = match ws.project().analyst_named(analyst) {
            Some(a) => a.clone(),
            None => {
                let a = ws.project().new_analyst(analyst);
                ws.put_analyst(a.clone())?;
                a
            }
        };
        let article = Arc::new(doc.article);
        let id = ws.add_article((*article).clone())?;
        report.article = Some(id);
        // To the millisecond, as project folders store times.
        let created = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 3);
        for (unit, (cmp, eu)) in article.units.iter().zip(&doc.codes) {
            let quote = crate::core::text::slice_chars(&article.text, unit.range()).to_owned();
            let mut put = |stance: StanceId| -> Result<(), ActionError> {
                let ann = Annotation::new(
                    id,
                    unit.range(),
                    quote.clone(),
                    stance,
                    coder.id.clone(),
                    created,
                );
                ws.put_annotation(ann)?;
                report.codes += 1;
                Ok(())
            };
            if let RowCode::Code(code) = cmp {
                put(schemes::manifesto_id(code))?;
            }
            if let Some(code) = eu {
                put(StanceId::new(format!("eu-{code}")))?;
            }
        }
        Ok(report)
    })
}

/// A new project (the Manifesto template only) holding a Manifesto file.
pub fn new_project(
    doc: ManifestoDoc,
    name: &str,
    analyst: &str,
) -> Result<(Project, ManifestoReport), ActionError> {
    let mut project = Project::new(name);
    project.stances.0 = Vec::new();
    let mut ws = Workspace::unsaved(project, Box::new(crate::core::workspace::SystemClock));
    let report = apply(&mut ws, doc, analyst)?;
    Ok((ws.project().clone(), report))
}

/// Which analyst's codes an export writes: the one named, else the only one with codes on the
/// article's units.
pub fn coder_of(
    project: &Project,
    article: &Article,
    analyst: Option<&str>,
) -> Result<crate::core::model::AnalystId, String> {
    if let Some(name) = analyst {
        return project
            .analyst(&crate::core::model::AnalystId::new(name))
            .or_else(|| project.analyst_named(name))
            .map(|a| a.id.clone())
            .ok_or_else(|| format!("no analyst {name:?} in the project"));
    }
    let mut coders = units::coders(project, article);
    match coders.len() {
        0 => Err(format!(
            "nobody has coded the units of {:?} yet",
            article.title
        )),
        1 => Ok(coders.remove(0)),
        _ => Err(format!(
            "several analysts coded {:?} ({}): name one with --analyst",
            article.title,
            coders
                .iter()
                .map(|a| project.analyst_name(a))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A stance's code as Manifesto files write it: its code, else its id without `marpor-`.
fn file_code(project: &Project, stance: &StanceId) -> String {
    match project.stances.get(stance).and_then(|s| s.code.clone()) {
        Some(code) => code,
        None => stance
            .as_str()
            .strip_prefix("marpor-")
            .unwrap_or(stance.as_str())
            .to_owned(),
    }
}

/// The Manifesto Corpus CSV of an article's units as `analyst` coded them (UTF-8, no BOM,
/// RFC 4180). Units coded several ways are written `NA` and named in the notes.
pub fn write(
    project: &Project,
    article: &Article,
    analyst: &crate::core::model::AnalystId,
) -> Result<(Vec<u8>, Vec<String>), String> {
    if article.units.is_empty() {
        return Err(format!(
            "{:?} is not unitised: split it into units first (Units → Unitise article)",
            article.title
        ));
    }
    let mut notes = Vec::new();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let e = |e: csv::Error| e.to_string();
    out.write_record(COLUMNS).map_err(e)?;
    let layer = project.annotations.layer(article.id, analyst);
    for (i, unit) in article.units.iter().enumerate() {
        let text = crate::core::text::slice_chars(&article.text, unit.range());
        let cmp = if unit.heading {
            "H".to_owned()
        } else {
            match units::code_of(project, article, analyst, unit) {
                UnitCode::Coded(a) => file_code(project, &a.stance),
                UnitCode::Uncoded => "NA".to_owned(),
                UnitCode::Several(codes) => {
                    notes.push(format!(
                        "unit {} is coded {} ways; written NA",
                        i + 1,
                        codes.len()
                    ));
                    "NA".to_owned()
                }
            }
        };
        let eu = layer
            .iter()
            .find(|a| {
                a.range == unit.range()
                    && !a.orphaned
                    && units::is_aside(&project.stances, &a.stance)
            })
            .map_or_else(|| "NA".to_owned(), |a| file_code(project, &a.stance));
        out.write_record([text, cmp.as_str(), eu.as_str(), &(i + 1).to_string()])
            .map_err(e)?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    Ok((bytes, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\u{feff}text,cmp_code,eu_code,pos,party,date,title\n\
\"Our Programme\",H,NA,1,41320,201709,Zeit für mehr Gerechtigkeit\n\
We will cut taxes;,504,NA,2,41320,201709,\n\
\"we will build schools, and hospitals.\",506,NA,3,,,\n\
,503,NA,4,,,\n\
Europe must act together.,108,1,5,,,\n\
A new code.,999,NA,6,,,\n\
Nothing to code here.,NA,NA,7,,,\n\
\"Peace\",0,,8,,,\n";

    #[test]
    fn a_file_becomes_a_unitised_article_and_writes_back_the_same() {
        assert!(looks_like(FILE));
        assert!(!looks_like("article_id,stance_id\n1,2\n"));
        let doc = read(FILE, "file").unwrap();
        assert_eq!(doc.article.title, "Zeit für mehr Gerechtigkeit");
        assert_eq!(doc.article.meta.date.as_deref(), Some("2017-09"));
        assert_eq!(
            doc.article.text,
            "Our Programme\n\nWe will cut taxes; we will build schools, and hospitals. Europe must act together. A new code. Nothing to code here. Peace"
        );
        assert_eq!(doc.article.units.len(), 7);
        assert!(doc.article.units[0].heading);
        assert_eq!(doc.report.len(), 1, "{:?}", doc.report);
        assert!(doc.report[0].contains("line 5"));
        let (project, report) = new_project(doc, "m", MANIFESTO_ANALYST).unwrap();
        assert!(project.validate().is_empty(), "{:?}", project.validate());
        assert!(report.notes.iter().any(|n| n.contains("999")));
        assert_eq!(report.codes, 6);
        assert!(project.stances.get(&StanceId::new("eu-1")).is_some());
        let article = &project.articles[0];
        let coder = coder_of(&project, article, None).unwrap();
        assert_eq!(coder.as_str(), MANIFESTO_ANALYST);
        let (bytes, notes) = write(&project, article, &coder).unwrap();
        assert!(notes.is_empty());
        let written = String::from_utf8(bytes).unwrap();
        assert_eq!(
            written,
            "text,cmp_code,eu_code,pos\nOur Programme,H,NA,1\nWe will cut taxes;,504,NA,2\n\"we will build schools, and hospitals.\",506,NA,3\nEurope must act together.,108,1,4\nA new code.,999,NA,5\nNothing to code here.,NA,NA,6\nPeace,000,NA,7\n"
        );
    }

    #[test]
    fn broken_files_are_named() {
        assert!(
            read("a,b\n1,2\n", "x")
                .unwrap_err()
                .contains("no header row")
        );
        assert!(
            read("text,cmp_code\n,NA\n", "x")
                .unwrap_err()
                .contains("no rows")
        );
        assert_eq!(clean_code(" 104.0 "), Some("104".into()));
        assert_eq!(clean_code("0"), Some("000".into()));
        assert_eq!(clean_code("103.1"), Some("103.1".into()));
        assert_eq!(clean_code("NA"), None);
    }
}
