//! Helpers shared by the xtask test files.

/// Where the real corpus is: the same locator as the generator's tests.
#[path = "../../../generator/tests/common/corpus.rs"]
pub mod corpus;
