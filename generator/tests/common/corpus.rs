//! Where the real corpus is, for the tests of both crates (`xtask/tests/common` includes
//! this file by path).
//!
//! The corpus is `../shared/corpus` beside the repository, or the folder named by
//! `GRAPHDOC_CORPUS`. Where it is missing, a test that needs it prints that it skipped
//! and passes; with `GRAPHDOC_REQUIRE_CORPUS=1` (CI sets it) it fails instead, so that a
//! run without the corpus cannot pass for one that checked it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The folder that holds `graph-docs-2021/`, `graph-docs-current-sample/` and `csdl/`.
pub fn root() -> PathBuf {
    // Both crates are one level below the repository.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is inside the repository");
    match std::env::var_os("GRAPHDOC_CORPUS") {
        // Relative to the repository, not to the crate `cargo test` runs in.
        Some(dir) => repo.join(dir),
        None => repo.parent().unwrap_or(repo).join("shared/corpus"),
    }
}

/// Whether a missing corpus fails the tests instead of skipping them.
pub fn required() -> bool {
    std::env::var("GRAPHDOC_REQUIRE_CORPUS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `relative` under [`root`] if it is there; otherwise `None` after saying the test
/// skipped, or a panic saying where to put it when the corpus is required.
pub fn locate(relative: &str) -> Option<PathBuf> {
    let path = root().join(relative);
    if path.exists() {
        return Some(path);
    }
    let path = std::path::absolute(&path).unwrap_or(path);
    if required() {
        panic!(
            "GRAPHDOC_REQUIRE_CORPUS is set, but {} is not present: put the corpus at {} \
             (or point GRAPHDOC_CORPUS at the folder that holds graph-docs-2021/, \
             graph-docs-current-sample/ and csdl/)",
            path.display(),
            std::path::absolute(root())
                .unwrap_or_else(|_| root())
                .display()
        );
    }
    eprintln!(
        "skipped: {} is not present (set GRAPHDOC_REQUIRE_CORPUS=1 to fail instead)",
        path.display()
    );
    None
}

/// The 2021 v1.0 docs (3,341 pages).
pub fn docs_2021() -> Option<PathBuf> {
    locate("graph-docs-2021/v1.0")
}

/// The sample of current v1.0 docs.
pub fn current_sample() -> Option<PathBuf> {
    locate("graph-docs-current-sample/v1.0")
}

/// The v1.0 CSDL of the same time as [`docs_2021`].
pub fn csdl_2021() -> Option<PathBuf> {
    locate("csdl/v1.0-2021-07-13.xml")
}
