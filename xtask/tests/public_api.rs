//! The public API of the generated crate's own root and of the runtime it re-exports as
//! `runtime` (the graph-runtime crate in `generator/runtime`), kept in a snapshot so that
//! it changes only on purpose: review the `.snap` diff, then accept it
//! (`INSTA_UPDATE=always cargo test -p xtask --test public_api`).
//!
//! A runtime module that the crate's root declares `pub` (the client and the workflows)
//! is listed under its name, as the generated crate re-exports it at its root; the
//! items of the other modules are re-exported by the runtime's root, and are listed
//! under `runtime`.

use graphdoc::rust::runtime_crate::{MODULES, lib_source};
use xtask::public_api::public_items;

#[test]
fn the_hand_written_modules_keep_their_public_api() {
    let lib = xtask::repo_root().join("generated/src/lib.rs");
    let lib = std::fs::read_to_string(&lib).unwrap_or_else(|e| panic!("{}: {e}", lib.display()));
    let root = syn::parse_file(lib_source()).expect("the runtime's lib.rs parses");
    let public_module = |name: &str| {
        root.items.iter().any(|item| {
            matches!(item, syn::Item::Mod(m) if m.ident == name && matches!(m.vis, syn::Visibility::Public(_)))
        })
    };
    let mut sources = vec![
        ("crate".to_string(), lib),
        ("runtime".to_string(), lib_source().to_string()),
    ];
    for (name, text) in MODULES {
        let listed_as = if public_module(name) { name } else { "runtime" };
        sources.push((listed_as.to_string(), text.to_string()));
    }
    // The crate's root, the runtime, then its public modules in the order of old.
    let order = [
        "crate", "runtime", "client", "auth", "batch", "delta", "upload",
    ];
    let rank = |module: &str| {
        order
            .iter()
            .position(|m| *m == module)
            .unwrap_or(order.len())
    };
    sources.sort_by_key(|(module, _)| rank(module));
    let mut listing = Vec::new();
    for group in sources.chunk_by(|a, b| a.0 == b.0) {
        let mut items = Vec::new();
        for (module, text) in group {
            items.extend(public_items(module, text).unwrap_or_else(|e| panic!("{e:#}")));
        }
        items.sort();
        items.dedup();
        listing.extend(items);
    }
    insta::assert_snapshot!("public_api", listing.join("\n") + "\n");
}
