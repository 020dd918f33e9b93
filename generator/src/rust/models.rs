//! View types: one per entity and complex type.

use super::docs::{escape, published_at, write_outer};
use super::layout::{INDENT, string_literal, write_call_arm, write_generic, write_macro};
use super::{RustCode, TypeNames, accessors, handles};
use crate::model::{Area, Model, Property, TypeDef};
use crate::site::ApiVersion;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::fmt::Write as _;

/// Module docs and imports.
pub fn head(model: &Model) -> TokenStream {
    // Unused when no area feature is on.
    let imports = (!model.types.is_empty()).then(|| {
        quote! {
            #[allow(unused_imports)]
            use crate::runtime;
            #[allow(unused_imports)]
            use crate::runtime::odata::{kind, Field};
        }
    });
    quote! {
        //! One view type per entity and complex type: an alias of
        //! [`crate::runtime::Object`]. See [`crate::runtime::View`].

        #imports
    }
}

pub fn view_type(model: &Model, names: &TypeNames, t: &TypeDef, version: ApiVersion) -> RustCode {
    let Some(rust_name) = names.get(&t.name) else {
        return RustCode::default();
    };
    let mut doc = escape(&t.description);
    if let Some(base) = t.base.as_ref().and_then(|b| names.get(b)) {
        doc.push_str(&format!(
            "\n\nDerives from [`{base}`]: its getters and setters apply here too. With the [prelude](crate::prelude) in scope, the base types' setters return this type, so a chain of setters can go on with this type's own."
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
        "\n\nOData type `{}`; documented in `{}`{}.",
        t.name,
        t.source.file,
        published_at(version, &t.source.file)
    ));
    let tag = string_literal(&format!("#{}", t.name));
    let base = t.base.as_ref().and_then(|b| names.get(b));
    let view_args: Vec<&str> = [rust_name, tag.as_str()].into_iter().chain(base).collect();
    let mut code = view(
        model,
        names,
        &t.area,
        rust_name,
        &doc,
        &view_args,
        &t.properties,
    )
    .laid_out(handles::impl_block(
        model,
        names,
        &t.area,
        rust_name,
        &t.properties,
    ))
    .laid_out(handles::is_a_impls(
        model, names, &t.area, &t.name, rust_name,
    ))
    .laid_out(handles::open_type_impl(
        model, names, &t.area, &t.name, rust_name,
    ));
    if let Some(kind) = kind_enum(model, names, t, rust_name) {
        code = code.laid_out(kind);
    }
    code
}

/// A view type for an inline object, such as the parameters of an action, in `area`.
pub fn inline_view(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    name: &str,
    doc: &str,
    properties: &[Property],
) -> RustCode {
    view(model, names, area, name, doc, &[name], properties)
}

/// The alias of `runtime::Object`, its `view!(view_args)` invocation and its accessors.
fn view(
    model: &Model,
    names: &TypeNames,
    area: &Area,
    rust_name: &str,
    doc: &str,
    view_args: &[&str],
    properties: &[Property],
) -> RustCode {
    let cfg = names.features.cfg_line(area);
    let mut doc_text = String::new();
    write_outer(&mut doc_text, "", doc);
    let mut text = cfg.clone();
    write_generic(
        &mut text,
        "",
        &format!("pub type {rust_name} = runtime::Object<tags::{rust_name}>"),
        ";",
        1,
    );
    text.push_str(&cfg);
    write_macro(&mut text, "", "crate::view", view_args, ";");
    // Docs apart: when the header has to be reprinted, its docs need not be.
    let code = RustCode::default().text(doc_text).laid_out(text);
    match accessors::impl_block(model, names, area, rust_name, properties) {
        Ok(block) => code.text(block),
        Err(unnamed) => code.failed(unnamed.diagnostic()),
    }
}

/// `XKind`: the derived type an object is, by its `@odata.type`; `None` for a type
/// nothing derives from.
fn kind_enum(model: &Model, names: &TypeNames, t: &TypeDef, name: &str) -> Option<String> {
    let kind = names.kind(&t.name)?;
    let cfg = names.features.cfg_line(&t.area);
    let mut variants = String::new();
    let mut arms = String::new();
    for d in model.descendants(&t.name) {
        let Some(v) = names.get(d) else { continue };
        // A derived type of another area is a variant only with that area.
        let d_cfg = match model.types.get(d) {
            Some(dt) if dt.area != t.area => names.features.cfg_line(&dt.area),
            _ => String::new(),
        };
        write_outer(&mut variants, INDENT, &format!("`#{d}`"));
        let _ = writeln!(
            variants,
            "{}{INDENT}{v}(&'a crate::models::{v}),",
            indented(&d_cfg, INDENT)
        );
        arms.push_str(&indented(&d_cfg, ARM));
        let pattern = format!("Some({})", string_literal(d));
        let head = format!("{kind}::{v}");
        write_call_arm(
            &mut arms,
            ARM,
            &pattern,
            &head,
            &["runtime::View::cast_ref(self)"],
        );
    }
    Some(format!(
        "/// What a [`{name}`] is, by its `@odata.type`.
{cfg}#[derive(Clone, Copy, Debug, PartialEq)]
pub enum {kind}<'a> {{
{variants}    /// The type itself, or a type this crate does not know (the raw tag and members are kept).
    Other(&'a {name}),
}}
{cfg}impl {name} {{
    /// The derived type this object is, by its `@odata.type`.
    pub fn kind(&self) -> {kind}<'_> {{
        match runtime::View::odata_type(self).map(|t| t.trim_start_matches('#')) {{
{arms}            _ => {kind}::Other(self),
        }}
    }}
}}
"
    ))
}

/// The indentation of a match arm in `kind()`.
const ARM: &str = "            ";

/// A `cfg` line at `indent`, or nothing.
fn indented(cfg_line: &str, indent: &str) -> String {
    if cfg_line.is_empty() {
        String::new()
    } else {
        format!("{indent}{cfg_line}")
    }
}

/// The marker types behind a module's views (`X` is `runtime::Object<tags::X>`), one per
/// `(name, area)`; nothing when there are none.
pub fn tags_module<'a>(
    names: &TypeNames,
    views: impl IntoIterator<Item = (&'a str, &'a Area)>,
) -> TokenStream {
    let tags: Vec<TokenStream> = views
        .into_iter()
        .map(|(name, area)| {
            let name = format_ident!("{}", name);
            let cfg = names.features.cfg(area);
            quote! { #cfg pub enum #name {} }
        })
        .collect();
    if tags.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// One marker type per view above; `view!` says what each is.
        #[doc(hidden)]
        pub mod tags {
            #(#tags)*
        }
    }
}
