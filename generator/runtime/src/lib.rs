//! The runtime of the Microsoft Graph clients that graphdoc generates: what their
//! models and operations are built on, and the client that sends them.
//!
//! Models are *views* ([`Object`]): a wrapper of the JSON object the service sent, with
//! one typed getter and setter per documented property. Nothing is lost on a round trip, a
//! member is either absent, `null` or a value, and casting between a base type and a
//! derived type is free.
//!
//! Requests are plain data ([`Request`]): build one with a function of a generated
//! crate's `operations` (or [`Request::new`]), send it with any HTTP stack, and hand the
//! status and body back to [`Request::parse_response`], or send it with `client` (the
//! `client` feature).
//!
//! The workflows, sans-IO: [`auth`] (national clouds, the client credentials grant),
//! [`batch`] (`$batch` with `dependsOn`), [`delta`] (delta query pages and links) and
//! [`upload`] (upload sessions in slices); `client` runs them. [`notifications`] is the
//! receiving side of change notifications: the webhook's handshake, `clientState` checks,
//! repeated deliveries and renewals.
//!
//! A generated crate reaches this crate as its `runtime` module: as a dependency, or as
//! a copy of these files. Items hidden from these docs are what the generated code calls
//! (member readers and writers, response parsers, the `view!` and `string_enum!`
//! macros); they are not part of the API and may change in any release.

#![deny(missing_docs)]

/// The crate's root under the name the macros use (`$crate::runtime::Tag`): in a crate
/// that holds a copy of these files, the `runtime` module is where they are.
#[doc(hidden)]
pub use crate as runtime;

/// Which interface between the runtime and the code generated for it this is: a
/// generated crate checks it at compile time, and refuses a runtime it was not
/// generated for. It changes when a helper that generated code calls is renamed or
/// changes its signature.
pub const COMPATIBILITY: u32 = 1;

mod error;
mod json;
mod members;
mod object;
mod path;
mod query;
mod request;
mod retry;
mod view;

pub mod auth;
pub mod batch;
#[cfg(feature = "client-no-provider")]
pub mod client;
pub mod delta;
pub mod notifications;
pub mod odata;
#[cfg(feature = "testing")]
pub mod testing;
pub mod upload;

#[doc(hidden)]
pub use bytemuck::TransparentWrapper;
pub use error::{Error, ErrorKind, GraphError, InnerError, ServiceError, TransportFailure};
pub use http::Method;
#[doc(hidden)]
pub use json::read_view_members;
pub use json::{Json, JsonObject, Members};
#[doc(hidden)]
pub use members::*;
pub use object::Object;
pub use path::PathBuilder;
pub use query::{NormalizedQuery, ODataQuery};
pub use request::{parse_bytes, parse_empty, parse_json, Collection, NoContent, Request};
#[doc(hidden)]
pub use request::{parse_value, parse_value_with};
#[doc(hidden)]
pub use retry::parse_retry_after;
pub use retry::RetryPolicy;
pub use view::View;
#[doc(hidden)]
pub use view::{tagged, Tag};
