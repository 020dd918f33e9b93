//! The check that the fuzz target runs on every input, shared with `reproduce`.
//!
//! The input bytes are split on `0xFF` into pages (at most [`MAX_PAGES`]): page 0 is
//! `api/fuzz-0.md`, page 1 `resources/fuzz-1.md`, page 2 `api/fuzz-2.md`, and so on.
//! `0xFF` never occurs in UTF-8, so a seed made of real pages joined by `0xFF` splits
//! back into exactly those pages.
//!
//! The pages go through `pipeline::parse_and_build`, `openapi::emit_yaml`,
//! `rust::emit_crate` and `odata::examples::survey` (the example queries). The check fails (panics) when any stage panics, when a
//! diagnostic names a file that is not an input page or line 0, and on any
//! `<generator>` diagnostic (the generator produced Rust that does not parse: a
//! generator bug, not a docs problem).

use graphdoc::pipeline::{self, SourceFile};
use graphdoc::rust::CrateOptions;

/// More pages rarely add coverage and make every execution slower.
pub const MAX_PAGES: usize = 8;

/// The pages that an input stands for.
pub fn pages(data: &[u8]) -> Vec<SourceFile> {
    data.split(|&b| b == 0xFF)
        .take(MAX_PAGES)
        .enumerate()
        .map(|(n, bytes)| SourceFile {
            path: if n % 2 == 0 {
                format!("api/fuzz-{n}.md")
            } else {
                format!("resources/fuzz-{n}.md")
            },
            bytes: bytes.to_vec(),
        })
        .collect()
}

pub fn options() -> CrateOptions {
    CrateOptions::new("fuzz", "fuzz")
}

/// Runs the pipeline on one input; panics on a bug.
pub fn check(data: &[u8]) {
    let files = pages(data);
    let options = options();
    let (_pages, model, mut diagnostics, _timings) = pipeline::parse_and_build(&files);
    if let Err(e) = graphdoc::openapi::emit_yaml(&model, "# fuzz", options.api_version) {
        panic!("generator bug: the OpenAPI document does not serialize: {e}");
    }
    let (_crate_files, rust_diagnostics) = graphdoc::rust::emit_crate(&model, &options);
    let _queries = graphdoc::odata::examples::survey(&model);
    diagnostics.extend(rust_diagnostics);
    for d in &diagnostics {
        if d.file == "<generator>" {
            panic!("generator bug: {d}");
        }
        assert!(
            files.iter().any(|f| f.path == d.file),
            "diagnostic for a file that is not an input page: {d}"
        );
        assert!(d.line >= 1, "diagnostic at line 0: {d}");
    }
}
