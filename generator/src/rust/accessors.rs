//! The getters and setters of view types, written as formatted text.
//!
//! Two methods per property are most of the generated crate, and all of one shape: they
//! skip the tokens → syntax tree → prettyplease round trip, which would otherwise take
//! most of the generation time, and are laid out as prettyplease lays them out
//! (`generator/tests/formatting.rs` compares the two on whole crates).

use super::TypeNames;
use super::docs::{escape, write_outer};
use super::layout::{INDENT, string_literal, write_call, write_signature};
use super::names::{Scope, ident, snake};
use crate::diag::Diagnostic;
use crate::model::{Area, Edm, Model, Property, QualifiedName, TypeRef};
use std::fmt::Write as _;

/// Method names every view has already.
const RESERVED_METHODS: &[&str] = &["new", "kind"];

const BODY: &str = "        ";

/// A type or enum of the model that has no Rust name. [`TypeNames`] names every one
/// before anything is emitted, so this is a bug in the emitter; the accessor is not
/// written with a name that no item has.
#[derive(Debug, PartialEq)]
pub(super) struct Unnamed(pub QualifiedName);

impl Unnamed {
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::internal(format!(
            "the model's `{}` has no Rust name; the accessors typed with it were not written",
            self.0
        ))
    }
}

/// The Rust name of `name`, which the model defines.
fn rust_name<'n>(names: &'n TypeNames, name: &QualifiedName) -> Result<&'n str, Unnamed> {
    names.get(name).ok_or_else(|| Unnamed(name.clone()))
}

/// `impl name { getters and setters }` for `properties` of a view of `area`, preceded by
/// the area's `cfg` line if any; nothing without properties.
pub fn impl_block(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    name: &str,
    properties: &[Property],
) -> Result<String, Unnamed> {
    let mut out = String::new();
    // A type without properties of its own gets no block at all, not an empty one.
    if properties.is_empty() {
        return Ok(out);
    }
    let cfg = names.features.cfg_text(area);
    if !cfg.is_empty() {
        out.push_str(&cfg);
        out.push('\n');
    }
    out.push_str(&format!("impl {name} {{\n"));
    for (p, (getter, setter)) in properties.iter().zip(method_names(properties)) {
        let key = string_literal(&p.name);
        let field = field_type(model, names, &p.ty)?;
        // Accessors typed with another area's type need that area too.
        let cfg = names.features.cfg_text_for_type(model, area, &p.ty);
        let mut doc = escape(&p.description);
        if doc.is_empty() {
            doc = format!("The `{}` member.", p.name);
        }
        if let Some(note) = query_note(p) {
            doc.push_str("\n\n");
            doc.push_str(&note);
        }
        write_outer(&mut out, INDENT, &doc);
        write_attributes(&mut out, &cfg);
        write_signature(
            &mut out,
            INDENT,
            &format!("pub fn {getter}"),
            &["&self"],
            &format!("Option<{}>", field.get_ty),
        );
        write_call(
            &mut out,
            BODY,
            field.get_fn,
            &["&self.0", &key, &field.convert],
            "",
        );
        out.push_str(INDENT);
        out.push_str("}\n");
        write_setter(
            &mut out,
            &p.name,
            &cfg,
            &format!("pub fn {setter}"),
            &field,
            "&mut self.0",
        );
    }
    out.push_str("}\n");
    Ok(out)
}

/// The getter and setter name of each property, in order: snake case, made unique
/// within the type.
pub(super) fn method_names(properties: &[Property]) -> Vec<(String, String)> {
    let mut scope = Scope::with_reserved(RESERVED_METHODS);
    properties
        .iter()
        .map(|p| {
            let base = snake(&p.name);
            let getter = ident(&scope.claim(&base)).to_string();
            let setter = scope.claim(&format!("set_{base}"));
            (getter, setter)
        })
        .collect()
}

/// The setter of `name` in `area`'s view, written into a trait when it stands in one:
/// `head` is `pub fn set_x` or `fn set_x`, `map` the expression of the JSON object.
pub(super) fn setter_text(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    property: &Property,
    head: &str,
    map: &str,
) -> Result<String, Unnamed> {
    let mut out = String::new();
    let field = field_type(model, names, &property.ty)?;
    let cfg = names.features.cfg_text_for_type(model, area, &property.ty);
    write_setter(&mut out, &property.name, &cfg, head, &field, map);
    Ok(out)
}

fn write_setter(out: &mut String, name: &str, cfg: &str, head: &str, field: &FieldType, map: &str) {
    write_outer(
        out,
        INDENT,
        &format!(
            "Sets `{name}`. Use `set_null(\"{name}\")` to clear it and `remove(\"{name}\")` to leave it out."
        ),
    );
    write_attributes(out, cfg);
    write_signature(
        out,
        INDENT,
        head,
        &["&mut self", &format!("value: {}", field.set_ty)],
        "&mut Self",
    );
    write_call(
        out,
        BODY,
        "runtime::put",
        &[map, &string_literal(name), &field.set_expr],
        ";",
    );
    out.push_str(BODY);
    out.push_str("self\n");
    out.push_str(INDENT);
    out.push_str("}\n");
}

/// The cfg line if any, then `#[inline]`: an inline function is compiled where it is
/// used, so the many accessors a program never calls cost no code generation.
fn write_attributes(out: &mut String, cfg: &str) {
    if !cfg.is_empty() {
        out.push_str(INDENT);
        out.push_str(cfg);
        out.push('\n');
    }
    out.push_str(INDENT);
    out.push_str("#[inline]\n");
}

/// How one property reads and writes, as Rust source text.
struct FieldType {
    /// Getter return type inside `Option`.
    get_ty: String,
    /// `runtime::get_with` or `runtime::get_list`.
    get_fn: &'static str,
    /// `fn(&Json) -> Option<_>` applied to the member (or to each element).
    convert: String,
    set_ty: String,
    /// Turns `value` into a `runtime::Json`.
    set_expr: String,
}

fn field_type(model: &Model, names: &TypeNames, ty: &TypeRef) -> Result<FieldType, Unnamed> {
    Ok(match ty {
        TypeRef::Collection(inner) => {
            let elem = element(model, names, inner)?;
            FieldType {
                get_ty: format!("Vec<{}>", elem.ty),
                get_fn: "runtime::get_list",
                convert: elem.convert,
                set_ty: format!("impl IntoIterator<Item = {}>", elem.item),
                set_expr: format!("runtime::list_value(value, {})", elem.item_json),
            }
        }
        TypeRef::Named(n) if model.enums.get(n).is_some_and(|e| e.flags) => {
            let e = rust_name(names, n)?;
            FieldType {
                get_ty: format!("Vec<crate::enums::{e}>"),
                get_fn: "runtime::get_with",
                convert: "runtime::as_flags".to_string(),
                set_ty: format!("impl IntoIterator<Item = crate::enums::{e}>"),
                set_expr: "runtime::flags_value(value)".to_string(),
            }
        }
        single => {
            let elem = element(model, names, single)?;
            FieldType {
                get_ty: elem.ty,
                get_fn: "runtime::get_with",
                convert: elem.convert,
                set_ty: elem.set_ty,
                set_expr: elem.set_expr,
            }
        }
    })
}

struct Element {
    /// Type a getter yields.
    ty: String,
    /// `fn(&Json) -> Option<ty>`.
    convert: String,
    /// Owned item type accepted by collection setters.
    item: String,
    /// `fn(item) -> Json` for collection setters.
    item_json: String,
    /// Single-value setter type, and the expression that turns `value` into JSON.
    set_ty: String,
    set_expr: String,
}

fn element(model: &Model, names: &TypeNames, ty: &TypeRef) -> Result<Element, Unnamed> {
    // Getter type, converter, setter type (also the collection item), `fn(item) -> Json`.
    let plain = |ty: &str, convert: &str, to_json: &str| Element {
        ty: ty.to_string(),
        convert: convert.to_string(),
        item: ty.to_string(),
        item_json: to_json.to_string(),
        set_ty: ty.to_string(),
        set_expr: format!("{to_json}(value)"),
    };
    Ok(match ty {
        TypeRef::Primitive(edm) => match edm {
            Edm::String | Edm::Duration => Element {
                ty: "&str".to_string(),
                convert: "runtime::as_str".to_string(),
                item: "impl Into<String>".to_string(),
                item_json: "runtime::into_string_value".to_string(),
                set_ty: "&str".to_string(),
                set_expr: "runtime::string_value(value)".to_string(),
            },
            Edm::Boolean => plain("bool", "runtime::as_bool", "runtime::Json::from"),
            Edm::Byte => plain("u8", "runtime::as_u8", "runtime::Json::from"),
            Edm::SByte => plain("i8", "runtime::as_i8", "runtime::Json::from"),
            Edm::Int16 => plain("i16", "runtime::as_i16", "runtime::Json::from"),
            Edm::Int32 => plain("i32", "runtime::as_i32", "runtime::Json::from"),
            Edm::Int64 => plain("i64", "runtime::as_i64", "runtime::Json::from"),
            Edm::Single | Edm::Double | Edm::Decimal => {
                plain("f64", "runtime::as_f64", "runtime::f64_value")
            }
            Edm::DateTimeOffset => plain(
                "chrono::DateTime<chrono::FixedOffset>",
                "runtime::as_datetime",
                "runtime::datetime_value",
            ),
            Edm::Date => plain(
                "chrono::NaiveDate",
                "runtime::as_date",
                "runtime::date_value",
            ),
            Edm::TimeOfDay => plain(
                "chrono::NaiveTime",
                "runtime::as_time",
                "runtime::time_value",
            ),
            Edm::Guid => plain("uuid::Uuid", "runtime::as_uuid", "runtime::uuid_value"),
            Edm::Binary | Edm::Stream => Element {
                ty: "Vec<u8>".to_string(),
                convert: "runtime::as_bytes".to_string(),
                item: "Vec<u8>".to_string(),
                item_json: "runtime::owned_bytes_value".to_string(),
                set_ty: "&[u8]".to_string(),
                set_expr: "runtime::bytes_value(value)".to_string(),
            },
        },
        TypeRef::Named(n) if model.types.contains_key(n) => {
            let t = rust_name(names, n)?;
            Element {
                ty: format!("&crate::models::{t}"),
                convert: "runtime::as_view".to_string(),
                item: format!("crate::models::{t}"),
                item_json: "runtime::owned_view_value".to_string(),
                set_ty: format!("&crate::models::{t}"),
                set_expr: "runtime::view_value(value)".to_string(),
            }
        }
        TypeRef::Named(n) if model.enums.contains_key(n) => {
            let e = format!("crate::enums::{}", rust_name(names, n)?);
            plain(&e, "runtime::as_enum", "runtime::enum_value")
        }
        // Untyped, unresolved names and nested collections: raw JSON.
        _ => Element {
            ty: "&runtime::Json".to_string(),
            convert: "Some".to_string(),
            item: "impl Into<runtime::Json>".to_string(),
            item_json: "runtime::into_json".to_string(),
            set_ty: "impl Into<runtime::Json>".to_string(),
            set_expr: "value.into()".to_string(),
        },
    })
}

/// The rustdoc note on what the description says about query options: that `$select`
/// must name the property, and which options (and operators) work on it.
pub(super) fn query_note(p: &Property) -> Option<String> {
    let q = &p.query;
    if q.is_empty() {
        return None;
    }
    let mut note = String::from("Query options:");
    if q.select_only {
        let _ = write!(
            note,
            "\n- the service returns it only when `$select` names it (`ODataQuery::new().select([{:?}])`)",
            p.name
        );
    }
    for s in &q.supports {
        let ops: Vec<String> = s.operators.iter().map(|o| format!("`{o}`")).collect();
        if ops.is_empty() {
            let _ = write!(note, "\n- `{}` works on it", s.option);
        } else {
            let _ = write!(
                note,
                "\n- `{}` works on it with {}",
                s.option,
                ops.join(", ")
            );
        }
    }
    Some(note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::model::{Source, TypeDef, TypeKind};
    use crate::rust::{format_module, models};
    use crate::site::ApiVersion;

    fn qualified(name: &str) -> QualifiedName {
        QualifiedName::from_qualified(name)
    }

    fn type_def(name: &str, properties: Vec<Property>) -> TypeDef {
        TypeDef {
            name: qualified(name),
            namespace: "microsoft.graph".to_string(),
            area: Area::general(),
            kind: TypeKind::Complex,
            base: None,
            is_abstract: false,
            is_open: false,
            description: String::new(),
            properties,
            derived: Vec::new(),
            source: Source {
                file: "resources/x.md".to_string(),
                line: 1,
            },
        }
    }

    /// `widget.part` is typed with `part`, which the model defines.
    fn model() -> Model {
        let part = Property {
            name: "part".to_string(),
            ty: TypeRef::Named(qualified("microsoft.graph.part")),
            description: String::new(),
            navigation: false,
            source: Source {
                file: "resources/widget.md".to_string(),
                line: 10,
            },
            query: Default::default(),
        };
        let mut model = Model::default();
        for t in [
            type_def("microsoft.graph.widget", vec![part]),
            type_def("microsoft.graph.part", Vec::new()),
        ] {
            model.types.insert(t.name.clone(), t);
        }
        model
    }

    #[test]
    fn a_named_type_reads_by_its_rust_name() {
        let model = model();
        let names = TypeNames::new(&model, &mut Vec::new());
        let widget = &model.types["microsoft.graph.widget"];
        let block = impl_block(&model, &names, &widget.area, "Widget", &widget.properties);
        let block = block.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(block.contains("Option<&crate::models::Part>"), "{block}");
    }

    /// A type the names leave out is an internal error, never a name no item has.
    #[test]
    fn a_type_without_a_rust_name_is_an_internal_error() {
        let model = model();
        let mut partial = model.clone();
        partial.types.remove("microsoft.graph.part");
        let names = TypeNames::new(&partial, &mut Vec::new());
        let widget = &model.types["microsoft.graph.widget"];
        assert_eq!(
            impl_block(&model, &names, &widget.area, "Widget", &widget.properties),
            Err(Unnamed(qualified("microsoft.graph.part")))
        );

        let mut diags = Vec::new();
        let text = format_module(
            "// header",
            Default::default(),
            &[widget],
            |t| models::view_type(&model, &names, t, ApiVersion::V1),
            Default::default(),
            &mut diags,
        );
        assert!(!text.contains("Unknown"), "{text}");
        assert!(text.contains("compile_error!"), "{text}");
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::Internal], "{diags:?}");
        assert!(
            diags[0].message.contains("`microsoft.graph.part`"),
            "{diags:?}"
        );
    }
}
