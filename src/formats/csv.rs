//! CSV: one row per annotation, RFC 4180, UTF-8 with a byte-order mark so spreadsheets read
//! accents. Values are written verbatim (a quote may begin with `-`, `=` or `@`): this is data
//! for pandas and R, which read it back to the same values; the HTML report is the form for
//! people.

use crate::core::model::Project;
use crate::formats::exchange::Incoming;
use crate::formats::export::ExportError;

/// The columns, in order.
pub const COLUMNS: [&str; 17] = [
    "article_id",
    "article_title",
    "stance_id",
    "stance_label",
    "start",
    "end",
    "quote",
    "note",
    "annotator",
    "created",
    "modified",
    "orphaned",
    "analyst_id",
    "actor_id",
    "actor",
    "position",
    "stance_code",
];

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

fn encode(e: impl std::fmt::Display) -> ExportError {
    ExportError::Encode {
        format: "csv",
        message: e.to_string(),
    }
}

/// The CSV of every annotation of the project.
pub fn write(project: &Project) -> Result<Vec<u8>, ExportError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    out.write_record(COLUMNS).map_err(encode)?;
    for row in super::rows(project, None) {
        let a = row.annotation;
        let (start, end) = row.range.map_or((String::new(), String::new()), |(s, e)| {
            (s.to_string(), e.to_string())
        });
        out.write_record([
            row.article.id.to_string(),
            row.article.title.clone(),
            a.stance.to_string(),
            row.stance_label(),
            start,
            end,
            a.quote.clone(),
            a.note.clone(),
            project.analyst_name(&a.analyst).to_owned(),
            a.created.to_rfc3339(),
            a.modified.to_rfc3339(),
            a.orphaned.to_string(),
            a.analyst.to_string(),
            a.actor
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            a.actor
                .as_ref()
                .map(|id| project.actors.name(id).to_owned())
                .unwrap_or_default(),
            a.position.map(|p| p.to_string()).unwrap_or_default(),
            project
                .stances
                .get(&a.stance)
                .and_then(|s| s.code.clone())
                .unwrap_or_default(),
        ])
        .map_err(encode)?;
    }
    out.into_inner().map_err(encode)
}

/// The columns of the event list, in order.
pub const EVENT_COLUMNS: [&str; 19] = [
    "annotation_id",
    "date",
    "article_id",
    "article_title",
    "outlet",
    "section",
    "type",
    "actor_id",
    "actor",
    "actor_kind",
    "actor_type",
    "organisation_id",
    "organisation",
    "stance_id",
    "stance_label",
    "position",
    "analyst_id",
    "start",
    "quote",
];

/// The event list: one row per annotation (anchored or not) with who holds the stance, the
/// position and the article's date, outlet, section and type, ordered by date (undated
/// articles last, their date column as written), then article and passage. For event and
/// network analysis in R or Python.
pub fn write_events(project: &Project) -> Result<Vec<u8>, ExportError> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    out.write_record(EVENT_COLUMNS).map_err(encode)?;
    let mut rows = super::rows(project, None);
    rows.sort_by_key(|r| r.article.meta.when().map_or((1, None), |d| (0, Some(d))));
    let book = &project.actors;
    for row in rows {
        let a = row.annotation;
        let actor = a.actor.as_ref().and_then(|id| book.get(id));
        let organisation = actor
            .and_then(|x| x.organisation.as_ref())
            .and_then(|id| book.get(id));
        let meta = &row.article.meta;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        out.write_record([
            a.id.to_string(),
            opt(&meta.date),
            row.article.id.to_string(),
            row.article.title.clone(),
            opt(&meta.outlet),
            opt(&meta.section),
            opt(&meta.kind),
            a.actor
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            actor.map(|x| x.name.clone()).unwrap_or_default(),
            actor.map(|x| x.kind.name().to_owned()).unwrap_or_default(),
            actor.map(|x| x.actor_type.clone()).unwrap_or_default(),
            organisation.map(|o| o.id.to_string()).unwrap_or_default(),
            organisation.map(|o| o.name.clone()).unwrap_or_default(),
            a.stance.to_string(),
            row.stance_label(),
            a.position.map(|p| p.to_string()).unwrap_or_default(),
            a.analyst.to_string(),
            row.range.map(|r| r.0.to_string()).unwrap_or_default(),
            a.quote.clone(),
        ])
        .map_err(encode)?;
    }
    out.into_inner().map_err(encode)
}

/// True when `text` starts like a stancemark CSV (its header row).
pub fn looks_like(text: &str) -> bool {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    first.contains("quote") && (first.contains("article_id") || first.contains("article_title"))
}

/// The annotations of a CSV file with (at least) a quote column and an article and stance
/// column; other columns are optional, in any order, named as stancemark writes them.
pub fn read(text: &str) -> Result<Vec<Incoming>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    if column("quote").is_none() {
        return Err("the CSV has no `quote` column".to_owned());
    }
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", n + 2))?;
        let get = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::to_owned)
                .filter(|v| !v.is_empty())
        };
        let number = |name: &str| -> Result<Option<usize>, String> {
            get(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| format!("row {}: {name} {v:?} is not a number", n + 2))
                })
                .transpose()
        };
        let time = |name: &str| get(name).and_then(|v| super::json::parse_time(&v).ok());
        let orphaned = get("orphaned")
            .is_some_and(|v| matches!(v.trim().to_lowercase().as_str(), "true" | "1" | "yes"));
        out.push(Incoming {
            line: n + 2,
            id: None,
            article_id: get("article_id").and_then(|v| super::json::parse_uuid(&v).ok()),
            article_title: get("article_title"),
            stance_id: get("stance_id"),
            stance_label: get("stance_label"),
            start: number("start")?,
            end: number("end")?,
            quote: get("quote").unwrap_or_default(),
            prefix: None,
            suffix: None,
            note: get("note").unwrap_or_default(),
            annotator: get("annotator").unwrap_or_default(),
            analyst_id: get("analyst_id"),
            created: time("created"),
            modified: time("modified"),
            orphaned,
            actor_id: get("actor_id"),
            actor: get("actor"),
            position: get("position"),
        });
    }
    Ok(out)
}
