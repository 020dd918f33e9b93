//! Rust names for model names: types, methods, parameters, enum variants.
//!
//! Rules (documented in `docs/generated-api.md`):
//! - types: `microsoft.graph.deviceConfiguration` → `DeviceConfiguration`; other
//!   namespaces prefix their last segment (`microsoft.graph.callRecords.session` →
//!   `CallRecordsSession`);
//! - members: snake_case (`pendingCount` → `pending_count`), `@` and `.` dropped
//!   (`@odata.etag` → `odata_etag`), keywords raw (`r#type`) or, where Rust has no raw
//!   form (`self`, `super`, `crate`, `Self`), suffixed with `_`; a leading digit gets a
//!   leading `_` (`1stPlace` → `_1st_place`);
//! - every collision after conversion gets `_2`, `_3`, ... in documented order.

use crate::model::QualifiedName;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
const NO_RAW_FORM: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Letters, digits and `_` only; words split where other characters were.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `pendingCount` → `pending_count`, always a valid identifier text.
pub fn snake(name: &str) -> String {
    let s = ascii_words(name).to_snake_case();
    let s = if s.is_empty() { "value".to_string() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{s}")
    } else {
        s
    }
}

/// `deviceConfiguration` → `DeviceConfiguration`, always a valid identifier text.
pub fn camel(name: &str) -> String {
    let s = ascii_words(name).to_upper_camel_case();
    let s = if s.is_empty() { "Value".to_string() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else {
        s
    }
}

/// The type name for a qualified model name.
pub fn type_name(qualified: &QualifiedName) -> String {
    let (ns, short) = (qualified.namespace(), qualified.short());
    if ns.is_empty() || ns == "microsoft.graph" {
        return camel(short);
    }
    let last = ns.rsplit('.').next().unwrap_or(ns);
    format!("{}{}", camel(last), camel(short))
}

/// An identifier for text produced by [`snake`] or [`camel`]: raw for keywords,
/// suffixed where no raw form exists.
pub fn ident(text: &str) -> Ident {
    if NO_RAW_FORM.contains(&text) {
        return Ident::new(&format!("{text}_"), Span::call_site());
    }
    if KEYWORDS.contains(&text) {
        return Ident::new_raw(text, Span::call_site());
    }
    Ident::new(text, Span::call_site())
}

/// Hands out names unique within one scope.
#[derive(Default)]
pub struct Scope {
    taken: std::collections::HashSet<String>,
}

impl Scope {
    pub fn with_reserved(names: &[&str]) -> Self {
        Self {
            taken: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// `wanted`, or `wanted_2`, `wanted_3`, ... (`Wanted2` for camel-case names).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let camel_case = wanted.starts_with(|c: char| c.is_ascii_uppercase());
        (2..)
            .map(|i| {
                if camel_case {
                    format!("{wanted}{i}")
                } else {
                    format!("{wanted}_{i}")
                }
            })
            .find(|n| self.taken.insert(n.clone()))
            .unwrap_or_else(|| wanted.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        assert_eq!(snake("pendingCount"), "pending_count");
        assert_eq!(snake("@odata.etag"), "odata_etag");
        assert_eq!(snake("1stPlace"), "_1st_place");
        assert_eq!(ident(&snake("type")).to_string(), "r#type");
        assert_eq!(ident(&snake("self")).to_string(), "self_");
        assert_eq!(ident(&snake("match")).to_string(), "r#match");
    }

    #[test]
    fn type_names() {
        let type_name = |name: &str| type_name(&QualifiedName::from_qualified(name));
        assert_eq!(
            type_name("microsoft.graph.deviceConfiguration"),
            "DeviceConfiguration"
        );
        assert_eq!(
            type_name("microsoft.graph.callRecords.session"),
            "CallRecordsSession"
        );
        assert_eq!(camel("1080p"), "V1080p");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut scope = Scope::with_reserved(&["new"]);
        assert_eq!(scope.claim("display_name"), "display_name");
        assert_eq!(scope.claim("display_name"), "display_name_2");
        assert_eq!(scope.claim("new"), "new_2");
        assert_eq!(scope.claim("Value"), "Value");
        assert_eq!(scope.claim("Value"), "Value2");
    }
}
