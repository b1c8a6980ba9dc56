//! Word (`.docx`) and OpenDocument (`.odt`) documents: paragraphs, headings and list items as
//! lines, tables as one line per row (cells separated by tabs), footnotes at the end under
//! "Notes", and the title, author and date of the document's properties.
//!
//! Both are zip archives of XML, read with the limits of [`super::archive`] and the entity-safe
//! walk of [`super::xml`].

use super::archive::{Archive, ArchiveError};
use super::xml::{self, Item};
use super::{Extracted, ImportFault};
use crate::core::model::ArticleMeta;

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

/// How a list level numbers its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListFormat {
    /// `•`.
    Bullet,
    /// `1.`
    Decimal,
    /// `a.`
    LowerLetter,
    /// `A.`
    UpperLetter,
    /// `i.`
    LowerRoman,
    /// `I.`
    UpperRoman,
}

impl ListFormat {
    fn of_word(fmt: &str) -> Self {
        match fmt {
            "bullet" | "none" => ListFormat::Bullet,
            "lowerLetter" => ListFormat::LowerLetter,
            "upperLetter" => ListFormat::UpperLetter,
            "lowerRoman" => ListFormat::LowerRoman,
            "upperRoman" => ListFormat::UpperRoman,
            _ => ListFormat::Decimal,
        }
    }

    /// The marker of item `n` (1-based), as Markdown lists are shown: `• `, `1. `, `a. `…
    fn marker(self, n: u32) -> String {
        let letter = |base: u8| {
            let mut n = n.max(1) - 1;
            let mut out = Vec::new();
            loop {
                out.push(char::from(base + (n % 26) as u8));
                if n < 26 {
                    break;
                }
                n = n / 26 - 1;
            }
            out.iter().rev().collect::<String>()
        };
        match self {
            ListFormat::Bullet => "• ".to_owned(),
            ListFormat::Decimal => format!("{n}. "),
            ListFormat::LowerLetter => format!("{}. ", letter(b'a')),
            ListFormat::UpperLetter => format!("{}. ", letter(b'A')),
            ListFormat::LowerRoman => format!("{}. ", roman(n).to_lowercase()),
            ListFormat::UpperRoman => format!("{}. ", roman(n)),
        }
    }
}

/// `n` in Roman numerals (`n` ≥ 1; 0 gives an empty string).
fn roman(mut n: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// A list and level: (`numId` in Word or a list style's name in OpenDocument, level).
type ListLevel = (String, u8);
/// How each list level numbers: (list, level) → (format, first number).
type LevelFormats = Vec<(ListLevel, (ListFormat, u32))>;

/// A paragraph style's numbering in a Word document, or the style it is based on.
struct StyleNumbering {
    id: String,
    num: Option<ListLevel>,
    based_on: Option<String>,
}

/// A Word document's list definitions (`word/numbering.xml`) and the numbering of its
/// paragraph styles (`word/styles.xml`: "List Bullet", "List Number"…), with the counters of
/// the items read so far.
#[derive(Default)]
struct WordLists {
    /// numId → abstractNumId.
    nums: Vec<(String, String)>,
    /// (abstractNumId, level) → (format, start).
    levels: LevelFormats,
    /// The numbering of each paragraph style.
    styles: Vec<StyleNumbering>,
    /// (numId, level) → the last number given.
    counters: Vec<((String, u8), u32)>,
}

impl WordLists {
    fn read(numbering: Option<&str>, styles: Option<&str>) -> Result<Self, String> {
        let mut lists = WordLists::default();
        if let Some(xml) = numbering {
            let (mut abstract_id, mut num_id) = (None::<String>, None::<String>);
            let mut level: Option<(u8, ListFormat, u32)> = None;
            xml::walk(xml, |item| match item {
                Item::Start(e) => match e.name.as_str() {
                    "abstractNum" => abstract_id = e.attribute("abstractNumId").map(Into::into),
                    "lvl" => {
                        let ilvl = e.attribute("ilvl").and_then(|v| v.parse().ok());
                        level = ilvl.map(|l| (l, ListFormat::Decimal, 1));
                    }
                    "numFmt" => {
                        if let (Some(l), Some(v)) = (&mut level, e.attribute("val")) {
                            l.1 = ListFormat::of_word(v);
                        }
                    }
                    "start" => {
                        if let (Some(l), Some(v)) = (&mut level, e.attribute("val")) {
                            l.2 = v.parse().unwrap_or(1);
                        }
                    }
                    "num" => num_id = e.attribute("numId").map(Into::into),
                    "abstractNumId" => {
                        if let (Some(num), Some(v)) = (num_id.take(), e.attribute("val")) {
                            lists.nums.push((num, v.to_owned()));
                        }
                    }
                    _ => {}
                },
                Item::End("lvl") => {
                    if let (Some(a), Some((l, format, start))) = (&abstract_id, level.take()) {
                        lists.levels.push(((a.clone(), l), (format, start)));
                    }
                }
                Item::End("abstractNum") => abstract_id = None,
                _ => {}
            })?;
        }
        if let Some(xml) = styles {
            let mut current: Option<StyleNumbering> = None;
            let mut in_num_pr = false;
            xml::walk(xml, |item| match item {
                Item::Start(e) => match e.name.as_str() {
                    "style" => {
                        current = e.attribute("styleId").map(|id| StyleNumbering {
                            id: id.to_owned(),
                            num: None,
                            based_on: None,
                        });
                    }
                    "basedOn" => {
                        if let (Some(c), Some(v)) = (&mut current, e.attribute("val")) {
                            c.based_on = Some(v.to_owned());
                        }
                    }
                    "numPr" => in_num_pr = true,
                    "numId" if in_num_pr => {
                        if let (Some(c), Some(v)) = (&mut current, e.attribute("val")) {
                            let level = c.num.as_ref().map_or(0, |n| n.1);
                            c.num = Some((v.to_owned(), level));
                        }
                    }
                    "ilvl" if in_num_pr => {
                        if let (Some(c), Some(v)) = (&mut current, e.attribute("val")) {
                            let num = c.num.take().map(|n| n.0).unwrap_or_default();
                            c.num = Some((num, v.parse().unwrap_or(0)));
                        }
                    }
                    _ => {}
                },
                Item::End("numPr") => in_num_pr = false,
                Item::End("style") => lists.styles.extend(current.take()),
                _ => {}
            })?;
        }
        Ok(lists)
    }

    /// The numbering of a paragraph style, following `basedOn` (a few steps at most).
    fn style_numbering(&self, style: &str) -> Option<ListLevel> {
        let mut style = style;
        for _ in 0..8 {
            let found = self.styles.iter().find(|s| s.id == style)?;
            if let Some(num) = &found.num {
                return Some(num.clone());
            }
            style = found.based_on.as_deref()?;
        }
        None
    }

    /// The marker of the next item of list `num_id` at `level`, counting it. A paragraph whose
    /// list has no definition (or `numId` 0, "no list") is a bullet item, or none at all.
    fn next_marker(&mut self, num_id: &str, level: u8) -> Option<String> {
        if num_id == "0" {
            return None;
        }
        let abstract_id = self
            .nums
            .iter()
            .find(|(n, _)| n == num_id)
            .map(|(_, a)| a.clone());
        let Some((format, start)) = abstract_id.and_then(|a| {
            self.levels
                .iter()
                .find(|(key, _)| key.0 == a && key.1 == level)
                .map(|(_, v)| *v)
        }) else {
            return Some(ListFormat::Bullet.marker(1));
        };
        // A level's numbering restarts after an item of a shallower level of the same list.
        self.counters
            .retain(|((n, l), _)| !(n == num_id && *l > level));
        let n = match self
            .counters
            .iter_mut()
            .find(|((n, l), _)| n == num_id && *l == level)
        {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counters.push(((num_id.to_owned(), level), start));
                start
            }
        };
        Some(format.marker(n))
    }
}

/// A paragraph's list membership as read from its properties.
#[derive(Default)]
struct ParagraphList {
    style: Option<String>,
    num_id: Option<String>,
    level: Option<u8>,
    in_num_pr: bool,
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
    let numbering = optional_entry(&mut archive, "word/numbering.xml")?;
    let styles = optional_entry(&mut archive, "word/styles.xml")?;
    let mut lists = WordLists::read(numbering.as_deref(), styles.as_deref())
        .map_err(xml_fault("word/numbering.xml or word/styles.xml"))?;
    let mut lines = Lines::default();
    let mut in_text = false;
    let mut notes: Vec<String> = Vec::new();
    let mut paragraph = ParagraphList::default();
    xml::walk(&document, |item| match item {
        Item::Start(e) => match e.name.as_str() {
            "p" => paragraph = ParagraphList::default(),
            "pStyle" => paragraph.style = e.attribute("val").map(Into::into),
            "numPr" => paragraph.in_num_pr = true,
            "numId" if paragraph.in_num_pr => {
                paragraph.num_id = e.attribute("val").map(Into::into);
            }
            "ilvl" if paragraph.in_num_pr => {
                paragraph.level = e.attribute("val").and_then(|v| v.parse().ok());
            }
            // The marker goes before the paragraph's first text.
            "r" if paragraph.num_id.is_some() || paragraph.style.is_some() => {
                let by_style = paragraph
                    .style
                    .take()
                    .and_then(|s| lists.style_numbering(&s));
                let num = match (paragraph.num_id.take(), by_style) {
                    (Some(num), style) => Some((
                        num,
                        paragraph.level.or(style.map(|s| s.1)).unwrap_or_default(),
                    )),
                    (None, Some((num, level))) => Some((num, paragraph.level.unwrap_or(level))),
                    (None, None) => None,
                };
                if lines.table_depth == 0
                    && let Some((num, level)) = num
                    && let Some(marker) = lists.next_marker(&num, level)
                {
                    lines.push_text(&marker);
                }
            }
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
            "numPr" => paragraph.in_num_pr = false,
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

/// The list styles of an OpenDocument text: (style name, level) → format and start.
fn odt_list_styles(xml: &str) -> Result<LevelFormats, String> {
    let mut out = Vec::new();
    let mut style: Option<String> = None;
    xml::walk(xml, |item| match item {
        Item::Start(e) if e.name == "list-style" => style = e.attribute("name").map(Into::into),
        Item::Start(e) if e.name.starts_with("list-level-style-") => {
            let (Some(name), Some(level)) = (
                &style,
                e.attribute("level").and_then(|l| l.parse::<u8>().ok()),
            ) else {
                return;
            };
            let format = if e.name == "list-level-style-number" {
                match e.attribute("num-format").unwrap_or("1") {
                    "a" => ListFormat::LowerLetter,
                    "A" => ListFormat::UpperLetter,
                    "i" => ListFormat::LowerRoman,
                    "I" => ListFormat::UpperRoman,
                    "" => ListFormat::Bullet,
                    _ => ListFormat::Decimal,
                }
            } else {
                ListFormat::Bullet
            };
            let start = e
                .attribute("start-value")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            out.push(((name.clone(), level), (format, start)));
        }
        Item::End("list-style") => style = None,
        _ => {}
    })?;
    Ok(out)
}

/// An open `text:list` of an OpenDocument text: its style and the number of its last item.
struct OdtList {
    style: Option<String>,
    count: u32,
}

/// Reads an OpenDocument text.
pub fn odt(bytes: Vec<u8>) -> Result<Extracted, ImportFault> {
    let mut archive = Archive::open(bytes)?;
    let content = archive.read_text("content.xml")?;
    let mut list_styles = odt_list_styles(&content).map_err(xml_fault("content.xml"))?;
    if let Some(styles) = optional_entry(&mut archive, "styles.xml")? {
        list_styles.extend(odt_list_styles(&styles).map_err(xml_fault("styles.xml"))?);
    }
    let mut open_lists: Vec<OdtList> = Vec::new();
    // The marker of a list item, written before its first paragraph's text.
    let mut pending_marker: Option<String> = None;
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
            "list" if note_depth == 0 => {
                let style = e
                    .attribute("style-name")
                    .map(str::to_owned)
                    .or_else(|| open_lists.last().and_then(|l| l.style.clone()));
                open_lists.push(OdtList { style, count: 0 });
            }
            "list-item" if note_depth == 0 => {
                let level = open_lists.len() as u8;
                if let Some(list) = open_lists.last_mut() {
                    let (format, start) = list
                        .style
                        .as_ref()
                        .and_then(|name| {
                            list_styles
                                .iter()
                                .find(|(k, _)| &k.0 == name && k.1 == level)
                                .map(|(_, v)| *v)
                        })
                        .unwrap_or((ListFormat::Bullet, 1));
                    list.count = if list.count == 0 {
                        start
                    } else {
                        list.count + 1
                    };
                    pending_marker = Some(format.marker(list.count));
                }
            }
            "p" | "h" if note_depth == 0 && lines.table_depth == 0 => {
                if let Some(marker) = pending_marker.take() {
                    lines.push_text(&marker);
                }
            }
            _ => {}
        },
        Item::End(name) => match name {
            "list" if note_depth == 0 => {
                open_lists.pop();
            }
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
