//! The real v1.0 docs, when the corpus is beside the repository (CI has it, and sets
//! `GRAPHDOC_REQUIRE_CORPUS=1` so that these tests fail without it).

mod common;
use common::corpus;

use graphdoc::diag::{Code, Severity};
use graphdoc::pipeline;
use graphdoc::rust::CrateOptions;
use std::sync::OnceLock;
use xtask::fidelity::Figures;

#[test]
fn the_whole_v1_corpus_generates_with_located_diagnostics() {
    let Some(docs) = corpus::docs_2021() else {
        return;
    };
    let sources = pipeline::read_docs(&docs).unwrap();
    assert!(sources.len() > 3000, "{} pages", sources.len());
    let options = CrateOptions::new("cargo xtask gen", "v1.0");
    let out = pipeline::run(&sources, &options);
    assert!(
        out.model.types.len() > 900,
        "{} types",
        out.model.types.len()
    );
    assert!(
        out.model.operations.len() > 2900,
        "{} operations",
        out.model.operations.len()
    );
    let pages: std::collections::HashSet<&str> = sources.iter().map(|s| s.path.as_str()).collect();
    for d in &out.diagnostics {
        assert!(
            pages.contains(d.file.as_str()),
            "diagnostic outside a page: {d}"
        );
        assert!(d.line > 0, "diagnostic without a line: {d}");
    }
    assert!(
        !out.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error && d.code == Code::Internal),
        "the generator produced invalid Rust"
    );
}

/// The fidelity figures of the v1.0 corpus, measured once for the tests that read them.
fn fidelity() -> Option<&'static Figures> {
    static FIGURES: OnceLock<Option<Figures>> = OnceLock::new();
    FIGURES
        .get_or_init(|| {
            let docs = corpus::docs_2021()?;
            let csdl = xtask::fidelity::Csdl::read(&corpus::csdl_2021()?).unwrap();
            let sources = pipeline::read_docs(&docs).unwrap();
            let (pages, model, _, _) = pipeline::parse_and_build(&sources);
            Some(xtask::fidelity::measure(&pages, &model, &csdl))
        })
        .as_ref()
}

#[test]
fn fidelity_against_the_csdl_stays_above_the_floors() {
    let Some(figures) = fidelity() else { return };
    // An enum whose name and members are all in the docs must be found.
    let generator_misses = figures
        .enum_miss_causes
        .get(xtask::fidelity::IN_THE_DOCS)
        .cloned()
        .unwrap_or_default();
    assert!(
        generator_misses.is_empty(),
        "enums the docs define but the model misses: {generator_misses:?}"
    );
    let below = figures.below_floors();
    assert!(below.is_empty(), "fidelity dropped: {below:?}");
}

#[test]
fn operation_types_against_the_csdl_stay_above_the_floors() {
    let Some(figures) = fidelity() else { return };
    let ops = &figures.operations;
    // Every operation of the OpenAPI document is judged, and most are checked.
    assert!(ops.ops_total > 3000, "{} operations", ops.ops_total);
    assert_eq!(ops.ops_resolved + ops.ops_unresolved, ops.ops_total);
    assert!(
        ops.response_checked > 2400,
        "{} responses",
        ops.response_checked
    );
    let below = ops.below_floors();
    assert!(below.is_empty(), "operation fidelity dropped: {below:?}");
}
