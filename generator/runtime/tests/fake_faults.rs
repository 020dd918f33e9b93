//! The fake Graph's injected faults, as the client meets them: each kind alone on every
//! request it applies to, what the client does about it, and the same faults for the
//! same requests whatever the run. Tokio's clock is paused: `Retry-After` and the
//! timeouts pass at once.

use futures_util::TryStreamExt;
use graph_runtime::batch::Batch;
use graph_runtime::client::{Client, DeltaEvent, RetryPolicy, StaticToken, Uploaded};
use graph_runtime::testing::{Body, Example, FakeGraph, Fault, Faults, Operation, Permissions};
use graph_runtime::upload::UploadSession;
use graph_runtime::{parse_empty, parse_json, ErrorKind, Method, PathBuilder, Request};
use serde_json::{json, Value};
use std::ops::ControlFlow;
use std::time::Duration;

static OPERATIONS: [Operation; 3] = [
    Operation {
        method: "GET",
        path: "/users/{id}",
        status: 200,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[Example {
            query: "",
            status: 200,
            headers: &[("Content-Type", "application/json")],
            body: r#"{"id":"42","displayName":"Adele Vance","jobTitle":"Retail Manager"}"#,
        }],
        body: Body::None,
    },
    Operation {
        method: "GET",
        path: "/users/delta",
        status: 200,
        collection: true,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::None,
    },
    Operation {
        method: "POST",
        path: "/me/drive/items/{id}:/{name}:/createUploadSession",
        status: 200,
        collection: false,
        permissions: Permissions::EMPTY,
        consistency_level: false,
        examples: &[],
        body: Body::None,
    },
];

fn client(fake: &FakeGraph) -> Client {
    Client::new(&fake.base_url(), StaticToken::new("t0k"))
        .expect("a loopback URL")
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(60),
        })
        .with_timeout(Duration::from_secs(10))
}

fn get(path: &str) -> Request<Value> {
    Request::new(Method::GET, PathBuilder::new(path), parse_json)
}

/// The kind of error a GET of a user ends with when every attempt gets `fault`.
async fn always(fault: Fault) -> (ErrorKind, Option<u16>, usize) {
    let fake = FakeGraph::start(&OPERATIONS).await;
    fake.with_faults(
        Faults::seeded(7)
            .rate(1.0)
            .only([fault])
            .slow(Duration::from_secs(60)),
    );
    let error = client(&fake)
        .send(get("/users/42"))
        .await
        .expect_err("every attempt fails");
    let status = match &error {
        graph_runtime::Error::Service(e) => Some(e.status),
        _ => None,
    };
    let sent = fake.requests().len();
    (error.kind(), status, sent)
}

#[tokio::test(start_paused = true)]
async fn each_fault_reaches_the_client_as_the_service_sends_it() {
    let cases = [
        (Fault::Throttled, ErrorKind::Throttled, Some(429), 3),
        (
            Fault::ThrottledUntilDate,
            ErrorKind::Throttled,
            Some(429),
            3,
        ),
        (Fault::Unavailable, ErrorKind::Service, Some(503), 3),
        (Fault::GatewayTimeout, ErrorKind::Service, Some(504), 3),
        (
            Fault::ResetBeforeAnswer,
            ErrorKind::LostAfterSending,
            None,
            3,
        ),
        (Fault::ResetMidBody, ErrorKind::BodyCutShort, None, 3),
        (Fault::SlowBody, ErrorKind::TimedOut, None, 3),
        // Once with a new token, then the service's answer.
        (Fault::Unauthorized, ErrorKind::Service, Some(401), 2),
    ];
    for (fault, kind, status, sent) in cases {
        assert_eq!(always(fault).await, (kind, status, sent), "{fault:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_fault_now_and_then_is_retried_away() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    fake.with_faults(Faults::seeded(11).rate(0.3).slow(Duration::from_secs(60)));
    let client = client(&fake);
    for _ in 0..50 {
        let user = client.send(get("/users/42")).await;
        // Three attempts at 30 %: a failure now and then is the caller's, typed.
        match user {
            Ok(user) => assert_eq!(user["displayName"], "Adele Vance"),
            Err(e) => assert!(e.kind() != ErrorKind::UnexpectedAnswer, "{e}"),
        }
    }
    let injected: usize = fake.injected_faults().values().sum();
    assert!(injected >= 10, "{:?}", fake.injected_faults());
}

#[tokio::test(start_paused = true)]
async fn the_same_requests_get_the_same_faults_in_every_run() {
    async fn run(seed: u64) -> Vec<(String, bool)> {
        let fake = FakeGraph::start(&OPERATIONS).await;
        fake.with_faults(Faults::seeded(seed).rate(0.5).only([Fault::GatewayTimeout]));
        let client = client(&fake).with_retry(RetryPolicy::never());
        let mut outcomes = Vec::new();
        for i in 0..40 {
            let path = format!("/users/{}", i % 10);
            let ok = client.send(get(&path)).await.is_ok();
            outcomes.push((path, ok));
        }
        outcomes
    }
    let first = run(3).await;
    assert_eq!(first, run(3).await);
    assert_ne!(first, run(4).await);
    // A request that came before is a new draw: not every repeat fails alike.
    let repeats: Vec<bool> = first
        .iter()
        .filter(|(p, _)| p == "/users/0")
        .map(|(_, ok)| *ok)
        .collect();
    assert_eq!(repeats.len(), 4);
}

#[tokio::test(start_paused = true)]
async fn an_expired_delta_link_is_a_resync() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    for i in 0..3 {
        fake.insert("/users", &json!({ "id": format!("u{i}") }));
    }
    let client = client(&fake);
    let list = || Request::new(Method::GET, PathBuilder::new("/users/delta"), parse_json);
    let first: Vec<DeltaEvent<Value>> = client
        .delta(list())
        .try_collect()
        .await
        .expect("a first round");
    let Some(DeltaEvent::Done(link)) = first.last() else {
        panic!("no delta link: {first:?}");
    };
    fake.with_faults(Faults::seeded(1).rate(1.0).only([Fault::DeltaLinkGone]));
    let second: Vec<DeltaEvent<Value>> = client
        .resume_delta(list(), link.as_str())
        .try_collect()
        .await
        .expect("a resync");
    assert_eq!(second[0], DeltaEvent::Resync);
    assert_eq!(second.len(), 5, "{second:?}");
}

#[tokio::test(start_paused = true)]
async fn lost_slices_are_sent_again_and_the_file_arrives_whole() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    let client = client(&fake);
    let create: Request<Value> = Request::new(
        Method::POST,
        PathBuilder::new("/me/drive/items/root:/data.bin:/createUploadSession"),
        parse_json,
    )
    .json(&json!({}));
    let session = client.send(create).await.expect("a session");
    let session = UploadSession::from_json(&serde_json::from_value(session).expect("an object"))
        .expect("a session");
    fake.with_faults(Faults::seeded(5).rate(0.3).only([Fault::LostUploadSlice]));
    let bytes: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let outcome = client
        .upload::<Value, _>(&session, &bytes, Some(320 * 1024), |_| {
            ControlFlow::Continue(())
        })
        .await
        .expect("uploaded");
    assert!(matches!(outcome, Uploaded::Done(_)), "{outcome:?}");
    assert!(fake.uploads()[0].bytes == bytes);
    assert!(fake.injected_faults()[&Fault::LostUploadSlice] > 0);
}

#[tokio::test(start_paused = true)]
async fn a_throttled_batch_item_is_sent_again_alone() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    fake.with_faults(
        Faults::seeded(9)
            .rate(0.5)
            .only([Fault::BatchItemThrottled]),
    );
    let client = client(&fake).with_retry(RetryPolicy {
        max_attempts: 6,
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(60),
    });
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..10)
        .map(|i| batch.add(get(&format!("/users/{i}"))))
        .collect();
    let results = client.batch(batch).await.expect("the batch");
    for handle in &handles {
        assert_eq!(
            results.get(handle).expect("answered")["jobTitle"],
            "Retail Manager"
        );
    }
    assert!(fake.injected_faults()[&Fault::BatchItemThrottled] > 0);
}

#[tokio::test(start_paused = true)]
async fn a_kind_of_request_can_have_a_rate_of_its_own() {
    let fake = FakeGraph::start(&OPERATIONS).await;
    fake.insert("/users", &json!({ "id": "42" }));
    fake.with_faults(
        Faults::seeded(1)
            .rate(0.0)
            .rate_for(graph_runtime::testing::RequestKind::Write, 1.0)
            .only([Fault::GatewayTimeout]),
    );
    let client = client(&fake);
    for _ in 0..5 {
        assert!(client.send(get("/users/42")).await.is_ok());
    }
    let delete = Request::new(Method::DELETE, PathBuilder::new("/users/42"), parse_empty);
    let error = client.send(delete).await.expect_err("every write fails");
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(fake.injected_faults()[&Fault::GatewayTimeout], 3);
}
