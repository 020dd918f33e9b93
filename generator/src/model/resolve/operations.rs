//! Operations merged across pages: one per documented method and path.

use crate::diag::{Code, Diagnostic};
use crate::method::HttpMethod;
use crate::model::extract::operations::page_operations;
use crate::model::extract::operations::{PageOperations, PageRequest};
use crate::model::resolve::names::Resolver;
use crate::model::resolve::path_shapes::PathSpellings;
use crate::model::resolve::types::describe;
use crate::model::{Example, Model, Operation, Property, RequestBody, Source, TypeRef};
use crate::parse::Page;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub(in crate::model) fn collect_operations(
    pages: &[&Page],
    resolver: &Resolver,
    model: &mut Model,
    diags: &mut Vec<Diagnostic>,
) {
    // Each page is read on its own, in parallel; then merged in page order.
    let documented: Vec<(Vec<Diagnostic>, Option<PageOperations<'_>>)> = pages
        .par_iter()
        .map(|page| page_operations(page, resolver))
        .collect();
    // Request lines that differ only in parameter names or letter case are one request.
    let spellings = PathSpellings::new(
        documented
            .iter()
            .filter_map(|(_, d)| d.as_ref())
            .flat_map(|d| d.requests.iter().map(|r| &r.template)),
    );
    // (path, method) → operation; pages arrive sorted, so the first page wins ties.
    let mut ops: BTreeMap<(String, HttpMethod), Operation> = BTreeMap::new();
    for (mut page_diags, documented) in documented {
        diags.append(&mut page_diags);
        let Some(PageOperations {
            page,
            area,
            requests,
            summary,
            description,
            permissions,
            query_options,
            headers,
            mut examples,
            response,
        }) = documented
        else {
            continue;
        };
        let count = requests.len();
        for (i, request) in requests.into_iter().enumerate() {
            let PageRequest {
                method,
                template,
                line,
                body,
                queried_as_collection,
                body_optional,
                body_from_example,
                query_parameters,
            } = request;
            let documented_path = template.documented();
            let template = spellings.respell(&template);
            let key = (template.openapi_path(), method);
            if let Some(existing) = ops.get_mut(&key) {
                let here = Source {
                    file: page.path.clone(),
                    line,
                };
                if let Some(d) = conflict(model, existing, &here, &documented_path, &response.body)
                {
                    diags.push(d);
                }
                if queried_as_collection && existing.queried_as_collection.is_none() {
                    existing.queried_as_collection = Some(here.clone());
                }
                // A parameter is the function's only where every request line has it.
                existing.query_parameters.retain(|p| {
                    query_parameters
                        .iter()
                        .any(|q| q.name.eq_ignore_ascii_case(&p.name))
                });
                // An action's page (titled `post: reply` for `.../reply`) owns its path.
                // A page that lists the path among the request lines of another resource
                // (an extended property created in a new reply) types the body as that
                // resource, which the action does not take.
                if matches!(existing.request_body, Some(RequestBody::Typed { .. }))
                    && matches!(body, Some(RequestBody::Parameters { .. }))
                    && is_action_page_of(&summary, &documented_path)
                {
                    existing.area = area.clone();
                    existing.summary = summary.clone();
                    existing.description = description.clone();
                    existing.source = here;
                    existing.permissions = permissions.clone();
                    existing.query_options = query_options;
                    existing.request_body = body;
                    existing.body_optional = body_optional;
                    existing.body_from_example = body_from_example;
                    existing.response = response.clone();
                    existing.documented_path = documented_path;
                    add_page_headers_and_examples(existing, &headers, &examples, &page.path);
                    continue;
                }
                if existing.request_body.is_none() && body.is_some() {
                    existing.body_optional = body_optional;
                    existing.body_from_example = body_from_example;
                }
                merge_body(existing, &body);
                add_page_headers_and_examples(existing, &headers, &examples, &page.path);
                existing.response.body =
                    merge_response(model, &existing.response.body, &response.body);
                continue;
            }
            ops.insert(
                key,
                Operation {
                    id: String::new(),
                    method,
                    path: template,
                    area: area.clone(),
                    summary: summary.clone(),
                    description: description.clone(),
                    source: Source {
                        file: page.path.clone(),
                        line,
                    },
                    permissions: permissions.clone(),
                    query_options,
                    headers: headers.clone(),
                    request_body: body,
                    body_optional,
                    body_from_example,
                    response: response.clone(),
                    // The last request line takes the examples, the others copy them.
                    documented_path,
                    queried_as_collection: queried_as_collection.then(|| Source {
                        file: page.path.clone(),
                        line,
                    }),
                    query_parameters,
                    examples: if i + 1 == count {
                        std::mem::take(&mut examples)
                    } else {
                        examples.clone()
                    },
                },
            );
        }
    }
    let ops: Vec<Operation> = ops.into_values().collect();
    // Names from the method and path words, in parallel; numbered in order.
    let bases: Vec<String> = ops
        .par_iter()
        .map(|op| {
            let mut words = vec![op.method.as_str().to_ascii_lowercase()];
            words.extend(op.path.name_words());
            words.join("_")
        })
        .collect();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for (mut op, base) in ops.into_iter().zip(bases) {
        let n = taken.entry(base.clone()).or_insert(0);
        *n += 1;
        op.id = if *n == 1 { base } else { format!("{base}_{n}") };
        model.operations.push(op);
    }
}

/// Another page's headers and examples, on an operation it documents too. Each page
/// documents the same request: a header one names, it takes.
fn add_page_headers_and_examples(
    existing: &mut Operation,
    headers: &[String],
    examples: &[Example],
    page: &str,
) {
    for h in headers {
        if !existing.headers.iter().any(|e| e.eq_ignore_ascii_case(h)) {
            existing.headers.push(h.clone());
        }
    }
    if !existing.examples.iter().any(|e| e.file == page) {
        existing.examples.extend(examples.iter().cloned());
    }
}

/// Whether a page titled `summary` is the page of the action that `path` ends in: the
/// docs title action pages `type: action`.
fn is_action_page_of(summary: &str, path: &str) -> bool {
    let action = path
        .rsplit('/')
        .next()
        .map(|last| last.split('(').next().unwrap_or(last))
        .unwrap_or_default();
    let Some((_, titled)) = summary.rsplit_once(':') else {
        return false;
    };
    !action.is_empty() && titled.trim().eq_ignore_ascii_case(action)
}

/// Two pages documenting one path with different response types (one per derived
/// type): the response is their nearest common base type.
fn merge_response(model: &Model, a: &Option<TypeRef>, b: &Option<TypeRef>) -> Option<TypeRef> {
    match (a, b) {
        (Some(TypeRef::Named(x)), Some(TypeRef::Named(y))) if x != y => Some(
            model
                .common_base(&[x.clone(), y.clone()])
                .map_or(TypeRef::Untyped, TypeRef::Named),
        ),
        (Some(TypeRef::Collection(x)), Some(TypeRef::Collection(y))) if x != y => {
            let merged = merge_response(model, &Some((**x).clone()), &Some((**y).clone()));
            merged.map(|m| TypeRef::Collection(Box::new(m)))
        }
        (None, other) | (other, None) => other.clone(),
        (same, _) => same.clone(),
    }
}

/// One documented path on several pages (one create page per derived type): the body
/// accepts each documented type.
fn merge_body(existing: &mut Operation, other: &Option<RequestBody>) {
    match (&mut existing.request_body, other) {
        (Some(RequestBody::Typed { types }), Some(RequestBody::Typed { types: more })) => {
            for t in more {
                if !types.contains(t) {
                    types.push(t.clone());
                }
            }
            types.sort();
        }
        (
            Some(RequestBody::Parameters { parameters }),
            Some(RequestBody::Parameters { parameters: more }),
        ) => merge_parameters(parameters, more),
        (None, Some(b)) => existing.request_body = Some(b.clone()),
        _ => {}
    }
}

/// One action documented on several pages: its parameters are those of every page, and
/// where two pages type one parameter differently, the type whose values both accept.
fn merge_parameters(parameters: &mut Vec<Property>, more: &[Property]) {
    for other in more {
        match parameters.iter_mut().find(|p| p.name == other.name) {
            Some(p) => {
                if let Some(narrower) = narrower_type(&p.ty, &other.ty) {
                    p.ty = narrower;
                }
            }
            None => parameters.push(other.clone()),
        }
    }
}

/// Of two types given to one value, the one both accept, when there is one: a typed
/// value over any JSON, an integer over a floating-point number (every integer is a
/// number, not the other way round).
fn narrower_type(a: &TypeRef, b: &TypeRef) -> Option<TypeRef> {
    use crate::model::Edm::{Byte, Decimal, Double, Int16, Int32, Int64, SByte, Single};
    match (a, b) {
        (TypeRef::Untyped, typed) if *typed != TypeRef::Untyped => Some(typed.clone()),
        (
            TypeRef::Primitive(Double | Single | Decimal),
            TypeRef::Primitive(Byte | SByte | Int16 | Int32 | Int64),
        ) => Some(b.clone()),
        (TypeRef::Collection(x), TypeRef::Collection(y)) => {
            narrower_type(x, y).map(|t| TypeRef::Collection(Box::new(t)))
        }
        _ => None,
    }
}

/// Two request lines that are one request (after respelling) but whose pages give it
/// contradicting response types: a collection and a single value, or unrelated types.
/// Pages of derived types sharing a base are not a conflict, and neither are request
/// bodies: a create page per derived type tables that type's properties.
fn conflict(
    model: &Model,
    existing: &Operation,
    here: &Source,
    documented_path: &str,
    response: &Option<TypeRef>,
) -> Option<Diagnostic> {
    let what = if let (Some(a), Some(b)) = (&existing.response.body, response)
        && !compatible(model, a, b)
    {
        format!(
            "response types: {} there, {} here",
            describe(a),
            describe(b)
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::warning(
            &here.file,
            here.line,
            Code::DuplicateOperation,
            format!(
                "`{} {documented_path}` is also documented at {}:{} (`{}`), with other {what}; both are kept as one operation",
                existing.method,
                existing.source.file,
                existing.source.line,
                existing.documented_path,
            ),
        )
        .with_help("document each request on one page, or make both pages name the same types"),
    )
}

/// The same shape and related types: equal, or with a common base (pages of derived
/// types documenting a shared request line).
fn compatible(model: &Model, a: &TypeRef, b: &TypeRef) -> bool {
    match (a, b) {
        (TypeRef::Collection(x), TypeRef::Collection(y)) => compatible(model, x, y),
        (TypeRef::Named(x), TypeRef::Named(y))
            if model.types.contains_key(x) && model.types.contains_key(y) =>
        {
            model.common_base(&[x.clone(), y.clone()]).is_some()
        }
        (TypeRef::Untyped, _) | (_, TypeRef::Untyped) => true,
        (x, y) => x == y,
    }
}
