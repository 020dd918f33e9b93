//! What several test files share: the options `cargo xtask regen` runs with, and where
//! the docs are.

pub mod corpus;

use graphdoc::rust::{CrateOptions, RuntimeSource};
use std::path::PathBuf;

/// The options of `cargo xtask regen`, whose output is committed.
pub fn regen_options() -> CrateOptions {
    CrateOptions::new("cargo xtask regen", "specs/docs")
        .in_workspace()
        .with_runtime(RuntimeSource::Path("../generator/runtime".to_string()))
}

pub fn specs_docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/docs")
}
