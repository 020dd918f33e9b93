//! The client under transport faults and throttling: what it sends again, what it does
//! not, and the kind of error a caller gets when it gives up. Servers on loopback
//! written at the socket level, so that a connection can drop mid-request or a body
//! stop short.

use graph_runtime::client::{Client, RetryPolicy, StaticToken};
use graph_runtime::{parse_json, Error, ErrorKind, Method, PathBuilder, Request};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a connection of the test server does once it has read a request.
#[derive(Clone, Copy)]
enum Script {
    /// Close without answering.
    Drop,
    /// Answer `200` with a `Content-Length` of 100 and 10 bytes, then close.
    CutBody,
    /// Answer `status` with a small JSON body and these extra headers.
    Answer(u16, &'static str),
}

/// A server whose `n`-th connection follows `scripts[n]` (the last one after that);
/// it counts the requests it read.
async fn server(scripts: Vec<Script>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("a port");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("an address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let script = scripts[n.min(scripts.len() - 1)];
            n += 1;
            if !read_request(&mut stream).await {
                continue;
            }
            seen.fetch_add(1, Ordering::SeqCst);
            let reply = match script {
                Script::Drop => continue,
                Script::CutBody => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"id\":\"1\"".to_string(),
                Script::Answer(status, headers) => format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n{headers}\r\n{{\"id\":\"1\"}}"
                ),
            };
            let _ = stream.write_all(reply.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    (base, requests)
}

/// Reads one request, head and body (by `Content-Length`); `false` if the client
/// went away first.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

fn client(base: &str) -> Client {
    Client::new(base, StaticToken::new("t0k"))
        .expect("a loopback URL")
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_secs(5),
        })
}

fn request(method: Method) -> Request<Value> {
    let request = Request::new(method.clone(), PathBuilder::new("/users/1"), parse_json);
    if method == Method::GET {
        request
    } else {
        request.json(&serde_json::json!({ "displayName": "Ann" }))
    }
}

#[tokio::test]
async fn replayable_methods_are_sent_again_after_a_lost_connection_or_a_cut_body() {
    for method in [Method::GET, Method::PATCH, Method::PUT, Method::DELETE] {
        let (base, requests) =
            server(vec![Script::Drop, Script::CutBody, Script::Answer(200, "")]).await;
        let answer = client(&base).send(request(method.clone())).await;
        assert_eq!(answer.expect("the third attempt")["id"], "1", "{method}");
        assert_eq!(requests.load(Ordering::SeqCst), 3, "{method}");
    }
}

#[tokio::test]
async fn a_post_is_not_sent_again_once_it_may_have_been_applied() {
    let (base, requests) = server(vec![Script::Drop, Script::Answer(200, "")]).await;
    let error = client(&base)
        .send(request(Method::POST))
        .await
        .expect_err("no second attempt");
    assert_eq!(error.kind(), ErrorKind::LostAfterSending, "{error}");
    assert!(error.kind().maybe_applied());
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    let (base, requests) = server(vec![Script::CutBody, Script::Answer(200, "")]).await;
    let error = client(&base)
        .send(request(Method::POST))
        .await
        .expect_err("no second attempt");
    assert_eq!(error.kind(), ErrorKind::BodyCutShort, "{error}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn nothing_listening_is_not_sent_and_says_so() {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("a port");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("an address"));
    drop(listener);
    let error = client(&base)
        .send(request(Method::POST))
        .await
        .expect_err("nothing listens");
    assert_eq!(error.kind(), ErrorKind::NotSent, "{error}");
    assert!(!error.kind().maybe_applied());
    assert!(error.to_string().contains("nothing sent"), "{error}");
}

#[tokio::test]
async fn a_post_is_sent_again_only_when_the_service_says_it_was_not_processed() {
    // 503 with Retry-After: not processed, sent again.
    let (base, requests) = server(vec![
        Script::Answer(503, "Retry-After: 0\r\n"),
        Script::Answer(201, ""),
    ])
    .await;
    assert!(client(&base).send(request(Method::POST)).await.is_ok());
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    // 504, or 503 without Retry-After: it may have been processed.
    for first in [Script::Answer(504, ""), Script::Answer(503, "")] {
        let (base, requests) = server(vec![first, Script::Answer(201, "")]).await;
        let error = client(&base)
            .send(request(Method::POST))
            .await
            .expect_err("no second attempt");
        assert_eq!(error.kind(), ErrorKind::Service);
        assert_eq!(requests.load(Ordering::SeqCst), 1);
    }
    // The same answers to a GET are retried.
    let (base, requests) = server(vec![Script::Answer(504, ""), Script::Answer(200, "")]).await;
    assert!(client(&base).send(request(Method::GET)).await.is_ok());
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn throttled_past_the_retry_budget_is_its_own_kind() {
    let (base, requests) = server(vec![Script::Answer(429, "Retry-After: 0\r\n")]).await;
    let error = client(&base)
        .send(request(Method::GET))
        .await
        .expect_err("always throttled");
    assert_eq!(error.kind(), ErrorKind::Throttled);
    assert!(!error.kind().maybe_applied());
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert!(matches!(error, Error::Service(e) if e.status == 429));
}
