//! Cross-page resolution: names, merged types and operations, and operation typing.

pub(super) mod collections;
pub(super) mod names;
pub(super) mod operations;
pub(super) mod path_shapes;
pub(super) mod types;
pub(super) mod typing;
