//! Stage 1: one Markdown page → [`Page`], with no knowledge of other pages.
//!
//! The page keeps every item's source line so that later stages can point at it.

mod http;
mod include;

pub use http::{
    HttpBlock, HttpRequest, HttpResponse, RequestLine, parse_http_block, request_line,
    request_target, scan_request_lines,
};
pub use include::{Include, IncludeRefusal, resolve_include, scan_includes};

use crate::diag::{Code, Diagnostic};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::BTreeMap;

/// A parsed doc page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Page {
    /// Path relative to the docs root, with `/` separators (`api/x.md`).
    pub path: String,
    pub front_matter: BTreeMap<String, String>,
    /// The H1 title and its line.
    pub title: Option<Spanned<String>>,
    /// The `Namespace: x` line, if any.
    pub namespace: Option<String>,
    /// Items before the first H2 (description prose, notes).
    pub intro: Vec<Item>,
    pub sections: Vec<Section>,
    /// Annotations not followed by a code block (page trailers and the like).
    pub loose_annotations: Vec<Spanned<serde_json::Value>>,
    /// `[!INCLUDE [label](target)]` directives, in page order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<Include>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub line: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub level: u8,
    pub title: String,
    pub line: usize,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    Prose(Text),
    Table(Table),
    Code(CodeBlock),
}

/// Inline text with the links it holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Text {
    pub text: String,
    pub links: Vec<Link>,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub text: String,
    /// Empty for reference links whose definition is missing (`[x][]`).
    pub target: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Table {
    pub line: usize,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Text>,
    /// Cells as written in the source line (pulldown-cmark pads or drops cells to
    /// match the header).
    pub written_cells: usize,
    /// The first cell is bold (`|**Section**| | |`): a divider, not a row.
    pub divider: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CodeBlock {
    /// Line of the opening fence.
    pub line: usize,
    /// First word of the info string, lower-cased (`http`, `json`, ...).
    pub lang: String,
    pub text: String,
    /// The `<!-- {json} -->` annotation right before the block.
    pub annotation: Option<Spanned<serde_json::Value>>,
}

impl Page {
    /// Front matter `doc_type`, trimmed of the stray characters seen in the docs.
    pub fn doc_type(&self) -> Option<&str> {
        self.front_matter
            .get("doc_type")
            .map(|t| t.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()))
    }

    /// Index of the first section whose title matches one of `names` (case-insensitive).
    pub fn find_section(&self, names: &[&str]) -> Option<usize> {
        self.sections
            .iter()
            .position(|s| names.iter().any(|n| s.title.trim().eq_ignore_ascii_case(n)))
    }

    /// The section at `index` followed by its subsections.
    pub fn section_tree(&self, index: usize) -> &[Section] {
        let Some(head) = self.sections.get(index) else {
            return &[];
        };
        let end = self.sections[index + 1..]
            .iter()
            .position(|s| s.level <= head.level)
            .map_or(self.sections.len(), |p| index + 1 + p);
        &self.sections[index..end]
    }
}

impl Table {
    /// Header cells folded to lower case, for matching table shapes.
    pub fn header_key(&self) -> Vec<String> {
        self.header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect()
    }

    /// Column index of the first header matching one of `names` (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    }
}

/// Maps byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The text of a 1-based line, without its line break.
    fn text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self
            .starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Parses one page. Never fails: what cannot be read becomes a diagnostic.
pub fn parse_page(path: &str, bytes: &[u8]) -> (Page, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            diags.push(
                Diagnostic::warning(
                    path,
                    line,
                    Code::NotUtf8,
                    "the page is not valid UTF-8; invalid bytes were replaced",
                )
                .with_help("save the page as UTF-8"),
            );
            String::from_utf8_lossy(bytes)
        }
    };
    let text = untab_table_lines(text);
    let mut builder = PageBuilder::new(path, &text, &mut diags);
    builder.run();
    let mut page = builder.finish();
    page.includes = scan_includes(&text);
    (page, diags)
}

struct PageBuilder<'a> {
    path: &'a str,
    text: &'a str,
    lines: LineIndex,
    diags: &'a mut Vec<Diagnostic>,
    page: Page,
    pending_annotation: Option<Spanned<serde_json::Value>>,
}

/// What is being collected between a start and an end event.
enum Open {
    None,
    Heading {
        level: u8,
        line: usize,
        text: Text,
        setext: bool,
    },
    Inline(Text),
    Code {
        line: usize,
        lang: String,
        text: String,
    },
    Html {
        line: usize,
        text: String,
    },
    Table {
        table: Table,
        row: Vec<Text>,
        row_line: usize,
        cell: Option<Text>,
        in_head: bool,
    },
}

impl<'a> PageBuilder<'a> {
    fn new(path: &'a str, text: &'a str, diags: &'a mut Vec<Diagnostic>) -> Self {
        Self {
            path,
            text,
            lines: LineIndex::new(text),
            diags,
            page: Page {
                path: path.to_string(),
                ..Page::default()
            },
            pending_annotation: None,
        }
    }

    fn run(&mut self) {
        let body_start = self.front_matter();
        let body = &self.text[body_start..];
        let mut ignore_broken_link =
            |_: pulldown_cmark::BrokenLink<'_>| Some((CowStr::Borrowed(""), CowStr::Borrowed("")));
        let options = Options::ENABLE_TABLES;
        let parser =
            Parser::new_with_broken_link_callback(body, options, Some(&mut ignore_broken_link));
        let mut open = Open::None;
        let mut link_stack: Vec<(String, String)> = Vec::new();
        for (event, range) in parser.into_offset_iter() {
            let line = self.lines.line(body_start + range.start);
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    let setext = !body[range.clone()].trim_start().starts_with('#');
                    self.flush_inline(&mut open);
                    open = Open::Heading {
                        level: heading_level(level),
                        line,
                        text: Text {
                            line,
                            ..Text::default()
                        },
                        setext,
                    };
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Open::Heading {
                        level,
                        line,
                        text,
                        setext,
                    } = std::mem::replace(&mut open, Open::None)
                    {
                        self.heading(level, line, text, setext);
                    }
                }
                Event::Start(Tag::Paragraph) | Event::Start(Tag::Item) => {
                    self.flush_inline(&mut open);
                    open = Open::Inline(Text {
                        line,
                        ..Text::default()
                    });
                }
                Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                    self.flush_inline(&mut open);
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    self.flush_inline(&mut open);
                    let lang = match kind {
                        pulldown_cmark::CodeBlockKind::Fenced(info) => info
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .to_ascii_lowercase(),
                        pulldown_cmark::CodeBlockKind::Indented => String::new(),
                    };
                    open = Open::Code {
                        line,
                        lang,
                        text: String::new(),
                    };
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Open::Code { line, lang, text } =
                        std::mem::replace(&mut open, Open::None)
                    {
                        let annotation = self.pending_annotation.take();
                        self.push(Item::Code(CodeBlock {
                            line,
                            lang,
                            text,
                            annotation,
                        }));
                    }
                }
                Event::Start(Tag::HtmlBlock) => {
                    self.flush_inline(&mut open);
                    open = Open::Html {
                        line,
                        text: String::new(),
                    };
                }
                Event::End(TagEnd::HtmlBlock) => {
                    if let Open::Html { line, text } = std::mem::replace(&mut open, Open::None) {
                        self.html(line, &text);
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    self.flush_inline(&mut open);
                    open = Open::Table {
                        table: Table {
                            line,
                            header: Vec::new(),
                            rows: Vec::new(),
                        },
                        row: Vec::new(),
                        row_line: line,
                        cell: None,
                        in_head: false,
                    };
                }
                Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                    if let Open::Table {
                        row,
                        row_line,
                        in_head,
                        ..
                    } = &mut open
                    {
                        row.clear();
                        *row_line = line;
                        *in_head = matches!(event, Event::Start(Tag::TableHead));
                    }
                }
                Event::Start(Tag::TableCell) => {
                    if let Open::Table { cell, .. } = &mut open {
                        *cell = Some(Text {
                            line,
                            ..Text::default()
                        });
                    }
                }
                Event::End(TagEnd::TableCell) => {
                    if let Open::Table { row, cell, .. } = &mut open
                        && let Some(mut c) = cell.take()
                    {
                        c.text = c.text.trim().to_string();
                        row.push(c);
                    }
                }
                Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                    if let Open::Table {
                        table,
                        row,
                        row_line,
                        in_head,
                        ..
                    } = &mut open
                    {
                        let cells = std::mem::take(row);
                        if *in_head {
                            table.header = cells.into_iter().map(|c| c.text).collect();
                            *in_head = false;
                        } else {
                            let (written_cells, divider) =
                                row_shape(self.lines.text(self.text, *row_line));
                            table.rows.push(Row {
                                line: *row_line,
                                cells,
                                written_cells,
                                divider,
                            });
                        }
                    }
                }
                Event::End(TagEnd::Table) => {
                    if let Open::Table { table, .. } = std::mem::replace(&mut open, Open::None) {
                        self.push(Item::Table(table));
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    link_stack.push((dest_url.to_string(), String::new()));
                }
                Event::End(TagEnd::Link) => {
                    if let Some((target, text)) = link_stack.pop()
                        && let Some(t) = current_text(&mut open)
                    {
                        t.links.push(Link {
                            text: text.trim().to_string(),
                            target,
                        });
                    }
                }
                Event::Text(ref s) | Event::Code(ref s) => {
                    let is_code = matches!(event, Event::Code(_));
                    match &mut open {
                        Open::Code { text, .. } | Open::Html { text, .. } => text.push_str(s),
                        _ => {
                            if let Some((_, link_text)) = link_stack.last_mut() {
                                link_text.push_str(s);
                            }
                            match current_text(&mut open) {
                                // Inline code keeps its backticks: "possible values"
                                // lists and rustdoc both rely on them.
                                Some(t) if is_code => {
                                    t.text.push('`');
                                    t.text.push_str(s);
                                    t.text.push('`');
                                }
                                Some(t) => t.text.push_str(s),
                                None => {
                                    // Text outside any block (e.g. inside a block quote's
                                    // lazy line); keep it as prose.
                                    open = Open::Inline(Text {
                                        text: s.to_string(),
                                        links: Vec::new(),
                                        line,
                                    });
                                }
                            }
                        }
                    }
                }
                Event::Html(s) | Event::InlineHtml(s) => match &mut open {
                    Open::Html { text, .. } => text.push_str(&s),
                    _ => {
                        // An inline comment such as `<!-- {...} -->` inside a paragraph.
                        let s = s.to_string();
                        if s.trim_start().starts_with("<!--") {
                            self.html(line, &s);
                        } else if let Some(t) = current_text(&mut open) {
                            t.text.push_str(&s);
                        }
                    }
                },
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(t) = current_text(&mut open) {
                        t.text.push(' ');
                    }
                }
                _ => {}
            }
        }
        self.flush_inline(&mut open);
        if let Some(a) = self.pending_annotation.take() {
            self.page.loose_annotations.push(a);
        }
    }

    /// Reads the YAML front matter; returns the offset where the Markdown body starts.
    fn front_matter(&mut self) -> usize {
        let text = self.text;
        let rest = text.trim_start_matches('\u{feff}');
        let bom = text.len() - rest.len();
        if !rest.starts_with("---") {
            self.diags.push(
                Diagnostic::warning(self.path, 1, Code::NoFrontMatter, "the page has no front matter")
                    .with_help("start the page with a `---` YAML block holding at least `title` and `doc_type`"),
            );
            return 0;
        }
        let after_open = match rest.find('\n') {
            Some(i) => i + 1,
            None => return 0,
        };
        let Some(close) = find_closing_fence(&rest[after_open..]) else {
            self.diags.push(
                Diagnostic::warning(
                    self.path,
                    1,
                    Code::FrontMatter,
                    "the front matter is not closed by a `---` line",
                )
                .with_help("add a line `---` after the last front matter entry"),
            );
            return 0;
        };
        let yaml = &rest[after_open..after_open + close.0];
        match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
            Ok(serde_yaml::Value::Mapping(map)) => {
                for (k, v) in map {
                    if let Some(k) = k.as_str() {
                        let v = match v {
                            serde_yaml::Value::String(s) => s,
                            serde_yaml::Value::Bool(b) => b.to_string(),
                            serde_yaml::Value::Number(n) => n.to_string(),
                            _ => continue,
                        };
                        self.page.front_matter.insert(k.to_string(), v);
                    }
                }
            }
            Ok(_) => self.diags.push(Diagnostic::warning(
                self.path,
                2,
                Code::FrontMatter,
                "the front matter is not a YAML mapping of keys to values",
            )),
            Err(e) => {
                let line = e.location().map_or(2, |l| l.line() + 1);
                self.diags.push(
                    Diagnostic::warning(
                        self.path,
                        line,
                        Code::FrontMatter,
                        format!("the front matter is not valid YAML: {e}"),
                    )
                    .with_help("quote values that contain `:` or start with a special character"),
                );
            }
        }
        bom + after_open + close.1
    }

    fn heading(&mut self, level: u8, line: usize, text: Text, setext: bool) {
        let title = text.text.trim().to_string();
        // Tab markers (`# [HTTP](#tab/http)`) and include lines that became setext
        // headings are part of example groups, not sections.
        let is_tab = text.links.iter().any(|l| l.target.starts_with("#tab/"));
        if is_tab
            || (setext && title.starts_with("!INCLUDE"))
            || (setext && title.starts_with("[!INCLUDE"))
        {
            return;
        }
        if level == 1 && self.page.title.is_none() {
            self.page.title = Some(Spanned { value: title, line });
            return;
        }
        self.page.sections.push(Section {
            level,
            title,
            line,
            items: Vec::new(),
        });
    }

    fn html(&mut self, line: usize, html: &str) {
        let trimmed = html.trim();
        let Some(inner) = trimmed
            .strip_prefix("<!--")
            .and_then(|s| s.trim_end().strip_suffix("-->"))
        else {
            return;
        };
        let inner = inner.trim();
        if !inner.starts_with('{') {
            return;
        }
        let value = match crate::json::parse_lenient(inner) {
            Ok((v, strict)) => {
                if !strict {
                    self.diags.push(
                        Diagnostic::warning(
                            self.path,
                            line,
                            Code::InvalidAnnotation,
                            "the annotation is not strict JSON (trailing comma, comment or similar); read it leniently",
                        )
                        .with_help("remove trailing commas and comments from the annotation"),
                    );
                }
                v
            }
            // Page trailers (`"type": "#page.annotation"`) carry the docs build's own
            // notes, often with line breaks inside strings; nothing here reads them.
            Err(_) if inner.contains("\"#page.annotation\"") => return,
            Err(e) => {
                self.diags.push(
                    Diagnostic::warning(
                        self.path,
                        line,
                        Code::InvalidAnnotation,
                        format!("the annotation is not valid JSON and was ignored: {e}"),
                    )
                    .with_help("annotations are JSON objects such as `<!-- {\"blockType\": \"request\"} -->`"),
                );
                return;
            }
        };
        if let Some(old) = self.pending_annotation.replace(Spanned { value, line }) {
            self.page.loose_annotations.push(old);
        }
    }

    fn flush_inline(&mut self, open: &mut Open) {
        if let Open::Inline(_) = open
            && let Open::Inline(mut text) = std::mem::replace(open, Open::None)
        {
            text.text = text.text.trim().to_string();
            if text.text.is_empty() {
                return;
            }
            if self.page.namespace.is_none()
                && let Some(rest) = text.text.strip_prefix("Namespace:")
            {
                // Some pages run the first sentence on in the namespace's paragraph
                // (no blank line): the namespace is one word, the rest is prose.
                let rest = rest.trim_start();
                let (namespace, prose) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                self.page.namespace = Some(namespace.to_string());
                let prose = prose.trim();
                if prose.is_empty() {
                    return;
                }
                text.text = prose.to_string();
            }
            self.push(Item::Prose(text));
        }
    }

    fn push(&mut self, item: Item) {
        // An annotation applies to the code block right after it; anything else in
        // between (other than tab markers, which are not items) detaches it.
        if !matches!(item, Item::Code(_))
            && let Some(a) = self.pending_annotation.take()
        {
            self.page.loose_annotations.push(a);
        }
        match self.page.sections.last_mut() {
            Some(section) => section.items.push(item),
            None => self.page.intro.push(item),
        }
    }

    fn finish(self) -> Page {
        self.page
    }
}

fn current_text(open: &mut Open) -> Option<&mut Text> {
    match open {
        Open::Heading { text, .. } | Open::Inline(text) => Some(text),
        Open::Table { cell, .. } => cell.as_mut(),
        _ => None,
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Tabs in table rows keep pulldown-cmark from seeing a table (the docs have them in
/// delimiter rows); one space per tab keeps every byte offset, so lines stay right.
fn untab_table_lines(text: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    if !text.contains('\t') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('|') {
            out.push_str(&line.replace('\t', " "));
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Cells written in a table row's source line, and whether its first cell is bold.
fn row_shape(line: &str) -> (usize, bool) {
    let body = line.trim();
    let body = body.strip_prefix('|').unwrap_or(body);
    let body = body.strip_suffix('|').unwrap_or(body);
    let mut cells = 1;
    let mut escaped = false;
    let mut in_code = false;
    for c in body.chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '`' => in_code = !in_code,
            '|' if !escaped && !in_code => cells += 1,
            _ => {}
        }
        escaped = false;
    }
    let first = body.split('|').next().unwrap_or("").trim();
    (cells, first.starts_with("**") || first.starts_with("__"))
}

/// Finds the `---` line closing the front matter: (offset of the line, offset after it).
fn find_closing_fence(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests;
