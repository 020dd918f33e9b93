//! Evolvable enums: every documented member plus `Unrecognized(String)`, so that a
//! member added to the service later never fails a response.

use super::docs::{escape, published_at, write_outer};
use super::layout::{INDENT, string_literal};
use super::names::{Scope, camel};
use super::{RustCode, TypeNames};
use crate::model::EnumDef;
use crate::site::ApiVersion;
use proc_macro2::TokenStream;
use quote::quote;
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

pub fn enum_type(names: &TypeNames, e: &EnumDef, version: ApiVersion) -> RustCode {
    let Some(name) = names.get(&e.name) else {
        return RustCode::default();
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
        "\n\nOData enum `{}`; documented in `{}`{}.",
        e.name,
        e.source.file,
        published_at(version, &e.source.file)
    ));
    let mut doc_text = String::new();
    write_outer(&mut doc_text, "", &doc);
    RustCode::default()
        .laid_out(doc_text + &enum_text(name, &names.features.cfg_line(&e.area), &members))
}

/// The enum and its impls, one item a line as prettyplease lays them out.
/// `cfg` is the area's cfg line, or empty.
fn enum_text(name: &str, cfg: &str, members: &[Member<'_>]) -> String {
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
            string_literal(m.text)
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
            string_literal(m.text),
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

#[cfg(test)]
mod tests {
    use super::super::layout;
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

    #[test]
    fn text_reads_as_prettyplease_prints_it() {
        for list in [&[][..], &["none", "pending", "unknownFutureValue"][..]] {
            let text = enum_text(
                "ActionState",
                "#[cfg(feature = \"area\")]\n",
                &members(list),
            );
            assert!(layout::fits(&text));
            let printed = prettyplease::unparse(&syn::parse_file(&text).expect("parses"));
            assert_eq!(text, printed);
        }
    }

    #[test]
    fn a_member_too_long_for_its_match_arm_is_left_to_prettyplease() {
        let long = "aMemberNameSoLongThatItsMatchArmCannotStayOnOneLineAtAllInTheOutput";
        assert!(!layout::fits(&enum_text(
            "State",
            "",
            &members(&["short", long])
        )));
    }
}
