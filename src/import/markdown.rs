//! Markdown rendered to readable plain text: one line per heading, paragraph, list item, quote
//! line, code line and table row; link text without its address; no `#`, `*` or `|` left.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown to text, one block per line; also returns the first heading (a title).
pub fn render(markdown: &str) -> (String, Option<String>) {
    let mut r = Renderer::default();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(markdown, options) {
        r.event(event);
    }
    r.end_block();
    (r.lines.join("\n"), r.title)
}

#[derive(Default)]
struct Renderer {
    lines: Vec<String>,
    line: String,
    /// Open lists: the next number of each ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    in_heading: bool,
    heading: String,
    title: Option<String>,
    in_code_block: bool,
    /// Cells of the table row being read.
    cells: Vec<String>,
    in_table: bool,
    /// The line holds only a list or footnote marker so far: a paragraph opening now
    /// continues it.
    marker_only: bool,
}

impl Renderer {
    fn end_block(&mut self) {
        self.marker_only = false;
        let line = std::mem::take(&mut self.line);
        let line = line.trim();
        if !line.is_empty() {
            self.lines.push(line.to_owned());
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_heading {
            self.heading.push_str(text);
        }
        self.line.push_str(text);
        self.marker_only = false;
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.in_code_block => {
                // Code keeps its lines.
                for (i, part) in t.split('\n').enumerate() {
                    if i > 0 {
                        self.end_block();
                    }
                    self.line.push_str(part);
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text(&t)
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.end_block(),
            Event::Rule => self.end_block(),
            Event::FootnoteReference(label) => self.text(&format!("[{label}]")),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            // Raw HTML is markup, not text.
            Event::Html(_) | Event::InlineHtml(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { .. } => {
                self.end_block();
                self.in_heading = true;
                self.heading.clear();
            }
            // A paragraph inside a list item or footnote continues its marker's line.
            Tag::Paragraph | Tag::BlockQuote(_) if self.marker_only => {}
            Tag::Paragraph | Tag::BlockQuote(_) => self.end_block(),
            Tag::CodeBlock(_) => {
                self.end_block();
                self.in_code_block = true;
            }
            Tag::List(start) => {
                self.end_block();
                self.lists.push(start);
            }
            Tag::Item => {
                self.end_block();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_owned(),
                };
                self.line.push_str(&marker);
                self.marker_only = true;
            }
            Tag::Table(_) => {
                self.end_block();
                self.in_table = true;
            }
            Tag::TableHead | Tag::TableRow => self.cells.clear(),
            Tag::TableCell => self.line.clear(),
            Tag::FootnoteDefinition(label) => {
                self.end_block();
                self.line.push_str(&format!("[{label}] "));
                self.marker_only = true;
            }
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.in_heading = false;
                if self.title.is_none() && !self.heading.trim().is_empty() {
                    self.title = Some(self.heading.trim().to_owned());
                }
                self.end_block();
            }
            TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::Item => self.end_block(),
            TagEnd::CodeBlock => {
                self.end_block();
                self.in_code_block = false;
            }
            TagEnd::List(_) => {
                self.end_block();
                self.lists.pop();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.line);
                self.cells.push(cell.trim().to_owned());
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                self.line = self.cells.join("\t");
                self.cells.clear();
                self.end_block();
            }
            TagEnd::Table => self.in_table = false,
            TagEnd::FootnoteDefinition => self.end_block(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_readable_lines_without_markup() {
        let md = "# The *open* models act\n\nIntro with a [link](https://example.org) and `code`.\nStill the same paragraph.\n\n## Positions\n\n- first **point**\n- second point\n  continued\n\n1. one\n2. two\n\n> A quoted\n> passage.\n\n| Instrument | Target |\n|---|---|\n| Compute | Frontier |\n\n```\nlet x = 1;\nlet y = 2;\n```\n\nA footnote[^1].\n\n[^1]: The note.\n";
        let (text, title) = render(md);
        assert_eq!(title.as_deref(), Some("The open models act"));
        assert_eq!(
            text,
            "The open models act\n\
             Intro with a link and code. Still the same paragraph.\n\
             Positions\n\
             • first point\n\
             • second point continued\n\
             1. one\n\
             2. two\n\
             A quoted passage.\n\
             Instrument\tTarget\n\
             Compute\tFrontier\n\
             let x = 1;\n\
             let y = 2;\n\
             A footnote[1].\n\
             [1] The note."
        );
        for markup in ["#", "*", "|", "](", "**", "```"] {
            assert!(!text.contains(markup), "{markup} left in {text}");
        }
    }
}
