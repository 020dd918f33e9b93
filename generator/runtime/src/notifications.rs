//! Receiving Graph's change notifications, sans-IO: what an app's webhook endpoint does
//! with each request Graph sends it, whatever its HTTP server.
//!
//! [`Receiver::receive`] takes the request's query and body and says what to answer and
//! what arrived:
//!
//! - the validation handshake (`?validationToken=…`, on the notification URL and the
//!   lifecycle URL): answer `200`, `text/plain`, with the decoded token, within ten
//!   seconds ([`Reception::Handshake`]);
//! - notifications ([`Reception::Notifications`]): acknowledge with `202` at once and
//!   process afterwards. Each is checked against the `clientState` secret its
//!   subscription was created with ([`Receiver::register`]), a mismatch being an error
//!   that names the subscription; changes and lifecycle events (`reauthorizationRequired`,
//!   `subscriptionRemoved`, `missed`) come apart, and deliveries seen before, within a
//!   bounded window, are marked so that the caller can skip them.
//!
//! [`renewals_due`] says which subscriptions to renew before they expire, and
//! [`encryption_certificate`] writes the certificate a subscription with resource data
//! is created with.
//!
//! Notifications with resource data carry validation tokens and encrypted resources:
//! `resource_data` (feature `resource-data`) checks the one and decrypts the other.

use chrono::{DateTime, Duration, FixedOffset};
use percent_encoding::percent_decode_str;
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

#[cfg(feature = "resource-data")]
pub mod resource_data;

/// The longest validation token taken; Graph's are far shorter.
pub const MAX_VALIDATION_TOKEN: usize = 1024;

/// How many deliveries [`Receiver`] remembers to recognise repeats, by default.
pub const DEFAULT_WINDOW: usize = 10_000;

/// What to do with a request Graph sent to the webhook.
#[derive(Clone, Debug, PartialEq)]
pub enum Reception {
    /// The validation handshake: answer `200` with `Content-Type: text/plain` and this
    /// body (the decoded token).
    Handshake(String),
    /// Notifications: answer `202 Accepted` at once, then process them.
    Notifications(Notifications),
}

/// The notifications of one delivery.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notifications {
    /// Changes to resources.
    pub changes: Vec<ChangeNotification>,
    /// Events of the subscriptions themselves.
    pub lifecycle: Vec<LifecycleNotification>,
    /// `validationTokens`: JSON Web Tokens that vouch for the delivery, sent with
    /// resource data, one for each app and tenant the notifications concern.
    pub validation_tokens: Vec<String>,
}

/// A change to a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeNotification {
    /// The subscription it belongs to.
    pub subscription_id: String,
    /// `created`, `updated` or `deleted`.
    pub change_type: String,
    /// The resource's path relative to the Graph base URL (`Users/8a1…`).
    pub resource: String,
    /// `resourceData`: the resource's id and type, as sent.
    pub resource_data: Option<Json>,
    /// `encryptedContent`, for subscriptions with resource data.
    pub encrypted_content: Option<Json>,
    /// The tenant of the resource.
    pub tenant_id: Option<String>,
    /// The same delivery came before, within the window: the caller may skip it.
    pub repeated: bool,
}

/// An event of a subscription.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleNotification {
    /// The subscription it concerns.
    pub subscription_id: String,
    /// What happened.
    pub event: LifecycleEvent,
    /// When the subscription expires, where the notification says.
    pub subscription_expiration: Option<DateTime<FixedOffset>>,
    /// The same delivery came before, within the window.
    pub repeated: bool,
}

/// A subscription's lifecycle event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LifecycleEvent {
    /// The subscription's access must be renewed: renew (PATCH) the subscription, which
    /// also reauthorizes it.
    ReauthorizationRequired,
    /// Graph removed the subscription: create it again.
    SubscriptionRemoved,
    /// Notifications were missed: resynchronise (delta query, say).
    Missed,
    /// An event this crate does not know (Graph adds some), as sent.
    Unrecognized(String),
}

/// Why a request to the webhook was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotificationError {
    /// The validation token is longer than [`MAX_VALIDATION_TOKEN`].
    TokenTooLong(usize),
    /// The validation token is not valid URL encoding (not UTF-8 once decoded).
    TokenNotDecodable,
    /// The body is not a `changeNotificationCollection`.
    Malformed(String),
    /// A notification's `clientState` is not the secret registered for its
    /// subscription: it may not come from Graph.
    ClientState {
        /// The subscription the notification names.
        subscription_id: String,
    },
    /// A notification for a subscription no secret was registered for.
    UnknownSubscription {
        /// The subscription the notification names.
        subscription_id: String,
    },
}

impl fmt::Display for NotificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotificationError::TokenTooLong(n) => write!(
                f,
                "the validation token has {n} characters, more than {MAX_VALIDATION_TOKEN}"
            ),
            NotificationError::TokenNotDecodable => {
                f.write_str("the validation token is not valid URL encoding")
            }
            NotificationError::Malformed(why) => {
                write!(f, "not a change notification collection: {why}")
            }
            NotificationError::ClientState { subscription_id } => write!(
                f,
                "the clientState of a notification for subscription {subscription_id} is not its secret"
            ),
            NotificationError::UnknownSubscription { subscription_id } => write!(
                f,
                "a notification for subscription {subscription_id}, which has no registered secret"
            ),
        }
    }
}

impl std::error::Error for NotificationError {}

/// Receives what Graph sends to one webhook: the `clientState` secret of each
/// subscription, and the deliveries seen lately.
#[derive(Clone, Debug)]
pub struct Receiver {
    secrets: HashMap<String, String>,
    window: usize,
    seen: VecDeque<String>,
    seen_set: HashSet<String>,
}

impl Default for Receiver {
    fn default() -> Self {
        Receiver::new()
    }
}

impl Receiver {
    /// A receiver that remembers the last [`DEFAULT_WINDOW`] deliveries.
    pub fn new() -> Receiver {
        Receiver::with_window(DEFAULT_WINDOW)
    }

    /// A receiver that remembers the last `window` deliveries.
    pub fn with_window(window: usize) -> Receiver {
        Receiver {
            secrets: HashMap::new(),
            window,
            seen: VecDeque::new(),
            seen_set: HashSet::new(),
        }
    }

    /// The `clientState` that `subscription_id` was created with.
    pub fn register(&mut self, subscription_id: &str, client_state: &str) -> &mut Self {
        self.secrets
            .insert(subscription_id.to_string(), client_state.to_string());
        self
    }

    /// Forgets a subscription (deleted, or removed by Graph).
    pub fn unregister(&mut self, subscription_id: &str) -> &mut Self {
        self.secrets.remove(subscription_id);
        self
    }

    /// What to answer to a request with this query string (what follows `?`, still
    /// encoded) and body. A query with `validationToken` is the handshake, whatever the
    /// body; anything else must be a `changeNotificationCollection`, every notification
    /// of which must carry its subscription's secret.
    pub fn receive(&mut self, query: &str, body: &[u8]) -> Result<Reception, NotificationError> {
        if let Some(token) = validation_token(query)? {
            return Ok(Reception::Handshake(token));
        }
        let collection: Json = serde_json::from_slice(body)
            .map_err(|e| NotificationError::Malformed(e.to_string()))?;
        let items = collection
            .get("value")
            .and_then(Json::as_array)
            .ok_or_else(|| NotificationError::Malformed("no `value` array".into()))?;
        // Every secret is checked before any notification is taken.
        let mut checked = Vec::with_capacity(items.len());
        for item in items {
            let subscription_id = text(item, "subscriptionId").ok_or_else(|| {
                NotificationError::Malformed("a notification without subscriptionId".into())
            })?;
            let Some(secret) = self.secrets.get(&subscription_id) else {
                return Err(NotificationError::UnknownSubscription { subscription_id });
            };
            if text(item, "clientState").as_deref() != Some(secret.as_str()) {
                return Err(NotificationError::ClientState { subscription_id });
            }
            checked.push((subscription_id, item));
        }
        let mut out = Notifications {
            validation_tokens: collection
                .get("validationTokens")
                .and_then(Json::as_array)
                .map(|tokens| {
                    tokens
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            ..Notifications::default()
        };
        for (subscription_id, item) in checked {
            let repeated = !self.remember(delivery_key(&subscription_id, item));
            match text(item, "lifecycleEvent") {
                Some(event) => out.lifecycle.push(LifecycleNotification {
                    subscription_id,
                    event: match event.as_str() {
                        "reauthorizationRequired" => LifecycleEvent::ReauthorizationRequired,
                        "subscriptionRemoved" => LifecycleEvent::SubscriptionRemoved,
                        "missed" => LifecycleEvent::Missed,
                        _ => LifecycleEvent::Unrecognized(event),
                    },
                    subscription_expiration: text(item, "subscriptionExpirationDateTime")
                        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok()),
                    repeated,
                }),
                None => out.changes.push(ChangeNotification {
                    subscription_id,
                    change_type: text(item, "changeType").unwrap_or_default(),
                    resource: text(item, "resource").unwrap_or_default(),
                    resource_data: item.get("resourceData").cloned(),
                    encrypted_content: item.get("encryptedContent").cloned(),
                    tenant_id: text(item, "tenantId"),
                    repeated,
                }),
            }
        }
        Ok(Reception::Notifications(out))
    }

    /// Notes a delivery; `false` when it was seen within the window.
    fn remember(&mut self, key: String) -> bool {
        if self.seen_set.contains(&key) {
            return false;
        }
        if self.window == 0 {
            return true;
        }
        if self.seen.len() == self.window {
            if let Some(old) = self.seen.pop_front() {
                self.seen_set.remove(&old);
            }
        }
        self.seen_set.insert(key.clone());
        self.seen.push_back(key);
        true
    }
}

/// The decoded `validationToken` of a query string, if it has one.
fn validation_token(query: &str) -> Result<Option<String>, NotificationError> {
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "validationToken" {
            continue;
        }
        if value.len() > MAX_VALIDATION_TOKEN * 3 {
            return Err(NotificationError::TokenTooLong(value.len()));
        }
        // `+` is a space in a form-encoded query, as Graph sends it.
        let spaced = value.replace('+', " ");
        let decoded = percent_decode_str(&spaced)
            .decode_utf8()
            .map_err(|_| NotificationError::TokenNotDecodable)?;
        let length = decoded.chars().count();
        if length > MAX_VALIDATION_TOKEN {
            return Err(NotificationError::TokenTooLong(length));
        }
        return Ok(Some(decoded.into_owned()));
    }
    Ok(None)
}

fn text(item: &Json, name: &str) -> Option<String> {
    item.get(name).and_then(Json::as_str).map(str::to_string)
}

/// What makes two deliveries the same: the subscription, the resource, the change type
/// and the notification's own id (or, without one, its resource data).
fn delivery_key(subscription_id: &str, item: &Json) -> String {
    let what = text(item, "id")
        .or_else(|| item.get("resourceData").map(|d| d.to_string()))
        .unwrap_or_default();
    format!(
        "{subscription_id}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{what}",
        text(item, "resource").unwrap_or_default(),
        text(item, "changeType").unwrap_or_default(),
        text(item, "lifecycleEvent").unwrap_or_default(),
    )
}

/// The subscriptions (id, `expirationDateTime`) to renew now: those that expire within
/// `margin` of `now`. Renew them with a `PATCH` of `expirationDateTime`; a
/// `reauthorizationRequired` event is answered the same way.
pub fn renewals_due<'a>(
    subscriptions: impl IntoIterator<Item = (&'a str, DateTime<FixedOffset>)>,
    now: DateTime<FixedOffset>,
    margin: Duration,
) -> Vec<&'a str> {
    subscriptions
        .into_iter()
        .filter(|(_, expires)| *expires - now <= margin)
        .map(|(id, _)| id)
        .collect()
}

/// The `encryptionCertificate` of a subscription with resource data: the certificate
/// (X.509, DER) in base64. Graph encrypts each resource's key with its public key;
/// decrypt with the private key (`resource_data::Certificates`).
pub fn encryption_certificate(der: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// [`encryption_certificate`] of the first `CERTIFICATE` block of a PEM file.
pub fn encryption_certificate_from_pem(pem: &str) -> Result<String, NotificationError> {
    use base64::Engine as _;
    let (_, rest) = pem
        .split_once("-----BEGIN CERTIFICATE-----")
        .ok_or_else(|| NotificationError::Malformed("no PEM certificate".into()))?;
    let (body, _) = rest
        .split_once("-----END CERTIFICATE-----")
        .ok_or_else(|| NotificationError::Malformed("an unterminated PEM certificate".into()))?;
    let text: String = body.split_whitespace().collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(&text)
        .map_err(|e| NotificationError::Malformed(format!("the PEM certificate: {e}")))?;
    Ok(encryption_certificate(&der))
}

#[cfg(test)]
mod tests;
