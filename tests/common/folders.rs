//! Project folders for tests, without the window (the session tests build without it).

use std::path::{Path, PathBuf};

use stancemark::model::TextRange;

/// A folder of three articles coded by Ana (3 passages each) and Ben (2 each).
pub fn three_article_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("corpus.stance");
    let mut session =
        stancemark::session::Session::new(stancemark::session::SessionOptions::inline());
    let mut articles = Vec::new();
    for n in 1..=3 {
        let text = format!("Article {n} opens.\nIt argues for open models.\nIt ends here.\n");
        let article = stancemark::model::Article::new(format!("Article {n}"), &text);
        articles.push(session.workspace_mut().add_article(article).unwrap());
    }
    for (who, passages) in [("Ana", 3), ("Ben", 2)] {
        session.set_annotator(who);
        for &article in &articles {
            for p in 0..passages {
                let range = TextRange {
                    start: p * 5,
                    end: p * 5 + 4,
                };
                session
                    .workspace_mut()
                    .add_annotation(article, range, &stancemark::StanceId::new("security"), "")
                    .unwrap();
            }
        }
    }
    session.save_to_blocking(&folder).unwrap();
    folder
}
