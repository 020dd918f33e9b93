//! What one API page documents: request lines, permissions, bodies, responses, examples.

use crate::diag::{Code, Diagnostic};
use crate::method::HttpMethod;
use crate::model::extract::types::{NameRef, page_description};
use crate::model::paths::PathTemplate;
use crate::model::resolve::names::Resolver;
use crate::model::{
    Area, Edm, Example, ExampleRequest, ExampleResponse, Permissions, Property, QueryParameter,
    RequestBody, ResponseDef, Source, TypeRef,
};
use crate::parse::{
    CodeBlock, HttpBlock, Item, Page, Section, Table, parse_http_block, request_line,
};

/// What one API page documents, read without the other pages.
pub(in crate::model) struct PageOperations<'p> {
    pub(in crate::model) page: &'p Page,
    pub(in crate::model) area: Area,
    /// One per request line that reads.
    pub(in crate::model) requests: Vec<PageRequest>,
    pub(in crate::model) summary: String,
    pub(in crate::model) description: String,
    pub(in crate::model) permissions: Permissions,
    pub(in crate::model) query_options: bool,
    pub(in crate::model) headers: Vec<String>,
    pub(in crate::model) examples: Vec<Example>,
    pub(in crate::model) response: ResponseDef,
}

/// A request line of a page, with the body it takes.
pub(in crate::model) struct PageRequest {
    pub(in crate::model) method: HttpMethod,
    pub(in crate::model) template: PathTemplate,
    pub(in crate::model) line: usize,
    pub(in crate::model) body: Option<RequestBody>,
    /// The request line queries its path as a collection (`$filter`, `$top`, ...).
    pub(in crate::model) queried_as_collection: bool,
    /// The page says the body may be left out.
    pub(in crate::model) body_optional: bool,
    /// The example request the body's parameters were read from, for want of a table.
    pub(in crate::model) body_from_example: Option<Source>,
    /// The query parameters the request line writes with placeholders.
    pub(in crate::model) query_parameters: Vec<QueryParameter>,
}

/// What a page says about its request body.
#[derive(Default)]
struct DocumentedBody {
    body: Option<RequestBody>,
    optional: bool,
    from_example: Option<Source>,
}

/// The page's diagnostics, and what it documents (`None` without request lines).
pub(in crate::model) fn page_operations<'p>(
    page: &'p Page,
    resolver: &Resolver,
) -> (Vec<Diagnostic>, Option<PageOperations<'p>>) {
    let mut diags = Vec::new();
    let Some(index) = page.find_section(&["http request", "http requests"]) else {
        return (diags, None);
    };
    let lines = request_lines(page, page.section_tree(index), &mut diags);
    if lines.is_empty() {
        return (diags, None);
    }
    let examples = examples(page, &mut diags);
    let documented = request_body(page, &lines, &examples, resolver, &mut diags);
    let response = response(page, &examples, resolver, &mut diags);
    let requests = lines
        .into_iter()
        .filter_map(|(method, target, line)| {
            let path = target.split('?').next().unwrap_or("").trim_end_matches('/');
            let path = if path.is_empty() { "/" } else { path };
            let path = &parameterize_literal_ids(path, &page.path, line, &mut diags);
            let (path, written) =
                &parameterize_function_arguments(path, &page.path, line, &mut diags);
            let template = match PathTemplate::parse(path) {
                Ok(t) => t.with_written_arguments(written),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            &page.path,
                            line,
                            Code::BadRequestLine,
                            format!("the request path `{path}` cannot be read: {e}"),
                        )
                        .with_help("path parameters are written `{name}`"),
                    );
                    return None;
                }
            };
            let body = body_for_method(method, &documented.body, &page.path, line, &mut diags);
            let has_body = body.is_some();
            Some(PageRequest {
                queried_as_collection: collection_query(&target),
                query_parameters: placeholder_parameters(&target),
                method,
                template,
                line,
                body,
                body_optional: has_body && documented.optional,
                body_from_example: documented.from_example.clone().filter(|_| has_body),
            })
        })
        .collect();
    let permissions = permissions(page);
    if permissions.is_none() && !mentions_permissions(page) {
        let line = page.sections.get(index).map_or(1, |s| s.line);
        diags.push(
            Diagnostic::warning(
                &page.path,
                line,
                Code::NoPermissions,
                "expected the permissions of this request (a Permissions section, table or include), found none; the operation needs a token with no particular permission",
            )
            .with_help("add `## Permissions` with a `Permission type` table (or its include); write `None.` where no permission is needed"),
        );
    }
    let documented = PageOperations {
        page,
        area: Area::of_page(page),
        requests,
        summary: page
            .title
            .as_ref()
            .map_or(String::new(), |t| t.value.clone()),
        description: page_description(page),
        permissions: permissions.unwrap_or_default(),
        query_options: query_options(page),
        headers: request_headers(page),
        examples,
        response,
    };
    (diags, Some(documented))
}

/// (method, target, line) of every request line in the `HTTP request` section.
fn request_lines(
    page: &Page,
    sections: &[Section],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(HttpMethod, String, usize)> {
    let mut out = Vec::new();
    let mut blocks = 0;
    for block in code_blocks(sections) {
        blocks += 1;
        for (i, raw) in block.text.lines().enumerate() {
            let line_no = block.line + 1 + i;
            let l = raw.trim();
            if l.is_empty() {
                continue;
            }
            match request_line(l, line_no) {
                Some(r) => {
                    if !out.iter().any(|(m, t, _)| *m == r.method && *t == r.target) {
                        out.push((r.method, r.target, r.line));
                    }
                }
                None => {
                    if let Some(d) = bad_request_line(&page.path, line_no, l) {
                        diags.push(d);
                    }
                }
            }
        }
    }
    if out.is_empty() {
        let line = sections.first().map_or(1, |s| s.line);
        diags.push(
            Diagnostic::warning(
                &page.path,
                line,
                Code::NoRequestLine,
                if blocks == 0 {
                    "the `HTTP request` section has no code block with a request line".to_string()
                } else {
                    "the `HTTP request` section has no line of the form `METHOD /path`".to_string()
                },
            )
            .with_help(
                "write each request as `GET /path/{id}` in a code block under `## HTTP request`",
            ),
        );
    }
    out
}

/// A query option that only a collection takes: `/x?$filter=...`.
fn collection_query(target: &str) -> bool {
    let Some((_, query)) = target.split_once('?') else {
        return false;
    };
    query.split('&').any(|option| {
        let name = option.split('=').next().unwrap_or("").to_ascii_lowercase();
        matches!(
            name.as_str(),
            "$filter" | "$orderby" | "$top" | "$skip" | "$search"
        )
    })
}

/// `GET|POST|PATCH|PUT|DELETE`, for help texts.
fn method_choices() -> String {
    HttpMethod::ALL.map(HttpMethod::as_str).join("|")
}

/// A line that looks like a request line but is not one (unknown method, no path).
fn bad_request_line(file: &str, line: usize, text: &str) -> Option<Diagnostic> {
    let mut words = text.split_whitespace();
    let first = words.next()?;
    let looks_like_method = first.len() >= 3 && first.chars().all(|c| c.is_ascii_uppercase());
    if !looks_like_method {
        return None;
    }
    let rest = words.next();
    let message = match rest {
        None => format!("the request line `{text}` has no path"),
        Some(r) if r.starts_with('/') || r.starts_with("http") => {
            if HttpMethod::parse(first).is_some() {
                format!("the request line `{text}` has no path after the host")
            } else {
                format!("`{first}` is not an HTTP method the API uses")
            }
        }
        Some(_) => return None,
    };
    Some(
        Diagnostic::error(file, line, Code::BadRequestLine, message)
            .with_help(format!("request lines are `{} /path`", method_choices())),
    )
}

fn code_blocks(sections: &[Section]) -> impl Iterator<Item = &CodeBlock> {
    sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            Item::Code(c) => Some(c),
            _ => None,
        })
}

fn tables(sections: &[Section]) -> impl Iterator<Item = &Table> {
    sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            Item::Table(t) => Some(t),
            _ => None,
        })
}

fn section<'p>(page: &'p Page, names: &[&str]) -> &'p [Section] {
    page.find_section(names)
        .map_or(&[], |i| page.section_tree(i))
}

/// The permissions tables of the page (included ones are spliced in), read by
/// permission type; `None` when the page has no such table.
fn permissions(page: &Page) -> Option<Permissions> {
    let mut out = None;
    let all = page.sections.as_slice();
    for table in tables(all) {
        let (Some(kind_col), Some(perm_col)) = (
            table.column(&["permission type"]),
            table.header.iter().position(|h| {
                let h = h.to_ascii_lowercase();
                h.starts_with("permissions") || h.starts_with("least privileged")
            }),
        ) else {
            continue;
        };
        let out = out.get_or_insert_with(Permissions::default);
        // `Permissions (from least to most privileged)`: one list, ranked.
        let ranked = table
            .header
            .get(perm_col)
            .is_some_and(|h| h.to_ascii_lowercase().contains("least to most"));
        let higher_col = table
            .header
            .iter()
            .position(|h| h.to_ascii_lowercase().starts_with("higher privileged"));
        for row in &table.rows {
            let kind = row
                .cells
                .get(kind_col)
                .map_or(String::new(), |c| c.text.to_ascii_lowercase());
            let slot = if kind.contains("personal") {
                &mut out.delegated_personal
            } else if kind.contains("delegated") {
                &mut out.delegated_work
            } else if kind.contains("application") {
                &mut out.application
            } else {
                continue;
            };
            let cell = |col: usize| {
                row.cells
                    .get(col)
                    .map_or(Vec::new(), |c| split_permissions(&c.text))
            };
            for (i, p) in cell(perm_col).into_iter().enumerate() {
                slot.push(p, !ranked || i == 0);
            }
            for p in higher_col.map_or(Vec::new(), cell) {
                slot.push(p, false);
            }
        }
    }
    out
}

/// Whether the page says anything about permissions: a section named for them, or a
/// permissions include (whose absence is reported on its own).
fn mentions_permissions(page: &Page) -> bool {
    page.sections
        .iter()
        .any(|s| s.title.to_ascii_lowercase().contains("permission"))
        || page.includes.iter().any(|i| i.is_permissions())
}

/// `User.Read, User.ReadWrite` → permissions; `A and B` is one permission of two scopes;
/// `Not supported.` and `None.` → none.
fn split_permissions(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .filter_map(|s| {
            let words: Vec<&str> = s
                .split_whitespace()
                .map(|w| w.trim_end_matches('.'))
                .collect();
            let scopes: Vec<&str> = words.iter().copied().step_by(2).collect();
            let joined = words.iter().skip(1).step_by(2);
            let reads = !scopes.is_empty()
                && scopes.iter().all(|s| is_scope(s))
                && joined.clone().all(|w| w.eq_ignore_ascii_case("and"))
                && words.len() % 2 == 1;
            reads.then(|| scopes.join(" and "))
        })
        .collect()
}

/// `User.Read.All`: dotted words of letters, digits, `_` and `-`.
fn is_scope(s: &str) -> bool {
    !s.is_empty()
        && s.contains('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
}

/// Whether the page's query parameters section says the call takes OData query options.
/// Its prose says so in many words, and says the opposite in as many: "does not
/// support", "No OData query parameters are available", "... are not currently
/// supported".
fn query_options(page: &Page) -> bool {
    let sections = section(page, &["optional query parameters", "query parameters"]);
    sections
        .iter()
        .flat_map(|s| &s.items)
        .any(|item| match item {
            Item::Prose(p) => {
                let t = p.text.trim().to_ascii_lowercase();
                let names_one = t.contains('$');
                let denies = ["does not support", "doesn't support"]
                    .iter()
                    .any(|phrase| t.contains(phrase))
                    || t.starts_with("no ")
                    || t.starts_with("not supported")
                    // "`$top` ...; the other OData query parameters are not supported"
                    // still grants `$top`.
                    || (t.contains("parameters are not") && !names_one);
                (names_one || t.contains("odata")) && !denies
            }
            Item::Table(t) => t
                .rows
                .iter()
                .any(|r| r.cells.first().is_some_and(|c| c.text.contains('$'))),
            Item::Code(_) => false,
        })
}

fn request_headers(page: &Page) -> Vec<String> {
    let mut out = Vec::new();
    for table in tables(section(
        page,
        &["request headers", "optional request headers"],
    )) {
        let col = table.column(&["header", "name"]).unwrap_or(0);
        for row in &table.rows {
            let name = row.cells.get(col).map_or("", |c| c.text.trim());
            if !name.is_empty()
                && !name.eq_ignore_ascii_case("authorization")
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !out.iter().any(|h: &String| h.eq_ignore_ascii_case(name))
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `path` with each segment that is a literal GUID (an example's id copied into the
/// request line) made a parameter named after the segment before it, with a warning.
fn parameterize_literal_ids(
    path: &str,
    page: &str,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let mut previous = "";
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| {
            let out = if is_guid(segment) {
                let name = format!("{{{previous}-id}}");
                diags.push(
                    Diagnostic::warning(
                        page,
                        line,
                        Code::LiteralIdInPath,
                        format!("the request line has the literal id `{segment}` where a parameter belongs; read as `{name}`"),
                    )
                    .with_help("write path parameters as `{name}`, e.g. `/education/classes/{educationClass-id}`"),
                );
                name
            } else {
                segment.to_string()
            };
            previous = segment;
            out
        })
        .collect();
    segments.join("/")
}

/// The query options OData lets a path segment carry in parentheses
/// (`items(expand=fields)`), which are no function parameters. `count` is one only
/// as `count=true` or `false`: workbook functions take a `count` (`rowsAbove(count=n)`).
const OPTIONS_IN_PARENTHESES: [&str; 8] = [
    "expand", "select", "filter", "orderby", "top", "skip", "search", "levels",
];

/// A function's arguments written as values or placeholders in a request line
/// (`range(address='<address>')`, `rowsAbove(count=n)`) read as parameters
/// (`range(address='{address}')`), so that the function takes them from its caller
/// instead of sending the placeholder. Arguments already in braces stay. Also returns
/// each rewritten argument's name and the value the page wrote, in path order.
fn parameterize_function_arguments(
    path: &str,
    page: &str,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(path.len());
    let mut written = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|i| open + i) else {
            break;
        };
        out.push_str(&rest[..=open]);
        let arguments = &rest[open + 1..close];
        let rewritten: Vec<String> = arguments
            .split(',')
            .map(|argument| {
                let Some((name, value)) = argument.split_once('=') else {
                    return argument.to_string();
                };
                let (name, value) = (name.trim(), value.trim());
                let lower = name.to_ascii_lowercase();
                let is_option = OPTIONS_IN_PARENTHESES.contains(&lower.as_str())
                    || (lower == "count" && matches!(value, "true" | "false"));
                let is_parameter_name = !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !is_option;
                if value.is_empty() || value.contains('{') || !is_parameter_name {
                    return argument.to_string();
                }
                let quoted = value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'');
                let placeholder = if quoted {
                    format!("{name}='{{{name}}}'")
                } else {
                    format!("{name}={{{name}}}")
                };
                let bare = if quoted { &value[1..value.len() - 1] } else { value };
                written.push((name.to_string(), bare.to_string()));
                diags.push(
                    Diagnostic::warning(
                        page,
                        line,
                        Code::LiteralFunctionArgument,
                        format!(
                            "the request line writes `{name}={value}` where the function's parameter belongs; read as `{placeholder}`"
                        ),
                    )
                    .with_help("write function parameters as `name='{name}'` (strings) or `name={name}`"),
                );
                placeholder
            })
            .collect();
        out.push_str(&rewritten.join(","));
        rest = &rest[close..];
    }
    out.push_str(rest);
    (out, written)
}

/// The query parameters a request target writes with placeholders
/// (`?startDateTime={start_datetime}&$top=5` gives `startDateTime`); OData's `$`
/// options and parameters with a value are left out.
fn placeholder_parameters(target: &str) -> Vec<QueryParameter> {
    let Some((_, query)) = target.split_once('?') else {
        return Vec::new();
    };
    let mut out: Vec<QueryParameter> = Vec::new();
    for pair in query.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        let Some(documented) = value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) else {
            continue;
        };
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if plain && !out.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            out.push(QueryParameter {
                name: name.to_string(),
                documented: documented.trim().to_string(),
            });
        }
    }
    out
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_guid(segment: &str) -> bool {
    let groups: Vec<&str> = segment.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The documented body, unless the method has none: HTTP gives a body on `GET` or
/// `DELETE` no meaning, and OpenAPI 3.0 leaves it undefined.
fn body_for_method(
    method: HttpMethod,
    body: &Option<RequestBody>,
    page: &str,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<RequestBody> {
    let body = body.as_ref()?;
    if method.has_body() {
        return Some(body.clone());
    }
    let what = match body {
        RequestBody::Typed { types } => format!("a `{}`", types.join("` or `")),
        RequestBody::Parameters { parameters } => {
            let names: Vec<&str> = parameters.iter().map(|p| p.name.as_str()).collect();
            format!("the parameters `{}`", names.join("`, `"))
        }
    };
    diags.push(
        Diagnostic::warning(
            page,
            line,
            Code::RequestBodyIgnored,
            format!("a `{method}` request has no body, but the page documents {what} as its request body; the operation takes no body"),
        )
        .with_help("a function's parameters go in the URL: write them into the request line, e.g. `/getValue(name='{name}')`"),
    );
    None
}

/// Wording that says the body may be left out: `No request body is required. However,
/// you can specify ...`, `you may optionally include`, `It's okay to send an empty body`.
const OPTIONAL_BODY: [&str; 9] = [
    "no request body is required",
    "not require a request body",
    "not require any request body",
    "n't require a request body",
    "n't require any request body",
    "optionally",
    "empty body",
    "omitting the body",
    "provide an optional",
];

/// Wording that says there is no body at all.
const NO_BODY: [&str; 3] = ["do not supply", "don't supply", "no request body"];

/// Section titles, besides `Request body`, that some action pages put the body's
/// parameter table under. A function's parameters usually go in the URL: those the
/// request line names are left out.
const PARAMETER_SECTIONS: [&str; 6] = [
    "parameters",
    "action parameters",
    "body parameters",
    "request parameters",
    "request body parameters",
    "function parameters",
];

fn request_body(
    page: &Page,
    lines: &[(HttpMethod, String, usize)],
    examples: &[Example],
    resolver: &Resolver,
    diags: &mut Vec<Diagnostic>,
) -> DocumentedBody {
    let sections = body_sections(page);
    let mut optional = false;
    let mut named = None;
    for item in sections.iter().flat_map(|s| &s.items) {
        let Item::Prose(p) = item else { continue };
        let lower = p.text.to_ascii_lowercase();
        if OPTIONAL_BODY.iter().any(|w| lower.contains(w)) {
            optional = true;
        } else if NO_BODY.iter().any(|w| lower.contains(w)) {
            return DocumentedBody::default();
        }
        if !(lower.contains("representation") || lower.contains("object")) || named.is_some() {
            continue;
        }
        if let Some(link) = p.links.iter().find(|l| {
            l.target.contains("resources/")
                || (l.target.ends_with(".md") && !l.target.contains("api/"))
        }) {
            let r = NameRef {
                name: link.text.clone(),
                target: link.target.clone(),
                line: p.line,
            };
            match resolver.resolve_name(&page.path, &r) {
                Ok(n) => named = Some(n),
                Err(d) => diags.push(d),
            }
        }
    }
    let documented = |body, from_example| DocumentedBody {
        body: Some(body),
        optional,
        from_example,
    };
    if let Some(n) = named {
        return documented(RequestBody::Typed { types: vec![n] }, None);
    }
    if let Some(table) = tables(&sections).find(|t| parameter_columns(t).is_some()) {
        let parameters = table_parameters(page, table, &[], resolver, diags);
        if !parameters.is_empty() {
            return documented(RequestBody::Parameters { parameters }, None);
        }
    }
    // A parameters section elsewhere on the page; only for methods that take a body.
    if lines.iter().any(|(m, _, _)| m.has_body()) {
        let in_url = url_arguments(lines);
        for title in PARAMETER_SECTIONS {
            let Some(table) =
                tables(section(page, &[title])).find(|t| parameter_columns(t).is_some())
            else {
                continue;
            };
            let parameters = table_parameters(page, table, &in_url, resolver, diags);
            if !parameters.is_empty() {
                return documented(RequestBody::Parameters { parameters }, None);
            }
        }
    }
    match example_parameters(page, &sections, examples, resolver) {
        Some((parameters, source)) => {
            documented(RequestBody::Parameters { parameters }, Some(source))
        }
        None => DocumentedBody {
            optional,
            ..DocumentedBody::default()
        },
    }
}

/// The `Request body` section and its subsections, without those about headers or
/// query parameters (their tables are not the body's).
fn body_sections(page: &Page) -> Vec<Section> {
    section(page, &["request body"])
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            let t = s.title.to_ascii_lowercase();
            *i == 0 || !(t.contains("header") || t.contains("query") || t.contains("response"))
        })
        .map(|(_, s)| s.clone())
        .collect()
}

/// The (name, type, description) columns of a parameter table: a `Type` column, or a
/// `Value` column beside a `Description` (`Name | Value | Description`; a two-column
/// `Name | Value` table gives literal values, not types).
fn parameter_columns(table: &Table) -> Option<(usize, usize, Option<usize>)> {
    let desc = table.column(&["description"]);
    let ty = table
        .column(&["type"])
        .or_else(|| desc.and(table.column(&["value"])))?;
    let name = table
        .column(&["parameter", "property", "name"])
        .unwrap_or(0);
    (name != ty).then_some((name, ty, desc))
}

/// The names given values inside a request line's parentheses: `f(a={a},b='{b}')` → a, b.
fn url_arguments(lines: &[(HttpMethod, String, usize)]) -> Vec<String> {
    let mut out = Vec::new();
    for (_, target, _) in lines {
        for piece in target.split(['(', ',']).skip(1) {
            if let Some((name, _)) = piece.split_once('=') {
                let name = name.trim();
                if !name.is_empty() && !out.iter().any(|n: &String| n == name) {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

/// The rows of a parameter table, those named in `skip` left out.
fn table_parameters(
    page: &Page,
    table: &Table,
    skip: &[String],
    resolver: &Resolver,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Property> {
    let Some((name_col, type_col, desc_col)) = parameter_columns(table) else {
        return Vec::new();
    };
    let mut parameters = Vec::new();
    for row in &table.rows {
        let name = row
            .cells
            .get(name_col)
            .map_or("", |c| c.text.trim().trim_matches(['`', '*']));
        let Some(type_cell) = row.cells.get(type_col) else {
            continue;
        };
        if name.is_empty() || type_cell.text.is_empty() || skip.iter().any(|s| s == name) {
            continue;
        }
        let cell = crate::model::parse_type_cell(&type_cell.text, &type_cell.links);
        parameters.push(Property {
            name: name.to_string(),
            ty: resolver.resolve_cell(&page.path, row.line, &cell, diags),
            description: desc_col
                .and_then(|c| row.cells.get(c))
                .map_or(String::new(), |c| c.text.clone()),
            navigation: false,
            query: Default::default(),
            source: Source {
                file: page.path.clone(),
                line: row.line,
            },
        });
    }
    parameters
}

/// For want of a table: the members of the JSON object the `Request body` section
/// shows, else of the first example request that sends one with a body method.
fn example_parameters(
    page: &Page,
    sections: &[Section],
    examples: &[Example],
    resolver: &Resolver,
) -> Option<(Vec<Property>, Source)> {
    let shown = code_blocks(sections).filter_map(|b| {
        let block_type = b
            .annotation
            .as_ref()
            .and_then(|a| a.value.get("blockType"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        // A resource annotation shows a type's members, not the body.
        if !matches!(b.lang.as_str(), "json" | "") || block_type.eq_ignore_ascii_case("resource") {
            return None;
        }
        let (value, _) = crate::json::parse_lenient(&b.text).ok()?;
        Some((value, b.line + 1))
    });
    let sent = examples
        .iter()
        .filter(|e| e.request.method == HttpMethod::Post)
        .filter_map(|e| Some((e.request.body.clone()?, e.request.line)));
    shown.chain(sent).find_map(|(value, line)| {
        let serde_json::Value::Object(members) = value else {
            return None;
        };
        let parameters: Vec<Property> = members
            .iter()
            .filter(|(k, _)| !k.starts_with('@'))
            .map(|(k, v)| Property {
                name: k.clone(),
                ty: json_type(v, resolver),
                description: String::new(),
                navigation: false,
                query: Default::default(),
                source: Source {
                    file: page.path.clone(),
                    line,
                },
            })
            .collect();
        let source = Source {
            file: page.path.clone(),
            line,
        };
        (!parameters.is_empty()).then_some((parameters, source))
    })
}

/// The type a JSON value shows: an object is any JSON unless its `@odata.type` names a
/// documented type; an array is a collection of its first item's type.
fn json_type(value: &serde_json::Value, resolver: &Resolver) -> TypeRef {
    use serde_json::Value;
    match value {
        Value::String(_) => TypeRef::Primitive(Edm::String),
        Value::Bool(_) => TypeRef::Primitive(Edm::Boolean),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => TypeRef::Primitive(Edm::Int32),
            Some(_) => TypeRef::Primitive(Edm::Int64),
            None if n.is_u64() => TypeRef::Primitive(Edm::Int64),
            None => TypeRef::Primitive(Edm::Double),
        },
        Value::Array(items) => TypeRef::Collection(Box::new(
            items
                .first()
                .map_or(TypeRef::Untyped, |i| json_type(i, resolver)),
        )),
        Value::Object(members) => members
            .get("@odata.type")
            .and_then(Value::as_str)
            .and_then(|t| resolver.type_by_exact_name(t.trim_start_matches('#')))
            .map_or(TypeRef::Untyped, TypeRef::Named),
        Value::Null => TypeRef::Untyped,
    }
}

fn response(
    page: &Page,
    examples: &[Example],
    resolver: &Resolver,
    diags: &mut Vec<Diagnostic>,
) -> ResponseDef {
    let mut status = None;
    let mut body = None;
    let mut prose_collection = None;
    for item in section(page, &["response"]).iter().flat_map(|s| &s.items) {
        let Item::Prose(p) = item else { continue };
        if status.is_none() {
            status = first_status(&p.text);
        }
        if body.is_some() {
            continue;
        }
        let collection = says_collection(&p.text);
        for link in p
            .links
            .iter()
            .filter(|l| l.target.ends_with(".md") || l.target.contains(".md#"))
        {
            if link.target.contains("/api/") || link.target.starts_with("../api") {
                continue;
            }
            let r = NameRef {
                name: link.text.clone(),
                target: link.target.clone(),
                line: p.line,
            };
            if let Ok(n) = resolver.resolve_name(&page.path, &r) {
                prose_collection = Some((collection, p.line));
                let named = TypeRef::Named(n);
                body = Some(if collection {
                    TypeRef::Collection(Box::new(named))
                } else {
                    named
                });
                break;
            }
        }
    }
    // The response annotation of an example is more precise than prose.
    if let Some(resp) = examples
        .iter()
        .filter_map(|e| e.response.as_ref())
        .find(|r| r.odata_type.is_some())
        && let Some(t) = &resp.odata_type
    {
        // The annotation uses the Type column's spellings: `Collection(x)`,
        // `collection(x)`, `string`, `Edm.Int32`, qualified names.
        let (cell, collection) = match crate::model::parse_type_cell(t, &[]) {
            crate::model::CellType::Collection(inner) => (*inner, true),
            other => (other, resp.is_collection),
        };
        let single = match cell {
            crate::model::CellType::Primitive(e) => Some(TypeRef::Primitive(e)),
            crate::model::CellType::Named { name, .. } => {
                let r = NameRef {
                    name,
                    target: String::new(),
                    line: resp.annotation_line.unwrap_or(resp.line),
                };
                match resolver.resolve_identifier(&page.path, &r, diags) {
                    Ok(n) => Some(TypeRef::Named(n)),
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                }
            }
            // `Object`, `Json` and free text: any JSON.
            _ => Some(TypeRef::Untyped),
        };
        if let Some(single) = single {
            body = Some(if collection {
                TypeRef::Collection(Box::new(single))
            } else {
                single
            });
        }
    }
    if body.is_none() {
        body = response_type_from_words(page, resolver)
            .or_else(|| response_type_from_example(examples, resolver));
    }
    let example_status = examples
        .iter()
        .filter_map(|e| e.response.as_ref())
        .map(|r| r.status)
        .next();
    let status = status.or(example_status).unwrap_or(200);
    // `202 Accepted` with examples that carry no body: the type the words name is
    // the operation to monitor behind the `Location` header, not a body.
    let responses = || examples.iter().filter_map(|e| e.response.as_ref());
    let accepted_without_body = status == 202
        && responses().any(|r| r.status == 202)
        && responses().all(|r| r.body.is_none());
    ResponseDef {
        status,
        body: if status == 204 || accepted_without_body {
            None
        } else {
            body
        },
        prose_collection,
    }
}

/// "a collection of x objects", "a list of x items", "an x collection".
fn says_collection(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("collection") || lower.contains("list of") || lower.contains("array of")
}

/// A type named without a link: `returns the **x** object`, `a collection of x objects`.
fn response_type_from_words(page: &Page, resolver: &Resolver) -> Option<TypeRef> {
    for item in section(page, &["response"]).iter().flat_map(|s| &s.items) {
        let Item::Prose(p) = item else { continue };
        let words: Vec<&str> = p
            .text
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.'))
            .collect();
        // `... response code and a String collection in the response body.`
        for w in words.windows(3) {
            if matches!(w[0], "a" | "an")
                && let crate::model::CellType::Primitive(edm) =
                    crate::model::parse_type_cell(w[1], &[])
                && w[1].starts_with(|c: char| c.is_ascii_uppercase())
            {
                let single = TypeRef::Primitive(edm);
                return Some(if w[2].eq_ignore_ascii_case("collection") {
                    TypeRef::Collection(Box::new(single))
                } else {
                    single
                });
            }
        }
        for pair in words.windows(2) {
            let noun = pair[1].trim_end_matches('.').to_ascii_lowercase();
            if !matches!(
                noun.as_str(),
                "object" | "objects" | "resource" | "resources" | "collection" | "entity"
            ) {
                continue;
            }
            if let Some(name) = resolver.type_by_exact_name(pair[0]) {
                let named = TypeRef::Named(name);
                let collection =
                    p.text.to_ascii_lowercase().contains("collection") || noun.ends_with('s');
                return Some(if collection {
                    TypeRef::Collection(Box::new(named))
                } else {
                    named
                });
            }
        }
    }
    None
}

/// The `@odata.type` of a single-object example response, or `Boolean` for an
/// OData primitive answer `{"value": true}`.
fn response_type_from_example(examples: &[Example], resolver: &Resolver) -> Option<TypeRef> {
    let body = examples
        .iter()
        .filter_map(|e| e.response.as_ref()?.body.as_ref())
        .next()?;
    if let Some(members) = body.as_object()
        && members.get("value").is_some_and(|v| v.is_boolean())
        && members.keys().all(|k| k == "value" || k.starts_with('@'))
    {
        return Some(TypeRef::Primitive(crate::model::Edm::Boolean));
    }
    let tag = body.get("@odata.type")?.as_str()?.trim_start_matches('#');
    resolver.type_by_exact_name(tag).map(TypeRef::Named)
}

/// The first 2xx status code mentioned in prose (`200 OK`, `204 No Content`).
fn first_status(text: &str) -> Option<u16> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 3 && w.starts_with('2'))
        .find_map(|w| w.parse().ok())
}

/// Example requests and responses, paired in order, from the Example(s) sections.
fn examples(page: &Page, diags: &mut Vec<Diagnostic>) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let start = page
        .sections
        .iter()
        .position(|s| s.title.to_ascii_lowercase().starts_with("example"));
    let Some(start) = start else { return out };
    let level = page.sections[start].level;
    let mut sections = Vec::new();
    for s in &page.sections[start..] {
        if s.level < level {
            break;
        }
        sections.push(s);
    }
    for block in sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            Item::Code(c) => Some(c),
            _ => None,
        })
    {
        if !matches!(
            block.lang.as_str(),
            "http" | "msgraph-interactive" | "" | "json"
        ) {
            continue;
        }
        let block_type = block
            .annotation
            .as_ref()
            .and_then(|a| a.value.get("blockType"))
            .and_then(|v| v.as_str())
            .map(str::to_ascii_lowercase);
        match parse_http_block(&block.text, block.line + 1) {
            HttpBlock::Request(r) if block_type.as_deref() != Some("response") => {
                let body = r
                    .body
                    .as_ref()
                    .and_then(|(text, line)| json_body(&page.path, *line, text, diags));
                out.push(Example {
                    file: page.path.clone(),
                    name: block
                        .annotation
                        .as_ref()
                        .and_then(|a| a.value.get("name"))
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                    request: ExampleRequest {
                        method: r.request_line.method,
                        target: r.request_line.target,
                        headers: r.headers,
                        body,
                        line: r.request_line.line,
                    },
                    response: None,
                });
            }
            HttpBlock::Response(r) => {
                let Some(example) = out.last_mut().filter(|e| e.response.is_none()) else {
                    continue;
                };
                let annotation = block.annotation.as_ref().map(|a| &a.value);
                let body = r
                    .body
                    .as_ref()
                    .and_then(|(text, line)| json_body(&page.path, *line, text, diags));
                // `Edm.String` over an object body is a placeholder, not the type.
                let odata_type = annotation
                    .and_then(|a| a.get("@odata.type").or_else(|| a.get("@type")))
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim_start_matches('#').to_string())
                    .filter(|t| !crate::model::placeholder_response_type(t, body.as_ref()));
                example.response = Some(ExampleResponse {
                    status: r.status,
                    headers: r.headers,
                    body,
                    odata_type,
                    is_collection: annotation
                        .and_then(|a| a.get("isCollection"))
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false),
                    line: r.line,
                    annotation_line: block.annotation.as_ref().map(|a| a.line),
                });
            }
            _ => {}
        }
    }
    out
}

/// Parses a JSON body; non-JSON bodies (CSV, base64) are left out without a report.
fn json_body(
    file: &str,
    line: usize,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<serde_json::Value> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
        return None;
    }
    match crate::json::parse_lenient(text) {
        Ok((v, true)) => Some(v),
        Ok((v, false)) => {
            diags.push(
                Diagnostic::warning(file, line, Code::InvalidJson, "the example body is not strict JSON (trailing comma, comment or similar); read it leniently")
                    .with_help("remove trailing commas and comments"),
            );
            Some(v)
        }
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    file,
                    line,
                    Code::InvalidJson,
                    format!("the example body is not valid JSON: {e}"),
                )
                .with_help("write placeholders as JSON strings, e.g. \"{id}\""),
            );
            None
        }
    }
}
