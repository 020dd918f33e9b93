//! Part of the generated Rust is written as text rather than printed by prettyplease
//! (doc comments, view accessors and the doc-example tests, for speed). It must
//! parse, and read exactly as prettyplease would print it, so that the crate looks the
//! same throughout.

use graphdoc::pipeline;
use graphdoc::rust::runtime_crate as runtime;
use std::path::Path;

mod common;

fn check(docs: &Path) {
    let sources = pipeline::read_docs(docs).expect("docs");
    let out = pipeline::run(&sources, &common::regen_options());
    let mut checked = 0;
    for (path, text) in &out.crate_files {
        // Copies of the runtime's files and of the examples are written by hand, not
        // laid out.
        let copy = runtime::MODULES
            .iter()
            .any(|(name, _)| *path == format!("src/runtime/{name}.rs"))
            || path.starts_with("examples/");
        if !path.ends_with(".rs") || copy {
            continue;
        }
        // The first line is a plain comment, which a syntax tree does not keep.
        let (header, body) = text.split_once("\n\n").expect("a header line");
        assert!(header.starts_with("// "), "{path}: header {header:?}");
        let file = syn::parse_file(body).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        let mut printed = prettyplease::unparse(&file);
        let mut body = body.to_string();
        if path.starts_with("tests/") {
            // The doc-example tests have a plain comment line before each example, and a
            // blank line between examples: neither is in a syntax tree.
            printed = code_lines(&printed);
            body = code_lines(&body);
        }
        if printed != body {
            let diff = similar::TextDiff::from_lines(printed.as_str(), body.as_str());
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
    assert!(checked >= 5, "only {checked} files checked");
}

/// The lines that are neither blank nor a plain `//` comment.
fn code_lines(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            let plain_comment =
                t.starts_with("//") && !t.starts_with("///") && !t.starts_with("//!");
            !t.is_empty() && !plain_comment
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn specs_crate_reads_as_prettyplease_prints_it() {
    check(&common::specs_docs());
}

#[test]
fn corpus_crate_reads_as_prettyplease_prints_it() {
    if let Some(docs) = common::corpus::docs_2021() {
        check(&docs);
    }
}
