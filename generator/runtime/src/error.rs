//! What can go wrong with a request, and the Graph error of a response.

use serde_json::Value;
use std::fmt;

// ---------- errors ----------

/// What can go wrong with a request. More variants may come, hence `#[non_exhaustive]`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    Service(Box<ServiceError>),
    /// A success response whose body does not have the expected shape.
    Decode {
        /// The response status.
        status: u16,
        /// What did not fit.
        source: serde_json::Error,
        /// The body as received.
        body: Vec<u8>,
    },
    /// The request cannot be sent (a path parameter that would change the path, a
    /// header that is not valid).
    InvalidRequest(String),
    /// No response arrived: the connection, TLS or the HTTP stack failed, or the time
    /// ran out. Boxed, so that any HTTP stack can report through it.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// No access token could be had; nothing was sent. The source says why: for the
    /// token providers of `client`, an `auth::SignInError` with the sign-in
    /// service's error code and description.
    SignIn(Box<dyn std::error::Error + Send + Sync>),
    /// The service's answer does not follow the protocol of a workflow: a `$batch`
    /// response without an answer for an item, an upload session without its
    /// `nextExpectedRanges`.
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => e.fmt(f),
            Error::Decode { status, source, .. } => {
                write!(f, "the {status} response body could not be read: {source}")
            }
            Error::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Error::Transport(source) => write!(f, "the request failed: {source}"),
            Error::SignIn(source) => write!(f, "no access token: {source}"),
            Error::Protocol(what) => write!(f, "unexpected answer from the service: {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(source) | Error::SignIn(source) => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// What happened to a request that failed, for a caller deciding what to do next:
/// above all, whether the service may have applied it ([`ErrorKind::maybe_applied`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered `429 Too Many Requests`, after the retries the policy
    /// allows: throttled past the retry budget. Not applied.
    Throttled,
    /// The service answered with another error status.
    Service,
    /// No connection could be made: nothing was sent.
    NotSent,
    /// The connection was lost after the request was sent, before an answer came: the
    /// service may have applied it.
    LostAfterSending,
    /// An answer came, but its body was cut short: the service applied the request.
    BodyCutShort,
    /// The time ran out, sending or waiting: the service may have applied it.
    TimedOut,
    /// A transport failure of another HTTP stack, which does not say when it happened.
    Transport,
    /// The request was not sent: it is invalid ([`Error::InvalidRequest`]) or no token
    /// could be had ([`Error::SignIn`]).
    Refused,
    /// The answer does not have the expected shape ([`Error::Decode`],
    /// [`Error::Protocol`]).
    UnexpectedAnswer,
}

impl ErrorKind {
    /// Whether the service may have applied the request: `false` only when it surely
    /// did not (nothing sent, throttled, refused before sending).
    pub fn maybe_applied(self) -> bool {
        !matches!(
            self,
            ErrorKind::NotSent | ErrorKind::Throttled | ErrorKind::Refused
        )
    }

    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Throttled => "throttled",
            ErrorKind::Service => "an error status",
            ErrorKind::NotSent => "no connection, nothing sent",
            ErrorKind::LostAfterSending => "the connection was lost after the request was sent",
            ErrorKind::BodyCutShort => "the answer's body was cut short",
            ErrorKind::TimedOut => "timed out",
            ErrorKind::Transport => "the transport failed",
            ErrorKind::Refused => "not sent",
            ErrorKind::UnexpectedAnswer => "an unexpected answer",
        }
    }
}

/// A transport failure and when it happened: what [`Error::Transport`] holds for the
/// client's own requests.
#[derive(Debug)]
pub struct TransportFailure {
    /// When it happened.
    pub kind: ErrorKind,
    /// What the HTTP stack said.
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.describe(), self.source)
    }
}

impl std::error::Error for TransportFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

impl Error {
    /// What happened: see [`ErrorKind`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Service(e) if e.status == 429 => ErrorKind::Throttled,
            Error::Service(_) => ErrorKind::Service,
            Error::Transport(source) => source
                .downcast_ref::<TransportFailure>()
                .map_or(ErrorKind::Transport, |f| f.kind),
            Error::InvalidRequest(_) | Error::SignIn(_) => ErrorKind::Refused,
            Error::Decode { .. } | Error::Protocol(_) => ErrorKind::UnexpectedAnswer,
        }
    }
}

/// An error status with the Graph error body, when the body is one.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// The HTTP status.
    pub status: u16,
    /// The response headers (`request-id`, `client-request-id`, `Retry-After`, ...).
    pub headers: Vec<(String, String)>,
    /// The parsed `error` object; `None` when the body is not a Graph error (an HTML
    /// page from a proxy, an empty body).
    pub error: Option<GraphError>,
    /// The body as received.
    pub body: Vec<u8>,
}

impl ServiceError {
    /// The error of a response with an error status: the Graph error read from `body`
    /// when it is one.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: &[u8]) -> Self {
        let error = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| GraphError::from_json(&v));
        Self {
            status,
            headers,
            error,
            body: body.to_vec(),
        }
    }

    /// The Graph error code (`Request_ResourceNotFound`, `itemNotFound`, ...).
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_str())
    }

    /// The value of a response header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(e) => write!(
                f,
                "the service answered {}: {}: {}",
                self.status, e.code, e.message
            ),
            None => {
                let text = String::from_utf8_lossy(&self.body);
                let snippet: String = text.chars().take(200).collect();
                write!(
                    f,
                    "the service answered {} with a body that is not a Graph error: {snippet}",
                    self.status
                )
            }
        }
    }
}

/// The `error` object of a Graph error response.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphError {
    /// The error code, e.g. `Request_ResourceNotFound`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The ids that identify the request to Microsoft support.
    pub inner_error: Option<InnerError>,
    /// The whole `error` object, for members not modelled here (`details`, ...).
    pub raw: Value,
}

/// The `innerError` object of a Graph error: ids of the failed request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InnerError {
    /// The service's id of the request (`request-id`).
    pub request_id: Option<String>,
    /// The id the client sent (`client-request-id`).
    pub client_request_id: Option<String>,
    /// When the request failed, as the service wrote it.
    pub date: Option<String>,
}

impl GraphError {
    /// The `error` object of a response body, if it has one.
    pub fn from_json(body: &Value) -> Option<Self> {
        let error = body.get("error")?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let inner = error.get("innerError").or_else(|| error.get("innererror"));
        Some(Self {
            code: text(error, "code")?,
            message: text(error, "message").unwrap_or_default(),
            inner_error: inner.map(|i| InnerError {
                request_id: text(i, "request-id"),
                client_request_id: text(i, "client-request-id"),
                date: text(i, "date"),
            }),
            raw: error.clone(),
        })
    }
}

#[cfg(test)]
mod tests;
