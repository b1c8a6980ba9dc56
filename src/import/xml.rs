//! A small, safe walk over XML (Word, OpenDocument and REFI-QDA files): elements by local
//! name, their attributes, and their text.
//!
//! Safety: entities are never expanded. The five predefined ones and character references are
//! resolved; any other reference (declared in a DTD or not) is left out, so a "billion laughs"
//! document or an external entity cannot make the reader grow or fetch anything.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// One step of the walk.
#[derive(Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// An element opens (self-closing elements give a `Start` and an `End`).
    Start(&'a Element),
    /// An element closes.
    End(&'a str),
    /// Text (entities resolved as above).
    Text(&'a str),
}

/// An element: its local name (without namespace prefix) and attributes (local names).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name, e.g. `p` for `w:p`.
    pub name: String,
    /// Attributes by local name.
    pub attributes: Vec<(String, String)>,
}

impl Element {
    /// The value of the attribute with this local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn of(start: &BytesStart<'_>) -> Result<Self, String> {
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| e.to_string())?;
            let key = local(attribute.key.0).to_owned();
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            attributes.push((key, value.into_owned()));
        }
        Ok(Self {
            name: local(start.name().0).to_owned(),
            attributes,
        })
    }
}

/// The name without its namespace prefix (`w:p` → `p`).
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// The text of a predefined entity, if it is one.
fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

/// Walks `xml`, calling `visit` for every element start and end and every piece of text.
/// Errors name what is wrong (and where) in words.
pub fn walk(xml: &str, mut visit: impl FnMut(Item<'_>)) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("broken XML near byte {position}: {e}"))?;
        match event {
            Event::Start(start) => visit(Item::Start(&Element::of(&start)?)),
            Event::Empty(start) => {
                let element = Element::of(&start)?;
                visit(Item::Start(&element));
                visit(Item::End(&element.name));
            }
            Event::End(end) => visit(Item::End(local(end.name().0))),
            Event::Text(text) => visit(Item::Text(&text.xml10_content())),
            Event::CData(data) => visit(Item::Text(&data.into_inner())),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => predefined(&reference.xml10_content()).map(str::to_owned),
                    Err(_) => None,
                };
                if let Some(text) = resolved {
                    visit(Item::Text(&text));
                }
            }
            Event::Eof => return Ok(()),
            // Declarations, processing instructions, comments and DTDs carry no text.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(xml: &str) -> Result<String, String> {
        let mut out = String::new();
        walk(xml, |item| {
            if let Item::Text(t) = item {
                out.push_str(t);
            }
        })?;
        Ok(out)
    }

    #[test]
    fn predefined_and_character_references_resolve_declared_entities_do_not() {
        assert_eq!(
            text_of("<a>x &amp; y &#233;&#x20AC;</a>").unwrap(),
            "x & y é€"
        );
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;&c;&c;</l>"#;
        assert_eq!(text_of(bomb).unwrap(), "", "never expanded");
        let external = r#"<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        assert_eq!(text_of(external).unwrap(), "");
    }

    #[test]
    fn elements_and_attributes_come_by_local_name() {
        let mut seen = Vec::new();
        walk(
            r#"<w:p w:val="Heading1"><w:t>Hi</w:t><w:br/></w:p>"#,
            |item| {
                if let Item::Start(e) = item {
                    seen.push((e.name.clone(), e.attribute("val").map(str::to_owned)));
                }
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            [
                ("p".to_owned(), Some("Heading1".to_owned())),
                ("t".to_owned(), None),
                ("br".to_owned(), None)
            ]
        );
        assert!(text_of("<a><b></a>").is_err());
    }
}
