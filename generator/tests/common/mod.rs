//! What several test files share: the options `cargo xtask regen` runs with, and where
//! the docs are.

use graphdoc::rust::CrateOptions;
use std::path::PathBuf;

/// The options of `cargo xtask regen`, whose output is committed.
pub fn regen_options() -> CrateOptions {
    CrateOptions::new("cargo xtask regen", "specs/docs").in_workspace()
}

pub fn specs_docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/docs")
}

/// The v1.0 corpus beside the repository, if it is there (CI has it).
pub fn corpus_docs() -> Option<PathBuf> {
    let docs =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/graph-docs-2021/v1.0");
    if docs.is_dir() {
        Some(docs)
    } else {
        eprintln!("skipped: {} is not present", docs.display());
        None
    }
}
