//! Rebuilds the sample project from `sample_data/open-source-ai-oped.txt` in both of its forms:
//! the single file `sample_data/open-source-ai.stance.json` and the project folder
//! `sample_data/open-source-ai.stance/` (the same project, ids included).
//!
//! Run: `cargo run --example make_sample`. Timestamps come from a fixed clock and ids are
//! derived from the article's and each passage's text, so both forms are reproducible byte for
//! byte.

use std::path::Path;

use stancemark::actors::ActorKind;
use stancemark::model::{ArticleMeta, Project, StanceId, TextRange};
use stancemark::store;
use stancemark::workspace::{SteppingClock, Workspace};

/// An actor of the sample: (name, kind, type, aliases, organisation).
type SampleActor = (
    &'static str,
    ActorKind,
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
);

/// The actors of the sample.
const ACTORS: &[SampleActor] = &[
    (
        "US government",
        ActorKind::Organisation,
        "government",
        &["Washington"],
        None,
    ),
    (
        "Interconnected",
        ActorKind::Organisation,
        "media",
        &[],
        None,
    ),
    (
        "Kevin Xu",
        ActorKind::Person,
        "business",
        &["Xu"],
        Some("Interconnected"),
    ),
];

/// Who holds the stance of each passage (by the start of the passage) and their position.
const CLAIMS: &[(&str, &str, i32)] = &[
    ("Washington's appetite", "US government", 1),
    ("a presidential executive order", "US government", 1),
    ("restrictions preventing foreign", "US government", 1),
    ("this regulatory momentum", "Kevin Xu", 1),
    ("more than 90%", "Kevin Xu", 1),
    ("That foundation", "Kevin Xu", 1),
    ("The authors frame", "Kevin Xu", 1),
    ("The authors emphasize", "Kevin Xu", -1),
    ("While national security", "Kevin Xu", -1),
    ("national security concerns drive", "US government", 1),
];

/// (passage, stance, note): each passage occurs once in the article.
const ANNOTATIONS: &[(&str, &str, &str)] = &[
    (
        "Washington's appetite for AI regulation is growing rapidly.",
        "regulation",
        "Sets the scene: regulatory momentum in the US.",
    ),
    (
        "a presidential executive order reviewing AI models, congressional proposals for new legislation",
        "regulation",
        "Concrete instruments: executive order and bills.",
    ),
    (
        "restrictions preventing foreign nationals from accessing advanced AI systems",
        "security",
        "Access controls justified on national-security grounds.",
    ),
    (
        "this regulatory momentum could inadvertently target open source AI—a move they argue would fundamentally damage American innovation",
        "pro-open-source",
        "Core thesis of the op-ed.",
    ),
    (
        "more than 90% of the world's software built on open source principles",
        "pro-open-source",
        "Empirical claim; no source given in the summary.",
    ),
    (
        "That foundation has generated over $8 trillion in economic value",
        "pro-open-source",
        "Economic-value argument, attributed to the authors.",
    ),
    (
        "Restricting it would concentrate AI power among a handful of well-resourced corporations",
        "pro-open-source",
        "Market-concentration argument.",
    ),
    (
        "The authors frame open source as embodying core American principles: education, competition, and innovation.",
        "pro-open-source",
        "Values framing.",
    ),
    (
        "The authors emphasize that these systems are safe and secure, countering narratives that paint open development as inherently risky.",
        "security",
        "Counter-claim on safety: open source is not inherently risky.",
    ),
    (
        "While national security concerns drive some regulatory proposals, the authors caution that broad restrictions could sweep open source development into their scope",
        "regulation",
        "Warns of regulatory scope creep.",
    ),
    (
        "national security concerns drive some regulatory proposals",
        "security",
        "Nested: security as the driver of regulation.",
    ),
    (
        "potentially cementing the advantages of a few dominant players while eliminating pathways for new entrants and academic researchers",
        "pro-open-source",
        "Competition argument restated.",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let mut article =
        stancemark::import::import_article(&dir.join("open-source-ai-oped.txt"))?.article;
    article.source_path = Some("sample_data/open-source-ai-oped.txt".to_owned());
    article.meta = ArticleMeta {
        author: Some("Omega editorial team (summarising Kevin Xu and a co-author)".to_owned()),
        outlet: Some("AI Watch".to_owned()),
        ..ArticleMeta::default()
    };
    article.id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, b"stancemark sample article");
    let text = article.text.clone();
    let mut ws = Workspace::new(
        Project::new("Open-source AI regulation (sample)"),
        Box::new(SteppingClock::default()),
    );
    ws.set_analyst_name("sample");
    let article_id = ws.add_article(article)?;
    for (passage, stance, note) in ANNOTATIONS {
        let byte = text
            .find(passage)
            .ok_or_else(|| format!("passage not in article: {passage}"))?;
        let start = text[..byte].chars().count();
        let range = TextRange {
            start,
            end: start + passage.chars().count(),
        };
        ws.add_annotation(article_id, range, &StanceId::new(*stance), note)?;
    }
    for (name, kind, actor_type, aliases, organisation) in ACTORS {
        let id = ws.actor_named(name, *kind)?;
        let mut actor = ws.project().actors.get(&id).cloned().ok_or("actor")?;
        actor.actor_type = (*actor_type).to_owned();
        actor.aliases = aliases.iter().map(|a| (*a).to_owned()).collect();
        actor.organisation =
            organisation.and_then(|o| ws.project().actors.find(o).map(|a| a.id.clone()));
        ws.put_actor(actor)?;
    }
    for (start, actor, position) in CLAIMS {
        let ids: Vec<_> = ws
            .project()
            .annotations
            .iter()
            .filter(|a| a.quote.starts_with(start))
            .map(|a| a.id)
            .collect();
        if ids.len() != 1 {
            return Err(format!("{start:?} starts {} passages", ids.len()).into());
        }
        let actor = ws
            .project()
            .actors
            .find(actor)
            .map(|a| a.id.clone())
            .ok_or("actor")?;
        ws.set_actor_of(&ids, Some(&actor))?;
        ws.set_position_of(&ids, Some(*position))?;
    }
    // Ids from the passages, so a rebuild gives the same files.
    let mut project = ws.project().clone();
    let records: Vec<std::sync::Arc<stancemark::model::Annotation>> = project
        .annotations
        .iter()
        .map(|a| {
            let mut a = (**a).clone();
            let key = format!("stancemark sample annotation {} {}", a.stance, a.quote);
            a.id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, key.as_bytes());
            std::sync::Arc::new(a)
        })
        .collect();
    project.annotations = stancemark::model::Annotations::from_records(records)?;
    let out = dir.join("open-source-ai.stance.json");
    store::write_project_file_to(&project, &out, store::Backup::None)?;
    let folder = dir.join("open-source-ai.stance");
    if folder.exists() {
        std::fs::remove_dir_all(&folder)?;
    }
    store::save_any(&project, &folder, None)?;
    println!(
        "wrote {} annotations to {} and {}",
        project.annotations.len(),
        out.display(),
        folder.display()
    );
    Ok(())
}
