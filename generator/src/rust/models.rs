//! View types: one per entity and complex type.

use super::TypeNames;
use super::docs::{escape, outer};
use super::names::{Scope, ident, snake};
use crate::model::{Edm, Model, Property, TypeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Method names every view has already.
const RESERVED_METHODS: &[&str] = &["new", "kind"];

/// Module docs and imports.
pub fn head(model: &Model) -> TokenStream {
    // Unused when no area feature is on.
    let imports =
        (!model.types.is_empty()).then(|| quote! { #[allow(unused_imports)] use crate::runtime; });
    quote! {
        //! One view type per entity and complex type. See [`crate::runtime::View`].

        #imports
    }
}

pub fn view_type(model: &Model, names: &TypeNames, t: &TypeDef) -> TokenStream {
    let Some(rust_name) = names.get(&t.name) else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", rust_name);
    let mut doc = escape(&t.description);
    if let Some(base) = t.base.as_deref().and_then(|b| names.get(b)) {
        doc.push_str(&format!(
            "\n\nDerives from [`{base}`]: its getters and setters apply here too."
        ));
    }
    if !t.derived.is_empty() {
        doc.push_str("\n\nDerived types: ");
        let list: Vec<String> = t
            .derived
            .iter()
            .filter_map(|d| names.get(d))
            .map(|d| format!("[`{d}`]"))
            .collect();
        doc.push_str(&list.join(", "));
        doc.push_str(". Use `kind()` to tell them apart.");
    }
    doc.push_str(&format!(
        "\n\nOData type `{}`; documented in `{}`.",
        t.name, t.source.file
    ));
    let tag = format!("#{}", t.name);
    let view_macro = match t.base.as_deref().and_then(|b| names.get(b)) {
        Some(base) => {
            let base = format_ident!("{}", base);
            quote! { crate::view!(#name, #tag, #base); }
        }
        None => quote! { crate::view!(#name, #tag); },
    };
    let accessors = accessors(model, names, &t.area, &t.properties);
    let kind = kind_enum(model, names, t, &name);
    let doc = outer(&doc);
    let cfg = names.features.cfg(&t.area);
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, ref_cast::RefCast)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct #name(pub runtime::JsonObject);

        #cfg
        #view_macro

        #cfg
        impl #name {
            #(#accessors)*
        }

        #kind
    }
}

/// A view type for an inline object, such as the parameters of an action, in `area`.
pub fn inline_view(
    model: &Model,
    names: &TypeNames,
    area: &str,
    name: &str,
    doc: &str,
    properties: &[Property],
) -> TokenStream {
    let name = format_ident!("{}", name);
    let accessors = accessors(model, names, area, properties);
    let cfg = names.features.cfg(area);
    let doc = outer(doc);
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, ref_cast::RefCast)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct #name(pub runtime::JsonObject);

        #cfg
        crate::view!(#name);

        #cfg
        impl #name {
            #(#accessors)*
        }
    }
}

/// A getter and a setter per property.
fn accessors(
    model: &Model,
    names: &TypeNames,
    area: &str,
    properties: &[Property],
) -> Vec<TokenStream> {
    let mut scope = Scope::with_reserved(RESERVED_METHODS);
    let mut out = Vec::new();
    for p in properties {
        let base = snake(&p.name);
        let getter = ident(&scope.claim(&base));
        let setter = format_ident!("{}", scope.claim(&format!("set_{base}")));
        let key = &p.name;
        let field = field_type(model, names, &p.ty, key);
        // Accessors typed with another area's type need that area too.
        let cfg = names.features.cfg_for_type(model, area, &p.ty);
        let get_ty = &field.get_ty;
        let get_expr = &field.get_expr;
        let set_ty = &field.set_ty;
        let set_expr = &field.set_expr;
        let mut doc = escape(&p.description);
        if doc.is_empty() {
            doc = format!("The `{key}` member.");
        }
        let set_doc = outer(&format!(
            "Sets `{key}`. Use `set_null(\"{key}\")` to clear it and `remove(\"{key}\")` to leave it out."
        ));
        let doc = outer(&doc);
        out.push(quote! {
            #doc
            #cfg
            pub fn #getter(&self) -> Option<#get_ty> {
                #get_expr
            }
            #set_doc
            #cfg
            pub fn #setter(&mut self, value: #set_ty) -> &mut Self {
                runtime::put(&mut self.0, #key, #set_expr);
                self
            }
        });
    }
    out
}

/// `XKind`: the derived type an object is, by its `@odata.type`.
fn kind_enum(
    model: &Model,
    names: &TypeNames,
    t: &TypeDef,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let Some(kind_name) = names.kind(&t.name) else {
        return TokenStream::new();
    };
    let kind = format_ident!("{}", kind_name);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for d in model.descendants(&t.name) {
        let Some(dn) = names.get(d) else { continue };
        let v = format_ident!("{}", dn);
        let doc = format!("`#{d}`");
        let doc = outer(&doc);
        // A derived type of another area is a variant only with that area.
        let cfg = match model.types.get(d) {
            Some(dt) if dt.area != t.area => names.features.cfg(&dt.area),
            _ => TokenStream::new(),
        };
        variants.push(quote! { #doc #cfg #v(&'a crate::models::#v), });
        arms.push(quote! { #cfg Some(#d) => #kind::#v(runtime::View::cast_ref(self)), });
    }
    let doc = outer(&format!("What a [`{name}`] is, by its `@odata.type`."));
    let cfg = names.features.cfg(&t.area);
    quote! {
        #doc
        #cfg
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum #kind<'a> {
            #(#variants)*
            /// The type itself, or a type this crate does not know (the raw tag and members are kept).
            Other(&'a #name),
        }

        #cfg
        impl #name {
            /// The derived type this object is, by its `@odata.type`.
            pub fn kind(&self) -> #kind<'_> {
                match runtime::View::odata_type(self).map(|t| t.trim_start_matches('#')) {
                    #(#arms)*
                    _ => #kind::Other(self),
                }
            }
        }
    }
}

/// How one property reads and writes.
pub struct FieldType {
    /// Getter return type inside `Option`.
    pub get_ty: TokenStream,
    pub get_expr: TokenStream,
    pub set_ty: TokenStream,
    /// Turns `value` into a `serde_json::Value`.
    pub set_expr: TokenStream,
}

pub fn field_type(model: &Model, names: &TypeNames, ty: &TypeRef, key: &str) -> FieldType {
    match ty {
        TypeRef::Collection(inner) => {
            let elem = element(model, names, inner);
            let conv = elem.convert;
            let ety = elem.ty;
            let item = elem.item;
            let to_json = elem.to_json;
            FieldType {
                get_ty: quote! { Vec<#ety> },
                get_expr: quote! { runtime::get_list(&self.0, #key, #conv) },
                set_ty: quote! { impl IntoIterator<Item = #item> },
                set_expr: quote! { serde_json::Value::Array(value.into_iter().map(|v| #to_json).collect()) },
            }
        }
        TypeRef::Named(n) if model.enums.get(n).is_some_and(|e| e.flags) => {
            let e = enum_ident(names, n);
            FieldType {
                get_ty: quote! { Vec<crate::enums::#e> },
                get_expr: quote! { runtime::get_with(&self.0, #key, runtime::as_flags) },
                set_ty: quote! { impl IntoIterator<Item = crate::enums::#e> },
                set_expr: quote! { runtime::flags_value(value) },
            }
        }
        single => {
            let elem = element(model, names, single);
            let conv = elem.convert;
            let ety = elem.ty;
            let (set_ty, set_expr) = elem.setter;
            FieldType {
                get_ty: ety,
                get_expr: quote! { runtime::get_with(&self.0, #key, #conv) },
                set_ty,
                set_expr,
            }
        }
    }
}

struct Element {
    /// Type a getter yields.
    ty: TokenStream,
    /// `fn(&Value) -> Option<ty>`.
    convert: TokenStream,
    /// Owned item type accepted by collection setters.
    item: TokenStream,
    /// Turns collection item `v` into JSON.
    to_json: TokenStream,
    /// Single-value setter type and expression over `value`.
    setter: (TokenStream, TokenStream),
}

fn enum_ident(names: &TypeNames, n: &str) -> proc_macro2::Ident {
    format_ident!("{}", names.get(n).unwrap_or("Unknown"))
}

fn element(model: &Model, names: &TypeNames, ty: &TypeRef) -> Element {
    let simple = |ty: TokenStream,
                  convert: TokenStream,
                  to_json: TokenStream,
                  value_json: TokenStream| Element {
        ty: ty.clone(),
        convert,
        item: ty.clone(),
        to_json,
        setter: (ty, value_json),
    };
    match ty {
        TypeRef::Primitive(edm) => match edm {
            Edm::String | Edm::Duration => Element {
                ty: quote! { &str },
                convert: quote! { runtime::as_str },
                item: quote! { impl Into<String> },
                to_json: quote! { serde_json::Value::String(v.into()) },
                setter: (
                    quote! { &str },
                    quote! { serde_json::Value::String(value.to_string()) },
                ),
            },
            Edm::Boolean => simple(
                quote! { bool },
                quote! { runtime::as_bool },
                quote! { serde_json::Value::from(v) },
                quote! { serde_json::Value::from(value) },
            ),
            Edm::Byte => simple(
                quote! { u8 },
                quote! { runtime::as_u8 },
                quote! { serde_json::Value::from(v) },
                quote! { serde_json::Value::from(value) },
            ),
            Edm::SByte => simple(
                quote! { i8 },
                quote! { runtime::as_i8 },
                quote! { serde_json::Value::from(v) },
                quote! { serde_json::Value::from(value) },
            ),
            Edm::Int16 => simple(
                quote! { i16 },
                quote! { runtime::as_i16 },
                quote! { serde_json::Value::from(v) },
                quote! { serde_json::Value::from(value) },
            ),
            Edm::Int32 => simple(
                quote! { i32 },
                quote! { runtime::as_i32 },
                quote! { serde_json::Value::from(v) },
                quote! { serde_json::Value::from(value) },
            ),
            Edm::Int64 => simple(
                quote! { i64 },
                quote! { runtime::as_i64 },
                quote! { serde_json::Value::from(v) },
                quote! { serde_json::Value::from(value) },
            ),
            Edm::Single | Edm::Double | Edm::Decimal => simple(
                quote! { f64 },
                quote! { runtime::as_f64 },
                quote! { runtime::f64_value(v) },
                quote! { runtime::f64_value(value) },
            ),
            Edm::DateTimeOffset => simple(
                quote! { chrono::DateTime<chrono::FixedOffset> },
                quote! { runtime::as_datetime },
                quote! { runtime::datetime_value(v) },
                quote! { runtime::datetime_value(value) },
            ),
            Edm::Date => simple(
                quote! { chrono::NaiveDate },
                quote! { runtime::as_date },
                quote! { runtime::date_value(v) },
                quote! { runtime::date_value(value) },
            ),
            Edm::TimeOfDay => simple(
                quote! { chrono::NaiveTime },
                quote! { runtime::as_time },
                quote! { runtime::time_value(v) },
                quote! { runtime::time_value(value) },
            ),
            Edm::Guid => simple(
                quote! { uuid::Uuid },
                quote! { runtime::as_uuid },
                quote! { serde_json::Value::String(v.to_string()) },
                quote! { serde_json::Value::String(value.to_string()) },
            ),
            Edm::Binary | Edm::Stream => Element {
                ty: quote! { Vec<u8> },
                convert: quote! { runtime::as_bytes },
                item: quote! { Vec<u8> },
                to_json: quote! { runtime::bytes_value(&v) },
                setter: (quote! { &[u8] }, quote! { runtime::bytes_value(value) }),
            },
        },
        TypeRef::Named(n) if model.types.contains_key(n) => {
            let t = format_ident!("{}", names.get(n).unwrap_or("Unknown"));
            Element {
                ty: quote! { &crate::models::#t },
                convert: quote! { runtime::as_view },
                item: quote! { crate::models::#t },
                to_json: quote! { serde_json::Value::Object(runtime::View::into_map(v)) },
                setter: (
                    quote! { &crate::models::#t },
                    quote! { serde_json::Value::Object(runtime::View::as_map(value).clone()) },
                ),
            }
        }
        TypeRef::Named(n) if model.enums.contains_key(n) => {
            let e = enum_ident(names, n);
            Element {
                ty: quote! { crate::enums::#e },
                convert: quote! { runtime::as_enum },
                item: quote! { crate::enums::#e },
                to_json: quote! { serde_json::Value::String(v.as_str().to_string()) },
                setter: (
                    quote! { crate::enums::#e },
                    quote! { serde_json::Value::String(value.as_str().to_string()) },
                ),
            }
        }
        // Untyped, unresolved names and nested collections: raw JSON.
        _ => Element {
            ty: quote! { &serde_json::Value },
            convert: quote! { Some },
            item: quote! { serde_json::Value },
            to_json: quote! { v },
            setter: (quote! { serde_json::Value }, quote! { value }),
        },
    }
}
