//! Requests per second of the fake Graph beside a minimal hyper server that answers
//! every request with the same JSON, in the same run, over the same client.
//!
//! ```sh
//! cargo bench -p graph-runtime --features testing --bench fake_graph
//! ```
//!
//! The fake serves a table of 3,000 operations (as many as the v1.0 docs have), so that
//! finding the operation costs what it costs there; each request is a `GET` of an item
//! answered from its documented example, and goes through the token check, the journal
//! and the route. Rounds alternate the two servers; the figures are the medians.

use graph_runtime::testing::{Body, Example, FakeGraph, Operation, Permissions};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

const ROUNDS: usize = 5;
const REQUESTS: usize = 4_000;
/// Requests in flight at once, each on its own keep-alive connection.
const CONCURRENCY: usize = 8;
const OPERATIONS: usize = 3_000;
const BODY: &str = r#"{"id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","displayName":"Adele Vance","jobTitle":"Retail Manager","mail":"AdeleV@contoso.com"}"#;

/// A table shaped like Graph's: a few thousand templates under a few hundred roots,
/// items by key, and the one the bench asks for last in its root.
fn table() -> Vec<&'static Operation> {
    let example: &'static [Example] = Box::leak(Box::new([Example {
        query: "",
        status: 200,
        headers: &[("Content-Type", "application/json")],
        body: BODY,
    }]));
    (0..OPERATIONS)
        .map(|i| {
            let path = if i == OPERATIONS - 1 {
                "/users/{user-id}".to_string()
            } else {
                format!("/root{}/items{}/{{item-id}}/part{}", i % 300, i % 7, i)
            };
            let operation = Operation {
                method: "GET",
                path: Box::leak(path.into_boxed_str()),
                status: 200,
                collection: false,
                permissions: Permissions::EMPTY,
                consistency_level: false,
                examples: example,
                body: Body::None,
            };
            &*Box::leak(Box::new(operation))
        })
        .collect()
}

/// The baseline: hyper answering every request with `BODY`, nothing else.
async fn echo() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = service_fn(|_request| async {
                    let mut response =
                        hyper::Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
                    response.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, Infallible>(response)
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{address}/v1.0")
}

/// Requests per second of `REQUESTS` GETs of `url`, `CONCURRENCY` at a time.
async fn rate(client: &reqwest::Client, url: &str) -> f64 {
    let started = Instant::now();
    let per_task = REQUESTS / CONCURRENCY;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let client = client.clone();
            let url = url.to_string();
            async move {
                for _ in 0..per_task {
                    let response = client
                        .get(&url)
                        .bearer_auth("bench-token")
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(response.status(), 200);
                    let body = response.bytes().await.expect("a body");
                    assert_eq!(body.len(), BODY.len());
                }
            }
        })
        .collect();
    futures_util::future::join_all(tasks).await;
    (per_task * CONCURRENCY) as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let fake = FakeGraph::start(table()).await;
        let echo = echo().await;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(CONCURRENCY)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client");
        let fake_url = format!("{}/users/42", fake.base_url());
        let echo_url = format!("{echo}/users/42");
        // Warm both: connections, and the allocator.
        rate(&client, &fake_url).await;
        rate(&client, &echo_url).await;
        let (mut fakes, mut echoes) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            if round % 2 == 0 {
                fakes.push(rate(&client, &fake_url).await);
                echoes.push(rate(&client, &echo_url).await);
            } else {
                echoes.push(rate(&client, &echo_url).await);
                fakes.push(rate(&client, &fake_url).await);
            }
        }
        let (f, e) = (median(fakes.clone()), median(echoes.clone()));
        println!(
            "{ROUNDS} rounds of {REQUESTS} GETs, {CONCURRENCY} at a time, one thread, {OPERATIONS} operations in the fake's table"
        );
        println!("fake Graph   {f:>9.0} requests/s  (rounds: {fakes:.0?})");
        println!("hyper echo   {e:>9.0} requests/s  (rounds: {echoes:.0?})");
        println!("fake / echo  {:>9.2}", f / e);
        // The journal keeps every request: the bench sent this many to the fake.
        println!(
            "requests in the fake's journal: {}",
            fake.requests().len()
        );
    });
}
