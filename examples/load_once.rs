//! Loads a project once in the chosen way, for `perf stat` instruction counts.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Plain {
    format_version: u32,
    project: P,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct P {
    name: String,
    stances: stancemark::model::StanceScheme,
    articles: Vec<stancemark::model::Article>,
    annotations: Vec<A>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct A {
    id: uuid::Uuid,
    article: uuid::Uuid,
    range: stancemark::model::TextRange,
    stance: String,
    note: String,
    annotator: String,
    created: chrono::DateTime<chrono::Utc>,
    modified: chrono::DateTime<chrono::Utc>,
}
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let path = std::path::Path::new(&a[2]);
    match a[1].as_str() {
        "load" => {
            let p = stancemark::store::load_project(path).unwrap();
            println!("{}", p.annotations.len());
        }
        "plain" => {
            let s = std::fs::read_to_string(path).unwrap();
            let p: Plain = serde_json::from_str(&s).unwrap();
            println!("{}", p.project.annotations.len());
        }
        _ => {}
    }
}
