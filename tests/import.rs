//! Article import from every format, against fixtures whose expected text is known
//! (`tests/fixtures/import/make_fixtures.py` made them; `tests/fixtures/web-pages/` are real
//! pages with the article a reader wants).

use std::path::{Path, PathBuf};

use stancemark::import::{self, ImportError, score};
use stancemark::model::SourceFormat;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("{name}.expected.txt"))).unwrap()
}

fn import_ok(name: &str) -> import::Imported {
    import::import_article(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_two_column_pdf_reads_in_column_order_without_running_heads_or_page_numbers() {
    let imported = import_ok("two-column.pdf");
    let text = &imported.article.text;
    let want = expected("two-column.pdf");
    let s = score::score(text, &want);
    assert!(s.f1 >= 0.95, "F1 {s:?}\n{text}");
    // Paragraphs in order: each one's opening words come after the previous one's.
    let mut at = 0;
    for paragraph in want.lines() {
        let opening: String = paragraph.split(' ').take(6).collect::<Vec<_>>().join(" ");
        let found = text[at..]
            .find(&opening)
            .unwrap_or_else(|| panic!("“{opening}” missing or out of order in\n{text}"));
        at += found + opening.len();
    }
    // Paragraphs are lines; words split at line ends are whole again.
    assert_eq!(text.lines().count(), want.lines().count(), "{text}");
    for word in [
        "oversight",
        "independent",
        "infrastructure",
        "consolidation",
    ] {
        assert!(text.contains(word), "{word} in {text}");
    }
    for furniture in ["Policy Review", "Vol. 3", "Page 1", "Page 2"] {
        assert!(!text.contains(furniture), "{furniture} in {text}");
    }
    assert_eq!(imported.article.title, "Open models and the state");
    assert_eq!(
        imported.article.meta.author.as_deref(),
        Some("Stancemark fixtures")
    );
    let settings = imported.article.import.as_ref().unwrap();
    assert_eq!(settings.format, SourceFormat::Pdf);
}

#[test]
fn pdf_headings_are_paragraphs_of_their_own() {
    let imported = import_ok("headings.pdf");
    let text = &imported.article.text;
    let want = expected("headings.pdf");
    let lines: Vec<&str> = text.lines().collect();
    for heading in [
        "Why openness matters",
        "Security concerns",
        "Regulatory options",
        "Markets and concentration",
        "What comes next",
    ] {
        assert!(
            lines.contains(&heading),
            "“{heading}” alone on a line in\n{text}"
        );
    }
    assert!(
        !text.contains("Security concerns Security researchers"),
        "{text}"
    );
    assert_eq!(text.trim_end(), want.trim_end());
}

#[test]
fn word_list_items_keep_their_bullets_and_numbers() {
    let imported = import_ok("lists.docx");
    assert_eq!(
        imported.article.text.trim_end(),
        expected("lists.docx").trim_end()
    );
}

#[test]
fn binary_files_under_a_text_name_are_refused_with_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec();
    elf.extend((0..20_000u32).map(|i| (i * 7 % 256) as u8));
    for name in ["x.txt", "x.html", "x.md", "x"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &elf).unwrap();
        let err = import::import_article(&path).unwrap_err();
        assert!(matches!(err, ImportError::Binary { .. }), "{name}: {err}");
        let message = err.to_string();
        assert!(
            message.contains("an ELF executable") && message.contains(name),
            "{message}"
        );
    }
    let png = dir.path().join("chart.txt");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let err = import::import_article(&png).unwrap_err().to_string();
    assert!(err.contains("a PNG image, not a text file"), "{err}");
    let pdf = dir.path().join("report.html");
    std::fs::copy(fixture("two-column.pdf"), &pdf).unwrap();
    let err = import::import_article(&pdf).unwrap_err().to_string();
    assert!(err.contains("a PDF document, not a web page"), "{err}");
    // Control characters beyond 2% of the first 8 KiB.
    let noisy = dir.path().join("noisy.txt");
    let mut bytes = b"words ".repeat(100);
    bytes.extend([
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
    ]);
    std::fs::write(&noisy, &bytes).unwrap();
    assert!(matches!(
        import::import_article(&noisy),
        Err(ImportError::Binary { .. })
    ));
    // UTF-16 without a byte-order mark is text, NULs and all.
    assert!(import::import_article(&fixture("utf16le-nobom.txt")).is_ok());
}

#[test]
fn a_scanned_pdf_says_it_has_no_text_layer_and_what_to_do() {
    let err = import::import_article(&fixture("scanned.pdf")).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("no text layer") && message.contains("OCR"),
        "{message}"
    );
    assert!(message.contains("scanned.pdf"), "{message}");
}

#[test]
fn a_word_document_keeps_headings_lists_tables_and_footnotes_in_reading_order() {
    let imported = import_ok("brief.docx");
    assert_eq!(
        imported.article.text.trim_end(),
        expected("brief.docx").trim_end()
    );
    let a = &imported.article;
    assert_eq!(a.title, "Open models and the state");
    assert_eq!(a.meta.author.as_deref(), Some("Ana Analyst"));
    assert_eq!(a.meta.date.as_deref(), Some("2025-03-01"));
    assert_eq!(a.import.as_ref().unwrap().format, SourceFormat::Docx);
}

#[test]
fn an_opendocument_text_keeps_its_structure_and_metadata() {
    let imported = import_ok("brief.odt");
    assert_eq!(
        imported.article.text.trim_end(),
        expected("brief.odt").trim_end()
    );
    assert_eq!(imported.article.title, "Open models and the state");
    assert_eq!(imported.article.meta.author.as_deref(), Some("Ana Analyst"));
    assert_eq!(imported.article.meta.date.as_deref(), Some("2025-03-01"));
}

#[test]
fn text_in_every_common_encoding_reads_right_and_a_guess_is_said() {
    let unicode = "Café déjà vu — naïve coöperation.\nÜber 10 € für Straße.\n";
    for (name, encoding) in [
        ("utf8-bom.txt", "UTF-8"),
        ("utf16le-bom.txt", "UTF-16LE"),
        ("utf16be-bom.txt", "UTF-16BE"),
        ("utf16le-nobom.txt", "UTF-16LE"),
    ] {
        let imported = import_ok(name);
        assert_eq!(imported.article.text, unicode, "{name}");
        assert_eq!(
            imported
                .article
                .import
                .as_ref()
                .unwrap()
                .encoding
                .as_deref(),
            Some(encoding),
            "{name}"
        );
        assert!(
            imported.warnings.is_empty(),
            "{name}: {:?}",
            imported.warnings
        );
    }
    let latin1 = import_ok("latin1.txt");
    assert_eq!(
        latin1.article.text,
        "Café déjà vu, naïve coöperation.\nÜber zehn Mark für die Straße.\n"
    );
    let cp1252 = import_ok("cp1252.txt");
    assert_eq!(
        cp1252.article.text,
        "Smart “quotes” cost 10 € — ‘really’.\n"
    );
    for guessed in [&latin1, &cp1252] {
        assert!(
            guessed.warnings.iter().any(|w| w.contains("not UTF-8")),
            "{:?}",
            guessed.warnings
        );
    }
}

#[test]
fn hard_wrapped_text_is_joined_into_paragraphs_and_reimports_the_same_way() {
    let imported = import_ok("hard-wrapped.txt");
    assert_eq!(
        imported.article.text.trim_end(),
        expected("hard-wrapped.txt").trim_end()
    );
    assert!(imported.article.import.as_ref().unwrap().reflowed);
    assert!(imported.summary().contains("lines joined into paragraphs"));
    let again = import::reimported_text(&imported.article, None).unwrap();
    assert_eq!(again, imported.article.text);
    // Text with one paragraph per line is left as it is.
    let plain = import_ok("utf8-bom.txt");
    assert!(!plain.article.import.as_ref().unwrap().reflowed);
}

#[test]
fn a_new_version_in_another_format_is_refused_not_misread() {
    let imported = import_ok("brief.docx");
    let err =
        import::reimported_text(&imported.article, Some(&fixture("two-column.pdf"))).unwrap_err();
    assert!(matches!(err, ImportError::OtherFormat { .. }), "{err}");
    assert!(err.to_string().contains("add it as a new article"), "{err}");
}

/// The saved pages in `tests/fixtures/web-pages`, each with the article a reader wants.
fn web_pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web-pages");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("source.html").is_file())
        .collect();
    pages.sort();
    pages
}

#[test]
fn real_web_pages_yield_their_article_and_title() {
    let pages = web_pages();
    assert!(pages.len() >= 20);
    let mut total = 0.0;
    for page in &pages {
        let imported = import::import_article(&page.join("source.html"))
            .unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        let want = score::html_text(&std::fs::read_to_string(page.join("expected.html")).unwrap());
        let s = score::score(&imported.article.text, &want);
        assert!(s.f1 >= 0.9, "{}: {s:?}", page.display());
        total += s.f1;
        let meta: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(page.join("expected-metadata.json")).unwrap(),
        )
        .unwrap();
        if let Some(title) = meta["title"].as_str() {
            let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(imported.article.title, words(title), "{}", page.display());
        }
        assert!(
            !imported.article.text.contains("<script") && !imported.article.text.contains("\n\n"),
            "{}",
            page.display()
        );
    }
    let mean = total / pages.len() as f64;
    assert!(mean >= 0.98, "mean F1 {mean}");
}

#[test]
fn a_page_names_its_author_from_its_metadata_and_loses_its_closing_promo() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web-pages/promo-byline");
    let imported = import::import_article(&page.join("source.html")).unwrap();
    let a = &imported.article;
    assert_eq!(
        a.meta.author.as_deref(),
        Some("Jane Q. Writer"),
        "the JSON-LD author, not the byline word"
    );
    for promo in [
        "Something to Consider",
        "REVIEWPLUS",
        "LEARN MORE",
        "If you enjoyed",
    ] {
        assert!(!a.text.contains(promo), "{promo} in {}", a.text);
    }
    assert!(
        a.text
            .trim_end()
            .ends_with("that would tell it where real risks lie."),
        "the article's last paragraph stays: {}",
        a.text
    );
}

#[test]
fn broken_files_of_every_format_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let pdf = std::fs::read(fixture("two-column.pdf")).unwrap();
    let docx = std::fs::read(fixture("brief.docx")).unwrap();
    let cases = [
        write("cut.pdf", &pdf[..pdf.len() / 3]),
        write("cut.docx", &docx[..docx.len() / 2]),
        write("garbage.pdf", b"%PDF-1.7\n this is not really a PDF at all"),
        write("garbage.docx", b"PK\x03\x04 not a zip"),
        write(
            "sheet.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00binary\x00\x01\x02",
        ),
        write("empty.odt", b""),
    ];
    for path in cases {
        match import::import_article(&path) {
            Err(e) => {
                let message = e.to_string();
                assert!(
                    message.contains(&path.file_name().unwrap().to_string_lossy().to_string()),
                    "names the file: {message}"
                );
                assert!(!message.contains("panicked"), "{message}");
            }
            // A cut PDF whose first pages still parse may import what it has.
            Ok(imported) => assert!(
                path.extension().unwrap() == "pdf" && !imported.article.text.is_empty(),
                "{}",
                path.display()
            ),
        }
    }
}
