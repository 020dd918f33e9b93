//! Property handles for typed query options: one associated constant per property
//! (`User::DISPLAY_NAME: Field<Self, kind::Text>`), and the `IsA` impls that let a
//! derived type's requests take its base types' handles.
//!
//! Written as laid-out text like the accessors: thousands of one-line items.

use super::TypeNames;
use super::docs::{escape, write_outer};
use super::layout::{INDENT, string_literal};
use super::names::{Scope, snake};
use crate::model::{Area, Edm, Model, Property, QualifiedName, QueryNotes, TypeRef};

/// `impl name { HANDLE consts }` for the properties that have a query kind; nothing
/// when none has.
pub fn impl_block(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    name: &str,
    properties: &[Property],
) -> String {
    let mut items = String::new();
    let mut scope = Scope::with_reserved(&[]);
    for p in properties {
        let Some(kind) = query_kind(model, names, &p.ty, p.navigation) else {
            continue;
        };
        let constant = scope.claim(&snake(&p.name)).to_ascii_uppercase();
        let mut doc = format!("`{}` in typed query options.", escape(&p.name));
        if let Some(note) = super::accessors::query_note(p) {
            doc.push_str("\n\n");
            doc.push_str(&note);
        }
        write_outer(&mut items, INDENT, &doc);
        let cfg = names.features.cfg_text_for_type(model, area, &p.ty);
        if !cfg.is_empty() {
            items.push_str(INDENT);
            items.push_str(&cfg);
            items.push('\n');
        }
        let documented = documented(&p.query);
        let value = if documented.is_empty() {
            format!("Field::new({})", string_literal(&p.name))
        } else {
            let list: Vec<String> = documented
                .iter()
                .map(|d| format!("runtime::odata::Documented::{d}"))
                .collect();
            format!(
                "Field::documented({}, &[{}])",
                string_literal(&p.name),
                list.join(", ")
            )
        };
        items.push_str(&format!(
            "{INDENT}pub const {constant}: Field<Self, {kind}> = {value};\n"
        ));
    }
    if items.is_empty() {
        return items;
    }
    let mut out = names.features.cfg_line(area);
    out.push_str(&format!("impl {name} {{\n{items}}}\n"));
    out
}

/// The `runtime::odata::Documented` variants for what a property's description
/// documents: `$filter` and its operators, `$orderby`, `$search`. An operator the
/// runtime does not name is left out (the query part stays undocumented).
pub fn documented(notes: &QueryNotes) -> Vec<&'static str> {
    let mut out = Vec::new();
    for support in &notes.supports {
        match support.option.to_ascii_lowercase().as_str() {
            "$filter" if support.operators.is_empty() => out.push("Filter"),
            "$filter" => {
                for operator in &support.operators {
                    out.extend(filter_operator(operator));
                }
            }
            "$orderby" => out.push("OrderBy"),
            "$search" => out.push("Search"),
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `eq`, `NOT`, `startsWith`, `eq on null values`, `counting empty collections`,
/// `/$count eq 0`, `eq only`: the variant, if the runtime names it.
fn filter_operator(written: &str) -> Option<&'static str> {
    let lower = written.trim().trim_end_matches(')').to_ascii_lowercase();
    let lower = lower.trim_end_matches(" only").trim();
    if lower.contains("null") {
        return Some("Null");
    }
    if lower.contains("$count") || lower.contains("counting") {
        return Some("Count");
    }
    Some(match lower {
        "eq" => "Eq",
        "ne" => "Ne",
        "not" => "Not",
        "gt" => "Gt",
        "ge" => "Ge",
        "lt" => "Lt",
        "le" => "Le",
        "in" => "In",
        "startswith" => "StartsWith",
        "endswith" => "EndsWith",
        "contains" => "Contains",
        _ => return None,
    })
}

/// `impl IsA<Base> for name {}` for each ancestor of `ty`.
pub fn is_a_impls(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    ty: &QualifiedName,
    name: &str,
) -> String {
    let mut out = String::new();
    for base in model.ancestry(ty).skip(1) {
        let Some(base_name) = names.get(&base.name) else {
            continue;
        };
        out.push_str(&names.features.cfg_line(area));
        out.push_str(&format!(
            "impl runtime::odata::IsA<{base_name}> for {name} {{}}\n"
        ));
    }
    out
}

/// `impl OpenType for name` when `ty` or a base is open (`"openType": true`): its
/// objects take members no page documents, which `$select` then takes by name
/// (`Dynamic`). Directory objects take only extension properties.
pub fn open_type_impl(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    ty: &QualifiedName,
    name: &str,
) -> String {
    if !model.is_open(ty) {
        return String::new();
    }
    let directory = model.is_directory_object(ty);
    format!(
        "{}impl runtime::odata::OpenType for {name} {{\n    const EXTENSIONS_ONLY: bool = {directory};\n}}\n",
        names.features.cfg_line(area)
    )
}

/// What a property of type `ty` holds for a query (`kind::Text`,
/// `kind::Many<kind::Complex<AssignedLicense>>`); `None` for a type without a Rust name.
fn query_kind(model: &Model, names: &TypeNames, ty: &TypeRef, navigation: bool) -> Option<String> {
    Some(match ty {
        TypeRef::Primitive(edm) => format!("kind::{}", primitive_kind(*edm)),
        TypeRef::Untyped => "kind::Json".to_string(),
        TypeRef::Collection(inner) => {
            format!(
                "kind::Many<{}>",
                query_kind(model, names, inner, navigation)?
            )
        }
        TypeRef::Named(qualified) => {
            let rust = names.get(qualified)?;
            if model.enums.contains_key(qualified) {
                format!("kind::Enum<crate::enums::{rust}>")
            } else if navigation {
                format!("kind::Entity<{rust}>")
            } else {
                format!("kind::Complex<{rust}>")
            }
        }
    })
}

fn primitive_kind(edm: Edm) -> &'static str {
    match edm {
        Edm::String => "Text",
        Edm::Boolean => "Bool",
        Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => "Int",
        Edm::Single | Edm::Double | Edm::Decimal => "Float",
        Edm::DateTimeOffset => "DateTime",
        Edm::Date => "Date",
        Edm::TimeOfDay => "TimeOfDay",
        Edm::Duration => "Duration",
        Edm::Guid => "Guid",
        Edm::Binary | Edm::Stream => "Binary",
    }
}

#[cfg(test)]
mod tests {
    use super::documented;
    use crate::model::query_notes;

    #[test]
    fn what_a_description_documents_names_the_runtime_variants() {
        let notes = query_notes(
            "The name. Supports `$filter` (`eq`, `ne`, `NOT`, `ge`, `le`, `in`, `startsWith`, and `eq` on `null` values), `$orderby`, and `$search`.",
        );
        assert_eq!(
            documented(&notes),
            [
                "Eq",
                "Ge",
                "In",
                "Le",
                "Ne",
                "Not",
                "Null",
                "OrderBy",
                "Search",
                "StartsWith"
            ]
        );
        let every = query_notes("The ids. Supports `$filter`.");
        assert_eq!(documented(&every), ["Filter"]);
        let counted = query_notes(
            "The licenses. Supports `$filter` (`eq`, `not`, and counting empty collections).",
        );
        assert_eq!(documented(&counted), ["Count", "Eq", "Not"]);
        let odd = query_notes("A value. Supports `$filter` (`eq only`, `matches`).");
        assert_eq!(documented(&odd), ["Eq"]);
        assert!(documented(&query_notes("No notes.")).is_empty());
    }
}
