//! The generator and the runtime crate (`generator/runtime`) agree: the generator's list
//! of runtime modules is the crate's, and every `runtime::NAME` the emitter writes is an
//! item of the crate, so that renaming a helper fails here rather than at the next
//! build of a generated crate.

use graphdoc::pipeline;
use graphdoc::rust::{CrateOptions, runtime_crate as runtime};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;

fn runtime_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("runtime/src")
}

fn parse(text: &str, what: &str) -> syn::File {
    syn::parse_file(text).unwrap_or_else(|e| panic!("{what} does not parse: {e}"))
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The names a module's public items and `#[macro_export]` macros have.
fn public_names(file: &syn::File) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in &file.items {
        let name = match item {
            syn::Item::Fn(x) if is_pub(&x.vis) => x.sig.ident.to_string(),
            syn::Item::Struct(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Enum(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Type(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Const(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Static(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Trait(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Mod(x) if is_pub(&x.vis) => x.ident.to_string(),
            syn::Item::Macro(x) if x.attrs.iter().any(|a| a.path().is_ident("macro_export")) => x
                .ident
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
            _ => continue,
        };
        out.insert(name);
    }
    out
}

/// Every name the runtime crate has at its root: its own public items, what it
/// re-exports (a glob re-export brings the module's public items), and the macros of
/// all its modules.
fn crate_root_names() -> BTreeSet<String> {
    let lib = parse(runtime::lib_source(), "lib.rs");
    let module = |name: &str| {
        let (_, text) = runtime::MODULES
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no module {name}"));
        parse(text, name)
    };
    let mut names = public_names(&lib);
    for item in &lib.items {
        if let syn::Item::Use(u) = item
            && is_pub(&u.vis)
        {
            use_names(&u.tree, None, &module, &mut names);
        }
    }
    for (name, text) in runtime::MODULES {
        let file = parse(text, name);
        names.extend(public_names(&file).into_iter().filter(|n| {
            file.items.iter().any(
                |i| matches!(i, syn::Item::Macro(m) if m.ident.as_ref().is_some_and(|id| id == n)),
            )
        }));
    }
    names
}

fn use_names(
    tree: &syn::UseTree,
    parent: Option<&syn::Ident>,
    module: &dyn Fn(&str) -> syn::File,
    out: &mut BTreeSet<String>,
) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, Some(&p.ident), module, out),
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.rename.to_string());
        }
        syn::UseTree::Glob(_) => {
            let parent = parent.expect("a glob re-export names its module");
            out.extend(public_names(&module(&parent.to_string())));
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_names(t, parent, module, out);
            }
        }
    }
}

/// Every `NAME` in `runtime::NAME` in `text` (not `graph_runtime::NAME`).
fn runtime_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("runtime::") {
        // `graph_runtime::`, `tokio::runtime::` and the like are other crates'.
        let before = &text[..i];
        let other = before.ends_with("::") && !before.ends_with("crate::");
        if other || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = text[i + "runtime::".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// The `NAME` of every `crate::NAME!` in `text`: macros the runtime exports.
fn crate_macros(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .filter_map(|(i, _)| {
            let rest = &text[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            rest[name.len()..].starts_with('!').then_some(name)
        })
        .collect()
}

fn assert_known(names: &BTreeSet<String>, used: BTreeSet<String>, whence: &str) {
    let unknown: Vec<&String> = used.iter().filter(|n| !names.contains(*n)).collect();
    assert!(
        unknown.is_empty(),
        "{whence} names runtime items that graph-runtime does not have: {unknown:?}"
    );
}

#[test]
fn the_generators_module_list_is_the_runtime_crates() {
    let lib = parse(runtime::lib_source(), "lib.rs");
    let declared: BTreeSet<String> = lib
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    // Top-level modules are declared by lib.rs; nested ones (`notifications/resource_data`)
    // by their parent module.
    let (nested, top): (BTreeSet<String>, BTreeSet<String>) = runtime::MODULES
        .iter()
        .map(|(n, _)| n.to_string())
        .partition(|n| n.contains('/'));
    assert_eq!(
        top, declared,
        "rust::runtime::MODULES and the mods of generator/runtime/src/lib.rs"
    );
    // And each is the file of that name.
    for (name, text) in runtime::MODULES {
        let path = runtime_dir().join(format!("{name}.rs"));
        let on_disk =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(on_disk, text, "{name}");
    }
    for name in &nested {
        let (parent, child) = name.rsplit_once('/').expect("a nested name");
        let (_, parent_text) = runtime::MODULES
            .iter()
            .find(|(n, _)| *n == parent)
            .unwrap_or_else(|| panic!("{name}: its parent {parent} is not listed"));
        let declares = parse(parent_text, parent)
            .items
            .iter()
            .any(|i| matches!(i, syn::Item::Mod(m) if m.ident == child && m.content.is_none()));
        assert!(declares, "{parent}.rs does not declare `mod {child};`");
    }
    let rust_files = |dir: &std::path::Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| {
                        let name = e.ok()?.file_name().to_string_lossy().into_owned();
                        name.strip_suffix(".rs").map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let files: BTreeSet<String> = rust_files(&runtime_dir())
        .into_iter()
        .filter(|n| n != "lib")
        .collect();
    assert_eq!(files, declared, "the files of generator/runtime/src");
    // The files of module folders, unit tests aside, are the nested modules.
    let nested_files: BTreeSet<String> = declared
        .iter()
        .flat_map(|parent| {
            rust_files(&runtime_dir().join(parent))
                .into_iter()
                .filter(|n| n != "tests")
                .map(move |child| format!("{parent}/{child}"))
        })
        .collect();
    assert_eq!(
        nested_files, nested,
        "the module folders of generator/runtime/src"
    );
}

/// The emitter's source names helpers in strings (`"runtime::as_i32"`) and in tokens.
#[test]
fn every_runtime_item_the_emitter_names_exists() {
    let names = crate_root_names();
    assert!(names.contains("as_i32") && names.contains("Request") && names.contains("view"));
    let emitter = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/rust");
    let mut checked = 0;
    for entry in std::fs::read_dir(&emitter).expect("src/rust") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("a source file");
        let used = runtime_paths(&text);
        checked += used.len();
        assert_known(&names, used, &path.display().to_string());
    }
    assert!(checked > 40, "only {checked} runtime paths in the emitter");
}

fn check_emitted(docs: &Path, options: &CrateOptions) -> usize {
    let names = crate_root_names();
    let sources = pipeline::read_docs(docs).expect("docs");
    let out = pipeline::run(&sources, options);
    let mut used = BTreeSet::new();
    let mut macros = BTreeSet::new();
    for (path, text) in &out.crate_files {
        let copy = text
            .lines()
            .next()
            .is_some_and(|l| l.contains("as a copy of"));
        if path.ends_with(".rs") && !copy {
            used.extend(runtime_paths(text));
            macros.extend(crate_macros(text));
        }
    }
    let count = used.len();
    assert_known(
        &names,
        used,
        &format!("the crate generated from {}", docs.display()),
    );
    assert_known(&names, macros, "the generated crate's `crate::NAME!` calls");
    count
}

#[test]
fn every_runtime_item_the_specs_crate_names_exists() {
    let used = check_emitted(&common::specs_docs(), &common::regen_options());
    assert!(used > 20, "only {used} runtime items named");
}

#[test]
fn every_runtime_item_the_corpus_crate_names_exists() {
    if let Some(docs) = common::corpus::docs_2021() {
        check_emitted(&docs, &CrateOptions::new("cargo xtask gen", "v1.0"));
    }
}
