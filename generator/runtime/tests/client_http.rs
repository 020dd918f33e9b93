//! The client's executor (`graph_runtime::client`) against real HTTP servers
//! on loopback: what goes on the wire, paging, the origin rule for tokens, retries and
//! errors.

mod common;

use common::{
    get_device_management_device_configurations, get_device_management_device_configurations_item,
    patch_device_management_device_configurations_device_status_overview as patch_overview,
};
use common::{Counts, DeviceConfiguration, DeviceConfigurationDeviceOverview, DisplayName};
use futures_util::TryStreamExt;
use graph_runtime::client::{
    BoxError, Client, RetryPolicy, StaticToken, TokenFuture, TokenProvider,
};
use graph_runtime::{parse_empty, Method, PathBuilder};
use graph_runtime::{Error, NoContent, ODataQuery, Request, View};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIST: &str = "/v1.0/deviceManagement/deviceConfigurations";

fn client(server: &MockServer) -> Client {
    Client::new(&format!("{}/v1.0", server.uri()), StaticToken::new("t0k"))
        .expect("a loopback base URL")
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Hands out `token-1`, `token-2`, ...: shows when the client asks for a token.
#[derive(Default)]
struct Counting(AtomicUsize);

impl TokenProvider for Counting {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok::<_, BoxError>(format!("token-{n}")) })
    }
}

fn overview_body() -> DeviceConfigurationDeviceOverview {
    let mut overview = DeviceConfigurationDeviceOverview::new();
    overview.set_pending_count(12).set_failed_count(11);
    overview
}

#[tokio::test]
async fn send_puts_request_line_headers_body_and_token_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.type": "#microsoft.graph.deviceConfigurationDeviceOverview",
            "id": "o1",
            "pendingCount": 12,
            "failedCount": 11
        })))
        .mount(&server)
        .await;

    let request =
        patch_overview("a b/c", &overview_body()).header("Prefer", "return=representation");
    let sent_body = request.body().expect("PATCH has a body").to_vec();
    let updated = client(&server).send(request).await.expect("a 200 response");
    assert_eq!(updated.pending_count(), Some(12));
    assert_eq!(updated.failed_count(), Some(11));

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method.as_str(), "PATCH");
    // The path parameter stays one encoded segment under the base URL's path.
    assert_eq!(
        got.url.path(),
        "/v1.0/deviceManagement/deviceConfigurations/a%20b%2Fc/deviceStatusOverview"
    );
    assert_eq!(got.url.query(), None);
    assert_eq!(header(got, "authorization"), Some("Bearer t0k"));
    assert_eq!(header(got, "content-type"), Some("application/json"));
    assert_eq!(header(got, "prefer"), Some("return=representation"));
    assert_eq!(got.headers.get_all("authorization").iter().count(), 1);
    assert_eq!(got.body, sent_body);
}

#[tokio::test]
async fn items_follow_next_links_across_three_pages() {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0", server.uri());
    let page = |ids: &[&str], next: Option<String>| {
        let mut body = json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/deviceConfigurations",
            "value": ids.iter().map(|id| json!({"id": id, "displayName": format!("config {id}")})).collect::<Vec<_>>()
        });
        if let Some(next) = next {
            body["@odata.nextLink"] = json!(next);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(page(
            &["1", "2"],
            Some(format!(
                "{base}/deviceManagement/deviceConfigurations?$top=2&$skiptoken=p2"
            )),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(page(
            &["3", "4"],
            Some(format!(
                "{base}/deviceManagement/deviceConfigurations?$top=2&$skiptoken=p3"
            )),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("$skiptoken", "p3"))
        .respond_with(page(&["5"], None))
        .expect(1)
        .mount(&server)
        .await;

    let request = get_device_management_device_configurations()
        .query(&ODataQuery::new().select(["id", "displayName"]).top(2))
        .header("ConsistencyLevel", "eventual");
    let items: Vec<DeviceConfiguration> = client(&server)
        .items(request)
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<_> = items
        .iter()
        .map(|c| c.get("id").and_then(|v| v.as_str()).unwrap_or_default())
        .collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(items[4].display_name(), Some("config 5"));

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 3);
    assert_eq!(
        received[0].url.query(),
        Some("$select=id,displayName&$top=2")
    );
    assert_eq!(received[2].url.query(), Some("$top=2&$skiptoken=p3"));
    for got in &received {
        assert_eq!(header(got, "authorization"), Some("Bearer t0k"));
        assert_eq!(header(got, "consistencylevel"), Some("eventual"));
    }
}

#[tokio::test]
async fn next_link_to_another_origin_is_refused_and_that_server_gets_nothing() {
    let graph = MockServer::start().await;
    let other = MockServer::start().await;
    let port = graph.address().port();
    let foreign = [
        // Another port (another server), another host, another scheme.
        format!(
            "{}/v1.0/deviceManagement/deviceConfigurations?$skiptoken=x",
            other.uri()
        ),
        format!("http://localhost:{port}/v1.0/deviceManagement/deviceConfigurations?$skiptoken=x"),
        format!("https://127.0.0.1:{port}/v1.0/deviceManagement/deviceConfigurations?$skiptoken=x"),
    ];
    for link in &foreign {
        graph.reset().await;
        Mock::given(method("GET"))
            .and(path(LIST))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "1"}],
                "@odata.nextLink": link
            })))
            .mount(&graph)
            .await;
        let base = format!("http://127.0.0.1:{port}/v1.0");
        let client = Client::new(&base, StaticToken::new("t0k")).expect("a loopback base URL");
        let mut pages = client.pages(get_device_management_device_configurations());
        let first = pages
            .try_next()
            .await
            .expect("the first page")
            .expect("one page");
        assert_eq!(first.value.len(), 1);
        match pages.try_next().await {
            Err(Error::InvalidRequest(reason)) => assert!(reason.contains("nextLink"), "{reason}"),
            other => panic!("{link}: expected the link to be refused, got {other:?}"),
        }
        assert!(pages.try_next().await.expect("the stream ends").is_none());
        let received = graph.received_requests().await.expect("recording is on");
        assert_eq!(received.len(), 1, "{link}: only the first page is fetched");
    }
    let leaked = other.received_requests().await.expect("recording is on");
    assert!(leaked.is_empty(), "the other server got {leaked:?}");
}

#[tokio::test]
async fn throttled_request_is_retried_after_retry_after_with_a_fresh_token_and_the_same_body() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pendingCount": 12})))
        .mount(&server)
        .await;

    // No backoff of its own: only Retry-After can make the client wait.
    let client = Client::new(&format!("{}/v1.0", server.uri()), Counting::default())
        .expect("a loopback base URL")
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::ZERO,
            max_delay: Duration::from_secs(5),
        });
    let started = Instant::now();
    let updated = client
        .send(patch_overview("X", &overview_body()))
        .await
        .expect("success after the retry");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(updated.pending_count(), Some(12));

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 2);
    assert_eq!(
        header(&received[0], "authorization"),
        Some("Bearer token-1")
    );
    assert_eq!(
        header(&received[1], "authorization"),
        Some("Bearer token-2")
    );
    assert_eq!(received[0].body, received[1].body);
    assert!(!received[1].body.is_empty());
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_at_a_retry_after_beyond_the_cap() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/busy")))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/later")))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "120"))
        .mount(&server)
        .await;
    let client = client(&server).with_retry(RetryPolicy {
        max_attempts: 3,
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(5),
    });

    match client
        .send(get_device_management_device_configurations_item("busy"))
        .await
    {
        Err(Error::Service(e)) => assert_eq!(e.status, 504),
        other => panic!("expected the last 504, got {other:?}"),
    }
    match client
        .send(get_device_management_device_configurations_item("later"))
        .await
    {
        Err(Error::Service(e)) => {
            assert_eq!(e.status, 503);
            assert_eq!(e.header("retry-after"), Some("120"));
        }
        other => panic!("expected the 503 at once, got {other:?}"),
    }
    let received = server.received_requests().await.expect("recording is on");
    let count = |p: &str| {
        received
            .iter()
            .filter(|r| r.url.path().ends_with(p))
            .count()
    };
    assert_eq!(count("/busy"), 3);
    assert_eq!(count("/later"), 1);
}

#[tokio::test]
async fn graph_error_body_becomes_the_typed_error_with_the_response_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "r-42")
                .set_body_json(json!({
                    "error": {
                        "code": "ResourceNotFound",
                        "message": "Resource not found",
                        "innerError": {"request-id": "r-42", "date": "2024-01-01T00:00:00"}
                    }
                })),
        )
        .mount(&server)
        .await;

    match client(&server)
        .send(get_device_management_device_configurations_item("missing"))
        .await
    {
        Err(Error::Service(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.code(), Some("ResourceNotFound"));
            let error = e.error.as_ref().expect("a Graph error body");
            assert_eq!(error.message, "Resource not found");
            let inner = error.inner_error.as_ref().expect("innerError");
            assert_eq!(inner.request_id.as_deref(), Some("r-42"));
            assert_eq!(e.header("Request-Id"), Some("r-42"));
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_carry_the_token() {
    let graph = MockServer::start().await;
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", format!("{}/blob", storage.uri())),
        )
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/blob"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1"})))
        .mount(&storage)
        .await;

    let config = client(&graph)
        .send(get_device_management_device_configurations_item("c1"))
        .await
        .expect("the redirect is followed");
    assert_eq!(config.get("id").and_then(|v| v.as_str()), Some("c1"));
    let received = storage.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    assert_eq!(header(&received[0], "authorization"), None);
}

#[tokio::test]
async fn an_invalid_request_sends_nothing_and_a_dead_port_is_a_transport_error() {
    let server = MockServer::start().await;
    match client(&server)
        .send(get_device_management_device_configurations_item(".."))
        .await
    {
        Err(Error::InvalidRequest(_)) => {}
        other => panic!("expected an invalid request, got {other:?}"),
    }
    // A hand-made path that would turn the base host into userinfo and move the host.
    let other = MockServer::start().await;
    let sneaky: Request<NoContent> = Request::new(
        Method::GET,
        PathBuilder::new(&format!("@localhost:{}/x", other.address().port())),
        parse_empty,
    );
    let bare = Client::new(&server.uri(), StaticToken::new("t0k")).expect("a loopback base URL");
    match bare.send(sneaky).await {
        Err(Error::InvalidRequest(reason)) => assert!(reason.contains("base URL"), "{reason}"),
        other => panic!("expected an invalid request, got {other:?}"),
    }
    for s in [&server, &other] {
        assert!(s
            .received_requests()
            .await
            .expect("recording is on")
            .is_empty());
    }

    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = Client::new(
        &format!("http://127.0.0.1:{port}/v1.0"),
        StaticToken::new("t0k"),
    )
    .expect("a loopback base URL")
    .with_retry(RetryPolicy::never());
    match client
        .send(get_device_management_device_configurations_item("c1"))
        .await
    {
        Err(Error::Transport(_)) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failing_token_provider_is_a_sign_in_error_and_sends_nothing() {
    struct Failing;
    impl TokenProvider for Failing {
        fn token(&self) -> TokenFuture<'_> {
            Box::pin(async { Err(BoxError::from("the token endpoint is down")) })
        }
    }
    let server = MockServer::start().await;
    let client =
        Client::new(&format!("{}/v1.0", server.uri()), Failing).expect("a loopback base URL");
    match client
        .send(get_device_management_device_configurations_item("c1"))
        .await
    {
        Err(Error::SignIn(e)) => assert!(e.to_string().contains("token endpoint")),
        other => panic!("expected a sign-in error, got {other:?}"),
    }
    assert!(server
        .received_requests()
        .await
        .expect("recording is on")
        .is_empty());
}
