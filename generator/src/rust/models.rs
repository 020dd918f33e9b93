//! View types: one per entity and complex type.

use super::docs::{escape, outer};
use super::{Code, TypeNames, accessors};
use crate::model::{Model, Property, TypeDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Module docs and imports.
pub fn head(model: &Model) -> TokenStream {
    // Unused when no area feature is on.
    let imports =
        (!model.types.is_empty()).then(|| quote! { #[allow(unused_imports)] use crate::runtime; });
    quote! {
        //! One view type per entity and complex type: an alias of
        //! [`crate::runtime::Object`]. See [`crate::runtime::View`].

        #imports
    }
}

pub fn view_type(model: &Model, names: &TypeNames, t: &TypeDef) -> Code {
    let Some(rust_name) = names.get(&t.name) else {
        return Code::default();
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
    let kind = kind_enum(model, names, t, &name);
    view(
        model,
        names,
        &t.area,
        rust_name,
        &doc,
        view_macro,
        &t.properties,
    )
    .tokens(kind)
}

/// A view type for an inline object, such as the parameters of an action, in `area`.
pub fn inline_view(
    model: &Model,
    names: &TypeNames,
    area: &str,
    name: &str,
    doc: &str,
    properties: &[Property],
) -> Code {
    let ident = format_ident!("{}", name);
    view(
        model,
        names,
        area,
        name,
        doc,
        quote! { crate::view!(#ident); },
        properties,
    )
}

/// The alias of `runtime::Object`, its `view!` invocation and its accessors.
fn view(
    model: &Model,
    names: &TypeNames,
    area: &str,
    rust_name: &str,
    doc: &str,
    view_macro: TokenStream,
    properties: &[Property],
) -> Code {
    let name = format_ident!("{}", rust_name);
    let cfg = names.features.cfg(area);
    let doc = outer(doc);
    Code::default()
        .tokens(quote! {
            #doc
            #cfg
            pub type #name = runtime::Object<tags::#name>;

            #cfg
            #view_macro
        })
        .text(accessors::impl_block(
            model, names, area, rust_name, properties,
        ))
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

/// The marker types behind a module's views (`X` is `runtime::Object<tags::X>`), one per
/// `(name, area)`; nothing when there are none.
pub fn tags_module<'a>(
    names: &TypeNames,
    views: impl IntoIterator<Item = (&'a str, &'a str)>,
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
