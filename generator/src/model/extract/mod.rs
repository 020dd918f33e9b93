//! Per-page extraction: what each page documents, read without the other pages.

pub(in crate::model) mod operations;
pub(in crate::model) mod types;
