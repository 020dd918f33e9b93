//! The fake Graph calls a webhook as Graph does: the validation handshake when a
//! subscription is created, then changes and lifecycle events, which the endpoint
//! receives with `notifications::Receiver`.

use graph_runtime::client::{Client, StaticToken};
use graph_runtime::notifications::{LifecycleEvent, Notifications, Receiver, Reception};
use graph_runtime::testing::{Body, FakeGraph, Operation, Permissions};
use graph_runtime::{parse_json, Error, Method, PathBuilder, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

static OPERATIONS: [Operation; 1] = [Operation {
    method: "POST",
    path: "/subscriptions",
    status: 201,
    collection: false,
    permissions: Permissions::EMPTY,
    consistency_level: false,
    body: Body::None,
    examples: &[],
}];

/// A webhook endpoint on loopback: answers the handshake, acknowledges notifications
/// with `202` and hands them over; refuses what the receiver refuses with `400`.
async fn endpoint(
    receiver: Arc<Mutex<Receiver>>,
) -> (String, mpsc::UnboundedReceiver<Notifications>) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("a port");
    let url = format!("http://{}/notify", listener.local_addr().expect("address"));
    let (sender, delivered) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let receiver = receiver.clone();
            let sender = sender.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                        let receiver = receiver.clone();
                        let sender = sender.clone();
                        async move {
                            let query = request.uri().query().unwrap_or("").to_string();
                            let body = request
                                .into_body()
                                .collect()
                                .await
                                .map_err(|e| std::io::Error::other(e.to_string()))?
                                .to_bytes();
                            let reception = receiver.lock().expect("lock").receive(&query, &body);
                            let (status, text) = match reception {
                                Ok(Reception::Handshake(token)) => (200, token),
                                Ok(Reception::Notifications(n)) => {
                                    let _ = sender.send(n);
                                    (202, String::new())
                                }
                                Err(e) => (400, e.to_string()),
                            };
                            hyper::Response::builder()
                                .status(status)
                                .header("content-type", "text/plain")
                                .body(Full::new(Bytes::from(text)))
                                .map_err(|e| std::io::Error::other(e.to_string()))
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, delivered)
}

fn create(url: &str, secret: &str) -> Request<Value> {
    Request::new(Method::POST, PathBuilder::new("/subscriptions"), parse_json).json(&json!({
        "changeType": "created,updated",
        "notificationUrl": url,
        "lifecycleNotificationUrl": url,
        "resource": "users",
        "expirationDateTime": "2026-12-09T11:00:00Z",
        "clientState": secret,
    }))
}

#[tokio::test]
async fn a_subscription_is_validated_then_notified_of_changes_and_lifecycle_events() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let client = Client::new(&fake.base_url(), StaticToken::new("token")).expect("client");
    let receiver = Arc::new(Mutex::new(Receiver::new()));
    let (url, mut delivered) = endpoint(receiver.clone()).await;

    let created: Value = client
        .send(create(&url, "secret-1"))
        .await
        .expect("validated and created");
    let id = created["id"].as_str().expect("an id").to_string();
    receiver.lock().expect("lock").register(&id, "secret-1");

    let answer = fake
        .notify(
            &id,
            "updated",
            json!({ "@odata.type": "#Microsoft.Graph.User", "id": "8a1c" }),
        )
        .await
        .expect("delivered");
    assert_eq!(answer.status, 202);
    let notifications = delivered.recv().await.expect("notifications");
    assert_eq!(notifications.changes.len(), 1);
    let change = &notifications.changes[0];
    assert_eq!(
        (change.subscription_id.as_str(), change.change_type.as_str()),
        (id.as_str(), "updated")
    );
    assert_eq!(change.resource, "users/8a1c");
    assert!(!change.repeated);

    let answer = fake
        .notify_lifecycle(&id, "reauthorizationRequired")
        .await
        .expect("delivered");
    assert_eq!(answer.status, 202);
    let notifications = delivered.recv().await.expect("notifications");
    assert_eq!(
        notifications.lifecycle[0].event,
        LifecycleEvent::ReauthorizationRequired
    );
    assert_eq!(
        notifications.lifecycle[0]
            .subscription_expiration
            .map(|t| t.to_rfc3339()),
        Some("2026-12-09T11:00:00+00:00".to_string())
    );
}

#[tokio::test]
async fn an_endpoint_that_fails_the_handshake_gets_no_subscription() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let client = Client::new(&fake.base_url(), StaticToken::new("token")).expect("client");
    // An endpoint that answers everything with 202, the handshake included.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("a port");
    let url = format!("http://{}/notify", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(|_request: hyper::Request<Incoming>| async {
                        Ok::<_, hyper::Error>(
                            hyper::Response::builder()
                                .status(202)
                                .body(Full::new(Bytes::new()))
                                .expect("a response"),
                        )
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    match client.send(create(&url, "secret-1")).await {
        Err(Error::Service(e)) => {
            assert_eq!(e.status, 400);
            let message = e.error.map(|g| g.message).unwrap_or_default();
            assert!(message.contains("validation request failed"), "{message}");
        }
        other => panic!("expected a 400, got {other:?}"),
    }
    assert!(fake.items("/subscriptions").is_empty());
    let journal = fake.requests();
    assert_eq!(
        (journal.len(), journal[0].method.as_str()),
        (1, "POST"),
        "the refused creation is in the journal"
    );
}

/// A user as a model: the fields a webhook reads.
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    display_name: String,
}

#[tokio::test]
async fn rich_notifications_carry_the_resource_encrypted_for_the_certificate_and_a_token() {
    use graph_runtime::notifications::encryption_certificate;
    use graph_runtime::notifications::resource_data::{Certificates, TokenError, TokenPolicy};
    use graph_runtime::testing::{FAKE_APP_ID, FAKE_TENANT};
    let fake = FakeGraph::start(&OPERATIONS).await;
    let client = Client::new(&fake.base_url(), StaticToken::new("token")).expect("client");
    let receiver = Arc::new(Mutex::new(Receiver::new()));
    let (url, mut delivered) = endpoint(receiver.clone()).await;
    // The app's certificate: the fake encrypts for its public key.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("an RSA key");
    let certificate = rcgen::CertificateParams::new(vec!["webhook.example".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("a certificate");
    let create_rich: Request<Value> =
        Request::new(Method::POST, PathBuilder::new("/subscriptions"), parse_json).json(&json!({
            "changeType": "updated",
            "notificationUrl": url,
            "lifecycleNotificationUrl": url,
            "resource": "users",
            "expirationDateTime": "2026-12-07T11:00:00Z",
            "clientState": "secret-1",
            "includeResourceData": true,
            "encryptionCertificate": encryption_certificate(certificate.der()),
            "encryptionCertificateId": "webhook-2026",
        }));
    let created: Value = client.send(create_rich).await.expect("created");
    let id = created["id"].as_str().expect("an id").to_string();
    receiver.lock().expect("lock").register(&id, "secret-1");

    let user = json!({ "@odata.type": "#Microsoft.Graph.User", "id": "8a1c", "displayName": "Adele Vance" });
    assert_eq!(
        fake.notify(&id, "updated", user)
            .await
            .expect("delivered")
            .status,
        202
    );
    let notifications = delivered.recv().await.expect("notifications");
    let change = &notifications.changes[0];
    // resourceData says which resource; the resource itself is encrypted.
    assert_eq!(
        change.resource_data,
        Some(json!({ "@odata.type": "#Microsoft.Graph.User", "id": "8a1c" }))
    );
    assert_eq!(notifications.validation_tokens.len(), 1);

    let mut certificates = Certificates::new();
    certificates
        .add_pkcs8("webhook-2026", &key.serialize_der())
        .expect("the private key");
    // Another app's policy refuses the token; this app's accepts it and decrypts.
    let other_app = TokenPolicy::new("another-app");
    assert!(matches!(
        notifications.clone().verify(
            &fake.signing_keys(),
            &other_app,
            std::time::SystemTime::now()
        ),
        Err(TokenError::Audience { .. })
    ));
    let verified = notifications
        .verify(
            &fake.signing_keys(),
            &TokenPolicy::new(FAKE_APP_ID).tenant(FAKE_TENANT),
            std::time::SystemTime::now(),
        )
        .expect("a valid token");
    let resource: Option<User> = verified
        .changes()
        .next()
        .expect("a change")
        .resource(&certificates)
        .expect("decrypted");
    assert_eq!(
        resource,
        Some(User {
            id: "8a1c".into(),
            display_name: "Adele Vance".into(),
        })
    );
}
