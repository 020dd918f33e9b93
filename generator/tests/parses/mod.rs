//! Most of the generated Rust is written as text, not printed from a syntax tree: a
//! hostile name or literal must still give Rust that parses.

use std::collections::BTreeMap;

/// Panics, with the file, the error and the text, unless every Rust file of the crate
/// parses.
pub fn assert_crate_parses(files: &BTreeMap<String, String>, context: &str) {
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        if let Err(e) = syn::parse_file(text) {
            panic!("{context}: {path} does not parse: {e}\n{text}");
        }
    }
}
