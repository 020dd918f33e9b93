//! The OData query options of the docs' example requests, read and checked against
//! the model.
//!
//! - [`query`] splits an example's query string into options and parses each one
//!   (`$select`, `$orderby`, `$expand`, `$top`, `$skip`, `$count`, `$search`);
//! - [`filter`] parses a `$filter` expression into a syntax tree;
//! - [`resolve`] checks the options against the type the request addresses and, where
//!   every part has a typed form, gives the Rust text of the typed call chain
//!   ([`emit`] writes it), or the reasons why not;
//! - [`advanced`] holds Graph's advanced-query rules: what needs the
//!   `ConsistencyLevel: eventual` header and `$count=true`;
//! - [`examples`] runs all of it over the examples of a model.

pub mod advanced;
pub mod emit;
pub mod examples;
pub mod filter;
pub mod query;
pub mod resolve;
