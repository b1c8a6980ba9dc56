//! Word (`.docx`) and OpenDocument (`.odt`) documents: paragraphs, headings and list items as
//! lines, tables as one line per row (cells separated by tabs), footnotes at the end under
//! "Notes", and the title, author and date of the document's properties.
//!
//! Both are zip archives of XML, read with the limits of [`super::archive`] and the entity-safe
//! walk of [`super::xml`].

use super::archive::{Archive, ArchiveError};
use super::xml::{self, Item};
use super::{Extracted, ImportFault};
use crate::model::ArticleMeta;

/// The line that introduces the footnotes at the end of the text.
const NOTES_HEADING: &str = "Notes";

/// Lines of text being assembled from a document's elements.
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    line: String,
    /// Table nesting depth, and the cells of the row being read.
    table_depth: usize,
    row: Vec<String>,
    cell: String,
    /// Depth inside elements whose text is not part of the document (deleted text, field codes).
    skip: usize,
}

impl Lines {
    fn push_text(&mut self, text: &str) {
        if self.skip > 0 {
            return;
        }
        if self.table_depth > 0 {
            self.cell.push_str(text);
        } else {
            self.line.push_str(text);
        }
    }

    fn end_paragraph(&mut self) {
        if self.table_depth > 0 {
            // Paragraphs within a cell share the cell's line.
            if !self.cell.trim().is_empty() && !self.cell.ends_with(' ') {
                self.cell.push(' ');
            }
            return;
        }
        let line = std::mem::take(&mut self.line);
        let line = line.trim();
        if !line.is_empty() {
            self.lines.push(line.to_owned());
        }
    }

    fn end_cell(&mut self) {
        let cell = std::mem::take(&mut self.cell);
        self.row
            .push(cell.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    fn end_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        if row.iter().any(|c| !c.is_empty()) {
            self.lines.push(row.join("\t"));
        }
    }

    fn finish(mut self, notes: Vec<String>) -> String {
        self.end_paragraph();
        if !notes.is_empty() {
            self.lines.push(NOTES_HEADING.to_owned());
            for (n, note) in notes.iter().enumerate() {
                self.lines.push(format!("[{}] {}", n + 1, note.trim()));
            }
        }
        self.lines.join("\n")
    }
}

fn xml_fault(entry: &str) -> impl Fn(String) -> ImportFault + '_ {
    move |message| ImportFault::Xml {
        entry: entry.to_owned(),
        message,
    }
}

/// Reads a Word document.
pub fn docx(bytes: Vec<u8>) -> Result<Extracted, ImportFault> {
    let mut archive = Archive::open(bytes)?;
    let document = archive.read_text("word/document.xml")?;
    let footnotes = match archive.read_text("word/footnotes.xml") {
        Ok(xml) => docx_footnotes(&xml).map_err(xml_fault("word/footnotes.xml"))?,
        Err(ArchiveError::Missing(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let mut lines = Lines::default();
    let mut in_text = false;
    let mut notes: Vec<String> = Vec::new();
    xml::walk(&document, |item| match item {
        Item::Start(e) => match e.name.as_str() {
            "p" => {}
            "t" => in_text = true,
            "tab" => lines.push_text("\t"),
            "br" | "cr" if lines.table_depth == 0 => lines.end_paragraph(),
            "br" | "cr" => lines.push_text(" "),
            "del" | "instrText" | "delText" | "footnotePr" => lines.skip += 1,
            "tbl" => lines.table_depth += 1,
            "footnoteReference" => {
                let id = e.attribute("id").unwrap_or_default();
                let text = footnotes
                    .iter()
                    .find(|(fid, _)| fid == id)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                notes.push(text);
                lines.push_text(&format!("[{}]", notes.len()));
            }
            _ => {}
        },
        Item::End(name) => match name {
            "t" => in_text = false,
            "p" => lines.end_paragraph(),
            "del" | "instrText" | "delText" | "footnotePr" => lines.skip -= 1,
            "tc" if lines.table_depth == 1 => lines.end_cell(),
            "tr" if lines.table_depth == 1 => lines.end_row(),
            "tbl" => lines.table_depth -= 1,
            _ => {}
        },
        Item::Text(t) if in_text => lines.push_text(t),
        Item::Text(_) => {}
    })
    .map_err(xml_fault("word/document.xml"))?;
    let meta_xml = optional_entry(&mut archive, "docProps/core.xml")?;
    let (title, meta) = match meta_xml {
        Some(xml) => properties(&xml).map_err(xml_fault("docProps/core.xml"))?,
        None => (None, ArticleMeta::default()),
    };
    Ok(Extracted {
        text: lines.finish(notes),
        title,
        meta,
        warnings: Vec::new(),
    })
}

/// The footnotes of a Word document: (id, text), separators left out.
fn docx_footnotes(xml: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut in_text = false;
    xml::walk(xml, |item| match item {
        Item::Start(e) if e.name == "footnote" => {
            let separator = e.attribute("type").is_some_and(|t| t != "normal");
            current = (!separator).then(|| {
                (
                    e.attribute("id").unwrap_or_default().to_owned(),
                    String::new(),
                )
            });
        }
        Item::Start(e) if e.name == "t" => in_text = true,
        Item::End("t") => in_text = false,
        Item::End("p") => {
            if let Some((_, text)) = &mut current
                && !text.is_empty()
            {
                text.push(' ');
            }
        }
        Item::End("footnote") => {
            if let Some((id, text)) = current.take() {
                out.push((id, text.trim().to_owned()));
            }
        }
        Item::Text(t) if in_text => {
            if let Some((_, text)) = &mut current {
                text.push_str(t);
            }
        }
        _ => {}
    })?;
    Ok(out)
}

/// Reads an OpenDocument text.
pub fn odt(bytes: Vec<u8>) -> Result<Extracted, ImportFault> {
    let mut archive = Archive::open(bytes)?;
    let content = archive.read_text("content.xml")?;
    let mut lines = Lines::default();
    let mut notes: Vec<String> = Vec::new();
    // Inside a note: its citation (left out: the note is numbered here) or its body.
    let (mut in_citation, mut note_depth) = (false, 0usize);
    let mut in_text_body = false;
    xml::walk(&content, |item| match item {
        Item::Start(e) => match e.name.as_str() {
            "text" => in_text_body = true,
            "note" => {
                note_depth += 1;
                notes.push(String::new());
                lines.push_text(&format!("[{}]", notes.len()));
            }
            "note-citation" => in_citation = true,
            "s" if note_depth == 0 => {
                let n: usize = e.attribute("c").and_then(|c| c.parse().ok()).unwrap_or(1);
                lines.push_text(&" ".repeat(n.min(100)));
            }
            "tab" if note_depth == 0 => lines.push_text("\t"),
            "line-break" if note_depth == 0 => lines.end_paragraph(),
            "table" => lines.table_depth += 1,
            "tracked-changes" => lines.skip += 1,
            _ => {}
        },
        Item::End(name) => match name {
            "note" => note_depth -= 1,
            "note-citation" => in_citation = false,
            "p" | "h" if note_depth == 0 => lines.end_paragraph(),
            "p" if note_depth > 0 => {
                if let Some(n) = notes.last_mut() {
                    n.push(' ');
                }
            }
            "table-cell" if lines.table_depth == 1 => lines.end_cell(),
            "table-row" if lines.table_depth == 1 => lines.end_row(),
            "table" => lines.table_depth -= 1,
            "tracked-changes" => lines.skip -= 1,
            _ => {}
        },
        Item::Text(_) if !in_text_body || in_citation => {}
        Item::Text(t) if note_depth > 0 => {
            if let Some(n) = notes.last_mut() {
                n.push_str(t);
            }
        }
        Item::Text(t) => lines.push_text(t),
    })
    .map_err(xml_fault("content.xml"))?;
    let meta_xml = optional_entry(&mut archive, "meta.xml")?;
    let (title, meta) = match meta_xml {
        Some(xml) => properties(&xml).map_err(xml_fault("meta.xml"))?,
        None => (None, ArticleMeta::default()),
    };
    let notes = notes
        .into_iter()
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    Ok(Extracted {
        text: lines.finish(notes),
        title,
        meta,
        warnings: Vec::new(),
    })
}

/// An entry that may be missing.
fn optional_entry(archive: &mut Archive, name: &str) -> Result<Option<String>, ImportFault> {
    match archive.read_text(name) {
        Ok(xml) => Ok(Some(xml)),
        Err(ArchiveError::Missing(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Title, author and date from Dublin Core properties (`docProps/core.xml`, `meta.xml`).
fn properties(xml: &str) -> Result<(Option<String>, ArticleMeta), String> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut open: Option<String> = None;
    xml::walk(xml, |item| match item {
        Item::Start(e) => open = Some(e.name.clone()),
        Item::Text(t) => {
            if let Some(name) = &open {
                fields.push((name.clone(), t.to_owned()));
            }
        }
        Item::End(_) => open = None,
    })?;
    let field = |names: &[&str]| {
        fields
            .iter()
            .find(|(n, v)| names.contains(&n.as_str()) && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let meta = ArticleMeta {
        author: field(&["creator", "initial-creator"]),
        date: field(&["created", "date", "creation-date"]).map(|d| d.chars().take(10).collect()),
        ..ArticleMeta::default()
    };
    Ok((field(&["title"]), meta))
}
