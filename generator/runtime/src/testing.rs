//! A fake Graph for tests: an HTTP server on loopback that answers as the docs say the
//! service does, so that code written against the client is tested offline.
//!
//! A generated crate hands [`FakeGraph::start`] its table of documented [`Operation`]s
//! (its `testing::operations()`). Each request is then answered, in order, by:
//!
//! 1. **overrides** a test sets with [`FakeGraph::on`], tried in the order they were set;
//! 2. **state**: collections of entities that a test seeded with [`FakeGraph::insert`]
//!    or created items in with `POST`: get, create, update, delete and list, with paging,
//!    `$top`, `$select`, `$count`, `$orderby` and `$filter`;
//! 3. **the documented answer**: the example response of the operation whose request has
//!    the same query options, or its first, or an empty body of the documented status.
//!
//! What the service refuses, the fake refuses too: a path no page documents (`400`), a
//! method the path does not have (`405`), an operation none of whose permissions the
//! token holds ([`FakeGraph::with_scopes`], `403`), and an advanced query sent without
//! `ConsistencyLevel: eventual` where the page documents the header (`400`). Every
//! request is recorded: [`FakeGraph::requests`].
//!
//! Subscriptions to webhooks on loopback are validated with the handshake when they are
//! created, and [`FakeGraph::notify`] delivers their changes.
//!
//! The fake also answers the client-credentials token endpoint
//! ([`FakeGraph::token_url`]) and `$batch`, and injects [`Faults`] when asked: throttling,
//! errors, connections dropped before or during an answer, late bodies, expired tokens
//! and delta links, lost upload slices, each chosen per request from a seed.

/// One documented operation, as the fake serves it: a generated crate's table holds one
/// per request line of its docs.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path template, parameters in braces: `/users/{user-id}/memberOf`.
    pub path: &'static str,
    /// The documented status of a successful answer.
    pub status: u16,
    /// The answer is a collection (`value` and `@odata.nextLink`).
    pub collection: bool,
    /// The permissions that let the call through.
    pub permissions: Permissions,
    /// The page documents the `ConsistencyLevel` header: advanced queries need it.
    pub consistency_level: bool,
    /// The documented examples that have a response.
    pub examples: &'static [Example],
    /// What the request body must be.
    pub body: Body,
}

/// The request body an operation takes, for the strict check of bodies.
#[derive(Clone, Copy, Debug)]
pub enum Body {
    /// No body, or none the docs type.
    None,
    /// A JSON object of one of these types (by qualified name: `microsoft.graph.user`),
    /// or of a type deriving from one.
    Types(&'static [&'static str]),
    /// A JSON object of these parameters (an action's).
    Parameters(&'static [Property]),
}

/// A model type, for the strict check of request bodies.
#[derive(Clone, Copy, Debug)]
pub struct Type {
    /// The qualified name: `microsoft.graph.user`.
    pub name: &'static str,
    /// The base type's qualified name.
    pub base: Option<&'static str>,
    /// A body of this type must say which derived type it is (`@odata.type`).
    pub is_abstract: bool,
    /// Members beyond the documented properties are allowed (open extensions).
    pub is_open: bool,
    /// Its own properties; inherited ones are on the base.
    pub properties: &'static [Property],
}

/// A property or an action's parameter.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// As the service spells it.
    pub name: &'static str,
    /// What each value holds.
    pub kind: Kind,
    /// A JSON array of such values.
    pub collection: bool,
}

/// What JSON a value takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Edm.String`, and the types written as strings: `Binary`, `Duration`.
    Text,
    /// `Edm.Int16` to `Int64`, `Byte`, `SByte`.
    Int,
    /// `Edm.Double`, `Single`, `Decimal`.
    Number,
    /// `Edm.Boolean`.
    Bool,
    /// `Edm.DateTimeOffset`: an RFC 3339 date-time string.
    DateTime,
    /// `Edm.Date`: `2021-07-13`.
    Date,
    /// `Edm.TimeOfDay`: `08:30:00`.
    TimeOfDay,
    /// `Edm.Guid`.
    Guid,
    /// An enum's member (or, for flags, members joined by `,`), by the enum's
    /// qualified name.
    Enum(&'static str),
    /// An object of a model type (or of a type deriving from it), by qualified name.
    Object(&'static str),
    /// Any JSON.
    Any,
}

/// An enum, for the strict check of request bodies.
#[derive(Clone, Copy, Debug)]
pub struct Enum {
    /// The qualified name: `microsoft.graph.riskLevel`.
    pub name: &'static str,
    /// The members, as the service spells them.
    pub members: &'static [&'static str],
    /// Values are members joined by `,`.
    pub flags: bool,
}

/// What a generated crate documents: its operations, and the types and enums that the
/// strict check of request bodies reads.
#[derive(Clone, Debug, Default)]
pub struct Api {
    /// The documented operations.
    pub operations: Vec<&'static Operation>,
    /// The model types.
    pub types: Vec<&'static Type>,
    /// The enums.
    pub enums: Vec<&'static Enum>,
}

/// An operation's permissions: any one of them lets the call through; one written
/// `A and B` needs both scopes. No permission at all: any token will do.
#[derive(Clone, Copy, Debug, Default)]
pub struct Permissions {
    /// Delegated permissions (scopes), of work or school and personal accounts.
    pub delegated: &'static [&'static str],
    /// Application permissions (roles).
    pub application: &'static [&'static str],
}

impl Permissions {
    /// No permission: any token will do.
    pub const EMPTY: Permissions = Permissions {
        delegated: &[],
        application: &[],
    };
}

/// A documented example: the query of its request and the response it shows.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// The query of the example request (after `?`), as written; empty for none.
    pub query: &'static str,
    /// The response's status.
    pub status: u16,
    /// The response's headers, `Content-Type` included where the example has it.
    pub headers: &'static [(&'static str, &'static str)],
    /// The response body as JSON text; empty for none.
    pub body: &'static str,
}

use super::odata::AdvancedUse;
use super::query::NormalizedQuery;
use super::request::Request;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

mod webhooks;
#[cfg(feature = "resource-data")]
pub use webhooks::FAKE_APP_ID;
pub use webhooks::{WebhookAnswer, FAKE_TENANT};

/// The version segment the fake serves under, as Graph's base URL has it.
const VERSION: &str = "/v1.0";
/// Items per page when neither the test nor `$top` says otherwise (Graph's default for
/// most directory lists).
const DEFAULT_PAGE_SIZE: usize = 100;
/// Where the fake's documented redirects lead.
const DOWNLOAD: &str = "/_fake/download";
/// Where upload sessions take their bytes: `{UPLOADS}/{session}`.
const UPLOADS: &str = "/_fake/upload/";
/// The largest file an upload session of the fake takes (1 GiB).
const MAX_UPLOAD: u64 = 1 << 30;
/// The most `$top` takes.
const MAX_PAGE_SIZE: usize = 999;

/// A fake Graph on `127.0.0.1`, on a free port, in the test's tokio runtime; it stops when
/// dropped. See the [module docs](self).
pub struct FakeGraph {
    origin: String,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for FakeGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGraph")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        // The accept loop owns every connection's task: aborting it ends them all.
        self.server.abort();
    }
}

impl FakeGraph {
    /// Starts a fake Graph serving `operations`, without the types that the strict check
    /// of request bodies needs (bodies are then not checked); [`FakeGraph::serve`] takes
    /// them too.
    ///
    /// # Panics
    ///
    /// When no port on 127.0.0.1 can be bound, or outside a tokio runtime: a test cannot
    /// go on without its server.
    pub async fn start(operations: impl IntoIterator<Item = &'static Operation>) -> FakeGraph {
        FakeGraph::serve(Api {
            operations: operations.into_iter().collect(),
            ..Api::default()
        })
        .await
    }

    /// Starts a fake Graph serving `api` (a generated crate's `testing::api()`): request
    /// bodies are checked against the documented types unless [`FakeGraph::lenient`].
    ///
    /// # Panics
    ///
    /// As [`FakeGraph::start`].
    pub async fn serve(api: Api) -> FakeGraph {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| panic!("FakeGraph: cannot bind a port on 127.0.0.1: {e}"));
        let origin = match listener.local_addr() {
            Ok(address) => format!("http://{address}"),
            Err(e) => panic!("FakeGraph: the bound socket has no address: {e}"),
        };
        let shared = Arc::new(Shared {
            routes: Routes::new(api.operations),
            schema: Schema::new(&api.types, &api.enums),
            origin: origin.clone(),
            inner: Mutex::new(Inner::default()),
        });
        let server = tokio::spawn(accept(listener, shared.clone()));
        FakeGraph {
            origin,
            shared,
            server,
        }
    }

    /// The base URL to hand to the client (`http://127.0.0.1:PORT/v1.0`), in place of
    /// `https://graph.microsoft.com/v1.0`.
    pub fn base_url(&self) -> String {
        format!("{}{VERSION}", self.origin)
    }

    /// The token endpoint of `tenant`, for the client credentials grant
    /// (`ClientCredentials::with_token_url`): it answers any client id and secret with a
    /// bearer token.
    pub fn token_url(&self, tenant: &str) -> String {
        super::auth::token_url(&self.origin, tenant)
    }

    /// The permissions the token holds (delegated scopes or application roles): from now
    /// on, an operation none of whose documented permissions is held answers `403`, as
    /// the service does. Without a call, every permission is held.
    pub fn with_scopes<S: Into<String>>(&self, scopes: impl IntoIterator<Item = S>) -> &Self {
        self.lock().scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Injects `faults` from now on: see [`Faults`].
    pub fn with_faults(&self, faults: Faults) -> &Self {
        self.lock().faults = Some(FaultState {
            config: faults,
            seen: HashMap::new(),
        });
        self
    }

    /// How many faults of each kind the fake injected so far.
    pub fn injected_faults(&self) -> BTreeMap<Fault, usize> {
        self.lock().injected.clone()
    }

    /// Accepts request bodies without checking them against the documented types.
    pub fn lenient(&self) -> &Self {
        self.lock().lenient = true;
        self
    }

    /// Items per page of the lists the fake's state serves (100 unless set; `$top`
    /// sets it per request).
    pub fn page_size(&self, size: usize) -> &Self {
        self.lock().page_size = Some(size.clamp(1, MAX_PAGE_SIZE));
        self
    }

    /// Adds `item` to the collection at `path` (`/users`), creating the collection's
    /// state: from then on the path and its items (`/users/{id}`) are served from it.
    /// The item keeps its `id`, or gets a new one; the id is returned.
    ///
    /// # Panics
    ///
    /// When `item` is not a JSON object.
    pub fn insert<V: serde::Serialize>(&self, path: &str, item: &V) -> String {
        let item = match serde_json::to_value(item) {
            Ok(Value::Object(map)) => map,
            Ok(other) => panic!("FakeGraph::insert({path}): not a JSON object: {other}"),
            Err(e) => panic!("FakeGraph::insert({path}): cannot serialize the item: {e}"),
        };
        self.lock().state.insert(&collection_key(path), item)
    }

    /// The items of the collection at `path`, as the fake holds them now (empty when the
    /// collection has no state).
    pub fn items(&self, path: &str) -> Vec<Value> {
        self.lock()
            .state
            .collections
            .get(&collection_key(path))
            .map(|c| {
                c.items
                    .iter()
                    .map(|(_, item)| Value::Object(item.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An override for requests like `request`: the same method and path, and the same
    /// query options and JSON body where `request` has them. Finish it with one of the
    /// `respond` methods; overrides are tried in the order they were set, before the
    /// state and the documented answers.
    pub fn on<T>(&self, request: &Request<T>) -> On<'_, T> {
        let body = request
            .body()
            .and_then(|b| serde_json::from_slice::<Value>(b).ok());
        On {
            fake: self,
            matcher: Matcher {
                method: request.method().as_str().to_string(),
                path: normalize_path(request.path()),
                query: (!request.query_options().is_empty()).then(|| request.normalized_query()),
                body,
            },
            times: None,
            marker: std::marker::PhantomData,
        }
    }

    /// The files of the upload sessions, in order of their sessions.
    pub fn uploads(&self) -> Vec<UploadedFile> {
        self.lock()
            .uploads
            .iter()
            .map(|(_, u)| UploadedFile {
                path: u.path.clone(),
                bytes: u.bytes.clone(),
                complete: u.item.is_some(),
            })
            .collect()
    }

    /// Every request the fake received, in order of arrival: the items of a `$batch`
    /// follow the batch itself.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().journal.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.shared.lock()
    }
}

/// An override being set: see [`FakeGraph::on`].
#[must_use = "an override is set by one of its `respond` methods"]
pub struct On<'a, T> {
    fake: &'a FakeGraph,
    matcher: Matcher,
    times: Option<usize>,
    marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> On<'_, T> {
    /// Answers only the first `n` matching requests; later ones go on to the state and
    /// the documented answers.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers `200` with `value`, of the type the request answers.
    pub fn respond(self, value: &T)
    where
        T: serde::Serialize,
    {
        let body = serde_json::to_value(value).unwrap_or(Value::Null);
        self.respond_json(200, body);
    }

    /// Answers `status` with `body` as JSON.
    pub fn respond_json(self, status: u16, body: Value) {
        self.set(Answer::json(status, &body));
    }

    /// Answers `status` with a Graph error body: `{"error": {"code", "message"}}`.
    pub fn respond_error(self, status: u16, code: &str, message: &str) {
        self.set(Answer::error(status, code, message));
    }

    fn set(self, answer: Answer) {
        self.fake.lock().overrides.push(Override {
            matcher: self.matcher,
            remaining: self.times,
            answer,
        });
    }
}

/// A request as the fake received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path after the version segment (`/users/42`), percent-decoded.
    pub path: String,
    /// The query options, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case; the bearer token is masked.
    pub headers: Vec<(String, String)>,
    /// The body, where it is JSON.
    pub body: Option<Value>,
}

impl Recorded {
    /// The value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body read as `B` (a model type, or a map to compare members).
    pub fn body_as<B: serde::de::DeserializeOwned>(&self) -> Option<B> {
        self.body.as_ref().and_then(|b| B::deserialize(b).ok())
    }

    /// The query as [`NormalizedQuery`] compares queries.
    pub fn normalized_query(&self) -> NormalizedQuery {
        NormalizedQuery::from_options(self.query.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }
}

// ---------- the server ----------

struct Shared {
    routes: Routes,
    schema: Schema,
    origin: String,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock leaves data that is still whole.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Default)]
struct Inner {
    overrides: Vec<Override>,
    state: State,
    journal: Vec<Recorded>,
    scopes: Option<Vec<String>>,
    page_size: Option<usize>,
    lenient: bool,
    /// Upload sessions and their ids, in order of creation.
    uploads: Vec<(String, Upload)>,
    faults: Option<FaultState>,
    injected: BTreeMap<Fault, usize>,
    /// Ids given out, for [`next_id`].
    ids: u64,
    /// The `aud` of the validation tokens of rich notifications.
    #[cfg(feature = "resource-data")]
    app_id: Option<String>,
}

impl Inner {
    fn count(&mut self, fault: Fault) {
        *self.injected.entry(fault).or_default() += 1;
    }

    /// The fault for `request`, of `kind`, among `applicable`, counted; `None` without
    /// faults.
    fn fault(
        &mut self,
        request: &Received,
        kind: RequestKind,
        applicable: &[Fault],
    ) -> Option<Fault> {
        let fault = self.faults.as_mut()?.choose(request, kind, applicable)?;
        self.count(fault);
        Some(fault)
    }
}

/// An upload session and the bytes it has.
struct Upload {
    /// The path of the `createUploadSession` request.
    path: String,
    /// The file's size, from the first `Content-Range`.
    total: Option<u64>,
    bytes: Vec<u8>,
    /// The ranges received, `[first, end)`, merged and in order.
    received: Vec<(u64, u64)>,
    item: Option<Value>,
}

/// A file uploaded through an upload session: see [`FakeGraph::uploads`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadedFile {
    /// The path of the `createUploadSession` request
    /// (`/me/drive/root:/report.pdf:/createUploadSession`).
    pub path: String,
    /// The bytes received, in place.
    pub bytes: Vec<u8>,
    /// Every byte of the file arrived.
    pub complete: bool,
}

impl Inner {
    /// A session created by a documented `createUploadSession`.
    fn create_upload(&mut self, path: &str, origin: &str) -> Answer {
        let id = next_id(&mut self.ids).simple().to_string();
        self.uploads.push((
            id.clone(),
            Upload {
                path: path.to_string(),
                total: None,
                bytes: Vec::new(),
                received: Vec::new(),
                item: None,
            },
        ));
        Answer::json(
            200,
            &json!({
                "uploadUrl": format!("{origin}{UPLOADS}{id}"),
                "expirationDateTime": "2099-01-01T00:00:00Z",
                "nextExpectedRanges": ["0-"],
            }),
        )
    }

    /// A `PUT` of a byte range, a `GET` of the session's status, or a `DELETE`.
    fn upload(&mut self, id: &str, method: &str, range: Option<&str>, body: &[u8]) -> Answer {
        let Some(index) = self.uploads.iter().position(|(i, _)| i == id) else {
            return Answer::error(404, "itemNotFound", "The upload session does not exist.");
        };
        let upload = &mut self.uploads[index].1;
        match method {
            "GET" => return Answer::json(200, &upload.status()),
            "DELETE" => {
                self.uploads.remove(index);
                return Answer::empty(204);
            }
            "PUT" => {}
            _ => {
                return Answer::error(
                    405,
                    "invalidRequest",
                    "Upload URLs take PUT, GET and DELETE.",
                )
            }
        }
        let Some((first, last, total)) = range.and_then(parse_content_range) else {
            return Answer::error(
                400,
                "invalidRange",
                "The Content-Range header must be `bytes {first}-{last}/{total}`.",
            );
        };
        let fits = last >= first
            && last < total
            && body.len() as u64 == last - first + 1
            && upload.total.is_none_or(|t| t == total);
        if !fits {
            return Answer::error(
                416,
                "invalidRange",
                "The range does not match the body's length or the file's size.",
            );
        }
        if upload.item.is_some() {
            return Answer::error(409, "conflict", "The upload is complete already.");
        }
        // The fake holds files in memory: a size past that is a test's mistake.
        let size = match usize::try_from(total) {
            Ok(size) if total <= MAX_UPLOAD => size,
            _ => {
                return Answer::error(
                    413,
                    "invalidRange",
                    &format!(
                        "The fake takes files of at most {MAX_UPLOAD} bytes; this one has {total}."
                    ),
                );
            }
        };
        upload.total = Some(total);
        upload.bytes.resize(size, 0);
        // In range: `last < total` and `total` fits in memory.
        upload.bytes[first as usize..=last as usize].copy_from_slice(body);
        upload.received.push((first, last + 1));
        upload.received.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for &(a, b) in &upload.received {
            match merged.last_mut() {
                Some(m) if a <= m.1 => m.1 = m.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        upload.received = merged;
        if upload.received == [(0, total)] {
            // `/me/drive/root:/folder/report.pdf:/createUploadSession` names the file.
            let name = upload
                .path
                .rsplit_once(':')
                .and_then(|(head, _)| head.rsplit(['/', ':']).next())
                .filter(|name| !name.is_empty())
                .unwrap_or("file")
                .to_string();
            let item = json!({
                "id": next_id(&mut self.ids).simple().to_string(),
                "name": name,
                "size": total,
                "file": {},
            });
            upload.item = Some(item.clone());
            Answer::json(201, &item)
        } else {
            Answer::json(202, &upload.status())
        }
    }
}

impl Upload {
    /// `nextExpectedRanges`: the gaps, the last open-ended.
    fn status(&self) -> Value {
        let mut missing = Vec::new();
        let mut at = 0;
        for &(a, b) in &self.received {
            if a > at {
                missing.push(format!("{at}-{}", a - 1));
            }
            at = b;
        }
        if self.total.is_none_or(|t| at < t) {
            missing.push(format!("{at}-"));
        }
        json!({
            "expirationDateTime": "2099-01-01T00:00:00Z",
            "nextExpectedRanges": missing,
        })
    }
}

/// `bytes 0-99/1000` → `(0, 99, 1000)`.
fn parse_content_range(header: &str) -> Option<(u64, u64, u64)> {
    let range = header.trim().strip_prefix("bytes ")?;
    let (span, total) = range.split_once('/')?;
    let (first, last) = span.split_once('-')?;
    Some((
        first.trim().parse().ok()?,
        last.trim().parse().ok()?,
        total.trim().parse().ok()?,
    ))
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: wait rather than spin.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let shared = shared.clone();
        connections.spawn(async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                async move { serve(&shared, request).await }
            });
            // A client that goes away mid-request is not the test's concern.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn serve(
    shared: &Shared,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<FakeBody>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let received = Received::new(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        headers,
        &body,
    );
    let answer = if received.method == "POST" && received.path.ends_with("/oauth2/v2.0/token") {
        token(&body)
    } else if received.path == DOWNLOAD {
        // Where documented redirects without an example lead (reports' CSV files).
        Answer::empty(200)
    } else if let Some(session) = received.path.strip_prefix(UPLOADS) {
        // Upload URLs take no token, as Graph's do.
        let range = received.header("content-range").map(str::to_string);
        let mut inner = shared.lock();
        let lost = received.method == "PUT"
            && inner
                .fault(&received, RequestKind::Upload, &[Fault::LostUploadSlice])
                .is_some();
        if lost {
            Answer::empty(0).delivered(Delivery::Reset)
        } else {
            inner.upload(session, &received.method, range.as_deref(), &body)
        }
    } else if let Some(refusal) = webhooks::check_new_subscription(&received).await {
        // Recorded like every other request to Graph's paths.
        shared
            .lock()
            .journal
            .push(received.record("/subscriptions"));
        refusal
    } else {
        shared.answer(received)
    };
    answer.into_response()
}

/// A request as the fake reads it.
struct Received {
    method: String,
    /// Percent-decoded, with its version segment.
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

impl Received {
    fn new(
        method: &str,
        path: &str,
        query: &str,
        headers: Vec<(String, String)>,
        body: &[u8],
    ) -> Self {
        Received {
            method: method.to_ascii_uppercase(),
            path: percent_decode_str(path).decode_utf8_lossy().into_owned(),
            query: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            headers: headers
                .into_iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v))
                .collect(),
            body: serde_json::from_slice(body).ok(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn option(&self, name: &str) -> Option<&str> {
        let bare = name.trim_start_matches('$');
        self.query
            .iter()
            .find(|(n, _)| n.trim_start_matches('$').eq_ignore_ascii_case(bare))
            .map(|(_, v)| v.as_str())
    }

    fn normalized_query(&self) -> NormalizedQuery {
        NormalizedQuery::from_options(self.query.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }

    /// A hash of what the request asks (method, path, query, body), the same in every
    /// run: the identity faults are drawn for.
    fn identity(&self) -> u64 {
        let mut text = format!("{} {}?", self.method, self.path.to_ascii_lowercase());
        let mut query: Vec<&(String, String)> = self.query.iter().collect();
        query.sort();
        for (name, value) in query {
            text.push_str(name);
            text.push('=');
            text.push_str(value);
            text.push('&');
        }
        if let Some(body) = &self.body {
            text.push_str(&body.to_string());
        }
        // FNV-1a, then mixed: stable across runs and platforms, unlike `DefaultHasher`.
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        mix(hash)
    }

    fn record(&self, path: &str) -> Recorded {
        Recorded {
            method: self.method.clone(),
            path: path.to_string(),
            query: self.query.clone(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| {
                    let masked = if n == "authorization" {
                        mask(v)
                    } else {
                        v.clone()
                    };
                    (n.clone(), masked)
                })
                .collect(),
            body: self.body.clone(),
        }
    }
}

/// `Bearer abc.def` → `Bearer ***`: a journal may be printed in a test's output.
fn mask(authorization: &str) -> String {
    match authorization.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} ***"),
        None => "***".to_string(),
    }
}

/// The client credentials grant: any client id and secret (or assertion) get a token.
fn token(body: &[u8]) -> Answer {
    let form: BTreeMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return Answer::json(
            400,
            &json!({
                "error": "unsupported_grant_type",
                "error_description": "The fake token endpoint answers the client_credentials grant only."
            }),
        );
    }
    if !form.contains_key("client_id") || !form.contains_key("scope") {
        return Answer::json(
            400,
            &json!({
                "error": "invalid_request",
                "error_description": "The request must carry client_id and scope."
            }),
        );
    }
    Answer::json(
        200,
        &json!({
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": format!("fake.{}", uuid::Uuid::new_v4().simple()),
        }),
    )
}

// ---------- answers ----------

#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// How the answer goes out when a fault has it fail on the way.
    delivery: Delivery,
}

/// How an answer is delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Delivery {
    #[default]
    Whole,
    /// The connection closes without an answer.
    Reset,
    /// The head and half the body, then the connection closes.
    CutBody,
    /// The head at once, the body after this long.
    Slow(std::time::Duration),
}

impl Answer {
    fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).unwrap_or_default(),
            delivery: Delivery::Whole,
        }
    }

    fn empty(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delivery: Delivery::Whole,
        }
    }

    fn delivered(mut self, delivery: Delivery) -> Answer {
        self.delivery = delivery;
        self
    }

    fn with_header(mut self, name: &str, value: String) -> Answer {
        self.headers.push((name.to_string(), value));
        self
    }

    fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer::json(
            status,
            &json!({
                "error": {
                    "code": code,
                    "message": message,
                    "innerError": {
                        "request-id": uuid::Uuid::new_v4().to_string(),
                        "date": "2026-01-01T00:00:00",
                    }
                }
            }),
        )
    }

    fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn into_response(self) -> Result<hyper::Response<FakeBody>, Dropped> {
        let body = Bytes::from(self.body);
        let body = match self.delivery {
            Delivery::Reset => return Err(Dropped),
            Delivery::Whole => FakeBody::whole(body),
            Delivery::CutBody => FakeBody::cut(body),
            Delivery::Slow(after) => FakeBody::slow(body, after),
        };
        let mut response = hyper::Response::new(body);
        *response.status_mut() =
            hyper::StatusCode::from_u16(self.status).unwrap_or(hyper::StatusCode::OK);
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        Ok(response)
    }
}

/// What ends a connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the fake dropped the connection (an injected fault)")
    }
}

impl std::error::Error for Dropped {}

/// A response body, whole, or failing as a fault says: cut short, or late.
struct FakeBody {
    data: Option<Bytes>,
    /// The full length, announced in `Content-Length` whatever is sent.
    length: u64,
    /// After the data: an error, which closes the connection.
    then_fail: bool,
    delay: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl FakeBody {
    fn whole(data: Bytes) -> FakeBody {
        FakeBody {
            length: data.len() as u64,
            data: (!data.is_empty()).then_some(data),
            then_fail: false,
            delay: None,
        }
    }

    fn cut(data: Bytes) -> FakeBody {
        let length = data.len() as u64;
        let half = data.slice(..data.len() / 2);
        FakeBody {
            length: length.max(1),
            data: (!half.is_empty()).then_some(half),
            then_fail: true,
            delay: None,
        }
    }

    fn slow(data: Bytes, after: std::time::Duration) -> FakeBody {
        FakeBody {
            delay: Some(Box::pin(tokio::time::sleep(after))),
            ..FakeBody::whole(data)
        }
    }
}

impl hyper::body::Body for FakeBody {
    type Data = Bytes;
    type Error = Dropped;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Dropped>>> {
        use std::future::Future;
        let this = self.get_mut();
        if let Some(delay) = &mut this.delay {
            if delay.as_mut().poll(cx).is_pending() {
                return std::task::Poll::Pending;
            }
            this.delay = None;
        }
        if let Some(data) = this.data.take() {
            if this.then_fail {
                // A moment for the head and the data to go out before the connection
                // closes, so that the client sees a body cut short, not no answer.
                this.delay = Some(Box::pin(tokio::time::sleep(
                    std::time::Duration::from_millis(20),
                )));
            }
            return std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(data))));
        }
        if this.then_fail {
            this.then_fail = false;
            return std::task::Poll::Ready(Some(Err(Dropped)));
        }
        std::task::Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.then_fail && self.delay.is_none()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.length)
    }
}

struct Override {
    matcher: Matcher,
    remaining: Option<usize>,
    answer: Answer,
}

struct Matcher {
    method: String,
    /// Decoded, without the version segment.
    path: String,
    query: Option<NormalizedQuery>,
    body: Option<Value>,
}

impl Matcher {
    fn matches(&self, request: &Received, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(&request.method)
            && self.path.eq_ignore_ascii_case(path)
            && self
                .query
                .as_ref()
                .is_none_or(|q| *q == request.normalized_query())
            && self
                .body
                .as_ref()
                .is_none_or(|b| Some(b) == request.body.as_ref())
    }
}

/// A path as the fake compares it: percent-decoded, without a trailing `/`.
fn normalize_path(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let trimmed = decoded.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The key of a collection's state: its path, decoded, in lower case (Graph's paths
/// are case-insensitive).
fn collection_key(path: &str) -> String {
    let path = normalize_path(path);
    let path = path.strip_prefix(VERSION).unwrap_or(&path);
    path.to_ascii_lowercase()
}

impl Shared {
    fn answer(&self, request: Received) -> Answer {
        let Some(path) = request.path.strip_prefix(VERSION).map(normalize_path) else {
            return Answer::error(
                400,
                "BadRequest",
                &format!(
                    "Invalid version: the fake serves `{VERSION}`; the path was `{}`.",
                    request.path
                ),
            );
        };
        let mut inner = self.lock();
        inner.journal.push(request.record(&path));
        if request.header("authorization").is_none() {
            return Answer::error(401, "InvalidAuthenticationToken", "Access token is empty.");
        }
        let delta_link =
            path.to_ascii_lowercase().ends_with("/delta") && request.option("deltatoken").is_some();
        let mut applicable = Fault::ON_ANY_REQUEST.to_vec();
        if delta_link {
            applicable.push(Fault::DeltaLinkGone);
        }
        let fault = inner.fault(&request, RequestKind::of(&request, &path), &applicable);
        if let Some(answer) = fault.and_then(|f| f.answer_instead()) {
            return answer;
        }
        let answer = if path == "/$batch" && request.method == "POST" {
            self.batch(&mut inner, &request)
        } else {
            self.answer_one(&mut inner, &request, &path)
        };
        match fault.map(|f| f.delivery(inner.faults.as_ref())) {
            Some(delivery) => answer.delivered(delivery),
            None => answer,
        }
    }

    fn answer_one(&self, inner: &mut Inner, request: &Received, path: &str) -> Answer {
        // 1. Overrides, in the order they were set.
        if let Some(o) = inner
            .overrides
            .iter_mut()
            .find(|o| o.remaining != Some(0) && o.matcher.matches(request, path))
        {
            if let Some(n) = &mut o.remaining {
                *n -= 1;
            }
            return o.answer.clone();
        }
        let operation = match self.routes.find(&request.method, path) {
            Found::Operation(operation) => operation,
            Found::OtherMethods => {
                return Answer::error(
                    405,
                    "Request_BadRequest",
                    &format!(
                        "Specified HTTP method is not allowed for the request uri: no page documents {} {path}.",
                        request.method
                    ),
                );
            }
            Found::Nothing(segment) => {
                return Answer::error(
                    400,
                    "BadRequest",
                    &format!("Resource not found for the segment '{segment}'."),
                );
            }
        };
        if let Some(scopes) = &inner.scopes {
            if !operation.permissions.held_by(scopes) {
                return Answer::error(
                    403,
                    "Authorization_RequestDenied",
                    &format!(
                        "Insufficient privileges to complete the operation: {} {} needs one of {}.",
                        operation.method,
                        operation.path,
                        operation.permissions.describe()
                    ),
                );
            }
        }
        if operation.consistency_level
            && request
                .header("consistencylevel")
                .map(str::to_ascii_lowercase)
                .as_deref()
                != Some("eventual")
        {
            if let Some(why) = advanced_query(request) {
                return Answer::error(
                    400,
                    "Request_UnsupportedQuery",
                    &format!(
                        "{why} is an advanced query: send the header ConsistencyLevel: eventual (and $count=true)."
                    ),
                );
            }
        }
        if !inner.lenient {
            if let Err(message) = self
                .schema
                .check_body(&operation.body, request.body.as_ref())
            {
                return Answer::error(400, "BadRequest", &message);
            }
        }
        if request.method == "POST" && path.to_ascii_lowercase().ends_with("/createuploadsession") {
            return inner.create_upload(path, &self.origin);
        }
        // 2. State.
        let page_size = inner.page_size;
        if let Some(answer) = inner.state.answer(
            request,
            path,
            operation,
            &self.routes,
            &self.origin,
            page_size,
        ) {
            return answer;
        }
        // 3. The documented answer.
        documented(operation, request, &self.origin)
    }

    fn batch(&self, inner: &mut Inner, request: &Received) -> Answer {
        let items = match request.body.as_ref().and_then(|b| b.get("requests")) {
            Some(Value::Array(items)) => items.clone(),
            _ => {
                return Answer::error(
                    400,
                    "BadRequest",
                    "Invalid batch payload: the body must be {\"requests\": [...]}.",
                )
            }
        };
        if items.len() > 20 {
            return Answer::error(
                400,
                "BadRequest",
                "Invalid batch payload format: a batch holds at most 20 requests.",
            );
        }
        let mut statuses: BTreeMap<String, u16> = BTreeMap::new();
        let mut responses = Vec::new();
        for item in &items {
            let id = item.get("id").map(id_text).unwrap_or_default();
            let depends: Vec<String> = match item.get("dependsOn") {
                Some(Value::Array(ids)) => ids.iter().map(id_text).collect(),
                _ => Vec::new(),
            };
            let failed_dependency = depends
                .iter()
                .any(|d| statuses.get(d).is_none_or(|s| *s >= 400));
            let answer = if failed_dependency {
                Answer::error(
                    424,
                    "FailedDependency",
                    "A request this one depends on failed.",
                )
            } else {
                self.batch_item(inner, request, item)
            };
            statuses.insert(id.clone(), answer.status);
            let mut response = Map::new();
            response.insert("id".into(), Value::String(id));
            response.insert("status".into(), json!(answer.status));
            let headers: Map<String, Value> = answer
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect();
            response.insert("headers".into(), Value::Object(headers));
            if !answer.body.is_empty() {
                response.insert("body".into(), answer.body_json());
            }
            responses.push(Value::Object(response));
        }
        Answer::json(200, &json!({ "responses": responses }))
    }

    fn batch_item(&self, inner: &mut Inner, outer: &Received, item: &Value) -> Answer {
        let method = item.get("method").and_then(Value::as_str).unwrap_or("GET");
        let url = item.get("url").and_then(Value::as_str).unwrap_or("");
        let url = url.strip_prefix(VERSION).unwrap_or(url);
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        // The item's own headers, then the batch's authorization.
        let mut headers: Vec<(String, String)> = match item.get("headers") {
            Some(Value::Object(h)) => h
                .iter()
                .map(|(n, v)| (n.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect(),
            _ => Vec::new(),
        };
        if let Some(auth) = outer.header("authorization") {
            headers.push(("authorization".into(), auth.to_string()));
        }
        let body = item
            .get("body")
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default();
        let request = Received::new(method, &path, query, headers, &body);
        let path = normalize_path(&request.path);
        inner.journal.push(request.record(&path));
        if inner
            .fault(&request, RequestKind::Batch, &[Fault::BatchItemThrottled])
            .is_some()
        {
            return Fault::BatchItemThrottled
                .answer_instead()
                .unwrap_or_else(|| Answer::empty(429));
        }
        self.answer_one(inner, &request, &path)
    }
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The example whose request has the same query options, or the first; without one,
/// an empty page for a collection, or no body, with the documented status.
fn documented(operation: &Operation, request: &Received, origin: &str) -> Answer {
    let query = request.normalized_query();
    let example = operation
        .examples
        .iter()
        .find(|e| NormalizedQuery::parse(e.query) == query)
        .or_else(|| operation.examples.first());
    match example {
        Some(e) => Answer {
            status: e.status,
            headers: e
                .headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
                .filter(|(n, _)| n != "content-length")
                .collect(),
            body: e.body.as_bytes().to_vec(),
            delivery: Delivery::Whole,
        },
        // An empty page reads as the collection it is; anything else has no body.
        None if operation.collection && operation.status == 200 => {
            Answer::json(200, &json!({ "value": [] }))
        }
        // A redirect leads somewhere: reports' CSV downloads.
        None if (300..400).contains(&operation.status) => {
            let mut answer = Answer::empty(operation.status);
            answer
                .headers
                .push(("location".into(), format!("{origin}{DOWNLOAD}")));
            answer
        }
        None => Answer::empty(operation.status),
    }
}

/// Why the request is an advanced query on directory objects, by the rules the typed
/// requests follow (`request::ADVANCED_QUERIES`): `None` when it is not one.
fn advanced_query(request: &Received) -> Option<&'static str> {
    let filter = request.option("filter").map(|text| {
        let words = filter::words_outside_quotes(text);
        let has = |w: &str| words.iter().any(|x| x.eq_ignore_ascii_case(w));
        AdvancedUse {
            not_equals: has("ne"),
            not: has("not"),
            ends_with: has("endswith"),
            null: has("null"),
            count: has("$count"),
        }
    });
    super::request::advanced_rule(
        request.option("search").is_some(),
        request
            .option("count")
            .is_some_and(|c| c.eq_ignore_ascii_case("true")),
        filter,
        request.option("orderby").is_some(),
        request.option("expand").is_some_and(expands_levels),
    )
}

/// `$levels` among the options of an `$expand` item (`manager($levels=max)`), outside
/// quoted literals; the `$` may be left out, as for other nested options.
fn expands_levels(expand: &str) -> bool {
    let lower = expand.to_ascii_lowercase();
    let mut quoted = false;
    for (i, c) in lower.char_indices() {
        match c {
            // `''` inside a literal flips twice: still inside.
            '\'' => quoted = !quoted,
            '(' | ';' if !quoted => {
                let rest = lower[i + 1..].trim_start();
                if rest.starts_with("$levels=") || rest.starts_with("levels=") {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

impl Permissions {
    /// Whether `held` (scopes or roles) lets the call through.
    fn held_by(&self, held: &[String]) -> bool {
        let all: Vec<&str> = self
            .delegated
            .iter()
            .chain(self.application)
            .copied()
            .collect();
        if all.is_empty() {
            return true;
        }
        all.iter().any(|permission| {
            permission
                .split(" and ")
                .all(|scope| held.iter().any(|h| h.eq_ignore_ascii_case(scope.trim())))
        })
    }

    fn describe(&self) -> String {
        let all: Vec<String> = self
            .delegated
            .iter()
            .chain(self.application)
            .map(|p| format!("`{p}`"))
            .collect();
        all.join(", ")
    }
}

// ---------- routes ----------

/// The documented operations, matched by path template.
struct Routes {
    operations: Vec<(&'static Operation, Vec<Pattern>)>,
    /// Indexes into `operations` by segment count and first segment (in lower case;
    /// empty where the first segment has a parameter): the few templates a path can
    /// match, out of thousands.
    shapes: HashMap<(usize, String), Vec<usize>>,
}

/// One segment of a path template: literal text and parameters (`{id}`) in any mix
/// (`range(address='{address}')`).
struct Pattern {
    pieces: Vec<Piece>,
}

enum Piece {
    Literal(String),
    Parameter,
}

enum Found {
    Operation(&'static Operation),
    /// The path is documented with other methods.
    OtherMethods,
    /// The first segment no template has there.
    Nothing(String),
}

impl Routes {
    fn new(operations: impl IntoIterator<Item = &'static Operation>) -> Self {
        let operations: Vec<(&'static Operation, Vec<Pattern>)> = operations
            .into_iter()
            .map(|o| (o, segments(o.path).map(Pattern::new).collect()))
            .collect();
        let mut shapes: HashMap<(usize, String), Vec<usize>> = HashMap::new();
        for (i, (_, patterns)) in operations.iter().enumerate() {
            let first = match patterns.first().map(|p| p.pieces.as_slice()) {
                Some([Piece::Literal(l)]) => l.clone(),
                _ => String::new(),
            };
            shapes.entry((patterns.len(), first)).or_default().push(i);
        }
        Routes { operations, shapes }
    }

    /// The templates `actual` can match: those of its length whose first segment is its
    /// first segment or has a parameter, in table order.
    fn candidates(&self, actual: &[&str]) -> Vec<usize> {
        let first = actual
            .first()
            .map_or_else(String::new, |s| s.to_ascii_lowercase());
        let mut found: Vec<usize> = [first, String::new()]
            .into_iter()
            .filter_map(|key| self.shapes.get(&(actual.len(), key)))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The operation for `method` on `path` whose template matches most literally. A
    /// path under `/me` that no template has is read as the same path under
    /// `/users/{id}`, as Graph serves it: many pages document only one of the two.
    fn find(&self, method: &str, path: &str) -> Found {
        let found = self.find_exactly(method, path);
        match (me_as_user(path), &found) {
            (Some(alias), Found::Nothing(_)) => match self.find_exactly(method, &alias) {
                Found::Nothing(_) => found,
                alias => alias,
            },
            _ => found,
        }
    }

    fn find_exactly(&self, method: &str, path: &str) -> Found {
        let actual: Vec<&str> = segments(path).collect();
        let mut best: Option<(&'static Operation, Vec<usize>)> = None;
        for i in self.candidates(&actual) {
            let (operation, patterns) = &self.operations[i];
            if !operation.method.eq_ignore_ascii_case(method)
                || !patterns.iter().zip(&actual).all(|(p, a)| p.matches(a))
            {
                continue;
            }
            let score: Vec<usize> = patterns.iter().map(Pattern::literal_len).collect();
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((operation, score));
            }
        }
        if let Some((operation, _)) = best {
            return Found::Operation(operation);
        }
        // No answer: the whole table says whether the path has other methods, or
        // which segment nothing documents.
        let mut other_methods = false;
        let mut deepest = 0;
        for (operation, patterns) in &self.operations {
            let matched = patterns
                .iter()
                .zip(&actual)
                .take_while(|(p, a)| p.matches(a))
                .count();
            deepest = deepest.max(matched);
            if matched != actual.len() || patterns.len() != actual.len() {
                continue;
            }
            other_methods |= !operation.method.eq_ignore_ascii_case(method);
        }
        if other_methods {
            Found::OtherMethods
        } else {
            Found::Nothing(
                actual
                    .get(deepest)
                    .or(actual.last())
                    .map_or_else(String::new, |s| s.to_string()),
            )
        }
    }

    /// Whether `path` is a collection of entities that the docs let a client create
    /// items in or list: a `POST` answering `201`, or a `GET` answering a collection.
    fn is_entity_collection(&self, path: &str) -> bool {
        self.is_entity_collection_exactly(path)
            || me_as_user(path).is_some_and(|alias| self.is_entity_collection_exactly(&alias))
    }

    fn is_entity_collection_exactly(&self, path: &str) -> bool {
        let actual: Vec<&str> = segments(path).collect();
        self.candidates(&actual).into_iter().any(|i| {
            let (operation, patterns) = &self.operations[i];
            patterns.iter().zip(&actual).all(|(p, a)| p.matches(a))
                && ((operation.method == "POST" && operation.status == 201)
                    || (operation.method == "GET" && operation.collection))
        })
    }
}

/// `/me/...` as `/users/me/...`, the path Graph serves it as; `None` for other paths.
fn me_as_user(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/me")?;
    (rest.is_empty() || rest.starts_with('/')).then(|| format!("/users/me{rest}"))
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl Pattern {
    fn new(segment: &str) -> Pattern {
        let mut pieces = Vec::new();
        let mut rest = segment;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_ascii_lowercase()));
            }
            match rest[open..].find('}') {
                Some(close) => {
                    pieces.push(Piece::Parameter);
                    rest = &rest[open + close + 1..];
                }
                None => {
                    rest = &rest[open..];
                    break;
                }
            }
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_ascii_lowercase()));
        }
        Pattern { pieces }
    }

    fn literal_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(l) => l.len(),
                Piece::Parameter => 0,
            })
            .sum()
    }

    /// Literal pieces in any case; each parameter takes at least one character.
    fn matches(&self, segment: &str) -> bool {
        fn go(pieces: &[Piece], text: &str) -> bool {
            match pieces.split_first() {
                None => text.is_empty(),
                Some((Piece::Literal(l), rest)) => {
                    text.len() >= l.len()
                        && text.is_char_boundary(l.len())
                        && text[..l.len()].eq_ignore_ascii_case(l)
                        && go(rest, &text[l.len()..])
                }
                Some((Piece::Parameter, rest)) => text
                    .char_indices()
                    .skip(1)
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .any(|i| !text.is_empty() && go(rest, &text[i..])),
            }
        }
        go(&self.pieces, segment)
    }
}

// ---------- state ----------

/// The collections a test seeded or created items in, by [`collection_key`].
#[derive(Default)]
struct State {
    /// Ids given out, for [`next_id`].
    ids: u64,
    collections: BTreeMap<String, Items>,
    /// Every change, numbered from 1: what delta rounds report.
    changes: Vec<Change>,
}

/// An item created, updated or deleted.
struct Change {
    number: u64,
    collection: String,
    id: String,
}

#[derive(Default)]
struct Items {
    /// By id, in order of insertion.
    items: Vec<(String, Map<String, Value>)>,
}

impl State {
    fn insert(&mut self, key: &str, mut item: Map<String, Value>) -> String {
        let id = item
            .get("id")
            .map(id_text)
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| next_id(&mut self.ids).to_string());
        item.insert("id".into(), Value::String(id.clone()));
        self.changed(key, &id);
        let items = &mut self.collections.entry(key.to_string()).or_default().items;
        match items.iter_mut().find(|(i, _)| *i == id) {
            Some(slot) => slot.1 = item,
            None => items.push((id.clone(), item)),
        }
        id
    }

    /// The answer from the state, when `path` is a collection with state or one of its
    /// items (or a `POST` that creates a collection's first item).
    fn answer(
        &mut self,
        request: &Received,
        path: &str,
        operation: &Operation,
        routes: &Routes,
        origin: &str,
        page_size: Option<usize>,
    ) -> Option<Answer> {
        if request.method == "GET" {
            if let Some((parent, last)) = path.rsplit_once('/') {
                let parent = collection_key(parent);
                if last.eq_ignore_ascii_case("delta") && self.collections.contains_key(&parent) {
                    return Some(self.delta(&parent, request, path, origin, page_size));
                }
            }
        }
        let key = collection_key(path);
        let creates = request.method == "POST"
            && operation.status == 201
            && routes.is_entity_collection(path);
        if self.collections.contains_key(&key) || creates {
            return match request.method.as_str() {
                "GET" if self.collections.contains_key(&key) => {
                    Some(self.list(&key, request, path, origin, page_size))
                }
                "POST" if creates || routes.is_entity_collection(path) => {
                    Some(match &request.body {
                        Some(Value::Object(item)) => {
                            let id = self.insert(&key, item.clone());
                            let item = self.get(&key, &id).cloned().unwrap_or_default();
                            let mut answer = Answer::json(201, &Value::Object(item));
                            answer
                                .headers
                                .push(("location".into(), format!("{origin}{VERSION}{path}/{id}")));
                            answer
                        }
                        _ => Answer::error(
                            400,
                            "BadRequest",
                            "Empty Payload. JSON content expected: the body must be a JSON object.",
                        ),
                    })
                }
                _ => None,
            };
        }
        // An item, where the template's last segment is its key (`/users/{id}`).
        let keyed = operation
            .path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.starts_with('{') && last.ends_with('}'));
        let (parent, id) = path.rsplit_once('/')?;
        let parent = collection_key(parent);
        if !keyed || !self.collections.contains_key(&parent) {
            return None;
        }
        let not_found = || {
            Answer::error(
                404,
                "Request_ResourceNotFound",
                &format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
            )
        };
        let items = &mut self.collections.get_mut(&parent)?.items;
        let position = items.iter().position(|(i, _)| i.eq_ignore_ascii_case(id));
        let stored_id = position.map(|i| items[i].0.clone());
        Some(match (request.method.as_str(), position) {
            (_, None) => not_found(),
            ("GET", Some(i)) => {
                let select = request.option("select").map(select_list);
                Answer::json(200, &Value::Object(project(&items[i].1, select.as_deref())))
            }
            ("PATCH", Some(i)) => {
                let Some(Value::Object(changes)) = &request.body else {
                    return Some(Answer::error(
                        400,
                        "BadRequest",
                        "Empty Payload. JSON content expected: the body must be a JSON object.",
                    ));
                };
                // Absent members stay, `null` clears, a value replaces.
                for (name, value) in changes {
                    if name != "id" {
                        items[i].1.insert(name.clone(), value.clone());
                    }
                }
                let answer = if operation.status == 200 {
                    Answer::json(200, &Value::Object(items[i].1.clone()))
                } else {
                    Answer::empty(204)
                };
                self.changed(&parent, stored_id.as_deref().unwrap_or(id));
                answer
            }
            ("DELETE", Some(i)) => {
                items.remove(i);
                self.changed(&parent, stored_id.as_deref().unwrap_or(id));
                Answer::empty(204)
            }
            _ => return None,
        })
    }

    fn changed(&mut self, collection: &str, id: &str) {
        let number = self.changes.len() as u64 + 1;
        self.changes.push(Change {
            number,
            collection: collection.to_string(),
            id: id.to_string(),
        });
    }

    fn get(&self, key: &str, id: &str) -> Option<&Map<String, Value>> {
        self.collections
            .get(key)?
            .items
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, item)| item)
    }

    /// A delta round over the collection `key`: every item at first, then what changed
    /// since the round its `$deltatoken` ends (`@removed` for deleted items), in pages,
    /// the last with a new `@odata.deltaLink`.
    fn delta(
        &self,
        key: &str,
        request: &Received,
        path: &str,
        origin: &str,
        page_size: Option<usize>,
    ) -> Answer {
        // `$skiptoken` of the fake's own links: `{since}.{upto}.{offset}`.
        let (since, upto, start) = match request.option("skiptoken") {
            Some(token) => {
                let parts: Vec<&str> = token.split('.').collect();
                match parts.as_slice() {
                    [since, upto, offset] => (
                        since.parse::<u64>().ok(),
                        upto.parse::<u64>().unwrap_or(0),
                        offset.parse::<usize>().unwrap_or(0),
                    ),
                    _ => return Answer::error(400, "BadRequest", "Invalid skip token."),
                }
            }
            None => {
                let since = match request.option("deltatoken") {
                    Some(token) => match token.parse::<u64>() {
                        Ok(n) if n <= self.changes.len() as u64 => Some(n),
                        _ => {
                            return Answer::error(
                                410,
                                "SyncStateNotFound",
                                "The sync state of this delta token is not known: start over without it.",
                            );
                        }
                    },
                    None => None,
                };
                (since, self.changes.len() as u64, 0)
            }
        };
        let items = self
            .collections
            .get(key)
            .map(|c| c.items.as_slice())
            .unwrap_or_default();
        let all: Vec<Value> = match since {
            None => items
                .iter()
                .map(|(_, item)| Value::Object(item.clone()))
                .collect(),
            Some(since) => {
                let mut ids: Vec<&str> = Vec::new();
                for change in &self.changes {
                    if change.number > since && change.number <= upto && change.collection == key {
                        ids.retain(|id| *id != change.id);
                        ids.push(&change.id);
                    }
                }
                ids.into_iter()
                    .map(|id| match items.iter().find(|(i, _)| i == id) {
                        Some((_, item)) => Value::Object(item.clone()),
                        None => json!({ "id": id, "@removed": { "reason": "deleted" } }),
                    })
                    .collect()
            }
        };
        let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        let end = start.saturating_add(size).min(all.len());
        let mut body = Map::new();
        body.insert(
            "value".into(),
            Value::Array(all.get(start.min(end)..end).unwrap_or_default().to_vec()),
        );
        let link = |query: String| format!("{origin}{VERSION}{path}?{query}");
        if end < all.len() {
            let since = since.map_or_else(String::new, |s| s.to_string());
            body.insert(
                "@odata.nextLink".into(),
                Value::String(link(format!("$skiptoken={since}.{upto}.{end}"))),
            );
        } else {
            body.insert(
                "@odata.deltaLink".into(),
                Value::String(link(format!("$deltatoken={upto}"))),
            );
        }
        Answer::json(200, &Value::Object(body))
    }

    fn list(
        &self,
        key: &str,
        request: &Received,
        path: &str,
        origin: &str,
        page_size: Option<usize>,
    ) -> Answer {
        let all = self
            .collections
            .get(key)
            .map(|c| c.items.as_slice())
            .unwrap_or_default();
        let mut items: Vec<&Map<String, Value>> = all.iter().map(|(_, item)| item).collect();
        if let Some(text) = request.option("filter") {
            let expression = match filter::parse(text) {
                Ok(e) => e,
                Err(e) => {
                    return Answer::error(
                        400,
                        "BadRequest",
                        &format!("Invalid filter clause: {e}"),
                    );
                }
            };
            let mut kept = Vec::new();
            for item in items {
                match expression.test(item) {
                    Ok(true) => kept.push(item),
                    Ok(false) => {}
                    Err(e) => {
                        return Answer::error(
                            400,
                            "BadRequest",
                            &format!("Invalid filter clause: {e}"),
                        );
                    }
                }
            }
            items = kept;
        }
        if let Some(keys) = request.option("orderby") {
            let keys: Vec<(Vec<String>, bool)> = keys
                .split(',')
                .filter_map(|k| {
                    let mut words = k.split_whitespace();
                    let path = words.next()?;
                    let descending = words.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                    Some((path.split('/').map(str::to_string).collect(), descending))
                })
                .collect();
            items.sort_by(|a, b| {
                keys.iter()
                    .map(|(path, descending)| {
                        let order = compare_json(lookup(a, path), lookup(b, path));
                        if *descending {
                            order.reverse()
                        } else {
                            order
                        }
                    })
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
        }
        let total = items.len();
        let start = request
            .option("skiptoken")
            .or_else(|| request.option("skip"))
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0);
        let size = request
            .option("top")
            .and_then(|t| t.parse::<usize>().ok())
            .map(|t| t.clamp(1, MAX_PAGE_SIZE))
            .or(page_size)
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let end = start.saturating_add(size).min(total);
        let select = request.option("select").map(select_list);
        let page: Vec<Value> = items
            .get(start.min(total)..end)
            .unwrap_or_default()
            .iter()
            .map(|item| Value::Object(project(item, select.as_deref())))
            .collect();
        let mut body = Map::new();
        body.insert(
            "@odata.context".into(),
            Value::String(format!(
                "{origin}{VERSION}/$metadata#{}",
                path.trim_start_matches('/')
            )),
        );
        if request
            .option("count")
            .is_some_and(|c| c.eq_ignore_ascii_case("true"))
        {
            body.insert("@odata.count".into(), json!(total));
        }
        body.insert("value".into(), Value::Array(page));
        if end < total {
            let mut next = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &request.query {
                let bare = name.trim_start_matches('$');
                if !bare.eq_ignore_ascii_case("skiptoken") && !bare.eq_ignore_ascii_case("skip") {
                    next.append_pair(name, value);
                }
            }
            next.append_pair("$skiptoken", &end.to_string());
            body.insert(
                "@odata.nextLink".into(),
                Value::String(format!("{origin}{VERSION}{path}?{}", next.finish())),
            );
        }
        Answer::json(200, &Value::Object(body))
    }
}

fn select_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The item with only the selected members (and its annotations), or all of it.
fn project(item: &Map<String, Value>, select: Option<&[String]>) -> Map<String, Value> {
    match select {
        None => item.clone(),
        Some(names) => item
            .iter()
            .filter(|(name, _)| {
                name.starts_with('@') || names.iter().any(|n| n.eq_ignore_ascii_case(name))
            })
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect(),
    }
}

fn lookup<'a>(item: &'a Map<String, Value>, path: &[String]) -> &'a Value {
    let mut at = item;
    for (i, name) in path.iter().enumerate() {
        let value = at
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v);
        match value {
            Some(Value::Object(inner)) if i + 1 < path.len() => at = inner,
            Some(v) if i + 1 == path.len() => return v,
            _ => return &Value::Null,
        }
    }
    &Value::Null
}

/// `null` first, then Booleans, numbers and strings (without regard to case), each in
/// its own order.
fn compare_json(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The `$filter` forms Graph's docs use, evaluated over the fake's items: comparisons,
/// `in`, `startsWith` / `endsWith` / `contains`, `not`, `and`, `or`, and `any` / `all`
/// over collections of values or objects.
mod filter {
    use super::{compare_json, lookup};
    use serde_json::{Map, Value};
    use std::cmp::Ordering;

    #[derive(Clone, Debug, PartialEq)]
    enum Token {
        Word(String),
        Text(String),
        Open,
        Close,
        Comma,
        Colon,
    }

    /// The words of `text` outside string literals, for the advanced-query rules.
    pub(super) fn words_outside_quotes(text: &str) -> Vec<String> {
        tokens(text)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w),
                _ => None,
            })
            .flat_map(|w| {
                // `assignedLicenses/$count` and `x/any` count their last part too.
                let mut parts: Vec<String> = w.split('/').map(str::to_string).collect();
                parts.push(w);
                parts
            })
            .collect()
    }

    fn tokens(text: &str) -> Result<Vec<Token>, String> {
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some(&(i, c)) = chars.peek() {
            match c {
                c if c.is_whitespace() => {
                    chars.next();
                }
                '(' | ')' | ',' | ':' => {
                    chars.next();
                    out.push(match c {
                        '(' => Token::Open,
                        ')' => Token::Close,
                        ',' => Token::Comma,
                        _ => Token::Colon,
                    });
                }
                '\'' => {
                    chars.next();
                    let mut s = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '\'')) => {
                                if chars.peek().is_some_and(|&(_, c)| c == '\'') {
                                    chars.next();
                                    s.push('\'');
                                } else {
                                    break;
                                }
                            }
                            Some((_, c)) => s.push(c),
                            None => return Err(format!("a string not closed (at {i})")),
                        }
                    }
                    out.push(Token::Text(s));
                }
                _ => {
                    // A date-time keeps its colons; a lambda's variable stops at one.
                    let numeric = c.is_ascii_digit() || c == '-';
                    let mut word = String::new();
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace()
                            || matches!(c, '(' | ')' | ',' | '\'')
                            || (c == ':' && !numeric)
                        {
                            break;
                        }
                        word.push(c);
                        chars.next();
                    }
                    out.push(Token::Word(word));
                }
            }
        }
        Ok(out)
    }

    /// A parsed `$filter`.
    #[derive(Debug)]
    pub(super) enum Expr {
        Or(Box<Expr>, Box<Expr>),
        And(Box<Expr>, Box<Expr>),
        Not(Box<Expr>),
        Compare(Operand, String, Operand),
        In(Operand, Vec<Operand>),
        Function(String, Operand, Operand),
        Lambda {
            path: Vec<String>,
            all: bool,
            /// `None` for `any()`: the collection is not empty.
            body: Option<(String, Box<Expr>)>,
        },
    }

    #[derive(Debug)]
    pub(super) enum Operand {
        Path(Vec<String>),
        Literal(Value),
    }

    pub(super) fn parse(text: &str) -> Result<Expr, String> {
        let tokens = tokens(text)?;
        let mut parser = Parser {
            tokens,
            at: 0,
            depth: 0,
        };
        let expr = parser.or()?;
        if parser.at != parser.tokens.len() {
            return Err(format!(
                "unexpected `{:?}` in `{text}`",
                parser.tokens[parser.at]
            ));
        }
        Ok(expr)
    }

    struct Parser {
        tokens: Vec<Token>,
        at: usize,
        /// Nesting so far: parentheses, `not`s and lambdas.
        depth: usize,
    }

    /// Deeper filters than this are refused rather than risking the stack.
    const MAX_DEPTH: usize = 64;

    impl Parser {
        fn peek_word(&self, word: &str) -> bool {
            matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
        }

        fn expect(&mut self, token: Token) -> Result<(), String> {
            if self.tokens.get(self.at) == Some(&token) {
                self.at += 1;
                Ok(())
            } else {
                Err(format!(
                    "expected {token:?}, found {:?}",
                    self.tokens.get(self.at)
                ))
            }
        }

        fn or(&mut self) -> Result<Expr, String> {
            let mut left = self.and()?;
            while self.peek_word("or") {
                self.at += 1;
                left = Expr::Or(Box::new(left), Box::new(self.and()?));
            }
            Ok(left)
        }

        fn and(&mut self) -> Result<Expr, String> {
            let mut left = self.unary()?;
            while self.peek_word("and") {
                self.at += 1;
                left = Expr::And(Box::new(left), Box::new(self.unary()?));
            }
            Ok(left)
        }

        fn unary(&mut self) -> Result<Expr, String> {
            self.depth += 1;
            let expr = self.unary_within_depth();
            self.depth -= 1;
            expr
        }

        fn unary_within_depth(&mut self) -> Result<Expr, String> {
            if self.depth > MAX_DEPTH {
                return Err(format!("a filter nested deeper than {MAX_DEPTH} levels"));
            }
            if self.peek_word("not") {
                self.at += 1;
                return Ok(Expr::Not(Box::new(self.unary()?)));
            }
            if self.tokens.get(self.at) == Some(&Token::Open) {
                self.at += 1;
                let inner = self.or()?;
                self.expect(Token::Close)?;
                return Ok(inner);
            }
            let Some(Token::Word(word)) = self.tokens.get(self.at).cloned() else {
                let operand = self.operand()?;
                return self.comparison(operand);
            };
            let followed_by_call = self.tokens.get(self.at + 1) == Some(&Token::Open);
            let lower = word.to_ascii_lowercase();
            if followed_by_call && matches!(lower.as_str(), "startswith" | "endswith" | "contains")
            {
                self.at += 2;
                let a = self.operand()?;
                self.expect(Token::Comma)?;
                let b = self.operand()?;
                self.expect(Token::Close)?;
                return Ok(Expr::Function(lower, a, b));
            }
            if followed_by_call && (lower.ends_with("/any") || lower.ends_with("/all")) {
                self.at += 2;
                let all = lower.ends_with("/all");
                let path = word[..word.len() - 4]
                    .split('/')
                    .map(str::to_string)
                    .collect();
                if self.tokens.get(self.at) == Some(&Token::Close) {
                    self.at += 1;
                    return Ok(Expr::Lambda {
                        path,
                        all,
                        body: None,
                    });
                }
                let Some(Token::Word(variable)) = self.tokens.get(self.at).cloned() else {
                    return Err("a lambda without a variable".into());
                };
                self.at += 1;
                self.expect(Token::Colon)?;
                let body = self.or()?;
                self.expect(Token::Close)?;
                return Ok(Expr::Lambda {
                    path,
                    all,
                    body: Some((variable, Box::new(body))),
                });
            }
            if followed_by_call {
                return Err(format!("the fake does not evaluate `{word}(...)`"));
            }
            let operand = self.operand()?;
            self.comparison(operand)
        }

        fn comparison(&mut self, left: Operand) -> Result<Expr, String> {
            let Some(Token::Word(op)) = self.tokens.get(self.at).cloned() else {
                return Err("a condition without an operator".into());
            };
            let op = op.to_ascii_lowercase();
            self.at += 1;
            match op.as_str() {
                "eq" | "ne" | "gt" | "ge" | "lt" | "le" => {
                    let right = self.operand()?;
                    Ok(Expr::Compare(left, op, right))
                }
                "in" => {
                    self.expect(Token::Open)?;
                    let mut values = vec![self.operand()?];
                    while self.tokens.get(self.at) == Some(&Token::Comma) {
                        self.at += 1;
                        values.push(self.operand()?);
                    }
                    self.expect(Token::Close)?;
                    Ok(Expr::In(left, values))
                }
                other => Err(format!("the fake does not evaluate the operator `{other}`")),
            }
        }

        fn operand(&mut self) -> Result<Operand, String> {
            let token = self.tokens.get(self.at).cloned();
            self.at += 1;
            match token {
                Some(Token::Text(s)) => Ok(Operand::Literal(Value::String(s))),
                Some(Token::Word(w)) => Ok(word_operand(&w)),
                other => Err(format!("expected a property or a value, found {other:?}")),
            }
        }
    }

    fn word_operand(word: &str) -> Operand {
        let lower = word.to_ascii_lowercase();
        match lower.as_str() {
            "null" => return Operand::Literal(Value::Null),
            "true" => return Operand::Literal(Value::Bool(true)),
            "false" => return Operand::Literal(Value::Bool(false)),
            _ => {}
        }
        if let Ok(n) = word.parse::<i64>() {
            return Operand::Literal(Value::from(n));
        }
        if let Ok(n) = word.parse::<f64>() {
            return Operand::Literal(Value::from(n));
        }
        // GUIDs, dates and date-times are written bare.
        let literal = uuid::Uuid::parse_str(word).is_ok()
            || (word.starts_with(|c: char| c.is_ascii_digit()) && word.contains('-'));
        if literal {
            return Operand::Literal(Value::String(word.to_string()));
        }
        Operand::Path(word.split('/').map(str::to_string).collect())
    }

    /// What a path reads: from the lambda's variable where it starts with it.
    struct Scope<'a> {
        item: &'a Map<String, Value>,
        variable: Option<(&'a str, &'a Value)>,
    }

    impl Expr {
        pub(super) fn test(&self, item: &Map<String, Value>) -> Result<bool, String> {
            self.eval(&Scope {
                item,
                variable: None,
            })
        }

        fn eval(&self, scope: &Scope<'_>) -> Result<bool, String> {
            Ok(match self {
                Expr::Or(a, b) => a.eval(scope)? || b.eval(scope)?,
                Expr::And(a, b) => a.eval(scope)? && b.eval(scope)?,
                Expr::Not(inner) => !inner.eval(scope)?,
                Expr::Compare(a, op, b) => {
                    let (a, b) = (value(a, scope), value(b, scope));
                    let order = compare_json(&a, &b);
                    let same_kind = std::mem::discriminant(&a) == std::mem::discriminant(&b);
                    match op.as_str() {
                        "eq" => same_kind && order == Ordering::Equal,
                        "ne" => !(same_kind && order == Ordering::Equal),
                        "gt" => same_kind && order == Ordering::Greater,
                        "ge" => same_kind && order != Ordering::Less,
                        "lt" => same_kind && order == Ordering::Less,
                        _ => same_kind && order != Ordering::Greater,
                    }
                }
                Expr::In(a, values) => {
                    let a = value(a, scope);
                    values
                        .iter()
                        .any(|v| compare_json(&a, &value(v, scope)) == Ordering::Equal)
                }
                Expr::Function(name, a, b) => {
                    let (Value::String(a), Value::String(b)) = (value(a, scope), value(b, scope))
                    else {
                        return Ok(false);
                    };
                    let (a, b) = (a.to_lowercase(), b.to_lowercase());
                    match name.as_str() {
                        "startswith" => a.starts_with(&b),
                        "endswith" => a.ends_with(&b),
                        _ => a.contains(&b),
                    }
                }
                Expr::Lambda { path, all, body } => {
                    let Value::Array(items) = path_value(path, scope) else {
                        return Ok(false);
                    };
                    let Some((variable, body)) = body else {
                        return Ok(!items.is_empty());
                    };
                    let mut results = items.iter().map(|item| {
                        body.eval(&Scope {
                            item: scope.item,
                            variable: Some((variable, item)),
                        })
                    });
                    if *all {
                        results.try_fold(true, |acc, r| r.map(|r| acc && r))?
                    } else {
                        results.try_fold(false, |acc, r| r.map(|r| acc || r))?
                    }
                }
            })
        }
    }

    fn value(operand: &Operand, scope: &Scope<'_>) -> Value {
        match operand {
            Operand::Literal(v) => v.clone(),
            Operand::Path(path) => path_value(path, scope),
        }
    }

    fn path_value(path: &[String], scope: &Scope<'_>) -> Value {
        if let Some((name, bound)) = scope.variable {
            if path.first().is_some_and(|first| first == name) {
                return match (bound, &path[1..]) {
                    (v, []) => v.clone(),
                    (Value::Object(map), rest) => lookup(map, rest).clone(),
                    _ => Value::Null,
                };
            }
        }
        lookup(scope.item, path).clone()
    }
}

// ---------- the strict check of request bodies ----------

/// The types and enums by qualified name, in lower case (Graph reads `@odata.type` in
/// any case).
struct Schema {
    types: HashMap<String, &'static Type>,
    enums: HashMap<String, &'static Enum>,
}

impl Schema {
    fn new(types: &[&'static Type], enums: &[&'static Enum]) -> Schema {
        Schema {
            types: types
                .iter()
                .map(|t| (t.name.to_ascii_lowercase(), *t))
                .collect(),
            enums: enums
                .iter()
                .map(|e| (e.name.to_ascii_lowercase(), *e))
                .collect(),
        }
    }

    fn find(&self, name: &str) -> Option<&'static Type> {
        let name = name.trim_start_matches('#').to_ascii_lowercase();
        self.types.get(&name).copied().or_else(|| {
            // The namespaces of Outlook's and Teams' own services, which Graph takes as
            // its own in `@odata.type` and the docs' examples use.
            LEGACY_NAMESPACES
                .iter()
                .find_map(|ns| name.strip_prefix(ns))
                .and_then(|short| self.types.get(&format!("microsoft.graph.{short}")))
                .copied()
        })
    }

    /// `ty` and its bases, nearest first. A cycle in the docs' inheritance must not
    /// hang the server: the walk stops at a type seen before.
    fn chain(&self, ty: &'static Type) -> Vec<&'static Type> {
        let mut chain: Vec<&'static Type> = Vec::new();
        let mut at = Some(ty);
        while let Some(t) = at {
            if chain.iter().any(|seen| std::ptr::eq(*seen, t)) {
                break;
            }
            chain.push(t);
            at = t.base.and_then(|b| self.find(b));
        }
        chain
    }

    /// Whether `derived` is `base` or derives from it.
    fn derives(&self, derived: &'static Type, base: &str) -> bool {
        self.chain(derived)
            .iter()
            .any(|t| t.name.eq_ignore_ascii_case(base))
    }

    /// A property of the types of `chain` (a type and its bases): exact spelling first, then
    /// any case.
    fn property(chain: &[&'static Type], name: &str) -> Option<&'static Property> {
        let all = || chain.iter().flat_map(|t| t.properties.iter());
        all()
            .find(|p| p.name == name)
            .or_else(|| all().find(|p| p.name.eq_ignore_ascii_case(name)))
    }

    /// Whether an open type (or a type deriving from one) takes `name`, which no page
    /// documents on it. Directory objects, open for extension properties, take only
    /// those (`extension_{appId}_{name}`, and schema extensions' `ext…_{name}`), as
    /// Microsoft Entra ID does: a misspelled property is still refused there.
    fn takes_dynamic_member(chain: &[&'static Type], name: &str) -> bool {
        if !chain.iter().any(|t| t.is_open) {
            return false;
        }
        let directory = chain.iter().any(|t| {
            t.name
                .eq_ignore_ascii_case("microsoft.graph.directoryObject")
        });
        !directory || name.contains('_')
    }

    /// `Ok` when `body` is what `expected` documents; otherwise a message in the
    /// service's words that names the member.
    fn check_body(&self, expected: &Body, body: Option<&Value>) -> Result<(), String> {
        match (expected, body) {
            (Body::None, _) | (_, None) => Ok(()),
            (Body::Types(names), Some(value)) => {
                let Value::Object(object) = value else {
                    return Err("The request body must be a JSON object.".into());
                };
                // Types the table does not have are not checked.
                let known: Vec<&'static Type> = names.iter().filter_map(|n| self.find(n)).collect();
                let Some(first) = known.first() else {
                    return Ok(());
                };
                let declared = match object.get("@odata.type").and_then(Value::as_str) {
                    Some(cast) => match self.find(cast) {
                        Some(t) if known.iter().any(|k| self.derives(t, k.name)) => t,
                        _ => {
                            return Err(format!(
                                "A type named '{}' could not be resolved by the model, or does not derive from '{}': member '@odata.type'.",
                                cast.trim_start_matches('#'),
                                first.name
                            ));
                        }
                    },
                    None => *first,
                };
                self.check_object(declared, object, "")
            }
            (Body::Parameters(parameters), Some(value)) => {
                let Value::Object(object) = value else {
                    return Err("The request body must be a JSON object.".into());
                };
                for (name, value) in object {
                    if is_annotation(name) {
                        continue;
                    }
                    let found = parameters
                        .iter()
                        .find(|p| p.name == name.as_str())
                        .or_else(|| {
                            parameters
                                .iter()
                                .find(|p| p.name.eq_ignore_ascii_case(name))
                        });
                    let Some(p) = found else {
                        return Err(format!(
                            "The parameter '{name}' in the request payload is not a valid parameter for the operation: member '{name}'."
                        ));
                    };
                    self.check_value(p, value, name)?;
                }
                Ok(())
            }
        }
    }

    fn check_object(
        &self,
        ty: &'static Type,
        object: &Map<String, Value>,
        at: &str,
    ) -> Result<(), String> {
        if ty.is_abstract {
            return Err(format!(
                "Cannot create an instance of the abstract type '{}': member '{}' must name a type deriving from it.",
                ty.name,
                join(at, "@odata.type")
            ));
        }
        let chain = self.chain(ty);
        for (name, value) in object {
            if is_annotation(name) {
                continue;
            }
            let member = join(at, name);
            let Some(p) = Self::property(&chain, name) else {
                if Self::takes_dynamic_member(&chain, name) {
                    continue;
                }
                return Err(format!(
                    "Property '{name}' does not exist on type '{}'. Make sure to only use property names that are defined by the type: member '{member}'.",
                    ty.name
                ));
            };
            self.check_value(p, value, &member)?;
        }
        Ok(())
    }

    fn check_value(&self, p: &Property, value: &Value, member: &str) -> Result<(), String> {
        if value.is_null() {
            return Ok(());
        }
        if !p.collection {
            return self.check_one(p.kind, value, member);
        }
        let Value::Array(items) = value else {
            return Err(format!(
                "Invalid value for member '{member}': expected a JSON array, found {}.",
                json_kind(value)
            ));
        };
        for (i, item) in items.iter().enumerate() {
            self.check_one(p.kind, item, &format!("{member}[{i}]"))?;
        }
        Ok(())
    }

    fn check_one(&self, kind: Kind, value: &Value, member: &str) -> Result<(), String> {
        let wrong = |expected: &str| {
            Err(format!(
                "Invalid value for member '{member}': expected {expected}, found {}.",
                json_kind(value)
            ))
        };
        let text = value.as_str();
        match kind {
            Kind::Any => Ok(()),
            Kind::Text => text.map_or_else(|| wrong("a string"), |_| Ok(())),
            Kind::Int => match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
                // Int64 may travel as a string of digits.
                Value::String(s) if s.parse::<i64>().is_ok() => Ok(()),
                _ => wrong("an integer"),
            },
            Kind::Number => match value {
                Value::Number(_) => Ok(()),
                Value::String(s) if matches!(s.as_str(), "NaN" | "INF" | "-INF") => Ok(()),
                _ => wrong("a number"),
            },
            Kind::Bool => value
                .as_bool()
                .map_or_else(|| wrong("true or false"), |_| Ok(())),
            Kind::DateTime => match text {
                Some(t) if chrono::DateTime::parse_from_rfc3339(t).is_ok() => Ok(()),
                _ => wrong("an RFC 3339 date-time string"),
            },
            Kind::Date => match text {
                Some(t) if chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok() => Ok(()),
                _ => wrong("a date string (YYYY-MM-DD)"),
            },
            Kind::TimeOfDay => match text {
                Some(t) if chrono::NaiveTime::parse_from_str(t, "%H:%M:%S%.f").is_ok() => Ok(()),
                _ => wrong("a time-of-day string (hh:mm:ss)"),
            },
            Kind::Guid => match text {
                Some(t) if uuid::Uuid::parse_str(t).is_ok() => Ok(()),
                _ => wrong("a GUID string"),
            },
            Kind::Enum(name) => {
                let Some(t) = text else {
                    return wrong("an enum member's name");
                };
                let Some(e) = self.enums.get(&name.to_ascii_lowercase()) else {
                    return Ok(());
                };
                let members: Vec<&str> = if e.flags {
                    t.split(',').map(str::trim).collect()
                } else {
                    vec![t]
                };
                let unknown = members
                    .iter()
                    .find(|m| !e.members.iter().any(|known| known.eq_ignore_ascii_case(m)));
                match unknown {
                    None => Ok(()),
                    Some(bad) => Err(format!(
                        "Invalid value for member '{member}': '{bad}' is not a member of the enum '{}' ({}).",
                        e.name,
                        e.members.join(", ")
                    )),
                }
            }
            Kind::Object(name) => {
                let Value::Object(object) = value else {
                    return wrong("a JSON object");
                };
                let Some(expected) = self.find(name) else {
                    return Ok(());
                };
                let ty = match object.get("@odata.type").and_then(Value::as_str) {
                    Some(cast) => match self.find(cast) {
                        Some(t) if self.derives(t, expected.name) => t,
                        _ => {
                            return Err(format!(
                                "A type named '{}' could not be resolved by the model, or does not derive from '{}': member '{}'.",
                                cast.trim_start_matches('#'),
                                expected.name,
                                join(member, "@odata.type")
                            ));
                        }
                    },
                    None => expected,
                };
                self.check_object(ty, object, member)
            }
        }
    }
}

/// Namespaces other than `microsoft.graph` that `@odata.type` may name a Graph type
/// in, in lower case with their dot.
const LEGACY_NAMESPACES: [&str; 2] = ["microsoft.outlookservices.", "microsoft.teams.graphsvc."];

/// `@odata.type`, `manager@odata.bind`, `@odata.context`: annotations, not members.
fn is_annotation(name: &str) -> bool {
    name.contains('@')
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a Boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------- faults ----------

/// A failure the fake can inject: see [`Faults`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// `429` with `Retry-After` in seconds. Not applied.
    Throttled,
    /// `429` with `Retry-After` as an HTTP date. Not applied.
    ThrottledUntilDate,
    /// `503` with `Retry-After`. Not applied.
    Unavailable,
    /// `504`, without `Retry-After`. Not applied.
    GatewayTimeout,
    /// The connection closes before an answer. Not applied.
    ResetBeforeAnswer,
    /// The request is applied, then the connection closes in the middle of the body.
    ResetMidBody,
    /// The request is applied, and the body arrives late, after [`Faults::slow`].
    SlowBody,
    /// `401`, as for a token the service no longer takes. Not applied.
    Unauthorized,
    /// `410 Gone` for a delta link. Not applied.
    DeltaLinkGone,
    /// An upload slice that does not arrive: the connection closes and the bytes are
    /// not kept.
    LostUploadSlice,
    /// A `$batch` item answered `429` with `Retry-After`, the others run.
    BatchItemThrottled,
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 11] = [
        Fault::Throttled,
        Fault::ThrottledUntilDate,
        Fault::Unavailable,
        Fault::GatewayTimeout,
        Fault::ResetBeforeAnswer,
        Fault::ResetMidBody,
        Fault::SlowBody,
        Fault::Unauthorized,
        Fault::DeltaLinkGone,
        Fault::LostUploadSlice,
        Fault::BatchItemThrottled,
    ];

    /// The faults any Graph request may get; the others have their own kind of request.
    const ON_ANY_REQUEST: [Fault; 8] = [
        Fault::Throttled,
        Fault::ThrottledUntilDate,
        Fault::Unavailable,
        Fault::GatewayTimeout,
        Fault::ResetBeforeAnswer,
        Fault::ResetMidBody,
        Fault::SlowBody,
        Fault::Unauthorized,
    ];

    /// The answer in place of the request's, for the faults that keep it from being
    /// applied.
    fn answer_instead(self) -> Option<Answer> {
        Some(match self {
            Fault::Throttled | Fault::BatchItemThrottled => {
                Answer::error(429, "TooManyRequests", "Too many requests.")
                    .with_header("retry-after", "2".into())
            }
            Fault::ThrottledUntilDate => {
                let at = std::time::SystemTime::now() + std::time::Duration::from_secs(2);
                Answer::error(429, "TooManyRequests", "Too many requests.")
                    .with_header("retry-after", httpdate::fmt_http_date(at))
            }
            Fault::Unavailable => Answer::error(503, "ServiceUnavailable", "Try again later.")
                .with_header("retry-after", "1".into()),
            Fault::GatewayTimeout => Answer::error(504, "GatewayTimeout", "The gateway timed out."),
            Fault::ResetBeforeAnswer => Answer::empty(0).delivered(Delivery::Reset),
            Fault::Unauthorized => Answer::error(
                401,
                "InvalidAuthenticationToken",
                "Access token has expired or is not yet valid.",
            ),
            Fault::DeltaLinkGone => Answer::error(
                410,
                "SyncStateNotFound",
                "The sync state of this delta link is gone: start over without it.",
            ),
            Fault::ResetMidBody | Fault::SlowBody | Fault::LostUploadSlice => return None,
        })
    }

    /// How an applied request's answer goes out under this fault.
    fn delivery(self, faults: Option<&FaultState>) -> Delivery {
        match self {
            Fault::ResetMidBody => Delivery::CutBody,
            Fault::SlowBody => Delivery::Slow(faults.map_or(SLOW, |f| f.config.slow)),
            _ => Delivery::Whole,
        }
    }
}

/// How long a slow body takes by default: past the client's default timeout (100 s).
const SLOW: std::time::Duration = std::time::Duration::from_secs(130);

/// Faults the fake injects ([`FakeGraph::with_faults`]). Each is chosen from the seed
/// and the request's identity (method, path, query, body, and how many times that same
/// request came before), not from the order of arrival: concurrent runs of the same
/// requests get the same faults, and a retry of a request is a new draw.
#[derive(Clone, Debug)]
pub struct Faults {
    seed: u64,
    rate: f64,
    /// Rates that replace `rate` for one kind of request.
    rates: Vec<(RequestKind, f64)>,
    kinds: Vec<Fault>,
    slow: std::time::Duration,
}

/// A kind of request, for a fault rate of its own ([`Faults::rate_for`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    /// `GET` (a delta link aside).
    Read,
    /// `POST`, `PATCH`, `PUT`, `DELETE` (a `$batch` aside).
    Write,
    /// A `$batch` and its items.
    Batch,
    /// A `GET` of a delta function.
    Delta,
    /// A slice of an upload session.
    Upload,
}

impl RequestKind {
    /// The kind of a Graph request to `path` (after the version segment); upload slices
    /// and a batch's items are told by where they arrive.
    fn of(request: &Received, path: &str) -> RequestKind {
        let path = path.to_ascii_lowercase();
        if path == "/$batch" {
            RequestKind::Batch
        } else if request.method == "GET" && path.ends_with("/delta") {
            RequestKind::Delta
        } else if request.method == "GET" {
            RequestKind::Read
        } else {
            RequestKind::Write
        }
    }
}

impl Faults {
    /// Every fault, on 10 % of the requests they apply to, from `seed`.
    pub fn seeded(seed: u64) -> Faults {
        Faults {
            seed,
            rate: 0.1,
            rates: Vec::new(),
            kinds: Fault::ALL.to_vec(),
            slow: SLOW,
        }
    }

    /// The share of requests that get a fault, between 0 and 1.
    pub fn rate(mut self, rate: f64) -> Faults {
        self.rate = rate.clamp(0.0, 1.0);
        self
    }

    /// The share of requests of `kind` that get a fault, in place of
    /// [`Faults::rate`]'s (a batch's items count as [`RequestKind::Batch`]).
    pub fn rate_for(mut self, kind: RequestKind, rate: f64) -> Faults {
        self.rates.retain(|(k, _)| *k != kind);
        self.rates.push((kind, rate.clamp(0.0, 1.0)));
        self
    }

    /// Only these faults.
    pub fn only(mut self, kinds: impl IntoIterator<Item = Fault>) -> Faults {
        self.kinds = kinds.into_iter().collect();
        self
    }

    /// How late a [`Fault::SlowBody`] comes (130 s unless set): longer than the
    /// client's timeout, for the fault to be one.
    pub fn slow(mut self, after: std::time::Duration) -> Faults {
        self.slow = after;
        self
    }
}

/// Faults and how many times each request identity came.
struct FaultState {
    config: Faults,
    seen: HashMap<u64, u64>,
}

impl FaultState {
    /// The fault for `request` among `applicable` (and the configured kinds), if its
    /// draw falls within the rate.
    fn choose(
        &mut self,
        request: &Received,
        kind: RequestKind,
        applicable: &[Fault],
    ) -> Option<Fault> {
        let candidates: Vec<Fault> = applicable
            .iter()
            .copied()
            .filter(|f| self.config.kinds.contains(f))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let identity = request.identity();
        let occurrence = self.seen.entry(identity).or_default();
        *occurrence += 1;
        let draw =
            mix(self.config.seed ^ identity ^ occurrence.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // 53 bits of the draw as a number in [0, 1).
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        let rate = self
            .config
            .rates
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.config.rate, |(_, r)| *r);
        if unit >= rate {
            return None;
        }
        let pick = mix(draw) % candidates.len() as u64;
        candidates.get(pick as usize).copied()
    }
}

/// A new id in GUID form, the same sequence in every run (unlike random ones), so that
/// requests to created items, and the faults drawn for them, repeat.
fn next_id(counter: &mut u64) -> uuid::Uuid {
    *counter += 1;
    uuid::Uuid::from_u64_pair(mix(*counter), mix(!*counter))
}

/// SplitMix64's finalizer: a well-spread 64-bit hash of `x`.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::expands_levels;

    #[test]
    fn levels_are_found_among_an_expand_items_options_only() {
        assert!(expands_levels("manager($levels=max;$select=id)"));
        assert!(expands_levels("manager($select=id; levels=2)"));
        assert!(expands_levels(
            "directReports($expand=manager($LEVELS=max))"
        ));
        assert!(!expands_levels("manager($select=id)"));
        assert!(!expands_levels(
            "members($filter=displayName eq '($levels=max')"
        ));
        assert!(!expands_levels(
            "members($filter=displayName eq 'it''s ($levels=1')"
        ));
    }
}
