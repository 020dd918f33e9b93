//! Same input, byte-identical output, whatever the file order or thread count.

use graphdoc::pipeline::{self, Output, SourceFile};
use std::path::Path;

mod common;

fn run_with(sources: &[SourceFile], threads: usize) -> Output {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(|| pipeline::run(sources, &common::regen_options()))
}

fn assert_same(a: &Output, b: &Output) {
    assert_eq!(a.openapi, b.openapi, "OpenAPI differs");
    assert_eq!(a.crate_files, b.crate_files, "crate differs");
    assert_eq!(a.diagnostics, b.diagnostics, "diagnostics differ");
}

fn check(docs: &Path) {
    let sorted = pipeline::read_docs(docs).expect("docs");
    let mut reversed = sorted.clone();
    reversed.reverse();
    // A fixed interleaving, different from both orders above.
    let mut shuffled: Vec<SourceFile> = sorted.iter().skip(1).step_by(2).cloned().collect();
    shuffled.extend(sorted.iter().step_by(2).cloned());

    let base = run_with(&sorted, 1);
    assert_same(&base, &run_with(&reversed, 2));
    assert_same(&base, &run_with(&shuffled, 3));
}

#[test]
fn specs_output_does_not_depend_on_order_or_threads() {
    check(&common::specs_docs());
}

#[test]
fn corpus_output_does_not_depend_on_order_or_threads() {
    let Some(docs) = common::corpus::docs_2021() else {
        return;
    };
    let sorted = pipeline::read_docs(&docs).expect("docs");
    let mut reversed = sorted.clone();
    reversed.reverse();
    assert_same(&run_with(&sorted, 1), &run_with(&reversed, 2));
}
