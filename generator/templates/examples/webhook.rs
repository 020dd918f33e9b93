//! A webhook for Graph's change notifications: an HTTP endpoint (hyper) that answers the
//! validation handshake, acknowledges each delivery at once with `202` and processes it
//! afterwards, and renews subscriptions before they expire or when Graph asks.
//!
//! ```sh
//! cargo run --example webhook --features testing
//! cargo test --example webhook --features testing
//! ```
//!
//! `main` runs it against the fake Graph, which calls the endpoint as Graph does: the
//! handshake when the subscription is created, then a change and a lifecycle event. In
//! production, the same `Webhook` serves Graph behind HTTPS. The requests are built by
//! hand so that the example compiles whatever areas the crate has.

use graph_client::client::{Client, StaticToken};
use graph_client::notifications::{
    renewals_due, LifecycleEvent, Notifications, Receiver, Reception,
};
use graph_client::runtime::{parse_json, Method, PathBuilder};
use graph_client::{testing, Error, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// How long before expiry a subscription is renewed.
const RENEW_WITHIN_HOURS: i64 = 12;

/// The endpoint's state: the receiver with each subscription's secret, and the queue
/// that hands deliveries to the processing task, so that Graph gets its `202` at once.
#[derive(Clone)]
struct Webhook {
    receiver: Arc<Mutex<Receiver>>,
    queue: mpsc::UnboundedSender<Notifications>,
}

impl Webhook {
    /// The answer to one request from Graph: status, and a `text/plain` body.
    fn answer(&self, query: &str, body: &[u8]) -> (u16, String) {
        let reception = match self.receiver.lock() {
            Ok(mut receiver) => receiver.receive(query, body),
            Err(_) => return (500, String::new()),
        };
        match reception {
            Ok(Reception::Handshake(token)) => (200, token),
            Ok(Reception::Notifications(notifications)) => {
                // Processing happens elsewhere: Graph retries deliveries acknowledged late.
                let _ = self.queue.send(notifications);
                (202, String::new())
            }
            // A wrong clientState or a malformed body: not from Graph.
            Err(refused) => (400, refused.to_string()),
        }
    }

    /// Serves the endpoint on `listener` until the program ends.
    async fn serve(self, listener: tokio::net::TcpListener) {
        while let Ok((stream, _)) = listener.accept().await {
            let webhook = self.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                    let webhook = webhook.clone();
                    async move {
                        let query = request.uri().query().unwrap_or("").to_string();
                        let body = request.into_body().collect().await?.to_bytes();
                        let (status, text) = webhook.answer(&query, &body);
                        let mut response = hyper::Response::new(Full::new(Bytes::from(text)));
                        *response.status_mut() =
                            hyper::StatusCode::from_u16(status).unwrap_or_default();
                        response.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static("text/plain"),
                        );
                        Ok::<_, hyper::Error>(response)
                    }
                });
                // A connection Graph drops is not the endpoint's concern.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }
}

/// Creates a subscription to `resource` for the endpoint at `url`; Graph (or the fake)
/// validates the endpoint before it answers.
async fn subscribe(client: &Client, url: &str, resource: &str, secret: &str) -> Result<Value, Error> {
    let create: Request<Value> = Request::new(Method::POST, PathBuilder::new("/subscriptions"), parse_json)
        .json(&json!({
            "changeType": "created,updated,deleted",
            "notificationUrl": url,
            "lifecycleNotificationUrl": url,
            "resource": resource,
            "expirationDateTime": (now() + chrono::Duration::hours(48)).to_rfc3339(),
            "clientState": secret,
        }));
    client.send(create).await
}

/// Renews a subscription for another two days: the answer to `reauthorizationRequired`
/// too.
async fn renew(client: &Client, id: &str) -> Result<Value, Error> {
    let renewal: Request<Value> = Request::new(
        Method::PATCH,
        PathBuilder::new("/subscriptions/").segment(id),
        parse_json,
    )
    .json(&json!({
        "expirationDateTime": (now() + chrono::Duration::hours(48)).to_rfc3339(),
    }));
    client.send(renewal).await
}

/// What the processing task did with one delivery, for the log and the tests.
#[derive(Debug, Default, PartialEq)]
struct Processed {
    changes: Vec<String>,
    renewed: Vec<String>,
    removed: Vec<String>,
}

/// Processes one delivery: changes are read (repeats skipped), lifecycle events acted on.
async fn process(client: &Client, notifications: Notifications) -> Result<Processed, Error> {
    let mut done = Processed::default();
    for change in notifications.changes.iter().filter(|c| !c.repeated) {
        done.changes.push(format!("{} {}", change.change_type, change.resource));
    }
    for event in notifications.lifecycle.iter().filter(|e| !e.repeated) {
        match &event.event {
            LifecycleEvent::ReauthorizationRequired => {
                renew(client, &event.subscription_id).await?;
                done.renewed.push(event.subscription_id.clone());
            }
            // Create it again, and catch up with a delta query.
            LifecycleEvent::SubscriptionRemoved => done.removed.push(event.subscription_id.clone()),
            // Catch up with a delta query.
            LifecycleEvent::Missed | LifecycleEvent::Unrecognized(_) => {}
        }
    }
    Ok(done)
}

/// The scenario `main` runs and the test checks: an endpoint, a subscription, a change
/// and a lifecycle event, both processed, and the renewal pass.
async fn run(fake: &testing::FakeGraph) -> Result<Vec<Processed>, Error> {
    let client = Client::new(&fake.base_url(), StaticToken::new("app-token"))?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| Error::Transport(Box::new(e)))?;
    let url = format!(
        "http://{}/notifications",
        listener.local_addr().map_err(|e| Error::Transport(Box::new(e)))?
    );
    let (queue, mut deliveries) = mpsc::unbounded_channel();
    let receiver = Arc::new(Mutex::new(Receiver::new()));
    tokio::spawn(
        Webhook {
            receiver: receiver.clone(),
            queue,
        }
        .serve(listener),
    );

    let secret = uuid_like_secret();
    let subscription = subscribe(&client, &url, "users", &secret).await?;
    let id = subscription["id"].as_str().unwrap_or_default().to_string();
    if let Ok(mut receiver) = receiver.lock() {
        receiver.register(&id, &secret);
    }

    let mut processed = Vec::new();
    let user = json!({ "@odata.type": "#Microsoft.Graph.User", "id": "87d349ed" });
    for send in [
        fake.notify(&id, "updated", user).await,
        fake.notify_lifecycle(&id, "reauthorizationRequired").await,
    ] {
        let answer = send.map_err(|e| Error::Transport(e.into()))?;
        if answer.status != 202 {
            return Err(Error::Protocol(format!("the webhook answered {}", answer.status)));
        }
        if let Some(delivery) = deliveries.recv().await {
            processed.push(process(&client, delivery).await?);
        }
    }

    // The periodic pass: renew what expires soon.
    let expiries: Vec<(String, chrono::DateTime<chrono::FixedOffset>)> = fake
        .items("/subscriptions")
        .iter()
        .filter_map(|s| {
            let expires = chrono::DateTime::parse_from_rfc3339(s["expirationDateTime"].as_str()?).ok()?;
            Some((s["id"].as_str()?.to_string(), expires))
        })
        .collect();
    let due = renewals_due(
        expiries.iter().map(|(id, at)| (id.as_str(), *at)),
        now().fixed_offset(),
        chrono::Duration::hours(RENEW_WITHIN_HOURS),
    );
    for id in due {
        renew(&client, id).await?;
    }
    Ok(processed)
}

/// The time now (chrono's `Utc::now` needs its `clock` feature, which the crate leaves
/// off).
fn now() -> chrono::DateTime<chrono::Utc> {
    std::time::SystemTime::now().into()
}

/// A clientState secret; a real app draws it from a random source and keeps it.
fn uuid_like_secret() -> String {
    format!("webhook-secret-{}", std::process::id())
}

fn main() {
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Transport(Box::new(e)))
        .and_then(|runtime| {
            runtime.block_on(async {
                let fake = testing::fake().await;
                run(&fake).await
            })
        });
    match outcome {
        Ok(processed) => {
            for p in processed {
                println!("{p:?}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhook_validates_acknowledges_processes_and_renews() -> Result<(), Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Transport(Box::new(e)))?;
        runtime.block_on(async {
            let fake = testing::fake().await;
            let processed = run(&fake).await?;
            let id = fake.items("/subscriptions")[0]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert_eq!(processed[0].changes, ["updated users/87d349ed"]);
            assert_eq!(processed[1].renewed, std::slice::from_ref(&id));
            // The handshake, then the create, then the renewal PATCH.
            let patches = fake
                .requests()
                .into_iter()
                .filter(|r| r.method == "PATCH" && r.path.ends_with(&id))
                .count();
            assert_eq!(patches, 1);
            Ok(())
        })
    }

    #[test]
    fn a_delivery_with_a_wrong_secret_is_refused() {
        let (queue, _deliveries) = mpsc::unbounded_channel();
        let mut receiver = Receiver::new();
        receiver.register("sub-1", "secret-1");
        let webhook = Webhook {
            receiver: Arc::new(Mutex::new(receiver)),
            queue,
        };
        let forged = json!({ "value": [{
            "subscriptionId": "sub-1", "clientState": "a guess",
            "changeType": "deleted", "resource": "users/1"
        }]});
        let (status, _) = webhook.answer("", forged.to_string().as_bytes());
        assert_eq!(status, 400);
        let (status, token) = webhook.answer("validationToken=Validation%3A+ok", b"");
        assert_eq!((status, token.as_str()), (200, "Validation: ok"));
    }
}
