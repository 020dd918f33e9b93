//! Stage 3b: model → Rust crate.
//!
//! Module heads and the odd irregular item are tokens (`quote`) printed by prettyplease;
//! the thousands of items of a few fixed shapes (views, accessors, enums, functions,
//! doc-example tests) are written as text by [`layout`]'s rules, which lay them out as
//! prettyplease would (`generator/tests/formatting.rs` checks that on whole crates), at a
//! fraction of the cost. Text with a line still too wide goes through prettyplease.
//!
//! The crate has five modules: `runtime` (the runtime crate's files, or a dependency on
//! it; see [`runtime_crate`]), `models` (one view type per entity and complex type),
//! `enums` (one evolvable enum per enum type), `operations` (one request function per
//! documented request line) and `builders` (the same requests reached by walking their
//! path from `Graph`). With its `testing` feature, a sixth, `testing`, holds the
//! documented operations, types and enums as data, for a fake Graph.

mod accessors;
pub mod builders;
mod docs;
mod enums;
mod examples;
mod features;
mod handles;
mod layout;
mod models;
pub mod names;
mod operations;
mod options;
pub mod runtime_crate;
mod setters;
mod testing;

pub use operations::function_name;
pub use options::{CrateOptions, DEFAULT_CRATE_NAME};
pub use runtime_crate::RuntimeSource;

use crate::diag::{self, Diagnostic};
use crate::model::{Model, QualifiedName};
use names::Scope;
use proc_macro2::TokenStream;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The runnable examples of the workflows, one per file of `examples/`; they use the
/// runtime only, so they build whatever areas the docs have.
const EXAMPLES: [(&str, &str); 6] = [
    (
        "sign_in",
        include_str!("../../templates/examples/sign_in.rs"),
    ),
    ("batch", include_str!("../../templates/examples/batch.rs")),
    ("delta", include_str!("../../templates/examples/delta.rs")),
    ("upload", include_str!("../../templates/examples/upload.rs")),
    (
        "testing",
        include_str!("../../templates/examples/testing.rs"),
    ),
    (
        "webhook",
        include_str!("../../templates/examples/webhook.rs"),
    ),
];

/// The `[[example]]` entry of `name`: the client for all, and the fake Graph for those
/// that test with it (whose tests `cargo test --features testing` runs).
fn example_entry(name: &str) -> String {
    if name == "testing" || name == "webhook" {
        format!(
            "\n[[example]]\nname = \"{name}\"\nrequired-features = [\"client\", \"testing\"]\ntest = true\n"
        )
    } else {
        format!("\n[[example]]\nname = \"{name}\"\nrequired-features = [\"client\"]\n")
    }
}

/// Rust names of every model type and enum, unique across the crate.
pub(crate) struct TypeNames {
    names: BTreeMap<QualifiedName, String>,
    /// The `XKind` enum of each polymorphic type, by the type's qualified name.
    kinds: BTreeMap<QualifiedName, String>,
    /// Cargo features per doc area, used for `cfg` attributes.
    pub features: features::Features,
}

impl TypeNames {
    fn new(model: &Model, diags: &mut Vec<Diagnostic>) -> Self {
        let mut scope = Scope::with_reserved(&[
            "View",
            "JsonObject",
            "Value",
            "Collection",
            "Request",
            "Field",
        ]);
        let mut names = BTreeMap::new();
        let all = model
            .types
            .values()
            .map(|t| (&t.name, &t.source))
            .chain(model.enums.values().map(|e| (&e.name, &e.source)));
        for (name, source) in all {
            let wanted = names::type_name(name);
            let got = scope.claim(&wanted);
            if got != wanted {
                diags.push(Diagnostic::warning(
                    &source.file,
                    source.line,
                    diag::Code::NameCollision,
                    format!("`{name}` would be named `{wanted}` in Rust, which another type already is; it is `{got}`"),
                ));
            }
            names.insert(name.clone(), got);
        }
        // `XKind` enums for polymorphic types share the namespace.
        let kinds = model
            .types
            .values()
            .filter(|t| !t.derived.is_empty())
            .map(|t| {
                let kind = scope.claim(&format!("{}Kind", names[&t.name]));
                (t.name.clone(), kind)
            })
            .collect();
        Self {
            names,
            kinds,
            features: features::Features::new(model),
        }
    }

    pub fn get(&self, qualified: &QualifiedName) -> Option<&str> {
        self.names.get(qualified).map(String::as_str)
    }

    pub fn kind(&self, qualified: &QualifiedName) -> Option<&str> {
        self.kinds.get(qualified).map(String::as_str)
    }
}

/// Every file of the generated crate, by path relative to its root.
pub fn emit_crate(
    model: &Model,
    options: &CrateOptions,
) -> (BTreeMap<String, String>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let names = TypeNames::new(model, &mut diags);
    let header = format!(
        "// Generated by `{}` from {}. Do not edit.",
        options.command, options.docs_label
    );
    let mut files = BTreeMap::new();
    match cargo_toml(options, &names.features) {
        Ok(toml) => {
            files.insert("Cargo.toml".to_string(), toml);
        }
        Err(e) => diags.push(Diagnostic::internal(format!("the runtime: {e}"))),
    }
    files.insert(
        "rustfmt.toml".to_string(),
        format!(
            "# {}
# prettyplease formats this crate; rustfmt leaves it as generated.
disable_all_formatting = true
",
            &header[3..]
        ),
    );
    match lib_rs(model, options) {
        Ok(lib) => {
            files.insert(
                "src/lib.rs".to_string(),
                format_file(&header, lib, &mut diags),
            );
        }
        Err(e) => diags.push(Diagnostic::internal(format!("the runtime: {e}"))),
    }
    match runtime_crate::files(&options.runtime, &options.command, || {
        format_file(&header, runtime_mod_rs(), &mut diags)
    }) {
        Ok(runtime_files) => files.extend(runtime_files),
        Err(e) => diags.push(Diagnostic::internal(format!("the runtime: {e}"))),
    }
    for (name, text) in EXAMPLES {
        files.insert(format!("examples/{name}.rs"), format!("{header}\n\n{text}"));
    }
    let types: Vec<&crate::model::TypeDef> = model.types.values().collect();
    let model_views = types
        .iter()
        .filter_map(|t| Some((names.get(&t.name)?, &t.area)));
    let mut models_tail = models::tags_module(&names, model_views);
    match setters::module(model, &names) {
        Ok(setters) => models_tail.extend(setters),
        Err(bug) => diags.push(bug),
    }
    files.insert(
        "src/models.rs".to_string(),
        format_module(
            &header,
            models::head(model),
            &types,
            |t| models::view_type(model, &names, t, options.api_version),
            models_tail,
            &mut diags,
        ),
    );
    let enums: Vec<&crate::model::EnumDef> = model.enums.values().collect();
    files.insert(
        "src/enums.rs".to_string(),
        format_module(
            &header,
            enums::head(),
            &enums,
            |e| enums::enum_type(&names, e, options.api_version),
            TokenStream::new(),
            &mut diags,
        ),
    );
    let bodies = operations::inline_bodies(model);
    let ops: Vec<(&crate::model::Operation, Option<&operations::InlineBody>)> = model
        .operations
        .iter()
        .zip(bodies.iter().map(Option::as_ref))
        .collect();
    // Each shared body type once, where it is emitted.
    let body_views = ops.iter().filter_map(|(op, body)| {
        let body = (*body)?;
        body.takers.as_ref()?;
        Some((body.name.as_str(), &op.area))
    });
    files.insert(
        "src/operations.rs".to_string(),
        format_module(
            &header,
            operations::head(model),
            &ops,
            |(op, body)| operations::function(model, &names, options, op, *body),
            models::tags_module(&names, body_views),
            &mut diags,
        ),
    );
    let tree = builders::Tree::new(model);
    let op_bodies: Vec<Option<&operations::InlineBody>> =
        bodies.iter().map(Option::as_ref).collect();
    let builder = builders::Emit::new(model, &names, &tree, &op_bodies);
    files.insert(
        "src/builders.rs".to_string(),
        format_module(
            &header,
            builders::head(),
            &builder.typed_nodes(),
            |&n| builder.node(n),
            TokenStream::new(),
            &mut diags,
        ),
    );
    let tables = testing::areas(model);
    files.insert(
        "src/testing.rs".to_string(),
        format_module(
            &header,
            testing::head(),
            &tables,
            |t| testing::area_statics(&names, model, t),
            testing::tail(&names, &tables),
            &mut diags,
        ),
    );
    match testing::fake_examples(model, &header) {
        Ok(text) => {
            files.insert("tests/fake_examples.rs".to_string(), text);
        }
        Err(bug) => diags.push(Diagnostic::internal(bug)),
    }
    files.insert(
        "tests/doc_examples.rs".to_string(),
        examples::emit(model, &names, options, &header, &tree),
    );
    (files, diags)
}

/// Generated Rust items: token streams, formatted by prettyplease, and text written already
/// formatted (see [`accessors`]), in order.
#[derive(Default)]
pub(crate) struct RustCode(Vec<Piece>);

enum Piece {
    Tokens(TokenStream),
    Text(String),
    /// Text to parse and print with prettyplease.
    Reprint(String),
    /// What an emitter could not write: reported, and the module made not to compile.
    Failed(Diagnostic),
}

impl RustCode {
    pub fn tokens(mut self, tokens: TokenStream) -> Self {
        if !tokens.is_empty() {
            self.0.push(Piece::Tokens(tokens));
        }
        self
    }

    pub fn text(mut self, text: String) -> Self {
        if !text.is_empty() {
            self.0.push(Piece::Text(text));
        }
        self
    }

    /// Text written by [`layout`]'s rules. When a line is still too wide, prettyplease
    /// prints it instead: it also breaks inside what those rules keep whole (a long
    /// literal's call, nested generic arguments).
    pub fn laid_out(mut self, text: String) -> Self {
        if layout::fits(&text) {
            self.text(text)
        } else {
            self.0.push(Piece::Reprint(text));
            self
        }
    }

    /// Text that prettyplease lays out: items written without regard to layout.
    pub fn reprinted(mut self, text: String) -> Self {
        self.0.push(Piece::Reprint(text));
        self
    }

    /// An emitter bug in place of the items it could not write.
    pub fn failed(mut self, bug: Diagnostic) -> Self {
        self.0.push(Piece::Failed(bug));
        self
    }
}

impl From<TokenStream> for RustCode {
    fn from(tokens: TokenStream) -> Self {
        RustCode::default().tokens(tokens)
    }
}

/// Items per parallel task: large enough to amortize scheduling, small enough to spread
/// over threads. Chunks depend only on the item list, so the text does not depend on the
/// thread count.
const CHUNK: usize = 48;

/// A module: `head` (docs, imports), then one item per element of `list`, generated and
/// formatted in parallel chunks (token streams cannot cross threads, so each chunk is
/// generated where it is formatted), then `tail`.
fn format_module<T: Sync>(
    header: &str,
    head: TokenStream,
    list: &[T],
    item: impl Fn(&T) -> RustCode + Sync,
    tail: TokenStream,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let mut out = format_file(header, head, diags);
    let chunks: Vec<(String, Vec<Diagnostic>)> = list
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut text = String::new();
            let mut errors = Vec::new();
            for code in chunk.iter().map(&item) {
                for piece in code.0 {
                    match piece {
                        Piece::Text(t) => text.push_str(&t),
                        Piece::Tokens(tokens) => text.push_str(&format_items(tokens, &mut errors)),
                        Piece::Reprint(code) => text.push_str(&reprint(&code, &mut errors)),
                        Piece::Failed(bug) => {
                            errors.push(bug);
                            text.push_str(INVALID);
                        }
                    }
                }
            }
            (text, errors)
        })
        .collect();
    for (text, errors) in chunks {
        out.push_str(&text);
        diags.extend(errors);
    }
    if !tail.is_empty() {
        out.push_str(&format_items(tail, diags));
    }
    out
}

const INVALID: &str =
    "compile_error!(\"the generator produced invalid Rust; see the diagnostics\");\n";

fn internal_error(e: &str) -> Diagnostic {
    Diagnostic::internal(format!("generated Rust does not parse: {e}"))
}

fn format_file(header: &str, tokens: TokenStream, diags: &mut Vec<Diagnostic>) -> String {
    format!("{header}\n\n{}", format_items(tokens, diags))
}

fn format_items(tokens: TokenStream, diags: &mut Vec<Diagnostic>) -> String {
    print(syn::parse2(tokens), diags)
}

fn reprint(code: &str, diags: &mut Vec<Diagnostic>) -> String {
    print(syn::parse_file(code), diags)
}

/// prettyplease's text of a parsed file, or a `compile_error!` and a diagnostic.
fn print(parsed: syn::Result<syn::File>, diags: &mut Vec<Diagnostic>) -> String {
    match parsed {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => {
            diags.push(internal_error(&e.to_string()));
            INVALID.to_string()
        }
    }
}

fn cargo_toml(options: &CrateOptions, features: &features::Features) -> Result<String, String> {
    let workspace = if options.standalone {
        "\n# Its own workspace, so that it builds wherever it is written.\n[workspace]\n"
    } else {
        ""
    };
    let runtime = runtime_crate::manifest_parts(&options.runtime)?;
    let (lib, dev_dependencies) = match options.runtime {
        // The copied runtime's doc examples name `graph_runtime`; they run in that crate.
        RuntimeSource::Vendored => ("\n[lib]\ndoctest = false\n", String::new()),
        RuntimeSource::Path(_) | RuntimeSource::Version(_) => {
            ("", format!("{}\n", runtime.dev_dependencies))
        }
    };
    Ok(format!(
        r#"# Generated by `{command}` from {docs}. Do not edit.
[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
description = "Typed Microsoft Graph client generated from the reference docs"
license = "MIT"
publish = false
{lib}
[dependencies]
{dependencies}

[dev-dependencies]
tokio = {{ version = "1", features = ["rt", "net", "sync"] }}
{dev_dependencies}
# One feature per doc area; `full` (a default) enables them all.
{area_features}{runtime_features}
{examples}{workspace}"#,
        examples = EXAMPLES
            .iter()
            .map(|(name, _)| example_entry(name))
            .collect::<String>(),
        area_features = features.toml(),
        dependencies = runtime.dependencies,
        runtime_features = runtime.features,
        command = options.command,
        docs = options.docs_label,
        name = options.crate_name,
    ))
}

/// The `runtime` module of a crate that depends on the runtime crate: the crate's items,
/// and the crate's own `Object`.
fn runtime_mod_rs() -> TokenStream {
    let own = quote::format_ident!("{}", runtime_crate::own_module());
    let package = quote::format_ident!("{}", runtime_crate::PACKAGE.replace('-', "_"));
    quote::quote! {
        //! The runtime crate's items (see its docs), and [`Object`], the type of every view,
        //! which is this crate's own: the models add their getters and setters to it.
        pub use #package::*;
        pub use #own::Object;
        mod #own;
    }
}

fn lib_rs(model: &Model, options: &CrateOptions) -> Result<TokenStream, String> {
    let doc = format!(
        "Typed Microsoft Graph client generated from the reference docs in `{}`: {} types, {} enums, {} operations.\n\n\
         - [`models`]: one view type per entity and complex type (lossless JSON, typed getters and setters);\n\
         - [`enums`]: evolvable enums that keep unknown values;\n\
         - [`operations`]: one function per documented request line, returning a sans-IO [`Request`];\n\
         - [`builders`]: the same requests reached by walking their path from [`Graph`] \
         (`Graph.users().by_id(id).get()`);\n\
         - [`runtime`]: requests, responses, errors and the [`View`] trait;\n\
         - the workflows, sans-IO: [`auth`] (national clouds, the client credentials grant), [`batch`] (`$batch` with `dependsOn`), \
         [`delta`] (delta query pages and links), [`upload`] (upload sessions in slices);\n\
         - `client` (the `client` feature, on by default): sends requests with reqwest, with retries and paging, \
         signs in (`ClientCredentials`), and runs batches, delta syncs and uploads; `examples/` has one program per workflow. \
         Its TLS is rustls with aws-lc-rs, or the cryptography provider the program installs as rustls's process default; \
         the `client-no-provider` feature leaves aws-lc-rs (a C build) out, and the program then installs one;\n\
         - `testing` (the `testing` feature): the documented operations, types and enums as tables, and a fake Graph \
         on loopback that serves them, for tests that run without the network.\n\n\
         Build time: each doc area is a Cargo feature, and `full` (on by default) enables them all; \
         with `default-features = false` and only the areas a program uses, only those compile. \
         An application can also have reqwest's URL parsing use idna's unicode-rs back end, \
         which a cold build compiles faster than the default ICU4X: \
         `cargo update -p idna_adapter --precise 1.1.0` in the application.",
        options.docs_label,
        model.types.len(),
        model.enums.len(),
        model.operations.len()
    );
    let doc = docs::inner(&doc);
    let dependency = match options.runtime {
        RuntimeSource::Vendored => TokenStream::new(),
        RuntimeSource::Path(_) | RuntimeSource::Version(_) => {
            let version = runtime_crate::version()?;
            let compatibility = runtime_crate::compatibility()?;
            let message = format!(
                "{name} was generated for {package} {version}, whose COMPATIBILITY is {compatibility}; \
                 the {package} it is built with has another: depend on a {package} of that \
                 compatibility, or generate the crate again for this one",
                name = options.crate_name,
                package = runtime_crate::PACKAGE,
            );
            let number = proc_macro2::Literal::u32_unsuffixed(compatibility);
            quote::quote! {
                // The generated code calls these as `crate::view!` and `crate::string_enum!`.
                #[doc(hidden)]
                pub use runtime::{string_enum, view};
                const _: () = assert!(runtime::COMPATIBILITY == #number, #message);
            }
        }
    };
    Ok(quote::quote! {
        #doc
        // Every public item says what it is: models and functions carry the docs' words
        // (or a sentence made from their names), the runtime its own.
        #![deny(missing_docs)]
        // Descriptions come from the docs: lints about their prose are not ours to fix.
        #![allow(
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::should_implement_trait,
            clippy::too_many_arguments,
            clippy::tabs_in_doc_comments
        )]

        pub mod builders;
        pub mod enums;
        pub mod models;
        pub mod operations;
        pub mod runtime;
        #[cfg(feature = "testing")]
        pub mod testing;
        pub use runtime::{auth, batch, delta, notifications, upload};
        #[cfg(feature = "client-no-provider")]
        pub use runtime::client;
        #dependency

        pub use builders::Graph;
        pub use runtime::{Collection, Error, NoContent, ODataQuery, Request, View};

        /// What a program brings into scope with `use <crate>::prelude::*`: [`View`],
        /// and the setter traits of base types, with which a chain of setters on a
        /// derived view keeps the derived type.
        pub mod prelude {
            // Empty when no area feature is on.
            #[allow(unused_imports)]
            pub use crate::models::setters::*;
            pub use crate::runtime::View;
        }
    })
}
