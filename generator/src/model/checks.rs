//! Examples checked against the resolved model.

use crate::diag::{Code, Diagnostic};
use crate::model::resolve::types::describe;
use crate::model::{Example, Model, Operation, QualifiedName, RequestBody, TypeRef};
use rayon::prelude::*;

/// Reports example members that the type's tables do not declare, and values whose
/// JSON kind contradicts the declared type.
pub(in crate::model) fn check_examples(model: &Model, diags: &mut Vec<Diagnostic>) {
    check_example_paths(model, diags);
    let per_operation: Vec<Vec<Diagnostic>> = model
        .operations
        .par_iter()
        .map(|op| {
            let mut diags = Vec::new();
            for ex in &op.examples {
                check_example_bodies(model, op, ex, &mut diags);
            }
            diags
        })
        .collect();
    diags.extend(per_operation.into_iter().flatten());
}

/// Compares an example's request and response bodies with the documented types.
fn check_example_bodies(model: &Model, op: &Operation, ex: &Example, diags: &mut Vec<Diagnostic>) {
    if let (Some(body), Some(RequestBody::Typed { types })) = (&ex.request.body, &op.request_body) {
        let tagged = tagged_type(body, model);
        if let Some(t) = tagged.or_else(|| (types.len() == 1).then(|| &types[0])) {
            check_object(model, t, body, &ex.file, ex.request.line, diags);
        }
    }
    let Some(resp) = &ex.response else { return };
    let Some(body) = &resp.body else { return };
    let declared = match &op.response.body {
        Some(TypeRef::Named(n)) => Some((n, false)),
        Some(TypeRef::Collection(inner)) => match inner.as_ref() {
            TypeRef::Named(n) => Some((n, true)),
            _ => None,
        },
        _ => None,
    };
    let Some((name, collection)) = declared else {
        return;
    };
    let items: Vec<&serde_json::Value> = if collection {
        body.get("value")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    } else {
        vec![body]
    };
    for item in items {
        let t = tagged_type(item, model).unwrap_or(name);
        check_object(model, t, item, &ex.file, resp.line, diags);
    }
}

/// Reports example requests whose method and path match no documented request line.
fn check_example_paths(model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&Example> = model
        .operations
        .iter()
        .flat_map(|op| &op.examples)
        .filter(|ex| seen.insert((ex.file.as_str(), ex.request.line)))
        .collect();
    let index = super::PathIndex::new(model.operations.iter().map(|op| &op.path));
    let found: Vec<Option<Diagnostic>> = unique
        .par_iter()
        .map(|ex| unmatched_example(model, &index, ex))
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The warning for an example whose method and path match no request line.
fn unmatched_example(model: &Model, index: &super::PathIndex, ex: &Example) -> Option<Diagnostic> {
    let path = super::request_path(&ex.request.target);
    let candidates = index.candidates(path);
    let same_method = || {
        candidates
            .iter()
            .map(|&i| &model.operations[i])
            .filter(|op| op.method == ex.request.method)
    };
    if same_method().any(|op| op.path.match_path(path, true).is_some()) {
        return None;
    }
    if narrows_by_cast(model, index, ex, path) {
        return None;
    }
    let (code, message) = match same_method().find(|op| op.path.match_path(path, false).is_some()) {
        Some(op) => (
            Code::ExamplePathCase,
            format!(
                "the example request `{} {path}` matches the documented `{}` only if letter case is ignored",
                ex.request.method,
                op.path.openapi_path()
            ),
        ),
        None => (
            Code::ExampleRequestMismatch,
            format!(
                "the example request `{} {path}` matches no request line under `HTTP request` on any page",
                ex.request.method
            ),
        ),
    };
    Some(
        Diagnostic::warning(&ex.file, ex.request.line, code, message)
            .with_help("make the example use a documented path, or document the path it uses"),
    )
}

/// Whether `path` is a documented request line's path followed by a cast to a type
/// deriving from the items it answers (`/me/memberOf/microsoft.graph.group`), which
/// OData allows on any path without a request line of its own.
fn narrows_by_cast(model: &Model, index: &super::PathIndex, ex: &Example, path: &str) -> bool {
    let Some((base, cast)) = model.trailing_cast(path) else {
        return false;
    };
    index
        .candidates(base)
        .iter()
        .map(|&i| &model.operations[i])
        .filter(|op| op.method == ex.request.method)
        .filter(|op| op.path.match_path(base, true).is_some())
        .filter_map(|op| op.response.item_name())
        .any(|item| item != cast && model.ancestry(cast).any(|t| &t.name == item))
}

fn tagged_type<'m>(value: &serde_json::Value, model: &'m Model) -> Option<&'m QualifiedName> {
    let tag = value.get("@odata.type")?.as_str()?.trim_start_matches('#');
    model.types.get_key_value(tag).map(|(name, _)| name)
}

fn check_object(
    model: &Model,
    type_name: &QualifiedName,
    value: &serde_json::Value,
    file: &str,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(obj) = value.as_object() else { return };
    if !model.types.contains_key(type_name) {
        return;
    }
    let props = model.all_properties(type_name);
    for (key, v) in obj {
        if key.contains('@') {
            continue;
        }
        match props.iter().find(|p| p.name == *key) {
            None if model.takes_dynamic_member(type_name, key) => {}
            None => diags.push(
                Diagnostic::warning(
                    file,
                    line,
                    Code::ExamplePropertyNotInTable,
                    format!("the example has `{key}`, which no table of `{type_name}` or its base types declares"),
                )
                .with_help("add the property to the type's Properties table, or fix its name in the example"),
            ),
            Some(p) => {
                if !json_kind_fits(model, &p.ty, v) {
                    diags.push(
                        Diagnostic::warning(
                            file,
                            line,
                            Code::ExampleTypeMismatch,
                            format!("the example value of `{key}` is {}, but the table declares {}", crate::json::kind_name(v), describe(&p.ty)),
                        )
                        .with_help("make the example value match the declared type, or fix the table"),
                    );
                }
            }
        }
    }
}

fn json_kind_fits(model: &Model, ty: &TypeRef, v: &serde_json::Value) -> bool {
    use super::Edm;
    use serde_json::Value as J;
    match (ty, v) {
        (_, J::Null) | (TypeRef::Untyped, _) => true,
        (TypeRef::Collection(inner), J::Array(items)) => {
            items.iter().all(|i| json_kind_fits(model, inner, i))
        }
        (TypeRef::Collection(_), _) => false,
        (TypeRef::Named(n), v) => {
            if model.enums.contains_key(n) {
                v.is_string()
            } else {
                v.is_object()
            }
        }
        (TypeRef::Primitive(e), v) => match e {
            Edm::Boolean => v.is_boolean(),
            Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => {
                v.is_i64() || v.is_u64()
            }
            // Graph writes special values (`NaN`, `INF`) and large decimals as strings.
            Edm::Single | Edm::Double | Edm::Decimal => v.is_number() || v.is_string(),
            _ => v.is_string(),
        },
    }
}
