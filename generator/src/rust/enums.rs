//! Evolvable enums: every documented member plus `Unrecognized(String)`, so that a
//! member added to the service later never fails a response.

use super::TypeNames;
use super::docs::{escape, outer};
use super::names::{Scope, camel};
use crate::model::EnumDef;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Module docs.
pub fn head() -> TokenStream {
    quote! {
        //! One enum per documented enum type. Values compare, hash and serialize by
        //! their spelling (`as_str()`): a value kept as `Unrecognized` equals the
        //! member it spells.
    }
}

pub fn enum_type(names: &TypeNames, e: &EnumDef) -> TokenStream {
    let Some(rust_name) = names.get(&e.name) else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", rust_name);
    let mut scope = Scope::with_reserved(&["Unrecognized"]);
    let mut variants = Vec::new();
    let mut to_str = Vec::new();
    let mut from_str = Vec::new();
    for m in &e.members {
        let v = format_ident!("{}", scope.claim(&camel(&m.name)));
        let text = &m.name;
        let mut doc = escape(&m.description);
        if doc.is_empty() {
            doc = format!("`{text}`");
        }
        let doc = outer(&doc);
        variants.push(quote! { #doc #v, });
        to_str.push(quote! { Self::#v => #text, });
        from_str.push(quote! { #text => Self::#v, });
    }
    let mut doc = escape(&e.description);
    if e.flags {
        doc.push_str("\n\nA flags enum: values are comma-separated lists of members.");
    }
    doc.push_str(&format!(
        "\n\nOData enum `{}`; documented in `{}`.",
        e.name, e.source.file
    ));
    let doc = outer(&doc);
    let cfg = names.features.cfg(&e.area);
    quote! {
        #doc
        #cfg
        #[derive(Debug)]
        pub enum #name {
            #(#variants)*
            /// A value this crate does not know, kept as sent.
            Unrecognized(String),
        }

        #cfg
        impl #name {
            /// The member as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unrecognized(other) => other.as_str(),
                }
            }
        }

        #cfg
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unrecognized(other.to_string()),
                }
            }
        }

        #cfg
        crate::string_enum!(#name);
    }
}
