//! The public API of the generated crate's hand-written modules (runtime, client and
//! workflows), kept in a snapshot so that it changes only on purpose: review the
//! `.snap` diff, then accept it (`INSTA_UPDATE=always cargo test -p xtask --test public_api`).

use xtask::public_api::public_items;

const MODULES: [&str; 7] = [
    "lib", "runtime", "client", "auth", "batch", "delta", "upload",
];

#[test]
fn the_hand_written_modules_keep_their_public_api() {
    let src = xtask::repo_root().join("generated/src");
    let mut listing = String::new();
    for module in MODULES {
        let path = src.join(format!("{module}.rs"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let name = if module == "lib" { "crate" } else { module };
        for item in public_items(name, &text).unwrap_or_else(|e| panic!("{e:#}")) {
            listing.push_str(&item);
            listing.push('\n');
        }
    }
    insta::assert_snapshot!("public_api", listing);
}
