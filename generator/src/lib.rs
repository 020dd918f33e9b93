//! graphdoc: Microsoft Graph reference docs (Markdown) → model → OpenAPI and a Rust client.
//!
//! Stages, one module each: [`parse`] reads one page, [`model`] resolves all pages into
//! the intermediate model, [`openapi`] and [`rust`] emit from the model. [`pipeline`]
//! runs them in memory; writing files is the caller's job.

pub mod diag;
pub mod json;
pub mod method;
pub mod model;
pub mod odata;
pub mod openapi;
pub mod parse;
pub mod pipeline;
pub mod rust;
pub mod site;
pub mod yaml11;
