//! Request functions: one per documented (method, path).

use super::Code;
use super::TypeNames;
use super::docs::escape;
use super::models::inline_view;
use super::names::{Scope, camel, ident, snake};
use crate::model::{
    Edm, Model, Operation, ParamStyle, PathPart, Permissions, RequestBody, TypeRef,
};
use crate::pipeline::Options;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust name of each operation's inline body type (actions with parameter tables),
/// unique across the module, in operation order.
pub fn body_type_names(model: &Model) -> Vec<Option<String>> {
    let mut scope = Scope::default();
    model
        .operations
        .iter()
        .map(|op| {
            matches!(op.request_body, Some(RequestBody::Parameters { .. }))
                .then(|| scope.claim(&format!("{}Body", camel(&op.id))))
        })
        .collect()
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
    options: &Options,
    op: &Operation,
    body_name: Option<&str>,
) -> Code {
    let fn_name = ident(&snake(&op.id));
    let mut scope = Scope::with_reserved(&["path", "body"]);
    let mut params = Vec::new();
    let mut builder = quote! {};
    let mut first = true;
    for part in &op.path.parts {
        match part {
            PathPart::Literal(text) => {
                builder = if first {
                    quote! { PathBuilder::new(#text) }
                } else {
                    quote! { #builder.literal(#text) }
                };
            }
            PathPart::Param(i) => {
                if first {
                    builder = quote! { PathBuilder::new("") };
                }
                let p = &op.path.params[*i];
                let arg = ident(&scope.claim(&snake(&p.name)));
                params.push(quote! { #arg: &str });
                builder = match p.style {
                    ParamStyle::Segment => quote! { #builder.segment(#arg) },
                    ParamStyle::Quoted => quote! { #builder.quoted(#arg) },
                    ParamStyle::Path => quote! { #builder.path(#arg) },
                };
            }
        }
        first = false;
    }
    if first {
        builder = quote! { PathBuilder::new("/") };
    }

    let mut extra = Code::default();
    let mut with_body = TokenStream::new();
    match &op.request_body {
        Some(RequestBody::Typed { types }) => {
            let ty = match common_base(model, types).and_then(|t| names.get(&t)) {
                Some(n) => {
                    let n = format_ident!("{}", n);
                    quote! { crate::models::#n }
                }
                None => quote! { serde_json::Value },
            };
            params.push(quote! { body: &#ty });
            with_body = quote! { .json(body) };
        }
        Some(RequestBody::Parameters { parameters }) => {
            let body_ty =
                body_name.map_or_else(|| format!("{}Body", camel(&op.id)), str::to_string);
            let doc = format!("The request body of [`{fn_name}`].");
            extra = inline_view(model, names, &op.area, &body_ty, &doc, parameters);
            let body_ty = format_ident!("{}", body_ty);
            params.push(quote! { body: &#body_ty });
            with_body = quote! { .json(body) };
        }
        None => {}
    }

    let (ret, parse) = response_type(model, names, op);
    let method = format_ident!("{}", op.method);
    let mut doc = String::new();
    super::docs::write_outer(&mut doc, "", &function_doc(op, options));
    let cfg = names.features.cfg(&op.area);
    // Inline: compiled only where used, like the accessors.
    extra.text(doc).tokens(quote! {
        #cfg
        #[inline]
        pub fn #fn_name(#(#params),*) -> Request<#ret> {
            let path = #builder;
            Request::new(Method::#method, path, #parse) #with_body
        }
    })
}

/// The nearest type every documented body type derives from (or is).
pub(super) fn common_base(model: &Model, types: &[String]) -> Option<String> {
    let first = types.first()?;
    model
        .ancestry(first)
        .map(|t| t.name.clone())
        .find(|candidate| {
            types
                .iter()
                .all(|t| model.ancestry(t).any(|a| a.name == *candidate))
        })
}

fn response_type(model: &Model, names: &TypeNames, op: &Operation) -> (TokenStream, TokenStream) {
    let body = &op.response.body;
    // Media content (`/content`, `/$value`) comes as raw bytes; an action or function
    // that returns a stream answers in JSON, `{"value": "<base64>"}`, like any other
    // primitive result.
    let raw_media = matches!(op.path.parts.last(), Some(PathPart::Literal(l)) if l.ends_with("/content") || l.ends_with("/$value"));
    let view = |n: &str| {
        names
            .get(n)
            .filter(|_| model.types.contains_key(n))
            .map(|n| format_ident!("{}", n))
    };
    match body {
        None => (
            quote! { runtime::NoContent },
            quote! { runtime::parse_empty },
        ),
        Some(TypeRef::Named(n)) if view(n).is_some() => {
            let t = view(n);
            (quote! { crate::models::#t }, quote! { runtime::parse_json })
        }
        Some(TypeRef::Collection(inner)) => match inner.as_ref() {
            TypeRef::Named(n) if view(n).is_some() => {
                let t = view(n);
                (
                    quote! { runtime::Collection<crate::models::#t> },
                    quote! { runtime::parse_json },
                )
            }
            _ => (
                quote! { runtime::Collection<serde_json::Value> },
                quote! { runtime::parse_json },
            ),
        },
        Some(TypeRef::Primitive(Edm::Stream | Edm::Binary)) if raw_media => {
            (quote! { Vec<u8> }, quote! { runtime::parse_bytes })
        }
        Some(_) => (quote! { serde_json::Value }, quote! { runtime::parse_json }),
    }
}

fn function_doc(op: &Operation, options: &Options) -> String {
    let mut doc = escape(&op.summary);
    if !op.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&escape(&op.description));
    }
    doc.push_str(&format!("\n\n`{} {}`", op.method, op.path.openapi_path()));
    doc.push_str(&permissions_doc(&op.permissions));
    if op.query_options {
        doc.push_str("\n\nSupports OData query options: add them with [`Request::query`].");
    }
    let headers: Vec<String> = op
        .headers
        .iter()
        .filter(|h| {
            !["content-type", "content-length", "accept"].contains(&h.to_ascii_lowercase().as_str())
        })
        .map(|h| format!("`{h}`"))
        .collect();
    if !headers.is_empty() {
        doc.push_str(&format!(
            "\n\nRequest headers the docs list: {} (set them with [`Request::header`], or \
             [`Request::consistency_level_eventual`], [`Request::prefer`], [`Request::if_match`]).",
            headers.join(", ")
        ));
    }
    doc.push_str(&format!(
        "\n\nDocumented in `{}/{}` (line {}).",
        options.docs_label, op.source.file, op.source.line
    ));
    doc
}

fn permissions_doc(p: &Permissions) -> String {
    let list = |v: &[String]| match v.first() {
        Some(least) if v.len() == 1 => format!("`{least}`"),
        Some(least) => format!(
            "`{least}` (least privileged; also {})",
            v[1..]
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "not supported".to_string(),
    };
    if p.delegated_work.is_empty() && p.delegated_personal.is_empty() && p.application.is_empty() {
        return String::new();
    }
    format!(
        "\n\n# Permissions\n\n- Delegated (work or school account): {}\n- Delegated (personal Microsoft account): {}\n- Application: {}",
        list(&p.delegated_work),
        list(&p.delegated_personal),
        list(&p.application)
    )
}
