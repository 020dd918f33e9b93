//! The fake's side of change notifications: it calls an app's webhook as Graph does.
//!
//! Creating a subscription (`POST /subscriptions`) whose `notificationUrl` (and
//! `lifecycleNotificationUrl`) is on loopback first sends the validation handshake there:
//! the endpoint must answer `200`, `text/plain`, with the decoded token within ten
//! seconds, or the creation fails with `400`, as on Graph. Endpoints elsewhere are not
//! called, so that documented examples with made-up URLs still pass. Then
//! [`FakeGraph::notify`] and [`FakeGraph::notify_lifecycle`] deliver a change or a
//! lifecycle event of a subscription to its endpoint.

use super::{next_id, Answer, FakeGraph, Received, VERSION};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::time::Duration;

/// How long Graph waits for the endpoint to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The tenant the fake's notifications name.
pub const FAKE_TENANT: &str = "00000000-0000-4000-8000-00000000fa4e";

/// The validation token the fake sends: text that needs URL encoding, as Graph's does.
const HANDSHAKE_TOKEN: &str = "Validation: Testing client application reachability";

/// What a webhook answered the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

/// The refusal of a subscription whose endpoint fails the handshake, or `None` when the
/// request is not such a creation or every loopback endpoint passed.
pub(super) async fn check_new_subscription(request: &Received) -> Option<Answer> {
    if request.method != "POST"
        || request.path.strip_prefix(VERSION) != Some("/subscriptions")
        || request.header("authorization").is_none()
    {
        return None;
    }
    let body = request.body.as_ref()?;
    for member in ["notificationUrl", "lifecycleNotificationUrl"] {
        let Some(url) = body.get(member).and_then(Value::as_str) else {
            continue;
        };
        if !is_loopback(url) {
            continue;
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("validationToken", HANDSHAKE_TOKEN)
            .finish();
        let separator = if url.contains('?') { '&' } else { '?' };
        let target = format!("{url}{separator}{query}");
        let passed = match post(&target, "text/plain", Vec::new()).await {
            Ok(answer) => answer.status == 200 && answer.body == HANDSHAKE_TOKEN,
            Err(_) => false,
        };
        if !passed {
            return Some(Answer::error(
                400,
                "InvalidRequest",
                &format!(
                    "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request ({member} {url})."
                ),
            ));
        }
    }
    None
}

fn is_loopback(url: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|origin| {
            url.strip_prefix(origin)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/', '?']))
        })
}

/// POSTs `body` to an `http://` URL and reads the answer, within [`TIMEOUT`].
async fn post(url: &str, content_type: &str, body: Vec<u8>) -> Result<WebhookAnswer, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!("{url}: the fake calls only http:// endpoints"));
    }
    let authority = uri
        .authority()
        .ok_or_else(|| format!("{url}: no host"))?
        .clone();
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let port = authority.port_u16().unwrap_or(80);
    let exchange = async {
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        tokio::spawn(connection);
        let request = hyper::Request::post(uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"))
            .header(hyper::header::HOST, authority.as_str())
            .header(hyper::header::CONTENT_TYPE, content_type)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("{url}: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{url}: {e}"))?
            .to_bytes();
        Ok(WebhookAnswer {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| format!("{url}: no answer within {} s", TIMEOUT.as_secs()))?
}

impl FakeGraph {
    /// Delivers a change of `resource_data` (`{"id": ..., "@odata.type": ...}`, say) to
    /// the endpoint of the subscription `subscription_id`, created through the fake, as
    /// Graph does: a `changeNotificationCollection` with the subscription's
    /// `clientState`. Returns what the endpoint answered (Graph expects `202` within a
    /// few seconds).
    ///
    /// # Errors
    ///
    /// When the fake holds no such subscription, or the endpoint cannot be reached.
    pub async fn notify(
        &self,
        subscription_id: &str,
        change_type: &str,
        resource_data: Value,
    ) -> Result<WebhookAnswer, String> {
        let subscription = self.subscription(subscription_id)?;
        let text = |name: &str| subscription.get(name).and_then(Value::as_str);
        let resource = match resource_data.get("id").and_then(Value::as_str) {
            Some(id) => format!("{}/{id}", text("resource").unwrap_or_default()),
            None => text("resource").unwrap_or_default().to_string(),
        };
        let notification_id = next_id(&mut self.lock().ids).to_string();
        let mut item = json!({
            "id": notification_id,
            "subscriptionId": subscription_id,
            "subscriptionExpirationDateTime": subscription.get("expirationDateTime"),
            "changeType": change_type,
            "resource": resource,
            "resourceData": resource_data,
            "tenantId": FAKE_TENANT,
        });
        if let Some(state) = text("clientState") {
            item["clientState"] = json!(state);
        }
        let url = text("notificationUrl")
            .ok_or_else(|| format!("subscription {subscription_id} has no notificationUrl"))?;
        deliver(url, item).await
    }

    /// Delivers a lifecycle event (`reauthorizationRequired`, `subscriptionRemoved`,
    /// `missed`) of the subscription `subscription_id` to its `lifecycleNotificationUrl`,
    /// or else its `notificationUrl`. Returns what the endpoint answered.
    ///
    /// # Errors
    ///
    /// As [`FakeGraph::notify`].
    pub async fn notify_lifecycle(
        &self,
        subscription_id: &str,
        event: &str,
    ) -> Result<WebhookAnswer, String> {
        let subscription = self.subscription(subscription_id)?;
        let text = |name: &str| subscription.get(name).and_then(Value::as_str);
        let mut item = json!({
            "subscriptionId": subscription_id,
            "subscriptionExpirationDateTime": subscription.get("expirationDateTime"),
            "lifecycleEvent": event,
            "resource": text("resource").unwrap_or_default(),
            "tenantId": FAKE_TENANT,
        });
        if let Some(state) = text("clientState") {
            item["clientState"] = json!(state);
        }
        let url = text("lifecycleNotificationUrl")
            .or_else(|| text("notificationUrl"))
            .ok_or_else(|| format!("subscription {subscription_id} has no notificationUrl"))?;
        deliver(url, item).await
    }

    fn subscription(&self, subscription_id: &str) -> Result<Value, String> {
        self.items("/subscriptions")
            .into_iter()
            .find(|s| s.get("id").and_then(Value::as_str) == Some(subscription_id))
            .ok_or_else(|| format!("the fake holds no subscription {subscription_id}"))
    }
}

async fn deliver(url: &str, item: Value) -> Result<WebhookAnswer, String> {
    let body = serde_json::to_vec(&json!({ "value": [item] })).map_err(|e| e.to_string())?;
    post(url, "application/json", body).await
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_endpoints_are_called() {
        assert!(is_loopback("http://127.0.0.1:8080/hook"));
        assert!(is_loopback("http://localhost/hook"));
        assert!(!is_loopback("http://localhost.example/hook"));
        assert!(!is_loopback("https://webhook.azurewebsites.net/api/send"));
    }
}
