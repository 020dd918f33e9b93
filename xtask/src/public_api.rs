//! The public surface of the generated crate's hand-written modules (the runtime and the
//! client's workflows), one line per item with its signature, as a listing to keep in a
//! snapshot: a change to it shows in review instead of slipping through.
//!
//! Items marked `#[doc(hidden)]` are left out: they are plumbing the generated code
//! calls, not API. Trait implementations are listed, since users rely on them too.

use anyhow::{Context, Result};

/// The listing of `source` (a module's text) under the module path `module`, sorted.
pub fn public_items(module: &str, source: &str) -> Result<Vec<String>> {
    let file = syn::parse_file(source).with_context(|| format!("reading module `{module}`"))?;
    let mut out = Vec::new();
    collect(module, &file.items, &mut out);
    out.sort();
    out.dedup();
    Ok(out)
}

fn collect(module: &str, items: &[syn::Item], out: &mut Vec<String>) {
    for item in items {
        if hidden(attrs_of(item)) {
            continue;
        }
        match item {
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.push(format!("{module}::{}", signature(&f.sig)));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                let mut t = t.clone();
                t.attrs.clear();
                t.vis = syn::Visibility::Inherited;
                out.push(format!("{module}::{}", render(syn::Item::Type(t))));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.push(format!("{module}::const {}: {}", c.ident, type_text(&c.ty)));
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let mut header = s.clone();
                header.attrs.clear();
                header.vis = syn::Visibility::Inherited;
                header.fields = syn::Fields::Unit;
                out.push(format!("{module}::{}", render(syn::Item::Struct(header))));
                for field in s
                    .fields
                    .iter()
                    .filter(|f| is_pub(&f.vis) && !hidden(&f.attrs))
                {
                    let name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| "0".to_string(), ToString::to_string);
                    out.push(format!(
                        "{module}::struct {}::{name}: {}",
                        s.ident,
                        type_text(&field.ty)
                    ));
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let mut header = e.clone();
                header.attrs.clear();
                header.vis = syn::Visibility::Inherited;
                header.variants.clear();
                out.push(format!("{module}::{}", render(syn::Item::Enum(header))));
                for v in e.variants.iter().filter(|v| !hidden(&v.attrs)) {
                    out.push(format!(
                        "{module}::enum {}::{}{}",
                        e.ident,
                        v.ident,
                        fields_text(&v.fields)
                    ));
                }
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let mut header = t.clone();
                header.attrs.clear();
                header.vis = syn::Visibility::Inherited;
                header.items.clear();
                out.push(format!("{module}::{}", render(syn::Item::Trait(header))));
                for member in &t.items {
                    match member {
                        syn::TraitItem::Fn(f) if !hidden(&f.attrs) => out.push(format!(
                            "{module}::trait {}::{}",
                            t.ident,
                            signature(&f.sig)
                        )),
                        syn::TraitItem::Const(c) if !hidden(&c.attrs) => out.push(format!(
                            "{module}::trait {}::const {}: {}",
                            t.ident,
                            c.ident,
                            type_text(&c.ty)
                        )),
                        _ => {}
                    }
                }
            }
            syn::Item::Impl(i) => {
                let mut header = i.clone();
                header.attrs.clear();
                header.items.clear();
                let header = render(syn::Item::Impl(header));
                if i.trait_.is_some() {
                    out.push(format!("{module}::{header}"));
                    continue;
                }
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                        && !hidden(&f.attrs)
                    {
                        out.push(format!("{module}::{header}::{}", signature(&f.sig)));
                    }
                }
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    collect(&format!("{module}::{}", m.ident), inner, out);
                }
            }
            syn::Item::Macro(m) if m.attrs.iter().any(|a| a.path().is_ident("macro_export")) => {
                if let Some(name) = &m.ident {
                    out.push(format!("macro {name}!"));
                }
            }
            syn::Item::Use(u) if is_pub(&u.vis) => {
                let mut u = u.clone();
                u.attrs.clear();
                u.vis = syn::Visibility::Inherited;
                out.push(format!("{module}::{}", render(syn::Item::Use(u))));
            }
            _ => {}
        }
    }
}

fn attrs_of(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(x) => &x.attrs,
        syn::Item::Type(x) => &x.attrs,
        syn::Item::Const(x) => &x.attrs,
        syn::Item::Struct(x) => &x.attrs,
        syn::Item::Enum(x) => &x.attrs,
        syn::Item::Trait(x) => &x.attrs,
        syn::Item::Impl(x) => &x.attrs,
        syn::Item::Mod(x) => &x.attrs,
        syn::Item::Macro(x) => &x.attrs,
        syn::Item::Use(x) => &x.attrs,
        _ => &[],
    }
}

/// `#[doc(hidden)]`.
fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc")
            && a.parse_args::<syn::Ident>()
                .is_ok_and(|word| word == "hidden")
    })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// `fn name(args) -> ret`, as prettyplease writes it, on one line.
fn signature(sig: &syn::Signature) -> String {
    let item: syn::ItemFn = syn::parse_quote!(#sig {});
    render(syn::Item::Fn(item))
}

fn type_text(ty: &syn::Type) -> String {
    let item: syn::ItemType = syn::parse_quote!(type T = #ty;);
    render(syn::Item::Type(item))
        .trim_start_matches("type T = ")
        .to_string()
}

fn fields_text(fields: &syn::Fields) -> String {
    let list = |fields: &syn::punctuated::Punctuated<syn::Field, syn::Token![,]>| {
        fields
            .iter()
            .map(|f| match &f.ident {
                Some(name) => format!("{name}: {}", type_text(&f.ty)),
                None => type_text(&f.ty),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(f) => format!("({})", list(&f.unnamed)),
        syn::Fields::Named(f) => format!(" {{ {} }}", list(&f.named)),
    }
}

/// One item as prettyplease prints it, on one line, without its empty body or `;`.
fn render(item: syn::Item) -> String {
    let mut file: syn::File = syn::parse_quote!();
    file.items.push(item);
    let text = prettyplease::unparse(&file);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.replace("( ", "(")
        .replace(", )", ")")
        .replace("< ", "<")
        .replace(", >", ">")
        .trim_end_matches(" {}")
        .trim_end_matches(';')
        .trim_end_matches(" {")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_private_items_are_left_out_and_signatures_kept() {
        let source = r#"
            pub fn shown(v: &Value) -> Option<i32> { None }
            #[doc(hidden)]
            pub fn plumbing() {}
            fn private() {}
            pub struct Page<T> { pub items: Vec<T>, next: Option<String> }
            impl<T> Page<T> { pub fn len(&self) -> usize { 0 } fn inner(&self) {} }
            impl<T: Clone> Clone for Page<T> { fn clone(&self) -> Self { todo!() } }
            pub enum Kind { A, B(String), #[doc(hidden)] Hidden }
            #[doc(hidden)]
            pub mod private_mod { pub fn x() {} }
            #[macro_export]
            macro_rules! view { () => {} }
        "#;
        let items = public_items("runtime", source).unwrap();
        assert_eq!(
            items,
            [
                "macro view!",
                "runtime::enum Kind",
                "runtime::enum Kind::A",
                "runtime::enum Kind::B(String)",
                "runtime::fn shown(v: &Value) -> Option<i32>",
                "runtime::impl<T: Clone> Clone for Page<T>",
                "runtime::impl<T> Page<T>::fn len(&self) -> usize",
                "runtime::struct Page::items: Vec<T>",
                "runtime::struct Page<T>",
            ]
        );
    }

    #[test]
    fn a_module_that_does_not_parse_is_an_error() {
        assert!(public_items("runtime", "pub fn (").is_err());
    }
}
