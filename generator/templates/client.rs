//! An async executor for the sans-IO [`Request`]s of [`crate::operations`] (the
//! `client` feature, on by default): reqwest over rustls, on a Tokio runtime.
//!
//! [`Client::send`] adds the bearer token from a [`TokenProvider`], sends the request
//! to the configured base URL, retries throttled and unavailable responses
//! ([`RetryPolicy`]), and reads the response with the request's own parser.
//! [`Client::pages`] and [`Client::items`] follow `@odata.nextLink` across a
//! collection, only ever to the origin of the base URL.
//!
//! The futures need a Tokio runtime (either flavour) with its time driver, which
//! `#[tokio::main]` and `#[tokio::test]` enable.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use graph_client::client::{Client, StaticToken, GRAPH_V1};
//! use graph_client::operations::get_device_management_device_configurations;
//!
//! # async fn run() -> Result<(), graph_client::Error> {
//! let client = Client::new(GRAPH_V1, StaticToken::new("eyJ0..."))?;
//! let mut configurations = client.items(get_device_management_device_configurations());
//! while let Some(configuration) = configurations.try_next().await? {
//!     println!("{:?}", configuration.display_name());
//! }
//! # Ok(())
//! # }
//! ```

use crate::runtime::{Collection, Error, Request};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{Method, Url};
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The Microsoft Graph v1.0 endpoint of the global cloud.
pub const GRAPH_V1: &str = "https://graph.microsoft.com/v1.0";

/// The Microsoft Graph beta endpoint of the global cloud.
pub const GRAPH_BETA: &str = "https://graph.microsoft.com/beta";

/// The error a [`TokenProvider`] may fail with; the client reports it as
/// [`Error::Transport`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`TokenProvider::token`] returns: a boxed future, so that the trait stays
/// object-safe.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// Where the client gets its access tokens.
///
/// The client asks for a token before every attempt, retries included, so a provider
/// that caches and refreshes tokens keeps long retry waits and long pagings valid.
///
/// ```
/// use graph_client::client::{BoxError, TokenFuture, TokenProvider};
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

/// When and how long the client waits before sending a request again.
///
/// Responses `429 Too Many Requests`, `503 Service Unavailable` and
/// `504 Gateway Timeout` are retried, whatever the method: Graph asks clients to retry
/// them. Every request can be replayed, because its body is bytes held in memory.
/// A `Retry-After` header (seconds or an HTTP date) gives the wait; without one the
/// wait doubles from [`RetryPolicy::initial_delay`]. When the service asks for more
/// than [`RetryPolicy::max_delay`], the client does not retry early but returns the
/// error, whose headers still hold `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` never retries.
    pub max_attempts: u32,
    /// The wait before the first retry when the response has no `Retry-After`.
    pub initial_delay: Duration,
    /// The longest wait: backoff stops growing here, and a longer `Retry-After` ends
    /// the retries.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, waits of 1 s, 2 s and 4 s without `Retry-After`, at most 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// How long to wait before attempt `attempt + 1`, after attempt `attempt`
    /// (counted from 1) got `status` with this `Retry-After` value; `None` when the
    /// response is final.
    pub fn delay(&self, attempt: u32, status: u16, retry_after: Option<&str>) -> Option<Duration> {
        if !matches!(status, 429 | 503 | 504) || attempt >= self.max_attempts {
            return None;
        }
        match retry_after.and_then(|v| parse_retry_after(v, SystemTime::now())) {
            Some(asked) if asked > self.max_delay => None,
            Some(asked) => Some(asked),
            None => {
                let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
                Some(self.initial_delay.saturating_mul(factor).min(self.max_delay))
            }
        }
    }
}

/// `Retry-After` as a wait from `now`: delay-seconds or an HTTP date (RFC 9110).
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date already past means "now".
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
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
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// A response read to the end.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A `reqwest` client builder whose TLS works: it installs ring as the process's
/// rustls cryptography provider unless the program installed one already.
///
/// reqwest is built here without a provider of its own (aws-lc's C build would cost
/// more than the rest of the crate's dependencies together), and a reqwest client built
/// with no provider installed panics. Use this, or install a provider first, whenever
/// you build the client you pass to [`Client::with_http_client`].
pub fn http_client_builder() -> reqwest::ClientBuilder {
    // An error means a provider is installed already: the program's choice stands.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

impl Client {
    /// A client for the endpoint at `base_url`, which request paths are appended to:
    /// [`GRAPH_V1`], [`GRAPH_BETA`], a national cloud
    /// (`https://graph.microsoft.us/v1.0`, `https://dod-graph.microsoft.us/v1.0`,
    /// `https://microsoftgraph.chinacloudapi.cn/v1.0`) or a test server.
    ///
    /// The URL must be `https`, or `http` on a loopback host (`localhost`,
    /// `127.0.0.0/8`, `[::1]`), so that a token never crosses a network in clear
    /// text; it has no query or fragment. The default HTTP client times a request
    /// out after 100 s; [`Client::with_http_client`] sets another.
    pub fn new(base_url: &str, tokens: impl TokenProvider + 'static) -> Result<Self, Error> {
        let base_url = base_url.trim_end_matches('/').to_string();
        let base = Url::parse(&base_url)
            .map_err(|e| Error::InvalidRequest(format!("the base URL {base_url:?} is not a URL: {e}")))?;
        let secure = match base.scheme() {
            "https" => true,
            "http" => is_loopback(&base),
            _ => false,
        };
        if !secure || base.host_str().is_none() || base.query().is_some() || base.fragment().is_some() {
            return Err(Error::InvalidRequest(format!(
                "the base URL {base_url:?} must be https (or http on loopback), with a host and without query or fragment"
            )));
        }
        let http = http_client_builder()
            .timeout(Duration::from_secs(100))
            .build()
            .map_err(|e| Error::Transport(Box::new(e)))?;
        Ok(Self {
            http,
            base,
            base_url,
            tokens: Arc::new(tokens),
            retry: RetryPolicy::default(),
        })
    }

    /// Uses `http` to send requests: for other timeouts, a proxy or extra root
    /// certificates. Start it from [`http_client_builder`], which makes sure rustls
    /// has its cryptography. On a redirect to another origin, reqwest drops the
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
    /// is sent), [`Error::Transport`] when no response arrived or the token provider
    /// failed, [`Error::Service`] (with the response headers) for an error status
    /// after the retries, [`Error::Decode`] for a success body of the wrong shape.
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
    pub fn pages<T>(&self, request: Request<Collection<T>>) -> BoxStream<'static, Result<Collection<T>, Error>>
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

    async fn send_ref<T>(&self, request: &Request<T>) -> Result<T, Error> {
        if let Some(reason) = request.invalid_reason() {
            return Err(Error::InvalidRequest(reason.to_string()));
        }
        let url = format!("{}{}", self.base_url, request.path_and_query());
        let url = Url::parse(&url).map_err(|e| Error::InvalidRequest(format!("{url:?} is not a URL: {e}")))?;
        // A hand-made path such as `@other.example/` could move the host.
        if !same_origin(&url, &self.base) {
            return Err(Error::InvalidRequest(format!("{url} is not under the base URL")));
        }
        let reply = self
            .execute(request.method(), url, request.headers(), request.body())
            .await?;
        request.parse_response_with_headers(reply.status, reply.headers, &reply.body)
    }

    /// The next page at `link`, parsed with the first page's parser.
    async fn follow<T>(&self, request: &Request<Collection<T>>, link: &str) -> Result<Collection<T>, Error> {
        let url = self
            .base
            .join(link)
            .map_err(|e| Error::InvalidRequest(format!("the nextLink {link:?} is not a URL: {e}")))?;
        if !same_origin(&url, &self.base) {
            return Err(Error::InvalidRequest(format!(
                "the nextLink {link:?} leaves {}; not followed, so that the token stays there",
                self.base.origin().ascii_serialization()
            )));
        }
        let page = self.execute(&Method::GET, url, request.headers(), None).await?;
        let page = request.parse_response_with_headers(page.status, page.headers, &page.body)?;
        if page.next_link.as_deref() == Some(link) {
            // The same link again would page forever.
            return Err(Error::InvalidRequest(format!(
                "the nextLink {link:?} points to its own page"
            )));
        }
        Ok(page)
    }

    /// Sends one request, retrying as [`RetryPolicy`] says, and reads the last response.
    async fn execute(
        &self,
        method: &Method,
        url: Url,
        headers: &[(String, String)],
        body: Option<&[u8]>,
    ) -> Result<Reply, Error> {
        let mut header_map = HeaderMap::new();
        for (name, value) in headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|e| Error::InvalidRequest(format!("the header name {name:?}: {e}")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| Error::InvalidRequest(format!("the value of header {name}: {e}")))?;
            header_map.append(name, value);
        }
        let mut attempt = 1;
        loop {
            let token = self.tokens.token().await.map_err(Error::Transport)?;
            let mut bearer = HeaderValue::try_from(format!("Bearer {token}"))
                .map_err(|_| Error::InvalidRequest("the access token is not a valid header value".to_string()))?;
            bearer.set_sensitive(true);
            let mut headers = header_map.clone();
            // The client owns Authorization: one token, the provider's.
            headers.insert(AUTHORIZATION, bearer);

            let mut outgoing = reqwest::Request::new(method.clone(), url.clone());
            *outgoing.headers_mut() = headers;
            if let Some(body) = body {
                // Bytes in memory: every attempt sends the same body.
                *outgoing.body_mut() = Some(body.to_vec().into());
            }
            let response = self.http.execute(outgoing).await.map_err(transport)?;
            let status = response.status().as_u16();
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
            let body = response.bytes().await.map_err(transport)?.to_vec();
            let retry_after = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
                .map(|(_, v)| v.as_str());
            match self.retry.delay(attempt, status, retry_after) {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return Ok(Reply { status, headers, body }),
            }
        }
    }
}

fn transport(e: reqwest::Error) -> Error {
    Error::Transport(Box::new(e))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
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
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_stops_after_the_last_attempt() {
        let policy = RetryPolicy {
            max_attempts: 5,
            initial_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(25),
        };
        assert_eq!(policy.delay(1, 503, None), Some(Duration::from_secs(10)));
        assert_eq!(policy.delay(2, 504, Some("later")), Some(Duration::from_secs(20)));
        assert_eq!(policy.delay(3, 429, None), Some(Duration::from_secs(25)));
        assert_eq!(policy.delay(5, 429, None), None);
        assert_eq!(policy.delay(1, 500, None), None);
        assert_eq!(policy.delay(1, 429, Some("3")), Some(Duration::from_secs(3)));
        // Asked to wait longer than the cap: give the error back rather than retry early.
        assert_eq!(policy.delay(1, 429, Some("26")), None);
        assert_eq!(RetryPolicy::never().delay(1, 429, Some("0")), None);
    }

    #[test]
    fn base_urls_must_keep_the_token_off_plain_networks() {
        assert!(Client::new("https://graph.microsoft.com/v1.0/", StaticToken::new("t")).is_ok());
        assert!(Client::new("http://127.0.0.1:8080/v1.0", StaticToken::new("t")).is_ok());
        assert!(Client::new("http://[::1]:8080", StaticToken::new("t")).is_ok());
        assert!(Client::new("http://localhost/beta", StaticToken::new("t")).is_ok());
        assert!(Client::new("http://graph.microsoft.com/v1.0", StaticToken::new("t")).is_err());
        assert!(Client::new("ftp://127.0.0.1/", StaticToken::new("t")).is_err());
        assert!(Client::new("https://graph.microsoft.com/v1.0?x=1", StaticToken::new("t")).is_err());
        assert!(Client::new("not a url", StaticToken::new("t")).is_err());
        let client = Client::new("https://graph.microsoft.com/v1.0/", StaticToken::new("secret")).unwrap();
        assert_eq!(client.base_url(), "https://graph.microsoft.com/v1.0");
        assert!(!format!("{client:?}").contains("secret"));
        assert!(!format!("{:?}", StaticToken::new("secret")).contains("secret"));
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let base = Url::parse("https://graph.microsoft.com/v1.0").unwrap();
        let same = Url::parse("https://graph.microsoft.com:443/v1.0/users?$skiptoken=x").unwrap();
        assert!(same_origin(&same, &base));
        for other in [
            "http://graph.microsoft.com/v1.0",
            "https://graph.microsoft.com:8443/v1.0",
            "https://graph.microsoft.com.evil.example/v1.0",
            "https://evil.example/v1.0",
        ] {
            assert!(!same_origin(&Url::parse(other).unwrap(), &base), "{other}");
        }
    }
}
