//! Property handles for typed query options: one associated constant per property
//! (`User::DISPLAY_NAME: Field<Self, kind::Text>`), and the `IsA` impls that let a
//! derived type's requests take its base types' handles.
//!
//! Written as laid-out text like the accessors: thousands of one-line items.

use super::TypeNames;
use super::docs::{escape, write_outer};
use super::layout::{INDENT, string_literal};
use super::names::{Scope, snake};
use crate::model::{Area, Edm, Model, Property, QualifiedName, TypeRef};

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
        items.push_str(&format!(
            "{INDENT}pub const {constant}: Field<Self, {kind}> = Field::new({});\n",
            string_literal(&p.name)
        ));
    }
    if items.is_empty() {
        return items;
    }
    let mut out = names.features.cfg_line(area);
    out.push_str(&format!("impl {name} {{\n{items}}}\n"));
    out
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
