//! An async executor for the sans-IO [`Request`]s of a generated crate's `operations` (the
//! `client` feature, on by default): reqwest over rustls, on a Tokio runtime.
//!
//! [`Client::send`] adds the bearer token from a [`TokenProvider`], sends the request
//! to the configured base URL, retries throttled and unavailable responses
//! ([`RetryPolicy`]), and reads the response with the request's own parser.
//! [`Client::pages`] and [`Client::items`] follow `@odata.nextLink` across a
//! collection, only ever to the origin of the base URL.
//!
//! The workflows: [`ClientCredentials`] signs in as an app and keeps its token fresh;
//! [`Client::batch`] sends a [`Batch`] as `$batch` requests; [`Client::delta`] and
//! [`Client::delta_from`] stream the changes of a delta query and end with the link
//! for the next sync; [`Client::upload`] sends a file to an upload session in slices.
//! Every request carries a `client-request-id`, `User-Agent` and `SdkVersion`, has a
//! timeout ([`Client::with_timeout`], [`Request::timeout`]) and is traced as a
//! `graph.request` span (method, path template, attempt, status; never the token or
//! the body).
//!
//! The futures need a Tokio runtime (either flavour) with its time driver, which
//! `#[tokio::main]` and `#[tokio::test]` enable.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use graph_runtime::client::{Client, StaticToken, GRAPH_V1};
//! use graph_runtime::{parse_json, Collection, JsonObject, Method, PathBuilder, Request};
//!
//! # async fn run() -> Result<(), graph_runtime::Error> {
//! let client = Client::new(GRAPH_V1, StaticToken::new("eyJ0..."))?;
//! // The request a generated crate's `get_device_management_device_configurations()` returns.
//! let path = PathBuilder::new("/deviceManagement/deviceConfigurations");
//! let list: Request<Collection<JsonObject>> = Request::new(Method::GET, path, parse_json);
//! let mut configurations = client.items(list);
//! while let Some(configuration) = configurations.try_next().await? {
//!     println!("{:?}", configuration.get("displayName"));
//! }
//! # Ok(())
//! # }
//! ```

use super::auth::{ClientCredential, Cloud, SignInError, Token, TokenRequest};
use super::batch::{Batch, BatchResults};
use super::delta::{Change, DeltaLink, DeltaPage};
use super::upload::{
    expected_ranges, Progress, UploadPlan, UploadSession, UploadSource, DEFAULT_SLICE,
};
use super::{Collection, Error, ErrorKind, Request, ServiceError, TransportFailure};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument as _;

pub use super::RetryPolicy;

/// The Microsoft Graph v1.0 endpoint of the global cloud.
pub const GRAPH_V1: &str = "https://graph.microsoft.com/v1.0";

/// The Microsoft Graph beta endpoint of the global cloud.
pub const GRAPH_BETA: &str = "https://graph.microsoft.com/beta";

/// What the client sends as `User-Agent` (unless a request sets its own) and as
/// `SdkVersion`, so that the service's logs can tell this client apart.
pub const SDK_VERSION: &str = concat!("graph-client-rust/", env!("CARGO_PKG_VERSION"));

/// How long the client waits for one attempt's response by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// The error a [`TokenProvider`] may fail with; the client reports it as
/// [`Error::SignIn`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`TokenProvider::token`] returns: a boxed future, so that the trait stays
/// object-safe.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// Where the client gets its access tokens.
///
/// The client asks for a token before every attempt, retries included, so a provider
/// that caches and refreshes tokens ([`ClientCredentials`]) keeps long retry waits
/// and long pagings valid.
///
/// ```
/// use graph_runtime::client::{BoxError, TokenFuture, TokenProvider};
///
/// struct FromEnv;
///
/// impl TokenProvider for FromEnv {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async {
///             std::env::var("GRAPH_TOKEN").map_err(|e| BoxError::from(e))
///         })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync {
    /// An access token for the next request, without the `Bearer ` prefix.
    fn token(&self) -> TokenFuture<'_>;

    /// The service answered `401` to `token` (revoked, or expired early): forget it, so
    /// that the next [`TokenProvider::token`] is a new one. The client then sends the
    /// request once more. The default does nothing, for providers that keep no token.
    fn reject(&self, token: &str) {
        let _ = token;
    }
}

/// A token that never changes: for scripts and tests.
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    /// A provider that always returns `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

// A secret: never in logs.
impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

/// Makes a fresh client assertion (a JWT signed with the app's certificate) for each
/// token request; see [`ClientCredentials::with_assertion`].
pub type AssertionFn = dyn Fn() -> Result<String, BoxError> + Send + Sync;

/// The client credentials grant (an app signing in as itself, with application
/// permissions): asks the v2.0 token endpoint of Microsoft Entra ID for a token,
/// keeps it, and asks for a new one before it expires — five minutes before, or half
/// way through for tokens that live less than ten.
///
/// Requests for tokens are made one at a time: callers that come while one is under
/// way wait for its token. The secret and the tokens never appear in `Debug` output
/// or in logs, and go only to the token endpoint.
///
/// ```no_run
/// use graph_runtime::auth::Cloud;
/// use graph_runtime::client::{Client, ClientCredentials};
///
/// # fn run() -> Result<(), graph_runtime::Error> {
/// let cloud = Cloud::Global;
/// let credentials = ClientCredentials::new(cloud, "contoso.onmicrosoft.com", "app-id", "secret")?;
/// let client = Client::new(&cloud.graph_v1(), credentials)?;
/// # Ok(())
/// # }
/// ```
pub struct ClientCredentials {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    scope: String,
    credential: Credential,
    margin: Duration,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

enum Credential {
    Secret(String),
    Assertion(Arc<AssertionFn>),
}

struct Cached {
    token: String,
    refresh_at: Instant,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Signs in as the app `client_id` of `tenant` (its id or a domain) with a
    /// client secret, on `cloud`: the token endpoint and the `.default` scope are
    /// that cloud's.
    pub fn new(
        cloud: Cloud,
        tenant: &str,
        client_id: &str,
        secret: impl Into<String>,
    ) -> Result<Self, Error> {
        Self::with_token_url(
            &cloud.token_url(tenant),
            client_id,
            &cloud.default_scope(),
            secret,
        )
    }

    /// Signs in with a client secret at any v2.0 token endpoint, for `scope` (a
    /// `.default` scope). The URL must be `https` (or `http` on loopback, for tests).
    pub fn with_token_url(
        token_url: &str,
        client_id: &str,
        scope: &str,
        secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let token_url = secure_url(token_url, "token endpoint")?;
        Ok(Self {
            http: build_http(http_client_builder().timeout(Duration::from_secs(30)))?,
            token_url,
            client_id: client_id.to_string(),
            scope: scope.to_string(),
            credential: Credential::Secret(secret.into()),
            margin: Duration::from_secs(300),
            cache: tokio::sync::Mutex::new(None),
        })
    }

    /// Signs in with a certificate instead of a secret: `assertion` makes the signed
    /// JWT (header `x5t#S256` or `x5t` of the certificate; claims `aud` = the token
    /// URL, `iss` = `sub` = the client id, `jti`, `nbf`, `exp`) each time a token is
    /// needed, for instance with the `jsonwebtoken` crate.
    pub fn with_assertion(
        cloud: Cloud,
        tenant: &str,
        client_id: &str,
        assertion: impl Fn() -> Result<String, BoxError> + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        Self::with_assertion_at(
            &cloud.token_url(tenant),
            client_id,
            &cloud.default_scope(),
            assertion,
        )
    }

    /// Signs in with a certificate's client assertion at any v2.0 token endpoint; see
    /// [`ClientCredentials::with_assertion`] and [`ClientCredentials::with_token_url`].
    pub fn with_assertion_at(
        token_url: &str,
        client_id: &str,
        scope: &str,
        assertion: impl Fn() -> Result<String, BoxError> + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        let mut credentials = Self::with_token_url(token_url, client_id, scope, String::new())?;
        credentials.credential = Credential::Assertion(Arc::new(assertion));
        Ok(credentials)
    }

    /// Asks for a new token `margin` before the current one expires (or half way
    /// through its life, if that comes first).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Uses `http` for the token endpoint (a proxy, other timeouts).
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        self.token_url.as_str()
    }

    async fn fetch(&self) -> Result<Token, BoxError> {
        let credential = match &self.credential {
            Credential::Secret(secret) => ClientCredential::Secret(secret.clone()),
            Credential::Assertion(make) => ClientCredential::Assertion(make()?),
        };
        let form = TokenRequest {
            client_id: self.client_id.clone(),
            scope: self.scope.clone(),
            credential,
        }
        .form();
        let span = tracing::debug_span!(
            "graph.sign_in",
            host = self.token_url.host_str().unwrap_or(""),
            status = tracing::field::Empty
        );
        async {
            let response = self
                .http
                .post(self.token_url.clone())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(USER_AGENT, SDK_VERSION)
                .body(form)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "the token endpoint {} could not be reached: {e}",
                        self.token_url
                    )
                })?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            let body = response.bytes().await?;
            Token::parse(status, &body).map_err(|e: SignInError| BoxError::from(e))
        }
        .instrument(span)
        .await
    }
}

impl TokenProvider for ClientCredentials {
    fn reject(&self, token: &str) {
        // A refresh under way holds the lock and brings a new token anyway.
        if let Ok(mut cache) = self.cache.try_lock() {
            if cache.as_ref().is_some_and(|c| c.token == token) {
                *cache = None;
            }
        }
    }

    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if let Some(cached) = cache.as_ref().filter(|c| Instant::now() < c.refresh_at) {
                return Ok(cached.token.clone());
            }
            let token = self.fetch().await?;
            let early = self.margin.min(token.expires_in / 2);
            *cache = Some(Cached {
                token: token.access_token.clone(),
                refresh_at: Instant::now() + token.expires_in.saturating_sub(early),
            });
            Ok(token.access_token)
        })
    }
}

/// Tokens from an `azure_identity` credential (the `azure-identity` feature, off by
/// default: azure_core is a large dependency): developer sign-in (Azure CLI,
/// azd), managed identity, workload identity, or any other
/// `azure_core::credentials::TokenCredential`, for the `.default` scope of a
/// [`Cloud`]. The credential keeps and refreshes its tokens itself.
///
/// ```ignore
/// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
/// let tokens = AzureCredential::new(credential, Cloud::Global);
/// let client = Client::new(GRAPH_V1, tokens)?;
/// ```
#[cfg(feature = "azure-identity")]
#[derive(Clone, Debug)]
pub struct AzureCredential {
    credential: Arc<dyn azure_core::credentials::TokenCredential>,
    scope: String,
}

#[cfg(feature = "azure-identity")]
impl AzureCredential {
    /// Asks `credential` for tokens for `cloud`'s `.default` scope.
    pub fn new(
        credential: Arc<dyn azure_core::credentials::TokenCredential>,
        cloud: Cloud,
    ) -> Self {
        Self {
            credential,
            scope: cloud.default_scope(),
        }
    }

    /// Asks for `scope` instead (a `.default` scope of a Graph host).
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }
}

#[cfg(feature = "azure-identity")]
impl TokenProvider for AzureCredential {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let token = self
                .credential
                .get_token(&[self.scope.as_str()], None)
                .await
                .map_err(|e| {
                    BoxError::from(format!(
                        "the Azure credential gave no token for {}: {e}",
                        self.scope
                    ))
                })?;
            Ok(token.token.secret().to_string())
        })
    }
}

/// Sends [`Request`]s to one Graph endpoint. Cloning is cheap and shares the
/// connection pool and the token provider.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    base_url: String,
    tokens: Arc<dyn TokenProvider>,
    retry: RetryPolicy,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A response read to the end.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn into_error(self) -> Error {
        Error::Service(Box::new(ServiceError::new(
            self.status,
            self.headers,
            &self.body,
        )))
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What one exchange is: whether it carries the token, what traces call its path,
/// how long an attempt may take.
struct Target<'a> {
    authorize: bool,
    template: &'a str,
    timeout: Option<Duration>,
}

impl<'a> Target<'a> {
    fn graph(template: &'a str, timeout: Option<Duration>) -> Self {
        Self {
            authorize: true,
            template,
            timeout,
        }
    }
}

impl From<reqwest::Error> for Error {
    /// A failure of reqwest: no response (connection, TLS, time-out).
    fn from(e: reqwest::Error) -> Self {
        Error::Transport(Box::new(e))
    }
}

/// The `reqwest` client builder [`Client::new`] and [`ClientCredentials`] start from;
/// start the client you pass to [`Client::with_http_client`] from it too.
///
/// TLS is rustls with the cryptography provider the program installed as the process
/// default (`rustls::crypto::CryptoProvider::install_default`), or else aws-lc-rs, which
/// the `client` feature compiles in. With `client-no-provider` instead, the program
/// installs one before it builds a client: reqwest panics on building a client without
/// one, and [`Client::new`] returns an error.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
}

/// `builder`'s client, or an error where reqwest would panic for want of a
/// cryptography provider.
pub(crate) fn build_http(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, Error> {
    #[cfg(not(feature = "client"))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(Error::Transport(
            "no rustls cryptography provider is installed: with the `client-no-provider` \
             feature, install one (`CryptoProvider::install_default`) before building a \
             client, or use the `client` feature (aws-lc-rs)"
                .into(),
        ));
    }
    builder.build().map_err(Error::from)
}

/// What the stream of [`Client::delta`] yields: changes, then the link for the next
/// sync.
#[derive(Clone, Debug, PartialEq)]
pub enum DeltaEvent<T> {
    /// An item that was created, changed or removed.
    Change(Change<T>),
    /// The service no longer knows the sync state of the link (`410 Gone`): the sync
    /// starts over from the original request, and the changes that follow are every
    /// item, which replace what the caller had.
    Resync,
    /// The last item of a sync: save it and pass it to [`Client::delta_from`] next
    /// time.
    Done(DeltaLink),
}

/// How [`Client::upload`] ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Uploaded<T> {
    /// The service has every byte; the created or replaced item.
    Done(T),
    /// The progress callback asked to stop; the session was deleted.
    Cancelled,
}

impl Client {
    /// A client for the endpoint at `base_url`, which request paths are appended to:
    /// [`GRAPH_V1`], [`GRAPH_BETA`], a national cloud's ([`Cloud::graph_v1`]) or a
    /// test server.
    ///
    /// The URL must be `https`, or `http` on a loopback host (`localhost`,
    /// `127.0.0.0/8`, `[::1]`), so that a token never crosses a network in clear
    /// text; it has no query or fragment. Each attempt times out after
    /// [`DEFAULT_TIMEOUT`]; [`Client::with_timeout`] and [`Request::timeout`] set
    /// others.
    pub fn new(base_url: &str, tokens: impl TokenProvider + 'static) -> Result<Self, Error> {
        let base_url = base_url.trim_end_matches('/').to_string();
        let base = secure_url(&base_url, "base URL")?;
        let http = build_http(http_client_builder())?;
        Ok(Self {
            http,
            base,
            base_url,
            tokens: Arc::new(tokens),
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Uses `http` to send requests: for a proxy or extra root certificates. Start it
    /// from [`http_client_builder`]. On a redirect to another origin, reqwest drops the
    /// `Authorization` header.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// Retries with `retry` instead of [`RetryPolicy::default`].
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Waits at most `timeout` for each attempt's response, for requests that do not
    /// set their own ([`Request::timeout`]). The HTTP client stays the same.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request` and reads its response.
    ///
    /// Errors: [`Error::InvalidRequest`] when the request must not be sent (nothing
    /// is sent), [`Error::SignIn`] when the token provider failed (nothing is sent),
    /// [`Error::Transport`] when no response arrived, [`Error::Service`] (with the
    /// response headers) for an error status after the retries, [`Error::Decode`] for
    /// a success body of the wrong shape.
    pub async fn send<T>(&self, request: Request<T>) -> Result<T, Error> {
        self.send_ref(&request).await
    }

    /// Every page of a collection, following `@odata.nextLink` until there is none.
    /// The stream is boxed, so it is `Unpin` and `Send` and can be stored or spawned.
    ///
    /// Later pages are `GET`s of the link, with the headers of `request` (such as
    /// `ConsistencyLevel`). A link to another scheme, host or port than the base URL
    /// is not followed: the stream yields [`Error::InvalidRequest`] and ends, and
    /// nothing, least of all the token, is sent there. So does a link that repeats
    /// the page it came from. The stream ends after its first error.
    pub fn pages<T>(
        &self,
        request: Request<Collection<T>>,
    ) -> BoxStream<'static, Result<Collection<T>, Error>>
    where
        T: Send + 'static,
    {
        let client = self.clone();
        stream::unfold(Some((request, None::<String>)), move |state| {
            let client = client.clone();
            async move {
                let (request, link) = state?;
                let page = match &link {
                    None => client.send_ref(&request).await,
                    Some(link) => client.follow(&request, link).await,
                };
                match page {
                    Ok(page) => {
                        let next = page.next_link.clone().map(|next| (request, Some(next)));
                        Some((Ok(page), next))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
        .boxed()
    }

    /// Every item of a collection, page after page; see [`Client::pages`].
    pub fn items<T>(&self, request: Request<Collection<T>>) -> BoxStream<'static, Result<T, Error>>
    where
        T: Send + 'static,
    {
        self.pages(request)
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok::<T, Error>)))
            .try_flatten()
            .boxed()
    }

    /// Sends a [`Batch`] as `POST /$batch` bodies of at most twenty requests, in
    /// dependency order, and returns every item's answer by id
    /// ([`BatchResults::get`] reads one with its request's parser).
    ///
    /// The batch is checked before anything is sent ([`Batch::start`]). Items
    /// answered `429`, `503` or `504` are sent again in a later body after their
    /// `Retry-After`, as the client's [`RetryPolicy`] allows per item; a throttled
    /// `$batch` request as a whole is retried as any request. Errors are those of
    /// [`Client::send`] for the `$batch` requests themselves; an item's error status
    /// is that item's result, not an error of the batch.
    pub async fn batch(&self, batch: Batch) -> Result<BatchResults, Error> {
        let mut run = batch.start(self.retry.clone())?;
        let url = self.graph_url("/$batch")?;
        let headers = [("Content-Type".to_string(), "application/json".to_string())];
        while let Some(round) = run.next_round() {
            if !round.wait.is_zero() {
                tracing::debug!(
                    items = round.ids.len(),
                    wait_ms = round.wait.as_millis() as u64,
                    "batch items wait to be sent again"
                );
                tokio::time::sleep(round.wait).await;
            }
            let reply = self
                .execute(
                    &Method::POST,
                    url.clone(),
                    &headers,
                    Some(&round.body),
                    Target::graph("/$batch", None),
                )
                .await?;
            if !reply.is_success() {
                return Err(reply.into_error());
            }
            run.receive(&reply.body)?;
        }
        Ok(run.finish())
    }

    /// The changes of a delta query (`request` is a `.../delta` function): every
    /// page's changes, items with `@removed` as [`Change::Removed`], then, last,
    /// [`DeltaEvent::Done`] with the `@odata.deltaLink` to start the next sync from
    /// ([`Client::delta_from`]).
    ///
    /// Links are followed only on the origin of the base URL, as in
    /// [`Client::pages`]; a delta link elsewhere, a link that repeats its page, or a
    /// last page without a delta link end the stream with an error. A link of the
    /// sync that the service answers `410 Gone` (its sync state expired) yields
    /// [`DeltaEvent::Resync`], and the sync starts over from `request`, once.
    pub fn delta<T>(
        &self,
        request: Request<Collection<T>>,
    ) -> BoxStream<'static, Result<DeltaEvent<T>, Error>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let start = self.request_url(&request);
        let restart = start.as_ref().ok().cloned();
        let headers = request.headers().to_vec();
        self.delta_stream(start, headers, restart, request.path_template().to_string())
    }

    /// The changes since the sync that gave `link` (a saved delta link), with
    /// `request` (the delta request that sync started from) to start over from when
    /// the service no longer knows the link: then the stream yields
    /// [`DeltaEvent::Resync`] and every item, as Graph's guidance asks. See
    /// [`Client::delta`]; [`Client::delta_from`] ends with the `410` error instead.
    pub fn resume_delta<T>(
        &self,
        request: Request<Collection<T>>,
        link: &str,
    ) -> BoxStream<'static, Result<DeltaEvent<T>, Error>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let restart = self.request_url(&request).ok();
        let start = self.same_origin_link(link, "delta link");
        let headers = request.headers().to_vec();
        self.delta_stream(start, headers, restart, request.path_template().to_string())
    }

    /// The changes since the sync that gave `link` (a saved delta link, or a
    /// `nextLink` of an interrupted sync); see [`Client::delta`]. A link to another
    /// origin than the base URL is refused before anything is sent. A link the
    /// service no longer knows ends the stream with its `410 Gone`
    /// ([`Error::Service`]); [`Client::resume_delta`] starts over instead.
    pub fn delta_from<T>(&self, link: &str) -> BoxStream<'static, Result<DeltaEvent<T>, Error>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let start = self.same_origin_link(link, "delta link");
        self.delta_stream(start, Vec::new(), None, "(delta link)".to_string())
    }

    /// The pages from `start`; on `410 Gone`, [`DeltaEvent::Resync`] and the pages
    /// from `restart`, once, where there is one.
    fn delta_stream<T>(
        &self,
        start: Result<Url, Error>,
        headers: Vec<(String, String)>,
        restart: Option<Url>,
        template: String,
    ) -> BoxStream<'static, Result<DeltaEvent<T>, Error>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let client = self.clone();
        stream::unfold(Some((start, restart)), move |state| {
            let client = client.clone();
            let headers = headers.clone();
            let template = template.clone();
            async move {
                let (url, restart) = state?;
                let url = match url {
                    Ok(url) => url,
                    Err(e) => return Some((Err(e), None)),
                };
                match client.delta_page::<T>(&url, &headers, &template).await {
                    Ok((events, next)) => Some((Ok(events), next.map(|n| (Ok(n), restart)))),
                    Err(Error::Service(e)) if e.status == 410 && restart.is_some() => {
                        tracing::debug!("delta link gone (410): starting the sync over");
                        let again = restart.map(Ok);
                        Some((Ok(vec![DeltaEvent::Resync]), again.map(|url| (url, None))))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
        .map_ok(|events| stream::iter(events.into_iter().map(Ok::<DeltaEvent<T>, Error>)))
        .try_flatten()
        .boxed()
    }

    /// One delta page: its events, and the next page's URL when there is one.
    async fn delta_page<T: DeserializeOwned>(
        &self,
        url: &Url,
        headers: &[(String, String)],
        template: &str,
    ) -> Result<(Vec<DeltaEvent<T>>, Option<Url>), Error> {
        let reply = self
            .execute(
                &Method::GET,
                url.clone(),
                headers,
                None,
                Target::graph(template, None),
            )
            .await?;
        if !reply.is_success() {
            return Err(reply.into_error());
        }
        let page = DeltaPage::<T>::parse(reply.status, &reply.body)?;
        let mut events: Vec<DeltaEvent<T>> =
            page.changes.into_iter().map(DeltaEvent::Change).collect();
        if let Some(next) = &page.next_link {
            let next_url = self.same_origin_link(next, "nextLink")?;
            if &next_url == url {
                return Err(Error::InvalidRequest(format!(
                    "the nextLink {next:?} points to its own page"
                )));
            }
            return Ok((events, Some(next_url)));
        }
        match page.delta_link {
            Some(link) => {
                self.same_origin_link(link.as_str(), "deltaLink")?;
                events.push(DeltaEvent::Done(link));
                Ok((events, None))
            }
            None => Err(Error::Protocol(
                "the last delta page has neither @odata.nextLink nor @odata.deltaLink".to_string(),
            )),
        }
    }

    /// Uploads `source` through an upload session that `createUploadSession`
    /// answered, slice after slice, and returns the created item (read as `T`, e.g.
    /// a drive item model or [`super::JsonObject`]).
    ///
    /// - Slices are `slice_size` bytes (a multiple of 320 KiB; `None` for
    ///   [`DEFAULT_SLICE`], 10 MiB), the last one shorter, each with its
    ///   `Content-Range`; a file smaller than a slice is one slice.
    /// - The upload URL is on another host and carries its own authorization: this
    ///   is the one place the client sends requests outside the base URL's origin,
    ///   and it sends them without `Authorization`. The URL must be `https` (or
    ///   `http` on loopback).
    /// - It starts from the session's `nextExpectedRanges`, so a session read back
    ///   with [`Client::upload_status`] resumes an interrupted upload. A slice lost on
    ///   the way (no response, a `5xx` status once the retries are spent, `416`)
    ///   makes it ask the session what is missing and go on from there, up to the
    ///   retry policy's attempts in a row; other error statuses end the upload with
    ///   [`Error::Service`].
    /// - `progress` is called after each slice the service took; returning
    ///   [`ControlFlow::Break`] stops the upload and deletes the session
    ///   ([`Uploaded::Cancelled`]).
    /// - An empty file cannot go through a session: [`Error::InvalidRequest`], nothing
    ///   sent; upload it with a `PUT` of its content.
    pub async fn upload<T, S>(
        &self,
        session: &UploadSession,
        source: &S,
        slice_size: Option<u64>,
        mut progress: impl FnMut(Progress) -> ControlFlow<()>,
    ) -> Result<Uploaded<T>, Error>
    where
        T: DeserializeOwned,
        S: UploadSource + ?Sized,
    {
        let plan = UploadPlan::new(source.len(), slice_size.unwrap_or(DEFAULT_SLICE))?;
        let url = secure_url(&session.upload_url, "upload URL")?;
        let mut expected = session.next_expected_ranges.clone();
        if expected.is_empty() {
            expected = self.upload_status(session).await?.next_expected_ranges;
        }
        let mut lost = 0;
        loop {
            let Some(slice) = plan.next(&expected)? else {
                return Err(Error::Protocol(
                    "the upload session lacks no bytes but has not answered the item".to_string(),
                ));
            };
            let bytes = source.read(slice).map_err(|e| {
                Error::Transport(
                    format!(
                        "reading bytes {}-{} of the file: {e}",
                        slice.first, slice.last
                    )
                    .into(),
                )
            })?;
            let headers = [
                ("Content-Range".to_string(), slice.content_range()),
                (
                    "Content-Type".to_string(),
                    "application/octet-stream".to_string(),
                ),
            ];
            let target = Target {
                authorize: false,
                template: "(upload URL)",
                timeout: None,
            };
            let sent = self
                .execute(&Method::PUT, url.clone(), &headers, Some(&bytes), target)
                .await;
            match sent {
                Ok(reply) if reply.status == 202 => {
                    lost = 0;
                    expected = ranges_of(&reply.body);
                    if expected.is_empty() {
                        expected = self.upload_status(session).await?.next_expected_ranges;
                    }
                    let done = Progress {
                        uploaded: plan.uploaded(&expected),
                        total: plan.total(),
                    };
                    if progress(done).is_break() {
                        self.cancel_upload(session).await?;
                        return Ok(Uploaded::Cancelled);
                    }
                }
                Ok(reply) if reply.is_success() => {
                    // The control flow no longer matters: every byte is there.
                    let _ = progress(Progress {
                        uploaded: plan.total(),
                        total: plan.total(),
                    });
                    return super::parse_json(reply.status, &reply.body).map(Uploaded::Done);
                }
                Ok(reply) if reply.status == 416 || reply.status >= 500 => {
                    lost += 1;
                    if lost >= self.retry.max_attempts {
                        return Err(reply.into_error());
                    }
                    tracing::debug!(
                        status = reply.status,
                        first = slice.first,
                        "slice lost; asking the session what it lacks"
                    );
                    expected = self.upload_status(session).await?.next_expected_ranges;
                }
                Ok(reply) => return Err(reply.into_error()),
                Err(Error::Transport(e)) => {
                    lost += 1;
                    if lost >= self.retry.max_attempts {
                        return Err(Error::Transport(e));
                    }
                    tracing::debug!(
                        first = slice.first,
                        "slice lost; asking the session what it lacks"
                    );
                    expected = self.upload_status(session).await?.next_expected_ranges;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The session as the service has it now (`GET` of the upload URL, without
    /// `Authorization`): what it still lacks, when it expires.
    pub async fn upload_status(&self, session: &UploadSession) -> Result<UploadSession, Error> {
        let url = secure_url(&session.upload_url, "upload URL")?;
        let target = Target {
            authorize: false,
            template: "(upload URL)",
            timeout: None,
        };
        let reply = self.execute(&Method::GET, url, &[], None, target).await?;
        if !reply.is_success() {
            return Err(reply.into_error());
        }
        let mut status = session.clone();
        status.next_expected_ranges = ranges_of(&reply.body);
        if let Ok(read) = UploadSession::parse(reply.status, &reply.body) {
            status.expiration_date_time = read.expiration_date_time.or(status.expiration_date_time);
        }
        Ok(status)
    }

    /// Cancels an upload: `DELETE` of the upload URL (without `Authorization`); the
    /// service drops the bytes it has.
    pub async fn cancel_upload(&self, session: &UploadSession) -> Result<(), Error> {
        let url = secure_url(&session.upload_url, "upload URL")?;
        let target = Target {
            authorize: false,
            template: "(upload URL)",
            timeout: None,
        };
        let reply = self
            .execute(&Method::DELETE, url, &[], None, target)
            .await?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(reply.into_error())
        }
    }

    /// `path` (with query) under the base URL.
    fn graph_url(&self, path_and_query: &str) -> Result<Url, Error> {
        let url = format!("{}{}", self.base_url, path_and_query);
        let url = Url::parse(&url)
            .map_err(|e| Error::InvalidRequest(format!("{url:?} is not a URL: {e}")))?;
        // A hand-made path such as `@other.example/` could move the host.
        if !same_origin(&url, &self.base) {
            return Err(Error::InvalidRequest(format!(
                "{url} is not under the base URL"
            )));
        }
        Ok(url)
    }

    fn request_url<T>(&self, request: &Request<T>) -> Result<Url, Error> {
        if let Some(reason) = request.invalid_reason() {
            return Err(Error::InvalidRequest(reason.to_string()));
        }
        self.graph_url(&request.path_and_query())
    }

    /// A link the service gave, if it stays on the base URL's origin.
    fn same_origin_link(&self, link: &str, what: &str) -> Result<Url, Error> {
        let url = self
            .base
            .join(link)
            .map_err(|e| Error::InvalidRequest(format!("the {what} {link:?} is not a URL: {e}")))?;
        if !same_origin(&url, &self.base) {
            return Err(Error::InvalidRequest(format!(
                "the {what} {link:?} leaves {}; not followed, so that the token stays there",
                self.base.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }

    async fn send_ref<T>(&self, request: &Request<T>) -> Result<T, Error> {
        let url = self.request_url(request)?;
        let target = Target::graph(request.path_template(), request.timeout_value());
        let reply = self
            .execute(
                request.method(),
                url,
                request.headers(),
                request.body(),
                target,
            )
            .await?;
        request.parse_response_with_headers(reply.status, reply.headers, &reply.body)
    }

    /// The next page at `link`, parsed with the first page's parser.
    async fn follow<T>(
        &self,
        request: &Request<Collection<T>>,
        link: &str,
    ) -> Result<Collection<T>, Error> {
        let url = self.same_origin_link(link, "nextLink")?;
        let target = Target::graph(request.path_template(), request.timeout_value());
        let page = self
            .execute(&Method::GET, url, request.headers(), None, target)
            .await?;
        let page = request.parse_response_with_headers(page.status, page.headers, &page.body)?;
        if page.next_link.as_deref() == Some(link) {
            // The same link again would page forever.
            return Err(Error::InvalidRequest(format!(
                "the nextLink {link:?} points to its own page"
            )));
        }
        Ok(page)
    }

    /// Sends one request, retrying as [`RetryPolicy`] says, and reads the last
    /// response. Every attempt carries the same `client-request-id` (a new UUID per
    /// request, unless the request has one), `User-Agent` and `SdkVersion`, and, for
    /// Graph requests, a fresh token. Traced as a `graph.request` span with method,
    /// path template, attempt and status: never the token, the query or the body.
    /// Waits before the next attempt after a transport failure of `kind`, or returns it
    /// as the request's error when the policy does not send the request again.
    async fn wait_after_failure(
        &self,
        method: &Method,
        attempt: u32,
        kind: ErrorKind,
        error: reqwest::Error,
    ) -> Result<(), Error> {
        match self.retry.delay_after_failure(method, attempt, kind) {
            Some(wait) => {
                tokio::time::sleep(wait).await;
                Ok(())
            }
            None => Err(failure(kind, error)),
        }
    }

    async fn execute(
        &self,
        method: &Method,
        url: Url,
        headers: &[(String, String)],
        body: Option<&[u8]>,
        target: Target<'_>,
    ) -> Result<Reply, Error> {
        let mut header_map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|e| Error::InvalidRequest(format!("the header name {name:?}: {e}")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| Error::InvalidRequest(format!("the value of header {name}: {e}")))?;
            header_map.append(name, value);
        }
        if !header_map.contains_key("client-request-id") {
            let id = uuid::Uuid::new_v4().to_string();
            if let Ok(value) = HeaderValue::try_from(id) {
                header_map.insert(HeaderName::from_static("client-request-id"), value);
            }
        }
        if !header_map.contains_key(USER_AGENT) {
            header_map.insert(USER_AGENT, HeaderValue::from_static(SDK_VERSION));
        }
        if !header_map.contains_key("sdkversion") {
            header_map.insert(
                HeaderName::from_static("sdkversion"),
                HeaderValue::from_static(SDK_VERSION),
            );
        }
        let timeout = target.timeout.unwrap_or(self.timeout);
        let span = tracing::debug_span!(
            "graph.request",
            method = %method,
            path = target.template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        async {
            let mut attempt = 1;
            // A `401` to a token is answered once with a fresh one.
            let mut rejected = false;
            loop {
                tracing::Span::current().record("attempt", attempt);
                let mut headers = header_map.clone();
                let mut sent_token = None;
                if target.authorize {
                    let token = self.tokens.token().await.map_err(Error::SignIn)?;
                    let mut bearer =
                        HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                            Error::InvalidRequest(
                                "the access token is not a valid header value".to_string(),
                            )
                        })?;
                    bearer.set_sensitive(true);
                    // The client owns Authorization: one token, the provider's.
                    headers.insert(AUTHORIZATION, bearer);
                    sent_token = Some(token);
                } else {
                    headers.remove(AUTHORIZATION);
                }

                let mut outgoing = reqwest::Request::new(method.clone(), url.clone());
                *outgoing.headers_mut() = headers;
                *outgoing.timeout_mut() = Some(timeout);
                if let Some(body) = body {
                    // Bytes in memory: every attempt sends the same body.
                    *outgoing.body_mut() = Some(body.to_vec().into());
                }
                let response = match self.http.execute(outgoing).await {
                    Ok(response) => response,
                    Err(e) => {
                        let kind = if e.is_connect() {
                            ErrorKind::NotSent
                        } else if e.is_timeout() {
                            ErrorKind::TimedOut
                        } else {
                            ErrorKind::LostAfterSending
                        };
                        tracing::debug!(attempt, kind = ?kind, "no response");
                        self.wait_after_failure(method, attempt, kind, e).await?;
                        attempt += 1;
                        continue;
                    }
                };
                let status = response.status().as_u16();
                tracing::Span::current().record("status", status);
                let headers: Vec<(String, String)> = response
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                // Read to the end even before a retry, so the connection can be reused.
                let body = match response.bytes().await {
                    Ok(body) => body.to_vec(),
                    Err(e) => {
                        let kind = if e.is_timeout() {
                            ErrorKind::TimedOut
                        } else {
                            ErrorKind::BodyCutShort
                        };
                        tracing::debug!(attempt, status, kind = ?kind, "body not read");
                        self.wait_after_failure(method, attempt, kind, e).await?;
                        attempt += 1;
                        continue;
                    }
                };
                if status == 401 && !rejected {
                    if let Some(token) = &sent_token {
                        tracing::debug!(attempt, "401: asking for a new token");
                        self.tokens.reject(token);
                        rejected = true;
                        attempt += 1;
                        continue;
                    }
                }
                let retry_after = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
                    .map(|(_, v)| v.as_str());
                match self.retry.delay_for(method, attempt, status, retry_after) {
                    Some(wait) => {
                        tracing::debug!(
                            attempt,
                            status,
                            wait_ms = wait.as_millis() as u64,
                            "retrying"
                        );
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    None => {
                        tracing::debug!(attempt, status, "response");
                        return Ok(Reply {
                            status,
                            headers,
                            body,
                        });
                    }
                }
            }
        }
        .instrument(span)
        .await
    }
}

/// A transport failure of reqwest, with when it happened.
fn failure(kind: ErrorKind, source: reqwest::Error) -> Error {
    Error::Transport(Box::new(TransportFailure {
        kind,
        source: Box::new(source),
    }))
}

/// `nextExpectedRanges` of an upload answer.
fn ranges_of(body: &[u8]) -> Vec<String> {
    serde_json::from_slice::<super::JsonObject>(body)
        .map(|object| expected_ranges(&object))
        .unwrap_or_default()
}

/// `url` if it is `https`, or `http` on loopback, with a host and no fragment; what
/// a token or an upload may be sent to.
fn secure_url(url: &str, what: &str) -> Result<Url, Error> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::InvalidRequest(format!("the {what} {url:?} is not a URL: {e}")))?;
    let secure = match parsed.scheme() {
        "https" => true,
        "http" => is_loopback(&parsed),
        _ => false,
    };
    let base_like = what != "base URL" || parsed.query().is_none();
    if !secure || parsed.host_str().is_none() || parsed.fragment().is_some() || !base_like {
        return Err(Error::InvalidRequest(format!(
            "the {what} {url:?} must be https (or http on loopback), with a host{}",
            if what == "base URL" {
                " and without query or fragment"
            } else {
                " and without fragment"
            }
        )));
    }
    Ok(parsed)
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests;
