//! Helpers shared by the xtask test files.

use std::path::PathBuf;

/// The 2021 v1.0 docs beside the repository, or `None` (with a note) where they are not.
pub fn corpus() -> Option<PathBuf> {
    let dir = xtask::repo_root().join("../shared/corpus/graph-docs-2021/v1.0");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is not present", dir.display());
        None
    }
}
