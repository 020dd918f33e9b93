//! Part of the generated Rust is written as text rather than printed by prettyplease
//! (doc comments and view accessors, for speed). It must parse, and read exactly as
//! prettyplease would print it, so that the crate looks the same throughout.

use graphdoc::pipeline::{self, Options};
use std::path::Path;

fn check(docs: &Path) {
    let sources = pipeline::read_docs(docs).expect("docs");
    let options = Options {
        crate_name: "graph-client".into(),
        standalone: false,
        command: "cargo xtask regen".into(),
        docs_label: "specs/docs".into(),
    };
    let out = pipeline::run(&sources, &options);
    let mut checked = 0;
    for (path, text) in &out.crate_files {
        if !path.starts_with("src/") || path.ends_with("runtime.rs") || path.ends_with("client.rs")
        {
            continue;
        }
        // The first line is a plain comment, which a syntax tree does not keep.
        let (header, body) = text.split_once("\n\n").expect("a header line");
        assert!(header.starts_with("// "), "{path}: header {header:?}");
        let file = syn::parse_file(body).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        let printed = prettyplease::unparse(&file);
        if printed != body {
            let diff = similar::TextDiff::from_lines(printed.as_str(), body);
            let shown: String = diff
                .unified_diff()
                .context_radius(2)
                .header("prettyplease", "generated")
                .to_string()
                .lines()
                .take(4000)
                .collect::<Vec<_>>()
                .join("\n");
            panic!("{path} is not laid out as prettyplease would:\n{shown}");
        }
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} files checked");
}

#[test]
fn specs_crate_reads_as_prettyplease_prints_it() {
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/docs"));
}

#[test]
fn corpus_crate_reads_as_prettyplease_prints_it() {
    let docs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/graph-docs-2021/v1.0");
    if !docs.is_dir() {
        eprintln!("skipped: {} is not present", docs.display());
        return;
    }
    check(&docs);
}
