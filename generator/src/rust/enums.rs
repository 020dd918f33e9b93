//! Evolvable enums: every documented member plus `Unrecognized(String)`, so that a
//! member added to the service later never fails a response.

use super::docs::{escape, outer, write_outer};
use super::layout::{self, INDENT};
use super::names::{Scope, camel};
use super::{Code, TypeNames};
use crate::model::EnumDef;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::fmt::Write as _;

/// Module docs.
pub fn head() -> TokenStream {
    quote! {
        //! One enum per documented enum type. Values compare, hash and serialize by
        //! their spelling (`as_str()`): a value kept as `Unrecognized` equals the
        //! member it spells.
    }
}

/// One member: its Rust variant, its spelling and its doc text.
struct Member<'a> {
    variant: String,
    text: &'a str,
    doc: String,
}

pub fn enum_type(names: &TypeNames, e: &EnumDef) -> Code {
    let Some(name) = names.get(&e.name) else {
        return Code::default();
    };
    let mut scope = Scope::with_reserved(&["Unrecognized"]);
    let members: Vec<Member<'_>> = e
        .members
        .iter()
        .map(|m| {
            let mut doc = escape(&m.description);
            if doc.is_empty() {
                doc = format!("`{}`", m.name);
            }
            Member {
                variant: scope.claim(&camel(&m.name)),
                text: &m.name,
                doc,
            }
        })
        .collect();
    let mut doc = escape(&e.description);
    if e.flags {
        doc.push_str("\n\nA flags enum: values are comma-separated lists of members.");
    }
    doc.push_str(&format!(
        "\n\nOData enum `{}`; documented in `{}`.",
        e.name, e.source.file
    ));
    let mut doc_text = String::new();
    write_outer(&mut doc_text, "", &doc);
    let text = enum_text(name, &names.features.cfg_text(&e.area), &members);
    if layout::fits(&text) {
        Code::default().text(doc_text + &text)
    } else {
        // A member too long for one line: prettyplease knows how to break it.
        Code::default().text(doc_text).tokens(enum_tokens(
            name,
            names.features.cfg(&e.area),
            &members,
        ))
    }
}

/// The enum and its impls, as prettyplease lays them out when every line fits.
fn enum_text(name: &str, cfg: &str, members: &[Member<'_>]) -> String {
    let cfg = if cfg.is_empty() {
        String::new()
    } else {
        format!("{cfg}\n")
    };
    let mut out = format!("{cfg}#[derive(Debug)]\npub enum {name} {{\n");
    for m in members {
        write_outer(&mut out, INDENT, &m.doc);
        let _ = writeln!(out, "{INDENT}{},", m.variant);
    }
    let _ = write!(
        out,
        "    /// A value this crate does not know, kept as sent.
    Unrecognized(String),
}}
{cfg}impl {name} {{
    /// The member as the service spells it.
    pub fn as_str(&self) -> &str {{
        match self {{
"
    );
    for m in members {
        let _ = writeln!(
            out,
            "            Self::{} => {},",
            m.variant,
            literal(m.text)
        );
    }
    let _ = write!(
        out,
        "            Self::Unrecognized(other) => other.as_str(),
        }}
    }}
}}
{cfg}impl From<&str> for {name} {{
    fn from(value: &str) -> Self {{
        match value {{
"
    );
    for m in members {
        let _ = writeln!(
            out,
            "            {} => Self::{},",
            literal(m.text),
            m.variant
        );
    }
    let _ = write!(
        out,
        "            other => Self::Unrecognized(other.to_string()),
        }}
    }}
}}
{cfg}crate::string_enum!({name});
"
    );
    out
}

fn literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// The same items as tokens, for prettyplease to lay out.
fn enum_tokens(name: &str, cfg: TokenStream, members: &[Member<'_>]) -> TokenStream {
    let name = format_ident!("{}", name);
    let mut variants = Vec::new();
    let mut to_str = Vec::new();
    let mut from_str = Vec::new();
    for m in members {
        let v = format_ident!("{}", m.variant);
        let text = m.text;
        let doc = outer(&m.doc);
        variants.push(quote! { #doc #v, });
        to_str.push(quote! { Self::#v => #text, });
        from_str.push(quote! { #text => Self::#v, });
    }
    quote! {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn members(spellings: &[&'static str]) -> Vec<Member<'static>> {
        spellings
            .iter()
            .map(|s| Member {
                variant: camel(s),
                text: s,
                doc: format!("The `{s}` member."),
            })
            .collect()
    }

    fn printed(tokens: TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens).expect("parses"))
    }

    #[test]
    fn text_reads_as_prettyplease_prints_the_tokens() {
        let cfg = quote! { #[cfg(feature = "area")] };
        for list in [&[][..], &["none", "pending", "unknownFutureValue"][..]] {
            let m = members(list);
            let text = enum_text("ActionState", "#[cfg(feature = \"area\")]", &m);
            assert!(layout::fits(&text));
            assert_eq!(text, printed(enum_tokens("ActionState", cfg.clone(), &m)));
        }
    }

    #[test]
    fn a_member_too_long_for_one_line_is_left_to_prettyplease() {
        let long = "aMemberNameSoLongThatItsMatchArmCannotStayOnOneLineAtAllInTheOutput";
        let m = members(&["short", long]);
        let text = enum_text("State", "", &m);
        assert!(!layout::fits(&text));
        assert_ne!(text, printed(enum_tokens("State", TokenStream::new(), &m)));
    }
}
