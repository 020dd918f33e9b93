//! Setter traits of base types, so that a chain of setters on a derived view keeps the
//! derived type: `config.set_display_name("x").set_password_required(true)`.
//!
//! A derived view reaches its base's inherent setters through `Deref`, and those return
//! the base. Each base type with properties also gets a trait `XSetters` with the same
//! setters returning `Self`, implemented for every type derived from it; with the trait
//! in scope (`use crate::prelude::*`), method lookup finds it on the derived view before
//! `Deref` is tried. The base keeps its inherent setters, so nothing needs the trait
//! to set a property on the base itself.

use super::TypeNames;
use super::accessors::{method_names, setter_text};
use super::docs::write_outer;
use crate::diag::Diagnostic;
use crate::model::Model;
use proc_macro2::TokenStream;
use std::fmt::Write as _;

/// The trait's name for a base view.
fn trait_name(view: &str) -> String {
    format!("{view}Setters")
}

/// `pub mod setters { ... }`: one trait per base type with properties, and its impls for
/// the types derived from it. Always present, so that the prelude can name it. `Err`
/// is the emitter's bug: a setter it cannot type, or text that does not tokenize.
pub fn module(model: &Model, names: &TypeNames) -> Result<TokenStream, Diagnostic> {
    let mut text = String::from(
        "/// Setters of base types that return the derived view they are called on; see [`crate::prelude`].\npub mod setters {\n#[allow(unused_imports)]\nuse crate::runtime;\n",
    );
    for t in model.types.values() {
        if t.derived.is_empty() || t.properties.is_empty() {
            continue;
        }
        let Some(view) = names.get(&t.name) else {
            continue;
        };
        let name = trait_name(view);
        text.push_str(&names.features.cfg_line(&t.area));
        write_outer(
            &mut text,
            "",
            &format!(
                "The setters of [`{view}`](crate::models::{view}) for the types derived from it: each returns the view it is called on, so a chain of setters keeps the derived type."
            ),
        );
        let _ = writeln!(text, "pub trait {name}: runtime::View {{");
        for (p, (_, setter)) in t.properties.iter().zip(method_names(&t.properties)) {
            let setter = setter_text(
                model,
                names,
                &t.area,
                p,
                &format!("fn {setter}"),
                "runtime::View::as_map_mut(self)",
            );
            text.push_str(&setter.map_err(|unnamed| unnamed.diagnostic())?);
        }
        text.push_str("}\n");
        for d in model.descendants(&t.name) {
            let (Some(derived), Some(def)) = (names.get(d), model.types.get(d)) else {
                continue;
            };
            text.push_str(&names.features.cfg_line(&def.area));
            let _ = writeln!(text, "impl {name} for crate::models::{derived} {{}}");
        }
    }
    text.push_str("}\n");
    text.parse()
        .map_err(|e: proc_macro2::LexError| super::internal_error(&e.to_string()))
}
