//! W3C Web Annotation (JSON-LD): an `AnnotationCollection` whose `first` page embeds the
//! items. Each annotation is `classifying`, with the stance's label as a `TextualBody` for
//! `tagging` (what annotation tools show), its id as a `SpecificResource` for `classifying`
//! (`urn:stancemark:stance:<id>`), the actor who holds the stance as a `SpecificResource` for
//! `identifying` (`urn:stancemark:actor:<id>`, its name as `label`, the position as
//! `position`), the note as a `TextualBody` for `commenting`, its creator and times, and a target on the article
//! (`urn:uuid:<article id>`) with a `TextQuoteSelector` (exact, 32 code points of prefix and
//! suffix) and a `TextPositionSelector` (code points, half-open); an orphan has the quote
//! selector only. It passes the MUST assertions of the W3C test suite (checked by a test).

use serde_json::{Value, json};

use crate::core::model::Project;
use crate::formats::exchange::Incoming;
use crate::formats::export::ExportError;

/// The JSON-LD context of the Web Annotation vocabulary.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The IRI prefix of stance bodies (`urn:stancemark:stance:regulation`).
const STANCE_IRI: &str = "urn:stancemark:stance:";
/// The IRI prefix of actor bodies (`urn:stancemark:actor:kevin-xu`).
const ACTOR_IRI: &str = "urn:stancemark:actor:";

/// The annotation collection of every annotation of the project.
pub fn write(project: &Project) -> Result<Vec<u8>, ExportError> {
    let items: Vec<Value> = super::rows(project, None)
        .iter()
        .map(|row| {
            let a = row.annotation;
            let mut body = vec![
                json!({
                    "type": "TextualBody",
                    "purpose": "tagging",
                    "value": row.stance_label(),
                }),
                json!({
                    "type": "SpecificResource",
                    "purpose": "classifying",
                    "source": format!("{STANCE_IRI}{}", a.stance),
                }),
            ];
            // Who holds the stance: an identifying body naming the actor (with the position).
            if let Some(actor) = &a.actor {
                let mut identifying = json!({
                    "type": "SpecificResource",
                    "purpose": "identifying",
                    "source": format!("{ACTOR_IRI}{actor}"),
                    "label": project.actors.name(actor),
                });
                if let Some(p) = a.position {
                    identifying["position"] = json!(p);
                }
                body.push(identifying);
            }
            if !a.note.is_empty() {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "value": a.note,
                    "format": "text/plain",
                }));
            }
            let mut selector = vec![json!({
                "type": "TextQuoteSelector",
                "exact": a.quote,
                "prefix": row.prefix,
                "suffix": row.suffix,
            })];
            if let Some((start, end)) = row.range {
                selector.push(json!({"type": "TextPositionSelector", "start": start, "end": end}));
            }
            let mut item = json!({
                "id": format!("urn:uuid:{}", a.id),
                "type": "Annotation",
                "motivation": "classifying",
                "created": a.created.to_rfc3339(),
                "modified": a.modified.to_rfc3339(),
                "body": body,
                "target": {
                    "source": format!("urn:uuid:{}", row.article.id),
                    "selector": selector,
                },
            });
            // The analyst: their name, and their id as the agent's nickname.
            item["creator"] = json!({
                "type": "Person",
                "name": project.analyst_name(&a.analyst),
                "nickname": a.analyst.as_str(),
            });
            item
        })
        .collect();
    let collection = json!({
        "@context": CONTEXT,
        "type": "AnnotationCollection",
        "label": project.name,
        "total": items.len(),
        "first": {
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    });
    let mut out = serde_json::to_vec_pretty(&collection).map_err(|e| ExportError::Encode {
        format: "w3c",
        message: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// True when `json` is Web Annotation JSON-LD.
pub fn looks_like(json: &str) -> bool {
    let head: String = json.chars().take(2000).collect();
    head.contains("anno.jsonld") || head.contains("\"Annotation")
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// The annotations of a Web Annotation document: one annotation, a list, a page or a
/// collection with its first page. Bodies and selectors may be single objects or lists.
pub fn read(json: &str) -> Result<Vec<Incoming>, String> {
    let doc: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let items: Vec<&Value> = if let Some(list) = doc.as_array() {
        list.iter().collect()
    } else if let Some(items) = doc.get("items").and_then(Value::as_array) {
        items.iter().collect()
    } else if let Some(items) = doc.pointer("/first/items").and_then(Value::as_array) {
        items.iter().collect()
    } else if doc.get("type").and_then(Value::as_str) == Some("Annotation") {
        vec![&doc]
    } else {
        return Err(
            "no annotations found (expected an Annotation, a list, or a collection with items)"
                .to_owned(),
        );
    };
    let as_list = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(list)) => list.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for (n, item) in items.into_iter().enumerate() {
        let bodies = as_list(item.get("body"));
        let purpose = |b: &Value, p: &str| {
            b.get("purpose").and_then(Value::as_str) == Some(p)
                || as_list(b.get("purpose"))
                    .iter()
                    .any(|x| x.as_str() == Some(p))
        };
        let tag = bodies.iter().find(|b| purpose(b, "tagging"));
        let note = bodies.iter().find(|b| purpose(b, "commenting"));
        let identifying = bodies.iter().find(|b| purpose(b, "identifying"));
        let target = as_list(item.get("target"))
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        let selectors = as_list(target.get("selector"));
        let of_type = |t: &str| {
            selectors
                .iter()
                .find(|s| s.get("type").and_then(Value::as_str) == Some(t))
        };
        let quote = of_type("TextQuoteSelector");
        let position = of_type("TextPositionSelector");
        let source = target
            .get("source")
            .and_then(Value::as_str)
            .or_else(|| target.as_str());
        let time = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .and_then(|t| super::json::parse_time(t).ok())
        };
        let creator = item.get("creator").and_then(|c| {
            c.as_str()
                .map(str::to_owned)
                .or_else(|| c.get("name").and_then(Value::as_str).map(str::to_owned))
        });
        out.push(Incoming {
            line: n + 1,
            id: item
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| super::json::parse_uuid(id).ok()),
            article_id: source.and_then(|s| super::json::parse_uuid(s).ok()),
            article_title: None,
            stance_id: bodies
                .iter()
                .filter_map(|b| b.get("source").or_else(|| b.get("id")))
                .filter_map(Value::as_str)
                .find_map(|id| id.strip_prefix(STANCE_IRI))
                .map(str::to_owned),
            stance_label: tag.and_then(|b| b.get("value")).and_then(text),
            start: position
                .and_then(|p| p.get("start"))
                .and_then(Value::as_u64)
                .map(|v| v as usize),
            end: position
                .and_then(|p| p.get("end"))
                .and_then(Value::as_u64)
                .map(|v| v as usize),
            quote: quote
                .and_then(|q| q.get("exact"))
                .and_then(text)
                .unwrap_or_default(),
            prefix: quote.and_then(|q| q.get("prefix")).and_then(text),
            suffix: quote.and_then(|q| q.get("suffix")).and_then(text),
            note: note
                .and_then(|b| b.get("value"))
                .and_then(text)
                .unwrap_or_default(),
            annotator: creator.unwrap_or_default(),
            analyst_id: item
                .get("creator")
                .and_then(|c| c.get("nickname"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            created: time("created"),
            modified: time("modified"),
            orphaned: position.is_none(),
            actor_id: identifying
                .and_then(|b| b.get("source"))
                .and_then(Value::as_str)
                .and_then(|s| s.strip_prefix(ACTOR_IRI))
                .map(str::to_owned),
            actor: identifying.and_then(|b| b.get("label")).and_then(text),
            position: identifying
                .and_then(|b| b.get("position"))
                .map(|p| p.to_string().trim_matches('"').to_owned()),
        });
    }
    Ok(out)
}
