//! The fake's side of change notifications: it calls an app's webhook as Graph does.
//!
//! Creating a subscription (`POST /subscriptions`) whose `notificationUrl` (and
//! `lifecycleNotificationUrl`) is on loopback first sends the validation handshake there:
//! the endpoint must answer `200`, `text/plain`, with the decoded token within ten
//! seconds, or the creation fails with `400`, as on Graph. Endpoints elsewhere are not
//! called, so that documented examples with made-up URLs still pass. Then
//! [`FakeGraph::notify`] and [`FakeGraph::notify_lifecycle`] deliver a change or a
//! lifecycle event of a subscription to its endpoint.
//!
//! With the `resource-data` feature, a subscription created with `includeResourceData`,
//! an `encryptionCertificate` and its id gets rich notifications, as on Graph: the
//! resource encrypted for the certificate, and a validation token signed with a key of
//! the fake's own, which `FakeGraph::signing_keys` publishes.

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
        #[cfg(feature = "resource-data")]
        let tokens = self.enrich(&subscription, &mut item)?;
        #[cfg(not(feature = "resource-data"))]
        let tokens = Vec::new();
        deliver(url, item, tokens).await
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
        deliver(url, item, Vec::new()).await
    }

    fn subscription(&self, subscription_id: &str) -> Result<Value, String> {
        self.items("/subscriptions")
            .into_iter()
            .find(|s| s.get("id").and_then(Value::as_str) == Some(subscription_id))
            .ok_or_else(|| format!("the fake holds no subscription {subscription_id}"))
    }
}

async fn deliver(url: &str, item: Value, tokens: Vec<String>) -> Result<WebhookAnswer, String> {
    let mut collection = json!({ "value": [item] });
    if !tokens.is_empty() {
        collection["validationTokens"] = json!(tokens);
    }
    let body = serde_json::to_vec(&collection).map_err(|e| e.to_string())?;
    post(url, "application/json", body).await
}

/// Rich notifications: the resource encrypted as Graph encrypts it, and a validation
/// token signed with the fake's key.
#[cfg(feature = "resource-data")]
mod rich {
    use super::super::FakeGraph;
    use super::FAKE_TENANT;
    use crate::notifications::resource_data::{KeySet, SigningKey, CHANGE_TRACKING_APP_ID};
    use aws_lc_rs::cipher::{
        EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey, AES_256,
    };
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::{
        KeySize, OaepPublicEncryptingKey, PublicEncryptingKey, OAEP_SHA1_MGF1SHA1,
    };
    use aws_lc_rs::signature::{KeyPair, RsaKeyPair, RSA_PKCS1_SHA256};
    use aws_lc_rs::{hmac, rand};
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    use serde_json::{json, Value};
    use std::sync::OnceLock;
    use std::time::{SystemTime, UNIX_EPOCH};

    /// The application id the fake's validation tokens are issued for, unless
    /// [`FakeGraph::with_app_id`] names another.
    pub const FAKE_APP_ID: &str = "00000000-0000-4000-8000-0000000a4b1d";

    /// The id of the fake's signing key.
    const KEY_ID: &str = "fake-graph-signing-key";

    /// One signing key for every fake of the process: generating an RSA key takes a
    /// while, and tests only need it to differ from the platform's.
    fn signing_key() -> Result<&'static RsaKeyPair, String> {
        static KEY: OnceLock<Result<RsaKeyPair, String>> = OnceLock::new();
        KEY.get_or_init(|| {
            RsaKeyPair::generate(KeySize::Rsa2048).map_err(|e| format!("a signing key: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    impl FakeGraph {
        /// The keys the fake signs validation tokens with, as the identity platform
        /// publishes its own: hand them to `Notifications::verify` in tests.
        pub fn signing_keys(&self) -> KeySet {
            let mut keys = KeySet::new();
            if let Ok(key) = signing_key() {
                let public = key.public_key();
                keys.insert(SigningKey {
                    kid: KEY_ID.to_string(),
                    modulus: public.modulus().big_endian_without_leading_zero().to_vec(),
                    exponent: public.exponent().big_endian_without_leading_zero().to_vec(),
                });
            }
            keys
        }

        /// The application id the validation tokens are issued for (`aud`), in place
        /// of [`FAKE_APP_ID`].
        pub fn with_app_id(&self, app_id: &str) -> &Self {
            self.lock().app_id = Some(app_id.to_string());
            self
        }
    }

    impl FakeGraph {
        /// For a subscription with `includeResourceData`: the resource of `item`
        /// encrypted into `encryptedContent`, `resourceData` cut to its identity, and
        /// the delivery's validation token. Nothing for other subscriptions.
        pub(super) fn enrich(
            &self,
            subscription: &Value,
            item: &mut Value,
        ) -> Result<Vec<String>, String> {
            if subscription.get("includeResourceData") != Some(&Value::Bool(true)) {
                return Ok(Vec::new());
            }
            let app_id = self.lock().app_id.clone();
            let (content, token) =
                encrypt_and_sign(subscription, &item["resourceData"], app_id.as_deref())?;
            item["encryptedContent"] = content;
            item["resourceData"] = identity_of(&item["resourceData"]);
            Ok(vec![token])
        }
    }

    /// What `resourceData` carries beside the encrypted resource: its id and type.
    fn identity_of(resource: &Value) -> Value {
        let mut identity = serde_json::Map::new();
        for name in ["@odata.type", "@odata.id", "@odata.etag", "id"] {
            if let Some(value) = resource.get(name) {
                identity.insert(name.to_string(), value.clone());
            }
        }
        Value::Object(identity)
    }

    /// `encryptedContent` for the subscription's certificate, and a validation token.
    fn encrypt_and_sign(
        subscription: &Value,
        resource: &Value,
        app_id: Option<&str>,
    ) -> Result<(Value, String), String> {
        let text = |name: &str| {
            subscription
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("a subscription with resource data needs `{name}`"))
        };
        let certificate = STANDARD
            .decode(text("encryptionCertificate")?)
            .map_err(|e| format!("encryptionCertificate is not base64: {e}"))?;
        let certificate = rustls_pki_types::CertificateDer::from(certificate);
        let parsed = webpki::EndEntityCert::try_from(&certificate)
            .map_err(|e| format!("encryptionCertificate is not an X.509 certificate: {e:?}"))?;
        let public_key =
            PublicEncryptingKey::from_der(parsed.subject_public_key_info().as_ref())
                .map_err(|e| format!("encryptionCertificate has no RSA public key: {e}"))?;
        let content = encrypt(resource, public_key, text("encryptionCertificateId")?)?;
        Ok((content, token(app_id.unwrap_or(FAKE_APP_ID))?))
    }

    fn encrypt(
        resource: &Value,
        public_key: PublicEncryptingKey,
        id: &str,
    ) -> Result<Value, String> {
        let failed = |what: &str| format!("encrypting the resource: {what}");
        let mut data_key = [0u8; 32];
        rand::fill(&mut data_key).map_err(|_| failed("random"))?;
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&data_key[..16]);
        let cipher = UnboundCipherKey::new(&AES_256, &data_key)
            .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
            .map_err(|_| failed("AES key"))?;
        let mut data = serde_json::to_vec(resource).map_err(|e| e.to_string())?;
        cipher
            .less_safe_encrypt(&mut data, EncryptionContext::Iv128(iv.into()))
            .map_err(|_| failed("AES"))?;
        let signature = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &data_key), &data);
        let wrapping = OaepPublicEncryptingKey::new(public_key).map_err(|_| failed("OAEP key"))?;
        let mut wrapped = vec![0u8; wrapping.ciphertext_size()];
        let wrapped = wrapping
            .encrypt(&OAEP_SHA1_MGF1SHA1, &data_key, &mut wrapped, None)
            .map_err(|_| failed("OAEP"))?;
        Ok(json!({
            "data": STANDARD.encode(&data),
            "dataSignature": STANDARD.encode(signature.as_ref()),
            "dataKey": STANDARD.encode(&*wrapped),
            "encryptionCertificateId": id,
            "encryptionCertificateThumbprint": "",
        }))
    }

    /// A validation token as the identity platform issues them to Graph's change
    /// tracking for `app_id`, valid for an hour.
    fn token(app_id: &str) -> Result<String, String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": KEY_ID });
        let claims = json!({
            "aud": app_id,
            "azp": CHANGE_TRACKING_APP_ID,
            "iss": format!("https://sts.windows.net/{FAKE_TENANT}/"),
            "tid": FAKE_TENANT,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
        });
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let key = signing_key()?;
        let mut signature = vec![0u8; key.public_modulus_len()];
        key.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            signed.as_bytes(),
            &mut signature,
        )
        .map_err(|_| "signing the validation token".to_string())?;
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&signature)))
    }
}

#[cfg(feature = "resource-data")]
pub use rich::FAKE_APP_ID;

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
