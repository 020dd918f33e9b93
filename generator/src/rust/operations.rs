//! Request functions: one per documented (method, path).

use super::CrateOptions;
use super::RustCode;
use super::TypeNames;
use super::docs::{escape, published_at, write_outer};
use super::layout::{INDENT, string_literal, write_call, write_chain, write_signature};
use super::models::inline_view;
use super::names::{Scope, camel, ident, snake};
use crate::model::{
    Area, Edm, Model, Operation, ParamStyle, PathPart, Permissions, QualifiedName, RequestBody,
    TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The inline body type of an action (a parameter table) as one operation takes it.
pub struct InlineBody {
    /// The Rust name of the type.
    pub name: String,
    /// On the operation that emits the type (the first to take it): the functions
    /// that take it, in operation order.
    pub takers: Option<Vec<String>>,
}

/// The inline body type of each operation, in operation order. Actions of one area whose
/// parameters read the same (names, types and descriptions; e.g. one action documented
/// on many paths) share one type, named after the first of them: the same code twice
/// would only cost compile time.
pub fn inline_bodies(model: &Model) -> Vec<Option<InlineBody>> {
    type Key<'a> = (&'a Area, Vec<(&'a str, &'a TypeRef, &'a str, bool)>);
    let mut scope = Scope::default();
    // Each shared type's name and takers, in the order of the first operation of each;
    // and each operation's type, as an index into them.
    let mut types: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let taken: Vec<Option<usize>> = model
        .operations
        .iter()
        .map(|op| {
            let Some(RequestBody::Parameters { parameters }) = &op.request_body else {
                return None;
            };
            let key = (
                &op.area,
                parameters
                    .iter()
                    .map(|p| (p.name.as_str(), &p.ty, p.description.as_str(), p.navigation))
                    .collect(),
            );
            let at = *index.entry(key).or_insert_with(|| {
                let name = scope.claim(&format!("{}Body", camel(&op.id)));
                types.push((name, Vec::new()));
                types.len() - 1
            });
            // The body's takers: the functions with a body parameter.
            types[at]
                .1
                .push(optional_body_name(model, op).unwrap_or_else(|| function_name(op)));
            Some(at)
        })
        .collect();
    let mut emitted = vec![false; types.len()];
    taken
        .into_iter()
        .map(|at| {
            let at = at?;
            let (name, takers) = &types[at];
            // The first operation to take a type emits it.
            let first = !std::mem::replace(&mut emitted[at], true);
            Some(InlineBody {
                name: name.clone(),
                takers: first.then(|| takers.clone()),
            })
        })
        .collect()
}

/// The name of the function the crate has for `op` (`get_users_member_of`).
pub fn function_name(op: &Operation) -> String {
    ident(&snake(&op.id)).to_string()
}

/// The doc line of an inline body type.
fn body_doc(takers: &[String]) -> String {
    let links: Vec<String> = takers.iter().map(|t| format!("[`{t}`]")).collect();
    match links.split_last() {
        Some((last, [])) => format!("The request body of {last}."),
        Some((last, rest)) => format!(
            "The request body of {} and {last}, whose documented parameters are the same.",
            rest.join(", ")
        ),
        None => String::new(),
    }
}

/// Module docs and imports.
pub fn head(model: &Model) -> TokenStream {
    let imports = (!model.operations.is_empty())
        .then(|| quote! { #[allow(unused_imports)] use crate::runtime::{self, Method, PathBuilder, Request}; });
    quote! {
        //! One function per documented request line. Each returns a
        //! [`crate::runtime::Request`] to send with any HTTP stack; its
        //! `parse_response` reads the answer.

        #imports
    }
}

pub fn function(
    model: &Model,
    names: &TypeNames,
    options: &CrateOptions,
    op: &Operation,
    inline_body: Option<&InlineBody>,
) -> RustCode {
    let fn_name = function_name(op);
    let mut scope = Scope::with_reserved(&["path", "body"]);
    let mut params = Vec::new();
    // The first literal part, `PathBuilder::new`'s argument.
    let mut start = None;
    let mut calls = Vec::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal(text) => {
                let text = string_literal(text);
                if start.is_none() {
                    start = Some(text);
                } else {
                    calls.push(format!(".literal({text})"));
                }
            }
            PathPart::Param(i) => {
                start.get_or_insert_with(|| "\"\"".to_string());
                let p = &op.path.params[*i];
                let arg = ident(&scope.claim(&snake(&p.name))).to_string();
                let method = match p.style {
                    ParamStyle::Segment => "segment",
                    ParamStyle::Quoted => "quoted",
                    ParamStyle::Path => "path",
                };
                calls.push(format!(".{method}({arg})"));
                params.push(format!("{arg}: &str"));
            }
        }
    }
    let start = start.unwrap_or_else(|| "\"/\"".to_string());
    // The function's own query parameters, after the path's.
    let mut query_pairs = String::new();
    let mut query_doc = Vec::new();
    for q in &op.query_parameters {
        let arg = ident(&scope.claim(&snake(&q.name))).to_string();
        let _ = write!(
            query_pairs,
            ".query_pair({}, {arg})",
            string_literal(&q.name)
        );
        query_doc.push(format!("`{arg}` is sent as `{}`", q.name));
        params.push(format!("{arg}: &str"));
    }

    let mut code = RustCode::default();
    let body_param = match &op.request_body {
        Some(RequestBody::Typed { types }) => {
            Some(format!("body: &{}", typed_body(model, names, types)))
        }
        Some(RequestBody::Parameters { parameters }) => {
            // Every such operation has one from `inline_bodies`; alone, it has its own.
            let own = InlineBody {
                name: format!("{}Body", camel(&op.id)),
                takers: Some(vec![
                    optional_body_name(model, op).unwrap_or_else(|| fn_name.clone()),
                ]),
            };
            let body = inline_body.unwrap_or(&own);
            if let Some(takers) = &body.takers {
                let doc = body_doc(takers);
                code = inline_view(model, names, &op.area, &body.name, &doc, parameters);
            }
            Some(format!("body: &{}", body.name))
        }
        None => None,
    };

    let ResultType {
        rust: ret, parse, ..
    } = response_type(model, names, op);
    let mut doc = function_doc(op, options);
    if !query_doc.is_empty() {
        doc.push_str(&format!("\n\nQuery parameters: {}.", query_doc.join(", ")));
    }
    let with_body = optional_body_name(model, op);
    if let Some(long) = &with_body {
        doc.push_str(&format!(
            "\n\nThe request body is optional: [`{long}`] sends one."
        ));
    }
    let form = |doc: &str, name: &str, body: Option<&str>| {
        let mut params = params.clone();
        params.extend(body.map(str::to_string));
        // Docs apart: when the function has to be reprinted, its long docs need not be.
        let mut docs = String::new();
        write_outer(&mut docs, "", doc);
        let mut text = names.features.cfg_line(&op.area);
        // Inline: compiled only where used, like the accessors.
        text.push_str("#[inline]\n");
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        write_signature(
            &mut text,
            "",
            &format!("pub fn {name}"),
            &params,
            &format!("Request<{ret}>"),
        );
        let calls: Vec<&str> = calls.iter().map(String::as_str).collect();
        if calls.is_empty() {
            // A literal too long for the line goes on a line of its own.
            write_call(
                &mut text,
                INDENT,
                "let path = PathBuilder::new",
                &[&start],
                ";",
            );
        } else {
            let head = format!("let path = PathBuilder::new({start})");
            write_chain(&mut text, INDENT, &head, &calls, ";");
        }
        let json = if body.is_some() { ".json(body)" } else { "" };
        let advanced = if allows_advanced_queries(op) {
            ".allow_advanced_queries()"
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "{INDENT}Request::new(Method::{}, path, {parse}){json}{query_pairs}{advanced}\n}}",
            op.method
        );
        (docs, text)
    };
    match (&with_body, &body_param) {
        (Some(long), Some(body)) => {
            let (docs, text) = form(&doc, &fn_name, None);
            code = code.text(docs).laid_out(text);
            let long_doc = format!(
                "[`{fn_name}`], with the optional request body.\n\n`{} {}`",
                op.method,
                op.path.openapi_path()
            );
            let (docs, text) = form(&long_doc, long, Some(body));
            code.text(docs).laid_out(text)
        }
        _ => {
            let (docs, text) = form(&doc, &fn_name, body_param.as_deref());
            code.text(docs).laid_out(text)
        }
    }
}

/// The name of the form that takes the body, for an operation whose body is optional:
/// `{function}_with_body` (`_2`, ... should an operation have that name already).
pub(super) fn optional_body_name(model: &Model, op: &Operation) -> Option<String> {
    if !op.body_optional || op.request_body.is_none() {
        return None;
    }
    let base = format!("{}_with_body", snake(&op.id));
    let taken = |n: &str| model.operations.iter().any(|o| snake(&o.id) == n);
    let name = std::iter::once(base.clone())
        .chain((2..).map(|i| format!("{base}_{i}")))
        .find(|n| !taken(n))
        .unwrap_or(base);
    Some(ident(&name).to_string())
}

/// The body of a create or update: the common base of the documented types.
fn typed_body(model: &Model, names: &TypeNames, types: &[QualifiedName]) -> String {
    match model.common_base(types).and_then(|t| names.get(&t)) {
        Some(n) => format!("crate::models::{n}"),
        None => "serde_json::Value".to_string(),
    }
}

/// The type of an operation's body parameter as written outside `operations`, or
/// `None` when it takes no body.
pub(super) fn body_type(
    model: &Model,
    names: &TypeNames,
    op: &Operation,
    inline_body: Option<&InlineBody>,
) -> Option<String> {
    match &op.request_body {
        Some(RequestBody::Typed { types }) => Some(typed_body(model, names, types)),
        Some(RequestBody::Parameters { .. }) => {
            let name =
                inline_body.map_or_else(|| format!("{}Body", camel(&op.id)), |b| b.name.clone());
            Some(format!("crate::operations::{name}"))
        }
        None => None,
    }
}

/// What a function's `Request<T>` parses, and how a doc example checks it.
pub(super) struct ResultType {
    /// `T`, as Rust source.
    pub rust: String,
    /// The parser handed to `Request::new`: a function path or a closure.
    pub parse: String,
    pub check: ResultCheck,
}

/// How a doc-example test compares a parsed response with the example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResultCheck {
    /// The result serializes back to the whole body.
    WholeBody,
    /// The result serializes back to the body's `value` member (a primitive result).
    ValueMember,
    /// The result has no JSON form to compare (dates, ids, bytes, numbers that may
    /// be written either way): parsing it is the check.
    Parses,
}

/// The function's result type (inside `Request<>`) and the runtime's parser for it.
pub(super) fn response_type(model: &Model, names: &TypeNames, op: &Operation) -> ResultType {
    let body = &op.response.body;
    // Media content (`/content`, `/$value`) comes as raw bytes; an action or function
    // that returns a stream answers in JSON, `{"value": "<base64>"}`, like any other
    // primitive result.
    let raw_media = matches!(op.path.parts.last(), Some(PathPart::Literal(l)) if l.ends_with("/content") || l.ends_with("/$value"));
    let view = |n: &QualifiedName| {
        let name = names.get(n).filter(|_| model.types.contains_key(n));
        name.map_or_else(
            || "serde_json::Value".to_string(),
            |t| format!("crate::models::{t}"),
        )
    };
    let result = |rust: String, parse: &str, check| ResultType {
        rust,
        parse: parse.to_string(),
        check,
    };
    let json = "runtime::parse_json";
    if let Some(inner) = collection_item(op) {
        let item = match inner {
            TypeRef::Named(n) if model.enums.contains_key(n) => {
                names.get(n).map_or("serde_json::Value".to_string(), |e| {
                    format!("crate::enums::{e}")
                })
            }
            TypeRef::Named(n) => view(n),
            TypeRef::Primitive(edm) => {
                serde_primitive(*edm).map_or("serde_json::Value".to_string(), str::to_string)
            }
            _ => "serde_json::Value".to_string(),
        };
        return result(
            format!("runtime::Collection<{item}>"),
            json,
            ResultCheck::WholeBody,
        );
    }
    match body {
        None => result(
            "runtime::NoContent".to_string(),
            "runtime::parse_empty",
            ResultCheck::Parses,
        ),
        Some(TypeRef::Primitive(Edm::Stream | Edm::Binary)) if raw_media => result(
            "Vec<u8>".to_string(),
            "runtime::parse_bytes",
            ResultCheck::Parses,
        ),
        Some(TypeRef::Named(n)) if model.enums.contains_key(n) => match names.get(n) {
            Some(e) => result(
                format!("crate::enums::{e}"),
                "runtime::parse_value",
                ResultCheck::ValueMember,
            ),
            None => result(
                "serde_json::Value".to_string(),
                json,
                ResultCheck::WholeBody,
            ),
        },
        Some(TypeRef::Named(n)) => result(view(n), json, ResultCheck::WholeBody),
        Some(TypeRef::Primitive(edm)) => match serde_primitive(*edm) {
            Some(rust) => result(
                rust.to_string(),
                "runtime::parse_value",
                ResultCheck::ValueMember,
            ),
            None => {
                let (rust, convert) = converted_primitive(*edm);
                result(
                    rust.to_string(),
                    &format!("|status, body| runtime::parse_value_with(status, body, {convert})"),
                    ResultCheck::Parses,
                )
            }
        },
        Some(_) => result(
            "serde_json::Value".to_string(),
            json,
            ResultCheck::WholeBody,
        ),
    }
}

/// The item type of an operation whose answer is a collection (`value` and
/// `@odata.nextLink`): its function returns a `runtime::Collection` of it, and the
/// `testing` table marks it so.
pub(super) fn collection_item(op: &Operation) -> Option<&TypeRef> {
    match &op.response.body {
        Some(TypeRef::Collection(inner)) => Some(inner),
        _ => None,
    }
}

/// A primitive that serde reads and writes as Graph does.
fn serde_primitive(edm: Edm) -> Option<&'static str> {
    Some(match edm {
        Edm::String | Edm::Duration => "String",
        Edm::Boolean => "bool",
        Edm::Byte => "u8",
        Edm::SByte => "i8",
        Edm::Int16 => "i16",
        Edm::Int32 => "i32",
        Edm::Int64 => "i64",
        _ => return None,
    })
}

/// Any other primitive: its Rust type and the runtime's converter from JSON, the ones
/// the getters use.
fn converted_primitive(edm: Edm) -> (&'static str, &'static str) {
    match edm {
        Edm::DateTimeOffset => (
            "chrono::DateTime<chrono::FixedOffset>",
            "runtime::as_datetime",
        ),
        Edm::Date => ("chrono::NaiveDate", "runtime::as_date"),
        Edm::TimeOfDay => ("chrono::NaiveTime", "runtime::as_time"),
        Edm::Guid => ("uuid::Uuid", "runtime::as_uuid"),
        Edm::Binary | Edm::Stream => ("Vec<u8>", "runtime::as_bytes"),
        // Graph writes `NaN` and `INF` as strings; the getters' converter reads both.
        _ => ("f64", "runtime::as_f64"),
    }
}

/// Whether the operation's page documents the `ConsistencyLevel` header: its typed query
/// options then add the header where Graph's advanced-query rules ask for it.
pub(super) fn allows_advanced_queries(op: &Operation) -> bool {
    op.caller_headers()
        .any(|h| h.eq_ignore_ascii_case("ConsistencyLevel"))
}

fn function_doc(op: &Operation, options: &CrateOptions) -> String {
    let mut doc = escape(&op.summary);
    if !op.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&escape(&op.description));
    }
    doc.push_str(&format!("\n\n`{} {}`", op.method, op.path.openapi_path()));
    doc.push_str(&permissions_doc(&op.permissions));
    if op.query_options {
        doc.push_str(
            "\n\nSupports OData query options: typed with [`Request::select`], \
             [`Request::expand`] and, on collections, `filter`, `orderby`, `search`, `count`, \
             `top` and `skip`; as text with [`Request::query`].",
        );
    }
    if allows_advanced_queries(op) {
        doc.push_str(
            "\n\nAdvanced queries: the typed options Graph serves only as advanced queries \
             (`$search`, `$count`, `ne`, `not` and `endsWith` in `$filter`, comparisons with \
             `null`, `$filter` with `$orderby`) add `ConsistencyLevel: eventual` to this \
             request, and `$count=true` to all but `$search`.",
        );
    }
    let headers: Vec<String> = op.caller_headers().map(|h| format!("`{h}`")).collect();
    if !headers.is_empty() {
        doc.push_str(&format!(
            "\n\nRequest headers the docs list: {} (set them with [`Request::header`], or \
             [`Request::consistency_level_eventual`], [`Request::prefer`], [`Request::if_match`]).",
            headers.join(", ")
        ));
    }
    doc.push_str(&format!(
        "\n\nDocumented in `{}` (line {}){}.",
        op.source.file,
        op.source.line,
        published_at(options.api_version, &op.source.file)
    ));
    doc
}

fn permissions_doc(p: &Permissions) -> String {
    if p.is_empty() {
        return "\n\n# Permissions\n\nA token with no particular permission.".to_string();
    }
    let names = |v: &[String]| {
        v.iter()
            .map(|p| {
                Permissions::scopes_of(p)
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut doc = String::from("\n\n# Permissions\n\nAny one of these lets the call through.\n");
    for (kind, privileges) in p.kinds() {
        let ranks = match (privileges.least.is_empty(), privileges.higher.is_empty()) {
            (true, true) => "not supported".to_string(),
            (false, true) => format!("least: {}", names(&privileges.least)),
            (true, false) => format!("higher: {}", names(&privileges.higher)),
            (false, false) => format!(
                "least: {}; higher: {}",
                names(&privileges.least),
                names(&privileges.higher)
            ),
        };
        doc.push_str(&format!("\n- {}: {ranks}", kind.label()));
    }
    doc
}
