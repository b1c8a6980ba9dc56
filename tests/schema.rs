//! The JSON export matches the JSON Schema kept in `schema/export.schema.json`.

use std::path::Path;

use stancemark::export::{Export, ExportFormat};
use stancemark::store;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/export.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn sample_export() -> serde_json::Value {
    let project = store::load_project(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/open-source-ai.stance.json"),
    )
    .unwrap();
    let text = Export::from_project(&project)
        .to_string(ExportFormat::Json)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sample_export_is_valid_against_the_schema() {
    let v = validator();
    let export = sample_export();
    let errors: Vec<String> = v.iter_errors(&export).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_schema_rejects_a_record_missing_its_quote_or_with_a_bad_colour() {
    let v = validator();
    let mut export = sample_export();
    export["annotations"][0]
        .as_object_mut()
        .unwrap()
        .remove("quote");
    assert!(!v.is_valid(&export));
    let mut export = sample_export();
    export["stances"][0]["color"] = "green".into();
    assert!(!v.is_valid(&export));
}

#[test]
fn an_orphan_validates_with_null_offsets_and_not_with_numbers() {
    let v = validator();
    let mut export = sample_export();
    let record = &mut export["annotations"][0];
    record["start"] = serde_json::Value::Null;
    record["end"] = serde_json::Value::Null;
    record["orphaned"] = true.into();
    record["prefix"] = "before ".into();
    record["suffix"] = " after".into();
    let errors: Vec<String> = v.iter_errors(&export).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // An orphan with offsets, or an anchored record without them, is refused.
    let mut with_offsets = export.clone();
    with_offsets["annotations"][0]["start"] = 3.into();
    assert!(!v.is_valid(&with_offsets));
    let mut anchored_without = sample_export();
    anchored_without["annotations"][0]["start"] = serde_json::Value::Null;
    assert!(!v.is_valid(&anchored_without));
    // Stances carry their parent.
    let mut child = sample_export();
    child["stances"][0]["parent"] = "regulation".into();
    assert!(v.is_valid(&child));
}

/// Codes, groups and units (export format 6) validate: the Manifesto fixture's export.
#[test]
fn a_codebook_export_with_units_is_valid_against_the_schema() {
    let project = store::load_project(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v10-manifesto.stance.json"),
    )
    .unwrap();
    let text = Export::from_project(&project)
        .to_string(ExportFormat::Json)
        .unwrap();
    let export: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(export["articles"][0]["units"].as_array().unwrap().len() == 24);
    let errors: Vec<String> = validator()
        .iter_errors(&export)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A unit without its end does not.
    let mut broken = export.clone();
    broken["articles"][0]["units"][0]
        .as_object_mut()
        .unwrap()
        .remove("end");
    assert!(validator().iter_errors(&broken).next().is_some());
}
